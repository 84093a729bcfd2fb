/* SPDX-License-Identifier: ISC */
/*
 * Reading pixels: Tesseract (with Leptonica, which decodes the images),
 * in the confined parser child only (read.c calls it). A phone's photo
 * is decoded and scaled down to OCR_PIXELS first: a 12-megapixel KTP
 * holds no more words than a 2-megapixel one, and costs six times the
 * time and memory. When the upright reading finds almost no words (a
 * card photographed sideways is common), the three other quarter turns
 * are tried, the best reading kept. Every recognition has a deadline.
 * Nothing here logs or keeps the text: the caller holds it in memory.
 */

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <allheaders.h>
#include <tesseract/capi.h>

#include "disposisi.h"

#define OCR_PIXELS	(2200 * 1000)	/* what recognition gets at most */
#define OCR_DECODED_MAX	(64 * 1000 * 1000)	/* pixels of a file decoded */
#define OCR_MIN_SIDE	100		/* smaller: an icon, a logo */
#define OCR_GOOD_CONF	70		/* a word Tesseract is sure of */
#define OCR_GOOD_WORDS	6		/* fewer: try the other turns */

static TessBaseAPI	*ocr_api;
static int		 ocr_broken;

/* Tesseract, started on the first picture decoded, or by ocr_warm(). */
static TessBaseAPI *
ocr_start(void)
{
	if (ocr_api != NULL || ocr_broken)
		return (ocr_api);
	ocr_api = TessBaseAPICreate();
	if (TessBaseAPIInit2(ocr_api, NULL, "ind+eng",
	    OEM_LSTM_ONLY) != 0) {
		TessBaseAPIDelete(ocr_api);
		ocr_api = NULL;
		ocr_broken = 1;		/* no data: every file unread */
		return (NULL);
	}
	TessBaseAPISetPageSegMode(ocr_api, PSM_AUTO);
	/* No guess at the resolution (and no line on stderr saying it). */
	TessBaseAPISetVariable(ocr_api, "user_defined_dpi", "150");
	return (ocr_api);
}

/*
 * Starts Tesseract ahead of any picture, in the parser: each child then
 * has its language data copy-on-write instead of loading it (0.1 s of
 * CPU) for its first picture.
 */
void
ocr_warm(void)
{
	ocr_start();
}

/* Milliseconds left before end, on the monotonic clock. */
static int
ocr_left(const struct timespec *end)
{
	struct timespec	 now;
	long long	 ms;

	clock_gettime(CLOCK_MONOTONIC, &now);
	ms = (long long)(end->tv_sec - now.tv_sec) * 1000 +
	    (end->tv_nsec - now.tv_nsec) / 1000000;
	return (ms <= 0 ? 0 : ms > 3600000 ? 3600000 : (int)ms);
}

/*
 * Dictionary words read with confidence: how good a turn's reading is
 * (a card read upside down gives confident nonsense, never words).
 */
static int
ocr_good_words(TessBaseAPI *api)
{
	TessResultIterator	*it;
	int			 n = 0;

	if ((it = TessBaseAPIGetIterator(api)) == NULL)
		return (0);
	do {
		if (TessResultIteratorConfidence(it, RIL_WORD) >=
		    OCR_GOOD_CONF && TessResultIteratorWordIsFromDictionary(it))
			n++;
	} while (TessResultIteratorNext(it, RIL_WORD));
	TessResultIteratorDelete(it);
	return (n);
}

/* One recognition of pix before the deadline: the text, or NULL. */
static char *
ocr_once(TessBaseAPI *api, PIX *pix, const struct timespec *end, int *good)
{
	ETEXT_DESC	*mon;
	char		*t, *r = NULL;
	int		 ms;

	*good = 0;
	if ((ms = ocr_left(end)) == 0)
		return (NULL);
	TessBaseAPISetImage2(api, pix);
	mon = TessMonitorCreate();
	TessMonitorSetDeadlineMSecs(mon, ms);
	if (TessBaseAPIRecognize(api, mon) == 0 && ocr_left(end) > 0 &&
	    (t = TessBaseAPIGetUTF8Text(api)) != NULL) {
		r = xstrdup(t);
		TessDeleteText(t);
		*good = ocr_good_words(api);
	}
	TessMonitorDelete(mon);
	TessBaseAPIClear(api);
	return (r);
}

/*
 * Reads pix (8-bit grey, at most OCR_PIXELS), trying the other quarter
 * turns when upright finds almost nothing. The text, or NULL.
 */
static char *
ocr_pix(PIX *pix, const struct timespec *end)
{
	TessBaseAPI	*api;
	PIX		*turned;
	char		*best, *t;
	int		 q, good, best_good;

	if ((api = ocr_start()) == NULL)
		return (NULL);
	best = ocr_once(api, pix, end, &best_good);
	for (q = 1; q < 4 && best_good < OCR_GOOD_WORDS &&
	    ocr_left(end) > 0; q++) {
		/* 1 and 3 first: sideways is likelier than upside down. */
		if ((turned = pixRotateOrth(pix, q == 2 ? 3 : q == 3 ? 2 :
		    1)) == NULL)
			break;
		t = ocr_once(api, turned, end, &good);
		pixDestroy(&turned);
		if (t != NULL && (best == NULL || good > best_good)) {
			free(best);
			best = t;
			best_good = good;
		} else
			free(t);
	}
	return (best);
}

/* pix as 8-bit grey of at most OCR_PIXELS; NULL when it cannot be. */
static PIX *
ocr_fit(PIX *pix)
{
	PIX		*grey, *small;
	double		 area, f;

	if ((grey = pixConvertTo8(pix, 0)) == NULL)
		return (NULL);
	area = (double)pixGetWidth(grey) * pixGetHeight(grey);
	if (area <= OCR_PIXELS)
		return (grey);
	f = sqrt(OCR_PIXELS / area);
	small = pixScaleGrayLI(grey, (float)f, (float)f);
	if (small == NULL || f < 0.7) {
		/* Linear interpolation alone aliases at strong reductions. */
		pixDestroy(&small);
		small = pixScaleAreaMap(grey, (float)f, (float)f);
	}
	pixDestroy(&grey);
	return (small);
}

/* The text of pix, which it frees: scaled to fit, then read. */
static char *
ocr_take(PIX *pix, const struct timespec *end)
{
	PIX	*fit;
	char	*t;

	fit = ocr_fit(pix);
	pixDestroy(&pix);
	if (fit == NULL)
		return (NULL);
	t = ocr_pix(fit, end);
	pixDestroy(&fit);
	return (t);
}

/*
 * The text of a grey picture (a PDF page read.c rendered): w × h bytes,
 * bpl a row. NULL when nothing was read in time.
 */
char *
ocr_grey(const unsigned char *grey, int w, int h, int bpl,
    const struct timespec *end)
{
	PIX		*pix;
	l_uint32	*row;
	int		 x, y;

	if ((pix = pixCreateNoInit(w, h, 8)) == NULL)
		return (NULL);
	for (y = 0; y < h; y++) {
		row = pixGetData(pix) + (size_t)y * pixGetWpl(pix);
		for (x = 0; x < w; x++)
			SET_DATA_BYTE(row, x, grey[(size_t)y * bpl + x]);
	}
	return (ocr_take(pix, end));
}

/*
 * The text of the image file at path (what Leptonica decodes: JPEG,
 * PNG, TIFF, BMP, GIF, WebP). A JPEG is decoded at a reduction (1/2,
 * 1/4, 1/8) that still leaves OCR_PIXELS; a picture of more than
 * OCR_DECODED_MAX pixels otherwise (a few bytes can claim a huge one) is
 * not read, nor an icon (Tesseract's start alone costs 0.1 s). NULL when
 * nothing was read.
 */
char *
ocr_image(const char *path, const struct timespec *end)
{
	PIX		*pix;
	int		 format, w, h, bps, spp, cmap, red = 1;

	/* Leptonica would write its complaints about a file to stderr. */
	setMsgSeverity(L_SEVERITY_NONE);
	if (pixReadHeader(path, &format, &w, &h, &bps, &spp, &cmap) != 0 ||
	    w < OCR_MIN_SIDE || h < OCR_MIN_SIDE ||
	    (w < 2 * OCR_MIN_SIDE && h < 2 * OCR_MIN_SIDE))
		return (NULL);
	if (format == IFF_JFIF_JPEG) {
		while (red < 8 && (double)(w / (red * 2)) * (h / (red * 2)) >=
		    OCR_PIXELS)
			red *= 2;
		w /= red;
		h /= red;
	}
	if ((double)w * h > OCR_DECODED_MAX)
		return (NULL);
	pix = format == IFF_JFIF_JPEG ? pixReadJpeg(path, 0, red, NULL, 0) :
	    pixRead(path);
	if (pix == NULL)
		return (NULL);
	return (ocr_take(pix, end));
}
