/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * libxendevicemodel backend for FreeBSD: privcmd's DM_OP and RESTRICT
 * ioctls.
 *
 * Supported kernels: FreeBSD 12.x to 14.x.  Before 13.0 privcmd has
 * neither DM_OP nor RESTRICT (privcmd_ioctl()'s default: ENOSYS): dm_op
 * then goes through the plain hypercall (libxenhypercall), as on NetBSD,
 * and restrict is EOPNOTSUPP.  Xen itself may answer a dm_op with ENOSYS
 * too, so an ENOSYS is checked with an empty DM_OP (num 0), which a
 * kernel with the ioctl accepts (or refuses with EPERM when restricted).
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "private.h"
#include "xen_ioctl.h"

int
xendevicemodel_os_open(xendevicemodel_handle *dmod)
{
	int fd;

	if ((fd = open(FREEBSD_PRIVCMD_PATH, O_RDWR | O_CLOEXEC)) == -1)
		return -1;
	dmod->fd = fd;
	return 0;
}

void
xendevicemodel_os_close(xendevicemodel_handle *dmod)
{
	if (dmod->fd != -1)
		close(dmod->fd);
	dmod->fd = -1;
}

int
xendevicemodel_os_dm_op(xendevicemodel_handle *dmod, domid_t domid,
    unsigned int nr, const struct xendm_buf *bufs)
{
	struct privcmd_dmop_buf kbufs[XENDM_MAX_BUFS];
	struct ioctl_privcmd_dmop arg;
	unsigned int i;

	if (nr > XENDM_MAX_BUFS) {
		errno = E2BIG;
		return -1;
	}
	for (i = 0; i < nr; i++) {
		kbufs[i].uptr = bufs[i].ptr;
		kbufs[i].size = bufs[i].size;
	}
	if (__atomic_load_n(&dmod->use_hypercall, __ATOMIC_RELAXED))
		return xendevicemodel__xcall_dm_op(dmod, domid, nr, bufs);
	arg.dom = domid;
	arg.num = nr;
	arg.ubufs = kbufs;
	if (ioctl(dmod->fd, IOCTL_PRIVCMD_DM_OP, &arg) == 0)
		return 0;
	if (errno != ENOSYS)
		return -1;
	arg.num = 0;
	arg.ubufs = NULL;
	if (ioctl(dmod->fd, IOCTL_PRIVCMD_DM_OP, &arg) == 0 ||
	    errno != ENOSYS) {
		errno = ENOSYS;		/* Xen's answer to the dm_op */
		return -1;
	}
	/* No DM_OP in this kernel: use the hypercall from now on. */
	__atomic_store_n(&dmod->use_hypercall, 1, __ATOMIC_RELAXED);
	return xendevicemodel__xcall_dm_op(dmod, domid, nr, bufs);
}

int
xendevicemodel_os_restrict(xendevicemodel_handle *dmod, domid_t domid)
{
	uint16_t dom = domid;

	if (ioctl(dmod->fd, IOCTL_PRIVCMD_RESTRICT, &dom) == 0)
		return 0;
	/*
	 * The driver reports a handle already restricted to another domain
	 * as a negated EINVAL; a driver without RESTRICT answers ENOSYS.
	 */
	if (errno < 0)
		errno = -errno;
	if (errno == ENOTTY || errno == ENOSYS)
		errno = EOPNOTSUPP;
	return -1;
}
