/* SPDX-License-Identifier: ISC */
/*
 * BSrE's AMS mails: which notice of the rules a mail is (every pattern it
 * gives must match: sender, recipients, subject, body) and the keys that
 * find the applicant's case, from the named groups email, nik and name.
 */

#include <stdlib.h>
#include <string.h>

#include "disposisi.h"
#include "re.h"

static int
notice_re(struct re *re, const char *s)
{
	if (re == NULL)
		return (1);
	return (s != NULL && re_match(re, s, strlen(s), NULL, NULL) == 1);
}

/* Any recipient matches. */
static int
notice_to(struct re *re, const struct msg *m)
{
	size_t	 i;

	if (re == NULL)
		return (1);
	for (i = 0; i < m->nrcpts; i++) {
		if (notice_re(re, m->rcpts[i]))
			return (1);
	}
	return (0);
}

/* A named group's text, from the body, else the recipients. */
static char *
notice_key(const struct notice *n, const struct msg *m, const char *name)
{
	struct re	*res[] = { n->body, n->subject, n->to };
	const char	*s;
	char		*out;
	size_t		 i, j;

	for (i = 0; i < sizeof res / sizeof res[0]; i++) {
		if (res[i] == NULL)
			continue;
		for (j = 0; j < (res[i] == n->to ? m->nrcpts : 1); j++) {
			s = res[i] == n->body ? m->text : res[i] == n->subject ?
			    m->subject : m->rcpts[j];
			if (s != NULL && re_match_named(res[i], s, strlen(s),
			    name, &out) == 1 && out != NULL)
				return (out);
		}
	}
	return (NULL);
}

const struct notice *
notice_match(const struct rules *r, const struct msg *m,
    struct notice_keys *k, int *from_bsre)
{
	const struct notice	*n;
	size_t			 i;
	char			*p;

	memset(k, 0, sizeof *k);
	*from_bsre = 0;
	for (i = 0; i < r->nnotices; i++) {
		n = &r->notices[i];
		if (n->from == NULL || !notice_re(n->from, m->from_addr))
			continue;
		*from_bsre = 1;
		if (!notice_re(n->subject, m->subject) ||
		    !notice_re(n->body, m->text) || !notice_to(n->to, m))
			continue;
		k->email = notice_key(n, m, "email");
		for (p = k->email; p != NULL && *p != '\0'; p++)
			*p = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
		k->nik = notice_key(n, m, "nik");
		k->name = notice_key(n, m, "name");
		return (n);
	}
	return (NULL);
}

void
notice_keys_clear(struct notice_keys *k)
{
	free(k->email);
	free(k->nik);
	free(k->name);
	memset(k, 0, sizeof *k);
}
