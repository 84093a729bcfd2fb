/* SPDX-License-Identifier: ISC */
/*
 * `disposisi report -f FILE --html OUT [--since YYYY-MM-DD]`: one page
 * for the Head of the office, in Indonesian, self-contained (inline CSS
 * and SVG, no script, nothing remote), that prints on A4: per step the
 * median and 90th percentile of office minutes against the standard and
 * the share on time, with a chart; where open cases wait; and for each
 * case a swimlane in the layout of the SOP's own table - actors as
 * columns, steps as rows - with the path the case took, the answer at
 * each step and its time beside the standard, late ones in red.
 * Well-formed XHTML, so any XML tool can check it.
 */

#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "disposisi.h"

#define LANE_W		118	/* an actor's column */
#define LABEL_W		230	/* the steps' names */
#define ROW_H		26
#define HEAD_H		44

static const char *const report_css =
	"body{font-family:'DejaVu Sans',Arial,sans-serif;color:#1d2733;"
	"margin:24px;font-size:13px}h1{font-size:20px;margin:0 0 4px}"
	"h2{font-size:16px;border-bottom:2px solid #1f5f8b;padding-bottom:3px;"
	"margin-top:28px}h3{font-size:14px;margin:18px 0 6px}"
	".sub{color:#5b6b7b}table{border-collapse:collapse;margin:6px 0}"
	"th,td{border:1px solid #c9d3dd;padding:3px 8px;text-align:left}"
	"th{background:#e8f0f7}td.n{text-align:right}.late{color:#b3261e;"
	"font-weight:bold}.ok{color:#1e7a3c}section.case{page-break-inside:"
	"avoid}svg text{font-family:'DejaVu Sans',Arial,sans-serif}"
	"@media print{body{margin:10mm}h2{page-break-after:avoid}}"
	"@page{size:A4;margin:12mm}";

/* Writes s with the five XML specials escaped. */
static void
report_esc(FILE *f, const char *s)
{
	for (; s != NULL && *s != '\0'; s++) {
		switch (*s) {
		case '<':
			fputs("&lt;", f);
			break;
		case '>':
			fputs("&gt;", f);
			break;
		case '&':
			fputs("&amp;", f);
			break;
		case '"':
			fputs("&quot;", f);
			break;
		case '\'':
			fputs("&#39;", f);
			break;
		default:
			if ((unsigned char)*s >= 0x20 || *s == '\n')
				fputc(*s, f);
		}
	}
}

static int
report_cmp(const void *a, const void *b)
{
	long	 x = *(const long *)a, y = *(const long *)b;

	return (x < y ? -1 : x > y);
}

/* The p-th percentile (nearest rank) of n sorted values. */
static long
report_pct(const long *v, size_t n, int p)
{
	size_t	 k = (size_t)((p * n + 99) / 100);

	return (v[k > 0 ? k - 1 : 0]);
}

/* The actors of a SOP, in the order the steps name them: its columns. */
static size_t
report_actors(const struct sop *sop, const char **cols, size_t max)
{
	const char	*t;
	size_t		 i, j, n = 0;

	for (i = 0; i < sop->nsteps && n < max; i++) {
		t = sop->steps[i].role ? sop->steps[i].role->title : "Pemohon";
		for (j = 0; j < n && strcmp(cols[j], t) != 0; j++)
			;
		if (j == n)
			cols[n++] = t;
	}
	return (n);
}

static size_t
report_col(const struct sop *sop, const struct step *s, const char **cols,
    size_t ncols)
{
	const char	*t = s->role ? s->role->title : "Pemohon";
	size_t		 j;

	(void)sop;
	for (j = 0; j < ncols && strcmp(cols[j], t) != 0; j++)
		;
	return (j);
}

static size_t
report_row(const struct sop *sop, const char *name)
{
	size_t	 i;

	for (i = 0; i < sop->nsteps; i++) {
		if (strcmp(sop->steps[i].name, name) == 0)
			return (i);
	}
	return (0);
}

/* Per step: median and 90th percentile against the standard, a chart. */
static void
report_steps(FILE *f, struct store *st, const struct sop *sop,
    const char *since)
{
	struct table	 t;
	long		*v;
	size_t		 i, r, n, ontime, w = 560;
	long		 med, p90, max = 1;
	char		*sql;

	fprintf(f, "<h2>Waktu per langkah: %s</h2>\n<table><tr><th>Langkah"
	    "</th><th>Waktu baku</th><th>Median</th><th>Persentil 90</th>"
	    "<th>Tepat waktu</th><th>Jumlah</th></tr>\n", sop->title);
	xasprintf(&sql, "SELECT t.step, t.office_minutes FROM step_times t"
	    " JOIN cases c ON c.id = t.case_id WHERE c.sop = '%s' AND"
	    " c.opened_at >= ?1 ORDER BY t.step", sop->name);
	store_table(st, sql, since, &t);
	free(sql);
	v = xcalloc(t.nrows + 1, sizeof *v);
	for (i = 0; i < sop->nsteps; i++) {
		for (r = n = ontime = 0; r < t.nrows; r++) {
			if (strcmp(TABLE_CELL(&t, r, 0), sop->steps[i].name) !=
			    0)
				continue;
			v[n] = strtol(TABLE_CELL(&t, r, 1), NULL, 10);
			ontime += v[n] <= sop->steps[i].minutes;
			n++;
		}
		fprintf(f, "<tr><td>%s ", sop->steps[i].number);
		report_esc(f, sop->steps[i].name);
		fprintf(f, "</td><td class=\"n\">%d mnt</td>",
		    sop->steps[i].minutes);
		if (n == 0) {
			fputs("<td class=\"n\">-</td><td class=\"n\">-</td>"
			    "<td class=\"n\">-</td><td class=\"n\">0</td></tr>\n",
			    f);
			continue;
		}
		qsort(v, n, sizeof *v, report_cmp);
		med = report_pct(v, n, 50);
		p90 = report_pct(v, n, 90);
		max = p90 > max ? p90 : max;
		max = sop->steps[i].minutes > max ? sop->steps[i].minutes : max;
		fprintf(f, "<td class=\"n %s\">%ld mnt</td><td class=\"n %s\">"
		    "%ld mnt</td><td class=\"n\">%zu%%</td><td class=\"n\">%zu"
		    "</td></tr>\n", med > sop->steps[i].minutes ? "late" : "ok",
		    med, p90 > sop->steps[i].minutes ? "late" : "ok", p90,
		    ontime * 100 / n, n);
	}
	fputs("</table>\n", f);
	/* The chart: the standard as a grey bar, the median over it. */
	fprintf(f, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%zu\""
	    " height=\"%zu\" role=\"img\"><title>Median waktu per langkah"
	    " terhadap waktu baku</title>\n", w + 160, sop->nsteps * 18 + 24);
	for (i = 0; i < sop->nsteps; i++) {
		for (r = n = 0; r < t.nrows; r++) {
			if (strcmp(TABLE_CELL(&t, r, 0), sop->steps[i].name) ==
			    0)
				v[n++] = strtol(TABLE_CELL(&t, r, 1), NULL, 10);
		}
		qsort(v, n, sizeof *v, report_cmp);
		med = n ? report_pct(v, n, 50) : 0;
		fprintf(f, "<text x=\"0\" y=\"%zu\" font-size=\"11\">%s</text>"
		    "<rect x=\"150\" y=\"%zu\" width=\"%ld\" height=\"12\""
		    " fill=\"#d5dde5\"/><rect x=\"150\" y=\"%zu\" width=\"%ld\""
		    " height=\"6\" fill=\"%s\"/>\n", i * 18 + 14,
		    sop->steps[i].number, i * 18 + 4, (long)w *
		    sop->steps[i].minutes / max, i * 18 + 7, (long)w * med /
		    max, med > sop->steps[i].minutes ? "#b3261e" : "#1f5f8b");
	}
	fputs("</svg>\n<p class=\"sub\">Abu-abu: waktu baku; biru: median"
	    " (merah bila melewati waktu baku). Waktu dihitung dalam menit"
	    " jam kerja.</p>\n", f);
	free(v);
	store_table_free(&t);
}

/* Where open cases wait now, longest first. */
static void
report_waiting(FILE *f, struct ctx *ctx)
{
	struct case_list_row	*rows;
	const struct sop	*sop;
	const struct step	*s;
	size_t			 n, i;
	long			 took;
	int			 any = 0;

	if (store_case_list(ctx->store, 0, &rows, &n) == -1)
		return;
	fputs("<h2>Perkara yang sedang menunggu</h2>\n<table><tr><th>Perkara"
	    "</th><th>Langkah</th><th>Menunggu</th><th>Lama</th><th>Waktu"
	    " baku</th></tr>\n", f);
	for (i = 0; i < n; i++) {
		sop = rules_sop(ctx->rules, rows[i].sop);
		s = sop ? rules_step(sop, rows[i].step) : NULL;
		took = cal_office_minutes(&ctx->rules->cal, rows[i].since,
		    clock_now());
		fputs("<tr><td>", f);
		report_esc(f, rows[i].ref);
		fputs("</td><td>", f);
		report_esc(f, rows[i].step);
		fputs("</td><td>", f);
		report_esc(f, rows[i].waiting ? rows[i].waiting :
		    rows[i].state);
		fprintf(f, "</td><td class=\"n %s\">%ld mnt</td><td class=\"n\">"
		    "%d mnt</td></tr>\n", s && took > s->minutes ? "late" : "",
		    took, s ? s->minutes : 0);
		any = 1;
	}
	if (!any)
		fputs("<tr><td colspan=\"5\">Tidak ada.</td></tr>\n", f);
	fputs("</table>\n", f);
	store_case_rows_free(rows, n);
}

/* How often the case was at this step before visit r: a step visited
 * again sits a little to the right. */
static size_t
report_again(const struct table *t, size_t r, const char *step)
{
	size_t	 i, n = 0;

	for (i = 0; i < r && i < t->nrows; i++)
		n += strcmp(TABLE_CELL(t, i, 0), step) == 0;
	return (n);
}

/* A column's title on up to three lines of a lane's width. */
static void
report_title(FILE *f, const char *title, size_t x)
{
	char		 buf[256], *w, *save, line[3][64];
	size_t		 n = 0, i;

	snprintf(buf, sizeof buf, "%s", title);
	memset(line, 0, sizeof line);
	for (w = strtok_r(buf, " ", &save); w != NULL && n < 3;
	    w = strtok_r(NULL, " ", &save)) {
		if (line[n][0] != '\0' && strlen(line[n]) + strlen(w) + 1 > 19)
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
		    " text-anchor=\"middle\">", x, 12 + i * 11);
		report_esc(f, line[i]);
		fputs("</text>", f);
	}
	fputc('\n', f);
}

/* A swimlane's grid: the actors' columns, the steps' rows. */
static void
report_grid(FILE *f, const struct sop *sop, const char **cols, size_t ncols,
    size_t w, size_t h)
{
	size_t	 i;

	for (i = 0; i < ncols; i++) {
		fprintf(f, "<rect x=\"%zu\" y=\"0\" width=\"%d\" height=\"%zu\""
		    " fill=\"%s\"/>", LABEL_W + i * LANE_W, LANE_W, h, i % 2 ?
		    "#f4f7fa" : "#e9eff5");
		report_title(f, cols[i], LABEL_W + i * LANE_W + LANE_W / 2);
	}
	for (i = 0; i < sop->nsteps; i++) {
		fprintf(f, "<line x1=\"0\" y1=\"%zu\" x2=\"%zu\" y2=\"%zu\""
		    " stroke=\"#c9d3dd\"/><text x=\"4\" y=\"%zu\""
		    " font-size=\"11\">%s ", HEAD_H + i * ROW_H, w, HEAD_H +
		    i * ROW_H, HEAD_H + i * ROW_H + 17, sop->steps[i].number);
		report_esc(f, sop->steps[i].name);
		fprintf(f, " (%d mnt)</text>\n", sop->steps[i].minutes);
	}
}

/* One case's swimlane: the SOP's table, and the path it took. */
static void
report_case(FILE *f, struct store *st, const struct sop *sop,
    const char *const *cell)
{
	const char	*cols[16];
	struct table	 t, dec;
	size_t		 ncols, i, r, col, row, w, h, px = 0, py = 0;
	const struct step *s;
	const char	*verdict;
	long		 took;
	int		 std, late;

	ncols = report_actors(sop, cols, 16);
	w = LABEL_W + ncols * LANE_W;
	h = HEAD_H + sop->nsteps * ROW_H + 8;
	fputs("<section class=\"case\"><h3>", f);
	report_esc(f, cell[1]);
	fputs(" &#8212; ", f);
	report_esc(f, cell[2]);
	fprintf(f, " <span class=\"sub\">(%s)</span></h3>\n", cell[3]);
	fprintf(f, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%zu\""
	    " height=\"%zu\" viewBox=\"0 0 %zu %zu\" role=\"img\">"
	    "<title>Jalur perkara %s</title>\n", w, h, w, h, cell[1]);
	report_grid(f, sop, cols, ncols, w, h);
	store_table(st, "SELECT t.step, t.round, t.office_minutes FROM"
	    " step_times t WHERE t.case_id = ?1 ORDER BY t.id", cell[0], &t);
	store_table(st, "SELECT step_name, round, group_concat(verdict, '')"
	    " FROM dispatches WHERE case_id = ?1 AND verdict IN ('Y', 'T')"
	    " GROUP BY step_name, round", cell[0], &dec);
	for (r = 0; r <= t.nrows; r++) {
		/* The visits, then the step the case is at now. */
		if (r == t.nrows && strcmp(cell[3],
		    case_state_name(CASE_OPEN)) != 0)
			break;
		s = rules_step(sop, r < t.nrows ? TABLE_CELL(&t, r, 0) :
		    cell[4]);
		if (s == NULL)
			continue;
		row = report_row(sop, s->name);
		col = report_col(sop, s, cols, ncols);
		took = r < t.nrows ? strtol(TABLE_CELL(&t, r, 2), NULL, 10) :
		    -1;
		std = s->minutes;
		late = took > std;
		verdict = "";
		for (i = 0; r < t.nrows && i < dec.nrows; i++) {
			if (strcmp(TABLE_CELL(&dec, i, 0), s->name) == 0 &&
			    strcmp(TABLE_CELL(&dec, i, 1), TABLE_CELL(&t, r,
			    1)) == 0)
				verdict = strchr(TABLE_CELL(&dec, i, 2), 'T') ?
				    "T" : "Y";
		}
		if (r > 0)
			fprintf(f, "<line x1=\"%zu\" y1=\"%zu\" x2=\"%zu\""
			    " y2=\"%zu\" stroke=\"#1f5f8b\" stroke-width=\"2\""
			    "/>\n", px, py, LABEL_W + col * LANE_W + 22 +
			    report_again(&t, r, s->name) * 46, HEAD_H + row *
			    ROW_H + ROW_H / 2);
		px = LABEL_W + col * LANE_W + 22 + report_again(&t, r, s->name) *
		    46;
		py = HEAD_H + row * ROW_H + ROW_H / 2;
		fprintf(f, "<circle cx=\"%zu\" cy=\"%zu\" r=\"6\" fill=\"%s\"/>",
		    px, py, took < 0 ? "#e0a100" : late ? "#b3261e" :
		    "#1e7a3c");
		if (took >= 0)
			fprintf(f, "<text x=\"%zu\" y=\"%zu\" font-size=\"10\""
			    " fill=\"%s\">%s %ld/%d</text>\n", px + 9, py + 4,
			    late ? "#b3261e" : "#1d2733", verdict, took, std);
		else
			fprintf(f, "<text x=\"%zu\" y=\"%zu\" font-size=\"10\">"
			    "menunggu</text>\n", px + 9, py + 4);
	}
	store_table_free(&t);
	store_table_free(&dec);
	fputs("</svg></section>\n", f);
}

static int
report_write(FILE *f, struct ctx *ctx, const char *since, const char *label)
{
	struct table	 cases;
	char		 now[64];
	const struct sop *sop;
	size_t		 i, r;

	clock_format(clock_now(), CLOCK_ISO, now, sizeof now);
	fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE html>\n"
	    "<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"id\">"
	    "<head><meta charset=\"UTF-8\"/><title>Laporan disposisi"
	    "</title><style>", f);
	fputs(report_css, f);
	fputs("</style></head><body>\n<h1>Laporan Pelaksanaan SOP</h1>\n", f);
	fprintf(f, "<p class=\"sub\">Dinas Komunikasi dan Informatika"
	    " Kabupaten Muara Enim &#183; dibuat %s &#183; perkara %s</p>\n",
	    now, label);
	report_waiting(f, ctx);
	for (i = 0; i < ctx->rules->nsops; i++)
		report_steps(f, ctx->store, &ctx->rules->sops[i], since);
	fputs("<h2>Jalur setiap perkara</h2>\n<p class=\"sub\">Kolom:"
	    " pelaksana; baris: langkah SOP. Setiap titik adalah langkah yang"
	    " dilalui, dengan jawaban (Y/T) dan menit kerja/waktu baku; merah:"
	    " melewati waktu baku; kuning: sedang menunggu.</p>\n", f);
	if (store_table(ctx->store, "SELECT id, ref, coalesce(applicant_name,"
	    " applicant), state, step_name, sop FROM cases WHERE opened_at >="
	    " ?1 ORDER BY opened_at, id", since, &cases) == -1)
		return (-1);
	for (r = 0; r < cases.nrows; r++) {
		if ((sop = rules_sop(ctx->rules, TABLE_CELL(&cases, r, 5))) !=
		    NULL)
			report_case(f, ctx->store, sop, (const char *const *)
			    &TABLE_CELL(&cases, r, 0));
	}
	if (cases.nrows == 0)
		fputs("<p>Tidak ada perkara pada periode ini.</p>\n", f);
	store_table_free(&cases);
	fputs("</body></html>\n", f);
	/* A table that could not be read is said; the report is not whole. */
	return (ferror(f) || store_failed(ctx->store) ? -1 : 0);
}

/* YYYY-MM-DD as the epoch second of its office midnight, as text. */
static int
report_since(const char *s, char *out, size_t len)
{
	struct tm	 tm = { 0 };
	char		*end;

	if ((end = strptime(s, "%Y-%m-%d", &tm)) == NULL || *end != '\0')
		return (-1);
	snprintf(out, len, "%lld", (long long)clock_unlocal(&tm));
	return (0);
}

static const struct option report_opts[] = {
	{ "html", required_argument, NULL, 'h' },
	{ "since", required_argument, NULL, 's' },
	{ NULL, 0, NULL, 0 }
};

static int
cmd_report(const struct cmd_entry *self, struct ctx *ctx, struct args *a)
{
	const char	*out = args_get(a, 'h'), *from = args_get(a, 's');
	char		 since[32] = "0", label[64];
	FILE		*f;
	int		 rv;

	if (out == NULL)
		return (cmd_usage(self, 0));
	/* Midnight in the office's zone, which the rules gave the clock. */
	if (from != NULL && report_since(from, since, sizeof since) == -1) {
		fprintf(stderr, "disposisi: report: --since wants YYYY-MM-DD,"
		    " got \"%s\"\n", from);
		return (64);
	}
	snprintf(label, sizeof label, "%s%s", from ? "sejak " : "seluruhnya",
	    from ? from : "");
	/* Names of applicants: personal data, for its reader only. */
	umask(077);
	if ((f = fopen(out, "w")) == NULL) {
		fprintf(stderr, "disposisi: %s: cannot write\n", out);
		return (73);	/* EX_CANTCREAT */
	}
	rv = report_write(f, ctx, since, label);
	if (fclose(f) == EOF || rv == -1) {
		fprintf(stderr, "disposisi: %s: write failed\n", out);
		return (74);	/* EX_IOERR */
	}
	printf("%s\n", out);
	return (0);
}

const struct cmd_entry cmd_report_entry = {
	.name = "report",
	.usage = "-f FILE --html OUT [--since YYYY-MM-DD]",
	.args = { "f:", 0, 0, report_opts },
	.needs = CMD_CONF | CMD_RULES | CMD_DB,
	.exec = cmd_report
};
