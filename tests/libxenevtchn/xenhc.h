/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Test-only raw hypercalls from Linux dom0 (privcmd), for checking what
 * libxenevtchn did from the hypervisor's side: event channel status, a
 * port allocated in a guest, Xen debug keys.  Layouts from Xen's public
 * interface (event_channel.h, sysctl.h), written out here.
 */
#ifndef EVTCHN_XENHC_H
#define EVTCHN_XENHC_H

#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "xen_ioctl.h"		/* sys/linux */

#define HC_EVENT_CHANNEL_OP	32
#define HC_SYSCTL		35
#define EVTCHNOP_STATUS		5
#define EVTCHNOP_ALLOC_UNBOUND	6
#define EVTCHNSTAT_CLOSED	0
#define EVTCHNSTAT_UNBOUND	1
#define EVTCHNSTAT_INTERDOMAIN	2
#define EVTCHNSTAT_VIRQ		4
#define SYSCTL_DEBUG_KEYS	7
#define SYSCTL_IFACE_VERSION	0x15	/* 4.17 and 4.20 */
#define XT_VIRQ_CON_RING	8
#define XT_DOMID_SELF		0x7FF0

struct hc_evtchn_status {
	uint16_t	dom;
	uint32_t	port;
	uint32_t	status;
	uint32_t	vcpu;
	union {
		struct { uint16_t dom; } unbound;
		struct { uint16_t dom; uint32_t port; } interdomain;
		uint32_t virq;
	} u;
};

struct hc_alloc_unbound {
	uint16_t	dom, remote_dom;
	uint32_t	port;
};

struct hc_sysctl_debug_keys {
	uint32_t	cmd;
	uint32_t	interface_version;
	uint64_t	keys;		/* guest handle */
	uint32_t	nr_keys;
	uint8_t		pad[128 - 12];
};

/* One hypercall with its argument copied into a /dev/xen/hypercall page. */
static inline long
xt_hypercall(unsigned op, unsigned long cmd, void *arg, size_t len,
    const char *extra, size_t extralen)
{
	struct privcmd_hypercall hc;
	int pfd, bfd, saved;
	long rc;
	char *buf;

	if ((pfd = open(LINUX_PRIVCMD_PATH, O_RDWR | O_CLOEXEC)) == -1)
		return -1;
	if ((bfd = open(LINUX_HYPERCALL_PATH, O_RDWR | O_CLOEXEC)) == -1) {
		close(pfd);
		return -1;
	}
	buf = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, bfd, 0);
	if (buf == MAP_FAILED) {
		close(bfd);
		close(pfd);
		return -1;
	}
	memset(buf, 0, 4096);
	memcpy(buf, arg, len);
	if (extra != NULL) {
		memcpy(buf + 2048, extra, extralen);
		/* debug keys: the handle points into the same page */
		((struct hc_sysctl_debug_keys *)(void *)buf)->keys =
		    (uint64_t)(uintptr_t)(buf + 2048);
	}
	memset(&hc, 0, sizeof(hc));
	hc.op = op;
	hc.arg[0] = cmd;
	hc.arg[1] = (uint64_t)(uintptr_t)buf;
	if (op == HC_SYSCTL)
		hc.arg[0] = (uint64_t)(uintptr_t)buf;
	rc = ioctl(pfd, IOCTL_PRIVCMD_HYPERCALL, &hc);
	saved = errno;
	memcpy(arg, buf, len);
	munmap(buf, 4096);
	close(bfd);
	close(pfd);
	errno = saved;
	return rc;
}

/* Status of <dom, port> as Xen sees it; -1 with errno on failure. */
static inline int
xt_evtchn_status(uint16_t dom, uint32_t port, struct hc_evtchn_status *st)
{
	memset(st, 0, sizeof(*st));
	st->dom = dom;
	st->port = port;
	return (int)xt_hypercall(HC_EVENT_CHANNEL_OP, EVTCHNOP_STATUS, st,
	    sizeof(*st), NULL, 0);
}

/* A fresh port in domain dom awaiting remote_dom; -1 on failure. */
static inline long
xt_alloc_unbound(uint16_t dom, uint16_t remote_dom)
{
	struct hc_alloc_unbound a;

	memset(&a, 0, sizeof(a));
	a.dom = dom;
	a.remote_dom = remote_dom;
	if (xt_hypercall(HC_EVENT_CHANNEL_OP, EVTCHNOP_ALLOC_UNBOUND, &a,
	    sizeof(a), NULL, 0) < 0)
		return -1;
	return (long)a.port;
}

/* Press Xen debug keys (each prints to Xen's console ring). */
static inline int
xt_debug_keys(const char *keys)
{
	struct hc_sysctl_debug_keys s;

	memset(&s, 0, sizeof(s));
	s.cmd = SYSCTL_DEBUG_KEYS;
	s.interface_version = SYSCTL_IFACE_VERSION;
	s.nr_keys = (uint32_t)strlen(keys);
	return (int)xt_hypercall(HC_SYSCTL, 0, &s, sizeof(s), keys,
	    strlen(keys));
}

#endif /* EVTCHN_XENHC_H */
