/* SPDX-License-Identifier: ISC */
/*
 * The Head's monthly report: with "report monthly to ROLE" in the rules,
 * the daemon's timer (in office hours, so on the month's first office
 * day) mails the past month's report to every address of the role, the
 * HTML attached (template laporan-bulanan). Once a month, exactly: the
 * mail is queued and the month recorded (jobs row "laporan-bulanan",
 * last_run = the first moment of the month last reported up to) in the
 * timer's transaction, so a kill -9 leaves both or neither. A robot's
 * first pass only records the month it starts in: the first report is
 * of that month, not of the months before it ran.
 */

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "disposisi.h"

#define REPORT_JOB	"laporan-bulanan"

/* The report of p written to a file of the spool's, to attach. */
static int
report_file(struct ctx *ctx, const struct report_period *p, char **path,
    char **cause)
{
	FILE	*f;
	int	 rv;

	*path = spool_tmp_path(ctx->spool);
	if ((f = fopen(*path, "w")) == NULL) {
		xasprintf(cause, "%s: cannot write", *path);
		free(*path);
		return (-1);
	}
	rv = report_write(f, ctx, p);
	if (fclose(f) == EOF || rv == -1) {
		xasprintf(cause, "cannot write the report of %s", p->month);
		unlink(*path);
		free(*path);
		return (-1);
	}
	return (0);
}

/* The mail to each address of the role, the report attached. */
static int
report_send(struct ctx *ctx, const struct report_period *p, char **cause)
{
	const struct role	*ro = ctx->rules->report_to;
	struct attachment	 att = { 0 };
	struct letter		 lt = { 0 };
	char			*summary, name[64];
	size_t			 i;
	int			 rv = 0;

	if ((summary = report_summary(ctx, p)) == NULL) {
		xasprintf(cause, "cannot read the cases of %s", p->month);
		return (-1);
	}
	if (report_file(ctx, p, &att.path, cause) == -1) {
		free(summary);
		return (-1);
	}
	snprintf(name, sizeof name, "laporan-%s.html", p->month);
	att.filename = name;
	att.content_type = "text/html";
	lt.ctx = ctx;
	lt.to_title = ro->title;
	lt.period = p->label;
	lt.summary = summary;
	lt.att = &att;
	lt.natt = 1;
	for (i = 0; rv == 0 && i < ro->naddrs; i++)
		rv = letter_send(&lt, REPORT_JOB, ro->addrs[i], ro->title, NULL,
		    cause);
	unlink(att.path);
	free(att.path);
	free(summary);
	return (rv);
}

/*
 * In the caller's transaction: the past month's report, when not sent
 * yet. Returns the mails queued, or -1 with cause.
 */
int
report_monthly(struct ctx *ctx, time_t now, char **cause)
{
	struct report_period	 p;
	time_t			 last;

	if (ctx->rules->report_to == NULL)
		return (0);
	report_period_before(now, &p);
	/* p.to: this month's first moment. */
	if ((last = store_job_last(ctx->store, REPORT_JOB)) == -1) {
		xasprintf(cause, "cannot read when the report was sent");
		return (-1);
	}
	if (last >= p.to)
		return (0);
	if (last != 0 && report_send(ctx, &p, cause) == -1)
		return (-1);
	if (store_job_done(ctx->store, REPORT_JOB, p.to) == -1) {
		xasprintf(cause, "cannot record the report of %s", p.month);
		return (-1);
	}
	if (last == 0) {
		log_info("report: monthly reports begin with the month after"
		    " %s", p.label);
		return (0);
	}
	log_info("report: %s mailed to %s", p.label,
	    ctx->rules->report_to->name);
	return ((int)ctx->rules->report_to->naddrs);
}
