/* SPDX-License-Identifier: ISC */
/*
 * `disposisi cases -f FILE [--open|--late|--closed|--all] [--json]`: one
 * line per case - reference, applicant, SOP and step, who it waits on,
 * the office minutes on the step against its standard, late ones
 * marked. Read-only: safe while the robot runs.
 */

#include <stdio.h>
#include <string.h>

#include "disposisi.h"

enum { CASES_OPEN, CASES_CLOSED, CASES_ALL, CASES_LATE };

static void
cases_print(const struct case_list_row *r, long took, int standard, int late,
    int json)
{
	if (json) {
		putchar('{');
		util_json_key("case", r->ref, 1);
		util_json_key("applicant", r->applicant, 0);
		util_json_key("sop", r->sop, 0);
		util_json_key("step", r->step, 0);
		util_json_key("state", r->state, 0);
		util_json_key("waiting_on", r->waiting, 0);
		printf(", \"office_minutes\": %ld, \"standard_minutes\": %d,"
		    " \"late\": %s}\n", took, standard, late ? "true" : "false");
		return;
	}
	printf("%-16s %-28.28s %-12s %-18.18s %-22s %5ld/%-4d %s\n", r->ref,
	    r->applicant, r->sop, r->step, r->waiting ? r->waiting :
	    r->state, took, standard, late ? "LATE" : "");
}

static const struct option cases_opts[] = {
	{ "open", no_argument, NULL, 'o' },
	{ "late", no_argument, NULL, 'l' },
	{ "closed", no_argument, NULL, 'c' },
	{ "all", no_argument, NULL, 'a' },
	{ "json", no_argument, NULL, 'j' },
	{ NULL, 0, NULL, 0 }
};

/* Which cases: one of --open (the default), --late, --closed, --all. */
static int
cases_which(const struct args *a)
{
	if (args_has(a, 'o') + args_has(a, 'l') + args_has(a, 'c') +
	    args_has(a, 'a') > 1)
		return (-1);
	return (args_has(a, 'l') ? CASES_LATE : args_has(a, 'c') ?
	    CASES_CLOSED : args_has(a, 'a') ? CASES_ALL : CASES_OPEN);
}

static int
cmd_cases(const struct cmd_entry *self, struct ctx *ctx, struct args *a)
{
	struct case_list_row	*rows;
	const struct sop	*sop;
	const struct step	*s;
	size_t			 n, i;
	long			 took;
	int			 which, json = args_has(a, 'j'), std, late, open;

	if ((which = cases_which(a)) == -1)
		return (cmd_usage(self, 0));
	if (store_case_list(ctx->store, which == CASES_LATE ? CASES_OPEN :
	    which, &rows, &n) == -1) {
		fprintf(stderr, "disposisi: cannot read the cases\n");
		return (1);
	}
	if (!json)
		printf("%-16s %-28s %-12s %-18s %-22s %10s\n", "CASE",
		    "APPLICANT", "SOP", "STEP", "WAITING ON", "MIN/STD");
	for (i = 0; i < n; i++) {
		sop = rules_sop(ctx->rules, rows[i].sop);
		s = sop ? rules_step(sop, rows[i].step) : NULL;
		std = s ? s->minutes : 0;
		open = strcmp(rows[i].state, case_state_name(CASE_OPEN)) == 0;
		took = open ? cal_office_minutes(&ctx->rules->cal, rows[i].since,
		    clock_now()) : 0;
		late = open && std > 0 && took > std;
		if (which == CASES_LATE && !late)
			continue;
		cases_print(&rows[i], took, std, late, json);
	}
	store_case_rows_free(rows, n);
	return (0);
}

const struct cmd_entry cmd_cases_entry = {
	.name = "cases",
	.usage = "-f FILE [--open | --late | --closed | --all] [--json]",
	.args = { "f:", 0, 0, cases_opts },
	.needs = CMD_CONF | CMD_RULES | CMD_DB,
	.exec = cmd_cases
};
