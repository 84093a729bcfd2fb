/* SPDX-License-Identifier: ISC */
/*
 * `disposisi explain [-f FILE] [--db] [--json] MAIL.eml...`: what the
 * robot makes of each message, changing nothing, through the daemon's
 * own code: mime_parse(), classify_read() and auth_gate() (the MTA's
 * spam verdict, the authentication policy) always; with --db also
 * workflow_handle() against the real database, in a transaction that is
 * rolled back, with any mail it would send written to a scratch spool.
 * Without -f it reads a checkout's rules/ and mail-templates/.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "disposisi.h"

struct explain {
	struct ctx	*ctx;
	int		 json;
	int		 db;
};

static const char *const explain_gates[] = {
	[GATE_ACT] = "act", [GATE_CONFIRM] = "confirm",
	[GATE_REFUSE] = "refuse", [GATE_SPAM] = "spam"
};

/* Without --db, what the reading could not include. */
#define EXPLAIN_NO_DB	"not applied without --db: the case and its step," \
	" tokens, and the limits that count earlier mail"

/* The daemon's kind: what it refuses is invalid, whatever it reads as. */
static const char *
explain_kind(const struct reading *rd, const struct gate *g)
{
	if (rd == NULL || g->verdict == GATE_REFUSE ||
	    g->verdict == GATE_SPAM)
		return ("invalid");
	return (classify_kind_name(rd));
}

static const char *
explain_command(const struct reading *rd)
{
	if (rd->kind != KIND_REPLY || rd->keys_disagree || rd->role == NULL ||
	    rd->dangerous != NULL)
		return (NULL);
	switch (rd->reply.verdict) {
	case REPLY_YES:
		return ("Y");
	case REPLY_NO:
		return ("T");
	default:
		return (NULL);
	}
}

/* How the file was read and how much: never the text (a KTP's NIK). */
static void
explain_read(const struct attachment *a)
{
	const char	*p;
	size_t		 chars = 0;

	util_json_key("text_from", a->text_from == TEXT_PDF ? "pdf" :
	    a->text_from == TEXT_OCR ? "ocr" : NULL, 0);
	for (p = a->text; p != NULL && *p != '\0'; p++)
		chars += ((unsigned char)*p & 0xc0) != 0x80;
	printf(", \"pages\": %d, \"text_chars\": %zu", a->pages, chars);
}

/* How a file was recognised: evidence, the rules' words that matched. */
static void
explain_json_recog(const struct doc_class *dc, const struct doc_class *all)
{
	size_t	 i;

	util_json_key("evidence", document_evidence_name(dc->evidence), 0);
	fputs(", \"matched\": [", stdout);
	for (i = 0; i < dc->nmatched; i++) {
		printf("%s", i ? ", " : "");
		util_json_str(stdout, dc->matched[i]);
	}
	fputs("], \"kinds\": [", stdout);
	for (i = 0; dc->kind != NULL && i <= dc->nmore; i++) {
		printf("%s", i ? ", " : "");
		util_json_str(stdout, i == 0 ? dc->kind : dc->more[i - 1]);
	}
	putchar(']');
	util_json_key("overruled", dc->overruled, 0);
	fputs(", \"ambiguous\": [", stdout);
	for (i = 0; i < 2 && dc->ambiguous[i] != NULL; i++) {
		printf("%s", i ? ", " : "");
		util_json_str(stdout, dc->ambiguous[i]);
	}
	putchar(']');
	util_json_key("same_as", dc->same_as >= 0 ?
	    all[dc->same_as].a->filename : NULL, 0);
}

static void
explain_json(const char *file, const struct msg *m, const struct reading *rd,
    const struct gate *g, const char *why, const struct decision *d)
{
	const struct doc_class	*dc;
	const char		*cmd = rd ? explain_command(rd) : NULL;
	char			 size[32];
	size_t			 i, n;

	putchar('{');
	util_json_key("file", file, 1);
	util_json_key("message_id", m ? m->message_id : NULL, 0);
	util_json_key("from", m ? m->from_addr : NULL, 0);
	util_json_key("kind", explain_kind(rd, g), 0);
	util_json_key("case", rd && rd->ref[0] != '\0' ? rd->ref : NULL, 0);
	util_json_key("command", cmd, 0);
	util_json_key("note", cmd != NULL && *cmd == 'T' ? rd->reply.reason :
	    NULL, 0);
	util_json_key("value", cmd != NULL && *cmd == 'Y' ? rd->reply.value :
	    NULL, 0);
	util_json_key("notice", rd && rd->notice ? rd->notice->event : NULL, 0);
	fputs(", \"documents\": [", stdout);
	for (i = n = 0; rd != NULL && i < rd->ndocs; i++) {
		dc = &rd->docs[i];
		if (dc->verdict == DOC_SIGNATURE)
			continue;	/* part of the mail, not of the case */
		printf("%s{", n++ ? ", " : "");
		util_json_key("filename", dc->a->filename, 1);
		util_json_key("content_type", dc->a->content_type, 0);
		snprintf(size, sizeof size, "%zu", dc->a->size);
		printf(", \"size\": %s", size);
		util_json_key("sha256", dc->a->sha256, 0);
		util_json_key("kind", dc->kind, 0);
		util_json_key("type", dc->type, 0);
		util_json_key("verdict", document_verdict_name(dc->verdict), 0);
		util_json_key("why", dc->why, 0);
		explain_read(dc->a);
		explain_json_recog(dc, rd->docs);
		putchar('}');
	}
	fputs("], \"missing\": [", stdout);
	for (i = 0; rd != NULL && i < rd->nmissing; i++) {
		printf("%s", i ? ", " : "");
		util_json_str(stdout, rd->missing[i]);
	}
	putchar(']');
	util_json_key("rule", rd ? rd->rule : NULL, 0);
	util_json_key("reason", why, 0);
	fputs(", \"gate\": {", stdout);
	util_json_key("verdict", explain_gates[g->verdict], 1);
	util_json_key("why", g->why, 0);
	printf(", \"forged\": %zu}", g->forged);
	if (d == NULL)
		util_json_key("not_applied", EXPLAIN_NO_DB, 0);
	if (d != NULL) {
		fputs(", \"db\": {", stdout);
		util_json_key("kind", d->kind, 1);
		util_json_key("case", d->case_ref, 0);
		util_json_key("folder", d->folder, 0);
		util_json_key("note", d->note, 0);
		putchar('}');
	}
	fputs("}\n", stdout);
}

static void
explain_text(const char *file, const struct msg *m, const struct reading *rd,
    const struct gate *g, const char *why, const struct decision *d)
{
	const char	*cmd = rd ? explain_command(rd) : NULL;
	size_t		 i;

	printf("%s\n", file);
	printf("  from      %s\n", m && m->from_addr ? m->from_addr : "-");
	printf("  kind      %s\n", explain_kind(rd, g));
	if (rd != NULL && rd->ref[0] != '\0')
		printf("  case      %s\n", rd->ref);
	if (rd != NULL && rd->kind == KIND_REPLY)
		printf("  command   %s%s%s\n", cmd ? cmd : "(not understood)",
		    cmd && *cmd == 'T' ? " " : "", cmd && *cmd == 'T' ?
		    rd->reply.reason : "");
	if (cmd != NULL && *cmd == 'Y' && rd->reply.value != NULL)
		printf("  value     %s\n", rd->reply.value);
	if (rd != NULL && rd->notice != NULL)
		printf("  notice    %s (%s)\n", rd->notice->event,
		    rd->keys.email ? rd->keys.email : "no address found");
	for (i = 0; rd != NULL && i < rd->ndocs; i++)
		printf("  document  %s: %s%s%s%s%s\n", rd->docs[i].a->filename,
		    rd->docs[i].kind ? rd->docs[i].kind :
		    document_verdict_name(rd->docs[i].verdict),
		    rd->docs[i].kind ? " by " : "", rd->docs[i].kind ?
		    document_evidence_name(rd->docs[i].evidence) : "",
		    rd->docs[i].why ? " - " : "", rd->docs[i].why ?
		    rd->docs[i].why : "");
	for (i = 0; rd != NULL && i < rd->nmissing; i++)
		printf("  missing   %s\n", rd->missing[i]);
	printf("  why       %s%s%s\n", why, rd && rd->rule ? " - " : "",
	    rd && rd->rule ? rd->rule : "");
	if (g->why != NULL)
		printf("  gate      %s: %s%s\n", explain_gates[g->verdict],
		    g->why, g->forged > 0 ? "; forged Authentication-Results"
		    " below the MTA's own ignored" : "");
	if (d == NULL)
		printf("  database  %s\n", EXPLAIN_NO_DB);
	if (d != NULL)
		printf("  database  %s -> %s%s%s\n", d->note ? d->note : "-",
		    d->folder, d->case_ref ? ", case " : "", d->case_ref ?
		    d->case_ref : "");
}

/* The daemon's handling, rolled back: what it would do now. */
static void
explain_db(struct explain *ex, const struct msg *m, struct decision *d)
{
	char	*cause = NULL;

	if (store_begin(ex->ctx->store) == -1) {
		d->note = xstrdup("the database is busy");
		return;
	}
	if (workflow_handle(ex->ctx, m, 0, d, &cause) == -1) {
		free(d->note);
		xasprintf(&d->note, "could not be handled: %s", cause);
		free(cause);
	}
	store_rollback(ex->ctx->store);
}

static void
explain_file(struct explain *ex, const char *file)
{
	struct msg	*m = NULL;
	struct reading	 rd;
	struct decision	 d = { 0 };
	struct gate	 g = { 0 };
	char		*cause = NULL, *why;

	if (parse_message(ex->ctx->conf, ex->ctx->spool, file, &m,
	    &cause) != 0 || m->from_addr == NULL) {
		xasprintf(&why, "unreadable: %s", m == NULL ? cause :
		    "no sender address in From:");
		if (ex->json)
			explain_json(file, m, NULL, &g, why, NULL);
		else
			explain_text(file, m, NULL, &g, why, NULL);
		free(why);
		free(cause);
		mime_free(m);
		return;
	}
	classify_read(ex->ctx, m, &rd);
	auth_gate(ex->ctx->conf, m, &rd, &g);
	if (ex->db)
		explain_db(ex, m, &d);
	if (ex->json)
		explain_json(file, m, &rd, &g, rd.why, ex->db ? &d : NULL);
	else
		explain_text(file, m, &rd, &g, rd.why, ex->db ? &d : NULL);
	free(g.why);
	free(d.note);
	free(d.case_ref);
	classify_clear(&rd);
	mime_free(m);
}

static int
explain_open_db(struct explain *ex, char **cause)
{
	unsigned char	*key;

	if (ex->ctx->conf->database == NULL) {
		xasprintf(cause, "--db: the config names no database");
		return (-1);
	}
	if (access(ex->ctx->conf->database, R_OK) == -1) {
		xasprintf(cause, "%s: %s", ex->ctx->conf->database,
		    strerror(errno));
		return (-1);
	}
	if ((ex->ctx->store = store_open(ex->ctx->conf->database,
	    cause)) == NULL)
		return (-1);
	/* Tokens are looked up, never re-derived: any key will do here. */
	key = xmalloc(32);
	if (crypto_random_bytes(key, 32) == -1)
		fatalx("no random bytes");
	free(ex->ctx->conf->hmac_secret);
	ex->ctx->conf->hmac_secret = key;
	ex->ctx->conf->hmac_secret_len = 32;
	return (0);
}

static const struct option explain_opts[] = {
	{ "db", no_argument, NULL, 'd' },
	{ "json", no_argument, NULL, 'j' },
	{ NULL, 0, NULL, 0 }
};

static int
cmd_explain(const struct cmd_entry *self, struct ctx *ctx, struct args *a)
{
	struct explain	 ex = { ctx, args_has(a, 'j'), args_has(a, 'd') };
	char		*cause = NULL;
	int		 i;

	if (ex.db && !args_has(a, 'f'))
		return (cmd_usage(self, 0));
	if (ex.db && explain_open_db(&ex, &cause) == -1) {
		fprintf(stderr, "disposisi: %s\n", cause);
		free(cause);
		return (EX_CONFIG_STATUS);
	}
	for (i = 0; i < a->argc; i++)
		explain_file(&ex, a->argv[i]);
	return (0);
}

/* Without -f, a checkout's rules/ and mail-templates/; a scratch spool. */
const struct cmd_entry cmd_explain_entry = {
	.name = "explain",
	.usage = "[-f FILE] [--db] [--json] MAIL.eml ...",
	.args = { "f:", 1, -1, explain_opts },
	.needs = CMD_CONF_OPT | CMD_RULES | CMD_SCRATCH,
	.exec = cmd_explain
};
