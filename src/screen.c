/* SPDX-License-Identifier: ISC */
/*
 * The first look at a message, before any parser touches it: bytes no
 * mail client writes and that exist to confuse parsers (NUL, a CR
 * without its LF) and header lines or a header block past their limits.
 * One pass, constant memory: refusing costs no more than reading.
 *
 * It also counts lines that begin with "--", which every MIME boundary
 * does: GMime builds its whole tree before mime.c can count parts, and
 * 30 MB of tiny parts would cost it seconds and gigabytes. The bound is
 * loose (signatures and quoted threads begin lines with "--" too);
 * mime.c applies the exact mime_max_parts afterwards.
 */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "disposisi.h"

/*
 * 0 if the raw message open on fd (left open, read from where it is) may
 * be parsed; 1 with *why if not; -1 with *why if it cannot be read.
 */
int
screen_raw(const struct conf *c, int fd, char **why)
{
	FILE	*f;
	size_t	 off = 0, line = 0, head = 0, col = 0, dashes = 0, max;
	int	 ch, prev = 0, in_head = 1, rv = 1, dupfd;

	max = 4 * (size_t)c->mime_max_parts + 100;

	if ((dupfd = dup(fd)) == -1 || (f = fdopen(dupfd, "rb")) == NULL) {
		xasprintf(why, "screen: %s", strerror(errno));
		if (dupfd != -1)
			close(dupfd);
		return (-1);
	}
	for (; (ch = getc_unlocked(f)) != EOF; off++, prev = ch) {
		if (ch == '\0') {
			xasprintf(why, "a NUL byte at offset %zu", off);
			goto out;
		}
		if (prev == '\r' && ch != '\n') {
			xasprintf(why, "a CR without LF at offset %zu", off - 1);
			goto out;
		}
		if (ch == '\n')
			col = 0;
		else if (col++ == 1 && ch == '-' && prev == '-' &&
		    ++dashes > max) {
			xasprintf(why, "more than %zu lines begin with \"--\":"
			    " far more MIME parts than mime_max_parts (%d)", max,
			    c->mime_max_parts);
			goto out;
		}
		if (!in_head)
			continue;
		if (++head > (size_t)c->header_max_size) {
			xasprintf(why, "a header block over header_max_size"
			    " (%d bytes)", c->header_max_size);
			goto out;
		}
		if (ch == '\n') {
			in_head = line != 0;	/* an empty line ends it */
			line = 0;
		} else if (ch != '\r' && ++line > (size_t)c->header_max_line) {
			xasprintf(why, "a header line over header_max_line"
			    " (%d bytes) at offset %zu", c->header_max_line,
			    off);
			goto out;
		}
	}
	if (ferror(f)) {
		xasprintf(why, "reading the message: %s", strerror(errno));
		rv = -1;
	} else if (prev == '\r')
		xasprintf(why, "a CR without LF at offset %zu", off - 1);
	else
		rv = 0;
out:
	fclose(f);
	return (rv);
}

/* Appends one unfolded header value, blanks at either end trimmed. */
static void
screen_add(struct hdr_list *l, const char *v, size_t len)
{
	char	*s, *w;
	size_t	 i;

	s = w = xmalloc(len + 1);
	for (i = 0; i < len; i++)
		if (v[i] != '\r' && v[i] != '\n')
			*w++ = v[i];
	*w = '\0';
	l->v = xreallocarray(l->v, l->n + 1, sizeof *l->v);
	l->v[l->n++] = xstrdup(util_trim(s));
	free(s);
}

/* Which of the names, if any, the header line at line (len bytes) has. */
static struct hdr_list *
screen_which(const char *line, size_t len, const char *const *names,
    size_t nnames, struct hdr_list *out, const char **val)
{
	size_t	 i, nlen;

	for (i = 0; i < nnames; i++) {
		nlen = strlen(names[i]);
		if (len > nlen && line[nlen] == ':' &&
		    strncasecmp(line, names[i], nlen) == 0) {
			*val = line + nlen + 1;
			return (&out[i]);
		}
	}
	return (NULL);
}

/*
 * The values of every header with one of the names in the raw message at
 * path, in order (the top first), out[i] those of names[i]: read by the
 * robot itself, as a parser child taken over by its message could drop
 * the trusted MTA's headers. The header block was screened
 * (header_max_size) before; at most that much is read here. Returns -1
 * if the file cannot be read.
 */
int
screen_headers(const struct conf *c, const char *path,
    const char *const *names, size_t nnames, struct hdr_list *out)
{
	char		*buf, *line, *end, *next;
	const char	*val = NULL, *v;
	struct hdr_list	*l = NULL;
	size_t		 len = 0, max = (size_t)c->header_max_size;
	ssize_t		 r;
	int		 fd;

	memset(out, 0, nnames * sizeof *out);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return (-1);
	buf = xmalloc(max);
	while (len < max && ((r = read(fd, buf + len, max - len)) > 0 ||
	    (r == -1 && errno == EINTR)))
		len += r > 0 ? (size_t)r : 0;
	close(fd);
	end = buf + len;
	for (line = buf; line < end; line = next) {
		next = memchr(line, '\n', (size_t)(end - line));
		next = next == NULL ? end : next + 1;
		if (*line == ' ' || *line == '\t')
			continue;	/* a continuation, taken with its header */
		if (l != NULL) {
			screen_add(l, val, (size_t)(line - val));
			l = NULL;
		}
		if (*line == '\r' || *line == '\n')
			break;		/* the end of the header block */
		if ((l = screen_which(line, (size_t)(end - line), names, nnames,
		    out, &v)) != NULL)
			val = v;
	}
	if (l != NULL)
		screen_add(l, val, (size_t)(end - val));
	free(buf);
	return (0);
}

#define SCREEN_SPAM_MAX	8	/* spam_headers names looked at */

/*
 * The headers that decide trust, into m (m->path): every
 * Authentication-Results and Received, and the topmost of each of
 * spam_headers as "Name: value" (an MTA's filter writes above anything
 * the sender wrote). Returns -1 if the file cannot be read.
 */
int
screen_trusted(const struct conf *c, struct msg *m)
{
	const char	*names[2 + SCREEN_SPAM_MAX];
	struct hdr_list	 out[2 + SCREEN_SPAM_MAX];
	char		*spam = xstrdup(c->spam_headers ? c->spam_headers : "");
	char		*p = spam, *w;
	size_t		 n = 2, i, j;
	int		 rv;

	names[0] = "Authentication-Results";
	names[1] = "Received";
	while ((w = strsep(&p, " \t,")) != NULL && n < 2 + SCREEN_SPAM_MAX)
		if (*w != '\0')
			names[n++] = w;
	if ((rv = screen_headers(c, m->path, names, n, out)) == 0) {
		m->auth = out[0].v;
		m->nauth = out[0].n;
		m->received = out[1].v;
		m->nreceived = out[1].n;
		for (i = 2; i < n; i++) {
			if (out[i].n == 0)
				continue;
			m->spam = xreallocarray(m->spam, m->nspam + 1,
			    sizeof *m->spam);
			xasprintf(&m->spam[m->nspam++], "%s: %s", names[i],
			    out[i].v[0]);
			for (j = 0; j < out[i].n; j++)
				free(out[i].v[j]);
			free(out[i].v);
		}
	}
	free(spam);
	return (rv);
}
