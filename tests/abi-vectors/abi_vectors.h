/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Shared by the compilation units of abi_vectors: each includes one
 * kernel's sys/<os>/xen_ioctl.h (they reuse the kernels' names, so they
 * cannot meet in one unit) and registers its own test cases.
 */

#ifndef ABI_VECTORS_H
#define ABI_VECTORS_H

#include <stddef.h>

#include <atf-c.h>

struct abi_code {
	const char	*name;
	unsigned long	 got;
	unsigned long	 want;
};

struct abi_layout {
	const char	*what;		/* "struct.member" or "sizeof struct" */
	size_t		 got;
	size_t		 want;
};

/* From the kernel's own headers, when they are installed (Linux only). */
struct abi_sys {
	const char	*name;
	unsigned long	 code;
	size_t		 size;		/* the argument struct; 0: none */
};

#define ABI_CODE(n, v)		{ #n, (unsigned long)(n), (v) }
#define ABI_SIZE(t, v)		{ "sizeof " #t, sizeof(t), (v) }
#define ABI_OFF(t, m, v)	{ #t "." #m, offsetof(t, m), (v) }

void	abi_check_codes(const struct abi_code *, size_t);
void	abi_check_layouts(const struct abi_layout *, size_t);

atf_error_t	abi_linux_add_tcs(atf_tp_t *);
atf_error_t	abi_freebsd_add_tcs(atf_tp_t *);
atf_error_t	abi_netbsd_add_tcs(atf_tp_t *);

/* linux_sys.c: NULL/0 when /usr/include/xen is absent at build time. */
extern const struct abi_sys	*abi_linux_sys;
extern const size_t		 abi_linux_nsys;

#endif /* !ABI_VECTORS_H */
