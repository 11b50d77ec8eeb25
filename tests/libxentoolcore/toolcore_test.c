/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * libxentoolcore: the active-handle registry behind
 * xentoolcore_restrict_all(), and restrict-by-/dev/null.
 */
#include <atf-c.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stddef.h>
#include <string.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <xentoolcore_internal.h>
#include <xenlibs_types.h>

/* A pretend library handle: the registry entry plus what it records. */
struct fake_handle {
	Xentoolcore__Active_Handle	ah;
	int				calls;
	domid_t				domid;
	int				fail_errno;	/* 0: succeed */
	int				fail_rc;	/* returned on failure */
	int				*order;		/* call order log */
	int				*next_slot;
	int				id;
};

static int
fake_restrict(Xentoolcore__Active_Handle *ah, domid_t domid)
{
	struct fake_handle *h = (struct fake_handle *)
	    ((char *)ah - offsetof(struct fake_handle, ah));

	h->calls++;
	h->domid = domid;
	if (h->order != NULL)
		h->order[(*h->next_slot)++] = h->id;
	if (h->fail_errno != 0) {
		errno = h->fail_errno;
		return h->fail_rc != 0 ? h->fail_rc : -1;
	}
	return 0;
}

static void
fake_init(struct fake_handle *h, int id)
{
	memset(h, 0, sizeof(*h));
	h->ah.restrict_callback = fake_restrict;
	h->id = id;
}

ATF_TC_WITHOUT_HEAD(layout_is_xens);
ATF_TC_BODY(layout_is_xens, tc)
{
	/* Binary interface with libraries built against Xen's libxentoolcore. */
	ATF_CHECK_EQ(sizeof(Xentoolcore__Active_Handle), 3 * sizeof(void *));
	ATF_CHECK_EQ(offsetof(Xentoolcore__Active_Handle, restrict_callback), 0);
	ATF_CHECK_EQ(offsetof(Xentoolcore__Active_Handle, entry.next),
	    sizeof(void *));
	ATF_CHECK_EQ(offsetof(Xentoolcore__Active_Handle, entry.prevp),
	    2 * sizeof(void *));
}

ATF_TC_WITHOUT_HEAD(empty_registry);
ATF_TC_BODY(empty_registry, tc)
{
	ATF_CHECK_EQ(xentoolcore_restrict_all(1), 0);
}

ATF_TC_WITHOUT_HEAD(restrict_reaches_every_handle);
ATF_TC_BODY(restrict_reaches_every_handle, tc)
{
	struct fake_handle h[5];
	int i;

	for (i = 0; i < 5; i++) {
		fake_init(&h[i], i);
		xentoolcore__register_active_handle(&h[i].ah);
	}
	ATF_REQUIRE_EQ(xentoolcore_restrict_all(7), 0);
	for (i = 0; i < 5; i++) {
		ATF_CHECK_EQ(h[i].calls, 1);
		ATF_CHECK_EQ(h[i].domid, 7);
	}
	/* Deregistered handles (first, middle, last) are no longer called. */
	xentoolcore__deregister_active_handle(&h[0].ah);
	xentoolcore__deregister_active_handle(&h[2].ah);
	xentoolcore__deregister_active_handle(&h[4].ah);
	ATF_REQUIRE_EQ(xentoolcore_restrict_all(9), 0);
	ATF_CHECK_EQ(h[0].calls, 1);
	ATF_CHECK_EQ(h[1].calls, 2);
	ATF_CHECK_EQ(h[2].calls, 1);
	ATF_CHECK_EQ(h[3].calls, 2);
	ATF_CHECK_EQ(h[4].calls, 1);
	ATF_CHECK_EQ(h[3].domid, 9);
	/* Deregistering twice is harmless. */
	xentoolcore__deregister_active_handle(&h[2].ah);
	xentoolcore__deregister_active_handle(&h[1].ah);
	xentoolcore__deregister_active_handle(&h[3].ah);
	ATF_CHECK_EQ(xentoolcore_restrict_all(3), 0);
	ATF_CHECK_EQ(h[1].calls, 2);
}

/*
 * A handle that fails does not stop the walk: the handles after it are
 * still restricted (never left unrestricted behind it), and the call
 * fails with the first failure's errno.
 */
ATF_TC_WITHOUT_HEAD(failure_does_not_stop);
ATF_TC_BODY(failure_does_not_stop, tc)
{
	struct fake_handle h[3];
	int order[8], slot = 0, i;

	for (i = 0; i < 3; i++) {
		fake_init(&h[i], i);
		h[i].order = order;
		h[i].next_slot = &slot;
		xentoolcore__register_active_handle(&h[i].ah);
	}
	ATF_REQUIRE_EQ(xentoolcore_restrict_all(1), 0);
	ATF_REQUIRE_EQ(slot, 3);
	/* The handles called second and third fail: all three called. */
	h[order[1]].fail_errno = EPERM;
	h[order[2]].fail_errno = EIO;
	slot = 0;
	errno = 0;
	ATF_CHECK_EQ(xentoolcore_restrict_all(2), -1);
	ATF_CHECK_EQ(errno, EPERM);
	ATF_CHECK_EQ(slot, 3);
	for (i = 0; i < 3; i++) {
		ATF_CHECK_EQ(h[i].calls, 2);
		ATF_CHECK_EQ(h[i].domid, 2);
	}
	for (i = 0; i < 3; i++)
		xentoolcore__deregister_active_handle(&h[i].ah);
}

ATF_TC_WITHOUT_HEAD(positive_failure_fails);
ATF_TC_BODY(positive_failure_fails, tc)
{
	struct fake_handle h[2];
	int i;

	/* Any non-zero answer is a failure, not only -1. */
	for (i = 0; i < 2; i++) {
		fake_init(&h[i], i);
		h[i].fail_errno = EACCES;
		h[i].fail_rc = 1;
		xentoolcore__register_active_handle(&h[i].ah);
	}
	errno = 0;
	ATF_CHECK_EQ(xentoolcore_restrict_all(4), -1);
	ATF_CHECK_EQ(errno, EACCES);
	ATF_CHECK_EQ(h[0].calls + h[1].calls, 2);
	for (i = 0; i < 2; i++)
		xentoolcore__deregister_active_handle(&h[i].ah);
}

/*
 * A reserved domid (the kernels read DOMID_INVALID as "unrestricted") is
 * refused with EINVAL and a message on standard error, before any
 * handle's callback runs.
 */
ATF_TC_WITHOUT_HEAD(reserved_domid);
ATF_TC_BODY(reserved_domid, tc)
{
	static const domid_t reserved[] = { DOMID_FIRST_RESERVED, DOMID_IO,
	    DOMID_XEN, DOMID_COW, DOMID_INVALID, DOMID_IDLE, 0xffff };
	struct fake_handle h;
	char buf[512];
	ssize_t n;
	size_t i;
	int err, saved, e;

	fake_init(&h, 0);
	xentoolcore__register_active_handle(&h.ah);
	ATF_REQUIRE((err = open("stderr.txt", O_RDWR | O_CREAT | O_TRUNC,
	    0600)) != -1);
	ATF_REQUIRE((saved = dup(2)) != -1);
	ATF_REQUIRE(dup2(err, 2) == 2);
	for (i = 0; i < sizeof(reserved) / sizeof(reserved[0]); i++) {
		errno = 0;
		ATF_CHECK_EQ(xentoolcore_restrict_all(reserved[i]), -1);
		e = errno;
		ATF_CHECK_EQ_MSG(e, EINVAL, "domid %#x: errno %d",
		    (unsigned)reserved[i], e);
	}
	ATF_REQUIRE(dup2(saved, 2) == 2);
	close(saved);
	ATF_CHECK_EQ(h.calls, 0);
	n = pread(err, buf, sizeof(buf) - 1, 0);
	close(err);
	ATF_REQUIRE(n >= 0);
	buf[n] = '\0';
	ATF_CHECK_MSG(strstr(buf, "xentoolcore") != NULL &&
	    strstr(buf, "reserved") != NULL, "stderr: %s", buf);
	/* The last ordinary domid is fine. */
	ATF_CHECK_EQ(xentoolcore_restrict_all(DOMID_FIRST_RESERVED - 1), 0);
	ATF_CHECK_EQ(h.calls, 1);
	xentoolcore__deregister_active_handle(&h.ah);
}

static int churn_stop;	/* atomic */

static void *
churn_until_stopped(void *arg)
{
	struct fake_handle h;

	(void)arg;
	while (!__atomic_load_n(&churn_stop, __ATOMIC_RELAXED)) {
		fake_init(&h, 7);
		xentoolcore__register_active_handle(&h.ah);
		xentoolcore__deregister_active_handle(&h.ah);
	}
	return NULL;
}

#define FORKS	300

ATF_TC(fork_while_registering);
ATF_TC_HEAD(fork_while_registering, tc)
{
	atf_tc_set_md_var(tc, "descr", "a child can close (deregister) "
	    "inherited handles while another parent thread was registering");
	atf_tc_set_md_var(tc, "timeout", "120");
}
ATF_TC_BODY(fork_while_registering, tc)
{
	struct fake_handle inherited;
	pthread_t t;
	pid_t pid;
	int i, status, hung = 0;

	fake_init(&inherited, 1);
	xentoolcore__register_active_handle(&inherited.ah);
	__atomic_store_n(&churn_stop, 0, __ATOMIC_RELAXED);
	ATF_REQUIRE_EQ(pthread_create(&t, NULL, churn_until_stopped, NULL), 0);
	for (i = 0; i < FORKS; i++) {
		pid = fork();
		ATF_REQUIRE(pid != -1);
		if (pid == 0) {
			/* Killed by the alarm if the registry lock is stuck. */
			alarm(5);
			xentoolcore__deregister_active_handle(&inherited.ah);
			_exit(xentoolcore_restrict_all(1) == 0 ? 0 : 1);
		}
		ATF_REQUIRE_EQ(waitpid(pid, &status, 0), pid);
		if (WIFSIGNALED(status) && WTERMSIG(status) == SIGALRM) {
			hung++;
			break;
		} else
			ATF_CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	}
	__atomic_store_n(&churn_stop, 1, __ATOMIC_RELAXED);
	ATF_REQUIRE_EQ(pthread_join(t, NULL), 0);
	xentoolcore__deregister_active_handle(&inherited.ah);
	ATF_CHECK_EQ_MSG(hung, 0, "child %d of %d hung on the registry lock",
	    i + 1, FORKS);
}

#define THREADS	4
#define ROUNDS	2000

static void *
churn(void *arg)
{
	struct fake_handle h[4];
	int r, i;

	(void)arg;
	for (r = 0; r < ROUNDS; r++) {
		for (i = 0; i < 4; i++) {
			fake_init(&h[i], i);
			xentoolcore__register_active_handle(&h[i].ah);
		}
		if (xentoolcore_restrict_all(5) != 0)
			return (void *)1;
		for (i = 3; i >= 0; i--)
			xentoolcore__deregister_active_handle(&h[i].ah);
		/* Every handle was registered during the restrict: called. */
		for (i = 0; i < 4; i++)
			if (h[i].calls < 1)
				return (void *)1;
	}
	return NULL;
}

ATF_TC_WITHOUT_HEAD(concurrent_register);
ATF_TC_BODY(concurrent_register, tc)
{
	pthread_t t[THREADS];
	struct fake_handle stay;
	void *res;
	int i;

	fake_init(&stay, 99);
	xentoolcore__register_active_handle(&stay.ah);
	for (i = 0; i < THREADS; i++)
		ATF_REQUIRE_EQ(pthread_create(&t[i], NULL, churn, NULL), 0);
	for (i = 0; i < THREADS; i++) {
		ATF_REQUIRE_EQ(pthread_join(t[i], &res), 0);
		ATF_CHECK(res == NULL);
	}
	/* The list survived: the handle registered first is still reached. */
	i = stay.calls;
	ATF_CHECK_EQ(xentoolcore_restrict_all(6), 0);
	ATF_CHECK_EQ(stay.calls, i + 1);
	ATF_CHECK(stay.calls >= THREADS * ROUNDS);
	xentoolcore__deregister_active_handle(&stay.ah);
}

/* A handle whose device cannot be restricted: made useless. */
struct null_handle {
	Xentoolcore__Active_Handle	ah;
	int				fd;
	int				calls;
	int				rc;
};

static int
null_restrict(Xentoolcore__Active_Handle *ah, domid_t domid)
{
	struct null_handle *h = (struct null_handle *)
	    ((char *)ah - offsetof(struct null_handle, ah));

	h->calls++;
	return h->rc = xentoolcore__restrict_by_dup2_null(h->fd);
}

/*
 * With no descriptor free, restrict_all fails (EMFILE) before touching any
 * handle; with exactly one free, it takes it first, and neutralising a
 * handle needs no other.
 */
ATF_TC_WITHOUT_HEAD(no_free_descriptor);
ATF_TC_BODY(no_free_descriptor, tc)
{
	struct null_handle h;
	struct rlimit rl, old;
	struct stat st, null_st;
	int p[2], fds[64], n = 0, last;

	ATF_REQUIRE(pipe(p) == 0);
	memset(&h, 0, sizeof(h));
	h.ah.restrict_callback = null_restrict;
	h.fd = p[1];
	xentoolcore__register_active_handle(&h.ah);
	/* Every descriptor below a low limit in use. */
	ATF_REQUIRE(getrlimit(RLIMIT_NOFILE, &old) == 0);
	rl = old;
	rl.rlim_cur = (rlim_t)(p[1] + 8);
	ATF_REQUIRE(setrlimit(RLIMIT_NOFILE, &rl) == 0);
	while (n < 64 && (fds[n] = dup(0)) != -1)
		n++;
	ATF_REQUIRE(n > 0 && n < 64 && errno == EMFILE);
	errno = 0;
	ATF_CHECK_EQ(xentoolcore_restrict_all(3), -1);
	ATF_CHECK_EQ(errno, EMFILE);
	ATF_CHECK_EQ(h.calls, 0);
	/* One free: enough. */
	last = fds[--n];
	close(last);
	ATF_CHECK_EQ(xentoolcore_restrict_all(3), 0);
	ATF_CHECK_EQ(h.calls, 1);
	ATF_CHECK_EQ(h.rc, 0);
	ATF_REQUIRE(fstat(p[1], &st) == 0);
	ATF_REQUIRE(stat("/dev/null", &null_st) == 0);
	ATF_CHECK(st.st_rdev == null_st.st_rdev);
	/* And the spare was given back. */
	ATF_CHECK_EQ(dup(0), last);
	close(last);
	while (n > 0)
		close(fds[--n]);
	ATF_REQUIRE(setrlimit(RLIMIT_NOFILE, &old) == 0);
	xentoolcore__deregister_active_handle(&h.ah);
	close(p[0]);
	close(p[1]);
}

ATF_TC_WITHOUT_HEAD(dup2_null);
ATF_TC_BODY(dup2_null, tc)
{
	int p[2];
	struct stat st, null_st;
	char c = 'x';

	ATF_REQUIRE(pipe(p) == 0);
	ATF_REQUIRE(fcntl(p[1], F_SETFD, FD_CLOEXEC) == 0);
	ATF_REQUIRE_EQ(xentoolcore__restrict_by_dup2_null(p[1]), 0);
	/* Same descriptor number, now /dev/null: useless for the device. */
	ATF_REQUIRE(fstat(p[1], &st) == 0);
	ATF_REQUIRE(stat("/dev/null", &null_st) == 0);
	ATF_CHECK(st.st_rdev == null_st.st_rdev);
	ATF_CHECK_EQ(write(p[1], &c, 1), -1);	/* opened read-only */
	/* Its close-on-exec flag is kept. */
	ATF_CHECK_EQ(fcntl(p[1], F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);
	close(p[0]);
	close(p[1]);
	/* A descriptor that is not open: an error, not a new descriptor. */
	errno = 0;
	ATF_CHECK_EQ(xentoolcore__restrict_by_dup2_null(p[1]), -1);
	ATF_CHECK_EQ(errno, EBADF);
	ATF_CHECK_EQ(fcntl(p[1], F_GETFD), -1);
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, layout_is_xens);
	ATF_TP_ADD_TC(tp, empty_registry);
	ATF_TP_ADD_TC(tp, restrict_reaches_every_handle);
	ATF_TP_ADD_TC(tp, failure_does_not_stop);
	ATF_TP_ADD_TC(tp, positive_failure_fails);
	ATF_TP_ADD_TC(tp, reserved_domid);
	ATF_TP_ADD_TC(tp, concurrent_register);
	ATF_TP_ADD_TC(tp, fork_while_registering);
	ATF_TP_ADD_TC(tp, dup2_null);
	ATF_TP_ADD_TC(tp, no_free_descriptor);
	return atf_no_error();
}
