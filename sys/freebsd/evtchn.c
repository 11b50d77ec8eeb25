/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * libxenevtchn backend for FreeBSD: /dev/xen/evtchn.  The bind ioctls
 * return the new local port in the argument's `port' member; read() gives
 * pending ports, write() of ports unmasks them.  FreeBSD has no way to
 * restrict the device to one domain.  See private.h.
 *
 * Ports bound per descriptor.  The driver's UNBIND and NOTIFY take the
 * descriptor's bind_mutex and, for a port this descriptor did not bind,
 * return ENOTCONN without releasing it (sys/dev/xen/evtchn/evtchn_dev.c,
 * evtchn_ioctl(), freebsd-src 8aa5669e7af7, unchanged in 13.x and 14.x):
 * every later bind, unbind, notify or unmask on that descriptor then
 * blocks for ever (an INVARIANTS kernel panics on return to user space).
 * So this backend remembers the ports bound through each descriptor and
 * answers ENOTCONN itself; the kernel never sees such a request.  A
 * descriptor handed to xenevtchn_fdopen() starts with no known ports.
 *
 * Supported kernels: FreeBSD 12.x, 13.x and 14.x (the evtchn ioctls and
 * their numbers are unchanged since the driver moved to
 * sys/dev/xen/evtchn in 12.0).
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "private.h"
#include "xen_ioctl.h"

const char *
xenevtchn_os_device(void)
{
	return FREEBSD_EVTCHN_PATH;
}

/* The ports one descriptor bound: a bitmap grown on demand. */
struct fd_ports {
	struct fd_ports	*next;
	int		 fd;
	pthread_mutex_t	 lock;	/* held across bind, unbind and notify */
	uint32_t	*bits;
	size_t		 nwords;
};

static pthread_mutex_t tab_lock = PTHREAD_MUTEX_INITIALIZER;
static struct fd_ports *tab;
static pthread_once_t tab_once = PTHREAD_ONCE_INIT;

/*
 * fork(2) while another thread holds a lock of the table would leave it
 * held in the child, whose close of an inherited handle would then hang:
 * hold the table lock across fork, and give the child (one thread) fresh
 * per-descriptor locks.
 */
static void tab_prepare(void) { pthread_mutex_lock(&tab_lock); }
static void tab_parent(void) { pthread_mutex_unlock(&tab_lock); }

static void
tab_child(void)
{
	struct fd_ports *e;

	for (e = tab; e != NULL; e = e->next)
		pthread_mutex_init(&e->lock, NULL);
	pthread_mutex_unlock(&tab_lock);
}

static void
tab_init(void)
{
	(void)pthread_atfork(tab_prepare, tab_parent, tab_child);
}

/*
 * fd's entry, locked; created when create is set (else NULL when there
 * is none).  NULL with ENOMEM when it cannot be created.
 */
static struct fd_ports *
ports_lock(int fd, int create)
{
	struct fd_ports *e;

	pthread_once(&tab_once, tab_init);
	pthread_mutex_lock(&tab_lock);
	for (e = tab; e != NULL; e = e->next)
		if (e->fd == fd)
			break;
	if (e == NULL && create) {
		if ((e = calloc(1, sizeof(*e))) == NULL) {
			pthread_mutex_unlock(&tab_lock);
			errno = ENOMEM;
			return NULL;
		}
		e->fd = fd;
		pthread_mutex_init(&e->lock, NULL);
		e->next = tab;
		tab = e;
	}
	pthread_mutex_unlock(&tab_lock);
	if (e != NULL)
		pthread_mutex_lock(&e->lock);
	return e;
}

static void
ports_forget(int fd)
{
	struct fd_ports **pp, *e;

	pthread_mutex_lock(&tab_lock);
	for (pp = &tab; (e = *pp) != NULL; pp = &e->next)
		if (e->fd == fd) {
			*pp = e->next;
			pthread_mutex_destroy(&e->lock);
			free(e->bits);
			free(e);
			break;
		}
	pthread_mutex_unlock(&tab_lock);
}

static int
port_known(const struct fd_ports *e, evtchn_port_t port)
{
	return e != NULL && port / 32 < e->nwords &&
	    (e->bits[port / 32] & (1U << (port % 32))) != 0;
}

/* Record port; -1 (ENOMEM) if the bitmap cannot grow. */
static int
port_add(struct fd_ports *e, evtchn_port_t port)
{
	uint32_t *nb;
	size_t n;

	if (port / 32 >= e->nwords) {
		n = port / 32 + 1;
		if (n < 2 * e->nwords)
			n = 2 * e->nwords;
		if ((nb = realloc(e->bits, n * sizeof(*nb))) == NULL) {
			errno = ENOMEM;
			return -1;
		}
		memset(nb + e->nwords, 0, (n - e->nwords) * sizeof(*nb));
		e->bits = nb;
		e->nwords = n;
	}
	e->bits[port / 32] |= 1U << (port % 32);
	return 0;
}

static void
port_del(struct fd_ports *e, evtchn_port_t port)
{
	if (port_known(e, port))
		e->bits[port / 32] &= ~(1U << (port % 32));
}

int
xenevtchn_os_open(int cloexec)
{
	int fd;

	fd = open(FREEBSD_EVTCHN_PATH, O_RDWR | (cloexec ? O_CLOEXEC : 0));
	if (fd == -1)
		return -1;
	/* A number reused after a close we did not see starts afresh. */
	ports_forget(fd);
	return fd;
}

int
xenevtchn_os_close(int fd)
{
	ports_forget(fd);
	return close(fd);
}

/*
 * The port a successful bind ioctl wrote back.  Called after the ioctl,
 * never with the ioctl in the same argument list (unsequenced).
 */
/*
 * xen_intr_bind_*() (sys/dev/xen/bus/xen_intr.c, freebsd-src b9b97a00a0cc) hands Xen's error code to userland unchanged as
 * the errno of a failed bind.  Xen's codes are Linux's; on the BSDs two
 * that a bind can get mean something else: Xen's EAGAIN (11) reads as
 * EDEADLK and its ENOSYS (38) as ENOTSOCK.  Give them their meaning back
 * (where errno numbering is Linux's, as on the emulated test host, this
 * changes nothing).
 */
static void
xen_raw_errno(void)
{
	if (errno == 11)
		errno = EAGAIN;
	else if (errno == 38)
		errno = ENOSYS;
}

static int
bind_result(int rc, uint32_t port)
{
	if (rc < 0) {
		xen_raw_errno();
		return -1;
	}
	if (port > 0x7FFFFFFFU) {
		errno = EIO;
		return -1;
	}
	return (int)port;
}

/*
 * Record a bound port in e (locked) and unlock it.  If the port cannot be
 * recorded it is unbound again (it is this descriptor's, so the unbind
 * is safe) and the bind fails with ENOMEM.
 */
static int
bind_done(struct fd_ports *e, int fd, int port)
{
	struct ioctl_evtchn_unbind arg;
	int saved;

	if (port >= 0 && port_add(e, (evtchn_port_t)port) == -1) {
		saved = errno;
		arg.port = (uint32_t)port;
		(void)ioctl(fd, IOCTL_EVTCHN_UNBIND, &arg);
		errno = saved;
		port = -1;
	}
	saved = errno;
	pthread_mutex_unlock(&e->lock);
	errno = saved;
	return port;
}

int
xenevtchn_os_bind_unbound_port(int fd, domid_t domid)
{
	struct ioctl_evtchn_bind_unbound_port arg;
	struct fd_ports *e;
	int rc;

	arg.remote_domain = domid;
	arg.port = 0;
	if ((e = ports_lock(fd, 1)) == NULL)
		return -1;
	rc = ioctl(fd, IOCTL_EVTCHN_BIND_UNBOUND_PORT, &arg);
	return bind_done(e, fd, bind_result(rc, arg.port));
}

int
xenevtchn_os_bind_interdomain(int fd, domid_t domid,
    evtchn_port_t remote_port)
{
	struct ioctl_evtchn_bind_interdomain arg;
	struct fd_ports *e;
	int rc;

	arg.remote_domain = domid;
	arg.remote_port = remote_port;
	arg.port = 0;
	if ((e = ports_lock(fd, 1)) == NULL)
		return -1;
	rc = ioctl(fd, IOCTL_EVTCHN_BIND_INTERDOMAIN, &arg);
	return bind_done(e, fd, bind_result(rc, arg.port));
}

int
xenevtchn_os_bind_virq(int fd, unsigned int virq)
{
	struct ioctl_evtchn_bind_virq arg;
	struct fd_ports *e;
	int rc;

	arg.virq = virq;
	arg.port = 0;
	if ((e = ports_lock(fd, 1)) == NULL)
		return -1;
	rc = ioctl(fd, IOCTL_EVTCHN_BIND_VIRQ, &arg);
	return bind_done(e, fd, bind_result(rc, arg.port));
}

/* fd's entry, locked, if port was bound through fd; else NULL, ENOTCONN. */
static struct fd_ports *
ports_lock_bound(int fd, evtchn_port_t port)
{
	struct fd_ports *e = ports_lock(fd, 0);

	if (port_known(e, port))
		return e;
	if (e != NULL)
		pthread_mutex_unlock(&e->lock);
	errno = ENOTCONN;
	return NULL;
}

/*
 * Unbind and notify reach the kernel only for a port this descriptor
 * bound (see the top of the file); any other port is ENOTCONN, the
 * driver's own answer, without the kernel's lock left held.
 */
int
xenevtchn_os_unbind(int fd, evtchn_port_t port)
{
	struct ioctl_evtchn_unbind arg;
	struct fd_ports *e;
	int rc, saved;

	if ((e = ports_lock_bound(fd, port)) == NULL)
		return -1;
	arg.port = port;
	rc = ioctl(fd, IOCTL_EVTCHN_UNBIND, &arg);
	saved = errno;
	/* Not the kernel's any more (ENOTCONN: it never knew the port). */
	if (rc == 0 || saved == ENOTCONN)
		port_del(e, port);
	pthread_mutex_unlock(&e->lock);
	errno = saved;
	return rc < 0 ? -1 : 0;
}

int
xenevtchn_os_notify(int fd, evtchn_port_t port)
{
	struct ioctl_evtchn_notify arg;
	struct fd_ports *e;
	int rc, saved;

	if ((e = ports_lock_bound(fd, port)) == NULL)
		return -1;
	arg.port = port;
	rc = ioctl(fd, IOCTL_EVTCHN_NOTIFY, &arg);
	saved = errno;
	pthread_mutex_unlock(&e->lock);
	errno = saved;
	return rc < 0 ? -1 : 0;
}

int
xenevtchn_os_unmask(int fd, evtchn_port_t port)
{
	uint32_t p = port;
	ssize_t n;

	if ((n = write(fd, &p, sizeof(p))) == -1)
		return -1;
	if (n != (ssize_t)sizeof(p)) {
		errno = EIO;
		return -1;
	}
	return 0;
}

int
xenevtchn_os_restrict(int fd, domid_t domid)
{
	errno = EOPNOTSUPP;
	return -1;
}

int
xenevtchn_os_read_ports(int fd, evtchn_port_t *ports, unsigned int max)
{
	ssize_t n;

	if ((n = read(fd, ports, (size_t)max * sizeof(*ports))) == -1)
		return -1;
	/* Whole ports only; 0 bytes is end of file (a neutered handle). */
	if (n == 0 || n % (ssize_t)sizeof(*ports) != 0) {
		errno = EIO;
		return -1;
	}
	return (int)(n / (ssize_t)sizeof(*ports));
}
