/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * xenemu, Linux dialect: raw requests from sys/linux/xen_ioctl.h against
 * the emulated devices, proving decoding, simulated semantics, fault
 * injection and leak accounting.
 */

#define _GNU_SOURCE
#include <sys/ioctl.h>
#include <sys/mman.h>

#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <atf-c.h>

#include "sys/linux/xen_ioctl.h"
#include "t_util.h"
#include "xenemu.h"
#include "xenemu_xen.h"

#define PG	4096

static int
dev(const char *path)
{
	return (T_FD(open(path, O_RDWR | O_CLOEXEC)));
}

static long
hcall(int fd, uint64_t op, uint64_t a0, uint64_t a1, uint64_t a2)
{
	struct privcmd_hypercall h;

	memset(&h, 0, sizeof(h));
	h.op = op;
	h.arg[0] = a0;
	h.arg[1] = a1;
	h.arg[2] = a2;
	return (ioctl(fd, IOCTL_PRIVCMD_HYPERCALL, &h));
}

ATF_TC_WITHOUT_HEAD(paths);
ATF_TC_BODY(paths, tc)
{
	int fd;

	T_SETUP(XENEMU_LINUX);
	fd = dev(LINUX_PRIVCMD_PATH);
	ATF_CHECK_EQ(O_RDWR | O_CLOEXEC, xenemu_fd_flags(fd));
	ATF_CHECK(fcntl(fd, F_GETFD) & FD_CLOEXEC);
	T_OK(close(fd));
	T_ERR(ENOENT, open(LINUX_PRIVCMD_PATH_XENFS, O_RDWR));
	T_ERR(ENOENT, open("/dev/xenevt", O_RDWR));	/* NetBSD's */
	T_ERR(ENOENT, open("/kern/xen/privcmd", O_RDWR));
	T_OK(xenemu_device_present(LINUX_PRIVCMD_PATH, 0));
	T_OK(xenemu_device_present(LINUX_PRIVCMD_PATH_XENFS, 1));
	T_ERR(ENOENT, open(LINUX_PRIVCMD_PATH, O_RDWR));
	fd = dev(LINUX_PRIVCMD_PATH_XENFS);
	ATF_CHECK_EQ(0x40011, hcall(fd, XE_HC_xen_version, 0, 0, 0));
	T_OK(close(fd));
	/* Anything else is the real thing. */
	fd = T_FD(open("/dev/null", O_RDONLY));
	ATF_CHECK_EQ(-1, xenemu_fd_flags(fd));
	T_OK(close(fd));
	T_NO_LEAKS();
}

ATF_TC_WITHOUT_HEAD(unknown_requests);
ATF_TC_BODY(unknown_requests, tc)
{
	int pc, ev, gd, ga, hc, x = 0;

	T_SETUP(XENEMU_LINUX);
	pc = dev(LINUX_PRIVCMD_PATH);
	ev = dev(LINUX_EVTCHN_PATH);
	gd = dev(LINUX_GNTDEV_PATH);
	ga = dev(LINUX_GNTALLOC_PATH);
	hc = dev(LINUX_HYPERCALL_PATH);
	T_ERR(ENOTTY, ioctl(pc, LINUX_IOC(0, 'P', 99, 8), &x));
	T_ERR(ENOSYS, ioctl(ev, LINUX_IOC(0, 'E', 99, 8), &x));
	T_ERR(ENOTTY, ioctl(gd, LINUX_IOC(0, 'G', 99, 8), &x));
	T_ERR(ENOTTY, ioctl(ga, LINUX_IOC(0, 'G', 99, 8), &x));
	T_ERR(ENOTTY, ioctl(hc, IOCTL_PRIVCMD_HYPERCALL, &x));
	/* Removed from current kernels; libraries must cope. */
	T_ERR(ENOTTY, ioctl(gd, IOCTL_GNTDEV_SET_MAX_GRANTS, &x));
	T_ERR(EINVAL, read(pc, &x, 4));
	close(pc);
	close(ev);
	close(gd);
	close(ga);
	close(hc);
	T_NO_LEAKS();
}

ATF_TC_WITHOUT_HEAD(hypercall_version);
ATF_TC_BODY(hypercall_version, tc)
{
	struct xenemu_hypercall h;
	char extra[16], *buf;
	int pc, hb;

	T_SETUP(XENEMU_LINUX);
	pc = dev(LINUX_PRIVCMD_PATH);
	ATF_CHECK_EQ(0x40011, hcall(pc, XE_HC_xen_version, 0, 0, 0));
	xenemu_set_version(0x4000a, "-rc");
	ATF_CHECK_EQ(0x4000a, hcall(pc, XE_HC_xen_version, 0, 0, 0));

	/* From the hypercall-buffer device: safe memory. */
	hb = dev(LINUX_HYPERCALL_PATH);
	buf = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED, hb, 0);
	ATF_REQUIRE(buf != MAP_FAILED);
	ATF_CHECK_EQ(0, hcall(pc, XE_HC_xen_version, XE_XENVER_extraversion,
	    (uintptr_t)buf, 0));
	ATF_CHECK_STREQ("-rc", buf);
	T_OK(xenemu_last_hypercall(&h));
	ATF_CHECK_EQ(1, h.bufs);
	ATF_CHECK_EQ(0, h.unlocked_bufs);
	/* From the stack: works, but is recorded as unsafe. */
	ATF_CHECK_EQ(0, hcall(pc, XE_HC_xen_version, XE_XENVER_extraversion,
	    (uintptr_t)extra, 0));
	T_OK(xenemu_last_hypercall(&h));
	ATF_CHECK_EQ(1, h.unlocked_bufs);
	ATF_CHECK_EQ(4, xenemu_hypercall_count());

	T_ERR(ENOSYS, hcall(pc, 99, 0, 0, 0));
	T_ERR(ENOSYS, hcall(pc, XE_HC_xen_version, 77, 0, 0));
	T_ERR(EFAULT, hcall(pc, XE_HC_xen_version, XE_XENVER_capabilities,
	    0, 0));
	T_ERR(EINVAL, (long)(intptr_t)mmap(NULL, PG, PROT_READ, MAP_PRIVATE,
	    hb, 0));
	{
		struct xenemu_leaks l;

		xenemu_leaks(&l);
		ATF_CHECK_EQ(1, l.hcall_bufs);
	}
	T_OK(munmap(buf, PG));
	close(hb);
	close(pc);
	T_NO_LEAKS();
}

ATF_TC_WITHOUT_HEAD(sysctl_memory_kexec);
ATF_TC_BODY(sysctl_memory_kexec, tc)
{
	struct xe_sysctl sc;
	struct xe_memory_map mm;
	struct xe_e820entry e820[8];
	struct xe_kexec_range r;
	struct xe_kexec_load kl;
	struct xe_kexec_segment seg[2];
	struct xe_kexec_unload ku;
	struct xenemu_kexec_op ko;
	static char image[2 * PG];
	int pc;

	T_SETUP(XENEMU_LINUX);
	pc = dev(LINUX_PRIVCMD_PATH);
	memset(&sc, 0, sizeof(sc));
	sc.cmd = XE_SYSCTL_physinfo;
	sc.interface_version = 0x15;
	ATF_CHECK_EQ(0, hcall(pc, XE_HC_sysctl, (uintptr_t)&sc, 0, 0));
	ATF_CHECK_EQ(4, sc.u.physinfo.nr_cpus);
	xenemu_set_nr_cpus(8);
	ATF_CHECK_EQ(0, hcall(pc, XE_HC_sysctl, (uintptr_t)&sc, 0, 0));
	ATF_CHECK_EQ(8, sc.u.physinfo.nr_cpus);
	sc.interface_version = 0x14;
	T_ERR(EACCES, hcall(pc, XE_HC_sysctl, (uintptr_t)&sc, 0, 0));

	ATF_CHECK(hcall(pc, XE_HC_memory_op, XE_XENMEM_maximum_ram_page, 0,
	    0) > 0);
	mm.nr_entries = 8;
	mm.buffer = (uintptr_t)e820;
	ATF_CHECK_EQ(0, hcall(pc, XE_HC_memory_op,
	    XE_XENMEM_machine_memory_map, (uintptr_t)&mm, 0));
	ATF_CHECK_EQ(3, mm.nr_entries);
	ATF_CHECK_EQ(0x100000, e820[2].addr);
	mm.nr_entries = 1;
	T_ERR(EINVAL, hcall(pc, XE_HC_memory_op, XE_XENMEM_machine_memory_map,
	    (uintptr_t)&mm, 0));

	memset(&r, 0, sizeof(r));
	r.range = XE_KEXEC_RANGE_MA_CRASH;
	ATF_CHECK_EQ(0, hcall(pc, XE_HC_kexec_op, XE_KEXEC_CMD_kexec_get_range,
	    (uintptr_t)&r, 0));
	ATF_CHECK_EQ(0x10000000, r.start);
	ATF_CHECK_EQ(0x08000000, r.size);
	r.range = XE_KEXEC_RANGE_MA_CPU;
	r.nr = 7;
	ATF_CHECK_EQ(0, hcall(pc, XE_HC_kexec_op, XE_KEXEC_CMD_kexec_get_range,
	    (uintptr_t)&r, 0));
	r.nr = 8;
	T_ERR(EINVAL, hcall(pc, XE_HC_kexec_op, XE_KEXEC_CMD_kexec_get_range,
	    (uintptr_t)&r, 0));

	memset(image, 1, sizeof(image));
	memset(seg, 0, sizeof(seg));
	seg[0].buf = (uintptr_t)image;
	seg[0].buf_size = sizeof(image);
	seg[0].dest_maddr = 0x10000000;
	seg[0].dest_size = 2 * PG;
	memset(&kl, 0, sizeof(kl));
	kl.type = XE_KEXEC_TYPE_CRASH;
	kl.arch = XE_EM_X86_64;
	kl.nr_segments = 1;
	kl.segments = (uintptr_t)seg;
	kl.entry_maddr = 0x10000000;
	ATF_CHECK_EQ(0, hcall(pc, XE_HC_kexec_op, XE_KEXEC_CMD_kexec_load,
	    (uintptr_t)&kl, 0));
	T_OK(xenemu_last_kexec_op(&ko));
	ATF_CHECK_EQ(XE_KEXEC_CMD_kexec_load, ko.cmd);
	ATF_CHECK_EQ(1, ko.nr_segments);
	ATF_CHECK_EQ(2 * PG, ko.seg[0].sum);
	ATF_CHECK_EQ(1, xenemu_kexec_loaded(XE_KEXEC_TYPE_CRASH));
	ku.type = XE_KEXEC_TYPE_CRASH;
	ATF_CHECK_EQ(1, hcall(pc, XE_HC_kexec_op, XE_KEXEC_CMD_kexec_status,
	    (uintptr_t)&ku, 0));
	ATF_CHECK_EQ(0, hcall(pc, XE_HC_kexec_op, XE_KEXEC_CMD_kexec_unload,
	    (uintptr_t)&ku, 0));
	ATF_CHECK_EQ(0, xenemu_kexec_loaded(XE_KEXEC_TYPE_CRASH));
	/* Segment outside the crash area; unaligned destination. */
	seg[0].dest_maddr = 0x1000;
	T_ERR(EINVAL, hcall(pc, XE_HC_kexec_op, XE_KEXEC_CMD_kexec_load,
	    (uintptr_t)&kl, 0));
	kl.type = XE_KEXEC_TYPE_DEFAULT;
	seg[0].dest_maddr = 0x1001;
	T_ERR(EINVAL, hcall(pc, XE_HC_kexec_op, XE_KEXEC_CMD_kexec_load,
	    (uintptr_t)&kl, 0));
	kl.nr_segments = 17;
	T_ERR(EINVAL, hcall(pc, XE_HC_kexec_op, XE_KEXEC_CMD_kexec_load,
	    (uintptr_t)&kl, 0));
	close(pc);
	T_NO_LEAKS();
}

ATF_TC_WITHOUT_HEAD(dm_op);
ATF_TC_BODY(dm_op, tc)
{
	struct privcmd_dm_op op;
	struct privcmd_dm_op_buf buf[2];
	struct xe_dm_op dm;
	struct xenemu_dm_op rec;
	int pc, dom;

	T_SETUP(XENEMU_LINUX);
	dom = xenemu_domain_create(4);
	ATF_REQUIRE(dom > 0);
	pc = dev(LINUX_PRIVCMD_PATH);
	memset(&dm, 0, sizeof(dm));
	dm.op = XE_DMOP_create_ioreq_server;
	dm.u.create_ioreq_server.handle_bufioreq = 1;
	buf[0].uptr = &dm;
	buf[0].size = sizeof(dm);
	op.dom = (uint16_t)dom;
	op.num = 1;
	op.ubufs = buf;
	T_OK(ioctl(pc, IOCTL_PRIVCMD_DM_OP, &op));
	ATF_CHECK_EQ(0, dm.u.create_ioreq_server.id);
	T_OK(xenemu_last_dm_op(&rec));
	ATF_CHECK_EQ(XE_DMOP_create_ioreq_server, rec.op);
	ATF_CHECK_EQ(dom, rec.domid);
	ATF_CHECK_EQ(1, rec.nr_bufs);
	ATF_CHECK_EQ(sizeof(dm), rec.size[0]);
	ATF_CHECK_EQ(1, rec.arg[8]);	/* handle_bufioreq */

	dm.op = XE_DMOP_get_ioreq_server_info;
	dm.u.get_ioreq_server_info.id = 0;
	T_OK(ioctl(pc, IOCTL_PRIVCMD_DM_OP, &op));
	ATF_CHECK(dm.u.get_ioreq_server_info.ioreq_gfn != 0);
	dm.u.get_ioreq_server_info.id = 5;
	T_ERR(ENOENT, ioctl(pc, IOCTL_PRIVCMD_DM_OP, &op));
	dm.op = 999;
	T_ERR(EOPNOTSUPP, ioctl(pc, IOCTL_PRIVCMD_DM_OP, &op));
	op.dom = 9;
	T_ERR(ESRCH, ioctl(pc, IOCTL_PRIVCMD_DM_OP, &op));
	op.num = 17;
	T_ERR(E2BIG, ioctl(pc, IOCTL_PRIVCMD_DM_OP, &op));
	op.num = 0;
	T_OK(ioctl(pc, IOCTL_PRIVCMD_DM_OP, &op));
	/* Restricted to dom: other domains are refused. */
	{
		uint16_t d = (uint16_t)dom;

		T_OK(ioctl(pc, IOCTL_PRIVCMD_RESTRICT, &d));
		d = 7;
		T_ERR(EINVAL, ioctl(pc, IOCTL_PRIVCMD_RESTRICT, &d));
		op.dom = 7;
		op.num = 1;
		T_ERR(EPERM, ioctl(pc, IOCTL_PRIVCMD_DM_OP, &op));
		T_ERR(EPERM, hcall(pc, XE_HC_xen_version, 0, 0, 0));
	}
	close(pc);
	T_NO_LEAKS();
}

ATF_TC_WITHOUT_HEAD(foreign_map);
ATF_TC_BODY(foreign_map, tc)
{
	struct privcmd_mmapbatch_v2 b2;
	struct privcmd_mmapbatch b1;
	uint64_t arr[4], arr1[4];
	int err[4], pc, dom, i;
	char *p, *q;

	T_SETUP(XENEMU_LINUX);
	dom = xenemu_domain_create(8);
	for (i = 0; i < 8; i++)
		memset(xenemu_frame((uint16_t)dom, (uint64_t)i), 'a' + i, PG);
	pc = dev(LINUX_PRIVCMD_PATH);
	p = mmap(NULL, 4 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, pc, 0);
	ATF_REQUIRE(p != MAP_FAILED);
	for (i = 0; i < 4; i++)
		arr[i] = (uint64_t)(7 - i);
	T_OK(xenemu_frame_state((uint16_t)dom, 5, XENEMU_FRAME_PAGED));
	memset(&b2, 0, sizeof(b2));
	b2.num = 4;
	b2.dom = (uint16_t)dom;
	b2.addr = (uintptr_t)p;
	b2.arr = arr;
	b2.err = err;
	T_ERR(ENOENT, ioctl(pc, IOCTL_PRIVCMD_MMAPBATCH_V2, &b2));
	ATF_CHECK_EQ(0, err[0]);
	ATF_CHECK_EQ(-ENOENT, err[2]);
	ATF_CHECK_EQ('h', p[0]);
	ATF_CHECK_EQ('e', p[3 * PG]);
	p[1] = 'Z';	/* shared with the domain's frame */
	ATF_CHECK_EQ('Z', ((char *)xenemu_frame((uint16_t)dom, 7))[1]);
	/* Retry just the paged frame. */
	T_OK(xenemu_frame_state((uint16_t)dom, 5, XENEMU_FRAME_OK));
	b2.num = 1;
	b2.addr = (uintptr_t)p + 2 * PG;
	b2.arr = &arr[2];
	T_OK(ioctl(pc, IOCTL_PRIVCMD_MMAPBATCH_V2, &b2));
	ATF_CHECK_EQ('f', p[2 * PG]);
	/* A page that is mapped already cannot be batched again. */
	T_ERR(EINVAL, ioctl(pc, IOCTL_PRIVCMD_MMAPBATCH_V2, &b2));
	T_OK(munmap(p, 4 * PG));

	/* V1: errors in the top bits of arr[]; fault injection mid-batch. */
	q = mmap(NULL, 4 * PG, PROT_READ, MAP_SHARED, pc, 0);
	ATF_REQUIRE(q != MAP_FAILED);
	for (i = 0; i < 4; i++)
		arr1[i] = (uint64_t)i;
	arr1[3] = 100;		/* beyond the domain */
	T_OK(xenemu_frame_state((uint16_t)dom, 1, XENEMU_FRAME_EPERM));
	xenemu_fail_batch_at(2, EIO);
	b1.num = 4;
	b1.dom = (uint16_t)dom;
	b1.addr = (uintptr_t)q;
	b1.arr = arr1;
	T_OK(ioctl(pc, IOCTL_PRIVCMD_MMAPBATCH, &b1));
	ATF_CHECK_EQ(0, arr1[0]);
	ATF_CHECK_EQ(PRIVCMD_MMAPBATCH_MFN_ERROR | 1, arr1[1]);
	ATF_CHECK_EQ(PRIVCMD_MMAPBATCH_MFN_ERROR | 2, arr1[2]);
	ATF_CHECK_EQ(PRIVCMD_MMAPBATCH_MFN_ERROR | 100, arr1[3]);
	ATF_CHECK_EQ('a', q[0]);
	/* Paged frames report the paged bit and ENOENT. */
	T_OK(munmap(q, 4 * PG));
	q = mmap(NULL, PG, PROT_READ, MAP_SHARED, pc, 0);
	xenemu_eagain(1);
	arr1[0] = 0;
	b1.num = 1;
	b1.addr = (uintptr_t)q;
	T_ERR(ENOENT, ioctl(pc, IOCTL_PRIVCMD_MMAPBATCH, &b1));
	ATF_CHECK_EQ(PRIVCMD_MMAPBATCH_PAGED_ERROR, arr1[0]);
	/* Not a privcmd mapping. */
	b1.addr = (uintptr_t)arr;
	T_ERR(EINVAL, ioctl(pc, IOCTL_PRIVCMD_MMAPBATCH, &b1));
	T_OK(munmap(q, PG));

	/* DOMID_SELF is the caller. */
	q = mmap(NULL, PG, PROT_READ, MAP_SHARED, pc, 0);
	arr1[0] = 0;
	b1.dom = XE_DOMID_SELF;
	b1.addr = (uintptr_t)q;
	T_OK(ioctl(pc, IOCTL_PRIVCMD_MMAPBATCH, &b1));
	{
		struct xenemu_leaks l;

		xenemu_leaks(&l);
		ATF_CHECK_EQ(1, l.mappings);
	}
	T_OK(munmap(q, PG));
	close(pc);
	T_NO_LEAKS();
}

ATF_TC_WITHOUT_HEAD(mmap_resource);
ATF_TC_BODY(mmap_resource, tc)
{
	struct privcmd_mmap_resource r;
	struct xe_grant_entry_v1 *e;
	int pc, dom, ref;
	void *p;

	T_SETUP(XENEMU_LINUX);
	dom = xenemu_domain_create(4);
	ref = xenemu_grant((uint16_t)dom, 3, 1);
	ATF_REQUIRE(ref >= 0);
	pc = dev(LINUX_PRIVCMD_PATH);
	memset(&r, 0, sizeof(r));
	r.dom = (uint16_t)dom;
	r.type = XE_XENMEM_resource_grant_table;
	r.id = XE_XENMEM_resource_grant_table_id_shared;
	T_OK(ioctl(pc, IOCTL_PRIVCMD_MMAP_RESOURCE, &r));
	ATF_CHECK_EQ(2, r.num);
	p = mmap(NULL, 2 * PG, PROT_READ, MAP_SHARED, pc, 0);
	ATF_REQUIRE(p != MAP_FAILED);
	r.addr = (uintptr_t)p;
	T_OK(ioctl(pc, IOCTL_PRIVCMD_MMAP_RESOURCE, &r));
	e = (struct xe_grant_entry_v1 *)p + ref;
	ATF_CHECK_EQ(XE_GTF_permit_access | XE_GTF_readonly, e->flags);
	ATF_CHECK_EQ(0, e->domid);
	ATF_CHECK_EQ(3, e->frame);
	T_OK(munmap(p, 2 * PG));
	r.type = XE_XENMEM_resource_ioreq_server;
	r.id = 0;
	r.num = 0;
	r.addr = 0;
	T_ERR(ENOENT, ioctl(pc, IOCTL_PRIVCMD_MMAP_RESOURCE, &r));
	close(pc);
	T_NO_LEAKS();
}

static void
loopback(int ev, uint32_t *a, uint32_t *b)
{
	struct ioctl_evtchn_bind_unbound_port u;
	struct ioctl_evtchn_bind_interdomain i;
	long r;

	u.remote_domain = 0;
	r = ioctl(ev, IOCTL_EVTCHN_BIND_UNBOUND_PORT, &u);
	ATF_REQUIRE(r > 0);
	*a = (uint32_t)r;
	i.remote_domain = XE_DOMID_SELF;
	i.remote_port = *a;
	r = ioctl(ev, IOCTL_EVTCHN_BIND_INTERDOMAIN, &i);
	ATF_REQUIRE(r > 0);
	*b = (uint32_t)r;
}

ATF_TC_WITHOUT_HEAD(evtchn_loopback);
ATF_TC_BODY(evtchn_loopback, tc)
{
	struct ioctl_evtchn_notify n;
	struct ioctl_evtchn_unbind u;
	struct xenemu_port st;
	struct pollfd pfd;
	uint32_t a, b, got[4];
	int ev;

	T_SETUP(XENEMU_LINUX);
	ev = dev(LINUX_EVTCHN_PATH);
	loopback(ev, &a, &b);
	pfd.fd = ev;
	pfd.events = POLLIN;
	ATF_CHECK_EQ(0, poll(&pfd, 1, 0));
	n.port = a;
	T_OK(ioctl(ev, IOCTL_EVTCHN_NOTIFY, &n));
	ATF_CHECK_EQ(1, poll(&pfd, 1, 0));
	ATF_CHECK_EQ(4, read(ev, got, sizeof(got)));
	ATF_CHECK_EQ(b, got[0]);
	ATF_CHECK_EQ(0, poll(&pfd, 1, 0));
	/* Masked until written back: a second event waits. */
	T_OK(xenemu_evtchn_state(0, b, &st));
	ATF_CHECK_EQ(1, st.masked);
	T_OK(ioctl(ev, IOCTL_EVTCHN_NOTIFY, &n));
	ATF_CHECK_EQ(0, poll(&pfd, 1, 0));
	ATF_CHECK_EQ(4, write(ev, &b, 4));
	ATF_CHECK_EQ(1, poll(&pfd, 1, 0));
	ATF_CHECK_EQ(4, read(ev, got, sizeof(got)));
	ATF_CHECK_EQ(b, got[0]);
	ATF_CHECK_EQ(4, write(ev, &b, 4));
	/* Non-blocking read with nothing pending. */
	T_OK(fcntl(ev, F_SETFL, O_NONBLOCK));
	T_ERR(EAGAIN, read(ev, got, 4));
	ATF_CHECK_EQ(0, read(ev, got, 3));	/* whole ports only */
	u.port = b;
	T_OK(ioctl(ev, IOCTL_EVTCHN_UNBIND, &u));
	T_ERR(ENOTCONN, ioctl(ev, IOCTL_EVTCHN_UNBIND, &u));
	u.port = 5000;
	T_ERR(EINVAL, ioctl(ev, IOCTL_EVTCHN_UNBIND, &u));
	/* a reverted to unbound; closing the fd closes it. */
	T_OK(xenemu_evtchn_state(0, a, &st));
	ATF_CHECK_EQ(XENEMU_PORT_UNBOUND, st.state);
	T_OK(close(ev));
	T_NO_LEAKS();
}

ATF_TC_WITHOUT_HEAD(evtchn_remote);
ATF_TC_BODY(evtchn_remote, tc)
{
	struct ioctl_evtchn_bind_interdomain i;
	struct ioctl_evtchn_bind_virq v;
	struct ioctl_evtchn_restrict_domid rd;
	struct ioctl_evtchn_notify n;
	struct xenemu_leaks l;
	uint32_t got, rp, lp, vp;
	int ev, ev2, dom;

	T_SETUP(XENEMU_LINUX);
	dom = xenemu_domain_create(1);
	rp = (uint32_t)xenemu_evtchn_alloc_unbound((uint16_t)dom, 0);
	ev = dev(LINUX_EVTCHN_PATH);
	i.remote_domain = (uint32_t)dom;
	i.remote_port = rp;
	lp = (uint32_t)ioctl(ev, IOCTL_EVTCHN_BIND_INTERDOMAIN, &i);
	ATF_REQUIRE(lp > 0);
	T_ERR(EINVAL, ioctl(ev, IOCTL_EVTCHN_BIND_INTERDOMAIN, &i));
	T_OK(xenemu_evtchn_notify((uint16_t)dom, rp));
	ATF_CHECK_EQ(4, read(ev, &got, 4));
	ATF_CHECK_EQ(lp, got);
	n.port = lp;
	T_OK(ioctl(ev, IOCTL_EVTCHN_NOTIFY, &n));
	ATF_CHECK_EQ(1, xenemu_evtchn_consume((uint16_t)dom, rp));
	ATF_CHECK_EQ(0, xenemu_evtchn_consume((uint16_t)dom, rp));
	i.remote_domain = 12;
	T_ERR(ESRCH, ioctl(ev, IOCTL_EVTCHN_BIND_INTERDOMAIN, &i));

	v.virq = 3;
	vp = (uint32_t)ioctl(ev, IOCTL_EVTCHN_BIND_VIRQ, &v);
	ATF_REQUIRE(vp > 0);
	T_ERR(EEXIST, ioctl(ev, IOCTL_EVTCHN_BIND_VIRQ, &v));
	v.virq = 24;
	T_ERR(EINVAL, ioctl(ev, IOCTL_EVTCHN_BIND_VIRQ, &v));
	ATF_CHECK_EQ(1, xenemu_virq_raise(3));
	ATF_CHECK_EQ(4, read(ev, &got, 4));
	ATF_CHECK_EQ(vp, got);

	/* A restricted handle binds only to its domain. */
	ev2 = dev(LINUX_EVTCHN_PATH);
	rd.domid = (uint16_t)dom;
	T_OK(ioctl(ev2, IOCTL_EVTCHN_RESTRICT_DOMID, &rd));
	T_ERR(EACCES, ioctl(ev2, IOCTL_EVTCHN_RESTRICT_DOMID, &rd));
	v.virq = 4;
	T_ERR(EACCES, ioctl(ev2, IOCTL_EVTCHN_BIND_VIRQ, &v));
	i.remote_domain = 0;
	T_ERR(EACCES, ioctl(ev2, IOCTL_EVTCHN_BIND_INTERDOMAIN, &i));
	/* Notify through another handle's port is refused. */
	T_ERR(ENOTCONN, ioctl(ev2, IOCTL_EVTCHN_NOTIFY, &n));
	close(ev2);

	xenemu_leaks(&l);
	ATF_CHECK_EQ(2, l.ports);
	/* dup2() over the fd (xentoolcore's restrict) releases the ports. */
	{
		int null = T_FD(open("/dev/null", O_RDWR));

		T_OK(dup2(null, ev) == ev ? 0 : -1);
		close(null);
	}
	{
		struct xenemu_port st;

		T_OK(xenemu_evtchn_state((uint16_t)dom, rp, &st));
		ATF_CHECK_EQ(XENEMU_PORT_UNBOUND, st.state);
	}
	close(ev);
	T_OK(xenemu_evtchn_close((uint16_t)dom, rp));
	T_NO_LEAKS();
}

ATF_TC_WITHOUT_HEAD(evtchn_blocking_read);
ATF_TC_BODY(evtchn_blocking_read, tc)
{
	uint32_t a, b, got;
	int ev;

	T_SETUP(XENEMU_LINUX);
	ev = dev(LINUX_EVTCHN_PATH);
	loopback(ev, &a, &b);
	xenemu_short_io(2);
	ATF_CHECK_EQ(0, read(ev, &got, 4));	/* clamped below one port */
	{
		struct ioctl_evtchn_notify n = { a };

		T_OK(ioctl(ev, IOCTL_EVTCHN_NOTIFY, &n));
	}
	ATF_CHECK_EQ(4, read(ev, &got, 4));	/* blocking, but ready */
	ATF_CHECK_EQ(b, got);
	/* A short write leaves the port masked. */
	xenemu_short_io(0);
	ATF_CHECK_EQ(0, write(ev, &b, 4));
	{
		struct xenemu_port st;

		T_OK(xenemu_evtchn_state(0, b, &st));
		ATF_CHECK_EQ(1, st.masked);
	}
	ioctl(ev, IOCTL_EVTCHN_RESET);
	close(ev);
	T_NO_LEAKS();
}

struct waker {
	uint16_t	dom;
	uint32_t	port;
};

static void *
wake(void *arg)
{
	struct waker *w = arg;

	usleep(50000);
	(void)xenemu_evtchn_notify(w->dom, w->port);
	return (NULL);
}

ATF_TC_WITHOUT_HEAD(evtchn_thread_wakeup);
ATF_TC_BODY(evtchn_thread_wakeup, tc)
{
	struct ioctl_evtchn_bind_interdomain bi;
	struct waker w;
	pthread_t t;
	uint32_t got, lp;
	int ev, ev2, dom;

	T_SETUP(XENEMU_LINUX);
	dom = xenemu_domain_create(1);
	w.dom = (uint16_t)dom;
	w.port = (uint32_t)xenemu_evtchn_alloc_unbound(w.dom, 0);
	ev = dev(LINUX_EVTCHN_PATH);
	bi.remote_domain = (uint32_t)dom;
	bi.remote_port = w.port;
	lp = (uint32_t)ioctl(ev, IOCTL_EVTCHN_BIND_INTERDOMAIN, &bi);
	/* A dup()ed descriptor is the same device. */
	ev2 = T_FD(dup2(ev, 100));
	ATF_CHECK_EQ(O_RDWR | O_CLOEXEC, xenemu_fd_flags(ev2));
	ATF_REQUIRE_EQ(0, pthread_create(&t, NULL, wake, &w));
	ATF_CHECK_EQ(4, read(ev2, &got, 4));	/* blocks until woken */
	ATF_CHECK_EQ(lp, got);
	ATF_REQUIRE_EQ(0, pthread_join(t, NULL));
	close(ev);
	{
		struct xenemu_leaks l;

		xenemu_leaks(&l);
		ATF_CHECK_EQ(1, l.fds);
		ATF_CHECK_EQ(1, l.ports);
	}
	T_OK(xenemu_fail_op("poll", 1, EINTR));
	{
		struct pollfd pfd = { ev2, POLLIN, 0 };

		T_ERR(EINTR, poll(&pfd, 1, 0));
	}
	close(ev2);
	T_OK(xenemu_evtchn_close(w.dom, w.port));
	T_NO_LEAKS();
}

/* A library we do not wrap may dup2() over or close an emulated fd. */
ATF_TC_WITHOUT_HEAD(fd_replaced_unseen);
ATF_TC_BODY(fd_replaced_unseen, tc)
{
	uint32_t a, b, got;
	int ev, null;

	T_SETUP(XENEMU_LINUX);
	ev = dev(LINUX_EVTCHN_PATH);
	loopback(ev, &a, &b);
	null = T_FD(open("/dev/null", O_RDWR));
	/* dup3() is not wrapped: the emulator does not see this. */
	ATF_REQUIRE_EQ(ev, dup3(null, ev, O_CLOEXEC));
	close(null);
	/* Now plain /dev/null: EOF, not a hang. */
	ATF_CHECK_EQ(0, read(ev, &got, 4));
	T_ERR(ENOTTY, ioctl(ev, IOCTL_EVTCHN_RESET));
	close(ev);
	T_NO_LEAKS();
}

ATF_TC_WITHOUT_HEAD(gntdev_map);
ATF_TC_BODY(gntdev_map, tc)
{
	struct {
		struct ioctl_gntdev_map_grant_ref m;
		struct ioctl_gntdev_grant_ref more[1];
	} op;
	struct ioctl_gntdev_unmap_grant_ref u;
	struct ioctl_gntdev_unmap_notify n;
	struct ioctl_gntdev_get_offset_for_vaddr gv;
	struct ioctl_evtchn_bind_interdomain bi;
	struct xenemu_grant_info gi;
	struct xenemu_leaks l;
	uint32_t rport, lport;
	int gd, ev, dom, r0, r1;
	char *p, *f0, *f1;

	T_SETUP(XENEMU_LINUX);
	dom = xenemu_domain_create(4);
	f0 = xenemu_frame((uint16_t)dom, 0);
	f1 = xenemu_frame((uint16_t)dom, 1);
	strcpy(f0, "frame zero");
	r0 = xenemu_grant((uint16_t)dom, 0, 0);
	r1 = xenemu_grant((uint16_t)dom, 1, 0);
	gd = dev(LINUX_GNTDEV_PATH);
	memset(&op, 0, sizeof(op));
	op.m.count = 2;
	op.m.refs[0].domid = (uint32_t)dom;
	op.m.refs[0].ref = (uint32_t)r0;
	op.more[0].domid = (uint32_t)dom;
	op.more[0].ref = (uint32_t)r1;
	T_OK(ioctl(gd, IOCTL_GNTDEV_MAP_GRANT_REF, &op));
	/* Refused once, as an unavailable grant would be. */
	xenemu_eagain(1);
	T_ERR(EAGAIN, (long)(intptr_t)mmap(NULL, 2 * PG, PROT_READ |
	    PROT_WRITE, MAP_SHARED, gd, (off_t)op.m.index));
	p = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, gd,
	    (off_t)op.m.index);
	ATF_REQUIRE(p != MAP_FAILED);
	ATF_CHECK_STREQ("frame zero", p);
	p[PG] = 'Q';
	ATF_CHECK_EQ('Q', f1[0]);
	T_OK(xenemu_grant_info((uint16_t)dom, (uint32_t)r0, &gi));
	ATF_CHECK_EQ(1, gi.maps);
	T_ERR(EBUSY, xenemu_ungrant((uint16_t)dom, (uint32_t)r0));
	gv.vaddr = (uintptr_t)p;
	T_OK(ioctl(gd, IOCTL_GNTDEV_GET_OFFSET_FOR_VADDR, &gv));
	ATF_CHECK_EQ(op.m.index, gv.offset);
	ATF_CHECK_EQ(2, gv.count);

	/* Unmap notification: clear byte 5 of page 1, signal the peer. */
	rport = (uint32_t)xenemu_evtchn_alloc_unbound((uint16_t)dom, 0);
	ev = dev(LINUX_EVTCHN_PATH);
	bi.remote_domain = (uint32_t)dom;
	bi.remote_port = rport;
	lport = (uint32_t)ioctl(ev, IOCTL_EVTCHN_BIND_INTERDOMAIN, &bi);
	n.index = op.m.index + PG + 5;
	n.action = UNMAP_NOTIFY_CLEAR_BYTE | UNMAP_NOTIFY_SEND_EVENT;
	n.event_channel_port = lport;
	f1[5] = 'x';
	T_OK(ioctl(gd, IOCTL_GNTDEV_SET_UNMAP_NOTIFY, &n));
	n.event_channel_port = 999;
	T_ERR(EINVAL, ioctl(gd, IOCTL_GNTDEV_SET_UNMAP_NOTIFY, &n));
	n.index = 1 << 30;
	T_ERR(ENOENT, ioctl(gd, IOCTL_GNTDEV_SET_UNMAP_NOTIFY, &n));
	xenemu_leaks(&l);
	ATF_CHECK_EQ(2, l.grants);
	ATF_CHECK_EQ(1, l.mappings);
	T_OK(munmap(p, 2 * PG));
	/* Linux clears the byte at unmap but signals when the map ends. */
	ATF_CHECK_EQ(0, f1[5]);
	ATF_CHECK_EQ(0, xenemu_evtchn_consume((uint16_t)dom, rport));
	T_OK(xenemu_grant_info((uint16_t)dom, (uint32_t)r0, &gi));
	ATF_CHECK_EQ(0, gi.maps);
	u.index = op.m.index;
	u.count = 2;
	T_OK(ioctl(gd, IOCTL_GNTDEV_UNMAP_GRANT_REF, &u));
	ATF_CHECK_EQ(1, xenemu_evtchn_consume((uint16_t)dom, rport));
	T_ERR(ENOENT, ioctl(gd, IOCTL_GNTDEV_UNMAP_GRANT_REF, &u));

	/* Read-only grants map read-only only; bad refs fail the mmap. */
	r0 = xenemu_grant((uint16_t)dom, 2, 1);
	op.m.count = 1;
	op.m.refs[0].ref = (uint32_t)r0;
	T_OK(ioctl(gd, IOCTL_GNTDEV_MAP_GRANT_REF, &op));
	T_ERR(EINVAL, (long)(intptr_t)mmap(NULL, PG, PROT_READ | PROT_WRITE,
	    MAP_SHARED, gd, (off_t)op.m.index));
	p = mmap(NULL, PG, PROT_READ, MAP_SHARED, gd, (off_t)op.m.index);
	ATF_REQUIRE(p != MAP_FAILED);
	/* Mapped read-only: no byte to clear, an event alone is fine. */
	n.index = op.m.index + 5;
	n.action = UNMAP_NOTIFY_CLEAR_BYTE;
	n.event_channel_port = 0;
	T_ERR(EINVAL, ioctl(gd, IOCTL_GNTDEV_SET_UNMAP_NOTIFY, &n));
	n.action = UNMAP_NOTIFY_SEND_EVENT;
	n.event_channel_port = lport;
	T_OK(ioctl(gd, IOCTL_GNTDEV_SET_UNMAP_NOTIFY, &n));
	T_OK(munmap(p, PG));
	u.index = op.m.index;
	u.count = 1;
	T_OK(ioctl(gd, IOCTL_GNTDEV_UNMAP_GRANT_REF, &u));
	op.m.refs[0].ref = 1000;
	T_OK(ioctl(gd, IOCTL_GNTDEV_MAP_GRANT_REF, &op));
	T_ERR(EINVAL, (long)(intptr_t)mmap(NULL, PG, PROT_READ, MAP_SHARED,
	    gd, (off_t)op.m.index));
	/* A map never unmapped by ioctl goes with the descriptor. */
	close(gd);
	close(ev);
	T_NO_LEAKS();
}

ATF_TC_WITHOUT_HEAD(gntdev_mapping_outlives_fd);
ATF_TC_BODY(gntdev_mapping_outlives_fd, tc)
{
	struct ioctl_gntdev_map_grant_ref op;
	struct xenemu_leaks l;
	int gd, dom, ref;
	char *p, *f;

	T_SETUP(XENEMU_LINUX);
	dom = xenemu_domain_create(1);
	f = xenemu_frame((uint16_t)dom, 0);
	ref = xenemu_grant((uint16_t)dom, 0, 0);
	gd = dev(LINUX_GNTDEV_PATH);
	op.count = 1;
	op.refs[0].domid = (uint32_t)dom;
	op.refs[0].ref = (uint32_t)ref;
	T_OK(ioctl(gd, IOCTL_GNTDEV_MAP_GRANT_REF, &op));
	p = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED, gd,
	    (off_t)op.index);
	ATF_REQUIRE(p != MAP_FAILED);
	close(gd);
	xenemu_leaks(&l);
	ATF_CHECK_EQ(0, l.fds);
	ATF_CHECK_EQ(1, l.grants);
	p[0] = 'k';
	ATF_CHECK_EQ('k', f[0]);
	T_OK(munmap(p, PG));
	T_NO_LEAKS();
}

ATF_TC_WITHOUT_HEAD(grant_copy);
ATF_TC_BODY(grant_copy, tc)
{
	struct gntdev_grant_copy_segment seg[3];
	struct ioctl_gntdev_grant_copy c;
	char local[64], back[64];
	int gd, dom, rw, ro;
	char *f0;

	T_SETUP(XENEMU_LINUX);
	dom = xenemu_domain_create(2);
	f0 = xenemu_frame((uint16_t)dom, 0);
	rw = xenemu_grant((uint16_t)dom, 0, 0);
	ro = xenemu_grant((uint16_t)dom, 1, 1);
	gd = dev(LINUX_GNTDEV_PATH);
	strcpy(local, "copied");
	memset(seg, 0, sizeof(seg));
	seg[0].source.virt = local;
	seg[0].dest.foreign.ref = (uint32_t)rw;
	seg[0].dest.foreign.domid = (uint16_t)dom;
	seg[0].dest.foreign.offset = 100;
	seg[0].len = 7;
	seg[0].flags = XE_GNTCOPY_dest_gref;
	seg[1].source.foreign.ref = (uint32_t)rw;
	seg[1].source.foreign.domid = (uint16_t)dom;
	seg[1].source.foreign.offset = 100;
	seg[1].dest.virt = back;
	seg[1].len = 7;
	seg[1].flags = XE_GNTCOPY_source_gref;
	seg[2] = seg[0];
	seg[2].dest.foreign.ref = (uint32_t)ro;
	c.count = 3;
	c.segments = seg;
	T_OK(ioctl(gd, IOCTL_GNTDEV_GRANT_COPY, &c));
	ATF_CHECK_EQ(XE_GNTST_okay, seg[0].status);
	ATF_CHECK_STREQ("copied", f0 + 100);
	ATF_CHECK_EQ(XE_GNTST_okay, seg[1].status);
	ATF_CHECK_STREQ("copied", back);
	ATF_CHECK_EQ(XE_GNTST_permission_denied, seg[2].status);
	/* Part-way failure, bad ref, bad domain. */
	xenemu_fail_batch_at(1, EIO);
	seg[2].dest.foreign.ref = 900;
	seg[0].dest.foreign.domid = 14;
	T_OK(ioctl(gd, IOCTL_GNTDEV_GRANT_COPY, &c));
	ATF_CHECK_EQ(XE_GNTST_bad_domain, seg[0].status);
	ATF_CHECK_EQ(XE_GNTST_general_error, seg[1].status);
	ATF_CHECK_EQ(XE_GNTST_bad_gntref, seg[2].status);
	/* Refused whole: local both sides; crossing a page. */
	seg[0].flags = 0;
	T_ERR(EINVAL, ioctl(gd, IOCTL_GNTDEV_GRANT_COPY, &c));
	seg[0].flags = XE_GNTCOPY_dest_gref;
	seg[0].dest.foreign.offset = PG - 2;
	T_ERR(EINVAL, ioctl(gd, IOCTL_GNTDEV_GRANT_COPY, &c));
	close(gd);
	T_NO_LEAKS();
}

ATF_TC_WITHOUT_HEAD(gntalloc_share);
ATF_TC_BODY(gntalloc_share, tc)
{
	union {
		struct ioctl_gntalloc_alloc_gref a;
		char space[sizeof(struct ioctl_gntalloc_alloc_gref) + 4];
	} op;
	struct ioctl_gntalloc_dealloc_gref d;
	struct ioctl_gntalloc_unmap_notify n;
	struct xenemu_grant_info gi;
	struct xenemu_leaks l;
	int ga, dom;
	char *p;

	T_SETUP(XENEMU_LINUX);
	dom = xenemu_domain_create(1);
	ga = dev(LINUX_GNTALLOC_PATH);
	memset(&op, 0, sizeof(op));
	op.a.domid = (uint16_t)dom;
	op.a.flags = GNTALLOC_FLAG_WRITABLE;
	op.a.count = 2;
	T_OK(ioctl(ga, IOCTL_GNTALLOC_ALLOC_GREF, &op));
	p = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, ga,
	    (off_t)op.a.index);
	ATF_REQUIRE(p != MAP_FAILED);
	strcpy(p + PG, "shared");
	T_OK(xenemu_grant_info(0, op.a.gref_ids[1], &gi));
	ATF_CHECK_EQ(dom, gi.grantee);
	ATF_CHECK_EQ(0, gi.readonly);
	ATF_CHECK_STREQ("shared", (char *)gi.page);
	n.index = op.a.index + 3;
	n.action = UNMAP_NOTIFY_CLEAR_BYTE;
	n.event_channel_port = 0;
	T_OK(ioctl(ga, IOCTL_GNTALLOC_SET_UNMAP_NOTIFY, &n));
	p[3] = 1;
	d.index = op.a.index;
	d.count = 2;
	T_OK(ioctl(ga, IOCTL_GNTALLOC_DEALLOC_GREF, &d));
	/* Still mapped: the grant lives on until munmap. */
	xenemu_leaks(&l);
	ATF_CHECK_EQ(2, l.grants);
	T_OK(xenemu_grant_info(0, op.a.gref_ids[0], &gi));
	T_OK(munmap(p, 2 * PG));
	ATF_CHECK(xenemu_grant_info(0, op.a.gref_ids[0], &gi) == -1);
	/* Fails part-way: nothing is left behind. */
	xenemu_fail_batch_at(1, ENOSPC);
	T_ERR(ENOSPC, ioctl(ga, IOCTL_GNTALLOC_ALLOC_GREF, &op));
	close(ga);
	T_NO_LEAKS();
}

ATF_TC_WITHOUT_HEAD(dmabuf);
ATF_TC_BODY(dmabuf, tc)
{
	union {
		struct ioctl_gntdev_dmabuf_exp_from_refs e;
		char space[sizeof(struct ioctl_gntdev_dmabuf_exp_from_refs) + 4];
	} ex;
	union {
		struct ioctl_gntdev_dmabuf_imp_to_refs i;
		char space[sizeof(struct ioctl_gntdev_dmabuf_imp_to_refs) + 4];
	} im;
	struct ioctl_gntdev_dmabuf_exp_wait_released w;
	struct ioctl_gntdev_dmabuf_imp_release ir;
	struct xenemu_grant_info gi;
	struct xenemu_leaks l;
	int gd, dom, dom2, dfd;
	char *p;

	T_SETUP(XENEMU_LINUX);
	dom = xenemu_domain_create(2);
	dom2 = xenemu_domain_create(1);
	strcpy((char *)xenemu_frame((uint16_t)dom, 1) + 8, "dma");
	gd = dev(LINUX_GNTDEV_PATH);
	memset(&ex, 0, sizeof(ex));
	ex.e.count = 2;
	ex.e.domid = (uint32_t)dom;
	ex.e.refs[0] = (uint32_t)xenemu_grant((uint16_t)dom, 0, 0);
	ex.e.refs[1] = (uint32_t)xenemu_grant((uint16_t)dom, 1, 0);
	T_OK(ioctl(gd, IOCTL_GNTDEV_DMABUF_EXP_FROM_REFS, &ex));
	dfd = (int)ex.e.fd;
	ATF_CHECK(fcntl(dfd, F_GETFD) & FD_CLOEXEC);
	T_OK(xenemu_grant_info((uint16_t)dom, ex.e.refs[0], &gi));
	ATF_CHECK_EQ(1, gi.maps);
	p = mmap(NULL, 2 * PG, PROT_READ, MAP_SHARED, dfd, 0);
	ATF_REQUIRE(p != MAP_FAILED);
	ATF_CHECK_STREQ("dma", p + PG + 8);
	T_OK(munmap(p, 2 * PG));

	/* Re-share the buffer with another domain. */
	memset(&im, 0, sizeof(im));
	im.i.fd = (uint32_t)dfd;
	im.i.count = 2;
	im.i.domid = (uint32_t)dom2;
	T_OK(ioctl(gd, IOCTL_GNTDEV_DMABUF_IMP_TO_REFS, &im));
	T_OK(xenemu_grant_info(0, im.i.refs[1], &gi));
	ATF_CHECK_EQ(dom2, gi.grantee);
	ATF_CHECK_STREQ("dma", (char *)gi.page + 8);
	w.fd = (uint32_t)dfd;
	w.wait_to_ms = 10;
	T_ERR(ETIMEDOUT, ioctl(gd, IOCTL_GNTDEV_DMABUF_EXP_WAIT_RELEASED, &w));
	close(dfd);		/* the import still holds it */
	T_ERR(ETIMEDOUT, ioctl(gd, IOCTL_GNTDEV_DMABUF_EXP_WAIT_RELEASED, &w));
	xenemu_leaks(&l);
	ATF_CHECK_EQ(4, l.grants);
	ir.fd = (uint32_t)dfd;
	ir.reserved = 0;
	T_OK(ioctl(gd, IOCTL_GNTDEV_DMABUF_IMP_RELEASE, &ir));
	T_ERR(ENOENT, ioctl(gd, IOCTL_GNTDEV_DMABUF_IMP_RELEASE, &ir));
	T_ERR(ENOENT, ioctl(gd, IOCTL_GNTDEV_DMABUF_EXP_WAIT_RELEASED, &w));
	T_OK(xenemu_grant_info((uint16_t)dom, ex.e.refs[0], &gi));
	ATF_CHECK_EQ(0, gi.maps);
	/* Only dma-bufs import; bad refs do not export. */
	im.i.fd = (uint32_t)gd;
	T_ERR(EINVAL, ioctl(gd, IOCTL_GNTDEV_DMABUF_IMP_TO_REFS, &im));
	ex.e.refs[1] = 999;
	T_ERR(EINVAL, ioctl(gd, IOCTL_GNTDEV_DMABUF_EXP_FROM_REFS, &ex));
	close(gd);
	T_NO_LEAKS();
}

ATF_TC_WITHOUT_HEAD(fault_injection);
ATF_TC_BODY(fault_injection, tc)
{
	uint32_t a, b;
	struct ioctl_evtchn_notify n;
	int ev, pc;

	T_SETUP(XENEMU_LINUX);
	xenemu_fail_nth(1, EACCES);
	T_ERR(EACCES, open(LINUX_EVTCHN_PATH, O_RDWR));
	ev = dev(LINUX_EVTCHN_PATH);
	loopback(ev, &a, &b);
	xenemu_fail_nth(2, EIO);
	n.port = a;
	T_OK(ioctl(ev, IOCTL_EVTCHN_NOTIFY, &n));
	T_ERR(EIO, read(ev, &a, 4));
	/* The failed read consumed nothing. */
	ATF_CHECK_EQ(4, read(ev, &a, 4));
	T_OK(xenemu_fail_op("ioctl:IOCTL_EVTCHN_NOTIFY", 2, EINVAL));
	T_OK(ioctl(ev, IOCTL_EVTCHN_NOTIFY, &n));
	T_ERR(EINVAL, ioctl(ev, IOCTL_EVTCHN_NOTIFY, &n));
	T_OK(ioctl(ev, IOCTL_EVTCHN_NOTIFY, &n));
	T_OK(xenemu_fail_op("open:" LINUX_PRIVCMD_PATH, 1, ENXIO));
	T_ERR(ENXIO, open(LINUX_PRIVCMD_PATH, O_RDWR));
	pc = dev(LINUX_PRIVCMD_PATH);
	T_OK(xenemu_fail_op("hypercall:xen_version", 1, EBUSY));
	T_ERR(EBUSY, hcall(pc, XE_HC_xen_version, 0, 0, 0));
	T_OK(xenemu_fail_op("hypercall:17", 1, EBUSY));
	T_ERR(EBUSY, hcall(pc, XE_HC_xen_version, 0, 0, 0));
	ATF_CHECK_EQ(0x40011, hcall(pc, XE_HC_xen_version, 0, 0, 0));
	T_OK(xenemu_fail_op("mmap", 1, ENOMEM));
	T_ERR(ENOMEM, (long)(intptr_t)mmap(NULL, PG, PROT_READ, MAP_SHARED, pc,
	    0));
	T_OK(xenemu_fail_op("mlock", 1, EAGAIN));
	T_ERR(EAGAIN, mlock(&a, 4));
	T_OK(mlock(&a, 4));
	{
		struct xenemu_leaks l;

		xenemu_leaks(&l);
		ATF_CHECK_EQ(1, l.hcall_bufs);
	}
	T_OK(munlock(&a, 4));
	xenemu_fail_nth(5, EIO);
	xenemu_fail_clear();
	T_OK(ioctl(ev, IOCTL_EVTCHN_NOTIFY, &n));
	close(pc);
	close(ev);
	T_NO_LEAKS();
}

ATF_TC_WITHOUT_HEAD(leak_report);
ATF_TC_BODY(leak_report, tc)
{
	struct xenemu_leaks l;
	int fd, fd2;
	void *p;

	T_SETUP(XENEMU_LINUX);
	fd = dev(LINUX_PRIVCMD_PATH);
	fd2 = T_FD(fcntl(fd, F_DUPFD_CLOEXEC, 0));
	p = mmap(NULL, PG, PROT_READ, MAP_SHARED, fd, 0);
	xenemu_leaks(&l);
	ATF_CHECK_EQ(2, l.fds);
	ATF_CHECK_EQ(1, l.mappings);
	ATF_CHECK_EQ(-1, xenemu_assert_no_leaks());
	close(fd);
	close(fd2);
	munmap(p, PG);
	T_NO_LEAKS();
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, paths);
	ATF_TP_ADD_TC(tp, unknown_requests);
	ATF_TP_ADD_TC(tp, hypercall_version);
	ATF_TP_ADD_TC(tp, sysctl_memory_kexec);
	ATF_TP_ADD_TC(tp, dm_op);
	ATF_TP_ADD_TC(tp, foreign_map);
	ATF_TP_ADD_TC(tp, mmap_resource);
	ATF_TP_ADD_TC(tp, evtchn_loopback);
	ATF_TP_ADD_TC(tp, evtchn_remote);
	ATF_TP_ADD_TC(tp, evtchn_blocking_read);
	ATF_TP_ADD_TC(tp, evtchn_thread_wakeup);
	ATF_TP_ADD_TC(tp, fd_replaced_unseen);
	ATF_TP_ADD_TC(tp, gntdev_map);
	ATF_TP_ADD_TC(tp, gntdev_mapping_outlives_fd);
	ATF_TP_ADD_TC(tp, grant_copy);
	ATF_TP_ADD_TC(tp, gntalloc_share);
	ATF_TP_ADD_TC(tp, dmabuf);
	ATF_TP_ADD_TC(tp, fault_injection);
	ATF_TP_ADD_TC(tp, leak_report);
	return (atf_no_error());
}
