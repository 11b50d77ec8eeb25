/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * libxenhypercall backend for NetBSD: privcmd for the hypercalls (the
 * result comes back in the argument's retval), buffers of anonymous
 * memory, wired with mlock(2) and marked MAP_INHERIT_NONE with minherit(2)
 * so that children never see them.
 *
 * Hypercall results: the kernel keeps 32 bits (see
 * xencall_os_hypercall()), so xencall2L() delivers at most 31 bits here.
 *
 * Supported kernels: NetBSD 9.x and 10.x (privcmd's HYPERCALL ioctl and
 * its retval member are the same in both).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "private.h"
#include "xen_ioctl.h"

/*
 * minherit(2) and the value of MAP_INHERIT_NONE (NetBSD <sys/mman.h>).  The
 * reference is weak so that the backend also links on a host without
 * minherit (the emulated-device tests, which supply their own).
 */
#define NETBSD_MAP_INHERIT_NONE	2

/* The highest error code Xen's public errno.h defines (EMEDIUMTYPE). */
#define NETBSD_XEN_ERRNO_MAX	124
extern int minherit(void *, size_t, int) __attribute__((__weak__));

int
xencall_os_open(xencall_handle *xcall)
{
	int saved;

	xcall->buf_fd = -1;
	xcall->fd = open(NETBSD_PRIVCMD_PATH, O_RDWR | O_CLOEXEC);
	if (xcall->fd == -1) {
		saved = errno;
		xtl_log(xcall->logger, XTL_ERROR, saved, XENCALL_LOGCTX,
		    "cannot open %s", NETBSD_PRIVCMD_PATH);
		errno = saved;
		return -1;
	}
	return 0;
}

int
xencall_os_close(xencall_handle *xcall)
{
	int rc = 0;

	if (xcall->fd != -1)
		rc = close(xcall->fd);
	xcall->fd = -1;
	return rc;
}

long
xencall_os_hypercall(xencall_handle *xcall, uint64_t op,
    const uint64_t arg[5])
{
	struct privcmd_hypercall call;
	int i;

	call.op = op;
	for (i = 0; i < 5; i++)
		call.arg[i] = arg[i];
	call.retval = 0;
	/* A Xen error also comes back as the ioctl's errno, translated. */
	if (ioctl(xcall->fd, IOCTL_PRIVCMD_HYPERCALL, &call) == -1) {
		/*
		 * privcmd_ioctl() (privcmd.c 1.66) holds the result in an
		 * int: a result with bit 31 set looks negative and comes
		 * back as errno = -result, a value no Xen error has (Xen's
		 * codes end at 124).  Say what it was.
		 */
		if (errno > NETBSD_XEN_ERRNO_MAX || errno < 0) {
			xtl_log(xcall->logger, XTL_ERROR, EOVERFLOW,
			    XENCALL_LOGCTX, "hypercall %llu: its result does "
			    "not fit the 32-bit int NetBSD's privcmd keeps "
			    "(errno %d)", (unsigned long long)op, errno);
			errno = EOVERFLOW;
		}
		return -1;
	}
	/* Only the low 32 bits of a result ever reach us (see above). */
	return (long)call.retval;
}

void *
xencall_os_alloc_pages(xencall_handle *xcall, size_t npages, int quiet)
{
	return xencall__anon_pages(xcall, npages, quiet);
}

void
xencall_os_free_pages(xencall_handle *xcall, void *p, size_t npages)
{
	xencall__anon_pages_free(p, npages);
}

int
xencall_os_keep_from_children(void *p, size_t len)
{
	if (minherit == NULL) {
		errno = ENOSYS;
		return -1;
	}
	return minherit(p, len, NETBSD_MAP_INHERIT_NONE);
}

int
xencall_os_buffers_never_fault(xencall_handle *xcall)
{
	return 0;
}
