/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * libxenevtchn internals: the handle, and the backend interface that each
 * sys/<os>/evtchn.c implements for one kernel.  Not installed.
 *
 * Every backend function works on the device descriptor alone, makes
 * system calls only through the wrapped set (open, close, ioctl, read,
 * write, ...), never logs, and reports failure as -1 with errno set; the
 * front end (xenevtchn_core.c) validates arguments and logs.
 */
#ifndef XENEVTCHN_PRIVATE_H
#define XENEVTCHN_PRIVATE_H

#include <stdint.h>

#include "xenevtchn.h"
#include "xentoolcore_internal.h"
#include "xentoollog.h"

/* Most ports one read() is asked for (the kernels cap it lower). */
#define XENEVTCHN_READ_MAX	4096U

struct xenevtchn_handle {
	Xentoolcore__Active_Handle	 tc_ah;		/* restrict_all hook */
	xentoollog_logger		*logger;
	xentoollog_logger		*logger_tofree;	/* ours, or NULL */
	int				 fd;
	int				 restricted_to;	/* domid, or -1 */
};

/* The device node, for messages. */
const char *xenevtchn_os_device(void);

/*
 * Open the device read/write, close-on-exec unless cloexec is 0, in
 * blocking mode.  Returns the descriptor.
 */
int xenevtchn_os_open(int cloexec);
int xenevtchn_os_close(int fd);

/* Bind a new local port to this descriptor; returns the port (>= 0). */
int xenevtchn_os_bind_unbound_port(int fd, domid_t domid);
int xenevtchn_os_bind_interdomain(int fd, domid_t domid,
    evtchn_port_t remote_port);
int xenevtchn_os_bind_virq(int fd, unsigned int virq);

/* 0 on success. */
int xenevtchn_os_unbind(int fd, evtchn_port_t port);
int xenevtchn_os_notify(int fd, evtchn_port_t port);
int xenevtchn_os_unmask(int fd, evtchn_port_t port);

/* 0, or -1 with EOPNOTSUPP where the kernel cannot restrict the device. */
int xenevtchn_os_restrict(int fd, domid_t domid);

/*
 * One read() of up to max (1 <= max <= XENEVTCHN_READ_MAX) pending ports:
 * returns how many were stored (>= 1); blocks unless the descriptor is
 * non-blocking, when it fails with EAGAIN.
 */
int xenevtchn_os_read_ports(int fd, evtchn_port_t *ports, unsigned int max);

#endif /* XENEVTCHN_PRIVATE_H */
