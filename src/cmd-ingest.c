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

/* Spools the message and handles it as intake would; -1 with cause. */
static int
ingest_take(struct ctx *ctx, const char *mail, char **cause)
{
	char		*tmp, *path, sha[SHA256_HEX_LEN + 1];
	uint32_t	 uv, last = 0;
	int		 in = STDIN_FILENO, rv;

	if (strcmp(mail, "-") != 0 && (in = open(mail, O_RDONLY |
	    O_CLOEXEC)) == -1) {
		xasprintf(cause, "%s: %s", mail, strerror(errno));
		return (-1);
	}
	tmp = spool_tmp_path(ctx->spool);
	rv = ingest_copy(in, tmp, ctx->conf->max_message_size, cause);
	if (in != STDIN_FILENO)
		close(in);
	path = rv == -1 ? NULL : spool_commit(ctx->spool, tmp, "raw", sha,
	    cause);
	free(tmp);
	if (path == NULL)
		return (-1);
	/* A number for the message, as IMAP's UID would be. */
	if ((rv = store_mailbox_get(ctx->store, INGEST_MAILBOX, &uv,
	    &last)) != -1)
		rv = intake_file(ctx, INGEST_MAILBOX, 0, last + 1, path, sha);
	free(path);
	if (rv == -1)
		xasprintf(cause, "not taken; the MTA should try again");
	return (rv);
}

/* Whatever fails, the MTA keeps the mail and retries (CMD_TEMPFAIL). */
static int
cmd_ingest(const struct cmd_entry *self, struct ctx *ctx, struct args *a)
{
	struct sigaction sa = { .sa_handler = ingest_alarm };
	char		*cause = NULL;

	(void)self;
	ctx->quit = ctx->term = &ingest_late;
	/* No SA_RESTART: the alarm also ends a sleep in a database wait. */
	sigaction(SIGALRM, &sa, NULL);
	alarm(INGEST_TAKE);
	if (ingest_take(ctx, a->argc > 0 ? a->argv[0] : "-", &cause) == -1) {
		fprintf(stderr, "disposisi: ingest: %s\n", cause);
		free(cause);
		return (EX_TEMPFAIL_STATUS);
	}
	/* The robot sends what was queued; without one running, we do. */
	if (!setup_wake(ctx->conf)) {
		alarm(INGEST_SEND);	/* a transfer ends within 1 s of it */
		signal(SIGPIPE, SIG_IGN);
		if (smtp_init() == 0) {
			outbox_drain(ctx, letter_undelivered);
			outbox_close(ctx);
		}
	}
	return (0);
}

const struct cmd_entry cmd_ingest_entry = {
	.name = "ingest",
	.usage = "-f FILE [MAIL | -]",
	.args = { "f:", 0, 1, NULL },
	.needs = CMD_CONF | CMD_RULES | CMD_DB_CREATE | CMD_SEAL | CMD_SPOOL |
	    CMD_TEMPFAIL,
	.exec = cmd_ingest
};
