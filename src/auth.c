/* SPDX-License-Identifier: ISC */
/*
 * Is the From address real, and is the mail spam? From alone proves
 * nothing, so with auth_serv_id set the robot reads what the office's own
 * border MTA recorded in its Authentication-Results header (RFC 8601) for
 * the From domain: the first (topmost) header with that id only, the one
 * the MTA added on receipt (section 5). Headers with other ids are
 * ignored, and a second one with the trusted id is a forgery that slipped
 * past the MTA: ignored and counted.
 *
 * The policy (auth_gate): an explicit fail means the robot never acts on
 * the message; mail needs a pass, or, from the office domain, to be shown
 * internal by the MTA - an authenticated submission (auth=pass in the
 * trusted header, RFC 3848's ESMTPA or auth_received in a trusted
 * Received line) or a path of internal_relays - never by its From alone,
 * and never when the MTA vouched for another domain instead. An answer by
 * the case tag alone, without the step's token, acts only with a DKIM or
 * DMARC pass for the office domain; otherwise it is confirmed first from
 * the official's own mailbox. The MTA's spam verdict (the topmost of each
 * of spam_headers) quarantines, whatever else the mail is.
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

/* What the trusted header said, counting only results aligned with From. */
struct auth_state {
	const char	*id;		/* auth_serv_id */
	const char	*from;		/* normalised From domain */
	int		 seen;		/* a header from the trusted host */
	size_t		 forged;	/* more headers claiming its id */
	int		 dmarc_pass, dmarc_fail;
	int		 dkim_pass, dkim_fail;
	int		 spf_pass, spf_fail;
	int		 submitted;	/* auth=pass for the From domain */
	int		 other_pass;	/* a pass for another domain only */
};

/* One resinfo: "method=result" and the properties alignment needs. */
struct auth_res {
	const char	*method;
	const char	*result;
	const char	*hfrom;		/* header.from */
	const char	*hd;		/* header.d */
	const char	*hi;		/* header.i */
	const char	*mfrom;		/* smtp.mailfrom */
	const char	*sauth;		/* smtp.auth */
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
		if (r->hfrom != NULL && !auth_vouches(r->hfrom, st->from)) {
			st->other_pass |= pass;
			return;
		}
		st->dmarc_pass |= pass;
		st->dmarc_fail |= fail;
	} else if (strcasecmp(r->method, "dkim") == 0) {
		if (!auth_vouches(r->hd != NULL ? r->hd : r->hi, st->from)) {
			st->other_pass |= pass;
			return;
		}
		st->dkim_pass |= pass;
		st->dkim_fail |= fail;
	} else if (strcasecmp(r->method, "spf") == 0) {
		if (!auth_vouches(r->mfrom, st->from)) {
			st->other_pass |= pass;
			return;
		}
		st->spf_pass |= pass;
		st->spf_fail |= fail;
	} else if (strcasecmp(r->method, "auth") == 0 && pass) {
		/* A login: a user name, or an address of the From domain. */
		if (r->sauth != NULL && strchr(r->sauth, '@') != NULL &&
		    !auth_vouches(r->sauth, st->from))
			st->other_pass = 1;
		else
			st->submitted = 1;
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
		else if (strcasecmp(key, "smtp.auth") == 0)
			r.sauth = word;
		key = NULL;
	}
	if (!bad && key == NULL && r.method != NULL)
		auth_record(st, &r);
	return (t);
}

/*
 * Reads one Authentication-Results value if the trusted host wrote it:
 * the first with its id; a later one is counted as forged.
 */
static void
auth_header(struct auth_state *st, const char *v)
{
	const char	*s = v;
	char		*buf, *w, *word;
	enum auth_tok	 t;

	/* Every word is shorter than the text it came from, plus its NUL. */
	w = buf = xmalloc(2 * strlen(v) + 1);
	if (auth_lex(&s, &w, &word) != AUTH_T_WORD ||
	    !auth_id_eq(word, st->id) || (st->seen && ++st->forged)) {
		free(buf);
		return;			/* someone else's claim, or forged */
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
 * Reads the trusted header into st for the From domain in from (filled
 * in). Returns -1 with *why when there is nothing to read.
 */
static int
auth_read(const struct conf *c, const struct msg *m, struct auth_state *st,
    char *from, char **why)
{
	size_t	 i;

	memset(st, 0, sizeof *st);
	if (c->auth_serv_id == NULL) {
		xasprintf(why, "auth_serv_id is not set");
		return (-1);
	}
	if (m->from_addr == NULL || strchr(m->from_addr, '@') == NULL ||
	    auth_domain(m->from_addr, from, AUTH_DOMAIN_MAX + 1) == -1) {
		xasprintf(why, "no sender domain to authenticate");
		return (-1);
	}
	st->id = c->auth_serv_id;
	st->from = from;
	for (i = 0; i < m->nauth; i++) {
		if (m->auth[i] != NULL)
			auth_header(st, m->auth[i]);
	}
	return (0);
}

/*
 * What the trusted host said about the From domain: a pass (dmarc=pass,
 * or an aligned dkim or spf pass), a fail (dmarc=fail, or with no dmarc
 * result an aligned dkim fail and an aligned spf fail), or nothing. A
 * dmarc fail wins over any pass. *why, which the caller frees, says which.
 */
static enum auth_verdict
auth_state_verdict(const struct conf *c, const struct auth_state *st,
    const char *from, char **why)
{
	if (st->dmarc_fail) {
		xasprintf(why, "%s: dmarc=fail for %s", c->auth_serv_id, from);
		return (AUTH_FAIL);
	}
	if (st->dmarc_pass || st->dkim_pass || st->spf_pass) {
		xasprintf(why, "%s: %s=pass for %s", c->auth_serv_id,
		    st->dmarc_pass ? "dmarc" : st->dkim_pass ? "dkim" : "spf",
		    from);
		return (AUTH_PASS);
	}
	if (st->dkim_fail && st->spf_fail) {
		xasprintf(why, "%s: dkim=fail and spf=fail for %s",
		    c->auth_serv_id, from);
		return (AUTH_FAIL);
	}
	if (!st->seen)
		xasprintf(why, "no Authentication-Results from %s",
		    c->auth_serv_id);
	else
		xasprintf(why, "%s: no dmarc, dkim or spf verdict for %s",
		    c->auth_serv_id, from);
	return (AUTH_NONE);
}

enum auth_verdict
auth_verdict(const struct conf *c, const struct msg *m, char **why)
{
	struct auth_state	 st;
	char			 from[AUTH_DOMAIN_MAX + 1];

	if (auth_read(c, m, &st, from, why) == -1)
		return (AUTH_NONE);
	return (auth_state_verdict(c, &st, from, why));
}

/* Did the trusted host write an Authentication-Results on m at all? */
int
auth_seen(const struct conf *c, const struct msg *m)
{
	struct auth_state	 st;
	char			 from[AUTH_DOMAIN_MAX + 1], *why = NULL;
	int			 rv;

	rv = auth_read(c, m, &st, from, &why) == 0 && st.seen;
	free(why);
	return (rv);
}

/* Is the From domain the office's own (the robot's) domain? */
static int
auth_office(const struct conf *c, const struct msg *m)
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

/* A Received line cut where its writer's words are. */
struct auth_hop {
	char		 ip[64];	/* the host that handed the mail */
	const char	*after;		/* past the comment naming it */
	const char	*by;		/* the last " by " (or tab) */
};

/*
 * The address of the host that handed a hop its mail, which the receiving
 * host writes in a comment of the from-clause: "from HELO (name
 * [192.0.2.1])" (Postfix, Zimbra's MTA), "from host ([192.0.2.1])"
 * (Dovecot), "from host (LHLO host) (192.0.2.1)" (Zimbra's mailbox). A
 * HELO is the sender's word and may hold blanks, comments and even " by "
 * (Postfix keeps it whole): the last comment with an address before the
 * last " by " is the writer's. -1 if there is none.
 */
static int
auth_hop(const char *v, struct auth_hop *h)
{
	const char	*s, *end, *open, *close, *by = NULL;
	size_t		 n;

	memset(h, 0, sizeof *h);
	if (strncasecmp(v, "from", 4) != 0)
		return (-1);
	for (s = v; (s = strcasestr(s + 1, "by")) != NULL; )
		if (isspace((unsigned char)s[-1]) &&
		    isspace((unsigned char)s[2]))
			by = s - 1;	/* folding leaves a tab */
	if (by == NULL)
		return (-1);
	h->by = by;
	for (s = v; (s = memchr(s, '(', (size_t)(by - s))) != NULL; s = end) {
		if ((end = memchr(s, ')', (size_t)(by - s))) == NULL)
			break;
		if ((open = memrchr(s, '[', (size_t)(end - s))) != NULL &&
		    (close = memchr(open, ']', (size_t)(end - open))) != NULL)
			open++;
		else {
			open = s + 1;		/* "(192.0.2.1)" */
			close = end;
		}
		if (strncasecmp(open, "IPv6:", 5) == 0)
			open += 5;
		n = (size_t)(close - open);
		if (n > 0 && n < sizeof h->ip && strspn(open,
		    "0123456789abcdefABCDEF.:") == n) {
			memcpy(h->ip, open, n);
			h->ip[n] = '\0';
			h->after = end + 1;
		}
	}
	return (h->after != NULL ? 0 : -1);
}

/*
 * Did the host that wrote this hop take the mail from a logged-in user?
 * RFC 3848 (and 6531) name the protocol so ("with ESMTPSA", after "by");
 * Postfix and Zimbra with smtpd_sasl_authenticated_header write
 * "(Authenticated sender: user)" between the address and "by".
 */
static int
auth_hop_login(const struct conf *c, const struct auth_hop *h)
{
	static const char *const protos[] = { "ESMTPA", "ESMTPSA", "LMTPA",
	    "LMTPSA", "UTF8SMTPA", "UTF8SMTPSA", "UTF8LMTPA", "UTF8LMTPSA" };
	const char	*s = h->by;
	char		*buf, *w, *word, *prev = NULL;
	enum auth_tok	 t;
	size_t		 i;
	int		 yes = 0;

	if (c->auth_received != NULL && *c->auth_received != '\0' &&
	    memmem(h->after, (size_t)(h->by - h->after), c->auth_received,
	    strlen(c->auth_received)) != NULL)
		return (1);
	/* The word after "with", comments skipped; ";" starts the date. */
	w = buf = xmalloc(2 * strlen(s) + 1);
	while ((t = auth_lex(&s, &w, &word)) != AUTH_T_END &&
	    t != AUTH_T_SEMI) {
		if (t != AUTH_T_WORD)
			continue;
		if (prev != NULL && strcasecmp(prev, "with") == 0)
			for (i = 0; i < sizeof protos / sizeof protos[0]; i++)
				yes |= strcasecmp(word, protos[i]) == 0;
		prev = word;
	}
	free(buf);
	return (yes);
}

/*
 * Walks the Received lines from the top, those a trusted host wrote: the
 * topmost (the mailbox's own server), and each below one whose handing
 * host is in internal_relays. 1 if a trusted line records a login, 2 if
 * every hop was an internal relay (the mail began inside), else 0.
 */
static int
auth_path(const struct conf *c, const struct msg *m)
{
	struct auth_hop	 h;
	size_t		 i;

	for (i = 0; i < m->nreceived; i++) {
		if (auth_hop(m->received[i], &h) == -1)
			return (0);
		if (auth_hop_login(c, &h))
			return (1);
		if (!net_match(c->relays, c->nrelays, h.ip))
			return (0);
	}
	return (m->nreceived > 0 && c->nrelays > 0 ? 2 : 0);
}

/* Is the value of a spam header a yes ("YES", "Yes, score=9.1 ...")? */
static int
auth_spam_yes(const char *v)
{
	while (isspace((unsigned char)*v))
		v++;
	return (strncasecmp(v, "yes", 3) == 0 && (v[3] == '\0' ||
	    v[3] == ',' || v[3] == ';' || isspace((unsigned char)v[3])));
}

/*
 * Returns 1 if the robot may act on the message, 0 if not, with *why
 * (the caller frees it) saying why not; *forged counts headers claiming
 * the trusted id below its first. Everything is allowed when
 * auth_serv_id is unset.
 */
static int
auth_allow(const struct conf *c, const struct msg *m, size_t *forged,
    int *signed_pass, char **why)
{
	struct auth_state	 st;
	enum auth_verdict	 v;
	char			 from[AUTH_DOMAIN_MAX + 1], *vwhy = NULL;
	int			 office, path;

	*forged = 0;
	*signed_pass = 0;
	if (c->auth_serv_id == NULL)
		return (1);
	if (auth_read(c, m, &st, from, &vwhy) == -1)
		v = AUTH_NONE;
	else
		v = auth_state_verdict(c, &st, from, &vwhy);
	*forged = st.forged;
	office = auth_office(c, m);
	*signed_pass = v == AUTH_PASS && (st.dmarc_pass || st.dkim_pass);
	path = auth_path(c, m);
	if (v == AUTH_PASS || (v == AUTH_NONE && office && !st.other_pass &&
	    (st.submitted || path != 0) && !c->auth_require_internal)) {
		free(vwhy);
		return (1);
	}
	if (v == AUTH_FAIL)
		xasprintf(why, "sender failed authentication: %s", vwhy);
	else if (office && st.other_pass)
		xasprintf(why, "sender not authenticated: an office address,"
		    " but the MTA vouched for another domain (outside mail):"
		    " %s", vwhy);
	else if (office && c->auth_require_internal)
		xasprintf(why, "sender not authenticated"
		    " (auth_require_internal): %s", vwhy);
	else if (office)
		xasprintf(why, "sender not authenticated: an office address"
		    " the MTA did not show internal (no login, no"
		    " internal_relays path): %s", vwhy);
	else
		xasprintf(why, "sender not authenticated: %s", vwhy);
	free(vwhy);
	return (0);
}

int
auth_check(const struct conf *c, const struct msg *m, char **why)
{
	size_t	 forged;
	int	 signed_pass;

	return (auth_allow(c, m, &forged, &signed_pass, why));
}

/*
 * What the MTA's verdicts let the robot do with a message it read as rd:
 * its spam verdict first, then whether the From is proven for the kinds
 * that act, then whether an answer by the case tag alone may act.
 */
void
auth_gate(const struct conf *c, const struct msg *m, const struct reading *rd,
    struct gate *g)
{
	size_t	 i;
	int	 signed_pass;

	memset(g, 0, sizeof *g);
	for (i = 0; rd->kind != KIND_OWN && rd->kind != KIND_BOUNCE &&
	    i < m->nspam; i++) {
		if (auth_spam_yes(strchr(m->spam[i], ':') + 1)) {
			g->verdict = GATE_SPAM;
			xasprintf(&g->why, "the MTA's spam verdict (%s)",
			    m->spam[i]);
			return;
		}
	}
	if (rd->kind != KIND_REPLY && rd->kind != KIND_FOLLOWUP &&
	    rd->kind != KIND_APPLICATION && rd->kind != KIND_NOTICE &&
	    rd->kind != KIND_RECEIPT)
		return;
	if (!auth_allow(c, m, &g->forged, &signed_pass, &g->why)) {
		g->verdict = GATE_REFUSE;
		return;
	}
	if (rd->kind == KIND_REPLY && rd->token == NULL && rd->role != NULL &&
	    !(signed_pass && auth_office(c, m)))
		g->verdict = GATE_CONFIRM;
	if (g->verdict == GATE_ACT)
		xasprintf(&g->why, "%s", c->auth_serv_id == NULL ?
		    "auth_serv_id is not set: the From is taken as written;"
		    " an answer acts by its token" : "the MTA vouched for the"
		    " sender");
	else {
		xasprintf(&g->why, "an answer by the case tag alone, without"
		    " the step's token: acts only once the official confirms"
		    " it from their own mailbox%s", c->auth_serv_id == NULL ?
		    " (auth_serv_id is not set)" : " (no DKIM or DMARC pass"
		    " for the office domain)");
	}
}
