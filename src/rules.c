/* SPDX-License-Identifier: ISC */
/*
 * rules/: what admins edit. Every *.conf file in the directory is read in
 * name order; a line is a directive and its words, '#' starts a comment,
 * "double quotes" hold a phrase. Directives:
 *
 *	official ROLE ADDRESS "TITLE"		who holds a role
 *	step ID ROLE MINUTES "TASK"		the SOP's steps, in order
 *	applicant-domain DOMAIN			who may apply by mail
 *
 * Errors name file:line; the whole set loads or nothing does, so a typo
 * never leaves the robot with half a rule book.
 */

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "disposisi.h"

#define RULES_MAXWORDS	8

/* Splits a line into words; quotes group words. Returns count or -1. */
static int
rules_words(char *line, char **w, char **cause)
{
	int	 n = 0;
	char	*p = line;

	for (;;) {
		while (isspace((unsigned char)*p))
			p++;
		if (*p == '\0' || *p == '#')
			return (n);
		if (n == RULES_MAXWORDS) {
			xasprintf(cause, "too many words");
			return (-1);
		}
		if (*p == '"') {
			w[n++] = ++p;
			if ((p = strchr(p, '"')) == NULL) {
				xasprintf(cause, "unterminated \"");
				return (-1);
			}
			*p++ = '\0';
			if (*p != '\0' && !isspace((unsigned char)*p)) {
				xasprintf(cause, "text right after a closing"
				    " \"");
				return (-1);
			}
			continue;
		}
		w[n++] = p;
		while (*p != '\0' && !isspace((unsigned char)*p))
			p++;
		if (*p != '\0')
			*p++ = '\0';
	}
}

static int
rules_addr_ok(const char *a)
{
	const char	*at = strchr(a, '@');

	return (at != NULL && at != a && at[1] != '\0' &&
	    strchr(at + 1, '@') == NULL && strchr(a, ' ') == NULL);
}

static int
rules_line(struct rules *r, char **w, int n, char **cause)
{
	struct official	*o;
	struct step	*s;
	char		*end;
	long		 min;

	if (strcmp(w[0], "official") == 0) {
		if (n != 4) {
			xasprintf(cause, "official: want ROLE ADDRESS \"TITLE\"");
			return (-1);
		}
		if (!rules_addr_ok(w[2])) {
			xasprintf(cause, "official %s: \"%s\" is not an"
			    " address", w[1], w[2]);
			return (-1);
		}
		if (rules_official(r, w[1]) != NULL) {
			xasprintf(cause, "official %s: role defined twice",
			    w[1]);
			return (-1);
		}
		r->officials = xreallocarray(r->officials, r->nofficials + 1,
		    sizeof *r->officials);
		o = &r->officials[r->nofficials++];
		o->role = xstrdup(w[1]);
		o->address = util_lower(w[2]);
		o->title = xstrdup(w[3]);
		return (0);
	}
	if (strcmp(w[0], "step") == 0) {
		if (n != 5) {
			xasprintf(cause, "step: want ID ROLE MINUTES \"TASK\"");
			return (-1);
		}
		errno = 0;
		min = strtol(w[3], &end, 10);
		if (errno != 0 || *end != '\0' || min < 1 || min > 100000) {
			xasprintf(cause, "step %s: minutes: want a whole number"
			    " from 1 to 100000, got \"%s\"", w[1], w[3]);
			return (-1);
		}
		r->steps = xreallocarray(r->steps, r->nsteps + 1,
		    sizeof *r->steps);
		s = &r->steps[r->nsteps++];
		s->id = xstrdup(w[1]);
		s->role = xstrdup(w[2]);
		s->minutes = (int)min;
		s->task = xstrdup(w[4]);
		return (0);
	}
	if (strcmp(w[0], "applicant-domain") == 0) {
		if (n != 2 || strchr(w[1], '@') != NULL) {
			xasprintf(cause, "applicant-domain: want one DOMAIN");
			return (-1);
		}
		r->applicant_domains = xreallocarray(r->applicant_domains,
		    r->napplicant_domains + 1, sizeof *r->applicant_domains);
		r->applicant_domains[r->napplicant_domains++] =
		    util_lower(w[1]);
		return (0);
	}
	xasprintf(cause, "unknown directive \"%s\" (official, step,"
	    " applicant-domain)", w[0]);
	return (-1);
}

static int
rules_file(struct rules *r, const char *path, char **cause)
{
	char		*buf, *line, *next, *w[RULES_MAXWORDS], *why = NULL;
	unsigned	 lineno = 0;
	int		 n;

	if ((buf = util_read_file(path, 1024 * 1024, NULL, cause)) == NULL)
		return (-1);
	for (line = buf; line != NULL; line = next) {
		lineno++;
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		if ((n = rules_words(line, w, &why)) == 0)
			continue;
		if (n == -1 || rules_line(r, w, n, &why) == -1) {
			xasprintf(cause, "%s:%u: %s", path, lineno, why);
			free(why);
			free(buf);
			return (-1);
		}
	}
	free(buf);
	return (0);
}

static int
rules_conf_file(const struct dirent *d)
{
	size_t	 n = strlen(d->d_name);

	return (d->d_name[0] != '.' && n > 5 &&
	    strcmp(d->d_name + n - 5, ".conf") == 0);
}

/* Checks what spans lines: every step's role has an official. */
static int
rules_check(struct rules *r, const char *dir, char **cause)
{
	size_t	 i;

	if (r->nsteps == 0) {
		xasprintf(cause, "%s: no step defined", dir);
		return (-1);
	}
	for (i = 0; i < r->nsteps; i++) {
		if (rules_official(r, r->steps[i].role) == NULL) {
			xasprintf(cause, "%s: step %s: no official holds role"
			    " \"%s\"", dir, r->steps[i].id, r->steps[i].role);
			return (-1);
		}
	}
	return (0);
}

struct rules *
rules_load(const char *dir, char **cause)
{
	struct rules	*r;
	struct dirent	**names;
	char		*path;
	int		 n, i, rv = 0;

	if ((n = scandir(dir, &names, rules_conf_file, alphasort)) == -1) {
		xasprintf(cause, "%s: %s", dir, strerror(errno));
		return (NULL);
	}
	r = xcalloc(1, sizeof *r);
	for (i = 0; i < n; i++) {
		path = util_path(dir, names[i]->d_name);
		if (rv == 0)
			rv = rules_file(r, path, cause);
		free(path);
		free(names[i]);
	}
	free(names);
	if (rv == 0)
		rv = rules_check(r, dir, cause);
	if (rv == -1) {
		rules_free(r);
		return (NULL);
	}
	return (r);
}

void
rules_free(struct rules *r)
{
	size_t	 i;

	if (r == NULL)
		return;
	for (i = 0; i < r->nofficials; i++) {
		free(r->officials[i].role);
		free(r->officials[i].address);
		free(r->officials[i].title);
	}
	free(r->officials);
	for (i = 0; i < r->nsteps; i++) {
		free(r->steps[i].id);
		free(r->steps[i].role);
		free(r->steps[i].task);
	}
	free(r->steps);
	for (i = 0; i < r->napplicant_domains; i++)
		free(r->applicant_domains[i]);
	free(r->applicant_domains);
	free(r);
}

const struct official *
rules_official(const struct rules *r, const char *role)
{
	size_t	 i;

	for (i = 0; i < r->nofficials; i++) {
		if (strcmp(r->officials[i].role, role) == 0)
			return (&r->officials[i]);
	}
	return (NULL);
}

const struct official *
rules_official_by_addr(const struct rules *r, const char *addr)
{
	size_t	 i;

	for (i = 0; i < r->nofficials; i++) {
		if (util_addr_eq(r->officials[i].address, addr))
			return (&r->officials[i]);
	}
	return (NULL);
}

int
rules_applicant_ok(const struct rules *r, const char *addr)
{
	const char	*at;
	size_t		 i;

	if (addr == NULL || (at = strrchr(addr, '@')) == NULL)
		return (0);
	for (i = 0; i < r->napplicant_domains; i++) {
		if (strcasecmp(at + 1, r->applicant_domains[i]) == 0)
			return (1);
	}
	return (0);
}
