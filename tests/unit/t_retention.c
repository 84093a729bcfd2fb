/* SPDX-License-Identifier: ISC */
/*
 * retention.c: which closed cases' files are past keeping (a table, no
 * I/O), whether a file shared by several cases may go; and store.c's
 * side: the close time a state change records, the closed cases listed
 * with their file rows, the purge mark that takes once.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "disposisi.h"
#include "test.h"

#define DAY	86400
#define NOW	((time_t)2000000000)

static const struct {
	const char	*what;
	enum case_state	 state;
	time_t		 closed_at, expires_at;
	int64_t		 files, purged;
	int		 days;
	int		 due;
} due_table[] = {
	{ "open: never", CASE_OPEN, 0, 0, 5, -1, 730, 0 },
	{ "waiting for documents: never", CASE_WAIT_DOCS, 0, 0, 1, -1, 1, 0 },
	{ "rejected 731 days ago", CASE_REJECTED, NOW - 731 * DAY, 0, 4, -1,
	    730, 1 },
	{ "rejected 729 days ago", CASE_REJECTED, NOW - 729 * DAY, 0, 4, -1,
	    730, 0 },
	{ "cancelled exactly 730 days ago", CASE_CANCELLED, NOW - 730 * DAY, 0,
	    4, -1, 730, 1 },
	{ "issued long ago, certificate ended 729 days ago", CASE_DONE,
	    NOW - 1500 * DAY, NOW - 729 * DAY, 9, -1, 730, 0 },
	{ "issued, certificate ended 731 days ago", CASE_DONE,
	    NOW - 1500 * DAY, NOW - 731 * DAY, 9, -1, 730, 1 },
	{ "issued without an expiry: from the close", CASE_DONE,
	    NOW - 731 * DAY, 0, 9, -1, 730, 1 },
	{ "an expiry before the close: the close counts", CASE_DONE,
	    NOW - 100 * DAY, NOW - 900 * DAY, 9, -1, 730, 0 },
	{ "retention off", CASE_REJECTED, NOW - 9000 * DAY, 0, 4, -1, 0, 0 },
	{ "purged, nothing new", CASE_REJECTED, NOW - 800 * DAY, 0, 4, 4, 730,
	    0 },
	{ "purged, a mail came since", CASE_REJECTED, NOW - 800 * DAY, 0, 5, 4,
	    730, 1 },
	{ "closed with no file ever: marked once", CASE_REJECTED,
	    NOW - 800 * DAY, 0, 0, -1, 730, 1 },
	{ "no close time known", CASE_REJECTED, 0, 0, 3, -1, 730, 0 },
};

static void
fill(struct retention_case *c, enum case_state state, time_t closed,
    time_t expires)
{
	memset(c, 0, sizeof *c);
	c->state = state;
	c->closed_at = closed;
	c->expires_at = expires;
	c->purged = -1;
}

static void
test_due(void)
{
	struct retention_case	 c;
	size_t			 i;
	int			 got;

	for (i = 0; i < sizeof due_table / sizeof due_table[0]; i++) {
		fill(&c, due_table[i].state, due_table[i].closed_at,
		    due_table[i].expires_at);
		c.files = due_table[i].files;
		c.purged = due_table[i].purged;
		got = retention_due(&c, due_table[i].days, NOW);
		if (got != due_table[i].due)
			fprintf(stderr, "due: %s: got %d\n", due_table[i].what,
			    got);
		TEST_ASSERT(got == due_table[i].due);
	}
	fill(&c, CASE_DONE, NOW - 10 * DAY, NOW + 700 * DAY);
	TEST_ASSERT(retention_until(&c, 730) == NOW + 1430 * DAY);
	/* Its mail still queued: the sender needs the file; later. */
	fill(&c, CASE_REJECTED, NOW - 800 * DAY, 0);
	c.files = 3;
	TEST_ASSERT(retention_due(&c, 730, NOW) == 1);
	c.queued = 1;
	TEST_ASSERT(retention_due(&c, 730, NOW) == 0);
}

/* The same scan in two cases goes only when both are past keeping. */
static void
test_shared(void)
{
	struct retention_case	 h[2];

	fill(&h[0], CASE_REJECTED, NOW - 800 * DAY, 0);
	fill(&h[1], CASE_DONE, NOW - 800 * DAY, NOW + 10 * DAY);
	TEST_ASSERT(retention_free(h, 2, 730, NOW) == 0);
	TEST_ASSERT(retention_free(h, 1, 730, NOW) == 1);
	TEST_ASSERT(retention_free(h, 2, 730, NOW + 741 * DAY) == 1);
	fill(&h[1], CASE_OPEN, 0, 0);
	TEST_ASSERT(retention_free(h, 2, 730, NOW + 9000 * DAY) == 0);
}

static struct case_row *
closed_case(struct store *st, const char *who, enum case_state to)
{
	struct case_row	*c;

	c = store_case_open(st, "tte", "TTE", who, NULL, "s", who, "sekdis",
	    "v1");
	TEST_ASSERT(c != NULL && store_case_enter(st, c, to, "sekdis", 1,
	    NULL) == 1);
	return (c);
}

static void
test_store(void)
{
	char			 dir[] = "/tmp/t_retention.XXXXXX", *path;
	char			*cause = NULL;
	struct store		*st;
	struct case_row		*a, *b, *o;
	struct retention_case	*rows;
	struct attachment	 att = { .filename = "ktp.jpg", .path =
	    "/spool/doc/x", .sha256 = "abc", .size = 3 };
	size_t			 n;

	if (mkdtemp(dir) == NULL)
		return;
	xasprintf(&path, "%s/t.db", dir);
	st = store_open(path, &cause);
	TEST_ASSERT(st != NULL);
	if (st == NULL)
		return;
	clock_set(NOW);
	store_begin(st);
	a = closed_case(st, "a@x", CASE_REJECTED);
	b = closed_case(st, "b@x", CASE_DONE);
	o = closed_case(st, "o@x", CASE_OPEN);
	TEST_ASSERT(store_document_add(st, a->id, &att, "ktp", NULL, 0) == 0);
	TEST_ASSERT(store_document_add(st, b->id, &att, "ktp", NULL, 0) == 0);
	TEST_ASSERT(store_document_add(st, o->id, &att, "ktp", NULL, 0) == 0);
	store_commit(st);

	/* The closed ones, with their close time and file rows. */
	TEST_ASSERT(store_retention_cases(st, NOW, &rows, &n) == 0 && n == 2);
	TEST_ASSERT(n == 2 && rows[0].id == a->id && rows[0].closed_at ==
	    NOW && rows[0].files == 1 && rows[0].purged == -1 &&
	    rows[1].state == CASE_DONE);
	store_retention_free(rows, n);
	/* Kept from NOW: a run whose cut-off is earlier reads neither. */
	TEST_ASSERT(store_retention_cases(st, NOW - 1, &rows, &n) == 0 &&
	    n == 0);
	store_retention_free(rows, n);
	TEST_ASSERT(store_retention_holders(st, "abc", &rows, &n) == 0 &&
	    n == 3);
	TEST_ASSERT(retention_free(rows, n, 730, NOW + 9000 * DAY) == 0);
	store_retention_free(rows, n);

	/* Marked once: a second run at the same time finds it taken. */
	store_begin(st);
	TEST_ASSERT(store_case_purge(st, a->id, -1) == 1);
	TEST_ASSERT(store_case_purge(st, a->id, -1) == 0);
	store_commit(st);
	TEST_ASSERT(store_case_purged_at(st, a->id) == NOW);
	TEST_ASSERT(store_case_purged_at(st, b->id) == 0);
	TEST_ASSERT(store_retention_cases(st, NOW, &rows, &n) == 0 && n == 2 &&
	    rows[0].purged == 1 && !retention_due(&rows[0], 1, NOW + 2 * DAY));
	store_retention_free(rows, n);

	/* The daemon's daily job. */
	TEST_ASSERT(store_job_last(st, "retensi") == 0);
	store_begin(st);
	TEST_ASSERT(store_job_done(st, "retensi", NOW) == 0);
	TEST_ASSERT(store_job_done(st, "retensi", NOW + 5) == 0);
	store_commit(st);
	TEST_ASSERT(store_job_last(st, "retensi") == NOW + 5);
	store_case_free(a);
	store_case_free(b);
	store_case_free(o);
	store_close(st);
	unlink(path);
	free(path);
	xasprintf(&path, "rm -rf %s", dir);
	TEST_ASSERT(system(path) == 0);
	free(path);
}

int
main(void)
{
	test_due();
	test_shared();
	test_store();
	return (test_done());
}
