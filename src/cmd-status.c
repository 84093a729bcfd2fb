/* SPDX-License-Identifier: ISC */
/*
 * `disposisi status -f FILE [REF]`: what the robot did and why, for the
 * admin, without an SQL client. Read-only; safe while the daemon runs
 * (WAL readers do not block the writer). Times are shown in WIB.
 */

#include <stdio.h>
#include <unistd.h>

#include "disposisi.h"

#define WIB(col) "strftime('%d-%m-%Y %H.%M', " col ", 'unixepoch', '+7 hours')"

/* Every case not closed, the mail nobody could deliver, mail held. */
static int
status_overview(struct store *st)
{
	int	 rv = 0, n;

	printf("Open cases:\n");
	if ((n = store_print(st, stdout, "SELECT c.ref AS \"case\", c.applicant AS"
	    " applicant, c.state AS state, d.role AS waiting_for, d.official AS"
	    " official, " WIB("d.sent_at") " AS since FROM cases c LEFT JOIN"
	    " dispatches d ON d.case_id = c.id AND d.answered_at IS NULL WHERE"
	    " c.state = 'proses' ORDER BY c.id", NULL)) == 0)
		printf("  (none)\n");
	rv |= n;
	printf("\nMail not yet delivered or refused:\n");
	if ((n = store_print(st, stdout, "SELECT o.id, c.ref AS \"case\", o.kind,"
	    " o.rcpt, o.status, o.attempts, o.smtp_code, o.last_error FROM"
	    " outbox o LEFT JOIN cases c ON c.id = o.case_id WHERE o.status"
	    " != 'sent' ORDER BY o.id", NULL)) == 0)
		printf("  (none)\n");
	rv |= n;
	printf("\nMail held over a limit (moving it back to INBOX releases"
	    " it):\n");
	if ((n = store_print(st, stdout, "SELECT sender, count(*) AS held, "
	    WIB("min(received_at)") " AS since, " WIB("max(received_at)")
	    " AS last FROM inbound WHERE kind = 'held' GROUP BY sender ORDER"
	    " BY sender", NULL)) == 0)
		printf("  (none)\n");
	rv |= n;
	printf("\nRefused mail aimed at cases (forged or unauthenticated,"
	    " spam, programs, answers from someone without the role):\n");
	if ((n = store_print(st, stdout, "SELECT e.event, count(*) AS mails,"
	    " count(DISTINCT e.case_id) AS cases, " WIB("max(e.at)") " AS"
	    " last FROM case_events e WHERE e.event IN ('ditolak-masuk',"
	    " 'jawaban-ditolak') GROUP BY e.event ORDER BY e.event",
	    NULL)) == 0)
		printf("  (none)\n");
	rv |= n;
	printf("\nLast 20 messages received:\n");
	if ((n = store_print(st, stdout, "SELECT " WIB("i.received_at") " AS"
	    " received, i.sender, i.kind, i.folder, c.ref AS \"case\", i.note FROM"
	    " inbound i LEFT JOIN cases c ON c.id = i.case_id ORDER BY i.id"
	    " DESC LIMIT 20", NULL)) == 0)
		printf("  (none)\n");
	rv |= n;
	return (rv < 0 ? 1 : 0);
}

/* One case: its steps, its history, its mail. */
static int
status_case(struct store *st, const char *ref)
{
	int	 rv = 0, n;

	if ((n = store_print(st, stdout, "SELECT ref AS \"case\", applicant AS"
	    " applicant, applicant_name AS name, subject AS subject, state AS"
	    " state, sop, step_name AS step, round, reason AS reason,"
	    " rules_version AS rules, " WIB("opened_at") " AS opened, "
	    "strftime('%d-%m-%Y', expires_at, 'unixepoch', '+7 hours') AS"
	    " expires FROM cases WHERE ref = upper(?)", ref)) <= 0) {
		if (n == -1)
			return (1);
		fprintf(stderr, "disposisi: no case %s\n", ref);
		return (1);
	}
	printf("\nDocuments:\n");
	rv |= store_print(st, stdout, "SELECT d.filename, d.kind, d.content_type,"
	    " d.size, d.sha256 FROM documents d JOIN cases c ON c.id = d.case_id WHERE"
	    " c.ref = upper(?) ORDER BY d.id", ref);
	printf("\nDispositions:\n");
	rv |= store_print(st, stdout, "SELECT d.step_name AS step, d.round, d.role,"
	    " d.official"
	    " AS official, " WIB("d.sent_at") " AS sent, " WIB("d.answered_at")
	    " AS answered, d.verdict AS answer, d.reason AS reason FROM"
	    " dispatches d JOIN cases c ON c.id = d.case_id WHERE c.ref ="
	    " upper(?) ORDER BY d.id", ref);
	printf("\nHistory:\n");
	rv |= store_print(st, stdout, "SELECT " WIB("e.at") " AS \"time\", e.actor AS"
	    " \"by\", e.event AS event, e.detail AS detail FROM"
	    " case_events e JOIN cases c ON c.id = e.case_id WHERE c.ref ="
	    " upper(?) ORDER BY e.id", ref);
	printf("\nTime per step (office minutes against the standard):\n");
	rv |= store_print(st, stdout, "SELECT t.step, t.round, t.office_minutes AS"
	    " took, t.standard_minutes AS standard, CASE WHEN"
	    " t.office_minutes > t.standard_minutes THEN 'late' ELSE 'on"
	    " time' END AS verdict FROM step_times t JOIN cases c ON c.id ="
	    " t.case_id WHERE c.ref = upper(?) ORDER BY t.id", ref);
	printf("\nMail sent:\n");
	rv |= store_print(st, stdout, "SELECT o.kind, o.rcpt, o.status, o.attempts,"
	    " " WIB("o.sent_at") " AS sent, o.message_id FROM outbox o JOIN"
	    " cases c ON c.id = o.case_id WHERE c.ref = upper(?) ORDER BY o.id",
	    ref);
	return (rv < 0 ? 1 : 0);
}

static int
cmd_status(const struct cmd_entry *self, int argc, char **argv)
{
	struct conf	*c;
	struct store	*st;
	const char	*file = NULL, *ref;
	char		*cause = NULL;
	int		 ch, rv = 0;

	while ((ch = getopt(argc, argv, "f:")) != -1) {
		if (ch != 'f')
			return (cmd_usage(self, 0));
		file = optarg;
	}
	if (file == NULL || argc - optind > 1)
		return (cmd_usage(self, 0));
	ref = optind < argc ? argv[optind] : NULL;
	if ((c = conf_load(file, &cause)) == NULL) {
		fprintf(stderr, "disposisi: %s\n", cause);
		return (EX_CONFIG_STATUS);
	}
	if ((st = setup_db(c)) == NULL) {
		conf_free(c);
		return (1);
	}
	if (ref != NULL)
		rv = status_case(st, ref);
	else
		rv = status_overview(st);
	store_close(st);
	conf_free(c);
	return (rv);
}

const struct cmd_entry cmd_status_entry = {
	.name = "status",
	.usage = "-f FILE [REF]",
	.exec = cmd_status
};
