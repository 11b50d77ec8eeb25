/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * libxendevicemodel backend for NetBSD, whose privcmd has neither DM_OP
 * nor RESTRICT: dm_op goes through the plain hypercall with
 * libxenhypercall's buffers, and a handle cannot be restricted.
 *
 * Supported kernels: NetBSD 9.x and 10.x (only the HYPERCALL ioctl is
 * used).
 */
#include <errno.h>

#include "private.h"

int
xendevicemodel_os_open(xendevicemodel_handle *dmod)
{
	dmod->fd = -1;
	return xendevicemodel__xcall_open(dmod);
}

void
xendevicemodel_os_close(xendevicemodel_handle *dmod)
{
	/* The hypercall handle is the front end's. */
}

int
xendevicemodel_os_dm_op(xendevicemodel_handle *dmod, domid_t domid,
    unsigned int nr, const struct xendm_buf *bufs)
{
	return xendevicemodel__xcall_dm_op(dmod, domid, nr, bufs);
}

int
xendevicemodel_os_restrict(xendevicemodel_handle *dmod, domid_t domid)
{
	errno = EOPNOTSUPP;
	return -1;
}
