/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * xenevtchn: bind, signal and wait on Xen event channels from user space.
 * See xenevtchn(3).
 */
#ifndef XENEVTCHN_H
#define XENEVTCHN_H

#include <stdint.h>

#include <xenlibs_types.h>

#ifdef __cplusplus
extern "C" {
#endif

/* A local port (it fits in 31 bits), or -1 with errno set. */
typedef int xenevtchn_port_or_error_t;

typedef struct xenevtchn_handle xenevtchn_handle;

/* Only a pointer is needed here; <xentoollog.h> defines it. */
struct xentoollog_logger;

/* xenevtchn_open(): leave the device descriptor inheritable across exec. */
#define XENEVTCHN_NO_CLOEXEC	(1 << 0)

xenevtchn_handle *xenevtchn_open(struct xentoollog_logger *logger,
    unsigned int flags);
xenevtchn_handle *xenevtchn_fdopen(struct xentoollog_logger *logger,
    int fd, unsigned open_flags);
int xenevtchn_close(xenevtchn_handle *xce);
int xenevtchn_fd(xenevtchn_handle *xce);

int xenevtchn_notify(xenevtchn_handle *xce, evtchn_port_t port);
xenevtchn_port_or_error_t xenevtchn_bind_unbound_port(xenevtchn_handle *xce,
    uint32_t domid);
xenevtchn_port_or_error_t xenevtchn_bind_interdomain(xenevtchn_handle *xce,
    uint32_t domid, evtchn_port_t remote_port);
xenevtchn_port_or_error_t xenevtchn_bind_virq(xenevtchn_handle *xce,
    unsigned int virq);
int xenevtchn_unbind(xenevtchn_handle *xce, evtchn_port_t port);
xenevtchn_port_or_error_t xenevtchn_pending(xenevtchn_handle *xce);
int xenevtchn_unmask(xenevtchn_handle *xce, evtchn_port_t port);
int xenevtchn_restrict(xenevtchn_handle *xce, domid_t domid);

/*
 * xenlibs extension (VERS_1.3): take up to max pending ports in one system
 * call.  Returns how many were stored in ports[], 0 when none is pending
 * and the descriptor is non-blocking, or -1 with errno set.
 */
#define XENEVTCHN_HAVE_PENDING_MANY	1
int xenevtchn_pending_many(xenevtchn_handle *xce, evtchn_port_t *ports,
    unsigned int max);

#ifdef __cplusplus
}
#endif

#endif /* XENEVTCHN_H */
