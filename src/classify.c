/* SPDX-License-Identifier: ISC */
/*
 * What is this message? Decided from headers alone, in an order that keeps
 * the robot out of mail loops: its own mail first, then anything a
 * machine sent (RFC 3834 auto-replies, RFC 3464 bounces, lists), then
 * replies that carry a dispatch token, then applications from allowed
 * senders. Whatever is left is nobody we serve, and gets no answer.
 */

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "disposisi.h"

const char *
classify_name(enum msg_kind k)
{
	switch (k) {
	case KIND_OWN:
		return ("own");
	case KIND_MACHINE:
		return ("machine");
	case KIND_REPLY:
		return ("reply");
	case KIND_APPLICATION:
		return ("application");
	case KIND_FOLLOWUP:
		return ("follow-up");
	case KIND_UNKNOWN:
		break;
	}
	return ("unknown");
}

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

/* Returns why a machine sent this message, or NULL if a person did. */
static const char *
classify_machine(const struct msg *m)
{
	static const char *senders[] = { "mailer-daemon", "postmaster",
	    "noreply", "no-reply", "donotreply", "do-not-reply" };
	static const char *subjects[] = { "auto:", "automatic reply",
	    "autoreply", "out of office", "balasan otomatis",
	    "di luar kantor", "undeliverable:", "undelivered mail",
	    "delivery status notification", "returned mail" };
	const char	*at;
	size_t		 i, n;

	if (m->auto_submitted != NULL && !classify_word_is(m->auto_submitted,
	    "no"))
		return ("Auto-Submitted");
	if (m->content_type != NULL &&
	    strcmp(m->content_type, "multipart/report") == 0)
		return ("delivery or read report");
	if (m->return_path != NULL && strstr(m->return_path, "<>") != NULL)
		return ("null Return-Path");
	if (m->precedence != NULL && (classify_word_is(m->precedence, "bulk")
	    || classify_word_is(m->precedence, "junk") ||
	    classify_word_is(m->precedence, "list") ||
	    classify_word_is(m->precedence, "auto_reply")))
		return ("Precedence");
	if (m->x_autoreply != NULL)
		return ("X-Autoreply");
	if (m->list_id != NULL)
		return ("mailing list");
	if (m->from_addr != NULL && (at = strchr(m->from_addr, '@')) != NULL) {
		n = (size_t)(at - m->from_addr);
		for (i = 0; i < sizeof senders / sizeof senders[0]; i++) {
			if (strlen(senders[i]) == n &&
			    strncasecmp(m->from_addr, senders[i], n) == 0)
				return ("sender is a mail system");
		}
	}
	for (i = 0; m->subject != NULL && i < sizeof subjects /
	    sizeof subjects[0]; i++) {
		if (strncasecmp(m->subject, subjects[i],
		    strlen(subjects[i])) == 0)
			return ("auto-reply subject");
	}
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

/*
 * Finds a dispatch token: in a recipient robot+<ref>.<token>@domain (the
 * Reply-To of every disposition), as "#<token>" in the subject (the
 * mailto links), or, when the client replied to From, in
 * In-Reply-To/References <ref>.<token>@domain (the disposition's
 * Message-ID). Returns a lower-case token to free, or NULL.
 */
char *
classify_token(const struct ctx *ctx, const struct msg *m)
{
	const char	*robot = ctx->conf->robot_address;
	const char	*rat = strchr(robot, '@'), *at, *plus, *dot, *p;
	size_t		 llen = (size_t)(rat - robot), i;
	char		*tok;

	for (i = 0; i < m->nrcpts; i++) {
		const char *r = m->rcpts[i];

		if ((at = strrchr(r, '@')) == NULL ||
		    strcasecmp(at, rat) != 0)
			continue;
		if ((plus = strchr(r, '+')) == NULL || plus > at ||
		    (size_t)(plus - r) != llen ||
		    strncasecmp(r, robot, llen) != 0)
			continue;
		dot = memrchr(plus, '.', (size_t)(at - plus));
		if (dot != NULL && (tok = classify_tokdup(dot + 1, at)) != NULL)
			return (tok);
	}
	/* "#<token>" in the subject: the robot's mailto links put it there. */
	for (p = m->subject; p != NULL && (p = strchr(p, '#')) != NULL; p++) {
		if ((tok = classify_tokdup(p + 1, p + 1 + strspn(p + 1,
		    "0123456789abcdefABCDEF"))) != NULL)
			return (tok);
	}
	for (i = 0; i < m->nrefs; i++) {
		const char *r = m->refs[i];

		if ((at = strrchr(r, '@')) == NULL ||
		    strcasecmp(at + 1, rat + 1) != 0)
			continue;
		dot = memrchr(r, '.', (size_t)(at - r));
		if (dot != NULL && case_ref_valid(r) &&
		    (tok = classify_tokdup(dot + 1, at)) != NULL)
			return (tok);
	}
	return (NULL);
}

/*
 * Is this attachment a document an official may be sent? Programs and
 * scripts are never forwarded (a forged application must not carry
 * malware into the office); Outlook's winmail.dat wraps the real files in
 * a format no one can open, so it is no document either. *why says what
 * it is when it is not a document.
 */
enum att_kind
classify_attachment(const struct attachment *a, const char **why)
{
	static const char *programs[] = { ".exe", ".com", ".bat", ".cmd",
	    ".scr", ".pif", ".msi", ".js", ".jse", ".vbs", ".vbe", ".wsf",
	    ".ps1", ".jar", ".hta", ".lnk", ".dll", ".sh", ".apk", ".iso" };
	const char	*dot = strrchr(a->filename, '.');
	size_t		 i;

	*why = NULL;
	if (strcasecmp(a->filename, "winmail.dat") == 0 ||
	    (a->content_type != NULL &&
	    strcmp(a->content_type, "application/ms-tnef") == 0)) {
		*why = "winmail.dat (Outlook TNEF)";
		return (ATT_WRAPPER);
	}
	if (a->content_type != NULL &&
	    (strcmp(a->content_type, "application/x-msdownload") == 0 ||
	    strcmp(a->content_type, "application/x-dosexec") == 0)) {
		*why = "a program";
		return (ATT_DANGEROUS);
	}
	for (i = 0; dot != NULL && i < sizeof programs / sizeof programs[0];
	    i++) {
		if (strcasecmp(dot, programs[i]) == 0) {
			*why = "a program or script";
			return (ATT_DANGEROUS);
		}
	}
	return (ATT_DOCUMENT);
}

/* A case reference in the subject, or a reference to the robot's mail. */
static int
classify_about_case(const struct ctx *ctx, const struct msg *m)
{
	const char	*dom = conf_domain(ctx->conf), *at;
	size_t		 i;

	if (m->subject != NULL && case_ref_find(m->subject, NULL))
		return (1);
	for (i = 0; i < m->nrefs; i++) {
		if ((at = strrchr(m->refs[i], '@')) != NULL &&
		    strcasecmp(at + 1, dom) == 0 && case_ref_valid(m->refs[i]))
			return (1);
	}
	return (0);
}

enum msg_kind
classify(const struct ctx *ctx, const struct msg *m, char **why)
{
	const char	*w;
	char		*tok;

	if (util_addr_eq(m->from_addr, ctx->conf->robot_address)) {
		xasprintf(why, "the robot's own mail");
		return (KIND_OWN);
	}
	if ((w = classify_machine(m)) != NULL) {
		xasprintf(why, "sent by a machine (%s)", w);
		return (KIND_MACHINE);
	}
	if ((tok = classify_token(ctx, m)) != NULL) {
		free(tok);
		xasprintf(why, "reply to a disposition");
		return (KIND_REPLY);
	}
	if (classify_about_case(ctx, m)) {
		xasprintf(why, "mail about an existing case");
		return (KIND_FOLLOWUP);
	}
	if (rules_applicant_ok(ctx->rules, m->from_addr)) {
		xasprintf(why, "new mail from an applicant domain");
		return (KIND_APPLICATION);
	}
	xasprintf(why, "sender %s is neither an applicant nor answering a"
	    " disposition", m->from_addr);
	return (KIND_UNKNOWN);
}
