/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * libxenhypercall backend for Linux: privcmd for the hypercalls, buffers
 * mapped from the hypercall buffer device (never faulting) or, without
 * it, locked anonymous memory that children do not inherit.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/mman.h>
#include <unistd.h>

#include "private.h"
#include "xen_ioctl.h"

/* So that this backend also compiles on a BSD host (emulated tests). */
#ifndef MADV_DONTFORK
#define MADV_DONTFORK	10	/* Linux <asm-generic/mman-common.h> */
#endif

int
xencall_os_open(xencall_handle *xcall)
{
	int saved;

	xcall->fd = open(LINUX_PRIVCMD_PATH, O_RDWR | O_CLOEXEC);
	if (xcall->fd == -1 && errno == ENOENT)
		xcall->fd = open(LINUX_PRIVCMD_PATH_XENFS, O_RDWR | O_CLOEXEC);
	if (xcall->fd == -1) {
		saved = errno;
		xtl_log(xcall->logger, XTL_ERROR, saved, XENCALL_LOGCTX,
		    "cannot open %s (or %s)", LINUX_PRIVCMD_PATH,
		    LINUX_PRIVCMD_PATH_XENFS);
		errno = saved;
		return -1;
	}
	/* Without the buffer device (old kernels) use locked memory. */
	xcall->buf_fd = open(LINUX_HYPERCALL_PATH, O_RDWR | O_CLOEXEC);
	if (xcall->buf_fd == -1 && errno != ENOENT) {
		saved = errno;
		xtl_log(xcall->logger, XTL_ERROR, saved, XENCALL_LOGCTX,
		    "cannot open %s", LINUX_HYPERCALL_PATH);
		close(xcall->fd);
		xcall->fd = -1;
		errno = saved;
		return -1;
	}
	return 0;
}

int
xencall_os_close(xencall_handle *xcall)
{
	int rc = 0, saved = 0;

	if (xcall->buf_fd != -1 && close(xcall->buf_fd) == -1) {
		saved = errno;
		rc = -1;
	}
	if (xcall->fd != -1 && close(xcall->fd) == -1 && rc == 0) {
		saved = errno;
		rc = -1;
	}
	xcall->fd = xcall->buf_fd = -1;
	if (rc < 0)
		errno = saved;
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
	/*
	 * The kernel returns Xen's result as the ioctl's long return value;
	 * ioctl() would narrow it to an int, so xencall2L would lose the
	 * upper half.  A Xen error comes back as errno either way.
	 */
	return syscall(SYS_ioctl, xcall->fd, IOCTL_PRIVCMD_HYPERCALL, &call);
}

void *
xencall_os_alloc_pages(xencall_handle *xcall, size_t npages, int quiet)
{
	size_t len = npages * XENCALL_PAGE_SIZE;
	void *p;
	int saved;

	if (xcall->buf_fd != -1) {
		/* Memory of the device: zeroed, never paged out. */
		p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED,
		    xcall->buf_fd, 0);
		if (p == MAP_FAILED) {
			saved = errno;
			if (!quiet)
				xtl_log(xcall->logger, XTL_ERROR, saved,
				    XENCALL_LOGCTX, "cannot map %zu pages of %s",
				    npages, LINUX_HYPERCALL_PATH);
			errno = saved;
			return NULL;
		}
		/* The device's mappings are otherwise copied by fork(2). */
		if (xencall_os_keep_from_children(p, len) == -1) {
			saved = errno;
			if (!quiet)
				xtl_log(xcall->logger, XTL_ERROR, saved,
				    XENCALL_LOGCTX, "cannot keep %zu pages of "
				    "%s out of child processes", npages,
				    LINUX_HYPERCALL_PATH);
			munmap(p, len);
			errno = saved;
			return NULL;
		}
		return p;
	}
	return xencall__anon_pages(xcall, npages, quiet);
}

void
xencall_os_free_pages(xencall_handle *xcall, void *p, size_t npages)
{
	int saved = errno;

	if (xcall->buf_fd == -1) {
		xencall__anon_pages_free(p, npages);
		return;
	}
	munmap(p, npages * XENCALL_PAGE_SIZE);
	errno = saved;
}

int
xencall_os_keep_from_children(void *p, size_t len)
{
	return madvise(p, len, MADV_DONTFORK);
}

int
xencall_os_buffers_never_fault(xencall_handle *xcall)
{
	return xcall->buf_fd != -1;
}
