/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The Linux kernel's own Xen ioctl headers (linux-libc-dev), compiled apart
 * from ours because they use the same names.  Built with -Ishim for the
 * kernel-internal <xen/interface/xen.h> that <xen/privcmd.h> includes.
 */

#include <stddef.h>

#include "abi_vectors.h"

#if defined(__has_include)
#if __has_include(<xen/privcmd.h>) && __has_include(<xen/evtchn.h>) && \
    __has_include(<xen/gntdev.h>) && __has_include(<xen/gntalloc.h>) && \
    __has_include(<linux/types.h>)
#define HAVE_LINUX_XEN_HEADERS 1
#endif
#endif

#ifdef HAVE_LINUX_XEN_HEADERS
#include <sys/ioctl.h>
#include <linux/types.h>
#include <xen/interface/xen.h>
#include <xen/privcmd.h>
#include <xen/evtchn.h>
#include <xen/gntdev.h>
#include <xen/gntalloc.h>

#define SYS(n, t)	{ #n, (unsigned long)(n), sizeof(t) }
#define SYS0(n)		{ #n, (unsigned long)(n), 0 }
static const struct abi_sys sys[] = {
	SYS(IOCTL_PRIVCMD_HYPERCALL, struct privcmd_hypercall),
	SYS(IOCTL_PRIVCMD_MMAP, struct privcmd_mmap),
	SYS(IOCTL_PRIVCMD_MMAPBATCH, struct privcmd_mmapbatch),
	SYS(IOCTL_PRIVCMD_MMAPBATCH_V2, struct privcmd_mmapbatch_v2),
	SYS(IOCTL_PRIVCMD_DM_OP, struct privcmd_dm_op),
	SYS(IOCTL_PRIVCMD_RESTRICT, domid_t),
	SYS(IOCTL_PRIVCMD_MMAP_RESOURCE, struct privcmd_mmap_resource),
	SYS(IOCTL_EVTCHN_BIND_VIRQ, struct ioctl_evtchn_bind_virq),
	SYS(IOCTL_EVTCHN_BIND_INTERDOMAIN,
	    struct ioctl_evtchn_bind_interdomain),
	SYS(IOCTL_EVTCHN_BIND_UNBOUND_PORT,
	    struct ioctl_evtchn_bind_unbound_port),
	SYS(IOCTL_EVTCHN_UNBIND, struct ioctl_evtchn_unbind),
	SYS(IOCTL_EVTCHN_NOTIFY, struct ioctl_evtchn_notify),
	SYS0(IOCTL_EVTCHN_RESET),
	SYS(IOCTL_EVTCHN_RESTRICT_DOMID, struct ioctl_evtchn_restrict_domid),
	SYS(IOCTL_GNTDEV_MAP_GRANT_REF, struct ioctl_gntdev_map_grant_ref),
	SYS(IOCTL_GNTDEV_UNMAP_GRANT_REF, struct ioctl_gntdev_unmap_grant_ref),
	SYS(IOCTL_GNTDEV_GET_OFFSET_FOR_VADDR,
	    struct ioctl_gntdev_get_offset_for_vaddr),
	SYS(IOCTL_GNTDEV_SET_MAX_GRANTS, struct ioctl_gntdev_set_max_grants),
	SYS(IOCTL_GNTDEV_SET_UNMAP_NOTIFY, struct ioctl_gntdev_unmap_notify),
	SYS(IOCTL_GNTDEV_GRANT_COPY, struct ioctl_gntdev_grant_copy),
	{ "gntdev_grant_copy_segment", 0,
	    sizeof(struct gntdev_grant_copy_segment) },
	SYS(IOCTL_GNTDEV_DMABUF_EXP_FROM_REFS,
	    struct ioctl_gntdev_dmabuf_exp_from_refs),
	SYS(IOCTL_GNTDEV_DMABUF_EXP_WAIT_RELEASED,
	    struct ioctl_gntdev_dmabuf_exp_wait_released),
	SYS(IOCTL_GNTDEV_DMABUF_IMP_TO_REFS,
	    struct ioctl_gntdev_dmabuf_imp_to_refs),
	SYS(IOCTL_GNTDEV_DMABUF_IMP_RELEASE,
	    struct ioctl_gntdev_dmabuf_imp_release),
	SYS(IOCTL_GNTALLOC_ALLOC_GREF, struct ioctl_gntalloc_alloc_gref),
	SYS(IOCTL_GNTALLOC_DEALLOC_GREF, struct ioctl_gntalloc_dealloc_gref),
	SYS(IOCTL_GNTALLOC_SET_UNMAP_NOTIFY,
	    struct ioctl_gntalloc_unmap_notify),
};

const struct abi_sys *abi_linux_sys = sys;
const size_t abi_linux_nsys = sizeof(sys) / sizeof(sys[0]);
#else
const struct abi_sys *abi_linux_sys = NULL;
const size_t abi_linux_nsys = 0;
#endif
