/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * libxendevicemodel: each call fills one struct xendm_op (plus, for some,
 * one further buffer) and hands it to the backend.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "private.h"
#include "dm_op.h"
#include "xenlibs_cdefs.h"

#define CHECK_HANDLE(dmod)						\
	do {								\
		if ((dmod) == NULL) {					\
			errno = EINVAL;					\
			return -1;					\
		}							\
	} while (0)

static int
bad_arg(xendevicemodel_handle *dmod, const char *fn, const char *what)
{
	xtl_log(dmod->logger, XTL_ERROR, EINVAL, XENDM_LOG_CONTEXT,
	    "%s: %s", fn, what);
	errno = EINVAL;
	return -1;
}

/*
 * Issue op on domid, with the extra buffer when nbufs is 2 (which may be
 * empty: some operations insist on its presence); log a failure.
 */
static int
dm_op(xendevicemodel_handle *dmod, domid_t domid, const char *fn,
    struct xendm_op *op, unsigned int nbufs, void *extra, size_t extra_size)
{
	struct xendm_buf bufs[XENDM_MAX_BUFS];
	int serrno;

	bufs[0].ptr = op;
	bufs[0].size = sizeof(*op);
	bufs[1].ptr = extra;
	bufs[1].size = extra_size;
	if (__atomic_load_n(&dmod->useless, __ATOMIC_RELAXED)) {
		xtl_log(dmod->logger, XTL_ERROR, EPERM, XENDM_LOG_CONTEXT,
		    "%s: the handle was made useless by "
		    "xentoolcore_restrict_all", fn);
		errno = EPERM;
		return -1;
	}
	if (xendevicemodel_os_dm_op(dmod, domid, nbufs, bufs) == 0)
		return 0;
	serrno = errno;
	xtl_log(dmod->logger, XTL_ERROR, serrno, XENDM_LOG_CONTEXT,
	    "%s: dm_op %u on domain %u failed", fn, (unsigned)op->op,
	    (unsigned)domid);
	errno = serrno;
	return -1;
}

static void
op_init(struct xendm_op *op, uint32_t nr)
{
	memset(op, 0, sizeof(*op));
	op->op = nr;
}

XENLIBS_EXPORT int
xendevicemodel_create_ioreq_server(xendevicemodel_handle *dmod,
    domid_t domid, int handle_bufioreq, ioservid_t *id)
{
	struct xendm_op op;

	CHECK_HANDLE(dmod);
	if (id == NULL)
		return bad_arg(dmod, __func__, "id is NULL");
	if (handle_bufioreq < 0 || handle_bufioreq > UINT8_MAX)
		return bad_arg(dmod, __func__, "handle_bufioreq out of range");
	op_init(&op, XENDM_OP_create_ioreq_server);
	op.u.create_ioreq_server.handle_bufioreq = (uint8_t)handle_bufioreq;
	if (dm_op(dmod, domid, __func__, &op, 1, NULL, 0) == -1)
		return -1;
	*id = op.u.create_ioreq_server.id;
	return 0;
}

XENLIBS_EXPORT int
xendevicemodel_get_ioreq_server_info(xendevicemodel_handle *dmod,
    domid_t domid, ioservid_t id, xen_pfn_t *ioreq_gfn,
    xen_pfn_t *bufioreq_gfn, evtchn_port_t *bufioreq_port)
{
	struct xendm_op op;
	struct xendm_get_ioreq_server_info *info;

	CHECK_HANDLE(dmod);
	op_init(&op, XENDM_OP_get_ioreq_server_info);
	info = &op.u.get_ioreq_server_info;
	info->id = id;
	/* Asking for no gfn keeps Xen from setting the legacy pages up. */
	if (ioreq_gfn == NULL && bufioreq_gfn == NULL)
		info->flags = XENDM_NO_GFNS;
	if (dm_op(dmod, domid, __func__, &op, 1, NULL, 0) == -1)
		return -1;
	if (ioreq_gfn != NULL)
		*ioreq_gfn = (xen_pfn_t)info->ioreq_gfn;
	if (bufioreq_gfn != NULL)
		*bufioreq_gfn = (xen_pfn_t)info->bufioreq_gfn;
	if (bufioreq_port != NULL)
		*bufioreq_port = info->bufioreq_port;
	return 0;
}

static int
io_range(xendevicemodel_handle *dmod, const char *fn, uint32_t opnr,
    domid_t domid, ioservid_t id, uint32_t type, uint64_t start,
    uint64_t end)
{
	struct xendm_op op;

	if (start > end)
		return bad_arg(dmod, fn, "range ends before it starts");
	op_init(&op, opnr);
	op.u.ioreq_server_range.id = id;
	op.u.ioreq_server_range.type = type;
	op.u.ioreq_server_range.start = start;
	op.u.ioreq_server_range.end = end;
	return dm_op(dmod, domid, fn, &op, 1, NULL, 0);
}

XENLIBS_EXPORT int
xendevicemodel_map_io_range_to_ioreq_server(xendevicemodel_handle *dmod,
    domid_t domid, ioservid_t id, int is_mmio, uint64_t start, uint64_t end)
{
	CHECK_HANDLE(dmod);
	return io_range(dmod, __func__, XENDM_OP_map_io_range_to_ioreq_server,
	    domid, id, is_mmio ? XEN_DMOP_IO_RANGE_MEMORY :
	    XEN_DMOP_IO_RANGE_PORT, start, end);
}

XENLIBS_EXPORT int
xendevicemodel_unmap_io_range_from_ioreq_server(xendevicemodel_handle *dmod,
    domid_t domid, ioservid_t id, int is_mmio, uint64_t start, uint64_t end)
{
	CHECK_HANDLE(dmod);
	return io_range(dmod, __func__,
	    XENDM_OP_unmap_io_range_from_ioreq_server, domid, id,
	    is_mmio ? XEN_DMOP_IO_RANGE_MEMORY : XEN_DMOP_IO_RANGE_PORT,
	    start, end);
}

static int
pcidev(xendevicemodel_handle *dmod, const char *fn, uint32_t opnr,
    domid_t domid, ioservid_t id, uint16_t segment, uint8_t bus,
    uint8_t device, uint8_t function)
{
	uint64_t sbdf;

	if (device > 0x1f)
		return bad_arg(dmod, fn, "device number above 31");
	if (function > 0x07)
		return bad_arg(dmod, fn, "function number above 7");
	sbdf = XENDM_PCI_SBDF(segment, bus, device, function);
	return io_range(dmod, fn, opnr, domid, id, XEN_DMOP_IO_RANGE_PCI,
	    sbdf, sbdf);
}

XENLIBS_EXPORT int
xendevicemodel_map_pcidev_to_ioreq_server(xendevicemodel_handle *dmod,
    domid_t domid, ioservid_t id, uint16_t segment, uint8_t bus,
    uint8_t device, uint8_t function)
{
	CHECK_HANDLE(dmod);
	return pcidev(dmod, __func__, XENDM_OP_map_io_range_to_ioreq_server,
	    domid, id, segment, bus, device, function);
}

XENLIBS_EXPORT int
xendevicemodel_unmap_pcidev_from_ioreq_server(xendevicemodel_handle *dmod,
    domid_t domid, ioservid_t id, uint16_t segment, uint8_t bus,
    uint8_t device, uint8_t function)
{
	CHECK_HANDLE(dmod);
	return pcidev(dmod, __func__,
	    XENDM_OP_unmap_io_range_from_ioreq_server, domid, id, segment,
	    bus, device, function);
}

XENLIBS_EXPORT int
xendevicemodel_map_mem_type_to_ioreq_server(xendevicemodel_handle *dmod,
    domid_t domid, ioservid_t id, uint16_t type, uint32_t flags)
{
	struct xendm_op op;

	CHECK_HANDLE(dmod);
	op_init(&op, XENDM_OP_map_mem_type_to_ioreq_server);
	op.u.map_mem_type_to_ioreq_server.id = id;
	op.u.map_mem_type_to_ioreq_server.type = type;
	op.u.map_mem_type_to_ioreq_server.flags = flags;
	return dm_op(dmod, domid, __func__, &op, 1, NULL, 0);
}

XENLIBS_EXPORT int
xendevicemodel_destroy_ioreq_server(xendevicemodel_handle *dmod,
    domid_t domid, ioservid_t id)
{
	struct xendm_op op;

	CHECK_HANDLE(dmod);
	op_init(&op, XENDM_OP_destroy_ioreq_server);
	op.u.destroy_ioreq_server.id = id;
	return dm_op(dmod, domid, __func__, &op, 1, NULL, 0);
}

XENLIBS_EXPORT int
xendevicemodel_set_ioreq_server_state(xendevicemodel_handle *dmod,
    domid_t domid, ioservid_t id, int enabled)
{
	struct xendm_op op;

	CHECK_HANDLE(dmod);
	op_init(&op, XENDM_OP_set_ioreq_server_state);
	op.u.set_ioreq_server_state.id = id;
	op.u.set_ioreq_server_state.enabled = enabled != 0;
	return dm_op(dmod, domid, __func__, &op, 1, NULL, 0);
}

XENLIBS_EXPORT int
xendevicemodel_set_pci_intx_level(xendevicemodel_handle *dmod,
    domid_t domid, uint16_t segment, uint8_t bus, uint8_t device,
    uint8_t intx, unsigned int level)
{
	struct xendm_op op;

	CHECK_HANDLE(dmod);
	if (level > 1)
		return bad_arg(dmod, __func__, "level is neither 0 nor 1");
	op_init(&op, XENDM_OP_set_pci_intx_level);
	op.u.set_pci_intx_level.domain = segment;
	op.u.set_pci_intx_level.bus = bus;
	op.u.set_pci_intx_level.device = device;
	op.u.set_pci_intx_level.intx = intx;
	op.u.set_pci_intx_level.level = (uint8_t)level;
	return dm_op(dmod, domid, __func__, &op, 1, NULL, 0);
}

XENLIBS_EXPORT int
xendevicemodel_set_isa_irq_level(xendevicemodel_handle *dmod, domid_t domid,
    uint8_t irq, unsigned int level)
{
	struct xendm_op op;

	CHECK_HANDLE(dmod);
	if (level > 1)
		return bad_arg(dmod, __func__, "level is neither 0 nor 1");
	op_init(&op, XENDM_OP_set_isa_irq_level);
	op.u.set_isa_irq_level.isa_irq = irq;
	op.u.set_isa_irq_level.level = (uint8_t)level;
	return dm_op(dmod, domid, __func__, &op, 1, NULL, 0);
}

XENLIBS_EXPORT int
xendevicemodel_set_irq_level(xendevicemodel_handle *dmod, domid_t domid,
    unsigned int irq, unsigned int level)
{
	struct xendm_op op;

	CHECK_HANDLE(dmod);
	if (level > 1)
		return bad_arg(dmod, __func__, "level is neither 0 nor 1");
	op_init(&op, XENDM_OP_set_irq_level);
	op.u.set_irq_level.irq = irq;
	op.u.set_irq_level.level = (uint8_t)level;
	return dm_op(dmod, domid, __func__, &op, 1, NULL, 0);
}

XENLIBS_EXPORT int
xendevicemodel_set_pci_link_route(xendevicemodel_handle *dmod,
    domid_t domid, uint8_t link, uint8_t irq)
{
	struct xendm_op op;

	CHECK_HANDLE(dmod);
	op_init(&op, XENDM_OP_set_pci_link_route);
	op.u.set_pci_link_route.link = link;
	op.u.set_pci_link_route.isa_irq = irq;
	return dm_op(dmod, domid, __func__, &op, 1, NULL, 0);
}

XENLIBS_EXPORT int
xendevicemodel_inject_msi(xendevicemodel_handle *dmod, domid_t domid,
    uint64_t msi_addr, uint32_t msi_data)
{
	struct xendm_op op;

	CHECK_HANDLE(dmod);
	op_init(&op, XENDM_OP_inject_msi);
	op.u.inject_msi.addr = msi_addr;
	op.u.inject_msi.data = msi_data;
	return dm_op(dmod, domid, __func__, &op, 1, NULL, 0);
}

XENLIBS_EXPORT int
xendevicemodel_inject_event(xendevicemodel_handle *dmod, domid_t domid,
    int vcpu, uint8_t vector, uint8_t type, uint32_t error_code,
    uint8_t insn_len, uint64_t extra)
{
	struct xendm_op op;

	CHECK_HANDLE(dmod);
	if (vcpu < 0)
		return bad_arg(dmod, __func__, "negative vcpu");
	op_init(&op, XENDM_OP_inject_event);
	op.u.inject_event.vcpuid = (uint32_t)vcpu;
	op.u.inject_event.vector = vector;
	op.u.inject_event.type = type;
	op.u.inject_event.error_code = error_code;
	op.u.inject_event.insn_len = insn_len;
	op.u.inject_event.cr2 = extra;
	return dm_op(dmod, domid, __func__, &op, 1, NULL, 0);
}

XENLIBS_EXPORT int
xendevicemodel_track_dirty_vram(xendevicemodel_handle *dmod, domid_t domid,
    uint64_t first_pfn, uint32_t nr, unsigned long *dirty_bitmap)
{
	struct xendm_op op;
	uint8_t unused = 0;

	CHECK_HANDLE(dmod);
	if (nr != 0 && dirty_bitmap == NULL)
		return bad_arg(dmod, __func__, "dirty_bitmap is NULL");
	op_init(&op, XENDM_OP_track_dirty_vram);
	op.u.track_dirty_vram.first_pfn = first_pfn;
	op.u.track_dirty_vram.nr = nr;
	/*
	 * Xen writes one bit per page, (nr + 7) / 8 bytes.  It wants the
	 * buffer even when nr is 0 (stop tracking), and Linux's privcmd
	 * refuses an empty one (EFAULT): pass a byte Xen will not touch.
	 */
	if (nr == 0)
		return dm_op(dmod, domid, __func__, &op, 2, &unused,
		    sizeof(unused));
	return dm_op(dmod, domid, __func__, &op, 2, dirty_bitmap,
	    ((size_t)nr + 7) / 8);
}

XENLIBS_EXPORT int
xendevicemodel_modified_memory_bulk(xendevicemodel_handle *dmod,
    domid_t domid, struct xen_dm_op_modified_memory_extent extents[],
    uint32_t nr)
{
	struct xendm_op op;

	CHECK_HANDLE(dmod);
	if (nr == 0)
		return bad_arg(dmod, __func__, "no extents");
	if (extents == NULL)
		return bad_arg(dmod, __func__, "extents is NULL");
	op_init(&op, XENDM_OP_modified_memory);
	op.u.modified_memory.nr_extents = nr;
	return dm_op(dmod, domid, __func__, &op, 2, extents,
	    (size_t)nr * sizeof(extents[0]));
}

XENLIBS_EXPORT int
xendevicemodel_modified_memory(xendevicemodel_handle *dmod, domid_t domid,
    uint64_t first_pfn, uint32_t nr)
{
	struct xen_dm_op_modified_memory_extent extent;

	CHECK_HANDLE(dmod);
	memset(&extent, 0, sizeof(extent));
	extent.first_pfn = first_pfn;
	extent.nr = nr;
	return xendevicemodel_modified_memory_bulk(dmod, domid, &extent, 1);
}

XENLIBS_EXPORT int
xendevicemodel_set_mem_type(xendevicemodel_handle *dmod, domid_t domid,
    hvmmem_type_t mem_type, uint64_t first_pfn, uint32_t nr)
{
	struct xendm_op op;

	CHECK_HANDLE(dmod);
	if ((int)mem_type < 0 || (int)mem_type > UINT16_MAX)
		return bad_arg(dmod, __func__, "memory type out of range");
	op_init(&op, XENDM_OP_set_mem_type);
	op.u.set_mem_type.mem_type = (uint16_t)mem_type;
	op.u.set_mem_type.first_pfn = first_pfn;
	op.u.set_mem_type.nr = nr;
	return dm_op(dmod, domid, __func__, &op, 1, NULL, 0);
}

XENLIBS_EXPORT int
xendevicemodel_relocate_memory(xendevicemodel_handle *dmod, domid_t domid,
    uint32_t size, uint64_t src_gfn, uint64_t dst_gfn)
{
	struct xendm_op op;

	CHECK_HANDLE(dmod);
	op_init(&op, XENDM_OP_relocate_memory);
	op.u.relocate_memory.size = size;
	op.u.relocate_memory.src_gfn = src_gfn;
	op.u.relocate_memory.dst_gfn = dst_gfn;
	return dm_op(dmod, domid, __func__, &op, 1, NULL, 0);
}

XENLIBS_EXPORT int
xendevicemodel_pin_memory_cacheattr(xendevicemodel_handle *dmod,
    domid_t domid, uint64_t start, uint64_t end, uint32_t type)
{
	struct xendm_op op;

	CHECK_HANDLE(dmod);
	op_init(&op, XENDM_OP_pin_memory_cacheattr);
	op.u.pin_memory_cacheattr.start = start;
	op.u.pin_memory_cacheattr.end = end;
	op.u.pin_memory_cacheattr.type = type;
	return dm_op(dmod, domid, __func__, &op, 1, NULL, 0);
}

XENLIBS_EXPORT int
xendevicemodel_shutdown(xendevicemodel_handle *dmod, domid_t domid,
    unsigned int reason)
{
	struct xendm_op op;

	CHECK_HANDLE(dmod);
	op_init(&op, XENDM_OP_remote_shutdown);
	op.u.remote_shutdown.reason = reason;
	return dm_op(dmod, domid, __func__, &op, 1, NULL, 0);
}

XENLIBS_EXPORT int
xendevicemodel_nr_vcpus(xendevicemodel_handle *dmod, domid_t domid,
    unsigned int *vcpus)
{
	struct xendm_op op;

	CHECK_HANDLE(dmod);
	if (vcpus == NULL)
		return bad_arg(dmod, __func__, "vcpus is NULL");
	op_init(&op, XENDM_OP_nr_vcpus);
	if (dm_op(dmod, domid, __func__, &op, 1, NULL, 0) == -1)
		return -1;
	*vcpus = op.u.nr_vcpus.vcpus;
	return 0;
}
