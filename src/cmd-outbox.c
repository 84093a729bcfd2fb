/* SPDX-License-Identifier: ISC */
/*
 * `disposisi outbox -f FILE [--retry ID | --all]`: the mail not yet
 * delivered, or refused, and why; --retry queues one again at once,
 * --all every one, and the running robot is woken to send it.
 */

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "disposisi.h"

static int
cmd_outbox(const struct cmd_entry *self, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "retry", required_argument, NULL, 'r' },
		{ "all", no_argument, NULL, 'a' },
		{ NULL, 0, NULL, 0 }
	};
	struct ctx	 ctx = { 0 };
	const char	*file = NULL;
	char		*end;
	long long	 id = -1;
	int		 ch, n;

	while ((ch = getopt_long(argc, argv, "f:", longopts, NULL)) != -1) {
		if (ch == 'f')
			file = optarg;
		else if (ch == 'r') {
			id = strtoll(optarg, &end, 10);
			if (*end != '\0' || id < 1) {
				fprintf(stderr, "disposisi: outbox: --retry"
				    " takes a mail's number\n");
				return (64);
			}
		} else if (ch == 'a')
			id = 0;
		else
			return (cmd_usage(self, 0));
	}
	if (file == NULL || optind != argc)
		return (cmd_usage(self, 0));
	if (setup_read_sealed(file, &ctx) == -1) {
		setup_done(&ctx);
		return (1);
	}
	if (id == -1) {
		if ((ch = store_print(ctx.store, stdout, "SELECT o.id, c.ref AS"
		    " \"case\", o.kind, o.rcpt, o.status, o.attempts,"
		    " o.smtp_code, o.last_error FROM outbox o LEFT JOIN cases"
		    " c ON c.id = o.case_id WHERE o.status != 'sent' ORDER BY"
		    " o.id", NULL)) == 0)
			printf("every mail is delivered\n");
		setup_done(&ctx);
		return (ch == -1 ? 1 : 0);
	}
	/* The history and the queue change together, or neither does. */
	if (store_begin(ctx.store) == -1)
		n = -1;
	else if ((n = store_outbox_retry(ctx.store, (int64_t)id)) <= 0 ||
	    store_commit(ctx.store) == -1) {
		store_rollback(ctx.store);
		n = n == 0 ? 0 : -1;
	}
	if (n <= 0) {
		fprintf(stderr, "disposisi: %s\n", n == 0 ? (id ? "no such"
		    " undelivered mail" : "no undelivered mail") :
		    "cannot update the outbox");
		setup_done(&ctx);
		return (n == 0 ? 65 : 1);
	}
	printf("%d mail(s) queued again%s\n", n, setup_wake(ctx.conf) ? "" :
	    " (no robot runs: they go out when it starts)");
	setup_done(&ctx);
	return (0);
}

const struct cmd_entry cmd_outbox_entry = {
	.name = "outbox",
	.usage = "-f FILE [--retry ID | --all]",
	.exec = cmd_outbox
};
