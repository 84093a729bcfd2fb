/* SPDX-License-Identifier: ISC */
/*
 * Reading a PDF (poppler's GLib binding, cairo to render), in the
 * confined parser child only (parse-child.c calls it): the text layer
 * of each of the first pages; a page without one (a scanner's picture)
 * is rendered at PDF_DPI, grey, at most about OCR's pixel budget, and
 * read by ocr.c. Nothing here logs or keeps the text.
 */

#include <fcntl.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cairo.h>
#include <poppler.h>

#include "disposisi.h"
#include "text.h"

#define PDF_DPI		150		/* A4: 1240 × 1754, enough for OCR */
#define PDF_RENDER_MAX	(2400 * 1000)	/* pixels of a rendered page */
#define PDF_LAYER_MIN	16		/* fewer letters: a picture page */

/* Whether a page's text layer holds words, not a scanner's stray bytes. */
static int
pdf_has_words(const char *t)
{
	size_t	 n = 0;

	for (; t != NULL && *t != '\0'; t++)
		if (text_alnum((unsigned char)*t) && ++n >= PDF_LAYER_MIN)
			return (1);
	return (0);
}

/* The page rendered grey and read by OCR; NULL when nothing was read. */
static char *
pdf_ocr_page(PopplerPage *page, const struct timespec *end)
{
	cairo_surface_t	*cs;
	cairo_t		*cr;
	unsigned char	*grey, *px;
	double		 wpt, hpt, scale;
	char		*t = NULL;
	int		 w, h, x, y, stride;

	poppler_page_get_size(page, &wpt, &hpt);
	if (!(wpt > 1 && hpt > 1 && wpt < 20000 && hpt < 20000))
		return (NULL);
	scale = PDF_DPI / 72.0;
	if (wpt * hpt * scale * scale > PDF_RENDER_MAX)
		scale = sqrt(PDF_RENDER_MAX / (wpt * hpt));
	w = (int)(wpt * scale);
	h = (int)(hpt * scale);
	if (w < 1 || h < 1)
		return (NULL);
	cs = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
	if (cairo_surface_status(cs) != CAIRO_STATUS_SUCCESS) {
		cairo_surface_destroy(cs);
		return (NULL);
	}
	cr = cairo_create(cs);
	cairo_set_source_rgb(cr, 1, 1, 1);
	cairo_paint(cr);
	cairo_scale(cr, scale, scale);
	poppler_page_render_for_printing(page, cr);
	cairo_destroy(cr);
	cairo_surface_flush(cs);
	px = cairo_image_surface_get_data(cs);
	stride = cairo_image_surface_get_stride(cs);
	grey = xreallocarray(NULL, (size_t)w, (size_t)h);
	for (y = 0; y < h; y++) {
		for (x = 0; x < w; x++) {
			/* xRGB in a native 32-bit word: B, G, R on x86. */
			uint32_t v = ((uint32_t *)(px + (size_t)y * stride))[x];
			grey[(size_t)y * w + x] = (unsigned char)(((v >> 16 &
			    0xff) * 77 + (v >> 8 & 0xff) * 150 + (v & 0xff) *
			    29) >> 8);
		}
	}
	cairo_surface_destroy(cs);
	t = ocr_grey(grey, w, h, w, end);
	free(grey);
	return (t);
}

/*
 * The text of the PDF at path: up to max_pages pages, each its text
 * layer or else OCR of its picture, until end. *from says how (TEXT_OCR
 * when any page needed OCR), *pages how many pages gave text. NULL when
 * nothing was read (no PDF, a password, no words).
 */
char *
pdf_text(const char *path, int max_pages, const struct timespec *end,
    enum text_source *from, int *pages)
{
	PopplerDocument	*doc;
	PopplerPage	*page;
	struct text_buf	 out = { 0 };
	struct timespec	 now;
	char		*t;
	int		 fd, i, n, by_ocr, ocr = 0;

	*from = TEXT_NONE;
	*pages = 0;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return (NULL);
	/* The document owns fd from here, even when it fails. */
	if ((doc = poppler_document_new_from_fd(fd, NULL, NULL)) == NULL)
		return (NULL);
	n = poppler_document_get_n_pages(doc);
	for (i = 0; i < n && i < max_pages; i++) {
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (now.tv_sec > end->tv_sec || (now.tv_sec == end->tv_sec &&
		    now.tv_nsec >= end->tv_nsec))
			break;
		if ((page = poppler_document_get_page(doc, i)) == NULL)
			continue;
		t = poppler_page_get_text(page);
		if ((by_ocr = !pdf_has_words(t))) {
			g_free(t);
			t = pdf_ocr_page(page, end);
		}
		if (pdf_has_words(t)) {
			text_add(&out, t, strlen(t));
			text_addc(&out, '\f');	/* document.c judges each page alone */
			(*pages)++;
			ocr |= by_ocr;
		}
		g_free(t);	/* poppler's, or ours: both plain malloc */
		g_object_unref(page);
	}
	g_object_unref(doc);
	if (*pages == 0) {
		free(out.s);
		return (NULL);
	}
	*from = ocr ? TEXT_OCR : TEXT_PDF;
	return (text_finish(&out));
}
