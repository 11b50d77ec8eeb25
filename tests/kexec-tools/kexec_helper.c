/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * What Xen says about its kexec images, through libxenkexec, for
 * kexec_xen_test (kexec-tools is the program under test; this is the
 * independent witness).
 *   kexec_helper status crash|default   "loaded" or "not loaded"
 *   kexec_helper range                  "START SIZE" of the crash area (decimal)
 *   kexec_helper badload                loads Xen must refuse, each one
 *                                       checked to fail with the errno
 *                                       xenkexec_load(3) names and to leave
 *                                       the crash image's status alone
 *   kexec_helper runas UID PROG ARG...  PROG as user and group UID, no
 *                                       supplementary groups (busybox has
 *                                       no tool for it)
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <grp.h>
#include <unistd.h>

#include <xenkexec.h>

static int
type_of(const char *s)
{
	if (strcmp(s, "crash") == 0)
		return XENKEXEC_TYPE_CRASH;
	if (strcmp(s, "default") == 0)
		return XENKEXEC_TYPE_DEFAULT;
	fprintf(stderr, "kexec_helper: unknown type %s\n", s);
	exit(2);
}

/* One refused load: its errno must be want, the status must not change. */
static int
refused(xenkexec_handle *xk, const char *what, uint64_t entry,
    unsigned int nr, const struct xenkexec_segment *segs, int want)
{
	int before, after, rc, e;

	before = xenkexec_status(xk, XENKEXEC_TYPE_CRASH);
	rc = xenkexec_load(xk, XENKEXEC_TYPE_CRASH, 62 /* EM_X86_64 */, entry,
	    nr, segs);
	e = errno;
	after = xenkexec_status(xk, XENKEXEC_TYPE_CRASH);
	printf("%s: rc %d errno %d (%s), status %d -> %d\n", what, rc,
	    rc < 0 ? e : 0, rc < 0 ? strerror(e) : "-", before, after);
	if (rc == 0 || e != want || before != after || before < 0)
		return 1;
	return 0;
}

int
main(int argc, char **argv)
{
	static char page[4096];
	struct xenkexec_segment segs[2];
	xenkexec_handle *xk;
	uint64_t start, size;
	int rc = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: kexec_helper status TYPE | range | "
		    "badload\n");
		return 2;
	}
	if (strcmp(argv[1], "runas") == 0 && argc >= 4) {
		uid_t id = (uid_t)strtoul(argv[2], NULL, 10);

		if (setgroups(0, NULL) < 0 || setgid((gid_t)id) < 0 ||
		    setuid(id) < 0) {
			perror("kexec_helper: runas");
			return 1;
		}
		execv(argv[3], argv + 3);
		perror(argv[3]);
		return 127;
	}
	if ((xk = xenkexec_open(NULL, 0)) == NULL) {
		perror("xenkexec_open");
		return 1;
	}
	if (strcmp(argv[1], "status") == 0 && argc == 3) {
		rc = xenkexec_status(xk, type_of(argv[2]));
		if (rc >= 0)
			printf("%s\n", rc ? "loaded" : "not loaded");
		rc = rc < 0;
	} else if (strcmp(argv[1], "range") == 0) {
		rc = xenkexec_get_range(xk, XENKEXEC_RANGE_MA_CRASH, 0, &start,
		    &size);
		if (rc == 0)
			printf("%llu %llu\n", (unsigned long long)start,
			    (unsigned long long)size);
		rc = rc < 0;
	} else if (strcmp(argv[1], "badload") == 0) {
		if (xenkexec_get_range(xk, XENKEXEC_RANGE_MA_CRASH, 0, &start,
		    &size) < 0 || size < 3 * sizeof(page)) {
			fprintf(stderr, "no usable crash area\n");
			return 1;
		}
		memset(segs, 0, sizeof(segs));
		segs[0].buf = page;
		segs[0].buf_size = sizeof(page);
		segs[0].dest_maddr = start + size;	/* just past the end */
		segs[0].dest_size = sizeof(page);
		rc |= refused(xk, "segment outside the crash area", start,
		    1, segs, EINVAL);
		segs[0].dest_maddr = start;
		segs[1] = segs[0];
		segs[1].dest_maddr = start;
		rc |= refused(xk, "overlapping segments", start, 2, segs,
		    EINVAL);
		rc |= refused(xk, "entry outside the crash area", start + size,
		    1, segs, EINVAL);
	} else {
		fprintf(stderr, "kexec_helper: unknown command %s\n", argv[1]);
		rc = 2;
	}
	xenkexec_close(xk);
	return rc;
}
