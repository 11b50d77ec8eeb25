/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * NetBSD: /kern/xen/privcmd (privcmd and the grant ioctls, which fill the
 * caller's anonymous mapping) and /dev/xenevt, decoded with
 * sys/netbsd/xen_ioctl.h.  Arguments are copied in for IOC_IN and out for
 * IOC_OUT only on success; MMAP_RESOURCE is _IOW, so its size query never
 * reaches the caller.  Unknown requests answer EINVAL on both devices, as
 * NetBSD's privcmd_ioctl and xenevt_fioctl do.  xenevt's write() takes
 * 16-bit port numbers.
 */

#include <sys/mman.h>

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "sys/netbsd/xen_ioctl.h"
#include "xenemu_impl.h"

#define NETBSD_NR_EVENT_CHANNELS	4096U

static const struct xe_devpath netbsd_devs[] = {
	{ NETBSD_PRIVCMD_PATH, XK_PRIVCMD, 1 },
	{ NETBSD_XENEVT_PATH, XK_EVTCHN, 1 },
	{ NULL, 0, 0 }
};

#define N(x)	{ x, #x }
static const struct { unsigned long req; const char *name; } names[] = {
	N(IOCTL_PRIVCMD_HYPERCALL), N(IOCTL_PRIVCMD_MMAP),
	N(IOCTL_PRIVCMD_MMAPBATCH), N(IOCTL_PRIVCMD_GET_MACH2PHYS_START_MFN),
	N(IOCTL_PRIVCMD_INITDOMAIN_EVTCHN), N(IOCTL_PRIVCMD_MMAPBATCH_V2),
	N(IOCTL_PRIVCMD_MMAP_RESOURCE), N(IOCTL_GNTDEV_MMAP_GRANT_REF),
	N(IOCTL_GNTDEV_ALLOC_GRANT_REF),
	N(EVTCHN_RESET), N(EVTCHN_BIND), N(EVTCHN_UNBIND),
	N(IOCTL_EVTCHN_BIND_VIRQ), N(IOCTL_EVTCHN_BIND_INTERDOMAIN),
	N(IOCTL_EVTCHN_BIND_UNBOUND_PORT), N(IOCTL_EVTCHN_UNBIND),
	N(IOCTL_EVTCHN_NOTIFY), N(IOCTL_EVTCHN_RESET),
};

static const char *
netbsd_name(enum xe_kind kind, unsigned long req)
{
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].req == req)
			return (names[i].name);
	return ("unknown");
}

/*
 * The protection of the caller's range at va, as the kernel reads it from
 * the map entry (here from the host's /proc/self/maps); -1 if unknown.
 */
static int
range_prot(const void *va)
{
	unsigned long lo, hi;
	char perm[8], line[512];
	FILE *fp;
	int prot = -1;

	if ((fp = fopen("/proc/self/maps", "re")) == NULL)
		return (-1);
	while (fgets(line, sizeof(line), fp) != NULL) {
		if (sscanf(line, "%lx-%lx %7s", &lo, &hi, perm) != 3)
			continue;
		if ((uintptr_t)va >= lo && (uintptr_t)va < hi) {
			prot = (perm[0] == 'r' ? PROT_READ : 0) |
			    (perm[1] == 'w' ? PROT_WRITE : 0);
			break;
		}
	}
	fclose(fp);
	return (prot);
}

/*
 * The grant mapping replaces the caller's pages at va, with their
 * protection: a read-only grant in a writable range cannot be mapped.
 * (The kernel finds that out at the first fault, which the backend's
 * mlock() makes at once; here the ioctl fails, as for a bad ref.)
 */
static long
map_gref(struct ioctl_gntdev_mmap_grant_ref *mg)
{
	struct xe_grant *gr;
	struct xe_gmap *g;
	struct xe_map *m;
	unsigned int i;
	int prot;
	long r;

	if (mg->count == 0 || mg->va == NULL ||
	    (uintptr_t)mg->va % XE_PG != 0)
		return (-EINVAL);
	if (mg->refs == NULL)
		return (-EFAULT);
	/*
	 * privcmd_map_gref() and privcmd_alloc_gref() (sys/arch/xen/xen/
	 * privcmd.c 1.66, NetBSD 10) compare the notify byte offset with
	 * the page count, whatever the action: a byte offset above count
	 * is EINVAL.
	 */
	if (mg->notify.offset < 0 || (uint64_t)mg->notify.offset > mg->count)
		return (-EINVAL);
	if ((prot = range_prot(mg->va)) == 0)
		return (-EINVAL);	/* no access at all */
	if ((g = xe_gmap_new(NULL, 0, mg->count)) == NULL)
		return (-ENOMEM);
	for (i = 0; i < mg->count; i++) {
		g->dom[i] = (uint16_t)mg->refs[i].domid;
		g->ref[i] = mg->refs[i].ref;
		/* Range unknown: as before, read-only grants map read-only. */
		if (prot == -1 && (gr = xe_grant_get(g->dom[i],
		    g->ref[i])) != NULL && gr->readonly)
			prot = PROT_READ;
	}
	if (prot == -1)
		prot = PROT_READ | PROT_WRITE;
	xe_unmap_tracking((uintptr_t)mg->va, (size_t)mg->count * XE_PG);
	if ((r = xe_gmap_map_foreign(g, mg->va, prot)) != 0) {
		xe_gmap_release(g);
		return (r);
	}
	if ((m = xe_map_new(XM_GNT, mg->va, (size_t)mg->count * XE_PG,
	    prot)) == NULL) {
		xe_gmap_check(g);	/* drops the grants again */
		return (-ENOMEM);
	}
	m->gmap = g;
	g->mapped = 1;
	xe_gmap_set_notify(g, (uint64_t)mg->notify.offset, mg->notify.action,
	    mg->notify.event_channel_port);
	return (0);
}

static long
alloc_gref(struct ioctl_gntdev_alloc_grant_ref *a)
{
	struct xe_gmap *g;
	struct xe_map *m;
	unsigned int i;
	long r;

	if (a->count == 0 || a->va == NULL || (uintptr_t)a->va % XE_PG != 0)
		return (-EINVAL);
	if (a->gref_ids == NULL)
		return (-EFAULT);
	/* As in privcmd_map_gref() above. */
	if (a->notify.offset < 0 || (uint64_t)a->notify.offset > a->count)
		return (-EINVAL);
	if ((g = xe_gmap_new(NULL, 1, a->count)) == NULL)
		return (-ENOMEM);
	if ((r = xe_gnt_share(g, a->domid,
	    (a->flags & GNTDEV_ALLOC_FLAG_WRITABLE) != 0, a->gref_ids)) != 0) {
		xe_gmap_release(g);
		return (r);
	}
	xe_unmap_tracking((uintptr_t)a->va, (size_t)a->count * XE_PG);
	for (i = 0; i < a->count; i++)
		(void)xe_map_frame((char *)a->va + i * XE_PG, g->mfn[i],
		    PROT_READ | PROT_WRITE);
	if ((m = xe_map_new(XM_GNT, a->va, (size_t)a->count * XE_PG,
	    PROT_READ | PROT_WRITE)) == NULL) {
		xe_gmap_check(g);
		return (-ENOMEM);
	}
	m->gmap = g;
	g->mapped = 1;
	xe_gmap_set_notify(g, (uint64_t)a->notify.offset, a->notify.action,
	    a->notify.event_channel_port);
	return (0);
}

/* The old interface: runs of machine frames of one domain. */
static long
privcmd_mmap(struct privcmd_mmap *pm)
{
	struct privcmd_mmap_entry *e;
	struct xe_map *m;
	uint32_t mfn;
	uint64_t k;
	int i;
	long r;

	if (pm->num <= 0 || pm->entry == NULL)
		return (-EINVAL);
	for (i = 0; i < pm->num; i++) {
		e = &pm->entry[i];
		if (e->va % XE_PG != 0 || e->npages == 0)
			return (-EINVAL);
		if ((m = xe_map_find((uintptr_t)e->va, e->npages * XE_PG)) ==
		    NULL && (m = xe_map_new(XM_FOREIGN, (void *)(uintptr_t)e->va,
		    e->npages * XE_PG, PROT_READ | PROT_WRITE)) == NULL)
			return (-ENOMEM);
		for (k = 0; k < e->npages; k++) {
			if ((r = xe_gfn_lookup(pm->dom, e->mfn + k, &mfn)) != 0)
				return (-EINVAL);
			(void)xe_map_frame((char *)(uintptr_t)e->va + k * XE_PG,
			    mfn, PROT_READ | PROT_WRITE);
		}
	}
	return (0);
}

static long
privcmd(struct xe_file *f, unsigned long req, void *data)
{
	long r;

	/*
	 * Before NetBSD 10 (xenemu_kernel_release() below 1000),
	 * privcmd_ioctl() has no MMAP_RESOURCE and no grant ioctls: its
	 * default case, EINVAL.
	 */
	if (xe_sim.release != 0 && xe_sim.release < 1000 &&
	    (req == IOCTL_PRIVCMD_MMAP_RESOURCE ||
	    req == IOCTL_GNTDEV_MMAP_GRANT_REF ||
	    req == IOCTL_GNTDEV_ALLOC_GRANT_REF))
		return (-EINVAL);
	switch (req) {
	case IOCTL_PRIVCMD_HYPERCALL: {
		struct privcmd_hypercall *h = data;
		uint64_t oa[6];

		if (h->op >= XE_PG >> 5)
			return (-EINVAL);
		oa[0] = h->op;
		memcpy(oa + 1, h->arg, sizeof(h->arg));
		/*
		 * privcmd_ioctl() (privcmd.c 1.66) takes the result into an
		 * int (the low 32 bits of rax): non-negative is retval,
		 * negative goes through privcmd_xen2bsd_errno(), which gives
		 * a value it does not know back raw (errno = -result).
		 * Xen's codes are Linux's here, so every negative int ends
		 * up as errno = -low (INT_MIN stays INT_MIN).
		 */
		if ((r = xe_pc_hypercall(f, oa)) >= 0 ||
		    r > -XE_NEGATIVE_ERRNO_BASE) {
			int32_t low = (int32_t)(uint32_t)(uint64_t)r;

			if (low < 0) {
				h->retval = 0;
				return (XE_RAW_ERRNO(-(int64_t)low));
			}
			r = low;
		}
		h->retval = r >= 0 ? r : 0;
		return (r >= 0 ? 0 : r);
	}
	case IOCTL_PRIVCMD_MMAP:
		return (privcmd_mmap(data));
	case IOCTL_PRIVCMD_MMAPBATCH: {
		struct privcmd_mmapbatch *m = data;

		if (m->num <= 0)
			return (-EINVAL);
		if (m->arr == NULL)
			return (-EFAULT);
		r = xe_pc_mmapbatch(f, m->dom, m->addr, (unsigned int)m->num,
		    m->arr, NULL, NULL, 0, 1);
		return (r < 0 ? r : 0);
	}
	case IOCTL_PRIVCMD_MMAPBATCH_V2: {
		struct privcmd_mmapbatch_v2 *m = data;

		if (m->num <= 0)
			return (-EINVAL);
		if (m->arr == NULL || m->err == NULL)
			return (-EFAULT);
		r = xe_pc_mmapbatch(f, m->dom, m->addr, (unsigned int)m->num,
		    NULL, m->arr, m->err, 0, 1);
		return (r < 0 ? r : 0);
	}
	case IOCTL_PRIVCMD_MMAP_RESOURCE: {
		struct privcmd_mmap_resource *m = data;

		/* Any size found lands in our copy only (_IOW). */
		return (xe_pc_mmap_resource(f, m->dom, m->type, m->id, m->idx,
		    &m->num, m->addr, 1));
	}
	case IOCTL_GNTDEV_MMAP_GRANT_REF:
		return (map_gref(data));
	case IOCTL_GNTDEV_ALLOC_GRANT_REF:
		return (alloc_gref(data));
	default:
		return (-EINVAL);
	}
}

static long
xenevt(struct xe_file *f, int fd, unsigned long req, void *data)
{
	long r;

	switch (req) {
	case EVTCHN_RESET:
	case IOCTL_EVTCHN_RESET:
		return (xe_ev_reset(f, fd));
	case IOCTL_EVTCHN_BIND_VIRQ: {
		struct ioctl_evtchn_bind_virq *b = data;

		if ((r = xe_ev_bind_virq(f, b->virq)) < 0)
			return (r);
		b->port = (uint32_t)r;
		return (0);
	}
	case IOCTL_EVTCHN_BIND_INTERDOMAIN: {
		struct ioctl_evtchn_bind_interdomain *b = data;

		if ((r = xe_ev_bind_interdomain(f, b->remote_domain,
		    b->remote_port)) < 0)
			return (r);
		b->port = (uint32_t)r;
		return (0);
	}
	case IOCTL_EVTCHN_BIND_UNBOUND_PORT: {
		struct ioctl_evtchn_bind_unbound_port *b = data;

		if ((r = xe_ev_bind_unbound(f, b->remote_domain)) < 0)
			return (r);
		b->port = (uint32_t)r;
		return (0);
	}
	case IOCTL_EVTCHN_UNBIND: {
		uint32_t port = ((struct ioctl_evtchn_unbind *)data)->port;

		if (port >= NETBSD_NR_EVENT_CHANNELS)
			return (-EINVAL);
		return (xe_ev_unbind(f, port));
	}
	case IOCTL_EVTCHN_NOTIFY: {
		uint32_t port = ((struct ioctl_evtchn_notify *)data)->port;

		if (port >= NETBSD_NR_EVENT_CHANNELS)
			return (-EINVAL);
		return (xe_ev_notify(f, port));
	}
	default:
		return (-EINVAL);
	}
}

static long
netbsd_ioctl(struct xe_file *f, int fd, unsigned long req, void *arg)
{
	uint8_t kbuf[128];
	size_t len = NETBSD_IOCPARM_LEN(req);
	void *data = arg;
	long r;

	if (req & NETBSD_IOC_INOUT) {
		if (len > sizeof(kbuf))
			return (-ENOTTY);
		if (arg == NULL && len > 0)
			return (-EFAULT);
		memset(kbuf, 0, sizeof(kbuf));
		if (req & NETBSD_IOC_IN)
			memcpy(kbuf, arg, len);
		data = kbuf;
	}
	if (f->kind == XK_PRIVCMD)
		r = privcmd(f, req, data);
	else
		r = xenevt(f, fd, req, data);
	if (r >= 0 && (req & NETBSD_IOC_OUT) && len > 0)
		memcpy(arg, kbuf, len);
	return (r);
}

const struct xe_dialect xe_netbsd = {
	.id = XENEMU_NETBSD,
	.name = "netbsd",
	.devs = netbsd_devs,
	.ioctl = netbsd_ioctl,
	.ioctl_name = netbsd_name,
	.evtchn_write_u16 = 1,
	.gnt_unmap_needs_ioctl = 0,
	.gnt_revoke_panics = 1,
	/*
	 * xenevt.c 1.65: a 2048-slot ring that overflows one slot early
	 * (xenevt_record()), and xenevt_fread() copies as many ports as
	 * the read asks for, in up to two pieces, without a page limit.
	 */
	.evtchn_ring_cap = 2047,
	.evtchn_read_uncapped = 1,
	.gnt_notify_event_first = 1,
};
