/* SPDX-License-Identifier: ISC */
/*
 * mail-templates/NAME.txt: the words of every mail the robot sends, so
 * admins change them without touching C. The first line is
 * "Subject: ...", then a blank line, then the body. {{name}} is replaced
 * by a variable; an unknown name is an error with file:line, never a
 * silent blank in a letter to an official.
 *
 * The body can also come "marked": each variable stands as TMARK_OPEN,
 * its index, TMARK_CLOSE, so the HTML part (mime-html.c) tells the
 * admin's wording, whose lines give the layout, from the values, which
 * are only ever text.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "disposisi.h"

static int
template_expand(GString *out, const char *s, const struct tvar *v, size_t nv,
    int mark, const char *path, unsigned *lineno, char **cause)
{
	const char	*e;
	size_t		 i, n;

	while (*s != '\0') {
		if (*s == '\n')
			(*lineno)++;
		if (*s == TMARK_OPEN || *s == TMARK_CLOSE) {
			xasprintf(cause, "%s:%u: control character 0x%02x",
			    path, *lineno, (unsigned)*s);
			return (-1);
		}
		if (s[0] != '{' || s[1] != '{') {
			g_string_append_c(out, *s++);
			continue;
		}
		if ((e = strstr(s + 2, "}}")) == NULL) {
			xasprintf(cause, "%s:%u: unclosed {{", path, *lineno);
			return (-1);
		}
		n = (size_t)(e - (s + 2));
		for (i = 0; i < nv; i++) {
			if (strlen(v[i].name) == n &&
			    strncmp(v[i].name, s + 2, n) == 0)
				break;
		}
		if (i == nv) {
			xasprintf(cause, "%s:%u: unknown variable {{%.*s}}",
			    path, *lineno, (int)n, s + 2);
			return (-1);
		}
		if (mark)
			g_string_append_printf(out, "%c%zu%c", TMARK_OPEN, i,
			    TMARK_CLOSE);
		else
			g_string_append(out, v[i].value ? v[i].value : "");
		s = e + 2;
	}
	return (0);
}

/* The subject and body, and the marked body unless marked is NULL. */
int
template_render(const char *dir, const char *name, const struct tvar *v,
    size_t nv, char **subject, char **body, char **marked, char **cause)
{
	char		*path, *buf, *nl, *subj;
	GString		*s, *b, *m;
	unsigned	 lineno = 1, mline;
	int		 rv = -1;

	*subject = *body = NULL;
	if (marked != NULL)
		*marked = NULL;
	xasprintf(&path, "%s/%s.txt", dir, name);
	if ((buf = util_read_file(path, 256 * 1024, NULL, cause)) == NULL) {
		free(path);
		return (-1);
	}
	if (strncmp(buf, "Subject:", 8) != 0 ||
	    (nl = strchr(buf, '\n')) == NULL) {
		xasprintf(cause, "%s:1: the first line must be \"Subject:"
		    " ...\"", path);
		goto out;
	}
	*nl = '\0';
	subj = util_trim(buf + 8);
	s = g_string_new(NULL);
	b = g_string_new(NULL);
	m = g_string_new(NULL);
	if (template_expand(s, subj, v, nv, 0, path, &lineno, cause) == 0) {
		lineno = 2;
		nl++;
		if (*nl == '\n') {
			nl++;
			lineno++;
		}
		mline = lineno;
		if (template_expand(b, nl, v, nv, 0, path, &lineno, cause) ==
		    0 && (marked == NULL || template_expand(m, nl, v, nv, 1,
		    path, &mline, cause) == 0)) {
			*subject = xstrdup(s->str);
			*body = xstrdup(b->str);
			if (marked != NULL)
				*marked = xstrdup(m->str);
			rv = 0;
		}
	}
	g_string_free(s, TRUE);
	g_string_free(b, TRUE);
	g_string_free(m, TRUE);
out:
	free(buf);
	free(path);
	return (rv);
}
