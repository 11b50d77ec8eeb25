/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The simulated hypervisor: domains with frames in one memfd (so every
 * mapping of a frame shares its bytes), grant tables, event channels and
 * the hypercalls the libraries make.  Domain 0 is the process under test.
 * Callers hold xe_lock.
 */

#define _GNU_SOURCE
#include <sys/mman.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "xenemu_impl.h"

struct xe_sim xe_sim;

#define CRASH_START	0x10000000ULL
#define CRASH_SIZE	0x08000000ULL
#define TOTAL_PAGES	0x100000ULL	/* 4 GiB of "machine" memory */

int
xe_sim_init(void)
{
	struct xe_dom *d0;
	unsigned int i;

	memset(&xe_sim, 0, sizeof(xe_sim));
	xe_sim.memfd = memfd_create("xenemu-frames", MFD_CLOEXEC);
	if (xe_sim.memfd == -1)
		return (-1);
	if (ftruncate(xe_sim.memfd, (off_t)XE_MAX_FRAMES * XE_PG) == -1)
		goto fail;
	xe_sim.mem = __real_mmap(NULL, (size_t)XE_MAX_FRAMES * XE_PG,
	    PROT_READ | PROT_WRITE, MAP_SHARED, xe_sim.memfd, 0);
	if (xe_sim.mem == MAP_FAILED)
		goto fail;
	xe_sim.version = 0x40011;
	strcpy(xe_sim.extraversion, ".0");
	xe_sim.sysctl_version = XE_SYSCTL_INTERFACE_VERSION;
	xe_sim.nr_cpus = 4;
	xe_sim.max_ram_page = TOTAL_PAGES;
	xe_sim.crash_start = CRASH_START;
	xe_sim.crash_size = CRASH_SIZE;

	/* Domain 0: the caller, with a little memory of its own. */
	d0 = &xe_sim.dom[0];
	d0->exists = 1;
	d0->nframes = 16;
	d0->nr_vcpus = xe_sim.nr_cpus;
	d0->mfn = calloc(d0->nframes, sizeof(*d0->mfn));
	d0->fstate = calloc(d0->nframes, 1);
	if (d0->mfn == NULL || d0->fstate == NULL)
		goto fail;
	for (i = 0; i < d0->nframes; i++)
		if (xe_frame_alloc(&d0->mfn[i]) != 0)
			goto fail;
	for (i = 0; i < XE_GNTTAB_FRAMES; i++)
		if (xe_frame_alloc(&d0->gnttab_mfn[i]) != 0)
			goto fail;
	return (0);
fail:
	xe_sim_fini();
	return (-1);
}

void
xe_sim_fini(void)
{
	unsigned int i;

	for (i = 0; i < XE_MAX_DOMS; i++) {
		free(xe_sim.dom[i].mfn);
		free(xe_sim.dom[i].fstate);
	}
	if (xe_sim.mem != NULL && xe_sim.mem != MAP_FAILED)
		__real_munmap(xe_sim.mem, (size_t)XE_MAX_FRAMES * XE_PG);
	if (xe_sim.memfd > 0)
		__real_close(xe_sim.memfd);
	memset(&xe_sim, 0, sizeof(xe_sim));
}

struct xe_dom *
xe_dom_get(uint32_t domid)
{
	if (domid == XE_DOMID_SELF)
		domid = 0;
	if (domid >= XE_MAX_DOMS || !xe_sim.dom[domid].exists)
		return (NULL);
	return (&xe_sim.dom[domid]);
}

int
xe_frame_alloc(uint32_t *mfn)
{
	uint32_t i;

	/* Frame 0 stays unused so that 0 never names a real frame. */
	for (i = 1; i < XE_MAX_FRAMES; i++)
		if (!xe_sim.frame_used[i]) {
			xe_sim.frame_used[i] = 1;
			memset(xe_mfn_ptr(i), 0, XE_PG);
			*mfn = i;
			return (0);
		}
	return (-ENOMEM);
}

void
xe_frame_free(uint32_t mfn)
{
	if (mfn > 0 && mfn < XE_MAX_FRAMES)
		xe_sim.frame_used[mfn] = 0;
}

void *
xe_mfn_ptr(uint32_t mfn)
{
	return (xe_sim.mem + (size_t)mfn * XE_PG);
}

int
xe_gfn_lookup(uint16_t domid, uint64_t gfn, uint32_t *mfn)
{
	struct xe_dom *d;
	unsigned int i;

	if ((d = xe_dom_get(domid)) == NULL)
		return (-ESRCH);
	for (i = 0; i < d->nalias && gfn >= d->nframes; i++)
		if (d->alias_gfn[i] == gfn)
			gfn = d->alias_to[i];
	if (gfn >= d->nframes)
		return (-EINVAL);
	switch (d->fstate[gfn]) {
	case XENEMU_FRAME_PAGED:
		return (-ENOENT);
	case XENEMU_FRAME_BAD:
		return (-EINVAL);
	case XENEMU_FRAME_EPERM:
		return (-EPERM);
	}
	*mfn = d->mfn[gfn];
	return (0);
}

/* ---- grant tables ---- */

static void
gnttab_write(uint16_t granter, uint32_t ref)
{
	struct xe_dom *d = &xe_sim.dom[granter];
	struct xe_grant *g = &d->grants[ref];
	struct xe_grant_entry_v1 *e;

	/* Keep the v1 table in the resource frames truthful. */
	e = (struct xe_grant_entry_v1 *)xe_mfn_ptr(d->gnttab_mfn[ref / 512]) +
	    ref % 512;
	if (!g->active) {
		memset(e, 0, sizeof(*e));
		return;
	}
	e->flags = XE_GTF_permit_access | (g->readonly ? XE_GTF_readonly : 0);
	e->domid = g->grantee;
	e->frame = (uint32_t)g->gfn;
}

struct xe_grant *
xe_grant_get(uint16_t domid, uint32_t ref)
{
	struct xe_dom *d;

	if ((d = xe_dom_get(domid)) == NULL || ref >= XE_NGRANTS ||
	    !d->grants[ref].active)
		return (NULL);
	return (&d->grants[ref]);
}

long
xe_grant_new(uint16_t granter, uint16_t grantee, uint32_t mfn, uint64_t gfn,
    int readonly)
{
	struct xe_dom *d;
	uint32_t ref;

	if ((d = xe_dom_get(granter)) == NULL)
		return (-ESRCH);
	/* Refs 0-7 are reserved by convention (console, xenstore). */
	for (ref = 8; ref < XE_NGRANTS; ref++)
		if (!d->grants[ref].active) {
			d->grants[ref].active = 1;
			d->grants[ref].grantee = grantee;
			d->grants[ref].mfn = mfn;
			d->grants[ref].gfn = gfn;
			d->grants[ref].readonly = readonly;
			d->grants[ref].maps = 0;
			gnttab_write(granter, ref);
			return (ref);
		}
	return (-ENOSPC);
}

void
xe_grant_end(uint16_t granter, uint32_t ref)
{
	struct xe_dom *d;

	if ((d = xe_dom_get(granter)) == NULL || ref >= XE_NGRANTS)
		return;
	memset(&d->grants[ref], 0, sizeof(d->grants[ref]));
	gnttab_write(granter, ref);
}

/* ---- event channels ---- */

struct xe_port *
xe_port_get(uint16_t domid, uint32_t port)
{
	struct xe_dom *d;

	if ((d = xe_dom_get(domid)) == NULL || port == 0 || port >= XE_NPORTS)
		return (NULL);
	return (&d->ports[port]);
}

static long
port_alloc(struct xe_dom *d)
{
	uint32_t p;

	for (p = 1; p < XE_NPORTS; p++)
		if (d->ports[p].state == XENEMU_PORT_FREE) {
			memset(&d->ports[p], 0, sizeof(d->ports[p]));
			return (p);
		}
	return (-ENOSPC);
}

long
xe_evt_alloc_unbound(uint16_t domid, uint16_t remote)
{
	struct xe_dom *d;
	long p;

	if ((d = xe_dom_get(domid)) == NULL)
		return (-ESRCH);
	if (remote == XE_DOMID_SELF)
		remote = (uint16_t)(d - xe_sim.dom);
	if (xe_dom_get(remote) == NULL)
		return (-ESRCH);
	if ((p = port_alloc(d)) < 0)
		return (p);
	d->ports[p].state = XENEMU_PORT_UNBOUND;
	d->ports[p].rdom = remote;
	return (p);
}

long
xe_evt_bind_interdomain(uint16_t domid, uint16_t rdom, uint32_t rport)
{
	struct xe_dom *d, *rd;
	struct xe_port *rp;
	uint16_t self;
	long p;

	if ((d = xe_dom_get(domid)) == NULL)
		return (-ESRCH);
	self = (uint16_t)(d - xe_sim.dom);
	if (rdom == XE_DOMID_SELF)
		rdom = self;
	if ((rd = xe_dom_get(rdom)) == NULL)
		return (-ESRCH);
	if (rport == 0 || rport >= XE_NPORTS)
		return (-EINVAL);
	rp = &rd->ports[rport];
	if (rp->state != XENEMU_PORT_UNBOUND || rp->rdom != self)
		return (-EINVAL);
	if ((p = port_alloc(d)) < 0)
		return (p);
	d->ports[p].state = XENEMU_PORT_INTERDOMAIN;
	d->ports[p].rdom = rdom;
	d->ports[p].rport = rport;
	rp->state = XENEMU_PORT_INTERDOMAIN;
	rp->rdom = self;
	rp->rport = (uint32_t)p;
	return (p);
}

long
xe_evt_bind_virq(uint16_t domid, uint32_t virq)
{
	struct xe_dom *d;
	uint32_t p;
	long np;

	if ((d = xe_dom_get(domid)) == NULL)
		return (-ESRCH);
	if (virq >= XE_NR_VIRQS)
		return (-EINVAL);
	for (p = 1; p < XE_NPORTS; p++)
		if (d->ports[p].state == XENEMU_PORT_VIRQ &&
		    d->ports[p].virq == virq)
			return (-EEXIST);
	if ((np = port_alloc(d)) < 0)
		return (np);
	d->ports[np].state = XENEMU_PORT_VIRQ;
	d->ports[np].virq = virq;
	return (np);
}

long
xe_evt_close(uint16_t domid, uint32_t port)
{
	struct xe_port *p, *rp;
	uint16_t self;

	if ((p = xe_port_get(domid, port)) == NULL ||
	    p->state == XENEMU_PORT_FREE)
		return (-EINVAL);
	self = domid == XE_DOMID_SELF ? 0 : domid;
	if (p->state == XENEMU_PORT_INTERDOMAIN &&
	    (rp = xe_port_get(p->rdom, p->rport)) != NULL) {
		/* The other end falls back to unbound, as in Xen. */
		rp->state = XENEMU_PORT_UNBOUND;
		rp->rdom = self;
		rp->rport = 0;
	}
	memset(p, 0, sizeof(*p));
	return (0);
}

/* Raise `port' of `domid'; deliver to its device if it has one. */
static void
evt_raise(uint16_t domid, uint32_t port)
{
	struct xe_port *p;

	if ((p = xe_port_get(domid, port)) == NULL)
		return;
	if (p->owner != NULL && !p->masked) {
		p->masked = 1;	/* the kernel masks until write()n back */
		p->pending = 0;
		xe_evt_deliver(p->owner, port);
	} else
		p->pending = 1;
}

long
xe_evt_send(uint16_t domid, uint32_t port)
{
	struct xe_port *p;

	if ((p = xe_port_get(domid, port)) == NULL)
		return (-EINVAL);
	switch (p->state) {
	case XENEMU_PORT_INTERDOMAIN:
		evt_raise(p->rdom, p->rport);
		return (0);
	case XENEMU_PORT_UNBOUND:
		return (0);	/* nobody listens yet */
	case XENEMU_PORT_VIRQ:
		return (-EINVAL);
	}
	return (-EINVAL);
}

void
xe_evt_unmask(uint16_t domid, uint32_t port)
{
	struct xe_port *p;

	if ((p = xe_port_get(domid, port)) == NULL || !p->masked)
		return;
	p->masked = 0;
	if (p->pending)
		evt_raise(domid, port);
}

/* ---- hypercalls ---- */

/* Note a guest buffer the hypercall touches; NULL is a fault. */
static void *
gbuf(uint64_t addr, size_t len)
{
	void *p = (void *)(uintptr_t)addr;

	if (p == NULL)
		return (NULL);
	xe_sim.cur_bufs++;
	if (!xe_is_locked_mem(p, len))
		xe_sim.cur_unlocked++;
	return (p);
}

static long
hc_xen_version(const uint64_t a[5])
{
	char *buf;
	size_t len;
	const char *s;
	char cap[] = "xen-3.0-x86_64 hvm-3.0-x86_32 hvm-3.0-x86_32p "
	    "hvm-3.0-x86_64";

	switch (a[0]) {
	case XE_XENVER_version:
		return (xe_sim.version);
	case XE_XENVER_pagesize:
		return (XE_PAGE_SIZE);
	case XE_XENVER_extraversion:
		s = xe_sim.extraversion;
		len = XE_XENVER_EXTRAVERSION_LEN;
		break;
	case XE_XENVER_capabilities:
		s = cap;
		len = XE_XENVER_CAPABILITIES_LEN;
		break;
	case XE_XENVER_changeset:
		s = "xenemu";
		len = XE_XENVER_CHANGESET_LEN;
		break;
	case XE_XENVER_commandline:
		s = "console=com1 dom0_mem=1024M";
		len = XE_XENVER_COMMANDLINE_LEN;
		break;
	case XE_XENVER_platform_parameters: {
		uint64_t *virt;

		if ((virt = gbuf(a[1], sizeof(*virt))) == NULL)
			return (-EFAULT);
		*virt = 0xffff800000000000ULL;
		return (0);
	}
	case XE_XENVER_get_features: {
		struct xe_feature_info *fi;

		if ((fi = gbuf(a[1], sizeof(*fi))) == NULL)
			return (-EFAULT);
		fi->submap = fi->submap_idx == 0 ? 0x2705 : 0;
		return (0);
	}
	default:
		return (-ENOSYS);
	}
	if ((buf = gbuf(a[1], len)) == NULL)
		return (-EFAULT);
	memset(buf, 0, len);
	strncpy(buf, s, len - 1);
	return (0);
}

static long
hc_memory_op(const uint64_t a[5])
{
	struct xe_dom *d;
	uint16_t *domid;

	switch (a[0] & XE_MEMOP_CMD_MASK) {
	case XE_XENMEM_maximum_ram_page:
		return ((long)xe_sim.max_ram_page);
	case XE_XENMEM_current_reservation:
	case XE_XENMEM_maximum_reservation:
		if ((domid = gbuf(a[1], sizeof(*domid))) == NULL)
			return (-EFAULT);
		if ((d = xe_dom_get(*domid)) == NULL)
			return (-ESRCH);
		return (d->nframes);
	case XE_XENMEM_machine_memory_map:
	case XE_XENMEM_memory_map: {
		static const struct xe_e820entry e820[] = {
			{ 0, 0x9f000, 1 },
			{ 0xf0000, 0x10000, 2 },
			{ 0x100000, TOTAL_PAGES * XE_PAGE_SIZE - 0x100000, 1 },
		};
		struct xe_memory_map *mm;
		struct xe_e820entry *e;
		unsigned int n = sizeof(e820) / sizeof(e820[0]);

		if ((mm = gbuf(a[1], sizeof(*mm))) == NULL)
			return (-EFAULT);
		if (mm->nr_entries < n)
			return (-EINVAL);
		if ((e = gbuf(mm->buffer, n * sizeof(*e))) == NULL)
			return (-EFAULT);
		memcpy(e, e820, sizeof(e820));
		mm->nr_entries = n;
		return (0);
	}
	default:
		return (-ENOSYS);
	}
}

static long
hc_sysctl(const uint64_t a[5])
{
	struct xe_sysctl *sc;
	struct xe_sysctl_physinfo *pi;

	if ((sc = gbuf(a[0], sizeof(*sc))) == NULL)
		return (-EFAULT);
	if (sc->interface_version != xe_sim.sysctl_version)
		return (-EACCES);
	switch (sc->cmd) {
	case XE_SYSCTL_physinfo:
		pi = &sc->u.physinfo;
		memset(pi, 0, sizeof(*pi));
		pi->threads_per_core = 1;
		pi->cores_per_socket = xe_sim.nr_cpus;
		pi->nr_cpus = xe_sim.nr_cpus;
		pi->max_cpu_id = xe_sim.nr_cpus - 1;
		pi->nr_nodes = 1;
		pi->max_node_id = 0;
		pi->cpu_khz = 2000000;
		pi->capabilities = 3;	/* hvm | pv */
		pi->total_pages = TOTAL_PAGES;
		pi->free_pages = TOTAL_PAGES / 2;
		pi->max_mfn = TOTAL_PAGES - 1;
		return (0);
	default:
		return (-ENOSYS);
	}
}

static uint32_t
bytesum(const void *p, size_t n)
{
	const uint8_t *b = p;
	uint32_t s = 0;

	while (n-- > 0)
		s += *b++;
	return (s);
}

static long
kexec_load(struct xe_kexec_load *kl, struct xenemu_kexec_op *rec)
{
	struct xe_kexec_segment *seg;
	const void *buf;
	unsigned int i;

	rec->type = kl->type;
	rec->nr_segments = kl->nr_segments;
	rec->entry = kl->entry_maddr;
	if (kl->type > XE_KEXEC_TYPE_CRASH)
		return (-EINVAL);
	if (kl->arch != XE_EM_X86_64 && kl->arch != XE_EM_386)
		return (-EINVAL);
	if (kl->nr_segments == 0 || kl->nr_segments > XE_KEXEC_SEGMENT_MAX)
		return (-EINVAL);
	if ((seg = gbuf(kl->segments, kl->nr_segments * sizeof(*seg))) == NULL)
		return (-EFAULT);
	for (i = 0; i < kl->nr_segments; i++) {
		rec->seg[i].buf_size = seg[i].buf_size;
		rec->seg[i].dest_maddr = seg[i].dest_maddr;
		rec->seg[i].dest_size = seg[i].dest_size;
		if (seg[i].dest_maddr % XE_PAGE_SIZE != 0 ||
		    seg[i].dest_size % XE_PAGE_SIZE != 0 ||
		    seg[i].buf_size > seg[i].dest_size)
			return (-EINVAL);
		/*
		 * A crash image's segments with a buffer lie in the crash
		 * area; one without is not checked (Xen's kimage.c,
		 * kimage_crash_alloc(), 4.17: guest_handle_is_null).
		 */
		if (kl->type == XE_KEXEC_TYPE_CRASH && seg[i].buf != 0 &&
		    (seg[i].dest_maddr < xe_sim.crash_start ||
		    seg[i].dest_maddr + seg[i].dest_size >
		    xe_sim.crash_start + xe_sim.crash_size))
			return (-EINVAL);
		if (seg[i].buf_size > 0) {
			if ((buf = gbuf(seg[i].buf, seg[i].buf_size)) == NULL)
				return (-EFAULT);
			rec->seg[i].sum = bytesum(buf, seg[i].buf_size);
		}
	}
	if (kl->type == XE_KEXEC_TYPE_CRASH &&
	    (kl->entry_maddr < xe_sim.crash_start ||
	    kl->entry_maddr >= xe_sim.crash_start + xe_sim.crash_size))
		return (-EINVAL);
	xe_sim.kexec_loaded[kl->type] = 1;
	return (0);
}

static long
hc_kexec_op(const uint64_t a[5])
{
	struct xenemu_kexec_op rec;
	long ret;

	memset(&rec, 0, sizeof(rec));
	rec.cmd = (unsigned int)a[0];
	switch (a[0]) {
	case XE_KEXEC_CMD_kexec_get_range: {
		struct xe_kexec_range *r;

		if ((r = gbuf(a[1], sizeof(*r))) == NULL) {
			ret = -EFAULT;
			break;
		}
		rec.type = r->range;
		ret = 0;
		switch (r->range) {
		case XE_KEXEC_RANGE_MA_CRASH:
			r->start = xe_sim.crash_start;
			r->size = xe_sim.crash_size;
			break;
		case XE_KEXEC_RANGE_MA_XEN:
			r->start = 0x200000;
			r->size = 0x600000;
			break;
		case XE_KEXEC_RANGE_MA_CPU:
			if (r->nr < 0 || (unsigned int)r->nr >= xe_sim.nr_cpus) {
				ret = -EINVAL;
				break;
			}
			r->start = 0x7f000000ULL + (uint64_t)r->nr * 0x1000;
			r->size = 0x400;
			break;
		case XE_KEXEC_RANGE_MA_VMCOREINFO:
			r->start = 0x7e000000ULL;
			r->size = 0x1000;
			break;
		case XE_KEXEC_RANGE_MA_EFI_MEMMAP:
			r->start = 0;
			r->size = 0;
			break;
		default:	/* XENHEAP, BOOT_PARAM: not on x86_64 */
			ret = -EINVAL;
		}
		break;
	}
	case XE_KEXEC_CMD_kexec_load: {
		struct xe_kexec_load *kl;

		if ((kl = gbuf(a[1], sizeof(*kl))) == NULL)
			ret = -EFAULT;
		else
			ret = kexec_load(kl, &rec);
		break;
	}
	case XE_KEXEC_CMD_kexec_unload:
	case XE_KEXEC_CMD_kexec_status: {
		struct xe_kexec_unload *ku;

		if ((ku = gbuf(a[1], sizeof(*ku))) == NULL) {
			ret = -EFAULT;
			break;
		}
		rec.type = ku->type;
		if (ku->type > XE_KEXEC_TYPE_CRASH)
			ret = -EINVAL;
		else if (a[0] == XE_KEXEC_CMD_kexec_status)
			ret = xe_sim.kexec_loaded[ku->type];
		else {
			xe_sim.kexec_loaded[ku->type] = 0;
			ret = 0;
		}
		break;
	}
	case XE_KEXEC_CMD_kexec: {
		struct xe_kexec_exec *ke;

		if ((ke = gbuf(a[1], sizeof(*ke))) == NULL) {
			ret = -EFAULT;
			break;
		}
		rec.type = ke->type;
		if (ke->type < 0 || ke->type > XE_KEXEC_TYPE_CRASH)
			ret = -EINVAL;
		else
			ret = xe_sim.kexec_loaded[ke->type] ? 0 : -ENOENT;
		break;
	}
	default:
		ret = -EINVAL;
	}
	rec.ret = ret;
	xe_sim.last_kx = rec;
	return (ret);
}

static long
hc_event_channel_op(const uint64_t a[5])
{
	switch (a[0]) {
	case XE_EVTCHNOP_alloc_unbound: {
		struct xe_evtchn_alloc_unbound *au;
		long p;

		if ((au = gbuf(a[1], sizeof(*au))) == NULL)
			return (-EFAULT);
		if (au->dom != XE_DOMID_SELF && au->dom != 0)
			return (-EPERM);
		if ((p = xe_evt_alloc_unbound(0, au->remote_dom)) < 0)
			return (p);
		au->port = (uint32_t)p;
		return (0);
	}
	case XE_EVTCHNOP_send: {
		struct xe_evtchn_port_arg *s;

		if ((s = gbuf(a[1], sizeof(*s))) == NULL)
			return (-EFAULT);
		return (xe_evt_send(0, s->port));
	}
	case XE_EVTCHNOP_status: {
		struct xe_evtchn_status *st;
		struct xe_port *p;

		if ((st = gbuf(a[1], sizeof(*st))) == NULL)
			return (-EFAULT);
		if ((p = xe_port_get(st->dom, st->port)) == NULL)
			return (xe_dom_get(st->dom) == NULL ? -ESRCH : -EINVAL);
		st->status = (uint32_t)p->state;
		st->vcpu = 0;
		memset(&st->u, 0, sizeof(st->u));
		if (p->state == XENEMU_PORT_UNBOUND)
			st->u.unbound.dom = p->rdom;
		else if (p->state == XENEMU_PORT_INTERDOMAIN) {
			st->u.interdomain.dom = p->rdom;
			st->u.interdomain.port = p->rport;
		} else if (p->state == XENEMU_PORT_VIRQ)
			st->u.virq = p->virq;
		return (0);
	}
	default:
		return (-ENOSYS);
	}
}

long
xe_resource_frames(uint16_t domid, uint32_t type, uint32_t id,
    uint32_t *mfns, unsigned int max)
{
	struct xe_dom *d;
	unsigned int i, n;
	const uint32_t *src;

	if ((d = xe_dom_get(domid)) == NULL)
		return (-ESRCH);
	switch (type) {
	case XE_XENMEM_resource_grant_table:
		if (id != XE_XENMEM_resource_grant_table_id_shared)
			return (-EINVAL);	/* v1 tables have no status */
		src = d->gnttab_mfn;
		n = XE_GNTTAB_FRAMES;
		break;
	case XE_XENMEM_resource_ioreq_server:
		if (id >= XE_MAX_IOREQ || !d->ioreq[id].active)
			return (-ENOENT);
		src = d->ioreq[id].mfn;
		n = 2;
		break;
	default:
		return (-EOPNOTSUPP);
	}
	for (i = 0; i < n && i < max; i++)
		mfns[i] = src[i];
	return (n);
}

static long
dm_op_do(struct xe_dom *d, struct xe_dm_op *op, unsigned int n,
    void *const *ptr, const size_t *size)
{
	unsigned int i;
	uint16_t id;

	switch (op->op) {
	case XE_DMOP_create_ioreq_server:
		for (i = 0; i < XE_MAX_IOREQ; i++)
			if (!d->ioreq[i].active)
				break;
		if (i == XE_MAX_IOREQ)
			return (-ENOSPC);
		if (xe_frame_alloc(&d->ioreq[i].mfn[0]) != 0)
			return (-ENOMEM);
		if (xe_frame_alloc(&d->ioreq[i].mfn[1]) != 0) {
			xe_frame_free(d->ioreq[i].mfn[0]);
			return (-ENOMEM);
		}
		d->ioreq[i].active = 1;
		d->ioreq[i].state = 0;
		op->u.create_ioreq_server.id = (uint16_t)i;
		return (0);
	case XE_DMOP_get_ioreq_server_info:
	case XE_DMOP_map_io_range_to_ioreq_server:
	case XE_DMOP_unmap_io_range_from_ioreq_server:
	case XE_DMOP_set_ioreq_server_state:
	case XE_DMOP_destroy_ioreq_server:
	case XE_DMOP_map_mem_type_to_ioreq_server:
		id = op->u.ioreq_server.id;
		if (id >= XE_MAX_IOREQ || !d->ioreq[id].active)
			return (-ENOENT);
		if (op->op == XE_DMOP_get_ioreq_server_info) {
			struct xe_dm_op_get_ioreq_server_info *gi =
			    &op->u.get_ioreq_server_info;

			gi->bufioreq_port = 40 + id;
			if (gi->flags & XE_DMOP_no_gfns)
				gi->ioreq_gfn = gi->bufioreq_gfn = 0;
			else {
				gi->ioreq_gfn = 0xfeff0 - 2 * id;
				gi->bufioreq_gfn = 0xfeff1 - 2 * id;
			}
		} else if (op->op == XE_DMOP_set_ioreq_server_state)
			d->ioreq[id].state = op->u.raw[2];
		else if (op->op == XE_DMOP_destroy_ioreq_server) {
			xe_frame_free(d->ioreq[id].mfn[0]);
			xe_frame_free(d->ioreq[id].mfn[1]);
			memset(&d->ioreq[id], 0, sizeof(d->ioreq[id]));
		}
		return (0);
	case XE_DMOP_track_dirty_vram: {
		/*
		 * Xen's struct xen_dm_op_track_dirty_vram: nr (uint32) at 0,
		 * first_pfn (uint64) at 8.  One bit per frame, frame
		 * first_pfn + i in bit i % 8 of byte i / 8.  The emulated
		 * guest has dirtied every frame whose pfn is a multiple of 3
		 * (xenemu(3)); the other bits are cleared.
		 */
		uint32_t nr, b;
		uint64_t first;
		uint8_t *bm = ptr[1];

		if (n < 2)
			return (-EINVAL);
		memcpy(&nr, op->u.raw, sizeof(nr));
		memcpy(&first, op->u.raw + 8, sizeof(first));
		memset(bm, 0, size[1]);
		for (b = 0; b < nr && b / 8 < size[1]; b++)
			if ((first + b) % 3 == 0)
				bm[b / 8] |= (uint8_t)(1U << (b % 8));
		return (0);
	}
	case XE_DMOP_modified_memory:
		return (n < 2 ? -EINVAL : 0);
	case XE_DMOP_nr_vcpus:
		op->u.nr_vcpus.vcpus = d->nr_vcpus;
		return (0);
	case XE_DMOP_set_pci_intx_level:
	case XE_DMOP_set_isa_irq_level:
	case XE_DMOP_set_pci_link_route:
	case XE_DMOP_set_mem_type:
	case XE_DMOP_inject_event:
	case XE_DMOP_inject_msi:
	case XE_DMOP_remote_shutdown:
	case XE_DMOP_relocate_memory:
	case XE_DMOP_pin_memory_cacheattr:
		return (0);
	default:
		return (-EOPNOTSUPP);
	}
}

long
xe_dm_op(uint16_t domid, unsigned int n, void *const *ptr, const size_t *size)
{
	struct xenemu_dm_op *rec = &xe_sim.last_dm;
	struct xe_dm_op op;
	struct xe_dom *d;
	unsigned int i;
	long ret;

	memset(rec, 0, sizeof(*rec));
	xe_sim.ndm++;
	rec->domid = domid;
	rec->nr_bufs = n;
	for (i = 0; i < n && i < 4; i++)
		rec->size[i] = size[i];
	if (n == 0 || ptr[0] == NULL)
		return (rec->ret = -EFAULT);
	if (size[0] < offsetof(struct xe_dm_op, u))
		return (rec->ret = -EFAULT);
	memset(&op, 0, sizeof(op));
	memcpy(&op, ptr[0], size[0] < sizeof(op) ? size[0] : sizeof(op));
	rec->op = op.op;
	memcpy(rec->arg, ptr[0], size[0] < sizeof(rec->arg) ? size[0] :
	    sizeof(rec->arg));
	/* What the caller sent in buffer 1 (extents, bitmaps), before use. */
	if (n > 1 && ptr[1] != NULL)
		memcpy(rec->arg1, ptr[1], size[1] < sizeof(rec->arg1) ?
		    size[1] : sizeof(rec->arg1));
	if ((d = xe_dom_get(domid)) == NULL || domid == 0 ||
	    domid == XE_DOMID_SELF)
		return (rec->ret = -ESRCH);
	ret = dm_op_do(d, &op, n, ptr, size);
	if (ret == 0)
		memcpy(ptr[0], &op, size[0] < sizeof(op) ? size[0] :
		    sizeof(op));
	return (rec->ret = ret);
}

static long
hc_dm_op(const uint64_t a[5])
{
	struct xe_dm_op_buf *b;
	void *ptr[16];
	size_t size[16];
	unsigned int i, n = (unsigned int)a[1];

	if (n > 16)
		return (-E2BIG);
	if (n > 0 && (b = gbuf(a[2], n * sizeof(*b))) == NULL)
		return (-EFAULT);
	for (i = 0; i < n; i++) {
		size[i] = (size_t)b[i].size;
		if ((ptr[i] = gbuf(b[i].h, size[i])) == NULL)
			return (-EFAULT);
	}
	return (xe_dm_op((uint16_t)a[0], n, ptr, size));
}

long
xe_hypercall(uint64_t op, const uint64_t a[5])
{
	struct xenemu_hypercall *rec = &xe_sim.last_hc;
	long ret;

	xe_sim.cur_bufs = xe_sim.cur_unlocked = 0;
	switch (op) {
	case XE_HC_xen_version:
		ret = hc_xen_version(a);
		break;
	case XE_HC_memory_op:
		ret = hc_memory_op(a);
		break;
	case XE_HC_sysctl:
		ret = hc_sysctl(a);
		break;
	case XE_HC_kexec_op:
		ret = hc_kexec_op(a);
		break;
	case XE_HC_dm_op:
		ret = hc_dm_op(a);
		break;
	case XE_HC_event_channel_op:
		ret = hc_event_channel_op(a);
		break;
	default:
		ret = -ENOSYS;
	}
	rec->op = op;
	memcpy(rec->arg, a, sizeof(rec->arg));
	rec->ret = ret;
	rec->bufs = xe_sim.cur_bufs;
	rec->unlocked_bufs = xe_sim.cur_unlocked;
	xe_sim.nhc++;
	return (ret);
}

/* ---- the test's side: public API ---- */

int
xenemu_domain_create(unsigned int nframes)
{
	struct xe_dom *d;
	unsigned int i, id;
	int ret = -1;

	pthread_mutex_lock(&xe_lock);
	for (id = 1; id < XE_MAX_DOMS; id++)
		if (!xe_sim.dom[id].exists)
			break;
	if (id == XE_MAX_DOMS || xe_sim.mem == NULL) {
		errno = ENOSPC;
		goto out;
	}
	d = &xe_sim.dom[id];
	memset(d, 0, sizeof(*d));
	d->nframes = nframes;
	d->nr_vcpus = 2;
	d->mfn = calloc(nframes ? nframes : 1, sizeof(*d->mfn));
	d->fstate = calloc(nframes ? nframes : 1, 1);
	if (d->mfn == NULL || d->fstate == NULL)
		goto nomem;
	for (i = 0; i < nframes; i++)
		if (xe_frame_alloc(&d->mfn[i]) != 0)
			goto nomem;
	for (i = 0; i < XE_GNTTAB_FRAMES; i++)
		if (xe_frame_alloc(&d->gnttab_mfn[i]) != 0)
			goto nomem;
	d->exists = 1;
	ret = (int)id;
	goto out;
nomem:
	for (i = 0; i < nframes && d->mfn != NULL; i++)
		xe_frame_free(d->mfn[i]);
	for (i = 0; i < XE_GNTTAB_FRAMES; i++)
		xe_frame_free(d->gnttab_mfn[i]);
	free(d->mfn);
	free(d->fstate);
	memset(d, 0, sizeof(*d));
	errno = ENOMEM;
out:
	pthread_mutex_unlock(&xe_lock);
	return (ret);
}

int
xenemu_domain_destroy(uint16_t domid)
{
	struct xe_dom *d;
	unsigned int i;

	pthread_mutex_lock(&xe_lock);
	if (domid == 0 || (d = xe_dom_get(domid)) == NULL) {
		pthread_mutex_unlock(&xe_lock);
		errno = ESRCH;
		return (-1);
	}
	for (i = 1; i < XE_NPORTS; i++)
		if (d->ports[i].state != XENEMU_PORT_FREE)
			(void)xe_evt_close(domid, i);
	for (i = 0; i < d->nframes; i++)
		xe_frame_free(d->mfn[i]);
	for (i = 0; i < XE_GNTTAB_FRAMES; i++)
		xe_frame_free(d->gnttab_mfn[i]);
	for (i = 0; i < XE_MAX_IOREQ; i++)
		if (d->ioreq[i].active) {
			xe_frame_free(d->ioreq[i].mfn[0]);
			xe_frame_free(d->ioreq[i].mfn[1]);
		}
	free(d->mfn);
	free(d->fstate);
	memset(d, 0, sizeof(*d));
	pthread_mutex_unlock(&xe_lock);
	return (0);
}

void *
xenemu_frame(uint16_t domid, uint64_t gfn)
{
	struct xe_dom *d;
	void *p = NULL;

	pthread_mutex_lock(&xe_lock);
	if ((d = xe_dom_get(domid)) != NULL && gfn < d->nframes)
		p = xe_mfn_ptr(d->mfn[gfn]);
	pthread_mutex_unlock(&xe_lock);
	return (p);
}

int
xenemu_frame_state(uint16_t domid, uint64_t gfn, enum xenemu_frame_state st)
{
	struct xe_dom *d;
	int ret = -1;

	pthread_mutex_lock(&xe_lock);
	if ((d = xe_dom_get(domid)) != NULL && gfn < d->nframes) {
		d->fstate[gfn] = (uint8_t)st;
		ret = 0;
	}
	pthread_mutex_unlock(&xe_lock);
	return (ret);
}

int
xenemu_gfn_alias(uint16_t domid, uint64_t gfn, uint64_t to)
{
	struct xe_dom *d;
	int ret = -1;

	pthread_mutex_lock(&xe_lock);
	if ((d = xe_dom_get(domid)) != NULL && gfn >= d->nframes &&
	    to < d->nframes && d->nalias < XE_NALIAS) {
		d->alias_gfn[d->nalias] = gfn;
		d->alias_to[d->nalias++] = to;
		ret = 0;
	}
	pthread_mutex_unlock(&xe_lock);
	if (ret != 0)
		errno = EINVAL;
	return (ret);
}

int
xenemu_grant(uint16_t domid, uint64_t gfn, int readonly)
{
	struct xe_dom *d;
	long ref = -EINVAL;

	pthread_mutex_lock(&xe_lock);
	if ((d = xe_dom_get(domid)) != NULL && gfn < d->nframes)
		ref = xe_grant_new(domid, 0, d->mfn[gfn], gfn, readonly != 0);
	pthread_mutex_unlock(&xe_lock);
	if (ref < 0) {
		errno = (int)-ref;
		return (-1);
	}
	return ((int)ref);
}

int
xenemu_ungrant(uint16_t domid, uint32_t ref)
{
	struct xe_grant *g;
	int ret = 0;

	pthread_mutex_lock(&xe_lock);
	if ((g = xe_grant_get(domid, ref)) == NULL) {
		errno = EINVAL;
		ret = -1;
	} else if (g->maps > 0) {
		errno = EBUSY;
		ret = -1;
	} else
		xe_grant_end(domid, ref);
	pthread_mutex_unlock(&xe_lock);
	return (ret);
}

int
xenemu_grant_peer_map(uint16_t mapper, uint32_t ref, int map)
{
	struct xe_grant *g;
	int ret = 0;

	pthread_mutex_lock(&xe_lock);
	if ((g = xe_grant_get(0, ref)) == NULL || g->grantee != mapper ||
	    (!map && g->maps == 0)) {
		errno = EINVAL;
		ret = -1;
	} else if (map)
		g->maps++;
	else
		g->maps--;
	pthread_mutex_unlock(&xe_lock);
	return (ret);
}

int
xenemu_grant_info(uint16_t granter, uint32_t ref, struct xenemu_grant_info *gi)
{
	struct xe_grant *g;
	int ret = -1;

	pthread_mutex_lock(&xe_lock);
	if ((g = xe_grant_get(granter, ref)) != NULL) {
		gi->grantee = g->grantee;
		gi->readonly = g->readonly;
		gi->maps = g->maps;
		gi->page = xe_mfn_ptr(g->mfn);
		ret = 0;
	}
	pthread_mutex_unlock(&xe_lock);
	return (ret);
}

static int
ret_errno(long r)
{
	if (r < 0) {
		errno = (int)-r;
		return (-1);
	}
	return ((int)r);
}

int
xenemu_evtchn_alloc_unbound(uint16_t domid, uint16_t remote)
{
	long r;

	pthread_mutex_lock(&xe_lock);
	r = xe_evt_alloc_unbound(domid, remote);
	pthread_mutex_unlock(&xe_lock);
	return (ret_errno(r));
}

int
xenemu_evtchn_bind_interdomain(uint16_t domid, uint16_t remote,
    uint32_t remote_port)
{
	long r;

	pthread_mutex_lock(&xe_lock);
	r = xe_evt_bind_interdomain(domid, remote, remote_port);
	pthread_mutex_unlock(&xe_lock);
	return (ret_errno(r));
}

int
xenemu_evtchn_notify(uint16_t domid, uint32_t port)
{
	long r;

	pthread_mutex_lock(&xe_lock);
	r = xe_evt_send(domid, port);
	pthread_mutex_unlock(&xe_lock);
	return (ret_errno(r));
}

int
xenemu_evtchn_consume(uint16_t domid, uint32_t port)
{
	struct xe_port *p;
	int r = -1;

	pthread_mutex_lock(&xe_lock);
	if ((p = xe_port_get(domid, port)) != NULL) {
		r = p->pending;
		p->pending = 0;
	}
	pthread_mutex_unlock(&xe_lock);
	return (r);
}

int
xenemu_evtchn_close(uint16_t domid, uint32_t port)
{
	struct xe_port *p;
	long r;

	pthread_mutex_lock(&xe_lock);
	/* A port a device owns is the caller's to close. */
	if ((p = xe_port_get(domid, port)) != NULL && p->owner != NULL)
		r = -EBUSY;
	else
		r = xe_evt_close(domid, port);
	pthread_mutex_unlock(&xe_lock);
	return (ret_errno(r));
}

int
xenemu_virq_raise(uint32_t virq)
{
	struct xe_dom *d;
	uint32_t p;
	int n = 0;

	pthread_mutex_lock(&xe_lock);
	if ((d = xe_dom_get(0)) != NULL)
		for (p = 1; p < XE_NPORTS; p++)
			if (d->ports[p].state == XENEMU_PORT_VIRQ &&
			    d->ports[p].virq == virq) {
				evt_raise(0, p);
				n++;
			}
	pthread_mutex_unlock(&xe_lock);
	return (n);
}

int
xenemu_evtchn_state(uint16_t domid, uint32_t port, struct xenemu_port *st)
{
	struct xe_port *p;
	int r = -1;

	pthread_mutex_lock(&xe_lock);
	if ((p = xe_port_get(domid, port)) != NULL) {
		st->state = p->state;
		st->remote_dom = p->rdom;
		st->remote_port = p->rport;
		st->virq = p->virq;
		st->pending = p->pending;
		st->masked = p->masked;
		r = 0;
	}
	pthread_mutex_unlock(&xe_lock);
	return (r);
}

void
xenemu_set_version(uint32_t version, const char *extra)
{
	pthread_mutex_lock(&xe_lock);
	xe_sim.version = version;
	if (extra != NULL) {
		memset(xe_sim.extraversion, 0, sizeof(xe_sim.extraversion));
		strncpy(xe_sim.extraversion, extra,
		    sizeof(xe_sim.extraversion) - 1);
	}
	pthread_mutex_unlock(&xe_lock);
}

void
xenemu_set_sysctl_version(uint32_t v)
{
	pthread_mutex_lock(&xe_lock);
	xe_sim.sysctl_version = v;
	pthread_mutex_unlock(&xe_lock);
}

void
xenemu_set_nr_cpus(unsigned int n)
{
	pthread_mutex_lock(&xe_lock);
	xe_sim.nr_cpus = n > 0 ? n : 1;
	pthread_mutex_unlock(&xe_lock);
}

void
xenemu_kernel_release(unsigned int release)
{
	pthread_mutex_lock(&xe_lock);
	xe_sim.release = release;
	pthread_mutex_unlock(&xe_lock);
}

void
xenemu_set_max_ram_page(uint64_t pfn)
{
	pthread_mutex_lock(&xe_lock);
	xe_sim.max_ram_page = pfn;
	pthread_mutex_unlock(&xe_lock);
}

void
xenemu_set_crash_range(uint64_t start, uint64_t size)
{
	pthread_mutex_lock(&xe_lock);
	xe_sim.crash_start = start;
	xe_sim.crash_size = size;
	pthread_mutex_unlock(&xe_lock);
}

int
xenemu_last_hypercall(struct xenemu_hypercall *h)
{
	int r;

	pthread_mutex_lock(&xe_lock);
	*h = xe_sim.last_hc;
	r = xe_sim.nhc > 0 ? 0 : -1;
	pthread_mutex_unlock(&xe_lock);
	return (r);
}

unsigned long
xenemu_hypercall_count(void)
{
	unsigned long n;

	pthread_mutex_lock(&xe_lock);
	n = xe_sim.nhc;
	pthread_mutex_unlock(&xe_lock);
	return (n);
}

int
xenemu_last_dm_op(struct xenemu_dm_op *op)
{
	int r;

	pthread_mutex_lock(&xe_lock);
	*op = xe_sim.last_dm;
	r = xe_sim.ndm > 0 ? 0 : -1;
	pthread_mutex_unlock(&xe_lock);
	return (r);
}

unsigned long
xenemu_dm_op_count(void)
{
	unsigned long n;

	pthread_mutex_lock(&xe_lock);
	n = xe_sim.ndm;
	pthread_mutex_unlock(&xe_lock);
	return (n);
}

int
xenemu_last_kexec_op(struct xenemu_kexec_op *op)
{
	pthread_mutex_lock(&xe_lock);
	*op = xe_sim.last_kx;
	pthread_mutex_unlock(&xe_lock);
	return (0);
}

int
xenemu_kexec_loaded(int type)
{
	int r;

	if (type < 0 || type > 1)
		return (-1);
	pthread_mutex_lock(&xe_lock);
	r = xe_sim.kexec_loaded[type];
	pthread_mutex_unlock(&xe_lock);
	return (r);
}
