/* SPDX-License-Identifier: ISC */
/*
 * Step kind "quorum": N members of a group must each answer Y (SOP step
 * 7, the verification sheet signed by three verifiers). Every member
 * gets the mail with a token of their own; one T sends the case where
 * the step's "no" says. With "document", a Y must carry it unless a
 * member already sent it in this round.
 */

#include <string.h>

#include "disposisi.h"
#include "reply.h"

static int
step_quorum_need(const struct step *s)
{
	return (s->quorum > 0 ? s->quorum : (int)s->role->naddrs);
}

static int
step_quorum_check(const struct sop *sop, const struct step *s, char **cause)
{
	if (step_decision.check(sop, s, cause) == -1)
		return (-1);
	if (s->role->naddrs < 2) {
		xasprintf(cause, "step %s: a quorum needs a group, and %s is"
		    " one person", s->name, s->role->name);
		return (-1);
	}
	if (s->quorum < 0 || (size_t)s->quorum > s->role->naddrs) {
		xasprintf(cause, "step %s: quorum %d, but %s has %zu members",
		    s->name, s->quorum, s->role->name, s->role->naddrs);
		return (-1);
	}
	return (0);
}

static void
step_quorum_answer(struct decide *d, const struct step *s)
{
	int	 got;

	if (d->ev->verdict != REPLY_YES) {
		decide_decided(d, s);
		return;
	}
	if (decide_lacks_document(d, s))
		return;
	if (d->ev->ndocs > 0)
		decide_docs(d, s->document);
	got = (int)d->c->nyes + 1;
	if (got >= step_quorum_need(s)) {
		decide_decided(d, s);
		return;
	}
	decide_fx(d, FX_ANSWER, NULL);
	decide_fx(d, FX_SENDER, "tercatat");
	decide_note(d, s->where, "Y %d of %d at step %s", got,
	    step_quorum_need(s), s->name);
}

const struct step_kind step_quorum = {
	.name = "quorum",
	.check = step_quorum_check,
	.enter = decide_dispatch,
	.answer = step_quorum_answer
};
