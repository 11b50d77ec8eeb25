/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * xlbench-run: time the builds of xlbench.c side by side in one process.
 *
 *   xlbench-run [-g pvh-domid] [-r repeats] [-t target-ms] [-o op-prefix]
 *       MODULE.so...
 *
 * Each module (xlbench-floor.so, xlbench-xenlibs.so, xlbench-upstream.so)
 * is loaded with dlmopen(3) into a link-map namespace of its own, so each
 * runs on its own copies of libxen* (xenlibs' or Debian's).  For every
 * operation the batches of the variants are interleaved (A B C, B C A, ...),
 * so a slow patch of the emulator or of the host falls on all of them alike.
 * Output: the raw lines described in xlbench.c (S, E, L, I).
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <link.h>

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "xlbench.h"

#define MAXMOD	4

/*
 * An operation that does not finish (a lost wake-up would block a pending
 * read for ever) must not cost the whole run: after BENCH_OP_TIMEOUT
 * seconds (300) say which one it was and stop; dom0.sh goes on.
 */
static char timeout_line[160];

static void
on_alarm(int sig)
{
	(void)sig;
	(void)write(STDOUT_FILENO, timeout_line, strlen(timeout_line));
	_exit(3);
}

static int64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int64_t
run_batch(int (*fn)(void), long count, int *err)
{
	int64_t t0 = now_ns();
	long i;

	for (i = 0; i < count; i++)
		if (fn() != 0) {
			*err = errno ? errno : EIO;
			return -1;
		}
	return now_ns() - t0;
}

/* Print the libxen* objects of a module's namespace. */
static void
print_libs(void *h, const char *variant)
{
	struct link_map *lm = NULL;

	if (dlinfo(h, RTLD_DI_LINKMAP, &lm) != 0 || lm == NULL)
		return;
	while (lm->l_prev != NULL)
		lm = lm->l_prev;
	for (; lm != NULL; lm = lm->l_next)
		if (lm->l_name != NULL && strstr(lm->l_name, "/libxen") != NULL) {
			char real[PATH_MAX];

			printf("L,%s,%s\n", variant,
			    realpath(lm->l_name, real) != NULL ? real :
			    lm->l_name);
		}
}

int
main(int argc, char **argv)
{
	const struct xlb_module *mod[MAXMOD];
	long count[MAXMOD];
	int bad[MAXMOD], live[MAXMOD], heavy[MAXMOD];
	int nmod = 0, guest = -1, repeats = 5, i, j, r, err;
	long target_ms = 200;
	unsigned op_timeout = 300;
	const char *only = "";
	size_t k;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-g") == 0 && i + 1 < argc)
			guest = atoi(argv[++i]);
		else if (strcmp(argv[i], "-r") == 0 && i + 1 < argc)
			repeats = atoi(argv[++i]);
		else if (strcmp(argv[i], "-t") == 0 && i + 1 < argc)
			target_ms = atol(argv[++i]);
		else if (strcmp(argv[i], "-o") == 0 && i + 1 < argc)
			only = argv[++i];
		else if (argv[i][0] == '-') {
			fprintf(stderr, "usage: xlbench-run [-g domid] [-r repeats] "
			    "[-t target-ms] [-o op-prefix] module.so...\n");
			return 2;
		} else if (nmod < MAXMOD) {
			void *h = dlmopen(LM_ID_NEWLM, argv[i], RTLD_NOW |
			    RTLD_LOCAL);
			const struct xlb_module *m;

			if (h == NULL || (m = dlsym(h, "xlb_module")) == NULL) {
				printf("E,%s,load,%s\n", argv[i], dlerror());
				continue;
			}
			print_libs(h, m->variant);
			bad[nmod] = m->init(guest, &err);
			if (bad[nmod] < 0) {
				printf("E,%s,setup,%s\n", m->variant,
				    strerror(err));
				continue;
			}
			printf("I,%s,batched_pending,%s\n", m->variant,
			    m->batched_pending ? "yes" : "no");
			mod[nmod++] = m;
		}
	}
	fflush(stdout);
	if (nmod == 0)
		return 1;
	if (getenv("BENCH_OP_TIMEOUT") != NULL)
		op_timeout = (unsigned)atoi(getenv("BENCH_OP_TIMEOUT"));
	signal(SIGALRM, on_alarm);

	for (k = 0; k < mod[0]->nbenches; k++) {
		const struct xlb_bench *b0 = &mod[0]->benches[k];
		int64_t t;

		if (strncmp(b0->name, only, strlen(only)) != 0)
			continue;
		fprintf(stderr, "xlbench-run: %s\n", b0->name);
		snprintf(timeout_line, sizeof(timeout_line),
		    "E,all,%s,no end after %u s\n", b0->name, op_timeout);
		alarm(op_timeout);
		/* Warm up and size the batch of each variant on its own. */
		for (j = 0; j < nmod; j++) {
			const struct xlb_bench *b = &mod[j]->benches[k];
			long target = target_ms * 1000000L;

			live[j] = 0;
			if (b->needs & bad[j]) {
				printf("E,%s,%s,%s\n", mod[j]->variant, b->name,
				    (b->needs & bad[j] & XLB_NEEDS_GUEST) ?
				    "no PVH guest" : "setup failed");
				continue;
			}
			count[j] = 1;
			err = 0;
			for (;;) {
				if ((t = run_batch(b->fn, count[j], &err)) < 0)
					break;
				if (t >= target / 4 || count[j] >= (1L << 30))
					break;
				count[j] *= t < target / 64 ? 8 : 2;
			}
			if (t < 0) {
				printf("E,%s,%s,%s\n", mod[j]->variant, b->name,
				    strerror(err));
				continue;
			}
			/*
			 * One slow patch of the host must not size the batch:
			 * size it from the best of three trials.
			 */
			heavy[j] = count[j] == 1 && t > 4 * target;
			for (r = 0; r < 2 && t >= 0 && count[j] > 1; r++) {
				int64_t t2 = run_batch(b->fn, count[j], &err);

				if (t2 < 0)
					t = t2;
				else if (t2 < t)
					t = t2;
			}
			if (t < 0) {
				printf("E,%s,%s,%s\n", mod[j]->variant, b->name,
				    strerror(err));
				continue;
			}
			if (t < target)
				count[j] = (long)((double)count[j] *
				    (double)target / (double)(t > 0 ? t : 1));
			if (count[j] < 1)
				count[j] = 1;
			live[j] = 1;
		}
		for (r = 0; r < repeats; r++) {
			for (i = 0; i < nmod; i++) {
				const struct xlb_bench *b;

				j = (i + r) % nmod;
				/* An operation of seconds (a burst): 3 batches. */
				if (!live[j] || (heavy[j] && r >= 3))
					continue;
				b = &mod[j]->benches[k];
				if ((t = run_batch(b->fn, count[j], &err)) < 0) {
					printf("E,%s,%s,%s\n", mod[j]->variant,
					    b->name, strerror(err));
					live[j] = 0;
					continue;
				}
				printf("S,%s,%s,%s,%u,%ld,%lld\n",
				    mod[j]->variant, b->name, b->family,
				    b->units, count[j], (long long)t);
				/* Too short to read off a 4 ms clock: grow. */
				if (t < target_ms * 1000000L / 4)
					count[j] *= 4;
			}
			fflush(stdout);
		}
	}
	alarm(0);
	return 0;
}
