/* SPDX-License-Identifier: ISC */
/*
 * What the files of reply.c share: the reply cut into lines and the
 * kind of each (reply-cut.c), the word lists and the courtesy reading
 * (reply-words.c), the verdict reading (reply.c) the subject uses
 * (reply-subject.c). Private to them.
 */
#ifndef REPLY_P_H
#define REPLY_P_H

#include <stddef.h>

#include "reply.h"

enum line_kind {
	L_UNKNOWN = 0,		/* not classified yet */
	L_EMPTY,
	L_TEXT,
	L_QUOTE,		/* "> ..." */
	L_ATTR,			/* "On ... wrote:", possibly wrapped */
	L_SPLIT,		/* "--- Original Message ---", "____", ... */
	L_HEADER,		/* "From: ..." (a cut only if two in a row) */
	L_SIG			/* "-- ", "Sent from my ..." */
};

struct line {
	const char	*raw;		/* whole line, NUL-terminated */
	size_t		 rawlen;
	const char	*s;		/* trimmed view into raw */
	size_t		 len;
	enum line_kind	 kind;
	size_t		 span;		/* L_ATTR: lines it covers */
};

struct lines {
	struct line	*v;
	size_t		 n;
};

/* The patterns of reply-cut.c, by what they find. */
enum {
	P_ATTR_START,
	P_ATTR,
	P_SPLIT,
	P_HEADER,
	P_SIG,
	P_DELIM,
	P_AUTO,
	P__MAX
};

struct word {
	const char	*s;
	size_t		 len;
};

/* reply-cut.c: the new text, cut from what clients quote and append */
void	 reply_patterns(void);
int	 reply_pmatch(int, const char *, size_t);
char	*reply_normalise(const char *);
void	 reply_split(char *, struct lines *);
void	 reply_fresh(struct lines *, size_t *, size_t *);
size_t	 reply_dash(const char *, size_t);

/* reply.c: the answer line */
struct verdict_word;
const struct verdict_word *reply_word(const char *, size_t, size_t *);
enum reply_verdict reply_read(const char *, size_t, size_t *);
char	*reply_reason(struct lines *, size_t, size_t, const char *,
	    size_t);

/* reply-words.c: words and courtesy */
extern const char *reply_closings[];
extern const char *reply_stops[];
extern const char *reply_nots[];
extern const char *reply_refusals[];
extern const char *reply_ors[];
int	 reply_courtesy(const char *, size_t);
size_t	 reply_next_word(const char *, size_t, size_t, struct word *);
int	 reply_word_in(const struct word *, const char **);
int	 reply_opens_with(const char *, size_t, const char **);
int	 reply_mentions(const char *, size_t, const char **);

#endif
