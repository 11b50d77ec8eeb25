/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Stand-in for the kernel-internal <xen/interface/xen.h> that the
 * installed <xen/privcmd.h> includes: just the Xen types the ioctl
 * headers use, as the Linux kernel defines them on x86/arm.
 */

#ifndef ABI_VECTORS_SHIM_XEN_H
#define ABI_VECTORS_SHIM_XEN_H

#include <stdint.h>

typedef uint16_t	domid_t;
typedef uint32_t	grant_ref_t;
typedef unsigned long	xen_pfn_t;

#endif
