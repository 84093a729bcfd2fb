/* SPDX-License-Identifier: ISC */
/*
 * One message, inside the transaction that records it: classify_read()
 * says what it is, the handler for its kind (handle-*.c, in the table
 * below) finds its case and dispatch in the store, decide() says what
 * follows, and this file carries the effects out - every state
 * change through flow_enter(), every write checked, so the effects
 * of a message commit together or not at all (any -1 rolls back).
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

void
flow_free(struct flow *f)
{
	store_case_free(f->c);
	store_dispatch_free(f->dp);
	store_documents_free(f->docs, f->ndocs);
	store_documents_free(f->kept, f->nkept);
	xfreelist(f->yes, f->nyes);
	xfreelist(f->notices, f->nnotices);
	free(f->tell);
}

void
flow_note(struct flow *f, const char *folder, const char *fmt, ...)
{
	va_list	 ap;

	if (folder != NULL)
		f->d->folder = folder;
	free(f->d->note);
	va_start(ap, fmt);
	if (vasprintf(&f->d->note, fmt, ap) == -1)
		fatal("vasprintf");
	va_end(ap);
}

/*
 * Has rcpt had MAX_NAGS mails of these kinds about the case today? 1
 * yes, 0 no, -1 when the count cannot be read.
 */
int
flow_limited(struct flow *f, const char *const *kinds, size_t n,
    const char *rcpt)
{
	time_t	 since = clock_now() - 86400;
	size_t	 i;
	int	 sent = 0, k;

	for (i = 0; i < n; i++) {
		if ((k = store_outbox_count(f->ctx->store, f->c ? f->c->id : 0,
		    kinds[i], rcpt, since)) == -1)
			return (-1);
		sent += k;
	}
	return (sent >= MAX_NAGS);
}

/* Who said Y at the case's step in this round, read afresh. */
static int
flow_yes(struct flow *f)
{
	xfreelist(f->yes, f->nyes);
	return (store_dispatch_who(f->ctx->store, f->c->id, f->c->step,
	    f->c->round, "Y", &f->yes, &f->nyes));
}

/* The case as decide() sees it. */
static int
flow_view(struct flow *f, struct case_view *v)
{
	const struct step	*s = rules_step(f->sop, f->c->step);
	size_t			 i, n = 0;

	memset(v, 0, sizeof *v);
	store_documents_free(f->docs, f->ndocs);
	if (store_documents(f->ctx->store, f->c->id, &f->docs,
	    &f->ndocs) == -1)
		return (-1);
	for (i = 0; i < f->ndocs && n < sizeof f->kinds /
	    sizeof f->kinds[0]; i++) {
		if (f->docs[i].kind == NULL)
			continue;
		f->kinds[n++] = f->docs[i].kind;
		if (s != NULL && s->document != NULL && f->docs[i].step !=
		    NULL && strcmp(f->docs[i].kind, s->document) == 0 &&
		    strcmp(f->docs[i].step, s->name) == 0 &&
		    f->docs[i].round == f->c->round)
			v->has_step_doc = 1;
	}
	if (flow_yes(f) == -1)
		return (-1);
	xfreelist(f->notices, f->nnotices);
	if (store_notices_unused(f->ctx->store, f->c->id, &f->notices,
	    &f->nnotices) == -1)
		return (-1);
	v->notices = (const char **)f->notices;
	v->nnotices = f->nnotices;
	v->ref = f->c->ref;
	v->state = f->c->state;
	v->step = f->c->step;
	v->round = f->c->round;
	v->applicant = f->c->applicant;
	v->docs = f->kinds;
	v->ndocs = n;
	v->yes_from = (const char **)f->yes;
	v->nyes = f->nyes;
	return (0);
}

/* The document kinds of the mail, for the event: NULL = no kind. */
void
flow_evdocs(struct flow *f, struct event *ev)
{
	size_t	 i, j;

	f->nevdocs = 0;
	for (i = 0; i < f->rd->ndocs && f->nevdocs < MAX_DOCS; i++) {
		if (f->rd->docs[i].verdict == DOC_KIND ||
		    f->rd->docs[i].verdict == DOC_OTHER)
			f->evdocs[f->nevdocs++] = f->rd->docs[i].kind;
		for (j = 0; j < f->rd->docs[i].nmore && f->nevdocs < MAX_DOCS;
		    j++)
			f->evdocs[f->nevdocs++] = f->rd->docs[i].more[j];
	}
	ev->docs = f->evdocs;
	ev->ndocs = f->nevdocs;
}

/* The step the case leaves took this long, against its standard. */
static int
flow_step_time(struct flow *f, char **cause)
{
	const struct step	*s = rules_step(f->sop, f->c->step);
	long			 m;

	m = cal_office_minutes(&f->ctx->rules->cal, f->c->step_since,
	    clock_now());
	if (store_step_time(f->ctx->store, f->c->id, f->c->step, f->c->round,
	    f->c->step_since, m, s ? s->minutes : 0) == -1) {
		xasprintf(cause, "%s: cannot record the time of step %s",
		    f->c->ref, f->c->step);
		return (-1);
	}
	return (0);
}

/*
 * The step the case leaves closes its dispositions still waiting (a
 * group's other members, a notice step's watchers), verdict "-": no
 * reminder, no "waiting for" in status, and a later reply is late.
 */
static int
flow_close_left(struct flow *f, const char *where)
{
	char	*why;
	int	 rv;

	xasprintf(&why, "step left: %s", where);
	rv = store_dispatch_close_step(f->ctx->store, f->c->id, f->c->step,
	    f->c->round, why, NULL, NULL);
	free(why);
	return (rv);
}

/*
 * The one place a case changes state: compare-and-set on where the case
 * was, an event in its history, a log line. A compare-and-set that
 * changes nothing means the case moved under us: fail, roll back.
 */
int
flow_enter(struct flow *f, enum case_state to, const struct step *s,
    const char *reason, char **cause)
{
	struct case_row	*c = f->c;
	int		 round = to == CASE_OPEN ? c->round + 1 : c->round;
	char		*detail;
	int		 rv;

	if (c->state == CASE_OPEN && flow_step_time(f, cause) == -1)
		return (-1);
	rv = store_case_enter(f->ctx->store, c, to, s->name, round, reason);
	if (rv != 1) {
		xasprintf(cause, "%s: state change from %s at %s (round %d)"
		    " to %s at %s %s", c->ref, case_state_name(c->state),
		    c->step, c->round, case_state_name(to), s->name, rv == 0 ?
		    "changed nothing: the case moved meanwhile" :
		    "failed in the database");
		return (-1);
	}
	xasprintf(&detail, "%s at %s -> %s at %s (round %d)",
	    case_state_name(c->state), c->step, case_state_name(to), s->name,
	    round);
	if (c->state == CASE_OPEN && flow_close_left(f, detail) == -1) {
		xasprintf(cause, "%s: cannot close the dispatches of step %s",
		    c->ref, c->step);
		free(detail);
		return (-1);
	}
	rv = store_event(f->ctx->store, c->id, f->m != NULL ?
	    f->m->from_addr : "admin", "state", detail);
	log_info("%s: %s", c->ref, detail);
	free(detail);
	if (rv == -1) {
		xasprintf(cause, "%s: cannot record the state change", c->ref);
		return (-1);
	}
	c->state = to;
	free(c->step);
	c->step = xstrdup(s->name);
	c->round = round;
	c->step_since = clock_now();
	return (0);
}

/*
 * A NIK read from a KTP's text: only its HMAC under the robot's key goes
 * on the case, so that a notice naming a NIK can find it
 * (store_case_ids_by_nik_hmac); the NIK itself is wiped at once.
 */
static int
flow_nik(struct flow *f, const struct doc_class *dc)
{
	const struct conf	*cf = f->ctx->conf;
	char			 nik[17], mac[65];
	size_t			 i;
	int			 found = 0;

	/* Any kind the file holds: a bundle's KTP is one of its pages. */
	for (i = 0; dc->kind != NULL && i <= dc->nmore && !found; i++)
		found = document_nik(rules_doctype(f->ctx->rules, i == 0 ?
		    dc->kind : dc->more[i - 1]), dc->a, nik) == 0;
	if (!found || cf->hmac_secret == NULL)
		return (0);
	document_nik_hmac(cf->hmac_secret, cf->hmac_secret_len, nik, mac);
	explicit_bzero(nik, sizeof nik);
	return (store_case_nik_hmac(f->ctx->store, f->c->id, mac));
}

/*
 * The mail's documents join the case (a bundle once per kind it holds;
 * unnamed ones as kind, if given), the history says what each file was
 * taken for and by what evidence, and a KTP's NIK is kept as its keyed
 * hash only.
 */
static int
flow_docs(struct flow *f, const char *kind, char **cause)
{
	const struct doc_class	*dc;
	size_t			 i, j;
	char			*h;
	int			 rv = 0;

	for (i = 0; i < f->rd->ndocs && rv == 0; i++) {
		dc = &f->rd->docs[i];
		if (dc->verdict != DOC_KIND && dc->verdict != DOC_OTHER)
			continue;
		rv = store_document_add(f->ctx->store, f->c->id, dc->a,
		    dc->kind != NULL ? dc->kind : kind, f->c->step,
		    f->c->round);
		for (j = 0; j < dc->nmore && rv == 0; j++)
			rv = store_document_add(f->ctx->store, f->c->id, dc->a,
			    dc->more[j], f->c->step, f->c->round);
		if (rv == 0)
			rv = flow_nik(f, dc);
	}
	h = document_history(f->rd->docs, f->rd->ndocs);
	if (rv == 0 && *h != '\0')
		rv = store_event(f->ctx->store, f->c->id, f->m->from_addr,
		    "jenis-berkas", h);
	free(h);
	if (rv == -1)
		xasprintf(cause, "cannot add a document to %s", f->c->ref);
	return (rv);
}

/* A letter about the case with what every mail of this message shares. */
void
flow_letter(struct flow *f, const struct decide *d, struct letter *lt,
    const struct attachment **list)
{
	size_t	 i, n = 0;

	memset(lt, 0, sizeof *lt);
	lt->ctx = f->ctx;
	lt->c = f->c;
	lt->sop = f->sop;
	lt->step = f->c != NULL ? rules_step(f->sop, f->c->step) : NULL;
	lt->next = f->next;
	lt->m = f->m;
	lt->rd = f->rd;
	lt->reason = f->rd->reply.reason;
	lt->value = d->value[0] != '\0' ? d->value : NULL;
	lt->expires = f->expires[0] != '\0' ? f->expires : NULL;
	lt->notice = f->rd->notice;
	for (i = 0; i < d->nmissing; i++)
		lt->missing[i] = d->missing[i];
	lt->nmissing = d->nmissing;
	for (i = 0; i < f->rd->ndocs && n < MAX_DOCS; i++) {
		if (f->rd->docs[i].verdict == DOC_KIND ||
		    f->rd->docs[i].verdict == DOC_OTHER)
			list[n++] = f->rd->docs[i].a;
	}
	lt->list = list;
	lt->nlist = n;
	if (lt->step != NULL && lt->step->document != NULL) {
		const struct doctype *t = rules_doctype(f->ctx->rules,
		    lt->step->document);

		lt->doc_words = t ? t->words : lt->step->document;
	}
}

/*
 * Every file the case holds, with what each was taken for: the
 * applicant's mails list them so that nothing received is called
 * missing without saying what it was taken for.
 */
static int
flow_case_list(struct flow *f, struct letter *lt,
    const struct attachment **list, const char **kinds, char **cause)
{
	size_t	 i;

	if (dispatch_docs(f, cause) == -1)
		return (-1);
	for (i = 0; i < f->ndocs && i < MAX_DOCS * 2; i++) {
		list[i] = &f->docs[i].a;
		kinds[i] = f->docs[i].kind;
	}
	lt->list = list;
	lt->nlist = i;
	lt->list_kinds = kinds;
	return (0);
}

/* Who said Y at the step so far, for the quorum's confirmation. */
static char *
flow_answered(struct flow *f)
{
	char	*s = xstrdup(""), *t;
	size_t	 i;

	if (flow_yes(f) == -1)
		return (s);
	for (i = 0; i < f->nyes; i++) {
		xasprintf(&t, "%s%s%s", s, i ? ", " : "", f->yes[i]);
		free(s);
		s = t;
	}
	return (s);
}

/*
 * Where a notice is relayed: the case's applicant; for a personal one
 * (the passphrase link: set in person, never on someone's behalf) the
 * applicant's own mailbox - the address now on the case (the official
 * one from step 6, once made) or the one they applied from - never a
 * role's or a shared one. NULL: there is none.
 */
static const char *
flow_own_mailbox(struct flow *f)
{
	const struct rules	*r = f->ctx->rules;

	if (!f->rd->notice->personal || rules_personal(r, f->c->applicant))
		return (f->c->applicant);
	if (rules_personal(r, f->c->applicant_first))
		return (f->c->applicant_first);
	return (NULL);
}

/* A personal notice with no own mailbox to go to: the admin is told,
 * without its links. */
static int
flow_withheld(struct flow *f, struct letter *lt, char **cause)
{
	log_warnx("%s: AMS notice %s not relayed: %s is not the applicant's"
	    " own mailbox", f->c->ref, f->rd->notice->event, f->c->applicant);
	if (store_event(f->ctx->store, f->c->id, "AMS", "tautan-ditahan",
	    f->rd->notice->event) == -1) {
		xasprintf(cause, "%s: cannot record the withheld notice",
		    f->c->ref);
		return (-1);
	}
	lt->reason = "alamat surel pemohon pada perkara ini bukan kotak surat"
	    " pribadi pemohon (alamat jabatan atau kotak surat bersama)";
	return (letter_send(lt, "tautan-pribadi-ditahan",
	    f->ctx->conf->admin_address, NULL, NULL, cause));
}

static int
flow_mail(struct flow *f, const struct decide *d, const struct effect *fx,
    char **cause)
{
	struct ctx		*ctx = f->ctx;
	struct letter		 lt;
	const struct attachment	*list[MAX_DOCS * 2];
	const char		*kinds[MAX_DOCS * 2];
	struct attachment	 orig;
	const char		*rcpt;
	char			*answered = NULL;
	int			 rv;

	flow_letter(f, d, &lt, list);
	switch (fx->type) {
	case FX_APPLICANT:
		if (flow_case_list(f, &lt, list, kinds, cause) == -1)
			return (-1);
		lt.note = f->tell;
		lt.in_reply_to = f->c->root_message_id;
		rv = letter_send(&lt, fx->tmpl, f->c->applicant,
		    f->c->applicant_name, NULL, cause);
		break;
	case FX_RELAY:
		if ((rcpt = flow_own_mailbox(f)) == NULL) {
			rv = flow_withheld(f, &lt, cause);
			break;
		}
		/* The original goes along: its links are the applicant's. */
		memset(&orig, 0, sizeof orig);
		orig.filename = "pemberitahuan-bsre.eml";
		orig.content_type = "application/octet-stream";
		orig.path = f->m->path;
		lt.att = &orig;
		lt.natt = 1;
		lt.in_reply_to = f->c->root_message_id;
		rv = letter_send(&lt, fx->tmpl, rcpt, f->c->applicant_name,
		    NULL, cause);
		break;
	case FX_SENDER:
		lt.to_title = f->rd->role != NULL ? f->rd->role->title : NULL;
		lt.in_reply_to = f->m->message_id;
		lt.official = f->m->from_addr;
		lt.answered = answered = flow_answered(f);
		rv = letter_send(&lt, fx->tmpl, f->m->from_addr,
		    f->m->from_name, f->dp ? f->dp->token : NULL, cause);
		break;
	default:
		/* An official's report (row 13) names them. */
		lt.official = f->dp != NULL ? f->dp->official : NULL;
		rv = letter_send(&lt, fx->tmpl, ctx->conf->admin_address,
		    NULL, NULL, cause);
		break;
	}
	free(answered);
	return (rv);
}

/* The certificate's end: months after now, by the office's calendar. */
static int
flow_expires(struct flow *f, int months, char **cause)
{
	time_t		 when = clock_add_months(clock_now(), months);

	clock_format(when, CLOCK_DATE, f->expires, sizeof f->expires);
	if (store_case_expires(f->ctx->store, f->c->id, when) == -1) {
		xasprintf(cause, "cannot record the expiry of %s", f->c->ref);
		return (-1);
	}
	return (0);
}

/* The notice is kept on the case for the step that will wait for it. */
static int
flow_record(struct flow *f, char **cause)
{
	const char	*event = f->rd->notice->event;

	if (store_notice_add(f->ctx->store, f->c->id, event, f->inbound) ==
	    -1 || store_event(f->ctx->store, f->c->id, "AMS", "ams-tercatat",
	    event) == -1) {
		xasprintf(cause, "%s: cannot keep notice %s", f->c->ref, event);
		return (-1);
	}
	log_info("%s: AMS notice %s came before its step: kept", f->c->ref,
	    event);
	return (0);
}

/* A notice settles the step just entered; a kept one is used up. */
static int
flow_settle(struct flow *f, const struct effect *fx, char **cause)
{
	char	*detail;
	int64_t	 in = 0;
	int	 rv;

	if (fx->recorded && (in = store_notice_use(f->ctx->store, f->c->id,
	    fx->arg, fx->step->name)) == -1) {
		xasprintf(cause, "%s: no kept notice %s to settle step %s",
		    f->c->ref, fx->arg, fx->step->name);
		return (-1);
	}
	if (fx->recorded)
		xasprintf(&detail, "%s: %s, received earlier (message %lld)",
		    fx->step->name, fx->arg, (long long)in);
	else
		xasprintf(&detail, "%s: %s", fx->step->name, fx->arg);
	rv = store_event(f->ctx->store, f->c->id, "AMS", "ams-menyelesaikan",
	    detail);
	log_info("%s: AMS notice settles step %s", f->c->ref, detail);
	free(detail);
	if (rv == -1)
		xasprintf(cause, "%s: cannot record the settled step",
		    f->c->ref);
	return (rv);
}

/* Records the official's answer on the dispatch, exactly once. */
static int
flow_answer(struct flow *f, char **cause)
{
	if (store_dispatch_answer(f->ctx->store, f->dp->id,
	    f->rd->reply.verdict == REPLY_YES ? "Y" : "T",
	    f->rd->reply.reason, f->inbound) != 1) {
		xasprintf(cause, "%s: the answer could not be recorded once",
		    f->c->ref);
		return (-1);
	}
	/* A Plt.'s decision is the holder's, a.n. */
	if (f->dp->on_behalf != NULL && store_event(f->ctx->store, f->c->id,
	    f->m->from_addr, "a.n.", f->dp->on_behalf) == -1) {
		xasprintf(cause, "%s: cannot record a.n.", f->c->ref);
		return (-1);
	}
	return (0);
}

/* Records a value step's value; an e-mail value becomes the applicant. */
static int
flow_value(struct flow *f, const struct effect *fx, char **cause)
{
	int	 email = strcmp(fx->step->value_type, "email") == 0;

	if (store_value_add(f->ctx->store, f->c->id, fx->step->name,
	    fx->arg) == -1 || (email && store_case_applicant(f->ctx->store,
	    f->c->id, fx->arg) == -1)) {
		xasprintf(cause, "%s: cannot record the value", f->c->ref);
		return (-1);
	}
	if (email) {
		free(f->c->applicant);
		f->c->applicant = xstrdup(fx->arg);
	}
	return (0);
}

/* Carries out decide()'s effects, in order, each result checked. */
static int
flow_apply(struct flow *f, const struct decide *d, char **cause)
{
	const struct effect	*fx;
	size_t			 i;

	for (i = 0; i < d->nfx; i++) {
		if (d->fx[i].type == FX_ENTER)
			f->next = d->fx[i].step;
	}
	for (i = 0; i < d->nfx; i++) {
		fx = &d->fx[i];
		switch (fx->type) {
		case FX_ENTER:
			if (flow_enter(f, fx->state, fx->step,
			    f->rd->reply.reason, cause) == -1)
				return (-1);
			break;
		case FX_DISPATCH:
			if (dispatch_to(f, fx->step, NULL, 0, f->proved[0] ?
			    f->proved : NULL, cause) == -1)
				return (-1);
			f->proved[0] = '\0';
			break;
		case FX_ANSWER:
			if (flow_answer(f, cause) == -1)
				return (-1);
			break;
		case FX_DOCS:
			if (flow_docs(f, fx->arg, cause) == -1)
				return (-1);
			break;
		case FX_VALUE:
			if (flow_value(f, fx, cause) == -1)
				return (-1);
			break;
		case FX_EXPIRES:
			if (flow_expires(f, fx->months, cause) == -1)
				return (-1);
			break;
		case FX_APPLICANT:
		case FX_SENDER:
		case FX_RELAY:
		case FX_ADMIN:
			if (flow_mail(f, d, fx, cause) == -1)
				return (-1);
			break;
		case FX_RECORD:
			if (flow_record(f, cause) == -1)
				return (-1);
			break;
		case FX_SETTLE:
			if (flow_settle(f, fx, cause) == -1)
				return (-1);
			break;
		case FX_PROVED:
			if (dispatch_proved(f, d, fx, cause) == -1)
				return (-1);
			break;
		}
	}
	return (0);
}

/* Asks decide() and carries out the answer. */
int
flow_decide(struct flow *f, const struct event *ev, char **cause)
{
	struct decide	 d = { 0 };
	struct case_view v;

	if (flow_view(f, &v) == -1) {
		xasprintf(cause, "cannot read case %s", f->c->ref);
		return (-1);
	}
	d.rules = f->ctx->rules;
	d.sop = f->sop;
	d.c = &v;
	d.ev = ev;
	d.now = clock_now();
	decide(&d);
	if (flow_apply(f, &d, cause) == -1)
		return (-1);
	flow_note(f, NULL, "%s%s%s", d.note, d.rule ? " - " : "",
	    d.rule ? d.rule : "");
	return (0);
}

/* A read that failed: -1 with the database's words, to roll back. */
int
flow_db_error(struct flow *f, char **cause)
{
	*cause = store_error(f->ctx->store);
	return (-1);
}

/*
 * The case a mail names (id: 0 none, -1 its look-up failed), and its
 * SOP: 1, 0 with a note when it has none, -1 with *cause when the
 * database cannot be read.
 */
int
flow_case(struct flow *f, int64_t id, char **cause)
{
	int	 rc = id == -1 ? -1 : 0;

	if (id > 0)
		rc = store_case_get(f->ctx->store, id, &f->c);
	if (rc == -1)
		return (flow_db_error(f, cause));
	if (rc == 0) {
		flow_note(f, f->ctx->conf->imap_quarantine, "mentions a case"
		    " that does not exist");
		return (0);
	}
	f->d->case_ref = xstrdup(f->c->ref);
	if ((f->sop = rules_sop(f->ctx->rules, f->c->sop)) == NULL) {
		flow_note(f, f->ctx->conf->imap_quarantine, "case %s follows"
		    " SOP %s, which the rules no longer have", f->c->ref,
		    f->c->sop);
		return (0);
	}
	return (1);
}

/* What is done with each kind of mail; NULL: only recorded. */
static int (*const handlers[])(struct flow *, char **) = {
	[KIND_OWN] = NULL,
	[KIND_LIST] = NULL,
	[KIND_AUTOREPLY] = handle_away,
	[KIND_BOUNCE] = handle_bounce,
	[KIND_RECEIPT] = handle_receipt,
	[KIND_NOTICE] = handle_notice,
	[KIND_REPLY] = handle_answer,
	[KIND_FOLLOWUP] = handle_followup,
	[KIND_APPLICATION] = handle_application,
	[KIND_UNKNOWN] = NULL
};

/*
 * The case a mail names by token (a dispatch's or a confirmation's) or
 * tag: its id, 0 none, -1 error.
 */
static int64_t
flow_named_case(struct flow *f)
{
	struct dispatch_row	*dp = NULL;
	struct confirm_row	*cf = NULL;
	int64_t			 id;
	int			 rc;

	if (f->rd->token == NULL)
		return (f->rd->ref[0] == '\0' ? 0 : store_case_find(
		    f->ctx->store, f->rd->ref, NULL, 0));
	if ((rc = store_confirm_get(f->ctx->store, f->rd->token, &cf)) == 1)
		rc = store_dispatch_get(f->ctx->store, cf->dispatch_id, &dp);
	else if (rc == 0)
		rc = store_dispatch_by_token(f->ctx->store, f->rd->token, &dp);
	store_confirm_free(cf);
	if (rc != 1)
		return (rc);
	id = dp->case_id;
	store_dispatch_free(dp);
	return (id);
}

/*
 * Mail the robot refuses to act on - unauthenticated, spam, a program -
 * goes to Quarantine without an answer (the sender may be forged); when
 * it names a case, the case's history says so (the admin looks there),
 * and the one log line, intake's, carries the case.
 */
static int
flow_refuse(struct flow *f, const char *why, char **cause)
{
	struct case_row	*c;
	int64_t		 id;
	int		 rc = 0;

	flow_note(f, f->ctx->conf->imap_quarantine, "%s (%s)", why,
	    f->rd->why);
	f->d->kind = "invalid";
	if ((id = flow_named_case(f)) == -1 || (id > 0 && (rc =
	    store_case_get(f->ctx->store, id, &c)) == -1))
		return (flow_db_error(f, cause));
	if (id == 0 || rc == 0)
		return (0);
	f->d->case_ref = xstrdup(c->ref);
	store_case_free(c);
	if (store_event(f->ctx->store, id, f->m->from_addr, "ditolak-masuk",
	    why) == -1) {
		xasprintf(cause, "cannot record refused mail on %s",
		    f->d->case_ref);
		return (-1);
	}
	return (0);
}

/*
 * A mail that acts, whose Message-ID was acted on before with other
 * bytes (a second route's copy, or a replay): 1 (noted, not acted on
 * again), 0, or -1 with *cause when the database cannot say.
 */
static int
flow_replayed(struct flow *f, char **cause)
{
	enum msg_kind	 k = f->rd->kind;
	int64_t		 first;

	if (k != KIND_REPLY && k != KIND_FOLLOWUP && k != KIND_APPLICATION &&
	    k != KIND_NOTICE)
		return (0);
	if ((first = store_inbound_by_mid(f->ctx->store, f->m->message_id,
	    f->inbound)) == -1)
		return (flow_db_error(f, cause));
	if (first == 0)
		return (0);
	flow_note(f, f->ctx->conf->imap_quarantine, "Message-ID <%s> was"
	    " handled before (message %lld) with other bytes: not acted on"
	    " again", f->m->message_id, (long long)first);
	f->d->kind = "invalid";
	return (1);
}

/*
 * Handles one message inside the caller's transaction. Fills d (kind,
 * folder, note, case) and returns 0, or -1 with cause when the
 * transaction must be rolled back.
 */
int
workflow_handle(struct ctx *ctx, const struct msg *m, int64_t inbound,
    struct decision *d, char **cause)
{
	struct reading	 rd;
	struct flow	 f = { 0 };
	struct gate	 g;
	char		*why;
	int		 rv = 0;

	classify_read(ctx, m, &rd);
	auth_gate(ctx->conf, m, &rd, &g);
	f.ctx = ctx;
	f.m = m;
	f.rd = &rd;
	f.inbound = inbound;
	f.d = d;
	f.confirm = g.verdict == GATE_CONFIRM;
	d->folder = ctx->conf->imap_processed;
	d->kind = classify_kind_name(&rd);
	flow_note(&f, NULL, "%s", rd.why);
	log_debug("message from %s <%s>: %s", m->from_addr,
	    m->message_id ? m->message_id : "", rd.why);
	if (g.forged > 0 && g.verdict != GATE_REFUSE)
		log_warnx("message from %s: %zu forged Authentication-Results"
		    " claiming %s below the MTA's own: ignored", m->from_addr,
		    g.forged, ctx->conf->auth_serv_id);
	if (g.verdict == GATE_REFUSE || g.verdict == GATE_SPAM) {
		/* A forged From must neither open a case nor decide one. */
		if (g.forged > 0)
			xasprintf(&why, "%s; %zu forged Authentication-Results"
			    " claiming %s ignored", g.why, g.forged,
			    ctx->conf->auth_serv_id);
		else
			why = xstrdup(g.why);
		rv = flow_refuse(&f, why, cause);
		free(why);
		goto out;
	}
	if ((rv = flow_replayed(&f, cause)) != 0) {
		rv = rv == -1 ? -1 : 0;
		goto out;
	}
	if (rd.dangerous != NULL) {
		/* Never forwarded; the sender may be forged: no answer. */
		xasprintf(&why, "carries %s: kept for the admin, not"
		    " forwarded", rd.dangerous);
		rv = flow_refuse(&f, why, cause);
		free(why);
		goto out;
	}
	if ((rv = flood_check(&f, cause)) != 0) {
		rv = rv == -1 ? -1 : 0;		/* held for the admin */
		goto out;
	}
	if (handlers[rd.kind] == NULL) {
		if (rd.kind == KIND_UNKNOWN)
			d->folder = ctx->conf->imap_quarantine;
	} else if (rd.kind == KIND_REPLY && rd.role == NULL &&
	    rd.token == NULL)
		d->folder = ctx->conf->imap_quarantine;
	else
		rv = handlers[rd.kind](&f, cause);
out:
	/* A read that failed unchecked must not leave its verdict behind. */
	if (rv == 0 && store_failed(ctx->store)) {
		*cause = store_error(ctx->store);
		rv = -1;
	}
	free(g.why);
	flow_free(&f);
	classify_clear(&rd);
	return (rv);
}
