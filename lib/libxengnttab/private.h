/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * libxengnttab: the handle and the interface between the portable front
 * end (gnttab_core.c, gntshr_core.c) and the per-OS backends
 * (sys/<os>/gnttab.c).  Never installed.
 *
 * A backend only talks to its kernel: argument checks, logging, the
 * bookkeeping of live mappings, the grant limit and the EAGAIN retry
 * live in the front end.  Every backend function returns -1 (or NULL)
 * with errno set on failure and leaves nothing behind: no fd, no mapping,
 * no grant.
 */
#ifndef XENGNTTAB_PRIVATE_H
#define XENGNTTAB_PRIVATE_H

#include <pthread.h>
#include <stdint.h>
#include <sys/types.h>

#include "xengnttab.h"
#include "xentoollog.h"
#include "xentoolcore_internal.h"

/* Grants are always in units of Xen's 4 KiB page. */
#define XENGNT_PAGE_SIZE	4096UL

/* Unmap notification actions; the values every kernel uses. */
#define XENGNT_NOTIFY_CLEAR_BYTE	0x1U
#define XENGNT_NOTIFY_SEND_EVENT	0x2U

struct xengnt_notify {
	uint32_t	action;		/* XENGNT_NOTIFY_*, 0 for none */
	uint32_t	offset;		/* byte offset in the range */
	evtchn_port_t	port;
};

/* One (domid, ref) pair to map. */
struct xengnt_ref {
	uint32_t	domid;
	uint32_t	ref;
};

/* A live mapping or shared range, as the front end tracks it. */
struct xengnt_range {
	struct xengnt_range	*next;
	void			*addr;
	uint32_t		count;		/* pages */
	uint64_t		cookie;		/* the backend's: mmap offset */
};

/*
 * Both public handle types are this structure (as in Xen), so the kind of
 * a handle is a tag in it, checked by every entry point: a range of one
 * kind is never handed to the other kind's backend function.
 */
#define XENGNT_KIND_TAB		0x67746162U	/* "gtab": xengnttab_open */
#define XENGNT_KIND_SHR		0x67736872U	/* "gshr": xengntshr_open */

struct xengntdev_handle {
	Xentoolcore__Active_Handle	tc_ah;		/* must stay first */
	uint32_t			kind;		/* XENGNT_KIND_* */
	struct xentoollog_logger	*logger;
	struct xentoollog_logger	*logger_tofree;
	int				fd;
	int				sharing;	/* kind == XENGNT_KIND_SHR */
	pid_t				pid;		/* of the opener */
	pthread_mutex_t			lock;		/* ranges, counts */
	struct xengnt_range		*ranges;
	uint32_t			nr_grants;	/* pages mapped now */
	uint32_t			max_grants;	/* 0: no limit */
};

/* Mapping handles. */
int	gnttab_os_open(xengnttab_handle *h);
int	gnttab_os_close(xengnttab_handle *h);
/* Map count refs with prot; *cookie identifies the range for unmap. */
void	*gnttab_os_map(xengnttab_handle *h, uint32_t count,
	    const struct xengnt_ref *refs, int prot,
	    const struct xengnt_notify *notify, uint64_t *cookie);
int	gnttab_os_unmap(xengnttab_handle *h, void *addr, uint32_t count,
	    uint64_t cookie);
int	gnttab_os_set_max_grants(xengnttab_handle *h, uint32_t count);
int	gnttab_os_grant_copy(xengnttab_handle *h, uint32_t count,
	    xengnttab_grant_copy_segment_t *segs);
int	gnttab_os_dmabuf_exp_from_refs(xengnttab_handle *h, uint32_t domid,
	    uint32_t flags, uint32_t count, const uint32_t *refs,
	    uint32_t *fd);
int	gnttab_os_dmabuf_exp_wait_released(xengnttab_handle *h, uint32_t fd,
	    uint32_t wait_to_ms);
int	gnttab_os_dmabuf_imp_to_refs(xengnttab_handle *h, uint32_t domid,
	    uint32_t fd, uint32_t count, uint32_t *refs);
int	gnttab_os_dmabuf_imp_release(xengnttab_handle *h, uint32_t fd);

/* Sharing handles. */
int	gntshr_os_open(xengntshr_handle *h);
int	gntshr_os_close(xengntshr_handle *h);
/* Allocate and grant count zeroed pages; refs[] receives the grants. */
void	*gntshr_os_share(xengntshr_handle *h, uint32_t domid, uint32_t count,
	    uint32_t *refs, int writable, const struct xengnt_notify *notify,
	    uint64_t *cookie);
int	gntshr_os_unshare(xengntshr_handle *h, void *addr, uint32_t count,
	    uint64_t cookie);

/* Front-end helpers shared by both handle types (gnt_common.c). */
struct xengntdev_handle *xengnt__open(struct xentoollog_logger *logger,
	    unsigned open_flags, int sharing);
int	xengnt__close(struct xengntdev_handle *h);
void	xengnt__log(struct xengntdev_handle *h, int errnoval,
	    const char *fmt, ...) __attribute__((__format__(__printf__, 3, 4)));
int	xengnt__check(struct xengntdev_handle *h, uint32_t kind,
	    const char *fn);
int	xengnt__eagain_wait(unsigned attempt);
int	xengnt__track(struct xengntdev_handle *h, void *addr, uint32_t count,
	    uint64_t cookie);
struct xengnt_range *xengnt__untrack(struct xengntdev_handle *h, void *addr,
	    uint32_t count, int *err);

#define XENGNT_EAGAIN_TRIES	8	/* attempts in all */

#endif /* XENGNTTAB_PRIVATE_H */
