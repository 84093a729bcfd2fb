/* SPDX-License-Identifier: ISC */
/* conf.c: a good file loads; each bad file fails naming file:line: key. */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "disposisi.h"
#include "test.h"

static const char *good =
	"# comment\n"
	"imap_host = mail.muaraenimkab.go.id\n"
	"imap_port = 993\n"
	"imap_user = tte\n"
	"imap_password_file = pw\n"
	"smtp_tls = starttls\n"
	"robot_address = \"tte@muaraenimkab.go.id\"\n"
	"robot_name = \"Robot Disposisi TTE\"\n"
	"admin_address = admin@muaraenimkab.go.id\n"
	"database = state/d.db\n"
	"spool_dir = /var/spool/disposisi\n"
	"rules_dir = rules\n"
	"templates_dir = mail-templates\n"
	"hmac_secret_file = hmac.key\n"
	"max_message_size = 1048576\n";

static char dir[] = "/tmp/t_conf.XXXXXX";

static char *
write_conf(const char *name, const char *text)
{
	char	*p;
	FILE	*f;

	xasprintf(&p, "%s/%s", dir, name);
	f = fopen(p, "w");
	fputs(text, f);
	fclose(f);
	return (p);
}

/* Loads good with one line appended (or replaced) and returns the cause. */
static char *
cause_of(const char *extra)
{
	char		*text, *p, *cause = NULL;
	struct conf	*c;

	xasprintf(&text, "%s%s", good, extra);
	p = write_conf("bad.conf", text);
	c = conf_load(p, &cause);
	TEST_ASSERT(c == NULL);
	conf_free(c);
	free(text);
	free(p);
	return (cause);
}

static void
expect_cause(const char *extra, const char *want)
{
	char	*cause = cause_of(extra);

	if (cause == NULL || strstr(cause, want) == NULL) {
		test_failed++;
		fprintf(stderr, "FAIL: for %s got \"%s\", want \"%s\"\n", extra,
		    cause ? cause : "(null)", want);
	} else
		test_passed++;
	free(cause);
}

int
main(void)
{
	struct conf	*c;
	char		*p, *pw, *cause = NULL, *want;

	if (mkdtemp(dir) == NULL)
		return (1);
	pw = write_conf("pw", "s3cret\n");
	p = write_conf("ok.conf", good);
	c = conf_load(p, &cause);
	TEST_ASSERT(c != NULL);
	if (c != NULL) {
		TEST_STREQ(c->imap_host, "mail.muaraenimkab.go.id");
		TEST_STREQ(c->imap_password, "s3cret");
		TEST_STREQ(c->robot_name, "Robot Disposisi TTE");
		TEST_ASSERT(c->imap_tls == TLS_IMPLICIT);
		TEST_ASSERT(c->max_message_size == 1048576);
		xasprintf(&want, "%s/state/d.db", dir);
		TEST_STREQ(c->database, want);
		free(want);
		TEST_STREQ(c->spool_dir, "/var/spool/disposisi");
		TEST_STREQ(conf_domain(c), "muaraenimkab.go.id");
		/* Shipped: the checkpoint beside the database, the limits on. */
		xasprintf(&want, "%s/state/d.db.seal", dir);
		TEST_STREQ(c->seal_checkpoint, want);
		free(want);
		TEST_ASSERT(c->parse_unconfined == 0);
		TEST_ASSERT(c->limit_sender_cases == 5 && c->limit_cases == 60);
	}
	conf_free(c);
	free(p);

	/* Errors: file:line: key: what. Line 16 is the appended line. */
	expect_cause("imap_port = 99999\n", "bad.conf:16: imap_port: want a"
	    " whole number from 1 to 65535");
	expect_cause("imap_prot = 993\n", "bad.conf:16: imap_prot: unknown key");
	expect_cause("imap_tls = ssl\n", "bad.conf:16: imap_tls: want implicit,"
	    " starttls or none");
	expect_cause("just words\n", "bad.conf:16: expected \"key = value\"");
	expect_cause("robot_name = \"open\n", "bad.conf:16: unterminated");
	expect_cause("smtp_password_file = nothere\n", "bad.conf:16:"
	    " smtp_password_file:");
	expect_cause("imap_allow_plaintext = maybe\n", "want yes or no");
	expect_cause("parser_confinement = no\n", "bad.conf:16:"
	    " parser_confinement: want required or"
	    " allow-unconfined-i-understand");
	expect_cause("limit_cases = -1\n", "bad.conf:16: limit_cases: want a"
	    " whole number from 0");
	expect_cause("imap_tls = none\n", "imap_tls: \"none\" sends the password"
	    " in clear");
	expect_cause("robot_address = nobody\n", "robot_address: not an"
	    " address");
	expect_cause("smtp_retry_min = 100\nsmtp_retry_max = 10\n",
	    "smtp_retry_max: smaller than smtp_retry_min");
	expect_cause("internal_relays = 10.0.0.0/33\n", "bad.conf:16:"
	    " internal_relays: not an IP address or network: \"10.0.0.0/33\"");
	expect_cause("internal_relays = 127.0.0.1, mail.x\n", "\"mail.x\"");

	/* internal_relays: addresses and networks, v4 and v6. */
	p = write_conf("relays.conf", "robot_address = tte@x.go.id\n"
	    "internal_relays = 10.1.0.0/16 127.0.0.1,2001:db8::/32\n");
	c = conf_load_lenient(p, &cause);
	TEST_ASSERT(c != NULL && c->nrelays == 3);
	if (c != NULL) {
		TEST_ASSERT(net_match(c->relays, c->nrelays, "10.1.200.3"));
		TEST_ASSERT(!net_match(c->relays, c->nrelays, "10.2.0.1"));
		TEST_ASSERT(net_match(c->relays, c->nrelays, "127.0.0.1"));
		TEST_ASSERT(!net_match(c->relays, c->nrelays, "127.0.0.2"));
		TEST_ASSERT(net_match(c->relays, c->nrelays, "2001:db8:5::1"));
		TEST_ASSERT(!net_match(c->relays, c->nrelays, "2001:db9::1"));
		TEST_ASSERT(!net_match(c->relays, c->nrelays, "mail.x"));
		TEST_ASSERT(!net_match(c->relays, c->nrelays, "10.1.0.0/16"));
		TEST_STREQ(c->spam_headers, "X-Spam-Flag X-Spam-Status");
	}
	conf_free(c);
	free(p);

	/* A required key missing names the key. */
	p = write_conf("min.conf", "imap_user = tte\n");
	TEST_ASSERT(conf_load(p, &cause) == NULL);
	TEST_ASSERT(cause != NULL && strstr(cause, "required key missing"));
	free(cause);
	free(p);
	free(pw);
	return (test_done());
}
