/* SPDX-License-Identifier: ISC */
/*
 * The admin's read-only views: the rows of a query the command wrote
 * (one text parameter at most) as aligned columns, as JSON, or as a
 * table of cells for the report and the commands that print their own. Each returns -1 when the rows cannot
 * be read, so a command never prints half an answer as the whole.
 */

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "disposisi.h"
#include "store_p.h"

/* A cell wider than this is cut, "…" its last column. */
#define TABLE_MAXW	40

/* The columns s takes on a terminal: one per UTF-8 character. */
size_t
table_width(const char *s)
{
	size_t	 n = 0;

	for (; *s != '\0'; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return (n);
}

/*
 * s as at most w columns (w 0: whole), cut with "…" when longer, padded
 * to w when pad. A control character (a mail's subject may carry an
 * escape sequence) prints as '?', so no cell can move the cursor.
 */
void
table_cell(FILE *f, const char *s, size_t w, int pad)
{
	size_t	 n = 0, len = table_width(s);

	for (; *s != '\0'; s++) {
		if (((unsigned char)*s & 0xc0) != 0x80) {
			if (w > 0 && len > w && n == w - 1) {
				fputs("\u2026", f);
				n++;
				break;
			}
			n++;
		}
		fputc((unsigned char)*s < 0x20 || *s == 0x7f ? '?' : *s, f);
	}
	for (; pad && n < w; n++)
		fputc(' ', f);
}

/*
 * Prints t as aligned columns: its names in capitals over them (when it
 * has names), each column as wide as its widest cell up to TABLE_MAXW;
 * the last is neither cut nor padded, so a long reason stays whole.
 */
void
table_print(FILE *f, const struct table *t)
{
	size_t		*w, r, c, n;
	const char	*v, *p;

	w = xcalloc(t->ncols, sizeof *w);
	for (c = 0; c < t->ncols; c++) {
		w[c] = t->names ? table_width(t->names[c]) : 0;
		for (r = 0; r < t->nrows; r++) {
			v = TABLE_CELL(t, r, c);
			if ((n = table_width(v ? v : "-")) > w[c])
				w[c] = n;
		}
		if (w[c] > TABLE_MAXW && c + 1 < t->ncols)
			w[c] = TABLE_MAXW;
	}
	for (c = 0; t->names && c < t->ncols; c++) {
		fputs("  ", f);
		for (p = t->names[c], n = 0; *p != '\0'; p++, n++)
			fputc(*p == '_' ? ' ' : toupper((unsigned char)*p), f);
		for (; c + 1 < t->ncols && n < w[c]; n++)
			fputc(' ', f);
	}
	if (t->names)
		fputc('\n', f);
	for (r = 0; r < t->nrows; r++) {
		for (c = 0; c < t->ncols; c++) {
			v = TABLE_CELL(t, r, c);
			fputs("  ", f);
			table_cell(f, v ? v : "-", c + 1 < t->ncols ? w[c] : 0,
			    c + 1 < t->ncols);
		}
		fputc('\n', f);
	}
	free(w);
}

/*
 * Prints the rows of a read-only query as a table under its column
 * names, for `status` and `outbox`. Returns the number of rows, or -1.
 */
int
store_print(struct store *st, FILE *f, const char *sql, const char *arg)
{
	struct table	 t;
	int		 n;

	if (store_table(st, sql, arg, &t) == -1)
		return (-1);
	if ((n = (int)t.nrows) > 0)
		table_print(f, &t);
	store_table_free(&t);
	return (n);
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
	t->names = xcalloc(t->ncols, sizeof *t->names);
	for (i = 0; i < t->ncols; i++)
		t->names[i] = xstrdup(sqlite3_column_name(s, (int)i));
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

/* A row of t->ncols cells (taken) at its end: a table a command fills. */
void
store_table_add(struct table *t, char **row)
{
	t->cells = xreallocarray(t->cells, (t->nrows + 1) * t->ncols,
	    sizeof *t->cells);
	memcpy(&TABLE_CELL(t, t->nrows, 0), row, t->ncols * sizeof *row);
	t->nrows++;
}

void
store_table_free(struct table *t)
{
	size_t	 i;

	for (i = 0; i < t->nrows * t->ncols; i++)
		free(t->cells[i]);
	for (i = 0; t->names && i < t->ncols; i++)
		free(t->names[i]);
	free(t->names);
	free(t->cells);
	memset(t, 0, sizeof *t);
}
