/* SPDX-License-Identifier: ISC */
/*
 * The database: the one source of truth. Every write happens inside
 * store_begin()/store_commit() (BEGIN IMMEDIATE, WAL, synchronous=FULL),
 * so the effects of one inbound message - case changes and the mails they
 * cause - commit together or not at all. This is the core: the
 * connection, the statement cache, the one store_step() every statement
 * goes through, the row helpers and the transactions. The tables'
 * families live in store-*.c (store_p.h); see docs/design.md.
 */

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "disposisi.h"
#include "store_p.h"

/*
 * SQLite's busy wait (5 s, as sqlite3_busy_timeout would), cut short by
 * a stop, so SIGTERM is not held behind another program's lock.
 */
static int
store_busy(void *arg, int tries)
{
	const struct store	*st = arg;

	if (tries >= 500 || (st->term != NULL && *st->term))
		return (0);
	sqlite3_sleep(10);
	return (1);
}

/*
 * Says that a statement failed, naming its first words, and marks the
 * transaction when the failure is the machine's (the disk, a lock,
 * memory): intake then leaves the message where it is rather than
 * blaming it.
 */
static void
store_fail(struct store *st, const char *sql)
{
	int	 len = 0, cut = 0;

	while (sql[len] != '\0' && len < 48)
		if (sql[len++] == ' ')
			cut = len - 1;
	if (sql[len] != '\0' && cut > 0)
		len = cut;
	log_warnx("database: %.*s%s: %s", len, sql, sql[len] ? "..." : "",
	    sqlite3_errmsg(st->db));
	switch (sqlite3_errcode(st->db) & 0xff) {
	case SQLITE_IOERR:
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
	case SQLITE_FULL:
	case SQLITE_NOMEM:
	case SQLITE_CANTOPEN:
	case SQLITE_READONLY:
	case SQLITE_CORRUPT:
	case SQLITE_NOTADB:
	case SQLITE_PROTOCOL:
	case SQLITE_INTERRUPT:
		st->failed = 1;
	}
}

/* Whether the machine failed a statement since the transaction began. */
int
store_failed(const struct store *st)
{
	return (st->failed);
}

int
store_exec(struct store *st, const char *sql)
{
	if (sqlite3_exec(st->db, sql, NULL, NULL, NULL) != SQLITE_OK) {
		store_fail(st, sql);
		return (-1);
	}
	return (0);
}

/*
 * A statement for sql. Text SQLite cannot compile is this program's bug
 * and stops it; a schema that cannot be read (the disk) is an error.
 */
static sqlite3_stmt *
store_prepare(struct store *st, const char *sql)
{
	sqlite3_stmt	*s;

	if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) == SQLITE_OK)
		return (s);
	if (sqlite3_errcode(st->db) == SQLITE_ERROR)
		fatalx("database: %s: %s", sql, sqlite3_errmsg(st->db));
	store_fail(st, sql);
	return (NULL);
}

/* Makes room for element n of an array read row by row. */
static void *
store_grow(void *arr, size_t n, size_t *cap, size_t size)
{
	if (n < *cap)
		return (arr);
	*cap = *cap ? *cap * 2 : 8;
	return (xreallocarray(arr, *cap, size));
}

/* FNV-1a of the SQL text: the statement cache's key. */
static uint32_t
store_hash(const char *sql)
{
	uint32_t	 h = 2166136261u;

	for (; *sql != '\0'; sql++)
		h = (h ^ (unsigned char)*sql) * 16777619u;
	return (h);
}

/*
 * The cached statement for sql, prepared on first use. A statement some
 * caller still holds (a loop over rows that calls back into the store
 * with the same SQL) is not handed out twice: the second caller gets a
 * fresh one, finalized on release. NULL when it cannot be prepared.
 */
static sqlite3_stmt *
store_cached(struct store *st, const char *sql)
{
	struct store_cached	*c;
	sqlite3_stmt		*s;
	uint32_t		 h = store_hash(sql);
	size_t			 i;

	for (i = 0; i < st->ncache; i++) {
		c = &st->cache[i];
		if (c->hash != h || strcmp(sqlite3_sql(c->s), sql) != 0)
			continue;
		if (c->busy)
			return (store_prepare(st, sql));
		c->busy = 1;
		return (c->s);
	}
	if ((s = store_prepare(st, sql)) == NULL)
		return (NULL);
	st->cache = store_grow(st->cache, st->ncache, &st->cachecap,
	    sizeof *st->cache);
	c = &st->cache[st->ncache++];
	c->hash = h;
	c->busy = 1;
	c->s = s;
	return (s);
}

/*
 * Gives back a statement from store_stmt(): a cached one is reset (its
 * read ends, so it holds no snapshot and blocks no checkpoint) and its
 * bindings cleared; one prepared for a re-entrant use is finalized.
 * Nothing else may finalize what store_stmt() returns.
 */
void
store_release(struct store *st, sqlite3_stmt *s)
{
	size_t	 i;

	if (s == NULL)
		return;
	for (i = 0; i < st->ncache; i++) {
		if (st->cache[i].s == s) {
			sqlite3_reset(s);
			sqlite3_clear_bindings(s);
			st->cache[i].busy = 0;
			return;
		}
	}
	sqlite3_finalize(s);
}

/*
 * Binds a list: 'i' int64, 't' text (NULL ok). NULL when the statement
 * cannot be had; every helper below takes that as an error.
 */
sqlite3_stmt *
store_stmt(struct store *st, const char *sql, const char *types, ...)
{
	sqlite3_stmt	*s;
	va_list		 ap;
	int		 i;
	const char	*t;

	if ((s = store_cached(st, sql)) == NULL)
		return (NULL);
	/* A wrong type list would read garbage arguments: stop at once. */
	if ((int)strlen(types) != sqlite3_bind_parameter_count(s))
		fatalx("store_stmt: %zu types for %d parameters: %s",
		    strlen(types), sqlite3_bind_parameter_count(s), sql);
	va_start(ap, types);
	for (i = 0; types[i] != '\0'; i++) {
		switch (types[i]) {
		case 'i':
			sqlite3_bind_int64(s, i + 1, va_arg(ap, int64_t));
			break;
		case 't':
			t = va_arg(ap, const char *);
			if (t == NULL)
				sqlite3_bind_null(s, i + 1);
			else
				sqlite3_bind_text(s, i + 1, t, -1,
				    SQLITE_TRANSIENT);
			break;
		default:
			fatalx("store_stmt: bad type %c", types[i]);
		}
	}
	va_end(ap);
	return (s);
}

/*
 * The one step of every statement: STORE_ROW, STORE_DONE, or -1 on an
 * error, said here with the statement's first words. s may be NULL (it
 * could not be prepared): -1.
 */
int
store_step(struct store *st, sqlite3_stmt *s)
{
	if (s == NULL)
		return (-1);
	switch (sqlite3_step(s)) {
	case SQLITE_ROW:
		return (STORE_ROW);
	case SQLITE_DONE:
		return (STORE_DONE);
	}
	store_fail(st, sqlite3_sql(s));
	return (-1);
}

/* Runs a statement (released) for its effect: 0, or -1 on error. */
int
store_done(struct store *st, sqlite3_stmt *s)
{
	int	 rc = store_step(st, s);

	store_release(st, s);
	return (rc == -1 ? -1 : 0);
}

/* Runs a statement (released): the rows it changed, or -1. */
int
store_changes(struct store *st, sqlite3_stmt *s)
{
	if (store_done(st, s) == -1)
		return (-1);
	return (sqlite3_changes(st->db));
}

/*
 * Runs a statement (released) meant to change one row at most: 1 it did,
 * 0 it changed none (a compare-and-set that lost, a row already there),
 * -1 on error.
 */
int
store_once(struct store *st, sqlite3_stmt *s)
{
	int	 n = store_changes(st, s);

	return (n == -1 ? -1 : n == 1);
}

/* Runs an INSERT (released): the new row's id, or -1. */
int64_t
store_insert(struct store *st, sqlite3_stmt *s)
{
	if (store_done(st, s) == -1)
		return (-1);
	return (sqlite3_last_insert_rowid(st->db));
}

/*
 * The first column of a one-row query (released) as a number: 0 when
 * there is no row or it is NULL, -1 on error.
 */
int64_t
store_int(struct store *st, sqlite3_stmt *s)
{
	int64_t	 v = 0;
	int	 rc;

	if ((rc = store_step(st, s)) == STORE_ROW)
		v = sqlite3_column_int64(s, 0);
	store_release(st, s);
	return (rc == -1 ? -1 : v);
}

char *
store_col(sqlite3_stmt *s, int i)
{
	const unsigned char	*t = sqlite3_column_text(s, i);

	return (t == NULL ? NULL : xstrdup((const char *)t));
}

/* Column i of s into the field c describes, in the element at row. */
static void
store_fill_col(sqlite3_stmt *s, int i, const struct store_col *c, char *row)
{
	const char	*t = (const char *)sqlite3_column_text(s, i);
	int64_t		 v = sqlite3_column_int64(s, i);
	int32_t		 v32 = (int32_t)(uint32_t)v;
	int		 b = v > 0;
	char		*p = row + c->off, *copy;

	switch (c->kind) {
	case COL_STR:
		copy = t == NULL ? NULL : xstrdup(t);
		memcpy(p, &copy, sizeof copy);
		break;
	case COL_NUM:
		if (c->size == sizeof v)
			memcpy(p, &v, sizeof v);
		else
			memcpy(p, &v32, sizeof v32);
		break;
	case COL_BOOL:
		memcpy(p, &b, sizeof b);
		break;
	case COL_STATE:
		/* Only this program writes states: another is corruption. */
		if (t == NULL || case_state_parse(t, (enum case_state *)p) ==
		    -1)
			fatalx("database: case #%lld has an unknown state %s",
			    (long long)sqlite3_column_int64(s, 0),
			    t ? t : "NULL");
		break;
	case COL_CHARS:
		snprintf(p, c->size, "%s", t ? t : "");
		break;
	}
}

/* The current row of s into the element at row (zeroed first). */
void
store_fill(sqlite3_stmt *s, const struct store_shape *sh, void *row)
{
	size_t	 i;

	if ((size_t)sqlite3_column_count(s) != sh->ncols)
		fatalx("database: %d columns for %zu fields: %s",
		    sqlite3_column_count(s), sh->ncols, sqlite3_sql(s));
	memset(row, 0, sh->size);
	for (i = 0; i < sh->ncols; i++)
		store_fill_col(s, (int)i, &sh->cols[i], row);
}

/*
 * One row of s (released) into a new element at *(T **)out: 1 found, 0
 * none, -1 error. Free with store_rows_free(p, 1, shape).
 */
int
store_row(struct store *st, sqlite3_stmt *s, void *out,
    const struct store_shape *sh)
{
	char	*p = NULL;
	int	 rc;

	if ((rc = store_step(st, s)) == STORE_ROW) {
		p = xmalloc(sh->size);
		store_fill(s, sh, p);
	}
	store_release(st, s);
	memcpy(out, &p, sizeof p);
	return (rc);
}

/*
 * Every row of s (released) into an array at *(T **)out: 0, or -1 with
 * nothing left to free (the rows read before the error are freed).
 */
int
store_rows(struct store *st, sqlite3_stmt *s, void *out, size_t *n,
    const struct store_shape *sh)
{
	char	*rows = NULL;
	size_t	 cap = 0;
	int	 rc;

	*n = 0;
	while ((rc = store_step(st, s)) == STORE_ROW) {
		rows = store_grow(rows, *n, &cap, sh->size);
		store_fill(s, sh, rows + (*n)++ * sh->size);
	}
	store_release(st, s);
	if (rc == -1) {
		store_rows_free(rows, *n, sh);
		rows = NULL;
		*n = 0;
	}
	memcpy(out, &rows, sizeof rows);
	return (rc == -1 ? -1 : 0);
}

/* Frees the strings store_fill() put into the element at row. */
void
store_clear(void *row, const struct store_shape *sh)
{
	char	*p;
	size_t	 j;

	for (j = 0; j < sh->ncols; j++) {
		if (sh->cols[j].kind != COL_STR)
			continue;
		memcpy(&p, (char *)row + sh->cols[j].off, sizeof p);
		free(p);
	}
}

/* Frees n elements read by store_rows() (or one by store_row()). */
void
store_rows_free(void *rows, size_t n, const struct store_shape *sh)
{
	size_t	 i;

	for (i = 0; rows != NULL && i < n; i++)
		store_clear((char *)rows + i * sh->size, sh);
	free(rows);
}

static const struct store_col store_str_cols[] = {
	{ COL_STR, 0, sizeof(char *) }
};
static const struct store_shape store_str_shape = {
	sizeof(char *), store_str_cols, 1
};
static const struct store_col store_id_cols[] = {
	{ COL_NUM, 0, sizeof(int64_t) }
};
static const struct store_shape store_id_shape = {
	sizeof(int64_t), store_id_cols, 1
};

/* Column 0 of every row of s as a list of strings: 0 or -1. */
int
store_strings(struct store *st, sqlite3_stmt *s, char ***list, size_t *n)
{
	return (store_rows(st, s, list, n, &store_str_shape));
}

void
store_strings_free(char **list, size_t n)
{
	store_rows_free(list, n, &store_str_shape);
}

/* Column 0 of every row of s as a list of ids: 0 or -1. */
int
store_ids(struct store *st, sqlite3_stmt *s, int64_t **ids, size_t *n)
{
	return (store_rows(st, s, ids, n, &store_id_shape));
}

/*
 * local_time(t) and local_date(t) in SQL: an epoch time in the office's
 * zone as clock_format() writes it for the admin (CLOCK_ISO); the offset
 * never stands in SQL. NULL stays NULL.
 */
static void
store_fn_local(sqlite3_context *cx, int argc, sqlite3_value **argv)
{
	char	 buf[64];

	(void)argc;
	if (sqlite3_value_type(argv[0]) == SQLITE_NULL) {
		sqlite3_result_null(cx);
		return;
	}
	clock_format((time_t)sqlite3_value_int64(argv[0]),
	    CLOCK_ISO | (sqlite3_user_data(cx) != NULL ? CLOCK_DATE : 0), buf,
	    sizeof buf);
	sqlite3_result_text(cx, buf, -1, SQLITE_TRANSIENT);
}

static int
store_functions(struct store *st)
{
	static int	 date = 1;

	if (sqlite3_create_function(st->db, "local_time", 1, SQLITE_UTF8 |
	    SQLITE_DIRECTONLY, NULL, store_fn_local, NULL, NULL) != SQLITE_OK ||
	    sqlite3_create_function(st->db, "local_date", 1, SQLITE_UTF8 |
	    SQLITE_DIRECTONLY, &date, store_fn_local, NULL, NULL) != SQLITE_OK)
		return (-1);
	return (0);
}

struct store *
store_open(const char *path, char **cause)
{
	struct store	*st;

	st = xcalloc(1, sizeof *st);
	if (sqlite3_open_v2(path, &st->db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX, NULL) != SQLITE_OK) {
		xasprintf(cause, "%s: %s", path, st->db ?
		    sqlite3_errmsg(st->db) : "cannot open");
		sqlite3_close(st->db);
		free(st);
		return (NULL);
	}
	sqlite3_busy_handler(st->db, store_busy, st);
	if (store_exec(st, "PRAGMA journal_mode=WAL") == -1 ||
	    store_exec(st, "PRAGMA synchronous=FULL") == -1 ||
	    store_exec(st, "PRAGMA foreign_keys=ON") == -1 ||
	    store_exec(st, "PRAGMA trusted_schema=OFF") == -1 ||
	    store_functions(st) == -1) {
		xasprintf(cause, "%s: %s", path, sqlite3_errmsg(st->db));
		store_close(st);
		return (NULL);
	}
	if (store_migrate(st, path, cause) == -1) {
		store_close(st);
		return (NULL);
	}
	return (st);
}

void
store_close(struct store *st)
{
	size_t	 i;

	if (st == NULL)
		return;
	for (i = 0; i < st->ncache; i++)
		sqlite3_finalize(st->cache[i].s);
	free(st->cache);
	sqlite3_close(st->db);
	free(st);
}

char *
store_error(struct store *st)
{
	return (xstrdup(sqlite3_errmsg(st->db)));
}

int
store_begin(struct store *st)
{
	st->failed = 0;
	return (store_exec(st, "BEGIN IMMEDIATE"));
}

/*
 * Begins a transaction, waiting out another holder of the database's
 * lock (a backup, an admin's sqlite3, a command) for as long as it takes:
 * exiting instead would drop work in hand, such as the fact that a mail
 * went out. Says so once per wait. Returns -1 on any other error, or when
 * *term is set while waiting.
 */
int
store_begin_wait(struct store *st, volatile int *term)
{
	time_t	 since = 0;
	int	 pause = 1;

	st->term = term;
	while (store_begin(st) == -1) {
		if (sqlite3_errcode(st->db) != SQLITE_BUSY &&
		    sqlite3_errcode(st->db) != SQLITE_LOCKED)
			return (-1);
		if (since == 0) {
			since = time(NULL);
			log_warnx("database: locked by another program; "
			    "waiting for it");
		}
		if (term != NULL && *term)
			return (-1);
		sleep(pause);	/* a signal ends it */
		if (term != NULL && *term)
			return (-1);
		if (pause < 30)
			pause *= 2;
	}
	if (since != 0)
		log_info("database: free again after %lld s",
		    (long long)(time(NULL) - since));
	return (0);
}

int
store_commit(struct store *st)
{
	if (store_exec(st, "COMMIT") == -1)
		return (-1);
	/* After COMMIT: the checkpoint never names more than is on disk. */
	if (st->sealed)
		store_checkpoint(st);
	st->sealed = 0;
	return (0);
}

void
store_rollback(struct store *st)
{
	st->sealed = 0;
	if (!sqlite3_get_autocommit(st->db))
		store_exec(st, "ROLLBACK");
}

/*
 * A savepoint inside the open transaction, so that one message of a batch
 * can be undone alone while the batch commits together. Refused when no
 * transaction is open: after an error SQLite may have rolled the whole
 * one back, and a savepoint would then start (and its release commit) a
 * transaction of its own.
 */
int
store_savepoint(struct store *st)
{
	st->failed = 0;
	if (sqlite3_get_autocommit(st->db))
		return (-1);
	return (store_exec(st, "SAVEPOINT msg"));
}

int
store_savepoint_release(struct store *st)
{
	return (store_exec(st, "RELEASE msg"));
}

/* Undoes the message's work; nothing to undo when SQLite already has. */
void
store_savepoint_rollback(struct store *st)
{
	if (sqlite3_get_autocommit(st->db))
		return;
	if (store_exec(st, "ROLLBACK TO msg") == 0)
		store_exec(st, "RELEASE msg");
}
