/* SPDX-License-Identifier: ISC */
/*
 * `disposisi resend -f FILE CASE`: the current step's disposition once
 * more to whoever it waits on, with the token they have (a new
 * Message-ID, so their server does not drop it as a copy).
 */

#include <stdio.h>
#include <unistd.h>

#include "disposisi.h"

static int
cmd_resend(const struct cmd_entry *self, int argc, char **argv)
{
	struct ctx	 ctx = { 0 };
	const char	*file, *reason;
	char		*cause = NULL;
	int		 rv;

	if (cmd_case_args(self, argc, argv, 1, &file, &reason) == -1)
		return (64);
	if (setup_admin(file, &ctx, &cause) == -1)
		return (cmd_case_done(&ctx, -1, NULL, cause));
	rv = admin_resend(&ctx, argv[optind], &cause);
	return (cmd_case_done(&ctx, rv, "sent again", cause));
}

const struct cmd_entry cmd_resend_entry = {
	.name = "resend",
	.usage = "-f FILE CASE",
	.exec = cmd_resend
};
