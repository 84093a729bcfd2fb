/* SPDX-License-Identifier: ISC */
/*
 * Is the From address real? From alone proves nothing, so with
 * auth_serv_id set the robot reads what the office's own border MTA
 * recorded in its Authentication-Results header (RFC 8601) for the From
 * domain. Headers with other ids are ignored: anyone can write one, and
 * the MTA strips incoming ones that claim its id (RFC 8601 section 5).
 *
 * The policy: an explicit fail there means the robot never acts on the
 * message; mail from outside the office domain needs a pass; mail between
 * office mailboxes, which Zimbra delivers without the header, is taken
 * when there is no verdict at all, unless auth_require_internal is set.
 *
 * Alignment is DMARC's relaxed one (RFC 7489 section 3.1): a domain
 * vouches for the From domain when both have the same organisational
 * domain according to the Public Suffix List. go.id is a public suffix,
 * so bssn.go.id vouches for bsre.bssn.go.id but not for other.go.id.
 */

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libpsl.h>

#include "disposisi.h"

#define AUTH_DOMAIN_MAX	255

enum auth_tok {
	AUTH_T_END,
	AUTH_T_SEMI,
	AUTH_T_EQ,
	AUTH_T_WORD,
	AUTH_T_BAD
};

/* What the trusted headers said, counting only results aligned with From. */
struct auth_state {
	const char	*id;		/* auth_serv_id */
	const char	*from;		/* normalised From domain */
	int		 seen;		/* a header from the trusted host */
	int		 dmarc_pass, dmarc_fail;
	int		 dkim_pass, dkim_fail;
	int		 spf_pass, spf_fail;
};

/* One resinfo: "method=result" and the properties alignment needs. */
struct auth_res {
	const char	*method;
	const char	*result;
	const char	*hfrom;		/* header.from */
	const char	*hd;		/* header.d */
	const char	*hi;		/* header.i */
	const char	*mfrom;		/* smtp.mailfrom */
};

static const psl_ctx_t	*auth_psl;
static int		 auth_psl_tried;

/*
 * Copies the domain of s (a domain, "@domain" or an address) to buf, lower
 * case and without trailing dots. Returns -1 if that is not a plausible
 * domain name: empty, too long, or with an empty label.
 */
static int
auth_domain(const char *s, char *buf, size_t len)
{
	const char	*at;
	size_t		 n, i;

	if (s == NULL)
		return (-1);
	if ((at = strrchr(s, '@')) != NULL)
		s = at + 1;
	n = strlen(s);
	while (n > 0 && s[n - 1] == '.')
		n--;
	if (n == 0 || n >= len)
		return (-1);
	for (i = 0; i < n; i++) {
		if (s[i] == '.' && (i == 0 || s[i - 1] == '.'))
			return (-1);
		if (isspace((unsigned char)s[i]))
			return (-1);
		buf[i] = tolower((unsigned char)s[i]);
	}
	buf[n] = '\0';
	return (0);
}

/*
 * The Public Suffix List: the newer of libpsl's built-in copy and the
 * system's file. Loaded once and kept for the life of the process.
 */
static const psl_ctx_t *
auth_suffixes(void)
{
	if (!auth_psl_tried) {
		auth_psl_tried = 1;
		if ((auth_psl = psl_latest(NULL)) == NULL)
			auth_psl = psl_builtin();
		if (auth_psl == NULL)
			log_warnx("no Public Suffix List: only a domain equal"
			    " to the From domain vouches for it");
	}
	return (auth_psl);
}

/*
 * Do a and b (both normalised domains) share an organisational domain?
 * A public suffix has none, so it aligns with nothing. Without a suffix
 * list only equal domains align, which errs on the safe side.
 */
static int
auth_aligned(const char *a, const char *b)
{
	const psl_ctx_t	*psl;
	const char	*oa, *ob;

	if ((psl = auth_suffixes()) == NULL)
		return (strcmp(a, b) == 0);
	oa = psl_registrable_domain(psl, a);
	ob = psl_registrable_domain(psl, b);
	return (oa != NULL && ob != NULL && strcmp(oa, ob) == 0);
}

/* Is the (possibly raw) domain s aligned with the From domain? */
static int
auth_vouches(const char *s, const char *from)
{
	char	 d[AUTH_DOMAIN_MAX + 1];

	if (auth_domain(s, d, sizeof d) == -1)
		return (0);
	return (auth_aligned(d, from));
}

/* Compares authserv-ids ignoring case and a trailing dot. */
static int
auth_id_eq(const char *a, const char *b)
{
	char	 da[AUTH_DOMAIN_MAX + 1], db[AUTH_DOMAIN_MAX + 1];

	if (strchr(a, '@') != NULL || strchr(b, '@') != NULL)
		return (0);
	if (auth_domain(a, da, sizeof da) == -1 ||
	    auth_domain(b, db, sizeof db) == -1)
		return (0);
	return (strcmp(da, db) == 0);
}

/*
 * Reads the next token of an Authentication-Results value at *sp: ';',
 * '=' or a word. Folding white space and comments, nested, are skipped.
 * A word is atoms and quoted strings run together, quotes and backslashes
 * removed, so that a ';' or a "(" inside quotes is data; it is copied to
 * *wp, which advances, and *word points at it.
 */
static enum auth_tok
auth_lex(const char **sp, char **wp, char **word)
{
	const char	*s = *sp;
	char		*w = *wp;
	int		 depth;

	for (;;) {
		while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
			s++;
		if (*s != '(')
			break;
		for (depth = 0; *s != '\0'; s++) {
			if (*s == '\\' && s[1] != '\0')
				s++;
			else if (*s == '(')
				depth++;
			else if (*s == ')' && --depth == 0) {
				s++;
				break;
			}
		}
	}
	*sp = s + (*s != '\0');
	switch (*s) {
	case '\0':
		*sp = s;
		return (AUTH_T_END);
	case ';':
		return (AUTH_T_SEMI);
	case '=':
		return (AUTH_T_EQ);
	case ')':
		return (AUTH_T_BAD);
	}
	*word = w;
	for (;;) {
		if (*s == '"') {
			for (s++; *s != '\0' && *s != '"'; s++) {
				if (*s == '\\' && s[1] != '\0')
					s++;
				*w++ = *s;
			}
			if (*s == '"')
				s++;
		} else if (*s != '\0' && strchr(" \t\r\n();=\"", *s) == NULL)
			*w++ = *s++;
		else
			break;
	}
	*w++ = '\0';
	*wp = w;
	*sp = s;
	return (AUTH_T_WORD);
}

/* Records one result if it is about the From domain. */
static void
auth_record(struct auth_state *st, struct auth_res *r)
{
	char	*slash;
	int	 pass, fail;

	if ((slash = strchr(r->method, '/')) != NULL)	/* method/version */
		*slash = '\0';
	pass = strcasecmp(r->result, "pass") == 0;
	fail = strcasecmp(r->result, "fail") == 0;
	if (!pass && !fail)
		return;
	if (strcasecmp(r->method, "dmarc") == 0) {
		/* Without header.from the result is about the From header. */
		if (r->hfrom != NULL && !auth_vouches(r->hfrom, st->from))
			return;
		st->dmarc_pass |= pass;
		st->dmarc_fail |= fail;
	} else if (strcasecmp(r->method, "dkim") == 0) {
		if (!auth_vouches(r->hd != NULL ? r->hd : r->hi, st->from))
			return;
		st->dkim_pass |= pass;
		st->dkim_fail |= fail;
	} else if (strcasecmp(r->method, "spf") == 0) {
		if (!auth_vouches(r->mfrom, st->from))
			return;
		st->spf_pass |= pass;
		st->spf_fail |= fail;
	}
}

/*
 * Reads one resinfo, "method=result" then "ptype.property=value" pairs,
 * up to the next ';'. A malformed one is ignored whole. Returns the token
 * that ended it.
 */
static enum auth_tok
auth_resinfo(struct auth_state *st, const char **sp, char **wp)
{
	struct auth_res	 r = { 0 };
	enum auth_tok	 t;
	char		*word = NULL, *key = NULL;
	enum auth_tok	 want = AUTH_T_WORD;
	int		 bad = 0;

	while ((t = auth_lex(sp, wp, &word)) != AUTH_T_SEMI &&
	    t != AUTH_T_END) {
		if (bad)
			continue;
		if (t != want) {
			bad = 1;
			continue;
		}
		if (t == AUTH_T_EQ) {
			want = AUTH_T_WORD;
			continue;
		}
		if (key == NULL) {
			key = word;
			want = AUTH_T_EQ;
			continue;
		}
		if (r.method == NULL) {
			r.method = key;
			r.result = word;
		} else if (strcasecmp(key, "header.from") == 0)
			r.hfrom = word;
		else if (strcasecmp(key, "header.d") == 0)
			r.hd = word;
		else if (strcasecmp(key, "header.i") == 0)
			r.hi = word;
		else if (strcasecmp(key, "smtp.mailfrom") == 0)
			r.mfrom = word;
		key = NULL;
	}
	if (!bad && key == NULL && r.method != NULL)
		auth_record(st, &r);
	return (t);
}

/* Reads one Authentication-Results value if the trusted host wrote it. */
static void
auth_header(struct auth_state *st, const char *v)
{
	const char	*s = v;
	char		*buf, *w, *word;
	enum auth_tok	 t;

	/* Every word is shorter than the text it came from, plus its NUL. */
	w = buf = xmalloc(2 * strlen(v) + 1);
	if (auth_lex(&s, &w, &word) != AUTH_T_WORD ||
	    !auth_id_eq(word, st->id)) {
		free(buf);
		return;			/* someone else's claim */
	}
	st->seen = 1;
	/* The version and "none", if any, up to the first resinfo. */
	while ((t = auth_lex(&s, &w, &word)) != AUTH_T_SEMI &&
	    t != AUTH_T_END)
		;
	while (t == AUTH_T_SEMI)
		t = auth_resinfo(st, &s, &w);
	free(buf);
}

/*
 * What the trusted host said about the From domain: a pass (dmarc=pass,
 * or an aligned dkim or spf pass), a fail (dmarc=fail, or with no dmarc
 * result an aligned dkim fail and an aligned spf fail), or nothing. A
 * dmarc fail wins over any pass. *why, which the caller frees, says which.
 */
enum auth_verdict
auth_verdict(const struct conf *c, const struct msg *m, char **why)
{
	struct auth_state	 st = { 0 };
	char			 from[AUTH_DOMAIN_MAX + 1];
	size_t			 i;

	if (c->auth_serv_id == NULL) {
		xasprintf(why, "auth_serv_id is not set");
		return (AUTH_NONE);
	}
	if (m->from_addr == NULL || strchr(m->from_addr, '@') == NULL ||
	    auth_domain(m->from_addr, from, sizeof from) == -1) {
		xasprintf(why, "no sender domain to authenticate");
		return (AUTH_NONE);
	}
	st.id = c->auth_serv_id;
	st.from = from;
	for (i = 0; i < m->nauth; i++) {
		if (m->auth[i] != NULL)
			auth_header(&st, m->auth[i]);
	}
	if (st.dmarc_fail) {
		xasprintf(why, "%s: dmarc=fail for %s", c->auth_serv_id, from);
		return (AUTH_FAIL);
	}
	if (st.dmarc_pass || st.dkim_pass || st.spf_pass) {
		xasprintf(why, "%s: %s=pass for %s", c->auth_serv_id,
		    st.dmarc_pass ? "dmarc" : st.dkim_pass ? "dkim" : "spf",
		    from);
		return (AUTH_PASS);
	}
	if (st.dkim_fail && st.spf_fail) {
		xasprintf(why, "%s: dkim=fail and spf=fail for %s",
		    c->auth_serv_id, from);
		return (AUTH_FAIL);
	}
	if (!st.seen)
		xasprintf(why, "no Authentication-Results from %s",
		    c->auth_serv_id);
	else
		xasprintf(why, "%s: no dmarc, dkim or spf verdict for %s",
		    c->auth_serv_id, from);
	return (AUTH_NONE);
}

/* Is the From domain the office's own (the robot's) domain? */
static int
auth_internal(const struct conf *c, const struct msg *m)
{
	char	 from[AUTH_DOMAIN_MAX + 1], own[AUTH_DOMAIN_MAX + 1];

	if (c->robot_address == NULL || m->from_addr == NULL ||
	    strchr(m->from_addr, '@') == NULL)
		return (0);
	if (auth_domain(m->from_addr, from, sizeof from) == -1 ||
	    auth_domain(conf_domain(c), own, sizeof own) == -1)
		return (0);
	return (strcmp(from, own) == 0);
}

/*
 * Returns 1 if the robot may act on the message, 0 if not, with *why
 * (the caller frees it) saying why not. Everything is allowed when
 * auth_serv_id is unset.
 */
int
auth_check(const struct conf *c, const struct msg *m, char **why)
{
	enum auth_verdict	 v;
	char			*vwhy = NULL;
	int			 internal;

	if (c->auth_serv_id == NULL)
		return (1);
	v = auth_verdict(c, m, &vwhy);
	internal = auth_internal(c, m);
	if (v == AUTH_PASS ||
	    (v == AUTH_NONE && internal && !c->auth_require_internal)) {
		free(vwhy);
		return (1);
	}
	if (v == AUTH_FAIL)
		xasprintf(why, "sender failed authentication: %s", vwhy);
	else if (internal)
		xasprintf(why, "sender not authenticated"
		    " (auth_require_internal): %s", vwhy);
	else
		xasprintf(why, "sender not authenticated: %s", vwhy);
	free(vwhy);
	return (0);
}
