# SPDX-License-Identifier: BSD-2-Clause
#
# A program built on xenlibs libraries.  The Makefile sets PROG, SRCS,
# LIBDEPS and BINDIR; its manual page lives under share/man.  Installed
# programs find the libraries installed beside them (${PREFIX}/lib).

.include "xenlibs.conf.mk"

MAN=
.for d in ${LIBDEPS}
CFLAGS+=	-I${SRCTOP}/lib/lib${d}
LDADD+=		-L${OBJTOP}/lib/lib${d} -l${d}
.endfor
LDADD+=		-Wl,-rpath,'$$ORIGIN/../lib' -Wl,--enable-new-dtags
BINOWN?=	${BINOWN}

.include <prog.mk>

install: all
