/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * libxenhypercall internals: the handle and the backend interface that
 * each sys/<os>/hypercall.c implements.  Not installed.
 */
#ifndef XENCALL_PRIVATE_H
#define XENCALL_PRIVATE_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include <xentoollog.h>
#include "xentoolcore_internal.h"
#include "xencall.h"

/* Context string of every message the library logs. */
#define XENCALL_LOGCTX		"xencall"

/* Xen's page: the unit of xencall_alloc_buffer_pages(). */
#define XENCALL_PAGE_SHIFT	12
#define XENCALL_PAGE_SIZE	((size_t)1 << XENCALL_PAGE_SHIFT)

/* Freed buffers of at most this many pages are kept for reuse ... */
#define XENCALL_CACHE_MAX_PAGES	4
/* ... up to this many buffers per handle. */
#define XENCALL_CACHE_MAX_BUFS	16

/* One buffer: live (handed out) or cached (freed, kept mapped). */
struct xencall_buf {
	struct xencall_buf	*next;
	struct xencall_buf	*prev;	/* live list only */
	void			*addr;
	size_t			 npages;
};

struct xencall_handle {
	/* First, so the restrict callback can find the handle. */
	Xentoolcore__Active_Handle	 tc_ah;
	unsigned			 magic;		/* XENCALL_MAGIC while open */
	unsigned			 flags;		/* open flags */
	unsigned long			 forkgen;	/* xencall__forkgen at open */
	xentoollog_logger		*logger;
	xentoollog_logger_stdiostream	*logger_tofree;
	int				 fd;		/* privcmd */
	int				 buf_fd;	/* buffer device, or -1 */
	pthread_mutex_t			 lock;		/* buffer lists */
	struct xencall_buf		*live;
	struct xencall_buf		*cache;
	size_t				 ncache;
	struct xencall_handle		*next_free;	/* closed-handle pool */
};

#define XENCALL_MAGIC		0x78636c6cU	/* "xcll" */

/* Incremented in every child process fork(2) creates. */
extern volatile unsigned long xencall__forkgen;

/* 1 if xcall is an open handle of this process, else 0 with errno set. */
int xencall__usable(xencall_handle *xcall);

/* Release every buffer of the handle (close). */
void xencall__buffers_release(xencall_handle *xcall, int inherited);

/*
 * The backend.  Each returns -1 (NULL) with errno set on failure and logs
 * what failed through xcall->logger where the message helps the user.
 */

/* Open the devices: set xcall->fd (privcmd) and xcall->buf_fd (or -1). */
int xencall_os_open(xencall_handle *xcall);
/* Close what xencall_os_open() opened; 0 or -1 with errno. */
int xencall_os_close(xencall_handle *xcall);
/* Make one hypercall: the result as the kernel delivers it, or -1. */
long xencall_os_hypercall(xencall_handle *xcall, uint64_t op,
    const uint64_t arg[5]);
/*
 * npages (> 0, not overflowing) zero-filled Xen pages, page-aligned,
 * resident for the hypervisor and absent from child processes.  With
 * quiet set a failure is not logged (the caller will try again).
 */
void *xencall_os_alloc_pages(xencall_handle *xcall, size_t npages,
    int quiet);
/* Give back what xencall_os_alloc_pages() returned. */
void xencall_os_free_pages(xencall_handle *xcall, void *p, size_t npages);
/* 1 if the hypervisor can never fault on the buffers, else 0. */
int xencall_os_buffers_never_fault(xencall_handle *xcall);
/* Make len bytes at p absent from child processes; 0 or -1 with errno. */
int xencall_os_keep_from_children(void *p, size_t len);

/*
 * Buffers for backends without a buffer device (xencall_anon.c): locked
 * anonymous pages kept from children, a failure logged unless quiet.
 */
void *xencall__anon_pages(xencall_handle *xcall, size_t npages, int quiet);
void xencall__anon_pages_free(void *p, size_t npages);

#endif /* XENCALL_PRIVATE_H */
