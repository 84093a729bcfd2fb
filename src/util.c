/* SPDX-License-Identifier: ISC */
/* Small string, file and time helpers that have no better home. */

#include <sys/stat.h>

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "disposisi.h"

char *
util_lower(const char *s)
{
	char	*r, *p;

	r = xstrdup(s);
	for (p = r; *p != '\0'; p++)
		*p = tolower((unsigned char)*p);
	return (r);
}

/*
 * Text a sender controls, made safe to place in the robot's own mail: one
 * line (control characters and Unicode line breaks become spaces) and no
 * link a client could make live ("https://x" reads "https[:]//x",
 * "mailto:x" reads "mailto[:]x"). Returns a new string.
 */
char *
util_inert(const char *s)
{
	const unsigned char	*p = (const unsigned char *)s;
	char			*r = xmalloc(2 * strlen(s) + 1), *o = r;

	while (*p != '\0') {
		if (*p < 0x20 || *p == 0x7f) {
			*o++ = ' ';
			p++;
		} else if (p[0] == 0xc2 && p[1] == 0x85) {	/* NEL */
			*o++ = ' ';
			p += 2;
		} else if (p[0] == 0xe2 && p[1] == 0x80 && (p[2] == 0xa8 ||
		    p[2] == 0xa9)) {		/* line, paragraph separator */
			*o++ = ' ';
			p += 3;
		} else if (strncmp((const char *)p, "://", 3) == 0) {
			memcpy(o, "[:]//", 5);
			o += 5;
			p += 3;
		} else if (strncasecmp((const char *)p, "mailto:", 7) == 0) {
			memcpy(o, p, 6);
			memcpy(o + 6, "[:]", 3);
			o += 9;
			p += 7;
		} else
			*o++ = (char)*p++;
	}
	*o = '\0';
	return (r);
}

/* Trims ASCII white space in place; returns the first non-space byte. */
char *
util_trim(char *s)
{
	char	*e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return (s);
}

/* Addresses compare case-insensitively: local parts are case-folded in practice. */
int
util_addr_eq(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return (0);
	return (strcasecmp(a, b) == 0);
}

/* Reads a whole small file (config, template, secret). NUL-terminated. */
char *
util_read_file(const char *path, size_t max, size_t *len_r, char **cause)
{
	int		 fd;
	struct stat	 st;
	char		*buf;
	size_t		 off = 0;
	ssize_t		 n;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		xasprintf(cause, "%s: %s", path, strerror(errno));
		return (NULL);
	}
	if (fstat(fd, &st) == -1) {
		xasprintf(cause, "%s: %s", path, strerror(errno));
		close(fd);
		return (NULL);
	}
	if ((size_t)st.st_size > max) {
		xasprintf(cause, "%s: larger than %zu bytes", path, max);
		close(fd);
		return (NULL);
	}
	buf = xmalloc((size_t)st.st_size + 1);
	while (off < (size_t)st.st_size) {
		n = read(fd, buf + off, (size_t)st.st_size - off);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		off += (size_t)n;
	}
	close(fd);
	buf[off] = '\0';
	if (len_r != NULL)
		*len_r = off;
	return (buf);
}

/* Writes a file durably: temp name, fsync, rename. */
int
util_write_file(const char *path, const void *data, size_t len, int mode,
    char **cause)
{
	char	*tmp;
	int	 fd;

	xasprintf(&tmp, "%s.tmp%ld", path, (long)getpid());
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	if (fd == -1) {
		xasprintf(cause, "%s: %s", tmp, strerror(errno));
		free(tmp);
		return (-1);
	}
	if (write(fd, data, len) != (ssize_t)len || fsync(fd) == -1 ||
	    close(fd) == -1 || rename(tmp, path) == -1) {
		xasprintf(cause, "%s: %s", path, strerror(errno));
		unlink(tmp);
		free(tmp);
		return (-1);
	}
	free(tmp);
	return (0);
}

/*
 * Copies a file durably (util_write_file) with mode: 1 copied, 0 when
 * there is no file at from, -1 with *cause.
 */
int
util_copy_file(const char *from, const char *to, int mode, char **cause)
{
	char	*data;
	size_t	 len;
	int	 rv;

	if ((data = util_read_file(from, SIZE_MAX, &len, cause)) == NULL) {
		if (errno != ENOENT)
			return (-1);
		free(*cause);
		*cause = NULL;
		return (0);
	}
	rv = util_write_file(to, data, len, mode, cause);
	free(data);
	return (rv == -1 ? -1 : 1);
}

/*
 * Removes what is in dir, 3 deep: its directories above depth keep only
 * emptied, the rest removed. -1 if anything else is left.
 */
static int
util_rmtree_at(const char *dir, int depth, int keep)
{
	DIR		*dp;
	struct dirent	*e;
	char		*p;
	int		 left = 0;

	if ((dp = opendir(dir)) == NULL)
		return (-1);
	while ((e = readdir(dp)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		p = util_path(dir, e->d_name);
		if (unlink(p) == -1 && (errno != EISDIR || depth >= 3 ||
		    util_rmtree_at(p, depth + 1, keep) == -1))
			left = 1;
		free(p);
	}
	closedir(dp);
	if (left)
		return (-1);
	return (depth < keep ? 0 : rmdir(dir));
}

/* Removes a scratch directory the robot made: files and dirs, 3 deep. */
void
util_rmtree(const char *dir)
{
	util_rmtree_at(dir, 0, 0);
}

/*
 * Empties a scratch directory the robot made, for reuse: its files and
 * deeper directories removed, its own directories kept empty (making
 * them again costs more than emptying them). 0 if nothing else is left.
 */
int
util_empty_dir(const char *dir)
{
	return (util_rmtree_at(dir, 0, 2));
}

int
util_mkdirs(const char *path, int mode, char **cause)
{
	char	*p, *s;

	p = xstrdup(path);
	for (s = p + 1; ; s++) {
		if (*s != '/' && *s != '\0')
			continue;
		char c = *s;
		*s = '\0';
		if (mkdir(p, mode) == -1 && errno != EEXIST) {
			xasprintf(cause, "mkdir %s: %s", p, strerror(errno));
			free(p);
			return (-1);
		}
		if ((*s = c) == '\0')
			break;
	}
	free(p);
	return (0);
}

/* Joins a directory and a name, unless the name is absolute. */
char *
util_path(const char *dir, const char *name)
{
	char	*r;

	if (name[0] == '/' || dir == NULL || *dir == '\0')
		return (xstrdup(name));
	xasprintf(&r, "%s/%s", dir, name);
	return (r);
}

/* Writes s as a JSON string, or null; what JSON requires is escaped. */
void
util_json_str(FILE *f, const char *s)
{
	if (s == NULL) {
		fputs("null", f);
		return;
	}
	fputc('"', f);
	for (; *s != '\0'; s++) {
		if (*s == '"' || *s == '\\')
			fprintf(f, "\\%c", *s);
		else if (*s == '\n')
			fputs("\\n", f);
		else if ((unsigned char)*s < 0x20 || *s == 0x7f)
			fprintf(f, "\\u%04x", (unsigned char)*s);
		else
			fputc(*s, f);
	}
	fputc('"', f);
}

/* Writes an object's member "key": value to stdout, after a comma. */
void
util_json_key(const char *key, const char *value, int first)
{
	printf("%s\"%s\": ", first ? "" : ", ", key);
	util_json_str(stdout, value);
}
