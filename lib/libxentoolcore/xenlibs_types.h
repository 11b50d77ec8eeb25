/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The few Xen interface types the xenlibs headers use, so that those
 * headers stand alone.  Each is defined exactly as Xen's public headers
 * define it, and only when the Xen header that owns it has not been
 * included first; including Xen's headers afterwards repeats an identical
 * typedef, which C11 and C++ accept (C99 compilers warn under -pedantic).
 */
#ifndef XENLIBS_TYPES_H
#define XENLIBS_TYPES_H

#include <stdint.h>

#ifndef __XEN_PUBLIC_XEN_H__
typedef uint16_t domid_t;
#endif

#ifndef __XEN_PUBLIC_ARCH_X86_XEN_H__
#ifndef __XEN_PUBLIC_ARCH_ARM_H__
typedef unsigned long xen_pfn_t;
#endif
#endif

#ifndef __XEN_PUBLIC_EVENT_CHANNEL_H__
typedef uint32_t evtchn_port_t;
#endif

#ifndef __XEN_PUBLIC_GRANT_TABLE_H__
typedef uint32_t grant_ref_t;
#endif

/* Special domain identifiers. */
#ifndef DOMID_FIRST_RESERVED
#define DOMID_FIRST_RESERVED	0x7FF0U
#define DOMID_SELF		0x7FF0U
#define DOMID_IO		0x7FF1U
#define DOMID_XEN		0x7FF2U
#define DOMID_COW		0x7FF3U
#define DOMID_INVALID		0x7FF4U
#define DOMID_IDLE		0x7FFFU
#endif

#endif /* XENLIBS_TYPES_H */
