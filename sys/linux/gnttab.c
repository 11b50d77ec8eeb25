/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * libxengnttab backend for Linux: /dev/xen/gntdev maps grants,
 * /dev/xen/gntalloc shares pages.  Both hand out an mmap() offset
 * (`index') per range; that offset is the range's cookie.
 */
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "private.h"
#include "xen_ioctl.h"

/* The public copy segment is handed to the kernel as is. */
typedef char seg_size_check[sizeof(xengnttab_grant_copy_segment_t) ==
    sizeof(struct gntdev_grant_copy_segment) ? 1 : -1];
typedef char seg_status_check[offsetof(xengnttab_grant_copy_segment_t,
    status) == offsetof(struct gntdev_grant_copy_segment, status) ? 1 : -1];

static int
open_dev(const char *path)
{
	return open(path, O_RDWR | O_CLOEXEC);
}

int
gnttab_os_open(xengnttab_handle *h)
{
	return (h->fd = open_dev(LINUX_GNTDEV_PATH)) == -1 ? -1 : 0;
}

int
gnttab_os_close(xengnttab_handle *h)
{
	return close(h->fd);
}

/* Release a gntdev range the kernel knows, keeping errno. */
static void
gntdev_release(int fd, uint64_t index, uint32_t count)
{
	struct ioctl_gntdev_unmap_grant_ref u;
	int saved = errno;

	memset(&u, 0, sizeof(u));
	u.index = index;
	u.count = count;
	(void)ioctl(fd, IOCTL_GNTDEV_UNMAP_GRANT_REF, &u);
	errno = saved;
}

void *
gnttab_os_map(xengnttab_handle *h, uint32_t count,
    const struct xengnt_ref *refs, int prot,
    const struct xengnt_notify *notify, uint64_t *cookie)
{
	struct ioctl_gntdev_map_grant_ref *m;
	struct ioctl_gntdev_unmap_notify n;
	size_t len = (size_t)count * XENGNT_PAGE_SIZE;
	uint64_t index;
	uint32_t i;
	void *addr;
	int saved;

	m = calloc(1, sizeof(*m) + (size_t)(count - 1) * sizeof(m->refs[0]));
	if (m == NULL)
		return NULL;
	m->count = count;
	for (i = 0; i < count; i++) {
		m->refs[i].domid = refs[i].domid;
		m->refs[i].ref = refs[i].ref;
	}
	if (ioctl(h->fd, IOCTL_GNTDEV_MAP_GRANT_REF, m) == -1) {
		saved = errno;
		free(m);
		errno = saved;
		return NULL;
	}
	index = m->index;
	free(m);

	/* The grants are mapped here: a bad ref fails the whole range. */
	addr = mmap(NULL, len, prot, MAP_SHARED, h->fd, (off_t)index);
	if (addr == MAP_FAILED) {
		gntdev_release(h->fd, index, count);
		return NULL;
	}
	if (notify->action != 0) {
		memset(&n, 0, sizeof(n));
		n.index = index;
		if (notify->action & XENGNT_NOTIFY_CLEAR_BYTE)
			n.index += notify->offset;
		n.action = notify->action;
		n.event_channel_port = notify->port;
		if (ioctl(h->fd, IOCTL_GNTDEV_SET_UNMAP_NOTIFY, &n) == -1) {
			saved = errno;
			(void)munmap(addr, len);
			gntdev_release(h->fd, index, count);
			errno = saved;
			return NULL;
		}
	}
	*cookie = index;
	return addr;
}

int
gnttab_os_unmap(xengnttab_handle *h, void *addr, uint32_t count,
    uint64_t cookie)
{
	if (munmap(addr, (size_t)count * XENGNT_PAGE_SIZE) == -1)
		return -1;
	/*
	 * The range is gone from the address space; should the kernel
	 * refuse to forget it, it does so when the handle is closed.
	 */
	gntdev_release(h->fd, cookie, count);
	return 0;
}

int
gnttab_os_set_max_grants(xengnttab_handle *h, uint32_t count)
{
	struct ioctl_gntdev_set_max_grants m;

	m.count = count;
	/* Kernels since 4.x have no per-file limit: ENOTTY is success. */
	if (ioctl(h->fd, IOCTL_GNTDEV_SET_MAX_GRANTS, &m) == -1 &&
	    errno != ENOTTY)
		return -1;
	return 0;
}

int
gnttab_os_grant_copy(xengnttab_handle *h, uint32_t count,
    xengnttab_grant_copy_segment_t *segs)
{
	struct ioctl_gntdev_grant_copy c;

	memset(&c, 0, sizeof(c));
	c.count = count;
	c.segments = (struct gntdev_grant_copy_segment *)(void *)segs;
	return ioctl(h->fd, IOCTL_GNTDEV_GRANT_COPY, &c) == -1 ? -1 : 0;
}

int
gnttab_os_dmabuf_exp_from_refs(xengnttab_handle *h, uint32_t domid,
    uint32_t flags, uint32_t count, const uint32_t *refs, uint32_t *fd)
{
	struct ioctl_gntdev_dmabuf_exp_from_refs *e;
	int rc, saved;

	e = calloc(1, sizeof(*e) + (size_t)(count - 1) * sizeof(e->refs[0]));
	if (e == NULL)
		return -1;
	e->flags = flags;
	e->count = count;
	e->domid = domid;
	memcpy(e->refs, refs, (size_t)count * sizeof(e->refs[0]));
	rc = ioctl(h->fd, IOCTL_GNTDEV_DMABUF_EXP_FROM_REFS, e);
	saved = errno;
	if (rc != -1)
		*fd = e->fd;
	free(e);
	errno = saved;
	return rc == -1 ? -1 : 0;
}

int
gnttab_os_dmabuf_exp_wait_released(xengnttab_handle *h, uint32_t fd,
    uint32_t wait_to_ms)
{
	struct ioctl_gntdev_dmabuf_exp_wait_released w;

	w.fd = fd;
	w.wait_to_ms = wait_to_ms;
	return ioctl(h->fd, IOCTL_GNTDEV_DMABUF_EXP_WAIT_RELEASED, &w) == -1 ?
	    -1 : 0;
}

int
gnttab_os_dmabuf_imp_to_refs(xengnttab_handle *h, uint32_t domid,
    uint32_t fd, uint32_t count, uint32_t *refs)
{
	struct ioctl_gntdev_dmabuf_imp_to_refs *im;
	int rc, saved;

	im = calloc(1, sizeof(*im) + (size_t)(count - 1) * sizeof(im->refs[0]));
	if (im == NULL)
		return -1;
	im->fd = fd;
	im->count = count;
	im->domid = domid;
	rc = ioctl(h->fd, IOCTL_GNTDEV_DMABUF_IMP_TO_REFS, im);
	saved = errno;
	if (rc != -1)
		memcpy(refs, im->refs, (size_t)count * sizeof(im->refs[0]));
	free(im);
	errno = saved;
	return rc == -1 ? -1 : 0;
}

int
gnttab_os_dmabuf_imp_release(xengnttab_handle *h, uint32_t fd)
{
	struct ioctl_gntdev_dmabuf_imp_release r;

	memset(&r, 0, sizeof(r));
	r.fd = fd;
	return ioctl(h->fd, IOCTL_GNTDEV_DMABUF_IMP_RELEASE, &r) == -1 ?
	    -1 : 0;
}

int
gntshr_os_open(xengntshr_handle *h)
{
	return (h->fd = open_dev(LINUX_GNTALLOC_PATH)) == -1 ? -1 : 0;
}

int
gntshr_os_close(xengntshr_handle *h)
{
	return close(h->fd);
}

static void
gntalloc_release(int fd, uint64_t index, uint32_t count)
{
	struct ioctl_gntalloc_dealloc_gref d;
	int saved = errno;

	memset(&d, 0, sizeof(d));
	d.index = index;
	d.count = count;
	(void)ioctl(fd, IOCTL_GNTALLOC_DEALLOC_GREF, &d);
	errno = saved;
}

void *
gntshr_os_share(xengntshr_handle *h, uint32_t domid, uint32_t count,
    uint32_t *refs, int writable, const struct xengnt_notify *notify,
    uint64_t *cookie)
{
	struct ioctl_gntalloc_alloc_gref *a;
	struct ioctl_gntalloc_unmap_notify n;
	size_t len = (size_t)count * XENGNT_PAGE_SIZE;
	uint64_t index;
	void *addr;
	int saved;

	a = calloc(1, sizeof(*a) + (size_t)(count - 1) * sizeof(a->gref_ids[0]));
	if (a == NULL)
		return NULL;
	a->domid = (uint16_t)domid;
	a->flags = writable ? GNTALLOC_FLAG_WRITABLE : 0;
	a->count = count;
	if (ioctl(h->fd, IOCTL_GNTALLOC_ALLOC_GREF, a) == -1) {
		saved = errno;
		free(a);
		errno = saved;
		return NULL;
	}
	index = a->index;
	addr = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, h->fd,
	    (off_t)index);
	if (addr != MAP_FAILED && notify->action != 0) {
		memset(&n, 0, sizeof(n));
		n.index = index;
		if (notify->action & XENGNT_NOTIFY_CLEAR_BYTE)
			n.index += notify->offset;
		n.action = notify->action;
		n.event_channel_port = notify->port;
		if (ioctl(h->fd, IOCTL_GNTALLOC_SET_UNMAP_NOTIFY, &n) == -1) {
			saved = errno;
			(void)munmap(addr, len);
			errno = saved;
			addr = MAP_FAILED;
		}
	}
	if (addr != MAP_FAILED)
		memcpy(refs, a->gref_ids, (size_t)count * sizeof(refs[0]));
	/*
	 * Drop the file's hold on the range at once: the pages then live
	 * exactly as long as our mapping (and the peer's, if any).
	 */
	gntalloc_release(h->fd, index, count);
	free(a);
	if (addr == MAP_FAILED)
		return NULL;
	*cookie = index;
	return addr;
}

int
gntshr_os_unshare(xengntshr_handle *h, void *addr, uint32_t count,
    uint64_t cookie)
{
	(void)h;
	(void)cookie;
	return munmap(addr, (size_t)count * XENGNT_PAGE_SIZE);
}
