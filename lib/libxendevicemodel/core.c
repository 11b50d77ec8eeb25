/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * libxendevicemodel: handles, restriction and the hypercall route of a
 * dm_op.  The operations themselves are in ops.c.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "private.h"
#include "dm_op.h"
#include "xenlibs_cdefs.h"

/*
 * The hypercall route.  dmod->lock guards xcall, xcall_users and
 * restricted.  It is never held while a handle of the Xen libraries is
 * opened or closed: xentoolcore_restrict_all() takes it while holding the
 * registry's lock, and xencall_open() and xencall_close() take the
 * registry's lock, so holding ours across them could deadlock.
 */

/*
 * Under dmod->lock: the handle is restricted (or made useless) from now
 * on.  The hypercall route cannot be restricted: make its descriptor
 * useless at once.  With detach, return it for the caller to close once
 * the lock is released if nobody is using it; otherwise its last user
 * closes it (or xendevicemodel_close() does).
 */
static xencall_handle *
close_route_locked(xendevicemodel_handle *dmod, int detach, int *fail_errno)
{
	xencall_handle *x = NULL;
	int fd;

	dmod->restricted = 1;
	if (dmod->xcall == NULL)
		return NULL;
	if ((fd = xencall_fd(dmod->xcall)) != -1 &&
	    xentoolcore__restrict_by_dup2_null(fd) == -1)
		*fail_errno = errno;
	if (detach && dmod->xcall_users == 0) {
		x = dmod->xcall;
		dmod->xcall = NULL;
	}
	return x;
}

xencall_handle *
xendevicemodel__xcall_get(xendevicemodel_handle *dmod)
{
	xencall_handle *x = NULL, *spare = NULL;

	pthread_mutex_lock(&dmod->lock);
	if (!dmod->restricted && dmod->xcall == NULL) {
		pthread_mutex_unlock(&dmod->lock);
		if ((spare = xencall_open(dmod->logger, 0)) == NULL)
			return NULL;
		pthread_mutex_lock(&dmod->lock);
		/*
		 * Another thread may have installed one meanwhile, or the
		 * handle may have been restricted: then ours goes.  (Had
		 * xentoolcore_restrict_all() run meanwhile, it restricted
		 * ours too, being registered before it.)
		 */
		if (!dmod->restricted && dmod->xcall == NULL) {
			dmod->xcall = spare;
			spare = NULL;
		}
	}
	if (!dmod->restricted) {
		x = dmod->xcall;
		dmod->xcall_users++;
	}
	pthread_mutex_unlock(&dmod->lock);
	if (spare != NULL)
		xencall_close(spare);
	if (x == NULL)
		errno = EPERM;
	return x;
}

/* The callback of the handle xendevicemodel__xcall_put() waits with. */
static int
wait_cb(Xentoolcore__Active_Handle *ah, domid_t domid)
{
	(void)ah;
	(void)domid;
	return 0;
}

void
xendevicemodel__xcall_put(xendevicemodel_handle *dmod, xencall_handle *x,
    int failed)
{
	Xentoolcore__Active_Handle none;
	xencall_handle *toclose = NULL;
	int serrno = errno, restricted;

	if (failed) {
		pthread_mutex_lock(&dmod->lock);
		restricted = dmod->restricted;
		pthread_mutex_unlock(&dmod->lock);
		/*
		 * A xentoolcore_restrict_all() running now may have made the
		 * route useless (its own registration) before reaching this
		 * handle.  Wait for it to finish, by taking and releasing the
		 * registry's lock: register and deregister a handle whose
		 * callback does nothing (deregistering one never registered
		 * would do, but not with Xen's own libxentoolcore, which
		 * writes through the entry's back pointer).  Then the handle
		 * is marked restricted too.
		 */
		if (!restricted) {
			memset(&none, 0, sizeof(none));
			none.restrict_callback = wait_cb;
			xentoolcore__register_active_handle(&none);
			xentoolcore__deregister_active_handle(&none);
		}
	}
	pthread_mutex_lock(&dmod->lock);
	/* Failed because the route was made useless under the call. */
	if (failed && dmod->restricted)
		serrno = EPERM;
	if (--dmod->xcall_users == 0 && dmod->restricted &&
	    dmod->xcall == x) {
		toclose = x;
		dmod->xcall = NULL;
	}
	pthread_mutex_unlock(&dmod->lock);
	if (toclose != NULL)
		xencall_close(toclose);
	errno = serrno;
}

int
xendevicemodel__xcall_open(xendevicemodel_handle *dmod)
{
	xencall_handle *x;

	if ((x = xendevicemodel__xcall_get(dmod)) == NULL)
		return -1;
	xendevicemodel__xcall_put(dmod, x, 0);
	return 0;
}

/*
 * xentoolcore_restrict_all(), under the registry's lock: restrict this
 * handle, or make it useless.  Either way the hypercall route is made
 * useless (it cannot be closed here: closing takes the registry's lock).
 * A kernel that cannot restrict (EOPNOTSUPP) is the documented case of a
 * useless handle; any other refusal is logged and reported, so that
 * xentoolcore_restrict_all() fails, but the handle is useless all the same.
 */
static int
restrict_cb(Xentoolcore__Active_Handle *ah, domid_t domid)
{
	xendevicemodel_handle *dmod = (xendevicemodel_handle *)(void *)
	    ((char *)ah - offsetof(xendevicemodel_handle, tc_ah));
	int rc, serrno = 0, nerrno = 0;

	pthread_mutex_lock(&dmod->lock);
	if ((rc = xendevicemodel_os_restrict(dmod, domid)) == -1) {
		serrno = errno;
		if (dmod->fd != -1 &&
		    xentoolcore__restrict_by_dup2_null(dmod->fd) == -1)
			nerrno = errno;
		/* Every later dm_op fails with EPERM (ops.c), not the errno
		 * of an ioctl on /dev/null. */
		__atomic_store_n(&dmod->useless, 1, __ATOMIC_RELAXED);
	}
	(void)close_route_locked(dmod, 0, &nerrno);
	pthread_mutex_unlock(&dmod->lock);
	if (nerrno != 0) {
		xtl_log(dmod->logger, XTL_ERROR, nerrno, XENDM_LOG_CONTEXT,
		    "cannot restrict the handle to domain %u nor make it "
		    "useless", (unsigned)domid);
		errno = nerrno;
		return -1;
	}
	if (rc == 0)
		return 0;
	if (serrno != EOPNOTSUPP) {
		xtl_log(dmod->logger, XTL_ERROR, serrno, XENDM_LOG_CONTEXT,
		    "the kernel refused to restrict the handle to domain %u: "
		    "it was made useless", (unsigned)domid);
		errno = serrno;
		return -1;
	}
	xtl_log(dmod->logger, XTL_DETAIL, -1, XENDM_LOG_CONTEXT,
	    "the kernel cannot restrict the handle to domain %u: every later "
	    "call on it fails", (unsigned)domid);
	return 0;
}

XENLIBS_EXPORT xendevicemodel_handle *
xendevicemodel_open(struct xentoollog_logger *logger, unsigned int open_flags)
{
	xendevicemodel_handle *dmod;
	int serrno;

	if ((dmod = calloc(1, sizeof(*dmod))) == NULL) {
		serrno = errno;
		if (logger != NULL)
			xtl_log(logger, XTL_ERROR, serrno, XENDM_LOG_CONTEXT,
			    "cannot allocate a handle");
		errno = serrno;
		return NULL;
	}
	dmod->fd = -1;
	dmod->flags = open_flags;
	dmod->logger = logger;
	if (logger == NULL) {
		dmod->logger_tofree = (xentoollog_logger *)
		    xtl_createlogger_stdiostream(stderr, XTL_PROGRESS, 0);
		if (dmod->logger_tofree == NULL) {
			serrno = errno;
			free(dmod);
			errno = serrno;
			return NULL;
		}
		dmod->logger = dmod->logger_tofree;
	}
	if ((serrno = pthread_mutex_init(&dmod->lock, NULL)) != 0) {
		xtl_log(dmod->logger, XTL_ERROR, serrno, XENDM_LOG_CONTEXT,
		    "cannot create the handle's lock");
		goto fail;
	}
	if (open_flags != 0) {
		serrno = EINVAL;
		xtl_log(dmod->logger, XTL_ERROR, serrno, XENDM_LOG_CONTEXT,
		    "unknown open flags %#x", open_flags);
		pthread_mutex_destroy(&dmod->lock);
		goto fail;
	}
	if (xendevicemodel_os_open(dmod) == -1) {
		serrno = errno;
		xtl_log(dmod->logger, XTL_ERROR, serrno, XENDM_LOG_CONTEXT,
		    "cannot open the privcmd device");
		pthread_mutex_destroy(&dmod->lock);
		goto fail;
	}
	dmod->tc_ah.restrict_callback = restrict_cb;
	xentoolcore__register_active_handle(&dmod->tc_ah);
	return dmod;

fail:
	if (dmod->logger_tofree != NULL)
		xtl_logger_destroy(dmod->logger_tofree);
	free(dmod);
	errno = serrno;
	return NULL;
}

XENLIBS_EXPORT int
xendevicemodel_close(xendevicemodel_handle *dmod)
{
	if (dmod == NULL)
		return 0;
	xentoolcore__deregister_active_handle(&dmod->tc_ah);
	xendevicemodel_os_close(dmod);
	if (dmod->xcall != NULL)
		xencall_close(dmod->xcall);
	pthread_mutex_destroy(&dmod->lock);
	if (dmod->logger_tofree != NULL)
		xtl_logger_destroy(dmod->logger_tofree);
	free(dmod);
	return 0;
}

XENLIBS_EXPORT int
xendevicemodel_restrict(xendevicemodel_handle *dmod, domid_t domid)
{
	xencall_handle *toclose = NULL;
	int rc, serrno, nerrno = 0;

	if (dmod == NULL) {
		errno = EINVAL;
		return -1;
	}
	/* The kernels take DOMID_INVALID for "no restriction". */
	if (domid >= DOMID_FIRST_RESERVED) {
		xtl_log(dmod->logger, XTL_ERROR, EINVAL, XENDM_LOG_CONTEXT,
		    "cannot restrict the handle to domain %u: reserved",
		    (unsigned)domid);
		errno = EINVAL;
		return -1;
	}
	/*
	 * The lock is held across the kernel call so that no caller can
	 * open the hypercall route while the kernel is already restricted.
	 * A failed restriction changes nothing: the handle stays as it was,
	 * and the caller decides what to do with it.
	 */
	pthread_mutex_lock(&dmod->lock);
	if ((rc = xendevicemodel_os_restrict(dmod, domid)) == 0)
		toclose = close_route_locked(dmod, 1, &nerrno);
	serrno = errno;
	pthread_mutex_unlock(&dmod->lock);
	if (toclose != NULL)
		xencall_close(toclose);
	if (rc == 0 && nerrno == 0)
		return 0;
	if (rc == 0) {
		/* Restricted, but a user's route could not be neutralised. */
		xtl_log(dmod->logger, XTL_ERROR, nerrno, XENDM_LOG_CONTEXT,
		    "restricted to domain %u, but the hypercall route in use "
		    "could not be made useless", (unsigned)domid);
		errno = nerrno;
		return -1;
	}
	xtl_log(dmod->logger, XTL_ERROR, serrno, XENDM_LOG_CONTEXT,
	    "cannot restrict the handle to domain %u", (unsigned)domid);
	errno = serrno;
	return -1;
}

int
xendevicemodel__xcall_dm_op(xendevicemodel_handle *dmod, domid_t domid,
    unsigned int nr, const struct xendm_buf *bufs)
{
	struct xendm_hc_buf *descs;
	xencall_handle *x;
	void *bounce[XENDM_MAX_BUFS];
	unsigned int i;
	int rc = -1, serrno;

	if (nr > XENDM_MAX_BUFS) {
		errno = E2BIG;
		return -1;
	}
	if ((x = xendevicemodel__xcall_get(dmod)) == NULL)
		return -1;
	memset(bounce, 0, sizeof(bounce));
	if ((descs = xencall_alloc_buffer(x, nr * sizeof(*descs))) == NULL) {
		xendevicemodel__xcall_put(dmod, x, 1);
		return -1;
	}
	for (i = 0; i < nr; i++) {
		bounce[i] = xencall_alloc_buffer(x,
		    bufs[i].size != 0 ? bufs[i].size : 1);
		if (bounce[i] == NULL)
			goto out;
		if (bufs[i].size != 0)
			memcpy(bounce[i], bufs[i].ptr, bufs[i].size);
		xendm_hc_buf_set(&descs[i], bounce[i], bufs[i].size);
	}
	rc = xencall3(x, XENDM_HYPERVISOR_dm_op, domid, nr,
	    (uint64_t)(uintptr_t)descs);
	if (rc > 0)
		rc = 0;
	if (rc == 0)
		for (i = 0; i < nr; i++)
			if (bufs[i].size != 0)
				memcpy(bufs[i].ptr, bounce[i], bufs[i].size);
out:
	serrno = errno;
	for (i = 0; i < nr; i++)
		if (bounce[i] != NULL)
			xencall_free_buffer(x, bounce[i]);
	xencall_free_buffer(x, descs);
	errno = serrno;
	xendevicemodel__xcall_put(dmod, x, rc != 0);
	return rc;
}
