/* SPDX-License-Identifier: ISC */
/*
 * disposisi: a mail robot that runs an office's SOP over e-mail. Each
 * subcommand is a file cmd-NAME.c exporting one struct cmd_entry, listed
 * in cmd_table below; this file finds it and holds what several share:
 * loading and checking the config, the rules and the templates.
 */

#include <sys/file.h>

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
	&cmd_cancel_entry,
	&cmd_cases_entry,
	&cmd_check_entry,
	&cmd_explain_entry,
	&cmd_export_entry,
	&cmd_ingest_entry,
	&cmd_outbox_entry,
	&cmd_purge_entry,
	&cmd_reassign_entry,
	&cmd_report_entry,
	&cmd_resend_entry,
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

/* Loads config and rules for a command; exits 78 with the reason. */
void
setup_load(const char *path, struct ctx *ctx)
{
	char	*cause = NULL;

	if ((ctx->conf = conf_load(path, &cause)) == NULL ||
	    (ctx->rules = setup_rules(ctx, &cause)) == NULL) {
		fprintf(stderr, "disposisi: %s\n", cause);
		exit(EX_CONFIG_STATUS);
	}
	clock_zone_set(ctx->rules->cal.utc_offset);
}

/*
 * Everything an admin command that changes a case needs: the config,
 * the rules, the token key, the database and the spool (its mail is
 * written there, then sent by the daemon). Exits 78 on a config error.
 */
int
setup_admin(const char *path, struct ctx *ctx, char **cause)
{
	setup_load(path, ctx);
	if ((ctx->store = store_open(ctx->conf->database, cause)) == NULL ||
	    setup_seal(ctx, cause) == -1)
		return (-1);
	if ((ctx->spool = spool_open(ctx->conf->spool_dir, cause)) == NULL)
		return (-1);
	mime_init();
	return (0);
}

/* The robot's key, which seals the audit trail, for a command's store. */
int
setup_seal(struct ctx *ctx, char **cause)
{
	if (conf_load_secret(ctx->conf, cause) == -1)
		return (-1);
	store_set_key(ctx->store, ctx->conf->hmac_secret,
	    ctx->conf->hmac_secret_len);
	store_set_checkpoint(ctx->store, ctx->conf->seal_checkpoint);
	return (0);
}

/*
 * For the commands that read the database: the config and rules, and
 * the database, which must exist already. -1 with the reason printed.
 */
int
setup_read(const char *path, struct ctx *ctx)
{
	setup_load(path, ctx);
	return ((ctx->store = setup_db(ctx->conf)) == NULL ? -1 : 0);
}

/* setup_read() with the key that seals the events a command writes. */
int
setup_read_sealed(const char *path, struct ctx *ctx)
{
	char	*cause = NULL;

	if (setup_read(path, ctx) == -1)
		return (-1);
	if (setup_seal(ctx, &cause) == -1) {
		fprintf(stderr, "disposisi: %s\n", cause);
		free(cause);
		return (-1);
	}
	return (0);
}

/* The database, which must exist already; NULL with the reason printed. */
struct store *
setup_db(const struct conf *c)
{
	struct store	*st;
	char		*cause = NULL;

	if (access(c->database, R_OK) == -1 ||
	    (st = store_open(c->database, &cause)) == NULL) {
		fprintf(stderr, "disposisi: %s: %s\n", c->database, cause ?
		    cause : "no database yet (has the robot run?)");
		free(cause);
		return (NULL);
	}
	return (st);
}

void
setup_done(struct ctx *ctx)
{
	parse_stop();
	if (ctx->spool != NULL)
		mime_shutdown();
	spool_close(ctx->spool);
	store_close(ctx->store);
	rules_free(ctx->rules);
	conf_free(ctx->conf);
}

/*
 * Wakes the running daemon (its pid is in the database's lock file, which
 * it holds) so that what a command queued goes out now, not at the next
 * IDLE timeout. Returns 1 if a daemon was woken, 0 if none runs.
 */
int
setup_wake(const struct conf *c)
{
	char	*lock, buf[32];
	ssize_t	 n;
	long	 pid;
	int	 fd, rv = 0;

	xasprintf(&lock, "%s.lock", c->database);
	if ((fd = open(lock, O_RDONLY | O_CLOEXEC)) != -1) {
		/* Held: a daemon runs. */
		if (flock(fd, LOCK_SH | LOCK_NB) == -1 &&
		    (n = read(fd, buf, sizeof buf - 1)) > 0) {
			buf[n] = '\0';
			pid = strtol(buf, NULL, 10);
			if (pid > 1 && kill((pid_t)pid, SIGUSR1) == 0)
				rv = 1;
		}
		close(fd);
	}
	free(lock);
	return (rv);
}

/* Options shared by the commands that change a case: -f and --reason. */
int
cmd_case_args(const struct cmd_entry *self, int argc, char **argv,
    int nargs, const char **file, const char **reason)
{
	static const struct option longopts[] = {
		{ "reason", required_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 }
	};
	int	 ch;

	*file = *reason = NULL;
	while ((ch = getopt_long(argc, argv, "f:", longopts, NULL)) != -1) {
		if (ch == 'f')
			*file = optarg;
		else if (ch == 'r')
			*reason = optarg;
		else
			return (-1);
	}
	if (*file == NULL || argc - optind != nargs) {
		cmd_usage(self, 0);
		return (-1);
	}
	return (0);
}

/* Runs an admin action and wakes the daemon; exit status for main. */
int
cmd_case_done(struct ctx *ctx, int rv, const char *what, char *cause)
{
	if (rv == -1) {
		fprintf(stderr, "disposisi: %s\n", cause);
		free(cause);
		setup_done(ctx);
		return (65);	/* EX_DATAERR */
	}
	printf("%s%s\n", what, setup_wake(ctx->conf) ? "" :
	    " (no robot runs: the mail goes out when it starts)");
	setup_done(ctx);
	return (0);
}

int
main(int argc, char **argv)
{
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
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		usage(stdout);
		return (0);
	}
	for (i = 0; i < sizeof cmd_table / sizeof cmd_table[0]; i++) {
		if (strcmp(argv[1], cmd_table[i]->name) != 0)
			continue;
		if (argc > 2 && (strcmp(argv[2], "-h") == 0 ||
		    strcmp(argv[2], "--help") == 0))
			return (cmd_usage(cmd_table[i], 1));
		return (cmd_table[i]->exec(cmd_table[i], argc - 1, argv + 1));
	}
	fprintf(stderr, "disposisi: unknown command \"%s\"\n", argv[1]);
	usage(stderr);
	return (64);
}
