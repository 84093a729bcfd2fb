/* SPDX-License-Identifier: ISC */
/*
 * A read receipt (RFC 8098 MDN) of the robot's mail: history, nothing
 * more.
 */

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "disposisi.h"
#include "workflow_p.h"

/*
 * A read receipt says that someone opened the robot's mail: the case its
 * Original-Message-ID (or thread) names gets a "dibaca" event, once per
 * mail and reader. It decides nothing, is no bounce, and nobody is
 * mailed: a receipt answered would start a loop.
 */
int
handle_receipt(struct flow *f, char **cause)
{
	const struct reading	*rd = f->rd;
	const char		*mid = f->m->report_mid;
	char			*detail;
	int64_t			 id;
	int			 rv = 0;

	id = rd->ref[0] == '\0' || rd->keys_disagree ? 0 :
	    store_case_find(f->ctx->store, rd->ref, NULL, 0);
	if (id > 0 && (rv = store_case_get(f->ctx->store, id, &f->c)) != 1)
		id = rv;
	if (id == -1)
		return (flow_db_error(f, cause));
	if (id == 0) {
		flow_note(f, NULL, "a read receipt that names no case");
		return (0);
	}
	f->d->case_ref = xstrdup(f->c->ref);
	xasprintf(&detail, "<%s> read by %s", mid != NULL ? mid :
	    f->m->in_reply_to != NULL ? f->m->in_reply_to : "?",
	    f->m->from_addr);
	if ((rv = store_event_count(f->ctx->store, f->c->id, "dibaca",
	    detail)) == -1)
		rv = flow_db_error(f, cause);
	else if (rv == 0 && store_event(f->ctx->store, f->c->id,
	    f->m->from_addr, "dibaca", detail) == -1) {
		xasprintf(cause, "cannot record a read receipt on %s",
		    f->c->ref);
		rv = -1;
	} else {
		rv = 0;
		flow_note(f, NULL, "read receipt from %s recorded on %s",
		    f->m->from_addr, f->c->ref);
	}
	free(detail);
	return (rv);
}
