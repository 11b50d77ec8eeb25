/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * xenforeignmemory: map the memory and the resources (grant table, ioreq
 * server pages, ...) of other Xen domains into this process.
 * See xenforeignmemory(3).
 */
#ifndef XENFOREIGNMEMORY_H
#define XENFOREIGNMEMORY_H

#include <stddef.h>
#include <stdint.h>

#include <xenlibs_types.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Only a pointer is needed here; <xentoollog.h> defines it. */
struct xentoollog_logger;

typedef struct xenforeignmemory_handle xenforeignmemory_handle;
typedef struct xenforeignmemory_resource_handle
    xenforeignmemory_resource_handle;

xenforeignmemory_handle *xenforeignmemory_open(
    struct xentoollog_logger *logger, unsigned open_flags);
int xenforeignmemory_close(xenforeignmemory_handle *fmem);

/*
 * Map pages frames arr[] of domain dom, in order, at one local address.
 * With err == NULL the call maps every frame or nothing; otherwise
 * err[i] is 0 or a negated errno value per frame.  prot as for mmap(2).
 */
void *xenforeignmemory_map(xenforeignmemory_handle *fmem, uint32_t dom,
    int prot, size_t pages, const xen_pfn_t arr[], int err[]);
/* The same, with an mmap(2) address hint and extra mmap(2) flags. */
void *xenforeignmemory_map2(xenforeignmemory_handle *fmem, uint32_t dom,
    void *addr, int prot, int flags, size_t pages, const xen_pfn_t arr[],
    int err[]);
int xenforeignmemory_unmap(xenforeignmemory_handle *fmem, void *addr,
    size_t pages);

int xenforeignmemory_restrict(xenforeignmemory_handle *fmem, domid_t domid);

xenforeignmemory_resource_handle *xenforeignmemory_map_resource(
    xenforeignmemory_handle *fmem, domid_t domid, unsigned int type,
    unsigned int id, unsigned long frame, unsigned long nr_frames,
    void **paddr, int prot, int flags);
int xenforeignmemory_unmap_resource(xenforeignmemory_handle *fmem,
    xenforeignmemory_resource_handle *fres);
int xenforeignmemory_resource_size(xenforeignmemory_handle *fmem,
    domid_t domid, unsigned int type, unsigned int id, size_t *size);

#ifdef __cplusplus
}
#endif

#endif /* XENFOREIGNMEMORY_H */
