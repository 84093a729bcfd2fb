/* SPDX-License-Identifier: ISC */
/*
 * HTML mail bodies to plain text, for replies that come without a
 * text/plain part. Not a general HTML parser: it knows what mail clients
 * emit, and it drops the containers they put the quoted mail in, because
 * reply.c must read only what the official wrote.
 */

#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "html.h"
#include "text.h"

/* Named HTML entities mail clients actually emit. */
static const struct {
	const char	*name;
	uint32_t	 cp;
} html_entities[] = {
	{ "nbsp", 0xa0 },	{ "amp", '&' },		{ "lt", '<' },
	{ "gt", '>' },		{ "quot", '"' },	{ "apos", '\'' },
	{ "ndash", 0x2013 },	{ "mdash", 0x2014 },	{ "hellip", 0x2026 },
	{ "lsquo", 0x2018 },	{ "rsquo", 0x2019 },	{ "ldquo", 0x201c },
	{ "rdquo", 0x201d },	{ "laquo", 0xab },	{ "raquo", 0xbb },
	{ "copy", 0xa9 },	{ "shy", 0xad },	{ "zwnj", 0x200c },
	{ "zwj", 0x200d },	{ "ZeroWidthSpace", 0x200b },
};

#define HTML_NAME	16		/* a tag name we act on fits */

struct html_tag {
	char		 name[HTML_NAME];	/* lower case; "" if too long */
	int		 closing;
	int		 selfclosing;
	int		 comment;	/* comment, doctype, PI: no effect */
	const char	*id;
	size_t		 idlen;
	const char	*cls;
	size_t		 clslen;
	const char	*marker;	/* data-marker (Zimbra) */
	size_t		 markerlen;
};

/* What html_to_text carries from one tag or character to the next. */
struct html_state {
	struct text_buf	 b;
	char		 skip[HTML_NAME];	/* the dropped container's name */
	int		 skipdepth;	/* its nesting, 0 outside one */
	int		 pre;		/* inside <pre> */
	int		 space;		/* white space seen, not yet written */
};

static int	 html_on_tag(struct html_state *, const struct html_tag *,
		    const char **);
static void	 html_on_char(struct html_state *, const char **);
static void	 html_newline(struct html_state *);
static const char *html_tag(const char *, struct html_tag *);
static const char *html_attr(const char *, struct html_tag *);
static const char *html_skip_raw(const char *, const char *);
static size_t	 html_entity(const char *, struct text_buf *);
static int	 html_class_has(const struct html_tag *, const char *);
static int	 html_is_cut(const struct html_tag *);
static int	 html_is_drop(const struct html_tag *);
static int	 html_is_block(const char *);
static void	 html_rtrim(struct text_buf *);
static int	 ascii_casecmpn(const char *, size_t, const char *);

char *
html_to_text(const char *html)
{
	struct html_state st;
	struct html_tag	 t;
	const char	*p = html, *q;

	memset(&st, 0, sizeof st);
	while (*p != '\0') {
		if (*p == '<' && (q = html_tag(p, &t)) != NULL) {
			p = q;
			if (!t.comment && html_on_tag(&st, &t, &p))
				break;
		} else if (st.skipdepth > 0)
			p++;
		else
			html_on_char(&st, &p);
	}
	while (st.b.len > 0 && (st.b.s[st.b.len - 1] == ' ' ||
	    st.b.s[st.b.len - 1] == '\n'))
		st.b.s[--st.b.len] = '\0';
	return (text_finish(&st.b));
}

/*
 * Acts on tag t, *pp just after it (moved past a raw element's content).
 * Returns 1 at a marker after which everything is the old mail.
 */
static int
html_on_tag(struct html_state *st, const struct html_tag *t, const char **pp)
{
	/* Inside a dropped container: only track nesting. */
	if (st->skipdepth > 0) {
		if (strcmp(t->name, st->skip) != 0)
			return (0);
		if (t->closing)
			st->skipdepth--;
		else if (!t->selfclosing)
			st->skipdepth++;
		return (0);
	}
	if (t->closing) {
		if (strcmp(t->name, "pre") == 0 && st->pre > 0)
			st->pre--;
		if (html_is_block(t->name))
			html_newline(st);
		return (0);
	}
	if (html_is_cut(t))
		return (1);
	if (strcmp(t->name, "head") == 0 || strcmp(t->name, "style") == 0 ||
	    strcmp(t->name, "script") == 0 || strcmp(t->name, "title") == 0) {
		if (!t->selfclosing)
			*pp = html_skip_raw(*pp, t->name);
		return (0);
	}
	if (html_is_drop(t)) {
		if (!t->selfclosing && t->name[0] != '\0') {
			strcpy(st->skip, t->name);
			st->skipdepth = 1;
		}
		return (0);
	}
	if (strcmp(t->name, "br") == 0) {
		html_rtrim(&st->b);
		text_addc(&st->b, '\n');
		st->space = 0;
	} else if (html_is_block(t->name)) {
		if (strcmp(t->name, "pre") == 0)
			st->pre++;
		html_newline(st);
	} else if (strcmp(t->name, "td") == 0 || strcmp(t->name, "th") == 0)
		st->space = 1;
	return (0);
}

/* Ends the line at a block's edge, unless one just ended. */
static void
html_newline(struct html_state *st)
{
	html_rtrim(&st->b);
	if (st->b.len > 0 && st->b.s[st->b.len - 1] != '\n')
		text_addc(&st->b, '\n');
	st->space = 0;
}

/* One character of text at *pp (an entity whole), white space folded. */
static void
html_on_char(struct html_state *st, const char **pp)
{
	struct text_buf	*b = &st->b;
	const char	*p = *pp;
	size_t		 n;

	if (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n' ||
	    *p == '\f') {
		if (st->pre > 0 && *p == '\n') {
			html_rtrim(b);
			text_addc(b, '\n');
		} else if (st->pre > 0 && *p != '\r')
			text_addc(b, ' ');
		else
			st->space = 1;
		*pp = p + 1;
		return;
	}
	/* Collapse runs of source white space to one space. */
	if (st->space && b->len > 0 && b->s[b->len - 1] != '\n' &&
	    b->s[b->len - 1] != ' ')
		text_addc(b, ' ');
	st->space = 0;
	if (*p == '&' && (n = html_entity(p, b)) != 0)
		*pp = p + n;
	else {
		text_addc(b, *p);
		*pp = p + 1;
	}
}

/*
 * Parse the tag at p ('<'). Return the position after it, or NULL if p does
 * not start a tag (a lone '<' in text). An unterminated tag runs to the end.
 */
static const char *
html_tag(const char *p, struct html_tag *t)
{
	const char	*e;
	size_t		 n = 0;

	memset(t, 0, sizeof *t);
	p++;
	if (strncmp(p, "!--", 3) == 0) {
		t->comment = 1;
		if ((e = strstr(p + 3, "-->")) != NULL)
			return (e + 3);
		return (p + strlen(p));
	}
	if (*p == '!' || *p == '?') {
		t->comment = 1;
		if ((e = strchr(p, '>')) != NULL)
			return (e + 1);
		return (p + strlen(p));
	}
	if (*p == '/') {
		t->closing = 1;
		p++;
	}
	if (!text_alpha(*p))
		return (NULL);
	for (; text_alnum(*p) || *p == ':' || *p == '-' || *p == '_'; p++) {
		if (n < sizeof t->name - 1)
			t->name[n] = (*p >= 'A' && *p <= 'Z') ? *p + 32 : *p;
		n++;
	}
	/* A name we would truncate matches nothing we act on. */
	if (n >= sizeof t->name)
		t->name[0] = '\0';

	for (;;) {
		while (text_blank(*p) || *p == '\r' || *p == '\n' ||
		    *p == '\f' || *p == '/') {
			if (*p == '/')
				t->selfclosing = 1;
			p++;
		}
		if (*p == '\0')
			return (p);
		if (*p == '>')
			return (p + 1);
		t->selfclosing = 0;
		p = html_attr(p, t);
	}
}

/*
 * Reads the attribute at p, keeping in t the values of those we act on
 * (id, class, data-marker); returns the position after it.
 */
static const char *
html_attr(const char *p, struct html_tag *t)
{
	const char	*an, *av = NULL;
	size_t		 anlen, avlen = 0;
	char		 quote;

	an = p;
	while (*p != '\0' && *p != '>' && *p != '=' && *p != '/' &&
	    !text_blank(*p) && *p != '\r' && *p != '\n')
		p++;
	anlen = p - an;
	if (anlen == 0 && *p == '=')
		p++;		/* stray '=': skip it */
	while (text_blank(*p) || *p == '\r' || *p == '\n')
		p++;
	if (*p == '=') {
		p++;
		while (text_blank(*p) || *p == '\r' || *p == '\n')
			p++;
		if (*p == '"' || *p == '\'') {
			quote = *p++;
			av = p;
			while (*p != '\0' && *p != quote)
				p++;
			avlen = p - av;
			if (*p != '\0')
				p++;
		} else {
			av = p;
			while (*p != '\0' && *p != '>' && !text_blank(*p) &&
			    *p != '\r' && *p != '\n')
				p++;
			avlen = p - av;
		}
	}
	if (av == NULL || anlen == 0)
		return (p);
	if (ascii_casecmpn(an, anlen, "id") == 0) {
		t->id = av;
		t->idlen = avlen;
	} else if (ascii_casecmpn(an, anlen, "class") == 0) {
		t->cls = av;
		t->clslen = avlen;
	} else if (ascii_casecmpn(an, anlen, "data-marker") == 0) {
		t->marker = av;
		t->markerlen = avlen;
	}
	return (p);
}

/*
 * Skip the content of a raw element (style, script) or of <head>, whose
 * end tag may be missing before <body>. Return where parsing resumes.
 */
static const char *
html_skip_raw(const char *p, const char *name)
{
	size_t	 n = strlen(name);

	for (; *p != '\0'; p++) {
		if (*p != '<')
			continue;
		if (p[1] == '/' && strncasecmp(p + 2, name, n) == 0 &&
		    !text_alnum(p[2 + n]))
			return (p);
		if (strcmp(name, "head") == 0 &&
		    strncasecmp(p + 1, "body", 4) == 0 && !text_alnum(p[5]))
			return (p);
	}
	return (p);
}

/* Decode the entity at p ('&') into b; return its length, 0 if none. */
static size_t
html_entity(const char *p, struct text_buf *b)
{
	const char	*e;
	uint32_t	 cp = 0;
	size_t		 i, n;
	int		 hex, digits = 0;

	for (e = p + 1; text_alnum(*e) || *e == '#'; e++)
		if (e - p > 32)
			return (0);
	if (*e != ';' || e == p + 1)
		return (0);
	n = e - p + 1;

	if (p[1] == '#') {
		hex = (p[2] == 'x' || p[2] == 'X');
		for (e = p + 2 + hex; *e != ';'; e++, digits++) {
			if (*e >= '0' && *e <= '9')
				cp = cp * (hex ? 16 : 10) + (*e - '0');
			else if (hex && ((*e | 0x20) >= 'a' &&
			    (*e | 0x20) <= 'f'))
				cp = cp * 16 + ((*e | 0x20) - 'a' + 10);
			else
				return (0);
			if (cp > 0x10ffff)
				cp = 0x110000;	/* saturate: invalid */
		}
		if (digits == 0)
			return (0);
		if (cp == 0 || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			cp = 0xfffd;
		text_addcp(b, cp);
		return (n);
	}
	for (i = 0; i < sizeof html_entities / sizeof html_entities[0]; i++) {
		if (strlen(html_entities[i].name) == n - 2 &&
		    strncmp(p + 1, html_entities[i].name, n - 2) == 0) {
			text_addcp(b, html_entities[i].cp);
			return (n);
		}
	}
	return (0);
}

/* Is token one of the space-separated words in the class attribute? */
static int
html_class_has(const struct html_tag *t, const char *token)
{
	const char	*p = t->cls, *end, *w;
	size_t		 n = strlen(token);

	if (p == NULL)
		return (0);
	end = p + t->clslen;
	while (p < end) {
		while (p < end && (text_blank(*p) || *p == '\r' ||
		    *p == '\n'))
			p++;
		for (w = p; p < end && !text_blank(*p) && *p != '\r' &&
		    *p != '\n'; p++)
			/* nothing */;
		if ((size_t)(p - w) == n && strncmp(w, token, n) == 0)
			return (1);
	}
	return (0);
}

/*
 * Elements that start the quoted mail: Outlook on the web (#divRplyFwdMsg,
 * #appendonsend), Outlook for Mac (#OLK_SRC_BODY_SECTION), Zimbra
 * (hr#zwchr and the data-marker="__...__" divider, headers, quote and
 * signature blocks). Everything from there on is dropped.
 */
static int
html_is_cut(const struct html_tag *t)
{
	if (t->id != NULL &&
	    (ascii_casecmpn(t->id, t->idlen, "divRplyFwdMsg") == 0 ||
	    ascii_casecmpn(t->id, t->idlen, "appendonsend") == 0 ||
	    ascii_casecmpn(t->id, t->idlen, "OLK_SRC_BODY_SECTION") == 0 ||
	    ascii_casecmpn(t->id, t->idlen, "zwchr") == 0))
		return (1);
	if (t->marker != NULL && t->markerlen >= 2 &&
	    strncmp(t->marker, "__", 2) == 0)
		return (1);
	return (0);
}

/* Containers dropped with their content: quotes and client signatures. */
static int
html_is_drop(const struct html_tag *t)
{
	if (strcmp(t->name, "blockquote") == 0)
		return (1);
	if (t->id != NULL && ascii_casecmpn(t->id, t->idlen, "Signature") == 0)
		return (1);
	return (html_class_has(t, "gmail_quote") ||
	    html_class_has(t, "gmail_quote_container") ||
	    html_class_has(t, "gmail_signature") ||
	    html_class_has(t, "moz-cite-prefix") ||
	    html_class_has(t, "yahoo_quoted") ||
	    html_class_has(t, "protonmail_quote"));
}

/* Elements that end a line of text when they open or close. */
static int
html_is_block(const char *name)
{
	static const char	*blocks[] = {
		"address", "article", "blockquote", "dd", "div", "dl", "dt",
		"footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr",
		"li", "ol", "p", "pre", "section", "table", "tr", "ul",
	};
	size_t			 i;

	for (i = 0; i < sizeof blocks / sizeof blocks[0]; i++)
		if (strcmp(name, blocks[i]) == 0)
			return (1);
	return (0);
}

/* Drop trailing spaces so a line break never leaves them behind. */
static void
html_rtrim(struct text_buf *b)
{
	while (b->len > 0 && b->s[b->len - 1] == ' ')
		b->s[--b->len] = '\0';
}

/* Compare s[0..n) to the string want, ignoring ASCII case; 0 if equal. */
static int
ascii_casecmpn(const char *s, size_t n, const char *want)
{
	return (strlen(want) != n || strncasecmp(s, want, n) != 0);
}
