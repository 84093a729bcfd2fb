/* SPDX-License-Identifier: ISC */
/*
 * Office time with the shipped calendar (WIB, Monday-Thursday
 * 07:30-16:00, Friday 07:30-16:30) and holidays (24-25 December 2026):
 * which moments are open, how many office minutes lie between two, and
 * which year a span reaches has no holidays.
 */

#include <stdio.h>
#include <time.h>

#include "disposisi.h"
#include "test.h"

int
main(void)
{
	struct rules		*r;
	const struct calendar	*cal;
	char			*cause = NULL;

	log_init(LOG_TO_STDERR, 0);
	if ((r = rules_load("rules", &cause)) == NULL) {
		fprintf(stderr, "rules: %s\n", cause);
		return (1);
	}
	cal = &r->cal;
	/* Monday 7 December 2026. */
	TEST_ASSERT(cal_is_open(cal, test_wib(2026, 12, 7, 9, 0)));
	TEST_ASSERT(cal_is_open(cal, test_wib(2026, 12, 7, 7, 30)));
	TEST_ASSERT(!cal_is_open(cal, test_wib(2026, 12, 7, 7, 29)));
	TEST_ASSERT(!cal_is_open(cal, test_wib(2026, 12, 7, 16, 0)));
	/* Friday, Saturday, and a cuti bersama. */
	TEST_ASSERT(cal_is_open(cal, test_wib(2026, 12, 4, 16, 15)));
	TEST_ASSERT(!cal_is_open(cal, test_wib(2026, 12, 5, 10, 0)));
	TEST_ASSERT(!cal_is_open(cal, test_wib(2026, 12, 24, 10, 0)));
	TEST_ASSERT(cal_holiday(cal, test_wib(2026, 12, 25, 10, 0)) != NULL);
	TEST_ASSERT(cal_holiday(cal, test_wib(2026, 12, 28, 10, 0)) == NULL);

	TEST_ASSERT(cal_office_minutes(cal, test_wib(2026, 12, 7, 9, 0),
	    test_wib(2026, 12, 7, 9, 25)) == 25);
	/* Friday evening to Monday morning: the weekend does not count. */
	TEST_ASSERT(cal_office_minutes(cal, test_wib(2026, 12, 4, 16, 20),
	    test_wib(2026, 12, 7, 7, 45)) == 25);
	/* Across Christmas: Wednesday's last ten minutes, Monday's first 30. */
	TEST_ASSERT(cal_office_minutes(cal, test_wib(2026, 12, 23, 15, 50),
	    test_wib(2026, 12, 28, 8, 0)) == 40);
	/* A night counts nothing; a whole week 4 x 510 + 540. */
	TEST_ASSERT(cal_office_minutes(cal, test_wib(2026, 12, 7, 17, 0),
	    test_wib(2026, 12, 8, 7, 0)) == 0);
	TEST_ASSERT(cal_office_minutes(cal, test_wib(2026, 12, 7, 0, 0),
	    test_wib(2026, 12, 14, 0, 0)) == 4 * 510 + 540);
	TEST_ASSERT(cal_office_minutes(cal, test_wib(2026, 12, 8, 0, 0),
	    test_wib(2026, 12, 7, 0, 0)) == 0);
	/* The report's days: Wednesday 23 to Monday 28 December is one
	 * office day (24-25 off, then the weekend) and five calendar days;
	 * the same day is none; late at night is the next office date. */
	TEST_ASSERT(cal_office_days(cal, test_wib(2026, 12, 23, 15, 50),
	    test_wib(2026, 12, 28, 8, 0)) == 1);
	TEST_ASSERT(cal_calendar_days(cal, test_wib(2026, 12, 23, 15, 50),
	    test_wib(2026, 12, 28, 8, 0)) == 5);
	TEST_ASSERT(cal_office_days(cal, test_wib(2026, 12, 7, 7, 30),
	    test_wib(2026, 12, 7, 15, 0)) == 0);
	TEST_ASSERT(cal_office_days(cal, test_wib(2026, 12, 7, 23, 0),
	    test_wib(2026, 12, 8, 1, 0)) == 1);
	TEST_ASSERT(cal_calendar_days(cal, test_wib(2026, 12, 8, 0, 0),
	    test_wib(2026, 12, 7, 0, 0)) == 0);

	/* The inverse: when N office minutes will have passed. */
	TEST_ASSERT(cal_office_after(cal, test_wib(2026, 12, 7, 9, 0), 25) ==
	    test_wib(2026, 12, 7, 9, 25));
	TEST_ASSERT(cal_office_after(cal, test_wib(2026, 12, 4, 16, 20), 25) ==
	    test_wib(2026, 12, 7, 7, 45));
	TEST_ASSERT(cal_office_after(cal, test_wib(2026, 12, 23, 15, 50), 40) ==
	    test_wib(2026, 12, 28, 8, 0));
	TEST_ASSERT(cal_office_after(cal, test_wib(2026, 12, 7, 17, 0), 1) ==
	    test_wib(2026, 12, 8, 7, 31));
	TEST_ASSERT(cal_office_after(cal, test_wib(2026, 12, 7, 9, 0), 0) ==
	    test_wib(2026, 12, 7, 9, 0));
	{
		time_t	 from = test_wib(2026, 12, 3, 14, 7), t;
		long	 m;

		/* Round trips across a weekend and the Christmas holidays. */
		for (m = 1; m < 4000; m += 37) {
			t = cal_office_after(cal, from, m);
			TEST_ASSERT(cal_office_minutes(cal, from, t) == m);
			TEST_ASSERT(cal_office_minutes(cal, from, t - 60) ==
			    m - 1);
		}
	}

	TEST_ASSERT(cal_next_open(cal, test_wib(2026, 12, 5, 10, 0)) ==
	    test_wib(2026, 12, 7, 7, 30));
	TEST_ASSERT(cal_next_open(cal, test_wib(2026, 12, 7, 9, 0)) ==
	    test_wib(2026, 12, 7, 9, 0));
	TEST_ASSERT(cal_next_open(cal, test_wib(2026, 12, 23, 17, 0)) ==
	    test_wib(2026, 12, 28, 7, 30));

	/*
	 * The shipped rules hold 2026 and 2027: a gap only where the span
	 * reaches 2028, the year on its office date (WIB, not UTC).
	 */
	TEST_ASSERT(cal_holidays_gap(cal, test_wib(2026, 12, 7, 9, 0),
	    test_wib(2027, 12, 7, 9, 0)) == 0);
	TEST_ASSERT(cal_holidays_gap(cal, test_wib(2027, 2, 1, 9, 0),
	    test_wib(2028, 2, 1, 9, 0)) == 2028);
	TEST_ASSERT(cal_holidays_gap(cal, test_wib(2027, 1, 1, 0, 0),
	    test_wib(2027, 12, 31, 23, 59)) == 0);
	TEST_ASSERT(cal_holidays_gap(cal, test_wib(2027, 1, 1, 0, 0),
	    test_wib(2028, 1, 1, 0, 0)) == 2028);
	TEST_ASSERT(cal_holidays_gap(cal, test_wib(2025, 6, 1, 9, 0),
	    test_wib(2026, 6, 1, 9, 0)) == 2025);

	/* The shipped supervisors and thresholds. */
	TEST_ASSERT(rules_role(r, "sekdis")->supervisor == rules_role(r,
	    "kadis"));
	TEST_ASSERT(rules_role(r, "verifikator")->supervisor == rules_role(r,
	    "kabid-persandian"));
	TEST_ASSERT(rules_role(r, "kadis")->supervisor == NULL);
	TEST_ASSERT(rules_sop(r, "tte")->remind_pct == 100 &&
	    rules_sop(r, "tte")->escalate_pct == 200);
	rules_free(r);
	/* Jumps of the wall clock, against the monotonic one. */
	{
		struct clock_mark	 m = { 0 };

		TEST_ASSERT(clock_jump(&m, 1000, 50) == 0);	/* first mark */
		TEST_ASSERT(clock_jump(&m, 1100, 150) == 0);	/* in step */
		TEST_ASSERT(clock_jump(&m, 1150, 190) == 0);	/* slewed */
		TEST_ASSERT(clock_jump(&m, 1150 - 3 * 3600 + 10, 200) ==
		    -3 * 3600);				/* set back 3 h */
		TEST_ASSERT(clock_jump(&m, 100000, 210) > 0);	/* forward */
	}
	return (test_done());
}
