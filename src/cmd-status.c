/* SPDX-License-Identifier: ISC */
/*
 * `disposisi status -f FILE [--json] [REF]`: what needs a person first
 * (health.c; the exit status says whether anything does), then what the
 * robot did and why, for the admin, without an SQL client; with REF, the
 * case as `show` prints it.
 * Read-only; safe while the daemon runs (WAL readers do not block the
 * writer). Times are the office's (local_time(), clock.c).
 */

#include <stdio.h>

#include "disposisi.h"

/* The mail not delivered yet, or refused: also `outbox`'s list. */
const char *const sql_undelivered =
	"SELECT o.id, c.ref AS \"case\", o.kind, o.rcpt, o.status,"
	" o.attempts, o.smtp_code, o.last_error FROM outbox o LEFT JOIN cases"
	" c ON c.id = o.case_id WHERE o.status != 'sent' ORDER BY o.id";

static const char *const status_open =
	"SELECT c.ref AS \"case\", c.applicant AS applicant, c.state AS"
	" state, d.role AS waiting_for, d.official AS official,"
	" local_time(d.sent_at) AS since FROM cases c LEFT JOIN dispatches d"
	" ON d.case_id = c.id AND d.answered_at IS NULL WHERE c.state ="
	" 'proses' ORDER BY c.id";

static const char *const status_held =
	"SELECT sender, count(*) AS held, local_time(min(received_at)) AS"
	" since, local_time(max(received_at)) AS last FROM inbound WHERE"
	" kind = 'held' GROUP BY sender ORDER BY sender";

static const char *const status_refused =
	"SELECT e.event, count(*) AS mails, count(DISTINCT e.case_id) AS"
	" cases, local_time(max(e.at)) AS last FROM case_events e WHERE"
	" e.event IN ('ditolak-masuk', 'jawaban-ditolak') GROUP BY e.event"
	" ORDER BY e.event";

static const char *const status_last =
	"SELECT local_time(i.received_at) AS received, i.sender, i.kind,"
	" i.folder, c.ref AS \"case\", i.note FROM inbound i LEFT JOIN cases"
	" c ON c.id = i.case_id ORDER BY i.id DESC LIMIT 20";

/* Every case not closed, the mail nobody could deliver, mail held. */
static const struct show_part status_parts[] = {
	{ &status_open, "open", "Open cases", "(none)" },
	{ &sql_undelivered, "undelivered", "Mail not yet delivered or refused",
	    "(none)" },
	{ &status_held, "held", "Mail held over a limit (moving it back to"
	    " INBOX releases it)", "(none)" },
	{ &status_refused, "refused", "Refused mail aimed at cases (forged or"
	    " unauthenticated, spam, programs, answers from someone without"
	    " the role)", "(none)" },
	{ &status_last, "last", "Last 20 messages received", "(none)" }
};

/*
 * What needs a person, one line each, before the sections; or the JSON
 * object of them all. 0 when nothing does, 1 when something does, 74
 * when the database cannot be read.
 */
static int
status_all(struct ctx *ctx, int json)
{
	struct health	 h;
	size_t		 i;
	int		 rv;

	if (health_read(ctx, &h) == -1)
		return (74);
	if (json) {
		fputc('{', stdout);
		health_json(&h, stdout);
		fputs(", \"views\": ", stdout);
	} else if (h.nitems == 0)
		printf("Needs a person: nothing\n\n");
	else {
		printf("Needs a person:\n");
		for (i = 0; i < h.nitems; i++)
			printf("  %s: %s\n", h.items[i].what, h.items[i].text);
		putchar('\n');
	}
	rv = show_print(ctx->store, stdout, status_parts, sizeof status_parts /
	    sizeof status_parts[0], NULL, json) == -1 ? 74 : h.nitems > 0;
	if (json)
		fputs("}\n", stdout);
	health_free(&h);
	return (rv);
}

static const struct option status_opts[] = {
	{ "json", no_argument, NULL, 'j' },
	{ NULL, 0, NULL, 0 }
};

static int
cmd_status(const struct cmd_entry *self, struct ctx *ctx, struct args *a)
{
	(void)self;
	if (a->argc == 0)
		return (status_all(ctx, args_has(a, 'j')));
	switch (show_case(ctx, a->argv[0], stdout, args_has(a, 'j') ?
	    SHOW_JSON : 0)) {
	case 1:
		return (0);
	case 0:
		return (65);
	}
	return (74);
}

const struct cmd_entry cmd_status_entry = {
	.name = "status",
	.usage = "-f FILE [--json] [REF]",
	.args = { "f:", 0, 1, status_opts },
	.needs = CMD_CONF | CMD_RULES | CMD_DB,
	.exec = cmd_status
};
