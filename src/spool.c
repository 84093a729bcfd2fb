/* SPDX-License-Identifier: ISC */
/*
 * The spool keeps every byte the robot receives or sends, named by SHA-256
 * so that a second copy of the same bytes is the same file. Files are
 * written under tmp/, fsynced, then renamed into their kind's directory
 * (raw/ inbound messages, doc/ attachments, out/ outgoing mail) and the
 * directory is fsynced, all before the database commit that names them
 * (in a batch, one syncfs() before the batch's commit: spool_defer()).
 * Everything is mode 0600 inside 0700 directories: KTP scans live here.
 */

#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "disposisi.h"

struct spool {
	char	*dir;
	unsigned seq;
	int	 scratch;	/* no fsync: the parser's work directory */
	int	 deferred;	/* synced by spool_sync(), see spool_defer() */
	int	 dirty;		/* files committed since the last sync */
};

/* work/: the parser children's work directories (parse.c), reused. */
static const char *spool_kinds[] = { "tmp", "raw", "doc", "out", "work" };

/*
 * Makes a directory that already existed private again: one made by hand
 * or by an old install may let others read the scans.
 */
static int
spool_private(const char *dir, char **cause)
{
	struct stat	 sb;

	if (stat(dir, &sb) == -1) {
		xasprintf(cause, "%s: %s", dir, strerror(errno));
		return (-1);
	}
	if ((sb.st_mode & 077) == 0)
		return (0);
	if (chmod(dir, 0700) == -1) {
		xasprintf(cause, "%s is mode %04o and cannot be made 0700: %s",
		    dir, (unsigned)(sb.st_mode & 07777), strerror(errno));
		return (-1);
	}
	log_warnx("spool: %s was mode %04o; made 0700", dir,
	    (unsigned)(sb.st_mode & 07777));
	return (0);
}

struct spool *
spool_open(const char *dir, char **cause)
{
	struct spool	*sp;
	char		*p;
	size_t		 i;

	umask(077);
	if (util_mkdirs(dir, 0700, cause) == -1 ||
	    spool_private(dir, cause) == -1)
		return (NULL);
	for (i = 0; i < sizeof spool_kinds / sizeof spool_kinds[0]; i++) {
		p = util_path(dir, spool_kinds[i]);
		if (mkdir(p, 0700) == -1 && errno != EEXIST)
			xasprintf(cause, "mkdir %s: %s", p, strerror(errno));
		else if (spool_private(p, cause) == 0) {
			free(p);
			continue;
		}
		free(p);
		return (NULL);
	}
	sp = xcalloc(1, sizeof *sp);
	sp->dir = xstrdup(dir);
	return (sp);
}

/* Removes what is in sp's kind directory; how many. */
static int
spool_clean_kind(struct spool *sp, const char *kind)
{
	DIR		*d;
	struct dirent	*e;
	char		*dir, *p;
	int		 n = 0;

	dir = util_path(sp->dir, kind);
	if ((d = opendir(dir)) == NULL) {
		free(dir);
		return (0);
	}
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		p = util_path(dir, e->d_name);
		if (unlink(p) == 0)
			n++;
		else if (errno == EISDIR) {
			util_rmtree(p);
			n++;
		}
		free(p);
	}
	closedir(d);
	free(dir);
	return (n);
}

/*
 * Removes what a killed process left in tmp/ and work/ (files, and a
 * parser's work directories): never named by the database, so never
 * needed. Call only while holding the robot's lock.
 */
void
spool_clean(struct spool *sp)
{
	int	 n;

	n = spool_clean_kind(sp, "tmp") + spool_clean_kind(sp, "work");
	if (n > 0)
		log_info("spool: removed %d unfinished file(s) from %s/tmp and"
		    " work", n, sp->dir);
}

void
spool_close(struct spool *sp)
{
	if (sp == NULL)
		return;
	free(sp->dir);
	free(sp);
}

/*
 * Makes sp a scratch spool: files are not synced, as the parser's work
 * directory is copied into the real spool (synced there) or removed.
 */
void
spool_scratch(struct spool *sp)
{
	sp->scratch = 1;
}

/*
 * Defers what spool_commit() makes durable to spool_sync(): a batch of
 * messages, each with its raw bytes, attachments and outgoing mail, then
 * costs one syncfs() instead of two fsyncs per file. The files are named
 * by no database row until the caller commits, which it does only after
 * spool_sync() succeeded; a crash before that leaves at worst names that
 * no row holds, with their bytes lost. So a name that exists already
 * (the same bytes again) is never trusted nor replaced by a file not yet
 * synced: spool_commit() then writes the new copy durably at once.
 */
void
spool_defer(struct spool *sp, int on)
{
	sp->deferred = on;
}

/*
 * Writes everything committed since the last sync to disk: syncfs() on
 * the spool's file system (one journal commit; it reports write-back
 * errors since Linux 5.8).
 */
int
spool_sync(struct spool *sp, char **cause)
{
	int	 fd, rv;

	if (!sp->dirty)
		return (0);
	if ((fd = open(sp->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1) {
		xasprintf(cause, "%s: %s", sp->dir, strerror(errno));
		return (-1);
	}
	if ((rv = syncfs(fd)) == -1)
		xasprintf(cause, "syncfs %s: %s", sp->dir, strerror(errno));
	else
		sp->dirty = 0;
	close(fd);
	return (rv);
}

/*
 * A fresh path in sp's kind directory (tmp, work); leftovers from a
 * crash are harmless and never named by the database.
 */
char *
spool_fresh_path(struct spool *sp, const char *kind)
{
	char	 rnd[17];
	char	*p;

	crypto_random_hex(rnd, sizeof rnd);
	xasprintf(&p, "%s/%s/%ld.%u.%s", sp->dir, kind, (long)getpid(),
	    sp->seq++, rnd);
	return (p);
}

char *
spool_tmp_path(struct spool *sp)
{
	return (spool_fresh_path(sp, "tmp"));
}

char *
spool_path(struct spool *sp, const char *kind, const char *name)
{
	char	*p;

	xasprintf(&p, "%s/%s/%s", sp->dir, kind, name);
	return (p);
}

static int
spool_fsync_path(const char *path, int flags)
{
	int	 fd, rv;

	if ((fd = open(path, flags | O_CLOEXEC)) == -1)
		return (-1);
	rv = fsync(fd);
	close(fd);
	return (rv);
}

/*
 * Makes a finished temp file durable under kind/<sha256>[suffix]. If that
 * name exists already (the same bytes again), the temp file is dropped.
 * sha_r receives the hex digest; returns the final path.
 */
char *
spool_commit(struct spool *sp, const char *tmp, const char *kind,
    char *sha_r, char **cause)
{
	struct stat	 sb;
	char		*final, *dir;
	int		 sync;

	if (crypto_sha256_file(tmp, sha_r, cause) == -1)
		return (NULL);
	final = spool_path(sp, kind, sha_r);
	sync = !sp->scratch && (!sp->deferred || stat(final, &sb) == 0);
	if (chmod(tmp, 0600) == -1 || (sync &&
	    spool_fsync_path(tmp, O_RDONLY) == -1)) {
		xasprintf(cause, "%s: %s", tmp, strerror(errno));
		free(final);
		return (NULL);
	}
	if (rename(tmp, final) == -1) {
		xasprintf(cause, "rename %s: %s", final, strerror(errno));
		unlink(tmp);
		free(final);
		return (NULL);
	}
	sp->dirty |= sp->deferred && !sync;
	dir = util_path(sp->dir, kind);
	if (sync && spool_fsync_path(dir, O_RDONLY | O_DIRECTORY) == -1) {
		xasprintf(cause, "fsync %s: %s", dir, strerror(errno));
		free(dir);
		free(final);
		return (NULL);
	}
	free(dir);
	return (final);
}
