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

static inline int
test_done(void)
{
	printf("%d passed, %d failed\n", test_passed, test_failed);
	return (test_failed != 0);
}

#endif
