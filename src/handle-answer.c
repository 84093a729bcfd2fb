/* SPDX-License-Identifier: ISC */
/*
 * An official's answer: the dispatch it answers, by token or by the case
 * tag from the step's own official; from anyone else, quarantined and,
 * inside the office, told whose answer counts.
 */

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "disposisi.h"
#include "workflow_p.h"

/*
 * Tells someone in the office who answered another official's
 * disposition (forwarded to them, say) why nothing happened: only inside
 * the office domain, so a forged sender outside gets no mail, and
 * without the token, which is not theirs.
 */
static int
answer_not_yours(struct flow *f, char **cause)
{
	struct letter	 lt = { 0 };
	const struct role *r = rules_role_by_addr(f->ctx->rules,
	    f->dp->official);
	static const char *const told[] = { "bukan-pejabat" };
	const char	*at = strrchr(f->m->from_addr, '@');

	log_warnx("%s: answer from %s, but the dispatch is %s's: ignored",
	    f->c->ref, f->m->from_addr, f->dp->official);
	if (store_event(f->ctx->store, f->c->id, f->m->from_addr,
	    "wrong-sender", f->dp->official) == -1) {
		xasprintf(cause, "cannot record a wrong sender");
		return (-1);
	}
	flow_note(f, f->ctx->conf->imap_quarantine, "answer from %s, but the"
	    " dispatch belongs to %s", f->m->from_addr, f->dp->official);
	if (f->sop->office_domain == NULL || at == NULL ||
	    strcasecmp(at + 1, f->sop->office_domain) != 0 ||
	    flow_limited(f, told, 1, f->m->from_addr))
		return (0);
	lt.ctx = f->ctx;
	lt.c = f->c;
	lt.sop = f->sop;
	lt.m = f->m;
	lt.to_title = r ? r->title : NULL;
	lt.official = f->dp->official;
	lt.in_reply_to = f->m->message_id;
	return (letter_send(&lt, "bukan-pejabat", f->m->from_addr,
	    f->m->from_name, NULL, cause));
}

/*
 * A Y at a document step carrying exactly one file, of a type the step's
 * document allows and recognisably no other kind: that file is the
 * document the step asks for (the Head names the signed letter as they
 * like). The case's history says so (flow_docs writes the evidence).
 */
static void
answer_step_file(struct flow *f)
{
	const struct step	*s = rules_step(f->sop, f->dp->step);
	const struct doctype	*t;
	struct doc_class	*one = NULL;
	size_t			 i, n = 0;

	if (f->rd->reply.verdict != REPLY_YES || s == NULL ||
	    s->document == NULL || (t = rules_doctype(f->ctx->rules,
	    s->document)) == NULL)
		return;
	for (i = 0; i < f->rd->ndocs; i++) {
		if ((f->rd->docs[i].verdict == DOC_KIND ||
		    f->rd->docs[i].verdict == DOC_OTHER) &&
		    f->rd->docs[i].same_as == -1) {
			one = &f->rd->docs[i];
			n++;
		}
	}
	/* Of no kind: named by nothing, or by a tie the step's kind is in. */
	if (n == 1 && one->kind == NULL && one->overruled == NULL &&
	    (one->ambiguous[0] == NULL || strcmp(one->ambiguous[0],
	    t->name) == 0 || strcmp(one->ambiguous[1], t->name) == 0))
		(void)document_take_as(t, one, EVID_STEP);
}

int
handle_answer(struct flow *f, char **cause)
{
	struct reading	*rd = f->rd;
	struct event	 ev = { 0 };
	int64_t		 id;

	if (rd->keys_disagree) {
		flow_note(f, f->ctx->conf->imap_quarantine, "%s", rd->why);
		return (0);
	}
	if (rd->token != NULL) {
		f->dp = store_dispatch_by_token(f->ctx->store, rd->token);
		if (f->dp == NULL) {
			flow_note(f, f->ctx->conf->imap_quarantine, "answer"
			    " with an unknown token");
			return (0);
		}
		id = f->dp->case_id;
	} else
		id = store_case_find(f->ctx->store, rd->ref, NULL, 0);
	if (!flow_case(f, id))
		return (0);
	if (f->dp == NULL && (f->dp = store_dispatch_pending(f->ctx->store,
	    f->c->id, f->m->from_addr)) == NULL) {
		/* The official has nothing to answer here: just history. */
		if (store_event(f->ctx->store, f->c->id, f->m->from_addr,
		    "surat", f->m->subject) == -1) {
			xasprintf(cause, "cannot record mail on %s", f->c->ref);
			return (-1);
		}
		flow_note(f, NULL, "mail from %s about %s recorded: no step"
		    " of theirs waits", f->m->from_addr, f->c->ref);
		return (0);
	}
	if (!util_addr_eq(f->m->from_addr, f->dp->official))
		return (answer_not_yours(f, cause));
	ev.type = EV_ANSWER;
	ev.from = f->m->from_addr;
	ev.verdict = rd->reply.verdict;
	ev.reason = rd->reply.reason;
	ev.value = rd->reply.value;
	ev.step = f->dp->step;
	ev.round = f->dp->round;
	ev.answered = f->dp->answered;
	answer_step_file(f);
	flow_evdocs(f, &ev);
	if (ev.answered || f->c->state != CASE_OPEN ||
	    strcmp(f->c->step, ev.step) != 0 || f->c->round != ev.round)
		/* Told once per dispatch, not on every copy. */
		ev.may_ask = rd->reply.verdict != REPLY_UNCLEAR &&
		    store_outbox_token_count(f->ctx->store, f->c->id,
		    "sudah-diproses", f->dp->token) == 0;
	else if (!(ev.may_ask = flow_may_ask(f, f->m->from_addr)))
		log_warnx("%s: not answering %s again today", f->c->ref,
		    f->m->from_addr);
	return (flow_decide(f, &ev, cause));
}
