/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * libxentoollog: levels, flags, progress on a pipe and on a pty, custom
 * loggers through the vtable.
 */
#define _XOPEN_SOURCE	700	/* posix_openpt() and friends */
#include <atf-c.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <xentoollog.h>

/* Everything a stdiostream logger wrote to a memory stream. */
struct capture {
	FILE	*f;
	char	*buf;
	size_t	 len;
};

static xentoollog_logger_stdiostream *
capture_open(struct capture *c, xentoollog_level min, unsigned flags)
{
	xentoollog_logger_stdiostream *s;

	c->f = open_memstream(&c->buf, &c->len);
	ATF_REQUIRE(c->f != NULL);
	s = xtl_createlogger_stdiostream(c->f, min, flags);
	ATF_REQUIRE(s != NULL);
	return s;
}

static const char *
capture_text(struct capture *c)
{
	fflush(c->f);
	return c->buf;
}

static void
capture_close(struct capture *c, xentoollog_logger_stdiostream *s)
{
	xtl_logger_destroy((xentoollog_logger *)s);
	fclose(c->f);
	free(c->buf);
}

ATF_TC_WITHOUT_HEAD(level_names);
ATF_TC_BODY(level_names, tc)
{
	static const char *const want[] = { "none", "debug", "verbose",
	    "detail", "progress", "info", "notice", "warning", "error",
	    "critical" };
	int i;

	ATF_REQUIRE_EQ(XTL_NUM_LEVELS, 10);
	for (i = 0; i < XTL_NUM_LEVELS; i++)
		ATF_CHECK_STREQ(xtl_level_to_string((xentoollog_level)i), want[i]);
	/* Documented never to fail, even out of range. */
	ATF_CHECK_STREQ(xtl_level_to_string(XTL_NUM_LEVELS), "unknown");
	ATF_CHECK_STREQ(xtl_level_to_string((xentoollog_level)-1), "unknown");
}

ATF_TC_WITHOUT_HEAD(message_format);
ATF_TC_BODY(message_format, tc)
{
	struct capture c;
	xentoollog_logger_stdiostream *s = capture_open(&c, XTL_DEBUG, 0);
	xentoollog_logger *l = (xentoollog_logger *)s;
	char want[256];

	xtl_log(l, XTL_ERROR, ENOENT, "ctx", "hello %d", 42);
	xtl_log(l, XTL_INFO, -1, NULL, "no context");
	xtl_log(l, XTL_DEBUG, 0, "c", "errno zero");
	snprintf(want, sizeof(want), "ctx: error: hello 42: %s\n"
	    "info: no context\n"
	    "c: debug: errno zero: %s\n", strerror(ENOENT), strerror(0));
	ATF_CHECK_STREQ(capture_text(&c), want);
	capture_close(&c, s);
}

ATF_TC_WITHOUT_HEAD(every_level_filtered);
ATF_TC_BODY(every_level_filtered, tc)
{
	int min, lvl;

	/* For each minimum, exactly the levels at or above it appear. */
	for (min = XTL_DEBUG; min < XTL_NUM_LEVELS; min++) {
		struct capture c;
		xentoollog_logger_stdiostream *s =
		    capture_open(&c, (xentoollog_level)min, 0);
		int lines = 0;
		const char *p;

		for (lvl = XTL_DEBUG; lvl < XTL_NUM_LEVELS; lvl++)
			xtl_log((xentoollog_logger *)s, (xentoollog_level)lvl,
			    -1, "t", "m%d", lvl);
		for (p = capture_text(&c); *p != '\0'; p++)
			lines += *p == '\n';
		ATF_CHECK_EQ_MSG(lines, XTL_NUM_LEVELS - min, "min %d", min);
		if (min > XTL_DEBUG)
			ATF_CHECK(strstr(c.buf, "debug") == NULL);
		capture_close(&c, s);
	}
}

ATF_TC_WITHOUT_HEAD(set_minlevel);
ATF_TC_BODY(set_minlevel, tc)
{
	struct capture c;
	xentoollog_logger_stdiostream *s = capture_open(&c, XTL_DEBUG, 0);

	xtl_stdiostream_set_minlevel(s, XTL_ERROR);
	xtl_log((xentoollog_logger *)s, XTL_WARN, -1, "t", "hidden");
	xtl_log((xentoollog_logger *)s, XTL_ERROR, -1, "t", "shown");
	ATF_CHECK_STREQ(capture_text(&c), "t: error: shown\n");
	capture_close(&c, s);
}

ATF_TC_WITHOUT_HEAD(flags_pid_date);
ATF_TC_BODY(flags_pid_date, tc)
{
	struct capture c;
	xentoollog_logger_stdiostream *s = capture_open(&c, XTL_DEBUG, 0);
	char pid[32];
	int y, mo, d, h, mi, sec;

	snprintf(pid, sizeof(pid), "[%lu] t: info: x\n", (unsigned long)getpid());
	xtl_stdiostream_adjust_flags(s, XTL_STDIOSTREAM_SHOW_PID, 0);
	xtl_log((xentoollog_logger *)s, XTL_INFO, -1, "t", "x");
	ATF_CHECK_STREQ(capture_text(&c), pid);

	/* Date first, then pid; clearing a flag takes it away again. */
	xtl_stdiostream_adjust_flags(s, XTL_STDIOSTREAM_SHOW_DATE, 0);
	xtl_log((xentoollog_logger *)s, XTL_INFO, -1, "t", "x");
	ATF_REQUIRE_EQ(sscanf(c.buf + strlen(pid), "%d-%d-%d %d:%d:%d",
	    &y, &mo, &d, &h, &mi, &sec), 6);
	ATF_CHECK(strstr(c.buf + strlen(pid), pid) != NULL);
	xtl_stdiostream_adjust_flags(s, 0,
	    XTL_STDIOSTREAM_SHOW_DATE | XTL_STDIOSTREAM_SHOW_PID);
	xtl_log((xentoollog_logger *)s, XTL_INFO, -1, "t", "plain");
	ATF_CHECK(strstr(c.buf, "\nt: info: plain\n") != NULL);

	/* When set and clear overlap, set wins. */
	xtl_stdiostream_adjust_flags(s, XTL_STDIOSTREAM_SHOW_PID,
	    XTL_STDIOSTREAM_SHOW_PID);
	xtl_log((xentoollog_logger *)s, XTL_INFO, -1, "t", "x");
	ATF_CHECK(strstr(c.buf, "\n[") != NULL);
	capture_close(&c, s);
}

ATF_TC_WITHOUT_HEAD(progress_sparse);
ATF_TC_BODY(progress_sparse, tc)
{
	struct capture c;
	xentoollog_logger_stdiostream *s = capture_open(&c, XTL_PROGRESS, 0);
	unsigned long i;

	/* Not a terminal: one line per five percent, no carriage returns. */
	for (i = 0; i <= 1000; i++)
		xtl_progress((xentoollog_logger *)s, "ctx", "copying", i, 1000);
	capture_text(&c);
	ATF_CHECK(strchr(c.buf, '\r') == NULL);
	ATF_CHECK(strstr(c.buf, "ctx: progress: copying: 0/1000    0%\n") != NULL);
	ATF_CHECK(strstr(c.buf, "ctx: progress: copying: 500/1000   50%\n") != NULL);
	ATF_CHECK(strstr(c.buf, "ctx: progress: copying: 1000/1000  100%\n") != NULL);
	ATF_CHECK(strstr(c.buf, "copying: 10/1000    1%") == NULL);
	capture_close(&c, s);

	/* At XTL_DETAIL every change of percentage is shown. */
	s = capture_open(&c, XTL_DETAIL, 0);
	for (i = 0; i <= 100; i++)
		xtl_progress((xentoollog_logger *)s, "ctx", "copying", i, 100);
	/* Small steps carry the level that lets them through. */
	ATF_CHECK(strstr(capture_text(&c),
	    "ctx: detail: copying: 1/100    1%\n") != NULL);
	ATF_CHECK(strstr(c.buf, "ctx: progress: copying: 0/100    0%\n") != NULL);
	capture_close(&c, s);

	/* Hidden progress prints nothing; messages still appear. */
	s = capture_open(&c, XTL_DEBUG, XTL_STDIOSTREAM_HIDE_PROGRESS);
	xtl_progress((xentoollog_logger *)s, "ctx", "copying", 50, 100);
	xtl_log((xentoollog_logger *)s, XTL_INFO, -1, "ctx", "m");
	ATF_CHECK_STREQ(capture_text(&c), "ctx: info: m\n");
	capture_close(&c, s);
}

ATF_TC_WITHOUT_HEAD(progress_percent_overflow);
ATF_TC_BODY(progress_percent_overflow, tc)
{
	struct capture c;
	xentoollog_logger_stdiostream *s = capture_open(&c, XTL_PROGRESS, 0);
	unsigned long big = (unsigned long)-1;

	/* done * 100 would overflow: the percentage must still be right. */
	xtl_progress((xentoollog_logger *)s, NULL, "big", big / 2, big);
	ATF_CHECK(strstr(capture_text(&c), " 49%") != NULL ||
	    strstr(c.buf, " 50%") != NULL);
	capture_close(&c, s);
}

ATF_TC_WITHOUT_HEAD(progress_through_pipe);
ATF_TC_BODY(progress_through_pipe, tc)
{
	char buf[8192];
	int p[2];
	FILE *f;
	xentoollog_logger_stdiostream *s;
	unsigned long i;
	size_t n;

	/* A pipe is not a terminal: sparse lines, never a carriage return. */
	ATF_REQUIRE(pipe(p) == 0);
	ATF_REQUIRE((f = fdopen(p[1], "w")) != NULL);
	s = xtl_createlogger_stdiostream(f, XTL_PROGRESS, 0);
	ATF_REQUIRE(s != NULL);
	for (i = 0; i <= 200; i++)
		xtl_progress((xentoollog_logger *)s, "pipe", "moving", i, 200);
	xtl_logger_destroy((xentoollog_logger *)s);
	fclose(f);
	n = 0;
	while (n < sizeof(buf) - 1) {
		ssize_t r = read(p[0], buf + n, sizeof(buf) - 1 - n);

		if (r <= 0)
			break;
		n += (size_t)r;
	}
	buf[n] = '\0';
	close(p[0]);
	ATF_CHECK(strchr(buf, '\r') == NULL);
	ATF_CHECK(strstr(buf, "pipe: progress: moving: 100/200   50%\n") != NULL);
	ATF_CHECK(strstr(buf, "pipe: progress: moving: 200/200  100%\n") != NULL);
	/* 0%, every 5% up to 100%: 21 lines. */
	for (i = 0, n = 0; buf[i] != '\0'; i++)
		n += buf[i] == '\n';
	ATF_CHECK_EQ(n, 21);
}

/* A pty in raw mode, by POSIX calls only; the slave opened for writing. */
static FILE *
open_pty(int *master)
{
	struct termios raw;
	const char *name;
	int slave;
	FILE *f;

	ATF_REQUIRE((*master = posix_openpt(O_RDWR | O_NOCTTY)) >= 0);
	ATF_REQUIRE(grantpt(*master) == 0 && unlockpt(*master) == 0);
	ATF_REQUIRE((name = ptsname(*master)) != NULL);
	ATF_REQUIRE((slave = open(name, O_RDWR | O_NOCTTY)) >= 0);
	ATF_REQUIRE(tcgetattr(slave, &raw) == 0);
	raw.c_oflag &= ~(tcflag_t)OPOST;	/* bytes as written */
	raw.c_lflag &= ~(tcflag_t)(ECHO | ICANON);
	ATF_REQUIRE(tcsetattr(slave, TCSANOW, &raw) == 0);
	ATF_REQUIRE((f = fdopen(slave, "w")) != NULL);
	return f;
}

/* Read what a pty master has, until the slave side has been quiet. */
static size_t
drain(int fd, char *buf, size_t size)
{
	size_t n = 0;
	ssize_t r;

	while (n < size - 1 && (r = read(fd, buf + n, size - 1 - n)) > 0)
		n += (size_t)r;
	buf[n] = '\0';
	return n;
}

ATF_TC_WITHOUT_HEAD(progress_tty_redraws);
ATF_TC_BODY(progress_tty_redraws, tc)
{
	char buf[8192], want[256];
	const char *line = "ctx: again: 50/100   50%";
	int master;
	FILE *f;
	xentoollog_logger_stdiostream *s;
	unsigned long i;

	f = open_pty(&master);
	s = xtl_createlogger_stdiostream(f, XTL_PROGRESS, 0);
	ATF_REQUIRE(s != NULL);
	for (i = 0; i <= 100; i += 10)
		xtl_progress((xentoollog_logger *)s, "ctx", "copying", i, 100);
	xtl_progress((xentoollog_logger *)s, "ctx", "again", 0, 100);
	xtl_progress((xentoollog_logger *)s, "ctx", "again", 50, 100);
	xtl_log((xentoollog_logger *)s, XTL_ERROR, -1, "ctx", "after");
	xtl_logger_destroy((xentoollog_logger *)s);
	fclose(f);
	drain(master, buf, sizeof(buf));
	close(master);

	/* One line redrawn in place, ended when the task completes. */
	ATF_CHECK(strstr(buf, "\rctx: copying: 50/100   50%") != NULL);
	ATF_CHECK(strstr(buf, "\rctx: copying: 100/100  100%\n") != NULL);
	ATF_CHECK(strstr(buf, "progress:") == NULL);
	/* A message blanks an unfinished progress line before printing. */
	snprintf(want, sizeof(want), "\r%s\r%*s\rctx: error: after\n", line,
	    (int)strlen(line), "");
	ATF_CHECK_MSG(strstr(buf, want) != NULL, "no erase before the message");
}

ATF_TC_WITHOUT_HEAD(progress_redraw_widths);
ATF_TC_BODY(progress_redraw_widths, tc)
{
	struct capture c;
	xentoollog_logger_stdiostream *s;
	char want[256], pid[32];
	int n;

	/* A shorter line blanks what is left of a longer one. */
	s = capture_open(&c, XTL_PROGRESS, XTL_STDIOSTREAM_PROGRESS_USE_CR);
	xtl_progress((xentoollog_logger *)s, "c", "a-long-name", 10, 100);
	xtl_progress((xentoollog_logger *)s, "c", "s", 20, 100);
	n = (int)strlen("c: a-long-name: 10/100   10%") -
	    (int)strlen("c: s: 20/100   20%");
	snprintf(want, sizeof(want), "\rc: s: 20/100   20%%%*s", n, "");
	ATF_CHECK_MSG(strstr(capture_text(&c), want) != NULL, "%s", c.buf);
	/* Destroying the logger ends the unfinished line. */
	xtl_logger_destroy((xentoollog_logger *)s);
	fflush(c.f);
	ATF_CHECK(c.len > 0 && c.buf[c.len - 1] == '\n');
	fclose(c.f);
	free(c.buf);

	/* The process ID before a redrawn line is blanked with it. */
	s = capture_open(&c, XTL_PROGRESS,
	    XTL_STDIOSTREAM_PROGRESS_USE_CR | XTL_STDIOSTREAM_SHOW_PID);
	xtl_progress((xentoollog_logger *)s, "c", "w", 50, 100);
	xtl_log((xentoollog_logger *)s, XTL_ERROR, -1, "c", "m");
	n = snprintf(pid, sizeof(pid), "[%lu] ", (unsigned long)getpid());
	snprintf(want, sizeof(want), "\r%sc: w: 50/100   50%%\r%*s\r%sc: error: m\n",
	    pid, n + (int)strlen("c: w: 50/100   50%"), "", pid);
	ATF_CHECK_STREQ(capture_text(&c), want);
	capture_close(&c, s);

	/* Hiding progress erases a line drawn in place. */
	s = capture_open(&c, XTL_PROGRESS, XTL_STDIOSTREAM_PROGRESS_USE_CR);
	xtl_progress((xentoollog_logger *)s, "c", "w", 50, 100);
	xtl_stdiostream_adjust_flags(s, XTL_STDIOSTREAM_HIDE_PROGRESS, 0);
	xtl_progress((xentoollog_logger *)s, "c", "w", 60, 100);
	snprintf(want, sizeof(want), "\rc: w: 50/100   50%%\r%*s\r",
	    (int)strlen("c: w: 50/100   50%"), "");
	ATF_CHECK_STREQ(capture_text(&c), want);
	capture_close(&c, s);
}

ATF_TC_WITHOUT_HEAD(create_errors);
ATF_TC_BODY(create_errors, tc)
{
	struct capture c;

	errno = 0;
	ATF_CHECK(xtl_createlogger_stdiostream(NULL, XTL_INFO, 0) == NULL);
	ATF_CHECK_EQ(errno, EINVAL);

	/* Contradictory flags: refused, and said on the stream. */
	c.f = open_memstream(&c.buf, &c.len);
	ATF_REQUIRE(c.f != NULL);
	errno = 0;
	ATF_CHECK(xtl_createlogger_stdiostream(c.f, XTL_INFO,
	    XTL_STDIOSTREAM_PROGRESS_USE_CR |
	    XTL_STDIOSTREAM_PROGRESS_NO_CR) == NULL);
	ATF_CHECK_EQ(errno, EINVAL);
	ATF_CHECK(strstr(capture_text(&c), "xentoollog:") != NULL);
	fclose(c.f);
	free(c.buf);
}

ATF_TC_WITHOUT_HEAD(progress_cr_flags);
ATF_TC_BODY(progress_cr_flags, tc)
{
	struct capture c;
	xentoollog_logger_stdiostream *s;

	/* USE_CR forces redrawing even on a non-terminal. */
	s = capture_open(&c, XTL_PROGRESS, XTL_STDIOSTREAM_PROGRESS_USE_CR);
	xtl_progress((xentoollog_logger *)s, "c", "w", 50, 100);
	ATF_CHECK_STREQ(capture_text(&c), "\rc: w: 50/100   50%");
	capture_close(&c, s);

	/* NO_CR forces sparse lines. */
	s = capture_open(&c, XTL_PROGRESS, XTL_STDIOSTREAM_PROGRESS_NO_CR);
	xtl_progress((xentoollog_logger *)s, "c", "w", 50, 100);
	ATF_CHECK_STREQ(capture_text(&c), "c: progress: w: 50/100   50%\n");
	capture_close(&c, s);
}

/* A custom logger in the XTL_NEW_LOGGER style. */
typedef struct {
	xentoollog_logger vtable;
	int messages, progresses, last_errno, *destroyed;
	char last[128];
} xentoollog_logger_counting;

static void
counting_vmessage(xentoollog_logger *l, xentoollog_level level, int errnoval,
    const char *context, const char *format, va_list al)
{
	xentoollog_logger_counting *c = (void *)l;

	c->messages++;
	c->last_errno = errnoval;
	vsnprintf(c->last, sizeof(c->last), format, al);
}

static void
counting_progress(xentoollog_logger *l, const char *context,
    const char *doing_what, int percent, unsigned long done,
    unsigned long total)
{
	((xentoollog_logger_counting *)l)->progresses += percent;
}

static void
counting_destroy(xentoollog_logger *l)
{
	xentoollog_logger_counting *c = (void *)l;

	(*c->destroyed)++;
	free(c);
}

ATF_TC_WITHOUT_HEAD(custom_logger);
ATF_TC_BODY(custom_logger, tc)
{
	xentoollog_logger_counting buffer, *c;
	int destroyed = 0;

	memset(&buffer, 0, sizeof(buffer));
	buffer.destroyed = &destroyed;
	c = XTL_NEW_LOGGER(counting, buffer);
	ATF_REQUIRE(c != NULL);
	errno = EBUSY;
	xtl_log(&c->vtable, XTL_ERROR, EIO, "x", "v=%s", "yes");
	/* Logging never disturbs errno: error paths log, then return it. */
	ATF_CHECK_EQ(errno, EBUSY);
	ATF_CHECK_EQ(c->messages, 1);
	ATF_CHECK_EQ(c->last_errno, EIO);
	ATF_CHECK_STREQ(c->last, "v=yes");
	xtl_progress(&c->vtable, "x", "y", 25, 100);
	ATF_CHECK_EQ(c->progresses, 25);
	xtl_progress(&c->vtable, "x", "y", 5, 0);	/* total 0: 0% */
	ATF_CHECK_EQ(c->progresses, 25);
	xtl_logger_destroy(&c->vtable);
	ATF_CHECK_EQ(destroyed, 1);

	/* Null callbacks and a null logger are accepted. */
	buffer.vtable.progress = NULL;
	xtl_progress(&buffer.vtable, "x", "y", 1, 2);
	xtl_logger_destroy(NULL);
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, level_names);
	ATF_TP_ADD_TC(tp, message_format);
	ATF_TP_ADD_TC(tp, every_level_filtered);
	ATF_TP_ADD_TC(tp, set_minlevel);
	ATF_TP_ADD_TC(tp, flags_pid_date);
	ATF_TP_ADD_TC(tp, progress_sparse);
	ATF_TP_ADD_TC(tp, progress_percent_overflow);
	ATF_TP_ADD_TC(tp, progress_through_pipe);
	ATF_TP_ADD_TC(tp, progress_tty_redraws);
	ATF_TP_ADD_TC(tp, progress_cr_flags);
	ATF_TP_ADD_TC(tp, progress_redraw_widths);
	ATF_TP_ADD_TC(tp, create_errors);
	ATF_TP_ADD_TC(tp, custom_logger);
	return atf_no_error();
}
