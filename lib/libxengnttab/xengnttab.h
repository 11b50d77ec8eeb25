/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * xengnttab.h: map pages other domains grant to us (xengnttab_*) and grant
 * our own pages to other domains (xengntshr_*).
 *
 * Source and binary compatible with the interface of the same name in
 * Xen 4.17.  See xengnttab(3).
 */
#ifndef XENGNTTAB_H
#define XENGNTTAB_H

#include <stdint.h>

#include <xenlibs_types.h>

#ifdef __cplusplus
extern "C" {
#endif

struct xentoollog_logger;

/* Both handle types are the same structure, as in Xen. */
typedef struct xengntdev_handle xengnttab_handle;
typedef struct xengntdev_handle xengntshr_handle;

/*
 * Grant-table constants a caller of xengnttab_grant_copy() needs; identical
 * to Xen's <xen/grant_table.h>, which may be included before or after.
 */
#ifndef __XEN_PUBLIC_GRANT_TABLE_H__
#define _GNTCOPY_source_gref	(0)
#define GNTCOPY_source_gref	(1<<_GNTCOPY_source_gref)
#define _GNTCOPY_dest_gref	(1)
#define GNTCOPY_dest_gref	(1<<_GNTCOPY_dest_gref)

#define GNTST_okay		(0)
#define GNTST_general_error	(-1)
#define GNTST_bad_domain	(-2)
#define GNTST_bad_gntref	(-3)
#define GNTST_bad_handle	(-4)
#define GNTST_bad_virt_addr	(-5)
#define GNTST_bad_dev_addr	(-6)
#define GNTST_no_device_space	(-7)
#define GNTST_permission_denied	(-8)
#define GNTST_bad_page		(-9)
#define GNTST_bad_copy_arg	(-10)
#define GNTST_address_too_big	(-11)
#define GNTST_eagain		(-12)
#define GNTST_no_space		(-13)
#endif

/* Mapping grants. */
xengnttab_handle *xengnttab_open(struct xentoollog_logger *logger,
    unsigned open_flags);
int xengnttab_close(xengnttab_handle *xgt);
int xengnttab_fd(xengnttab_handle *xgt);

void *xengnttab_map_grant_ref(xengnttab_handle *xgt, uint32_t domid,
    uint32_t ref, int prot);
void *xengnttab_map_grant_refs(xengnttab_handle *xgt, uint32_t count,
    uint32_t *domids, uint32_t *refs, int prot);
void *xengnttab_map_domain_grant_refs(xengnttab_handle *xgt, uint32_t count,
    uint32_t domid, uint32_t *refs, int prot);
void *xengnttab_map_grant_ref_notify(xengnttab_handle *xgt, uint32_t domid,
    uint32_t ref, int prot, uint32_t notify_offset,
    evtchn_port_t notify_port);
int xengnttab_unmap(xengnttab_handle *xgt, void *start_address,
    uint32_t count);
int xengnttab_set_max_grants(xengnttab_handle *xgt, uint32_t nr_grants);

/* One copy between a local buffer and a granted page, or two grants. */
struct xengnttab_grant_copy_segment {
	union xengnttab_copy_ptr {
		void *virt;
		struct {
			uint32_t ref;
			uint16_t offset;
			uint16_t domid;
		} foreign;
	} source, dest;
	uint16_t len;
	uint16_t flags;		/* GNTCOPY_source_gref, GNTCOPY_dest_gref */
	int16_t status;		/* GNTST_*, set by the copy */
};
typedef struct xengnttab_grant_copy_segment xengnttab_grant_copy_segment_t;

int xengnttab_grant_copy(xengnttab_handle *xgt, uint32_t count,
    xengnttab_grant_copy_segment_t *segs);

/* dma-buf export flags. */
#ifndef GNTDEV_DMA_FLAG_WC
#define GNTDEV_DMA_FLAG_WC		(1 << 0)
#endif
#ifndef GNTDEV_DMA_FLAG_COHERENT
#define GNTDEV_DMA_FLAG_COHERENT	(1 << 1)
#endif

int xengnttab_dmabuf_exp_from_refs(xengnttab_handle *xgt, uint32_t domid,
    uint32_t flags, uint32_t count, const uint32_t *refs, uint32_t *fd);
int xengnttab_dmabuf_exp_wait_released(xengnttab_handle *xgt, uint32_t fd,
    uint32_t wait_to_ms);
int xengnttab_dmabuf_imp_to_refs(xengnttab_handle *xgt, uint32_t domid,
    uint32_t fd, uint32_t count, uint32_t *refs);
int xengnttab_dmabuf_imp_release(xengnttab_handle *xgt, uint32_t fd);

/* Sharing pages. */
xengntshr_handle *xengntshr_open(struct xentoollog_logger *logger,
    unsigned open_flags);
int xengntshr_close(xengntshr_handle *xgs);
int xengntshr_fd(xengntshr_handle *xgs);

void *xengntshr_share_pages(xengntshr_handle *xgs, uint32_t domid,
    int count, uint32_t *refs, int writable);
void *xengntshr_share_page_notify(xengntshr_handle *xgs, uint32_t domid,
    uint32_t *ref, int writable, uint32_t notify_offset,
    evtchn_port_t notify_port);
int xengntshr_unshare(xengntshr_handle *xgs, void *start_address,
    uint32_t count);

#ifdef __cplusplus
}
#endif

#endif /* XENGNTTAB_H */
