/* SPDX-License-Identifier: ISC */
/*
 * `disposisi backup -f FILE DIR`: the robot's state, while the daemon
 * runs, into DIR: the database as disposisi-YYYY-MM-DD.db (the office's
 * date; a second backup the same day replaces the first), copied with
 * SQLite's backup API and checked whole (store-backup.c); the spool
 * files it names under DIR/spool (content-addressed and never changed,
 * so only the missing ones are copied, and one tree serves every
 * backup); the HMAC key as DIR/hmac.key. The last backup_keep backups
 * are kept, and the spool files none of them names are removed (a case
 * purged under retention leaves the backups with the last one that
 * holds it). Everything 0600 in 0700 directories: it is personal data.
 * `disposisi restore` (cmd-restore.c) puts a backup back.
 */

#include <sys/file.h>
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "disposisi.h"

#define BACKUP_PREFIX	"disposisi-"
#define BACKUP_SUFFIX	".db"
#define EX_CANTCREAT_STATUS	73	/* sysexits.h EX_CANTCREAT */

static const char *const backup_kinds[] = { "raw", "doc", "out" };

/*
 * The spool files the database at db names, from the spool from into
 * the spool to, where to lacks them. copied and missing (gone from
 * from: a case purged meanwhile) are counted. 0, or -1 with *cause.
 */
int
backup_spool(const char *db, const char *from, const char *to,
    size_t *copied, size_t *missing, char **cause)
{
	char	**names, *src, *dst;
	size_t	 n, i;
	int	 rv = 0;

	*copied = *missing = 0;
	for (i = 0; i < sizeof backup_kinds / sizeof backup_kinds[0]; i++) {
		dst = util_path(to, backup_kinds[i]);
		rv = util_mkdirs(dst, 0700, cause);
		free(dst);
		if (rv == -1)
			return (-1);
	}
	if (store_backup_files(db, &names, &n, cause) == -1)
		return (-1);
	for (i = 0; i < n && rv != -1; i++) {
		dst = util_path(to, names[i]);
		if (access(dst, F_OK) != 0) {
			src = util_path(from, names[i]);
			if ((rv = util_copy_file(src, dst, 0600, cause)) == 1)
				(*copied)++;
			else if (rv == 0)
				(*missing)++;
			free(src);
		}
		free(dst);
	}
	store_backup_files_free(names, n);
	return (rv == -1 ? -1 : 0);
}

/* Whether name is a backup's: disposisi-YYYY-MM-DD.db. */
static int
backup_named(const char *name)
{
	int	 y, m, d, end = 0;

	return (sscanf(name, BACKUP_PREFIX "%4d-%2d-%2d" BACKUP_SUFFIX "%n",
	    &y, &m, &d, &end) == 3 && end == (int)strlen(name) && end ==
	    (int)strlen(BACKUP_PREFIX "YYYY-MM-DD" BACKUP_SUFFIX));
}

static int
backup_cmp(const void *a, const void *b)
{
	return (strcmp(*(char *const *)a, *(char *const *)b));
}

/* The backups in dir, oldest first (their names sort by date). */
static int
backup_list(const char *dir, char ***list, size_t *n, char **cause)
{
	DIR		*dp;
	struct dirent	*e;

	*list = NULL;
	*n = 0;
	if ((dp = opendir(dir)) == NULL) {
		xasprintf(cause, "%s: %s", dir, strerror(errno));
		return (-1);
	}
	while ((e = readdir(dp)) != NULL) {
		if (!backup_named(e->d_name))
			continue;
		*list = xreallocarray(*list, *n + 1, sizeof **list);
		(*list)[(*n)++] = util_path(dir, e->d_name);
	}
	closedir(dp);
	qsort(*list, *n, sizeof **list, backup_cmp);
	return (0);
}

/* Removes the spool files of dir that no name of keep holds. */
static size_t
backup_prune_spool(const char *dir, char **keep, size_t nkeep)
{
	DIR		*dp;
	struct dirent	*e;
	char		*sub, *name, *p;
	size_t		 i, removed = 0;

	for (i = 0; i < sizeof backup_kinds / sizeof backup_kinds[0]; i++) {
		xasprintf(&sub, "%s/spool/%s", dir, backup_kinds[i]);
		if ((dp = opendir(sub)) == NULL) {
			free(sub);
			continue;
		}
		while ((e = readdir(dp)) != NULL) {
			if (e->d_name[0] == '.')
				continue;
			xasprintf(&name, "%s/%s", backup_kinds[i], e->d_name);
			if (bsearch(&name, keep, nkeep, sizeof *keep,
			    backup_cmp) == NULL) {
				p = util_path(sub, e->d_name);
				removed += unlink(p) == 0;
				free(p);
			}
			free(name);
		}
		closedir(dp);
		free(sub);
	}
	return (removed);
}

/*
 * Keeps the newest keep backups of dir, and the spool files they name.
 * Returns the backups removed, or -1 with *cause.
 */
static int
backup_prune(const char *dir, int keep, size_t *files, char **cause)
{
	char	**list, **names, **all = NULL;
	size_t	 n, i, j, nn, nall = 0;
	int	 removed = 0;

	*files = 0;
	if (backup_list(dir, &list, &n, cause) == -1)
		return (-1);
	for (i = 0; i < n; i++) {
		if (i + keep < n) {
			removed += unlink(list[i]) == 0;
			continue;
		}
		if (store_backup_files(list[i], &names, &nn, cause) == -1)
			break;
		all = xreallocarray(all, nall + nn, sizeof *all);
		for (j = 0; j < nn; j++)
			all[nall++] = names[j];
		free(names);
	}
	/* A backup unreadable: nothing is removed on a guess. */
	if (i == n) {
		qsort(all, nall, sizeof *all, backup_cmp);
		*files = backup_prune_spool(dir, all, nall);
	}
	store_backup_files_free(all, nall);
	store_backup_files_free(list, n);
	return (i == n ? removed : -1);
}

/*
 * The database into dir, under the office's date, with the spool files it
 * names (copied, missing counted); its path, or NULL with *cause.
 */
static char *
backup_db(struct ctx *ctx, const char *dir, size_t *copied, size_t *missing,
    char **cause)
{
	char	*tmp, *path, *spool;
	int	 date = cal_date(&ctx->rules->cal, clock_now()), rv;

	xasprintf(&path, "%s/" BACKUP_PREFIX "%04d-%02d-%02d" BACKUP_SUFFIX,
	    dir, date / 10000, date / 100 % 100, date % 100);
	xasprintf(&tmp, "%s/.backup.tmp%ld", dir, (long)getpid());
	if (store_backup(ctx->store, tmp, cause) == -1) {
		free(tmp);
		free(path);
		return (NULL);
	}
	/* The spool files first: a backup in place is a whole one. */
	spool = util_path(dir, "spool");
	rv = backup_spool(tmp, ctx->conf->spool_dir, spool, copied, missing,
	    cause);
	free(spool);
	if (rv == -1 || rename(tmp, path) == -1) {
		if (*cause == NULL)
			xasprintf(cause, "%s: %s", path, strerror(errno));
		unlink(tmp);	/* the spool files stay: the next one needs them */
		free(tmp);
		free(path);
		return (NULL);
	}
	free(tmp);
	return (path);
}

static int
cmd_backup(const struct cmd_entry *self, struct ctx *ctx, struct args *a)
{
	const char	*dir = a->argv[0];
	char		*path = NULL, *key, *lock, *cause = NULL;
	size_t		 copied, missing, files;
	int		 removed = -1, fd;

	(void)self;
	umask(077);
	if (util_mkdirs(dir, 0700, &cause) == -1) {
		fprintf(stderr, "disposisi: backup: %s\n", cause);
		free(cause);
		return (EX_CANTCREAT_STATUS);
	}
	/* One backup at a time: another's pruning would take our files. */
	lock = util_path(dir, ".lock");
	if ((fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0600)) == -1 ||
	    flock(fd, LOCK_EX) == -1) {
		fprintf(stderr, "disposisi: backup: %s: %s\n", lock,
		    strerror(errno));
		free(lock);
		return (EX_CANTCREAT_STATUS);
	}
	free(lock);
	/* Without its key, a restored trail would not verify. */
	key = util_path(dir, "hmac.key");
	if (util_write_file(key, ctx->conf->hmac_secret,
	    ctx->conf->hmac_secret_len, 0600, &cause) == 0 &&
	    (path = backup_db(ctx, dir, &copied, &missing, &cause)) != NULL)
		removed = backup_prune(dir, ctx->conf->backup_keep, &files,
		    &cause);
	free(key);
	close(fd);	/* the lock with it */
	if (removed == -1) {
		fprintf(stderr, "disposisi: backup: %s\n", cause);
		free(cause);
		free(path);
		return (1);
	}
	printf("%s: checked; %zu spool file(s) copied; %d old backup(s) and"
	    " %zu spool file(s) no backup names removed\n", path, copied,
	    removed, files);
	if (missing > 0)
		printf("%zu file(s) the database names were gone from the"
		    " spool (a case purged meanwhile)\n", missing);
	free(path);
	return (0);
}

const struct cmd_entry cmd_backup_entry = {
	.name = "backup",
	.usage = "-f FILE DIR",
	.args = { "f:", 1, 1, NULL },
	.needs = CMD_CONF | CMD_RULES | CMD_SEAL | CMD_DB,
	.exec = cmd_backup
};
