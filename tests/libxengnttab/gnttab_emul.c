/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * libxengnttab's real backends against the emulated grant devices of one
 * kernel (tests/emul).  Built three times, as gnttab_emul_linux,
 * gnttab_emul_freebsd and gnttab_emul_netbsd, each with its own backend
 * and XENEMU_DIALECT.  Every case ends with the emulator's leak check.
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

#include <xengnttab.h>
#include <xentoolcore.h>
#include <xentoollog.h>

#include "xenemu.h"

#define PG	4096

static const char *
dialect_name(void)
{
	switch (XENEMU_DIALECT) {
	case XENEMU_LINUX:	return "linux";
	case XENEMU_FREEBSD:	return "freebsd";
	default:		return "netbsd";
	}
}

/* The device a handle of each kind opens in this dialect. */
static const char *
tab_path(void)
{
	return XENEMU_DIALECT == XENEMU_NETBSD ? "/kern/xen/privcmd" :
	    "/dev/xen/gntdev";
}

static const char *
shr_path(void)
{
	switch (XENEMU_DIALECT) {
	case XENEMU_LINUX:	return "/dev/xen/gntalloc";
	case XENEMU_FREEBSD:	return "/dev/xen/gntdev";
	default:		return "/kern/xen/privcmd";
	}
}

/* A logger writing to a temporary file, to check what was logged. */
static FILE *logf_;
static xentoollog_logger *lg;

static void
setup(void)
{
	ATF_REQUIRE_EQ_MSG(xenemu_setup(XENEMU_DIALECT), 0, "xenemu_setup %s",
	    dialect_name());
	ATF_REQUIRE((logf_ = tmpfile()) != NULL);
	lg = (xentoollog_logger *)xtl_createlogger_stdiostream(logf_,
	    XTL_DEBUG, 0);
	ATF_REQUIRE(lg != NULL);
}

static int
logged(const char *what)
{
	char buf[8192];
	size_t n;

	fflush(logf_);
	rewind(logf_);
	n = fread(buf, 1, sizeof(buf) - 1, logf_);
	buf[n] = '\0';
	fseek(logf_, 0, SEEK_END);
	return strstr(buf, what) != NULL;
}

static void
finish(void)
{
	ATF_CHECK_EQ_MSG(xenemu_assert_no_leaks(), 0, "leaks (see stderr)");
	xenemu_fail_clear();
	xenemu_teardown();
	xtl_logger_destroy(lg);
	fclose(logf_);
}

static xengnttab_handle *
tab_open(void)
{
	xengnttab_handle *h = xengnttab_open(lg, 0);

	ATF_REQUIRE_MSG(h != NULL, "xengnttab_open: %s", strerror(errno));
	return h;
}

static xengntshr_handle *
shr_open(void)
{
	xengntshr_handle *h = xengntshr_open(lg, 0);

	ATF_REQUIRE_MSG(h != NULL, "xengntshr_open: %s", strerror(errno));
	return h;
}

/* A guest domain granting us `n' of its frames, refs in refs[]. */
static uint16_t
guest(unsigned n, uint32_t *refs, int readonly)
{
	int d, r;
	unsigned i;

	ATF_REQUIRE((d = xenemu_domain_create(64)) > 0);
	for (i = 0; i < n; i++) {
		ATF_REQUIRE((r = xenemu_grant((uint16_t)d, i, readonly)) >= 0);
		refs[i] = (uint32_t)r;
		memset(xenemu_frame((uint16_t)d, i), 0, PG);
		((uint8_t *)xenemu_frame((uint16_t)d, i))[0] = (uint8_t)(i + 1);
	}
	return (uint16_t)d;
}

static unsigned
maps_of(uint16_t dom, uint32_t ref)
{
	struct xenemu_grant_info gi;

	ATF_REQUIRE_EQ(xenemu_grant_info(dom, ref, &gi), 0);
	return gi.maps;
}

ATF_TC_WITHOUT_HEAD(open_close);
ATF_TC_BODY(open_close, tc)
{
	xengnttab_handle *t;
	xengntshr_handle *s;
	int fl;

	setup();
	t = tab_open();
	s = shr_open();
	fl = xenemu_fd_flags(xengnttab_fd(t));
	ATF_CHECK_MSG(fl != -1 && (fl & O_CLOEXEC) && (fl & O_ACCMODE) ==
	    O_RDWR, "gnttab flags %#x", fl);
	fl = xenemu_fd_flags(xengntshr_fd(s));
	ATF_CHECK_MSG(fl != -1 && (fl & O_CLOEXEC) && (fl & O_ACCMODE) ==
	    O_RDWR, "gntshr flags %#x", fl);
	ATF_CHECK_EQ(xengnttab_close(t), 0);
	ATF_CHECK_EQ(xengntshr_close(s), 0);
	ATF_CHECK_EQ(xengnttab_close(NULL), 0);
	ATF_CHECK_EQ(xengntshr_close(NULL), 0);
	/* A NULL logger: the library's own, freed at close. */
	t = xengnttab_open(NULL, 0);
	ATF_CHECK(t != NULL);
	xengnttab_close(t);
	finish();
}

ATF_TC_WITHOUT_HEAD(open_errors);
ATF_TC_BODY(open_errors, tc)
{
	setup();
	errno = 0;
	ATF_CHECK(xengnttab_open(lg, 1) == NULL);
	ATF_CHECK_EQ(errno, EINVAL);
	ATF_CHECK(xengntshr_open(lg, 0x80) == NULL);
	ATF_CHECK_EQ(errno, EINVAL);
	ATF_CHECK(logged("open_flags"));

	ATF_REQUIRE_EQ(xenemu_device_present(tab_path(), 0), 0);
	errno = 0;
	ATF_CHECK(xengnttab_open(lg, 0) == NULL);
	ATF_CHECK_EQ(errno, ENOENT);
	ATF_CHECK(logged("xengnttab_open"));
	ATF_REQUIRE_EQ(xenemu_device_present(tab_path(), 1), 0);
	ATF_REQUIRE_EQ(xenemu_device_present(shr_path(), 0), 0);
	errno = 0;
	ATF_CHECK(xengntshr_open(lg, 0) == NULL);
	ATF_CHECK_EQ(errno, ENOENT);
	ATF_REQUIRE_EQ(xenemu_device_present(shr_path(), 1), 0);

	xenemu_fail_op("open", 1, EACCES);
	errno = 0;
	ATF_CHECK(xengnttab_open(lg, 0) == NULL);
	ATF_CHECK_EQ(errno, EACCES);
	finish();
}

ATF_TC_WITHOUT_HEAD(map_guest);
ATF_TC_BODY(map_guest, tc)
{
	xengnttab_handle *t;
	uint32_t ref;
	uint16_t d;
	uint8_t *p, *frame;

	setup();
	d = guest(1, &ref, 0);
	frame = xenemu_frame(d, 0);
	memcpy(frame + 100, "from the guest", 15);
	t = tab_open();
	p = xengnttab_map_grant_ref(t, d, ref, PROT_READ | PROT_WRITE);
	ATF_REQUIRE_MSG(p != NULL, "map: %s", strerror(errno));
	ATF_CHECK_STREQ((char *)p + 100, "from the guest");
	memcpy(p + 200, "from dom0", 10);
	ATF_CHECK_STREQ((char *)frame + 200, "from dom0");
	ATF_CHECK_EQ(maps_of(d, ref), 1);
	ATF_CHECK_EQ(xengnttab_unmap(t, p, 1), 0);
	ATF_CHECK_EQ(maps_of(d, ref), 0);
	/* Unmapping twice, or something never mapped, is refused. */
	errno = 0;
	ATF_CHECK_EQ(xengnttab_unmap(t, p, 1), -1);
	ATF_CHECK_EQ(errno, EINVAL);
	ATF_CHECK_EQ(xengnttab_unmap(t, &ref, 1), -1);
	ATF_CHECK(logged("xengnttab_unmap"));
	xengnttab_close(t);
	finish();
}

ATF_TC_WITHOUT_HEAD(read_only);
ATF_TC_BODY(read_only, tc)
{
	xengnttab_handle *t;
	uint32_t ref;
	uint16_t d;
	uint8_t *p;

	setup();
	d = guest(1, &ref, 1);
	t = tab_open();
	errno = 0;
	p = xengnttab_map_grant_ref(t, d, ref, PROT_READ | PROT_WRITE);
	ATF_CHECK_MSG(p == NULL && errno == EINVAL, "read-write map of a "
	    "read-only grant: %p, %s", p, strerror(errno));
	if (p != NULL)
		ATF_CHECK_EQ(xengnttab_unmap(t, p, 1), 0);
	ATF_CHECK(logged("xengnttab_map_grant_ref"));
	ATF_CHECK_EQ(maps_of(d, ref), 0);
	p = xengnttab_map_grant_ref(t, d, ref, PROT_READ);
	ATF_REQUIRE_MSG(p != NULL, "map ro: %s", strerror(errno));
	ATF_CHECK_EQ(p[0], 1);
	ATF_CHECK_EQ(xengnttab_unmap(t, p, 1), 0);
	xengnttab_close(t);
	finish();
}

#define NB	8

ATF_TC_WITHOUT_HEAD(batch);
ATF_TC_BODY(batch, tc)
{
	xengnttab_handle *t;
	uint32_t refs[NB], refs2[2], doms[NB + 2], all[NB + 2];
	uint16_t d, d2;
	uint8_t *p;
	int i;

	setup();
	d = guest(NB, refs, 0);
	d2 = guest(2, refs2, 0);
	((uint8_t *)xenemu_frame(d2, 0))[0] = 0x51;
	((uint8_t *)xenemu_frame(d2, 1))[0] = 0x52;
	t = tab_open();
	p = xengnttab_map_domain_grant_refs(t, NB, d, refs, PROT_READ);
	ATF_REQUIRE_MSG(p != NULL, "map domain refs: %s", strerror(errno));
	for (i = 0; i < NB; i++)
		ATF_CHECK_EQ(p[i * PG], i + 1);
	ATF_CHECK_EQ(xengnttab_unmap(t, p, NB - 1), -1);	/* size */
	ATF_CHECK_EQ(xengnttab_unmap(t, p + PG, NB - 1), -1);	/* start */
	ATF_CHECK_EQ(xengnttab_unmap(t, p, NB), 0);
	/* Two domains interleaved: the stride of domids is respected. */
	for (i = 0; i < NB + 2; i++) {
		doms[i] = i % 5 == 4 ? d2 : d;
		all[i] = i % 5 == 4 ? refs2[i / 5] : refs[i - (i + 1) / 5];
	}
	p = xengnttab_map_grant_refs(t, NB + 2, doms, all, PROT_READ);
	ATF_REQUIRE_MSG(p != NULL, "map refs: %s", strerror(errno));
	ATF_CHECK_EQ(p[4 * PG], 0x51);
	ATF_CHECK_EQ(p[9 * PG], 0x52);
	ATF_CHECK_EQ(p[5 * PG], 5);
	ATF_CHECK_EQ(xengnttab_unmap(t, p, NB + 2), 0);
	xengnttab_close(t);
	finish();
}

ATF_TC_WITHOUT_HEAD(batch_bad_ref);
ATF_TC_BODY(batch_bad_ref, tc)
{
	xengnttab_handle *t;
	uint32_t refs[NB];
	uint16_t d;
	int i;

	setup();
	d = guest(NB, refs, 0);
	refs[3] = 999;		/* never granted */
	t = tab_open();
	errno = 0;
	ATF_CHECK(xengnttab_map_domain_grant_refs(t, NB, d, refs,
	    PROT_READ) == NULL);
	ATF_CHECK(errno != 0);
	ATF_CHECK(logged("xengnttab_map_domain_grant_refs"));
	for (i = 0; i < NB; i++)
		if (i != 3)
			ATF_CHECK_EQ(maps_of(d, refs[i]), 0);
	xengnttab_close(t);
	finish();
}

/* The call fails with EINVAL. */
#define EINVAL_NULL(call) do {						\
		errno = 0;						\
		ATF_CHECK((call) == NULL);				\
		ATF_CHECK_EQ(errno, EINVAL);				\
	} while (0)
#define EINVAL_M1(call) do {						\
		errno = 0;						\
		ATF_CHECK_EQ((call), -1);				\
		ATF_CHECK_EQ(errno, EINVAL);				\
	} while (0)

ATF_TC_WITHOUT_HEAD(bad_args);
ATF_TC_BODY(bad_args, tc)
{
	xengnttab_handle *t;
	xengntshr_handle *s;
	uint32_t ref, doms[1] = { 1 };

	setup();
	t = tab_open();
	s = shr_open();
	EINVAL_NULL(xengnttab_map_grant_refs(t, 0, doms, &ref, PROT_READ));
	EINVAL_NULL(xengnttab_map_grant_refs(t, 1, NULL, &ref, PROT_READ));
	EINVAL_NULL(xengnttab_map_grant_refs(t, 1, doms, NULL, PROT_READ));
	EINVAL_NULL(xengnttab_map_domain_grant_refs(t, 1, 1, NULL,
	    PROT_READ));
	EINVAL_NULL(xengnttab_map_grant_ref(t, 70000, 1, PROT_READ));
	EINVAL_NULL(xengnttab_map_grant_ref(t, 1, 1, 0));
	EINVAL_NULL(xengnttab_map_grant_ref(t, 1, 1, PROT_WRITE));
	EINVAL_NULL(xengnttab_map_grant_ref(t, 1, 1, PROT_READ | PROT_EXEC));
	EINVAL_NULL(xengnttab_map_grant_ref_notify(t, 70000, 1, PROT_READ,
	    0, 1));
	EINVAL_M1(xengnttab_set_max_grants(t, 0));
	EINVAL_M1(xengnttab_grant_copy(t, 1, NULL));
	EINVAL_M1(xengnttab_dmabuf_exp_from_refs(t, 1, 0, 0, &ref, &ref));
	EINVAL_M1(xengnttab_dmabuf_exp_from_refs(t, 1, 0x80, 1, &ref, &ref));
	EINVAL_M1(xengnttab_dmabuf_imp_to_refs(t, 1, 3, 1, NULL));
	EINVAL_M1(xengnttab_unmap(t, NULL, 1));
	EINVAL_NULL(xengntshr_share_pages(s, 1, 0, &ref, 1));
	EINVAL_NULL(xengntshr_share_pages(s, 1, -1, &ref, 1));
	EINVAL_NULL(xengntshr_share_pages(s, 1, 1, NULL, 1));
	EINVAL_NULL(xengntshr_share_pages(s, 70000, 1, &ref, 1));
	EINVAL_NULL(xengntshr_share_page_notify(s, 1, NULL, 1, 0, 1));
	EINVAL_M1(xengntshr_unshare(s, &ref, 1));
	ATF_CHECK_EQ(xengnttab_grant_copy(t, 0, NULL), 0);
	ATF_CHECK(logged("xengnttab"));
	xengnttab_close(t);
	xengntshr_close(s);
	finish();
}

ATF_TC_WITHOUT_HEAD(share);
ATF_TC_BODY(share, tc)
{
	xengntshr_handle *s;
	struct xenemu_grant_info gi;
	uint32_t refs[3];
	uint8_t *p;
	int d, i;

	setup();
	ATF_REQUIRE((d = xenemu_domain_create(4)) > 0);
	s = shr_open();
	p = xengntshr_share_pages(s, (uint32_t)d, 3, refs, 1);
	ATF_REQUIRE_MSG(p != NULL, "share: %s", strerror(errno));
	for (i = 0; i < 3; i++) {
		ATF_REQUIRE_EQ(xenemu_grant_info(0, refs[i], &gi), 0);
		ATF_CHECK_EQ(gi.grantee, d);
		ATF_CHECK_EQ(gi.readonly, 0);
		ATF_CHECK_EQ(p[i * PG + 9], 0);		/* zeroed */
		p[i * PG + 9] = (uint8_t)(0x30 + i);
		ATF_CHECK_EQ(((uint8_t *)gi.page)[9], 0x30 + i);
	}
	ATF_CHECK_EQ(xengntshr_unshare(s, p, 2), -1);
	ATF_CHECK_EQ(errno, EINVAL);
	ATF_CHECK_EQ(xengntshr_unshare(s, p, 3), 0);
	for (i = 0; i < 3; i++)
		ATF_CHECK_MSG(xenemu_grant_info(0, refs[i], &gi) != 0,
		    "grant %u still alive after unshare", refs[i]);
	/* Read-only share. */
	p = xengntshr_share_pages(s, (uint32_t)d, 1, refs, 0);
	ATF_REQUIRE(p != NULL);
	ATF_REQUIRE_EQ(xenemu_grant_info(0, refs[0], &gi), 0);
	ATF_CHECK_EQ(gi.readonly, 1);
	/* Left shared: close must unshare it (leak check below). */
	ATF_CHECK_EQ(xengntshr_close(s), 0);
	finish();
}

ATF_TC_WITHOUT_HEAD(close_unmaps);
ATF_TC_BODY(close_unmaps, tc)
{
	xengnttab_handle *t;
	uint32_t refs[2];
	uint16_t d;

	setup();
	d = guest(2, refs, 0);
	t = tab_open();
	ATF_REQUIRE(xengnttab_map_grant_ref(t, d, refs[0], PROT_READ) != NULL);
	ATF_REQUIRE(xengnttab_map_grant_ref(t, d, refs[1], PROT_READ) != NULL);
	ATF_CHECK_EQ(xengnttab_close(t), 0);
	ATF_CHECK_EQ(maps_of(d, refs[0]), 0);
	ATF_CHECK_EQ(maps_of(d, refs[1]), 0);
	finish();
}

ATF_TC_WITHOUT_HEAD(notify);
ATF_TC_BODY(notify, tc)
{
	xengnttab_handle *t;
	uint32_t ref;
	int p0, pd;
	uint16_t d;
	uint8_t *p, *frame;

	setup();
	d = guest(1, &ref, 0);
	frame = xenemu_frame(d, 0);
	frame[1] = 0xff;
	/* A channel between dom0 (p0) and the guest (pd). */
	ATF_REQUIRE((pd = xenemu_evtchn_alloc_unbound(d, 0)) > 0);
	ATF_REQUIRE((p0 = xenemu_evtchn_bind_interdomain(0, d,
	    (uint32_t)pd)) > 0);
	t = tab_open();
	/* NetBSD checks the byte offset against the page count: use 1. */
	p = xengnttab_map_grant_ref_notify(t, d, ref, PROT_READ | PROT_WRITE,
	    1, (evtchn_port_t)p0);
	ATF_REQUIRE_MSG(p != NULL, "map notify: %s", strerror(errno));
	ATF_CHECK_EQ(p[1], 0xff);
	ATF_CHECK_EQ(xenemu_evtchn_consume(d, (uint32_t)pd), 0);
	ATF_CHECK_EQ(xengnttab_unmap(t, p, 1), 0);
	ATF_CHECK_EQ(frame[1], 0);
	ATF_CHECK_EQ(xenemu_evtchn_consume(d, (uint32_t)pd), 1);
	/* A byte to clear needs a writable mapping (Linux's gntdev). */
	errno = 0;
	ATF_CHECK(xengnttab_map_grant_ref_notify(t, d, ref, PROT_READ, 1,
	    (evtchn_port_t)-1) == NULL);
	ATF_CHECK_EQ(errno, EINVAL);
	ATF_CHECK(logged("PROT_WRITE"));
	ATF_CHECK_EQ(maps_of(d, ref), 0);
	/* An event alone is fine read-only. */
	p = xengnttab_map_grant_ref_notify(t, d, ref, PROT_READ, PG,
	    (evtchn_port_t)p0);
	ATF_REQUIRE_MSG(p != NULL, "map ro notify: %s", strerror(errno));
	ATF_CHECK_EQ(xengnttab_unmap(t, p, 1), 0);
	ATF_CHECK_EQ(xenemu_evtchn_consume(d, (uint32_t)pd), 1);
	/*
	 * A port not bound in this domain: EINVAL (Linux's gntdev and
	 * FreeBSD's check it at once; NetBSD's only uses it at unmap).
	 */
	errno = 0;
	p = xengnttab_map_grant_ref_notify(t, d, ref, PROT_READ | PROT_WRITE,
	    1, 999);
	if (XENEMU_DIALECT == XENEMU_NETBSD) {
		if (p != NULL)
			ATF_CHECK_EQ(xengnttab_unmap(t, p, 1), 0);
	} else {
		ATF_CHECK(p == NULL);
		ATF_CHECK_EQ(errno, EINVAL);
	}
	ATF_CHECK_EQ(maps_of(d, ref), 0);
	/* No notification asked: nothing happens. */
	frame[1] = 0xff;
	p = xengnttab_map_grant_ref_notify(t, d, ref, PROT_READ, PG,
	    (evtchn_port_t)-1);
	ATF_REQUIRE(p != NULL);
	ATF_CHECK_EQ(xengnttab_unmap(t, p, 1), 0);
	ATF_CHECK_EQ(frame[1], 0xff);
	ATF_CHECK_EQ(xenemu_evtchn_consume(d, (uint32_t)pd), 0);
	xengnttab_close(t);
	ATF_CHECK_EQ(xenemu_evtchn_close(0, (uint32_t)p0), 0);
	ATF_CHECK_EQ(xenemu_evtchn_close(d, (uint32_t)pd), 0);
	finish();
}

ATF_TC_WITHOUT_HEAD(share_notify);
ATF_TC_BODY(share_notify, tc)
{
	xengntshr_handle *s;
	struct xenemu_grant_info gi;
	uint32_t ref;
	int d, p0, pd;
	uint8_t *p;

	setup();
	ATF_REQUIRE((d = xenemu_domain_create(4)) > 0);
	ATF_REQUIRE((pd = xenemu_evtchn_alloc_unbound((uint16_t)d, 0)) > 0);
	ATF_REQUIRE((p0 = xenemu_evtchn_bind_interdomain(0, (uint16_t)d,
	    (uint32_t)pd)) > 0);
	s = shr_open();
	p = xengntshr_share_page_notify(s, (uint32_t)d, &ref, 1, 0,
	    (evtchn_port_t)p0);
	ATF_REQUIRE_MSG(p != NULL, "share notify: %s", strerror(errno));
	ATF_REQUIRE_EQ(xenemu_grant_info(0, ref, &gi), 0);
	p[0] = 1;
	ATF_CHECK_EQ(xengntshr_unshare(s, p, 1), 0);
	ATF_CHECK_EQ(xenemu_evtchn_consume((uint16_t)d, (uint32_t)pd), 1);
	/* A port not bound here: EINVAL, nothing left shared. */
	if (XENEMU_DIALECT != XENEMU_NETBSD) {
		errno = 0;
		ATF_CHECK(xengntshr_share_page_notify(s, (uint32_t)d, &ref, 1,
		    0, 999) == NULL);
		ATF_CHECK_EQ(errno, EINVAL);
	}
	xengntshr_close(s);
	ATF_CHECK_EQ(xenemu_evtchn_close(0, (uint32_t)p0), 0);
	ATF_CHECK_EQ(xenemu_evtchn_close((uint16_t)d, (uint32_t)pd), 0);
	finish();
}

/*
 * A byte to clear at offset 25 (libxenvchan's): cleared at unmap and
 * unshare on Linux and FreeBSD; NetBSD's kernel takes only offsets up to
 * the page count, so the library refuses it there with EOPNOTSUPP,
 * logged, leaving nothing mapped or shared.
 */
ATF_TC_WITHOUT_HEAD(notify_offset_vchan);
ATF_TC_BODY(notify_offset_vchan, tc)
{
	xengnttab_handle *t;
	xengntshr_handle *s;
	struct xenemu_leaks lk;
	uint32_t ref, sref;
	uint16_t d;
	uint8_t *p, *frame;

	setup();
	d = guest(1, &ref, 0);
	frame = xenemu_frame(d, 0);
	frame[25] = 0xff;
	t = tab_open();
	s = shr_open();
	errno = 0;
	p = xengnttab_map_grant_ref_notify(t, d, ref, PROT_READ | PROT_WRITE,
	    25, (evtchn_port_t)-1);
	if (XENEMU_DIALECT == XENEMU_NETBSD) {
		ATF_CHECK(p == NULL);
		ATF_CHECK_EQ_MSG(errno, EOPNOTSUPP, "errno %d (%s)", errno,
		    strerror(errno));
		ATF_CHECK(logged("xengnttab_map_grant_ref_notify"));
		ATF_CHECK_EQ(maps_of(d, ref), 0);
		ATF_CHECK_EQ(frame[25], 0xff);
		/* Offset 1 (the page count) is still accepted. */
		p = xengnttab_map_grant_ref_notify(t, d, ref,
		    PROT_READ | PROT_WRITE, 1, (evtchn_port_t)-1);
		ATF_REQUIRE_MSG(p != NULL, "offset 1: %s", strerror(errno));
		ATF_CHECK_EQ(xengnttab_unmap(t, p, 1), 0);
	} else {
		ATF_REQUIRE_MSG(p != NULL, "map: %s", strerror(errno));
		ATF_CHECK_EQ(xengnttab_unmap(t, p, 1), 0);
		ATF_CHECK_EQ(frame[25], 0);
	}
	errno = 0;
	p = xengntshr_share_page_notify(s, d, &sref, 1, 25,
	    (evtchn_port_t)-1);
	if (XENEMU_DIALECT == XENEMU_NETBSD) {
		ATF_CHECK(p == NULL);
		ATF_CHECK_EQ_MSG(errno, EOPNOTSUPP, "errno %d (%s)", errno,
		    strerror(errno));
		ATF_CHECK(logged("xengntshr_share_page_notify"));
		xenemu_leaks(&lk);
		ATF_CHECK_EQ(lk.grants, 0);
		ATF_CHECK_EQ(lk.mappings, 0);
	} else {
		ATF_REQUIRE_MSG(p != NULL, "share: %s", strerror(errno));
		ATF_CHECK_EQ(xengntshr_unshare(s, p, 1), 0);
	}
	ATF_CHECK_EQ(xengntshr_close(s), 0);
	ATF_CHECK_EQ(xengnttab_close(t), 0);
	finish();
}

/* NetBSD 9 has no grant ioctls: EOPNOTSUPP, logged, nothing left. */
ATF_TC_WITHOUT_HEAD(netbsd_9);
ATF_TC_BODY(netbsd_9, tc)
{
	xengnttab_handle *t;
	xengntshr_handle *s;
	struct xenemu_leaks lk;
	uint32_t ref, sref;
	uint16_t d;

	if (XENEMU_DIALECT != XENEMU_NETBSD)
		atf_tc_skip("NetBSD releases only");
	setup();
	xenemu_kernel_release(902);
	d = guest(1, &ref, 0);
	t = tab_open();
	s = shr_open();
	errno = 0;
	ATF_CHECK(xengnttab_map_grant_ref(t, d, ref, PROT_READ) == NULL);
	ATF_CHECK_EQ_MSG(errno, EOPNOTSUPP, "map: errno %d", errno);
	ATF_CHECK(logged("xengnttab_map_grant_ref"));
	errno = 0;
	ATF_CHECK(xengntshr_share_pages(s, d, 1, &sref, 1) == NULL);
	ATF_CHECK_EQ_MSG(errno, EOPNOTSUPP, "share: errno %d", errno);
	ATF_CHECK_EQ(maps_of(d, ref), 0);
	xenemu_leaks(&lk);
	ATF_CHECK_EQ(lk.mappings, 0);
	ATF_CHECK_EQ(xengntshr_close(s), 0);
	ATF_CHECK_EQ(xengnttab_close(t), 0);
	finish();
}

ATF_TC_WITHOUT_HEAD(max_grants);
ATF_TC_BODY(max_grants, tc)
{
	xengnttab_handle *t;
	uint32_t refs[4];
	uint16_t d;
	void *a, *b;

	setup();
	d = guest(4, refs, 0);
	t = tab_open();
	ATF_REQUIRE_EQ(xengnttab_set_max_grants(t, 3), 0);
	a = xengnttab_map_domain_grant_refs(t, 3, d, refs, PROT_READ);
	ATF_REQUIRE(a != NULL);
	errno = 0;
	ATF_CHECK(xengnttab_map_grant_ref(t, d, refs[3], PROT_READ) == NULL);
	ATF_CHECK_EQ(errno, ENOMEM);
	ATF_CHECK(logged("limit"));
	ATF_CHECK_EQ(maps_of(d, refs[3]), 0);
	ATF_CHECK_EQ(xengnttab_unmap(t, a, 3), 0);
	b = xengnttab_map_grant_ref(t, d, refs[3], PROT_READ);
	ATF_CHECK(b != NULL);
	ATF_CHECK(xengnttab_map_domain_grant_refs(t, 3, d, refs,
	    PROT_READ) == NULL);
	if (b != NULL)
		ATF_CHECK_EQ(xengnttab_unmap(t, b, 1), 0);
	xengnttab_close(t);
	finish();
}

/* Seconds since t0. */
static double
seconds_since(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) +
	    (t1.tv_nsec - t0->tv_nsec) / 1e9;
}

/* Attempts in all at a busy grant (xengnttab(3)). */
#define XENGNT_TRIES	8

ATF_TC_WITHOUT_HEAD(eagain);
ATF_TC_BODY(eagain, tc)
{
	xengnttab_handle *t;
	xengntshr_handle *s;
	struct xenemu_grant_info gi;
	struct timespec t0;
	uint32_t ref, sref[2];
	uint16_t d;
	void *p;
	double secs;

	setup();
	d = guest(1, &ref, 0);
	t = tab_open();
	s = shr_open();
	/* A few busy answers are ridden out. */
	xenemu_eagain(3);
	p = xengnttab_map_grant_ref(t, d, ref, PROT_READ);
	ATF_CHECK_MSG(p != NULL, "map after 3 EAGAIN: %s", strerror(errno));
	if (p != NULL)
		ATF_CHECK_EQ(xengnttab_unmap(t, p, 1), 0);
	/* A grant that stays busy is reported, in bounded time. */
	xenemu_eagain(1000);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	errno = 0;
	ATF_CHECK(xengnttab_map_grant_ref(t, d, ref, PROT_READ) == NULL);
	ATF_CHECK_EQ(errno, EAGAIN);
	secs = seconds_since(&t0);
	ATF_CHECK_MSG(secs < 2.0, "gave up after %.2f s", secs);
	ATF_CHECK(logged("attempts"));
	xenemu_eagain(0);
	xenemu_fail_clear();
	ATF_CHECK_EQ(maps_of(d, ref), 0);
	/* Sharing too: a few busy answers ridden out, ... */
	xenemu_eagain(XENGNT_TRIES - 1);
	p = xengntshr_share_pages(s, d, 2, sref, 1);
	ATF_CHECK_MSG(p != NULL, "share after %d EAGAIN: %s",
	    XENGNT_TRIES - 1, strerror(errno));
	if (p != NULL) {
		ATF_CHECK_EQ(xenemu_grant_info(0, sref[1], &gi), 0);
		ATF_CHECK_EQ(xengntshr_unshare(s, p, 2), 0);
	}
	/* ... one more is one too many: EAGAIN, nothing left shared. */
	xenemu_eagain(XENGNT_TRIES);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	errno = 0;
	ATF_CHECK(xengntshr_share_pages(s, d, 2, sref, 1) == NULL);
	ATF_CHECK_EQ(errno, EAGAIN);
	secs = seconds_since(&t0);
	ATF_CHECK_MSG(secs < 2.0, "share gave up after %.2f s", secs);
	ATF_CHECK(logged("xengntshr_share_pages"));
	xenemu_eagain(0);
	if (XENEMU_DIALECT == XENEMU_NETBSD) {
		/*
		 * The wiring that checks the grants hits the mlock limit
		 * (device calls: the ioctl, then mlock): the range is not
		 * handed out unchecked but mapped again, here failing.
		 */
		xenemu_fail_nth(2, EAGAIN);
		ATF_REQUIRE_EQ(xenemu_fail_op(
		    "ioctl:IOCTL_GNTDEV_MMAP_GRANT_REF", 2, EIO), 0);
		errno = 0;
		p = xengnttab_map_grant_ref(t, d, ref, PROT_READ);
		ATF_CHECK_MSG(p == NULL && errno == EIO, "map after mlock "
		    "EAGAIN: %p, %s", p, strerror(errno));
		if (p != NULL)
			ATF_CHECK_EQ(xengnttab_unmap(t, p, 1), 0);
		xenemu_fail_clear();
		ATF_CHECK_EQ(maps_of(d, ref), 0);
		/* Once only: the next attempt gets through. */
		xenemu_fail_nth(2, EAGAIN);
		p = xengnttab_map_grant_ref(t, d, ref, PROT_READ);
		ATF_CHECK_MSG(p != NULL, "map after one mlock EAGAIN: %s",
		    strerror(errno));
		if (p != NULL) {
			ATF_CHECK_EQ(((uint8_t *)p)[0], 1);
			ATF_CHECK_EQ(xengnttab_unmap(t, p, 1), 0);
		}
		xenemu_fail_clear();
	}
	xengnttab_close(t);
	xengntshr_close(s);
	finish();
}

/*
 * Fail the n-th device call of a whole share/map/unmap/unshare session,
 * for n = 1, 2, ... until the session gets through: every failure must
 * reach the caller with the injected errno and leave nothing behind.
 */
static int
session(uint16_t d, uint32_t gref, int *failed_errno)
{
	xengnttab_handle *t = NULL;
	xengntshr_handle *s = NULL;
	uint32_t sref[2];
	uint8_t *p = NULL, *q = NULL, *r = NULL;
	int ok = 0;

	*failed_errno = 0;
	if ((t = xengnttab_open(lg, 0)) == NULL)
		goto out;
	if ((s = xengntshr_open(lg, 0)) == NULL)
		goto out;
	if ((p = xengnttab_map_grant_ref(t, d, gref, PROT_READ)) == NULL)
		goto out;
	if ((q = xengnttab_map_grant_ref_notify(t, d, gref,
	    PROT_READ | PROT_WRITE, 0, (evtchn_port_t)-1)) == NULL)
		goto out;
	if ((r = xengntshr_share_pages(s, d, 2, sref, 1)) == NULL)
		goto out;
	ok = 1;
out:
	if (!ok)
		*failed_errno = errno;
	xenemu_fail_clear();
	if (r != NULL && xengntshr_unshare(s, r, 2) != 0)
		ok = 0;
	if (q != NULL && xengnttab_unmap(t, q, 1) != 0)
		ok = 0;
	if (p != NULL && xengnttab_unmap(t, p, 1) != 0)
		ok = 0;
	xengntshr_close(s);
	xengnttab_close(t);
	return ok;
}

ATF_TC_WITHOUT_HEAD(fault_injection);
ATF_TC_BODY(fault_injection, tc)
{
	uint32_t ref[2];
	uint16_t d;
	unsigned n;
	int e, ok = 0;

	setup();
	d = guest(2, ref, 0);
	for (n = 1; n < 100 && !ok; n++) {
		xenemu_fail_nth(n, EIO);
		ok = session(d, ref[0], &e);
		if (!ok)
			ATF_CHECK_EQ_MSG(e, EIO, "device call %u failed with "
			    "EIO, caller saw %s", n, strerror(e));
		ATF_CHECK_EQ_MSG(maps_of(d, ref[0]), 0, "call %u", n);
		ATF_CHECK_EQ_MSG(xenemu_assert_no_leaks(), 0, "call %u", n);
	}
	ATF_CHECK_MSG(ok, "the session never got through");
	ATF_CHECK_MSG(n > 4, "only %u device calls: is injection working?",
	    n);
	printf("%s: %u failure points\n", dialect_name(), n - 2);
	finish();
}

ATF_TC_WITHOUT_HEAD(grant_copy);
ATF_TC_BODY(grant_copy, tc)
{
	xengnttab_handle *t;
	xengnttab_grant_copy_segment_t seg[2];
	char out[32];
	uint32_t ref;
	uint16_t d;
	uint8_t *frame;
	int rc;

	setup();
	d = guest(1, &ref, 0);
	frame = xenemu_frame(d, 0);
	memcpy(frame + 300, "guest data", 11);
	t = tab_open();
	memset(seg, 0, sizeof(seg));
	seg[0].source.foreign.ref = ref;
	seg[0].source.foreign.domid = d;
	seg[0].source.foreign.offset = 300;
	seg[0].dest.virt = out;
	seg[0].len = 11;
	seg[0].flags = GNTCOPY_source_gref;
	seg[1].source.virt = (void *)"to guest";
	seg[1].dest.foreign.ref = ref;
	seg[1].dest.foreign.domid = d;
	seg[1].dest.foreign.offset = 600;
	seg[1].len = 9;
	seg[1].flags = GNTCOPY_dest_gref;
	errno = 0;
	rc = xengnttab_grant_copy(t, 2, seg);
	if (XENEMU_DIALECT != XENEMU_LINUX) {
		ATF_CHECK_EQ(rc, -1);
		ATF_CHECK_EQ(errno, EOPNOTSUPP);
		ATF_CHECK(logged("xengnttab_grant_copy"));
	} else {
		ATF_REQUIRE_MSG(rc == 0, "copy: %s", strerror(errno));
		ATF_CHECK_EQ(seg[0].status, GNTST_okay);
		ATF_CHECK_EQ(seg[1].status, GNTST_okay);
		ATF_CHECK_STREQ(out, "guest data");
		ATF_CHECK_STREQ((char *)frame + 600, "to guest");
		seg[0].source.foreign.ref = 999;
		ATF_CHECK_EQ(xengnttab_grant_copy(t, 1, seg), 0);
		ATF_CHECK_EQ(seg[0].status, GNTST_bad_gntref);
		xenemu_fail_op("ioctl", 1, EFAULT);
		ATF_CHECK_EQ(xengnttab_grant_copy(t, 1, seg), -1);
		ATF_CHECK_EQ(errno, EFAULT);
	}
	xengnttab_close(t);
	finish();
}

ATF_TC_WITHOUT_HEAD(dmabuf);
ATF_TC_BODY(dmabuf, tc)
{
	struct xenemu_grant_info gi;
	xengnttab_handle *t;
	uint32_t refs[2], irefs[2], fd = 0;
	uint16_t d;
	int i;

	setup();
	d = guest(2, refs, 0);
	t = tab_open();
	errno = 0;
	if (XENEMU_DIALECT != XENEMU_LINUX) {
		ATF_CHECK_EQ(xengnttab_dmabuf_exp_from_refs(t, d, 0, 2, refs,
		    &fd), -1);
		ATF_CHECK_EQ(errno, EOPNOTSUPP);
		ATF_CHECK_EQ(xengnttab_dmabuf_exp_wait_released(t, 5, 10), -1);
		ATF_CHECK_EQ(errno, EOPNOTSUPP);
		ATF_CHECK_EQ(xengnttab_dmabuf_imp_to_refs(t, d, 5, 1, irefs),
		    -1);
		ATF_CHECK_EQ(errno, EOPNOTSUPP);
		ATF_CHECK_EQ(xengnttab_dmabuf_imp_release(t, 5), -1);
		ATF_CHECK_EQ(errno, EOPNOTSUPP);
		ATF_CHECK(logged("xengnttab_dmabuf_imp_release"));
		xengnttab_close(t);
		finish();
		return;
	}
	/* Export the guest's two grants as one dma-buf. */
	ATF_REQUIRE_MSG(xengnttab_dmabuf_exp_from_refs(t, d,
	    GNTDEV_DMA_FLAG_WC, 2, refs, &fd) == 0, "export: %s",
	    strerror(errno));
	ATF_CHECK_EQ(maps_of(d, refs[0]), 1);
	ATF_CHECK_EQ(maps_of(d, refs[1]), 1);
	/* Still open here: waiting for its release times out. */
	ATF_CHECK_EQ(xengnttab_dmabuf_exp_wait_released(t, fd, 10), -1);
	ATF_CHECK_EQ(errno, ETIMEDOUT);
	/* Import it back, granting its pages to the guest. */
	ATF_REQUIRE_MSG(xengnttab_dmabuf_imp_to_refs(t, d, fd, 2, irefs) ==
	    0, "import: %s", strerror(errno));
	for (i = 0; i < 2; i++) {
		ATF_REQUIRE_EQ(xenemu_grant_info(0, irefs[i], &gi), 0);
		ATF_CHECK_EQ(gi.grantee, d);
	}
	ATF_CHECK_EQ(xengnttab_dmabuf_imp_release(t, fd), 0);
	for (i = 0; i < 2; i++)
		ATF_CHECK(xenemu_grant_info(0, irefs[i], &gi) != 0);
	errno = 0;
	ATF_CHECK_EQ(xengnttab_dmabuf_imp_release(t, fd), -1);
	ATF_CHECK_EQ(errno, ENOENT);
	ATF_CHECK_EQ(close((int)fd), 0);
	ATF_CHECK_EQ(maps_of(d, refs[0]), 0);
	ATF_CHECK_EQ(xengnttab_dmabuf_exp_wait_released(t, fd, 10), -1);
	ATF_CHECK_EQ(errno, ENOENT);
	/* A bad ref: nothing exported, nothing left mapped. */
	refs[1] = 999;
	ATF_CHECK_EQ(xengnttab_dmabuf_exp_from_refs(t, d, 0, 2, refs, &fd),
	    -1);
	ATF_CHECK(errno != 0);
	ATF_CHECK_EQ(maps_of(d, refs[0]), 0);
	xengnttab_close(t);
	finish();
}

/* The descriptor now names /dev/null (Linux hosts), close-on-exec kept. */
static void
check_nulled(int fd)
{
	char path[64], target[64];
	ssize_t n;
	int fl;

	fl = fcntl(fd, F_GETFD);
	ATF_CHECK(fl != -1 && (fl & FD_CLOEXEC));
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	if ((n = readlink(path, target, sizeof(target) - 1)) == -1)
		return;		/* no /proc: nothing more to see */
	target[n] = '\0';
	ATF_CHECK_STREQ(target, "/dev/null");
}

/*
 * xentoolcore_restrict_all() reaches both handle kinds.  libxentoolcore
 * is a shared object, so its dup2() is the real one, which the emulator
 * does not see: check the descriptors themselves.  (The real-hypervisor
 * test checks that operations fail afterwards.)  What was mapped and
 * shared before can still be unmapped and unshared, leaving nothing.
 */
ATF_TC_WITHOUT_HEAD(restrict_all);
ATF_TC_BODY(restrict_all, tc)
{
	xengnttab_handle *t;
	xengntshr_handle *s;
	struct xenemu_grant_info gi;
	uint32_t ref, sref[2];
	uint16_t d;
	void *p, *q;

	setup();
	d = guest(1, &ref, 0);
	t = tab_open();
	s = shr_open();
	p = xengnttab_map_grant_ref(t, d, ref, PROT_READ);
	ATF_REQUIRE_MSG(p != NULL, "map: %s", strerror(errno));
	q = xengntshr_share_pages(s, d, 2, sref, 1);
	ATF_REQUIRE_MSG(q != NULL, "share: %s", strerror(errno));
	ATF_REQUIRE_EQ(xentoolcore_restrict_all(1), 0);
	check_nulled(xengnttab_fd(t));
	check_nulled(xengntshr_fd(s));
	ATF_CHECK_MSG(xengnttab_unmap(t, p, 1) == 0, "unmap: %s",
	    strerror(errno));
	ATF_CHECK_MSG(xengntshr_unshare(s, q, 2) == 0, "unshare: %s",
	    strerror(errno));
	ATF_CHECK_EQ(maps_of(d, ref), 0);
	ATF_CHECK_MSG(xenemu_grant_info(0, sref[0], &gi) != 0 &&
	    xenemu_grant_info(0, sref[1], &gi) != 0,
	    "shared pages still granted after unshare");
	xengnttab_close(t);
	xengntshr_close(s);
	finish();
}

/*
 * A handle xentoolcore_restrict_all() can neither restrict nor make
 * useless (its descriptor was closed behind the library's back): the call
 * fails with EBADF, and the handle's logger names it.
 */
ATF_TC_WITHOUT_HEAD(restrict_all_lost_fd);
ATF_TC_BODY(restrict_all_lost_fd, tc)
{
	xengnttab_handle *t;
	xengntshr_handle *s;
	int hole;

	setup();
	/* A free descriptor below t's, for restrict_all's /dev/null. */
	ATF_REQUIRE((hole = open("/dev/null", O_RDONLY)) >= 0);
	t = tab_open();
	s = shr_open();
	ATF_REQUIRE(xengnttab_fd(t) > hole);
	ATF_REQUIRE_EQ(close(hole), 0);
	ATF_REQUIRE_EQ(close(xengnttab_fd(t)), 0);
	errno = 0;
	ATF_CHECK_EQ(xentoolcore_restrict_all(1), -1);
	ATF_CHECK_EQ(errno, EBADF);
	ATF_CHECK_MSG(logged("restrict_all"), "the handle not named in the log");
	/* The other handle was made useless all the same. */
	check_nulled(xengntshr_fd(s));
	(void)xengnttab_close(t);
	xengntshr_close(s);
	finish();
}

/*
 * Both handle types are one structure: a handle of the other kind must be
 * refused by every entry point (EINVAL, logged) and leave its ranges alone.
 */
ATF_TC_WITHOUT_HEAD(wrong_kind);
ATF_TC_BODY(wrong_kind, tc)
{
	struct xenemu_grant_info gi;
	xengnttab_grant_copy_segment_t seg;
	xengnttab_handle *t;
	xengntshr_handle *s;
	uint32_t ref, sref, fd, dom;
	uint16_t d;
	uint8_t *p, *q;

	setup();
	d = guest(1, &ref, 0);
	dom = d;
	t = tab_open();
	s = shr_open();
	p = xengnttab_map_grant_ref(t, d, ref, PROT_READ | PROT_WRITE);
	ATF_REQUIRE_MSG(p != NULL, "map: %s", strerror(errno));
	q = xengntshr_share_pages(s, d, 1, &sref, 1);
	ATF_REQUIRE_MSG(q != NULL, "share: %s", strerror(errno));

	/* A mapping handed to unshare stays mapped and on t's list. */
	errno = 0;
	ATF_CHECK_EQ(xengntshr_unshare(t, p, 1), -1);
	ATF_CHECK_EQ(errno, EINVAL);
	ATF_CHECK(logged("xengntshr_unshare: the handle was not opened by "
	    "xengntshr_open"));
	ATF_CHECK_EQ(maps_of(d, ref), 1);
	/* A share handed to unmap stays shared and on s's list. */
	errno = 0;
	ATF_CHECK_EQ(xengnttab_unmap(s, q, 1), -1);
	ATF_CHECK_EQ(errno, EINVAL);
	ATF_CHECK(logged("xengnttab_unmap: the handle was not opened by "
	    "xengnttab_open"));
	ATF_CHECK_MSG(xenemu_grant_info(0, sref, &gi) == 0,
	    "shared page ungranted by xengnttab_unmap");

	/* Every other entry point, each way. */
	memset(&seg, 0, sizeof(seg));
	EINVAL_M1(xengnttab_fd(s));
	EINVAL_NULL(xengnttab_map_grant_ref(s, d, ref, PROT_READ));
	EINVAL_NULL(xengnttab_map_grant_refs(s, 1, &dom, &ref,
	    PROT_READ));
	EINVAL_NULL(xengnttab_map_domain_grant_refs(s, 1, d, &ref,
	    PROT_READ));
	EINVAL_NULL(xengnttab_map_grant_ref_notify(s, d, ref, PROT_READ,
	    PG, (evtchn_port_t)-1));
	EINVAL_M1(xengnttab_set_max_grants(s, 1));
	EINVAL_M1(xengnttab_grant_copy(s, 0, NULL));
	EINVAL_M1(xengnttab_grant_copy(s, 1, &seg));
	EINVAL_M1(xengnttab_dmabuf_exp_from_refs(s, d, 0, 1, &ref, &fd));
	EINVAL_M1(xengnttab_dmabuf_exp_wait_released(s, 3, 0));
	EINVAL_M1(xengnttab_dmabuf_imp_to_refs(s, d, 3, 1, &ref));
	EINVAL_M1(xengnttab_dmabuf_imp_release(s, 3));
	EINVAL_M1(xengntshr_fd(t));
	EINVAL_NULL(xengntshr_share_pages(t, d, 1, &sref, 1));
	EINVAL_NULL(xengntshr_share_page_notify(t, d, &sref, 1, PG,
	    (evtchn_port_t)-1));
	ATF_CHECK_EQ(maps_of(d, ref), 1);

	/* Each range still goes away through its own handle. */
	ATF_CHECK_EQ(xengnttab_unmap(t, p, 1), 0);
	ATF_CHECK_EQ(maps_of(d, ref), 0);
	ATF_CHECK_EQ(xengntshr_unshare(s, q, 1), 0);
	ATF_CHECK_MSG(xenemu_grant_info(0, sref, &gi) != 0,
	    "shared page still granted after unshare");
	ATF_CHECK(xengnttab_fd(t) >= 0);
	ATF_CHECK(xengntshr_fd(s) >= 0);
	ATF_CHECK_EQ(xengnttab_close(t), 0);
	ATF_CHECK_EQ(xengntshr_close(s), 0);
	finish();
}

/* A NULL handle: EINVAL (nothing to log through), close returns 0. */
ATF_TC_WITHOUT_HEAD(null_handle);
ATF_TC_BODY(null_handle, tc)
{
	xengnttab_grant_copy_segment_t seg;
	uint32_t ref = 1, dom = 1, fd;

	setup();
	memset(&seg, 0, sizeof(seg));
	EINVAL_M1(xengnttab_fd(NULL));
	EINVAL_NULL(xengnttab_map_grant_ref(NULL, 1, 1, PROT_READ));
	EINVAL_NULL(xengnttab_map_grant_refs(NULL, 1, &dom, &ref,
	    PROT_READ));
	EINVAL_NULL(xengnttab_map_domain_grant_refs(NULL, 1, 1, &ref,
	    PROT_READ));
	EINVAL_NULL(xengnttab_map_grant_ref_notify(NULL, 1, 1,
	    PROT_READ | PROT_WRITE, 0, 1));
	EINVAL_M1(xengnttab_unmap(NULL, &ref, 1));
	EINVAL_M1(xengnttab_set_max_grants(NULL, 1));
	EINVAL_M1(xengnttab_grant_copy(NULL, 0, NULL));
	EINVAL_M1(xengnttab_grant_copy(NULL, 1, &seg));
	EINVAL_M1(xengnttab_dmabuf_exp_from_refs(NULL, 1, 0, 1, &ref, &fd));
	EINVAL_M1(xengnttab_dmabuf_exp_wait_released(NULL, 3, 0));
	EINVAL_M1(xengnttab_dmabuf_imp_to_refs(NULL, 1, 3, 1, &ref));
	EINVAL_M1(xengnttab_dmabuf_imp_release(NULL, 3));
	EINVAL_M1(xengntshr_fd(NULL));
	EINVAL_NULL(xengntshr_share_pages(NULL, 1, 1, &ref, 1));
	EINVAL_NULL(xengntshr_share_page_notify(NULL, 1, &ref, 1, 0, 1));
	EINVAL_M1(xengntshr_unshare(NULL, &ref, 1));
	ATF_CHECK_EQ(xengnttab_close(NULL), 0);
	ATF_CHECK_EQ(xengntshr_close(NULL), 0);
	finish();
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, open_close);
	ATF_TP_ADD_TC(tp, open_errors);
	ATF_TP_ADD_TC(tp, map_guest);
	ATF_TP_ADD_TC(tp, read_only);
	ATF_TP_ADD_TC(tp, batch);
	ATF_TP_ADD_TC(tp, batch_bad_ref);
	ATF_TP_ADD_TC(tp, bad_args);
	ATF_TP_ADD_TC(tp, share);
	ATF_TP_ADD_TC(tp, close_unmaps);
	ATF_TP_ADD_TC(tp, notify);
	ATF_TP_ADD_TC(tp, share_notify);
	ATF_TP_ADD_TC(tp, notify_offset_vchan);
	ATF_TP_ADD_TC(tp, netbsd_9);
	ATF_TP_ADD_TC(tp, max_grants);
	ATF_TP_ADD_TC(tp, eagain);
	ATF_TP_ADD_TC(tp, fault_injection);
	ATF_TP_ADD_TC(tp, grant_copy);
	ATF_TP_ADD_TC(tp, dmabuf);
	ATF_TP_ADD_TC(tp, restrict_all);
	ATF_TP_ADD_TC(tp, restrict_all_lost_fd);
	ATF_TP_ADD_TC(tp, wrong_kind);
	ATF_TP_ADD_TC(tp, null_handle);
	return atf_no_error();
}
