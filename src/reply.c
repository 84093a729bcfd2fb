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
#define REPLY_GREETINGS		2	/* courtesy lines before the answer */
#define REPLY_COURTESY_WORDS	12	/* longer lines are prose */
#define REPLY_AUTO_LINES	3	/* lines that may say out-of-office */
#define REPLY_TOKEN_LEN		20	/* TOKEN_LEN in disposisi.h */
#define REPLY_CHAIN_MAX		4	/* verdict words read in a row */

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
	P_AUTO,
	P__MAX
};

/*
 * Quote splitters (see shared notes 4.2). They run against one line (or a
 * few joined lines for P_ATTR), so ^ and $ are the line's ends.
 */
static const char *reply_pattern_src[P__MAX] = {
	/*
	 * Cheap test before joining wrapped lines: an attribution opens with
	 * its locale's word, or names the quoted sender's address.
	 */
	[P_ATTR_START] = "^\\s*(?:-+\\s*)?(?:On|Pada|Am|Le|El|Op|Il|Em|Den)\\b"
	    "|<[^<>\\s]+@[^<>\\s]+>",
	/*
	 * Gmail, Apple Mail, Thunderbird, K-9 and their locales: "On ...
	 * wrote:", "Pada ... menulis:" (Zimbra "----- Pada ..."), "Am ...
	 * schrieb NAME <addr>:", "Le ... a écrit :", "El ... escribió:", "Op
	 * ... schreef NAME <addr>:", "Il ... ha scritto:", "Em ...
	 * escreveu:", "Den ... skrev NAME:"; and the forms that open with
	 * the sender ("NAME <addr> schrieb:", "NAME <addr> wrote:", K-9's
	 * "NAME <addr> schrieb am DATE:", FairEmail's "DATE NAME <addr>:").
	 */
	[P_ATTR] = "^\\s*(?:-+\\s*)?(?:(?:On|Pada)\\b.{0,300}\\b"
	    "(?:wrote|menulis)|Am\\b.{0,300}\\bschrieb\\b.{0,200}|"
	    "Le\\b.{0,300}\\ba\\s+\\x{e9}crit|El\\b.{0,300}\\bescribi\\x{f3}|"
	    "Op\\b.{0,300}\\bschreef\\b.{0,200}|Il\\b.{0,300}\\bha\\s+scritto|"
	    "Em\\b.{0,300}\\bescreveu|Den\\b.{0,300}\\bskrev\\b.{0,200})"
	    "\\s*:\\s*-*\\s*$|"
	    "^.{0,300}<[^<>\\s]+@[^<>\\s]+>\\)?\\s*(?:(?:wrote|menulis|"
	    "schrieb|a\\s+\\x{e9}crit|escribi\\x{f3}|schreef)\\b.{0,100})?:\\s*$",
	/*
	 * "-----Original Message-----" and its locales (Outlook, Zimbra,
	 * Samsung: "Pesan Asli", "Ursprüngliche Nachricht/Mail", "Message
	 * d'origine", "Mail original", "Oorspronkelijk bericht", "Mensaje
	 * original"), Gmail's forwards, Apple Mail's "Begin forwarded
	 * message:", Outlook's underscore rule.
	 */
	[P_SPLIT] = "^\\s*(?:-{2,}\\s*(?:Original Message|Pesan Asli|"
	    "Forwarded message|Pesan yang Diteruskan|Pesan Diteruskan|"
	    "Pesan Terusan|Urspr\\x{fc}ngliche (?:Nachricht|Mail)|"
	    "Weitergeleitete Nachricht|Message d'origine|Mail original|"
	    "Message transf\\x{e9}r\\x{e9}|Oorspronkelijk bericht|"
	    "Doorgestuurd bericht|Mensaje original|Mensaje reenviado|"
	    "Mensagem original|Messaggio originale)\\b|"
	    "(?:Begin forwarded message|Mulai pesan yang diteruskan|"
	    "Awal pesan yang diteruskan|Anfang der weitergeleiteten "
	    "(?:Nachricht|E-Mail)|D\\x{e9}but du message r\\x{e9}exp\\x{e9}"
	    "di\\x{e9}|Inicio del mensaje reenviado|Begin doorgestuurd "
	    "bericht)\\s*:|_{10,}\\s*$)",
	/*
	 * Outlook's header labels, maybe "*From:*" or "De :": English,
	 * Indonesian, German, French, Dutch, Spanish, Portuguese, Italian.
	 */
	[P_HEADER] = "^[\\s*]*(?:From|Dari|Sent|Dikirim|Terkirim|Date|"
	    "Tanggal|To|Kepada|Ke|Cc|Bcc|Subject|Subjek|Perihal|Reply-To|"
	    "Von|Gesendet|An|Datum|Betreff|De|Envoy\\x{e9}|\\x{c0}|A|Objet|"
	    "Van|Verzonden|Aan|Onderwerp|Enviado|Enviada em|Para|Fecha|"
	    "Asunto|Assunto|Da|Inviato|Oggetto)[\\s*]*:",
	/*
	 * Signature separator and client taglines, in the locales above.
	 * The length bound keeps a real sentence that happens to start
	 * "Dikirim dari ..." from cutting.
	 */
	[P_SIG] = "^\\s*(?:--\\s*$|(?:Sent from my|Sent from Mail for|"
	    "Sent from Outlook|Sent from Yahoo|Sent with Proton|Dikirim dari|"
	    "Get Outlook for|Dapatkan Outlook untuk|Von meinem|Gesendet von|"
	    "Outlook f\\x{fc}r|Envoy\\x{e9} de|Envoy\\x{e9} depuis|"
	    "T\\x{e9}l\\x{e9}charger Outlook|Verzonden vanaf|Verstuurd vanaf|"
	    "Enviado desde|Obtener Outlook|Enviado do)\\b.{0,80}$)",
	/* The robot's own "=== Balas di atas garis ini ===". */
	[P_DELIM] = "Balas di atas garis ini|Reply above this line",
	/*
	 * What an out-of-office rule a person set up says: their client sends
	 * it without RFC 3834 headers, so only the words give it away.
	 */
	[P_AUTO] = "\\b(?:sedang\\s+cuti|cuti\\s+(?:bersama|tahunan)|"
	    "dinas\\s+luar|perjalanan\\s+dinas|balasan\\s+otomatis|"
	    "tidak\\s+berada\\s+di\\s+kantor|sedang\\s+tidak\\s+di\\s+kantor|"
	    "di\\s+luar\\s+kantor|out\\s+of\\s+(?:the\\s+)?office|"
	    "automatic\\s+reply|auto[-\\s]?reply|"
	    "i(?:\\s+am|['\\x{2019}]m)\\s+(?:currently\\s+)?away|"
	    "on\\s+(?:annual\\s+)?leave|on\\s+vacation)\\b",
};
static struct re	*reply_pattern[P__MAX];

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
static const char *reply_closings[] = {
	"best", "cheers", "hormat", "kind", "regards", "salam", "wassalam",
	NULL
};
/* Words that hold a yes back when a line opens with them ("Jangan dulu"). */
static const char *reply_stops[] = {
	"batal", "batalkan", "belum", "bukan", "cancel", "don't", "dont",
	"hold", "jangan", "never", "not", "tunda", "tunggu", "wait", NULL
};
/*
 * Further negations, which take a yes back only on its own line: alone
 * they open harmless remarks ("Tidak ada catatan").
 */
static const char *reply_nots[] = {
	"enggak", "ga", "gak", "nggak", "no", "tak", "tidak", NULL
};
/* A no inside a yes line ("Y dan T"); "tidak" and "no" are reply_nots. */
static const char *reply_refusals[] = { "ditolak", "t", "tolak", NULL };
/* "T atau Y": a choice offered is no answer. */
static const char *reply_ors[] = { "atau", "or", NULL };
/* Reply and forward prefixes of subjects, as clients in use write them. */
static const char *reply_prefixes[] = {
	"antw", "aw", "balas", "bls", "doorst", "enc", "fw", "fwd", "odp",
	"re", "res", "rv", "sv", "terusan", "tr", "trs", "vs", "wg", NULL
};

struct word {
	const char	*s;
	size_t		 len;
};

static int	 ascii_upper(int);
static size_t	 utf8_decode(const unsigned char *, size_t, uint32_t *);
static size_t	 utf8_dash(const char *, size_t);

static void	 reply_patterns(void);
static int	 reply_pmatch(int, const char *, size_t);
static char	*reply_normalise(const char *);
static void	 reply_split(char *, struct lines *);
static enum line_kind reply_kind(struct lines *, size_t);
static size_t	 reply_attr(struct lines *, size_t);
static int	 reply_is_cut(struct lines *, size_t);
static void	 reply_fresh(struct lines *, size_t *, size_t *);
static size_t	 reply_command(struct lines *, size_t, size_t);
static char	*reply_cap(const char *, size_t);
static const struct verdict_word *reply_word(const char *, size_t, size_t *);
static enum reply_verdict reply_verdict(const char *, size_t, size_t *);
static enum reply_verdict reply_chain(const char *, size_t, size_t *, int);
static enum reply_verdict reply_read(const char *, size_t, size_t *);
static int	 reply_hedged(const char *, size_t, enum reply_verdict,
		    size_t);
static int	 reply_conflict(struct lines *, size_t, size_t, size_t,
		    enum reply_verdict);
static char	*reply_reason(struct lines *, size_t, size_t, const char *,
		    size_t);
static char	*reply_value(struct lines *, size_t, size_t, const char *,
		    size_t);
static const char *reply_subject_strip(const char *, size_t *);
static enum reply_verdict reply_subject_tail(const char *, size_t, size_t *);
static int	 reply_question(const char *, size_t);
static int	 reply_closing(const char *, size_t);
static char	*reply_prose(struct lines *, size_t, size_t, size_t);
static size_t	 reply_prefix(const char *);
static int	 reply_courtesy(const char *, size_t);
static size_t	 reply_courtesy_group(const struct word *, size_t);
static size_t	 reply_phrase(const struct word *, size_t, const char **);
static int	 reply_name(const struct word *);
static size_t	 reply_apos(const char *, size_t);
static size_t	 reply_next_word(const char *, size_t, size_t, struct word *);
static int	 reply_word_in(const struct word *, const char **);
static int	 reply_opens_with(const char *, size_t, const char **);
static int	 reply_mentions(const char *, size_t, const char **);

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

enum reply_verdict
reply_subject(const char *subject, char **reason_r)
{
	enum reply_verdict	 v;
	const char		*s, *p;
	char			*norm;
	size_t			 len, rest;

	*reason_r = NULL;
	if (subject == NULL)
		return (REPLY_UNCLEAR);
	norm = reply_normalise(subject);
	s = reply_subject_strip(norm, &len);
	if ((v = reply_read(s, len, &rest)) == REPLY_UNCLEAR)
		v = reply_subject_tail(s, len, &rest);
	/* "T [TTE-...] KTP buram": the tag is no part of the reason. */
	for (;;) {
		while (rest < len && text_blank(s[rest]))
			rest++;
		if (rest == len || s[rest] != '[' ||
		    (p = memchr(s + rest, ']', len - rest)) == NULL)
			break;
		rest = (size_t)(p - s) + 1;
	}
	/* "T: Re: [TTE-...] Disposisi ...": the robot's words, no reason. */
	if (v == REPLY_NO && memchr(s + rest, '[', len - rest) == NULL &&
	    reply_prefix(s + rest) == 0)
		*reason_r = reply_reason(NULL, 0, 0, s + rest, len - rest);
	free(norm);
	return (v);
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
	else if ((l->span = reply_attr(ls, i)) != 0)
		l->kind = L_ATTR;
	else if (reply_pmatch(P_HEADER, l->raw, l->rawlen))
		l->kind = L_HEADER;
	else
		l->kind = L_TEXT;
	return (l->kind);
}

/*
 * The lines an attribution ("On ... wrote:") starting at line i covers,
 * or 0. Clients wrap a long one: rejoin and retest.
 */
static size_t
reply_attr(struct lines *ls, size_t i)
{
	struct text_buf	 b = { NULL, 0, 0 };
	size_t		 k, span = 0;

	if (!reply_pmatch(P_ATTR_START, ls->v[i].raw, ls->v[i].rawlen))
		return (0);
	for (k = 0; k < REPLY_ATTR_LINES && i + k < ls->n; k++) {
		if (k > 0 && ls->v[i + k].len == 0)
			break;
		if (k > 0)
			text_addc(&b, ' ');
		text_add(&b, ls->v[i + k].s, ls->v[i + k].len);
		if (reply_pmatch(P_ATTR, b.s, b.len)) {
			span = k + 1;
			break;
		}
	}
	free(b.s);
	return (span);
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
 * Find the new text, lines [*startp, *endp). Bottom-posting: when the body
 * opens with the quote (maybe under its "On ... wrote:" line), the answer
 * is the first block after it.
 */
static void
reply_fresh(struct lines *ls, size_t *startp, size_t *endp)
{
	size_t	 i, start, end;

	for (i = 0; i < ls->n && reply_kind(ls, i) == L_EMPTY; i++)
		/* nothing */;
	start = i;
	if (i < ls->n && reply_kind(ls, i) == L_ATTR) {
		start = i + ls->v[i].span;
		while (start < ls->n && reply_kind(ls, start) == L_EMPTY)
			start++;
		if (start >= ls->n || reply_kind(ls, start) != L_QUOTE)
			start = i;
	}
	if (start < ls->n && reply_kind(ls, start) == L_QUOTE) {
		while (start < ls->n && (reply_kind(ls, start) == L_QUOTE ||
		    reply_kind(ls, start) == L_EMPTY))
			start++;
	}
	for (end = start; end < ls->n && !reply_is_cut(ls, end); end++)
		/* nothing */;
	*startp = start;
	*endp = end;
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
static enum reply_verdict
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
static char *
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

/*
 * Cut what clients and the robot put around a subject: leading reply and
 * forward prefixes ("Re:", "AW:", "Re[2]:", repeated) and [tags], in any
 * order, and a trailing "#<token>" (the robot's mailto links). Returns the
 * trimmed rest; *lenp is set to its length.
 */
static const char *
reply_subject_strip(const char *s, size_t *lenp)
{
	const char	*p;
	size_t		 len, k;

	for (;;) {
		while (text_blank(*s))
			s++;
		if (*s == '[' && (p = strchr(s, ']')) != NULL)
			s = p + 1;
		else if ((k = reply_prefix(s)) != 0)
			s += k;
		else
			break;
	}
	len = strlen(s);
	for (;;) {
		while (len > 0 && text_blank(s[len - 1]))
			len--;
		k = REPLY_TOKEN_LEN + 1;
		if (len >= k && s[len - k] == '#' && strspn(s + len - k + 1,
		    "0123456789abcdefABCDEF") == REPLY_TOKEN_LEN &&
		    (len == k || text_blank(s[len - k - 1])))
			len -= k;
		else if (len > 0 && s[len - 1] == ']' &&
		    (p = memrchr(s, '[', len)) != NULL)
			len = (size_t)(p - s);	/* "T [TTE-2026-00001]" */
		else
			break;
	}
	*lenp = len;
	return (s);
}

/*
 * A T after the robot's subject: "Disposisi ...: Budi - T KTP buram",
 * the last " - " (or en or em dash) parting them. Only a T: the text
 * before holds the applicant's name, which is theirs to choose, and a
 * T only asks for a reason or takes the case back. *restp as for
 * reply_verdict, from s.
 */
static enum reply_verdict
reply_subject_tail(const char *s, size_t len, size_t *restp)
{
	size_t	 i, n, t, rest;

	*restp = len;
	for (i = len; i-- > 1;) {
		if (!text_blank(s[i - 1]))
			continue;
		if (s[i] == '-')
			n = 1;
		else if ((n = utf8_dash(s + i, len - i)) == 0)
			continue;
		if (i + n >= len || !text_blank(s[i + n]))
			continue;
		for (t = i + n; t < len && text_blank(s[t]); t++)
			/* nothing */;
		if (reply_read(s + t, len - t, &rest) != REPLY_NO)
			return (REPLY_UNCLEAR);
		*restp = t + rest;
		return (REPLY_NO);
	}
	return (REPLY_UNCLEAR);
}

/* Length of a reply prefix ("Re:", "Re[2]:", "BLS :") at s, else 0. */
static size_t
reply_prefix(const char *s)
{
	struct word	 w;
	size_t		 k, len = strlen(s);

	if ((k = reply_next_word(s, len, 0, &w)) == 0 || w.s != s ||
	    !reply_word_in(&w, reply_prefixes))
		return (0);
	if (s[k] == '[') {
		k += 1 + strspn(s + k + 1, "0123456789");
		if (s[k] != ']')
			return (0);
		k++;
	}
	while (text_blank(s[k]))
		k++;
	return (s[k] == ':' ? k + 1 : 0);
}

/*
 * Is s only courtesy: one or more groups of an opener, a title or both,
 * each maybe followed by one capitalised name ("Baik Pak Budi,", "Dear
 * Sir,", "Yth. Admin,", "Siap bu", "Terima kasih Pak Budi")? Words are
 * ASCII letters; blanks and , . ! part them; anything else (a digit, a
 * colon, an address) makes it prose. A name is never a verdict word, so a
 * courtesy line hides no answer.
 */
static int
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
static size_t
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
static int
reply_word_in(const struct word *w, const char **list)
{
	const char	*p, *q;
	size_t		 i, a;

	for (; *list != NULL; list++) {
		for (p = *list, i = 0; *p != '\0' && i < w->len; p++) {
			q = w->s + i;
			if (*p == '\'' && (a = reply_apos(q, w->len - i)) != 0)
				i += a;
			else if (ascii_upper(*q) == ascii_upper(*p))
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
static int
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
static int
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
