/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Linux: /dev/xen/{privcmd,hypercall,evtchn,gntdev,gntalloc}, decoded with
 * sys/linux/xen_ioctl.h.  Unknown requests: privcmd, hypercall, gntdev and
 * gntalloc answer ENOTTY, evtchn ENOSYS, as the Linux drivers do.
 */

#include <sys/mman.h>

#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "sys/linux/xen_ioctl.h"
#include "xenemu_impl.h"

static const struct xe_devpath linux_devs[] = {
	{ LINUX_PRIVCMD_PATH, XK_PRIVCMD, 1 },
	{ LINUX_PRIVCMD_PATH_XENFS, XK_PRIVCMD, 0 },
	{ LINUX_HYPERCALL_PATH, XK_HYPERCALL, 1 },
	{ LINUX_EVTCHN_PATH, XK_EVTCHN, 1 },
	{ LINUX_GNTDEV_PATH, XK_GNTDEV, 1 },
	{ LINUX_GNTALLOC_PATH, XK_GNTALLOC, 1 },
	{ NULL, 0, 0 }
};

#define N(x)	{ x, #x }
static const struct { unsigned long req; const char *name; } names[] = {
	N(IOCTL_PRIVCMD_HYPERCALL), N(IOCTL_PRIVCMD_MMAP),
	N(IOCTL_PRIVCMD_MMAPBATCH), N(IOCTL_PRIVCMD_MMAPBATCH_V2),
	N(IOCTL_PRIVCMD_DM_OP), N(IOCTL_PRIVCMD_RESTRICT),
	N(IOCTL_PRIVCMD_MMAP_RESOURCE),
	N(IOCTL_EVTCHN_BIND_VIRQ), N(IOCTL_EVTCHN_BIND_INTERDOMAIN),
	N(IOCTL_EVTCHN_BIND_UNBOUND_PORT), N(IOCTL_EVTCHN_UNBIND),
	N(IOCTL_EVTCHN_NOTIFY), N(IOCTL_EVTCHN_RESET),
	N(IOCTL_EVTCHN_RESTRICT_DOMID),
	N(IOCTL_GNTDEV_MAP_GRANT_REF), N(IOCTL_GNTDEV_UNMAP_GRANT_REF),
	N(IOCTL_GNTDEV_GET_OFFSET_FOR_VADDR), N(IOCTL_GNTDEV_SET_MAX_GRANTS),
	/* gntalloc's SET_UNMAP_NOTIFY has the same code. */
	N(IOCTL_GNTDEV_SET_UNMAP_NOTIFY), N(IOCTL_GNTDEV_GRANT_COPY),
	N(IOCTL_GNTDEV_DMABUF_EXP_FROM_REFS),
	N(IOCTL_GNTDEV_DMABUF_EXP_WAIT_RELEASED),
	N(IOCTL_GNTDEV_DMABUF_IMP_TO_REFS), N(IOCTL_GNTDEV_DMABUF_IMP_RELEASE),
	N(IOCTL_GNTALLOC_ALLOC_GREF), N(IOCTL_GNTALLOC_DEALLOC_GREF),
};

static const char *
linux_name(enum xe_kind kind, unsigned long req)
{
	size_t i;

	/* gntdev and gntalloc share this code; name it for the device. */
	if (kind == XK_GNTALLOC && req == IOCTL_GNTALLOC_SET_UNMAP_NOTIFY)
		return ("IOCTL_GNTALLOC_SET_UNMAP_NOTIFY");
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].req == req)
			return (names[i].name);
	return ("unknown");
}

static long
privcmd(struct xe_file *f, unsigned long req, void *arg)
{
	long r;

	if (arg == NULL)
		return (req == IOCTL_PRIVCMD_HYPERCALL ||
		    req == IOCTL_PRIVCMD_MMAPBATCH ||
		    req == IOCTL_PRIVCMD_MMAPBATCH_V2 ||
		    req == IOCTL_PRIVCMD_DM_OP || req == IOCTL_PRIVCMD_RESTRICT ||
		    req == IOCTL_PRIVCMD_MMAP_RESOURCE ? -EFAULT : -ENOTTY);
	switch (req) {
	case IOCTL_PRIVCMD_HYPERCALL: {
		struct privcmd_hypercall *h = arg;
		uint64_t oa[6];

		oa[0] = h->op;
		memcpy(oa + 1, h->arg, sizeof(h->arg));
		return (xe_pc_hypercall(f, oa));
	}
	case IOCTL_PRIVCMD_MMAPBATCH: {
		struct privcmd_mmapbatch *m = arg;

		if (m->num <= 0)
			return (-EINVAL);
		r = xe_pc_mmapbatch(f, m->dom, m->addr, (unsigned int)m->num,
		    m->arr, NULL, NULL, 1, 0);
		return (r > 0 ? -ENOENT : r);
	}
	case IOCTL_PRIVCMD_MMAPBATCH_V2: {
		struct privcmd_mmapbatch_v2 *m = arg;

		if (m->err == NULL || m->arr == NULL)
			return (-EFAULT);
		r = xe_pc_mmapbatch(f, m->dom, m->addr, m->num, NULL, m->arr,
		    m->err, 0, 0);
		return (r > 0 ? -ENOENT : r);
	}
	case IOCTL_PRIVCMD_DM_OP: {
		struct privcmd_dm_op *d = arg;
		void *ptr[16];
		size_t size[16];
		unsigned int i;

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
		return (xe_pc_restrict(f, *(uint16_t *)arg));
	case IOCTL_PRIVCMD_MMAP_RESOURCE: {
		struct privcmd_mmap_resource *m = arg;
		uint64_t num = m->num;

		r = xe_pc_mmap_resource(f, m->dom, m->type, m->id, m->idx,
		    &num, m->addr, 0);
		if (r == 0)
			m->num = num;
		return (r);
	}
	default:
		return (-ENOTTY);
	}
}

static long
evtchn(struct xe_file *f, int fd, unsigned long req, void *arg)
{
	if (arg == NULL && req != IOCTL_EVTCHN_RESET)
		return (req == IOCTL_EVTCHN_BIND_VIRQ ||
		    req == IOCTL_EVTCHN_BIND_INTERDOMAIN ||
		    req == IOCTL_EVTCHN_BIND_UNBOUND_PORT ||
		    req == IOCTL_EVTCHN_UNBIND || req == IOCTL_EVTCHN_NOTIFY ||
		    req == IOCTL_EVTCHN_RESTRICT_DOMID ? -EFAULT : -ENOSYS);
	switch (req) {
	case IOCTL_EVTCHN_BIND_VIRQ:
		return (xe_ev_bind_virq(f,
		    ((struct ioctl_evtchn_bind_virq *)arg)->virq));
	case IOCTL_EVTCHN_BIND_INTERDOMAIN: {
		struct ioctl_evtchn_bind_interdomain *b = arg;

		return (xe_ev_bind_interdomain(f, b->remote_domain,
		    b->remote_port));
	}
	case IOCTL_EVTCHN_BIND_UNBOUND_PORT:
		return (xe_ev_bind_unbound(f,
		    ((struct ioctl_evtchn_bind_unbound_port *)arg)->remote_domain));
	case IOCTL_EVTCHN_UNBIND:
		return (xe_ev_unbind(f, ((struct ioctl_evtchn_unbind *)arg)->port));
	case IOCTL_EVTCHN_NOTIFY:
		return (xe_ev_notify(f, ((struct ioctl_evtchn_notify *)arg)->port));
	case IOCTL_EVTCHN_RESET:
		return (xe_ev_reset(f, fd));
	case IOCTL_EVTCHN_RESTRICT_DOMID:
		return (xe_ev_restrict(f,
		    ((struct ioctl_evtchn_restrict_domid *)arg)->domid));
	default:
		return (-ENOSYS);
	}
}

static long
set_notify(struct xe_file *f, struct ioctl_gntdev_unmap_notify *n)
{
	struct xe_gmap *g;
	struct xe_map *m;
	struct xe_port *p;

	if (n->action & ~(uint32_t)(UNMAP_NOTIFY_CLEAR_BYTE |
	    UNMAP_NOTIFY_SEND_EVENT))
		return (-EINVAL);
	if ((g = xe_gmap_find_off(f, n->index)) == NULL)
		return (-ENOENT);
	/* gntdev: a grant mapped read-only cannot have a byte cleared. */
	if ((n->action & UNMAP_NOTIFY_CLEAR_BYTE) && !g->alloc &&
	    (m = xe_gmap_mapping(g)) != NULL && (m->prot & PROT_WRITE) == 0)
		return (-EINVAL);
	if ((n->action & UNMAP_NOTIFY_SEND_EVENT) &&
	    ((p = xe_port_get(0, n->event_channel_port)) == NULL ||
	    p->state == XENEMU_PORT_FREE))
		return (-EINVAL);
	xe_gmap_set_notify(g, n->index - g->index, n->action,
	    n->event_channel_port);
	return (0);
}

static long
grant_copy(struct ioctl_gntdev_grant_copy *c)
{
	struct gntdev_grant_copy_segment *s;
	unsigned int i;
	int e, sf, df;

	if (c->count > 0 && c->segments == NULL)
		return (-EFAULT);
	/* The whole call is refused for malformed segments. */
	for (i = 0; i < c->count; i++) {
		s = &c->segments[i];
		sf = (s->flags & XE_GNTCOPY_source_gref) != 0;
		df = (s->flags & XE_GNTCOPY_dest_gref) != 0;
		if (!sf && !df)
			return (-EINVAL);
		if ((sf && s->source.foreign.offset + s->len > XE_PG) ||
		    (df && s->dest.foreign.offset + s->len > XE_PG))
			return (-EINVAL);
	}
	for (i = 0; i < c->count; i++) {
		s = &c->segments[i];
		sf = (s->flags & XE_GNTCOPY_source_gref) != 0;
		df = (s->flags & XE_GNTCOPY_dest_gref) != 0;
		if ((e = xe_batch_fault(i)) != 0) {
			s->status = e == EPERM ? XE_GNTST_permission_denied :
			    XE_GNTST_general_error;
			continue;
		}
		s->status = (int16_t)xe_gnt_copy_seg(
		    sf ? NULL : s->source.virt, s->source.foreign.ref,
		    s->source.foreign.domid, s->source.foreign.offset, sf,
		    df ? NULL : s->dest.virt, s->dest.foreign.ref,
		    s->dest.foreign.domid, s->dest.foreign.offset, df, s->len);
	}
	return (0);
}

/* Map the grants and hand out a dma-buf descriptor for them. */
static long
dmabuf_export(struct xe_file *f, struct ioctl_gntdev_dmabuf_exp_from_refs *op)
{
	struct xe_gmap *g;
	unsigned int i;
	long r;
	int fd;

	if (op->count == 0)
		return (-EINVAL);
	if ((g = xe_gmap_new(NULL, 0, op->count)) == NULL)
		return (-ENOMEM);
	for (i = 0; i < op->count; i++) {
		g->dom[i] = (uint16_t)op->domid;
		g->ref[i] = op->refs[i];
	}
	if ((r = xe_gmap_hold(g, PROT_READ | PROT_WRITE)) != 0) {
		xe_gmap_release(g);
		return (r);
	}
	if ((r = xe_dmabuf_export(f, g, &fd)) != 0) {
		xe_gmap_check(g);	/* unmaps the grants again */
		return (r);
	}
	op->fd = (uint32_t)fd;
	return (0);
}

/* Grant a dma-buf's pages to a domain. */
static long
dmabuf_import(struct xe_file *f, struct ioctl_gntdev_dmabuf_imp_to_refs *op)
{
	struct xe_file *df;
	struct xe_gmap *g, *src;
	unsigned int i, j;
	long r;
	int e;

	if ((df = xe_file_of((int)op->fd)) == NULL || df->kind != XK_DMABUF ||
	    (src = df->dmabuf) == NULL)
		return (-EINVAL);
	if (op->count == 0 || op->count != src->count)
		return (-EINVAL);
	if ((g = xe_gmap_new(f, 1, op->count)) == NULL)
		return (-ENOMEM);
	g->borrowed = 1;
	g->imp_fd = (int)op->fd;
	for (i = 0; i < op->count; i++) {
		if ((e = xe_batch_fault(i)) != 0)
			r = -e;
		else
			r = xe_grant_new(0, (uint16_t)op->domid, src->mfn[i],
			    0x100000 + src->mfn[i], 0);
		if (r < 0) {
			for (j = 0; j < i; j++)
				xe_grant_end(0, g->ref[j]);
			xe_gmap_release(g);
			return (r);
		}
		g->ref[i] = (uint32_t)r;
		g->dom[i] = (uint16_t)op->domid;
		g->mfn[i] = src->mfn[i];
		op->refs[i] = (uint32_t)r;
	}
	g->src = src;
	src->mapped++;		/* the import keeps the buffer alive */
	return (0);
}

static long
gntdev(struct xe_file *f, unsigned long req, void *arg)
{
	struct xe_gmap *g;
	struct xe_map *m;
	unsigned int i;

	if (arg == NULL)
		return (-EFAULT);
	switch (req) {
	case IOCTL_GNTDEV_MAP_GRANT_REF: {
		struct ioctl_gntdev_map_grant_ref *op = arg;

		if (op->count == 0)
			return (-EINVAL);
		if ((g = xe_gmap_new(f, 0, op->count)) == NULL)
			return (-ENOMEM);
		for (i = 0; i < op->count; i++) {
			g->dom[i] = (uint16_t)op->refs[i].domid;
			g->ref[i] = op->refs[i].ref;
		}
		op->index = g->index;
		return (0);
	}
	case IOCTL_GNTDEV_UNMAP_GRANT_REF: {
		struct ioctl_gntdev_unmap_grant_ref *op = arg;

		if ((g = xe_gmap_find(f, op->index, op->count)) == NULL ||
		    g->alloc)
			return (-ENOENT);
		g->owner = NULL;
		xe_gmap_check(g);
		return (0);
	}
	case IOCTL_GNTDEV_GET_OFFSET_FOR_VADDR: {
		struct ioctl_gntdev_get_offset_for_vaddr *op = arg;

		if ((m = xe_map_find((uintptr_t)op->vaddr, 1)) == NULL ||
		    m->gmap == NULL || m->gmap->owner != f ||
		    m->start != op->vaddr)
			return (-EINVAL);
		op->offset = m->gmap->index;
		op->count = m->gmap->count;
		return (0);
	}
	case IOCTL_GNTDEV_SET_UNMAP_NOTIFY:
		return (set_notify(f, arg));
	case IOCTL_GNTDEV_GRANT_COPY:
		return (grant_copy(arg));
	case IOCTL_GNTDEV_DMABUF_EXP_FROM_REFS:
		return (dmabuf_export(f, arg));
	case IOCTL_GNTDEV_DMABUF_EXP_WAIT_RELEASED: {
		struct ioctl_gntdev_dmabuf_exp_wait_released *w = arg;

		/* Released buffers are forgotten; live ones time out. */
		if (xe_gmap_find_dmabuf(f, (int)w->fd, 1) == NULL)
			return (-ENOENT);
		return (-ETIMEDOUT);
	}
	case IOCTL_GNTDEV_DMABUF_IMP_TO_REFS:
		return (dmabuf_import(f, arg));
	case IOCTL_GNTDEV_DMABUF_IMP_RELEASE: {
		struct ioctl_gntdev_dmabuf_imp_release *r = arg;

		if ((g = xe_gmap_find_dmabuf(f, (int)r->fd, 0)) == NULL)
			return (-ENOENT);
		g->owner = NULL;
		xe_gmap_check(g);
		return (0);
	}
	default:
		/* SET_MAX_GRANTS is gone from current kernels. */
		return (-ENOTTY);
	}
}

static long
gntalloc(struct xe_file *f, unsigned long req, void *arg)
{
	struct xe_gmap *g;
	long r;

	if (arg == NULL)
		return (-EFAULT);
	switch (req) {
	case IOCTL_GNTALLOC_ALLOC_GREF: {
		struct ioctl_gntalloc_alloc_gref *op = arg;

		if (op->count == 0)
			return (-EINVAL);
		if ((g = xe_gmap_new(f, 1, op->count)) == NULL)
			return (-ENOMEM);
		if ((r = xe_gnt_share(g, op->domid,
		    (op->flags & GNTALLOC_FLAG_WRITABLE) != 0,
		    op->gref_ids)) != 0) {
			xe_gmap_release(g);
			return (r);
		}
		op->index = g->index;
		return (0);
	}
	case IOCTL_GNTALLOC_DEALLOC_GREF: {
		struct ioctl_gntalloc_dealloc_gref *op = arg;

		if ((g = xe_gmap_find(f, op->index, op->count)) == NULL ||
		    !g->alloc)
			return (-ENOENT);
		g->owner = NULL;
		xe_gmap_check(g);
		return (0);
	}
	case IOCTL_GNTALLOC_SET_UNMAP_NOTIFY:
		return (set_notify(f, arg));
	default:
		return (-ENOTTY);
	}
}

static long
linux_ioctl(struct xe_file *f, int fd, unsigned long req, void *arg)
{
	switch (f->kind) {
	case XK_PRIVCMD:
		return (privcmd(f, req, arg));
	case XK_EVTCHN:
		return (evtchn(f, fd, req, arg));
	case XK_GNTDEV:
		return (gntdev(f, req, arg));
	case XK_GNTALLOC:
		return (gntalloc(f, req, arg));
	default:
		return (-ENOTTY);	/* the hypercall buffer device */
	}
}

const struct xe_dialect xe_linux = {
	.id = XENEMU_LINUX,
	.name = "linux",
	.devs = linux_devs,
	.ioctl = linux_ioctl,
	.ioctl_name = linux_name,
	.evtchn_write_u16 = 0,
	.gnt_unmap_needs_ioctl = 0,
	.gnt_event_at_free = 1,
};
