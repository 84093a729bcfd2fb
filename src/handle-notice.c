/* SPDX-License-Identifier: ISC */
/*
 * An AMS notice: the case of the applicant it names moves as the step
 * waiting for it says, and the notice is relayed to that applicant only.
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
 * The case of an AMS notice: by the applicant's address in it, or in its
 * recipients, else by the name its pattern finds when exactly one open
 * case bears it. The NIK is never stored, so it finds nothing.
 */
static int64_t
notice_case_of(struct flow *f)
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
int
handle_notice(struct flow *f, char **cause)
{
	struct event	 ev = { 0 };
	struct letter	 lt = { 0 };
	int64_t		 id = notice_case_of(f);

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
