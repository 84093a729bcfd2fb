/* SPDX-License-Identifier: ISC */
/*
 * `disposisi show -f FILE CASE [--json]`: a case's whole timeline - every
 * mail in and out with its Message-ID, every state change, decision (by
 * whom, on whose behalf, with the note) and event - then its documents
 * with their SHA-256, its dispositions (who it waits on), and the office
 * minutes of each step against its standard. Read-only: safe while the
 * robot runs. `status REF` and `export` print the case through
 * show_case(); times are the office's (local_time(), clock.c).
 */

#include <stdio.h>

#include "disposisi.h"

/* Every happening of the case, oldest first. */
static const char *const show_timeline =
	"SELECT local_time(t) AS time, what, who, detail, message_id FROM ("
	" SELECT i.received_at AS t, i.id AS o, 'mail in (' || i.kind || ')'"
	"  AS what, i.sender AS who, coalesce(i.note, i.subject) AS detail,"
	"  i.message_id FROM inbound i JOIN cases c ON c.id = i.case_id"
	"  WHERE c.ref = upper(?1)"
	" UNION ALL SELECT o.created_at, o.id, 'mail out (' || o.kind || ', '"
	"  || o.status || ')', o.rcpt, o.last_error, o.message_id FROM outbox"
	"  o JOIN cases c ON c.id = o.case_id WHERE c.ref = upper(?1)"
	" UNION ALL SELECT d.answered_at, d.id, 'answer ' || coalesce("
	"  d.verdict, '') || ' at ' || d.step_name, d.official ||"
	"  coalesce(' a.n. ' || d.on_behalf, ''), d.reason, NULL FROM"
	"  dispatches d JOIN cases c ON c.id = d.case_id WHERE c.ref ="
	"  upper(?1) AND d.answered_at IS NOT NULL"
	" UNION ALL SELECT e.at, e.id, e.event, e.actor, e.detail, NULL FROM"
	"  case_events e JOIN cases c ON c.id = e.case_id WHERE c.ref ="
	"  upper(?1)"
	") ORDER BY t, o";

static const char *const show_head =
	"SELECT ref AS \"case\", sop, state, step_name AS step, round,"
	" applicant, applicant_first AS applied_from, applicant_name AS name,"
	" subject, reason, rules_version AS rules, local_time(opened_at) AS"
	" opened, local_date(expires_at) AS expires, (SELECT o.ref FROM cases"
	" o WHERE o.id = cases.renews) AS renews, local_date(purged_at) ||"
	" ' (retention: mail and documents removed, their SHA-256 kept)' AS"
	" files_removed FROM cases WHERE ref = upper(?)";

static const char *const show_documents =
	"SELECT d.filename, d.kind, d.content_type, d.size, d.sha256, d.step"
	" AS came_at FROM documents d JOIN cases c ON c.id = d.case_id WHERE"
	" c.ref = upper(?) ORDER BY d.id";

static const char *const show_dispatches =
	"SELECT d.step_name AS step, d.round, d.role, d.official, d.on_behalf,"
	" local_time(d.sent_at) AS sent, local_time(d.answered_at) AS"
	" answered, d.verdict AS answer, d.reason FROM dispatches d JOIN cases"
	" c ON c.id = d.case_id WHERE c.ref = upper(?) ORDER BY d.id";

static const char *const show_steps =
	"SELECT t.step, t.round, t.office_minutes, t.standard_minutes, CASE"
	" WHEN t.office_minutes > t.standard_minutes THEN 'late' ELSE"
	" 'on time' END AS verdict FROM step_times t JOIN cases c ON c.id ="
	" t.case_id WHERE c.ref = upper(?) ORDER BY t.id";

/* The case: its head (no title), then its parts. */
static const struct show_part show_parts[] = {
	{ &show_head, "case", NULL, NULL },
	{ &show_timeline, "timeline", "Timeline", NULL },
	{ &show_documents, "documents", "Documents", "(none)" },
	{ &show_dispatches, "dispositions", "Dispositions", "(none)" },
	{ &show_steps, "steps", "Time per step (office minutes against the"
	    " standard)", "(no step finished yet)" }
};

/*
 * Prints a view's parts, each query given arg: as text, under their
 * titles, a blank line between two; or as one JSON object of
 * "key": [rows]. 0, or -1 when a part could not be read (said).
 */
int
show_print(struct store *st, FILE *f, const struct show_part *p, size_t n,
    const char *arg, int json)
{
	size_t	 i;
	int	 rows, rv = 0;

	for (i = 0; i < n; i++) {
		if (json) {
			fprintf(f, "%s\"%s\": ", i ? ", " : "{", p[i].key);
			rv |= store_print_json(st, f, *p[i].sql, arg);
			continue;
		}
		if (p[i].title != NULL)
			fprintf(f, "%s%s:\n", i ? "\n" : "", p[i].title);
		if ((rows = store_print(st, f, *p[i].sql, arg)) == 0 &&
		    p[i].none)
			fprintf(f, "  %s\n", p[i].none);
		rv |= rows;
	}
	if (json)
		fputs("}\n", f);
	return (rv < 0 ? -1 : 0);
}

/*
 * Prints the case ref to f, as text or as JSON (the heart of `export`'s
 * kasus.json). 1 printed; 0, saying so, when there is no such case; -1
 * when it could not be read.
 */
int
show_case(struct store *st, const char *ref, FILE *f, int json)
{
	int64_t	 id;

	if ((id = store_case_find(st, ref, NULL, 0)) <= 0) {
		if (id == 0)
			fprintf(stderr, "disposisi: no case %s\n", ref);
		return ((int)id);
	}
	if (show_print(st, f, show_parts, sizeof show_parts /
	    sizeof show_parts[0], ref, json) == -1)
		return (-1);
	return (1);
}

static const struct option show_opts[] = {
	{ "json", no_argument, NULL, 'j' },
	{ NULL, 0, NULL, 0 }
};

static int
cmd_show(const struct cmd_entry *self, struct ctx *ctx, struct args *a)
{
	(void)self;
	switch (show_case(ctx->store, a->argv[0], stdout, args_has(a, 'j'))) {
	case 1:
		return (0);
	case 0:
		return (65);
	}
	return (1);
}

const struct cmd_entry cmd_show_entry = {
	.name = "show",
	.usage = "-f FILE CASE [--json]",
	.args = { "f:", 1, 1, show_opts },
	.needs = CMD_CONF | CMD_RULES | CMD_DB,
	.exec = cmd_show
};
