/* SPDX-License-Identifier: ISC */
/*
 * `disposisi reassign -f FILE CASE ROLE ADDRESS --reason TEXT`: the
 * step the case waits at, whose actor is ROLE, goes to ADDRESS, acting
 * for the role; the old tokens stop counting.
 */

#include <stdio.h>

#include "disposisi.h"

static int
cmd_reassign(const struct cmd_entry *self, struct ctx *ctx, struct args *a)
{
	char	*cause = NULL;
	int	 rv;

	(void)self;
	if (!args_has(a, 'r')) {
		fprintf(stderr, "disposisi: reassign: --reason is required\n");
		return (64);
	}
	rv = admin_reassign(ctx, a->argv[0], a->argv[1], a->argv[2],
	    args_get(a, 'r'), &cause);
	return (cmd_case_done(ctx, rv, "reassigned", cause));
}

const struct cmd_entry cmd_reassign_entry = {
	.name = "reassign",
	.usage = "-f FILE CASE ROLE ADDRESS --reason TEXT",
	.args = { "f:", 3, 3, cmd_reason_opts },
	.needs = CMD_ADMIN,
	.exec = cmd_reassign
};
