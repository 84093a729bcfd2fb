/* SPDX-License-Identifier: ISC */
/*
 * `disposisi show -f FILE CASE [--json]`: a case's whole timeline - every
 * mail in and out with its Message-ID, every state change, decision (by
 * whom, on whose behalf, with the note) and event - then its documents
 * with their SHA-256 and the office minutes of each step against its
 * standard. Read-only: safe while the robot runs. Times are WIB.
 */

#include <getopt.h>
#include <stdio.h>
#include <unistd.h>

#include "disposisi.h"

#define WIB(col) "strftime('%Y-%m-%d %H:%M:%S', " col ", 'unixepoch'," \
	" '+7 hours')"

/* Every happening of the case, oldest first. */
static const char *const show_timeline =
	"SELECT " WIB("t") " AS time, what, who, detail, message_id FROM ("
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

static const char *const show_case =
	"SELECT ref AS \"case\", sop, state, step_name AS step, round,"
	" applicant, applicant_first AS applied_from, applicant_name AS name,"
	" subject, reason, rules_version AS rules, " WIB("opened_at")
	" AS opened, strftime('%Y-%m-%d', expires_at, 'unixepoch',"
	" '+7 hours') AS expires, (SELECT o.ref FROM cases o WHERE o.id ="
	" cases.renews) AS renews, strftime('%Y-%m-%d', purged_at,"
	" 'unixepoch', '+7 hours') || ' (retention: mail and documents"
	" removed, their SHA-256 kept)' AS files_removed FROM cases WHERE"
	" ref = upper(?)";

static const char *const show_documents =
	"SELECT d.filename, d.kind, d.content_type, d.size, d.sha256, d.step"
	" AS came_at FROM documents d JOIN cases c ON c.id = d.case_id WHERE"
	" c.ref = upper(?) ORDER BY d.id";

static const char *const show_steps =
	"SELECT t.step, t.round, t.office_minutes, t.standard_minutes, CASE"
	" WHEN t.office_minutes > t.standard_minutes THEN 'late' ELSE"
	" 'on time' END AS verdict FROM step_times t JOIN cases c ON c.id ="
	" t.case_id WHERE c.ref = upper(?) ORDER BY t.id";

/*
 * The case as JSON; also the heart of `disposisi export`. -1 when a part
 * could not be read.
 */
int
show_json(struct store *st, const char *ref, FILE *f)
{
	int	 rv = 0;

	fputs("{\"case\": ", f);
	rv |= store_print_json(st, f, show_case, ref);
	fputs(", \"timeline\": ", f);
	rv |= store_print_json(st, f, show_timeline, ref);
	fputs(", \"documents\": ", f);
	rv |= store_print_json(st, f, show_documents, ref);
	fputs(", \"steps\": ", f);
	rv |= store_print_json(st, f, show_steps, ref);
	fputs("}\n", f);
	return (rv < 0 ? -1 : 0);
}

static int
show_text(struct store *st, const char *ref)
{
	int	 rv = 0, n;

	rv |= store_print(st, stdout, show_case, ref);
	printf("\nTimeline (WIB):\n");
	rv |= store_print(st, stdout, show_timeline, ref);
	printf("\nDocuments:\n");
	if ((n = store_print(st, stdout, show_documents, ref)) == 0)
		printf("  (none)\n");
	rv |= n;
	printf("\nTime per step (office minutes against the standard):\n");
	if ((n = store_print(st, stdout, show_steps, ref)) == 0)
		printf("  (no step finished yet)\n");
	rv |= n;
	return (rv < 0 ? -1 : 0);
}

static int
cmd_show(const struct cmd_entry *self, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 }
	};
	struct conf	*c;
	struct store	*st;
	const char	*file = NULL;
	char		*cause = NULL;
	int		 ch, json = 0, rv;

	while ((ch = getopt_long(argc, argv, "f:", longopts, NULL)) != -1) {
		if (ch == 'f')
			file = optarg;
		else if (ch == 'j')
			json = 1;
		else
			return (cmd_usage(self, 0));
	}
	if (file == NULL || argc - optind != 1)
		return (cmd_usage(self, 0));
	if ((c = conf_load(file, &cause)) == NULL) {
		fprintf(stderr, "disposisi: %s\n", cause);
		return (EX_CONFIG_STATUS);
	}
	if ((st = setup_db(c)) == NULL) {
		conf_free(c);
		return (1);
	}
	if ((rv = (int)store_case_find(st, argv[optind], NULL, 0)) == 0) {
		fprintf(stderr, "disposisi: no case %s\n", argv[optind]);
		rv = 65;
	} else if (rv != -1)
		rv = json ? show_json(st, argv[optind], stdout) : show_text(st,
		    argv[optind]);
	store_close(st);
	conf_free(c);
	return (rv == -1 ? 1 : rv);
}

const struct cmd_entry cmd_show_entry = {
	.name = "show",
	.usage = "-f FILE CASE [--json]",
	.exec = cmd_show
};
