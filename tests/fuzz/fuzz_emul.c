/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A bounded fuzz run of the whole public API of the xenlibs libraries
 * (xentoollog, xentoolcore, xencall, xenevtchn, xengnttab/xengntshr,
 * xenforeignmemory, xendevicemodel, xenkexec) against the emulated devices
 * of one kernel (tests/emul).  Built as fuzz_emul_linux, fuzz_emul_freebsd
 * and fuzz_emul_netbsd, each with that kernel's real backends.
 *
 * Each case runs a fixed number of pseudo-random steps from a fixed seed
 * (own PRNG: nothing depends on the time, addresses or rand()).  A step
 * may first arm one injected device error (xenemu_fail_nth, _fail_op,
 * _eagain, _short_io, _fail_batch_at, a device made absent, a failing
 * minherit(); on Linux a kernel without MMAPBATCH_V2, which sends a
 * foreign-memory handle to V1), then makes one call with valid or
 * hostile arguments: zero, huge and negative counts, reserved, missing and
 * out-of-range domids, unknown flags and prot bits, NULL where a page
 * promises EINVAL, misaligned addresses, ranges of another handle or of
 * the other kind of grant handle, pointers into or beside buffers.  It
 * never passes a wild non-NULL pointer the API requires to be valid, and
 * never a count larger than the array passed with it (except where the
 * page promises the count is refused first).
 *
 * Every result is checked against the contract: success, or -1/NULL with
 * errno one that the function's manual page names (fuzz_errors.h is made
 * from share/man/man3 at build time), or the injected one; some calls must
 * fail with a given errno (NULL handles, another handle's range, reserved
 * domids given to restrict, bad prot...).  A successful grant or foreign
 * map must show the frames asked for (each frame's last byte names it,
 * including frames above 2^28), and err[] must hold exactly the errors of
 * the paged-out, bad and refused frames.  Handles are closed in random
 * order, some with ranges, ports and buffers still held.  At the end of a
 * case every handle is closed, and the emulator must count no descriptor,
 * mapping, grant, port or hypercall buffer left, and the process must hold
 * as many descriptors as it did at the start.  Under the sanitizer build,
 * ASan, UBSan and LeakSanitizer fail the case on any report.
 *
 * Debugging a failure: FUZZ_TRACE=1 prints every call and its result,
 * FUZZ_LOG=1 sends the libraries' messages to standard error,
 * FUZZ_STEPS=n replays the first n steps of a seed, and FUZZ_SEED=s runs
 * another seed (to look for new ones).
 */
#include <atf-c.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <xencall.h>
#include <xendevicemodel.h>
#include <xenevtchn.h>
#include <xenforeignmemory.h>
#include <xengnttab.h>
#include <xenkexec.h>
#include <xentoolcore.h>
#include <xentoollog.h>

#include "xenemu.h"

#define PG		4096
/*
 * Steps per seed: 1 to 3 s a case under ASan, 10 to 15 s a dialect; under
 * valgrind (found by its preload library) a quarter of them, about as long.
 */
#define NSTEPS		8000
#define MAXH		3	/* open handles of each kind at most */
#define MAXR		48	/* tracked ranges, ports, buffers of each kind */

/*
 * The fixed seeds; one test case each.  seed4 was found by a scan of 24
 * more (FUZZ_SEED): on FreeBSD it reaches a devicemodel handle made
 * useless by a refused xentoolcore_restrict_all().
 */
static const uint64_t seeds[] = {
	0x243f6a8885a308d3ull, 0x13198a2e03707344ull, 0xa4093822299f31d0ull,
	0x082efa98ec4e6c89ull, 0x1e3779b97f4a7c15ull,
};

/* ---- errno contract (generated from the manual pages) ---- */

struct errtab {
	const char	*fn;
	int		 errs[40];
};
static const struct errtab errtab[] = {
#include "fuzz_errors.h"
	{ NULL, { 0 } }
};

/* ---- PRNG: splitmix64 ---- */

static uint64_t rs;

static uint64_t
rnd(void)
{
	uint64_t z = (rs += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static unsigned
below(unsigned n)
{
	return n ? (unsigned)(rnd() % n) : 0;
}

/* True one time in n. */
static int
one_in(unsigned n)
{
	return below(n) == 0;
}

#define PICK(a)	((a)[below(sizeof(a) / sizeof((a)[0]))])

/* ---- state of one run ---- */

enum kind { K_CALL, K_EVT, K_TAB, K_SHR, K_FMEM, K_DM, K_KX, NKINDS };

struct buf { xencall_handle *h; void *p; size_t n; int pages; };
struct port { xenevtchn_handle *h; uint32_t port; };
struct range { void *h; void *a; uint32_t n; };
struct fmap { void *a; size_t n; };
struct fres { xenforeignmemory_handle *h; xenforeignmemory_resource_handle *r; };
struct dmabuf { xengnttab_handle *h; uint32_t fd; };

static struct run {
	void		*h[NKINDS][MAXH];
	struct buf	 bufs[MAXR];	unsigned nbufs;
	struct port	 ports[MAXR];	unsigned nports;
	struct range	 gmaps[MAXR];	unsigned ngmaps;
	struct range	 shares[MAXR];	unsigned nshares;
	struct fmap	 fmaps[MAXR];	unsigned nfmaps;
	struct fres	 fres[MAXR];	unsigned nfres;
	struct dmabuf	 dmabufs[MAXR];	unsigned ndmabufs;
	uint32_t	 refs[16];	unsigned nrefs;	/* dom1's grants to us */
	uint32_t	 rports[8];	unsigned nrports; /* dom1's unbound ports */
	xentoollog_logger *lg;		/* every handle's logger but a few */
	xentoollog_logger *xlg[4];	unsigned nxlg;
	FILE		*logf;
	int		 dom1, dom2;
	int		 injected;	/* errno armed for this step, or 0 */
	int		 restricted;	/* xentoolcore_restrict_all succeeded */
	void		*v1[MAXR];	unsigned nv1; /* fmem handles pushed to V1 */
	unsigned	 step, steps;
	unsigned	 violations;
	/* the call trace: (function, failed, errno) of every call */
	uint32_t	*trace;		size_t ntrace, trace_cap;
} R;

static unsigned char kbuf[2 * PG];	/* kexec segment data, copy buffers */

/*
 * libxenhypercall's BSD backends keep buffers out of children with
 * minherit(2), which they reference weakly and Linux's C library lacks:
 * this stand-in fails when a step arms it.
 */
static int minherit_err;
int minherit(void *, size_t, int) __attribute__((__weak__));
int
minherit(void *addr, size_t len, int inherit)
{
	(void)addr; (void)len; (void)inherit;
	if (minherit_err != 0) {
		errno = minherit_err;
		minherit_err = 0;
		return -1;
	}
	return 0;
}

/* ---- checking ---- */

static void
violation(const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (++R.violations <= 25)
		atf_tc_fail_nonfatal("%s: %s%s", XENEMU_DIALECT ==
		    XENEMU_LINUX ? "linux" : XENEMU_DIALECT == XENEMU_FREEBSD ?
		    "freebsd" : "netbsd", msg, R.restricted ?
		    " [after a restrict]" : "");
}

/*
 * Where a page's ERRORS passes on the errors of other functions in words
 * ("fails with the error of the first handle that could not be
 * restricted", "any other error of the privcmd device or of Xen is passed
 * on", "any other error of xencall_open(3)"), those functions' lists.
 */
static const struct { const char *fn, *also; } inherits[] = {
	{ "xentoolcore_restrict_all", "xenevtchn_restrict" },
	{ "xentoolcore_restrict_all", "xenforeignmemory_restrict" },
	{ "xentoolcore_restrict_all", "xendevicemodel_restrict" },
	{ "xenkexec_open", "xencall_open" },
	{ "xenkexec_load", "xencall0" },
	{ "xenkexec_unload", "xencall0" },
	{ "xenkexec_status", "xencall0" },
	{ "xenkexec_exec", "xencall0" },
	{ "xenkexec_get_memory_map", "xencall0" },
	{ "xenkexec_get_max_cpus", "xencall0" },
	{ "xenkexec_get_version", "xencall0" },
};

/*
 * Known contract gaps tolerated until they are fixed: { dialect (0: all),
 * function (a trailing * matches a prefix), errno }, each with a comment
 * naming the bug it stands for; remove the entry with the fix.  E.g.
 *	{ XENEMU_FREEBSD, "xendevicemodel_*", ENOTTY },
 */
static const struct { int dialect; const char *fn; int e; } known_gaps[] = {
	{ -1, NULL, 0 }		/* none */
};

static int
known_gap(const char *fn, int e)
{
	size_t i, n;

	for (i = 0; known_gaps[i].fn != NULL; i++) {
		n = strlen(known_gaps[i].fn);
		if ((known_gaps[i].dialect == 0 ||
		    known_gaps[i].dialect == XENEMU_DIALECT) &&
		    known_gaps[i].e == e &&
		    (known_gaps[i].fn[n - 1] == '*' ?
		    strncmp(known_gaps[i].fn, fn, n - 1) == 0 :
		    strcmp(known_gaps[i].fn, fn) == 0))
			return 1;
	}
	return 0;
}

static int
err_listed(const char *fn, int e)
{
	const struct errtab *t;
	const int *p;
	int found_fn = 0;
	size_t i;

	for (i = 0; i < sizeof(inherits) / sizeof(inherits[0]); i++)
		if (strcmp(inherits[i].fn, fn) == 0 &&
		    err_listed(inherits[i].also, e))
			return 1;

	for (t = errtab; t->fn != NULL; t++) {
		if (strcmp(t->fn, fn) != 0)
			continue;
		found_fn = 1;
		for (p = t->errs; *p != 0; p++)
			if (*p == e)
				return 1;
	}
	if (!found_fn)
		violation("%s: no manual page names it", fn);
	return known_gap(fn, e);
}

static void
trace(const char *fn, int failed, int e)
{
	uint32_t h = 2166136261u;
	const char *s;

	for (s = fn; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	h = (h ^ (uint32_t)failed) * 16777619u;
	h = (h ^ (uint32_t)e) * 16777619u;
	if (R.ntrace == R.trace_cap) {
		R.trace_cap = R.trace_cap ? 2 * R.trace_cap : 4096;
		R.trace = realloc(R.trace, R.trace_cap * sizeof(*R.trace));
		ATF_REQUIRE(R.trace != NULL);
	}
	R.trace[R.ntrace++] = h;
	if (getenv("FUZZ_TRACE") != NULL)
		fprintf(stderr, "fuzz: %zu %s %s %d\n", R.ntrace, fn,
		    failed ? "fail" : "ok", e);
}

/*
 * One call's result: failed (returned -1 or NULL) with errno e.  want is
 * the errno the contract requires (the call must fail with it), or 0.
 */
static void
check(const char *fn, int failed, int e, int want, const char *args)
{
	trace(fn, failed, failed ? e : 0);
	if (want != 0) {
		if (!failed)
			violation("%s(%s) succeeded; the page says it fails "
			    "with %s", fn, args, strerror(want));
		else if (e != want && e != R.injected &&
		    !((R.restricted || R.injected) && err_listed(fn, e)))
			violation("%s(%s) failed with %s, the page says %s",
			    fn, args, strerror(e), strerror(want));
		return;
	}
	if (!failed)
		return;
	if (e == 0)
		violation("%s(%s) failed without setting errno", fn, args);
	else if (e != R.injected && !err_listed(fn, e))
		violation("%s(%s) failed with errno %d (%s), which its page "
		    "does not name%s", fn, args, e, strerror(e),
		    R.injected ? " (a device error was injected)" : "");
}

#define CALL_INT(fn, want, args, expr) do {				\
	errno = 0; rv = (expr); err = errno;				\
	check(fn, rv == -1, err, want, args);				\
} while (0)
#define CALL_PTR(fn, want, args, expr) do {				\
	errno = 0; pv = (expr); err = errno;				\
	check(fn, pv == NULL, err, want, args);				\
} while (0)

/* ---- hostile values ---- */

static uint32_t
any_domid(void)
{
	switch (below(12)) {
	case 0: case 1: case 2: case 3:	return (uint32_t)R.dom1;
	case 4:		return (uint32_t)R.dom2;
	case 5:		return 0;
	case 6:		return DOMID_SELF;
	case 7:		return DOMID_FIRST_RESERVED + below(16);	/* 0x7FF0.. */
	case 8:		return 4242;				/* no domain */
	case 9:		return 0xffff;
	case 10:	return 0x10000 + (uint32_t)R.dom1;	/* too large */
	default:	return UINT32_MAX;
	}
}

static uint32_t
any_count(uint32_t cap)
{
	static const uint32_t small[] = { 1, 1, 1, 2, 2, 3, 4, 7 };
	uint32_t c;

	switch (below(8)) {
	case 0: case 1: case 2: case 3: case 4:	c = PICK(small); break;
	case 5:	c = below(cap + 1); break;
	case 6:	c = cap; break;
	default: c = 0; break;
	}
	return c > cap ? cap : c;
}

/*
 * Frame contents: the last byte of frame gfn of a domain is pat(dom, gfn),
 * so a mapping can be checked to show the frames asked for.  Nothing the
 * fuzz does writes that byte of a guest frame.
 */
static unsigned char
pat(int dom, uint64_t gfn)
{
	return (unsigned char)(dom * 37 + (int)gfn * 7 + 1);
}

/* dom1's frames above 2^28 (aliases of low frames), and failing frames. */
static const struct { uint64_t gfn, to; } high_gfns[] = {
	{ 0x10000000, 1 }, { 0xf0000002, 2 }, { 0x80000003, 3 },
	{ 0x7fffffff, 4 },
};
#define GFN_PAGED	24	/* foreign map: ENOENT */
#define GFN_BAD		25	/* EINVAL */
#define GFN_EPERM	26	/* EPERM */

static int
any_errno(void)
{
	static const int e[] = { EIO, ENOMEM, EFAULT, EINVAL, EAGAIN, EPERM,
	    ENOENT, EBUSY, ENOSPC, EINTR };
	return PICK(e);
}

/* One of the open handles of a kind; NULL sometimes, or if none is. */
static void *
handle(enum kind k)
{
	void *open[MAXH];
	unsigned i, n = 0;

	for (i = 0; i < MAXH; i++)
		if (R.h[k][i] != NULL)
			open[n++] = R.h[k][i];
	if (n == 0 || one_in(12))
		return NULL;
	return open[below(n)];
}

static const char *
tab_path(void)
{
	return xenemu_dialect() == XENEMU_NETBSD ? "/kern/xen/privcmd" :
	    "/dev/xen/gntdev";
}

/* Arm at most one device error for the next call. */
static void
inject(void)
{
	static const char *const ops[] = { "open", "ioctl", "mmap", "read",
	    "write", "poll", "fcntl", "madvise", "mlock", "munlock", "dup2",
	    "hypercall:xen_version", "hypercall:dm_op", "hypercall:kexec_op",
	    "hypercall:memory_op", "hypercall:event_channel_op" };

	R.injected = 0;
	if (!one_in(5))
		return;
	switch (below(7)) {
	case 6:
		R.injected = minherit_err = one_in(2) ? ENOMEM : EINVAL;
		break;
	case 0:
		R.injected = any_errno();
		xenemu_fail_nth(1 + below(4), R.injected);
		break;
	case 1:
		R.injected = any_errno();
		if (xenemu_fail_op(PICK(ops), 1 + below(2), R.injected) != 0)
			R.injected = 0;
		break;
	case 2:
		/* each EAGAIN costs a retry's sleep: few, sometimes all */
		xenemu_eagain(one_in(8) ? 40 : 1 + below(2));
		R.injected = one_in(2) ? EAGAIN : ENOENT;
		break;
	case 3:
		xenemu_short_io(below(8));
		R.injected = EIO;
		break;
	case 4:
		R.injected = any_errno();
		xenemu_fail_batch_at(below(4), R.injected);
		break;
	default:
		/* A device that disappears (ENOENT on open), for this step. */
		xenemu_device_present(tab_path(), 0);
		R.injected = ENOENT;
		break;
	}
}

static void
uninject(void)
{
	xenemu_fail_clear();
	xenemu_device_present(tab_path(), 1);
	minherit_err = 0;
	R.injected = 0;
}

static xentoollog_logger *
any_logger(void)
{
	if (one_in(16))
		return NULL;	/* the library makes its own, on stderr */
	if (R.nxlg > 0 && one_in(3))
		return R.xlg[below(R.nxlg)];
	return R.lg;
}

/* ---- forgetting what a closed handle held ---- */

#define DROP(arr, n, cond) do {						\
	unsigned i_ = 0;						\
	while (i_ < (n)) {						\
		if (cond) (arr)[i_] = (arr)[--(n)]; else i_++;		\
	}								\
} while (0)

static void
forget(enum kind k, void *h)
{
	switch (k) {
	case K_CALL: DROP(R.bufs, R.nbufs, R.bufs[i_].h == h); break;
	case K_EVT: DROP(R.ports, R.nports, R.ports[i_].h == h); break;
	case K_TAB: DROP(R.gmaps, R.ngmaps, R.gmaps[i_].h == h); break;
	case K_SHR: DROP(R.shares, R.nshares, R.shares[i_].h == h); break;
	case K_FMEM: DROP(R.v1, R.nv1, R.v1[i_] == h); break;
	default: break;
	}
}

/* Release, as the caller must, what a handle's close does not. */
static void
before_close(enum kind k, void *h)
{
	unsigned i;
	int rv, err;

	if (k == K_FMEM) {
		for (i = 0; i < R.nfres; ) {
			if (R.fres[i].h != h) {
				i++;
				continue;
			}
			CALL_INT("xenforeignmemory_unmap_resource", 0, "",
			    xenforeignmemory_unmap_resource(h, R.fres[i].r));
			R.fres[i] = R.fres[--R.nfres];
		}
	}
	if (k == K_TAB) {
		for (i = 0; i < R.ndmabufs; ) {
			if (R.dmabufs[i].h != h) {
				i++;
				continue;
			}
			close((int)R.dmabufs[i].fd);
			R.dmabufs[i] = R.dmabufs[--R.ndmabufs];
		}
	}
}

static int
close_handle(enum kind k, void *h)
{
	int rv = 0, err;

	before_close(k, h);
	switch (k) {
	case K_CALL: CALL_INT("xencall_close", 0, "", xencall_close(h)); break;
	case K_EVT: CALL_INT("xenevtchn_close", 0, "", xenevtchn_close(h)); break;
	case K_TAB: CALL_INT("xengnttab_close", 0, "", xengnttab_close(h)); break;
	case K_SHR: CALL_INT("xengntshr_close", 0, "", xengntshr_close(h)); break;
	case K_FMEM: CALL_INT("xenforeignmemory_close", 0, "",
	    xenforeignmemory_close(h)); break;
	case K_DM: CALL_INT("xendevicemodel_close", 0, "",
	    xendevicemodel_close(h)); break;
	case K_KX: CALL_INT("xenkexec_close", 0, "", xenkexec_close(h)); break;
	default: break;
	}
	forget(k, h);
	return rv;
}

/* ---- the steps ---- */

static void
op_open(void)
{
	enum kind k = (enum kind)below(NKINDS);
	unsigned slot = below(MAXH), fl;
	void *pv = NULL;
	int err, rv;

	if (R.h[k][slot] != NULL) {
		close_handle(k, R.h[k][slot]);
		R.h[k][slot] = NULL;
		return;
	}
	/* Flags: 0, or an unknown bit (refused, or ignored where allowed). */
	fl = one_in(6) ? 1u << below(32) : 0;
	switch (k) {
	case K_CALL:
		CALL_PTR("xencall_open", 0, "", xencall_open(any_logger(), fl));
		break;
	case K_EVT:
		if (one_in(4)) {
			/* fdopen: a fresh device descriptor, or a bad one */
			int fd = one_in(3) ? -1 : open(xenemu_dialect() ==
			    XENEMU_NETBSD ? "/dev/xenevt" : "/dev/xen/evtchn",
			    O_RDWR | O_CLOEXEC);
			CALL_PTR("xenevtchn_fdopen", fd < 0 && fl == 0 ? EBADF :
			    fl != 0 ? EINVAL : 0, fd < 0 ? "fd -1" : "",
			    xenevtchn_fdopen(any_logger(), fd, fl));
			if (pv == NULL && fd >= 0)
				close(fd);	/* still ours on failure */
		} else {
			fl &= one_in(2) ? XENEVTCHN_NO_CLOEXEC : ~0u;
			CALL_PTR("xenevtchn_open", 0, "",
			    xenevtchn_open(any_logger(), fl));
		}
		if (pv != NULL) {
			/* pending() must not block: the emulator would wait
			 * forever for another thread. */
			int fd = xenevtchn_fd(pv);
			if (fd >= 0 && fcntl(fd, F_SETFL,
			    fcntl(fd, F_GETFL) | O_NONBLOCK) == -1) {
				/* an injected fcntl failure: give it back */
				xenevtchn_close(pv);
				pv = NULL;
			}
		}
		break;
	case K_TAB:
		CALL_PTR("xengnttab_open", 0, "", xengnttab_open(any_logger(), fl));
		break;
	case K_SHR:
		CALL_PTR("xengntshr_open", 0, "", xengntshr_open(any_logger(), fl));
		break;
	case K_FMEM:
		CALL_PTR("xenforeignmemory_open", 0, "",
		    xenforeignmemory_open(any_logger(), fl));
		break;
	case K_DM:
		CALL_PTR("xendevicemodel_open", 0, "",
		    xendevicemodel_open(any_logger(), fl));
		break;
	case K_KX:
		CALL_PTR("xenkexec_open", 0, "", xenkexec_open(any_logger(), fl));
		break;
	default:
		break;
	}
	(void)rv;
	R.h[k][slot] = pv;
}

static void
op_fd(void)
{
	enum kind k = (enum kind)below(NKINDS);
	void *h = handle(k);
	int rv, err;

	switch (k) {
	case K_CALL: CALL_INT("xencall_fd", h ? 0 : EINVAL, "", xencall_fd(h)); break;
	case K_EVT: CALL_INT("xenevtchn_fd", h ? 0 : EINVAL, "", xenevtchn_fd(h)); break;
	case K_TAB: CALL_INT("xengnttab_fd", h ? 0 : EINVAL, "", xengnttab_fd(h)); break;
	case K_SHR: CALL_INT("xengntshr_fd", h ? 0 : EINVAL, "", xengntshr_fd(h)); break;
	default: break;
	}
}

/* libxentoollog */
static void
op_xtl(void)
{
	static const unsigned flags[] = { 0, XTL_STDIOSTREAM_SHOW_PID,
	    XTL_STDIOSTREAM_HIDE_PROGRESS, XTL_STDIOSTREAM_PROGRESS_USE_CR,
	    XTL_STDIOSTREAM_PROGRESS_NO_CR, 0x80000000u, ~0u };
	xentoollog_logger *l = R.nxlg ? R.xlg[below(R.nxlg)] : NULL;
	int level = (int)below(14) - 2;		/* -2 .. 11: out of range too */
	void *pv;
	int err;

	switch (below(7)) {
	case 0:
		/* kept until the end: handles may log through them */
		if (R.nxlg == 4)
			break;
		CALL_PTR("xtl_createlogger_stdiostream", 0, "",
		    xtl_createlogger_stdiostream(R.logf,
		    (xentoollog_level)level, PICK(flags) &
		    ~XTL_STDIOSTREAM_SHOW_DATE));
		if (pv != NULL)
			R.xlg[R.nxlg++] = pv;
		break;
	case 1:
		xtl_stdiostream_set_minlevel((xentoollog_logger_stdiostream *)l,
		    (xentoollog_level)level);
		trace("xtl_stdiostream_set_minlevel", 0, 0);
		break;
	case 2:
		xtl_stdiostream_adjust_flags((xentoollog_logger_stdiostream *)l,
		    PICK(flags) & ~XTL_STDIOSTREAM_SHOW_DATE, PICK(flags));
		trace("xtl_stdiostream_adjust_flags", 0, 0);
		break;
	case 3:
		errno = EDOM;
		xtl_log(one_in(8) ? NULL : l ? l : R.lg,
		    (xentoollog_level)level, one_in(2) ? -1 : any_errno(),
		    one_in(4) ? NULL : "fuzz", "step %zu %s", R.ntrace, "x");
		if (errno != EDOM)
			violation("xtl_log changed errno");
		trace("xtl_log", 0, 0);
		break;
	case 4:
		xtl_progress(one_in(8) ? NULL : l ? l : R.lg, "fuzz", "task",
		    one_in(2) ? ULONG_MAX - below(3) : below(200),
		    one_in(2) ? ULONG_MAX : below(200));
		trace("xtl_progress", 0, 0);
		break;
	case 5: {
		const char *s = xtl_level_to_string((xentoollog_level)
		    (one_in(4) ? INT_MIN + (int)below(3) : level));
		if (s == NULL)
			violation("xtl_level_to_string(%d) is NULL", level);
		trace("xtl_level_to_string", 0, 0);
		break;
	}
	default:
		xtl_logger_destroy(NULL);
		trace("xtl_logger_destroy", 0, 0);
		break;
	}
}

/* libxentoolcore and every restrict */
static void
op_restrict(void)
{
	/* mostly the domain the run works on, so that handles stay useful */
	uint32_t dom = one_in(3) ? any_domid() : (uint32_t)R.dom1;
	domid_t d = (domid_t)dom;
	int reserved = d >= DOMID_FIRST_RESERVED;
	char a[32];
	void *h;
	int rv, err;

	snprintf(a, sizeof(a), "dom %#x", (unsigned)d);
	if (one_in(2))
		return;
	switch (below(4)) {
	case 0:
		/* It restricts every handle open for good: rare, and only
		 * in the last quarter of the run. */
		if (R.step < R.steps - R.steps / 4 || !one_in(3))
			return;
		CALL_INT("xentoolcore_restrict_all", reserved ? EINVAL : 0, a,
		    xentoolcore_restrict_all(d));
		/* even a failure may have restricted some handles */
		R.restricted = 1;
		break;
	case 1:
		h = handle(K_EVT);
		CALL_INT("xenevtchn_restrict", h == NULL || reserved ? EINVAL : 0,
		    a, xenevtchn_restrict(h, d));
		R.restricted |= rv == 0;
		break;
	case 2:
		h = handle(K_FMEM);
		CALL_INT("xenforeignmemory_restrict",
		    h == NULL || reserved ? EINVAL : 0, a,
		    xenforeignmemory_restrict(h, d));
		R.restricted |= rv == 0;
		break;
	default:
		h = handle(K_DM);
		CALL_INT("xendevicemodel_restrict",
		    h == NULL || reserved ? EINVAL : 0, a,
		    xendevicemodel_restrict(h, d));
		R.restricted |= rv == 0;
		break;
	}
}

/* libxenhypercall */
static void
op_xencall(void)
{
	xencall_handle *h = handle(K_CALL);
	static const unsigned bad_ops[] = { 63, 1000, 0x7fffffff, 0xffffffff };
	size_t n;
	void *pv;
	int rv, err;
	unsigned i;
	long lv;

	switch (below(8)) {
	case 0: case 1: {
		/* a buffer, of pages or bytes, possibly absurdly large */
		static const size_t sizes[] = { 0, 1, 1, 2, 3, 17, 100,
		    (size_t)1 << 40, SIZE_MAX / PG, SIZE_MAX / PG + 1, SIZE_MAX };
		int pages = one_in(2);
		n = PICK(sizes);
		if (!pages && n < 100)
			n *= 1 + below(PG * 2);
		if (R.nbufs == MAXR)
			return;
		if (pages)
			CALL_PTR("xencall_alloc_buffer_pages",
			    h == NULL || n == 0 ? EINVAL : 0, "",
			    xencall_alloc_buffer_pages(h, n));
		else
			CALL_PTR("xencall_alloc_buffer", h == NULL ? EINVAL : 0,
			    "", xencall_alloc_buffer(h, n));
		if (pv != NULL) {
			R.bufs[R.nbufs].h = h;
			R.bufs[R.nbufs].p = pv;
			R.bufs[R.nbufs].n = n;
			R.bufs[R.nbufs++].pages = pages;
			/* touch it, but never all of a huge one */
			memset(pv, 0x5a, pages ? PG : n < 2 * PG ? n : 2 * PG);
		}
		break;
	}
	case 2: {
		/* free: the right one, or one the contract says is refused */
		struct buf *b;
		if (R.nbufs == 0)
			return;
		i = below(R.nbufs);
		b = &R.bufs[i];
		switch (below(4)) {
		case 0: {	/* a pointer into it, or the wrong size */
			errno = 0;
			if (b->pages)
				xencall_free_buffer_pages(b->h, b->p, b->n + 1);
			else
				xencall_free_buffer(b->h, (char *)b->p + 1);
			err = errno;
			check(b->pages ? "xencall_free_buffer_pages" :
			    "xencall_free_buffer", 1, err, EINVAL, "not its buffer");
			return;
		}
		case 1: {	/* another handle */
			xencall_handle *o = handle(K_CALL);
			if (o == NULL || o == b->h)
				return;
			errno = 0;
			if (b->pages)
				xencall_free_buffer_pages(o, b->p, b->n);
			else
				xencall_free_buffer(o, b->p);
			err = errno;
			check("xencall_free_buffer", 1, err, EINVAL,
			    "another handle's buffer");
			return;
		}
		default:
			errno = 0;
			if (b->pages)
				xencall_free_buffer_pages(b->h, b->p, b->n);
			else
				xencall_free_buffer(b->h, b->p);
			trace("xencall_free_buffer", 0, 0);
			R.bufs[i] = R.bufs[--R.nbufs];
			return;
		}
	}
	case 3:
		CALL_INT("xencall_buffers_never_fault", 0, "",
		    h ? xencall_buffers_never_fault(h) : 0);
		break;
	case 4: {
		/* xen_version into a hypercall buffer of this handle */
		static const unsigned cmds[] = { 0, 1, 3, 4, 5, 6, 7, 9 };
		void *p = NULL;
		for (i = 0; i < R.nbufs; i++)
			if (R.bufs[i].h == h && (R.bufs[i].pages ?
			    R.bufs[i].n >= 1 : R.bufs[i].n >= 1024) &&
			    R.bufs[i].n <= ((size_t)1 << 40))
				p = R.bufs[i].p;
		if (h == NULL || p == NULL)
			CALL_INT("xencall2", h ? 0 : EINVAL, "xen_version",
			    xencall2(h, 17, 0, 0));
		else
			CALL_INT("xencall2", 0, "xen_version",
			    xencall2(h, 17, PICK(cmds), (uintptr_t)p));
		break;
	}
	default: {
		/* unknown hypercalls, every arity */
		unsigned op = PICK(bad_ops);
		uint64_t x = rnd();
		rv = -1;
		lv = -1;
		switch (below(7)) {
		case 0: CALL_INT("xencall0", h ? 0 : EINVAL, "", xencall0(h, op)); break;
		case 1: CALL_INT("xencall1", h ? 0 : EINVAL, "", xencall1(h, op, x)); break;
		case 2: CALL_INT("xencall2", h ? 0 : EINVAL, "", xencall2(h, op, x, x)); break;
		case 3: CALL_INT("xencall3", h ? 0 : EINVAL, "", xencall3(h, op, x, x, x)); break;
		case 4: CALL_INT("xencall4", h ? 0 : EINVAL, "", xencall4(h, op, x, x, x, x)); break;
		case 5: CALL_INT("xencall5", h ? 0 : EINVAL, "", xencall5(h, op, x, x, x, x, x)); break;
		default:
			errno = 0;
			lv = xencall2L(h, op, x, x);
			err = errno;
			check("xencall2L", lv < 0, err, h ? 0 : EINVAL, "");
			break;
		}
		if (h != NULL && (rv >= 0 || lv >= 0))
			violation("unknown hypercall %u succeeded", op);
		break;
	}
	}
}

/* libxenevtchn */
static void
op_evtchn(void)
{
	xenevtchn_handle *h = handle(K_EVT);
	uint32_t p;
	int rv, err, i;
	char a[48];

	switch (below(9)) {
	case 0: case 1: {
		/* interdomain: one of dom1's offered ports, or another */
		uint32_t dom = one_in(4) ? any_domid() : (uint32_t)R.dom1, rp;
		rp = R.nrports && !one_in(4) ? R.rports[below(R.nrports)] :
		    (uint32_t)PICK(((const uint32_t[]){ 0, 1, 4095, 4096,
		    65535, 65536, UINT32_MAX }));
		snprintf(a, sizeof(a), "dom %#x port %u", dom, rp);
		CALL_INT("xenevtchn_bind_interdomain", h ? 0 : EINVAL, a,
		    xenevtchn_bind_interdomain(h, dom, rp));
		break;
	}
	case 2: {
		uint32_t dom = any_domid();
		snprintf(a, sizeof(a), "dom %#x", dom);
		CALL_INT("xenevtchn_bind_unbound_port", h ? 0 : EINVAL, a,
		    xenevtchn_bind_unbound_port(h, dom));
		break;
	}
	case 3: {
		unsigned virq = one_in(4) ? (unsigned)PICK(((const unsigned[])
		    { 24, 1000, UINT_MAX })) : below(24);
		snprintf(a, sizeof(a), "virq %u", virq);
		CALL_INT("xenevtchn_bind_virq", h ? 0 : EINVAL, a,
		    xenevtchn_bind_virq(h, virq));
		break;
	}
	case 4: {
		/* unbind: a port of this handle, of another, or none */
		i = R.nports ? (int)below(R.nports) : -1;
		p = i >= 0 && !one_in(5) ? R.ports[i].port : below(70000);
		snprintf(a, sizeof(a), "port %u", p);
		if (i >= 0 && R.ports[i].h == h && p == R.ports[i].port) {
			CALL_INT("xenevtchn_unbind", 0, a, xenevtchn_unbind(h, p));
			if (rv == 0)
				R.ports[i] = R.ports[--R.nports];
		} else {
			int mine = 0;
			unsigned j;
			for (j = 0; j < R.nports; j++)
				mine |= R.ports[j].h == h && R.ports[j].port == p;
			if (mine)
				return;
			CALL_INT("xenevtchn_unbind", h ? 0 : EINVAL, a,
			    xenevtchn_unbind(h, p));
			if (rv == 0)
				violation("xenevtchn_unbind(port %u not bound "
				    "through this handle) succeeded", p);
		}
		return;
	}
	case 5:
		p = R.nports && !one_in(4) ? R.ports[below(R.nports)].port :
		    below(70000);
		snprintf(a, sizeof(a), "port %u", p);
		CALL_INT("xenevtchn_notify", h ? 0 : EINVAL, a,
		    xenevtchn_notify(h, p));
		return;
	case 6:
		p = R.nports && !one_in(4) ? R.ports[below(R.nports)].port :
		    below(70000);
		snprintf(a, sizeof(a), "port %u", p);
		CALL_INT("xenevtchn_unmask", h ? 0 : EINVAL, a,
		    xenevtchn_unmask(h, p));
		return;
	case 7:
		/* the other side signals; then read what is pending */
		if (R.nrports && one_in(2))
			xenemu_evtchn_notify((uint16_t)R.dom1,
			    R.rports[below(R.nrports)]);
		if (one_in(3))
			xenemu_virq_raise(below(24));
		CALL_INT("xenevtchn_pending", h ? 0 : EINVAL, "",
		    xenevtchn_pending(h));
		if (rv >= 0 && h != NULL && one_in(2))
			xenevtchn_unmask(h, (evtchn_port_t)rv);
		return;
	default: {
		evtchn_port_t ports[8];
		unsigned max = any_count(8);
		int nul = one_in(8);
		snprintf(a, sizeof(a), "max %u%s", max, nul ? " NULL" : "");
		CALL_INT("xenevtchn_pending_many",
		    h == NULL || max == 0 || nul ? EINVAL : 0, a,
		    xenevtchn_pending_many(h, nul ? NULL : ports, max));
		if (rv > (int)max)
			violation("xenevtchn_pending_many(%s) returned %d", a, rv);
		return;
	}
	}
	if (rv >= 0 && h != NULL) {
		unsigned j;
		for (j = 0; j < R.nports; j++)
			if (R.ports[j].h == h && R.ports[j].port == (uint32_t)rv)
				violation("port %d bound twice through one handle", rv);
		if (R.nports < MAXR) {
			R.ports[R.nports].h = h;
			R.ports[R.nports++].port = (uint32_t)rv;
		} else {
			xenevtchn_unbind(h, (uint32_t)rv);
		}
	}
}

static int
good_prot(int prot)
{
	return prot == PROT_READ || prot == (PROT_READ | PROT_WRITE);
}

static int
any_prot(void)
{
	static const int bad[] = { 0, PROT_WRITE, PROT_EXEC,
	    PROT_READ | PROT_EXEC, 0x100 };
	if (one_in(5))
		return PICK(bad);
	return one_in(3) ? PROT_READ : PROT_READ | PROT_WRITE;
}

static uint32_t
any_ref(void)
{
	if (R.nrefs && !one_in(10))
		return R.refs[below(R.nrefs)];
	return PICK(((const uint32_t[]){ 0, 7, 511, 4096, 65535, UINT32_MAX }));
}

/* a gntshr handle where a gnttab one goes, and the other way round */
static void *
tab_or_shr(enum kind k)
{
	return one_in(8) ? handle(k == K_TAB ? K_SHR : K_TAB) : handle(k);
}

static int
is_kind(void *h, enum kind k)
{
	unsigned i;

	for (i = 0; i < MAXH; i++)
		if (h != NULL && R.h[k][i] == h)
			return 1;
	return 0;
}

/* libxengnttab: mapping */
static void
op_gnttab(void)
{
	xengnttab_handle *h = tab_or_shr(K_TAB);
	int wrong = h != NULL && !is_kind(h, K_TAB);
	uint32_t refs[64], doms[64], n, i, dom;
	int prot = any_prot(), rv, err, want;
	void *pv = NULL;
	char a[64];

	/* On NULL, or a handle of xengntshr_open: EINVAL (issue 21 items
	 * 5 and 6). */
	switch (below(9)) {
	case 0: case 1: case 2:
		n = any_count(one_in(8) ? 64 : 4);
		dom = one_in(3) ? any_domid() : (uint32_t)R.dom1;
		for (i = 0; i < n; i++) {
			refs[i] = any_ref();
			doms[i] = one_in(8) ? any_domid() : dom;
		}
		want = h == NULL || wrong || n == 0 || !good_prot(prot) ?
		    EINVAL : 0;
		snprintf(a, sizeof(a), "%sn %u dom %#x prot %#x",
		    wrong ? "sharing handle " : "", n, dom, prot);
		switch (below(4)) {
		case 0:
			if (n != 1)
				return;
			CALL_PTR("xengnttab_map_grant_ref", want, a,
			    xengnttab_map_grant_ref(h, dom, refs[0], prot));
			break;
		case 1: {
			int nul = one_in(10);
			CALL_PTR("xengnttab_map_grant_refs", nul ? EINVAL : want, a,
			    xengnttab_map_grant_refs(h, n, nul ? NULL : doms,
			    refs, prot));
			break;
		}
		case 2: {
			int nul = one_in(10);
			CALL_PTR("xengnttab_map_domain_grant_refs",
			    nul ? EINVAL : want, a,
			    xengnttab_map_domain_grant_refs(h, n, dom,
			    nul ? NULL : refs, prot));
			break;
		}
		default: {
			/* never the last byte, the frame's pat() */
			uint32_t off = one_in(2) ? (uint32_t)-1 :
			    one_in(2) ? below(PG - 1) : PG + below(2 * PG);
			evtchn_port_t port = R.nports && one_in(2) ?
			    R.ports[below(R.nports)].port : (evtchn_port_t)-1;
			if (n != 1)
				return;
			snprintf(a, sizeof(a), "ref %u prot %#x off %d port %d",
			    refs[0], prot, (int)off, (int)port);
			CALL_PTR("xengnttab_map_grant_ref_notify", want, a,
			    xengnttab_map_grant_ref_notify(h, dom, refs[0],
			    prot, off, port));
			break;
		}
		}
		if (pv != NULL) {
			if (R.ngmaps == MAXR) {
				xengnttab_unmap(h, pv, n);
				return;
			}
			/* touch it as mapped; each page shows its grant */
			if (prot & PROT_WRITE)
				((volatile char *)pv)[(n - 1) * PG] = 1;
			for (i = 0; i < n && !R.injected; i++) {
				unsigned j;
				for (j = 0; j < R.nrefs && R.refs[j] != refs[i]; j++)
					;
				if (j < R.nrefs && ((unsigned char *)pv)[i * PG +
				    PG - 1] != pat(R.dom1, j))
					violation("%s(%s): page %u does not show "
					    "grant %u", "xengnttab_map_*", a, i,
					    refs[i]);
			}
			R.gmaps[R.ngmaps].h = h;
			R.gmaps[R.ngmaps].a = pv;
			R.gmaps[R.ngmaps++].n = n;
		}
		return;
	case 3: case 4: {
		/* unmap: a range of this handle, of another, of the other
		 * kind, a wrong count or an address inside */
		struct range *r;
		uint32_t cnt;
		char *addr;
		unsigned k;
		if (R.ngmaps == 0)
			return;
		k = below(R.ngmaps);
		r = &R.gmaps[k];
		cnt = one_in(6) ? r->n + 1 : one_in(6) ? 0 : r->n;
		addr = one_in(6) && r->n > 1 ? (char *)r->a + PG :
		    one_in(8) ? (char *)r->a + 1 + below(PG - 1) : r->a;
		if (one_in(4) && R.nshares) {
			/* a sharing handle's range */
			addr = R.shares[0].a;
			cnt = R.shares[0].n;
		}
		want = h == r->h && addr == r->a && cnt == r->n ? 0 : EINVAL;
		snprintf(a, sizeof(a), "%s%s n %u", h == r->h ? "" :
		    wrong ? "sharing handle " : "another handle ",
		    addr == r->a ? "" : "not a range", cnt);
		CALL_INT("xengnttab_unmap", want, a, xengnttab_unmap(h, addr, cnt));
		if (rv == 0 && want == 0)
			*r = R.gmaps[--R.ngmaps];
		return;
	}
	case 5:
		n = PICK(((const uint32_t[]){ 0, 1, 2, 16, 1024, UINT32_MAX }));
		snprintf(a, sizeof(a), "%s%u", wrong ? "sharing handle " : "", n);
		CALL_INT("xengnttab_set_max_grants", h == NULL || wrong ||
		    n == 0 ? EINVAL : 0, a, xengnttab_set_max_grants(h, n));
		return;
	case 6: {
		xengnttab_grant_copy_segment_t segs[8];
		uint32_t cnt = any_count(8);
		int nul = one_in(12);
		for (i = 0; i < cnt; i++) {
			unsigned len = one_in(6) ? PG + 1 : below(PG + 1);
			unsigned off = below(PG);
			uint16_t fl = (uint16_t)PICK(((const unsigned[]){
			    GNTCOPY_source_gref, GNTCOPY_dest_gref,
			    GNTCOPY_source_gref, 0, 3, 0x8000 }));
			if (len > PG)
				len = PG;
			/* into a grant: never the frame's last byte (pat()),
			 * unless crossing the page, which must be refused */
			if ((fl & GNTCOPY_dest_gref) && off + len == PG)
				len--;
			memset(&segs[i], 0, sizeof(segs[i]));
			segs[i].len = (uint16_t)len;
			segs[i].flags = fl;
			if (fl & GNTCOPY_source_gref) {
				segs[i].source.foreign.ref = any_ref();
				segs[i].source.foreign.domid = (uint16_t)(one_in(4) ?
				    any_domid() : (uint32_t)R.dom1);
				segs[i].source.foreign.offset = (uint16_t)off;
			} else {
				segs[i].source.virt = kbuf + (fl & GNTCOPY_dest_gref ?
				    off : PG - len);
			}
			if (fl & GNTCOPY_dest_gref) {
				segs[i].dest.foreign.ref = any_ref();
				segs[i].dest.foreign.domid = (uint16_t)R.dom1;
				segs[i].dest.foreign.offset = (uint16_t)off;
			} else {
				segs[i].dest.virt = kbuf + PG + (PG - len);
			}
		}
		snprintf(a, sizeof(a), "%scount %u%s", wrong ?
		    "sharing handle " : "", cnt, nul ? " NULL" : "");
		CALL_INT("xengnttab_grant_copy", h == NULL || wrong ||
		    (nul && cnt > 0) ? EINVAL : 0, a,
		    xengnttab_grant_copy(h, cnt, nul ? NULL : segs));
		return;
	}
	case 7: {
		/* dma-buf export and import */
		uint32_t fd = UINT32_MAX, cnt = any_count(4);
		uint32_t fl = one_in(6) ? 1u << below(32) : below(4);
		int nul = one_in(10);
		for (i = 0; i < cnt; i++)
			refs[i] = any_ref();
		snprintf(a, sizeof(a), "%scount %u flags %#x", wrong ?
		    "sharing handle " : "", cnt, fl);
		want = h == NULL || wrong || cnt == 0 || nul || (fl & ~3u) ?
		    EINVAL : 0;
		if (R.ndmabufs == MAXR)
			return;
		CALL_INT("xengnttab_dmabuf_exp_from_refs", want, a,
		    xengnttab_dmabuf_exp_from_refs(h, (uint32_t)R.dom1, fl,
		    cnt, nul ? NULL : refs, &fd));
		if (rv == 0) {
			R.dmabufs[R.ndmabufs].h = h;
			R.dmabufs[R.ndmabufs++].fd = fd;
		}
		return;
	}
	default: {
		uint32_t fd, cnt = any_count(4);
		unsigned k;
		k = R.ndmabufs ? below(R.ndmabufs) : 0;
		fd = R.ndmabufs && !one_in(4) ? R.dmabufs[k].fd : 1000 + below(5);
		want = h == NULL || wrong ? EINVAL : 0;
		snprintf(a, sizeof(a), "%sfd %s", wrong ? "sharing handle " :
		    "", fd >= 1000 ? "bad" : "exported");
		switch (below(4)) {
		case 0:
			CALL_INT("xengnttab_dmabuf_exp_wait_released", want, a,
			    xengnttab_dmabuf_exp_wait_released(h, fd, below(3)));
			break;
		case 1:
			CALL_INT("xengnttab_dmabuf_imp_to_refs",
			    want || cnt == 0 ? EINVAL : 0, a,
			    xengnttab_dmabuf_imp_to_refs(h, (uint32_t)R.dom1,
			    fd, cnt, refs));
			if (rv == 0)
				xengnttab_dmabuf_imp_release(h, fd);
			break;
		case 2:
			CALL_INT("xengnttab_dmabuf_imp_release", want, a,
			    xengnttab_dmabuf_imp_release(h, fd));
			break;
		default:
			/* the exporter lets it go */
			if (R.ndmabufs == 0)
				return;
			close((int)R.dmabufs[k].fd);
			R.dmabufs[k] = R.dmabufs[--R.ndmabufs];
			trace("close(dmabuf)", 0, 0);
			break;
		}
		return;
	}
	}
}

/* libxengnttab: sharing */
static void
op_gntshr(void)
{
	xengntshr_handle *h = tab_or_shr(K_SHR);
	int wrong = h != NULL && !is_kind(h, K_SHR);
	uint32_t refs[64];
	void *pv = NULL;
	int rv, err, want, n;
	char a[64];

	switch (below(3)) {
	case 0: {
		static const int counts[] = { 1, 1, 2, 3, 0, -1, INT_MIN, 64 };
		uint32_t dom = one_in(3) ? any_domid() : (uint32_t)R.dom1;
		int writable = (int)below(3) - (one_in(5) ? 5 : 0);
		int nul = one_in(10);
		n = PICK(counts);
		want = h == NULL || wrong || n <= 0 || nul || dom > 0xffff ?
		    EINVAL : 0;
		snprintf(a, sizeof(a), "%sdom %#x count %d", wrong ?
		    "mapping handle " : "", dom, n);
		CALL_PTR("xengntshr_share_pages", want, a,
		    xengntshr_share_pages(h, dom, n, nul ? NULL : refs, writable));
		break;
	}
	case 1: {
		uint32_t dom = one_in(3) ? any_domid() : (uint32_t)R.dom1;
		uint32_t off = one_in(2) ? (uint32_t)-1 : one_in(2) ?
		    below(PG) : below(3 * PG);
		evtchn_port_t port = R.nports && one_in(2) ?
		    R.ports[below(R.nports)].port : (evtchn_port_t)-1;
		int nul = one_in(10);
		n = 1;
		want = h == NULL || wrong || nul || dom > 0xffff ? EINVAL : 0;
		snprintf(a, sizeof(a), "%sdom %#x off %d port %d", wrong ?
		    "mapping handle " : "", dom, (int)off, (int)port);
		CALL_PTR("xengntshr_share_page_notify", want, a,
		    xengntshr_share_page_notify(h, dom, nul ? NULL : refs,
		    1, off, port));
		break;
	}
	default: {
		struct range *r;
		uint32_t cnt;
		char *addr;
		unsigned k;
		if (R.nshares == 0)
			return;
		k = below(R.nshares);
		r = &R.shares[k];
		cnt = one_in(6) ? r->n + 1 : one_in(6) ? 0 : r->n;
		addr = one_in(6) && r->n > 1 ? (char *)r->a + PG :
		    one_in(8) ? (char *)r->a + 1 + below(PG - 1) : r->a;
		if (one_in(4) && R.ngmaps) {
			addr = R.gmaps[0].a;
			cnt = R.gmaps[0].n;
		}
		want = h == r->h && addr == r->a && cnt == r->n ? 0 : EINVAL;
		snprintf(a, sizeof(a), "%s%s n %u", h == r->h ? "" :
		    wrong ? "mapping handle " : "another handle ",
		    addr == r->a ? "" : "not a range", cnt);
		CALL_INT("xengntshr_unshare", want, a,
		    xengntshr_unshare(h, addr, cnt));
		if (rv == 0 && want == 0)
			*r = R.shares[--R.nshares];
		return;
	}
	}
	if (pv != NULL) {
		if (R.nshares == MAXR) {
			xengntshr_unshare(h, pv, (uint32_t)n);
			return;
		}
		memset(pv, 0x33, (size_t)n * PG);
		R.shares[R.nshares].h = h;
		R.shares[R.nshares].a = pv;
		R.shares[R.nshares++].n = (uint32_t)n;
	}
}

/* The frame a gfn of dom maps, or -1; the per-frame errno it must give. */
static int64_t
frame_of(uint32_t dom, uint64_t gfn, int *e)
{
	size_t i;

	*e = 0;
	if (dom == (uint32_t)R.dom1) {
		if (gfn == GFN_PAGED) { *e = ENOENT; return -1; }
		if (gfn == GFN_BAD) { *e = EINVAL; return -1; }
		if (gfn == GFN_EPERM) { *e = EPERM; return -1; }
		if (gfn < 32)
			return (int64_t)gfn;
		for (i = 0; i < sizeof(high_gfns) / sizeof(high_gfns[0]); i++)
			if (high_gfns[i].gfn == gfn)
				return (int64_t)high_gfns[i].to;
	} else if (dom == (uint32_t)R.dom2 && gfn < 8)
		return (int64_t)gfn;
	return -1;
}

/*
 * A successful foreign map shows the frames asked for (p, if readable),
 * and reports exactly the failing frames this run made (unless a device
 * error was injected, which may fail any frame).
 */
static void
fmem_check(uint32_t dom, const unsigned char *p, size_t n,
    const xen_pfn_t *arr, const int *errs, int v1, const char *a)
{
	size_t i;
	int64_t f;
	int e;

	if (R.injected)
		return;
	for (i = 0; i < n; i++) {
		f = frame_of(dom, arr[i], &e);
		/* V1 tells paged out (ENOENT) from "any other error" */
		if (errs != NULL && e != 0 && errs[i] != -e &&
		    !(v1 && e != ENOENT && errs[i] < 0))
			violation("xenforeignmemory_map(%s): frame %#llx "
			    "reported %d, not %d", a, (unsigned long long)arr[i],
			    errs[i], -e);
		if (errs == NULL && e != 0)
			violation("xenforeignmemory_map(%s) succeeded without "
			    "err[] with frame %#llx failing", a,
			    (unsigned long long)arr[i]);
		if (f < 0 || (errs != NULL && errs[i] != 0)) {
			if (f >= 0)
				violation("xenforeignmemory_map(%s): frame %#llx "
				    "reported %d", a, (unsigned long long)arr[i],
				    errs[i]);
			continue;
		}
		if (p != NULL && p[i * PG + PG - 1] != pat((int)dom, (uint64_t)f))
			violation("xenforeignmemory_map(%s): page %zu shows "
			    "another frame than %#llx", a, i,
			    (unsigned long long)arr[i]);
	}
}

/* libxenforeignmemory */
static void
op_fmem(void)
{
	xenforeignmemory_handle *h = handle(K_FMEM);
	xen_pfn_t arr[32];
	int errs[32], rv, err, want;
	void *pv = NULL;
	char a[80];
	size_t n, i;

	switch (below(5)) {
	case 0: case 1: {
		static const size_t huge[] = { (size_t)INT_MAX + 1, SIZE_MAX };
		uint32_t dom = one_in(3) ? any_domid() : (uint32_t)R.dom1;
		int prot = any_prot() & (PROT_READ | PROT_WRITE);
		int nul = one_in(10), noerr = one_in(3), hugec = one_in(12);
		int two = one_in(2), fixed = two && one_in(4);
		void *addr = fixed ? (void *)(uintptr_t)(PG * 0x12345 + 1 +
		    below(PG - 1)) : NULL;
		n = hugec ? PICK(huge) : any_count(32);
		for (i = 0; i < 32; i++)
			switch (below(12)) {
			case 0:	arr[i] = (xen_pfn_t)rnd(); break;
			/* paged out: the library retries, sleeping: rare */
			case 1: arr[i] = one_in(16) ? GFN_PAGED :
			    GFN_BAD + below(2); break;
			case 2: arr[i] = (xen_pfn_t)PICK(high_gfns).gfn; break;
			default: arr[i] = below(20); break;
			}
		want = h == NULL || nul || n == 0 || hugec || dom > 0xffff ||
		    fixed ? EINVAL : 0;
		/*
		 * Linux: a kernel without MMAPBATCH_V2 (ENOTTY, or EINVAL
		 * from old ones) makes the handle use V1 from then on, with
		 * the same results but fewer per-frame errno values.
		 */
		if (XENEMU_DIALECT == XENEMU_LINUX && h != NULL &&
		    R.injected == 0 && one_in(10)) {
			xenemu_fail_op("ioctl:IOCTL_PRIVCMD_MMAPBATCH_V2", 1,
			    one_in(2) ? ENOTTY : EINVAL);
			for (i = 0; i < R.nv1 && R.v1[i] != h; i++)
				;
			if (i == R.nv1 && R.nv1 < MAXR)
				R.v1[R.nv1++] = h;
		}
		snprintf(a, sizeof(a), "dom %#x pages %zu%s%s", dom, n,
		    nul ? " arr NULL" : "", fixed ? " MAP_FIXED misaligned" : "");
		if (!two)
			CALL_PTR("xenforeignmemory_map", want, a,
			    xenforeignmemory_map(h, dom, prot, n,
			    nul ? NULL : arr, noerr ? NULL : errs));
		else
			CALL_PTR("xenforeignmemory_map2", want, a,
			    xenforeignmemory_map2(h, dom, addr, prot,
			    fixed ? MAP_FIXED : 0, n, nul ? NULL : arr,
			    noerr ? NULL : errs));
		if (pv != NULL) {
			for (i = 0; i < R.nv1 && R.v1[i] != h; i++)
				;
			fmem_check(dom, prot & PROT_READ ? pv : NULL, n, arr,
			    noerr ? NULL : errs, i < R.nv1, a);
			if (R.nfmaps == MAXR) {
				xenforeignmemory_unmap(h, pv, n);
				return;
			}
			R.fmaps[R.nfmaps].a = pv;
			R.fmaps[R.nfmaps++].n = n;
		}
		return;
	}
	case 2: {
		/* unmap: through a handle, a bad address, or munmap */
		struct fmap *m;
		unsigned k;
		if (R.nfmaps == 0)
			return;
		k = below(R.nfmaps);
		m = &R.fmaps[k];
		switch (below(4)) {
		case 0:
			CALL_INT("xenforeignmemory_unmap", EINVAL, "misaligned",
			    xenforeignmemory_unmap(h, (char *)m->a + 1, m->n));
			return;
		case 1: {
			int nul = one_in(2);
			CALL_INT("xenforeignmemory_unmap", EINVAL, nul ? "NULL" :
			    "0 pages", xenforeignmemory_unmap(h, nul ? NULL : m->a,
			    nul ? m->n : 0));
			return;
		}
		case 2:
			munmap(m->a, m->n * PG);
			trace("munmap", 0, 0);
			break;
		default:
			if (h == NULL)
				return;
			CALL_INT("xenforeignmemory_unmap", 0, "",
			    xenforeignmemory_unmap(h, m->a, m->n));
			if (rv != 0)
				return;
			break;
		}
		*m = R.fmaps[--R.nfmaps];
		return;
	}
	case 3: {
		static const unsigned types[] = { 0, 0, 1, 2, 3, 0xffff };
		unsigned type = PICK(types), id = one_in(2) ? 0 : below(4);
		unsigned long frame = one_in(6) ? ULONG_MAX - below(2) :
		    one_in(6) ? 0xffffffffUL : below(4);
		unsigned long nr = one_in(8) ? ULONG_MAX : below(4);
		void *addr = NULL;
		int prot = any_prot() & (PROT_READ | PROT_WRITE);
		xenforeignmemory_resource_handle *r;
		uint32_t dom = one_in(3) ? any_domid() : (uint32_t)R.dom1;
		if (R.nfres == MAXR)
			return;
		snprintf(a, sizeof(a), "dom %#x type %u id %u frame %lu nr %lu",
		    dom, type, id, frame, nr);
		errno = 0;
		r = xenforeignmemory_map_resource(h, (domid_t)dom, type, id,
		    frame, nr, &addr, prot, 0);
		err = errno;
		check("xenforeignmemory_map_resource", r == NULL, err,
		    h == NULL || nr == 0 ? EINVAL : 0, a);
		if (r != NULL) {
			R.fres[R.nfres].h = h;
			R.fres[R.nfres++].r = r;
		}
		return;
	}
	default: {
		size_t sz = 0;
		int nul = one_in(6);
		static const unsigned types[] = { 0, 1, 2, 0xffff };
		unsigned type = PICK(types);
		uint32_t dom = one_in(3) ? any_domid() : (uint32_t)R.dom1;
		if (one_in(2) && R.nfres) {
			unsigned k = below(R.nfres);
			if (R.fres[k].h != h && !one_in(4))
				return;
			CALL_INT("xenforeignmemory_unmap_resource", 0, "",
			    xenforeignmemory_unmap_resource(R.fres[k].h,
			    R.fres[k].r));
			R.fres[k] = R.fres[--R.nfres];
			return;
		}
		snprintf(a, sizeof(a), "dom %#x type %u", dom, type);
		CALL_INT("xenforeignmemory_resource_size",
		    h == NULL || nul ? EINVAL : 0, a,
		    xenforeignmemory_resource_size(h, (domid_t)dom, type,
		    below(3), nul ? NULL : &sz));
		return;
	}
	}
}

/* libxendevicemodel */
static void
op_dm(void)
{
	xendevicemodel_handle *h = handle(K_DM);
	domid_t dom = (domid_t)(one_in(3) ? any_domid() : (uint32_t)R.dom1);
	ioservid_t id = (ioservid_t)(one_in(4) ? rnd() : below(3));
	uint64_t s = one_in(3) ? rnd() : below(0x10000);
	uint64_t e = one_in(3) ? s - 1 : s + below(0x100);
	int rv, err, want0 = h == NULL ? EINVAL : 0;
	char a[64];

	snprintf(a, sizeof(a), "dom %#x id %u", dom, id);
	switch (below(24)) {
	case 0: case 1: {
		ioservid_t out;
		int bufio = (int)below(5) - 1, nul = one_in(10);
		/* handle_bufioreq above 2: Xen's to refuse, not the
		 * emulator's; below 0: the library's */
		snprintf(a, sizeof(a), "dom %#x bufioreq %d%s", dom, bufio,
		    nul ? " id NULL" : "");
		CALL_INT("xendevicemodel_create_ioreq_server",
		    want0 || nul || bufio < 0 ? EINVAL : 0, a,
		    xendevicemodel_create_ioreq_server(h, dom, bufio,
		    nul ? NULL : &out));
		break;
	}
	case 2: {
		xen_pfn_t g1, g2;
		evtchn_port_t p;
		int which = (int)below(4);
		CALL_INT("xendevicemodel_get_ioreq_server_info", want0, a,
		    xendevicemodel_get_ioreq_server_info(h, dom, id,
		    which & 1 ? NULL : &g1, which & 2 ? NULL : &g2,
		    which == 3 ? NULL : &p));
		break;
	}
	case 3:
		CALL_INT("xendevicemodel_map_io_range_to_ioreq_server",
		    want0 || e < s ? EINVAL : 0, a,
		    xendevicemodel_map_io_range_to_ioreq_server(h, dom, id,
		    (int)below(4) - 1, s, e));
		break;
	case 4:
		CALL_INT("xendevicemodel_unmap_io_range_from_ioreq_server",
		    want0 || e < s ? EINVAL : 0, a,
		    xendevicemodel_unmap_io_range_from_ioreq_server(h, dom,
		    id, (int)below(4) - 1, s, e));
		break;
	case 5:
		CALL_INT("xendevicemodel_map_mem_type_to_ioreq_server", want0,
		    a, xendevicemodel_map_mem_type_to_ioreq_server(h, dom, id,
		    (uint16_t)below(6), one_in(3) ? (uint32_t)rnd() : below(4)));
		break;
	case 6: case 7: {
		uint8_t dev = (uint8_t)(one_in(4) ? 32 + below(200) : below(32));
		uint8_t fn = (uint8_t)(one_in(4) ? 8 + below(200) : below(8));
		int want = want0 || dev > 31 || fn > 7 ? EINVAL : 0;
		if (below(2))
			CALL_INT("xendevicemodel_map_pcidev_to_ioreq_server",
			    want, a, xendevicemodel_map_pcidev_to_ioreq_server(
			    h, dom, id, (uint16_t)rnd(), (uint8_t)rnd(), dev, fn));
		else
			CALL_INT("xendevicemodel_unmap_pcidev_from_ioreq_server",
			    want, a, xendevicemodel_unmap_pcidev_from_ioreq_server(
			    h, dom, id, (uint16_t)rnd(), (uint8_t)rnd(), dev, fn));
		break;
	}
	case 8:
		CALL_INT("xendevicemodel_destroy_ioreq_server", want0, a,
		    xendevicemodel_destroy_ioreq_server(h, dom, id));
		break;
	case 9:
		CALL_INT("xendevicemodel_set_ioreq_server_state", want0, a,
		    xendevicemodel_set_ioreq_server_state(h, dom, id,
		    (int)below(4) - 1));
		break;
	case 10:
		CALL_INT("xendevicemodel_set_pci_intx_level", want0, a,
		    xendevicemodel_set_pci_intx_level(h, dom, (uint16_t)rnd(),
		    (uint8_t)rnd(), (uint8_t)rnd(), (uint8_t)below(6),
		    below(3)));
		break;
	case 11:
		CALL_INT("xendevicemodel_set_isa_irq_level", want0, a,
		    xendevicemodel_set_isa_irq_level(h, dom, (uint8_t)rnd(),
		    below(3)));
		break;
	case 12:
		CALL_INT("xendevicemodel_set_irq_level", want0, a,
		    xendevicemodel_set_irq_level(h, dom, (unsigned)rnd(),
		    below(3)));
		break;
	case 13:
		CALL_INT("xendevicemodel_set_pci_link_route", want0, a,
		    xendevicemodel_set_pci_link_route(h, dom, (uint8_t)rnd(),
		    (uint8_t)rnd()));
		break;
	case 14:
		CALL_INT("xendevicemodel_inject_msi", want0, a,
		    xendevicemodel_inject_msi(h, dom, rnd(), (uint32_t)rnd()));
		break;
	case 15:
		CALL_INT("xendevicemodel_inject_event", want0, a,
		    xendevicemodel_inject_event(h, dom, (int)below(4) - 1,
		    (uint8_t)rnd(), (uint8_t)below(9), (uint32_t)rnd(),
		    (uint8_t)below(20), rnd()));
		break;
	case 16: {
		/* the bitmap holds nr bits, nr up to 32769 */
		static const uint32_t nrs[] = { 0, 1, 64, 65, 32768, 32769 };
		static unsigned long bm[32769 / (8 * sizeof(long)) + 1];
		uint32_t nr = PICK(nrs);
		int nul = one_in(8);
		snprintf(a, sizeof(a), "dom %#x nr %u%s", dom, nr,
		    nul ? " NULL" : "");
		CALL_INT("xendevicemodel_track_dirty_vram",
		    want0 || (nul && nr > 0) ? EINVAL : 0, a,
		    xendevicemodel_track_dirty_vram(h, dom, s, nr,
		    nul ? NULL : bm));
		break;
	}
	case 17:
		CALL_INT("xendevicemodel_modified_memory", want0, a,
		    xendevicemodel_modified_memory(h, dom, s,
		    one_in(4) ? UINT32_MAX : below(64)));
		break;
	case 18: {
		static struct xen_dm_op_modified_memory_extent ext[300];
		uint32_t nr = one_in(4) ? 257 + below(44) : any_count(8);
		int nul = one_in(8);
		unsigned i;
		for (i = 0; i < nr; i++) {
			ext[i].nr = below(8);
			ext[i].pad = one_in(10) ? 1 : 0;
			ext[i].first_pfn = one_in(5) ? rnd() : below(16);
		}
		snprintf(a, sizeof(a), "dom %#x nr %u%s", dom, nr,
		    nul ? " NULL" : "");
		CALL_INT("xendevicemodel_modified_memory_bulk",
		    want0 || nul || nr == 0 ? EINVAL : 0, a,
		    xendevicemodel_modified_memory_bulk(h, dom,
		    nul ? NULL : ext, nr));
		break;
	}
	case 19: {
		int t = (int)below(7) - 1;
		/* a type above the last: Xen's to refuse */
		snprintf(a, sizeof(a), "dom %#x type %d", dom, t);
		CALL_INT("xendevicemodel_set_mem_type",
		    want0 || t < 0 ? EINVAL : 0, a,
		    xendevicemodel_set_mem_type(h, dom, (hvmmem_type_t)t, s,
		    below(16)));
		break;
	}
	case 20:
		CALL_INT("xendevicemodel_relocate_memory", want0, a,
		    xendevicemodel_relocate_memory(h, dom, (uint32_t)below(8),
		    s, e));
		break;
	case 21:
		CALL_INT("xendevicemodel_pin_memory_cacheattr", want0, a,
		    xendevicemodel_pin_memory_cacheattr(h, dom, s, e,
		    one_in(4) ? XEN_DMOP_DELETE_MEM_CACHEATTR : below(9)));
		break;
	case 22: {
		unsigned v = 0;
		int nul = one_in(8);
		if (below(2)) {
			CALL_INT("xendevicemodel_nr_vcpus",
			    want0 || nul ? EINVAL : 0, a,
			    xendevicemodel_nr_vcpus(h, dom, nul ? NULL : &v));
		} else {
			/* dom2 only: dom1 keeps running for the others */
			CALL_INT("xendevicemodel_shutdown", want0, a,
			    xendevicemodel_shutdown(h, one_in(2) ?
			    (domid_t)R.dom2 : dom == R.dom1 ? 4242 : dom,
			    below(8)));
		}
		break;
	}
	default: {
		static xen_pfn_t g[64];
		uint32_t nr = any_count(64), i;
		int nul = one_in(8);
		for (i = 0; i < nr; i++)
			g[i] = one_in(5) ? (xen_pfn_t)rnd() : 0x1000 + below(64);
		snprintf(a, sizeof(a), "dom %#x nr %u%s", dom, nr,
		    nul ? " NULL" : "");
		CALL_INT("xendevicemodel_populate_ram",
		    want0 || nul || nr == 0 ? EINVAL : 0, a,
		    xendevicemodel_populate_ram(h, dom, nr, nul ? NULL : g));
		break;
	}
	}
}

/* libxenkexec */
static void
op_kexec(void)
{
	xenkexec_handle *h = handle(K_KX);
	int type = PICK(((const int[]){ XENKEXEC_TYPE_DEFAULT,
	    XENKEXEC_TYPE_CRASH, XENKEXEC_TYPE_CRASH, 2, -1, INT_MAX }));
	int want0 = h == NULL ? EINVAL : 0, rv, err;
	int badtype = type != XENKEXEC_TYPE_DEFAULT && type != XENKEXEC_TYPE_CRASH;
	char a[48];

	snprintf(a, sizeof(a), "type %d", type);
	switch (below(8)) {
	case 0: case 1: {
		struct xenkexec_segment seg[17];
		unsigned n = one_in(6) ? 15 + below(3) : below(4), i;
		uint64_t base = 0x1000000 + (uint64_t)below(4) * 0x100000;
		for (i = 0; i < n; i++) {
			seg[i].buf = one_in(12) ? NULL : kbuf;
			seg[i].buf_size = one_in(8) ? 0 : below(2 * PG + 1);
			seg[i].dest_maddr = base + (uint64_t)i * 2 * PG +
			    (one_in(12) ? 1 : 0) - (one_in(12) ? 2 * PG : 0);
			seg[i].dest_size = one_in(10) ? (uint64_t)below(3) * PG :
			    2 * PG;
		}
		snprintf(a, sizeof(a), "type %d segments %u", type, n);
		CALL_INT("xenkexec_load", want0 || badtype ? EINVAL :
		    n > XENKEXEC_MAX_SEGMENTS ? E2BIG : 0, a,
		    xenkexec_load(h, type, (uint16_t)(one_in(6) ? rnd() : 62),
		    base + below(2 * PG), n, n ? seg : NULL));
		break;
	}
	case 2:
		CALL_INT("xenkexec_unload", want0 || badtype ? EINVAL : 0, a,
		    xenkexec_unload(h, type));
		break;
	case 3:
		CALL_INT("xenkexec_status", want0 || badtype ? EINVAL : 0, a,
		    xenkexec_status(h, type));
		break;
	case 4:
		/* exec only of an image the emulator just says no to: never
		 * of a loaded one (that would "reboot") */
		if (h != NULL && !badtype && xenkexec_status(h, type) != 0)
			return;
		CALL_INT("xenkexec_exec", want0 || badtype ? EINVAL : 0, a,
		    xenkexec_exec(h, type));
		break;
	case 5: {
		uint64_t st, sz;
		int range = (int)below(9) - 1, nr = (int)below(5) - 1;
		int nul = one_in(8);
		snprintf(a, sizeof(a), "range %d nr %d", range, nr);
		CALL_INT("xenkexec_get_range", want0 || nul ||
		    range < 0 || range > 6 ? EINVAL : 0, a,
		    xenkexec_get_range(h, range, nr, nul ? NULL : &st, &sz));
		break;
	}
	case 6: {
		struct xenkexec_memory_entry ent[16];
		unsigned max = any_count(16);
		int nul = one_in(6);
		snprintf(a, sizeof(a), "max %u%s", max, nul ? " NULL" : "");
		CALL_INT("xenkexec_get_memory_map", want0 ||
		    (nul && max > 0) ? EINVAL : 0, a,
		    xenkexec_get_memory_map(h, nul ? NULL : ent, max));
		break;
	}
	default:
		if (below(2)) {
			CALL_INT("xenkexec_get_max_cpus", want0, "",
			    xenkexec_get_max_cpus(h));
		} else {
			unsigned maj, min;
			CALL_INT("xenkexec_get_version", want0, "",
			    xenkexec_get_version(h, &maj, &min));
		}
		break;
	}
}

/* ---- one run ---- */

static int
count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *de;
	int n = 0;

	ATF_REQUIRE(d != NULL);
	while ((de = readdir(d)) != NULL)
		n += de->d_name[0] != '.';
	closedir(d);
	return n - 1;	/* the directory's own */
}

static void
sim_setup(void)
{
	unsigned i;
	int r;

	ATF_REQUIRE_EQ(xenemu_setup(XENEMU_DIALECT), 0);
	ATF_REQUIRE((R.dom1 = xenemu_domain_create(32)) > 0);
	ATF_REQUIRE((R.dom2 = xenemu_domain_create(8)) > 0);
	xenemu_set_crash_range(0x1000000, 0x800000);
	/* Each frame's last byte says which it is (see pat()). */
	for (i = 0; i < 32; i++)
		((unsigned char *)xenemu_frame((uint16_t)R.dom1, i))[PG - 1] =
		    pat(R.dom1, i);
	for (i = 0; i < 8; i++)
		((unsigned char *)xenemu_frame((uint16_t)R.dom2, i))[PG - 1] =
		    pat(R.dom2, i);
	/* Frames above 2^28 (memory above 1 TiB) and ones that fail. */
	for (i = 0; i < sizeof(high_gfns) / sizeof(high_gfns[0]); i++)
		ATF_REQUIRE_EQ(xenemu_gfn_alias((uint16_t)R.dom1,
		    high_gfns[i].gfn, high_gfns[i].to), 0);
	ATF_REQUIRE_EQ(xenemu_frame_state((uint16_t)R.dom1, GFN_PAGED,
	    XENEMU_FRAME_PAGED), 0);
	ATF_REQUIRE_EQ(xenemu_frame_state((uint16_t)R.dom1, GFN_BAD,
	    XENEMU_FRAME_BAD), 0);
	ATF_REQUIRE_EQ(xenemu_frame_state((uint16_t)R.dom1, GFN_EPERM,
	    XENEMU_FRAME_EPERM), 0);
	for (i = 0; i < 8; i++) {
		r = xenemu_grant((uint16_t)R.dom1, i, i % 3 == 2);
		ATF_REQUIRE(r >= 0);
		R.refs[R.nrefs++] = (uint32_t)r;
	}
	for (i = 0; i < 8; i++) {
		r = xenemu_evtchn_alloc_unbound((uint16_t)R.dom1, 0);
		ATF_REQUIRE(r >= 0);
		R.rports[R.nrports++] = (uint32_t)r;
	}
}

/* Close everything, in random order; then nothing may be left. */
static void
teardown_and_check(int fds0)
{
	struct xenemu_leaks l;
	unsigned left, i, k, s;

	uninject();
	for (;;) {
		left = 0;
		for (k = 0; k < NKINDS; k++)
			for (s = 0; s < MAXH; s++)
				left += R.h[k][s] != NULL;
		/* foreign mappings: some through their handle, some later */
		while (R.nfmaps > 0 && one_in(2)) {
			struct fmap *m = &R.fmaps[below(R.nfmaps)];
			xenforeignmemory_handle *h = handle(K_FMEM);
			if (h == NULL || xenforeignmemory_unmap(h, m->a, m->n))
				munmap(m->a, m->n * PG);
			*m = R.fmaps[--R.nfmaps];
		}
		if (left == 0)
			break;
		k = below(NKINDS);
		s = below(MAXH);
		if (R.h[k][s] == NULL)
			continue;
		close_handle(k, R.h[k][s]);
		R.h[k][s] = NULL;
	}
	while (R.nfmaps > 0) {
		munmap(R.fmaps[R.nfmaps - 1].a, R.fmaps[R.nfmaps - 1].n * PG);
		R.nfmaps--;
	}
	for (i = 0; i < R.nxlg; i++)
		xtl_logger_destroy(R.xlg[i]);
	R.nxlg = 0;
	xtl_logger_destroy(R.lg);
	fclose(R.logf);

	xenemu_leaks(&l);
	if (l.fds || l.mappings || l.grants || l.ports || l.hcall_bufs)
		violation("left after closing every handle: %u descriptors, "
		    "%u mappings, %u grants, %u ports, %u hypercall buffers",
		    l.fds, l.mappings, l.grants, l.ports, l.hcall_bufs);
	/* the simulated domains' memory is a descriptor of the emulator */
	xenemu_teardown();
	if (count_fds() != fds0)
		violation("the process holds %d descriptors, %d at the start",
		    count_fds(), fds0);
}

/*
 * In the dom0 of tests/xenlab (which sets XENLAB=1 and runs the whole
 * installed suite there) this program would fuzz the same emulation
 * again, under QEMU, slowly; the host's stages run it.
 */
static void
skip_in_dom0(void)
{
	const char *x = getenv("XENLAB");

	if (x != NULL && strcmp(x, "1") == 0)
		atf_tc_skip("emulated devices only: the host's stages run it, "
		    "not xenlab's dom0");
}

static void
run(uint64_t seed, unsigned steps)
{
	static void (*const ops[])(void) = {
		op_open, op_open, op_open, op_fd, op_xtl, op_restrict,
		op_xencall, op_xencall, op_evtchn, op_evtchn, op_gnttab,
		op_gnttab, op_gnttab, op_gntshr, op_gntshr, op_fmem, op_fmem,
		op_fmem, op_dm, op_dm, op_dm, op_kexec, op_kexec,
	};
	unsigned i;
	int fds0;

	skip_in_dom0();
	free(R.trace);
	memset(&R, 0, sizeof(R));
	fds0 = count_fds();
	sim_setup();
	ATF_REQUIRE((R.logf = tmpfile()) != NULL);
	R.lg = (xentoollog_logger *)xtl_createlogger_stdiostream(
	    getenv("FUZZ_LOG") != NULL ? stderr : R.logf, XTL_DEBUG, 0);
	ATF_REQUIRE(R.lg != NULL);
	fds0++;		/* the log file, closed at the end */

	if (getenv("LD_PRELOAD") != NULL &&
	    strstr(getenv("LD_PRELOAD"), "vgpreload") != NULL)
		steps /= 4;
	if (getenv("FUZZ_STEPS") != NULL)
		steps = (unsigned)atoi(getenv("FUZZ_STEPS"));
	if (getenv("FUZZ_SEED") != NULL)
		seed = strtoull(getenv("FUZZ_SEED"), NULL, 0);
	rs = seed;
	R.steps = steps;
	for (i = 0; i < steps; i++) {
		/* keep the log file small */
		if (i % 256 == 0) {
			fflush(R.logf);
			if (ftruncate(fileno(R.logf), 0) == 0)
				rewind(R.logf);
		}
		R.step = i;
		inject();
		ops[below(sizeof(ops) / sizeof(ops[0]))]();
		uninject();
	}
	teardown_and_check(fds0 - 1);
}

#define SEED_CASE(n)							\
ATF_TC_WITHOUT_HEAD(seed##n);						\
ATF_TC_BODY(seed##n, tc)						\
{									\
	(void)tc;							\
	run(seeds[n], NSTEPS);						\
	printf("seed %d: %zu calls, %u contract violations\n", n,	\
	    R.ntrace, R.violations);					\
}
SEED_CASE(0)
SEED_CASE(1)
SEED_CASE(2)
SEED_CASE(3)
SEED_CASE(4)

/* The same seed twice gives the same calls, results and errno values. */
ATF_TC_WITHOUT_HEAD(determinism);
ATF_TC_BODY(determinism, tc)
{
	uint32_t *first;
	size_t n, i;

	(void)tc;
	run(seeds[1], NSTEPS / 3);
	n = R.ntrace;
	first = malloc(n * sizeof(*first));
	ATF_REQUIRE(first != NULL);
	memcpy(first, R.trace, n * sizeof(*first));
	run(seeds[1], NSTEPS / 3);
	ATF_CHECK_EQ_MSG(R.ntrace, n, "%zu calls, then %zu", n, R.ntrace);
	for (i = 0; i < n && i < R.ntrace; i++)
		if (first[i] != R.trace[i]) {
			atf_tc_fail_nonfatal("call %zu differs between runs", i);
			break;
		}
	free(first);
	free(R.trace);
	R.trace = NULL;
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, seed0);
	ATF_TP_ADD_TC(tp, seed1);
	ATF_TP_ADD_TC(tp, seed2);
	ATF_TP_ADD_TC(tp, seed3);
	ATF_TP_ADD_TC(tp, seed4);
	ATF_TP_ADD_TC(tp, determinism);
	return atf_no_error();
}
