/* SPDX-License-Identifier: ISC */
/*
 * `disposisi report -f FILE --html OUT [--month YYYY-MM | --since
 * YYYY-MM-DD]`: the Head's report (report.c) of the applications
 * received in a month, since a day, or ever, written to OUT (0600: it
 * names applicants).
 */

#include <sys/stat.h>

#include <stdio.h>

#include "disposisi.h"

static const struct option report_opts[] = {
	{ "html", required_argument, NULL, 'h' },
	{ "month", required_argument, NULL, 'm' },
	{ "since", required_argument, NULL, 's' },
	{ NULL, 0, NULL, 0 }
};

/* The period the options name; 64 (usage) with a message when bad. */
static int
report_period(struct args *a, struct report_period *p)
{
	const char	*month = args_get(a, 'm'), *since = args_get(a, 's');

	if (month != NULL && since != NULL) {
		fprintf(stderr, "disposisi: report: --month or --since, not"
		    " both\n");
		return (64);
	}
	/* Midnights in the office's zone, which the rules gave the clock. */
	if (month != NULL && report_period_month(month, p) == -1) {
		fprintf(stderr, "disposisi: report: --month wants YYYY-MM, got"
		    " \"%s\"\n", month);
		return (64);
	}
	if (since != NULL && report_period_since(since, p) == -1) {
		fprintf(stderr, "disposisi: report: --since wants YYYY-MM-DD,"
		    " got \"%s\"\n", since);
		return (64);
	}
	if (month == NULL && since == NULL) {
		p->from = 0;
		p->to = clock_now() + 1;
		snprintf(p->label, sizeof p->label, "seluruhnya");
	}
	return (0);
}

static int
cmd_report(const struct cmd_entry *self, struct ctx *ctx, struct args *a)
{
	const char		*out = args_get(a, 'h');
	struct report_period	 p = { 0 };
	FILE			*f;
	int			 rv;

	if (out == NULL)
		return (cmd_usage(self, 0));
	if ((rv = report_period(a, &p)) != 0)
		return (rv);
	/* Names of applicants: personal data, for its reader only. */
	umask(077);
	if ((f = fopen(out, "w")) == NULL) {
		fprintf(stderr, "disposisi: %s: cannot write\n", out);
		return (73);	/* EX_CANTCREAT */
	}
	rv = report_write(f, ctx, &p);
	if (fclose(f) == EOF || rv == -1) {
		fprintf(stderr, "disposisi: %s: write failed\n", out);
		return (74);	/* EX_IOERR */
	}
	printf("%s\n", out);
	return (0);
}

const struct cmd_entry cmd_report_entry = {
	.name = "report",
	.usage = "-f FILE --html OUT [--month YYYY-MM | --since YYYY-MM-DD]",
	.args = { "f:", 0, 0, report_opts },
	.needs = CMD_CONF | CMD_RULES | CMD_DB,
	.exec = cmd_report
};
