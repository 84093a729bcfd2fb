/* SPDX-License-Identifier: ISC */
/*
 * The queue: a mail the robot decided to send becomes a file in
 * spool/out/ and an outbox row, inside the caller's transaction, so a
 * mail exists exactly when the state change that caused it exists.
 * Sending it is outbox.c's; rendering it is letter.c's.
 */

#include <stdlib.h>

#include "disposisi.h"

/*
 * Builds the mail (Message-ID fixed now, a random one when the caller
 * gave none), writes it to the spool and adds its row; -1 with cause.
 */
int
queue_add(struct ctx *ctx, int64_t case_id, const char *kind,
    const struct mail_out *mo_in, char **cause)
{
	struct mail_out	 mo = *mo_in;
	char		 sha[SHA256_HEX_LEN + 1], rnd[25];
	char		*tmp, *path, *mid = NULL;
	int64_t		 id;

	if (mo.message_id == NULL) {
		crypto_random_hex(rnd, sizeof rnd);
		xasprintf(&mid, "%s.%s@%s", kind, rnd, conf_domain(ctx->conf));
		mo.message_id = mid;
	}
	mo.from_addr = ctx->conf->robot_address;
	mo.from_name = ctx->conf->robot_name;
	tmp = spool_tmp_path(ctx->spool);
	if (mime_build(&mo, tmp, cause) == -1) {
		free(tmp);
		free(mid);
		return (-1);
	}
	path = spool_commit(ctx->spool, tmp, "out", sha, cause);
	free(tmp);
	if (path == NULL) {
		free(mid);
		return (-1);
	}
	id = store_outbox_add(ctx->store, case_id, kind, mo.to_addr,
	    mo.message_id, path);
	free(path);
	if (id == -1) {
		xasprintf(cause, "cannot queue mail to %s", mo.to_addr);
		free(mid);
		return (-1);
	}
	log_debug("outbox %lld: %s to %s queued", (long long)id, kind,
	    mo.to_addr);
	free(mid);
	return (0);
}

