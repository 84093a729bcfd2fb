/* SPDX-License-Identifier: ISC */
/* `disposisi version`. */

#include <stdio.h>

#include "disposisi.h"

static int
cmd_version(const struct cmd_entry *self, int argc, char **argv)
{
	(void)argv;
	if (argc != 1)
		return (cmd_usage(self, 0));
	printf("disposisi %s\n", DISPOSISI_VERSION);
	return (0);
}

const struct cmd_entry cmd_version_entry = {
	.name = "version",
	.usage = "",
	.exec = cmd_version
};
