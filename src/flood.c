/* SPDX-License-Identifier: ISC */
/*
 * Floods: the rate of new cases and of mail the robot would act on, from
 * one sender and from everyone, counted from the database over the last
 * hour. Mail past a limit is held for the admin: recorded (kind "held"),
 * moved to the Held folder, not acted on, its sender not answered (no
 * loop, no amplification). The admin is told once per sender an hour,
 * and once an hour for the office-wide limits. Moving the mail back to
 * INBOX releases it: intake knows its bytes, and it is handled past the
 * limits (the admin has looked).
 */

#include <stdio.h>
#include <stdlib.h>

#include "disposisi.h"
#include "workflow_p.h"

#define FLOOD_WINDOW	3600	/* seconds the limits count over */

/* A count as read: -1 (the database failed) is remembered in *err. */
static long long
flood_n(int64_t n, int *err)
{
	if (n == -1)
		*err = 1;
	return (n);
}

/*
 * Which limit the message is past, in words (*everyone: an office-wide
 * one): 1 with *why, 0 none, -1 when a count cannot be read.
 */
static int
flood_over(struct flow *f, time_t since, int *everyone, char **whyp)
{
	const struct conf	*c = f->ctx->conf;
	struct store		*st = f->ctx->store;
	const char		*from = f->m->from_addr;
	char			*why = NULL;
	long long		 n;
	int			 err = 0;

	*everyone = 0;
	if (f->rd->kind == KIND_APPLICATION && c->limit_sender_cases > 0 &&
	    (n = flood_n(store_cases_since(st, from, since), &err)) >=
	    c->limit_sender_cases)
		xasprintf(&why, "%lld new cases from %s in the last hour"
		    " (limit_sender_cases %d)", n, from, c->limit_sender_cases);
	else if (f->rd->kind == KIND_APPLICATION && c->limit_cases > 0 &&
	    (n = flood_n(store_cases_since(st, NULL, since), &err)) >=
	    c->limit_cases) {
		xasprintf(&why, "%lld new cases in the last hour, everyone's"
		    " (limit_cases %d)", n, c->limit_cases);
		*everyone = 1;
	/* Officials answering a backlog are not a flood; the row is counted. */
	} else if (f->rd->role == NULL && c->limit_sender_mails > 0 &&
	    (n = flood_n(store_inbound_since(st, from, since), &err)) >
	    c->limit_sender_mails)
		xasprintf(&why, "%lld mails from %s in the last hour"
		    " (limit_sender_mails %d)", n, from, c->limit_sender_mails);
	else if (c->limit_mails > 0 &&
	    (n = flood_n(store_inbound_since(st, NULL, since), &err)) >
	    c->limit_mails) {
		xasprintf(&why, "%lld mails in the last hour, everyone's"
		    " (limit_mails %d)", n, c->limit_mails);
		*everyone = 1;
	}
	if (err) {
		free(why);
		return (-1);
	}
	*whyp = why;
	return (why != NULL);
}

/*
 * Holds the message if it is past a limit: 1 (d says where and why), 0
 * when it may be handled, -1 with cause when the admin's mail could not
 * be queued.
 */
int
flood_check(struct flow *f, char **cause)
{
	const struct conf	*c = f->ctx->conf;
	struct letter		 lt = { 0 };
	time_t			 since = clock_now() - FLOOD_WINDOW;
	char			*why;
	int64_t			 n;
	int			 everyone, held, rv = 1;

	if (f->rd->kind != KIND_APPLICATION && f->rd->kind != KIND_FOLLOWUP &&
	    f->rd->kind != KIND_REPLY && f->rd->kind != KIND_NOTICE)
		return (0);	/* answered by no one: nothing to amplify */
	if ((held = store_inbound_held(f->ctx->store, f->inbound)) == 1) {
		log_info("message from %s: released from %s by the admin",
		    f->m->from_addr, c->imap_held);
		return (0);
	}
	if (held == -1 || (held = flood_over(f, since, &everyone, &why)) ==
	    -1) {
		*cause = store_error(f->ctx->store);
		return (-1);
	}
	if (held == 0)
		return (0);
	f->d->kind = "held";
	flow_note(f, c->imap_held, "held for the admin: %s; moving it back to"
	    " %s releases it", why, c->imap_mailbox);
	log_warnx("message from %s held: %s", f->m->from_addr, why);
	if ((n = store_held_since(f->ctx->store, everyone ? NULL :
	    f->m->from_addr, since, f->inbound)) == -1) {
		*cause = store_error(f->ctx->store);
		rv = -1;
	} else if (n == 0) {
		lt.ctx = f->ctx;
		lt.m = f->m;
		lt.reason = why;
		if (letter_send(&lt, "surel-ditahan", c->admin_address, NULL,
		    NULL, cause) == -1)
			rv = -1;
	}
	free(why);
	return (rv);
}
