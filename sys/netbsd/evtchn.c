/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * libxenevtchn backend for NetBSD: /dev/xenevt, a cloning device (each
 * open is a new instance).  The IOCTL_EVTCHN_BIND_* ioctls return the new
 * local port in the argument's `port' member; read() gives pending ports
 * as 32-bit values, but write() takes the ports to unmask as 16-bit
 * values (xenevt_fwrite), and reports the byte count, which unmask turns
 * into 0.  NetBSD has no way to restrict the device to one domain.
 * See private.h.
 *
 * Supported kernels: NetBSD 9.x and 10.x (xenevt's ioctls are the same).
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "private.h"
#include "xen_ioctl.h"

const char *
xenevtchn_os_device(void)
{
	return NETBSD_XENEVT_PATH;
}

int
xenevtchn_os_open(int cloexec)
{
	return open(NETBSD_XENEVT_PATH, O_RDWR | (cloexec ? O_CLOEXEC : 0));
}

int
xenevtchn_os_close(int fd)
{
	return close(fd);
}

/*
 * The port a successful bind ioctl wrote back.  Called after the ioctl,
 * never with the ioctl in the same argument list (unsequenced).
 */
/*
 * xenevtchn_fioctl() (xenevt.c 1.65) hands Xen's error code to userland unchanged as
 * the errno of a failed bind or of the close an unbind makes.  Xen's codes are Linux's; on the BSDs two
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

int
xenevtchn_os_bind_unbound_port(int fd, domid_t domid)
{
	struct ioctl_evtchn_bind_unbound_port arg;
	int rc;

	arg.remote_domain = domid;
	arg.port = 0;
	rc = ioctl(fd, IOCTL_EVTCHN_BIND_UNBOUND_PORT, &arg);
	return bind_result(rc, arg.port);
}

int
xenevtchn_os_bind_interdomain(int fd, domid_t domid,
    evtchn_port_t remote_port)
{
	struct ioctl_evtchn_bind_interdomain arg;
	int rc;

	arg.remote_domain = domid;
	arg.remote_port = remote_port;
	arg.port = 0;
	rc = ioctl(fd, IOCTL_EVTCHN_BIND_INTERDOMAIN, &arg);
	return bind_result(rc, arg.port);
}

int
xenevtchn_os_bind_virq(int fd, unsigned int virq)
{
	struct ioctl_evtchn_bind_virq arg;
	int rc;

	arg.virq = virq;
	arg.port = 0;
	rc = ioctl(fd, IOCTL_EVTCHN_BIND_VIRQ, &arg);
	return bind_result(rc, arg.port);
}

int
xenevtchn_os_unbind(int fd, evtchn_port_t port)
{
	struct ioctl_evtchn_unbind arg;

	arg.port = port;
	if (ioctl(fd, IOCTL_EVTCHN_UNBIND, &arg) == 0)
		return 0;
	xen_raw_errno();
	return -1;
}

int
xenevtchn_os_notify(int fd, evtchn_port_t port)
{
	struct ioctl_evtchn_notify arg;

	arg.port = port;
	return ioctl(fd, IOCTL_EVTCHN_NOTIFY, &arg) < 0 ? -1 : 0;
}

int
xenevtchn_os_unmask(int fd, evtchn_port_t port)
{
	uint16_t p;
	ssize_t n;

	/* The kernel ignores ports it cannot hold in 16 bits. */
	if (port > 0xFFFFU) {
		errno = EINVAL;
		return -1;
	}
	p = (uint16_t)port;
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
