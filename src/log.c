/* SPDX-License-Identifier: ISC */
/*
 * Logging sinks. stderr lines carry a UTC timestamp so a test log or a
 * terminal reads without journald; syslog adds its own.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

#include "log.h"

static int	log_sink = LOG_TO_STDERR;
static int	log_verbose;

void
log_init(int sink, int verbose)
{
	log_sink = sink;
	log_verbose = verbose;
	if (sink == LOG_TO_SYSLOG)
		openlog("disposisi", LOG_PID | LOG_NDELAY, LOG_MAIL);
}

void
log_setverbose(int v)
{
	log_verbose = v;
}

int
log_getverbose(void)
{
	return (log_verbose);
}

static void
log_vwrite(int pri, const char *prefix, const char *fmt, va_list ap,
    int with_errno)
{
	char		 msg[2048];
	int		 saved = errno;
	struct timespec	 ts;
	struct tm	 tm;
	char		 tbuf[32];

	vsnprintf(msg, sizeof msg, fmt, ap);
	if (log_sink == LOG_TO_SYSLOG) {
		if (with_errno)
			syslog(pri, "%s%s: %s", prefix, msg, strerror(saved));
		else
			syslog(pri, "%s%s", prefix, msg);
		return;
	}
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(tbuf, sizeof tbuf, "%Y-%m-%dT%H:%M:%S", &tm);
	if (with_errno)
		fprintf(stderr, "%s.%03ldZ %s%s: %s\n", tbuf,
		    ts.tv_nsec / 1000000, prefix, msg, strerror(saved));
	else
		fprintf(stderr, "%s.%03ldZ %s%s\n", tbuf,
		    ts.tv_nsec / 1000000, prefix, msg);
	fflush(stderr);
}

#define LOG_FN(name, pri, prefix, level, err)				\
void									\
name(const char *fmt, ...)						\
{									\
	va_list	 ap;							\
									\
	if (log_verbose < (level))					\
		return;							\
	va_start(ap, fmt);						\
	log_vwrite((pri), (prefix), fmt, ap, (err));			\
	va_end(ap);							\
}

LOG_FN(log_warn, LOG_WARNING, "warning: ", -1, 1)
LOG_FN(log_warnx, LOG_WARNING, "warning: ", -1, 0)
LOG_FN(log_info, LOG_INFO, "", 0, 0)
LOG_FN(log_debug, LOG_DEBUG, "debug: ", 1, 0)
LOG_FN(log_debug2, LOG_DEBUG, "debug: ", 2, 0)

/* The exit status of fatal errors: 1, or 75 for an MTA to retry. */
static int	log_fatal_status = 1;

void
log_fatal_exit(int status)
{
	log_fatal_status = status;
}

void
fatal(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	log_vwrite(LOG_CRIT, "fatal: ", fmt, ap, 1);
	va_end(ap);
	exit(log_fatal_status);
}

void
fatalx(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	log_vwrite(LOG_CRIT, "fatal: ", fmt, ap, 0);
	va_end(ap);
	exit(log_fatal_status);
}
