/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * libxengnttab: what both handle types share -- opening and closing,
 * logging, the list of live ranges and the bounded EAGAIN back-off.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "private.h"

#define CONTEXT	"xengnttab"

void
xengnt__log(struct xengntdev_handle *h, int errnoval, const char *fmt, ...)
{
	va_list ap;
	int saved = errno;

	va_start(ap, fmt);
	xtl_logv(h->logger, XTL_ERROR, errnoval, CONTEXT, fmt, ap);
	va_end(ap);
	errno = saved;
}

/*
 * The check at the top of every entry point but close: a NULL handle
 * fails with EINVAL and logs nothing (there is no logger), a handle of
 * the other kind fails with EINVAL and says so through its logger.
 */
int
xengnt__check(struct xengntdev_handle *h, uint32_t kind, const char *fn)
{
	if (h == NULL) {
		errno = EINVAL;
		return -1;
	}
	if (h->kind != kind) {
		xengnt__log(h, EINVAL, "%s: the handle was not opened by %s",
		    fn, kind == XENGNT_KIND_SHR ? "xengntshr_open" :
		    "xengnttab_open");
		errno = EINVAL;
		return -1;
	}
	return 0;
}

/*
 * Sleep after attempt number attempt (1, 2, ...) failed: 1 ms doubling,
 * so the XENGNT_EAGAIN_TRIES (8) attempts sleep 1 + 2 + ... + 64 = 127 ms
 * in all.  Returns 0 to retry, -1 when the attempts are used up.
 */
int
xengnt__eagain_wait(unsigned attempt)
{
	struct timespec ts;
	unsigned long ms;

	if (attempt >= XENGNT_EAGAIN_TRIES)
		return -1;
	ms = 1UL << (attempt - 1);
	ts.tv_sec = 0;
	ts.tv_nsec = (long)(ms * 1000000UL);
	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		continue;
	return 0;
}

static int
restrict_cb(Xentoolcore__Active_Handle *ah, domid_t domid)
{
	struct xengntdev_handle *h = (struct xengntdev_handle *)ah;

	/* Neither grant device can be restricted: make the handle unusable. */
	if (xentoolcore__restrict_by_dup2_null(h->fd) == 0)
		return 0;
	xengnt__log(h, errno, "restrict_all: cannot make the %s handle "
	    "(fd %d) useless for domain %u", h->sharing ? "xengntshr" :
	    "xengnttab", h->fd, (unsigned)domid);
	return -1;
}

struct xengntdev_handle *
xengnt__open(struct xentoollog_logger *logger, unsigned open_flags,
    int sharing)
{
	struct xengntdev_handle *h;
	int rc, saved;

	if ((h = calloc(1, sizeof(*h))) == NULL)
		return NULL;
	h->fd = -1;
	h->sharing = sharing;
	h->kind = sharing ? XENGNT_KIND_SHR : XENGNT_KIND_TAB;
	h->pid = getpid();
	h->logger = logger;
	if (logger == NULL) {
		h->logger_tofree = (struct xentoollog_logger *)
		    xtl_createlogger_stdiostream(stderr, XTL_PROGRESS, 0);
		if (h->logger_tofree == NULL) {
			free(h);
			errno = ENOMEM;
			return NULL;
		}
		h->logger = h->logger_tofree;
	}
	if (open_flags != 0) {
		xengnt__log(h, EINVAL, "%s_open: unknown open_flags %#x",
		    sharing ? "xengntshr" : "xengnttab", open_flags);
		saved = EINVAL;
		goto fail;
	}
	if ((rc = pthread_mutex_init(&h->lock, NULL)) != 0) {
		saved = ENOMEM;
		xengnt__log(h, saved, "%s_open: cannot initialise the handle's "
		    "lock: %s", sharing ? "xengntshr" : "xengnttab",
		    strerror(rc));
		goto fail;
	}
	if ((sharing ? gntshr_os_open(h) : gnttab_os_open(h)) == -1) {
		saved = errno;
		xengnt__log(h, saved, "%s_open: cannot open the grant device",
		    sharing ? "xengntshr" : "xengnttab");
		pthread_mutex_destroy(&h->lock);
		goto fail;
	}
	h->tc_ah.restrict_callback = restrict_cb;
	xentoolcore__register_active_handle(&h->tc_ah);
	return h;

fail:
	if (h->logger_tofree != NULL)
		xtl_logger_destroy(h->logger_tofree);
	free(h);
	errno = saved;
	return NULL;
}

int
xengnt__close(struct xengntdev_handle *h)
{
	struct xengnt_range *r, *next;
	int rc;

	if (h == NULL)
		return 0;
	xentoolcore__deregister_active_handle(&h->tc_ah);
	/*
	 * Release what the caller left behind -- but not in a child after
	 * fork(), where the ranges may not exist and the device state is
	 * the parent's.
	 */
	for (r = h->ranges; r != NULL; r = next) {
		next = r->next;
		if (getpid() == h->pid) {
			if (h->sharing)
				(void)gntshr_os_unshare(h, r->addr, r->count,
				    r->cookie);
			else
				(void)gnttab_os_unmap(h, r->addr, r->count,
				    r->cookie);
		}
		free(r);
	}
	h->ranges = NULL;
	rc = h->sharing ? gntshr_os_close(h) : gnttab_os_close(h);
	pthread_mutex_destroy(&h->lock);
	if (h->logger_tofree != NULL)
		xtl_logger_destroy(h->logger_tofree);
	free(h);
	return rc;
}

/* Record a new range; the grant count was reserved by the caller. */
int
xengnt__track(struct xengntdev_handle *h, void *addr, uint32_t count,
    uint64_t cookie)
{
	struct xengnt_range *r;

	if ((r = malloc(sizeof(*r))) == NULL)
		return -1;
	r->addr = addr;
	r->count = count;
	r->cookie = cookie;
	pthread_mutex_lock(&h->lock);
	r->next = h->ranges;
	h->ranges = r;
	pthread_mutex_unlock(&h->lock);
	return 0;
}

/*
 * Take the range starting at addr of count pages off the list.  NULL with
 * *err = EINVAL when there is none or its size differs.
 */
struct xengnt_range *
xengnt__untrack(struct xengntdev_handle *h, void *addr, uint32_t count,
    int *err)
{
	struct xengnt_range *r, **rp;

	pthread_mutex_lock(&h->lock);
	for (rp = &h->ranges; (r = *rp) != NULL; rp = &r->next)
		if (r->addr == addr)
			break;
	if (r == NULL || r->count != count) {
		pthread_mutex_unlock(&h->lock);
		*err = EINVAL;
		return NULL;
	}
	*rp = r->next;
	pthread_mutex_unlock(&h->lock);
	return r;
}
