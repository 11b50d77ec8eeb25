# SPDX-License-Identifier: BSD-2-Clause
#
# Test programs that run one library's real backends, for every OS, against
# the emulated Xen devices (tests/emul).  A test directory sets
#   EMUL_LIB    the library (xenevtchn)
#   EMUL_TESTS  sources <t>.c, each built as <t>_linux, <t>_freebsd, <t>_netbsd
# Each program links the library's front-end sources and sys/<os>/<backend>.c,
# compiled here, with libxenemu, wrapping every system call the backends
# make.  The dialect is passed to the program as XENEMU_DIALECT.

EMUL_OSES?=	linux freebsd netbsd
_EMUL_DIR=	${SRCTOP}/lib/lib${EMUL_LIB}
_EMUL_FE!=	cd ${_EMUL_DIR} && ${.MAKE} -V '$${SRCS:N$${BACKEND}.c}'
_EMUL_BE!=	cd ${_EMUL_DIR} && ${.MAKE} -V BACKEND
_EMUL_DEPS!=	cd ${_EMUL_DIR} && ${.MAKE} -V LIBDEPS
_EMUL_WRAP=	open close ioctl mmap munmap read write dup2 fcntl poll \
		madvise mlock munlock syscall
_EMUL_LDADD=	${OBJTOP}/tests/emul/libxenemu.a \
		${_EMUL_WRAP:@f@-Wl,--wrap=${f}@} -lpthread
CFLAGS+=	-I${_EMUL_DIR} -I${SRCTOP}/tests/emul
.for d in ${_EMUL_DEPS}
CFLAGS+=	-I${SRCTOP}/lib/lib${d}
_EMUL_LIBS+=	-L${OBJTOP}/lib/lib${d} -l${d}
.endfor

.for s in ${_EMUL_FE}
emul_fe_${s:R}.o: ${_EMUL_DIR}/${s}
	${CC} ${CFLAGS} -c ${.ALLSRC} -o ${.TARGET}
_EMUL_FE_OBJS+=	emul_fe_${s:R}.o
.endfor

.for os in ${EMUL_OSES}
emul_${os}_backend.o: ${SRCTOP}/sys/${os}/${_EMUL_BE}.c
	${CC} ${CFLAGS} -c ${.ALLSRC} -o ${.TARGET}
.for t in ${EMUL_TESTS}
${t}_${os}.o: ${t}.c
	${CC} ${CFLAGS} -DXENEMU_DIALECT=XENEMU_${os:tu} -c ${.ALLSRC} -o ${.TARGET}
${t}_${os}: ${t}_${os}.o emul_${os}_backend.o ${_EMUL_FE_OBJS}
	${CC} ${LDFLAGS} -o ${.TARGET} ${.ALLSRC} ${_EMUL_LDADD} ${_EMUL_LIBS} \
	    -latf-c ${_TEST_RPATH}
TESTS_C_EMUL+=	${t}_${os}
CLEANFILES+=	${t}_${os} ${t}_${os}.o
.endfor
CLEANFILES+=	emul_${os}_backend.o
.endfor
CLEANFILES+=	${_EMUL_FE_OBJS}
_TEST_PROGS+=	${TESTS_C_EMUL}
