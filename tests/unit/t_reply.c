/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for reply.c (and the re.c wrapper under it) and html.c: one
 * table of reply bodies as real clients write them, each with the verdict,
 * reason, answer line and value we expect; tables for subjects and for
 * out-of-office mail.
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
	const char		*value;		/* NULL: expect none */
};

static const struct tcase cases[] = {
	/* Bare answers, case and punctuation. */
	{ "Y", 0, "Y", Y, NULL, "Y", NULL },
	{ "y newline", 0, "y\n", Y, NULL, "y", NULL },
	{ "Y.", 0, "Y.", Y, NULL, "Y.", NULL },
	{ "ya!", 0, "ya!", Y, NULL, "ya!", NULL },
	{ "YA spaced", 0, "   YA   \n\n", Y, NULL, "YA", NULL },
	{ "Yes", 0, "Yes", Y, NULL, "Yes", NULL },
	{ "setuju.", 0, "setuju.", Y, NULL, "setuju.", NULL },
	{ "SETUJU!!", 0, "\n\n  SETUJU!!\t\n", Y, NULL, "SETUJU!!", NULL },
	{ "Lanjut", 0, "Lanjut", Y, NULL, "Lanjut", NULL },
	{ "Lanjutkan", 0, "Lanjutkan.", Y, NULL, "Lanjutkan.", NULL },
	{ "Disetujui", 0, "Disetujui", Y, NULL, "Disetujui", NULL },
	{ "Iya", 0, "iya", Y, NULL, "iya", NULL },
	{ "Ditolak reason", 0, "Ditolak, SK belum ada", N, "SK belum ada",
	    "Ditolak, SK belum ada", NULL },
	{ "bold *Y*", 0, "*Y*", Y, NULL, "*Y*", NULL },
	{ "T", 0, "T", N, NULL, "T", NULL },
	{ "t.", 0, "t.", N, NULL, "t.", NULL },
	{ "Tidak", 0, "Tidak", N, NULL, "Tidak", NULL },
	{ "tolak!", 0, "tolak!", N, NULL, "tolak!", NULL },
	{ "No,", 0, "No,", N, NULL, "No,", NULL },

	/* Reasons on the same line and below. */
	{ "T: reason", 0, "T: dokumen kurang", N, "dokumen kurang",
	    "T: dokumen kurang", NULL },
	{ "T - reason", 0, "T - KTP buram", N, "KTP buram", "T - KTP buram",
	    NULL },
	{ "T alasan: label dropped", 0, "T alasan: KTP buram", N, "KTP buram",
	    "T alasan: KTP buram", NULL },
	{ "T Alasan - label dropped", 0, "T Alasan - KTP buram", N,
	    "KTP buram", "T Alasan - KTP buram", NULL },
	{ "alasan kept in prose", 0, "T alasannya KTP buram", N,
	    "alasannya KTP buram", "T alasannya KTP buram", NULL },
	{ "T, reason", 0, "T, alasan", N, "alasan", "T, alasan", NULL },
	{ "Tidak. reason", 0, "Tidak. SK belum ada.", N, "SK belum ada.",
	    "Tidak. SK belum ada.", NULL },
	{ "T space reason", 0, "T alasan tidak lengkap", N,
	    "alasan tidak lengkap", "T alasan tidak lengkap", NULL },
	{ "T em dash", 0, "T\xe2\x80\x94KTP buram", N, "KTP buram",
	    "T\xe2\x80\x94KTP buram", NULL },
	{ "Tolak karena", 0, "Tolak karena KTP buram", N, "karena KTP buram",
	    "Tolak karena KTP buram", NULL },
	{ "Tidak setuju", 0, "Tidak setuju karena NIK ganda", N,
	    "karena NIK ganda", "Tidak setuju karena NIK ganda", NULL },
	{ "T reason next lines", 0, "T\nKTP buram\nNIK salah\n\nSalam,\nBudi",
	    N, "KTP buram\nNIK salah", "T", NULL },
	{ "T: reason wraps", 0, "T: dokumen kurang\n  lengkap  \n\nBudi", N,
	    "dokumen kurang\nlengkap", "T: dokumen kurang", NULL },
	{ "T blank then text", 0, "T\n\nKTP buram", N, NULL, "T", NULL },
	{ "T:", 0, "T:", N, NULL, "T:", NULL },
	{ "Y then comment", 0, "Y\nSaya sudah cek dokumennya.\n", Y, NULL,
	    "Y", "Saya sudah cek dokumennya." },

	/* Strictness: no prefixes, no guesses. */
	{ "Terima kasih", 0, "Terima kasih", U, NULL, "Terima kasih", NULL },
	{ "Yth. Bapak", 0, "Yth. Bapak Kepala Dinas,\n\nY", U, NULL,
	    "Yth. Bapak Kepala Dinas,", NULL },
	{ "Ya ampun", 0, "Ya ampun lupa", U, NULL, "Ya ampun lupa", NULL },
	{ "Ya, setuju", 0, "Ya, setuju", Y, NULL, "Ya, setuju", NULL },
	{ "Ya setuju", 0, "Ya setuju", Y, NULL, "Ya setuju", NULL },
	{ "Yes, please", 0, "Yes, please proceed", Y, NULL,
	    "Yes, please proceed", "please proceed" },
	{ "Yes please", 0, "Yes please", U, NULL, "Yes please", NULL },
	{ "Y/T", 0, "Y/T", U, NULL, "Y/T", NULL },
	{ "Ya, tidak", 0, "Ya, tidak", U, NULL, "Ya, tidak", NULL },
	{ "T Y", 0, "T Y", U, NULL, "T Y", NULL },
	{ "OK", 0, "OK", U, NULL, "OK", NULL },
	{ "Lanjutan", 0, "Lanjutan", U, NULL, "Lanjutan", NULL },
	{ "Tidak ada masalah", 0, "Tidak ada masalah", U, NULL,
	    "Tidak ada masalah", NULL },
	{ "No problem", 0, "No problem", U, NULL, "No problem", NULL },
	{ "T?", 0, "T?", U, NULL, "T?", NULL },

	/* Courtesy lines before the answer: at most two, of a fixed form. */
	{ "Baik pak, Y", 0, "Baik pak,\nY", Y, NULL, "Y", NULL },
	{ "Selamat siang, T", 0, "Selamat siang,\nT KTP buram", N,
	    "KTP buram", "T KTP buram", NULL },
	{ "Siap, gap, Y", 0, "Siap,\n\nY\n", Y, NULL, "Y", NULL },
	{ "Dear Sir, Yes", 0, "Dear Sir,\nYes", Y, NULL, "Yes", NULL },
	{ "Terima kasih, T", 0, "Terima kasih,\nT: NIK salah", N,
	    "NIK salah", "T: NIK salah", NULL },
	{ "Baik Pak Budi", 0, "Baik Pak Budi,\nY", Y, NULL, "Y", NULL },
	{ "Siap bu", 0, "Siap bu\nsetuju", Y, NULL, "setuju", NULL },
	{ "Yth. Admin", 0, "Yth. Admin,\nT\nKTP buram", N, "KTP buram",
	    "T", NULL },
	{ "Pak Budi", 0, "Pak Budi,\nY", Y, NULL, "Y", NULL },
	{ "two greetings", 0, "Yth. Admin,\nSelamat pagi,\n\nY", Y, NULL,
	    "Y", NULL },
	{ "two groups on a line", 0,
	    "Selamat siang pak, terima kasih.\nY", Y, NULL, "Y", NULL },
	{ "salam wr wb", 0, "Assalamu'alaikum Wr. Wb.\nBaik Pak,\nY", Y,
	    NULL, "Y", NULL },
	{ "three greetings", 0, "Yth. Admin,\nSelamat pagi,\nBaik pak,\nY",
	    U, NULL, "Baik pak,", NULL },
	{ "prose before Y", 0, "Sudah saya cek.\nY", U, NULL,
	    "Sudah saya cek.", NULL },
	{ "two names", 0, "Baik Pak Budi Santoso,\nY", U, NULL,
	    "Baik Pak Budi Santoso,", NULL },
	{ "lower-case name", 0, "Baik pak budi,\nY", U, NULL,
	    "Baik pak budi,", NULL },
	{ "name is a verdict", 0, "Baik Ya,\nT KTP buram", U, NULL,
	    "Baik Ya,", NULL },
	{ "emoji greeting", 0, "Baik pak \xf0\x9f\x99\x8f\nY", U, NULL,
	    "Baik pak \xf0\x9f\x99\x8f", NULL },
	{ "courtesy only", 0, "Baik pak, terima kasih", U, NULL,
	    "Baik pak, terima kasih", NULL },
	{ "greeting then prose", 0, "Baik pak,\nsaya cek dulu", U, NULL,
	    "saya cek dulu", NULL },

	/* Courtesy after the verdict: a YES stays; a NO's rest is reason. */
	{ "Y, terima kasih", 0, "Y, terima kasih", Y, NULL,
	    "Y, terima kasih", NULL },
	{ "Y. Terima kasih pak", 0, "Y. Terima kasih pak", Y, NULL,
	    "Y. Terima kasih pak", NULL },
	{ "Ya, lanjutkan", 0, "Ya, lanjutkan", Y, NULL, "Ya, lanjutkan",
	    NULL },
	{ "Y terima kasih", 0, "Y terima kasih", Y, NULL, "Y terima kasih",
	    NULL },
	{ "Ya pak", 0, "Ya pak", Y, NULL, "Ya pak", NULL },
	{ "Setuju, thanks Bu Ani", 0, "Setuju, terima kasih Bu Ani", Y,
	    NULL, "Setuju, terima kasih Bu Ani", NULL },
	{ "OK, Y", 0, "OK, Y", U, NULL, "OK, Y", NULL },
	{ "T, terima kasih", 0, "T, terima kasih", N, "terima kasih",
	    "T, terima kasih", NULL },
	{ "Tidak pak", 0, "Tidak pak", U, NULL, "Tidak pak", NULL },

	/* The YES value. */
	{ "Y address", 0, "Y budi.santoso@muaraenimkab.go.id", Y, NULL,
	    "Y budi.santoso@muaraenimkab.go.id",
	    "budi.santoso@muaraenimkab.go.id" },
	{ "Y, address below", 0, "Y\nbudi.santoso@muaraenimkab.go.id", Y,
	    NULL, "Y", "budi.santoso@muaraenimkab.go.id" },
	{ "Y: value", 0, "Y: budi@kab.go.id  ", Y, NULL, "Y: budi@kab.go.id",
	    "budi@kab.go.id" },
	{ "address with a t", 0, "Y adi.t.no@kab.go.id", Y, NULL,
	    "Y adi.t.no@kab.go.id", "adi.t.no@kab.go.id" },
	{ "Y dash NIP", 0, "Y \xe2\x80\x93 198001012005011001", Y, NULL,
	    "Y \xe2\x80\x93 198001012005011001", "198001012005011001" },
	{ "Ya, setuju: value", 0, "Ya, setuju: budi@kab.go.id", Y, NULL,
	    "Ya, setuju: budi@kab.go.id", "budi@kab.go.id" },
	{ "value after a gap", 0, "Y\n\nbudi@kab.go.id\n\nSalam,\nBudi", Y,
	    NULL, "Y", "budi@kab.go.id" },
	{ "closing is no value", 0, "Y\nSalam,\nBudi Santoso", Y, NULL, "Y",
	    NULL },
	{ "thanks, value below", 0, "Y, terima kasih\nbudi@kab.go.id", Y,
	    NULL, "Y, terima kasih", "budi@kab.go.id" },
	{ "greeting, Y, value", 0, "Baik pak,\nY\nbudi@kab.go.id", Y, NULL,
	    "Y", "budi@kab.go.id" },
	{ "value above the quote", 0,
	    "Y budi@kab.go.id\n\nOn Mon, 3 Mar 2025 D <d@x> wrote:\n> T\n",
	    Y, NULL, "Y budi@kab.go.id", "budi@kab.go.id" },
	{ "no value below the cut", 0, "Y\n-- \nbudi@kab.go.id", Y, NULL,
	    "Y", NULL },
	{ "a second yes is no value", 0, "Y\n\nYa, setuju", Y, NULL, "Y",
	    NULL },
	{ "Y (remark)", 0, "Y (sudah dicek)", Y, NULL, "Y (sudah dicek)",
	    "(sudah dicek)" },

	/* Never a guess: a yes and a no anywhere in the new text. */
	{ "Y then T", 0, "Y\n\nT KTP buram", U, NULL, "Y", NULL },
	{ "T then Ya", 0, "T: KTP buram\n\nYa", U, NULL, "T: KTP buram",
	    NULL },
	{ "Setuju then Tidak.", 0, "Setuju\nTidak.", U, NULL, "Setuju",
	    NULL },
	{ "T reason then Y", 0, "T\nKTP buram\nY", U, NULL, "T", NULL },
	{ "greeting, Y, T", 0, "Baik pak,\nY\n\nT", U, NULL, "Y", NULL },
	{ "initial in signature", 0, "Y\n\nSalam,\nT. Hidayat", U, NULL, "Y",
	    NULL },
	{ "Y then a stop", 0, "Y\nJangan diproses dulu", U, NULL, "Y",
	    NULL },
	{ "Y then a remark", 0, "Y\nTidak ada catatan.", Y, NULL, "Y",
	    "Tidak ada catatan." },

	/* Questions and choices. */
	{ "Y?", 0, "Y?", U, NULL, "Y?", NULL },
	{ "Y ?!", 0, "Y ?!", U, NULL, "Y ?!", NULL },
	{ "apakah Y?", 0, "apakah Y?", U, NULL, "apakah Y?", NULL },
	{ "T atau Y?", 0, "T atau Y?", U, NULL, "T atau Y?", NULL },
	{ "T atau Y", 0, "T atau Y", U, NULL, "T atau Y", NULL },
	{ "Y or T", 0, "Y or T", U, NULL, "Y or T", NULL },
	{ "Setuju?", 0, "Setuju?", U, NULL, "Setuju?", NULL },
	{ "Ya, sudah benar?", 0, "Ya, sudah benar?", U, NULL,
	    "Ya, sudah benar?", NULL },
	{ "T: question", 0, "T: kenapa buram?", U, NULL, "T: kenapa buram?",
	    NULL },

	/* Negations. */
	{ "jangan Y", 0, "jangan Y", U, NULL, "jangan Y", NULL },
	{ "tidak Y", 0, "tidak Y", U, NULL, "tidak Y", NULL },
	{ "belum", 0, "belum", U, NULL, "belum", NULL },
	{ "bukan Y", 0, "bukan Y", U, NULL, "bukan Y", NULL },
	{ "not Y", 0, "not Y", U, NULL, "not Y", NULL },
	{ "don't", 0, "don't", U, NULL, "don't", NULL },
	{ "Y belum", 0, "Y belum", U, NULL, "Y belum", NULL },
	{ "Ya, jangan dulu", 0, "Ya, jangan dulu", U, NULL,
	    "Ya, jangan dulu", NULL },
	{ "Yes, not yet", 0, "Yes, not yet", U, NULL, "Yes, not yet", NULL },
	{ "Y, don\u2019t", 0, "Y, don\xe2\x80\x99t send", U, NULL,
	    "Y, don\xe2\x80\x99t send", NULL },
	{ "Ya, tunggu revisi", 0, "Ya, tunggu revisi", U, NULL,
	    "Ya, tunggu revisi", NULL },
	{ "Setuju, tidak ada catatan", 0, "Setuju, tidak ada catatan", U,
	    NULL, "Setuju, tidak ada catatan", NULL },
	{ "Y dan T", 0, "Y dan T", U, NULL, "Y dan T", NULL },
	{ "Y, tolak yang lain", 0, "Y, tolak yang lain", U, NULL,
	    "Y, tolak yang lain", NULL },
	{ "T, not yet", 0, "T, belum lengkap", N, "belum lengkap",
	    "T, belum lengkap", NULL },

	/* Words that only start like a verdict. */
	{ "Ya Allah", 0, "Ya Allah", U, NULL, "Ya Allah", NULL },
	{ "Yth.", 0, "Yth.", U, NULL, "Yth.", NULL },
	{ "Tolong dicek", 0, "Tolong dicek", U, NULL, "Tolong dicek", NULL },
	{ "Yanto", 0, "Yanto", U, NULL, "Yanto", NULL },
	{ "Tono setuju", 0, "Tono setuju", U, NULL, "Tono setuju", NULL },

	/* Verdict words in a row: a few are one answer, a run is not. */
	{ "Ya setuju lanjutkan", 0, "Ya setuju lanjutkan", Y, NULL,
	    "Ya setuju lanjutkan", NULL },
	{ "six in a row", 0, "ya ya ya ya ya ya", U, NULL,
	    "ya ya ya ya ya ya", NULL },

	/* Gmail. */
	{ "Gmail id one line", 0,
	    "T: NIK tidak cocok\n"
	    "\n"
	    "Pada Sen, 3 Mar 2025 pukul 10.12 Anna <a@kab.go.id> menulis:\n"
	    "\n"
	    "> Mohon jawab Y atau T.\n"
	    "> T\n",
	    N, "NIK tidak cocok", "T: NIK tidak cocok", NULL },
	{ "Gmail id wrapped", 0,
	    "T\n"
	    "Pada Sen, 3 Mar 2025 pukul 10.12 Sistem Disposisi Kabupaten <\n"
	    "disposisi@kab.go.id> menulis:\n"
	    "\n"
	    "> Y\n",
	    N, NULL, "T", NULL },
	{ "Gmail id wrapped 3", 0,
	    "T: salah orang\n"
	    "Pada tanggal Sel, 1 Okt 2026 pukul 10.00\n"
	    "Sistem Disposisi Kabupaten\n"
	    "<disposisi@kab.go.id> menulis:\n",
	    N, "salah orang", "T: salah orang", NULL },
	{ "Gmail en", 0,
	    "T: wrong person\n"
	    "On Mon, Mar 3, 2025 at 10:12 AM Disposisi <d@kab.go.id> wrote:\n"
	    "> Reply Y or T.\n",
	    N, "wrong person", "T: wrong person", NULL },

	/* Outlook plain text. */
	{ "Outlook en", 0,
	    "T: KTP buram\n"
	    "From: Disposisi <d@kab.go.id>\n"
	    "Sent: Monday, March 3, 2025 10:12 AM\n"
	    "To: Anna <a@kab.go.id>\n"
	    "Subject: Permohonan 123\n"
	    "\n"
	    "Y\n",
	    N, "KTP buram", "T: KTP buram", NULL },
	{ "Outlook id underscores", 0,
	    "Setuju\n"
	    "\n"
	    "________________________________\n"
	    "Dari: Disposisi <d@kab.go.id>\n"
	    "Dikirim: Senin, 03 Maret 2025 10.12\n"
	    "Kepada: Anna\n"
	    "Perihal: Permohonan 123\n",
	    Y, NULL, "Setuju", NULL },
	{ "Outlook id headers", 0,
	    "T\n"
	    "lampiran salah\n"
	    "Dari: Disposisi <d@kab.go.id>\n"
	    "Terkirim: Senin, 03 Maret 2025 10.12\n",
	    N, "lampiran salah", "T", NULL },
	{ "bold headers", 0,
	    "T kurang cap\n"
	    "*From:* Disposisi <d@kab.go.id>\n"
	    "*Sent:* Monday, March 3, 2025\n",
	    N, "kurang cap", "T kurang cap", NULL },
	{ "one header-like line is text", 0,
	    "T\nPerihal: lampiran tidak ada\n",
	    N, "Perihal: lampiran tidak ada", "T", NULL },
	{ "-----Original Message-----", 0,
	    "T\nsalah alamat\n-----Original Message-----\nFrom: x\n",
	    N, "salah alamat", "T", NULL },

	/* Outlook in other locales: the header block right under the text. */
	{ "Outlook de", 0,
	    "T\n"
	    "lampiran salah\n"
	    "Von: Sistem Disposisi TTE <tte@kab.go.id>\n"
	    "Gesendet: Mittwoch, 25. November 2026 10:12\n"
	    "An: Sekretaris Dinas <sekdis@kab.go.id>\n"
	    "Betreff: [TTE-2026-00003] Disposisi\n",
	    N, "lampiran salah", "T", NULL },
	{ "Outlook fr", 0,
	    "T\n"
	    "KTP buram\n"
	    "De\xc2\xa0: Sistem Disposisi TTE <tte@kab.go.id>\n"
	    "Envoy\xc3\xa9\xc2\xa0: mercredi 25 novembre 2026 10:12\n"
	    "\xc3\x80\xc2\xa0: Sekretaris Dinas <sekdis@kab.go.id>\n"
	    "Objet\xc2\xa0: [TTE-2026-00003] Disposisi\n",
	    N, "KTP buram", "T", NULL },
	{ "Outlook nl", 0,
	    "T\n"
	    "SK ontbreekt\n"
	    "Van: Sistem Disposisi TTE <tte@kab.go.id>\n"
	    "Verzonden: woensdag 25 november 2026 10:12\n"
	    "Aan: Sekretaris Dinas\n"
	    "Onderwerp: Disposisi\n",
	    N, "SK ontbreekt", "T", NULL },
	{ "Outlook es", 0,
	    "T\n"
	    "falta el SK\n"
	    "De: Sistem Disposisi TTE <tte@kab.go.id>\n"
	    "Enviado: mi\xc3\xa9rcoles, 25 de noviembre de 2026 10:12\n"
	    "Para: Sekretaris Dinas\n"
	    "Asunto: Disposisi\n",
	    N, "falta el SK", "T", NULL },
	{ "Outlook de only header block", 0,
	    "\n"
	    "Von: Sistem Disposisi TTE <tte@kab.go.id>\n"
	    "Gesendet: Mittwoch, 25. November 2026 10:12\n"
	    "An: Sekretaris Dinas <sekdis@kab.go.id>\n"
	    "Betreff: [TTE-2026-00003] Disposisi\n",
	    U, NULL, NULL, NULL },
	{ "Outlook de Ursprungliche Nachricht", 0,
	    "T\nSK fehlt\n-----Urspr\xc3\xbcngliche Nachricht-----\nVon: x\n",
	    N, "SK fehlt", "T", NULL },
	{ "Outlook fr Message d'origine", 0,
	    "Y\n-----Message d'origine-----\nT: x\n", Y, NULL, "Y", NULL },
	{ "Outlook es Mensaje original", 0,
	    "Y\n-----Mensaje original-----\nT: x\n", Y, NULL, "Y", NULL },
	{ "Outlook nl Oorspronkelijk bericht", 0,
	    "Y\n-----Oorspronkelijk bericht-----\nT: x\n", Y, NULL, "Y", NULL },
	{ "Zimbra de Ursprungliche Mail", 0,
	    "Y\n----- Urspr\xc3\xbcngliche Mail -----\nT: x\n", Y, NULL, "Y",
	    NULL },
	{ "Samsung en", 0,
	    "Y\n-------- Original message --------\nT: x\n", Y, NULL, "Y",
	    NULL },

	/* Attributions of other locales and clients. */
	{ "Gmail de", 0,
	    "T: KTP buram\n"
	    "Am Mi., 25. Nov. 2026 um 10:12 Uhr schrieb Sistem Disposisi "
	    "TTE <\n"
	    "tte@kab.go.id>:\n"
	    "> Y\n",
	    N, "KTP buram", "T: KTP buram", NULL },
	{ "Gmail fr", 0,
	    "T: KTP buram\n"
	    "Le mer. 25 nov. 2026 \xc3\xa0 10:12, Sistem Disposisi TTE "
	    "<tte@kab.go.id> a \xc3\xa9" "crit :\n"
	    "> Y\n",
	    N, "KTP buram", "T: KTP buram", NULL },
	{ "Gmail es", 0,
	    "T: KTP buram\n"
	    "El mi\xc3\xa9, 25 nov 2026 a las 10:12, Sistem Disposisi TTE (<"
	    "tte@kab.go.id>) escribi\xc3\xb3:\n"
	    "> Y\n",
	    N, "KTP buram", "T: KTP buram", NULL },
	{ "Gmail nl", 0,
	    "T: KTP buram\n"
	    "Op wo 25 nov 2026 om 10:12 schreef Sistem Disposisi TTE <"
	    "tte@kab.go.id>:\n"
	    "> Y\n",
	    N, "KTP buram", "T: KTP buram", NULL },
	{ "Apple Mail de", 0,
	    "T: KTP buram\n\n"
	    "Am 25.11.2026 um 10:12 schrieb Sistem Disposisi TTE "
	    "<tte@kab.go.id>:\n\n"
	    "\xef\xbb\xbf=== Balas di atas garis ini ===\n",
	    N, "KTP buram", "T: KTP buram", NULL },
	{ "Thunderbird fr", 0,
	    "T: KTP buram\n"
	    "Le 25/11/2026 \xc3\xa0 10:12, Sistem Disposisi TTE a \xc3\xa9"
	    "crit\xc2\xa0:\n"
	    "> Y\n",
	    N, "KTP buram", "T: KTP buram", NULL },
	{ "K-9 de", 0,
	    "T\nKTP buram\n"
	    "Sistem Disposisi TTE <tte@kab.go.id> schrieb am 25. November "
	    "2026 10:12:56 MEZ:\n"
	    ">Y\n",
	    N, "KTP buram", "T", NULL },
	{ "K-9 en", 0,
	    "T\nKTP buram\n"
	    "On November 25, 2026 10:12:56 AM GMT+07:00, Sistem Disposisi "
	    "TTE <tte@kab.go.id> wrote:\n"
	    ">Y\n",
	    N, "KTP buram", "T", NULL },
	{ "FairEmail", 0,
	    "T\nKTP buram\n"
	    "25 Nov 2026 10:12:56 Sistem Disposisi TTE <tte@kab.go.id>:\n"
	    ">Y\n",
	    N, "KTP buram", "T", NULL },
	{ "Apple forward fr", 0,
	    "Y\n\nD\xc3\xa9" "but du message r\xc3\xa9" "exp\xc3\xa9" "di\xc3\xa9"
	    " :\n\nT\n",
	    Y, NULL, "Y", NULL },
	{ "Gmail forward de", 0,
	    "Y\n---------- Weitergeleitete Nachricht ---------\nT\n",
	    Y, NULL, "Y", NULL },
	{ "iPhone de", 0, "T\nKTP alt\nVon meinem iPhone gesendet\n", N,
	    "KTP alt", "T", NULL },
	{ "iPhone fr", 0, "T\nKTP alt\nEnvoy\xc3\xa9 de mon iPhone\n", N,
	    "KTP alt", "T", NULL },
	{ "iPhone es", 0, "T\nKTP alt\nEnviado desde mi iPhone\n", N,
	    "KTP alt", "T", NULL },
	/* A sentence naming an address is no attribution. */
	{ "address in text", 0,
	    "T\nkirim ulang ke <budi@kab.go.id> saja\n",
	    N, "kirim ulang ke <budi@kab.go.id> saja", "T", NULL },

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
	    N, "NIK salah", "T: NIK salah", NULL },
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
	    Y, NULL, "ya", NULL },
	{ "Zimbra no headers", 0,
	    "T\n"
	    "berkas ganda\n"
	    "----- Pada 3 Mar 2025, jam 10:12, \"Disposisi\" <d@kab.go.id> "
	    "menulis:\n"
	    "> Y\n",
	    N, "berkas ganda", "T", NULL },
	{ "Zimbra forward", 0,
	    "Y\n----- Pesan yang Diteruskan -----\nDari: x\n",
	    Y, NULL, "Y", NULL },

	/* Phones and signatures. */
	{ "iPhone", 0,
	    "Y\n\nDikirim dari iPhone saya\n\n> Pada 3 Mar 2025 ... menulis:\n",
	    Y, NULL, "Y", NULL },
	{ "iPhone right under T", 0, "T\nDikirim dari iPhone saya\n", N, NULL,
	    "T", NULL },
	{ "Android Yahoo", 0,
	    "T: foto buram\nDikirim dari Yahoo Mail di Android\n",
	    N, "foto buram", "T: foto buram", NULL },
	{ "Sent from my", 0, "T: no stamp\nSent from my Galaxy\n", N,
	    "no stamp", "T: no stamp", NULL },
	{ "Get Outlook", 0, "T: x\n\nGet Outlook for Android\n", N, "x",
	    "T: x", NULL },
	{ "sig dashes", 0,
	    "T\nKTP kadaluarsa\n-- \nBudi Santoso\nKabid Pelayanan\n",
	    N, "KTP kadaluarsa", "T", NULL },

	/* Bottom-posting and empty replies. */
	{ "bottom post", 0,
	    "> Mohon balas Y atau T.\n"
	    "> === Balas di atas garis ini ===\n"
	    "\n"
	    "Y\n",
	    Y, NULL, "Y", NULL },
	{ "bottom post with attribution", 0,
	    "On Mon, Mar 3, 2025 at 10:12 AM Disposisi <d@kab.go.id> wrote:\n"
	    "> Y\n"
	    "\n"
	    "T: kurang\n"
	    "\n"
	    "> more quote\n",
	    N, "kurang", "T: kurang", NULL },
	{ "bottom post quoted T", 0, "> T\n> tidak\n\nya\n", Y, NULL, "ya",
	    NULL },
	{ "only quote", 0,
	    "\n"
	    "Pada Sen, 3 Mar 2025 pukul 10.12 Anna <a@kab.go.id> menulis:\n"
	    "> Y\n",
	    U, NULL, NULL, NULL },
	{ "only > lines", 0, "> T\n> lagi\n", U, NULL, NULL, NULL },
	{ "empty", 0, "", U, NULL, NULL, NULL },
	{ "blank lines", 0, " \n\t\n\n", U, NULL, NULL, NULL },
	{ "quoted T after thanks", 0, "Terima kasih\n> T\n", U, NULL,
	    "Terima kasih", NULL },

	/* The robot's own delimiter. */
	{ "delimiter", 0,
	    "Y\n=== Balas di atas garis ini ===\nT\n", Y, NULL, "Y", NULL },
	{ "delimiter reason", 0,
	    "T: tidak sesuai\n"
	    "  ===  balas di atas GARIS ini ===\n", N, "tidak sesuai",
	    "T: tidak sesuai", NULL },
	{ "delimiter en", 0, "T\nbad scan\n--- Reply above this line ---\n",
	    N, "bad scan", "T", NULL },

	/* Noise: zero-width, NBSP, BOM, CRLF, bad bytes. */
	{ "U+200B", 0, "\xe2\x80\x8bT\xe2\x80\x8b: NIK\xc2\xa0salah\xc2\xa0",
	    N, "NIK salah", "T: NIK salah", NULL },
	{ "BOM and NBSP", 0, "\xef\xbb\xbf\xc2\xa0Y\xc2\xa0\n", Y, NULL, "Y",
	    NULL },
	{ "CRLF", 0, "T\r\nKTP buram\r\n\r\nSalam\r\n", N, "KTP buram", "T",
	    NULL },
	{ "bad UTF-8", 0, "Y\xff", U, NULL, "Y\xef\xbf\xbd", NULL },

	/* HTML bodies. */
	{ "Gmail html", 1,
	    "<div dir=\"ltr\">T: KTP buram<div>NIK salah</div></div><br>"
	    "<div class=\"gmail_quote gmail_quote_container\">"
	    "<div dir=\"ltr\" class=\"gmail_attr\">Pada Sen, 3 Mar 2025 pukul "
	    "10.12 Disposisi &lt;<a href=\"mailto:d@x\">d@x</a>&gt; menulis:"
	    "<br></div><blockquote class=\"gmail_quote\" style=\"margin:0px"
	    "\">Y<br><div>Y</div></blockquote></div>",
	    N, "KTP buram\nNIK salah", "T: KTP buram", NULL },
	{ "Gmail html yes", 1,
	    "<div dir=\"ltr\">Ya&nbsp;</div><br><div class=\"gmail_quote\">"
	    "<blockquote>T</blockquote></div>",
	    Y, NULL, "Ya", NULL },
	{ "Outlook web html", 1,
	    "<html><head><meta charset=\"utf-8\"><style>p{margin:0}"
	    "</style></head><body><div style=\"font-family:Calibri\">"
	    "T &ndash; lampiran&nbsp;tidak\r\n terbaca</div>"
	    "<div id=\"appendonsend\"></div><hr style=\"width:98%\">"
	    "<div id=\"divRplyFwdMsg\" dir=\"ltr\"><b>From:</b> D<br>"
	    "<b>Sent:</b> Monday</div><div>Y</div></body></html>",
	    N, "lampiran tidak terbaca",
	    "T \xe2\x80\x93 lampiran tidak terbaca", NULL },
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
	    N, "Berkas ganda", "T", NULL },
	{ "Zimbra html", 1,
	    "<html><body><div style=\"font-family: arial\"><div>Setuju</div>"
	    "<div><br></div><hr id=\"zwchr\" data-marker=\"__DIVIDER__\">"
	    "<div data-marker=\"__HEADERS__\"><b>Dari: </b>D<br></div>"
	    "<div data-marker=\"__QUOTED_TEXT__\">T</div></div></body></html>",
	    Y, NULL, "Setuju", NULL },
	{ "Thunderbird html", 1,
	    "<p>Y</p><div class=\"moz-cite-prefix\">On 3/3/25 10:12, D "
	    "wrote:<br></div><blockquote type=\"cite\">T<blockquote>T"
	    "</blockquote>T</blockquote>",
	    Y, NULL, "Y", NULL },
	{ "Outlook Mac html", 1,
	    "<div>T: salah</div><span id=\"OLK_SRC_BODY_SECTION\"><div>"
	    "From: X</div></span><blockquote>Y</blockquote>",
	    N, "salah", "T: salah", NULL },
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
	check_str(tc->name, "value", r.value, tc->value);
	reply_clear(&r);
	TEST_ASSERT(r.reason == NULL && r.value == NULL && r.line == NULL &&
	    r.verdict == REPLY_UNCLEAR);
	free(text);
}

/* The command in a subject, for replies with no new text. */
static void
test_subject(void)
{
	static const struct {
		const char		*subject;
		enum reply_verdict	 verdict;
		const char		*reason;
	} t[] = {
		{ "Re: [TTE-2026-00001] Y", Y, NULL },
		{ "RE: [TTE-2026-00001] T KTP buram", N, "KTP buram" },
		{ "Re: Re: [TTE-2026-00001] T: KTP buram", N, "KTP buram" },
		{ "Bls: [TTE-2026-00001] Ya", Y, NULL },
		{ "Balas: AW: TR: TRS: Fwd: FW: y.", Y, NULL },
		{ "Re[2]: [TTE-2026-00001] T alasan: KTP buram", N,
		    "KTP buram" },
		{ "RE : [TTE-2026-00001]  Setuju ", Y, NULL },
		{ "[EXTERNAL] Re: [TTE-2026-00001] Y", Y, NULL },
		{ "Re: [TTE-2026-00001] Y #0123456789abcdef0123", Y, NULL },
		{ "Re: [TTE-2026-00001] T #0123456789ABCDEF0123", N, NULL },
		{ "Re: [TTE-2026-00001] T", N, NULL },
		{ "Re:\xc2\xa0[TTE-2026-00001]\xc2\xa0Y", Y, NULL },
		/* The robot's own subjects, and other text, are no answer. */
		{ "Re: [TTE-2026-00001] Disposisi #0123456789abcdef0123", U,
		    NULL },
		{ "Disposisi permohonan Sertifikat Elektronik: Budi Santoso",
		    U, NULL },
		{ "Re: [TTE-2026-00001] Disposisi permohonan Sertifikat "
		    "Elektronik: Budi Santoso", U, NULL },
		{ "RE: [TTE-2026-00001] Disposisi permohonan Sertifikat "
		    "Elektronik: Budi - Y", U, NULL },
		{ "Re: [TTE-2026-00001] Jawaban Anda tidak dapat diterima", U,
		    NULL },
		{ "Re: [TTE-2026-00001] Terima kasih", U, NULL },
		{ "Re: [TTE-2026-00001] Y?", U, NULL },
		{ "Re: [TTE-2026-00001] T atau Y", U, NULL },
		{ "Re: [TTE-2026-00001] jangan Y", U, NULL },
		{ "Re: [TTE-2026-00001] Y\xff", U, NULL },
		{ "Re: [TTE-2026-00001", U, NULL },
		{ "Ref: Y", U, NULL },
		{ "Re:", U, NULL },
		{ "", U, NULL },
		/* Other locales' prefixes. */
		{ "AW: [TTE-2026-00001] Y", Y, NULL },
		{ "WG: AW: [TTE-2026-00001] Y", Y, NULL },
		{ "RE : TR : [TTE-2026-00001] T : KTP buram", N, "KTP buram" },
		{ "Antw: [TTE-2026-00001] Y", Y, NULL },
		{ "RV: RE: [TTE-2026-00001] Y", Y, NULL },
		{ "Terusan: BLS: [TTE-2026-00001] Y", Y, NULL },
		/* The command before the tag, the robot's subject after it. */
		{ "T [TTE-2026-00003]", N, NULL },
		{ "Y [TTE-2026-00003]", Y, NULL },
		{ "T [TTE-2026-00003] #0123456789abcdef0123", N, NULL },
		{ "T [TTE-2026-00003] KTP buram", N, "KTP buram" },
		{ "Re: T [TTE-2026-00003] [EXTERNAL] SK lama", N, "SK lama" },
		{ "T: Re: [TTE-2026-00003] Disposisi permohonan Sertifikat "
		    "Elektronik: Budi", N, NULL },
		/* A T after the robot's subject; never a Y there. */
		{ "Re: [TTE-2026-00003] Disposisi permohonan Sertifikat "
		    "Elektronik: Budi Santoso - T", N, NULL },
		{ "Re: [TTE-2026-00003] Disposisi permohonan Sertifikat "
		    "Elektronik: Budi Santoso \xe2\x80\x93 T KTP buram", N,
		    "KTP buram" },
		{ "Re: [TTE-2026-00003] Disposisi: Budi - Tidak ada", U, NULL },
		{ "Re: [TTE-2026-00003] Disposisi: Budi - Ya", U, NULL },
		{ "Re: [TTE-2026-00003] Disposisi: Budi-T", U, NULL },
		{ "Re: [TTE-2026-00003] Disposisi: Budi - T?", U, NULL },
	};
	enum reply_verdict	 v;
	size_t			 i;
	char			*reason;

	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		reason = (char *)"junk";
		v = reply_subject(t[i].subject, &reason);
		if (v != t[i].verdict)
			fprintf(stderr, "subject \"%s\": verdict %d\n",
			    t[i].subject, v);
		TEST_ASSERT(v == t[i].verdict);
		check_str(t[i].subject, "reason", reason, t[i].reason);
		free(reason);
	}
	reason = (char *)"junk";
	TEST_ASSERT(reply_subject(NULL, &reason) == U && reason == NULL);
}

/* The new text as the reason of a T given in the subject. */
static void
test_prose(void)
{
	static const struct {
		const char	*in;
		const char	*prose;		/* NULL: none */
	} t[] = {
		{ "Lampiran KTP buram, mohon dikirim ulang", "Lampiran KTP "
		    "buram, mohon dikirim ulang" },
		{ "Baik pak,\nKTP buram\nmohon dikirim ulang\n\nSalam,\nBudi",
		    "KTP buram\nmohon dikirim ulang" },
		{ "Alasan: SK belum ada", "SK belum ada" },
		{ "KTP buram\n\nPada Sen, 3 Mar 2025 pukul 10.12 D <d@x> "
		    "menulis:\n> Y\n", "KTP buram" },
		{ "KTP buram\nDikirim dari iPhone saya\n", "KTP buram" },
		{ "KTP buram\nSalam,\nBudi Santoso", "KTP buram" },
		/* Courtesy, signatures, verdict words, questions: no reason. */
		{ "Salam,\nSekretaris Dinas", NULL },
		{ "Hormat saya,\nBudi Santoso\nSekretaris Dinas", NULL },
		{ "Terima kasih", NULL },
		{ "Baik pak,\nSalam,", NULL },
		{ "Tidak ada masalah", NULL },
		{ "Ya ampun, KTP buram", NULL },
		{ "KTP buram\nYa, lanjut saja", NULL },
		{ "KTP buram\n*Y*", NULL },
		{ "Apakah KTP sudah dicek?", NULL },
		{ "KTP buram.\nSudah dicek?", NULL },
		{ "", NULL },
		{ "> KTP buram\n", NULL },
	};
	struct reply	 r;
	size_t		 i;

	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		reply_parse(t[i].in, &r);
		TEST_ASSERT(r.verdict == REPLY_UNCLEAR);
		check_str(t[i].in, "prose", r.prose, t[i].prose);
		reply_clear(&r);
		TEST_ASSERT(r.prose == NULL);
	}
	reply_parse("T KTP buram", &r);
	TEST_ASSERT(r.verdict == REPLY_NO && r.prose == NULL);
	reply_clear(&r);
}

/* Out-of-office mail that carries no RFC 3834 header. */
static void
test_autoreply(void)
{
	static const struct {
		const char	*subject;
		const char	*text;
		int		 want;
	} t[] = {
		{ "Automatic reply: Re: [TTE-2026-00001] Disposisi",
		    "Saya sedang cuti sampai 5 Desember.", 1 },
		{ "Re: [TTE-2026-00001] Disposisi",
		    "Terima kasih atas email Anda.\n"
		    "Saya sedang cuti sampai 5 Desember 2026.\n", 1 },
		{ "Out of Office: Disposisi", "", 1 },
		{ "Balasan otomatis: Disposisi", NULL, 1 },
		{ "AUTOREPLY", "x", 1 },
		{ "Auto-Reply: x", "x", 1 },
		{ NULL, "I am away until Monday.", 1 },
		{ NULL, "I\xe2\x80\x99m currently away.", 1 },
		{ NULL, "Yth. Bapak/Ibu,\n\nSaya sedang Dinas Luar Kota.", 1 },
		{ NULL, "Kantor tutup: Cuti Bersama.", 1 },
		{ NULL, "I will be out of the office.", 1 },
		{ NULL, "I am on leave.", 1 },
		{ NULL, "Currently on vacation.", 1 },
		{ NULL, "Saya sedang tidak di kantor.", 1 },
		{ NULL, "Tidak berada di kantor sampai Senin.", 1 },
		{ NULL, "Halo,\nTerima kasih.\nSaya sedang perjalanan dinas.",
		    1 },
		/* A person's answer, however it mentions their leave. */
		{ "Re: [TTE-2026-00001] Disposisi",
		    "Y, saya sedang dinas luar tapi sudah cek", 0 },
		{ "Automatic reply: x", "Y", 0 },
		{ NULL, "T: saya sedang cuti, silakan ke Pak Budi", 0 },
		{ NULL, "Baik pak,\nY\nSaya sedang dinas luar", 0 },
		{ NULL, "Y, saya sedang cuti, tidak bisa cek", 0 },
		/* Too far down, quoted, or not the whole word. */
		{ NULL, "Terima kasih.\nSalam.\nBudi\nSedang cuti", 0 },
		{ NULL, "Terima kasih\n\nPada Sen, 3 Mar 2025 pukul 10.12 "
		    "D <d@x> menulis:\n> sedang cuti\n", 0 },
		{ NULL, "Ini balasan otomatisasi sistem.", 0 },
		{ "Re: [TTE-2026-00001] Disposisi", "Terima kasih", 0 },
		{ NULL, NULL, 0 },
	};
	size_t	 i;

	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		if (reply_is_autoreply(t[i].subject, t[i].text) != t[i].want)
			fprintf(stderr, "autoreply %zu: want %d\n", i,
			    t[i].want);
		TEST_ASSERT(reply_is_autoreply(t[i].subject, t[i].text) ==
		    t[i].want);
	}
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

/* A long run of verdict words must not exhaust the stack. */
static void
test_long_chain(void)
{
	struct reply	 r;
	char		*in;
	size_t		 i, n = 500000;

	in = malloc(3 * n + 1);
	for (i = 0; i < n; i++)
		memcpy(in + 3 * i, "ya ", 3);
	in[3 * n] = '\0';
	reply_parse(in, &r);
	TEST_ASSERT(r.verdict == REPLY_UNCLEAR);
	reply_clear(&r);
	free(in);
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
	test_long_chain();
	test_subject();
	test_prose();
	test_autoreply();
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++)
		check_case(&cases[i]);
	return (test_done());
}
