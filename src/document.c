/* SPDX-License-Identifier: ISC */
/*
 * What each file of a mail is: the content decides what it may be (a
 * program renamed .pdf is a program), the rules' name patterns which
 * document it is (ktp, sk-jabatan, ...), and the document's allowed types
 * and size whether it is taken. A file no pattern names is still a
 * document of the case, of no kind: the robot never guesses a kind.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "disposisi.h"
#include "re.h"

/*
 * A mail signature's logo: an inline image with a Content-ID, small,
 * whose name says no document. A phone's inline KTP photo is larger.
 */
#define DOC_SIGNATURE_MAX	(48 * 1024)

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

/* The first document kind whose pattern names the file, or NULL. */
static const struct doctype *
document_named(const struct rules *r, const char *filename)
{
	size_t	 i;

	for (i = 0; i < r->ndocs; i++) {
		if (re_match(r->docs[i].pattern, filename, strlen(filename),
		    NULL, NULL) == 1)
			return (&r->docs[i]);
	}
	return (NULL);
}

static void
document_one(const struct rules *r, const struct attachment *a,
    struct doc_class *dc)
{
	const struct doctype	*t;
	enum sniff_class	 sc;

	dc->a = a;
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
	t = document_named(r, a->filename);
	if (t == NULL && a->inline_cid && a->size <= DOC_SIGNATURE_MAX &&
	    document_is_image(dc->type)) {
		dc->verdict = DOC_SIGNATURE;
		return;
	}
	if (t == NULL) {
		dc->verdict = DOC_OTHER;
		return;
	}
	if (!document_type_ok(t, dc->type)) {
		dc->verdict = DOC_REFUSED;
		xasprintf(&dc->why, "%s as %s is not accepted for %s",
		    a->filename, dc->type, t->name);
		return;
	}
	if (t->max_size > 0 && a->size > t->max_size) {
		dc->verdict = DOC_REFUSED;
		xasprintf(&dc->why, "%s is larger than %zu bytes, the limit"
		    " for %s", a->filename, t->max_size, t->name);
		return;
	}
	dc->verdict = DOC_KIND;
	dc->kind = t->name;
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
}

void
document_free(struct doc_class *dcs, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		free(dcs[i].why);
	free(dcs);
}
