/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * libxenforeignmemory backend for FreeBSD: /dev/xen/privcmd.  Frames are
 * mapped into a privcmd mmap(2) region by IOCTL_PRIVCMD_MMAPBATCH, which
 * reports per-frame errors in its err[] array and only accepts a batch
 * that covers the whole region; resources by IOCTL_PRIVCMD_MMAP_RESOURCE,
 * whose size query (addr == num == 0) returns the size in num (_IOWR).
 *
 * Supported kernels: FreeBSD 12.x to 14.x.  FreeBSD 13.0 declared
 * MMAP_RESOURCE _IOW (sys/xen/privcmd.h, freebsd-src a7650787905d): our
 * _IOWR request is unknown there (ENOSYS), so a map is retried with the
 * _IOW one, and the size query, which _IOW cannot answer, is EOPNOTSUPP.
 * Before 13.0 there is no MMAP_RESOURCE and no RESTRICT at all
 * (EOPNOTSUPP).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "private.h"
#include "xen_ioctl.h"

/* FreeBSD 13.0's encoding of MMAP_RESOURCE (no copy-out). */
#define FREEBSD_MMAP_RESOURCE_13_0					\
	FREEBSD_IOW('E', 2, struct ioctl_privcmd_mmapresource)

int
xenforeignmemory_os_open(xenforeignmemory_handle *h)
{
	int fd;

	if ((fd = open(FREEBSD_PRIVCMD_PATH, O_RDWR | O_CLOEXEC)) == -1)
		return -1;
	h->fd = fd;
	return 0;
}

int
xenforeignmemory_os_close(xenforeignmemory_handle *h)
{
	return h->fd == -1 ? 0 : close(h->fd);
}

/*
 * One batch over the whole region; 0 also when frames are paged out.
 * The kernel stores each frame's error as a positive errno (it has
 * translated Xen's negative code); the interface wants it negated.  It
 * never sums the batch up in the ioctl's own result as Linux does with
 * ENOENT: a failed ioctl has not filled err[] and is an error of the call.
 */
static int
mmapbatch(xenforeignmemory_handle *h, uint32_t dom, void *addr, size_t n,
    const xen_pfn_t arr[], int err[])
{
	struct ioctl_privcmd_mmapbatch m;
	size_t i;

	memset(&m, 0, sizeof(m));
	m.num = (int32_t)n;
	m.dom = (uint16_t)dom;
	m.addr = (uint64_t)(uintptr_t)addr;
	m.arr = (const uint64_t *)(const void *)arr;
	m.err = err;
	if (ioctl(h->fd, IOCTL_PRIVCMD_MMAPBATCH, &m) == -1)
		return -1;
	for (i = 0; i < n; i++)
		if (err[i] > 0)
			err[i] = -err[i];
	return 0;
}

void *
xenforeignmemory_os_map(xenforeignmemory_handle *h, uint32_t dom,
    void *addr, int prot, int flags, size_t pages, const xen_pfn_t arr[],
    int err[])
{
	size_t len = pages << XENFOREIGNMEMORY_PAGE_SHIFT;
	void *p;
	int e;

	p = mmap(addr, len, prot, flags | MAP_SHARED, h->fd, 0);
	if (p == MAP_FAILED)
		return NULL;
	if (mmapbatch(h, dom, p, pages, arr, err) == -1) {
		e = errno;
		(void)munmap(p, len);
		errno = e;
		return NULL;
	}
	return p;
}

/*
 * The kernel takes only a batch over the whole region: ask for every
 * frame again.  The frames already mapped are mapped again at the same
 * place, and err[] is rewritten for all of them; the front end bounds
 * how often this happens.
 */
int
xenforeignmemory_os_remap(xenforeignmemory_handle *h, uint32_t dom,
    void *base, size_t pages, const xen_pfn_t arr[], int err[],
    size_t first, size_t count)
{
	return mmapbatch(h, dom, base, pages, arr, err);
}


/*
 * Restricting again to another domain makes the driver return -EINVAL,
 * which reaches errno negated: give the caller EINVAL.  A kernel without
 * the request says ENOSYS.
 */
int
xenforeignmemory_os_restrict(xenforeignmemory_handle *h, domid_t domid)
{
	uint16_t d = domid;

	if (ioctl(h->fd, IOCTL_PRIVCMD_RESTRICT, &d) == 0)
		return 0;
	if (errno < 0)
		errno = EINVAL;
	else if (errno == ENOSYS)
		errno = EOPNOTSUPP;	/* before 13.0 */
	return -1;
}

int
xenforeignmemory_os_map_resource(xenforeignmemory_handle *h,
    xenforeignmemory_resource_handle *fres)
{
	struct ioctl_privcmd_mmapresource m;
	size_t len = (size_t)fres->nr_frames << XENFOREIGNMEMORY_PAGE_SHIFT;
	void *p;
	int e;

	/* The kernel's frame index is 32 bits wide. */
	if (fres->frame > UINT32_MAX ||
	    fres->nr_frames > UINT32_MAX - fres->frame) {
		errno = EINVAL;
		return -1;
	}
	p = mmap(fres->addr, len, fres->prot, fres->flags | MAP_SHARED,
	    h->fd, 0);
	if (p == MAP_FAILED)
		return -1;
	memset(&m, 0, sizeof(m));
	m.dom = fres->domid;
	m.type = fres->type;
	m.id = fres->id;
	m.idx = (uint32_t)fres->frame;
	m.num = fres->nr_frames;
	m.addr = (uint64_t)(uintptr_t)p;
	if (ioctl(h->fd, IOCTL_PRIVCMD_MMAP_RESOURCE, &m) == 0 ||
	    (errno == ENOSYS &&
	    ioctl(h->fd, FREEBSD_MMAP_RESOURCE_13_0, &m) == 0)) {
		fres->addr = p;
		return 0;
	}
	/* Neither encoding: a kernel before 13.0. */
	e = errno == ENOSYS ? EOPNOTSUPP : errno;
	(void)munmap(p, len);
	errno = e;
	return -1;
}


int
xenforeignmemory_os_resource_size(xenforeignmemory_handle *h,
    domid_t domid, unsigned int type, unsigned int id,
    unsigned long *nr_frames)
{
	struct ioctl_privcmd_mmapresource m;

	memset(&m, 0, sizeof(m));
	m.dom = domid;
	m.type = type;
	m.id = id;
	if (ioctl(h->fd, IOCTL_PRIVCMD_MMAP_RESOURCE, &m) == -1) {
		/* 13.0's _IOW request could not hand the size back. */
		if (errno == ENOSYS)
			errno = EOPNOTSUPP;
		return -1;
	}
	*nr_frames = (unsigned long)m.num;
	return 0;
}
