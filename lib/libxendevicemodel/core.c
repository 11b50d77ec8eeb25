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
 * Restrict the handle in the kernel; on success the unrestricted
 * hypercall route is closed too.  The lock is held across the kernel call
 * so that no caller can open that route while the kernel is already
 * restricted.  0, or -1 + errno (not logged).
 */
static int
restrict_handle(xendevicemodel_handle *dmod, domid_t domid)
{
	int rc;

	pthread_mutex_lock(&dmod->lock);
	rc = xendevicemodel_os_restrict(dmod, domid);
	if (rc == 0)
		dmod->restricted = 1;
	pthread_mutex_unlock(&dmod->lock);
	return rc;
}

/* xentoolcore_restrict_all(): restrict this handle, or make it useless. */
static int
restrict_cb(Xentoolcore__Active_Handle *ah, domid_t domid)
{
	xendevicemodel_handle *dmod = (xendevicemodel_handle *)(void *)
	    ((char *)ah - offsetof(xendevicemodel_handle, tc_ah));
	int serrno;

	if (restrict_handle(dmod, domid) == 0)
		return 0;
	if ((serrno = errno) != EOPNOTSUPP) {
		xtl_log(dmod->logger, XTL_ERROR, serrno, XENDM_LOG_CONTEXT,
		    "cannot restrict the handle to domain %u",
		    (unsigned)domid);
		errno = serrno;
		return -1;
	}
	/*
	 * The kernel cannot restrict it: make it useless instead.  The
	 * hypercall route is closed, and the device (if any) replaced.
	 */
	pthread_mutex_lock(&dmod->lock);
	dmod->restricted = 1;
	pthread_mutex_unlock(&dmod->lock);
	xtl_log(dmod->logger, XTL_DETAIL, -1, XENDM_LOG_CONTEXT,
	    "the kernel cannot restrict the handle to domain %u: every later "
	    "call on it fails", (unsigned)domid);
	if (dmod->fd != -1)
		return xentoolcore__restrict_by_dup2_null(dmod->fd);
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
	int serrno;

	if (dmod == NULL) {
		errno = EINVAL;
		return -1;
	}
	/*
	 * A failed restriction changes nothing: the handle stays as it was,
	 * and the caller decides what to do with it.
	 */
	if (restrict_handle(dmod, domid) == 0)
		return 0;
	serrno = errno;
	xtl_log(dmod->logger, XTL_ERROR, serrno, XENDM_LOG_CONTEXT,
	    "cannot restrict the handle to domain %u", (unsigned)domid);
	errno = serrno;
	return -1;
}

int
xendevicemodel__xcall_open(xendevicemodel_handle *dmod)
{
	int rc = 0, serrno = 0;

	pthread_mutex_lock(&dmod->lock);
	if (dmod->restricted) {
		rc = -1;
		serrno = EPERM;
	} else if (dmod->xcall == NULL &&
	    (dmod->xcall = xencall_open(dmod->logger, 0)) == NULL) {
		rc = -1;
		serrno = errno;
	}
	pthread_mutex_unlock(&dmod->lock);
	if (rc == -1)
		errno = serrno;
	return rc;
}

int
xendevicemodel__xcall_dm_op(xendevicemodel_handle *dmod, domid_t domid,
    unsigned int nr, const struct xendm_buf *bufs)
{
	struct xendm_hc_buf *descs;
	void *bounce[XENDM_MAX_BUFS];
	unsigned int i;
	int rc = -1, serrno;

	if (nr > XENDM_MAX_BUFS) {
		errno = E2BIG;
		return -1;
	}
	if (xendevicemodel__xcall_open(dmod) == -1)
		return -1;
	memset(bounce, 0, sizeof(bounce));
	descs = xencall_alloc_buffer(dmod->xcall, nr * sizeof(*descs));
	if (descs == NULL)
		return -1;
	for (i = 0; i < nr; i++) {
		bounce[i] = xencall_alloc_buffer(dmod->xcall,
		    bufs[i].size != 0 ? bufs[i].size : 1);
		if (bounce[i] == NULL)
			goto out;
		if (bufs[i].size != 0)
			memcpy(bounce[i], bufs[i].ptr, bufs[i].size);
		xendm_hc_buf_set(&descs[i], bounce[i], bufs[i].size);
	}
	rc = xencall3(dmod->xcall, XENDM_HYPERVISOR_dm_op, domid, nr,
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
			xencall_free_buffer(dmod->xcall, bounce[i]);
	xencall_free_buffer(dmod->xcall, descs);
	errno = serrno;
	return rc;
}
