/* SPDX-License-Identifier: ISC */
/*
 * `disposisi check -f FILE`: the config, every rules file and every
 * template, as the daemon would load them. Prints OK and a summary, or
 * every mistake as file:line:col and exits 78.
 */

#include <stdio.h>

#include "disposisi.h"

static int
cmd_check(const struct cmd_entry *self, struct ctx *ctx, struct args *a)
{
	const struct rules	*r = ctx->rules;
	size_t			 i, nsteps = 0, npeople = 0;

	(void)self;
	for (i = 0; i < r->nsops; i++)
		nsteps += r->sops[i].nsteps;
	for (i = 0; i < r->nroles; i++)
		npeople += r->roles[i].naddrs;
	printf("%s: OK (rules version %s: %zu SOP, %zu steps, %zu roles held"
	    " by %zu addresses, %zu document kinds, %zu notices)\n",
	    args_get(a, 'f'), r->version, r->nsops, nsteps, r->nroles,
	    npeople, r->ndocs, r->nnotices);
	if (ctx->conf->auth_serv_id == NULL)
		printf("warning: auth_serv_id is not set: mail from outside"
		    " reaches the robot with no verdict of the office's MTA, so"
		    " a forged From is taken as written (an official's answer"
		    " still acts only by its token, or once confirmed from their"
		    " own mailbox). Set auth_serv_id to the authserv-id your"
		    " MTA writes in Authentication-Results (opendkim and"
		    " opendmarc: AuthservID; Zimbra: the MTA's host name) and"
		    " internal_relays to the office's own mail hosts: see"
		    " disposisi.conf(5).\n");
	return (0);
}

const struct cmd_entry cmd_check_entry = {
	.name = "check",
	.usage = "-f FILE",
	.args = { "f:", 0, 0, NULL },
	.needs = CMD_CONF | CMD_RULES,
	.exec = cmd_check
};
