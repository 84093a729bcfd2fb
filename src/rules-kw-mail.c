/* SPDX-License-Identifier: ISC */
/*
 * Which of the robot's mails go out: "mail TEMPLATE on|off [ROLE ...]"
 * (rules/mails.conf), checked against the engine's own list of mails,
 * each with who gets it and, for those that carry the workflow or
 * protect it, why no line may switch it off. A line with roles applies
 * to the officials holding them and overrides the template's line.
 *
 *	mail kemajuan off
 *	mail tercatat off
 *	mail tercatat on kadis sekdis
 *
 * A mail switched off is not queued; the sender records it on the case
 * (letter_send), so "show" says why it never left.
 */

#include <stdlib.h>
#include <string.h>

#include "disposisi.h"
#include "rules_p.h"

/*
 * The engine's mails (a step's and a notice's are named by the rules).
 * A fixed one is the workflow itself, an answer the robot did not take
 * (silence would pass for a decision made), a case that now waits for
 * its recipient or is closed, or trouble only the admin can put right.
 */
const struct mail_kind rules_mail_kinds[] = {
	{ "alasan-diperlukan", MAIL_TO_SENDER,
	    "a T is not taken without its reason: the official must know" },
	{ "berkas-diterima", MAIL_TO_APPLICANT, NULL },
	{ "bukan-pejabat", MAIL_TO_SENDER,
	    "the answer of someone who holds no role was not taken: they"
	    " must know" },
	{ "di-luar-kantor", MAIL_TO_ADMIN,
	    "a step waits on an official who is away with no delegate: only"
	    " the admin can act" },
	{ "dibatalkan", MAIL_TO_APPLICANT,
	    "the case is closed: the applicant would wait for a case that"
	    " never moves" },
	{ "dikembalikan", MAIL_TO_APPLICANT,
	    "the case waits for the applicant: nothing moves until they"
	    " answer" },
	{ "ditolak", MAIL_TO_APPLICANT,
	    "the case is closed, and its reason is the applicant's to know" },
	{ "dokumen-diperlukan", MAIL_TO_SENDER,
	    "the Y is not taken without its document: the official must"
	    " know" },
	{ "eskalasi", MAIL_TO_OFFICIAL,
	    "it is the only sign that a step is stuck (the sop's escalate"
	    " sets when)" },
	{ "eskalasi-pemantauan", MAIL_TO_OFFICIAL,
	    "it is the only sign that a step is stuck (the sop's escalate"
	    " sets when)" },
	{ "gagal-kirim", MAIL_TO_ADMIN,
	    "a mail could not be delivered: only the admin can act" },
	{ "kelengkapan-kurang", MAIL_TO_APPLICANT,
	    "the case waits for the applicant's missing documents" },
	{ "kemajuan", MAIL_TO_APPLICANT, NULL },
	{ "konfirmasi-jawaban", MAIL_TO_OFFICIAL,
	    "an answer bearing only the case's tag is taken when the"
	    " official confirms it from this mail" },
	{ "lampiran-kurang", MAIL_TO_SENDER,
	    "no case is opened until the files come: the sender must know" },
	{ "laporan-bulanan", MAIL_TO_OFFICIAL,
	    "the Head's monthly report goes only where 'report monthly to"
	    " ROLE' says: remove that line instead" },
	{ "laporan-pemantauan", MAIL_TO_ADMIN,
	    "an official's report that only the admin acts on" },
	{ "nilai-diperlukan", MAIL_TO_SENDER,
	    "the Y is not taken without its value: the official must know" },
	{ "pemantauan-dijawab", MAIL_TO_SENDER,
	    "the official's reply decided nothing: they must know" },
	{ "pemantauan-dilaporkan", MAIL_TO_SENDER,
	    "the official's T went to the admin and rejected nothing: they"
	    " must know" },
	{ "pemberitahuan-ams", MAIL_TO_ADMIN,
	    "a BSrE notice no case can use: only the admin can place it" },
	{ "pengingat", MAIL_TO_OFFICIAL, NULL },
	{ "pengingat-pembaharuan", MAIL_TO_APPLICANT, NULL },
	{ "pengingat-pemantauan", MAIL_TO_OFFICIAL, NULL },
	{ "rujukan-ganda", MAIL_TO_SENDER,
	    "an answer naming two cases was not taken: the sender must know" },
	{ "selesai", MAIL_TO_APPLICANT, NULL },
	{ "sudah-diproses", MAIL_TO_SENDER,
	    "the answer came after the step was decided and was not taken:"
	    " the official must know" },
	{ "surel-ditahan", MAIL_TO_ADMIN,
	    "mail held past a flood limit waits for the admin" },
	{ "surel-pantul", MAIL_TO_ADMIN,
	    "a mail bounced: only the admin can act" },
	{ "tanda-terima", MAIL_TO_APPLICANT,
	    "it is the applicant's word that the application was taken, and"
	    " the reference their later mail names" },
	{ "tautan-pribadi-ditahan", MAIL_TO_ADMIN,
	    "BSrE's link was held back from a mailbox others read: only the"
	    " admin can pass it on" },
	{ "tembusan", MAIL_TO_OFFICIAL,
	    "the holder's copy is the delegate line's choice (its copy"
	    " word)" },
	{ "tercatat", MAIL_TO_SENDER, NULL },
	{ "tidak-dipahami", MAIL_TO_SENDER,
	    "the answer was not understood and not taken: the official must"
	    " answer again" },
	{ "tidak-perlu-dijawab", MAIL_TO_OFFICIAL, NULL },
};
const size_t rules_mail_nkinds = nitems(rules_mail_kinds);

static const struct mail_kind *
mail_kind(const char *tmpl)
{
	size_t	 i;

	for (i = 0; i < rules_mail_nkinds; i++) {
		if (strcmp(rules_mail_kinds[i].tmpl, tmpl) == 0)
			return (&rules_mail_kinds[i]);
	}
	return (NULL);
}

/* mail TEMPLATE on|off [ROLE ...] */
int
rules_kw_mail(struct parse *ps)
{
	struct rules	*r = ps->r;
	struct mailinfo	*mi;
	struct loc	 tloc, oloc;
	char		*tmpl, *sw;
	int		 on;

	if ((tmpl = rules_lex_get_tok(ps, &tloc, TK_WORD,
	    "a mail's template name")) == NULL)
		return (-1);
	if ((sw = rules_lex_get_tok(ps, &oloc, TK_WORD, "on or off")) ==
	    NULL) {
		free(tmpl);
		return (-1);
	}
	on = strcmp(sw, "on") == 0;
	if (!on && strcmp(sw, "off") != 0) {
		rules_lex_error(ps, &oloc, "unknown word \"%s\": write on or"
		    " off", sw);
		free(tmpl);
		free(sw);
		return (-1);
	}
	free(sw);
	r->mails = xreallocarray(r->mails, r->nmails + 1, sizeof *r->mails);
	ps->mailinfo = xreallocarray(ps->mailinfo, r->nmails + 1,
	    sizeof *ps->mailinfo);
	mi = &ps->mailinfo[r->nmails];
	memset(mi, 0, sizeof *mi);
	memset(&r->mails[r->nmails], 0, sizeof r->mails[0]);
	r->mails[r->nmails].tmpl = tmpl;
	r->mails[r->nmails].on = on;
	r->mails[r->nmails].where = rules_lex_where(ps, &ps->kw);
	mi->loc = tloc;
	r->nmails++;
	if (ps->lx->tok.type == T_WORD && rules_lex_get_words(ps, "roles",
	    &mi->roles, &mi->locs, &mi->nroles) == -1)
		return (-1);
	return (rules_lex_end_stmt(ps));
}

/* A template the rules name for a step or a notice, and whose it is. */
static const char *
mail_named(const struct rules *r, const char *tmpl, char **whose)
{
	size_t	 i, j;

	for (i = 0; i < r->nsops; i++) {
		for (j = 0; j < r->sops[i].nsteps; j++) {
			/* No template: a step a mistake left half-read. */
			if (r->sops[i].steps[j].tmpl != NULL &&
			    strcmp(r->sops[i].steps[j].tmpl, tmpl) == 0) {
				xasprintf(whose, "step %s's disposition",
				    r->sops[i].steps[j].name);
				return (r->sops[i].steps[j].where);
			}
		}
	}
	for (i = 0; i < r->nnotices; i++) {
		if (r->notices[i].tmpl != NULL &&
		    strcmp(r->notices[i].tmpl, tmpl) == 0) {
			xasprintf(whose, "the relay of BSrE's notice %s, the"
			    " applicant's mail", r->notices[i].event);
			return (r->notices[i].where);
		}
	}
	return (NULL);
}

/* The mail a line names: may it be off, may it name roles? */
static int
mail_check_tmpl(struct parse *ps, const struct mail_rule *mr,
    const struct mailinfo *mi)
{
	const struct mail_kind	*k = mail_kind(mr->tmpl);
	const char		*where;
	char			*whose = NULL;

	if (k == NULL && (where = mail_named(ps->r, mr->tmpl, &whose)) !=
	    NULL) {
		if (!mr->on)
			rules_lex_error(ps, &mi->loc, "mail %s cannot be"
			    " switched off: it is %s (%s)", mr->tmpl, whose,
			    where);
		free(whose);
		return (mr->on ? 0 : -1);
	}
	if (k == NULL) {
		rules_lex_error(ps, &mi->loc, "unknown mail \"%s\": the"
		    " robot's mails are listed in mail-templates/README",
		    mr->tmpl);
		return (-1);
	}
	if (!mr->on && k->fixed != NULL) {
		rules_lex_error(ps, &mi->loc, "mail %s cannot be switched"
		    " off: %s", mr->tmpl, k->fixed);
		return (-1);
	}
	if (mi->nroles > 0 && k->to != MAIL_TO_OFFICIAL && k->to !=
	    MAIL_TO_SENDER) {
		rules_lex_error(ps, &mi->locs[0], "mail %s goes to the %s:"
		    " roles name officials", mr->tmpl, k->to ==
		    MAIL_TO_ADMIN ? "admin" : "applicant");
		return (-1);
	}
	return (0);
}

/* Two lines for one mail and one recipient: which would win? */
static void
mail_check_twice(struct parse *ps, size_t i)
{
	const struct mail_rule	*a = &ps->r->mails[i], *b;
	const struct mailinfo	*ai = &ps->mailinfo[i], *bi;
	size_t			 j, k, l;

	for (j = 0; j < i; j++) {
		b = &ps->r->mails[j];
		bi = &ps->mailinfo[j];
		if (strcmp(a->tmpl, b->tmpl) != 0)
			continue;
		if (ai->nroles == 0 && bi->nroles == 0) {
			rules_lex_error(ps, &ai->loc, "mail %s given twice"
			    " (first at %s)", a->tmpl, b->where);
			return;
		}
		for (k = 0; k < ai->nroles; k++) {
			for (l = 0; l < bi->nroles; l++) {
				if (strcmp(ai->roles[k], bi->roles[l]) == 0) {
					rules_lex_error(ps, &ai->locs[k],
					    "mail %s for %s given twice (first"
					    " at %s)", a->tmpl, ai->roles[k],
					    b->where);
					return;
				}
			}
		}
	}
}

/* Once every file is read: the lines among themselves, then the roles. */
void
rules_kw_mail_resolve(struct parse *ps)
{
	struct mail_rule	*mr;
	struct mailinfo		*mi;
	size_t			 i, j;

	for (i = 0; i < ps->r->nmails; i++) {
		if (mail_check_tmpl(ps, &ps->r->mails[i], &ps->mailinfo[i]) ==
		    0)
			mail_check_twice(ps, i);
	}
	for (i = 0; i < ps->r->nmails; i++) {
		mr = &ps->r->mails[i];
		mi = &ps->mailinfo[i];
		mr->roles = xcalloc(mi->nroles + 1, sizeof *mr->roles);
		for (j = 0; j < mi->nroles; j++) {
			if ((mr->roles[mr->nroles] = rules_role(ps->r,
			    mi->roles[j])) != NULL)
				mr->nroles++;
			else
				rules_lex_error(ps, &mi->locs[j], "unknown role"
				    " \"%s\"", mi->roles[j]);
		}
		rules_lex_free_words(mi->roles, mi->locs, mi->nroles);
	}
	free(ps->mailinfo);
	ps->mailinfo = NULL;
}

void
rules_kw_mail_free(struct rules *r)
{
	size_t	 i;

	for (i = 0; i < r->nmails; i++) {
		free(r->mails[i].tmpl);
		free(r->mails[i].roles);
		free(r->mails[i].where);
	}
	free(r->mails);
}

/* Does a line's role hold the address? */
static int
mail_for(const struct mail_rule *mr, const char *rcpt)
{
	size_t	 i;

	for (i = 0; i < mr->nroles; i++) {
		if (rules_role_has(mr->roles[i], rcpt))
			return (1);
	}
	return (0);
}

const char *
rules_mail_off(const struct rules *r, const char *tmpl, const char *rcpt)
{
	const struct mail_rule	*all = NULL;
	size_t			 i;

	for (i = 0; i < r->nmails; i++) {
		if (strcmp(r->mails[i].tmpl, tmpl) != 0)
			continue;
		if (r->mails[i].nroles == 0)
			all = &r->mails[i];
		else if (mail_for(&r->mails[i], rcpt))
			return (r->mails[i].on ? NULL : r->mails[i].where);
	}
	return (all != NULL && !all->on ? all->where : NULL);
}
