# SPDX-License-Identifier: BSD-2-Clause
#
# Manual pages: every page under man<N>/ beside the Makefile is installed;
# each further name a page documents in an .Nm line becomes a link to it,
# so a family of functions needs no MLINKS list to keep in step.

.include "xenlibs.conf.mk"

MANPAGES!=	cd ${.CURDIR} && ls man[1-9]/*.[1-9] 2>/dev/null || true

all: .PHONY

install: .PHONY
.for p in ${MANPAGES}
	${INSTALL} -d ${DESTDIR}${MANDIR}/${p:H}
	${INSTALL} -m 444 ${.CURDIR}/${p} ${DESTDIR}${MANDIR}/${p}
	@for n in `sed -n 's/^\.Nm \([A-Za-z_0-9]*\).*/\1/p' ${.CURDIR}/${p} | sort -u`; do \
		[ "$$n.${p:E}" = "${p:T}" ] && continue; \
		ln -sf ${p:T} ${DESTDIR}${MANDIR}/${p:H}/$$n.${p:E}; \
	done
.endfor

clean cleandir: .PHONY
