/* SPDX-License-Identifier: ISC */
/*
 * The case state machine. workflow_handle() runs inside the transaction
 * that records the inbound message: it reads what classify() and reply.c
 * made of the message, changes the case, and queues every mail that
 * follows. Nothing here talks to a server.
 *
 *	application ──▶ proses (step 0) ──Y──▶ proses (step k+1) ...
 *	                      │                      └─Y at last step──▶ disposisi-selesai
 *	                      └─T <reason>──▶ ditolak
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "disposisi.h"
#include "reply.h"

#define MAX_NAGS	3	/* questions per case (or sender) and day */
#define MAX_DOCS	20	/* attachments an application may carry */

static const char *const tmpl_missing = "lampiran-kurang";
static const char *const tmpl_not_yours = "bukan-pejabat";

/* Variables every template may use, plus up to 16 of its own. */
struct vars {
	struct tvar	 v[32];
	size_t		 n;
	char		*owned[16];
	size_t		 nowned;
};

static int	workflow_applicant(struct ctx *, const struct case_row *,
		    const char *, struct vars *, char **);
static int	workflow_limited(struct ctx *, const struct case_row *,
		    const char *const *, size_t, const char *);

static void
vars_add(struct vars *vs, const char *name, const char *value)
{
	if (vs->n == sizeof vs->v / sizeof vs->v[0])
		fatalx("too many template variables");
	vs->v[vs->n].name = name;
	vs->v[vs->n++].value = value;
}

/* Adds a variable whose value vars_free() frees. */
static void
vars_own(struct vars *vs, const char *name, char *value)
{
	if (vs->nowned == sizeof vs->owned / sizeof vs->owned[0])
		fatalx("too many owned template variables");
	vs->owned[vs->nowned++] = value;
	vars_add(vs, name, value);
}

static void
vars_free(struct vars *vs)
{
	size_t	 i;

	for (i = 0; i < vs->nowned; i++)
		free(vs->owned[i]);
}

static void
vars_case(struct vars *vs, const struct ctx *ctx, const struct case_row *c)
{
	char	 now[64];

	util_time_wib(time(NULL), now, sizeof now);
	vars_add(vs, "ref", c->ref);
	vars_add(vs, "pemohon", c->applicant_name ? c->applicant_name :
	    c->applicant);
	vars_add(vs, "email_pemohon", c->applicant);
	vars_add(vs, "perihal", c->subject ? c->subject : "(tanpa perihal)");
	vars_own(vs, "tanggal", xstrdup(now));
	vars_add(vs, "robot", ctx->conf->robot_address);
}

/* Renders a template and queues it to one recipient. */
static int
workflow_mail(struct ctx *ctx, const struct case_row *c, const char *tmpl,
    struct vars *vs, struct mail_out *mo, char **cause)
{
	char	*subject, *body;
	int	 rv;

	if (template_render(ctx->conf->templates_dir, tmpl, vs->v, vs->n,
	    &subject, &body, cause) == -1)
		return (-1);
	mo->subject = subject;
	mo->text = body;
	rv = outbox_enqueue(ctx, c ? c->id : 0, tmpl, mo, cause);
	free(subject);
	free(body);
	return (rv);
}

static char *
workflow_doclist(const struct attachment *a, size_t n)
{
	char	*s = xstrdup(""), *t;
	size_t	 i;

	for (i = 0; i < n; i++) {
		xasprintf(&t, "%s%zu. %s (%zu KB)\n", s, i + 1, a[i].filename,
		    (a[i].size + 1023) / 1024);
		free(s);
		s = t;
	}
	if (n == 0) {
		free(s);
		s = xstrdup("(tidak ada lampiran)\n");
	}
	return (s);
}

/* A mailto: link that answers the disposition with a prefilled body. */
static char *
workflow_mailto(const char *addr, const char *ref, const char *token,
    const char *body)
{
	char	*s;

	/* A new mail has no In-Reply-To: the token rides in the subject. */
	xasprintf(&s, "mailto:%s?subject=Re%%3A%%20%%5B%s%%5D%%20Disposisi"
	    "%%20%%23%s&body=%s", addr, ref, token, body);
	return (s);
}

/*
 * The reply address and a Message-ID for mail about dispatch token: both
 * carry the token last, so classify_token() finds it in either. tag
 * makes the Message-ID unique for each further mail on the same token.
 */
static void
workflow_addrs(const struct ctx *ctx, const char *caseref, const char *token,
    const char *tag, char **reply_to, char **mid)
{
	const char	*robot = ctx->conf->robot_address;
	char		*ref = util_lower(caseref);
	char		 rnd[13];

	if (ctx->conf->reply_plus_address)
		xasprintf(reply_to, "%.*s+%s.%s@%s", (int)(strchr(robot, '@') -
		    robot), robot, ref, token, conf_domain(ctx->conf));
	else
		*reply_to = xstrdup(robot);
	if (tag == NULL)
		xasprintf(mid, "%s.%s@%s", ref, token, conf_domain(ctx->conf));
	else {
		crypto_random_hex(rnd, sizeof rnd);
		xasprintf(mid, "%s.%s-%s.%s@%s", ref, tag, rnd, token,
		    conf_domain(ctx->conf));
	}
	free(ref);
}

/*
 * Sends step k's disposition: a fresh token binds the answer to this case,
 * step and official; it rides in Reply-To and in the Message-ID, so a
 * reply finds its way back whichever of the two the client keeps.
 */
static int
workflow_dispatch(struct ctx *ctx, const struct case_row *c, int k,
    char **cause)
{
	const struct step	*s = &ctx->rules->steps[k];
	const struct official	*o = rules_official(ctx->rules, s->role);
	struct attachment	*docs;
	size_t			 ndocs;
	struct vars		 vs = { 0 };
	struct mail_out		 mo = { 0 };
	char			 token[TOKEN_LEN + 1], nonce[17], mins[16];
	char			*data, *reply_to, *mid;
	size_t			 i, total = 0;
	int			 rv = -1;

	crypto_random_hex(nonce, sizeof nonce);
	xasprintf(&data, "dispatch|%s|%d|%s|%s", c->ref, k, o->address, nonce);
	crypto_token(ctx->conf->hmac_secret, ctx->conf->hmac_secret_len, data,
	    token, sizeof token);
	free(data);
	workflow_addrs(ctx, c->ref, token, NULL, &reply_to, &mid);
	if (store_dispatch_add(ctx->store, c->id, k, s->role, o->address,
	    token, mid) == -1) {
		xasprintf(cause, "cannot record dispatch");
		goto out;
	}
	store_documents(ctx->store, c->id, &docs, &ndocs);
	snprintf(mins, sizeof mins, "%d", s->minutes);
	vars_case(&vs, ctx, c);
	vars_add(&vs, "pejabat", o->title);
	vars_add(&vs, "langkah", s->id);
	vars_add(&vs, "tugas", s->task);
	vars_add(&vs, "waktu_baku", mins);
	vars_add(&vs, "alamat_balas", reply_to);
	vars_own(&vs, "lampiran", workflow_doclist(docs, ndocs));
	vars_own(&vs, "tautan_y", workflow_mailto(reply_to, c->ref, token,
	    "Y"));
	vars_own(&vs, "tautan_t", workflow_mailto(reply_to, c->ref, token,
	    "T%20alasan%3A%20"));
	mo.to_addr = o->address;
	mo.to_name = o->title;
	mo.reply_to = reply_to;
	mo.message_id = mid;
	mo.att = docs;
	mo.natt = ndocs;
	/*
	 * Mail servers refuse big mail (Zimbra: 10 MB by default, after
	 * base64): better a disposition without scans than none at all.
	 */
	for (i = 0; i < ndocs; i++)
		total += docs[i].size;
	if (total > ctx->conf->max_attachments) {
		mo.natt = 0;
		vars_add(&vs, "catatan_lampiran", "Berkas tidak dilampirkan"
		    " karena ukurannya melebihi batas surel; berkas tersimpan"
		    " pada sistem disposisi dan dapat diminta kepada admin.");
		log_info("%s: documents (%zu bytes) too big to attach for %s",
		    c->ref, total, o->address);
	} else
		vars_add(&vs, "catatan_lampiran", "Berkas terlampir pada surel"
		    " ini.");
	rv = workflow_mail(ctx, c, "disposisi", &vs, &mo, cause);
	store_documents_free(docs, ndocs);
	vars_free(&vs);
	if (rv == 0) {
		store_case_set(ctx->store, c->id, c->state, k, "proses", NULL);
		store_event(ctx->store, c->id, o->address, "disposisi",
		    s->id);
		log_info("%s: step %s sent to %s <%s>", c->ref, s->id, s->role,
		    o->address);
	}
out:
	free(reply_to);
	free(mid);
	return (rv);
}

static int
workflow_application(struct ctx *ctx, const struct msg *m, int64_t inbound,
    struct decision *d, char **cause)
{
	struct case_row	*c;
	struct vars	 vs = { 0 };
	struct mail_out	 mo = { 0 };
	struct attachment *docs;
	enum att_kind	 kind;
	const char	*why;
	size_t		 i, ndocs = 0, nstored;
	int		 rv;

	mo.to_addr = m->from_addr;
	mo.to_name = m->from_name;
	mo.in_reply_to = m->message_id;
	for (i = 0; i < m->natt; i++) {
		kind = classify_attachment(&m->att[i], &why);
		if (kind == ATT_DANGEROUS) {
			/* Never forward it; the sender may be forged: no answer. */
			d->folder = ctx->conf->imap_quarantine;
			xasprintf(&d->note, "application carries %s (%s): kept for"
			    " the admin, not forwarded", why, m->att[i].filename);
			log_warnx("application from %s carries %s: quarantined",
			    m->from_addr, why);
			return (0);
		}
		if (kind == ATT_DOCUMENT)
			ndocs++;
	}
	if (ndocs == 0) {
		/* No case without documents: say what is needed instead. */
		if (workflow_limited(ctx, NULL, &tmpl_missing, 1,
		    m->from_addr)) {
			log_warnx("not telling %s about missing attachments"
			    " again today", m->from_addr);
			xasprintf(&d->note, "application without attachments;"
			    " sender already told %d times today", MAX_NAGS);
			return (0);
		}
		vars_add(&vs, "pemohon", m->from_name ? m->from_name :
		    m->from_addr);
		vars_add(&vs, "perihal", m->subject ? m->subject :
		    "(tanpa perihal)");
		vars_add(&vs, "robot", ctx->conf->robot_address);
		rv = workflow_mail(ctx, NULL, tmpl_missing, &vs, &mo, cause);
		vars_free(&vs);
		xasprintf(&d->note, "application without attachments:"
		    " applicant told what to attach");
		return (rv);
	}
	if (m->natt > MAX_DOCS) {
		/* No office sends fifty scans; a case like that helps nobody. */
		d->folder = ctx->conf->imap_quarantine;
		xasprintf(&d->note, "application with %zu attachments (at most"
		    " %d): kept for the admin", m->natt, MAX_DOCS);
		log_warnx("application from %s has %zu attachments: quarantined",
		    m->from_addr, m->natt);
		return (0);
	}
	c = store_case_open(ctx->store, m->from_addr, m->from_name,
	    m->subject, m->message_id, time(NULL));
	if (c == NULL) {
		xasprintf(cause, "cannot open a case");
		return (-1);
	}
	for (i = 0; i < m->natt; i++) {
		if (classify_attachment(&m->att[i], &why) == ATT_DOCUMENT)
			store_document_add(ctx->store, c->id, &m->att[i]);
	}
	store_event(ctx->store, c->id, m->from_addr, "permohonan", NULL);
	vars_case(&vs, ctx, c);
	store_documents(ctx->store, c->id, &docs, &nstored);
	vars_own(&vs, "lampiran", workflow_doclist(docs, nstored));
	store_documents_free(docs, nstored);
	vars_add(&vs, "pejabat", rules_official(ctx->rules,
	    ctx->rules->steps[0].role)->title);
	rv = workflow_applicant(ctx, c, "tanda-terima", &vs, cause);
	vars_free(&vs);
	if (rv == 0)
		rv = workflow_dispatch(ctx, c, 0, cause);
	if (rv == 0) {
		log_info("%s: opened for %s with %zu document(s)", c->ref,
		    m->from_addr, ndocs);
		d->case_ref = xstrdup(c->ref);
		xasprintf(&d->note, "application: case %s opened", c->ref);
	}
	(void)inbound;
	store_case_free(c);
	return (rv);
}

/*
 * Answers the official directly (confirmation, question, duplicate). The
 * mail keeps the dispatch's token, so an answer to it still counts.
 */
static int
workflow_tell(struct ctx *ctx, const struct case_row *c,
    const struct dispatch_row *dp, const char *tmpl, const struct msg *m,
    struct vars *vs, char **cause)
{
	struct mail_out	 mo = { 0 };
	const struct official *o;
	char		*reply_to, *mid;
	int		 rv;

	o = rules_official_by_addr(ctx->rules, m->from_addr);
	workflow_addrs(ctx, c->ref, dp->token, tmpl, &reply_to, &mid);
	vars_add(vs, "pejabat", o ? o->title : m->from_addr);
	vars_add(vs, "alamat_balas", reply_to);
	vars_own(vs, "tautan_y", workflow_mailto(reply_to, c->ref, dp->token,
	    "Y"));
	vars_own(vs, "tautan_t", workflow_mailto(reply_to, c->ref, dp->token,
	    "T%20alasan%3A%20"));
	mo.to_addr = m->from_addr;
	mo.to_name = m->from_name;
	mo.reply_to = reply_to;
	mo.message_id = mid;
	mo.in_reply_to = m->message_id;
	rv = workflow_mail(ctx, c, tmpl, vs, &mo, cause);
	free(reply_to);
	free(mid);
	return (rv);
}

/* Mails the applicant about their case. */
static int
workflow_applicant(struct ctx *ctx, const struct case_row *c,
    const char *tmpl, struct vars *vs, char **cause)
{
	struct mail_out	 mo = { 0 };
	char		*ref = util_lower(c->ref), *mid, rnd[13];
	int		 rv;

	/* The case in the Message-ID: an answer to it is a follow-up. */
	crypto_random_hex(rnd, sizeof rnd);
	xasprintf(&mid, "%s.%s-%s@%s", ref, tmpl, rnd, conf_domain(ctx->conf));
	mo.message_id = mid;
	mo.to_addr = c->applicant;
	mo.to_name = c->applicant_name;
	mo.in_reply_to = c->root_message_id;
	rv = workflow_mail(ctx, c, tmpl, vs, &mo, cause);
	free(mid);
	free(ref);
	return (rv);
}

/*
 * Has rcpt had MAX_NAGS mails of these kinds in the last day, about case
 * c (or about anything when c is NULL)? RFC 3834: answer a sender only so
 * often, whatever keeps writing.
 */
static int
workflow_limited(struct ctx *ctx, const struct case_row *c,
    const char *const *kinds, size_t nkinds, const char *rcpt)
{
	time_t	 since = time(NULL) - 86400;
	size_t	 i;
	int	 n = 0;

	for (i = 0; i < nkinds; i++)
		n += store_outbox_count(ctx->store, c ? c->id : 0, kinds[i],
		    rcpt, since);
	return (n >= MAX_NAGS);
}

/* Every question to an official counts: an auto-responder may trigger any. */
static int
workflow_nagged(struct ctx *ctx, const struct case_row *c, const char *rcpt)
{
	static const char *const asks[] = { "tidak-dipahami",
	    "alasan-diperlukan", "balas-disposisi" };

	return (workflow_limited(ctx, c, asks, sizeof asks / sizeof asks[0],
	    rcpt));
}

static int
workflow_decide(struct ctx *ctx, const struct case_row *c,
    const struct dispatch_row *dp, const struct msg *m, int64_t inbound,
    const struct reply *r, struct decision *d, char **cause)
{
	const struct official	*o = rules_official_by_addr(ctx->rules,
	    m->from_addr);
	const char		*title = o ? o->title : m->from_addr;
	struct vars		 vs = { 0 };
	int			 rv, k = dp->step;

	store_dispatch_answer(ctx->store, dp->id, r->verdict == REPLY_YES ?
	    "Y" : "T", r->reason, inbound);
	store_event(ctx->store, c->id, m->from_addr, r->verdict == REPLY_YES ?
	    "Y" : "T", r->reason);
	vars_case(&vs, ctx, c);
	vars_add(&vs, "keputusan", r->verdict == REPLY_YES ?
	    "Y (diteruskan)" : "T (tidak diteruskan)");
	vars_add(&vs, "alasan", r->reason ? r->reason : "-");
	rv = workflow_tell(ctx, c, dp, "tercatat", m, &vs, cause);
	vars_free(&vs);
	if (rv == -1)
		return (-1);

	memset(&vs, 0, sizeof vs);
	vars_case(&vs, ctx, c);
	vars_add(&vs, "pejabat", title);
	if (r->verdict == REPLY_NO) {
		store_case_set(ctx->store, c->id, "proses", k, "ditolak",
		    r->reason);
		vars_add(&vs, "alasan", r->reason);
		rv = workflow_applicant(ctx, c, "ditolak", &vs, cause);
		log_info("%s: T from %s at step %s: case stopped", c->ref,
		    m->from_addr, ctx->rules->steps[k].id);
		xasprintf(&d->note, "T at step %s: case stopped",
		    ctx->rules->steps[k].id);
	} else if ((size_t)k + 1 < ctx->rules->nsteps) {
		vars_add(&vs, "pejabat_berikut", rules_official(ctx->rules,
		    ctx->rules->steps[k + 1].role)->title);
		rv = workflow_applicant(ctx, c, "kemajuan", &vs, cause);
		if (rv == 0)
			rv = workflow_dispatch(ctx, c, k + 1, cause);
		log_info("%s: Y from %s at step %s", c->ref, m->from_addr,
		    ctx->rules->steps[k].id);
		xasprintf(&d->note, "Y at step %s: forwarded to step %s",
		    ctx->rules->steps[k].id, ctx->rules->steps[k + 1].id);
	} else {
		store_case_set(ctx->store, c->id, "proses", k,
		    "disposisi-selesai", NULL);
		rv = workflow_applicant(ctx, c, "disposisi-selesai", &vs,
		    cause);
		log_info("%s: Y from %s at the last step %s", c->ref,
		    m->from_addr, ctx->rules->steps[k].id);
		xasprintf(&d->note, "Y at the last step %s",
		    ctx->rules->steps[k].id);
	}
	vars_free(&vs);
	return (rv);
}

/*
 * Tells someone in the office who answered another official's
 * disposition (forwarded to them, say) why nothing happened. Only
 * inside the applicant domains, so a forged From outside gets no mail,
 * at most MAX_NAGS a day, and without the token, which is not theirs.
 */
static int
workflow_not_yours(struct ctx *ctx, const struct case_row *c,
    const struct dispatch_row *dp, const struct msg *m, char **cause)
{
	const struct official	*o = rules_official_by_addr(ctx->rules,
	    dp->official);
	struct mail_out		 mo = { 0 };
	struct vars		 vs = { 0 };
	int			 rv;

	if (!rules_applicant_ok(ctx->rules, m->from_addr) ||
	    workflow_limited(ctx, c, &tmpl_not_yours, 1, m->from_addr))
		return (0);
	vars_case(&vs, ctx, c);
	vars_add(&vs, "pejabat", o ? o->title : dp->official);
	vars_add(&vs, "alamat_pejabat", dp->official);
	mo.to_addr = m->from_addr;
	mo.to_name = m->from_name;
	mo.in_reply_to = m->message_id;
	rv = workflow_mail(ctx, c, tmpl_not_yours, &vs, &mo, cause);
	vars_free(&vs);
	return (rv);
}

static int
workflow_reply(struct ctx *ctx, const struct msg *m, int64_t inbound,
    struct decision *d, char **cause)
{
	struct dispatch_row	*dp = NULL;
	struct case_row		*c = NULL;
	struct reply		 r = { 0 };
	struct vars		 vs = { 0 };
	char			*tok;
	int			 rv = 0;

	tok = classify_token(ctx, m);
	if ((dp = store_dispatch_by_token(ctx->store, tok)) == NULL) {
		log_warnx("reply from %s carries an unknown token",
		    m->from_addr);
		d->folder = ctx->conf->imap_quarantine;
		xasprintf(&d->note, "reply with an unknown token");
		goto out;
	}
	c = store_case_get(ctx->store, dp->case_id);
	d->case_ref = xstrdup(c->ref);
	if (!util_addr_eq(m->from_addr, dp->official)) {
		/* The token leaked or was forwarded: only its official may answer. */
		log_warnx("%s: reply from %s, but step is %s's: ignored",
		    c->ref, m->from_addr, dp->official);
		store_event(ctx->store, c->id, m->from_addr, "wrong-sender",
		    dp->official);
		d->folder = ctx->conf->imap_quarantine;
		xasprintf(&d->note, "reply from %s but the step belongs to %s",
		    m->from_addr, dp->official);
		rv = workflow_not_yours(ctx, c, dp, m, cause);
		goto out;
	}
	reply_parse(m->text ? m->text : "", &r);
	vars_case(&vs, ctx, c);
	if (dp->answered || strcmp(c->state, "proses") != 0 ||
	    c->step != dp->step) {
		store_event(ctx->store, c->id, m->from_addr, "late-reply",
		    r.line);
		if (r.verdict == REPLY_UNCLEAR) {
			/* A thank-you after the decision: nothing to answer. */
			xasprintf(&d->note, "remark after the decision");
			goto out;
		}
		vars_add(&vs, "status", c->state);
		rv = workflow_tell(ctx, c, dp, "sudah-diproses", m, &vs,
		    cause);
		xasprintf(&d->note, "answer to a step already decided");
		log_info("%s: %s answered a step already decided", c->ref,
		    m->from_addr);
		goto out;
	}
	if (r.verdict == REPLY_UNCLEAR || (r.verdict == REPLY_NO &&
	    r.reason == NULL)) {
		xasprintf(&d->note, "%s", r.verdict == REPLY_NO ?
		    "T without a reason" : "answer not understood");
		log_info("%s: %s from %s", c->ref, d->note, m->from_addr);
		if (workflow_nagged(ctx, c, m->from_addr)) {
			log_warnx("%s: not answering %s again today", c->ref,
			    m->from_addr);
			goto out;
		}
		vars_add(&vs, "baris", r.line ? r.line : "(kosong)");
		rv = workflow_tell(ctx, c, dp, r.verdict == REPLY_NO ?
		    "alasan-diperlukan" : "tidak-dipahami", m, &vs, cause);
		goto out;
	}
	rv = workflow_decide(ctx, c, dp, m, inbound, &r, d, cause);
out:
	vars_free(&vs);
	reply_clear(&r);
	store_case_free(c);
	store_dispatch_free(dp);
	free(tok);
	return (rv);
}

/*
 * Mail about a case that is not a decision (the applicant answering an
 * acknowledgement, say): kept and written into the case's history, never
 * taken as a new application.
 */
/*
 * The applicant sends documents for an open case (the SK that was
 * missing, a sharper KTP scan): they join the case, so the next
 * disposition carries them, and the applicant hears they arrived.
 */
static int
workflow_more_documents(struct ctx *ctx, const struct case_row *c,
    const struct msg *m, struct decision *d, char **cause)
{
	struct attachment	*docs;
	size_t			 ndocs, i;
	struct vars		 vs = { 0 };
	const char		*why;
	int			 rv;

	store_documents(ctx->store, c->id, &docs, &ndocs);
	store_documents_free(docs, ndocs);
	if (ndocs + m->natt > MAX_DOCS) {
		free(d->note);
		xasprintf(&d->note, "more documents refused: the case would"
		    " hold over %d", MAX_DOCS);
		return (0);
	}
	for (i = 0; i < m->natt; i++) {
		if (classify_attachment(&m->att[i], &why) != ATT_DOCUMENT) {
			free(d->note);
			xasprintf(&d->note, "more documents refused: %s carries"
			    " %s", m->att[i].filename, why);
			return (0);
		}
	}
	for (i = 0; i < m->natt; i++)
		store_document_add(ctx->store, c->id, &m->att[i]);
	store_event(ctx->store, c->id, m->from_addr, "berkas-tambahan", NULL);
	vars_case(&vs, ctx, c);
	vars_own(&vs, "lampiran", workflow_doclist(m->att, m->natt));
	rv = workflow_applicant(ctx, c, "berkas-diterima", &vs, cause);
	vars_free(&vs);
	free(d->note);
	xasprintf(&d->note, "%zu more document(s) added to %s", m->natt,
	    c->ref);
	log_info("%s: %zu more document(s) from the applicant", c->ref,
	    m->natt);
	return (rv);
}

static int
workflow_followup(struct ctx *ctx, const struct msg *m, struct decision *d,
    char **cause)
{
	struct case_row		*c;
	struct dispatch_row	*dp;
	struct vars		 vs = { 0 };
	int64_t			 id;
	int			 rv = 0;

	id = store_case_find(ctx->store, m->subject, m->refs, m->nrefs);
	if (id == 0 || (c = store_case_get(ctx->store, id)) == NULL) {
		d->folder = ctx->conf->imap_quarantine;
		xasprintf(&d->note, "mentions a case that does not exist");
		return (0);
	}
	store_event(ctx->store, id, m->from_addr, "surat-susulan",
	    m->subject);
	d->case_ref = xstrdup(c->ref);
	xasprintf(&d->note, "follow-up mail recorded on %s", c->ref);
	log_info("%s: follow-up mail from %s recorded", c->ref, m->from_addr);
	if (util_addr_eq(m->from_addr, c->applicant) && m->natt > 0 &&
	    strcmp(c->state, "proses") == 0) {
		rv = workflow_more_documents(ctx, c, m, d, cause);
		store_case_free(c);
		return (rv);
	}
	/*
	 * The official whose answer the case waits for wrote without the
	 * token (a new mail, or a client that dropped the threading
	 * headers): not a decision - From alone proves nothing - but show
	 * them the way that works.
	 */
	dp = store_dispatch_pending(ctx->store, id);
	if (dp != NULL && util_addr_eq(dp->official, m->from_addr) &&
	    !workflow_nagged(ctx, c, m->from_addr)) {
		vars_case(&vs, ctx, c);
		rv = workflow_tell(ctx, c, dp, "balas-disposisi", m, &vs,
		    cause);
		vars_free(&vs);
		free(d->note);
		xasprintf(&d->note, "mail from the step's official without the"
		    " reply token: asked to answer the disposition itself");
	}
	store_dispatch_free(dp);
	store_case_free(c);
	return (rv);
}

/*
 * Handles one classified message inside the caller's transaction. Fills
 * d (folder, note, case) and returns 0, or -1 with cause when the
 * transaction must be rolled back.
 */
int
workflow_handle(struct ctx *ctx, const struct msg *m, int64_t inbound,
    struct decision *d, char **cause)
{
	enum msg_kind	 k;
	char		*why = NULL, *unauth = NULL;
	int		 rv = 0;

	d->folder = ctx->conf->imap_processed;
	k = classify(ctx, m, &why);
	log_debug("message from %s <%s>: %s", m->from_addr,
	    m->message_id ? m->message_id : "", why);
	if ((k == KIND_REPLY || k == KIND_FOLLOWUP || k == KIND_APPLICATION) &&
	    !auth_check(ctx->conf, m, &unauth)) {
		/* A forged From must neither open a case nor decide one. */
		log_warnx("message from %s: %s", m->from_addr, unauth);
		d->folder = ctx->conf->imap_quarantine;
		xasprintf(&d->note, "%s (%s)", unauth, why);
		free(unauth);
		free(why);
		d->kind = classify_name(k);
		return (0);
	}
	switch (k) {
	case KIND_OWN:
	case KIND_MACHINE:
		d->note = why;
		why = NULL;
		break;
	case KIND_UNKNOWN:
		d->folder = ctx->conf->imap_quarantine;
		d->note = why;
		why = NULL;
		break;
	case KIND_REPLY:
		rv = workflow_reply(ctx, m, inbound, d, cause);
		break;
	case KIND_FOLLOWUP:
		rv = workflow_followup(ctx, m, d, cause);
		free(why);
		why = NULL;
		break;
	case KIND_APPLICATION:
		rv = workflow_application(ctx, m, inbound, d, cause);
		break;
	}
	free(why);
	d->kind = classify_name(k);
	return (rv);
}
