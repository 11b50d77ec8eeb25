/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Definitions every xenlibs library uses internally.  Never installed.
 */
#ifndef XENLIBS_CDEFS_H
#define XENLIBS_CDEFS_H

/*
 * Libraries build with -fvisibility=hidden: only functions marked here,
 * and named in the library's version map, are exported.
 */
#define XENLIBS_EXPORT	__attribute__((__visibility__("default")))

#define XENLIBS_NELEM(a)	(sizeof(a) / sizeof((a)[0]))

#endif
