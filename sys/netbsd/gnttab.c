/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * libxengnttab backend for NetBSD: there is no grant device.  The grant
 * ioctls live on privcmd and replace an anonymous mapping the caller
 * supplies; unmapping that range (munmap) ends the grant mapping or
 * revokes the grants, and runs the unmap notification.  No cookie is
 * needed.  The kernel has no grant copy and no dma-buf: EOPNOTSUPP.
 *
 * The kernel maps foreign grants lazily, at the first fault: a bad ref
 * would only show as a fault on first touch.  We touch the range at once
 * by wiring it (mlock) so that a bad ref fails the call, as on the other
 * kernels.
 *
 * Unmap notification: privcmd_map_gref() and privcmd_alloc_gref()
 * (sys/arch/xen/xen/privcmd.c 1.66) compare the byte offset of the byte
 * to clear with the page count, so only offsets 0 to count work (0 and 1
 * for the one-page notify calls; libxenvchan's 25 does not).  Any larger
 * offset is refused here with EOPNOTSUPP before the kernel sees it: no
 * other mechanism clears the byte when the process dies.
 *
 * Supported kernels: NetBSD 10.x.  NetBSD 9 has no grant ioctls (its
 * privcmd answers EINVAL): an EINVAL is checked with privcmd_probe.h and
 * reported as EOPNOTSUPP there.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "private.h"
#include "privcmd_probe.h"
#include "xen_ioctl.h"

#ifndef MAP_ANON
#define MAP_ANON	MAP_ANONYMOUS
#endif

static int
open_privcmd(struct xengntdev_handle *h)
{
	return (h->fd = open(NETBSD_PRIVCMD_PATH, O_RDWR | O_CLOEXEC)) == -1 ?
	    -1 : 0;
}

int
gnttab_os_open(xengnttab_handle *h)
{
	return open_privcmd(h);
}

int
gnttab_os_close(xengnttab_handle *h)
{
	return close(h->fd);
}

/* 0, or -1 with EOPNOTSUPP when the kernel cannot clear that byte. */
static int
fill_notify(struct ioctl_gntdev_grant_notify *kn,
    const struct xengnt_notify *notify, uint32_t count)
{
	if ((notify->action & XENGNT_NOTIFY_CLEAR_BYTE) &&
	    notify->offset > count) {
		errno = EOPNOTSUPP;
		return -1;
	}
	memset(kn, 0, sizeof(*kn));
	kn->action = notify->action;
	if (notify->action & XENGNT_NOTIFY_CLEAR_BYTE)
		kn->offset = notify->offset;
	kn->event_channel_port = notify->port;
	return 0;
}

static void *
anon_range(size_t len, int prot)
{
	void *addr;

	addr = mmap(NULL, len, prot, MAP_ANON | MAP_PRIVATE, -1, 0);
	return addr == MAP_FAILED ? NULL : addr;
}

static void
drop_range(void *addr, size_t len)
{
	int saved = errno;

	(void)munmap(addr, len);
	errno = saved;
}

void *
gnttab_os_map(xengnttab_handle *h, uint32_t count,
    const struct xengnt_ref *refs, int prot,
    const struct xengnt_notify *notify, uint64_t *cookie)
{
	struct ioctl_gntdev_mmap_grant_ref m;
	struct ioctl_gntdev_grant_ref *kr;
	size_t len = (size_t)count * XENGNT_PAGE_SIZE;
	uint32_t i;
	void *addr;
	int rc, saved;

	memset(&m, 0, sizeof(m));
	if (fill_notify(&m.notify, notify, count) == -1)
		return NULL;
	if ((kr = calloc(count, sizeof(*kr))) == NULL)
		return NULL;
	for (i = 0; i < count; i++) {
		kr[i].domid = refs[i].domid;
		kr[i].ref = refs[i].ref;
	}
	/* The kernel takes the protection from the range it replaces. */
	if ((addr = anon_range(len, prot)) == NULL) {
		saved = errno;
		free(kr);
		errno = saved;
		return NULL;
	}
	m.count = count;
	m.va = addr;
	m.refs = kr;
	rc = ioctl(h->fd, IOCTL_GNTDEV_MMAP_GRANT_REF, &m);
	saved = errno;
	free(kr);
	if (rc == -1 && saved == EINVAL && netbsd_privcmd_is_10(h->fd) == 0)
		saved = EOPNOTSUPP;	/* NetBSD 9: no grant ioctls */
	if (rc == -1) {
		drop_range(addr, len);
		errno = saved;
		return NULL;
	}
	/*
	 * Fault every page in now.  The kernel reports a page it could not
	 * map (a bad or read-only grant) as ENOMEM: that is our EINVAL.
	 * EAGAIN (the wiring limit) leaves the grants unchecked, so the
	 * range is not handed out either: the front end tries again, a
	 * bounded number of times.
	 */
	if (mlock(addr, len) == -1) {
		saved = errno == ENOMEM ? EINVAL : errno;
		drop_range(addr, len);
		errno = saved;
		return NULL;
	}
	(void)munlock(addr, len);
	*cookie = 0;
	return addr;
}

int
gnttab_os_unmap(xengnttab_handle *h, void *addr, uint32_t count,
    uint64_t cookie)
{
	(void)h;
	(void)cookie;
	return munmap(addr, (size_t)count * XENGNT_PAGE_SIZE);
}

int
gnttab_os_set_max_grants(xengnttab_handle *h, uint32_t count)
{
	/* No kernel limit to set; the front end enforces it. */
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
	return open_privcmd(h);
}

int
gntshr_os_close(xengntshr_handle *h)
{
	return close(h->fd);
}

void *
gntshr_os_share(xengntshr_handle *h, uint32_t domid, uint32_t count,
    uint32_t *refs, int writable, const struct xengnt_notify *notify,
    uint64_t *cookie)
{
	struct ioctl_gntdev_alloc_grant_ref a;
	size_t len = (size_t)count * XENGNT_PAGE_SIZE;
	uint32_t *ids;
	void *addr;
	int saved;

	memset(&a, 0, sizeof(a));
	if (fill_notify(&a.notify, notify, count) == -1)
		return NULL;
	if ((ids = calloc(count, sizeof(*ids))) == NULL)
		return NULL;
	if ((addr = anon_range(len, PROT_READ | PROT_WRITE)) == NULL) {
		saved = errno;
		free(ids);
		errno = saved;
		return NULL;
	}
	a.domid = (uint16_t)domid;
	a.flags = writable ? GNTDEV_ALLOC_FLAG_WRITABLE : 0;
	a.count = count;
	a.va = addr;
	a.gref_ids = ids;
	if (ioctl(h->fd, IOCTL_GNTDEV_ALLOC_GRANT_REF, &a) == -1) {
		saved = errno;
		if (saved == EINVAL && netbsd_privcmd_is_10(h->fd) == 0)
			saved = EOPNOTSUPP;	/* NetBSD 9 */
		drop_range(addr, len);
		free(ids);
		errno = saved;
		return NULL;
	}
	memcpy(refs, ids, (size_t)count * sizeof(*ids));
	free(ids);
	*cookie = 0;
	return addr;
}

int
gntshr_os_unshare(xengntshr_handle *h, void *addr, uint32_t count,
    uint64_t cookie)
{
	(void)h;
	(void)cookie;
	/* Detaching the kernel's object revokes the grants. */
	return munmap(addr, (size_t)count * XENGNT_PAGE_SIZE);
}
