/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * libxenkexec over libxenhypercall's real backend for one kernel
 * (XENEMU_DIALECT), against the emulated devices of tests/emul: the
 * kexec_op, memory_op, sysctl and xen_version arguments as the simulated
 * hypervisor decodes them, sysctl version detection, failure injection,
 * and a leak check at the end of every case.
 */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atf-c.h>
#include <xenkexec.h>
#include <xentoolcore.h>
#include <xentoollog.h>

#include "xenemu.h"

#define PG		4096u
#define KX_CMD_get_range	3
#define KX_CMD_load		4
#define KX_CMD_unload		5
#define KX_CMD_status		6
#define HC_kexec_op		37

static const enum xenemu_dialect dialect = XENEMU_DIALECT;

/*
 * The BSD backends of libxenhypercall keep buffers out of children with
 * minherit(2), which the Linux build host lacks: a stand-in.
 */
int minherit(void *addr, size_t len, int inherit);
int
minherit(void *addr, size_t len, int inherit)
{
	(void)addr;
	(void)len;
	(void)inherit;
	return 0;
}

struct rec {
	xentoollog_logger	vtable;
	unsigned int		errors;
	int			errnoval;
	char			ctx[32];
	char			msg[512];
};

static void
rec_vmessage(xentoollog_logger *l, xentoollog_level level, int errnoval,
    const char *context, const char *format, va_list al)
{
	struct rec *r = (struct rec *)(void *)l;

	if (level < XTL_ERROR)
		return;
	r->errors++;
	r->errnoval = errnoval;
	snprintf(r->ctx, sizeof(r->ctx), "%s", context ? context : "");
	vsnprintf(r->msg, sizeof(r->msg), format, al);
}

static void
rec_destroy(xentoollog_logger *l)
{
	(void)l;
}

static void
setup(void)
{
	ATF_REQUIRE_EQ_MSG(xenemu_setup(dialect), 0, "xenemu_setup: %s",
	    strerror(errno));
}

static void
finish(void)
{
	xenemu_fail_clear();
	ATF_CHECK_EQ_MSG(xenemu_assert_no_leaks(), 0,
	    "emulated resources leaked (see stderr)");
	xenemu_teardown();
}

static xenkexec_handle *
open_ok(struct rec *r)
{
	xenkexec_handle *xk;

	memset(r, 0, sizeof(*r));
	r->vtable.vmessage = rec_vmessage;
	r->vtable.destroy = rec_destroy;
	xk = xenkexec_open(&r->vtable, 0);
	ATF_REQUIRE_MSG(xk != NULL, "xenkexec_open: %s (%s)", strerror(errno),
	    r->msg);
	return xk;
}

#define CHECK_FAIL(r, call, e) do {					\
	unsigned int errs_ = (r)->errors;				\
	errno = 0;							\
	ATF_CHECK_EQ_MSG((call), -1, "%s did not fail", #call);		\
	ATF_CHECK_EQ_MSG(errno, (e), "%s: errno %d (%s), want %d",	\
	    #call, errno, strerror(errno), (e));			\
	ATF_CHECK_MSG((r)->errors > errs_, "%s: nothing logged", #call); \
	ATF_CHECK_EQ((r)->errnoval, (e));				\
	ATF_CHECK_STREQ((r)->ctx, "xenkexec");				\
} while (0)

static uint32_t
bytesum(const void *p, size_t n)
{
	const unsigned char *b = p;
	uint32_t s = 0;

	while (n-- > 0)
		s += *b++;
	return s;
}

static const char *
privcmd_path(void)
{
	return dialect == XENEMU_NETBSD ? "/kern/xen/privcmd" :
	    "/dev/xen/privcmd";
}

/* The emulator's default crash area. */
#define CSTART	UINT64_C(0x10000000)
#define CSIZE	UINT64_C(0x08000000)

static unsigned char data_a[3 * PG + 17], data_b[512];

static void
image(struct xenkexec_segment s[3], uint64_t *entry)
{
	size_t i;

	for (i = 0; i < sizeof(data_a); i++)
		data_a[i] = (unsigned char)(i * 13 + 5);
	for (i = 0; i < sizeof(data_b); i++)
		data_b[i] = (unsigned char)(255 - i);
	memset(s, 0, 3 * sizeof(s[0]));
	s[0].buf = data_a;
	s[0].buf_size = sizeof(data_a);
	s[0].dest_maddr = CSTART + 0x100000;
	s[0].dest_size = 4 * PG;
	s[1].buf = data_b;
	s[1].buf_size = sizeof(data_b);
	s[1].dest_maddr = CSTART + 0x400000;
	s[1].dest_size = PG;
	s[2].dest_maddr = CSTART + 0x800000;
	s[2].dest_size = 8 * PG;
	*entry = s[0].dest_maddr + 0x40;
}

ATF_TC_WITHOUT_HEAD(open_close);
ATF_TC_BODY(open_close, tc)
{
	struct rec r;
	xenkexec_handle *xk;

	setup();
	xk = open_ok(&r);
	ATF_CHECK_EQ(xenkexec_close(xk), 0);
	/* The library's own logger. */
	xk = xenkexec_open(NULL, 0);
	ATF_REQUIRE(xk != NULL);
	ATF_CHECK_EQ(xenkexec_close(xk), 0);
	/* No privcmd: libxenhypercall's errno reaches the caller. */
	ATF_REQUIRE_EQ(xenemu_device_present(privcmd_path(), 0), 0);
	if (dialect == XENEMU_LINUX)
		xenemu_device_present("/proc/xen/privcmd", 0);
	memset(&r, 0, sizeof(r));
	r.vtable.vmessage = rec_vmessage;
	r.vtable.destroy = rec_destroy;
	errno = 0;
	ATF_CHECK(xenkexec_open(&r.vtable, 0) == NULL);
	ATF_CHECK_EQ(errno, ENOENT);
	ATF_CHECK_STREQ(r.ctx, "xenkexec");
	ATF_CHECK_EQ(r.errnoval, ENOENT);
	xenemu_device_present(privcmd_path(), 1);
	/* Unknown flags. */
	errno = 0;
	ATF_CHECK(xenkexec_open(&r.vtable, 0x10) == NULL);
	ATF_CHECK_EQ(errno, EINVAL);
	finish();
}

/*
 * A NULL handle: every call fails with EINVAL before any hypercall (there
 * is no logger to report through), and close accepts it.
 */
#define CHECK_NULL(call) do {						\
	errno = 0;							\
	ATF_CHECK_EQ_MSG((call), -1, "%s did not fail", #call);		\
	ATF_CHECK_EQ_MSG(errno, EINVAL, "%s: errno %d", #call, errno);	\
} while (0)

ATF_TC_WITHOUT_HEAD(null_handle);
ATF_TC_BODY(null_handle, tc)
{
	struct xenkexec_segment s[3];
	struct xenkexec_memory_entry m[2];
	uint64_t entry, start = 7, size = 7;
	unsigned int major = 7, minor = 7;
	unsigned long before;

	setup();
	image(s, &entry);
	before = xenemu_hypercall_count();
	CHECK_NULL(xenkexec_load(NULL, XENKEXEC_TYPE_CRASH, 62, entry, 3, s));
	CHECK_NULL(xenkexec_unload(NULL, XENKEXEC_TYPE_CRASH));
	CHECK_NULL(xenkexec_status(NULL, XENKEXEC_TYPE_DEFAULT));
	CHECK_NULL(xenkexec_exec(NULL, XENKEXEC_TYPE_DEFAULT));
	CHECK_NULL(xenkexec_get_range(NULL, XENKEXEC_RANGE_MA_XEN, 0, &start,
	    &size));
	CHECK_NULL(xenkexec_get_memory_map(NULL, m, 2));
	CHECK_NULL(xenkexec_get_max_cpus(NULL));
	CHECK_NULL(xenkexec_get_version(NULL, &major, &minor));
	ATF_CHECK_EQ(xenemu_hypercall_count(), before);
	/* Nothing written through the result pointers. */
	ATF_CHECK(start == 7 && size == 7 && major == 7 && minor == 7);
	ATF_CHECK_EQ(xenkexec_close(NULL), 0);
	finish();
}

ATF_TC_WITHOUT_HEAD(load_decoded);
ATF_TC_BODY(load_decoded, tc)
{
	struct rec r;
	xenkexec_handle *xk;
	struct xenkexec_segment s[3];
	struct xenemu_kexec_op op;
	struct xenemu_hypercall hc;
	uint64_t entry;
	unsigned int i;

	setup();
	xk = open_ok(&r);
	image(s, &entry);
	ATF_REQUIRE_EQ(xenkexec_status(xk, XENKEXEC_TYPE_CRASH), 0);
	ATF_REQUIRE_EQ_MSG(xenkexec_load(xk, XENKEXEC_TYPE_CRASH, 62, entry, 3,
	    s), 0, "%s", r.msg);

	/* What the hypervisor read. */
	ATF_REQUIRE_EQ(xenemu_last_kexec_op(&op), 0);
	ATF_CHECK_EQ(op.cmd, KX_CMD_load);
	ATF_CHECK_EQ(op.type, XENKEXEC_TYPE_CRASH);
	ATF_CHECK_EQ(op.nr_segments, 3);
	ATF_CHECK_EQ(op.entry, entry);
	ATF_CHECK_EQ(op.ret, 0);
	for (i = 0; i < 3; i++) {
		ATF_CHECK_EQ(op.seg[i].buf_size, s[i].buf_size);
		ATF_CHECK_EQ(op.seg[i].dest_maddr, s[i].dest_maddr);
		ATF_CHECK_EQ(op.seg[i].dest_size, s[i].dest_size);
	}
	ATF_CHECK_EQ(op.seg[0].sum, bytesum(data_a, sizeof(data_a)));
	ATF_CHECK_EQ(op.seg[1].sum, bytesum(data_b, sizeof(data_b)));
	ATF_CHECK_EQ(op.seg[2].sum, 0);
	/* Every argument in hypercall-safe memory. */
	ATF_REQUIRE_EQ(xenemu_last_hypercall(&hc), 0);
	ATF_CHECK_EQ(hc.op, HC_kexec_op);
	ATF_CHECK_EQ(hc.arg[0], KX_CMD_load);
	ATF_CHECK_EQ(hc.unlocked_bufs, 0);
	ATF_CHECK(hc.bufs >= 4);	/* load, segments, two data */
	ATF_CHECK_EQ(xenemu_kexec_loaded(XENKEXEC_TYPE_CRASH), 1);
	ATF_CHECK_EQ(xenemu_kexec_loaded(XENKEXEC_TYPE_DEFAULT), 0);
	ATF_CHECK_EQ(xenkexec_status(xk, XENKEXEC_TYPE_CRASH), 1);
	ATF_REQUIRE_EQ(xenemu_last_kexec_op(&op), 0);
	ATF_CHECK_EQ(op.cmd, KX_CMD_status);
	ATF_CHECK_EQ(op.type, XENKEXEC_TYPE_CRASH);

	/* A default image has no crash-area rule. */
	s[0].dest_maddr = 0x1000000;
	s[1].dest_maddr = 0x2000000;
	s[2].dest_maddr = 0x3000000;
	ATF_CHECK_EQ(xenkexec_load(xk, XENKEXEC_TYPE_DEFAULT, 3, 0x1000000, 3,
	    s), 0);
	ATF_REQUIRE_EQ(xenemu_last_kexec_op(&op), 0);
	ATF_CHECK_EQ(op.type, XENKEXEC_TYPE_DEFAULT);
	ATF_CHECK_EQ(op.seg[2].dest_maddr, 0x3000000);
	ATF_CHECK_EQ(xenemu_kexec_loaded(XENKEXEC_TYPE_DEFAULT), 1);

	ATF_CHECK_EQ(xenkexec_unload(xk, XENKEXEC_TYPE_CRASH), 0);
	ATF_REQUIRE_EQ(xenemu_last_kexec_op(&op), 0);
	ATF_CHECK_EQ(op.cmd, KX_CMD_unload);
	ATF_CHECK_EQ(op.type, XENKEXEC_TYPE_CRASH);
	ATF_CHECK_EQ(xenemu_kexec_loaded(XENKEXEC_TYPE_CRASH), 0);
	ATF_CHECK_EQ(xenemu_kexec_loaded(XENKEXEC_TYPE_DEFAULT), 1);
	ATF_CHECK_EQ(xenkexec_unload(xk, XENKEXEC_TYPE_DEFAULT), 0);
	ATF_CHECK_EQ(xenkexec_status(xk, XENKEXEC_TYPE_DEFAULT), 0);
	/* Exec of nothing: Xen's ENOENT comes back. */
	CHECK_FAIL(&r, xenkexec_exec(xk, XENKEXEC_TYPE_DEFAULT), ENOENT);
	ATF_CHECK_EQ(r.errors, 1);
	ATF_CHECK_EQ(xenkexec_close(xk), 0);
	finish();
}

ATF_TC_WITHOUT_HEAD(bad_images);
ATF_TC_BODY(bad_images, tc)
{
	struct rec r;
	xenkexec_handle *xk;
	struct xenkexec_segment s[3], t[3], many[16];
	uint64_t entry;
	unsigned long before;
	unsigned int i;

	setup();
	xk = open_ok(&r);
	image(s, &entry);
	/* Refused before any hypercall. */
	before = xenemu_hypercall_count();
	CHECK_FAIL(&r, xenkexec_load(xk, XENKEXEC_TYPE_DEFAULT, 62, entry, 0,
	    s), EINVAL);
	CHECK_FAIL(&r, xenkexec_load(xk, XENKEXEC_TYPE_DEFAULT, 62, entry, 3,
	    NULL), EINVAL);
	memcpy(t, s, sizeof(t));
	t[2].dest_maddr = t[1].dest_maddr;
	CHECK_FAIL(&r, xenkexec_load(xk, XENKEXEC_TYPE_DEFAULT, 62, entry, 3,
	    t), EINVAL);
	for (i = 0; i < 16; i++) {
		many[i].buf = NULL;
		many[i].buf_size = 0;
		many[i].dest_maddr = CSTART + i * 2 * PG;
		many[i].dest_size = PG;
	}
	CHECK_FAIL(&r, xenkexec_load(xk, XENKEXEC_TYPE_DEFAULT, 62, CSTART,
	    16, many), E2BIG);
	CHECK_FAIL(&r, xenkexec_load(xk, 9, 62, entry, 3, s), EINVAL);
	ATF_CHECK_EQ(xenemu_hypercall_count(), before);
	/* 15 segments are fine. */
	ATF_CHECK_EQ(xenkexec_load(xk, XENKEXEC_TYPE_CRASH, 62, CSTART, 15,
	    many), 0);
	ATF_CHECK_EQ(xenkexec_unload(xk, XENKEXEC_TYPE_CRASH), 0);

	/* Crash images: the library compares with Xen's crash area. */
	memcpy(t, s, sizeof(t));
	t[1].dest_maddr = CSTART + CSIZE;
	CHECK_FAIL(&r, xenkexec_load(xk, XENKEXEC_TYPE_CRASH, 62, entry, 3,
	    t), EINVAL);
	CHECK_FAIL(&r, xenkexec_load(xk, XENKEXEC_TYPE_CRASH, 62, CSTART - 1,
	    3, s), EINVAL);
	ATF_CHECK_EQ(xenemu_kexec_loaded(XENKEXEC_TYPE_CRASH), 0);
	/*
	 * A segment without a buffer may lie anywhere: Xen does not check it
	 * (kexec-tools' segment for the first MiB).
	 */
	memcpy(t, s, sizeof(t));
	t[1].buf = NULL;
	t[1].buf_size = 0;
	t[1].dest_maddr = 0;
	t[1].dest_size = 0x100000;
	ATF_CHECK_EQ_MSG(xenkexec_load(xk, XENKEXEC_TYPE_CRASH, 62, entry, 3,
	    t), 0, "data-less segment outside the crash area: %s",
	    strerror(errno));
	ATF_CHECK_EQ(xenemu_kexec_loaded(XENKEXEC_TYPE_CRASH), 1);
	ATF_CHECK_EQ(xenkexec_unload(xk, XENKEXEC_TYPE_CRASH), 0);
	xenemu_set_crash_range(0, 0);
	CHECK_FAIL(&r, xenkexec_load(xk, XENKEXEC_TYPE_CRASH, 62, entry, 3,
	    s), EADDRNOTAVAIL);
	ATF_CHECK_EQ(xenemu_kexec_loaded(XENKEXEC_TYPE_CRASH), 0);
	ATF_CHECK_EQ(xenemu_kexec_loaded(XENKEXEC_TYPE_DEFAULT), 0);
	/* Whatever Xen itself refuses comes back too (bad arch here). */
	xenemu_set_crash_range(CSTART, CSIZE);
	CHECK_FAIL(&r, xenkexec_load(xk, XENKEXEC_TYPE_CRASH, 40, entry, 3,
	    s), EINVAL);
	ATF_CHECK_EQ(xenemu_kexec_loaded(XENKEXEC_TYPE_CRASH), 0);
	ATF_CHECK_EQ(xenkexec_close(xk), 0);
	finish();
}

ATF_TC_WITHOUT_HEAD(ranges);
ATF_TC_BODY(ranges, tc)
{
	struct rec r;
	xenkexec_handle *xk;
	struct xenemu_kexec_op op;
	uint64_t start, size;
	int i;

	setup();
	xenemu_set_crash_range(0x20000000, 0x4000000);
	xenemu_set_nr_cpus(3);
	xk = open_ok(&r);
	ATF_REQUIRE_EQ(xenkexec_get_range(xk, XENKEXEC_RANGE_MA_CRASH, 0,
	    &start, &size), 0);
	ATF_CHECK_EQ(start, 0x20000000);
	ATF_CHECK_EQ(size, 0x4000000);
	ATF_REQUIRE_EQ(xenemu_last_kexec_op(&op), 0);
	ATF_CHECK_EQ(op.cmd, KX_CMD_get_range);
	ATF_CHECK_EQ(op.type, XENKEXEC_RANGE_MA_CRASH);
	ATF_REQUIRE_EQ(xenkexec_get_range(xk, XENKEXEC_RANGE_MA_XEN, 0,
	    &start, &size), 0);
	ATF_CHECK_EQ(start, 0x200000);
	ATF_CHECK_EQ(size, 0x600000);
	ATF_REQUIRE_EQ(xenkexec_get_range(xk, XENKEXEC_RANGE_MA_VMCOREINFO, 0,
	    &start, &size), 0);
	ATF_CHECK_EQ(start, 0x7e000000);
	for (i = 0; i < 3; i++) {
		ATF_REQUIRE_EQ(xenkexec_get_range(xk, XENKEXEC_RANGE_MA_CPU, i,
		    &start, &size), 0);
		ATF_CHECK_EQ(start, 0x7f000000 + (uint64_t)i * 0x1000);
		ATF_REQUIRE_EQ(xenemu_last_kexec_op(&op), 0);
		ATF_CHECK_EQ(op.type, XENKEXEC_RANGE_MA_CPU);
	}
	/* The emulator answers EINVAL where Xen says ERANGE. */
	ATF_CHECK_EQ(xenkexec_get_range(xk, XENKEXEC_RANGE_MA_CPU, 3, &start,
	    &size), -1);
	CHECK_FAIL(&r, xenkexec_get_range(xk, XENKEXEC_RANGE_MA_XENHEAP, 0,
	    &start, &size), EINVAL);
	/* Unknown types never reach the hypervisor. */
	ATF_REQUIRE_EQ(xenemu_last_kexec_op(&op), 0);
	CHECK_FAIL(&r, xenkexec_get_range(xk, 7, 0, &start, &size), EINVAL);
	CHECK_FAIL(&r, xenkexec_get_range(xk, -3, 0, &start, &size), EINVAL);
	{
		struct xenemu_kexec_op op2;

		ATF_REQUIRE_EQ(xenemu_last_kexec_op(&op2), 0);
		ATF_CHECK_EQ(op2.type, op.type);
		ATF_CHECK_EQ(op2.cmd, op.cmd);
	}
	ATF_CHECK_EQ(xenkexec_close(xk), 0);
	finish();
}

ATF_TC_WITHOUT_HEAD(sysctl_versions);
ATF_TC_BODY(sysctl_versions, tc)
{
	static const uint32_t v[] = { 0x15, 0x17, 0x1f, 0x13, 0x10 };
	struct rec r;
	xenkexec_handle *xk;
	unsigned int i;
	unsigned long n0;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		setup();
		xenemu_set_sysctl_version(v[i]);
		xenemu_set_nr_cpus(6 + i);
		xk = open_ok(&r);
		ATF_CHECK_EQ_MSG(xenkexec_get_max_cpus(xk), (int)(6 + i),
		    "sysctl %#x: %s", (unsigned)v[i], r.msg);
		/* Found once, then one hypercall per call. */
		n0 = xenemu_hypercall_count();
		ATF_CHECK_EQ(xenkexec_get_max_cpus(xk), (int)(6 + i));
		ATF_CHECK_EQ(xenemu_hypercall_count(), n0 + 1);
		ATF_CHECK_EQ(r.errors, 0);
		ATF_CHECK_EQ(xenkexec_close(xk), 0);
		finish();
	}
	/* A version the library does not know: counted through kexec_op. */
	setup();
	xenemu_set_sysctl_version(0x40);
	xenemu_set_nr_cpus(5);
	xk = open_ok(&r);
	ATF_CHECK_EQ_MSG(xenkexec_get_max_cpus(xk), 5, "%s", r.msg);
	ATF_CHECK_EQ(xenkexec_close(xk), 0);
	finish();
	/* A sysctl failure other than a version mismatch is reported. */
	setup();
	xk = open_ok(&r);
	ATF_REQUIRE_EQ(xenemu_fail_op("hypercall:sysctl", 1, EPERM), 0);
	CHECK_FAIL(&r, xenkexec_get_max_cpus(xk), EPERM);
	ATF_CHECK_EQ(xenkexec_close(xk), 0);
	finish();
}

ATF_TC_WITHOUT_HEAD(memory_map_version);
ATF_TC_BODY(memory_map_version, tc)
{
	struct rec r;
	xenkexec_handle *xk;
	struct xenkexec_memory_entry m[8];
	unsigned int major = 0, minor = 0;
	int n;

	setup();
	xenemu_set_version(0x40014, "-emu");
	xk = open_ok(&r);
	n = xenkexec_get_memory_map(xk, m, 8);
	ATF_REQUIRE_EQ_MSG(n, 3, "%d: %s", n, r.msg);
	ATF_CHECK_EQ(m[0].addr, 0);
	ATF_CHECK_EQ(m[0].size, 0x9f000);
	ATF_CHECK_EQ(m[0].type, XENKEXEC_E820_RAM);
	ATF_CHECK_EQ(m[1].addr, 0xf0000);
	ATF_CHECK_EQ(m[1].type, XENKEXEC_E820_RESERVED);
	ATF_CHECK_EQ(m[2].addr, 0x100000);
	ATF_CHECK_EQ(m[2].type, XENKEXEC_E820_RAM);
	ATF_CHECK_EQ(m[2].reserved, 0);
	memset(m, 0x5a, sizeof(m));
	ATF_CHECK_EQ(xenkexec_get_memory_map(xk, m, 1), 3);
	ATF_CHECK_EQ(m[0].size, 0x9f000);
	ATF_CHECK_EQ(m[1].addr, UINT64_C(0x5a5a5a5a5a5a5a5a));
	ATF_CHECK_EQ(xenkexec_get_memory_map(xk, NULL, 0), 3);
	CHECK_FAIL(&r, xenkexec_get_memory_map(xk, NULL, 2), EINVAL);

	ATF_CHECK_EQ(xenkexec_get_version(xk, &major, &minor), 0x40014);
	ATF_CHECK_EQ(major, 4);
	ATF_CHECK_EQ(minor, 20);
	ATF_CHECK_EQ(xenkexec_close(xk), 0);
	finish();
}

/* Every call, with its hypercall failing: errno and a message come back. */
ATF_TC_WITHOUT_HEAD(hypercall_failures);
ATF_TC_BODY(hypercall_failures, tc)
{
	struct rec r;
	xenkexec_handle *xk;
	struct xenkexec_segment s[3];
	struct xenkexec_memory_entry m[4];
	uint64_t entry, start, size;

	setup();
	xk = open_ok(&r);
	image(s, &entry);
	xenemu_fail_op("hypercall:kexec_op", 1, EIO);
	CHECK_FAIL(&r, xenkexec_get_range(xk, XENKEXEC_RANGE_MA_XEN, 0,
	    &start, &size), EIO);
	xenemu_fail_op("hypercall:kexec_op", 1, EBUSY);
	CHECK_FAIL(&r, xenkexec_status(xk, XENKEXEC_TYPE_CRASH), EBUSY);
	/* load: get_range of the crash area, status, load. */
	xenemu_fail_op("hypercall:kexec_op", 3, ENOMEM);
	CHECK_FAIL(&r, xenkexec_load(xk, XENKEXEC_TYPE_CRASH, 62, entry, 3,
	    s), ENOMEM);
	ATF_CHECK_EQ(xenemu_kexec_loaded(XENKEXEC_TYPE_CRASH), 0);
	/* A Xen without the status query still loads, once. */
	xenemu_fail_op("hypercall:kexec_op", 2, EINVAL);
	ATF_CHECK_EQ(xenkexec_load(xk, XENKEXEC_TYPE_CRASH, 62, entry, 3, s),
	    0);
	ATF_CHECK_EQ(xenemu_kexec_loaded(XENKEXEC_TYPE_CRASH), 1);
	ATF_REQUIRE_EQ(xenkexec_load(xk, XENKEXEC_TYPE_CRASH, 62, entry, 3, s),
	    0);
	/* unload: status, unload; a failed unload keeps the image. */
	xenemu_fail_op("hypercall:kexec_op", 2, EBUSY);
	CHECK_FAIL(&r, xenkexec_unload(xk, XENKEXEC_TYPE_CRASH), EBUSY);
	ATF_CHECK_EQ(xenemu_kexec_loaded(XENKEXEC_TYPE_CRASH), 1);
	ATF_CHECK_EQ(xenkexec_unload(xk, XENKEXEC_TYPE_CRASH), 0);
	xenemu_fail_op("hypercall:memory_op", 1, EFAULT);
	CHECK_FAIL(&r, xenkexec_get_memory_map(xk, m, 4), EFAULT);
	xenemu_fail_op("hypercall:xen_version", 1, ENOSYS);
	CHECK_FAIL(&r, xenkexec_get_version(xk, NULL, NULL), ENOSYS);
	xenemu_fail_clear();
	ATF_CHECK_EQ(xenkexec_close(xk), 0);
	finish();
}

/*
 * A load over a loaded image loads it twice (Xen's status bit flips on
 * every load).  When the second load fails, the old image is gone already:
 * the call fails, and the new image is unloaded too, so that nothing is
 * loaded and the status says so (never success with a status that reads
 * "not loaded" over a loaded image, which a later unload would skip).
 */
ATF_TC_WITHOUT_HEAD(replace_fails);
ATF_TC_BODY(replace_fails, tc)
{
	struct rec r;
	xenkexec_handle *xk;
	struct xenkexec_segment s[3];
	struct xenemu_kexec_op op;
	uint64_t entry;

	setup();
	xk = open_ok(&r);
	image(s, &entry);
	ATF_REQUIRE_EQ(xenkexec_load(xk, XENKEXEC_TYPE_CRASH, 62, entry, 3, s),
	    0);
	/* crash area, status, load, load again: the fourth fails. */
	ATF_REQUIRE_EQ(xenemu_fail_op("hypercall:kexec_op", 4, ENOMEM), 0);
	CHECK_FAIL(&r, xenkexec_load(xk, XENKEXEC_TYPE_CRASH, 62, entry, 3,
	    s), ENOMEM);
	ATF_CHECK_MSG(strstr(r.msg, "unloaded") != NULL, "%s", r.msg);
	ATF_CHECK_EQ(xenemu_kexec_loaded(XENKEXEC_TYPE_CRASH), 0);
	ATF_CHECK_EQ(xenkexec_status(xk, XENKEXEC_TYPE_CRASH), 0);
	/* The other type is untouched; a new load works. */
	ATF_CHECK_EQ(xenemu_kexec_loaded(XENKEXEC_TYPE_DEFAULT), 0);
	ATF_CHECK_EQ(xenkexec_load(xk, XENKEXEC_TYPE_CRASH, 62, entry, 3, s),
	    0);
	ATF_REQUIRE_EQ(xenemu_last_kexec_op(&op), 0);
	ATF_CHECK_EQ(op.cmd, KX_CMD_load);
	ATF_CHECK_EQ(xenkexec_status(xk, XENKEXEC_TYPE_CRASH), 1);
	ATF_CHECK_EQ(xenkexec_close(xk), 0);
	finish();
}

/*
 * Fail each device call of a load in turn (buffer allocation, locking,
 * the hypercalls): the load fails with that errno and a replaced image
 * stays loaded (unless the second load of a replacement failed: then
 * nothing is), or (a failed status query) it succeeds; a new image is
 * never half loaded, the status agrees with what is loaded, and nothing
 * leaks.
 */
ATF_TC_WITHOUT_HEAD(load_fault_sweep);
ATF_TC_BODY(load_fault_sweep, tc)
{
	struct rec r;
	xenkexec_handle *xk;
	struct xenkexec_segment s[3];
	uint64_t entry;
	unsigned int n, failures = 0;
	int rc, pass;

	image(s, &entry);
	for (pass = 0; pass < 2; pass++) {
		/* A load makes fewer than 60 device calls. */
		for (n = 1; n < 60; n++) {
			setup();
			xk = open_ok(&r);
			if (pass == 1)
				ATF_REQUIRE_EQ(xenkexec_load(xk,
				    XENKEXEC_TYPE_CRASH, 62, entry, 3, s), 0);
			xenemu_fail_nth(n, ENOMEM);
			errno = 0;
			rc = xenkexec_load(xk, XENKEXEC_TYPE_CRASH, 62, entry,
			    3, s);
			xenemu_fail_clear();
			if (rc == 0) {
				ATF_CHECK_EQ(xenemu_kexec_loaded(
				    XENKEXEC_TYPE_CRASH), 1);
				ATF_CHECK_EQ(xenkexec_close(xk), 0);
				finish();
				continue;
			}
			failures++;
			ATF_CHECK_EQ_MSG(errno, ENOMEM, "call %u: errno %d",
			    n, errno);
			ATF_CHECK_STREQ(r.ctx, "xenkexec");
			/*
			 * The old image stays, unless the failure hit the
			 * second load of a replacement, which unloads it.
			 */
			ATF_CHECK_EQ_MSG(xenemu_kexec_loaded(
			    XENKEXEC_TYPE_CRASH), strstr(r.msg, "unloaded it")
			    != NULL ? 0 : pass, "call %u: %s", n, r.msg);
			ATF_CHECK_EQ(xenkexec_status(xk, XENKEXEC_TYPE_CRASH),
			    xenemu_kexec_loaded(XENKEXEC_TYPE_CRASH));
			ATF_CHECK_EQ(xenkexec_close(xk), 0);
			finish();
		}
	}
	printf("%u injected failures\n", failures);
	ATF_CHECK(failures >= 4);
}

ATF_TC_WITHOUT_HEAD(restricted);
ATF_TC_BODY(restricted, tc)
{
	struct rec r;
	xenkexec_handle *xk;
	uint64_t start, size;
	unsigned long before;

	setup();
	xk = open_ok(&r);
	ATF_REQUIRE_EQ(xentoolcore_restrict_all(1), 0);
	before = xenemu_hypercall_count();
	CHECK_FAIL(&r, xenkexec_get_range(xk, XENKEXEC_RANGE_MA_CRASH, 0,
	    &start, &size), EPERM);
	CHECK_FAIL(&r, xenkexec_unload(xk, XENKEXEC_TYPE_CRASH), EPERM);
	CHECK_FAIL(&r, xenkexec_exec(xk, XENKEXEC_TYPE_CRASH), EPERM);
	ATF_CHECK_EQ(xenemu_hypercall_count(), before);
	ATF_CHECK_EQ(xenkexec_close(xk), 0);
	finish();
}

ATF_TC_WITHOUT_HEAD(fork_child);
ATF_TC_BODY(fork_child, tc)
{
	struct rec r;
	xenkexec_handle *xk;
	uint64_t start, size;
	pid_t pid;
	int status;

	setup();
	xk = open_ok(&r);
	ATF_REQUIRE(xenkexec_get_version(xk, NULL, NULL) > 0);
	pid = fork();
	ATF_REQUIRE(pid >= 0);
	if (pid == 0) {
		int bad = 0;

		/* An inherited handle may only be closed. */
		errno = 0;
		bad |= xenkexec_get_version(xk, NULL, NULL) != -1;
		bad |= errno != EBADF;
		errno = 0;
		bad |= xenkexec_get_range(xk, XENKEXEC_RANGE_MA_XEN, 0, &start,
		    &size) != -1;
		bad |= errno != EBADF;
		bad |= xenkexec_close(xk) != 0;
		_exit(bad ? 1 : 0);
	}
	ATF_REQUIRE_EQ(waitpid(pid, &status, 0), pid);
	ATF_CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	/* The parent's handle is untouched. */
	ATF_CHECK_EQ(xenkexec_get_range(xk, XENKEXEC_RANGE_MA_XEN, 0, &start,
	    &size), 0);
	ATF_CHECK_EQ(xenkexec_close(xk), 0);
	finish();
}

static void *
hammer(void *arg)
{
	xenkexec_handle *xk = arg;
	uint64_t start, size;
	long bad = 0;
	int i;

	for (i = 0; i < 200; i++) {
		bad += xenkexec_get_range(xk, XENKEXEC_RANGE_MA_CPU, i % 4,
		    &start, &size) != 0;
		bad += start != 0x7f000000ULL + (uint64_t)(i % 4) * 0x1000;
		bad += xenkexec_get_max_cpus(xk) != 4;
		bad += xenkexec_status(xk, XENKEXEC_TYPE_DEFAULT) != 0;
	}
	return (void *)bad;
}

ATF_TC_WITHOUT_HEAD(threads);
ATF_TC_BODY(threads, tc)
{
	struct rec r;
	xenkexec_handle *xk;
	pthread_t t[4];
	void *ret;
	int i;

	setup();
	xk = open_ok(&r);
	for (i = 0; i < 4; i++)
		ATF_REQUIRE_EQ(pthread_create(&t[i], NULL, hammer, xk), 0);
	for (i = 0; i < 4; i++) {
		ATF_REQUIRE_EQ(pthread_join(t[i], &ret), 0);
		ATF_CHECK_EQ_MSG((long)ret, 0, "thread %d: %ld bad answers",
		    i, (long)ret);
	}
	ATF_CHECK_EQ(r.errors, 0);
	ATF_CHECK_EQ(xenkexec_close(xk), 0);
	finish();
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, open_close);
	ATF_TP_ADD_TC(tp, null_handle);
	ATF_TP_ADD_TC(tp, load_decoded);
	ATF_TP_ADD_TC(tp, bad_images);
	ATF_TP_ADD_TC(tp, ranges);
	ATF_TP_ADD_TC(tp, sysctl_versions);
	ATF_TP_ADD_TC(tp, memory_map_version);
	ATF_TP_ADD_TC(tp, hypercall_failures);
	ATF_TP_ADD_TC(tp, replace_fails);
	ATF_TP_ADD_TC(tp, load_fault_sweep);
	ATF_TP_ADD_TC(tp, restricted);
	ATF_TP_ADD_TC(tp, fork_child);
	ATF_TP_ADD_TC(tp, threads);
	return atf_no_error();
}
