/* SPDX-License-Identifier: ISC */
/*
 * The schema, as the steps that built it: PRAGMA user_version counts the
 * steps applied, and store_migrate() applies the missing ones in order,
 * each in its own transaction, so an installed robot upgrades in place.
 * A new table or index is a new step at the end (docs/design.md).
 */

#include <stdio.h>
#include <stdlib.h>

#include <sqlite3.h>

#include "disposisi.h"
#include "store_p.h"

static const char store_schema_v1[] =
	"CREATE TABLE mailbox_state ("
	"  mailbox TEXT PRIMARY KEY, uidvalidity INTEGER NOT NULL,"
	"  last_uid INTEGER NOT NULL);"
	"CREATE TABLE inbound ("
	"  id INTEGER PRIMARY KEY, mailbox TEXT NOT NULL,"
	"  uidvalidity INTEGER NOT NULL, uid INTEGER NOT NULL,"
	"  sha256 TEXT UNIQUE, message_id TEXT, sender TEXT, subject TEXT,"
	"  kind TEXT NOT NULL, folder TEXT NOT NULL, note TEXT,"
	"  case_id INTEGER REFERENCES cases(id),"
	"  imap_done INTEGER NOT NULL DEFAULT 0,"
	"  received_at INTEGER NOT NULL,"
	"  UNIQUE (mailbox, uidvalidity, uid));"
	"CREATE INDEX inbound_pending ON inbound(mailbox, imap_done);"
	"CREATE TABLE case_seq (year INTEGER PRIMARY KEY,"
	"  last INTEGER NOT NULL);"
	"CREATE TABLE cases ("
	"  id INTEGER PRIMARY KEY, ref TEXT UNIQUE NOT NULL,"
	"  applicant TEXT NOT NULL, applicant_name TEXT, subject TEXT,"
	"  root_message_id TEXT, state TEXT NOT NULL, step INTEGER NOT NULL,"
	"  reason TEXT, opened_at INTEGER NOT NULL,"
	"  updated_at INTEGER NOT NULL);"
	"CREATE TABLE documents ("
	"  id INTEGER PRIMARY KEY, case_id INTEGER NOT NULL REFERENCES"
	"  cases(id), filename TEXT NOT NULL, content_type TEXT,"
	"  sha256 TEXT NOT NULL, path TEXT NOT NULL, size INTEGER NOT NULL);"
	"CREATE TABLE dispatches ("
	"  id INTEGER PRIMARY KEY, case_id INTEGER NOT NULL REFERENCES"
	"  cases(id), step INTEGER NOT NULL, role TEXT NOT NULL,"
	"  official TEXT NOT NULL, token TEXT UNIQUE NOT NULL,"
	"  message_id TEXT NOT NULL, sent_at INTEGER NOT NULL,"
	"  answered_at INTEGER, verdict TEXT, reason TEXT,"
	"  inbound_id INTEGER REFERENCES inbound(id));"
	"CREATE TABLE case_events ("
	"  id INTEGER PRIMARY KEY, case_id INTEGER REFERENCES cases(id),"
	"  at INTEGER NOT NULL, actor TEXT, event TEXT NOT NULL,"
	"  detail TEXT);"
	"CREATE TABLE outbox ("
	"  id INTEGER PRIMARY KEY, case_id INTEGER REFERENCES cases(id),"
	"  kind TEXT NOT NULL, rcpt TEXT NOT NULL,"
	"  message_id TEXT UNIQUE NOT NULL, path TEXT NOT NULL,"
	"  status TEXT NOT NULL DEFAULT 'queued', attempts INTEGER NOT NULL"
	"  DEFAULT 0, next_attempt_at INTEGER NOT NULL, smtp_code INTEGER,"
	"  last_error TEXT, created_at INTEGER NOT NULL, sent_at INTEGER);"
	"CREATE INDEX outbox_due ON outbox(status, next_attempt_at);";

/*
 * The SOP engine: steps by name and round, the rules' version a case
 * started under, document kinds, values that steps record. Cases of the
 * first schema were on the five-step chain by index; they keep their
 * place by name. A case that had finished that chain waits at
 * email-dinas (step 6), the step that followed it.
 */
static const char store_schema_v2[] =
	"ALTER TABLE cases ADD COLUMN sop TEXT NOT NULL DEFAULT 'tte';"
	"ALTER TABLE cases ADD COLUMN step_name TEXT NOT NULL DEFAULT '';"
	"ALTER TABLE cases ADD COLUMN round INTEGER NOT NULL DEFAULT 1;"
	"ALTER TABLE cases ADD COLUMN rules_version TEXT;"
	"ALTER TABLE cases ADD COLUMN applicant_first TEXT;"
	"ALTER TABLE cases ADD COLUMN expires_at INTEGER;"
	"UPDATE cases SET applicant_first = applicant, step_name = CASE step"
	"  WHEN 0 THEN 'sekdis' WHEN 1 THEN 'kadis' WHEN 2 THEN 'kabid'"
	"  WHEN 3 THEN 'sandiman' ELSE 'periksa-berkas' END;"
	"UPDATE cases SET state = 'proses', step_name = 'email-dinas'"
	"  WHERE state = 'disposisi-selesai';"
	"UPDATE cases SET state = 'proses' WHERE state = 'baru';"
	"ALTER TABLE cases DROP COLUMN step;"
	"ALTER TABLE dispatches ADD COLUMN step_name TEXT NOT NULL"
	"  DEFAULT '';"
	"ALTER TABLE dispatches ADD COLUMN round INTEGER NOT NULL DEFAULT 1;"
	"UPDATE dispatches SET step_name = CASE step WHEN 0 THEN 'sekdis'"
	"  WHEN 1 THEN 'kadis' WHEN 2 THEN 'kabid' WHEN 3 THEN 'sandiman'"
	"  ELSE 'periksa-berkas' END;"
	"ALTER TABLE dispatches DROP COLUMN step;"
	"ALTER TABLE documents ADD COLUMN kind TEXT;"
	"ALTER TABLE documents ADD COLUMN step TEXT;"
	"ALTER TABLE documents ADD COLUMN round INTEGER;"
	"CREATE TABLE case_values ("
	"  id INTEGER PRIMARY KEY, case_id INTEGER NOT NULL REFERENCES"
	"  cases(id), step TEXT NOT NULL, value TEXT NOT NULL,"
	"  at INTEGER NOT NULL);"
	"CREATE INDEX documents_case ON documents(case_id);"
	"CREATE INDEX dispatches_case ON dispatches(case_id, step_name,"
	"  round);"
	"CREATE INDEX cases_applicant ON cases(applicant);"
	"CREATE INDEX cases_applicant_first ON cases(applicant_first);"
	"CREATE INDEX case_events_case ON case_events(case_id);"
	"CREATE INDEX inbound_message_id ON inbound(message_id);";

/*
 * Time: when a case entered its step, what each step took in office
 * minutes, and the reminders sent - each at most once (UNIQUE), so a
 * restart or a second timer pass never sends another.
 */
static const char store_schema_v3[] =
	"ALTER TABLE cases ADD COLUMN step_since INTEGER;"
	"UPDATE cases SET step_since = updated_at;"
	"CREATE TABLE step_times ("
	"  id INTEGER PRIMARY KEY, case_id INTEGER NOT NULL REFERENCES"
	"  cases(id), step TEXT NOT NULL, round INTEGER NOT NULL,"
	"  entered_at INTEGER NOT NULL, left_at INTEGER NOT NULL,"
	"  office_minutes INTEGER NOT NULL, standard_minutes INTEGER NOT NULL);"
	"CREATE INDEX step_times_case ON step_times(case_id);"
	"CREATE TABLE reminders ("
	"  id INTEGER PRIMARY KEY, case_id INTEGER NOT NULL REFERENCES"
	"  cases(id), step TEXT NOT NULL, round INTEGER NOT NULL,"
	"  level INTEGER NOT NULL, official TEXT NOT NULL, at INTEGER NOT NULL,"
	"  UNIQUE (case_id, step, round, level, official));"
	"CREATE INDEX dispatches_open ON dispatches(case_id)"
	"  WHERE answered_at IS NULL;"
	"ALTER TABLE dispatches ADD COLUMN on_behalf TEXT;"
	"ALTER TABLE cases ADD COLUMN renews INTEGER REFERENCES cases(id);"
	"CREATE INDEX cases_expires ON cases(expires_at)"
	"  WHERE expires_at IS NOT NULL;";

/*
 * The audit trail sealed: each event carries an HMAC over its content
 * and the previous event's seal (store_event_seal). Events from before
 * this version keep a NULL seal.
 */
static const char store_schema_v4[] =
	"ALTER TABLE case_events ADD COLUMN seal TEXT;";

/*
 * Retention (UU 27/2022): when a case closed, when its files were
 * removed and how many file rows (documents, mail in, mail out) that
 * covered - a row added later, a mail about the old case, is removed at
 * the next run; the daemon's daily jobs and when each last ran. Cases
 * closed before this version count from their last state change.
 */
static const char store_schema_v5[] =
	"ALTER TABLE cases ADD COLUMN closed_at INTEGER;"
	"ALTER TABLE cases ADD COLUMN purged_at INTEGER;"
	"ALTER TABLE cases ADD COLUMN purged_files INTEGER;"
	"UPDATE cases SET closed_at = updated_at WHERE state IN ('selesai',"
	"  'ditolak', 'dibatalkan');"
	"CREATE INDEX inbound_case ON inbound(case_id);"
	"CREATE INDEX outbox_case ON outbox(case_id);"
	"CREATE INDEX documents_sha256 ON documents(sha256);"
	"CREATE TABLE jobs (name TEXT PRIMARY KEY, last_run INTEGER NOT NULL);";

/*
 * An index behind every lookup of the tables that grow with the office's
 * history (docs/design.md, "Indexes"; tests/unit/t_plan.c fails on a
 * statement that reads one whole): cases by state (finished ones by
 * expiry too), by opening (the report), by name (AMS notices); the mail
 * of a sender that joined no case; mail out by recipient and kind (the
 * daily limits) and not yet sent; a case's mail and events by kind.
 * Three replace narrower ones: cases_expires, outbox_case and
 * case_events_case.
 */
static const char store_schema_v6[] =
	"CREATE INDEX cases_state ON cases(state, expires_at);"
	"DROP INDEX cases_expires;"
	"CREATE INDEX cases_opened ON cases(opened_at);"
	"CREATE INDEX cases_name ON cases(applicant_name COLLATE NOCASE);"
	"CREATE INDEX inbound_sender ON inbound(sender, case_id);"
	"CREATE INDEX outbox_rcpt ON outbox(rcpt, kind, created_at);"
	"DROP INDEX outbox_case;"
	"CREATE INDEX outbox_case ON outbox(case_id, kind, rcpt, created_at);"
	"CREATE INDEX outbox_unsent ON outbox(id) WHERE status != 'sent';"
	"DROP INDEX case_events_case;"
	"CREATE INDEX case_events_case ON case_events(case_id, event);";

/*
 * AMS notices that came before the step that waits for them (AMS mails
 * when its users act, not when our mail arrives): kept on the case until
 * a step uses one (used_at, used_step), looked up by case.
 */
static const char store_schema_v7[] =
	"CREATE TABLE case_notices ("
	"  id INTEGER PRIMARY KEY,"
	"  case_id INTEGER NOT NULL REFERENCES cases(id),"
	"  event TEXT NOT NULL,"
	"  inbound_id INTEGER REFERENCES inbound(id),"
	"  at INTEGER NOT NULL,"
	"  used_at INTEGER,"
	"  used_step TEXT);"
	"CREATE INDEX case_notices_case ON case_notices(case_id, event);";

/*
 * The rate of new mail and cases (flood.c) is counted from the history:
 * a sender's mail and everyone's by time, a sender's cases by opening,
 * and the mail held for the admin by sender (status).
 */
static const char store_schema_v8[] =
	"CREATE INDEX inbound_sender_time ON inbound(sender, received_at);"
	"CREATE INDEX inbound_received ON inbound(received_at);"
	"CREATE INDEX inbound_kind ON inbound(kind, sender);"
	"CREATE INDEX cases_applicant_opened ON cases(applicant, opened_at);";

/*
 * Who may decide a step: an answer by the case tag alone waits, keyed by
 * the fresh token of the confirmation mailed to the official's own
 * mailbox, until that mail is answered; it dies with its dispatch's round.
 * Refused mail is counted by event (status).
 */
static const char store_schema_v9[] =
	"CREATE TABLE confirmations ("
	"  token TEXT PRIMARY KEY, dispatch_id INTEGER NOT NULL REFERENCES"
	"  dispatches(id), verdict TEXT NOT NULL, reason TEXT, value TEXT,"
	"  inbound_id INTEGER, created_at INTEGER NOT NULL);"
	"CREATE INDEX case_events_event ON case_events(event, at);";

/*
 * The keyed hash (HMAC under the robot's key) of the NIK read from the
 * application's KTP, so that an AMS notice naming only a NIK finds its
 * case; the NIK itself is never stored.
 */
static const char store_schema_v10[] =
	"ALTER TABLE cases ADD COLUMN nik_hmac TEXT;"
	"CREATE INDEX cases_nik_hmac ON cases(nik_hmac, state);";

/*
 * A tag-only answer's files (a document step: the Head's signed request)
 * wait with it, so that the confirmed answer carries them as the
 * original would have; the bytes are the spool's, by SHA-256.
 */
static const char store_schema_v11[] =
	"CREATE TABLE confirmation_docs ("
	"  id INTEGER PRIMARY KEY, token TEXT NOT NULL REFERENCES"
	"  confirmations(token), filename TEXT NOT NULL, content_type TEXT,"
	"  sha256 TEXT NOT NULL, path TEXT NOT NULL, size INTEGER NOT NULL,"
	"  kind TEXT);"
	"CREATE INDEX confirmation_docs_token ON confirmation_docs(token, id);";

/*
 * When the timer next has work on a waiting disposition (its reminder or
 * the step's escalation), so that the pass after each batch reads only
 * what is due: 0 is "not yet reckoned" (new, or reset by a reload: due
 * at once); STORE_DUE_NEVER is nothing left to do. A change of the
 * case's place resets its waiting rows, which the next pass reckons.
 */
static const char store_schema_v12[] =
	"ALTER TABLE dispatches ADD COLUMN due_at INTEGER NOT NULL DEFAULT 0;"
	"CREATE INDEX dispatches_due ON dispatches(due_at)"
	"  WHERE answered_at IS NULL;"
	"CREATE TRIGGER cases_due AFTER UPDATE OF state, step_name, round"
	"  ON cases BEGIN UPDATE dispatches SET due_at = 0"
	"  WHERE case_id = NEW.id AND answered_at IS NULL; END;";

/*
 * The order things happened in, across the tables: every mail in, answer,
 * event and mail out takes the next number of one counter, in the
 * transaction that writes it, so `show` reads a case's story in true
 * order even within one second. Triggers number them, so no writer can
 * forget; rows from before keep NULL and their times.
 */
static const char store_schema_v13[] =
	"CREATE TABLE seq (id INTEGER PRIMARY KEY CHECK (id = 1),"
	"  n INTEGER NOT NULL);"
	"INSERT INTO seq VALUES (1, 0);"
	"ALTER TABLE inbound ADD COLUMN seq INTEGER;"
	"ALTER TABLE outbox ADD COLUMN seq INTEGER;"
	"ALTER TABLE case_events ADD COLUMN seq INTEGER;"
	"ALTER TABLE dispatches ADD COLUMN answered_seq INTEGER;"
	"CREATE TRIGGER inbound_seq AFTER INSERT ON inbound BEGIN"
	"  UPDATE seq SET n = n + 1 WHERE id = 1;"
	"  UPDATE inbound SET seq = (SELECT n FROM seq WHERE id = 1)"
	"  WHERE id = NEW.id; END;"
	"CREATE TRIGGER outbox_seq AFTER INSERT ON outbox BEGIN"
	"  UPDATE seq SET n = n + 1 WHERE id = 1;"
	"  UPDATE outbox SET seq = (SELECT n FROM seq WHERE id = 1)"
	"  WHERE id = NEW.id; END;"
	"CREATE TRIGGER case_events_seq AFTER INSERT ON case_events BEGIN"
	"  UPDATE seq SET n = n + 1 WHERE id = 1;"
	"  UPDATE case_events SET seq = (SELECT n FROM seq WHERE id = 1)"
	"  WHERE id = NEW.id; END;"
	"CREATE TRIGGER dispatches_seq AFTER UPDATE OF answered_at ON"
	"  dispatches WHEN OLD.answered_at IS NULL AND NEW.answered_at IS NOT"
	"  NULL BEGIN"
	"  UPDATE seq SET n = n + 1 WHERE id = 1;"
	"  UPDATE dispatches SET answered_seq = (SELECT n FROM seq WHERE"
	"  id = 1) WHERE id = NEW.id; END;";

/*
 * The time a closed case's keeping counts from (retention_until: the
 * later of its close and its certificate's end), indexed: the purge
 * reads only the cases past keeping, not every closed case's file rows.
 * (Step 13 of the plan; its place in the list may move at merge.)
 */
static const char store_schema_v14[] =
	"CREATE INDEX cases_keep_from ON cases(max(coalesce(expires_at, 0),"
	" coalesce(closed_at, updated_at)));";

/* Schema migrations: PRAGMA user_version counts those applied. */
static const char *const store_migrations[] = {
	NULL,
	store_schema_v1,
	store_schema_v2,
	store_schema_v3,
	store_schema_v4,
	store_schema_v5,
	store_schema_v6,
	store_schema_v7,
	store_schema_v8,
	store_schema_v9,
	store_schema_v10,
	store_schema_v11,
	store_schema_v12,
	store_schema_v13,
	store_schema_v14
};
#define STORE_VERSION	((int)(sizeof store_migrations / \
			    sizeof store_migrations[0]) - 1)

/*
 * Brings the schema of the database at path up to this program's. A
 * database newer than the program is refused. Returns 0, or -1 with
 * *cause set.
 */
int
store_migrate(struct store *st, const char *path, char **cause)
{
	char	*pragma;
	int	 version, from;

	if ((version = (int)store_int(st, store_stmt(st, "PRAGMA user_version",
	    ""))) == -1) {
		xasprintf(cause, "%s: %s", path, sqlite3_errmsg(st->db));
		return (-1);
	}
	if (version > STORE_VERSION) {
		xasprintf(cause, "%s: schema version %d, this program knows"
		    " only up to %d", path, version, STORE_VERSION);
		return (-1);
	}
	/* Each step in a transaction of its own: a crash keeps the last. */
	for (from = version; version < STORE_VERSION; version++) {
		xasprintf(&pragma, "PRAGMA user_version=%d", version + 1);
		if (store_exec(st, "BEGIN IMMEDIATE") == -1 ||
		    store_exec(st, store_migrations[version + 1]) == -1 ||
		    store_exec(st, pragma) == -1 ||
		    store_exec(st, "COMMIT") == -1) {
			xasprintf(cause, "%s: cannot upgrade the schema to"
			    " version %d: %s", path, version + 1,
			    sqlite3_errmsg(st->db));
			free(pragma);
			store_rollback(st);
			return (-1);
		}
		free(pragma);
		if (from > 0)
			log_info("%s: schema upgraded from version %d to %d",
			    path, version, version + 1);
	}
	return (0);
}
