/* SPDX-License-Identifier: ISC */
/*
 * report.c: the periods (--month, the month before the first office
 * day) and the totals of a known set of cases, opened and closed at set
 * times through the store: received, finished, refused or cancelled,
 * open, on time against the SOP's standard, the median office and
 * calendar days; cases outside the month not counted.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "disposisi.h"
#include "report_p.h"
#include "test.h"

/* A case opened at a, moved to the first step, and to state at b. */
static void
one(struct store *st, const char *who, time_t a, enum case_state to,
    time_t b)
{
	struct case_row	*c;

	clock_set(a);
	c = store_case_open(st, "tte", "TTE", who, NULL, "s", who, "sekdis",
	    "v1");
	TEST_ASSERT(c != NULL);
	if (c == NULL)
		return;
	TEST_ASSERT(store_case_enter(st, c, CASE_OPEN, "sekdis", 1, NULL) ==
	    1);
	c->state = CASE_OPEN;
	c->round = 1;
	if (to != CASE_OPEN) {
		clock_set(b);
		TEST_ASSERT(store_case_enter(st, c, to, "sekdis", 1, NULL) ==
		    1);
	}
	store_case_free(c);
}

static void
periods(void)
{
	struct report_period	 p;

	TEST_ASSERT(report_period_month("2026-11", &p) == 0);
	TEST_ASSERT(p.from == test_wib(2026, 11, 1, 0, 0) &&
	    p.to == test_wib(2026, 12, 1, 0, 0));
	TEST_STREQ(p.label, "November 2026");
	TEST_STREQ(p.month, "2026-11");
	TEST_ASSERT(report_period_month("2026-13", &p) == -1);
	TEST_ASSERT(report_period_month("2026-1", &p) == -1);
	TEST_ASSERT(report_period_month("2026-11-01", &p) == -1);
	/* The first office day of January: December, across the year. */
	report_period_before(test_wib(2027, 1, 4, 7, 30), &p);
	TEST_ASSERT(p.from == test_wib(2026, 12, 1, 0, 0) &&
	    p.to == test_wib(2027, 1, 1, 0, 0));
	TEST_STREQ(p.month, "2026-12");
	TEST_STREQ(p.label, "Desember 2026");
}

int
main(void)
{
	struct ctx		 ctx = { 0 };
	struct report		 r = { 0 };
	struct report_period	 p;
	struct report_totals	 t;
	char			 dir[] = "/tmp/t_report.XXXXXX", *path, *cause;
	char			*text;

	periods();
	if (mkdtemp(dir) == NULL ||
	    (ctx.rules = rules_load("rules", &cause)) == NULL)
		return (1);
	xasprintf(&path, "%s/t.db", dir);
	if ((ctx.store = store_open(path, &cause)) == NULL)
		return (1);
	TEST_ASSERT(store_begin(ctx.store) == 0);
	/* Outside November: not counted. */
	one(ctx.store, "okt@x", test_wib(2026, 10, 30, 9, 0), CASE_DONE,
	    test_wib(2026, 11, 2, 9, 0));
	one(ctx.store, "des@x", test_wib(2026, 12, 1, 8, 0), CASE_OPEN, 0);
	/* 60 office minutes, within the SOP's 380: on time, same day. */
	one(ctx.store, "a@x", test_wib(2026, 11, 2, 9, 0), CASE_DONE,
	    test_wib(2026, 11, 2, 10, 0));
	/* Friday 15:00 to Tuesday 09:00: Monday and Tuesday, 4 days. */
	one(ctx.store, "b@x", test_wib(2026, 11, 6, 15, 0), CASE_DONE,
	    test_wib(2026, 11, 10, 9, 0));
	/* Monday 08:00 to Wednesday 08:00: 2 office days, 2 days. */
	one(ctx.store, "c@x", test_wib(2026, 11, 16, 8, 0), CASE_DONE,
	    test_wib(2026, 11, 18, 8, 0));
	one(ctx.store, "d@x", test_wib(2026, 11, 11, 9, 0), CASE_REJECTED,
	    test_wib(2026, 11, 11, 10, 0));
	one(ctx.store, "e@x", test_wib(2026, 11, 12, 9, 0), CASE_CANCELLED,
	    test_wib(2026, 11, 13, 10, 0));
	one(ctx.store, "f@x", test_wib(2026, 11, 30, 15, 0), CASE_OPEN, 0);
	TEST_ASSERT(store_commit(ctx.store) == 0);

	TEST_ASSERT(report_period_month("2026-11", &p) == 0);
	r.ctx = &ctx;
	r.p = &p;
	TEST_ASSERT(report_cases(&r) == 0);
	TEST_ASSERT(r.n == 6);
	report_count(&r, rules_sop(ctx.rules, "tte"), &t);
	TEST_ASSERT(t.received == 6 && t.done == 3 && t.stopped == 2 &&
	    t.open == 1 && t.ontime == 1);
	TEST_ASSERT(t.med_office == 2 && t.med_cal == 2);
	report_count(&r, rules_sop(ctx.rules, "pembaharuan"), &t);
	TEST_ASSERT(t.received == 0 && t.med_office == -1);
	report_cases_free(&r);
	text = report_summary(&ctx, &p);
	TEST_ASSERT(text != NULL && strstr(text,
	    "Selesai tepat waktu        : 33% (1 dari 3)") != NULL &&
	    strstr(text, "2 hari kerja (2 hari kalender)") != NULL);
	free(text);

	store_close(ctx.store);
	rules_free(ctx.rules);
	unlink(path);
	free(path);
	rmdir(dir);
	return (test_done());
}
