/* SPDX-License-Identifier: ISC */
/*
 * The files a case holds: its documents (and those a tag-only answer
 * keeps until confirmed), and for export and retention every file row
 * (documents, raw mail in, mail out); the purge's mark and the daemon's
 * daily jobs. Return conventions: store_p.h.
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

static const struct store_col doc_cols[] = {
	STORE_COL(COL_STR, struct doc_row, a.filename),
	STORE_COL(COL_STR, struct doc_row, a.content_type),
	STORE_COL(COL_CHARS, struct doc_row, a.sha256),
	STORE_COL(COL_STR, struct doc_row, a.path),
	STORE_COL(COL_NUM, struct doc_row, a.size),
	STORE_COL(COL_STR, struct doc_row, kind),
	STORE_COL(COL_STR, struct doc_row, step),
	STORE_COL(COL_NUM, struct doc_row, round)
};
static const struct store_shape doc_shape = STORE_SHAPE(struct doc_row,
    doc_cols);

int
store_documents(struct store *st, int64_t case_id, struct doc_row **docs,
    size_t *n)
{
	return (store_rows(st, store_stmt(st, "SELECT filename, content_type,"
	    " sha256, path, size, kind, step, round FROM documents WHERE"
	    " case_id = ? ORDER BY id", "i", case_id), docs, n, &doc_shape));
}

/* A file of a tag-only answer, kept with it (kind NULL: of no kind). */
int
store_confirm_doc_add(struct store *st, const char *token,
    const struct attachment *a, const char *kind)
{
	return (store_done(st, store_stmt(st, "INSERT INTO confirmation_docs"
	    " (token, filename, content_type, sha256, path, size, kind) VALUES"
	    " (?, ?, ?, ?, ?, ?, ?)", "tttttit", token, a->filename,
	    a->content_type, a->sha256, a->path, (int64_t)a->size, kind)));
}

/* The files kept with a tag-only answer, in the order they came: 0, -1. */
int
store_confirm_docs(struct store *st, const char *token, struct doc_row **docs,
    size_t *n)
{
	return (store_rows(st, store_stmt(st, "SELECT filename, content_type,"
	    " sha256, path, size, kind, NULL, 0 FROM confirmation_docs WHERE"
	    " token = ? ORDER BY id", "t", token), docs, n, &doc_shape));
}

void
store_documents_free(struct doc_row *docs, size_t n)
{
	store_rows_free(docs, n, &doc_shape);
}

static const struct store_col file_cols[] = {
	STORE_COL(COL_STR, struct case_file, name),
	STORE_COL(COL_STR, struct case_file, path),
	STORE_COL(COL_STR, struct case_file, sha)
};
static const struct store_shape file_shape = STORE_SHAPE(struct case_file,
    file_cols);

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
	    &file_shape));
}

void
store_case_files_free(struct case_file *files, size_t n)
{
	store_rows_free(files, n, &file_shape);
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

static const struct store_col retention_cols[] = {
	STORE_COL(COL_NUM, struct retention_case, id),
	STORE_COL(COL_STR, struct retention_case, ref),
	STORE_COL(COL_STATE, struct retention_case, state),
	STORE_COL(COL_NUM, struct retention_case, closed_at),
	STORE_COL(COL_NUM, struct retention_case, expires_at),
	STORE_COL(COL_NUM, struct retention_case, files),
	STORE_COL(COL_NUM, struct retention_case, purged),
	STORE_COL(COL_NUM, struct retention_case, queued)
};
static const struct store_shape retention_shape = STORE_SHAPE(
    struct retention_case, retention_cols);

/*
 * The closed cases whose keeping counts from before since (the later of
 * the close and the certificate's end, as retention_until), with the
 * facts retention decides on: found by that time's index (cases_keep_from),
 * not by reading every closed case's file rows.
 */
int
store_retention_cases(struct store *st, time_t since,
    struct retention_case **rows, size_t *n)
{
	return (store_rows(st, store_stmt(st, "SELECT " RETENTION_COLS " FROM"
	    " cases c INDEXED BY cases_keep_from WHERE max(coalesce("
	    "c.expires_at, 0), coalesce(c.closed_at, c.updated_at)) <= ? AND"
	    " c.state IN (?, ?, ?) ORDER BY c.id", "ittt", (int64_t)since,
	    CLOSED_STATES), rows, n, &retention_shape));
}

/* The cases holding a document of these bytes (spool/doc/SHA-256). */
int
store_retention_holders(struct store *st, const char *sha,
    struct retention_case **rows, size_t *n)
{
	return (store_rows(st, store_stmt(st, "SELECT " RETENTION_COLS " FROM"
	    " cases c WHERE c.id IN (SELECT case_id FROM documents WHERE"
	    " sha256 = ?)", "t", sha), rows, n,
	    &retention_shape));
}

void
store_retention_free(struct retention_case *rows, size_t n)
{
	store_rows_free(rows, n, &retention_shape);
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
