/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * xenprobe: what works here?  Uses every xenlibs library against whatever
 * Xen it finds and prints one line per check with its time and a verdict.
 * Exit status 1 when something that should work is broken; a feature the
 * kernel or hypervisor does not offer is reported, not counted as broken.
 */
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <xencall.h>
#include <xendevicemodel.h>
#include <xenevtchn.h>
#include <xenforeignmemory.h>
#include <xengnttab.h>
#include <xenkexec.h>
#include <xentoolcore.h>
#include <xentoollog.h>

/* Hypercall numbers and sub-operations used below (Xen interface facts). */
#define HYPERVISOR_memory_op		12
#define HYPERVISOR_xen_version		17
#define XENVER_version			0
#define XENVER_extraversion		1
#define XENVER_capabilities		3
#define XENMEM_increase_reservation	0
#define XENMEM_decrease_reservation	1

#define MIN_ROUNDS	10	/* each round trip runs at least this often */
#define MAX_ROUNDS	100000
#define BUDGET_US	100000	/* and until this much time has passed */
#define PAGE		4096
#define NO_SUCH_DOMAIN	0x7FE0	/* below the reserved ids, never created */

enum verdict { OK, ABSENT, BROKEN };
static const char *const verdict_name[] = { "ok", "absent", "BROKEN" };

static xentoollog_logger *logger;
static domid_t self_domid;
static int broken, checks;
static int verbose;

/* Xen's XENMEM_{increase,decrease}_reservation argument. */
struct memory_reservation {
	uint64_t	extent_start;	/* guest handle: xen_pfn_t array */
	uint64_t	nr_extents;
	uint32_t	extent_order;
	uint32_t	mem_flags;
	uint16_t	domid;
	uint16_t	pad[3];
};

static double
now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

/*
 * Clocks may tick coarsely (a PV dom0 under emulation counts in 4 ms
 * ticks): time many rounds together and report the mean.
 */
struct timing {
	double	start;
	int	rounds;
};

static void
timing_start(struct timing *t)
{
	t->start = now_us();
	t->rounds = 0;
}

/* Count a round; nonzero while more rounds are wanted. */
static int
timing_more(struct timing *t)
{
	t->rounds++;
	return t->rounds < MIN_ROUNDS ||
	    (t->rounds < MAX_ROUNDS && now_us() - t->start < BUDGET_US);
}

static double
timing_mean(const struct timing *t)
{
	return (now_us() - t->start) / t->rounds;
}

static void
report(const char *what, enum verdict v, double us, const char *fmt, ...)
{
	char detail[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	checks++;
	if (v == BROKEN)
		broken++;
	if (us >= 0)
		printf("  %-34s %-7s %9.1f us  %s\n", what, verdict_name[v], us,
		    detail);
	else
		printf("  %-34s %-7s %12s  %s\n", what, verdict_name[v], "", detail);
}

/* A failure is "absent" when the errno says the feature is not offered. */
static enum verdict
judge(int err)
{
	switch (err) {
	case ENOENT: case ENODEV: case ENXIO: case ENOSYS: case ENOTTY:
	case EOPNOTSUPP:
		return ABSENT;
	default:
		return BROKEN;
	}
}

static void
probe_devices(void)
{
	/* Every kernel's device paths: whichever exist here are listed. */
	static const char *const paths[] = { "/dev/xen/privcmd",
	    "/proc/xen/privcmd", "/dev/xen/hypercall", "/dev/xen/evtchn",
	    "/dev/xen/gntdev", "/dev/xen/gntalloc", "/kern/xen/privcmd",
	    "/dev/xenevt" };
	struct stat st;
	size_t i;

	printf("devices:");
	for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++)
		if (stat(paths[i], &st) == 0)
			printf(" %s", paths[i]);
	printf("\n");
}

static void
probe_hypercall(xencall_handle *xc)
{
	struct timing tm;
	char *buf = NULL;
	long v;

	timing_start(&tm);
	do {
		v = xencall2(xc, HYPERVISOR_xen_version, XENVER_version, 0);
	} while (v >= 0 && timing_more(&tm));
	if (v < 0) {
		report("hypercall xen_version", BROKEN, -1, "%s", strerror(errno));
		return;
	}
	report("hypercall xen_version", OK, timing_mean(&tm), "Xen %ld.%ld",
	    v >> 16, v & 0xffff);

	timing_start(&tm);
	do {
		if ((buf = xencall_alloc_buffer(xc, 1024)) == NULL)
			break;
		v = xencall2(xc, HYPERVISOR_xen_version, XENVER_extraversion,
		    (uintptr_t)buf);
		xencall_free_buffer(xc, buf);
	} while (v == 0 && timing_more(&tm));
	if (buf == NULL || v < 0) {
		report("buffer alloc + hypercall + free", BROKEN, -1, "%s",
		    strerror(errno));
		return;
	}
	report("buffer alloc + hypercall + free", OK, timing_mean(&tm),
	    "buffers %s fault (%s)", xencall_buffers_never_fault(xc) ?
	    "never" : "may", xencall_buffers_never_fault(xc) ?
	    "hypercall buffer device" : "locked anonymous memory");
}

/* The version string and capabilities, through hypercall buffers. */
static void
print_version(xencall_handle *xc)
{
	char *buf;
	long v;

	v = xencall2(xc, HYPERVISOR_xen_version, XENVER_version, 0);
	if (v < 0 || (buf = xencall_alloc_buffer(xc, 1024)) == NULL) {
		printf("hypervisor: version unknown: %s\n", strerror(errno));
		return;
	}
	printf("hypervisor: Xen %ld.%ld", v >> 16, v & 0xffff);
	if (xencall2(xc, HYPERVISOR_xen_version, XENVER_extraversion,
	    (uintptr_t)buf) == 0)
		printf("%.16s", buf);
	memset(buf, 0, 1024);
	if (xencall2(xc, HYPERVISOR_xen_version, XENVER_capabilities,
	    (uintptr_t)buf) == 0)
		printf(" (%.1023s)", buf);
	printf("\n");
	xencall_free_buffer(xc, buf);
}

/* Take every pending port off the handle, unmasking each. */
static void
drain_pending(xenevtchn_handle *xe)
{
	struct pollfd pfd = { .fd = xenevtchn_fd(xe), .events = POLLIN };
	int port;

	while (poll(&pfd, 1, 0) == 1 && (port = xenevtchn_pending(xe)) >= 0)
		xenevtchn_unmask(xe, (evtchn_port_t)port);
}

static void
probe_evtchn(void)
{
	xenevtchn_handle *xe;
	struct pollfd pfd;
	struct timing tm;
	int local, remote, got = -1, err = 0;

	if ((xe = xenevtchn_open(logger, 0)) == NULL) {
		report("event channel loopback", judge(errno), -1, "open: %s",
		    strerror(errno));
		return;
	}
	local = xenevtchn_bind_unbound_port(xe, self_domid);
	remote = local < 0 ? -1 :
	    xenevtchn_bind_interdomain(xe, self_domid, (evtchn_port_t)local);
	if (remote < 0) {
		report("event channel loopback", BROKEN, -1, "bind: %s",
		    strerror(errno));
		goto out;
	}
	/* Xen marks a freshly bound interdomain port pending. */
	drain_pending(xe);
	timing_start(&tm);
	do {
		if (xenevtchn_notify(xe, (evtchn_port_t)remote) < 0) {
			err = errno;
			break;
		}
		/*
		 * Only our port may fire, but the bind's own notification
		 * of the other port can arrive late: take it and go on.
		 */
		do {
			pfd.fd = xenevtchn_fd(xe);
			pfd.events = POLLIN;
			if (poll(&pfd, 1, 2000) != 1)
				err = ETIMEDOUT;
			else if ((got = xenevtchn_pending(xe)) < 0 ||
			    xenevtchn_unmask(xe, (evtchn_port_t)got) < 0)
				err = errno;
			else if (got != local && got != remote)
				err = EPROTO;
		} while (err == 0 && got == remote);
	} while (err == 0 && timing_more(&tm));
	if (err)
		report("event channel loopback", BROKEN, -1,
		    "round %d: %s (port %d)", tm.rounds, strerror(err), got);
	else
		report("event channel loopback", OK, timing_mean(&tm),
		    "notify %d -> pending %d, unmask", remote, local);
	xenevtchn_unbind(xe, (evtchn_port_t)remote);
	xenevtchn_unbind(xe, (evtchn_port_t)local);
out:
	xenevtchn_close(xe);
}

static void
probe_grants(void)
{
	xengntshr_handle *gs;
	xengnttab_handle *gt;
	struct timing tm;
	uint32_t ref;
	char *shared, *mapped;
	int err = 0;

	gs = xengntshr_open(logger, 0);
	gt = xengnttab_open(logger, 0);
	if (gs == NULL || gt == NULL) {
		err = errno;
		report("grant share + map to self", judge(err), -1, "open: %s",
		    strerror(err));
		goto out;
	}
	timing_start(&tm);
	do {
		if ((shared = xengntshr_share_pages(gs, self_domid, 1, &ref,
		    1)) == NULL) {
			err = errno;
			break;
		}
		mapped = xengnttab_map_grant_ref(gt, self_domid, ref,
		    PROT_READ | PROT_WRITE);
		if (mapped == NULL) {
			err = errno;
			xengntshr_unshare(gs, shared, 1);
			break;
		}
		/* Data written on either side is seen on the other. */
		shared[0] = (char)('a' + tm.rounds % 26);
		mapped[PAGE - 1] = (char)('A' + tm.rounds % 26);
		if (mapped[0] != shared[0] || shared[PAGE - 1] != mapped[PAGE - 1])
			err = EPROTO;
		xengnttab_unmap(gt, mapped, 1);
		xengntshr_unshare(gs, shared, 1);
	} while (err == 0 && timing_more(&tm));
	if (err)
		report("grant share + map to self", BROKEN, -1, "%s",
		    strerror(err));
	else
		report("grant share + map to self", OK, timing_mean(&tm),
		    "1 page, data seen both ways");
out:
	if (gt != NULL)
		xengnttab_close(gt);
	if (gs != NULL)
		xengntshr_close(gs);
}

/* Ask Xen for one spare frame of our own; 0 when none can be had. */
static xen_pfn_t
get_spare_frame(xencall_handle *xc)
{
	struct memory_reservation *r;
	xen_pfn_t *frame, got = 0;

	r = xencall_alloc_buffer(xc, sizeof(*r) + sizeof(*frame));
	if (r == NULL)
		return 0;
	frame = (xen_pfn_t *)(r + 1);
	*frame = 0;
	r->extent_start = (uintptr_t)frame;
	r->nr_extents = 1;
	r->domid = DOMID_SELF;
	if (xencall2(xc, HYPERVISOR_memory_op, XENMEM_increase_reservation,
	    (uintptr_t)r) == 1)
		got = *frame;
	xencall_free_buffer(xc, r);
	return got;
}

static void
put_spare_frame(xencall_handle *xc, xen_pfn_t mfn)
{
	struct memory_reservation *r;
	xen_pfn_t *frame;

	if ((r = xencall_alloc_buffer(xc, sizeof(*r) + sizeof(*frame))) == NULL)
		return;
	frame = (xen_pfn_t *)(r + 1);
	*frame = mfn;
	r->extent_start = (uintptr_t)frame;
	r->nr_extents = 1;
	r->domid = DOMID_SELF;
	xencall2(xc, HYPERVISOR_memory_op, XENMEM_decrease_reservation,
	    (uintptr_t)r);
	xencall_free_buffer(xc, r);
}

static void
probe_foreign(xencall_handle *xc)
{
	xenforeignmemory_handle *fm;
	struct timing tm;
	xen_pfn_t mfn;
	uint32_t *p, last = 0;
	int err = 0, perr;

	if ((fm = xenforeignmemory_open(logger, 0)) == NULL) {
		report("foreign map (DOMID_SELF)", judge(errno), -1, "open: %s",
		    strerror(errno));
		return;
	}
	if ((mfn = get_spare_frame(xc)) == 0) {
		report("foreign map (DOMID_SELF)", ABSENT, -1,
		    "no spare frame (increase_reservation refused)");
		goto out;
	}
	timing_start(&tm);
	do {
		perr = 0;
		p = xenforeignmemory_map(fm, DOMID_SELF, PROT_READ | PROT_WRITE,
		    1, &mfn, &perr);
		if (p == NULL || perr != 0) {
			err = p == NULL ? errno : -perr;
			if (p != NULL)
				xenforeignmemory_unmap(fm, p, 1);
			break;
		}
		/* What one mapping wrote, the next one reads. */
		if (tm.rounds > 0 && p[0] != last)
			err = EPROTO;
		p[0] = last = 0x5eed0000u + (uint32_t)tm.rounds;
		xenforeignmemory_unmap(fm, p, 1);
	} while (err == 0 && timing_more(&tm));
	if (err)
		report("foreign map (DOMID_SELF)", BROKEN, -1, "frame %#lx: %s",
		    (unsigned long)mfn, strerror(err));
	else
		report("foreign map (DOMID_SELF)", OK, timing_mean(&tm),
		    "own frame %#lx mapped, written, read back",
		    (unsigned long)mfn);
	put_spare_frame(xc, mfn);
out:
	xenforeignmemory_close(fm);
}

/*
 * dm_op reaches Xen when Xen answers it: on the caller itself with EPERM
 * (Xen never lets a domain be its own device model), on a domain that
 * does not exist with ESRCH.  Any other answer is a fault on the way.
 */
static void
probe_dm_op(void)
{
	xendevicemodel_handle *dm;
	unsigned int vcpus = 0;
	double t0, t;
	int rc_self, err_self, rc_none, err_none;

	if ((dm = xendevicemodel_open(logger, 0)) == NULL) {
		report("dm_op", judge(errno), -1, "open: %s", strerror(errno));
		return;
	}
	t0 = now_us();
	rc_self = xendevicemodel_nr_vcpus(dm, self_domid, &vcpus);
	err_self = errno;
	rc_none = xendevicemodel_nr_vcpus(dm, NO_SUCH_DOMAIN, &vcpus);
	err_none = errno;
	t = (now_us() - t0) / 2;
	if (rc_self == -1 && judge(err_self) == ABSENT)
		report("dm_op", ABSENT, t, "nr_vcpus on dom%u: %s", self_domid,
		    strerror(err_self));
	else if (rc_self == -1 && err_self == EPERM && rc_none == -1 &&
	    err_none == ESRCH)
		report("dm_op", OK, t, "reaches Xen: nr_vcpus on dom%u (self) "
		    "EPERM, on dom%u (none) ESRCH", self_domid, NO_SUCH_DOMAIN);
	else
		report("dm_op", BROKEN, t, "nr_vcpus on dom%u (self): %s, on "
		    "dom%u (none): %s; want EPERM and ESRCH", self_domid,
		    rc_self == 0 ? "succeeded" : strerror(err_self),
		    NO_SUCH_DOMAIN, rc_none == 0 ? "succeeded" :
		    strerror(err_none));
	xendevicemodel_close(dm);
}

/* What the restricting child found, sent back through a pipe. */
struct restrict_result {
	int	stage;		/* RS_* */
	int	err;		/* errno at that stage */
	double	us;		/* xentoolcore_restrict_all() */
};
enum { RS_OK, RS_OPEN, RS_BEFORE, RS_RESTRICT, RS_AFTER };

/*
 * Restriction is one-way, so it is tried in a child.  Unrestricted, a
 * dm_op on a missing domain reaches Xen (ESRCH); restricted to another
 * domain, the same call must be refused (EPERM) before it gets there.
 */
static void
probe_restrict(void)
{
	struct restrict_result res;
	domid_t other = (domid_t)(self_domid + 1);
	pid_t pid;
	ssize_t n;
	int status, fds[2];

	if (other == NO_SUCH_DOMAIN)
		other++;
	fflush(stdout);
	if (pipe(fds) == -1 || (pid = fork()) == -1) {
		report("restrict (in a child)", BROKEN, -1, "pipe/fork: %s",
		    strerror(errno));
		return;
	}
	if (pid == 0) {
		xendevicemodel_handle *dm;
		unsigned int vcpus;
		double t0;
		int err;

		close(fds[0]);
		memset(&res, 0, sizeof(res));
		if ((dm = xendevicemodel_open(logger, 0)) == NULL) {
			res.stage = RS_OPEN;
			res.err = errno;
		} else if ((err = xendevicemodel_nr_vcpus(dm, NO_SUCH_DOMAIN,
		    &vcpus) == 0 ? 0 : errno) != ESRCH) {
			res.stage = RS_BEFORE;
			res.err = err;
		} else {
			t0 = now_us();
			if (xentoolcore_restrict_all(other) < 0) {
				res.stage = RS_RESTRICT;
				res.err = errno;
			}
			res.us = now_us() - t0;
			if (res.stage == RS_OK && (err = xendevicemodel_nr_vcpus(
			    dm, NO_SUCH_DOMAIN, &vcpus) == 0 ? 0 : errno) !=
			    EPERM) {
				res.stage = RS_AFTER;
				res.err = err;
			}
		}
		if (write(fds[1], &res, sizeof(res)) != (ssize_t)sizeof(res))
			_exit(1);
		_exit(0);
	}
	close(fds[1]);
	do
		n = read(fds[0], &res, sizeof(res));
	while (n == -1 && errno == EINTR);
	close(fds[0]);
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status) != 0 || n != (ssize_t)sizeof(res)) {
		report("restrict (in a child)", BROKEN, -1, "child died");
		return;
	}
	switch (res.stage) {
	case RS_OK:
		report("restrict (in a child)", OK, res.us, "restrict_all to "
		    "dom%u, then dm_op on dom%u: ESRCH before, EPERM after",
		    other, NO_SUCH_DOMAIN);
		break;
	case RS_OPEN:
		report("restrict (in a child)", judge(res.err), -1, "open: %s",
		    strerror(res.err));
		break;
	case RS_BEFORE:
		report("restrict (in a child)", judge(res.err), -1,
		    "unrestricted dm_op on dom%u: %s, not ESRCH",
		    NO_SUCH_DOMAIN, res.err == 0 ? "succeeded" :
		    strerror(res.err));
		break;
	case RS_RESTRICT:
		report("restrict (in a child)", res.err == EOPNOTSUPP ||
		    res.err == ENOTTY ? ABSENT : BROKEN, res.us,
		    "restrict_all to dom%u: %s", other, strerror(res.err));
		break;
	default:
		report("restrict (in a child)", BROKEN, res.us, "after "
		    "restrict_all to dom%u, dm_op on dom%u: %s, not EPERM",
		    other, NO_SUCH_DOMAIN, res.err == 0 ? "succeeded" :
		    strerror(res.err));
	}
}

static void
probe_kexec(void)
{
	xenkexec_handle *xk;
	uint64_t start = 0, size = 0;
	double t0, t;
	int rc, err;

	if ((xk = xenkexec_open(logger, 0)) == NULL) {
		report("kexec get_range(Xen)", judge(errno), -1, "open: %s",
		    strerror(errno));
		return;
	}
	t0 = now_us();
	rc = xenkexec_get_range(xk, XENKEXEC_RANGE_MA_XEN, 0, &start, &size);
	err = errno;
	t = now_us() - t0;
	if (rc == 0)
		report("kexec get_range(Xen)", OK, t, "%#llx + %#llx",
		    (unsigned long long)start, (unsigned long long)size);
	else if (err == EPERM)
		/* Xen lets only the hardware domain (and XSM policy) in. */
		report("kexec get_range(Xen)", ABSENT, t, "not permitted here "
		    "(not the hardware domain, or refused by XSM policy)");
	else
		report("kexec get_range(Xen)", judge(err), t, "%s",
		    strerror(err));
	xenkexec_close(xk);
}

static void
usage(void)
{
	fprintf(stderr, "usage: xenprobe [-v] [-d domid]\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	xentoollog_logger_stdiostream *log;
	xencall_handle *xc;
	struct utsname u;
	int ch;

	while ((ch = getopt(argc, argv, "d:v")) != -1) {
		switch (ch) {
		case 'd':
			self_domid = (domid_t)strtoul(optarg, NULL, 0);
			break;
		case 'v':
			verbose = 1;
			break;
		default:
			usage();
		}
	}
	/* Library errors are part of the report; -v shows their messages. */
	log = xtl_createlogger_stdiostream(stderr,
	    verbose ? XTL_DEBUG : XTL_CRITICAL, 0);
	logger = (xentoollog_logger *)log;

	if (uname(&u) == 0)
		printf("xenprobe: %s %s %s, as domain %u\n", u.sysname,
		    u.release, u.machine, self_domid);
	probe_devices();
	if ((xc = xencall_open(logger, 0)) == NULL) {
		printf("no hypervisor interface: %s\n", strerror(errno));
		printf("verdict: no Xen here\n");
		xtl_logger_destroy(logger);
		return 1;
	}
	print_version(xc);
	printf("  %-34s %-7s %12s  %s\n", "check", "verdict", "mean", "detail");
	probe_hypercall(xc);
	probe_evtchn();
	probe_grants();
	probe_foreign(xc);
	probe_dm_op();
	probe_kexec();
	probe_restrict();
	xencall_close(xc);
	printf("verdict: %d checks, %d broken\n", checks, broken);
	xtl_logger_destroy(logger);
	return broken ? 1 : 0;
}
