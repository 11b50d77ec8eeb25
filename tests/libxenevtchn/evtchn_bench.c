/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Benchmark (not a test): drain events one port per call with
 * xenevtchn_pending() against many per call with xenevtchn_pending_many().
 * Needs Xen (dom0).  "evtchn_bench [EVENTS [PORTS]]": EVENTS events
 * (default 10000) over PORTS looped-back channels (default 100); each
 * round notifies every port once, then drains and unmasks them all.
 * Each way runs three times, interleaved, and the fastest run is shown.
 * Wall-clock times include waiting for the asynchronous delivery of the
 * events (noisy on a loaded host); CPU times count only the calls.
 * Prints the figures and the ratio; asserts nothing.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <xenevtchn.h>

#define MAXPORTS	1024

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

struct result {
	double	total, drain, take;	/* take: inside pending*() only */
	double	cpu, cpu_drain;		/* this thread's CPU time */
	long	events, calls;
};

/* CPU time of this thread: what the calls cost, not the waiting. */
static double
cpu(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int
run(xenevtchn_handle *x, xenevtchn_handle *r, const int *remote, int nports,
    long events, int many, struct result *res)
{
	evtchn_port_t buf[MAXPORTS];
	double t0, t1, c0, c1;
	int i, n, got;

	memset(res, 0, sizeof(*res));
	t0 = now();
	c0 = cpu();
	while (res->events < events) {
		for (i = 0; i < nports; i++)
			if (xenevtchn_notify(r, (evtchn_port_t)remote[i]) != 0)
				return -1;
		t1 = now();
		c1 = cpu();
		for (got = 0; got < nports; got += n) {
			double t2 = now();

			if (many) {
				n = xenevtchn_pending_many(x, buf, MAXPORTS);
			} else {
				int p = xenevtchn_pending(x);

				n = p < 0 ? -1 : 1;
				buf[0] = (evtchn_port_t)p;
			}
			res->take += now() - t2;
			if (n < 0)
				return -1;
			res->calls++;
			for (i = 0; i < n; i++)
				if (xenevtchn_unmask(x, buf[i]) != 0)
					return -1;
		}
		res->drain += now() - t1;
		res->cpu_drain += cpu() - c1;
		res->events += got;
	}
	res->total = now() - t0;
	res->cpu = cpu() - c0;
	return 0;
}

static void
show(const char *name, const struct result *r)
{
	printf("%-13s %6ld events %6ld calls (%.2f ports/call)  "
	    "total %.3f s = %.2f us/event, drain %.2f us/event, "
	    "of which taking %.2f us/event\n", name,
	    r->events, r->calls, (double)r->events / (double)r->calls,
	    r->total, r->total * 1e6 / (double)r->events,
	    r->drain * 1e6 / (double)r->events,
	    r->take * 1e6 / (double)r->events);
	printf("%-13s CPU: total %.2f us/event, drain %.2f us/event\n", "",
	    r->cpu * 1e6 / (double)r->events,
	    r->cpu_drain * 1e6 / (double)r->events);
}

int
main(int argc, char **argv)
{
	xenevtchn_handle *x, *r;
	struct result one, many, r1, r2;
	static int remote[MAXPORTS];
	long events = argc > 1 ? atol(argv[1]) : 10000;
	int nports = argc > 2 ? atoi(argv[2]) : 100, i, la;

	if (nports < 1 || nports > MAXPORTS || events < 1)
		return 2;
	if ((x = xenevtchn_open(NULL, 0)) == NULL ||
	    (r = xenevtchn_open(NULL, 0)) == NULL)
		return 1;
	for (i = 0; i < nports; i++) {
		if ((la = xenevtchn_bind_unbound_port(x, 0)) < 0 ||
		    (remote[i] = xenevtchn_bind_interdomain(r, 0,
		    (evtchn_port_t)la)) < 0)
			return 1;
	}
	/* Warm up, then each way three times, interleaved; keep the best. */
	if (run(x, r, remote, nports, nports * 10L, 0, &one) != 0)
		return 1;
	one.total = many.total = 1e9;
	for (i = 0; i < 3; i++) {
		if (run(x, r, remote, nports, events, 0, &r1) != 0 ||
		    run(x, r, remote, nports, events, 1, &r2) != 0) {
			perror("evtchn_bench");
			return 1;
		}
		if (r1.total < one.total)
			one = r1;
		if (r2.total < many.total)
			many = r2;
	}
	printf("evtchn_bench: %ld events over %d ports\n", events, nports);
	show("pending", &one);
	show("pending_many", &many);
	printf("ratio (pending / pending_many): taking %.2fx, drain "
	    "(taking + unmask) %.2fx, total (with notify) %.2fx, calls %.1fx\n",
	    one.take / many.take, one.drain / many.drain,
	    one.total / many.total, (double)one.calls / (double)many.calls);
	printf("CPU ratio: drain %.2fx, total %.2fx\n",
	    one.cpu_drain / many.cpu_drain, one.cpu / many.cpu);
	xenevtchn_close(x);
	xenevtchn_close(r);
	return 0;
}
