/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * libxenhypercall front end: handles and hypercalls.
 *
 * Closed handles are kept in a pool and reused by later opens instead of
 * being freed, so that a call on a closed handle reads library memory and
 * fails with EBADF rather than touching freed memory.  A child created by
 * fork(2) sees its inherited handles as unusable (EBADF) except by
 * xencall_close().
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "private.h"
#include "xenlibs_cdefs.h"

volatile unsigned long xencall__forkgen;

static pthread_mutex_t pool_lock = PTHREAD_MUTEX_INITIALIZER;
static xencall_handle *pool_head;
static pthread_once_t atfork_once = PTHREAD_ONCE_INIT;
static int atfork_error;

/* Hold the pool lock across fork so the child never inherits it held. */
static void
atfork_prepare(void)
{
	pthread_mutex_lock(&pool_lock);
}

static void
atfork_parent(void)
{
	pthread_mutex_unlock(&pool_lock);
}

static void
atfork_child(void)
{
	xencall__forkgen++;
	pthread_mutex_unlock(&pool_lock);
}

static void
atfork_register(void)
{
	atfork_error = pthread_atfork(atfork_prepare, atfork_parent,
	    atfork_child);
}

int
xencall__usable(xencall_handle *xcall)
{
	if (xcall == NULL) {
		errno = EINVAL;
		return 0;
	}
	if (xcall->magic != XENCALL_MAGIC) {
		errno = EBADF;	/* closed */
		return 0;
	}
	if (xcall->forkgen != xencall__forkgen) {
		/* Inherited through fork(2): only xencall_close() is allowed. */
		errno = EBADF;
		xtl_log(xcall->logger, XTL_ERROR, errno, XENCALL_LOGCTX,
		    "handle inherited across fork: only xencall_close() may "
		    "be used in the child");
		return 0;
	}
	return 1;
}

static int
xencall_restrict(Xentoolcore__Active_Handle *ah, domid_t domid)
{
	xencall_handle *xcall = (xencall_handle *)(void *)ah;

	int e;

	/* privcmd has no restriction for plain hypercalls: neuter the fd. */
	if (xentoolcore__restrict_by_dup2_null(xcall->fd) == 0)
		return 0;
	e = errno;
	xtl_log(xcall->logger, XTL_ERROR, e, XENCALL_LOGCTX,
	    "restrict_all: cannot make the handle (fd %d) useless for "
	    "domain %u", xcall->fd, (unsigned)domid);
	errno = e;
	return -1;
}

static xencall_handle *
handle_get(void)
{
	xencall_handle *xcall;

	pthread_mutex_lock(&pool_lock);
	if ((xcall = pool_head) != NULL)
		pool_head = xcall->next_free;
	pthread_mutex_unlock(&pool_lock);
	if (xcall == NULL)
		xcall = malloc(sizeof(*xcall));
	if (xcall != NULL)
		memset(xcall, 0, sizeof(*xcall));
	return xcall;
}

static void
handle_put(xencall_handle *xcall)
{
	xcall->magic = 0;
	pthread_mutex_lock(&pool_lock);
	xcall->next_free = pool_head;
	pool_head = xcall;
	pthread_mutex_unlock(&pool_lock);
}

XENLIBS_EXPORT xencall_handle *
xencall_open(xentoollog_logger *logger, unsigned open_flags)
{
	xencall_handle *xcall;
	int saved;

	pthread_once(&atfork_once, atfork_register);
	if ((xcall = handle_get()) == NULL) {
		saved = errno;
		xtl_log(logger, XTL_ERROR, saved, XENCALL_LOGCTX,
		    "cannot allocate a handle");
		errno = saved;
		return NULL;
	}
	xcall->fd = -1;
	xcall->buf_fd = -1;
	xcall->flags = open_flags;
	xcall->forkgen = xencall__forkgen;
	xcall->logger = logger;
	if (logger == NULL) {
		xcall->logger_tofree = xtl_createlogger_stdiostream(stderr,
		    XTL_PROGRESS, 0);
		if (xcall->logger_tofree == NULL) {
			saved = errno;
			handle_put(xcall);
			errno = saved;
			return NULL;
		}
		xcall->logger = (xentoollog_logger *)xcall->logger_tofree;
	}
	if (atfork_error != 0) {
		saved = atfork_error;
		xtl_log(xcall->logger, XTL_ERROR, saved, XENCALL_LOGCTX,
		    "cannot register the fork handlers");
		goto fail;
	}
	if ((open_flags & ~XENCALL_OPENFLAG_NON_REENTRANT) != 0) {
		saved = EINVAL;
		xtl_log(xcall->logger, XTL_ERROR, saved, XENCALL_LOGCTX,
		    "unknown open flags %#x",
		    open_flags & ~XENCALL_OPENFLAG_NON_REENTRANT);
		goto fail;
	}
	if ((saved = pthread_mutex_init(&xcall->lock, NULL)) != 0) {
		xtl_log(xcall->logger, XTL_ERROR, saved, XENCALL_LOGCTX,
		    "cannot initialise the handle's lock");
		goto fail;
	}
	if (xencall_os_open(xcall) < 0) {
		saved = errno;
		pthread_mutex_destroy(&xcall->lock);
		goto fail;
	}
	xcall->tc_ah.restrict_callback = xencall_restrict;
	xentoolcore__register_active_handle(&xcall->tc_ah);
	xcall->magic = XENCALL_MAGIC;
	return xcall;

fail:
	xtl_logger_destroy((xentoollog_logger *)xcall->logger_tofree);
	handle_put(xcall);
	errno = saved;
	return NULL;
}

XENLIBS_EXPORT int
xencall_close(xencall_handle *xcall)
{
	int inherited, rc, saved = 0;

	if (xcall == NULL)
		return 0;
	if (xcall->magic != XENCALL_MAGIC) {
		errno = EBADF;
		return -1;
	}
	inherited = xcall->forkgen != xencall__forkgen;
	xentoolcore__deregister_active_handle(&xcall->tc_ah);
	xcall->magic = 0;
	xencall__buffers_release(xcall, inherited);
	if ((rc = xencall_os_close(xcall)) < 0)
		saved = errno;
	/* In a child another thread of the parent may have held the lock. */
	if (!inherited)
		pthread_mutex_destroy(&xcall->lock);
	xtl_logger_destroy((xentoollog_logger *)xcall->logger_tofree);
	handle_put(xcall);
	if (rc < 0)
		errno = saved;
	return rc;
}

XENLIBS_EXPORT int
xencall_fd(xencall_handle *xcall)
{
	if (!xencall__usable(xcall))
		return -1;
	return xcall->fd;
}

static long
hypercall(xencall_handle *xcall, unsigned int op, uint64_t a1, uint64_t a2,
    uint64_t a3, uint64_t a4, uint64_t a5)
{
	uint64_t arg[5];

	if (!xencall__usable(xcall))
		return -1;
	arg[0] = a1;
	arg[1] = a2;
	arg[2] = a3;
	arg[3] = a4;
	arg[4] = a5;
	return xencall_os_hypercall(xcall, op, arg);
}

XENLIBS_EXPORT int
xencall0(xencall_handle *xcall, unsigned int op)
{
	return (int)hypercall(xcall, op, 0, 0, 0, 0, 0);
}

XENLIBS_EXPORT int
xencall1(xencall_handle *xcall, unsigned int op, uint64_t arg1)
{
	return (int)hypercall(xcall, op, arg1, 0, 0, 0, 0);
}

XENLIBS_EXPORT int
xencall2(xencall_handle *xcall, unsigned int op, uint64_t arg1,
    uint64_t arg2)
{
	return (int)hypercall(xcall, op, arg1, arg2, 0, 0, 0);
}

XENLIBS_EXPORT int
xencall3(xencall_handle *xcall, unsigned int op, uint64_t arg1,
    uint64_t arg2, uint64_t arg3)
{
	return (int)hypercall(xcall, op, arg1, arg2, arg3, 0, 0);
}

XENLIBS_EXPORT int
xencall4(xencall_handle *xcall, unsigned int op, uint64_t arg1,
    uint64_t arg2, uint64_t arg3, uint64_t arg4)
{
	return (int)hypercall(xcall, op, arg1, arg2, arg3, arg4, 0);
}

XENLIBS_EXPORT int
xencall5(xencall_handle *xcall, unsigned int op, uint64_t arg1,
    uint64_t arg2, uint64_t arg3, uint64_t arg4, uint64_t arg5)
{
	return (int)hypercall(xcall, op, arg1, arg2, arg3, arg4, arg5);
}

XENLIBS_EXPORT long
xencall2L(xencall_handle *xcall, unsigned int op, uint64_t arg1,
    uint64_t arg2)
{
	return hypercall(xcall, op, arg1, arg2, 0, 0, 0);
}

XENLIBS_EXPORT int
xencall_buffers_never_fault(xencall_handle *xcall)
{
	if (!xencall__usable(xcall))
		return 0;
	return xencall_os_buffers_never_fault(xcall);
}
