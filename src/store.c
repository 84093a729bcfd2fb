/* SPDX-License-Identifier: ISC */
/*
 * The database: the one source of truth. Every write happens inside
 * store_begin()/store_commit() (BEGIN IMMEDIATE, WAL, synchronous=FULL),
 * so the effects of one inbound message - case changes and the mails they
 * cause - commit together or not at all. See docs/design.md.
 */

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "disposisi.h"

/*
 * A statement prepared once and kept for the connection's life, found by
 * its SQL text: preparing costs more than most of the lookups themselves.
 * "busy" while a caller holds it, so that a second user of the same SQL
 * before the first released it gets a statement of its own.
 */
struct store_cached {
	uint32_t		 hash;
	int			 busy;
	sqlite3_stmt		*s;
};

struct store {
	sqlite3			*db;
	const unsigned char	*key;	/* seals the audit trail */
	size_t			 keylen;
	struct store_cached	*cache;
	size_t			 ncache, cachecap;
	volatile int		*term;	/* a lock wait ends when set */
	const char		*checkpoint;	/* the trail's end, outside */
	int			 sealed;	/* events since the last commit */
};

/*
 * SQLite's busy wait (5 s, as sqlite3_busy_timeout would), cut short by
 * a stop, so SIGTERM is not held behind another program's lock.
 */
static int
store_busy(void *arg, int tries)
{
	const struct store	*st = arg;

	if (tries >= 500 || (st->term != NULL && *st->term))
		return (0);
	sqlite3_sleep(10);
	return (1);
}

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
	store_schema_v11
};
#define STORE_VERSION	((int)(sizeof store_migrations / \
			    sizeof store_migrations[0]) - 1)

static int
store_exec(struct store *st, const char *sql)
{
	char	*err = NULL;

	if (sqlite3_exec(st->db, sql, NULL, NULL, &err) != SQLITE_OK) {
		log_warnx("database: %s: %s", sql, err);
		sqlite3_free(err);
		return (-1);
	}
	return (0);
}

static sqlite3_stmt *
store_prepare(struct store *st, const char *sql)
{
	sqlite3_stmt	*s;

	if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK)
		fatalx("database: %s: %s", sql, sqlite3_errmsg(st->db));
	return (s);
}

/* Makes room for element n of an array read row by row. */
static void *
store_grow(void *arr, size_t n, size_t *cap, size_t size)
{
	if (n < *cap)
		return (arr);
	*cap = *cap ? *cap * 2 : 8;
	return (xreallocarray(arr, *cap, size));
}

/* FNV-1a of the SQL text: the statement cache's key. */
static uint32_t
store_hash(const char *sql)
{
	uint32_t	 h = 2166136261u;

	for (; *sql != '\0'; sql++)
		h = (h ^ (unsigned char)*sql) * 16777619u;
	return (h);
}

/*
 * The cached statement for sql, prepared on first use. A statement some
 * caller still holds (a loop over rows that calls back into the store
 * with the same SQL) is not handed out twice: the second caller gets a
 * fresh one, finalized on release.
 */
static sqlite3_stmt *
store_cached(struct store *st, const char *sql)
{
	struct store_cached	*c;
	uint32_t		 h = store_hash(sql);
	size_t			 i;

	for (i = 0; i < st->ncache; i++) {
		c = &st->cache[i];
		if (c->hash != h || strcmp(sqlite3_sql(c->s), sql) != 0)
			continue;
		if (c->busy)
			return (store_prepare(st, sql));
		c->busy = 1;
		return (c->s);
	}
	st->cache = store_grow(st->cache, st->ncache, &st->cachecap,
	    sizeof *st->cache);
	c = &st->cache[st->ncache++];
	c->hash = h;
	c->busy = 1;
	c->s = store_prepare(st, sql);
	return (c->s);
}

/*
 * Gives back a statement from store_stmt(): a cached one is reset (its
 * read ends, so it holds no snapshot and blocks no checkpoint) and its
 * bindings cleared; one prepared for a re-entrant use is finalized.
 * Nothing else may finalize what store_stmt() returns.
 */
static void
store_release(struct store *st, sqlite3_stmt *s)
{
	size_t	 i;

	for (i = 0; i < st->ncache; i++) {
		if (st->cache[i].s == s) {
			sqlite3_reset(s);
			sqlite3_clear_bindings(s);
			st->cache[i].busy = 0;
			return;
		}
	}
	sqlite3_finalize(s);
}

/* Binds a list: 'i' int64, 't' text (NULL ok), 'n' null. */
static sqlite3_stmt *
store_stmt(struct store *st, const char *sql, const char *types, ...)
{
	sqlite3_stmt	*s = store_cached(st, sql);
	va_list		 ap;
	int		 i;
	const char	*t;

	/* A wrong type list would read garbage arguments: stop at once. */
	if ((int)strlen(types) != sqlite3_bind_parameter_count(s))
		fatalx("store_stmt: %zu types for %d parameters: %s",
		    strlen(types), sqlite3_bind_parameter_count(s), sql);
	va_start(ap, types);
	for (i = 0; types[i] != '\0'; i++) {
		switch (types[i]) {
		case 'i':
			sqlite3_bind_int64(s, i + 1, va_arg(ap, int64_t));
			break;
		case 't':
			t = va_arg(ap, const char *);
			if (t == NULL)
				sqlite3_bind_null(s, i + 1);
			else
				sqlite3_bind_text(s, i + 1, t, -1,
				    SQLITE_TRANSIENT);
			break;
		default:
			fatalx("store_stmt: bad type %c", types[i]);
		}
	}
	va_end(ap);
	return (s);
}

/* Runs a statement that returns no rows; -1 on error (logged). */
static int
store_done(struct store *st, sqlite3_stmt *s)
{
	int	 rc = sqlite3_step(s);

	if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
		log_warnx("database: %s: %s", sqlite3_sql(s),
		    sqlite3_errmsg(st->db));
		store_release(st, s);
		return (-1);
	}
	store_release(st, s);
	return (0);
}

static char *
store_col(sqlite3_stmt *s, int i)
{
	const unsigned char	*t = sqlite3_column_text(s, i);

	return (t == NULL ? NULL : xstrdup((const char *)t));
}

/*
 * local_time(t) and local_date(t) in SQL: an epoch time in the office's
 * zone as clock_format() writes it, for the admin's views; the offset
 * never stands in SQL. NULL stays NULL.
 */
static void
store_fn_local(sqlite3_context *cx, int argc, sqlite3_value **argv)
{
	char	 buf[64];

	(void)argc;
	if (sqlite3_value_type(argv[0]) == SQLITE_NULL) {
		sqlite3_result_null(cx);
		return;
	}
	clock_format((time_t)sqlite3_value_int64(argv[0]),
	    sqlite3_user_data(cx) != NULL ? CLOCK_DATE : CLOCK_TIME, buf,
	    sizeof buf);
	sqlite3_result_text(cx, buf, -1, SQLITE_TRANSIENT);
}

static int
store_functions(struct store *st)
{
	static int	 date = 1;

	if (sqlite3_create_function(st->db, "local_time", 1, SQLITE_UTF8 |
	    SQLITE_DIRECTONLY, NULL, store_fn_local, NULL, NULL) != SQLITE_OK ||
	    sqlite3_create_function(st->db, "local_date", 1, SQLITE_UTF8 |
	    SQLITE_DIRECTONLY, &date, store_fn_local, NULL, NULL) != SQLITE_OK)
		return (-1);
	return (0);
}

struct store *
store_open(const char *path, char **cause)
{
	struct store	*st;
	sqlite3_stmt	*s;
	char		*pragma;
	int		 version, from;

	st = xcalloc(1, sizeof *st);
	if (sqlite3_open_v2(path, &st->db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX, NULL) != SQLITE_OK) {
		xasprintf(cause, "%s: %s", path, st->db ?
		    sqlite3_errmsg(st->db) : "cannot open");
		sqlite3_close(st->db);
		free(st);
		return (NULL);
	}
	sqlite3_busy_handler(st->db, store_busy, st);
	if (store_exec(st, "PRAGMA journal_mode=WAL") == -1 ||
	    store_exec(st, "PRAGMA synchronous=FULL") == -1 ||
	    store_exec(st, "PRAGMA foreign_keys=ON") == -1 ||
	    store_exec(st, "PRAGMA trusted_schema=OFF") == -1 ||
	    store_functions(st) == -1) {
		xasprintf(cause, "%s: %s", path, sqlite3_errmsg(st->db));
		store_close(st);
		return (NULL);
	}
	s = store_prepare(st, "PRAGMA user_version");
	sqlite3_step(s);
	version = sqlite3_column_int(s, 0);
	sqlite3_finalize(s);
	if (version > STORE_VERSION) {
		xasprintf(cause, "%s: schema version %d, this program knows"
		    " only up to %d", path, version, STORE_VERSION);
		store_close(st);
		return (NULL);
	}
	/* Each step in a transaction of its own: a crash keeps the last. */
	from = version;
	for (; version < STORE_VERSION; version++) {
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
			store_close(st);
			return (NULL);
		}
		free(pragma);
		if (from > 0)
			log_info("%s: schema upgraded from version %d to %d",
			    path, version, version + 1);
	}
	return (st);
}

void
store_close(struct store *st)
{
	size_t	 i;

	if (st == NULL)
		return;
	for (i = 0; i < st->ncache; i++)
		sqlite3_finalize(st->cache[i].s);
	free(st->cache);
	sqlite3_close(st->db);
	free(st);
}

char *
store_error(struct store *st)
{
	return (xstrdup(sqlite3_errmsg(st->db)));
}

int
store_begin(struct store *st)
{
	return (store_exec(st, "BEGIN IMMEDIATE"));
}

/*
 * Begins a transaction, waiting out another holder of the database's
 * lock (a backup, an admin's sqlite3, a command) for as long as it takes:
 * exiting instead would drop work in hand, such as the fact that a mail
 * went out. Says so once per wait. Returns -1 on any other error, or when
 * *term is set while waiting.
 */
int
store_begin_wait(struct store *st, volatile int *term)
{
	time_t	 since = 0;
	int	 pause = 1;

	st->term = term;
	while (store_begin(st) == -1) {
		if (sqlite3_errcode(st->db) != SQLITE_BUSY &&
		    sqlite3_errcode(st->db) != SQLITE_LOCKED)
			return (-1);
		if (since == 0) {
			since = time(NULL);
			log_warnx("database: locked by another program; "
			    "waiting for it");
		}
		if (term != NULL && *term)
			return (-1);
		sleep(pause);	/* a signal ends it */
		if (term != NULL && *term)
			return (-1);
		if (pause < 30)
			pause *= 2;
	}
	if (since != 0)
		log_info("database: free again after %lld s",
		    (long long)(time(NULL) - since));
	return (0);
}

int
store_commit(struct store *st)
{
	if (store_exec(st, "COMMIT") == -1)
		return (-1);
	/* After COMMIT: the checkpoint never names more than is on disk. */
	if (st->sealed)
		store_checkpoint(st);
	st->sealed = 0;
	return (0);
}

void
store_rollback(struct store *st)
{
	st->sealed = 0;
	if (!sqlite3_get_autocommit(st->db))
		store_exec(st, "ROLLBACK");
}

/*
 * A savepoint inside the open transaction, so that one message of a batch
 * can be undone alone while the batch commits together. Refused when no
 * transaction is open: after an error SQLite may have rolled the whole
 * one back, and a savepoint would then start (and its release commit) a
 * transaction of its own.
 */
int
store_savepoint(struct store *st)
{
	if (sqlite3_get_autocommit(st->db))
		return (-1);
	return (store_exec(st, "SAVEPOINT msg"));
}

int
store_savepoint_release(struct store *st)
{
	return (store_exec(st, "RELEASE msg"));
}

void
store_savepoint_rollback(struct store *st)
{
	if (store_exec(st, "ROLLBACK TO msg") == 0)
		store_exec(st, "RELEASE msg");
}

/* Returns 1 and fills when the mailbox is known, 0 when not. */
int
store_mailbox_get(struct store *st, const char *mbox, uint32_t *uidvalidity,
    uint32_t *last_uid)
{
	sqlite3_stmt	*s;
	int		 found = 0;

	s = store_stmt(st, "SELECT uidvalidity, last_uid FROM mailbox_state"
	    " WHERE mailbox = ?", "t", mbox);
	if (sqlite3_step(s) == SQLITE_ROW) {
		*uidvalidity = (uint32_t)sqlite3_column_int64(s, 0);
		*last_uid = (uint32_t)sqlite3_column_int64(s, 1);
		found = 1;
	}
	store_release(st, s);
	return (found);
}

int
store_mailbox_set(struct store *st, const char *mbox, uint32_t uidvalidity,
    uint32_t last_uid)
{
	return (store_done(st, store_stmt(st, "INSERT INTO mailbox_state"
	    " VALUES (?, ?, ?) ON CONFLICT(mailbox) DO UPDATE SET"
	    " uidvalidity = excluded.uidvalidity, last_uid ="
	    " excluded.last_uid", "tii", mbox, (int64_t)uidvalidity,
	    (int64_t)last_uid)));
}

/*
 * Has this message been handled? By place (mailbox, UIDVALIDITY, UID) or,
 * when sha256 is given, by content: the same bytes under a new UID (after
 * a UIDVALIDITY change, or a copy left by an interrupted move).
 * Returns the inbound id or 0.
 */
int
store_inbound_seen(struct store *st, const char *mbox, uint32_t uidvalidity,
    uint32_t uid, const char *sha256)
{
	sqlite3_stmt	*s;
	int		 id = 0;

	s = store_stmt(st, "SELECT id FROM inbound WHERE (mailbox = ? AND"
	    " uidvalidity = ? AND uid = ?) OR sha256 = ?", "tiit", mbox,
	    (int64_t)uidvalidity, (int64_t)uid, sha256);
	if (sqlite3_step(s) == SQLITE_ROW)
		id = sqlite3_column_int(s, 0);
	store_release(st, s);
	return (id);
}

/*
 * A message held over a limit (kind "held") that comes again under
 * another UID: the admin moved it back to be handled. Its row, or 0.
 */
int64_t
store_inbound_released(struct store *st, const char *mbox,
    uint32_t uidvalidity, uint32_t uid, const char *sha256)
{
	sqlite3_stmt	*s;
	int64_t		 id = 0;

	s = store_stmt(st, "SELECT id FROM inbound WHERE sha256 = ? AND kind ="
	    " 'held' AND NOT (mailbox = ? AND uidvalidity = ? AND uid = ?)",
	    "ttii", sha256, mbox, (int64_t)uidvalidity, (int64_t)uid);
	if (sqlite3_step(s) == SQLITE_ROW)
		id = sqlite3_column_int64(s, 0);
	store_release(st, s);
	return (id);
}

/* The held row follows its message to the UID it came back under. */
int
store_inbound_move(struct store *st, int64_t id, const char *mbox,
    uint32_t uidvalidity, uint32_t uid)
{
	return (store_done(st, store_stmt(st, "UPDATE inbound SET mailbox = ?,"
	    " uidvalidity = ?, uid = ?, imap_done = 0 WHERE id = ?", "tiii",
	    mbox, (int64_t)uidvalidity, (int64_t)uid, id)));
}

/* Whether the row is a held message (being released when handled). */
int
store_inbound_held(struct store *st, int64_t id)
{
	sqlite3_stmt	*s;
	int		 held;

	s = store_stmt(st, "SELECT kind = 'held' FROM inbound WHERE id = ?",
	    "i", id);
	held = sqlite3_step(s) == SQLITE_ROW && sqlite3_column_int(s, 0);
	store_release(st, s);
	return (held);
}

static int64_t
store_count(struct store *st, sqlite3_stmt *s)
{
	int64_t	 n = 0;

	if (sqlite3_step(s) == SQLITE_ROW)
		n = sqlite3_column_int64(s, 0);
	store_release(st, s);
	return (n);
}

/* Mail in since a time: from one sender, or (NULL) from everyone. */
int64_t
store_inbound_since(struct store *st, const char *sender, time_t since)
{
	if (sender == NULL)
		return (store_count(st, store_stmt(st, "SELECT count(*) FROM"
		    " inbound WHERE received_at > ?", "i", (int64_t)since)));
	return (store_count(st, store_stmt(st, "SELECT count(*) FROM inbound"
	    " WHERE sender = ? AND received_at > ?", "ti", sender,
	    (int64_t)since)));
}

/* Held mail since a time, other than row except: one sender's, or all. */
int64_t
store_held_since(struct store *st, const char *sender, time_t since,
    int64_t except)
{
	if (sender == NULL)
		return (store_count(st, store_stmt(st, "SELECT count(*) FROM"
		    " inbound WHERE received_at > ? AND kind = 'held' AND"
		    " id != ?", "ii", (int64_t)since, except)));
	return (store_count(st, store_stmt(st, "SELECT count(*) FROM inbound"
	    " WHERE sender = ? AND received_at > ? AND kind = 'held' AND"
	    " id != ?", "tii", sender, (int64_t)since, except)));
}

/* Cases opened since a time: for one applicant, or (NULL) for all. */
int64_t
store_cases_since(struct store *st, const char *applicant, time_t since)
{
	if (applicant == NULL)
		return (store_count(st, store_stmt(st, "SELECT count(*) FROM"
		    " cases WHERE opened_at > ?", "i", (int64_t)since)));
	return (store_count(st, store_stmt(st, "SELECT count(*) FROM cases"
	    " WHERE applicant = ? AND opened_at > ?", "ti", applicant,
	    (int64_t)since)));
}

int64_t
store_inbound_add(struct store *st, const char *mbox, uint32_t uidvalidity,
    uint32_t uid, const char *sha256, const struct msg *m)
{
	if (store_done(st, store_stmt(st, "INSERT INTO inbound (mailbox,"
	    " uidvalidity, uid, sha256, message_id, sender, subject, kind,"
	    " folder, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'new', '',"
	    " ?)", "tiitttti", mbox, (int64_t)uidvalidity,
	    (int64_t)uid, sha256, m ? m->message_id : NULL,
	    m ? m->from_addr : NULL, m ? m->subject : NULL,
	    (int64_t)clock_now())) == -1)
		return (-1);
	return (sqlite3_last_insert_rowid(st->db));
}

/*
 * An earlier message with this Message-ID but other bytes (those are
 * caught by sha256): a copy through another route, or a replay. Returns
 * its id, or 0.
 */
int64_t
store_inbound_by_mid(struct store *st, const char *mid, int64_t except)
{
	sqlite3_stmt	*s;
	int64_t		 id = 0;

	if (mid == NULL)
		return (0);
	s = store_stmt(st, "SELECT min(id) FROM inbound WHERE message_id = ?"
	    " AND id != ? AND kind NOT IN ('malformed', 'too-large',"
	    " 'unfetchable', 'error', 'duplicate')", "ti", mid, except);
	if (sqlite3_step(s) == SQLITE_ROW)
		id = sqlite3_column_int64(s, 0);
	store_release(st, s);
	return (id);
}

/* Records what the robot made of a message, and where it goes in IMAP. */
int
store_inbound_set(struct store *st, int64_t id, const char *kind,
    const char *folder, const char *note, const char *case_ref)
{
	return (store_done(st, store_stmt(st, "UPDATE inbound SET kind = ?,"
	    " folder = ?, note = ?, case_id = (SELECT id FROM cases WHERE"
	    " ref = ?) WHERE id = ?", "tttti", kind,
	    folder, note, case_ref, id)));
}

/* Messages committed but not yet flagged and moved in IMAP. */
int
store_inbound_pending(struct store *st, const char *mbox,
    struct inbound_row **rows, size_t *n)
{
	sqlite3_stmt	*s;
	size_t		 cap = 0;

	*rows = NULL;
	*n = 0;
	s = store_stmt(st, "SELECT id, uidvalidity, uid, folder FROM inbound"
	    " WHERE mailbox = ? AND imap_done = 0 ORDER BY id", "t", mbox);
	while (sqlite3_step(s) == SQLITE_ROW) {
		*rows = store_grow(*rows, *n, &cap, sizeof **rows);
		(*rows)[*n].id = sqlite3_column_int64(s, 0);
		(*rows)[*n].uidvalidity = (uint32_t)sqlite3_column_int64(s, 1);
		(*rows)[*n].uid = (uint32_t)sqlite3_column_int64(s, 2);
		(*rows)[*n].folder = store_col(s, 3);
		(*n)++;
	}
	store_release(st, s);
	return (0);
}

void
store_inbound_rows_free(struct inbound_row *rows, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		free(rows[i].folder);
	free(rows);
}

int
store_inbound_done(struct store *st, int64_t id)
{
	return (store_done(st, store_stmt(st, "UPDATE inbound SET"
	    " imap_done = 1 WHERE id = ?", "i", id)));
}

static struct case_row *
store_case_read(struct store *st, sqlite3_stmt *s)
{
	struct case_row	*c = NULL;
	char		*state;

	if (sqlite3_step(s) == SQLITE_ROW) {
		c = xcalloc(1, sizeof *c);
		c->id = sqlite3_column_int64(s, 0);
		c->ref = store_col(s, 1);
		c->sop = store_col(s, 2);
		c->applicant = store_col(s, 3);
		c->applicant_first = store_col(s, 4);
		c->applicant_name = store_col(s, 5);
		c->subject = store_col(s, 6);
		c->root_message_id = store_col(s, 7);
		state = store_col(s, 8);
		c->step = store_col(s, 9);
		c->round = sqlite3_column_int(s, 10);
		c->rules_version = store_col(s, 11);
		c->step_since = (time_t)sqlite3_column_int64(s, 12);
		/* Only this program writes states: another is corruption. */
		if (state == NULL || case_state_parse(state, &c->state) == -1)
			fatalx("database: case %s has an unknown state %s",
			    c->ref, state ? state : "NULL");
		free(state);
	}
	store_release(st, s);
	return (c);
}

/*
 * The states of an open case and of a closed one, to bind to "state IN
 * (?, ?, ?)": an index serves IN, never NOT IN. A new state goes into
 * one of them (case_state_closed() says which).
 */
#define OPEN_STATES	case_state_name(CASE_WAIT_DOCS), \
	case_state_name(CASE_OPEN), case_state_name(CASE_RETURNED)
#define CLOSED_STATES	case_state_name(CASE_DONE), \
	case_state_name(CASE_REJECTED), case_state_name(CASE_CANCELLED)

#define CASE_COLS "id, ref, sop, applicant, applicant_first," \
	" applicant_name, subject, root_message_id, state, step_name, round," \
	" rules_version, step_since"

/*
 * Opens a case with the next reference of the year: PREFIX-YYYY-NNNNN.
 * The sequence row is bumped inside the caller's transaction, so a
 * rolled back message leaves no gap. The case starts in state
 * menunggu-kelengkapan at the first step, round 0; the engine's first
 * FX_ENTER moves it on.
 */
struct case_row *
store_case_open(struct store *st, const char *sop, const char *prefix,
    const char *applicant, const char *name, const char *subject,
    const char *root_id, const char *first_step, const char *version)
{
	sqlite3_stmt	*s;
	time_t		 now = clock_now();
	struct tm	 tm;
	int		 year;
	int64_t		 seq;
	char		*ref;

	/* The office's year: 31 Dec 23:30 WIB is 1 Jan 00:30 in WITA. */
	clock_local(now, &tm);
	year = tm.tm_year + 1900;
	if (store_done(st, store_stmt(st, "INSERT INTO case_seq VALUES (?, 1)"
	    " ON CONFLICT(year) DO UPDATE SET last = last + 1", "i",
	    (int64_t)year)) == -1)
		return (NULL);
	s = store_stmt(st, "SELECT last FROM case_seq WHERE year = ?", "i",
	    (int64_t)year);
	if (sqlite3_step(s) != SQLITE_ROW) {
		store_release(st, s);
		return (NULL);
	}
	seq = sqlite3_column_int64(s, 0);
	store_release(st, s);
	xasprintf(&ref, "%s-%04d-%05lld", prefix, year, (long long)seq);
	if (store_done(st, store_stmt(st, "INSERT INTO cases (ref, sop,"
	    " applicant, applicant_first, applicant_name, subject,"
	    " root_message_id, state, step_name, round, rules_version,"
	    " opened_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?,"
	    " ?, ?)", "ttttttttttii", ref, sop, applicant, applicant, name,
	    subject, root_id, case_state_name(CASE_WAIT_DOCS), first_step,
	    version, (int64_t)now, (int64_t)now)) == -1) {
		free(ref);
		return (NULL);
	}
	free(ref);
	return (store_case_get(st, sqlite3_last_insert_rowid(st->db)));
}

struct case_row *
store_case_get(struct store *st, int64_t id)
{
	return (store_case_read(st, store_stmt(st, "SELECT " CASE_COLS " FROM"
	    " cases WHERE id = ?", "i", id)));
}

void
store_case_free(struct case_row *c)
{
	if (c == NULL)
		return;
	free(c->ref);
	free(c->sop);
	free(c->applicant);
	free(c->applicant_first);
	free(c->applicant_name);
	free(c->subject);
	free(c->root_message_id);
	free(c->step);
	free(c->rules_version);
	free(c);
}

/*
 * Moves a case from where c says it is (state, step, round: a
 * compare-and-set, so a stale or duplicate decision changes nothing) to
 * a state at a step, in round "round". Returns 1 if it moved.
 */
int
store_case_enter(struct store *st, const struct case_row *c,
    enum case_state to, const char *step, int round, const char *reason)
{
	if (store_done(st, store_stmt(st, "UPDATE cases SET state = ?,"
	    " step_name = ?, round = ?, reason = coalesce(?, reason),"
	    " updated_at = ?, step_since = ?, closed_at = CASE WHEN ? THEN ?"
	    " END WHERE id = ? AND state = ? AND step_name = ? AND round = ?",
	    "ttitiiiiitti", case_state_name(to), step, (int64_t)round, reason,
	    (int64_t)clock_now(), (int64_t)clock_now(),
	    (int64_t)case_state_closed(to), (int64_t)clock_now(), c->id,
	    case_state_name(c->state), c->step, (int64_t)c->round)) == -1)
		return (-1);
	return (sqlite3_changes(st->db) == 1);
}

/* A renewal case names the case whose certificate it renews. */
int
store_case_renews(struct store *st, int64_t id, int64_t old)
{
	if (store_done(st, store_stmt(st, "UPDATE cases SET renews = ? WHERE"
	    " id = ?", "ii", old, id)) == -1)
		return (-1);
	return (sqlite3_changes(st->db) == 1 ? 0 : -1);
}

int
store_case_nik_hmac(struct store *st, int64_t id, const char *mac)
{
	return (store_done(st, store_stmt(st, "UPDATE cases SET nik_hmac = ?"
	    " WHERE id = ?", "ti", mac, id)));
}

/* The open cases whose KTP's NIK has this keyed hash, newest first. */
int
store_case_ids_by_nik_hmac(struct store *st, const char *mac, int64_t **ids,
    size_t *n)
{
	sqlite3_stmt	*s;
	size_t		 cap = 0;
	int		 rc;

	*ids = NULL;
	*n = 0;
	s = store_stmt(st, "SELECT id FROM cases WHERE nik_hmac = ? AND"
	    " state IN (?, ?, ?) ORDER BY id DESC", "tttt", mac, OPEN_STATES);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		*ids = store_grow(*ids, *n, &cap, sizeof **ids);
		(*ids)[(*n)++] = sqlite3_column_int64(s, 0);
	}
	store_release(st, s);
	return (rc == SQLITE_DONE ? 0 : -1);
}

/* The applicant said which kind a file of the case is. */
int
store_document_set_kind(struct store *st, int64_t case_id,
    const char *filename, const char *kind)
{
	if (store_done(st, store_stmt(st, "UPDATE documents SET kind = ? WHERE"
	    " case_id = ? AND filename = ? COLLATE NOCASE", "tit", kind,
	    case_id, filename)) == -1)
		return (-1);
	return (sqlite3_changes(st->db));
}

/*
 * Finished cases whose certificate ends before "until" and has not yet:
 * the expiry reminders' work, by an index on expires_at.
 */
int
store_expiring(struct store *st, time_t now, time_t until,
    struct waiting_row **rows, size_t *n)
{
	sqlite3_stmt		*s;
	size_t			 cap = 0;
	struct waiting_row	*w;

	*rows = NULL;
	*n = 0;
	s = store_stmt(st, "SELECT id, ref, sop, applicant, expires_at FROM"
	    " cases WHERE expires_at > ? AND expires_at <= ? AND state = ?"
	    " ORDER BY id", "iit", (int64_t)now, (int64_t)until,
	    case_state_name(CASE_DONE));
	while (sqlite3_step(s) == SQLITE_ROW) {
		*rows = store_grow(*rows, *n, &cap, sizeof **rows);
		w = &(*rows)[(*n)++];
		memset(w, 0, sizeof *w);
		w->case_id = sqlite3_column_int64(s, 0);
		w->ref = store_col(s, 1);
		w->sop = store_col(s, 2);
		w->official = store_col(s, 3);
		w->since = (time_t)sqlite3_column_int64(s, 4);
	}
	store_release(st, s);
	return (0);
}

/* Mail to the applicant goes to addr from now on (their new mailbox). */
int
store_case_applicant(struct store *st, int64_t id, const char *addr)
{
	if (store_done(st, store_stmt(st, "UPDATE cases SET applicant = ?"
	    " WHERE id = ?", "ti", addr, id)) == -1)
		return (-1);
	return (sqlite3_changes(st->db) == 1 ? 0 : -1);
}

int
store_case_expires(struct store *st, int64_t id, time_t when)
{
	if (store_done(st, store_stmt(st, "UPDATE cases SET expires_at = ?"
	    " WHERE id = ?", "ii", (int64_t)when, id)) == -1)
		return (-1);
	return (sqlite3_changes(st->db) == 1 ? 0 : -1);
}
/*
 * The one open case of an applicant by name (case-insensitive); 0 if
 * none or several: a name shared by two applicants proves nothing.
 */
int64_t
store_case_by_name(struct store *st, const char *name)
{
	sqlite3_stmt	*s;
	int64_t		 id = 0;

	s = store_stmt(st, "SELECT min(id), count(*) FROM cases WHERE"
	    " applicant_name = ? COLLATE NOCASE AND state NOT IN (?, ?, ?)",
	    "tttt", name, CLOSED_STATES);
	if (sqlite3_step(s) == SQLITE_ROW && sqlite3_column_int(s, 1) == 1)
		id = sqlite3_column_int64(s, 0);
	store_release(st, s);
	return (id);
}

/* The key that seals the audit trail (the robot's HMAC key). */
void
store_set_key(struct store *st, const unsigned char *key, size_t len)
{
	st->key = key;
	st->keylen = len;
}

/*
 * The seal of one event: HMAC-SHA256 over the previous seal and every
 * field, each length-prefixed so that no two rows read alike. Without
 * the key, no one can write a row that fits.
 */
static void
store_event_seal(const struct store *st, const char *prev, int64_t id,
    int64_t case_id, int64_t at, const char *actor, const char *event,
    const char *detail, char *out, size_t outlen)
{
	const char	*f[] = { prev, actor, event, detail };
	char		*data, *t;
	size_t		 i;

	xasprintf(&data, "%lld %lld %lld", (long long)id, (long long)case_id,
	    (long long)at);
	for (i = 0; i < sizeof f / sizeof f[0]; i++) {
		if (f[i] == NULL)
			xasprintf(&t, "%s|-", data);
		else
			xasprintf(&t, "%s|%zu:%s", data, strlen(f[i]), f[i]);
		free(data);
		data = t;
	}
	crypto_token(st->key != NULL ? st->key : (const unsigned char *)"",
	    st->keylen, data, out, outlen);
	free(data);
}

/* Appends to the audit trail: who did what to which case, and why. */
int
store_event(struct store *st, int64_t case_id, const char *actor,
    const char *event, const char *detail)
{
	sqlite3_stmt	*s;
	char		*prev = NULL, seal[65];
	int64_t		 id, at = (int64_t)clock_now();

	if (store_done(st, store_stmt(st, "INSERT INTO case_events"
	    " (case_id, at, actor, event, detail) VALUES (nullif(?, 0),"
	    " ?, ?, ?, ?)", "iittt", case_id, at, actor, event, detail)) == -1)
		return (-1);
	id = sqlite3_last_insert_rowid(st->db);
	s = store_stmt(st, "SELECT seal FROM case_events WHERE id < ? ORDER"
	    " BY id DESC LIMIT 1", "i", id);
	if (sqlite3_step(s) == SQLITE_ROW)
		prev = store_col(s, 0);
	store_release(st, s);
	store_event_seal(st, prev, id, case_id, at, actor, event, detail,
	    seal, sizeof seal);
	free(prev);
	st->sealed = 1;
	return (store_done(st, store_stmt(st, "UPDATE case_events SET seal = ?"
	    " WHERE id = ?", "ti", seal, id)));
}

/* Where the newest seal is kept outside the database (conf seal_checkpoint). */
void
store_set_checkpoint(struct store *st, const char *path)
{
	st->checkpoint = path;
}

/* The newest sealed event: its id (0: none) and seal. */
static int64_t
store_event_last(struct store *st, char *seal, size_t len)
{
	sqlite3_stmt	*s;
	int64_t		 id = 0;

	s = store_stmt(st, "SELECT id, seal FROM case_events ORDER BY id DESC"
	    " LIMIT 1", "");
	if (sqlite3_step(s) == SQLITE_ROW && sqlite3_column_type(s, 1) !=
	    SQLITE_NULL) {
		id = sqlite3_column_int64(s, 0);
		snprintf(seal, len, "%s", sqlite3_column_text(s, 1));
	}
	store_release(st, s);
	return (id);
}

/*
 * Compares the checkpoint at path ("ID SEAL") with the trail: 0 when
 * event ID is in the database with that seal (the database may be
 * ahead: a crash between COMMIT and the checkpoint's write), 1 when it
 * is not, with *why naming the cut; 2 when there is no checkpoint. *idp
 * is the checkpoint's event.
 */
int
store_checkpoint_check(struct store *st, const char *path, int64_t *idp,
    char **why)
{
	sqlite3_stmt	*s;
	char		*buf, *cause = NULL, seal[65], newest[65];
	long long	 id;
	int64_t		 last;
	int		 rv;

	*idp = 0;
	if (access(path, F_OK) == -1 && errno == ENOENT)
		return (2);
	if ((buf = util_read_file(path, 1024, NULL, &cause)) == NULL) {
		xasprintf(why, "the checkpoint cannot be read: %s", cause);
		free(cause);
		return (1);
	}
	rv = sscanf(buf, "%lld %64s", &id, seal);
	free(buf);
	if (rv != 2 || id <= 0 || strlen(seal) != 64) {
		xasprintf(why, "the checkpoint %s is not one the robot wrote",
		    path);
		return (1);
	}
	*idp = id;
	s = store_stmt(st, "SELECT seal FROM case_events WHERE id = ?", "i",
	    (int64_t)id);
	rv = sqlite3_step(s) == SQLITE_ROW;
	if (rv && sqlite3_column_text(s, 0) != NULL &&
	    crypto_token_eq((const char *)sqlite3_column_text(s, 0), seal))
		rv = 2;
	store_release(st, s);
	if (rv == 2)
		return (0);
	last = store_event_last(st, newest, sizeof newest);
	if (!rv)
		xasprintf(why, "events after #%lld are missing: the checkpoint"
		    " %s says #%lld with seal %s", (long long)last, path, id,
		    seal);
	else
		xasprintf(why, "event #%lld is not the one the checkpoint %s"
		    " names (seal %s): the trail was cut before it and written"
		    " again", id, path, seal);
	return (1);
}

/*
 * Writes the newest seal to the checkpoint, unless the checkpoint names
 * an event the trail no longer holds: that evidence is kept, and said.
 */
void
store_checkpoint(struct store *st)
{
	char		 seal[65], *line, *why = NULL;
	int64_t		 id, had;

	if (st->checkpoint == NULL ||
	    (id = store_event_last(st, seal, sizeof seal)) == 0)
		return;
	switch (store_checkpoint_check(st, st->checkpoint, &had, &why)) {
	case 1:
		log_warnx("audit: %s; the checkpoint is left as it is", why);
		free(why);
		return;
	case 0:
		if (had >= id)
			return;
		break;
	}
	xasprintf(&line, "%lld %s\n", (long long)id, seal);
	if (util_write_file(st->checkpoint, line, strlen(line), 0600,
	    &why) == -1) {
		log_warnx("audit: checkpoint: %s", why);
		free(why);
	}
	free(line);
}

/*
 * Every file held for a case: documents, raw mail in (named by its
 * SHA-256 under spool/raw), mail out. Free with store_case_files_free.
 */
int
store_case_files(struct store *st, const char *ref, struct case_file **files,
    size_t *n)
{
	sqlite3_stmt	*s;
	size_t		 cap = 0;

	*files = NULL;
	*n = 0;
	s = store_stmt(st, "SELECT 'dokumen/' || d.id || '-' || d.filename,"
	    " d.path, NULL FROM documents d JOIN cases c ON c.id = d.case_id"
	    " WHERE c.ref = upper(?1) UNION ALL SELECT 'surel-masuk/' || i.id"
	    " || '.eml', NULL, i.sha256 FROM inbound i JOIN cases c ON c.id ="
	    " i.case_id WHERE c.ref = upper(?1) AND i.sha256 IS NOT NULL"
	    " UNION ALL SELECT 'surel-keluar/' || o.id || '.eml', o.path, NULL"
	    " FROM outbox o JOIN cases c ON c.id = o.case_id WHERE c.ref ="
	    " upper(?1)", "t", ref);
	while (sqlite3_step(s) == SQLITE_ROW) {
		*files = store_grow(*files, *n, &cap, sizeof **files);
		(*files)[*n].name = store_col(s, 0);
		(*files)[*n].path = store_col(s, 1);
		(*files)[(*n)++].sha = store_col(s, 2);
	}
	store_release(st, s);
	return (0);
}

void
store_case_files_free(struct case_file *files, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++) {
		free(files[i].name);
		free(files[i].path);
		free(files[i].sha);
	}
	free(files);
}

/* The file rows a case holds (alias c), as the purge counts them. */
#define CASE_FILE_ROWS(c) "((SELECT count(*) FROM documents WHERE" \
	" case_id = " c ".id) + (SELECT count(*) FROM inbound WHERE case_id =" \
	" " c ".id AND sha256 IS NOT NULL) + (SELECT count(*) FROM outbox" \
	" WHERE case_id = " c ".id))"
#define RETENTION_COLS "c.id, c.ref, c.state, coalesce(c.closed_at," \
	" c.updated_at), coalesce(c.expires_at, 0), " CASE_FILE_ROWS("c") \
	", coalesce(c.purged_files, -1), (SELECT count(*) FROM outbox WHERE" \
	" case_id = c.id AND status = 'queued')"

static int
store_retention_read(struct store *st, sqlite3_stmt *s,
    struct retention_case **rows, size_t *n)
{
	struct retention_case	*r;
	size_t			 cap = 0;
	const char		*state;

	*rows = NULL;
	*n = 0;
	while (sqlite3_step(s) == SQLITE_ROW) {
		*rows = store_grow(*rows, *n, &cap, sizeof **rows);
		r = &(*rows)[(*n)++];
		r->id = sqlite3_column_int64(s, 0);
		r->ref = store_col(s, 1);
		state = (const char *)sqlite3_column_text(s, 2);
		if (state == NULL || case_state_parse(state, &r->state) == -1)
			fatalx("database: case %s has an unknown state %s",
			    r->ref, state ? state : "NULL");
		r->closed_at = (time_t)sqlite3_column_int64(s, 3);
		r->expires_at = (time_t)sqlite3_column_int64(s, 4);
		r->files = sqlite3_column_int64(s, 5);
		r->purged = sqlite3_column_int64(s, 6);
		r->queued = sqlite3_column_int64(s, 7);
	}
	store_release(st, s);
	return (0);
}

/* Every closed case, with the facts retention decides on. */
int
store_retention_cases(struct store *st, struct retention_case **rows,
    size_t *n)
{
	return (store_retention_read(st, store_stmt(st, "SELECT " RETENTION_COLS
	    " FROM cases c WHERE c.state IN (?, ?, ?) ORDER BY c.id", "ttt",
	    CLOSED_STATES), rows, n));
}

/* The cases holding a document of these bytes (spool/doc/SHA-256). */
int
store_retention_holders(struct store *st, const char *sha,
    struct retention_case **rows, size_t *n)
{
	return (store_retention_read(st, store_stmt(st, "SELECT " RETENTION_COLS
	    " FROM cases c WHERE c.id IN (SELECT case_id FROM documents WHERE"
	    " sha256 = ?)", "t", sha), rows, n));
}

void
store_retention_free(struct retention_case *rows, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		free(rows[i].ref);
	free(rows);
}

/*
 * Marks a case's files removed, covering the file rows it holds now: a
 * compare-and-set on the purge it follows ("before", -1 for none), so
 * two runs at once purge it once. 1 marked, 0 another run did, -1 error.
 */
int
store_case_purge(struct store *st, int64_t id, int64_t before)
{
	if (store_done(st, store_stmt(st, "UPDATE cases AS c SET purged_at ="
	    " ?, purged_files = " CASE_FILE_ROWS("c") " WHERE c.id = ? AND"
	    " coalesce(c.purged_files, -1) = ?", "iii", (int64_t)clock_now(),
	    id, before)) == -1)
		return (-1);
	return (sqlite3_changes(st->db) == 1);
}

/* The first column of a one-row query; 0 when there is no row. */
static int64_t
store_scalar(struct store *st, sqlite3_stmt *s)
{
	int64_t	 v = 0;

	if (sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_int64(s, 0);
	store_release(st, s);
	return (v);
}

/* When a case's files were removed under retention; 0 if not. */
time_t
store_case_purged_at(struct store *st, int64_t id)
{
	return ((time_t)store_scalar(st, store_stmt(st, "SELECT"
	    " coalesce(purged_at, 0) FROM cases WHERE id = ?", "i", id)));
}

/* When the daemon's job of this name last ran; 0 if never. */
time_t
store_job_last(struct store *st, const char *name)
{
	return ((time_t)store_scalar(st, store_stmt(st, "SELECT last_run FROM"
	    " jobs WHERE name = ?", "t", name)));
}

int
store_job_done(struct store *st, const char *name, time_t at)
{
	return (store_done(st, store_stmt(st, "INSERT INTO jobs VALUES (?, ?)"
	    " ON CONFLICT(name) DO UPDATE SET last_run = excluded.last_run",
	    "ti", name, (int64_t)at)));
}

/* An event in words for the admin: its case, time and kind. */
char *
store_event_where(struct store *st, int64_t id)
{
	sqlite3_stmt	*s;
	char		*w, at[64];

	s = store_stmt(st, "SELECT coalesce(c.ref, '-'), e.at, e.event FROM"
	    " case_events e LEFT JOIN cases c ON c.id = e.case_id WHERE e.id"
	    " = ?", "i", id);
	if (sqlite3_step(s) == SQLITE_ROW) {
		clock_format((time_t)sqlite3_column_int64(s, 1), CLOCK_TIME,
		    at, sizeof at);
		xasprintf(&w, "%s, %s, %s", sqlite3_column_text(s, 0), at,
		    sqlite3_column_text(s, 2));
	} else
		w = xstrdup("no longer there");
	store_release(st, s);
	return (w);
}

/*
 * Checks the sealed trail from its first sealed event on. Returns 0 and
 * the counts when every seal fits, else the id of the first event that
 * does not (changed, or after one removed or changed).
 */
int64_t
store_audit_verify(struct store *st, int64_t *sealed, int64_t *unsealed)
{
	sqlite3_stmt	*s;
	char		*prev = NULL, *seal, *actor, *event, *detail;
	char		 want[65];
	int64_t		 id, bad = 0;

	*sealed = *unsealed = 0;
	s = store_stmt(st, "SELECT id, coalesce(case_id, 0), at, actor,"
	    " event, detail, seal FROM case_events ORDER BY id", "");
	while (bad == 0 && sqlite3_step(s) == SQLITE_ROW) {
		id = sqlite3_column_int64(s, 0);
		seal = store_col(s, 6);
		if (seal == NULL && *sealed == 0) {
			(*unsealed)++;		/* from before the seal */
			continue;
		}
		actor = store_col(s, 3);
		event = store_col(s, 4);
		detail = store_col(s, 5);
		store_event_seal(st, prev, id, sqlite3_column_int64(s, 1),
		    sqlite3_column_int64(s, 2), actor, event, detail, want,
		    sizeof want);
		if (seal == NULL || !crypto_token_eq(seal, want))
			bad = id;
		(*sealed)++;
		free(actor);
		free(event);
		free(detail);
		free(prev);
		prev = seal;
	}
	store_release(st, s);
	free(prev);
	return (bad);
}

int
store_value_add(struct store *st, int64_t case_id, const char *step,
    const char *value)
{
	return (store_done(st, store_stmt(st, "INSERT INTO case_values"
	    " (case_id, step, value, at) VALUES (?, ?, ?, ?)", "itti",
	    case_id, step, value, (int64_t)clock_now())));
}

int
store_document_add(struct store *st, int64_t case_id,
    const struct attachment *a, const char *kind, const char *step,
    int round)
{
	return (store_done(st, store_stmt(st, "INSERT INTO documents (case_id,"
	    " filename, content_type, sha256, path, size, kind, step, round)"
	    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", "ittttitti", case_id,
	    a->filename, a->content_type, a->sha256, a->path, (int64_t)a->size,
	    kind, step, (int64_t)round)));
}

/* Rows of filename, content_type, sha256, path, size, kind, step, round. */
static void
store_doc_rows(struct store *st, sqlite3_stmt *s, struct doc_row **docs,
    size_t *n)
{
	size_t		 cap = 0;
	struct doc_row	*d;
	const char	*sha;

	*docs = NULL;
	*n = 0;
	while (sqlite3_step(s) == SQLITE_ROW) {
		*docs = store_grow(*docs, *n, &cap, sizeof **docs);
		d = &(*docs)[(*n)++];
		memset(d, 0, sizeof *d);
		d->a.filename = store_col(s, 0);
		d->a.content_type = store_col(s, 1);
		sha = (const char *)sqlite3_column_text(s, 2);
		snprintf(d->a.sha256, sizeof d->a.sha256, "%s", sha ? sha : "");
		d->a.path = store_col(s, 3);
		d->a.size = (size_t)sqlite3_column_int64(s, 4);
		d->kind = store_col(s, 5);
		d->step = store_col(s, 6);
		d->round = sqlite3_column_int(s, 7);
	}
	store_release(st, s);
}

int
store_documents(struct store *st, int64_t case_id, struct doc_row **docs,
    size_t *n)
{
	store_doc_rows(st, store_stmt(st, "SELECT filename, content_type,"
	    " sha256, path, size, kind, step, round FROM documents WHERE"
	    " case_id = ? ORDER BY id", "i", case_id), docs, n);
	return (0);
}

void
store_documents_free(struct doc_row *docs, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++) {
		free(docs[i].a.filename);
		free(docs[i].a.content_type);
		free(docs[i].a.path);
		free(docs[i].kind);
		free(docs[i].step);
	}
	free(docs);
}

int64_t
store_dispatch_add(struct store *st, int64_t case_id, const char *step,
    int round, const char *role, const char *official, const char *on_behalf,
    const char *token)
{
	if (store_done(st, store_stmt(st, "INSERT INTO dispatches (case_id,"
	    " step_name, round, role, official, on_behalf, token, message_id,"
	    " sent_at) VALUES (?, ?, ?, ?, ?, ?, ?, '', ?)", "ititttti",
	    case_id, step, (int64_t)round, role, official, on_behalf, token,
	    (int64_t)clock_now())) == -1)
		return (-1);
	return (sqlite3_last_insert_rowid(st->db));
}

static struct dispatch_row *
store_dispatch_read(struct store *st, sqlite3_stmt *s)
{
	struct dispatch_row	*d = NULL;

	if (sqlite3_step(s) == SQLITE_ROW) {
		d = xcalloc(1, sizeof *d);
		d->id = sqlite3_column_int64(s, 0);
		d->case_id = sqlite3_column_int64(s, 1);
		d->step = store_col(s, 2);
		d->round = sqlite3_column_int(s, 3);
		d->official = store_col(s, 4);
		d->token = store_col(s, 5);
		d->message_id = store_col(s, 6);
		d->answered = sqlite3_column_int(s, 7);
		d->on_behalf = store_col(s, 8);
	}
	store_release(st, s);
	return (d);
}

#define DISPATCH_COLS "id, case_id, step_name, round, official, token," \
	" message_id, answered_at IS NOT NULL, on_behalf"

struct dispatch_row *
store_dispatch_by_token(struct store *st, const char *token)
{
	return (store_dispatch_read(st, store_stmt(st, "SELECT " DISPATCH_COLS
	    " FROM dispatches WHERE token = ?", "t", token)));
}

struct dispatch_row *
store_dispatch_get(struct store *st, int64_t id)
{
	return (store_dispatch_read(st, store_stmt(st, "SELECT " DISPATCH_COLS
	    " FROM dispatches WHERE id = ?", "i", id)));
}

/* A tag-only answer waiting for its confirmation, under a fresh token. */
int
store_confirm_add(struct store *st, const char *token, int64_t dispatch_id,
    const char *verdict, const char *reason, const char *value,
    int64_t inbound)
{
	return (store_done(st, store_stmt(st, "INSERT INTO confirmations"
	    " (token, dispatch_id, verdict, reason, value, inbound_id,"
	    " created_at) VALUES (?, ?, ?, ?, ?, nullif(?, 0), ?)", "titttii",
	    token, dispatch_id, verdict, reason, value, inbound,
	    (int64_t)clock_now())));
}

/* A file of a tag-only answer, kept with it (kind NULL: of no kind). */
int
store_confirm_doc_add(struct store *st, const char *token,
    const struct attachment *a, const char *kind)
{
	return (store_done(st, store_stmt(st, "INSERT INTO confirmation_docs"
	    " (token, filename, content_type, sha256, path, size, kind) VALUES"
	    " (?, ?, ?, ?, ?, ?, ?)", "tttttit", token, a->filename,
	    a->content_type, a->sha256, a->path, (int64_t)a->size, kind)));
}

/* The files kept with a tag-only answer, in the order they came. */
int
store_confirm_docs(struct store *st, const char *token, struct doc_row **docs,
    size_t *n)
{
	store_doc_rows(st, store_stmt(st, "SELECT filename, content_type,"
	    " sha256, path, size, kind, NULL, 0 FROM confirmation_docs WHERE"
	    " token = ? ORDER BY id", "t", token), docs, n);
	return (0);
}

struct confirm_row *
store_confirm_get(struct store *st, const char *token)
{
	struct confirm_row	*r = NULL;
	sqlite3_stmt		*s;

	s = store_stmt(st, "SELECT dispatch_id, verdict, reason, value FROM"
	    " confirmations WHERE token = ?", "t", token);
	if (sqlite3_step(s) == SQLITE_ROW) {
		r = xcalloc(1, sizeof *r);
		r->dispatch_id = sqlite3_column_int64(s, 0);
		r->verdict = store_col(s, 1);
		r->reason = store_col(s, 2);
		r->value = store_col(s, 3);
	}
	store_release(st, s);
	return (r);
}

void
store_confirm_free(struct confirm_row *r)
{
	if (r == NULL)
		return;
	free(r->verdict);
	free(r->reason);
	free(r->value);
	free(r);
}

/* The unanswered dispatch of a case to one official, if any. */
struct dispatch_row *
store_dispatch_pending(struct store *st, int64_t case_id, const char *who)
{
	return (store_dispatch_read(st, store_stmt(st, "SELECT " DISPATCH_COLS
	    " FROM dispatches WHERE case_id = ? AND official = ? AND"
	    " answered_at IS NULL ORDER BY id DESC LIMIT 1", "it", case_id,
	    who)));
}

/* Column 0 of every row of s (released) as a list of strings. */
static void
store_list(struct store *st, sqlite3_stmt *s, char ***list, size_t *n)
{
	size_t	 cap = 0;

	*list = NULL;
	*n = 0;
	while (sqlite3_step(s) == SQLITE_ROW) {
		*list = store_grow(*list, *n, &cap, sizeof **list);
		(*list)[(*n)++] = store_col(s, 0);
	}
	store_release(st, s);
}

int
store_dispatch_yes(struct store *st, int64_t case_id, const char *step,
    int round, char ***who, size_t *n)
{
	store_list(st, store_stmt(st, "SELECT official FROM dispatches WHERE"
	    " case_id = ? AND step_name = ? AND round = ? AND verdict = 'Y'"
	    " ORDER BY answered_at", "iti", case_id, step, (int64_t)round),
	    who, n);
	return (0);
}

/* The references of an applicant's cases (either address), oldest first. */
void
store_cases_of(struct store *st, const char *addr, char ***refs, size_t *n)
{
	store_list(st, store_stmt(st, "SELECT ref FROM cases WHERE applicant ="
	    " ?1 OR applicant_first = ?1 ORDER BY id", "t", addr), refs, n);
}

/* The ids of an applicant's cases (either address), newest first. */
int
store_case_ids_of(struct store *st, const char *addr, int64_t **ids,
    size_t *n)
{
	sqlite3_stmt	*s;
	size_t		 cap = 0;
	int		 rc;

	*ids = NULL;
	*n = 0;
	s = store_stmt(st, "SELECT id FROM cases WHERE applicant = ?1 OR"
	    " applicant_first = ?1 ORDER BY id DESC", "t", addr);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		*ids = store_grow(*ids, *n, &cap, sizeof **ids);
		(*ids)[(*n)++] = sqlite3_column_int64(s, 0);
	}
	store_release(st, s);
	return (rc == SQLITE_DONE ? 0 : -1);
}

/* An AMS notice kept on the case for the step that will wait for it. */
int
store_notice_add(struct store *st, int64_t case_id, const char *event,
    int64_t inbound_id)
{
	return (store_done(st, store_stmt(st, "INSERT INTO case_notices"
	    " (case_id, event, inbound_id, at) VALUES (?, ?, nullif(?, 0), ?)",
	    "itii", case_id, event, inbound_id, (int64_t)clock_now())));
}

/* The events of the case's kept notices no step used yet, oldest first. */
int
store_notices_unused(struct store *st, int64_t case_id, char ***events,
    size_t *n)
{
	store_list(st, store_stmt(st, "SELECT event FROM case_notices WHERE"
	    " case_id = ? AND used_at IS NULL ORDER BY id", "i", case_id),
	    events, n);
	return (0);
}

/*
 * The oldest unused kept notice of the event settles step: marked used.
 * Returns its inbound id (0: none recorded) or -1.
 */
int64_t
store_notice_use(struct store *st, int64_t case_id, const char *event,
    const char *step)
{
	sqlite3_stmt	*s;
	int64_t		 id = 0, inbound = -1;

	s = store_stmt(st, "SELECT id, coalesce(inbound_id, 0) FROM"
	    " case_notices WHERE case_id = ? AND event = ? AND used_at IS NULL"
	    " ORDER BY id LIMIT 1", "it", case_id, event);
	if (sqlite3_step(s) == SQLITE_ROW) {
		id = sqlite3_column_int64(s, 0);
		inbound = sqlite3_column_int64(s, 1);
	}
	store_release(st, s);
	if (id == 0 || store_done(st, store_stmt(st, "UPDATE case_notices SET"
	    " used_at = ?, used_step = ? WHERE id = ?", "iti",
	    (int64_t)clock_now(), step, id)) == -1)
		return (-1);
	return (inbound);
}

/*
 * The dispositions still waiting at a step and round are closed (verdict
 * "-", why): their officials, who need not answer now, as a list
 * (unless who is NULL).
 */
int
store_dispatch_close_step(struct store *st, int64_t case_id,
    const char *step, int round, const char *why, char ***who, size_t *n)
{
	if (who != NULL)
		store_list(st, store_stmt(st, "SELECT official FROM dispatches"
		    " WHERE case_id = ? AND step_name = ? AND round = ? AND"
		    " answered_at IS NULL ORDER BY id", "iti", case_id, step,
		    (int64_t)round), who, n);
	return (store_done(st, store_stmt(st, "UPDATE dispatches SET"
	    " answered_at = ?, verdict = '-', reason = ? WHERE case_id = ? AND"
	    " step_name = ? AND round = ? AND answered_at IS NULL", "ititi",
	    (int64_t)clock_now(), why, case_id, step, (int64_t)round)));
}

/* The spool names of mail from addr that joined no case, oldest first. */
void
store_inbound_loose(struct store *st, const char *addr, char ***shas,
    size_t *n)
{
	store_list(st, store_stmt(st, "SELECT sha256 FROM inbound WHERE sender"
	    " = ? AND case_id IS NULL AND sha256 IS NOT NULL ORDER BY id", "t",
	    addr), shas, n);
}

void
store_dispatch_free(struct dispatch_row *d)
{
	if (d == NULL)
		return;
	free(d->step);
	free(d->official);
	free(d->on_behalf);
	free(d->token);
	free(d->message_id);
	free(d);
}

/* Has this official had a dispatch of the step in this round? */
int
store_dispatch_count(struct store *st, int64_t case_id, const char *step,
    int round, const char *official)
{
	sqlite3_stmt	*s;
	int		 n = -1;

	s = store_stmt(st, "SELECT count(*) FROM dispatches WHERE case_id = ?"
	    " AND step_name = ? AND round = ? AND official = ?", "itit",
	    case_id, step, (int64_t)round, official);
	if (sqlite3_step(s) == SQLITE_ROW)
		n = sqlite3_column_int(s, 0);
	store_release(st, s);
	return (n);
}

/* Records the answer once; returns 1 if this call recorded it. */
int
store_dispatch_answer(struct store *st, int64_t id, const char *verdict,
    const char *reason, int64_t inbound_id)
{
	if (store_done(st, store_stmt(st, "UPDATE dispatches SET answered_at"
	    " = ?, verdict = ?, reason = ?, inbound_id = nullif(?, 0)"
	    " WHERE id = ? AND answered_at IS NULL", "ittii",
	    (int64_t)clock_now(), verdict, reason, inbound_id, id)) == -1)
		return (-1);
	return (sqlite3_changes(st->db) == 1);
}

int64_t
store_outbox_add(struct store *st, int64_t case_id, const char *kind,
    const char *rcpt, const char *message_id, const char *path)
{
	if (store_done(st, store_stmt(st, "INSERT INTO outbox (case_id, kind,"
	    " rcpt, message_id, path, next_attempt_at, created_at) VALUES"
	    " (nullif(?, 0), ?, ?, ?, ?, ?, ?)", "ittttii", case_id,
	    kind, rcpt, message_id, path, (int64_t)clock_now(),
	    (int64_t)clock_now())) == -1)
		return (-1);
	return (sqlite3_last_insert_rowid(st->db));
}

int
store_outbox_due(struct store *st, time_t now, struct outbox_row **rows,
    size_t *n)
{
	sqlite3_stmt	*s;
	size_t		 cap = 0;
	struct outbox_row *r;

	*rows = NULL;
	*n = 0;
	s = store_stmt(st, "SELECT o.id, o.rcpt, o.path, o.message_id,"
	    " c.ref, o.attempts FROM outbox o LEFT JOIN cases c ON c.id ="
	    " o.case_id WHERE o.status = 'queued' AND o.next_attempt_at <= ?"
	    " ORDER BY o.id LIMIT 100", "i", (int64_t)now);
	while (sqlite3_step(s) == SQLITE_ROW) {
		*rows = store_grow(*rows, *n, &cap, sizeof **rows);
		r = &(*rows)[(*n)++];
		memset(r, 0, sizeof *r);
		r->id = sqlite3_column_int64(s, 0);
		r->rcpt = store_col(s, 1);
		r->path = store_col(s, 2);
		r->message_id = store_col(s, 3);
		r->case_ref = store_col(s, 4);
		r->attempts = sqlite3_column_int(s, 5);
	}
	store_release(st, s);
	return (0);
}

void
store_outbox_rows_free(struct outbox_row *rows, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++) {
		free(rows[i].rcpt);
		free(rows[i].path);
		free(rows[i].message_id);
		free(rows[i].case_ref);
		free(rows[i].kind);
	}
	free(rows);
}

/* status: "sent", "failed", or "queued" again at next_at. */
int
store_outbox_result(struct store *st, int64_t id, const char *status,
    int code, const char *error, time_t next_at)
{
	return (store_done(st, store_stmt(st, "UPDATE outbox SET status = ?,"
	    " attempts = attempts + 1, smtp_code = nullif(?, 0), last_error ="
	    " ?, next_attempt_at = ?, sent_at = CASE WHEN ? = 'sent' THEN"
	    " ? END WHERE id = ?", "tititii", status,
	    (int64_t)code, error, (int64_t)next_at, status,
	    (int64_t)clock_now(), id)));
}

/*
 * Brings every queued row due after latest forward to latest: after the
 * wall clock went back, their times lie hours ahead. Returns the number
 * of rows, -1 on error.
 */
int
store_outbox_clamp(struct store *st, time_t latest)
{
	if (store_done(st, store_stmt(st, "UPDATE outbox SET next_attempt_at"
	    " = ?1 WHERE status = 'queued' AND next_attempt_at > ?1", "i",
	    (int64_t)latest)) == -1)
		return (-1);
	return (sqlite3_changes(st->db));
}

/* The earliest time a queued row is due; 0 if none is queued. */
int
store_outbox_next_due(struct store *st, time_t *when)
{
	sqlite3_stmt	*s;
	int		 found = 0;

	s = store_stmt(st, "SELECT min(next_attempt_at) FROM outbox WHERE"
	    " status = 'queued'", "");
	if (sqlite3_step(s) == SQLITE_ROW &&
	    sqlite3_column_type(s, 0) != SQLITE_NULL) {
		*when = (time_t)sqlite3_column_int64(s, 0);
		found = 1;
	}
	store_release(st, s);
	return (found);
}

/*
 * How many mails of a kind went to rcpt since a time: about one case, or
 * about anything when case_id is 0.
 */
int
store_outbox_count(struct store *st, int64_t case_id, const char *kind,
    const char *rcpt, time_t since)
{
	sqlite3_stmt	*s;
	int		 n = 0;

	/* Two statements: "?1 = 0 OR case_id = ?1" would defeat the index. */
	if (case_id != 0)
		s = store_stmt(st, "SELECT count(*) FROM outbox WHERE case_id ="
		    " ? AND kind = ? AND rcpt = ? AND created_at >= ?", "itti",
		    case_id, kind, rcpt, (int64_t)since);
	else
		s = store_stmt(st, "SELECT count(*) FROM outbox WHERE kind = ?"
		    " AND rcpt = ? AND created_at >= ?", "tti", kind, rcpt,
		    (int64_t)since);
	if (sqlite3_step(s) == SQLITE_ROW)
		n = sqlite3_column_int(s, 0);
	store_release(st, s);
	return (n);
}

/*
 * Where open cases wait: one row per (SOP, step) with one case there, so
 * a reload can refuse rules that would strand them. Parallel arrays.
 */
int
store_case_positions(struct store *st, char ***sops, char ***steps,
    char ***refs, size_t *n)
{
	sqlite3_stmt	*s;
	size_t		 cap = 0, cap2 = 0, cap3 = 0;

	*sops = *steps = *refs = NULL;
	*n = 0;
	s = store_stmt(st, "SELECT sop, step_name, min(ref) FROM cases WHERE"
	    " state IN (?, ?, ?) GROUP BY sop, step_name", "ttt", OPEN_STATES);
	while (sqlite3_step(s) == SQLITE_ROW) {
		*sops = store_grow(*sops, *n, &cap, sizeof **sops);
		*steps = store_grow(*steps, *n, &cap2, sizeof **steps);
		*refs = store_grow(*refs, *n, &cap3, sizeof **refs);
		(*sops)[*n] = store_col(s, 0);
		(*steps)[*n] = store_col(s, 1);
		(*refs)[*n] = store_col(s, 2);
		(*n)++;
	}
	store_release(st, s);
	return (0);
}

/*
 * Every dispatch still waiting in an open case, at the case's current
 * step and round: the timer's work, proportional to the open cases.
 */
int
store_waiting(struct store *st, struct waiting_row **rows, size_t *n)
{
	sqlite3_stmt		*s;
	size_t			 cap = 0;
	struct waiting_row	*w;

	*rows = NULL;
	*n = 0;
	s = store_stmt(st, "SELECT d.id, c.id, c.ref, c.sop, d.step_name,"
	    " d.round, d.official, d.token, d.sent_at, (SELECT count(*) FROM"
	    " reminders r WHERE r.case_id = c.id AND r.step = d.step_name AND"
	    " r.round = d.round AND r.level = 1 AND r.official = d.official),"
	    " (SELECT count(*) FROM reminders r WHERE r.case_id = c.id AND"
	    " r.step = d.step_name AND r.round = d.round AND r.level = 2)"
	    " FROM dispatches d JOIN cases c ON c.id = d.case_id WHERE"
	    " d.answered_at IS NULL AND c.state = ? AND c.step_name ="
	    " d.step_name AND c.round = d.round ORDER BY d.id", "t",
	    case_state_name(CASE_OPEN));
	while (sqlite3_step(s) == SQLITE_ROW) {
		*rows = store_grow(*rows, *n, &cap, sizeof **rows);
		w = &(*rows)[(*n)++];
		w->dispatch_id = sqlite3_column_int64(s, 0);
		w->case_id = sqlite3_column_int64(s, 1);
		w->ref = store_col(s, 2);
		w->sop = store_col(s, 3);
		w->step = store_col(s, 4);
		w->round = sqlite3_column_int(s, 5);
		w->official = store_col(s, 6);
		w->token = store_col(s, 7);
		w->since = (time_t)sqlite3_column_int64(s, 8);
		w->reminded = sqlite3_column_int(s, 9) > 0;
		w->escalated = sqlite3_column_int(s, 10) > 0;
	}
	store_release(st, s);
	return (0);
}

void
store_waiting_free(struct waiting_row *rows, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++) {
		free(rows[i].ref);
		free(rows[i].sop);
		free(rows[i].step);
		free(rows[i].official);
		free(rows[i].token);
	}
	free(rows);
}

/*
 * Records a reminder (level 1, per official) or an escalation (level 2,
 * official ""); 1 if recorded now, 0 if it was sent before, -1 error.
 */
int
store_reminder_add(struct store *st, int64_t case_id, const char *step,
    int round, int level, const char *official)
{
	if (store_done(st, store_stmt(st, "INSERT OR IGNORE INTO reminders"
	    " (case_id, step, round, level, official, at) VALUES (?, ?, ?, ?,"
	    " ?, ?)", "itiiti", case_id, step, (int64_t)round, (int64_t)level,
	    official, (int64_t)clock_now())) == -1)
		return (-1);
	return (sqlite3_changes(st->db) == 1);
}

/* What a step took, in office minutes, against its standard time. */
int
store_step_time(struct store *st, int64_t case_id, const char *step,
    int round, time_t entered, long minutes, int standard)
{
	return (store_done(st, store_stmt(st, "INSERT INTO step_times"
	    " (case_id, step, round, entered_at, left_at, office_minutes,"
	    " standard_minutes) VALUES (?, ?, ?, ?, ?, ?, ?)", "itiiiii",
	    case_id, step, (int64_t)round, (int64_t)entered,
	    (int64_t)clock_now(), (int64_t)minutes, (int64_t)standard)));
}

/* One outbox row, for a bounce that names it; NULL if none. */
struct outbox_row *
store_outbox_get(struct store *st, int64_t id)
{
	sqlite3_stmt		*s;
	struct outbox_row	*r = NULL;

	s = store_stmt(st, "SELECT id, rcpt, path, message_id, kind,"
	    " coalesce(case_id, 0) FROM outbox WHERE id = ?", "i", id);
	if (sqlite3_step(s) == SQLITE_ROW) {
		r = xcalloc(1, sizeof *r);
		r->id = sqlite3_column_int64(s, 0);
		r->rcpt = store_col(s, 1);
		r->path = store_col(s, 2);
		r->message_id = store_col(s, 3);
		r->kind = store_col(s, 4);
		r->case_id = sqlite3_column_int64(s, 5);
	}
	store_release(st, s);
	return (r);
}

/* How many events of a kind with this detail a case (or none, 0) has. */
int
store_event_count(struct store *st, int64_t case_id, const char *event,
    const char *detail)
{
	sqlite3_stmt	*s;
	int		 n = 0;

	s = store_stmt(st, "SELECT count(*) FROM case_events WHERE case_id IS"
	    " nullif(?, 0) AND event = ? AND detail = ?", "itt", case_id, event,
	    detail);
	if (sqlite3_step(s) == SQLITE_ROW)
		n = sqlite3_column_int(s, 0);
	store_release(st, s);
	return (n);
}

/* How many mails of a kind went out about one dispatch token of a case. */
int
store_outbox_token_count(struct store *st, int64_t case_id, const char *kind,
    const char *token)
{
	sqlite3_stmt	*s;
	char		*like;
	int		 n = 0;

	xasprintf(&like, "%%.%s@%%", token);
	s = store_stmt(st, "SELECT count(*) FROM outbox WHERE case_id = ? AND"
	    " kind = ? AND message_id LIKE ?", "itt", case_id, kind, like);
	if (sqlite3_step(s) == SQLITE_ROW)
		n = sqlite3_column_int(s, 0);
	store_release(st, s);
	free(like);
	return (n);
}

/* The case a follow-up mail is about: by subject tag, then by references. */
int64_t
store_case_find(struct store *st, const char *subject, char **refs,
    size_t nrefs)
{
	sqlite3_stmt	*s;
	char		 ref[CASE_REF_MAX + 1];
	int64_t		 id = 0;
	size_t		 i;

	for (i = 0; id == 0 && i <= nrefs; i++) {
		if (i == 0 && (subject == NULL || !case_ref_find(subject, ref)))
			continue;
		if (i > 0 && !case_ref_find(refs[i - 1], ref))
			continue;
		s = store_stmt(st, "SELECT id FROM cases WHERE ref = ?", "t",
		    ref);
		if (sqlite3_step(s) == SQLITE_ROW)
			id = sqlite3_column_int64(s, 0);
		store_release(st, s);
	}
	return (id);
}

/*
 * Prints the rows of a read-only query as "column: value" blocks, for
 * `disposisi status`. The query may take one text parameter.
 * Returns the number of rows.
 */
int
store_print(struct store *st, FILE *f, const char *sql, const char *arg)
{
	sqlite3_stmt	*s;
	int		 i, n = 0, w, width = 0;
	const char	*v;

	s = store_stmt(st, sql, arg != NULL ? "t" : "", arg);
	for (i = 0; i < sqlite3_column_count(s); i++) {
		w = (int)strlen(sqlite3_column_name(s, i));
		width = w > width ? w : width;
	}
	while (sqlite3_step(s) == SQLITE_ROW) {
		if (n++ > 0 || sqlite3_column_count(s) > 1)
			fputc('\n', f);
		for (i = 0; i < sqlite3_column_count(s); i++) {
			v = (const char *)sqlite3_column_text(s, i);
			fprintf(f, "  %-*s  %s\n", width,
			    sqlite3_column_name(s, i), v ? v : "-");
		}
	}
	store_release(st, s);
	return (n);
}

#define CASE_LIST "SELECT c.ref, c.applicant, c.sop, c.step_name, c.state," \
	" coalesce(c.step_since, c.updated_at), (SELECT group_concat(" \
	"d.official, ', ') FROM dispatches d WHERE d.case_id = c.id AND" \
	" d.step_name = c.step_name AND d.round = c.round AND" \
	" d.answered_at IS NULL) FROM cases c"

/*
 * The cases an admin lists: open (not closed), closed, or all; with who
 * each waits on. Rows to free with store_case_rows_free.
 */
int
store_case_list(struct store *st, int which, struct case_list_row **rows,
    size_t *n)
{
	sqlite3_stmt		*s;
	size_t			 cap = 0;
	struct case_list_row	*r;

	*rows = NULL;
	*n = 0;
	if (which == 2)
		s = store_stmt(st, CASE_LIST " ORDER BY c.id", "");
	else if (which == 1)
		s = store_stmt(st, CASE_LIST " WHERE c.state IN (?, ?, ?) ORDER"
		    " BY c.id", "ttt", CLOSED_STATES);
	else
		s = store_stmt(st, CASE_LIST " WHERE c.state IN (?, ?, ?) ORDER"
		    " BY c.id", "ttt", OPEN_STATES);
	while (sqlite3_step(s) == SQLITE_ROW) {
		*rows = store_grow(*rows, *n, &cap, sizeof **rows);
		r = &(*rows)[(*n)++];
		r->ref = store_col(s, 0);
		r->applicant = store_col(s, 1);
		r->sop = store_col(s, 2);
		r->step = store_col(s, 3);
		r->state = store_col(s, 4);
		r->since = (time_t)sqlite3_column_int64(s, 5);
		r->waiting = store_col(s, 6);
	}
	store_release(st, s);
	return (0);
}

void
store_case_rows_free(struct case_list_row *rows, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++) {
		free(rows[i].ref);
		free(rows[i].applicant);
		free(rows[i].sop);
		free(rows[i].step);
		free(rows[i].state);
		free(rows[i].waiting);
	}
	free(rows);
}

/* Failed mail (one row, or all with id 0) queued again at once. */
int
store_outbox_retry(struct store *st, int64_t id)
{
	sqlite3_stmt	*s;
	int64_t		*cases = NULL;
	char		**what = NULL;
	size_t		 n = 0, i;
	int		 rv = 0;

	/* The admin's retry goes into each case's history. */
	/* "+case_id": the unsent rows' index, not every row with a case. */
	s = store_stmt(st, "SELECT case_id, kind || ' to ' || rcpt FROM outbox"
	    " WHERE status != 'sent' AND +case_id IS NOT NULL AND (?1 = 0 OR"
	    " id = ?1)", "i", id);
	while (sqlite3_step(s) == SQLITE_ROW) {
		cases = xreallocarray(cases, n + 1, sizeof *cases);
		what = xreallocarray(what, n + 1, sizeof *what);
		cases[n] = sqlite3_column_int64(s, 0);
		what[n++] = store_col(s, 1);
	}
	store_release(st, s);
	for (i = 0; i < n; i++) {
		if (rv == 0 && store_event(st, cases[i], "admin",
		    "kirim-ulang", what[i]) == -1)
			rv = -1;
		free(what[i]);
	}
	free(cases);
	free(what);
	if (rv == -1)
		return (-1);
	if (store_done(st, store_stmt(st, "UPDATE outbox SET status ="
	    " 'queued', attempts = 0, next_attempt_at = ? WHERE status !="
	    " 'sent' AND (?2 = 0 OR id = ?2)", "ii", (int64_t)clock_now(),
	    id)) == -1)
		return (-1);
	return (sqlite3_changes(st->db));
}

/*
 * Prints the rows of a read-only query as a JSON array of objects keyed
 * by column name (numbers as numbers, NULL as null), for the admin's
 * --json views. The query may take one text parameter.
 */
int
store_print_json(struct store *st, FILE *f, const char *sql, const char *arg)
{
	sqlite3_stmt	*s;
	int		 i, n = 0;

	s = store_stmt(st, sql, arg != NULL ? "t" : "", arg);
	fputc('[', f);
	while (sqlite3_step(s) == SQLITE_ROW) {
		fputs(n++ ? ", {" : "{", f);
		for (i = 0; i < sqlite3_column_count(s); i++) {
			fputs(i ? ", " : "", f);
			util_json_str(f, sqlite3_column_name(s, i));
			fputs(": ", f);
			switch (sqlite3_column_type(s, i)) {
			case SQLITE_NULL:
				fputs("null", f);
				break;
			case SQLITE_INTEGER:
				fprintf(f, "%lld", (long long)
				    sqlite3_column_int64(s, i));
				break;
			default:
				util_json_str(f, (const char *)
				    sqlite3_column_text(s, i));
			}
		}
		fputc('}', f);
	}
	fputc(']', f);
	store_release(st, s);
	return (n);
}

/*
 * The rows of a read-only query as text cells (NULL as NULL), for the
 * report; one text parameter at most. Free with store_table_free.
 */
int
store_table(struct store *st, const char *sql, const char *arg,
    struct table *t)
{
	sqlite3_stmt	*s;
	size_t		 cap = 0, i;

	memset(t, 0, sizeof *t);
	s = store_stmt(st, sql, arg != NULL ? "t" : "", arg);
	t->ncols = (size_t)sqlite3_column_count(s);
	while (sqlite3_step(s) == SQLITE_ROW) {
		if ((t->nrows + 1) * t->ncols > cap) {
			cap = cap ? cap * 2 : 64 * t->ncols;
			t->cells = xreallocarray(t->cells, cap,
			    sizeof *t->cells);
		}
		for (i = 0; i < t->ncols; i++)
			t->cells[t->nrows * t->ncols + i] = store_col(s,
			    (int)i);
		t->nrows++;
	}
	store_release(st, s);
	return (0);
}

void
store_table_free(struct table *t)
{
	size_t	 i;

	for (i = 0; i < t->nrows * t->ncols; i++)
		free(t->cells[i]);
	free(t->cells);
	memset(t, 0, sizeof *t);
}
