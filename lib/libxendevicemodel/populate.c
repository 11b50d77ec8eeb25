/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * xendevicemodel_populate_ram(): back guest frames with fresh RAM, for the
 * video memory and option ROMs a device model provides.  Replaces
 * libxenctrl's xc_domain_populate_physmap_exact() with the stable
 * memory_op interface, issued through libxenhypercall.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "private.h"
#include "dm_op.h"
#include "xenlibs_cdefs.h"

/* One memory_op on nr frames of gfns; the number done, or -1 + errno. */
static long
reservation_op(xencall_handle *xcall, unsigned int cmd, domid_t domid,
    uint32_t nr, const xen_pfn_t *gfns)
{
	struct xendm_memory_reservation *res;
	xendm_pfn *frames;
	uint32_t i;
	long rc = -1;
	int serrno;

	res = xencall_alloc_buffer(xcall, sizeof(*res));
	frames = xencall_alloc_buffer(xcall,
	    (size_t)nr * sizeof(*frames));
	if (res == NULL || frames == NULL)
		goto out;
	/* Element by element: Xen's frame numbers may be wider than ours. */
	for (i = 0; i < nr; i++)
		frames[i] = gfns[i];
	memset(res, 0, sizeof(*res));
	xendm_handle_set(&res->extent_start, frames);
	res->nr_extents = nr;
	res->domid = domid;
	rc = xencall2(xcall, XENDM_HYPERVISOR_memory_op, cmd,
	    (uint64_t)(uintptr_t)res);
out:
	serrno = errno;
	if (frames != NULL)
		xencall_free_buffer(xcall, frames);
	if (res != NULL)
		xencall_free_buffer(xcall, res);
	errno = serrno;
	return rc;
}

XENLIBS_EXPORT int
xendevicemodel_populate_ram(xendevicemodel_handle *dmod, domid_t domid,
    uint32_t nr, const xen_pfn_t gfns[])
{
	xencall_handle *xcall;
	long done;
	int serrno;

	if (dmod == NULL) {
		errno = EINVAL;
		return -1;
	}
	if (nr == 0 || gfns == NULL) {
		xtl_log(dmod->logger, XTL_ERROR, EINVAL, XENDM_LOG_CONTEXT,
		    "%s: %s", __func__, nr == 0 ? "no frames" : "gfns is NULL");
		errno = EINVAL;
		return -1;
	}
	if ((xcall = xendevicemodel__xcall_get(dmod)) == NULL) {
		serrno = errno;
		goto fail;
	}
	done = reservation_op(xcall, XENDM_XENMEM_populate_physmap, domid, nr,
	    gfns);
	if (done == (long)nr) {
		xendevicemodel__xcall_put(dmod, xcall, 0);
		return 0;
	}
	serrno = done < 0 ? errno : ENOMEM;
	/* All or nothing: give back what was populated. */
	if (done > 0 && reservation_op(xcall,
	    XENDM_XENMEM_decrease_reservation, domid, (uint32_t)done,
	    gfns) != done)
		xtl_log(dmod->logger, XTL_ERROR, errno, XENDM_LOG_CONTEXT,
		    "%s: cannot release the %ld frames populated", __func__,
		    done);
	errno = serrno;
	xendevicemodel__xcall_put(dmod, xcall, 1);
	serrno = errno;
fail:
	xtl_log(dmod->logger, XTL_ERROR, serrno, XENDM_LOG_CONTEXT,
	    "%s: cannot populate %u frames of domain %u", __func__,
	    (unsigned)nr, (unsigned)domid);
	errno = serrno;
	return -1;
}
