/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The part of Xen's public hypercall interface (x86_64) the simulated
 * hypervisor decodes.  Our own definitions of published numbers and
 * layouts; t_xenabi checks them against Xen's headers when installed.
 * Prefixed xe_/XE_ so they never clash with <xen/...> in a test.
 */

#ifndef XENEMU_XEN_H
#define XENEMU_XEN_H

#include <stdint.h>

#define XE_PAGE_SIZE		4096UL
#define XE_DOMID_SELF		0x7ff0U
#define XE_DOMID_FIRST_RESERVED	0x7ff0U
#define XE_DOMID_INVALID	0x7ff4U
#define XE_NR_VIRQS		24U

/* Hypercall numbers. */
#define XE_HC_memory_op		12
#define XE_HC_xen_version	17
#define XE_HC_grant_table_op	20
#define XE_HC_event_channel_op	32
#define XE_HC_hvm_op		34
#define XE_HC_sysctl		35
#define XE_HC_domctl		36
#define XE_HC_kexec_op		37
#define XE_HC_dm_op		41

/* xen_version sub-ops and their buffers. */
#define XE_XENVER_version		0
#define XE_XENVER_extraversion		1
#define XE_XENVER_capabilities		3
#define XE_XENVER_changeset		4
#define XE_XENVER_platform_parameters	5
#define XE_XENVER_get_features		6
#define XE_XENVER_pagesize		7
#define XE_XENVER_commandline		9
#define XE_XENVER_EXTRAVERSION_LEN	16
#define XE_XENVER_CAPABILITIES_LEN	1024
#define XE_XENVER_CHANGESET_LEN		64
#define XE_XENVER_COMMANDLINE_LEN	1024

struct xe_feature_info {
	uint32_t	submap_idx;
	uint32_t	submap;
};

/* memory_op. */
#define XE_MEMOP_CMD_MASK		0x3f
#define XE_XENMEM_maximum_ram_page	2
#define XE_XENMEM_current_reservation	3
#define XE_XENMEM_maximum_reservation	4
#define XE_XENMEM_memory_map		9
#define XE_XENMEM_machine_memory_map	10
#define XE_XENMEM_acquire_resource	28

#define XE_XENMEM_resource_ioreq_server	0
#define XE_XENMEM_resource_grant_table	1
#define XE_XENMEM_resource_grant_table_id_shared 0
#define XE_XENMEM_resource_grant_table_id_status 1

struct xe_memory_map {
	uint32_t	nr_entries;
	uint32_t	pad;
	uint64_t	buffer;		/* guest handle */
};

struct xe_e820entry {
	uint64_t	addr;
	uint64_t	size;
	uint32_t	type;
} __attribute__((packed));

/* sysctl. */
#define XE_SYSCTL_INTERFACE_VERSION	0x00000015U
#define XE_SYSCTL_physinfo		3

struct xe_sysctl_physinfo {
	uint32_t	threads_per_core;
	uint32_t	cores_per_socket;
	uint32_t	nr_cpus;
	uint32_t	max_cpu_id;
	uint32_t	nr_nodes;
	uint32_t	max_node_id;
	uint32_t	cpu_khz;
	uint32_t	capabilities;
	uint32_t	arch_capabilities;
	uint32_t	pad;
	uint64_t	total_pages;
	uint64_t	free_pages;
	uint64_t	scrub_pages;
	uint64_t	outstanding_pages;
	uint64_t	max_mfn;
	uint32_t	hw_cap[8];
};

struct xe_sysctl {
	uint32_t	cmd;
	uint32_t	interface_version;
	union {
		struct xe_sysctl_physinfo physinfo;
		uint8_t		pad[128];
	} u;
};

/* kexec_op. */
#define XE_KEXEC_CMD_kexec		0
#define XE_KEXEC_CMD_kexec_get_range	3
#define XE_KEXEC_CMD_kexec_load		4
#define XE_KEXEC_CMD_kexec_unload	5
#define XE_KEXEC_CMD_kexec_status	6
#define XE_KEXEC_TYPE_DEFAULT		0
#define XE_KEXEC_TYPE_CRASH		1
#define XE_KEXEC_RANGE_MA_CRASH		0
#define XE_KEXEC_RANGE_MA_XEN		1
#define XE_KEXEC_RANGE_MA_CPU		2
#define XE_KEXEC_RANGE_MA_XENHEAP	3
#define XE_KEXEC_RANGE_MA_BOOT_PARAM	4
#define XE_KEXEC_RANGE_MA_EFI_MEMMAP	5
#define XE_KEXEC_RANGE_MA_VMCOREINFO	6
#define XE_KEXEC_SEGMENT_MAX		16
#define XE_EM_386			3
#define XE_EM_X86_64			62

struct xe_kexec_exec {
	int32_t		type;
};

struct xe_kexec_range {
	int32_t		range;
	int32_t		nr;
	uint64_t	size;		/* unsigned long */
	uint64_t	start;		/* unsigned long */
};

struct xe_kexec_segment {
	uint64_t	buf;		/* guest handle */
	uint64_t	buf_size;
	uint64_t	dest_maddr;
	uint64_t	dest_size;
};

struct xe_kexec_load {
	uint8_t		type;
	uint8_t		pad;
	uint16_t	arch;
	uint32_t	nr_segments;
	uint64_t	segments;	/* guest handle */
	uint64_t	entry_maddr;
};

struct xe_kexec_unload {
	uint8_t		type;
};

/* dm_op. */
#define XE_DMOP_create_ioreq_server		1
#define XE_DMOP_get_ioreq_server_info		2
#define XE_DMOP_map_io_range_to_ioreq_server	3
#define XE_DMOP_unmap_io_range_from_ioreq_server 4
#define XE_DMOP_set_ioreq_server_state		5
#define XE_DMOP_destroy_ioreq_server		6
#define XE_DMOP_track_dirty_vram		7
#define XE_DMOP_set_pci_intx_level		8
#define XE_DMOP_set_isa_irq_level		9
#define XE_DMOP_set_pci_link_route		10
#define XE_DMOP_modified_memory			11
#define XE_DMOP_set_mem_type			12
#define XE_DMOP_inject_event			13
#define XE_DMOP_inject_msi			14
#define XE_DMOP_map_mem_type_to_ioreq_server	15
#define XE_DMOP_remote_shutdown			16
#define XE_DMOP_relocate_memory			17
#define XE_DMOP_pin_memory_cacheattr		18
#define XE_DMOP_nr_vcpus			20
#define XE_DMOP_no_gfns				1U

struct xe_dm_op_buf {
	uint64_t	h;		/* guest handle */
	uint64_t	size;		/* xen_ulong_t */
};

struct xe_dm_op_create_ioreq_server {
	uint8_t		handle_bufioreq;
	uint8_t		pad[3];
	uint16_t	id;		/* out */
};

struct xe_dm_op_get_ioreq_server_info {
	uint16_t	id;
	uint16_t	flags;
	uint32_t	bufioreq_port;	/* out */
	uint64_t	ioreq_gfn;	/* out */
	uint64_t	bufioreq_gfn;	/* out */
};

struct xe_dm_op_ioreq_server_id {
	uint16_t	id;
};

struct xe_dm_op_nr_vcpus {
	uint32_t	vcpus;		/* out */
};

struct xe_dm_op {
	uint32_t	op;
	uint32_t	pad;
	union {
		struct xe_dm_op_create_ioreq_server	create_ioreq_server;
		struct xe_dm_op_get_ioreq_server_info	get_ioreq_server_info;
		struct xe_dm_op_ioreq_server_id		ioreq_server;
		struct xe_dm_op_nr_vcpus		nr_vcpus;
		uint8_t		raw[24];
	} u;
};

/* event_channel_op. */
#define XE_EVTCHNOP_close		3
#define XE_EVTCHNOP_send		4
#define XE_EVTCHNOP_status		5
#define XE_EVTCHNOP_alloc_unbound	6

struct xe_evtchn_alloc_unbound {
	uint16_t	dom;
	uint16_t	remote_dom;
	uint32_t	port;		/* out */
};

struct xe_evtchn_port_arg {
	uint32_t	port;		/* send, close */
};

#define XE_EVTCHNSTAT_closed		0
#define XE_EVTCHNSTAT_unbound		1
#define XE_EVTCHNSTAT_interdomain	2
#define XE_EVTCHNSTAT_virq		4

struct xe_evtchn_status {
	uint16_t	dom;
	uint16_t	pad;
	uint32_t	port;
	uint32_t	status;		/* out */
	uint32_t	vcpu;		/* out */
	union {
		struct { uint16_t dom; } unbound;
		struct { uint16_t dom; uint16_t pad; uint32_t port; } interdomain;
		uint32_t virq;
	} u;
};

/* Grant tables. */
#define XE_GTF_permit_access	1U
#define XE_GTF_readonly		4U
#define XE_GNTCOPY_source_gref	1U
#define XE_GNTCOPY_dest_gref	2U
#define XE_GNTST_okay			0
#define XE_GNTST_general_error		(-1)
#define XE_GNTST_bad_domain		(-2)
#define XE_GNTST_bad_gntref		(-3)
#define XE_GNTST_permission_denied	(-8)
#define XE_GNTST_bad_page		(-9)
#define XE_GNTST_bad_copy_arg		(-10)
#define XE_GNTST_eagain			(-12)

struct xe_grant_entry_v1 {
	uint16_t	flags;
	uint16_t	domid;
	uint32_t	frame;
};

#endif /* !XENEMU_XEN_H */
