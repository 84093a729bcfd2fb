/* SPDX-License-Identifier: ISC */
/*
 * Case references, PREFIX-YYYY-NNNNN: the SOP's prefix (rules: "prefix
 * TTE"), the year (the office's zone) and the sequence of that year, five digits or
 * more. Found in subjects as "[TTE-2026-00001]" and in Message-IDs the
 * robot made, whatever case the client gave them.
 */

#include <ctype.h>
#include <string.h>

#include "disposisi.h"

/* The length of the reference s starts with, or 0. */
static size_t
case_ref_len(const char *s)
{
	size_t	 p = 0, n;

	while (isalpha((unsigned char)s[p]))
		p++;
	if (p < 2 || p > CASE_PREFIX_MAX || s[p] != '-')
		return (0);
	for (n = 1; n <= 4; n++) {
		if (!isdigit((unsigned char)s[p + n]))
			return (0);
	}
	p += 5;
	if (s[p] != '-')
		return (0);
	for (n = 1; isdigit((unsigned char)s[p + n]); n++)
		;
	if (n - 1 < 5 || n - 1 > 9)
		return (0);
	return (p + n);
}

int
case_ref_valid(const char *s)
{
	return (case_ref_len(s) > 0);
}

/*
 * Finds the first reference in s; copies it, upper case, to out (at least
 * CASE_REF_MAX + 1 bytes) when out is not NULL. Returns the rest of s past
 * it, to look for another, or NULL if there is none.
 */
const char *
case_ref_next(const char *s, char *out)
{
	const char	*p;
	size_t		 i, n;

	for (p = s; *p != '\0'; p++) {
		if (p > s && isalnum((unsigned char)p[-1]))
			continue;
		if ((n = case_ref_len(p)) == 0)
			continue;
		if (out != NULL) {
			for (i = 0; i < n; i++)
				out[i] = toupper((unsigned char)p[i]);
			out[n] = '\0';
		}
		return (p + n);
	}
	return (NULL);
}

/* case_ref_next: is there a reference in s? */
int
case_ref_find(const char *s, char *out)
{
	return (case_ref_next(s, out) != NULL);
}
