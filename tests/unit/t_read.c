/* SPDX-License-Identifier: ISC */
/*
 * What files say, read through the real parser process (this binary
 * executed again as disposisi-parser, confined as the daemon's is): a
 * PDF's text layer, OCR of a PNG card, of an image-only PDF and of a
 * turned 12-megapixel phone photo, and the same photo attached twice.
 * The mails are made by tests/regress/docgen.py (python3-pil) at test
 * time, the same bytes every run.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "disposisi.h"
#include "parse_p.h"
#include "test.h"

static char		 dir[] = "/tmp/t_read.XXXXXX";
static struct conf	 conf;
static struct spool	*sp;

static const char *card_words[] = { "PROVINSI SUMATERA SELATAN",
    "KABUPATEN MUARA ENIM", "NIK", "Nama", "Berlaku Hingga", NULL };

/* The message docgen made as name, parsed by the parser; its seconds. */
static struct msg *
parse(const char *name, double *secs)
{
	struct timespec	 t0, t1;
	struct msg	*m = NULL;
	char		*path, *cause = NULL;
	int		 r;

	xasprintf(&path, "%s/%s", dir, name);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if ((r = parse_message(&conf, sp, path, &m, &cause)) != 0)
		fprintf(stderr, "%s: %d %s\n", name, r, cause);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (secs != NULL)
		*secs = (double)(t1.tv_sec - t0.tv_sec) +
		    (t1.tv_nsec - t0.tv_nsec) / 1e9;
	TEST_ASSERT(r == 0 && m != NULL);
	free(path);
	free(cause);
	return (m);
}

/* Each of words is in a's text; the missing ones named (not the text). */
static void
has_words(const struct attachment *a, const char **words)
{
	for (; *words != NULL; words++) {
		if (a->text == NULL || strstr(a->text, *words) == NULL)
			fprintf(stderr, "%s: \"%s\" not read\n", a->filename,
			    *words);
		TEST_ASSERT(a->text != NULL && strstr(a->text, *words));
	}
}

int
main(int argc, char **argv)
{
	static const char *letter[] = { "SURAT PERMOHONAN PENERBITAN",
	    "MUARA ENIM", "Hormat kami", NULL };
	struct msg	*m;
	char		*cmd, *cause = NULL;
	double		 secs;

	if (strcmp(argv[0], PARSE_ARGV0) == 0)
		_exit(parse_child(argc, argv));
	log_init(LOG_TO_STDERR, 0);
	clock_init();
	if (mkdtemp(dir) == NULL || (sp = spool_open(dir, &cause)) == NULL)
		return (2);
	xasprintf(&cmd, "python3 tests/regress/docgen.py %s", dir);
	if (system(cmd) != 0) {
		fprintf(stderr, "docgen.py failed (python3-pil?)\n");
		return (2);
	}
	free(cmd);
	conf.max_message_size = 30 << 20;
	conf.header_max_line = 8000;
	conf.header_max_size = 256 * 1024;
	conf.mime_max_depth = 20;
	conf.mime_max_parts = 100;
	conf.parse_user = "nobody";
	conf.parse_timeout = 60;
	conf.parse_memory_max = 1024;

	/* (a) A letter with a text layer: its words, both pages. */
	m = parse("text-pdf.eml", NULL);
	TEST_ASSERT(m->natt == 1 && m->att[0].text_from == TEXT_PDF);
	TEST_ASSERT(m->att[0].pages == 2);
	has_words(&m->att[0], letter);
	mime_free(m);

	/* (b) A card as a PNG: OCR. */
	m = parse("card-png.eml", NULL);
	TEST_ASSERT(m->natt == 1 && m->att[0].text_from == TEXT_OCR);
	TEST_ASSERT(m->att[0].pages == 1);
	has_words(&m->att[0], card_words);
	mime_free(m);

	/* (c) A scanner's picture-only PDF: rendered, then OCR. */
	m = parse("image-pdf.eml", NULL);
	TEST_ASSERT(m->natt == 1 && m->att[0].text_from == TEXT_OCR);
	TEST_ASSERT(m->att[0].pages == 1);
	has_words(&m->att[0], card_words);
	mime_free(m);

	/*
	 * (d) A 12-megapixel photo, turned sideways: scaled down, the turns
	 * tried, well within parse_timeout (its half is the reading's).
	 */
	m = parse("photo-12mp.eml", &secs);
	TEST_ASSERT(m->natt == 1 && m->att[0].text_from == TEXT_OCR);
	has_words(&m->att[0], card_words);
	printf("12-megapixel photo, turned: %.2f s\n", secs);
	TEST_ASSERT(secs < conf.parse_timeout / 2);
	mime_free(m);

	/* (e) The same photo twice: both kept, one file, both read. */
	m = parse("twice.eml", NULL);
	TEST_ASSERT(m != NULL && m->natt == 2);
	if (m != NULL && m->natt == 2) {
		TEST_STREQ(m->att[0].filename, "IMG_20260310_083355.jpg");
		TEST_STREQ(m->att[1].filename, "IMG_20260310_083355(1).jpg");
		TEST_STREQ(m->att[0].sha256, m->att[1].sha256);
		TEST_STREQ(m->att[0].path, m->att[1].path);
		TEST_ASSERT(access(m->att[1].path, R_OK) == 0);
		has_words(&m->att[1], card_words);
	}
	mime_free(m);

	parse_stop();
	util_rmtree(dir);
	return (test_done());
}
