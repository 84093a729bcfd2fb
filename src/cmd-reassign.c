/* SPDX-License-Identifier: ISC */
/*
 * `disposisi reassign -f FILE CASE ROLE ADDRESS --reason TEXT`: the
 * step the case waits at, whose actor is ROLE, goes to ADDRESS, acting
 * for the role; the old tokens stop counting.
 */

#include <stdio.h>
#include <unistd.h>

#include "disposisi.h"

static int
cmd_reassign(const struct cmd_entry *self, int argc, char **argv)
{
	struct ctx	 ctx = { 0 };
	const char	*file, *reason;
	char		*cause = NULL;
	int		 rv;

	if (cmd_case_args(self, argc, argv, 3, &file, &reason) == -1)
		return (64);
	if (reason == NULL) {
		fprintf(stderr, "disposisi: reassign: --reason is required\n");
		return (64);
	}
	if (setup_admin(file, &ctx, &cause) == -1)
		return (cmd_case_done(&ctx, -1, NULL, cause));
	rv = admin_reassign(&ctx, argv[optind], argv[optind + 1],
	    argv[optind + 2], reason, &cause);
	return (cmd_case_done(&ctx, rv, "reassigned", cause));
}

const struct cmd_entry cmd_reassign_entry = {
	.name = "reassign",
	.usage = "-f FILE CASE ROLE ADDRESS --reason TEXT",
	.exec = cmd_reassign
};
