/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * What a kexec loader reads from Xen besides kexec_op: the machine memory
 * map, the number of CPUs, the Xen version.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "private.h"

/*
 * The machine memory map.  Xen tells how many entries it has when asked
 * with a null buffer; the map is then read whole into a hypercall buffer
 * and the first max_entries entries are given to the caller, who learns
 * the whole count from the return value.
 */
XENLIBS_EXPORT int
xenkexec_get_memory_map(xenkexec_handle *xk,
    struct xenkexec_memory_entry *entries, unsigned int max_entries)
{
	struct xk_memory_map *mm = NULL;
	unsigned char *raw = NULL;
	unsigned int n, i, room;
	int rc = -1, e = 0;

	if (xenkexec__usable(xk, "get_memory_map") < 0)
		return -1;
	if (entries == NULL && max_entries != 0) {
		xenkexec__err(xk, EINVAL, "get_memory_map: null array of %u "
		    "entries", max_entries);
		return -1;
	}
	if ((mm = xencall_alloc_buffer(xk->xcall, sizeof(*mm))) == NULL) {
		e = errno;
		xenkexec__err(xk, e, "get_memory_map: no hypercall buffer");
		goto out;
	}
	if (xencall2(xk->xcall, XK_HYPERVISOR_memory_op,
	    XK_XENMEM_machine_memory_map, (uint64_t)(uintptr_t)mm) == 0)
		n = mm->nr_entries;
	else if (errno == EINVAL)
		n = XK_E820_GUESS;	/* a Xen without the size query */
	else {
		e = errno;
		xenkexec__err(xk, e, "get_memory_map: size query");
		goto out;
	}
	if (n == 0 || n > 4096) {
		e = EIO;
		xenkexec__err(xk, e, "get_memory_map: Xen reports %u entries",
		    n);
		goto out;
	}
	/*
	 * Xen wants room for more entries than it will write (it may add
	 * reserved entries for holes): give it slack, and more on EINVAL.
	 */
	for (room = n + 16; ; room *= 2) {
		raw = xencall_alloc_buffer(xk->xcall,
		    (size_t)room * XK_E820_ENTRY_SIZE);
		if (raw == NULL) {
			e = errno;
			xenkexec__err(xk, e, "get_memory_map: no hypercall "
			    "buffer for %u entries", room);
			goto out;
		}
		memset(raw, 0, (size_t)room * XK_E820_ENTRY_SIZE);
		memset(mm, 0, sizeof(*mm));
		mm->nr_entries = room;
		mm->buffer = raw;
		if (xencall2(xk->xcall, XK_HYPERVISOR_memory_op,
		    XK_XENMEM_machine_memory_map,
		    (uint64_t)(uintptr_t)mm) == 0)
			break;
		e = errno;
		xencall_free_buffer(xk->xcall, raw);
		raw = NULL;
		if (e != EINVAL || room > 4 * (n + 16)) {
			xenkexec__err(xk, e, "get_memory_map: reading %u "
			    "entries", room);
			goto out;
		}
	}
	if (mm->nr_entries > room) {
		e = EIO;
		xenkexec__err(xk, e, "get_memory_map: Xen wrote %u entries "
		    "in room for %u", mm->nr_entries, room);
		goto out;
	}
	n = mm->nr_entries;
	for (i = 0; i < n && i < max_entries; i++) {
		const unsigned char *p = raw + (size_t)i * XK_E820_ENTRY_SIZE;

		memcpy(&entries[i].addr, p, 8);
		memcpy(&entries[i].size, p + 8, 8);
		memcpy(&entries[i].type, p + 16, 4);
		entries[i].reserved = 0;
	}
	rc = (int)n;
out:
	if (raw != NULL)
		xencall_free_buffer(xk->xcall, raw);
	if (mm != NULL)
		xencall_free_buffer(xk->xcall, mm);
	if (rc < 0)
		errno = e;
	return rc;
}

/*
 * XEN_SYSCTL_physinfo is a toolstack interface whose version number
 * changes between Xen releases; Xen refuses a wrong one with EACCES.  The
 * head of physinfo (up to max_cpu_id) has kept its layout in every
 * version, so the library tries the versions it knows, newest released
 * first, then a bounded range of later ones, and keeps the one Xen
 * accepts.
 */
static const uint32_t sysctl_versions[] = {
	0x15,				/* Xen 4.17 to 4.20 */
	0x16, 0x17, 0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f,
	0x14, 0x13, 0x12, 0x11, 0x10,	/* Xen 4.16 and older */
};

static int
physinfo(xenkexec_handle *xk, uint32_t version, uint32_t *max_cpu_id)
{
	struct xk_sysctl *sc;
	int rc, e;

	if ((sc = xencall_alloc_buffer(xk->xcall, sizeof(*sc))) == NULL)
		return -1;
	memset(sc, 0, sizeof(*sc));
	sc->cmd = XK_XEN_SYSCTL_physinfo;
	sc->interface_version = version;
	rc = xencall1(xk->xcall, XK_HYPERVISOR_sysctl,
	    (uint64_t)(uintptr_t)sc);
	e = errno;
	if (rc >= 0)
		*max_cpu_id = sc->u.physinfo.max_cpu_id;
	xencall_free_buffer(xk->xcall, sc);
	errno = e;
	return rc < 0 ? -1 : 0;
}

/*
 * The stable fallback: kexec_op get_range of a CPU note fails with ERANGE
 * exactly for CPU numbers at or above Xen's CPU count.  Without a crash
 * area Xen keeps no notes and answers EINVAL for the CPUs it has; with
 * one, EINVAL can only mean the CPU is not there.
 */
static int
cpu_exists(xenkexec_handle *xk, int nr, int have_notes)
{
	uint64_t start, size;

	if (xenkexec__range(xk, XENKEXEC_RANGE_MA_CPU, nr, &start, &size) == 0)
		return 1;
	if (errno == ERANGE)
		return 0;
	if (errno == EINVAL)
		return !have_notes;
	return -1;
}

static int
max_cpus_by_kexec(xenkexec_handle *xk)
{
	uint64_t cstart, csize;
	int lo = 1, hi = 1, mid, r, notes;

	if (xenkexec__range(xk, XENKEXEC_RANGE_MA_CRASH, 0, &cstart,
	    &csize) < 0)
		return -1;
	notes = csize != 0;
	/* CPU lo-1 exists; double hi until CPU hi-1 does not, then bisect. */
	if ((r = cpu_exists(xk, 0, notes)) <= 0)
		return r == 0 ? (errno = EIO, -1) : -1;
	for (;;) {
		if (hi >= (1 << 20)) {
			errno = EIO;
			return -1;
		}
		hi *= 2;
		if ((r = cpu_exists(xk, hi - 1, notes)) < 0)
			return -1;
		if (r == 0)
			break;
		lo = hi;
	}
	while (hi - lo > 1) {
		mid = lo + (hi - lo) / 2;
		if ((r = cpu_exists(xk, mid - 1, notes)) < 0)
			return -1;
		if (r)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

XENLIBS_EXPORT int
xenkexec_get_max_cpus(xenkexec_handle *xk)
{
	uint32_t ver, max_cpu_id = 0;
	unsigned int i;
	int rc = -1, e = 0;

	if (xenkexec__usable(xk, "get_max_cpus") < 0)
		return -1;
	pthread_mutex_lock(&xk->lock);
	ver = xk->sysctl_version;
	if (ver != 0) {
		if (physinfo(xk, ver, &max_cpu_id) == 0)
			rc = 0;
		else
			e = errno;
	} else {
		e = EACCES;
		for (i = 0; i < XENLIBS_NELEM(sysctl_versions); i++) {
			ver = sysctl_versions[i];
			if (physinfo(xk, ver, &max_cpu_id) == 0) {
				xk->sysctl_version = ver;
				xenkexec__log(xk, XTL_DETAIL, -1, "sysctl "
				    "interface version %#x", (unsigned)ver);
				rc = 0;
				break;
			}
			if ((e = errno) != EACCES)
				break;
		}
	}
	pthread_mutex_unlock(&xk->lock);
	if (rc == 0) {
		if (max_cpu_id >= (uint32_t)INT32_MAX) {
			xenkexec__err(xk, EOVERFLOW, "get_max_cpus: maximum "
			    "CPU id %u", (unsigned)max_cpu_id);
			return -1;
		}
		return (int)max_cpu_id + 1;
	}
	if (e != EACCES) {
		xenkexec__err(xk, e, "get_max_cpus: sysctl physinfo");
		return -1;
	}
	/* No sysctl version known to us is this hypervisor's. */
	xenkexec__log(xk, XTL_DETAIL, -1, "no known sysctl interface "
	    "version accepted; counting CPUs through kexec_op");
	if ((rc = max_cpus_by_kexec(xk)) < 0) {
		xenkexec__err(xk, errno, "get_max_cpus: kexec_op CPU probe");
		return -1;
	}
	return rc;
}

XENLIBS_EXPORT int
xenkexec_get_version(xenkexec_handle *xk, unsigned int *major,
    unsigned int *minor)
{
	int v;

	if (xenkexec__usable(xk, "get_version") < 0)
		return -1;
	v = xencall2(xk->xcall, XK_HYPERVISOR_xen_version, XK_XENVER_version,
	    0);
	if (v < 0) {
		xenkexec__err(xk, errno, "get_version: xen_version");
		return -1;
	}
	if (major != NULL)
		*major = (unsigned int)v >> 16;
	if (minor != NULL)
		*minor = (unsigned int)v & 0xffff;
	return v;
}
