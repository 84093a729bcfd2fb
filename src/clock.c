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

/* Seconds on a clock no one sets: the measure for the wall clock's jumps. */
time_t
clock_mono(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (ts.tv_sec);
}

/*
 * How far the wall clock jumped since the last mark, measured against the
 * monotonic clock (both given, so the rule is tested without setting the
 * system's time); 0 within a minute, which NTP's slewing never exceeds.
 */
time_t
clock_jump(struct clock_mark *m, time_t wall, time_t mono)
{
	time_t	 d = 0;

	if (m->set)
		d = (wall - m->wall) - (mono - m->mono);
	m->set = 1;
	m->wall = wall;
	m->mono = mono;
	return (d > 60 || d < -60 ? d : 0);
}
