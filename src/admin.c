/* SPDX-License-Identifier: ISC */
/*
 * The admin's actions on a case - cancel it, send its current
 * disposition again, hand its step to someone else - each in one
 * transaction, through the same state change and dispatch functions as
 * mail, and written into the case's history with the admin's reason.
 * The commands (cmd-cancel.c, ...) then wake the running daemon, which
 * sends what they queued at once.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "disposisi.h"
#include "workflow_p.h"

/* Opens the case of a reference for an action; -1 with cause if none. */
static int
admin_case(struct flow *f, struct ctx *ctx, const char *ref, char **cause)
{
	char	 up[CASE_REF_MAX + 1];
	int64_t	 id;

	memset(f, 0, sizeof *f);
	f->ctx = ctx;
	id = case_ref_find(ref, up) ? store_case_find(ctx->store, up, NULL,
	    0) : 0;
	if (id > 0 && store_case_get(ctx->store, id, &f->c) == -1)
		id = -1;
	if (id == -1) {
		*cause = store_error(ctx->store);
		return (-1);
	}
	if (f->c == NULL) {
		xasprintf(cause, "no case %s", ref);
		return (-1);
	}
	if ((f->sop = rules_sop(ctx->rules, f->c->sop)) == NULL) {
		xasprintf(cause, "%s follows SOP %s, which the rules no longer"
		    " have", f->c->ref, f->c->sop);
		return (-1);
	}
	return (0);
}

/* The dispositions of the case's current step still unanswered. */
static int
admin_waiting(struct flow *f, struct waiting_row **rows, size_t *n)
{
	struct waiting_row	*all;
	size_t			 nall, i;

	*n = 0;
	if (store_waiting(f->ctx->store, &all, &nall) == -1)
		return (-1);
	for (i = 0; i < nall; i++) {
		if (all[i].case_id == f->c->id) {
			all[(*n)++] = all[i];
			continue;
		}
		free(all[i].ref);
		free(all[i].sop);
		free(all[i].step);
		free(all[i].official);
		free(all[i].token);
	}
	*rows = all;
	return (0);
}

/* Closes the waiting dispositions (their tokens stop counting). */
static int
admin_close(struct flow *f, struct waiting_row *w, size_t n, const char *why)
{
	size_t	 i;

	for (i = 0; i < n; i++) {
		if (store_dispatch_answer(f->ctx->store, w[i].dispatch_id, "-",
		    why, 0) != 1)
			return (-1);
	}
	return (0);
}

static int
admin_run(struct ctx *ctx, const char *ref, const char *arg1,
    const char *arg2, const char *reason,
    int (*fn)(struct flow *, const char *, const char *, const char *,
    char **), char **cause)
{
	struct flow	 f;
	int		 rv;

	if (store_begin(ctx->store) == -1) {
		xasprintf(cause, "the database is busy; try again");
		return (-1);
	}
	if ((rv = admin_case(&f, ctx, ref, cause)) == 0)
		rv = fn(&f, arg1, arg2, reason, cause);
	if (rv == 0 && store_commit(ctx->store) == -1) {
		xasprintf(cause, "cannot commit");
		rv = -1;
	}
	if (rv == -1)
		store_rollback(ctx->store);
	flow_free(&f);
	return (rv);
}

static int
admin_do_cancel(struct flow *f, const char *unused1, const char *unused2,
    const char *reason, char **cause)
{
	struct letter		 lt = { 0 };
	struct waiting_row	*w;
	size_t			 n;
	int			 rv;

	(void)unused1;
	(void)unused2;
	if (case_state_closed(f->c->state)) {
		xasprintf(cause, "%s is already closed (%s): nothing changed",
		    f->c->ref, case_state_name(f->c->state));
		return (-1);
	}
	if (admin_waiting(f, &w, &n) == -1)
		return (-1);
	rv = admin_close(f, w, n, "cancelled by the admin");
	store_waiting_free(w, n);
	if (rv == -1 || store_event(f->ctx->store, f->c->id, "admin",
	    "dibatalkan", reason) == -1 || flow_enter(f, CASE_CANCELLED,
	    rules_step(f->sop, f->c->step) ? rules_step(f->sop, f->c->step) :
	    &f->sop->steps[0], reason, cause) == -1) {
		if (*cause == NULL)
			xasprintf(cause, "%s: cannot cancel", f->c->ref);
		return (-1);
	}
	lt.ctx = f->ctx;
	lt.c = f->c;
	lt.sop = f->sop;
	lt.reason = reason;
	lt.in_reply_to = f->c->root_message_id;
	return (letter_send(&lt, "dibatalkan", f->c->applicant,
	    f->c->applicant_name, NULL, cause));
}

int
admin_cancel(struct ctx *ctx, const char *ref, const char *reason,
    char **cause)
{
	return (admin_run(ctx, ref, NULL, NULL, reason, admin_do_cancel,
	    cause));
}

/* The current step's mail again, same token, a new Message-ID. */
static int
admin_do_resend(struct flow *f, const char *unused1, const char *unused2,
    const char *reason, char **cause)
{
	const struct step	*s = rules_step(f->sop, f->c->step);
	struct waiting_row	*w;
	size_t			 n, i;
	int			 rv = 0;

	(void)unused1;
	(void)unused2;
	if (f->c->state != CASE_OPEN || s == NULL || s->role == NULL) {
		xasprintf(cause, "%s waits on no official (%s at %s): nothing"
		    " to send", f->c->ref, case_state_name(f->c->state),
		    f->c->step);
		return (-1);
	}
	if (admin_waiting(f, &w, &n) == -1)
		return (-1);
	for (i = 0; rv == 0 && i < n; i++)
		rv = dispatch_again(f, s, w[i].official, w[i].token, cause);
	if (rv == 0 && n == 0) {
		xasprintf(cause, "%s: no disposition waits", f->c->ref);
		rv = -1;
	}
	if (rv == 0)
		rv = store_event(f->ctx->store, f->c->id, "admin",
		    "dikirim-ulang", reason ? reason : s->name);
	store_waiting_free(w, n);
	return (rv);
}

int
admin_resend(struct ctx *ctx, const char *ref, char **cause)
{
	return (admin_run(ctx, ref, NULL, NULL, NULL, admin_do_resend, cause));
}

/* The step's work goes to another person, on behalf of the role. */
static int
admin_do_reassign(struct flow *f, const char *role, const char *addr,
    const char *reason, char **cause)
{
	const struct step	*s = rules_step(f->sop, f->c->step);
	struct waiting_row	*w;
	struct delegate		 dg = { 0 };
	size_t			 n;
	int			 rv;

	if (f->c->state != CASE_OPEN || s == NULL || s->role == NULL) {
		xasprintf(cause, "%s waits on no official (%s at %s):"
		    " nothing changed", f->c->ref, case_state_name(f->c->state),
		    f->c->step);
		return (-1);
	}
	if (strcmp(s->role->name, role) != 0) {
		xasprintf(cause, "%s waits at step %s, whose actor is %s, not"
		    " %s: nothing changed", f->c->ref, s->name, s->role->name,
		    role);
		return (-1);
	}
	if (strchr(addr, '@') == NULL || strchr(addr, ' ') != NULL) {
		xasprintf(cause, "\"%s\" is not an address", addr);
		return (-1);
	}
	if (admin_waiting(f, &w, &n) == -1)
		return (-1);
	rv = admin_close(f, w, n, "reassigned by the admin");
	dg.role = s->role;
	dg.addr = util_lower(addr);
	dg.note = "Pelaksana yang ditugaskan";
	if (rv == 0)
		rv = dispatch_as(f, s, n > 0 ? w[0].official :
		    s->role->addrs[0], &dg, reason, cause);
	if (rv == 0)
		rv = store_event(f->ctx->store, f->c->id, "admin", "dialihkan",
		    reason);
	free(dg.addr);
	store_waiting_free(w, n);
	return (rv);
}

int
admin_reassign(struct ctx *ctx, const char *ref, const char *role,
    const char *addr, const char *reason, char **cause)
{
	return (admin_run(ctx, ref, role, addr, reason, admin_do_reassign,
	    cause));
}
