/* SPDX-License-Identifier: ISC */
/*
 * Step kind "document": a Y must carry a document, such as the request
 * the Head signs (SOP step 8). A Y without it gets a precise request and
 * changes nothing; the document joins the case and goes to the next
 * actor whose step sends it.
 */

#include "disposisi.h"
#include "reply.h"

static int
step_document_check(const struct sop *sop, const struct step *s,
    char **cause)
{
	if (step_decision.check(sop, s, cause) == -1)
		return (-1);
	if (s->document == NULL) {
		xasprintf(cause, "step %s: kind document needs a \"document\""
		    " line", s->name);
		return (-1);
	}
	return (0);
}

static void
step_document_answer(struct decide *d, const struct step *s)
{
	if (d->ev->verdict == REPLY_YES) {
		if (decide_lacks_document(d, s))
			return;
		decide_docs(d, s->document);
	}
	decide_decided(d, s);
}

const struct step_kind step_document = {
	.name = "document",
	.check = step_document_check,
	.enter = decide_dispatch,
	.answer = step_document_answer
};
