/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * xentoollog: the logging interface shared by the Xen tool libraries.
 * A logger is a table of three callbacks; the library supplies one
 * implementation, a logger writing to a stdio stream.  See xentoollog(3).
 */
#ifndef XENTOOLLOG_H
#define XENTOOLLOG_H

#include <stdarg.h>
#include <stdio.h>

#if defined(__GNUC__) || defined(__clang__)
#define XTL_PRINTF_LIKE(f, a)	__attribute__((__format__(__printf__, f, a)))
#else
#define XTL_PRINTF_LIKE(f, a)
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* Severity, lowest first.  XTL_NONE is never a message's level. */
typedef enum xentoollog_level {
	XTL_NONE,
	XTL_DEBUG,
	XTL_VERBOSE,
	XTL_DETAIL,
	XTL_PROGRESS,
	XTL_INFO,
	XTL_NOTICE,
	XTL_WARN,
	XTL_ERROR,
	XTL_CRITICAL,
	XTL_NUM_LEVELS
} xentoollog_level;

typedef struct xentoollog_logger xentoollog_logger;

/*
 * A logger.  Implementations embed this as their first member, followed
 * by whatever state they keep.  errnoval is an errno value or -1; context
 * names the component ("xencall") and may be null; format has no newline.
 * progress may be null.
 */
struct xentoollog_logger {
	void (*vmessage)(struct xentoollog_logger *logger,
	    xentoollog_level level, int errnoval, const char *context,
	    const char *format, va_list al) XTL_PRINTF_LIKE(5, 0);
	void (*progress)(struct xentoollog_logger *logger,
	    const char *context, const char *doing_what, int percent,
	    unsigned long done, unsigned long total);
	void (*destroy)(struct xentoollog_logger *logger);
};

/* Flags of the stdio stream logger. */
#define XTL_STDIOSTREAM_SHOW_PID	001u
#define XTL_STDIOSTREAM_SHOW_DATE	002u
#define XTL_STDIOSTREAM_HIDE_PROGRESS	004u
#define XTL_STDIOSTREAM_PROGRESS_USE_CR	010u
#define XTL_STDIOSTREAM_PROGRESS_NO_CR	020u

typedef struct xentoollog_logger_stdiostream xentoollog_logger_stdiostream;

xentoollog_logger_stdiostream *xtl_createlogger_stdiostream(FILE *f,
    xentoollog_level min_level, unsigned flags);
void xtl_stdiostream_set_minlevel(xentoollog_logger_stdiostream *logger,
    xentoollog_level min_level);
void xtl_stdiostream_adjust_flags(xentoollog_logger_stdiostream *logger,
    unsigned set_flags, unsigned clear_flags);

void xtl_logger_destroy(struct xentoollog_logger *logger);
void xtl_logv(struct xentoollog_logger *logger, xentoollog_level level,
    int errnoval, const char *context, const char *format, va_list al)
    XTL_PRINTF_LIKE(5, 0);
void xtl_log(struct xentoollog_logger *logger, xentoollog_level level,
    int errnoval, const char *context, const char *format, ...)
    XTL_PRINTF_LIKE(5, 6);
void xtl_progress(struct xentoollog_logger *logger, const char *context,
    const char *doing_what, unsigned long done, unsigned long total);
const char *xtl_level_to_string(xentoollog_level level);

/*
 * XTL_NEW_LOGGER(name, buffer): for a custom logger type
 * xentoollog_logger_<name> whose first member is "xentoollog_logger
 * vtable" and which has functions <name>_vmessage, <name>_progress and
 * <name>_destroy.  Fills buffer's vtable and returns a malloc()ed copy of
 * buffer, or a null pointer (after logging through buffer) when out of
 * memory.  Uses a GNU statement expression, as upstream's does; the
 * caller needs <stdlib.h> and <errno.h>.
 */
#define XTL_NEW_LOGGER(LOGGER, buffer) ({				\
	xentoollog_logger_##LOGGER *xtl_new_;				\
	(buffer).vtable.vmessage = LOGGER##_vmessage;			\
	(buffer).vtable.progress = LOGGER##_progress;			\
	(buffer).vtable.destroy = LOGGER##_destroy;			\
	xtl_new_ = malloc(sizeof(*xtl_new_));				\
	if (xtl_new_ == NULL)						\
		xtl_log((xentoollog_logger *)&(buffer), XTL_CRITICAL,	\
		    errno, "xtl", "cannot allocate a logger");		\
	else								\
		*xtl_new_ = (buffer);					\
	xtl_new_;							\
})

#ifdef __cplusplus
}
#endif

#endif /* XENTOOLLOG_H */
