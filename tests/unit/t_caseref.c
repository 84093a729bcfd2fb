/* SPDX-License-Identifier: ISC */
/* caseref.c: finding TTE-YYYY-NNNNN in subjects and ids. */

#include "disposisi.h"
#include "test.h"

int
main(void)
{
	char		 out[CASE_REF_MAX + 1];
	const char	*s;

	TEST_ASSERT(case_ref_valid("TTE-2026-00001"));
	TEST_ASSERT(case_ref_valid("tte-2026-12345"));
	TEST_ASSERT(!case_ref_valid("TTE-26-00001"));
	TEST_ASSERT(!case_ref_valid("TTE-2026-0001x"));
	TEST_ASSERT(case_ref_find("Re: [TTE-2026-00042] Disposisi", out));
	TEST_STREQ(out, "TTE-2026-00042");
	TEST_ASSERT(case_ref_find("tte-2027-00003.ab12@x", out));
	TEST_STREQ(out, "TTE-2027-00003");
	TEST_ASSERT(!case_ref_find("9TTE-2026-00001", NULL));
	/* Past 99,999 cases a year the number grows (up to nine digits). */
	TEST_ASSERT(case_ref_find("[TTE-2026-100000]", out));
	TEST_STREQ(out, "TTE-2026-100000");
	TEST_ASSERT(case_ref_valid("TTE-2026-100000"));
	TEST_ASSERT(case_ref_find("<tte-2026-100000.selesai-ab12@x>", out));
	TEST_STREQ(out, "TTE-2026-100000");
	TEST_ASSERT(case_ref_find("Re: TTE-2026-999999999 ok", out));
	TEST_STREQ(out, "TTE-2026-999999999");
	TEST_ASSERT(case_ref_find("[ABC-2026-00007]", out));
	TEST_STREQ(out, "ABC-2026-00007");
	TEST_ASSERT(!case_ref_find("TTE-2026-0000123456", NULL));
	TEST_ASSERT(!case_ref_find("T-2026-00001", NULL));
	TEST_ASSERT(!case_ref_find("Permohonan TTE", NULL));
	TEST_ASSERT(!case_ref_find("", NULL));
	/* Every reference of a subject, in turn. */
	s = case_ref_next("Re: [TTE-2026-00003] Budi; [tte-2026-00007] Siti",
	    out);
	TEST_ASSERT(s != NULL);
	TEST_STREQ(out, "TTE-2026-00003");
	s = case_ref_next(s, out);
	TEST_ASSERT(s != NULL && *s == ']');
	TEST_STREQ(out, "TTE-2026-00007");
	TEST_ASSERT(case_ref_next(s, out) == NULL);
	return (test_done());
}
