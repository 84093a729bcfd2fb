/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for reply.c (and the re.c wrapper under it) and html.c: one
 * table of reply bodies as real clients write them, each with the verdict,
 * reason and first line we expect.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "html.h"
#include "re.h"
#include "reply.h"
#include "test.h"

#define Y	REPLY_YES
#define N	REPLY_NO
#define U	REPLY_UNCLEAR

struct tcase {
	const char		*name;
	int			 html;		/* html_to_text first */
	const char		*in;
	enum reply_verdict	 verdict;
	const char		*reason;	/* NULL: expect none */
	const char		*line;		/* NULL: expect none */
};

static const struct tcase cases[] = {
	/* Bare answers, case and punctuation. */
	{ "Y", 0, "Y", Y, NULL, "Y" },
	{ "y newline", 0, "y\n", Y, NULL, "y" },
	{ "Y.", 0, "Y.", Y, NULL, "Y." },
	{ "ya!", 0, "ya!", Y, NULL, "ya!" },
	{ "YA spaced", 0, "   YA   \n\n", Y, NULL, "YA" },
	{ "Yes", 0, "Yes", Y, NULL, "Yes" },
	{ "setuju.", 0, "setuju.", Y, NULL, "setuju." },
	{ "SETUJU!!", 0, "\n\n  SETUJU!!\t\n", Y, NULL, "SETUJU!!" },
	{ "Lanjut", 0, "Lanjut", Y, NULL, "Lanjut" },
	{ "Lanjutkan", 0, "Lanjutkan.", Y, NULL, "Lanjutkan." },
	{ "Disetujui", 0, "Disetujui", Y, NULL, "Disetujui" },
	{ "Iya", 0, "iya", Y, NULL, "iya" },
	{ "Ditolak reason", 0, "Ditolak, SK belum ada", N, "SK belum ada",
	    "Ditolak, SK belum ada" },
	{ "bold *Y*", 0, "*Y*", Y, NULL, "*Y*" },
	{ "T", 0, "T", N, NULL, "T" },
	{ "t.", 0, "t.", N, NULL, "t." },
	{ "Tidak", 0, "Tidak", N, NULL, "Tidak" },
	{ "tolak!", 0, "tolak!", N, NULL, "tolak!" },
	{ "No,", 0, "No,", N, NULL, "No," },

	/* Reasons on the same line and below. */
	{ "T: reason", 0, "T: dokumen kurang", N, "dokumen kurang",
	    "T: dokumen kurang" },
	{ "T - reason", 0, "T - KTP buram", N, "KTP buram", "T - KTP buram" },
	{ "T alasan: label dropped", 0, "T alasan: KTP buram", N, "KTP buram",
	    "T alasan: KTP buram" },
	{ "T Alasan - label dropped", 0, "T Alasan - KTP buram", N,
	    "KTP buram", "T Alasan - KTP buram" },
	{ "alasan kept in prose", 0, "T alasannya KTP buram", N,
	    "alasannya KTP buram", "T alasannya KTP buram" },
	{ "T, reason", 0, "T, alasan", N, "alasan", "T, alasan" },
	{ "Tidak. reason", 0, "Tidak. SK belum ada.", N, "SK belum ada.",
	    "Tidak. SK belum ada." },
	{ "T space reason", 0, "T alasan tidak lengkap", N,
	    "alasan tidak lengkap", "T alasan tidak lengkap" },
	{ "T em dash", 0, "T\xe2\x80\x94KTP buram", N, "KTP buram",
	    "T\xe2\x80\x94KTP buram" },
	{ "Tolak karena", 0, "Tolak karena KTP buram", N, "karena KTP buram",
	    "Tolak karena KTP buram" },
	{ "Tidak setuju", 0, "Tidak setuju karena NIK ganda", N,
	    "karena NIK ganda", "Tidak setuju karena NIK ganda" },
	{ "T reason next lines", 0, "T\nKTP buram\nNIK salah\n\nSalam,\nBudi",
	    N, "KTP buram\nNIK salah", "T" },
	{ "T: reason wraps", 0, "T: dokumen kurang\n  lengkap  \n\nBudi", N,
	    "dokumen kurang\nlengkap", "T: dokumen kurang" },
	{ "T blank then text", 0, "T\n\nKTP buram", N, NULL, "T" },
	{ "T:", 0, "T:", N, NULL, "T:" },
	{ "Y then comment", 0, "Y\nSaya sudah cek dokumennya.\n", Y, NULL,
	    "Y" },

	/* Strictness: no prefixes, no guesses. */
	{ "Terima kasih", 0, "Terima kasih", U, NULL, "Terima kasih" },
	{ "Yth. Bapak", 0, "Yth. Bapak Kepala Dinas,\n\nY", U, NULL,
	    "Yth. Bapak Kepala Dinas," },
	{ "Ya ampun", 0, "Ya ampun lupa", U, NULL, "Ya ampun lupa" },
	{ "Ya, setuju", 0, "Ya, setuju", Y, NULL, "Ya, setuju" },
	{ "Ya setuju", 0, "Ya setuju", Y, NULL, "Ya setuju" },
	{ "Yes, please", 0, "Yes, please proceed", Y, NULL,
	    "Yes, please proceed" },
	{ "Yes please", 0, "Yes please", U, NULL, "Yes please" },
	{ "Y/T", 0, "Y/T", U, NULL, "Y/T" },
	{ "Ya, tidak", 0, "Ya, tidak", U, NULL, "Ya, tidak" },
	{ "T Y", 0, "T Y", U, NULL, "T Y" },
	{ "OK", 0, "OK", U, NULL, "OK" },
	{ "Lanjutan", 0, "Lanjutan", U, NULL, "Lanjutan" },
	{ "Tidak ada masalah", 0, "Tidak ada masalah", U, NULL,
	    "Tidak ada masalah" },
	{ "No problem", 0, "No problem", U, NULL, "No problem" },
	{ "T?", 0, "T?", U, NULL, "T?" },

	/* Gmail. */
	{ "Gmail id one line", 0,
	    "T: NIK tidak cocok\n"
	    "\n"
	    "Pada Sen, 3 Mar 2025 pukul 10.12 Anna <a@kab.go.id> menulis:\n"
	    "\n"
	    "> Mohon jawab Y atau T.\n"
	    "> T\n",
	    N, "NIK tidak cocok", "T: NIK tidak cocok" },
	{ "Gmail id wrapped", 0,
	    "T\n"
	    "Pada Sen, 3 Mar 2025 pukul 10.12 Sistem Disposisi Kabupaten <\n"
	    "disposisi@kab.go.id> menulis:\n"
	    "\n"
	    "> Y\n",
	    N, NULL, "T" },
	{ "Gmail id wrapped 3", 0,
	    "T: salah orang\n"
	    "Pada tanggal Sel, 1 Okt 2026 pukul 10.00\n"
	    "Sistem Disposisi Kabupaten\n"
	    "<disposisi@kab.go.id> menulis:\n",
	    N, "salah orang", "T: salah orang" },
	{ "Gmail en", 0,
	    "T: wrong person\n"
	    "On Mon, Mar 3, 2025 at 10:12 AM Disposisi <d@kab.go.id> wrote:\n"
	    "> Reply Y or T.\n",
	    N, "wrong person", "T: wrong person" },

	/* Outlook plain text. */
	{ "Outlook en", 0,
	    "T: KTP buram\n"
	    "From: Disposisi <d@kab.go.id>\n"
	    "Sent: Monday, March 3, 2025 10:12 AM\n"
	    "To: Anna <a@kab.go.id>\n"
	    "Subject: Permohonan 123\n"
	    "\n"
	    "Y\n",
	    N, "KTP buram", "T: KTP buram" },
	{ "Outlook id underscores", 0,
	    "Setuju\n"
	    "\n"
	    "________________________________\n"
	    "Dari: Disposisi <d@kab.go.id>\n"
	    "Dikirim: Senin, 03 Maret 2025 10.12\n"
	    "Kepada: Anna\n"
	    "Perihal: Permohonan 123\n",
	    Y, NULL, "Setuju" },
	{ "Outlook id headers", 0,
	    "T\n"
	    "lampiran salah\n"
	    "Dari: Disposisi <d@kab.go.id>\n"
	    "Terkirim: Senin, 03 Maret 2025 10.12\n",
	    N, "lampiran salah", "T" },
	{ "bold headers", 0,
	    "T kurang cap\n"
	    "*From:* Disposisi <d@kab.go.id>\n"
	    "*Sent:* Monday, March 3, 2025\n",
	    N, "kurang cap", "T kurang cap" },
	{ "one header-like line is text", 0,
	    "T\nPerihal: lampiran tidak ada\n",
	    N, "Perihal: lampiran tidak ada", "T" },
	{ "-----Original Message-----", 0,
	    "T\nsalah alamat\n-----Original Message-----\nFrom: x\n",
	    N, "salah alamat", "T" },

	/* Zimbra. */
	{ "Zimbra id", 0,
	    "T: NIK salah\n"
	    "----- Pesan Asli -----\n"
	    "Dari: \"Disposisi\" <d@kab.go.id>\n"
	    "Kepada: \"Anna\" <a@kab.go.id>\n"
	    "Terkirim: Senin, 3 Maret 2025 10:12:00\n"
	    "Subjek: Permohonan 123\n"
	    "\n"
	    "Y\n",
	    N, "NIK salah", "T: NIK salah" },
	{ "Zimbra en", 0,
	    "ya\n"
	    "\n"
	    "----- Original Message -----\n"
	    "From: \"Disposisi\" <d@kab.go.id>\n"
	    "To: \"Anna\" <a@kab.go.id>\n"
	    "Sent: Monday, March 3, 2025 10:12:00 AM\n"
	    "Subject: Permohonan 123\n"
	    "\n"
	    "T\n",
	    Y, NULL, "ya" },
	{ "Zimbra no headers", 0,
	    "T\n"
	    "berkas ganda\n"
	    "----- Pada 3 Mar 2025, jam 10:12, \"Disposisi\" <d@kab.go.id> "
	    "menulis:\n"
	    "> Y\n",
	    N, "berkas ganda", "T" },
	{ "Zimbra forward", 0,
	    "Y\n----- Pesan yang Diteruskan -----\nDari: x\n",
	    Y, NULL, "Y" },

	/* Phones and signatures. */
	{ "iPhone", 0,
	    "Y\n\nDikirim dari iPhone saya\n\n> Pada 3 Mar 2025 ... menulis:\n",
	    Y, NULL, "Y" },
	{ "iPhone right under T", 0, "T\nDikirim dari iPhone saya\n", N, NULL,
	    "T" },
	{ "Android Yahoo", 0,
	    "T: foto buram\nDikirim dari Yahoo Mail di Android\n",
	    N, "foto buram", "T: foto buram" },
	{ "Sent from my", 0, "T: no stamp\nSent from my Galaxy\n", N,
	    "no stamp", "T: no stamp" },
	{ "Get Outlook", 0, "T: x\n\nGet Outlook for Android\n", N, "x",
	    "T: x" },
	{ "sig dashes", 0,
	    "T\nKTP kadaluarsa\n-- \nBudi Santoso\nKabid Pelayanan\n",
	    N, "KTP kadaluarsa", "T" },

	/* Bottom-posting and empty replies. */
	{ "bottom post", 0,
	    "> Mohon balas Y atau T.\n"
	    "> === Balas di atas garis ini ===\n"
	    "\n"
	    "Y\n",
	    Y, NULL, "Y" },
	{ "bottom post with attribution", 0,
	    "On Mon, Mar 3, 2025 at 10:12 AM Disposisi <d@kab.go.id> wrote:\n"
	    "> Y\n"
	    "\n"
	    "T: kurang\n"
	    "\n"
	    "> more quote\n",
	    N, "kurang", "T: kurang" },
	{ "bottom post quoted T", 0, "> T\n> tidak\n\nya\n", Y, NULL, "ya" },
	{ "only quote", 0,
	    "\n"
	    "Pada Sen, 3 Mar 2025 pukul 10.12 Anna <a@kab.go.id> menulis:\n"
	    "> Y\n",
	    U, NULL, NULL },
	{ "only > lines", 0, "> T\n> lagi\n", U, NULL, NULL },
	{ "empty", 0, "", U, NULL, NULL },
	{ "blank lines", 0, " \n\t\n\n", U, NULL, NULL },
	{ "quoted T after thanks", 0, "Terima kasih\n> T\n", U, NULL,
	    "Terima kasih" },

	/* The robot's own delimiter. */
	{ "delimiter", 0,
	    "Y\n=== Balas di atas garis ini ===\nT\n", Y, NULL, "Y" },
	{ "delimiter reason", 0,
	    "T: tidak sesuai\n"
	    "  ===  balas di atas GARIS ini ===\n", N, "tidak sesuai",
	    "T: tidak sesuai" },
	{ "delimiter en", 0, "T\nbad scan\n--- Reply above this line ---\n",
	    N, "bad scan", "T" },

	/* Noise: zero-width, NBSP, BOM, CRLF, bad bytes. */
	{ "U+200B", 0, "\xe2\x80\x8bT\xe2\x80\x8b: NIK\xc2\xa0salah\xc2\xa0",
	    N, "NIK salah", "T: NIK salah" },
	{ "BOM and NBSP", 0, "\xef\xbb\xbf\xc2\xa0Y\xc2\xa0\n", Y, NULL, "Y" },
	{ "CRLF", 0, "T\r\nKTP buram\r\n\r\nSalam\r\n", N, "KTP buram", "T" },
	{ "bad UTF-8", 0, "Y\xff", U, NULL, "Y\xef\xbf\xbd" },

	/* HTML bodies. */
	{ "Gmail html", 1,
	    "<div dir=\"ltr\">T: KTP buram<div>NIK salah</div></div><br>"
	    "<div class=\"gmail_quote gmail_quote_container\">"
	    "<div dir=\"ltr\" class=\"gmail_attr\">Pada Sen, 3 Mar 2025 pukul "
	    "10.12 Disposisi &lt;<a href=\"mailto:d@x\">d@x</a>&gt; menulis:"
	    "<br></div><blockquote class=\"gmail_quote\" style=\"margin:0px"
	    "\">Y<br><div>Y</div></blockquote></div>",
	    N, "KTP buram\nNIK salah", "T: KTP buram" },
	{ "Gmail html yes", 1,
	    "<div dir=\"ltr\">Ya&nbsp;</div><br><div class=\"gmail_quote\">"
	    "<blockquote>T</blockquote></div>",
	    Y, NULL, "Ya" },
	{ "Outlook web html", 1,
	    "<html><head><meta charset=\"utf-8\"><style>p{margin:0}"
	    "</style></head><body><div style=\"font-family:Calibri\">"
	    "T &ndash; lampiran&nbsp;tidak\r\n terbaca</div>"
	    "<div id=\"appendonsend\"></div><hr style=\"width:98%\">"
	    "<div id=\"divRplyFwdMsg\" dir=\"ltr\"><b>From:</b> D<br>"
	    "<b>Sent:</b> Monday</div><div>Y</div></body></html>",
	    N, "lampiran tidak terbaca",
	    "T \xe2\x80\x93 lampiran tidak terbaca" },
	{ "Outlook desktop html", 1,
	    "<html xmlns:o=\"urn:schemas-microsoft-com:office:office\"><head>"
	    "<!--[if gte mso 9]><xml><o:shapedefaults/></xml><![endif]-->"
	    "<style><!-- p.MsoNormal {margin:0cm} --></style></head>"
	    "<body lang=EN-US><div class=WordSection1>"
	    "<p class=MsoNormal>T<o:p></o:p></p>"
	    "<p class=MsoNormal>Berkas&nbsp;ganda<o:p></o:p></p>"
	    "<p class=MsoNormal><o:p>&nbsp;</o:p></p>"
	    "<div><div style='border:none;border-top:solid #E1E1E1 1.0pt'>"
	    "<p class=MsoNormal><b>From:</b> Disposisi &lt;d@x&gt;<br>"
	    "<b>Sent:</b> Monday, March 3, 2025 10:12 AM<br>"
	    "<b>To:</b> Anna<br><b>Subject:</b> RE: 123</p></div></div>"
	    "<p class=MsoNormal>Y</p></div></body></html>",
	    N, "Berkas ganda", "T" },
	{ "Zimbra html", 1,
	    "<html><body><div style=\"font-family: arial\"><div>Setuju</div>"
	    "<div><br></div><hr id=\"zwchr\" data-marker=\"__DIVIDER__\">"
	    "<div data-marker=\"__HEADERS__\"><b>Dari: </b>D<br></div>"
	    "<div data-marker=\"__QUOTED_TEXT__\">T</div></div></body></html>",
	    Y, NULL, "Setuju" },
	{ "Thunderbird html", 1,
	    "<p>Y</p><div class=\"moz-cite-prefix\">On 3/3/25 10:12, D "
	    "wrote:<br></div><blockquote type=\"cite\">T<blockquote>T"
	    "</blockquote>T</blockquote>",
	    Y, NULL, "Y" },
	{ "Outlook Mac html", 1,
	    "<div>T: salah</div><span id=\"OLK_SRC_BODY_SECTION\"><div>"
	    "From: X</div></span><blockquote>Y</blockquote>",
	    N, "salah", "T: salah" },
};

static void
check_str(const char *name, const char *what, const char *got,
    const char *want)
{
	if (want == NULL) {
		if (got != NULL)
			fprintf(stderr, "%s: %s \"%s\", want NULL\n", name,
			    what, got);
		TEST_ASSERT(got == NULL);
		return;
	}
	if (got == NULL || strcmp(got, want) != 0)
		fprintf(stderr, "%s: %s\n", name, what);
	TEST_STREQ(got, want);
}

static void
check_case(const struct tcase *tc)
{
	struct reply	 r;
	char		*text = NULL;
	const char	*in = tc->in;

	if (tc->html)
		in = text = html_to_text(tc->in);
	TEST_ASSERT(reply_parse(in, &r) == 0);
	if (r.verdict != tc->verdict)
		fprintf(stderr, "%s: verdict %d, want %d\n", tc->name,
		    r.verdict, tc->verdict);
	TEST_ASSERT(r.verdict == tc->verdict);
	check_str(tc->name, "reason", r.reason, tc->reason);
	check_str(tc->name, "line", r.line, tc->line);
	reply_clear(&r);
	TEST_ASSERT(r.reason == NULL && r.line == NULL &&
	    r.verdict == REPLY_UNCLEAR);
	free(text);
}

static void
test_html(void)
{
	static const struct {
		const char	*html;
		const char	*text;
	} t[] = {
		{ "&amp;&lt;&gt;&quot;&#39;&#233;&#xE9;&bogus; & &#0;",
		    "&<>\"'\xc3\xa9\xc3\xa9&bogus; & \xef\xbf\xbd" },
		{ "<script>if (a<b) x();</script>a<br/>b", "a\nb" },
		{ "<p>a</p><p>b</p><div><br></div><div>c</div>", "a\nb\n\nc" },
		{ "a<b>b</b>  \n c", "ab c" },
		{ "<ul><li>x</li><li>y</li></ul>", "x\ny" },
		{ "a < b", "a < b" },
		{ "<pre>a\n  b</pre>", "a\n  b" },
		{ "<blockquote>unclosed", "" },
		{ "<div title=\"a>b\">x</div>", "x" },
		{ "x<!-- y", "x" },
		{ "<head><title>t</title><body>z", "z" },
	};
	size_t	 i;
	char	*s;

	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		s = html_to_text(t[i].html);
		TEST_STREQ(s, t[i].text);
		free(s);
	}
}

/* The "not understood" line is cut at 200 bytes on a character boundary. */
static void
test_line_cap(void)
{
	struct reply	 r;
	char		 in[301 * 2];
	size_t		 i;

	for (i = 0; i < 300; i++)
		memcpy(in + 2 * i, "\xc3\xa9", 2);	/* e acute */
	in[600] = '\0';
	reply_parse(in, &r);
	TEST_ASSERT(r.verdict == REPLY_UNCLEAR);
	TEST_ASSERT(r.line != NULL && strlen(r.line) == 200);
	reply_clear(&r);

	in[0] = 'x';	/* now 1 + 2n bytes: the cut must step back */
	memmove(in + 1, in + 2, 599);
	reply_parse(in, &r);
	TEST_ASSERT(r.line != NULL && strlen(r.line) == 199);
	reply_clear(&r);
}

static void
test_re(void)
{
	struct re	*re;
	char		*cause, *out;
	size_t		 so, eo;

	re = re_compile("a(b", 0, &cause);
	TEST_ASSERT(re == NULL);
	TEST_ASSERT(cause != NULL && strncmp(cause, "offset 3: ", 10) == 0);
	free(cause);

	TEST_ASSERT(re_compile("a", 0x100, &cause) == NULL);
	free(cause);

	re = re_compile("b+", 0, &cause);
	TEST_ASSERT(re != NULL);
	TEST_ASSERT(re_match(re, "abbbc", 5, &so, &eo) == 1 && so == 1 &&
	    eo == 4);
	TEST_ASSERT(re_match(re, "abbbc", 1, NULL, NULL) == 0);
	TEST_ASSERT(re_match(re, "\xff" "b", 2, NULL, NULL) == -1);
	re_free(re);

	re = re_compile("\\A\\w+\\z", RE_CASELESS, &cause);
	TEST_ASSERT(re_match(re, "\xc3\x89" "cole", 5, NULL, NULL) == 1);
	re_free(re);
	re = re_compile("\xc3\xa9", RE_CASELESS, &cause);
	TEST_ASSERT(re_match(re, "\xc3\x89", 2, NULL, NULL) == 1);
	re_free(re);

	re = re_compile("^b$", RE_MULTILINE, &cause);
	TEST_ASSERT(re_match(re, "a\nb\nc", 5, NULL, NULL) == 1);
	re_free(re);
	re = re_compile("^b$", 0, &cause);
	TEST_ASSERT(re_match(re, "a\nb\nc", 5, NULL, NULL) == 0);
	re_free(re);

	re = re_compile("(a)|(b)", 0, &cause);
	TEST_ASSERT(re_match_group(re, "xb", 2, 1, &out) == 1 && out == NULL);
	TEST_ASSERT(re_match_group(re, "xb", 2, 2, &out) == 1);
	TEST_STREQ(out, "b");
	free(out);
	TEST_ASSERT(re_match_group(re, "xb", 2, 0, &out) == 1);
	TEST_STREQ(out, "b");
	free(out);
	TEST_ASSERT(re_match_group(re, "xyz", 3, 1, &out) == 0 && out == NULL);
	TEST_ASSERT(re_match_group(re, "xb", 2, 3, &out) == -1 && out == NULL);
	re_free(re);

	/* Catastrophic backtracking must end in an error, not a stall. */
	re = re_compile("^(a+)+$", 0, &cause);
	TEST_ASSERT(re_match(re, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!",
	    41, NULL, NULL) == -1);
	re_free(re);

	re_free(NULL);
}

int
main(void)
{
	size_t	 i;

	test_re();
	test_html();
	test_line_cap();
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++)
		check_case(&cases[i]);
	return (test_done());
}
