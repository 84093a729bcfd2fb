/* SPDX-License-Identifier: ISC */
/*
 * The Head's report: one page in formal Indonesian, self-contained
 * (inline CSS and SVG, no script, nothing remote), well-formed XHTML so
 * any XML tool can check it, printing on A4 landscape. Of the
 * applications (permohonan) received in a period: the totals, the list
 * of them, per SOP the time of each activity against its standard, and
 * each application's swimlane (report-lane.c). An SOP without an
 * application in the period prints nothing. `disposisi report` writes it;
 * report-mail.c mails the past month's to the rules' role.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "disposisi.h"
#include "report_p.h"

static const char *const report_css =
	"body{font-family:'DejaVu Sans',Arial,sans-serif;color:#1d2733;"
	"margin:16px;font-size:12px}h1{font-size:19px;margin:0 0 4px}"
	"h2{font-size:15px;border-bottom:2px solid #1f5f8b;padding-bottom:3px;"
	"margin:22px 0 6px;page-break-after:avoid}"
	"h3{font-size:13px;margin:0 0 4px}.sub{color:#5b6b7b}"
	"table{border-collapse:collapse;margin:6px 0;width:100%}"
	"th,td{border:1px solid #c9d3dd;padding:2px 6px;text-align:left;"
	"vertical-align:top;overflow-wrap:break-word}thead{display:"
	"table-header-group}tr{page-break-inside:avoid}"
	"th{background:#e8f0f7}td.n{text-align:right;white-space:nowrap}"
	"th.n{text-align:right}h2.lanes{page-break-before:always}"
	".late{color:#b3261e;font-weight:bold}.ok{color:#1e7a3c}"
	"table.list{table-layout:fixed}section.case{page-break-inside:avoid;"
	"margin:10px 0 14px}svg{display:block}svg text{font-family:"
	"'DejaVu Sans',Arial,sans-serif}"
	"@page{size:A4 landscape;margin:10mm}"
	"@media print{body{margin:0}}";

static const char *const report_months[] = {
	"Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli",
	"Agustus", "September", "Oktober", "November", "Desember"
};

/* Writes s with the five XML specials escaped. */
void
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

/* The month of office time holding day 1 of tm's month, into p. */
static void
report_period_of(struct tm *tm, struct report_period *p)
{
	int	 y, m;

	tm->tm_mday = 1;
	tm->tm_hour = tm->tm_min = tm->tm_sec = 0;
	p->from = clock_unlocal(tm);	/* normalises tm: month -1 too */
	y = tm->tm_year + 1900;
	m = tm->tm_mon;
	tm->tm_mon++;
	p->to = clock_unlocal(tm);
	snprintf(p->label, sizeof p->label, "%s %d", report_months[m], y);
	snprintf(p->month, sizeof p->month, "%04d-%02d", y % 10000, m + 1);
}

/* "YYYY-MM": that month in office time; -1 when s is not one. */
int
report_period_month(const char *s, struct report_period *p)
{
	struct tm	 tm = { 0 };
	char		*end;

	if ((end = strptime(s, "%Y-%m", &tm)) == NULL || *end != '\0' ||
	    strlen(s) != 7)
		return (-1);
	report_period_of(&tm, p);
	return (0);
}

/* "YYYY-MM-DD": from its office midnight on; -1 when s is not one. */
int
report_period_since(const char *s, struct report_period *p)
{
	struct tm	 tm = { 0 };
	char		*end;
	char		 day[32];

	if ((end = strptime(s, "%Y-%m-%d", &tm)) == NULL || *end != '\0')
		return (-1);
	p->from = clock_unlocal(&tm);
	p->to = clock_now() + 1;
	clock_format(p->from, CLOCK_DATE, day, sizeof day);
	snprintf(p->label, sizeof p->label, "sejak %s", day);
	p->month[0] = '\0';
	return (0);
}

/* The office month before the one holding t. */
void
report_period_before(time_t t, struct report_period *p)
{
	struct tm	 tm;

	clock_local(t, &tm);
	tm.tm_mon--;
	tm.tm_mday = 1;
	tm.tm_isdst = 0;
	report_period_of(&tm, p);
}

/*
 * The cases opened in the period, oldest first: read from its start
 * (the index on opened_at) and cut at its end here.
 */
int
report_cases(struct report *r)
{
	size_t	 i;
	char	 from[32];

	snprintf(from, sizeof from, "%lld", (long long)r->p->from);
	if (store_table(r->ctx->store, "SELECT id, ref, coalesce(nullif("
	    "applicant_name, ''), applicant), state, step_name, sop, opened_at,"
	    " closed_at FROM cases WHERE opened_at >= ?1 ORDER BY opened_at,"
	    " id", from, &r->cases) == -1)
		return (-1);
	r->rows = xcalloc(r->cases.nrows + 1, sizeof *r->rows);
	for (i = r->n = 0; i < r->cases.nrows; i++) {
		if (strtoll(TABLE_CELL(&r->cases, i, RC_OPENED), NULL, 10) <
		    (long long)r->p->to)
			r->rows[r->n++] = i;
	}
	return (0);
}

void
report_cases_free(struct report *r)
{
	store_table_free(&r->cases);
	free(r->rows);
	r->rows = NULL;
	r->n = 0;
}

static int
report_cmp(const void *a, const void *b)
{
	long	 x = *(const long *)a, y = *(const long *)b;

	return (x < y ? -1 : x > y);
}

/* The p-th percentile (nearest rank) of n values, sorted here. */
static long
report_pct(long *v, size_t n, int p)
{
	size_t	 k = (size_t)((p * n + 99) / 100);

	if (n == 0)
		return (-1);
	qsort(v, n, sizeof *v, report_cmp);
	return (v[k > 0 ? k - 1 : 0]);
}

static int
report_sop_minutes(const struct sop *sop)
{
	size_t	 i;
	int	 m = 0;

	for (i = 0; i < sop->nsteps; i++)
		m += sop->steps[i].minutes;
	return (m);
}

/*
 * The totals of the period's cases of one SOP (NULL: every SOP). On time:
 * finished within the sum of the SOP's standard times, counted in office
 * minutes from the application to the certificate.
 */
void
report_count(const struct report *r, const struct sop *only,
    struct report_totals *t)
{
	const struct calendar	*cal = &r->ctx->rules->cal;
	const struct sop	*sop;
	enum case_state		 st;
	long			*off, *day;
	time_t			 a, b;
	size_t			 i, k;

	memset(t, 0, sizeof *t);
	off = xcalloc(r->n + 1, sizeof *off);
	day = xcalloc(r->n + 1, sizeof *day);
	for (i = 0; i < r->n; i++) {
		k = r->rows[i];
		sop = rules_sop(r->ctx->rules, TABLE_CELL(&r->cases, k, RC_SOP));
		if ((only != NULL && sop != only) || case_state_parse(
		    TABLE_CELL(&r->cases, k, RC_STATE), &st) == -1)
			continue;
		t->received++;
		if (!case_state_closed(st)) {
			t->open++;
			continue;
		}
		if (st != CASE_DONE || TABLE_CELL(&r->cases, k, RC_CLOSED) ==
		    NULL) {
			t->stopped += st != CASE_DONE;
			continue;
		}
		a = strtoll(TABLE_CELL(&r->cases, k, RC_OPENED), NULL, 10);
		b = strtoll(TABLE_CELL(&r->cases, k, RC_CLOSED), NULL, 10);
		off[t->done] = cal_office_days(cal, a, b);
		day[t->done] = cal_calendar_days(cal, a, b);
		t->ontime += sop != NULL && cal_office_minutes(cal, a, b) <=
		    report_sop_minutes(sop);
		t->done++;
	}
	t->med_office = report_pct(off, t->done, 50);
	t->med_cal = report_pct(day, t->done, 50);
	free(off);
	free(day);
}

/* A share as "75% (3 dari 4)", or "-" of nothing. */
static void
report_share(FILE *f, size_t part, size_t whole)
{
	if (whole == 0)
		fputs("-", f);
	else
		fprintf(f, "%zu%% (%zu dari %zu)", part * 100 / whole, part,
		    whole);
}

static void
report_totals_row(FILE *f, const char *title, const struct report_totals *t)
{
	fputs("<tr><td>", f);
	report_esc(f, title);
	fprintf(f, "</td><td class=\"n\">%zu</td><td class=\"n\">%zu</td>"
	    "<td class=\"n\">%zu</td><td class=\"n\">%zu</td><td class=\"n\">",
	    t->received, t->done, t->stopped, t->open);
	report_share(f, t->ontime, t->done);
	if (t->done > 0)
		fprintf(f, "</td><td class=\"n\">%ld</td><td class=\"n\">%ld"
		    "</td></tr>\n", t->med_office, t->med_cal);
	else
		fputs("</td><td class=\"n\">-</td><td class=\"n\">-</td>"
		    "</tr>\n", f);
}

/* The totals, per SOP with applications and for all when several. */
static void
report_summary_html(struct report *r)
{
	struct report_totals	 t;
	size_t			 i, nsops = 0;

	fputs("<h2>Ringkasan</h2>\n<table><thead><tr><th>SOP</th>"
	    "<th class=\"n\">Permohonan diterima</th><th class=\"n\">Selesai"
	    " (sertifikat terbit)</th><th class=\"n\">Ditolak/dibatalkan</th>"
	    "<th class=\"n\">Masih berjalan</th><th class=\"n\">Selesai tepat"
	    " waktu</th><th class=\"n\">Median lama proses (hari kerja)</th>"
	    "<th class=\"n\">Median lama proses (hari kalender)</th></tr>"
	    "</thead><tbody>\n", r->f);
	for (i = 0; i < r->ctx->rules->nsops; i++) {
		report_count(r, &r->ctx->rules->sops[i], &t);
		if (t.received == 0)
			continue;
		report_totals_row(r->f, r->ctx->rules->sops[i].title, &t);
		nsops++;
	}
	if (nsops > 1) {
		report_count(r, NULL, &t);
		report_totals_row(r->f, "Jumlah", &t);
	}
	fputs("</tbody></table>\n<p class=\"sub\">Angka menurut permohonan"
	    " yang diterima pada periode ini dan keadaannya saat laporan"
	    " dibuat. Lama proses: dari permohonan diterima sampai sertifikat"
	    " terbit; hari kerja tanpa Sabtu, Minggu dan hari libur, hari"
	    " kalender termasuk semuanya. Tepat waktu: selesai dalam jumlah"
	    " waktu baku SOP (Mutu Baku Waktu), dihitung dalam menit jam"
	    " kerja.</p>\n", r->f);
}

/* The state of a case in words. */
static const char *
report_state_words(const char *state)
{
	static const char *const words[][2] = {
		{ "menunggu-kelengkapan", "Menunggu kelengkapan berkas" },
		{ "proses", "Dalam proses" },
		{ "dikembalikan", "Dikembalikan kepada pemohon" },
		{ "selesai", "Selesai" },
		{ "ditolak", "Ditolak" },
		{ "dibatalkan", "Dibatalkan" }
	};
	size_t	 i;

	for (i = 0; i < sizeof words / sizeof words[0]; i++) {
		if (strcmp(words[i][0], state) == 0)
			return (words[i][1]);
	}
	return (state);
}

/* One application of the list: who, when, where it is or how long. */
static void
report_list_row(struct report *r, size_t no, size_t k)
{
	const struct calendar	*cal = &r->ctx->rules->cal;
	const struct sop	*sop = rules_sop(r->ctx->rules,
				    TABLE_CELL(&r->cases, k, RC_SOP));
	const struct step	*s = rules_step(sop, TABLE_CELL(&r->cases, k,
				    RC_STEP));
	const char		*closed = TABLE_CELL(&r->cases, k, RC_CLOSED);
	time_t			 a;
	char			 day[32];

	a = strtoll(TABLE_CELL(&r->cases, k, RC_OPENED), NULL, 10);
	clock_format(a, CLOCK_DATE, day, sizeof day);
	fprintf(r->f, "<tr><td class=\"n\">%zu</td><td>", no);
	report_esc(r->f, TABLE_CELL(&r->cases, k, RC_REF));
	fputs("</td><td>", r->f);
	report_esc(r->f, TABLE_CELL(&r->cases, k, RC_NAME));
	fprintf(r->f, "</td><td>%s</td><td>", day);
	report_esc(r->f, report_state_words(TABLE_CELL(&r->cases, k,
	    RC_STATE)));
	if (closed == NULL && s != NULL) {
		fprintf(r->f, " &#8212; %s. ", s->number);
		report_esc(r->f, rules_step_label(s));
		fputs(" (", r->f);
		report_esc(r->f, s->role != NULL ? s->role->title : "Pemohon");
		fputc(')', r->f);
		fputs("</td><td class=\"n\">-</td><td class=\"n\">-", r->f);
	} else if (closed != NULL)
		fprintf(r->f, "</td><td class=\"n\">%ld</td><td class=\"n\">%ld",
		    cal_office_days(cal, a, strtoll(closed, NULL, 10)),
		    cal_calendar_days(cal, a, strtoll(closed, NULL, 10)));
	else
		fputs("</td><td class=\"n\">-</td><td class=\"n\">-", r->f);
	fputs("</td></tr>\n", r->f);
}

/* Every application of the period, one line each: the month at a glance. */
static void
report_list(struct report *r)
{
	size_t	 i;

	fputs("<h2>Daftar permohonan</h2>\n<table class=\"list\"><colgroup>"
	    "<col style=\"width:4%\"/><col style=\"width:13%\"/>"
	    "<col style=\"width:24%\"/><col style=\"width:10%\"/>"
	    "<col style=\"width:35%\"/><col style=\"width:7%\"/>"
	    "<col style=\"width:7%\"/></colgroup><thead><tr><th class=\"n\">"
	    "No.</th><th>Nomor</th><th>Pemohon</th><th>Diterima</th>"
	    "<th>Keadaan</th><th class=\"n\">Hari kerja</th><th class=\"n\">"
	    "Hari kalender</th></tr></thead><tbody>\n", r->f);
	for (i = 0; i < r->n; i++)
		report_list_row(r, i + 1, r->rows[i]);
	fputs("</tbody></table>\n", r->f);
}

/* The office minutes of every visit of every step, of the period's cases. */
static int
report_visits(struct report *r, const struct sop *sop, struct table *t)
{
	char	*sql, from[32];
	int	 rv;

	snprintf(from, sizeof from, "%lld", (long long)r->p->from);
	xasprintf(&sql, "SELECT t.step, t.office_minutes, c.opened_at FROM"
	    " step_times t JOIN cases c ON c.id = t.case_id WHERE c.sop = '%s'"
	    " AND c.opened_at >= ?1 ORDER BY t.step", sop->name);
	rv = store_table(r->ctx->store, sql, from, t);
	free(sql);
	return (rv);
}

/* One activity's row: its times against the standard, with a bar. */
static void
report_step_row(struct report *r, const struct step *s, long *v, size_t n)
{
	size_t	 i, ontime = 0;
	long	 med, p90, max;

	for (i = 0; i < n; i++)
		ontime += v[i] <= s->minutes;
	med = report_pct(v, n, 50);
	p90 = report_pct(v, n, 90);
	fprintf(r->f, "<tr><td class=\"n\">%s</td><td>", s->number);
	report_esc(r->f, rules_step_label(s));
	fputs("</td><td>", r->f);
	report_esc(r->f, s->role != NULL ? s->role->title : "Pemohon");
	fprintf(r->f, "</td><td class=\"n\">%d</td>", s->minutes);
	if (n == 0) {
		fputs("<td class=\"n\">-</td><td class=\"n\">-</td><td class="
		    "\"n\">-</td><td class=\"n\">0</td><td></td></tr>\n", r->f);
		return;
	}
	fprintf(r->f, "<td class=\"n %s\">%ld</td><td class=\"n %s\">%ld</td>"
	    "<td class=\"n\">%zu%%</td><td class=\"n\">%zu</td>", med >
	    s->minutes ? "late" : "ok", med, p90 > s->minutes ? "late" : "ok",
	    p90, ontime * 100 / n, n);
	/* The standard as a grey bar, the median over it, on one scale. */
	max = med > s->minutes ? med : s->minutes;
	fprintf(r->f, "<td><svg xmlns=\"http://www.w3.org/2000/svg\""
	    " width=\"120\" height=\"12\"><rect x=\"0\" y=\"1\" width=\"%ld\""
	    " height=\"10\" fill=\"#d5dde5\"/><rect x=\"0\" y=\"4\" width="
	    "\"%ld\" height=\"4\" fill=\"%s\"/></svg></td></tr>\n",
	    120L * s->minutes / max, med == 0 ? 1 : 120L * med / max, med >
	    s->minutes ? "#b3261e" : "#1f5f8b");
}

/* Per activity of one SOP: median and 90th percentile of office minutes. */
static int
report_steps(struct report *r, const struct sop *sop)
{
	struct table	 t;
	long		*v;
	size_t		 i, j, n;

	if (report_visits(r, sop, &t) == -1)
		return (-1);
	fputs("<h2>Waktu per kegiatan: ", r->f);
	report_esc(r->f, sop->title);
	fputs("</h2>\n<table><thead><tr><th class=\"n\">No.</th><th>Kegiatan</th>"
	    "<th>Pelaksana</th><th class=\"n\">Waktu baku (menit)</th>"
	    "<th class=\"n\">Median (menit)</th><th class=\"n\">Persentil 90"
	    "</th><th class=\"n\">Tepat waktu</th><th class=\"n\">Jumlah</th>"
	    "<th>Median terhadap waktu baku</th></tr></thead><tbody>\n", r->f);
	v = xcalloc(t.nrows + 1, sizeof *v);
	for (i = 0; i < sop->nsteps; i++) {
		for (j = n = 0; j < t.nrows; j++) {
			if (strcmp(TABLE_CELL(&t, j, 0), sop->steps[i].name) ==
			    0 && strtoll(TABLE_CELL(&t, j, 2), NULL, 10) <
			    (long long)r->p->to)
				v[n++] = strtol(TABLE_CELL(&t, j, 1), NULL, 10);
		}
		report_step_row(r, &sop->steps[i], v, n);
	}
	fputs("</tbody></table>\n<p class=\"sub\">Waktu dalam menit jam kerja"
	    " per kunjungan langkah. Batang abu-abu: waktu baku; biru: median"
	    " (merah bila melewati waktu baku).</p>\n", r->f);
	free(v);
	store_table_free(&t);
	return (0);
}

/* Each application's swimlane, SOP by SOP. */
static void
report_lanes(struct report *r)
{
	const struct sop	*sop;
	size_t			 i;

	fputs("<h2 class=\"lanes\">Alur setiap permohonan</h2>\n<p class=\"sub\">Kolom:"
	    " pelaksana; baris: kegiatan SOP. Setiap titik adalah kegiatan"
	    " yang dilalui, dengan jawaban (Y/T) dan menit jam kerja/waktu"
	    " baku; merah: melewati waktu baku; kuning: sedang menunggu."
	    " Garis putus-putus jingga: permohonan dikembalikan kepada pemohon"
	    " dan kembali lagi.</p>\n", r->f);
	for (i = 0; i < r->n; i++) {
		sop = rules_sop(r->ctx->rules, TABLE_CELL(&r->cases,
		    r->rows[i], RC_SOP));
		if (sop != NULL)
			report_lane(r, sop, r->rows[i]);
	}
}

int
report_write(FILE *f, struct ctx *ctx, const struct report_period *p)
{
	struct report		 r = { 0 };
	struct report_totals	 t;
	char			 now[64];
	size_t			 i;
	int			 rv = 0;

	r.f = f;
	r.ctx = ctx;
	r.p = p;
	if (report_cases(&r) == -1)
		return (-1);
	clock_format(clock_now(), CLOCK_TIME, now, sizeof now);
	fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE html>\n"
	    "<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"id\">"
	    "<head><meta charset=\"UTF-8\"/><title>Laporan Pelaksanaan SOP "
	    "</title><style>", f);
	fputs(report_css, f);
	fprintf(f, "</style></head><body>\n<h1>Laporan Pelaksanaan SOP"
	    " Penerbitan Sertifikat Elektronik</h1>\n<p class=\"sub\">Dinas"
	    " Komunikasi dan Informatika Kabupaten Muara Enim &#183; periode"
	    " %s &#183; dibuat %s</p>\n", p->label, now);
	if (r.n == 0)
		fputs("<p>Tidak ada permohonan yang diterima pada periode ini."
		    "</p>\n", f);
	else {
		report_summary_html(&r);
		report_list(&r);
		for (i = 0; rv == 0 && i < ctx->rules->nsops; i++) {
			report_count(&r, &ctx->rules->sops[i], &t);
			if (t.received > 0)
				rv = report_steps(&r, &ctx->rules->sops[i]);
		}
		report_lanes(&r);
	}
	fputs("</body></html>\n", f);
	report_cases_free(&r);
	/* A table that could not be read is said; the report is not whole. */
	return (rv == -1 || ferror(f) || store_failed(ctx->store) ? -1 : 0);
}

/* The totals in a few lines of text, for the monthly mail. */
char *
report_summary(struct ctx *ctx, const struct report_period *p)
{
	struct report		 r = { 0 };
	struct report_totals	 t;
	char			*s, ontime[64], med[96];

	r.ctx = ctx;
	r.p = p;
	if (report_cases(&r) == -1)
		return (NULL);
	report_count(&r, NULL, &t);
	report_cases_free(&r);
	if (t.done == 0) {
		snprintf(ontime, sizeof ontime, "-");
		snprintf(med, sizeof med, "-");
	} else {
		snprintf(ontime, sizeof ontime, "%zu%% (%zu dari %zu)",
		    t.ontime * 100 / t.done, t.ontime, t.done);
		snprintf(med, sizeof med, "%ld hari kerja (%ld hari kalender)",
		    t.med_office, t.med_cal);
	}
	xasprintf(&s, "Permohonan diterima        : %zu\n"
	    "Selesai (sertifikat terbit): %zu\n"
	    "Ditolak/dibatalkan         : %zu\n"
	    "Masih berjalan             : %zu\n"
	    "Selesai tepat waktu        : %s\n"
	    "Median lama proses         : %s", t.received, t.done, t.stopped,
	    t.open, ontime, med);
	return (s);
}
