/* SPDX-License-Identifier: ISC */
/*
 * `disposisi audit verify -f FILE`: checks that no event of the cases'
 * history was changed, removed or slipped in since the robot wrote it.
 * Each event is sealed with the robot's key over its content and the
 * previous seal (store_event); the first that does not fit is named.
 * The newest seal is also kept outside the database (seal_checkpoint):
 * a trail that lacks the event it names was cut at its end.
 * Read-only: safe while the robot runs.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "disposisi.h"

#define EX_DATAERR_STATUS	65	/* sysexits.h EX_DATAERR */

static int
cmd_audit(const struct cmd_entry *self, struct ctx *ctx, struct args *a)
{
	char		*where;
	int64_t		 bad, sealed, unsealed, last;
	int		 rv;

	if (strcmp(a->argv[0], "verify") != 0)
		return (cmd_usage(self, 0));
	if ((bad = store_audit_verify(ctx->store, &sealed, &unsealed)) == -1) {
		fprintf(stderr, "disposisi: audit: the trail cannot be read\n");
		return (1);
	}
	if (bad != 0) {
		if ((rv = store_event_where(ctx->store, bad, &where)) != 1)
			where = xstrdup(rv == 0 ? "no longer there" :
			    "cannot be read");
		fprintf(stderr, "disposisi: audit: event %lld (%s) does not fit"
		    " the trail: it, or the one before it, was changed or"
		    " removed\n", (long long)bad, where);
		free(where);
		return (EX_DATAERR_STATUS);
	}
	switch (store_checkpoint_check(ctx->store, ctx->conf->seal_checkpoint,
	    &last, &where)) {
	case -1:
		fprintf(stderr, "disposisi: audit: %s\n", where);
		free(where);
		return (1);
	case 2:
		if (sealed == 0)
			break;
		xasprintf(&where, "the checkpoint %s is missing: the end of the"
		    " trail cannot be checked", ctx->conf->seal_checkpoint);
		/* FALLTHROUGH */
	case 1:
		fprintf(stderr, "disposisi: audit: %s\n", where);
		free(where);
		return (EX_DATAERR_STATUS);
	}
	printf("audit: %lld event(s) sealed, the trail is whole", (long long)
	    sealed);
	if (unsealed > 0)
		printf("; %lld earlier event(s) from before the seal",
		    (long long)unsealed);
	if (last > 0)
		printf("; it holds the checkpoint's #%lld", (long long)last);
	printf("\n");
	return (0);
}

const struct cmd_entry cmd_audit_entry = {
	.name = "audit",
	.usage = "-f FILE verify",
	.args = { "f:", 1, 1, NULL },
	.needs = CMD_CONF | CMD_RULES | CMD_DB | CMD_SEAL,
	.exec = cmd_audit
};
