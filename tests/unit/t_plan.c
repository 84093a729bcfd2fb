/* SPDX-License-Identifier: ISC */
/*
 * Every SQL statement of the program has an index behind it: none reads
 * a whole table that grows with the office's history (docs/design.md,
 * "Indexes"). The statements are every string literal of the
 * preprocessed sources (tests/unit/t_plan.i, made by the Makefile from
 * all of SRCS) that begins like one, so a new statement anywhere is
 * checked without being listed here. Each is run through EXPLAIN QUERY
 * PLAN against the real schema (store_open's migrations) holding a few
 * rows; a "SCAN" of a table not in tiny[] fails, unless whole[] says why
 * that statement reads all of it.
 */

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sqlite3.h>

#include "disposisi.h"
#include "test.h"

/* Tables that stay small whatever the history: a scan costs nothing. */
static const char *const tiny[] = {
	"mailbox_state",	/* a row per mailbox the robot reads */
	"case_seq",		/* a row per year */
	"jobs",			/* a row per daily job */
};

/*
 * Statements whose work is the whole table by design: found by a piece
 * of their text, with the table they may scan and why.
 */
static const struct {
	const char	*sql;
	const char	*table;
	const char	*why;
} whole[] = {
	{ "FROM case_events ORDER BY id DESC LIMIT 1", "case_events",
	    "the newest event (the seal checkpoint): read backwards by rowid"
	    " and stopped after one row" },
	{ "FROM cases c ORDER BY c.id", "cases",
	    "cases --all: the list of every case is the output; the default,"
	    " open cases, is a statement of its own and a SEARCH" },
	{ "ORDER BY i.id DESC LIMIT 20", "inbound",
	    "status: the newest 20 mails, read backwards by rowid and stopped"
	    " after 20 rows" },
	{ "SELECT NULL, path FROM documents UNION", "documents",
	    "backup: every spool file a backup's database names" },
	{ "SELECT NULL, path FROM documents UNION", "confirmation_docs",
	    "backup: every spool file a backup's database names" },
	{ "SELECT NULL, path FROM documents UNION", "outbox",
	    "backup: every spool file a backup's database names" },
	{ "SELECT NULL, path FROM documents UNION", "inbound",
	    "backup: every spool file a backup's database names" },
	{ "NOT INDEXED WHERE status = 'sent' ORDER BY id DESC", "outbox",
	    "status, metrics: the newest mail sent, read backwards by rowid"
	    " and stopped at the first sent one, past the unsent at most" },
};

/*
 * Partial indexes whose rows stay few whatever the history: scanning
 * one reads only those.
 */
static const struct {
	const char	*index;
	const char	*why;
} bounded[] = {
	{ "outbox_unsent", "mail not yet sent: the queue, and the failures"
	    " until an admin retries them" },
};

/* The words after which a table name, and maybe its alias, follow. */
static const char *const fromwords[] = { "FROM", "JOIN", "UPDATE", "INTO" };

static int	 nstatements;

static char *
slurp(const char *path, size_t *len)
{
	FILE	*f;
	char	*buf;
	long	 n;

	if ((f = fopen(path, "r")) == NULL)
		return (NULL);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = xmalloc((size_t)n + 1);
	*len = fread(buf, 1, (size_t)n, f);
	buf[*len] = '\0';
	fclose(f);
	return (buf);
}

/* Reads one C string literal at p (on its opening quote) onto out. */
static const char *
literal(const char *p, char **out, size_t *len)
{
	char	 c;

	for (p++; *p != '\0' && *p != '"'; p++) {
		c = *p;
		if (c == '\\' && p[1] != '\0') {
			switch (*++p) {
			case 'n':
				c = '\n';
				break;
			case 't':
				c = '\t';
				break;
			default:
				c = *p;	/* \" \\ \' */
			}
		}
		*out = xreallocarray(*out, *len + 2, 1);
		(*out)[(*len)++] = c;
		(*out)[*len] = '\0';
	}
	return (*p == '"' ? p + 1 : p);
}

static int
is_word(const char *s, const char *w)
{
	size_t	 n = strlen(w);

	return (strncmp(s, w, n) == 0 && !isalnum((unsigned char)s[n]) &&
	    s[n] != '_');
}

static int
is_statement(const char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	/* A word alone ("SELECT" in imap.c) is no statement. */
	if (strchr(s, ' ') == NULL)
		return (0);
	return (is_word(s, "SELECT") || is_word(s, "INSERT") ||
	    is_word(s, "UPDATE") || is_word(s, "DELETE") || is_word(s, "WITH"));
}

/*
 * The table an EXPLAIN QUERY PLAN name stands for: the name itself, or
 * the table an alias in the statement was given to ("cases c",
 * "cases AS c").
 */
static void
table_of(const char *sql, const char *name, char *out, size_t outlen)
{
	char		 t[64], a[64], as[8];
	const char	*p;
	size_t		 i, n;

	snprintf(out, outlen, "%s", name);
	for (p = sql; *p != '\0'; p++) {
		if (p > sql && (isalnum((unsigned char)p[-1]) || p[-1] == '_'))
			continue;
		for (i = 0; i < sizeof fromwords / sizeof fromwords[0]; i++) {
			if (is_word(p, fromwords[i]))
				break;
		}
		if (i == sizeof fromwords / sizeof fromwords[0])
			continue;
		n = strlen(fromwords[i]);
		if (sscanf(p + n, " %63[a-z_] %7[A-Za-z] %63[a-z_]", t, as,
		    a) == 3 && strcmp(as, "AS") == 0 && strcmp(a, name) == 0) {
			snprintf(out, outlen, "%s", t);
			return;
		}
		if (sscanf(p + n, " %63[a-z_] %63[a-z_]", t, a) == 2 &&
		    strcmp(a, name) == 0) {
			snprintf(out, outlen, "%s", t);
			return;
		}
	}
}

static int
allowed(const char *sql, const char *detail, const char *table)
{
	const char	*p;
	size_t		 i;

	if ((p = strstr(detail, " USING ")) != NULL &&
	    (p = strstr(p, "INDEX ")) != NULL) {
		for (i = 0; i < sizeof bounded / sizeof bounded[0]; i++) {
			if (strcmp(p + 6, bounded[i].index) == 0)
				return (1);
		}
	}

	for (i = 0; i < sizeof tiny / sizeof tiny[0]; i++) {
		if (strcmp(tiny[i], table) == 0)
			return (1);
	}
	for (i = 0; i < sizeof whole / sizeof whole[0]; i++) {
		if (strstr(sql, whole[i].sql) != NULL &&
		    strcmp(whole[i].table, table) == 0)
			return (1);
	}
	return (0);
}

/*
 * A search whose only constraint is "column>?" where the statement says
 * "column IS NOT NULL": a range that holds nearly every row of the
 * index, a scan by another name (the planner picks it over a partial
 * index; "+column" in the SQL turns that off).
 */
static int
not_null_only(const char *sql, const char *detail)
{
	char	 col[64], *want;
	int	 found;

	if (strncmp(detail, "SEARCH ", 7) != 0 ||
	    (detail = strchr(detail, '(')) == NULL ||
	    sscanf(detail, "(%63[a-z_]>?)", col) != 1 ||
	    strchr(detail, ' ') != NULL)
		return (0);
	xasprintf(&want, "%s IS NOT NULL", col);
	found = strstr(sql, want) != NULL;
	free(want);
	return (found);
}

/*
 * SQL built with a format (the report's per-SOP query) has its '%s'
 * filled in first.
 */
static char *
filled(const char *sql)
{
	char	*out = xstrdup(sql), *p;

	while ((p = strstr(out, "'%s'")) != NULL)
		memcpy(p, "'xx'", 4);
	return (out);
}

/* store.c's local_time() and local_date(), as far as a plan needs them. */
static void
local_fn(sqlite3_context *cx, int argc, sqlite3_value **argv)
{
	(void)argc;
	(void)argv;
	sqlite3_result_null(cx);
}

static void
check(sqlite3 *db, const char *text)
{
	sqlite3_stmt	*s;
	char		*sql, *q, name[64], table[64];
	const char	*d;

	sql = filled(text);
	xasprintf(&q, "EXPLAIN QUERY PLAN %s", sql);
	nstatements++;
	if (sqlite3_prepare_v2(db, q, -1, &s, NULL) != SQLITE_OK) {
		/* A text that looked like SQL and is not: fix the test. */
		fprintf(stderr, "cannot prepare: %s\n  %s\n",
		    sqlite3_errmsg(db), sql);
		TEST_ASSERT(0);
		free(q);
		free(sql);
		return;
	}
	while (sqlite3_step(s) == SQLITE_ROW) {
		d = (const char *)sqlite3_column_text(s, 3);
		if (d != NULL && not_null_only(sql, d)) {
			fprintf(stderr, "%s stands for IS NOT NULL:\n  %s\n",
			    d, sql);
			TEST_ASSERT(!"a search that reads nearly every row");
		}
		if (d == NULL || strncmp(d, "SCAN ", 5) != 0 ||
		    sscanf(d + 5, "%63[a-z_]", name) != 1)
			continue;	/* a search, a constant row, a view */
		table_of(sql, name, table, sizeof table);
		if (!allowed(sql, d, table)) {
			fprintf(stderr, "%s reads all of %s:\n  %s\n", d,
			    table, sql);
			TEST_ASSERT(!"a statement scans a growing table");
		}
	}
	sqlite3_finalize(s);
	free(q);
	free(sql);
}

/* A few rows in the tables that grow, through the store's own writes. */
static void
populate(struct store *st)
{
	struct case_row	*c;
	int64_t		 d;
	int		 i;

	TEST_ASSERT(store_begin(st) == 0);
	for (i = 0; i < 3; i++) {
		c = store_case_open(st, "tte", "TTE", "budi@x", "Budi", "s",
		    "m", "sekdis", "v1");
		TEST_ASSERT(c != NULL);
		if (c == NULL)
			break;
		TEST_ASSERT(store_case_enter(st, c, CASE_OPEN, "sekdis", 1,
		    NULL) == 1);
		d = store_dispatch_add(st, c->id, "sekdis", 1, "sekdis",
		    "sekdis@x", NULL, i == 0 ? "t0" : i == 1 ? "t1" : "t2");
		TEST_ASSERT(d > 0);
		TEST_ASSERT(store_event(st, c->id, "robot", "buka", "x") == 0);
		TEST_ASSERT(store_outbox_add(st, c->id, "disposisi",
		    "sekdis@x", i == 0 ? "<a@x>" : i == 1 ? "<b@x>" : "<c@x>",
		    "/p") > 0);
		store_case_free(c);
	}
	TEST_ASSERT(store_commit(st) == 0);
}

int
main(void)
{
	char		 dir[] = "/tmp/t_plan.XXXXXX", *path, *cause = NULL;
	char		*src, *lit = NULL;
	const char	*p;
	size_t		 len, n;
	struct store	*st;
	sqlite3		*db;

	if ((src = slurp("tests/unit/t_plan.i", &len)) == NULL) {
		fprintf(stderr, "tests/unit/t_plan.i: run make\n");
		return (1);
	}
	if (mkdtemp(dir) == NULL)
		return (1);
	xasprintf(&path, "%s/t.db", dir);
	clock_set(time(NULL));
	if ((st = store_open(path, &cause)) == NULL) {
		fprintf(stderr, "%s\n", cause);
		return (1);
	}
	populate(st);
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) !=
	    SQLITE_OK)
		return (1);
	sqlite3_create_function(db, "local_time", 1, SQLITE_UTF8, NULL,
	    local_fn, NULL, NULL);
	sqlite3_create_function(db, "local_date", 1, SQLITE_UTF8, NULL,
	    local_fn, NULL, NULL);

	for (p = src; *p != '\0';) {
		if ((p == src || p[-1] == '\n') && *p == '#') {
			p = strchr(p, '\n') ? strchr(p, '\n') : p + strlen(p);
			continue;
		}
		if (*p == '\'') {		/* '"' is no string */
			for (p++; *p != '\0' && *p != '\''; p++)
				if (*p == '\\' && p[1] != '\0')
					p++;
			p += *p != '\0';
			continue;
		}
		if (*p != '"') {
			p++;
			continue;
		}
		/* Adjacent literals are one string, as the compiler reads. */
		n = 0;
		free(lit);
		lit = xstrdup("");
		for (;;) {
			p = literal(p, &lit, &n);
			while (isspace((unsigned char)*p))
				p++;
			if (*p != '"')
				break;
		}
		if (is_statement(lit))
			check(db, lit);
	}
	free(lit);
	/* The extraction works: store.c alone holds over sixty. */
	TEST_ASSERT(nstatements > 70);
	printf("t_plan: %d statements\n", nstatements);
	sqlite3_close(db);
	store_close(st);
	free(path);
	free(src);
	return (test_done());
}
