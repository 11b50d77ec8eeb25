/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * libxenforeignmemory backend for NetBSD: /kern/xen/privcmd.  The caller
 * reserves an anonymous mapping and IOCTL_PRIVCMD_MMAPBATCH_V2 (or
 * IOCTL_PRIVCMD_MMAP_RESOURCE) replaces it, wholly or in part, by the
 * foreign frames.  NetBSD has no RESTRICT ioctl, and its MMAP_RESOURCE is
 * _IOW, so a size query cannot return a size: both are EOPNOTSUPP.
 *
 * Supported kernels: NetBSD 9.x and 10.x.  NetBSD 9 has no MMAP_RESOURCE
 * (EINVAL, like a bad argument): an EINVAL is checked with
 * privcmd_probe.h and reported as EOPNOTSUPP there.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "private.h"
#include "privcmd_probe.h"
#include "xen_ioctl.h"

int
xenforeignmemory_os_open(xenforeignmemory_handle *h)
{
	int fd;

	if ((fd = open(NETBSD_PRIVCMD_PATH, O_RDWR | O_CLOEXEC)) == -1)
		return -1;
	h->fd = fd;
	return 0;
}

int
xenforeignmemory_os_close(xenforeignmemory_handle *h)
{
	return h->fd == -1 ? 0 : close(h->fd);
}

/* One batch at addr; 0 also when frames are paged out. */
static int
mmapbatch(xenforeignmemory_handle *h, uint32_t dom, void *addr, size_t n,
    const xen_pfn_t arr[], int err[])
{
	struct privcmd_mmapbatch_v2 m;

	memset(&m, 0, sizeof(m));
	m.num = (int32_t)n;
	m.dom = (uint16_t)dom;
	m.addr = (uint64_t)(uintptr_t)addr;
	m.arr = (const uint64_t *)(const void *)arr;
	m.err = err;
	if (ioctl(h->fd, IOCTL_PRIVCMD_MMAPBATCH_V2, &m) == 0 ||
	    errno == ENOENT)
		return 0;
	return -1;
}

void *
xenforeignmemory_os_map(xenforeignmemory_handle *h, uint32_t dom,
    void *addr, int prot, int flags, size_t pages, const xen_pfn_t arr[],
    int err[])
{
	size_t len = pages << XENFOREIGNMEMORY_PAGE_SHIFT;
	void *p;
	int e;

	p = mmap(addr, len, prot, flags | MAP_ANON | MAP_SHARED, -1, 0);
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

/* The kernel maps a batch over any part of the region. */
int
xenforeignmemory_os_remap(xenforeignmemory_handle *h, uint32_t dom,
    void *base, size_t pages, const xen_pfn_t arr[], int err[],
    size_t first, size_t count)
{
	return mmapbatch(h, dom,
	    (char *)base + (first << XENFOREIGNMEMORY_PAGE_SHIFT), count,
	    arr + first, err + first);
}


int
xenforeignmemory_os_restrict(xenforeignmemory_handle *h, domid_t domid)
{
	errno = EOPNOTSUPP;
	return -1;
}

int
xenforeignmemory_os_map_resource(xenforeignmemory_handle *h,
    xenforeignmemory_resource_handle *fres)
{
	struct privcmd_mmap_resource m;
	size_t len = (size_t)fres->nr_frames << XENFOREIGNMEMORY_PAGE_SHIFT;
	void *p;
	int e;

	/* The kernel's frame index is 32 bits wide. */
	if (fres->frame > UINT32_MAX ||
	    fres->nr_frames > UINT32_MAX - fres->frame) {
		errno = EINVAL;
		return -1;
	}
	p = mmap(fres->addr, len, fres->prot,
	    fres->flags | MAP_ANON | MAP_SHARED, -1, 0);
	if (p == MAP_FAILED)
		return -1;
	memset(&m, 0, sizeof(m));
	m.dom = fres->domid;
	m.type = fres->type;
	m.id = fres->id;
	m.idx = (uint32_t)fres->frame;
	m.num = fres->nr_frames;
	m.addr = (uint64_t)(uintptr_t)p;
	if (ioctl(h->fd, IOCTL_PRIVCMD_MMAP_RESOURCE, &m) == 0) {
		fres->addr = p;
		return 0;
	}
	e = errno;
	if (e == EINVAL && netbsd_privcmd_is_10(h->fd) == 0)
		e = EOPNOTSUPP;		/* NetBSD 9 */
	(void)munmap(p, len);
	errno = e;
	return -1;
}


/* _IOW: the kernel cannot hand a size back. */
int
xenforeignmemory_os_resource_size(xenforeignmemory_handle *h,
    domid_t domid, unsigned int type, unsigned int id,
    unsigned long *nr_frames)
{
	errno = EOPNOTSUPP;
	return -1;
}
