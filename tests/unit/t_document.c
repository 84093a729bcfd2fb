/* SPDX-License-Identifier: ISC */
/*
 * Which document a file is, with the shipped rules/: the most specific
 * name pattern, a tie naming no kind, content words over the name, the
 * look-alikes a "not" excludes, a bundle PDF's kinds page by page, the
 * applicant's "kind: FILE" lines, identical files, and the NIK of a
 * KTP's text. The texts are what the parser child would hand over;
 * every person in them is made up.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "disposisi.h"
#include "test.h"

static struct rules	*r;
static char		 pdf[64], jpeg[64];

/* A KTP's face as OCR reads it, noise and all. */
static const char ktp_text[] =
    "PROVINSI SUMATERA SELATAN\nKABUPATEN MUARA ENIM\n"
    "NIK : 1603014506900003\nNama : SITI AMINAH\n"
    "Tempat/Tgl Lahir : MUARA ENIM, 05-06-1990\n"
    "Jenis Kelamin : PEREMPUAN Gol. Darah : O\n"
    "Agama : ISLAM\nBerlaku Hingga : SEUMUR HIDUP\n";
static const char ktp_noisy[] =
    "PR0VINSI SUMATERA SELATAN KABUPATEN MUARA EN1M\n"
    "N1K 1603014506900003\nNama SITI AMINAH\n"
    "Ber1aku  Hing ga SEUMUR H1DUP\n";
static const char kk_text[] =
    "KARTU KELUARGA\nNo. 1603010101200001\nNIK 1603014506900003\n"
    "PROVINSI SUMATERA SELATAN KABUPATEN MUARA ENIM\n"
    "Berlaku Hingga SEUMUR HIDUP\n";
static const char letter_text[] =
    "Muara Enim, 10 Maret 2026\nPerihal : Permohonan Tanda Tangan"
    " Elektronik\nYth. Kepala Dinas Komunikasi dan Informatika\n"
    "Kabupaten Muara Enim\nDengan hormat, bersama ini kami lampirkan"
    " fotokopi Kartu Tanda Penduduk, SK Terakhir dan SK Jabatan.\n";
static const char skkp_text[] =
    "PETIKAN KEPUTUSAN BUPATI MUARA ENIM\nNOMOR 823/123/BKPSDM/2024\n"
    "TENTANG\nKENAIKAN PANGKAT PEGAWAI NEGERI SIPIL\n"
    "NIP 199006052015032001 pangkat Penata Muda golongan ruang III/a\n";
static const char skjab_text[] =
    "KEPUTUSAN BUPATI MUARA ENIM\nTENTANG\nPENGANGKATAN DALAM JABATAN"
    " ADMINISTRATOR\nNIP 199006052015032001 Pangkat/Gol.Ruang Penata"
    " III/c\n";
static const char teknik_text[] =
    "KARTU MAHASISWA FAKULTAS TEKNIK\nBerlaku Hingga 2027\n";

static void
att(struct attachment *a, const char *name, const char *path,
    const char *text, enum text_source from, const char *sha)
{
	memset(a, 0, sizeof *a);
	a->filename = (char *)name;
	a->content_type = (char *)"application/octet-stream";
	a->path = (char *)path;
	a->size = 1000;
	a->text = (char *)text;
	a->text_from = text ? from : TEXT_NONE;
	a->pages = text ? 1 : 0;
	snprintf(a->sha256, sizeof a->sha256, "%s", sha);
}

/* The kind one file comes out as ("-" for none), and its evidence. */
static const char *
one(const char *name, const char *path, const char *text,
    enum text_source from, enum doc_evidence *ev, struct doc_class *out)
{
	static char		 kind[64];
	struct msg		 m;
	struct attachment	 a;
	struct doc_class	*dcs;
	size_t			 n;

	memset(&m, 0, sizeof m);
	att(&a, name, path, text, from, name);
	m.att = &a;
	m.natt = 1;
	document_classify(r, &m, &dcs, &n);
	snprintf(kind, sizeof kind, "%s", dcs[0].kind ? dcs[0].kind : "-");
	if (ev != NULL)
		*ev = dcs[0].evidence;
	if (out != NULL) {
		*out = dcs[0];
		out->why = NULL;
	}
	document_free(dcs, n);
	return (kind);
}

static void
names(void)
{
	static const struct {
		const char	*name, *kind;
	} t[] = {
		/* The SOP's own words. */
		{ "Formulir Permohonan BSrE.pdf", "formulir-bsre" },
		{ "Surat Rekomendasi Permohonan TTE.pdf", "surat-rekomendasi" },
		{ "Surat Permintaan Penerbitan Sertifikat Elektronik.pdf",
		  "surat-permintaan" },
		{ "Surat Permohonan kepada Kepala Dinas.pdf",
		  "surat-permohonan" },
		/* Office abbreviations and misspellings. */
		{ "FC KTP.jpg", "ktp" },
		{ "fotokopi_ektp.jpg", "ktp" },
		{ "fotocopy e-KTP Budi.jpeg", "ktp" },
		{ "copy ktp.pdf", "ktp" },
		{ "KTP-el.pdf", "ktp" },
		{ "scan_e-KTP.pdf", "ktp" },
		{ "Kartu Tanda Penduduk.pdf", "ktp" },
		{ "S.K. Pangkat.pdf", "sk-terakhir" },
		{ "sk kp 2023.pdf", "sk-terakhir" },
		{ "SK_terakhir.pdf", "sk-terakhir" },
		{ "FC SK Pangkat Terakhir.pdf", "sk-terakhir" },
		{ "SK Kenaikan Pangkat 2024.pdf", "sk-terakhir" },
		{ "sk jab.pdf", "sk-jabatan" },
		{ "SK Jabatan Terakhir.pdf", "sk-jabatan" },
		{ "SK Pelantikan.pdf", "sk-jabatan" },
		{ "fc sk jabatan.pdf", "sk-jabatan" },
		{ "srt permohonan.pdf", "surat-permohonan" },
		{ "surat mohon.pdf", "surat-permohonan" },
		{ "Permohonan TTE Budi.pdf", "surat-permohonan" },
		{ "form bsre.pdf", "formulir-bsre" },
		{ "formulir_bsre.pdf", "formulir-bsre" },
		{ "Formulir Pendaftaran.pdf", "formulir-bsre" },
		{ "rekom.pdf", "surat-rekomendasi" },
		{ "lembar verif.pdf", "surat-rekomendasi" },
		{ "Lembar Verifikasi.pdf", "surat-rekomendasi" },
		{ "surat permohonan penerbitan sertifikat.pdf",
		  "-" },		/* a tie: see ties() */
		/* Names that say nothing. */
		{ "IMG_20260310_083355.jpg", "-" },
		{ "WhatsApp Image 2026-03-10 at 08.33.55.jpeg", "-" },
		{ "scan0007.pdf", "-" },
		{ "CamScanner 03-10-2026 08.33.pdf", "-" },
		{ "sk.pdf", "-" },
		{ "dokumen.pdf", "-" },
	};
	enum doc_evidence	 ev;
	size_t			 i;
	const char		*path;

	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		path = strstr(t[i].name, ".pdf") ? pdf : jpeg;
		TEST_STREQ(one(t[i].name, path, NULL, TEXT_NONE, &ev, NULL),
		    t[i].kind);
		TEST_ASSERT(ev == (*t[i].kind == '-' ? EVID_NONE : EVID_NAME));
	}
}

/* Equally specific for two kinds: none, never the first; the tie kept. */
static void
ties(void)
{
	struct doc_class	 dc;
	struct msg		 m;
	struct attachment	 a;
	struct doc_class	*dcs;
	size_t			 n;
	char			*req[] = { "surat-permohonan", "ktp" };

	TEST_STREQ(one("Surat Permohonan Penerbitan Sertifikat Elektronik.pdf",
	    pdf, NULL, TEXT_NONE, NULL, &dc), "-");
	TEST_ASSERT(dc.verdict == DOC_OTHER && dc.ambiguous[0] != NULL &&
	    dc.ambiguous[1] != NULL);
	if (dc.ambiguous[0] != NULL && dc.ambiguous[1] != NULL) {
		TEST_STREQ(dc.ambiguous[0], "surat-permohonan");
		TEST_STREQ(dc.ambiguous[1], "surat-permintaan");
	}

	/* An application brings the applicant's letter, not the Head's. */
	memset(&m, 0, sizeof m);
	att(&a, "Surat Permohonan Penerbitan Sertifikat Elektronik.pdf", pdf,
	    NULL, TEXT_NONE, "x");
	m.att = &a;
	m.natt = 1;
	document_classify(r, &m, &dcs, &n);
	document_expect(r, dcs, n, req, 2);
	TEST_STREQ(dcs[0].kind, "surat-permohonan");
	document_free(dcs, n);

	/* Expected both ways: still none. */
	req[1] = "surat-permintaan";
	document_classify(r, &m, &dcs, &n);
	document_expect(r, dcs, n, req, 2);
	TEST_ASSERT(dcs[0].kind == NULL);
	document_free(dcs, n);

	/* The Head's request is recognised by its content. */
	TEST_STREQ(one("Surat Permohonan Penerbitan Sertifikat Elektronik.pdf",
	    pdf, "Nomor: 800/12/Kominfo/2026\nPerihal: Permohonan Penerbitan"
	    " Sertifikat Elektronik\nYth. Kepala Balai Besar Sertifikasi"
	    " Elektronik\n", TEXT_PDF, NULL, NULL), "surat-permintaan");
}

static void
content(void)
{
	struct doc_class	 dc;
	enum doc_evidence	 ev;
	size_t			 i;
	int			 nik_seen = 0;

	TEST_STREQ(one("IMG_20260310_083355.jpg", jpeg, ktp_text, TEXT_OCR,
	    &ev, &dc), "ktp");
	TEST_ASSERT(ev == EVID_OCR && dc.nmatched > 0);
	/* The matched words are the rules', never the document's text. */
	for (i = 0; i < dc.nmatched; i++) {
		TEST_ASSERT(strstr(dc.matched[i], "1603") == NULL);
		nik_seen |= strcmp(dc.matched[i], "NIK") == 0;
	}
	TEST_ASSERT(nik_seen);
	TEST_STREQ(one("scan0007.pdf", pdf, ktp_noisy, TEXT_OCR, &ev, NULL),
	    "ktp");
	TEST_STREQ(one("scan0008.pdf", pdf, letter_text, TEXT_PDF, &ev, NULL),
	    "surat-permohonan");
	TEST_ASSERT(ev == EVID_TEXT);
	TEST_STREQ(one("scan0009.pdf", pdf, skkp_text, TEXT_PDF, NULL, NULL),
	    "sk-terakhir");
	TEST_STREQ(one("scan0010.pdf", pdf, skjab_text, TEXT_PDF, NULL, NULL),
	    "sk-jabatan");

	/* Content decides over the name, and the name's word is kept. */
	TEST_STREQ(one("KTP.pdf", pdf, skjab_text, TEXT_PDF, &ev, &dc),
	    "sk-jabatan");
	TEST_ASSERT(ev == EVID_TEXT && dc.overruled != NULL &&
	    strcmp(dc.overruled, "ktp") == 0);

	/* Look-alikes: a family card is no KTP, by name or not. */
	TEST_STREQ(one("IMG_1.jpg", jpeg, kk_text, TEXT_OCR, NULL, NULL), "-");
	TEST_STREQ(one("KTP.jpg", jpeg, kk_text, TEXT_OCR, &ev, &dc), "-");
	TEST_ASSERT(ev == EVID_NONE && dc.overruled != NULL);
	/* Short words stand alone: "NIK" is not in "TEKNIK". */
	TEST_STREQ(one("IMG_2.jpg", jpeg, teknik_text, TEXT_OCR, NULL, NULL),
	    "-");
	/* A text that says nothing leaves the name to decide. */
	TEST_STREQ(one("FC KTP.jpg", jpeg, "", TEXT_OCR, &ev, NULL), "ktp");
	TEST_ASSERT(ev == EVID_NAME);
}

/* One PDF holding everything, a page each: every kind it holds. */
static void
bundle(void)
{
	struct doc_class	 dc;
	char			*text;
	enum doc_evidence	 ev;

	xasprintf(&text, "%s\f%s\f%s\f%s\fhalaman tanpa judul\f", letter_text,
	    ktp_text, skkp_text, skjab_text);
	TEST_STREQ(one("CamScanner 03-10-2026 08.33.pdf", pdf, text, TEXT_PDF,
	    &ev, &dc), "surat-permohonan");
	TEST_ASSERT(dc.nmore == 3);
	if (dc.nmore == 3) {
		TEST_STREQ(dc.more[0], "ktp");
		TEST_STREQ(dc.more[1], "sk-terakhir");
		TEST_STREQ(dc.more[2], "sk-jabatan");
	}
	free(text);
}

static void
said(void)
{
	struct doc_said		 s[8];
	size_t			 n;
	struct msg		 m;
	struct attachment	 a[3];
	struct doc_class	*dcs;
	char			*h;

	n = document_said(r, "Berikut keterangannya:\n"
	    "KTP: IMG_20260310_083355.jpg\n"
	    "sk jabatan = \"scan0007.pdf\"\n"
	    "  Surat Permohonan : <surat.pdf>\n"
	    "> ktp: kutipan-lama.jpg\n"
	    "Hormat saya: Budi\n"
	    "sk-terakhir:\n"
	    "Formulir BSrE: form.pdf", s, 8);
	TEST_ASSERT(n == 4);
	if (n == 4) {
		TEST_STREQ(s[0].t->name, "ktp");
		TEST_STREQ(s[0].filename, "IMG_20260310_083355.jpg");
		TEST_STREQ(s[1].t->name, "sk-jabatan");
		TEST_STREQ(s[1].filename, "scan0007.pdf");
		TEST_STREQ(s[2].t->name, "surat-permohonan");
		TEST_STREQ(s[2].filename, "surat.pdf");
		TEST_STREQ(s[3].t->name, "formulir-bsre");
	}
	document_said_free(s, n);

	/* In the mail that carries the files: the applicant's word. */
	memset(&m, 0, sizeof m);
	att(&a[0], "IMG_20260310_083355.jpg", jpeg, NULL, TEXT_NONE, "a");
	att(&a[1], "scan0007.pdf", pdf, NULL, TEXT_NONE, "b");
	att(&a[2], "KTP.jpg", jpeg, NULL, TEXT_NONE, "a");
	m.att = a;
	m.natt = 3;
	m.text = (char *)"ktp: img_20260310_083355.JPG\n";
	document_classify(r, &m, &dcs, &m.natt);
	TEST_STREQ(dcs[0].kind, "ktp");
	TEST_ASSERT(dcs[0].evidence == EVID_APPLICANT);
	TEST_ASSERT(dcs[1].kind == NULL);
	/* The same bytes twice: one document, both names. */
	TEST_ASSERT(dcs[2].same_as == 0 && dcs[2].kind != NULL &&
	    strcmp(dcs[2].kind, "ktp") == 0);
	/* The history names files, never a NIK someone named one by. */
	a[1].filename = (char *)"KTP 1603014506900003.jpg";
	h = document_history(dcs, 3);
	TEST_ASSERT(strstr(h, "1603014506900003") == NULL &&
	    strstr(h, "KTP ################.jpg") != NULL);
	TEST_ASSERT(strstr(h, "WhatsApp") == NULL && strstr(h,
	    "KTP.jpg: ktp (applicant, same file as IMG_20260310_083355.jpg)") !=
	    NULL);
	free(h);
	document_free(dcs, 3);
}

static void
nik(void)
{
	struct attachment	 a;
	char			 out[17];
	const struct doctype	*ktp = rules_doctype(r, "ktp");

	att(&a, "IMG_1.jpg", jpeg, ktp_noisy, TEXT_OCR, "a");
	TEST_ASSERT(document_nik(ktp, &a, out) == 0);
	TEST_STREQ(out, "1603014506900003");
	/* Only a kind that holds a NIK, only a plausible one. */
	TEST_ASSERT(document_nik(rules_doctype(r, "sk-jabatan"), &a, out) ==
	    -1);
	att(&a, "IMG_1.jpg", jpeg, "NIK 9903014506900003 NIP"
	    " 199006052015032001", TEXT_OCR, "a");
	TEST_ASSERT(document_nik(ktp, &a, out) == -1);
	/* Kept as a keyed hash: same key and NIK, same hash; else not. */
	{
		char	 h1[65], h2[65];

		document_nik_hmac((const unsigned char *)"k1", 2,
		    "1603014506900003", h1);
		document_nik_hmac((const unsigned char *)"k1", 2,
		    "1603014506900003", h2);
		TEST_ASSERT(strlen(h1) == 64 && strcmp(h1, h2) == 0 &&
		    strstr(h1, "1603014506900003") == NULL);
		document_nik_hmac((const unsigned char *)"k2", 2,
		    "1603014506900003", h2);
		TEST_ASSERT(strcmp(h1, h2) != 0);
	}
}

static void
fold(void)
{
	char	*f;

	f = document_fold("Tempat/Tgl  Lahir");
	TEST_STREQ(f, "tempat tgl lahlr");
	free(f);
	f = document_fold("  Ber1aku\tHINGGA  é ");
	TEST_STREQ(f, "berlaku hlngga e");
	free(f);
}

static void
write_file(char *path, const char *tmpl, const void *bytes, size_t n)
{
	int	 fd;

	snprintf(path, 64, "%s", tmpl);
	if ((fd = mkstemp(path)) == -1 || write(fd, bytes, n) != (ssize_t)n)
		fatal("%s", path);
	close(fd);
}

int
main(void)
{
	char	*cause = NULL;

	if ((r = rules_load("rules", &cause)) == NULL) {
		fprintf(stderr, "rules: %s\n", cause);
		return (1);
	}
	write_file(pdf, "/tmp/t_document.XXXXXX", "%PDF-1.4\n%\xe2\xe3\n",
	    14);
	write_file(jpeg, "/tmp/t_document.XXXXXX", "\xff\xd8\xff\xe0\0\x10JFIF",
	    10);
	names();
	ties();
	content();
	bundle();
	said();
	nik();
	fold();
	unlink(pdf);
	unlink(jpeg);
	rules_free(r);
	return (test_done());
}
