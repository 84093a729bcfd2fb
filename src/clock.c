/* SPDX-License-Identifier: ISC */
/*
 * The one clock: every decision and every row takes "now" from here, so
 * tests can set time instead of sleeping. DISPOSISI_CLOCK_OFFSET (seconds,
 * may be negative) shifts the running robot; clock_set() fixes it for
 * unit tests. Network timeouts keep the real time(2).
 */

#include <errno.h>
#include <stdlib.h>
#include <time.h>

#include "disposisi.h"

static time_t	clock_fixed;
static long long clock_offset;

void
clock_init(void)
{
	const char	*s = getenv("DISPOSISI_CLOCK_OFFSET");
	char		*end;
	long long	 v;

	if (s == NULL || *s == '\0')
		return;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || *end != '\0')
		fatalx("DISPOSISI_CLOCK_OFFSET: not a number of seconds: %s", s);
	clock_offset = v;
	log_warnx("clock shifted by %lld seconds (DISPOSISI_CLOCK_OFFSET)", v);
}

void
clock_set(time_t t)
{
	clock_fixed = t;
}

time_t
clock_now(void)
{
	if (clock_fixed != 0)
		return (clock_fixed);
	return (time(NULL) + (time_t)clock_offset);
}
