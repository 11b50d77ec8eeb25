/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * libxenkexec against the real hypervisor (run in dom0; kyua skips every
 * case without /dev/xen/privcmd).  Loads and unloads crash images but
 * never executes one.
 */
#include <atf-c.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <xenkexec.h>
#include <xentoolcore.h>
#include <xentoollog.h>

#include "xenlibs_test.h"

#define PG	4096u
#define MB	(1024u * 1024u)

#define XEN_TC(name, descr)						\
	ATF_TC(name);							\
	ATF_TC_HEAD(name, tc)						\
	{								\
		atf_tc_set_md_var(tc, "descr", descr);			\
		atf_tc_set_md_var(tc, "require.files",			\
		    "/dev/xen/privcmd");				\
	}

/* A logger that remembers the last message and counts errors. */
struct rec_logger {
	xentoollog_logger	vtable;
	char			last[512];
	char			ctx[32];
	int			errnoval;
	unsigned int		errors;
};

static void
rec_vmessage(xentoollog_logger *l, xentoollog_level level, int errnoval,
    const char *context, const char *format, va_list al)
{
	struct rec_logger *r = (struct rec_logger *)l;

	vsnprintf(r->last, sizeof(r->last), format, al);
	snprintf(r->ctx, sizeof(r->ctx), "%s", context ? context : "");
	r->errnoval = errnoval;
	if (level >= XTL_ERROR)
		r->errors++;
}

static void
rec_destroy(xentoollog_logger *l)
{
	(void)l;
}

static void
rec_init(struct rec_logger *r)
{
	memset(r, 0, sizeof(*r));
	r->vtable.vmessage = rec_vmessage;
	r->vtable.destroy = rec_destroy;
}

static xenkexec_handle *
xk_open(struct rec_logger *r)
{
	xenkexec_handle *xk;

	rec_init(r);
	xk = xenkexec_open(&r->vtable, 0);
	ATF_REQUIRE_MSG(xk != NULL, "xenkexec_open: %s", strerror(errno));
	return xk;
}

/* -1 and errno e, and one more error logged under "xenkexec". */
#define CHECK_FAIL(r, call, e) do {					\
	unsigned int errs_ = (r)->errors;				\
	errno = 0;							\
	ATF_CHECK_EQ_MSG((call), -1, "%s did not fail", #call);		\
	ATF_CHECK_EQ_MSG(errno, (e), "%s: errno %d (%s), want %d",	\
	    #call, errno, strerror(errno), (e));			\
	ATF_CHECK_MSG((r)->errors > errs_, "%s: nothing logged", #call); \
	ATF_CHECK_STREQ((r)->ctx, "xenkexec");				\
} while (0)

/* The crash area, or skip the test when Xen reserved none. */
static void
crash_area(xenkexec_handle *xk, uint64_t *start, uint64_t *size)
{
	ATF_REQUIRE_EQ(xenkexec_get_range(xk, XENKEXEC_RANGE_MA_CRASH, 0,
	    start, size), 0);
	if (*size == 0)
		atf_tc_skip("Xen has no crash area: boot it with "
		    "crashkernel=<size>@<addr>");
	ATF_REQUIRE_MSG(*size >= 16 * MB, "crash area of %" PRIu64 " bytes "
	    "is too small for the test", *size);
}

static int
e820_covers(const struct xenkexec_memory_entry *m, int n, uint32_t type,
    uint64_t start, uint64_t size)
{
	int i;

	for (i = 0; i < n; i++)
		if (m[i].type == type && start >= m[i].addr &&
		    start + size <= m[i].addr + m[i].size)
			return 1;
	return 0;
}

static int
read_ulong(const char *path, unsigned long *v)
{
	FILE *f = fopen(path, "r");
	int ok;

	if (f == NULL)
		return -1;
	ok = fscanf(f, "%lu", v) == 1;
	fclose(f);
	return ok ? 0 : -1;
}

XEN_TC(open_close, "open with and without a logger, bad flags, no fd leak");
ATF_TC_BODY(open_close, tc)
{
	struct rec_logger r;
	xenkexec_handle *xk;
	int fds = xt_fd_count(), i;

	for (i = 0; i < 3; i++) {
		xk = xenkexec_open(NULL, 0);
		ATF_REQUIRE(xk != NULL);
		ATF_CHECK(xt_fd_count() > fds);
		ATF_CHECK_EQ(xenkexec_close(xk), 0);
	}
	ATF_CHECK_EQ(xt_fd_count(), fds);
	rec_init(&r);
	errno = 0;
	ATF_CHECK(xenkexec_open(&r.vtable, 1) == NULL);
	ATF_CHECK_EQ(errno, EINVAL);
	ATF_CHECK_EQ(r.errors, 1);
	ATF_CHECK_STREQ(r.ctx, "xenkexec");
	ATF_CHECK_EQ(xt_fd_count(), fds);
	ATF_CHECK_EQ(xenkexec_close(NULL), 0);
}

XEN_TC(version, "the Xen version agrees with dom0's /sys/hypervisor");
ATF_TC_BODY(version, tc)
{
	struct rec_logger r;
	xenkexec_handle *xk = xk_open(&r);
	unsigned int major = 0, minor = 0;
	unsigned long smaj, smin;
	const char *lab = getenv("XENLAB_XEN");
	int v;

	v = xenkexec_get_version(xk, &major, &minor);
	ATF_REQUIRE(v > 0);
	ATF_CHECK_EQ((unsigned int)v, major << 16 | minor);
	ATF_CHECK_EQ(major, 4);
	ATF_CHECK(minor >= 17);
	ATF_CHECK_EQ(xenkexec_get_version(xk, NULL, NULL), v);
	printf("Xen %u.%u\n", major, minor);
	if (lab != NULL) {
		char want[16];

		snprintf(want, sizeof(want), "%u.%u", major, minor);
		ATF_CHECK_STREQ(want, lab);
	}
	if (read_ulong("/sys/hypervisor/version/major", &smaj) == 0 &&
	    read_ulong("/sys/hypervisor/version/minor", &smin) == 0) {
		ATF_CHECK_EQ(smaj, major);
		ATF_CHECK_EQ(smin, minor);
	}
	ATF_CHECK_EQ(xenkexec_close(xk), 0);
}

XEN_TC(get_range_all, "get_range for every range type Xen knows");
ATF_TC_BODY(get_range_all, tc)
{
	struct rec_logger r;
	xenkexec_handle *xk = xk_open(&r);
	uint64_t start, size, cstart, csize, xstart, xsize;
	int ncpu, i, rc;

	/* Xen itself: a non-empty, page-aligned image. */
	ATF_REQUIRE_EQ(xenkexec_get_range(xk, XENKEXEC_RANGE_MA_XEN, 0,
	    &xstart, &xsize), 0);
	ATF_CHECK(xsize > 0);
	ATF_CHECK_EQ(xstart % PG, 0);
	printf("xen %#" PRIx64 "+%#" PRIx64 "\n", xstart, xsize);

	/* The crash area: empty, or page-aligned and clear of Xen. */
	ATF_REQUIRE_EQ(xenkexec_get_range(xk, XENKEXEC_RANGE_MA_CRASH, 0,
	    &cstart, &csize), 0);
	printf("crash %#" PRIx64 "+%#" PRIx64 "\n", cstart, csize);
	if (csize != 0) {
		ATF_CHECK_EQ(cstart % PG, 0);
		ATF_CHECK(cstart + csize <= xstart ||
		    xstart + xsize <= cstart);
	}

	/* vmcoreinfo: a note Xen keeps in its own memory. */
	ATF_REQUIRE_EQ(xenkexec_get_range(xk, XENKEXEC_RANGE_MA_VMCOREINFO, 0,
	    &start, &size), 0);
	ATF_CHECK(start != 0);
	ATF_CHECK(size > 0 && size <= PG);
	printf("vmcoreinfo %#" PRIx64 "+%#" PRIx64 "\n", start, size);

	/* One note per CPU, and ERANGE just past the last. */
	ncpu = xenkexec_get_max_cpus(xk);
	ATF_REQUIRE(ncpu > 0);
	for (i = 0; i < ncpu; i++) {
		rc = xenkexec_get_range(xk, XENKEXEC_RANGE_MA_CPU, i, &start,
		    &size);
		if (csize != 0) {
			ATF_CHECK_EQ_MSG(rc, 0, "CPU %d: %s", i,
			    strerror(errno));
			ATF_CHECK(start != 0 && size > 0);
		} else {
			/* Without a crash area Xen keeps no notes. */
			ATF_CHECK(rc == 0 || errno == EINVAL);
		}
	}
	CHECK_FAIL(&r, xenkexec_get_range(xk, XENKEXEC_RANGE_MA_CPU, ncpu,
	    &start, &size), ERANGE);
	CHECK_FAIL(&r, xenkexec_get_range(xk, XENKEXEC_RANGE_MA_CPU, -1,
	    &start, &size), ERANGE);

	/* Types x86 Xen does not provide: refused, not invented. */
	for (i = XENKEXEC_RANGE_MA_XENHEAP; i <= XENKEXEC_RANGE_MA_EFI_MEMMAP;
	    i++) {
		errno = 0;
		rc = xenkexec_get_range(xk, i, 0, &start, &size);
		printf("range %d: rc %d errno %d\n", i, rc, errno);
		ATF_CHECK(rc == 0 || errno == EINVAL);
		if (i == XENKEXEC_RANGE_MA_BOOT_PARAM)	/* ia64 only */
			ATF_CHECK(rc == -1 && errno == EINVAL);
	}

	/* Unknown types and null results. */
	CHECK_FAIL(&r, xenkexec_get_range(xk, 7, 0, &start, &size), EINVAL);
	CHECK_FAIL(&r, xenkexec_get_range(xk, -1, 0, &start, &size), EINVAL);
	CHECK_FAIL(&r, xenkexec_get_range(xk, XENKEXEC_RANGE_MA_XEN, 0, NULL,
	    &size), EINVAL);
	CHECK_FAIL(&r, xenkexec_get_range(xk, XENKEXEC_RANGE_MA_XEN, 0,
	    &start, NULL), EINVAL);
	ATF_CHECK_EQ(xenkexec_close(xk), 0);
}

/* Three segments: two of data, one zero-filled; entry in the first. */
static unsigned char seg_a[2 * PG], seg_b[100];

static void
make_image(uint64_t cstart, struct xenkexec_segment s[3], uint64_t *entry)
{
	size_t i;

	for (i = 0; i < sizeof(seg_a); i++)
		seg_a[i] = (unsigned char)(i * 7 + 1);
	memset(seg_b, 0xa5, sizeof(seg_b));
	memset(s, 0, 3 * sizeof(s[0]));
	s[0].buf = seg_a;
	s[0].buf_size = sizeof(seg_a);
	s[0].dest_maddr = cstart + 1 * MB;
	s[0].dest_size = 4 * PG;
	s[1].buf = seg_b;
	s[1].buf_size = sizeof(seg_b);
	s[1].dest_maddr = cstart + 4 * MB;
	s[1].dest_size = PG;
	s[2].buf = NULL;
	s[2].buf_size = 0;
	s[2].dest_maddr = cstart + 8 * MB;
	s[2].dest_size = 16 * PG;
	*entry = s[0].dest_maddr + 0x100;
}

XEN_TC(crash_load_unload, "load a crash image, status, unload, status");
ATF_TC_BODY(crash_load_unload, tc)
{
	struct rec_logger r;
	xenkexec_handle *xk = xk_open(&r);
	struct xenkexec_segment s[3];
	uint64_t cstart, csize, entry;
	int fds, maps;

	crash_area(xk, &cstart, &csize);
	ATF_REQUIRE_EQ(xenkexec_unload(xk, XENKEXEC_TYPE_CRASH), 0);
	ATF_REQUIRE_EQ(xenkexec_status(xk, XENKEXEC_TYPE_CRASH), 0);
	make_image(cstart, s, &entry);

	ATF_REQUIRE_EQ_MSG(xenkexec_load(xk, XENKEXEC_TYPE_CRASH, 62, entry, 3,
	    s), 0, "load: %s (%s)", strerror(errno), r.last);
	ATF_CHECK_EQ(xenkexec_status(xk, XENKEXEC_TYPE_CRASH), 1);
	ATF_CHECK_EQ(xenkexec_unload(xk, XENKEXEC_TYPE_CRASH), 0);
	ATF_CHECK_EQ(xenkexec_status(xk, XENKEXEC_TYPE_CRASH), 0);

	/* Again, now that libxenhypercall's buffer cache is warm. */
	fds = xt_fd_count();
	maps = xt_mapping_count();
	ATF_REQUIRE_EQ_MSG(xenkexec_load(xk, XENKEXEC_TYPE_CRASH, 62, entry, 3,
	    s), 0, "load: %s (%s)", strerror(errno), r.last);
	ATF_CHECK_EQ(xenkexec_status(xk, XENKEXEC_TYPE_CRASH), 1);
	ATF_CHECK_EQ(xenkexec_status(xk, XENKEXEC_TYPE_DEFAULT), 0);
	/* Loading again replaces the image. */
	ATF_CHECK_EQ(xenkexec_load(xk, XENKEXEC_TYPE_CRASH, 62, entry, 2, s),
	    0);
	ATF_CHECK_EQ(xenkexec_status(xk, XENKEXEC_TYPE_CRASH), 1);
	ATF_CHECK_EQ(xenkexec_load(xk, XENKEXEC_TYPE_CRASH, 62, entry, 3, s),
	    0);
	ATF_CHECK_EQ(xenkexec_status(xk, XENKEXEC_TYPE_CRASH), 1);
	ATF_CHECK_EQ(xenkexec_unload(xk, XENKEXEC_TYPE_CRASH), 0);
	ATF_CHECK_EQ(xenkexec_status(xk, XENKEXEC_TYPE_CRASH), 0);
	/* Unloading nothing is not an error. */
	ATF_CHECK_EQ(xenkexec_unload(xk, XENKEXEC_TYPE_CRASH), 0);
	ATF_CHECK_EQ(xenkexec_status(xk, XENKEXEC_TYPE_CRASH), 0);
	/* Hypercall buffers all returned. */
	ATF_CHECK_EQ(xt_fd_count(), fds);
	ATF_CHECK_EQ(xt_mapping_count(), maps);
	ATF_CHECK_EQ(r.errors, 0);
	ATF_CHECK_EQ(xenkexec_close(xk), 0);
}

XEN_TC(bad_images, "refused images leave nothing loaded, and keep the old");
ATF_TC_BODY(bad_images, tc)
{
	struct rec_logger r;
	xenkexec_handle *xk = xk_open(&r);
	struct xenkexec_segment s[3], many[XENKEXEC_MAX_SEGMENTS + 1], t[3];
	uint64_t cstart, csize, entry;
	unsigned int i;
	int pass;

	crash_area(xk, &cstart, &csize);
	ATF_REQUIRE_EQ(xenkexec_unload(xk, XENKEXEC_TYPE_CRASH), 0);
	make_image(cstart, s, &entry);

	/* First with nothing loaded, then with a good image loaded. */
	for (pass = 0; pass < 2; pass++) {
		int want = pass;

		if (pass == 1)
			ATF_REQUIRE_EQ(xenkexec_load(xk, XENKEXEC_TYPE_CRASH,
			    62, entry, 3, s), 0);

		/* A null image. */
		CHECK_FAIL(&r, xenkexec_load(xk, XENKEXEC_TYPE_CRASH, 62,
		    entry, 0, s), EINVAL);
		CHECK_FAIL(&r, xenkexec_load(xk, XENKEXEC_TYPE_CRASH, 62,
		    entry, 3, NULL), EINVAL);
		ATF_CHECK_EQ(xenkexec_status(xk, XENKEXEC_TYPE_CRASH), want);

		/* Overlapping segments. */
		memcpy(t, s, sizeof(t));
		t[1].dest_maddr = t[0].dest_maddr + PG;
		CHECK_FAIL(&r, xenkexec_load(xk, XENKEXEC_TYPE_CRASH, 62,
		    entry, 3, t), EINVAL);
		ATF_CHECK_EQ(xenkexec_status(xk, XENKEXEC_TYPE_CRASH), want);

		/*
		 * A segment with data outside the crash area, below and
		 * above (one without a buffer is not checked, by Xen either).
		 */
		memcpy(t, s, sizeof(t));
		t[2].buf = seg_b;
		t[2].buf_size = sizeof(seg_b);
		t[2].dest_maddr = cstart + csize - PG;
		t[2].dest_size = 2 * PG;
		CHECK_FAIL(&r, xenkexec_load(xk, XENKEXEC_TYPE_CRASH, 62,
		    entry, 3, t), EINVAL);
		memcpy(t, s, sizeof(t));
		t[1].dest_maddr = cstart - PG;
		CHECK_FAIL(&r, xenkexec_load(xk, XENKEXEC_TYPE_CRASH, 62,
		    entry, 3, t), EINVAL);
		/* The entry point outside the crash area. */
		CHECK_FAIL(&r, xenkexec_load(xk, XENKEXEC_TYPE_CRASH, 62,
		    cstart + csize, 3, s), EINVAL);
		ATF_CHECK_EQ(xenkexec_status(xk, XENKEXEC_TYPE_CRASH), want);

		/* Too many segments. */
		for (i = 0; i < XENKEXEC_MAX_SEGMENTS + 1; i++) {
			many[i].buf = NULL;
			many[i].buf_size = 0;
			many[i].dest_maddr = cstart + (uint64_t)i * 2 * PG;
			many[i].dest_size = PG;
		}
		CHECK_FAIL(&r, xenkexec_load(xk, XENKEXEC_TYPE_CRASH, 62,
		    cstart, XENKEXEC_MAX_SEGMENTS + 1, many), E2BIG);
		ATF_CHECK_EQ(xenkexec_status(xk, XENKEXEC_TYPE_CRASH), want);

		/* Misaligned, oversized, wrapping, null data. */
		memcpy(t, s, sizeof(t));
		t[0].dest_maddr += 8;
		CHECK_FAIL(&r, xenkexec_load(xk, XENKEXEC_TYPE_CRASH, 62,
		    entry, 3, t), EINVAL);
		memcpy(t, s, sizeof(t));
		t[1].buf_size = 2 * PG;
		t[1].buf = seg_a;
		CHECK_FAIL(&r, xenkexec_load(xk, XENKEXEC_TYPE_CRASH, 62,
		    entry, 3, t), EINVAL);
		memcpy(t, s, sizeof(t));
		t[2].dest_maddr = UINT64_MAX - PG + 1;
		t[2].dest_size = 2 * PG;
		CHECK_FAIL(&r, xenkexec_load(xk, XENKEXEC_TYPE_CRASH, 62,
		    entry, 3, t), EINVAL);
		memcpy(t, s, sizeof(t));
		t[1].buf = NULL;
		CHECK_FAIL(&r, xenkexec_load(xk, XENKEXEC_TYPE_CRASH, 62,
		    entry, 3, t), EINVAL);

		/* Unknown image type. */
		CHECK_FAIL(&r, xenkexec_load(xk, 2, 62, entry, 3, s), EINVAL);
		CHECK_FAIL(&r, xenkexec_status(xk, -1), EINVAL);
		CHECK_FAIL(&r, xenkexec_unload(xk, 7), EINVAL);
		ATF_CHECK_EQ(xenkexec_status(xk, XENKEXEC_TYPE_CRASH), want);
	}
	ATF_CHECK_EQ(xenkexec_unload(xk, XENKEXEC_TYPE_CRASH), 0);
	ATF_CHECK_EQ(xenkexec_status(xk, XENKEXEC_TYPE_CRASH), 0);
	ATF_CHECK_EQ(xenkexec_close(xk), 0);
}

XEN_TC(memory_map, "the machine memory map agrees with Xen's ranges and "
    "dom0's view");
ATF_TC_BODY(memory_map, tc)
{
	struct rec_logger r;
	xenkexec_handle *xk = xk_open(&r);
	struct xenkexec_memory_entry m[256], one[2];
	uint64_t ram = 0, start, size;
	unsigned long memtotal_kb = 0;
	char line[256];
	FILE *f;
	int n, i, ncover = 0;

	n = xenkexec_get_memory_map(xk, NULL, 0);
	ATF_REQUIRE_MSG(n > 0, "%s", strerror(errno));
	ATF_REQUIRE(n <= 256);
	ATF_REQUIRE_EQ(xenkexec_get_memory_map(xk, m, 256), n);
	for (i = 0; i < n; i++) {
		printf("e820 %#" PRIx64 "+%#" PRIx64 " type %u\n", m[i].addr,
		    m[i].size, m[i].type);
		ATF_CHECK(m[i].size > 0);
		ATF_CHECK_EQ(m[i].reserved, 0);
		if (i > 0)	/* sorted, disjoint */
			ATF_CHECK(m[i - 1].addr + m[i - 1].size <= m[i].addr);
		if (m[i].type == XENKEXEC_E820_RAM)
			ram += m[i].size;
	}
	ATF_CHECK(ram > 64 * MB);

	/* Truncated: the count is still the whole map's. */
	memset(one, 0xee, sizeof(one));
	ATF_CHECK_EQ(xenkexec_get_memory_map(xk, one, 1), n);
	ATF_CHECK(memcmp(&one[0], &m[0], sizeof(one[0])) == 0);
	ATF_CHECK_EQ(one[1].addr, UINT64_C(0xeeeeeeeeeeeeeeee));
	CHECK_FAIL(&r, xenkexec_get_memory_map(xk, NULL, 4), EINVAL);

	/* Xen's own ranges lie in RAM. */
	ATF_REQUIRE_EQ(xenkexec_get_range(xk, XENKEXEC_RANGE_MA_XEN, 0,
	    &start, &size), 0);
	ATF_CHECK(e820_covers(m, n, XENKEXEC_E820_RAM, start, size));
	ATF_REQUIRE_EQ(xenkexec_get_range(xk, XENKEXEC_RANGE_MA_CRASH, 0,
	    &start, &size), 0);
	if (size != 0)
		ATF_CHECK(e820_covers(m, n, XENKEXEC_E820_RAM, start, size));
	ATF_REQUIRE_EQ(xenkexec_get_range(xk, XENKEXEC_RANGE_MA_VMCOREINFO, 0,
	    &start, &size), 0);
	ATF_CHECK(e820_covers(m, n, XENKEXEC_E820_RAM, start, size));

	/* dom0's memory fits in the machine's RAM. */
	if ((f = fopen("/proc/meminfo", "r")) != NULL) {
		while (fgets(line, sizeof(line), f) != NULL)
			if (sscanf(line, "MemTotal: %lu kB", &memtotal_kb) == 1)
				break;
		fclose(f);
	}
	ATF_CHECK(memtotal_kb > 0);
	ATF_CHECK((uint64_t)memtotal_kb * 1024 <= ram);

	/*
	 * dom0's firmware map (which Linux builds from the same hypercall
	 * in its own kernel) keeps the machine's reserved and ACPI regions.
	 */
	for (i = 0; i < 256; i++) {
		char path[128], type[64];
		unsigned long long a, e;
		FILE *g;
		uint32_t want;

		snprintf(path, sizeof(path), "/sys/firmware/memmap/%d/type", i);
		if ((g = fopen(path, "r")) == NULL)
			break;
		type[0] = '\0';
		if (fgets(type, sizeof(type), g) == NULL)
			type[0] = '\0';
		fclose(g);
		if (strncmp(type, "ACPI Tables", 11) == 0)
			want = XENKEXEC_E820_ACPI;
		else if (strncmp(type, "ACPI Non-volatile", 17) == 0)
			want = XENKEXEC_E820_NVS;
		else if (strncmp(type, "Reserved", 8) == 0)
			want = XENKEXEC_E820_RESERVED;
		else
			continue;
		snprintf(path, sizeof(path), "/sys/firmware/memmap/%d/start",
		    i);
		g = fopen(path, "r");
		ATF_REQUIRE(g != NULL);
		ATF_REQUIRE(fscanf(g, "%llx", &a) == 1);
		fclose(g);
		snprintf(path, sizeof(path), "/sys/firmware/memmap/%d/end", i);
		g = fopen(path, "r");
		ATF_REQUIRE(g != NULL);
		ATF_REQUIRE(fscanf(g, "%llx", &e) == 1);
		fclose(g);
		/* dom0 rewrites the map below 1 MiB (ISA hole) itself. */
		if (want == XENKEXEC_E820_RESERVED && a < MB)
			continue;
		printf("dom0 type %u %#llx-%#llx\n", (unsigned)want, a, e);
		ATF_CHECK_MSG(e820_covers(m, n, want, a, e + 1 - a),
		    "dom0's %#llx-%#llx not in the machine map", a, e);
		ncover++;
	}
	printf("%d regions of dom0's firmware map checked\n", ncover);
	if (access("/sys/firmware/memmap/0", F_OK) == 0)
		ATF_CHECK(ncover > 0);
	ATF_CHECK_EQ(xenkexec_close(xk), 0);
}

/*
 * The processors the firmware lists in its ACPI MADT (Local APIC and
 * Local x2APIC entries, enabled or not), read in dom0 from the table as
 * the firmware gave it: the source Xen sizes its CPU ids from.  -1 when
 * the table cannot be read.
 */
static int
madt_processors(void)
{
	static unsigned char t[65536];
	FILE *f;
	size_t n, off;
	uint32_t len;
	int count = 0;

	if ((f = fopen("/sys/firmware/acpi/tables/APIC", "rb")) == NULL)
		return -1;
	n = fread(t, 1, sizeof(t), f);
	fclose(f);
	if (n < 44 || memcmp(t, "APIC", 4) != 0)
		return -1;
	memcpy(&len, t + 4, sizeof(len));
	if (len < 44 || len > n)
		return -1;
	/* 36-byte header, local APIC address and flags, then entries. */
	for (off = 44; off + 2 <= len; off += t[off + 1]) {
		if (t[off + 1] < 2 || off + t[off + 1] > len)
			return -1;
		if (t[off] == 0 || t[off] == 9)
			count++;
	}
	return count;
}

XEN_TC(max_cpus, "the CPU count agrees with Xen's CPU notes and the "
    "firmware's processor list");
ATF_TC_BODY(max_cpus, tc)
{
	struct rec_logger r;
	xenkexec_handle *xk = xk_open(&r);
	uint64_t start, size;
	long online;
	int n, rc, madt;

	n = xenkexec_get_max_cpus(xk);
	ATF_REQUIRE_MSG(n > 0, "%s (%s)", strerror(errno), r.last);
	printf("max_cpus %d (%s)\n", n, r.last);
	/* Found through sysctl, whose interface version was detected. */
	ATF_CHECK_MSG(strstr(r.last, "sysctl interface version 0x") != NULL,
	    "last message: %s", r.last);
	/* Stable across calls (the detected version is cached). */
	ATF_CHECK_EQ(xenkexec_get_max_cpus(xk), n);
	/* Xen's per-CPU notes end exactly there. */
	rc = xenkexec_get_range(xk, XENKEXEC_RANGE_MA_CPU, n - 1, &start,
	    &size);
	ATF_CHECK(rc == 0 || errno == EINVAL);
	CHECK_FAIL(&r, xenkexec_get_range(xk, XENKEXEC_RANGE_MA_CPU, n,
	    &start, &size), ERANGE);
	/*
	 * Xen numbers CPUs for every processor the firmware lists, unless
	 * booted with maxcpus= or nr_cpus= (never under the harness), so
	 * never more.
	 */
	if ((madt = madt_processors()) > 0) {
		printf("MADT processors %d\n", madt);
		ATF_CHECK_MSG(n <= madt, "%d CPUs, the MADT lists %d", n,
		    madt);
		if (getenv("XENLAB") != NULL)
			ATF_CHECK_EQ(n, madt);
	} else {
		/*
		 * No MADT to read: dom0's vCPUs, which equal the CPUs only
		 * because the harness gives dom0 one per CPU.
		 */
		online = sysconf(_SC_NPROCESSORS_CONF);
		printf("no readable MADT; dom0 vcpus %ld\n", online);
		if (getenv("XENLAB") != NULL)
			ATF_CHECK_EQ(online, n);
	}
	ATF_CHECK_EQ(xenkexec_close(xk), 0);
}

XEN_TC(exec_refused, "exec of an image that is not loaded fails cleanly");
ATF_TC_BODY(exec_refused, tc)
{
	struct rec_logger r;
	xenkexec_handle *xk = xk_open(&r);

	CHECK_FAIL(&r, xenkexec_exec(xk, 5), EINVAL);
	if (xenkexec_status(xk, XENKEXEC_TYPE_DEFAULT) != 0)
		atf_tc_skip("a default image is loaded: not executing it");
	CHECK_FAIL(&r, xenkexec_exec(xk, XENKEXEC_TYPE_DEFAULT), ENOENT);
	ATF_CHECK_EQ(xenkexec_close(xk), 0);
}

XEN_TC(restricted, "xentoolcore_restrict_all() makes the handle refuse "
    "everything");
ATF_TC_BODY(restricted, tc)
{
	struct rec_logger r;
	xenkexec_handle *xk = xk_open(&r);
	uint64_t start, size;

	ATF_REQUIRE(xenkexec_get_version(xk, NULL, NULL) > 0);
	ATF_REQUIRE_EQ(xentoolcore_restrict_all(0), 0);
	CHECK_FAIL(&r, xenkexec_get_version(xk, NULL, NULL), EPERM);
	CHECK_FAIL(&r, xenkexec_get_range(xk, XENKEXEC_RANGE_MA_XEN, 0,
	    &start, &size), EPERM);
	CHECK_FAIL(&r, xenkexec_status(xk, XENKEXEC_TYPE_CRASH), EPERM);
	CHECK_FAIL(&r, xenkexec_get_max_cpus(xk), EPERM);
	CHECK_FAIL(&r, xenkexec_get_memory_map(xk, NULL, 0), EPERM);
	ATF_CHECK_EQ(xenkexec_close(xk), 0);
}

XEN_TC(default_load_unload, "load and unload a default image, never run it");
ATF_TC_BODY(default_load_unload, tc)
{
	struct rec_logger r;
	xenkexec_handle *xk = xk_open(&r);
	struct xenkexec_segment s[2];
	int crash;

	ATF_REQUIRE_EQ(xenkexec_unload(xk, XENKEXEC_TYPE_DEFAULT), 0);
	ATF_REQUIRE_EQ(xenkexec_status(xk, XENKEXEC_TYPE_DEFAULT), 0);
	crash = xenkexec_status(xk, XENKEXEC_TYPE_CRASH);
	memset(s, 0, sizeof(s));
	memset(seg_a, 0x3c, sizeof(seg_a));
	s[0].buf = seg_a;
	s[0].buf_size = sizeof(seg_a);
	s[0].dest_maddr = 16 * MB;
	s[0].dest_size = sizeof(seg_a);
	s[1].dest_maddr = 32 * MB;
	s[1].dest_size = 4 * PG;
	ATF_REQUIRE_EQ_MSG(xenkexec_load(xk, XENKEXEC_TYPE_DEFAULT, 62,
	    16 * MB, 2, s), 0, "%s (%s)", strerror(errno), r.last);
	ATF_CHECK_EQ(xenkexec_status(xk, XENKEXEC_TYPE_DEFAULT), 1);
	ATF_CHECK_EQ(xenkexec_status(xk, XENKEXEC_TYPE_CRASH), crash);
	ATF_CHECK_EQ(xenkexec_unload(xk, XENKEXEC_TYPE_DEFAULT), 0);
	ATF_CHECK_EQ(xenkexec_status(xk, XENKEXEC_TYPE_DEFAULT), 0);
	/* Now exec of the default type has nothing to run. */
	CHECK_FAIL(&r, xenkexec_exec(xk, XENKEXEC_TYPE_DEFAULT), ENOENT);
	ATF_CHECK_EQ(xenkexec_close(xk), 0);
}

static double
now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

XEN_TC(timings, "measure the calls (and load a 16 MiB crash image)");
ATF_TC_BODY(timings, tc)
{
	struct rec_logger r;
	xenkexec_handle *xk;
	struct xenkexec_segment s[2];
	struct xenkexec_memory_entry m[64];
	uint64_t cstart, csize, start, size;
	double t0, t_open, t_range, t_first, t_cpus, t_map, t_load, t_unload;
	double t_small;
	unsigned char *big;
	char line[512];
	FILE *f;
	int i, n = 200;

	t0 = now_us();
	xk = xk_open(&r);
	t_open = now_us() - t0;
	crash_area(xk, &cstart, &csize);
	t0 = now_us();
	for (i = 0; i < n; i++)
		ATF_REQUIRE_EQ(xenkexec_get_range(xk, XENKEXEC_RANGE_MA_XEN, 0,
		    &start, &size), 0);
	t_range = (now_us() - t0) / n;
	t0 = now_us();
	ATF_REQUIRE(xenkexec_get_max_cpus(xk) > 0);
	t_first = now_us() - t0;
	t0 = now_us();
	for (i = 0; i < n; i++)
		ATF_REQUIRE(xenkexec_get_max_cpus(xk) > 0);
	t_cpus = (now_us() - t0) / n;
	t0 = now_us();
	for (i = 0; i < 20; i++)
		ATF_REQUIRE(xenkexec_get_memory_map(xk, m, 64) > 0);
	t_map = (now_us() - t0) / 20;

	ATF_REQUIRE((big = malloc(16 * MB)) != NULL);
	for (i = 0; i < (int)(16 * MB); i += 4096)
		big[i] = (unsigned char)i;
	memset(s, 0, sizeof(s));
	s[0].buf = big;
	s[0].buf_size = 16 * MB;
	s[0].dest_maddr = cstart + 2 * MB;
	s[0].dest_size = 16 * MB;
	s[1].buf = seg_b;
	s[1].buf_size = sizeof(seg_b);
	s[1].dest_maddr = cstart + 20 * MB;
	s[1].dest_size = PG;
	ATF_REQUIRE_EQ(xenkexec_unload(xk, XENKEXEC_TYPE_CRASH), 0);
	t0 = now_us();
	ATF_REQUIRE_EQ_MSG(xenkexec_load(xk, XENKEXEC_TYPE_CRASH, 62,
	    s[0].dest_maddr, 2, s), 0, "%s (%s)", strerror(errno), r.last);
	t_load = now_us() - t0;
	ATF_CHECK_EQ(xenkexec_status(xk, XENKEXEC_TYPE_CRASH), 1);
	ATF_CHECK_EQ(xenkexec_unload(xk, XENKEXEC_TYPE_CRASH), 0);
	ATF_CHECK_EQ(xenkexec_status(xk, XENKEXEC_TYPE_CRASH), 0);
	/* Small images: the clock of a TCG dom0 is too coarse for one call. */
	t_small = t_unload = 0;
	for (i = 0; i < 10; i++) {
		t0 = now_us();
		ATF_REQUIRE_EQ(xenkexec_load(xk, XENKEXEC_TYPE_CRASH, 62,
		    s[1].dest_maddr, 1, &s[1]), 0);
		t_small += now_us() - t0;
		t0 = now_us();
		ATF_REQUIRE_EQ(xenkexec_unload(xk, XENKEXEC_TYPE_CRASH), 0);
		t_unload += now_us() - t0;
	}
	t_small /= 10;
	t_unload /= 10;
	ATF_CHECK_EQ(xenkexec_status(xk, XENKEXEC_TYPE_CRASH), 0);
	free(big);
	ATF_CHECK_EQ(xenkexec_close(xk), 0);

	snprintf(line, sizeof(line), "Xen %s: open %.0f us, get_range %.1f us,"
	    " get_max_cpus first %.1f us then %.1f us, get_memory_map %.1f us,"
	    " load 16 MiB crash image %.0f us, load 1-page image %.0f us,"
	    " unload %.0f us\n",
	    getenv("XENLAB_XEN") ? getenv("XENLAB_XEN") : "?", t_open,
	    t_range, t_first, t_cpus, t_map, t_load, t_small, t_unload);
	printf("%s", line);
	if ((f = fopen("/xenlab/out/libxenkexec-timings.txt", "a")) != NULL) {
		fputs(line, f);
		fclose(f);
	}
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, open_close);
	ATF_TP_ADD_TC(tp, version);
	ATF_TP_ADD_TC(tp, get_range_all);
	ATF_TP_ADD_TC(tp, crash_load_unload);
	ATF_TP_ADD_TC(tp, bad_images);
	ATF_TP_ADD_TC(tp, memory_map);
	ATF_TP_ADD_TC(tp, max_cpus);
	ATF_TP_ADD_TC(tp, exec_refused);
	ATF_TP_ADD_TC(tp, restricted);
	ATF_TP_ADD_TC(tp, default_load_unload);
	ATF_TP_ADD_TC(tp, timings);
	return atf_no_error();
}
