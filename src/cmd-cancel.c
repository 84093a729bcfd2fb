/* SPDX-License-Identifier: ISC */
/*
 * `disposisi cancel -f FILE CASE --reason TEXT`: closes a case for good
 * (state dibatalkan): its waiting dispositions stop counting, the
 * applicant is told the reason, the history keeps it.
 */

#include <stdio.h>
#include <unistd.h>

#include "disposisi.h"

static int
cmd_cancel(const struct cmd_entry *self, int argc, char **argv)
{
	struct ctx	 ctx = { 0 };
	const char	*file, *reason;
	char		*cause = NULL;
	int		 rv;

	if (cmd_case_args(self, argc, argv, 1, &file, &reason) == -1)
		return (64);
	if (reason == NULL) {
		fprintf(stderr, "disposisi: cancel: --reason is required: it"
		    " goes to the applicant and into the history\n");
		return (64);
	}
	if (setup_admin(file, &ctx, &cause) == -1)
		return (cmd_case_done(&ctx, -1, NULL, cause));
	rv = admin_cancel(&ctx, argv[optind], reason,
	    &cause);
	return (cmd_case_done(&ctx, rv, "cancelled", cause));
}

const struct cmd_entry cmd_cancel_entry = {
	.name = "cancel",
	.usage = "-f FILE CASE --reason TEXT",
	.exec = cmd_cancel
};
