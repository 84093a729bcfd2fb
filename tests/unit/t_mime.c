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
	return (test_done());
}
