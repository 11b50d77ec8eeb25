/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * libxenforeignmemory internals: the handles and the backend interface
 * that each sys/<os>/foreignmemory.c implements.  Never installed.
 *
 * Every backend function returns 0 (or a pointer) on success and -1 (or
 * NULL) with errno set on failure, and logs nothing: the front end logs.
 */
#ifndef XENFOREIGNMEMORY_PRIVATE_H
#define XENFOREIGNMEMORY_PRIVATE_H

#include <stddef.h>
#include <stdint.h>

#include <xentoollog.h>
#include <xentoolcore_internal.h>

#include "xenforeignmemory.h"

/* Foreign frames are Xen pages: 4 KiB whatever the local page size. */
#define XENFOREIGNMEMORY_PAGE_SHIFT	12
#define XENFOREIGNMEMORY_PAGE_SIZE	((size_t)1 << XENFOREIGNMEMORY_PAGE_SHIFT)

struct xenforeignmemory_handle {
	xentoollog_logger	*logger;
	xentoollog_logger	*logger_tofree;	/* ours, destroyed at close */
	Xentoolcore__Active_Handle tc_ah;
	int			 fd;		/* the privcmd device */
	int			 os_state;	/* the backend's (atomic) */
};

struct xenforeignmemory_resource_handle {
	domid_t		 domid;
	unsigned int	 type;
	unsigned int	 id;
	unsigned long	 frame;
	unsigned long	 nr_frames;
	void		*addr;
	int		 prot;
	int		 flags;
};

/* Open the privcmd device into h->fd (O_RDWR | O_CLOEXEC). */
int xenforeignmemory_os_open(xenforeignmemory_handle *h);
int xenforeignmemory_os_close(xenforeignmemory_handle *h);

/*
 * Reserve pages frames of address space (mmap(2) hint addr, prot, extra
 * flags) and map arr[] of domain dom into it, err[] (never NULL) getting
 * 0 or a negative errno per frame.  Frames that were paged out are left
 * with -ENOENT and are not an error of the call.  On failure nothing
 * stays mapped.
 */
void *xenforeignmemory_os_map(xenforeignmemory_handle *h, uint32_t dom,
    void *addr, int prot, int flags, size_t pages, const xen_pfn_t arr[],
    int err[]);

/*
 * Map again the frames [first, first + count) of a region that
 * xenforeignmemory_os_map() returned (base, pages frames in all), updating
 * err[] (of the whole region) for at least those frames.  -1 only for an
 * error of the whole call; a frame still paged out is -ENOENT in err[].
 */
int xenforeignmemory_os_remap(xenforeignmemory_handle *h, uint32_t dom,
    void *base, size_t pages, const xen_pfn_t arr[], int err[],
    size_t first, size_t count);

/*
 * Unmapping is munmap(2) on every kernel: the front end does it.
 */

/* Restrict the device to domid; EOPNOTSUPP where the kernel cannot. */
int xenforeignmemory_os_restrict(xenforeignmemory_handle *h, domid_t domid);

/* Map fres->nr_frames frames of a resource; sets fres->addr. */
int xenforeignmemory_os_map_resource(xenforeignmemory_handle *h,
    xenforeignmemory_resource_handle *fres);

/* The size of a resource in frames; EOPNOTSUPP where it cannot be had. */
int xenforeignmemory_os_resource_size(xenforeignmemory_handle *h,
    domid_t domid, unsigned int type, unsigned int id,
    unsigned long *nr_frames);

#endif /* XENFOREIGNMEMORY_PRIVATE_H */
