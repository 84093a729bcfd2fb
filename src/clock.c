/* SPDX-License-Identifier: ISC */
/*
 * The one clock: every decision and every row takes "now" from here, so
 * tests can set time instead of sleeping. DISPOSISI_CLOCK_OFFSET (seconds,
 * may be negative) shifts the running robot; clock_set() fixes it for
 * unit tests. Network timeouts keep the real time(2).
 *
 * And the one zone: local time - a letter's date, the Date: header, the
 * year of a case reference, a certificate's end, the admin's views - is
 * the office's, from its calendar (rules: "timezone"), put in force with
 * the rules (clock_zone_set). Indonesia keeps no summer time, so a fixed
 * offset is the whole zone.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>
#include <time.h>

#include "disposisi.h"

static time_t	clock_fixed;
static long long clock_offset;
static int	clock_zone_min = CLOCK_ZONE_DEFAULT;

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

/* The office's zone, in minutes east of UTC, from its calendar. */
void
clock_zone_set(int minutes)
{
	clock_zone_min = minutes;
}

int
clock_zone(void)
{
	return (clock_zone_min);
}

/* Indonesia's zones by the names people read and write. */
static const struct {
	const char	*name;
	int		 minutes;
} clock_zones[] = {
	{ "WIB", 7 * 60 }, { "WITA", 8 * 60 }, { "WIT", 9 * 60 }
};

/* The minutes east of UTC of a zone's name (WIB, WITA, WIT), or -1. */
int
clock_zone_parse(const char *s, int *minutes)
{
	size_t	 i;

	for (i = 0; i < sizeof clock_zones / sizeof clock_zones[0]; i++) {
		if (strcasecmp(s, clock_zones[i].name) == 0) {
			*minutes = clock_zones[i].minutes;
			return (0);
		}
	}
	return (-1);
}

/* The zone's name where people read it: WIB, WITA, WIT, or UTC+hh:mm. */
const char *
clock_zone_name(void)
{
	static char	 name[16];
	size_t		 i;
	int		 m = abs(clock_zone_min);

	for (i = 0; i < sizeof clock_zones / sizeof clock_zones[0]; i++) {
		if (clock_zones[i].minutes == clock_zone_min)
			return (clock_zones[i].name);
	}
	snprintf(name, sizeof name, "UTC%c%02d:%02d", clock_zone_min < 0 ?
	    '-' : '+', m / 60, m % 60);
	return (name);
}

/* The office's wall-clock time at t. */
void
clock_local(time_t t, struct tm *tm)
{
	time_t	 w = t + (time_t)clock_zone_min * 60;

	gmtime_r(&w, tm);
}

/* The moment an office wall-clock time names (tm is normalised). */
time_t
clock_unlocal(struct tm *tm)
{
	tm->tm_isdst = 0;
	return (timegm(tm) - (time_t)clock_zone_min * 60);
}

/* The same office wall-clock time months after t: a certificate's end. */
time_t
clock_add_months(time_t t, int months)
{
	struct tm	 tm;

	clock_local(t, &tm);
	tm.tm_mon += months;
	return (clock_unlocal(&tm));
}

/*
 * Office dates from the one of t to the one of until, as people count
 * days left: Monday to the Saturday after is 5, 23.59 to 00.01 is 1.
 */
int
clock_days(time_t t, time_t until)
{
	struct tm	 a, b;

	clock_local(t, &a);
	clock_local(until, &b);
	a.tm_hour = b.tm_hour = 12;
	a.tm_min = b.tm_min = a.tm_sec = b.tm_sec = 0;
	return ((int)((timegm(&b) - timegm(&a)) / 86400));
}

/*
 * t in office time as people read it: "31-12-2026 23.30 WIB", or with
 * CLOCK_DATE the date alone, "31-12-2026": the format of letters. With
 * CLOCK_ISO, the admin's: "2026-12-31 23:30 WIB", "2026-12-31", which
 * sorts as it reads (every view, by SQL's local_time()).
 */
void
clock_format(time_t t, int what, char *buf, size_t len)
{
	static const char *const fmt[] = {
		"%d-%m-%Y %H.%M", "%d-%m-%Y", "%Y-%m-%d %H:%M", "%Y-%m-%d"
	};
	struct tm	 tm;
	char		 day[32];

	clock_local(t, &tm);
	strftime(day, sizeof day, fmt[what & (CLOCK_DATE | CLOCK_ISO)], &tm);
	if (what & CLOCK_DATE)
		snprintf(buf, len, "%s", day);
	else
		snprintf(buf, len, "%s %s", day, clock_zone_name());
}
