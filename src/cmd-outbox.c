/* SPDX-License-Identifier: ISC */
/*
 * `disposisi outbox -f FILE [--retry ID | --all]`: the mail not yet
 * delivered, or refused, and why; --retry queues one again at once,
 * --all every one, and the running robot is woken to send it.
 */

#include <stdio.h>
#include <stdlib.h>

#include "disposisi.h"

static const struct option outbox_opts[] = {
	{ "retry", required_argument, NULL, 'r' },
	{ "all", no_argument, NULL, 'a' },
	{ NULL, 0, NULL, 0 }
};

static int
cmd_outbox(const struct cmd_entry *self, struct ctx *ctx, struct args *a)
{
	char		*end;
	long long	 id = -1;
	int		 n;

	if (args_has(a, 'r') && args_has(a, 'a'))
		return (cmd_usage(self, 0));
	if (args_has(a, 'a'))
		id = 0;
	else if (args_has(a, 'r')) {
		id = strtoll(args_get(a, 'r'), &end, 10);
		if (*end != '\0' || id < 1) {
			fprintf(stderr, "disposisi: outbox: --retry takes a"
			    " mail's number\n");
			return (64);
		}
	}
	if (id == -1) {
		if ((n = store_print(ctx->store, stdout, sql_undelivered,
		    NULL)) == 0)
			printf("every mail is delivered\n");
		return (n == -1 ? 1 : 0);
	}
	/* The history and the queue change together, or neither does. */
	if (store_begin(ctx->store) == -1)
		n = -1;
	else if ((n = store_outbox_retry(ctx->store, (int64_t)id)) <= 0 ||
	    store_commit(ctx->store) == -1) {
		store_rollback(ctx->store);
		n = n == 0 ? 0 : -1;
	}
	if (n <= 0) {
		fprintf(stderr, "disposisi: %s\n", n == 0 ? (id ? "no such"
		    " undelivered mail" : "no undelivered mail") :
		    "cannot update the outbox");
		return (n == 0 ? 65 : 1);
	}
	printf("%d mail(s) queued again%s\n", n, setup_wake(ctx->conf) ? "" :
	    " (no robot runs: they go out when it starts)");
	return (0);
}

const struct cmd_entry cmd_outbox_entry = {
	.name = "outbox",
	.usage = "-f FILE [--retry ID | --all]",
	.args = { "f:", 0, 0, outbox_opts },
	.needs = CMD_CONF | CMD_RULES | CMD_DB | CMD_SEAL,
	.exec = cmd_outbox
};
