/* SPDX-License-Identifier: ISC */
/*
 * mime.c and classify.c on messages in tests/unit/mail/: decoding,
 * attachments into the spool, machine mail, tokens; and a built mail
 * parsed back.
 */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "disposisi.h"
#include "test.h"

static char	 dir[] = "/tmp/t_mime.XXXXXX";

/* mime.c in this process (the daemon runs it in parse.c's child). */
static struct msg *
parse_file(struct spool *sp, const char *path)
{
	struct msg	*m = NULL;
	char		*cause = NULL;
	int		 fd;

	if ((fd = open(path, O_RDONLY)) == -1 ||
	    mime_parse(fd, sp, NULL, &m, &cause) != 0)
		fprintf(stderr, "%s: %s\n", path, cause ? cause :
		    strerror(errno));
	if (fd != -1)
		close(fd);
	free(cause);
	return (m);
}

static struct msg *
parse(struct spool *sp, const char *name)
{
	char		*path;
	struct msg	*m;

	xasprintf(&path, "tests/unit/mail/%s", name);
	m = parse_file(sp, path);
	free(path);
	return (m);
}

/*
 * The HTML part from a marked text (template.c's marks: \001 index
 * \002): the template's lines give the layout, the values stay text.
 */
static void
test_html(void)
{
	static const struct tvar v[] = {
		{ "ref", "TTE-2026-00001" },
		{ "pemohon", "<b>Budi</b> & \"Siti\" mailto:evil@example.org" },
		{ "lampiran", "1. ktp.jpg (1 KB)\n2. <i>.pdf (2 KB)\n" },
		{ "tautan_y", "mailto:tte+r.tok@d.id?subject=Re&body=Y" },
		{ "tautan_t", "mailto:tte+r.tok@d.id?subject=Re&body=T" },
		{ "alasan", "https://evil.example/ lihat" },
		{ "jika_t", "Jika Bapak/Ibu membalas T, permohonan ditolak." },
		{ "perihal", "" },
		{ "isi_pemberitahuan", "Aktivasi: https://portal-bsre.example/a"
		    "?t=1\nTerima kasih.\n" }
	};
	struct mail_out	 mo = { 0 };
	char		*h, *p;
	int		 n;

	mo.from_name = "Diskominfo <Muara Enim>";
	mo.subject = "[TTE-2026-00001] Disposisi";
	mo.text = "unused: the marked text is laid out";
	mo.marked = "=== Balas di atas garis ini ===\n\nYth. \0011\002,\n\n"
	    "Nomor registrasi : \0010\002\nPemohon          : \0011\002\n"
	    "Perihal          : \0017\002\n\nBerkas:\n\0012\002\n"
	    "Alasan: \0015\002\nLihat https://bsre.go.id/\n\n"
	    "Setujui (Y): \0013\002\nTolak (T): \0014\002\n\n\0016\002\n"
	    "----------\n\0018\002\n----------\n";
	mo.vars = v;
	mo.nvars = sizeof v / sizeof v[0];
	h = mime_html(&mo);
	TEST_ASSERT(strncmp(h, "<!DOCTYPE html>\n<html lang=\"id\">", 31) == 0);
	TEST_ASSERT(strstr(h, "<style") == NULL && strstr(h, "<b>") == NULL &&
	    strstr(h, "<i>") == NULL);
	TEST_ASSERT(strstr(h, "Diskominfo &lt;Muara Enim&gt;") != NULL);
	TEST_ASSERT(strstr(h, "&lt;b&gt;Budi&lt;/b&gt; &amp; &quot;Siti&quot;"
	    " mailto:evil@example.org") != NULL);
	/* A value's link stays text; the template's own is live. */
	TEST_ASSERT(strstr(h, "href=\"mailto:evil") == NULL);
	TEST_ASSERT(strstr(h, "href=\"https://evil") == NULL);
	TEST_ASSERT(strstr(h, "https://evil.example/ lihat") != NULL);
	TEST_ASSERT(strstr(h, "<a href=\"https://bsre.go.id/\"") != NULL);
	/* But BSrE's notice is relayed for its links. */
	TEST_ASSERT(strstr(h, "<a href=\"https://portal-bsre.example/a?t=1\"")
	    != NULL && strstr(h, ">https://portal-bsre.example/a?t=1</a>") !=
	    NULL);
	TEST_ASSERT(strstr(h, "<hr style=\"border:0;border-top:1px dashed") !=
	    NULL);
	/* The rows: the empty one left out. */
	TEST_ASSERT(strstr(h, ">Nomor registrasi</td>") != NULL);
	TEST_ASSERT(strstr(h, ">TTE-2026-00001</td>") != NULL);
	TEST_ASSERT(strstr(h, ">Perihal</td>") == NULL);
	/* The list, the buttons, the note under them. */
	TEST_ASSERT(strstr(h, ">1.</td>") != NULL &&
	    strstr(h, "&lt;i&gt;.pdf (2 KB)</td>") != NULL);
	TEST_ASSERT(strstr(h, "href=\"mailto:tte+r.tok@d.id?subject=Re&amp;"
	    "body=Y\"") != NULL);
	TEST_ASSERT(strstr(h, ">Y \xe2\x80\x94 Setujui</a>") != NULL);
	TEST_ASSERT(strstr(h, ">T \xe2\x80\x94 Tolak</a>") != NULL);
	for (n = 0, p = h; (p = strstr(p, "display:block")) != NULL; p++)
		n++;
	TEST_ASSERT(n == 2);
	TEST_ASSERT(strstr(h, "#fff7e0;") != NULL &&
	    strstr(h, "membalas T, permohonan ditolak.</td>") != NULL);
	free(h);
}

int
main(void)
{
	struct spool	*sp;
	struct msg	*m;
	struct conf	 conf = { 0 };
	struct rules	*rules;
	struct ctx	 ctx = { .conf = &conf };
	struct reading	 rd;
	struct mail_out	 mo = { 0 };
	struct attachment a = { 0 };
	struct stat	 st;
	char		*out, *cause = NULL, longname[200];
	const char	*ar_name = "Authentication-Results";
	struct hdr_list	 ar;

	if (mkdtemp(dir) == NULL)
		return (1);
	conf.robot_address = "tte@muaraenimkab.go.id";
	rules = rules_load("rules", &cause);
	TEST_ASSERT(rules != NULL);
	if (rules == NULL)
		return (test_done());
	ctx.rules = rules;
	mime_init();
	sp = spool_open(dir, &cause);
	TEST_ASSERT(sp != NULL);

	m = parse(sp, "outlook.eml");
	TEST_ASSERT(m != NULL);
	TEST_STREQ(m->from_addr, "andi@muaraenimkab.go.id");
	TEST_STREQ(m->from_name, "Andi Pratama");
	TEST_STREQ(m->subject, "Permohonan TTE \xc3\xa9lektronik");
	TEST_STREQ(m->message_id, "abc.123@MuaraEnimKab.go.id");
	TEST_ASSERT(strncmp(m->text, "Y, sudah saya periksa. Caf\xc3\xa9",
	    27) == 0);
	TEST_ASSERT(m->natt == 2);
	if (m->natt == 2) {
		TEST_STREQ(m->att[0].filename,
		    "surat permohonan \xe2\x9c\x93.pdf");
		TEST_STREQ(m->att[0].content_type, "application/pdf");
		TEST_STREQ(m->att[1].filename, "ktp.jpg");
		TEST_ASSERT(stat(m->att[0].path, &st) == 0 &&
		    (st.st_mode & 077) == 0);
		TEST_ASSERT(strstr(m->att[0].path, m->att[0].sha256) != NULL);
	}
	classify_read(&ctx, m, &rd);
	TEST_STREQ(rd.token, "0123456789abcdef0123");
	TEST_ASSERT(rd.kind == KIND_REPLY);
	classify_clear(&rd);
	mime_free(m);

	m = parse(sp, "html-autoreply.eml");
	TEST_ASSERT(m != NULL && strstr(m->text, "cuti & di luar") != NULL);
	TEST_ASSERT(m != NULL && strstr(m->text, "Y") == NULL);
	classify_read(&ctx, m, &rd);
	TEST_ASSERT(rd.kind == KIND_AUTOREPLY);
	TEST_ASSERT(strstr(rd.why, "Auto-Submitted") != NULL);
	classify_clear(&rd);
	mime_free(m);

	/* A read receipt names the robot's mail it reports on; no DSN does. */
	m = parse_file(sp, "tests/corpus/receipt-thunderbird.eml");
	TEST_ASSERT(m != NULL);
	TEST_STREQ(m->report_mid,
	    "tte-2026-00003.1fef68515a5cd907b3f9@muaraenimkab.go.id");
	classify_read(&ctx, m, &rd);
	TEST_ASSERT(rd.kind == KIND_RECEIPT);
	TEST_STREQ(rd.ref, "TTE-2026-00003");
	classify_clear(&rd);
	mime_free(m);
	m = parse_file(sp, "tests/corpus/bounce-postfix.eml");
	TEST_ASSERT(m != NULL && m->report_mid == NULL);
	classify_read(&ctx, m, &rd);
	TEST_ASSERT(rd.kind == KIND_BOUNCE);
	classify_clear(&rd);
	mime_free(m);

	m = parse(sp, "forwarded.eml");
	TEST_ASSERT(m != NULL && m->natt >= 1);
	TEST_ASSERT(m != NULL && m->natt >= 1 &&
	    strcmp(m->att[m->natt - 1].filename, "sk-jabatan.pdf") == 0);
	classify_read(&ctx, m, &rd);
	TEST_ASSERT(rd.kind == KIND_APPLICATION);
	classify_clear(&rd);
	mime_free(m);

	m = parse(sp, "undeclared-8bit.eml");
	TEST_ASSERT(m != NULL && strstr(m->text, "caf\xc3\xa9") != NULL);
	TEST_ASSERT(m != NULL && m->subject != NULL &&
	    strcmp(m->subject, "latin caf\xc3\xa9") == 0);
	TEST_ASSERT(m != NULL && m->from_name != NULL &&
	    strcmp(m->from_name, "Andr\xc3\xa9") == 0);
	mime_free(m);

	/* The robot reads these itself (screen.c), not through the parser. */
	conf.header_max_size = 256 * 1024;
	TEST_ASSERT(screen_headers(&conf, "tests/unit/mail/auth-results.eml",
	    &ar_name, 1, &ar) == 0 && ar.n == 1 &&
	    strncmp(ar.v[0], "mail.muaraenimkab.go.id;", 24) == 0);
	while (ar.n > 0)
		free(ar.v[--ar.n]);
	free(ar.v);

	/* No headers at all: parsed, but there is nobody to answer. */
	m = parse(sp, "garbage.eml");
	TEST_ASSERT(m == NULL || m->from_addr == NULL);
	mime_free(m);

	/* A built mail parses back with everything in place. */
	a.filename = "ktp.jpg";
	a.content_type = "image/jpeg";
	a.path = "tests/unit/mail/garbage.eml";
	mo.from_addr = conf.robot_address;
	mo.from_name = "Robot Disposisi";
	mo.to_addr = "sekdis@muaraenimkab.go.id";
	mo.to_name = "Sekretaris Dinas";
	mo.reply_to = "tte+tte-2026-00001.abc@muaraenimkab.go.id";
	mo.subject = "[TTE-2026-00001] Disposisi permohonan: Ibu Siti Aisyah";
	mo.text = "Yth. Bapak,\n\nMohon tindak lanjut. mailto:x@y?body=Y\n";
	mo.message_id = "tte-2026-00001.abc@muaraenimkab.go.id";
	mo.in_reply_to = "root@muaraenimkab.go.id";
	mo.att = &a;
	mo.natt = 1;
	xasprintf(&out, "%s/built.eml", dir);
	TEST_ASSERT(mime_build(&mo, out, &cause) == 0);
	m = parse_file(sp, out);
	TEST_ASSERT(m != NULL);
	if (m != NULL) {
		TEST_STREQ(m->subject, mo.subject);
		TEST_STREQ(m->message_id, mo.message_id);
		TEST_STREQ(m->auto_submitted, "auto-generated");
		TEST_ASSERT(strstr(m->text, "Mohon tindak lanjut") != NULL);
		TEST_ASSERT(m->natt == 1);
		classify_read(&ctx, m, &rd);
		TEST_ASSERT(rd.kind == KIND_OWN);
		classify_clear(&rd);
	}
	mime_free(m);

	/* A long name is cut in the middle: its extension survives. */
	memset(longname, 'a', sizeof longname);
	memcpy(longname + sizeof longname - 8, "scan.js", 8);
	a.filename = longname;
	TEST_ASSERT(mime_build(&mo, out, &cause) == 0);
	m = parse_file(sp, out);
	TEST_ASSERT(m != NULL && m->natt == 1);
	if (m != NULL && m->natt == 1) {
		TEST_ASSERT(strlen(m->att[0].filename) <= 120);
		TEST_ASSERT(strlen(m->att[0].filename) > 3 && strcmp(
		    m->att[0].filename + strlen(m->att[0].filename) - 3,
		    ".js") == 0);
	}
	mime_free(m);
	free(out);
	spool_close(sp);
	mime_shutdown();
	rules_free(rules);
	test_html();
	return (test_done());
}
