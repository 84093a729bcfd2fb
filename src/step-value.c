/* SPDX-License-Identifier: ISC */
/*
 * Step kind "value": a Y must carry a value on its line or the next, such
 * as the applicant's new official mailbox that E-Gov creates (SOP step
 * 6: "Y budi.santoso@muaraenimkab.go.id"). An e-mail value becomes the
 * applicant's address from then on.
 */

#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "disposisi.h"
#include "reply.h"

static int
step_value_check(const struct sop *sop, const struct step *s, char **cause)
{
	if (step_decision.check(sop, s, cause) == -1)
		return (-1);
	if (s->value_type == NULL) {
		xasprintf(cause, "step %s: kind value needs a \"value\" line",
		    s->name);
		return (-1);
	}
	return (0);
}

/* The first word of text that is an address (of domain, when given). */
static int
step_value_email(const char *text, const char *domain, char *out,
    size_t len)
{
	const char	*p = text, *e, *at;
	size_t		 n;

	while (p != NULL && *p != '\0') {
		while (*p != '\0' && (isspace((unsigned char)*p) ||
		    strchr(":;,<>()[]\"'", *p) != NULL))
			p++;
		e = p + strcspn(p, " \t\r\n:;,<>()[]\"'");
		n = (size_t)(e - p);
		while (n > 0 && p[n - 1] == '.')
			n--;
		at = memchr(p, '@', n);
		if (at != NULL && at != p && n < len && memchr(at + 1, '@',
		    n - (size_t)(at + 1 - p)) == NULL && memchr(at, '.',
		    n - (size_t)(at - p)) != NULL) {
			memcpy(out, p, n);
			out[n] = '\0';
			for (e = out; *e != '\0'; e++)
				out[e - out] = tolower((unsigned char)*e);
			at = strchr(out, '@');
			return (domain == NULL || strcasecmp(at + 1,
			    domain) == 0);
		}
		p = *e != '\0' ? e + 1 : e;
	}
	return (0);
}

static void
step_value_answer(struct decide *d, const struct step *s)
{
	const char	*v = d->ev->value;

	if (d->ev->verdict == REPLY_YES) {
		if (strcmp(s->value_type, "email") == 0 ? v == NULL ||
		    !step_value_email(v, s->value_domain, d->value,
		    sizeof d->value) : v == NULL || *v == '\0' ||
		    strlen(v) >= sizeof d->value) {
			if (d->ev->may_ask)
				decide_fx(d, FX_SENDER, "nilai-diperlukan");
			decide_note(d, s->where, "Y at step %s without the %s"
			    " it needs: asked for it", s->name,
			    strcmp(s->value_type, "email") == 0 ?
			    "e-mail address" : "value");
			return;
		}
		if (strcmp(s->value_type, "email") != 0)
			snprintf(d->value, sizeof d->value, "%s", v);
		decide_fx(d, FX_VALUE, NULL);
		d->fx[d->nfx - 1].step = s;
		d->fx[d->nfx - 1].arg = d->value;
	}
	decide_decided(d, s);
}

const struct step_kind step_value = {
	.name = "value",
	.check = step_value_check,
	.enter = decide_dispatch,
	.answer = step_value_answer
};
