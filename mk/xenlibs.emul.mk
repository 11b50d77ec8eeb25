# SPDX-License-Identifier: BSD-2-Clause
#
# Test programs that run libraries' real backends, for every OS, against
# the emulated Xen devices (tests/emul).  A test directory sets
#   EMUL_LIBS   the libraries compiled into the programs, with their
#               backends (xendevicemodel xenhypercall); EMUL_LIB, one
#   EMUL_TESTS  sources <t>.c, each built as <t>_linux, <t>_freebsd, <t>_netbsd
# Each program links those libraries' front-end sources and their
# sys/<os>/ backends, compiled here, with libxenemu, wrapping every system
# call the backends make; the libraries they depend on are linked as usual.
# The dialect is passed to the program as XENEMU_DIALECT.

EMUL_LIBS?=	${EMUL_LIB}
EMUL_OSES?=	linux freebsd netbsd
_EMUL_WRAP=	open close ioctl mmap munmap read write dup2 fcntl poll \
		madvise mlock munlock syscall
CFLAGS+=	-I${SRCTOP}/lib/common -I${SRCTOP}/tests/emul

.for l in ${EMUL_LIBS}
_EMUL_DIR.${l}=	${SRCTOP}/lib/lib${l}
_EMUL_FE.${l}!=	cd ${_EMUL_DIR.${l}} && ${.MAKE} -V '$${SRCS:N$${BACKEND}.c}'
_EMUL_BE.${l}!=	cd ${_EMUL_DIR.${l}} && ${.MAKE} -V BACKEND
_EMUL_DEPS.${l}!= cd ${_EMUL_DIR.${l}} && ${.MAKE} -V LIBDEPS
CFLAGS+=	-I${_EMUL_DIR.${l}}
.for d in ${_EMUL_DEPS.${l}}
.if empty(EMUL_LIBS:M${d}) && empty(_EMUL_LINKED:M${d})
_EMUL_LINKED+=	${d}
CFLAGS+=	-I${SRCTOP}/lib/lib${d}
.endif
.endfor
.for s in ${_EMUL_FE.${l}}
emul_fe_${s:R}.o: ${_EMUL_DIR.${l}}/${s}
	${CC} -I${_EMUL_DIR.${l}} ${CFLAGS} -c ${.ALLSRC:M*.c:O:u} -o ${.TARGET}
_EMUL_FE_OBJS+=	emul_fe_${s:R}.o
.endfor
.for os in ${EMUL_OSES}
.if !empty(_EMUL_BE.${l})
emul_${os}_${_EMUL_BE.${l}}.o: ${SRCTOP}/sys/${os}/${_EMUL_BE.${l}}.c
	${CC} -I${_EMUL_DIR.${l}} ${CFLAGS} -c ${.ALLSRC:M*.c:O:u} -o ${.TARGET}
_EMUL_BE_OBJS.${os}+=	emul_${os}_${_EMUL_BE.${l}}.o
.endif
.endfor
.endfor

_EMUL_LDADD=	${OBJTOP}/tests/emul/libxenemu.a \
		${_EMUL_WRAP:@f@-Wl,--wrap=${f}@} -lpthread \
		${_EMUL_LINKED:@d@-L${OBJTOP}/lib/lib${d} -l${d}@}

.for os in ${EMUL_OSES}
.for t in ${EMUL_TESTS}
${t}_${os}.o: ${t}.c
	${CC} ${CFLAGS} -DXENEMU_DIALECT=XENEMU_${os:tu} -c ${.ALLSRC:M*.c:O:u} -o ${.TARGET}
${t}_${os}: ${t}_${os}.o ${_EMUL_BE_OBJS.${os}} ${_EMUL_FE_OBJS}
	${CC} ${LDFLAGS} -o ${.TARGET} ${.ALLSRC} ${_EMUL_LDADD} \
	    -latf-c ${_TEST_RPATH}
_TEST_PROGS+=	${t}_${os}
CLEANFILES+=	${t}_${os} ${t}_${os}.o
.endfor
CLEANFILES+=	${_EMUL_BE_OBJS.${os}}
.endfor
CLEANFILES+=	${_EMUL_FE_OBJS}
