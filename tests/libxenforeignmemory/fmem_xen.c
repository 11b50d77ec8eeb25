/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * libxenforeignmemory against the real hypervisor (run in dom0 by
 * tests/xenlab): dom0's own frames through DOMID_SELF, per-frame errors,
 * map2 at a fixed address, a PVH guest's frames and grant-table resource,
 * restrict.
 *
 * A frame of dom0's own that nothing else uses comes from
 * XENMEM_increase_reservation (dom0 boots with headroom above its memory)
 * issued through the privcmd device directly, and goes back with
 * XENMEM_decrease_reservation.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "xenlibs_test.h"

#include <xenforeignmemory.h>
#include <xentoolcore.h>
#include <xentoollog.h>

#include "xen_ioctl.h"		/* sys/linux: the raw privcmd hypercall */

#define PAGE		4096
#define PRIVCMD		"/dev/xen/privcmd"

#define HC_memory_op			12
#define XENMEM_increase_reservation	0
#define XENMEM_decrease_reservation	1
#define RES_grant_table			1	/* XENMEM_resource_grant_table */
#define RES_grant_table_shared		0
#define GTF_permit_access		1U

/* struct xen_memory_reservation (x86_64). */
struct reservation {
	uint64_t	extent_start;	/* guest handle: xen_pfn_t * */
	uint64_t	nr_extents;
	uint32_t	extent_order;
	uint32_t	mem_flags;
	uint16_t	domid;
	uint16_t	pad[3];
};

#define HEAD_XEN(name, descr)						\
	ATF_TC_HEAD(name, tc)						\
	{								\
		atf_tc_set_md_var(tc, "descr", descr);			\
		atf_tc_set_md_var(tc, "require.files", PRIVCMD);	\
		atf_tc_set_md_var(tc, "require.user", "root");		\
		atf_tc_set_md_var(tc, "timeout", "600");		\
	}

static xenforeignmemory_handle *
fm_open(void)
{
	xenforeignmemory_handle *fm = xenforeignmemory_open(NULL, 0);

	ATF_REQUIRE_MSG(fm != NULL, "xenforeignmemory_open: %s",
	    strerror(errno));
	return fm;
}

/* memory_op(cmd) on a reservation of one frame, in hypercall-safe memory. */
static long
reservation_op(int cmd, xen_pfn_t *mfn)
{
	struct privcmd_hypercall hc;
	struct reservation *r;
	uint64_t *extent;
	void *buf;
	long rc;
	int fd, hfd;

	ATF_REQUIRE((fd = open(PRIVCMD, O_RDWR | O_CLOEXEC)) >= 0);
	hfd = open("/dev/xen/hypercall", O_RDWR | O_CLOEXEC);
	if (hfd >= 0) {
		buf = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, hfd,
		    0);
	} else {
		buf = mmap(NULL, PAGE, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (buf != MAP_FAILED)
			ATF_REQUIRE(mlock(buf, PAGE) == 0);
	}
	ATF_REQUIRE(buf != MAP_FAILED);
	memset(buf, 0, PAGE);
	r = buf;
	extent = (uint64_t *)((char *)buf + 256);
	extent[0] = *mfn;
	r->extent_start = (uint64_t)(uintptr_t)extent;
	r->nr_extents = 1;
	r->domid = DOMID_SELF;
	memset(&hc, 0, sizeof(hc));
	hc.op = HC_memory_op;
	hc.arg[0] = (uint64_t)cmd;
	hc.arg[1] = (uint64_t)(uintptr_t)r;
	rc = ioctl(fd, IOCTL_PRIVCMD_HYPERCALL, &hc);
	if (rc == -1)
		rc = -errno;
	*mfn = (xen_pfn_t)extent[0];
	munmap(buf, PAGE);
	if (hfd >= 0)
		close(hfd);
	close(fd);
	return rc;
}

/* A fresh frame of dom0's own (machine frame number: dom0 is PV). */
static xen_pfn_t
frame_get(void)
{
	xen_pfn_t mfn = 0;
	long rc = reservation_op(XENMEM_increase_reservation, &mfn);

	if (rc != 1)
		atf_tc_skip("XENMEM_increase_reservation gave %ld: no "
		    "headroom for a fresh frame in dom0", rc);
	return mfn;
}

static void
frame_put(xen_pfn_t mfn)
{
	ATF_CHECK_EQ(reservation_op(XENMEM_decrease_reservation, &mfn), 1);
}

/* A bogus frame: far above any RAM. */
#define BOGUS_FRAME	((xen_pfn_t)1 << 36)

ATF_TC(open_close);
HEAD_XEN(open_close, "open and close: one O_RDWR|O_CLOEXEC descriptor, "
    "nothing left behind")
ATF_TC_BODY(open_close, tc)
{
	xenforeignmemory_handle *fm;
	int before, fd, found = 0;
	char link[64], target[256];
	ssize_t n;

	before = xt_fd_count();
	fm = fm_open();
	ATF_CHECK_EQ(xt_fd_count(), before + 1);
	for (fd = 0; fd < 1024; fd++) {
		snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
		n = readlink(link, target, sizeof(target) - 1);
		if (n <= 0)
			continue;
		target[n] = '\0';
		if (strcmp(target, PRIVCMD) != 0)
			continue;
		found = 1;
		ATF_CHECK(fcntl(fd, F_GETFD) & FD_CLOEXEC);
		ATF_CHECK_EQ(fcntl(fd, F_GETFL) & O_ACCMODE, O_RDWR);
	}
	ATF_CHECK(found);
	ATF_CHECK_EQ(xenforeignmemory_close(fm), 0);
	ATF_CHECK_EQ(xt_fd_count(), before);
}

ATF_TC(map_self);
HEAD_XEN(map_self, "dom0's own frame through DOMID_SELF: two mappings "
    "see the same memory")
ATF_TC_BODY(map_self, tc)
{
	xenforeignmemory_handle *fm = fm_open();
	xen_pfn_t mfn = frame_get();
	unsigned char *a, *b;
	int err = 1, maps;

	maps = xt_mapping_count();
	a = xenforeignmemory_map(fm, DOMID_SELF, PROT_READ | PROT_WRITE, 1,
	    &mfn, NULL);
	ATF_REQUIRE_MSG(a != NULL, "map: %s", strerror(errno));
	b = xenforeignmemory_map(fm, DOMID_SELF, PROT_READ, 1, &mfn, &err);
	ATF_REQUIRE_MSG(b != NULL, "map: %s", strerror(errno));
	ATF_REQUIRE_EQ(err, 0);
	memset(a, 0x5a, PAGE);
	a[123] = 0xc3;
	ATF_CHECK_EQ(b[0], 0x5a);
	ATF_CHECK_EQ(b[123], 0xc3);
	ATF_CHECK_EQ(b[PAGE - 1], 0x5a);
	ATF_CHECK_EQ(xenforeignmemory_unmap(fm, a, 1), 0);
	ATF_CHECK_EQ(xenforeignmemory_unmap(fm, b, 1), 0);
	ATF_CHECK_EQ(xt_mapping_count(), maps);
	ATF_CHECK_EQ(xenforeignmemory_close(fm), 0);
	frame_put(mfn);
}

ATF_TC(map_self_by_number);
HEAD_XEN(map_self_by_number, "dom0 naming itself as domain 0 is refused "
    "per frame (ESRCH), and all-or-nothing without err[]")
ATF_TC_BODY(map_self_by_number, tc)
{
	xenforeignmemory_handle *fm = fm_open();
	xen_pfn_t mfn = frame_get();
	void *p;
	int err = 0, maps;

	maps = xt_mapping_count();
	errno = 0;
	p = xenforeignmemory_map(fm, 0, PROT_READ, 1, &mfn, NULL);
	ATF_CHECK(p == NULL);
	ATF_CHECK_EQ(errno, ESRCH);
	ATF_CHECK_EQ(xt_mapping_count(), maps);
	p = xenforeignmemory_map(fm, 0, PROT_READ, 1, &mfn, &err);
	ATF_REQUIRE(p != NULL);
	ATF_CHECK_EQ(err, -ESRCH);
	ATF_CHECK_EQ(xenforeignmemory_unmap(fm, p, 1), 0);
	ATF_CHECK_EQ(xenforeignmemory_close(fm), 0);
	frame_put(mfn);
}

ATF_TC(map_bad_frames);
HEAD_XEN(map_bad_frames, "per-frame errors for bad frames, the good "
    "frames usable; all-or-nothing without err[]")
ATF_TC_BODY(map_bad_frames, tc)
{
	xenforeignmemory_handle *fm = fm_open();
	xen_pfn_t arr[3];
	unsigned char *p, *q;
	volatile unsigned char *v;
	int err[3] = { 1, 1, 1 }, maps;

	arr[0] = arr[2] = frame_get();
	arr[1] = BOGUS_FRAME;
	maps = xt_mapping_count();
	p = xenforeignmemory_map(fm, DOMID_SELF, PROT_READ | PROT_WRITE, 3,
	    arr, err);
	ATF_REQUIRE_MSG(p != NULL, "map: %s", strerror(errno));
	ATF_CHECK_EQ(err[0], 0);
	ATF_CHECK_MSG(err[1] < 0, "bogus frame: err %d", err[1]);
	ATF_CHECK_EQ(err[2], 0);
	printf("bogus frame %#lx: err %d\n", (unsigned long)BOGUS_FRAME,
	    err[1]);
	/* Frames 0 and 2 are one frame: both usable, and the same. */
	/* volatile: the compiler cannot know the two addresses alias. */
	v = p;
	v[0] = 0x11;
	v[2 * PAGE + 1] = 0x22;
	ATF_CHECK_EQ(v[2 * PAGE], 0x11);
	ATF_CHECK_EQ(v[1], 0x22);
	ATF_CHECK_EQ(xenforeignmemory_unmap(fm, p, 3), 0);

	errno = 0;
	q = xenforeignmemory_map(fm, DOMID_SELF, PROT_READ, 3, arr, NULL);
	ATF_CHECK(q == NULL);
	ATF_CHECK_EQ(errno, -err[1]);
	ATF_CHECK_EQ(xt_mapping_count(), maps);
	ATF_CHECK_EQ(xenforeignmemory_close(fm), 0);
	frame_put(arr[0]);
}

ATF_TC(map2_fixed);
HEAD_XEN(map2_fixed, "map2 with MAP_FIXED places the mapping at the "
    "address asked for")
ATF_TC_BODY(map2_fixed, tc)
{
	xenforeignmemory_handle *fm = fm_open();
	xen_pfn_t mfn = frame_get(), arr[2];
	unsigned char *area, *p, *ref;
	int err[2];

	arr[0] = arr[1] = mfn;
	/* An address range of our own, to place the mapping in. */
	area = mmap(NULL, 4 * PAGE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS,
	    -1, 0);
	ATF_REQUIRE(area != MAP_FAILED);
	p = xenforeignmemory_map2(fm, DOMID_SELF, area + PAGE,
	    PROT_READ | PROT_WRITE, MAP_FIXED, 2, arr, err);
	ATF_REQUIRE_MSG(p != NULL, "map2: %s", strerror(errno));
	ATF_CHECK(p == area + PAGE);
	ATF_CHECK_EQ(err[0], 0);
	ATF_CHECK_EQ(err[1], 0);
	ref = xenforeignmemory_map(fm, DOMID_SELF, PROT_READ, 1, &mfn, NULL);
	ATF_REQUIRE(ref != NULL);
	((volatile unsigned char *)p)[7] = 0x77;
	ATF_CHECK_EQ(ref[7], 0x77);
	ATF_CHECK_EQ(((volatile unsigned char *)p)[PAGE + 7], 0x77);
	ATF_CHECK_EQ(xenforeignmemory_unmap(fm, ref, 1), 0);
	ATF_CHECK_EQ(xenforeignmemory_unmap(fm, p, 2), 0);
	munmap(area, 4 * PAGE);
	ATF_CHECK_EQ(xenforeignmemory_close(fm), 0);
	frame_put(mfn);
}

ATF_TC(map_many);
HEAD_XEN(map_many, "a batch of 1024 frames maps whole, each frame the "
    "same memory; prints the time per frame")
ATF_TC_BODY(map_many, tc)
{
	enum { N = 1024 };
	xenforeignmemory_handle *fm = fm_open();
	xen_pfn_t mfn = frame_get(), *arr;
	volatile unsigned char *p;
	struct timespec t0, t1;
	double us;
	int i, round;

	ATF_REQUIRE((arr = calloc(N, sizeof(*arr))) != NULL);
	for (i = 0; i < N; i++)
		arr[i] = mfn;
	for (round = 0; round < 2; round++) {
		clock_gettime(CLOCK_MONOTONIC, &t0);
		p = xenforeignmemory_map(fm, DOMID_SELF, PROT_READ | PROT_WRITE,
		    N, arr, NULL);
		clock_gettime(CLOCK_MONOTONIC, &t1);
		ATF_REQUIRE_MSG(p != NULL, "map: %s", strerror(errno));
		us = (double)(t1.tv_sec - t0.tv_sec) * 1e6 +
		    (double)(t1.tv_nsec - t0.tv_nsec) / 1e3;
		printf("map of %d frames: %.0f us, %.2f us per frame\n", N, us,
		    us / N);
		p[5] = (unsigned char)(0x30 + round);
		ATF_CHECK_EQ(p[(N - 1) * PAGE + 5], 0x30 + round);
		clock_gettime(CLOCK_MONOTONIC, &t0);
		ATF_CHECK_EQ(xenforeignmemory_unmap(fm, (void *)p, N), 0);
		clock_gettime(CLOCK_MONOTONIC, &t1);
		printf("unmap: %.0f us\n", (double)(t1.tv_sec - t0.tv_sec) *
		    1e6 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e3);
	}
	free(arr);
	ATF_CHECK_EQ(xenforeignmemory_close(fm), 0);
	frame_put(mfn);
}

/* Low RAM frames of a PVH guest are populated. */
#define GUEST_GFN	0x100

ATF_TC(guest_frames);
HEAD_XEN(guest_frames, "a PVH guest's frames: mapped twice, the two "
    "mappings agree and see a write")
ATF_TC_BODY(guest_frames, tc)
{
	xenforeignmemory_handle *fm;
	xen_pfn_t arr[4];
	unsigned char *a, *b, save;
	int err[4], domid, i;

	domid = xt_guest_domid("pvh");
	fm = fm_open();
	for (i = 0; i < 4; i++)
		arr[i] = GUEST_GFN + (xen_pfn_t)i;
	a = xenforeignmemory_map(fm, (uint32_t)domid, PROT_READ | PROT_WRITE,
	    4, arr, err);
	ATF_REQUIRE_MSG(a != NULL, "map: %s", strerror(errno));
	for (i = 0; i < 4; i++)
		ATF_CHECK_EQ_MSG(err[i], 0, "gfn %#lx: err %d",
		    (unsigned long)arr[i], err[i]);
	b = xenforeignmemory_map(fm, (uint32_t)domid, PROT_READ, 4, arr, NULL);
	ATF_REQUIRE_MSG(b != NULL, "map: %s", strerror(errno));
	ATF_CHECK(memcmp(a, b, 4 * PAGE) == 0);
	/* The last byte of the last frame: write, see it, put it back. */
	save = a[4 * PAGE - 1];
	a[4 * PAGE - 1] = (unsigned char)~save;
	ATF_CHECK_EQ(b[4 * PAGE - 1], (unsigned char)~save);
	a[4 * PAGE - 1] = save;
	ATF_CHECK_EQ(xenforeignmemory_unmap(fm, a, 4), 0);
	ATF_CHECK_EQ(xenforeignmemory_unmap(fm, b, 4), 0);
	ATF_CHECK_EQ(xenforeignmemory_close(fm), 0);
}

/* struct grant_entry_v1 */
struct gnttab_v1 {
	uint16_t	flags;
	uint16_t	domid;
	uint32_t	frame;
};

ATF_TC(guest_grant_table);
HEAD_XEN(guest_grant_table, "a PVH guest's grant table as a resource: "
    "its size, its mapping, the toolstack's xenstore entry")
ATF_TC_BODY(guest_grant_table, tc)
{
	xenforeignmemory_handle *fm;
	xenforeignmemory_resource_handle *fres;
	const struct gnttab_v1 *gt;
	size_t size = 0;
	void *addr = NULL;
	int domid, maps;

	domid = xt_guest_domid("pvh");
	fm = fm_open();
	ATF_REQUIRE_MSG(xenforeignmemory_resource_size(fm, (domid_t)domid,
	    RES_grant_table, RES_grant_table_shared, &size) == 0,
	    "resource_size: %s", strerror(errno));
	printf("grant table of domain %d: %zu bytes\n", domid, size);
	ATF_CHECK(size >= PAGE);
	ATF_CHECK_EQ(size % PAGE, 0);

	maps = xt_mapping_count();
	fres = xenforeignmemory_map_resource(fm, (domid_t)domid,
	    RES_grant_table, RES_grant_table_shared, 0, 1, &addr, PROT_READ, 0);
	ATF_REQUIRE_MSG(fres != NULL, "map_resource: %s", strerror(errno));
	ATF_REQUIRE(addr != NULL);
	gt = addr;
	/* The toolstack grants the xenstore page to dom0 in entry 1. */
	ATF_CHECK_MSG(gt[1].flags & GTF_permit_access, "flags %#x",
	    gt[1].flags);
	ATF_CHECK_EQ(gt[1].domid, 0);
	ATF_CHECK(gt[1].frame != 0);
	ATF_CHECK_EQ(xenforeignmemory_unmap_resource(fm, fres), 0);
	ATF_CHECK_EQ(xt_mapping_count(), maps);

	/* Past the end of the resource: refused, nothing left mapped. */
	addr = NULL;
	errno = 0;
	fres = xenforeignmemory_map_resource(fm, (domid_t)domid,
	    RES_grant_table, RES_grant_table_shared, size / PAGE, 1, &addr,
	    PROT_READ, 0);
	ATF_CHECK(fres == NULL);
	ATF_CHECK(errno != 0);
	ATF_CHECK_EQ(xt_mapping_count(), maps);
	ATF_CHECK_EQ(xenforeignmemory_close(fm), 0);
}

ATF_TC(restrict_blocks_others);
HEAD_XEN(restrict_blocks_others, "after restrict to one domain, mapping "
    "another fails with EPERM")
ATF_TC_BODY(restrict_blocks_others, tc)
{
	xenforeignmemory_handle *fm = fm_open(), *free_fm = fm_open();
	xen_pfn_t mfn = frame_get();
	void *p;
	int err = 1;

	/* Unrestricted, the frame maps. */
	p = xenforeignmemory_map(fm, DOMID_SELF, PROT_READ, 1, &mfn, NULL);
	ATF_REQUIRE(p != NULL);
	ATF_CHECK_EQ(xenforeignmemory_unmap(fm, p, 1), 0);

	ATF_REQUIRE_MSG(xenforeignmemory_restrict(fm, 7) == 0,
	    "restrict: %s", strerror(errno));
	errno = 0;
	p = xenforeignmemory_map(fm, DOMID_SELF, PROT_READ, 1, &mfn, &err);
	ATF_CHECK(p == NULL);
	ATF_CHECK_EQ(errno, EPERM);
	/* Another handle is not restricted. */
	p = xenforeignmemory_map(free_fm, DOMID_SELF, PROT_READ, 1, &mfn,
	    NULL);
	ATF_CHECK(p != NULL);
	if (p != NULL)
		ATF_CHECK_EQ(xenforeignmemory_unmap(free_fm, p, 1), 0);
	ATF_CHECK_EQ(xenforeignmemory_close(fm), 0);
	ATF_CHECK_EQ(xenforeignmemory_close(free_fm), 0);
	frame_put(mfn);
}

ATF_TC(restrict_allows_target);
HEAD_XEN(restrict_allows_target, "restricted to a PVH guest, the handle "
    "maps that guest and nothing else")
ATF_TC_BODY(restrict_allows_target, tc)
{
	xenforeignmemory_handle *fm;
	xen_pfn_t gfn = GUEST_GFN, mfn;
	void *p;
	int domid;

	domid = xt_guest_domid("pvh");
	mfn = frame_get();
	fm = fm_open();
	ATF_REQUIRE(xenforeignmemory_restrict(fm, (domid_t)domid) == 0);
	p = xenforeignmemory_map(fm, (uint32_t)domid, PROT_READ, 1, &gfn,
	    NULL);
	ATF_CHECK_MSG(p != NULL, "map of the target: %s", strerror(errno));
	if (p != NULL)
		ATF_CHECK_EQ(xenforeignmemory_unmap(fm, p, 1), 0);
	errno = 0;
	p = xenforeignmemory_map(fm, DOMID_SELF, PROT_READ, 1, &mfn, NULL);
	ATF_CHECK(p == NULL);
	ATF_CHECK_EQ(errno, EPERM);
	ATF_CHECK_EQ(xenforeignmemory_close(fm), 0);
	frame_put(mfn);
}

ATF_TC(restrict_all);
HEAD_XEN(restrict_all, "xentoolcore_restrict_all() restricts an open "
    "handle")
ATF_TC_BODY(restrict_all, tc)
{
	xenforeignmemory_handle *fm = fm_open();
	xen_pfn_t mfn = frame_get();
	void *p;

	ATF_REQUIRE(xentoolcore_restrict_all(7) == 0);
	errno = 0;
	p = xenforeignmemory_map(fm, DOMID_SELF, PROT_READ, 1, &mfn, NULL);
	ATF_CHECK(p == NULL);
	ATF_CHECK(errno == EPERM || errno == ENODEV);
	ATF_CHECK_EQ(xenforeignmemory_close(fm), 0);
	frame_put(mfn);
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, open_close);
	ATF_TP_ADD_TC(tp, map_self);
	ATF_TP_ADD_TC(tp, map_self_by_number);
	ATF_TP_ADD_TC(tp, map_bad_frames);
	ATF_TP_ADD_TC(tp, map2_fixed);
	ATF_TP_ADD_TC(tp, map_many);
	ATF_TP_ADD_TC(tp, guest_frames);
	ATF_TP_ADD_TC(tp, guest_grant_table);
	ATF_TP_ADD_TC(tp, restrict_blocks_others);
	ATF_TP_ADD_TC(tp, restrict_allows_target);
	ATF_TP_ADD_TC(tp, restrict_all);
	return atf_no_error();
}
