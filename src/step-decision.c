/* SPDX-License-Identifier: ISC */
/*
 * Step kind "decision": the actor answers Y or T. A group as actor gets
 * the mail each; the first clear answer decides (SOP steps 2-5, 9, 11).
 */

#include "disposisi.h"

static int
step_decision_check(const struct sop *sop, const struct step *s,
    char **cause)
{
	(void)sop;
	if (s->role == NULL) {
		xasprintf(cause, "step %s: a decision needs an actor who holds"
		    " a role", s->name);
		return (-1);
	}
	if (s->yes.kind == TARGET_NONE || s->no.kind == TARGET_NONE) {
		xasprintf(cause, "step %s: a decision needs both yes and no",
		    s->name);
		return (-1);
	}
	return (0);
}

const struct step_kind step_decision = {
	.name = "decision",
	.check = step_decision_check,
	.enter = decide_dispatch,
	.answer = decide_decided
};
