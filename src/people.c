/* SPDX-License-Identifier: ISC */
/*
 * When the rules change a person: the dispositions waiting on someone the
 * rules no longer name for the step's role go to who holds it now.
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

/* Is addr a delegate the rules name for the role? */
static int
people_is_delegate(const struct rules *r, const struct role *ro,
    const char *addr)
{
	size_t	 i;

	for (i = 0; i < r->ndelegates; i++) {
		if (r->delegates[i].role == ro &&
		    util_addr_eq(r->delegates[i].addr, addr))
			return (1);
	}
	return (0);
}

/* One waiting disposition whose official no longer holds the role. */
static int
people_reassign_one(struct ctx *ctx, const struct waiting_row *w,
    const struct step *s, const struct sop *sop, char **cause)
{
	struct flow	 f = { 0 };
	char		*note;
	size_t		 i;
	int		 rv = 0, n;

	f.ctx = ctx;
	f.sop = sop;
	if (store_case_get(ctx->store, w->case_id, &f.c) != 1 ||
	    store_dispatch_answer(ctx->store, w->dispatch_id, "-",
	    "reassigned: no longer holds the role", 0) != 1 ||
	    store_event(ctx->store, w->case_id, w->official, "dialihkan",
	    s->role->name) == -1) {
		xasprintf(cause, "%s: cannot close %s's dispatch", w->ref,
		    w->official);
		flow_free(&f);
		return (-1);
	}
	xasprintf(&note, "Disposisi ini dialihkan kepada Bapak/Ibu karena"
	    " perubahan pejabat pada aturan (sebelumnya ditujukan kepada %s).",
	    w->official);
	/* Whoever holds the role now and has not had this step's mail. */
	for (i = 0; rv == 0 && i < s->role->naddrs; i++) {
		n = store_dispatch_count(ctx->store, w->case_id, w->step,
		    w->round, s->role->addrs[i]);
		if (n == -1)
			rv = -1;
		else if (n == 0)
			rv = dispatch_to(&f, s, s->role->addrs[i], 0, note,
			    cause);
	}
	if (rv == 0)
		log_info("%s: %s no longer holds %s: step %s sent to its"
		    " holder now", w->ref, w->official, s->role->name, w->step);
	free(note);
	flow_free(&f);
	return (rv);
}

/*
 * After a reload: the dispositions waiting on someone the rules no
 * longer name for the step's role (nor as its delegate) go to who holds
 * the role now, with a note; the old token stops working. One
 * transaction, so a crash leaves all or nothing.
 */
int
people_reassign(struct ctx *ctx)
{
	struct waiting_row	*rows;
	const struct sop	*sop;
	const struct step	*s;
	char			*cause = NULL;
	size_t			 n, i;
	int			 rv = 0;

	if (store_begin(ctx->store) == -1)
		return (-1);
	if (store_waiting(ctx->store, &rows, &n) == -1) {
		store_rollback(ctx->store);
		return (-1);
	}
	for (i = 0; rv == 0 && i < n; i++) {
		if ((sop = rules_sop(ctx->rules, rows[i].sop)) == NULL ||
		    (s = rules_step(sop, rows[i].step)) == NULL ||
		    s->role == NULL || rules_role_has(s->role,
		    rows[i].official) || people_is_delegate(ctx->rules,
		    s->role, rows[i].official))
			continue;
		rv = people_reassign_one(ctx, &rows[i], s, sop, &cause);
	}
	store_waiting_free(rows, n);
	if (rv == -1 || store_commit(ctx->store) == -1) {
		log_warnx("reassigning after the reload failed: %s", cause ?
		    cause : "database error");
		free(cause);
		store_rollback(ctx->store);
		return (-1);
	}
	return (0);
}
