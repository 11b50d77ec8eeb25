/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * libxengnttab: mapping grants other domains give us (xengnttab_*).
 */
#include <errno.h>
#include <stdlib.h>
#include <sys/mman.h>

#include "private.h"
#include "xenlibs_cdefs.h"

XENLIBS_EXPORT xengnttab_handle *
xengnttab_open(struct xentoollog_logger *logger, unsigned open_flags)
{
	return xengnt__open(logger, open_flags, 0);
}

XENLIBS_EXPORT int
xengnttab_close(xengnttab_handle *xgt)
{
	return xengnt__close(xgt);
}

XENLIBS_EXPORT int
xengnttab_fd(xengnttab_handle *xgt)
{
	if (xengnt__check(xgt, XENGNT_KIND_TAB, __func__) == -1)
		return -1;
	return xgt->fd;
}

/*
 * The one path every map call takes: check, reserve against the limit,
 * map with bounded EAGAIN retries, record.
 */
static void *
map_refs(xengnttab_handle *h, const char *fn, uint32_t count,
    const struct xengnt_ref *refs, int prot, const struct xengnt_notify *nt)
{
	uint64_t cookie = 0;
	unsigned attempt;
	void *addr;
	int err;

	if ((prot & PROT_READ) == 0 ||
	    (prot & ~(PROT_READ | PROT_WRITE)) != 0) {
		xengnt__log(h, EINVAL, "%s: prot %#x is not PROT_READ, "
		    "optionally with PROT_WRITE", fn, (unsigned)prot);
		errno = EINVAL;
		return NULL;
	}
	pthread_mutex_lock(&h->lock);
	if (h->max_grants != 0 && (count > h->max_grants ||
	    h->nr_grants > h->max_grants - count)) {
		pthread_mutex_unlock(&h->lock);
		xengnt__log(h, ENOMEM, "%s: %u more grants exceed the limit "
		    "of %u set by xengnttab_set_max_grants", fn, count,
		    h->max_grants);
		errno = ENOMEM;
		return NULL;
	}
	h->nr_grants += count;
	pthread_mutex_unlock(&h->lock);

	for (attempt = 1;; attempt++) {
		addr = gnttab_os_map(h, count, refs, prot, nt, &cookie);
		if (addr != NULL || errno != EAGAIN ||
		    xengnt__eagain_wait(attempt) == -1)
			break;
	}
	if (addr != NULL && xengnt__track(h, addr, count, cookie) == -1) {
		(void)gnttab_os_unmap(h, addr, count, cookie);
		addr = NULL;
		errno = ENOMEM;
	}
	if (addr == NULL) {
		err = errno;
		pthread_mutex_lock(&h->lock);
		h->nr_grants -= count;
		pthread_mutex_unlock(&h->lock);
		if (err == EAGAIN)
			xengnt__log(h, err, "%s: %u grant(s) still busy after "
			    "%d attempts", fn, count, XENGNT_EAGAIN_TRIES);
		else
			xengnt__log(h, err, "%s: mapping %u grant(s) failed "
			    "(first: domain %u ref %u)", fn, count,
			    refs[0].domid, refs[0].ref);
		errno = err;
	}
	return addr;
}

static int
check_domid(xengnttab_handle *h, const char *fn, uint32_t domid)
{
	if (domid > UINT16_MAX) {
		xengnt__log(h, EINVAL, "%s: domain %u out of range", fn, domid);
		errno = EINVAL;
		return -1;
	}
	return 0;
}

static void *
map_many(xengnttab_handle *h, const char *fn, uint32_t count,
    const uint32_t *domids, uint32_t domid, const uint32_t *refs, int prot)
{
	struct xengnt_ref *pairs;
	struct xengnt_notify none = { 0, 0, 0 };
	uint32_t i;
	void *addr;
	int err;

	if (count == 0 || refs == NULL) {
		xengnt__log(h, EINVAL, "%s: %s", fn, count == 0 ?
		    "count is 0" : "refs is NULL");
		errno = EINVAL;
		return NULL;
	}
	if ((pairs = calloc(count, sizeof(*pairs))) == NULL) {
		xengnt__log(h, ENOMEM, "%s: %u grants", fn, count);
		errno = ENOMEM;
		return NULL;
	}
	for (i = 0; i < count; i++) {
		pairs[i].domid = domids != NULL ? domids[i] : domid;
		pairs[i].ref = refs[i];
		if (check_domid(h, fn, pairs[i].domid) == -1) {
			free(pairs);
			return NULL;
		}
	}
	addr = map_refs(h, fn, count, pairs, prot, &none);
	err = errno;
	free(pairs);
	errno = err;
	return addr;
}

XENLIBS_EXPORT void *
xengnttab_map_grant_ref(xengnttab_handle *xgt, uint32_t domid, uint32_t ref,
    int prot)
{
	if (xengnt__check(xgt, XENGNT_KIND_TAB, __func__) == -1)
		return NULL;

	return map_many(xgt, "xengnttab_map_grant_ref", 1, NULL, domid, &ref,
	    prot);
}

XENLIBS_EXPORT void *
xengnttab_map_grant_refs(xengnttab_handle *xgt, uint32_t count,
    uint32_t *domids, uint32_t *refs, int prot)
{
	if (xengnt__check(xgt, XENGNT_KIND_TAB, __func__) == -1)
		return NULL;

	if (domids == NULL) {
		xengnt__log(xgt, EINVAL, "xengnttab_map_grant_refs: "
		    "domids is NULL");
		errno = EINVAL;
		return NULL;
	}
	return map_many(xgt, "xengnttab_map_grant_refs", count, domids, 0,
	    refs, prot);
}

XENLIBS_EXPORT void *
xengnttab_map_domain_grant_refs(xengnttab_handle *xgt, uint32_t count,
    uint32_t domid, uint32_t *refs, int prot)
{
	if (xengnt__check(xgt, XENGNT_KIND_TAB, __func__) == -1)
		return NULL;

	return map_many(xgt, "xengnttab_map_domain_grant_refs", count, NULL,
	    domid, refs, prot);
}

XENLIBS_EXPORT void *
xengnttab_map_grant_ref_notify(xengnttab_handle *xgt, uint32_t domid,
    uint32_t ref, int prot, uint32_t notify_offset,
    evtchn_port_t notify_port)
{
	static const char fn[] = "xengnttab_map_grant_ref_notify";
	struct xengnt_ref pair;
	struct xengnt_notify nt = { 0, 0, 0 };

	if (xengnt__check(xgt, XENGNT_KIND_TAB, __func__) == -1)
		return NULL;

	if (check_domid(xgt, fn, domid) == -1)
		return NULL;
	pair.domid = domid;
	pair.ref = ref;
	/* As in Xen: an offset beyond the page, or port -1, means none. */
	if (notify_offset < XENGNT_PAGE_SIZE) {
		nt.action |= XENGNT_NOTIFY_CLEAR_BYTE;
		nt.offset = notify_offset;
	}
	if (notify_port != (evtchn_port_t)-1) {
		nt.action |= XENGNT_NOTIFY_SEND_EVENT;
		nt.port = notify_port;
	}
	/* Linux's gntdev refuses it (EINVAL): refused on every kernel. */
	if ((nt.action & XENGNT_NOTIFY_CLEAR_BYTE) &&
	    (prot & PROT_WRITE) == 0) {
		xengnt__log(xgt, EINVAL, "%s: clearing byte %u at unmap needs "
		    "a writable mapping (PROT_WRITE)", fn, notify_offset);
		errno = EINVAL;
		return NULL;
	}
	return map_refs(xgt, fn, 1, &pair, prot, &nt);
}

XENLIBS_EXPORT int
xengnttab_unmap(xengnttab_handle *xgt, void *start_address, uint32_t count)
{
	struct xengnt_range *r;
	int err;

	if (xengnt__check(xgt, XENGNT_KIND_TAB, __func__) == -1)
		return -1;

	if ((r = xengnt__untrack(xgt, start_address, count, &err)) == NULL) {
		xengnt__log(xgt, err, "xengnttab_unmap: %p is not the start of "
		    "a mapping of %u page(s) made with this handle",
		    start_address, count);
		errno = err;
		return -1;
	}
	if (gnttab_os_unmap(xgt, r->addr, r->count, r->cookie) == -1) {
		err = errno;
		xengnt__log(xgt, err, "xengnttab_unmap: %p", start_address);
		/* Still mapped: keep it on the list. */
		pthread_mutex_lock(&xgt->lock);
		r->next = xgt->ranges;
		xgt->ranges = r;
		pthread_mutex_unlock(&xgt->lock);
		errno = err;
		return -1;
	}
	pthread_mutex_lock(&xgt->lock);
	xgt->nr_grants -= r->count;
	pthread_mutex_unlock(&xgt->lock);
	free(r);
	return 0;
}

XENLIBS_EXPORT int
xengnttab_set_max_grants(xengnttab_handle *xgt, uint32_t nr_grants)
{
	if (xengnt__check(xgt, XENGNT_KIND_TAB, __func__) == -1)
		return -1;

	if (nr_grants == 0) {
		xengnt__log(xgt, EINVAL, "xengnttab_set_max_grants: 0");
		errno = EINVAL;
		return -1;
	}
	if (gnttab_os_set_max_grants(xgt, nr_grants) == -1) {
		xengnt__log(xgt, errno, "xengnttab_set_max_grants: %u",
		    nr_grants);
		return -1;
	}
	pthread_mutex_lock(&xgt->lock);
	xgt->max_grants = nr_grants;
	pthread_mutex_unlock(&xgt->lock);
	return 0;
}

XENLIBS_EXPORT int
xengnttab_grant_copy(xengnttab_handle *xgt, uint32_t count,
    xengnttab_grant_copy_segment_t *segs)
{
	unsigned attempt;
	int rc;

	if (xengnt__check(xgt, XENGNT_KIND_TAB, __func__) == -1)
		return -1;

	if (count == 0)
		return 0;
	if (segs == NULL) {
		xengnt__log(xgt, EINVAL, "xengnttab_grant_copy: segs is NULL");
		errno = EINVAL;
		return -1;
	}
	for (attempt = 1;; attempt++) {
		rc = gnttab_os_grant_copy(xgt, count, segs);
		if (rc == 0 || errno != EAGAIN ||
		    xengnt__eagain_wait(attempt) == -1)
			break;
	}
	if (rc == -1)
		xengnt__log(xgt, errno, "xengnttab_grant_copy: %u segment(s)",
		    count);
	return rc;
}

XENLIBS_EXPORT int
xengnttab_dmabuf_exp_from_refs(xengnttab_handle *xgt, uint32_t domid,
    uint32_t flags, uint32_t count, const uint32_t *refs, uint32_t *fd)
{
	static const char fn[] = "xengnttab_dmabuf_exp_from_refs";

	if (xengnt__check(xgt, XENGNT_KIND_TAB, __func__) == -1)
		return -1;

	if (count == 0 || refs == NULL || fd == NULL ||
	    (flags & ~(uint32_t)(GNTDEV_DMA_FLAG_WC |
	    GNTDEV_DMA_FLAG_COHERENT)) != 0) {
		xengnt__log(xgt, EINVAL, "%s: bad argument", fn);
		errno = EINVAL;
		return -1;
	}
	if (check_domid(xgt, fn, domid) == -1)
		return -1;
	if (gnttab_os_dmabuf_exp_from_refs(xgt, domid, flags, count, refs,
	    fd) == -1) {
		xengnt__log(xgt, errno, "%s: %u grant(s) of domain %u", fn,
		    count, domid);
		return -1;
	}
	return 0;
}

XENLIBS_EXPORT int
xengnttab_dmabuf_exp_wait_released(xengnttab_handle *xgt, uint32_t fd,
    uint32_t wait_to_ms)
{
	if (xengnt__check(xgt, XENGNT_KIND_TAB, __func__) == -1)
		return -1;

	if (gnttab_os_dmabuf_exp_wait_released(xgt, fd, wait_to_ms) == -1) {
		xengnt__log(xgt, errno, "xengnttab_dmabuf_exp_wait_released: "
		    "fd %u", fd);
		return -1;
	}
	return 0;
}

XENLIBS_EXPORT int
xengnttab_dmabuf_imp_to_refs(xengnttab_handle *xgt, uint32_t domid,
    uint32_t fd, uint32_t count, uint32_t *refs)
{
	static const char fn[] = "xengnttab_dmabuf_imp_to_refs";

	if (xengnt__check(xgt, XENGNT_KIND_TAB, __func__) == -1)
		return -1;

	if (count == 0 || refs == NULL) {
		xengnt__log(xgt, EINVAL, "%s: bad argument", fn);
		errno = EINVAL;
		return -1;
	}
	if (check_domid(xgt, fn, domid) == -1)
		return -1;
	if (gnttab_os_dmabuf_imp_to_refs(xgt, domid, fd, count, refs) == -1) {
		xengnt__log(xgt, errno, "%s: fd %u", fn, fd);
		return -1;
	}
	return 0;
}

XENLIBS_EXPORT int
xengnttab_dmabuf_imp_release(xengnttab_handle *xgt, uint32_t fd)
{
	if (xengnt__check(xgt, XENGNT_KIND_TAB, __func__) == -1)
		return -1;

	if (gnttab_os_dmabuf_imp_release(xgt, fd) == -1) {
		xengnt__log(xgt, errno, "xengnttab_dmabuf_imp_release: fd %u",
		    fd);
		return -1;
	}
	return 0;
}
