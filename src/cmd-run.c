/* SPDX-License-Identifier: ISC */
/*
 * `disposisi run [-v] -f FILE`: the daemon, and its one loop (run_loop):
 * connect to the mailbox when due, sync the mail (intake.c), run the
 * timers (timer.c), drain the outbox (outbox.c), wait, then handle the
 * signals, and tell systemd it lives (sd_notify: READY, WATCHDOG, STATUS,
 * STOPPING). SIGTERM or SIGINT finish the message in hand and stop; SIGHUP
 * reloads rules/ and mail-templates/ between two messages, refusing a
 * set with a mistake - or one that would leave an open case on a step
 * that no longer exists.
 */

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <systemd/sd-daemon.h>

#include "disposisi.h"

/*
 * Every wait of the daemon ends within a second of a stop (poll on the
 * wake pipe, libcurl's progress callback, the database's busy handler);
 * what cannot be cut (an IMAP read on a link that went silent, bounded
 * by imap_timeout) is cut here: a stop not done in STOP_GRACE seconds
 * ends the process as a kill -9 would, which exactly-once survives.
 */
#define STOP_GRACE	4
#define TIMER_TICK	60	/* seconds between looks at late steps */
#define SESSION_YOUNG	10	/* seconds; a session lost younger backs off */

/* quit ends a turn of the loop; term says it is for good, hup to reload. */
static volatile sig_atomic_t	 quit, term, hup;
static int			 wake_pipe[2] = { -1, -1 };
static int			 watchdog_s;	/* systemd's ping, or 0 */

/*
 * systemd (Type=notify): the daemon proves alive each turn of its loop
 * and each batch of mail taken in (ctx->alive), at least twice within
 * WatchdogSec; without systemd (no NOTIFY_SOCKET) these cost nothing.
 */
static void
run_alive(void)
{
	if (watchdog_s > 0)
		sd_notify(0, "WATCHDOG=1");
}

static void
on_late(int sig)
{
	static const char msg[] = "disposisi: not stopped within 4 s;"
	    " exiting at once\n";
	ssize_t			 n;

	(void)sig;
	/* A lost line is no matter (_FORTIFY_SOURCE refuses a (void) cast). */
	n = write(STDERR_FILENO, msg, sizeof msg - 1);
	(void)n;
	_exit(1);
}

static void
on_signal(int sig)
{
	ssize_t	 n = 0;
	int	 saved = errno;

	/* SIGUSR1: an admin command queued mail; just wake up. */
	if (sig == SIGHUP)
		hup = 1;
	else if (sig != SIGUSR1 && !term) {
		term = 1;
		alarm(STOP_GRACE);
	}
	if (sig != SIGUSR1)
		quit = 1;
	/* A full pipe wakes the loop already: a failed write is no matter. */
	if (wake_pipe[1] != -1)
		n = write(wake_pipe[1], "x", 1);
	(void)n;
	errno = saved;
}

/*
 * Every open case must find its SOP and step in the new rules. Returns
 * -1 with every stranded case named, at the SOP's file:line.
 */
static int
run_check_positions(struct ctx *ctx, const struct rules *r, char **cause)
{
	const struct sop	*sop;
	char			**sops, **steps, **refs, *s = NULL, *t;
	size_t			 i, n;

	if (store_case_positions(ctx->store, &sops, &steps, &refs, &n) == -1) {
		xasprintf(cause, "cannot read the open cases");
		return (-1);
	}
	for (i = 0; i < n; i++) {
		sop = rules_sop(r, sops[i]);
		if (sop == NULL)
			xasprintf(&t, "%s%s%s: SOP %s is gone, but open cases"
			    " follow it (%s)", s ? s : "", s ? "\n" : "",
			    ctx->conf->rules_dir, sops[i], refs[i]);
		else if (rules_step(sop, steps[i]) == NULL)
			xasprintf(&t, "%s%s%s: sop %s: step %s is gone, but"
			    " open cases wait there (%s)", s ? s : "", s ?
			    "\n" : "", sop->where, sop->name, steps[i],
			    refs[i]);
		else
			t = s ? xstrdup(s) : NULL;
		free(s);
		s = t;
		free(sops[i]);
		free(steps[i]);
		free(refs[i]);
	}
	free(sops);
	free(steps);
	free(refs);
	if (s == NULL)
		return (0);
	*cause = s;
	return (-1);
}

/*
 * The rules in force are new (a reload), or may be (a start): waiting
 * dispositions go to the people the rules name now, and when each falls
 * due is reckoned again by the next timer pass (standard times, the
 * thresholds or the calendar may have changed).
 */
static void
run_rules_in_force(struct ctx *ctx)
{
	char	*why;

	people_reassign(ctx);
	if (store_due_reset(ctx->store) == -1) {
		why = store_error(ctx->store);
		log_warnx("timer: cannot reset the due times: %s", why);
		free(why);
	}
}

static void
run_reload(struct ctx *ctx)
{
	struct rules	*r;
	char		*cause = NULL;

	if ((r = setup_rules(ctx, &cause)) == NULL ||
	    run_check_positions(ctx, r, &cause) == -1) {
		log_warnx("reload refused, keeping the rules in force:\n%s",
		    cause);
		free(cause);
		rules_free(r);
		return;
	}
	setup_rules_use(ctx, r);
	log_info("reloaded rules: version %s", r->version);
	run_rules_in_force(ctx);
}

/*
 * The mailbox session and its outages: while there is none, connecting
 * waits for retry_at (clock_mono()), the backoff doubling from 1 s to
 * imap_retry_max; one warning an outage.
 */
struct run_imap {
	struct intake	*in;
	time_t		 since;		/* clock_mono() the outage began, or 0 */
	time_t		 retry_at;	/* no connect before */
	int		 backoff;	/* seconds, the next wait */
};

/* The next connect waits the backoff, which doubles. */
static void
run_backoff(struct ctx *ctx, struct run_imap *ri)
{
	ri->retry_at = clock_mono() + ri->backoff;
	ri->backoff = ri->backoff * 2 > ctx->conf->imap_retry_max ?
	    ctx->conf->imap_retry_max : ri->backoff * 2;
}

/*
 * The session broke: reconnect at once, unless it died young - a server
 * that drops every fresh session is not hammered. Takes cause.
 */
static void
run_lost(struct ctx *ctx, struct run_imap *ri, char *cause)
{
	log_warnx("IMAP %s: %s; reconnecting", ctx->conf->imap_host, cause);
	free(cause);
	if (intake_age(ri->in) < SESSION_YOUNG)
		run_backoff(ctx, ri);
	else {
		ri->backoff = 1;
		ri->retry_at = 0;
	}
	intake_close(ri->in);
	ri->in = NULL;
	ri->since = clock_mono();
}

/*
 * A session to the mailbox, made when due; a long one is recycled first
 * (libetpan leaks over days, a session may go stale). 0 with a session.
 */
static int
run_connect(struct ctx *ctx, struct run_imap *ri)
{
	char	*cause;

	if (ri->in != NULL && intake_age(ri->in) > ctx->conf->imap_session_max) {
		log_debug("IMAP: recycling the session");
		intake_close(ri->in);
		ri->in = NULL;
		ri->backoff = 1;
	}
	if (ri->in != NULL)
		return (0);
	if (clock_mono() < ri->retry_at)
		return (-1);
	if ((ri->in = intake_connect(ctx, &cause)) == NULL) {
		if (ri->since == 0)	/* one line per outage, not per try */
			log_warnx("IMAP %s: %s; retrying with backoff",
			    ctx->conf->imap_host, cause);
		else
			log_debug("IMAP still down: %s", cause);
		free(cause);
		if (ri->since == 0)
			ri->since = clock_mono();
		run_backoff(ctx, ri);
		return (-1);
	}
	if (ri->since != 0)
		log_info("IMAP %s: connected again after %lld s",
		    ctx->conf->imap_host, (long long)(clock_mono() - ri->since));
	ri->since = 0;
	return (0);
}

/* READY=1 after the first turn; STATUS= when the mailbox comes or goes. */
static void
run_notify(const struct ctx *ctx, const struct run_imap *ri)
{
	static int	 ready, was = -1;

	if (!ready || was != (ri->in != NULL)) {
		was = ri->in != NULL;
		sd_notifyf(0, "%sSTATUS=%s %s", ready ? "" : "READY=1\n",
		    was ? "reading" : "cannot reach", ctx->conf->imap_host);
		ready = 1;
	}
	run_alive();
}

/* Empties the wake pipe so that poll() blocks again. */
static void
run_drain_wake(void)
{
	char	 buf[64];

	while (read(wake_pipe[0], buf, sizeof buf) > 0)
		;
}

/*
 * Waits for the next thing to do: new mail (IDLE, or a sleep without
 * it), a signal, the outbox's next retry or its idle session to close,
 * the timers' next minute, the next connect while the mailbox is away.
 */
static void
run_wait(struct ctx *ctx, struct run_imap *ri)
{
	struct pollfd	 pfd = { .fd = wake_pipe[0], .events = POLLIN };
	char		*cause;
	time_t		 left;
	int		 max = TIMER_TICK;

	if (ri->in != NULL && ctx->conf->imap_idle_timeout < max)
		max = ctx->conf->imap_idle_timeout;
	if (ri->in == NULL && (left = ri->retry_at - clock_mono()) < max)
		max = left > 0 ? (int)left : 0;
	max = outbox_wait_seconds(ctx, max);
	if (watchdog_s > 0 && watchdog_s / 2 < max)
		max = watchdog_s / 2 > 0 ? watchdog_s / 2 : 1;
	if (ri->in == NULL)
		poll(&pfd, 1, max * 1000);
	else if (intake_wait(ctx, ri->in, max, &cause) == -1)
		run_lost(ctx, ri, cause);
	run_drain_wake();
}

/*
 * After a signal: 1 to stop; else the reload SIGHUP asked for. The flags
 * change only with the signals blocked: none is lost.
 */
static int
run_signals(struct ctx *ctx, const sigset_t *sigs)
{
	sigset_t	 old;

	sigprocmask(SIG_BLOCK, sigs, &old);
	if (term) {
		sigprocmask(SIG_SETMASK, &old, NULL);
		return (1);
	}
	hup = quit = 0;
	sigprocmask(SIG_SETMASK, &old, NULL);
	outbox_close(ctx);	/* a transfer cut short; a fresh session */
	run_reload(ctx);
	return (0);
}

/*
 * The daemon's loop, one turn at a time: the mailbox (connect when due,
 * take new mail), the late steps, the outbox (a reminder the timers
 * queued leaves in the same turn), the wait, the signals. The mailbox
 * away does not stop the rest: timers keep their minute and mail still
 * goes out.
 */
static void
run_loop(struct ctx *ctx, const sigset_t *sigs)
{
	struct run_imap		 ri = { .backoff = 1 };
	enum intake_status	 st;
	char			*cause;

	for (;;) {
		st = INTAKE_STALLED;
		if (!quit && run_connect(ctx, &ri) == 0 &&
		    (st = intake_sync(ctx, ri.in, &cause)) == INTAKE_LOST)
			run_lost(ctx, &ri, cause);
		if (!quit)
			timer_run(ctx);
		if (!quit)
			outbox_drain(ctx, letter_undelivered);
		metrics_turn(ctx, st == INTAKE_SYNCED);
		run_notify(ctx, &ri);
		if (!quit)
			run_wait(ctx, &ri);
		if (quit && run_signals(ctx, sigs))
			break;
	}
	sd_notify(0, "STOPPING=1");
	intake_close(ri.in);
	outbox_close(ctx);
}

/* The handlers; sigs gets the signals that end a turn of the loop. */
static void
run_signal_setup(sigset_t *sigs)
{
	struct sigaction	 sa;

	if (pipe2(wake_pipe, O_CLOEXEC | O_NONBLOCK) == -1)
		fatal("pipe2");
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);
	sa.sa_handler = on_late;
	sigaction(SIGALRM, &sa, NULL);
	sigemptyset(sigs);
	sigaddset(sigs, SIGTERM);
	sigaddset(sigs, SIGINT);
	sigaddset(sigs, SIGHUP);
	signal(SIGPIPE, SIG_IGN);
}

/* systemd's WatchdogSec in whole seconds (at least 1), or 0 for none. */
static int
run_watchdog(void)
{
	uint64_t	 usec;

	if (sd_watchdog_enabled(0, &usec) <= 0)
		return (0);
	return (usec < 1000000 ? 1 : (int)(usec / 1000000));
}

/*
 * main() has set up what the daemon needs (cmd_run_entry.needs): the
 * lock is ours, so the spool's leftovers are our own to clean.
 */
static int
cmd_run(const struct cmd_entry *self, struct ctx *ctx, struct args *a)
{
	sigset_t		 sigs;
	char			*cause = NULL;

	(void)self;
	(void)a;
	spool_clean(ctx->spool);
	/* A trail from before the checkpoint gets one now. */
	store_checkpoint(ctx->store);
	if (run_check_positions(ctx, ctx->rules, &cause) == -1) {
		fprintf(stderr, "disposisi: %s\n", cause);
		free(cause);
		return (EX_CONFIG_STATUS);
	}
	/* The rules may have changed while the robot was stopped. */
	run_rules_in_force(ctx);
	run_signal_setup(&sigs);
	if (smtp_init() == -1)
		fatalx("libcurl initialisation failed");
	if (parse_selftest(ctx->conf, ctx->spool, &cause) == -1) {
		fprintf(stderr, "disposisi: %s\n", cause);
		free(cause);
		return (EX_CONFIG_STATUS);
	}
	ctx->quit = (volatile int *)&quit;
	ctx->term = (volatile int *)&term;
	ctx->wake_fd = wake_pipe[0];
	watchdog_s = run_watchdog();
	ctx->alive = run_alive;
	log_info("disposisi %s starting: %s@%s:%d, rules version %s",
	    DISPOSISI_VERSION, ctx->conf->imap_user, ctx->conf->imap_host,
	    ctx->conf->imap_port, ctx->rules->version);
	run_loop(ctx, &sigs);
	log_info("disposisi stopping");
	return (0);
}

const struct cmd_entry cmd_run_entry = {
	.name = "run",
	.usage = "[-v] -f FILE",
	.args = { "f:v", 0, 0, NULL },
	.needs = CMD_CONF | CMD_RULES | CMD_LOG | CMD_SEAL | CMD_LOCK |
	    CMD_SPOOL | CMD_DB_CREATE,
	.exec = cmd_run
};
