/* SPDX-License-Identifier: ISC */
/*
 * Mail in and out: the mailbox's place (mailbox_state), each message
 * taken (inbound) and where it goes in IMAP, and the mails the robot
 * sends (outbox) with their retries. Return conventions: store_p.h.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sqlite3.h>

#include "disposisi.h"
#include "store_p.h"

struct mailbox_place {
	uint32_t	 uidvalidity, last_uid;
};
static const struct store_col mailbox_cols[] = {
	STORE_COL(COL_NUM, struct mailbox_place, uidvalidity),
	STORE_COL(COL_NUM, struct mailbox_place, last_uid)
};
static const struct store_shape mailbox_shape = STORE_SHAPE(
    struct mailbox_place, mailbox_cols);

/* 1 and fills when the mailbox is known, 0 when not, -1 on error. */
int
store_mailbox_get(struct store *st, const char *mbox, uint32_t *uidvalidity,
    uint32_t *last_uid)
{
	struct mailbox_place	*m;
	int			 rc;

	if ((rc = store_row(st, store_stmt(st, "SELECT uidvalidity, last_uid"
	    " FROM mailbox_state WHERE mailbox = ?", "t", mbox), &m,
	    &mailbox_shape)) == 1) {
		*uidvalidity = m->uidvalidity;
		*last_uid = m->last_uid;
		free(m);
	}
	return (rc);
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
 * Returns the inbound id, 0, or -1 on error.
 */
int
store_inbound_seen(struct store *st, const char *mbox, uint32_t uidvalidity,
    uint32_t uid, const char *sha256)
{
	return ((int)store_int(st, store_stmt(st, "SELECT id FROM inbound WHERE"
	    " (mailbox = ? AND uidvalidity = ? AND uid = ?) OR sha256 = ?",
	    "tiit", mbox, (int64_t)uidvalidity, (int64_t)uid, sha256)));
}

/*
 * A message held over a limit (kind "held") that comes again under
 * another UID: the admin moved it back to be handled. Its row, 0, or -1.
 */
int64_t
store_inbound_released(struct store *st, const char *mbox,
    uint32_t uidvalidity, uint32_t uid, const char *sha256)
{
	return (store_int(st, store_stmt(st, "SELECT id FROM inbound WHERE"
	    " sha256 = ? AND kind = 'held' AND NOT (mailbox = ? AND"
	    " uidvalidity = ? AND uid = ?)", "ttii", sha256, mbox,
	    (int64_t)uidvalidity, (int64_t)uid)));
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
	return ((int)store_int(st, store_stmt(st, "SELECT kind = 'held' FROM"
	    " inbound WHERE id = ?", "i", id)));
}

/* Mail in since a time: from one sender, or (NULL) from everyone. */
int64_t
store_inbound_since(struct store *st, const char *sender, time_t since)
{
	if (sender == NULL)
		return (store_int(st, store_stmt(st, "SELECT count(*) FROM"
		    " inbound WHERE received_at > ?", "i", (int64_t)since)));
	return (store_int(st, store_stmt(st, "SELECT count(*) FROM inbound"
	    " WHERE sender = ? AND received_at > ?", "ti", sender,
	    (int64_t)since)));
}

/* Held mail since a time, other than row except: one sender's, or all. */
int64_t
store_held_since(struct store *st, const char *sender, time_t since,
    int64_t except)
{
	if (sender == NULL)
		return (store_int(st, store_stmt(st, "SELECT count(*) FROM"
		    " inbound WHERE received_at > ? AND kind = 'held' AND"
		    " id != ?", "ii", (int64_t)since, except)));
	return (store_int(st, store_stmt(st, "SELECT count(*) FROM inbound"
	    " WHERE sender = ? AND received_at > ? AND kind = 'held' AND"
	    " id != ?", "tii", sender, (int64_t)since, except)));
}

int64_t
store_inbound_add(struct store *st, const char *mbox, uint32_t uidvalidity,
    uint32_t uid, const char *sha256, const struct msg *m)
{
	return (store_insert(st, store_stmt(st, "INSERT INTO inbound (mailbox,"
	    " uidvalidity, uid, sha256, message_id, sender, subject, kind,"
	    " folder, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'new', '',"
	    " ?)", "tiitttti", mbox, (int64_t)uidvalidity,
	    (int64_t)uid, sha256, m ? m->message_id : NULL,
	    m ? m->from_addr : NULL, m ? m->subject : NULL,
	    (int64_t)clock_now())));
}

/*
 * An earlier message with this Message-ID but other bytes (those are
 * caught by sha256): a copy through another route, or a replay. Returns
 * its id, 0, or -1 on error.
 */
int64_t
store_inbound_by_mid(struct store *st, const char *mid, int64_t except)
{
	if (mid == NULL)
		return (0);
	return (store_int(st, store_stmt(st, "SELECT min(id) FROM inbound"
	    " WHERE message_id = ? AND id != ? AND kind NOT IN ('malformed',"
	    " 'too-large', 'unfetchable', 'error', 'duplicate')", "ti", mid,
	    except)));
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

static const struct store_col inbound_cols[] = {
	STORE_COL(COL_NUM, struct inbound_row, id),
	STORE_COL(COL_NUM, struct inbound_row, uidvalidity),
	STORE_COL(COL_NUM, struct inbound_row, uid),
	STORE_COL(COL_STR, struct inbound_row, folder)
};
static const struct store_shape inbound_shape = STORE_SHAPE(
    struct inbound_row, inbound_cols);

/* Messages committed but not yet flagged and moved in IMAP. */
int
store_inbound_pending(struct store *st, const char *mbox,
    struct inbound_row **rows, size_t *n)
{
	return (store_rows(st, store_stmt(st, "SELECT id, uidvalidity, uid,"
	    " folder FROM inbound WHERE mailbox = ? AND imap_done = 0 ORDER BY"
	    " id", "t", mbox), rows, n, &inbound_shape));
}

void
store_inbound_rows_free(struct inbound_row *rows, size_t n)
{
	store_rows_free(rows, n, &inbound_shape);
}

int
store_inbound_done(struct store *st, int64_t id)
{
	return (store_done(st, store_stmt(st, "UPDATE inbound SET"
	    " imap_done = 1 WHERE id = ?", "i", id)));
}

/* The spool names of mail from addr that joined no case, oldest first. */
int
store_inbound_loose(struct store *st, const char *addr, char ***shas,
    size_t *n)
{
	return (store_strings(st, store_stmt(st, "SELECT sha256 FROM inbound"
	    " WHERE sender = ? AND case_id IS NULL AND sha256 IS NOT NULL ORDER"
	    " BY id", "t", addr), shas, n));
}

int64_t
store_outbox_add(struct store *st, int64_t case_id, const char *kind,
    const char *rcpt, const char *message_id, const char *path)
{
	return (store_insert(st, store_stmt(st, "INSERT INTO outbox (case_id,"
	    " kind, rcpt, message_id, path, next_attempt_at, created_at)"
	    " VALUES (nullif(?, 0), ?, ?, ?, ?, ?, ?)", "ittttii", case_id,
	    kind, rcpt, message_id, path, (int64_t)clock_now(),
	    (int64_t)clock_now())));
}

/* The columns both readers of outbox rows name, in this order. */
#define OUTBOX_COLS "o.id, o.rcpt, o.path, o.message_id, o.kind," \
	" coalesce(o.case_id, 0), c.ref, o.attempts FROM outbox o LEFT JOIN" \
	" cases c ON c.id = o.case_id"

static const struct store_col outbox_cols[] = {
	STORE_COL(COL_NUM, struct outbox_row, id),
	STORE_COL(COL_STR, struct outbox_row, rcpt),
	STORE_COL(COL_STR, struct outbox_row, path),
	STORE_COL(COL_STR, struct outbox_row, message_id),
	STORE_COL(COL_STR, struct outbox_row, kind),
	STORE_COL(COL_NUM, struct outbox_row, case_id),
	STORE_COL(COL_STR, struct outbox_row, case_ref),
	STORE_COL(COL_NUM, struct outbox_row, attempts)
};
static const struct store_shape outbox_shape = STORE_SHAPE(struct outbox_row,
    outbox_cols);

int
store_outbox_due(struct store *st, time_t now, struct outbox_row **rows,
    size_t *n)
{
	return (store_rows(st, store_stmt(st, "SELECT " OUTBOX_COLS " WHERE"
	    " o.status = 'queued' AND o.next_attempt_at <= ? ORDER BY o.id"
	    " LIMIT 100", "i", (int64_t)now), rows, n, &outbox_shape));
}

/* One outbox row, for a bounce that names it: 1 found, 0 none, -1. */
int
store_outbox_get(struct store *st, int64_t id, struct outbox_row **r)
{
	return (store_row(st, store_stmt(st, "SELECT " OUTBOX_COLS " WHERE"
	    " o.id = ?", "i", id), r, &outbox_shape));
}

void
store_outbox_rows_free(struct outbox_row *rows, size_t n)
{
	store_rows_free(rows, n, &outbox_shape);
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
	return (store_changes(st, store_stmt(st, "UPDATE outbox SET"
	    " next_attempt_at = ?1 WHERE status = 'queued' AND next_attempt_at"
	    " > ?1", "i", (int64_t)latest)));
}

/* The earliest time a queued row is due: 1 found, 0 none queued, -1. */
int
store_outbox_next_due(struct store *st, time_t *when)
{
	int64_t	 t;

	/*
	 * 0 for none (min of no row is NULL, and so is max(NULL, 1)); a row
	 * due at the epoch (put there by hand) is due now, not "none".
	 */
	if ((t = store_int(st, store_stmt(st, "SELECT max(min("
	    "next_attempt_at), 1) FROM outbox WHERE status = 'queued'",
	    ""))) == -1)
		return (-1);
	if (t == 0)
		return (0);
	*when = (time_t)t;
	return (1);
}

/*
 * How many mails of a kind went to rcpt since a time: about one case, or
 * about anything when case_id is 0. -1 on error.
 */
int
store_outbox_count(struct store *st, int64_t case_id, const char *kind,
    const char *rcpt, time_t since)
{
	/* Two statements: "?1 = 0 OR case_id = ?1" would defeat the index. */
	if (case_id != 0)
		return ((int)store_int(st, store_stmt(st, "SELECT count(*) FROM"
		    " outbox WHERE case_id = ? AND kind = ? AND rcpt = ? AND"
		    " created_at >= ?", "itti", case_id, kind, rcpt,
		    (int64_t)since)));
	return ((int)store_int(st, store_stmt(st, "SELECT count(*) FROM outbox"
	    " WHERE kind = ? AND rcpt = ? AND created_at >= ?", "tti", kind,
	    rcpt, (int64_t)since)));
}

/* How many mails of a kind went out about one dispatch token of a case. */
int
store_outbox_token_count(struct store *st, int64_t case_id, const char *kind,
    const char *token)
{
	char	*like;
	int	 n;

	xasprintf(&like, "%%.%s@%%", token);
	n = (int)store_int(st, store_stmt(st, "SELECT count(*) FROM outbox"
	    " WHERE case_id = ? AND kind = ? AND message_id LIKE ?", "itt",
	    case_id, kind, like));
	free(like);
	return (n);
}

struct retry {
	int64_t	 case_id;
	char	*what;
};
static const struct store_col retry_cols[] = {
	STORE_COL(COL_NUM, struct retry, case_id),
	STORE_COL(COL_STR, struct retry, what)
};
static const struct store_shape retry_shape = STORE_SHAPE(struct retry,
    retry_cols);

/* Failed mail (one row, or all with id 0) queued again at once. */
int
store_outbox_retry(struct store *st, int64_t id)
{
	struct retry	*r;
	size_t		 n, i;
	int		 rv = 0;

	/* The admin's retry goes into each case's history. */
	/* "+case_id": the unsent rows' index, not every row with a case. */
	if (store_rows(st, store_stmt(st, "SELECT case_id, kind || ' to ' ||"
	    " rcpt FROM outbox WHERE status != 'sent' AND +case_id IS NOT NULL"
	    " AND (?1 = 0 OR id = ?1)", "i", id), &r, &n, &retry_shape) == -1)
		return (-1);
	for (i = 0; i < n && rv == 0; i++)
		rv = store_event(st, r[i].case_id, "admin", "kirim-ulang",
		    r[i].what);
	store_rows_free(r, n, &retry_shape);
	if (rv == -1)
		return (-1);
	return (store_changes(st, store_stmt(st, "UPDATE outbox SET status ="
	    " 'queued', attempts = 0, next_attempt_at = ? WHERE status !="
	    " 'sent' AND (?2 = 0 OR id = ?2)", "ii", (int64_t)clock_now(),
	    id)));
}
