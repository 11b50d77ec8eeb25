/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Helper for evtchn_xen_test:fdopen_inherited, exec'd with an inherited
 * evtchn descriptor: "evtchn_child FD PORT" rebuilds a handle with
 * xenevtchn_fdopen(), notifies PORT through it and closes it.
 * Exits 0 on success.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xenevtchn.h>

int
main(int argc, char **argv)
{
	xenevtchn_handle *x;
	int fd;

	if (argc != 3)
		return 2;
	fd = atoi(argv[1]);
	/* The flag belongs to xenevtchn_open() only. */
	if (xenevtchn_fdopen(NULL, fd, XENEVTCHN_NO_CLOEXEC) != NULL ||
	    errno != EINVAL) {
		fprintf(stderr, "fdopen accepted NO_CLOEXEC\n");
		return 3;
	}
	if ((x = xenevtchn_fdopen(NULL, fd, 0)) == NULL) {
		fprintf(stderr, "fdopen: %s\n", strerror(errno));
		return 4;
	}
	if (xenevtchn_fd(x) != fd)
		return 5;
	if (xenevtchn_notify(x, (evtchn_port_t)atoi(argv[2])) != 0) {
		fprintf(stderr, "notify: %s\n", strerror(errno));
		return 6;
	}
	if (xenevtchn_close(x) != 0 || fcntl(fd, F_GETFD) != -1)
		return 7;
	return 0;
}
