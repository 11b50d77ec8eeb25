/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * libxenforeignmemory's real backends against the emulated privcmd device
 * of one kernel (tests/emul).  Built three times, as fmem_emul_linux,
 * fmem_emul_freebsd and fmem_emul_netbsd, each with its own backend and
 * XENEMU_DIALECT.  Every case ends with the emulator's leak check.
 */
#include <atf-c.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <xenforeignmemory.h>
#include <xentoolcore.h>
#include <xentoollog.h>

#include "xenemu.h"

#define PG		4096
#define RES_GNTTAB	1	/* XENMEM_resource_grant_table */
#define RES_GNTTAB_SHARED 0
#define RES_GNTTAB_STATUS 1
#define GTF_permit_access 1U

#define LINUX	(XENEMU_DIALECT == XENEMU_LINUX)
#define NETBSD	(XENEMU_DIALECT == XENEMU_NETBSD)

static const char *
privcmd_path(void)
{
	switch (XENEMU_DIALECT) {
	case XENEMU_NETBSD:	return "/kern/xen/privcmd";
	default:		return "/dev/xen/privcmd";
	}
}

/* A logger writing to a temporary file, to check what was logged. */
static FILE *logf_;
static xentoollog_logger *lg;

static void
setup(void)
{
	ATF_REQUIRE_EQ(xenemu_setup(XENEMU_DIALECT), 0);
	ATF_REQUIRE((logf_ = tmpfile()) != NULL);
	lg = (xentoollog_logger *)xtl_createlogger_stdiostream(logf_,
	    XTL_DEBUG, 0);
	ATF_REQUIRE(lg != NULL);
}

/* Whether the log has a line with both the library's name and what. */
static int
logged(const char *what)
{
	char line[512];
	int found = 0;

	fflush(logf_);
	rewind(logf_);
	while (fgets(line, sizeof(line), logf_) != NULL)
		if (strstr(line, "xenforeignmemory") != NULL &&
		    strstr(line, what) != NULL)
			found = 1;
	fseek(logf_, 0, SEEK_END);
	return found;
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

static xenforeignmemory_handle *
fm_open(void)
{
	xenforeignmemory_handle *fm = xenforeignmemory_open(lg, 0);

	ATF_REQUIRE_MSG(fm != NULL, "open: %s", strerror(errno));
	return fm;
}

/* A domain whose frame gfn starts with bytes (gfn, ~gfn, 0x5a ...). */
static uint16_t
domain(unsigned int nframes)
{
	unsigned char *f;
	unsigned int i;
	int d;

	ATF_REQUIRE((d = xenemu_domain_create(nframes)) > 0);
	for (i = 0; i < nframes; i++) {
		ATF_REQUIRE((f = xenemu_frame((uint16_t)d, i)) != NULL);
		memset(f, 0x5a, PG);
		f[0] = (unsigned char)i;
		f[1] = (unsigned char)~i;
	}
	return (uint16_t)d;
}

static int
frame_ok(const unsigned char *p, unsigned int gfn)
{
	return p[0] == (unsigned char)gfn && p[1] == (unsigned char)~gfn &&
	    p[2] == 0x5a && p[PG - 1] == 0x5a;
}

/* The emulated descriptor the handle holds. */
static int
emul_fd(void)
{
	int fd;

	for (fd = 0; fd < 1024; fd++)
		if (xenemu_fd_flags(fd) != -1)
			return fd;
	return -1;
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

ATF_TC_WITHOUT_HEAD(open_close);
ATF_TC_BODY(open_close, tc)
{
	xenforeignmemory_handle *fm;
	struct xenemu_leaks l;
	int fd, flags;

	setup();
	fm = fm_open();
	ATF_REQUIRE((fd = emul_fd()) >= 0);
	flags = xenemu_fd_flags(fd);
	ATF_CHECK_EQ(flags & O_ACCMODE, O_RDWR);
	ATF_CHECK(flags & O_CLOEXEC);
	xenemu_leaks(&l);
	ATF_CHECK_EQ(l.fds, 1);
	ATF_CHECK_EQ(xenforeignmemory_close(fm), 0);
	ATF_CHECK_EQ(xenforeignmemory_close(NULL), 0);
	/* A NULL logger: the library's own, freed at close (ASan checks). */
	fm = xenforeignmemory_open(NULL, 0);
	ATF_REQUIRE(fm != NULL);
	ATF_CHECK_EQ(xenforeignmemory_close(fm), 0);
	finish();
}

ATF_TC_WITHOUT_HEAD(open_failures);
ATF_TC_BODY(open_failures, tc)
{
	setup();
	errno = 0;
	ATF_CHECK(xenforeignmemory_open(lg, 1) == NULL);
	ATF_CHECK_EQ(errno, EINVAL);
	ATF_CHECK(logged("flags"));

	ATF_REQUIRE_EQ(xenemu_device_present(privcmd_path(), 0), 0);
	if (LINUX)
		(void)xenemu_device_present("/proc/xen/privcmd", 0);
	errno = 0;
	ATF_CHECK(xenforeignmemory_open(lg, 0) == NULL);
	ATF_CHECK_EQ(errno, ENOENT);
	ATF_CHECK(logged("privcmd"));
	ATF_REQUIRE_EQ(xenemu_device_present(privcmd_path(), 1), 0);

	ATF_REQUIRE_EQ(xenemu_fail_op("open", 1, EACCES), 0);
	errno = 0;
	ATF_CHECK(xenforeignmemory_open(lg, 0) == NULL);
	ATF_CHECK_EQ(errno, EACCES);
	finish();
}

/* Linux falls back to xenfs's node when /dev/xen/privcmd is missing. */
ATF_TC_WITHOUT_HEAD(open_xenfs_fallback);
ATF_TC_BODY(open_xenfs_fallback, tc)
{
	xenforeignmemory_handle *fm;

	if (!LINUX)
		atf_tc_skip("Linux only: xenfs's /proc/xen/privcmd");
	setup();
	ATF_REQUIRE_EQ(xenemu_device_present("/dev/xen/privcmd", 0), 0);
	if (xenemu_device_present("/proc/xen/privcmd", 1) != 0) {
		finish();
		atf_tc_skip("the emulator has no /proc/xen/privcmd");
	}
	fm = xenforeignmemory_open(lg, 0);
	ATF_CHECK_MSG(fm != NULL, "open: %s", strerror(errno));
	if (fm != NULL)
		ATF_CHECK_EQ(xenforeignmemory_close(fm), 0);
	finish();
}

ATF_TC_WITHOUT_HEAD(map_read_write);
ATF_TC_BODY(map_read_write, tc)
{
	xenforeignmemory_handle *fm;
	xen_pfn_t arr[4] = { 3, 1, 7, 3 };
	unsigned char *p, *f;
	int err[4] = { 9, 9, 9, 9 }, i;
	uint16_t d;

	setup();
	d = domain(8);
	fm = fm_open();
	p = xenforeignmemory_map(fm, d, PROT_READ | PROT_WRITE, 4, arr, NULL);
	ATF_REQUIRE_MSG(p != NULL, "map: %s", strerror(errno));
	for (i = 0; i < 4; i++)
		ATF_CHECK_MSG(frame_ok(p + i * PG, (unsigned)arr[i]),
		    "frame %d", i);
	/* Writes reach the domain's memory, and the alias (index 3). */
	p[PG + 100] = 0xee;
	f = xenemu_frame(d, 1);
	ATF_CHECK_EQ(f[100], 0xee);
	/* volatile: the compiler cannot know the two addresses alias. */
	((volatile unsigned char *)p)[10] = 0x42;
	ATF_CHECK_EQ(((volatile unsigned char *)p)[3 * PG + 10], 0x42);
	ATF_CHECK_EQ(xenforeignmemory_unmap(fm, p, 4), 0);

	p = xenforeignmemory_map(fm, d, PROT_READ, 4, arr, err);
	ATF_REQUIRE(p != NULL);
	for (i = 0; i < 4; i++)
		ATF_CHECK_EQ(err[i], 0);
	ATF_CHECK(frame_ok(p + 2 * PG, 7));
	ATF_CHECK_EQ(xenforeignmemory_unmap(fm, p, 4), 0);
	ATF_CHECK_EQ(xenforeignmemory_close(fm), 0);
	finish();
}

ATF_TC_WITHOUT_HEAD(map_per_frame_errors);
ATF_TC_BODY(map_per_frame_errors, tc)
{
	xenforeignmemory_handle *fm;
	xen_pfn_t arr[5] = { 0, 1, 2, 3, 100 };
	unsigned char *p;
	int err[5];
	uint16_t d;

	setup();
	d = domain(8);
	ATF_REQUIRE_EQ(xenemu_frame_state(d, 1, XENEMU_FRAME_BAD), 0);
	ATF_REQUIRE_EQ(xenemu_frame_state(d, 2, XENEMU_FRAME_EPERM), 0);
	fm = fm_open();
	p = xenforeignmemory_map(fm, d, PROT_READ, 5, arr, err);
	ATF_REQUIRE_MSG(p != NULL, "map: %s", strerror(errno));
	ATF_CHECK_EQ(err[0], 0);
	ATF_CHECK_EQ(err[1], -EINVAL);
	ATF_CHECK_EQ(err[2], -EPERM);
	ATF_CHECK_EQ(err[3], 0);
	ATF_CHECK_EQ(err[4], -EINVAL);	/* beyond the domain's memory */
	/* The good frames are usable. */
	ATF_CHECK(frame_ok(p, 0));
	ATF_CHECK(frame_ok(p + 3 * PG, 3));
	ATF_CHECK_EQ(xenforeignmemory_unmap(fm, p, 5), 0);

	/* Without err[]: nothing mapped, the first bad frame's errno. */
	errno = 0;
	ATF_CHECK(xenforeignmemory_map(fm, d, PROT_READ, 5, arr, NULL) == NULL);
	ATF_CHECK_EQ(errno, EINVAL);
	ATF_CHECK(logged("index 1"));
	arr[1] = 4;
	errno = 0;
	ATF_CHECK(xenforeignmemory_map(fm, d, PROT_READ, 3, arr, NULL) == NULL);
	ATF_CHECK_EQ(errno, EPERM);
	/* A domain that does not exist. */
	errno = 0;
	ATF_CHECK(xenforeignmemory_map(fm, 9999, PROT_READ, 1, arr, NULL) ==
	    NULL);
	ATF_CHECK_EQ(errno, ESRCH);
	ATF_CHECK_EQ(xenforeignmemory_close(fm), 0);
	finish();
}

ATF_TC_WITHOUT_HEAD(map_paged_retried);
ATF_TC_BODY(map_paged_retried, tc)
{
	xenforeignmemory_handle *fm;
	xen_pfn_t arr[6] = { 0, 1, 2, 3, 4, 5 };
	unsigned char *p;
	int err[6], i;
	uint16_t d;

	setup();
	d = domain(8);
	fm = fm_open();
	/* The first three frames asked for are paged out, once. */
	xenemu_eagain(3);
	p = xenforeignmemory_map(fm, d, PROT_READ | PROT_WRITE, 6, arr, err);
	ATF_REQUIRE_MSG(p != NULL, "map: %s", strerror(errno));
	for (i = 0; i < 6; i++) {
		ATF_CHECK_EQ_MSG(err[i], 0, "frame %d: %d", i, err[i]);
		ATF_CHECK(frame_ok(p + i * PG, (unsigned)i));
	}
	ATF_CHECK(logged("paged out"));
	/*
	 * Frames that were good at once stay mapped and writable (FreeBSD's
	 * kernel takes only a batch over the whole region, so the retry
	 * maps them again).
	 */
	p[4 * PG + 100] = 0xc4;
	ATF_CHECK_EQ(((unsigned char *)xenemu_frame(d, 4))[100], 0xc4);
	ATF_CHECK_EQ(xenforeignmemory_unmap(fm, p, 6), 0);

	/* Without err[], a retried map is a whole success too. */
	xenemu_eagain(8);
	p = xenforeignmemory_map(fm, d, PROT_READ, 6, arr, NULL);
	ATF_REQUIRE_MSG(p != NULL, "map: %s", strerror(errno));
	ATF_CHECK(frame_ok(p + 5 * PG, 5));
	ATF_CHECK_EQ(xenforeignmemory_unmap(fm, p, 6), 0);
	ATF_CHECK_EQ(xenforeignmemory_close(fm), 0);
	finish();
}

ATF_TC_WITHOUT_HEAD(map_paged_bounded);
ATF_TC_BODY(map_paged_bounded, tc)
{
	xenforeignmemory_handle *fm;
	xen_pfn_t arr[3] = { 0, 1, 2 };
	unsigned char *p;
	int err[3];
	double t0, t;
	uint16_t d;

	setup();
	d = domain(4);
	ATF_REQUIRE_EQ(xenemu_frame_state(d, 1, XENEMU_FRAME_PAGED), 0);
	fm = fm_open();
	t0 = now();
	p = xenforeignmemory_map(fm, d, PROT_READ, 3, arr, err);
	t = now() - t0;
	ATF_REQUIRE(p != NULL);
	ATF_CHECK_EQ(err[0], 0);
	ATF_CHECK_EQ(err[1], -ENOENT);
	ATF_CHECK_EQ(err[2], 0);
	printf("gave up on a paged-out frame after %.3f s\n", t);
	/* Retried with growing delays, then reported: neither 0 nor forever. */
	ATF_CHECK_MSG(t > 0.1 && t < 3.0, "took %.3f s", t);
	ATF_CHECK(frame_ok(p + 2 * PG, 2));
	ATF_CHECK_EQ(xenforeignmemory_unmap(fm, p, 3), 0);

	errno = 0;
	ATF_CHECK(xenforeignmemory_map(fm, d, PROT_READ, 3, arr, NULL) == NULL);
	ATF_CHECK_EQ(errno, ENOENT);
	ATF_CHECK_EQ(xenforeignmemory_close(fm), 0);
	finish();
}

ATF_TC_WITHOUT_HEAD(map_faults);
ATF_TC_BODY(map_faults, tc)
{
	xenforeignmemory_handle *fm;
	xen_pfn_t arr[2] = { 0, 1 };
	void *p;
	int err[2];
	uint16_t d;

	setup();
	d = domain(4);
	fm = fm_open();
	/* The batch ioctl fails as a whole: errno reaches the caller. */
	ATF_REQUIRE_EQ(xenemu_fail_op("ioctl", 1, EFAULT), 0);
	errno = 0;
	ATF_CHECK(xenforeignmemory_map(fm, d, PROT_READ, 2, arr, err) == NULL);
	ATF_CHECK_EQ(errno, EFAULT);
	ATF_CHECK(logged("failed"));
	/* The retry of a paged-out frame fails as a whole. */
	xenemu_eagain(1);
	ATF_REQUIRE_EQ(xenemu_fail_op("ioctl", 2, EIO), 0);
	errno = 0;
	ATF_CHECK(xenforeignmemory_map(fm, d, PROT_READ, 2, arr, err) == NULL);
	ATF_CHECK_EQ(errno, EIO);
	xenemu_fail_clear();
	/* The address space reservation fails (privcmd mmap; not NetBSD's
	 * anonymous one, which the emulator does not see). */
	if (!NETBSD) {
		ATF_REQUIRE_EQ(xenemu_fail_op("mmap", 1, ENOMEM), 0);
		errno = 0;
		ATF_CHECK(xenforeignmemory_map(fm, d, PROT_READ, 2, arr, NULL) ==
		    NULL);
		ATF_CHECK_EQ(errno, ENOMEM);
	}
	/* One frame's fault inside the batch is that frame's error. */
	xenemu_fail_batch_at(1, EFAULT);
	p = xenforeignmemory_map(fm, d, PROT_READ, 2, arr, err);
	ATF_REQUIRE_MSG(p != NULL, "map: %s", strerror(errno));
	ATF_CHECK_EQ(err[0], 0);
	ATF_CHECK_EQ(err[1], -EFAULT);
	ATF_CHECK_EQ(xenforeignmemory_unmap(fm, p, 2), 0);
	ATF_CHECK_EQ(xenforeignmemory_close(fm), 0);
	finish();
}

ATF_TC_WITHOUT_HEAD(map_bad_arguments);
ATF_TC_BODY(map_bad_arguments, tc)
{
	xenforeignmemory_handle *fm;
	xen_pfn_t arr[1] = { 0 };
	int err[1];
	char c;

	setup();
	(void)domain(2);
	fm = fm_open();
	errno = 0;
	ATF_CHECK(xenforeignmemory_map(fm, 1, PROT_READ, 0, arr, err) == NULL);
	ATF_CHECK_EQ(errno, EINVAL);
	ATF_CHECK(logged("no frames"));
	errno = 0;
	ATF_CHECK(xenforeignmemory_map(fm, 1, PROT_READ, 1, NULL, err) == NULL);
	ATF_CHECK_EQ(errno, EINVAL);
	errno = 0;
	ATF_CHECK(xenforeignmemory_map(fm, 0x10000, PROT_READ, 1, arr, err) ==
	    NULL);
	ATF_CHECK_EQ(errno, EINVAL);
	errno = 0;
	ATF_CHECK(xenforeignmemory_map(fm, 1, PROT_READ, (size_t)-1, arr,
	    err) == NULL);
	ATF_CHECK_EQ(errno, EINVAL);
	errno = 0;
	ATF_CHECK(xenforeignmemory_map(NULL, 1, PROT_READ, 1, arr, err) ==
	    NULL);
	ATF_CHECK_EQ(errno, EINVAL);
	errno = 0;
	ATF_CHECK_EQ(xenforeignmemory_unmap(fm, NULL, 1), -1);
	ATF_CHECK_EQ(errno, EINVAL);
	errno = 0;
	ATF_CHECK_EQ(xenforeignmemory_unmap(fm, &c + 1, 1), -1);
	ATF_CHECK_EQ(errno, EINVAL);
	errno = 0;
	ATF_CHECK_EQ(xenforeignmemory_unmap(NULL, &c, 1), -1);
	ATF_CHECK_EQ(errno, EINVAL);
	ATF_CHECK(logged("unmap"));
	ATF_CHECK_EQ(xenforeignmemory_close(fm), 0);
	finish();
}

ATF_TC_WITHOUT_HEAD(map2_fixed);
ATF_TC_BODY(map2_fixed, tc)
{
	xenforeignmemory_handle *fm;
	xen_pfn_t arr[2] = { 2, 3 };
	unsigned char *area, *p;
	int err[2];
	uint16_t d;

	setup();
	d = domain(4);
	fm = fm_open();
	area = mmap(NULL, 4 * PG, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1,
	    0);
	ATF_REQUIRE(area != MAP_FAILED);
	p = xenforeignmemory_map2(fm, d, area + PG, PROT_READ, MAP_FIXED, 2,
	    arr, err);
	ATF_REQUIRE_MSG(p != NULL, "map2: %s", strerror(errno));
	ATF_CHECK(p == area + PG);
	ATF_CHECK_EQ(err[0], 0);
	ATF_CHECK_EQ(err[1], 0);
	ATF_CHECK(frame_ok(p, 2));
	ATF_CHECK(frame_ok(p + PG, 3));
	ATF_CHECK_EQ(xenforeignmemory_unmap(fm, p, 2), 0);
	munmap(area, 4 * PG);
	/* map() is map2() with no hint and no flags. */
	p = xenforeignmemory_map2(fm, d, NULL, PROT_READ, 0, 2, arr, NULL);
	ATF_REQUIRE(p != NULL);
	ATF_CHECK(frame_ok(p, 2));
	ATF_CHECK_EQ(xenforeignmemory_unmap(fm, p, 2), 0);
	ATF_CHECK_EQ(xenforeignmemory_close(fm), 0);
	finish();
}

/* Linux kernels without MMAPBATCH_V2: the V1 ioctl and its flag bits. */
ATF_TC_WITHOUT_HEAD(linux_v1_fallback);
ATF_TC_BODY(linux_v1_fallback, tc)
{
	xenforeignmemory_handle *fm;
	xen_pfn_t arr[3] = { 0, 1, 2 };
	unsigned char *p;
	int err[3];
	uint16_t d;

	if (!LINUX)
		atf_tc_skip("Linux only: MMAPBATCH V1 fallback");
	setup();
	d = domain(4);
	ATF_REQUIRE_EQ(xenemu_frame_state(d, 2, XENEMU_FRAME_EPERM), 0);
	fm = fm_open();
	ATF_REQUIRE_EQ(xenemu_fail_op("ioctl:IOCTL_PRIVCMD_MMAPBATCH_V2", 1,
	    ENOTTY), 0);
	/*
	 * (Not combined with a paged-out frame: the emulator takes a V1
	 * batch over the whole region only, where Linux also fills holes.)
	 */
	p = xenforeignmemory_map(fm, d, PROT_READ, 3, arr, err);
	ATF_REQUIRE_MSG(p != NULL, "map: %s", strerror(errno));
	ATF_CHECK_EQ(err[0], 0);
	ATF_CHECK_EQ(err[1], 0);
	ATF_CHECK(err[2] != 0);		/* V1 cannot say which error */
	ATF_CHECK(frame_ok(p, 0));
	ATF_CHECK(frame_ok(p + PG, 1));
	ATF_CHECK_EQ(xenforeignmemory_unmap(fm, p, 3), 0);
	/* Remembered: the next map goes straight to V1 and works. */
	p = xenforeignmemory_map(fm, d, PROT_READ, 2, arr, NULL);
	ATF_REQUIRE(p != NULL);
	ATF_CHECK(frame_ok(p + PG, 1));
	ATF_CHECK_EQ(xenforeignmemory_unmap(fm, p, 2), 0);
	ATF_CHECK_EQ(xenforeignmemory_close(fm), 0);
	finish();
}

/*
 * Frame numbers at and above 2^28 (guest memory above 1 TiB) map like any
 * other, on every kernel; on Linux also through MMAPBATCH V1, whose error
 * marker bits (0xf0000000, 0x80000000) such frame numbers have by
 * themselves.  The emulated domain has 4 frames; the high numbers are
 * aliases of them (xenemu_gfn_alias), 0x20000005 is nothing.
 */
static void
map_high(xenforeignmemory_handle *fm, uint16_t d)
{
	xen_pfn_t arr[5] = { 0, 0x10000000, 0xf0000002, 0x80000003,
	    0x20000005 };
	unsigned char *p;
	int err[5];

	memset(err, 0x55, sizeof(err));
	p = xenforeignmemory_map(fm, d, PROT_READ, 5, arr, err);
	ATF_REQUIRE_MSG(p != NULL, "map: %s", strerror(errno));
	ATF_CHECK_EQ(err[0], 0);
	ATF_CHECK_EQ_MSG(err[1], 0, "frame 0x10000000: %d", err[1]);
	ATF_CHECK_EQ_MSG(err[2], 0, "frame 0xf0000002: %d", err[2]);
	ATF_CHECK_EQ_MSG(err[3], 0, "frame 0x80000003: %d", err[3]);
	ATF_CHECK_MSG(err[4] != 0, "frame 0x20000005 does not exist");
	if (err[1] == 0)
		ATF_CHECK(frame_ok(p + PG, 1));
	if (err[2] == 0)
		ATF_CHECK(frame_ok(p + 2 * PG, 2));
	if (err[3] == 0)
		ATF_CHECK(frame_ok(p + 3 * PG, 3));
	ATF_CHECK_EQ(xenforeignmemory_unmap(fm, p, 5), 0);
	/* The caller's array is left as it was. */
	ATF_CHECK_EQ(arr[2], 0xf0000002);
}

ATF_TC_WITHOUT_HEAD(high_frames);
ATF_TC_BODY(high_frames, tc)
{
	xenforeignmemory_handle *fm;
	uint16_t d;

	setup();
	d = domain(4);
	ATF_REQUIRE_EQ(xenemu_gfn_alias(d, 0x10000000, 1), 0);
	ATF_REQUIRE_EQ(xenemu_gfn_alias(d, 0xf0000002, 2), 0);
	ATF_REQUIRE_EQ(xenemu_gfn_alias(d, 0x80000003, 3), 0);
	fm = fm_open();
	map_high(fm, d);
	if (LINUX) {
		/* A kernel without MMAPBATCH_V2: the V1 fallback. */
		ATF_REQUIRE_EQ(xenemu_fail_op(
		    "ioctl:IOCTL_PRIVCMD_MMAPBATCH_V2", 1, ENOTTY), 0);
		map_high(fm, d);
	}
	ATF_CHECK_EQ(xenforeignmemory_close(fm), 0);
	finish();
}

ATF_TC_WITHOUT_HEAD(restrict_handle);
ATF_TC_BODY(restrict_handle, tc)
{
	xenforeignmemory_handle *fm;
	xen_pfn_t arr[1] = { 1 };
	unsigned char *p;
	uint16_t a, b;

	setup();
	a = domain(2);
	b = domain(2);
	fm = fm_open();
	if (NETBSD) {
		errno = 0;
		ATF_CHECK_EQ(xenforeignmemory_restrict(fm, a), -1);
		ATF_CHECK_EQ(errno, EOPNOTSUPP);
		ATF_CHECK(logged("restrict"));
	} else {
		ATF_REQUIRE_MSG(xenforeignmemory_restrict(fm, a) == 0,
		    "restrict: %s", strerror(errno));
		/* Again to the same domain is fine, to another refused. */
		ATF_CHECK_EQ(xenforeignmemory_restrict(fm, a), 0);
		errno = 0;
		ATF_CHECK_EQ(xenforeignmemory_restrict(fm, b), -1);
		ATF_CHECK_EQ(errno, EINVAL);
		ATF_CHECK(logged("restrict"));
		p = xenforeignmemory_map(fm, a, PROT_READ, 1, arr, NULL);
		ATF_CHECK(p != NULL);
		if (p != NULL) {
			ATF_CHECK(frame_ok(p, 1));
			ATF_CHECK_EQ(xenforeignmemory_unmap(fm, p, 1), 0);
		}
		errno = 0;
		ATF_CHECK(xenforeignmemory_map(fm, b, PROT_READ, 1, arr,
		    NULL) == NULL);
		ATF_CHECK_EQ(errno, EPERM);
		errno = 0;
		ATF_CHECK(xenforeignmemory_resource_size(fm, b, RES_GNTTAB,
		    RES_GNTTAB_SHARED, &(size_t){ 0 }) == -1);
		ATF_CHECK_EQ(errno, EPERM);
	}
	ATF_CHECK_EQ(xenforeignmemory_close(fm), 0);
	errno = 0;
	ATF_CHECK_EQ(xenforeignmemory_restrict(NULL, a), -1);
	ATF_CHECK_EQ(errno, EINVAL);
	finish();
}

ATF_TC_WITHOUT_HEAD(restrict_all);
ATF_TC_BODY(restrict_all, tc)
{
	xenforeignmemory_handle *fm;
	xen_pfn_t arr[1] = { 1 };
	unsigned char *p;
	char link[64], target[256];
	ssize_t n;
	uint16_t a, b;
	int fd;

	setup();
	a = domain(2);
	b = domain(2);
	fm = fm_open();
	ATF_REQUIRE((fd = emul_fd()) >= 0);
	ATF_REQUIRE_EQ(xentoolcore_restrict_all(a), 0);
	if (NETBSD) {
		/*
		 * Cannot restrict: libxentoolcore put /dev/null in place of
		 * the descriptor.  Its dup2() is not the test program's, so
		 * the emulator does not see it: look at the descriptor.
		 */
		snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
		n = readlink(link, target, sizeof(target) - 1);
		ATF_REQUIRE(n > 0);
		target[n] = '\0';
		ATF_CHECK_STREQ(target, "/dev/null");
		ATF_CHECK(fcntl(fd, F_GETFD) & FD_CLOEXEC);
	} else {
		errno = 0;
		ATF_CHECK(xenforeignmemory_map(fm, b, PROT_READ, 1, arr,
		    NULL) == NULL);
		ATF_CHECK_EQ(errno, EPERM);
		p = xenforeignmemory_map(fm, a, PROT_READ, 1, arr, NULL);
		ATF_CHECK(p != NULL);
		if (p != NULL)
			ATF_CHECK_EQ(xenforeignmemory_unmap(fm, p, 1), 0);
	}
	ATF_CHECK_EQ(xenforeignmemory_close(fm), 0);
	finish();
}

/* struct grant_entry_v1 */
struct gnttab_v1 {
	uint16_t	flags;
	uint16_t	domid;
	uint32_t	frame;
};

ATF_TC_WITHOUT_HEAD(resource_grant_table);
ATF_TC_BODY(resource_grant_table, tc)
{
	xenforeignmemory_handle *fm;
	xenforeignmemory_resource_handle *fres;
	const struct gnttab_v1 *gt;
	void *addr = NULL;
	size_t size = 0;
	uint16_t d;
	int ref;

	setup();
	d = domain(4);
	ATF_REQUIRE((ref = xenemu_grant(d, 3, 0)) >= 0);
	fm = fm_open();
	if (NETBSD) {
		errno = 0;
		ATF_CHECK_EQ(xenforeignmemory_resource_size(fm, d, RES_GNTTAB,
		    RES_GNTTAB_SHARED, &size), -1);
		ATF_CHECK_EQ(errno, EOPNOTSUPP);
		ATF_CHECK(logged("resource_size"));
	} else {
		ATF_REQUIRE_MSG(xenforeignmemory_resource_size(fm, d,
		    RES_GNTTAB, RES_GNTTAB_SHARED, &size) == 0,
		    "resource_size: %s", strerror(errno));
		ATF_CHECK_EQ(size, 2 * PG);
	}
	fres = xenforeignmemory_map_resource(fm, d, RES_GNTTAB,
	    RES_GNTTAB_SHARED, 0, 2, &addr, PROT_READ, 0);
	ATF_REQUIRE_MSG(fres != NULL, "map_resource: %s", strerror(errno));
	ATF_REQUIRE(addr != NULL);
	gt = addr;
	ATF_CHECK(gt[ref].flags & GTF_permit_access);
	ATF_CHECK_EQ(gt[ref].domid, 0);
	ATF_CHECK_EQ(gt[ref].frame, 3);
	ATF_CHECK_EQ(xenforeignmemory_unmap_resource(fm, fres), 0);
	ATF_CHECK_EQ(xenforeignmemory_unmap_resource(fm, NULL), 0);

	/* The second frame alone, at an address of our choosing. */
	addr = mmap(NULL, 2 * PG, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1,
	    0);
	ATF_REQUIRE(addr != MAP_FAILED);
	fres = xenforeignmemory_map_resource(fm, d, RES_GNTTAB,
	    RES_GNTTAB_SHARED, 1, 1, &addr, PROT_READ, MAP_FIXED);
	ATF_REQUIRE_MSG(fres != NULL, "map_resource: %s", strerror(errno));
	ATF_CHECK_EQ(xenforeignmemory_unmap_resource(fm, fres), 0);
	munmap(addr, 2 * PG);
	ATF_CHECK_EQ(xenforeignmemory_close(fm), 0);
	finish();
}

/*
 * Older BSD kernels: FreeBSD 13.0 declares MMAP_RESOURCE _IOW (maps, but
 * the size query cannot work: EOPNOTSUPP); FreeBSD 12 and NetBSD 9 have
 * no MMAP_RESOURCE (EOPNOTSUPP, logged, nothing left mapped); FreeBSD 12
 * cannot restrict (EOPNOTSUPP).
 */
ATF_TC_WITHOUT_HEAD(resource_older_kernels);
ATF_TC_BODY(resource_older_kernels, tc)
{
	static const unsigned int fbsd[] = { 1300, 1202 };
	xenforeignmemory_handle *fm;
	xenforeignmemory_resource_handle *fres;
	void *addr;
	size_t size;
	unsigned int i, n;
	uint16_t d;

	if (XENEMU_DIALECT == XENEMU_LINUX)
		atf_tc_skip("BSD kernel releases only");
	n = XENEMU_DIALECT == XENEMU_FREEBSD ? 2 : 1;
	for (i = 0; i < n; i++) {
		setup();
		xenemu_kernel_release(XENEMU_DIALECT == XENEMU_FREEBSD ?
		    fbsd[i] : 902);
		d = domain(4);
		ATF_REQUIRE(xenemu_grant(d, 3, 0) >= 0);
		fm = fm_open();
		errno = 0;
		size = 0;
		ATF_CHECK_EQ(xenforeignmemory_resource_size(fm, d, RES_GNTTAB,
		    RES_GNTTAB_SHARED, &size), -1);
		ATF_CHECK_EQ_MSG(errno, EOPNOTSUPP, "size: errno %d", errno);
		addr = NULL;
		errno = 0;
		fres = xenforeignmemory_map_resource(fm, d, RES_GNTTAB,
		    RES_GNTTAB_SHARED, 0, 2, &addr, PROT_READ, 0);
		if (XENEMU_DIALECT == XENEMU_FREEBSD && fbsd[i] == 1300) {
			ATF_CHECK_MSG(fres != NULL, "13.0 map: %s",
			    strerror(errno));
			if (fres != NULL)
				ATF_CHECK_EQ(xenforeignmemory_unmap_resource(fm,
				    fres), 0);
		} else {
			ATF_CHECK(fres == NULL);
			ATF_CHECK_EQ_MSG(errno, EOPNOTSUPP, "map: errno %d",
			    errno);
			ATF_CHECK(logged("map_resource"));
		}
		if (XENEMU_DIALECT == XENEMU_FREEBSD && fbsd[i] == 1202) {
			errno = 0;
			ATF_CHECK_EQ(xenforeignmemory_restrict(fm, d), -1);
			ATF_CHECK_EQ(errno, EOPNOTSUPP);
		}
		ATF_CHECK_EQ(xenforeignmemory_close(fm), 0);
		finish();
	}
}

ATF_TC_WITHOUT_HEAD(resource_failures);
ATF_TC_BODY(resource_failures, tc)
{
	xenforeignmemory_handle *fm;
	void *addr;
	size_t size = 0;
	uint16_t d;

	setup();
	d = domain(2);
	fm = fm_open();
	/* Past the end of the resource. */
	addr = NULL;
	errno = 0;
	ATF_CHECK(xenforeignmemory_map_resource(fm, d, RES_GNTTAB,
	    RES_GNTTAB_SHARED, 1, 2, &addr, PROT_READ, 0) == NULL);
	ATF_CHECK_EQ(errno, EINVAL);
	ATF_CHECK(addr == NULL);
	ATF_CHECK(logged("map_resource"));
	/* No frames; a frame range that wraps. */
	errno = 0;
	ATF_CHECK(xenforeignmemory_map_resource(fm, d, RES_GNTTAB,
	    RES_GNTTAB_SHARED, 0, 0, NULL, PROT_READ, 0) == NULL);
	ATF_CHECK_EQ(errno, EINVAL);
	errno = 0;
	ATF_CHECK(xenforeignmemory_map_resource(fm, d, RES_GNTTAB,
	    RES_GNTTAB_SHARED, (unsigned long)-1, 1, NULL, PROT_READ, 0) ==
	    NULL);
	ATF_CHECK_EQ(errno, EINVAL);
	/* A resource the domain does not have, a domain that does not exist. */
	errno = 0;
	ATF_CHECK(xenforeignmemory_map_resource(fm, d, 77, 0, 0, 1, NULL,
	    PROT_READ, 0) == NULL);
	ATF_CHECK_EQ(errno, EOPNOTSUPP);
	errno = 0;
	ATF_CHECK(xenforeignmemory_map_resource(fm, 9999, RES_GNTTAB,
	    RES_GNTTAB_SHARED, 0, 1, NULL, PROT_READ, 0) == NULL);
	ATF_CHECK_EQ(errno, ESRCH);
	/* The ioctl fails. */
	ATF_REQUIRE_EQ(xenemu_fail_op("ioctl", 1, EIO), 0);
	errno = 0;
	ATF_CHECK(xenforeignmemory_map_resource(fm, d, RES_GNTTAB,
	    RES_GNTTAB_SHARED, 0, 1, NULL, PROT_READ, 0) == NULL);
	ATF_CHECK_EQ(errno, EIO);
	xenemu_fail_clear();
	if (!NETBSD) {
		ATF_REQUIRE_EQ(xenemu_fail_op("ioctl", 1, EIO), 0);
		errno = 0;
		ATF_CHECK_EQ(xenforeignmemory_resource_size(fm, d, RES_GNTTAB,
		    RES_GNTTAB_SHARED, &size), -1);
		ATF_CHECK_EQ(errno, EIO);
		xenemu_fail_clear();
		errno = 0;
		ATF_CHECK_EQ(xenforeignmemory_resource_size(fm, d, RES_GNTTAB,
		    RES_GNTTAB_STATUS, &size), -1);
		ATF_CHECK_EQ(errno, EINVAL);
	}
	errno = 0;
	ATF_CHECK_EQ(xenforeignmemory_resource_size(fm, d, RES_GNTTAB,
	    RES_GNTTAB_SHARED, NULL), -1);
	ATF_CHECK_EQ(errno, EINVAL);
	ATF_CHECK_EQ(xenforeignmemory_close(fm), 0);
	finish();
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, open_close);
	ATF_TP_ADD_TC(tp, open_failures);
	ATF_TP_ADD_TC(tp, open_xenfs_fallback);
	ATF_TP_ADD_TC(tp, map_read_write);
	ATF_TP_ADD_TC(tp, map_per_frame_errors);
	ATF_TP_ADD_TC(tp, map_paged_retried);
	ATF_TP_ADD_TC(tp, map_paged_bounded);
	ATF_TP_ADD_TC(tp, map_faults);
	ATF_TP_ADD_TC(tp, map_bad_arguments);
	ATF_TP_ADD_TC(tp, map2_fixed);
	ATF_TP_ADD_TC(tp, linux_v1_fallback);
	ATF_TP_ADD_TC(tp, high_frames);
	ATF_TP_ADD_TC(tp, restrict_handle);
	ATF_TP_ADD_TC(tp, restrict_all);
	ATF_TP_ADD_TC(tp, resource_grant_table);
	ATF_TP_ADD_TC(tp, resource_older_kernels);
	ATF_TP_ADD_TC(tp, resource_failures);
	return atf_no_error();
}
