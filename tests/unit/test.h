/* SPDX-License-Identifier: ISC */
/*
 * A minimal unit-test kit: each t_*.c links the module it tests and
 * what that module calls (its object list in the Makefile), and calls
 * TEST_ASSERT; test_done() prints "N passed, N failed" and returns the
 * exit status.
 */
#ifndef TEST_H
#define TEST_H

#include <stdio.h>
#include <string.h>
#include <time.h>

static int	test_passed, test_failed;

#define TEST_ASSERT(cond) do {						\
	if (cond)							\
		test_passed++;						\
	else {								\
		test_failed++;						\
		fprintf(stderr, "%s:%d: FAIL: %s\n", __FILE__, __LINE__,	\
		    #cond);						\
	}								\
} while (0)

#define TEST_STREQ(a, b) do {						\
	const char *_a = (a), *_b = (b);				\
	if (_a != NULL && _b != NULL && strcmp(_a, _b) == 0)		\
		test_passed++;						\
	else {								\
		test_failed++;						\
		fprintf(stderr, "%s:%d: FAIL: %s == \"%s\", want \"%s\"\n",	\
		    __FILE__, __LINE__, #a, _a ? _a : "(null)",		\
		    _b ? _b : "(null)");				\
	}								\
} while (0)

/* The epoch time of a wall-clock time minutes east of UTC (WIB: 420). */
static inline time_t
test_wall(int y, int mo, int d, int h, int mi, int minutes)
{
	struct tm	 tm = { 0 };

	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	return (timegm(&tm) - minutes * 60);
}

/* The same in WIB, the shipped calendar's zone. */
static inline time_t
test_wib(int y, int mo, int d, int h, int mi)
{
	return (test_wall(y, mo, d, h, mi, 7 * 60));
}

static inline int
test_done(void)
{
	printf("%d passed, %d failed\n", test_passed, test_failed);
	return (test_failed != 0);
}

#endif
