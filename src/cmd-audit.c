/* SPDX-License-Identifier: ISC */
/*
 * `disposisi audit verify -f FILE`: checks that no event of the cases'
 * history was changed, removed or slipped in since the robot wrote it.
 * Each event is sealed with the robot's key over its content and the
 * previous seal (store_event); the first that does not fit is named.
 * The newest seal is also kept outside the database (seal_checkpoint):
 * a trail that lacks the event it names was cut at its end. Where the
 * trail was last found whole is kept beside the checkpoint
 * (seal_checkpoint.verified, outside the database as well): verify
 * checks the events after it, --full all of them. Reads the database
 * only: safe while the robot runs.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "disposisi.h"

#define EX_DATAERR_STATUS	65	/* sysexits.h EX_DATAERR */

static const struct option audit_opts[] = {
	{ "full", no_argument, NULL, 'F' },
	{ NULL, 0, NULL, 0 }
};

/* Says what was checked: since the last verification, or all. */
static void
cmd_audit_said(const struct audit_span *sp, int64_t last)
{
	if (sp->from > 0)
		printf("audit: %lld event(s) sealed since #%lld, found whole"
		    " before, the trail is whole", (long long)sp->sealed,
		    (long long)sp->from);
	else
		printf("audit: %lld event(s) sealed, the trail is whole",
		    (long long)sp->sealed);
	if (sp->unsealed > 0)
		printf("; %lld earlier event(s) from before the seal",
		    (long long)sp->unsealed);
	if (last > 0)
		printf("; it holds the checkpoint's #%lld", (long long)last);
	printf("\n");
}

static int
cmd_audit(const struct cmd_entry *self, struct ctx *ctx, struct args *a)
{
	struct audit_span sp = { 0 };
	char		*where, *mark;
	int64_t		 bad, last;
	int		 rv;

	if (strcmp(a->argv[0], "verify") != 0)
		return (cmd_usage(self, 0));
	xasprintf(&mark, "%s.verified", ctx->conf->seal_checkpoint);
	if ((!args_has(a, 'F') && store_audit_mark_read(ctx->store, mark,
	    &sp) == -1) || (bad = store_audit_verify(ctx->store, &sp)) == -1) {
		fprintf(stderr, "disposisi: audit: the trail cannot be read\n");
		free(mark);
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
		free(mark);
		return (EX_DATAERR_STATUS);
	}
	switch (store_checkpoint_check(ctx->store, ctx->conf->seal_checkpoint,
	    &last, &where)) {
	case -1:
		fprintf(stderr, "disposisi: audit: %s\n", where);
		free(where);
		free(mark);
		return (1);
	case 2:
		if (sp.sealed == 0 && sp.from == 0)
			break;
		xasprintf(&where, "the checkpoint %s is missing: the end of the"
		    " trail cannot be checked", ctx->conf->seal_checkpoint);
		/* FALLTHROUGH */
	case 1:
		fprintf(stderr, "disposisi: audit: %s\n", where);
		free(where);
		free(mark);
		return (EX_DATAERR_STATUS);
	}
	cmd_audit_said(&sp, last);
	/* Not kept: the next verify checks everything again, no harm. */
	if (store_audit_mark(mark, &sp, &where) == -1) {
		fprintf(stderr, "disposisi: audit: %s\n", where);
		free(where);
	}
	free(mark);
	return (0);
}

const struct cmd_entry cmd_audit_entry = {
	.name = "audit",
	.usage = "-f FILE verify [--full]",
	.args = { "f:", 1, 1, audit_opts },
	.needs = CMD_CONF | CMD_RULES | CMD_DB | CMD_SEAL,
	.exec = cmd_audit
};
