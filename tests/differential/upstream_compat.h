/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Force-included (-include) when the real-hypervisor test programs of the
 * libraries are built a second time against Debian's libxen-dev 4.17: what
 * the test sources take from xenlibs' headers and upstream's do not give.
 *   - Xen interface constants: upstream's headers show the tools-only parts
 *     of xen/hvm/dm_op.h only to __XEN_TOOLS__ users, as qemu builds them.
 *   - XTL_PRINTF_LIKE: a xenlibs header macro the test helpers use.
 *   - xenlibs-only functions (extensions in newer version nodes): declared
 *     here, defined in upstream_stubs.c to fail with ENOSYS.  Test cases
 *     that call them are excluded from the comparison by name
 *     (differential_test.sh).
 */
#ifndef XENLIBS_UPSTREAM_COMPAT_H
#define XENLIBS_UPSTREAM_COMPAT_H

#ifndef __XEN_TOOLS__
#define __XEN_TOOLS__ 1
#endif

#include <stdint.h>
#include <xen/xen.h>
#include <xen/sched.h>
#include <xen/hvm/dm_op.h>
#include <xen/hvm/hvm_op.h>
#include <xentoollog.h>
#include <xenevtchn.h>
#include <xendevicemodel.h>

#ifndef XTL_PRINTF_LIKE
#define XTL_PRINTF_LIKE(f, a)	__attribute__((__format__(__printf__, f, a)))
#endif

int xenevtchn_pending_many(xenevtchn_handle *xce, evtchn_port_t *ports,
    unsigned int max);
int xendevicemodel_populate_ram(xendevicemodel_handle *dmod, domid_t domid,
    uint32_t nr, const xen_pfn_t gfns[]);

#endif
