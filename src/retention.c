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
 * its own - the mark (a compare-and-set), then the files unlinked and
 * their directories fsynced, then the event, then COMMIT. Killed before
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
 * `ingest` write files before they commit): it is left, and its case
 * with it, for the next run.
 */
#define RETENTION_FRESH	3600

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

/* One case's purge under way. */
struct purge {
	struct ctx		*ctx;
	time_t			 now;
	int			 dry;
	struct retention_count	 n;
	const char		**seen;		/* names met, for repeats */
	size_t			 nseen;
	int			 touched[3];	/* directories to fsync */
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
 * Due: past keeping, and holding file rows no purge covered yet (none
 * ever, or mail about the case that came after its purge).
 */
int
retention_due(const struct retention_case *c, int days, time_t now)
{
	return (retention_past(c, days, now) && c->files > c->purged);
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

/* A case may name the same document twice (sent twice): count it once. */
static int
retention_repeat(struct purge *p, const char *name)
{
	size_t	 i;

	for (i = 0; i < p->nseen; i++) {
		if (strcmp(p->seen[i], name) == 0)
			return (1);
	}
	p->seen = xreallocarray(p->seen, p->nseen + 1, sizeof *p->seen);
	p->seen[p->nseen++] = name;
	return (0);
}

/* A file missing is no error: removed by an earlier, interrupted run. */
static int
retention_gone(struct purge *p, char *path, char **cause)
{
	int	 rv = 0;

	if (errno == ENOENT)
		p->n.gone++;
	else {
		xasprintf(cause, "%s: %s", path, strerror(errno));
		rv = -1;
	}
	free(path);
	return (rv);
}

/* Removes one file of the case (in a dry run, counts it); -1 on error. */
static int
retention_file(struct purge *p, const struct case_file *f, size_t k,
    char **cause)
{
	const char	*name = f->sha;
	struct stat	 sb;
	char		*path;
	int		 shared;

	if (name == NULL)
		name = (name = strrchr(f->path, '/')) ? name + 1 : f->path;
	if (!retention_name_ok(name)) {
		log_warnx("retention: %s: not a spool name, left", f->path);
		return (0);
	}
	if (retention_repeat(p, name))
		return (0);
	if (k == 1 && (shared = retention_shared(p, name)) != 0) {
		p->n.kept += shared == 1;
		return (shared == 1 ? 0 : -1);
	}
	/* The spool of the config, not the stored path: it may have moved. */
	xasprintf(&path, "%s/%s/%s", p->ctx->conf->spool_dir,
	    retention_kinds[k].dir, name);
	if (lstat(path, &sb) == -1)
		return (retention_gone(p, path, cause));
	if (sb.st_mtime > p->now - RETENTION_FRESH)
		p->n.fresh++;
	else if (!p->dry && unlink(path) == -1)
		return (retention_gone(p, path, cause));
	else {
		p->n.removed[k]++;
		p->n.bytes += sb.st_size;
		p->touched[k] = 1;
	}
	free(path);
	return (0);
}

/* The unlinks made durable before the COMMIT that records them. */
static int
retention_sync(struct purge *p, char **cause)
{
	char	*dir;
	size_t	 k;
	int	 fd, rv;

	for (k = 0; k < 3; k++) {
		if (!p->touched[k])
			continue;
		xasprintf(&dir, "%s/%s", p->ctx->conf->spool_dir,
		    retention_kinds[k].dir);
		if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1 ||
		    (rv = fsync(fd)) == -1)
			xasprintf(cause, "fsync %s: %s", dir, strerror(errno));
		if (fd != -1)
			close(fd);
		free(dir);
		if (fd == -1 || rv == -1)
			return (-1);
	}
	return (0);
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
		xasprintf(&t, "%s; %zu kept for a case not yet due", s, n->kept);
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

/* Removes the files of one case (nothing in a dry run); -1 on error. */
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
			rv = retention_file(p, &files[i], k, cause);
	}
	free(p->seen);		/* the names pointed into files */
	p->seen = NULL;
	p->nseen = 0;
	store_case_files_free(files, n);
	if (rv == 0 && !p->dry)
		rv = retention_sync(p, cause);
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
	if (p->n.fresh > 0) {
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

	if (p->n.fresh > 0)
		xasprintf(&line, "%s: %zu file(s) just came again (in use?):"
		    " the case is left for the next run; %s%s", c->ref,
		    p->n.fresh, p->dry ? "would remove " : "removed so far ",
		    words);
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
retention_add(struct retention_count *t, const struct retention_count *n)
{
	size_t	 k;

	if (n->fresh > 0)
		t->left++;
	else
		t->cases++;
	for (k = 0; k < 3; k++)
		t->removed[k] += n->removed[k];
	t->bytes += n->bytes;
	t->kept += n->kept;
	t->fresh += n->fresh;
	t->gone += n->gone;
}

static int
retention_case(struct ctx *ctx, const struct retention_case *c, int dry,
    time_t now, FILE *out, struct retention_count *total)
{
	struct purge	 p = { .ctx = ctx, .now = now, .dry = dry };
	char		*cause = NULL;
	int		 rv;

	rv = dry ? retention_files(&p, c, &cause) :
	    retention_commit(&p, c, &cause);
	if (rv == -1) {
		log_warnx("%s: retention: %s; left for the next run", c->ref,
		    cause);
		free(cause);
		return (-1);
	}
	if (rv == 0) {
		retention_report(&p, c, out);
		retention_add(total, &p.n);
	}
	return (0);
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
	if (store_retention_cases(ctx->store, &rows, &n) == -1)
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
	last = store_job_last(ctx->store, RETENTION_JOB);
	if (last != 0 && last <= now && now - last < DAY)
		return;
	retention_run(ctx, 0, NULL, &n);
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
