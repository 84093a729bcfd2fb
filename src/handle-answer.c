/* SPDX-License-Identifier: ISC */
/*
 * An official's answer: the dispatch it answers, by token or by the case
 * tag from the step's own official; from anyone else, quarantined and,
 * inside the office, told whose answer counts. The tag alone proves
 * nothing (case numbers are sequential, From is free text): unless the
 * MTA vouched for the office domain (auth_gate), the answer is mailed
 * back to the official's own address under a fresh token (Mailman's
 * confirm), and only a Y to that mail carries it out.
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

	char		*why;
	int		 rv;

	xasprintf(&why, "answer from someone without the role: the"
	    " disposition is %s's", f->dp->official);
	rv = store_event(f->ctx->store, f->c->id, f->m->from_addr,
	    "jawaban-ditolak", why);
	free(why);
	if (rv == -1) {
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
 * A mail whose keys name two cases (two tags in the subject, a tag and
 * another case's token) is acted on for neither: either would be a guess
 * about a citizen's case. An official is asked to answer each
 * disposition on its own, naming the cases (MAX_NAGS a day at most); anyone
 * else, or a mail whose keys name no case (tokens only), gets no mail.
 */
static int
answer_two_cases(struct flow *f, char **cause)
{
	static const char *const told[] = { "rujukan-ganda" };
	struct letter	 lt = { 0 };

	flow_note(f, f->ctx->conf->imap_quarantine, "%s", f->rd->why);
	if (f->rd->role == NULL || f->rd->ref[0] == '\0' ||
	    flow_limited(f, told, 1, f->m->from_addr))
		return (0);
	lt.ctx = f->ctx;
	lt.m = f->m;
	lt.rd = f->rd;
	lt.ref = f->rd->ref;
	lt.to_title = f->rd->role->title;
	lt.in_reply_to = f->m->message_id;
	return (letter_send(&lt, "rujukan-ganda", f->m->from_addr,
	    f->m->from_name, NULL, cause));
}

/* Is the dispatch the case's current step and round, not yet answered? */
static int
answer_current(struct flow *f)
{
	return (!f->dp->answered && f->c->state == CASE_OPEN &&
	    strcmp(f->c->step, f->dp->step) == 0 &&
	    f->c->round == f->dp->round);
}

/*
 * Every question to an official counts: an auto-responder may trip any.
 * 1 may ask, 0 not today, -1 error.
 */
static int
answer_may_ask(struct flow *f, const char *rcpt)
{
	static const char *const asks[] = { "tidak-dipahami",
	    "alasan-diperlukan", "nilai-diperlukan", "dokumen-diperlukan",
	    "balas-disposisi", "pemantauan-dijawab",
	    "pemantauan-dilaporkan" };
	int			 limited;

	limited = flow_limited(f, asks, sizeof asks / sizeof asks[0], rcpt);
	return (limited == -1 ? -1 : !limited);
}

/* The answer's files wait with it (a document step's signed letter). */
static int
answer_keep_docs(struct flow *f, const char *token)
{
	const struct doc_class	*dc;
	size_t			 i;

	for (i = 0; i < f->rd->ndocs; i++) {
		dc = &f->rd->docs[i];
		if ((dc->verdict == DOC_KIND || dc->verdict == DOC_OTHER) &&
		    store_confirm_doc_add(f->ctx->store, token, dc->a,
		    dc->kind) == -1)
			return (-1);
	}
	return (0);
}

/*
 * An answer by the case tag alone: kept under a fresh token and mailed to
 * the official's own address (the rules', not the From) for a Y; a
 * forger's flood is bounded by the daily questions' limit.
 */
static int
answer_confirm(struct flow *f, char **cause)
{
	static const char *const asked[] = { "konfirmasi-jawaban" };
	struct ctx	*ctx = f->ctx;
	struct reading	*rd = f->rd;
	struct letter	 lt = { 0 };
	const char	*verdict = rd->reply.verdict == REPLY_YES ? "Y" : "T";
	const struct role *r = rules_role_by_addr(ctx->rules, f->dp->official);
	char		 token[TOKEN_LEN + 1], nonce[17], *data;

	if (flow_limited(f, asked, 1, f->dp->official)) {
		flow_note(f, ctx->conf->imap_quarantine, "an answer by the case"
		    " tag alone, not confirmed: %s was asked %d times today",
		    f->dp->official, MAX_NAGS);
		return (0);
	}
	crypto_random_hex(nonce, sizeof nonce);
	xasprintf(&data, "confirm|%s|%s|%d|%s|%s", f->c->ref, f->dp->step,
	    f->dp->round, f->dp->official, nonce);
	crypto_token(ctx->conf->hmac_secret, ctx->conf->hmac_secret_len,
	    data, token, sizeof token);
	free(data);
	if (store_confirm_add(ctx->store, token, f->dp->id, verdict,
	    rd->reply.reason, rd->reply.value, f->inbound) == -1 ||
	    answer_keep_docs(f, token) == -1 ||
	    store_event(ctx->store, f->c->id, f->m->from_addr,
	    "konfirmasi-diminta", verdict) == -1) {
		xasprintf(cause, "%s: cannot record a tag-only answer",
		    f->c->ref);
		return (-1);
	}
	lt.ctx = ctx;
	lt.c = f->c;
	lt.sop = f->sop;
	lt.step = rules_step(f->sop, f->dp->step);
	lt.m = f->m;
	lt.rd = rd;
	lt.to_title = r ? r->title : NULL;
	lt.official = f->dp->official;
	flow_note(f, NULL, "an answer (%s) by the case tag alone: confirmation"
	    " asked from %s's own mailbox", verdict, f->dp->official);
	return (letter_send(&lt, "konfirmasi-jawaban", f->dp->official,
	    lt.to_title, token, cause));
}

/*
 * The confirmed answer's files: the original's, kept with it (a rules
 * edit may have dropped a kind: then of no kind), then any the
 * confirmation itself carries. -1 when they cannot be read.
 */
static int
answer_kept_docs(struct flow *f, const char *token)
{
	struct reading		*rd = f->rd;
	struct doc_class	*dcs;
	const struct doctype	*t;
	size_t			 i, n = 0;

	if (store_confirm_docs(f->ctx->store, token, &f->kept,
	    &f->nkept) == -1)
		return (-1);
	if (f->nkept == 0)
		return (0);
	dcs = xcalloc(f->nkept + rd->ndocs, sizeof *dcs);
	for (i = 0; i < f->nkept; i++, n++) {
		t = f->kept[i].kind != NULL ? rules_doctype(f->ctx->rules,
		    f->kept[i].kind) : NULL;
		dcs[n].a = &f->kept[i].a;
		dcs[n].verdict = t != NULL ? DOC_KIND : DOC_OTHER;
		dcs[n].kind = t != NULL ? t->name : NULL;
	}
	for (i = 0; i < rd->ndocs; i++)
		dcs[n++] = rd->docs[i];
	free(rd->docs);
	rd->docs = dcs;
	rd->ndocs = n;
	return (0);
}

/*
 * The answer to a confirmation: a Y carries out the answer it confirms,
 * with its files, as if that had come with the token (1); anything else
 * leaves it undone (0); -1 with *cause when the database cannot be read.
 */
static int
answer_confirmed(struct flow *f, struct confirm_row *cf, char **cause)
{
	struct reading	*rd = f->rd;
	int		 yes = rd->reply.verdict == REPLY_YES, rc;

	if ((rc = store_dispatch_get(f->ctx->store, cf->dispatch_id,
	    &f->dp)) == -1)
		return (flow_db_error(f, cause));
	if (rc == 0 || (rc = flow_case(f, f->dp->case_id, cause)) != 1)
		return (rc);
	if (!yes) {
		flow_note(f, NULL, "the answer to a confirmation is no Y: the"
		    " answer by the case tag alone is not carried out");
		return (0);
	}
	reply_clear(&rd->reply);
	rd->reply.verdict = strcmp(cf->verdict, "Y") == 0 ? REPLY_YES :
	    REPLY_NO;
	rd->reply.reason = cf->reason ? xstrdup(cf->reason) : NULL;
	rd->reply.value = cf->value ? xstrdup(cf->value) : NULL;
	if (answer_kept_docs(f, rd->token) == -1)
		return (flow_db_error(f, cause));
	return (1);
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
	struct confirm_row *cf;
	int64_t		 id;
	int		 rv = 0;

	if (rd->keys_disagree)
		return (answer_two_cases(f, cause));
	/* A read that fails is -1: never "unknown token" or "no case". */
	if (rd->token != NULL && (rv = store_confirm_get(f->ctx->store,
	    rd->token, &cf)) == 1) {
		rv = answer_confirmed(f, cf, cause);
		store_confirm_free(cf);
		if (rv != 1)
			return (rv);
		id = f->dp->case_id;
	} else if (rd->token != NULL && rv == 0) {
		if ((rv = store_dispatch_by_token(f->ctx->store, rd->token,
		    &f->dp)) == 0) {
			flow_note(f, f->ctx->conf->imap_quarantine, "answer"
			    " with an unknown token");
			return (0);
		}
		id = rv == 1 ? f->dp->case_id : -1;
	} else
		id = rd->token != NULL ? -1 : store_case_find(f->ctx->store,
		    rd->ref, NULL, 0);
	if (id == -1)
		return (flow_db_error(f, cause));
	if (f->c == NULL && (rv = flow_case(f, id, cause)) != 1)
		return (rv);
	if (f->dp == NULL && store_dispatch_pending(f->ctx->store, f->c->id,
	    f->m->from_addr, &f->dp) == -1)
		return (flow_db_error(f, cause));
	if (f->dp == NULL) {
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
	if (f->confirm && answer_current(f) && (rd->reply.verdict ==
	    REPLY_YES || rd->reply.verdict == REPLY_NO))
		return (answer_confirm(f, cause));
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
	if (!answer_current(f))
		/* Told once per dispatch, not on every copy. */
		ev.may_ask = rd->reply.verdict != REPLY_UNCLEAR &&
		    store_outbox_token_count(f->ctx->store, f->c->id,
		    "sudah-diproses", f->dp->token) == 0;
	else if ((ev.may_ask = answer_may_ask(f, f->m->from_addr)) == -1)
		return (flow_db_error(f, cause));
	else if (!ev.may_ask)
		log_warnx("%s: not answering %s again today", f->c->ref,
		    f->m->from_addr);
	return (flow_decide(f, &ev, cause));
}
