/* SPDX-License-Identifier: ISC */
/*
 * `disposisi check -f FILE`: the config, every rules file and every
 * template, as the daemon would load them. Prints OK and a summary, or
 * every mistake as file:line:col and exits 78.
 */

#include <stdio.h>
#include <unistd.h>

#include "disposisi.h"

static int
cmd_check(const struct cmd_entry *self, int argc, char **argv)
{
	struct ctx	 ctx = { 0 };
	const char	*file = NULL;
	size_t		 i, nsteps = 0, npeople = 0;
	int		 ch;

	while ((ch = getopt(argc, argv, "f:")) != -1) {
		if (ch != 'f')
			return (cmd_usage(self, 0));
		file = optarg;
	}
	if (file == NULL || optind != argc)
		return (cmd_usage(self, 0));
	setup_load(file, &ctx);
	for (i = 0; i < ctx.rules->nsops; i++)
		nsteps += ctx.rules->sops[i].nsteps;
	for (i = 0; i < ctx.rules->nroles; i++)
		npeople += ctx.rules->roles[i].naddrs;
	printf("%s: OK (rules version %s: %zu SOP, %zu steps, %zu roles held"
	    " by %zu addresses, %zu document kinds, %zu notices)\n", file,
	    ctx.rules->version, ctx.rules->nsops, nsteps, ctx.rules->nroles,
	    npeople, ctx.rules->ndocs, ctx.rules->nnotices);
	if (ctx.conf->auth_serv_id == NULL)
		printf("warning: auth_serv_id is not set: mail from outside"
		    " reaches the robot with no verdict of the office's MTA, so"
		    " a forged From is taken as written (an official's answer"
		    " still acts only by its token, or once confirmed from their"
		    " own mailbox). Set auth_serv_id to the authserv-id your"
		    " MTA writes in Authentication-Results (opendkim and"
		    " opendmarc: AuthservID; Zimbra: the MTA's host name) and"
		    " internal_relays to the office's own mail hosts: see"
		    " disposisi.conf(5).\n");
	rules_free(ctx.rules);
	conf_free(ctx.conf);
	return (0);
}

const struct cmd_entry cmd_check_entry = {
	.name = "check",
	.usage = "-f FILE",
	.exec = cmd_check
};
