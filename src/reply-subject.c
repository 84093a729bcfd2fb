/* SPDX-License-Identifier: ISC */
/*
 * The command in a reply's subject ("Re: [TTE-2026-00001] Y", "T
 * [TTE-...]", or a T after the robot's subject): prefixes, tags and the
 * token cut, the rest read as an answer line.
 */

#include <stdlib.h>
#include <string.h>

#include "reply_p.h"
#include "text.h"

#define REPLY_TOKEN_LEN		20	/* TOKEN_LEN in disposisi.h */

/* Reply and forward prefixes of subjects, as clients in use write them. */
static const char *reply_prefixes[] = {
	"antw", "aw", "balas", "bls", "doorst", "enc", "fw", "fwd", "odp",
	"re", "res", "rv", "sv", "terusan", "tr", "trs", "vs", "wg", NULL
};

static const char *reply_subject_strip(const char *, size_t *);
static enum reply_verdict reply_subject_tail(const char *, size_t, size_t *);
static size_t	 reply_prefix(const char *);

enum reply_verdict
reply_subject(const char *subject, char **reason_r)
{
	enum reply_verdict	 v;
	const char		*s, *p;
	char			*norm;
	size_t			 len, rest;

	*reason_r = NULL;
	if (subject == NULL)
		return (REPLY_UNCLEAR);
	norm = reply_normalise(subject);
	s = reply_subject_strip(norm, &len);
	if ((v = reply_read(s, len, &rest)) == REPLY_UNCLEAR)
		v = reply_subject_tail(s, len, &rest);
	/* "T [TTE-...] KTP buram": the tag is no part of the reason. */
	for (;;) {
		while (rest < len && text_blank(s[rest]))
			rest++;
		if (rest == len || s[rest] != '[' ||
		    (p = memchr(s + rest, ']', len - rest)) == NULL)
			break;
		rest = (size_t)(p - s) + 1;
	}
	/* "T: Re: [TTE-...] Disposisi ...": the robot's words, no reason. */
	if (v == REPLY_NO && memchr(s + rest, '[', len - rest) == NULL &&
	    reply_prefix(s + rest) == 0)
		*reason_r = reply_reason(NULL, 0, 0, s + rest, len - rest);
	free(norm);
	return (v);
}

/*
 * Cut what clients and the robot put around a subject: leading reply and
 * forward prefixes ("Re:", "AW:", "Re[2]:", repeated) and [tags], in any
 * order, and a trailing "#<token>" (the robot's mailto links). Returns the
 * trimmed rest; *lenp is set to its length.
 */
static const char *
reply_subject_strip(const char *s, size_t *lenp)
{
	const char	*p;
	size_t		 len, k;

	for (;;) {
		while (text_blank(*s))
			s++;
		if (*s == '[' && (p = strchr(s, ']')) != NULL)
			s = p + 1;
		else if ((k = reply_prefix(s)) != 0)
			s += k;
		else
			break;
	}
	len = strlen(s);
	for (;;) {
		while (len > 0 && text_blank(s[len - 1]))
			len--;
		k = REPLY_TOKEN_LEN + 1;
		if (len >= k && s[len - k] == '#' && strspn(s + len - k + 1,
		    "0123456789abcdefABCDEF") == REPLY_TOKEN_LEN &&
		    (len == k || text_blank(s[len - k - 1])))
			len -= k;
		else if (len > 0 && s[len - 1] == ']' &&
		    (p = memrchr(s, '[', len)) != NULL)
			len = (size_t)(p - s);	/* "T [TTE-2026-00001]" */
		else
			break;
	}
	*lenp = len;
	return (s);
}

/*
 * A T after the robot's subject: "Disposisi ...: Budi - T KTP buram",
 * the last " - " (or en or em dash) parting them. Only a T: the text
 * before holds the applicant's name, which is theirs to choose, and a
 * T only asks for a reason or takes the case back. *restp as for
 * reply_verdict, from s.
 */
static enum reply_verdict
reply_subject_tail(const char *s, size_t len, size_t *restp)
{
	size_t	 i, n, t, rest;

	*restp = len;
	for (i = len; i-- > 1;) {
		if (!text_blank(s[i - 1]))
			continue;
		if (s[i] == '-')
			n = 1;
		else if ((n = reply_dash(s + i, len - i)) == 0)
			continue;
		if (i + n >= len || !text_blank(s[i + n]))
			continue;
		for (t = i + n; t < len && text_blank(s[t]); t++)
			/* nothing */;
		if (reply_read(s + t, len - t, &rest) != REPLY_NO)
			return (REPLY_UNCLEAR);
		*restp = t + rest;
		return (REPLY_NO);
	}
	return (REPLY_UNCLEAR);
}

/* Length of a reply prefix ("Re:", "Re[2]:", "BLS :") at s, else 0. */
static size_t
reply_prefix(const char *s)
{
	struct word	 w;
	size_t		 k, len = strlen(s);

	if ((k = reply_next_word(s, len, 0, &w)) == 0 || w.s != s ||
	    !reply_word_in(&w, reply_prefixes))
		return (0);
	if (s[k] == '[') {
		k += 1 + strspn(s + k + 1, "0123456789");
		if (s[k] != ']')
			return (0);
		k++;
	}
	while (text_blank(s[k]))
		k++;
	return (s[k] == ':' ? k + 1 : 0);
}
