/* SPDX-License-Identifier: ISC */
/*
 * The audit trail: every event sealed (an HMAC over the previous seal and
 * its own fields), the newest seal kept outside the database after each
 * commit (the checkpoint), and the whole chain verified. See
 * docs/design.md; return conventions: store_p.h.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "disposisi.h"
#include "store_p.h"

/* The key that seals the audit trail (the robot's HMAC key). */
void
store_set_key(struct store *st, const unsigned char *key, size_t len)
{
	st->key = key;
	st->keylen = len;
}

/* Where the newest seal is kept outside the database (conf seal_checkpoint). */
void
store_set_checkpoint(struct store *st, const char *path)
{
	st->checkpoint = path;
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
	char		**prev, seal[65];
	size_t		 n;
	int64_t		 id, at = (int64_t)clock_now();

	if ((id = store_insert(st, store_stmt(st, "INSERT INTO case_events"
	    " (case_id, at, actor, event, detail) VALUES (nullif(?, 0),"
	    " ?, ?, ?, ?)", "iittt", case_id, at, actor, event, detail))) == -1)
		return (-1);
	/* The seal before: none (n 0) or NULL only at the trail's start. */
	if (store_strings(st, store_stmt(st, "SELECT seal FROM case_events"
	    " WHERE id < ? ORDER BY id DESC LIMIT 1", "i", id), &prev,
	    &n) == -1)
		return (-1);
	store_event_seal(st, n ? prev[0] : NULL, id, case_id, at, actor,
	    event, detail, seal, sizeof seal);
	store_strings_free(prev, n);
	st->sealed = 1;
	return (store_done(st, store_stmt(st, "UPDATE case_events SET seal = ?"
	    " WHERE id = ?", "ti", seal, id)));
}

struct sealed_event {
	int64_t		 id;
	char		 seal[65];
};
static const struct store_col sealed_cols[] = {
	STORE_COL(COL_NUM, struct sealed_event, id),
	STORE_COL(COL_CHARS, struct sealed_event, seal)
};
static const struct store_shape sealed_shape = STORE_SHAPE(
    struct sealed_event, sealed_cols);

/* The newest sealed event: its id (0: none) and seal; -1 on error. */
int64_t
store_event_last(struct store *st, char *seal, size_t len)
{
	struct sealed_event	*e;
	int64_t			 id = 0;
	int			 rc;

	rc = store_row(st, store_stmt(st, "SELECT id, seal FROM case_events"
	    " ORDER BY id DESC LIMIT 1", ""), &e, &sealed_shape);
	if (rc == 1) {
		if (e->seal[0] != '\0') {
			id = e->id;
			snprintf(seal, len, "%s", e->seal);
		}
		free(e);
	}
	return (rc == -1 ? -1 : id);
}

/* Reads the checkpoint at path: 0 and its event and seal, 1 with *why. */
static int
store_checkpoint_read(const char *path, long long *id, char *seal,
    char **why)
{
	char	*buf, *cause = NULL;
	int	 rv;

	if ((buf = util_read_file(path, 1024, NULL, &cause)) == NULL) {
		xasprintf(why, "the checkpoint cannot be read: %s", cause);
		free(cause);
		return (1);
	}
	rv = sscanf(buf, "%lld %64s", id, seal);
	free(buf);
	if (rv != 2 || *id <= 0 || strlen(seal) != 64) {
		xasprintf(why, "the checkpoint %s is not one the robot wrote",
		    path);
		return (1);
	}
	return (0);
}

/*
 * Whether the trail holds event id with this seal: 1; 0 when it holds
 * no event id, 2 when another seal; -1 on error.
 */
static int
store_event_fits(struct store *st, int64_t id, const char *seal)
{
	char	**had;
	size_t	 n;
	int	 fits;

	if (store_strings(st, store_stmt(st, "SELECT seal FROM case_events"
	    " WHERE id = ?", "i", id), &had, &n) == -1)
		return (-1);
	fits = n == 0 ? 0 : n == 1 && had[0] != NULL &&
	    crypto_token_eq(had[0], seal) ? 1 : 2;
	store_strings_free(had, n);
	return (fits);
}

/*
 * Compares the checkpoint at path ("ID SEAL") with the trail: 0 when
 * event ID is in the database with that seal (the database may be
 * ahead: a crash between COMMIT and the checkpoint's write), 1 when it
 * is not, with *why naming the cut; 2 when there is no checkpoint; -1
 * when the database cannot be read (*why says so). *idp is the
 * checkpoint's event.
 */
int
store_checkpoint_check(struct store *st, const char *path, int64_t *idp,
    char **why)
{
	char		 seal[65], newest[65];
	long long	 id;
	int64_t		 last;
	int		 fits;

	*idp = 0;
	if (access(path, F_OK) == -1 && errno == ENOENT)
		return (2);
	if (store_checkpoint_read(path, &id, seal, why) == 1)
		return (1);
	*idp = id;
	if ((fits = store_event_fits(st, (int64_t)id, seal)) == -1 ||
	    (last = store_event_last(st, newest, sizeof newest)) == -1) {
		*why = store_error(st);
		return (-1);
	}
	if (fits == 1)
		return (0);
	if (fits == 0)
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
	    (id = store_event_last(st, seal, sizeof seal)) <= 0)
		return;		/* an error is said; the next commit tries */
	switch (store_checkpoint_check(st, st->checkpoint, &had, &why)) {
	case -1:
		free(why);
		return;
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

struct event_where {
	char	*ref, *event;
	int64_t	 at;
};
static const struct store_col where_cols[] = {
	STORE_COL(COL_STR, struct event_where, ref),
	STORE_COL(COL_NUM, struct event_where, at),
	STORE_COL(COL_STR, struct event_where, event)
};
static const struct store_shape where_shape = STORE_SHAPE(
    struct event_where, where_cols);

/* An event in words for the admin: 1 (*w: case, time, kind), 0, -1. */
int
store_event_where(struct store *st, int64_t id, char **w)
{
	struct event_where	*e;
	char			 at[64];
	int			 rc;

	if ((rc = store_row(st, store_stmt(st, "SELECT coalesce(c.ref, '-'),"
	    " e.at, e.event FROM case_events e LEFT JOIN cases c ON c.id ="
	    " e.case_id WHERE e.id = ?", "i", id), &e, &where_shape)) != 1)
		return (rc);
	clock_format((time_t)e->at, CLOCK_ISO, at, sizeof at);
	xasprintf(w, "%s, %s, %s", e->ref, at, e->event);
	store_rows_free(e, 1, &where_shape);
	return (1);
}

/* One event's fields, as the seal covers them. */
struct trail_event {
	int64_t	 id, case_id, at;
	char	*actor, *event, *detail, *seal;
};

static const struct store_col trail_cols[] = {
	STORE_COL(COL_NUM, struct trail_event, id),
	STORE_COL(COL_NUM, struct trail_event, case_id),
	STORE_COL(COL_NUM, struct trail_event, at),
	STORE_COL(COL_STR, struct trail_event, actor),
	STORE_COL(COL_STR, struct trail_event, event),
	STORE_COL(COL_STR, struct trail_event, detail),
	STORE_COL(COL_STR, struct trail_event, seal)
};
static const struct store_shape trail_shape = STORE_SHAPE(struct trail_event,
    trail_cols);

/*
 * Where audit verify last found the trail whole, from the file at path
 * ("ID SEAL", as the checkpoint, and outside the database like it: one
 * who edits the database cannot move it): sp->from and sp->from_seal
 * when the trail still holds that event with that seal, else 0 (no
 * file, or it does not fit: verify from the first event). -1 on a
 * database error.
 */
int
store_audit_mark_read(struct store *st, const char *path,
    struct audit_span *sp)
{
	long long	 id;
	char		*why = NULL;
	int		 fits;

	sp->from = 0;
	if (access(path, F_OK) == -1 ||
	    store_checkpoint_read(path, &id, sp->from_seal, &why) == 1) {
		free(why);
		return (0);
	}
	if ((fits = store_event_fits(st, (int64_t)id, sp->from_seal)) == 1)
		sp->from = (int64_t)id;
	return (fits == -1 ? -1 : 0);
}

/* Records sp's last event as verified (store_audit_mark_read). */
int
store_audit_mark(const char *path, const struct audit_span *sp,
    char **cause)
{
	char	*line;
	int	 rv;

	if (sp->last == 0)
		return (0);
	xasprintf(&line, "%lld %s\n", (long long)sp->last, sp->last_seal);
	rv = util_write_file(path, line, strlen(line), 0600, cause);
	free(line);
	return (rv);
}

/*
 * Checks the sealed trail after sp->from (whose seal is sp->from_seal),
 * or from its first sealed event on when sp->from is 0. Returns 0 with
 * the counts and the last event checked when every seal fits, the id of
 * the first event that does not (changed, or after one removed or
 * changed), or -1 when the trail cannot be read.
 */
int64_t
store_audit_verify(struct store *st, struct audit_span *sp)
{
	sqlite3_stmt		*s;
	struct trail_event	 e;
	char			*prev, want[65];
	int64_t			 bad = 0;
	int			 rc;

	sp->sealed = sp->unsealed = sp->last = 0;
	prev = sp->from > 0 ? xstrdup(sp->from_seal) : NULL;
	s = store_stmt(st, "SELECT id, coalesce(case_id, 0), at, actor,"
	    " event, detail, seal FROM case_events WHERE id > ? ORDER BY id",
	    "i", sp->from);
	while (bad == 0 && (rc = store_step(st, s)) == STORE_ROW) {
		store_fill(s, &trail_shape, &e);
		if (e.seal == NULL && prev == NULL)
			sp->unsealed++;		/* from before the seal */
		else {
			store_event_seal(st, prev, e.id, e.case_id, e.at,
			    e.actor, e.event, e.detail, want, sizeof want);
			if (e.seal == NULL || !crypto_token_eq(e.seal, want))
				bad = e.id;
			else {
				sp->last = e.id;
				snprintf(sp->last_seal, sizeof sp->last_seal,
				    "%s", e.seal);
			}
			sp->sealed++;
			free(prev);
			prev = e.seal;
			e.seal = NULL;
		}
		store_clear(&e, &trail_shape);
	}
	store_release(st, s);
	free(prev);
	return (bad == 0 && rc == -1 ? -1 : bad);
}

/* How many events of a kind with this detail a case (or none, 0) has. */
int
store_event_count(struct store *st, int64_t case_id, const char *event,
    const char *detail)
{
	return ((int)store_int(st, store_stmt(st, "SELECT count(*) FROM"
	    " case_events WHERE case_id IS nullif(?, 0) AND event = ? AND"
	    " detail = ?", "itt", case_id, event, detail)));
}
