/* SPDX-License-Identifier: ISC */
/*
 * The words around an answer: courtesy lines ("Baik Pak Budi,", "Dear
 * Sir,"), closings, the words that take a yes back, and how a word is
 * found and compared (ASCII letters, either apostrophe).
 */

#include <string.h>
#include <strings.h>

#include "reply_p.h"
#include "text.h"

#define REPLY_COURTESY_WORDS	12	/* longer lines are prose */

/*
 * Courtesy lines ("Baik Pak Budi,", "Selamat siang,", "Yth. Admin,") are
 * groups of an opener, a title or both, each maybe followed by one
 * capitalised name; see reply_courtesy. Lower case, words split by ' '.
 */
static const char *reply_openers[] = {
	"assalamu'alaikum", "assalamu'alaikum wr wb", "assalamualaikum",
	"assalamualaikum wr wb", "baik", "best regards", "dear",
	"dengan hormat", "good afternoon", "good evening", "good morning",
	"hai", "hallo", "halo", "hello", "hi", "hormat kami", "hormat saya",
	"kepada yth", "kind regards", "maaf", "makasih", "mohon maaf",
	"regards", "salam", "selamat malam", "selamat pagi", "selamat siang",
	"selamat sore", "siap", "terima kasih", "terimakasih", "thank you",
	"thanks", "trims", "wassalam", "yth", NULL
};
static const char *reply_titles[] = {
	"admin", "all", "bang", "bapak", "bos", "bpk", "bu", "ibu", "kak",
	"madam", "mas", "mba", "mbak", "mr", "mrs", "ms", "pak", "sir", "team",
	"tim", NULL
};
/* First words of a closing ("Salam,", "Hormat saya,"): a signature follows. */
const char *reply_closings[] = {
	"best", "cheers", "hormat", "kind", "regards", "salam", "wassalam",
	NULL
};
/* Words that hold a yes back when a line opens with them ("Jangan dulu"). */
const char *reply_stops[] = {
	"batal", "batalkan", "belum", "bukan", "cancel", "don't", "dont",
	"hold", "jangan", "never", "not", "tunda", "tunggu", "wait", NULL
};
/*
 * Further negations, which take a yes back only on its own line: alone
 * they open harmless remarks ("Tidak ada catatan").
 */
const char *reply_nots[] = {
	"enggak", "ga", "gak", "nggak", "no", "tak", "tidak", NULL
};
/* A no inside a yes line ("Y dan T"); "tidak" and "no" are reply_nots. */
const char *reply_refusals[] = { "ditolak", "t", "tolak", NULL };
/* "T atau Y": a choice offered is no answer. */
const char *reply_ors[] = { "atau", "or", NULL };

static size_t	 reply_courtesy_group(const struct word *, size_t);
static size_t	 reply_phrase(const struct word *, size_t, const char **);
static int	 reply_name(const struct word *);
static size_t	 reply_apos(const char *, size_t);

/*
 * Is s only courtesy: one or more groups of an opener, a title or both,
 * each maybe followed by one capitalised name ("Baik Pak Budi,", "Dear
 * Sir,", "Yth. Admin,", "Siap bu", "Terima kasih Pak Budi")? Words are
 * ASCII letters; blanks and , . ! part them; anything else (a digit, a
 * colon, an address) makes it prose. A name is never a verdict word, so a
 * courtesy line hides no answer.
 */
int
reply_courtesy(const char *s, size_t len)
{
	struct word	 w[REPLY_COURTESY_WORDS];
	size_t		 n = 0, off = 0, k, i;

	for (i = 0; i < len; i += k) {
		k = 1;
		if (!text_alpha(s[i]) && strchr(" \t,.!", s[i]) == NULL &&
		    (k = reply_apos(s + i, len - i)) == 0)
			return (0);
	}
	while ((k = reply_next_word(s, len, off, &w[n])) != 0) {
		off = k;
		if (++n == REPLY_COURTESY_WORDS)
			return (0);
	}
	for (i = 0; i < n; i += k) {
		if ((k = reply_courtesy_group(w + i, n - i)) == 0)
			return (0);
	}
	return (n > 0);
}

/* Words taken by one courtesy group at the start of w[0, n), or 0. */
static size_t
reply_courtesy_group(const struct word *w, size_t n)
{
	size_t	 k;

	k = reply_phrase(w, n, reply_openers);
	if (k < n && reply_word_in(&w[k], reply_titles))
		k++;
	if (k > 0 && k < n && reply_name(&w[k]))
		k++;
	return (k);
}

/* Words of the longest phrase in list that w[0, n) starts with, or 0. */
static size_t
reply_phrase(const struct word *w, size_t n, const char **list)
{
	const char	*p, *sp;
	size_t		 best = 0, k, plen;

	for (; *list != NULL; list++) {
		for (p = *list, k = 0; k < n; k++) {
			sp = strchr(p, ' ');
			plen = sp != NULL ? (size_t)(sp - p) : strlen(p);
			if (plen != w[k].len ||
			    strncasecmp(p, w[k].s, plen) != 0)
				break;
			if (sp == NULL) {
				if (k + 1 > best)
					best = k + 1;
				break;
			}
			p = sp + 1;
		}
	}
	return (best);
}

/* A name after a greeting: capitalised, and no word with a meaning here. */
static int
reply_name(const struct word *w)
{
	size_t	 k;

	if (w->len < 2 || w->s[0] < 'A' || w->s[0] > 'Z')
		return (0);
	if (reply_word(w->s, w->len, &k) != NULL || reply_phrase(w, 1,
	    reply_openers) != 0 || reply_word_in(w, reply_titles) ||
	    reply_word_in(w, reply_stops) || reply_word_in(w, reply_nots))
		return (0);
	return (1);
}

/* Length of an apostrophe at s: ' or U+2019 (as in "don\xe2\x80\x99t"). */
static size_t
reply_apos(const char *s, size_t n)
{
	if (n >= 1 && s[0] == '\'')
		return (1);
	if (n >= 3 && memcmp(s, "\xe2\x80\x99", 3) == 0)
		return (3);
	return (0);
}

/*
 * Find the next word (ASCII letters and apostrophes inside it) in s from
 * off; return the offset just past it, or 0 if there is none.
 */
size_t
reply_next_word(const char *s, size_t len, size_t off, struct word *w)
{
	size_t	 k, a;

	while (off < len && !text_alpha(s[off]))
		off++;
	if (off == len)
		return (0);
	for (k = off; k < len; k++) {
		if (text_alpha(s[k]))
			continue;
		if ((a = reply_apos(s + k, len - k)) == 0 || k + a >= len ||
		    !text_alpha(s[k + a]))
			break;
		k += a - 1;
	}
	w->s = s + off;
	w->len = k - off;
	return (k);
}

/* Is w one of list (case-insensitive; ’ reads as ')? */
int
reply_word_in(const struct word *w, const char **list)
{
	const char	*p, *q;
	size_t		 i, a;

	for (; *list != NULL; list++) {
		for (p = *list, i = 0; *p != '\0' && i < w->len; p++) {
			q = w->s + i;
			if (*p == '\'' && (a = reply_apos(q, w->len - i)) != 0)
				i += a;
			else if (text_upper(*q) == text_upper(*p))
				i++;
			else
				break;
		}
		if (*p == '\0' && i == w->len)
			return (1);
	}
	return (0);
}

/* Is the first word of s one of list? */
int
reply_opens_with(const char *s, size_t len, const char **list)
{
	struct word	 w;

	return (reply_next_word(s, len, 0, &w) != 0 &&
	    reply_word_in(&w, list));
}

/*
 * Is any word of s one of list? Pieces of an address or a code
 * ("adi.t@kab.go.id", "no-reply", "T-01") are not words here: a value
 * that holds them must not read as a negation.
 */
int
reply_mentions(const char *s, size_t len, const char **list)
{
	struct word	 w;
	size_t		 off = 0, b, a;

	while ((off = reply_next_word(s, len, off, &w)) != 0) {
		b = (size_t)(w.s - s);
		if (b > 0 && (text_alnum(s[b - 1]) ||
		    strchr(".@_-/+", s[b - 1]) != NULL))
			continue;
		a = off;
		if (a < len && (text_alnum(s[a]) || strchr("@_-/+", s[a]) !=
		    NULL || (s[a] == '.' && a + 1 < len &&
		    text_alnum(s[a + 1]))))
			continue;
		if (reply_word_in(&w, list))
			return (1);
	}
	return (0);
}

