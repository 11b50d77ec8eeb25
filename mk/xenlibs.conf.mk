# SPDX-License-Identifier: BSD-2-Clause
#
# Settings shared by every xenlibs Makefile.  Included first, through the
# per-purpose files (xenlibs.lib.mk, xenlibs.test.mk, ...).

.if !defined(_XENLIBS_CONF_MK)
_XENLIBS_CONF_MK=1

SRCTOP:=	${.PARSEDIR:H:tA}

# Which sys/<os>/ backend a library is built with.  Defaults to the host;
# any backend compiles on any host (bmake XENLIBS_OS=netbsd).
XENLIBS_OS?=	${.MAKE.OS:tl}

# Objects never land in the source tree.
MAKEOBJDIRPREFIX?=	${TMPDIR:U/tmp}/xenlibs-obj
.export MAKEOBJDIRPREFIX
MKOBJDIRS=	auto
.include <auto.obj.mk>
# Where a sibling directory's objects are: ${OBJTOP}/lib/libxentoollog ...
OBJTOP=		${MAKEOBJDIRPREFIX}${SRCTOP}

PREFIX?=	/usr/local
LIBDIR=		${PREFIX}/lib
INCSDIR=	${PREFIX}/include
MANDIR=		${PREFIX}/share/man
SBINDIR=	${PREFIX}/sbin
PKGCONFIGDIR=	${LIBDIR}/pkgconfig
TESTSBASE=	${PREFIX}/tests/xenlibs
BINOWN!=	id -un
BINGRP!=	id -gn
LIBOWN=		${BINOWN}
LIBGRP=		${BINGRP}
MANOWN=		${BINOWN}
MANGRP=		${BINGRP}

INSTALL?=	install
MK_PROFILE=	no
MANTARGET=	man

# C99 plus POSIX; _DEFAULT_SOURCE only matters to glibc, which hides
# MAP_ANONYMOUS and friends under -std=c99.
CFLAGS+=	-std=c99 -D_DEFAULT_SOURCE -O2 -g
CFLAGS+=	-Wall -Wextra -Wmissing-prototypes -Wstrict-prototypes \
		-Wshadow -Wpointer-arith -Wno-unused-parameter
.if ${XENLIBS_WERROR:Uno} == "yes"
CFLAGS+=	-Werror
.endif

# XENLIBS_SANITIZE=yes: the clang ASan + UBSan build of libraries and tests.
.if ${XENLIBS_SANITIZE:Uno} == "yes"
CC=		clang
SANITIZE_FLAGS=	-fsanitize=address,undefined -fno-sanitize-recover=undefined \
		-fno-omit-frame-pointer
CFLAGS+=	${SANITIZE_FLAGS}
LDFLAGS+=	${SANITIZE_FLAGS}
.endif

# XENLIBS_SANITIZE=thread: the clang ThreadSanitizer build of libraries and
# tests (run with TSAN_OPTIONS=halt_on_error=1, so that a race report ends
# the test program and fails its case).
.if ${XENLIBS_SANITIZE:Uno} == "thread"
CC=		clang
SANITIZE_FLAGS=	-fsanitize=thread -fno-omit-frame-pointer
CFLAGS+=	${SANITIZE_FLAGS}
LDFLAGS+=	${SANITIZE_FLAGS}
.endif

.endif
