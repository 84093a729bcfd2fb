/* SPDX-License-Identifier: ISC */
/*
 * A bounce of the robot's mail, tied to its mail and case by VERP.
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
 * A bounce of the robot's mail: the VERP address it came back to
 * (robot+bounce-ID@) names the outbox row, hence the case and the
 * recipient. It is written into the case, and the admin is told once per
 * mail - never the bounce's sender. A bounce never moves a case.
 */
int
handle_bounce(struct flow *f, char **cause)
{
	struct letter	 lt = { 0 };
	struct outbox_row *o = NULL;
	int64_t		 id = 0;
	char		*detail, *ref = NULL;
	size_t		 i;
	int		 rv = 0;

	for (i = 0; id == 0 && i < f->m->nrcpts; i++)
		id = outbox_bounced(f->ctx->conf, f->m->rcpts[i]);
	if (id != 0 && (rv = store_outbox_get(f->ctx->store, id, &o)) == -1)
		return (flow_db_error(f, cause));
	if (o == NULL) {
		flow_note(f, NULL, "a bounce that names no mail of the robot");
		return (0);
	}
	rv = 0;
	xasprintf(&detail, "mail %lld (%s) to %s", (long long)id, o->kind,
	    o->rcpt);
	if (o->case_id != 0 && (rv = store_case_get(f->ctx->store,
	    o->case_id, &f->c)) == 1) {
		f->d->case_ref = xstrdup(f->c->ref);
		ref = f->c->ref;
	}
	flow_note(f, NULL, "bounce of %s", detail);
	log_warnx("%s: bounce of %s", ref ? ref : "-", detail);
	if (rv == -1 || (rv = store_event_count(f->ctx->store, o->case_id,
	    "surel-pantul", detail)) == -1)
		rv = flow_db_error(f, cause);
	else if (rv > 0)
		rv = 0;
	else {
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
