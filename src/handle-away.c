/* SPDX-License-Identifier: ISC */
/*
 * An official's auto-reply to a disposition is never a decision.
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
 * An official's auto-reply to a disposition ("Sedang cuti", Zimbra's
 * vacation mail) is never a decision. It is written into the case, and
 * the step goes to the role's Plt./Plh. - dated, or on standby for
 * absences - with the away official's token closed; without one the
 * admin is told, once per case.
 */
int
handle_away(struct flow *f, char **cause)
{
	struct letter		 lt = { 0 };
	const struct step	*s;
	const struct role	*ro;
	const struct delegate	*dg = NULL;
	const char		*kind = "di-luar-kantor";
	int64_t			 id;
	int			 rc;

	if (f->rd->token != NULL) {
		rc = store_dispatch_by_token(f->ctx->store, f->rd->token,
		    &f->dp);
		id = rc == 1 ? f->dp->case_id : rc;
	} else
		id = store_case_find(f->ctx->store, f->rd->ref, NULL, 0);
	if (id > 0 && (rc = store_case_get(f->ctx->store, id, &f->c)) != 1)
		id = rc;
	if (id == -1)
		return (flow_db_error(f, cause));
	if (id == 0)
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
	f->dp = NULL;
	if (store_dispatch_pending(f->ctx->store, f->c->id, f->m->from_addr,
	    &f->dp) == -1)
		return (flow_db_error(f, cause));
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
		return (dispatch_to(f, s, f->m->from_addr, 1,
		    "Pejabat yang bersangkutan sedang tidak berada di kantor"
		    " (balasan otomatis), sehingga disposisi ini diteruskan"
		    " kepada Bapak/Ibu.", cause));
	}
	flow_note(f, NULL, "%s is away and no delegate is named for %s: the"
	    " admin is told", f->m->from_addr, ro->name);
	if ((rc = store_outbox_count(f->ctx->store, f->c->id, kind,
	    f->ctx->conf->admin_address, 0)) != 0)
		return (rc == -1 ? flow_db_error(f, cause) : 0);
	lt.ctx = f->ctx;
	lt.c = f->c;
	lt.sop = f->sop;
	lt.step = s;
	lt.m = f->m;
	lt.official = f->m->from_addr;
	return (letter_send(&lt, kind, f->ctx->conf->admin_address, NULL,
	    NULL, cause));
}
