/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * libxengnttab: granting our own pages to other domains (xengntshr_*).
 */
#include <errno.h>
#include <stdlib.h>

#include "private.h"
#include "xenlibs_cdefs.h"

XENLIBS_EXPORT xengntshr_handle *
xengntshr_open(struct xentoollog_logger *logger, unsigned open_flags)
{
	return xengnt__open(logger, open_flags, 1);
}

XENLIBS_EXPORT int
xengntshr_close(xengntshr_handle *xgs)
{
	return xengnt__close(xgs);
}

XENLIBS_EXPORT int
xengntshr_fd(xengntshr_handle *xgs)
{
	if (xengnt__check(xgs, XENGNT_KIND_SHR, __func__) == -1)
		return -1;
	return xgs->fd;
}

static void *
share(xengntshr_handle *h, const char *fn, uint32_t domid, int count,
    uint32_t *refs, int writable, const struct xengnt_notify *nt)
{
	uint64_t cookie = 0;
	unsigned attempt;
	void *addr;
	int err;

	if (count <= 0 || refs == NULL || domid > UINT16_MAX) {
		xengnt__log(h, EINVAL, "%s: %s", fn, count <= 0 ?
		    "count must be positive" : refs == NULL ?
		    "refs is NULL" : "domain out of range");
		errno = EINVAL;
		return NULL;
	}
	for (attempt = 1;; attempt++) {
		addr = gntshr_os_share(h, domid, (uint32_t)count, refs,
		    writable != 0, nt, &cookie);
		if (addr != NULL || errno != EAGAIN ||
		    xengnt__eagain_wait(attempt) == -1)
			break;
	}
	if (addr != NULL &&
	    xengnt__track(h, addr, (uint32_t)count, cookie) == -1) {
		(void)gntshr_os_unshare(h, addr, (uint32_t)count, cookie);
		addr = NULL;
		errno = ENOMEM;
	}
	if (addr == NULL) {
		err = errno;
		xengnt__log(h, err, "%s: sharing %d page(s) with domain %u "
		    "failed", fn, count, domid);
		errno = err;
	}
	return addr;
}

XENLIBS_EXPORT void *
xengntshr_share_pages(xengntshr_handle *xgs, uint32_t domid, int count,
    uint32_t *refs, int writable)
{
	struct xengnt_notify none = { 0, 0, 0 };

	if (xengnt__check(xgs, XENGNT_KIND_SHR, __func__) == -1)
		return NULL;
	return share(xgs, "xengntshr_share_pages", domid, count, refs,
	    writable, &none);
}

XENLIBS_EXPORT void *
xengntshr_share_page_notify(xengntshr_handle *xgs, uint32_t domid,
    uint32_t *ref, int writable, uint32_t notify_offset,
    evtchn_port_t notify_port)
{
	struct xengnt_notify nt = { 0, 0, 0 };

	if (xengnt__check(xgs, XENGNT_KIND_SHR, __func__) == -1)
		return NULL;
	if (notify_offset < XENGNT_PAGE_SIZE) {
		nt.action |= XENGNT_NOTIFY_CLEAR_BYTE;
		nt.offset = notify_offset;
	}
	if (notify_port != (evtchn_port_t)-1) {
		nt.action |= XENGNT_NOTIFY_SEND_EVENT;
		nt.port = notify_port;
	}
	return share(xgs, "xengntshr_share_page_notify", domid, 1, ref,
	    writable, &nt);
}

XENLIBS_EXPORT int
xengntshr_unshare(xengntshr_handle *xgs, void *start_address, uint32_t count)
{
	struct xengnt_range *r;
	int err;

	if (xengnt__check(xgs, XENGNT_KIND_SHR, __func__) == -1)
		return -1;
	if ((r = xengnt__untrack(xgs, start_address, count, &err)) == NULL) {
		xengnt__log(xgs, err, "xengntshr_unshare: %p is not the start "
		    "of %u page(s) shared with this handle", start_address,
		    count);
		errno = err;
		return -1;
	}
	if (gntshr_os_unshare(xgs, r->addr, r->count, r->cookie) == -1) {
		err = errno;
		xengnt__log(xgs, err, "xengntshr_unshare: %p", start_address);
		pthread_mutex_lock(&xgs->lock);
		r->next = xgs->ranges;
		xgs->ranges = r;
		pthread_mutex_unlock(&xgs->lock);
		errno = err;
		return -1;
	}
	free(r);
	return 0;
}
