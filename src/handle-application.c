/* SPDX-License-Identifier: ISC */
/*
 * A new application: a case opens for the sender with the SOP the mail
 * applies for, unless the mail is spam (no document the rules know, from
 * outside, not naming the SOP) or carries no document at all (then the
 * sender is told what to attach, a few times a day at most).
 */

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "disposisi.h"
#include "workflow_p.h"

/* Does the word (case-insensitive, whole) occur in s? */
static int
application_word(const char *s, const char *w)
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
application_asks_for(struct flow *f)
{
	const struct sop	*sop = f->rd->sop;
	const char		*at = strrchr(f->m->from_addr, '@'), *p, *e;
	char			 word[64];

	if (sop->office_domain != NULL && at != NULL &&
	    strcasecmp(at + 1, sop->office_domain) == 0)
		return (1);
	if (application_word(f->m->subject, sop->prefix))
		return (1);
	for (p = sop->title; *p != '\0'; p = e) {
		while (*p != '\0' && !isalpha((unsigned char)*p))
			p++;
		for (e = p; isalpha((unsigned char)*e); e++)
			;
		if (e - p >= 8 && (size_t)(e - p) < sizeof word) {
			memcpy(word, p, (size_t)(e - p));
			word[e - p] = '\0';
			if (application_word(f->m->subject, word))
				return (1);
		}
	}
	return (0);
}

static int
open_listed(const char *const *list, size_t n, const char *kind)
{
	while (n-- > 0) {
		if (list[n] != NULL && strcmp(list[n], kind) == 0)
			return (1);
	}
	return (0);
}

/*
 * The kinds a renewal takes from the case it renews: what its steps send
 * or need, but not what it requires of the application itself (a new
 * letter) nor what this mail brings again.
 */
static size_t
open_carry_kinds(struct flow *f, const char **kinds, size_t max)
{
	const struct sop	*sop = f->sop;
	const struct step	*s;
	const char		*k;
	size_t			 i, j, n = 0;

	for (i = 0; i < sop->nsteps; i++) {
		s = &sop->steps[i];
		for (j = 0; j < s->nsend + s->nneeds && n < max; j++) {
			k = j < s->nsend ? s->send[j] : s->needs[j - s->nsend];
			if (!open_listed((const char *const *)sop->requires,
			    sop->nrequires, k) && !open_listed(f->evdocs,
			    f->nevdocs, k) && !open_listed(kinds, n, k))
				kinds[n++] = k;
		}
	}
	return (n);
}

/* "fotokopi KTP (ktp.jpg)" added to a list of words for the applicant. */
static void
open_words(struct flow *f, char **list, const char *kind, const char *file)
{
	const struct doctype	*t = rules_doctype(f->ctx->rules, kind);
	char			*s, *name = file ? util_inert(file) : NULL;

	xasprintf(&s, "%s%s%s%s%s%s", *list ? *list : "", *list ? ", " : "",
	    t ? t->words : kind, name ? " (" : "", name ? name : "",
	    name ? ")" : "");
	free(name);
	free(*list);
	*list = s;
}

/* A sentence for the applicant's letter, after those before it. */
static void
open_tell(struct flow *f, const char *a, const char *ref, const char *b,
    const char *list)
{
	char	*s;

	xasprintf(&s, "%s%s%s%s%s%s.", f->tell ? f->tell : "", f->tell ? " " :
	    "", a, ref, b, list);
	free(f->tell);
	f->tell = s;
}

/*
 * One kind carried: the renewed case's newest file of it joins the new
 * case by reference to the same spool file (retention keeps a file while
 * any case holding it is kept). Removed under retention, or missing, it
 * cannot be: recorded, and the step's "needs" asks the applicant.
 */
static int
open_carry_one(struct flow *f, const struct case_row *old,
    const struct doc_row *docs, size_t n, int purged, const char *kind,
    char **carried, char **gone)
{
	const struct doc_row	*d = NULL;
	char			*name, *detail;
	int			 ok, rv;

	while (n-- > 0 && d == NULL) {
		if (docs[n].kind != NULL && strcmp(docs[n].kind, kind) == 0)
			d = &docs[n];
	}
	if (d == NULL)
		return (0);
	ok = !purged && access(d->a.path, R_OK) == 0;
	name = document_history_name(d->a.filename);
	xasprintf(&detail, "%s: %s (%s %s)", name, kind, ok ? "from" :
	    "not carried: its file is gone from", old->ref);
	free(name);
	rv = ok ? store_document_add(f->ctx->store, f->c->id, &d->a, kind,
	    f->c->step, f->c->round) : 0;
	if (rv == 0)
		rv = store_event(f->ctx->store, f->c->id, f->m->from_addr, ok ?
		    "berkas-dibawa" : "berkas-tidak-dibawa", detail);
	free(detail);
	open_words(f, ok ? carried : gone, kind, ok ? d->a.filename : NULL);
	return (rv);
}

/*
 * A renewal carries from the case it renews the documents its steps
 * send or need and the applicant does not send again (the KTP: the same
 * person); the applicant's mail says which, or that retention removed
 * them.
 */
static int
open_carry(struct flow *f, const struct case_row *old, char **cause)
{
	const char	*kinds[MAX_DOCS];
	struct doc_row	*docs = NULL;
	char		*carried = NULL, *gone = NULL;
	size_t		 nk, n = 0, i;
	time_t		 purged;
	int		 rv = 0;

	if ((nk = open_carry_kinds(f, kinds, MAX_DOCS)) == 0)
		return (0);
	if ((purged = store_case_purged_at(f->ctx->store, old->id)) == -1 ||
	    store_documents(f->ctx->store, old->id, &docs, &n) == -1) {
		xasprintf(cause, "cannot read the documents of %s", old->ref);
		return (-1);
	}
	for (i = 0; i < nk && rv == 0; i++)
		rv = open_carry_one(f, old, docs, n, purged != 0, kinds[i],
		    &carried, &gone);
	store_documents_free(docs, n);
	if (rv == -1)
		xasprintf(cause, "cannot carry the documents of %s", old->ref);
	if (rv == 0 && carried != NULL)
		open_tell(f, "Berkas berikut kami ambil dari perkara ", old->ref,
		    ", sehingga tidak perlu Saudara kirim lagi: ", carried);
	if (rv == 0 && gone != NULL)
		open_tell(f, purged ? "Berkas perkara " : "Perkara ", old->ref,
		    purged ? " telah dihapus sesuai masa retensi data pribadi,"
		    " sehingga berkas berikut tidak dapat kami ambil darinya: " :
		    " tidak lagi menyimpan berkas berikut: ", gone);
	free(carried);
	free(gone);
	return (rv);
}

/*
 * Opens a case of sop for the mail's sender and lets the engine take the
 * application; a renewal names the finished case it renews (then the
 * applicant writes from the address that case knows them by).
 */
int
handle_open(struct flow *f, const struct sop *sop, const struct case_row *old,
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
	if (old != NULL && open_carry(f, old, cause) == -1)
		return (-1);
	ev.type = EV_APPLICATION;
	ev.from = m->from_addr;
	return (flow_decide(f, &ev, cause));
}

int
handle_application(struct flow *f, char **cause)
{
	const struct msg	*m = f->m;
	struct event		 ev = { 0 };
	struct letter		 lt = { 0 };
	static const char *const told[] = { "lampiran-kurang" };
	size_t			 i, nkinds;

	flow_evdocs(f, &ev);
	for (i = nkinds = 0; i < f->nevdocs; i++)
		nkinds += f->evdocs[i] != NULL;
	if (nkinds == 0 && !application_asks_for(f)) {
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
	return (handle_open(f, f->sop, NULL, cause));
}
