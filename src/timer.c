/* SPDX-License-Identifier: ISC */
/*
 * Late steps. Every minute (and after every batch of mail) the daemon
 * looks at the dispositions waiting in open cases that are due: each
 * carries the time its next threshold falls (dispatches.due_at, reckoned
 * here from the calendar, reset by a reload or a move of its case), so a
 * pass reads only those, not every open case. It counts the office
 * minutes each has waited. At the SOP's first threshold (remind,
 * 100% of the step's standard time) the official is reminded; at the
 * second (escalate, 200%) the supervisor the rules name for the step's
 * role is told, or the admin when there is none. Only in office hours:
 * a reminder due in the night goes out when the office opens. Each is
 * recorded in the same transaction as its mail, once (UNIQUE), so a
 * crash, a restart or a reload never sends it twice. A case waiting on
 * the applicant has no waiting disposition: its clock stands still.
 * The same pass reminds applicants whose certificate nears its end.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "disposisi.h"

struct timer {
	struct ctx		*ctx;
	struct waiting_row	*rows;
	size_t			 n;
	time_t			 now;
	int			 sent;
};

static int
timer_letter(struct timer *t, const struct waiting_row *w,
    const struct sop *sop, const struct step *s, struct letter *lt,
    struct case_row **c, char *waited, size_t len, char **cause)
{
	if (store_case_get(t->ctx->store, w->case_id, c) != 1) {
		xasprintf(cause, "%s: cannot read the case", w->ref);
		return (-1);
	}
	snprintf(waited, len, "%ld", cal_office_minutes(&t->ctx->rules->cal,
	    w->since, t->now));
	memset(lt, 0, sizeof *lt);
	lt->ctx = t->ctx;
	lt->c = *c;
	lt->sop = sop;
	lt->step = s;
	lt->waited = waited;
	return (0);
}

/* The official is reminded, with the disposition's token: a reply works. */
static int
timer_remind(struct timer *t, const struct waiting_row *w,
    const struct sop *sop, const struct step *s, char **cause)
{
	struct letter	 lt;
	struct case_row	*c;
	char		 waited[32];
	int		 rv;

	if ((rv = store_reminder_add(t->ctx->store, w->case_id, w->step,
	    w->round, 1, w->official)) != 1)
		return (rv == 0 ? 0 : -1);
	if (timer_letter(t, w, sop, s, &lt, &c, waited, sizeof waited,
	    cause) == -1)
		return (-1);
	lt.official = w->official;
	/* A notice step's actor watches AMS: reminded to, not to answer. */
	rv = letter_send(&lt, s->kind == &step_notice ? "pengingat-pemantauan" :
	    "pengingat", w->official, s->role->title, w->token, cause);
	if (rv == 0 && store_event(t->ctx->store, w->case_id, w->official,
	    "pengingat", w->step) == -1)
		rv = -1;
	if (rv == 0) {
		log_info("%s: %s reminded: step %s waited %s office minutes"
		    " (standard %d)", w->ref, w->official, w->step, waited,
		    s->minutes);
		t->sent++;
	}
	store_case_free(c);
	return (rv);
}

/* The supervisor hears who has not answered, once per step and round. */
static int
timer_escalate(struct timer *t, const struct waiting_row *w,
    const struct sop *sop, const struct step *s, char **cause)
{
	const struct role	*sup = s->role->supervisor;
	struct letter		 lt;
	struct case_row		*c;
	char			 waited[32], *who = xstrdup(""), *x, **names;
	size_t			 i, n;
	int			 rv;

	if ((rv = store_reminder_add(t->ctx->store, w->case_id, w->step,
	    w->round, 2, "")) != 1) {
		free(who);
		return (rv == 0 ? 0 : -1);
	}
	if (store_dispatch_who(t->ctx->store, w->case_id, w->step, w->round,
	    NULL, &names, &n) == -1) {
		free(who);
		return (-1);
	}
	for (i = 0; i < n; i++) {
		xasprintf(&x, "%s%s%s", who, *who ? ", " : "", names[i]);
		free(who);
		who = x;
	}
	xfreelist(names, n);
	if (timer_letter(t, w, sop, s, &lt, &c, waited, sizeof waited,
	    cause) == -1) {
		free(who);
		return (-1);
	}
	lt.official = who;
	lt.to_title = sup != NULL ? sup->title : "Admin disposisi";
	lt.since = w->since;
	/* A notice step waits for BSrE, not for an answer: said so. */
	for (i = 0, rv = 0; rv == 0 && i < (sup ? sup->naddrs : 1); i++)
		rv = letter_send(&lt, s->kind == &step_notice ?
		    "eskalasi-pemantauan" : "eskalasi", sup ? sup->addrs[i] :
		    t->ctx->conf->admin_address, lt.to_title, NULL, cause);
	if (rv == 0 && store_event(t->ctx->store, w->case_id, sup ?
	    sup->addrs[0] : t->ctx->conf->admin_address, "eskalasi", who) == -1)
		rv = -1;
	if (rv == 0) {
		log_info("%s: step %s waited %s office minutes (standard %d):"
		    " %s told", w->ref, w->step, waited, s->minutes, sup ?
		    sup->name : "the admin");
		t->sent++;
	}
	free(who);
	store_case_free(c);
	return (rv);
}

/*
 * Whether a step that has waited this many office minutes is at pct% of
 * its standard time; never for a step without an actor or a standard.
 */
int
timer_past(const struct step *s, long waited, int pct)
{
	if (s == NULL || s->role == NULL || s->minutes <= 0)
		return (0);
	return (waited * 100 >= (long)s->minutes * pct);
}

/* When a threshold of pct% of the step's standard time is reached. */
static time_t
timer_at(const struct timer *t, const struct waiting_row *w,
    const struct step *s, int pct)
{
	time_t	 at;

	/* The least whole office minutes that timer_one counts as reached. */
	at = cal_office_after(&t->ctx->rules->cal, w->since,
	    ((long)s->minutes * pct + 99) / 100);
	return (at == 0 ? STORE_DUE_NEVER : at);
}

/* When the timer next has work on w: its reminder, or the escalation. */
static time_t
timer_due(const struct timer *t, const struct waiting_row *w,
    const struct sop *sop, const struct step *s)
{
	time_t	 due = STORE_DUE_NEVER, at;

	if (!w->reminded && (at = timer_at(t, w, s, sop->remind_pct)) < due)
		due = at;
	if (!w->escalated && (at = timer_at(t, w, s, sop->escalate_pct)) < due)
		due = at;
	return (due);
}

/* A due disposition: reminded, escalated, then reckoned for next time. */
static int
timer_one(struct timer *t, struct waiting_row *w, char **cause)
{
	const struct sop	*sop = rules_sop(t->ctx->rules, w->sop);
	const struct step	*s = sop ? rules_step(sop, w->step) : NULL;
	long			 waited;

	if (s == NULL || s->role == NULL || s->minutes <= 0)
		return (store_due_set(t->ctx->store, w->dispatch_id,
		    STORE_DUE_NEVER));
	waited = cal_office_minutes(&t->ctx->rules->cal, w->since, t->now);
	if (!w->reminded && timer_past(s, waited, sop->remind_pct)) {
		if (timer_remind(t, w, sop, s, cause) == -1)
			return (-1);
		w->reminded = 1;
	}
	if (!w->escalated && timer_past(s, waited, sop->escalate_pct)) {
		if (timer_escalate(t, w, sop, s, cause) == -1)
			return (-1);
		w->escalated = 1;
	}
	return (store_due_set(t->ctx->store, w->dispatch_id, timer_due(t, w,
	    sop, s)));
}

/*
 * How soon a certificate ends, counted on the day the letter is made:
 * the timer queues it only in office hours, so a reminder due on a
 * Saturday says on Monday what is left then. The letter also says the
 * date it counts from, should the mail wait in the outbox.
 */
static void
timer_days_left(time_t now, time_t end, char *buf, size_t len)
{
	int	 d = clock_days(now, end);

	if (d > 1)
		snprintf(buf, len, "berakhir %d hari lagi", d);
	else
		snprintf(buf, len, "%s", d == 1 ? "berakhir besok" : d == 0 ?
		    "berakhir hari ini" : "telah berakhir");
}

/*
 * A certificate nears its end: the applicant is reminded the SOP's days
 * before (30 and 7), each once. After a long stop only the most urgent
 * one due is sent; the earlier ones are recorded as passed.
 */
static int
timer_expiry(struct timer *t, const struct waiting_row *w, char **cause)
{
	const struct sop	*sop = rules_sop(t->ctx->rules, w->sop);
	struct letter		 lt = { 0 };
	struct case_row		*c;
	char			 left[32], until[32];
	int			 d, send = 0, rv;
	size_t			 i;

	for (i = 0; sop != NULL && i < sop->nexpiry; i++) {
		d = sop->expiry_days[i];
		if (t->now < w->since - (time_t)d * 86400)
			continue;
		if ((rv = store_reminder_add(t->ctx->store, w->case_id,
		    "expiry", 0, d, w->official)) == -1)
			return (-1);
		if (rv == 1 && (send == 0 || d < send))
			send = d;
	}
	if (send == 0)
		return (0);
	if (store_case_get(t->ctx->store, w->case_id, &c) != 1) {
		xasprintf(cause, "%s: cannot read the case", w->ref);
		return (-1);
	}
	timer_days_left(t->now, w->since, left, sizeof left);
	clock_format(w->since, CLOCK_DATE, until, sizeof until);
	lt.ctx = t->ctx;
	lt.c = c;
	lt.sop = sop;
	lt.left = left;
	lt.expires = until;
	rv = letter_send(&lt, "pengingat-pembaharuan", c->applicant,
	    c->applicant_name, NULL, cause);
	if (rv == 0) {
		log_info("%s: %s reminded (%d days before): the certificate"
		    " ends on %s", w->ref, c->applicant, send, until);
		t->sent++;
	}
	store_case_free(c);
	return (rv);
}

static int
timer_expiries(struct timer *t, char **cause)
{
	struct waiting_row	*rows;
	size_t			 n, i, j;
	int			 max = 0, rv = 0;

	for (i = 0; i < t->ctx->rules->nsops; i++) {
		for (j = 0; j < t->ctx->rules->sops[i].nexpiry; j++) {
			if (t->ctx->rules->sops[i].expiry_days[j] > max)
				max = t->ctx->rules->sops[i].expiry_days[j];
		}
	}
	if (max == 0)
		return (0);
	if (store_expiring(t->ctx->store, t->now, t->now + (time_t)max *
	    86400, &rows, &n) == -1)
		return (-1);
	for (i = 0; rv == 0 && i < n; i++)
		rv = timer_expiry(t, &rows[i], cause);
	store_waiting_free(rows, n);
	return (rv);
}

/* One pass; returns the number of mails queued, or -1 (rolled back). */
int
timer_run(struct ctx *ctx)
{
	struct timer	 t = { 0 };
	char		*cause = NULL;
	size_t		 i;
	int		 rv;

	t.ctx = ctx;
	t.now = clock_now();
	retention_daily(ctx);		/* at any hour, once a day */
	if (!cal_is_open(&ctx->rules->cal, t.now)) {
		log_debug("timer: the office is closed");
		return (0);
	}
	if (store_begin(ctx->store) == -1) {
		log_warnx("timer: the database is busy; next minute");
		return (-1);
	}
	if (store_waiting_due(ctx->store, t.now, &t.rows, &t.n) == -1)
		goto fail;
	for (i = 0; i < t.n; i++) {
		if (timer_one(&t, &t.rows[i], &cause) == -1)
			goto fail;
	}
	if (timer_expiries(&t, &cause) == -1)
		goto fail;
	/* The Head's monthly report: the first office hour of the month. */
	if ((rv = report_monthly(ctx, t.now, &cause)) == -1)
		goto fail;
	t.sent += rv;
	store_waiting_free(t.rows, t.n);
	if (store_commit(ctx->store) == -1) {
		store_rollback(ctx->store);
		log_warnx("timer: cannot commit; next minute");
		return (-1);
	}
	/* Said once committed: tests wait for it before reading the outbox. */
	log_debug("timer: %zu disposition(s) due, %d mail(s) queued",
	    t.n, t.sent);
	return (t.sent);
fail:
	log_warnx("timer: %s; next minute", cause ? cause :
	    "cannot read the waiting dispositions");
	free(cause);
	store_waiting_free(t.rows, t.n);
	store_rollback(ctx->store);
	return (-1);
}
