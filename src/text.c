/* SPDX-License-Identifier: ISC */
/* The text helpers html.c and reply.c share; see text.h. */

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "text.h"
#include "xmalloc.h"

void
text_add(struct text_buf *b, const char *s, size_t n)
{
	size_t	 want;

	want = b->len + n + 1;
	if (want > b->size) {
		b->size = b->size == 0 ? 256 : b->size;
		while (b->size < want)
			b->size *= 2;
		b->s = xreallocarray(b->s, 1, b->size);
	}
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

void
text_addc(struct text_buf *b, char c)
{
	text_add(b, &c, 1);
}

void
text_addcp(struct text_buf *b, uint32_t cp)
{
	char	 u[4];

	if (cp < 0x80) {
		u[0] = (char)cp;
		text_add(b, u, 1);
	} else if (cp < 0x800) {
		u[0] = (char)(0xc0 | (cp >> 6));
		u[1] = (char)(0x80 | (cp & 0x3f));
		text_add(b, u, 2);
	} else if (cp < 0x10000) {
		u[0] = (char)(0xe0 | (cp >> 12));
		u[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		u[2] = (char)(0x80 | (cp & 0x3f));
		text_add(b, u, 3);
	} else {
		u[0] = (char)(0xf0 | (cp >> 18));
		u[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
		u[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
		u[3] = (char)(0x80 | (cp & 0x3f));
		text_add(b, u, 4);
	}
}

char *
text_finish(struct text_buf *b)
{
	if (b->s == NULL)
		return (xstrdup(""));
	return (b->s);
}

int
text_alpha(int c)
{
	return ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'));
}

int
text_alnum(int c)
{
	return (text_alpha(c) || (c >= '0' && c <= '9'));
}

int
text_blank(int c)
{
	return (c == ' ' || c == '\t');
}

int
text_upper(int c)
{
	return ((c >= 'a' && c <= 'z') ? c - 'a' + 'A' : c);
}
