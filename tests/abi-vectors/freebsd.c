/* SPDX-License-Identifier: BSD-2-Clause */
/* FreeBSD: sys/freebsd/xen_ioctl.h against kernel-abi.md. */

#include <stdint.h>

#include <atf-c.h>

#include "sys/freebsd/xen_ioctl.h"
#include "abi_vectors.h"

#define N(a)	(sizeof(a) / sizeof((a)[0]))

static const struct abi_code codes[] = {
	ABI_CODE(IOCTL_PRIVCMD_HYPERCALL, 0xc0384500),
	ABI_CODE(IOCTL_PRIVCMD_MMAPBATCH, 0xc0204501),
	ABI_CODE(IOCTL_PRIVCMD_MMAP_RESOURCE, 0xc0204502),
	ABI_CODE(IOCTL_PRIVCMD_DM_OP, 0x80104503),
	ABI_CODE(IOCTL_PRIVCMD_RESTRICT, 0x80024504),
	ABI_CODE(IOCTL_EVTCHN_BIND_VIRQ, 0xc0084504),
	ABI_CODE(IOCTL_EVTCHN_BIND_INTERDOMAIN, 0xc00c4505),
	ABI_CODE(IOCTL_EVTCHN_BIND_UNBOUND_PORT, 0xc0084506),
	ABI_CODE(IOCTL_EVTCHN_UNBIND, 0x80044507),
	ABI_CODE(IOCTL_EVTCHN_NOTIFY, 0x80044508),
	ABI_CODE(IOCTL_EVTCHN_RESET, 0x20004509),
	ABI_CODE(IOCTL_GNTDEV_SET_UNMAP_NOTIFY, 0x80104500),
	ABI_CODE(IOCTL_GNTDEV_ALLOC_GREF, 0xc0184501),
	ABI_CODE(IOCTL_GNTDEV_DEALLOC_GREF, 0x80104502),
	ABI_CODE(IOCTL_GNTDEV_MAP_GRANT_REF, 0xc0184503),
	ABI_CODE(IOCTL_GNTDEV_UNMAP_GRANT_REF, 0x80104504),
	ABI_CODE(IOCTL_GNTDEV_GET_OFFSET_FOR_VADDR, 0xc0184505),
	/* The size query needs the result copied out. */
	{ "IOCTL_PRIVCMD_MMAP_RESOURCE is _IOWR",
	    IOCTL_PRIVCMD_MMAP_RESOURCE & FREEBSD_IOC_INOUT, 0xc0000000UL },
};

static const struct abi_layout layouts[] = {
	ABI_SIZE(struct ioctl_privcmd_hypercall, 56),
	ABI_OFF(struct ioctl_privcmd_hypercall, arg, 8),
	ABI_OFF(struct ioctl_privcmd_hypercall, retval, 48),
	ABI_SIZE(struct ioctl_privcmd_mmapbatch, 32),
	ABI_OFF(struct ioctl_privcmd_mmapbatch, dom, 4),
	ABI_OFF(struct ioctl_privcmd_mmapbatch, addr, 8),
	ABI_OFF(struct ioctl_privcmd_mmapbatch, arr, 16),
	ABI_OFF(struct ioctl_privcmd_mmapbatch, err, 24),
	ABI_SIZE(struct ioctl_privcmd_mmapresource, 32),
	ABI_OFF(struct ioctl_privcmd_mmapresource, type, 4),
	ABI_OFF(struct ioctl_privcmd_mmapresource, id, 8),
	ABI_OFF(struct ioctl_privcmd_mmapresource, idx, 12),
	ABI_OFF(struct ioctl_privcmd_mmapresource, num, 16),
	ABI_OFF(struct ioctl_privcmd_mmapresource, addr, 24),
	ABI_SIZE(struct privcmd_dmop_buf, 16),
	ABI_OFF(struct privcmd_dmop_buf, size, 8),
	ABI_SIZE(struct ioctl_privcmd_dmop, 16),
	ABI_OFF(struct ioctl_privcmd_dmop, num, 4),
	ABI_OFF(struct ioctl_privcmd_dmop, ubufs, 8),
	ABI_SIZE(struct ioctl_evtchn_bind_virq, 8),
	ABI_OFF(struct ioctl_evtchn_bind_virq, port, 4),
	ABI_SIZE(struct ioctl_evtchn_bind_interdomain, 12),
	ABI_OFF(struct ioctl_evtchn_bind_interdomain, remote_port, 4),
	ABI_OFF(struct ioctl_evtchn_bind_interdomain, port, 8),
	ABI_SIZE(struct ioctl_evtchn_bind_unbound_port, 8),
	ABI_OFF(struct ioctl_evtchn_bind_unbound_port, port, 4),
	ABI_SIZE(struct ioctl_evtchn_unbind, 4),
	ABI_SIZE(struct ioctl_evtchn_notify, 4),
	ABI_SIZE(struct ioctl_gntdev_unmap_notify, 16),
	ABI_OFF(struct ioctl_gntdev_unmap_notify, action, 8),
	ABI_OFF(struct ioctl_gntdev_unmap_notify, event_channel_port, 12),
	ABI_SIZE(struct ioctl_gntdev_alloc_gref, 24),
	ABI_OFF(struct ioctl_gntdev_alloc_gref, flags, 2),
	ABI_OFF(struct ioctl_gntdev_alloc_gref, count, 4),
	ABI_OFF(struct ioctl_gntdev_alloc_gref, index, 8),
	ABI_OFF(struct ioctl_gntdev_alloc_gref, gref_ids, 16),
	ABI_SIZE(struct ioctl_gntdev_dealloc_gref, 16),
	ABI_OFF(struct ioctl_gntdev_dealloc_gref, count, 8),
	ABI_SIZE(struct ioctl_gntdev_grant_ref, 8),
	ABI_OFF(struct ioctl_gntdev_grant_ref, ref, 4),
	ABI_SIZE(struct ioctl_gntdev_map_grant_ref, 24),
	ABI_OFF(struct ioctl_gntdev_map_grant_ref, index, 8),
	ABI_OFF(struct ioctl_gntdev_map_grant_ref, refs, 16),
	ABI_SIZE(struct ioctl_gntdev_unmap_grant_ref, 16),
	ABI_OFF(struct ioctl_gntdev_unmap_grant_ref, count, 8),
	ABI_SIZE(struct ioctl_gntdev_get_offset_for_vaddr, 24),
	ABI_OFF(struct ioctl_gntdev_get_offset_for_vaddr, offset, 8),
	ABI_OFF(struct ioctl_gntdev_get_offset_for_vaddr, count, 16),
};

ATF_TC_WITHOUT_HEAD(freebsd_request_codes);
ATF_TC_BODY(freebsd_request_codes, tc)
{
	abi_check_codes(codes, N(codes));
}

ATF_TC_WITHOUT_HEAD(freebsd_struct_layouts);
ATF_TC_BODY(freebsd_struct_layouts, tc)
{
	abi_check_layouts(layouts, N(layouts));
}

atf_error_t
abi_freebsd_add_tcs(atf_tp_t *tp)
{
	ATF_TP_ADD_TC(tp, freebsd_request_codes);
	ATF_TP_ADD_TC(tp, freebsd_struct_layouts);
	return (atf_no_error());
}
