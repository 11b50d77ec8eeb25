/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * xenlab self-test: a raw privcmd hypercall from dom0.  Proves that the
 * environment xenlab boots gives real hypercalls through /dev/xen/privcmd.
 * Built by tests/xenlab/xenlab with plain cc; not part of the project build.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <atf-c.h>

/* Linux privcmd: _IOC(_IOC_NONE, 'P', 0, sizeof(struct 48 bytes)). */
#define SELFTEST_PRIVCMD_HYPERCALL 0x00305000UL
#define SELFTEST_HYPERVISOR_xen_version 17
#define SELFTEST_XENVER_version 0

struct selftest_hypercall {
	uint64_t op;
	uint64_t arg[5];
};

static int
open_privcmd(void)
{
	int fd;

	fd = open("/dev/xen/privcmd", O_RDWR | O_CLOEXEC);
	if (fd == -1)
		fd = open("/proc/xen/privcmd", O_RDWR | O_CLOEXEC);
	return fd;
}

static long
xen_version(int fd)
{
	struct selftest_hypercall h;

	memset(&h, 0, sizeof(h));
	h.op = SELFTEST_HYPERVISOR_xen_version;
	h.arg[0] = SELFTEST_XENVER_version;
	return ioctl(fd, SELFTEST_PRIVCMD_HYPERCALL, &h);
}

ATF_TC(privcmd_xen_version);
ATF_TC_HEAD(privcmd_xen_version, tc)
{
	atf_tc_set_md_var(tc, "descr",
	    "xen_version(XENVER_version) through IOCTL_PRIVCMD_HYPERCALL "
	    "returns the version of the Xen xenlab booted");
	atf_tc_set_md_var(tc, "require.files", "/dev/xen/privcmd");
}
ATF_TC_BODY(privcmd_xen_version, tc)
{
	const char *want_s = getenv("XENLAB_XEN");
	long want = 0, got;
	int fd;

	fd = open_privcmd();
	ATF_REQUIRE_MSG(fd != -1, "open privcmd: %s", strerror(errno));
	got = xen_version(fd);
	ATF_REQUIRE_MSG(got != -1, "hypercall: %s", strerror(errno));
	printf("xen_version = 0x%lx (%ld.%ld)\n", got, got >> 16, got & 0xffff);
	if (want_s != NULL && strcmp(want_s, "4.17") == 0)
		want = 0x40011;
	else if (want_s != NULL && strcmp(want_s, "4.20") == 0)
		want = 0x40014;
	if (want != 0)
		ATF_CHECK_EQ_MSG(got, want, "got 0x%lx, want 0x%lx", got, want);
	else
		ATF_CHECK(got >= 0x40000);
	close(fd);
}

ATF_TC(privcmd_bad_op);
ATF_TC_HEAD(privcmd_bad_op, tc)
{
	atf_tc_set_md_var(tc, "descr",
	    "an unknown hypercall number fails with ENOSYS");
	atf_tc_set_md_var(tc, "require.files", "/dev/xen/privcmd");
}
ATF_TC_BODY(privcmd_bad_op, tc)
{
	struct selftest_hypercall h;
	int fd;

	fd = open_privcmd();
	ATF_REQUIRE(fd != -1);
	memset(&h, 0, sizeof(h));
	h.op = 63;	/* past the end of the hypercall table */
	ATF_CHECK_EQ(ioctl(fd, SELFTEST_PRIVCMD_HYPERCALL, &h), -1);
	ATF_CHECK_EQ(errno, ENOSYS);
	close(fd);
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, privcmd_xen_version);
	ATF_TP_ADD_TC(tp, privcmd_bad_op);
	return atf_no_error();
}
