/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * libxenevtchn without Xen: argument checking, errno and xtl reporting,
 * fdopen ownership, the default logger, registration with xentoolcore.
 * Handles are built with xenevtchn_fdopen() on /dev/null.
 */
#include <atf-c.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <xenevtchn.h>
#include <xentoolcore.h>

#include "capture.h"
#include "xenlibs_test.h"

static xenevtchn_handle *
null_handle(struct capture *c, int *fdp)
{
	xenevtchn_handle *x;
	int fd = open("/dev/null", O_RDWR | O_CLOEXEC);

	ATF_REQUIRE(fd >= 0);
	x = xenevtchn_fdopen(c != NULL ? capture_init(c) : NULL, fd, 0);
	ATF_REQUIRE_MSG(x != NULL, "fdopen: %s", strerror(errno));
	if (fdp != NULL)
		*fdp = fd;
	return x;
}

ATF_TC_WITHOUT_HEAD(open_bad_flags);
ATF_TC_BODY(open_bad_flags, tc)
{
	struct capture c;
	int before = xt_fd_count();

	errno = 0;
	ATF_CHECK(xenevtchn_open(capture_init(&c), 2) == NULL);
	ATF_CHECK_EQ(errno, EINVAL);
	CHECK_LOGGED(&c, 1, EINVAL);
	ATF_CHECK(xenevtchn_open(capture_init(&c), ~0U) == NULL);
	ATF_CHECK_EQ(errno, EINVAL);
	ATF_CHECK_EQ(xt_fd_count(), before);
}

ATF_TC_WITHOUT_HEAD(open_no_device);
ATF_TC_BODY(open_no_device, tc)
{
	struct capture c;
	int before = xt_fd_count();

	if (access("/dev/xen/evtchn", F_OK) == 0)
		atf_tc_skip("this machine has /dev/xen/evtchn");
	errno = 0;
	ATF_CHECK(xenevtchn_open(capture_init(&c), 0) == NULL);
	ATF_CHECK_EQ(errno, ENOENT);
	CHECK_LOGGED(&c, 1, ENOENT);
	ATF_CHECK(strstr(c.text, "/dev/xen/evtchn") != NULL);
	ATF_CHECK_EQ(xt_fd_count(), before);
}

ATF_TC_WITHOUT_HEAD(fdopen_owns_fd);
ATF_TC_BODY(fdopen_owns_fd, tc)
{
	struct capture c;
	xenevtchn_handle *x;
	int fd, before = xt_fd_count();

	x = null_handle(&c, &fd);
	ATF_CHECK_EQ(xenevtchn_fd(x), fd);
	/* The descriptor's flags are left as the caller set them. */
	ATF_CHECK((fcntl(fd, F_GETFD) & FD_CLOEXEC) != 0);
	ATF_CHECK_EQ(xenevtchn_close(x), 0);
	ATF_CHECK_EQ(fcntl(fd, F_GETFD), -1);
	ATF_CHECK_EQ(xt_fd_count(), before);
	ATF_CHECK_EQ(c.count, 0);
}

ATF_TC_WITHOUT_HEAD(fdopen_bad);
ATF_TC_BODY(fdopen_bad, tc)
{
	struct capture c;
	int fd = open("/dev/null", O_RDWR), before;

	ATF_REQUIRE(fd >= 0);
	before = xt_fd_count();
	/* NO_CLOEXEC (and any flag) is refused; the fd stays the caller's. */
	errno = 0;
	ATF_CHECK(xenevtchn_fdopen(capture_init(&c), fd,
	    XENEVTCHN_NO_CLOEXEC) == NULL);
	ATF_CHECK_EQ(errno, EINVAL);
	CHECK_LOGGED(&c, 1, EINVAL);
	ATF_CHECK(fcntl(fd, F_GETFD) != -1);
	ATF_CHECK(xenevtchn_fdopen(capture_init(&c), fd, 4) == NULL);
	ATF_CHECK_EQ(errno, EINVAL);

	ATF_CHECK(xenevtchn_fdopen(capture_init(&c), -1, 0) == NULL);
	ATF_CHECK_EQ(errno, EBADF);
	CHECK_LOGGED(&c, 1, EBADF);
	close(fd);
	ATF_CHECK(xenevtchn_fdopen(capture_init(&c), fd, 0) == NULL);
	ATF_CHECK_EQ(errno, EBADF);
	CHECK_LOGGED(&c, 1, EBADF);
	ATF_CHECK_EQ(xt_fd_count(), before - 1);
}

ATF_TC_WITHOUT_HEAD(bad_arguments);
ATF_TC_BODY(bad_arguments, tc)
{
	struct capture c;
	xenevtchn_handle *x = null_handle(&c, NULL);
	evtchn_port_t ports[4];

	errno = 0;
	ATF_CHECK_EQ(xenevtchn_bind_unbound_port(x, 0x10000), -1);
	ATF_CHECK_EQ(errno, EINVAL);
	CHECK_LOGGED(&c, 1, EINVAL);
	ATF_CHECK_EQ(xenevtchn_bind_interdomain(x, 0x12345, 1), -1);
	ATF_CHECK_EQ(errno, EINVAL);
	CHECK_LOGGED(&c, 2, EINVAL);
	ATF_CHECK_EQ(xenevtchn_restrict(x, DOMID_SELF), -1);
	ATF_CHECK_EQ(errno, EINVAL);
	CHECK_LOGGED(&c, 3, EINVAL);
	ATF_CHECK_EQ(xenevtchn_pending_many(x, NULL, 4), -1);
	ATF_CHECK_EQ(errno, EINVAL);
	CHECK_LOGGED(&c, 4, EINVAL);
	ATF_CHECK_EQ(xenevtchn_pending_many(x, ports, 0), -1);
	ATF_CHECK_EQ(errno, EINVAL);
	CHECK_LOGGED(&c, 5, EINVAL);
	ATF_CHECK_EQ(xenevtchn_close(x), 0);
}

ATF_TC_WITHOUT_HEAD(null_handle_args);
ATF_TC_BODY(null_handle_args, tc)
{
	evtchn_port_t p;

	ATF_CHECK_EQ(xenevtchn_close(NULL), 0);
#define NULLCHECK(call) do {						\
	errno = 0;							\
	ATF_CHECK_EQ((call), -1);					\
	ATF_CHECK_EQ(errno, EINVAL);					\
} while (0)
	NULLCHECK(xenevtchn_fd(NULL));
	NULLCHECK(xenevtchn_notify(NULL, 1));
	NULLCHECK(xenevtchn_bind_unbound_port(NULL, 0));
	NULLCHECK(xenevtchn_bind_interdomain(NULL, 0, 1));
	NULLCHECK(xenevtchn_bind_virq(NULL, 1));
	NULLCHECK(xenevtchn_unbind(NULL, 1));
	NULLCHECK(xenevtchn_pending(NULL));
	NULLCHECK(xenevtchn_pending_many(NULL, &p, 1));
	NULLCHECK(xenevtchn_unmask(NULL, 1));
	NULLCHECK(xenevtchn_restrict(NULL, 1));
#undef NULLCHECK
}

ATF_TC_WITHOUT_HEAD(kernel_errors_reach_caller);
ATF_TC_BODY(kernel_errors_reach_caller, tc)
{
	struct capture c;
	xenevtchn_handle *x = null_handle(&c, NULL);
	evtchn_port_t ports[4];

	/* /dev/null knows no evtchn ioctl and reads end of file. */
	errno = 0;
	ATF_CHECK_EQ(xenevtchn_notify(x, 5), -1);
	ATF_CHECK_EQ(errno, ENOTTY);
	CHECK_LOGGED(&c, 1, ENOTTY);
	ATF_CHECK_EQ(xenevtchn_bind_virq(x, 1), -1);
	ATF_CHECK_EQ(errno, ENOTTY);
	CHECK_LOGGED(&c, 2, ENOTTY);
	ATF_CHECK_EQ(xenevtchn_pending(x), -1);
	ATF_CHECK_EQ(errno, EIO);
	CHECK_LOGGED(&c, 3, EIO);
	ATF_CHECK_EQ(xenevtchn_pending_many(x, ports, 4), -1);
	ATF_CHECK_EQ(errno, EIO);
	CHECK_LOGGED(&c, 4, EIO);
	xenevtchn_close(x);
}

ATF_TC_WITHOUT_HEAD(default_logger);
ATF_TC_BODY(default_logger, tc)
{
	char path[] = "/tmp/evtchn_log.XXXXXX", buf[512];
	xenevtchn_handle *x;
	int tmp, saved, before;
	ssize_t n;

	ATF_REQUIRE((tmp = mkstemp(path)) >= 0);
	unlink(path);
	fflush(stderr);
	saved = dup(2);
	ATF_REQUIRE(dup2(tmp, 2) == 2);
	before = xt_fd_count();
	x = null_handle(NULL, NULL);
	ATF_CHECK_EQ(xenevtchn_notify(x, 7), -1);
	xenevtchn_close(x);
	ATF_CHECK_EQ(xt_fd_count(), before);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	n = pread(tmp, buf, sizeof(buf) - 1, 0);
	close(tmp);
	ATF_REQUIRE(n > 0);
	buf[n] = '\0';
	ATF_CHECK_MSG(strstr(buf, "xenevtchn") != NULL &&
	    strstr(buf, "notify") != NULL, "stderr: %s", buf);
}

ATF_TC_WITHOUT_HEAD(errno_survives_logging);
ATF_TC_BODY(errno_survives_logging, tc)
{
	xenevtchn_handle *x;
	int full, saved, fd, e1, e2, e3;

	/* The default logger's writes fail (ENOSPC) on /dev/full. */
	if ((full = open("/dev/full", O_WRONLY)) == -1)
		atf_tc_skip("no /dev/full");
	fflush(stderr);
	saved = dup(2);
	ATF_REQUIRE(dup2(full, 2) == 2);
	errno = 0;
	x = xenevtchn_open(NULL, 0);
	e1 = errno;
	errno = 0;
	ATF_CHECK(xenevtchn_fdopen(NULL, -1, 0) == NULL);
	e2 = errno;
	fd = open("/dev/null", O_RDWR);
	x = x != NULL ? x : xenevtchn_fdopen(NULL, fd, 0);
	errno = 0;
	ATF_CHECK_EQ(xenevtchn_bind_unbound_port(x, 0x10000), -1);
	e3 = errno;
	xenevtchn_close(x);
	fflush(stderr);
	clearerr(stderr);
	dup2(saved, 2);
	close(saved);
	close(full);
	if (access("/dev/xen/evtchn", F_OK) != 0)
		ATF_CHECK_EQ_MSG(e1, ENOENT, "open: errno %d", e1);
	ATF_CHECK_EQ_MSG(e2, EBADF, "fdopen: errno %d", e2);
	ATF_CHECK_EQ_MSG(e3, EINVAL, "bind: errno %d", e3);
}

ATF_TC_WITHOUT_HEAD(registered_with_toolcore);
ATF_TC_BODY(registered_with_toolcore, tc)
{
	struct capture c;
	xenevtchn_handle *x;
	int fd;

	ATF_REQUIRE_EQ(xentoolcore_restrict_all(1), 0);
	x = null_handle(&c, &fd);
	/*
	 * The restrict callback reaches this handle: the Linux backend (the
	 * one built here) asks the kernel, and /dev/null says ENOTTY.  (The
	 * BSD backends are covered by the emulated tests.)
	 */
	errno = 0;
	ATF_CHECK_EQ(xentoolcore_restrict_all(1), -1);
	ATF_CHECK_EQ(errno, ENOTTY);
	xenevtchn_close(x);
	ATF_CHECK_EQ(xentoolcore_restrict_all(1), 0);
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, open_bad_flags);
	ATF_TP_ADD_TC(tp, open_no_device);
	ATF_TP_ADD_TC(tp, fdopen_owns_fd);
	ATF_TP_ADD_TC(tp, fdopen_bad);
	ATF_TP_ADD_TC(tp, bad_arguments);
	ATF_TP_ADD_TC(tp, null_handle_args);
	ATF_TP_ADD_TC(tp, kernel_errors_reach_caller);
	ATF_TP_ADD_TC(tp, default_logger);
	ATF_TP_ADD_TC(tp, errno_survives_logging);
	ATF_TP_ADD_TC(tp, registered_with_toolcore);
	return atf_no_error();
}
