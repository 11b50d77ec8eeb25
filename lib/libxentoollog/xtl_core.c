/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The logger-independent half of libxentoollog: dispatch through a
 * logger's callbacks.
 */
#include <errno.h>
#include <limits.h>

#include "xentoollog.h"
#include "xenlibs_cdefs.h"

static const char *const level_names[XTL_NUM_LEVELS] = {
	[XTL_NONE] = "none",
	[XTL_DEBUG] = "debug",
	[XTL_VERBOSE] = "verbose",
	[XTL_DETAIL] = "detail",
	[XTL_PROGRESS] = "progress",
	[XTL_INFO] = "info",
	[XTL_NOTICE] = "notice",
	[XTL_WARN] = "warning",
	[XTL_ERROR] = "error",
	[XTL_CRITICAL] = "critical",
};

XENLIBS_EXPORT const char *
xtl_level_to_string(xentoollog_level level)
{
	/* Documented never to fail, so an out-of-range level is a name too. */
	if ((int)level < 0 || level >= XTL_NUM_LEVELS)
		return "unknown";
	return level_names[level];
}

XENLIBS_EXPORT void
xtl_logv(struct xentoollog_logger *logger, xentoollog_level level,
    int errnoval, const char *context, const char *format, va_list al)
{
	int saved = errno;

	/* Callers log on their error paths and then return errno. */
	if (logger != NULL && logger->vmessage != NULL)
		logger->vmessage(logger, level, errnoval, context, format, al);
	errno = saved;
}

XENLIBS_EXPORT void
xtl_log(struct xentoollog_logger *logger, xentoollog_level level,
    int errnoval, const char *context, const char *format, ...)
{
	va_list al;

	va_start(al, format);
	xtl_logv(logger, level, errnoval, context, format, al);
	va_end(al);
}

/* done * 100 / total without overflowing, never above 100. */
static int
percent_of(unsigned long done, unsigned long total)
{
	unsigned long pct;

	if (total == 0)
		return 0;
	if (done >= total)
		return 100;
	if (done <= ULONG_MAX / 100)
		pct = done * 100 / total;
	else
		pct = done / (total / 100 + 1);
	return pct > 100 ? 100 : (int)pct;
}

XENLIBS_EXPORT void
xtl_progress(struct xentoollog_logger *logger, const char *context,
    const char *doing_what, unsigned long done, unsigned long total)
{
	int saved = errno;

	if (logger != NULL && logger->progress != NULL)
		logger->progress(logger, context, doing_what,
		    percent_of(done, total), done, total);
	errno = saved;
}

XENLIBS_EXPORT void
xtl_logger_destroy(struct xentoollog_logger *logger)
{
	if (logger != NULL && logger->destroy != NULL)
		logger->destroy(logger);
}
