/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * libxenforeignmemory backend for Linux: /dev/xen/privcmd (or xenfs's
 * /proc/xen/privcmd).  Frames are mapped into a privcmd mmap(2) region by
 * IOCTL_PRIVCMD_MMAPBATCH_V2, or by the older MMAPBATCH on kernels
 * without V2; resources by IOCTL_PRIVCMD_MMAP_RESOURCE, whose size query
 * (addr == num == 0) returns the size in num.
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

/* h->os_state: the kernel has no MMAPBATCH_V2, use MMAPBATCH. */
#define OS_V1_ONLY	1

int
xenforeignmemory_os_open(xenforeignmemory_handle *h)
{
	int fd;

	fd = open(LINUX_PRIVCMD_PATH, O_RDWR | O_CLOEXEC);
	if (fd == -1 && errno == ENOENT)
		fd = open(LINUX_PRIVCMD_PATH_XENFS, O_RDWR | O_CLOEXEC);
	if (fd == -1)
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
 * MMAPBATCH (V1).  The kernel reports a frame it could not map by or-ing
 * a marker into that frame's entry of the array, which it leaves alone
 * for a frame it mapped: PRIVCMD_MMAPBATCH_PAGED_ERROR (0x80000000) for
 * -ENOENT (paged out), PRIVCMD_MMAPBATCH_MFN_ERROR (0xf0000000) for any
 * other error (Linux drivers/xen/privcmd.c: mmap_return_error(), version
 * 1, "gfn |= ..."; older kernels: mmap_batch_fn(), "*mfnp |= ...").  The
 * ioctl returns -ENOENT if some frame was paged out, else 0 even when
 * frames failed.  So what the kernel changed is the answer: nothing is
 * success, whatever the frame number (a frame at or above 2^28, memory
 * above 1 TiB, has bits of the marker set by itself).  Only bit 31 newly
 * set is ambiguous -- the paged marker, or MFN_ERROR on a frame whose
 * bits 28-30 were set -- and the ioctl's ENOENT decides.  What V1 cannot
 * say at all: an error on a frame whose bits 28-31 are all set (MFN_ERROR
 * changes nothing), or a paged-out frame whose bit 31 is set.  V2 has
 * per-frame error codes and no such limit.
 */
static int
mmapbatch_v1(xenforeignmemory_handle *h, uint32_t dom, char *addr,
    size_t n, const xen_pfn_t arr[], int err[])
{
	struct privcmd_mmapbatch m;
	uint64_t *a;
	size_t i;
	int rc, e;

	if ((a = malloc(n * sizeof(*a))) == NULL)
		return -1;
	for (i = 0; i < n; i++)
		a[i] = arr[i];
	memset(&m, 0, sizeof(m));
	m.num = (int32_t)n;
	m.dom = (uint16_t)dom;
	m.addr = (uint64_t)(uintptr_t)addr;
	m.arr = a;
	rc = ioctl(h->fd, IOCTL_PRIVCMD_MMAPBATCH, &m);
	if (rc == 0 || errno == ENOENT) {
		for (i = 0; i < n; i++) {
			if (a[i] == arr[i])
				err[i] = 0;
			else if ((a[i] ^ arr[i]) ==
			    PRIVCMD_MMAPBATCH_PAGED_ERROR && rc == -1)
				err[i] = -ENOENT;
			else
				err[i] = -EINVAL;
		}
		rc = 0;
	}
	e = errno;
	free(a);
	errno = e;
	return rc;
}

/* One batch over [addr, addr + n pages); 0 also when frames are paged. */
static int
mmapbatch(xenforeignmemory_handle *h, uint32_t dom, char *addr, size_t n,
    const xen_pfn_t arr[], int err[])
{
	struct privcmd_mmapbatch_v2 m;

	if (__atomic_load_n(&h->os_state, __ATOMIC_RELAXED) & OS_V1_ONLY)
		return mmapbatch_v1(h, dom, addr, n, arr, err);
	memset(&m, 0, sizeof(m));
	m.num = (uint32_t)n;
	m.dom = (uint16_t)dom;
	m.addr = (uint64_t)(uintptr_t)addr;
	m.arr = (const uint64_t *)(const void *)arr;
	m.err = err;
	if (ioctl(h->fd, IOCTL_PRIVCMD_MMAPBATCH_V2, &m) == 0 ||
	    errno == ENOENT)
		return 0;
	if (errno != ENOTTY && errno != EINVAL)
		return -1;
	/* No V2 (older kernels said EINVAL): fall back, and remember. */
	if (mmapbatch_v1(h, dom, addr, n, arr, err) == -1)
		return -1;
	__atomic_or_fetch(&h->os_state, OS_V1_ONLY, __ATOMIC_RELAXED);
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

/* privcmd accepts a batch over the holes a previous batch left. */
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
	uint16_t d = domid;

	return ioctl(h->fd, IOCTL_PRIVCMD_RESTRICT, &d) == -1 ? -1 : 0;
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
	if (ioctl(h->fd, IOCTL_PRIVCMD_MMAP_RESOURCE, &m) == 0) {
		fres->addr = p;
		return 0;
	}
	e = errno;
	(void)munmap(p, len);
	errno = e;
	return -1;
}


int
xenforeignmemory_os_resource_size(xenforeignmemory_handle *h,
    domid_t domid, unsigned int type, unsigned int id,
    unsigned long *nr_frames)
{
	struct privcmd_mmap_resource m;

	memset(&m, 0, sizeof(m));
	m.dom = domid;
	m.type = type;
	m.id = id;
	if (ioctl(h->fd, IOCTL_PRIVCMD_MMAP_RESOURCE, &m) == -1)
		return -1;
	*nr_frames = (unsigned long)m.num;
	return 0;
}
