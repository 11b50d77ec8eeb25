/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * libxenkexec internals.  The library has no per-OS backend: every
 * operation is a hypercall made through libxenhypercall, with its
 * arguments in libxenhypercall's buffers, so the one front end works on
 * Linux, FreeBSD and NetBSD.  The hypercall argument layouts below are
 * Xen's public interface (xen/kexec.h, xen/memory.h, xen/sysctl.h,
 * xen/version.h), written out here so that no Xen header is needed.
 */
#ifndef XENKEXEC_PRIVATE_H
#define XENKEXEC_PRIVATE_H

#include <errno.h>
#include <pthread.h>
#include <stdint.h>

#include <xencall.h>
#include <xentoollog.h>

#include "xenkexec.h"
#include "xentoolcore_internal.h"
#include "xenlibs_cdefs.h"

#define XENKEXEC_CTX		"xenkexec"
#define XENKEXEC_PAGE_SIZE	4096u

/* Hypercall numbers. */
#define XK_HYPERVISOR_memory_op		12
#define XK_HYPERVISOR_xen_version	17
#define XK_HYPERVISOR_sysctl		35
#define XK_HYPERVISOR_kexec_op		37

/* kexec_op sub-commands. */
#define XK_KEXEC_CMD_kexec		0
#define XK_KEXEC_CMD_kexec_get_range	3
#define XK_KEXEC_CMD_kexec_load		4
#define XK_KEXEC_CMD_kexec_unload	5
#define XK_KEXEC_CMD_kexec_status	6

/* xen_kexec_exec_t */
struct xk_kexec_exec {
	int		type;
};

/* xen_kexec_range_t: unsigned long is the guest's word, as in Xen. */
struct xk_kexec_range {
	int		range;
	int		nr;
	unsigned long	size;
	unsigned long	start;
};

/* xen_kexec_segment_t: the buffer handle is padded to 64 bits. */
struct xk_kexec_segment {
	uint64_t	buf;		/* guest virtual address or 0 */
	uint64_t	buf_size;
	uint64_t	dest_maddr;
	uint64_t	dest_size;
};

/* xen_kexec_load_t */
struct xk_kexec_load {
	uint8_t		type;
	uint8_t		pad;
	uint16_t	arch;
	uint32_t	nr_segments;
	uint64_t	segments;	/* handle to struct xk_kexec_segment[] */
	uint64_t	entry_maddr;
};

/* xen_kexec_unload_t and xen_kexec_status_t */
struct xk_kexec_type {
	uint8_t		type;
};

/* memory_op XENMEM_machine_memory_map: xen_memory_map_t */
#define XK_XENMEM_machine_memory_map	10
struct xk_memory_map {
	unsigned int	nr_entries;
	void		*buffer;
};
#define XK_E820_ENTRY_SIZE	20	/* packed {u64 addr; u64 size; u32 type} */
#define XK_E820_GUESS		128	/* the BIOS e820 table's own limit */

/* xen_version */
#define XK_XENVER_version	0

/*
 * sysctl XEN_SYSCTL_physinfo.  struct xen_sysctl is {u32 cmd; u32
 * interface_version; union (8-byte aligned, 128 bytes) u}.  Only the head
 * of physinfo is read, which has kept its layout in every interface
 * version; the version itself changes between Xen releases.
 */
#define XK_XEN_SYSCTL_physinfo	3
struct xk_sysctl_physinfo_head {
	uint32_t	threads_per_core;
	uint32_t	cores_per_socket;
	uint32_t	nr_cpus;
	uint32_t	max_cpu_id;
};
struct xk_sysctl {
	uint32_t	cmd;
	uint32_t	interface_version;
	union {
		struct xk_sysctl_physinfo_head physinfo;
		uint8_t		pad[128];
		uint64_t	align;
	} u;
};

struct xenkexec_handle {
	Xentoolcore__Active_Handle	 tc_ah;		/* first: see restrict */
	xentoollog_logger		*logger;
	xentoollog_logger		*logger_tofree;
	xencall_handle			*xcall;
	pthread_mutex_t			 lock;		/* sysctl_version */
	uint32_t			 sysctl_version; /* 0: not yet known */
	int				 restricted;
};

/* Log an error with errno value e, then leave errno set to e. */
void xenkexec__err(xenkexec_handle *, int e, const char *fmt, ...)
    XTL_PRINTF_LIKE(3, 4);
void xenkexec__log(xenkexec_handle *, xentoollog_level, int e,
    const char *fmt, ...) XTL_PRINTF_LIKE(4, 5);

/*
 * -1/EINVAL (not logged: no logger) for a NULL handle, -1/EPERM (logged)
 * when the handle was restricted, else 0.
 */
int xenkexec__usable(xenkexec_handle *, const char *what);

/* kexec_op get_range without argument checks; -1 with errno (not logged). */
int xenkexec__range(xenkexec_handle *, int range, int nr, uint64_t *start,
    uint64_t *size);

#endif /* XENKEXEC_PRIVATE_H */
