/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * libxengnttab backend for FreeBSD: /dev/xen/gntdev both maps foreign
 * grants and allocates grants of our own.  Each range has an mmap()
 * offset (`index'), kept as the range's cookie.  The kernel has no grant
 * copy and no dma-buf: those fail with EOPNOTSUPP.
 *
 * Supported kernels: FreeBSD 12.x to 14.x (gntdev and its ioctls are
 * unchanged since 12.0).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "private.h"
#include "xen_ioctl.h"

static int
open_gntdev(struct xengntdev_handle *h)
{
	return (h->fd = open(FREEBSD_GNTDEV_PATH, O_RDWR | O_CLOEXEC)) == -1 ?
	    -1 : 0;
}

int
gnttab_os_open(xengnttab_handle *h)
{
	return open_gntdev(h);
}

int
gnttab_os_close(xengnttab_handle *h)
{
	return close(h->fd);
}

static void
unmap_index(int fd, uint64_t index, uint32_t count)
{
	struct ioctl_gntdev_unmap_grant_ref u;
	int saved = errno;

	memset(&u, 0, sizeof(u));
	u.index = index;
	u.count = count;
	(void)ioctl(fd, IOCTL_GNTDEV_UNMAP_GRANT_REF, &u);
	errno = saved;
}

static int
set_notify(int fd, uint64_t index, const struct xengnt_notify *notify)
{
	struct ioctl_gntdev_unmap_notify n;

	if (notify->action == 0)
		return 0;
	memset(&n, 0, sizeof(n));
	n.index = index;
	if (notify->action & XENGNT_NOTIFY_CLEAR_BYTE)
		n.index += notify->offset;
	n.action = notify->action;
	n.event_channel_port = notify->port;
	return ioctl(fd, IOCTL_GNTDEV_SET_UNMAP_NOTIFY, &n);
}

void *
gnttab_os_map(xengnttab_handle *h, uint32_t count,
    const struct xengnt_ref *refs, int prot,
    const struct xengnt_notify *notify, uint64_t *cookie)
{
	struct ioctl_gntdev_map_grant_ref m;
	struct ioctl_gntdev_grant_ref *kr;
	size_t len = (size_t)count * XENGNT_PAGE_SIZE;
	uint32_t i;
	void *addr;
	int rc, saved;

	if ((kr = calloc(count, sizeof(*kr))) == NULL)
		return NULL;
	for (i = 0; i < count; i++) {
		kr[i].domid = refs[i].domid;
		kr[i].ref = refs[i].ref;
	}
	memset(&m, 0, sizeof(m));
	m.count = count;
	m.refs = kr;
	rc = ioctl(h->fd, IOCTL_GNTDEV_MAP_GRANT_REF, &m);
	saved = errno;
	free(kr);
	if (rc == -1) {
		errno = saved;
		return NULL;
	}
	addr = mmap(NULL, len, prot, MAP_SHARED, h->fd, (off_t)m.index);
	if (addr == MAP_FAILED) {
		unmap_index(h->fd, m.index, count);
		return NULL;
	}
	if (set_notify(h->fd, m.index, notify) == -1) {
		saved = errno;
		(void)munmap(addr, len);
		unmap_index(h->fd, m.index, count);
		errno = saved;
		return NULL;
	}
	*cookie = m.index;
	return addr;
}

int
gnttab_os_unmap(xengnttab_handle *h, void *addr, uint32_t count,
    uint64_t cookie)
{
	if (munmap(addr, (size_t)count * XENGNT_PAGE_SIZE) == -1)
		return -1;
	/* Gone from the address space; the kernel forgets it at close. */
	unmap_index(h->fd, cookie, count);
	return 0;
}

int
gnttab_os_set_max_grants(xengnttab_handle *h, uint32_t count)
{
	/* No per-file limit in this kernel; the front end enforces it. */
	(void)h;
	(void)count;
	return 0;
}

int
gnttab_os_grant_copy(xengnttab_handle *h, uint32_t count,
    xengnttab_grant_copy_segment_t *segs)
{
	(void)h;
	(void)count;
	(void)segs;
	errno = EOPNOTSUPP;
	return -1;
}

int
gnttab_os_dmabuf_exp_from_refs(xengnttab_handle *h, uint32_t domid,
    uint32_t flags, uint32_t count, const uint32_t *refs, uint32_t *fd)
{
	(void)h;
	(void)domid;
	(void)flags;
	(void)count;
	(void)refs;
	(void)fd;
	errno = EOPNOTSUPP;
	return -1;
}

int
gnttab_os_dmabuf_exp_wait_released(xengnttab_handle *h, uint32_t fd,
    uint32_t wait_to_ms)
{
	(void)h;
	(void)fd;
	(void)wait_to_ms;
	errno = EOPNOTSUPP;
	return -1;
}

int
gnttab_os_dmabuf_imp_to_refs(xengnttab_handle *h, uint32_t domid,
    uint32_t fd, uint32_t count, uint32_t *refs)
{
	(void)h;
	(void)domid;
	(void)fd;
	(void)count;
	(void)refs;
	errno = EOPNOTSUPP;
	return -1;
}

int
gnttab_os_dmabuf_imp_release(xengnttab_handle *h, uint32_t fd)
{
	(void)h;
	(void)fd;
	errno = EOPNOTSUPP;
	return -1;
}

int
gntshr_os_open(xengntshr_handle *h)
{
	return open_gntdev(h);
}

int
gntshr_os_close(xengntshr_handle *h)
{
	return close(h->fd);
}

static int
dealloc_index(int fd, uint64_t index, uint32_t count)
{
	struct ioctl_gntdev_dealloc_gref d;

	memset(&d, 0, sizeof(d));
	d.index = index;
	d.count = count;
	return ioctl(fd, IOCTL_GNTDEV_DEALLOC_GREF, &d);
}

void *
gntshr_os_share(xengntshr_handle *h, uint32_t domid, uint32_t count,
    uint32_t *refs, int writable, const struct xengnt_notify *notify,
    uint64_t *cookie)
{
	struct ioctl_gntdev_alloc_gref a;
	size_t len = (size_t)count * XENGNT_PAGE_SIZE;
	uint32_t *ids;
	void *addr;
	int saved;

	if ((ids = calloc(count, sizeof(*ids))) == NULL)
		return NULL;
	memset(&a, 0, sizeof(a));
	a.domid = (uint16_t)domid;
	a.flags = writable ? GNTDEV_ALLOC_FLAG_WRITABLE : 0;
	a.count = count;
	a.gref_ids = ids;
	if (ioctl(h->fd, IOCTL_GNTDEV_ALLOC_GREF, &a) == -1) {
		saved = errno;
		free(ids);
		errno = saved;
		return NULL;
	}
	addr = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, h->fd,
	    (off_t)a.index);
	if (addr != MAP_FAILED && set_notify(h->fd, a.index, notify) == -1) {
		saved = errno;
		(void)munmap(addr, len);
		errno = saved;
		addr = MAP_FAILED;
	}
	if (addr == MAP_FAILED) {
		saved = errno;
		(void)dealloc_index(h->fd, a.index, count);
		free(ids);
		errno = saved;
		return NULL;
	}
	memcpy(refs, ids, (size_t)count * sizeof(*ids));
	free(ids);
	*cookie = a.index;
	return addr;
}

/*
 * Unmap first: the kernel frees a deallocated page (and ends its grant)
 * only once nothing maps it, and its cleanup runs at DEALLOC time.  The
 * DEALLOC is then best effort: it fails on a handle that
 * xentoolcore_restrict_all() has pointed at /dev/null, whose kernel
 * state went with the old descriptor anyway.  The mapping never stays.
 */
int
gntshr_os_unshare(xengntshr_handle *h, void *addr, uint32_t count,
    uint64_t cookie)
{
	int saved;

	if (munmap(addr, (size_t)count * XENGNT_PAGE_SIZE) == -1)
		return -1;
	saved = errno;
	(void)dealloc_index(h->fd, cookie, count);
	errno = saved;
	return 0;
}
