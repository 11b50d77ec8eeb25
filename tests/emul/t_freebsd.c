/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * xenemu, FreeBSD dialect: raw requests from sys/freebsd/xen_ioctl.h.
 */

#define _GNU_SOURCE
#include <sys/mman.h>
#include <sys/wait.h>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include <atf-c.h>

#include "sys/freebsd/xen_ioctl.h"
#include "t_util.h"
#include "xenemu.h"
#include "xenemu_xen.h"

#define PG	4096

/* Our sys/ioctl.h is Linux's; the request codes are FreeBSD's. */
int	ioctl(int, unsigned long, ...);

static int
dev(const char *path)
{
	return (T_FD(open(path, O_RDWR | O_CLOEXEC)));
}

ATF_TC_WITHOUT_HEAD(paths_unknown);
ATF_TC_BODY(paths_unknown, tc)
{
	int pc, ev, gd, x = 0;

	T_SETUP(XENEMU_FREEBSD);
	T_ERR(ENOENT, open("/dev/xen/hypercall", O_RDWR));
	T_ERR(ENOENT, open("/dev/xen/gntalloc", O_RDWR));
	T_ERR(ENOENT, open("/kern/xen/privcmd", O_RDWR));
	pc = dev(FREEBSD_PRIVCMD_PATH);
	ev = dev(FREEBSD_EVTCHN_PATH);
	gd = dev(FREEBSD_GNTDEV_PATH);
	T_ERR(ENOSYS, ioctl(pc, FREEBSD_IOWR('E', 99, int), &x));
	T_ERR(ENOTTY, ioctl(ev, FREEBSD_IOWR('E', 99, int), &x));
	T_ERR(ENOSYS, ioctl(gd, FREEBSD_IOWR('E', 99, int), &x));
	/* The wrong-direction MMAP_RESOURCE is simply unknown. */
	{
		struct ioctl_privcmd_mmapresource r;

		memset(&r, 0, sizeof(r));
		T_ERR(ENOSYS, ioctl(pc, FREEBSD_IOW('E', 2,
		    struct ioctl_privcmd_mmapresource), &r));
	}
	/* No restrict on FreeBSD's evtchn. */
	T_ERR(ENOTTY, ioctl(ev, FREEBSD_IOW('E', 10, uint16_t), &x));
	close(pc);
	close(ev);
	close(gd);
	T_NO_LEAKS();
}

ATF_TC_WITHOUT_HEAD(hypercall);
ATF_TC_BODY(hypercall, tc)
{
	struct ioctl_privcmd_hypercall h;
	uint16_t dom = 3;
	int pc;

	T_SETUP(XENEMU_FREEBSD);
	pc = dev(FREEBSD_PRIVCMD_PATH);
	memset(&h, 0, sizeof(h));
	h.op = XE_HC_xen_version;
	T_OK(ioctl(pc, IOCTL_PRIVCMD_HYPERCALL, &h));
	ATF_CHECK_EQ(0x40011, h.retval);
	/* Errors are errno; nothing is copied back. */
	h.op = 99;
	h.retval = 77;
	T_ERR(ENOSYS, ioctl(pc, IOCTL_PRIVCMD_HYPERCALL, &h));
	ATF_CHECK_EQ(77, h.retval);
	/* Op 128 and above: privcmd_hypercall()'s -EINVAL. */
	h.op = 128;
	T_ERR(EINVAL, ioctl(pc, IOCTL_PRIVCMD_HYPERCALL, &h));
	/* The result is an int: bit 31 set is EINVAL, above 31 is lost. */
	h.op = XE_HC_xen_version;
	xenemu_set_version(0x87654321U, NULL);
	T_ERR(EINVAL, ioctl(pc, IOCTL_PRIVCMD_HYPERCALL, &h));
	/* Low 32 bits reading as a small Xen error: that error (-2). */
	xenemu_set_version(0xfffffffeU, NULL);
	T_ERR(ENOENT, ioctl(pc, IOCTL_PRIVCMD_HYPERCALL, &h));
	xenemu_set_max_ram_page(0x123456789ULL);
	h.op = XE_HC_memory_op;
	h.arg[0] = XE_XENMEM_maximum_ram_page;
	T_OK(ioctl(pc, IOCTL_PRIVCMD_HYPERCALL, &h));
	ATF_CHECK_EQ(0x23456789, h.retval);
	memset(&h, 0, sizeof(h));
	T_OK(ioctl(pc, IOCTL_PRIVCMD_RESTRICT, &dom));
	T_OK(ioctl(pc, IOCTL_PRIVCMD_RESTRICT, &dom));
	h.op = XE_HC_xen_version;
	T_ERR(EPERM, ioctl(pc, IOCTL_PRIVCMD_HYPERCALL, &h));
	/* Another domain: the driver's -EINVAL reaches errno as is. */
	dom = 4;
	T_ERR(-EINVAL, ioctl(pc, IOCTL_PRIVCMD_RESTRICT, &dom));
	close(pc);
	T_NO_LEAKS();
}

ATF_TC_WITHOUT_HEAD(foreign_map);
ATF_TC_BODY(foreign_map, tc)
{
	struct ioctl_privcmd_mmapbatch b;
	struct ioctl_privcmd_mmapresource r;
	uint64_t arr[3] = { 0, 1, 2 };
	int err[3], pc, dom;
	char *p;

	T_SETUP(XENEMU_FREEBSD);
	dom = xenemu_domain_create(3);
	strcpy(xenemu_frame((uint16_t)dom, 2), "two");
	T_OK(xenemu_frame_state((uint16_t)dom, 1, XENEMU_FRAME_PAGED));
	pc = dev(FREEBSD_PRIVCMD_PATH);
	p = mmap(NULL, 3 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, pc, 0);
	ATF_REQUIRE(p != MAP_FAILED);
	memset(&b, 0, sizeof(b));
	b.num = 3;
	b.dom = (uint16_t)dom;
	b.addr = (uintptr_t)p;
	b.arr = arr;
	b.err = err;
	/*
	 * Per-frame errors only: the call itself succeeds.  The kernel
	 * stores them as positive errnos (xen_translate_error()).
	 */
	T_OK(ioctl(pc, IOCTL_PRIVCMD_MMAPBATCH, &b));
	ATF_CHECK_EQ(0, err[0]);
	ATF_CHECK_EQ(ENOENT, err[1]);
	ATF_CHECK_STREQ("two", p + 2 * PG);
	/* Asked again over the whole mapping, a good frame stays good. */
	T_OK(ioctl(pc, IOCTL_PRIVCMD_MMAPBATCH, &b));
	ATF_CHECK_EQ(0, err[0]);
	ATF_CHECK_EQ(ENOENT, err[1]);
	ATF_CHECK_STREQ("two", p + 2 * PG);
	/* Must cover the whole privcmd mapping, every time. */
	b.num = 1;
	b.addr = (uintptr_t)p + PG;
	T_ERR(EINVAL, ioctl(pc, IOCTL_PRIVCMD_MMAPBATCH, &b));
	T_OK(munmap(p, 3 * PG));

	/* The size query comes back (_IOWR). */
	memset(&r, 0, sizeof(r));
	r.dom = (uint16_t)dom;
	r.type = XE_XENMEM_resource_grant_table;
	T_OK(ioctl(pc, IOCTL_PRIVCMD_MMAP_RESOURCE, &r));
	ATF_CHECK_EQ(2, r.num);
	close(pc);
	T_NO_LEAKS();
}

ATF_TC_WITHOUT_HEAD(dm_op);
ATF_TC_BODY(dm_op, tc)
{
	struct ioctl_privcmd_dmop op;
	struct privcmd_dmop_buf buf;
	struct xe_dm_op dm;
	struct xenemu_dm_op rec;
	int pc, dom;

	T_SETUP(XENEMU_FREEBSD);
	dom = xenemu_domain_create(1);
	pc = dev(FREEBSD_PRIVCMD_PATH);
	memset(&dm, 0, sizeof(dm));
	dm.op = XE_DMOP_nr_vcpus;
	buf.uptr = &dm;
	buf.size = sizeof(dm);
	memset(&op, 0, sizeof(op));
	op.dom = (uint16_t)dom;
	op.num = 1;
	op.ubufs = &buf;
	T_OK(ioctl(pc, IOCTL_PRIVCMD_DM_OP, &op));
	ATF_CHECK_EQ(2, dm.u.nr_vcpus.vcpus);
	T_OK(xenemu_last_dm_op(&rec));
	ATF_CHECK_EQ(XE_DMOP_nr_vcpus, rec.op);
	op.num = 17;
	T_ERR(E2BIG, ioctl(pc, IOCTL_PRIVCMD_DM_OP, &op));
	close(pc);
	T_NO_LEAKS();
}

ATF_TC_WITHOUT_HEAD(evtchn);
ATF_TC_BODY(evtchn, tc)
{
	struct ioctl_evtchn_bind_unbound_port u;
	struct ioctl_evtchn_bind_interdomain i;
	struct ioctl_evtchn_notify n;
	uint32_t got;
	int ev;

	T_SETUP(XENEMU_FREEBSD);
	ev = dev(FREEBSD_EVTCHN_PATH);
	u.remote_domain = 0;
	u.port = 0;
	T_OK(ioctl(ev, IOCTL_EVTCHN_BIND_UNBOUND_PORT, &u));
	ATF_CHECK(u.port > 0);
	i.remote_domain = 0;
	i.remote_port = u.port;
	T_OK(ioctl(ev, IOCTL_EVTCHN_BIND_INTERDOMAIN, &i));
	ATF_CHECK(i.port > 0 && i.port != u.port);
	n.port = u.port;
	T_OK(ioctl(ev, IOCTL_EVTCHN_NOTIFY, &n));
	ATF_CHECK_EQ(4, read(ev, &got, 4));
	ATF_CHECK_EQ(i.port, got);
	ATF_CHECK_EQ(4, write(ev, &got, 4));
	T_OK(ioctl(ev, IOCTL_EVTCHN_RESET));
	close(ev);
	T_NO_LEAKS();
}

/*
 * UNBIND or NOTIFY of a port the descriptor did not bind leaves the
 * driver's bind_mutex held: read and RESET still work, and the next call
 * that takes the mutex would never return, so the emulation aborts there
 * (each in a child, which must die of SIGABRT).
 */
static void
wedged_then(int ev, unsigned long first, int what)
{
	struct ioctl_evtchn_bind_unbound_port u;
	struct ioctl_evtchn_unbind ub;
	uint32_t port = 900;
	pid_t pid;
	int st;

	ub.port = 900;
	T_ERR(ENOTCONN, ioctl(ev, first, &ub));
	/* Not under bind_mutex: these still return. */
	T_OK(ioctl(ev, IOCTL_EVTCHN_RESET));
	T_OK(fcntl(ev, F_SETFL, O_NONBLOCK));
	T_ERR(EAGAIN, (int)read(ev, &port, 4));
	ATF_REQUIRE((pid = fork()) >= 0);
	if (pid == 0) {
		int devnull = open("/dev/null", O_WRONLY);

		if (devnull >= 0)
			(void)dup2(devnull, 2);	/* the expected message */
		switch (what) {
		case 0:
			u.remote_domain = 0;
			(void)ioctl(ev, IOCTL_EVTCHN_BIND_UNBOUND_PORT, &u);
			break;
		case 1:
			(void)ioctl(ev, IOCTL_EVTCHN_UNBIND, &ub);
			break;
		case 2:
			(void)ioctl(ev, IOCTL_EVTCHN_NOTIFY, &ub);
			break;
		default:
			(void)write(ev, &port, 4);
			break;
		}
		_exit(0);
	}
	ATF_REQUIRE_EQ(pid, waitpid(pid, &st, 0));
	ATF_CHECK_MSG(WIFSIGNALED(st) && WTERMSIG(st) == SIGABRT,
	    "call %d after %#lx returned (status %#x)", what, first, st);
}

ATF_TC_WITHOUT_HEAD(evtchn_bind_mutex);
ATF_TC_BODY(evtchn_bind_mutex, tc)
{
	struct ioctl_evtchn_bind_unbound_port u;
	struct ioctl_evtchn_notify n;
	int ev, other, what;

	for (what = 0; what < 4; what++) {
		T_SETUP(XENEMU_FREEBSD);
		ev = dev(FREEBSD_EVTCHN_PATH);
		other = dev(FREEBSD_EVTCHN_PATH);
		/* A port bound through another descriptor is not this one's. */
		u.remote_domain = 0;
		T_OK(ioctl(other, IOCTL_EVTCHN_BIND_UNBOUND_PORT, &u));
		n.port = u.port;
		T_ERR(ENOTCONN, ioctl(ev, IOCTL_EVTCHN_NOTIFY, &n));
		close(ev);
		/* The other descriptor is unaffected. */
		T_OK(ioctl(other, IOCTL_EVTCHN_NOTIFY, &n));
		ev = dev(FREEBSD_EVTCHN_PATH);
		wedged_then(ev, what % 2 ? IOCTL_EVTCHN_NOTIFY :
		    IOCTL_EVTCHN_UNBIND, what);
		close(ev);
		close(other);
		T_NO_LEAKS();
	}
}

ATF_TC_WITHOUT_HEAD(gntdev);
ATF_TC_BODY(gntdev, tc)
{
	struct ioctl_gntdev_grant_ref refs[1];
	struct ioctl_gntdev_map_grant_ref m;
	struct ioctl_gntdev_unmap_grant_ref u;
	struct ioctl_gntdev_unmap_notify n;
	struct ioctl_gntdev_alloc_gref a;
	struct ioctl_gntdev_dealloc_gref d;
	struct ioctl_gntdev_get_offset_for_vaddr gv;
	struct xenemu_grant_info gi;
	uint32_t ids[2];
	int gd, dom, ref;
	char *p, *f;

	T_SETUP(XENEMU_FREEBSD);
	dom = xenemu_domain_create(1);
	f = xenemu_frame((uint16_t)dom, 0);
	ref = xenemu_grant((uint16_t)dom, 0, 0);
	gd = dev(FREEBSD_GNTDEV_PATH);
	refs[0].domid = (uint32_t)dom;
	refs[0].ref = (uint32_t)ref;
	memset(&m, 0, sizeof(m));
	m.count = 1;
	m.refs = refs;
	T_OK(ioctl(gd, IOCTL_GNTDEV_MAP_GRANT_REF, &m));
	p = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED, gd,
	    (off_t)m.index);
	ATF_REQUIRE(p != MAP_FAILED);
	p[9] = 'w';
	ATF_CHECK_EQ('w', f[9]);
	gv.vaddr = (uintptr_t)p;
	T_OK(ioctl(gd, IOCTL_GNTDEV_GET_OFFSET_FOR_VADDR, &gv));
	ATF_CHECK_EQ(m.index, gv.offset);
	n.index = m.index + 9;
	n.action = UNMAP_NOTIFY_CLEAR_BYTE;
	n.event_channel_port = 0;
	T_OK(ioctl(gd, IOCTL_GNTDEV_SET_UNMAP_NOTIFY, &n));
	/* FreeBSD keeps the grant mapped until UNMAP_GRANT_REF too. */
	T_OK(munmap(p, PG));
	T_OK(xenemu_grant_info((uint16_t)dom, (uint32_t)ref, &gi));
	ATF_CHECK_EQ(1, gi.maps);
	ATF_CHECK_EQ('w', f[9]);
	u.index = m.index;
	u.count = 1;
	T_OK(ioctl(gd, IOCTL_GNTDEV_UNMAP_GRANT_REF, &u));
	T_OK(xenemu_grant_info((uint16_t)dom, (uint32_t)ref, &gi));
	ATF_CHECK_EQ(0, gi.maps);
	ATF_CHECK_EQ(0, f[9]);
	T_ERR(EINVAL, ioctl(gd, IOCTL_GNTDEV_UNMAP_GRANT_REF, &u));

	/* Sharing: the refs come back through the pointer. */
	memset(&a, 0, sizeof(a));
	a.domid = (uint16_t)dom;
	a.flags = GNTDEV_ALLOC_FLAG_WRITABLE;
	a.count = 2;
	a.gref_ids = ids;
	T_OK(ioctl(gd, IOCTL_GNTDEV_ALLOC_GREF, &a));
	p = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, gd,
	    (off_t)a.index);
	ATF_REQUIRE(p != MAP_FAILED);
	strcpy(p, "ours");
	T_OK(xenemu_grant_info(0, ids[0], &gi));
	ATF_CHECK_STREQ("ours", (char *)gi.page);
	ATF_CHECK_EQ(dom, gi.grantee);
	d.index = a.index;
	d.count = 2;
	T_OK(ioctl(gd, IOCTL_GNTDEV_DEALLOC_GREF, &d));
	T_OK(munmap(p, 2 * PG));
	ATF_CHECK_EQ(-1, xenemu_grant_info(0, ids[0], &gi));
	close(gd);
	T_NO_LEAKS();
}

/*
 * evtchn_interrupt() and evtchn_read() (evtchn_dev.c 8aa5669e7af7): a
 * page of ports (1024) fits, and one read returns at most a page;
 * one more overflows (EFBIG until RESET).
 */
ATF_TC_WITHOUT_HEAD(evtchn_ring);
ATF_TC_BODY(evtchn_ring, tc)
{
	struct ioctl_evtchn_bind_unbound_port u;
	static uint32_t buf[4096];
	uint32_t port;
	int ev, dom, i, rport;

	T_SETUP(XENEMU_FREEBSD);
	dom = xenemu_domain_create(1);
	ev = dev(FREEBSD_EVTCHN_PATH);
	u.remote_domain = (uint32_t)dom;
	T_OK(ioctl(ev, IOCTL_EVTCHN_BIND_UNBOUND_PORT, &u));
	port = u.port;
	ATF_REQUIRE((rport = xenemu_evtchn_bind_interdomain((uint16_t)dom, 0,
	    port)) > 0);
	for (i = 0; i < 1024; i++) {
		T_OK(xenemu_evtchn_notify((uint16_t)dom, (uint32_t)rport));
		ATF_REQUIRE_EQ(4, write(ev, &port, 4));
	}
	ATF_CHECK_EQ((ssize_t)(1024 * 4), read(ev, buf, sizeof(buf)));
	ATF_CHECK_EQ(port, buf[0]);
	for (i = 0; i < 1024 + 1; i++) {
		T_OK(xenemu_evtchn_notify((uint16_t)dom, (uint32_t)rport));
		ATF_REQUIRE_EQ(4, write(ev, &port, 4));
	}
	T_ERR(EFBIG, read(ev, buf, sizeof(buf)));
	T_OK(ioctl(ev, IOCTL_EVTCHN_RESET));
	close(ev);
	T_OK(xenemu_evtchn_close((uint16_t)dom, (uint32_t)rport));
	T_NO_LEAKS();
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, paths_unknown);
	ATF_TP_ADD_TC(tp, evtchn_ring);
	ATF_TP_ADD_TC(tp, hypercall);
	ATF_TP_ADD_TC(tp, foreign_map);
	ATF_TP_ADD_TC(tp, dm_op);
	ATF_TP_ADD_TC(tp, evtchn);
	ATF_TP_ADD_TC(tp, evtchn_bind_mutex);
	ATF_TP_ADD_TC(tp, gntdev);
	return (atf_no_error());
}
