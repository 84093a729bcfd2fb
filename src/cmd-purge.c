/* SPDX-License-Identifier: ISC */
/*
 * `disposisi purge -f FILE [--dry-run]`: removes the raw mail, the
 * documents and the mail sent of every closed case past retention_days
 * (UU 27/2022), keeping the case, its history and the SHA-256 of each
 * file; each purge is a sealed event on its case. --dry-run lists what
 * would go and removes nothing. The daemon does the same once a day;
 * the work and the order that survives a kill are in retention.c.
 */

#include <stdio.h>

#include "disposisi.h"

static const struct option purge_opts[] = {
	{ "dry-run", no_argument, NULL, 'n' },
	{ NULL, 0, NULL, 0 }
};

static int
cmd_purge(const struct cmd_entry *self, struct ctx *ctx, struct args *a)
{
	struct retention_count	 n;
	int			 dry = args_has(a, 'n'), rv;

	(void)self;
	if (ctx->conf->retention_days == 0) {
		printf("purge: retention_days = 0: files are kept for ever\n");
		return (0);
	}
	rv = retention_run(ctx, dry, stdout, &n);
	if (n.cases == 0 && n.left == 0)
		printf("purge: no closed case is past %d days with files"
		    " left\n", ctx->conf->retention_days);
	else
		printf("purge: %zu case(s), %zu file(s), %lld bytes%s%s\n",
		    n.cases, n.removed[0] + n.removed[1] + n.removed[2],
		    n.bytes, dry ? " would be removed" : " removed",
		    n.left ? "; some cases left for the next run" : "");
	return (rv == -1 ? 1 : 0);
}

const struct cmd_entry cmd_purge_entry = {
	.name = "purge",
	.usage = "-f FILE [--dry-run]",
	.args = { "f:", 0, 0, purge_opts },
	.needs = CMD_CONF | CMD_RULES | CMD_DB | CMD_SEAL,
	.exec = cmd_purge
};
