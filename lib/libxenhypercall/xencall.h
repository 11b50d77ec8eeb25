/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * xencall: make hypercalls from a program and allocate the memory their
 * pointer arguments refer to.  See xencall(3).
 *
 * The library makes no promise about the hypercalls themselves: each
 * follows Xen's own rules for its stability.
 */
#ifndef XENCALL_H
#define XENCALL_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct xentoollog_logger;

typedef struct xencall_handle xencall_handle;

/* Open flag: the caller never uses the handle from two threads at once. */
#define XENCALL_OPENFLAG_NON_REENTRANT	(1U << 0)

/*
 * Handles.  A NULL logger gets a stderr logger.  After fork(2) the child
 * may only pass an inherited handle to xencall_close().
 */
xencall_handle *xencall_open(struct xentoollog_logger *logger,
    unsigned open_flags);
int xencall_close(xencall_handle *xcall);
int xencall_fd(xencall_handle *xcall);

/*
 * Hypercall op with 0 to 5 arguments: its result, or -1 with errno set.
 * A failed hypercall is not logged; using a handle inherited across
 * fork(2) is (EBADF).
 */
int xencall0(xencall_handle *xcall, unsigned int op);
int xencall1(xencall_handle *xcall, unsigned int op, uint64_t arg1);
int xencall2(xencall_handle *xcall, unsigned int op, uint64_t arg1,
    uint64_t arg2);
int xencall3(xencall_handle *xcall, unsigned int op, uint64_t arg1,
    uint64_t arg2, uint64_t arg3);
int xencall4(xencall_handle *xcall, unsigned int op, uint64_t arg1,
    uint64_t arg2, uint64_t arg3, uint64_t arg4);
int xencall5(xencall_handle *xcall, unsigned int op, uint64_t arg1,
    uint64_t arg2, uint64_t arg3, uint64_t arg4, uint64_t arg5);

/* As xencall2(), with the result as a long. */
long xencall2L(xencall_handle *xcall, unsigned int op, uint64_t arg1,
    uint64_t arg2);

/*
 * Hypercall argument buffers: page-aligned, zero-filled memory the
 * hypervisor may read and write.
 */
void *xencall_alloc_buffer_pages(xencall_handle *xcall, size_t nr_pages);
void xencall_free_buffer_pages(xencall_handle *xcall, void *p,
    size_t nr_pages);
void *xencall_alloc_buffer(xencall_handle *xcall, size_t size);
void xencall_free_buffer(xencall_handle *xcall, void *p);

/* 1 if the hypervisor can never fault on these buffers, else 0. */
int xencall_buffers_never_fault(xencall_handle *xcall);

#ifdef __cplusplus
}
#endif

#endif /* XENCALL_H */
