/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * libxendevicemodel's real backends against the emulated devices
 * (tests/emul), built once per kernel dialect (XENEMU_DIALECT): every
 * call's dm_op buffers decoded field by field at Xen's offsets, the
 * outputs copied back, errors reaching the caller, the Linux fallback to
 * the hypercall, restriction, and no leak after any test.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <xencall.h>
#include <xendevicemodel.h>
#include <xentoolcore.h>

#include "xenemu.h"
#include "xenlibs_test.h"
#include "dm_test.h"
#include "private.h"		/* the handle, to look at its descriptors */

#define DM_OP_SIZE	32	/* sizeof(struct xen_dm_op) */
#define HC_dm_op	41

/*
 * libxenhypercall's NetBSD backend keeps its buffers out of child
 * processes with minherit(2), which it references weakly; the emulated
 * tests run on a host without it and supply this stand-in.
 */
int minherit(void *, size_t, int) __attribute__((__weak__));
int
minherit(void *addr, size_t len, int inherit)
{
	return 0;
}

static struct dm_logger logger;
static int domid;

/* Start the emulation with one HVM domain and open a handle on it. */
static xendevicemodel_handle *
setup(void)
{
	xendevicemodel_handle *dmod;

	ATF_REQUIRE_EQ(xenemu_setup(XENEMU_DIALECT), 0);
	domid = xenemu_domain_create(64);
	ATF_REQUIRE(domid > 0);
	dm_logger_init(&logger);
	dmod = xendevicemodel_open(&logger.vtable, 0);
	ATF_REQUIRE_MSG(dmod != NULL, "open: %s", strerror(errno));
	return dmod;
}

static void
done(xendevicemodel_handle *dmod)
{
	if (dmod != NULL)
		ATF_CHECK_EQ(xendevicemodel_close(dmod), 0);
	xenemu_fail_clear();
	ATF_CHECK_EQ_MSG(xenemu_assert_no_leaks(), 0, "leaks (see stderr)");
	xenemu_teardown();
}

/* The last dm_op, which must be op on our domain with nbufs buffers. */
static struct xenemu_dm_op
last(uint32_t op, unsigned int nbufs)
{
	struct xenemu_dm_op d;

	memset(&d, 0, sizeof(d));
	ATF_REQUIRE_EQ(xenemu_last_dm_op(&d), 0);
	ATF_CHECK_EQ(d.domid, domid);
	ATF_CHECK_EQ(d.op, op);
	ATF_CHECK_EQ(d.nr_bufs, nbufs);
	ATF_CHECK_EQ(d.size[0], DM_OP_SIZE);
	return d;
}

static uint64_t
field(const struct xenemu_dm_op *d, size_t off, size_t len)
{
	uint8_t v8;
	uint16_t v16;
	uint32_t v32;
	uint64_t v64;

	switch (len) {
	case 1:
		memcpy(&v8, d->arg + off, 1);
		return v8;
	case 2:
		memcpy(&v16, d->arg + off, 2);
		return v16;
	case 4:
		memcpy(&v32, d->arg + off, 4);
		return v32;
	default:
		memcpy(&v64, d->arg + off, 8);
		return v64;
	}
}

#define F8(d, off)	field(&(d), (off), 1)
#define F16(d, off)	field(&(d), (off), 2)
#define F32(d, off)	field(&(d), (off), 4)
#define F64(d, off)	field(&(d), (off), 8)

/* A field of buffer 1 (its first 64 bytes), as the caller sent it. */
static uint64_t
field1(const struct xenemu_dm_op *d, size_t off, size_t len)
{
	uint32_t v32;
	uint64_t v64;

	ATF_REQUIRE(off + len <= sizeof(d->arg1));
	if (len == 4) {
		memcpy(&v32, d->arg1 + off, 4);
		return v32;
	}
	memcpy(&v64, d->arg1 + off, 8);
	return v64;
}

#define A1_32(d, off)	field1(&(d), (off), 4)
#define A1_64(d, off)	field1(&(d), (off), 8)

/* The descriptor the handle issues dm_op through. */
static int
dm_fd(xendevicemodel_handle *dmod)
{
	if (dmod->fd != -1)
		return dmod->fd;
	ATF_REQUIRE(dmod->xcall != NULL);
	return xencall_fd(dmod->xcall);
}

/* Make the next dm_op fail with err, whichever way it goes. */
static void
fail_next_dm_op(int err)
{
	if (XENEMU_DIALECT == XENEMU_NETBSD)
		ATF_REQUIRE_EQ(xenemu_fail_op("hypercall:dm_op", 1, err), 0);
	else
		ATF_REQUIRE_EQ(xenemu_fail_op("ioctl:IOCTL_PRIVCMD_DM_OP", 1,
		    err), 0);
}

ATF_TC_WITHOUT_HEAD(open_close);
ATF_TC_BODY(open_close, tc)
{
	xendevicemodel_handle *dmod = setup(), *own;
	int flags;

	flags = xenemu_fd_flags(dm_fd(dmod));
	ATF_REQUIRE(flags != -1);
	ATF_CHECK_EQ(flags & O_ACCMODE, O_RDWR);
	ATF_CHECK(flags & O_CLOEXEC);
	if (XENEMU_DIALECT == XENEMU_NETBSD)
		ATF_CHECK_EQ(dmod->fd, -1);	/* no DM_OP ioctl there */
	/* Own logger when given none; destroyed at close (no leak). */
	own = xendevicemodel_open(NULL, 0);
	ATF_REQUIRE(own != NULL);
	ATF_CHECK(own->logger != NULL && own->logger_tofree == own->logger);
	ATF_CHECK_EQ(xendevicemodel_close(own), 0);
	ATF_CHECK(xendevicemodel_open(&logger.vtable, 0x10) == NULL);
	ATF_CHECK_EQ(errno, EINVAL);
	DM_CHECK_LOGGED(&logger, 0, EINVAL);
	done(dmod);
}

ATF_TC_WITHOUT_HEAD(open_fails);
ATF_TC_BODY(open_fails, tc)
{
	xendevicemodel_handle *dmod;
	unsigned int n;

	dmod = setup();
	ATF_CHECK_EQ(xendevicemodel_close(dmod), 0);
	n = logger.messages;
	ATF_REQUIRE_EQ(xenemu_fail_op("open", 1, EACCES), 0);
	dmod = xendevicemodel_open(&logger.vtable, 0);
	ATF_CHECK(dmod == NULL);
	ATF_CHECK_EQ(errno, EACCES);
	ATF_CHECK(logger.messages > n);
	xenemu_fail_clear();
	if (XENEMU_DIALECT == XENEMU_NETBSD) {
		/* The hypercall buffer device or lock may fail too. */
		ATF_REQUIRE_EQ(xenemu_fail_op("ioctl", 1, ENOMEM), 0);
		dmod = xendevicemodel_open(&logger.vtable, 0);
		if (dmod != NULL)
			xendevicemodel_close(dmod);
		xenemu_fail_clear();
	}
	done(NULL);
}

ATF_TC_WITHOUT_HEAD(ioreq_server_ops);
ATF_TC_BODY(ioreq_server_ops, tc)
{
	xendevicemodel_handle *dmod = setup();
	struct xenemu_dm_op d;
	ioservid_t id = 0xffff;
	xen_pfn_t gfn = 0, bgfn = 0;
	evtchn_port_t port = 0;

	ATF_REQUIRE_EQ(xendevicemodel_create_ioreq_server(dmod, domid,
	    HVM_IOREQSRV_BUFIOREQ_ATOMIC, &id), 0);
	d = last(1, 1);
	ATF_CHECK_EQ(F8(d, 8), HVM_IOREQSRV_BUFIOREQ_ATOMIC);
	ATF_CHECK(id != 0xffff);

	ATF_CHECK_EQ(xendevicemodel_get_ioreq_server_info(dmod, domid, id,
	    NULL, NULL, &port), 0);
	d = last(2, 1);
	ATF_CHECK_EQ(F16(d, 8), id);
	ATF_CHECK_EQ(F16(d, 10), 1);		/* XEN_DMOP_no_gfns */
	ATF_CHECK_EQ(port, 40u + id);		/* the emulator's answer */
	ATF_CHECK_EQ(xendevicemodel_get_ioreq_server_info(dmod, domid, id,
	    &gfn, &bgfn, NULL), 0);
	d = last(2, 1);
	ATF_CHECK_EQ(F16(d, 10), 0);
	ATF_CHECK_EQ(gfn, 0xfeff0 - 2 * (xen_pfn_t)id);
	ATF_CHECK_EQ(bgfn, 0xfeff1 - 2 * (xen_pfn_t)id);

	ATF_CHECK_EQ(xendevicemodel_map_io_range_to_ioreq_server(dmod, domid,
	    id, 0, 0x3f8, 0x3ff), 0);
	d = last(3, 1);
	ATF_CHECK_EQ(F16(d, 8), id);
	ATF_CHECK_EQ(F32(d, 12), XEN_DMOP_IO_RANGE_PORT);
	ATF_CHECK_EQ(F64(d, 16), 0x3f8);
	ATF_CHECK_EQ(F64(d, 24), 0x3ff);
	ATF_CHECK_EQ(xendevicemodel_unmap_io_range_from_ioreq_server(dmod,
	    domid, id, 1, 0xfe000000ULL, 0xfe000fffULL), 0);
	d = last(4, 1);
	ATF_CHECK_EQ(F32(d, 12), XEN_DMOP_IO_RANGE_MEMORY);
	ATF_CHECK_EQ(F64(d, 16), 0xfe000000ULL);
	ATF_CHECK_EQ(F64(d, 24), 0xfe000fffULL);

	ATF_CHECK_EQ(xendevicemodel_map_pcidev_to_ioreq_server(dmod, domid,
	    id, 0x12, 0x34, 0x1f, 7), 0);
	d = last(3, 1);
	ATF_CHECK_EQ(F32(d, 12), XEN_DMOP_IO_RANGE_PCI);
	ATF_CHECK_EQ(F64(d, 16), 0x1234ffULL);	/* seg:bus:dev.fn */
	ATF_CHECK_EQ(F64(d, 24), 0x1234ffULL);
	ATF_CHECK_EQ(xendevicemodel_unmap_pcidev_from_ioreq_server(dmod,
	    domid, id, 0, 0, 3, 1), 0);
	d = last(4, 1);
	ATF_CHECK_EQ(F64(d, 16), (3u << 3) | 1u);

	ATF_CHECK_EQ(xendevicemodel_map_mem_type_to_ioreq_server(dmod, domid,
	    id, HVMMEM_ioreq_server, XEN_DMOP_IOREQ_MEM_ACCESS_WRITE), 0);
	d = last(15, 1);
	ATF_CHECK_EQ(F16(d, 8), id);
	ATF_CHECK_EQ(F16(d, 10), HVMMEM_ioreq_server);
	ATF_CHECK_EQ(F32(d, 12), XEN_DMOP_IOREQ_MEM_ACCESS_WRITE);
	ATF_CHECK_EQ(F64(d, 16), 0);		/* opaque */

	ATF_CHECK_EQ(xendevicemodel_set_ioreq_server_state(dmod, domid, id,
	    42), 0);
	d = last(5, 1);
	ATF_CHECK_EQ(F16(d, 8), id);
	ATF_CHECK_EQ(F8(d, 10), 1);		/* any non-zero: 1 */

	ATF_CHECK_EQ(xendevicemodel_destroy_ioreq_server(dmod, domid, id), 0);
	d = last(6, 1);
	ATF_CHECK_EQ(F16(d, 8), id);
	/* Gone: the emulator's ENOENT reaches the caller, logged. */
	ATF_CHECK_EQ(xendevicemodel_destroy_ioreq_server(dmod, domid, id),
	    -1);
	ATF_CHECK_EQ(errno, ENOENT);
	DM_CHECK_LOGGED(&logger, 0, ENOENT);
	done(dmod);
}

ATF_TC_WITHOUT_HEAD(irq_ops);
ATF_TC_BODY(irq_ops, tc)
{
	xendevicemodel_handle *dmod = setup();
	struct xenemu_dm_op d;

	ATF_CHECK_EQ(xendevicemodel_set_pci_intx_level(dmod, domid, 0x1234,
	    0x56, 0x1a, 3, 1), 0);
	d = last(8, 1);
	ATF_CHECK_EQ(F16(d, 8), 0x1234);
	ATF_CHECK_EQ(F8(d, 10), 0x56);
	ATF_CHECK_EQ(F8(d, 11), 0x1a);
	ATF_CHECK_EQ(F8(d, 12), 3);
	ATF_CHECK_EQ(F8(d, 13), 1);
	ATF_CHECK_EQ(xendevicemodel_set_isa_irq_level(dmod, domid, 12, 1), 0);
	d = last(9, 1);
	ATF_CHECK_EQ(F8(d, 8), 12);
	ATF_CHECK_EQ(F8(d, 9), 1);
	ATF_CHECK_EQ(xendevicemodel_set_pci_link_route(dmod, domid, 2, 11), 0);
	d = last(10, 1);
	ATF_CHECK_EQ(F8(d, 8), 2);
	ATF_CHECK_EQ(F8(d, 9), 11);
	ATF_CHECK_EQ(xendevicemodel_inject_msi(dmod, domid,
	    0xfee01234ULL, 0x4041), 0);
	d = last(14, 1);
	ATF_CHECK_EQ(F32(d, 8), 0x4041);
	ATF_CHECK_EQ(F64(d, 16), 0xfee01234ULL);
	ATF_CHECK_EQ(xendevicemodel_inject_event(dmod, domid, 3, 14,
	    XEN_DMOP_EVENT_hw_exc, 0x2, 0, 0xdeadbeef000ULL), 0);
	d = last(13, 1);
	ATF_CHECK_EQ(F32(d, 8), 3);
	ATF_CHECK_EQ(F8(d, 12), 14);
	ATF_CHECK_EQ(F8(d, 13), XEN_DMOP_EVENT_hw_exc);
	ATF_CHECK_EQ(F8(d, 14), 0);
	ATF_CHECK_EQ(F32(d, 16), 2);
	ATF_CHECK_EQ(F64(d, 24), 0xdeadbeef000ULL);
	/* set_irq_level: the emulator (like x86 Xen) does not have it. */
	ATF_CHECK_EQ(xendevicemodel_set_irq_level(dmod, domid, 77, 1), -1);
	ATF_CHECK_EQ(errno, EOPNOTSUPP);
	d = last(19, 1);
	ATF_CHECK_EQ(F32(d, 8), 77);
	ATF_CHECK_EQ(F8(d, 12), 1);
	done(dmod);
}

ATF_TC_WITHOUT_HEAD(memory_ops);
ATF_TC_BODY(memory_ops, tc)
{
	xendevicemodel_handle *dmod = setup();
	struct xen_dm_op_modified_memory_extent ext[3];
	unsigned long bitmap[4];
	struct xenemu_dm_op d;
	unsigned int i;

	ATF_CHECK_EQ(xendevicemodel_set_mem_type(dmod, domid, HVMMEM_ram_ro,
	    0x123456789ULL, 17), 0);
	d = last(12, 1);
	ATF_CHECK_EQ(F32(d, 8), 17);
	ATF_CHECK_EQ(F16(d, 12), HVMMEM_ram_ro);
	ATF_CHECK_EQ(F64(d, 16), 0x123456789ULL);

	memset(bitmap, 0xff, sizeof(bitmap));
	ATF_CHECK_EQ(xendevicemodel_track_dirty_vram(dmod, domid, 0xa0, 130,
	    bitmap), 0);
	d = last(7, 2);
	ATF_CHECK_EQ(F32(d, 8), 130);
	ATF_CHECK_EQ(F64(d, 16), 0xa0);
	ATF_CHECK_EQ(d.size[1], (130 + 7) / 8);
	/*
	 * Xen's bitmap as the emulator writes it (xenemu(3): the frames
	 * whose number is a multiple of 3 are dirty, frame 0xa0 + i in bit
	 * i % 8 of byte i / 8), bit for bit; the bytes beyond (nr + 7) / 8
	 * untouched.
	 */
	{
		const unsigned char *b = (const unsigned char *)bitmap;
		unsigned int dirty = 0, wrong = 0, bit;

		for (i = 0; i < sizeof(bitmap); i++) {
			unsigned char want = 0;

			for (bit = 0; bit < 8; bit++)
				if (i * 8 + bit < 130 &&
				    (0xa0 + i * 8 + bit) % 3 == 0)
					want |= (unsigned char)(1U << bit);
			if (i >= (130 + 7) / 8)
				want = 0xff;
			else
				dirty += (unsigned int)__builtin_popcount(want);
			if (b[i] != want) {
				wrong++;
				ATF_CHECK_EQ_MSG(b[i], want, "bitmap byte %u", i);
			}
		}
		ATF_CHECK_EQ(dirty, 43);	/* 0xa2, 0xa5, ... 0x120 */
		ATF_CHECK_EQ(wrong, 0);
	}
	/*
	 * Stop tracking: a bitmap buffer is still passed (Xen wants one),
	 * and not an empty one (Linux refuses those).
	 */
	ATF_CHECK_EQ(xendevicemodel_track_dirty_vram(dmod, domid, 0, 0,
	    NULL), 0);
	d = last(7, 2);
	ATF_CHECK_EQ(F32(d, 8), 0);
	ATF_CHECK(d.size[1] > 0);

	ATF_CHECK_EQ(xendevicemodel_modified_memory(dmod, domid, 0x777, 9), 0);
	d = last(11, 2);
	ATF_CHECK_EQ(F32(d, 8), 1);		/* nr_extents */
	ATF_CHECK_EQ(F32(d, 12), 0);		/* opaque */
	ATF_CHECK_EQ(d.size[1], 16);
	/* The one extent as sent: nr, pad, first_pfn. */
	ATF_CHECK_EQ(A1_32(d, 0), 9);
	ATF_CHECK_EQ(A1_32(d, 4), 0);
	ATF_CHECK_EQ(A1_64(d, 8), 0x777);
	memset(ext, 0, sizeof(ext));
	ext[0].first_pfn = 1; ext[0].nr = 2;
	ext[1].first_pfn = 3; ext[1].nr = 4;
	ext[2].first_pfn = 5; ext[2].nr = 6;
	ATF_CHECK_EQ(xendevicemodel_modified_memory_bulk(dmod, domid, ext, 3),
	    0);
	d = last(11, 2);
	ATF_CHECK_EQ(F32(d, 8), 3);
	ATF_CHECK_EQ(d.size[1], 3 * 16);
	for (i = 0; i < 3; i++) {
		ATF_CHECK_EQ(A1_32(d, 16 * i), ext[i].nr);
		ATF_CHECK_EQ(A1_32(d, 16 * i + 4), 0);
		ATF_CHECK_EQ(A1_64(d, 16 * i + 8), ext[i].first_pfn);
	}

	ATF_CHECK_EQ(xendevicemodel_relocate_memory(dmod, domid, 5,
	    0x11111ULL, 0x22222ULL), 0);
	d = last(17, 1);
	ATF_CHECK_EQ(F32(d, 8), 5);
	ATF_CHECK_EQ(F64(d, 16), 0x11111ULL);
	ATF_CHECK_EQ(F64(d, 24), 0x22222ULL);

	ATF_CHECK_EQ(xendevicemodel_pin_memory_cacheattr(dmod, domid, 0x100,
	    0x1ff, XEN_DMOP_MEM_CACHEATTR_WC), 0);
	d = last(18, 1);
	ATF_CHECK_EQ(F64(d, 8), 0x100);
	ATF_CHECK_EQ(F64(d, 16), 0x1ff);
	ATF_CHECK_EQ(F32(d, 24), XEN_DMOP_MEM_CACHEATTR_WC);
	done(dmod);
}

ATF_TC_WITHOUT_HEAD(domain_ops);
ATF_TC_BODY(domain_ops, tc)
{
	xendevicemodel_handle *dmod = setup();
	struct xenemu_dm_op d;
	unsigned int vcpus = 0;

	ATF_CHECK_EQ(xendevicemodel_nr_vcpus(dmod, domid, &vcpus), 0);
	d = last(20, 1);
	ATF_CHECK_EQ(vcpus, 2);			/* the emulator's domains */
	ATF_CHECK_EQ(xendevicemodel_shutdown(dmod, domid, SHUTDOWN_reboot), 0);
	d = last(16, 1);
	ATF_CHECK_EQ(F32(d, 8), SHUTDOWN_reboot);
	/* A missing domain: the emulator's ESRCH reaches the caller. */
	ATF_CHECK_EQ(xendevicemodel_nr_vcpus(dmod, 0x7000, &vcpus), -1);
	ATF_CHECK_EQ(errno, ESRCH);
	done(dmod);
}

ATF_TC_WITHOUT_HEAD(bad_arguments);
ATF_TC_BODY(bad_arguments, tc)
{
	xendevicemodel_handle *dmod = setup();
	unsigned long before = xenemu_dm_op_count();
	unsigned int n = logger.messages;
	ioservid_t id;

	ATF_CHECK_EQ(xendevicemodel_create_ioreq_server(dmod, domid, 0, NULL),
	    -1);
	ATF_CHECK_EQ(errno, EINVAL);
	DM_CHECK_LOGGED(&logger, n, EINVAL);
	ATF_CHECK_EQ(xendevicemodel_create_ioreq_server(dmod, domid, 300,
	    &id), -1);
	ATF_CHECK_EQ(xendevicemodel_nr_vcpus(dmod, domid, NULL), -1);
	ATF_CHECK_EQ(xendevicemodel_modified_memory_bulk(dmod, domid, NULL,
	    2), -1);
	ATF_CHECK_EQ(xendevicemodel_track_dirty_vram(dmod, domid, 0, 1, NULL),
	    -1);
	ATF_CHECK_EQ(xendevicemodel_map_io_range_to_ioreq_server(dmod, domid,
	    0, 0, 2, 1), -1);
	ATF_CHECK_EQ(xendevicemodel_unmap_pcidev_from_ioreq_server(dmod,
	    domid, 0, 0, 0, 0, 8), -1);
	ATF_CHECK_EQ(xendevicemodel_set_pci_intx_level(dmod, domid, 0, 0, 0,
	    0, 7), -1);
	ATF_CHECK_EQ(xendevicemodel_set_mem_type(dmod, domid,
	    (hvmmem_type_t)-1, 0, 1), -1);
	ATF_CHECK_EQ(errno, EINVAL);
	/* Nothing reached the emulated hypervisor. */
	ATF_CHECK_EQ(xenemu_dm_op_count(), before);
	ATF_CHECK_EQ(xendevicemodel_shutdown(NULL, domid, 0), -1);
	ATF_CHECK_EQ(errno, EINVAL);
	done(dmod);
}

ATF_TC_WITHOUT_HEAD(device_errors);
ATF_TC_BODY(device_errors, tc)
{
	xendevicemodel_handle *dmod = setup();
	unsigned int vcpus = 0, n;
	ioservid_t id = 0x5555;

	n = logger.messages;
	fail_next_dm_op(EIO);
	ATF_CHECK_EQ(xendevicemodel_create_ioreq_server(dmod, domid, 0, &id),
	    -1);
	ATF_CHECK_EQ(errno, EIO);
	ATF_CHECK_EQ(id, 0x5555);		/* untouched on failure */
	DM_CHECK_LOGGED(&logger, n, EIO);
	fail_next_dm_op(EFAULT);
	ATF_CHECK_EQ(xendevicemodel_nr_vcpus(dmod, domid, &vcpus), -1);
	ATF_CHECK_EQ(errno, EFAULT);
	/* And the next call works again. */
	ATF_CHECK_EQ(xendevicemodel_nr_vcpus(dmod, domid, &vcpus), 0);
	done(dmod);
}

ATF_TC_WITHOUT_HEAD(hypercall_route);
ATF_TC_BODY(hypercall_route, tc)
{
	xendevicemodel_handle *dmod = setup();
	struct xenemu_hypercall h;
	unsigned long hc, ops;
	unsigned int vcpus = 0;
	ioservid_t id = 0xffff;

	if (XENEMU_DIALECT == XENEMU_FREEBSD) {
		done(dmod);
		atf_tc_skip("FreeBSD always has DM_OP");
	}
	if (XENEMU_DIALECT == XENEMU_LINUX)	/* a kernel before 4.11 */
		ATF_REQUIRE_EQ(xenemu_fail_op("ioctl:IOCTL_PRIVCMD_DM_OP", 1,
		    ENOTTY), 0);
	hc = xenemu_hypercall_count();
	ATF_CHECK_EQ(xendevicemodel_create_ioreq_server(dmod, domid, 1, &id),
	    0);
	ATF_CHECK(id != 0xffff);
	ATF_REQUIRE_EQ(xenemu_last_hypercall(&h), 0);
	ATF_CHECK_EQ(h.op, HC_dm_op);
	ATF_CHECK_EQ(h.arg[0], (uint64_t)domid);
	ATF_CHECK_EQ(h.arg[1], 1);
	ATF_CHECK_EQ(h.ret, 0);
	ATF_CHECK_EQ(h.unlocked_bufs, 0);	/* hypercall-safe buffers */
	ATF_CHECK(xenemu_hypercall_count() > hc);
	/* The route sticks; the output came back through the bounce. */
	ops = xenemu_dm_op_count();
	hc = xenemu_hypercall_count();
	ATF_CHECK_EQ(xendevicemodel_nr_vcpus(dmod, domid, &vcpus), 0);
	ATF_CHECK(vcpus >= 1);
	ATF_CHECK_EQ(xenemu_hypercall_count(), hc + 1);
	ATF_CHECK_EQ(xenemu_dm_op_count(), ops + 1);
	ATF_CHECK_EQ(xendevicemodel_destroy_ioreq_server(dmod, domid, id), 0);
	/* A Xen error through the hypercall reaches the caller. */
	ATF_CHECK_EQ(xendevicemodel_destroy_ioreq_server(dmod, domid, id),
	    -1);
	ATF_CHECK_EQ(errno, ENOENT);
	if (XENEMU_DIALECT == XENEMU_NETBSD) {
		/*
		 * A fresh handle has no hypercall buffers cached: failing to
		 * wire one fails the call, with nothing issued or leaked.
		 */
		xendevicemodel_handle *h2 = xendevicemodel_open(NULL, 0);

		ATF_REQUIRE(h2 != NULL);
		hc = xenemu_hypercall_count();
		ATF_REQUIRE_EQ(xenemu_fail_op("mlock", 1, ENOMEM), 0);
		ATF_CHECK_EQ(xendevicemodel_nr_vcpus(h2, domid, &vcpus), -1);
		ATF_CHECK_EQ(errno, ENOMEM);
		ATF_CHECK_EQ(xenemu_hypercall_count(), hc);
		xenemu_fail_clear();
		ATF_CHECK_EQ(xendevicemodel_nr_vcpus(h2, domid, &vcpus), 0);
		xendevicemodel_close(h2);
	}
	done(dmod);
}

/*
 * FreeBSD before 13.0 has no DM_OP and no RESTRICT (ENOSYS): dm_op goes
 * through the hypercall, restrict is EOPNOTSUPP.  On a kernel with DM_OP
 * an ENOSYS from Xen does not switch the route.
 */
ATF_TC_WITHOUT_HEAD(freebsd_before_13);
ATF_TC_BODY(freebsd_before_13, tc)
{
	xendevicemodel_handle *dmod = setup();
	struct xenemu_hypercall h;
	unsigned long hc, ops;
	unsigned int vcpus = 0;
	ioservid_t id = 0xffff;

	if (XENEMU_DIALECT != XENEMU_FREEBSD) {
		done(dmod);
		atf_tc_skip("FreeBSD releases only");
	}
	/* 14: Xen's ENOSYS is the answer, the ioctl stays in use. */
	ATF_REQUIRE_EQ(xenemu_fail_op("ioctl:IOCTL_PRIVCMD_DM_OP", 1, ENOSYS),
	    0);
	hc = xenemu_hypercall_count();
	ATF_CHECK_EQ(xendevicemodel_nr_vcpus(dmod, domid, &vcpus), -1);
	ATF_CHECK_EQ(errno, ENOSYS);
	xenemu_fail_clear();
	ops = xenemu_dm_op_count();
	ATF_CHECK_EQ(xendevicemodel_nr_vcpus(dmod, domid, &vcpus), 0);
	ATF_CHECK_EQ(xenemu_dm_op_count(), ops + 1);
	ATF_CHECK_EQ(xenemu_hypercall_count(), hc);
	ATF_CHECK_EQ(xendevicemodel_close(dmod), 0);

	/* 12.2 */
	xenemu_kernel_release(1202);
	dmod = xendevicemodel_open(&logger.vtable, 0);
	ATF_REQUIRE(dmod != NULL);
	ATF_CHECK_EQ(xendevicemodel_create_ioreq_server(dmod, domid, 1, &id),
	    0);
	ATF_CHECK(id != 0xffff);
	ATF_REQUIRE_EQ(xenemu_last_hypercall(&h), 0);
	ATF_CHECK_EQ(h.op, HC_dm_op);
	ATF_CHECK_EQ(h.ret, 0);
	ATF_CHECK_EQ(xendevicemodel_nr_vcpus(dmod, domid, &vcpus), 0);
	ATF_CHECK(vcpus >= 1);
	ATF_CHECK_EQ(xendevicemodel_destroy_ioreq_server(dmod, domid, id), 0);
	ATF_CHECK_EQ(xendevicemodel_restrict(dmod, domid), -1);
	ATF_CHECK_EQ(errno, EOPNOTSUPP);
	done(dmod);
}

/* Restrict to domid: the handle then reaches domid, and other is EPERM. */
static void
restrict_and_check(xendevicemodel_handle *dmod, int other)
{
	unsigned int vcpus;

	ATF_CHECK_EQ(xendevicemodel_restrict(dmod, domid), 0);
	ATF_CHECK_EQ(xendevicemodel_nr_vcpus(dmod, domid, &vcpus), 0);
	ATF_CHECK_EQ(xendevicemodel_nr_vcpus(dmod, other, &vcpus), -1);
	ATF_CHECK_EQ(errno, EPERM);
}

ATF_TC_WITHOUT_HEAD(restrict_handle);
ATF_TC_BODY(restrict_handle, tc)
{
	xendevicemodel_handle *dmod = setup();
	int other = xenemu_domain_create(16);
	unsigned int vcpus, n;

	ATF_REQUIRE(other > 0);
	if (XENEMU_DIALECT == XENEMU_NETBSD) {
		/*
		 * No restriction in the kernel: refused, logged, and the
		 * handle left as it was (the caller decides).
		 */
		ATF_CHECK_EQ(xendevicemodel_restrict(dmod, domid), -1);
		ATF_CHECK_EQ(errno, EOPNOTSUPP);
		DM_CHECK_LOGGED(&logger, 0, EOPNOTSUPP);
		ATF_CHECK_EQ(xendevicemodel_nr_vcpus(dmod, other, &vcpus), 0);
		done(dmod);
		return;
	}
	restrict_and_check(dmod, other);
	/*
	 * The same domain again is fine; another is EINVAL (FreeBSD's
	 * driver says -EINVAL: the caller still sees EINVAL), logged.
	 */
	ATF_CHECK_EQ(xendevicemodel_restrict(dmod, domid), 0);
	n = logger.messages;
	ATF_CHECK_EQ(xendevicemodel_restrict(dmod, other), -1);
	ATF_CHECK_EQ(errno, EINVAL);
	DM_CHECK_LOGGED(&logger, n, EINVAL);
	ATF_CHECK_EQ(xendevicemodel_nr_vcpus(dmod, other, &vcpus), -1);
	ATF_CHECK_EQ(errno, EPERM);
	if (XENEMU_DIALECT == XENEMU_LINUX) {
		/* A kernel answering ENOTTY must not open a way around. */
		ATF_REQUIRE_EQ(xenemu_fail_op("ioctl:IOCTL_PRIVCMD_DM_OP", 1,
		    ENOTTY), 0);
		ATF_CHECK_EQ(xendevicemodel_nr_vcpus(dmod, other, &vcpus), -1);
		ATF_CHECK_EQ(errno, EPERM);
		ATF_CHECK(dmod->xcall == NULL);
	}
	done(dmod);
}

/*
 * A restriction the kernel refuses changes nothing: the handle still
 * reaches every domain, through the ioctl and through the hypercall route
 * (populate_ram, the Linux fallback), and can be restricted later.
 */
ATF_TC_WITHOUT_HEAD(restrict_fails);
ATF_TC_BODY(restrict_fails, tc)
{
	xendevicemodel_handle *dmod = setup();
	int other = xenemu_domain_create(16);
	xen_pfn_t gfn = 0x100;
	unsigned int vcpus, n;
	int err = XENEMU_DIALECT == XENEMU_NETBSD ? EOPNOTSUPP : EFAULT;

	ATF_REQUIRE(other > 0);
	n = logger.messages;
	if (XENEMU_DIALECT != XENEMU_NETBSD)
		ATF_REQUIRE_EQ(xenemu_fail_op("ioctl:IOCTL_PRIVCMD_RESTRICT", 1,
		    EFAULT), 0);
	ATF_CHECK_EQ(xendevicemodel_restrict(dmod, domid), -1);
	ATF_CHECK_EQ(errno, err);
	DM_CHECK_LOGGED(&logger, n, err);
	ATF_CHECK_EQ(xendevicemodel_nr_vcpus(dmod, other, &vcpus), 0);
	/* The hypercall route is open: the emulator's ENOSYS, not EPERM. */
	ATF_CHECK_EQ(xendevicemodel_populate_ram(dmod, other, 1, &gfn), -1);
	ATF_CHECK_EQ(errno, ENOSYS);
	if (XENEMU_DIALECT == XENEMU_LINUX) {
		/* A kernel before 4.11: no RESTRICT, no DM_OP either. */
		ATF_REQUIRE_EQ(xenemu_fail_op("ioctl:IOCTL_PRIVCMD_RESTRICT", 1,
		    ENOTTY), 0);
		ATF_CHECK_EQ(xendevicemodel_restrict(dmod, domid), -1);
		ATF_CHECK_EQ(errno, EOPNOTSUPP);
		ATF_REQUIRE_EQ(xenemu_fail_op("ioctl:IOCTL_PRIVCMD_DM_OP", 1,
		    ENOTTY), 0);
		ATF_CHECK_EQ(xendevicemodel_nr_vcpus(dmod, other, &vcpus), 0);
		ATF_CHECK(dmod->xcall != NULL);		/* fell back */
		done(dmod);
		return;
	}
	if (XENEMU_DIALECT == XENEMU_NETBSD) {
		done(dmod);
		return;
	}
	/* Now the kernel agrees: restricted, hypercall route closed. */
	restrict_and_check(dmod, other);
	ATF_CHECK_EQ(xendevicemodel_populate_ram(dmod, domid, 1, &gfn), -1);
	ATF_CHECK_EQ(errno, EPERM);
	done(dmod);
}

ATF_TC_WITHOUT_HEAD(restrict_all);
ATF_TC_BODY(restrict_all, tc)
{
	xendevicemodel_handle *dmod = setup();
	int other = xenemu_domain_create(16);
	unsigned int vcpus;

	ATF_REQUIRE(other > 0);
	ATF_CHECK_EQ(xentoolcore_restrict_all((domid_t)domid), 0);
	/* Success, even where the handle is made useless: nothing logged. */
	ATF_CHECK_EQ_MSG(logger.messages, 0, "logged: %s", logger.last);
	ATF_CHECK_EQ(xendevicemodel_nr_vcpus(dmod, other, &vcpus), -1);
	ATF_CHECK_EQ(errno, EPERM);
	if (XENEMU_DIALECT != XENEMU_NETBSD)
		ATF_CHECK_EQ(xendevicemodel_nr_vcpus(dmod, domid, &vcpus), 0);
	else {
		/* Useless: its own domain is refused too. */
		ATF_CHECK_EQ(xendevicemodel_nr_vcpus(dmod, domid, &vcpus), -1);
		ATF_CHECK_EQ(errno, EPERM);
	}
	done(dmod);
}

/* Emulated privcmd (and evtchn) descriptors left unrestricted. */
static unsigned int
unrestricted_fds(void)
{
	unsigned int n = 0;
	int fd;

	for (fd = 0; fd < 1024; fd++)
		if (xenemu_fd_restricted(fd) == 0)
			n++;
	return n;
}

/*
 * A reserved domid (the kernels take DOMID_INVALID for "unrestricted")
 * is refused, logged, before the handle is touched: it still reaches
 * every domain and can be restricted afterwards.
 */
ATF_TC_WITHOUT_HEAD(restrict_reserved);
ATF_TC_BODY(restrict_reserved, tc)
{
	static const unsigned int reserved[] = { 0x7ff0, 0x7ff4, 0xffff };
	xendevicemodel_handle *dmod = setup();
	int other = xenemu_domain_create(16);
	unsigned int vcpus, n, i, before = unrestricted_fds();

	ATF_REQUIRE(other > 0);
	ATF_REQUIRE(before >= 1);
	for (i = 0; i < 3; i++) {
		n = logger.messages;
		errno = 0;
		ATF_CHECK_EQ(xendevicemodel_restrict(dmod,
		    (domid_t)reserved[i]), -1);
		ATF_CHECK_EQ(errno, EINVAL);
		DM_CHECK_LOGGED(&logger, n, EINVAL);
	}
	ATF_CHECK_EQ(unrestricted_fds(), before);
	ATF_CHECK_EQ(xendevicemodel_nr_vcpus(dmod, other, &vcpus), 0);
	if (XENEMU_DIALECT != XENEMU_NETBSD)
		restrict_and_check(dmod, other);
	done(dmod);
}

/*
 * Once restricted, no unrestricted privcmd descriptor stays open: the
 * hypercall route that populate_ram opened is closed, and operations
 * that would take it are refused before any hypercall.  NetBSD's kernel
 * cannot restrict: there xentoolcore_restrict_all() makes both useless.
 */
ATF_TC_WITHOUT_HEAD(restrict_closes_route);
ATF_TC_BODY(restrict_closes_route, tc)
{
	xendevicemodel_handle *dmod = setup();
	int other = xenemu_domain_create(16);
	xen_pfn_t gfn = 0x100;
	unsigned int vcpus;
	unsigned long hc;

	ATF_REQUIRE(other > 0);
	ATF_CHECK_EQ(xendevicemodel_populate_ram(dmod, domid, 1, &gfn), -1);
	ATF_CHECK_EQ(errno, ENOSYS);
	ATF_REQUIRE(dmod->xcall != NULL);
	ATF_CHECK_EQ(unrestricted_fds(),
	    XENEMU_DIALECT == XENEMU_NETBSD ? 1 : 2);
	if (XENEMU_DIALECT == XENEMU_NETBSD)
		ATF_REQUIRE_EQ(xentoolcore_restrict_all((domid_t)domid), 0);
	else {
		ATF_REQUIRE_EQ(xendevicemodel_restrict(dmod, domid), 0);
		ATF_CHECK(dmod->xcall == NULL);
	}
	ATF_CHECK_EQ_MSG(unrestricted_fds(), 0,
	    "%u privcmd descriptors left unrestricted", unrestricted_fds());
	hc = xenemu_hypercall_count();
	ATF_CHECK_EQ(xendevicemodel_populate_ram(dmod, other, 1, &gfn), -1);
	ATF_CHECK_EQ(errno, EPERM);
	if (XENEMU_DIALECT == XENEMU_LINUX) {
		/* The fallback to the hypercall finds no route either. */
		ATF_REQUIRE_EQ(xenemu_fail_op("ioctl:IOCTL_PRIVCMD_DM_OP", 1,
		    ENOTTY), 0);
		ATF_CHECK_EQ(xendevicemodel_nr_vcpus(dmod, other, &vcpus), -1);
		ATF_CHECK_EQ(errno, EPERM);
		ATF_CHECK(dmod->xcall == NULL);
	}
	ATF_CHECK_EQ(xenemu_hypercall_count(), hc);
	done(dmod);
}

ATF_TC_WITHOUT_HEAD(populate_ram);
ATF_TC_BODY(populate_ram, tc)
{
	xendevicemodel_handle *dmod = setup();
	xen_pfn_t gfns[3] = { 0x100, 0x2345, 0x6789a };
	struct xenemu_hypercall h;
	unsigned long hc = xenemu_hypercall_count();

	ATF_CHECK_EQ(xendevicemodel_populate_ram(dmod, domid, 0, gfns), -1);
	ATF_CHECK_EQ(errno, EINVAL);
	ATF_CHECK_EQ(xendevicemodel_populate_ram(dmod, domid, 1, NULL), -1);
	ATF_CHECK_EQ(errno, EINVAL);
	ATF_CHECK_EQ(xenemu_hypercall_count(), hc);
	/*
	 * The emulated hypervisor has no populate_physmap: the call is a
	 * memory_op(XENMEM_populate_physmap) in hypercall-safe buffers, and
	 * its ENOSYS reaches the caller, logged.
	 */
	ATF_CHECK_EQ(xendevicemodel_populate_ram(dmod, domid, 3, gfns), -1);
	ATF_CHECK_EQ(errno, ENOSYS);
	DM_CHECK_LOGGED(&logger, 0, ENOSYS);
	ATF_REQUIRE_EQ(xenemu_last_hypercall(&h), 0);
	ATF_CHECK_EQ(h.op, 12);			/* memory_op */
	ATF_CHECK_EQ(h.arg[0], 6);		/* XENMEM_populate_physmap */
	ATF_CHECK_EQ(h.unlocked_bufs, 0);
	ATF_CHECK_EQ(xenemu_hypercall_count(), hc + 1);
	/* Restricted: refused before any hypercall. */
	if (XENEMU_DIALECT == XENEMU_NETBSD)	/* made useless */
		ATF_REQUIRE_EQ(xentoolcore_restrict_all((domid_t)domid), 0);
	else
		ATF_REQUIRE_EQ(xendevicemodel_restrict(dmod, domid), 0);
	ATF_CHECK_EQ(xendevicemodel_populate_ram(dmod, domid, 3, gfns), -1);
	ATF_CHECK_EQ(errno, EPERM);
	ATF_CHECK_EQ(xenemu_hypercall_count(), hc + 1);
	done(dmod);
}

/*
 * xenlibs' libxendevicemodel over Xen's own libxentoolcore (Debian's, a
 * partial install): a call whose hypercall route fails waits for any
 * running xentoolcore_restrict_all() through the registry's lock, and
 * must do that in a way Xen's library supports too (deregistering a
 * handle never registered writes through its NULL back pointer there:
 * SIGSEGV).  The case runs itself again with Debian's libraries first in
 * the search path; it skips where they are missing or are xenlibs'.
 */
#define XEN_LIBDIR	"/usr/lib/x86_64-linux-gnu"
#define XEN_TOOLCORE	XEN_LIBDIR "/libxentoolcore.so.1"

/* The directory part of path, in place (path must be absolute). */
static const char *
dirname_of(char *path)
{
	char *slash = strrchr(path, '/');

	if (slash != NULL && slash != path)
		*slash = '\0';
	return path;
}

/* Whether two files have the same bytes (-1: one cannot be read). */
static int
same_file(const char *a, const char *b)
{
	FILE *fa, *fb;
	int ca, cb, r = -1;

	if ((fa = fopen(a, "rb")) == NULL)
		return -1;
	if ((fb = fopen(b, "rb")) != NULL) {
		do {
			ca = getc(fa);
			cb = getc(fb);
		} while (ca == cb && ca != EOF);
		r = ca == cb;
		fclose(fb);
	}
	fclose(fa);
	return r;
}

/* Whether this process mapped libxentoolcore from dir. */
static int
toolcore_from(const char *dir)
{
	char line[PATH_MAX + 128];
	FILE *fp;
	int found = 0;

	if ((fp = fopen("/proc/self/maps", "r")) == NULL)
		return 0;
	while (fgets(line, sizeof(line), fp) != NULL)
		if (strstr(line, "/libxentoolcore.so") != NULL &&
		    strstr(line, dir) != NULL)
			found = 1;
	fclose(fp);
	return found;
}

ATF_TC_WITHOUT_HEAD(xen_toolcore);
ATF_TC_BODY(xen_toolcore, tc)
{
	char self[PATH_MAX], dir[PATH_MAX], ours[PATH_MAX + 64], line[256];
	xendevicemodel_handle *dmod;
	xen_pfn_t gfn = 0x100;
	FILE *fp;
	ssize_t n;
	pid_t pid;
	int st;

	if (getenv("DM_EMUL_XEN_TOOLCORE") != NULL) {
		/* The second run, on Xen's libxentoolcore. */
		ATF_REQUIRE_MSG(toolcore_from(XEN_LIBDIR),
		    "libxentoolcore not loaded from " XEN_LIBDIR);
		dmod = setup();
		ATF_CHECK_EQ(xendevicemodel_populate_ram(dmod, domid, 1,
		    &gfn), -1);
		ATF_CHECK_EQ(errno, ENOSYS);
		done(dmod);
		return;
	}
	ATF_REQUIRE((n = readlink("/proc/self/exe", self,
	    sizeof(self) - 1)) > 0);
	self[n] = '\0';
	memcpy(dir, self, (size_t)n + 1);
	snprintf(ours, sizeof(ours), "%s/../../../lib/libxentoolcore.so.1",
	    dirname_of(dir));
	if (same_file(XEN_TOOLCORE, ours) != 0)
		atf_tc_skip("no libxentoolcore of Xen's at " XEN_TOOLCORE);
	ATF_REQUIRE((pid = fork()) != -1);
	if (pid == 0) {
		setenv("LD_LIBRARY_PATH", XEN_LIBDIR, 1);
		setenv("DM_EMUL_XEN_TOOLCORE", "1", 1);
		execl(self, self, "-r", "xen_toolcore.result", "xen_toolcore",
		    (char *)NULL);
		_exit(127);
	}
	ATF_REQUIRE_EQ(waitpid(pid, &st, 0), pid);
	ATF_CHECK_MSG(WIFEXITED(st) && WEXITSTATUS(st) == 0,
	    "second run: %s %d", WIFSIGNALED(st) ? "signal" : "exit",
	    WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st));
	line[0] = '\0';
	if ((fp = fopen("xen_toolcore.result", "r")) != NULL) {
		if (fgets(line, sizeof(line), fp) == NULL)
			line[0] = '\0';
		fclose(fp);
	}
	ATF_CHECK_MSG(strncmp(line, "passed", 6) == 0, "second run: %s",
	    line[0] != '\0' ? line : "no result");
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, open_close);
	ATF_TP_ADD_TC(tp, open_fails);
	ATF_TP_ADD_TC(tp, ioreq_server_ops);
	ATF_TP_ADD_TC(tp, irq_ops);
	ATF_TP_ADD_TC(tp, memory_ops);
	ATF_TP_ADD_TC(tp, domain_ops);
	ATF_TP_ADD_TC(tp, bad_arguments);
	ATF_TP_ADD_TC(tp, device_errors);
	ATF_TP_ADD_TC(tp, hypercall_route);
	ATF_TP_ADD_TC(tp, freebsd_before_13);
	ATF_TP_ADD_TC(tp, restrict_handle);
	ATF_TP_ADD_TC(tp, restrict_fails);
	ATF_TP_ADD_TC(tp, restrict_all);
	ATF_TP_ADD_TC(tp, restrict_reserved);
	ATF_TP_ADD_TC(tp, restrict_closes_route);
	ATF_TP_ADD_TC(tp, populate_ram);
	ATF_TP_ADD_TC(tp, xen_toolcore);
	return atf_no_error();
}
