/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * xenemu, NetBSD dialect: raw requests from sys/netbsd/xen_ioctl.h.
 */

#define _GNU_SOURCE
#include <sys/mman.h>
#include <sys/wait.h>

#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include <atf-c.h>

#include "sys/netbsd/xen_ioctl.h"
#include "t_util.h"
#include "xenemu.h"
#include "xenemu_xen.h"

#define PG	4096

int	ioctl(int, unsigned long, ...);

static int
dev(const char *path)
{
	return (T_FD(open(path, O_RDWR | O_CLOEXEC)));
}

static void *
anon(size_t n)
{
	void *p = mmap(NULL, n * PG, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	ATF_REQUIRE(p != MAP_FAILED);
	return (p);
}

ATF_TC_WITHOUT_HEAD(paths_unknown);
ATF_TC_BODY(paths_unknown, tc)
{
	uint64_t port = 1;
	int pc, ev, x = 0;

	T_SETUP(XENEMU_NETBSD);
	T_ERR(ENOENT, open("/dev/xen/privcmd", O_RDWR));
	T_ERR(ENOENT, open("/dev/xen/evtchn", O_RDWR));
	T_ERR(ENOENT, open("/dev/xen/gntdev", O_RDWR));
	pc = dev(NETBSD_PRIVCMD_PATH);
	ev = dev(NETBSD_XENEVT_PATH);
	T_ERR(EINVAL, ioctl(pc, NETBSD_IOWR('P', 99, int), &x));
	T_ERR(EINVAL, ioctl(ev, NETBSD_IOWR('E', 99, int), &x));
	T_ERR(EINVAL, ioctl(ev, EVTCHN_BIND, &port));
	T_ERR(EINVAL, ioctl(pc, IOCTL_PRIVCMD_INITDOMAIN_EVTCHN, &x));
	T_ERR(ENODEV, (long)(intptr_t)mmap(NULL, PG, PROT_READ, MAP_SHARED,
	    pc, 0));
	close(pc);
	close(ev);
	T_NO_LEAKS();
}

ATF_TC_WITHOUT_HEAD(hypercall);
ATF_TC_BODY(hypercall, tc)
{
	struct privcmd_hypercall h;
	struct xe_dm_op dm;
	struct xe_dm_op_buf b;
	struct xenemu_dm_op rec;
	int pc, dom;

	T_SETUP(XENEMU_NETBSD);
	pc = dev(NETBSD_PRIVCMD_PATH);
	memset(&h, 0, sizeof(h));
	h.op = XE_HC_xen_version;
	T_OK(ioctl(pc, IOCTL_PRIVCMD_HYPERCALL, &h));
	ATF_CHECK_EQ(0x40011, h.retval);
	h.op = 128;
	T_ERR(EINVAL, ioctl(pc, IOCTL_PRIVCMD_HYPERCALL, &h));
	/* The result is an int: bit 31 set is a raw errno, above is lost. */
	h.op = XE_HC_xen_version;
	xenemu_set_version(0x87654321U, NULL);
	T_ERR(0x789abcdf, ioctl(pc, IOCTL_PRIVCMD_HYPERCALL, &h));
	xenemu_set_version(0x80000000U, NULL);
	T_ERR((int)0x80000000U, ioctl(pc, IOCTL_PRIVCMD_HYPERCALL, &h));
	xenemu_set_max_ram_page(0x123456789ULL);
	h.op = XE_HC_memory_op;
	h.arg[0] = XE_XENMEM_maximum_ram_page;
	T_OK(ioctl(pc, IOCTL_PRIVCMD_HYPERCALL, &h));
	ATF_CHECK_EQ(0x23456789, h.retval);
	memset(&h, 0, sizeof(h));
	/* No DM_OP ioctl: dm_op is a plain hypercall with buffers. */
	dom = xenemu_domain_create(1);
	memset(&dm, 0, sizeof(dm));
	dm.op = XE_DMOP_create_ioreq_server;
	b.h = (uintptr_t)&dm;
	b.size = sizeof(dm);
	h.op = XE_HC_dm_op;
	h.arg[0] = (uint64_t)dom;
	h.arg[1] = 1;
	h.arg[2] = (uintptr_t)&b;
	T_OK(ioctl(pc, IOCTL_PRIVCMD_HYPERCALL, &h));
	T_OK(xenemu_last_dm_op(&rec));
	ATF_CHECK_EQ(XE_DMOP_create_ioreq_server, rec.op);
	ATF_CHECK_EQ(dom, rec.domid);
	close(pc);
	T_NO_LEAKS();
}

ATF_TC_WITHOUT_HEAD(foreign_map);
ATF_TC_BODY(foreign_map, tc)
{
	struct privcmd_mmapbatch_v2 b2;
	struct privcmd_mmapbatch b1;
	struct privcmd_mmap_resource r;
	uint64_t arr[2] = { 1, 0 };
	int err[2], pc, dom;
	char *p;

	T_SETUP(XENEMU_NETBSD);
	dom = xenemu_domain_create(2);
	strcpy(xenemu_frame((uint16_t)dom, 1), "one");
	pc = dev(NETBSD_PRIVCMD_PATH);
	p = anon(2);
	memset(&b2, 0, sizeof(b2));
	b2.num = 2;
	b2.dom = (uint16_t)dom;
	b2.addr = (uintptr_t)p;
	b2.arr = arr;
	b2.err = err;
	T_OK(xenemu_frame_state((uint16_t)dom, 0, XENEMU_FRAME_BAD));
	T_OK(ioctl(pc, IOCTL_PRIVCMD_MMAPBATCH_V2, &b2));
	ATF_CHECK_EQ(0, err[0]);
	ATF_CHECK_EQ(-EINVAL, err[1]);
	ATF_CHECK_STREQ("one", p);
	/* V1: the top nibble marks a failed frame. */
	b1.num = 2;
	b1.dom = (uint16_t)dom;
	b1.addr = (uintptr_t)p;
	b1.arr = arr;
	T_OK(ioctl(pc, IOCTL_PRIVCMD_MMAPBATCH, &b1));
	ATF_CHECK_EQ(1, arr[0]);
	ATF_CHECK_EQ(0xf0000000U, arr[1]);
	T_OK(munmap(p, 2 * PG));

	/* _IOW: the size query cannot report the size. */
	memset(&r, 0, sizeof(r));
	r.dom = (uint16_t)dom;
	r.type = XE_XENMEM_resource_grant_table;
	T_OK(ioctl(pc, IOCTL_PRIVCMD_MMAP_RESOURCE, &r));
	ATF_CHECK_EQ(0, r.num);
	p = anon(2);
	r.num = 2;
	r.addr = (uintptr_t)p;
	T_OK(ioctl(pc, IOCTL_PRIVCMD_MMAP_RESOURCE, &r));
	T_OK(munmap(p, 2 * PG));
	close(pc);
	T_NO_LEAKS();
}

ATF_TC_WITHOUT_HEAD(grants);
ATF_TC_BODY(grants, tc)
{
	struct ioctl_gntdev_grant_ref refs[1];
	struct ioctl_gntdev_mmap_grant_ref m;
	struct ioctl_gntdev_alloc_grant_ref a;
	struct xenemu_grant_info gi;
	uint32_t ids[1], rport;
	int pc, dom, ref;
	char *p, *f;

	T_SETUP(XENEMU_NETBSD);
	dom = xenemu_domain_create(1);
	f = xenemu_frame((uint16_t)dom, 0);
	ref = xenemu_grant((uint16_t)dom, 0, 0);
	rport = (uint32_t)xenemu_evtchn_alloc_unbound((uint16_t)dom, 0);
	pc = dev(NETBSD_PRIVCMD_PATH);
	p = anon(1);
	refs[0].domid = (uint32_t)dom;
	refs[0].ref = (uint32_t)ref;
	memset(&m, 0, sizeof(m));
	m.count = 1;
	m.va = p;
	m.refs = refs;
	/* The byte offset is checked against the page count (1 here). */
	m.notify.offset = 4;
	m.notify.action = UNMAP_NOTIFY_CLEAR_BYTE;
	T_ERR(EINVAL, ioctl(pc, IOCTL_GNTDEV_MMAP_GRANT_REF, &m));
	m.notify.action = 0;
	T_ERR(EINVAL, ioctl(pc, IOCTL_GNTDEV_MMAP_GRANT_REF, &m));
	m.notify.offset = 1;
	m.notify.action = UNMAP_NOTIFY_CLEAR_BYTE;
	T_OK(ioctl(pc, IOCTL_GNTDEV_MMAP_GRANT_REF, &m));
	p[1] = 'n';
	ATF_CHECK_EQ('n', f[1]);
	T_OK(xenemu_grant_info((uint16_t)dom, (uint32_t)ref, &gi));
	ATF_CHECK_EQ(1, gi.maps);
	/* Closing privcmd does not unmap; munmap does, and notifies. */
	close(pc);
	T_OK(munmap(p, PG));
	ATF_CHECK_EQ(0, f[1]);
	T_OK(xenemu_grant_info((uint16_t)dom, (uint32_t)ref, &gi));
	ATF_CHECK_EQ(0, gi.maps);

	pc = dev(NETBSD_PRIVCMD_PATH);
	p = anon(1);
	memset(&a, 0, sizeof(a));
	a.domid = (uint16_t)dom;
	a.flags = GNTDEV_ALLOC_FLAG_WRITABLE;
	a.count = 1;
	a.va = p;
	a.gref_ids = ids;
	a.notify.offset = 2;
	T_ERR(EINVAL, ioctl(pc, IOCTL_GNTDEV_ALLOC_GRANT_REF, &a));
	a.notify.offset = 0;
	T_OK(ioctl(pc, IOCTL_GNTDEV_ALLOC_GRANT_REF, &a));
	strcpy(p, "mine");
	T_OK(xenemu_grant_info(0, ids[0], &gi));
	ATF_CHECK_STREQ("mine", (char *)gi.page);
	T_OK(munmap(p, PG));
	ATF_CHECK_EQ(-1, xenemu_grant_info(0, ids[0], &gi));
	close(pc);
	T_OK(xenemu_evtchn_close((uint16_t)dom, rport));
	T_NO_LEAKS();
}

ATF_TC_WITHOUT_HEAD(xenevt);
ATF_TC_BODY(xenevt, tc)
{
	struct ioctl_evtchn_bind_unbound_port u;
	struct ioctl_evtchn_bind_interdomain i;
	struct ioctl_evtchn_notify n;
	struct xenemu_port st;
	uint32_t got;
	uint16_t p16;
	int ev;

	T_SETUP(XENEMU_NETBSD);
	ev = dev(NETBSD_XENEVT_PATH);
	u.remote_domain = 0;
	T_OK(ioctl(ev, IOCTL_EVTCHN_BIND_UNBOUND_PORT, &u));
	i.remote_domain = 0;
	i.remote_port = u.port;
	T_OK(ioctl(ev, IOCTL_EVTCHN_BIND_INTERDOMAIN, &i));
	n.port = u.port;
	T_OK(ioctl(ev, IOCTL_EVTCHN_NOTIFY, &n));
	ATF_CHECK_EQ(4, read(ev, &got, 4));
	ATF_CHECK_EQ(i.port, got);
	/* write() takes 16-bit ports. */
	p16 = (uint16_t)i.port;
	ATF_CHECK_EQ(2, write(ev, &p16, 2));
	T_OK(xenemu_evtchn_state(0, i.port, &st));
	ATF_CHECK_EQ(0, st.masked);
	n.port = 5000;
	T_ERR(EINVAL, ioctl(ev, IOCTL_EVTCHN_NOTIFY, &n));
	n.port = 900;
	T_ERR(ENOTCONN, ioctl(ev, IOCTL_EVTCHN_NOTIFY, &n));
	close(ev);
	T_NO_LEAKS();
}

ATF_TC_WITHOUT_HEAD(legacy_mmap);
ATF_TC_BODY(legacy_mmap, tc)
{
	struct privcmd_mmap_entry e;
	struct privcmd_mmap pm;
	int pc, dom;
	char *p;

	T_SETUP(XENEMU_NETBSD);
	dom = xenemu_domain_create(3);
	strcpy(xenemu_frame((uint16_t)dom, 2), "legacy");
	pc = dev(NETBSD_PRIVCMD_PATH);
	p = anon(2);
	e.va = (uintptr_t)p;
	e.mfn = 1;
	e.npages = 2;
	pm.num = 1;
	pm.dom = (uint16_t)dom;
	pm.entry = &e;
	T_OK(ioctl(pc, IOCTL_PRIVCMD_MMAP, &pm));
	ATF_CHECK_STREQ("legacy", p + PG);
	e.mfn = 2;
	T_ERR(EINVAL, ioctl(pc, IOCTL_PRIVCMD_MMAP, &pm));
	T_OK(munmap(p, 2 * PG));
	close(pc);
	T_NO_LEAKS();
}

/*
 * Unmapping a shared range revokes its grants (privpgop_detach(),
 * privcmd.c 1.66); xengnt_revoke_access() (xengnt.c 1.39) panics when the
 * peer still maps one (v1 table), modelled as an abort.  The unmap
 * notification comes first, event before byte (privcmd_notify()).
 */
ATF_TC_WITHOUT_HEAD(revoke_in_use);
ATF_TC_BODY(revoke_in_use, tc)
{
	struct ioctl_gntdev_alloc_grant_ref a;
	struct xenemu_grant_info gi;
	uint32_t ids[2];
	int pc, dom, rport, lport, peer_mapped, st;
	pid_t pid;
	char *p;

	for (peer_mapped = 0; peer_mapped < 2; peer_mapped++) {
		T_SETUP(XENEMU_NETBSD);
		dom = xenemu_domain_create(1);
		rport = xenemu_evtchn_alloc_unbound((uint16_t)dom, 0);
		lport = xenemu_evtchn_bind_interdomain(0, (uint16_t)dom,
		    (uint32_t)rport);
		ATF_REQUIRE(lport > 0);
		pc = dev(NETBSD_PRIVCMD_PATH);
		p = anon(2);
		memset(&a, 0, sizeof(a));
		a.domid = (uint16_t)dom;
		a.flags = GNTDEV_ALLOC_FLAG_WRITABLE;
		a.count = 2;
		a.va = p;
		a.gref_ids = ids;
		a.notify.action = UNMAP_NOTIFY_CLEAR_BYTE |
		    UNMAP_NOTIFY_SEND_EVENT;
		a.notify.offset = 1;
		a.notify.event_channel_port = (uint32_t)lport;
		T_OK(ioctl(pc, IOCTL_GNTDEV_ALLOC_GRANT_REF, &a));
		T_OK(xenemu_grant_peer_map((uint16_t)dom, ids[1], 1));
		if (!peer_mapped)
			T_OK(xenemu_grant_peer_map((uint16_t)dom, ids[1], 0));
		ATF_REQUIRE((pid = fork()) >= 0);
		if (pid == 0) {
			int devnull = open("/dev/null", O_WRONLY);

			if (devnull >= 0)
				(void)dup2(devnull, 2);
			(void)munmap(p, 2 * PG);
			_exit(xenemu_grant_info(0, ids[1], &gi) == -1 &&
			    xenemu_evtchn_consume((uint16_t)dom,
			    (uint32_t)rport) == 1 ? 0 : 1);
		}
		ATF_REQUIRE_EQ(pid, waitpid(pid, &st, 0));
		if (peer_mapped)
			ATF_CHECK_MSG(WIFSIGNALED(st) &&
			    WTERMSIG(st) == SIGABRT,
			    "revoke of a mapped grant: status %#x", st);
		else
			ATF_CHECK_MSG(WIFEXITED(st) && WEXITSTATUS(st) == 0,
			    "plain revoke: status %#x", st);
		/* The parent's copy: end it cleanly. */
		if (peer_mapped)
			T_OK(xenemu_grant_peer_map((uint16_t)dom, ids[1], 0));
		T_OK(munmap(p, 2 * PG));
		close(pc);
		(void)xenemu_evtchn_close(0, (uint32_t)lport);
		(void)xenemu_evtchn_close((uint16_t)dom, (uint32_t)rport);
		T_NO_LEAKS();
	}
}

/*
 * xenevt_record() and xenevt_fread() (xenevt.c 1.65): 2047 ports fit
 * in the 2048-slot ring, and one read takes all of them (no page limit);
 * one more overflows (EFBIG until RESET).
 */
ATF_TC_WITHOUT_HEAD(evtchn_ring);
ATF_TC_BODY(evtchn_ring, tc)
{
	struct ioctl_evtchn_bind_unbound_port u;
	static uint32_t buf[4096];
	uint32_t port;
	uint16_t p16;
	int ev, dom, i, rport;

	T_SETUP(XENEMU_NETBSD);
	dom = xenemu_domain_create(1);
	ev = dev(NETBSD_XENEVT_PATH);
	u.remote_domain = (uint32_t)dom;
	T_OK(ioctl(ev, IOCTL_EVTCHN_BIND_UNBOUND_PORT, &u));
	port = u.port;
	ATF_REQUIRE((rport = xenemu_evtchn_bind_interdomain((uint16_t)dom, 0,
	    port)) > 0);
	for (i = 0; i < 2047; i++) {
		T_OK(xenemu_evtchn_notify((uint16_t)dom, (uint32_t)rport));
		p16 = (uint16_t)port;
		ATF_REQUIRE_EQ(2, write(ev, &p16, 2));
	}
	ATF_CHECK_EQ((ssize_t)(2047 * 4), read(ev, buf, sizeof(buf)));
	ATF_CHECK_EQ(port, buf[0]);
	for (i = 0; i < 2047 + 1; i++) {
		T_OK(xenemu_evtchn_notify((uint16_t)dom, (uint32_t)rport));
		p16 = (uint16_t)port;
		ATF_REQUIRE_EQ(2, write(ev, &p16, 2));
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
	ATF_TP_ADD_TC(tp, grants);
	ATF_TP_ADD_TC(tp, xenevt);
	ATF_TP_ADD_TC(tp, legacy_mmap);
	ATF_TP_ADD_TC(tp, revoke_in_use);
	return (atf_no_error());
}
