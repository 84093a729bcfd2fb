/* SPDX-License-Identifier: ISC */
/*
 * One application's swimlane in the Head's report, in the layout of the
 * SOP's own table: the applicant and the actors as columns, the
 * activities as rows. The path the case took joins a dot per visit of a
 * step (its answer, its office minutes against the standard, late ones
 * red); a return to the applicant (a T sending it back, or documents
 * asked for) goes to the applicant's column and back, dashed.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "disposisi.h"
#include "report_p.h"

#define LANE_W		96	/* an actor's column */
#define LABEL_W		312	/* the activities' names */
#define ROW_H		20
#define HEAD_H		40
#define LANE_COLS	16
#define C_LINE		"#1f5f8b"
#define C_BACK		"#d9822b"

struct lane {
	struct report	*r;
	const struct sop *sop;
	const char	*cols[LANE_COLS];
	size_t		 ncols;
	struct table	 t;		/* visits: step, round, minutes, at */
	struct table	 dec;		/* answers: step, round, verdicts */
	struct table	 ev;		/* state changes: at, detail */
	size_t		*backs;		/* returns drawn, per row */
	size_t		 px, py;	/* the last point, 0: none */
	int		 back;		/* it was a return */
};

static const char *
lane_title(const struct step *s)
{
	return (s->role != NULL ? s->role->title : "Pemohon");
}

/* The applicant first, as in the SOP's table, then actors as named. */
static void
lane_cols(struct lane *l)
{
	const char	*t;
	size_t		 i, j;

	l->cols[0] = "Pemohon";
	l->ncols = 1;
	for (i = 0; i < l->sop->nsteps && l->ncols < LANE_COLS; i++) {
		t = lane_title(&l->sop->steps[i]);
		for (j = 0; j < l->ncols && strcmp(l->cols[j], t) != 0; j++)
			;
		if (j == l->ncols)
			l->cols[l->ncols++] = t;
	}
}

static size_t
lane_col(const struct lane *l, const struct step *s)
{
	size_t	 j;

	for (j = 0; j < l->ncols && strcmp(l->cols[j], lane_title(s)) != 0;
	    j++)
		;
	return (j < l->ncols ? j : 0);
}

static size_t
lane_row(const struct lane *l, const struct step *s)
{
	return ((size_t)(s - l->sop->steps));
}

/* A column's title on up to three lines of a lane's width. */
static void
lane_head(FILE *f, const char *title, size_t x)
{
	char		 buf[256], *w, *save, line[3][64];
	size_t		 n = 0, i;

	snprintf(buf, sizeof buf, "%s", title);
	memset(line, 0, sizeof line);
	for (w = strtok_r(buf, " ", &save); w != NULL && n < 3;
	    w = strtok_r(NULL, " ", &save)) {
		if (line[n][0] != '\0' && strlen(line[n]) + strlen(w) + 1 > 17)
			n++;
		if (n == 3)
			break;
		if (line[n][0] != '\0')
			strncat(line[n], " ", sizeof line[n] - strlen(line[n]) -
			    1);
		strncat(line[n], w, sizeof line[n] - strlen(line[n]) - 1);
	}
	for (i = 0; i < 3 && line[i][0] != '\0'; i++) {
		fprintf(f, "<text x=\"%zu\" y=\"%zu\" font-size=\"9\""
		    " text-anchor=\"middle\">", x, 11 + i * 10);
		report_esc(f, line[i]);
		fputs("</text>", f);
	}
	fputc('\n', f);
}

/* The grid: the columns, and a row per activity named as the SOP does. */
static void
lane_grid(struct lane *l, size_t w, size_t h)
{
	FILE		*f = l->r->f;
	const struct step *s;
	size_t		 i, y;

	for (i = 0; i < l->ncols; i++) {
		fprintf(f, "<rect x=\"%zu\" y=\"0\" width=\"%d\" height=\"%zu\""
		    " fill=\"%s\"/>", LABEL_W + i * LANE_W, LANE_W, h, i % 2 ?
		    "#f4f7fa" : "#e9eff5");
		lane_head(f, l->cols[i], LABEL_W + i * LANE_W + LANE_W / 2);
	}
	for (i = 0; i < l->sop->nsteps; i++) {
		s = &l->sop->steps[i];
		y = HEAD_H + i * ROW_H;
		fprintf(f, "<line x1=\"0\" y1=\"%zu\" x2=\"%zu\" y2=\"%zu\""
		    " stroke=\"#c9d3dd\"/><text x=\"2\" y=\"%zu\""
		    " font-size=\"9.5\">", y, w, y, y + 14);
		report_esc(f, s->number);
		fputs(" ", f);
		report_esc(f, rules_step_label(s));
		fprintf(f, "</text><text x=\"%d\" y=\"%zu\" font-size=\"8.5\""
		    " fill=\"#5b6b7b\" text-anchor=\"end\">%d mnt</text>\n",
		    LABEL_W - 4, y + 14, s->minutes);
	}
}

/* The next point of the path, joined to the last; back: a return's leg. */
static void
lane_point(struct lane *l, size_t x, size_t y, int back, const char *fill)
{
	FILE	*f = l->r->f;

	if (l->px != 0)
		fprintf(f, "<line x1=\"%zu\" y1=\"%zu\" x2=\"%zu\" y2=\"%zu\""
		    " stroke=\"%s\" stroke-width=\"%s\"%s/>\n", l->px, l->py, x,
		    y, back ? C_BACK : C_LINE, back ? "1.6" : "1.8", back ?
		    " stroke-dasharray=\"4 3\"" : "");
	fprintf(f, "<circle cx=\"%zu\" cy=\"%zu\" r=\"5\" fill=\"%s\"/>", x, y,
	    fill);
	l->px = x;
	l->py = y;
}

/* Back to the applicant at step s; waiting: not come back yet. */
static void
lane_return(struct lane *l, const struct step *s, int waiting)
{
	size_t	 row = lane_row(l, s);
	size_t	 x = LABEL_W + LANE_W / 2 + 8 + (l->backs[row]++ % 3) * 12;
	size_t	 y = HEAD_H + row * ROW_H + ROW_H / 2;

	lane_point(l, x, y, 1, waiting ? "#e0a100" : C_BACK);
	fprintf(l->r->f, "<text x=\"%zu\" y=\"%zu\" font-size=\"8.5\""
	    " fill=\"%s\">%s</text>\n", x - 8, y - 6 > HEAD_H ? y - 6 : y + 14,
	    C_BACK, waiting ? "menunggu pemohon" : "dikembalikan");
	l->back = 1;
}

/*
 * The returns recorded at or after lo and before hi: state changes to
 * the applicant's turn ("proses at S -> dikembalikan at S (round n)").
 */
static void
lane_returns(struct lane *l, long long lo, long long hi, int last)
{
	const struct step *s;
	const char	*d, *st;
	char		 step[128];
	long long	 at;
	size_t		 i;
	int		 waiting;

	for (i = 0; i < l->ev.nrows; i++) {
		at = strtoll(TABLE_CELL(&l->ev, i, 0), NULL, 10);
		if (at < lo || at >= hi ||
		    (d = strstr(TABLE_CELL(&l->ev, i, 1), " -> ")) == NULL)
			continue;
		st = d + 4;
		if (strncmp(st, "dikembalikan at ", 16) != 0 &&
		    strncmp(st, "menunggu-kelengkapan at ", 24) != 0)
			continue;
		if (sscanf(strstr(st, " at ") + 4, "%127s", step) != 1 ||
		    (s = rules_step(l->sop, step)) == NULL)
			continue;
		waiting = last && i + 1 == l->ev.nrows;
		lane_return(l, s, waiting);
	}
}

/* The answer given at a visit: T if any was, else Y, else none. */
static const char *
lane_verdict(const struct lane *l, size_t r)
{
	size_t	 i;

	for (i = 0; i < l->dec.nrows; i++) {
		if (strcmp(TABLE_CELL(&l->dec, i, 0), TABLE_CELL(&l->t, r, 0)) ==
		    0 && strcmp(TABLE_CELL(&l->dec, i, 1), TABLE_CELL(&l->t, r,
		    1)) == 0)
			return (strchr(TABLE_CELL(&l->dec, i, 2), 'T') ? "T " :
			    "Y ");
	}
	return ("");
}

/* Visit r of a step (r == t.nrows: the step the case waits at now). */
static void
lane_visit(struct lane *l, const struct step *s, size_t r)
{
	FILE	*f = l->r->f;
	size_t	 i, again = 0, x, y;
	long	 took = r < l->t.nrows ? strtol(TABLE_CELL(&l->t, r, 2), NULL,
		    10) : -1;

	for (i = 0; i < r && i < l->t.nrows; i++)
		again += strcmp(TABLE_CELL(&l->t, i, 0), s->name) == 0;
	x = LABEL_W + lane_col(l, s) * LANE_W + 14 + (again % 2) * 56;
	y = HEAD_H + lane_row(l, s) * ROW_H + ROW_H / 2;
	lane_point(l, x, y, l->back, took < 0 ? "#e0a100" : took > s->minutes ?
	    "#b3261e" : "#1e7a3c");
	l->back = 0;
	if (took >= 0)
		fprintf(f, "<text x=\"%zu\" y=\"%zu\" font-size=\"8.5\""
		    " fill=\"%s\">%s%ld/%d</text>\n", x + 7, y + 3, took >
		    s->minutes ? "#b3261e" : "#1d2733", lane_verdict(l, r), took,
		    s->minutes);
	else
		fprintf(f, "<text x=\"%zu\" y=\"%zu\" font-size=\"8.5\">"
		    "menunggu</text>\n", x + 7, y + 3);
}

static int
lane_read(struct lane *l, const char *id)
{
	struct store	*st = l->r->ctx->store;

	if (store_table(st, "SELECT t.step, t.round, t.office_minutes,"
	    " t.entered_at FROM step_times t WHERE t.case_id = ?1 ORDER BY"
	    " t.id", id, &l->t) == -1)
		return (-1);
	if (store_table(st, "SELECT step_name, round, group_concat(verdict,"
	    " '') FROM dispatches WHERE case_id = ?1 AND verdict IN ('Y', 'T')"
	    " GROUP BY step_name, round", id, &l->dec) == -1)
		return (-1);
	return (store_table(st, "SELECT at, detail FROM case_events WHERE"
	    " case_id = ?1 AND event = 'state' ORDER BY id", id, &l->ev));
}

/* The path: each visit, the returns after it, the step waited at now. */
static void
lane_path(struct lane *l, const char *state, const char *now_at)
{
	const struct step *s;
	long long	 lo = 0, hi;
	size_t		 r;
	int		 open = strcmp(state, case_state_name(CASE_OPEN)) == 0;
	int		 back = !open && strcmp(state, "dikembalikan") == 0;

	back |= strcmp(state, "menunggu-kelengkapan") == 0;
	for (r = 0; r < l->t.nrows; r++) {
		hi = strtoll(TABLE_CELL(&l->t, r, 3), NULL, 10);
		lane_returns(l, lo, hi, 0);
		if ((s = rules_step(l->sop, TABLE_CELL(&l->t, r, 0))) != NULL)
			lane_visit(l, s, r);
		lo = hi;
	}
	lane_returns(l, lo, (long long)1 << 62, back);
	if (open && (s = rules_step(l->sop, now_at)) != NULL)
		lane_visit(l, s, l->t.nrows);
	else if (l->px != 0 && !back)	/* closed: how it ended */
		fprintf(l->r->f, "<text x=\"%zu\" y=\"%zu\" font-size=\"9\""
		    " font-weight=\"bold\" fill=\"%s\">%s</text>\n", l->px + 52,
		    l->py + 3, strcmp(state, "selesai") == 0 ? "#1e7a3c" :
		    "#b3261e", strcmp(state, "selesai") == 0 ? "selesai" :
		    strcmp(state, "ditolak") == 0 ? "ditolak" : "dibatalkan");
}

void
report_lane(struct report *r, const struct sop *sop, size_t k)
{
	struct lane	 l = { 0 };
	FILE		*f = r->f;
	size_t		 w, h;

	l.r = r;
	l.sop = sop;
	lane_cols(&l);
	w = LABEL_W + l.ncols * LANE_W;
	h = HEAD_H + sop->nsteps * ROW_H + 4;
	fputs("<section class=\"case\"><h3>", f);
	report_esc(f, TABLE_CELL(&r->cases, k, RC_REF));
	fputs(" &#8212; ", f);
	report_esc(f, TABLE_CELL(&r->cases, k, RC_NAME));
	fputs(" <span class=\"sub\">(", f);
	report_esc(f, sop->title);
	fprintf(f, ")</span></h3>\n<svg xmlns=\"http://www.w3.org/2000/svg\""
	    " width=\"%zu\" height=\"%zu\" viewBox=\"0 0 %zu %zu\" role=\"img\">"
	    "<title>Alur permohonan ", w, h, w, h);
	report_esc(f, TABLE_CELL(&r->cases, k, RC_REF));
	fputs("</title>\n", f);
	lane_grid(&l, w, h);
	l.backs = xcalloc(sop->nsteps + 1, sizeof *l.backs);
	if (lane_read(&l, TABLE_CELL(&r->cases, k, RC_ID)) == 0)
		lane_path(&l, TABLE_CELL(&r->cases, k, RC_STATE),
		    TABLE_CELL(&r->cases, k, RC_STEP));
	free(l.backs);
	store_table_free(&l.t);
	store_table_free(&l.dec);
	store_table_free(&l.ev);
	fputs("</svg></section>\n", f);
}
