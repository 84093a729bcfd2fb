/* SPDX-License-Identifier: ISC */
/*
 * The statements inside the rules language's blocks: one function a
 * keyword, called by rules-parse.c once it has read the keyword, and the
 * values they take (durations, sizes, numbers, addresses, domains).
 * This file holds the values and the statements of a sop;
 * rules-kw-doc.c those of a document and a notice, rules-kw-step.c
 * those of a step.
 *
 * A name a statement gives (a role, a document, a step, an event) is
 * only recorded here: a later file may define it, so rules.c resolves
 * every name once every file is read.
 */

#include <sys/types.h>

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "disposisi.h"
#include "re.h"
#include "rules_p.h"

#define RULES_MAX_MINUTES	(365 * 24 * 60)	/* a step's time: a year */
#define RULES_MAX_MONTHS	(100 * 12)

/* Words a target may be besides a step's name. */
const struct target_word rules_kw_targets[] = {
	{ "applicant",	TARGET_APPLICANT },
	{ "done",	TARGET_DONE },
	{ "reject",	TARGET_REJECT },
};
const size_t rules_kw_ntargets = nitems(rules_kw_targets);

/*
 * Values: durations, sizes, numbers, addresses, domains; names.
 */

/* A name to resolve, or a check to make, once every file is read. */
void
rules_kw_ref(struct parse *ps, enum ref_type type, const char *name,
    const struct loc *loc)
{
	struct ref	*f;

	ps->refs = xreallocarray(ps->refs, ps->nrefs + 1, sizeof *ps->refs);
	f = &ps->refs[ps->nrefs++];
	f->type = type;
	f->name = xstrdup(name);
	f->loc = *loc;
	f->sop = ps->sop;
	f->step = ps->step;
}

int
rules_kw_digit(int c)
{
	return (c >= '0' && c <= '9');
}

static int
is_alnum(int c)
{
	return (rules_kw_digit(c) || (c >= 'a' && c <= 'z') ||
	    (c >= 'A' && c <= 'Z'));
}

/* Minutes of "20m", "1h", "1h30m", "2d": units d, h, m in that order. */
int
rules_kw_minutes(const char *s, int *out)
{
	static const struct {
		char	 unit;
		long	 minutes;
	} units[] = { { 'd', 24 * 60 }, { 'h', 60 }, { 'm', 1 } };
	const char	*p = s;
	size_t		 next = 0, i;
	long		 v, total = 0;

	while (*p != '\0') {
		if (!rules_kw_digit(*p))
			return (-1);
		for (v = 0; rules_kw_digit(*p); p++) {
			v = v * 10 + (*p - '0');
			if (v > RULES_MAX_MINUTES)
				return (-1);
		}
		for (i = next; i < nitems(units); i++) {
			if (units[i].unit == *p)
				break;
		}
		if (i == nitems(units))
			return (-1);
		total += v * units[i].minutes;
		if (total > RULES_MAX_MINUTES)
			return (-1);
		next = i + 1;
		p++;
	}
	if (total == 0)
		return (-1);
	*out = (int)total;
	return (0);
}

/* Months of "2y", "6mo", "1y6mo": a year is 12 months. */
int
rules_kw_months(const char *s, int *out)
{
	const char	*p = s;
	long		 v, total = 0;
	int		 seen_mo = 0, seen_y = 0;

	while (*p != '\0') {
		if (!rules_kw_digit(*p))
			return (-1);
		for (v = 0; rules_kw_digit(*p); p++) {
			v = v * 10 + (*p - '0');
			if (v > RULES_MAX_MONTHS)
				return (-1);
		}
		if (*p == 'y' && !seen_y && !seen_mo) {
			total += v * 12;
			seen_y = 1;
			p++;
		} else if (p[0] == 'm' && p[1] == 'o' && !seen_mo) {
			total += v;
			seen_mo = 1;
			p += 2;
		} else
			return (-1);
		if (total > RULES_MAX_MONTHS)
			return (-1);
	}
	if (total == 0)
		return (-1);
	*out = (int)total;
	return (0);
}

/* Bytes of "800K", "5M", "1G" (powers of 1024) or plain "1048576". */
int
rules_kw_size(const char *s, size_t *out)
{
	unsigned long long	 v = 0, mult = 1;
	const char		*p = s;

	if (!rules_kw_digit(*p))
		return (-1);
	for (; rules_kw_digit(*p); p++) {
		if (v > (ULLONG_MAX - 9) / 10)
			return (-1);
		v = v * 10 + (unsigned long long)(*p - '0');
	}
	switch (*p) {
	case 'K':
	case 'k':
		mult = 1024;
		p++;
		break;
	case 'M':
	case 'm':
		mult = 1024 * 1024;
		p++;
		break;
	case 'G':
	case 'g':
		mult = 1024 * 1024 * 1024;
		p++;
		break;
	}
	if (*p != '\0' || v == 0 || v > SIZE_MAX / mult)
		return (-1);
	*out = (size_t)(v * mult);
	return (0);
}

/* A domain: two or more labels of letters, digits and inner '-'. */
int
rules_kw_domain_ok(const char *d)
{
	const char	*p, *label = d;
	int		 dots = 0;

	if (strlen(d) > 253)
		return (0);
	for (p = d;; p++) {
		if (*p == '.' || *p == '\0') {
			if (p == label || *label == '-' || p[-1] == '-' ||
			    p - label > 63)
				return (0);
			if (*p == '\0')
				break;
			dots++;
			label = p + 1;
		} else if (!is_alnum((unsigned char)*p) && *p != '-')
			return (0);
	}
	return (dots > 0);
}

/* local@domain, the local part of RFC 5322 atoms and inner dots. */
int
rules_kw_addr_ok(const char *a)
{
	const char	*at, *p;

	if (a == NULL || (at = strchr(a, '@')) == NULL || at == a ||
	    at - a > 64 || *a == '.' || at[-1] == '.')
		return (0);
	for (p = a; p < at; p++) {
		if (!is_alnum((unsigned char)*p) &&
		    strchr(".!#$%&'*+/=?^_`{|}~-", *p) == NULL)
			return (0);
		if (p[0] == '.' && p[1] == '.')
			return (0);
	}
	return (rules_kw_domain_ok(at + 1));
}

/* 'PATTERN', compiled now so that a bad one names its line. */
int
rules_kw_pattern(struct parse *ps, struct re **re)
{
	struct token	*t = &ps->lx->tok;
	char		*cause;

	if (t->type != T_STRING) {
		rules_lex_expected(ps, "a 'PATTERN' in single quotes");
		return (-1);
	}
	if ((*re = re_compile(t->s, 0, &cause)) == NULL) {
		rules_lex_error(ps, &t->loc, "bad pattern: %s", cause);
		free(cause);
		return (-1);
	}
	rules_lex_next(ps);
	return (rules_lex_end_stmt(ps));
}

/* A template's name; that the template exists is template.c's concern. */
int
rules_kw_template(struct parse *ps, char **tmpl)
{
	struct loc	 loc;
	char		*s;

	if ((s = rules_lex_get_tok(ps, &loc, TK_WORD | TK_STRING,
	    "a template name")) == NULL)
		return (-1);
	if (*s == '\0') {
		rules_lex_error(ps, &loc, "empty template name");
		free(s);
		return (-1);
	}
	free(*tmpl);
	*tmpl = s;
	return (rules_lex_end_stmt(ps));
}

/* Document names, each checked once every file is read. */
int
rules_kw_docs(struct parse *ps, char ***list, size_t *n)
{
	struct loc	*locs;
	char		**words;
	size_t		 nw, i;

	if (rules_lex_get_words(ps, "a document name", &words, &locs,
	    &nw) == -1)
		return (-1);
	for (i = 0; i < nw; i++) {
		if (rules_lex_has_word(*list, *n, words[i])) {
			rules_lex_error(ps, &locs[i], "document %s is listed"
			    " twice", words[i]);
			continue;
		}
		rules_kw_ref(ps, REF_DOC, words[i], &locs[i]);
		rules_lex_push_word(list, n, words[i]);
		words[i] = NULL;
	}
	rules_lex_free_words(words, locs, nw);
	return (rules_lex_end_stmt(ps));
}

/*
 * Statements of a sop.
 */

static struct sop *
cur_sop(struct parse *ps)
{
	return (&ps->r->sops[ps->sop]);
}

int
rules_kw_sop_prefix(struct parse *ps)
{
	struct rules	*r = ps->r;
	struct loc	 loc;
	char		*s;
	size_t		 i;

	if ((s = rules_lex_get_tok(ps, &loc, TK_WORD,
	    "a prefix (TTE)")) == NULL)
		return (-1);
	cur_sop(ps)->prefix = s;
	for (i = 0; s[i] != '\0'; i++) {
		if (!(s[i] >= 'A' && s[i] <= 'Z') &&
		    !(i > 0 && rules_kw_digit(s[i])))
			break;
	}
	if (s[i] != '\0' || i > 8) {
		rules_lex_error(ps, &loc, "bad prefix \"%s\": up to 8 capital"
		    " letters and digits, a letter first (TTE)", s);
		return (-1);
	}
	for (i = 0; i < ps->sop; i++) {
		if (r->sops[i].prefix != NULL &&
		    strcmp(r->sops[i].prefix, s) == 0) {
			rules_lex_error(ps, &loc, "prefix %s is used by sop %s"
			    " too", s, r->sops[i].name);
			return (-1);
		}
	}
	return (rules_lex_end_stmt(ps));
}

/* applicants any | DOMAIN ... */
int
rules_kw_sop_applicants(struct parse *ps)
{
	struct sop	*sop = cur_sop(ps);
	struct loc	*locs;
	char		**words, *d;
	size_t		 n, i;

	if (rules_lex_get_words(ps, "any or a domain", &words, &locs, &n) == -1)
		return (-1);
	for (i = 0; i < n; i++) {
		if (strcmp(words[i], "any") == 0) {
			if (n > 1)
				rules_lex_error(ps, &locs[i], "\"any\" stands"
				    " alone: anyone, or only the domains"
				    " listed");
			else
				sop->applicants_any = 1;
			continue;
		}
		if (!rules_kw_domain_ok(words[i])) {
			rules_lex_error(ps, &locs[i], "\"%s\" is not a domain",
			    words[i]);
			continue;
		}
		d = util_lower(words[i]);
		if (rules_lex_has_word(sop->applicant_domains,
		    sop->napplicant_domains, d)) {
			rules_lex_error(ps, &locs[i], "domain %s is listed"
			    " twice", d);
			free(d);
			continue;
		}
		rules_lex_push_word(&sop->applicant_domains,
		    &sop->napplicant_domains, d);
	}
	rules_lex_free_words(words, locs, n);
	return (rules_lex_end_stmt(ps));
}

int
rules_kw_sop_office_domain(struct parse *ps)
{
	struct loc	 loc;
	char		*s;

	if ((s = rules_lex_get_tok(ps, &loc, TK_WORD, "a domain")) == NULL)
		return (-1);
	if (!rules_kw_domain_ok(s)) {
		rules_lex_error(ps, &loc, "\"%s\" is not a domain", s);
		free(s);
		return (-1);
	}
	cur_sop(ps)->office_domain = util_lower(s);
	free(s);
	return (rules_lex_end_stmt(ps));
}

int
rules_kw_sop_requires(struct parse *ps)
{
	struct sop	*sop = cur_sop(ps);

	return (rules_kw_docs(ps, &sop->requires, &sop->nrequires));
}

/* subject 'PATTERN': new mail whose subject matches opens this SOP. */
int
rules_kw_sop_subject(struct parse *ps)
{
	return (rules_kw_pattern(ps, &cur_sop(ps)->subject));
}

/* renews SOP: the applicant of a finished case of SOP starts this one. */
int
rules_kw_sop_renews(struct parse *ps)
{
	struct loc	 loc;
	char		*s;

	if ((s = rules_lex_get_tok(ps, &loc, TK_WORD, "a sop's name")) == NULL)
		return (-1);
	rules_kw_ref(ps, REF_SOP, s, &loc);
	free(s);
	return (rules_lex_end_stmt(ps));
}

/* expiry-reminders 30d 7d: the applicant is reminded that many days
 * before the certificate's end. */
int
rules_kw_sop_expiry(struct parse *ps)
{
	struct sop	*sop = cur_sop(ps);
	struct loc	*locs;
	char		**words;
	size_t		 n, i;
	int		 m, rv = 0;

	if (rules_lex_get_words(ps, "days before the end (30d 7d)", &words,
	    &locs, &n) == -1)
		return (-1);
	for (i = 0; i < n; i++) {
		if (rules_kw_minutes(words[i], &m) == -1 || m % 1440 != 0 ||
		    m == 0) {
			rules_lex_error(ps, &locs[i], "bad number of days"
			    " \"%s\": write whole days (30d)", words[i]);
			rv = -1;
		} else if (sop->nexpiry == nitems(sop->expiry_days)) {
			rules_lex_error(ps, &locs[i], "at most %zu expiry"
			    " reminders", nitems(sop->expiry_days));
			rv = -1;
		} else
			sop->expiry_days[sop->nexpiry++] = m / 1440;
	}
	rules_lex_free_words(words, locs, n);
	return (rv == 0 ? rules_lex_end_stmt(ps) : -1);
}

/*
 * shared-mailbox ADDRESS ...: mailboxes more than one person reads (a
 * section's, an operator's); like every role's address, never the
 * applicant's own for a personal notice.
 */
int
rules_kw_shared_mailbox(struct parse *ps)
{
	struct loc	*locs;
	char		**words;
	size_t		 n, i;
	int		 rv = 0;

	if (rules_lex_get_words(ps, "addresses", &words, &locs, &n) == -1)
		return (-1);
	for (i = 0; i < n; i++) {
		if (!rules_kw_addr_ok(words[i])) {
			rules_lex_error(ps, &locs[i], "\"%s\" is not an"
			    " address", words[i]);
			rv = -1;
		} else
			rules_lex_push_word(&ps->r->shared, &ps->r->nshared,
			    util_lower(words[i]));
	}
	rules_lex_free_words(words, locs, n);
	return (rv == 0 ? rules_lex_end_stmt(ps) : -1);
}

/* report monthly to ROLE: the Head's report, mailed each month. */
int
rules_kw_report(struct parse *ps)
{
	static const char *const words[] = { "monthly", "to" };
	struct loc	 loc;
	char		*s;
	size_t		 i;

	for (i = 0; i < nitems(words); i++) {
		if ((s = rules_lex_get_tok(ps, &loc, TK_WORD, words[i])) ==
		    NULL)
			return (-1);
		if (strcmp(s, words[i]) != 0) {
			rules_lex_error(ps, &loc, "expected \"%s\", got \"%s\":"
			    " write report monthly to ROLE", words[i], s);
			free(s);
			return (-1);
		}
		free(s);
	}
	if ((s = rules_lex_get_tok(ps, &loc, TK_WORD, "a role")) == NULL)
		return (-1);
	/* One Head, one report: a second line in another file is a mistake. */
	if (ps->r->report_role != NULL) {
		rules_lex_error(ps, &ps->kw, "the monthly report is given"
		    " already (to %s)", ps->r->report_role);
		free(s);
		return (-1);
	}
	ps->r->report_role = s;
	ps->report_loc = loc;
	return (rules_lex_end_stmt(ps));
}
