/* SPDX-License-Identifier: ISC */
/*
 * `disposisi restore -f FILE BACKUP`: puts a backup (cmd-backup.c) back,
 * with the daemon stopped (its lock is taken: a running robot refuses
 * it). The backup is checked whole first; the HMAC key comes back if it
 * is missing (a different one is refused: the trail would not verify);
 * the spool files the backup names come back where missing; then the
 * database replaces the one in place, its WAL removed first (another
 * database's log must never be replayed onto it).
 *
 * The restored database is the moment of the backup. The audit trail's
 * checkpoint outside it may name later events, which a restore loses:
 * the old checkpoint is kept beside as .before-restore and named in the
 * output, and a fresh one is written for the trail as restored, so that
 * `audit verify` checks what there is. docs/admin and disposisi(8) say
 * what becomes of the mail handled after the backup.
 */

#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "disposisi.h"

/* The directory of path, for the backup's spool and key beside it. */
static char *
restore_dir(const char *path)
{
	const char	*s = strrchr(path, '/');

	if (s == NULL)
		return (xstrdup("."));
	return (xstrndup(path, s == path ? 1 : (size_t)(s - path)));
}

/* The backup's key, where the config has none; 0, or -1 with *cause. */
static int
restore_key(const struct conf *c, const char *dir, char **cause)
{
	char	*from, *have = NULL, *want;
	size_t	 len, hlen;
	int	 rv = 0;

	from = util_path(dir, "hmac.key");
	if ((want = util_read_file(from, 4096, &len, cause)) == NULL) {
		free(from);
		return (-1);
	}
	if (access(c->hmac_secret_file, F_OK) != 0)
		rv = util_write_file(c->hmac_secret_file, want, len, 0600,
		    cause);
	else if ((have = util_read_file(c->hmac_secret_file, 4096, &hlen,
	    cause)) == NULL)
		rv = -1;
	else if (strcspn(have, " \t\r\n") != strcspn(want, " \t\r\n") ||
	    strncmp(have, want, strcspn(want, " \t\r\n")) != 0) {
		xasprintf(cause, "%s differs from the backup's %s: the"
		    " restored trail would not verify; move it away first",
		    c->hmac_secret_file, from);
		rv = -1;
	}
	free(have);
	free(want);
	free(from);
	return (rv);
}

/* The backup's database in place of the config's: 0, or -1 with *cause. */
static int
restore_db(const struct conf *c, const char *backup, char **cause)
{
	char	*tmp, *wal, *shm;
	int	 rv = -1;

	xasprintf(&tmp, "%s.restore%ld", c->database, (long)getpid());
	xasprintf(&wal, "%s-wal", c->database);
	xasprintf(&shm, "%s-shm", c->database);
	if (store_backup_restore(backup, tmp, cause) == 0) {
		if ((unlink(wal) == -1 && errno != ENOENT) ||
		    (unlink(shm) == -1 && errno != ENOENT) ||
		    rename(tmp, c->database) == -1) {
			xasprintf(cause, "%s: %s", c->database,
			    strerror(errno));
			unlink(tmp);
		} else
			rv = 0;
	}
	free(tmp);
	free(wal);
	free(shm);
	return (rv);
}

/*
 * The trail's checkpoint for the restored database: one that names
 * events the backup does not hold is kept aside and said; then the
 * restored trail's end is written. 0, or -1 with *cause.
 */
static int
restore_checkpoint(struct conf *c, char **cause)
{
	struct store	*st;
	char		*why = NULL, *aside;
	int64_t		 had;
	int		 rv = 0;

	if (conf_load_secret(c, cause) == -1 ||
	    (st = store_open(c->database, cause)) == NULL)
		return (-1);
	store_set_key(st, c->hmac_secret, c->hmac_secret_len);
	if (store_checkpoint_check(st, c->seal_checkpoint, &had, &why) == 1) {
		xasprintf(&aside, "%s.before-restore", c->seal_checkpoint);
		if (rename(c->seal_checkpoint, aside) == -1) {
			xasprintf(cause, "%s: %s", aside, strerror(errno));
			rv = -1;
		} else
			printf("the audit checkpoint was ahead of the backup"
			    " (%s): the events after the backup are lost with"
			    " it; the old checkpoint is kept as %s\n", why,
			    aside);
		free(aside);
	}
	free(why);
	store_set_checkpoint(st, c->seal_checkpoint);
	if (rv == 0)
		store_checkpoint(st);
	store_close(st);
	return (rv);
}

static int
cmd_restore(const struct cmd_entry *self, struct ctx *ctx, struct args *a)
{
	const char	*backup = a->argv[0];
	char		*dir = restore_dir(backup), *spool, *cause = NULL;
	size_t		 copied, missing;
	int		 rv = -1;

	(void)self;
	umask(077);
	spool = util_path(dir, "spool");
	if (access(backup, R_OK) != 0)
		xasprintf(&cause, "%s: %s", backup, strerror(errno));
	else if (restore_key(ctx->conf, dir, &cause) == 0 &&
	    util_mkdirs(ctx->conf->spool_dir, 0700, &cause) == 0 &&
	    backup_spool(backup, spool, ctx->conf->spool_dir, &copied,
	    &missing, &cause) == 0 && restore_db(ctx->conf, backup,
	    &cause) == 0)
		rv = restore_checkpoint(ctx->conf, &cause);
	free(spool);
	free(dir);
	if (rv == -1) {
		fprintf(stderr, "disposisi: restore: %s\n", cause);
		free(cause);
		return (1);
	}
	printf("%s restored into %s; %zu spool file(s) copied back%s\n",
	    backup, ctx->conf->database, copied, missing ? "" : ", none"
	    " missing");
	if (missing > 0)
		printf("%zu file(s) the backup names are in neither spool\n",
		    missing);
	return (0);
}

const struct cmd_entry cmd_restore_entry = {
	.name = "restore",
	.usage = "-f FILE BACKUP",
	.args = { "f:", 1, 1, NULL },
	.needs = CMD_CONF | CMD_LOCK,
	.exec = cmd_restore
};
