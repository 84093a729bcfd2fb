/* SPDX-License-Identifier: ISC */
/*
 * Mail in: the session to the robot's mailbox and the sync step that
 * hands every new message to the pipeline once (intake_sync), or one
 * message from `ingest` (intake_file). When to sync, wait, reconnect
 * and back off is the daemon's loop, in cmd-run.c. Per batch of
 * messages (see docs/design.md, "Exactly once" and "The intake loop"):
 *
 *	BEGIN; per message: fetch (BODY.PEEK[]) → spool raw/<sha256> → parse
 *	→ SAVEPOINT; inbound row, case changes, outbox rows, last_uid;
 *	RELEASE; then COMMIT → keyword + move, a UID set per folder → done
 *
 * A kill before COMMIT leaves the whole batch above last_uid, so it is
 * fetched again; a kill after leaves inbound rows with imap_done = 0,
 * which the next sync finishes. The same bytes under a new UID are
 * recognised by their digest.
 */

#include <sys/stat.h>
#include <sys/statvfs.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "disposisi.h"

#define FETCH_TRIES	3	/* fetches of one UID before it is set aside */
#define BATCH_MS	250	/* a batch holds the database this long at most */
#define ARCHIVE_SET	100	/* UIDs per UID STORE / UID MOVE */
#define AHEAD_MIN	32	/* new messages worth a second session */

/*
 * The batch being handled: its messages share one transaction, each in a
 * savepoint of its own so that one can be undone alone, and are moved
 * together after the commit. Milliseconds per phase, for the debug line
 * `make bench` reads.
 */
enum { T_FETCH, T_PARSE, T_HANDLE, T_COMMIT, T_ARCHIVE, T_N };
static const char *intake_phases[T_N] = {
	"fetch", "parse", "handle", "commit", "archive"
};
static struct {
	int	 open;
	double	 ms[T_N];
} batch;

/* The session to the mailbox, kept by the daemon's loop (cmd-run.c). */
struct intake {
	struct imap	*im;
	uint32_t	 uidvalidity;	/* of the selected mailbox */
	struct ahead	*ahead;		/* a backlog's fetch-ahead, in a sync */
};

/* Moves go one UID at a time after a set broke the session. */
static int	 intake_one_by_one;

/* Milliseconds on the monotonic clock. */
static double
intake_ms(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (ts.tv_sec * 1e3 + ts.tv_nsec / 1e6);
}

/*
 * Since when this machine keeps failing (a full disk, a database that
 * cannot be written): mail is not taken meanwhile and stays in INBOX.
 */
static time_t	 intake_stalled;

/* Says once that mail waits for this machine; returns -1 for the caller. */
static int
intake_stall(const struct ctx *ctx, uint32_t uid, const char *why)
{
	if (intake_stalled == 0) {
		intake_stalled = clock_mono();
		log_warnx("not taking mail: %s; message %u and those after it"
		    " stay in %s, tried again every minute", why, uid,
		    ctx->conf->imap_mailbox);
	} else
		log_debug("still not taking mail: %s", why);
	return (-1);
}

static void
intake_resume(void)
{
	if (intake_stalled != 0)
		log_info("taking mail again after %lld s",
		    (long long)(clock_mono() - intake_stalled));
	intake_stalled = 0;
}

/* Whether a failure while handling the message at path is the disk's. */
static int
intake_disk_low(const struct ctx *ctx, const char *path)
{
	struct statvfs	 vs;
	struct stat	 sb;
	unsigned long long need = 1 << 20;
	const char	*dirs[2] = { ctx->conf->spool_dir, ctx->conf->database };
	size_t		 i;

	if (stat(path, &sb) == 0)
		need += 2 * (unsigned long long)sb.st_size;
	for (i = 0; i < 2; i++)
		if (statvfs(dirs[i], &vs) == 0 &&
		    (unsigned long long)vs.f_bavail * vs.f_frsize < need)
			return (1);
	return (0);
}

/*
 * Opens the message's own transaction or, in a batch, a savepoint in the
 * batch's. Returns -1 (said) when the database cannot be had.
 */
static int
intake_begin(struct ctx *ctx, uint32_t uid)
{
	char	*err;
	int	 rv;

	if (!batch.open)
		return (store_begin_wait(ctx->store, ctx->term) == -1 ?
		    intake_stall(ctx, uid, "the database is not free") : 0);
	if (store_savepoint(ctx->store) == 0)
		return (0);
	err = store_error(ctx->store);
	rv = intake_stall(ctx, uid, err);
	free(err);
	return (rv);
}

static int
intake_commit(struct ctx *ctx)
{
	return (batch.open ? store_savepoint_release(ctx->store) :
	    store_commit(ctx->store));
}

static void
intake_rollback(struct ctx *ctx)
{
	if (batch.open)
		store_savepoint_rollback(ctx->store);
	else
		store_rollback(ctx->store);
}

/* The database's last error stalls intake; the message's work undone. */
static int
intake_db_stall(struct ctx *ctx, uint32_t uid)
{
	char	*err;
	int	 rv;

	err = store_error(ctx->store);
	intake_rollback(ctx);
	rv = intake_stall(ctx, uid, err);
	free(err);
	return (rv);
}

/*
 * Records a message that is not handed to the workflow (unreadable, too
 * big, the same bytes again) and where it goes, in one transaction.
 * Returns -1 if the database cannot be written: the message stays.
 */
static int
intake_record(struct ctx *ctx, const char *mbox, uint32_t uidvalidity,
    uint32_t uid, const char *sha, const struct msg *m, const char *kind,
    const char *folder, const char *why)
{
	int64_t		 id;

	if (intake_begin(ctx, uid) == -1)
		return (-1);
	id = store_inbound_add(ctx->store, mbox, uidvalidity, uid, sha, m);
	if (id != -1 && store_inbound_set(ctx->store, id, kind, folder, why,
	    NULL) == 0 && store_mailbox_set(ctx->store, mbox, uidvalidity,
	    uid) == 0 && intake_commit(ctx) == 0) {
		intake_resume();
		return (0);
	}
	return (intake_db_stall(ctx, uid));
}

/* Records a message the pipeline cannot read and quarantines it. */
static int
intake_reject(struct ctx *ctx, const char *mbox, uint32_t uidvalidity,
    uint32_t uid, const char *sha, const struct msg *m, const char *kind,
    const char *why)
{
	if (intake_record(ctx, mbox, uidvalidity, uid, sha, m, kind,
	    ctx->conf->imap_quarantine, why) == -1)
		return (-1);
	log_warnx("message %u quarantined: %s", uid, why);
	return (0);
}

/*
 * Counts failures on the same message in a row (across reconnects), so
 * that one message the server will not hand out, or not move, cannot stop
 * the mail behind it for ever.
 */
static int
intake_refused(uint64_t key)
{
	static uint64_t	 last;
	static int	 count;

	if (key != last) {
		last = key;
		count = 0;
	}
	return (++count);
}

/* Failed moves are counted by inbound row, apart from fetches by UID. */
#define ARCHIVE_KEY(id)	((uint64_t)1 << 63 | (uint64_t)(id))

/*
 * A fetch that failed for the server's reasons (FETCH_REFUSED, or the
 * session broke): maybe for a moment, so the rest waits for the next
 * sync (or session). The same message failing FETCH_TRIES times in a
 * row (Dovecot even drops the session over an unreadable file) is set
 * aside, so the mail behind it is not held up for ever. Takes cause.
 */
static enum intake_status
intake_unfetched(struct ctx *ctx, struct intake *in, uint32_t uid,
    enum fetch_result fr, char *cause, char **lost)
{
	enum intake_status	 st;
	char			*why;
	int			 r;

	if (intake_refused(uid) < FETCH_TRIES) {
		if (fr == FETCH_REFUSED)
			log_warnx("message %u: %s", uid, cause);
		st = fr == FETCH_BROKEN ? INTAKE_LOST : INTAKE_STALLED;
	} else {
		xasprintf(&why, "could not be fetched in %d tries (last: %s);"
		    " left for the admin", FETCH_TRIES, cause);
		r = intake_reject(ctx, ctx->conf->imap_mailbox,
		    in->uidvalidity, uid, NULL, NULL, "unfetchable", why);
		free(why);
		/* Set aside; a broken session moves it on a new one. */
		st = r == -1 ? INTAKE_STALLED : fr == FETCH_BROKEN ?
		    INTAKE_LOST : INTAKE_SYNCED;
	}
	if (st == INTAKE_LOST)
		xasprintf(lost, "message %u: %s", uid, cause);
	free(cause);
	return (st);
}

/*
 * What to do with a message that was not fetched (fr): the machine's
 * fault stalls, the server's is intake_unfetched's, one gone is
 * skipped, one too large quarantined. Takes cause.
 */
static enum intake_status
intake_not_fetched(struct ctx *ctx, struct intake *in, uint32_t uid,
    enum fetch_result fr, size_t size, char *cause, char **lost)
{
	char	*why;
	int	 r;

	switch (fr) {
	case FETCH_NOSPACE:
		intake_stall(ctx, uid, cause);
		free(cause);
		return (INTAKE_STALLED);
	case FETCH_REFUSED:
	case FETCH_BROKEN:
		return (intake_unfetched(ctx, in, uid, fr, cause, lost));
	case FETCH_TOO_LARGE:
		xasprintf(&why, "message of %zu bytes exceeds max_message_size"
		    " %zu; left untouched in the quarantine folder", size,
		    ctx->conf->max_message_size);
		r = intake_reject(ctx, ctx->conf->imap_mailbox,
		    in->uidvalidity, uid, NULL, NULL, "too-large", why);
		free(why);
		free(cause);
		return (r == -1 ? INTAKE_STALLED : INTAKE_SYNCED);
	default:		/* FETCH_GONE: expunged by someone else */
		free(cause);
		return (INTAKE_SYNCED);
	}
}

/*
 * Takes one message: INTAKE_SYNCED to go on, INTAKE_STALLED to stop
 * this sync and try again at the next (also when this machine failed:
 * the message stays in INBOX), INTAKE_LOST (with *lost) when the
 * session broke. Every problem with the message itself ends in
 * Quarantine, recorded.
 */
static enum intake_status
intake_message(struct ctx *ctx, struct intake *in, uint32_t uid,
    char **lost)
{
	char		 sha[SHA256_HEX_LEN + 1];
	char		*tmp, *path, *cause = NULL;
	size_t		 size;
	double		 t0 = intake_ms();
	enum fetch_result fr;
	int		 r;

	if (ahead_take(in->ahead, uid, ctx->quit, &tmp, &size) != FETCH_OK) {
		tmp = spool_tmp_path(ctx->spool);
		fr = imap_fetch(in->im, uid, tmp, ctx->conf->max_message_size,
		    &size, &cause);
	} else
		fr = FETCH_OK;
	if (fr != FETCH_OK) {
		unlink(tmp);
		free(tmp);
		return (intake_not_fetched(ctx, in, uid, fr, size, cause,
		    lost));
	}
	path = spool_commit(ctx->spool, tmp, "raw", sha, &cause);
	free(tmp);
	batch.ms[T_FETCH] += intake_ms() - t0;
	if (path == NULL) {
		intake_stall(ctx, uid, cause);
		free(cause);
		return (INTAKE_STALLED);
	}
	r = intake_file(ctx, ctx->conf->imap_mailbox, in->uidvalidity, uid,
	    path, sha);
	free(path);
	return (r == -1 ? INTAKE_STALLED : INTAKE_SYNCED);
}

/* Quarantines the message for why, or keeps it if that cannot be recorded. */
static int
intake_refuse(struct ctx *ctx, const char *mbox, uint32_t uidvalidity,
    uint32_t uid, const char *sha, const struct msg *m, const char *kind,
    char *why)
{
	int	 rv;

	rv = intake_reject(ctx, mbox, uidvalidity, uid, sha, m, kind, why);
	free(why);
	return (rv);
}

/*
 * Handles a parsed message in one transaction; -1: this machine failed.
 * held: the row of the same bytes held before, which the admin released.
 */
static int
intake_handle(struct ctx *ctx, const char *mbox, uint32_t uidvalidity,
    uint32_t uid, const char *sha, struct msg *m, int64_t held)
{
	struct decision	 d = { 0 };
	char		*cause = NULL, *why;
	int64_t		 id;
	int		 rv = 0;

	if (intake_begin(ctx, uid) == -1)
		return (-1);
	if (held != 0 && store_inbound_move(ctx->store, held, mbox,
	    uidvalidity, uid) == 0)
		id = held;
	else if (held != 0 || (id = store_inbound_add(ctx->store, mbox,
	    uidvalidity, uid, sha, m)) == -1)
		goto trouble;
	if (workflow_handle(ctx, m, id, &d, &cause) == -1) {
		intake_rollback(ctx);
		/* The machine's failure (a read too), not the message's. */
		if (store_failed(ctx->store) ||
		    intake_disk_low(ctx, m->path)) {
			rv = intake_stall(ctx, uid, cause);
			goto out;
		}
		/*
		 * Keep the mail, say why; an admin fixes rules or templates.
		 * Released mail keeps its held row, which holds the digest.
		 */
		xasprintf(&why, "could not be handled: %s", cause);
		rv = intake_refuse(ctx, mbox, uidvalidity, uid, held ? NULL :
		    sha, m, "error", why);
		goto out;
	}
	if (store_inbound_set(ctx->store, id, d.kind, d.folder, d.note,
	    d.case_ref) == -1 || store_mailbox_set(ctx->store, mbox,
	    uidvalidity, uid) == -1 || intake_commit(ctx) == -1)
		goto trouble;
	intake_resume();
	log_info("%s: message %u from %s: %s -> %s", d.case_ref ? d.case_ref :
	    "-", uid, m->from_addr, d.note ? d.note : d.kind, d.folder);
	goto out;
trouble:
	rv = intake_db_stall(ctx, uid);
out:
	free(cause);
	free(d.note);
	free(d.case_ref);
	return (rv);
}

/*
 * Handles one message already in the spool (path, its SHA-256), from the
 * mailbox at uid or, with `disposisi ingest`, from an MTA's pipe: the
 * same path either way. Every problem with the message ends recorded and
 * set aside. Returns 0, or -1 when this machine failed (a full disk): the
 * message is not recorded and stays where it came from, to be taken
 * again.
 */
int
intake_file(struct ctx *ctx, const char *mbox, uint32_t uidvalidity,
    uint32_t uid, const char *path, const char *sha)
{
	struct msg	*m = NULL;
	char		*cause = NULL, *why;
	double		 t0 = intake_ms(), t1;
	int64_t		 held;
	int		 r;

	held = store_inbound_released(ctx->store, mbox, uidvalidity, uid, sha);
	if (held == -1 || (held == 0 && (r = store_inbound_seen(ctx->store,
	    mbox, uidvalidity, uid, sha)) == -1)) {
		why = store_error(ctx->store);
		r = intake_stall(ctx, uid, why);
		free(why);
		return (r);
	}
	if (held == 0 && r != 0) {
		log_info("message %u: handled before (same content), not again",
		    uid);
		return (intake_record(ctx, mbox, uidvalidity, uid, NULL, NULL,
		    "duplicate", ctx->conf->imap_processed,
		    "same bytes handled before"));
	}
	r = parse_message(ctx->conf, ctx->spool, path, &m, &cause);
	t1 = intake_ms();
	batch.ms[T_PARSE] += t1 - t0;
	if (r == -1)
		r = intake_stall(ctx, uid, cause);
	else if (r == 1) {
		xasprintf(&why, "unreadable MIME: %s (kept as %s)", cause,
		    path);
		r = intake_refuse(ctx, mbox, uidvalidity, uid, sha, NULL,
		    "malformed", why);
	} else if (m->from_addr == NULL) {
		xasprintf(&why, "no sender address in From: (kept as %s)",
		    path);
		r = intake_refuse(ctx, mbox, uidvalidity, uid, sha, m,
		    "malformed", why);
	} else
		r = intake_handle(ctx, mbox, uidvalidity, uid, sha, m, held);
	batch.ms[T_HANDLE] += intake_ms() - t1;
	free(cause);
	mime_free(m);
	return (r);
}

/* Rows by folder, then UID: a run of them is one UID set. */
static int
intake_row_cmp(const void *a, const void *b)
{
	const struct inbound_row	*x = a, *y = b;
	int				 c;

	if ((c = strcmp(x->folder, y->folder)) != 0)
		return (c);
	return (x->uid < y->uid ? -1 : x->uid > y->uid);
}

/*
 * Moves one message alone. A move the server keeps refusing (or that
 * keeps breaking the session) is given up after FETCH_TRIES, so one
 * message cannot hold up the others for ever. Returns 1 when it is moved
 * or given up (done), 0 when left for the next sync, -1 when the session
 * broke (*done still says whether it is done).
 */
static int
intake_archive_one(struct ctx *ctx, struct imap *im,
    const struct inbound_row *row, int *done)
{
	char	*cause = NULL;
	int	 r;

	r = imap_archive(im, &row->uid, 1, row->folder, &cause);
	*done = 1;
	if (r != 0 && intake_refused(ARCHIVE_KEY(row->id)) < FETCH_TRIES) {
		/* Refused: leave it for the next sync, go on with mail. */
		log_warnx("message %u not moved to %s: %s", row->uid,
		    row->folder, cause);
		*done = 0;
	} else if (r != 0)
		/* Handled and recorded; only the move never worked. */
		log_warnx("message %u: giving up moving it to %s (%s);"
		    " it stays in %s", row->uid, row->folder, cause,
		    ctx->conf->imap_mailbox);
	free(cause);
	return (r == -1 ? -1 : *done);
}

/* Records rows as moved, in one transaction (a loss only moves again). */
static void
intake_archived(struct ctx *ctx, const int64_t *ids, size_t n)
{
	size_t	 i;

	if (n == 0 || store_begin_wait(ctx->store, ctx->term) == -1)
		return;
	for (i = 0; i < n; i++)
		if (store_inbound_done(ctx->store, ids[i]) == -1)
			break;
	if (i < n || store_commit(ctx->store) == -1)
		store_rollback(ctx->store);
}

/*
 * Flags and moves what the database says is handled but still in INBOX:
 * a UID set of up to ARCHIVE_SET per folder and command. A set the server
 * refuses is moved again one UID at a time, which finds the message it
 * refuses; a set that broke the session makes the next pass go one at a
 * time. Returns -1 when the session broke.
 */
static int
intake_archive(struct ctx *ctx, struct intake *in)
{
	struct imap		*im = in->im;
	uint32_t		 uidvalidity = in->uidvalidity;
	struct inbound_row	*rows;
	uint32_t		*uids;
	int64_t			*ids;
	size_t			 n, i, j, k, nids = 0, max;
	char			*cause = NULL;
	int			 r = 0, done;

	store_inbound_pending(ctx->store, ctx->conf->imap_mailbox, &rows, &n);
	if (n == 0)
		return (0);
	qsort(rows, n, sizeof *rows, intake_row_cmp);
	uids = xcalloc(n, sizeof *uids);
	ids = xcalloc(n, sizeof *ids);
	max = intake_one_by_one ? 1 : ARCHIVE_SET;
	for (i = 0; i < n && r != -1; i = j) {
		/* Rows of an older UIDVALIDITY are no longer in this INBOX. */
		if (rows[i].uidvalidity != uidvalidity) {
			ids[nids++] = rows[i].id;
			j = i + 1;
			continue;
		}
		for (j = i, k = 0; j < n && k < max && rows[j].uidvalidity ==
		    uidvalidity && strcmp(rows[j].folder, rows[i].folder) == 0;
		    j++)
			uids[k++] = rows[j].uid;
		if (k > 1) {
			r = imap_archive(im, uids, k, rows[i].folder, &cause);
			if (r == 0) {
				for (; i < j; i++)
					ids[nids++] = rows[i].id;
				continue;
			}
			log_debug("%zu messages not moved to %s together (%s);"
			    " one at a time", k, rows[i].folder, cause);
			free(cause);
			cause = NULL;
			if (r == -1) {
				intake_one_by_one = 1;
				break;
			}
		}
		for (; i < j && r != -1; i++) {
			r = intake_archive_one(ctx, im, &rows[i], &done);
			if (done)
				ids[nids++] = rows[i].id;
		}
	}
	if (r != -1)
		intake_one_by_one = 0;
	intake_archived(ctx, ids, nids);
	free(ids);
	free(uids);
	store_inbound_rows_free(rows, n);
	return (r == -1 ? -1 : 0);
}

/* Says that moving handled mail broke the session. */
static enum intake_status
intake_archive_lost(char **lost)
{
	*lost = xstrdup("the session broke while moving handled mail");
	return (INTAKE_LOST);
}

/*
 * Takes in a batch from uids: up to imap_batch_max messages, for up to
 * BATCH_MS, in one transaction, committed together and then moved
 * together. The files they leave in the spool are synced once, before
 * the commit that names them; the database syncs once at the commit. Any
 * message that stops the batch (this machine failed, the session broke)
 * ends it; those before it commit. *taken says how many were handled.
 */
static enum intake_status
intake_batch(struct ctx *ctx, struct intake *in, const uint32_t *uids,
    size_t n, size_t *taken, char **lost)
{
	enum intake_status	 st = INTAKE_SYNCED;
	double			 t0, t1;
	char			*cause = NULL;
	size_t			 i;

	*taken = 0;
	memset(batch.ms, 0, sizeof batch.ms);
	if (store_begin_wait(ctx->store, ctx->term) == -1) {
		intake_stall(ctx, uids[0], "the database is not free");
		return (INTAKE_STALLED);
	}
	batch.open = 1;
	spool_defer(ctx->spool, 1);
	t0 = intake_ms();
	for (i = 0; i < n && i < (size_t)ctx->conf->imap_batch_max &&
	    !*ctx->quit && intake_ms() - t0 < BATCH_MS; i++)
		if ((st = intake_message(ctx, in, uids[i], lost)) !=
		    INTAKE_SYNCED)
			break;
	batch.open = 0;
	spool_defer(ctx->spool, 0);
	*taken = i;
	t1 = intake_ms();
	if (spool_sync(ctx->spool, &cause) == -1 ||
	    store_commit(ctx->store) == -1) {
		/* Nothing of the batch is recorded: all of it comes again. */
		if (cause == NULL)
			cause = store_error(ctx->store);
		store_rollback(ctx->store);
		intake_stall(ctx, uids[0], cause);
		free(cause);
		free(*lost);	/* a broken session shows at the next sync */
		*lost = NULL;
		return (INTAKE_STALLED);
	}
	batch.ms[T_COMMIT] = intake_ms() - t1;
	if (st != INTAKE_LOST && !*ctx->quit) {
		t1 = intake_ms();
		if (intake_archive(ctx, in) == -1)
			st = intake_archive_lost(lost);
		batch.ms[T_ARCHIVE] = intake_ms() - t1;
	}
	log_debug("batch of %zu: %s %.1f, %s %.1f, %s %.1f, %s %.1f, %s %.1f ms",
	    i, intake_phases[T_FETCH], batch.ms[T_FETCH], intake_phases[T_PARSE],
	    batch.ms[T_PARSE], intake_phases[T_HANDLE], batch.ms[T_HANDLE],
	    intake_phases[T_COMMIT], batch.ms[T_COMMIT],
	    intake_phases[T_ARCHIVE], batch.ms[T_ARCHIVE]);
	return (st);
}

/*
 * One sync of the mailbox, the daemon's step for mail in: finish the
 * moves of mail already handled, search above last_uid, take what is
 * new in batches. INTAKE_SYNCED: all of it taken; INTAKE_STALLED: some
 * waits in INBOX for the next sync (this machine failed, or the server
 * refused a fetch for now); INTAKE_LOST: the session broke (*cause
 * says how; the caller closes it); INTAKE_STOPPED: a signal came.
 */
enum intake_status
intake_sync(struct ctx *ctx, struct intake *in, char **cause)
{
	enum intake_status	 st = INTAKE_SYNCED;
	uint32_t		 known_uv = 0, last = 0, *uids;
	size_t			 n, i, taken;
	int			 known;

	*cause = NULL;
	if (intake_archive(ctx, in) == -1)
		return (intake_archive_lost(cause));
	if ((known = store_mailbox_get(ctx->store, ctx->conf->imap_mailbox,
	    &known_uv, &last)) == -1)
		return (INTAKE_STALLED);	/* said; read again next sync */
	if (known == 1 && known_uv != in->uidvalidity) {
		log_warnx("%s: UIDVALIDITY changed (%u -> %u): rescanning;"
		    " handled mail is recognised by content",
		    ctx->conf->imap_mailbox, known_uv, in->uidvalidity);
		last = 0;
	}
	if (imap_search_new(in->im, last, &uids, &n, cause) == -1)
		return (INTAKE_LOST);
	if (n >= AHEAD_MIN && ctx->conf->imap_fetch_ahead)
		in->ahead = ahead_start(ctx->conf, ctx->spool, in->uidvalidity,
		    uids, n);
	/* Stalled: keep the order, the rest at the next sync. */
	for (i = 0; i < n && st == INTAKE_SYNCED && !*ctx->quit; i += taken) {
		st = intake_batch(ctx, in, uids + i, n - i, &taken, cause);
		if (ctx->alive != NULL)	/* a backlog is no hang */
			ctx->alive();
	}
	if (in->ahead != NULL)
		log_debug("fetch-ahead: %d of %zu messages",
		    ahead_stop(in->ahead), n);
	in->ahead = NULL;
	free(uids);
	return (st == INTAKE_SYNCED && *ctx->quit ? INTAKE_STOPPED : st);
}

/*
 * Opens the session: connect (TLS verified before LOGIN), make the
 * folders mail is moved to, SELECT the mailbox. NULL with *cause when
 * the server cannot be had.
 */
struct intake *
intake_connect(struct ctx *ctx, char **cause)
{
	const struct conf	*c = ctx->conf;
	struct intake		*in;
	struct imap		*im;
	uint32_t		 uidvalidity;

	*cause = NULL;
	if ((im = imap_connect(c, cause)) == NULL)
		return (NULL);
	if (imap_ensure_folder(im, c->imap_processed, cause) == -1 ||
	    imap_ensure_folder(im, c->imap_quarantine, cause) == -1 ||
	    imap_ensure_folder(im, c->imap_held, cause) == -1 ||
	    imap_select(im, c->imap_mailbox, &uidvalidity, cause) == -1) {
		imap_close(im);
		return (NULL);
	}
	log_debug("IMAP: %s selected, UIDVALIDITY %u", c->imap_mailbox,
	    uidvalidity);
	in = xcalloc(1, sizeof *in);
	in->im = im;
	in->uidvalidity = uidvalidity;
	return (in);
}

/*
 * Waits up to seconds for news in the mailbox (IDLE, or a sleep where
 * the server has none) or a signal on the wake pipe; -1 with *cause
 * when the session broke.
 */
int
intake_wait(struct ctx *ctx, struct intake *in, int seconds, char **cause)
{
	*cause = NULL;
	return (imap_wait(in->im, seconds, ctx->wake_fd, cause));
}

/* Seconds since the session logged in. */
time_t
intake_age(const struct intake *in)
{
	return (imap_age(in->im));
}

void
intake_close(struct intake *in)
{
	if (in == NULL)
		return;
	imap_close(in->im);
	free(in);
}
