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

static void
store_dispatch_fill(sqlite3_stmt *s, void *p)
{
	struct dispatch_row	*d = p;

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

/* The disposition of a token: 1 found (*d set), 0 none, -1 error. */
int
store_dispatch_by_token(struct store *st, const char *token,
    struct dispatch_row **d)
{
	return (store_row(st, store_stmt(st, "SELECT " DISPATCH_COLS " FROM"
	    " dispatches WHERE token = ?", "t", token), d, sizeof **d,
	    store_dispatch_fill));
}

int
store_dispatch_get(struct store *st, int64_t id, struct dispatch_row **d)
{
	return (store_row(st, store_stmt(st, "SELECT " DISPATCH_COLS " FROM"
	    " dispatches WHERE id = ?", "i", id), d, sizeof **d,
	    store_dispatch_fill));
}

/* The unanswered dispatch of a case to one official: 1, 0 none, -1. */
int
store_dispatch_pending(struct store *st, int64_t case_id, const char *who,
    struct dispatch_row **d)
{
	return (store_row(st, store_stmt(st, "SELECT " DISPATCH_COLS " FROM"
	    " dispatches WHERE case_id = ? AND official = ? AND answered_at IS"
	    " NULL ORDER BY id DESC LIMIT 1", "it", case_id, who), d,
	    sizeof **d, store_dispatch_fill));
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

int
store_dispatch_yes(struct store *st, int64_t case_id, const char *step,
    int round, char ***who, size_t *n)
{
	return (store_strings(st, store_stmt(st, "SELECT official FROM"
	    " dispatches WHERE case_id = ? AND step_name = ? AND round = ? AND"
	    " verdict = 'Y' ORDER BY answered_at", "iti", case_id, step,
	    (int64_t)round), who, n));
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
 * "-", why): their officials, who need not answer now, as a list.
 */
int
store_dispatch_close_step(struct store *st, int64_t case_id,
    const char *step, int round, const char *why, char ***who, size_t *n)
{
	if (store_strings(st, store_stmt(st, "SELECT official FROM dispatches"
	    " WHERE case_id = ? AND step_name = ? AND round = ? AND answered_at"
	    " IS NULL ORDER BY id", "iti", case_id, step, (int64_t)round), who,
	    n) == -1)
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

static void
store_confirm_fill(sqlite3_stmt *s, void *p)
{
	struct confirm_row	*r = p;

	r->dispatch_id = sqlite3_column_int64(s, 0);
	r->verdict = store_col(s, 1);
	r->reason = store_col(s, 2);
	r->value = store_col(s, 3);
}

/* The answer waiting under a confirmation's token: 1, 0 none, -1. */
int
store_confirm_get(struct store *st, const char *token, struct confirm_row **r)
{
	return (store_row(st, store_stmt(st, "SELECT dispatch_id, verdict,"
	    " reason, value FROM confirmations WHERE token = ?", "t", token), r,
	    sizeof **r, store_confirm_fill));
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

static void
store_waiting_fill(sqlite3_stmt *s, void *p)
{
	struct waiting_row	*w = p;

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

void
store_waiting_clear(void *p)
{
	struct waiting_row	*w = p;

	free(w->ref);
	free(w->sop);
	free(w->step);
	free(w->official);
	free(w->token);
}

/*
 * Every dispatch still waiting in an open case, at the case's current
 * step and round: the timer's work, proportional to the open cases.
 */
int
store_waiting(struct store *st, struct waiting_row **rows, size_t *n)
{
	return (store_rows(st, store_stmt(st, "SELECT d.id, c.id, c.ref, c.sop,"
	    " d.step_name, d.round, d.official, d.token, d.sent_at, (SELECT"
	    " count(*) FROM reminders r WHERE r.case_id = c.id AND r.step ="
	    " d.step_name AND r.round = d.round AND r.level = 1 AND r.official"
	    " = d.official), (SELECT count(*) FROM reminders r WHERE r.case_id"
	    " = c.id AND r.step = d.step_name AND r.round = d.round AND r.level"
	    " = 2) FROM dispatches d JOIN cases c ON c.id = d.case_id WHERE"
	    " d.answered_at IS NULL AND c.state = ? AND c.step_name ="
	    " d.step_name AND c.round = d.round ORDER BY d.id", "t",
	    case_state_name(CASE_OPEN)), rows, n, sizeof **rows,
	    store_waiting_fill, store_waiting_clear));
}

void
store_waiting_free(struct waiting_row *rows, size_t n)
{
	store_rows_free(rows, n, sizeof *rows, store_waiting_clear);
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
