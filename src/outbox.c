/* SPDX-License-Identifier: ISC */
/*
 * The sender: mail queue.c put in the outbox goes out from here.
 * outbox_drain() sends due rows one recipient at a time (smtp.c); a row
 * is marked sent only after the server's 250, so a crash in between
 * sends it again - with the same Message-ID, which the receiving server
 * uses to drop the copy. A row refused for good is marked failed, and
 * the caller's `refused` writes the report of it in that transaction:
 * the sender knows nothing of letters, the queue nothing of sending.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "disposisi.h"

/* Exponential backoff from smtp_retry_min, capped at smtp_retry_max. */
static time_t
outbox_backoff(const struct conf *c, int attempts)
{
	long	 d = c->smtp_retry_min;

	while (attempts-- > 0 && d < c->smtp_retry_max)
		d *= 2;
	return (d > c->smtp_retry_max ? c->smtp_retry_max : d);
}

/*
 * The server that gave no answer (refused, unreachable, TLS or AUTH
 * refused): no mail is tried before `until` (clock_mono()), the wait
 * doubling from smtp_retry_min to smtp_retry_max. One warning an outage.
 */
static struct {
	time_t	 until, since;
	long	 wait;
} outbox_down;

static void
outbox_server(const struct conf *c, int rv, const char *cause)
{
	time_t	 now = clock_mono();

	if (rv == SMTP_STOPPED)
		return;
	if (rv != SMTP_DOWN) {
		if (outbox_down.since != 0)
			log_info("SMTP %s:%d: answering again after %lld s",
			    c->smtp_host, c->smtp_port,
			    (long long)(now - outbox_down.since));
		memset(&outbox_down, 0, sizeof outbox_down);
		return;
	}
	outbox_down.wait = outbox_down.wait == 0 ? c->smtp_retry_min :
	    outbox_down.wait * 2 > c->smtp_retry_max ? c->smtp_retry_max :
	    outbox_down.wait * 2;
	outbox_down.until = now + outbox_down.wait;
	if (outbox_down.since == 0) {
		outbox_down.since = now;
		log_warnx("SMTP %s:%d: %s; no mail is sent until it answers,"
		    " tried again with backoff", c->smtp_host, c->smtp_port,
		    cause);
	} else
		log_debug("SMTP still down: %s; next try in %ld s", cause,
		    outbox_down.wait);
}

/*
 * The envelope sender of outbox row id: robot+bounce-ID@domain (VERP),
 * so that any bounce, DSN or not, names the mail it is about; the plain
 * robot address where the server has no plus addressing.
 */
void
outbox_return_path(const struct conf *c, int64_t id, char *buf, size_t len)
{
	const char	*at = strchr(c->robot_address, '@');

	if (c->reply_plus_address)
		snprintf(buf, len, "%.*s+bounce-%lld%s", (int)(at -
		    c->robot_address), c->robot_address, (long long)id, at);
	else
		snprintf(buf, len, "%s", c->robot_address);
}

/*
 * Says when the system clock jumped; after a jump back, queued mail is
 * due again within smtp_retry_max instead of hours later.
 */
static void
outbox_clock(struct ctx *ctx, time_t now)
{
	static struct clock_mark	 mark;
	time_t				 jump;
	int				 n;

	if ((jump = clock_jump(&mark, now, clock_mono())) == 0)
		return;
	log_warnx("clock: the system time jumped by %+lld s",
	    (long long)jump);
	if (jump > 0)
		return;
	n = store_outbox_clamp(ctx->store, now + ctx->conf->smtp_retry_max);
	if (n > 0)
		log_info("outbox: %d queued mail(s) due again within %ld s", n,
		    (long)ctx->conf->smtp_retry_max);
}

/*
 * Writes the result of one send into the open transaction; a mail
 * refused for good gets its report (refused) in the same one, so it is
 * reported exactly when it is marked failed.
 */
static int
outbox_result(struct ctx *ctx, const struct outbox_row *row, int rv,
    int code, const char *cause, outbox_refused_fn refused)
{
	switch (rv) {
	case SMTP_OK:
		return (store_outbox_result(ctx->store, row->id, "sent", code,
		    NULL, clock_now()));
	case SMTP_TEMPFAIL:
	case SMTP_DOWN:
		return (store_outbox_result(ctx->store, row->id, "queued",
		    code, cause, clock_now() + outbox_backoff(ctx->conf,
		    row->attempts)));
	default:
		if (store_outbox_result(ctx->store, row->id, "failed", code,
		    cause, clock_now()) == -1)
			return (-1);
		refused(ctx, row, code, cause);
		return (0);
	}
}

static void
outbox_said(const struct outbox_row *row, int rv, const char *cause)
{
	const char	*ref = row->case_ref ? row->case_ref : "-";

	if (rv == SMTP_OK)
		log_info("%s: sent mail %lld to %s <%s>", ref,
		    (long long)row->id, row->rcpt, row->message_id);
	else if (rv == SMTP_DOWN)	/* the outage has its own warning */
		log_debug("%s: mail %lld to %s deferred (attempt %d): %s", ref,
		    (long long)row->id, row->rcpt, row->attempts + 1, cause);
	else if (rv == SMTP_TEMPFAIL)
		log_warnx("%s: mail %lld to %s deferred (attempt %d): %s", ref,
		    (long long)row->id, row->rcpt, row->attempts + 1, cause);
	else
		log_warnx("%s: mail %lld to %s refused: %s", ref,
		    (long long)row->id, row->rcpt, cause);
}

/*
 * Records what the server said about one mail. A mail that went out is
 * recorded however long it takes (a lock held elsewhere, a full disk),
 * or it would go out again at the next start; only SIGTERM gives up.
 */
static int
outbox_record(struct ctx *ctx, const struct outbox_row *row, int rv,
    int code, const char *cause, outbox_refused_fn refused)
{
	time_t	 since = 0;
	char	*err;
	int	 pause = 1;

	for (;;) {
		if (store_begin_wait(ctx->store, ctx->term) == -1)
			break;
		if (outbox_result(ctx, row, rv, code, cause, refused) == 0 &&
		    store_commit(ctx->store) == 0) {
			if (since != 0)
				log_info("outbox: recorded again after %lld s",
				    (long long)(clock_mono() - since));
			outbox_said(row, rv, cause);
			return (0);
		}
		err = store_error(ctx->store);
		store_rollback(ctx->store);
		if (since == 0) {
			since = clock_mono();
			log_warnx("outbox: cannot record mail %lld: %s; trying"
			    " again until it can", (long long)row->id, err);
		}
		free(err);
		if (*ctx->term)
			break;
		sleep(pause);
		pause = pause < 30 ? pause * 2 : 30;
	}
	log_warnx("%s: mail %lld to %s: result not recorded; it may be sent"
	    " once more", row->case_ref ? row->case_ref : "-",
	    (long long)row->id, row->rcpt);
	return (-1);
}

/*
 * Sends every due row; refused writes the report of a mail refused for
 * good. Returns the number sent. The SMTP session stays open for the
 * next drain: a mail on it costs a transaction, not TCP, STARTTLS and
 * AUTH again; outbox_idle() closes it. A server that gave no answer
 * ends the drain: the other rows wait for its backoff.
 */
int
outbox_drain(struct ctx *ctx, outbox_refused_fn refused)
{
	struct outbox_row	*rows;
	size_t			 n, i;
	int			 code, rv, sent = 0;
	char			*cause, from[512];
	time_t			 now = clock_now();

	outbox_clock(ctx, now);
	if (clock_mono() < outbox_down.until)
		return (0);
	store_outbox_due(ctx->store, now, &rows, &n);
	if (n > 0) {
		log_debug("outbox: %zu mail(s) due", n);
		if (ctx->smtp == NULL)
			ctx->smtp = smtp_open(ctx->quit);
	}
	for (i = 0; i < n && !*ctx->quit; i++) {
		cause = NULL;
		outbox_return_path(ctx->conf, rows[i].id, from, sizeof from);
		rv = smtp_send(ctx->smtp, ctx->conf, from, rows[i].rcpt,
		    rows[i].path, &code, &cause);
		outbox_server(ctx->conf, rv, cause);
		/* Cut short: not delivered, the row stays as it was. */
		if (rv == SMTP_STOPPED || outbox_record(ctx, &rows[i], rv,
		    code, cause, refused) == -1 || rv == SMTP_DOWN) {
			free(cause);
			break;
		}
		if (rv == SMTP_OK)
			sent++;
		free(cause);
	}
	store_outbox_rows_free(rows, n);
	return (sent);
}

/*
 * Closes the SMTP session after smtp_idle_max seconds without mail, well
 * before the server gives up on it (Postfix: smtpd_timeout, 300 s).
 */
void
outbox_idle(struct ctx *ctx)
{
	if (ctx->smtp == NULL ||
	    smtp_idle(ctx->smtp) < ctx->conf->smtp_idle_max)
		return;
	log_debug("SMTP: closing the session, idle for %lld s",
	    (long long)smtp_idle(ctx->smtp));
	outbox_close(ctx);
}

/* Ends the SMTP session (QUIT), as at a stop or a reload. */
void
outbox_close(struct ctx *ctx)
{
	smtp_close(ctx->smtp);
	ctx->smtp = NULL;
}

/*
 * Seconds until the outbox has work, at most max: the next queued row
 * due (not before a server that gave no answer is tried again), or the
 * kept session to close (closed here once it has idled out).
 */
int
outbox_wait_seconds(struct ctx *ctx, int max)
{
	time_t	 when, now = clock_now(), down;

	outbox_idle(ctx);
	if (ctx->smtp != NULL && ctx->conf->smtp_idle_max -
	    smtp_idle(ctx->smtp) < max)
		max = ctx->conf->smtp_idle_max - (int)smtp_idle(ctx->smtp);
	if (store_outbox_next_due(ctx->store, &when) != 1)
		return (max);
	if ((down = outbox_down.until - clock_mono()) > 0 && when < now + down)
		when = now + down;
	if (when <= now)
		return (0);
	return (when - now < max ? (int)(when - now) : max);
}

int64_t
outbox_bounced(const struct conf *c, const char *addr)
{
	const char	*at = strchr(c->robot_address, '@'), *rat, *p;
	size_t		 llen = (size_t)(at - c->robot_address);
	long long	 id;
	char		*end;

	if (addr == NULL || (rat = strrchr(addr, '@')) == NULL ||
	    strcasecmp(rat, at) != 0 || strncasecmp(addr, c->robot_address,
	    llen) != 0 || strncasecmp(addr + llen, "+bounce-", 8) != 0)
		return (0);
	p = addr + llen + 8;
	id = strtoll(p, &end, 10);
	return (end != p && end == rat && id > 0 ? (int64_t)id : 0);
}
