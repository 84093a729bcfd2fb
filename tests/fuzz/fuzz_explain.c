/* SPDX-License-Identifier: ISC */
/*
 * libFuzzer harness: any bytes as the mail of `disposisi explain --db`,
 * through explain's own code (cmd-explain.c is included, so its static
 * explain_file() runs as is): screen_raw, mime_parse with the config
 * (in this process: parse_inproc.c),
 * classify_read with the shipped rules, then workflow_handle against a
 * database holding two open cases (TTE-2026-00001 at step kadis,
 * TTE-2026-00002 at sekdis), in a transaction that is rolled back, and
 * the text or JSON printed (to /dev/null). fuzz_mime reads the same
 * bytes without config or database; this one follows an answer or an
 * applicant's mail into the engine and the letters it would send.
 * Build and run: make fuzz, from the checkout.
 */

#include <sys/stat.h>

#include <sqlite3.h>

#include "../../src/cmd-explain.c"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* disposisi.c is not linked: explain's usage errors never happen here. */
int
cmd_usage(const struct cmd_entry *self, int help)
{
	(void)self;
	(void)help;
	abort();
}

static char	 dir[64];

/* The database and spools go with the process (libFuzzer ends in exit). */
static void
cleanup(void)
{
	util_rmtree(dir);
}

static const char seed_application[] =
    "From: Budi Santoso <budi@muaraenimkab.go.id>\r\n"
    "To: tte@muaraenimkab.go.id\r\n"
    "Subject: Permohonan Sertifikat Elektronik\r\n"
    "Date: Mon, 02 Mar 2026 09:00:00 +0700\r\n"
    "Message-ID: <%d.fuzz@muaraenimkab.go.id>\r\n"
    "MIME-Version: 1.0\r\n"
    "Content-Type: multipart/mixed; boundary=\"b\"\r\n"
    "\r\n"
    "--b\r\n"
    "Content-Type: text/plain; charset=utf-8\r\n"
    "\r\n"
    "Dengan hormat, bersama ini saya mengajukan permohonan.\r\n"
    "%s"
    "--b--\r\n";

static const char seed_part[] =
    "--b\r\n"
    "Content-Type: %s\r\n"
    "Content-Disposition: attachment; filename=\"%s\"\r\n"
    "\r\n"
    "%s dokumen %s\r\n";

/*
 * The Secretary's Y by the case tag alone: it acts at once only when the
 * MTA vouched for the office domain (without, a confirmation is asked).
 */
static const char seed_answer[] =
    "Authentication-Results: mx.muaraenimkab.go.id; dkim=pass"
    " header.d=muaraenimkab.go.id; dmarc=pass"
    " header.from=muaraenimkab.go.id\r\n"
    "From: Sekretaris Dinas <sekdis@muaraenimkab.go.id>\r\n"
    "To: tte@muaraenimkab.go.id\r\n"
    "Subject: Re: [TTE-2026-00001] Disposisi permohonan\r\n"
    "Date: Mon, 02 Mar 2026 09:30:00 +0700\r\n"
    "Message-ID: <answer.fuzz@muaraenimkab.go.id>\r\n"
    "\r\n"
    "Y\r\n";

/* Handles one seed mail for real: parsed, acted on, committed. */
static void
seed(struct explain *ex, const char *text)
{
	struct msg	*m;
	struct decision	 d = { 0 };
	char		*path, *cause = NULL;
	FILE		*f;

	path = util_path(dir, "seed.eml");
	if ((f = fopen(path, "wb")) == NULL)
		abort();
	fputs(text, f);
	fclose(f);
	if (parse_message(ex->ctx->conf, ex->ctx->spool, path, &m, &cause) != 0 ||
	    store_begin(ex->ctx->store) == -1 ||
	    workflow_handle(ex->ctx, m, 0, &d, &cause) == -1 ||
	    store_commit(ex->ctx->store) == -1) {
		fprintf(stderr, "fuzz_explain: seed: %s\n", cause);
		abort();
	}
	free(d.note);
	free(d.case_ref);
	mime_free(m);
	free(path);
}

/* The seeds must have made the cases the inputs are read against. */
static void
seed_check(const char *db)
{
	static const char	*want[] = { "TTE-2026-00001 proses kadis",
				    "TTE-2026-00002 proses sekdis" };
	sqlite3			*h;
	sqlite3_stmt		*s;
	int			 i = 0;

	if (sqlite3_open(db, &h) != SQLITE_OK || sqlite3_prepare_v2(h,
	    "SELECT ref || ' ' || state || ' ' || step_name FROM cases"
	    " ORDER BY id", -1, &s, NULL) != SQLITE_OK)
		abort();
	while (sqlite3_step(s) == SQLITE_ROW) {
		if (i >= 2 || strcmp((const char *)sqlite3_column_text(s, 0),
		    want[i]) != 0) {
			fprintf(stderr, "fuzz_explain: seeded %s\n",
			    sqlite3_column_text(s, 0));
			abort();
		}
		i++;
	}
	if (i != 2)
		abort();
	sqlite3_finalize(s);
	sqlite3_close(h);
}

static void
setup(struct explain *ex)
{
	static unsigned char	 key[32];
	static const char	*docs[][2] = {
		{ "surat-permohonan.pdf", "application/pdf" },
		{ "ktp.jpg", "image/jpeg" },
		{ "sk-terakhir.pdf", "application/pdf" },
		{ "sk-jabatan.pdf", "application/pdf" },
	};
	char			*p, *db, *parts = NULL, *part, *mail;
	char			*cause = NULL;
	size_t			 i;
	int			 n;

	mime_init();
	log_init(LOG_TO_STDERR, -2);
	if (freopen("/dev/null", "w", stdout) == NULL)
		abort();
	/* Monday 2 March 2026, 10:00 WIB: the office is open. */
	clock_set(1772420400);
	snprintf(dir, sizeof dir, "/tmp/fuzz-explain.%ld", (long)getpid());
	util_rmtree(dir);
	if (mkdir(dir, 0700) == -1)
		abort();
	atexit(cleanup);
	if ((ex->ctx->conf = conf_load_lenient(NULL, &cause)) == NULL ||
	    (ex->ctx->rules = rules_load(ex->ctx->conf->rules_dir,
	    &cause)) == NULL)
		goto fail;
	db = util_path(dir, "disposisi.db");
	if ((ex->ctx->store = store_open(db, &cause)) == NULL)
		goto fail;
	memset(key, 7, sizeof key);
	ex->ctx->conf->hmac_secret = key;
	ex->ctx->conf->hmac_secret_len = sizeof key;
	p = util_path(dir, "spool");
	if ((ex->ctx->spool = spool_open(p, &cause)) == NULL)
		goto fail;
	free(p);
	parts = xstrdup("");
	for (i = 0; i < sizeof docs / sizeof docs[0]; i++) {
		xasprintf(&part, seed_part, docs[i][1], docs[i][0],
		    docs[i][1][0] == 'i' ? "\xff\xd8\xff\xe0" : "%PDF-1.4",
		    docs[i][0]);
		xasprintf(&p, "%s%s", parts, part);
		free(parts);
		free(part);
		parts = p;
	}
	for (n = 1; n <= 2; n++) {
		xasprintf(&mail, seed_application, n, parts);
		seed(ex, mail);
		free(mail);
	}
	ex->ctx->conf->auth_serv_id = xstrdup("mx.muaraenimkab.go.id");
	seed(ex, seed_answer);
	free(ex->ctx->conf->auth_serv_id);
	ex->ctx->conf->auth_serv_id = NULL;	/* the inputs: as shipped */
	seed_check(db);
	free(db);
	free(parts);
	spool_close(ex->ctx->spool);
	ex->ctx->spool = NULL;
	ex->db = 1;
	return;
fail:
	fprintf(stderr, "fuzz_explain: %s\n", cause);
	abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	static struct ctx	 ctx;
	static struct explain	 ex = { .ctx = &ctx };
	static char		 path[96], scratch[96];
	char			*cause = NULL;
	FILE			*f;

	if (dir[0] == '\0') {
		setup(&ex);
		snprintf(path, sizeof path, "%s/in.eml", dir);
	}
	if ((f = fopen(path, "wb")) == NULL)
		abort();
	fwrite(data, 1, len, f);
	fclose(f);
	/* What explain would send goes to a scratch spool, gone after. */
	snprintf(scratch, sizeof scratch, "%s/scratch", dir);
	if ((ex.ctx->spool = spool_open(scratch, &cause)) == NULL)
		abort();
	ex.json = len & 1;
	explain_file(&ex, path);
	spool_close(ex.ctx->spool);
	util_rmtree(scratch);
	return (0);
}
