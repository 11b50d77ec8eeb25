/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * FreeBSD: /dev/xen/{privcmd,evtchn,gntdev}, decoded with
 * sys/freebsd/xen_ioctl.h.  As in FreeBSD's ioctl layer, the argument is
 * copied in for IOC_IN and back out for IOC_OUT only when the driver
 * succeeds.  Unknown requests: privcmd and gntdev ENOSYS, evtchn ENOTTY.
 * privcmd's RESTRICT to a second domain fails with errno -EINVAL, as the
 * driver returns a negated errno there.
 */

#include <sys/mman.h>

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "sys/freebsd/xen_ioctl.h"
#include "xenemu_impl.h"

static const struct xe_devpath freebsd_devs[] = {
	{ FREEBSD_PRIVCMD_PATH, XK_PRIVCMD, 1 },
	{ FREEBSD_EVTCHN_PATH, XK_EVTCHN, 1 },
	{ FREEBSD_GNTDEV_PATH, XK_GNTDEV, 1 },
	{ NULL, 0, 0 }
};

#define N(x)	{ x, #x }
static const struct { unsigned long req; const char *name; } names[] = {
	N(IOCTL_PRIVCMD_HYPERCALL), N(IOCTL_PRIVCMD_MMAPBATCH),
	N(IOCTL_PRIVCMD_MMAP_RESOURCE), N(IOCTL_PRIVCMD_DM_OP),
	N(IOCTL_PRIVCMD_RESTRICT),
	N(IOCTL_EVTCHN_BIND_VIRQ), N(IOCTL_EVTCHN_BIND_INTERDOMAIN),
	N(IOCTL_EVTCHN_BIND_UNBOUND_PORT), N(IOCTL_EVTCHN_UNBIND),
	N(IOCTL_EVTCHN_NOTIFY), N(IOCTL_EVTCHN_RESET),
	N(IOCTL_GNTDEV_SET_UNMAP_NOTIFY), N(IOCTL_GNTDEV_ALLOC_GREF),
	N(IOCTL_GNTDEV_DEALLOC_GREF), N(IOCTL_GNTDEV_MAP_GRANT_REF),
	N(IOCTL_GNTDEV_UNMAP_GRANT_REF), N(IOCTL_GNTDEV_GET_OFFSET_FOR_VADDR),
};

static const char *
freebsd_name(enum xe_kind kind, unsigned long req)
{
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].req == req)
			return (names[i].name);
	return ("unknown");
}

/*
 * Older kernels (xenemu_kernel_release()): before 13.0 privcmd has no
 * MMAP_RESOURCE, DM_OP or RESTRICT (the default case: ENOSYS); 13.0
 * declares MMAP_RESOURCE _IOW (sys/xen/privcmd.h, freebsd-src
 * a7650787905d), so our _IOWR code is unknown there and the _IOW one
 * maps but never copies a size back.  The _IOWR fix is taken to be in
 * 13.1 (the release is not verified).
 */
#define FREEBSD_MMAP_RESOURCE_IOW					\
	FREEBSD_IOW('E', 2, struct ioctl_privcmd_mmapresource)

static int
privcmd_lacks(unsigned long req)
{
	unsigned int rel = xe_sim.release;

	if (rel == 0)
		return (req == FREEBSD_MMAP_RESOURCE_IOW);
	if (rel < 1300)
		return (req == IOCTL_PRIVCMD_MMAP_RESOURCE ||
		    req == FREEBSD_MMAP_RESOURCE_IOW ||
		    req == IOCTL_PRIVCMD_DM_OP || req == IOCTL_PRIVCMD_RESTRICT);
	if (rel < 1301)
		return (req == IOCTL_PRIVCMD_MMAP_RESOURCE);
	return (req == FREEBSD_MMAP_RESOURCE_IOW);
}

static long
privcmd(struct xe_file *f, unsigned long req, void *data)
{
	long r;

	if (privcmd_lacks(req))
		return (-ENOSYS);
	switch (req) {
	case IOCTL_PRIVCMD_HYPERCALL: {
		struct ioctl_privcmd_hypercall *h = data;
		uint64_t oa[6];

		/*
		 * privcmd_hypercall() (sys/amd64/include/xen/hypercall.h,
		 * freebsd-src c485cd462e77) refuses op 128 and above with
		 * -EINVAL and returns the result as an int: the low 32 bits
		 * of rax.  privcmd_ioctl() (privcmd.c 5ecc60fb07d1) keeps
		 * that int: non-negative is retval, negative goes through
		 * xen_translate_error() (sys/xen/error.h), which answers
		 * EINVAL for anything at or beyond its 125-entry table.
		 */
		if (h->op >= XE_PG / 32)
			return (-EINVAL);
		oa[0] = h->op;
		memcpy(oa + 1, h->arg, sizeof(h->arg));
		if ((r = xe_pc_hypercall(f, oa)) >= 0 ||
		    r > -XE_NEGATIVE_ERRNO_BASE) {
			int32_t low = (int32_t)(uint32_t)(uint64_t)r;

			if (low < 0 && (low == INT32_MIN || -low >= 125))
				return (-EINVAL);
			r = low;
		}
		h->retval = r >= 0 ? r : 0;
		return (r >= 0 ? 0 : r);
	}
	case IOCTL_PRIVCMD_MMAPBATCH: {
		struct ioctl_privcmd_mmapbatch *m = data;
		int i;

		if (m->num <= 0)
			return (-EINVAL);
		if (m->arr == NULL || m->err == NULL)
			return (-EFAULT);
		/*
		 * Per-frame errors only, no ENOENT summary as on Linux, and
		 * stored as positive errnos (the kernel translates Xen's
		 * negative codes into its own errno values).
		 */
		r = xe_pc_mmapbatch(f, m->dom, m->addr, (unsigned int)m->num,
		    NULL, m->arr, m->err, 1, 0);
		if (r < 0)
			return (r);
		for (i = 0; i < m->num; i++)
			if (m->err[i] < 0)
				m->err[i] = -m->err[i];
		return (0);
	}
	case FREEBSD_MMAP_RESOURCE_IOW:
	case IOCTL_PRIVCMD_MMAP_RESOURCE: {
		struct ioctl_privcmd_mmapresource *m = data;

		return (xe_pc_mmap_resource(f, m->dom, m->type, m->id, m->idx,
		    &m->num, m->addr, 0));
	}
	case IOCTL_PRIVCMD_DM_OP: {
		struct ioctl_privcmd_dmop *d = data;
		void *ptr[16];
		size_t size[16];
		unsigned int i;

		/* privcmd_ioctl(): the restriction is checked first. */
		if (f->restrict_dom != XE_DOMID_INVALID &&
		    f->restrict_dom != d->dom)
			return (-EPERM);
		if (d->num == 0)
			return (0);
		if (d->num > 16)
			return (-E2BIG);
		if (d->ubufs == NULL)
			return (-EFAULT);
		for (i = 0; i < d->num; i++) {
			ptr[i] = d->ubufs[i].uptr;
			size[i] = d->ubufs[i].size;
		}
		return (xe_pc_dm_op(f, d->dom, d->num, ptr, size));
	}
	case IOCTL_PRIVCMD_RESTRICT:
		/* Another domain than the first: the driver says -EINVAL. */
		if ((r = xe_pc_restrict(f, *(uint16_t *)data)) == -EINVAL)
			return (XE_NEGATIVE_ERRNO(EINVAL));
		return (r);
	default:
		return (-ENOSYS);
	}
}

/*
 * evtchn_ioctl() (sys/dev/xen/evtchn/evtchn_dev.c, freebsd-src 8aa5669e7af7;
 * the same in 13.x and 14.x) takes the descriptor's bind_mutex in UNBIND
 * and NOTIFY and, when find_evtchn() does not know the port, breaks out
 * with ENOTCONN still holding it.  Binds (evtchn_bind_user_port()),
 * UNBIND, NOTIFY and write() (unmask) all take that mutex, so the next of
 * them on the descriptor never returns: modelled by aborting there
 * (xe_kernel_hang).  read(), RESET, poll and close do not take it.
 */
static long
evtchn_not_bound(struct xe_file *f, unsigned long req, uint32_t port)
{
	struct xe_port *p;

	if (port < XE_NPORTS && (p = xe_port_get(0, port)) != NULL &&
	    p->owner == f)
		return (0);
	(void)snprintf(f->bind_mutex_held, sizeof(f->bind_mutex_held),
	    "bind_mutex left held by %s on port %lu",
	    freebsd_name(XK_EVTCHN, req), (unsigned long)port);
	return (-ENOTCONN);
}

static long
evtchn(struct xe_file *f, int fd, unsigned long req, void *data)
{
	long r;

	switch (req) {
	case IOCTL_EVTCHN_BIND_VIRQ:
	case IOCTL_EVTCHN_BIND_INTERDOMAIN:
	case IOCTL_EVTCHN_BIND_UNBOUND_PORT:
	case IOCTL_EVTCHN_UNBIND:
	case IOCTL_EVTCHN_NOTIFY:
		if (f->bind_mutex_held[0] != '\0')
			xe_kernel_hang(f, freebsd_name(XK_EVTCHN, req),
			    f->bind_mutex_held);
		break;
	}
	switch (req) {
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

		if ((r = evtchn_not_bound(f, req, port)) != 0)
			return (r);
		return (xe_ev_unbind(f, port));
	}
	case IOCTL_EVTCHN_NOTIFY: {
		uint32_t port = ((struct ioctl_evtchn_notify *)data)->port;

		if ((r = evtchn_not_bound(f, req, port)) != 0)
			return (r);
		return (xe_ev_notify(f, port));
	}
	case IOCTL_EVTCHN_RESET:
		return (xe_ev_reset(f, fd));
	default:
		return (-ENOTTY);
	}
}

static long
gntdev(struct xe_file *f, unsigned long req, void *data)
{
	struct xe_gmap *g;
	struct xe_map *m;
	unsigned int i;
	long r;

	switch (req) {
	case IOCTL_GNTDEV_SET_UNMAP_NOTIFY: {
		struct ioctl_gntdev_unmap_notify *n = data;
		struct xe_port *p;

		if ((g = xe_gmap_find_off(f, n->index)) == NULL)
			return (-EINVAL);
		/* The port must be bound in this domain. */
		if ((n->action & UNMAP_NOTIFY_SEND_EVENT) &&
		    ((p = xe_port_get(0, n->event_channel_port)) == NULL ||
		    p->state == XENEMU_PORT_FREE))
			return (-EINVAL);
		xe_gmap_set_notify(g, n->index - g->index, n->action,
		    n->event_channel_port);
		return (0);
	}
	case IOCTL_GNTDEV_ALLOC_GREF: {
		struct ioctl_gntdev_alloc_gref *a = data;

		if (a->count == 0)
			return (-EINVAL);
		if (a->gref_ids == NULL)
			return (-EFAULT);
		if ((g = xe_gmap_new(f, 1, a->count)) == NULL)
			return (-ENOMEM);
		if ((r = xe_gnt_share(g, a->domid,
		    (a->flags & GNTDEV_ALLOC_FLAG_WRITABLE) != 0,
		    a->gref_ids)) != 0) {
			xe_gmap_release(g);
			return (r);
		}
		a->index = g->index;
		return (0);
	}
	case IOCTL_GNTDEV_DEALLOC_GREF: {
		struct ioctl_gntdev_dealloc_gref *d = data;

		if ((g = xe_gmap_find(f, d->index, d->count)) == NULL ||
		    !g->alloc)
			return (-EINVAL);
		g->owner = NULL;
		xe_gmap_check(g);
		return (0);
	}
	case IOCTL_GNTDEV_MAP_GRANT_REF: {
		struct ioctl_gntdev_map_grant_ref *mg = data;

		if (mg->count == 0)
			return (-EINVAL);
		if (mg->refs == NULL)
			return (-EFAULT);
		if ((g = xe_gmap_new(f, 0, mg->count)) == NULL)
			return (-ENOMEM);
		for (i = 0; i < mg->count; i++) {
			g->dom[i] = (uint16_t)mg->refs[i].domid;
			g->ref[i] = mg->refs[i].ref;
		}
		mg->index = g->index;
		return (0);
	}
	case IOCTL_GNTDEV_UNMAP_GRANT_REF: {
		struct ioctl_gntdev_unmap_grant_ref *u = data;

		if ((g = xe_gmap_find(f, u->index, u->count)) == NULL ||
		    g->alloc)
			return (-EINVAL);
		g->owner = NULL;
		xe_gmap_check(g);
		return (0);
	}
	case IOCTL_GNTDEV_GET_OFFSET_FOR_VADDR: {
		struct ioctl_gntdev_get_offset_for_vaddr *o = data;

		if ((m = xe_map_find((uintptr_t)o->vaddr, 1)) == NULL ||
		    m->gmap == NULL || m->gmap->owner != f)
			return (-EINVAL);
		o->offset = m->gmap->index;
		o->count = m->gmap->count;
		return (0);
	}
	default:
		return (-ENOSYS);
	}
}

static long
freebsd_ioctl(struct xe_file *f, int fd, unsigned long req, void *arg)
{
	uint8_t kbuf[128];
	size_t len = FREEBSD_IOCPARM_LEN(req);
	void *data = arg;
	long r;

	if (req & FREEBSD_IOC_INOUT) {
		if (len > sizeof(kbuf))
			return (-ENOTTY);
		if (arg == NULL && len > 0)
			return (-EFAULT);
		memset(kbuf, 0, sizeof(kbuf));
		if (req & FREEBSD_IOC_IN)
			memcpy(kbuf, arg, len);
		data = kbuf;
	}
	switch (f->kind) {
	case XK_PRIVCMD:
		r = privcmd(f, req, data);
		break;
	case XK_EVTCHN:
		r = evtchn(f, fd, req, data);
		break;
	case XK_GNTDEV:
		r = gntdev(f, req, data);
		break;
	default:
		r = -ENOTTY;
	}
	if (r >= 0 && (req & FREEBSD_IOC_OUT) && len > 0)
		memcpy(arg, kbuf, len);
	return (r);
}

const struct xe_dialect xe_freebsd = {
	.id = XENEMU_FREEBSD,
	.name = "freebsd",
	.devs = freebsd_devs,
	.ioctl = freebsd_ioctl,
	.ioctl_name = freebsd_name,
	.evtchn_write_u16 = 0,
	.gnt_unmap_needs_ioctl = 1,
	/* evtchn_dev.c: EVTCHN_RING_SIZE is a page of ports, reads a page. */
	.evtchn_ring_cap = 1024,
};
