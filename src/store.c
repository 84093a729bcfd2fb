/* SPDX-License-Identifier: ISC */
/*
 * The database: the one source of truth. Every write happens inside
 * store_begin()/store_commit() (BEGIN IMMEDIATE, WAL, synchronous=FULL),
 * so the effects of one inbound message - case changes and the mails they
 * cause - commit together or not at all. See docs/design.md.
 */

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "disposisi.h"

struct store {
	sqlite3	*db;
};

#define STORE_VERSION	1

static const char *store_schema =
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

/* Binds a list: 'i' int64, 't' text (NULL ok), 'n' null. */
static sqlite3_stmt *
store_stmt(struct store *st, const char *sql, const char *types, ...)
{
	sqlite3_stmt	*s = store_prepare(st, sql);
	va_list		 ap;
	int		 i;
	const char	*t;

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
		sqlite3_finalize(s);
		return (-1);
	}
	sqlite3_finalize(s);
	return (0);
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

static char *
store_col(sqlite3_stmt *s, int i)
{
	const unsigned char	*t = sqlite3_column_text(s, i);

	return (t == NULL ? NULL : xstrdup((const char *)t));
}

struct store *
store_open(const char *path, char **cause)
{
	struct store	*st;
	sqlite3_stmt	*s;
	int		 version;

	st = xcalloc(1, sizeof *st);
	if (sqlite3_open_v2(path, &st->db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX, NULL) != SQLITE_OK) {
		xasprintf(cause, "%s: %s", path, st->db ?
		    sqlite3_errmsg(st->db) : "cannot open");
		sqlite3_close(st->db);
		free(st);
		return (NULL);
	}
	sqlite3_busy_timeout(st->db, 5000);
	if (store_exec(st, "PRAGMA journal_mode=WAL") == -1 ||
	    store_exec(st, "PRAGMA synchronous=FULL") == -1 ||
	    store_exec(st, "PRAGMA foreign_keys=ON") == -1 ||
	    store_exec(st, "PRAGMA trusted_schema=OFF") == -1) {
		xasprintf(cause, "%s: %s", path, sqlite3_errmsg(st->db));
		store_close(st);
		return (NULL);
	}
	s = store_prepare(st, "PRAGMA user_version");
	sqlite3_step(s);
	version = sqlite3_column_int(s, 0);
	sqlite3_finalize(s);
	if (version == 0) {
		if (store_exec(st, "BEGIN IMMEDIATE") == -1 ||
		    store_exec(st, store_schema) == -1 ||
		    store_exec(st, "PRAGMA user_version=1") == -1 ||
		    store_exec(st, "COMMIT") == -1) {
			xasprintf(cause, "%s: cannot create schema: %s", path,
			    sqlite3_errmsg(st->db));
			store_close(st);
			return (NULL);
		}
	} else if (version != STORE_VERSION) {
		xasprintf(cause, "%s: schema version %d, this program knows"
		    " %d", path, version, STORE_VERSION);
		store_close(st);
		return (NULL);
	}
	return (st);
}

void
store_close(struct store *st)
{
	if (st == NULL)
		return;
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

int
store_commit(struct store *st)
{
	return (store_exec(st, "COMMIT"));
}

void
store_rollback(struct store *st)
{
	if (!sqlite3_get_autocommit(st->db))
		store_exec(st, "ROLLBACK");
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
	sqlite3_finalize(s);
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
	sqlite3_finalize(s);
	return (id);
}

int64_t
store_inbound_add(struct store *st, const char *mbox, uint32_t uidvalidity,
    uint32_t uid, const char *sha256, const struct msg *m)
{
	if (store_done(st, store_stmt(st, "INSERT INTO inbound (mailbox,"
	    " uidvalidity, uid, sha256, message_id, sender, subject, kind,"
	    " folder, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'new', '',"
	    " strftime('%s','now'))", "tiitttt", mbox, (int64_t)uidvalidity,
	    (int64_t)uid, sha256, m ? m->message_id : NULL,
	    m ? m->from_addr : NULL, m ? m->subject : NULL)) == -1)
		return (-1);
	return (sqlite3_last_insert_rowid(st->db));
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
	sqlite3_finalize(s);
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
store_case_read(sqlite3_stmt *s)
{
	struct case_row	*c = NULL;

	if (sqlite3_step(s) == SQLITE_ROW) {
		c = xcalloc(1, sizeof *c);
		c->id = sqlite3_column_int64(s, 0);
		c->ref = store_col(s, 1);
		c->applicant = store_col(s, 2);
		c->applicant_name = store_col(s, 3);
		c->subject = store_col(s, 4);
		c->root_message_id = store_col(s, 5);
		c->state = store_col(s, 6);
		c->step = sqlite3_column_int(s, 7);
	}
	sqlite3_finalize(s);
	return (c);
}

#define CASE_COLS "id, ref, applicant, applicant_name, subject," \
	" root_message_id, state, step"

/*
 * Opens a case with the next reference of the year: TTE-YYYY-NNNNN. The
 * sequence row is bumped inside the caller's transaction, so a rolled
 * back message leaves no gap.
 */
struct case_row *
store_case_open(struct store *st, const char *applicant, const char *name,
    const char *subject, const char *root_id, time_t now)
{
	sqlite3_stmt	*s;
	int		 year = util_year_wib(now);
	int64_t		 seq;
	char		*ref;

	if (store_done(st, store_stmt(st, "INSERT INTO case_seq VALUES (?, 1)"
	    " ON CONFLICT(year) DO UPDATE SET last = last + 1", "i",
	    (int64_t)year)) == -1)
		return (NULL);
	s = store_stmt(st, "SELECT last FROM case_seq WHERE year = ?", "i",
	    (int64_t)year);
	sqlite3_step(s);
	seq = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	xasprintf(&ref, "TTE-%04d-%05lld", year, (long long)seq);
	if (store_done(st, store_stmt(st, "INSERT INTO cases (ref, applicant,"
	    " applicant_name, subject, root_message_id, state, step,"
	    " opened_at, updated_at) VALUES (?, ?, ?, ?, ?, 'baru', 0, ?, ?)",
	    "tttttii", ref, applicant, name, subject, root_id, (int64_t)now,
	    (int64_t)now)) == -1) {
		free(ref);
		return (NULL);
	}
	free(ref);
	return (store_case_get(st, sqlite3_last_insert_rowid(st->db)));
}

struct case_row *
store_case_get(struct store *st, int64_t id)
{
	return (store_case_read(store_stmt(st, "SELECT " CASE_COLS " FROM"
	    " cases WHERE id = ?", "i", id)));
}

void
store_case_free(struct case_row *c)
{
	if (c == NULL)
		return;
	free(c->ref);
	free(c->applicant);
	free(c->applicant_name);
	free(c->subject);
	free(c->root_message_id);
	free(c->state);
	free(c);
}

/*
 * Moves a case from state "from" (compare-and-set: a stale or duplicate
 * decision changes nothing) to "to" at step. Returns 1 if it moved.
 */
int
store_case_set(struct store *st, int64_t id, const char *from, int step,
    const char *to, const char *reason)
{
	if (store_done(st, store_stmt(st, "UPDATE cases SET state = ?,"
	    " step = ?, reason = coalesce(?, reason), updated_at ="
	    " strftime('%s','now') WHERE id = ? AND state = ?", "titit", to,
	    (int64_t)step, reason, id, from)) == -1)
		return (-1);
	return (sqlite3_changes(st->db) == 1);
}

/* Appends to the audit trail: who did what to which case, and why. */
int
store_event(struct store *st, int64_t case_id, const char *actor,
    const char *event, const char *detail)
{
	return (store_done(st, store_stmt(st, "INSERT INTO case_events"
	    " (case_id, at, actor, event, detail) VALUES (nullif(?, 0),"
	    " strftime('%s','now'), ?, ?, ?)", "ittt", case_id, actor, event,
	    detail)));
}

int
store_document_add(struct store *st, int64_t case_id,
    const struct attachment *a)
{
	return (store_done(st, store_stmt(st, "INSERT INTO documents (case_id,"
	    " filename, content_type, sha256, path, size) VALUES (?, ?, ?, ?,"
	    " ?, ?)", "itttti", case_id, a->filename, a->content_type,
	    a->sha256, a->path, (int64_t)a->size)));
}

int
store_documents(struct store *st, int64_t case_id, struct attachment **att,
    size_t *n)
{
	sqlite3_stmt	*s;
	size_t		 cap = 0;
	struct attachment *a;

	*att = NULL;
	*n = 0;
	s = store_stmt(st, "SELECT filename, content_type, sha256, path, size"
	    " FROM documents WHERE case_id = ? ORDER BY id", "i", case_id);
	while (sqlite3_step(s) == SQLITE_ROW) {
		*att = store_grow(*att, *n, &cap, sizeof **att);
		a = &(*att)[(*n)++];
		memset(a, 0, sizeof *a);
		a->filename = store_col(s, 0);
		a->content_type = store_col(s, 1);
		snprintf(a->sha256, sizeof a->sha256, "%s",
		    (const char *)sqlite3_column_text(s, 2));
		a->path = store_col(s, 3);
		a->size = (size_t)sqlite3_column_int64(s, 4);
	}
	sqlite3_finalize(s);
	return (0);
}

void
store_documents_free(struct attachment *att, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++) {
		free(att[i].filename);
		free(att[i].content_type);
		free(att[i].path);
	}
	free(att);
}

int64_t
store_dispatch_add(struct store *st, int64_t case_id, int step,
    const char *role, const char *official, const char *token,
    const char *message_id)
{
	if (store_done(st, store_stmt(st, "INSERT INTO dispatches (case_id,"
	    " step, role, official, token, message_id, sent_at) VALUES (?, ?,"
	    " ?, ?, ?, ?, strftime('%s','now'))", "iitttt", case_id,
	    (int64_t)step, role, official, token, message_id)) == -1)
		return (-1);
	return (sqlite3_last_insert_rowid(st->db));
}

static struct dispatch_row *
store_dispatch_read(sqlite3_stmt *s)
{
	struct dispatch_row	*d = NULL;

	if (sqlite3_step(s) == SQLITE_ROW) {
		d = xcalloc(1, sizeof *d);
		d->id = sqlite3_column_int64(s, 0);
		d->case_id = sqlite3_column_int64(s, 1);
		d->step = sqlite3_column_int(s, 2);
		d->official = store_col(s, 3);
		d->token = store_col(s, 4);
		d->message_id = store_col(s, 5);
		d->answered = sqlite3_column_int(s, 6);
	}
	sqlite3_finalize(s);
	return (d);
}

#define DISPATCH_COLS "id, case_id, step, official, token, message_id," \
	" answered_at IS NOT NULL"

struct dispatch_row *
store_dispatch_by_token(struct store *st, const char *token)
{
	return (store_dispatch_read(store_stmt(st, "SELECT " DISPATCH_COLS
	    " FROM dispatches WHERE token = ?", "t", token)));
}

/* The dispatch of a case still waiting for its answer, if any. */
struct dispatch_row *
store_dispatch_pending(struct store *st, int64_t case_id)
{
	return (store_dispatch_read(store_stmt(st, "SELECT " DISPATCH_COLS
	    " FROM dispatches WHERE case_id = ? AND answered_at IS NULL"
	    " ORDER BY id DESC LIMIT 1", "i", case_id)));
}

void
store_dispatch_free(struct dispatch_row *d)
{
	if (d == NULL)
		return;
	free(d->official);
	free(d->token);
	free(d->message_id);
	free(d);
}

/* Records the answer once; returns 1 if this call recorded it. */
int
store_dispatch_answer(struct store *st, int64_t id, const char *verdict,
    const char *reason, int64_t inbound_id)
{
	if (store_done(st, store_stmt(st, "UPDATE dispatches SET answered_at"
	    " = strftime('%s','now'), verdict = ?, reason = ?,"
	    " inbound_id = nullif(?, 0)"
	    " WHERE id = ? AND answered_at IS NULL", "ttii", verdict, reason,
	    inbound_id, id)) == -1)
		return (-1);
	return (sqlite3_changes(st->db) == 1);
}

int64_t
store_outbox_add(struct store *st, int64_t case_id, const char *kind,
    const char *rcpt, const char *message_id, const char *path)
{
	if (store_done(st, store_stmt(st, "INSERT INTO outbox (case_id, kind,"
	    " rcpt, message_id, path, next_attempt_at, created_at) VALUES"
	    " (nullif(?, 0), ?, ?, ?, ?, strftime('%s','now'),"
	    " strftime('%s','now'))", "itttt", case_id, kind, rcpt,
	    message_id, path)) == -1)
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
		r->id = sqlite3_column_int64(s, 0);
		r->rcpt = store_col(s, 1);
		r->path = store_col(s, 2);
		r->message_id = store_col(s, 3);
		r->case_ref = store_col(s, 4);
		r->attempts = sqlite3_column_int(s, 5);
	}
	sqlite3_finalize(s);
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
	    " strftime('%s','now') END WHERE id = ?", "tititi", status,
	    (int64_t)code, error, (int64_t)next_at, status, id)));
}

/* The earliest time a queued row is due; 0 if none is queued. */
int
store_outbox_next_due(struct store *st, time_t *when)
{
	sqlite3_stmt	*s;
	int		 found = 0;

	s = store_prepare(st, "SELECT min(next_attempt_at) FROM outbox WHERE"
	    " status = 'queued'");
	if (sqlite3_step(s) == SQLITE_ROW &&
	    sqlite3_column_type(s, 0) != SQLITE_NULL) {
		*when = (time_t)sqlite3_column_int64(s, 0);
		found = 1;
	}
	sqlite3_finalize(s);
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

	s = store_stmt(st, "SELECT count(*) FROM outbox WHERE (?1 = 0 OR"
	    " case_id = ?1) AND kind = ?2 AND rcpt = ?3 AND created_at >= ?4",
	    "itti", case_id, kind, rcpt, (int64_t)since);
	if (sqlite3_step(s) == SQLITE_ROW)
		n = sqlite3_column_int(s, 0);
	sqlite3_finalize(s);
	return (n);
}

/* The case a follow-up mail is about: by subject tag, then by references. */
int64_t
store_case_find(struct store *st, const char *subject, char **refs,
    size_t nrefs)
{
	sqlite3_stmt	*s;
	char		 ref[16];
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
		sqlite3_finalize(s);
	}
	return (id);
}

char *
store_case_ref(struct store *st, int64_t id)
{
	struct case_row	*c = store_case_get(st, id);
	char		*r;

	if (c == NULL)
		return (NULL);
	r = c->ref;
	c->ref = NULL;
	store_case_free(c);
	return (r);
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
	sqlite3_finalize(s);
	return (n);
}
