/* SPDX-License-Identifier: ISC */
/*
 * `disposisi cases -f FILE [--open|--late|--closed|--all] [--json]`: one
 * line per case - reference, applicant, SOP and step, who it waits on,
 * the office minutes on the step against its standard, late ones
 * marked. Read-only: safe while the robot runs.
 */

#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "disposisi.h"

enum { CASES_OPEN, CASES_CLOSED, CASES_ALL, CASES_LATE };

static void
cases_print(const struct case_list_row *r, long took, int standard, int late,
    int json)
{
	if (json) {
		fputs("{\"case\": ", stdout);
		util_json_str(stdout, r->ref);
		fputs(", \"applicant\": ", stdout);
		util_json_str(stdout, r->applicant);
		fputs(", \"sop\": ", stdout);
		util_json_str(stdout, r->sop);
		fputs(", \"step\": ", stdout);
		util_json_str(stdout, r->step);
		fputs(", \"state\": ", stdout);
		util_json_str(stdout, r->state);
		fputs(", \"waiting_on\": ", stdout);
		util_json_str(stdout, r->waiting);
		printf(", \"office_minutes\": %ld, \"standard_minutes\": %d,"
		    " \"late\": %s}\n", took, standard, late ? "true" : "false");
		return;
	}
	printf("%-16s %-28.28s %-12s %-18.18s %-22s %5ld/%-4d %s\n", r->ref,
	    r->applicant, r->sop, r->step, r->waiting ? r->waiting :
	    r->state, took, standard, late ? "LATE" : "");
}

static int
cmd_cases(const struct cmd_entry *self, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "open", no_argument, NULL, 'o' },
		{ "late", no_argument, NULL, 'l' },
		{ "closed", no_argument, NULL, 'c' },
		{ "all", no_argument, NULL, 'a' },
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 }
	};
	struct ctx		 ctx = { 0 };
	struct case_list_row	*rows;
	const struct sop	*sop;
	const struct step	*s;
	const char		*file = NULL;
	size_t			 n, i;
	long			 took;
	int			 ch, which = CASES_OPEN, json = 0, std, late, open;

	while ((ch = getopt_long(argc, argv, "f:", longopts, NULL)) != -1) {
		switch (ch) {
		case 'f':
			file = optarg;
			break;
		case 'o':
			which = CASES_OPEN;
			break;
		case 'l':
			which = CASES_LATE;
			break;
		case 'c':
			which = CASES_CLOSED;
			break;
		case 'a':
			which = CASES_ALL;
			break;
		case 'j':
			json = 1;
			break;
		default:
			return (cmd_usage(self, 0));
		}
	}
	if (file == NULL || optind != argc)
		return (cmd_usage(self, 0));
	if (setup_read(file, &ctx) == -1) {
		setup_done(&ctx);
		return (1);
	}
	if (store_case_list(ctx.store, which == CASES_LATE ? CASES_OPEN :
	    which, &rows, &n) == -1) {
		fprintf(stderr, "disposisi: cannot read the cases\n");
		setup_done(&ctx);
		return (1);
	}
	if (!json)
		printf("%-16s %-28s %-12s %-18s %-22s %10s\n", "CASE",
		    "APPLICANT", "SOP", "STEP", "WAITING ON", "MIN/STD");
	for (i = 0; i < n; i++) {
		sop = rules_sop(ctx.rules, rows[i].sop);
		s = sop ? rules_step(sop, rows[i].step) : NULL;
		std = s ? s->minutes : 0;
		open = strcmp(rows[i].state, case_state_name(CASE_OPEN)) == 0;
		took = open ? cal_office_minutes(&ctx.rules->cal, rows[i].since,
		    clock_now()) : 0;
		late = open && std > 0 && took > std;
		if (which == CASES_LATE && !late)
			continue;
		cases_print(&rows[i], took, std, late, json);
	}
	store_case_rows_free(rows, n);
	setup_done(&ctx);
	return (0);
}

const struct cmd_entry cmd_cases_entry = {
	.name = "cases",
	.usage = "-f FILE [--open | --late | --closed | --all] [--json]",
	.exec = cmd_cases
};
