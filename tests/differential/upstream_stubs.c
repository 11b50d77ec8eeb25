/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The xenlibs-only functions, for the build of the test programs against
 * Debian's libraries: they do not exist there, so they fail with ENOSYS.
 * The test cases calling them are not compared (differential_test.sh).
 */
#include <errno.h>

#include "upstream_compat.h"

int
xenevtchn_pending_many(xenevtchn_handle *xce, evtchn_port_t *ports,
    unsigned int max)
{
	(void)xce; (void)ports; (void)max;
	errno = ENOSYS;
	return -1;
}

int
xendevicemodel_populate_ram(xendevicemodel_handle *dmod, domid_t domid,
    uint32_t nr, const xen_pfn_t gfns[])
{
	(void)dmod; (void)domid; (void)nr; (void)gfns;
	errno = ENOSYS;
	return -1;
}
