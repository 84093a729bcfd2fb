/* SPDX-License-Identifier: ISC */
/*
 * disposisi: a mail robot that runs an office's SOP over e-mail.
 *
 *	disposisi run [-v] -f disposisi.conf	the daemon
 *	disposisi check -f disposisi.conf	check config, rules, templates
 *	disposisi status -f disposisi.conf [REF]	what happened, and why
 *	disposisi version
 */

#include <sys/file.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "disposisi.h"

/* quit stops the intake loop; term says it is for good, hup to reload. */
static volatile sig_atomic_t	 quit, term, hup;
static int			 wake_pipe[2] = { -1, -1 };

/* Every template the workflow sends, and every variable one may use. */
static const char *templates[] = {
	"alasan-diperlukan", "balas-disposisi", "berkas-diterima",
	"bukan-pejabat", "disposisi",
	"disposisi-selesai", "ditolak",
	"gagal-kirim", "kemajuan", "lampiran-kurang", "sudah-diproses",
	"tanda-terima", "tercatat", "tidak-dipahami",
};
static const struct tvar template_probe[] = {
	{ "ref", "TTE-2026-00001" }, { "pemohon", "x" },
	{ "email_pemohon", "x" }, { "perihal", "x" }, { "tanggal", "x" },
	{ "robot", "x" }, { "pejabat", "x" }, { "langkah", "x" },
	{ "tugas", "x" }, { "waktu_baku", "x" }, { "alamat_balas", "x" },
	{ "lampiran", "x" }, { "tautan_y", "x" }, { "tautan_t", "x" },
	{ "keputusan", "x" }, { "alasan", "x" }, { "pejabat_berikut", "x" },
	{ "status", "x" }, { "baris", "x" }, { "penerima", "x" },
	{ "kode", "x" }, { "message_id", "x" }, { "catatan_lampiran", "x" },
	{ "alamat_pejabat", "x" },
};

static void
usage(void)
{
	fprintf(stderr, "usage: disposisi run [-v] -f file\n"
	    "       disposisi check -f file\n"
	    "       disposisi status -f file [TTE-YYYY-NNNNN]\n"
	    "       disposisi version\n");
	exit(64);
}

static void
on_signal(int sig)
{
	int	 saved = errno;

	if (sig == SIGHUP)
		hup = 1;
	else
		term = 1;
	quit = 1;
	if (wake_pipe[1] != -1)
		(void)write(wake_pipe[1], "x", 1);
	errno = saved;
}

static int
check_templates(const struct conf *c, char **cause)
{
	char	*s, *b;
	size_t	 i;

	for (i = 0; i < sizeof templates / sizeof templates[0]; i++) {
		if (template_render(c->templates_dir, templates[i],
		    template_probe, sizeof template_probe /
		    sizeof template_probe[0], &s, &b, cause) == -1)
			return (-1);
		free(s);
		free(b);
	}
	return (0);
}

/* Mail from the robot to itself would be read back as its own: refuse. */
static int
check_loops(const struct conf *c, const struct rules *r, char **cause)
{
	size_t	 i;

	if (util_addr_eq(c->admin_address, c->robot_address)) {
		xasprintf(cause, "%s: admin_address: must not be the robot's"
		    " own address", c->path);
		return (-1);
	}
	for (i = 0; i < r->nofficials; i++) {
		if (util_addr_eq(r->officials[i].address, c->robot_address)) {
			xasprintf(cause, "%s: official %s: %s is the robot's own"
			    " address", c->rules_dir, r->officials[i].role,
			    r->officials[i].address);
			return (-1);
		}
	}
	return (0);
}

/* Loads everything a run needs; exits 78 with one clear line on error. */
static void
load(const char *path, struct conf **c, struct rules **r)
{
	char	*cause = NULL;

	if ((*c = conf_load(path, &cause)) == NULL) {
		fprintf(stderr, "disposisi: %s\n", cause);
		exit(EX_CONFIG_STATUS);
	}
	if ((*r = rules_load((*c)->rules_dir, &cause)) == NULL ||
	    check_loops(*c, *r, &cause) == -1 ||
	    check_templates(*c, &cause) == -1) {
		fprintf(stderr, "disposisi: %s\n", cause);
		exit(EX_CONFIG_STATUS);
	}
}

static int
cmd_check(const char *path)
{
	struct conf	*c;
	struct rules	*r;

	load(path, &c, &r);
	printf("%s: OK (%zu officials, %zu steps, %zu applicant domains)\n",
	    path, r->nofficials, r->nsteps, r->napplicant_domains);
	rules_free(r);
	conf_free(c);
	return (0);
}

static int
cmd_status(const char *path, const char *ref)
{
	struct conf	*c;
	struct store	*st;
	char		*cause = NULL;
	int		 rv;

	if ((c = conf_load(path, &cause)) == NULL) {
		fprintf(stderr, "disposisi: %s\n", cause);
		return (EX_CONFIG_STATUS);
	}
	if (access(c->database, R_OK) == -1 ||
	    (st = store_open(c->database, &cause)) == NULL) {
		fprintf(stderr, "disposisi: %s: %s\n", c->database, cause ?
		    cause : "no database yet (has the robot run?)");
		conf_free(c);
		return (1);
	}
	rv = status_show(st, ref);
	store_close(st);
	conf_free(c);
	return (rv);
}

/*
 * SIGHUP: read rules/ and mail-templates/ again. A set with an error is
 * refused with file:line in the log, and the robot goes on with the old.
 */
static void
reload(struct ctx *ctx)
{
	struct rules	*r;
	char		*cause = NULL;

	if ((r = rules_load(ctx->conf->rules_dir, &cause)) == NULL ||
	    check_loops(ctx->conf, r, &cause) == -1 ||
	    check_templates(ctx->conf, &cause) == -1) {
		log_warnx("reload refused, keeping the rules in force: %s",
		    cause);
		free(cause);
		rules_free(r);
		return;
	}
	rules_free(ctx->rules);
	ctx->rules = r;
	log_info("reloaded rules: %zu officials, %zu steps", r->nofficials,
	    r->nsteps);
}

static int
cmd_run(const char *path, int verbose)
{
	struct ctx		 ctx = { 0 };
	struct sigaction	 sa;
	sigset_t		 sigs, old;
	char			*cause = NULL, *lock;
	int			 lockfd;

	load(path, &ctx.conf, &ctx.rules);
	log_init(ctx.conf->log_syslog ? LOG_TO_SYSLOG : LOG_TO_STDERR,
	    verbose > ctx.conf->log_level ? verbose : ctx.conf->log_level);
	if (conf_load_secret(ctx.conf, &cause) == -1) {
		fprintf(stderr, "disposisi: %s\n", cause);
		exit(EX_CONFIG_STATUS);
	}
	/* One robot per database: two would answer every mail twice. */
	xasprintf(&lock, "%s.lock", ctx.conf->database);
	if ((lockfd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0600)) == -1)
		fatal("%s", lock);
	if (flock(lockfd, LOCK_EX | LOCK_NB) == -1)
		fatalx("%s: another disposisi runs on this database", lock);
	free(lock);
	if ((ctx.spool = spool_open(ctx.conf->spool_dir, &cause)) == NULL)
		fatalx("spool: %s", cause);
	spool_clean(ctx.spool);
	if ((ctx.store = store_open(ctx.conf->database, &cause)) == NULL)
		fatalx("database: %s", cause);
	if (pipe2(wake_pipe, O_CLOEXEC | O_NONBLOCK) == -1)
		fatal("pipe2");
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGHUP);
	signal(SIGPIPE, SIG_IGN);
	if (smtp_init() == -1)
		fatalx("libcurl initialisation failed");
	mime_init();
	ctx.quit = (volatile int *)&quit;
	ctx.wake_fd = wake_pipe[0];
	log_info("disposisi %s starting: %s@%s:%d, %zu steps",
	    DISPOSISI_VERSION, ctx.conf->imap_user, ctx.conf->imap_host,
	    ctx.conf->imap_port, ctx.rules->nsteps);
	for (;;) {
		intake_run(&ctx);
		/* Flags change only with the signals blocked: none is lost. */
		sigprocmask(SIG_BLOCK, &sigs, &old);
		if (term) {
			sigprocmask(SIG_SETMASK, &old, NULL);
			break;
		}
		hup = quit = 0;
		sigprocmask(SIG_SETMASK, &old, NULL);
		reload(&ctx);
	}
	log_info("disposisi stopping");
	mime_shutdown();
	store_close(ctx.store);
	spool_close(ctx.spool);
	rules_free(ctx.rules);
	conf_free(ctx.conf);
	close(lockfd);
	return (0);
}

int
main(int argc, char **argv)
{
	const char	*cmd, *file = NULL;
	int		 ch, verbose = 0;

	if (argc < 2)
		usage();
	cmd = argv[1];
	argc--;
	argv++;
	while ((ch = getopt(argc, argv, "f:v")) != -1) {
		switch (ch) {
		case 'f':
			file = optarg;
			break;
		case 'v':
			verbose++;
			break;
		default:
			usage();
		}
	}
	if (strcmp(cmd, "version") == 0) {
		printf("disposisi %s\n", DISPOSISI_VERSION);
		return (0);
	}
	if (file == NULL)
		usage();
	log_init(LOG_TO_STDERR, verbose);
	if (strcmp(cmd, "run") == 0)
		return (cmd_run(file, verbose));
	if (strcmp(cmd, "check") == 0 && optind == argc)
		return (cmd_check(file));
	if (strcmp(cmd, "status") == 0 && argc - optind <= 1)
		return (cmd_status(file, optind < argc ? argv[optind] : NULL));
	usage();
}
