/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The stdio stream logger.  Messages at or above a minimum level go to a
 * FILE, one line each.  Progress either redraws one line with carriage
 * returns (the default on a terminal) or prints sparse lines: one per
 * five percent, finer steps only at XTL_DETAIL.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "xentoollog.h"
#include "xenlibs_cdefs.h"

#define PROGRESS_STEP	5	/* percent between sparse progress lines */

struct xentoollog_logger_stdiostream {
	xentoollog_logger	vtable;		/* must stay first */
	FILE			*f;
	xentoollog_level	min_level;
	unsigned		flags;
	int			tty;		/* f was a terminal at creation */
	int			line_width;	/* progress line on screen, or 0 */
	int			last_percent;	/* of the current task, or -1 */
};

static int
use_cr(const struct xentoollog_logger_stdiostream *s)
{
	if (s->flags & XTL_STDIOSTREAM_PROGRESS_USE_CR)
		return 1;
	if (s->flags & XTL_STDIOSTREAM_PROGRESS_NO_CR)
		return 0;
	return s->tty;
}

/* A message must not be printed over a half-drawn progress line. */
static void
erase_progress(struct xentoollog_logger_stdiostream *s)
{
	if (s->line_width > 0) {
		fprintf(s->f, "\r%*s\r", s->line_width, "");
		s->line_width = 0;
	}
}

/* Returns the columns printed, which a redrawn progress line must count. */
static int
print_prefix(struct xentoollog_logger_stdiostream *s)
{
	char date[64];
	struct tm tm;
	time_t now;
	int width = 0, n;

	if (s->flags & XTL_STDIOSTREAM_SHOW_DATE) {
		now = time(NULL);
		if (localtime_r(&now, &tm) != NULL &&
		    strftime(date, sizeof(date), "%Y-%m-%d %H:%M:%S %Z", &tm) > 0 &&
		    (n = fprintf(s->f, "%s ", date)) > 0)
			width += n;
	}
	if ((s->flags & XTL_STDIOSTREAM_SHOW_PID) &&
	    (n = fprintf(s->f, "[%lu] ", (unsigned long)getpid())) > 0)
		width += n;
	return width;
}

static void
stdiostream_vmessage(xentoollog_logger *logger, xentoollog_level level,
    int errnoval, const char *context, const char *format, va_list al)
{
	struct xentoollog_logger_stdiostream *s = (void *)logger;

	if (level < s->min_level)
		return;
	flockfile(s->f);
	erase_progress(s);
	print_prefix(s);
	if (context != NULL)
		fprintf(s->f, "%s: ", context);
	fprintf(s->f, "%s: ", xtl_level_to_string(level));
	vfprintf(s->f, format, al);
	if (errnoval >= 0)
		fprintf(s->f, ": %s", strerror(errnoval));
	fputc('\n', s->f);
	fflush(s->f);
	funlockfile(s->f);
}

static void
print_message(xentoollog_logger *logger, xentoollog_level level,
    const char *context, const char *format, ...)
{
	va_list al;

	va_start(al, format);
	stdiostream_vmessage(logger, level, -1, context, format, al);
	va_end(al);
}

static void
stdiostream_progress(xentoollog_logger *logger, const char *context,
    const char *doing_what, int percent, unsigned long done,
    unsigned long total)
{
	struct xentoollog_logger_stdiostream *s = (void *)logger;
	xentoollog_level level;
	int width;

	/* The stream's lock also guards the progress state below. */
	flockfile(s->f);
	if ((s->flags & XTL_STDIOSTREAM_HIDE_PROGRESS) ||
	    percent == s->last_percent)
		goto out;
	/* A new task (done back at 0) or a big step is worth a line. */
	if (percent < s->last_percent || done == 0 ||
	    percent >= s->last_percent + PROGRESS_STEP || percent == 100)
		level = XTL_PROGRESS;
	else
		level = XTL_DETAIL;
	if (level < s->min_level)
		goto out;
	s->last_percent = percent;

	if (!use_cr(s)) {
		/* A small step is labelled detail, as it is filtered. */
		print_message(logger, level, context, "%s: %lu/%lu  %3d%%",
		    doing_what, done, total, percent);
		goto out;
	}
	fputc('\r', s->f);
	width = print_prefix(s);
	width += fprintf(s->f, "%s%s%s: %lu/%lu  %3d%%",
	    context ? context : "", context ? ": " : "", doing_what, done,
	    total, percent);
	/* Blank what is left of a longer previous line. */
	if (width < s->line_width)
		fprintf(s->f, "%*s", s->line_width - width, "");
	if (percent == 100) {
		fputc('\n', s->f);
		s->line_width = 0;
		s->last_percent = -1;
	} else
		s->line_width = width > s->line_width ? width : s->line_width;
	fflush(s->f);
out:
	funlockfile(s->f);
}

static void
stdiostream_destroy(xentoollog_logger *logger)
{
	struct xentoollog_logger_stdiostream *s = (void *)logger;

	flockfile(s->f);
	if (s->line_width > 0)
		fputc('\n', s->f);
	fflush(s->f);
	funlockfile(s->f);
	free(s);
}

XENLIBS_EXPORT xentoollog_logger_stdiostream *
xtl_createlogger_stdiostream(FILE *f, xentoollog_level min_level,
    unsigned flags)
{
	struct xentoollog_logger_stdiostream *s;

	if (f == NULL) {
		errno = EINVAL;
		return NULL;
	}
	if ((flags & XTL_STDIOSTREAM_PROGRESS_USE_CR) &&
	    (flags & XTL_STDIOSTREAM_PROGRESS_NO_CR)) {
		fprintf(f, "xentoollog: progress cannot both use and not use "
		    "carriage returns\n");
		errno = EINVAL;
		return NULL;
	}
	if ((s = calloc(1, sizeof(*s))) == NULL) {
		/* There is no logger yet: the stream is the place to say so. */
		fprintf(f, "xentoollog: cannot allocate a logger: %s\n",
		    strerror(errno));
		errno = ENOMEM;
		return NULL;
	}
	s->vtable.vmessage = stdiostream_vmessage;
	s->vtable.progress = stdiostream_progress;
	s->vtable.destroy = stdiostream_destroy;
	s->f = f;
	s->min_level = min_level;
	s->flags = flags;
	s->tty = isatty(fileno(f));
	s->last_percent = -1;
	return s;
}

XENLIBS_EXPORT void
xtl_stdiostream_set_minlevel(xentoollog_logger_stdiostream *s,
    xentoollog_level min_level)
{
	if (s != NULL)
		s->min_level = min_level;
}

XENLIBS_EXPORT void
xtl_stdiostream_adjust_flags(xentoollog_logger_stdiostream *s,
    unsigned set_flags, unsigned clear_flags)
{
	if (s == NULL)
		return;
	flockfile(s->f);
	s->flags = (s->flags & ~clear_flags) | set_flags;
	/* Hiding progress takes a half-drawn line off the screen too. */
	if (s->flags & XTL_STDIOSTREAM_HIDE_PROGRESS) {
		erase_progress(s);
		s->last_percent = -1;
		fflush(s->f);
	}
	funlockfile(s->f);
}
