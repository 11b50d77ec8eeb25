/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * xenemu internals: the simulated hypervisor (sim.c), the system-call
 * wrappers and bookkeeping (wrap.c) and the three kernel dialects
 * (dialect_<os>.c).  Everything here runs under xe_lock.
 */

#ifndef XENEMU_IMPL_H
#define XENEMU_IMPL_H

#include <sys/types.h>

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "xenemu.h"
#include "xenemu_xen.h"

/* The real system calls (with --wrap, `open' etc. here mean ours). */
int	__real_open(const char *, int, ...);
int	__real_close(int);
int	__real_ioctl(int, unsigned long, ...);
void	*__real_mmap(void *, size_t, int, int, int, off_t);
int	__real_munmap(void *, size_t);
ssize_t	__real_read(int, void *, size_t);
ssize_t	__real_write(int, const void *, size_t);
int	__real_dup2(int, int);
int	__real_fcntl(int, int, ...);
struct pollfd;
int	__real_poll(struct pollfd *, unsigned long, int);
int	__real_madvise(void *, size_t, int);
int	__real_mlock(const void *, size_t);
int	__real_munlock(const void *, size_t);

/* Ours. */
int	__wrap_open(const char *, int, ...);
int	__wrap_close(int);
int	__wrap_ioctl(int, unsigned long, ...);
void	*__wrap_mmap(void *, size_t, int, int, int, off_t);
int	__wrap_munmap(void *, size_t);
ssize_t	__wrap_read(int, void *, size_t);
ssize_t	__wrap_write(int, const void *, size_t);
int	__wrap_dup2(int, int);
int	__wrap_fcntl(int, int, ...);
long	__wrap_syscall(long, ...);
int	__wrap_poll(struct pollfd *, unsigned long, int);
int	__wrap_madvise(void *, size_t, int);
int	__wrap_mlock(const void *, size_t);
int	__wrap_munlock(const void *, size_t);

#define XE_PG		4096UL
#define XE_MAX_FRAMES	16384U		/* 64 MiB memfd */
#define XE_MAX_DOMS	16
#define XE_NPORTS	1024U		/* per domain; port 0 unused */
#define XE_NGRANTS	1024U		/* two v1 grant-table frames */
#define XE_GNTTAB_FRAMES 2U
#define XE_RING		2048U		/* room for ports per evtchn fd */
#define XE_MAX_IOREQ	8

extern pthread_mutex_t xe_lock;

enum xe_kind {
	XK_PRIVCMD = 1,
	XK_HYPERCALL,
	XK_EVTCHN,
	XK_GNTDEV,
	XK_GNTALLOC,
	XK_DMABUF		/* Linux: a dma-buf exported by gntdev */
};

struct xe_devpath {
	const char	*path;
	enum xe_kind	 kind;
	int		 present;	/* default */
};

struct xe_gmap;

/* One open instance of an emulated device (shared by dup()ed fds). */
struct xe_file {
	struct xe_file	*next;
	int		 refs;		/* fd numbers naming it */
	enum xe_kind	 kind;
	const char	*path;
	int		 oflags;
	int		 wpipe;		/* evtchn: write end of the pipe */
	uint32_t	 ring[XE_RING];
	unsigned int	 prod, cons;
	int		 overflow;
	int		 signalled;	/* a byte sits in the pipe */
	uint16_t	 restrict_dom;	/* XE_DOMID_INVALID: none */
	uint64_t	 next_index;	/* gntdev/gntalloc offset space */
	struct xe_gmap	*dmabuf;	/* XK_DMABUF: the exported map */
	dev_t		 st_dev;	/* identity of the real object */
	ino_t		 st_ino;
	/* FreeBSD evtchn: what left bind_mutex held, or "". */
	char		 bind_mutex_held[80];
};

/* Grant maps (foreign) and shares (local allocations). */
struct xe_gmap {
	struct xe_gmap	*next;
	struct xe_file	*owner;		/* NULL once released by ioctl/close */
	int		 alloc;		/* 1: our pages shared with grantee */
	uint64_t	 index;		/* byte offset in the owner's space */
	unsigned int	 count;
	uint16_t	*dom;		/* foreign: granter; alloc: grantee */
	uint32_t	*ref;
	uint32_t	*mfn;		/* alloc: our frames */
	int		 readonly;	/* alloc: shared read-only */
	unsigned int	 mapped;	/* live mmaps */
	int		 held;		/* foreign grants currently mapped */
	int		 ever_mapped;
	uint32_t	 n_action;
	uint64_t	 n_off;		/* byte offset within the range */
	uint32_t	 n_port;
	/* Linux dma-buf: export (exp_owner, exp_fd) or import (imp_fd). */
	struct xe_file	*exp_owner;
	int		 exp_fd;
	int		 imp_fd;
	int		 borrowed;	/* alloc whose frames are src's */
	struct xe_gmap	*src;
};

enum xe_mkind { XM_PRIVCMD = 1, XM_HCALL, XM_GNT, XM_FOREIGN };

/* A live emulated mapping in the process. */
struct xe_map {
	struct xe_map	*next;
	enum xe_mkind	 kind;
	uintptr_t	 start;
	unsigned int	 npages;
	unsigned int	 live;
	uint8_t		*page_live;
	uint8_t		*page_set;	/* privcmd: frame mapped here */
	int		 prot;
	int		 batched;
	struct xe_gmap	*gmap;
};

/*
 * A dialect's ioctl result that makes the caller see errno == -e: what a
 * FreeBSD driver returning a negated errno (-EINVAL) produces, since that
 * kernel hands a driver's error to userland unchanged.
 */
#define XE_NEGATIVE_ERRNO_BASE	(1L << 24)
#define XE_NEGATIVE_ERRNO(e)	(-(XE_NEGATIVE_ERRNO_BASE + (long)(e)))
/*
 * A result that makes the caller see errno == e for any int e, positive
 * or not (NetBSD hands a driver's raw value to userland as errno).
 */
#define XE_RAW_ERRNO_BASE	(1L << 40)
#define XE_RAW_ERRNO(e)		(-(XE_RAW_ERRNO_BASE + (long)(uint32_t)(e)))

/* Dialect: decodes one kernel's requests. */
struct xe_dialect {
	enum xenemu_dialect	 id;
	const char		*name;
	const struct xe_devpath	*devs;
	/* result >= 0, or -errno, or XE_NEGATIVE_ERRNO(errno) */
	long	(*ioctl)(struct xe_file *, int fd, unsigned long, void *);
	const char *(*ioctl_name)(enum xe_kind, unsigned long);
	int	evtchn_write_u16;	/* NetBSD: write() takes 16-bit ports */
	int	gnt_unmap_needs_ioctl;	/* FreeBSD: grants go with the object */
	int	gnt_event_at_free;	/* Linux: the event waits for the map's end */
	int	gnt_revoke_panics;	/* NetBSD: revoking a mapped grant panics */
	unsigned int evtchn_ring_cap;	/* ports an evtchn fd queues; 0: 1024 */
	int	evtchn_read_uncapped;	/* NetBSD: a read is not cut to a page */
	int	gnt_notify_event_first;	/* NetBSD: event, then the byte */
};

extern const struct xe_dialect xe_linux, xe_freebsd, xe_netbsd;
extern const struct xe_dialect *xe_cur;

/* wrap.c: bookkeeping. */
struct xe_map	*xe_map_new(enum xe_mkind, void *, size_t, int);
struct xe_map	*xe_map_find(uintptr_t, size_t);
void	 xe_unmap_tracking(uintptr_t, size_t);
int	 xe_map_frame(void *va, uint32_t mfn, int prot);
int	 xe_map_none(void *va, size_t len);
int	 xe_fault(const char *kind, const char *detail);
/* A call the real kernel would never return from: report it and abort. */
void	 xe_kernel_hang(struct xe_file *, const char *what, const char *why);
/* The real kernel would panic here: report it and abort. */
void	 xe_kernel_panic(const char *msg);
/* fail_op only (the ioctl carrying it was counted already). */
int	 xe_fault_op(const char *kind, const char *d1, const char *d2);
int	 xe_batch_fault(unsigned int index);
int	 xe_eagain_take(void);
int	 xe_is_locked_mem(const void *, size_t);
struct xe_gmap	*xe_gmap_new(struct xe_file *, int alloc, unsigned int count);
struct xe_gmap	*xe_gmap_find(struct xe_file *, uint64_t index, unsigned int n);
struct xe_gmap	*xe_gmap_find_off(struct xe_file *, uint64_t byteoff);
void	 xe_gmap_release(struct xe_gmap *);
void	 xe_gmap_check(struct xe_gmap *);
int	 xe_gmap_hold(struct xe_gmap *, int prot);
int	 xe_gmap_map_foreign(struct xe_gmap *, void *va, int prot);
long	 xe_dmabuf_export(struct xe_file *, struct xe_gmap *, int *fd);
struct xe_file	*xe_file_of(int fd);
struct xe_gmap	*xe_gmap_find_dmabuf(struct xe_file *, int fd, int exp);
void	 xe_gmap_set_notify(struct xe_gmap *, uint64_t, uint32_t, uint32_t);
struct xe_map	*xe_gmap_mapping(struct xe_gmap *);
void	*xe_mmap_file(struct xe_file *, void *, size_t, int, int, off_t,
	    int *);
int	 xe_privcmd_range(uintptr_t, unsigned int, struct xe_map **);
void	 xe_trace_buf(const void *, size_t);

/* Generic evtchn device operations (sim-backed); -errno on failure. */
long	 xe_ev_bind_virq(struct xe_file *, uint32_t virq);
long	 xe_ev_bind_interdomain(struct xe_file *, uint32_t dom, uint32_t port);
long	 xe_ev_bind_unbound(struct xe_file *, uint32_t dom);
long	 xe_ev_unbind(struct xe_file *, uint32_t port);
long	 xe_ev_notify(struct xe_file *, uint32_t port);
long	 xe_ev_reset(struct xe_file *, int fd);
long	 xe_ev_restrict(struct xe_file *, uint32_t dom);

/* privcmd-level operations shared by the dialects. */
long	 xe_pc_hypercall(struct xe_file *, const uint64_t op_args[6]);
long	 xe_pc_mmapbatch(struct xe_file *, uint16_t dom, uint64_t addr,
	    unsigned int num, uint64_t *arr_v1, const uint64_t *arr, int *err,
	    int exact_only, int anon_va);
long	 xe_pc_mmap_resource(struct xe_file *, uint16_t dom, uint32_t type,
	    uint32_t id, uint32_t idx, uint64_t *num, uint64_t addr,
	    int anon_va);
long	 xe_pc_dm_op(struct xe_file *, uint16_t dom, unsigned int nbufs,
	    void *const *ptr, const size_t *size);
long	 xe_pc_restrict(struct xe_file *, uint16_t dom);
/* Grant copy: one segment; returns a GNTST_* status. */
int	 xe_gnt_copy_seg(void *src_virt, uint32_t src_ref, uint16_t src_dom,
	    uint16_t src_off, int src_foreign, void *dst_virt, uint32_t dst_ref,
	    uint16_t dst_dom, uint16_t dst_off, int dst_foreign, uint16_t len);
/* Local shares (gntalloc & co): -errno or 0; fills refs. */
long	 xe_gnt_share(struct xe_gmap *, uint16_t dom, int writable,
	    uint32_t *refs_out);

/* sim.c */
struct xe_port {
	int		state;
	uint16_t	rdom;
	uint32_t	rport;
	uint32_t	virq;
	int		pending;
	int		masked;
	struct xe_file	*owner;		/* dom0 ports bound through a device */
};

struct xe_grant {
	int		active;
	uint16_t	grantee;
	uint32_t	mfn;
	uint64_t	gfn;
	int		readonly;
	unsigned int	maps;
};

struct xe_ioreq {
	int		active;
	int		state;
	uint32_t	mfn[2];
};

#define XE_NALIAS	4

struct xe_dom {
	int		exists;
	unsigned int	nframes;
	uint32_t	*mfn;
	uint8_t		*fstate;
	struct xe_port	ports[XE_NPORTS];
	struct xe_grant	grants[XE_NGRANTS];
	uint32_t	gnttab_mfn[XE_GNTTAB_FRAMES];
	struct xe_ioreq	ioreq[XE_MAX_IOREQ];
	unsigned int	nr_vcpus;
	/* xenemu_gfn_alias: frames above nframes, each another's alias. */
	uint64_t	alias_gfn[XE_NALIAS], alias_to[XE_NALIAS];
	unsigned int	nalias;
};

struct xe_sim {
	int		memfd;
	uint8_t		*mem;
	uint8_t		frame_used[XE_MAX_FRAMES];
	struct xe_dom	dom[XE_MAX_DOMS];
	uint32_t	version;
	char		extraversion[16];
	uint32_t	sysctl_version;
	unsigned int	nr_cpus;
	uint64_t	max_ram_page;
	unsigned int	release;	/* xenemu_kernel_release(); 0 newest */
	uint64_t	crash_start, crash_size;
	int		kexec_loaded[2];
	struct xenemu_hypercall	last_hc;
	unsigned long	nhc;
	struct xenemu_dm_op	last_dm;
	unsigned long	ndm;
	struct xenemu_kexec_op	last_kx;
	unsigned int	cur_bufs, cur_unlocked;
};

extern struct xe_sim xe_sim;

int	 xe_sim_init(void);
void	 xe_sim_fini(void);
struct xe_dom	*xe_dom_get(uint32_t domid);	/* DOMID_SELF -> 0 */
int	 xe_frame_alloc(uint32_t *mfn);
void	 xe_frame_free(uint32_t mfn);
void	*xe_mfn_ptr(uint32_t mfn);
/* gfn of dom -> mfn; 0 or -errno as a foreign map would report it. */
int	 xe_gfn_lookup(uint16_t dom, uint64_t gfn, uint32_t *mfn);
struct xe_grant	*xe_grant_get(uint16_t dom, uint32_t ref);
long	 xe_grant_new(uint16_t granter, uint16_t grantee, uint32_t mfn,
	    uint64_t gfn, int readonly);
void	 xe_grant_end(uint16_t granter, uint32_t ref);

long	 xe_evt_alloc_unbound(uint16_t dom, uint16_t remote);
long	 xe_evt_bind_interdomain(uint16_t dom, uint16_t rdom, uint32_t rport);
long	 xe_evt_bind_virq(uint16_t dom, uint32_t virq);
long	 xe_evt_close(uint16_t dom, uint32_t port);
long	 xe_evt_send(uint16_t dom, uint32_t port);
void	 xe_evt_unmask(uint16_t dom, uint32_t port);
void	 xe_evt_deliver(struct xe_file *, uint32_t port);
struct xe_port	*xe_port_get(uint16_t dom, uint32_t port);

long	 xe_hypercall(uint64_t op, const uint64_t a[5]);
long	 xe_dm_op(uint16_t dom, unsigned int n, void *const *ptr,
	    const size_t *size);
long	 xe_resource_frames(uint16_t dom, uint32_t type, uint32_t id,
	    uint32_t *mfns, unsigned int max);

#endif /* !XENEMU_IMPL_H */
