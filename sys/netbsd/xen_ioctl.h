/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * NetBSD Xen device interface: device paths, ioctl request codes and the
 * argument structures of privcmd (which also carries the grant ioctls) and
 * xenevt.
 *
 * Written for xenlibs from the published kernel ABI (<xen/xenio.h>,
 * <xen/xenio3.h>).  Struct and ioctl names follow the kernel's.
 * tests/abi-vectors checks every value.
 *
 * Layouts are those of the amd64 (LP64) kernel.  Where the kernel declares
 * a pointer we keep a pointer; where it declares `long'/`ssize_t' we use
 * the fixed-width type of the same size on LP64 and say so.
 *
 * NetBSD has no gntdev/gntalloc device: the grant ioctls go to privcmd and
 * the caller passes the address of an anonymous mapping to fill.  There is
 * no DM_OP (dm_op goes through the plain hypercall) and no RESTRICT.
 */

#ifndef XENLIBS_SYS_NETBSD_XEN_IOCTL_H
#define XENLIBS_SYS_NETBSD_XEN_IOCTL_H

#include <stddef.h>
#include <stdint.h>

/* Device nodes: privcmd lives on kernfs. */
#define NETBSD_PRIVCMD_PATH	"/kern/xen/privcmd"
#define NETBSD_XENEVT_PATH	"/dev/xenevt"

/*
 * Request-code encoding (sys/ioccom.h): direction in the top three bits,
 * 13-bit parameter length, group, number.  Only OUT (_IOR/_IOWR) copies
 * the argument back to userland.
 */
#define NETBSD_IOCPARM_MASK	0x1fffU
#define NETBSD_IOC_VOID		0x20000000U
#define NETBSD_IOC_OUT		0x40000000U
#define NETBSD_IOC_IN		0x80000000U
#define NETBSD_IOC_INOUT	(NETBSD_IOC_IN | NETBSD_IOC_OUT)
#define NETBSD_IOC(inout, group, num, len)				\
	((unsigned long)((uint32_t)(inout) |				\
	    (((uint32_t)(len) & NETBSD_IOCPARM_MASK) << 16) |		\
	    ((uint32_t)(group) << 8) | (uint32_t)(num)))
#define NETBSD_IO(g, n)		NETBSD_IOC(NETBSD_IOC_VOID, (g), (n), 0)
#define NETBSD_IOR(g, n, t)	NETBSD_IOC(NETBSD_IOC_OUT, (g), (n), sizeof(t))
#define NETBSD_IOW(g, n, t)	NETBSD_IOC(NETBSD_IOC_IN, (g), (n), sizeof(t))
#define NETBSD_IOWR(g, n, t)	NETBSD_IOC(NETBSD_IOC_INOUT, (g), (n), sizeof(t))
#define NETBSD_IOCPARM_LEN(req)	(((uint32_t)(req) >> 16) & NETBSD_IOCPARM_MASK)

/*
 * privcmd.  HYPERCALL puts the hypercall's result in `retval'; a negative
 * Xen error also becomes the ioctl's errno.
 */
struct privcmd_hypercall {
	uint64_t	op;		/* kernel: unsigned long */
	uint64_t	arg[5];		/* kernel: unsigned long */
	int64_t		retval;		/* kernel: long, out */
};

struct privcmd_mmap_entry {
	uint64_t	va;		/* kernel: unsigned long */
	uint64_t	mfn;		/* kernel: unsigned long */
	uint64_t	npages;		/* kernel: unsigned long */
};

struct privcmd_mmap {
	int32_t		num;		/* kernel: int */
	uint16_t	dom;		/* domid_t */
	struct privcmd_mmap_entry *entry;
};

/* V1: errors are reported by setting the top nibble of arr[i]. */
struct privcmd_mmapbatch {
	int32_t		num;		/* kernel: int */
	uint16_t	dom;		/* domid_t */
	uint64_t	addr;		/* kernel: unsigned long */
	uint64_t	*arr;		/* kernel: unsigned long *, in/out */
};

struct privcmd_mmapbatch_v2 {
	int32_t		num;		/* kernel: int */
	uint16_t	dom;		/* domid_t */
	uint64_t	addr;
	const uint64_t	*arr;		/* const xen_pfn_t * */
	int		*err;		/* out */
};

/* _IOW: a size query (addr == num == 0) cannot return the size. */
struct privcmd_mmap_resource {
	uint16_t	dom;		/* domid_t */
	uint32_t	type;
	uint32_t	id;
	uint32_t	idx;
	uint64_t	num;
	uint64_t	addr;
};

#define IOCTL_PRIVCMD_HYPERCALL						\
	NETBSD_IOWR('P', 0, struct privcmd_hypercall)
#define IOCTL_PRIVCMD_MMAP						\
	NETBSD_IOW('P', 2, struct privcmd_mmap)
#define IOCTL_PRIVCMD_MMAPBATCH						\
	NETBSD_IOW('P', 3, struct privcmd_mmapbatch)
#define IOCTL_PRIVCMD_GET_MACH2PHYS_START_MFN				\
	NETBSD_IOR('P', 4, uint64_t)	/* kernel: unsigned long */
#define IOCTL_PRIVCMD_INITDOMAIN_EVTCHN					\
	NETBSD_IOR('P', 5, int32_t)	/* kernel: int */
#define IOCTL_PRIVCMD_MMAPBATCH_V2					\
	NETBSD_IOW('P', 6, struct privcmd_mmapbatch_v2)
#define IOCTL_PRIVCMD_MMAP_RESOURCE					\
	NETBSD_IOW('P', 7, struct privcmd_mmap_resource)

/* Grant ioctls (on privcmd).  `va' is the caller's anonymous mapping. */
#define UNMAP_NOTIFY_CLEAR_BYTE		0x1
#define UNMAP_NOTIFY_SEND_EVENT		0x2
#define GNTDEV_ALLOC_FLAG_WRITABLE	0x01

struct ioctl_gntdev_grant_ref {
	uint32_t	domid;
	uint32_t	ref;
};

struct ioctl_gntdev_grant_notify {
	int64_t		offset;		/* kernel: ssize_t, byte in range */
	uint32_t	action;
	uint32_t	event_channel_port;
};

struct ioctl_gntdev_mmap_grant_ref {
	uint32_t	count;
	uint32_t	pad;
	void		*va;
	struct ioctl_gntdev_grant_notify notify;
	struct ioctl_gntdev_grant_ref *refs;	/* `count' entries */
};

struct ioctl_gntdev_alloc_grant_ref {
	uint16_t	domid;
	uint16_t	flags;
	uint32_t	count;
	void		*va;
	struct ioctl_gntdev_grant_notify notify;
	uint32_t	*gref_ids;	/* out, `count' entries */
};

#define IOCTL_GNTDEV_MMAP_GRANT_REF					\
	NETBSD_IOW('P', 8, struct ioctl_gntdev_mmap_grant_ref)
#define IOCTL_GNTDEV_ALLOC_GRANT_REF					\
	NETBSD_IOW('P', 9, struct ioctl_gntdev_alloc_grant_ref)

/*
 * /dev/xenevt.  The IOCTL_EVTCHN_* bind ioctls return the local port in
 * the trailing `port' member.  read() yields pending ports (uint32_t
 * each); write() unmasks ports given as uint16_t each (xenevt_fwrite),
 * and returns the byte count.  Of the old EVTCHN_* ioctls only
 * EVTCHN_RESET is still handled; EVTCHN_BIND/UNBIND answer EINVAL.
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

#define EVTCHN_RESET	NETBSD_IO('E', 1)
#define EVTCHN_BIND	NETBSD_IOW('E', 2, uint64_t)	/* unsigned long */
#define EVTCHN_UNBIND	NETBSD_IOW('E', 3, uint64_t)	/* unsigned long */

#define IOCTL_EVTCHN_BIND_VIRQ						\
	NETBSD_IOWR('E', 4, struct ioctl_evtchn_bind_virq)
#define IOCTL_EVTCHN_BIND_INTERDOMAIN					\
	NETBSD_IOWR('E', 5, struct ioctl_evtchn_bind_interdomain)
#define IOCTL_EVTCHN_BIND_UNBOUND_PORT					\
	NETBSD_IOWR('E', 6, struct ioctl_evtchn_bind_unbound_port)
#define IOCTL_EVTCHN_UNBIND						\
	NETBSD_IOW('E', 7, struct ioctl_evtchn_unbind)
#define IOCTL_EVTCHN_NOTIFY						\
	NETBSD_IOW('E', 8, struct ioctl_evtchn_notify)
#define IOCTL_EVTCHN_RESET						\
	NETBSD_IO('E', 9)

#endif /* !XENLIBS_SYS_NETBSD_XEN_IOCTL_H */
