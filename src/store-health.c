/* SPDX-License-Identifier: ISC */
/*
 * The figures of the robot's health (health.c): mail in and out, the
 * open cases by SOP and step, the last time the mailbox and the
 * submission server answered. Read-only but for the mailbox's time,
 * which the daemon keeps in the jobs table. Return conventions:
 * store_p.h.
 */

#include <stdio.h>
#include <stdlib.h>

#include <sqlite3.h>

#include "disposisi.h"
#include "store_p.h"

/* The jobs row where the daemon notes its last good sync of the mailbox. */
#define HEALTH_IMAP_JOB	"imap-sync"

static const struct store_col open_step_cols[] = {
	STORE_COL(COL_STR, struct open_step_row, sop),
	STORE_COL(COL_STR, struct open_step_row, step),
	STORE_COL(COL_NUM, struct open_step_row, n)
};
static const struct store_shape open_step_shape =
    STORE_SHAPE(struct open_step_row, open_step_cols);

/*
 * The counters: the rowids only grow (mail and cases are never deleted,
 * retention removes files), so the largest is the count so far and
 * costs one look. The failed and unsent mail is found by status (the
 * queue's index), the quarantine's day by the received time.
 */
int
store_health_counts(struct store *st, const char *quarantine, time_t since,
    struct health_counts *hc)
{
	hc->received = store_int(st, store_stmt(st, "SELECT max(id) FROM"
	    " inbound", ""));
	hc->queued = store_int(st, store_stmt(st, "SELECT max(id) FROM outbox",
	    ""));
	hc->unsent = store_int(st, store_stmt(st, "SELECT count(*) FROM outbox"
	    " WHERE status IN ('queued', 'failed')", ""));
	hc->failed = store_int(st, store_stmt(st, "SELECT count(*) FROM outbox"
	    " WHERE status = 'failed'", ""));
	hc->queued_since = (time_t)store_int(st, store_stmt(st, "SELECT"
	    " min(created_at) FROM outbox WHERE status = 'queued'", ""));
	hc->quarantined = store_int(st, store_stmt(st, "SELECT count(*) FROM"
	    " inbound WHERE received_at >= ? AND folder = ?", "it",
	    (int64_t)since, quarantine));
	/* Backwards by rowid: past the unsent mail, the newest sent. */
	hc->smtp_ok = (time_t)store_int(st, store_stmt(st, "SELECT sent_at"
	    " FROM outbox NOT INDEXED WHERE status = 'sent' ORDER BY id DESC"
	    " LIMIT 1", ""));
	hc->imap_ok = store_job_last(st, HEALTH_IMAP_JOB);
	if (hc->received == -1 || hc->queued == -1 || hc->unsent == -1 ||
	    hc->failed == -1 || hc->queued_since == -1 ||
	    hc->quarantined == -1 || hc->smtp_ok == -1 ||
	    hc->imap_ok == -1)
		return (-1);
	return (0);
}

/* The open cases counted by SOP and step. Free with store_open_steps_free. */
int
store_open_steps(struct store *st, struct open_step_row **rows, size_t *n)
{
	return (store_rows(st, store_stmt(st, "SELECT sop, step_name,"
	    " count(*) FROM cases WHERE state IN (?, ?, ?) GROUP BY sop,"
	    " step_name ORDER BY sop, step_name", "ttt", OPEN_STATES), rows, n,
	    &open_step_shape));
}

void
store_open_steps_free(struct open_step_row *rows, size_t n)
{
	store_rows_free(rows, n, &open_step_shape);
}

/* The daemon synced the mailbox at t. */
int
store_imap_ok(struct store *st, time_t t)
{
	if (store_begin(st) == -1)
		return (-1);
	if (store_job_done(st, HEALTH_IMAP_JOB, t) == -1 ||
	    store_commit(st) == -1) {
		store_rollback(st);
		return (-1);
	}
	return (0);
}
