/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * xendevicemodel: the operations a device model (an emulator such as qemu)
 * performs on the HVM or PVH domain it serves, through Xen's stable dm_op
 * interface.  See xendevicemodel(3).
 *
 * The Xen interface types and constants the calls take (ioservid_t,
 * hvmmem_type_t, XEN_DMOP_*, HVM_IOREQSRV_BUFIOREQ_*, HVMMEM_*, the
 * modified-memory extent) are defined here, identically to Xen's public
 * headers, unless <xen/hvm/dm_op.h> or <xen/hvm/hvm_op.h> was included
 * first.  A program that also uses Xen's own interface headers includes
 * them before this one.
 */
#ifndef XENDEVICEMODEL_H
#define XENDEVICEMODEL_H

#include <stdint.h>

#include <xenlibs_types.h>

/* From Xen's <xen/hvm/dm_op.h>. */
#ifndef __XEN_PUBLIC_HVM_DM_OP_H__
typedef uint16_t ioservid_t;

struct xen_dm_op_modified_memory_extent {
	uint32_t	nr;		/* pages */
	uint32_t	pad;
	uint64_t	first_pfn;
};
#endif

/* Range kinds (the is_mmio argument picks PORT or MEMORY). */
#ifndef XEN_DMOP_IO_RANGE_PORT
#define XEN_DMOP_IO_RANGE_PORT		0
#define XEN_DMOP_IO_RANGE_MEMORY	1
#define XEN_DMOP_IO_RANGE_PCI		2
#endif

/* Accesses forwarded by xendevicemodel_map_mem_type_to_ioreq_server(). */
#ifndef XEN_DMOP_IOREQ_MEM_ACCESS_READ
#define XEN_DMOP_IOREQ_MEM_ACCESS_READ	(1u << 0)
#define XEN_DMOP_IOREQ_MEM_ACCESS_WRITE	(1u << 1)
#endif

/* Event types of xendevicemodel_inject_event(). */
#ifndef XEN_DMOP_EVENT_ext_int
#define XEN_DMOP_EVENT_ext_int		0
#define XEN_DMOP_EVENT_nmi		2
#define XEN_DMOP_EVENT_hw_exc		3
#define XEN_DMOP_EVENT_sw_int		4
#define XEN_DMOP_EVENT_pri_sw_exc	5
#define XEN_DMOP_EVENT_sw_exc		6
#endif

/* Cache attributes of xendevicemodel_pin_memory_cacheattr(). */
#ifndef XEN_DMOP_MEM_CACHEATTR_UC
#define XEN_DMOP_MEM_CACHEATTR_UC	0
#define XEN_DMOP_MEM_CACHEATTR_WC	1
#define XEN_DMOP_MEM_CACHEATTR_WT	4
#define XEN_DMOP_MEM_CACHEATTR_WP	5
#define XEN_DMOP_MEM_CACHEATTR_WB	6
#define XEN_DMOP_MEM_CACHEATTR_UCM	7
#define XEN_DMOP_DELETE_MEM_CACHEATTR	(~(uint32_t)0)
#endif

/* From Xen's <xen/hvm/hvm_op.h>. */
#ifndef __XEN_PUBLIC_HVM_HVM_OP_H__
typedef enum {
	HVMMEM_ram_rw,
	HVMMEM_ram_ro,
	HVMMEM_mmio_dm,
	HVMMEM_unused,
	HVMMEM_ioreq_server
} hvmmem_type_t;
#endif

/* handle_bufioreq of xendevicemodel_create_ioreq_server(). */
#ifndef HVM_IOREQSRV_BUFIOREQ_OFF
#define HVM_IOREQSRV_BUFIOREQ_OFF	0
#define HVM_IOREQSRV_BUFIOREQ_LEGACY	1
#define HVM_IOREQSRV_BUFIOREQ_ATOMIC	2
#endif

/* Shutdown reasons (Xen's <xen/sched.h>) for xendevicemodel_shutdown(). */
#ifndef SHUTDOWN_poweroff
#define SHUTDOWN_poweroff	0
#define SHUTDOWN_reboot		1
#define SHUTDOWN_suspend	2
#define SHUTDOWN_crash		3
#define SHUTDOWN_watchdog	4
#define SHUTDOWN_soft_reset	5
#endif

#ifdef __cplusplus
extern "C" {
#endif

struct xentoollog_logger;

typedef struct xendevicemodel_handle xendevicemodel_handle;

/* Handles. */
xendevicemodel_handle *xendevicemodel_open(struct xentoollog_logger *logger,
    unsigned int open_flags);
int xendevicemodel_close(xendevicemodel_handle *dmod);
int xendevicemodel_restrict(xendevicemodel_handle *dmod, domid_t domid);

/* Ioreq servers. */
int xendevicemodel_create_ioreq_server(xendevicemodel_handle *dmod,
    domid_t domid, int handle_bufioreq, ioservid_t *id);
int xendevicemodel_get_ioreq_server_info(xendevicemodel_handle *dmod,
    domid_t domid, ioservid_t id, xen_pfn_t *ioreq_gfn,
    xen_pfn_t *bufioreq_gfn, evtchn_port_t *bufioreq_port);
int xendevicemodel_map_io_range_to_ioreq_server(xendevicemodel_handle *dmod,
    domid_t domid, ioservid_t id, int is_mmio, uint64_t start, uint64_t end);
int xendevicemodel_unmap_io_range_from_ioreq_server(
    xendevicemodel_handle *dmod, domid_t domid, ioservid_t id, int is_mmio,
    uint64_t start, uint64_t end);
int xendevicemodel_map_mem_type_to_ioreq_server(xendevicemodel_handle *dmod,
    domid_t domid, ioservid_t id, uint16_t type, uint32_t flags);
int xendevicemodel_map_pcidev_to_ioreq_server(xendevicemodel_handle *dmod,
    domid_t domid, ioservid_t id, uint16_t segment, uint8_t bus,
    uint8_t device, uint8_t function);
int xendevicemodel_unmap_pcidev_from_ioreq_server(
    xendevicemodel_handle *dmod, domid_t domid, ioservid_t id,
    uint16_t segment, uint8_t bus, uint8_t device, uint8_t function);
int xendevicemodel_destroy_ioreq_server(xendevicemodel_handle *dmod,
    domid_t domid, ioservid_t id);
int xendevicemodel_set_ioreq_server_state(xendevicemodel_handle *dmod,
    domid_t domid, ioservid_t id, int enabled);

/* Interrupts. */
int xendevicemodel_set_pci_intx_level(xendevicemodel_handle *dmod,
    domid_t domid, uint16_t segment, uint8_t bus, uint8_t device,
    uint8_t intx, unsigned int level);
int xendevicemodel_set_isa_irq_level(xendevicemodel_handle *dmod,
    domid_t domid, uint8_t irq, unsigned int level);
int xendevicemodel_set_irq_level(xendevicemodel_handle *dmod, domid_t domid,
    unsigned int irq, unsigned int level);
int xendevicemodel_set_pci_link_route(xendevicemodel_handle *dmod,
    domid_t domid, uint8_t link, uint8_t irq);
int xendevicemodel_inject_msi(xendevicemodel_handle *dmod, domid_t domid,
    uint64_t msi_addr, uint32_t msi_data);
int xendevicemodel_inject_event(xendevicemodel_handle *dmod, domid_t domid,
    int vcpu, uint8_t vector, uint8_t type, uint32_t error_code,
    uint8_t insn_len, uint64_t extra);

/* Guest memory. */
int xendevicemodel_track_dirty_vram(xendevicemodel_handle *dmod,
    domid_t domid, uint64_t first_pfn, uint32_t nr,
    unsigned long *dirty_bitmap);
int xendevicemodel_modified_memory(xendevicemodel_handle *dmod,
    domid_t domid, uint64_t first_pfn, uint32_t nr);
int xendevicemodel_modified_memory_bulk(xendevicemodel_handle *dmod,
    domid_t domid, struct xen_dm_op_modified_memory_extent extents[],
    uint32_t nr);
int xendevicemodel_set_mem_type(xendevicemodel_handle *dmod, domid_t domid,
    hvmmem_type_t mem_type, uint64_t first_pfn, uint32_t nr);
int xendevicemodel_relocate_memory(xendevicemodel_handle *dmod,
    domid_t domid, uint32_t size, uint64_t src_gfn, uint64_t dst_gfn);
int xendevicemodel_pin_memory_cacheattr(xendevicemodel_handle *dmod,
    domid_t domid, uint64_t start, uint64_t end, uint32_t type);

/* The domain. */
int xendevicemodel_shutdown(xendevicemodel_handle *dmod, domid_t domid,
    unsigned int reason);
int xendevicemodel_nr_vcpus(xendevicemodel_handle *dmod, domid_t domid,
    unsigned int *vcpus);

/*
 * xenlibs extension (VERS_1.5; not in Xen's own library): back nr guest
 * frames with new RAM, all or none.  Replaces xc_domain_populate_physmap_exact.
 */
#define XENDEVICEMODEL_HAVE_POPULATE_RAM	1
int xendevicemodel_populate_ram(xendevicemodel_handle *dmod, domid_t domid,
    uint32_t nr, const xen_pfn_t gfns[]);

#ifdef __cplusplus
}
#endif

#endif /* XENDEVICEMODEL_H */
