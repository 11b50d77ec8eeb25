/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Whether this NetBSD privcmd is NetBSD 10's, with MMAP_RESOURCE and the
 * grant ioctls.  Before 10, privcmd_ioctl() answers any of them with its
 * default EINVAL, the same errno a real request can get for a bad
 * argument, so a backend that got EINVAL asks once: a grant map of one
 * reference from a NULL array, over a readable page, fails with EFAULT in
 * privcmd_map_gref() (privcmd.c 1.66, at copyin(), after every other check
 * and with nothing left allocated) and with EINVAL before 10.
 * Included by the backends that need it; not a library interface.
 */
#ifndef XENLIBS_SYS_NETBSD_PRIVCMD_PROBE_H
#define XENLIBS_SYS_NETBSD_PRIVCMD_PROBE_H

#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

#include "xen_ioctl.h"

#ifndef MAP_ANON
#define MAP_ANON	MAP_ANONYMOUS
#endif

/* 1: NetBSD 10 or later; 0: older; -1: could not tell.  errno kept. */
static int
netbsd_privcmd_is_10(int fd)
{
	static int known;	/* 0 unknown, 1 new, 2 old */
	struct ioctl_gntdev_mmap_grant_ref m;
	int saved = errno, k, r = -1;
	void *page;

	if ((k = __atomic_load_n(&known, __ATOMIC_RELAXED)) != 0)
		return k == 1;
	page = mmap(NULL, 4096, PROT_READ, MAP_ANON | MAP_PRIVATE, -1, 0);
	if (page != MAP_FAILED) {
		memset(&m, 0, sizeof(m));
		m.count = 1;
		m.va = page;
		m.refs = NULL;
		if (ioctl(fd, IOCTL_GNTDEV_MMAP_GRANT_REF, &m) == -1 &&
		    (errno == EFAULT || errno == EINVAL)) {
			r = errno == EFAULT;
			__atomic_store_n(&known, r ? 1 : 2, __ATOMIC_RELAXED);
		}
		(void)munmap(page, 4096);
	}
	errno = saved;
	return r;
}

#endif /* !XENLIBS_SYS_NETBSD_PRIVCMD_PROBE_H */
