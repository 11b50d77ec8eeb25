/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * xenkexec: load, unload and execute kexec images in the Xen hypervisor,
 * and read the facts a kexec loader needs from Xen (machine memory map,
 * CPU count, Xen version).  A stable replacement for the xc_kexec_* calls
 * of libxenctrl.  See xenkexec(3).
 */
#ifndef XENKEXEC_H
#define XENKEXEC_H

#include <stddef.h>
#include <stdint.h>

#include <xentoollog.h>

#ifdef __cplusplus
extern "C" {
#endif

/* An open connection to the hypervisor's kexec interface. */
typedef struct xenkexec_handle xenkexec_handle;

/* Image types (Xen's KEXEC_TYPE_*). */
#define XENKEXEC_TYPE_DEFAULT		0
#define XENKEXEC_TYPE_CRASH		1

/* Range types for xenkexec_get_range() (Xen's KEXEC_RANGE_MA_*). */
#define XENKEXEC_RANGE_MA_CRASH		0
#define XENKEXEC_RANGE_MA_XEN		1
#define XENKEXEC_RANGE_MA_CPU		2
#define XENKEXEC_RANGE_MA_XENHEAP	3
#define XENKEXEC_RANGE_MA_BOOT_PARAM	4
#define XENKEXEC_RANGE_MA_EFI_MEMMAP	5
#define XENKEXEC_RANGE_MA_VMCOREINFO	6

/* The most segments one image may have (Xen's limit). */
#define XENKEXEC_MAX_SEGMENTS		15

/* Machine memory map entry types (the e820 types). */
#define XENKEXEC_E820_RAM		1
#define XENKEXEC_E820_RESERVED		2
#define XENKEXEC_E820_ACPI		3
#define XENKEXEC_E820_NVS		4
#define XENKEXEC_E820_UNUSABLE		5

/*
 * One segment of an image: buf_size bytes at buf are copied to machine
 * address dest_maddr; the rest of the dest_size bytes there are zeroed.
 * dest_maddr and dest_size are multiples of the page size (4096).
 */
struct xenkexec_segment {
	const void	*buf;
	size_t		 buf_size;
	uint64_t	 dest_maddr;
	uint64_t	 dest_size;
};

/* One entry of the machine memory map. */
struct xenkexec_memory_entry {
	uint64_t	addr;
	uint64_t	size;
	uint32_t	type;		/* XENKEXEC_E820_* or another e820 type */
	uint32_t	reserved;	/* zero */
};

xenkexec_handle *xenkexec_open(xentoollog_logger *logger,
    unsigned int open_flags);
int xenkexec_close(xenkexec_handle *xk);

int xenkexec_load(xenkexec_handle *xk, int type, uint16_t arch,
    uint64_t entry_maddr, unsigned int nr_segments,
    const struct xenkexec_segment *segments);
int xenkexec_unload(xenkexec_handle *xk, int type);
int xenkexec_status(xenkexec_handle *xk, int type);
int xenkexec_exec(xenkexec_handle *xk, int type);
int xenkexec_get_range(xenkexec_handle *xk, int range, int nr,
    uint64_t *start, uint64_t *size);

int xenkexec_get_memory_map(xenkexec_handle *xk,
    struct xenkexec_memory_entry *entries, unsigned int max_entries);
int xenkexec_get_max_cpus(xenkexec_handle *xk);
int xenkexec_get_version(xenkexec_handle *xk, unsigned int *major,
    unsigned int *minor);

#ifdef __cplusplus
}
#endif

#endif /* XENKEXEC_H */
