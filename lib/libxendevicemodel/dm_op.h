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
 * One buffer descriptor of the raw hypercall (struct xen_dm_op_buf): a
 * guest handle and a xen_ulong_t size.  Both are 64-bit on the 64-bit x86
 * and Arm ABIs, 32-bit on 32-bit x86; on 32-bit Arm a 64-bit slot holds a
 * 32-bit pointer.
 */
#if defined(__arm__)
struct xendm_hc_buf {
	union {
		void		*p;
		uint64_t	q;
	} h;
	uint64_t	size;
};

static inline void
xendm_hc_buf_set(struct xendm_hc_buf *d, void *p, size_t size)
{
	d->h.q = 0;
	d->h.p = p;
	d->size = size;
}
#else
struct xendm_hc_buf {
	void		*h;
	unsigned long	size;
};

static inline void
xendm_hc_buf_set(struct xendm_hc_buf *d, void *p, size_t size)
{
	d->h = p;
	d->size = size;
}
#endif

/*
 * memory_op (Xen's public memory.h), for xendevicemodel_populate_ram():
 * a stable guest interface, unlike the domctls of libxenctrl.
 */
#define XENDM_HYPERVISOR_memory_op	12
#define XENDM_XENMEM_decrease_reservation 1
#define XENDM_XENMEM_populate_physmap	6

struct xendm_memory_reservation {
	xen_pfn_t	*extent_start;	/* guest handle */
	unsigned long	nr_extents;	/* xen_ulong_t */
	unsigned int	extent_order;
	unsigned int	mem_flags;
	domid_t		domid;
};

#endif /* XENDEVICEMODEL_DM_OP_H */
