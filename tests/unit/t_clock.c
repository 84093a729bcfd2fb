/* SPDX-License-Identifier: ISC */
/*
 * One clock, one zone: the office's zone comes from its calendar (the
 * rules' "timezone"), and every local time follows it - office hours,
 * a certificate's end, the year of a case reference, a letter's date,
 * the Date: header, the admin's views (SQL's local_time()). Run with
 * the shipped rules set to WIB, WITA and WIT, across New Year: a case
 * opened 31 December 2026 23:30 WIB is 1 January 2027 00:30 in WITA.
 */

#include <sys/stat.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "disposisi.h"
#include "test.h"

static const struct zone {
	const char	*name;		/* as rules/calendar.conf says it */
	int		 minutes;	/* east of UTC */
	const char	*newyear;	/* 31-12-2026 23:30 WIB, there */
	const char	*admin;		/* the same as the admin's views say it */
	const char	*year;		/* the case reference's year */
	const char	*expires;	/* two years on, as the letter says */
	const char	*date_hdr;	/* the Date: header */
} zones[] = {
	{ "WIB", 420, "31-12-2026 23.30 WIB",
	    "2026-12-31 23:30 WIB", "2026", "31-12-2028",
	    "Thu, 31 Dec 2026 23:30:00 +0700" },
	{ "WITA", 480, "01-01-2027 00.30 WITA",
	    "2027-01-01 00:30 WITA", "2027", "01-01-2029",
	    "Fri, 01 Jan 2027 00:30:00 +0800" },
	{ "WIT", 540, "01-01-2027 01.30 WIT",
	    "2027-01-01 01:30 WIT", "2027", "01-01-2029",
	    "Fri, 01 Jan 2027 01:30:00 +0900" }
};

/* The shipped rules, copied into dir with the calendar in zone. */
static struct rules *
rules_in(const char *dir, const char *zone)
{
	struct rules	*r;
	struct dirent	*de;
	DIR		*d;
	char		*from, *to, *data, *out, *tz, *cause = NULL;
	size_t		 len;

	if ((d = opendir("rules")) == NULL)
		return (NULL);
	while ((de = readdir(d)) != NULL) {
		if (strstr(de->d_name, ".conf") == NULL)
			continue;
		from = util_path("rules", de->d_name);
		to = util_path(dir, de->d_name);
		if ((data = util_read_file(from, SIZE_MAX, &len,
		    &cause)) == NULL)
			fatalx("%s", cause);
		if ((tz = strstr(data, "timezone WIB\n")) != NULL) {
			*tz = '\0';
			xasprintf(&out, "%stimezone %s%s", data, zone, tz + 12);
			free(data);
			data = out;
		}
		if (util_write_file(to, data, strlen(data), 0600,
		    &cause) == -1)
			fatalx("%s", cause);
		free(data);
		free(from);
		free(to);
	}
	closedir(d);
	if ((r = rules_load(dir, &cause)) == NULL)
		fprintf(stderr, "rules in %s: %s\n", zone, cause);
	return (r);
}

/* Office hours are the zone's: Monday 7 December 2026, 07:30 there. */
static void
check_calendar(const struct calendar *cal, int m)
{
	TEST_ASSERT(cal->utc_offset == m);
	TEST_ASSERT(cal_is_open(cal, test_wall(2026, 12, 7, 7, 30, m)));
	TEST_ASSERT(!cal_is_open(cal, test_wall(2026, 12, 7, 7, 29, m)));
	TEST_ASSERT(!cal_is_open(cal, test_wall(2026, 12, 7, 16, 0, m)));
	/* Friday evening to Monday morning, there. */
	TEST_ASSERT(cal_office_minutes(cal, test_wall(2026, 12, 4, 16, 20, m),
	    test_wall(2026, 12, 7, 7, 45, m)) == 25);
	TEST_ASSERT(cal_date(cal, test_wall(2026, 12, 31, 23, 30, 420)) ==
	    (m == 420 ? 20261231 : 20270101));
}

/* The case reference's year and the admin's views, from the database. */
static void
check_store(const char *dir, const struct zone *z, time_t t)
{
	struct store	*st;
	struct case_row	*c;
	struct table	 tab;
	char		*path, *cause = NULL, want[32], arg[32];

	path = util_path(dir, "t.db");
	if ((st = store_open(path, &cause)) == NULL) {
		fprintf(stderr, "%s: %s\n", path, cause);
		TEST_ASSERT(st != NULL);
		free(path);
		return;
	}
	TEST_ASSERT(store_begin(st) == 0);
	c = store_case_open(st, "tte", "TTE", "budi@x", "Budi", "s", "m1",
	    "sekdis", "v1");
	snprintf(want, sizeof want, "TTE-%s-00001", z->year);
	TEST_STREQ(c ? c->ref : NULL, want);
	TEST_ASSERT(store_commit(st) == 0);
	store_case_free(c);
	snprintf(arg, sizeof arg, "%lld", (long long)t);
	store_table(st, "SELECT local_time(?1), local_date(?1), local_time("
	    "NULL)", arg, &tab);
	TEST_ASSERT(tab.nrows == 1 && tab.cells[2] == NULL);
	if (tab.nrows == 1) {
		TEST_STREQ(tab.cells[0], z->admin);
		TEST_ASSERT(strncmp(tab.cells[1], z->admin, 10) == 0 &&
		    strlen(tab.cells[1]) == 10);
	}
	store_table_free(&tab);
	store_close(st);
	free(path);
}

/* The Date: header of the robot's mail, at the clock's now. */
static void
check_date_header(const char *dir, const struct zone *z)
{
	struct mail_out	 mo = { .from_addr = "robot@x", .to_addr = "budi@x",
			    .subject = "s", .text = "t", .message_id = "m@x" };
	char		*path, *data, *cause = NULL, *p = NULL, want[64];
	size_t		 len;

	path = util_path(dir, "out.eml");
	TEST_ASSERT(mime_build(&mo, path, &cause) == 0);
	data = util_read_file(path, SIZE_MAX, &len, &cause);
	snprintf(want, sizeof want, "Date: %s", z->date_hdr);
	if (data != NULL)
		p = strstr(data, want);
	TEST_ASSERT(p != NULL && (p == data || p[-1] == '\n') &&
	    (p[strlen(want)] == '\r' || p[strlen(want)] == '\n'));
	free(data);
	free(path);
}

static void
check_zone(const struct zone *z, time_t t)
{
	struct rules	*r;
	char		 dir[] = "/tmp/t_clock.XXXXXX", buf[64];
	time_t		 end;

	if (mkdtemp(dir) == NULL)
		return;
	if ((r = rules_in(dir, z->name)) == NULL) {
		TEST_ASSERT(r != NULL);
		util_rmtree(dir);
		return;
	}
	/* What main() does when the rules come into force. */
	clock_zone_set(r->cal.utc_offset);
	check_calendar(&r->cal, z->minutes);
	TEST_STREQ(clock_zone_name(), z->name);
	clock_format(t, CLOCK_TIME, buf, sizeof buf);
	TEST_STREQ(buf, z->newyear);
	/* The certificate's end: the same wall-clock time, two years on. */
	end = clock_add_months(t, 24);
	clock_format(end, CLOCK_DATE, buf, sizeof buf);
	TEST_STREQ(buf, z->expires);
	clock_format(end, CLOCK_TIME, buf, sizeof buf);
	TEST_ASSERT(strcmp(buf + 10, z->newyear + 10) == 0);
	check_store(dir, z, t);
	check_date_header(dir, z);
	rules_free(r);
	util_rmtree(dir);
}

int
main(void)
{
	time_t		 t = test_wall(2026, 12, 31, 23, 30, 420);
	char		 buf[64];
	size_t		 i;

	log_init(LOG_TO_STDERR, 0);
	mime_init();
	clock_set(t);
	/* Before any rules: the shipped zone. */
	TEST_STREQ(clock_zone_name(), "WIB");
	for (i = 0; i < sizeof zones / sizeof zones[0]; i++)
		check_zone(&zones[i], t);
	/* Days left count office dates, whatever the hour or zone. */
	clock_zone_set(7 * 60);
	TEST_ASSERT(clock_days(test_wall(2026, 12, 7, 7, 30, 420),
	    test_wall(2026, 12, 12, 10, 0, 420)) == 5);
	TEST_ASSERT(clock_days(test_wall(2026, 12, 31, 23, 59, 420),
	    test_wall(2027, 1, 1, 0, 1, 420)) == 1);
	TEST_ASSERT(clock_days(test_wall(2026, 12, 7, 8, 0, 420),
	    test_wall(2026, 12, 7, 10, 0, 420)) == 0);
	TEST_ASSERT(clock_days(test_wall(2026, 12, 7, 8, 0, 420),
	    test_wall(2026, 12, 6, 10, 0, 420)) == -1);
	clock_zone_set(9 * 60);
	TEST_ASSERT(clock_days(test_wall(2026, 12, 31, 23, 30, 420),
	    test_wall(2027, 1, 1, 10, 0, 420)) == 0);
	/* A zone with no Indonesian name is named by its offset. */
	clock_zone_set(5 * 60 + 30);
	TEST_STREQ(clock_zone_name(), "UTC+05:30");
	clock_format(t, CLOCK_TIME, buf, sizeof buf);
	TEST_STREQ(buf, "31-12-2026 22.00 UTC+05:30");
	mime_shutdown();
	return (test_done());
}
