/* SPDX-License-Identifier: ISC */
/*
 * The engine: one pure function from (SOP, case, event, now) to the
 * effects that follow, with no I/O, so that tables of cases test it
 * without a mail server and `disposisi explain` is a dry run of it.
 * workflow.c carries the effects out inside the message's transaction.
 *
 * A case is in one state (enum case_state) at one step, named, never by
 * position. What a step does when it is entered or answered depends on
 * its kind (step-*.c); moving between steps is decide_goto().
 */

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "disposisi.h"
#include "reply.h"

/* How deep skipped steps may chain before the rules are called circular. */
#define DECIDE_MAXHOPS	16

static const char *const case_states[] = {
	[CASE_WAIT_DOCS] = "menunggu-kelengkapan",
	[CASE_OPEN] = "proses",
	[CASE_RETURNED] = "dikembalikan",
	[CASE_DONE] = "selesai",
	[CASE_REJECTED] = "ditolak",
	[CASE_CANCELLED] = "dibatalkan"
};

const char *
case_state_name(enum case_state s)
{
	return (case_states[s]);
}

int
case_state_parse(const char *name, enum case_state *s)
{
	size_t	 i;

	for (i = 0; i < sizeof case_states / sizeof case_states[0]; i++) {
		if (strcmp(case_states[i], name) == 0) {
			*s = (enum case_state)i;
			return (0);
		}
	}
	return (-1);
}

int
case_state_closed(enum case_state s)
{
	return (s == CASE_DONE || s == CASE_REJECTED || s == CASE_CANCELLED);
}

static struct effect *
decide_add(struct decide *d, enum effect_type type)
{
	struct effect	*fx;

	if (d->nfx == DECIDE_MAXFX)
		fatalx("decide: more than %d effects", DECIDE_MAXFX);
	fx = &d->fx[d->nfx++];
	memset(fx, 0, sizeof *fx);
	fx->type = type;
	return (fx);
}

/* Adds an effect that needs only a template (mails) or nothing. */
void
decide_fx(struct decide *d, enum effect_type type, const char *tmpl)
{
	decide_add(d, type)->tmpl = tmpl;
}

/* Sets the one-sentence reason, once: the first decision made explains. */
void
decide_note(struct decide *d, const char *rule, const char *fmt, ...)
{
	va_list	 ap;

	if (d->note[0] != '\0')
		return;
	va_start(ap, fmt);
	vsnprintf(d->note, sizeof d->note, fmt, ap);
	va_end(ap);
	d->rule = rule;
}

static void
decide_state(struct decide *d, enum case_state s, const struct step *step)
{
	struct effect	*fx = decide_add(d, FX_ENTER);

	fx->state = s;
	fx->step = step;
}

static int
decide_has(const char *const *list, size_t n, const char *kind)
{
	size_t	 i;

	for (i = 0; i < n; i++) {
		if (list[i] != NULL && strcmp(list[i], kind) == 0)
			return (1);
	}
	return (0);
}

/* Does the case (with this mail's documents) hold a kind? */
static int
decide_holds(const struct decide *d, const char *kind)
{
	return ((d->c != NULL && decide_has(d->c->docs, d->c->ndocs, kind)) ||
	    decide_has(d->ev->docs, d->ev->ndocs, kind));
}

/*
 * What the case must hold before a step starts: the step's "needs" and,
 * for the first step, what the SOP requires of an application. Fills
 * d->missing; returns how many are missing.
 */
static size_t
decide_missing(struct decide *d, const struct step *s)
{
	const struct sop	*sop = d->sop;
	size_t			 i;

	d->nmissing = 0;
	for (i = 0; s == &sop->steps[0] && i < sop->nrequires; i++) {
		if (!decide_holds(d, sop->requires[i]) && d->nmissing <
		    sizeof d->missing / sizeof d->missing[0])
			d->missing[d->nmissing++] = sop->requires[i];
	}
	for (i = 0; i < s->nneeds; i++) {
		if (!decide_holds(d, s->needs[i]) &&
		    !decide_has(d->missing, d->nmissing, s->needs[i]) &&
		    d->nmissing < sizeof d->missing / sizeof d->missing[0])
			d->missing[d->nmissing++] = s->needs[i];
	}
	return (d->nmissing);
}

static int
decide_in_office(const struct decide *d, const char *addr)
{
	const char	*at;

	if (addr == NULL || d->sop->office_domain == NULL ||
	    (at = strrchr(addr, '@')) == NULL)
		return (0);
	return (strcasecmp(at + 1, d->sop->office_domain) == 0);
}

/* This notice's bit in used_on/used_prove (c->notices take 0..30). */
#define DECIDE_FRESH	(1u << 31)

/* The target of step s for a notice event, or NULL. */
static const struct target *
decide_on(const struct step *s, const char *event)
{
	size_t	 i;

	for (i = 0; s != NULL && i < s->non; i++) {
		if (strcmp(s->on[i].event, event) == 0)
			return (&s->on[i].to);
	}
	return (NULL);
}

static int
decide_proves(const struct step *s, const char *event)
{
	return (s != NULL && s->yes.kind != TARGET_NONE &&
	    decide_has((const char *const *)s->proved_by, s->nproved_by,
	    event));
}

/*
 * Does some step from "from" on - itself, or one its targets reach -
 * wait for the event ("on") or take it as proof ("proved-by")?
 */
static int
decide_expected(const struct sop *sop, const struct step *from,
    const char *event)
{
	const struct step	*queue[64], *s, *t;
	const struct target	*tg[2], *x;
	unsigned char		 seen[64] = { 0 };
	size_t			 head = 0, tail = 0, i, k;

	if (from == NULL || sop->nsteps > sizeof seen)
		return (0);
	queue[tail++] = from;
	seen[from - sop->steps] = 1;
	while (head < tail) {
		s = queue[head++];
		if (decide_on(s, event) != NULL || decide_proves(s, event))
			return (1);
		tg[0] = &s->yes;
		tg[1] = &s->no;
		for (k = 0; k < 2 + s->non; k++) {
			x = k < 2 ? tg[k] : &s->on[k - 2].to;
			if (x->kind != TARGET_STEP ||
			    (t = rules_step(sop, x->step)) == NULL)
				continue;
			i = (size_t)(t - sop->steps);
			if (!seen[i]) {
				seen[i] = 1;
				queue[tail++] = t;
			}
		}
	}
	return (0);
}

int
decide_notice_usable(const struct sop *sop, enum case_state state,
    const char *step, const struct notice *n)
{
	if (n->anytime)
		return (1);
	return (!case_state_closed(state) &&
	    decide_expected(sop, rules_step(sop, step), n->event));
}

/*
 * A notice that came before its step - recorded on the case, or the one
 * being handled - settles step s as it is entered: a step waiting for it
 * follows its "on" target, a step it proves done its "yes". Each notice
 * settles one waiting step and proves one step, so this ends.
 */
static int
decide_settle(struct decide *d, const struct step *s)
{
	const struct target	*to;
	const struct notice	*n;
	const char		*event;
	struct effect		*fx;
	size_t			 i, np = d->c != NULL ? d->c->nnotices : 0;
	unsigned		 bit;

	for (i = 0; i <= np; i++) {
		if (i < np && i < 31) {
			event = d->c->notices[i];
			bit = 1u << i;
		} else if (i == np && d->ev->type == EV_NOTICE) {
			event = d->ev->notice->event;
			bit = DECIDE_FRESH;
		} else
			continue;
		if (!(d->used_on & bit) && (to = decide_on(s, event)) !=
		    NULL) {
			d->used_on |= bit;
			fx = decide_add(d, FX_SETTLE);
			fx->step = s;
			fx->arg = event;
			fx->recorded = bit != DECIDE_FRESH;
			n = rules_notice(d->rules, event);
			if (fx->recorded && n != NULL && n->expires_months > 0)
				decide_add(d, FX_EXPIRES)->months =
				    n->expires_months;
			decide_note(d, to->where, "AMS notice %s, come before"
			    " its step, settles step %s", event, s->name);
			decide_goto(d, s, to);
			return (1);
		}
		if (!(d->used_prove & bit) && decide_proves(s, event)) {
			d->used_prove |= bit;
			fx = decide_add(d, FX_PROVED);
			fx->step = s;
			fx->arg = event;
			fx->tmpl = "tidak-perlu-dijawab";
			decide_note(d, s->where, "AMS notice %s proves step %s"
			    " done", event, s->name);
			decide_goto(d, s, &s->yes);
			return (1);
		}
	}
	return (0);
}

/* The case to state st at step "from", and the applicant's letter. */
static void
decide_leave(struct decide *d, const struct step *from, enum case_state st,
    const char *letter)
{
	decide_state(d, st, from);
	decide_fx(d, FX_APPLICANT, letter);
}

static void
decide_enter_hops(struct decide *d, const struct step *s, int hops)
{
	const char	*applicant = d->c != NULL ? d->c->applicant :
	    d->ev->from;

	if (hops > DECIDE_MAXHOPS)
		fatalx("decide: steps skip in a circle at %s", s->where);
	if (decide_missing(d, s) > 0) {
		decide_leave(d, s, CASE_WAIT_DOCS, "kelengkapan-kurang");
		decide_note(d, s->where, "step %s needs documents the case"
		    " lacks: the applicant is asked for them", s->name);
		return;
	}
	if (s->skip_in_office && decide_in_office(d, applicant) &&
	    s->yes.kind == TARGET_STEP) {
		decide_note(d, s->where, "step %s skipped: the applicant"
		    " already writes from the office domain", s->name);
		decide_enter_hops(d, rules_step(d->sop, s->yes.step),
		    hops + 1);
		return;
	}
	decide_state(d, CASE_OPEN, s);
	if (decide_settle(d, s))
		return;
	s->kind->enter(d, s);
}

/* The case enters step s: asks for documents, skips it, or starts it. */
void
decide_enter(struct decide *d, const struct step *s)
{
	decide_enter_hops(d, s, 0);
}

/* Follows a yes/no/on target from step "from". */
void
decide_goto(struct decide *d, const struct step *from,
    const struct target *t)
{
	switch (t->kind) {
	case TARGET_STEP:
		decide_enter(d, rules_step(d->sop, t->step));
		break;
	case TARGET_DONE:
		decide_leave(d, from, CASE_DONE, "selesai");
		break;
	case TARGET_REJECT:
		decide_leave(d, from, CASE_REJECTED, "ditolak");
		break;
	case TARGET_APPLICANT:
		decide_leave(d, from, CASE_RETURNED, "dikembalikan");
		break;
	case TARGET_NONE:
		fatalx("decide: step %s has no target", from->name);
	}
}

static void
decide_application(struct decide *d)
{
	const struct step	*first = &d->sop->steps[0];

	decide_docs(d, NULL);
	/* Complete: acknowledged; incomplete: the mail asking says both. */
	if (decide_missing(d, first) == 0)
		decide_fx(d, FX_APPLICANT, "tanda-terima");
	decide_note(d, d->sop->where, "new application: case opened at"
	    " step %s", first->name);
	decide_enter(d, first);
}

/* The applicant writes about the case, maybe with documents. */
static void
decide_applicant_mail(struct decide *d)
{
	const struct step	*s = rules_step(d->sop, d->c->step);

	if (d->ev->ndocs > 0 && !case_state_closed(d->c->state))
		decide_docs(d, NULL);
	switch (d->c->state) {
	case CASE_WAIT_DOCS:
		if (decide_missing(d, s) > 0) {
			decide_fx(d, FX_APPLICANT, "kelengkapan-kurang");
			decide_note(d, s->where, "the applicant wrote; still"
			    " missing %zu document(s)", d->nmissing);
			return;
		}
		decide_fx(d, FX_APPLICANT, "berkas-diterima");
		decide_enter(d, s);
		decide_note(d, s->where, "documents complete: the case goes"
		    " on at step %s", s->name);
		return;
	case CASE_RETURNED:
		decide_fx(d, FX_APPLICANT, "berkas-diterima");
		decide_enter(d, s);
		decide_note(d, s->where, "the applicant answered: the case"
		    " goes back to step %s", s->name);
		return;
	case CASE_OPEN:
		if (d->ev->ndocs > 0) {
			decide_fx(d, FX_APPLICANT, "berkas-diterima");
			decide_note(d, s->where, "documents added to the case"
			    " at step %s", s->name);
		} else
			decide_note(d, s->where, "mail from the applicant"
			    " recorded on the case");
		return;
	default:
		decide_note(d, s->where, "mail from the applicant about a"
		    " closed case: recorded");
		return;
	}
}

/* Is this answer for the step the case is at now? */
static int
decide_current(const struct decide *d)
{
	return (d->c->state == CASE_OPEN && !d->ev->answered &&
	    strcmp(d->c->step, d->ev->step) == 0 &&
	    d->c->round == d->ev->round);
}

static void
decide_answer(struct decide *d)
{
	const struct step	*s = rules_step(d->sop, d->ev->step);
	const char		*where = s != NULL ? s->where : d->sop->where;

	if (s == NULL || !decide_current(d)) {
		if (d->ev->may_ask)
			decide_fx(d, FX_SENDER, "sudah-diproses");
		decide_note(d, where, "answer to a step already decided");
		return;
	}
	if (s->kind->any_reply) {
		s->kind->answer(d, s);
		return;
	}
	if (d->ev->verdict == REPLY_UNCLEAR || (d->ev->verdict == REPLY_NO &&
	    d->ev->reason == NULL)) {
		if (d->ev->may_ask)
			decide_fx(d, FX_SENDER, d->ev->verdict == REPLY_NO ?
			    "alasan-diperlukan" : "tidak-dipahami");
		decide_note(d, where, d->ev->verdict == REPLY_NO ?
		    "T without a reason: asked for one" :
		    "answer not understood: asked again");
		return;
	}
	s->kind->answer(d, s);
}

/*
 * An AMS notice: it settles the step waiting for it, or proves the
 * step now open done (then may settle the next); one come before its
 * step is relayed at once (its links expire) and kept on the case.
 */
static void
decide_notice(struct decide *d)
{
	const struct notice	*n = d->ev->notice;
	const struct step	*s = rules_step(d->sop, d->c->step);
	const struct target	*to;

	if (s != NULL && d->c->state == CASE_OPEN &&
	    ((to = decide_on(s, n->event)) != NULL ||
	    decide_proves(s, n->event))) {
		decide_fx(d, FX_RELAY, n->tmpl);
		if (n->expires_months > 0)
			decide_add(d, FX_EXPIRES)->months = n->expires_months;
		if (to != NULL) {
			decide_note(d, to->where, "AMS notice %s at step %s:"
			    " relayed to the applicant", n->event, s->name);
			d->used_on |= DECIDE_FRESH;
			decide_goto(d, s, to);
			return;
		}
		decide_settle(d, s);
		/* Proof of an earlier step, not yet used by the next. */
		if (!(d->used_on & DECIDE_FRESH) && s->yes.kind ==
		    TARGET_STEP && decide_expected(d->sop, rules_step(d->sop,
		    s->yes.step), n->event))
			decide_fx(d, FX_RECORD, NULL);
		return;
	}
	if (n->anytime) {
		/* Revoked, renewal: the applicant's to know, whatever the step. */
		decide_fx(d, FX_RELAY, n->tmpl);
		decide_note(d, n->where, "AMS notice %s relayed to the"
		    " applicant; the case does not move", n->event);
		return;
	}
	if (decide_notice_usable(d->sop, d->c->state, d->c->step, n)) {
		decide_fx(d, FX_RELAY, n->tmpl);
		decide_fx(d, FX_RECORD, NULL);
		decide_note(d, n->where, "AMS notice %s before its step (the"
		    " case is at %s): relayed to the applicant and recorded",
		    n->event, d->c->step);
		return;
	}
	decide_fx(d, FX_ADMIN, "pemberitahuan-ams");
	decide_note(d, n->where, "AMS notice %s, but the case can use it"
	    " neither now nor later: sent to the admin", n->event);
}

void
decide(struct decide *d)
{
	d->nfx = 0;
	d->nmissing = 0;
	d->used_on = d->used_prove = 0;
	d->note[0] = '\0';
	d->rule = NULL;
	switch (d->ev->type) {
	case EV_APPLICATION:
		decide_application(d);
		break;
	case EV_APPLICANT_MAIL:
		decide_applicant_mail(d);
		break;
	case EV_ANSWER:
		decide_answer(d);
		break;
	case EV_NOTICE:
		decide_notice(d);
		break;
	}
}

/*
 * Does this mail carry a document of the kind? An official's only file,
 * named as they like, has been taken as the step's kind already
 * (handle-answer.c); several files of no kind are not guessed at.
 */
int
decide_mail_has(const struct decide *d, const char *kind)
{
	size_t	 i;

	for (i = 0; i < d->ev->ndocs; i++) {
		if (d->ev->docs[i] != NULL && strcmp(d->ev->docs[i], kind) == 0)
			return (1);
	}
	return (0);
}

/*
 * A Y at a step that needs a document, without it and with none sent in
 * this round: asked for precisely, nothing moves. Returns 1 if so.
 */
int
decide_lacks_document(struct decide *d, const struct step *s)
{
	if (s->document == NULL || decide_mail_has(d, s->document) ||
	    d->c->has_step_doc)
		return (0);
	if (d->ev->may_ask)
		decide_fx(d, FX_SENDER, "dokumen-diperlukan");
	decide_note(d, s->where, "Y at step %s without the %s it needs: asked"
	    " for it", s->name, s->document);
	return (1);
}

/* The mail's documents join the case; those of no kind as "kind". */
void
decide_docs(struct decide *d, const char *kind)
{
	decide_add(d, FX_DOCS)->arg = kind;
}

/*
 * A clear answer that settles the step: recorded, confirmed to the
 * sender, and the case follows the step's yes or no.
 */
void
decide_decided(struct decide *d, const struct step *s)
{
	int	 yes = d->ev->verdict == REPLY_YES;

	decide_fx(d, FX_ANSWER, NULL);
	decide_fx(d, FX_SENDER, "tercatat");
	if (yes && s->yes.kind == TARGET_STEP)
		decide_fx(d, FX_APPLICANT, "kemajuan");
	decide_note(d, yes ? s->yes.where : s->no.where, "%s at step %s",
	    yes ? "Y" : "T", s->name);
	decide_goto(d, s, yes ? &s->yes : &s->no);
}

/* Entering a step an official acts on: each actor gets its mail. */
void
decide_dispatch(struct decide *d, const struct step *s)
{
	decide_fx(d, FX_DISPATCH, s->tmpl);
	d->fx[d->nfx - 1].step = s;
}
