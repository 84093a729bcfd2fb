/* SPDX-License-Identifier: ISC */
/*
 * Step kind "notice": the case waits for a notice from BSrE's AMS (SOP
 * steps 10, 12-14). The step's "on EVENT TARGET" lines say where each
 * notice takes the case; the notice itself is relayed to the applicant,
 * whose links in it are personal. An official actor (row 13: a verifier
 * watches the enrolment in AMS) gets the step's mail and its reminders,
 * and a reply to it is answered (below); when the applicant acts, nobody
 * is mailed.
 */

#include "disposisi.h"
#include "reply.h"

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

/*
 * A reply to a notice step's mail (row 13: the verifier watching AMS)
 * decides nothing: BSrE decides, and its decision comes as AMS's own
 * notice. A T is not taken as the rejection: the SOP has the verifier
 * watch the enrolment in AMS, not decide it, and a T read from a mail
 * would stop a citizen's case on someone's reading of a screen while
 * AMS's enrolment-rejected, which says it with authority (and rejects
 * the case), is on its way. But a verifier who saw a rejection and says
 * why is news the admin needs (that notice may be lost or late): the
 * admin is told with the reason, and the verifier that this was done.
 * Any other reply (a Y, a T without a reason, words) is told that this
 * step waits for BSrE and asks nothing. Within the day's questions
 * (may_ask), so an auto-responder cannot start a loop.
 */
static void
step_notice_answer(struct decide *d, const struct step *s)
{
	if (!d->ev->may_ask) {
		decide_note(d, s->where, "reply to step %s, which waits for"
		    " AMS: not answered again today", s->name);
		return;
	}
	if (d->ev->verdict == REPLY_NO && d->ev->reason != NULL) {
		decide_fx(d, FX_ADMIN, "laporan-pemantauan");
		decide_fx(d, FX_SENDER, "pemantauan-dilaporkan");
		decide_note(d, s->where, "T at step %s, which waits for AMS:"
		    " the case does not move; the admin is told the reason",
		    s->name);
		return;
	}
	decide_fx(d, FX_SENDER, "pemantauan-dijawab");
	decide_note(d, s->where, "reply to step %s, which waits for AMS:"
	    " nothing changes; told no Y or T is needed", s->name);
}

const struct step_kind step_notice = {
	.name = "notice",
	.check = step_notice_check,
	.enter = step_notice_enter,
	.answer = step_notice_answer,
	.any_reply = 1
};
