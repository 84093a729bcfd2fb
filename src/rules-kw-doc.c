/* SPDX-License-Identifier: ISC */
/*
 * The statements of a document block (what names a kind: its file name,
 * its content, its type and size) and of a notice block (how an AMS
 * notice is recognised, and what is done with it); see rules-kw.c.
 */

#include <sys/types.h>

#include <stdlib.h>
#include <string.h>

#include "disposisi.h"
#include "rules_p.h"

/* What the robot can tell apart by content (sniff.c). */
static const char *doc_types[] = {
	"pdf", "jpeg", "png", "gif", "tiff", "webp", "heic", "bmp"
};

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
	rv = rules_kw_pattern(ps, &re);
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
	if (rules_kw_size(s, &ps->doc->max_size) == -1) {
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
	return (rules_kw_pattern(ps, &ps->notice->from));
}

int
rules_kw_notice_to(struct parse *ps)
{
	return (rules_kw_pattern(ps, &ps->notice->to));
}

int
rules_kw_notice_subject(struct parse *ps)
{
	return (rules_kw_pattern(ps, &ps->notice->subject));
}

int
rules_kw_notice_body(struct parse *ps)
{
	return (rules_kw_pattern(ps, &ps->notice->body));
}

int
rules_kw_notice_template(struct parse *ps)
{
	return (rules_kw_template(ps, &ps->notice->tmpl));
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
	if (rules_kw_months(s, &ps->notice->expires_months) == -1) {
		rules_lex_error(ps, &loc, "bad duration \"%s\": expires takes"
		    " years and months (2y, 6mo, 1y6mo)", s);
		rv = -1;
	}
	free(s);
	return (rv == 0 ? rules_lex_end_stmt(ps) : -1);
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
