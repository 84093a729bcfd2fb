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

/* The SOP that renews the certificates of the case's SOP, if any. */
static const struct sop *
followup_renewal(struct flow *f)
{
	size_t	 i;

	for (i = 0; i < f->ctx->rules->nsops; i++) {
		if (f->ctx->rules->sops[i].renews == f->sop)
			return (&f->ctx->rules->sops[i]);
	}
	return (NULL);
}

/* Mail about a case from someone holding no role: the applicant, mostly. */
int
handle_followup(struct flow *f, char **cause)
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
