/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * xenemu: the Xen devices of Linux, FreeBSD and NetBSD, emulated in-process
 * over a small simulated hypervisor, so that code which talks to Xen
 * through open/ioctl/mmap/read/write can be tested on a host without Xen.
 *
 * The program under test is linked with libxenemu.a and
 *   -Wl,--wrap=open,--wrap=close,--wrap=ioctl,--wrap=mmap,--wrap=munmap,
 *   --wrap=read,--wrap=write,--wrap=dup2,--wrap=fcntl,--wrap=poll,
 *   --wrap=madvise,--wrap=mlock,--wrap=munlock
 * Calls on paths and descriptors that are not emulated go to the real
 * system calls.  See xenemu(3).
 *
 * The caller is domain 0.  Every function is safe to call from any thread;
 * none may be called from a signal handler.
 */

#ifndef XENEMU_H
#define XENEMU_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

enum xenemu_dialect {
	XENEMU_LINUX = 1,
	XENEMU_FREEBSD = 2,
	XENEMU_NETBSD = 3
};

/* Start (or restart, dropping all state) emulating one kernel. */
int	xenemu_setup(enum xenemu_dialect);
/* Forget all state; emulated descriptors still open stay open but dead. */
void	xenemu_teardown(void);
enum xenemu_dialect xenemu_dialect(void);
/* Make one of the dialect's device paths exist (1) or not (0). */
int	xenemu_device_present(const char *path, int present);
/* open(2) flags an emulated descriptor was opened with; -1 if not ours. */
int	xenemu_fd_flags(int fd);
/* 1 if an emulated privcmd or evtchn descriptor is restricted to a
 * domain, 0 if not; -1 for any other descriptor. */
int	xenemu_fd_restricted(int fd);

/* Domains and their memory. */
int	xenemu_domain_create(unsigned int nframes);	/* domid, or -1 */
int	xenemu_domain_destroy(uint16_t domid);
void	*xenemu_frame(uint16_t domid, uint64_t gfn);	/* the sim's view */

enum xenemu_frame_state {
	XENEMU_FRAME_OK = 0,
	XENEMU_FRAME_PAGED,	/* foreign map: -ENOENT (paged out) */
	XENEMU_FRAME_BAD,	/* foreign map: -EINVAL */
	XENEMU_FRAME_EPERM	/* foreign map: -EPERM */
};
int	xenemu_frame_state(uint16_t domid, uint64_t gfn,
	    enum xenemu_frame_state);
/* Foreign maps of gfn (>= nframes, e.g. above 1 TiB) reach frame `to'. */
int	xenemu_gfn_alias(uint16_t domid, uint64_t gfn, uint64_t to);

/* Grants: a domain grants one of its frames to the caller (domain 0). */
int	xenemu_grant(uint16_t domid, uint64_t gfn, int readonly); /* ref */
int	xenemu_ungrant(uint16_t domid, uint32_t ref);

struct xenemu_grant_info {
	uint16_t	grantee;
	int		readonly;
	unsigned int	maps;		/* how many times it is mapped */
	void		*page;		/* the sim's view of the frame */
};
/* Any live grant, including those the caller made (granter 0). */
int	xenemu_grant_info(uint16_t granter, uint32_t ref,
	    struct xenemu_grant_info *);
/* The grantee `mapper' maps (map 1) or unmaps (0) one of our grants. */
int	xenemu_grant_peer_map(uint16_t mapper, uint32_t ref, int map);

/* Event channels of any domain (the other side of the caller's). */
int	xenemu_evtchn_alloc_unbound(uint16_t domid, uint16_t remote);
int	xenemu_evtchn_bind_interdomain(uint16_t domid, uint16_t remote,
	    uint32_t remote_port);
int	xenemu_evtchn_notify(uint16_t domid, uint32_t port);
/* 1 if the port was pending (and clears it), 0 if not, -1 bad port. */
int	xenemu_evtchn_consume(uint16_t domid, uint32_t port);
int	xenemu_evtchn_close(uint16_t domid, uint32_t port);
int	xenemu_virq_raise(uint32_t virq);	/* ports signalled */

struct xenemu_port {
	int		state;		/* XENEMU_PORT_* */
	uint16_t	remote_dom;
	uint32_t	remote_port;
	uint32_t	virq;
	int		pending;
	int		masked;		/* delivered, awaiting unmask */
};
#define XENEMU_PORT_FREE	0
#define XENEMU_PORT_UNBOUND	1
#define XENEMU_PORT_INTERDOMAIN	2
#define XENEMU_PORT_VIRQ	4
int	xenemu_evtchn_state(uint16_t domid, uint32_t port,
	    struct xenemu_port *);

/*
 * The kernel release to model, as major * 100 + minor (1202 for FreeBSD
 * 12.2, 902 for NetBSD 9.2); 0, the default, is the newest.  See
 * xenemu(3) for what each older release lacks.
 */
void	xenemu_kernel_release(unsigned int release);

/* The hypervisor's answers. */
void	xenemu_set_version(uint32_t version, const char *extraversion);
void	xenemu_set_sysctl_version(uint32_t);
void	xenemu_set_nr_cpus(unsigned int);
/* memory_op maximum_ram_page's answer (default 4 GiB of frames). */
void	xenemu_set_max_ram_page(uint64_t);
void	xenemu_set_crash_range(uint64_t start, uint64_t size);

struct xenemu_hypercall {
	uint64_t	op;
	uint64_t	arg[5];
	long		ret;		/* 0 or positive, or -errno */
	unsigned int	bufs;		/* guest buffers it used */
	unsigned int	unlocked_bufs;	/* ... not hypercall-safe memory */
};
int	xenemu_last_hypercall(struct xenemu_hypercall *);
unsigned long	xenemu_hypercall_count(void);

struct xenemu_dm_op {
	uint16_t	domid;
	uint32_t	op;		/* XEN_DMOP_* */
	unsigned int	nr_bufs;
	size_t		size[4];	/* of the first four buffers */
	uint8_t		arg[32];	/* first bytes of buffer 0 */
	uint8_t		arg1[64];	/* first bytes of buffer 1 */
	long		ret;
};
int	xenemu_last_dm_op(struct xenemu_dm_op *);
unsigned long	xenemu_dm_op_count(void);

struct xenemu_kexec_op {
	unsigned int	cmd;		/* KEXEC_CMD_* */
	int		type;		/* KEXEC_TYPE_* or range */
	unsigned int	nr_segments;
	struct {
		uint64_t	buf_size;
		uint64_t	dest_maddr;
		uint64_t	dest_size;
		uint32_t	sum;	/* byte sum of the buffer */
	} seg[16];
	uint64_t	entry;
	long		ret;
};
int	xenemu_last_kexec_op(struct xenemu_kexec_op *);
int	xenemu_kexec_loaded(int type);

/*
 * Fault injection.  "Device calls" are open of an emulated path, and
 * ioctl, mmap, read, write, poll, dup2, fcntl, madvise on emulated
 * descriptors or mappings, plus every mlock and munlock; close and munmap
 * never fail.
 */
void	xenemu_fail_nth(unsigned int n, int err);	/* 1: the next */
/* what: "open", "ioctl", "mmap", "read", ..., optionally ":detail":
 * "open:/dev/xen/evtchn", "ioctl:IOCTL_EVTCHN_NOTIFY", "hypercall:17"
 * or "hypercall:xen_version".  nth counts matching calls. */
int	xenemu_fail_op(const char *what, unsigned int nth, int err);
void	xenemu_fail_batch_at(unsigned int index, int err);
void	xenemu_short_io(unsigned int bytes);
/* The next `times' grant maps and grant shares fail with EAGAIN, and
 * foreign-map frames report paged out (ENOENT). */
void	xenemu_eagain(unsigned int times);
void	xenemu_fail_clear(void);

/* Leak checks: what the caller still holds. */
struct xenemu_leaks {
	unsigned int	fds;		/* open emulated descriptors */
	unsigned int	mappings;	/* live emulated mappings */
	unsigned int	grants;		/* grants mapped or shared */
	unsigned int	ports;		/* bound event channels */
	unsigned int	hcall_bufs;	/* hypercall buffers, mlock()s */
};
void	xenemu_leaks(struct xenemu_leaks *);
/* 0 when nothing leaked, else prints what did to stderr and returns -1. */
int	xenemu_assert_no_leaks(void);

#ifdef __cplusplus
}
#endif

#endif /* !XENEMU_H */
