/* SPDX-License-Identifier: ISC */
/*
 * Dispositions: one row per official asked at a step and round, under a
 * token; the answer recorded once; answers by the case tag alone waiting
 * for their confirmation; the dispositions still waiting, for the timer,
 * and the reminders it sent. Return conventions: store_p.h.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sqlite3.h>

#include "disposisi.h"
#include "store_p.h"

int64_t
store_dispatch_add(struct store *st, int64_t case_id, const char *step,
    int round, const char *role, const char *official, const char *on_behalf,
    const char *token)
{
	return (store_insert(st, store_stmt(st, "INSERT INTO dispatches"
	    " (case_id, step_name, round, role, official, on_behalf, token,"
	    " message_id, sent_at) VALUES (?, ?, ?, ?, ?, ?, ?, '', ?)",
	    "ititttti", case_id, step, (int64_t)round, role, official,
	    on_behalf, token, (int64_t)clock_now())));
}

#define DISPATCH_COLS "id, case_id, step_name, round, official, token," \
	" message_id, answered_at IS NOT NULL, on_behalf"

static const struct store_col dispatch_cols[] = {
	STORE_COL(COL_NUM, struct dispatch_row, id),
	STORE_COL(COL_NUM, struct dispatch_row, case_id),
	STORE_COL(COL_STR, struct dispatch_row, step),
	STORE_COL(COL_NUM, struct dispatch_row, round),
	STORE_COL(COL_STR, struct dispatch_row, official),
	STORE_COL(COL_STR, struct dispatch_row, token),
	STORE_COL(COL_STR, struct dispatch_row, message_id),
	STORE_COL(COL_BOOL, struct dispatch_row, answered),
	STORE_COL(COL_STR, struct dispatch_row, on_behalf)
};
static const struct store_shape dispatch_shape = STORE_SHAPE(
    struct dispatch_row, dispatch_cols);

/* The disposition of a token: 1 found (*d set), 0 none, -1 error. */
int
store_dispatch_by_token(struct store *st, const char *token,
    struct dispatch_row **d)
{
	return (store_row(st, store_stmt(st, "SELECT " DISPATCH_COLS " FROM"
	    " dispatches WHERE token = ?", "t", token), d,
	    &dispatch_shape));
}

int
store_dispatch_get(struct store *st, int64_t id, struct dispatch_row **d)
{
	return (store_row(st, store_stmt(st, "SELECT " DISPATCH_COLS " FROM"
	    " dispatches WHERE id = ?", "i", id), d,
	    &dispatch_shape));
}

/* The unanswered dispatch of a case to one official: 1, 0 none, -1. */
int
store_dispatch_pending(struct store *st, int64_t case_id, const char *who,
    struct dispatch_row **d)
{
	return (store_row(st, store_stmt(st, "SELECT " DISPATCH_COLS " FROM"
	    " dispatches WHERE case_id = ? AND official = ? AND answered_at IS"
	    " NULL ORDER BY id DESC LIMIT 1", "it", case_id, who), d,
	    &dispatch_shape));
}

void
store_dispatch_free(struct dispatch_row *d)
{
	store_rows_free(d, 1, &dispatch_shape);
}

/*
 * The officials of a step's round whose verdict is verdict ("Y": who
 * said yes, in the order they did; NULL: who has not answered).
 */
int
store_dispatch_who(struct store *st, int64_t case_id, const char *step,
    int round, const char *verdict, char ***who, size_t *n)
{
	return (store_strings(st, store_stmt(st, "SELECT official FROM"
	    " dispatches WHERE case_id = ? AND step_name = ? AND round = ? AND"
	    " verdict IS ? ORDER BY answered_at, id", "itit", case_id, step,
	    (int64_t)round, verdict), who, n));
}

/* Has this official had a dispatch of the step in this round? -1: error */
int
store_dispatch_count(struct store *st, int64_t case_id, const char *step,
    int round, const char *official)
{
	return ((int)store_int(st, store_stmt(st, "SELECT count(*) FROM"
	    " dispatches WHERE case_id = ? AND step_name = ? AND round = ? AND"
	    " official = ?", "itit", case_id, step, (int64_t)round,
	    official)));
}

static const struct store_col decision_cols[] = {
	STORE_COL(COL_NUM, struct decision_row, at),
	STORE_COL(COL_STR, struct decision_row, step),
	STORE_COL(COL_STR, struct decision_row, role),
	STORE_COL(COL_STR, struct decision_row, verdict),
	STORE_COL(COL_STR, struct decision_row, reason)
};
static const struct store_shape decision_shape = STORE_SHAPE(
    struct decision_row, decision_cols);

/* A case's answers Y and T so far, oldest first. */
int
store_decisions(struct store *st, int64_t case_id, struct decision_row **d,
    size_t *n)
{
	return (store_rows(st, store_stmt(st, "SELECT answered_at, step_name,"
	    " role, verdict, reason FROM dispatches WHERE case_id = ? AND"
	    " verdict IN ('Y', 'T') ORDER BY answered_at, id", "i", case_id),
	    d, n, &decision_shape));
}

void
store_decisions_free(struct decision_row *d, size_t n)
{
	store_rows_free(d, n, &decision_shape);
}

/* Records the answer once; returns 1 if this call recorded it. */
int
store_dispatch_answer(struct store *st, int64_t id, const char *verdict,
    const char *reason, int64_t inbound_id)
{
	return (store_once(st, store_stmt(st, "UPDATE dispatches SET"
	    " answered_at = ?, verdict = ?, reason = ?, inbound_id ="
	    " nullif(?, 0) WHERE id = ? AND answered_at IS NULL", "ittii",
	    (int64_t)clock_now(), verdict, reason, inbound_id, id)));
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
	if (who != NULL && store_strings(st, store_stmt(st, "SELECT official"
	    " FROM dispatches WHERE case_id = ? AND step_name = ? AND round = ?"
	    " AND answered_at IS NULL ORDER BY id", "iti", case_id, step,
	    (int64_t)round), who, n) == -1)
		return (-1);
	return (store_done(st, store_stmt(st, "UPDATE dispatches SET"
	    " answered_at = ?, verdict = '-', reason = ? WHERE case_id = ? AND"
	    " step_name = ? AND round = ? AND answered_at IS NULL", "ititi",
	    (int64_t)clock_now(), why, case_id, step, (int64_t)round)));
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

static const struct store_col confirm_cols[] = {
	STORE_COL(COL_NUM, struct confirm_row, dispatch_id),
	STORE_COL(COL_STR, struct confirm_row, verdict),
	STORE_COL(COL_STR, struct confirm_row, reason),
	STORE_COL(COL_STR, struct confirm_row, value)
};
static const struct store_shape confirm_shape = STORE_SHAPE(
    struct confirm_row, confirm_cols);

/* The answer waiting under a confirmation's token: 1, 0 none, -1. */
int
store_confirm_get(struct store *st, const char *token, struct confirm_row **r)
{
	return (store_row(st, store_stmt(st, "SELECT dispatch_id, verdict,"
	    " reason, value FROM confirmations WHERE token = ?", "t", token), r,
	    &confirm_shape));
}

void
store_confirm_free(struct confirm_row *r)
{
	store_rows_free(r, 1, &confirm_shape);
}

static const struct store_col waiting_cols[] = {
	STORE_COL(COL_NUM, struct waiting_row, dispatch_id),
	STORE_COL(COL_NUM, struct waiting_row, case_id),
	STORE_COL(COL_STR, struct waiting_row, ref),
	STORE_COL(COL_STR, struct waiting_row, sop),
	STORE_COL(COL_STR, struct waiting_row, step),
	STORE_COL(COL_NUM, struct waiting_row, round),
	STORE_COL(COL_STR, struct waiting_row, official),
	STORE_COL(COL_STR, struct waiting_row, token),
	STORE_COL(COL_NUM, struct waiting_row, since),
	STORE_COL(COL_BOOL, struct waiting_row, reminded),
	STORE_COL(COL_BOOL, struct waiting_row, escalated)
};
static const struct store_shape waiting_shape = STORE_SHAPE(
    struct waiting_row, waiting_cols);

/* A waiting dispatch, its case joined by j (see store_waiting_due). */
#define WAITING_SELECT(j) "SELECT d.id, c.id, c.ref, c.sop, d.step_name,"	\
	" d.round, d.official, d.token, d.sent_at, (SELECT count(*) FROM"	\
	" reminders r WHERE r.case_id = c.id AND r.step = d.step_name AND"	\
	" r.round = d.round AND r.level = 1 AND r.official = d.official),"	\
	" (SELECT count(*) FROM reminders r WHERE r.case_id = c.id AND"	\
	" r.step = d.step_name AND r.round = d.round AND r.level = 2) FROM"	\
	" dispatches d " j " cases c ON c.id = d.case_id WHERE"		\
	" d.answered_at IS NULL AND c.state = ? AND c.step_name ="		\
	" d.step_name AND c.round = d.round"

/*
 * Every dispatch still waiting in an open case, at the case's current
 * step and round: proportional to the open cases (people.c, admin.c).
 * Free with store_waiting_free (store_expiring's rows too).
 */
int
store_waiting(struct store *st, struct waiting_row **rows, size_t *n)
{
	return (store_rows(st, store_stmt(st, WAITING_SELECT("JOIN")
	    " ORDER BY d.id",
	    "t", case_state_name(CASE_OPEN)), rows, n, &waiting_shape));
}

/*
 * The timer's work: the waiting dispatches due by now, or not yet
 * reckoned (0), by dispatches_due. Due rows no longer waiting (the case
 * moved on or closed) are set to STORE_DUE_NEVER first: read once.
 */
int
store_waiting_due(struct store *st, time_t now, struct waiting_row **rows,
    size_t *n)
{
	if (store_done(st, store_stmt(st, "UPDATE dispatches SET due_at = ?"
	    " WHERE answered_at IS NULL AND due_at <= ? AND"
	    " NOT EXISTS (SELECT 1 FROM cases c WHERE c.id ="
	    " dispatches.case_id AND c.state = ? AND c.step_name ="
	    " dispatches.step_name AND c.round = dispatches.round)", "iit",
	    (int64_t)STORE_DUE_NEVER, (int64_t)now,
	    case_state_name(CASE_OPEN))) == -1)
		return (-1);
	/* CROSS JOIN: from the due rows, never from every open case. */
	return (store_rows(st, store_stmt(st, WAITING_SELECT("CROSS JOIN")
	    " AND d.due_at <= ? ORDER BY +d.id", "ti",
	    case_state_name(CASE_OPEN), (int64_t)now), rows, n,
	    &waiting_shape));
}

/* When the timer next has work on a dispatch (STORE_DUE_NEVER: none). */
int
store_due_set(struct store *st, int64_t dispatch_id, time_t due)
{
	return (store_done(st, store_stmt(st, "UPDATE dispatches SET due_at = ?"
	    " WHERE id = ?", "ii", (int64_t)due, dispatch_id)));
}

/* The rules or the calendar changed: every waiting row is reckoned again. */
int
store_due_reset(struct store *st)
{
	return (store_done(st, store_stmt(st, "UPDATE dispatches SET due_at = 0"
	    " WHERE answered_at IS NULL AND due_at > 0", "")));
}

void
store_waiting_free(struct waiting_row *rows, size_t n)
{
	store_rows_free(rows, n, &waiting_shape);
}

/*
 * Records a reminder (level 1, per official) or an escalation (level 2,
 * official ""); 1 if recorded now, 0 if it was sent before, -1 error.
 */
int
store_reminder_add(struct store *st, int64_t case_id, const char *step,
    int round, int level, const char *official)
{
	return (store_once(st, store_stmt(st, "INSERT OR IGNORE INTO reminders"
	    " (case_id, step, round, level, official, at) VALUES (?, ?, ?, ?,"
	    " ?, ?)", "itiiti", case_id, step, (int64_t)round, (int64_t)level,
	    official, (int64_t)clock_now())));
}
