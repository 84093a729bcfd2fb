/* SPDX-License-Identifier: ISC */
/*
 * Retention of personal data (UU 27/2022). The raw mail in, the
 * documents and the mail out of a closed case are removed retention_days
 * after the later of its close and its certificate's end; the case's
 * row, its events, dispatches and the SHA-256 of every file stay, so its
 * history and the sealed audit trail remain whole. Which cases are due,
 * and whether a file shared by several cases may go, is decided without
 * I/O (retention_until, retention_due, retention_free); retention_run
 * removes, for `disposisi purge` and, once a day, for the daemon.
 *
 * The order, for a kill at any instant: each case in a transaction of
 * its own - the mark (a compare-and-set), every file's fate planned,
 * then the files unlinked and their directories fsynced, then the
 * event, then COMMIT. Killed before
 * the COMMIT, the case is not marked and the next run does it again,
 * counting what is already removed as gone (a missing file is no
 * error). Committing first would leave files behind a mark saying they
 * are gone, with nothing to try them again.
 */

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "disposisi.h"

#define RETENTION_JOB	"retensi"
#define DAY		86400
/*
 * A spool file written this recently holds bytes that just came again,
 * maybe for a case whose transaction has not committed yet (intake and
 * `ingest` write files before they commit, so no row shows it is held):
 * its case is left untouched for the next run.
 */
#define RETENTION_FRESH	3600
#define KIND_DOC	1	/* documents: one scan may be in two cases */

/* The spool's directories by the kind store_case_files names a file. */
static const struct {
	const char	*prefix;
	const char	*dir;
	const char	*words;
} retention_kinds[3] = {
	{ "surel-masuk/", "raw", "mail in" },
	{ "dokumen/", "doc", "documents" },
	{ "surel-keluar/", "out", "mail out" }
};

/* What becomes of one file of the case. */
enum fate {
	FATE_REMOVE,
	FATE_KEPT,		/* held by a case not yet past keeping */
	FATE_GONE,		/* already missing */
	FATE_FRESH		/* just written again: in use */
};
struct fate_row {
	char		*path;
	size_t		 kind;		/* index in retention_kinds */
	enum fate	 fate;
	off_t		 size;
};

/* One case's purge: every file's fate planned first, then carried out. */
struct purge {
	struct ctx		*ctx;
	time_t			 now;
	int			 dry;
	struct retention_count	 n;
	size_t			 fresh;		/* files in use: left alone */
	struct fate_row		*plan;
	size_t			 nplan;
};

/*
 * When a closed case's files are due: retention_days after the later of
 * its close and its certificate's end. 0 for an open case, or when
 * retention is off (0 days).
 */
time_t
retention_until(const struct retention_case *c, int days)
{
	time_t	 from;

	if (days <= 0 || !case_state_closed(c->state) || c->closed_at == 0)
		return (0);
	from = c->expires_at > c->closed_at ? c->expires_at : c->closed_at;
	return (from + (time_t)days * DAY);
}

static int
retention_past(const struct retention_case *c, int days, time_t now)
{
	time_t	 until = retention_until(c, days);

	return (until != 0 && until <= now);
}

/*
 * Due: past keeping, holding file rows no purge covered yet (none ever,
 * or mail about the case that came after its purge), and no mail of it
 * still waiting to be sent, whose file the sender needs.
 */
int
retention_due(const struct retention_case *c, int days, time_t now)
{
	return (retention_past(c, days, now) && c->files > c->purged &&
	    c->queued == 0);
}

int
retention_free(const struct retention_case *holders, size_t n, int days,
    time_t now)
{
	size_t	 i;

	for (i = 0; i < n; i++) {
		if (!retention_past(&holders[i], days, now))
			return (0);
	}
	return (1);
}

/* Spool names are SHA-256 in hex: anything else is not ours to remove. */
static int
retention_name_ok(const char *name)
{
	return (strlen(name) == SHA256_HEX_LEN &&
	    strspn(name, "0123456789abcdef") == SHA256_HEX_LEN);
}

/* A document's bytes shared with a case not yet past keeping stay. */
static int
retention_shared(struct purge *p, const char *sha)
{
	struct retention_case	*h;
	size_t			 n;
	int			 shared;

	if (store_retention_holders(p->ctx->store, sha, &h, &n) == -1)
		return (-1);
	shared = !retention_free(h, n, p->ctx->conf->retention_days, p->now);
	store_retention_free(h, n);
	return (shared);
}

/* A case may name the same document twice (sent twice): plan it once. */
static struct fate_row *
retention_row(struct purge *p, char *path, size_t kind)
{
	size_t	 i;

	for (i = 0; i < p->nplan; i++) {
		if (strcmp(p->plan[i].path, path) == 0) {
			free(path);
			return (NULL);
		}
	}
	p->plan = xreallocarray(p->plan, p->nplan + 1, sizeof *p->plan);
	memset(&p->plan[p->nplan], 0, sizeof p->plan[p->nplan]);
	p->plan[p->nplan].path = path;
	p->plan[p->nplan].kind = kind;
	return (&p->plan[p->nplan++]);
}

/* Decides one file's fate, reading only: -1 on an error. */
static int
retention_plan(struct purge *p, const struct case_file *f, size_t k,
    char **cause)
{
	const char	*name = f->sha;
	struct fate_row	*r;
	struct stat	 sb;
	char		*path;
	int		 shared = 0;

	if (name == NULL)
		name = (name = strrchr(f->path, '/')) ? name + 1 : f->path;
	if (!retention_name_ok(name)) {
		log_warnx("retention: %s: not a spool name, left", f->path);
		return (0);
	}
	/* The spool of the config, not the stored path: it may have moved. */
	xasprintf(&path, "%s/%s/%s", p->ctx->conf->spool_dir,
	    retention_kinds[k].dir, name);
	if ((r = retention_row(p, path, k)) == NULL)
		return (0);
	if (k == KIND_DOC && (shared = retention_shared(p, name)) == -1) {
		xasprintf(cause, "cannot read who holds %s", r->path);
		return (-1);
	}
	if (shared)
		r->fate = FATE_KEPT;
	else if (lstat(r->path, &sb) == -1) {
		if (errno != ENOENT) {
			xasprintf(cause, "%s: %s", r->path, strerror(errno));
			return (-1);
		}
		r->fate = FATE_GONE;
	} else if (sb.st_mtime > p->now - RETENTION_FRESH)
		r->fate = FATE_FRESH;
	else {
		r->fate = FATE_REMOVE;
		r->size = sb.st_size;
		p->n.removed[k]++;
		p->n.bytes += sb.st_size;
	}
	p->n.kept += r->fate == FATE_KEPT;
	p->n.gone += r->fate == FATE_GONE;
	p->fresh += r->fate == FATE_FRESH;
	return (0);
}

/* Each spool directory a file left, synced: the unlinks are durable. */
static int
retention_fsync(struct purge *p, const int *touched, char **cause)
{
	char	*dir;
	size_t	 k;
	int	 fd, rv = 0;

	for (k = 0; k < 3 && rv == 0; k++) {
		if (!touched[k])
			continue;
		xasprintf(&dir, "%s/%s", p->ctx->conf->spool_dir,
		    retention_kinds[k].dir);
		if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) ==
		    -1 || fsync(fd) == -1) {
			xasprintf(cause, "fsync %s: %s", dir, strerror(errno));
			rv = -1;
		}
		if (fd != -1)
			close(fd);
		free(dir);
	}
	return (rv);
}

/*
 * Unlinks what the plan removes, durably, before the COMMIT that
 * records it. A file missing by now is no error: another run removed it.
 */
static int
retention_unlink(struct purge *p, char **cause)
{
	struct fate_row	*r;
	int		 touched[3] = { 0 };
	size_t		 i;

	for (i = 0; i < p->nplan; i++) {
		r = &p->plan[i];
		if (r->fate != FATE_REMOVE)
			continue;
		if (unlink(r->path) == 0) {
			touched[r->kind] = 1;
			continue;
		}
		if (errno != ENOENT) {
			xasprintf(cause, "%s: %s", r->path, strerror(errno));
			return (-1);
		}
		p->n.removed[r->kind]--;
		p->n.bytes -= r->size;
		p->n.gone++;
	}
	return (retention_fsync(p, touched, cause));
}

static size_t
retention_removed(const struct retention_count *n)
{
	return (n->removed[0] + n->removed[1] + n->removed[2]);
}

/* What was removed, in counts only: the detail of the case's event. */
static char *
retention_words(const struct retention_count *n)
{
	char	*s, *t;

	xasprintf(&s, "%zu file(s), %lld bytes (%zu %s, %zu %s, %zu %s)",
	    retention_removed(n), n->bytes, n->removed[0],
	    retention_kinds[0].words, n->removed[1], retention_kinds[1].words,
	    n->removed[2], retention_kinds[2].words);
	if (n->kept > 0) {
		xasprintf(&t, "%s; %zu kept for a case not yet due", s,
		    n->kept);
		free(s);
		s = t;
	}
	if (n->gone > 0) {
		xasprintf(&t, "%s; %zu already gone", s, n->gone);
		free(s);
		s = t;
	}
	return (s);
}

/*
 * Plans the fate of every file of the case and, unless it is a dry run
 * or some file is in use, removes; -1 on an error.
 */
static int
retention_files(struct purge *p, const struct retention_case *c,
    char **cause)
{
	struct case_file	*files;
	size_t			 n, i, k;
	int			 rv = 0;

	if (store_case_files(p->ctx->store, c->ref, &files, &n) == -1) {
		xasprintf(cause, "cannot read its files");
		return (-1);
	}
	for (i = 0; i < n && rv == 0; i++) {
		for (k = 0; k < 3; k++) {
			if (strncmp(files[i].name, retention_kinds[k].prefix,
			    strlen(retention_kinds[k].prefix)) == 0)
				break;
		}
		if (k < 3)
			rv = retention_plan(p, &files[i], k, cause);
	}
	store_case_files_free(files, n);
	if (rv == 0 && !p->dry && p->fresh == 0)
		rv = retention_unlink(p, cause);
	return (rv);
}

/* Marks, removes, records: one transaction, see the top of the file. */
static int
retention_commit(struct purge *p, const struct retention_case *c,
    char **cause)
{
	struct store	*st = p->ctx->store;
	char		*words;
	int		 rv;

	if (store_begin_wait(st, p->ctx->term) == -1) {
		xasprintf(cause, "the database is busy");
		return (-1);
	}
	if ((rv = store_case_purge(st, c->id, c->purged)) != 1) {
		store_rollback(st);
		if (rv == -1)
			xasprintf(cause, "cannot mark the case");
		return (rv == 0 ? 1 : -1);	/* 1: another run did it */
	}
	if (retention_files(p, c, cause) == -1) {
		store_rollback(st);
		return (-1);
	}
	if (p->fresh > 0) {
		store_rollback(st);
		return (0);
	}
	words = retention_words(&p->n);
	rv = store_event(st, c->id, "retensi", "hapus-data", words);
	free(words);
	if (rv == -1 || store_commit(st) == -1) {
		store_rollback(st);
		xasprintf(cause, "cannot record the removal");
		return (-1);
	}
	return (0);
}

static void
retention_report(const struct purge *p, const struct retention_case *c,
    FILE *out)
{
	char	*words = retention_words(&p->n), *line;

	if (p->fresh > 0)
		xasprintf(&line, "%s: %zu file(s) written again within the"
		    " hour (the same bytes came for another case?): left"
		    " untouched for the next run", c->ref, p->fresh);
	else
		xasprintf(&line, "%s: %s %s", c->ref, p->dry ? "would remove" :
		    "removed", words);
	if (out != NULL)
		fprintf(out, "%s\n", line);
	else
		log_info("%s", line);
	free(line);
	free(words);
}

static void
retention_add(struct retention_count *t, const struct purge *p)
{
	const struct retention_count	*n = &p->n;
	size_t				 k;

	if (p->fresh > 0) {
		t->left++;
		return;
	}
	t->cases++;
	for (k = 0; k < 3; k++)
		t->removed[k] += n->removed[k];
	t->bytes += n->bytes;
	t->kept += n->kept;
	t->gone += n->gone;
}

static int
retention_case(struct ctx *ctx, const struct retention_case *c, int dry,
    time_t now, FILE *out, struct retention_count *total)
{
	struct purge	 p = { .ctx = ctx, .now = now, .dry = dry };
	char		*cause = NULL;
	size_t		 i;
	int		 rv;

	rv = dry ? retention_files(&p, c, &cause) :
	    retention_commit(&p, c, &cause);
	if (rv == -1) {
		log_warnx("%s: retention: %s; left for the next run", c->ref,
		    cause);
		free(cause);
	} else if (rv == 0) {
		retention_report(&p, c, out);
		retention_add(total, &p);
	}
	for (i = 0; i < p.nplan; i++)
		free(p.plan[i].path);
	free(p.plan);
	return (rv == -1 ? -1 : 0);
}

/*
 * Removes the files of every case due (a dry run only counts them),
 * printing a line per case to out, or logging it when out is NULL.
 * Returns -1 when some case is left for the next run.
 */
int
retention_run(struct ctx *ctx, int dry, FILE *out,
    struct retention_count *total)
{
	struct retention_case	*rows;
	size_t			 n, i;
	time_t			 now = clock_now();
	int			 rv = 0;

	memset(total, 0, sizeof *total);
	/* Only those past keeping can be due: the rest stay unread. */
	if (store_retention_cases(ctx->store, now - (time_t)
	    ctx->conf->retention_days * DAY, &rows, &n) == -1)
		return (-1);
	for (i = 0; i < n; i++) {
		if (ctx->term != NULL && *ctx->term)
			break;
		if (!retention_due(&rows[i], ctx->conf->retention_days, now))
			continue;
		if (retention_case(ctx, &rows[i], dry, now, out, total) == -1) {
			total->left++;
			rv = -1;
		}
	}
	store_retention_free(rows, n);
	return (rv);
}

/*
 * The daemon's run, once a day: when it last ran is kept in the
 * database, so a restart does not run it again. A case that fails is
 * tried again the next day; one line per run says what was done.
 */
void
retention_daily(struct ctx *ctx)
{
	struct retention_count	 n;
	time_t			 now = clock_now(), last;

	if (ctx->conf->retention_days == 0)
		return;
	/* Unknown (the read failed, said): not now, lest it run twice. */
	if ((last = store_job_last(ctx->store, RETENTION_JOB)) == -1 ||
	    (last != 0 && last <= now && now - last < DAY))
		return;
	retention_run(ctx, 0, NULL, &n);
	if (ctx->term != NULL && *ctx->term) {
		log_info("retention: stopping; the run is made again at start");
		return;
	}
	log_info("retention: %zu case(s) past %d days: %zu file(s), %lld bytes"
	    " removed; %zu kept for cases not yet due; %zu already gone; %zu"
	    " case(s) left for the next run", n.cases,
	    ctx->conf->retention_days, retention_removed(&n), n.bytes, n.kept,
	    n.gone, n.left);
	if (store_begin_wait(ctx->store, ctx->term) == -1 ||
	    store_job_done(ctx->store, RETENTION_JOB, now) == -1 ||
	    store_commit(ctx->store) == -1) {
		store_rollback(ctx->store);
		log_warnx("retention: cannot record the run; it runs again");
	}
}
