# SPDX-License-Identifier: BSD-2-Clause
#
# One xenlibs library.  The library Makefile sets:
#   LIB       name without "lib" (xenevtchn)
#   SRCS      the portable front end
#   BACKEND   optional: base name of its sys/<os>/ file (evtchn -> sys/linux/evtchn.c)
#   INCS      public headers
#   LIBDEPS   xenlibs libraries it links against (xentoollog xentoolcore ...)
#   PCNAMES   optional: pkg-config names (default ${LIB})
#   PCALIASES optional: extra installed names of the shared object (xencall)
# The version script is lib${LIB}.map beside the Makefile.

.include "xenlibs.conf.mk"

VERSION_MAP?=	${.CURDIR}/lib${LIB}.map
PCNAMES?=	${LIB}
PCVERSION!=	sed -n 's/^\(VERS_[0-9.]*\).*/\1/p' ${VERSION_MAP} | tail -n 1 | sed 's/VERS_//'
# The file name follows the newest version node (libxencall.so.1.3 for
# VERS_1.3), as upstream's does, so ldconfig never prefers an older copy.
SHLIB_MAJOR?=	1
SHLIB_MINOR?=	${PCVERSION:E}

.if defined(BACKEND)
.PATH: ${SRCTOP}/sys/${XENLIBS_OS}
SRCS+=		${BACKEND}.c
.endif

CFLAGS+=	-fvisibility=hidden -I${.CURDIR} -I${SRCTOP}/lib/common
.for d in ${LIBDEPS}
CFLAGS+=	-I${SRCTOP}/lib/lib${d}
SHLIB_LDADD+=	-L${OBJTOP}/lib/lib${d} -l${d}
.endfor
SHLIB_LDADD+=	-Wl,--version-script=${VERSION_MAP}
.if ${XENLIBS_SANITIZE:Uno} == "no"
SHLIB_LDADD+=	-Wl,-z,defs
.endif
SHLIB_LDADD+=	${LDADD} ${LDFLAGS} -lc

.include <lib.mk>

# Debian's lib.mk passes "-soname lib.so.1" as one word, which binutils rejects.
LD_shared=	-shared -Wl,-soname,lib${LIB}.so.${SHLIB_MAJOR}

# pkg-config files, one per name; Requires.private follows LIBDEPS.
.for pc in ${PCNAMES}
${pc}.pc: ${VERSION_MAP} ${.PARSEDIR}/xenlibs.lib.mk
	@{ echo 'prefix=${PREFIX}'; echo 'includedir=$${prefix}/include'; \
	   echo 'libdir=$${prefix}/lib'; echo; \
	   echo 'Name: ${pc}'; echo 'Description: xenlibs lib${LIB}'; \
	   echo 'Version: ${PCVERSION}'; echo 'Cflags: -I$${includedir}'; \
	   echo 'Libs: -L$${libdir} -l${LIB}'; \
	   echo 'Requires.private: ${LIBDEPS:ts,}'; } > $@
all: ${pc}.pc
CLEANFILES+=	${pc}.pc
.endfor

afterinstall: _xenlibs_libinstall
_xenlibs_libinstall: .PHONY
	rm -f ${DESTDIR}${LIBDIR}/lib${LIB}_pic.a
	${INSTALL} -d ${DESTDIR}${PKGCONFIGDIR}
.for pc in ${PCNAMES}
	${INSTALL} -m 444 ${pc}.pc ${DESTDIR}${PKGCONFIGDIR}/${pc}.pc
.endfor
.for a in ${PCALIASES}
	ln -sf lib${LIB}.so.${SHLIB_MAJOR} ${DESTDIR}${LIBDIR}/lib${a}.so.${SHLIB_MAJOR}
	ln -sf lib${LIB}.so ${DESTDIR}${LIBDIR}/lib${a}.so
	ln -sf lib${LIB}.a ${DESTDIR}${LIBDIR}/lib${a}.a
.endfor

install: all
