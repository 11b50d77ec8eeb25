/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * kexec_op: load, unload, status, exec, get_range.
 */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <string.h>

#include "private.h"

static const char *const range_names[] = {
	"crash area", "Xen", "CPU note", "xenheap", "boot parameters",
	"EFI memory map", "vmcoreinfo",
};

static int
check_type(xenkexec_handle *xk, const char *what, int type)
{
	if (xenkexec__usable(xk, what) < 0)
		return -1;
	if (type != XENKEXEC_TYPE_DEFAULT && type != XENKEXEC_TYPE_CRASH) {
		xenkexec__err(xk, EINVAL, "%s: unknown image type %d", what,
		    type);
		return -1;
	}
	return 0;
}

static const char *
type_name(int type)
{
	return type == XENKEXEC_TYPE_CRASH ? "crash" : "default";
}

/*
 * One kexec_op whose argument is len bytes at arg, bounced through a
 * hypercall buffer; the buffer is copied back when out is set.  Returns
 * the hypercall's result, or -1 with errno set (not logged).
 */
static int
kexec_op(xenkexec_handle *xk, unsigned int cmd, void *arg, size_t len,
    int out)
{
	void *buf;
	int rc, e;

	if ((buf = xencall_alloc_buffer(xk->xcall, len)) == NULL)
		return -1;
	memcpy(buf, arg, len);
	rc = xencall2(xk->xcall, XK_HYPERVISOR_kexec_op, cmd,
	    (uint64_t)(uintptr_t)buf);
	e = errno;
	if (rc >= 0 && out)
		memcpy(arg, buf, len);
	xencall_free_buffer(xk->xcall, buf);
	errno = e;
	return rc;
}

/*
 * Xen's KEXEC_CMD_kexec_status does not read the slot of the loaded
 * image: it returns a bit that every load and every unload of that type
 * flips (Xen 4.17 and 4.20 alike).  It equals "loaded" only while no
 * image is loaded over another one and nothing is unloaded that is not
 * loaded.  The library keeps that true: it skips an unload when nothing
 * is loaded, and when a load replaces a loaded image it loads the image
 * twice, so the bit flips back.  The lock orders the library's own
 * status-then-change sequences within the process.
 */
static pthread_mutex_t state_lock = PTHREAD_MUTEX_INITIALIZER;

/* A kexec_op whose argument is only the image type (status, unload). */
static int
type_op(xenkexec_handle *xk, unsigned int cmd, int type)
{
	struct xk_kexec_type t;

	memset(&t, 0, sizeof(t));
	t.type = (uint8_t)type;
	return kexec_op(xk, cmd, &t, sizeof(t), 0);
}

static int
raw_status(xenkexec_handle *xk, int type)
{
	int rc = type_op(xk, XK_KEXEC_CMD_kexec_status, type);

	return rc < 0 ? -1 : rc != 0;
}

/*
 * The second load of a replacement failed: the new image is loaded while
 * Xen's status bit reads "not loaded", so a later unload would be
 * skipped.  Unload it; where the bit flips, that leaves it reading
 * "loaded" over an empty slot, and a second unload brings both back to
 * "not loaded".  0 when nothing is loaded and the status agrees, else -1
 * with errno set (not logged).  Called with state_lock held.
 */
static int
unload_replacement(xenkexec_handle *xk, int type)
{
	int tries, st;

	for (tries = 0; tries < 2; tries++) {
		if (type_op(xk, XK_KEXEC_CMD_kexec_unload, type) < 0 ||
		    (st = raw_status(xk, type)) < 0)
			return -1;
		if (st == 0)
			return 0;
	}
	errno = EIO;
	return -1;
}

int
xenkexec__range(xenkexec_handle *xk, int range, int nr, uint64_t *start,
    uint64_t *size)
{
	struct xk_kexec_range r;

	memset(&r, 0, sizeof(r));
	r.range = range;
	r.nr = nr;
	if (kexec_op(xk, XK_KEXEC_CMD_kexec_get_range, &r, sizeof(r), 1) < 0)
		return -1;
	*start = r.start;
	*size = r.size;
	return 0;
}

XENLIBS_EXPORT int
xenkexec_get_range(xenkexec_handle *xk, int range, int nr, uint64_t *start,
    uint64_t *size)
{
	if (xenkexec__usable(xk, "get_range") < 0)
		return -1;
	if (start == NULL || size == NULL) {
		xenkexec__err(xk, EINVAL, "get_range: null result pointer");
		return -1;
	}
	if (range < 0 || range >= (int)XENLIBS_NELEM(range_names)) {
		xenkexec__err(xk, EINVAL, "get_range: unknown range type %d",
		    range);
		return -1;
	}
	if (range == XENKEXEC_RANGE_MA_CPU && nr < 0) {
		xenkexec__err(xk, ERANGE, "get_range: CPU %d", nr);
		return -1;
	}
	if (xenkexec__range(xk, range, nr, start, size) < 0) {
		if (range == XENKEXEC_RANGE_MA_CPU)
			xenkexec__err(xk, errno, "get_range: %s of CPU %d",
			    range_names[range], nr);
		else
			xenkexec__err(xk, errno, "get_range: %s",
			    range_names[range]);
		return -1;
	}
	return 0;
}

static int
seg_overlap(const struct xenkexec_segment *a,
    const struct xenkexec_segment *b)
{
	return a->dest_maddr < b->dest_maddr + b->dest_size &&
	    b->dest_maddr < a->dest_maddr + a->dest_size;
}

/* Everything Xen would refuse, refused before any hypercall. */
static int
check_segments(xenkexec_handle *xk, int type, uint64_t entry,
    unsigned int nr, const struct xenkexec_segment *segs)
{
	const uint64_t pmask = XENKEXEC_PAGE_SIZE - 1;
	uint64_t cstart = 0, csize = 0;
	unsigned int i, j;

	if (segs == NULL || nr == 0) {
		xenkexec__err(xk, EINVAL, "load: empty image (no segments)");
		return -1;
	}
	if (nr > XENKEXEC_MAX_SEGMENTS) {
		xenkexec__err(xk, E2BIG, "load: %u segments, at most %u",
		    nr, XENKEXEC_MAX_SEGMENTS);
		return -1;
	}
	for (i = 0; i < nr; i++) {
		const struct xenkexec_segment *s = &segs[i];

		if (s->buf == NULL && s->buf_size != 0) {
			xenkexec__err(xk, EINVAL, "load: segment %u has %zu "
			    "bytes at a null address", i, s->buf_size);
			return -1;
		}
		if ((s->dest_maddr & pmask) != 0 || (s->dest_size & pmask) != 0
		    || s->dest_size == 0) {
			xenkexec__err(xk, EINVAL, "load: segment %u: "
			    "destination %#llx+%#llx is not whole pages", i,
			    (unsigned long long)s->dest_maddr,
			    (unsigned long long)s->dest_size);
			return -1;
		}
		if (s->dest_maddr + s->dest_size < s->dest_maddr) {
			xenkexec__err(xk, EINVAL, "load: segment %u: "
			    "destination wraps around", i);
			return -1;
		}
		if ((uint64_t)s->buf_size > s->dest_size) {
			xenkexec__err(xk, EINVAL, "load: segment %u: %zu "
			    "bytes do not fit in %#llx", i, s->buf_size,
			    (unsigned long long)s->dest_size);
			return -1;
		}
		for (j = 0; j < i; j++)
			if (seg_overlap(s, &segs[j])) {
				xenkexec__err(xk, EINVAL, "load: segments %u "
				    "and %u overlap", j, i);
				return -1;
			}
	}
	if (type != XENKEXEC_TYPE_CRASH)
		return 0;

	if (xenkexec__range(xk, XENKEXEC_RANGE_MA_CRASH, 0, &cstart,
	    &csize) < 0) {
		xenkexec__err(xk, errno, "load: cannot read the crash area");
		return -1;
	}
	if (csize == 0) {
		xenkexec__err(xk, EADDRNOTAVAIL, "load: no crash area "
		    "reserved (boot Xen with crashkernel=)");
		return -1;
	}
	/*
	 * Only segments with a buffer must lie in the crash area: Xen skips
	 * one without (kexec-tools adds such a segment for the first MiB).
	 */
	for (i = 0; i < nr; i++)
		if (segs[i].buf != NULL && (segs[i].dest_maddr < cstart ||
		    segs[i].dest_maddr + segs[i].dest_size > cstart + csize)) {
			xenkexec__err(xk, EINVAL, "load: segment %u "
			    "(%#llx+%#llx) is outside the crash area "
			    "%#llx+%#llx", i,
			    (unsigned long long)segs[i].dest_maddr,
			    (unsigned long long)segs[i].dest_size,
			    (unsigned long long)cstart,
			    (unsigned long long)csize);
			return -1;
		}
	if (entry < cstart || entry >= cstart + csize) {
		xenkexec__err(xk, EINVAL, "load: entry point %#llx is "
		    "outside the crash area %#llx+%#llx",
		    (unsigned long long)entry, (unsigned long long)cstart,
		    (unsigned long long)csize);
		return -1;
	}
	return 0;
}

XENLIBS_EXPORT int
xenkexec_load(xenkexec_handle *xk, int type, uint16_t arch,
    uint64_t entry_maddr, unsigned int nr_segments,
    const struct xenkexec_segment *segments)
{
	struct xk_kexec_segment *hsegs = NULL;
	struct xk_kexec_load load;
	void *data[XENKEXEC_MAX_SEGMENTS];
	unsigned int i;
	int rc = -1, e = 0, e2, loaded, undone;

	if (check_type(xk, "load", type) < 0)
		return -1;
	if (check_segments(xk, type, entry_maddr, nr_segments, segments) < 0)
		return -1;

	memset(data, 0, sizeof(data));
	hsegs = xencall_alloc_buffer(xk->xcall,
	    nr_segments * sizeof(*hsegs));
	if (hsegs == NULL) {
		e = errno;
		xenkexec__err(xk, e, "load: no hypercall buffer for %u "
		    "segments", nr_segments);
		goto out;
	}
	memset(hsegs, 0, nr_segments * sizeof(*hsegs));
	for (i = 0; i < nr_segments; i++) {
		const struct xenkexec_segment *s = &segments[i];

		if (s->buf_size != 0) {
			data[i] = xencall_alloc_buffer(xk->xcall, s->buf_size);
			if (data[i] == NULL) {
				e = errno;
				xenkexec__err(xk, e, "load: no hypercall "
				    "buffer for segment %u (%zu bytes)", i,
				    s->buf_size);
				goto out;
			}
			memcpy(data[i], s->buf, s->buf_size);
		}
		hsegs[i].buf = (uint64_t)(uintptr_t)data[i];
		hsegs[i].buf_size = s->buf_size;
		hsegs[i].dest_maddr = s->dest_maddr;
		hsegs[i].dest_size = s->dest_size;
	}

	memset(&load, 0, sizeof(load));
	load.type = (uint8_t)type;
	load.arch = arch;
	load.nr_segments = nr_segments;
	load.segments = (uint64_t)(uintptr_t)hsegs;
	load.entry_maddr = entry_maddr;
	pthread_mutex_lock(&state_lock);
	/* A Xen without the status query: plain load, nothing to keep. */
	loaded = raw_status(xk, type) == 1;
	if (kexec_op(xk, XK_KEXEC_CMD_kexec_load, &load, sizeof(load), 0) < 0) {
		e = errno;
		pthread_mutex_unlock(&state_lock);
		xenkexec__err(xk, e, "load: %s image of %u segments, entry "
		    "%#llx", type_name(type), nr_segments,
		    (unsigned long long)entry_maddr);
		goto out;
	}
	/*
	 * Replaced a loaded image: load again to set the status bit back.
	 * Should that fail, the old image is gone already: unload the new
	 * one too rather than leave it loaded behind a status that says
	 * otherwise, and fail.
	 */
	if (loaded && kexec_op(xk, XK_KEXEC_CMD_kexec_load, &load,
	    sizeof(load), 0) < 0) {
		e = errno;
		undone = unload_replacement(xk, type) == 0;
		e2 = errno;
		pthread_mutex_unlock(&state_lock);
		if (!undone)
			xenkexec__log(xk, XTL_ERROR, e2, "load: cannot unload "
			    "the %s image again: Xen's status query may read "
			    "\"not loaded\" while one is loaded",
			    type_name(type));
		xenkexec__err(xk, e, "load: the %s image replaced the loaded "
		    "one, but loading it a second time (to keep Xen's status "
		    "query right) failed; %s", type_name(type), undone ?
		    "unloaded it: no image of this type is loaded" :
		    "it may still be loaded");
		goto out;
	}
	pthread_mutex_unlock(&state_lock);
	rc = 0;
out:
	for (i = 0; i < nr_segments && i < XENKEXEC_MAX_SEGMENTS; i++)
		if (data[i] != NULL)
			xencall_free_buffer(xk->xcall, data[i]);
	if (hsegs != NULL)
		xencall_free_buffer(xk->xcall, hsegs);
	if (rc < 0)
		errno = e;
	return rc;
}

XENLIBS_EXPORT int
xenkexec_unload(xenkexec_handle *xk, int type)
{
	int loaded, e;

	if (check_type(xk, "unload", type) < 0)
		return -1;
	pthread_mutex_lock(&state_lock);
	/*
	 * Nothing loaded: done (an unload would flip Xen's status bit).  A
	 * Xen without the status query (-1) gets the unload.
	 */
	loaded = raw_status(xk, type);
	if (loaded != 0 && type_op(xk, XK_KEXEC_CMD_kexec_unload, type) < 0) {
		e = errno;
		pthread_mutex_unlock(&state_lock);
		xenkexec__err(xk, e, "unload: %s image", type_name(type));
		return -1;
	}
	pthread_mutex_unlock(&state_lock);
	return 0;
}

XENLIBS_EXPORT int
xenkexec_status(xenkexec_handle *xk, int type)
{
	int rc;

	if (check_type(xk, "status", type) < 0)
		return -1;
	if ((rc = raw_status(xk, type)) < 0) {
		xenkexec__err(xk, errno, "status: %s image", type_name(type));
		return -1;
	}
	return rc;
}

XENLIBS_EXPORT int
xenkexec_exec(xenkexec_handle *xk, int type)
{
	struct xk_kexec_exec x;

	if (check_type(xk, "exec", type) < 0)
		return -1;
	memset(&x, 0, sizeof(x));
	x.type = type;
	/* Returns only on failure: success reboots or crashes the machine. */
	if (kexec_op(xk, XK_KEXEC_CMD_kexec, &x, sizeof(x), 0) < 0) {
		xenkexec__err(xk, errno, "exec: %s image", type_name(type));
		return -1;
	}
	return 0;
}
