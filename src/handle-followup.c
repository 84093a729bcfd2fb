/* SPDX-License-Identifier: ISC */
/*
 * Mail about a case from someone holding no role: the applicant, with
 * documents or a word. About a finished case whose SOP another renews,
 * it opens the renewal.
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
 * The SOP that renews the certificates of the case's SOP, if any; a
 * renewed certificate is renewed again the same way, years later.
 */
static const struct sop *
followup_renewal(struct flow *f)
{
	const struct sop	*of = f->sop->renews ? f->sop->renews : f->sop;
	size_t			 i;

	for (i = 0; i < f->ctx->rules->nsops; i++) {
		if (f->ctx->rules->sops[i].renews == of)
			return (&f->ctx->rules->sops[i]);
	}
	return (NULL);
}

/*
 * The applicant's "ktp: IMG_1.jpg" lines about files sent before: the
 * case's rows of that name take the kind, and the history says so
 * (files of this mail took it already, in document_classify).
 */
static int
followup_said(struct flow *f, char **cause)
{
	struct doc_said	 said[16];
	size_t		 n, i, j;
	char		*detail, *name;
	int		 rv = 0;

	if (f->m->text == NULL)
		return (0);
	n = document_said(f->ctx->rules, f->m->text, said,
	    sizeof said / sizeof said[0]);
	for (i = 0; i < n && rv != -1; i++) {
		for (j = 0; j < f->m->natt && strcasecmp(f->m->att[j].filename,
		    said[i].filename) != 0; j++)
			;
		if (j < f->m->natt || (rv = store_document_set_kind(
		    f->ctx->store, f->c->id, said[i].filename,
		    said[i].t->name)) <= 0)
			continue;
		name = document_history_name(said[i].filename);
		xasprintf(&detail, "%s: %s (applicant)", name, said[i].t->name);
		free(name);
		rv = store_event(f->ctx->store, f->c->id, f->m->from_addr,
		    "jenis-berkas", detail);
		free(detail);
	}
	document_said_free(said, n);
	if (rv == -1)
		xasprintf(cause, "cannot record the kinds the applicant named"
		    " on %s", f->c->ref);
	return (rv == -1 ? -1 : 0);
}

/* Mail about a case from someone holding no role: the applicant, mostly. */
int
handle_followup(struct flow *f, char **cause)
{
	struct event		 ev = { 0 };
	const struct sop	*renewal;
	struct case_row		*old_case;
	int			 rv;

	if ((rv = flow_case(f, store_case_find(f->ctx->store, f->rd->ref, NULL,
	    0), cause)) != 1)
		return (rv);
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
	if (f->c->state == CASE_DONE && (renewal = followup_renewal(f)) !=
	    NULL) {
		/* Answering the expiry reminder, or writing about the case. */
		old_case = f->c;
		f->c = NULL;
		rv = handle_open(f, renewal, old_case, cause);
		if (rv == 0)
			flow_note(f, NULL, "renewal of %s: case %s opened",
			    old_case->ref, f->c->ref);
		store_case_free(old_case);
		return (rv);
	}
	if (!case_state_closed(f->c->state) && followup_said(f, cause) == -1)
		return (-1);
	document_expect(f->ctx->rules, f->rd->docs, f->rd->ndocs,
	    f->sop->requires, f->sop->nrequires);
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
