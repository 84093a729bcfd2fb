/* SPDX-License-Identifier: ISC */
/*
 * `disposisi run [-v] -f FILE`: the daemon. SIGTERM or SIGINT finish the
 * message in hand and stop; SIGHUP reloads rules/ and mail-templates/
 * between two messages, refusing a set with a mistake - or one that
 * would leave an open case on a step that no longer exists.
 */

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "disposisi.h"

/*
 * Every wait of the daemon ends within a second of a stop (poll on the
 * wake pipe, libcurl's progress callback, the database's busy handler);
 * what cannot be cut (an IMAP read on a link that went silent, bounded
 * by imap_timeout) is cut here: a stop not done in STOP_GRACE seconds
 * ends the process as a kill -9 would, which exactly-once survives.
 */
#define STOP_GRACE	4

/* quit stops the intake loop; term says it is for good, hup to reload. */
static volatile sig_atomic_t	 quit, term, hup;
static int			 wake_pipe[2] = { -1, -1 };

static void
on_late(int sig)
{
	static const char msg[] = "disposisi: not stopped within 4 s;"
	    " exiting at once\n";

	(void)sig;
	(void)write(STDERR_FILENO, msg, sizeof msg - 1);
	_exit(1);
}

static void
on_signal(int sig)
{
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
	if (wake_pipe[1] != -1)
		(void)write(wake_pipe[1], "x", 1);
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
	people_reassign(ctx);
}

/*
 * main() has set up what the daemon needs (cmd_run_entry.needs): the
 * lock is ours, so the spool's leftovers are our own to clean.
 */
static int
cmd_run(const struct cmd_entry *self, struct ctx *ctx, struct args *a)
{
	struct sigaction	 sa;
	sigset_t		 sigs, old;
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
	/* People may have changed while the robot was stopped. */
	people_reassign(ctx);
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
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGHUP);
	signal(SIGPIPE, SIG_IGN);
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
	log_info("disposisi %s starting: %s@%s:%d, rules version %s",
	    DISPOSISI_VERSION, ctx->conf->imap_user, ctx->conf->imap_host,
	    ctx->conf->imap_port, ctx->rules->version);
	for (;;) {
		intake_run(ctx);
		outbox_close(ctx);	/* a reload may name another server */
		/* Flags change only with the signals blocked: none is lost. */
		sigprocmask(SIG_BLOCK, &sigs, &old);
		if (term) {
			sigprocmask(SIG_SETMASK, &old, NULL);
			break;
		}
		hup = quit = 0;
		sigprocmask(SIG_SETMASK, &old, NULL);
		run_reload(ctx);
	}
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
