/* SPDX-License-Identifier: ISC */
/*
 * The metrics file (metrics_file): the robot's health (health.c) in the
 * Prometheus text exposition format, for node-exporter's textfile
 * collector. Only figures and the rules' SOP and step names: no address,
 * no name, no NIK, so the file may be world-readable. Written whole and
 * renamed into place, so a scrape never reads half of it; by the daemon
 * at most once a minute (metrics_turn), which also notes there the last
 * good sync of the mailbox for `status`.
 */

#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>

#include "disposisi.h"

#define METRICS_EVERY	60	/* seconds between two writes, at least */

/* A label value: backslash, quote and newline escaped. */
static void
metrics_label(FILE *f, const char *v)
{
	for (; *v != '\0'; v++) {
		if (*v == '\\' || *v == '"')
			fputc('\\', f);
		if (*v == '\n')
			fputs("\\n", f);
		else
			fputc(*v, f);
	}
}

/* One metric without labels: its HELP, TYPE and sample. */
static void
metrics_one(FILE *f, const char *name, const char *type, const char *help,
    long long v)
{
	fprintf(f, "# HELP disposisi_%s %s\n# TYPE disposisi_%s %s\n"
	    "disposisi_%s %lld\n", name, help, name, type, name, v);
}

static void
metrics_print(FILE *f, const struct health *h)
{
	size_t	 i;

	fputs("# HELP disposisi_cases_open Open cases by SOP and step.\n"
	    "# TYPE disposisi_cases_open gauge\n", f);
	for (i = 0; i < h->nsteps; i++) {
		fputs("disposisi_cases_open{sop=\"", f);
		metrics_label(f, h->steps[i].sop);
		fputs("\",step=\"", f);
		metrics_label(f, h->steps[i].step);
		fprintf(f, "\"} %lld\n", (long long)h->steps[i].n);
	}
	metrics_one(f, "mail_received_total", "counter", "Messages taken in"
	    " from the mailbox.", h->c.received);
	metrics_one(f, "mail_queued_total", "counter", "Mails queued to be"
	    " sent.", h->c.queued);
	metrics_one(f, "mail_sent_total", "counter", "Mails the submission"
	    " server accepted.", h->c.queued - h->c.unsent);
	metrics_one(f, "mail_failed", "gauge", "Mails given up on, until an"
	    " admin retries them.", h->c.failed);
	metrics_one(f, "mail_unsent", "gauge", "Mails not yet sent, failed"
	    " ones included.", h->c.unsent);
	metrics_one(f, "oldest_queued_timestamp_seconds", "gauge", "When the"
	    " oldest mail waiting to go out was queued (0: none).",
	    h->c.queued_since);
	metrics_one(f, "quarantined_24h", "gauge", "Messages quarantined in"
	    " the last 24 hours.", h->c.quarantined);
	metrics_one(f, "oldest_wait_office_minutes", "gauge", "Office minutes"
	    " the longest-waiting step has waited.", h->oldest);
	metrics_one(f, "steps_past_escalation", "gauge", "Steps waiting past"
	    " their SOP's escalation time.", h->overdue);
	metrics_one(f, "holidays_missing", "gauge", "1 when a year of the"
	    " next 12 months has no holidays in the rules.",
	    h->holidays_gap != 0);
	metrics_one(f, "attention", "gauge", "Things that need a person, as"
	    " disposisi status lists them.", (long long)h->nitems);
	metrics_one(f, "last_imap_sync_timestamp_seconds", "gauge", "When the"
	    " daemon last read the mailbox (0: never).", h->c.imap_ok);
	metrics_one(f, "last_smtp_success_timestamp_seconds", "gauge", "When"
	    " a mail was last accepted for delivery (0: never).", h->c.smtp_ok);
}

/* Writes the metrics file: 0, or -1 with *cause. */
int
metrics_write(const struct ctx *ctx, const struct health *h, char **cause)
{
	const char	*path = ctx->conf->metrics_file;
	FILE		*f;
	char		*buf = NULL;
	size_t		 len = 0;
	int		 rv;

	if ((f = open_memstream(&buf, &len)) == NULL)
		fatal("open_memstream");
	metrics_print(f, h);
	if (fclose(f) != 0)
		fatal("open_memstream");
	rv = util_write_file(path, buf, len, 0644, cause);
	free(buf);
	/* Node-exporter reads it as another user; the umask is the robot's. */
	if (rv == 0 && chmod(path, 0644) == -1)
		log_warnx("%s: cannot make it readable", path);
	return (rv);
}

/*
 * The daemon's turn: the mailbox synced (synced) is noted, and the
 * metrics written, each at most once a minute: a write of the database
 * a minute, not one a turn.
 */
void
metrics_turn(struct ctx *ctx, int synced)
{
	static time_t	 noted, written;
	struct health	 h;
	char		*cause;
	time_t		 mono = clock_mono();

	if (synced && (noted == 0 || mono - noted >= METRICS_EVERY)) {
		if (store_imap_ok(ctx->store, clock_now()) == 0)
			noted = mono;
	}
	if (ctx->conf->metrics_file == NULL || (written != 0 &&
	    mono - written < METRICS_EVERY))
		return;
	written = mono;
	if (health_read(ctx, &h) == -1)
		return;
	if (metrics_write(ctx, &h, &cause) == -1) {
		log_warnx("metrics: %s", cause);
		free(cause);
	}
	health_free(&h);
}
