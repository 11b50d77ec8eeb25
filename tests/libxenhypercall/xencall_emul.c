/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * libxenhypercall's real backend for one kernel (XENEMU_DIALECT) against
 * the emulated devices of tests/emul: every dialect's devices, buffers and
 * failure paths, with a leak check at the end of every case.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atf-c.h>
#include <xencall.h>
#include <xentoolcore.h>
#include <xentoollog.h>

#include "xenemu.h"
#include "xencall_capture.h"

#define HC_memory_op			12
#define HC_xen_version			17
#define XENVER_version			0
#define XENVER_extraversion		1
#define XENVER_capabilities		3
#define XENMEM_maximum_ram_page		2
#define XENMEM_current_reservation	3
#define XEN_DOMID_SELF			0x7FF0U

static const enum xenemu_dialect dialect = XENEMU_DIALECT;

/*
 * The BSD backends keep buffers out of children with minherit(2), which
 * the build host (Linux) lacks: this stands in for it, counts the calls
 * and records the last one.
 */
static unsigned int minherit_calls;
static void *minherit_addr;
static size_t minherit_len;
static int minherit_inherit = -1;
static int minherit_errno;
int minherit(void *addr, size_t len, int inherit);
static pthread_mutex_t minherit_lock = PTHREAD_MUTEX_INITIALIZER;
int
minherit(void *addr, size_t len, int inherit)
{
	int e;

	/* Threads allocate buffers at once (the threads case). */
	pthread_mutex_lock(&minherit_lock);
	minherit_calls++;
	minherit_addr = addr;
	minherit_len = len;
	minherit_inherit = inherit;
	e = minherit_errno;
	pthread_mutex_unlock(&minherit_lock);
	if (e != 0) {
		errno = e;
		return -1;
	}
	return 0;
}

static const char *
privcmd_path(void)
{
	switch (dialect) {
	case XENEMU_NETBSD:
		return "/kern/xen/privcmd";
	default:
		return "/dev/xen/privcmd";
	}
}

static void
setup(void)
{
	ATF_REQUIRE_EQ_MSG(xenemu_setup(dialect), 0, "xenemu_setup: %s",
	    strerror(errno));
	minherit_calls = 0;
	minherit_addr = NULL;
	minherit_len = 0;
	minherit_errno = 0;
	minherit_inherit = -1;
}

static void
finish(void)
{
	xenemu_fail_clear();
	ATF_CHECK_EQ_MSG(xenemu_assert_no_leaks(), 0,
	    "emulated resources leaked (see stderr)");
	xenemu_teardown();
}

static xencall_handle *
open_ok(struct capture *c, unsigned int flags)
{
	xencall_handle *h;

	capture_init(c);
	h = xencall_open(&c->vtable, flags);
	ATF_REQUIRE_MSG(h != NULL, "xencall_open: %s (%s)", strerror(errno),
	    c->msg);
	return h;
}

/* Buffers that may fault: the BSDs, or Linux without /dev/xen/hypercall. */
static int
locked_buffers(void)
{
	return dialect != XENEMU_LINUX;
}

/*
 * After the calls-th new buffer, p of npages: the BSD backends gave it
 * to minherit() as INHERIT_NONE (FreeBSD) or MAP_INHERIT_NONE (NetBSD),
 * both 2; Linux never calls minherit().
 */
static void
check_minherit(unsigned int calls, const void *p, size_t npages)
{
	if (!locked_buffers()) {
		ATF_CHECK_EQ(minherit_calls, 0);
		return;
	}
	ATF_CHECK_EQ(minherit_calls, calls);
	ATF_CHECK(minherit_addr == p);
	ATF_CHECK_EQ(minherit_len, npages * 4096);
	ATF_CHECK_EQ(minherit_inherit, 2);
}

ATF_TC_WITHOUT_HEAD(open_close);
ATF_TC_BODY(open_close, tc)
{
	struct capture c;
	xencall_handle *h;
	int fd;

	setup();
	h = open_ok(&c, 0);
	fd = xencall_fd(h);
	ATF_REQUIRE(fd >= 0);
	ATF_CHECK_EQ(xenemu_fd_flags(fd) & O_ACCMODE, O_RDWR);
	ATF_CHECK(xenemu_fd_flags(fd) & O_CLOEXEC);
	ATF_CHECK_EQ(xencall_buffers_never_fault(h),
	    dialect == XENEMU_LINUX);
	ATF_CHECK_EQ(xencall_close(h), 0);
	/* The library's own logger, and the non-reentrant flag. */
	h = xencall_open(NULL, XENCALL_OPENFLAG_NON_REENTRANT);
	ATF_REQUIRE(h != NULL);
	ATF_CHECK_EQ(xencall_close(h), 0);
	ATF_CHECK_EQ(c.count, 0);
	finish();
}

ATF_TC_WITHOUT_HEAD(open_failures);
ATF_TC_BODY(open_failures, tc)
{
	struct capture c;

	setup();
	/* No privcmd at all. */
	ATF_REQUIRE_EQ(xenemu_device_present(privcmd_path(), 0), 0);
	if (dialect == XENEMU_LINUX)
		xenemu_device_present("/proc/xen/privcmd", 0);
	capture_init(&c);
	errno = 0;
	ATF_CHECK(xencall_open(&c.vtable, 0) == NULL);
	ATF_CHECK_EQ(errno, ENOENT);
	CAPTURE_EXPECT(&c, 0, ENOENT);
	xenemu_device_present(privcmd_path(), 1);

	/* The device refuses. */
	capture_init(&c);
	ATF_REQUIRE_EQ(xenemu_fail_op("open", 1, EACCES), 0);
	errno = 0;
	ATF_CHECK(xencall_open(&c.vtable, 0) == NULL);
	ATF_CHECK_EQ(errno, EACCES);
	CAPTURE_EXPECT(&c, 0, EACCES);

	/* Unknown flags. */
	capture_init(&c);
	errno = 0;
	ATF_CHECK(xencall_open(&c.vtable, 2) == NULL);
	ATF_CHECK_EQ(errno, EINVAL);
	CAPTURE_EXPECT(&c, 0, EINVAL);
	finish();
}

ATF_TC_WITHOUT_HEAD(linux_devices);
ATF_TC_BODY(linux_devices, tc)
{
	struct capture c;
	xencall_handle *h;
	char *p;

	if (dialect != XENEMU_LINUX)
		atf_tc_skip("Linux only");
	setup();
	/* xenfs fallback for privcmd. */
	xenemu_device_present("/dev/xen/privcmd", 0);
	xenemu_device_present("/proc/xen/privcmd", 1);
	h = open_ok(&c, 0);
	ATF_CHECK(xenemu_fd_flags(xencall_fd(h)) & O_CLOEXEC);
	ATF_CHECK(xencall1(h, HC_xen_version, XENVER_version) > 0);
	ATF_CHECK_EQ(xencall_close(h), 0);
	xenemu_device_present("/dev/xen/privcmd", 1);

	/* The buffer device fails to open: so does the handle, cleanly. */
	capture_init(&c);
	ATF_REQUIRE_EQ(xenemu_fail_op("open:/dev/xen/hypercall", 1, EMFILE),
	    0);
	errno = 0;
	ATF_CHECK(xencall_open(&c.vtable, 0) == NULL);
	ATF_CHECK_EQ(errno, EMFILE);
	CAPTURE_EXPECT(&c, 0, EMFILE);

	/* Without the buffer device: locked, unforked anonymous memory. */
	xenemu_device_present("/dev/xen/hypercall", 0);
	h = open_ok(&c, 0);
	ATF_CHECK_EQ(xencall_buffers_never_fault(h), 0);
	p = xencall_alloc_buffer(h, 16);
	ATF_REQUIRE(p != NULL);
	ATF_REQUIRE_EQ(xencall2(h, HC_xen_version, XENVER_extraversion,
	    (uintptr_t)p), 0);
	{
		struct xenemu_hypercall hc;

		ATF_REQUIRE_EQ(xenemu_last_hypercall(&hc), 0);
		ATF_CHECK_EQ(hc.bufs, 1);
		ATF_CHECK_EQ(hc.unlocked_bufs, 0);
	}
	/*
	 * madvise(MADV_DONTFORK) refused (with the cache empty, so no retry):
	 * no buffer, nothing left locked.
	 */
	ATF_REQUIRE_EQ(xenemu_fail_op("madvise", 1, EINVAL), 0);
	{
		struct xenemu_leaks l;
		unsigned int n = c.count;

		errno = 0;
		ATF_CHECK(xencall_alloc_buffer_pages(h, 8) == NULL);
		ATF_CHECK_EQ(errno, EINVAL);
		CAPTURE_EXPECT(&c, n, EINVAL);
		xenemu_leaks(&l);
		ATF_CHECK_EQ(l.hcall_bufs, 1);		/* p's lock only */
	}
	xencall_free_buffer(h, p);
	ATF_CHECK_EQ(xencall_close(h), 0);
	finish();
}

ATF_TC_WITHOUT_HEAD(hypercalls);
ATF_TC_BODY(hypercalls, tc)
{
	struct capture c;
	struct xenemu_hypercall hc;
	xencall_handle *h;
	unsigned long n0;
	uint16_t *dom;
	char *buf;
	int i;

	setup();
	xenemu_set_version(0x40011, "-emul");
	h = open_ok(&c, 0);
	n0 = xenemu_hypercall_count();
	ATF_CHECK_EQ(xencall0(h, HC_xen_version), 0x40011);
	ATF_CHECK_EQ(xencall1(h, HC_xen_version, XENVER_version), 0x40011);
	ATF_CHECK_EQ(xencall2(h, HC_xen_version, 0, 0), 0x40011);
	ATF_CHECK_EQ(xencall3(h, HC_xen_version, 0, 0, 0), 0x40011);
	ATF_CHECK_EQ(xencall4(h, HC_xen_version, 0, 0, 0, 0), 0x40011);
	ATF_CHECK_EQ(xencall2L(h, HC_xen_version, 0, 0), 0x40011L);
	/* Every argument reaches the hypervisor. */
	ATF_CHECK_EQ(xencall5(h, HC_xen_version, 0, 0x1111, 0x2222,
	    0x3333333333ULL, 0xffffffffffffffffULL), 0x40011);
	ATF_REQUIRE_EQ(xenemu_last_hypercall(&hc), 0);
	ATF_CHECK_EQ(hc.op, HC_xen_version);
	ATF_CHECK_EQ(hc.arg[1], 0x1111);
	ATF_CHECK_EQ(hc.arg[2], 0x2222);
	ATF_CHECK_EQ(hc.arg[3], 0x3333333333ULL);
	ATF_CHECK_EQ(hc.arg[4], 0xffffffffffffffffULL);
	ATF_CHECK_EQ(xenemu_hypercall_count() - n0, 7);

	/* Buffers reach the hypervisor as hypercall-safe memory. */
	buf = xencall_alloc_buffer(h, 1024);
	ATF_REQUIRE(buf != NULL);
	ATF_REQUIRE_EQ(xencall2(h, HC_xen_version, XENVER_extraversion,
	    (uintptr_t)buf), 0);
	ATF_CHECK_STREQ(buf, "-emul");
	ATF_REQUIRE_EQ(xencall2(h, HC_xen_version, XENVER_capabilities,
	    (uintptr_t)buf), 0);
	ATF_CHECK(strstr(buf, "xen-3.0-x86_64") != NULL);
	ATF_REQUIRE_EQ(xenemu_last_hypercall(&hc), 0);
	ATF_CHECK_EQ(hc.bufs, 1);
	ATF_CHECK_EQ(hc.unlocked_bufs, 0);
	dom = (uint16_t *)(void *)buf;
	*dom = 0;
	i = xencall2(h, HC_memory_op, XENMEM_current_reservation,
	    (uintptr_t)dom);
	ATF_CHECK_MSG(i > 0, "current_reservation %d: %s", i,
	    strerror(errno));
	ATF_CHECK(xencall2L(h, HC_memory_op, XENMEM_maximum_ram_page, 0) > 0);
	xencall_free_buffer(h, buf);

	/* Errors reach the caller as errno; a failed hypercall is not logged. */
	errno = 0;
	ATF_CHECK_EQ(xencall0(h, 60), -1);
	ATF_CHECK_EQ(errno, ENOSYS);
	errno = 0;
	ATF_CHECK_EQ(xencall2(h, HC_xen_version, XENVER_extraversion, 0), -1);
	ATF_CHECK_EQ(errno, EFAULT);
	ATF_REQUIRE_EQ(xenemu_fail_op("hypercall:xen_version", 1, EPERM), 0);
	errno = 0;
	ATF_CHECK_EQ(xencall1(h, HC_xen_version, 0), -1);
	ATF_CHECK_EQ(errno, EPERM);
	ATF_REQUIRE_EQ(xenemu_fail_op("ioctl", 1, EIO), 0);
	errno = 0;
	ATF_CHECK_EQ(xencall2L(h, HC_xen_version, 0, 0), -1L);
	ATF_CHECK_EQ(errno, EIO);
	ATF_CHECK_EQ(c.count, 0);
	ATF_CHECK_EQ(xencall_close(h), 0);
	finish();
}

ATF_TC_WITHOUT_HEAD(result_2L);
ATF_TC_BODY(result_2L, tc)
{
	struct capture c;
	xencall_handle *h;
	long r;

	setup();
	/* A result above INT_MAX. */
	xenemu_set_version(0x87654321U, NULL);
	h = open_ok(&c, 0);
	errno = 0;
	r = xencall2L(h, HC_xen_version, XENVER_version, 0);
	/*
	 * Linux delivers the whole result through a long.  The BSD kernels
	 * hold it in an int: bit 31 set makes it an error (FreeBSD EINVAL,
	 * from xen_translate_error(); NetBSD a raw errno, which the backend
	 * reports as EOVERFLOW) and bits above 31 are lost.
	 */
	switch (XENEMU_DIALECT) {
	case XENEMU_LINUX:
		ATF_CHECK_EQ(r, 0x87654321L);
		break;
	case XENEMU_FREEBSD:
		ATF_CHECK_EQ(r, -1);
		ATF_CHECK_EQ(errno, EINVAL);
		break;
	default:
		ATF_CHECK_EQ(r, -1);
		ATF_CHECK_EQ_MSG(errno, EOVERFLOW, "errno %d", errno);
		ATF_CHECK(c.count == 1 && c.errnoval == EOVERFLOW);
		break;
	}
	/* And one above 32 bits: a frame number of a machine past 16 TiB. */
	xenemu_set_max_ram_page(0x123456789ULL);
	r = xencall2L(h, HC_memory_op, XENMEM_maximum_ram_page, 0);
	ATF_CHECK_EQ(r, XENEMU_DIALECT == XENEMU_LINUX ? 0x123456789L :
	    0x23456789L);
	ATF_CHECK_EQ(xencall_close(h), 0);
	finish();
}

static void
buffers_body(unsigned int flags)
{
	struct capture c;
	xencall_handle *h;
	unsigned char *p, *q, *big;
	size_t i;

	setup();
	h = open_ok(&c, flags);
	p = xencall_alloc_buffer_pages(h, 3);
	ATF_REQUIRE(p != NULL);
	ATF_CHECK_EQ((uintptr_t)p % 4096, 0);
	for (i = 0; i < 3 * 4096; i++)
		if (p[i] != 0)
			break;
	ATF_CHECK_EQ(i, 3 * 4096);
	check_minherit(1, p, 3);
	memset(p, 0xff, 3 * 4096);
	xencall_free_buffer_pages(h, p, 3);
	q = xencall_alloc_buffer_pages(h, 3);
	ATF_CHECK_EQ(q, p);				/* from the cache */
	ATF_CHECK(q[0] == 0 && q[3 * 4096 - 1] == 0);	/* zeroed again */
	check_minherit(1, p, 3);
	/* Big buffers are not cached: unmapped at free (leak check). */
	big = xencall_alloc_buffer_pages(h, 40);
	ATF_REQUIRE(big != NULL);
	check_minherit(2, big, 40);
	big[40 * 4096 - 1] = 1;
	xencall_free_buffer_pages(h, big, 40);
	xencall_free_buffer_pages(h, q, 3);
	/* Each new buffer is kept from children, not just the first. */
	p = xencall_alloc_buffer(h, 4096 + 1);
	ATF_REQUIRE(p != NULL);
	check_minherit(3, p, 2);
	xencall_free_buffer(h, p);
	ATF_CHECK_EQ(c.count, 0);
	ATF_CHECK_EQ(xencall_close(h), 0);
	finish();
}

ATF_TC_WITHOUT_HEAD(buffers);
ATF_TC_BODY(buffers, tc)
{
	buffers_body(0);
}

ATF_TC_WITHOUT_HEAD(buffers_non_reentrant);
ATF_TC_BODY(buffers_non_reentrant, tc)
{
	buffers_body(XENCALL_OPENFLAG_NON_REENTRANT);
}

/*
 * The memory calls the library makes for a new buffer, or could make by
 * mistake on a cached one (the BSD dialects' anonymous mmap() is not
 * emulated).  The emulator cannot fail munmap(); a stray munmap() of the
 * cached buffer would show as a fault or an EFAULT.
 */
static const char *const hot_ops_linux[] = { "mmap", "madvise", "mlock",
    "munlock", NULL };
static const char *const hot_ops_bsd[] = { "mlock", "munlock", "madvise",
    NULL };

/*
 * 1 if the failure armed for op is still armed (this consumes it), else
 * 0: make the call once more ourselves, on a range nothing else uses or
 * (madvise) on the cached buffer.
 */
static int
still_armed(const char *op, void *cached)
{
	char page[4096];
	void *m;
	int fd, failed, saved;

	errno = 0;
	if (strcmp(op, "mmap") == 0) {
		fd = open("/dev/xen/hypercall", O_RDWR | O_CLOEXEC);
		ATF_REQUIRE(fd >= 0);
		m = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		saved = errno;
		failed = m == MAP_FAILED;
		if (!failed)
			munmap(m, 4096);
		close(fd);
		errno = saved;
	} else if (strcmp(op, "mlock") == 0) {
		failed = mlock(page, sizeof(page)) == -1;
		if (!failed)
			munlock(page, sizeof(page));
	} else if (strcmp(op, "munlock") == 0) {
		failed = munlock(page, sizeof(page)) == -1;
	} else {
		failed = madvise(cached, 4096, MADV_NORMAL) == -1;
	}
	return failed && errno == ENOMEM;
}

/*
 * A loop of allocation, hypercall and free, once warm, makes no memory
 * system call: each call it could make is armed to fail in turn, and is
 * found still armed after the loop.
 */
static void
hot_loop_body(unsigned int flags)
{
	struct capture c;
	struct xenemu_hypercall hc;
	struct xenemu_leaks l;
	xencall_handle *h;
	const char *const *ops;
	unsigned long n0, total = 0;
	char *p, *first;
	int i, k;

	setup();
	h = open_ok(&c, flags);
	first = xencall_alloc_buffer(h, 16);
	ATF_REQUIRE(first != NULL);
	xencall_free_buffer(h, first);
	ops = locked_buffers() ? hot_ops_bsd : hot_ops_linux;
	n0 = xenemu_hypercall_count();
	for (k = 0; ops[k] != NULL; k++) {
		ATF_REQUIRE_EQ(xenemu_fail_op(ops[k], 1, ENOMEM), 0);
		for (i = 0; i < 400; i++, total++) {
			p = xencall_alloc_buffer(h, 16);
			ATF_REQUIRE_MSG(p != NULL, "%s armed, iteration %d: %s",
			    ops[k], i, strerror(errno));
			ATF_REQUIRE(p == first);
			ATF_REQUIRE_EQ(xencall2(h, HC_xen_version,
			    XENVER_extraversion, (uintptr_t)p), 0);
			ATF_REQUIRE_EQ(xenemu_last_hypercall(&hc), 0);
			ATF_REQUIRE_EQ(hc.bufs, 1);
			ATF_REQUIRE_EQ(hc.unlocked_bufs, 0);
			xencall_free_buffer(h, p);
			xenemu_leaks(&l);
			ATF_REQUIRE_EQ(l.hcall_bufs, 1);
		}
		ATF_CHECK_MSG(still_armed(ops[k], first),
		    "the loop made a %s call", ops[k]);
		xenemu_fail_clear();
	}
	ATF_CHECK_EQ(xenemu_hypercall_count() - n0, total);
	check_minherit(1, first, 1);
	ATF_CHECK_EQ(c.count, 0);
	ATF_CHECK_EQ(xencall_close(h), 0);
	finish();
}

ATF_TC_WITHOUT_HEAD(hot_loop);
ATF_TC_BODY(hot_loop, tc)
{
	hot_loop_body(0);
}

ATF_TC_WITHOUT_HEAD(hot_loop_non_reentrant);
ATF_TC_BODY(hot_loop_non_reentrant, tc)
{
	hot_loop_body(XENCALL_OPENFLAG_NON_REENTRANT);
}

ATF_TC_WITHOUT_HEAD(alloc_failures);
ATF_TC_BODY(alloc_failures, tc)
{
	struct capture c;
	xencall_handle *h;
	unsigned int n;
	void *p;

	setup();
	h = open_ok(&c, 0);
	if (dialect == XENEMU_LINUX) {
		n = c.count;
		ATF_REQUIRE_EQ(xenemu_fail_op("mmap:/dev/xen/hypercall", 1,
		    ENOMEM), 0);
		errno = 0;
		ATF_CHECK(xencall_alloc_buffer(h, 100) == NULL);
		ATF_CHECK_EQ(errno, ENOMEM);
		CAPTURE_EXPECT(&c, n, ENOMEM);
		n = c.count;
		ATF_REQUIRE_EQ(xenemu_fail_op("madvise", 1, EINVAL), 0);
		errno = 0;
		ATF_CHECK(xencall_alloc_buffer(h, 100) == NULL);
		ATF_CHECK_EQ(errno, EINVAL);
		CAPTURE_EXPECT(&c, n, EINVAL);
	} else {
		n = c.count;
		ATF_REQUIRE_EQ(xenemu_fail_op("mlock", 1, EAGAIN), 0);
		errno = 0;
		ATF_CHECK(xencall_alloc_buffer(h, 100) == NULL);
		ATF_CHECK_EQ(errno, EAGAIN);
		CAPTURE_EXPECT(&c, n, EAGAIN);
		n = c.count;
		minherit_errno = EINVAL;
		errno = 0;
		ATF_CHECK(xencall_alloc_buffer(h, 100) == NULL);
		ATF_CHECK_EQ(errno, EINVAL);
		CAPTURE_EXPECT(&c, n, EINVAL);
		minherit_errno = 0;
	}
	/* After the failures the handle still works and holds nothing. */
	p = xencall_alloc_buffer(h, 100);
	ATF_CHECK(p != NULL);
	xencall_free_buffer(h, p);
	ATF_CHECK_EQ(xencall_close(h), 0);
	finish();
}

/* The memory call a new buffer of this dialect can be refused at. */
static const char *
alloc_op(void)
{
	return locked_buffers() ? "mlock" : "mmap:/dev/xen/hypercall";
}

ATF_TC_WITHOUT_HEAD(alloc_drops_cache);
ATF_TC_BODY(alloc_drops_cache, tc)
{
	struct capture c;
	struct xenemu_leaks l;
	xencall_handle *h;
	void *a[3], *p;
	unsigned int n;
	int i;

	setup();
	h = open_ok(&c, 0);
	for (i = 0; i < 3; i++)
		ATF_REQUIRE((a[i] = xencall_alloc_buffer_pages(h, 1)) != NULL);
	for (i = 0; i < 3; i++)
		xencall_free_buffer_pages(h, a[i], 1);
	xenemu_leaks(&l);
	ATF_REQUIRE_EQ(l.hcall_bufs, 3);		/* all three cached */

	/*
	 * The system refuses a new buffer once: the cache is given back and
	 * the retry succeeds, without a message.
	 */
	ATF_REQUIRE_EQ(xenemu_fail_op(alloc_op(), 1, EAGAIN), 0);
	p = xencall_alloc_buffer_pages(h, 2);
	ATF_REQUIRE_MSG(p != NULL, "%s (%s)", strerror(errno), c.msg);
	xenemu_leaks(&l);
	ATF_CHECK_EQ(l.hcall_bufs, 1);
	ATF_CHECK_EQ(c.count, 0);
	ATF_CHECK_EQ(xencall2(h, HC_xen_version, XENVER_extraversion,
	    (uintptr_t)p), 0);
	xencall_free_buffer_pages(h, p, 2);

	/*
	 * Refused twice (the first attempt's first device call, then the
	 * retry's): one error, the retry's errno, and nothing left mapped.
	 */
	for (i = 0; i < 2; i++)
		ATF_REQUIRE((a[i] = xencall_alloc_buffer_pages(h, 1)) != NULL);
	for (i = 0; i < 2; i++)
		xencall_free_buffer_pages(h, a[i], 1);
	xenemu_leaks(&l);
	ATF_REQUIRE_EQ(l.hcall_bufs, 3);
	xenemu_fail_nth(1, ENOMEM);
	ATF_REQUIRE_EQ(xenemu_fail_op(alloc_op(), 1, EAGAIN), 0);
	n = c.count;
	errno = 0;
	ATF_CHECK(xencall_alloc_buffer_pages(h, 3) == NULL);
	ATF_CHECK_EQ(errno, EAGAIN);
	CAPTURE_EXPECT(&c, n, EAGAIN);
	ATF_CHECK_EQ(c.count, n + 1);
	xenemu_leaks(&l);
	ATF_CHECK_EQ(l.hcall_bufs, 0);

	/* No cache, one refusal: no retry. */
	ATF_REQUIRE_EQ(xenemu_fail_op(alloc_op(), 1, ENOMEM), 0);
	errno = 0;
	ATF_CHECK(xencall_alloc_buffer_pages(h, 1) == NULL);
	ATF_CHECK_EQ(errno, ENOMEM);
	xenemu_fail_clear();

	/* The handle still works. */
	p = xencall_alloc_buffer(h, 10);
	ATF_CHECK(p != NULL);
	xencall_free_buffer(h, p);
	ATF_CHECK_EQ(xencall_close(h), 0);
	finish();
}

ATF_TC_WITHOUT_HEAD(bad_input);
ATF_TC_BODY(bad_input, tc)
{
	struct capture c;
	xencall_handle *h, *h2;
	unsigned int n;
	char local[8], *p, *p2;

	setup();
	h = open_ok(&c, 0);
	h2 = xencall_open(&c.vtable, 0);
	ATF_REQUIRE(h2 != NULL);
	n = c.count; errno = 0;
	ATF_CHECK(xencall_alloc_buffer_pages(h, 0) == NULL);
	ATF_CHECK_EQ(errno, EINVAL);
	CAPTURE_EXPECT(&c, n, EINVAL);
	n = c.count; errno = 0;
	ATF_CHECK(xencall_alloc_buffer_pages(h, SIZE_MAX / 2) == NULL);
	ATF_CHECK_EQ(errno, ENOMEM);
	CAPTURE_EXPECT(&c, n, ENOMEM);
	n = c.count; errno = 0;
	ATF_CHECK(xencall_alloc_buffer(h, SIZE_MAX - 10) == NULL);
	ATF_CHECK_EQ(errno, ENOMEM);
	CAPTURE_EXPECT(&c, n, ENOMEM);

	p = xencall_alloc_buffer(h, 10);
	p2 = xencall_alloc_buffer(h2, 10);
	ATF_REQUIRE(p != NULL && p2 != NULL);
	n = c.count; errno = 0;
	xencall_free_buffer(h, local);
	ATF_CHECK_EQ(errno, EINVAL);
	CAPTURE_EXPECT(&c, n, EINVAL);
	n = c.count; errno = 0;
	xencall_free_buffer(h, p2);		/* the other handle's */
	ATF_CHECK_EQ(errno, EINVAL);
	CAPTURE_EXPECT(&c, n, EINVAL);
	n = c.count; errno = 0;
	xencall_free_buffer_pages(h, p, 2);
	ATF_CHECK_EQ(errno, EINVAL);
	CAPTURE_EXPECT(&c, n, EINVAL);
	n = c.count; errno = 0;
	xencall_free_buffer_pages(h, p, 0);
	ATF_CHECK_EQ(errno, EINVAL);
	CAPTURE_EXPECT(&c, n, EINVAL);
	xencall_free_buffer(h, p);
	n = c.count; errno = 0;
	xencall_free_buffer(h, p);		/* double free */
	ATF_CHECK_EQ(errno, EINVAL);
	CAPTURE_EXPECT(&c, n, EINVAL);
	errno = 0;
	xencall_free_buffer(h2, p2);		/* its own handle: fine */
	ATF_CHECK_EQ(errno, 0);
	ATF_CHECK_EQ(xencall_close(h2), 0);
	ATF_CHECK_EQ(xencall_close(h), 0);
	/* Use after close. */
	errno = 0;
	ATF_CHECK_EQ(xencall0(h, HC_xen_version), -1);
	ATF_CHECK_EQ(errno, EBADF);
	errno = 0;
	ATF_CHECK(xencall_alloc_buffer_pages(h, 1) == NULL);
	ATF_CHECK_EQ(errno, EBADF);
	errno = 0;
	xencall_free_buffer(h, p);
	ATF_CHECK_EQ(errno, EBADF);
	errno = 0;
	ATF_CHECK_EQ(xencall_close(h), -1);
	ATF_CHECK_EQ(errno, EBADF);
	ATF_CHECK_EQ(xencall_buffers_never_fault(h), 0);
	finish();
}

ATF_TC_WITHOUT_HEAD(close_releases);
ATF_TC_BODY(close_releases, tc)
{
	struct capture c;
	struct xenemu_leaks l;
	xencall_handle *h;
	void *a, *b, *d;

	setup();
	h = open_ok(&c, 0);
	a = xencall_alloc_buffer_pages(h, 1);
	b = xencall_alloc_buffer_pages(h, 2);
	d = xencall_alloc_buffer_pages(h, 50);
	ATF_REQUIRE(a != NULL && b != NULL && d != NULL);
	xencall_free_buffer_pages(h, b, 2);		/* cached */
	xenemu_leaks(&l);
	ATF_CHECK_EQ(l.hcall_bufs, 3);
	/* close releases live and cached buffers and the descriptors */
	ATF_CHECK_EQ(xencall_close(h), 0);
	finish();
}

ATF_TC_WITHOUT_HEAD(fork_child);
ATF_TC_BODY(fork_child, tc)
{
	struct capture c;
	xencall_handle *h;
	void *p;
	pid_t pid;
	int status;

	setup();
	h = open_ok(&c, 0);
	p = xencall_alloc_buffer(h, 10);
	ATF_REQUIRE(p != NULL);
	pid = fork();
	ATF_REQUIRE(pid != -1);
	if (pid == 0) {
		unsigned int n = c.count;
		int bad = 0;

		/* A misuse: refused, and the only hypercall failure logged. */
		errno = 0;
		if (xencall0(h, HC_xen_version) != -1 || errno != EBADF)
			bad |= 1;
		if (c.count != n + 1 || c.errnoval != EBADF ||
		    strcmp(c.context, "xencall") != 0)
			bad |= 16;
		if (xencall_alloc_buffer(h, 1) != NULL || errno != EBADF)
			bad |= 2;
		if (xencall_fd(h) != -1)
			bad |= 4;
		if (xencall_close(h) != 0)
			bad |= 8;
		_exit(bad);
	}
	ATF_REQUIRE_EQ(waitpid(pid, &status, 0), pid);
	ATF_CHECK_MSG(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	    "child status %#x", status);
	ATF_CHECK(xencall0(h, HC_xen_version) > 0);
	xencall_free_buffer(h, p);
	ATF_CHECK_EQ(xencall_close(h), 0);
	finish();
}

struct thr {
	xencall_handle	*h;
	int		 fails;
};

static void *
thr_main(void *arg)
{
	struct thr *t = arg;
	unsigned char *p;
	int i;

	for (i = 0; i < 500; i++) {
		p = xencall_alloc_buffer(t->h, 1 + (size_t)(i % 5) * 4096);
		if (p == NULL || p[0] != 0) {
			t->fails++;
			continue;
		}
		p[0] = 1;
		if (xencall2(t->h, HC_xen_version, XENVER_extraversion,
		    (uintptr_t)p) != 0)
			t->fails++;
		xencall_free_buffer(t->h, p);
	}
	return NULL;
}

ATF_TC_WITHOUT_HEAD(threads);
ATF_TC_BODY(threads, tc)
{
	struct capture c;
	xencall_handle *h;
	pthread_t tid[4];
	struct thr t[4];
	int i;

	setup();
	h = open_ok(&c, 0);
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
	finish();
}

/*
 * A handle xentoolcore_restrict_all() cannot make useless (its descriptor
 * was closed behind the library's back): the call fails with EBADF and
 * the handle's logger names it.
 */
ATF_TC_WITHOUT_HEAD(restrict_all_lost_fd);
ATF_TC_BODY(restrict_all_lost_fd, tc)
{
	struct capture c;
	xencall_handle *h;
	int hole;

	setup();
	/* A free descriptor below h's, for restrict_all's /dev/null. */
	ATF_REQUIRE((hole = open("/dev/null", O_RDONLY)) >= 0);
	h = open_ok(&c, 0);
	ATF_REQUIRE(xencall_fd(h) > hole);
	ATF_REQUIRE_EQ(close(hole), 0);
	ATF_REQUIRE_EQ(close(xencall_fd(h)), 0);
	errno = 0;
	ATF_CHECK_EQ(xentoolcore_restrict_all(1), -1);
	ATF_CHECK_EQ(errno, EBADF);
	ATF_CHECK_EQ_MSG(c.count, 1, "%u messages", c.count);
	ATF_CHECK_EQ(c.errnoval, EBADF);
	ATF_CHECK_MSG(strstr(c.msg, "restrict_all") != NULL, "%s", c.msg);
	(void)xencall_close(h);
	finish();
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, open_close);
	ATF_TP_ADD_TC(tp, open_failures);
	ATF_TP_ADD_TC(tp, linux_devices);
	ATF_TP_ADD_TC(tp, hypercalls);
	ATF_TP_ADD_TC(tp, result_2L);
	ATF_TP_ADD_TC(tp, buffers);
	ATF_TP_ADD_TC(tp, buffers_non_reentrant);
	ATF_TP_ADD_TC(tp, hot_loop);
	ATF_TP_ADD_TC(tp, hot_loop_non_reentrant);
	ATF_TP_ADD_TC(tp, alloc_failures);
	ATF_TP_ADD_TC(tp, alloc_drops_cache);
	ATF_TP_ADD_TC(tp, bad_input);
	ATF_TP_ADD_TC(tp, close_releases);
	ATF_TP_ADD_TC(tp, fork_child);
	ATF_TP_ADD_TC(tp, threads);
	ATF_TP_ADD_TC(tp, restrict_all_lost_fd);
	return atf_no_error();
}
