/* SPDX-License-Identifier: ISC */
/*
 * The robot's mails: a template of mail-templates/ rendered with the
 * case's variables and queued (queue.c, inside the caller's
 * transaction). Every template may use every variable (listed in
 * mail-templates/README); one that does not apply is empty.
 *
 * Message-IDs and reply addresses carry what brings an answer back: the
 * case reference, and for mail to an official the dispatch token, last,
 * so classify_tokens() finds it in either.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "disposisi.h"

/* A letter's variables and the values it owns; both grow as needed. */
struct vars {
	struct tvar	*v;
	size_t		 n, cap;
	char		**owned;
	size_t		 nowned, capowned;
};

static void
vars_add(struct vars *vs, const char *name, const char *value)
{
	if (vs->n == vs->cap) {
		vs->cap = vs->cap ? vs->cap * 2 : 64;
		vs->v = xreallocarray(vs->v, vs->cap, sizeof *vs->v);
	}
	vs->v[vs->n].name = name;
	vs->v[vs->n++].value = value != NULL ? value : "";
}

/* Adds a variable whose value vars_free() frees. */
static void
vars_own(struct vars *vs, const char *name, char *value)
{
	if (vs->nowned == vs->capowned) {
		vs->capowned = vs->capowned ? vs->capowned * 2 : 32;
		vs->owned = xreallocarray(vs->owned, vs->capowned,
		    sizeof *vs->owned);
	}
	vs->owned[vs->nowned++] = value;
	vars_add(vs, name, value);
}

/* Adds text a sender controls: one line, no live link (util_inert). */
static void
vars_inert(struct vars *vs, const char *name, const char *value)
{
	vars_own(vs, name, value != NULL ? util_inert(value) : NULL);
}

static void
vars_free(struct vars *vs)
{
	size_t	 i;

	for (i = 0; i < vs->nowned; i++)
		free(vs->owned[i]);
	free(vs->owned);
	free(vs->v);
}

/* What the robot took a file for, in the rules' words. */
static const char *
letter_kind_words(const struct letter *lt, const char *kind)
{
	const struct doctype	*t;

	if (kind == NULL)
		return ("belum dikenali");
	t = rules_doctype(lt->ctx->rules, kind);
	return (t != NULL ? t->words : kind);
}

/*
 * ": fotokopi KTP" for the file at i and the rows after it naming the
 * same file (a bundle holds several kinds); how many rows it took.
 */
static size_t
letter_doc_kinds(const struct letter *lt, size_t i, char **out)
{
	const struct attachment *const *a = lt->list;
	char	*s = NULL, *t;
	size_t	 j;

	for (j = i; j < lt->nlist && (j == i || (strcmp(a[j]->sha256,
	    a[i]->sha256) == 0 && strcmp(a[j]->filename,
	    a[i]->filename) == 0)); j++) {
		xasprintf(&t, "%s%s%s", s ? s : ": ", s ? "; " : "",
		    letter_kind_words(lt, lt->list_kinds[j]));
		free(s);
		s = t;
	}
	*out = s;
	return (j - i);
}

/*
 * "1. name (12 KB)" lines; documents only, never a path. With the kinds,
 * each line says what the robot took the file for, and a file attached
 * twice under two names is said to be one.
 */
static char *
letter_doclist(const struct letter *lt)
{
	const struct attachment *const *a = lt->list;
	char	*s = xstrdup(""), *t, *name, *kinds, *same;
	size_t	 i, j, k = 0, step;

	for (i = 0; i < lt->nlist; i += step) {
		kinds = NULL;
		step = lt->list_kinds ? letter_doc_kinds(lt, i, &kinds) : 1;
		for (j = 0; j < i && strcmp(a[j]->sha256, a[i]->sha256) != 0;
		    j++)
			;
		same = NULL;
		if (lt->list_kinds != NULL && j < i) {
			name = util_inert(a[j]->filename);
			xasprintf(&same, " (berkas yang sama dengan %s)", name);
			free(name);
		}
		name = util_inert(a[i]->filename);
		xasprintf(&t, "%s%zu. %s (%zu KB)%s%s\n", s, ++k, name,
		    (a[i]->size + 1023) / 1024, kinds ? kinds : "",
		    same ? same : "");
		free(name);
		free(kinds);
		free(same);
		free(s);
		s = t;
	}
	if (lt->nlist == 0) {
		free(s);
		s = xstrdup("(tidak ada berkas)\n");
	}
	return (s);
}

/* The kinds an applicant may name in a "kind: FILE" line. */
static char *
letter_kind_names(const struct letter *lt)
{
	const struct rules	*r = lt->ctx->rules;
	char			*s = xstrdup(""), *t;
	size_t			 i;

	for (i = 0; i < r->ndocs; i++) {
		xasprintf(&t, "%s- %s, yaitu %s\n", s, r->docs[i].name,
		    r->docs[i].words);
		free(s);
		s = t;
	}
	return (s);
}

/* The documents still missing, in the words of the rules. */
static char *
letter_missing(const struct letter *lt)
{
	const struct doctype	*t;
	char			*s = xstrdup(""), *u;
	size_t			 i;

	for (i = 0; i < lt->nmissing; i++) {
		t = rules_doctype(lt->ctx->rules, lt->missing[i]);
		xasprintf(&u, "%s%zu. %s\n", s, i + 1, t ? t->words :
		    lt->missing[i]);
		free(s);
		s = u;
	}
	return (s);
}

static const char *
letter_title(const struct step *s)
{
	if (s == NULL)
		return (NULL);
	return (s->role != NULL ? s->role->title : "Pemohon");
}

/*
 * What the official's T does at the step, in one sentence drawn from its
 * "no" target (the SOP's flowchart says only "T: not forwarded"; where
 * each T leads is the office's reading, written in the rules).
 */
static char *
letter_no_text(const struct sop *sop, const struct step *s)
{
	const struct step	*to;
	char			*t;

	if (s == NULL)
		return (xstrdup(""));
	switch (s->no.kind) {
	case TARGET_REJECT:
		return (xstrdup("Jika Bapak/Ibu membalas T, permohonan"
		    " dihentikan (ditolak) dan pemohon diberi tahu beserta"
		    " alasan Bapak/Ibu."));
	case TARGET_APPLICANT:
		return (xstrdup("Jika Bapak/Ibu membalas T, permohonan"
		    " dikembalikan kepada pemohon untuk dilengkapi beserta"
		    " alasan Bapak/Ibu, lalu kembali kepada Bapak/Ibu setelah"
		    " pemohon menjawab."));
	case TARGET_STEP:
		to = sop != NULL ? rules_step(sop, s->no.step) : NULL;
		xasprintf(&t, "Jika Bapak/Ibu membalas T, permohonan"
		    " dikembalikan ke langkah %s (%s) untuk diperbaiki beserta"
		    " alasan Bapak/Ibu.", to ? to->number : s->no.step,
		    to ? letter_title(to) : "-");
		return (t);
	case TARGET_DONE:
		return (xstrdup("Jika Bapak/Ibu membalas T, permohonan"
		    " dinyatakan selesai."));
	case TARGET_NONE:
		break;
	}
	return (xstrdup(""));
}

/* A mailto: link that answers with a prefilled body. */
static char *
letter_mailto(const char *addr, const char *ref, const char *token,
    const char *body)
{
	char	*s;

	/* A new mail has no In-Reply-To: the token rides in the subject. */
	xasprintf(&s, "mailto:%s?subject=Re%%3A%%20%%5B%s%%5D%%20Disposisi"
	    "%%20%%23%s&body=%s", addr, ref, token, body);
	return (s);
}

/*
 * A paragraph for the top of a disposition, empty when nothing is out of
 * the ordinary: acting for the holder, or why the mail comes now.
 */
static char *
letter_remark(const struct letter *lt)
{
	char	*s;

	xasprintf(&s, "%s%s%s%s%s%s%s", lt->behalf ? "Disposisi ini ditujukan"
	    " kepada Bapak/Ibu selaku " : "", lt->behalf ? lt->to_title : "",
	    lt->behalf ? " atas nama " : "", lt->behalf ? lt->behalf : "",
	    lt->behalf ? ".\n\n" : "", lt->note ? lt->note : "",
	    lt->note ? "\n\n" : "");
	return (s);
}

/* The cases a mail named, "TTE-2026-00003 dan TTE-2026-00007". */
static char *
letter_refs(const struct letter *lt)
{
	const struct reading	*rd = lt->rd;
	char			*s;

	if (rd == NULL || rd->ref[0] == '\0')
		return (xstrdup(""));
	xasprintf(&s, "%s%s%s", rd->ref, rd->ref_other[0] != '\0' ?
	    " dan " : "", rd->ref_other);
	return (s);
}

/* An official's title: a Plt.'s by the delegate line, else the role's. */
static const char *
letter_title_of(const struct rules *r, const char *addr,
    const struct role **role)
{
	size_t	 i;

	*role = NULL;
	for (i = 0; i < r->ndelegates; i++) {
		if (util_addr_eq(r->delegates[i].addr, addr))
			return (r->delegates[i].note);
	}
	if ((*role = rules_role_by_addr(r, addr)) != NULL)
		return ((*role)->title);
	return ("pejabat yang tidak lagi tercatat pada aturan");
}

/*
 * Officials by title, never by address (issue 16): "a, b" addresses as
 * "Verifikator (2 dari 3 anggota), Sekretaris Dinas", a group's members
 * counted under its title, in the order first met.
 */
static char *
letter_titles(const struct rules *r, const char *list)
{
	const struct role *role, *roles[16];
	const char	*titles[16], *title;
	size_t		 counts[16], n = 0, i;
	char		*copy, *p, *addr, *s = xstrdup(""), *t, grp[64];

	if (r == NULL || list == NULL)
		return (s);
	p = copy = xstrdup(list);
	while ((addr = strsep(&p, ", ")) != NULL) {
		if (*addr == '\0')
			continue;
		title = letter_title_of(r, addr, &role);
		for (i = 0; i < n && strcmp(titles[i], title) != 0; i++)
			;
		if (i == n && n == sizeof titles / sizeof titles[0])
			continue;
		if (i == n) {
			titles[n] = title;
			roles[n] = role;
			counts[n++] = 0;
		}
		counts[i]++;
	}
	free(copy);
	for (i = 0; i < n; i++) {
		grp[0] = '\0';
		if (roles[i] != NULL && roles[i]->naddrs > 1)
			snprintf(grp, sizeof grp, " (%zu dari %zu anggota)",
			    counts[i], roles[i]->naddrs);
		xasprintf(&t, "%s%s%s%s", s, i > 0 ? ", " : "", titles[i],
		    grp);
		free(s);
		s = t;
	}
	return (s);
}

/* A time in the office's zone, or "" for none. */
static char *
letter_time(time_t t)
{
	char	 buf[64];

	if (t == 0)
		return (xstrdup(""));
	clock_format(t, CLOCK_TIME, buf, sizeof buf);
	return (xstrdup(buf));
}

/*
 * The case's earlier answers, one line each: "1. 06-12-2026 09.12 WIB,
 * langkah 2 (Kepala Bidang): T, alasan: ...". The reason is the
 * official's text, made inert. -1 if the store cannot read them.
 */
static int
letter_history(const struct letter *lt, char **out)
{
	const struct rules	*r = lt->ctx->rules;
	const struct sop	*sop;
	const struct step	*s;
	const struct role	*role;
	struct decision_row	*d;
	size_t			 i, n;
	char			*t, *why, when[64];

	*out = xstrdup("");
	if (lt->c == NULL || lt->ctx->store == NULL)
		return (0);
	if (store_decisions(lt->ctx->store, lt->c->id, &d, &n) == -1)
		return (-1);
	sop = lt->sop ? lt->sop : rules_sop(r, lt->c->sop);
	for (i = 0; i < n; i++) {
		s = sop ? rules_step(sop, d[i].step) : NULL;
		role = d[i].role ? rules_role(r, d[i].role) : NULL;
		clock_format(d[i].at, CLOCK_TIME, when, sizeof when);
		why = d[i].reason ? util_inert(d[i].reason) : NULL;
		xasprintf(&t, "%s%zu. %s, langkah %s (%s): %s%s%s\n", *out,
		    i + 1, when, s ? s->number : d[i].step, role ? role->title :
		    s ? letter_title(s) : d[i].role ? d[i].role : "-",
		    d[i].verdict, why && *why ? ", alasan: " : "", why && *why ?
		    why : "");
		free(why);
		free(*out);
		*out = t;
	}
	if (n == 0) {
		free(*out);
		*out = xstrdup("(belum ada)\n");
	}
	store_decisions_free(d, n);
	return (0);
}

static void
letter_vars(const struct letter *lt, struct vars *vs, const char *reply_to,
    const char *token, char *history)
{
	const struct case_row	*c = lt->c;
	const struct step	*s = lt->step;
	const struct msg	*m = lt->m;
	const struct reply	*r = lt->rd != NULL ? &lt->rd->reply : NULL;
	char			*mins;

	vars_add(vs, "ref", c ? c->ref : lt->ref);
	vars_own(vs, "rujukan", letter_refs(lt));
	vars_inert(vs, "pemohon", c ? (c->applicant_name ? c->applicant_name :
	    c->applicant) : m ? (m->from_name ? m->from_name : m->from_addr) :
	    NULL);
	vars_add(vs, "email_pemohon", c ? c->applicant : m ? m->from_addr :
	    NULL);
	vars_inert(vs, "perihal", c ? (c->subject ? c->subject :
	    "(tanpa perihal)") : m ? (m->subject ? m->subject :
	    "(tanpa perihal)") : NULL);
	vars_own(vs, "tanggal", letter_time(clock_now()));
	vars_add(vs, "robot", lt->ctx->conf->robot_address);
	vars_add(vs, "sop", lt->sop ? lt->sop->title : NULL);
	vars_add(vs, "langkah", s ? s->number : NULL);
	vars_add(vs, "tugas", s ? s->task : NULL);
	xasprintf(&mins, "%d", s ? s->minutes : 0);
	vars_own(vs, "waktu_baku", mins);
	vars_add(vs, "pejabat", lt->to_title ? lt->to_title : letter_title(s));
	vars_own(vs, "jika_t", letter_no_text(lt->sop, s));
	vars_add(vs, "pejabat_berikut", letter_title(lt->next));
	vars_add(vs, "langkah_berikut", lt->next ? lt->next->number : NULL);
	vars_add(vs, "tugas_berikut", lt->next ? lt->next->task : NULL);
	vars_add(vs, "alamat_balas", reply_to);
	vars_own(vs, "tautan_y", token ? letter_mailto(reply_to, c->ref, token,
	    "Y") : xstrdup(""));
	vars_own(vs, "tautan_t", token ? letter_mailto(reply_to, c->ref, token,
	    "T%20alasan%3A%20") : xstrdup(""));
	vars_add(vs, "keputusan", r == NULL ? NULL : r->verdict == REPLY_YES ?
	    "Y (diteruskan)" : r->verdict == REPLY_NO ? "T (tidak diteruskan)" :
	    NULL);
	vars_add(vs, "alasan", lt->reason ? lt->reason : r && r->reason ?
	    r->reason : "-");
	vars_inert(vs, "baris", r && r->line ? r->line : "(kosong)");
	vars_add(vs, "nilai", lt->value);
	vars_add(vs, "status", c ? case_state_name(c->state) : NULL);
	vars_own(vs, "kurang", letter_missing(lt));
	vars_own(vs, "lampiran", letter_doclist(lt));
	vars_own(vs, "jenis_berkas", letter_kind_names(lt));
	vars_add(vs, "catatan_lampiran", lt->att_note);
	vars_add(vs, "dokumen", lt->doc_words);
	vars_own(vs, "sudah_menjawab", letter_titles(lt->ctx->rules,
	    lt->answered));
	vars_add(vs, "pemberitahuan", lt->notice ? lt->notice->words : NULL);
	vars_add(vs, "isi_pemberitahuan", lt->notice && m ? m->text : NULL);
	vars_add(vs, "alamat_pejabat", lt->official);
	vars_own(vs, "jabatan", letter_titles(lt->ctx->rules, lt->official));
	vars_add(vs, "berlaku_sampai", lt->expires);
	vars_add(vs, "sisa_hari", lt->left);
	vars_add(vs, "lama_menunggu", lt->waited);
	vars_own(vs, "sejak", letter_time(lt->since));
	vars_add(vs, "atas_nama", lt->behalf);
	vars_add(vs, "catatan", lt->note);
	vars_own(vs, "keterangan", letter_remark(lt));
	vars_add(vs, "penerima", lt->rcpt);
	vars_add(vs, "kode", lt->code);
	vars_add(vs, "message_id", lt->message_id);
	vars_add(vs, "periode", lt->period);
	vars_add(vs, "ringkasan", lt->summary);
	vars_own(vs, "riwayat", history != NULL ? history : xstrdup(""));
}

/*
 * A mail the rules switch off (rules/mails.conf) is not queued but
 * recorded on its case, in the caller's transaction, so "show" says why
 * it never left. 1 off, 0 to be sent, -1 error.
 */
static int
letter_off(const struct letter *lt, const char *tmpl, const char *to,
    char **cause)
{
	const char	*where;
	char		*detail;
	int		 rv = 0;

	if (lt->ctx->rules == NULL || (where = rules_mail_off(lt->ctx->rules,
	    tmpl, to)) == NULL)
		return (0);
	log_debug("%s: %s to %s not sent: off by %s", lt->c ? lt->c->ref :
	    "-", tmpl, to, where);
	if (lt->c == NULL)
		return (1);
	/* The step and round make each mail's record its own. */
	if (lt->step != NULL)
		xasprintf(&detail, "%s, step %s round %d: off by %s", tmpl,
		    lt->step->name, lt->c->round, where);
	else
		xasprintf(&detail, "%s: off by %s", tmpl, where);
	if (store_event(lt->ctx->store, lt->c->id, to, "tidak-dikirim",
	    detail) == -1) {
		xasprintf(cause, "%s: cannot record mail %s not sent",
		    lt->c->ref, tmpl);
		rv = -1;
	} else
		rv = 1;
	free(detail);
	return (rv);
}

/*
 * Renders tmpl and queues it to one recipient, unless the rules switch
 * it off (letter_off). With a token, replies
 * come back to robot+ref.token@ and the Message-ID ends in the token;
 * otherwise the Message-ID names the case (an answer to it is about the
 * case) or, without a case, only the kind.
 */
int
letter_send(const struct letter *lt, const char *tmpl, const char *to,
    const char *to_name, const char *token, char **cause)
{
	struct ctx	*ctx = lt->ctx;
	const char	*robot = ctx->conf->robot_address;
	struct mail_out	 mo = { 0 };
	struct vars	 vs = { 0 };
	char		*ref = NULL, *reply_to = NULL, *mid = NULL, *history;
	char		*subject, *body, *marked, rnd[13];
	int		 rv = -1;

	switch (letter_off(lt, tmpl, to, cause)) {
	case 1:
		return (0);
	case -1:
		return (-1);
	}
	if (letter_history(lt, &history) == -1) {
		free(history);
		xasprintf(cause, "cannot read the decisions of %s", lt->c->ref);
		return (-1);
	}
	crypto_random_hex(rnd, sizeof rnd);
	if (lt->c != NULL)
		ref = util_lower(lt->c->ref);
	if (token != NULL && ctx->conf->reply_plus_address)
		xasprintf(&reply_to, "%.*s+%s.%s@%s", (int)(strchr(robot, '@') -
		    robot), robot, ref, token, conf_domain(ctx->conf));
	else if (token != NULL)
		reply_to = xstrdup(robot);
	if (token != NULL && lt->first_dispatch)
		xasprintf(&mid, "%s.%s@%s", ref, token, conf_domain(ctx->conf));
	else if (token != NULL)
		xasprintf(&mid, "%s.%s-%s.%s@%s", ref, tmpl, rnd, token,
		    conf_domain(ctx->conf));
	else if (ref != NULL)
		xasprintf(&mid, "%s.%s-%s@%s", ref, tmpl, rnd,
		    conf_domain(ctx->conf));
	letter_vars(lt, &vs, reply_to, token, history);
	if (template_render(ctx->conf->templates_dir, tmpl, vs.v, vs.n,
	    &subject, &body, &marked, cause) == -1)
		goto out;
	mo.to_addr = to;
	mo.to_name = to_name;
	mo.reply_to = reply_to;
	mo.message_id = mid;
	mo.in_reply_to = lt->in_reply_to;
	mo.subject = subject;
	mo.text = body;
	mo.att = lt->att;
	mo.natt = lt->natt;
	mo.marked = marked;
	mo.vars = vs.v;
	mo.nvars = vs.n;
	rv = queue_add(ctx, lt->c ? lt->c->id : 0, tmpl, &mo, cause);
	free(subject);
	free(body);
	free(marked);
out:
	vars_free(&vs);
	free(ref);
	free(reply_to);
	free(mid);
	return (rv);
}

/*
 * The report to the admin of a mail the server refused for good
 * (gagal-kirim): the daemon hands it to outbox_drain(), which calls it
 * in the transaction that marks the row failed, so each failed row is
 * reported once. A failed report is not reported: no loop.
 */
void
letter_undelivered(struct ctx *ctx, const struct outbox_row *r, int code,
    const char *why)
{
	struct letter	 lt = { 0 };
	char		 scode[16], *cause = NULL;

	if (util_addr_eq(r->rcpt, ctx->conf->admin_address))
		return;
	snprintf(scode, sizeof scode, "%d", code);
	lt.ctx = ctx;
	lt.ref = r->case_ref ? r->case_ref : "-";
	lt.rcpt = r->rcpt;
	lt.code = scode;
	lt.reason = why;
	lt.message_id = r->message_id;
	if (letter_send(&lt, "gagal-kirim", ctx->conf->admin_address, NULL,
	    NULL, &cause) == -1) {
		log_warnx("failure report: %s", cause);
		free(cause);
	}
}

static int
letter_check_one(const struct letter *lt, const char *tmpl, char **cause)
{
	struct vars	 vs = { 0 };
	char		*subject, *body;
	int		 rv;

	letter_vars(lt, &vs, "x", NULL, NULL);
	rv = template_render(lt->ctx->conf->templates_dir, tmpl, vs.v, vs.n,
	    &subject, &body, NULL, cause);
	if (rv == 0) {
		free(subject);
		free(body);
	}
	vars_free(&vs);
	return (rv);
}

/*
 * Renders every template the robot may send - the engine's and those
 * the rules name - so a typo stops the robot at start (or refuses a
 * reload) with file:line, never in a letter to an official.
 */
int
letter_check(struct ctx *ctx, const struct rules *r, char **cause)
{
	struct letter	 lt = { 0 };
	size_t		 i, j;

	lt.ctx = ctx;
	for (i = 0; i < rules_mail_nkinds; i++) {
		if (letter_check_one(&lt, rules_mail_kinds[i].tmpl, cause) ==
		    -1)
			return (-1);
	}
	for (i = 0; i < r->nnotices; i++) {
		if (letter_check_one(&lt, r->notices[i].tmpl, cause) == -1)
			return (-1);
	}
	for (i = 0; i < r->nsops; i++) {
		for (j = 0; j < r->sops[i].nsteps; j++) {
			if ((r->sops[i].steps[j].kind != &step_notice ||
			    r->sops[i].steps[j].role != NULL) &&
			    letter_check_one(&lt, r->sops[i].steps[j].tmpl,
			    cause) == -1)
				return (-1);
		}
	}
	return (0);
}
