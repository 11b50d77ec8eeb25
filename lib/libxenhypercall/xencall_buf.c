/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * libxenhypercall front end: hypercall argument buffers.
 *
 * Every buffer handed out is on the handle's live list, so a free can tell
 * a buffer of this handle from anything else (a foreign pointer, a pointer
 * into a buffer, a buffer already freed).  Freed buffers of up to
 * XENCALL_CACHE_MAX_PAGES pages stay mapped on the cache list, up to
 * XENCALL_CACHE_MAX_BUFS of them, and are zeroed again when reused: an
 * alloc/free loop then makes no system call and no allocation.  When the
 * system refuses a new buffer the cache is given back before a retry.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "private.h"
#include "xenlibs_cdefs.h"

static void
buf_lock(xencall_handle *xcall)
{
	if (!(xcall->flags & XENCALL_OPENFLAG_NON_REENTRANT))
		pthread_mutex_lock(&xcall->lock);
}

static void
buf_unlock(xencall_handle *xcall)
{
	if (!(xcall->flags & XENCALL_OPENFLAG_NON_REENTRANT))
		pthread_mutex_unlock(&xcall->lock);
}

static void
live_insert(xencall_handle *xcall, struct xencall_buf *b)
{
	b->prev = NULL;
	b->next = xcall->live;
	if (xcall->live != NULL)
		xcall->live->prev = b;
	xcall->live = b;
}

static void
live_remove(xencall_handle *xcall, struct xencall_buf *b)
{
	if (b->prev != NULL)
		b->prev->next = b->next;
	else
		xcall->live = b->next;
	if (b->next != NULL)
		b->next->prev = b->prev;
	b->next = b->prev = NULL;
}

/* Unmap every cached buffer (errno preserved). */
static void
cache_release(xencall_handle *xcall)
{
	struct xencall_buf *b, *next;
	int saved = errno;

	buf_lock(xcall);
	b = xcall->cache;
	xcall->cache = NULL;
	xcall->ncache = 0;
	buf_unlock(xcall);
	for (; b != NULL; b = next) {
		next = b->next;
		xencall_os_free_pages(xcall, b->addr, b->npages);
		free(b);
	}
	errno = saved;
}

static void *
buf_alloc(xencall_handle *xcall, size_t npages)
{
	struct xencall_buf *b = NULL, **pp;
	int cached, saved;

	if (npages <= XENCALL_CACHE_MAX_PAGES) {
		buf_lock(xcall);
		for (pp = &xcall->cache; *pp != NULL; pp = &(*pp)->next) {
			if ((*pp)->npages == npages) {
				b = *pp;
				*pp = b->next;
				xcall->ncache--;
				memset(b->addr, 0, npages * XENCALL_PAGE_SIZE);
				live_insert(xcall, b);
				break;
			}
		}
		buf_unlock(xcall);
		if (b != NULL)
			return b->addr;
	}
	if ((b = malloc(sizeof(*b))) == NULL) {
		saved = errno;
		xtl_log(xcall->logger, XTL_ERROR, saved, XENCALL_LOGCTX,
		    "cannot allocate a buffer record");
		errno = saved;
		return NULL;
	}
	/*
	 * Cached buffers count against the same limits (locked memory,
	 * mappings) as the new one: if it cannot be had, give the cache back
	 * and try once more.  The first failure is only reported if the
	 * second attempt fails too.
	 */
	buf_lock(xcall);
	cached = xcall->ncache != 0;
	buf_unlock(xcall);
	b->addr = xencall_os_alloc_pages(xcall, npages, cached);
	if (b->addr == NULL && cached) {
		cache_release(xcall);
		b->addr = xencall_os_alloc_pages(xcall, npages, 0);
	}
	if (b->addr == NULL) {
		saved = errno;
		free(b);
		errno = saved;
		return NULL;
	}
	b->npages = npages;
	buf_lock(xcall);
	live_insert(xcall, b);
	buf_unlock(xcall);
	return b->addr;
}

/* npages 0: any size (xencall_free_buffer()). */
static void
buf_free(xencall_handle *xcall, void *p, size_t npages, const char *fn)
{
	struct xencall_buf *b;
	int saved = errno;

	if (p == NULL)
		return;		/* like free(3) */
	if (!xencall__usable(xcall))
		return;
	buf_lock(xcall);
	for (b = xcall->live; b != NULL; b = b->next)
		if (b->addr == p)
			break;
	if (b == NULL) {
		buf_unlock(xcall);
		xtl_log(xcall->logger, XTL_ERROR, EINVAL, XENCALL_LOGCTX,
		    "%s: %p is not a buffer of this handle (or was freed "
		    "already)", fn, p);
		errno = EINVAL;
		return;
	}
	if (npages != 0 && b->npages != npages) {
		buf_unlock(xcall);
		xtl_log(xcall->logger, XTL_ERROR, EINVAL, XENCALL_LOGCTX,
		    "%s: buffer %p has %zu pages, not %zu: not freed", fn, p,
		    b->npages, npages);
		errno = EINVAL;
		return;
	}
	live_remove(xcall, b);
	if (b->npages <= XENCALL_CACHE_MAX_PAGES &&
	    xcall->ncache < XENCALL_CACHE_MAX_BUFS) {
		b->next = xcall->cache;
		xcall->cache = b;
		xcall->ncache++;
		b = NULL;
	}
	buf_unlock(xcall);
	if (b != NULL) {
		xencall_os_free_pages(xcall, b->addr, b->npages);
		free(b);
	}
	errno = saved;
}

void
xencall__buffers_release(xencall_handle *xcall, int inherited)
{
	struct xencall_buf *b, *next;
	struct xencall_buf *lists[2];
	size_t i;

	lists[0] = xcall->live;
	lists[1] = xcall->cache;
	xcall->live = xcall->cache = NULL;
	xcall->ncache = 0;
	for (i = 0; i < XENLIBS_NELEM(lists); i++) {
		for (b = lists[i]; b != NULL; b = next) {
			next = b->next;
			/*
			 * A child never inherited the mappings: its address
			 * range may hold something else by now.
			 */
			if (!inherited)
				xencall_os_free_pages(xcall, b->addr,
				    b->npages);
			free(b);
		}
	}
}

XENLIBS_EXPORT void *
xencall_alloc_buffer_pages(xencall_handle *xcall, size_t nr_pages)
{
	if (!xencall__usable(xcall))
		return NULL;
	if (nr_pages == 0) {
		xtl_log(xcall->logger, XTL_ERROR, EINVAL, XENCALL_LOGCTX,
		    "xencall_alloc_buffer_pages: zero pages");
		errno = EINVAL;
		return NULL;
	}
	if (nr_pages > SIZE_MAX / XENCALL_PAGE_SIZE) {
		xtl_log(xcall->logger, XTL_ERROR, ENOMEM, XENCALL_LOGCTX,
		    "xencall_alloc_buffer_pages: %zu pages overflow the "
		    "address space", nr_pages);
		errno = ENOMEM;
		return NULL;
	}
	return buf_alloc(xcall, nr_pages);
}

XENLIBS_EXPORT void
xencall_free_buffer_pages(xencall_handle *xcall, void *p, size_t nr_pages)
{
	if (p != NULL && nr_pages == 0 && xencall__usable(xcall)) {
		xtl_log(xcall->logger, XTL_ERROR, EINVAL, XENCALL_LOGCTX,
		    "xencall_free_buffer_pages: zero pages: %p not freed", p);
		errno = EINVAL;
		return;
	}
	buf_free(xcall, p, nr_pages, "xencall_free_buffer_pages");
}

XENLIBS_EXPORT void *
xencall_alloc_buffer(xencall_handle *xcall, size_t size)
{
	if (!xencall__usable(xcall))
		return NULL;
	if (size > SIZE_MAX - (XENCALL_PAGE_SIZE - 1)) {
		xtl_log(xcall->logger, XTL_ERROR, ENOMEM, XENCALL_LOGCTX,
		    "xencall_alloc_buffer: %zu bytes overflow the address "
		    "space", size);
		errno = ENOMEM;
		return NULL;
	}
	/* Like upstream, a zero size gets a (one-page) buffer. */
	if (size == 0)
		size = 1;
	return buf_alloc(xcall,
	    (size + XENCALL_PAGE_SIZE - 1) >> XENCALL_PAGE_SHIFT);
}

XENLIBS_EXPORT void
xencall_free_buffer(xencall_handle *xcall, void *p)
{
	buf_free(xcall, p, 0, "xencall_free_buffer");
}
