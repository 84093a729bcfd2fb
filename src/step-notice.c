/* SPDX-License-Identifier: ISC */
/*
 * Step kind "notice": the case waits for a notice from BSrE's AMS (SOP
 * steps 10, 12-14). The step's "on EVENT TARGET" lines say where each
 * notice takes the case; the notice itself is relayed to the applicant,
 * whose links in it are personal. An official actor (row 13: a verifier
 * watches the enrolment in AMS) gets the step's mail and its reminders;
 * when the applicant acts, nobody is mailed.
 */

#include "disposisi.h"

static int
step_notice_check(const struct sop *sop, const struct step *s, char **cause)
{
	(void)sop;
	if (s->non == 0) {
		xasprintf(cause, "step %s: a notice step needs an \"on EVENT"
		    " TARGET\" line", s->name);
		return (-1);
	}
	if (s->yes.kind != TARGET_NONE || s->no.kind != TARGET_NONE) {
		xasprintf(cause, "step %s: nobody answers a notice step: use"
		    " \"on EVENT TARGET\", not yes/no", s->name);
		return (-1);
	}
	return (0);
}

static void
step_notice_enter(struct decide *d, const struct step *s)
{
	if (s->role != NULL)
		decide_dispatch(d, s);
	decide_note(d, s->where, "step %s waits for a notice from AMS%s",
	    s->name, s->role != NULL ? "; its actor watches AMS" : "");
}

/* A token from before a rules edit made this step a notice step. */
static void
step_notice_answer(struct decide *d, const struct step *s)
{
	decide_note(d, s->where, "answer to step %s, which now waits for a"
	    " notice: nothing changes", s->name);
}

const struct step_kind step_notice = {
	.name = "notice",
	.check = step_notice_check,
	.enter = step_notice_enter,
	.answer = step_notice_answer
};
