/* SPDX-License-Identifier: ISC */
/*
 * Office time: standard times (Mutu Baku Waktu) count minutes when the
 * office is open - working hours of working days, holidays off - in the
 * office's time zone. Pure functions of the rules' calendar and the
 * times given; the clock is the caller's.
 */

#include <time.h>

#include "disposisi.h"

#define CAL_MAX_DAYS	(10 * 366)	/* no search runs for ever */

/* The office day of t: days since 1970-01-01 in office time. */
static long
cal_daynum(const struct calendar *cal, time_t t)
{
	long long	 local = (long long)t + cal->utc_offset * 60LL;

	return ((long)(local >= 0 ? local / 86400 :
	    -((-local + 86399) / 86400)));
}

/* The epoch time of office minute m of office day day. */
static time_t
cal_time(const struct calendar *cal, long day, int m)
{
	return ((time_t)(day * 86400LL + m * 60LL - cal->utc_offset * 60LL));
}

static int
cal_ymd(long day)
{
	time_t		 t = (time_t)(day * 86400LL);
	struct tm	 tm;

	gmtime_r(&t, &tm);
	return ((tm.tm_year + 1900) * 10000 + (tm.tm_mon + 1) * 100 +
	    tm.tm_mday);
}

/* The holiday on office day day, or NULL. */
static const struct holiday *
cal_holiday_on(const struct calendar *cal, long day)
{
	size_t	 lo = 0, hi = cal->nholidays, mid;
	int	 ymd = cal_ymd(day);

	while (lo < hi) {
		mid = (lo + hi) / 2;
		if (cal->holidays[mid].date == ymd)
			return (&cal->holidays[mid]);
		if (cal->holidays[mid].date < ymd)
			lo = mid + 1;
		else
			hi = mid;
	}
	return (NULL);
}

/* The office date of t, as YYYYMMDD. */
int
cal_date(const struct calendar *cal, time_t t)
{
	return (cal_ymd(cal_daynum(cal, t)));
}

const struct holiday *
cal_holiday(const struct calendar *cal, time_t t)
{
	return (cal_holiday_on(cal, cal_daynum(cal, t)));
}

/*
 * The first year from the office date of from to that of to that has
 * no holiday in the rules - a year nobody gave its holidays yet, whose
 * standard times would count them as working days - or 0 when none.
 */
int
cal_holidays_gap(const struct calendar *cal, time_t from, time_t to)
{
	int	 y;
	size_t	 i;

	for (y = cal_date(cal, from) / 10000; y <= cal_date(cal, to) / 10000;
	    y++) {
		for (i = 0; i < cal->nholidays; i++)
			if (cal->holidays[i].date / 10000 == y)
				break;
		if (i == cal->nholidays)
			return (y);
	}
	return (0);
}

/* The office's open and close minute on day day; 0 when closed. */
static int
cal_hours(const struct calendar *cal, long day, int *open, int *close)
{
	int	 wd = (int)(((day % 7) + 7 + 4) % 7);	/* 1970-01-01: Thu */

	*open = cal->open[wd];
	*close = cal->close[wd];
	return (*close > *open && cal_holiday_on(cal, day) == NULL);
}

int
cal_is_open(const struct calendar *cal, time_t t)
{
	long	 day = cal_daynum(cal, t);
	int	 open, close;

	if (!cal_hours(cal, day, &open, &close))
		return (0);
	return (t >= cal_time(cal, day, open) && t < cal_time(cal, day,
	    close));
}

/* The first moment at or after t when the office is open; 0 if never. */
time_t
cal_next_open(const struct calendar *cal, time_t t)
{
	long	 day = cal_daynum(cal, t), i;
	int	 open, close;

	for (i = 0; i < CAL_MAX_DAYS; i++, day++) {
		if (!cal_hours(cal, day, &open, &close))
			continue;
		if (t < cal_time(cal, day, open))
			return (cal_time(cal, day, open));
		if (t < cal_time(cal, day, close))
			return (t);
	}
	return (0);
}

/* A day's office hours from from on, [*a, *b): 0 when the day is closed. */
static int
cal_span(const struct calendar *cal, long day, time_t from, time_t *a,
    time_t *b)
{
	int	 open, close;

	if (!cal_hours(cal, day, &open, &close))
		return (0);
	*a = cal_time(cal, day, open);
	*b = cal_time(cal, day, close);
	if (*a < from)
		*a = from;
	return (1);
}

/*
 * The moment minutes office minutes have passed since from: the inverse
 * of cal_office_minutes, so the timer knows when a step falls due
 * without counting every waiting step each pass. 0 if beyond reach.
 */
time_t
cal_office_after(const struct calendar *cal, time_t from, long minutes)
{
	long		 day = cal_daynum(cal, from), i;
	long long	 left = (long long)minutes * 60;
	time_t		 a, b;

	if (left <= 0)
		return (from);
	for (i = 0; i < CAL_MAX_DAYS; i++, day++) {
		if (!cal_span(cal, day, from, &a, &b) || b <= a)
			continue;
		if (b - a >= left)
			return (a + (time_t)left);
		left -= b - a;
	}
	return (0);
}

/* Office minutes between two times (0 if to is not after from). */
long
cal_office_minutes(const struct calendar *cal, time_t from, time_t to)
{
	long		 day, last, i;
	time_t		 a, b;
	long long	 secs = 0;

	if (to <= from)
		return (0);
	day = cal_daynum(cal, from);
	last = cal_daynum(cal, to);
	for (i = 0; day <= last && i < CAL_MAX_DAYS; day++, i++) {
		if (!cal_span(cal, day, from, &a, &b))
			continue;
		if (b > to)
			b = to;
		if (b > a)
			secs += b - a;
	}
	return ((long)(secs / 60));
}

long
cal_office_days(const struct calendar *cal, time_t from, time_t to)
{
	long	 day = cal_daynum(cal, from), last = cal_daynum(cal, to), n = 0;
	int	 open, close;

	for (day++; day <= last && n < CAL_MAX_DAYS; day++)
		n += cal_hours(cal, day, &open, &close);
	return (n);
}

long
cal_calendar_days(const struct calendar *cal, time_t from, time_t to)
{
	long	 d = cal_daynum(cal, to) - cal_daynum(cal, from);

	return (d > 0 ? d : 0);
}
