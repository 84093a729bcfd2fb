/* SPDX-License-Identifier: ISC */
/*
 * rules.c: the shipped rules/ load with the structure the SOP has; each
 * directory of tests/unit/rules-ok/ loads; each of tests/unit/rules-bad/
 * fails with exactly the lines of its "expect" file. Run from the top of
 * the tree (tests/run.sh does). The corpus directories are loaded as "."
 * from inside, so errors name their files as an admin would see them.
 */

#include <sys/stat.h>

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "disposisi.h"
#include "re.h"
#include "test.h"

#define BAD_DIR		"tests/unit/rules-bad"
#define OK_DIR		"tests/unit/rules-ok"

#define nitems(a)	(sizeof (a) / sizeof (a)[0])

/* The TTE SOP, step by step, as rules/sop-tte.conf has it. */
static const struct {
	const char	*name;
	const char	*number;
	const char	*kind;
	const char	*actor;
	int		 minutes;
	const char	*yes;		/* a step, or done/reject/applicant */
	const char	*no;
	size_t		 non;
} tte_steps[] = {
	{ "sekdis", "2", "decision", "sekdis", 20, "kadis", "reject", 0 },
	{ "kadis", "2b", "decision", "kadis", 20, "kabid", "reject", 0 },
	{ "kabid", "3", "decision", "kabid-persandian", 20, "sandiman",
	    "reject", 0 },
	{ "sandiman", "4", "decision", "sandiman", 20, "periksa-berkas",
	    "applicant", 0 },
	{ "periksa-berkas", "5", "decision", "verifikator", 20,
	    "email-dinas", "applicant", 0 },
	{ "email-dinas", "6", "value", "egov", 30, "rekomendasi",
	    "applicant", 0 },
	{ "rekomendasi", "7", "quorum", "verifikator", 30, "permintaan",
	    "applicant", 0 },
	{ "permintaan", "8", "document", "kadis", 30, "registrasi",
	    "rekomendasi", 0 },
	{ "registrasi", "9", "decision", "verifikator", 20, "aktivasi",
	    "applicant", 0 },
	{ "aktivasi", "10", "notice", "applicant", 20, NULL, NULL, 2 },
	{ "verifikasi-wajah", "11", "decision", "verifikator", 20,
	    "passphrase", "applicant", 1 },
	{ "passphrase", "12", "notice", "applicant", 20, NULL, NULL, 1 },
	{ "persetujuan", "13", "notice", "verifikator", 60, NULL, NULL, 4 },
	{ "terbit", "14", "notice", "applicant", 20, NULL, NULL, 1 },
};

static const char *tte_docs[] = {
	"surat-permohonan", "ktp", "sk-terakhir", "sk-jabatan",
	"formulir-bsre", "surat-rekomendasi", "surat-permintaan"
};

static const char *tte_notices[] = {
	"activation-link", "passphrase-link", "dukcapil-failed",
	"enrolment-rejected", "enrolment-approved", "certificate-issued",
	"revoked", "renewal"
};

/* A target as the table writes it. */
static const char *
target_name(const struct target *t)
{
	switch (t->kind) {
	case TARGET_NONE:
		return (NULL);
	case TARGET_STEP:
		return (t->step);
	case TARGET_DONE:
		return ("done");
	case TARGET_REJECT:
		return ("reject");
	case TARGET_APPLICANT:
		return ("applicant");
	}
	return ("?");
}

static int
is_version(const char *v)
{
	size_t	 i;

	for (i = 0; i < 12; i++) {
		if (!((v[i] >= '0' && v[i] <= '9') ||
		    (v[i] >= 'a' && v[i] <= 'f')))
			return (0);
	}
	return (v[12] == '\0');
}

static int
starts(const char *s, const char *prefix)
{
	return (s != NULL && strncmp(s, prefix, strlen(prefix)) == 0);
}

static void
test_shipped(void)
{
	struct rules		*r, *r2;
	const struct sop	*sop;
	const struct step	*st;
	const struct role	*ro;
	const struct doctype	*d;
	const struct notice	*n;
	char			*cause = NULL, *out;
	size_t			 i;

	r = rules_load("rules", &cause);
	if (cause != NULL)
		fprintf(stderr, "%s\n", cause);
	TEST_ASSERT(r != NULL && cause == NULL);
	if (r == NULL) {
		free(cause);
		return;
	}
	TEST_ASSERT(is_version(r->version));
	/* mails.conf: progress notes and receipts off, the rest on. */
	TEST_ASSERT(rules_mail_off(r, "kemajuan", "x@gmail.com") != NULL);
	TEST_ASSERT(rules_mail_off(r, "tercatat",
	    "kadis@muaraenimkab.go.id") != NULL);
	TEST_ASSERT(rules_mail_off(r, "selesai", "x@gmail.com") == NULL);
	TEST_ASSERT(rules_mail_off(r, "tidak-perlu-dijawab",
	    "verifikator1@muaraenimkab.go.id") == NULL);
	r2 = rules_load("rules", &cause);
	TEST_ASSERT(r2 != NULL && strcmp(r->version, r2->version) == 0);
	rules_free(r2);

	/* Roles. */
	TEST_ASSERT(r->nroles == 6);
	ro = rules_role(r, "verifikator");
	TEST_ASSERT(ro != NULL && ro->naddrs == 3);
	if (ro != NULL && ro->naddrs == 3) {
		TEST_STREQ(ro->title, "Verifikator Sertifikat Elektronik");
		TEST_STREQ(ro->addrs[0], "verifikator1@muaraenimkab.go.id");
		TEST_STREQ(ro->addrs[2], "verifikator3@muaraenimkab.go.id");
		TEST_ASSERT(starts(ro->where, "rules/people.conf:"));
	}
	TEST_ASSERT(rules_role_by_addr(r, "Verifikator2@MuaraEnimKab.go.id")
	    == ro);
	TEST_ASSERT(rules_role_has(ro, "VERIFIKATOR3@muaraenimkab.go.id"));
	TEST_ASSERT(!rules_role_has(ro, "kadis@muaraenimkab.go.id"));
	TEST_ASSERT(rules_role_by_addr(r, "orang@lain.id") == NULL);
	TEST_ASSERT(rules_role(r, "applicant") == NULL);

	/* Documents, in file order. */
	TEST_ASSERT(r->ndocs == nitems(tte_docs));
	for (i = 0; i < r->ndocs && i < nitems(tte_docs); i++)
		TEST_STREQ(r->docs[i].name, tte_docs[i]);
	d = rules_doctype(r, "ktp");
	TEST_ASSERT(d != NULL && d->npatterns > 1 && d->ntypes == 4 &&
	    d->max_size == 10 * 1024 * 1024 && d->ngroups > 1 &&
	    d->not.n > 0 && d->holds_nik);
	TEST_ASSERT(d != NULL && re_match(d->patterns[0], "scan_e-KTP.pdf",
	    14, NULL, NULL) == 1);
	if (d != NULL && d->ngroups > 1) {
		/* Each content line a group; phrases folded as texts are. */
		TEST_STREQ(d->groups[0].phrases[0], "KARTU TANDA PENDUDUK");
		TEST_STREQ(d->groups[1].folded[0], "nlk");
		TEST_STREQ(d->groups[1].folded[1], "berlaku hlngga");
		TEST_ASSERT(d->groups[1].weight == 3 + 13);
	}
	d = rules_doctype(r, "surat-rekomendasi");
	TEST_ASSERT(d != NULL && d->ntypes == 3);
	if (d != NULL && d->ntypes == 3)
		TEST_STREQ(d->types[2], "png");
	TEST_ASSERT(rules_doctype(r, "kk") == NULL);

	/* Notices. */
	TEST_ASSERT(r->nnotices == nitems(tte_notices));
	for (i = 0; i < r->nnotices && i < nitems(tte_notices); i++) {
		n = &r->notices[i];
		TEST_STREQ(n->event, tte_notices[i]);
		TEST_ASSERT(n->from != NULL && n->subject != NULL &&
		    n->body != NULL && n->to == NULL);
		TEST_ASSERT(n->tmpl != NULL && starts(n->tmpl, "ams-"));
		TEST_ASSERT(n->expires_months ==
		    (strcmp(n->event, "certificate-issued") == 0 ? 24 : 0));
	}

	/* Named groups find the applicant in a notice's body. */
	n = &r->notices[0];
	out = NULL;
	TEST_ASSERT(re_match_named(n->body, "akun budi@contoh.id aktif", 25,
	    "email", &out) == 1);
	TEST_STREQ(out, "budi@contoh.id");
	free(out);
	TEST_ASSERT(re_match_named(n->body, "akun budi@contoh.id", 19,
	    "nik", &out) == 1 && out == NULL);
	TEST_ASSERT(re_match_named(n->body, "tanpa alamat", 12, "email",
	    &out) == 0 && out == NULL);

	/* The SOPs: the renewal renews TTE, whose expiry it follows. */
	TEST_ASSERT(r->nsops == 2);
	TEST_ASSERT(rules_sop(r, "pembaharuan") != NULL &&
	    rules_sop(r, "pembaharuan")->renews == rules_sop(r, "tte") &&
	    rules_sop(r, "pembaharuan")->subject != NULL);
	sop = rules_sop(r, "tte");
	TEST_ASSERT(sop != NULL && sop->renews == NULL && sop->nexpiry == 2 &&
	    sop->expiry_days[0] == 30 && sop->expiry_days[1] == 7);
	if (sop == NULL)
		goto out;
	TEST_STREQ(sop->title, "Permohonan Tanda Tangan Elektronik (TTE)");
	TEST_STREQ(sop->prefix, "TTE");
	TEST_STREQ(sop->office_domain, "muaraenimkab.go.id");
	TEST_ASSERT(sop->applicants_any && sop->napplicant_domains == 0);
	TEST_ASSERT(sop->nrequires == 4);
	for (i = 0; i < sop->nrequires && i < 4; i++)
		TEST_STREQ(sop->requires[i], tte_docs[i]);
	TEST_ASSERT(starts(sop->where, "rules/sop-tte.conf:"));
	TEST_ASSERT(rules_applicant_ok(sop, "siapa.saja@gmail.com"));
	TEST_ASSERT(!rules_applicant_ok(sop, "bukan alamat"));
	TEST_ASSERT(!rules_applicant_ok(sop, "@gmail.com"));
	TEST_ASSERT(!rules_applicant_ok(sop, NULL));

	TEST_ASSERT(sop->nsteps == nitems(tte_steps));
	for (i = 0; i < sop->nsteps && i < nitems(tte_steps); i++) {
		st = &sop->steps[i];
		TEST_STREQ(st->name, tte_steps[i].name);
		TEST_STREQ(st->number, tte_steps[i].number);
		TEST_ASSERT(st->kind == rules_step_kind(tte_steps[i].kind));
		TEST_STREQ(st->kind != NULL ? st->kind->name : NULL,
		    tte_steps[i].kind);
		TEST_STREQ(st->actor, tte_steps[i].actor);
		if (strcmp(tte_steps[i].actor, "applicant") == 0)
			TEST_ASSERT(st->role == NULL);
		else
			TEST_ASSERT(st->role ==
			    rules_role(r, tte_steps[i].actor));
		TEST_ASSERT(st->minutes == tte_steps[i].minutes);
		TEST_ASSERT(st->task != NULL && *st->task != '\0');
		/* The Head's report names each row as the SOP does. */
		TEST_ASSERT(st->activity != NULL && strlen(st->activity) < 48);
		TEST_ASSERT(st->non == tte_steps[i].non);
		/* Row 13's verifier watches AMS: a mail of its own. */
		TEST_STREQ(st->tmpl, strcmp(st->name, "persetujuan") == 0 ?
		    "pemantauan-ams" : "disposisi");
		TEST_ASSERT(starts(st->where, "rules/sop-tte.conf:"));
		if (tte_steps[i].yes == NULL)
			TEST_ASSERT(st->yes.kind == TARGET_NONE &&
			    st->no.kind == TARGET_NONE);
		else {
			TEST_STREQ(target_name(&st->yes), tte_steps[i].yes);
			TEST_STREQ(target_name(&st->no), tte_steps[i].no);
			TEST_ASSERT(starts(st->yes.where,
			    "rules/sop-tte.conf:"));
		}
		TEST_ASSERT(rules_step(sop, tte_steps[i].name) == st);
	}

	st = rules_step(sop, "rekomendasi");
	TEST_ASSERT(st != NULL && st->quorum == 3);
	TEST_STREQ(st != NULL ? st->document : NULL, "surat-rekomendasi");
	st = rules_step(sop, "email-dinas");
	TEST_STREQ(st != NULL ? st->value_type : NULL, "email");
	TEST_STREQ(st != NULL ? st->value_domain : NULL, "muaraenimkab.go.id");
	TEST_ASSERT(st != NULL && st->skip_in_office);
	st = rules_step(sop, "periksa-berkas");
	TEST_ASSERT(st != NULL && st->nneeds == 1 && st->nsend == 5);
	st = rules_step(sop, "persetujuan");
	if (st != NULL && st->non == 4) {
		TEST_STREQ(st->on[0].event, "enrolment-approved");
		TEST_STREQ(target_name(&st->on[0].to), "terbit");
		TEST_STREQ(target_name(&st->on[1].to), "done");
		TEST_STREQ(target_name(&st->on[2].to), "reject");
		TEST_STREQ(st->on[3].event, "dukcapil-failed");
		TEST_STREQ(target_name(&st->on[3].to), "applicant");
	}
	TEST_ASSERT(rules_step(sop, "nope") == NULL);
out:
	TEST_ASSERT(rules_step_kind("quorum") == &step_quorum);
	TEST_ASSERT(rules_step_kind("decision") == &step_decision);
	TEST_ASSERT(rules_step_kind("value") == &step_value);
	TEST_ASSERT(rules_step_kind("Quorum") == NULL);
	TEST_ASSERT(rules_step_kind(NULL) == NULL);
	rules_free(r);
}

/* Loads dir as "." from inside it, as an admin in rules/ would. */
static struct rules *
load_in(const char *dir, char **cause)
{
	struct rules	*r;
	int		 fd;

	*cause = NULL;
	if ((fd = open(".", O_RDONLY | O_DIRECTORY)) == -1 ||
	    chdir(dir) == -1) {
		xasprintf(cause, "%s: cannot enter", dir);
		if (fd != -1)
			close(fd);
		return (NULL);
	}
	r = rules_load(".", cause);
	if (fchdir(fd) == -1)
		fatal("fchdir");
	close(fd);
	return (r);
}

static void
test_ok(void)
{
	struct rules		*r;
	const struct sop	*sop;
	const struct step	*st;
	const struct role	*ro;
	const struct doctype	*d;
	char			*cause;

	r = load_in(OK_DIR "/two-steps", &cause);
	if (cause != NULL)
		fprintf(stderr, "two-steps: %s\n", cause);
	TEST_ASSERT(r != NULL && cause == NULL);
	free(cause);
	if (r != NULL) {
		TEST_ASSERT(is_version(r->version));
		sop = rules_sop(r, "cuti");
		TEST_ASSERT(sop != NULL && sop->nsteps == 2);
		ro = rules_role(r, "atasan");
		TEST_ASSERT(ro != NULL && ro->naddrs == 2);
		if (ro != NULL && ro->naddrs == 2)
			TEST_STREQ(ro->addrs[1], "atasan2@muaraenimkab.go.id");
		d = rules_doctype(r, "surat-cuti");
		TEST_STREQ(d != NULL ? d->words : NULL,
		    "surat permohonan \"cuti\" tahunan");
		TEST_ASSERT(d != NULL && d->max_size == 800 * 1024);
		d = rules_doctype(r, "lampiran");
		TEST_ASSERT(d != NULL && d->max_size == 1048576);
		TEST_ASSERT(r->nnotices == 1 &&
		    r->notices[0].expires_months == 18 &&
		    r->notices[0].to != NULL && r->notices[0].from != NULL);
		TEST_STREQ(r->notices[0].where, "cuti.conf:16");
		TEST_ASSERT(r->report_to == rules_role(r, "sdm"));
	}
	if (r != NULL && (sop = rules_sop(r, "cuti")) != NULL &&
	    sop->nsteps == 2) {
		TEST_STREQ(sop->prefix, "CUTI");
		TEST_ASSERT(!sop->applicants_any &&
		    sop->napplicant_domains == 2);
		TEST_STREQ(sop->applicant_domains[1], "dinas.contoh.go.id");
		TEST_ASSERT(rules_applicant_ok(sop, "a@MuaraEnimKab.go.id"));
		TEST_ASSERT(rules_applicant_ok(sop, "b@dinas.contoh.go.id"));
		TEST_ASSERT(!rules_applicant_ok(sop, "c@gmail.com"));
		TEST_ASSERT(!rules_applicant_ok(sop, "d@x.muaraenimkab.go.id"));
		st = &sop->steps[0];
		TEST_ASSERT(st->minutes == 90 && st->kind == &step_decision);
		TEST_STREQ(st->tmpl, "cuti-atasan");
		TEST_STREQ(st->where, "cuti.conf:30");
		TEST_STREQ(st->yes.where, "cuti.conf:37");
		/* The report names a step by its activity, else its task. */
		TEST_STREQ(rules_step_label(st), "Persetujuan atasan langsung");
		st = &sop->steps[1];
		TEST_STREQ(rules_step_label(st), st->task);
		TEST_ASSERT(st->minutes == 2 * 24 * 60);
		TEST_STREQ(st->value_type, "text");
		TEST_ASSERT(st->value_domain == NULL && !st->skip_in_office);
		TEST_ASSERT(st->yes.kind == TARGET_DONE);
		TEST_STREQ(target_name(&st->no), "atasan");
	}
	rules_free(r);

	/* Mail lines: for everyone, by role, before what they name. */
	r = load_in(OK_DIR "/mails", &cause);
	if (cause != NULL)
		fprintf(stderr, "mails: %s\n", cause);
	TEST_ASSERT(r != NULL && cause == NULL);
	free(cause);
	if (r != NULL) {
		TEST_STREQ(rules_mail_off(r, "tercatat", "a@contoh.go.id"),
		    "sop.conf:4");
		TEST_ASSERT(rules_mail_off(r, "tercatat",
		    "Kepala@Contoh.go.id") == NULL);
		TEST_STREQ(rules_mail_off(r, "kemajuan", "x@gmail.com"),
		    "sop.conf:6");
		TEST_ASSERT(rules_mail_off(r, "selesai", "x@gmail.com") ==
		    NULL);
		TEST_STREQ(rules_mail_off(r, "pengingat", "b@contoh.go.id"),
		    "sop.conf:9");
		TEST_ASSERT(rules_mail_off(r, "pengingat",
		    "kepala@contoh.go.id") == NULL);
		TEST_ASSERT(rules_mail_off(r, "disposisi", "a@contoh.go.id") ==
		    NULL);
	}
	rules_free(r);

	/* Forward references, and includes relative to their includer. */
	r = load_in(OK_DIR "/include", &cause);
	if (cause != NULL)
		fprintf(stderr, "include: %s\n", cause);
	TEST_ASSERT(r != NULL && cause == NULL);
	free(cause);
	if (r != NULL) {
		TEST_ASSERT(r->nroles == 1 && r->ndocs == 2 &&
		    r->nnotices == 1 && r->nsops == 1);
		ro = rules_role(r, "tim");
		TEST_STREQ(ro != NULL ? ro->where : NULL, "lib/people.inc:2");
		d = rules_doctype(r, "berita-acara");
		TEST_STREQ(d != NULL ? d->where : NULL, "lib/docs.inc:5");
		TEST_ASSERT(d != NULL && d->max_size == 2 * 1024 * 1024);
		st = rules_step(rules_sop(r, "izin"), "verifikasi");
		TEST_ASSERT(st != NULL && st->role == ro && st->quorum == 2);
		TEST_ASSERT(st != NULL && st->no.kind == TARGET_APPLICANT);
		TEST_STREQ(r->sops[0].where, "a-sop.conf:3");
	}
	rules_free(r);
}

/* The expect file, without its last newline. */
static char *
read_expect(const char *dir)
{
	char	*path, *s, *why = NULL;
	size_t	 len;

	xasprintf(&path, "%s/expect", dir);
	s = util_read_file(path, 65536, &len, &why);
	free(path);
	free(why);
	if (s != NULL && len > 0 && s[len - 1] == '\n')
		s[len - 1] = '\0';
	return (s);
}

static int
case_dir(const struct dirent *d)
{
	return (d->d_name[0] != '.');
}

static void
test_bad(void)
{
	struct dirent	**names;
	struct rules	*r;
	char		*dir, *want, *cause;
	int		 n, i, three = 0;

	if ((n = scandir(BAD_DIR, &names, case_dir, alphasort)) == -1) {
		TEST_ASSERT(!"cannot read " BAD_DIR);
		return;
	}
	TEST_ASSERT(n >= 15);
	for (i = 0; i < n; i++) {
		xasprintf(&dir, "%s/%s", BAD_DIR, names[i]->d_name);
		want = read_expect(dir);
		TEST_ASSERT(want != NULL);
		r = load_in(dir, &cause);
		TEST_ASSERT(r == NULL);
		if (want != NULL && (cause == NULL ||
		    strcmp(cause, want) != 0))
			fprintf(stderr, "%s: got:\n%s\nwant:\n%s\n",
			    names[i]->d_name, cause ? cause : "(none)", want);
		TEST_STREQ(cause, want);
		if (strcmp(names[i]->d_name, "three-errors") == 0 &&
		    cause != NULL)
			three = (strchr(cause, '\n') != NULL &&
			    strchr(strchr(cause, '\n') + 1, '\n') != NULL);
		rules_free(r);
		free(cause);
		free(want);
		free(dir);
		free(names[i]);
	}
	free(names);
	TEST_ASSERT(three);

	/* Not a directory at all. */
	TEST_ASSERT(rules_load(BAD_DIR "/none", &cause) == NULL);
	TEST_ASSERT(cause != NULL && strstr(cause, "none") != NULL);
	free(cause);
}

int
main(void)
{
	log_init(LOG_TO_STDERR, 0);
	test_shipped();
	test_ok();
	test_bad();
	return (test_done());
}
