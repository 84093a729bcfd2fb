/* SPDX-License-Identifier: ISC */
/*
 * Find the official's answer in a reply. Clients quote the robot's mail in
 * many ways (">" lines, "On ... wrote:", Outlook header blocks, Zimbra
 * "----- Pesan Asli -----"; HTML containers are html.c's), so the body is
 * first cut down to the new text, then its first line is read with a
 * deliberately strict rule: a wrong YES or NO moves a citizen's case, while
 * UNCLEAR only makes the robot ask again.
 *
 * The patterns are compiled on first use and kept for the life of the
 * process; the first call is not thread-safe.
 */

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "log.h"
#include "re.h"
#include "reply.h"
#include "text.h"
#include "xmalloc.h"

#define REPLY_LINE_MAX		200	/* bytes kept in struct reply line */
#define REPLY_ATTR_LINES	3	/* "On ... wrote:" may wrap this far */

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

enum {
	P_ATTR_START,
	P_ATTR,
	P_SPLIT,
	P_HEADER,
	P_SIG,
	P_DELIM,
	P__MAX
};

/*
 * Quote splitters (see shared notes 4.2). They run against one line (or a
 * few joined lines for P_ATTR), so ^ and $ are the line's ends.
 */
static const char *reply_pattern_src[P__MAX] = {
	/* Cheap test before joining wrapped lines. */
	[P_ATTR_START] = "^\\s*(?:-+\\s*)?(?:On|Pada)\\b",
	/* Gmail, Thunderbird; Zimbra "----- Pada ..., jam ... menulis:" */
	[P_ATTR] = "^\\s*(?:-+\\s*)?(?:On|Pada)\\b.{0,300}\\b"
	    "(?:wrote|menulis)\\s*:\\s*-*\\s*$",
	[P_SPLIT] = "^\\s*(?:-{2,}\\s*(?:Original Message|Pesan Asli|"
	    "Forwarded message|Pesan yang Diteruskan|Pesan Diteruskan|"
	    "Pesan Terusan)\\b|(?:Begin forwarded message|"
	    "Mulai pesan yang diteruskan)\\s*:|_{10,}\\s*$)",
	/* Outlook header labels, English and Indonesian, maybe "*From:*". */
	[P_HEADER] = "^[\\s*]*(?:From|Dari|Sent|Dikirim|Terkirim|Date|"
	    "Tanggal|To|Kepada|Ke|Cc|Bcc|Subject|Subjek|Perihal|Reply-To)"
	    "[\\s*]*:",
	/*
	 * Signature separator and client taglines. The length bound keeps a
	 * real sentence that happens to start "Dikirim dari ..." from cutting.
	 */
	[P_SIG] = "^\\s*(?:--\\s*$|(?:Sent from my|Sent from Mail for|"
	    "Sent from Outlook|Sent from Yahoo|Sent with Proton|Dikirim dari|"
	    "Get Outlook for|Dapatkan Outlook untuk)\\b.{0,80}$)",
	/* The robot's own "=== Balas di atas garis ini ===". */
	[P_DELIM] = "Balas di atas garis ini|Reply above this line",
};
static struct re	*reply_pattern[P__MAX];

/*
 * Verdict words, matched whole and case-insensitively at the start of the
 * first line. A phrase is listed before any word it starts with. space_reason
 * says whether a reason may follow after a bare space ("T KTP buram",
 * "Tolak karena ..."); "Tidak ada masalah" and "No problem" show why TIDAK
 * and NO need punctuation.
 */
static const struct verdict_word {
	const char		*word;	/* upper case; ' ' matches blanks */
	enum reply_verdict	 verdict;
	int			 space_reason;
} reply_words[] = {
	{ "TIDAK SETUJU",	REPLY_NO,	1 },
	{ "DISETUJUI",		REPLY_YES,	0 },
	{ "SETUJU",		REPLY_YES,	0 },
	{ "LANJUTKAN",		REPLY_YES,	0 },
	{ "LANJUT",		REPLY_YES,	0 },
	{ "DITOLAK",		REPLY_NO,	1 },
	{ "TIDAK",		REPLY_NO,	0 },
	{ "TOLAK",		REPLY_NO,	1 },
	{ "YES",		REPLY_YES,	0 },
	{ "IYA",		REPLY_YES,	0 },
	{ "YA",			REPLY_YES,	0 },
	{ "NO",			REPLY_NO,	0 },
	{ "Y",			REPLY_YES,	0 },
	{ "T",			REPLY_NO,	1 },
};

static int	 ascii_upper(int);
static size_t	 utf8_decode(const unsigned char *, size_t, uint32_t *);
static size_t	 utf8_dash(const char *, size_t);

static void	 reply_patterns(void);
static int	 reply_pmatch(int, const char *, size_t);
static char	*reply_normalise(const char *);
static void	 reply_split(char *, struct lines *);
static enum line_kind reply_kind(struct lines *, size_t);
static int	 reply_is_cut(struct lines *, size_t);
static const struct verdict_word *reply_word(const char *, size_t, size_t *);
static enum reply_verdict reply_verdict(const char *, size_t, size_t *);
static char	*reply_reason(struct lines *, size_t, size_t, const char *,
		    size_t);

int
reply_parse(const char *text, struct reply *r)
{
	struct lines		 ls;
	char			*norm;
	size_t			 i, start, end, first, len, rest;

	r->verdict = REPLY_UNCLEAR;
	r->reason = NULL;
	r->line = NULL;
	reply_patterns();

	norm = reply_normalise(text);
	reply_split(norm, &ls);

	for (i = 0; i < ls.n && reply_kind(&ls, i) == L_EMPTY; i++)
		/* nothing */;

	/*
	 * Bottom-posting: the body opens with the quote (maybe under its
	 * "On ... wrote:" line); the answer is the first block after it.
	 */
	start = i;
	if (i < ls.n && reply_kind(&ls, i) == L_ATTR) {
		start = i + ls.v[i].span;
		while (start < ls.n && reply_kind(&ls, start) == L_EMPTY)
			start++;
		if (start >= ls.n || reply_kind(&ls, start) != L_QUOTE)
			start = i;
	}
	if (start < ls.n && reply_kind(&ls, start) == L_QUOTE) {
		while (start < ls.n && (reply_kind(&ls, start) == L_QUOTE ||
		    reply_kind(&ls, start) == L_EMPTY))
			start++;
	}

	for (end = start; end < ls.n && !reply_is_cut(&ls, end); end++)
		/* nothing */;
	for (first = start; first < end && ls.v[first].len == 0; first++)
		/* nothing */;
	if (first == end)
		goto out;

	/* Keep a bounded, UTF-8-whole copy for the "not understood" mail. */
	len = ls.v[first].len;
	if (len > REPLY_LINE_MAX) {
		len = REPLY_LINE_MAX;
		while (len > 0 && ((unsigned char)ls.v[first].s[len] &
		    0xc0) == 0x80)
			len--;
	}
	r->line = xstrndup(ls.v[first].s, len);

	r->verdict = reply_verdict(ls.v[first].s, ls.v[first].len, &rest);
	if (r->verdict == REPLY_NO)
		r->reason = reply_reason(&ls, first + 1, end,
		    ls.v[first].s + rest, ls.v[first].len - rest);

out:
	free(ls.v);
	free(norm);
	return (0);
}

void
reply_clear(struct reply *r)
{
	free(r->reason);
	free(r->line);
	r->verdict = REPLY_UNCLEAR;
	r->reason = NULL;
	r->line = NULL;
}

/* Compile the patterns once; they are constants, so failure is a bug. */
static void
reply_patterns(void)
{
	char	*cause;
	int	 i;

	if (reply_pattern[0] != NULL)
		return;
	for (i = 0; i < P__MAX; i++) {
		reply_pattern[i] = re_compile(reply_pattern_src[i],
		    RE_CASELESS, &cause);
		if (reply_pattern[i] == NULL)
			fatalx("%s: pattern %d: %s", __func__, i, cause);
	}
}

static int
reply_pmatch(int which, const char *s, size_t len)
{
	switch (re_match(reply_pattern[which], s, len, NULL, NULL)) {
	case 1:
		return (1);
	case -1:
		/* Input is valid UTF-8 by now: only a limit can get here. */
		log_debug("%s: pattern %d: match error", __func__, which);
		break;
	}
	return (0);
}

/*
 * Return a copy of text that is valid UTF-8 (bad bytes become U+FFFD) with
 * LF line ends, no zero-width characters (Zimbra and Outlook sprinkle them
 * as invisible markers) and no-break spaces read as plain spaces.
 */
static char *
reply_normalise(const char *text)
{
	struct text_buf		 b = { NULL, 0, 0 };
	const unsigned char	*p = (const unsigned char *)text;
	size_t			 left = strlen(text), n;
	uint32_t		 cp;

	while (left > 0) {
		if (*p == '\r') {
			text_addc(&b, '\n');
			n = (left > 1 && p[1] == '\n') ? 2 : 1;
		} else if (*p == '\v' || *p == '\f') {
			text_addc(&b, ' ');
			n = 1;
		} else if (*p < 0x80) {
			text_addc(&b, (char)*p);
			n = 1;
		} else if ((n = utf8_decode(p, left, &cp)) == 0) {
			text_addcp(&b, 0xfffd);
			n = 1;
		} else {
			switch (cp) {
			case 0x00ad:	/* soft hyphen */
			case 0x200b:	/* zero width space */
			case 0x200c:
			case 0x200d:
			case 0x2060:	/* word joiner */
			case 0xfeff:	/* BOM, zero width no-break space */
				break;
			case 0x00a0:
			case 0x2007:
			case 0x202f:
			case 0x3000:
				text_addc(&b, ' ');
				break;
			case 0x2028:
			case 0x2029:
				text_addc(&b, '\n');
				break;
			default:
				text_add(&b, (const char *)p, n);
				break;
			}
		}
		p += n;
		left -= n;
	}
	return (text_finish(&b));
}

/* Split text in place into lines; each gets a trimmed view. */
static void
reply_split(char *text, struct lines *ls)
{
	struct line	*l;
	char		*p, *nl;
	size_t		 n = 1;

	for (p = text; (p = strchr(p, '\n')) != NULL; p++)
		n++;
	ls->v = xcalloc(n, sizeof *ls->v);
	ls->n = n;

	for (p = text, l = ls->v; l < ls->v + n; l++) {
		if ((nl = strchr(p, '\n')) != NULL)
			*nl = '\0';
		l->raw = p;
		l->rawlen = strlen(p);
		l->s = p;
		l->len = l->rawlen;
		while (l->len > 0 && text_blank(*l->s)) {
			l->s++;
			l->len--;
		}
		while (l->len > 0 && text_blank(l->s[l->len - 1]))
			l->len--;
		if (nl != NULL)
			p = nl + 1;
	}
}

/* Classify line i on demand: only lines up to the cut are ever looked at. */
static enum line_kind
reply_kind(struct lines *ls, size_t i)
{
	struct line	*l = &ls->v[i];
	struct text_buf	 b;
	size_t		 k;
	int		 found;

	if (l->kind != L_UNKNOWN)
		return (l->kind);
	if (l->len == 0)
		l->kind = L_EMPTY;
	else if (l->s[0] == '>')
		l->kind = L_QUOTE;
	else if (reply_pmatch(P_DELIM, l->raw, l->rawlen) ||
	    reply_pmatch(P_SPLIT, l->raw, l->rawlen))
		l->kind = L_SPLIT;
	else if (reply_pmatch(P_SIG, l->raw, l->rawlen))
		l->kind = L_SIG;
	else if (reply_pmatch(P_ATTR_START, l->raw, l->rawlen)) {
		/* Clients wrap a long attribution: rejoin and retest. */
		memset(&b, 0, sizeof b);
		found = 0;
		for (k = 0; k < REPLY_ATTR_LINES && i + k < ls->n; k++) {
			if (k > 0 && ls->v[i + k].len == 0)
				break;
			if (k > 0)
				text_addc(&b, ' ');
			text_add(&b, ls->v[i + k].s, ls->v[i + k].len);
			if (reply_pmatch(P_ATTR, b.s, b.len)) {
				found = 1;
				break;
			}
		}
		free(b.s);
		if (found) {
			l->kind = L_ATTR;
			l->span = k + 1;
		} else
			l->kind = L_TEXT;
	} else if (reply_pmatch(P_HEADER, l->raw, l->rawlen))
		l->kind = L_HEADER;
	else
		l->kind = L_TEXT;
	return (l->kind);
}

/* Does the quoted or appended part start at line i? */
static int
reply_is_cut(struct lines *ls, size_t i)
{
	switch (reply_kind(ls, i)) {
	case L_QUOTE:
	case L_ATTR:
	case L_SPLIT:
	case L_SIG:
		return (1);
	case L_HEADER:
		/* One "Perihal: ..." may be the official's own; two are not. */
		return (i + 1 < ls->n && reply_kind(ls, i + 1) == L_HEADER);
	default:
		return (0);
	}
}

/*
 * Match a verdict word or phrase at the start of s, whole: it must end at
 * the end of s or before a character that is not a letter or digit (any
 * non-ASCII character other than a dash counts as a letter, so "Yé" is not
 * "Y"). Set *endp past it.
 */
static const struct verdict_word *
reply_word(const char *s, size_t len, size_t *endp)
{
	const struct verdict_word	*w;
	const char			*c;
	size_t				 i, k;

	for (i = 0; i < sizeof reply_words / sizeof reply_words[0]; i++) {
		w = &reply_words[i];
		for (c = w->word, k = 0; *c != '\0'; c++) {
			if (*c == ' ') {
				if (k >= len || !text_blank(s[k]))
					break;
				while (k < len && text_blank(s[k]))
					k++;
			} else {
				if (k >= len || ascii_upper(s[k]) != *c)
					break;
				k++;
			}
		}
		if (*c != '\0')
			continue;
		if (k < len && (text_alnum(s[k]) ||
		    ((unsigned char)s[k] >= 0x80 && utf8_dash(s + k,
		    len - k) == 0)))
			continue;
		*endp = k;
		return (w);
	}
	return (NULL);
}

/*
 * Read the verdict from the first line s (trimmed). The rule:
 *
 * - The line must start with a whole verdict word (Y YA YES SETUJU LANJUT /
 *   T TIDAK TOLAK NO, "TIDAK SETUJU"), any case, optionally wrapped in '*'
 *   as plain-text bold. Prefixes never count: "Terima kasih", "Yth. Bapak",
 *   "Lanjutkan" and "OK" are UNCLEAR.
 * - Word alone, or followed only by . ! , * : the verdict.
 * - Word, optional blanks, then a separator (: - , . ; ! or a dash): the
 *   verdict; for NO the text after it is the reason. If the text after it
 *   starts with a word of the other verdict ("Y/T", "Ya, tidak") the answer
 *   is ambiguous: UNCLEAR.
 * - Word, blank, more words with no separator: only if the next word is a
 *   verdict word of the same side ("Ya setuju") is it read (recursively);
 *   otherwise a YES word is UNCLEAR ("Ya ampun", "Yes please"), and so are
 *   TIDAK and NO ("Tidak ada masalah", "No problem"), while T, TOLAK and
 *   "TIDAK SETUJU" take the rest as the reason ("T KTP buram").
 *
 * For NO, *restp is set to the offset of the reason within s (== len when
 * there is none).
 */
static enum reply_verdict
reply_verdict(const char *s, size_t len, size_t *restp)
{
	const struct verdict_word	*w, *next;
	size_t				 off = 0, k, q, r, n, dummy;
	enum reply_verdict		 v;

	*restp = len;
	while (off < len && s[off] == '*')
		off++;
	if ((w = reply_word(s + off, len - off, &k)) == NULL)
		return (REPLY_UNCLEAR);
	k += off;

	for (q = k; q < len && text_blank(s[q]); q++)
		/* nothing */;
	for (r = q; r < len && strchr(".!,*", s[r]) != NULL; r++)
		/* nothing */;
	while (r < len && text_blank(s[r]))
		r++;
	if (r == len)
		return (w->verdict);

	/* A separator: skip all of it, the reason follows. */
	r = q;
	for (;;) {
		if (r < len && strchr(":-,.;!*", s[r]) != NULL)
			r++;
		else if ((n = utf8_dash(s + r, len - r)) != 0)
			r += n;
		else if (r > q && r < len && text_blank(s[r]))
			r++;
		else
			break;
	}
	if (r > q) {
		next = reply_word(s + r, len - r, &dummy);
		if (next != NULL && next->verdict != w->verdict)
			return (REPLY_UNCLEAR);
		if (w->verdict == REPLY_NO)
			*restp = r;
		return (w->verdict);
	}

	/* No separator: "Y/T", "T?" and the like are not answers. */
	if (q == k)
		return (REPLY_UNCLEAR);
	if ((next = reply_word(s + q, len - q, &dummy)) != NULL) {
		if (next->verdict != w->verdict)
			return (REPLY_UNCLEAR);
		v = reply_verdict(s + q, len - q, &n);
		if (v == REPLY_NO)
			*restp = q + n;
		return (v);
	}
	if (w->verdict == REPLY_NO && w->space_reason) {
		*restp = q;
		return (REPLY_NO);
	}
	return (REPLY_UNCLEAR);
}

/*
 * Build the NO reason: the rest of the verdict line, then lines [i, end)
 * until a blank one, joined by newlines. NULL if that is all empty.
 */
static char *
reply_reason(struct lines *ls, size_t i, size_t end, const char *rest,
    size_t restlen)
{
	struct text_buf	 b = { NULL, 0, 0 };

	while (restlen > 0 && text_blank(*rest)) {
		rest++;
		restlen--;
	}
	/* "T alasan: ..." (as the robot's own link prefills it): the label goes. */
	if (restlen >= 6 && strncasecmp(rest, "alasan", 6) == 0) {
		size_t	 k = 6;

		while (k < restlen && text_blank(rest[k]))
			k++;
		if (k < restlen && (rest[k] == ':' || rest[k] == '-')) {
			for (k++; k < restlen && text_blank(rest[k]); k++)
				;
			rest += k;
			restlen -= k;
		}
	}
	text_add(&b, rest, restlen);
	for (; i < end && ls->v[i].len != 0; i++) {
		if (b.len > 0)
			text_addc(&b, '\n');
		text_add(&b, ls->v[i].s, ls->v[i].len);
	}
	if (b.len == 0) {
		free(b.s);
		return (NULL);
	}
	return (text_finish(&b));
}

/* ASCII-only, like text.h's classes: toupper() depends on the locale. */
static int
ascii_upper(int c)
{
	return ((c >= 'a' && c <= 'z') ? c - 'a' + 'A' : c);
}

/*
 * Decode one UTF-8 sequence from s (n bytes available) into *cp. Return its
 * length, or 0 if it is invalid (truncated, overlong, surrogate, too big).
 */
static size_t
utf8_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
	size_t		 len, i;
	uint32_t	 c, min;

	if (s[0] < 0x80) {
		*cp = s[0];
		return (1);
	} else if ((s[0] & 0xe0) == 0xc0) {
		len = 2;
		c = s[0] & 0x1f;
		min = 0x80;
	} else if ((s[0] & 0xf0) == 0xe0) {
		len = 3;
		c = s[0] & 0x0f;
		min = 0x800;
	} else if ((s[0] & 0xf8) == 0xf0) {
		len = 4;
		c = s[0] & 0x07;
		min = 0x10000;
	} else
		return (0);
	if (n < len)
		return (0);
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return (0);
		c = (c << 6) | (s[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return (0);
	*cp = c;
	return (len);
}

/* Length of an en dash, em dash or minus sign at s, else 0. */
static size_t
utf8_dash(const char *s, size_t n)
{
	uint32_t	 cp;

	if (n < 3 || utf8_decode((const unsigned char *)s, n, &cp) != 3)
		return (0);
	if (cp == 0x2013 || cp == 0x2014 || cp == 0x2212)
		return (3);
	return (0);
}
