/* SPDX-License-Identifier: ISC */
/*
 * mail-templates/NAME.txt: the words of every mail the robot sends, so
 * admins change them without touching C. The first line is
 * "Subject: ...", then a blank line, then the body. {{name}} is replaced
 * by a variable; an unknown name is an error with file:line, never a
 * silent blank in a letter to an official.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "disposisi.h"

static int
template_expand(GString *out, const char *s, const struct tvar *v, size_t nv,
    const char *path, unsigned *lineno, char **cause)
{
	const char	*e;
	size_t		 i, n;

	while (*s != '\0') {
		if (*s == '\n')
			(*lineno)++;
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
		g_string_append(out, v[i].value ? v[i].value : "");
		s = e + 2;
	}
	return (0);
}

int
template_render(const char *dir, const char *name, const struct tvar *v,
    size_t nv, char **subject, char **body, char **cause)
{
	char		*path, *buf, *nl, *subj;
	GString		*s, *b;
	unsigned	 lineno = 1;
	int		 rv = -1;

	*subject = *body = NULL;
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
	if (template_expand(s, subj, v, nv, path, &lineno, cause) == 0) {
		lineno = 2;
		nl++;
		if (*nl == '\n') {
			nl++;
			lineno++;
		}
		if (template_expand(b, nl, v, nv, path, &lineno, cause) == 0) {
			*subject = xstrdup(s->str);
			*body = xstrdup(b->str);
			rv = 0;
		}
	}
	g_string_free(s, TRUE);
	g_string_free(b, TRUE);
out:
	free(buf);
	free(path);
	return (rv);
}
