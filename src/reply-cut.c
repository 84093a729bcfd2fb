/* SPDX-License-Identifier: ISC */
/*
 * The new text of a reply: the body made valid UTF-8 with plain line
 * ends, split into lines, and cut where the quoted or appended part
 * starts (">" lines, "On ... wrote:", Outlook header blocks, Zimbra
 * "----- Pesan Asli -----", signatures). Each line is classified only
 * when the cut needs it.
 *
 * The patterns are compiled on first use and kept for the life of the
 * process; the first call is not thread-safe.
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "re.h"
#include "reply_p.h"
#include "text.h"
#include "xmalloc.h"

#define REPLY_ATTR_LINES	3	/* "On ... wrote:" may wrap this far */

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

static enum line_kind reply_kind(struct lines *, size_t);
static size_t	 reply_attr(struct lines *, size_t);
static int	 reply_is_cut(struct lines *, size_t);
static size_t	 utf8_decode(const unsigned char *, size_t, uint32_t *);

/* Compile the patterns once; they are constants, so failure is a bug. */
void
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

int
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
char *
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
void
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
void
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
size_t
reply_dash(const char *s, size_t n)
{
	uint32_t	 cp;

	if (n < 3 || utf8_decode((const unsigned char *)s, n, &cp) != 3)
		return (0);
	if (cp == 0x2013 || cp == 0x2014 || cp == 0x2212)
		return (3);
	return (0);
}
