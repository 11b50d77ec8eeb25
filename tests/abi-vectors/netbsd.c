/* SPDX-License-Identifier: BSD-2-Clause */
/* NetBSD: sys/netbsd/xen_ioctl.h against kernel-abi.md. */

#include <stdint.h>

#include <atf-c.h>

#include "sys/netbsd/xen_ioctl.h"
#include "abi_vectors.h"

#define N(a)	(sizeof(a) / sizeof((a)[0]))

static const struct abi_code codes[] = {
	ABI_CODE(IOCTL_PRIVCMD_HYPERCALL, 0xc0385000),
	ABI_CODE(IOCTL_PRIVCMD_MMAP, 0x80105002),
	ABI_CODE(IOCTL_PRIVCMD_MMAPBATCH, 0x80185003),
	ABI_CODE(IOCTL_PRIVCMD_GET_MACH2PHYS_START_MFN, 0x40085004),
	ABI_CODE(IOCTL_PRIVCMD_INITDOMAIN_EVTCHN, 0x40045005),
	ABI_CODE(IOCTL_PRIVCMD_MMAPBATCH_V2, 0x80205006),
	ABI_CODE(IOCTL_PRIVCMD_MMAP_RESOURCE, 0x80205007),
	ABI_CODE(IOCTL_GNTDEV_MMAP_GRANT_REF, 0x80285008),
	ABI_CODE(IOCTL_GNTDEV_ALLOC_GRANT_REF, 0x80285009),
	ABI_CODE(EVTCHN_RESET, 0x20004501),
	ABI_CODE(EVTCHN_BIND, 0x80084502),
	ABI_CODE(EVTCHN_UNBIND, 0x80084503),
	ABI_CODE(IOCTL_EVTCHN_BIND_VIRQ, 0xc0084504),
	ABI_CODE(IOCTL_EVTCHN_BIND_INTERDOMAIN, 0xc00c4505),
	ABI_CODE(IOCTL_EVTCHN_BIND_UNBOUND_PORT, 0xc0084506),
	ABI_CODE(IOCTL_EVTCHN_UNBIND, 0x80044507),
	ABI_CODE(IOCTL_EVTCHN_NOTIFY, 0x80044508),
	ABI_CODE(IOCTL_EVTCHN_RESET, 0x20004509),
};

static const struct abi_layout layouts[] = {
	ABI_SIZE(struct privcmd_hypercall, 56),
	ABI_OFF(struct privcmd_hypercall, arg, 8),
	ABI_OFF(struct privcmd_hypercall, retval, 48),
	ABI_SIZE(struct privcmd_mmap_entry, 24),
	ABI_SIZE(struct privcmd_mmap, 16),
	ABI_OFF(struct privcmd_mmap, dom, 4),
	ABI_OFF(struct privcmd_mmap, entry, 8),
	ABI_SIZE(struct privcmd_mmapbatch, 24),
	ABI_OFF(struct privcmd_mmapbatch, dom, 4),
	ABI_OFF(struct privcmd_mmapbatch, addr, 8),
	ABI_OFF(struct privcmd_mmapbatch, arr, 16),
	ABI_SIZE(struct privcmd_mmapbatch_v2, 32),
	ABI_OFF(struct privcmd_mmapbatch_v2, dom, 4),
	ABI_OFF(struct privcmd_mmapbatch_v2, addr, 8),
	ABI_OFF(struct privcmd_mmapbatch_v2, arr, 16),
	ABI_OFF(struct privcmd_mmapbatch_v2, err, 24),
	ABI_SIZE(struct privcmd_mmap_resource, 32),
	ABI_OFF(struct privcmd_mmap_resource, type, 4),
	ABI_OFF(struct privcmd_mmap_resource, id, 8),
	ABI_OFF(struct privcmd_mmap_resource, idx, 12),
	ABI_OFF(struct privcmd_mmap_resource, num, 16),
	ABI_OFF(struct privcmd_mmap_resource, addr, 24),
	ABI_SIZE(struct ioctl_gntdev_grant_ref, 8),
	ABI_OFF(struct ioctl_gntdev_grant_ref, ref, 4),
	ABI_SIZE(struct ioctl_gntdev_grant_notify, 16),
	ABI_OFF(struct ioctl_gntdev_grant_notify, action, 8),
	ABI_OFF(struct ioctl_gntdev_grant_notify, event_channel_port, 12),
	ABI_SIZE(struct ioctl_gntdev_mmap_grant_ref, 40),
	ABI_OFF(struct ioctl_gntdev_mmap_grant_ref, va, 8),
	ABI_OFF(struct ioctl_gntdev_mmap_grant_ref, notify, 16),
	ABI_OFF(struct ioctl_gntdev_mmap_grant_ref, refs, 32),
	ABI_SIZE(struct ioctl_gntdev_alloc_grant_ref, 40),
	ABI_OFF(struct ioctl_gntdev_alloc_grant_ref, flags, 2),
	ABI_OFF(struct ioctl_gntdev_alloc_grant_ref, count, 4),
	ABI_OFF(struct ioctl_gntdev_alloc_grant_ref, va, 8),
	ABI_OFF(struct ioctl_gntdev_alloc_grant_ref, notify, 16),
	ABI_OFF(struct ioctl_gntdev_alloc_grant_ref, gref_ids, 32),
	ABI_SIZE(struct ioctl_evtchn_bind_virq, 8),
	ABI_OFF(struct ioctl_evtchn_bind_virq, port, 4),
	ABI_SIZE(struct ioctl_evtchn_bind_interdomain, 12),
	ABI_OFF(struct ioctl_evtchn_bind_interdomain, port, 8),
	ABI_SIZE(struct ioctl_evtchn_bind_unbound_port, 8),
	ABI_OFF(struct ioctl_evtchn_bind_unbound_port, port, 4),
	ABI_SIZE(struct ioctl_evtchn_unbind, 4),
	ABI_SIZE(struct ioctl_evtchn_notify, 4),
};

ATF_TC_WITHOUT_HEAD(netbsd_request_codes);
ATF_TC_BODY(netbsd_request_codes, tc)
{
	abi_check_codes(codes, N(codes));
}

ATF_TC_WITHOUT_HEAD(netbsd_struct_layouts);
ATF_TC_BODY(netbsd_struct_layouts, tc)
{
	abi_check_layouts(layouts, N(layouts));
}

atf_error_t
abi_netbsd_add_tcs(atf_tp_t *tp)
{
	ATF_TP_ADD_TC(tp, netbsd_request_codes);
	ATF_TP_ADD_TC(tp, netbsd_struct_layouts);
	return (atf_no_error());
}
