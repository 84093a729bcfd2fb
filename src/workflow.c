/* SPDX-License-Identifier: ISC */
/*
 * One message, inside the transaction that records it: classify_read()
 * says what it is, this file finds its case and dispatch in the store,
 * asks decide() what follows, and carries the effects out - every state
 * change through workflow_enter(), every write checked, so the effects
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

#define MAX_NAGS	3	/* questions to one sender, per case and day */
#define MAX_DOCS	20	/* files a case holds at most */

/* One message on its way through. */
struct flow {
	struct ctx		*ctx;
	const struct msg	*m;
	struct reading		*rd;
	int64_t			 inbound;
	struct decision		*d;

	const struct sop	*sop;
	struct case_row		*c;
	struct dispatch_row	*dp;	/* the dispatch answered */
	struct doc_row		*docs;	/* the case's documents */
	size_t			 ndocs;
	const char		*kinds[MAX_DOCS * 2];
	char			**yes;	/* quorum: Ys of this round */
	size_t			 nyes;
	const char		*evdocs[MAX_DOCS];	/* the mail's kinds */
	size_t			 nevdocs;
	const struct step	*next;	/* where the effects take the case */
	char			 expires[64];
};

static void
flow_free(struct flow *f)
{
	size_t	 i;

	store_case_free(f->c);
	store_dispatch_free(f->dp);
	store_documents_free(f->docs, f->ndocs);
	for (i = 0; i < f->nyes; i++)
		free(f->yes[i]);
	free(f->yes);
}

static void
flow_note(struct flow *f, const char *folder, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
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

/* Has rcpt had MAX_NAGS mails of these kinds about the case today? */
static int
flow_limited(struct flow *f, const char *const *kinds, size_t n,
    const char *rcpt)
{
	time_t	 since = clock_now() - 86400;
	size_t	 i;
	int	 sent = 0;

	for (i = 0; i < n; i++)
		sent += store_outbox_count(f->ctx->store, f->c ? f->c->id : 0,
		    kinds[i], rcpt, since);
	return (sent >= MAX_NAGS);
}

/* Every question to an official counts: an auto-responder may trip any. */
static int
flow_may_ask(struct flow *f, const char *rcpt)
{
	static const char *const asks[] = { "tidak-dipahami",
	    "alasan-diperlukan", "nilai-diperlukan", "dokumen-diperlukan",
	    "balas-disposisi" };

	return (!flow_limited(f, asks, sizeof asks / sizeof asks[0], rcpt));
}

/* Who said Y at the case's step in this round, read afresh. */
static int
flow_yes(struct flow *f)
{
	size_t	 i;

	for (i = 0; i < f->nyes; i++)
		free(f->yes[i]);
	free(f->yes);
	return (store_dispatch_yes(f->ctx->store, f->c->id, f->c->step,
	    f->c->round, &f->yes, &f->nyes));
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
static void
flow_evdocs(struct flow *f, struct event *ev)
{
	size_t	 i;

	f->nevdocs = 0;
	for (i = 0; i < f->rd->ndocs && f->nevdocs < MAX_DOCS; i++) {
		if (f->rd->docs[i].verdict == DOC_KIND ||
		    f->rd->docs[i].verdict == DOC_OTHER)
			f->evdocs[f->nevdocs++] = f->rd->docs[i].kind;
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
 * The one place a case changes state: compare-and-set on where the case
 * was, an event in its history, a log line. A compare-and-set that
 * changes nothing means the case moved under us: fail, roll back.
 */
static int
workflow_enter(struct flow *f, enum case_state to, const struct step *s,
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
	rv = store_event(f->ctx->store, c->id, f->m->from_addr, "state",
	    detail);
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

/* The documents of the case that a step sends to its actor. */
static size_t
flow_sent_docs(struct flow *f, const struct step *s, struct attachment *out,
    const struct attachment **list, size_t max)
{
	size_t	 i, j, n = 0;

	for (i = 0; i < f->ndocs && n < max; i++) {
		for (j = 0; f->docs[i].kind != NULL && j < s->nsend; j++) {
			if (strcmp(f->docs[i].kind, s->send[j]) == 0)
				break;
		}
		if (f->docs[i].kind == NULL || j == s->nsend)
			continue;
		out[n] = f->docs[i].a;
		list[n] = &f->docs[i].a;
		n++;
	}
	return (n);
}

/*
 * One official's disposition: a fresh token that binds the answer to
 * this case, step, round and person. For a Plt./Plh. the mail goes to the
 * delegate, on behalf of the holder, who gets a copy when the rules say.
 */
static int
flow_dispatch_one(struct flow *f, const struct step *s, struct letter *lt,
    const char *holder, const struct delegate *dg, const char *note,
    char **cause)
{
	struct ctx	*ctx = f->ctx;
	const char	*to = dg ? dg->addr : holder;
	char		 token[TOKEN_LEN + 1], nonce[17], *data;
	struct letter	 copy;

	crypto_random_hex(nonce, sizeof nonce);
	xasprintf(&data, "dispatch|%s|%s|%d|%s|%s", f->c->ref, s->name,
	    f->c->round, to, nonce);
	crypto_token(ctx->conf->hmac_secret, ctx->conf->hmac_secret_len,
	    data, token, sizeof token);
	free(data);
	lt->official = to;
	lt->to_title = dg ? dg->note : s->role->title;
	lt->behalf = dg ? s->role->title : NULL;
	lt->note = note;
	if (store_dispatch_add(ctx->store, f->c->id, s->name, f->c->round,
	    s->role->name, to, dg ? holder : NULL, token) == -1 ||
	    store_event(ctx->store, f->c->id, to, "disposisi", s->name) ==
	    -1) {
		xasprintf(cause, "cannot record the dispatch of %s", f->c->ref);
		return (-1);
	}
	if (letter_send(lt, s->tmpl, to, lt->to_title, token, cause) == -1)
		return (-1);
	log_info("%s: step %s (%s) sent to %s%s%s", f->c->ref, s->name,
	    s->number, to, dg ? " a.n. " : "", dg ? holder : "");
	if (dg == NULL || !dg->copy)
		return (0);
	/* The holder's copy: to read, without the token that answers. */
	copy = *lt;
	copy.to_title = dg->note;
	copy.official = to;
	copy.first_dispatch = 0;
	return (letter_send(&copy, "tembusan", holder, s->role->title, NULL,
	    cause));
}

/* The documents the step sends, attached unless too big for mail. */
static void
flow_dispatch_letter(struct flow *f, const struct step *s, struct letter *lt,
    struct attachment *att, const struct attachment **list, size_t max)
{
	size_t	 i, n, total = 0;

	n = flow_sent_docs(f, s, att, list, max);
	for (i = 0; i < n; i++)
		total += att[i].size;
	memset(lt, 0, sizeof *lt);
	lt->ctx = f->ctx;
	lt->c = f->c;
	lt->sop = f->sop;
	lt->step = s;
	lt->list = list;
	lt->nlist = n;
	lt->att = att;
	lt->natt = n;
	lt->first_dispatch = 1;
	lt->att_note = "Berkas terlampir pada surel ini.";
	/* Zimbra refuses 10 MB after base64: better listed than bounced. */
	if (total > f->ctx->conf->max_attachments) {
		lt->natt = 0;
		lt->att_note = "Berkas tidak dilampirkan karena ukurannya"
		    " melebihi batas surel; berkas tersimpan pada sistem"
		    " disposisi dan dapat diminta kepada admin.";
		log_info("%s: documents (%zu bytes) too big to attach for"
		    " step %s", f->c->ref, total, s->name);
	}
}

/*
 * The step's mail to some of its actors: to = NULL for every holder of
 * the role (or their Plt. today), else to that one person; note, if
 * any, says why the mail comes now.
 */
static int
flow_dispatch_to(struct flow *f, const struct step *s, const char *to,
    int standby, const char *note, char **cause)
{
	struct letter		 lt;
	struct attachment	 att[MAX_DOCS * 2];
	const struct attachment	*list[MAX_DOCS * 2];
	const struct delegate	*dg;
	size_t			 i;

	store_documents_free(f->docs, f->ndocs);
	f->docs = NULL;
	f->ndocs = 0;
	if (store_documents(f->ctx->store, f->c->id, &f->docs,
	    &f->ndocs) == -1) {
		xasprintf(cause, "cannot read the documents of %s", f->c->ref);
		return (-1);
	}
	flow_dispatch_letter(f, s, &lt, att, list, sizeof att /
	    sizeof att[0]);
	for (i = 0; i < s->role->naddrs; i++) {
		if (to != NULL && !util_addr_eq(to, s->role->addrs[i]))
			continue;
		dg = rules_delegate(f->ctx->rules, s->role,
		    cal_date(&f->ctx->rules->cal, clock_now()), standby);
		if (flow_dispatch_one(f, s, &lt, s->role->addrs[i], dg, note,
		    cause) == -1)
			return (-1);
	}
	return (0);
}

static int
flow_dispatch(struct flow *f, const struct step *s, char **cause)
{
	return (flow_dispatch_to(f, s, NULL, 0, NULL, cause));
}

/* The mail's documents join the case; unnamed ones as kind, if given. */
static int
flow_docs(struct flow *f, const char *kind, char **cause)
{
	const struct doc_class	*dc;
	size_t			 i;

	for (i = 0; i < f->rd->ndocs; i++) {
		dc = &f->rd->docs[i];
		if (dc->verdict != DOC_KIND && dc->verdict != DOC_OTHER)
			continue;
		if (store_document_add(f->ctx->store, f->c->id, dc->a,
		    dc->kind != NULL ? dc->kind : kind, f->c->step,
		    f->c->round) == -1) {
			xasprintf(cause, "cannot add a document to %s",
			    f->c->ref);
			return (-1);
		}
	}
	return (0);
}

/* A letter about the case with what every mail of this message shares. */
static void
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

static int
flow_mail(struct flow *f, const struct decide *d, const struct effect *fx,
    char **cause)
{
	struct ctx		*ctx = f->ctx;
	struct letter		 lt;
	const struct attachment	*list[MAX_DOCS];
	struct attachment	 orig;
	char			*answered = NULL;
	int			 rv;

	flow_letter(f, d, &lt, list);
	switch (fx->type) {
	case FX_APPLICANT:
		lt.in_reply_to = f->c->root_message_id;
		rv = letter_send(&lt, fx->tmpl, f->c->applicant,
		    f->c->applicant_name, NULL, cause);
		break;
	case FX_RELAY:
		/* The original goes along: its links are the applicant's. */
		memset(&orig, 0, sizeof orig);
		orig.filename = "pemberitahuan-bsre.eml";
		orig.content_type = "application/octet-stream";
		orig.path = f->m->path;
		lt.att = &orig;
		lt.natt = 1;
		lt.in_reply_to = f->c->root_message_id;
		rv = letter_send(&lt, fx->tmpl, f->c->applicant,
		    f->c->applicant_name, NULL, cause);
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
		rv = letter_send(&lt, fx->tmpl, ctx->conf->admin_address,
		    NULL, NULL, cause);
		break;
	}
	free(answered);
	return (rv);
}

/* The certificate's end: months after now, by the WIB calendar. */
static int
flow_expires(struct flow *f, int months, char **cause)
{
	time_t		 now = clock_now() + 7 * 3600, when;
	struct tm	 tm;

	gmtime_r(&now, &tm);
	tm.tm_mon += months;
	tm.tm_isdst = 0;
	when = timegm(&tm) - 7 * 3600;
	strftime(f->expires, sizeof f->expires, "%d-%m-%Y", &tm);
	if (store_case_expires(f->ctx->store, f->c->id, when) == -1) {
		xasprintf(cause, "cannot record the expiry of %s", f->c->ref);
		return (-1);
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
			if (workflow_enter(f, fx->state, fx->step,
			    f->rd->reply.reason, cause) == -1)
				return (-1);
			break;
		case FX_DISPATCH:
			if (flow_dispatch(f, fx->step, cause) == -1)
				return (-1);
			break;
		case FX_ANSWER:
			if (store_dispatch_answer(f->ctx->store, f->dp->id,
			    f->rd->reply.verdict == REPLY_YES ? "Y" : "T",
			    f->rd->reply.reason, f->inbound) != 1) {
				xasprintf(cause, "%s: the answer could not be"
				    " recorded once", f->c->ref);
				return (-1);
			}
			/* A Plt.'s decision is the holder's, a.n. */
			if (f->dp->on_behalf != NULL && store_event(
			    f->ctx->store, f->c->id, f->m->from_addr, "a.n.",
			    f->dp->on_behalf) == -1) {
				xasprintf(cause, "%s: cannot record a.n.",
				    f->c->ref);
				return (-1);
			}
			break;
		case FX_DOCS:
			if (flow_docs(f, fx->arg, cause) == -1)
				return (-1);
			break;
		case FX_VALUE:
			if (store_value_add(f->ctx->store, f->c->id,
			    fx->step->name, fx->arg) == -1 ||
			    (strcmp(fx->step->value_type, "email") == 0 &&
			    store_case_applicant(f->ctx->store, f->c->id,
			    fx->arg) == -1)) {
				xasprintf(cause, "%s: cannot record the value",
				    f->c->ref);
				return (-1);
			}
			if (strcmp(fx->step->value_type, "email") == 0) {
				free(f->c->applicant);
				f->c->applicant = xstrdup(fx->arg);
			}
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
		}
	}
	return (0);
}

/* Asks decide() and carries out the answer. */
static int
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

/* The case a mail names, and its SOP; 0 with a note when it has none. */
static int
flow_case(struct flow *f, int64_t id)
{
	if (id == 0 || (f->c = store_case_get(f->ctx->store, id)) == NULL) {
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

/* Does the word (case-insensitive, whole) occur in s? */
static int
workflow_word(const char *s, const char *w)
{
	size_t		 n = strlen(w);
	const char	*p;

	for (p = s; s != NULL && (p = strcasestr(p, w)) != NULL; p++) {
		if ((p == s || !isalnum((unsigned char)p[-1])) &&
		    !isalnum((unsigned char)p[n]))
			return (1);
	}
	return (0);
}

/*
 * A mail without documents is answered with what to attach only when it
 * reads like an application: from the office's own domain, or naming
 * the SOP (its prefix, or a long word of its title) in the subject.
 * Anything else from outside would make the robot a spam reflector.
 */
static int
workflow_asks_for(struct flow *f)
{
	const struct sop	*sop = f->rd->sop;
	const char		*at = strrchr(f->m->from_addr, '@'), *p, *e;
	char			 word[64];

	if (sop->office_domain != NULL && at != NULL &&
	    strcasecmp(at + 1, sop->office_domain) == 0)
		return (1);
	if (workflow_word(f->m->subject, sop->prefix))
		return (1);
	for (p = sop->title; *p != '\0'; p = e) {
		while (*p != '\0' && !isalpha((unsigned char)*p))
			p++;
		for (e = p; isalpha((unsigned char)*e); e++)
			;
		if (e - p >= 8 && (size_t)(e - p) < sizeof word) {
			memcpy(word, p, (size_t)(e - p));
			word[e - p] = '\0';
			if (workflow_word(f->m->subject, word))
				return (1);
		}
	}
	return (0);
}

/*
 * Opens a case of sop for the mail's sender and lets the engine take the
 * application; a renewal names the finished case it renews (then the
 * applicant writes from the address that case knows them by).
 */
static int
workflow_open(struct flow *f, const struct sop *sop, const struct case_row *old,
    char **cause)
{
	const struct msg	*m = f->m;
	struct event		 ev = { 0 };
	struct case_row		*c;

	flow_evdocs(f, &ev);
	c = store_case_open(f->ctx->store, sop->name, sop->prefix,
	    old ? old->applicant : m->from_addr, old ? old->applicant_name :
	    m->from_name, m->subject, m->message_id, sop->steps[0].name,
	    f->ctx->rules->version);
	if (c == NULL || store_event(f->ctx->store, c->id, m->from_addr,
	    "permohonan", f->ctx->rules->version) == -1 || (old != NULL &&
	    (store_case_renews(f->ctx->store, c->id, old->id) == -1 ||
	    store_event(f->ctx->store, old->id, m->from_addr, "pembaharuan",
	    c->ref) == -1))) {
		xasprintf(cause, "cannot open a case");
		store_case_free(c);
		return (-1);
	}
	store_case_free(f->c);
	f->c = c;
	f->sop = sop;
	free(f->d->case_ref);
	f->d->case_ref = xstrdup(c->ref);
	ev.type = EV_APPLICATION;
	ev.from = m->from_addr;
	return (flow_decide(f, &ev, cause));
}

static int
workflow_application(struct flow *f, char **cause)
{
	const struct msg	*m = f->m;
	struct event		 ev = { 0 };
	struct letter		 lt = { 0 };
	static const char *const told[] = { "lampiran-kurang" };
	size_t			 i, nkinds;

	flow_evdocs(f, &ev);
	for (i = nkinds = 0; i < f->nevdocs; i++)
		nkinds += f->evdocs[i] != NULL;
	if (nkinds == 0 && !workflow_asks_for(f)) {
		/*
		 * No document the rules know, from outside, not naming the
		 * SOP: spam, and answering it is backscatter.
		 */
		flow_note(f, f->ctx->conf->imap_quarantine, "mail from %s"
		    " with no document the rules know, not mentioning SOP"
		    " %s: not answered", m->from_addr, f->rd->sop->name);
		f->d->kind = "invalid";
		return (0);
	}
	if (f->nevdocs == 0) {
		/* No case without a document: say what is needed instead. */
		if (flow_limited(f, told, 1, m->from_addr)) {
			flow_note(f, NULL, "application without documents;"
			    " the sender was told %d times today", MAX_NAGS);
			return (0);
		}
		lt.ctx = f->ctx;
		lt.sop = f->rd->sop;
		lt.m = m;
		lt.in_reply_to = m->message_id;
		for (i = 0; i < f->rd->sop->nrequires && i < 16; i++)
			lt.missing[lt.nmissing++] = f->rd->sop->requires[i];
		flow_note(f, NULL, "application without documents: the"
		    " sender is told what to attach");
		return (letter_send(&lt, "lampiran-kurang", m->from_addr,
		    m->from_name, NULL, cause));
	}
	if (m->natt > MAX_DOCS) {
		/* No office sends fifty scans; a case like that helps nobody. */
		flow_note(f, f->ctx->conf->imap_quarantine, "application with"
		    " %zu attachments (at most %d): kept for the admin",
		    m->natt, MAX_DOCS);
		return (0);
	}
	f->sop = f->rd->sop;
	return (workflow_open(f, f->sop, NULL, cause));
}

/*
 * Tells someone in the office who answered another official's
 * disposition (forwarded to them, say) why nothing happened: only inside
 * the office domain, so a forged sender outside gets no mail, and
 * without the token, which is not theirs.
 */
static int
workflow_not_yours(struct flow *f, char **cause)
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

static int
workflow_reply(struct flow *f, char **cause)
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
		return (workflow_not_yours(f, cause));
	ev.type = EV_ANSWER;
	ev.from = f->m->from_addr;
	ev.verdict = rd->reply.verdict;
	ev.reason = rd->reply.reason;
	ev.value = rd->reply.value;
	ev.step = f->dp->step;
	ev.round = f->dp->round;
	ev.answered = f->dp->answered;
	flow_evdocs(f, &ev);
	if (ev.answered || f->c->state != CASE_OPEN ||
	    strcmp(f->c->step, ev.step) != 0 || f->c->round != ev.round)
		/* Told once per dispatch, not on every copy. */
		ev.may_ask = rd->reply.verdict != REPLY_UNCLEAR &&
		    store_outbox_token_count(f->ctx->store, "sudah-diproses",
		    f->dp->token) == 0;
	else if (!(ev.may_ask = flow_may_ask(f, f->m->from_addr)))
		log_warnx("%s: not answering %s again today", f->c->ref,
		    f->m->from_addr);
	return (flow_decide(f, &ev, cause));
}

/* The SOP that renews the certificates of the case's SOP, if any. */
static const struct sop *
workflow_renewal(struct flow *f)
{
	size_t	 i;

	for (i = 0; i < f->ctx->rules->nsops; i++) {
		if (f->ctx->rules->sops[i].renews == f->sop)
			return (&f->ctx->rules->sops[i]);
	}
	return (NULL);
}

/* Mail about a case from someone holding no role: the applicant, mostly. */
static int
workflow_followup(struct flow *f, char **cause)
{
	struct event		 ev = { 0 };
	const struct sop	*renewal;
	struct case_row		*old_case;
	int			 rv;

	if (!flow_case(f, store_case_find(f->ctx->store, f->rd->ref, NULL, 0)))
		return (0);
	if (store_event(f->ctx->store, f->c->id, f->m->from_addr,
	    "surat-susulan", f->m->subject) == -1) {
		xasprintf(cause, "cannot record mail on %s", f->c->ref);
		return (-1);
	}
	if (!util_addr_eq(f->m->from_addr, f->c->applicant) &&
	    !util_addr_eq(f->m->from_addr, f->c->applicant_first)) {
		flow_note(f, NULL, "mail from %s about %s recorded",
		    f->m->from_addr, f->c->ref);
		return (0);
	}
	if (f->c->state == CASE_DONE && (renewal = workflow_renewal(f)) !=
	    NULL) {
		/* Answering the expiry reminder, or writing about the case. */
		old_case = f->c;
		f->c = NULL;
		rv = workflow_open(f, renewal, old_case, cause);
		if (rv == 0)
			flow_note(f, NULL, "renewal of %s: case %s opened",
			    old_case->ref, f->c->ref);
		store_case_free(old_case);
		return (rv);
	}
	ev.type = EV_APPLICANT_MAIL;
	ev.from = f->m->from_addr;
	flow_evdocs(f, &ev);
	if (f->ndocs + f->nevdocs > MAX_DOCS) {
		flow_note(f, NULL, "more documents refused: the case would"
		    " hold over %d", MAX_DOCS);
		return (0);
	}
	return (flow_decide(f, &ev, cause));
}

/*
 * The case of an AMS notice: by the applicant's address in it, or in its
 * recipients, else by the name its pattern finds when exactly one open
 * case bears it. The NIK is never stored, so it finds nothing.
 */
static int64_t
workflow_notice_case(struct flow *f)
{
	const struct msg	*m = f->m;
	int64_t			 id = 0;
	size_t			 i;

	if (f->rd->keys.email != NULL)
		id = store_case_by_applicant(f->ctx->store, f->rd->keys.email);
	for (i = 0; id == 0 && i < m->nrcpts; i++) {
		if (!util_addr_eq(m->rcpts[i], f->ctx->conf->robot_address))
			id = store_case_by_applicant(f->ctx->store,
			    m->rcpts[i]);
	}
	if (id == 0 && f->rd->keys.name != NULL)
		id = store_case_by_name(f->ctx->store, f->rd->keys.name);
	return (id);
}

/*
 * An AMS notice moves the case waiting for it and is relayed to that
 * applicant only. Without such a case it is kept for the admin, who is
 * told what came but not its links: they are the applicant's.
 */
static int
workflow_notice(struct flow *f, char **cause)
{
	struct event	 ev = { 0 };
	struct letter	 lt = { 0 };
	int64_t		 id = workflow_notice_case(f);

	if (id == 0) {
		flow_note(f, f->ctx->conf->imap_quarantine, "AMS notice %s"
		    " (%s) matches no case: kept for the admin",
		    f->rd->notice->event, f->rd->keys.email ?
		    f->rd->keys.email : "no address in it");
		lt.ctx = f->ctx;
		lt.m = f->m;
		lt.notice = f->rd->notice;
		lt.reason = f->d->note;
		return (letter_send(&lt, "pemberitahuan-ams",
		    f->ctx->conf->admin_address, NULL, NULL, cause));
	}
	if (!flow_case(f, id))
		return (0);
	ev.type = EV_NOTICE;
	ev.from = f->m->from_addr;
	ev.notice = f->rd->notice;
	return (flow_decide(f, &ev, cause));
}

/*
 * An official's auto-reply to a disposition ("Sedang cuti", Zimbra's
 * vacation mail) is never a decision. It is written into the case, and
 * the step goes to the role's Plt./Plh. - dated, or on standby for
 * absences - with the away official's token closed; without one the
 * admin is told, once per case.
 */
static int
workflow_away(struct flow *f, char **cause)
{
	struct letter		 lt = { 0 };
	const struct step	*s;
	const struct role	*ro;
	const struct delegate	*dg = NULL;
	const char		*kind = "di-luar-kantor";
	int64_t			 id;

	if (f->rd->token != NULL) {
		f->dp = store_dispatch_by_token(f->ctx->store, f->rd->token);
		id = f->dp != NULL ? f->dp->case_id : 0;
	} else
		id = store_case_find(f->ctx->store, f->rd->ref, NULL, 0);
	if (id == 0 || (f->c = store_case_get(f->ctx->store, id)) == NULL)
		return (0);
	f->d->case_ref = xstrdup(f->c->ref);
	if ((f->sop = rules_sop(f->ctx->rules, f->c->sop)) == NULL)
		return (0);
	if (store_event(f->ctx->store, f->c->id, f->m->from_addr, kind,
	    f->m->subject) == -1) {
		xasprintf(cause, "cannot record mail on %s", f->c->ref);
		return (-1);
	}
	store_dispatch_free(f->dp);
	f->dp = store_dispatch_pending(f->ctx->store, f->c->id,
	    f->m->from_addr);
	if (f->dp == NULL || f->c->state != CASE_OPEN || strcmp(f->dp->step,
	    f->c->step) != 0 || f->dp->round != f->c->round ||
	    (s = rules_step(f->sop, f->c->step)) == NULL || s->role == NULL) {
		flow_note(f, NULL, "auto-reply from %s recorded on %s",
		    f->m->from_addr, f->c->ref);
		return (0);
	}
	ro = s->role;
	if (rules_role_has(ro, f->m->from_addr))
		dg = rules_delegate(f->ctx->rules, ro, cal_date(
		    &f->ctx->rules->cal, clock_now()), 1);
	if (dg != NULL && !util_addr_eq(dg->addr, f->m->from_addr)) {
		if (store_dispatch_answer(f->ctx->store, f->dp->id, "-",
		    "away: sent to the delegate", f->inbound) != 1) {
			xasprintf(cause, "%s: cannot close the dispatch",
			    f->c->ref);
			return (-1);
		}
		flow_note(f, NULL, "%s is away: step %s sent to %s (%s)",
		    f->m->from_addr, s->name, dg->addr, dg->note);
		return (flow_dispatch_to(f, s, f->m->from_addr, 1,
		    "Pejabat yang bersangkutan sedang tidak berada di kantor"
		    " (balasan otomatis), sehingga disposisi ini diteruskan"
		    " kepada Bapak/Ibu.", cause));
	}
	flow_note(f, NULL, "%s is away and no delegate is named for %s: the"
	    " admin is told", f->m->from_addr, ro->name);
	if (store_outbox_count(f->ctx->store, f->c->id, kind,
	    f->ctx->conf->admin_address, 0) > 0)
		return (0);
	lt.ctx = f->ctx;
	lt.c = f->c;
	lt.sop = f->sop;
	lt.step = s;
	lt.m = f->m;
	lt.official = f->m->from_addr;
	return (letter_send(&lt, kind, f->ctx->conf->admin_address, NULL,
	    NULL, cause));
}

/*
 * A bounce of the robot's mail: the VERP address it came back to
 * (robot+bounce-ID@) names the outbox row, hence the case and the
 * recipient. It is written into the case, and the admin is told once per
 * mail - never the bounce's sender. A bounce never moves a case.
 */
static int
workflow_bounce(struct flow *f, char **cause)
{
	struct letter	 lt = { 0 };
	struct outbox_row *o = NULL;
	int64_t		 id = 0;
	char		*detail, *ref = NULL;
	size_t		 i;
	int		 rv = 0;

	for (i = 0; id == 0 && i < f->m->nrcpts; i++)
		id = outbox_bounced(f->ctx->conf, f->m->rcpts[i]);
	if (id == 0 || (o = store_outbox_get(f->ctx->store, id)) == NULL) {
		flow_note(f, NULL, "a bounce that names no mail of the robot");
		return (0);
	}
	xasprintf(&detail, "mail %lld (%s) to %s", (long long)id, o->kind,
	    o->rcpt);
	if (o->case_id != 0 && (f->c = store_case_get(f->ctx->store,
	    o->case_id)) != NULL) {
		f->d->case_ref = xstrdup(f->c->ref);
		ref = f->c->ref;
	}
	flow_note(f, NULL, "bounce of %s", detail);
	log_warnx("%s: bounce of %s", ref ? ref : "-", detail);
	if (store_event_count(f->ctx->store, o->case_id, "surel-pantul",
	    detail) == 0) {
		if (store_event(f->ctx->store, o->case_id, f->m->from_addr,
		    "surel-pantul", detail) == -1) {
			xasprintf(cause, "cannot record a bounce");
			rv = -1;
		} else if (!util_addr_eq(o->rcpt,
		    f->ctx->conf->admin_address)) {
			/* Never a report about a report: no loop. */
			lt.ctx = f->ctx;
			lt.c = f->c;
			lt.ref = ref;
			lt.rcpt = o->rcpt;
			lt.message_id = o->message_id;
			lt.reason = f->m->subject;
			rv = letter_send(&lt, "surel-pantul",
			    f->ctx->conf->admin_address, NULL, NULL, cause);
		}
	}
	free(detail);
	store_outbox_rows_free(o, 1);
	return (rv);
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
	char		*unauth = NULL;
	int64_t		 first;
	int		 rv = 0;

	classify_read(ctx, m, &rd);
	f.ctx = ctx;
	f.m = m;
	f.rd = &rd;
	f.inbound = inbound;
	f.d = d;
	d->folder = ctx->conf->imap_processed;
	d->kind = classify_kind_name(&rd);
	flow_note(&f, NULL, "%s", rd.why);
	log_debug("message from %s <%s>: %s", m->from_addr,
	    m->message_id ? m->message_id : "", rd.why);
	if ((rd.kind == KIND_REPLY || rd.kind == KIND_FOLLOWUP ||
	    rd.kind == KIND_APPLICATION || rd.kind == KIND_NOTICE) &&
	    !auth_check(ctx->conf, m, &unauth)) {
		/* A forged From must neither open a case nor decide one. */
		log_warnx("message from %s: %s", m->from_addr, unauth);
		flow_note(&f, ctx->conf->imap_quarantine, "%s (%s)", unauth,
		    rd.why);
		d->kind = "invalid";
		free(unauth);
		goto out;
	}
	if ((rd.kind == KIND_REPLY || rd.kind == KIND_FOLLOWUP ||
	    rd.kind == KIND_APPLICATION || rd.kind == KIND_NOTICE) &&
	    (first = store_inbound_by_mid(ctx->store, m->message_id,
	    inbound)) != 0) {
		/* Acted on once already: a second route's copy, or a replay. */
		flow_note(&f, ctx->conf->imap_quarantine, "Message-ID <%s> was"
		    " handled before (message %lld) with other bytes: not"
		    " acted on again", m->message_id, (long long)first);
		d->kind = "invalid";
		goto out;
	}
	if (rd.dangerous != NULL) {
		/* Never forwarded; the sender may be forged: no answer. */
		log_warnx("message from %s carries %s: quarantined",
		    m->from_addr, rd.dangerous);
		flow_note(&f, ctx->conf->imap_quarantine, "carries %s: kept"
		    " for the admin, not forwarded", rd.dangerous);
		goto out;
	}
	switch (rd.kind) {
	case KIND_AUTOREPLY:
		rv = workflow_away(&f, cause);
		break;
	case KIND_BOUNCE:
		rv = workflow_bounce(&f, cause);
		break;
	case KIND_OWN:
	case KIND_LIST:
		break;
	case KIND_UNKNOWN:
		d->folder = ctx->conf->imap_quarantine;
		break;
	case KIND_NOTICE:
		rv = workflow_notice(&f, cause);
		break;
	case KIND_REPLY:
		if (rd.role == NULL && rd.token == NULL) {
			d->folder = ctx->conf->imap_quarantine;
			break;
		}
		rv = workflow_reply(&f, cause);
		break;
	case KIND_FOLLOWUP:
		rv = workflow_followup(&f, cause);
		break;
	case KIND_APPLICATION:
		rv = workflow_application(&f, cause);
		break;
	}
out:
	flow_free(&f);
	classify_clear(&rd);
	return (rv);
}

/* Is addr a delegate the rules name for the role? */
static int
workflow_is_delegate(const struct rules *r, const struct role *ro,
    const char *addr)
{
	size_t	 i;

	for (i = 0; i < r->ndelegates; i++) {
		if (r->delegates[i].role == ro &&
		    util_addr_eq(r->delegates[i].addr, addr))
			return (1);
	}
	return (0);
}

/* One waiting disposition whose official no longer holds the role. */
static int
workflow_reassign_one(struct ctx *ctx, const struct waiting_row *w,
    const struct step *s, const struct sop *sop, char **cause)
{
	struct flow	 f = { 0 };
	char		*note;
	size_t		 i;
	int		 rv = 0, n;

	f.ctx = ctx;
	f.sop = sop;
	if ((f.c = store_case_get(ctx->store, w->case_id)) == NULL ||
	    store_dispatch_answer(ctx->store, w->dispatch_id, "-",
	    "reassigned: no longer holds the role", 0) != 1 ||
	    store_event(ctx->store, w->case_id, w->official, "dialihkan",
	    s->role->name) == -1) {
		xasprintf(cause, "%s: cannot close %s's dispatch", w->ref,
		    w->official);
		flow_free(&f);
		return (-1);
	}
	xasprintf(&note, "Disposisi ini dialihkan kepada Bapak/Ibu karena"
	    " perubahan pejabat pada aturan (sebelumnya ditujukan kepada %s).",
	    w->official);
	/* Whoever holds the role now and has not had this step's mail. */
	for (i = 0; rv == 0 && i < s->role->naddrs; i++) {
		n = store_dispatch_count(ctx->store, w->case_id, w->step,
		    w->round, s->role->addrs[i]);
		if (n == -1)
			rv = -1;
		else if (n == 0)
			rv = flow_dispatch_to(&f, s, s->role->addrs[i], 0, note,
			    cause);
	}
	if (rv == 0)
		log_info("%s: %s no longer holds %s: step %s sent to its"
		    " holder now", w->ref, w->official, s->role->name, w->step);
	free(note);
	flow_free(&f);
	return (rv);
}

/*
 * After a reload: the dispositions waiting on someone the rules no
 * longer name for the step's role (nor as its delegate) go to who holds
 * the role now, with a note; the old token stops working. One
 * transaction, so a crash leaves all or nothing.
 */
int
workflow_reassign(struct ctx *ctx)
{
	struct waiting_row	*rows;
	const struct sop	*sop;
	const struct step	*s;
	char			*cause = NULL;
	size_t			 n, i;
	int			 rv = 0;

	if (store_begin(ctx->store) == -1)
		return (-1);
	if (store_waiting(ctx->store, &rows, &n) == -1) {
		store_rollback(ctx->store);
		return (-1);
	}
	for (i = 0; rv == 0 && i < n; i++) {
		if ((sop = rules_sop(ctx->rules, rows[i].sop)) == NULL ||
		    (s = rules_step(sop, rows[i].step)) == NULL ||
		    s->role == NULL || rules_role_has(s->role,
		    rows[i].official) || workflow_is_delegate(ctx->rules,
		    s->role, rows[i].official))
			continue;
		rv = workflow_reassign_one(ctx, &rows[i], s, sop, &cause);
	}
	store_waiting_free(rows, n);
	if (rv == -1 || store_commit(ctx->store) == -1) {
		log_warnx("reassigning after the reload failed: %s", cause ?
		    cause : "database error");
		free(cause);
		store_rollback(ctx->store);
		return (-1);
	}
	return (0);
}
