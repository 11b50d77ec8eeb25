/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A xentoollog logger that remembers the last message, for checking that
 * a failure was reported with the right context and errno.
 */
#ifndef EVTCHN_CAPTURE_H
#define EVTCHN_CAPTURE_H

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <xentoollog.h>

struct capture {
	xentoollog_logger	vtable;
	int			count;		/* messages at XTL_ERROR+ */
	int			errnoval;
	xentoollog_level	level;
	char			context[32];
	char			text[256];
};

static void capture_vmessage(struct xentoollog_logger *, xentoollog_level,
    int, const char *, const char *, va_list) XTL_PRINTF_LIKE(5, 0);

static void
capture_vmessage(struct xentoollog_logger *l, xentoollog_level level,
    int errnoval, const char *context, const char *format, va_list al)
{
	struct capture *c = (struct capture *)(void *)l;

	if (level < XTL_ERROR)
		return;
	c->count++;
	c->level = level;
	c->errnoval = errnoval;
	snprintf(c->context, sizeof(c->context), "%s",
	    context != NULL ? context : "");
	vsnprintf(c->text, sizeof(c->text), format, al);
}

static void
capture_destroy(struct xentoollog_logger *l)
{
}

static inline xentoollog_logger *
capture_init(struct capture *c)
{
	memset(c, 0, sizeof(*c));
	c->vtable.vmessage = capture_vmessage;
	c->vtable.destroy = capture_destroy;
	return &c->vtable;
}

/* The last failure was logged by libxenevtchn with errno e. */
#define CHECK_LOGGED(c, n, e) do {					\
	ATF_CHECK_EQ_MSG((c)->count, (n), "messages: %d", (c)->count);	\
	ATF_CHECK_STREQ((c)->context, "xenevtchn");			\
	ATF_CHECK_EQ_MSG((c)->errnoval, (e), "logged errno %d",		\
	    (c)->errnoval);						\
} while (0)

#endif /* EVTCHN_CAPTURE_H */
