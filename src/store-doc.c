/* SPDX-License-Identifier: ISC */
/*
 * The files a case holds: its documents, and for export and retention
 * every file row (documents, raw mail in, mail out); the purge's mark and
 * the daemon's daily jobs. Return conventions: store_p.h.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sqlite3.h>

#include "disposisi.h"
#include "store_p.h"

int
store_document_add(struct store *st, int64_t case_id,
    const struct attachment *a, const char *kind, const char *step,
    int round)
{
	return (store_done(st, store_stmt(st, "INSERT INTO documents (case_id,"
	    " filename, content_type, sha256, path, size, kind, step, round)"
	    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", "ittttitti", case_id,
	    a->filename, a->content_type, a->sha256, a->path, (int64_t)a->size,
	    kind, step, (int64_t)round)));
}

/* The applicant said which kind a file of the case is: rows changed. */
int
store_document_set_kind(struct store *st, int64_t case_id,
    const char *filename, const char *kind)
{
	return (store_changes(st, store_stmt(st, "UPDATE documents SET kind ="
	    " ? WHERE case_id = ? AND filename = ? COLLATE NOCASE", "tit",
	    kind, case_id, filename)));
}

static void
store_doc_fill(sqlite3_stmt *s, void *p)
{
	struct doc_row	*d = p;
	const char	*sha = (const char *)sqlite3_column_text(s, 2);

	d->a.filename = store_col(s, 0);
	d->a.content_type = store_col(s, 1);
	snprintf(d->a.sha256, sizeof d->a.sha256, "%s", sha ? sha : "");
	d->a.path = store_col(s, 3);
	d->a.size = (size_t)sqlite3_column_int64(s, 4);
	d->kind = store_col(s, 5);
	d->step = store_col(s, 6);
	d->round = sqlite3_column_int(s, 7);
}

static void
store_doc_clear(void *p)
{
	struct doc_row	*d = p;

	free(d->a.filename);
	free(d->a.content_type);
	free(d->a.path);
	free(d->kind);
	free(d->step);
}

int
store_documents(struct store *st, int64_t case_id, struct doc_row **docs,
    size_t *n)
{
	return (store_rows(st, store_stmt(st, "SELECT filename, content_type,"
	    " sha256, path, size, kind, step, round FROM documents WHERE"
	    " case_id = ? ORDER BY id", "i", case_id), docs, n, sizeof **docs,
	    store_doc_fill, store_doc_clear));
}

void
store_documents_free(struct doc_row *docs, size_t n)
{
	store_rows_free(docs, n, sizeof *docs, store_doc_clear);
}

static void
store_file_fill(sqlite3_stmt *s, void *p)
{
	struct case_file	*f = p;

	f->name = store_col(s, 0);
	f->path = store_col(s, 1);
	f->sha = store_col(s, 2);
}

static void
store_file_clear(void *p)
{
	struct case_file	*f = p;

	free(f->name);
	free(f->path);
	free(f->sha);
}

/*
 * Every file held for a case: documents, raw mail in (named by its
 * SHA-256 under spool/raw), mail out. Free with store_case_files_free.
 */
int
store_case_files(struct store *st, const char *ref, struct case_file **files,
    size_t *n)
{
	return (store_rows(st, store_stmt(st, "SELECT 'dokumen/' || d.id ||"
	    " '-' || d.filename, d.path, NULL FROM documents d JOIN cases c ON"
	    " c.id = d.case_id WHERE c.ref = upper(?1) UNION ALL SELECT"
	    " 'surel-masuk/' || i.id || '.eml', NULL, i.sha256 FROM inbound i"
	    " JOIN cases c ON c.id = i.case_id WHERE c.ref = upper(?1) AND"
	    " i.sha256 IS NOT NULL UNION ALL SELECT 'surel-keluar/' || o.id ||"
	    " '.eml', o.path, NULL FROM outbox o JOIN cases c ON c.id ="
	    " o.case_id WHERE c.ref = upper(?1)", "t", ref), files, n,
	    sizeof **files, store_file_fill, store_file_clear));
}

void
store_case_files_free(struct case_file *files, size_t n)
{
	store_rows_free(files, n, sizeof *files, store_file_clear);
}

/* The file rows a case holds (alias c), as the purge counts them. */
#define CASE_FILE_ROWS(c) "((SELECT count(*) FROM documents WHERE" \
	" case_id = " c ".id) + (SELECT count(*) FROM inbound WHERE case_id =" \
	" " c ".id AND sha256 IS NOT NULL) + (SELECT count(*) FROM outbox" \
	" WHERE case_id = " c ".id))"
#define RETENTION_COLS "c.id, c.ref, c.state, coalesce(c.closed_at," \
	" c.updated_at), coalesce(c.expires_at, 0), " CASE_FILE_ROWS("c") \
	", coalesce(c.purged_files, -1), (SELECT count(*) FROM outbox WHERE" \
	" case_id = c.id AND status = 'queued')"

static void
store_retention_fill(sqlite3_stmt *s, void *p)
{
	struct retention_case	*r = p;

	r->id = sqlite3_column_int64(s, 0);
	r->ref = store_col(s, 1);
	store_state(s, 2, r->ref, &r->state);
	r->closed_at = (time_t)sqlite3_column_int64(s, 3);
	r->expires_at = (time_t)sqlite3_column_int64(s, 4);
	r->files = sqlite3_column_int64(s, 5);
	r->purged = sqlite3_column_int64(s, 6);
	r->queued = sqlite3_column_int64(s, 7);
}

static void
store_retention_clear(void *p)
{
	free(((struct retention_case *)p)->ref);
}

/* Every closed case, with the facts retention decides on. */
int
store_retention_cases(struct store *st, struct retention_case **rows,
    size_t *n)
{
	return (store_rows(st, store_stmt(st, "SELECT " RETENTION_COLS " FROM"
	    " cases c WHERE c.state IN (?, ?, ?) ORDER BY c.id", "ttt",
	    CLOSED_STATES), rows, n, sizeof **rows, store_retention_fill,
	    store_retention_clear));
}

/* The cases holding a document of these bytes (spool/doc/SHA-256). */
int
store_retention_holders(struct store *st, const char *sha,
    struct retention_case **rows, size_t *n)
{
	return (store_rows(st, store_stmt(st, "SELECT " RETENTION_COLS " FROM"
	    " cases c WHERE c.id IN (SELECT case_id FROM documents WHERE"
	    " sha256 = ?)", "t", sha), rows, n, sizeof **rows,
	    store_retention_fill, store_retention_clear));
}

void
store_retention_free(struct retention_case *rows, size_t n)
{
	store_rows_free(rows, n, sizeof *rows, store_retention_clear);
}

/*
 * Marks a case's files removed, covering the file rows it holds now: a
 * compare-and-set on the purge it follows ("before", -1 for none), so
 * two runs at once purge it once. 1 marked, 0 another run did, -1 error.
 */
int
store_case_purge(struct store *st, int64_t id, int64_t before)
{
	return (store_once(st, store_stmt(st, "UPDATE cases AS c SET purged_at"
	    " = ?, purged_files = " CASE_FILE_ROWS("c") " WHERE c.id = ? AND"
	    " coalesce(c.purged_files, -1) = ?", "iii", (int64_t)clock_now(),
	    id, before)));
}

/* When a case's files were removed under retention; 0 if not, -1. */
time_t
store_case_purged_at(struct store *st, int64_t id)
{
	return ((time_t)store_int(st, store_stmt(st, "SELECT"
	    " coalesce(purged_at, 0) FROM cases WHERE id = ?", "i", id)));
}

/* When the daemon's job of this name last ran; 0 if never, -1. */
time_t
store_job_last(struct store *st, const char *name)
{
	return ((time_t)store_int(st, store_stmt(st, "SELECT last_run FROM"
	    " jobs WHERE name = ?", "t", name)));
}

int
store_job_done(struct store *st, const char *name, time_t at)
{
	return (store_done(st, store_stmt(st, "INSERT INTO jobs VALUES (?, ?)"
	    " ON CONFLICT(name) DO UPDATE SET last_run = excluded.last_run",
	    "ti", name, (int64_t)at)));
}
