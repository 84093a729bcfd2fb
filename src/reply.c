/* SPDX-License-Identifier: ISC */
/*
 * Find the official's answer in a reply. Clients quote the robot's mail in
 * many ways (">" lines, "On ... wrote:", Outlook header blocks, Zimbra
 * "----- Pesan Asli -----"; HTML containers are html.c's), so the body is
 * first cut down to the new text, then its first line (past a greeting or
 * two) is read with a deliberately strict rule, and the rest of the new
 * text must not contradict it: a wrong YES or NO moves a citizen's case,
 * while UNCLEAR only makes the robot ask again.
 *
 * The new text is reply-cut.c's, the subject reply-subject.c's, the
 * courtesy words reply-words.c's; this file reads the answer line.
 */

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "reply_p.h"
#include "text.h"
#include "xmalloc.h"

#define REPLY_LINE_MAX		200	/* bytes kept in struct reply line */
#define REPLY_GREETINGS		2	/* courtesy lines before the answer */
#define REPLY_AUTO_LINES	3	/* lines that may say out-of-office */
#define REPLY_CHAIN_MAX		4	/* verdict words read in a row */

/*
 * Verdict words, matched whole and case-insensitively at the start of the
 * answer line. A phrase is listed before any word it starts with. space_rest
 * says whether a reason or value may follow after a bare space ("T KTP
 * buram", "Tolak karena ...", "Y budi@kab.go.id"); "Tidak ada masalah",
 * "No problem" and "Ya ampun" show why the words of speech need punctuation
 * while the robot's own letters do not.
 */
static const struct verdict_word {
	const char		*word;	/* upper case; ' ' matches blanks */
	enum reply_verdict	 verdict;
	int			 space_rest;
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
	{ "Y",			REPLY_YES,	1 },
	{ "T",			REPLY_NO,	1 },
};

static size_t	 reply_command(struct lines *, size_t, size_t);
static char	*reply_cap(const char *, size_t);
static enum reply_verdict reply_verdict(const char *, size_t, size_t *);
static enum reply_verdict reply_chain(const char *, size_t, size_t *, int);
static int	 reply_hedged(const char *, size_t, enum reply_verdict,
		    size_t);
static int	 reply_conflict(struct lines *, size_t, size_t, size_t,
		    enum reply_verdict);
static char	*reply_value(struct lines *, size_t, size_t, const char *,
		    size_t);
static int	 reply_question(const char *, size_t);
static int	 reply_closing(const char *, size_t);
static char	*reply_prose(struct lines *, size_t, size_t, size_t);

int
reply_parse(const char *text, struct reply *r)
{
	struct lines		 ls;
	struct line		*l;
	char			*norm;
	size_t			 start, end, cmd, rest;

	r->verdict = REPLY_UNCLEAR;
	r->reason = NULL;
	r->value = NULL;
	r->line = NULL;
	r->prose = NULL;
	reply_patterns();

	norm = reply_normalise(text);
	reply_split(norm, &ls);
	reply_fresh(&ls, &start, &end);
	if ((cmd = reply_command(&ls, start, end)) == end)
		goto out;
	l = &ls.v[cmd];
	r->line = reply_cap(l->s, l->len);

	r->verdict = reply_read(l->s, l->len, &rest);
	if (r->verdict != REPLY_UNCLEAR &&
	    reply_conflict(&ls, start, end, cmd, r->verdict))
		r->verdict = REPLY_UNCLEAR;
	if (r->verdict == REPLY_NO)
		r->reason = reply_reason(&ls, cmd + 1, end, l->s + rest,
		    l->len - rest);
	else if (r->verdict == REPLY_YES)
		r->value = reply_value(&ls, cmd + 1, end, l->s + rest,
		    l->len - rest);
	else
		r->prose = reply_prose(&ls, start, end, cmd);

out:
	free(ls.v);
	free(norm);
	return (0);
}

void
reply_clear(struct reply *r)
{
	free(r->reason);
	free(r->value);
	free(r->line);
	free(r->prose);
	r->verdict = REPLY_UNCLEAR;
	r->reason = NULL;
	r->value = NULL;
	r->line = NULL;
	r->prose = NULL;
}

int
reply_is_autoreply(const char *subject, const char *text)
{
	struct lines	 ls;
	struct line	*l;
	char		*norm, *nsubj;
	size_t		 start, end, cmd, rest, i, seen;
	int		 found = 0;

	reply_patterns();
	norm = reply_normalise(text != NULL ? text : "");
	reply_split(norm, &ls);
	reply_fresh(&ls, &start, &end);

	/*
	 * Whoever opens with a verdict wrote by hand, even about their leave
	 * ("Y, saya sedang dinas luar tapi sudah cek"); if the rest makes it
	 * unclear, they must be asked again rather than ignored.
	 */
	cmd = reply_command(&ls, start, end);
	if (cmd < end && reply_verdict(ls.v[cmd].s, ls.v[cmd].len, &rest) !=
	    REPLY_UNCLEAR)
		goto out;

	nsubj = reply_normalise(subject != NULL ? subject : "");
	found = reply_pmatch(P_AUTO, nsubj, strlen(nsubj));
	free(nsubj);
	for (i = start, seen = 0; !found && i < end &&
	    seen < REPLY_AUTO_LINES; i++) {
		l = &ls.v[i];
		if (l->len == 0)
			continue;
		seen++;
		found = reply_pmatch(P_AUTO, l->s, l->len);
	}
out:
	free(ls.v);
	free(norm);
	return (found);
}

/*
 * The line that holds the answer: the first non-empty one after at most
 * REPLY_GREETINGS courtesy lines ("Baik pak,", "Selamat siang,"). If the
 * text is nothing but courtesy, its first line, which reads as UNCLEAR.
 * end if the new text is empty.
 */
static size_t
reply_command(struct lines *ls, size_t start, size_t end)
{
	size_t	 i, first = end, skipped = 0;

	for (i = start; i < end; i++) {
		if (ls->v[i].len == 0)
			continue;
		if (first == end)
			first = i;
		if (skipped < REPLY_GREETINGS &&
		    reply_courtesy(ls->v[i].s, ls->v[i].len)) {
			skipped++;
			continue;
		}
		return (i);
	}
	return (first);
}

/* A bounded, UTF-8-whole copy for the "not understood" mail. */
static char *
reply_cap(const char *s, size_t len)
{
	if (len > REPLY_LINE_MAX) {
		len = REPLY_LINE_MAX;
		while (len > 0 && ((unsigned char)s[len] & 0xc0) == 0x80)
			len--;
	}
	return (xstrndup(s, len));
}

/*
 * Match a verdict word or phrase at the start of s, whole: it must end at
 * the end of s or before a character that is not a letter or digit (any
 * non-ASCII character other than a dash counts as a letter, so "Yé" is not
 * "Y"). Set *endp past it.
 */
const struct verdict_word *
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
				if (k >= len || text_upper(s[k]) != *c)
					break;
				k++;
			}
		}
		if (*c != '\0')
			continue;
		if (k < len && (text_alnum(s[k]) ||
		    ((unsigned char)s[k] >= 0x80 && reply_dash(s + k,
		    len - k) == 0)))
			continue;
		*endp = k;
		return (w);
	}
	return (NULL);
}

/*
 * Read the verdict from the answer line s (trimmed). The rule:
 *
 * - The line must start with a whole verdict word (Y YA YES SETUJU LANJUT /
 *   T TIDAK TOLAK NO, "TIDAK SETUJU"), any case, optionally wrapped in '*'
 *   as plain-text bold. Prefixes never count: "Terima kasih", "Yth. Bapak",
 *   "Lanjutan" and "OK" are UNCLEAR.
 * - Word alone, or followed only by . ! , * : the verdict.
 * - Word, optional blanks, then a separator (: - , . ; ! or a dash): the
 *   verdict; the text after it is the reason or value. If that text starts
 *   with a word of the other verdict ("Y/T", "Ya, tidak") the answer is
 *   ambiguous: UNCLEAR.
 * - Word, blank, more words with no separator: if the next word is a
 *   verdict word of the same side ("Ya setuju") the line is read again from
 *   there; a YES word followed by courtesy ("Ya pak", "Y terima kasih") is
 *   YES; otherwise only Y, T, TOLAK and "TIDAK SETUJU" take the rest as the
 *   reason or value ("T KTP buram", "Y budi@kab.go.id"), while YA, YES,
 *   TIDAK and NO are UNCLEAR ("Ya ampun", "Tidak ada masalah").
 *
 * *restp is set to the offset of the reason or value within s (== len when
 * there is none). Questions and negations are reply_read's.
 */
static enum reply_verdict
reply_verdict(const char *s, size_t len, size_t *restp)
{
	return (reply_chain(s, len, restp, 0));
}

/*
 * reply_verdict, depth verdict words into a chain. No one chains more
 * than a few ("Ya, setuju, lanjutkan"); the bound keeps "ya ya ya ..."
 * from exhausting the stack.
 */
static enum reply_verdict
reply_chain(const char *s, size_t len, size_t *restp, int depth)
{
	const struct verdict_word	*w, *next;
	size_t				 off = 0, k, q, r, n, dummy;
	enum reply_verdict		 v;

	*restp = len;
	if (depth > REPLY_CHAIN_MAX)
		return (REPLY_UNCLEAR);
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
		else if ((n = reply_dash(s + r, len - r)) != 0)
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
		*restp = r;
		/* "Ya, setuju": no value in the second word (a NO keeps it). */
		if (next != NULL && w->verdict == REPLY_YES &&
		    reply_chain(s + r, len - r, &n, depth + 1) == REPLY_YES)
			*restp = r + n;
		return (w->verdict);
	}

	/* No separator: "Y/T", "T?" and the like are not answers. */
	if (q == k)
		return (REPLY_UNCLEAR);
	if ((next = reply_word(s + q, len - q, &dummy)) != NULL) {
		if (next->verdict != w->verdict)
			return (REPLY_UNCLEAR);
		v = reply_chain(s + q, len - q, &n, depth + 1);
		if (v != REPLY_UNCLEAR)
			*restp = q + n;
		return (v);
	}
	if (w->space_rest || (w->verdict == REPLY_YES &&
	    reply_courtesy(s + q, len - q))) {
		*restp = q;
		return (w->verdict);
	}
	return (REPLY_UNCLEAR);
}

/*
 * Read the answer line: reply_verdict, then UNCLEAR if the line takes its
 * verdict back (reply_hedged). *restp as for reply_verdict.
 */
enum reply_verdict
reply_read(const char *s, size_t len, size_t *restp)
{
	enum reply_verdict	 v;

	v = reply_verdict(s, len, restp);
	if (v != REPLY_UNCLEAR && reply_hedged(s, len, v, *restp))
		return (REPLY_UNCLEAR);
	return (v);
}

/*
 * Acting on these would be a guess: a question ("T atau Y?", "Y, sudah
 * benar?"), a choice ("T atau Y"), or a yes with a negation or a no in its
 * line ("Ya, jangan dulu", "Y belum", "Yes, not yet", "Y dan T").
 */
static int
reply_hedged(const char *s, size_t len, enum reply_verdict v, size_t rest)
{
	if (reply_question(s, len))
		return (1);
	if (reply_opens_with(s + rest, len - rest, reply_ors))
		return (1);
	if (v != REPLY_YES)
		return (0);
	s += rest;
	len -= rest;
	return (reply_mentions(s, len, reply_stops) ||
	    reply_mentions(s, len, reply_nots) ||
	    reply_mentions(s, len, reply_refusals));
}

/* Does the line end in a question mark ("Y, sudah benar?")? */
static int
reply_question(const char *s, size_t len)
{
	while (len > 0 && strchr(" \t.!*)", s[len - 1]) != NULL)
		len--;
	return (len > 0 && s[len - 1] == '?');
}

/*
 * The new text as the reason of a T given in the subject (struct reply's
 * prose), from the answer line cmd; NULL if it is courtesy, or if a line
 * opens with a verdict word or asks.
 */
static char *
reply_prose(struct lines *ls, size_t start, size_t end, size_t cmd)
{
	struct line	*l;
	size_t		 i, k;

	if (reply_courtesy(ls->v[cmd].s, ls->v[cmd].len))
		return (NULL);
	for (i = start; i < end; i++) {
		l = &ls->v[i];
		/* "Salam,\nSekretaris Dinas": a signature is no reason. */
		if (i < cmd && reply_closing(l->s, l->len))
			return (NULL);
		for (k = 0; k < l->len && l->s[k] == '*'; k++)
			/* nothing */;
		if (l->len > 0 && (reply_word(l->s + k, l->len - k,
		    &k) != NULL || reply_question(l->s, l->len)))
			return (NULL);
	}
	return (reply_reason(ls, cmd + 1, end, ls->v[cmd].s,
	    ls->v[cmd].len));
}

/* Is the line a closing, under which a signature follows? */
static int
reply_closing(const char *s, size_t len)
{
	return (reply_courtesy(s, len) && reply_opens_with(s, len,
	    reply_closings));
}

/*
 * Does another line of the new text contradict the verdict: one that reads
 * as the other side ("Y\n\nT KTP buram"), or after a YES one that opens
 * with a stop word ("Jangan diproses dulu")? Courtesy and signature lines
 * are searched too: asking again costs less than a wrong guess.
 */
static int
reply_conflict(struct lines *ls, size_t start, size_t end, size_t cmd,
    enum reply_verdict v)
{
	struct line		*l;
	enum reply_verdict	 other;
	size_t			 i, rest;

	for (i = start; i < end; i++) {
		l = &ls->v[i];
		if (i == cmd || l->len == 0)
			continue;
		other = reply_verdict(l->s, l->len, &rest);
		if (other != REPLY_UNCLEAR && other != v)
			return (1);
		if (v == REPLY_YES && reply_opens_with(l->s, l->len,
		    reply_stops))
			return (1);
	}
	return (0);
}

/*
 * Build the NO reason: the rest of the verdict line, then lines [i, end)
 * until a blank one or a closing ("Salam,": the signature under it is no
 * reason), joined by newlines. NULL if that is all empty.
 */
char *
reply_reason(struct lines *ls, size_t i, size_t end, const char *rest,
    size_t restlen)
{
	struct text_buf	 b = { NULL, 0, 0 };

	while (restlen > 0 && text_blank(*rest)) {
		rest++;
		restlen--;
	}
	/* "T alasan: ..." (the robot's link prefills it): the label goes. */
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
	for (; i < end && ls->v[i].len != 0 &&
	    !reply_closing(ls->v[i].s, ls->v[i].len); i++) {
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

/*
 * Build the YES value: the rest of the verdict line or, if that is empty or
 * only courtesy ("terima kasih pak"), the next non-empty line in [i, end),
 * blank lines between allowed, unless that line is courtesy too (a closing
 * such as "Salam," means the signature follows) or another answer ("Y\nYa").
 * NULL if none.
 */
static char *
reply_value(struct lines *ls, size_t i, size_t end, const char *rest,
    size_t restlen)
{
	size_t	 k;

	while (restlen > 0 && text_blank(*rest)) {
		rest++;
		restlen--;
	}
	if (restlen > 0 && !reply_courtesy(rest, restlen))
		return (xstrndup(rest, restlen));
	while (i < end && ls->v[i].len == 0)
		i++;
	if (i == end || reply_courtesy(ls->v[i].s, ls->v[i].len) ||
	    reply_verdict(ls->v[i].s, ls->v[i].len, &k) != REPLY_UNCLEAR)
		return (NULL);
	return (xstrndup(ls->v[i].s, ls->v[i].len));
}
