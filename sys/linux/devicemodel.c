/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * libxendevicemodel backend for Linux: privcmd's DM_OP and RESTRICT
 * ioctls.  A kernel without DM_OP (before 4.11) answers ENOTTY; the handle
 * then issues dm_op through the plain hypercall (libxenhypercall) instead.
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

	fd = open(LINUX_PRIVCMD_PATH, O_RDWR | O_CLOEXEC);
	if (fd == -1 && errno == ENOENT)
		fd = open(LINUX_PRIVCMD_PATH_XENFS, O_RDWR | O_CLOEXEC);
	if (fd == -1)
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
	struct privcmd_dm_op_buf kbufs[XENDM_MAX_BUFS];
	struct privcmd_dm_op arg;
	unsigned int i;

	if (nr > XENDM_MAX_BUFS) {
		errno = E2BIG;
		return -1;
	}
	if (__atomic_load_n(&dmod->use_hypercall, __ATOMIC_RELAXED))
		return xendevicemodel__xcall_dm_op(dmod, domid, nr, bufs);
	for (i = 0; i < nr; i++) {
		kbufs[i].uptr = bufs[i].ptr;
		kbufs[i].size = bufs[i].size;
	}
	arg.dom = domid;
	arg.num = (uint16_t)nr;
	arg.ubufs = kbufs;
	if (ioctl(dmod->fd, IOCTL_PRIVCMD_DM_OP, &arg) >= 0)
		return 0;
	if (errno != ENOTTY)
		return -1;
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
	if (errno == ENOTTY)
		errno = EOPNOTSUPP;
	return -1;
}
