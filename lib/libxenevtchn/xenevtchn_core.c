/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * libxenevtchn front end: handles, argument checks, logging.  The kernel
 * work is done by the backend (private.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

#include "private.h"
#include "xenlibs_cdefs.h"

#define CTX	"xenevtchn"

/*
 * Log a failure and leave err in errno.  EAGAIN and EINTR are not errors
 * of the library: they are logged at debug level only.
 */
static void fail(xenevtchn_handle *, int, const char *, ...)
    XTL_PRINTF_LIKE(3, 4);

static void
fail(xenevtchn_handle *xce, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	xtl_logv(xce->logger,
	    (err == EAGAIN || err == EINTR) ? XTL_DEBUG : XTL_ERROR,
	    err, CTX, fmt, ap);
	va_end(ap);
	errno = err;
}

static int
restrict_cb(Xentoolcore__Active_Handle *ah, domid_t domid)
{
	xenevtchn_handle *xce = (xenevtchn_handle *)(void *)
	    ((char *)ah - offsetof(xenevtchn_handle, tc_ah));

	int e;

	if (xenevtchn_os_restrict(xce->fd, domid) == 0) {
		__atomic_store_n(&xce->restricted_to, (int)domid,
		    __ATOMIC_RELAXED);
		return 0;
	}
	e = errno;
	/*
	 * Linux refuses a second restriction (EACCES) even to the same
	 * domain: a handle xenevtchn_restrict() already restricted to
	 * domid is as restricted_all wants it.
	 */
	if (e == EACCES && __atomic_load_n(&xce->restricted_to,
	    __ATOMIC_RELAXED) == (int)domid)
		return 0;
	/*
	 * The kernel cannot restrict this device (EOPNOTSUPP; a Linux
	 * driver without the ioctl says ENOSYS), or refused to: make the
	 * handle useless, so that none is left unrestricted, and report a
	 * refusal.
	 */
	if (xentoolcore__restrict_by_dup2_null(xce->fd) == -1) {
		fail(xce, errno, "restrict_all: cannot restrict the handle "
		    "(fd %d) to domain %u nor make it useless", xce->fd,
		    (unsigned int)domid);
		return -1;
	}
	if (e == EOPNOTSUPP || e == ENOSYS)
		return 0;
	fail(xce, e, "restrict_all: the kernel refused to restrict the "
	    "handle (fd %d) to domain %u: it was made useless", xce->fd,
	    (unsigned int)domid);
	return -1;
}

/* A handle with its logger, not yet holding a descriptor. */
static xenevtchn_handle *
handle_alloc(xentoollog_logger *logger)
{
	xenevtchn_handle *xce;
	xentoollog_logger_stdiostream *own = NULL;
	int saved;

	if (logger == NULL) {
		own = xtl_createlogger_stdiostream(stderr, XTL_PROGRESS, 0);
		if (own == NULL)
			return NULL;
		logger = (xentoollog_logger *)own;
	}
	if ((xce = calloc(1, sizeof(*xce))) == NULL) {
		saved = errno;
		xtl_log(logger, XTL_ERROR, saved, CTX,
		    "cannot allocate a handle");
		if (own != NULL)
			xtl_logger_destroy((xentoollog_logger *)own);
		errno = saved;
		return NULL;
	}
	xce->logger = logger;
	xce->logger_tofree = (xentoollog_logger *)own;
	xce->fd = -1;
	xce->restricted_to = -1;
	xce->tc_ah.restrict_callback = restrict_cb;
	return xce;
}

static void
handle_free(xenevtchn_handle *xce)
{
	int saved = errno;

	if (xce->logger_tofree != NULL)
		xtl_logger_destroy(xce->logger_tofree);
	free(xce);
	errno = saved;
}

XENLIBS_EXPORT xenevtchn_handle *
xenevtchn_open(struct xentoollog_logger *logger, unsigned int flags)
{
	xenevtchn_handle *xce;

	if ((xce = handle_alloc(logger)) == NULL)
		return NULL;
	if ((flags & ~(unsigned int)XENEVTCHN_NO_CLOEXEC) != 0) {
		fail(xce, EINVAL, "open: unknown flags %#x",
		    flags & ~(unsigned int)XENEVTCHN_NO_CLOEXEC);
		handle_free(xce);
		return NULL;
	}
	xce->fd = xenevtchn_os_open(!(flags & XENEVTCHN_NO_CLOEXEC));
	if (xce->fd < 0) {
		fail(xce, errno, "cannot open %s", xenevtchn_os_device());
		handle_free(xce);	/* keeps errno */
		return NULL;
	}
	xentoolcore__register_active_handle(&xce->tc_ah);
	return xce;
}

XENLIBS_EXPORT xenevtchn_handle *
xenevtchn_fdopen(struct xentoollog_logger *logger, int fd,
    unsigned open_flags)
{
	xenevtchn_handle *xce;

	if ((xce = handle_alloc(logger)) == NULL)
		return NULL;
	if (open_flags != 0) {
		/* XENEVTCHN_NO_CLOEXEC too: the descriptor's flags are the
		 * caller's. */
		fail(xce, EINVAL, "fdopen: flags %#x not accepted",
		    open_flags);
		handle_free(xce);
		return NULL;
	}
	if (fd < 0 || fcntl(fd, F_GETFD) == -1) {
		fail(xce, fd < 0 ? EBADF : errno, "fdopen: bad descriptor %d",
		    fd);
		handle_free(xce);
		return NULL;
	}
	xce->fd = fd;
	xentoolcore__register_active_handle(&xce->tc_ah);
	return xce;
}

XENLIBS_EXPORT int
xenevtchn_close(xenevtchn_handle *xce)
{
	int rc = 0, saved = 0;

	if (xce == NULL)
		return 0;
	xentoolcore__deregister_active_handle(&xce->tc_ah);
	if (xce->fd >= 0 && xenevtchn_os_close(xce->fd) == -1) {
		saved = errno;
		xtl_log(xce->logger, XTL_ERROR, saved, CTX,
		    "close of %s failed", xenevtchn_os_device());
		rc = -1;
	}
	handle_free(xce);
	if (rc == -1)
		errno = saved;
	return rc;
}

XENLIBS_EXPORT int
xenevtchn_fd(xenevtchn_handle *xce)
{
	if (xce == NULL) {
		errno = EINVAL;
		return -1;
	}
	return xce->fd;
}

XENLIBS_EXPORT int
xenevtchn_notify(xenevtchn_handle *xce, evtchn_port_t port)
{
	if (xce == NULL) {
		errno = EINVAL;
		return -1;
	}
	if (xenevtchn_os_notify(xce->fd, port) == -1) {
		fail(xce, errno, "notify: port %lu", (unsigned long)port);
		return -1;
	}
	return 0;
}

/* domid as the kernel takes it, or -1 (EINVAL logged). */
static int
check_domid(xenevtchn_handle *xce, const char *what, uint32_t domid)
{
	if (domid > 0xFFFFU) {
		fail(xce, EINVAL, "%s: domid %lu out of range", what,
		    (unsigned long)domid);
		return -1;
	}
	return (int)domid;
}

XENLIBS_EXPORT xenevtchn_port_or_error_t
xenevtchn_bind_unbound_port(xenevtchn_handle *xce, uint32_t domid)
{
	int port;

	if (xce == NULL) {
		errno = EINVAL;
		return -1;
	}
	if (check_domid(xce, "bind_unbound_port", domid) == -1)
		return -1;
	port = xenevtchn_os_bind_unbound_port(xce->fd, (domid_t)domid);
	if (port == -1)
		fail(xce, errno, "bind_unbound_port: remote domain %lu",
		    (unsigned long)domid);
	return port;
}

XENLIBS_EXPORT xenevtchn_port_or_error_t
xenevtchn_bind_interdomain(xenevtchn_handle *xce, uint32_t domid,
    evtchn_port_t remote_port)
{
	int port;

	if (xce == NULL) {
		errno = EINVAL;
		return -1;
	}
	if (check_domid(xce, "bind_interdomain", domid) == -1)
		return -1;
	port = xenevtchn_os_bind_interdomain(xce->fd, (domid_t)domid,
	    remote_port);
	if (port == -1)
		fail(xce, errno, "bind_interdomain: domain %lu port %lu",
		    (unsigned long)domid, (unsigned long)remote_port);
	return port;
}

XENLIBS_EXPORT xenevtchn_port_or_error_t
xenevtchn_bind_virq(xenevtchn_handle *xce, unsigned int virq)
{
	int port;

	if (xce == NULL) {
		errno = EINVAL;
		return -1;
	}
	if ((port = xenevtchn_os_bind_virq(xce->fd, virq)) == -1)
		fail(xce, errno, "bind_virq: virq %u", virq);
	return port;
}

XENLIBS_EXPORT int
xenevtchn_unbind(xenevtchn_handle *xce, evtchn_port_t port)
{
	if (xce == NULL) {
		errno = EINVAL;
		return -1;
	}
	if (xenevtchn_os_unbind(xce->fd, port) == -1) {
		fail(xce, errno, "unbind: port %lu", (unsigned long)port);
		return -1;
	}
	return 0;
}

XENLIBS_EXPORT xenevtchn_port_or_error_t
xenevtchn_pending(xenevtchn_handle *xce)
{
	evtchn_port_t port;

	if (xce == NULL) {
		errno = EINVAL;
		return -1;
	}
	if (xenevtchn_os_read_ports(xce->fd, &port, 1) == -1) {
		fail(xce, errno, "pending: no port read");
		return -1;
	}
	if (port > 0x7FFFFFFFU) {
		fail(xce, EIO, "pending: kernel gave port %#lx",
		    (unsigned long)port);
		return -1;
	}
	return (xenevtchn_port_or_error_t)port;
}

XENLIBS_EXPORT int
xenevtchn_pending_many(xenevtchn_handle *xce, evtchn_port_t *ports,
    unsigned int max)
{
	int n;

	if (xce == NULL) {
		errno = EINVAL;
		return -1;
	}
	if (ports == NULL || max == 0) {
		fail(xce, EINVAL, "pending_many: no room for ports (max %u)",
		    max);
		return -1;
	}
	if (max > XENEVTCHN_READ_MAX)
		max = XENEVTCHN_READ_MAX;
	if ((n = xenevtchn_os_read_ports(xce->fd, ports, max)) == -1) {
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			return 0;
		fail(xce, errno, "pending_many: no port read");
		return -1;
	}
	return n;
}

XENLIBS_EXPORT int
xenevtchn_unmask(xenevtchn_handle *xce, evtchn_port_t port)
{
	if (xce == NULL) {
		errno = EINVAL;
		return -1;
	}
	if (xenevtchn_os_unmask(xce->fd, port) == -1) {
		fail(xce, errno, "unmask: port %lu", (unsigned long)port);
		return -1;
	}
	return 0;
}

XENLIBS_EXPORT int
xenevtchn_restrict(xenevtchn_handle *xce, domid_t domid)
{
	if (xce == NULL) {
		errno = EINVAL;
		return -1;
	}
	if (domid >= DOMID_FIRST_RESERVED) {
		fail(xce, EINVAL, "restrict: domid %u is reserved",
		    (unsigned int)domid);
		return -1;
	}
	if (xenevtchn_os_restrict(xce->fd, domid) == -1) {
		fail(xce, errno, "restrict: domid %u", (unsigned int)domid);
		return -1;
	}
	__atomic_store_n(&xce->restricted_to, (int)domid, __ATOMIC_RELAXED);
	return 0;
}
