/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * FreeBSD Xen device interface: device paths, ioctl request codes and the
 * argument structures of privcmd, evtchn and gntdev.  FreeBSD installs no
 * userland header for these, so every consumer carries its own.
 *
 * Written for xenlibs from the published kernel ABI (sys/xen/privcmd.h,
 * sys/xen/evtchn.h, sys/xen/gntdev.h).  Struct and ioctl names follow the
 * kernel's.  tests/abi-vectors checks every value.
 *
 * Layouts are those of the amd64 (LP64) kernel.  Where the kernel declares
 * a pointer we keep a pointer; where it declares `long' we use the
 * fixed-width type of the same size on LP64 and say so.
 */

#ifndef XENLIBS_SYS_FREEBSD_XEN_IOCTL_H
#define XENLIBS_SYS_FREEBSD_XEN_IOCTL_H

#include <stddef.h>
#include <stdint.h>

/* Device nodes.  gntdev both maps and allocates grants (no gntalloc). */
#define FREEBSD_PRIVCMD_PATH	"/dev/xen/privcmd"
#define FREEBSD_EVTCHN_PATH	"/dev/xen/evtchn"
#define FREEBSD_GNTDEV_PATH	"/dev/xen/gntdev"

/*
 * Request-code encoding (sys/ioccom.h): direction in the top three bits,
 * 13-bit parameter length, group, number.  Only OUT (_IOR/_IOWR) copies
 * the argument back to userland.
 */
#define FREEBSD_IOCPARM_MASK	0x1fffU
#define FREEBSD_IOC_VOID	0x20000000U
#define FREEBSD_IOC_OUT		0x40000000U
#define FREEBSD_IOC_IN		0x80000000U
#define FREEBSD_IOC_INOUT	(FREEBSD_IOC_IN | FREEBSD_IOC_OUT)
#define FREEBSD_IOC(inout, group, num, len)				\
	((unsigned long)((uint32_t)(inout) |				\
	    (((uint32_t)(len) & FREEBSD_IOCPARM_MASK) << 16) |		\
	    ((uint32_t)(group) << 8) | (uint32_t)(num)))
#define FREEBSD_IO(g, n)	FREEBSD_IOC(FREEBSD_IOC_VOID, (g), (n), 0)
#define FREEBSD_IOR(g, n, t)	FREEBSD_IOC(FREEBSD_IOC_OUT, (g), (n), sizeof(t))
#define FREEBSD_IOW(g, n, t)	FREEBSD_IOC(FREEBSD_IOC_IN, (g), (n), sizeof(t))
#define FREEBSD_IOWR(g, n, t)	FREEBSD_IOC(FREEBSD_IOC_INOUT, (g), (n), sizeof(t))
#define FREEBSD_IOCPARM_LEN(req) (((uint32_t)(req) >> 16) & FREEBSD_IOCPARM_MASK)
#define FREEBSD_IOCBASECMD(req)	((uint32_t)(req) & ~(FREEBSD_IOCPARM_MASK << 16))

/*
 * privcmd.  HYPERCALL returns 0 and the hypercall's non-negative result in
 * `retval'; a negative Xen error becomes the ioctl's errno.
 */
struct ioctl_privcmd_hypercall {
	uint64_t	op;		/* kernel: unsigned long */
	uint64_t	arg[5];		/* kernel: unsigned long */
	int64_t		retval;		/* kernel: long, out */
};

/* One call, V2 semantics: per-frame errors in err[]. */
struct ioctl_privcmd_mmapbatch {
	int32_t		num;		/* kernel: int */
	uint16_t	dom;		/* domid_t */
	uint64_t	addr;		/* kernel: unsigned long */
	const uint64_t	*arr;		/* const xen_pfn_t * */
	int		*err;		/* out */
};

/* addr == 0 && num == 0 asks for the resource size (returned in num). */
struct ioctl_privcmd_mmapresource {
	uint16_t	dom;		/* domid_t */
	uint32_t	type;
	uint32_t	id;
	uint32_t	idx;
	uint64_t	num;		/* kernel: unsigned long, in/out */
	uint64_t	addr;		/* kernel: unsigned long */
};

struct privcmd_dmop_buf {
	void		*uptr;
	size_t		size;
};

/* Unlike Linux, `num' is an unsigned int at offset 4. */
struct ioctl_privcmd_dmop {
	uint16_t	dom;		/* domid_t */
	uint32_t	num;		/* kernel: unsigned int */
	const struct privcmd_dmop_buf *ubufs;
};

#define IOCTL_PRIVCMD_HYPERCALL						\
	FREEBSD_IOWR('E', 0, struct ioctl_privcmd_hypercall)
#define IOCTL_PRIVCMD_MMAPBATCH						\
	FREEBSD_IOWR('E', 1, struct ioctl_privcmd_mmapbatch)
/* _IOWR: with _IOW the size query could never return the size. */
#define IOCTL_PRIVCMD_MMAP_RESOURCE					\
	FREEBSD_IOWR('E', 2, struct ioctl_privcmd_mmapresource)
#define IOCTL_PRIVCMD_DM_OP						\
	FREEBSD_IOW('E', 3, struct ioctl_privcmd_dmop)
#define IOCTL_PRIVCMD_RESTRICT						\
	FREEBSD_IOW('E', 4, uint16_t)

/*
 * evtchn.  The bind ioctls return the local port in the trailing `port'
 * member.  read() yields pending ports (uint32_t each); write() unmasks.
 * There is no RESTRICT_DOMID.
 */
struct ioctl_evtchn_bind_virq {
	uint32_t	virq;
	uint32_t	port;		/* out */
};

struct ioctl_evtchn_bind_interdomain {
	uint32_t	remote_domain;
	uint32_t	remote_port;
	uint32_t	port;		/* out */
};

struct ioctl_evtchn_bind_unbound_port {
	uint32_t	remote_domain;
	uint32_t	port;		/* out */
};

struct ioctl_evtchn_unbind {
	uint32_t	port;
};

struct ioctl_evtchn_notify {
	uint32_t	port;
};

#define IOCTL_EVTCHN_BIND_VIRQ						\
	FREEBSD_IOWR('E', 4, struct ioctl_evtchn_bind_virq)
#define IOCTL_EVTCHN_BIND_INTERDOMAIN					\
	FREEBSD_IOWR('E', 5, struct ioctl_evtchn_bind_interdomain)
#define IOCTL_EVTCHN_BIND_UNBOUND_PORT					\
	FREEBSD_IOWR('E', 6, struct ioctl_evtchn_bind_unbound_port)
#define IOCTL_EVTCHN_UNBIND						\
	FREEBSD_IOW('E', 7, struct ioctl_evtchn_unbind)
#define IOCTL_EVTCHN_NOTIFY						\
	FREEBSD_IOW('E', 8, struct ioctl_evtchn_notify)
#define IOCTL_EVTCHN_RESET						\
	FREEBSD_IO('E', 9)

/*
 * gntdev.  Both MAP_GRANT_REF and ALLOC_GREF return in `index' the mmap()
 * offset of the range; the refs/gref_ids arrays are passed by pointer.
 */
#define UNMAP_NOTIFY_CLEAR_BYTE		0x1
#define UNMAP_NOTIFY_SEND_EVENT		0x2
#define GNTDEV_ALLOC_FLAG_WRITABLE	1

struct ioctl_gntdev_unmap_notify {
	uint64_t	index;		/* byte offset in the mmap space */
	uint32_t	action;
	uint32_t	event_channel_port;
};

struct ioctl_gntdev_alloc_gref {
	uint16_t	domid;
	uint16_t	flags;
	uint32_t	count;
	uint64_t	index;		/* out */
	uint32_t	*gref_ids;	/* out, `count' entries */
};

struct ioctl_gntdev_dealloc_gref {
	uint64_t	index;
	uint32_t	count;
};

struct ioctl_gntdev_grant_ref {
	uint32_t	domid;
	uint32_t	ref;
};

struct ioctl_gntdev_map_grant_ref {
	uint32_t	count;
	uint32_t	pad0;
	uint64_t	index;		/* out */
	struct ioctl_gntdev_grant_ref *refs;	/* `count' entries */
};

struct ioctl_gntdev_unmap_grant_ref {
	uint64_t	index;
	uint32_t	count;
};

struct ioctl_gntdev_get_offset_for_vaddr {
	uint64_t	vaddr;
	uint64_t	offset;		/* out */
	uint32_t	count;		/* out */
};

#define IOCTL_GNTDEV_SET_UNMAP_NOTIFY					\
	FREEBSD_IOW('E', 0, struct ioctl_gntdev_unmap_notify)
#define IOCTL_GNTDEV_ALLOC_GREF						\
	FREEBSD_IOWR('E', 1, struct ioctl_gntdev_alloc_gref)
#define IOCTL_GNTDEV_DEALLOC_GREF					\
	FREEBSD_IOW('E', 2, struct ioctl_gntdev_dealloc_gref)
#define IOCTL_GNTDEV_MAP_GRANT_REF					\
	FREEBSD_IOWR('E', 3, struct ioctl_gntdev_map_grant_ref)
#define IOCTL_GNTDEV_UNMAP_GRANT_REF					\
	FREEBSD_IOW('E', 4, struct ioctl_gntdev_unmap_grant_ref)
#define IOCTL_GNTDEV_GET_OFFSET_FOR_VADDR				\
	FREEBSD_IOWR('E', 5, struct ioctl_gntdev_get_offset_for_vaddr)

#endif /* !XENLIBS_SYS_FREEBSD_XEN_IOCTL_H */
