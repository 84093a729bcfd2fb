/* SPDX-License-Identifier: ISC */
/* auth.c: what the trusted Authentication-Results say, and the policy. */

#include <sys/socket.h>

#include <stdio.h>
#include <stdlib.h>

#include "disposisi.h"
#include "test.h"

#define ID	"mail.muaraenimkab.go.id"
#define OWN	"budi@muaraenimkab.go.id"
#define GMAIL	"siti@gmail.com"
#define AMS	"noreply@bsre.bssn.go.id"

struct tcase {
	const char		*name;
	const char		*from;
	int			 require_internal;
	const char		*ar[3];		/* NULL-terminated */
	enum auth_verdict	 verdict;
	int			 ok;		/* auth_check */
};

/* The Received path: which hops are trusted, and what they record. */
struct rcase {
	const char		*name;
	const char		*ar;		/* or NULL */
	const char		*rcv[4];	/* top first, NULL-terminated */
	int			 ok;		/* auth_check for OWN */
};

/* internal_relays = 10.0.0.0/8 */
static const struct net relays[] = { { AF_INET, { 10 }, 8 } };

static const struct tcase cases[] = {
	/* Office mail: Zimbra stamps nothing; From alone proves nothing. */
	{ "internal, no verdict", OWN, 0, { NULL }, AUTH_NONE, 0 },
	{ "internal, no verdict, require", OWN, 1, { NULL }, AUTH_NONE, 0 },
	{ "internal, other id only", OWN, 0,
	    { "evil.example; dmarc=fail header.from=muaraenimkab.go.id" },
	    AUTH_NONE, 0 },
	{ "internal, dkim pass", OWN, 0,
	    { ID "; dkim=pass header.d=muaraenimkab.go.id header.s=zimbra" },
	    AUTH_PASS, 1 },
	{ "internal, pass, require", OWN, 1,
	    { ID " 1; spf=pass smtp.mailfrom=budi@muaraenimkab.go.id" },
	    AUTH_PASS, 1 },
	{ "internal, dmarc fail", OWN, 0,
	    { ID "; dmarc=fail (p=reject) header.from=muaraenimkab.go.id" },
	    AUTH_FAIL, 0 },
	{ "internal, dkim and spf fail", OWN, 0,
	    { ID "; dkim=fail header.d=muaraenimkab.go.id;"
	    " spf=fail smtp.mailfrom=budi@muaraenimkab.go.id" },
	    AUTH_FAIL, 0 },
	{ "internal, dkim fail alone", OWN, 0,
	    { ID "; dkim=fail header.d=muaraenimkab.go.id; spf=none" },
	    AUTH_NONE, 0 },
	{ "internal, unaligned fails", OWN, 0,
	    { ID "; dkim=fail header.d=evil.example;"
	    " spf=fail smtp.mailfrom=x@evil.example" },
	    AUTH_NONE, 0 },
	{ "internal, trusted header, nothing decisive", OWN, 1,
	    { ID "; none" }, AUTH_NONE, 0 },
	{ "internal, upper case and trailing dots", "Budi@MuaraEnimKab.Go.Id.",
	    0, { "MAIL.MuaraEnimKab.go.id.; DKIM=Pass"
	    " Header.D=MUARAENIMKAB.GO.ID." }, AUTH_PASS, 1 },
	{ "subdomain of the office is outside", "x@dinas.muaraenimkab.go.id",
	    0, { NULL }, AUTH_NONE, 0 },
	{ "subdomain with aligned dkim", "x@dinas.muaraenimkab.go.id", 0,
	    { ID "; dkim=pass header.d=muaraenimkab.go.id" }, AUTH_PASS, 1 },

	/* Applicants from outside. */
	{ "gmail, dmarc pass", GMAIL, 0,
	    { ID ";\r\n\tdmarc=pass (p=none dis=none) header.from=gmail.com" },
	    AUTH_PASS, 1 },
	{ "gmail, dmarc pass without header.from", GMAIL, 0,
	    { ID "; dmarc=pass" }, AUTH_PASS, 1 },
	{ "gmail, no header", GMAIL, 0, { NULL }, AUTH_NONE, 0 },
	{ "gmail, other id only", GMAIL, 0,
	    { "mx.google.com; dkim=pass header.i=@gmail.com;"
	    " spf=pass smtp.mailfrom=siti@gmail.com; dmarc=pass"
	    " header.from=gmail.com" }, AUTH_NONE, 0 },
	{ "gmail, id as a suffix of another", GMAIL, 0,
	    { ID ".evil; dmarc=pass header.from=gmail.com" }, AUTH_NONE, 0 },
	{ "gmail, id with a prefix", GMAIL, 0,
	    { "x" ID "; dmarc=pass header.from=gmail.com" }, AUTH_NONE, 0 },
	{ "gmail, dmarc pass for another domain", GMAIL, 0,
	    { ID "; dmarc=pass header.from=evil.example" }, AUTH_NONE, 0 },
	{ "gmail, dkim header.i", GMAIL, 0,
	    { ID "; dkim=pass header.i=@gmail.com header.s=20230601" },
	    AUTH_PASS, 1 },
	{ "gmail, spf softfail", GMAIL, 0,
	    { ID "; spf=softfail smtp.mailfrom=siti@gmail.com" },
	    AUTH_NONE, 0 },
	{ "gmail, dkim pass of a look-alike", GMAIL, 0,
	    { ID "; dkim=pass header.d=gmail.com.evil" }, AUTH_NONE, 0 },
	{ "gmail, dkim pass of a parent suffix", GMAIL, 0,
	    { ID "; dkim=pass header.d=com" }, AUTH_NONE, 0 },

	/* BSrE's AMS notices: go.id is a public suffix. */
	{ "ams, dkim bssn.go.id", AMS, 0,
	    { ID "; dkim=pass header.d=bssn.go.id header.s=s1" },
	    AUTH_PASS, 1 },
	{ "ams, dkim other.go.id", AMS, 0,
	    { ID "; dkim=pass header.d=other.go.id" }, AUTH_NONE, 0 },
	{ "bssn, dkim other.go.id", "x@bssn.go.id", 0,
	    { ID "; dkim=pass header.d=other.go.id" }, AUTH_NONE, 0 },
	{ "ams, dkim go.id", AMS, 0,
	    { ID "; dkim=pass header.d=go.id" }, AUTH_NONE, 0 },
	{ "go.id aligns nothing, not even itself", "x@go.id", 0,
	    { ID "; dkim=pass header.d=go.id; dmarc=pass header.from=go.id" },
	    AUTH_NONE, 0 },
	{ "ams, spf bounce.bssn.go.id", AMS, 0,
	    { ID "; spf=pass smtp.mailfrom=bounce@bounce.bssn.go.id" },
	    AUTH_PASS, 1 },
	{ "ams, spf bare domain", AMS, 0,
	    { ID "; spf=pass smtp.mailfrom=bounce.bssn.go.id" },
	    AUTH_PASS, 1 },
	{ "ams, spf other.go.id", AMS, 0,
	    { ID "; spf=pass smtp.mailfrom=bounce@other.go.id" },
	    AUTH_NONE, 0 },
	{ "ams, dmarc fail beats dkim pass", AMS, 0,
	    { ID "; dkim=pass header.d=bssn.go.id;"
	    " dmarc=fail header.from=bsre.bssn.go.id" }, AUTH_FAIL, 0 },
	{ "ams, a second trusted header is ignored", AMS, 0,
	    { ID "; dkim=pass header.d=bssn.go.id",
	    ID "; dmarc=fail header.from=bsre.bssn.go.id" }, AUTH_PASS, 1 },
	{ "ams, dmarc pass beats dkim and spf fail", AMS, 0,
	    { ID "; dkim=fail header.d=bssn.go.id;"
	    " spf=fail smtp.mailfrom=x@bssn.go.id; dmarc=pass" },
	    AUTH_PASS, 1 },
	{ "ams, aligned pass beats dkim and spf fail", AMS, 0,
	    { ID "; dkim=fail header.d=bssn.go.id;"
	    " spf=fail smtp.mailfrom=x@bssn.go.id;"
	    " dkim=pass header.d=bsre.bssn.go.id" }, AUTH_PASS, 1 },
	{ "ams, dmarc none then dkim and spf fail", AMS, 0,
	    { ID "; dmarc=none header.from=bsre.bssn.go.id;"
	    " dkim=fail header.d=bssn.go.id; spf=fail"
	    " smtp.mailfrom=x@bsre.bssn.go.id" }, AUTH_FAIL, 0 },

	/* Comments and quoted strings. */
	{ "comment hides a pass", GMAIL, 0,
	    { ID "; spf=fail (dkim=pass header.d=gmail.com)"
	    " smtp.mailfrom=x@y" },
	    AUTH_NONE, 0 },
	{ "nested comment with an escaped paren", GMAIL, 0,
	    { ID "; spf=fail (a (b \\) dkim=pass header.d=gmail.com) c)"
	    " smtp.mailfrom=x@y" }, AUTH_NONE, 0 },
	{ "comment before the id and inside values", GMAIL, 0,
	    { "(border) " ID " (v1); dkim (x) = (y) pass (2048-bit)"
	    " header.d (sig) = gmail.com" }, AUTH_PASS, 1 },
	{ "quoted id and values", GMAIL, 0,
	    { "\"" ID "\"; dkim=\"pass\" header.d=\"gmail.com\"" },
	    AUTH_PASS, 1 },
	{ "quoted semicolon is data", GMAIL, 0,
	    { ID "; spf=fail reason=\"x; dkim=pass header.d=gmail.com\"" },
	    AUTH_NONE, 0 },
	{ "quoted paren is data", GMAIL, 0,
	    { ID "; spf=fail reason=\"(\" dkim=pass header.d=gmail.com" },
	    AUTH_NONE, 0 },
	{ "quoted local part", GMAIL, 0,
	    { ID "; spf=pass smtp.mailfrom=\"a@evil.example b\"@gmail.com" },
	    AUTH_PASS, 1 },
	{ "quoted local part hiding a domain", GMAIL, 0,
	    { ID "; spf=pass smtp.mailfrom=\"x@gmail.com\"@evil.example" },
	    AUTH_NONE, 0 },
	{ "reason before properties", GMAIL, 0,
	    { ID "; dkim=pass reason=\"good sig\" header.d=gmail.com" },
	    AUTH_PASS, 1 },
	{ "method version", GMAIL, 0,
	    { ID "; dkim/1=pass header.d=gmail.com" }, AUTH_PASS, 1 },
	{ "malformed resinfo ignored", GMAIL, 0,
	    { ID "; dkim=pass header.d; spf=pass =smtp.mailfrom=gmail.com" },
	    AUTH_NONE, 0 },
	{ "malformed resinfo does not hide the next", GMAIL, 0,
	    { ID "; dkim pass header.d=gmail.com; dmarc=pass" }, AUTH_PASS, 1 },
	{ "unterminated quote and comment", GMAIL, 0,
	    { ID "; dkim=pass header.d=\"gmail.com (x" }, AUTH_NONE, 0 },
	{ "stray close paren", GMAIL, 0,
	    { ID "; dkim=pass ) header.d=gmail.com" }, AUTH_NONE, 0 },
	{ "empty header", GMAIL, 0, { "" }, AUTH_NONE, 0 },

	/*
	 * Zimbra's amavisd-new (zimbraAmavisEnableDKIMVerification): its
	 * header as Amavis/DKIM.pm writes it, dkim only, folded, a comment
	 * naming it, the key size, header.b when several signatures.
	 */
	{ "amavis, gmail dkim pass", GMAIL, 0,
	    { ID " (amavisd-new);\r\n dkim=pass (2048-bit key)\r\n"
	    " header.d=gmail.com" }, AUTH_PASS, 1 },
	{ "amavis, two signatures", GMAIL, 0,
	    { ID " (amavisd-new);\r\n dkim=pass (2048-bit key)\r\n"
	    " header.d=gmail-esp.example header.b=\"AbCdEfGh\";\r\n"
	    " dkim=pass (2048-bit key)\r\n header.d=gmail.com"
	    " header.b=\"IjKlMnOp\"" }, AUTH_PASS, 1 },
	{ "amavis, altered gmail mail", GMAIL, 0,
	    { ID " (amavisd-new);\r\n dkim=fail (2048-bit key)\r\n"
	    " reason=\"fail (message has been altered)\"\r\n"
	    " header.d=gmail.com" }, AUTH_NONE, 0 },
	{ "amavis, office mail signed by Zimbra's opendkim", OWN, 1,
	    { ID " (amavisd-new);\r\n dkim=pass (2048-bit key)\r\n"
	    " header.d=muaraenimkab.go.id" }, AUTH_PASS, 1 },

	/* Several headers. */
	{ "trusted among others", GMAIL, 0,
	    { "evil.example; dkim=fail", ID "; dkim=pass header.d=gmail.com",
	    "mx.google.com; dmarc=fail" }, AUTH_PASS, 1 },
	{ "only the first trusted header counts", GMAIL, 0,
	    { ID "; dkim=fail header.d=gmail.com",
	    ID "; spf=fail smtp.mailfrom=siti@gmail.com" }, AUTH_NONE, 0 },
	{ "a pass forged under the MTA's none", GMAIL, 0,
	    { ID "; none", ID "; spf=pass smtp.mailfrom=gmail.com" },
	    AUTH_NONE, 0 },
	{ "a pass forged under the MTA's fail", OWN, 0,
	    { ID "; dkim=fail header.d=muaraenimkab.go.id; spf=fail"
	    " smtp.mailfrom=kadis@muaraenimkab.go.id",
	    ID "; dmarc=pass header.from=muaraenimkab.go.id" }, AUTH_FAIL, 0 },

	/* Internal: shown so by the MTA's own header (a login). */
	{ "internal, a login in the trusted header", OWN, 0,
	    { ID "; auth=pass smtp.auth=budi" }, AUTH_NONE, 1 },
	{ "internal, a login, require", OWN, 1,
	    { ID "; auth=pass smtp.auth=budi" }, AUTH_NONE, 0 },
	{ "office From, logged in as another domain", OWN, 0,
	    { ID "; auth=pass smtp.auth=x@gmail.com" }, AUTH_NONE, 0 },
	{ "forged fail from another id is ignored", OWN, 0,
	    { "evil.example; dmarc=fail", ID "; dkim=pass"
	    " header.d=muaraenimkab.go.id" }, AUTH_PASS, 1 },

	/* No usable From. */
	{ "no at sign", "budi", 0, { NULL }, AUTH_NONE, 0 },
	{ "empty domain", "budi@", 0,
	    { ID "; dmarc=pass" }, AUTH_NONE, 0 },
	{ "no From", NULL, 0, { ID "; dmarc=pass" }, AUTH_NONE, 0 },
};

static const struct rcase rcases[] = {
	{ "office From, the MTA vouched for gmail.com", ID "; dkim=pass"
	    " header.d=gmail.com; spf=pass smtp.mailfrom=x@gmail.com",
	    { "from mta (mta [10.0.0.2]) by mbox with LMTP id 1; x" }, 0 },
	{ "internal, every hop an internal relay", NULL,
	    { "from mta.x (mta.x [10.0.0.2]) by mbox with LMTP id 1; x",
	    "from zimbra (localhost [10.0.0.3]) by mta with ESMTP id 2; x" },
	    1 },
	{ "an outside hop ends the trusted path", NULL,
	    { "from mta (mta [10.0.0.2]) by mbox with LMTP; x",
	    "from mx.google.com (mx.google.com [209.85.1.1]) by mta with"
	    " ESMTPS id 3; x",
	    "from evil (evil [10.0.0.9]) by evil with ESMTPSA; x" }, 0 },
	{ "a login recorded by a trusted hop", NULL,
	    { "from mta (mta [10.0.0.2]) by mbox with LMTP; x",
	    "from laptop (unknown [203.0.113.5]) by mta with ESMTPSA"
	    " id 4; x" }, 1 },
	{ "Postfix's authenticated sender, topmost", NULL,
	    { "from laptop (unknown [203.0.113.5]) (Authenticated sender:"
	    " budi) by mta with ESMTPS id 5; x" }, 1 },
	{ "a HELO that is an address literal", NULL,
	    { "from [10.0.0.5] (unknown [203.0.113.5]) by mta with ESMTP; x",
	    "from x (x [10.0.0.6]) by y with ESMTPSA; x" }, 0 },
	{ "\"with\" inside a comment", NULL,
	    { "from laptop (unknown [203.0.113.5]) (using TLSv1.3 with"
	    " ESMTPSA (256/256 bits)) by mta with ESMTPS id 6; x" }, 0 },
	{ "Zimbra's mailbox and MTA, an address without brackets", NULL,
	    { "from mta.x (LHLO mta.x) (10.0.0.2) by mbox.x with LMTP; x",
	    "from zimbra (localhost [10.0.0.3]) by mta with ESMTP id 2; x" },
	    1 },
	{ "a host name in a comment is no address", NULL,
	    { "from mta.x (LHLO 10.0.0.2.evil) by mbox.x with LMTP; x" }, 0 },
	{ "a HELO with blanks, a comment and \" by \"", NULL,
	    { "from x (y [10.0.0.5]) by z (Authenticated sender: k) with"
	    " ESMTPSA (unknown [203.0.113.5]) by mta with ESMTP id 7; x" },
	    0 },
	{ "the topmost hop from outside", NULL,
	    { "from mx (mx [198.51.100.7]) by mbox with LMTP; x" }, 0 },
	{ "no Received at all", NULL, { NULL }, 0 },
};

static void
run(const struct tcase *t)
{
	struct conf	 c = { 0 };
	struct msg	 m = { 0 };
	char		*ar[3], *why = NULL;
	enum auth_verdict v;
	int		 ok;

	c.robot_address = "tte@muaraenimkab.go.id";
	c.auth_serv_id = ID;
	c.auth_require_internal = t->require_internal;
	m.from_addr = (char *)t->from;
	for (m.nauth = 0; m.nauth < 3 && t->ar[m.nauth] != NULL; m.nauth++)
		ar[m.nauth] = (char *)t->ar[m.nauth];
	m.auth = ar;

	v = auth_verdict(&c, &m, &why);
	TEST_ASSERT(why != NULL);
	if (v != t->verdict)
		fprintf(stderr, "%s: verdict %d, want %d (%s)\n", t->name, v,
		    t->verdict, why ? why : "");
	TEST_ASSERT(v == t->verdict);
	free(why);
	why = NULL;

	ok = auth_check(&c, &m, &why);
	if (ok != t->ok)
		fprintf(stderr, "%s: auth_check %d, want %d (%s)\n", t->name,
		    ok, t->ok, why ? why : "");
	TEST_ASSERT(ok == t->ok);
	TEST_ASSERT(ok ? why == NULL : why != NULL);
	free(why);
}

static void
run_path(const struct rcase *t)
{
	struct conf	 c = { 0 };
	struct msg	 m = { 0 };
	char		*ar[1], *rcv[4], *why = NULL;
	int		 ok;

	c.robot_address = "tte@muaraenimkab.go.id";
	c.auth_serv_id = ID;
	c.relays = (struct net *)relays;
	c.nrelays = 1;
	c.auth_received = "Authenticated sender:";
	m.from_addr = OWN;
	ar[0] = (char *)t->ar;
	m.auth = ar;
	m.nauth = t->ar != NULL;
	for (m.nreceived = 0; m.nreceived < 4 &&
	    t->rcv[m.nreceived] != NULL; m.nreceived++)
		rcv[m.nreceived] = (char *)t->rcv[m.nreceived];
	m.received = rcv;
	ok = auth_check(&c, &m, &why);
	if (ok != t->ok)
		fprintf(stderr, "%s: auth_check %d, want %d (%s)\n", t->name,
		    ok, t->ok, why ? why : "");
	TEST_ASSERT(ok == t->ok);
	free(why);
}

int
main(void)
{
	struct conf	 off = { 0 };
	struct msg	 m = { 0 };
	char		*ar[1], *why = NULL;
	size_t		 i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++)
		run(&cases[i]);
	for (i = 0; i < sizeof rcases / sizeof rcases[0]; i++)
		run_path(&rcases[i]);

	/* Off unless configured, even on an explicit fail. */
	ar[0] = ID "; dmarc=fail";
	m.from_addr = GMAIL;
	m.auth = ar;
	m.nauth = 1;
	off.robot_address = "tte@muaraenimkab.go.id";
	TEST_ASSERT(auth_check(&off, &m, &why) == 1);
	TEST_ASSERT(why == NULL);
	TEST_ASSERT(auth_verdict(&off, &m, &why) == AUTH_NONE);
	free(why);
	why = NULL;

	/* The reasons name what was found. */
	off.auth_serv_id = ID;
	TEST_ASSERT(auth_check(&off, &m, &why) == 0);
	TEST_STREQ(why, "sender failed authentication: " ID
	    ": dmarc=fail for gmail.com");
	free(why);
	why = NULL;
	m.nauth = 0;
	TEST_ASSERT(auth_check(&off, &m, &why) == 0);
	TEST_STREQ(why, "sender not authenticated: no Authentication-Results"
	    " from " ID);
	free(why);
	why = NULL;
	m.from_addr = OWN;
	off.auth_require_internal = 1;
	TEST_ASSERT(auth_check(&off, &m, &why) == 0);
	TEST_STREQ(why, "sender not authenticated (auth_require_internal):"
	    " no Authentication-Results from " ID);
	free(why);
	return (test_done());
}
