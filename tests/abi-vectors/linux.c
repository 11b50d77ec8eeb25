/* SPDX-License-Identifier: BSD-2-Clause */
/* Linux: sys/linux/xen_ioctl.h against kernel-abi.md and <xen/...h>. */

#include <stdint.h>
#include <string.h>

#include <atf-c.h>

#include "sys/linux/xen_ioctl.h"
#include "abi_vectors.h"

#define N(a)	(sizeof(a) / sizeof((a)[0]))

static const struct abi_code codes[] = {
	ABI_CODE(IOCTL_PRIVCMD_HYPERCALL, 0x00305000),
	ABI_CODE(IOCTL_PRIVCMD_MMAP, 0x00105002),
	ABI_CODE(IOCTL_PRIVCMD_MMAPBATCH, 0x00185003),
	ABI_CODE(IOCTL_PRIVCMD_MMAPBATCH_V2, 0x00205004),
	ABI_CODE(IOCTL_PRIVCMD_DM_OP, 0x00105005),
	ABI_CODE(IOCTL_PRIVCMD_RESTRICT, 0x00025006),
	ABI_CODE(IOCTL_PRIVCMD_MMAP_RESOURCE, 0x00205007),
	ABI_CODE(IOCTL_EVTCHN_BIND_VIRQ, 0x00044500),
	ABI_CODE(IOCTL_EVTCHN_BIND_INTERDOMAIN, 0x00084501),
	ABI_CODE(IOCTL_EVTCHN_BIND_UNBOUND_PORT, 0x00044502),
	ABI_CODE(IOCTL_EVTCHN_UNBIND, 0x00044503),
	ABI_CODE(IOCTL_EVTCHN_NOTIFY, 0x00044504),
	ABI_CODE(IOCTL_EVTCHN_RESET, 0x00004505),
	ABI_CODE(IOCTL_EVTCHN_RESTRICT_DOMID, 0x00024506),
	ABI_CODE(IOCTL_GNTDEV_MAP_GRANT_REF, 0x00184700),
	ABI_CODE(IOCTL_GNTDEV_UNMAP_GRANT_REF, 0x00104701),
	ABI_CODE(IOCTL_GNTDEV_GET_OFFSET_FOR_VADDR, 0x00184702),
	ABI_CODE(IOCTL_GNTDEV_SET_MAX_GRANTS, 0x00044703),
	ABI_CODE(IOCTL_GNTDEV_SET_UNMAP_NOTIFY, 0x00104707),
	ABI_CODE(IOCTL_GNTDEV_GRANT_COPY, 0x00104708),
	ABI_CODE(IOCTL_GNTDEV_DMABUF_EXP_FROM_REFS, 0x00144709),
	ABI_CODE(IOCTL_GNTDEV_DMABUF_EXP_WAIT_RELEASED, 0x0008470a),
	ABI_CODE(IOCTL_GNTDEV_DMABUF_IMP_TO_REFS, 0x0014470b),
	ABI_CODE(IOCTL_GNTDEV_DMABUF_IMP_RELEASE, 0x0008470c),
	ABI_CODE(IOCTL_GNTALLOC_ALLOC_GREF, 0x00184705),
	ABI_CODE(IOCTL_GNTALLOC_DEALLOC_GREF, 0x00104706),
	ABI_CODE(IOCTL_GNTALLOC_SET_UNMAP_NOTIFY, 0x00104707),
};

static const struct abi_layout layouts[] = {
	ABI_SIZE(struct privcmd_hypercall, 48),
	ABI_OFF(struct privcmd_hypercall, arg, 8),
	ABI_SIZE(struct privcmd_mmap, 16),
	ABI_OFF(struct privcmd_mmap, dom, 4),
	ABI_OFF(struct privcmd_mmap, entry, 8),
	ABI_SIZE(struct privcmd_mmap_entry, 24),
	ABI_SIZE(struct privcmd_mmapbatch, 24),
	ABI_OFF(struct privcmd_mmapbatch, dom, 4),
	ABI_OFF(struct privcmd_mmapbatch, addr, 8),
	ABI_OFF(struct privcmd_mmapbatch, arr, 16),
	ABI_SIZE(struct privcmd_mmapbatch_v2, 32),
	ABI_OFF(struct privcmd_mmapbatch_v2, dom, 4),
	ABI_OFF(struct privcmd_mmapbatch_v2, addr, 8),
	ABI_OFF(struct privcmd_mmapbatch_v2, arr, 16),
	ABI_OFF(struct privcmd_mmapbatch_v2, err, 24),
	ABI_SIZE(struct privcmd_dm_op_buf, 16),
	ABI_OFF(struct privcmd_dm_op_buf, size, 8),
	ABI_SIZE(struct privcmd_dm_op, 16),
	ABI_OFF(struct privcmd_dm_op, num, 2),
	ABI_OFF(struct privcmd_dm_op, ubufs, 8),
	ABI_SIZE(struct privcmd_mmap_resource, 32),
	ABI_OFF(struct privcmd_mmap_resource, type, 4),
	ABI_OFF(struct privcmd_mmap_resource, id, 8),
	ABI_OFF(struct privcmd_mmap_resource, idx, 12),
	ABI_OFF(struct privcmd_mmap_resource, num, 16),
	ABI_OFF(struct privcmd_mmap_resource, addr, 24),
	ABI_SIZE(struct ioctl_evtchn_bind_virq, 4),
	ABI_SIZE(struct ioctl_evtchn_bind_interdomain, 8),
	ABI_OFF(struct ioctl_evtchn_bind_interdomain, remote_port, 4),
	ABI_SIZE(struct ioctl_evtchn_bind_unbound_port, 4),
	ABI_SIZE(struct ioctl_evtchn_unbind, 4),
	ABI_SIZE(struct ioctl_evtchn_notify, 4),
	ABI_SIZE(struct ioctl_evtchn_restrict_domid, 2),
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
	ABI_SIZE(struct ioctl_gntdev_set_max_grants, 4),
	ABI_SIZE(struct ioctl_gntdev_unmap_notify, 16),
	ABI_OFF(struct ioctl_gntdev_unmap_notify, action, 8),
	ABI_OFF(struct ioctl_gntdev_unmap_notify, event_channel_port, 12),
	ABI_SIZE(struct gntdev_grant_copy_segment, 24),
	ABI_OFF(struct gntdev_grant_copy_segment, source.foreign.ref, 0),
	ABI_OFF(struct gntdev_grant_copy_segment, source.foreign.offset, 4),
	ABI_OFF(struct gntdev_grant_copy_segment, source.foreign.domid, 6),
	ABI_OFF(struct gntdev_grant_copy_segment, dest, 8),
	ABI_OFF(struct gntdev_grant_copy_segment, len, 16),
	ABI_OFF(struct gntdev_grant_copy_segment, flags, 18),
	ABI_OFF(struct gntdev_grant_copy_segment, status, 20),
	ABI_SIZE(struct ioctl_gntdev_grant_copy, 16),
	ABI_OFF(struct ioctl_gntdev_grant_copy, segments, 8),
	ABI_SIZE(struct ioctl_gntdev_dmabuf_exp_from_refs, 20),
	ABI_OFF(struct ioctl_gntdev_dmabuf_exp_from_refs, fd, 8),
	ABI_OFF(struct ioctl_gntdev_dmabuf_exp_from_refs, domid, 12),
	ABI_OFF(struct ioctl_gntdev_dmabuf_exp_from_refs, refs, 16),
	ABI_SIZE(struct ioctl_gntdev_dmabuf_exp_wait_released, 8),
	ABI_SIZE(struct ioctl_gntdev_dmabuf_imp_to_refs, 20),
	ABI_OFF(struct ioctl_gntdev_dmabuf_imp_to_refs, domid, 8),
	ABI_OFF(struct ioctl_gntdev_dmabuf_imp_to_refs, refs, 16),
	ABI_SIZE(struct ioctl_gntdev_dmabuf_imp_release, 8),
	ABI_SIZE(struct ioctl_gntalloc_alloc_gref, 24),
	ABI_OFF(struct ioctl_gntalloc_alloc_gref, flags, 2),
	ABI_OFF(struct ioctl_gntalloc_alloc_gref, count, 4),
	ABI_OFF(struct ioctl_gntalloc_alloc_gref, index, 8),
	ABI_OFF(struct ioctl_gntalloc_alloc_gref, gref_ids, 16),
	ABI_SIZE(struct ioctl_gntalloc_dealloc_gref, 16),
	ABI_OFF(struct ioctl_gntalloc_dealloc_gref, count, 8),
	ABI_SIZE(struct ioctl_gntalloc_unmap_notify, 16),
};

/* Ours, for comparison with the kernel headers by name. */
#define OURS(n, t)	{ #n, (unsigned long)(n), sizeof(t) }
#define OURS0(n)	{ #n, (unsigned long)(n), 0 }
static const struct abi_sys ours[] = {
	OURS(IOCTL_PRIVCMD_HYPERCALL, struct privcmd_hypercall),
	OURS(IOCTL_PRIVCMD_MMAP, struct privcmd_mmap),
	OURS(IOCTL_PRIVCMD_MMAPBATCH, struct privcmd_mmapbatch),
	OURS(IOCTL_PRIVCMD_MMAPBATCH_V2, struct privcmd_mmapbatch_v2),
	OURS(IOCTL_PRIVCMD_DM_OP, struct privcmd_dm_op),
	OURS(IOCTL_PRIVCMD_RESTRICT, uint16_t),
	OURS(IOCTL_PRIVCMD_MMAP_RESOURCE, struct privcmd_mmap_resource),
	OURS(IOCTL_EVTCHN_BIND_VIRQ, struct ioctl_evtchn_bind_virq),
	OURS(IOCTL_EVTCHN_BIND_INTERDOMAIN,
	    struct ioctl_evtchn_bind_interdomain),
	OURS(IOCTL_EVTCHN_BIND_UNBOUND_PORT,
	    struct ioctl_evtchn_bind_unbound_port),
	OURS(IOCTL_EVTCHN_UNBIND, struct ioctl_evtchn_unbind),
	OURS(IOCTL_EVTCHN_NOTIFY, struct ioctl_evtchn_notify),
	OURS0(IOCTL_EVTCHN_RESET),
	OURS(IOCTL_EVTCHN_RESTRICT_DOMID, struct ioctl_evtchn_restrict_domid),
	OURS(IOCTL_GNTDEV_MAP_GRANT_REF, struct ioctl_gntdev_map_grant_ref),
	OURS(IOCTL_GNTDEV_UNMAP_GRANT_REF, struct ioctl_gntdev_unmap_grant_ref),
	OURS(IOCTL_GNTDEV_GET_OFFSET_FOR_VADDR,
	    struct ioctl_gntdev_get_offset_for_vaddr),
	OURS(IOCTL_GNTDEV_SET_MAX_GRANTS, struct ioctl_gntdev_set_max_grants),
	OURS(IOCTL_GNTDEV_SET_UNMAP_NOTIFY, struct ioctl_gntdev_unmap_notify),
	OURS(IOCTL_GNTDEV_GRANT_COPY, struct ioctl_gntdev_grant_copy),
	{ "gntdev_grant_copy_segment", 0, sizeof(struct gntdev_grant_copy_segment) },
	OURS(IOCTL_GNTDEV_DMABUF_EXP_FROM_REFS,
	    struct ioctl_gntdev_dmabuf_exp_from_refs),
	OURS(IOCTL_GNTDEV_DMABUF_EXP_WAIT_RELEASED,
	    struct ioctl_gntdev_dmabuf_exp_wait_released),
	OURS(IOCTL_GNTDEV_DMABUF_IMP_TO_REFS,
	    struct ioctl_gntdev_dmabuf_imp_to_refs),
	OURS(IOCTL_GNTDEV_DMABUF_IMP_RELEASE,
	    struct ioctl_gntdev_dmabuf_imp_release),
	OURS(IOCTL_GNTALLOC_ALLOC_GREF, struct ioctl_gntalloc_alloc_gref),
	OURS(IOCTL_GNTALLOC_DEALLOC_GREF, struct ioctl_gntalloc_dealloc_gref),
	OURS(IOCTL_GNTALLOC_SET_UNMAP_NOTIFY,
	    struct ioctl_gntalloc_unmap_notify),
};

ATF_TC_WITHOUT_HEAD(linux_request_codes);
ATF_TC_BODY(linux_request_codes, tc)
{
	abi_check_codes(codes, N(codes));
}

ATF_TC_WITHOUT_HEAD(linux_struct_layouts);
ATF_TC_BODY(linux_struct_layouts, tc)
{
	abi_check_layouts(layouts, N(layouts));
}

ATF_TC(linux_system_headers);
ATF_TC_HEAD(linux_system_headers, tc)
{
	atf_tc_set_md_var(tc, "descr", "request codes and argument sizes "
	    "equal those of the kernel's <xen/*.h>, when installed");
}
ATF_TC_BODY(linux_system_headers, tc)
{
	size_t i, j;

	if (abi_linux_sys == NULL)
		atf_tc_skip("no <xen/privcmd.h> etc. when this was built");
	for (i = 0; i < N(ours); i++) {
		for (j = 0; j < abi_linux_nsys; j++)
			if (strcmp(ours[i].name, abi_linux_sys[j].name) == 0)
				break;
		if (j == abi_linux_nsys) {
			ATF_CHECK_MSG(0, "%s: absent from the kernel's headers",
			    ours[i].name);
			continue;
		}
		ATF_CHECK_MSG(ours[i].code == abi_linux_sys[j].code,
		    "%s: ours 0x%08lx, kernel 0x%08lx", ours[i].name,
		    ours[i].code, abi_linux_sys[j].code);
		ATF_CHECK_MSG(ours[i].size == abi_linux_sys[j].size,
		    "%s: argument is %zu bytes, kernel's %zu", ours[i].name,
		    ours[i].size, abi_linux_sys[j].size);
	}
}

atf_error_t
abi_linux_add_tcs(atf_tp_t *tp)
{
	ATF_TP_ADD_TC(tp, linux_request_codes);
	ATF_TP_ADD_TC(tp, linux_struct_layouts);
	ATF_TP_ADD_TC(tp, linux_system_headers);
	return (atf_no_error());
}
