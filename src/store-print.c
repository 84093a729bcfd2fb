/* SPDX-License-Identifier: ISC */
/*
 * The admin's read-only views: the rows of a query the command wrote
 * (one text parameter at most) as "column: value" blocks, as JSON, or as
 * a table of cells for the report. Each returns -1 when the rows cannot
 * be read, so a command never prints half an answer as the whole.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "disposisi.h"
#include "store_p.h"

/* One row of s as "column: value" lines, names padded to width. */
static void
store_print_row(FILE *f, sqlite3_stmt *s, int width)
{
	const char	*v;
	int		 i;

	for (i = 0; i < sqlite3_column_count(s); i++) {
		v = (const char *)sqlite3_column_text(s, i);
		fprintf(f, "  %-*s  %s\n", width, sqlite3_column_name(s, i),
		    v ? v : "-");
	}
}

/*
 * Prints the rows of a read-only query as "column: value" blocks, for
 * `disposisi status`. Returns the number of rows, or -1.
 */
int
store_print(struct store *st, FILE *f, const char *sql, const char *arg)
{
	sqlite3_stmt	*s;
	int		 i, n = 0, w, width = 0, rc;

	if ((s = store_stmt(st, sql, arg != NULL ? "t" : "", arg)) == NULL)
		return (-1);
	for (i = 0; i < sqlite3_column_count(s); i++) {
		w = (int)strlen(sqlite3_column_name(s, i));
		width = w > width ? w : width;
	}
	while ((rc = store_step(st, s)) == STORE_ROW) {
		if (n++ > 0 || sqlite3_column_count(s) > 1)
			fputc('\n', f);
		store_print_row(f, s, width);
	}
	store_release(st, s);
	return (rc == -1 ? -1 : n);
}

/* One row of s as a JSON object: numbers as numbers, NULL as null. */
static void
store_json_row(FILE *f, sqlite3_stmt *s)
{
	int	 i;

	fputc('{', f);
	for (i = 0; i < sqlite3_column_count(s); i++) {
		fputs(i ? ", " : "", f);
		util_json_str(f, sqlite3_column_name(s, i));
		fputs(": ", f);
		switch (sqlite3_column_type(s, i)) {
		case SQLITE_NULL:
			fputs("null", f);
			break;
		case SQLITE_INTEGER:
			fprintf(f, "%lld", (long long)sqlite3_column_int64(s,
			    i));
			break;
		default:
			util_json_str(f, (const char *)sqlite3_column_text(s,
			    i));
		}
	}
	fputc('}', f);
}

/*
 * Prints the rows of a read-only query as a JSON array of objects keyed
 * by column name, for the admin's --json views. The rows, or -1.
 */
int
store_print_json(struct store *st, FILE *f, const char *sql, const char *arg)
{
	sqlite3_stmt	*s;
	int		 n = 0, rc;

	if ((s = store_stmt(st, sql, arg != NULL ? "t" : "", arg)) == NULL)
		return (-1);
	fputc('[', f);
	while ((rc = store_step(st, s)) == STORE_ROW) {
		fputs(n++ ? ", " : "", f);
		store_json_row(f, s);
	}
	fputc(']', f);
	store_release(st, s);
	return (rc == -1 ? -1 : n);
}

/*
 * The rows of a read-only query as text cells (NULL as NULL), for the
 * report. 0, or -1 with nothing to free; else free with store_table_free.
 */
int
store_table(struct store *st, const char *sql, const char *arg,
    struct table *t)
{
	sqlite3_stmt	*s;
	size_t		 cap = 0, i;
	int		 rc;

	memset(t, 0, sizeof *t);
	if ((s = store_stmt(st, sql, arg != NULL ? "t" : "", arg)) == NULL)
		return (-1);
	t->ncols = (size_t)sqlite3_column_count(s);
	while ((rc = store_step(st, s)) == STORE_ROW) {
		if ((t->nrows + 1) * t->ncols > cap) {
			cap = cap ? cap * 2 : 64 * t->ncols;
			t->cells = xreallocarray(t->cells, cap,
			    sizeof *t->cells);
		}
		for (i = 0; i < t->ncols; i++)
			t->cells[t->nrows * t->ncols + i] = store_col(s,
			    (int)i);
		t->nrows++;
	}
	store_release(st, s);
	if (rc == -1) {
		store_table_free(t);
		return (-1);
	}
	return (0);
}

void
store_table_free(struct table *t)
{
	size_t	 i;

	for (i = 0; i < t->nrows * t->ncols; i++)
		free(t->cells[i]);
	free(t->cells);
	memset(t, 0, sizeof *t);
}
