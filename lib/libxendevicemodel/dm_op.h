/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The dm_op hypercall interface (Xen's public hvm/dm_op.h): operation
 * numbers and the argument structures the library marshals.  Private: the
 * public header defines only what its prototypes need.
 *
 * Layouts are Xen's, which are the same for every guest ABI except the
 * buffer descriptor of the raw hypercall (see struct xendm_hc_buf).
 */
#ifndef XENDEVICEMODEL_DM_OP_H
#define XENDEVICEMODEL_DM_OP_H

#include <stddef.h>
#include <stdint.h>

#include "xendevicemodel.h"

#define XENDM_HYPERVISOR_dm_op		41	/* __HYPERVISOR_dm_op */

#define XENDM_OP_create_ioreq_server		1
#define XENDM_OP_get_ioreq_server_info		2
#define XENDM_OP_map_io_range_to_ioreq_server	3
#define XENDM_OP_unmap_io_range_from_ioreq_server 4
#define XENDM_OP_set_ioreq_server_state		5
#define XENDM_OP_destroy_ioreq_server		6
#define XENDM_OP_track_dirty_vram		7
#define XENDM_OP_set_pci_intx_level		8
#define XENDM_OP_set_isa_irq_level		9
#define XENDM_OP_set_pci_link_route		10
#define XENDM_OP_modified_memory		11
#define XENDM_OP_set_mem_type			12
#define XENDM_OP_inject_event			13
#define XENDM_OP_inject_msi			14
#define XENDM_OP_map_mem_type_to_ioreq_server	15
#define XENDM_OP_remote_shutdown		16
#define XENDM_OP_relocate_memory		17
#define XENDM_OP_pin_memory_cacheattr		18
#define XENDM_OP_set_irq_level			19
#define XENDM_OP_nr_vcpus			20

/* get_ioreq_server_info flags: do not report (or set up) gfns. */
#define XENDM_NO_GFNS			(1u << 0)

struct xendm_create_ioreq_server {
	uint8_t		handle_bufioreq;
	uint8_t		pad[3];
	ioservid_t	id;			/* out */
};

struct xendm_get_ioreq_server_info {
	ioservid_t	id;
	uint16_t	flags;
	evtchn_port_t	bufioreq_port;		/* out */
	uint64_t	ioreq_gfn;		/* out */
	uint64_t	bufioreq_gfn;		/* out */
};

struct xendm_ioreq_server_range {
	ioservid_t	id;
	uint16_t	pad;
	uint32_t	type;			/* XEN_DMOP_IO_RANGE_* */
	uint64_t	start, end;		/* inclusive */
};

/* The PCI "range" of map/unmap_pcidev: segment:bus:device.function. */
#define XENDM_PCI_SBDF(s, b, d, f)					\
	((((uint64_t)(s) & 0xffff) << 16) | (((uint64_t)(b) & 0xff) << 8) | \
	 (((uint64_t)(d) & 0x1f) << 3) | ((uint64_t)(f) & 0x07))

struct xendm_set_ioreq_server_state {
	ioservid_t	id;
	uint8_t		enabled;
	uint8_t		pad;
};

struct xendm_destroy_ioreq_server {
	ioservid_t	id;
	uint16_t	pad;
};

struct xendm_track_dirty_vram {
	uint32_t	nr;
	uint32_t	pad;
	uint64_t	first_pfn;
};

struct xendm_set_pci_intx_level {
	uint16_t	domain;
	uint8_t		bus, device, intx;
	uint8_t		level;
};

struct xendm_set_isa_irq_level {
	uint8_t		isa_irq;
	uint8_t		level;
};

struct xendm_set_pci_link_route {
	uint8_t		link;
	uint8_t		isa_irq;
};

struct xendm_modified_memory {
	uint32_t	nr_extents;
	uint32_t	opaque;			/* in/out: 0 from the caller */
};

struct xendm_set_mem_type {
	uint32_t	nr;
	uint16_t	mem_type;
	uint16_t	pad;
	uint64_t	first_pfn;
};

struct xendm_inject_event {
	uint32_t	vcpuid;
	uint8_t		vector;
	uint8_t		type;
	uint8_t		insn_len;
	uint8_t		pad0;
	uint32_t	error_code;
	uint32_t	pad1;
	uint64_t	cr2;
};

struct xendm_inject_msi {
	uint32_t	data;
	uint32_t	pad;
	uint64_t	addr;
};

struct xendm_map_mem_type_to_ioreq_server {
	ioservid_t	id;
	uint16_t	type;
	uint32_t	flags;
	uint64_t	opaque;			/* in/out: 0 from the caller */
};

struct xendm_remote_shutdown {
	uint32_t	reason;
};

struct xendm_relocate_memory {
	uint32_t	size;
	uint32_t	pad;
	uint64_t	src_gfn;
	uint64_t	dst_gfn;
};

struct xendm_pin_memory_cacheattr {
	uint64_t	start;
	uint64_t	end;
	uint32_t	type;
	uint32_t	pad;
};

struct xendm_set_irq_level {
	uint32_t	irq;
	uint8_t		level;
	uint8_t		pad[3];
};

struct xendm_nr_vcpus {
	uint32_t	vcpus;			/* out */
};

/* struct xen_dm_op: 8 bytes of header, then the largest member (24). */
struct xendm_op {
	uint32_t	op;
	uint32_t	pad;
	union {
		struct xendm_create_ioreq_server	create_ioreq_server;
		struct xendm_get_ioreq_server_info	get_ioreq_server_info;
		struct xendm_ioreq_server_range		ioreq_server_range;
		struct xendm_set_ioreq_server_state	set_ioreq_server_state;
		struct xendm_destroy_ioreq_server	destroy_ioreq_server;
		struct xendm_track_dirty_vram		track_dirty_vram;
		struct xendm_set_pci_intx_level		set_pci_intx_level;
		struct xendm_set_isa_irq_level		set_isa_irq_level;
		struct xendm_set_pci_link_route		set_pci_link_route;
		struct xendm_modified_memory		modified_memory;
		struct xendm_set_mem_type		set_mem_type;
		struct xendm_inject_event		inject_event;
		struct xendm_inject_msi			inject_msi;
		struct xendm_map_mem_type_to_ioreq_server map_mem_type_to_ioreq_server;
		struct xendm_remote_shutdown		remote_shutdown;
		struct xendm_relocate_memory		relocate_memory;
		struct xendm_pin_memory_cacheattr	pin_memory_cacheattr;
		struct xendm_set_irq_level		set_irq_level;
		struct xendm_nr_vcpus			nr_vcpus;
	} u;
};

/*
 * Guest handles and xen_ulong_t, as Xen's public headers lay them out for
 * the caller's ABI: a pointer and an unsigned long on x86 (32- and
 * 64-bit) and 64-bit Arm; on 32-bit Arm a 64-bit slot holding a 32-bit
 * pointer, and a 64-bit xen_ulong_t.  Xen frame numbers (xen_pfn_t) are
 * 64-bit on Arm whatever the caller's word size.
 */
#if defined(__arm__)
typedef union {
	void		*p;
	uint64_t	q;
} xendm_handle;
typedef uint64_t	xendm_ulong;
typedef uint64_t	xendm_pfn;

static inline void
xendm_handle_set(xendm_handle *h, void *p)
{
	h->q = 0;
	h->p = p;
}
#else
typedef void		*xendm_handle;
typedef unsigned long	xendm_ulong;
typedef unsigned long	xendm_pfn;

static inline void
xendm_handle_set(xendm_handle *h, void *p)
{
	*h = p;
}
#endif

/* One buffer descriptor of the raw hypercall (struct xen_dm_op_buf). */
struct xendm_hc_buf {
	xendm_handle	h;
	xendm_ulong	size;
};

static inline void
xendm_hc_buf_set(struct xendm_hc_buf *d, void *p, size_t size)
{
	xendm_handle_set(&d->h, p);
	d->size = size;
}

/*
 * memory_op (Xen's public memory.h), for xendevicemodel_populate_ram():
 * a stable guest interface, unlike the domctls of libxenctrl.
 */
#define XENDM_HYPERVISOR_memory_op	12
#define XENDM_XENMEM_decrease_reservation 1
#define XENDM_XENMEM_populate_physmap	6

struct xendm_memory_reservation {
	xendm_handle	extent_start;	/* xendm_pfn[] */
	xendm_ulong	nr_extents;
	unsigned int	extent_order;
	unsigned int	mem_flags;
	domid_t		domid;
};

/* Layouts checked where they are known: LP64 and 32-bit Arm. */
#if defined(__LP64__) || defined(__arm__)
typedef char xendm_hc_buf_is_16_bytes[
    sizeof(struct xendm_hc_buf) == 16 ? 1 : -1];
typedef char xendm_reservation_is_32_bytes[
    sizeof(struct xendm_memory_reservation) == 32 &&
    offsetof(struct xendm_memory_reservation, nr_extents) == 8 &&
    offsetof(struct xendm_memory_reservation, extent_order) == 16 &&
    offsetof(struct xendm_memory_reservation, domid) == 24 ? 1 : -1];
#endif

#endif /* XENDEVICEMODEL_DM_OP_H */
