/* SPDX-License-Identifier: ISC */
/*
 * What each file of a mail is: the bytes decide what it may be (a
 * program renamed .pdf is a program); the rules say which document it
 * is (ktp, sk-jabatan, ...) by its text (content words) and its name
 * (patterns), the most specific match winning and a tie naming no kind;
 * the document's allowed types and size whether it is taken. A file
 * nothing names is still a document of the case, of no kind: the robot
 * never guesses a kind. Texts are read here and forgotten: only the
 * kind, the evidence and the rules' own words that matched are kept.
 */

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "disposisi.h"
#include "re.h"

/*
 * A mail signature's logo: an inline image with a Content-ID, small,
 * whose name says no document. A phone's inline KTP photo is larger.
 */
#define DOC_SIGNATURE_MAX	(48 * 1024)

#define MAX_SAID		32	/* "kind: FILE" lines read a mail */

#define nitems(a)	(sizeof (a) / sizeof (a)[0])

static const char *const doc_verdicts[] = {
	[DOC_KIND] = "document",
	[DOC_OTHER] = "document",
	[DOC_REFUSED] = "refused",
	[DOC_SIGNATURE] = "signature",
	[DOC_DANGEROUS] = "dangerous"
};

const char *
document_verdict_name(enum doc_verdict v)
{
	return (doc_verdicts[v]);
}

static int
document_type_ok(const struct doctype *t, const char *type)
{
	size_t	 i;

	for (i = 0; i < t->ntypes; i++) {
		if (strcmp(t->types[i], type) == 0)
			return (1);
	}
	return (0);
}

static int
document_is_image(const char *type)
{
	static const char *const images[] = { "jpeg", "png", "gif", "bmp",
	    "webp", "tiff", "heic" };
	size_t	 i;

	for (i = 0; i < sizeof images / sizeof images[0]; i++) {
		if (strcmp(images[i], type) == 0)
			return (1);
	}
	return (0);
}

static const char *const doc_evidences[] = {
	[EVID_NONE] = "none",
	[EVID_NAME] = "name",
	[EVID_TEXT] = "text",
	[EVID_OCR] = "ocr",
	[EVID_STEP] = "step",
	[EVID_APPLICANT] = "applicant"
};

const char *
document_evidence_name(enum doc_evidence e)
{
	return (doc_evidences[e]);
}

/*
 * Texts and phrases are compared folded: lower case, the accents of
 * Latin letters dropped, the look-alikes OCR confuses made one (0 and o;
 * 1, i, l and |; 5 and s), and any run of other characters one space.
 */
static char
document_fold_char(unsigned char c)
{
	c = (unsigned char)tolower(c);
	switch (c) {
	case '0':
		return ('o');
	case '1':
	case 'i':
	case '|':
		return ('l');
	case '5':
		return ('s');
	}
	return (isalnum(c) ? (char)c : ' ');
}

/* The base letter of a two-byte UTF-8 Latin-1 letter (U+00C0-U+00FF). */
static char
document_fold_latin1(unsigned char b1, unsigned char b2)
{
	static const char base[] =
	    "aaaaaaaceeeeiiii" "dnooooo ouuuuyts"	/* U+00C0-U+00DF */
	    "aaaaaaaceeeeiiii" "dnooooo ouuuuyty";	/* U+00E0-U+00FF */
	unsigned int	 cp = ((b1 & 0x1fU) << 6) | (b2 & 0x3fU);

	if (cp < 0xc0 || cp > 0xff)
		return (' ');
	return (document_fold_char((unsigned char)base[cp - 0xc0]));
}

char *
document_fold(const char *s)
{
	const unsigned char	*p = (const unsigned char *)s;
	char			*out = xmalloc(strlen(s) + 1), c;
	size_t			 n = 0;

	while (*p != '\0') {
		if (p[0] >= 0xc2 && p[0] <= 0xc3 && (p[1] & 0xc0) == 0x80) {
			c = document_fold_latin1(p[0], p[1]);
			p += 2;
		} else
			c = document_fold_char(*p++);
		if (c == ' ' && (n == 0 || out[n - 1] == ' '))
			continue;
		out[n++] = c;
	}
	if (n > 0 && out[n - 1] == ' ')
		n--;
	out[n] = '\0';
	return (out);
}

/*
 * One page of text, folded twice: with its spaces (" kartu tanda ") for
 * short words, which must stand alone ("nik" is in "teknik"), and
 * without ("kartutanda") for longer phrases, which OCR splits and joins.
 */
struct page {
	char	*spaced;
	char	*squeezed;
};

#define DOC_SHORT_WORD	4	/* letters: matched as a whole word */

/* s without its spaces, in place. */
static char *
squeeze(char *s)
{
	char	*p, *q;

	for (p = q = s; *p != '\0'; p++) {
		if (*p != ' ')
			*q++ = *p;
	}
	*q = '\0';
	return (s);
}

static void
page_fold(struct page *pg, const char *text, size_t len)
{
	char	*t = xstrndup(text, len);

	pg->squeezed = document_fold(t);
	free(t);
	xasprintf(&pg->spaced, " %s ", pg->squeezed);
	squeeze(pg->squeezed);
}

static void
page_free(struct page *pg)
{
	free(pg->spaced);
	free(pg->squeezed);
}

/* Is the folded phrase in the page? */
static int
page_phrase(const struct page *pg, const char *folded)
{
	char	*w = squeeze(xstrdup(folded));
	int	 rv;

	if (strlen(w) > DOC_SHORT_WORD)
		rv = strstr(pg->squeezed, w) != NULL;
	else {
		free(w);
		xasprintf(&w, " %s ", folded);
		rv = strstr(pg->spaced, w) != NULL;
	}
	free(w);
	return (rv);
}

/* The weight of t's heaviest group all in the page; 0: none or excluded. */
static size_t
page_weight(const struct page *pg, const struct doctype *t,
    const struct docgroup **best)
{
	size_t	 g, i, w = 0;

	for (i = 0; i < t->not.n; i++) {
		if (page_phrase(pg, t->not.folded[i]))
			return (0);
	}
	for (g = 0; g < t->ngroups; g++) {
		for (i = 0; i < t->groups[g].n; i++) {
			if (!page_phrase(pg, t->groups[g].folded[i]))
				break;
		}
		if (i == t->groups[g].n && t->groups[g].weight > w) {
			w = t->groups[g].weight;
			*best = &t->groups[g];
		}
	}
	return (w);
}

/*
 * The verdict of one piece of evidence: the most specific kind, or none
 * (then tie[] holds two kinds that matched equally, if that is why).
 */
struct verdict {
	const struct doctype	*t;
	const char *const	*matched;
	size_t			 nmatched;
	const struct doctype	*tie[2];
};

/* Keeps the heavier of what v holds and t at weight w. */
static void
verdict_offer(struct verdict *v, size_t *best, const struct doctype *t,
    size_t w, const char *const *matched, size_t nmatched)
{
	if (w == 0 || w < *best)
		return;
	if (w == *best) {
		if (v->t != NULL) {
			v->tie[0] = v->t;
			v->tie[1] = t;
		}
		v->t = NULL;
		return;
	}
	*best = w;
	v->t = t;
	v->matched = matched;
	v->nmatched = nmatched;
	v->tie[0] = v->tie[1] = NULL;
}

/* The kind one page of text says, by content words. */
static void
page_kind(const struct rules *r, const struct page *pg, struct verdict *v)
{
	const struct docgroup	*g = NULL;
	size_t			 i, w, best = 0;

	memset(v, 0, sizeof *v);
	for (i = 0; i < r->ndocs; i++) {
		if ((w = page_weight(pg, &r->docs[i], &g)) > 0)
			verdict_offer(v, &best, &r->docs[i], w,
			    (const char *const *)g->phrases, g->n);
	}
}

/* Letters and digits of s[so..eo): what a name match explains. */
static size_t
name_weight(const char *s, size_t so, size_t eo)
{
	size_t	 w = 0;

	for (; so < eo; so++)
		w += isalnum((unsigned char)s[so]) || (s[so] & 0x80);
	return (w);
}

/*
 * The kind a name says: each kind's patterns, the longest match (in
 * letters and digits) winning; a tie between kinds names none.
 */
static void
name_kind(const struct rules *r, const char *name, struct verdict *v)
{
	const struct doctype	*t;
	size_t			 i, j, so, eo, w, best = 0, tbest;
	const char *const	*src;

	memset(v, 0, sizeof *v);
	for (i = 0; i < r->ndocs; i++) {
		t = &r->docs[i];
		tbest = 0;
		src = NULL;
		for (j = 0; j < t->npatterns; j++) {
			if (re_match(t->patterns[j], name, strlen(name), &so,
			    &eo) == 1 && (w = name_weight(name, so, eo)) >
			    tbest) {
				tbest = w;
				src = (const char *const *)&t->sources[j];
			}
		}
		verdict_offer(v, &best, t, tbest, src, 1);
	}
}

const struct doctype *
document_label(const struct rules *r, const char *label)
{
	struct verdict	 v;
	char		*f, *g;
	size_t		 i;
	int		 same;

	f = document_fold(label);
	for (i = 0; i < r->ndocs; i++) {
		g = document_fold(r->docs[i].name);
		same = strcmp(f, g) == 0;
		free(g);
		if (same) {
			free(f);
			return (&r->docs[i]);
		}
	}
	free(f);
	name_kind(r, label, &v);
	return (v.t);
}

/*
 * The kinds a text says, page by page (pages end in a form feed, as
 * poppler and pdftotext write them): a bundle PDF holding the letter,
 * the KTP and the decrees page after page is each of those kinds. When
 * no page alone names a kind, the whole text is tried as one page (a
 * document whose words are spread over its pages).
 */
static size_t
text_kinds(const struct rules *r, const char *text, struct verdict *vs,
    size_t max)
{
	struct page	 pg;
	const char	*p = text, *e;
	size_t		 n = 0, i;
	struct verdict	 v;

	do {
		e = strchr(p, '\f');
		page_fold(&pg, p, e != NULL ? (size_t)(e - p) : strlen(p));
		page_kind(r, &pg, &v);
		page_free(&pg);
		for (i = 0; i < n && v.t != NULL && vs[i].t != v.t; i++)
			;
		if (v.t != NULL && i == n && n < max)
			vs[n++] = v;
		if (n == 0 && v.tie[0] != NULL && vs[0].tie[0] == NULL)
			vs[0] = v;	/* the first tie, if nothing else */
		p = e != NULL ? e + 1 : NULL;
	} while (p != NULL);
	if (n == 0 && strchr(text, '\f') != NULL) {
		page_fold(&pg, text, strlen(text));
		page_kind(r, &pg, &vs[0]);
		page_free(&pg);
		n = vs[0].t != NULL;
	}
	return (n);
}

static int
document_size_ok(const struct doctype *t, const struct doc_class *dc)
{
	return (document_type_ok(t, dc->type) && (t->max_size == 0 ||
	    dc->a->size <= t->max_size));
}

int
document_take_as(const struct doctype *t, struct doc_class *dc,
    enum doc_evidence ev)
{
	if (!document_size_ok(t, dc))
		return (-1);
	if (dc->kind != NULL && strcmp(dc->kind, t->name) != 0)
		dc->overruled = dc->kind;
	dc->verdict = DOC_KIND;
	dc->kind = t->name;
	dc->evidence = ev;
	dc->matched = NULL;
	dc->nmatched = 0;
	dc->nmore = 0;
	return (0);
}

/* Why a kind was not taken: its type or size. */
static void
document_refuse(const struct doctype *t, struct doc_class *dc)
{
	const struct attachment	*a = dc->a;

	dc->verdict = DOC_REFUSED;
	dc->kind = NULL;
	dc->evidence = EVID_NONE;
	if (!document_type_ok(t, dc->type))
		xasprintf(&dc->why, "%s as %s is not accepted for %s",
		    a->filename, dc->type, t->name);
	else
		xasprintf(&dc->why, "%s is larger than %zu bytes, the limit"
		    " for %s", a->filename, t->max_size, t->name);
}

/* Content words decide over the name; the name over nothing. */
static void
document_recognise(const struct rules *r, struct doc_class *dc)
{
	const struct attachment	*a = dc->a;
	struct verdict		 nv, tv[DOC_MAX_KINDS];
	size_t			 n = 0, i;
	struct page		 pg;

	name_kind(r, a->filename, &nv);
	memset(tv, 0, sizeof tv);
	if (a->text != NULL)
		n = text_kinds(r, a->text, tv, nitems(tv));
	/* A tie of the text: none, unless the name names one of the two. */
	if (n == 0 && tv[0].tie[0] != NULL && (nv.t == NULL ||
	    (nv.t != tv[0].tie[0] && nv.t != tv[0].tie[1]))) {
		dc->ambiguous[0] = tv[0].tie[0]->name;
		dc->ambiguous[1] = tv[0].tie[1]->name;
		return;
	}
	if (n > 0) {
		dc->kind = tv[0].t->name;
		dc->evidence = a->text_from == TEXT_OCR ? EVID_OCR : EVID_TEXT;
		dc->matched = tv[0].matched;
		dc->nmatched = tv[0].nmatched;
		for (i = 1; i < n; i++)
			dc->more[dc->nmore++] = tv[i].t->name;
		for (i = 0; nv.t != NULL && i < n && tv[i].t != nv.t; i++)
			;
		if (nv.t != NULL && i == n)
			dc->overruled = nv.t->name;
		return;
	}
	if (nv.t == NULL) {
		if (nv.tie[0] != NULL) {
			dc->ambiguous[0] = nv.tie[0]->name;
			dc->ambiguous[1] = nv.tie[1]->name;
		}
		return;
	}
	if (a->text != NULL) {
		/* A look-alike: the text says it is not what its name says. */
		page_fold(&pg, a->text, strlen(a->text));
		for (i = 0; i < nv.t->not.n && !page_phrase(&pg,
		    nv.t->not.folded[i]); i++)
			;
		page_free(&pg);
		if (i < nv.t->not.n) {
			dc->overruled = nv.t->name;
			dc->matched = (const char *const *)&nv.t->not.phrases[i];
			dc->nmatched = 1;
			return;
		}
	}
	dc->kind = nv.t->name;
	dc->evidence = EVID_NAME;
	dc->matched = nv.matched;
	dc->nmatched = 1;
}

static void
document_one(const struct rules *r, const struct attachment *a,
    struct doc_class *dc)
{
	const struct doctype	*t;
	enum sniff_class	 sc;
	size_t			 i, j;

	dc->a = a;
	dc->same_as = -1;
	sc = sniff_attachment(a->filename, a->content_type, a->path,
	    &dc->type, &dc->why);
	if (sc == SNIFF_DANGEROUS) {
		dc->verdict = DOC_DANGEROUS;
		return;
	}
	if (sc != SNIFF_DOCUMENT) {
		dc->verdict = DOC_REFUSED;
		return;
	}
	free(dc->why);
	dc->why = NULL;
	document_recognise(r, dc);
	if (dc->kind == NULL && a->inline_cid && a->size <= DOC_SIGNATURE_MAX &&
	    document_is_image(dc->type) && dc->overruled == NULL) {
		dc->verdict = DOC_SIGNATURE;
		return;
	}
	if (dc->kind == NULL) {
		dc->verdict = DOC_OTHER;
		return;
	}
	/* A bundle's other kinds count only where the type allows them. */
	for (i = j = 0; i < dc->nmore; i++) {
		if ((t = rules_doctype(r, dc->more[i])) != NULL &&
		    document_size_ok(t, dc))
			dc->more[j++] = dc->more[i];
	}
	dc->nmore = j;
	t = rules_doctype(r, dc->kind);
	if (!document_size_ok(t, dc)) {
		document_refuse(t, dc);
		return;
	}
	dc->verdict = DOC_KIND;
}

/*
 * The same bytes attached twice (phones do it) are one document under
 * both names: the later copy takes the earlier's kind, or gives it its
 * own when the earlier had none; two names saying two kinds say none.
 */
static void
document_same(struct doc_class *dcs, size_t n)
{
	struct doc_class	*a, *b;
	size_t			 i, j;

	for (i = 1; i < n; i++) {
		b = &dcs[i];
		if (b->verdict != DOC_KIND && b->verdict != DOC_OTHER)
			continue;
		for (j = 0; j < i; j++) {
			a = &dcs[j];
			if ((a->verdict == DOC_KIND || a->verdict ==
			    DOC_OTHER) && a->same_as == -1 &&
			    strcmp(a->a->sha256, b->a->sha256) == 0)
				break;
		}
		if (j == i)
			continue;
		b->same_as = (ssize_t)j;
		if (a->kind != NULL && b->kind != NULL &&
		    strcmp(a->kind, b->kind) != 0) {
			a->ambiguous[0] = a->kind;
			a->ambiguous[1] = b->kind;
			a->kind = NULL;
			a->verdict = DOC_OTHER;
			a->evidence = EVID_NONE;
			a->nmore = 0;
		} else if (a->kind == NULL && b->kind != NULL) {
			a->kind = b->kind;
			a->verdict = b->verdict;
			a->evidence = b->evidence;
			a->matched = b->matched;
			a->nmatched = b->nmatched;
		}
		b->kind = a->kind;
		b->verdict = a->verdict;
		b->evidence = a->evidence;
		b->matched = a->matched;
		b->nmatched = a->nmatched;
		memcpy(b->ambiguous, a->ambiguous, sizeof b->ambiguous);
		memcpy(b->more, a->more, sizeof b->more);
		b->nmore = a->nmore;
	}
}

/* The applicant's own word for a file of this mail: "ktp: IMG_1.jpg". */
static void
document_applicant(const struct rules *r, const char *text,
    struct doc_class *dcs, size_t n)
{
	struct doc_said	 said[MAX_SAID];
	size_t		 ns, i, j;

	ns = document_said(r, text, said, nitems(said));
	for (i = 0; i < ns; i++) {
		for (j = 0; j < n; j++) {
			if ((dcs[j].verdict == DOC_KIND || dcs[j].verdict ==
			    DOC_OTHER) && strcasecmp(dcs[j].a->filename,
			    said[i].filename) == 0)
				document_take_as(said[i].t, &dcs[j],
				    EVID_APPLICANT);
		}
	}
	document_said_free(said, ns);
}

void
document_classify(const struct rules *r, const struct msg *m,
    struct doc_class **dcs, size_t *n)
{
	size_t	 i;

	*dcs = m->natt ? xcalloc(m->natt, sizeof **dcs) : NULL;
	*n = m->natt;
	for (i = 0; i < m->natt; i++)
		document_one(r, &m->att[i], &(*dcs)[i]);
	if (m->text != NULL)
		document_applicant(r, m->text, *dcs, *n);
	document_same(*dcs, *n);
}

/*
 * A name two kinds match equally, when only one of them is a document
 * this mail can bring (an application brings the SOP's requires, not
 * the Head's signed request, though both may be "Surat Permohonan
 * Penerbitan Sertifikat Elektronik"): that one, still by name.
 */
void
document_expect(const struct rules *r, struct doc_class *dcs, size_t n,
    char *const *kinds, size_t nkinds)
{
	const struct doctype	*t;
	size_t			 i, j, k, hits, at = 0;

	for (i = 0; i < n; i++) {
		if (dcs[i].kind != NULL || dcs[i].ambiguous[0] == NULL ||
		    dcs[i].overruled != NULL)
			continue;
		for (j = hits = 0; j < 2; j++) {
			for (k = 0; k < nkinds; k++) {
				if (strcmp(dcs[i].ambiguous[j], kinds[k]) == 0) {
					hits++;
					at = j;
				}
			}
		}
		if (hits == 1 && (t = rules_doctype(r,
		    dcs[i].ambiguous[at])) != NULL &&
		    document_take_as(t, &dcs[i], EVID_NAME) == 0)
			dcs[i].ambiguous[0] = dcs[i].ambiguous[1] = NULL;
	}
}

/* Trims blanks, quotes and angle brackets a mail client adds. */
static char *
said_trim(const char *s, size_t len)
{
	while (len > 0 && strchr(" \t\"'<*", *s) != NULL) {
		s++;
		len--;
	}
	while (len > 0 && strchr(" \t\r\"'>*.,;", s[len - 1]) != NULL)
		len--;
	return (xstrndup(s, len));
}

/*
 * Lines "LABEL: FILE" or "LABEL = FILE" whose label names a kind (its
 * name, or words its name patterns know: "KTP", "SK Jabatan"); quoted
 * lines ("> ...") are old text and are skipped.
 */
size_t
document_said(const struct rules *r, const char *text, struct doc_said *out,
    size_t max)
{
	const char		*p, *e, *sep;
	const struct doctype	*t;
	char			*label;
	size_t			 n = 0;

	for (p = text; p != NULL && *p != '\0' && n < max; p = e ? e + 1 :
	    NULL) {
		e = strchr(p, '\n');
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '>')
			continue;
		sep = strpbrk(p, ":=");
		if (sep == NULL || (e != NULL && sep > e) || sep - p > 40)
			continue;
		label = said_trim(p, (size_t)(sep - p));
		t = *label != '\0' ? document_label(r, label) : NULL;
		free(label);
		if (t == NULL)
			continue;
		out[n].filename = said_trim(sep + 1, e != NULL ?
		    (size_t)(e - sep - 1) : strlen(sep + 1));
		if (*out[n].filename == '\0') {
			free(out[n].filename);
			continue;
		}
		out[n++].t = t;
	}
	return (n);
}

void
document_said_free(struct doc_said *s, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		free(s[i].filename);
}

/* A NIK's digits, with the letters OCR reads for them. */
static int
nik_digit(int c)
{
	switch (c) {
	case 'O':
	case 'o':
	case 'D':
		return ('0');
	case 'I':
	case 'l':
	case '|':
		return ('1');
	}
	return (isdigit(c) ? c : -1);
}

/* Province 11-94, birth day 01-31 (41-71 for women), month 01-12. */
static int
nik_plausible(const char *nik)
{
	int	 prov, day, month;

	prov = (nik[0] - '0') * 10 + nik[1] - '0';
	day = (nik[6] - '0') * 10 + nik[7] - '0';
	month = (nik[8] - '0') * 10 + nik[9] - '0';
	if (day > 40)
		day -= 40;
	return (prov >= 11 && prov <= 94 && day >= 1 && day <= 31 &&
	    month >= 1 && month <= 12);
}

int
document_nik(const struct doctype *t, const struct attachment *a, char *out)
{
	const char	*p;
	size_t		 n;
	int		 d;

	if (t == NULL || !t->holds_nik || a->text == NULL)
		return (-1);
	for (p = a->text; *p != '\0'; p++) {
		for (n = 0; n < 16 && (d = nik_digit((unsigned char)p[n])) !=
		    -1; n++)
			out[n] = (char)d;
		if (n == 16 && nik_digit((unsigned char)p[16]) == -1 &&
		    (p == a->text || nik_digit((unsigned char)p[-1]) == -1) &&
		    !isalpha((unsigned char)p[16])) {
			out[16] = '\0';
			if (nik_plausible(out))
				return (0);
		}
	}
	return (-1);
}

/*
 * The keyed hash a NIK is kept and looked up by: HMAC-SHA256 under the
 * robot's key of "nik|NIK", 64 hex digits. A notice's NIK goes through
 * the same before store_case_ids_by_nik_hmac().
 */
void
document_nik_hmac(const unsigned char *key, size_t keylen, const char *nik,
    char *out)
{
	char	 data[32];

	snprintf(data, sizeof data, "nik|%s", nik);
	crypto_token(key, keylen, data, out, 65);
	explicit_bzero(data, sizeof data);
}

/*
 * A file name for the history, a long run of digits in it hidden: people
 * name a KTP's scan by its NIK.
 */
char *
document_history_name(const char *name)
{
	char	*s = xstrdup(name), *p, *q;

	for (p = s; *p != '\0'; p = q) {
		for (q = p; isdigit((unsigned char)*q); q++)
			;
		if (q - p >= 12)
			memset(p, '#', (size_t)(q - p));
		if (q == p)
			q++;
	}
	return (s);
}

char *
document_history(const struct doc_class *dcs, size_t n)
{
	const struct doc_class	*dc;
	char			*s = xstrdup(""), *t, *more, *u, *name, *same;
	size_t			 i, j;

	for (i = 0; i < n; i++) {
		dc = &dcs[i];
		if (dc->verdict != DOC_KIND && dc->verdict != DOC_OTHER)
			continue;
		more = xstrdup("");
		for (j = 0; j < dc->nmore; j++) {
			xasprintf(&u, "%s+%s", more, dc->more[j]);
			free(more);
			more = u;
		}
		name = document_history_name(dc->a->filename);
		same = dc->same_as >= 0 ? document_history_name(
		    dcs[dc->same_as].a->filename) : NULL;
		xasprintf(&t, "%s%s%s: %s%s (%s%s%s%s%s)", s, *s ? "; " : "",
		    name, dc->kind ? dc->kind : "no kind", more,
		    document_evidence_name(dc->evidence),
		    dc->overruled ? ", not " : "",
		    dc->overruled ? dc->overruled : "",
		    same ? ", same file as " : "", same ? same : "");
		free(name);
		free(same);
		free(more);
		free(s);
		s = t;
	}
	return (s);
}

void
document_free(struct doc_class *dcs, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		free(dcs[i].why);
	free(dcs);
}
