/* SPDX-License-Identifier: ISC */
/* auth.c: what the trusted Authentication-Results say, and the policy. */

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

static const struct tcase cases[] = {
	/* Office mail: Zimbra stamps nothing. */
	{ "internal, no verdict", OWN, 0, { NULL }, AUTH_NONE, 1 },
	{ "internal, no verdict, require", OWN, 1, { NULL }, AUTH_NONE, 0 },
	{ "internal, other id only", OWN, 0,
	    { "evil.example; dmarc=fail header.from=muaraenimkab.go.id" },
	    AUTH_NONE, 1 },
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
	    AUTH_NONE, 1 },
	{ "internal, unaligned fails", OWN, 0,
	    { ID "; dkim=fail header.d=evil.example;"
	    " spf=fail smtp.mailfrom=x@evil.example" },
	    AUTH_NONE, 1 },
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
	{ "ams, dmarc fail in a second header", AMS, 0,
	    { ID "; dkim=pass header.d=bssn.go.id",
	    ID "; dmarc=fail header.from=bsre.bssn.go.id" }, AUTH_FAIL, 0 },
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

	/* Several headers. */
	{ "trusted among others", GMAIL, 0,
	    { "evil.example; dkim=fail", ID "; dkim=pass header.d=gmail.com",
	    "mx.google.com; dmarc=fail" }, AUTH_PASS, 1 },
	{ "dkim fail and spf fail in two headers", GMAIL, 0,
	    { ID "; dkim=fail header.d=gmail.com",
	    ID "; spf=fail smtp.mailfrom=siti@gmail.com" }, AUTH_FAIL, 0 },
	{ "pass in one header, nothing in another", GMAIL, 0,
	    { ID "; none", ID "; spf=pass smtp.mailfrom=gmail.com" },
	    AUTH_PASS, 1 },
	{ "forged fail from another id is ignored", OWN, 0,
	    { "evil.example; dmarc=fail", ID "; dkim=pass"
	    " header.d=muaraenimkab.go.id" }, AUTH_PASS, 1 },

	/* No usable From. */
	{ "no at sign", "budi", 0, { NULL }, AUTH_NONE, 0 },
	{ "empty domain", "budi@", 0,
	    { ID "; dmarc=pass" }, AUTH_NONE, 0 },
	{ "no From", NULL, 0, { ID "; dmarc=pass" }, AUTH_NONE, 0 },
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

int
main(void)
{
	struct conf	 off = { 0 };
	struct msg	 m = { 0 };
	char		*ar[1], *why = NULL;
	size_t		 i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++)
		run(&cases[i]);

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
