/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * xlbench: one benchmark source, built three ways (see bench/Makefile):
 *
 *   xlbench-xenlibs   against this tree's libraries (rpath /usr/local/lib)
 *   xlbench-upstream  against Debian's libxen-dev 4.17 (same source)
 *   xlbench-floor     -DBENCH_FLOOR: the same operations as raw ioctl(2),
 *                     mmap(2), read(2) and write(2) on Linux's Xen devices
 *                     (definitions from sys/linux/xen_ioctl.h)
 *
 * It runs in a Xen dom0 and prints raw samples, one per line:
 *   S,<variant>,<op>,<family>,<units>,<count>,<batch ns>
 *       one timed batch of <count> operations; each operation handles
 *       <units> pages, frames or events
 *   E,<variant>,<op>,<errno text>       an operation that could not run
 *   M,<variant>,<key>,<value>           memory figures (--memory)
 *   L,<variant>,<path>                  each libxen* object mapped
 * The host side (bench/report) turns them into a table, a CSV and a plot.
 *
 * dom0's clock under TCG ticks every 4 ms, so single operations are never
 * timed: each batch runs long enough (BENCH_TARGET_MS, default 200 ms) and
 * the per-operation time is batch time / count.
 *
 * usage: xlbench [-g pvh-domid] [-r repeats] [-t target-ms] [-o op-prefix]
 *        xlbench --memory [-n ops]
 */

#include <sys/mman.h>
#include <sys/ioctl.h>

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "xlbench.h"

#ifdef BENCH_FLOOR
#include "xen_ioctl.h"
#else
#include <xencall.h>
#include <xendevicemodel.h>
#include <xenevtchn.h>
#include <xenforeignmemory.h>
#include <xengnttab.h>
#endif

#ifndef BENCH_VARIANT
#define BENCH_VARIANT	"unknown"
#endif

#define PAGE		4096UL
#define HC_xen_version	17	/* __HYPERVISOR_xen_version */
#define XV_version	0	/* XENVER_version */
#define XV_extraversion	1	/* XENVER_extraversion: char[16] */
#define DMOP_nr_vcpus	20	/* XEN_DMOP_nr_vcpus */
#define GUEST_GFN	0x100	/* first low RAM frame used in the PVH guest */
#define PAIRS		100	/* event-channel pairs of the burst */
#define BURST		10000	/* events per burst */
#define MAXGRANT	256
#define MAXFRAMES	1024
#ifndef GNTCOPY_source_gref
#define GNTCOPY_source_gref	(1 << 0)
#endif

static int guest = -1;

/* ------------------------------------------------------------------ */
/* The operations, once per variant.  Each returns 0, or -1 with errno. */

static int evport_a[PAIRS], evport_b[PAIRS];	/* b notifies, a pends */
static int evtchn_drain(void);
static uint32_t copy_refs[MAXGRANT];
static unsigned char *copy_dst;
static uint64_t frames[MAXFRAMES];
static int frame_err[MAXFRAMES];

#ifdef BENCH_FLOOR

static int privcmd = -1, hcbuf = -1, evtchn = -1, gntdev = -1, gntalloc = -1;
static void *copy_share;
static uint64_t copy_index;

static int
dev_open(const char *path)
{
	return open(path, O_RDWR | O_CLOEXEC);
}

static long
hypercall(uint64_t op, uint64_t a1, uint64_t a2)
{
	struct privcmd_hypercall hc;

	memset(&hc, 0, sizeof(hc));
	hc.op = op;
	hc.arg[0] = a1;
	hc.arg[1] = a2;
	return ioctl(privcmd, IOCTL_PRIVCMD_HYPERCALL, &hc);
}

static int
setup(void)
{
	struct ioctl_gntdev_set_max_grants mg = { 4096 };

	if ((privcmd = dev_open(LINUX_PRIVCMD_PATH)) == -1 ||
	    (evtchn = dev_open(LINUX_EVTCHN_PATH)) == -1 ||
	    (gntdev = dev_open(LINUX_GNTDEV_PATH)) == -1 ||
	    (gntalloc = dev_open(LINUX_GNTALLOC_PATH)) == -1)
		return -1;
	hcbuf = dev_open(LINUX_HYPERCALL_PATH);	/* optional, as in the libs */
	(void)ioctl(gntdev, IOCTL_GNTDEV_SET_MAX_GRANTS, &mg);
	return 0;
}

static int
op_hypercall(void)
{
	return hypercall(HC_xen_version, XV_version, 0) < 0 ? -1 : 0;
}

static int
op_buf(unsigned n)
{
	void *p = mmap(NULL, n * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED,
	    hcbuf, 0);
	long rc;

	if (p == MAP_FAILED)
		return -1;
	rc = hypercall(HC_xen_version, XV_extraversion, (uint64_t)(uintptr_t)p);
	munmap(p, n * PAGE);
	return rc < 0 ? -1 : 0;
}

static int
evtchn_setup(void)
{
	struct ioctl_evtchn_bind_unbound_port u = { 0 };
	struct ioctl_evtchn_bind_interdomain d;
	int i;

	for (i = 0; i < PAIRS; i++) {
		if ((evport_a[i] = ioctl(evtchn, IOCTL_EVTCHN_BIND_UNBOUND_PORT,
		    &u)) < 0)
			return -1;
		d.remote_domain = 0;
		d.remote_port = (uint32_t)evport_a[i];
		if ((evport_b[i] = ioctl(evtchn, IOCTL_EVTCHN_BIND_INTERDOMAIN,
		    &d)) < 0)
			return -1;
	}
	return evtchn_drain();
}

static int
ev_notify(int port)
{
	struct ioctl_evtchn_notify n;

	n.port = (uint32_t)port;
	return ioctl(evtchn, IOCTL_EVTCHN_NOTIFY, &n) < 0 ? -1 : 0;
}

static int
ev_pending(void)
{
	uint32_t p;

	if (read(evtchn, &p, sizeof(p)) != (ssize_t)sizeof(p))
		return -1;
	return (int)p;
}

static int
ev_pending_many(int *ports, unsigned max)
{
	uint32_t buf[PAIRS];
	ssize_t r;
	unsigned i;

	if ((r = read(evtchn, buf, max * sizeof(uint32_t))) <= 0)
		return -1;
	for (i = 0; i < (unsigned)r / sizeof(uint32_t); i++)
		ports[i] = (int)buf[i];
	return (int)(r / (ssize_t)sizeof(uint32_t));
}

static int
ev_unmask(int port)
{
	uint32_t p = (uint32_t)port;

	return write(evtchn, &p, sizeof(p)) == (ssize_t)sizeof(p) ? 0 : -1;
}

/* gntalloc: n pages shared with dom0 itself; refs out. */
static void *
share(unsigned n, uint32_t *refs, uint64_t *index)
{
	struct ioctl_gntalloc_alloc_gref *a;
	struct ioctl_gntalloc_dealloc_gref d;
	void *p = NULL;
	unsigned i;

	a = malloc(sizeof(*a) + n * sizeof(uint32_t));
	if (a == NULL)
		return NULL;
	a->domid = 0;
	a->flags = GNTALLOC_FLAG_WRITABLE;
	a->count = n;
	if (ioctl(gntalloc, IOCTL_GNTALLOC_ALLOC_GREF, a) == 0) {
		p = mmap(NULL, n * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED,
		    gntalloc, (off_t)a->index);
		/* Freed at munmap, as the libraries do it. */
		d.index = a->index;
		d.count = n;
		(void)ioctl(gntalloc, IOCTL_GNTALLOC_DEALLOC_GREF, &d);
		if (p == MAP_FAILED)
			p = NULL;
		for (i = 0; i < n; i++)
			refs[i] = a->gref_ids[i];
		*index = a->index;
	}
	free(a);
	return p;
}

static int
op_grant(unsigned n)
{
	static uint32_t refs[MAXGRANT];
	static unsigned char mbuf[sizeof(struct ioctl_gntdev_map_grant_ref) +
	    MAXGRANT * sizeof(struct ioctl_gntdev_grant_ref)];
	struct ioctl_gntdev_map_grant_ref *m = (void *)mbuf;
	struct ioctl_gntdev_unmap_grant_ref u;
	uint64_t idx;
	void *s, *p;
	unsigned i;
	int rc = -1;

	if ((s = share(n, refs, &idx)) == NULL)
		return -1;
	m->count = n;
	for (i = 0; i < n; i++) {
		m->refs[i].domid = 0;
		m->refs[i].ref = refs[i];
	}
	if (ioctl(gntdev, IOCTL_GNTDEV_MAP_GRANT_REF, m) == 0) {
		p = mmap(NULL, n * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED,
		    gntdev, (off_t)m->index);
		if (p != MAP_FAILED) {
			munmap(p, n * PAGE);
			rc = 0;
		}
		u.index = m->index;
		u.count = n;
		u.pad = 0;
		if (ioctl(gntdev, IOCTL_GNTDEV_UNMAP_GRANT_REF, &u) != 0)
			rc = -1;
	}
	munmap(s, n * PAGE);
	return rc;
}

static int
copy_setup(void)
{
	copy_share = share(MAXGRANT, copy_refs, &copy_index);
	return copy_share == NULL ? -1 : 0;
}

static int
op_copy(unsigned n)
{
	static struct gntdev_grant_copy_segment seg[MAXGRANT];
	struct ioctl_gntdev_grant_copy c;
	unsigned i;

	for (i = 0; i < n; i++) {
		seg[i].source.foreign.ref = copy_refs[i];
		seg[i].source.foreign.offset = 0;
		seg[i].source.foreign.domid = 0;
		seg[i].dest.virt = copy_dst + i * PAGE;
		seg[i].len = (uint16_t)PAGE;
		seg[i].flags = GNTCOPY_source_gref;
		seg[i].status = 0;
	}
	c.count = n;
	c.segments = seg;
	if (ioctl(gntdev, IOCTL_GNTDEV_GRANT_COPY, &c) != 0)
		return -1;
	for (i = 0; i < n; i++)
		if (seg[i].status != 0) {
			errno = EIO;
			return -1;
		}
	return 0;
}

static int
op_fmap(unsigned n)
{
	struct privcmd_mmapbatch_v2 b;
	void *p = mmap(NULL, n * PAGE, PROT_READ, MAP_SHARED, privcmd, 0);
	int rc;

	if (p == MAP_FAILED)
		return -1;
	b.num = n;
	b.dom = (uint16_t)guest;
	b.addr = (uint64_t)(uintptr_t)p;
	b.arr = frames;
	b.err = frame_err;
	rc = ioctl(privcmd, IOCTL_PRIVCMD_MMAPBATCH_V2, &b);
	munmap(p, n * PAGE);
	return rc == 0 ? 0 : -1;
}

static int
op_dmop(void)
{
	struct {
		uint32_t op, pad;
		union { uint32_t vcpus; uint8_t raw[24]; } u;
	} op;
	struct privcmd_dm_op_buf buf;
	struct privcmd_dm_op d;

	memset(&op, 0, sizeof(op));
	op.op = DMOP_nr_vcpus;
	buf.uptr = &op;
	buf.size = sizeof(op);
	d.dom = (uint16_t)guest;
	d.num = 1;
	d.ubufs = &buf;
	if (ioctl(privcmd, IOCTL_PRIVCMD_DM_OP, &d) != 0)
		return -1;
	return op.u.vcpus > 0 ? 0 : (errno = EIO, -1);
}

static int
open_close(const char *a, const char *b)
{
	int fa, fb = -1;

	if ((fa = dev_open(a)) == -1)
		return -1;
	if (b != NULL && (fb = dev_open(b)) == -1) {
		close(fa);
		return -1;
	}
	close(fa);
	if (fb != -1)
		close(fb);
	return 0;
}

static int oc_call(void) { return open_close(LINUX_PRIVCMD_PATH, LINUX_HYPERCALL_PATH); }
static int oc_evtchn(void) { return open_close(LINUX_EVTCHN_PATH, NULL); }
static int oc_gnttab(void) { return open_close(LINUX_GNTDEV_PATH, NULL); }
static int oc_gntshr(void) { return open_close(LINUX_GNTALLOC_PATH, NULL); }
static int oc_fmem(void) { return open_close(LINUX_PRIVCMD_PATH, NULL); }
static int oc_dm(void) { return open_close(LINUX_PRIVCMD_PATH, NULL); }


#else /* the libraries, xenlibs or upstream: the same source */

static xencall_handle *xc;
static xenevtchn_handle *xce;
static xengnttab_handle *xgt;
static xengntshr_handle *xgs;
static xenforeignmemory_handle *xfm;
static xendevicemodel_handle *xdm;
static void *copy_share;

static int
setup(void)
{
	if ((xc = xencall_open(NULL, 0)) == NULL ||
	    (xce = xenevtchn_open(NULL, 0)) == NULL ||
	    (xgt = xengnttab_open(NULL, 0)) == NULL ||
	    (xgs = xengntshr_open(NULL, 0)) == NULL ||
	    (xfm = xenforeignmemory_open(NULL, 0)) == NULL ||
	    (xdm = xendevicemodel_open(NULL, 0)) == NULL)
		return -1;
	(void)xengnttab_set_max_grants(xgt, 4096);
	return 0;
}

static int
op_hypercall(void)
{
	return xencall1(xc, HC_xen_version, XV_version) < 0 ? -1 : 0;
}

static int
op_buf(unsigned n)
{
	void *p = xencall_alloc_buffer_pages(xc, (int)n);
	int rc;

	if (p == NULL)
		return -1;
	rc = xencall2(xc, HC_xen_version, XV_extraversion,
	    (uint64_t)(uintptr_t)p);
	xencall_free_buffer_pages(xc, p, (int)n);
	return rc < 0 ? -1 : 0;
}

static int
evtchn_setup(void)
{
	int i;

	for (i = 0; i < PAIRS; i++) {
		if ((evport_a[i] = xenevtchn_bind_unbound_port(xce, 0)) < 0)
			return -1;
		if ((evport_b[i] = xenevtchn_bind_interdomain(xce, 0,
		    (evtchn_port_t)evport_a[i])) < 0)
			return -1;
	}
	return evtchn_drain();
}

static int
ev_notify(int port)
{
	return xenevtchn_notify(xce, (evtchn_port_t)port);
}

static int
ev_pending(void)
{
	return xenevtchn_pending(xce);
}

#ifdef XENEVTCHN_HAVE_PENDING_MANY
#define HAVE_BATCH	1
static int
ev_pending_many(int *ports, unsigned max)
{
	evtchn_port_t buf[PAIRS];
	int r, i;

	if ((r = xenevtchn_pending_many(xce, buf, max)) <= 0)
		return r == 0 ? (errno = EAGAIN, -1) : -1;
	for (i = 0; i < r; i++)
		ports[i] = (int)buf[i];
	return r;
}
#else
#define HAVE_BATCH	0
/* No batched call in this library: one at a time, as its users must. */
static int
ev_pending_many(int *ports, unsigned max)
{
	(void)max;
	return (ports[0] = xenevtchn_pending(xce)) < 0 ? -1 : 1;
}
#endif

static int
ev_unmask(int port)
{
	return xenevtchn_unmask(xce, (evtchn_port_t)port);
}

static int
op_grant(unsigned n)
{
	static uint32_t refs[MAXGRANT];
	void *s, *p;
	int rc = -1;

	if ((s = xengntshr_share_pages(xgs, 0, (int)n, refs, 1)) == NULL)
		return -1;
	p = xengnttab_map_domain_grant_refs(xgt, n, 0, refs,
	    PROT_READ | PROT_WRITE);
	if (p != NULL)
		rc = xengnttab_unmap(xgt, p, n);
	if (xengntshr_unshare(xgs, s, n) != 0)
		rc = -1;
	return rc;
}

static int
copy_setup(void)
{
	copy_share = xengntshr_share_pages(xgs, 0, MAXGRANT, copy_refs, 1);
	return copy_share == NULL ? -1 : 0;
}

static int
op_copy(unsigned n)
{
	static xengnttab_grant_copy_segment_t seg[MAXGRANT];
	unsigned i;

	for (i = 0; i < n; i++) {
		seg[i].source.foreign.ref = copy_refs[i];
		seg[i].source.foreign.offset = 0;
		seg[i].source.foreign.domid = 0;
		seg[i].dest.virt = copy_dst + i * PAGE;
		seg[i].len = (uint16_t)PAGE;
		seg[i].flags = GNTCOPY_source_gref;
		seg[i].status = 0;
	}
	if (xengnttab_grant_copy(xgt, n, seg) != 0)
		return -1;
	for (i = 0; i < n; i++)
		if (seg[i].status != 0) {
			errno = EIO;
			return -1;
		}
	return 0;
}

static int
op_fmap(unsigned n)
{
	void *p = xenforeignmemory_map(xfm, (uint32_t)guest, PROT_READ, n,
	    (xen_pfn_t *)frames, frame_err);

	if (p == NULL)
		return -1;
	return xenforeignmemory_unmap(xfm, p, n);
}

static int
op_dmop(void)
{
	unsigned int vcpus = 0;

	if (xendevicemodel_nr_vcpus(xdm, (domid_t)guest, &vcpus) != 0)
		return -1;
	return vcpus > 0 ? 0 : (errno = EIO, -1);
}

static int
oc_call(void)
{
	xencall_handle *h = xencall_open(NULL, 0);

	return h == NULL ? -1 : xencall_close(h);
}

static int
oc_evtchn(void)
{
	xenevtchn_handle *h = xenevtchn_open(NULL, 0);

	return h == NULL ? -1 : xenevtchn_close(h);
}

static int
oc_gnttab(void)
{
	xengnttab_handle *h = xengnttab_open(NULL, 0);

	return h == NULL ? -1 : xengnttab_close(h);
}

static int
oc_gntshr(void)
{
	xengntshr_handle *h = xengntshr_open(NULL, 0);

	return h == NULL ? -1 : xengntshr_close(h);
}

static int
oc_fmem(void)
{
	xenforeignmemory_handle *h = xenforeignmemory_open(NULL, 0);

	return h == NULL ? -1 : xenforeignmemory_close(h);
}

static int
oc_dm(void)
{
	xendevicemodel_handle *h = xendevicemodel_open(NULL, 0);

	return h == NULL ? -1 : xendevicemodel_close(h);
}


#endif /* BENCH_FLOOR */

#ifndef HAVE_BATCH
#define HAVE_BATCH	1	/* the floor reads many ports in one read(2) */
#endif

/* ------------------------------------------------------------------ */
/* Composite operations, shared by every variant. */

/*
 * Binding the interdomain end marks it pending (Xen tells the new end that
 * it is connected): take those PAIRS events before timing anything.
 */
static int
evtchn_drain(void)
{
	int i, p;

	for (i = 0; i < PAIRS; i++)
		if ((p = ev_pending()) < 0 || ev_unmask(p) != 0)
			return -1;
	return 0;
}

static int
op_evt_roundtrip(void)
{
	int p;

	if (ev_notify(evport_b[0]) != 0 || (p = ev_pending()) < 0)
		return -1;
	if (p != evport_a[0]) {
		errno = EPROTO;
		return -1;
	}
	return ev_unmask(p);
}

/* 10,000 events: PAIRS ports notified, then drained, BURST/PAIRS times. */
static int
burst(int batched)
{
	int ports[PAIRS], round, i, got, r;

	for (round = 0; round < BURST / PAIRS; round++) {
		for (i = 0; i < PAIRS; i++)
			if (ev_notify(evport_b[i]) != 0)
				return -1;
		for (got = 0; got < PAIRS; got += r) {
			if (batched) {
				r = ev_pending_many(ports, PAIRS - got);
				if (r < 0 && errno == EAGAIN) {
					r = 0;
					continue;
				}
				if (r < 0)
					return -1;
			} else {
				if ((ports[0] = ev_pending()) < 0)
					return -1;
				r = 1;
			}
			for (i = 0; i < r; i++)
				if (ev_unmask(ports[i]) != 0)
					return -1;
		}
	}
	return 0;
}

static int op_burst_single(void) { return burst(0); }
static int op_burst_batched(void) { return burst(1); }
static int op_buf1(void) { return op_buf(1); }
static int op_buf4(void) { return op_buf(4); }
static int op_grant1(void) { return op_grant(1); }
static int op_grant16(void) { return op_grant(16); }
static int op_grant256(void) { return op_grant(256); }
static int op_copy4k(void) { return op_copy(1); }
static int op_copy1m(void) { return op_copy(256); }
static int op_fmap1(void) { return op_fmap(1); }
static int op_fmap64(void) { return op_fmap(64); }
static int op_fmap1024(void) { return op_fmap(1024); }

/* ------------------------------------------------------------------ */

static const struct xlb_bench benches[] = {
	{ "hypercall",		"hypercall",	1,	op_hypercall,	0 },
	{ "buf_1page",		"buffer",	1,	op_buf1,	0 },
	{ "buf_4pages",		"buffer",	4,	op_buf4,	0 },
	{ "evtchn_roundtrip",	"evtchn",	1,	op_evt_roundtrip, 1 },
	{ "evtchn_burst_single", "evtchn_burst", BURST,	op_burst_single, 1 },
	{ "evtchn_burst_batched", "evtchn_burst", BURST, op_burst_batched, 1 },
	{ "grant_1",		"grant",	1,	op_grant1,	0 },
	{ "grant_16",		"grant",	16,	op_grant16,	0 },
	{ "grant_256",		"grant",	256,	op_grant256,	0 },
	{ "copy_4k",		"grant_copy",	1,	op_copy4k,	2 },
	{ "copy_1m",		"grant_copy",	256,	op_copy1m,	2 },
	{ "fmap_1",		"foreign_map",	1,	op_fmap1,	4 },
	{ "fmap_64",		"foreign_map",	64,	op_fmap64,	4 },
	{ "fmap_1024",		"foreign_map",	1024,	op_fmap1024,	4 },
	{ "dm_op",		"dm_op",	1,	op_dmop,	4 },
	{ "open_xencall",	"open_close",	1,	oc_call,	0 },
	{ "open_xenevtchn",	"open_close",	1,	oc_evtchn,	0 },
	{ "open_xengnttab",	"open_close",	1,	oc_gnttab,	0 },
	{ "open_xengntshr",	"open_close",	1,	oc_gntshr,	0 },
	{ "open_xenforeignmemory", "open_close", 1,	oc_fmem,	0 },
	{ "open_xendevicemodel", "open_close",	1,	oc_dm,		0 },
};

#ifdef BENCH_MODULE

static int
module_init(int g, int *err)
{
	int bad = 0, i;

	guest = g;
	*err = 0;
	if (setup() != 0) {
		*err = errno;
		return -1;
	}
	if (evtchn_setup() != 0)
		bad |= XLB_NEEDS_EVTCHN;
	copy_dst = mmap(NULL, MAXGRANT * PAGE, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (copy_dst == MAP_FAILED || copy_setup() != 0)
		bad |= XLB_NEEDS_COPY;
	if (guest < 0)
		bad |= XLB_NEEDS_GUEST;
	for (i = 0; i < MAXFRAMES; i++)
		frames[i] = GUEST_GFN + (uint64_t)i;
	return bad;
}

extern const struct xlb_module xlb_module;
const struct xlb_module xlb_module = {
	BENCH_VARIANT, module_init, benches,
	sizeof(benches) / sizeof(benches[0]), HAVE_BATCH
};

#else /* !BENCH_MODULE: the stand-alone program */

static const char *variant = BENCH_VARIANT;
static int repeats = 5;
static long target_ns = 200L * 1000 * 1000;
static const char *only = "";

static int64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int64_t
run_batch(int (*fn)(void), long count, int *err)
{
	int64_t t0 = now_ns();
	long i;

	for (i = 0; i < count; i++)
		if (fn() != 0) {
			*err = errno ? errno : EIO;
			return -1;
		}
	return now_ns() - t0;
}

static void
measure(const struct xlb_bench *b)
{
	long count = 1;
	int64_t t = 0;
	int err = 0, r;

	/* Warm up, then grow the batch until it lasts the target time. */
	if (run_batch(b->fn, 1, &err) < 0)
		goto fail;
	for (;;) {
		if ((t = run_batch(b->fn, count, &err)) < 0)
			goto fail;
		if (t >= target_ns / 4 || count >= (1L << 30))
			break;
		count *= t < target_ns / 64 ? 8 : 2;
	}
	if (t < target_ns)
		count = (long)((double)count * (double)target_ns /
		    (double)(t > 0 ? t : 1)) + 1;
	for (r = 0; r < repeats; r++) {
		if ((t = run_batch(b->fn, count, &err)) < 0)
			goto fail;
		printf("S,%s,%s,%s,%u,%ld,%lld\n", variant, b->name, b->family,
		    b->units, count, (long long)t);
		fflush(stdout);
	}
	return;
fail:
	printf("E,%s,%s,%s\n", variant, b->name, strerror(err));
	fflush(stdout);
}

/*
 * Resident size from smaps_rollup, which walks the page tables: VmRSS in
 * /proc/self/status lags behind by up to 64 pages per thread on Linux 6.1.
 */
static long
rss_kb(void)
{
	char line[256];
	long kb = -1;
	FILE *f = fopen("/proc/self/smaps_rollup", "r");
	const char *fmt = "Rss: %ld";

	if (f == NULL) {
		f = fopen("/proc/self/status", "r");
		fmt = "VmRSS: %ld";
	}
	if (f == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL)
		if (sscanf(line, fmt, &kb) == 1)
			break;
	fclose(f);
	return kb;
}

/* Which libxen* objects this process runs with. */
static void
print_libs(void)
{
	char line[512], *path, seen[16][256];
	int nseen = 0, i;
	FILE *f = fopen("/proc/self/maps", "r");

	if (f == NULL)
		return;
	while (fgets(line, sizeof(line), f) != NULL) {
		if ((path = strchr(line, '/')) == NULL ||
		    strstr(path, "/libxen") == NULL)
			continue;
		path[strcspn(path, "\n")] = '\0';
		for (i = 0; i < nseen; i++)
			if (strcmp(seen[i], path) == 0)
				break;
		if (i < nseen || nseen == 16)
			continue;
		snprintf(seen[nseen++], sizeof(seen[0]), "%s", path);
		printf("L,%s,%s\n", variant, path);
	}
	fclose(f);
}

static int
memory(long ops)
{
	long start = rss_kb(), opened, before, after, i;
	int64_t t0;

	if (setup() != 0) {
		printf("E,%s,memory,%s\n", variant, strerror(errno));
		return 1;
	}
	print_libs();
	opened = rss_kb();
	for (i = 0; i < 1000; i++)
		if (op_hypercall() != 0)
			goto fail;
	before = rss_kb();
	t0 = now_ns();
	for (i = 0; i < ops; i++)
		if (op_hypercall() != 0)
			goto fail;
	after = rss_kb();
	printf("M,%s,rss_start_kb,%ld\n", variant, start);
	printf("M,%s,rss_handles_kb,%ld\n", variant, opened);
	printf("M,%s,rss_before_kb,%ld\n", variant, before);
	printf("M,%s,rss_after_kb,%ld\n", variant, after);
	printf("M,%s,ops,%ld\n", variant, ops);
	printf("M,%s,ns_per_op,%.1f\n", variant,
	    (double)(now_ns() - t0) / (double)ops);
	return 0;
fail:
	printf("E,%s,memory,%s\n", variant, strerror(errno));
	return 1;
}

int
main(int argc, char **argv)
{
	long mem_ops = 1000000;
	int mem = 0, i, ok_ev, ok_copy;
	size_t k;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--memory") == 0)
			mem = 1;
		else if (strcmp(argv[i], "-g") == 0 && i + 1 < argc)
			guest = atoi(argv[++i]);
		else if (strcmp(argv[i], "-r") == 0 && i + 1 < argc)
			repeats = atoi(argv[++i]);
		else if (strcmp(argv[i], "-t") == 0 && i + 1 < argc)
			target_ns = atol(argv[++i]) * 1000000L;
		else if (strcmp(argv[i], "-n") == 0 && i + 1 < argc)
			mem_ops = atol(argv[++i]);
		else if (strcmp(argv[i], "-o") == 0 && i + 1 < argc)
			only = argv[++i];
		else {
			fprintf(stderr, "usage: xlbench [-g domid] [-r repeats] "
			    "[-t target-ms] [-o op-prefix] | --memory [-n ops]\n");
			return 2;
		}
	}
	if (mem)
		return memory(mem_ops);

	if (setup() != 0) {
		printf("E,%s,setup,%s\n", variant, strerror(errno));
		return 1;
	}
	print_libs();
	ok_ev = evtchn_setup() == 0;
	if (!ok_ev)
		printf("E,%s,evtchn_setup,%s\n", variant, strerror(errno));
	copy_dst = mmap(NULL, MAXGRANT * PAGE, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ok_copy = copy_dst != MAP_FAILED && copy_setup() == 0;
	if (!ok_copy)
		printf("E,%s,copy_setup,%s\n", variant, strerror(errno));
	for (i = 0; i < MAXFRAMES; i++)
		frames[i] = GUEST_GFN + (uint64_t)i;
	printf("I,%s,batched_pending,%s\n", variant, HAVE_BATCH ? "yes" : "no");
	for (k = 0; k < sizeof(benches) / sizeof(benches[0]); k++) {
		const struct xlb_bench *b = &benches[k];

		if (strncmp(b->name, only, strlen(only)) != 0)
			continue;
		if (((b->needs & 1) && !ok_ev) || ((b->needs & 2) && !ok_copy))
			continue;
		if ((b->needs & 4) && guest < 0) {
			printf("E,%s,%s,no PVH guest\n", variant, b->name);
			continue;
		}
		measure(b);
	}
	return 0;
}

#endif /* BENCH_MODULE */
