/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * libxenhypercall backend for FreeBSD: privcmd for the hypercalls (the
 * result comes back in the argument's retval), buffers of anonymous
 * memory, wired with mlock(2) and marked INHERIT_NONE with minherit(2)
 * so that children never see them.
 *
 * Hypercall results: privcmd_hypercall() (sys/amd64/include/xen/
 * hypercall.h) returns an int and privcmd_ioctl() keeps it in one, so
 * only the low 32 bits arrive; with bit 31 set the result becomes an
 * error (EINVAL from xen_translate_error(), or the Xen error those bits
 * spell), indistinguishable from a real one.  xencall2L() is exact only
 * up to INT_MAX here (xencall0(3)).
 *
 * Supported kernels: FreeBSD 12.x to 14.x (privcmd's HYPERCALL is the
 * same in all of them).
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
 * minherit(2) and the value of INHERIT_NONE (FreeBSD <sys/mman.h>).  The
 * reference is weak so that the backend also links on a host without
 * minherit (the emulated-device tests, which supply their own).
 */
#define FREEBSD_INHERIT_NONE	2
extern int minherit(void *, size_t, int) __attribute__((__weak__));

int
xencall_os_open(xencall_handle *xcall)
{
	int saved;

	xcall->buf_fd = -1;
	xcall->fd = open(FREEBSD_PRIVCMD_PATH, O_RDWR | O_CLOEXEC);
	if (xcall->fd == -1) {
		saved = errno;
		xtl_log(xcall->logger, XTL_ERROR, saved, XENCALL_LOGCTX,
		    "cannot open %s", FREEBSD_PRIVCMD_PATH);
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
	struct ioctl_privcmd_hypercall call;
	int i;

	call.op = op;
	for (i = 0; i < 5; i++)
		call.arg[i] = arg[i];
	call.retval = 0;
	/* A Xen error comes back as the ioctl's errno, translated. */
	if (ioctl(xcall->fd, IOCTL_PRIVCMD_HYPERCALL, &call) == -1)
		return -1;
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
	return minherit(p, len, FREEBSD_INHERIT_NONE);
}

int
xencall_os_buffers_never_fault(xencall_handle *xcall)
{
	return 0;
}
