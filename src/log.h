/* SPDX-License-Identifier: ISC */
/*
 * Logging: one line per event, to stderr (journald adds the time) or to
 * syslog. Levels: warnings always, info at -v 0+, debug at -v 1, debug2 at
 * -v 2. Never pass personal data (NIK, document contents) to these.
 */
#ifndef LOG_H
#define LOG_H

#include <stdarg.h>

#define LOG_TO_STDERR	0
#define LOG_TO_SYSLOG	1

void	log_init(int, int);
void	log_setverbose(int);
int	log_getverbose(void);
void	log_warn(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_warnx(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_info(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_debug(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_debug2(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_fatal_exit(int);
void	fatal(const char *, ...)
	    __attribute__((format(printf, 1, 2), noreturn));
void	fatalx(const char *, ...)
	    __attribute__((format(printf, 1, 2), noreturn));

#endif
