/* SPDX-License-Identifier: ISC */
/*
 * An AMS notice: the case of the applicant it names moves as the step
 * waiting for it says, and the notice is relayed to that applicant only.
 */

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "disposisi.h"
#include "workflow_p.h"

#define NOTICE_SEVERAL	(-1)	/* several cases could use it */
#define NOTICE_ERROR	(-2)	/* the database could not say */

/*
 * Can this case use the notice, now or at a step still ahead? 1 or 0;
 * NOTICE_ERROR when the case, just found, cannot be read.
 */
static int
notice_usable(struct flow *f, int64_t id)
{
	struct case_row		*c;
	const struct sop	*sop;
	int			 ok;

	if (store_case_get(f->ctx->store, id, &c) != 1)
		return (NOTICE_ERROR);
	sop = rules_sop(f->ctx->rules, c->sop);
	ok = sop != NULL && decide_notice_usable(sop, c->state, c->step,
	    f->rd->notice);
	store_case_free(c);
	return (ok);
}

/*
 * Among the cases found (ids, freed here), the one that can use the
 * notice: 0 when none can, NOTICE_SEVERAL when several could (none is
 * guessed). An "anytime" notice (a revocation) goes to the newest case.
 */
static int64_t
notice_choose(struct flow *f, int64_t *ids, size_t n)
{
	int64_t	 id = 0;
	size_t	 i;
	int	 ok;

	for (i = 0; i < n && id >= 0; i++) {
		if (f->rd->notice->anytime) {
			id = ids[i];
			break;
		}
		if ((ok = notice_usable(f, ids[i])) == NOTICE_ERROR)
			id = NOTICE_ERROR;
		else if (ok)
			id = id == 0 ? ids[i] : NOTICE_SEVERAL;
	}
	free(ids);
	return (id);
}

/* The case of an address that can use the notice (notice_choose). */
static int64_t
notice_case_of_addr(struct flow *f, const char *addr)
{
	int64_t	*ids;
	size_t	 n;

	if (store_case_ids_of(f->ctx->store, addr, &ids, &n) == -1)
		return (NOTICE_ERROR);
	return (notice_choose(f, ids, n));
}

/* The same by a NIK, through its keyed hash: the NIK is never stored. */
static int64_t
notice_case_of_nik(struct flow *f, const char *nik)
{
	const struct conf	*cf = f->ctx->conf;
	int64_t			*ids;
	size_t			 n;
	char			 mac[65];

	document_nik_hmac(cf->hmac_secret, cf->hmac_secret_len, nik, mac);
	if (store_case_ids_by_nik_hmac(f->ctx->store, mac, &ids, &n) == -1)
		return (NOTICE_ERROR);
	return (notice_choose(f, ids, n));
}

/*
 * The case of an AMS notice: by the applicant's address in it, else in
 * its recipients, else by its NIK through the keyed hash of the NIK read
 * from the application's KTP (cases.nik_hmac: the NIK is never stored),
 * else by the name its pattern finds when exactly one open case bears
 * it - and only a case that can use it.
 */
static int64_t
notice_case_of(struct flow *f)
{
	const struct msg	*m = f->m;
	int64_t			 id = 0;
	size_t			 i;
	int			 ok;

	if (f->rd->keys.email != NULL)
		id = notice_case_of_addr(f, f->rd->keys.email);
	for (i = 0; id == 0 && i < m->nrcpts; i++) {
		if (!util_addr_eq(m->rcpts[i], f->ctx->conf->robot_address))
			id = notice_case_of_addr(f, m->rcpts[i]);
	}
	if (id == 0 && f->rd->keys.nik != NULL)
		id = notice_case_of_nik(f, f->rd->keys.nik);
	if (id == 0 && f->rd->keys.name != NULL) {
		id = store_case_by_name(f->ctx->store, f->rd->keys.name);
		if (id == -1)
			id = NOTICE_ERROR;
		else if (id > 0 && (ok = notice_usable(f, id)) != 1)
			id = ok == NOTICE_ERROR ? NOTICE_ERROR : 0;
	}
	return (id);
}

/*
 * An AMS notice moves the case that can use it and is relayed to that
 * applicant only. Without one such case it is kept for the admin, who
 * is told what came but not its links: they are the applicant's.
 */
int
handle_notice(struct flow *f, char **cause)
{
	struct event	 ev = { 0 };
	struct letter	 lt = { 0 };
	int64_t		 id = notice_case_of(f);
	int		 rv;

	if (id == NOTICE_ERROR) {
		xasprintf(cause, "cannot read the cases of AMS notice %s",
		    f->rd->notice->event);
		return (-1);
	}
	if (id <= 0) {
		flow_note(f, f->ctx->conf->imap_quarantine, "AMS notice %s"
		    " (%s): %s: kept for the admin", f->rd->notice->event,
		    f->rd->keys.email ? f->rd->keys.email : "no address in it",
		    id == 0 ? "no open case can use it" : "several open cases"
		    " could use it");
		lt.ctx = f->ctx;
		lt.m = f->m;
		lt.notice = f->rd->notice;
		lt.reason = id == 0 ? "tidak ada perkara terbuka yang dapat"
		    " menggunakannya" : "lebih dari satu perkara terbuka dapat"
		    " menggunakannya, sehingga sistem tidak menebak";
		return (letter_send(&lt, "pemberitahuan-ams",
		    f->ctx->conf->admin_address, NULL, NULL, cause));
	}
	if ((rv = flow_case(f, id, cause)) != 1)
		return (rv);
	ev.type = EV_NOTICE;
	ev.from = f->m->from_addr;
	ev.notice = f->rd->notice;
	return (flow_decide(f, &ev, cause));
}
