/* SPDX-License-Identifier: ISC */
/*
 * A step's mail to its actors: every holder of the step's role (or the
 * Plt. acting today, or the standby Plh. for an absent one), each with a
 * token of their own that binds the answer to this case, step, round and
 * person, and the documents the step sends; and the officials of a step
 * a notice proves done, told that their disposition needs no answer.
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

/* The documents of the case that a step sends to its actor. */
static size_t
dispatch_sent_docs(struct flow *f, const struct step *s, struct attachment *out,
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
		/* A bundle PDF is a row per kind it holds: attached once. */
		for (j = 0; j < n && (strcmp(out[j].sha256, f->docs[i].a.sha256) ||
		    strcmp(out[j].filename, f->docs[i].a.filename)); j++)
			;
		if (j < n)
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
dispatch_one(struct flow *f, const struct step *s, struct letter *lt,
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

/* The case's documents, read afresh: this mail may have added some. */
int
dispatch_docs(struct flow *f, char **cause)
{
	store_documents_free(f->docs, f->ndocs);
	f->docs = NULL;
	f->ndocs = 0;
	if (store_documents(f->ctx->store, f->c->id, &f->docs,
	    &f->ndocs) == -1) {
		xasprintf(cause, "cannot read the documents of %s", f->c->ref);
		return (-1);
	}
	return (0);
}

/* A step's letter and the files it carries, on the caller's stack. */
struct dispatch_mail {
	struct letter		 lt;
	struct attachment	 att[MAX_DOCS * 2];
	const struct attachment	*list[MAX_DOCS * 2];
};

/*
 * The step's letter with the documents it sends, read afresh and
 * attached unless too big for mail.
 */
static int
dispatch_letter(struct flow *f, const struct step *s,
    struct dispatch_mail *dm, char **cause)
{
	struct letter		*lt = &dm->lt;
	struct attachment	*att = dm->att;
	const struct attachment	**list = dm->list;
	size_t			 i, n, total = 0;

	if (dispatch_docs(f, cause) == -1)
		return (-1);
	n = dispatch_sent_docs(f, s, att, list, sizeof dm->att /
	    sizeof dm->att[0]);
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
	/* A step that sends no document says so once, in the list. */
	lt->att_note = n > 0 ? "Berkas terlampir pada surel ini." : "";
	/* Zimbra refuses 10 MB after base64: better listed than bounced. */
	if (total > f->ctx->conf->max_attachments) {
		lt->natt = 0;
		lt->att_note = "Berkas tidak dilampirkan karena ukurannya"
		    " melebihi batas surel; berkas tersimpan pada sistem"
		    " disposisi dan dapat diminta kepada admin.";
		log_info("%s: documents (%zu bytes) too big to attach for"
		    " step %s", f->c->ref, total, s->name);
	}
	return (0);
}

/*
 * The step's mail to some of its actors: to = NULL for every holder of
 * the role (or their Plt. today), else to that one person; note, if
 * any, says why the mail comes now.
 */
int
dispatch_to(struct flow *f, const struct step *s, const char *to,
    int standby, const char *note, char **cause)
{
	struct dispatch_mail	 dm;
	const struct delegate	*dg;
	size_t			 i;

	if (dispatch_letter(f, s, &dm, cause) == -1)
		return (-1);
	for (i = 0; i < s->role->naddrs; i++) {
		if (to != NULL && !util_addr_eq(to, s->role->addrs[i]))
			continue;
		dg = rules_delegate(f->ctx->rules, s->role,
		    cal_date(&f->ctx->rules->cal, clock_now()), standby);
		if (dispatch_one(f, s, &dm.lt, s->role->addrs[i], dg, note,
		    cause) == -1)
			return (-1);
	}
	return (0);
}

/* The step's mail once more to one official, with the token they have. */
int
dispatch_again(struct flow *f, const struct step *s, const char *official,
    const char *token, char **cause)
{
	struct dispatch_mail	 dm;

	if (dispatch_letter(f, s, &dm, cause) == -1)
		return (-1);
	dm.lt.first_dispatch = 0;
	dm.lt.official = official;
	dm.lt.to_title = s->role->title;
	dm.lt.note = "Disposisi ini dikirim ulang; jawaban atas surel ini maupun"
	    " atas surel sebelumnya sama-sama berlaku.";
	return (letter_send(&dm.lt, s->tmpl, official, s->role->title, token,
	    cause));
}

/* The step's mail to a delegate the caller names, for holder. */
int
dispatch_as(struct flow *f, const struct step *s, const char *holder,
    const struct delegate *dg, const char *note, char **cause)
{
	struct dispatch_mail	 dm;

	if (dispatch_letter(f, s, &dm, cause) == -1)
		return (-1);
	return (dispatch_one(f, s, &dm.lt, holder, dg, note, cause));
}

/*
 * Does the official get a disposition later in this decision (the proof
 * took the case on to a step of theirs)? Then that mail says the proved
 * step needs no answer, and a second one at the same moment is noise.
 */
static int
dispatch_later(struct flow *f, const struct decide *d,
    const struct effect *from, const char *official)
{
	const struct effect	*fx;

	for (fx = from + 1; fx < d->fx + d->nfx; fx++) {
		if (fx->type == FX_DISPATCH && fx->step->role != NULL &&
		    rules_role_has(fx->step->role, official) &&
		    rules_delegate(f->ctx->rules, fx->step->role,
		    cal_date(&f->ctx->rules->cal, clock_now()), 0) == NULL)
			return (1);
	}
	return (0);
}

/*
 * A notice proves the step's work done: its waiting dispositions close
 * with the notice as evidence, and each official is told no Y is needed
 * - in the next step's disposition when they get one now.
 */
int
dispatch_proved(struct flow *f, const struct decide *d, const struct effect *fx,
    char **cause)
{
	const struct attachment	*list[MAX_DOCS];
	struct letter		 lt;
	char			**who, *why, *detail, *folded;
	size_t			 n = 0, i;
	int			 rv;

	xasprintf(&why, "proved done by AMS notice %s", fx->arg);
	xasprintf(&detail, "%s: %s", fx->step->name, fx->arg);
	xasprintf(&folded, "%s, step %s round %d: said in the next step's"
	    " disposition", fx->tmpl, fx->step->name, f->c->round);
	rv = store_dispatch_close_step(f->ctx->store, f->c->id, f->c->step,
	    f->c->round, why, &who, &n);
	if (rv == 0)
		rv = store_event(f->ctx->store, f->c->id, "AMS", "terbukti",
		    detail);
	log_info("%s: step %s", f->c->ref, detail);
	flow_letter(f, d, &lt, list);
	lt.notice = rules_notice(f->ctx->rules, fx->arg);
	for (i = 0; rv == 0 && i < n; i++) {
		if (dispatch_later(f, d, fx, who[i])) {
			snprintf(f->proved, sizeof f->proved, "Langkah %s"
			    " telah dinyatakan selesai berdasarkan"
			    " pemberitahuan AMS BSrE \"%s\", sehingga"
			    " disposisi langkah %s yang Bapak/Ibu terima"
			    " sebelumnya tidak perlu dijawab lagi.",
			    fx->step->number, lt.notice ? lt.notice->words :
			    fx->arg, fx->step->number);
			rv = store_event(f->ctx->store, f->c->id, who[i],
			    "tidak-dikirim", folded);
			continue;
		}
		lt.official = who[i];
		lt.to_title = fx->step->role ? fx->step->role->title : NULL;
		rv = letter_send(&lt, fx->tmpl, who[i], lt.to_title, NULL,
		    cause);
	}
	if (rv == -1 && *cause == NULL)
		xasprintf(cause, "%s: cannot close step %s", f->c->ref,
		    fx->step->name);
	xfreelist(who, n);
	free(why);
	free(detail);
	free(folded);
	return (rv);
}
