/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * libxendevicemodel internals: the handle and the backend interface that
 * each sys/<os>/devicemodel.c implements.
 */
#ifndef XENDEVICEMODEL_PRIVATE_H
#define XENDEVICEMODEL_PRIVATE_H

#include <pthread.h>
#include <stddef.h>

#include <xencall.h>
#include <xentoollog.h>
#include <xentoolcore_internal.h>

#include "xendevicemodel.h"

#define XENDM_LOG_CONTEXT	"xendevicemodel"

/* A dm_op is one struct xendm_op plus at most this many further buffers. */
#define XENDM_MAX_BUFS		2

/* One buffer of a dm_op: the first is the struct xendm_op. */
struct xendm_buf {
	void		*ptr;
	size_t		size;
};

struct xendevicemodel_handle {
	xentoollog_logger		*logger;
	xentoollog_logger		*logger_tofree;	/* ours, or NULL */
	unsigned int			flags;
	int				fd;		/* privcmd, or -1 */
	Xentoolcore__Active_Handle	tc_ah;
	/*
	 * The hypercall route (NetBSD always; Linux when the kernel has no
	 * DM_OP ioctl): a libxenhypercall handle, opened on first use.
	 */
	pthread_mutex_t			lock;		/* the next three */
	xencall_handle			*xcall;
	unsigned int			xcall_users;	/* calls using xcall now */
	int				use_hypercall;	/* Linux fell back */
	int				restricted;	/* no hypercall route */
	int				useless;	/* fd is /dev/null (atomic) */
};

/* Backend: sys/<os>/devicemodel.c. */

/* Open the device(s): set dmod->fd (or leave it -1).  0, or -1 + errno. */
int xendevicemodel_os_open(xendevicemodel_handle *dmod);
/* Close what os_open opened. */
void xendevicemodel_os_close(xendevicemodel_handle *dmod);
/*
 * Issue one dm_op on domid with nr buffers (bufs[0] the struct xendm_op).
 * Output fields are written back into the buffers.  0, or -1 + errno.
 */
int xendevicemodel_os_dm_op(xendevicemodel_handle *dmod, domid_t domid,
    unsigned int nr, const struct xendm_buf *bufs);
/*
 * Restrict the handle to domid in the kernel.  0, or -1 + errno
 * (EOPNOTSUPP: the kernel cannot restrict this handle).
 */
int xendevicemodel_os_restrict(xendevicemodel_handle *dmod, domid_t domid);

/* Front-end services for the backends (core.c). */

/* Open the libxenhypercall handle now, if not yet open.  0 or -1 + errno. */
int xendevicemodel__xcall_open(xendevicemodel_handle *dmod);
/*
 * The hypercall route for one call: opened if not yet open, or NULL with
 * errno EPERM once the handle is restricted.  Give it back with _put(),
 * which closes it if the handle was restricted meanwhile, and, when the
 * call failed (failed != 0) because of that, makes errno EPERM (errno is
 * kept otherwise).
 */
xencall_handle *xendevicemodel__xcall_get(xendevicemodel_handle *dmod);
void xendevicemodel__xcall_put(xendevicemodel_handle *dmod,
    xencall_handle *xcall, int failed);
/* Issue a dm_op through the raw hypercall with bounce buffers. */
int xendevicemodel__xcall_dm_op(xendevicemodel_handle *dmod, domid_t domid,
    unsigned int nr, const struct xendm_buf *bufs);

#endif /* XENDEVICEMODEL_PRIVATE_H */
