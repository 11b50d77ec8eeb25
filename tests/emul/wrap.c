/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The system-call wrappers (linked with -Wl,--wrap=...), the bookkeeping
 * of emulated descriptors and mappings, fault injection and leak checks,
 * and the device operations the three dialects share.
 *
 * With --wrap every call to open() etc. in this library is ours too, so
 * it only ever calls the __real_ functions.
 */

#define _GNU_SOURCE
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "xenemu_impl.h"

pthread_mutex_t xe_lock = PTHREAD_MUTEX_INITIALIZER;
const struct xe_dialect *xe_cur;

/*
 * A real kernel's system call in another thread never leaves a lock of
 * the kernel held in a child fork(2) makes: hold the emulator's lock
 * across fork, so the child's first emulated call cannot hang on it.
 */
static pthread_once_t xe_atfork_once = PTHREAD_ONCE_INIT;
static void xe_fork_prepare(void) { pthread_mutex_lock(&xe_lock); }
static void xe_fork_done(void) { pthread_mutex_unlock(&xe_lock); }
static void
xe_atfork(void)
{
	(void)pthread_atfork(xe_fork_prepare, xe_fork_done, xe_fork_done);
}

#define XE_MAXFD	8192
#define MAXDEVS		8

static struct xe_file	*fdtab[XE_MAXFD];
static struct xe_file	*files;
static struct xe_map	*maps;
static struct xe_gmap	*gmaps;
static int		 present[MAXDEVS];

struct xe_lockrec {
	struct xe_lockrec *next;
	uintptr_t	 start;
	size_t		 len;
};
static struct xe_lockrec *locks;

static struct {
	unsigned int	nth;
	int		nth_err;
	char		op[128];
	unsigned int	op_nth;
	int		op_err;
	int		batch_armed;
	unsigned int	batch_idx;
	int		batch_err;
	int		short_armed;
	unsigned int	short_io;
	unsigned int	eagain;
} fi;

static const struct xe_dialect *const dialects[] = {
	&xe_linux, &xe_freebsd, &xe_netbsd
};

static uintptr_t
pg_down(uintptr_t a)
{
	return (a & ~(XE_PG - 1));
}

static size_t
pg_up(size_t n)
{
	return ((n + XE_PG - 1) & ~(XE_PG - 1));
}

/* ---- fault injection ---- */

static int
op_match(const char *kind, const char *d)
{
	size_t k = strlen(kind);

	if (strcmp(fi.op, kind) == 0)
		return (1);
	return (d != NULL && strncmp(fi.op, kind, k) == 0 &&
	    fi.op[k] == ':' && strcmp(fi.op + k + 1, d) == 0);
}

int
xe_fault_op(const char *kind, const char *d1, const char *d2)
{
	if (fi.op_nth > 0 && (op_match(kind, d1) || op_match(kind, d2)) &&
	    --fi.op_nth == 0)
		return (fi.op_err);
	return (0);
}

int
xe_fault(const char *kind, const char *detail)
{
	int e;

	if (fi.nth > 0 && --fi.nth == 0)
		return (fi.nth_err);
	if ((e = xe_fault_op(kind, detail, NULL)) != 0)
		return (e);
	return (0);
}

int
xe_batch_fault(unsigned int index)
{
	if (fi.batch_armed && index == fi.batch_idx) {
		fi.batch_armed = 0;
		return (fi.batch_err);
	}
	return (0);
}

int
xe_eagain_take(void)
{
	if (fi.eagain == 0)
		return (0);
	fi.eagain--;
	return (1);
}

void
xenemu_fail_nth(unsigned int n, int err)
{
	pthread_mutex_lock(&xe_lock);
	fi.nth = n;
	fi.nth_err = err;
	pthread_mutex_unlock(&xe_lock);
}

int
xenemu_fail_op(const char *what, unsigned int nth, int err)
{
	if (what == NULL || strlen(what) >= sizeof(fi.op)) {
		errno = EINVAL;
		return (-1);
	}
	pthread_mutex_lock(&xe_lock);
	strcpy(fi.op, what);
	fi.op_nth = nth;
	fi.op_err = err;
	pthread_mutex_unlock(&xe_lock);
	return (0);
}

void
xenemu_fail_batch_at(unsigned int index, int err)
{
	pthread_mutex_lock(&xe_lock);
	fi.batch_armed = 1;
	fi.batch_idx = index;
	fi.batch_err = err;
	pthread_mutex_unlock(&xe_lock);
}

void
xenemu_short_io(unsigned int bytes)
{
	pthread_mutex_lock(&xe_lock);
	fi.short_armed = 1;
	fi.short_io = bytes;
	pthread_mutex_unlock(&xe_lock);
}

void
xenemu_eagain(unsigned int times)
{
	pthread_mutex_lock(&xe_lock);
	fi.eagain = times;
	pthread_mutex_unlock(&xe_lock);
}

void
xenemu_fail_clear(void)
{
	pthread_mutex_lock(&xe_lock);
	memset(&fi, 0, sizeof(fi));
	pthread_mutex_unlock(&xe_lock);
}

/* ---- descriptors ---- */

/*
 * The real kernel would block this call for ever (or panic): say so on
 * stderr and abort, so that the test fails at once instead of hanging.
 */
void
xe_kernel_hang(struct xe_file *f, const char *what, const char *why)
{
	fprintf(stderr, "xenemu: %s %s on %s would never return on a real "
	    "kernel: %s\n", xe_cur != NULL ? xe_cur->name : "?", what,
	    f->path, why);
	abort();
}

void
xe_kernel_panic(const char *msg)
{
	fprintf(stderr, "xenemu: %s kernel panic: %s\n",
	    xe_cur != NULL ? xe_cur->name : "?", msg);
	abort();
}

static void fd_detach(int);

/*
 * The emulated file behind fd, if fd still names it: code we do not wrap
 * (a shared library's dup2() or close()) may have replaced it, and then
 * the descriptor is simply not ours any more.
 */
static struct xe_file *
fdget(int fd)
{
	struct xe_file *f;
	struct stat st;

	if (xe_cur == NULL || fd < 0 || fd >= XE_MAXFD ||
	    (f = fdtab[fd]) == NULL)
		return (NULL);
	if (fstat(fd, &st) == -1 || st.st_dev != f->st_dev ||
	    st.st_ino != f->st_ino) {
		fd_detach(fd);
		return (NULL);
	}
	return (f);
}

static void
file_release(struct xe_file *f)
{
	struct xe_file **pp;
	struct xe_gmap *g, *gn;
	struct xe_dom *d0;
	uint32_t p;

	if (f->kind == XK_EVTCHN && (d0 = xe_dom_get(0)) != NULL)
		for (p = 1; p < XE_NPORTS; p++)
			if (d0->ports[p].owner == f)
				(void)xe_evt_close(0, p);
	if (f->wpipe >= 0)
		__real_close(f->wpipe);
	if (f->kind == XK_DMABUF && f->dmabuf != NULL) {
		f->dmabuf->mapped--;
		xe_gmap_check(f->dmabuf);
	}
	/* Maps and shares outlive the descriptor while mmap()ed. */
	for (g = gmaps; g != NULL; g = gn) {
		gn = g->next;
		if (g->exp_owner == f)
			g->exp_owner = NULL;
		if (g->owner == f) {
			g->owner = NULL;
			xe_gmap_check(g);
		}
	}
	for (pp = &files; *pp != NULL; pp = &(*pp)->next)
		if (*pp == f) {
			*pp = f->next;
			break;
		}
	free(f);
}

static void
fd_detach(int fd)
{
	struct xe_file *f = fdtab[fd];

	fdtab[fd] = NULL;
	if (f != NULL && --f->refs == 0)
		file_release(f);
}

static void
fd_attach(int fd, struct xe_file *f)
{
	struct stat st;

	if (fd < 0 || fd >= XE_MAXFD)
		return;
	if (fdtab[fd] != NULL)
		fd_detach(fd);
	if (f->refs == 0 && fstat(fd, &st) == 0) {
		f->st_dev = st.st_dev;
		f->st_ino = st.st_ino;
	}
	fdtab[fd] = f;
	f->refs++;
}

static const struct xe_devpath *
dev_lookup(const char *path, int *known, int *idx)
{
	const struct xe_devpath *dp;
	size_t i;

	*known = 0;
	for (i = 0; i < sizeof(dialects) / sizeof(dialects[0]); i++)
		for (dp = dialects[i]->devs; dp->path != NULL; dp++)
			if (strcmp(dp->path, path) == 0)
				*known = 1;
	for (dp = xe_cur->devs, *idx = 0; dp->path != NULL; dp++, (*idx)++)
		if (strcmp(dp->path, path) == 0)
			return (dp);
	return (NULL);
}

int
__wrap_open(const char *path, int flags, ...)
{
	const struct xe_devpath *dp;
	struct xe_file *f;
	mode_t mode = 0;
	int known, idx, fd, e, p[2];

	if (flags & (O_CREAT | O_TMPFILE)) {
		va_list ap;

		va_start(ap, flags);
		mode = (mode_t)va_arg(ap, int);
		va_end(ap);
	}
	pthread_mutex_lock(&xe_lock);
	if (xe_cur == NULL || path == NULL ||
	    ((dp = dev_lookup(path, &known, &idx)) == NULL && !known)) {
		pthread_mutex_unlock(&xe_lock);
		return (__real_open(path, flags, mode));
	}
	e = ENOENT;
	if (dp == NULL || !present[idx])
		goto fail;
	if ((e = xe_fault("open", path)) != 0)
		goto fail;
	e = ENOMEM;
	if ((f = calloc(1, sizeof(*f))) == NULL)
		goto fail;
	f->kind = dp->kind;
	f->path = dp->path;
	f->oflags = flags;
	f->wpipe = -1;
	f->restrict_dom = XE_DOMID_INVALID;
	if (f->kind == XK_EVTCHN) {
		/* A pipe: readable exactly while ports are queued. */
		if (pipe2(p, (flags & O_CLOEXEC) ? O_CLOEXEC : 0) == -1) {
			e = errno;
			free(f);
			goto fail;
		}
		(void)__real_fcntl(p[1], F_SETFD, FD_CLOEXEC);
		(void)__real_fcntl(p[1], F_SETFL, O_NONBLOCK);
		if (flags & O_NONBLOCK)
			(void)__real_fcntl(p[0], F_SETFL, O_NONBLOCK);
		fd = p[0];
		f->wpipe = p[1];
	} else if ((fd = memfd_create(dp->path,
	    (flags & O_CLOEXEC) ? MFD_CLOEXEC : 0)) == -1) {
		e = errno;
		free(f);
		goto fail;
	}
	if (fd >= XE_MAXFD) {
		__real_close(fd);
		if (f->wpipe >= 0)
			__real_close(f->wpipe);
		free(f);
		e = EMFILE;
		goto fail;
	}
	f->next = files;
	files = f;
	fd_attach(fd, f);
	pthread_mutex_unlock(&xe_lock);
	return (fd);
fail:
	pthread_mutex_unlock(&xe_lock);
	errno = e;
	return (-1);
}

int
__wrap_close(int fd)
{
	int r;

	pthread_mutex_lock(&xe_lock);
	if (fdget(fd) != NULL)
		fd_detach(fd);
	r = __real_close(fd);
	pthread_mutex_unlock(&xe_lock);
	return (r);
}

int
__wrap_dup2(int oldfd, int newfd)
{
	struct xe_file *of, *nf;
	int r, e;

	pthread_mutex_lock(&xe_lock);
	of = fdget(oldfd);
	nf = fdget(newfd);
	if ((of != NULL || nf != NULL) && (e = xe_fault("dup2", NULL)) != 0) {
		pthread_mutex_unlock(&xe_lock);
		errno = e;
		return (-1);
	}
	r = __real_dup2(oldfd, newfd);
	if (r >= 0 && oldfd != newfd) {
		if (nf != NULL)
			fd_detach(newfd);
		if (of != NULL)
			fd_attach(newfd, of);
	}
	pthread_mutex_unlock(&xe_lock);
	return (r);
}

int
__wrap_fcntl(int fd, int cmd, ...)
{
	struct xe_file *f;
	va_list ap;
	void *parg = NULL;
	int iarg = 0, kind, r, e;

	va_start(ap, cmd);
	switch (cmd) {
	case F_GETLK: case F_SETLK: case F_SETLKW:
	case F_OFD_GETLK: case F_OFD_SETLK: case F_OFD_SETLKW:
	case F_GETOWN_EX: case F_SETOWN_EX:
		parg = va_arg(ap, void *);
		kind = 2;
		break;
	case F_GETFD: case F_GETFL: case F_GETOWN: case F_GETSIG:
	case F_GETLEASE: case F_GETPIPE_SZ: case F_GET_SEALS:
		kind = 0;
		break;
	default:
		iarg = va_arg(ap, int);
		kind = 1;
	}
	va_end(ap);
	pthread_mutex_lock(&xe_lock);
	if ((f = fdget(fd)) != NULL && (e = xe_fault("fcntl", NULL)) != 0) {
		pthread_mutex_unlock(&xe_lock);
		errno = e;
		return (-1);
	}
	if (kind == 0)
		r = __real_fcntl(fd, cmd);
	else if (kind == 1)
		r = __real_fcntl(fd, cmd, iarg);
	else
		r = __real_fcntl(fd, cmd, parg);
	if (f != NULL && r >= 0 && (cmd == F_DUPFD || cmd == F_DUPFD_CLOEXEC))
		fd_attach(r, f);
	pthread_mutex_unlock(&xe_lock);
	return (r);
}

int
__wrap_poll(struct pollfd *fds, unsigned long n, int timeout)
{
	unsigned long i;
	int e;

	pthread_mutex_lock(&xe_lock);
	for (i = 0; i < n; i++)
		if (fdget(fds[i].fd) != NULL) {
			if ((e = xe_fault("poll", NULL)) != 0) {
				pthread_mutex_unlock(&xe_lock);
				errno = e;
				return (-1);
			}
			break;
		}
	pthread_mutex_unlock(&xe_lock);
	return (__real_poll(fds, n, timeout));
}

int
xenemu_fd_flags(int fd)
{
	struct xe_file *f;
	int r;

	pthread_mutex_lock(&xe_lock);
	r = (f = fdget(fd)) != NULL ? f->oflags : -1;
	pthread_mutex_unlock(&xe_lock);
	return (r);
}

int
xenemu_fd_restricted(int fd)
{
	struct xe_file *f;
	int r;

	pthread_mutex_lock(&xe_lock);
	if ((f = fdget(fd)) == NULL ||
	    (f->kind != XK_PRIVCMD && f->kind != XK_EVTCHN))
		r = -1;
	else
		r = f->restrict_dom != XE_DOMID_INVALID;
	pthread_mutex_unlock(&xe_lock);
	return (r);
}

/* ---- evtchn devices ---- */

void
xe_evt_deliver(struct xe_file *f, uint32_t port)
{
	char c = 'e';

	if (f->prod - f->cons >= (xe_cur->evtchn_ring_cap != 0 ?
	    xe_cur->evtchn_ring_cap : 1024U))
		f->overflow = 1;
	else
		f->ring[f->prod++ % XE_RING] = port;
	if (!f->signalled && __real_write(f->wpipe, &c, 1) == 1)
		f->signalled = 1;
}

static void
evt_drain(struct xe_file *f, int fd)
{
	char c;

	if (f->signalled && __real_read(fd, &c, 1) == 1)
		f->signalled = 0;
}

static void
own(struct xe_file *f, long port)
{
	struct xe_port *p = xe_port_get(0, (uint32_t)port);

	p->owner = f;
	p->masked = 0;
	p->pending = 0;
}

long
xe_ev_bind_virq(struct xe_file *f, uint32_t virq)
{
	long p;

	if (f->restrict_dom != XE_DOMID_INVALID)
		return (-EACCES);
	if ((p = xe_evt_bind_virq(0, virq)) >= 0)
		own(f, p);
	return (p);
}

long
xe_ev_bind_interdomain(struct xe_file *f, uint32_t dom, uint32_t port)
{
	long p;

	if (f->restrict_dom != XE_DOMID_INVALID && f->restrict_dom != dom)
		return (-EACCES);
	if (dom > 0xffff)
		return (-ESRCH);
	if ((p = xe_evt_bind_interdomain(0, (uint16_t)dom, port)) >= 0)
		own(f, p);
	return (p);
}

long
xe_ev_bind_unbound(struct xe_file *f, uint32_t dom)
{
	long p;

	if (f->restrict_dom != XE_DOMID_INVALID)
		return (-EACCES);
	if (dom > 0xffff)
		return (-ESRCH);
	if ((p = xe_evt_alloc_unbound(0, (uint16_t)dom)) >= 0)
		own(f, p);
	return (p);
}

long
xe_ev_unbind(struct xe_file *f, uint32_t port)
{
	struct xe_port *p;

	if (port >= XE_NPORTS)
		return (-EINVAL);
	if ((p = xe_port_get(0, port)) == NULL || p->owner != f)
		return (-ENOTCONN);
	return (xe_evt_close(0, port));
}

long
xe_ev_notify(struct xe_file *f, uint32_t port)
{
	struct xe_port *p;

	if (port >= XE_NPORTS)
		return (-EINVAL);
	if ((p = xe_port_get(0, port)) == NULL || p->owner != f)
		return (-ENOTCONN);
	return (xe_evt_send(0, port));
}

long
xe_ev_reset(struct xe_file *f, int fd)
{
	f->prod = f->cons = 0;
	f->overflow = 0;
	evt_drain(f, fd);
	return (0);
}

long
xe_ev_restrict(struct xe_file *f, uint32_t dom)
{
	if (f->restrict_dom != XE_DOMID_INVALID)
		return (-EACCES);
	if (dom == 0 || dom >= XE_DOMID_FIRST_RESERVED)
		return (-EINVAL);
	f->restrict_dom = (uint16_t)dom;
	return (0);
}

ssize_t
__wrap_read(int fd, void *buf, size_t n)
{
	struct xe_file *f;
	struct pollfd pfd;
	size_t k, i;
	int e;

	pthread_mutex_lock(&xe_lock);
	if ((f = fdget(fd)) == NULL) {
		pthread_mutex_unlock(&xe_lock);
		return (__real_read(fd, buf, n));
	}
	if ((e = xe_fault("read", f->path)) != 0)
		goto fail;
	e = EINVAL;
	if (f->kind != XK_EVTCHN)
		goto fail;
	if (fi.short_armed) {
		fi.short_armed = 0;
		if (n > fi.short_io)
			n = fi.short_io;
	}
	n &= ~(size_t)3;	/* whole ports only */
	if (n == 0) {
		pthread_mutex_unlock(&xe_lock);
		return (0);
	}
	/* NetBSD's xenevt_fread() takes what fits; the others a page. */
	if (n > XE_PG && !xe_cur->evtchn_read_uncapped)
		n = XE_PG;
	for (;;) {
		e = EFBIG;
		if (f->overflow)
			goto fail;
		if (f->prod != f->cons)
			break;
		e = EAGAIN;
		if (__real_fcntl(fd, F_GETFL) & O_NONBLOCK)
			goto fail;
		pthread_mutex_unlock(&xe_lock);
		pfd.fd = fd;
		pfd.events = POLLIN;
		if (__real_poll(&pfd, 1, -1) == -1 && errno == EINTR)
			return (-1);
		pthread_mutex_lock(&xe_lock);
		e = EBADF;
		if (fdget(fd) != f)
			goto fail;
	}
	k = f->prod - f->cons;
	if (k > n / 4)
		k = n / 4;
	for (i = 0; i < k; i++)
		((uint32_t *)buf)[i] = f->ring[f->cons++ % XE_RING];
	if (f->cons == f->prod)
		evt_drain(f, fd);
	pthread_mutex_unlock(&xe_lock);
	return ((ssize_t)(k * 4));
fail:
	pthread_mutex_unlock(&xe_lock);
	errno = e;
	return (-1);
}

ssize_t
__wrap_write(int fd, const void *buf, size_t n)
{
	struct xe_file *f;
	struct xe_port *p;
	size_t i;
	uint32_t port;
	int e;

	pthread_mutex_lock(&xe_lock);
	if ((f = fdget(fd)) == NULL) {
		pthread_mutex_unlock(&xe_lock);
		return (__real_write(fd, buf, n));
	}
	if ((e = xe_fault("write", f->path)) != 0)
		goto fail;
	e = EINVAL;
	if (f->kind != XK_EVTCHN)
		goto fail;
	if (fi.short_armed) {
		fi.short_armed = 0;
		if (n > fi.short_io)
			n = fi.short_io;
	}
	if (f->bind_mutex_held[0] != '\0')
		xe_kernel_hang(f, "write (unmask)", f->bind_mutex_held);
	if (xe_cur->evtchn_write_u16) {
		/* NetBSD's xenevt takes 16-bit port numbers. */
		e = EMSGSIZE;
		if (n / 2 >= 4096)
			goto fail;
		for (i = 0; i < n / 2; i++) {
			uint16_t v;

			memcpy(&v, (const char *)buf + 2 * i, 2);
			if ((p = xe_port_get(0, v)) != NULL && p->owner == f)
				xe_evt_unmask(0, v);
		}
	} else {
		n &= ~(size_t)3;
		if (n > XE_PG)
			n = XE_PG;
		for (i = 0; i < n / 4; i++) {
			memcpy(&port, (const char *)buf + 4 * i, 4);
			if ((p = xe_port_get(0, port)) != NULL && p->owner == f)
				xe_evt_unmask(0, port);
		}
	}
	pthread_mutex_unlock(&xe_lock);
	return ((ssize_t)n);
fail:
	pthread_mutex_unlock(&xe_lock);
	errno = e;
	return (-1);
}

/* ---- ioctl ---- */

/* An ioctl on any descriptor: the result, or -1 with errno set. */
static long
xe_ioctl(int fd, unsigned long req, void *arg)
{
	struct xe_file *f;
	long r;
	int e;

	pthread_mutex_lock(&xe_lock);
	if ((f = fdget(fd)) == NULL || req == FIONBIO || req == FIOCLEX ||
	    req == FIONCLEX || req == FIOASYNC) {
		/* Not ours, or handled above the driver on every kernel. */
		pthread_mutex_unlock(&xe_lock);
		return (__real_ioctl(fd, req, arg));
	}
	if ((e = xe_fault("ioctl", xe_cur->ioctl_name(f->kind, req))) != 0)
		r = -e;
	else
		r = xe_cur->ioctl(f, fd, req, arg);
	pthread_mutex_unlock(&xe_lock);
	if (r <= -XE_RAW_ERRNO_BASE) {
		errno = (int)(uint32_t)(-r - XE_RAW_ERRNO_BASE);
		return (-1);
	}
	if (r <= -XE_NEGATIVE_ERRNO_BASE) {
		errno = (int)(r + XE_NEGATIVE_ERRNO_BASE);
		return (-1);
	}
	if (r < 0) {
		errno = (int)-r;
		return (-1);
	}
	return (r);
}

int
__wrap_ioctl(int fd, unsigned long req, ...)
{
	va_list ap;
	void *arg;
	long r;

	va_start(ap, req);
	arg = va_arg(ap, void *);
	va_end(ap);
	r = xe_ioctl(fd, req, arg);
	return (r < 0 ? -1 : (int)r);
}

/*
 * A backend that needs all of a long result (Linux hypercalls through
 * xencall2L) issues the ioctl with syscall(SYS_ioctl, ...), which does not
 * narrow it to an int as ioctl() does.
 */
long
__wrap_syscall(long nr, ...)
{
	va_list ap;
	unsigned long req;
	void *arg;
	int fd;

	/*
	 * Backends use syscall(2) for SYS_ioctl alone (DEVELOPERS.md); how
	 * many arguments another call has is unknown here, so none is read.
	 */
	if (nr != SYS_ioctl) {
		errno = ENOSYS;
		return (-1);
	}
	va_start(ap, nr);
	fd = va_arg(ap, int);
	req = va_arg(ap, unsigned long);
	arg = va_arg(ap, void *);
	va_end(ap);
	return (xe_ioctl(fd, req, arg));
}

/* ---- mappings ---- */

struct xe_map *
xe_map_new(enum xe_mkind kind, void *va, size_t len, int prot)
{
	struct xe_map *m;
	unsigned int n = (unsigned int)(pg_up(len) / XE_PG);

	if ((m = calloc(1, sizeof(*m))) == NULL)
		return (NULL);
	m->page_live = malloc(n ? n : 1);
	m->page_set = calloc(n ? n : 1, 1);
	if (m->page_live == NULL || m->page_set == NULL) {
		free(m->page_live);
		free(m->page_set);
		free(m);
		return (NULL);
	}
	memset(m->page_live, 1, n);
	m->kind = kind;
	m->start = (uintptr_t)va;
	m->npages = m->live = n;
	m->prot = prot;
	m->next = maps;
	maps = m;
	return (m);
}

struct xe_map *
xe_map_find(uintptr_t a, size_t len)
{
	struct xe_map *m;

	for (m = maps; m != NULL; m = m->next)
		if (a >= m->start && a + len <= m->start + m->npages * XE_PG)
			return (m);
	return (NULL);
}

static void
map_free(struct xe_map *m)
{
	struct xe_map **pp;

	for (pp = &maps; *pp != NULL; pp = &(*pp)->next)
		if (*pp == m) {
			*pp = m->next;
			break;
		}
	if (m->kind == XM_GNT && m->gmap != NULL) {
		m->gmap->mapped--;
		xe_gmap_check(m->gmap);
	}
	free(m->page_live);
	free(m->page_set);
	free(m);
}

void
xe_unmap_tracking(uintptr_t start, size_t len)
{
	struct xe_map *m, *mn;
	struct xe_lockrec **lp, *l;
	uintptr_t end = pg_down(start) + pg_up(len + (start - pg_down(start)));
	unsigned int i;

	start = pg_down(start);
	for (m = maps; m != NULL; m = mn) {
		mn = m->next;
		for (i = 0; i < m->npages; i++) {
			uintptr_t a = m->start + i * XE_PG;

			if (a >= start && a < end && m->page_live[i]) {
				m->page_live[i] = 0;
				m->live--;
			}
		}
		if (m->live == 0)
			map_free(m);
	}
	for (lp = &locks; (l = *lp) != NULL;)
		if (l->start < end && l->start + l->len > start) {
			*lp = l->next;
			free(l);
		} else
			lp = &l->next;
}

int
xe_map_frame(void *va, uint32_t mfn, int prot)
{
	if (__real_mmap(va, XE_PG, prot, MAP_SHARED | MAP_FIXED, xe_sim.memfd,
	    (off_t)mfn * (off_t)XE_PG) == MAP_FAILED)
		return (-errno);
	return (0);
}

int
xe_map_none(void *va, size_t len)
{
	if (__real_mmap(va, len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS |
	    MAP_FIXED, -1, 0) == MAP_FAILED)
		return (-errno);
	return (0);
}

int
xe_is_locked_mem(const void *p, size_t len)
{
	uintptr_t a = (uintptr_t)p;
	struct xe_lockrec *l;
	struct xe_map *m;

	for (m = maps; m != NULL; m = m->next)
		if (m->kind == XM_HCALL && a >= m->start &&
		    a + len <= m->start + m->npages * XE_PG)
			return (1);
	for (l = locks; l != NULL; l = l->next)
		if (a >= l->start && a + len <= l->start + l->len)
			return (1);
	return (0);
}

int
xe_privcmd_range(uintptr_t addr, unsigned int num, struct xe_map **mp)
{
	struct xe_map *m;

	if (addr % XE_PG != 0 || num == 0)
		return (-EINVAL);
	if ((m = xe_map_find(addr, 1)) == NULL || m->kind != XM_PRIVCMD)
		return (-EINVAL);
	*mp = m;
	return (0);
}

static void *
reserve(void *addr, size_t len, int flags)
{
	return (__real_mmap(addr, len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS |
	    (flags & MAP_FIXED), -1, 0));
}

void *
xe_mmap_file(struct xe_file *f, void *addr, size_t len, int prot, int flags,
    off_t off, int *err)
{
	struct xe_gmap *g;
	struct xe_map *m;
	void *p;
	unsigned int i, n;
	int e;

	*err = EINVAL;
	if (len == 0)
		return (MAP_FAILED);
	n = (unsigned int)(pg_up(len) / XE_PG);
	switch (f->kind) {
	case XK_PRIVCMD:
		if (xe_cur->id == XENEMU_NETBSD) {
			*err = ENODEV;
			return (MAP_FAILED);
		}
		/* Pages appear as MMAPBATCH/MMAP_RESOURCE fill them. */
		if ((p = reserve(addr, len, flags)) == MAP_FAILED) {
			*err = errno;
			return (MAP_FAILED);
		}
		if (xe_map_new(XM_PRIVCMD, p, len, prot) == NULL) {
			__real_munmap(p, len);
			*err = ENOMEM;
			return (MAP_FAILED);
		}
		return (p);
	case XK_HYPERCALL:
		if (!(flags & MAP_SHARED) || off != 0)
			return (MAP_FAILED);
		p = __real_mmap(addr, len, prot, MAP_SHARED | MAP_ANONYMOUS |
		    (flags & MAP_FIXED), -1, 0);
		if (p == MAP_FAILED) {
			*err = errno;
			return (MAP_FAILED);
		}
		if (xe_map_new(XM_HCALL, p, len, prot) == NULL) {
			__real_munmap(p, len);
			*err = ENOMEM;
			return (MAP_FAILED);
		}
		return (p);
	case XK_GNTDEV:
	case XK_GNTALLOC:
		if ((prot & PROT_WRITE) && !(flags & MAP_SHARED))
			return (MAP_FAILED);
		if ((g = xe_gmap_find(f, (uint64_t)off, n)) == NULL)
			return (MAP_FAILED);
		if ((p = reserve(addr, len, flags)) == MAP_FAILED) {
			*err = errno;
			return (MAP_FAILED);
		}
		if (!g->alloc) {
			if ((e = xe_gmap_map_foreign(g, p, prot)) != 0) {
				__real_munmap(p, len);
				*err = -e;
				return (MAP_FAILED);
			}
		} else
			for (i = 0; i < n; i++)
				(void)xe_map_frame((char *)p + i * XE_PG,
				    g->mfn[i], prot);
		if ((m = xe_map_new(XM_GNT, p, len, prot)) == NULL) {
			__real_munmap(p, len);
			*err = ENOMEM;
			return (MAP_FAILED);
		}
		m->gmap = g;
		g->mapped++;
		return (p);
	case XK_DMABUF:
		if ((g = f->dmabuf) == NULL || off != 0 || n > g->count)
			return (MAP_FAILED);
		if ((p = reserve(addr, len, flags)) == MAP_FAILED) {
			*err = errno;
			return (MAP_FAILED);
		}
		for (i = 0; i < n; i++)
			(void)xe_map_frame((char *)p + i * XE_PG, g->mfn[i], prot);
		if ((m = xe_map_new(XM_GNT, p, len, prot)) == NULL) {
			__real_munmap(p, len);
			*err = ENOMEM;
			return (MAP_FAILED);
		}
		m->gmap = g;
		g->mapped++;
		return (p);
	default:
		*err = ENODEV;
		return (MAP_FAILED);
	}
}

void *
__wrap_mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	struct xe_file *f;
	void *p;
	int e;

	pthread_mutex_lock(&xe_lock);
	f = (flags & MAP_ANONYMOUS) ? NULL : fdget(fd);
	if (f == NULL) {
		p = __real_mmap(addr, len, prot, flags, fd, off);
		/* MAP_FIXED silently replaces what was there. */
		if (p != MAP_FAILED && (flags & MAP_FIXED) && xe_cur != NULL)
			xe_unmap_tracking((uintptr_t)p, len);
		pthread_mutex_unlock(&xe_lock);
		return (p);
	}
	if ((e = xe_fault("mmap", f->path)) != 0) {
		pthread_mutex_unlock(&xe_lock);
		errno = e;
		return (MAP_FAILED);
	}
	if ((flags & MAP_FIXED) && addr != NULL)
		xe_unmap_tracking((uintptr_t)addr, len);
	p = xe_mmap_file(f, addr, len, prot, flags, off, &e);
	pthread_mutex_unlock(&xe_lock);
	if (p == MAP_FAILED)
		errno = e;
	return (p);
}

int
__wrap_munmap(void *addr, size_t len)
{
	int r;

	pthread_mutex_lock(&xe_lock);
	if (xe_cur != NULL)
		xe_unmap_tracking((uintptr_t)addr, len);
	r = __real_munmap(addr, len);
	pthread_mutex_unlock(&xe_lock);
	return (r);
}

static int
tracked(const void *addr, size_t len)
{
	uintptr_t a = (uintptr_t)addr;
	struct xe_lockrec *l;
	struct xe_map *m;

	for (m = maps; m != NULL; m = m->next)
		if (a < m->start + m->npages * XE_PG && a + len > m->start)
			return (1);
	for (l = locks; l != NULL; l = l->next)
		if (a < l->start + l->len && a + len > l->start)
			return (1);
	return (0);
}

int
__wrap_madvise(void *addr, size_t len, int advice)
{
	int e;

	pthread_mutex_lock(&xe_lock);
	if (xe_cur != NULL && tracked(addr, len) &&
	    (e = xe_fault("madvise", NULL)) != 0) {
		pthread_mutex_unlock(&xe_lock);
		errno = e;
		return (-1);
	}
	pthread_mutex_unlock(&xe_lock);
	return (__real_madvise(addr, len, advice));
}

/*
 * mlock()ed memory is the BSDs' hypercall-buffer memory.  Recorded, not
 * done: the emulated process is privileged, the test process may not be.
 */
int
__wrap_mlock(const void *addr, size_t len)
{
	struct xe_lockrec *l;
	int e;

	pthread_mutex_lock(&xe_lock);
	if (xe_cur == NULL) {
		pthread_mutex_unlock(&xe_lock);
		return (__real_mlock(addr, len));
	}
	if ((e = xe_fault("mlock", NULL)) != 0)
		goto fail;
	e = ENOMEM;
	if ((l = malloc(sizeof(*l))) == NULL)
		goto fail;
	l->start = (uintptr_t)addr;
	l->len = len;
	l->next = locks;
	locks = l;
	pthread_mutex_unlock(&xe_lock);
	return (0);
fail:
	pthread_mutex_unlock(&xe_lock);
	errno = e;
	return (-1);
}

int
__wrap_munlock(const void *addr, size_t len)
{
	struct xe_lockrec **lp, *l;
	uintptr_t a = (uintptr_t)addr;
	int e;

	pthread_mutex_lock(&xe_lock);
	if (xe_cur == NULL) {
		pthread_mutex_unlock(&xe_lock);
		return (__real_munlock(addr, len));
	}
	if ((e = xe_fault("munlock", NULL)) != 0) {
		pthread_mutex_unlock(&xe_lock);
		errno = e;
		return (-1);
	}
	for (lp = &locks; (l = *lp) != NULL;)
		if (l->start < a + len && l->start + l->len > a) {
			*lp = l->next;
			free(l);
		} else
			lp = &l->next;
	pthread_mutex_unlock(&xe_lock);
	return (0);
}

/* ---- grant maps and shares ---- */

struct xe_gmap *
xe_gmap_new(struct xe_file *f, int alloc, unsigned int count)
{
	struct xe_gmap *g;

	if ((g = calloc(1, sizeof(*g))) == NULL)
		return (NULL);
	g->dom = calloc(count, sizeof(*g->dom));
	g->ref = calloc(count, sizeof(*g->ref));
	g->mfn = calloc(count, sizeof(*g->mfn));
	if (g->dom == NULL || g->ref == NULL || g->mfn == NULL) {
		free(g->dom);
		free(g->ref);
		free(g->mfn);
		free(g);
		return (NULL);
	}
	g->owner = f;
	g->alloc = alloc;
	g->count = count;
	if (f != NULL) {
		g->index = f->next_index;
		f->next_index += (uint64_t)count * XE_PG;
	}
	g->next = gmaps;
	gmaps = g;
	return (g);
}

struct xe_gmap *
xe_gmap_find(struct xe_file *f, uint64_t index, unsigned int n)
{
	struct xe_gmap *g;

	for (g = gmaps; g != NULL; g = g->next)
		if (g->owner == f && g->index == index && g->count == n)
			return (g);
	return (NULL);
}

struct xe_gmap *
xe_gmap_find_off(struct xe_file *f, uint64_t off)
{
	struct xe_gmap *g;

	for (g = gmaps; g != NULL; g = g->next)
		if (g->owner == f && off >= g->index &&
		    off < g->index + (uint64_t)g->count * XE_PG)
			return (g);
	return (NULL);
}

struct xe_map *
xe_gmap_mapping(struct xe_gmap *g)
{
	struct xe_map *m;

	for (m = maps; m != NULL; m = m->next)
		if (m->gmap == g)
			return (m);
	return (NULL);
}

/* Fire the unmap notifications in `what' (1: clear byte, 2: event). */
static void
gmap_notify(struct xe_gmap *g, uint32_t what)
{
	uint8_t *b;

	what &= g->n_action;
	/* NetBSD's privcmd_notify() signals first, then clears the byte. */
	if ((what & 2) && xe_cur->gnt_notify_event_first)
		(void)xe_evt_send(0, g->n_port);
	if ((what & 1) && g->n_off < (uint64_t)g->count * XE_PG) {
		b = xe_mfn_ptr(g->mfn[g->n_off / XE_PG]);
		b[g->n_off % XE_PG] = 0;
	}
	if ((what & 2) && !xe_cur->gnt_notify_event_first)
		(void)xe_evt_send(0, g->n_port);
	g->n_action &= ~what;
}

void
xe_gmap_set_notify(struct xe_gmap *g, uint64_t off, uint32_t action,
    uint32_t port)
{
	g->n_off = off;
	g->n_action = action;
	g->n_port = port;
}

/* Map the grants in the hypervisor: validate and count them. */
int
xe_gmap_hold(struct xe_gmap *g, int prot)
{
	struct xe_grant *gr;
	unsigned int i, j;
	int e;

	if (xe_eagain_take())
		return (-EAGAIN);
	if (!g->held) {
		for (i = 0; i < g->count; i++) {
			e = xe_batch_fault(i);
			gr = xe_grant_get(g->dom[i], g->ref[i]);
			if (e == 0 && (gr == NULL || gr->grantee != 0 ||
			    (gr->readonly && (prot & PROT_WRITE))))
				e = EINVAL;
			if (e != 0) {
				for (j = 0; j < i; j++)
					if ((gr = xe_grant_get(g->dom[j],
					    g->ref[j])) != NULL)
						gr->maps--;
				return (-e);
			}
			gr->maps++;
			g->mfn[i] = gr->mfn;
		}
		g->held = 1;
		g->ever_mapped = 1;
	}
	return (0);
}

int
xe_gmap_map_foreign(struct xe_gmap *g, void *va, int prot)
{
	unsigned int i;
	int e;

	if ((e = xe_gmap_hold(g, prot)) != 0)
		return (e);
	for (i = 0; i < g->count; i++)
		(void)xe_map_frame((char *)va + i * XE_PG, g->mfn[i], prot);
	return (0);
}

/* A dma-buf descriptor standing for the held map g. */
long
xe_dmabuf_export(struct xe_file *owner, struct xe_gmap *g, int *fdp)
{
	struct xe_file *f;
	int fd;

	if ((f = calloc(1, sizeof(*f))) == NULL)
		return (-ENOMEM);
	if ((fd = memfd_create("xenemu-dmabuf", MFD_CLOEXEC)) == -1) {
		free(f);
		return (-errno);
	}
	if (fd >= XE_MAXFD) {
		__real_close(fd);
		free(f);
		return (-EMFILE);
	}
	f->kind = XK_DMABUF;
	f->path = "dma-buf";
	f->oflags = O_RDWR | O_CLOEXEC;
	f->wpipe = -1;
	f->restrict_dom = XE_DOMID_INVALID;
	f->dmabuf = g;
	f->next = files;
	files = f;
	fd_attach(fd, f);
	g->mapped++;		/* the dma-buf holds the map */
	g->exp_owner = owner;
	g->exp_fd = fd;
	*fdp = fd;
	return (0);
}

struct xe_file *
xe_file_of(int fd)
{
	return (fdget(fd));
}

/* The live dma-buf export (exp) or import (!exp) of f known by fd. */
struct xe_gmap *
xe_gmap_find_dmabuf(struct xe_file *f, int fd, int exp)
{
	struct xe_gmap *g;

	for (g = gmaps; g != NULL; g = g->next)
		if (exp ? (g->exp_owner == f && g->exp_fd == fd) :
		    (g->owner == f && g->borrowed && g->imp_fd == fd))
			return (g);
	return (NULL);
}

long
xe_gnt_share(struct xe_gmap *g, uint16_t dom, int writable, uint32_t *out)
{
	unsigned int i, j;
	long ref;
	int e;

	g->readonly = !writable;
	if (xe_eagain_take()) {
		g->count = 0;
		return (-EAGAIN);
	}
	for (i = 0; i < g->count; i++) {
		if ((e = xe_batch_fault(i)) != 0) {
			ref = -e;
			goto undo;
		}
		if ((ref = xe_frame_alloc(&g->mfn[i])) != 0)
			goto undo;
		if ((ref = xe_grant_new(0, dom, g->mfn[i], 0x100000 + g->mfn[i],
		    !writable)) < 0) {
			xe_frame_free(g->mfn[i]);
			goto undo;
		}
		g->ref[i] = (uint32_t)ref;
		g->dom[i] = dom;
		if (out != NULL)
			out[i] = (uint32_t)ref;
	}
	return (0);
undo:
	for (j = 0; j < i; j++) {
		xe_grant_end(0, g->ref[j]);
		xe_frame_free(g->mfn[j]);
	}
	g->count = 0;
	return (ref);
}

void
xe_gmap_release(struct xe_gmap *g)
{
	struct xe_gmap **pp;

	for (pp = &gmaps; *pp != NULL; pp = &(*pp)->next)
		if (*pp == g) {
			*pp = g->next;
			break;
		}
	free(g->dom);
	free(g->ref);
	free(g->mfn);
	free(g);
}

/* Release what the kernel would release at this point. */
void
xe_gmap_check(struct xe_gmap *g)
{
	struct xe_grant *gr;
	struct xe_gmap *src;
	unsigned int i;

	if (g->alloc) {
		if (g->owner != NULL || g->mapped > 0)
			return;
		src = g->src;
		gmap_notify(g, 3);
		/*
		 * NetBSD: privpgop_detach() (privcmd.c 1.66) revokes each
		 * grant with xengnt_revoke_access(), which panics on a grant
		 * the peer still maps (xengnt.c 1.39, v1 grant table).
		 */
		for (i = 0; xe_cur->gnt_revoke_panics && i < g->count; i++)
			if ((gr = xe_grant_get(0, g->ref[i])) != NULL &&
			    gr->maps > 0)
				xe_kernel_panic("xengnt_revoke_access: "
				    "still in use");
		for (i = 0; i < g->count; i++) {
			xe_grant_end(0, g->ref[i]);
			if (!g->borrowed)
				xe_frame_free(g->mfn[i]);
		}
		xe_gmap_release(g);
		if (src != NULL) {
			src->mapped--;
			xe_gmap_check(src);
		}
		return;
	}
	if (g->held && g->mapped == 0 &&
	    (!xe_cur->gnt_unmap_needs_ioctl || g->owner == NULL)) {
		/* Linux clears the byte at unmap, signals at the end. */
		gmap_notify(g, xe_cur->gnt_event_at_free ? 1 : 3);
		for (i = 0; i < g->count; i++)
			if ((gr = xe_grant_get(g->dom[i], g->ref[i])) != NULL &&
			    gr->maps > 0)
				gr->maps--;
		g->held = 0;
	}
	if (g->owner == NULL && g->mapped == 0 && !g->held) {
		gmap_notify(g, 2);
		xe_gmap_release(g);
	}
}

/* ---- privcmd ---- */

long
xe_pc_hypercall(struct xe_file *f, const uint64_t oa[6])
{
	static const struct { uint64_t nr; const char *name; } hn[] = {
		{ XE_HC_memory_op, "memory_op" },
		{ XE_HC_xen_version, "xen_version" },
		{ XE_HC_event_channel_op, "event_channel_op" },
		{ XE_HC_sysctl, "sysctl" },
		{ XE_HC_domctl, "domctl" },
		{ XE_HC_kexec_op, "kexec_op" },
		{ XE_HC_dm_op, "dm_op" },
	};
	const char *name = NULL;
	char num[24];
	size_t i;
	int e;

	if (f->restrict_dom != XE_DOMID_INVALID)
		return (-EPERM);
	for (i = 0; i < sizeof(hn) / sizeof(hn[0]); i++)
		if (hn[i].nr == oa[0])
			name = hn[i].name;
	snprintf(num, sizeof(num), "%llu", (unsigned long long)oa[0]);
	if ((e = xe_fault_op("hypercall", num, name)) != 0)
		return (-e);
	return (xe_hypercall(oa[0], oa + 1));
}

static struct xe_map *
foreign_region(uint64_t addr, unsigned int num)
{
	struct xe_map *m;

	if ((m = xe_map_find((uintptr_t)addr, (size_t)num * XE_PG)) != NULL &&
	    m->kind == XM_FOREIGN)
		return (m);
	return (xe_map_new(XM_FOREIGN, (void *)(uintptr_t)addr,
	    (size_t)num * XE_PG, PROT_READ | PROT_WRITE));
}

long
xe_pc_mmapbatch(struct xe_file *f, uint16_t dom, uint64_t addr,
    unsigned int num, uint64_t *arr_v1, const uint64_t *arr, int *err,
    int exact_only, int anon_va)
{
	struct xe_map *m;
	unsigned int i, first, paged = 0;
	uint32_t mfn;
	uint64_t gfn;
	long r;
	int e;

	if (f->restrict_dom != XE_DOMID_INVALID && f->restrict_dom != dom)
		return (-EPERM);
	if (num == 0 || addr % XE_PG != 0 || (arr == NULL && arr_v1 == NULL))
		return (-EINVAL);
	if (anon_va) {
		if ((m = foreign_region(addr, num)) == NULL)
			return (-ENOMEM);
	} else {
		if ((r = xe_privcmd_range((uintptr_t)addr, num, &m)) != 0)
			return (r);
		first = (unsigned int)((addr - m->start) / XE_PG);
		if (!m->batched || exact_only) {
			if (first != 0 || num != m->npages)
				return (-EINVAL);
		} else {
			/* A retry may only fill holes. */
			if (first + num > m->npages)
				return (-EINVAL);
			for (i = 0; i < num; i++)
				if (m->page_set[first + i])
					return (-EINVAL);
		}
	}
	first = (unsigned int)((addr - m->start) / XE_PG);
	for (i = 0; i < num; i++) {
		gfn = arr != NULL ? arr[i] : arr_v1[i];
		if (xe_eagain_take())
			e = -ENOENT;
		else if ((e = xe_batch_fault(i)) != 0)
			e = -e;
		else
			e = xe_gfn_lookup(dom, gfn, &mfn);
		if (e == 0)
			e = xe_map_frame((char *)(uintptr_t)addr + i * XE_PG,
			    mfn, m->prot);
		else
			(void)xe_map_none((char *)(uintptr_t)addr + i * XE_PG,
			    XE_PG);
		m->page_set[first + i] = e == 0;
		if (e == -ENOENT)
			paged++;
		if (err != NULL)
			err[i] = e;
		if (arr_v1 != NULL && e != 0)
			arr_v1[i] |= (e == -ENOENT && xe_cur->id == XENEMU_LINUX) ?
			    0x80000000U : 0xf0000000U;
	}
	m->batched = 1;
	return (paged);
}

long
xe_pc_mmap_resource(struct xe_file *f, uint16_t dom, uint32_t type,
    uint32_t id, uint32_t idx, uint64_t *num, uint64_t addr, int anon_va)
{
	uint32_t mfns[16];
	struct xe_map *m;
	unsigned int i;
	long n, r;

	if (f->restrict_dom != XE_DOMID_INVALID && f->restrict_dom != dom)
		return (-EPERM);
	if ((n = xe_resource_frames(dom, type, id, mfns, 16)) < 0)
		return (n);
	if (addr == 0 && *num == 0) {
		*num = (uint64_t)n;
		return (0);
	}
	if (*num == 0 || idx + *num > (uint64_t)n)
		return (-EINVAL);
	if (anon_va) {
		if (addr % XE_PG != 0 ||
		    (m = foreign_region(addr, (unsigned int)*num)) == NULL)
			return (-EINVAL);
	} else {
		if ((r = xe_privcmd_range((uintptr_t)addr, (unsigned int)*num,
		    &m)) != 0)
			return (r);
		if (m->start != addr || m->npages != *num || m->batched)
			return (-EINVAL);
	}
	for (i = 0; i < *num; i++) {
		(void)xe_map_frame((char *)(uintptr_t)addr + i * XE_PG,
		    mfns[idx + i], m->prot);
		m->page_set[(addr - m->start) / XE_PG + i] = 1;
	}
	m->batched = 1;
	return (0);
}

long
xe_pc_dm_op(struct xe_file *f, uint16_t dom, unsigned int n,
    void *const *ptr, const size_t *size)
{
	unsigned int i;

	if (f->restrict_dom != XE_DOMID_INVALID && f->restrict_dom != dom)
		return (-EPERM);
	if (n == 0)
		return (0);
	if (n > 16)
		return (-E2BIG);
	for (i = 0; i < n; i++)
		if (size[i] > XE_PG)
			return (-E2BIG);
	return (xe_dm_op(dom, n, ptr, size));
}

long
xe_pc_restrict(struct xe_file *f, uint16_t dom)
{
	if (f->restrict_dom != XE_DOMID_INVALID && f->restrict_dom != dom)
		return (-EINVAL);
	f->restrict_dom = dom;
	return (0);
}

int
xe_gnt_copy_seg(void *sv, uint32_t sref, uint16_t sdom, uint16_t soff,
    int sfor, void *dv, uint32_t dref, uint16_t ddom, uint16_t doff,
    int dfor, uint16_t len)
{
	struct xe_grant *g;
	uint8_t *sp = sv, *dp = dv;

	if (sfor) {
		if (xe_dom_get(sdom) == NULL)
			return (XE_GNTST_bad_domain);
		if ((g = xe_grant_get(sdom, sref)) == NULL || g->grantee != 0)
			return (XE_GNTST_bad_gntref);
		if (soff + len > XE_PG)
			return (XE_GNTST_bad_copy_arg);
		sp = (uint8_t *)xe_mfn_ptr(g->mfn) + soff;
	}
	if (dfor) {
		if (xe_dom_get(ddom) == NULL)
			return (XE_GNTST_bad_domain);
		if ((g = xe_grant_get(ddom, dref)) == NULL || g->grantee != 0)
			return (XE_GNTST_bad_gntref);
		if (g->readonly)
			return (XE_GNTST_permission_denied);
		if (doff + len > XE_PG)
			return (XE_GNTST_bad_copy_arg);
		dp = (uint8_t *)xe_mfn_ptr(g->mfn) + doff;
	}
	if (sp == NULL || dp == NULL)
		return (XE_GNTST_general_error);
	memmove(dp, sp, len);
	return (XE_GNTST_okay);
}

/* ---- setup, teardown, leaks ---- */

static void
reset_state(void)
{
	struct xe_file *f, *fn;
	struct xe_map *m, *mn;
	struct xe_gmap *g, *gn;
	struct xe_lockrec *l, *ln;

	for (f = files; f != NULL; f = fn) {
		fn = f->next;
		if (f->wpipe >= 0)
			__real_close(f->wpipe);
		free(f);
	}
	files = NULL;
	memset(fdtab, 0, sizeof(fdtab));
	for (m = maps; m != NULL; m = mn) {
		mn = m->next;
		free(m->page_live);
		free(m->page_set);
		free(m);
	}
	maps = NULL;
	for (g = gmaps; g != NULL; g = gn) {
		gn = g->next;
		free(g->dom);
		free(g->ref);
		free(g->mfn);
		free(g);
	}
	gmaps = NULL;
	for (l = locks; l != NULL; l = ln) {
		ln = l->next;
		free(l);
	}
	locks = NULL;
	memset(&fi, 0, sizeof(fi));
	xe_sim_fini();
	xe_cur = NULL;
}

int
xenemu_setup(enum xenemu_dialect d)
{
	const struct xe_devpath *dp;
	int i;

	if (d < XENEMU_LINUX || d > XENEMU_NETBSD) {
		errno = EINVAL;
		return (-1);
	}
	pthread_once(&xe_atfork_once, xe_atfork);
	pthread_mutex_lock(&xe_lock);
	reset_state();
	if (xe_sim_init() != 0) {
		pthread_mutex_unlock(&xe_lock);
		return (-1);
	}
	xe_cur = dialects[d - 1];
	for (dp = xe_cur->devs, i = 0; dp->path != NULL && i < MAXDEVS;
	    dp++, i++)
		present[i] = dp->present;
	pthread_mutex_unlock(&xe_lock);
	return (0);
}

void
xenemu_teardown(void)
{
	pthread_mutex_lock(&xe_lock);
	reset_state();
	pthread_mutex_unlock(&xe_lock);
}

enum xenemu_dialect
xenemu_dialect(void)
{
	enum xenemu_dialect d;

	pthread_mutex_lock(&xe_lock);
	d = xe_cur != NULL ? xe_cur->id : (enum xenemu_dialect)0;
	pthread_mutex_unlock(&xe_lock);
	return (d);
}

int
xenemu_device_present(const char *path, int on)
{
	const struct xe_devpath *dp;
	int known, idx, r = -1;

	pthread_mutex_lock(&xe_lock);
	if (xe_cur != NULL && path != NULL &&
	    (dp = dev_lookup(path, &known, &idx)) != NULL) {
		present[idx] = on != 0;
		r = 0;
	}
	pthread_mutex_unlock(&xe_lock);
	if (r != 0)
		errno = ENOENT;
	return (r);
}

static void
count_leaks(struct xenemu_leaks *l)
{
	struct xe_map *m;
	struct xe_gmap *g;
	struct xe_lockrec *lk;
	struct xe_dom *d0;
	unsigned int i;

	memset(l, 0, sizeof(*l));
	for (i = 0; i < XE_MAXFD; i++)
		if (fdtab[i] != NULL && fdget((int)i) != NULL)
			l->fds++;
	for (m = maps; m != NULL; m = m->next)
		if (m->kind == XM_HCALL)
			l->hcall_bufs++;
		else
			l->mappings++;
	for (g = gmaps; g != NULL; g = g->next)
		l->grants += g->count;
	for (lk = locks; lk != NULL; lk = lk->next)
		l->hcall_bufs++;
	if ((d0 = xe_dom_get(0)) != NULL)
		for (i = 1; i < XE_NPORTS; i++)
			if (d0->ports[i].state != XENEMU_PORT_FREE)
				l->ports++;
}

void
xenemu_leaks(struct xenemu_leaks *l)
{
	pthread_mutex_lock(&xe_lock);
	count_leaks(l);
	pthread_mutex_unlock(&xe_lock);
}

int
xenemu_assert_no_leaks(void)
{
	struct xenemu_leaks l;
	struct xe_map *m;
	unsigned int i;

	pthread_mutex_lock(&xe_lock);
	count_leaks(&l);
	if (l.fds + l.mappings + l.grants + l.ports + l.hcall_bufs == 0) {
		pthread_mutex_unlock(&xe_lock);
		return (0);
	}
	fprintf(stderr, "xenemu: leaked %u fds, %u mappings, %u grants, "
	    "%u ports, %u hypercall buffers\n", l.fds, l.mappings, l.grants,
	    l.ports, l.hcall_bufs);
	for (i = 0; i < XE_MAXFD; i++)
		if (fdtab[i] != NULL)
			fprintf(stderr, "xenemu:   fd %u: %s\n", i,
			    fdtab[i]->path);
	for (m = maps; m != NULL; m = m->next)
		fprintf(stderr, "xenemu:   mapping %#lx, %u pages, kind %d\n",
		    (unsigned long)m->start, m->npages, (int)m->kind);
	pthread_mutex_unlock(&xe_lock);
	return (-1);
}
