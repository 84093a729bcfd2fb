/* SPDX-License-Identifier: ISC */
/* `disposisi version`. */

#include <stdio.h>

#include "disposisi.h"

static int
cmd_version(const struct cmd_entry *self, struct ctx *ctx, struct args *a)
{
	(void)self;
	(void)ctx;
	(void)a;
	printf("disposisi %s\n", DISPOSISI_VERSION);
	return (0);
}

const struct cmd_entry cmd_version_entry = {
	.name = "version",
	.usage = "",
	.args = { "", 0, 0, NULL },
	.needs = 0,
	.exec = cmd_version
};
