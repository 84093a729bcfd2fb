/* SPDX-License-Identifier: ISC */
/*
 * The statements inside the rules language's blocks: one function a
 * keyword, called by rules-parse.c once it has read the keyword, and the
 * values they take (durations, sizes, numbers, addresses, domains).
 *
 * A name a statement gives (a role, a document, a step, an event) is
 * only recorded here: a later file may define it, so rules.c resolves
 * every name once every file is read.
 */

#include <sys/types.h>

#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "disposisi.h"
#include "re.h"
#include "rules_p.h"

#define RULES_MAX_MINUTES	(365 * 24 * 60)	/* a step's time: a year */
#define RULES_MAX_MONTHS	(100 * 12)
#define RULES_MAX_QUORUM	1000

/* What the robot can tell apart by content (sniff.c). */
static const char *doc_types[] = {
	"pdf", "jpeg", "png", "gif", "tiff", "webp", "heic", "bmp"
};

/* Words a target may be besides a step's name. */
const struct target_word rules_kw_targets[] = {
	{ "applicant",	TARGET_APPLICANT },
	{ "done",	TARGET_DONE },
	{ "reject",	TARGET_REJECT },
};
const size_t rules_kw_ntargets = nitems(rules_kw_targets);

/* A name to resolve, or a check to make, once every file is read. */
static void
add_ref(struct parse *ps, enum ref_type type, const char *name,
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

/*
 * Values: durations, sizes, numbers, addresses, domains.
 */

static int
is_digit(int c)
{
	return (c >= '0' && c <= '9');
}

static int
is_alnum(int c)
{
	return (is_digit(c) || (c >= 'a' && c <= 'z') ||
	    (c >= 'A' && c <= 'Z'));
}

/* Minutes of "20m", "1h", "1h30m", "2d": units d, h, m in that order. */
static int
parse_minutes(const char *s, int *out)
{
	static const struct {
		char	 unit;
		long	 minutes;
	} units[] = { { 'd', 24 * 60 }, { 'h', 60 }, { 'm', 1 } };
	const char	*p = s;
	size_t		 next = 0, i;
	long		 v, total = 0;

	while (*p != '\0') {
		if (!is_digit(*p))
			return (-1);
		for (v = 0; is_digit(*p); p++) {
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
static int
parse_months(const char *s, int *out)
{
	const char	*p = s;
	long		 v, total = 0;
	int		 seen_mo = 0, seen_y = 0;

	while (*p != '\0') {
		if (!is_digit(*p))
			return (-1);
		for (v = 0; is_digit(*p); p++) {
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
static int
parse_size(const char *s, size_t *out)
{
	unsigned long long	 v = 0, mult = 1;
	const char		*p = s;

	if (!is_digit(*p))
		return (-1);
	for (; is_digit(*p); p++) {
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
static int
domain_ok(const char *d)
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
	return (domain_ok(at + 1));
}

/*
 * Statements of a document and of a notice.
 */

/* 'PATTERN', compiled now so that a bad one names its line. */
static int
get_pattern(struct parse *ps, struct re **re)
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

/* name 'PATTERN': one a line; the most specific of all kinds' wins. */
int
rules_kw_doc_name(struct parse *ps)
{
	struct doctype	*d = ps->doc;
	struct re	*re;
	char		*src;
	int		 rv;

	if (ps->lx->tok.type != T_STRING) {
		rules_lex_expected(ps, "a 'PATTERN' in single quotes");
		return (-1);
	}
	src = xstrdup(ps->lx->tok.s);
	rv = get_pattern(ps, &re);
	if (re == NULL) {
		free(src);
		return (-1);
	}
	d->patterns = xreallocarray(d->patterns, d->npatterns + 1,
	    sizeof *d->patterns);
	d->patterns[d->npatterns] = re;
	rules_lex_push_word(&d->sources, &d->npatterns, src);
	return (rv);
}

/* Adds a "PHRASE" to a group, folded as texts are; "" folded is wrong. */
static int
doc_phrase(struct parse *ps, struct docgroup *g)
{
	struct token	*t = &ps->lx->tok;
	char		*f = document_fold(t->s);
	size_t		 n;

	if (*f == '\0') {
		rules_lex_error(ps, &t->loc, "phrase \"%s\" has no letter or"
		    " digit", t->s);
		free(f);
		return (-1);
	}
	n = g->n;
	rules_lex_push_word(&g->folded, &n, f);
	rules_lex_push_word(&g->phrases, &g->n, t->s);
	t->s = NULL;
	for (; *f != '\0'; f++)
		g->weight += *f != ' ';
	rules_lex_next(ps);
	return (0);
}

/*
 * content "PHRASE" ... [or "PHRASE" ...]: groups of phrases, any group
 * naming the document when every phrase of it is in the text.
 */
int
rules_kw_doc_content(struct parse *ps)
{
	struct doctype	*d = ps->doc;
	struct token	*t = &ps->lx->tok;
	struct docgroup	*g = NULL;

	for (;;) {
		if (g == NULL) {
			if (t->type != T_STRING) {
				rules_lex_expected(ps, "a \"PHRASE\"");
				return (-1);
			}
			d->groups = xreallocarray(d->groups, d->ngroups + 1,
			    sizeof *d->groups);
			g = &d->groups[d->ngroups++];
			memset(g, 0, sizeof *g);
		}
		if (t->type == T_STRING) {
			if (doc_phrase(ps, g) == -1)
				return (-1);
		} else if (t->type == T_WORD && strcmp(t->s, "or") == 0) {
			g = NULL;
			rules_lex_next(ps);
		} else
			break;
	}
	return (rules_lex_end_stmt(ps));
}

/* not "PHRASE" ...: any one of them in the text excludes the kind. */
int
rules_kw_doc_not(struct parse *ps)
{
	struct token	*t = &ps->lx->tok;

	if (t->type != T_STRING) {
		rules_lex_expected(ps, "a \"PHRASE\"");
		return (-1);
	}
	while (t->type == T_STRING) {
		if (doc_phrase(ps, &ps->doc->not) == -1)
			return (-1);
	}
	return (rules_lex_end_stmt(ps));
}

/* holds-nik: the kind's text carries the applicant's NIK (a KTP). */
int
rules_kw_doc_holds_nik(struct parse *ps)
{
	ps->doc->holds_nik = 1;
	return (rules_lex_end_stmt(ps));
}

int
rules_kw_doc_type(struct parse *ps)
{
	struct doctype	*d = ps->doc;
	struct loc	*locs;
	char		**words;
	size_t		 n, i, j;

	if (rules_lex_get_words(ps, "a file type", &words, &locs, &n) == -1)
		return (-1);
	for (i = 0; i < n; i++) {
		for (j = 0; j < nitems(doc_types); j++) {
			if (strcmp(words[i], doc_types[j]) == 0)
				break;
		}
		if (j == nitems(doc_types))
			rules_lex_error(ps, &locs[i], "unknown type \"%s\";"
			    " allowed: pdf, jpeg, png, gif, tiff, webp, heic,"
			    " bmp", words[i]);
		else if (rules_lex_has_word(d->types, d->ntypes, words[i]))
			rules_lex_error(ps, &locs[i], "type %s is listed twice",
			    words[i]);
		else {
			rules_lex_push_word(&d->types, &d->ntypes, words[i]);
			words[i] = NULL;
		}
	}
	rules_lex_free_words(words, locs, n);
	return (rules_lex_end_stmt(ps));
}

int
rules_kw_doc_max_size(struct parse *ps)
{
	struct loc	 loc;
	char		*s;
	int		 rv = 0;

	if ((s = rules_lex_get_tok(ps, &loc, TK_WORD,
	    "a size (5M, 800K)")) == NULL)
		return (-1);
	if (parse_size(s, &ps->doc->max_size) == -1) {
		rules_lex_error(ps, &loc, "bad size \"%s\": write bytes or K,"
		    " M, G (800K, 5M)", s);
		rv = -1;
	}
	free(s);
	return (rv == 0 ? rules_lex_end_stmt(ps) : -1);
}

int
rules_kw_notice_from(struct parse *ps)
{
	return (get_pattern(ps, &ps->notice->from));
}

int
rules_kw_notice_to(struct parse *ps)
{
	return (get_pattern(ps, &ps->notice->to));
}

int
rules_kw_notice_subject(struct parse *ps)
{
	return (get_pattern(ps, &ps->notice->subject));
}

int
rules_kw_notice_body(struct parse *ps)
{
	return (get_pattern(ps, &ps->notice->body));
}

/* A template's name; that the template exists is template.c's concern. */
static int
get_template(struct parse *ps, char **tmpl)
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

int
rules_kw_notice_template(struct parse *ps)
{
	return (get_template(ps, &ps->notice->tmpl));
}

int
rules_kw_notice_expires(struct parse *ps)
{
	struct loc	 loc;
	char		*s;
	int		 rv = 0;

	if ((s = rules_lex_get_tok(ps, &loc, TK_WORD,
	    "a duration (2y, 6mo)")) == NULL)
		return (-1);
	if (parse_months(s, &ps->notice->expires_months) == -1) {
		rules_lex_error(ps, &loc, "bad duration \"%s\": expires takes"
		    " years and months (2y, 6mo, 1y6mo)", s);
		rv = -1;
	}
	free(s);
	return (rv == 0 ? rules_lex_end_stmt(ps) : -1);
}

/*
 * Statements of a sop.
 */

static struct sop *
cur_sop(struct parse *ps)
{
	return (&ps->r->sops[ps->sop]);
}

static struct step *
cur_step(struct parse *ps)
{
	return (&ps->r->sops[ps->sop].steps[ps->step]);
}

/* Document names, each checked once every file is read. */
static int
get_docs(struct parse *ps, char ***list, size_t *n)
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
		add_ref(ps, REF_DOC, words[i], &locs[i]);
		rules_lex_push_word(list, n, words[i]);
		words[i] = NULL;
	}
	rules_lex_free_words(words, locs, nw);
	return (rules_lex_end_stmt(ps));
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
		    !(i > 0 && is_digit(s[i])))
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
		if (!domain_ok(words[i])) {
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
	if (!domain_ok(s)) {
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

	return (get_docs(ps, &sop->requires, &sop->nrequires));
}

/*
 * Statements of a step.
 */

int
rules_kw_step_kind(struct parse *ps)
{
	struct loc	 loc;
	char		*s;

	if ((s = rules_lex_get_tok(ps, &loc, TK_WORD, "a kind")) == NULL)
		return (-1);
	if ((cur_step(ps)->kind = rules_step_kind(s)) == NULL) {
		rules_lex_error(ps, &loc, "unknown kind \"%s\"; allowed:"
		    " decision, document, notice, quorum, value", s);
		free(s);
		return (-1);
	}
	free(s);
	return (rules_lex_end_stmt(ps));
}

int
rules_kw_step_actor(struct parse *ps)
{
	struct step	*st = cur_step(ps);
	struct loc	 loc;

	if ((st->actor = rules_lex_get_tok(ps, &loc, TK_WORD,
	    "a role or applicant")) == NULL)
		return (-1);
	if (strcmp(st->actor, "applicant") != 0)
		add_ref(ps, REF_ROLE, st->actor, &loc);
	return (rules_lex_end_stmt(ps));
}

int
rules_kw_step_time(struct parse *ps)
{
	struct loc	 loc;
	char		*s;
	int		 rv = 0;

	if ((s = rules_lex_get_tok(ps, &loc, TK_WORD,
	    "a duration (20m, 1h)")) == NULL)
		return (-1);
	if (parse_minutes(s, &cur_step(ps)->minutes) == -1) {
		rules_lex_error(ps, &loc, "bad duration \"%s\": write minutes,"
		    " hours or days (20m, 1h, 1h30m, 2d)", s);
		rv = -1;
	}
	free(s);
	return (rv == 0 ? rules_lex_end_stmt(ps) : -1);
}

int
rules_kw_step_task(struct parse *ps)
{
	if ((cur_step(ps)->task = rules_lex_get_tok(ps, NULL, TK_STRING,
	    "the task in double quotes")) == NULL)
		return (-1);
	return (rules_lex_end_stmt(ps));
}

int
rules_kw_step_send(struct parse *ps)
{
	struct step	*st = cur_step(ps);

	return (get_docs(ps, &st->send, &st->nsend));
}

int
rules_kw_step_needs(struct parse *ps)
{
	struct step	*st = cur_step(ps);

	return (get_docs(ps, &st->needs, &st->nneeds));
}

/* A step's name, done, reject or applicant. */
static int
get_target(struct parse *ps, struct target *to)
{
	struct loc	 loc;
	char		*s;
	size_t		 i;

	if ((s = rules_lex_get_tok(ps, &loc, TK_WORD,
	    "a step, done, reject or applicant")) == NULL)
		return (-1);
	to->where = rules_lex_where(ps, &ps->kw);
	for (i = 0; i < nitems(rules_kw_targets); i++) {
		if (strcmp(s, rules_kw_targets[i].name) == 0) {
			to->kind = rules_kw_targets[i].kind;
			free(s);
			return (rules_lex_end_stmt(ps));
		}
	}
	to->kind = TARGET_STEP;
	to->step = s;
	add_ref(ps, REF_STEP, s, &loc);
	return (rules_lex_end_stmt(ps));
}

int
rules_kw_step_yes(struct parse *ps)
{
	return (get_target(ps, &cur_step(ps)->yes));
}

int
rules_kw_step_no(struct parse *ps)
{
	return (get_target(ps, &cur_step(ps)->no));
}

/* on EVENT TARGET */
int
rules_kw_step_on(struct parse *ps)
{
	struct step	*st = cur_step(ps);
	struct on_event	*on;
	struct loc	 loc;
	char		*s;
	size_t		 i;

	if ((s = rules_lex_get_tok(ps, &loc, TK_WORD,
	    "a notice event")) == NULL)
		return (-1);
	for (i = 0; i < st->non; i++) {
		if (strcmp(st->on[i].event, s) == 0) {
			rules_lex_error(ps, &loc, "on %s is given twice in step"
			    " %s", s, st->name);
			free(s);
			return (-1);
		}
	}
	add_ref(ps, REF_EVENT, s, &loc);
	st->on = xreallocarray(st->on, st->non + 1, sizeof *st->on);
	on = &st->on[st->non++];
	memset(on, 0, sizeof *on);
	on->event = s;
	return (get_target(ps, &on->to));
}

int
rules_kw_step_quorum(struct parse *ps)
{
	struct loc	 loc;
	char		*s;
	const char	*errstr = NULL;
	long		 v = 0;
	size_t		 i;

	if ((s = rules_lex_get_tok(ps, &loc, TK_WORD, "a number")) == NULL)
		return (-1);
	for (i = 0; s[i] != '\0' && errstr == NULL; i++) {
		if (!is_digit(s[i]))
			errstr = "not a whole number";
		else if ((v = v * 10 + (s[i] - '0')) > RULES_MAX_QUORUM)
			errstr = "too large";
	}
	if (errstr == NULL && v < 1)
		errstr = "less than 1";
	if (errstr != NULL) {
		rules_lex_error(ps, &loc, "bad quorum \"%s\": %s", s, errstr);
		free(s);
		return (-1);
	}
	free(s);
	cur_step(ps)->quorum = (int)v;
	add_ref(ps, REF_QUORUM, "quorum", &loc);
	return (rules_lex_end_stmt(ps));
}

int
rules_kw_step_document(struct parse *ps)
{
	struct step	*st = cur_step(ps);
	struct loc	 loc;

	if ((st->document = rules_lex_get_tok(ps, &loc, TK_WORD,
	    "a document name")) == NULL)
		return (-1);
	add_ref(ps, REF_DOC, st->document, &loc);
	return (rules_lex_end_stmt(ps));
}

/* value email [domain DOMAIN] | value text */
int
rules_kw_step_value(struct parse *ps)
{
	struct step	*st = cur_step(ps);
	struct token	*t = &ps->lx->tok;
	struct loc	 loc;
	char		*s;

	if ((st->value_type = rules_lex_get_tok(ps, &loc, TK_WORD,
	    "email or text")) == NULL)
		return (-1);
	if (strcmp(st->value_type, "email") != 0 &&
	    strcmp(st->value_type, "text") != 0) {
		rules_lex_error(ps, &loc, "unknown value \"%s\"; allowed:"
		    " email, text", st->value_type);
		return (-1);
	}
	if (t->type != T_WORD || strcmp(t->s, "domain") != 0)
		return (rules_lex_end_stmt(ps));
	if (strcmp(st->value_type, "email") != 0) {
		rules_lex_error(ps, &t->loc, "domain goes with value email"
		    " only");
		return (-1);
	}
	rules_lex_next(ps);
	if ((s = rules_lex_get_tok(ps, &loc, TK_WORD, "a domain")) == NULL)
		return (-1);
	if (!domain_ok(s)) {
		rules_lex_error(ps, &loc, "\"%s\" is not a domain", s);
		free(s);
		return (-1);
	}
	st->value_domain = util_lower(s);
	free(s);
	return (rules_lex_end_stmt(ps));
}

int
rules_kw_step_skip_when(struct parse *ps)
{
	struct loc	 loc;
	char		*s;

	if ((s = rules_lex_get_tok(ps, &loc, TK_WORD, "a condition")) == NULL)
		return (-1);
	if (strcmp(s, "applicant-in-office") != 0) {
		rules_lex_error(ps, &loc, "unknown condition \"%s\"; allowed:"
		    " applicant-in-office", s);
		free(s);
		return (-1);
	}
	free(s);
	cur_step(ps)->skip_in_office = 1;
	add_ref(ps, REF_OFFICE, "applicant-in-office", &loc);
	return (rules_lex_end_stmt(ps));
}

int
rules_kw_step_template(struct parse *ps)
{
	return (get_template(ps, &cur_step(ps)->tmpl));
}

/* anytime: the notice is relayed to its case's applicant in any state. */
int
rules_kw_notice_anytime(struct parse *ps)
{
	ps->notice->anytime = 1;
	return (rules_lex_end_stmt(ps));
}

/*
 * personal: the notice's links are the applicant's alone (the SOP: a
 * passphrase is set in person), so it is relayed only to a mailbox that
 * is the applicant's own (rules_personal), else the admin is told.
 */
int
rules_kw_notice_personal(struct parse *ps)
{
	ps->notice->personal = 1;
	return (rules_lex_end_stmt(ps));
}

/*
 * proved-by EVENT ...: such a notice from AMS shows the step's work was
 * done (AMS mails the activation link once the verifier registered the
 * applicant): it closes the step as a Y would, with the notice as the
 * evidence, and those who were asked are told their Y is not needed.
 */
int
rules_kw_step_proved_by(struct parse *ps)
{
	struct step	*st = cur_step(ps);
	struct loc	*locs;
	char		**words;
	size_t		 n, i;

	if (rules_lex_get_words(ps, "notice events", &words, &locs, &n) == -1)
		return (-1);
	for (i = 0; i < n; i++) {
		add_ref(ps, REF_EVENT, words[i], &locs[i]);
		rules_lex_push_word(&st->proved_by, &st->nproved_by,
		    xstrdup(words[i]));
	}
	rules_lex_free_words(words, locs, n);
	return (rules_lex_end_stmt(ps));
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

/* subject 'PATTERN': new mail whose subject matches opens this SOP. */
int
rules_kw_sop_subject(struct parse *ps)
{
	return (get_pattern(ps, &cur_sop(ps)->subject));
}

/* renews SOP: the applicant of a finished case of SOP starts this one. */
int
rules_kw_sop_renews(struct parse *ps)
{
	struct loc	 loc;
	char		*s;

	if ((s = rules_lex_get_tok(ps, &loc, TK_WORD, "a sop's name")) == NULL)
		return (-1);
	add_ref(ps, REF_SOP, s, &loc);
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
		if (parse_minutes(words[i], &m) == -1 || m % 1440 != 0 ||
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
