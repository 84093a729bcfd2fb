/* SPDX-License-Identifier: ISC */
/*
 * `disposisi cancel -f FILE CASE --reason TEXT`: closes a case for good
 * (state dibatalkan): its waiting dispositions stop counting, the
 * applicant is told the reason, the history keeps it.
 */

#include <stdio.h>

#include "disposisi.h"

static int
cmd_cancel(const struct cmd_entry *self, struct ctx *ctx, struct args *a)
{
	char	*cause = NULL;
	int	 rv;

	(void)self;
	if (!args_has(a, 'r')) {
		fprintf(stderr, "disposisi: cancel: --reason is required: it"
		    " goes to the applicant and into the history\n");
		return (64);
	}
	rv = admin_cancel(ctx, a->argv[0], args_get(a, 'r'), &cause);
	return (cmd_case_done(ctx, rv, "cancelled", cause));
}

const struct cmd_entry cmd_cancel_entry = {
	.name = "cancel",
	.usage = "-f FILE CASE --reason TEXT",
	.args = { "f:", 1, 1, cmd_reason_opts },
	.needs = CMD_ADMIN,
	.exec = cmd_cancel
};
