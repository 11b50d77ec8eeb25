/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * LD_PRELOAD instrument for kexec_xen_test: records what a program (the
 * patched kexec) asks xenkexec_load(3) for, then does the real load.
 * Appends to the file $XENKEXEC_RECORD one line per load:
 *   load TYPE NR ENTRY RC ERRNO
 * followed by one line per segment:
 *   seg BUF_SIZE DEST_MADDR DEST_SIZE
 * (all numbers in decimal).
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include <xenkexec.h>

typedef int load_fn(xenkexec_handle *, int, uint16_t, uint64_t,
    unsigned int, const struct xenkexec_segment *);

int
xenkexec_load(xenkexec_handle *xk, int type, uint16_t arch,
    uint64_t entry_maddr, unsigned int nr_segments,
    const struct xenkexec_segment *segments)
{
	load_fn *real = (load_fn *)dlsym(RTLD_NEXT, "xenkexec_load");
	const char *path = getenv("XENKEXEC_RECORD");
	unsigned int i;
	FILE *f;
	int rc, e;

	if (real == NULL) {
		errno = ENOSYS;
		return -1;
	}
	rc = real(xk, type, arch, entry_maddr, nr_segments, segments);
	e = errno;
	if (path != NULL && (f = fopen(path, "a")) != NULL) {
		fprintf(f, "load %d %u %llu %d %d\n", type, nr_segments,
		    (unsigned long long)entry_maddr, rc, rc < 0 ? e : 0);
		for (i = 0; segments != NULL && i < nr_segments; i++)
			fprintf(f, "seg %zu %llu %llu\n",
			    segments[i].buf_size,
			    (unsigned long long)segments[i].dest_maddr,
			    (unsigned long long)segments[i].dest_size);
		fclose(f);
	}
	errno = e;
	return rc;
}
