/* SPDX-License-Identifier: ISC */
/*
 * `disposisi resend -f FILE CASE`: the current step's disposition once
 * more to whoever it waits on, with the token they have (a new
 * Message-ID, so their server does not drop it as a copy).
 */

#include <stdio.h>

#include "disposisi.h"

static int
cmd_resend(const struct cmd_entry *self, struct ctx *ctx, struct args *a)
{
	char	*cause = NULL;
	int	 rv;

	(void)self;
	rv = admin_resend(ctx, a->argv[0], &cause);
	return (cmd_case_done(ctx, rv, "sent again", cause));
}

const struct cmd_entry cmd_resend_entry = {
	.name = "resend",
	.usage = "-f FILE CASE",
	.args = { "f:", 1, 1, cmd_reason_opts },
	.needs = CMD_ADMIN,
	.exec = cmd_resend
};
