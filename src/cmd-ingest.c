/* SPDX-License-Identifier: ISC */
/*
 * `disposisi ingest -f FILE [MAIL | -]`: one message from a file or
 * standard input, for delivery by an MTA's pipe (Postfix pipe(8), an
 * alias) instead of IMAP watching - the same handling and the same
 * exactly-once guarantee: the bytes are spooled and fsynced before the
 * transaction, the same bytes twice are handled once. Exit 0 when the
 * message is taken (even if set aside), 75 (EX_TEMPFAIL) for the MTA to
 * try again when it could not be, 64 on a usage error. It returns within
 * a bounded time whatever the servers do: a database held by another
 * program is waited for INGEST_TAKE seconds (then 75), and what it
 * queued is sent for INGEST_SEND seconds at most; the rest the daemon
 * sends.
 */

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "disposisi.h"

#define EX_TEMPFAIL	75
#define INGEST_MAILBOX	"(ingest)"
#define INGEST_TAKE	60	/* seconds: the database wait, at most */
#define INGEST_SEND	10	/* seconds: sending what it queued, at most */

/* Set by SIGALRM: the time given to the current phase is up. */
static volatile int	 ingest_late;

static void
ingest_alarm(int sig)
{
	(void)sig;
	ingest_late = 1;
}

/* Copies the input into a spool file; -1 with cause. */
static int
ingest_copy(int in, const char *tmp, size_t max, char **cause)
{
	char	 buf[65536];
	ssize_t	 n;
	size_t	 total = 0;
	int	 fd;

	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
	    0600)) == -1) {
		xasprintf(cause, "%s: %s", tmp, strerror(errno));
		return (-1);
	}
	while ((n = read(in, buf, sizeof buf)) != 0) {
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 || (total += (size_t)n) > max || write(fd, buf,
		    (size_t)n) != n) {
			xasprintf(cause, n == -1 ? "cannot read the message" :
			    total > max ? "the message exceeds max_message_size"
			    : "cannot write the spool");
			close(fd);
			unlink(tmp);
			return (-1);
		}
	}
	if (fsync(fd) == -1 || close(fd) == -1) {
		xasprintf(cause, "%s: %s", tmp, strerror(errno));
		unlink(tmp);
		return (-1);
	}
	return (0);
}

static int
cmd_ingest(const struct cmd_entry *self, int argc, char **argv)
{
	struct ctx	 ctx = { .quit = &ingest_late, .term = &ingest_late,
			    .wake_fd = -1 };
	struct sigaction sa = { .sa_handler = ingest_alarm };
	const char	*file = NULL, *mail = "-";
	char		*cause = NULL, *tmp, *path, sha[SHA256_HEX_LEN + 1];
	uint32_t	 uv, last = 0;
	int		 ch, in = STDIN_FILENO;

	while ((ch = getopt(argc, argv, "f:")) != -1) {
		if (ch != 'f')
			return (cmd_usage(self, 0));
		file = optarg;
	}
	if (file == NULL || argc - optind > 1)
		return (cmd_usage(self, 0));
	if (optind < argc)
		mail = argv[optind];
	/* From here on, whatever fails, the MTA keeps the mail and retries. */
	log_fatal_exit(EX_TEMPFAIL);
	/* No SA_RESTART: the alarm also ends a sleep in a database wait. */
	sigaction(SIGALRM, &sa, NULL);
	alarm(INGEST_TAKE);
	if (setup_admin(file, &ctx, &cause) == -1)
		goto fail;
	if (strcmp(mail, "-") != 0 && (in = open(mail, O_RDONLY |
	    O_CLOEXEC)) == -1) {
		xasprintf(&cause, "%s: %s", mail, strerror(errno));
		goto fail;
	}
	tmp = spool_tmp_path(ctx.spool);
	if (ingest_copy(in, tmp, ctx.conf->max_message_size, &cause) == -1) {
		free(tmp);
		goto fail;
	}
	path = spool_commit(ctx.spool, tmp, "raw", sha, &cause);
	free(tmp);
	if (path == NULL)
		goto fail;
	/* A number for the message, as IMAP's UID would be. */
	if (store_mailbox_get(ctx.store, INGEST_MAILBOX, &uv, &last) == -1) {
		free(path);
		xasprintf(&cause, "not taken; the MTA should try again");
		goto fail;
	}
	if (intake_file(&ctx, INGEST_MAILBOX, 0, last + 1, path, sha) == -1) {
		free(path);
		xasprintf(&cause, "not taken; the MTA should try again");
		goto fail;
	}
	free(path);
	/* The robot sends what was queued; without one running, we do. */
	if (!setup_wake(ctx.conf)) {
		alarm(INGEST_SEND);	/* a transfer ends within 1 s of it */
		signal(SIGPIPE, SIG_IGN);
		if (smtp_init() == 0) {
			outbox_drain(&ctx);
			outbox_close(&ctx);
		}
	}
	setup_done(&ctx);
	return (0);
fail:
	fprintf(stderr, "disposisi: ingest: %s\n", cause);
	free(cause);
	setup_done(&ctx);
	return (EX_TEMPFAIL);
}

const struct cmd_entry cmd_ingest_entry = {
	.name = "ingest",
	.usage = "-f FILE [MAIL | -]",
	.exec = cmd_ingest
};
