/* SPDX-License-Identifier: ISC */
/*
 * Is the From address real? From alone proves nothing, so with
 * auth_serv_id set the robot believes it only when the office's own
 * border MTA (the Authentication-Results header with that authserv-id,
 * RFC 8601) recorded dmarc=pass, or dkim=pass or spf=pass aligned with the
 * From domain. Headers with other ids are ignored: anyone can write one,
 * and the MTA strips incoming ones that claim its id (RFC 8601 section 5).
 */

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "disposisi.h"

/* Removes RFC 5322 comments "( ... )", nested, outside quotes, in place. */
static void
auth_uncomment(char *s)
{
	char	*r = s, *w = s;
	int	 depth = 0, quoted = 0;

	for (; *r != '\0'; r++) {
		if (*r == '\\' && r[1] != '\0' && (quoted || depth == 0)) {
			*w++ = *r++;
			*w++ = *r;
			continue;
		}
		if (!quoted && *r == '(') {
			depth++;
			continue;
		}
		if (!quoted && depth > 0 && *r == ')') {
			depth--;
			continue;
		}
		if (depth > 0)
			continue;
		if (*r == '"')
			quoted = !quoted;
		*w++ = *r;
	}
	*w = '\0';
}

/*
 * Is d (a domain, @domain or address) the From domain itself? Strict
 * alignment: telling an organisational domain from a public suffix (go.id)
 * needs a suffix list this robot does not carry.
 */
static int
auth_aligned(const char *d, const char *from_domain)
{
	const char	*at;

	if (d == NULL)
		return (0);
	if ((at = strrchr(d, '@')) != NULL)
		d = at + 1;
	return (*d != '\0' && strcasecmp(d, from_domain) == 0);
}

/* One "method=result prop=value ..." of a header: does it vouch? */
static int
auth_resinfo(char *ri, const char *from_domain)
{
	char	*tok, *save, *eq, *method = NULL, *result = NULL;
	char	*hfrom = NULL, *hd = NULL, *mfrom = NULL;
	size_t	 n;

	for (tok = strtok_r(ri, " \t\r\n", &save); tok != NULL;
	    tok = strtok_r(NULL, " \t\r\n", &save)) {
		if ((eq = strchr(tok, '=')) == NULL)
			continue;
		*eq++ = '\0';
		if ((n = strlen(eq)) >= 2 && eq[0] == '"' && eq[n - 1] == '"') {
			eq[n - 1] = '\0';
			eq++;
		}
		if (method == NULL) {
			method = tok;
			result = eq;
		} else if (strcasecmp(tok, "header.from") == 0)
			hfrom = eq;
		else if (strcasecmp(tok, "header.d") == 0 ||
		    (strcasecmp(tok, "header.i") == 0 && hd == NULL))
			hd = eq;
		else if (strcasecmp(tok, "smtp.mailfrom") == 0)
			mfrom = eq;
	}
	if (method == NULL || strcasecmp(result, "pass") != 0)
		return (0);
	if ((eq = strchr(method, '/')) != NULL)		/* method/version */
		*eq = '\0';
	if (strcasecmp(method, "dmarc") == 0)
		return (hfrom == NULL || auth_aligned(hfrom, from_domain));
	if (strcasecmp(method, "dkim") == 0)
		return (auth_aligned(hd, from_domain));
	if (strcasecmp(method, "spf") == 0)
		return (auth_aligned(mfrom, from_domain));
	return (0);
}

/*
 * Returns 1 if the sender is authenticated (or the check is off), 0 if
 * not, with *why saying what was missing.
 */
int
auth_check(const struct conf *c, const struct msg *m, char **why)
{
	const char	*from_domain;
	char		*v, *part, *save, *id;
	size_t		 i, n;
	int		 ok = 0, seen = 0;

	if (c->auth_serv_id == NULL)
		return (1);
	if (m->from_addr == NULL ||
	    (from_domain = strrchr(m->from_addr, '@')) == NULL) {
		xasprintf(why, "no sender domain to authenticate");
		return (0);
	}
	from_domain++;
	for (i = 0; i < m->nauth && !ok; i++) {
		v = xstrdup(m->auth[i]);
		auth_uncomment(v);
		part = strtok_r(v, ";", &save);
		id = part;
		while (id != NULL && isspace((unsigned char)*id))
			id++;
		n = id ? strcspn(id, " \t\r\n") : 0;
		if (id == NULL || n != strlen(c->auth_serv_id) ||
		    strncasecmp(id, c->auth_serv_id, n) != 0) {
			free(v);
			continue;	/* someone else's claim */
		}
		seen = 1;
		while (!ok && (part = strtok_r(NULL, ";", &save)) != NULL)
			ok = auth_resinfo(part, from_domain);
		free(v);
	}
	if (!ok)
		xasprintf(why, "%s: no dmarc, dkim or spf pass for %s from %s",
		    seen ? "sender not authenticated" :
		    "no Authentication-Results", from_domain, c->auth_serv_id);
	return (ok);
}
