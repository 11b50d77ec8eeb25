/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Request codes and argument layouts of sys/<os>/xen_ioctl.h against the
 * test vectors in kernel-abi.md (and, on Linux, the kernel's own headers).
 * A wrong code or layout here means a backend talks nonsense to a kernel.
 */

#include <stdio.h>

#include <atf-c.h>

#include "abi_vectors.h"

void
abi_check_codes(const struct abi_code *c, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		ATF_CHECK_MSG(c[i].got == c[i].want,
		    "%s is 0x%08lx, want 0x%08lx", c[i].name, c[i].got,
		    c[i].want);
}

void
abi_check_layouts(const struct abi_layout *l, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		ATF_CHECK_MSG(l[i].got == l[i].want, "%s is %zu, want %zu",
		    l[i].what, l[i].got, l[i].want);
}

ATF_TP_ADD_TCS(tp)
{
	atf_error_t err;

	if (atf_is_error(err = abi_linux_add_tcs(tp)))
		return (err);
	if (atf_is_error(err = abi_freebsd_add_tcs(tp)))
		return (err);
	return (abi_netbsd_add_tcs(tp));
}
