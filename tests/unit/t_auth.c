/* SPDX-License-Identifier: ISC */
/* auth.c: which Authentication-Results vouch for the From domain. */

#include <stdio.h>
#include <stdlib.h>

#include "disposisi.h"
#include "test.h"

static int
check(const char *from, const char *ar1, const char *ar2)
{
	struct conf	 c = { 0 };
	struct msg	 m = { 0 };
	char		*auth[2], *why = NULL;
	int		 ok;

	c.auth_serv_id = "mail.muaraenimkab.go.id";
	m.from_addr = (char *)from;
	auth[0] = (char *)ar1;
	auth[1] = (char *)ar2;
	m.auth = auth;
	m.nauth = ar1 == NULL ? 0 : ar2 == NULL ? 1 : 2;
	ok = auth_check(&c, &m, &why);
	TEST_ASSERT(ok || why != NULL);
	free(why);
	return (ok);
}

int
main(void)
{
	const char	*b = "budi@muaraenimkab.go.id";
	struct conf	 off = { 0 };
	struct msg	 m = { 0 };
	char		*why = NULL;

	/* Off unless configured. */
	TEST_ASSERT(auth_check(&off, &m, &why) == 1);

	TEST_ASSERT(check(b, "mail.muaraenimkab.go.id; dkim=pass"
	    " header.d=muaraenimkab.go.id header.s=zimbra", NULL));
	TEST_ASSERT(check(b, "mail.muaraenimkab.go.id 1; spf=pass"
	    " smtp.mailfrom=budi@muaraenimkab.go.id", NULL));
	TEST_ASSERT(check(b, "mail.muaraenimkab.go.id;\r\n\tdmarc=pass"
	    " (p=none dis=none) header.from=muaraenimkab.go.id", NULL));
	TEST_ASSERT(check(b, "MAIL.MuaraEnimKab.go.id; dkim=pass"
	    " header.i=@muaraenimkab.go.id", NULL));
	/* Strict: a parent (here a public suffix) vouches for nobody else. */
	TEST_ASSERT(!check(b, "mail.muaraenimkab.go.id; dkim=pass header.d=go.id",
	    NULL));
	TEST_ASSERT(!check("x@dinas.muaraenimkab.go.id", "mail.muaraenimkab.go.id;"
	    " dkim=pass header.d=muaraenimkab.go.id", NULL));
	/* Failures. */
	TEST_ASSERT(!check(b, NULL, NULL));
	TEST_ASSERT(!check(b, "mail.muaraenimkab.go.id; none", NULL));
	TEST_ASSERT(!check(b, "mail.muaraenimkab.go.id; spf=fail"
	    " smtp.mailfrom=budi@muaraenimkab.go.id; dkim=none", NULL));
	TEST_ASSERT(!check(b, "mail.muaraenimkab.go.id; dkim=pass"
	    " header.d=evil.example", NULL));
	TEST_ASSERT(!check(b, "mail.muaraenimkab.go.id; dkim=pass"
	    " header.d=go.id.evil", NULL));
	TEST_ASSERT(!check(b, "mail.muaraenimkab.go.id; spf=pass"
	    " smtp.mailfrom=x@notmuaraenimkab.go.id", NULL));
	/* Someone else's header claims a pass: ignored. */
	TEST_ASSERT(!check(b, "evil.example; dkim=pass"
	    " header.d=muaraenimkab.go.id", NULL));
	TEST_ASSERT(!check(b, "mail.muaraenimkab.go.id.evil; dmarc=pass", NULL));
	/* A comment cannot smuggle a result in. */
	TEST_ASSERT(!check(b, "mail.muaraenimkab.go.id; spf=fail (dkim=pass"
	    " header.d=muaraenimkab.go.id) smtp.mailfrom=x@y", NULL));
	/* The trusted header among others. */
	TEST_ASSERT(check(b, "evil.example; dkim=fail", "mail.muaraenimkab.go.id;"
	    " dkim=pass header.d=muaraenimkab.go.id"));
	return (test_done());
}
