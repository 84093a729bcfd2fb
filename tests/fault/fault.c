/* SPDX-License-Identifier: ISC */
/*
 * A disk that fails under SQLite, for tests only: never built into the
 * robot. The regress suite builds it as a shared object and starts the
 * robot with LD_PRELOAD; tests/unit/t_store.c includes it.
 *
 * While the file named by $DISPOSISI_FAULT exists, a read of a database
 * file (*.db, *.db-wal) whose bytes hold the file's content fails with
 * EIO, as a bad sector under those rows would; an empty file fails every
 * read of the database. So a test aims the fault at one answer (the
 * disposition's token) and lets the rest of the robot work. SQLite keeps
 * pages it has read in memory, and a page in memory needs no read: while
 * the fault is armed, each statement first gives back the connection's
 * unused cached pages, so that the rows it needs come from the disk.
 *
 * Only a process that opened a database is touched: the parser child,
 * under seccomp, never sees the shim do anything.
 */

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <sys/types.h>

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

static int	 fault_db;	/* this process opened a database */

#define FAULT_REAL(type, name, args)				\
	static type (*real) args;				\
	if (real == NULL)					\
		real = (type (*) args)dlsym(RTLD_NEXT, name)

/* The C library's read, past the wrapper below. */
static ssize_t
fault_read(int fd, void *buf, size_t len)
{
	FAULT_REAL(ssize_t, "read", (int, void *, size_t));
	return (real(fd, buf, len));
}

/* The fault's target while armed: 1 and *want (may be ""), else 0. */
static int
fault_armed(char *want, size_t len)
{
	const char	*ctl;
	ssize_t		 n;
	int		 fd;

	if (!fault_db || (ctl = getenv("DISPOSISI_FAULT")) == NULL ||
	    (fd = open(ctl, O_RDONLY | O_CLOEXEC)) == -1)
		return (0);
	n = fault_read(fd, want, len - 1);
	close(fd);
	want[n > 0 ? n : 0] = '\0';
	want[strcspn(want, "\r\n")] = '\0';
	return (1);
}

/* Whether fd is one of the database's files. */
static int
fault_is_db(int fd)
{
	char	 link[64], path[4096];
	ssize_t	 n;
	size_t	 len;

	snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
	if ((n = readlink(link, path, sizeof path - 1)) <= 0)
		return (0);
	path[n] = '\0';
	len = (size_t)n;
	return ((len > 3 && strcmp(path + len - 3, ".db") == 0) ||
	    (len > 7 && strcmp(path + len - 7, ".db-wal") == 0));
}

/* A read that went through: failed instead when the fault says so. */
static ssize_t
fault_check(int fd, const void *buf, ssize_t n)
{
	char	 want[256];

	if (n <= 0 || !fault_armed(want, sizeof want) || !fault_is_db(fd))
		return (n);
	if (want[0] != '\0' && memmem(buf, (size_t)n, want,
	    strlen(want)) == NULL)
		return (n);
	errno = EIO;
	return (-1);
}

ssize_t
pread64(int fd, void *buf, size_t len, off_t off)
{
	FAULT_REAL(ssize_t, "pread64", (int, void *, size_t, off_t));
	return (fault_check(fd, buf, real(fd, buf, len, off)));
}

ssize_t
pread(int fd, void *buf, size_t len, off_t off)
{
	FAULT_REAL(ssize_t, "pread", (int, void *, size_t, off_t));
	return (fault_check(fd, buf, real(fd, buf, len, off)));
}

ssize_t
read(int fd, void *buf, size_t len)
{
	return (fault_check(fd, buf, fault_read(fd, buf, len)));
}

int
sqlite3_open_v2(const char *path, sqlite3 **db, int flags, const char *vfs)
{
	FAULT_REAL(int, "sqlite3_open_v2", (const char *, sqlite3 **, int,
	    const char *));
	fault_db = 1;
	return (real(path, db, flags, vfs));
}

int
sqlite3_step(sqlite3_stmt *s)
{
	char	 want[256];

	FAULT_REAL(int, "sqlite3_step", (sqlite3_stmt *));
	if (fault_armed(want, sizeof want))
		sqlite3_db_release_memory(sqlite3_db_handle(s));
	return (real(s));
}
