/* SPDX-License-Identifier: ISC */
/*
 * disposisi: a mail robot that runs an office's SOP over e-mail. Each
 * subcommand is a file cmd-NAME.c exporting one struct cmd_entry, listed
 * in cmd_table below, that declares its arguments and what it needs (as
 * tmux's cmd_entry does). main() finds it, parses its arguments, sets up
 * what it needs - the config, the rules and templates checked together,
 * the database, the key, the spool - runs it, and tears it all down: one
 * path for every command, so a command's file holds only its own work.
 */

#include <sys/file.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "disposisi.h"

static const struct cmd_entry *const cmd_table[] = {
	&cmd_audit_entry,
	&cmd_backup_entry,
	&cmd_cancel_entry,
	&cmd_cases_entry,
	&cmd_check_entry,
	&cmd_doctor_entry,
	&cmd_explain_entry,
	&cmd_export_entry,
	&cmd_ingest_entry,
	&cmd_outbox_entry,
	&cmd_purge_entry,
	&cmd_reassign_entry,
	&cmd_report_entry,
	&cmd_resend_entry,
	&cmd_restore_entry,
	&cmd_run_entry,
	&cmd_show_entry,
	&cmd_status_entry,
	&cmd_version_entry
};

static void
usage(FILE *f)
{
	size_t	 i;

	fprintf(f, "usage:");
	for (i = 0; i < sizeof cmd_table / sizeof cmd_table[0]; i++)
		fprintf(f, "%s disposisi %s%s%s\n", i ? "      " : "",
		    cmd_table[i]->name, *cmd_table[i]->usage ? " " : "",
		    cmd_table[i]->usage);
}

/* Prints the usage of one command and returns the exit status for it. */
int
cmd_usage(const struct cmd_entry *e, int ok)
{
	fprintf(ok ? stdout : stderr, "usage: disposisi %s %s\n", e->name,
	    e->usage);
	if (e->needs & (CMD_CONF | CMD_CONF_OPT))
		fprintf(ok ? stdout : stderr, "-f FILE: by default %s\n",
		    CONF_PATH);
	return (ok ? 0 : 64);
}

/* Mail from the robot to itself would be read back as its own: refuse. */
static int
check_loops(const struct conf *c, const struct rules *r, char **cause)
{
	size_t	 i, j;

	if (util_addr_eq(c->admin_address, c->robot_address)) {
		xasprintf(cause, "%s: admin_address: must not be the robot's"
		    " own address", c->path);
		return (-1);
	}
	for (i = 0; i < r->nroles; i++) {
		for (j = 0; j < r->roles[i].naddrs; j++) {
			if (!util_addr_eq(r->roles[i].addrs[j],
			    c->robot_address))
				continue;
			xasprintf(cause, "%s: role %s: %s is the robot's own"
			    " address", r->roles[i].where, r->roles[i].name,
			    r->roles[i].addrs[j]);
			return (-1);
		}
	}
	return (0);
}

/*
 * Reads rules/ and checks them with the config and the templates.
 * Returns NULL with *cause (every error, a line each) on a mistake.
 */
struct rules *
setup_rules(struct ctx *ctx, char **cause)
{
	struct rules	*r, *old = ctx->rules;

	if ((r = rules_load(ctx->conf->rules_dir, cause)) == NULL)
		return (NULL);
	ctx->rules = r;
	if (check_loops(ctx->conf, r, cause) == -1 ||
	    letter_check(ctx, r, cause) == -1) {
		ctx->rules = old;
		rules_free(r);
		return (NULL);
	}
	ctx->rules = old;
	return (r);
}

/* Puts rules in force: the context's, and their zone for the clock. */
void
setup_rules_use(struct ctx *ctx, struct rules *r)
{
	if (r != ctx->rules)
		rules_free(ctx->rules);
	ctx->rules = r;
	clock_zone_set(r->cal.utc_offset);
}

/*
 * The pid of the running daemon, from the database's lock file, which it
 * holds; 0 when none runs.
 */
long
setup_robot_pid(const struct conf *c)
{
	char	*lock, buf[32];
	ssize_t	 n;
	long	 pid = 0;
	int	 fd;

	xasprintf(&lock, "%s.lock", c->database);
	if ((fd = open(lock, O_RDONLY | O_CLOEXEC)) != -1) {
		/* Held: a daemon runs. */
		if (flock(fd, LOCK_SH | LOCK_NB) == -1 &&
		    (n = read(fd, buf, sizeof buf - 1)) > 0) {
			buf[n] = '\0';
			pid = strtol(buf, NULL, 10);
		}
		close(fd);
	}
	free(lock);
	return (pid > 1 ? pid : 0);
}

/*
 * Wakes the running daemon so that what a command queued goes out now,
 * not at the next IDLE timeout. Returns 1 if a daemon was woken, 0 if
 * none runs.
 */
int
setup_wake(const struct conf *c)
{
	long	 pid = setup_robot_pid(c);

	return (pid != 0 && kill((pid_t)pid, SIGUSR1) == 0);
}

/* The option of the commands that change a case: why, for its history. */
const struct option cmd_reason_opts[] = {
	{ "reason", required_argument, NULL, 'r' },
	{ NULL, 0, NULL, 0 }
};

/* After an admin action: says so and wakes the daemon; exit status. */
int
cmd_case_done(struct ctx *ctx, int rv, const char *what, char *cause)
{
	if (rv == -1) {
		fprintf(stderr, "disposisi: %s\n", cause);
		free(cause);
		return (65);	/* EX_DATAERR */
	}
	printf("%s%s\n", what, setup_wake(ctx->conf) ? "" :
	    " (no robot runs: the mail goes out when it starts)");
	return (0);
}

/* What main() holds for a command beside its context. */
struct cmd_state {
	int	 lockfd;
	char	 scratch[64];		/* CMD_SCRATCH's directory */
};

#define CMD_HELP	1	/* --help, beside the command's own */

/*
 * Parses argv by the command's template: its options into a, the rest
 * left as its positional arguments. Returns -1 to go on, else the exit
 * status (--help 0, a usage error 64).
 */
static int
cmd_parse(const struct cmd_entry *e, int argc, char **argv, struct args *a)
{
	struct option	 lo[32];
	size_t		 n = 0;
	int		 ch;

	for (; e->args.longopts != NULL && e->args.longopts[n].name != NULL &&
	    n < sizeof lo / sizeof lo[0] - 2; n++)
		lo[n] = e->args.longopts[n];
	lo[n++] = (struct option){ "help", no_argument, NULL, CMD_HELP };
	lo[n] = (struct option){ NULL, 0, NULL, 0 };
	memset(a, 0, sizeof *a);
	while ((ch = getopt_long(argc, argv, e->args.template, lo,
	    NULL)) != -1) {
		if (ch == CMD_HELP)
			return (cmd_usage(e, 1));
		if (ch == '?' || ch == ':' || ch <= 0 || ch >= CMD_OPTS)
			return (cmd_usage(e, 0));
		a->value[ch] = optarg != NULL ? optarg : "";
		a->count[ch]++;
	}
	a->argc = argc - optind;
	a->argv = argv + optind;
	if (a->argc < e->args.lower || (e->args.upper != -1 &&
	    a->argc > e->args.upper))
		return (cmd_usage(e, 0));
	/* Without -f, the installed config; explain only if there is one. */
	if (!args_has(a, 'f') && ((e->needs & CMD_CONF) ||
	    ((e->needs & CMD_CONF_OPT) && access(CONF_PATH, F_OK) == 0))) {
		a->value['f'] = CONF_PATH;
		a->count['f'] = 1;
	}
	return (-1);
}

/* The config, and the rules checked with it and with the templates. */
static int
setup_conf(const struct cmd_entry *e, struct ctx *ctx, struct args *a,
    char **cause)
{
	struct rules	*r;
	int		 v = args_has(a, 'v');

	if (e->needs & CMD_CONF_OPT)
		ctx->conf = conf_load_lenient(args_get(a, 'f'), cause);
	else if (e->needs & CMD_CONF)
		ctx->conf = conf_load(args_get(a, 'f'), cause);
	if (ctx->conf == NULL)
		return (-1);
	if (e->needs & CMD_LOG)
		log_init(ctx->conf->log_syslog ? LOG_TO_SYSLOG : LOG_TO_STDERR,
		    v > ctx->conf->log_level ? v : ctx->conf->log_level);
	if (e->needs & CMD_RULES) {
		/* A lenient config names no addresses to check against. */
		r = e->needs & CMD_CONF_OPT ? rules_load(ctx->conf->rules_dir,
		    cause) : setup_rules(ctx, cause);
		if (r == NULL)
			return (-1);
		setup_rules_use(ctx, r);
	}
	if ((e->needs & CMD_SEAL) && conf_load_secret(ctx->conf, cause) == -1)
		return (-1);
	return (0);
}

/* One robot per database: two would answer every mail twice. */
static int
setup_lock(const struct conf *c, struct cmd_state *cs, char **cause)
{
	char	*lock;
	int	 rv = -1;

	xasprintf(&lock, "%s.lock", c->database);
	if ((cs->lockfd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC,
	    0600)) == -1)
		xasprintf(cause, "%s: %s", lock, strerror(errno));
	else if (flock(cs->lockfd, LOCK_EX | LOCK_NB) == -1)
		xasprintf(cause, "%s: another disposisi runs on this database",
		    lock);
	/* The pid, for admin commands to wake us with SIGUSR1. */
	else if (ftruncate(cs->lockfd, 0) == -1 || dprintf(cs->lockfd,
	    "%ld\n", (long)getpid()) < 0)
		xasprintf(cause, "%s: %s", lock, strerror(errno));
	else
		rv = 0;
	free(lock);
	return (rv);
}

/* The spool, or a scratch one that goes at the end; GMime to write in it. */
static int
setup_spool(const struct cmd_entry *e, struct ctx *ctx, struct cmd_state *cs,
    char **cause)
{
	if (e->needs & CMD_SCRATCH) {
		snprintf(cs->scratch, sizeof cs->scratch,
		    "/tmp/disposisi-%s.XXXXXX", e->name);
		if (mkdtemp(cs->scratch) == NULL) {
			xasprintf(cause, "%s: %s", cs->scratch,
			    strerror(errno));
			cs->scratch[0] = '\0';
			return (-1);
		}
	}
	if ((ctx->spool = spool_open(e->needs & CMD_SCRATCH ? cs->scratch :
	    ctx->conf->spool_dir, cause)) == NULL)
		return (-1);
	if (e->needs & CMD_SCRATCH)
		spool_scratch(ctx->spool);	/* removed after: no syncs */
	mime_init();
	return (0);
}

/* The database; one that must exist already says so when it does not. */
static int
setup_db(const struct cmd_entry *e, struct ctx *ctx, char **cause)
{
	const char	*db = ctx->conf->database;

	if ((e->needs & CMD_DB) && access(db, R_OK) == -1) {
		xasprintf(cause, "%s: no database yet (has the robot run?)",
		    db);
		return (-1);
	}
	if ((ctx->store = store_open(db, cause)) == NULL)
		return (-1);
	if (e->needs & CMD_SEAL) {
		store_set_key(ctx->store, ctx->conf->hmac_secret,
		    ctx->conf->hmac_secret_len);
		store_set_checkpoint(ctx->store, ctx->conf->seal_checkpoint);
	}
	return (0);
}

/*
 * Everything the command needs, in one order for all. Returns 0, or the
 * exit status with the reason printed: 78 for the config, the rules,
 * the templates or the key; 75 for a command an MTA runs; else 1.
 */
static int
setup(const struct cmd_entry *e, struct ctx *ctx, struct args *a,
    struct cmd_state *cs)
{
	char	*cause = NULL;
	int	 rv = 0;

	if (e->needs & CMD_TEMPFAIL)
		log_fatal_exit(EX_TEMPFAIL_STATUS);
	if ((e->needs & (CMD_CONF | CMD_CONF_OPT)) &&
	    setup_conf(e, ctx, a, &cause) == -1)
		rv = EX_CONFIG_STATUS;
	else if (((e->needs & CMD_LOCK) && setup_lock(ctx->conf, cs,
	    &cause) == -1) ||
	    ((e->needs & (CMD_SPOOL | CMD_SCRATCH)) && setup_spool(e, ctx, cs,
	    &cause) == -1) ||
	    ((e->needs & (CMD_DB | CMD_DB_CREATE)) && setup_db(e, ctx,
	    &cause) == -1))
		rv = e->needs & CMD_TEMPFAIL ? EX_TEMPFAIL_STATUS : 1;
	if (rv != 0) {
		fprintf(stderr, "disposisi: %s%s%s\n", e->needs & CMD_TEMPFAIL ?
		    e->name : "", e->needs & CMD_TEMPFAIL ? ": " : "", cause);
		free(cause);
	}
	return (rv);
}

/* Undoes setup(), whatever part of it was done. */
static void
teardown(struct ctx *ctx, struct cmd_state *cs)
{
	parse_stop();
	if (ctx->spool != NULL)
		mime_shutdown();
	spool_close(ctx->spool);
	if (cs->scratch[0] != '\0')
		util_rmtree(cs->scratch);
	store_close(ctx->store);
	rules_free(ctx->rules);
	conf_free(ctx->conf);
	if (cs->lockfd != -1)
		close(cs->lockfd);
}

static int
cmd_exec(const struct cmd_entry *e, int argc, char **argv)
{
	struct ctx		 ctx = { .wake_fd = -1 };
	struct cmd_state	 cs = { .lockfd = -1 };
	struct args		 a;
	int			 rv;

	if ((rv = cmd_parse(e, argc, argv, &a)) != -1)
		return (rv);
	if ((rv = setup(e, &ctx, &a, &cs)) == 0)
		rv = e->exec(e, &ctx, &a);
	teardown(&ctx, &cs);
	return (rv);
}

int
main(int argc, char **argv)
{
	char	*file;
	size_t	 i;

	/* _exit: LeakSanitizer's exit scan needs calls the jail forbids. */
	if (strcmp(argv[0], PARSE_ARGV0) == 0)
		_exit(parse_child(argc, argv));
	log_init(LOG_TO_STDERR, 0);
	clock_init();
	if (argc < 2) {
		usage(stderr);
		return (64);
	}
	/* "disposisi -f FILE CMD ..." is "disposisi CMD -f FILE ...". */
	if (argc >= 4 && strcmp(argv[1], "-f") == 0) {
		file = argv[2];
		argv[1] = argv[3];
		argv[2] = (char *)"-f";
		argv[3] = file;
	}
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		usage(stdout);
		return (0);
	}
	for (i = 0; i < sizeof cmd_table / sizeof cmd_table[0]; i++) {
		if (strcmp(argv[1], cmd_table[i]->name) != 0)
			continue;
		if (argc > 2 && strcmp(argv[2], "-h") == 0)
			return (cmd_usage(cmd_table[i], 1));
		return (cmd_exec(cmd_table[i], argc - 1, argv + 1));
	}
	fprintf(stderr, "disposisi: unknown command \"%s\"\n", argv[1]);
	usage(stderr);
	return (64);
}
