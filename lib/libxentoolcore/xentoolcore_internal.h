/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * How the other Xen libraries register their handles with libxentoolcore.
 * Not installed: an interface between the libraries, not for applications.
 *
 * The layout of struct xentoolcore__active_handle is binary interface:
 * libraries built against Xen's own libxentoolcore (libxenctrl, for one)
 * pass it to ours.  It is a restrict callback followed by a BSD LIST_ENTRY
 * (next pointer, pointer to the previous next pointer), which the registry
 * owns while the handle is registered.
 */
#ifndef XENTOOLCORE_INTERNAL_H
#define XENTOOLCORE_INTERNAL_H

#include <xentoolcore.h>

typedef struct xentoolcore__active_handle Xentoolcore__Active_Handle;

/*
 * Restrict one handle to domid; 0, or -1 with errno set.  Called by
 * xentoolcore_restrict_all() under the registry's lock, with a domid below
 * DOMID_FIRST_RESERVED.  A callback that cannot restrict its handle should
 * neutralise it (xentoolcore__restrict_by_dup2_null()), log which handle
 * it was, and return -1: the walk goes on with the other handles.  It
 * must not open, close or register handles of the Xen libraries.
 */
typedef int Xentoolcore__Restrict_Callback(Xentoolcore__Active_Handle *ah,
    domid_t domid);

struct xentoolcore__active_handle {
	Xentoolcore__Restrict_Callback	*restrict_callback;
	struct {
		struct xentoolcore__active_handle	*next;
		struct xentoolcore__active_handle	**prevp;
	} entry;	/* the registry's */
};

/* Callers embed the struct in their handle and set restrict_callback. */
void xentoolcore__register_active_handle(Xentoolcore__Active_Handle *ah);
void xentoolcore__deregister_active_handle(Xentoolcore__Active_Handle *ah);

/*
 * A restrict callback for handles whose device cannot be restricted:
 * replace fd by /dev/null (keeping its close-on-exec flag), so that every
 * later operation on the handle fails.  Meant for restrict callbacks:
 * there it uses the /dev/null descriptor xentoolcore_restrict_all()
 * opened beforehand, so it cannot fail for want of a descriptor.
 */
int xentoolcore__restrict_by_dup2_null(int fd);

#endif /* XENTOOLCORE_INTERNAL_H */
