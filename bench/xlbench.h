/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * What one build of xlbench.c offers the driver (xlbench-run.c) when it is
 * built as a module (-DBENCH_MODULE) and loaded with dlmopen(3) into its own
 * link-map namespace, next to the other builds.
 */
#ifndef XLBENCH_H
#define XLBENCH_H

#include <stddef.h>

struct xlb_bench {
	const char	*name;
	const char	*family;	/* what the plot groups by */
	unsigned	 units;		/* pages, frames or events per op */
	int		(*fn)(void);	/* 0, or -1 with errno */
	int		 needs;		/* XLB_NEEDS_* */
};

#define XLB_NEEDS_EVTCHN	1
#define XLB_NEEDS_COPY		2
#define XLB_NEEDS_GUEST		4

struct xlb_module {
	const char		*variant;
	/* Open everything; returns the XLB_NEEDS_* that are unusable. */
	int			(*init)(int guest, int *err);
	const struct xlb_bench	*benches;
	size_t			 nbenches;
	int			 batched_pending;
};

#endif /* XLBENCH_H */
