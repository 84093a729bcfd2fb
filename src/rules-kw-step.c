/* SPDX-License-Identifier: ISC */
/*
 * The statements of a step block: who acts, in what time, on what
 * documents, and where each answer or event leads; see rules-kw.c.
 */

#include <sys/types.h>

#include <stdlib.h>
#include <string.h>

#include "disposisi.h"
#include "rules_p.h"

#define RULES_MAX_QUORUM	1000

static struct step *
cur_step(struct parse *ps)
{
	return (&ps->r->sops[ps->sop].steps[ps->step]);
}

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
		rules_kw_ref(ps, REF_ROLE, st->actor, &loc);
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
	if (rules_kw_minutes(s, &cur_step(ps)->minutes) == -1) {
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

/* The SOP's own short name of the step, for the Head's report. */
int
rules_kw_step_activity(struct parse *ps)
{
	if ((cur_step(ps)->activity = rules_lex_get_tok(ps, NULL, TK_STRING,
	    "the activity in double quotes")) == NULL)
		return (-1);
	return (rules_lex_end_stmt(ps));
}

int
rules_kw_step_send(struct parse *ps)
{
	struct step	*st = cur_step(ps);

	return (rules_kw_docs(ps, &st->send, &st->nsend));
}

int
rules_kw_step_needs(struct parse *ps)
{
	struct step	*st = cur_step(ps);

	return (rules_kw_docs(ps, &st->needs, &st->nneeds));
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
	for (i = 0; i < rules_kw_ntargets; i++) {
		if (strcmp(s, rules_kw_targets[i].name) == 0) {
			to->kind = rules_kw_targets[i].kind;
			free(s);
			return (rules_lex_end_stmt(ps));
		}
	}
	to->kind = TARGET_STEP;
	to->step = s;
	rules_kw_ref(ps, REF_STEP, s, &loc);
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
	rules_kw_ref(ps, REF_EVENT, s, &loc);
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
		if (!rules_kw_digit(s[i]))
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
	rules_kw_ref(ps, REF_QUORUM, "quorum", &loc);
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
	rules_kw_ref(ps, REF_DOC, st->document, &loc);
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
	if (!rules_kw_domain_ok(s)) {
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
	rules_kw_ref(ps, REF_OFFICE, "applicant-in-office", &loc);
	return (rules_lex_end_stmt(ps));
}

int
rules_kw_step_template(struct parse *ps)
{
	return (rules_kw_template(ps, &cur_step(ps)->tmpl));
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
		rules_kw_ref(ps, REF_EVENT, words[i], &locs[i]);
		rules_lex_push_word(&st->proved_by, &st->nproved_by,
		    xstrdup(words[i]));
	}
	rules_lex_free_words(words, locs, n);
	return (rules_lex_end_stmt(ps));
}
