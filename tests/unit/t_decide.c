/* SPDX-License-Identifier: ISC */
/*
 * The engine without a mail server: the shipped rules/, a case as a
 * table row, an event, and the effects decide() must give, written as
 * words ("enter:proses:kadis dispatch:kadis"). Every step kind and every
 * target of the TTE SOP is driven here.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "disposisi.h"
#include "test.h"

#define OFFICE	"muaraenimkab.go.id"

struct row {
	const char	*name;
	enum case_state	 state;
	const char	*step;
	const char	*docs;		/* the case's kinds, space-separated */
	const char	*applicant;
	int		 nyes;
	int		 has_step_doc;
	enum event_type	 type;
	enum reply_verdict verdict;
	const char	*reason;
	const char	*value;
	const char	*evdocs;	/* the mail's kinds; "?" = no kind */
	int		 answered;	/* or the answer's round differs */
	int		 may_ask;
	const char	*notice;
	const char	*want;		/* effects; then "| missing..." */
};

static const struct row rows[] = {
	{ "complete application", CASE_WAIT_DOCS, "sekdis", "", "budi@gmail.com",
	  0, 0, EV_APPLICATION, 0, NULL, NULL,
	  "surat-permohonan ktp sk-terakhir sk-jabatan", 0, 1, NULL,
	  "docs tanda-terima enter:proses:sekdis dispatch:sekdis" },
	{ "application without the KTP", CASE_WAIT_DOCS, "sekdis", "",
	  "budi@gmail.com", 0, 0, EV_APPLICATION, 0, NULL, NULL,
	  "surat-permohonan sk-terakhir sk-jabatan ?", 0, 1, NULL,
	  "docs enter:menunggu-kelengkapan:sekdis kelengkapan-kurang | ktp" },
	{ "the KTP arrives", CASE_WAIT_DOCS, "sekdis",
	  "surat-permohonan sk-terakhir sk-jabatan", "budi@gmail.com", 0, 0,
	  EV_APPLICANT_MAIL, 0, NULL, NULL, "ktp", 0, 1, NULL,
	  "docs berkas-diterima enter:proses:sekdis dispatch:sekdis" },
	{ "a mail without the KTP", CASE_WAIT_DOCS, "sekdis",
	  "surat-permohonan sk-terakhir sk-jabatan", "budi@gmail.com", 0, 0,
	  EV_APPLICANT_MAIL, 0, NULL, NULL, "", 0, 1, NULL,
	  "kelengkapan-kurang | ktp" },
	{ "Y at sekdis", CASE_OPEN, "sekdis", "", "budi@gmail.com", 0, 0,
	  EV_ANSWER, REPLY_YES, NULL, NULL, "", 0, 1, NULL,
	  "answer tercatat kemajuan enter:proses:kadis dispatch:kadis" },
	{ "T at sekdis", CASE_OPEN, "sekdis", "", "budi@gmail.com", 0, 0,
	  EV_ANSWER, REPLY_NO, "KTP buram", NULL, "", 0, 1, NULL,
	  "answer tercatat enter:ditolak:sekdis ditolak" },
	{ "T without a reason", CASE_OPEN, "sekdis", "", "budi@gmail.com", 0,
	  0, EV_ANSWER, REPLY_NO, NULL, NULL, "", 0, 1, NULL,
	  "alasan-diperlukan" },
	{ "not understood", CASE_OPEN, "kadis", "", "budi@gmail.com", 0, 0,
	  EV_ANSWER, REPLY_UNCLEAR, NULL, NULL, "", 0, 1, NULL,
	  "tidak-dipahami" },
	{ "not understood, asked enough today", CASE_OPEN, "kadis", "",
	  "budi@gmail.com", 0, 0, EV_ANSWER, REPLY_UNCLEAR, NULL, NULL, "", 0,
	  0, NULL, "" },
	{ "late answer", CASE_OPEN, "kadis", "", "budi@gmail.com", 0, 0,
	  EV_ANSWER, REPLY_YES, NULL, NULL, "", 1, 1, NULL, "sudah-diproses" },
	{ "late answer told before", CASE_OPEN, "kadis", "", "budi@gmail.com",
	  0, 0, EV_ANSWER, REPLY_YES, NULL, NULL, "", 1, 0, NULL, "" },
	{ "sandiman Y, the BSrE form missing", CASE_OPEN, "sandiman",
	  "surat-permohonan ktp sk-terakhir sk-jabatan", "budi@gmail.com", 0,
	  0, EV_ANSWER, REPLY_YES, NULL, NULL, "", 0, 1, NULL,
	  "answer tercatat kemajuan enter:menunggu-kelengkapan:periksa-berkas"
	  " kelengkapan-kurang | formulir-bsre" },
	{ "verifier T goes back to the applicant", CASE_OPEN,
	  "periksa-berkas", "formulir-bsre", "budi@gmail.com", 0, 0, EV_ANSWER,
	  REPLY_NO, "scan KTP buram", NULL, "", 0, 1, NULL,
	  "answer tercatat enter:dikembalikan:periksa-berkas dikembalikan" },
	{ "the applicant's answer brings it back", CASE_RETURNED,
	  "periksa-berkas", "formulir-bsre", "budi@gmail.com", 0, 0,
	  EV_APPLICANT_MAIL, 0, NULL, NULL, "ktp", 0, 1, NULL,
	  "docs berkas-diterima enter:proses:periksa-berkas"
	  " dispatch:periksa-berkas" },
	{ "verifier Y: E-Gov makes the mailbox", CASE_OPEN, "periksa-berkas",
	  "formulir-bsre", "budi@gmail.com", 0, 0, EV_ANSWER, REPLY_YES, NULL,
	  NULL, "", 0, 1, NULL,
	  "answer tercatat kemajuan enter:proses:email-dinas"
	  " dispatch:email-dinas" },
	{ "applicant already in the office: step 6 skipped", CASE_OPEN,
	  "periksa-berkas", "formulir-bsre", "budi@" OFFICE, 0, 0, EV_ANSWER,
	  REPLY_YES, NULL, NULL, "", 0, 1, NULL,
	  "answer tercatat kemajuan enter:proses:rekomendasi"
	  " dispatch:rekomendasi" },
	{ "E-Gov Y without the address", CASE_OPEN, "email-dinas", "",
	  "budi@gmail.com", 0, 0, EV_ANSWER, REPLY_YES, NULL, "terima kasih",
	  "", 0, 1, NULL, "nilai-diperlukan" },
	{ "E-Gov Y with an address outside the office", CASE_OPEN,
	  "email-dinas", "", "budi@gmail.com", 0, 0, EV_ANSWER, REPLY_YES,
	  NULL, "budi@gmail.com", "", 0, 1, NULL, "nilai-diperlukan" },
	{ "E-Gov Y with the new mailbox", CASE_OPEN, "email-dinas", "",
	  "budi@gmail.com", 0, 0, EV_ANSWER, REPLY_YES, NULL,
	  "Budi.Santoso@" OFFICE ".", "", 0, 1, NULL,
	  "value:budi.santoso@" OFFICE " answer tercatat kemajuan"
	  " enter:proses:rekomendasi dispatch:rekomendasi" },
	{ "quorum: a Y without the letter", CASE_OPEN, "rekomendasi", "",
	  "budi@" OFFICE, 0, 0, EV_ANSWER, REPLY_YES, NULL, NULL, "", 0, 1,
	  NULL, "dokumen-diperlukan" },
	{ "quorum: the first Y with the letter", CASE_OPEN, "rekomendasi", "",
	  "budi@" OFFICE, 0, 0, EV_ANSWER, REPLY_YES, NULL, NULL,
	  "surat-rekomendasi", 0, 1,
	  NULL, "docs:surat-rekomendasi answer tercatat" },
	{ "quorum: the second Y, letter already in", CASE_OPEN, "rekomendasi",
	  "surat-rekomendasi", "budi@" OFFICE, 1, 1, EV_ANSWER, REPLY_YES,
	  NULL, NULL, "", 0, 1, NULL, "answer tercatat" },
	{ "quorum: the third Y", CASE_OPEN, "rekomendasi", "surat-rekomendasi",
	  "budi@" OFFICE, 2, 1, EV_ANSWER, REPLY_YES, NULL, NULL, "", 0, 1,
	  NULL, "answer tercatat kemajuan enter:proses:permintaan"
	  " dispatch:permintaan" },
	{ "quorum: one T sends it back", CASE_OPEN, "rekomendasi",
	  "surat-rekomendasi", "budi@" OFFICE, 2, 1, EV_ANSWER, REPLY_NO,
	  "lembar verifikasi belum lengkap", NULL, "", 0, 1, NULL,
	  "answer tercatat enter:dikembalikan:rekomendasi dikembalikan" },
	{ "the Head's Y without the signed request", CASE_OPEN, "permintaan",
	  "", "budi@" OFFICE, 0, 0, EV_ANSWER, REPLY_YES, NULL, NULL, "", 0, 1,
	  NULL, "dokumen-diperlukan" },
	{ "the Head's Y with files of no kind: not guessed", CASE_OPEN,
	  "permintaan", "", "budi@" OFFICE, 0, 0, EV_ANSWER, REPLY_YES, NULL,
	  NULL, "? ?", 0, 1, NULL, "dokumen-diperlukan" },
	{ "the Head's Y with it", CASE_OPEN, "permintaan", "", "budi@" OFFICE,
	  0, 0, EV_ANSWER, REPLY_YES, NULL, NULL, "surat-permintaan", 0, 1,
	  NULL,
	  "docs:surat-permintaan answer tercatat kemajuan"
	  " enter:proses:registrasi dispatch:registrasi" },
	{ "the Head's T: back to an earlier step", CASE_OPEN, "permintaan", "",
	  "budi@" OFFICE, 0, 0, EV_ANSWER, REPLY_NO, "tanda tangan kurang",
	  NULL, "", 0, 1, NULL,
	  "answer tercatat enter:proses:rekomendasi dispatch:rekomendasi" },
	{ "registered in AMS: wait for the link", CASE_OPEN, "registrasi", "",
	  "budi@" OFFICE, 0, 0, EV_ANSWER, REPLY_YES, NULL, NULL, "", 0, 1,
	  NULL, "answer tercatat kemajuan enter:proses:aktivasi" },
	{ "activation link", CASE_OPEN, "aktivasi", "", "budi@" OFFICE, 0, 0,
	  EV_NOTICE, 0, NULL, NULL, "", 0, 1, "activation-link",
	  "relay:ams-aktivasi enter:proses:verifikasi-wajah"
	  " dispatch:verifikasi-wajah" },
	{ "a notice no step from here waits for", CASE_OPEN, "terbit", "",
	  "budi@" OFFICE, 0, 0, EV_NOTICE, 0, NULL, NULL, "", 0, 1,
	  "activation-link", "admin:pemberitahuan-ams" },
	{ "Dukcapil failed at activation", CASE_OPEN, "aktivasi", "",
	  "budi@" OFFICE, 0, 0, EV_NOTICE, 0, NULL, NULL, "", 0, 1,
	  "dukcapil-failed",
	  "relay:ams-dukcapil enter:dikembalikan:aktivasi dikembalikan" },
	{ "passphrase link", CASE_OPEN, "passphrase", "", "budi@" OFFICE, 0, 0,
	  EV_NOTICE, 0, NULL, NULL, "", 0, 1, "passphrase-link",
	  "relay:ams-passphrase enter:proses:persetujuan"
	  " dispatch:persetujuan" },
	{ "approved", CASE_OPEN, "persetujuan", "", "budi@" OFFICE, 0, 0,
	  EV_NOTICE, 0, NULL, NULL, "", 0, 1, "enrolment-approved",
	  "relay:ams-disetujui enter:proses:terbit" },
	{ "issued", CASE_OPEN, "terbit", "", "budi@" OFFICE, 0, 0, EV_NOTICE,
	  0, NULL, NULL, "", 0, 1, "certificate-issued",
	  "relay:ams-terbit expires:24 enter:selesai:terbit selesai" },
	{ "rejected by BSrE", CASE_OPEN, "persetujuan", "", "budi@" OFFICE, 0,
	  0, EV_NOTICE, 0, NULL, NULL, "", 0, 1, "enrolment-rejected",
	  "relay:ams-ditolak enter:ditolak:persetujuan ditolak" },
	{ "a notice for a closed case", CASE_DONE, "terbit", "", "budi@" OFFICE,
	  0, 0, EV_NOTICE, 0, NULL, NULL, "", 0, 1, "activation-link",
	  "admin:pemberitahuan-ams" },
	{ "a revocation: relayed whatever the state", CASE_DONE, "terbit", "",
	  "budi@" OFFICE, 0, 0, EV_NOTICE, 0, NULL, NULL, "", 0, 1, "revoked",
	  "relay:ams-dicabut" },
	{ "the applicant writes on a closed case", CASE_REJECTED, "sekdis", "",
	  "budi@gmail.com", 0, 0, EV_APPLICANT_MAIL, 0, NULL, NULL, "ktp", 0, 1,
	  NULL, "" },
};

/*
 * AMS on its own clock: notices before their step, kept on the case
 * ("kept": events recorded earlier), proofs of an earlier step.
 */
static const struct early {
	const char	*name;
	enum case_state	 state;
	const char	*step;
	enum event_type	 type;
	enum reply_verdict verdict;
	const char	*notice;	/* EV_NOTICE: this one arrives */
	const char	*kept;		/* recorded on the case before */
	const char	*want;
} early[] = {
	{ "activation link before registration's Y: it proves row 9",
	  CASE_OPEN, "registrasi", EV_NOTICE, 0, "activation-link", "",
	  "relay:ams-aktivasi proved:registrasi:tidak-perlu-dijawab"
	  " enter:proses:aktivasi settle:activation-link"
	  " enter:proses:verifikasi-wajah dispatch:verifikasi-wajah" },
	{ "passphrase link before the face check's Y: it proves row 11",
	  CASE_OPEN, "verifikasi-wajah", EV_NOTICE, 0, "passphrase-link", "",
	  "relay:ams-passphrase proved:verifikasi-wajah:tidak-perlu-dijawab"
	  " enter:proses:passphrase settle:passphrase-link"
	  " enter:proses:persetujuan dispatch:persetujuan" },
	{ "the verifier's Y after the proof: already decided", CASE_OPEN,
	  "aktivasi", EV_ANSWER, REPLY_YES, NULL, "", "sudah-diproses" },
	{ "activation link long before its step: relayed and kept",
	  CASE_OPEN, "rekomendasi", EV_NOTICE, 0, "activation-link", "",
	  "relay:ams-aktivasi record" },
	{ "a kept activation link proves registration as it is entered",
	  CASE_OPEN, "permintaan", EV_ANSWER, REPLY_YES, NULL,
	  "activation-link",
	  "docs:surat-permintaan answer tercatat kemajuan"
	  " enter:proses:registrasi"
	  " proved:registrasi:tidak-perlu-dijawab enter:proses:aktivasi"
	  " settle-kept:activation-link enter:proses:verifikasi-wajah"
	  " dispatch:verifikasi-wajah" },
	{ "a kept notice settles the notice step the Y leads to", CASE_OPEN,
	  "persetujuan", EV_NOTICE, 0, "enrolment-approved",
	  "certificate-issued",
	  "relay:ams-disetujui enter:proses:terbit"
	  " settle-kept:certificate-issued expires:24"
	  " enter:selesai:terbit selesai" },
	{ "two kept notices: each settles its own step", CASE_OPEN,
	  "email-dinas", EV_ANSWER, REPLY_YES, NULL,
	  "passphrase-link activation-link",
	  "value:budi.santoso@" OFFICE " answer tercatat kemajuan"
	  " enter:proses:rekomendasi dispatch:rekomendasi" },
	{ "a case back with the applicant keeps a notice for its step",
	  CASE_RETURNED, "aktivasi", EV_NOTICE, 0, "activation-link", "",
	  "relay:ams-aktivasi record" },
	{ "the applicant's answer: the kept link settles activation",
	  CASE_RETURNED, "aktivasi", EV_APPLICANT_MAIL, 0, NULL,
	  "activation-link",
	  "berkas-diterima enter:proses:aktivasi settle-kept:activation-link"
	  " enter:proses:verifikasi-wajah dispatch:verifikasi-wajah" },
	{ "a notice for a step already passed: the admin", CASE_OPEN,
	  "persetujuan", EV_NOTICE, 0, "activation-link", "",
	  "admin:pemberitahuan-ams" },
	{ "a revocation is never kept", CASE_OPEN, "sekdis", EV_NOTICE, 0,
	  "revoked", "", "relay:ams-dicabut" },
};

/* Splits words into a NULL-free array ("?" is a file of no kind). */
static size_t
split(const char *s, char *buf, size_t len, const char **out, size_t max)
{
	char	*p, *save;
	size_t	 n = 0;

	snprintf(buf, len, "%s", s);
	for (p = strtok_r(buf, " ", &save); p != NULL && n < max;
	    p = strtok_r(NULL, " ", &save))
		out[n++] = strcmp(p, "?") == 0 ? NULL : p;
	return (n);
}

static void
effects(const struct decide *d, char *out, size_t len)
{
	const struct effect	*fx;
	size_t			 i, o = 0;

	out[0] = '\0';
	for (i = 0; i < d->nfx; i++) {
		fx = &d->fx[i];
		if (o > 0)
			o += snprintf(out + o, len - o, " ");
		switch (fx->type) {
		case FX_ENTER:
			o += snprintf(out + o, len - o, "enter:%s:%s",
			    case_state_name(fx->state), fx->step->name);
			break;
		case FX_DISPATCH:
			o += snprintf(out + o, len - o, "dispatch:%s",
			    fx->step->name);
			break;
		case FX_ANSWER:
			o += snprintf(out + o, len - o, "answer");
			break;
		case FX_DOCS:
			o += snprintf(out + o, len - o, "docs%s%s", fx->arg ?
			    ":" : "", fx->arg ? fx->arg : "");
			break;
		case FX_VALUE:
			o += snprintf(out + o, len - o, "value:%s", fx->arg);
			break;
		case FX_APPLICANT:
		case FX_SENDER:
			o += snprintf(out + o, len - o, "%s", fx->tmpl);
			break;
		case FX_RELAY:
			o += snprintf(out + o, len - o, "relay:%s", fx->tmpl);
			break;
		case FX_EXPIRES:
			o += snprintf(out + o, len - o, "expires:%d",
			    fx->months);
			break;
		case FX_ADMIN:
			o += snprintf(out + o, len - o, "admin:%s", fx->tmpl);
			break;
		case FX_RECORD:
			o += snprintf(out + o, len - o, "record");
			break;
		case FX_SETTLE:
			o += snprintf(out + o, len - o, "settle%s:%s",
			    fx->recorded ? "-kept" : "", fx->arg);
			break;
		case FX_PROVED:
			o += snprintf(out + o, len - o, "proved:%s:%s",
			    fx->step->name, fx->tmpl);
			break;
		}
	}
	if (d->nmissing > 0)
		o += snprintf(out + o, len - o, " |");
	for (i = 0; i < d->nmissing; i++)
		o += snprintf(out + o, len - o, " %s", d->missing[i]);
}

static void
run(const struct rules *r, const struct row *t, const char *kept)
{
	struct case_view	 v = { 0 };
	struct event		 ev = { 0 };
	struct decide		 d = { 0 };
	const char		*docs[16], *evdocs[16], *notices[8];
	char			 b1[256], b2[256], b3[256], got[1024];
	size_t			 i;
	static const char	*yes[] = { "verifikator1@" OFFICE,
	    "verifikator2@" OFFICE };

	v.ref = "TTE-2026-00001";
	v.state = t->state;
	v.step = t->step;
	v.round = 1;
	v.applicant = t->applicant;
	v.ndocs = split(t->docs, b1, sizeof b1, docs, 16);
	v.docs = docs;
	v.yes_from = yes;
	v.nyes = (size_t)t->nyes;
	v.has_step_doc = t->has_step_doc;
	v.nnotices = split(kept, b3, sizeof b3, notices, 8);
	v.notices = notices;
	ev.type = t->type;
	ev.from = "someone@" OFFICE;
	ev.ndocs = split(t->evdocs, b2, sizeof b2, evdocs, 16);
	ev.docs = evdocs;
	ev.verdict = t->verdict;
	ev.reason = t->reason;
	ev.value = t->value;
	ev.step = t->step;
	ev.round = 1;
	ev.answered = t->answered;
	ev.may_ask = t->may_ask;
	for (i = 0; t->notice != NULL && i < r->nnotices; i++) {
		if (strcmp(r->notices[i].event, t->notice) == 0)
			ev.notice = &r->notices[i];
	}
	d.rules = r;
	d.sop = rules_sop(r, "tte");
	d.c = &v;
	d.ev = &ev;
	d.now = 1764460800;
	decide(&d);
	effects(&d, got, sizeof got);
	if (strcmp(got, t->want) != 0)
		fprintf(stderr, "%s:\n  got  %s\n  want %s\n", t->name, got,
		    t->want);
	TEST_STREQ(got, t->want);
	/* Every decision says why, and where in the rules. */
	TEST_ASSERT(d.note[0] != '\0');
	TEST_ASSERT(d.rule != NULL && strstr(d.rule, ".conf:") != NULL);
}

int
main(void)
{
	struct rules	*r;
	char		*cause = NULL;
	size_t		 i;

	log_init(LOG_TO_STDERR, 0);
	if ((r = rules_load("rules", &cause)) == NULL) {
		fprintf(stderr, "rules: %s\n", cause);
		return (1);
	}
	for (i = 0; i < sizeof rows / sizeof rows[0]; i++)
		run(r, &rows[i], "");
	for (i = 0; i < sizeof early / sizeof early[0]; i++) {
		const struct early	*e = &early[i];
		struct row		 t = { 0 };

		t.name = e->name;
		t.state = e->state;
		t.step = e->step;
		t.docs = "";
		t.applicant = "budi@" OFFICE;
		t.type = e->type;
		t.verdict = e->verdict;
		t.value = "budi.santoso@" OFFICE;
		/* The Kadis' only file, taken as the step's (handle-answer.c). */
		t.evdocs = e->type == EV_ANSWER && strcmp(e->step,
		    "permintaan") == 0 ? "surat-permintaan" : "";
		t.answered = strcmp(e->step, "aktivasi") == 0 &&
		    e->type == EV_ANSWER;
		t.may_ask = 1;
		t.notice = e->notice;
		t.want = e->want;
		run(r, &t, e->kept);
	}
	TEST_ASSERT(case_state_closed(CASE_DONE));
	TEST_ASSERT(!case_state_closed(CASE_RETURNED));
	rules_free(r);
	return (test_done());
}
