/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * libxenhypercall against the real hypervisor (dom0 under xenlab), plus
 * the one case that needs no Xen: opening fails cleanly without it.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <xencall.h>
#include <xentoolcore.h>
#include <xentoollog.h>

#include "xenlibs_test.h"
#include "xencall_capture.h"

/* Xen's public interface (xen.h, version.h, memory.h): numbers only. */
#define HC_memory_op			12
#define HC_xen_version			17
#define XENVER_version			0
#define XENVER_extraversion		1
#define XENVER_capabilities		3
#define XENVER_pagesize			7
#define XENMEM_maximum_ram_page		2
#define XENMEM_current_reservation	3
#define XENMEM_maximum_reservation	4
#define EXTRAVERSION_LEN		16
#define CAPABILITIES_LEN		1024
#define XEN_DOMID_SELF			0x7FF0U

#define PRIVCMD "/dev/xen/privcmd"

#define REQUIRE_XEN(tc) \
	atf_tc_set_md_var(tc, "require.files", PRIVCMD)

static xencall_handle *
open_or_fail(struct capture *c, unsigned flags)
{
	xencall_handle *h;

	capture_init(c);
	h = xencall_open(&c->vtable, flags);
	ATF_REQUIRE_MSG(h != NULL, "xencall_open: %s (%s)", strerror(errno),
	    c->msg);
	return h;
}

/* 1 if addr is inside a mapping of this process (Linux /proc). */
static int
is_mapped(const void *addr)
{
	FILE *f;
	char line[512];
	uintptr_t a = (uintptr_t)addr, lo, hi;
	int found = 0;

	ATF_REQUIRE((f = fopen("/proc/self/maps", "r")) != NULL);
	while (fgets(line, sizeof(line), f) != NULL)
		if (sscanf(line, "%" SCNxPTR "-%" SCNxPTR, &lo, &hi) == 2 &&
		    a >= lo && a < hi)
			found = 1;
	fclose(f);
	return found;
}

/*
 * Mappings of the hypercall buffer device (Linux), or every mapping when
 * buffers are anonymous memory: what a buffer leak would grow.  Counting
 * only the device's mappings keeps allocators (ASan's) out of the count.
 */
static int
buffer_mapping_count(int device)
{
	FILE *f;
	char line[512];
	int n = 0;

	if (!device)
		return xt_all_mapping_count();
	ATF_REQUIRE((f = fopen("/proc/self/maps", "r")) != NULL);
	while (fgets(line, sizeof(line), f) != NULL)
		if (strstr(line, "/dev/xen/hypercall") != NULL ||
		    strstr(line, "privcmd-buf") != NULL)
			n++;
	fclose(f);
	return n;
}

#define BUFMAPS(h)	buffer_mapping_count(xencall_buffers_never_fault(h))

ATF_TC(open_without_xen);
ATF_TC_HEAD(open_without_xen, tc)
{
	atf_tc_set_md_var(tc, "descr",
	    "Without Xen, open fails with ENOENT, logs, leaks no fd");
}
ATF_TC_BODY(open_without_xen, tc)
{
	struct capture c;
	int fds = xt_fd_count();

	if (access(PRIVCMD, F_OK) == 0 || access("/proc/xen/privcmd", F_OK) == 0)
		atf_tc_skip("Xen is present");
	capture_init(&c);
	errno = 0;
	ATF_CHECK(xencall_open(&c.vtable, 0) == NULL);
	ATF_CHECK_EQ(errno, ENOENT);
	CAPTURE_EXPECT(&c, 0, ENOENT);
	ATF_CHECK_EQ(xt_fd_count(), fds);
	/* Unknown flags are refused (checked before the device). */
	capture_init(&c);
	errno = 0;
	ATF_CHECK(xencall_open(&c.vtable, 0x80) == NULL);
	ATF_CHECK_EQ(errno, EINVAL);
	CAPTURE_EXPECT(&c, 0, EINVAL);
	/* NULL handles. */
	ATF_CHECK_EQ(xencall_close(NULL), 0);
	errno = 0;
	ATF_CHECK_EQ(xencall0(NULL, HC_xen_version), -1);
	ATF_CHECK_EQ(errno, EINVAL);
	ATF_CHECK(xencall_alloc_buffer(NULL, 1) == NULL);
	ATF_CHECK_EQ(xencall_fd(NULL), -1);
}

ATF_TC(open_close);
ATF_TC_HEAD(open_close, tc)
{
	atf_tc_set_md_var(tc, "descr",
	    "The handle's fd is privcmd, read-write, close-on-exec; close "
	    "releases it");
	REQUIRE_XEN(tc);
}
ATF_TC_BODY(open_close, tc)
{
	struct capture c;
	xencall_handle *h;
	int fd, fds = xt_fd_count();

	h = open_or_fail(&c, 0);
	fd = xencall_fd(h);
	ATF_REQUIRE(fd >= 0);
	ATF_CHECK(fcntl(fd, F_GETFD) & FD_CLOEXEC);
	ATF_CHECK_EQ(fcntl(fd, F_GETFL) & O_ACCMODE, O_RDWR);
	ATF_CHECK_EQ(xencall_close(h), 0);
	ATF_CHECK_EQ(xt_fd_count(), fds);
	/* NULL logger: the library's own, freed at close (ASan checks). */
	h = xencall_open(NULL, XENCALL_OPENFLAG_NON_REENTRANT);
	ATF_REQUIRE(h != NULL);
	ATF_CHECK_EQ(xencall_close(h), 0);
	ATF_CHECK_EQ(xt_fd_count(), fds);
	ATF_CHECK_EQ(c.count, 0);
}

ATF_TC(xen_version);
ATF_TC_HEAD(xen_version, tc)
{
	atf_tc_set_md_var(tc, "descr",
	    "xen_version(XENVER_version) gives 4.x, x >= 17, through every "
	    "arity; an unknown hypercall fails with ENOSYS");
	REQUIRE_XEN(tc);
}
ATF_TC_BODY(xen_version, tc)
{
	struct capture c;
	xencall_handle *h = open_or_fail(&c, 0);
	int v;

	v = xencall1(h, HC_xen_version, XENVER_version);
	ATF_REQUIRE_MSG(v > 0, "xen_version: %d (%s)", v, strerror(errno));
	ATF_CHECK_EQ(v >> 16, 4);
	ATF_CHECK((v & 0xffff) >= 17);
	printf("Xen %d.%d\n", v >> 16, v & 0xffff);
	ATF_CHECK_EQ(xencall2(h, HC_xen_version, XENVER_version, 0), v);
	ATF_CHECK_EQ(xencall3(h, HC_xen_version, XENVER_version, 0, 0), v);
	ATF_CHECK_EQ(xencall4(h, HC_xen_version, XENVER_version, 0, 0, 0), v);
	ATF_CHECK_EQ(xencall5(h, HC_xen_version, XENVER_version, 0, 0, 0, 0),
	    v);
	ATF_CHECK_EQ(xencall0(h, HC_xen_version), v);	/* arg 0 = version */
	ATF_CHECK_EQ(xencall2L(h, HC_xen_version, XENVER_version, 0), (long)v);
	ATF_CHECK_EQ(xencall2(h, HC_xen_version, XENVER_pagesize, 0), 4096);
	errno = 0;
	ATF_CHECK_EQ(xencall0(h, 63), -1);	/* no such hypercall */
	ATF_CHECK_EQ(errno, ENOSYS);
	ATF_CHECK_EQ(c.count, 0);		/* hypercalls never log */
	ATF_CHECK_EQ(xencall_close(h), 0);
}

ATF_TC(version_buffers);
ATF_TC_HEAD(version_buffers, tc)
{
	atf_tc_set_md_var(tc, "descr",
	    "XENVER_extraversion and XENVER_capabilities fill hypercall "
	    "buffers; a bad pointer gives EFAULT");
	REQUIRE_XEN(tc);
}
ATF_TC_BODY(version_buffers, tc)
{
	struct capture c;
	xencall_handle *h = open_or_fail(&c, 0);
	char *extra, *caps;

	extra = xencall_alloc_buffer(h, EXTRAVERSION_LEN);
	ATF_REQUIRE(extra != NULL);
	ATF_CHECK_EQ((uintptr_t)extra % 4096, 0);
	memset(extra, 'X', EXTRAVERSION_LEN);
	ATF_REQUIRE_EQ(xencall2(h, HC_xen_version, XENVER_extraversion,
	    (uintptr_t)extra), 0);
	ATF_CHECK(memchr(extra, '\0', EXTRAVERSION_LEN) != NULL);
	ATF_CHECK(extra[0] == '.' || extra[0] == '-' || extra[0] == '\0');
	printf("extraversion \"%.16s\"\n", extra);

	caps = xencall_alloc_buffer(h, CAPABILITIES_LEN);
	ATF_REQUIRE(caps != NULL);
	ATF_REQUIRE_EQ(xencall2(h, HC_xen_version, XENVER_capabilities,
	    (uintptr_t)caps), 0);
	ATF_CHECK(memchr(caps, '\0', CAPABILITIES_LEN) != NULL);
	ATF_CHECK_MSG(strstr(caps, "xen-3.0-") != NULL, "caps \"%.64s\"",
	    caps);
	printf("capabilities \"%.200s\"\n", caps);

	errno = 0;
	ATF_CHECK_EQ(xencall2(h, HC_xen_version, XENVER_extraversion, 16), -1);
	ATF_CHECK_EQ(errno, EFAULT);
	xencall_free_buffer(h, extra);
	xencall_free_buffer(h, caps);
	ATF_CHECK_EQ(c.count, 0);
	ATF_CHECK_EQ(xencall_close(h), 0);
}

ATF_TC(memory_op);
ATF_TC_HEAD(memory_op, tc)
{
	atf_tc_set_md_var(tc, "descr",
	    "memory_op(current/maximum_reservation) with a domid_t buffer; "
	    "maximum_ram_page through xencall2L equals xencall2's");
	REQUIRE_XEN(tc);
}
ATF_TC_BODY(memory_op, tc)
{
	struct capture c;
	xencall_handle *h = open_or_fail(&c, 0);
	uint16_t *dom;
	long cur, max, ramL;
	int ram;

	dom = xencall_alloc_buffer(h, sizeof(*dom));
	ATF_REQUIRE(dom != NULL);
	*dom = XEN_DOMID_SELF;
	cur = xencall2(h, HC_memory_op, XENMEM_current_reservation,
	    (uintptr_t)dom);
	max = xencall2L(h, HC_memory_op, XENMEM_maximum_reservation,
	    (uintptr_t)dom);
	printf("dom0 pages: current %ld, maximum %ld\n", cur, max);
	ATF_CHECK_MSG(cur > 1000, "current_reservation %ld (%s)", cur,
	    strerror(errno));
	ATF_CHECK(max >= cur);

	ramL = xencall2L(h, HC_memory_op, XENMEM_maximum_ram_page, 0);
	ram = xencall2(h, HC_memory_op, XENMEM_maximum_ram_page, 0);
	printf("maximum_ram_page %ld (2L), %d (2)\n", ramL, ram);
	ATF_CHECK(ramL > 0);
	ATF_CHECK_EQ(ramL, (long)ram);
	/* An error through 2L is -1 and errno, not a truncated -errno. */
	errno = 0;
	ATF_CHECK_EQ(xencall2L(h, HC_memory_op, 0x3fff, 0), -1L);
	ATF_CHECK_EQ(errno, ENOSYS);
	xencall_free_buffer(h, dom);
	ATF_CHECK_EQ(xencall_close(h), 0);
}

ATF_TC(buffer_cache);
ATF_TC_HEAD(buffer_cache, tc)
{
	atf_tc_set_md_var(tc, "descr",
	    "Freed small buffers are reused, zeroed, and a hot "
	    "alloc/hypercall/free loop maps nothing new");
	REQUIRE_XEN(tc);
}
ATF_TC_BODY(buffer_cache, tc)
{
	struct capture c;
	xencall_handle *h = open_or_fail(&c, 0);
	struct timespec t0, t1;
	unsigned char *p, *q, *first;
	int maps, i, n = 2000, reused = 0;
	double ns;

	printf("buffers_never_fault: %d\n", xencall_buffers_never_fault(h));
	ATF_CHECK_EQ(xencall_buffers_never_fault(h),
	    access("/dev/xen/hypercall", F_OK) == 0);
	p = xencall_alloc_buffer_pages(h, 2);
	ATF_REQUIRE(p != NULL);
	memset(p, 0xa5, 2 * 4096);
	xencall_free_buffer_pages(h, p, 2);
	q = xencall_alloc_buffer_pages(h, 2);
	ATF_CHECK_EQ(q, p);
	ATF_CHECK(q[0] == 0 && q[4095] == 0 && q[8191] == 0);
	xencall_free_buffer_pages(h, q, 2);

	/* The loop's one-page buffer: mapped once, then from the cache. */
	first = xencall_alloc_buffer(h, EXTRAVERSION_LEN);
	ATF_REQUIRE(first != NULL);
	xencall_free_buffer(h, first);
	maps = BUFMAPS(h);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < n; i++) {
		p = xencall_alloc_buffer(h, EXTRAVERSION_LEN);
		ATF_REQUIRE(p != NULL);
		reused += p == first;
		ATF_REQUIRE_EQ(xencall2(h, HC_xen_version,
		    XENVER_extraversion, (uintptr_t)p), 0);
		xencall_free_buffer(h, p);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ns = ((t1.tv_sec - t0.tv_sec) * 1e9 + (t1.tv_nsec - t0.tv_nsec)) / n;
	printf("alloc+xen_version+free: %.0f ns per iteration\n", ns);
	ATF_CHECK_EQ(BUFMAPS(h), maps);
	ATF_CHECK_EQ(reused, n);
	ATF_CHECK_EQ(c.count, 0);
	ATF_CHECK_EQ(xencall_close(h), 0);
}

ATF_TC(bad_input);
ATF_TC_HEAD(bad_input, tc)
{
	atf_tc_set_md_var(tc, "descr",
	    "Zero and overflowing sizes, foreign pointers, double frees, "
	    "wrong page counts and use after close fail cleanly");
	REQUIRE_XEN(tc);
}
ATF_TC_BODY(bad_input, tc)
{
	struct capture c;
	xencall_handle *h = open_or_fail(&c, 0);
	unsigned int n;
	char local[64], *p, *z;
	int maps;

	n = c.count; errno = 0;
	ATF_CHECK(xencall_alloc_buffer_pages(h, 0) == NULL);
	ATF_CHECK_EQ(errno, EINVAL);
	CAPTURE_EXPECT(&c, n, EINVAL);
	n = c.count; errno = 0;
	ATF_CHECK(xencall_alloc_buffer_pages(h, SIZE_MAX / 4096 + 1) == NULL);
	ATF_CHECK_EQ(errno, ENOMEM);
	CAPTURE_EXPECT(&c, n, ENOMEM);
	n = c.count; errno = 0;
	ATF_CHECK(xencall_alloc_buffer(h, SIZE_MAX) == NULL);
	ATF_CHECK_EQ(errno, ENOMEM);
	CAPTURE_EXPECT(&c, n, ENOMEM);
	n = c.count; errno = 0;
	ATF_CHECK(xencall_alloc_buffer_pages(h, SIZE_MAX / 4096) == NULL);
	ATF_CHECK_EQ(errno, ENOMEM);
	CAPTURE_EXPECT(&c, n, ENOMEM);

	/* Size 0 is one page, as upstream. */
	z = xencall_alloc_buffer(h, 0);
	ATF_REQUIRE(z != NULL);
	ATF_CHECK_EQ((uintptr_t)z % 4096, 0);

	maps = BUFMAPS(h);
	p = xencall_alloc_buffer(h, 100);
	ATF_REQUIRE(p != NULL);
	n = c.count; errno = 0;
	xencall_free_buffer(h, local);			/* foreign */
	ATF_CHECK_EQ(errno, EINVAL);
	CAPTURE_EXPECT(&c, n, EINVAL);
	n = c.count; errno = 0;
	xencall_free_buffer(h, p + 8);			/* inside a buffer */
	ATF_CHECK_EQ(errno, EINVAL);
	CAPTURE_EXPECT(&c, n, EINVAL);
	n = c.count; errno = 0;
	xencall_free_buffer_pages(h, p, 3);		/* wrong count */
	ATF_CHECK_EQ(errno, EINVAL);
	CAPTURE_EXPECT(&c, n, EINVAL);
	p[0] = 1;					/* still ours */
	xencall_free_buffer_pages(h, p, 1);
	n = c.count; errno = 0;
	xencall_free_buffer(h, p);			/* double free */
	ATF_CHECK_EQ(errno, EINVAL);
	CAPTURE_EXPECT(&c, n, EINVAL);
	xencall_free_buffer(h, NULL);			/* no-op */
	xencall_free_buffer(h, z);
	ATF_CHECK(BUFMAPS(h) <= maps + 1);

	ATF_CHECK_EQ(xencall_close(h), 0);
	/* Use after close: EBADF, no crash (ASan watches). */
	errno = 0;
	ATF_CHECK_EQ(xencall1(h, HC_xen_version, 0), -1);
	ATF_CHECK_EQ(errno, EBADF);
	errno = 0;
	ATF_CHECK(xencall_alloc_buffer(h, 10) == NULL);
	ATF_CHECK_EQ(errno, EBADF);
	errno = 0;
	ATF_CHECK_EQ(xencall_fd(h), -1);
	ATF_CHECK_EQ(errno, EBADF);
	errno = 0;
	ATF_CHECK_EQ(xencall_close(h), -1);
	ATF_CHECK_EQ(errno, EBADF);
}

ATF_TC(many_buffers);
ATF_TC_HEAD(many_buffers, tc)
{
	atf_tc_set_md_var(tc, "descr",
	    "One handle holds 200 one-page and four 64-page buffers at once, "
	    "each usable by a hypercall");
	REQUIRE_XEN(tc);
}
ATF_TC_BODY(many_buffers, tc)
{
	struct capture c;
	xencall_handle *h = open_or_fail(&c, 0);
	char *small[200], *big[4];
	size_t i;

	for (i = 0; i < 200; i++) {
		small[i] = xencall_alloc_buffer(h, 16);
		ATF_REQUIRE_MSG(small[i] != NULL, "buffer %zu: %s (%s)", i,
		    strerror(errno), c.msg);
	}
	for (i = 0; i < 4; i++) {
		big[i] = xencall_alloc_buffer_pages(h, 64);
		ATF_REQUIRE_MSG(big[i] != NULL, "big buffer %zu: %s (%s)", i,
		    strerror(errno), c.msg);
	}
	ATF_CHECK_EQ(xencall2(h, HC_xen_version, XENVER_extraversion,
	    (uintptr_t)small[199]), 0);
	ATF_CHECK_EQ(xencall2(h, HC_xen_version, XENVER_capabilities,
	    (uintptr_t)(big[3] + 63 * 4096 - 1024)), 0);
	ATF_CHECK(strstr(big[3] + 63 * 4096 - 1024, "xen-3.0-") != NULL);
	/* Free in allocation order (the slow end of the live list). */
	for (i = 0; i < 200; i++)
		xencall_free_buffer(h, small[i]);
	for (i = 0; i < 4; i++)
		xencall_free_buffer_pages(h, big[i], 64);
	ATF_CHECK_EQ(c.count, 0);
	ATF_CHECK_EQ(xencall_close(h), 0);
}

ATF_TC(close_frees_buffers);
ATF_TC_HEAD(close_frees_buffers, tc)
{
	atf_tc_set_md_var(tc, "descr",
	    "Closing a handle unmaps its live and cached buffers");
	REQUIRE_XEN(tc);
}
ATF_TC_BODY(close_frees_buffers, tc)
{
	struct capture c;
	xencall_handle *h;
	void *live, *cached, *big;
	int maps, fds = xt_fd_count(), dev;

	h = open_or_fail(&c, 0);
	dev = xencall_buffers_never_fault(h);
	maps = buffer_mapping_count(dev);
	live = xencall_alloc_buffer_pages(h, 1);
	cached = xencall_alloc_buffer_pages(h, 3);
	big = xencall_alloc_buffer_pages(h, 64);
	ATF_REQUIRE(live != NULL && cached != NULL && big != NULL);
	xencall_free_buffer_pages(h, cached, 3);
	ATF_CHECK(is_mapped(live) && is_mapped(cached) && is_mapped(big));
	ATF_CHECK_EQ(xencall_close(h), 0);
	ATF_CHECK(!is_mapped(live));
	ATF_CHECK(!is_mapped(cached));
	ATF_CHECK(!is_mapped(big));
	if (dev)
		ATF_CHECK_EQ(buffer_mapping_count(dev), maps);
	ATF_CHECK_EQ(xt_fd_count(), fds);
}

ATF_TC(fork_child);
ATF_TC_HEAD(fork_child, tc)
{
	atf_tc_set_md_var(tc, "descr",
	    "A child does not inherit buffers, may only close an inherited "
	    "handle, and can open its own; the parent's handle keeps working");
	REQUIRE_XEN(tc);
}
ATF_TC_BODY(fork_child, tc)
{
	struct capture c;
	xencall_handle *h = open_or_fail(&c, 0);
	char *buf;
	pid_t pid;
	int status;

	buf = xencall_alloc_buffer(h, EXTRAVERSION_LEN);
	ATF_REQUIRE(buf != NULL);
	pid = fork();
	ATF_REQUIRE(pid != -1);
	if (pid == 0) {
		xencall_handle *h2;
		int bad = 0;

		if (is_mapped(buf))
			bad |= 1;
		errno = 0;
		if (xencall1(h, HC_xen_version, 0) != -1 || errno != EBADF)
			bad |= 2;
		if (xencall_alloc_buffer(h, 1) != NULL || errno != EBADF)
			bad |= 4;
		if (xencall_close(h) != 0)
			bad |= 8;
		if ((h2 = xencall_open(NULL, 0)) == NULL ||
		    xencall1(h2, HC_xen_version, 0) <= 0 ||
		    xencall_close(h2) != 0)
			bad |= 16;
		_exit(bad);
	}
	ATF_REQUIRE_EQ(waitpid(pid, &status, 0), pid);
	ATF_CHECK_MSG(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	    "child status %#x", status);
	ATF_CHECK(is_mapped(buf));
	ATF_CHECK_EQ(xencall2(h, HC_xen_version, XENVER_extraversion,
	    (uintptr_t)buf), 0);
	xencall_free_buffer(h, buf);
	ATF_CHECK_EQ(xencall_close(h), 0);
}

ATF_TC(restrict_all);
ATF_TC_HEAD(restrict_all, tc)
{
	atf_tc_set_md_var(tc, "descr",
	    "xentoolcore_restrict_all() neuters the handle: hypercalls fail, "
	    "the fd keeps close-on-exec, close still works");
	REQUIRE_XEN(tc);
}
ATF_TC_BODY(restrict_all, tc)
{
	struct capture c;
	xencall_handle *h = open_or_fail(&c, 0);
	int fd, fds = xt_fd_count();

	ATF_REQUIRE(xencall1(h, HC_xen_version, 0) > 0);
	fd = xencall_fd(h);
	ATF_REQUIRE_EQ(xentoolcore_restrict_all(0), 0);
	errno = 0;
	ATF_CHECK_EQ(xencall1(h, HC_xen_version, 0), -1);
	ATF_CHECK_MSG(errno == ENOTTY || errno == EINVAL, "errno %d", errno);
	ATF_CHECK_EQ(xencall_fd(h), fd);
	ATF_CHECK(fcntl(fd, F_GETFD) & FD_CLOEXEC);
	ATF_CHECK_EQ(xt_fd_count(), fds);
	ATF_CHECK_EQ(xencall_close(h), 0);
	ATF_CHECK_EQ(xt_fd_count(), fds - 1 -
	    (access("/dev/xen/hypercall", F_OK) == 0));
}

struct thr {
	xencall_handle	*h;
	int		 fails;
};

static void *
thr_main(void *arg)
{
	struct thr *t = arg;
	char *p;
	int i;

	for (i = 0; i < 2000; i++) {
		p = xencall_alloc_buffer(t->h, 1 + (size_t)(i % 3) * 4096);
		if (p == NULL) {
			t->fails++;
			continue;
		}
		if (p[0] != 0)
			t->fails++;
		p[0] = 1;
		if (xencall2(t->h, HC_xen_version, XENVER_extraversion,
		    (uintptr_t)p) != 0)
			t->fails++;
		xencall_free_buffer(t->h, p);
	}
	return NULL;
}

ATF_TC(threads);
ATF_TC_HEAD(threads, tc)
{
	atf_tc_set_md_var(tc, "descr",
	    "Four threads share a handle's buffers and cache");
	REQUIRE_XEN(tc);
}
ATF_TC_BODY(threads, tc)
{
	struct capture c;
	xencall_handle *h = open_or_fail(&c, 0);
	pthread_t tid[4];
	struct thr t[4];
	int i;

	for (i = 0; i < 4; i++) {
		t[i].h = h;
		t[i].fails = 0;
		ATF_REQUIRE_EQ(pthread_create(&tid[i], NULL, thr_main, &t[i]),
		    0);
	}
	for (i = 0; i < 4; i++) {
		pthread_join(tid[i], NULL);
		ATF_CHECK_EQ(t[i].fails, 0);
	}
	ATF_CHECK_EQ(c.count, 0);
	ATF_CHECK_EQ(xencall_close(h), 0);
}

/*
 * The threads case harder, for the sanitizer builds in dom0: eight
 * threads, buffers of one to six pages (those above the cache's four
 * are unmapped at every free), and a ninth thread opening and closing
 * handles, so the library's registry and pool change under them.
 */
static volatile int stress_stop;

static void *
stress_main(void *arg)
{
	struct thr *t = arg;
	char *p;
	size_t pages;
	int i;

	for (i = 0; i < 3000; i++) {
		pages = 1 + (size_t)(i % 6);
		p = xencall_alloc_buffer_pages(t->h, pages);
		if (p == NULL) {
			t->fails++;
			continue;
		}
		if (p[0] != 0 || p[pages * 4096 - 1] != 0)
			t->fails++;
		p[0] = 1;
		p[pages * 4096 - 1] = 1;
		if (xencall2(t->h, HC_xen_version, XENVER_extraversion,
		    (uintptr_t)p) != 0)
			t->fails++;
		xencall_free_buffer_pages(t->h, p, pages);
	}
	return NULL;
}

static void *
open_close_main(void *arg)
{
	struct thr *t = arg;
	xencall_handle *o;

	while (!__atomic_load_n(&stress_stop, __ATOMIC_RELAXED)) {
		if ((o = xencall_open(NULL, 0)) == NULL)
			t->fails++;
		else if (xencall_close(o) != 0)
			t->fails++;
	}
	return NULL;
}

ATF_TC(threads_stress);
ATF_TC_HEAD(threads_stress, tc)
{
	atf_tc_set_md_var(tc, "descr",
	    "Eight threads allocate, use and free buffers of 1-6 pages while "
	    "another opens and closes handles");
	atf_tc_set_md_var(tc, "timeout", "600");
	REQUIRE_XEN(tc);
}
ATF_TC_BODY(threads_stress, tc)
{
	struct capture c;
	xencall_handle *h = open_or_fail(&c, 0);
	pthread_t tid[9];
	struct thr t[9];
	int i;

	__atomic_store_n(&stress_stop, 0, __ATOMIC_RELAXED);
	for (i = 0; i < 9; i++) {
		t[i].h = h;
		t[i].fails = 0;
		ATF_REQUIRE_EQ(pthread_create(&tid[i], NULL,
		    i < 8 ? stress_main : open_close_main, &t[i]), 0);
	}
	for (i = 0; i < 8; i++) {
		pthread_join(tid[i], NULL);
		ATF_CHECK_EQ_MSG(t[i].fails, 0, "thread %d: %d failures", i,
		    t[i].fails);
	}
	__atomic_store_n(&stress_stop, 1, __ATOMIC_RELAXED);
	pthread_join(tid[8], NULL);
	ATF_CHECK_EQ(t[8].fails, 0);
	ATF_CHECK_EQ(c.count, 0);
	ATF_CHECK_EQ(xencall_close(h), 0);
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, open_without_xen);
	ATF_TP_ADD_TC(tp, open_close);
	ATF_TP_ADD_TC(tp, xen_version);
	ATF_TP_ADD_TC(tp, version_buffers);
	ATF_TP_ADD_TC(tp, memory_op);
	ATF_TP_ADD_TC(tp, buffer_cache);
	ATF_TP_ADD_TC(tp, bad_input);
	ATF_TP_ADD_TC(tp, many_buffers);
	ATF_TP_ADD_TC(tp, close_frees_buffers);
	ATF_TP_ADD_TC(tp, fork_child);
	ATF_TP_ADD_TC(tp, restrict_all);
	ATF_TP_ADD_TC(tp, threads);
	ATF_TP_ADD_TC(tp, threads_stress);
	return atf_no_error();
}
