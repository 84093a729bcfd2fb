/* SPDX-License-Identifier: ISC */
/*
 * What needs a person, for `disposisi status` (its exit status and first
 * lines) and the metrics file (metrics.c): mail given up on, mail that
 * has waited an hour to go out, mail quarantined within a day, the
 * mailbox not read for a quarter of an hour, a step past its SOP's
 * escalation, a year of the next twelve months without holidays in the
 * rules, an audit checkpoint the trail does not reach. The figures come
 * from the database (store-health.c) and the rules; the clock is
 * clock_now().
 */

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "disposisi.h"

/* One line of the attention list. */
static void
health_say(struct health *h, const char *what, const char *fmt, ...)
{
	va_list	 ap;

	h->items = xreallocarray(h->items, h->nitems + 1, sizeof *h->items);
	h->items[h->nitems].what = what;
	va_start(ap, fmt);
	if (vasprintf(&h->items[h->nitems].text, fmt, ap) == -1)
		fatal("vasprintf");
	va_end(ap);
	h->nitems++;
}

/* Whether an earlier row is the same case's step (one line per step). */
static int
health_seen(const struct waiting_row *w, size_t i)
{
	size_t	 j;

	for (j = 0; j < i; j++)
		if (w[j].case_id == w[i].case_id &&
		    strcmp(w[j].step, w[i].step) == 0)
			return (1);
	return (0);
}

/*
 * The waiting steps: the longest wait in office minutes, and each step
 * past its SOP's escalation (the supervisor was told: now a person
 * should see why nobody answers).
 */
static int
health_waiting(struct ctx *ctx, struct health *h)
{
	struct waiting_row	*w;
	const struct sop	*sop;
	const struct step	*s;
	size_t			 n, i;
	long			 waited;

	if (store_waiting(ctx->store, &w, &n) == -1)
		return (-1);
	for (i = 0; i < n; i++) {
		if ((sop = rules_sop(ctx->rules, w[i].sop)) == NULL ||
		    (s = rules_step(sop, w[i].step)) == NULL)
			continue;
		waited = cal_office_minutes(&ctx->rules->cal, w[i].since,
		    h->now);
		if (waited > h->oldest)
			h->oldest = waited;
		if (!timer_past(s, waited, sop->escalate_pct) ||
		    health_seen(w, i))
			continue;
		h->overdue++;
		health_say(h, "escalation", "%s waits at step %s for %ld"
		    " office minutes, past its escalation at %ld (%d%% of"
		    " %d)", w[i].ref, w[i].step, waited, (long)s->minutes *
		    sop->escalate_pct / 100, sop->escalate_pct, s->minutes);
	}
	store_waiting_free(w, n);
	return (0);
}

/* The mail, the mailbox and the calendar. */
static void
health_mail(struct ctx *ctx, struct health *h)
{
	char	 when[64];

	if (h->c.failed > 0)
		health_say(h, "undelivered", "%lld mail(s) could not be"
		    " delivered: `disposisi outbox` says why, --retry sends"
		    " again", (long long)h->c.failed);
	if (h->c.queued_since != 0 && h->now - h->c.queued_since >
	    HEALTH_OUTBOX_STALE) {
		clock_format(h->c.queued_since, CLOCK_TIME, when, sizeof when);
		health_say(h, "unsent", "mail has waited to go out since %s:"
		    " is %s up? (`disposisi outbox`, the log)", when,
		    ctx->conf->smtp_host);
	}
	if (h->c.quarantined > 0)
		health_say(h, "quarantine", "%lld message(s) quarantined in"
		    " the last 24 hours: see the %s folder and the notes"
		    " below", (long long)h->c.quarantined,
		    ctx->conf->imap_quarantine);
	if (h->c.imap_ok == 0)
		health_say(h, "imap", "the daemon has never read the mailbox"
		    " %s", ctx->conf->imap_mailbox);
	else if (h->now - h->c.imap_ok > HEALTH_IMAP_STALE) {
		clock_format(h->c.imap_ok, CLOCK_TIME, when, sizeof when);
		health_say(h, "imap", "the mailbox was last read %s, %lld"
		    " minutes ago: is the daemon running, is %s up?", when,
		    (long long)(h->now - h->c.imap_ok) / 60,
		    ctx->conf->imap_host);
	}
	if (h->holidays_gap != 0)
		health_say(h, "holidays", "the rules hold no holidays for %d,"
		    " which the next 12 months reach: add %s/libur-%d.conf"
		    " (disposisi doctor)", h->holidays_gap,
		    ctx->conf->rules_dir, h->holidays_gap);
}

/*
 * The audit trail's checkpoint names an event the database does not hold
 * as sealed: events were cut off its end, or a backup was put back by
 * hand (disposisi(8), RESTORE).
 */
static int
health_audit(struct ctx *ctx, struct health *h)
{
	char	*why = NULL;
	int64_t	 id;
	int	 rv;

	if ((rv = store_checkpoint_check(ctx->store, ctx->conf->seal_checkpoint,
	    &id, &why)) == 1)
		health_say(h, "audit", "%s (`disposisi audit verify`)", why);
	free(why);
	return (rv == -1 ? -1 : 0);
}

/* Reads the figures and makes the attention list: 0, or -1 (said). */
int
health_read(struct ctx *ctx, struct health *h)
{
	memset(h, 0, sizeof *h);
	h->now = clock_now();
	if (store_health_counts(ctx->store, ctx->conf->imap_quarantine,
	    h->now - HEALTH_QUARANTINE_AGE, &h->c) == -1 ||
	    store_open_steps(ctx->store, &h->steps, &h->nsteps) == -1 ||
	    health_waiting(ctx, h) == -1 || health_audit(ctx, h) == -1) {
		health_free(h);
		return (-1);
	}
	h->holidays_gap = cal_holidays_gap(&ctx->rules->cal, h->now,
	    clock_add_months(h->now, 12));
	health_mail(ctx, h);
	return (0);
}

void
health_free(struct health *h)
{
	size_t	 i;

	for (i = 0; i < h->nitems; i++)
		free(h->items[i].text);
	free(h->items);
	store_open_steps_free(h->steps, h->nsteps);
	memset(h, 0, sizeof *h);
}

/*
 * The attention list and the figures as the first two members of
 * status's JSON object: "attention": [{"what", "text"}...], "health":
 * {...}. Keys are stable; times are Unix seconds, 0 for never.
 */
void
health_json(const struct health *h, FILE *f)
{
	size_t	 i;

	fputs("\"attention\": [", f);
	for (i = 0; i < h->nitems; i++) {
		fputs(i ? ", {\"what\": " : "{\"what\": ", f);
		util_json_str(f, h->items[i].what);
		fputs(", \"text\": ", f);
		util_json_str(f, h->items[i].text);
		fputc('}', f);
	}
	fprintf(f, "], \"health\": {\"now\": %lld, \"mail_received\": %lld,"
	    " \"mail_queued\": %lld, \"mail_unsent\": %lld, \"mail_failed\":"
	    " %lld, \"mail_queued_since\": %lld, \"quarantined_24h\": %lld,"
	    " \"last_imap_sync\": %lld,"
	    " \"last_smtp_sent\": %lld, \"oldest_wait_office_minutes\": %ld,"
	    " \"steps_past_escalation\": %d, \"holidays_missing_year\": %d,"
	    " \"open_cases\": [", (long long)h->now, (long long)h->c.received,
	    (long long)h->c.queued, (long long)h->c.unsent,
	    (long long)h->c.failed, (long long)h->c.queued_since,
	    (long long)h->c.quarantined,
	    (long long)h->c.imap_ok, (long long)h->c.smtp_ok, h->oldest,
	    h->overdue, h->holidays_gap);
	for (i = 0; i < h->nsteps; i++) {
		fputs(i ? ", {\"sop\": " : "{\"sop\": ", f);
		util_json_str(f, h->steps[i].sop);
		fputs(", \"step\": ", f);
		util_json_str(f, h->steps[i].step);
		fprintf(f, ", \"cases\": %lld}", (long long)h->steps[i].n);
	}
	fputs("]}", f);
}
