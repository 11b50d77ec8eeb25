/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Helpers shared by the xenlibs test programs (ATF C).  Header-only so
 * every test directory can use it without another library.
 */
#ifndef XENLIBS_TEST_H
#define XENLIBS_TEST_H

#include <atf-c.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* Number of open file descriptors of this process. */
static inline int
xt_fd_count(void)
{
	DIR *d;
	struct dirent *e;
	int n = 0;

	if ((d = opendir("/proc/self/fd")) == NULL) {
		/* Not Linux: probe every descriptor. */
		long max = sysconf(_SC_OPEN_MAX), fd;

		for (fd = 0; fd < (max > 0 ? max : 1024); fd++)
			if (fcntl((int)fd, F_GETFD) != -1)
				n++;
		return n;
	}
	while ((e = readdir(d)) != NULL)
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n - 1;	/* the directory's own descriptor */
}

/* Number of mappings of this process (Linux), or -1 where unknown. */
static inline int
xt_all_mapping_count(void)
{
	FILE *f;
	int c, n = 0;

	if ((f = fopen("/proc/self/maps", "r")) == NULL)
		return -1;
	while ((c = getc(f)) != EOF)
		n += c == '\n';
	fclose(f);
	return n;
}

/*
 * Number of this process's mappings of a Xen device (privcmd, gntdev,
 * gntalloc, the hypercall buffer device), or -1 where unknown: what a
 * leaked foreign, grant or buffer mapping grows, and nothing an
 * allocator maps (ASan's does, in the middle of a test case).
 */
static inline int
xt_mapping_count(void)
{
	FILE *f;
	char *line = NULL;
	size_t cap = 0;
	int n = 0;

	if ((f = fopen("/proc/self/maps", "r")) == NULL)
		return -1;
	while (getline(&line, &cap, f) != -1)
		if (strstr(line, "/dev/xen/") != NULL ||
		    strstr(line, "/proc/xen/") != NULL ||
		    strstr(line, "privcmd") != NULL ||
		    strstr(line, "gntdev") != NULL ||
		    strstr(line, "gntalloc") != NULL)
			n++;
	free(line);
	fclose(f);
	return n;
}

/*
 * The domid of a running guest of the given kind ("pv" or "pvh"), started
 * on demand by the xenlab harness inside dom0.  The domid is what
 * xenlab-guest prints on standard output; its standard error only explains
 * a failure.  Skips the test case when no guest can be had: that is the
 * test equipment's failure, not the library's.
 */
static inline int
xt_guest_domid(const char *kind)
{
	char cmd[160], out[64], why[256] = "";
	char errpath[] = "/tmp/xt_guest.XXXXXX";
	FILE *p, *e;
	int domid = -1, status, fd;
	size_t n;

	if ((fd = mkstemp(errpath)) == -1)
		atf_tc_skip("mkstemp: %s", strerror(errno));
	close(fd);
	snprintf(cmd, sizeof(cmd), "xenlab-guest %s 2>%s", kind, errpath);
	if ((p = popen(cmd, "r")) == NULL) {
		unlink(errpath);
		atf_tc_skip("cannot run xenlab-guest: %s", strerror(errno));
	}
	n = fread(out, 1, sizeof(out) - 1, p);
	out[n] = '\0';
	status = pclose(p);
	if ((e = fopen(errpath, "r")) != NULL) {
		n = fread(why, 1, sizeof(why) - 1, e);
		why[n] = '\0';
		fclose(e);
	}
	unlink(errpath);
	/* A skip reason is one line: fold the explanation onto it. */
	for (n = 0; why[n] != '\0'; n++)
		if (why[n] == '\n' || why[n] == '\r')
			why[n] = why[n + 1] == '\0' ? '\0' : ' ';
	if (status != 0 || sscanf(out, "%d", &domid) != 1)
		atf_tc_skip("no %s guest from the harness: %s", kind, why);
	return domid;
}

#endif /* XENLIBS_TEST_H */
