/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * xentoolcore: what concerns every open handle of every Xen library at
 * once.  See xentoolcore_restrict_all(3).
 */
#ifndef XENTOOLCORE_H
#define XENTOOLCORE_H

#include <xenlibs_types.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Restrict every open handle of the Xen libraries in this process to
 * operations on domain domid; handles that cannot be restricted are made
 * useless.  Returns 0, or -1 with errno set.
 */
int xentoolcore_restrict_all(domid_t domid);

#ifdef __cplusplus
}
#endif

#endif /* XENTOOLCORE_H */
