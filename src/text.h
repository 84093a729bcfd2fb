/* SPDX-License-Identifier: ISC */
/*
 * What html.c, reply.c and pdf.c need to build text: a growable string
 * and ASCII character classes. Private to those, hence not in disposisi.h.
 */
#ifndef TEXT_H
#define TEXT_H

#include <stddef.h>
#include <stdint.h>

/* Start from all zeroes; s is NUL-terminated once anything is added. */
struct text_buf {
	char	*s;
	size_t	 len;
	size_t	 size;
};

void	 text_add(struct text_buf *, const char *, size_t);
void	 text_addc(struct text_buf *, char);
/* Append cp as UTF-8; cp must be a valid scalar value. */
void	 text_addcp(struct text_buf *, uint32_t);
/* The string, which the caller frees; an empty buffer still yields "". */
char	*text_finish(struct text_buf *);

/* ASCII-only classes: <ctype.h> depends on the locale. */
int	 text_alpha(int);
int	 text_alnum(int);
int	 text_blank(int);	/* space or tab */
int	 text_upper(int);

#endif
