/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Linux Xen device interface: device paths, ioctl request codes and the
 * argument structures of privcmd, hypercall, evtchn, gntdev and gntalloc.
 *
 * Written for xenlibs from the published kernel ABI.  Names follow the
 * kernel's <xen/{privcmd,evtchn,gntdev,gntalloc}.h> so the two can be read
 * side by side; tests/abi-vectors checks every value against them.
 *
 * Layouts are those of an LP64 (amd64/arm64) kernel.  Where the kernel
 * declares a pointer we keep a pointer; where it declares an int/long we
 * use the fixed-width type of the same size on LP64.  Only <stdint.h> and
 * <stddef.h> are used, so this compiles on any host.
 */

#ifndef XENLIBS_SYS_LINUX_XEN_IOCTL_H
#define XENLIBS_SYS_LINUX_XEN_IOCTL_H

#include <stddef.h>
#include <stdint.h>

/* Device nodes. */
#define LINUX_PRIVCMD_PATH		"/dev/xen/privcmd"
#define LINUX_PRIVCMD_PATH_XENFS	"/proc/xen/privcmd"	/* fallback */
#define LINUX_HYPERCALL_PATH		"/dev/xen/hypercall"
#define LINUX_EVTCHN_PATH		"/dev/xen/evtchn"
#define LINUX_GNTDEV_PATH		"/dev/xen/gntdev"
#define LINUX_GNTALLOC_PATH		"/dev/xen/gntalloc"

/*
 * Request-code encoding (asm-generic/ioctl.h, used by x86 and arm):
 * nr bits 0-7, type 8-15, size 16-29, direction 30-31.
 */
#define LINUX_IOC_NONE		0U
#define LINUX_IOC_WRITE		1U
#define LINUX_IOC_READ		2U
#define LINUX_IOC(dir, type, nr, size)					\
	((unsigned long)(((uint32_t)(dir) << 30) |			\
	    ((uint32_t)(size) << 16) | ((uint32_t)(type) << 8) |	\
	    (uint32_t)(nr)))
#define LINUX_IOC_NR(req)	((uint32_t)(req) & 0xffU)
#define LINUX_IOC_TYPE(req)	(((uint32_t)(req) >> 8) & 0xffU)
#define LINUX_IOC_SIZE(req)	(((uint32_t)(req) >> 16) & 0x3fffU)
#define LINUX_IOC_DIR(req)	(((uint32_t)(req) >> 30) & 0x3U)

/*
 * privcmd.  Xen's Linux ioctls use _IOC_NONE with the argument size.
 * IOCTL_PRIVCMD_HYPERCALL's result is the ioctl's return value.
 */
struct privcmd_hypercall {
	uint64_t	op;
	uint64_t	arg[5];
};

struct privcmd_mmap_entry {
	uint64_t	va;
	uint64_t	mfn;
	uint64_t	npages;
};

struct privcmd_mmap {
	int32_t		num;		/* kernel: int */
	uint16_t	dom;		/* domid_t */
	struct privcmd_mmap_entry *entry;
};

/* V1 reports per-frame errors by or-ing these into arr[i]. */
#define PRIVCMD_MMAPBATCH_MFN_ERROR	0xf0000000U
#define PRIVCMD_MMAPBATCH_PAGED_ERROR	0x80000000U

struct privcmd_mmapbatch {
	int32_t		num;		/* kernel: int */
	uint16_t	dom;		/* domid_t */
	uint64_t	addr;
	uint64_t	*arr;		/* xen_pfn_t *, in/out */
};

struct privcmd_mmapbatch_v2 {
	uint32_t	num;		/* kernel: unsigned int */
	uint16_t	dom;		/* domid_t */
	uint64_t	addr;
	const uint64_t	*arr;		/* const xen_pfn_t * */
	int		*err;		/* per-frame -errno, out */
};

struct privcmd_dm_op_buf {
	void		*uptr;
	size_t		size;
};

struct privcmd_dm_op {
	uint16_t	dom;		/* domid_t */
	uint16_t	num;
	const struct privcmd_dm_op_buf *ubufs;
};

/* addr == 0 && num == 0 asks for the resource size (returned in num). */
struct privcmd_mmap_resource {
	uint16_t	dom;		/* domid_t */
	uint32_t	type;
	uint32_t	id;
	uint32_t	idx;
	uint64_t	num;
	uint64_t	addr;
};

#define IOCTL_PRIVCMD_HYPERCALL						\
	LINUX_IOC(LINUX_IOC_NONE, 'P', 0, sizeof(struct privcmd_hypercall))
#define IOCTL_PRIVCMD_MMAP						\
	LINUX_IOC(LINUX_IOC_NONE, 'P', 2, sizeof(struct privcmd_mmap))
#define IOCTL_PRIVCMD_MMAPBATCH						\
	LINUX_IOC(LINUX_IOC_NONE, 'P', 3, sizeof(struct privcmd_mmapbatch))
#define IOCTL_PRIVCMD_MMAPBATCH_V2					\
	LINUX_IOC(LINUX_IOC_NONE, 'P', 4, sizeof(struct privcmd_mmapbatch_v2))
#define IOCTL_PRIVCMD_DM_OP						\
	LINUX_IOC(LINUX_IOC_NONE, 'P', 5, sizeof(struct privcmd_dm_op))
#define IOCTL_PRIVCMD_RESTRICT						\
	LINUX_IOC(LINUX_IOC_NONE, 'P', 6, sizeof(uint16_t))
#define IOCTL_PRIVCMD_MMAP_RESOURCE					\
	LINUX_IOC(LINUX_IOC_NONE, 'P', 7, sizeof(struct privcmd_mmap_resource))

/*
 * evtchn.  Bind ioctls return the local port as the ioctl's value.
 * read() yields pending ports (uint32_t each); write() of ports unmasks.
 */
struct ioctl_evtchn_bind_virq {
	uint32_t	virq;
};

struct ioctl_evtchn_bind_interdomain {
	uint32_t	remote_domain;
	uint32_t	remote_port;
};

struct ioctl_evtchn_bind_unbound_port {
	uint32_t	remote_domain;
};

struct ioctl_evtchn_unbind {
	uint32_t	port;
};

struct ioctl_evtchn_notify {
	uint32_t	port;
};

struct ioctl_evtchn_restrict_domid {
	uint16_t	domid;		/* domid_t */
};

#define IOCTL_EVTCHN_BIND_VIRQ						\
	LINUX_IOC(LINUX_IOC_NONE, 'E', 0, sizeof(struct ioctl_evtchn_bind_virq))
#define IOCTL_EVTCHN_BIND_INTERDOMAIN					\
	LINUX_IOC(LINUX_IOC_NONE, 'E', 1,				\
	    sizeof(struct ioctl_evtchn_bind_interdomain))
#define IOCTL_EVTCHN_BIND_UNBOUND_PORT					\
	LINUX_IOC(LINUX_IOC_NONE, 'E', 2,				\
	    sizeof(struct ioctl_evtchn_bind_unbound_port))
#define IOCTL_EVTCHN_UNBIND						\
	LINUX_IOC(LINUX_IOC_NONE, 'E', 3, sizeof(struct ioctl_evtchn_unbind))
#define IOCTL_EVTCHN_NOTIFY						\
	LINUX_IOC(LINUX_IOC_NONE, 'E', 4, sizeof(struct ioctl_evtchn_notify))
#define IOCTL_EVTCHN_RESET						\
	LINUX_IOC(LINUX_IOC_NONE, 'E', 5, 0)
#define IOCTL_EVTCHN_RESTRICT_DOMID					\
	LINUX_IOC(LINUX_IOC_NONE, 'E', 6,				\
	    sizeof(struct ioctl_evtchn_restrict_domid))

/*
 * gntdev.  MAP_GRANT_REF returns in `index' the mmap() offset of the
 * mapped range; refs[] really has `count' entries.
 */
struct ioctl_gntdev_grant_ref {
	uint32_t	domid;
	uint32_t	ref;
};

struct ioctl_gntdev_map_grant_ref {
	uint32_t	count;
	uint32_t	pad;
	uint64_t	index;
	struct ioctl_gntdev_grant_ref refs[1];
};

struct ioctl_gntdev_unmap_grant_ref {
	uint64_t	index;
	uint32_t	count;
	uint32_t	pad;
};

struct ioctl_gntdev_get_offset_for_vaddr {
	uint64_t	vaddr;
	uint64_t	offset;
	uint32_t	count;
	uint32_t	pad;
};

struct ioctl_gntdev_set_max_grants {
	uint32_t	count;
};

#define UNMAP_NOTIFY_CLEAR_BYTE	0x1
#define UNMAP_NOTIFY_SEND_EVENT	0x2

/* gntalloc's SET_UNMAP_NOTIFY has the same layout and request code. */
struct ioctl_gntdev_unmap_notify {
	uint64_t	index;		/* byte offset in the mmap space */
	uint32_t	action;
	uint32_t	event_channel_port;
};

/* One side of a copy: a local address, or a foreign (ref, domid, offset). */
union gntdev_grant_copy_ptr {
	void		*virt;
	struct {
		uint32_t	ref;	/* grant_ref_t */
		uint16_t	offset;
		uint16_t	domid;	/* domid_t */
	} foreign;
};

struct gntdev_grant_copy_segment {
	union gntdev_grant_copy_ptr source;
	union gntdev_grant_copy_ptr dest;
	uint16_t	len;
	uint16_t	flags;		/* GNTCOPY_* */
	int16_t		status;		/* GNTST_*, out */
};

struct ioctl_gntdev_grant_copy {
	uint32_t	count;		/* kernel: unsigned int */
	struct gntdev_grant_copy_segment *segments;
};

#define GNTDEV_DMA_FLAG_WC		(1 << 0)	/* spelled as <xen/gntdev.h> and xengnttab.h */
#define GNTDEV_DMA_FLAG_COHERENT	(1 << 1)

struct ioctl_gntdev_dmabuf_exp_from_refs {
	uint32_t	flags;
	uint32_t	count;
	uint32_t	fd;		/* out */
	uint32_t	domid;
	uint32_t	refs[1];	/* really `count' */
};

struct ioctl_gntdev_dmabuf_exp_wait_released {
	uint32_t	fd;
	uint32_t	wait_to_ms;
};

struct ioctl_gntdev_dmabuf_imp_to_refs {
	uint32_t	fd;
	uint32_t	count;
	uint32_t	domid;
	uint32_t	reserved;
	uint32_t	refs[1];	/* really `count', out */
};

struct ioctl_gntdev_dmabuf_imp_release {
	uint32_t	fd;
	uint32_t	reserved;
};

#define IOCTL_GNTDEV_MAP_GRANT_REF					\
	LINUX_IOC(LINUX_IOC_NONE, 'G', 0,				\
	    sizeof(struct ioctl_gntdev_map_grant_ref))
#define IOCTL_GNTDEV_UNMAP_GRANT_REF					\
	LINUX_IOC(LINUX_IOC_NONE, 'G', 1,				\
	    sizeof(struct ioctl_gntdev_unmap_grant_ref))
#define IOCTL_GNTDEV_GET_OFFSET_FOR_VADDR				\
	LINUX_IOC(LINUX_IOC_NONE, 'G', 2,				\
	    sizeof(struct ioctl_gntdev_get_offset_for_vaddr))
#define IOCTL_GNTDEV_SET_MAX_GRANTS					\
	LINUX_IOC(LINUX_IOC_NONE, 'G', 3,				\
	    sizeof(struct ioctl_gntdev_set_max_grants))
#define IOCTL_GNTDEV_SET_UNMAP_NOTIFY					\
	LINUX_IOC(LINUX_IOC_NONE, 'G', 7,				\
	    sizeof(struct ioctl_gntdev_unmap_notify))
#define IOCTL_GNTDEV_GRANT_COPY						\
	LINUX_IOC(LINUX_IOC_NONE, 'G', 8,				\
	    sizeof(struct ioctl_gntdev_grant_copy))
#define IOCTL_GNTDEV_DMABUF_EXP_FROM_REFS				\
	LINUX_IOC(LINUX_IOC_NONE, 'G', 9,				\
	    sizeof(struct ioctl_gntdev_dmabuf_exp_from_refs))
#define IOCTL_GNTDEV_DMABUF_EXP_WAIT_RELEASED				\
	LINUX_IOC(LINUX_IOC_NONE, 'G', 10,				\
	    sizeof(struct ioctl_gntdev_dmabuf_exp_wait_released))
#define IOCTL_GNTDEV_DMABUF_IMP_TO_REFS					\
	LINUX_IOC(LINUX_IOC_NONE, 'G', 11,				\
	    sizeof(struct ioctl_gntdev_dmabuf_imp_to_refs))
#define IOCTL_GNTDEV_DMABUF_IMP_RELEASE					\
	LINUX_IOC(LINUX_IOC_NONE, 'G', 12,				\
	    sizeof(struct ioctl_gntdev_dmabuf_imp_release))

/*
 * gntalloc.  ALLOC_GREF returns the mmap() offset in `index' and one
 * grant reference per page in gref_ids[] (really `count' entries).
 */
#define GNTALLOC_FLAG_WRITABLE	1

struct ioctl_gntalloc_alloc_gref {
	uint16_t	domid;
	uint16_t	flags;
	uint32_t	count;
	uint64_t	index;		/* out */
	uint32_t	gref_ids[1];	/* out */
};

struct ioctl_gntalloc_dealloc_gref {
	uint64_t	index;
	uint32_t	count;
};

/* Same layout as ioctl_gntdev_unmap_notify. */
struct ioctl_gntalloc_unmap_notify {
	uint64_t	index;
	uint32_t	action;
	uint32_t	event_channel_port;
};

#define IOCTL_GNTALLOC_ALLOC_GREF					\
	LINUX_IOC(LINUX_IOC_NONE, 'G', 5,				\
	    sizeof(struct ioctl_gntalloc_alloc_gref))
#define IOCTL_GNTALLOC_DEALLOC_GREF					\
	LINUX_IOC(LINUX_IOC_NONE, 'G', 6,				\
	    sizeof(struct ioctl_gntalloc_dealloc_gref))
#define IOCTL_GNTALLOC_SET_UNMAP_NOTIFY					\
	LINUX_IOC(LINUX_IOC_NONE, 'G', 7,				\
	    sizeof(struct ioctl_gntalloc_unmap_notify))

#endif /* !XENLIBS_SYS_LINUX_XEN_IOCTL_H */
