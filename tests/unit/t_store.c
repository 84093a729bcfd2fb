/* SPDX-License-Identifier: ISC */
/*
 * store.c: case references per year (past 99,999 too), compare-and-set
 * transitions, a dispatch answered once, and the outbox state machine
 * (queued → retry → sent | failed).
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "disposisi.h"
#include "test.h"

/* Sets a year's last case number, as years of cases would have. */
static int
seq_set(const char *path, int year, int last)
{
	sqlite3	*db;
	char	*sql;
	int	 rv;

	if (sqlite3_open(path, &db) != SQLITE_OK)
		return (-1);
	xasprintf(&sql, "INSERT OR REPLACE INTO case_seq VALUES (%d, %d)",
	    year, last);
	rv = sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK ? 0 : -1;
	free(sql);
	sqlite3_close(db);
	return (rv);
}

int
main(void)
{
	char		 dir[] = "/tmp/t_store.XXXXXX", *path, *cause = NULL;
	struct store	*st, *st2;
	struct case_row	*c1, *c2;
	struct outbox_row *rows;
	size_t		 n;
	time_t		 now = time(NULL), when;
	int64_t		 id;
	uint32_t	 uv, last;
	char		 want[32], subj[64];
	struct tm	 tm;
	int		 year;

	clock_local(now, &tm);
	year = tm.tm_year + 1900;
	if (mkdtemp(dir) == NULL)
		return (1);
	xasprintf(&path, "%s/t.db", dir);
	st = store_open(path, &cause);
	TEST_ASSERT(st != NULL);
	if (st == NULL)
		return (test_done());

	clock_set(now);
	TEST_ASSERT(store_begin(st) == 0);
	c1 = store_case_open(st, "tte", "TTE", "budi@x", "Budi", "s", "m1",
	    "sekdis", "v1");
	c2 = store_case_open(st, "tte", "TTE", "siti@x", NULL, "s", "m2",
	    "sekdis", "v1");
	snprintf(want, sizeof want, "TTE-%04d-00002", year);
	TEST_STREQ(c2->ref, want);
	TEST_ASSERT(c1->state == CASE_WAIT_DOCS && c1->round == 0);
	TEST_STREQ(c1->step, "sekdis");
	/* Compare-and-set: from where the row says the case is, only. */
	TEST_ASSERT(store_case_enter(st, c1, CASE_OPEN, "sekdis", 1,
	    NULL) == 1);
	TEST_ASSERT(store_case_enter(st, c1, CASE_OPEN, "kadis", 1,
	    NULL) == 0);
	id = store_dispatch_add(st, c1->id, "sekdis", 1, "sekdis", "sekdis@x",
	    NULL, "tok1");
	TEST_ASSERT(store_dispatch_answer(st, id, "Y", NULL, 0) == 1);
	TEST_ASSERT(store_dispatch_answer(st, id, "T", "x", 0) == 0);
	/* An AMS notice's name finds a case only when one case bears it. */
	TEST_ASSERT(store_case_by_name(st, "BUDI") == c1->id);
	TEST_ASSERT(store_case_by_name(st, "Siti") == 0);
	/* A notice naming only a NIK: the case by its keyed hash. */
	TEST_ASSERT(store_case_nik_hmac(st, c2->id, "ab12") == 0);
	{
		int64_t	*ids;
		size_t	 n;

		TEST_ASSERT(store_case_ids_by_nik_hmac(st, "ab12", &ids,
		    &n) == 0 && n == 1 && ids[0] == c2->id);
		free(ids);
		TEST_ASSERT(store_case_ids_by_nik_hmac(st, "ab13", &ids,
		    &n) == 0 && n == 0);
		free(ids);
	}
	/* The applicant names a file's kind: the case's rows of that name. */
	{
		struct attachment	 a = { .filename = "IMG_1.jpg",
		    .content_type = "image/jpeg", .path = "p", .size = 1 };

		TEST_ASSERT(store_document_add(st, c2->id, &a, NULL, "sekdis",
		    0) == 0);
		TEST_ASSERT(store_document_set_kind(st, c2->id, "img_1.JPG",
		    "ktp") == 1);
		TEST_ASSERT(store_document_set_kind(st, c1->id, "IMG_1.jpg",
		    "ktp") == 0);
	}
	store_case_free(c2);
	c2 = store_case_open(st, "tte", "TTE", "budi@y", "budi", "s", "m3",
	    "sekdis", "v1");
	TEST_ASSERT(store_case_by_name(st, "Budi") == 0);
	TEST_ASSERT(store_commit(st) == 0);
	store_case_free(c1);
	store_case_free(c2);

	/*
	 * Past 99,999 cases a year the reference grows a digit, and the
	 * subject tag still finds the case.
	 */
	TEST_ASSERT(seq_set(path, year, 99999) == 0);
	store_begin(st);
	c1 = store_case_open(st, "tte", "TTE", "a@x", NULL, NULL, NULL,
	    "sekdis", "v1");
	snprintf(want, sizeof want, "TTE-%04d-100000", year);
	TEST_ASSERT(c1 != NULL && strcmp(c1->ref, want) == 0);
	snprintf(subj, sizeof subj, "Re: [%s] Disposisi", want);
	TEST_ASSERT(c1 != NULL && store_case_find(st, subj, NULL, 0) ==
	    c1->id);
	store_case_free(c1);
	store_rollback(st);

	/* The sequence restarts in a new year (WIB). */
	store_begin(st);
	clock_set(now + 366 * 86400);
	c1 = store_case_open(st, "tte", "TTE", "a@x", NULL, NULL, NULL,
	    "sekdis", "v1");
	TEST_ASSERT(c1 != NULL && strcmp(c1->ref + 9, "00001") == 0);
	store_case_free(c1);
	store_rollback(st);
	clock_set(now);

	/* Outbox: due now, deferred, then sent. */
	store_begin(st);
	id = store_outbox_add(st, 0, "k", "a@x", "mid-a", "/p");
	store_commit(st);
	store_outbox_due(st, now + 1, &rows, &n);
	TEST_ASSERT(n == 1 && rows[0].id == id && rows[0].attempts == 0);
	store_outbox_rows_free(rows, n);
	store_outbox_result(st, id, "queued", 451, "try later", now + 60);
	store_outbox_due(st, now + 1, &rows, &n);
	TEST_ASSERT(n == 0);
	store_outbox_rows_free(rows, n);
	TEST_ASSERT(store_outbox_next_due(st, &when) == 1 && when == now + 60);
	/* The clock went back: the retry is due within a bound, once. */
	TEST_ASSERT(store_outbox_clamp(st, now + 30) == 1);
	TEST_ASSERT(store_outbox_next_due(st, &when) == 1 && when == now + 30);
	TEST_ASSERT(store_outbox_clamp(st, now + 30) == 0);
	store_outbox_due(st, now + 61, &rows, &n);
	TEST_ASSERT(n == 1 && rows[0].attempts == 1);
	store_outbox_rows_free(rows, n);
	store_outbox_result(st, id, "sent", 250, NULL, now);
	TEST_ASSERT(store_outbox_next_due(st, &when) == 0);
	TEST_ASSERT(store_outbox_count(st, 0, "k", "a@x", now - 5) == 1);
	TEST_ASSERT(store_outbox_count(st, 99, "k", "a@x", now - 5) == 0);
	TEST_ASSERT(store_outbox_count(st, 0, "k", "b@x", now - 5) == 0);

	/* Mailbox state and inbound dedup by place and by content. */
	TEST_ASSERT(store_mailbox_get(st, "INBOX", &uv, &last) == 0);
	store_begin(st);
	store_mailbox_set(st, "INBOX", 7, 42);
	id = store_inbound_add(st, "INBOX", 7, 42, "sha-a", NULL);
	store_commit(st);
	TEST_ASSERT(store_mailbox_get(st, "INBOX", &uv, &last) == 1 &&
	    uv == 7 && last == 42);
	TEST_ASSERT(store_inbound_seen(st, "INBOX", 7, 42, NULL) == id);
	TEST_ASSERT(store_inbound_seen(st, "INBOX", 8, 1, "sha-a") == id);
	TEST_ASSERT(store_inbound_seen(st, "INBOX", 8, 1, "sha-b") == 0);

	/*
	 * Statements are prepared once and kept: one given back after a
	 * single row must not keep its read open, or this connection
	 * would go on seeing the database as it was.
	 */
	st2 = store_open(path, &cause);
	TEST_ASSERT(st2 != NULL && store_mailbox_set(st2, "INBOX", 7, 43) == 0);
	TEST_ASSERT(store_mailbox_get(st, "INBOX", &uv, &last) == 1 &&
	    last == 43);
	store_close(st2);
	store_close(st);

	/* Reopening keeps the schema and the data. */
	st = store_open(path, &cause);
	TEST_ASSERT(st != NULL && store_mailbox_get(st, "INBOX", &uv, &last));
	store_close(st);
	free(path);
	return (test_done());
}
