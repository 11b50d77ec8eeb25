/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Handles: open, close, restriction, logging.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "private.h"

void
xenkexec__log(xenkexec_handle *xk, xentoollog_level level, int e,
    const char *fmt, ...)
{
	va_list ap;
	int saved = errno;

	va_start(ap, fmt);
	xtl_logv(xk->logger, level, e, XENKEXEC_CTX, fmt, ap);
	va_end(ap);
	errno = saved;
}

void
xenkexec__err(xenkexec_handle *xk, int e, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	xtl_logv(xk->logger, XTL_ERROR, e, XENKEXEC_CTX, fmt, ap);
	va_end(ap);
	errno = e;
}

int
xenkexec__usable(xenkexec_handle *xk, const char *what)
{
	/* No handle, so no logger to report through: errno alone. */
	if (xk == NULL) {
		errno = EINVAL;
		return -1;
	}
	if (xk->restricted) {
		xenkexec__err(xk, EPERM, "%s: handle restricted by "
		    "xentoolcore_restrict_all()", what);
		return -1;
	}
	return 0;
}

/*
 * kexec operations act on the whole machine, never on one domain: a
 * restricted handle refuses them all.  The hypercall handle underneath
 * is registered by libxenhypercall and restricted there as well.
 */
static int
xenkexec_restrict_cb(Xentoolcore__Active_Handle *ah, domid_t domid)
{
	xenkexec_handle *xk = (xenkexec_handle *)(void *)ah;

	(void)domid;
	xk->restricted = 1;
	return 0;
}

XENLIBS_EXPORT xenkexec_handle *
xenkexec_open(xentoollog_logger *logger, unsigned int open_flags)
{
	xenkexec_handle *xk;
	int e;

	if ((xk = calloc(1, sizeof(*xk))) == NULL)
		return NULL;
	xk->logger = logger;
	if (logger == NULL) {
		xk->logger_tofree = (xentoollog_logger *)
		    xtl_createlogger_stdiostream(stderr, XTL_PROGRESS, 0);
		if (xk->logger_tofree == NULL) {
			e = errno;
			free(xk);
			errno = e;
			return NULL;
		}
		xk->logger = xk->logger_tofree;
	}
	if (open_flags != 0) {
		xenkexec__err(xk, EINVAL, "open: unknown flags %#x",
		    open_flags);
		goto fail;
	}
	if (pthread_mutex_init(&xk->lock, NULL) != 0) {
		xenkexec__err(xk, ENOMEM, "open: cannot create a mutex");
		goto fail;
	}
	/* Our own logger: libxenhypercall reports its failures through it. */
	if ((xk->xcall = xencall_open(xk->logger, 0)) == NULL) {
		e = errno;
		pthread_mutex_destroy(&xk->lock);
		xenkexec__err(xk, e, "open: cannot open the hypercall "
		    "interface");
		goto fail;
	}
	xk->tc_ah.restrict_callback = xenkexec_restrict_cb;
	xentoolcore__register_active_handle(&xk->tc_ah);
	return xk;

fail:
	e = errno;
	if (xk->logger_tofree != NULL)
		xtl_logger_destroy(xk->logger_tofree);
	free(xk);
	errno = e;
	return NULL;
}

XENLIBS_EXPORT int
xenkexec_close(xenkexec_handle *xk)
{
	int rc = 0, e = 0;

	if (xk == NULL)
		return 0;
	xentoolcore__deregister_active_handle(&xk->tc_ah);
	if (xencall_close(xk->xcall) < 0) {
		e = errno;
		rc = -1;
	}
	pthread_mutex_destroy(&xk->lock);
	if (xk->logger_tofree != NULL)
		xtl_logger_destroy(xk->logger_tofree);
	free(xk);
	if (rc < 0)
		errno = e;
	return rc;
}
