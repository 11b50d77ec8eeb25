/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The hypervisor interface the simulator decodes (xenemu_xen.h) against
 * Xen's own public headers, when installed (Debian: libxen-dev).
 */

#include <stddef.h>
#include <stdint.h>

#include <atf-c.h>

#include "xenemu_xen.h"

#if defined(__has_include)
#if __has_include(<xen/xen.h>) && __has_include(<xen/sysctl.h>) && \
    __has_include(<xen/hvm/dm_op.h>)
#define HAVE_XEN_HEADERS 1
#define __XEN_TOOLS__ 1
/* Xen's headers refuse strict C99 for their anonymous unions. */
#undef __STRICT_ANSI__
#include <xen/xen.h>
#include <xen/event_channel.h>
#include <xen/grant_table.h>
#include <xen/kexec.h>
#include <xen/memory.h>
#include <xen/sysctl.h>
#include <xen/version.h>
#include <xen/hvm/dm_op.h>
#endif
#endif

#define SAME(a, b)	ATF_CHECK_EQ_MSG((long)(a), (long)(b), "%s != %s", #a, #b)
#define SZ(a, b)	SAME(sizeof(a), sizeof(b))
#define OFF(a, am, b, bm) SAME(offsetof(a, am), offsetof(b, bm))

ATF_TC_WITHOUT_HEAD(xen_public_headers);
ATF_TC_BODY(xen_public_headers, tc)
{
#ifndef HAVE_XEN_HEADERS
	atf_tc_skip("Xen's public headers were not installed at build time");
#else
	SAME(XE_HC_memory_op, __HYPERVISOR_memory_op);
	SAME(XE_HC_xen_version, __HYPERVISOR_xen_version);
	SAME(XE_HC_event_channel_op, __HYPERVISOR_event_channel_op);
	SAME(XE_HC_sysctl, __HYPERVISOR_sysctl);
	SAME(XE_HC_kexec_op, __HYPERVISOR_kexec_op);
	SAME(XE_HC_dm_op, __HYPERVISOR_dm_op);
	SAME(XE_DOMID_SELF, DOMID_SELF);
	SAME(XE_NR_VIRQS, NR_VIRQS);
	SAME(XE_XENVER_extraversion, XENVER_extraversion);
	SAME(XE_XENVER_capabilities, XENVER_capabilities);
	SAME(XE_XENVER_commandline, XENVER_commandline);
	SAME(XE_XENVER_EXTRAVERSION_LEN, sizeof(xen_extraversion_t));
	SAME(XE_XENVER_CAPABILITIES_LEN, sizeof(xen_capabilities_info_t));
	SAME(XE_XENVER_CHANGESET_LEN, sizeof(xen_changeset_info_t));
	SAME(XE_XENMEM_maximum_ram_page, XENMEM_maximum_ram_page);
	SAME(XE_XENMEM_machine_memory_map, XENMEM_machine_memory_map);
	SAME(XE_XENMEM_acquire_resource, XENMEM_acquire_resource);
	SAME(XE_XENMEM_resource_grant_table, XENMEM_resource_grant_table);
	SAME(XE_XENMEM_resource_ioreq_server, XENMEM_resource_ioreq_server);
	SZ(struct xe_memory_map, struct xen_memory_map);
	OFF(struct xe_memory_map, buffer, struct xen_memory_map, buffer);
	SAME(XE_SYSCTL_INTERFACE_VERSION, XEN_SYSCTL_INTERFACE_VERSION);
	SAME(XE_SYSCTL_physinfo, XEN_SYSCTL_physinfo);
	OFF(struct xe_sysctl, u, struct xen_sysctl, u);
	SZ(struct xe_sysctl_physinfo, struct xen_sysctl_physinfo);
	OFF(struct xe_sysctl_physinfo, nr_cpus, struct xen_sysctl_physinfo,
	    nr_cpus);
	OFF(struct xe_sysctl_physinfo, total_pages, struct xen_sysctl_physinfo,
	    total_pages);
	OFF(struct xe_sysctl_physinfo, hw_cap, struct xen_sysctl_physinfo,
	    hw_cap);
	SZ(struct xe_kexec_range, xen_kexec_range_t);
	SZ(struct xe_kexec_segment, xen_kexec_segment_t);
	OFF(struct xe_kexec_segment, dest_maddr, xen_kexec_segment_t,
	    dest_maddr);
	SZ(struct xe_kexec_load, xen_kexec_load_t);
	OFF(struct xe_kexec_load, nr_segments, xen_kexec_load_t, nr_segments);
	OFF(struct xe_kexec_load, entry_maddr, xen_kexec_load_t, entry_maddr);
	SAME(XE_KEXEC_CMD_kexec_get_range, KEXEC_CMD_kexec_get_range);
	SAME(XE_KEXEC_CMD_kexec_status, KEXEC_CMD_kexec_status);
	SAME(XE_KEXEC_RANGE_MA_VMCOREINFO, KEXEC_RANGE_MA_VMCOREINFO);
	SZ(struct xe_dm_op, struct xen_dm_op);
	OFF(struct xe_dm_op, u, struct xen_dm_op, u);
	SZ(struct xe_dm_op_buf, struct xen_dm_op_buf);
	OFF(struct xe_dm_op_create_ioreq_server, id,
	    struct xen_dm_op_create_ioreq_server, id);
	SZ(struct xe_dm_op_get_ioreq_server_info,
	    struct xen_dm_op_get_ioreq_server_info);
	OFF(struct xe_dm_op_get_ioreq_server_info, ioreq_gfn,
	    struct xen_dm_op_get_ioreq_server_info, ioreq_gfn);
	SAME(XE_DMOP_create_ioreq_server, XEN_DMOP_create_ioreq_server);
	SAME(XE_DMOP_nr_vcpus, XEN_DMOP_nr_vcpus);
	SAME(XE_DMOP_pin_memory_cacheattr, XEN_DMOP_pin_memory_cacheattr);
	SZ(struct xe_evtchn_alloc_unbound, struct evtchn_alloc_unbound);
	SZ(struct xe_evtchn_status, struct evtchn_status);
	OFF(struct xe_evtchn_status, u, struct evtchn_status, u);
	SAME(XE_EVTCHNOP_alloc_unbound, EVTCHNOP_alloc_unbound);
	SAME(XE_EVTCHNOP_status, EVTCHNOP_status);
	SZ(struct xe_grant_entry_v1, struct grant_entry_v1);
	SAME(XE_GNTST_permission_denied, GNTST_permission_denied);
	SAME(XE_GNTST_bad_copy_arg, GNTST_bad_copy_arg);
	SAME(XE_GNTCOPY_dest_gref, GNTCOPY_dest_gref);
#endif
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, xen_public_headers);
	return (atf_no_error());
}
