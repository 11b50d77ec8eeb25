# SPDX-License-Identifier: BSD-2-Clause
#
# A directory of kyua test programs, installed under ${TESTSBASE}/<dir>.
#   TESTS_C     ATF C programs: <t> from <t>.c plus SRCS.<t>
#   TESTS_SH    atf-sh programs: <t> from <t>.sh
#   LIBDEPS     xenlibs libraries the C programs link against
#   LDADD.<t>   extra link arguments for one program
#   FILES       data files installed beside the programs
#   EMUL_LIBS (EMUL_LIB), EMUL_TESTS: see xenlibs.emul.mk
# A Kyuafile beside the Makefile is installed with them.  Installed programs
# find the libraries installed with them through a relative RUNPATH, so a
# staged tree tests its own libraries.

.include "xenlibs.conf.mk"

TESTSDIR?=	${TESTSBASE}/${.CURDIR:T}
.PATH:		${.CURDIR}
CFLAGS+=	-I${.CURDIR} -I${SRCTOP}/tests/lib
# Each object records the headers it read (<obj>.d), so that changing one
# (xenemu.h, xenlibs_test.h, a library's private.h) rebuilds what uses it.
CFLAGS+=	-MD -MP
_DEPFILES!=	cd ${.OBJDIR} && ls *.d 2>/dev/null || true
.for d in ${_DEPFILES}
.-include "${.OBJDIR}/${d}"
.endfor
.for d in ${LIBDEPS}
CFLAGS+=	-I${SRCTOP}/lib/lib${d}
_TEST_LIBS+=	-L${OBJTOP}/lib/lib${d} -l${d}
.endfor
_TEST_RPATH=	-Wl,-rpath,'$$ORIGIN/../../../lib' -Wl,--enable-new-dtags

_TEST_PROGS=	${TESTS_C} ${TESTS_SH}

.if defined(EMUL_TESTS)
.include "xenlibs.emul.mk"
.endif

.for t in ${TESTS_C}
_OBJS.${t}=	${t}.o ${SRCS.${t}:R:S/$/.o/}
${t}: ${_OBJS.${t}}
	${CC} ${LDFLAGS} -o ${.TARGET} ${_OBJS.${t}} ${LDADD.${t}} ${_TEST_LIBS} \
	    -latf-c ${_TEST_RPATH}
CLEANFILES+=	${t} ${_OBJS.${t}}
.endfor

.for t in ${TESTS_SH}
${t}: ${t}.sh
	{ echo '#! /usr/bin/env atf-sh'; cat ${.ALLSRC}; } > ${.TARGET}
	chmod +x ${.TARGET}
CLEANFILES+=	${t}
.endfor

all: ${_TEST_PROGS}

install: all .PHONY
	${INSTALL} -d ${DESTDIR}${TESTSDIR}
.if !empty(_TEST_PROGS)
	${INSTALL} -m 555 ${_TEST_PROGS} ${DESTDIR}${TESTSDIR}/
.endif
	${INSTALL} -m 444 ${.CURDIR}/Kyuafile ${DESTDIR}${TESTSDIR}/Kyuafile
.for f in ${FILES}
	${INSTALL} -m 444 ${.CURDIR}/${f} ${DESTDIR}${TESTSDIR}/${f:T}
.endfor

clean cleandir: .PHONY
	rm -f ${CLEANFILES} *.d

.MAIN: all
