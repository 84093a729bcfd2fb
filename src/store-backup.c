/* SPDX-License-Identifier: ISC */
/*
 * Backups of the database (cmd-backup.c): a copy made with SQLite's
 * online backup API from a read transaction, so the daemon writes on
 * while it is taken and the copy is one moment of the database; checked
 * whole (PRAGMA integrity_check) before it counts; and the spool files
 * a copy names, so that the copy and those files are the robot entire.
 * A backup is opened read-only, never through store_open(): it is not
 * migrated, not written. Return conventions: store_p.h.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "disposisi.h"
#include "store_p.h"

/* The database at path, read-only; NULL with *cause. */
static sqlite3 *
store_backup_open(const char *path, int flags, char **cause)
{
	sqlite3	*db;

	if (sqlite3_open_v2(path, &db, flags, NULL) != SQLITE_OK) {
		xasprintf(cause, "%s: %s", path, db ? sqlite3_errmsg(db) :
		    "cannot open");
		sqlite3_close(db);
		return (NULL);
	}
	sqlite3_busy_timeout(db, 5000);
	return (db);
}

/* PRAGMA integrity_check says "ok": 0, else -1 with its first finding. */
static int
store_backup_intact(sqlite3 *db, const char *path, char **cause)
{
	sqlite3_stmt	*s;
	const char	*v;
	int		 rv = -1;

	if (sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &s, NULL) !=
	    SQLITE_OK) {
		xasprintf(cause, "%s: %s", path, sqlite3_errmsg(db));
		return (-1);
	}
	if (sqlite3_step(s) != SQLITE_ROW)
		xasprintf(cause, "%s: %s", path, sqlite3_errmsg(db));
	else if ((v = (const char *)sqlite3_column_text(s, 0)) == NULL ||
	    strcmp(v, "ok") != 0)
		xasprintf(cause, "%s: damaged: %s", path, v ? v : "?");
	else
		rv = 0;
	sqlite3_finalize(s);
	return (rv);
}

/*
 * Copies the database from into path (a new file), all of it in one step
 * of the backup API: one read transaction, so one consistent moment,
 * while the daemon commits on beside it (WAL). Then checks the copy. 0,
 * or -1 with *cause (path is then removed).
 */
static int
store_backup_copy(sqlite3 *from, const char *path, char **cause)
{
	sqlite3		*to;
	sqlite3_backup	*b;
	int		 rc;

	*cause = NULL;
	if ((to = store_backup_open(path, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE, cause)) == NULL)
		return (-1);
	if ((b = sqlite3_backup_init(to, "main", from, "main")) == NULL) {
		xasprintf(cause, "%s: %s", path, sqlite3_errmsg(to));
		sqlite3_close(to);
		remove(path);
		return (-1);
	}
	while ((rc = sqlite3_backup_step(b, -1)) == SQLITE_BUSY ||
	    rc == SQLITE_LOCKED)
		sqlite3_sleep(100);
	sqlite3_backup_finish(b);
	if (rc != SQLITE_DONE)
		xasprintf(cause, "%s: %s", path, sqlite3_errstr(rc));
	/* The copy's own journal, so it is one file to keep. */
	if (rc != SQLITE_DONE || sqlite3_exec(to, "PRAGMA journal_mode=DELETE",
	    NULL, NULL, NULL) != SQLITE_OK || store_backup_intact(to, path,
	    cause) == -1) {
		if (*cause == NULL)
			xasprintf(cause, "%s: %s", path, sqlite3_errmsg(to));
		sqlite3_close(to);
		remove(path);
		return (-1);
	}
	sqlite3_close(to);
	return (0);
}

/* The open database into a backup at path: 0, or -1 with *cause. */
int
store_backup(struct store *st, const char *path, char **cause)
{
	return (store_backup_copy(st->db, path, cause));
}

/*
 * A backup, checked whole, into path (a new file) for the restore: 0, or
 * -1 with *cause.
 */
int
store_backup_restore(const char *backup, const char *path, char **cause)
{
	sqlite3	*db;
	int	 rv;

	if ((db = store_backup_open(backup, SQLITE_OPEN_READONLY, cause)) ==
	    NULL)
		return (-1);
	if ((rv = store_backup_intact(db, backup, cause)) == 0)
		rv = store_backup_copy(db, path, cause);
	sqlite3_close(db);
	return (rv);
}

/* "kind/name" of a spool path ".../spool/doc/SHA", or NULL. */
static char *
store_backup_name(const char *path, const char *sha)
{
	const char	*s, *k;
	char		*name;

	if (sha != NULL) {
		xasprintf(&name, "raw/%s", sha);
		return (name);
	}
	if (path == NULL || (s = strrchr(path, '/')) == NULL || s == path)
		return (NULL);
	for (k = s - 1; k > path && k[-1] != '/'; k--)
		;
	return (xstrdup(k));
}

/*
 * Every spool file the database at path names, as "kind/name" (raw/ by
 * a message's SHA-256, doc/ and out/ by their paths): the files a backup
 * of it needs. 0, or -1 with *cause. Free with store_strings_free.
 */
int
store_backup_files(const char *path, char ***names, size_t *n,
    char **cause)
{
	static const char sql[] = "SELECT sha256, NULL FROM inbound WHERE"
	    " sha256 IS NOT NULL UNION SELECT NULL, path FROM documents UNION"
	    " SELECT NULL, path FROM confirmation_docs UNION SELECT NULL, path"
	    " FROM outbox";
	sqlite3		*db;
	sqlite3_stmt	*s;
	size_t		 cap = 0;
	char		*name;
	int		 rc;

	*names = NULL;
	*n = 0;
	if ((db = store_backup_open(path, SQLITE_OPEN_READONLY, cause)) ==
	    NULL)
		return (-1);
	if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK) {
		xasprintf(cause, "%s: %s", path, sqlite3_errmsg(db));
		sqlite3_close(db);
		return (-1);
	}
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if ((name = store_backup_name((const char *)
		    sqlite3_column_text(s, 1), (const char *)
		    sqlite3_column_text(s, 0))) == NULL)
			continue;
		if (*n == cap) {
			cap = cap ? cap * 2 : 64;
			*names = xreallocarray(*names, cap, sizeof **names);
		}
		(*names)[(*n)++] = name;
	}
	if (rc != SQLITE_DONE) {
		xasprintf(cause, "%s: %s", path, sqlite3_errmsg(db));
		store_strings_free(*names, *n);
		*names = NULL;
		*n = 0;
	}
	sqlite3_finalize(s);
	sqlite3_close(db);
	return (rc == SQLITE_DONE ? 0 : -1);
}

void
store_backup_files_free(char **names, size_t n)
{
	store_strings_free(names, n);
}
