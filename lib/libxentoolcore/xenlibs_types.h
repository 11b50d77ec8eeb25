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

#if !defined(__XEN_PUBLIC_ARCH_X86_XEN_H__) && !defined(__XEN_PUBLIC_ARCH_ARM_H__)
#if defined(__arm__) || defined(__aarch64__)
typedef uint64_t xen_pfn_t;		/* Xen's arch-arm.h: 64 bits on both */
#else
typedef unsigned long xen_pfn_t;	/* Xen's arch-x86/xen.h */
#endif
#endif

#ifndef __XEN_PUBLIC_EVENT_CHANNEL_H__
typedef uint32_t evtchn_port_t;
#endif

#ifndef __XEN_PUBLIC_GRANT_TABLE_H__
typedef uint32_t grant_ref_t;
#endif

/*
 * Special domain identifiers, spelled token for token as xen/xen.h spells
 * them (through its xen_mk_uint), so that a program including Xen's
 * header after ours sees identical redefinitions and no warning.
 */
#ifndef DOMID_FIRST_RESERVED
#ifndef xen_mk_uint
#define __xen_mk_uint(x)  x ## U
#define xen_mk_uint(x)    __xen_mk_uint(x)
#endif
#define DOMID_FIRST_RESERVED xen_mk_uint(0x7FF0)
#define DOMID_SELF           xen_mk_uint(0x7FF0)
#define DOMID_IO             xen_mk_uint(0x7FF1)
#define DOMID_XEN            xen_mk_uint(0x7FF2)
#define DOMID_COW            xen_mk_uint(0x7FF3)
#define DOMID_INVALID        xen_mk_uint(0x7FF4)
#define DOMID_IDLE           xen_mk_uint(0x7FFF)
#endif

#endif /* XENLIBS_TYPES_H */
