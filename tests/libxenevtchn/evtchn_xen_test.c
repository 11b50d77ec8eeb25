/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * libxenevtchn on the real hypervisor (dom0, Linux): interdomain channels
 * looped back inside dom0, notify/poll/pending/unmask, blocking and
 * non-blocking use, one handle shared by threads, the batched drain,
 * bind_virq on a virq dom0 can provoke, restrict, close-on-exec and
 * fdopen of an inherited descriptor, a channel to a guest.
 */
#include <atf-c.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <xenevtchn.h>
#include <xentoolcore.h>

#include "capture.h"
#include "xenhc.h"
#include "xenlibs_test.h"

#define REQUIRE_XEN(tc)							\
	atf_tc_set_md_var(tc, "require.files", "/dev/xen/privcmd")

#define XEN_TC(name, descr)						\
	ATF_TC(name);							\
	ATF_TC_HEAD(name, tc)						\
	{								\
		atf_tc_set_md_var(tc, "descr", descr);			\
		REQUIRE_XEN(tc);					\
	}								\
	ATF_TC_BODY(name, tc)

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Whether the handle's descriptor becomes readable within ms. */
static int
readable(xenevtchn_handle *x, int ms)
{
	struct pollfd p;

	p.fd = xenevtchn_fd(x);
	p.events = POLLIN;
	p.revents = 0;
	return poll(&p, 1, ms) == 1 && (p.revents & POLLIN);
}

static xenevtchn_handle *
xopen(struct capture *c, unsigned flags)
{
	xenevtchn_handle *x = xenevtchn_open(capture_init(c), flags);

	ATF_REQUIRE_MSG(x != NULL, "xenevtchn_open: %s", strerror(errno));
	return x;
}

/*
 * A channel looped back in dom0: local port *la on a, *lb on b.  Xen
 * leaves a freshly bound interdomain port pending (in case the other end
 * signalled before the bind): take that event and unmask, so that tests
 * start from nothing pending.
 */
static void
loopback(xenevtchn_handle *a, xenevtchn_handle *b, int *la, int *lb)
{
	*la = xenevtchn_bind_unbound_port(a, 0);
	ATF_REQUIRE_MSG(*la >= 0, "bind_unbound_port: %s", strerror(errno));
	*lb = xenevtchn_bind_interdomain(b, 0, (evtchn_port_t)*la);
	ATF_REQUIRE_MSG(*lb >= 0, "bind_interdomain: %s", strerror(errno));
	ATF_REQUIRE(*la != *lb);
	if (readable(b, 1000)) {
		ATF_REQUIRE_EQ(xenevtchn_pending(b), *lb);
		ATF_REQUIRE_EQ(xenevtchn_unmask(b, (evtchn_port_t)*lb), 0);
	}
	ATF_REQUIRE(!readable(a, 0) && !readable(b, 0));
}

XEN_TC(open_close, "open gives a close-on-exec fd, close releases it "
    "and every port bound through it")
{
	struct capture c;
	struct hc_evtchn_status st;
	xenevtchn_handle *x;
	int before = xt_fd_count(), fd, la, lb;

	x = xopen(&c, 0);
	fd = xenevtchn_fd(x);
	ATF_REQUIRE(fd >= 0);
	ATF_CHECK((fcntl(fd, F_GETFD) & FD_CLOEXEC) != 0);
	ATF_CHECK((fcntl(fd, F_GETFL) & O_ACCMODE) == O_RDWR);
	ATF_CHECK((fcntl(fd, F_GETFL) & O_NONBLOCK) == 0);
	loopback(x, x, &la, &lb);
	ATF_REQUIRE(xt_evtchn_status(XT_DOMID_SELF, (uint32_t)la, &st) == 0);
	ATF_CHECK_EQ(st.status, EVTCHNSTAT_INTERDOMAIN);
	ATF_CHECK_EQ(st.u.interdomain.port, (uint32_t)lb);
	ATF_CHECK_EQ(xenevtchn_close(x), 0);
	ATF_CHECK_EQ(xt_fd_count(), before);
	/* The kernel closed both ends when the descriptor went. */
	ATF_REQUIRE(xt_evtchn_status(XT_DOMID_SELF, (uint32_t)la, &st) == 0);
	ATF_CHECK_EQ(st.status, EVTCHNSTAT_CLOSED);
	ATF_REQUIRE(xt_evtchn_status(XT_DOMID_SELF, (uint32_t)lb, &st) == 0);
	ATF_CHECK_EQ(st.status, EVTCHNSTAT_CLOSED);
	ATF_CHECK_EQ(c.count, 0);
}

XEN_TC(loopback_notify, "notify, poll, pending, unmask and unbind on an "
    "interdomain channel looped back inside dom0")
{
	struct capture ca, cb;
	xenevtchn_handle *a = xopen(&ca, 0), *b = xopen(&cb, 0);
	int la, lb;

	loopback(a, b, &la, &lb);
	ATF_CHECK(!readable(a, 0));

	ATF_REQUIRE_EQ(xenevtchn_notify(b, (evtchn_port_t)lb), 0);
	ATF_REQUIRE_MSG(readable(a, 5000), "no event within 5 s");
	ATF_CHECK_EQ(xenevtchn_pending(a), la);
	ATF_CHECK(!readable(a, 0));

	/* Masked until unmasked: a second event waits. */
	ATF_REQUIRE_EQ(xenevtchn_notify(b, (evtchn_port_t)lb), 0);
	ATF_CHECK_MSG(!readable(a, 300), "event delivered while masked");
	ATF_REQUIRE_EQ(xenevtchn_unmask(a, (evtchn_port_t)la), 0);
	ATF_REQUIRE_MSG(readable(a, 5000), "event lost across unmask");
	ATF_CHECK_EQ(xenevtchn_pending(a), la);
	ATF_REQUIRE_EQ(xenevtchn_unmask(a, (evtchn_port_t)la), 0);

	/* The other way. */
	ATF_REQUIRE_EQ(xenevtchn_notify(a, (evtchn_port_t)la), 0);
	ATF_REQUIRE(readable(b, 5000));
	ATF_CHECK_EQ(xenevtchn_pending(b), lb);
	ATF_CHECK_EQ(xenevtchn_unmask(b, (evtchn_port_t)lb), 0);

	/* Unbind: the port is gone from this handle. */
	ATF_REQUIRE_EQ(xenevtchn_unbind(b, (evtchn_port_t)lb), 0);
	ATF_CHECK_EQ(xenevtchn_notify(b, (evtchn_port_t)lb), -1);
	ATF_CHECK_EQ(errno, ENOTCONN);
	CHECK_LOGGED(&cb, 1, ENOTCONN);
	ATF_CHECK_EQ(xenevtchn_unbind(b, (evtchn_port_t)lb), -1);
	ATF_CHECK_EQ(errno, ENOTCONN);
	ATF_REQUIRE_EQ(xenevtchn_unbind(a, (evtchn_port_t)la), 0);
	ATF_CHECK_EQ(ca.count, 0);
	xenevtchn_close(a);
	xenevtchn_close(b);
}

XEN_TC(nonblocking, "with O_NONBLOCK, pending fails with EAGAIN and "
    "pending_many returns 0 when nothing is pending")
{
	struct capture c;
	xenevtchn_handle *x = xopen(&c, 0);
	evtchn_port_t ports[8];
	int fd = xenevtchn_fd(x), la, lb;

	ATF_REQUIRE(fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) == 0);
	loopback(x, x, &la, &lb);
	errno = 0;
	ATF_CHECK_EQ(xenevtchn_pending(x), -1);
	ATF_CHECK_EQ(errno, EAGAIN);
	ATF_CHECK_EQ(xenevtchn_pending_many(x, ports, 8), 0);
	ATF_CHECK_EQ_MSG(c.count, 0, "EAGAIN logged as an error: %s", c.text);

	ATF_REQUIRE_EQ(xenevtchn_notify(x, (evtchn_port_t)lb), 0);
	ATF_REQUIRE(readable(x, 5000));
	ATF_CHECK_EQ(xenevtchn_pending_many(x, ports, 8), 1);
	ATF_CHECK_EQ(ports[0], (evtchn_port_t)la);
	ATF_CHECK_EQ(xenevtchn_pending_many(x, ports, 8), 0);
	xenevtchn_close(x);
}

struct later {
	xenevtchn_handle	*x;
	evtchn_port_t		 port;
	int			 ms;
};

static void *
notify_later(void *arg)
{
	struct later *l = arg;

	usleep((useconds_t)l->ms * 1000);
	xenevtchn_notify(l->x, l->port);
	return NULL;
}

XEN_TC(blocking, "pending blocks until an event arrives (the device is "
    "opened blocking)")
{
	struct capture c;
	xenevtchn_handle *x = xopen(&c, 0);
	struct later l;
	pthread_t t;
	evtchn_port_t ports[4];
	double t0, dt;
	int la, lb;

	loopback(x, x, &la, &lb);
	l.x = x;
	l.port = (evtchn_port_t)lb;
	l.ms = 400;
	ATF_REQUIRE(pthread_create(&t, NULL, notify_later, &l) == 0);
	t0 = now();
	ATF_CHECK_EQ(xenevtchn_pending(x), la);
	dt = now() - t0;
	pthread_join(t, NULL);
	ATF_CHECK_MSG(dt >= 0.3, "returned after %.3f s, before the event", dt);
	ATF_REQUIRE_EQ(xenevtchn_unmask(x, (evtchn_port_t)la), 0);

	/* pending_many blocks the same way. */
	ATF_REQUIRE(pthread_create(&t, NULL, notify_later, &l) == 0);
	t0 = now();
	ATF_CHECK_EQ(xenevtchn_pending_many(x, ports, 4), 1);
	dt = now() - t0;
	pthread_join(t, NULL);
	ATF_CHECK_EQ(ports[0], (evtchn_port_t)la);
	ATF_CHECK_MSG(dt >= 0.3, "returned after %.3f s, before the event", dt);
	xenevtchn_close(x);
}

#define NTHREADS	4
#define NROUNDS		50

struct shared {
	xenevtchn_handle	*x;
	pthread_mutex_t		 lock;
	pthread_cond_t		 cv;
	int			 port[NTHREADS];	/* local ports (on x) */
	int			 stop;			/* local stop port */
	int			 got[NTHREADS];		/* this round */
	int			 total[NTHREADS];
	int			 by_thread[NTHREADS];
	int			 exited;
	int			 bad;
};

static void *
waiter(void *arg)
{
	struct shared *s = arg;
	int i, p, me;

	pthread_mutex_lock(&s->lock);
	me = s->exited++;	/* a thread number, reset below */
	pthread_cond_broadcast(&s->cv);
	pthread_mutex_unlock(&s->lock);
	for (;;) {
		if ((p = xenevtchn_pending(s->x)) < 0) {
			pthread_mutex_lock(&s->lock);
			s->bad++;
			pthread_mutex_unlock(&s->lock);
			break;
		}
		xenevtchn_unmask(s->x, (evtchn_port_t)p);
		pthread_mutex_lock(&s->lock);
		if (p == s->stop) {
			s->exited++;
			pthread_cond_broadcast(&s->cv);
			pthread_mutex_unlock(&s->lock);
			break;
		}
		for (i = 0; i < NTHREADS && s->port[i] != p; i++)
			;
		if (i == NTHREADS || s->got[i]++ != 0)
			s->bad++;	/* unknown port, or twice in a round */
		else
			s->total[i]++;
		s->by_thread[me]++;
		pthread_cond_broadcast(&s->cv);
		pthread_mutex_unlock(&s->lock);
	}
	return NULL;
}

XEN_TC(threads_share, "threads blocked in pending on one handle: each "
    "event goes to exactly one of them")
{
	struct capture c, cr;
	xenevtchn_handle *x = xopen(&c, 0), *r = xopen(&cr, 0);
	struct shared s;
	pthread_t t[NTHREADS];
	int remote[NTHREADS], rstop, i, round, n, busy = 0;

	memset(&s, 0, sizeof(s));
	pthread_mutex_init(&s.lock, NULL);
	pthread_cond_init(&s.cv, NULL);
	s.x = x;
	for (i = 0; i < NTHREADS; i++)
		loopback(x, r, &s.port[i], &remote[i]);
	loopback(x, r, &s.stop, &rstop);
	for (i = 0; i < NTHREADS; i++)
		ATF_REQUIRE(pthread_create(&t[i], NULL, waiter, &s) == 0);
	pthread_mutex_lock(&s.lock);
	while (s.exited < NTHREADS)
		pthread_cond_wait(&s.cv, &s.lock);
	s.exited = 0;
	pthread_mutex_unlock(&s.lock);

	for (round = 0; round < NROUNDS; round++) {
		pthread_mutex_lock(&s.lock);
		memset(s.got, 0, sizeof(s.got));
		pthread_mutex_unlock(&s.lock);
		for (i = 0; i < NTHREADS; i++)
			ATF_REQUIRE(xenevtchn_notify(r,
			    (evtchn_port_t)remote[i]) == 0);
		pthread_mutex_lock(&s.lock);
		for (;;) {
			for (n = 0, i = 0; i < NTHREADS; i++)
				n += s.got[i] != 0;
			if (n == NTHREADS || s.bad)
				break;
			pthread_cond_wait(&s.cv, &s.lock);
		}
		pthread_mutex_unlock(&s.lock);
		if (s.bad)
			break;
	}
	/* One stop event per thread, each after the previous one left. */
	for (i = 0; i < NTHREADS; i++) {
		ATF_REQUIRE(xenevtchn_notify(r, (evtchn_port_t)rstop) == 0);
		pthread_mutex_lock(&s.lock);
		while (s.exited < i + 1 && !s.bad)
			pthread_cond_wait(&s.cv, &s.lock);
		pthread_mutex_unlock(&s.lock);
	}
	for (i = 0; i < NTHREADS; i++)
		pthread_join(t[i], NULL);
	ATF_CHECK_EQ(s.bad, 0);
	for (i = 0; i < NTHREADS; i++) {
		ATF_CHECK_EQ(s.total[i], NROUNDS);
		busy += s.by_thread[i] != 0;
	}
	printf("events per thread:");
	for (i = 0; i < NTHREADS; i++)
		printf(" %d", s.by_thread[i]);
	printf(" (%d threads got events)\n", busy);
	xenevtchn_close(x);
	xenevtchn_close(r);
}

#define NMANY	64

XEN_TC(pending_many, "pending_many takes several pending ports in one "
    "call, each once, never more than max")
{
	struct capture c, cr;
	xenevtchn_handle *x = xopen(&c, 0), *r = xopen(&cr, 0);
	int local[NMANY], remote[NMANY], seen[NMANY], i, j, n, got = 0,
	    calls = 0;
	evtchn_port_t ports[2 * NMANY];

	memset(seen, 0, sizeof(seen));
	for (i = 0; i < NMANY; i++)
		loopback(x, r, &local[i], &remote[i]);
	for (i = 0; i < NMANY; i++)
		ATF_REQUIRE(xenevtchn_notify(r, (evtchn_port_t)remote[i]) == 0);
	/* A small max first: never more than asked. */
	ATF_REQUIRE(readable(x, 5000));
	n = xenevtchn_pending_many(x, ports, 3);
	ATF_REQUIRE_MSG(n >= 1 && n <= 3, "n = %d", n);
	for (;;) {
		for (j = 0; j < n; j++) {
			for (i = 0; i < NMANY &&
			    local[i] != (int)ports[j]; i++)
				;
			ATF_REQUIRE_MSG(i < NMANY, "unknown port %u",
			    ports[j]);
			ATF_CHECK_EQ_MSG(seen[i], 0, "port %u twice", ports[j]);
			seen[i]++;
			got++;
		}
		calls++;
		if (got >= NMANY || !readable(x, 2000))
			break;
		n = xenevtchn_pending_many(x, ports, 2 * NMANY);
		ATF_REQUIRE_MSG(n >= 1, "pending_many: %s", strerror(errno));
	}
	ATF_CHECK_EQ(got, NMANY);
	printf("%d ports in %d calls\n", got, calls);
	ATF_CHECK_MSG(calls < NMANY, "no batching: %d calls", calls);
	ATF_CHECK_EQ(c.count, 0);
	xenevtchn_close(x);
	xenevtchn_close(r);
}

XEN_TC(bind_virq, "bind_virq: VIRQ_CON_RING fires when Xen prints "
    "(provoked with a debug key)")
{
	struct capture c;
	struct hc_evtchn_status st;
	xenevtchn_handle *x = xopen(&c, 0);
	int p;

	p = xenevtchn_bind_virq(x, XT_VIRQ_CON_RING);
	ATF_REQUIRE_MSG(p >= 0, "bind_virq: %s", strerror(errno));
	ATF_REQUIRE(xt_evtchn_status(XT_DOMID_SELF, (uint32_t)p, &st) == 0);
	ATF_CHECK_EQ(st.status, EVTCHNSTAT_VIRQ);
	ATF_CHECK_EQ(st.u.virq, XT_VIRQ_CON_RING);
	ATF_REQUIRE_MSG(xt_debug_keys("t") == 0, "debug keys: %s",
	    strerror(errno));
	ATF_REQUIRE_MSG(readable(x, 5000), "no VIRQ_CON_RING within 5 s");
	ATF_CHECK_EQ(xenevtchn_pending(x), p);
	ATF_CHECK_EQ(xenevtchn_unmask(x, (evtchn_port_t)p), 0);
	ATF_CHECK_EQ(xenevtchn_unbind(x, (evtchn_port_t)p), 0);
	ATF_REQUIRE(xt_evtchn_status(XT_DOMID_SELF, (uint32_t)p, &st) == 0);
	ATF_CHECK_EQ(st.status, EVTCHNSTAT_CLOSED);
	ATF_CHECK_EQ(c.count, 0);

	/* A virq that does not exist. */
	ATF_CHECK_EQ(xenevtchn_bind_virq(x, 4096), -1);
	ATF_CHECK_EQ(errno, EINVAL);
	CHECK_LOGGED(&c, 1, EINVAL);
	xenevtchn_close(x);
}

XEN_TC(restrict, "after restricting a handle to one domid, binding to "
    "another fails with EACCES")
{
	struct capture c, cr;
	xenevtchn_handle *x = xopen(&c, 0), *r = xopen(&cr, 0);
	int la, lb, lc, unb, unb2;

	/* A channel made before the restriction keeps working. */
	loopback(x, r, &la, &lb);
	unb = xenevtchn_bind_unbound_port(r, 0);
	ATF_REQUIRE(unb >= 0);
	unb2 = xenevtchn_bind_unbound_port(r, 0);
	ATF_REQUIRE(unb2 >= 0);

	ATF_REQUIRE_MSG(xenevtchn_restrict(x, 1) == 0, "restrict: %s",
	    strerror(errno));
	ATF_CHECK_EQ(xenevtchn_bind_interdomain(x, 0, (evtchn_port_t)unb), -1);
	ATF_CHECK_EQ(errno, EACCES);
	CHECK_LOGGED(&c, 1, EACCES);
	ATF_CHECK_EQ(xenevtchn_bind_unbound_port(x, 0), -1);
	ATF_CHECK_EQ(errno, EACCES);
	ATF_CHECK_EQ(xenevtchn_bind_virq(x, XT_VIRQ_CON_RING), -1);
	ATF_CHECK_EQ(errno, EACCES);
	/* The restricted domain itself passes the check (Xen then says no
	 * such domain). */
	errno = 0;
	ATF_CHECK_EQ(xenevtchn_bind_interdomain(x, 1, 1), -1);
	ATF_CHECK(errno != EACCES && errno != 0);
	/* Once only. */
	ATF_CHECK_EQ(xenevtchn_restrict(x, 2), -1);
	ATF_CHECK_EQ(errno, EACCES);

	ATF_REQUIRE_EQ(xenevtchn_notify(r, (evtchn_port_t)lb), 0);
	ATF_REQUIRE(readable(x, 5000));
	ATF_CHECK_EQ(xenevtchn_pending(x), la);

	/* Domain 0 cannot be a restriction (kernel), nor reserved ids. */
	ATF_CHECK_EQ(xenevtchn_restrict(r, 0), -1);
	ATF_CHECK_EQ(errno, EINVAL);
	ATF_CHECK_EQ(xenevtchn_restrict(r, DOMID_SELF), -1);
	ATF_CHECK_EQ(errno, EINVAL);

	/* xentoolcore_restrict_all reaches a fresh handle. */
	xenevtchn_close(x);
	x = xopen(&c, 0);
	ATF_REQUIRE_MSG(xentoolcore_restrict_all(3) == 0, "restrict_all: %s",
	    strerror(errno));
	ATF_CHECK_EQ(xenevtchn_bind_interdomain(x, 0, (evtchn_port_t)unb2),
	    -1);
	ATF_CHECK_EQ(errno, EACCES);
	/* Linux refuses unbound ports and virqs to a restricted handle. */
	ATF_CHECK_EQ(xenevtchn_bind_unbound_port(x, 3), -1);
	ATF_CHECK_EQ(errno, EACCES);
	errno = 0;
	lc = xenevtchn_bind_interdomain(x, 3, 1);
	ATF_CHECK_MSG(lc == -1 && errno != EACCES && errno != 0,
	    "restricted domain: %d %s", lc, strerror(errno));
	xenevtchn_close(x);
	xenevtchn_close(r);
}

/* Run "sh -c ': <&fd'": whether the child sees fd open. */
static int
child_sees_fd(int fd)
{
	char cmd[64];
	pid_t pid;
	int status;

	snprintf(cmd, sizeof(cmd), ": <&%d", fd);
	if ((pid = fork()) == 0) {
		int devnull = open("/dev/null", O_WRONLY);

		dup2(devnull, 2);
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	ATF_REQUIRE(pid > 0);
	ATF_REQUIRE(waitpid(pid, &status, 0) == pid);
	ATF_REQUIRE(WIFEXITED(status) && WEXITSTATUS(status) != 127);
	return WEXITSTATUS(status) == 0;
}

XEN_TC(cloexec, "close-on-exec by default, inherited across exec with "
    "XENEVTCHN_NO_CLOEXEC")
{
	struct capture c;
	xenevtchn_handle *x;

	x = xopen(&c, 0);
	ATF_CHECK_MSG(!child_sees_fd(xenevtchn_fd(x)),
	    "default handle inherited across exec");
	xenevtchn_close(x);

	x = xopen(&c, XENEVTCHN_NO_CLOEXEC);
	ATF_CHECK((fcntl(xenevtchn_fd(x), F_GETFD) & FD_CLOEXEC) == 0);
	ATF_CHECK_MSG(child_sees_fd(xenevtchn_fd(x)),
	    "NO_CLOEXEC handle not inherited");
	xenevtchn_close(x);
}

XEN_TC(fdopen_inherited, "an exec'd child rebuilds a handle from an "
    "inherited descriptor with xenevtchn_fdopen and uses it")
{
	struct capture ca, cb;
	xenevtchn_handle *a = xopen(&ca, XENEVTCHN_NO_CLOEXEC);
	xenevtchn_handle *b = xopen(&cb, 0);
	char path[1024], sfd[16], sport[16];
	pid_t pid;
	ssize_t n;
	int la, lb, status;

	loopback(a, b, &la, &lb);
	/* The helper is installed beside this program. */
	n = readlink("/proc/self/exe", path, sizeof(path) - 32);
	ATF_REQUIRE(n > 0);
	path[n] = '\0';
	strcpy(strrchr(path, '/') + 1, "evtchn_child");
	snprintf(sfd, sizeof(sfd), "%d", xenevtchn_fd(a));
	snprintf(sport, sizeof(sport), "%d", la);
	if ((pid = fork()) == 0) {
		execl(path, "evtchn_child", sfd, sport, (char *)NULL);
		_exit(127);
	}
	ATF_REQUIRE(pid > 0);
	ATF_REQUIRE(waitpid(pid, &status, 0) == pid);
	ATF_REQUIRE_MSG(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	    "child failed: status %#x", status);
	/* The child notified through the inherited handle. */
	ATF_REQUIRE_MSG(readable(b, 5000), "no event from the child");
	ATF_CHECK_EQ(xenevtchn_pending(b), lb);
	/* The child's close did not take the parent's descriptor. */
	ATF_CHECK_EQ(xenevtchn_notify(a, (evtchn_port_t)la), 0);
	xenevtchn_close(a);
	xenevtchn_close(b);
}

/*
 * Like xt_guest_domid(), reading the domid from xenlab-guest's standard
 * output only (its progress lines go to standard error, and a skip reason
 * must be a single line).
 */
static int
guest_domid(const char *kind)
{
	char cmd[128], out[256], *nl;
	const char *g = getenv("XENLAB_GUESTS");
	FILE *p;
	int domid = -1;
	size_t n;

	if (g == NULL || strstr(g, kind) == NULL)
		atf_tc_skip("no %s guest in this run (xenlab --guests %s)",
		    kind, kind);
	snprintf(cmd, sizeof(cmd), "xenlab-guest %s 2>/dev/null", kind);
	if ((p = popen(cmd, "r")) == NULL)
		atf_tc_skip("cannot run xenlab-guest");
	n = fread(out, 1, sizeof(out) - 1, p);
	out[n] = '\0';
	if (pclose(p) != 0 || sscanf(out, "%d", &domid) != 1) {
		while ((nl = strchr(out, '\n')) != NULL)
			*nl = ' ';
		atf_tc_skip("no %s guest from the harness: %s", kind, out);
	}
	return domid;
}

XEN_TC(guest_channel, "a channel between dom0 and a guest, checked from "
    "the hypervisor's side")
{
	struct capture c;
	struct hc_evtchn_status st;
	xenevtchn_handle *x;
	int domid, p, lp;
	long gp;

	domid = guest_domid("pv");
	x = xopen(&c, 0);

	/* dom0 offers a port to the guest. */
	p = xenevtchn_bind_unbound_port(x, (uint32_t)domid);
	ATF_REQUIRE_MSG(p >= 0, "bind_unbound_port: %s", strerror(errno));
	ATF_REQUIRE(xt_evtchn_status(XT_DOMID_SELF, (uint32_t)p, &st) == 0);
	ATF_CHECK_EQ(st.status, EVTCHNSTAT_UNBOUND);
	ATF_CHECK_EQ(st.u.unbound.dom, domid);

	/* dom0 connects to a port offered in the guest. */
	gp = xt_alloc_unbound((uint16_t)domid, 0);
	ATF_REQUIRE_MSG(gp >= 0, "alloc_unbound in the guest: %s",
	    strerror(errno));
	lp = xenevtchn_bind_interdomain(x, (uint32_t)domid, (evtchn_port_t)gp);
	ATF_REQUIRE_MSG(lp >= 0, "bind_interdomain: %s", strerror(errno));
	ATF_REQUIRE(xt_evtchn_status((uint16_t)domid, (uint32_t)gp, &st) == 0);
	ATF_CHECK_EQ(st.status, EVTCHNSTAT_INTERDOMAIN);
	ATF_CHECK_EQ(st.u.interdomain.dom, 0);
	ATF_CHECK_EQ(st.u.interdomain.port, (uint32_t)lp);
	ATF_CHECK_EQ(xenevtchn_notify(x, (evtchn_port_t)lp), 0);

	/* Restricted to the guest, the handle still reaches it. */
	ATF_REQUIRE_EQ(xenevtchn_restrict(x, (domid_t)domid), 0);
	ATF_CHECK_EQ(xenevtchn_notify(x, (evtchn_port_t)lp), 0);

	ATF_CHECK_EQ(xenevtchn_unbind(x, (evtchn_port_t)lp), 0);
	ATF_REQUIRE(xt_evtchn_status((uint16_t)domid, (uint32_t)gp, &st) == 0);
	ATF_CHECK_EQ(st.status, EVTCHNSTAT_UNBOUND);
	ATF_CHECK_EQ(xenevtchn_unbind(x, (evtchn_port_t)p), 0);
	ATF_CHECK_EQ(c.count, 0);
	xenevtchn_close(x);
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, open_close);
	ATF_TP_ADD_TC(tp, loopback_notify);
	ATF_TP_ADD_TC(tp, nonblocking);
	ATF_TP_ADD_TC(tp, blocking);
	ATF_TP_ADD_TC(tp, threads_share);
	ATF_TP_ADD_TC(tp, pending_many);
	ATF_TP_ADD_TC(tp, bind_virq);
	ATF_TP_ADD_TC(tp, restrict);
	ATF_TP_ADD_TC(tp, cloexec);
	ATF_TP_ADD_TC(tp, fdopen_inherited);
	ATF_TP_ADD_TC(tp, guest_channel);
	return atf_no_error();
}
