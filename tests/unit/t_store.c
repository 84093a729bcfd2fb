/* SPDX-License-Identifier: ISC */
/*
 * store.c: case references per year (past 99,999 too), compare-and-set
 * transitions, a dispatch answered once, and the outbox state machine
 * (queued → retry → sent | failed). Every reader under a failing disk
 * (tests/fault/fault.c, linked in here): -1, never "none".
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "disposisi.h"
#include "test.h"
#include "../fault/fault.c"

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

/* Arms the fault: reads of the database holding what fail (""; all). */
static void
fault_arm(const char *ctl, const char *what)
{
	FILE	*f = fopen(ctl, "w");

	if (f != NULL) {
		fputs(what, f);
		fclose(f);
	}
}

/* What the readers find while the disk works. */
struct seen {
	int64_t		 case_id, dispatch_id, event_id;
	const char	*ref;
};

static void
free_list(char **l, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		free(l[i]);
	free(l);
}

/* The readers of cases and mail in; want -1 (failing) or not. */
static void
readers_cases(struct store *st, const struct seen *w, int fail)
{
	struct case_row		*c = NULL;
	struct inbound_row	*in;
	struct case_list_row	*cl;
	struct waiting_row	*wr;
	char			**l, **l2, **l3, subj[64];
	int64_t			*ids;
	size_t			 n;
	uint32_t		 uv, last;

	snprintf(subj, sizeof subj, "Re: [%s]", w->ref);
	TEST_ASSERT((store_mailbox_get(st, "INBOX", &uv, &last) == -1) == fail);
	TEST_ASSERT((store_inbound_seen(st, "INBOX", 7, 42, "x") == -1) ==
	    fail);
	TEST_ASSERT((store_inbound_released(st, "INBOX", 7, 1, "x") == -1) ==
	    fail);
	TEST_ASSERT((store_inbound_held(st, 1) == -1) == fail);
	TEST_ASSERT((store_inbound_since(st, NULL, 0) == -1) == fail);
	TEST_ASSERT((store_held_since(st, "a@x", 0, 0) == -1) == fail);
	TEST_ASSERT((store_cases_since(st, NULL, 0) == -1) == fail);
	TEST_ASSERT((store_inbound_by_mid(st, "m", 0) == -1) == fail);
	TEST_ASSERT((store_inbound_pending(st, "INBOX", &in, &n) == -1) ==
	    fail && (!fail || (in == NULL && n == 0)));
	store_inbound_rows_free(in, n);
	TEST_ASSERT((store_inbound_loose(st, "a@x", &l, &n) == -1) == fail);
	free_list(l, n);
	TEST_ASSERT(store_case_get(st, w->case_id, &c) == (fail ? -1 : 1) &&
	    (c == NULL) == fail);
	store_case_free(c);
	TEST_ASSERT(store_case_find(st, subj, NULL, 0) == (fail ? -1 :
	    w->case_id));
	TEST_ASSERT((store_cases_of(st, "budi@x", &l, &n) == -1) == fail);
	free_list(l, n);
	TEST_ASSERT((store_case_ids_of(st, "budi@x", &ids, &n) == -1) == fail);
	free(ids);
	TEST_ASSERT((store_case_ids_by_nik_hmac(st, "m", &ids, &n) == -1) ==
	    fail);
	free(ids);
	TEST_ASSERT((store_notices_unused(st, w->case_id, &l, &n) == -1) ==
	    fail);
	free_list(l, n);
	TEST_ASSERT((store_case_by_name(st, "Budi") == -1) == fail);
	TEST_ASSERT((store_case_positions(st, &l, &l2, &l3, &n) == -1) ==
	    fail);
	free_list(l, n);
	free_list(l2, n);
	free_list(l3, n);
	TEST_ASSERT((store_expiring(st, 0, 1, &wr, &n) == -1) == fail);
	store_waiting_free(wr, n);
	TEST_ASSERT((store_case_list(st, 2, &cl, &n) == -1) == fail);
	store_case_rows_free(cl, n);
}

/* The readers of dispositions, documents, mail out and the trail. */
static void
readers_rest(struct store *st, const struct seen *w, int fail)
{
	struct dispatch_row	*d = NULL;
	struct confirm_row	*cf = NULL;
	struct outbox_row	*o = NULL;
	struct waiting_row	*wr;
	struct doc_row		*docs;
	struct case_file	*files;
	struct retention_case	*rc;
	struct table		 t;
	char			**l, *where = NULL;
	size_t			 n;
	struct audit_span	 span = { 0 };
	time_t			 when;
	FILE			*devnull = fopen("/dev/null", "w");

	TEST_ASSERT(store_dispatch_by_token(st, "tokfault", &d) == (fail ? -1 :
	    1));
	store_dispatch_free(d);
	d = NULL;
	TEST_ASSERT(store_dispatch_get(st, w->dispatch_id, &d) == (fail ? -1 :
	    1));
	store_dispatch_free(d);
	d = NULL;
	TEST_ASSERT(store_dispatch_pending(st, w->case_id, "sekdis@x", &d) ==
	    (fail ? -1 : 1));
	store_dispatch_free(d);
	TEST_ASSERT(store_confirm_get(st, "nope", &cf) == (fail ? -1 : 0));
	TEST_ASSERT((store_dispatch_who(st, w->case_id, "sekdis", 1, "Y", &l,
	    &n) == -1) == fail);
	free_list(l, n);
	TEST_ASSERT((store_dispatch_count(st, w->case_id, "sekdis", 1,
	    "sekdis@x") == -1) == fail);
	TEST_ASSERT((store_documents(st, w->case_id, &docs, &n) == -1) ==
	    fail);
	store_documents_free(docs, n);
	TEST_ASSERT((store_confirm_docs(st, "nope", &docs, &n) == -1) == fail &&
	    n == 0);
	store_documents_free(docs, n);
	TEST_ASSERT((store_waiting(st, &wr, &n) == -1) == fail);
	store_waiting_free(wr, n);
	TEST_ASSERT(store_outbox_get(st, 1, &o) == (fail ? -1 : 1));
	store_outbox_rows_free(o, o != NULL);
	TEST_ASSERT((store_outbox_due(st, 0, &o, &n) == -1) == fail);
	store_outbox_rows_free(o, n);
	TEST_ASSERT((store_outbox_next_due(st, &when) == -1) == fail);
	TEST_ASSERT((store_outbox_count(st, 0, "k", "a@x", 0) == -1) == fail);
	TEST_ASSERT((store_outbox_token_count(st, w->case_id, "k", "t") ==
	    -1) == fail);
	TEST_ASSERT((store_event_count(st, w->case_id, "e", "d") == -1) ==
	    fail);
	TEST_ASSERT((store_case_files(st, w->ref, &files, &n) == -1) == fail);
	store_case_files_free(files, n);
	TEST_ASSERT((store_retention_cases(st, 0, &rc, &n) == -1) == fail);
	store_retention_free(rc, n);
	TEST_ASSERT((store_retention_holders(st, "x", &rc, &n) == -1) == fail);
	store_retention_free(rc, n);
	TEST_ASSERT((store_case_purged_at(st, w->case_id) == -1) == fail);
	TEST_ASSERT((store_job_last(st, "j") == -1) == fail);
	TEST_ASSERT(store_audit_verify(st, &span) == (fail ? -1 : 0));
	TEST_ASSERT(store_event_where(st, w->event_id, &where) == (fail ? -1 :
	    1));
	free(where);
	TEST_ASSERT((store_table(st, "SELECT ref FROM cases WHERE ref = ?1",
	    w->ref, &t) == -1) == fail);
	store_table_free(&t);
	TEST_ASSERT(store_print(st, devnull, "SELECT count(*) AS n FROM cases",
	    NULL) == (fail ? -1 : 1));
	TEST_ASSERT(store_print_json(st, devnull, "SELECT count(*) AS n FROM"
	    " cases", NULL) == (fail ? -1 : 1));
	fclose(devnull);
}

/*
 * Every reader, on a disk whose reads fail: -1 (or its error value),
 * nothing to free; the same readers when the fault clears, their
 * answers. Then a fault aimed at one row: a loop over rows meets it
 * half-way and says -1, and a message's transaction is marked failed.
 */
static void
test_faults(const char *dir)
{
	struct store		*st;
	struct case_row		*c;
	struct attachment	 a = { .content_type = "image/jpeg",
	    .path = "p", .size = 1 };
	struct doc_row		*docs;
	struct dispatch_row	*d = NULL;
	struct seen		 w;
	char			*path, *ctl, *cause = NULL, name[32];
	size_t			 n;
	int			 i;

	xasprintf(&path, "%s/f.db", dir);
	xasprintf(&ctl, "%s/fault", dir);
	setenv("DISPOSISI_FAULT", ctl, 1);
	if ((st = store_open(path, &cause)) == NULL) {
		TEST_ASSERT(st != NULL);
		return;
	}
	store_begin(st);
	c = store_case_open(st, "tte", "TTE", "budi@x", "Budi", "s", "m1",
	    "sekdis", "v1");
	store_case_enter(st, c, CASE_OPEN, "sekdis", 1, NULL);
	w.case_id = c->id;
	w.ref = c->ref;
	w.dispatch_id = store_dispatch_add(st, c->id, "sekdis", 1, "sekdis",
	    "sekdis@x", NULL, "tokfault");
	store_outbox_add(st, c->id, "k", "a@x", "mid-1", "/p");
	store_event(st, c->id, "robot", "e", "d");
	w.event_id = 1;
	for (i = 0; i < 300; i++) {
		snprintf(name, sizeof name, i == 299 ? "POISON.jpg" :
		    "scan-%03d.jpg", i);
		a.filename = name;
		store_document_add(st, c->id, &a, NULL, "sekdis", 1);
	}
	TEST_ASSERT(store_commit(st) == 0);

	readers_cases(st, &w, 0);
	readers_rest(st, &w, 0);
	fault_arm(ctl, "");
	readers_cases(st, &w, 1);
	readers_rest(st, &w, 1);
	unlink(ctl);
	readers_cases(st, &w, 0);
	readers_rest(st, &w, 0);

	/* Aimed at the last document: the loop fails past its first rows. */
	fault_arm(ctl, "POISON");
	TEST_ASSERT(store_documents(st, c->id, &docs, &n) == -1 && docs ==
	    NULL && n == 0);
	TEST_ASSERT(store_dispatch_by_token(st, "tokfault", &d) == 1);
	store_dispatch_free(d);
	/* An answer's look-up failing inside the message's transaction. */
	fault_arm(ctl, "tokfault");
	TEST_ASSERT(store_begin(st) == 0 && !store_failed(st));
	d = NULL;
	TEST_ASSERT(store_dispatch_by_token(st, "tokfault", &d) == -1 &&
	    d == NULL && store_failed(st));
	store_rollback(st);
	unlink(ctl);
	TEST_ASSERT(store_begin(st) == 0 && store_dispatch_by_token(st,
	    "tokfault", &d) == 1 && d->id == w.dispatch_id &&
	    !store_failed(st));
	store_dispatch_free(d);
	store_rollback(st);
	TEST_ASSERT(store_documents(st, c->id, &docs, &n) == 0 && n == 300);
	store_documents_free(docs, n);
	store_case_free(c);
	store_close(st);
	unsetenv("DISPOSISI_FAULT");
	free(ctl);
	free(path);
}

/*
 * A table as an admin reads it: every column under its name whatever the
 * cells - a 60-character address cut at 40 with an ellipsis, a name in
 * UTF-8 counted by characters, an escape sequence (a hostile subject)
 * shown as '?', NULL as "-" - and the last column whole.
 */
static void
test_table(void)
{
	static const char *const names[] = {
		"case", "applicant", "full_name", "note"
	};
	static const char *const cells[] = {
		"TTE-2026-00001",
		"dra.siti.rahmawati.kasubbag.umum.kepegawaian.dinas@gmail.com",
		"Rahmawati Nurhaliza \xe1\xb9\xa0",
		"the last column is never cut, whatever its length, as nothing"
		" follows it",
		"TTE-2026-00002", "budi@x.go.id", "Budi\x1b[2J", NULL
	};
	static const char want[] =
	    "  CASE            APPLICANT                                 "
	    "FULL NAME              NOTE\n"
	    "  TTE-2026-00001  dra.siti.rahmawati.kasubbag.umum.kepega"
	    "\xe2\x80\xa6  Rahmawati Nurhaliza \xe1\xb9\xa0  the last column"
	    " is never cut, whatever its length, as nothing follows it\n"
	    "  TTE-2026-00002  budi@x.go.id                              "
	    "Budi?[2J               -\n";
	struct table	 t = { .ncols = 4 };
	char		*row[4], *out = NULL;
	size_t		 len, r, i;
	FILE		*f;

	t.names = xcalloc(t.ncols, sizeof *t.names);
	for (i = 0; i < t.ncols; i++)
		t.names[i] = xstrdup(names[i]);
	for (r = 0; r < 2; r++) {
		for (i = 0; i < t.ncols; i++)
			row[i] = cells[r * 4 + i] ? xstrdup(cells[r * 4 + i]) :
			    NULL;
		store_table_add(&t, row);
	}
	if ((f = open_memstream(&out, &len)) == NULL)
		return;
	table_print(f, &t);
	fclose(f);
	TEST_STREQ(out, want);
	TEST_ASSERT(table_width("Rahmawati Nurhaliza \xe1\xb9\xa0") == 21);
	free(out);
	store_table_free(&t);
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
	TEST_ASSERT(st != NULL && store_mailbox_get(st, "INBOX", &uv,
	    &last) == 1);
	store_close(st);
	free(path);
	test_faults(dir);
	test_table();
	return (test_done());
}
