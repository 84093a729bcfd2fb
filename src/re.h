/* SPDX-License-Identifier: ISC */
/*
 * Regular expressions: the only module that includes pcre2.h. Patterns and
 * subjects are UTF-8; character classes and \b, \s, \w follow Unicode
 * properties. A struct re is immutable after re_compile, so one compiled
 * pattern may be shared; each match allocates its own match data.
 */
#ifndef RE_H
#define RE_H

#include <stddef.h>

#define RE_CASELESS	0x1
#define RE_MULTILINE	0x2

struct re;

/*
 * Compile pattern with RE_* flags. On error return NULL and set *cause to
 * "offset N: message" (the caller frees *cause).
 */
struct re	*re_compile(const char *pattern, int flags, char **cause);

/*
 * Match subject[0..len). Return 1 on a match (and the byte offsets of the
 * whole match in *so and *eo when they are not NULL), 0 for no match, -1 on
 * error: invalid UTF-8 in subject or a match/depth limit hit.
 */
int		 re_match(struct re *, const char *subject, size_t len,
		    size_t *so, size_t *eo);

/*
 * As re_match, but on a match set *out to a copy of capture group (0 is the
 * whole match), or NULL if that group did not take part; the caller frees
 * *out. A group the pattern does not have is an error (-1). *out is NULL
 * whenever the return is not 1.
 */
int		 re_match_group(struct re *, const char *subject, size_t len,
		    int group, char **out);

/*
 * As re_match_group, but the group is named, as in (?<email>...). On a
 * match *out is a copy of the group, or NULL if it did not take part or
 * the pattern has no group of that name (a rule may leave a name out);
 * the caller frees *out. Return 1, 0 or -1 as re_match.
 */
int		 re_match_named(struct re *, const char *subject, size_t len,
		    const char *name, char **out);

/* Free a compiled pattern; NULL is allowed. */
void		 re_free(struct re *);

#endif
