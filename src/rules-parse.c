/* SPDX-License-Identifier: ISC */
/*
 * The rules language's grammar: files and blocks, each a list of
 * statements that start with a keyword of the block's table, and the
 * statements that open a block (document, notice, sop, step) or, for a
 * role, a group of addresses. The statements inside a block are in
 * rules-kw.c.
 *
 * A hand-written recursive-descent parser in the tradition of OpenBSD's
 * parse.y: keyword tables sorted for bsearch, and after an error a skip
 * to the end of the statement (the line, or the block opened on it), so
 * that parsing goes on and every mistake is reported at once.
 */

#include <sys/types.h>

#include <stdlib.h>
#include <string.h>

#include "disposisi.h"
#include "rules_p.h"

#define RULES_MAX_KEYWORDS	16		/* in one block's table */

/* A keyword of one kind of block, and the function parsing the rest. */
struct keyword {
	const char	*name;
	int		(*fn)(struct parse *);
	int		 multi;		/* may be given more than once */
};

struct block {
	const char	*what;		/* "step", for messages */
	const char	*name;		/* the step's name */
	const struct keyword *kw;
	size_t		 nkw;
	int		 level;		/* 0 a file, 1 top block, 2 a step */
	int		 implicit;	/* its '{' is missing: reported */
	int		 unknown;	/* unknown keywords met */
	struct loc	 open;		/* the '{' */
	int		 first[RULES_MAX_KEYWORDS]; /* line of first use */
};

static int	 kw_calendar(struct parse *);
static int	 kw_document(struct parse *);
static int	 kw_notice(struct parse *);
static int	 kw_role(struct parse *);
static int	 kw_sop(struct parse *);
static int	 kw_sop_step(struct parse *);

/*
 * Every table is sorted by name for bsearch; rules_parse_tables_check
 * checks it.
 */
static const struct keyword top_kw[] = {
	{ "calendar",		kw_calendar,			0 },
	{ "delegate",		rules_cal_delegate,		1 },
	{ "document",		kw_document,			1 },
	{ "holiday",		rules_cal_holiday,		1 },
	{ "include",		rules_include,			1 },
	{ "mail",		rules_kw_mail,			1 },
	{ "notice",		kw_notice,			1 },
	{ "report",		rules_kw_report,		0 },
	{ "role",		kw_role,			1 },
	{ "shared-mailbox",	rules_kw_shared_mailbox,	1 },
	{ "sop",		kw_sop,				1 },
	{ "supervisor",		rules_cal_supervisor,		1 },
};
static const struct keyword cal_kw[] = {
	{ "hours",		rules_cal_hours,		1 },
	{ "timezone",		rules_cal_timezone,		0 },
};
static const struct keyword doc_kw[] = {
	{ "content",		rules_kw_doc_content,		1 },
	{ "holds-nik",		rules_kw_doc_holds_nik,		0 },
	{ "max-size",		rules_kw_doc_max_size,		0 },
	{ "name",		rules_kw_doc_name,		1 },
	{ "not",		rules_kw_doc_not,		1 },
	{ "type",		rules_kw_doc_type,		0 },
};
static const struct keyword notice_kw[] = {
	{ "anytime",		rules_kw_notice_anytime,	0 },
	{ "body",		rules_kw_notice_body,		0 },
	{ "expires",		rules_kw_notice_expires,	0 },
	{ "from",		rules_kw_notice_from,		0 },
	{ "personal",		rules_kw_notice_personal,	0 },
	{ "subject",		rules_kw_notice_subject,	0 },
	{ "template",		rules_kw_notice_template,	0 },
	{ "to",			rules_kw_notice_to,		0 },
};
static const struct keyword sop_kw[] = {
	{ "applicants",		rules_kw_sop_applicants,	0 },
	{ "escalate",		rules_cal_escalate,		0 },
	{ "expiry-reminders",	rules_kw_sop_expiry,		0 },
	{ "office-domain",	rules_kw_sop_office_domain,	0 },
	{ "prefix",		rules_kw_sop_prefix,		0 },
	{ "remind",		rules_cal_remind,		0 },
	{ "renews",		rules_kw_sop_renews,		0 },
	{ "requires",		rules_kw_sop_requires,		0 },
	{ "step",		kw_sop_step,			1 },
	{ "subject",		rules_kw_sop_subject,		0 },
};
static const struct keyword step_kw[] = {
	{ "activity",		rules_kw_step_activity,		0 },
	{ "actor",		rules_kw_step_actor,		0 },
	{ "document",		rules_kw_step_document,		0 },
	{ "kind",		rules_kw_step_kind,		0 },
	{ "needs",		rules_kw_step_needs,		0 },
	{ "no",			rules_kw_step_no,		0 },
	{ "on",			rules_kw_step_on,		1 },
	{ "proved-by",		rules_kw_step_proved_by,	0 },
	{ "quorum",		rules_kw_step_quorum,		0 },
	{ "send",		rules_kw_step_send,		0 },
	{ "skip-when",		rules_kw_step_skip_when,	0 },
	{ "task",		rules_kw_step_task,		0 },
	{ "template",		rules_kw_step_template,		0 },
	{ "time",		rules_kw_step_time,		0 },
	{ "value",		rules_kw_step_value,		0 },
	{ "yes",		rules_kw_step_yes,		0 },
};

/*
 * Recovery: where a statement ends, and skipping a broken one.
 */

static int
at_end(const struct token *t)
{
	return (t->type == T_NL || t->type == T_EOF || t->type == T_RBRACE);
}

/*
 * Recovers from an error: skips to the end of the statement, that is the
 * end of the line (and the whole block when one opens on it) or a '}'
 * that closes the enclosing block. The lexer stays quiet meanwhile: one
 * error a statement is enough, the rest would mostly be echoes.
 */
static void
skip_stmt(struct parse *ps)
{
	struct token	*t = &ps->lx->tok;
	int		 depth = 0;

	ps->lx->quiet++;
	for (;;) {
		if (t->type == T_EOF)
			break;
		if (t->type == T_RBRACE) {
			if (depth == 0)
				break;
			depth--;
		} else if (t->type == T_LBRACE)
			depth++;
		else if (t->type == T_NL && depth == 0) {
			/* The next line's first token is not quiet. */
			ps->lx->quiet--;
			rules_lex_next(ps);
			return;
		}
		rules_lex_next(ps);
	}
	ps->lx->quiet--;
}

/*
 * Blocks.
 */

/* "a, b, c" of a keyword table, for messages. */
static void
keyword_list(const struct keyword *kw, size_t n, char *buf, size_t len)
{
	size_t	 i, off = 0;
	int	 w;

	buf[0] = '\0';
	for (i = 0; i < n && off < len; i++) {
		w = snprintf(buf + off, len - off, "%s%s", i > 0 ? ", " : "",
		    kw[i].name);
		if (w < 0)
			break;
		off += (size_t)w;
	}
}

static int
keyword_cmp(const void *key, const void *elem)
{
	return (strcmp(key, ((const struct keyword *)elem)->name));
}

static const struct keyword *
keyword_find(const struct keyword *kw, size_t n, const char *name)
{
	return (bsearch(name, kw, n, sizeof *kw, keyword_cmp));
}

/*
 * A keyword that starts a statement of an enclosing level. Found inside a
 * block, it most likely means the block's '}' was forgotten.
 */
static int
block_opener(const char *w, int level)
{
	if (keyword_find(top_kw, nitems(top_kw), w) != NULL)
		return (1);
	return (level == 2 && strcmp(w, "step") == 0);
}

static void
block_init(struct block *b, const char *what, const char *name,
    const struct keyword *kw, size_t nkw, int level)
{
	memset(b, 0, sizeof *b);
	b->what = what;
	b->name = name;
	b->kw = kw;
	b->nkw = nkw;
	b->level = level;
}

/*
 * Was a keyword given in the block? An unknown keyword counts as any:
 * "kindd decision" is reported once, not again as a missing kind.
 */
static int
block_given(const struct block *b, const char *name)
{
	const struct keyword	*k;

	if ((k = keyword_find(b->kw, b->nkw, name)) == NULL)
		fatalx("%s: no keyword %s", __func__, name);
	return (b->first[k - b->kw] != 0 || b->unknown > 0);
}

/*
 * After a block's header: the '{' ends the header's line. A missing '{'
 * is reported and the block parsed as if it were there, since the lines
 * that follow are most likely its contents; the '}' then closes it. With
 * a broken header (reported), the block is parsed if its '{' is there.
 * Returns -1 when there is no block to parse.
 */
static int
open_block(struct parse *ps, struct block *b, int header_ok)
{
	struct token	*t = &ps->lx->tok;
	struct loc	 eol;
	char		 buf[64];

	if (!header_ok) {
		ps->lx->quiet++;
		while (t->type != T_LBRACE && !at_end(t))
			rules_lex_next(ps);
		ps->lx->quiet--;
		if (t->type != T_LBRACE)
			return (-1);
	}
	if (t->type == T_LBRACE) {
		b->open = t->loc;
		rules_lex_next(ps);
		return (0);
	}
	b->open = ps->kw;
	b->implicit = 1;
	if (t->type == T_NL) {
		eol = t->loc;
		rules_lex_next(ps);
		if (t->type == T_LBRACE) {
			rules_lex_error(ps, &t->loc, "'{' must be on the line"
			    " of %s %s", b->what, b->name);
			b->open = t->loc;
			b->implicit = 0;
			rules_lex_next(ps);
			return (0);
		}
		rules_lex_error(ps, &eol, "expected '{' at the end of the"
		    " line");
		return (0);
	}
	if (t->type != T_ERROR)
		rules_lex_error(ps, &t->loc, "expected '{' after %s %s, got %s",
		    b->what, b->name, rules_lex_tok_desc(t, buf, sizeof buf));
	ps->lx->quiet++;
	while (t->type != T_LBRACE && !at_end(t))
		rules_lex_next(ps);
	ps->lx->quiet--;
	if (t->type == T_LBRACE) {
		b->open = t->loc;
		b->implicit = 0;
		rules_lex_next(ps);
	} else if (t->type == T_NL)
		rules_lex_next(ps);
	return (0);
}

/*
 * The statements of a file (level 0) or of a block, up to its '}'. Each
 * starts with a keyword of the block's table; its function parses the
 * rest and returns -1 after reporting an error, and the statement is
 * skipped.
 */
static void
parse_block(struct parse *ps, struct block *b)
{
	const struct keyword	*k;
	struct token		*t = &ps->lx->tok;
	char			 list[256], buf[64];
	size_t			 i;

	for (;;) {
		switch (t->type) {
		case T_NL:
			rules_lex_next(ps);
			continue;
		case T_EOF:
			if (b->level > 0 && !b->implicit)
				rules_lex_error(ps, &b->open, "'{' of %s %s is"
				    " never closed", b->what, b->name);
			return;
		case T_RBRACE:
			if (b->level == 0) {
				rules_lex_error(ps, &t->loc,
				    "'}' closes no block");
				rules_lex_next(ps);
				continue;
			}
			rules_lex_next(ps);
			if (rules_lex_end_stmt(ps) == -1)
				skip_stmt(ps);
			return;
		case T_ERROR:
			skip_stmt(ps);
			continue;
		case T_WORD:
			break;
		case T_STRING:
		case T_LBRACE:
			keyword_list(b->kw, b->nkw, list, sizeof list);
			rules_lex_error(ps, &t->loc, "expected a keyword (%s),"
			    " got %s", list,
			    rules_lex_tok_desc(t, buf, sizeof buf));
			skip_stmt(ps);
			continue;
		}

		if ((k = keyword_find(b->kw, b->nkw, t->s)) == NULL) {
			if (b->level > 0 && block_opener(t->s, b->level)) {
				if (!b->implicit)
					rules_lex_error(ps, &t->loc, "missing"
					    " '}': %s %s (line %d) is not"
					    " closed before \"%s\"", b->what,
					    b->name, b->open.line, t->s);
				return;
			}
			b->unknown++;
			keyword_list(b->kw, b->nkw, list, sizeof list);
			if (b->level == 0)
				rules_lex_error(ps, &t->loc, "unknown keyword"
				    " \"%s\"; allowed at the top of a file: %s",
				    t->s, list);
			else
				rules_lex_error(ps, &t->loc, "unknown keyword"
				    " \"%s\" in a %s; allowed: %s", t->s,
				    b->what, list);
			skip_stmt(ps);
			continue;
		}
		i = (size_t)(k - b->kw);
		if (!k->multi && b->first[i] != 0) {
			rules_lex_error(ps, &t->loc, "\"%s\" is given twice in"
			    " %s %s (first at line %d)", k->name, b->what,
			    b->name, b->first[i]);
			skip_stmt(ps);
			continue;
		}
		b->first[i] = t->loc.line;
		ps->kw = t->loc;
		rules_lex_next(ps);
		if (k->fn(ps) == -1)
			skip_stmt(ps);
	}
}

/*
 * Top-level statements.
 */

static void
role_addr(struct parse *ps, struct role *ro, const struct token *t)
{
	char	*a;

	if (!rules_kw_addr_ok(t->s)) {
		rules_lex_error(ps, &t->loc, "\"%s\" is not an address", t->s);
		return;
	}
	a = util_lower(t->s);
	if (rules_lex_has_word(ro->addrs, ro->naddrs, a)) {
		rules_lex_error(ps, &t->loc, "%s is listed twice in role %s", a,
		    ro->name);
		free(a);
		return;
	}
	rules_lex_push_word(&ro->addrs, &ro->naddrs, a);
}

/* { ADDRESS ... }: a group, addresses separated by blanks or lines. */
static int
role_group(struct parse *ps, struct role *ro, const struct loc *nloc)
{
	struct token	*t = &ps->lx->tok;
	struct loc	 open = t->loc;
	size_t		 given = 0;

	rules_lex_next(ps);
	for (;;) {
		switch (t->type) {
		case T_NL:
			rules_lex_next(ps);
			continue;
		case T_EOF:
			rules_lex_error(ps, &open, "'{' of role %s is never"
			    " closed", ro->name);
			return (0);
		case T_RBRACE:
			if (given == 0)
				rules_lex_error(ps, nloc,
				    "role %s has no address", ro->name);
			rules_lex_next(ps);
			return (rules_lex_end_stmt(ps));
		case T_ERROR:
			given++;
			rules_lex_next(ps);
			continue;
		case T_LBRACE:
			rules_lex_expected(ps, "an address");
			rules_lex_next(ps);
			continue;
		case T_WORD:
			if (block_opener(t->s, 1)) {
				rules_lex_error(ps, &t->loc, "missing '}': role"
				    " %s (line %d) is not closed before \"%s\"",
				    ro->name, open.line, t->s);
				return (0);
			}
			/* FALLTHROUGH */
		case T_STRING:
			given++;
			role_addr(ps, ro, t);
			rules_lex_next(ps);
			continue;
		}
	}
}

/* role NAME "TITLE" ADDRESS, or role NAME "TITLE" { ADDRESS ... } */
static int
kw_role(struct parse *ps)
{
	struct rules		*r = ps->r;
	struct token		*t = &ps->lx->tok;
	const struct role	*old;
	struct role		*ro;
	struct loc		 nloc;
	char			*name;

	if ((name = rules_lex_get_tok(ps, &nloc, TK_WORD,
	    "a role name")) == NULL)
		return (-1);
	if (strcmp(name, "applicant") == 0)
		rules_lex_error(ps, &nloc, "\"applicant\" is no role name: it"
		    " is the actor of the applicant's own steps");
	else if ((old = rules_role(r, name)) != NULL)
		rules_lex_error(ps, &nloc, "duplicate role \"%s\" (first at"
		    " %s)", name, old->where);

	/* Kept even when broken, so that steps naming it do not echo. */
	r->roles = xreallocarray(r->roles, r->nroles + 1, sizeof *r->roles);
	ro = &r->roles[r->nroles++];
	memset(ro, 0, sizeof *ro);
	ro->name = name;
	ro->where = rules_lex_where(ps, &ps->kw);

	if ((ro->title = rules_lex_get_tok(ps, NULL, TK_STRING,
	    "the role's title in double quotes")) == NULL)
		return (-1);
	if (t->type == T_LBRACE)
		return (role_group(ps, ro, &nloc));
	if (t->type != T_WORD && t->type != T_STRING) {
		rules_lex_expected(ps, "an address or '{'");
		return (-1);
	}
	role_addr(ps, ro, t);
	rules_lex_next(ps);
	return (rules_lex_end_stmt(ps));
}

/* document NAME "WORDS" { name 'RE' ... content "PHRASE" ... type TYPE ... } */
static int
kw_document(struct parse *ps)
{
	struct rules		*r = ps->r;
	const struct doctype	*old;
	struct doctype		*d;
	struct block		 b;
	struct loc		 nloc;
	char			*name;

	if ((name = rules_lex_get_tok(ps, &nloc, TK_WORD,
	    "a document name")) == NULL)
		return (-1);
	if ((old = rules_doctype(r, name)) != NULL)
		rules_lex_error(ps, &nloc, "duplicate document \"%s\" (first at"
		    " %s)", name, old->where);
	r->docs = xreallocarray(r->docs, r->ndocs + 1, sizeof *r->docs);
	d = &r->docs[r->ndocs++];
	memset(d, 0, sizeof *d);
	d->name = name;
	d->where = rules_lex_where(ps, &ps->kw);
	d->words = rules_lex_get_tok(ps, NULL, TK_STRING,
	    "the words for the applicant in double quotes");

	block_init(&b, "document", name, doc_kw, nitems(doc_kw), 1);
	if (open_block(ps, &b, d->words != NULL) == -1)
		return (-1);
	ps->doc = d;
	parse_block(ps, &b);
	ps->doc = NULL;
	if (!block_given(&b, "name"))
		rules_lex_error(ps, &nloc, "document %s has no name 'PATTERN'",
		    name);
	if (!block_given(&b, "type"))
		rules_lex_error(ps, &nloc, "document %s has no type", name);
	return (0);
}

/* calendar { timezone +07:00  hours mon-thu 07:30-16:00 ... } */
static int
kw_calendar(struct parse *ps)
{
	struct block	 b;

	/* What the block does not say stays as the default has it. */
	ps->r->cal.where = rules_lex_where(ps, &ps->kw);
	block_init(&b, "calendar", "calendar", cal_kw, nitems(cal_kw), 1);
	if (open_block(ps, &b, 1) == -1)
		return (-1);
	parse_block(ps, &b);
	return (0);
}

/* notice EVENT "WORDS" { from 'RE' ... template NAME expires N } */
static int
kw_notice(struct parse *ps)
{
	struct rules	*r = ps->r;
	struct notice	*n;
	struct block	 b;
	struct loc	 nloc;
	char		*name;
	size_t		 i;

	if ((name = rules_lex_get_tok(ps, &nloc, TK_WORD,
	    "a notice event")) == NULL)
		return (-1);
	for (i = 0; i < r->nnotices; i++) {
		if (strcmp(r->notices[i].event, name) == 0) {
			rules_lex_error(ps, &nloc, "duplicate notice \"%s\""
			    " (first at %s)", name, r->notices[i].where);
			break;
		}
	}
	r->notices = xreallocarray(r->notices, r->nnotices + 1,
	    sizeof *r->notices);
	n = &r->notices[r->nnotices++];
	memset(n, 0, sizeof *n);
	n->event = name;
	n->where = rules_lex_where(ps, &ps->kw);
	n->words = rules_lex_get_tok(ps, NULL, TK_STRING,
	    "the words for the applicant in double quotes");

	block_init(&b, "notice", name, notice_kw, nitems(notice_kw), 1);
	if (open_block(ps, &b, n->words != NULL) == -1)
		return (-1);
	ps->notice = n;
	parse_block(ps, &b);
	ps->notice = NULL;
	/* Anyone can write any subject: a notice is known by its sender. */
	if (!block_given(&b, "from"))
		rules_lex_error(ps, &nloc, "notice %s has no from pattern: name"
		    " the sender whose mail it is", name);
	if (!block_given(&b, "template"))
		rules_lex_error(ps, &nloc, "notice %s has no template", name);
	return (0);
}

/* sop NAME "TITLE" { ... step NAME "NUMBER" { ... } ... } */
static int
kw_sop(struct parse *ps)
{
	struct rules		*r = ps->r;
	const struct sop	*old;
	struct sop		*sop;
	struct block		 b;
	struct loc		 nloc;
	char			*name;

	ps->sop_seen = 1;
	if ((name = rules_lex_get_tok(ps, &nloc, TK_WORD,
	    "a sop name")) == NULL)
		return (-1);
	if ((old = rules_sop(r, name)) != NULL)
		rules_lex_error(ps, &nloc, "duplicate sop \"%s\" (first at %s)",
		    name, old->where);
	r->sops = xreallocarray(r->sops, r->nsops + 1, sizeof *r->sops);
	ps->info = xreallocarray(ps->info, r->nsops + 1, sizeof *ps->info);
	memset(&ps->info[r->nsops], 0, sizeof *ps->info);
	sop = &r->sops[r->nsops++];
	memset(sop, 0, sizeof *sop);
	sop->remind_pct = 100;
	sop->escalate_pct = 200;
	sop->name = name;
	sop->where = rules_lex_where(ps, &ps->kw);
	sop->title = rules_lex_get_tok(ps, NULL, TK_STRING,
	    "the sop's title in double quotes");

	block_init(&b, "sop", name, sop_kw, nitems(sop_kw), 1);
	if (open_block(ps, &b, sop->title != NULL) == -1)
		return (-1);
	ps->sop = r->nsops - 1;
	parse_block(ps, &b);
	if (!block_given(&b, "prefix"))
		rules_lex_error(ps, &nloc, "sop %s has no prefix", name);
	if (!block_given(&b, "applicants"))
		rules_lex_error(ps, &nloc, "sop %s has no applicants (any, or"
		    " domains)", name);
	if (!block_given(&b, "step"))
		rules_lex_error(ps, &nloc, "sop %s has no step", name);
	ps->sop = NONE;
	return (0);
}

/* step NAME "NUMBER" { ... } */
static int
kw_sop_step(struct parse *ps)
{
	struct sop	*sop = &ps->r->sops[ps->sop];
	struct sopinfo	*info = &ps->info[ps->sop];
	struct step	*st;
	struct block	 b;
	struct loc	 nloc;
	char		*name;
	size_t		 i;

	if ((name = rules_lex_get_tok(ps, &nloc, TK_WORD,
	    "a step name")) == NULL)
		return (-1);
	for (i = 0; i < rules_kw_ntargets; i++) {
		if (strcmp(name, rules_kw_targets[i].name) == 0)
			rules_lex_error(ps, &nloc, "\"%s\" is no step name: it"
			    " is a target (done, reject, applicant)", name);
	}
	if (rules_step(sop, name) != NULL)
		rules_lex_error(ps, &nloc, "duplicate step \"%s\" in sop %s"
		    " (first at %s)", name, sop->name,
		    rules_step(sop, name)->where);

	sop->steps = xreallocarray(sop->steps, sop->nsteps + 1,
	    sizeof *sop->steps);
	info->steps = xreallocarray(info->steps, info->nsteps + 1,
	    sizeof *info->steps);
	st = &sop->steps[sop->nsteps++];
	memset(st, 0, sizeof *st);
	memset(&info->steps[info->nsteps], 0, sizeof *info->steps);
	info->steps[info->nsteps++].loc = nloc;
	st->name = name;
	st->where = rules_lex_where(ps, &ps->kw);
	st->tmpl = xstrdup("disposisi");
	st->number = rules_lex_get_tok(ps, NULL, TK_STRING | TK_WORD,
	    "the step's number in the SOP in double quotes");
	if (st->number != NULL && *st->number == '\0')
		rules_lex_error(ps, &nloc, "step %s has an empty number", name);

	block_init(&b, "step", name, step_kw, nitems(step_kw), 2);
	if (open_block(ps, &b, st->number != NULL) == -1)
		return (-1);
	ps->step = sop->nsteps - 1;
	parse_block(ps, &b);
	if (!block_given(&b, "kind"))
		rules_lex_error(ps, &nloc, "step %s has no kind", name);
	if (!block_given(&b, "actor"))
		rules_lex_error(ps, &nloc, "step %s has no actor", name);
	if (!block_given(&b, "time"))
		rules_lex_error(ps, &nloc, "step %s has no time", name);
	if (!block_given(&b, "task"))
		rules_lex_error(ps, &nloc, "step %s has no task", name);
	ps->step = NONE;
	return (0);
}

/*
 * A file: the statements of a block of level 0.
 */

/* One file, read whole: its bytes count towards the version. */
void
rules_parse_file(struct parse *ps, const char *path, char *buf, size_t len)
{
	struct lexer	 lx, *saved = ps->lx;
	struct block	 b;

	ps->files = xreallocarray(ps->files, ps->nfiles + 1,
	    sizeof *ps->files);
	ps->files[ps->nfiles] = xstrdup(path);
	if (len > 0) {
		ps->bytes = xreallocarray(ps->bytes, ps->nbytes + len, 1);
		memcpy(ps->bytes + ps->nbytes, buf, len);
		ps->nbytes += len;
	}

	memset(&lx, 0, sizeof lx);
	lx.file = ps->nfiles++;
	lx.p = buf;
	lx.end = buf + len;
	lx.line = 1;
	lx.col = 1;
	ps->lx = &lx;
	rules_lex_next(ps);
	block_init(&b, "file", path, top_kw, nitems(top_kw), 0);
	parse_block(ps, &b);
	free(lx.tok.s);
	ps->lx = saved;
	free(buf);
}

/*
 * bsearch finds nothing in an unsorted table, silently: check them.
 * rules_load does, before it reads a file.
 */
void
rules_parse_tables_check(void)
{
	static const struct {
		const struct keyword	*kw;
		size_t			 n;
	} tabs[] = {
		{ top_kw, nitems(top_kw) },
		{ cal_kw, nitems(cal_kw) },
		{ doc_kw, nitems(doc_kw) },
		{ notice_kw, nitems(notice_kw) },
		{ sop_kw, nitems(sop_kw) },
		{ step_kw, nitems(step_kw) },
	};
	size_t	 i, j;

	for (i = 0; i < nitems(tabs); i++) {
		if (tabs[i].n > RULES_MAX_KEYWORDS)
			fatalx("%s: table %zu too long", __func__, i);
		for (j = 1; j < tabs[i].n; j++) {
			if (strcmp(tabs[i].kw[j - 1].name,
			    tabs[i].kw[j].name) >= 0)
				fatalx("%s: %s out of order", __func__,
				    tabs[i].kw[j].name);
		}
	}
}
