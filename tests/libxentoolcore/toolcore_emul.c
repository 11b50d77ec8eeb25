/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * xentoolcore_restrict_all() over the real handles of the libraries that
 * can be restricted (libxenforeignmemory, libxendevicemodel with its
 * lazily opened libxenhypercall route, libxenevtchn), on the emulated
 * devices of one kernel (tests/emul; built as toolcore_emul_linux,
 * _freebsd and _netbsd):
 * - a reserved domid is refused by every restrict entry point before any
 *   handle is touched;
 * - one handle that cannot be restricted never leaves the others
 *   unrestricted;
 * - restrict_all racing the first populate_ram does not deadlock.
 */
#include <atf-c.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <xendevicemodel.h>
#include <xenevtchn.h>
#include <xenforeignmemory.h>
#include <xentoolcore.h>
#include <xentoolcore_internal.h>
#include <xentoollog.h>

#include "xenemu.h"

#define NETBSD	(XENEMU_DIALECT == XENEMU_NETBSD)

/*
 * libxenhypercall's NetBSD backend keeps its buffers out of child
 * processes with minherit(2), which it references weakly; the host has
 * none: a stand-in.
 */
int minherit(void *, size_t, int) __attribute__((__weak__));
int
minherit(void *addr, size_t len, int inherit)
{
	return 0;
}

static FILE *logf_;
static xentoollog_logger *lg;
static uint16_t dom_a, dom_b;

static void
setup(void)
{
	int d;

	ATF_REQUIRE_EQ(xenemu_setup(XENEMU_DIALECT), 0);
	ATF_REQUIRE((logf_ = tmpfile()) != NULL);
	lg = (xentoollog_logger *)xtl_createlogger_stdiostream(logf_,
	    XTL_DEBUG, 0);
	ATF_REQUIRE(lg != NULL);
	ATF_REQUIRE((d = xenemu_domain_create(16)) > 0);
	dom_a = (uint16_t)d;
	ATF_REQUIRE((d = xenemu_domain_create(16)) > 0);
	dom_b = (uint16_t)d;
}

static void
finish(void)
{
	xenemu_fail_clear();
	ATF_CHECK_EQ_MSG(xenemu_assert_no_leaks(), 0, "leaks (see stderr)");
	xtl_logger_destroy(lg);
	fclose(logf_);
	xenemu_teardown();
}

/* Whether a line of the log names both lib and what. */
static int
logged(const char *lib, const char *what)
{
	char line[512];
	int found = 0;

	fflush(logf_);
	rewind(logf_);
	while (fgets(line, sizeof(line), logf_) != NULL)
		if (strstr(line, lib) != NULL && strstr(line, what) != NULL)
			found = 1;
	fseek(logf_, 0, SEEK_END);
	return found;
}

/* Emulated descriptors that are restricted (r = 1) or not (r = 0). */
static unsigned int
emul_fds(int r)
{
	unsigned int n = 0;
	int fd;

	for (fd = 0; fd < 1024; fd++)
		if (xenemu_fd_restricted(fd) == r)
			n++;
	return n;
}

struct handles {
	xenforeignmemory_handle	*fm;
	xendevicemodel_handle	*dm;
	xenevtchn_handle	*ev;
	int			 port;	/* bound to dom_b before anything */
};

/*
 * Every kind of handle, opened in this order (the registry visits the
 * newest first): foreign memory, device model, its hypercall route
 * (opened by a populate_ram, which the emulator answers ENOSYS), event
 * channel.
 */
static void
open_all(struct handles *h)
{
	xen_pfn_t gfn = 1;

	ATF_REQUIRE((h->fm = xenforeignmemory_open(lg, 0)) != NULL);
	ATF_REQUIRE((h->dm = xendevicemodel_open(lg, 0)) != NULL);
	ATF_CHECK_EQ(xendevicemodel_populate_ram(h->dm, dom_a, 1, &gfn), -1);
	ATF_CHECK_EQ(errno, ENOSYS);
	ATF_REQUIRE((h->ev = xenevtchn_open(lg, 0)) != NULL);
	h->port = xenevtchn_bind_unbound_port(h->ev, dom_b);
	ATF_REQUIRE(h->port > 0);
}

static void
close_all(struct handles *h)
{
	ATF_CHECK_EQ(xenevtchn_close(h->ev), 0);
	ATF_CHECK_EQ(xendevicemodel_close(h->dm), 0);
	ATF_CHECK_EQ(xenforeignmemory_close(h->fm), 0);
}

/* Whether the handles still reach domain d: 1 each that does. */
static int
fm_reaches(struct handles *h, uint16_t d)
{
	xen_pfn_t gfn = 0;
	void *p;

	if ((p = xenforeignmemory_map(h->fm, d, PROT_READ, 1, &gfn,
	    NULL)) == NULL)
		return 0;
	ATF_CHECK_EQ(xenforeignmemory_unmap(h->fm, p, 1), 0);
	return 1;
}

static int
dm_reaches(struct handles *h, uint16_t d)
{
	unsigned int vcpus;

	return xendevicemodel_nr_vcpus(h->dm, d, &vcpus) == 0;
}

static int
ev_reaches(struct handles *h, uint16_t d)
{
	int p;

	if ((p = xenevtchn_bind_unbound_port(h->ev, d)) < 0)
		return 0;
	ATF_CHECK_EQ(xenevtchn_unbind(h->ev, (evtchn_port_t)p), 0);
	return 1;
}

/*
 * No handle may act on dom_b any more, and none of the emulated devices
 * is left open unrestricted (each is restricted, or was replaced by
 * /dev/null and is no longer the emulator's).
 */
static void
check_nothing_unrestricted(struct handles *h)
{
	ATF_CHECK_EQ_MSG(emul_fds(0), 0, "%u descriptors left unrestricted",
	    emul_fds(0));
	ATF_CHECK_MSG(!fm_reaches(h, dom_b), "foreign memory reaches b");
	ATF_CHECK_MSG(!dm_reaches(h, dom_b), "device model reaches b");
	ATF_CHECK_MSG(!ev_reaches(h, dom_b), "event channel reaches b");
}

ATF_TC_WITHOUT_HEAD(reserved_domid);
ATF_TC_BODY(reserved_domid, tc)
{
	static const unsigned int reserved[] = { 0x7ff0, 0x7ff1, 0x7ff4,
	    0x7fff, 0xffff };
	struct handles h;
	struct xenemu_leaks before, after;
	unsigned int i, unrestricted;
	domid_t d;

	setup();
	open_all(&h);
	xenemu_leaks(&before);
	unrestricted = emul_fds(0);
	ATF_REQUIRE(unrestricted >= 2);
	ATF_CHECK_EQ(emul_fds(1), 0);
	for (i = 0; i < sizeof(reserved) / sizeof(reserved[0]); i++) {
		d = (domid_t)reserved[i];
		errno = 0;
		ATF_CHECK_EQ_MSG(xentoolcore_restrict_all(d), -1,
		    "restrict_all %#x", (unsigned)d);
		ATF_CHECK_EQ(errno, EINVAL);
		errno = 0;
		ATF_CHECK_EQ_MSG(xenforeignmemory_restrict(h.fm, d), -1,
		    "xenforeignmemory_restrict %#x", (unsigned)d);
		ATF_CHECK_EQ(errno, EINVAL);
		errno = 0;
		ATF_CHECK_EQ_MSG(xendevicemodel_restrict(h.dm, d), -1,
		    "xendevicemodel_restrict %#x", (unsigned)d);
		ATF_CHECK_EQ(errno, EINVAL);
		errno = 0;
		ATF_CHECK_EQ_MSG(xenevtchn_restrict(h.ev, d), -1,
		    "xenevtchn_restrict %#x", (unsigned)d);
		ATF_CHECK_EQ(errno, EINVAL);
	}
	ATF_CHECK(logged("xenforeignmemory", "reserved"));
	ATF_CHECK(logged("xendevicemodel", "reserved"));
	ATF_CHECK(logged("xenevtchn", "reserved"));
	/* Nothing changed: every handle is as unrestricted as before. */
	xenemu_leaks(&after);
	ATF_CHECK_EQ(after.fds, before.fds);
	ATF_CHECK_EQ(after.ports, before.ports);
	ATF_CHECK_EQ(emul_fds(0), unrestricted);
	ATF_CHECK_EQ(emul_fds(1), 0);
	ATF_CHECK(fm_reaches(&h, dom_a) && fm_reaches(&h, dom_b));
	ATF_CHECK(dm_reaches(&h, dom_a) && dm_reaches(&h, dom_b));
	ATF_CHECK(ev_reaches(&h, dom_a) && ev_reaches(&h, dom_b));
	ATF_CHECK_EQ(xenevtchn_notify(h.ev, (evtchn_port_t)h.port), 0);
	/* And an ordinary domid still restricts them all. */
	ATF_CHECK_EQ(xentoolcore_restrict_all(dom_a), 0);
	check_nothing_unrestricted(&h);
	if (!NETBSD) {
		ATF_CHECK(fm_reaches(&h, dom_a));
		ATF_CHECK(dm_reaches(&h, dom_a));
	}
	close_all(&h);
	finish();
}

/* A handle of another library whose restriction fails. */
static int
failing_cb(Xentoolcore__Active_Handle *ah, domid_t domid)
{
	errno = EXDEV;
	return -1;
}

/*
 * A foreign handle (registered between foreign memory and device model,
 * so visited between them) fails: the call fails with its errno, and the
 * handles visited after it are restricted all the same.
 */
ATF_TC_WITHOUT_HEAD(other_library_fails);
ATF_TC_BODY(other_library_fails, tc)
{
	Xentoolcore__Active_Handle fake;
	struct handles h;
	xen_pfn_t gfn = 1;

	setup();
	memset(&fake, 0, sizeof(fake));
	fake.restrict_callback = failing_cb;
	ATF_REQUIRE((h.fm = xenforeignmemory_open(lg, 0)) != NULL);
	xentoolcore__register_active_handle(&fake);
	ATF_REQUIRE((h.dm = xendevicemodel_open(lg, 0)) != NULL);
	ATF_CHECK_EQ(xendevicemodel_populate_ram(h.dm, dom_a, 1, &gfn), -1);
	ATF_REQUIRE((h.ev = xenevtchn_open(lg, 0)) != NULL);
	errno = 0;
	ATF_CHECK_EQ(xentoolcore_restrict_all(dom_a), -1);
	ATF_CHECK_EQ(errno, EXDEV);
	check_nothing_unrestricted(&h);
	xentoolcore__deregister_active_handle(&fake);
	close_all(&h);
	finish();
}

/*
 * The kernel refuses to restrict one of xenlibs' own handles (an injected
 * EFAULT on the first privcmd RESTRICT, the device model's, visited
 * before foreign memory's): that handle is made useless, the others are
 * restricted, and the call fails with EFAULT and says which handle.
 * NetBSD has no RESTRICT to fail: every handle is made useless there, the
 * call succeeds.
 */
ATF_TC_WITHOUT_HEAD(own_handle_fails);
ATF_TC_BODY(own_handle_fails, tc)
{
	struct handles h;
	int rc;

	setup();
	open_all(&h);
	if (!NETBSD)
		ATF_REQUIRE_EQ(xenemu_fail_op("ioctl:IOCTL_PRIVCMD_RESTRICT", 1,
		    EFAULT), 0);
	errno = 0;
	rc = xentoolcore_restrict_all(dom_a);
	if (NETBSD)
		ATF_CHECK_EQ(rc, 0);
	else {
		ATF_CHECK_EQ(rc, -1);
		ATF_CHECK_EQ(errno, EFAULT);
		ATF_CHECK_MSG(logged("xendevicemodel", "restrict"),
		    "the device model's handle not named in the log");
		/*
		 * The device model's handle is useless: a cannot be reached,
		 * and the error is EPERM, as for a restricted handle (not
		 * what an ioctl on /dev/null says).
		 */
		errno = 0;
		ATF_CHECK(!dm_reaches(&h, dom_a));
		ATF_CHECK_EQ(errno, EPERM);
		ATF_CHECK(fm_reaches(&h, dom_a));
	}
	xenemu_fail_clear();
	check_nothing_unrestricted(&h);
	close_all(&h);
	finish();
}

/*
 * restrict_all takes the registry's lock, then each device-model
 * handle's; the first populate_ram opens the hypercall route, which
 * registers with libxentoolcore.  Racing them many times must neither
 * deadlock (an alarm kills a hung program: the case is broken) nor leave
 * an unrestricted route behind.
 */
#define RACE_ROUNDS	300

struct race {
	xendevicemodel_handle	*dm;
	pthread_barrier_t	*start;
	int			 dm_op;	/* a dm_op, not populate_ram */
	int			 rc;
};

static void *
race_restrict(void *arg)
{
	struct race *r = arg;

	pthread_barrier_wait(r->start);
	r->rc = xentoolcore_restrict_all(dom_a);
	return NULL;
}

static void *
race_populate(void *arg)
{
	struct race *r = arg;
	xen_pfn_t gfn = 1;
	unsigned int vcpus;

	pthread_barrier_wait(r->start);
	if (r->dm_op) {
		/*
		 * The first dm_op, which the kernel refuses with ENOTTY: the
		 * library opens the hypercall route.  Succeeds before the
		 * restriction, EPERM after (or while it runs).
		 */
		r->rc = xendevicemodel_nr_vcpus(r->dm, dom_a, &vcpus) == 0 ||
		    errno == EPERM ? 0 : -1;
		return NULL;
	}
	/*
	 * It fails whatever the order: ENOSYS from the emulator, EPERM once
	 * restricted, or the error of a route neutralised under it.
	 */
	r->rc = xendevicemodel_populate_ram(r->dm, dom_a, 1, &gfn) == -1 ?
	    0 : -1;
	return NULL;
}

ATF_TC(restrict_all_vs_populate);
ATF_TC_HEAD(restrict_all_vs_populate, tc)
{
	atf_tc_set_md_var(tc, "descr", "xentoolcore_restrict_all racing the "
	    "first xendevicemodel_populate_ram neither deadlocks nor leaves "
	    "an unrestricted route");
	atf_tc_set_md_var(tc, "timeout", "120");
}
static void
race_rounds(int dm_op)
{
	pthread_barrier_t start;
	pthread_t t1, t2;
	struct race a, b;
	int i;

	setup();
	ATF_REQUIRE_EQ(pthread_barrier_init(&start, NULL, 2), 0);
	/* A deadlock kills the program (SIGALRM): the case is broken. */
	alarm(60);
	for (i = 0; i < RACE_ROUNDS; i++) {
		xendevicemodel_handle *dm = xendevicemodel_open(lg, 0);

		ATF_REQUIRE(dm != NULL);
		a.dm = b.dm = dm;
		a.start = b.start = &start;
		a.dm_op = b.dm_op = dm_op;
		if (dm_op)
			ATF_REQUIRE_EQ(xenemu_fail_op(
			    "ioctl:IOCTL_PRIVCMD_DM_OP", 1, ENOTTY), 0);
		ATF_REQUIRE_EQ(pthread_create(&t1, NULL, race_restrict, &a), 0);
		ATF_REQUIRE_EQ(pthread_create(&t2, NULL, race_populate, &b), 0);
		ATF_REQUIRE_EQ(pthread_join(t1, NULL), 0);
		ATF_REQUIRE_EQ(pthread_join(t2, NULL), 0);
		xenemu_fail_clear();
		ATF_CHECK_EQ_MSG(a.rc, 0, "round %d: restrict_all failed", i);
		ATF_CHECK_EQ_MSG(b.rc, 0, "round %d: %s", i, dm_op ?
		    "nr_vcpus" : "populate_ram");
		/* Whichever came first, no unrestricted device is left. */
		ATF_CHECK_EQ_MSG(emul_fds(0), 0,
		    "round %d: %u descriptors unrestricted", i, emul_fds(0));
		ATF_CHECK_EQ(xendevicemodel_close(dm), 0);
	}
	alarm(0);
	pthread_barrier_destroy(&start);
	finish();
}

ATF_TC_BODY(restrict_all_vs_populate, tc)
{
	race_rounds(0);
}

/*
 * The same with the first dm_op on a Linux kernel without the DM_OP
 * ioctl, which opens the hypercall route too.
 */
ATF_TC(restrict_all_vs_fallback);
ATF_TC_HEAD(restrict_all_vs_fallback, tc)
{
	atf_tc_set_md_var(tc, "descr", "xentoolcore_restrict_all racing the "
	    "first dm_op that falls back to the hypercall (Linux without "
	    "DM_OP) neither deadlocks nor leaves an unrestricted route");
	atf_tc_set_md_var(tc, "timeout", "120");
}
ATF_TC_BODY(restrict_all_vs_fallback, tc)
{
	if (XENEMU_DIALECT != XENEMU_LINUX)
		atf_tc_skip("the fallback on ENOTTY is Linux's");
	race_rounds(1);
}

/*
 * The kernel refuses to restrict the event channel handle (Linux: an
 * injected EFAULT on RESTRICT_DOMID): that handle is made useless and
 * named in the log, the others are restricted, the call fails with
 * EFAULT.  The BSDs cannot restrict event channels: made useless, 0.
 */
ATF_TC_WITHOUT_HEAD(evtchn_refused);
ATF_TC_BODY(evtchn_refused, tc)
{
	struct handles h;
	int rc;

	setup();
	open_all(&h);
	if (XENEMU_DIALECT == XENEMU_LINUX)
		ATF_REQUIRE_EQ(xenemu_fail_op(
		    "ioctl:IOCTL_EVTCHN_RESTRICT_DOMID", 1, EFAULT), 0);
	errno = 0;
	rc = xentoolcore_restrict_all(dom_a);
	if (XENEMU_DIALECT == XENEMU_LINUX) {
		ATF_CHECK_EQ(rc, -1);
		ATF_CHECK_EQ(errno, EFAULT);
		ATF_CHECK_MSG(logged("xenevtchn", "restrict"),
		    "the event channel handle not named in the log");
		/* Useless: its port went with the device. */
		ATF_CHECK(xenevtchn_notify(h.ev, (evtchn_port_t)h.port) == -1);
		ATF_CHECK(fm_reaches(&h, dom_a));
		ATF_CHECK(dm_reaches(&h, dom_a));
	} else
		ATF_CHECK_EQ(rc, 0);
	xenemu_fail_clear();
	check_nothing_unrestricted(&h);
	close_all(&h);
	finish();
}

/*
 * An event channel handle already restricted with xenevtchn_restrict()
 * (Linux refuses a second RESTRICT_DOMID with EACCES, whatever the
 * domain): restrict_all to the same domain succeeds and the handle keeps
 * working for it; to another domain, the call fails and the handle is
 * made useless, as the page says.
 */
ATF_TC_WITHOUT_HEAD(evtchn_already_restricted);
ATF_TC_BODY(evtchn_already_restricted, tc)
{
	struct handles h;

	if (XENEMU_DIALECT != XENEMU_LINUX)
		atf_tc_skip("only Linux restricts event channel handles");
	setup();
	open_all(&h);
	ATF_REQUIRE_EQ(xenevtchn_restrict(h.ev, dom_a), 0);
	errno = 0;
	ATF_CHECK_EQ_MSG(xentoolcore_restrict_all(dom_a), 0, "%s",
	    strerror(errno));
	/* Still the event channel device, its port still bound. */
	ATF_CHECK_EQ(xenevtchn_notify(h.ev, (evtchn_port_t)h.port), 0);
	ATF_CHECK(fm_reaches(&h, dom_a));
	check_nothing_unrestricted(&h);
	close_all(&h);
	finish();

	setup();
	open_all(&h);
	ATF_REQUIRE_EQ(xenevtchn_restrict(h.ev, dom_b), 0);
	errno = 0;
	ATF_CHECK_EQ(xentoolcore_restrict_all(dom_a), -1);
	ATF_CHECK_EQ(errno, EACCES);
	ATF_CHECK_MSG(logged("xenevtchn", "restrict"),
	    "the event channel handle not named in the log");
	ATF_CHECK(xenevtchn_notify(h.ev, (evtchn_port_t)h.port) == -1);
	check_nothing_unrestricted(&h);
	close_all(&h);
	finish();
}

/*
 * A Linux kernel without the event channel restriction (before 4.12 the
 * driver answers an unknown ioctl ENOSYS): like a BSD, the handle is
 * made useless and the call succeeds.
 */
ATF_TC_WITHOUT_HEAD(evtchn_old_kernel);
ATF_TC_BODY(evtchn_old_kernel, tc)
{
	struct handles h;

	if (XENEMU_DIALECT != XENEMU_LINUX)
		atf_tc_skip("only Linux restricts event channel handles");
	setup();
	open_all(&h);
	ATF_REQUIRE_EQ(xenemu_fail_op("ioctl:IOCTL_EVTCHN_RESTRICT_DOMID", 1,
	    ENOSYS), 0);
	errno = 0;
	ATF_CHECK_EQ_MSG(xentoolcore_restrict_all(dom_a), 0, "%s",
	    strerror(errno));
	ATF_CHECK(xenevtchn_notify(h.ev, (evtchn_port_t)h.port) == -1);
	ATF_CHECK(fm_reaches(&h, dom_a));
	xenemu_fail_clear();
	check_nothing_unrestricted(&h);
	close_all(&h);
	finish();
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, reserved_domid);
	ATF_TP_ADD_TC(tp, other_library_fails);
	ATF_TP_ADD_TC(tp, own_handle_fails);
	ATF_TP_ADD_TC(tp, restrict_all_vs_populate);
	ATF_TP_ADD_TC(tp, restrict_all_vs_fallback);
	ATF_TP_ADD_TC(tp, evtchn_refused);
	ATF_TP_ADD_TC(tp, evtchn_already_restricted);
	ATF_TP_ADD_TC(tp, evtchn_old_kernel);
	return atf_no_error();
}
