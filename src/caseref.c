/* SPDX-License-Identifier: ISC */
/*
 * Case references, TTE-YYYY-NNNNN: the year (WIB) and a five-digit
 * sequence of that year. Found in subjects as "[TTE-2026-00001]" and in
 * Message-IDs the robot made, whatever case the client gave them.
 */

#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "disposisi.h"

#define CASE_REF_LEN	14	/* TTE-YYYY-NNNNN */

int
case_ref_valid(const char *s)
{
	int	 i;

	if (strncasecmp(s, "TTE-", 4) != 0 || s[8] != '-')
		return (0);
	for (i = 4; i < CASE_REF_LEN; i++) {
		if (i != 8 && !isdigit((unsigned char)s[i]))
			return (0);
	}
	return (1);
}

/*
 * Finds the first reference in s; copies it, upper case, to out (at least
 * CASE_REF_LEN + 1 bytes) when out is not NULL. Returns 1 if found.
 */
int
case_ref_find(const char *s, char *out)
{
	const char	*p;
	int		 i;

	for (p = s; strlen(p) >= CASE_REF_LEN; p++) {
		if (p > s && isalnum((unsigned char)p[-1]))
			continue;
		if (!case_ref_valid(p) || isdigit((unsigned char)p[14]))
			continue;
		if (out != NULL) {
			for (i = 0; i < CASE_REF_LEN; i++)
				out[i] = toupper((unsigned char)p[i]);
			out[CASE_REF_LEN] = '\0';
		}
		return (1);
	}
	return (0);
}
