/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Helpers shared by the libxendevicemodel tests: a logger that records
 * what the library said.
 */
#ifndef DM_TEST_H
#define DM_TEST_H

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <atf-c.h>
#include <xentoollog.h>

struct dm_logger {
	xentoollog_logger	vtable;
	unsigned int		messages;	/* at XTL_ERROR or above */
	int			last_errno;
	char			last_context[32];
	char			last[256];
};

static void
dm_logger_vmessage(xentoollog_logger *l, xentoollog_level level,
    int errnoval, const char *context, const char *format, va_list al)
{
	struct dm_logger *d = (struct dm_logger *)(void *)l;

	if (level < XTL_ERROR)
		return;
	d->messages++;
	d->last_errno = errnoval;
	snprintf(d->last_context, sizeof(d->last_context), "%s",
	    context != NULL ? context : "");
	vsnprintf(d->last, sizeof(d->last), format, al);
}

static void
dm_logger_progress(xentoollog_logger *l, const char *context,
    const char *doing_what, int percent, unsigned long done,
    unsigned long total)
{
}

static void
dm_logger_destroy(xentoollog_logger *l)
{
}

static inline void
dm_logger_init(struct dm_logger *d)
{
	memset(d, 0, sizeof(*d));
	d->vtable.vmessage = dm_logger_vmessage;
	d->vtable.progress = dm_logger_progress;
	d->vtable.destroy = dm_logger_destroy;
}

/* The last message was an error from this library about errno err. */
#define DM_CHECK_LOGGED(d, n0, err)					\
	do {								\
		ATF_CHECK_MSG((d)->messages > (n0),			\
		    "no message logged");				\
		ATF_CHECK_STREQ((d)->last_context, "xendevicemodel");	\
		ATF_CHECK_EQ((d)->last_errno, (err));			\
	} while (0)

/*
 * The domid of a running guest of kind "pv" or "pvh" from the xenlab
 * harness, like xt_guest_domid(), but reading only the harness's standard
 * output: its progress lines on standard error would otherwise hide the
 * domid on the first call.  Skips the test case when there is no guest.
 */
static inline int
dm_guest_domid(const char *kind)
{
	char cmd[128], line[256], last[256] = "";
	FILE *p;
	int domid = -1, status;

	snprintf(cmd, sizeof(cmd), "xenlab-guest %s 2>/dev/null", kind);
	if ((p = popen(cmd, "r")) == NULL)
		atf_tc_skip("cannot run xenlab-guest");
	while (fgets(line, sizeof(line), p) != NULL)
		if (sscanf(line, "%d", &domid) == 1)
			snprintf(last, sizeof(last), "%s", line);
	status = pclose(p);
	if (status != 0 || last[0] == '\0' || domid <= 0)
		atf_tc_skip("no %s guest from the harness (status %d)", kind,
		    status);
	return domid;
}

#endif /* DM_TEST_H */
