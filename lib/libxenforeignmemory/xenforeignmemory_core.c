/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * libxenforeignmemory front end: argument checks, logging, the
 * all-or-nothing rule and the bounded retry of paged-out frames.
 */
#include <sys/mman.h>

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>

#include "private.h"
#include "xenlibs_cdefs.h"

#define CTX	"xenforeignmemory"

/*
 * Frames the hypervisor reports as paged out (-ENOENT) are asked for
 * again this many times, after a delay that starts at RETRY_DELAY_US and
 * doubles up to RETRY_DELAY_MAX_US: about 0.4 s in all before the
 * frames are reported as still paged out.
 */
#define RETRY_MAX		10
#define RETRY_DELAY_US		1000L
#define RETRY_DELAY_MAX_US	100000L

/* The largest mapping: its frame count fits the kernels' int. */
#define MAX_PAGES							\
	((size_t)INT_MAX < SIZE_MAX >> XENFOREIGNMEMORY_PAGE_SHIFT ?	\
	    (size_t)INT_MAX : SIZE_MAX >> XENFOREIGNMEMORY_PAGE_SHIFT)

/* errno = e, a message through the handle's logger; returns -1. */
static int
fail(xenforeignmemory_handle *h, int e, const char *what)
{
	xtl_log(h->logger, XTL_ERROR, e, CTX, "%s", what);
	errno = e;
	return -1;
}

/*
 * xentoolcore_restrict_all(): restrict the handle in the kernel, or make
 * it useless.  A kernel without the restriction (EOPNOTSUPP, or a driver
 * too old to know it) is the documented case of a useless handle; any
 * other refusal leaves the handle useless too, but is logged and reported
 * so that xentoolcore_restrict_all() fails.
 */
static int
restrict_callback(Xentoolcore__Active_Handle *ah, domid_t domid)
{
	xenforeignmemory_handle *h = (xenforeignmemory_handle *)(void *)
	    ((char *)ah - offsetof(xenforeignmemory_handle, tc_ah));
	int e;

	if (xenforeignmemory_os_restrict(h, domid) == 0)
		return 0;
	e = errno;
	if (xentoolcore__restrict_by_dup2_null(h->fd) == -1) {
		e = errno;
		xtl_log(h->logger, XTL_ERROR, e, CTX,
		    "restrict_all: cannot restrict the handle (fd %d) to "
		    "domain %u nor make it useless", h->fd, (unsigned)domid);
		errno = e;
		return -1;
	}
	if (e == EOPNOTSUPP || e == ENOTTY || e == ENOSYS)
		return 0;
	xtl_log(h->logger, XTL_ERROR, e, CTX,
	    "restrict_all: the kernel refused to restrict the handle (fd %d) "
	    "to domain %u: it was made useless", h->fd, (unsigned)domid);
	errno = e;
	return -1;
}

XENLIBS_EXPORT xenforeignmemory_handle *
xenforeignmemory_open(struct xentoollog_logger *logger, unsigned open_flags)
{
	xenforeignmemory_handle *h;
	int e;

	if ((h = calloc(1, sizeof(*h))) == NULL)
		return NULL;
	h->fd = -1;
	h->logger = logger;
	if (logger == NULL) {
		h->logger_tofree = (xentoollog_logger *)
		    xtl_createlogger_stdiostream(stderr, XTL_PROGRESS, 0);
		if (h->logger_tofree == NULL) {
			free(h);
			return NULL;
		}
		h->logger = h->logger_tofree;
	}
	if (open_flags != 0) {
		e = EINVAL;
		xtl_log(h->logger, XTL_ERROR, e, CTX,
		    "open: unknown flags %#x", open_flags);
		goto out;
	}
	if (xenforeignmemory_os_open(h) == -1) {
		e = errno;
		xtl_log(h->logger, XTL_ERROR, e, CTX,
		    "open: cannot open the privcmd device");
		goto out;
	}
	h->tc_ah.restrict_callback = restrict_callback;
	xentoolcore__register_active_handle(&h->tc_ah);
	return h;
out:
	xtl_logger_destroy(h->logger_tofree);
	free(h);
	errno = e;
	return NULL;
}

XENLIBS_EXPORT int
xenforeignmemory_close(xenforeignmemory_handle *h)
{
	int rc, e;

	if (h == NULL)
		return 0;
	xentoolcore__deregister_active_handle(&h->tc_ah);
	rc = xenforeignmemory_os_close(h);
	e = errno;
	xtl_logger_destroy(h->logger_tofree);
	free(h);
	errno = e;
	return rc;
}

static void
sleep_us(long us)
{
	struct timespec ts;

	ts.tv_sec = us / 1000000L;
	ts.tv_nsec = (us % 1000000L) * 1000L;
	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		continue;
}

/*
 * Ask again for the frames still paged out, a bounded number of times.
 * 0 when done (frames may still be -ENOENT), -1 on an error of the call.
 */
static int
retry_paged(xenforeignmemory_handle *h, uint32_t dom, void *base,
    size_t pages, const xen_pfn_t arr[], int err[])
{
	long delay = RETRY_DELAY_US;
	size_t i, j;
	int attempt, paged;

	for (attempt = 0; attempt < RETRY_MAX; attempt++) {
		paged = 0;
		for (i = 0; i < pages; i++)
			paged |= err[i] == -ENOENT;
		if (!paged)
			return 0;
		xtl_log(h->logger, XTL_DEBUG, -1, CTX,
		    "map: frames of domain %u paged out, retry %d in %ld us",
		    (unsigned)dom, attempt + 1, delay);
		sleep_us(delay);
		delay = delay * 2 > RETRY_DELAY_MAX_US ? RETRY_DELAY_MAX_US :
		    delay * 2;
		for (i = 0; i < pages; i = j) {
			if (err[i] != -ENOENT) {
				j = i + 1;
				continue;
			}
			for (j = i + 1; j < pages && err[j] == -ENOENT; j++)
				continue;
			if (xenforeignmemory_os_remap(h, dom, base, pages, arr,
			    err, i, j - i) == -1)
				return -1;
		}
	}
	return 0;
}

XENLIBS_EXPORT void *
xenforeignmemory_map2(xenforeignmemory_handle *h, uint32_t dom, void *addr,
    int prot, int flags, size_t pages, const xen_pfn_t arr[], int err[])
{
	int *errs, e;
	size_t i;
	void *p;

	if (h == NULL) {
		errno = EINVAL;
		return NULL;
	}
	if (pages == 0 || arr == NULL) {
		fail(h, EINVAL, pages == 0 ? "map: no frames" :
		    "map: no frame array");
		return NULL;
	}
	if (pages > MAX_PAGES) {
		fail(h, EINVAL, "map: too many frames");
		return NULL;
	}
	if (dom > UINT16_MAX) {
		fail(h, EINVAL, "map: domain id out of range");
		return NULL;
	}
	if ((errs = err) == NULL &&
	    (errs = calloc(pages, sizeof(*errs))) == NULL) {
		fail(h, ENOMEM, "map: no memory for the error array");
		return NULL;
	}
	p = xenforeignmemory_os_map(h, dom, addr, prot, flags, pages, arr,
	    errs);
	if (p == NULL) {
		e = errno;
		xtl_log(h->logger, XTL_ERROR, e, CTX,
		    "map: mapping %zu frames of domain %u failed", pages,
		    (unsigned)dom);
		goto out;
	}
	if (retry_paged(h, dom, p, pages, arr, errs) == -1) {
		e = errno;
		xtl_log(h->logger, XTL_ERROR, e, CTX,
		    "map: mapping paged-out frames of domain %u failed",
		    (unsigned)dom);
		(void)munmap(p, pages << XENFOREIGNMEMORY_PAGE_SHIFT);
		p = NULL;
		goto out;
	}
	if (err == NULL) {
		/* All or nothing: the first bad frame's error is errno. */
		for (i = 0; i < pages && errs[i] == 0; i++)
			continue;
		if (i < pages) {
			e = errs[i] < 0 ? -errs[i] : EIO;
			xtl_log(h->logger, XTL_ERROR, e, CTX,
			    "map: frame %#lx (index %zu) of domain %u",
			    (unsigned long)arr[i], i, (unsigned)dom);
			(void)munmap(p, pages << XENFOREIGNMEMORY_PAGE_SHIFT);
			p = NULL;
			goto out;
		}
	}
	e = 0;
out:
	if (err == NULL)
		free(errs);
	if (p == NULL)
		errno = e;
	return p;
}

XENLIBS_EXPORT void *
xenforeignmemory_map(xenforeignmemory_handle *h, uint32_t dom, int prot,
    size_t pages, const xen_pfn_t arr[], int err[])
{
	return xenforeignmemory_map2(h, dom, NULL, prot, 0, pages, arr, err);
}

XENLIBS_EXPORT int
xenforeignmemory_unmap(xenforeignmemory_handle *h, void *addr, size_t pages)
{
	if (h == NULL) {
		errno = EINVAL;
		return -1;
	}
	if (addr == NULL || pages == 0 || pages > MAX_PAGES ||
	    ((uintptr_t)addr & (XENFOREIGNMEMORY_PAGE_SIZE - 1)) != 0)
		return fail(h, EINVAL, "unmap: bad address or length");
	if (munmap(addr, pages << XENFOREIGNMEMORY_PAGE_SHIFT) == -1)
		return fail(h, errno, "unmap failed");
	return 0;
}

XENLIBS_EXPORT int
xenforeignmemory_restrict(xenforeignmemory_handle *h, domid_t domid)
{
	if (h == NULL) {
		errno = EINVAL;
		return -1;
	}
	/* The kernels take DOMID_INVALID for "no restriction". */
	if (domid >= DOMID_FIRST_RESERVED) {
		xtl_log(h->logger, XTL_ERROR, EINVAL, CTX,
		    "restrict: domid %u is reserved", (unsigned)domid);
		errno = EINVAL;
		return -1;
	}
	if (xenforeignmemory_os_restrict(h, domid) == -1)
		return fail(h, errno, "restrict failed");
	return 0;
}

XENLIBS_EXPORT xenforeignmemory_resource_handle *
xenforeignmemory_map_resource(xenforeignmemory_handle *h, domid_t domid,
    unsigned int type, unsigned int id, unsigned long frame,
    unsigned long nr_frames, void **paddr, int prot, int flags)
{
	xenforeignmemory_resource_handle *fres;
	int e;

	if (h == NULL) {
		errno = EINVAL;
		return NULL;
	}
	if (nr_frames == 0 || nr_frames > MAX_PAGES) {
		fail(h, EINVAL, "map_resource: bad number of frames");
		return NULL;
	}
	if (frame > ULONG_MAX - nr_frames) {
		fail(h, EINVAL, "map_resource: frame range overflows");
		return NULL;
	}
	if ((fres = calloc(1, sizeof(*fres))) == NULL) {
		fail(h, ENOMEM, "map_resource: no memory");
		return NULL;
	}
	fres->domid = domid;
	fres->type = type;
	fres->id = id;
	fres->frame = frame;
	fres->nr_frames = nr_frames;
	fres->addr = paddr != NULL ? *paddr : NULL;
	fres->prot = prot;
	fres->flags = flags;
	if (xenforeignmemory_os_map_resource(h, fres) == -1) {
		e = errno;
		xtl_log(h->logger, XTL_ERROR, e, CTX,
		    "map_resource: domain %u type %u id %u frames %lu+%lu",
		    (unsigned)domid, type, id, frame, nr_frames);
		free(fres);
		errno = e;
		return NULL;
	}
	if (paddr != NULL)
		*paddr = fres->addr;
	return fres;
}

XENLIBS_EXPORT int
xenforeignmemory_unmap_resource(xenforeignmemory_handle *h,
    xenforeignmemory_resource_handle *fres)
{
	int rc = 0;

	if (fres == NULL)
		return 0;
	if (h == NULL) {
		errno = EINVAL;
		return -1;
	}
	if (munmap(fres->addr,
	    (size_t)fres->nr_frames << XENFOREIGNMEMORY_PAGE_SHIFT) == -1)
		rc = fail(h, errno, "unmap_resource failed");
	/* The handle is gone either way, as with close(2). */
	free(fres);
	return rc;
}

XENLIBS_EXPORT int
xenforeignmemory_resource_size(xenforeignmemory_handle *h, domid_t domid,
    unsigned int type, unsigned int id, size_t *size)
{
	unsigned long n = 0;

	if (h == NULL) {
		errno = EINVAL;
		return -1;
	}
	if (size == NULL)
		return fail(h, EINVAL, "resource_size: no size pointer");
	if (xenforeignmemory_os_resource_size(h, domid, type, id, &n) == -1) {
		xtl_log(h->logger, XTL_ERROR, errno, CTX,
		    "resource_size: domain %u type %u id %u", (unsigned)domid,
		    type, id);
		return -1;
	}
	if (n > SIZE_MAX >> XENFOREIGNMEMORY_PAGE_SHIFT)
		return fail(h, EOVERFLOW, "resource_size: size overflows");
	*size = (size_t)n << XENFOREIGNMEMORY_PAGE_SHIFT;
	return 0;
}
