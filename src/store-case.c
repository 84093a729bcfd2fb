/* SPDX-License-Identifier: ISC */
/*
 * Cases: opening one under the year's next reference, moving it by
 * compare-and-set, finding it from a mail, listing them; what steps
 * record on a case (values, AMS notices kept for later, step times).
 * Return conventions: store_p.h.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sqlite3.h>

#include "disposisi.h"
#include "store_p.h"

#define CASE_COLS "id, ref, sop, applicant, applicant_first," \
	" applicant_name, subject, root_message_id, state, step_name, round," \
	" rules_version, step_since"

static const struct store_col case_cols[] = {
	STORE_COL(COL_NUM, struct case_row, id),
	STORE_COL(COL_STR, struct case_row, ref),
	STORE_COL(COL_STR, struct case_row, sop),
	STORE_COL(COL_STR, struct case_row, applicant),
	STORE_COL(COL_STR, struct case_row, applicant_first),
	STORE_COL(COL_STR, struct case_row, applicant_name),
	STORE_COL(COL_STR, struct case_row, subject),
	STORE_COL(COL_STR, struct case_row, root_message_id),
	STORE_COL(COL_STATE, struct case_row, state),
	STORE_COL(COL_STR, struct case_row, step),
	STORE_COL(COL_NUM, struct case_row, round),
	STORE_COL(COL_STR, struct case_row, rules_version),
	STORE_COL(COL_NUM, struct case_row, step_since)
};
static const struct store_shape case_shape = STORE_SHAPE(struct case_row,
    case_cols);

/* The case of this id: 1 found (*c set), 0 none, -1 error. */
int
store_case_get(struct store *st, int64_t id, struct case_row **c)
{
	return (store_row(st, store_stmt(st, "SELECT " CASE_COLS " FROM"
	    " cases WHERE id = ?", "i", id), c, &case_shape));
}

/*
 * Opens a case with the next reference of the year: PREFIX-YYYY-NNNNN.
 * The sequence row is bumped inside the caller's transaction, so a
 * rolled back message leaves no gap. The case starts in state
 * menunggu-kelengkapan at the first step, round 0; the engine's first
 * FX_ENTER moves it on. NULL on error.
 */
struct case_row *
store_case_open(struct store *st, const char *sop, const char *prefix,
    const char *applicant, const char *name, const char *subject,
    const char *root_id, const char *first_step, const char *version)
{
	struct case_row	*c = NULL;
	time_t		 now = clock_now();
	struct tm	 tm;
	int		 year;
	int64_t		 seq, id;
	char		*ref;

	/* The office's year: 31 Dec 23:30 WIB is 1 Jan 00:30 in WITA. */
	clock_local(now, &tm);
	year = tm.tm_year + 1900;
	if (store_done(st, store_stmt(st, "INSERT INTO case_seq VALUES (?, 1)"
	    " ON CONFLICT(year) DO UPDATE SET last = last + 1", "i",
	    (int64_t)year)) == -1 || (seq = store_int(st, store_stmt(st,
	    "SELECT last FROM case_seq WHERE year = ?", "i",
	    (int64_t)year))) <= 0)
		return (NULL);
	xasprintf(&ref, "%s-%04d-%05lld", prefix, year, (long long)seq);
	id = store_insert(st, store_stmt(st, "INSERT INTO cases (ref, sop,"
	    " applicant, applicant_first, applicant_name, subject,"
	    " root_message_id, state, step_name, round, rules_version,"
	    " opened_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?,"
	    " ?, ?)", "ttttttttttii", ref, sop, applicant, applicant, name,
	    subject, root_id, case_state_name(CASE_WAIT_DOCS), first_step,
	    version, (int64_t)now, (int64_t)now));
	free(ref);
	if (id == -1 || store_case_get(st, id, &c) != 1)
		return (NULL);
	return (c);
}

void
store_case_free(struct case_row *c)
{
	store_rows_free(c, 1, &case_shape);
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
	return (store_once(st, store_stmt(st, "UPDATE cases SET state = ?,"
	    " step_name = ?, round = ?, reason = coalesce(?, reason),"
	    " updated_at = ?, step_since = ?, closed_at = CASE WHEN ? THEN ?"
	    " END WHERE id = ? AND state = ? AND step_name = ? AND round = ?",
	    "ttitiiiiitti", case_state_name(to), step, (int64_t)round, reason,
	    (int64_t)clock_now(), (int64_t)clock_now(),
	    (int64_t)case_state_closed(to), (int64_t)clock_now(), c->id,
	    case_state_name(c->state), c->step, (int64_t)c->round)));
}

/* An UPDATE of one case that must change it: 0, or -1. */
static int
store_case_one(struct store *st, sqlite3_stmt *s)
{
	return (store_once(st, s) == 1 ? 0 : -1);
}

/* A renewal case names the case whose certificate it renews. */
int
store_case_renews(struct store *st, int64_t id, int64_t old)
{
	return (store_case_one(st, store_stmt(st, "UPDATE cases SET renews = ?"
	    " WHERE id = ?", "ii", old, id)));
}

/* Mail to the applicant goes to addr from now on (their new mailbox). */
int
store_case_applicant(struct store *st, int64_t id, const char *addr)
{
	return (store_case_one(st, store_stmt(st, "UPDATE cases SET applicant"
	    " = ? WHERE id = ?", "ti", addr, id)));
}

int
store_case_expires(struct store *st, int64_t id, time_t when)
{
	return (store_case_one(st, store_stmt(st, "UPDATE cases SET expires_at"
	    " = ? WHERE id = ?", "ii", (int64_t)when, id)));
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
	return (store_ids(st, store_stmt(st, "SELECT id FROM cases WHERE"
	    " nik_hmac = ? AND state IN (?, ?, ?) ORDER BY id DESC", "tttt",
	    mac, OPEN_STATES), ids, n));
}

/* The ids of an applicant's cases (either address), newest first. */
int
store_case_ids_of(struct store *st, const char *addr, int64_t **ids,
    size_t *n)
{
	return (store_ids(st, store_stmt(st, "SELECT id FROM cases WHERE"
	    " applicant = ?1 OR applicant_first = ?1 ORDER BY id DESC", "t",
	    addr), ids, n));
}

/* The references of an applicant's cases (either address), oldest first. */
int
store_cases_of(struct store *st, const char *addr, char ***refs, size_t *n)
{
	return (store_strings(st, store_stmt(st, "SELECT ref FROM cases WHERE"
	    " applicant = ?1 OR applicant_first = ?1 ORDER BY id", "t", addr),
	    refs, n));
}

/*
 * The one open case of an applicant by name (case-insensitive); 0 if
 * none or several (a name shared by two applicants proves nothing), -1
 * on error.
 */
int64_t
store_case_by_name(struct store *st, const char *name)
{
	return (store_int(st, store_stmt(st, "SELECT CASE count(*) WHEN 1 THEN"
	    " min(id) ELSE 0 END FROM cases WHERE applicant_name = ? COLLATE"
	    " NOCASE AND state NOT IN (?, ?, ?)", "tttt", name,
	    CLOSED_STATES)));
}

/*
 * The case a follow-up mail is about: by subject tag, then by
 * references. Its id, 0 for none, -1 on error.
 */
int64_t
store_case_find(struct store *st, const char *subject, char **refs,
    size_t nrefs)
{
	char		 ref[CASE_REF_MAX + 1];
	int64_t		 id = 0;
	size_t		 i;

	for (i = 0; id == 0 && i <= nrefs; i++) {
		if (i == 0 && (subject == NULL || !case_ref_find(subject, ref)))
			continue;
		if (i > 0 && !case_ref_find(refs[i - 1], ref))
			continue;
		id = store_int(st, store_stmt(st, "SELECT id FROM cases WHERE"
		    " ref = ?", "t", ref));
	}
	return (id);
}

/* Cases opened since a time: for one applicant, or (NULL) for all. */
int64_t
store_cases_since(struct store *st, const char *applicant, time_t since)
{
	if (applicant == NULL)
		return (store_int(st, store_stmt(st, "SELECT count(*) FROM"
		    " cases WHERE opened_at > ?", "i", (int64_t)since)));
	return (store_int(st, store_stmt(st, "SELECT count(*) FROM cases"
	    " WHERE applicant = ? AND opened_at > ?", "ti", applicant,
	    (int64_t)since)));
}

struct position {
	char	*sop, *step, *ref;
};
static const struct store_col position_cols[] = {
	STORE_COL(COL_STR, struct position, sop),
	STORE_COL(COL_STR, struct position, step),
	STORE_COL(COL_STR, struct position, ref)
};
static const struct store_shape position_shape = STORE_SHAPE(struct position,
    position_cols);

/*
 * Where open cases wait: one row per (SOP, step) with one case there, so
 * a reload can refuse rules that would strand them. Parallel arrays.
 */
int
store_case_positions(struct store *st, char ***sops, char ***steps,
    char ***refs, size_t *n)
{
	struct position	*w;
	size_t		 i;

	*sops = *steps = *refs = NULL;
	if (store_rows(st, store_stmt(st, "SELECT sop, step_name, min(ref)"
	    " FROM cases WHERE state IN (?, ?, ?) GROUP BY sop, step_name",
	    "ttt", OPEN_STATES), &w, n, &position_shape) == -1)
		return (-1);
	*sops = xcalloc(*n + 1, sizeof **sops);
	*steps = xcalloc(*n + 1, sizeof **steps);
	*refs = xcalloc(*n + 1, sizeof **refs);
	for (i = 0; i < *n; i++) {
		(*sops)[i] = w[i].sop;
		(*steps)[i] = w[i].step;
		(*refs)[i] = w[i].ref;
	}
	free(w);
	return (0);
}

#define CASE_LIST "SELECT c.ref, c.applicant, c.sop, c.step_name, c.state," \
	" coalesce(c.step_since, c.updated_at), (SELECT group_concat(" \
	"d.official, ', ') FROM dispatches d WHERE d.case_id = c.id AND" \
	" d.step_name = c.step_name AND d.round = c.round AND" \
	" d.answered_at IS NULL), c.closed_at FROM cases c"

static const struct store_col case_list_cols[] = {
	STORE_COL(COL_STR, struct case_list_row, ref),
	STORE_COL(COL_STR, struct case_list_row, applicant),
	STORE_COL(COL_STR, struct case_list_row, sop),
	STORE_COL(COL_STR, struct case_list_row, step),
	STORE_COL(COL_STR, struct case_list_row, state),
	STORE_COL(COL_NUM, struct case_list_row, since),
	STORE_COL(COL_STR, struct case_list_row, waiting),
	STORE_COL(COL_NUM, struct case_list_row, closed)
};
static const struct store_shape case_list_shape = STORE_SHAPE(
    struct case_list_row, case_list_cols);

/*
 * The cases an admin lists: open (not closed), closed, or all; with who
 * each waits on. Rows to free with store_case_rows_free.
 */
int
store_case_list(struct store *st, int which, struct case_list_row **rows,
    size_t *n)
{
	sqlite3_stmt		*s;

	if (which == 2)
		s = store_stmt(st, CASE_LIST " ORDER BY c.id", "");
	else if (which == 1)
		s = store_stmt(st, CASE_LIST " WHERE c.state IN (?, ?, ?) ORDER"
		    " BY c.id", "ttt", CLOSED_STATES);
	else
		s = store_stmt(st, CASE_LIST " WHERE c.state IN (?, ?, ?) ORDER"
		    " BY c.id", "ttt", OPEN_STATES);
	return (store_rows(st, s, rows, n, &case_list_shape));
}

void
store_case_rows_free(struct case_list_row *rows, size_t n)
{
	store_rows_free(rows, n, &case_list_shape);
}

/* An expiring case as a waiting_row: the applicant is the "official". */
static const struct store_col expiring_cols[] = {
	STORE_COL(COL_NUM, struct waiting_row, case_id),
	STORE_COL(COL_STR, struct waiting_row, ref),
	STORE_COL(COL_STR, struct waiting_row, sop),
	STORE_COL(COL_STR, struct waiting_row, official),
	STORE_COL(COL_NUM, struct waiting_row, since)
};
static const struct store_shape expiring_shape = STORE_SHAPE(
    struct waiting_row, expiring_cols);

/*
 * Finished cases whose certificate ends before "until" and has not yet:
 * the expiry reminders' work, by an index on expires_at. Free with
 * store_waiting_free.
 */
int
store_expiring(struct store *st, time_t now, time_t until,
    struct waiting_row **rows, size_t *n)
{
	return (store_rows(st, store_stmt(st, "SELECT id, ref, sop, applicant,"
	    " expires_at FROM cases WHERE expires_at > ? AND expires_at <= ?"
	    " AND state = ? ORDER BY id", "iit", (int64_t)now, (int64_t)until,
	    case_state_name(CASE_DONE)), rows, n, &expiring_shape));
}

int
store_value_add(struct store *st, int64_t case_id, const char *step,
    const char *value)
{
	return (store_done(st, store_stmt(st, "INSERT INTO case_values"
	    " (case_id, step, value, at) VALUES (?, ?, ?, ?)", "itti",
	    case_id, step, value, (int64_t)clock_now())));
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
	return (store_strings(st, store_stmt(st, "SELECT event FROM"
	    " case_notices WHERE case_id = ? AND used_at IS NULL ORDER BY id",
	    "i", case_id), events, n));
}

struct notice_kept {
	int64_t	 id, inbound;
};
static const struct store_col notice_cols[] = {
	STORE_COL(COL_NUM, struct notice_kept, id),
	STORE_COL(COL_NUM, struct notice_kept, inbound)
};
static const struct store_shape notice_shape = STORE_SHAPE(struct notice_kept,
    notice_cols);

/*
 * The oldest unused kept notice of the event settles step: marked used.
 * Returns its inbound id (0: none recorded), or -1 on error or when the
 * case keeps no such notice.
 */
int64_t
store_notice_use(struct store *st, int64_t case_id, const char *event,
    const char *step)
{
	struct notice_kept	*k;
	int64_t			 inbound;

	if (store_row(st, store_stmt(st, "SELECT id, coalesce(inbound_id, 0)"
	    " FROM case_notices WHERE case_id = ? AND event = ? AND used_at IS"
	    " NULL ORDER BY id LIMIT 1", "it", case_id, event), &k,
	    &notice_shape) != 1)
		return (-1);
	inbound = k->inbound;
	if (store_done(st, store_stmt(st, "UPDATE case_notices SET used_at ="
	    " ?, used_step = ? WHERE id = ?", "iti", (int64_t)clock_now(),
	    step, k->id)) == -1)
		inbound = -1;
	free(k);
	return (inbound);
}
