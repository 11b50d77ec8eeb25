/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A logger for the xencall tests that keeps the last message, so a test
 * can check that a failure was reported, with which errno and context.
 */
#ifndef XENCALL_CAPTURE_H
#define XENCALL_CAPTURE_H

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <atf-c.h>
#include <xentoollog.h>

struct capture {
	xentoollog_logger	vtable;
	unsigned int		count;		/* messages at XTL_ERROR or above */
	int			errnoval;
	char			context[32];
	char			msg[512];
};

static void
capture_vmessage(xentoollog_logger *logger, xentoollog_level level,
    int errnoval, const char *context, const char *format, va_list al)
{
	struct capture *c = (struct capture *)(void *)logger;

	if (level < XTL_ERROR)
		return;
	c->count++;
	c->errnoval = errnoval;
	snprintf(c->context, sizeof(c->context), "%s",
	    context != NULL ? context : "");
	vsnprintf(c->msg, sizeof(c->msg), format, al);
}

static void
capture_destroy(xentoollog_logger *logger)
{
	(void)logger;
}

static void
capture_init(struct capture *c)
{
	memset(c, 0, sizeof(*c));
	c->vtable.vmessage = capture_vmessage;
	c->vtable.destroy = capture_destroy;
}

/* Assert one more error was logged, with errno e and context "xencall". */
#define CAPTURE_EXPECT(c, before, e) do {				\
	ATF_CHECK_MSG((c)->count > (before), "no message logged");	\
	ATF_CHECK_EQ_MSG((c)->errnoval, (e), "logged errno %d, not %d",	\
	    (c)->errnoval, (e));					\
	ATF_CHECK_STREQ((c)->context, "xencall");			\
} while (0)

#endif /* XENCALL_CAPTURE_H */
