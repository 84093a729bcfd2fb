/* SPDX-License-Identifier: ISC */
/*
 * `disposisi cases -f FILE [--open|--late|--closed|--all] [--json]`: one
 * line per case in columns that hold (table_print) - reference,
 * applicant, SOP and step; an open case with who it waits on, since when
 * and its office minutes on the step against the standard, late ones
 * marked; a closed one with its outcome and when. Read-only: safe while
 * the robot runs.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "disposisi.h"

enum { CASES_OPEN, CASES_CLOSED, CASES_ALL, CASES_LATE };

/* The columns of the text view; each row of cases_row fills them. */
static const char *const cases_cols[] = {
	"case", "applicant", "sop", "step", "waiting_on/outcome", "since",
	"min/std"
};
#define CASES_NCOLS	(sizeof cases_cols / sizeof cases_cols[0])

/* A case's measure on its step: office minutes, standard, lateness. */
struct cases_time {
	long	 took;
	int	 standard, late;
	int	 counted;	/* an official's turn: the minutes count */
};

/* Appends ", what" (or what, to nothing) to *out. */
static void
cases_append(char **out, const char *what, int n)
{
	char	*o;

	if (n > 1)
		xasprintf(&o, "%s%s%s (%d)", *out ? *out : "", *out ? ", " :
		    "", what, n);
	else
		xasprintf(&o, "%s%s%s", *out ? *out : "", *out ? ", " : "",
		    what);
	free(*out);
	*out = o;
}

/*
 * Who an open case waits on, short: one official as role and address,
 * several by role ("verifikator (3)"); the applicant when it is their
 * turn.
 */
static char *
cases_waiting(const struct rules *rules, const struct case_list_row *r)
{
	const struct role	*role, *run = NULL;
	char			*list, *p, *a, *out = NULL;
	int			 n = 0;

	if (r->waiting == NULL)
		return (xstrdup(strcmp(r->state, case_state_name(CASE_OPEN)) ==
		    0 ? "-" : "pemohon"));
	if (strchr(r->waiting, ',') == NULL) {
		if ((role = rules_role_by_addr(rules, r->waiting)) == NULL)
			return (xstrdup(r->waiting));
		xasprintf(&out, "%s <%s>", role->name, r->waiting);
		return (out);
	}
	list = p = xstrdup(r->waiting);
	while ((a = strsep(&p, ",")) != NULL) {
		a += strspn(a, " ");
		role = rules_role_by_addr(rules, a);
		if (role != NULL && role == run) {
			n++;
			continue;
		}
		if (run != NULL)
			cases_append(&out, run->name, n);
		if ((run = role) == NULL)
			cases_append(&out, a, 1);
		n = 1;
	}
	if (run != NULL)
		cases_append(&out, run->name, n);
	free(list);
	return (out);
}

/* One case as JSON: the view's keys, stable for scripts. */
static void
cases_json(const struct case_list_row *r, const struct cases_time *t)
{
	char	 at[64];

	putchar('{');
	util_json_key("case", r->ref, 1);
	util_json_key("applicant", r->applicant, 0);
	util_json_key("sop", r->sop, 0);
	util_json_key("step", r->step, 0);
	util_json_key("state", r->state, 0);
	util_json_key("waiting_on", r->waiting, 0);
	clock_format(r->since, CLOCK_ISO, at, sizeof at);
	util_json_key("since", at, 0);
	if (r->closed > 0)
		clock_format(r->closed, CLOCK_ISO, at, sizeof at);
	util_json_key("closed", r->closed > 0 ? at : NULL, 0);
	printf(", \"office_minutes\": %ld, \"standard_minutes\": %d,"
	    " \"late\": %s}\n", t->took, t->standard, t->late ? "true" :
	    "false");
}

/*
 * One case as a row of the table: an open one with whom it waits on,
 * since when, and its office minutes against the standard; a closed one
 * with its outcome and the day it closed.
 */
static void
cases_row(struct table *tab, const struct rules *rules,
    const struct case_list_row *r, const struct cases_time *t)
{
	char	*row[CASES_NCOLS], at[64];
	int	 closed = r->closed > 0;

	clock_format(closed ? r->closed : r->since, CLOCK_ISO | (closed ?
	    CLOCK_DATE : 0), at, sizeof at);
	row[0] = xstrdup(r->ref);
	row[1] = xstrdup(r->applicant);
	row[2] = xstrdup(r->sop);
	row[3] = xstrdup(r->step);
	if (closed)
		xasprintf(&row[4], "%s %s", r->state, at);
	else
		row[4] = cases_waiting(rules, r);
	row[5] = xstrdup(closed ? "-" : at);
	if (!t->counted || t->standard == 0)
		row[6] = xstrdup("-");
	else
		xasprintf(&row[6], "%ld/%d%s", t->took, t->standard, t->late ?
		    " LATE" : "");
	store_table_add(tab, row);
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
	struct cases_time	 t;
	struct table		 tab = { .ncols = CASES_NCOLS };
	const struct sop	*sop;
	const struct step	*s;
	size_t			 n, i;
	int			 which, json = args_has(a, 'j');

	if ((which = cases_which(a)) == -1)
		return (cmd_usage(self, 0));
	if (store_case_list(ctx->store, which == CASES_LATE ? CASES_OPEN :
	    which, &rows, &n) == -1) {
		fprintf(stderr, "disposisi: cannot read the cases\n");
		return (1);
	}
	for (i = 0; i < n; i++) {
		sop = rules_sop(ctx->rules, rows[i].sop);
		s = sop ? rules_step(sop, rows[i].step) : NULL;
		t.standard = s ? s->minutes : 0;
		t.counted = strcmp(rows[i].state, case_state_name(CASE_OPEN)) ==
		    0;
		t.took = t.counted ? cal_office_minutes(&ctx->rules->cal,
		    rows[i].since, clock_now()) : 0;
		t.late = t.counted && t.standard > 0 && t.took > t.standard;
		if (which == CASES_LATE && !t.late)
			continue;
		if (json)
			cases_json(&rows[i], &t);
		else
			cases_row(&tab, ctx->rules, &rows[i], &t);
	}
	store_case_rows_free(rows, n);
	if (!json) {
		tab.names = xcalloc(CASES_NCOLS, sizeof *tab.names);
		for (i = 0; i < CASES_NCOLS; i++)
			tab.names[i] = xstrdup(cases_cols[i]);
		table_print(stdout, &tab);
		store_table_free(&tab);
	}
	return (0);
}

const struct cmd_entry cmd_cases_entry = {
	.name = "cases",
	.usage = "-f FILE [--open | --late | --closed | --all] [--json]",
	.args = { "f:", 0, 0, cases_opts },
	.needs = CMD_CONF | CMD_RULES | CMD_DB,
	.exec = cmd_cases
};
