/* SPDX-License-Identifier: ISC */
/*
 * What is this message? Read from the message and the rules alone - the
 * database is workflow.c's - so `disposisi explain` shows exactly what
 * the daemon reads. The order keeps the robot out of mail loops: its own
 * mail, bounces, BSrE's notices (AMS writes from noreply@, so before the
 * machine checks), auto-replies (RFC 3834 or a person's out-of-office
 * rule), bulk mail; then answers carrying a dispatch token or a case key,
 * other mail about a case, and new applications. Whatever is left is
 * nobody we serve, and gets no answer.
 */

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "disposisi.h"
#include "re.h"

/* The first word of a header value, before any ';' parameter. */
static int
classify_word_is(const char *v, const char *word)
{
	size_t	 n = strlen(word);

	while (isspace((unsigned char)*v))
		v++;
	return (strncasecmp(v, word, n) == 0 && (v[n] == '\0' ||
	    v[n] == ';' || isspace((unsigned char)v[n])));
}

/* Is the local part of the sender one of these? */
static int
classify_sender_is(const struct msg *m, const char *const *names, size_t n)
{
	const char	*at;
	size_t		 i, len;

	if (m->from_addr == NULL || (at = strchr(m->from_addr, '@')) == NULL)
		return (0);
	len = (size_t)(at - m->from_addr);
	for (i = 0; i < n; i++) {
		if (strlen(names[i]) == len &&
		    strncasecmp(m->from_addr, names[i], len) == 0)
			return (1);
	}
	return (0);
}

static int
classify_subject_starts(const struct msg *m, const char *const *s, size_t n)
{
	size_t	 i;

	for (i = 0; m->subject != NULL && i < n; i++) {
		if (strncasecmp(m->subject, s[i], strlen(s[i])) == 0)
			return (1);
	}
	return (0);
}

/* Is id one of the robot's Message-IDs about a case (<ref.…@domain>)? */
static int
classify_robot_mid(const struct ctx *ctx, const char *id)
{
	const char	*at = strrchr(id, '@');

	return (at != NULL && strcasecmp(at + 1, conf_domain(ctx->conf)) ==
	    0 && case_ref_valid(id));
}

/*
 * A read receipt in plain text, without the report part (Outlook through
 * some servers, phone clients): "Read: SUBJECT" over "Your message ...
 * was read on ...". Taken only when the subject's prefix, the body's
 * phrase and a robot Message-ID in the thread all say so: an official's
 * answer has no such phrase, and a receipt for no mail of ours is not
 * ours to record. Anything less stays what it was.
 */
static int
classify_receipt_text(const struct ctx *ctx, const struct msg *m)
{
	static const char *const subjects[] = { "read:", "dibaca:",
	    "telah dibaca:", "gelesen:", "lu :", "lu:", "leído:" };
	static const char *const phrases[] = { "was read on",
	    "dibaca pada", "wurde am", "a été lu le", "fue leído el" };
	size_t	 i;

	if (m->text == NULL || !classify_subject_starts(m, subjects,
	    sizeof subjects / sizeof subjects[0]))
		return (0);
	for (i = 0; i < sizeof phrases / sizeof phrases[0]; i++) {
		if (strcasestr(m->text, phrases[i]) != NULL)
			break;
	}
	if (i == sizeof phrases / sizeof phrases[0])
		return (0);
	for (i = 0; i < m->nrefs; i++) {
		if (classify_robot_mid(ctx, m->refs[i]))
			return (1);
	}
	return (0);
}

/*
 * A read receipt (RFC 8098): a report whose report part is
 * message/disposition-notification, Outlook's "Read:" and "Dibaca:" ones
 * too, or the same in plain text. Nothing failed, so it is no bounce;
 * nobody answered.
 */
static int
classify_receipt(const struct ctx *ctx, const struct msg *m)
{
	size_t	 i;

	if (m->content_type == NULL ||
	    strcmp(m->content_type, "multipart/report") != 0)
		return (classify_receipt_text(ctx, m));
	for (i = 0; i < m->natt; i++) {
		if (m->att[i].content_type != NULL &&
		    strcmp(m->att[i].content_type,
		    "message/disposition-notification") == 0)
			return (1);
	}
	return (0);
}

/* A delivery report (RFC 3464) or a bounce in an older shape. */
static const char *
classify_bounce(const struct msg *m)
{
	static const char *const senders[] = { "mailer-daemon",
	    "postmaster" };
	static const char *const subjects[] = { "undeliverable:",
	    "undelivered mail", "delivery status notification",
	    "returned mail", "mail delivery failed",
	    "delivery failure", "tidak terkirim:", "gagal terkirim" };

	if (m->content_type != NULL &&
	    strcmp(m->content_type, "multipart/report") == 0)
		return ("a delivery report (multipart/report)");
	if (classify_sender_is(m, senders, sizeof senders / sizeof senders[0]))
		return ("sent by a mail system");
	if (classify_subject_starts(m, subjects, sizeof subjects /
	    sizeof subjects[0]))
		return ("a bounce subject");
	return (NULL);
}

/* An auto-reply: RFC 3834 headers, or a person's own out-of-office rule. */
static const char *
classify_autoreply(const struct msg *m)
{
	static const char *const subjects[] = { "auto:", "automatic reply",
	    "autoreply", "auto reply", "out of office", "balasan otomatis",
	    "di luar kantor" };

	if (m->auto_submitted != NULL && !classify_word_is(m->auto_submitted,
	    "no"))
		return ("Auto-Submitted");
	if (m->x_autoreply != NULL)
		return ("X-Autoreply");
	if (m->precedence != NULL && classify_word_is(m->precedence,
	    "auto_reply"))
		return ("Precedence: auto_reply");
	if (classify_subject_starts(m, subjects, sizeof subjects /
	    sizeof subjects[0]))
		return ("an auto-reply subject");
	if (reply_is_autoreply(m->subject, m->text))
		return ("out-of-office words in the subject or first lines");
	return (NULL);
}

/* Lists, newsletters and other bulk mail. */
static const char *
classify_bulk(const struct msg *m)
{
	static const char *const senders[] = { "noreply", "no-reply",
	    "donotreply", "do-not-reply", "newsletter" };

	if (m->list_id != NULL)
		return ("a mailing list (List-Id or List-Unsubscribe)");
	if (m->precedence != NULL && (classify_word_is(m->precedence, "bulk")
	    || classify_word_is(m->precedence, "junk") ||
	    classify_word_is(m->precedence, "list")))
		return ("bulk mail (Precedence)");
	if (m->return_path != NULL && strstr(m->return_path, "<>") != NULL)
		return ("a null Return-Path");
	if (classify_sender_is(m, senders, sizeof senders / sizeof senders[0]))
		return ("a no-reply sender");
	return (NULL);
}

/*
 * Tokens are TOKEN_LEN hex digits; clients may have changed their case.
 * Anything else (the tag of another robot mail) is no token.
 */
static char *
classify_tokdup(const char *start, const char *end)
{
	char	*t, *p;

	if (end - start != TOKEN_LEN)
		return (NULL);
	t = xstrndup(start, (size_t)(end - start));
	for (p = t; *p != '\0'; p++) {
		if (!isxdigit((unsigned char)*p)) {
			free(t);
			return (NULL);
		}
		*p = tolower((unsigned char)*p);
	}
	return (t);
}

/* The first token seen is kept; another than it sets *several. */
static void
classify_tok_seen(char **first, int *several, char *t)
{
	if (t == NULL)
		return;
	if (*first == NULL) {
		*first = t;
		return;
	}
	if (strcmp(*first, t) != 0)
		*several = 1;
	free(t);
}

/*
 * Finds the dispatch tokens: in a recipient robot+<ref>.<token>@domain
 * (the Reply-To of every disposition), as "#<token>" in the subject (the
 * mailto links), or, when the client replied to From, in
 * In-Reply-To/References <ref>.<token>@domain (the disposition's
 * Message-ID). Returns the first as a lower-case token to free, or NULL;
 * *several says whether the mail carries another.
 */
static char *
classify_tokens(const struct ctx *ctx, const struct msg *m, int *several)
{
	const char	*robot = ctx->conf->robot_address;
	const char	*rat = strchr(robot, '@'), *at, *plus, *dot, *p;
	size_t		 llen = (size_t)(rat - robot), i;
	char		*tok = NULL;

	*several = 0;
	for (i = 0; i < m->nrcpts; i++) {
		const char *r = m->rcpts[i];

		if ((at = strrchr(r, '@')) == NULL ||
		    strcasecmp(at, rat) != 0)
			continue;
		if ((plus = strchr(r, '+')) == NULL || plus > at ||
		    (size_t)(plus - r) != llen ||
		    strncasecmp(r, robot, llen) != 0)
			continue;
		if ((dot = memrchr(plus, '.', (size_t)(at - plus))) != NULL)
			classify_tok_seen(&tok, several,
			    classify_tokdup(dot + 1, at));
	}
	/* "#<token>" in the subject: the robot's mailto links put it there. */
	for (p = m->subject; p != NULL && (p = strchr(p, '#')) != NULL; p++)
		classify_tok_seen(&tok, several, classify_tokdup(p + 1, p + 1 +
		    strspn(p + 1, "0123456789abcdefABCDEF")));
	for (i = 0; i < m->nrefs; i++) {
		const char *r = m->refs[i];

		if ((at = strrchr(r, '@')) == NULL ||
		    strcasecmp(at + 1, rat + 1) != 0)
			continue;
		dot = memrchr(r, '.', (size_t)(at - r));
		if (dot != NULL && case_ref_valid(r))
			classify_tok_seen(&tok, several,
			    classify_tokdup(dot + 1, at));
	}
	return (tok);
}

/*
 * Adds every reference s names ("[TTE-2026-00003] ... [TTE-2026-00007]"
 * holds two); one other than the first: the keys disagree, and the other
 * is kept to tell the sender which cases they named.
 */
static void
classify_ref(struct reading *rd, const char *s)
{
	char	 ref[CASE_REF_MAX + 1];

	while (s != NULL && (s = case_ref_next(s, ref)) != NULL) {
		if (rd->ref[0] == '\0')
			snprintf(rd->ref, sizeof rd->ref, "%s", ref);
		else if (strcmp(rd->ref, ref) != 0) {
			rd->keys_disagree = 1;
			if (rd->ref_other[0] == '\0')
				snprintf(rd->ref_other, sizeof rd->ref_other,
				    "%s", ref);
		}
	}
}

/*
 * The keys that name a case: the token's reply address, the [REF] tags in
 * the subject, the robot's Message-IDs in the thread. When they name
 * different cases (or carry different tokens) nothing is acted on.
 */
static void
classify_keys(const struct ctx *ctx, const struct msg *m, struct reading *rd)
{
	const char	*dom = conf_domain(ctx->conf), *at;
	size_t		 i;
	int		 several;

	rd->token = classify_tokens(ctx, m, &several);
	if (several)
		rd->keys_disagree = 1;
	for (i = 0; i < m->nrcpts; i++) {
		if ((at = strrchr(m->rcpts[i], '@')) != NULL &&
		    strcasecmp(at + 1, dom) == 0 && strchr(m->rcpts[i], '+'))
			classify_ref(rd, strchr(m->rcpts[i], '+') + 1);
	}
	classify_ref(rd, m->subject);
	for (i = 0; i < m->nrefs; i++) {
		if (classify_robot_mid(ctx, m->refs[i]))
			classify_ref(rd, m->refs[i]);
	}
}

/*
 * The case a read receipt names: the robot's mail it reports on
 * (Original-Message-ID), else its thread's keys.
 */
static void
classify_receipt_keys(const struct ctx *ctx, const struct msg *m,
    struct reading *rd)
{
	const char	*mid = m->report_mid;

	if (mid != NULL && classify_robot_mid(ctx, mid))
		classify_ref(rd, mid);
	else
		classify_keys(ctx, m, rd);
}

/*
 * The answer: the body's first line, or the subject's command when the
 * body has no new text. A subject and a body that say different things
 * are not understood - except that a T in the subject takes the body's
 * plain text as its reason ("T [TTE-...]" over "Lampiran KTP buram"):
 * a reason is what a T needs and a Y never has, so only a T does this.
 */
static void
classify_answer(const struct msg *m, struct reading *rd)
{
	struct reply		*r = &rd->reply;
	enum reply_verdict	 sv;
	char			*reason;

	reply_parse(m->text ? m->text : "", r);
	sv = reply_subject(m->subject, &reason);
	if (r->line == NULL && sv != REPLY_UNCLEAR) {
		r->verdict = sv;
		r->reason = reason;
		return;
	}
	if (sv == REPLY_NO && r->verdict == REPLY_UNCLEAR &&
	    r->prose != NULL) {
		r->verdict = REPLY_NO;
		if (reason != NULL) {
			xasprintf(&r->reason, "%s\n%s", reason, r->prose);
			free(r->prose);
		} else
			r->reason = r->prose;
		r->prose = NULL;
	}
	free(reason);
	if (sv != REPLY_UNCLEAR && sv != r->verdict) {
		free(r->reason);
		free(r->value);
		r->reason = r->value = NULL;
		r->verdict = REPLY_UNCLEAR;
	}
}

/* Documents: a program anywhere refuses the mail; kinds for the rest. */
static void
classify_documents(const struct ctx *ctx, const struct msg *m,
    struct reading *rd)
{
	size_t	 i, j;

	document_classify(ctx->rules, m, &rd->docs, &rd->ndocs);
	for (i = 0; i < rd->ndocs; i++) {
		if (rd->docs[i].verdict == DOC_DANGEROUS && rd->dangerous ==
		    NULL)
			rd->dangerous = rd->docs[i].why;
	}
	if (rd->kind != KIND_APPLICATION)
		return;
	document_expect(ctx->rules, rd->docs, rd->ndocs, rd->sop->requires,
	    rd->sop->nrequires);
	for (i = 0; i < rd->sop->nrequires; i++) {
		for (j = 0; j < rd->ndocs; j++) {
			if (rd->docs[j].kind != NULL && strcmp(rd->docs[j].kind,
			    rd->sop->requires[i]) == 0)
				break;
		}
		if (j == rd->ndocs && rd->nmissing < sizeof rd->missing /
		    sizeof rd->missing[0])
			rd->missing[rd->nmissing++] = rd->sop->requires[i];
	}
}

/*
 * The SOP a new mail applies for: the first whose subject pattern the
 * mail's subject matches, else the first that has none; either must let
 * the sender apply.
 */
static const struct sop *
classify_sop(const struct ctx *ctx, const struct msg *m)
{
	const struct sop	*sop, *plain = NULL;
	size_t			 i;

	for (i = 0; i < ctx->rules->nsops; i++) {
		sop = &ctx->rules->sops[i];
		if (!rules_applicant_ok(sop, m->from_addr))
			continue;
		if (sop->subject == NULL) {
			if (plain == NULL)
				plain = sop;
		} else if (m->subject != NULL && re_match(sop->subject,
		    m->subject, strlen(m->subject), NULL, NULL) == 1)
			return (sop);
	}
	return (plain);
}

/*
 * Mail no person wrote for the case: the robot's own, receipts, bounces,
 * AMS notices, auto-replies, lists. Returns 1 when the message is one.
 */
static int
classify_machine(const struct ctx *ctx, const struct msg *m,
    struct reading *rd)
{
	const char	*w;
	int		 from_bsre;

	if (util_addr_eq(m->from_addr, ctx->conf->robot_address)) {
		rd->kind = KIND_OWN;
		xasprintf(&rd->why, "the robot's own mail");
		return (1);
	}
	if (classify_receipt(ctx, m)) {
		rd->kind = KIND_RECEIPT;
		classify_receipt_keys(ctx, m, rd);
		xasprintf(&rd->why, "a read receipt (%s): recorded, never a"
		    " bounce or an answer", strcmp(m->content_type ?
		    m->content_type : "", "multipart/report") == 0 ?
		    "RFC 8098" : "in plain text");
		return (1);
	}
	if ((w = classify_bounce(m)) != NULL) {
		rd->kind = KIND_BOUNCE;
		xasprintf(&rd->why, "a bounce: %s", w);
		return (1);
	}
	rd->notice = notice_match(ctx->rules, m, &rd->keys, &from_bsre);
	if (rd->notice != NULL) {
		rd->kind = KIND_NOTICE;
		rd->rule = rd->notice->where;
		xasprintf(&rd->why, "an AMS notice: %s", rd->notice->words);
		return (1);
	}
	if (from_bsre) {
		rd->kind = KIND_UNKNOWN;
		xasprintf(&rd->why, "mail from BSrE that matches no notice of"
		    " the rules: for the admin");
		return (1);
	}
	if ((w = classify_autoreply(m)) != NULL) {
		rd->kind = KIND_AUTOREPLY;
		classify_keys(ctx, m, rd);
		xasprintf(&rd->why, "an auto-reply: %s", w);
		return (1);
	}
	if ((w = classify_bulk(m)) != NULL) {
		rd->kind = KIND_LIST;
		xasprintf(&rd->why, "ignored: %s", w);
		return (1);
	}
	return (0);
}

/* Mail a person wrote: an answer, a follow-up, an application. */
static void
classify_person(const struct ctx *ctx, const struct msg *m,
    struct reading *rd)
{
	classify_keys(ctx, m, rd);
	rd->role = rules_role_by_addr(ctx->rules, m->from_addr);
	if (rd->token != NULL || (rd->ref[0] != '\0' && rd->role != NULL)) {
		rd->kind = KIND_REPLY;
		rd->rule = rd->role != NULL ? rd->role->where : NULL;
		classify_answer(m, rd);
		if (rd->keys_disagree)
			xasprintf(&rd->why, "an answer whose keys (token, tag,"
			    " thread) name different cases or steps: not"
			    " acted on");
		else if (rd->role == NULL)
			xasprintf(&rd->why, "an answer from %s, who holds no"
			    " role in the rules", m->from_addr);
		else
			xasprintf(&rd->why, "an answer from %s (%s)",
			    m->from_addr, rd->role->name);
		return;
	}
	if (rd->ref[0] != '\0') {
		rd->kind = KIND_FOLLOWUP;
		xasprintf(&rd->why, "mail about case %s", rd->ref);
		return;
	}
	if (rd->role != NULL && m->natt == 0) {
		rd->kind = KIND_UNKNOWN;
		xasprintf(&rd->why, "mail from %s (%s) that names no case and"
		    " carries no document", m->from_addr, rd->role->name);
		return;
	}
	if ((rd->sop = classify_sop(ctx, m)) != NULL) {
		rd->kind = KIND_APPLICATION;
		rd->rule = rd->sop->where;
		xasprintf(&rd->why, "a new application for SOP %s",
		    rd->sop->name);
		return;
	}
	rd->kind = KIND_UNKNOWN;
	xasprintf(&rd->why, "%s may not apply and answers no disposition",
	    m->from_addr);
}

/* What a message is, and why: the verdict explain prints. */
static void
classify_kind(const struct ctx *ctx, const struct msg *m, struct reading *rd)
{
	if (!classify_machine(ctx, m, rd))
		classify_person(ctx, m, rd);
}

/*
 * Reads a message: what it is, the case it names, the answer it gives,
 * its documents. Uses the message and the rules only - the database is
 * workflow.c's - so `disposisi explain` shows the same reading.
 */
void
classify_read(const struct ctx *ctx, const struct msg *m,
    struct reading *rd)
{
	memset(rd, 0, sizeof *rd);
	classify_kind(ctx, m, rd);
	if (rd->kind == KIND_REPLY || rd->kind == KIND_FOLLOWUP ||
	    rd->kind == KIND_APPLICATION)
		classify_documents(ctx, m, rd);
}

void
classify_clear(struct reading *rd)
{
	free(rd->why);
	free(rd->token);
	reply_clear(&rd->reply);
	document_free(rd->docs, rd->ndocs);
	notice_keys_clear(&rd->keys);
	memset(rd, 0, sizeof *rd);
}

const char *
classify_kind_name(const struct reading *rd)
{
	if (rd->dangerous != NULL)
		return ("invalid");
	switch (rd->kind) {
	case KIND_OWN:
	case KIND_LIST:
		return ("ignored");
	case KIND_AUTOREPLY:
		return ("auto-reply");
	case KIND_BOUNCE:
		return ("bounce");
	case KIND_RECEIPT:
		return ("receipt");
	case KIND_NOTICE:
		return ("notice");
	case KIND_REPLY:
		return (rd->role == NULL ? "invalid" : "command");
	case KIND_FOLLOWUP:
	case KIND_APPLICATION:
		return ("submission");
	case KIND_UNKNOWN:
		break;
	}
	return ("invalid");
}
