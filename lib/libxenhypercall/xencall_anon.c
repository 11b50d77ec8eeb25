/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Hypercall buffers for kernels without a buffer device: anonymous memory,
 * locked so the hypervisor never meets a page that is paged out, and kept
 * out of child processes (how is the backend's business), so that a
 * child's copy-on-write cannot move a page the parent handed to Xen.
 */
#include <sys/mman.h>

#include <errno.h>

#include "private.h"

void *
xencall__anon_pages(xencall_handle *xcall, size_t npages, int quiet)
{
	size_t len = npages * XENCALL_PAGE_SIZE;
	const char *what;
	void *p;
	int saved;

	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANON,
	    -1, 0);
	if (p == MAP_FAILED) {
		saved = errno;
		if (!quiet)
			xtl_log(xcall->logger, XTL_ERROR, saved,
			    XENCALL_LOGCTX, "cannot map %zu anonymous pages",
			    npages);
		errno = saved;
		return NULL;
	}
	if (mlock(p, len) == -1) {
		saved = errno;
		what = "lock";
		goto unmap;
	}
	if (xencall_os_keep_from_children(p, len) == -1) {
		saved = errno;
		what = "keep out of child processes";
		goto unlock;
	}
	return p;

unlock:
	munlock(p, len);
unmap:
	munmap(p, len);
	if (!quiet)
		xtl_log(xcall->logger, XTL_ERROR, saved, XENCALL_LOGCTX,
		    "cannot %s %zu pages", what, npages);
	errno = saved;
	return NULL;
}

void
xencall__anon_pages_free(void *p, size_t npages)
{
	size_t len = npages * XENCALL_PAGE_SIZE;
	int saved = errno;

	munlock(p, len);
	munmap(p, len);
	errno = saved;
}
