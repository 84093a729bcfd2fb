/* SPDX-License-Identifier: ISC */
/*
 * `disposisi show -f FILE CASE [-v] [--json]`: a case as an admin reads
 * it, like `systemctl status`: a header (applicant, state in words,
 * where it waits and for how many office minutes against the standard,
 * the documents held), then one line per happening - mail in, answers,
 * events, mail out - "time  who  what", in the order they were written,
 * even within one second (the rows' "seq", store-schema.c). Identifiers,
 * hashes and full details only with -v, or --json, which keeps every
 * row under stable keys (and is `export`'s kasus.json). Read-only: safe
 * while the robot runs. `status REF` prints through show_case(); times
 * are the office's (local_time(), clock.c).
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "disposisi.h"
#include "re.h"

/*
 * Every happening of the case, in the order it was written: by the
 * number each row took (store-schema.c, "seq"); rows from before that
 * number by second, then cause before effect (the mail, its answer, the
 * events, the mail sent), then by row.
 */
static const char *const show_timeline =
	"SELECT local_time(t) AS time, what, who, detail, message_id, source,"
	" kind, reason, step, status, seal, inbound FROM ("
	" SELECT i.received_at AS t, i.seq AS s, 0 AS r, i.id AS o, 'mail in"
	"  (' || i.kind || ')' AS what, i.sender AS who, coalesce(i.note,"
	"  i.subject) AS detail, i.message_id, 'in' AS source, i.kind,"
	"  (SELECT d.reason FROM dispatches d WHERE d.case_id = c.id AND"
	"  d.inbound_id = i.id AND d.reason IS NOT NULL) AS reason, NULL AS"
	"  step, NULL AS status, NULL AS seal, i.id AS inbound FROM inbound i"
	"  JOIN cases c ON c.id = i.case_id WHERE c.ref = upper(?1)"
	" UNION ALL SELECT d.answered_at, d.answered_seq, 1, d.id, 'answer ' ||"
	"  coalesce(d.verdict, '') || ' at ' || d.step_name, d.official ||"
	"  coalesce(' a.n. ' || d.on_behalf, ''), d.reason, NULL, 'answer',"
	"  d.verdict, d.reason, d.step_name, NULL, NULL, d.inbound_id FROM"
	"  dispatches d JOIN cases c ON c.id = d.case_id WHERE c.ref ="
	"  upper(?1) AND d.answered_at IS NOT NULL"
	" UNION ALL SELECT e.at, e.seq, 2, e.id, e.event, e.actor, e.detail,"
	"  NULL, 'event', e.event, NULL, NULL, NULL, e.seal, NULL FROM"
	"  case_events e JOIN cases c ON c.id = e.case_id WHERE c.ref ="
	"  upper(?1)"
	" UNION ALL SELECT o.created_at, o.seq, 3, o.id, 'mail out (' ||"
	"  o.kind || ', ' || o.status || ')', o.rcpt, o.last_error,"
	"  o.message_id, 'out', o.kind, NULL, NULL, o.status, NULL, NULL FROM"
	"  outbox o JOIN cases c ON c.id = o.case_id WHERE c.ref = upper(?1)"
	") ORDER BY s IS NOT NULL, s, t, r, o";
enum { TL_TIME, TL_WHAT, TL_WHO, TL_DETAIL, TL_MID, TL_SOURCE, TL_KIND,
	TL_REASON, TL_STEP, TL_STATUS, TL_SEAL, TL_INBOUND };

static const char *const show_head =
	"SELECT ref AS \"case\", sop, state, step_name AS step, round,"
	" applicant, applicant_first AS applied_from, applicant_name AS name,"
	" subject, reason, rules_version AS rules, local_time(opened_at) AS"
	" opened, local_time(closed_at) AS closed, local_time(step_since) AS"
	" since, step_since, local_date(expires_at) AS expires, (SELECT o.ref"
	" FROM cases o WHERE o.id = cases.renews) AS renews,"
	" local_date(purged_at) || ' (retention: mail and documents removed,"
	" their SHA-256 kept)' AS files_removed FROM cases WHERE ref ="
	" upper(?)";
enum { HD_REF, HD_SOP, HD_STATE, HD_STEP, HD_ROUND, HD_APPLICANT,
	HD_FIRST, HD_NAME, HD_SUBJECT, HD_REASON, HD_RULES, HD_OPENED,
	HD_CLOSED, HD_SINCE, HD_STEP_SINCE, HD_EXPIRES, HD_RENEWS, HD_REMOVED };

static const char *const show_documents =
	"SELECT d.filename, d.kind, d.content_type, d.size, d.sha256, d.step"
	" AS came_at FROM documents d JOIN cases c ON c.id = d.case_id WHERE"
	" c.ref = upper(?) ORDER BY d.id";

/* The documents by kind, each kind where its first came. */
static const char *const show_kinds =
	"SELECT coalesce(d.kind, '?'), group_concat(d.filename, ', ') FROM"
	" documents d JOIN cases c ON c.id = d.case_id WHERE c.ref = upper(?)"
	" GROUP BY d.kind ORDER BY min(d.id)";

/* Who the case waits on at its step now. */
static const char *const show_waiting =
	"SELECT d.official FROM dispatches d JOIN cases c ON c.id = d.case_id"
	" AND d.step_name = c.step_name AND d.round = c.round WHERE c.ref ="
	" upper(?) AND d.answered_at IS NULL ORDER BY d.id";

static const char *const show_dispatches =
	"SELECT d.step_name AS step, d.round, d.role, d.official, d.on_behalf,"
	" local_time(d.sent_at) AS sent, local_time(d.answered_at) AS"
	" answered, d.verdict AS answer, d.reason FROM dispatches d JOIN cases"
	" c ON c.id = d.case_id WHERE c.ref = upper(?) ORDER BY d.id";

static const char *const show_steps =
	"SELECT t.step, t.round, t.office_minutes, t.standard_minutes, CASE"
	" WHEN t.office_minutes > t.standard_minutes THEN 'late' ELSE"
	" 'on time' END AS verdict FROM step_times t JOIN cases c ON c.id ="
	" t.case_id WHERE c.ref = upper(?) ORDER BY t.id";

/* The case as JSON: every row of every part, keyed as they always were. */
static const struct show_part show_parts[] = {
	{ &show_head, "case", NULL, NULL },
	{ &show_timeline, "timeline", NULL, NULL },
	{ &show_documents, "documents", NULL, NULL },
	{ &show_dispatches, "dispositions", NULL, NULL },
	{ &show_steps, "steps", NULL, NULL }
};

/* A case's states in words. */
static const char *const show_states[] = {
	[CASE_WAIT_DOCS] = "waiting for the applicant's missing documents",
	[CASE_OPEN] = "open",
	[CASE_RETURNED] = "returned to the applicant",
	[CASE_DONE] = "finished",
	[CASE_REJECTED] = "rejected",
	[CASE_CANCELLED] = "cancelled"
};

/*
 * What each event says in a line: the actor acted, or the robot did
 * (SHOW_ROBOT) to the actor (SHOW_TO, an object lines may share); %s
 * takes the detail (SHOW_WHOM: said as who), or it follows after ": "
 * (SHOW_DETAIL), or shows only with -v. Events that repeat their mail's line (the application,
 * the applicant's follow-up) print none (SHOW_QUIET).
 */
#define SHOW_DISPOSITION "disposition at %s to"
#define SHOW_ENTERED	"now at step "
#define SHOW_ROBOT	0x1
#define SHOW_TO		0x2
#define SHOW_DETAIL	0x4
#define SHOW_QUIET	0x8
#define SHOW_WHOM	0x10	/* the detail is an address: said as who */
static const struct {
	const char	*event;
	int		 flags;
	const char	*words;
} show_events[] = {
	{ "ams-menyelesaikan", SHOW_DETAIL, "notice settles the step" },
	{ "ams-tercatat", 0, "notice %s kept for its step" },
	{ "di-luar-kantor", 0, "answered with an out-of-office reply" },
	{ "dialihkan", SHOW_DETAIL, "reassigned" },
	{ "dibaca", 0, "read the mail" },
	{ "dibatalkan", SHOW_DETAIL, "cancelled the case" },
	{ "dikirim-ulang", SHOW_DETAIL, "sent the disposition again" },
	{ "disposisi", SHOW_ROBOT | SHOW_TO, SHOW_DISPOSITION },
	{ "ditolak-masuk", SHOW_DETAIL, "mail refused" },
	{ "ekspor-data", SHOW_DETAIL, "exported the case's data" },
	{ "eskalasi", SHOW_ROBOT | SHOW_TO | SHOW_WHOM, "escalation (%s late)"
	    " to" },
	{ "hapus-data", SHOW_ROBOT | SHOW_DETAIL, "files removed under"
	    " retention" },
	{ "jawaban-ditolak", SHOW_DETAIL, "answer refused" },
	{ "jenis-berkas", SHOW_ROBOT | SHOW_DETAIL, "documents recognised" },
	{ "kirim-ulang", SHOW_DETAIL, "queued mail again" },
	{ "konfirmasi-diminta", 0, "answered %s by the case tag only:"
	    " confirmation asked" },
	{ "pembaharuan", 0, "applied for renewal: case %s" },
	{ "pengingat", SHOW_ROBOT | SHOW_TO, "reminder at %s to" },
	{ "permohonan", SHOW_QUIET, NULL },
	{ "surat", SHOW_DETAIL, "wrote" },
	{ "surat-susulan", SHOW_QUIET, NULL },
	{ "surel-pantul", SHOW_DETAIL, "mail bounced" },
	{ "tautan-ditahan", 0, "link %s withheld" },
	{ "terbukti", SHOW_DETAIL, "notice proves the step" },
	{ "tidak-dikirim", SHOW_ROBOT | SHOW_TO, "not mailed (%s) to" }
};

/* A case being shown: its head's cells and what the lines need. */
struct show {
	struct ctx	*ctx;
	struct table	 head;
	FILE		*f;
	int		 verbose;
	char		*last_who, *last_verb, *last_time;	/* joining */
	int		 last_obj;	/* the verb took an object */
	size_t		 last_width;	/* of the line's what */
};
#define SHOW_HEAD(sh, c)	TABLE_CELL(&(sh)->head, 0, (c))
#define SHOW_WHO_MAX	30	/* columns; a longer title is cut */
#define SHOW_WHAT_MAX	120	/* columns, unless -v */

/* An AMS address: one the notices' rules come from. */
static int
show_is_ams(const struct rules *r, const char *addr)
{
	size_t	 i;

	for (i = 0; i < r->nnotices; i++) {
		if (r->notices[i].from != NULL && re_match(r->notices[i].from,
		    addr, strlen(addr), NULL, NULL) == 1)
			return (1);
	}
	return (0);
}

/*
 * Who, as an admin reads it: "robot", "pemohon", "AMS", "admin", the
 * title of an official's role (a group's member by mailbox and role:
 * "andi (verifikator)", brief: "andi", as the object of a line whose
 * step names the role), or the address of anyone else.
 */
static char *
show_who(struct show *sh, const char *addr, int brief)
{
	const struct role	*role;
	const char		*a = SHOW_HEAD(sh, HD_APPLICANT);
	const char		*first = SHOW_HEAD(sh, HD_FIRST);
	char			*w;
	int			 at;

	if (addr == NULL || *addr == '\0' || strcmp(addr, "retensi") == 0)
		return (xstrdup("robot"));
	if (strchr(addr, '@') == NULL)
		return (xstrdup(addr));		/* admin, AMS */
	if ((a && strcasecmp(addr, a) == 0) || (first && strcasecmp(addr,
	    first) == 0))
		return (xstrdup("pemohon"));
	if ((role = rules_role_by_addr(sh->ctx->rules, addr)) != NULL) {
		if (role->naddrs < 2)
			return (xstrdup(role->title));
		at = (int)(strchr(addr, '@') - addr);
		xasprintf(&w, brief ? "%.*s" : "%.*s (%s)", at, addr,
		    role->name);
		return (w);
	}
	if (show_is_ams(sh->ctx->rules, addr))
		return (xstrdup("AMS"));
	return (xstrdup(addr));
}

/* A rule's "note - file:line" without its place: that is for -v. */
static char *
show_note(const char *note)
{
	const char	*p = strstr(note, " - ");
	const char	*q;

	while (p != NULL && strstr(p + 3, " - ") != NULL)
		p = strstr(p + 3, " - ");
	if (p == NULL || strchr(p + 3, ' ') != NULL ||
	    (q = strrchr(p, ':')) == NULL || q[1] == '\0' ||
	    q[strspn(q + 1, "0123456789") + 1] != '\0')
		return (xstrdup(note));
	return (xstrndup(note, (size_t)(p - note)));
}

/* "proses at kadis -> selesai at terbit (round 15)" in words. */
static char *
show_state_words(const char *detail)
{
	enum case_state	 to;
	const char	*arrow = detail ? strstr(detail, " -> ") : NULL;
	char		*st, *step, *w;

	if (arrow == NULL)
		return (xstrdup(detail ? detail : "state changed"));
	st = xstrdup(arrow + 4);
	step = strstr(st, " at ");
	if (step != NULL) {
		*step = '\0';
		step += 4;
		step[strcspn(step, " ")] = '\0';
	}
	if (step == NULL || case_state_parse(st, &to) == -1)
		w = xstrdup(detail);
	else if (to == CASE_OPEN)
		xasprintf(&w, SHOW_ENTERED "%s", step);
	else if (case_state_closed(to))
		xasprintf(&w, "case closed: %s (%s) at step %s",
		    show_states[to], st, step);
	else
		xasprintf(&w, "%s (step %s)", show_states[to], step);
	free(st);
	return (w);
}

/* An event's line: who and what (and to whom, *obj, to merge). */
static int
show_event(struct show *sh, char **cell, char **who, char **verb,
    char **obj)
{
	const char	*ev = cell[TL_KIND], *d = cell[TL_DETAIL];
	char		*whom = NULL;
	size_t		 i;
	int		 fl;

	if (strcmp(ev, "state") == 0) {
		*who = xstrdup("robot");
		*verb = show_state_words(d);
		return (1);
	}
	for (i = 0; i < sizeof show_events / sizeof show_events[0]; i++) {
		if (strcmp(show_events[i].event, ev) == 0)
			break;
	}
	if (i == sizeof show_events / sizeof show_events[0]) {
		*who = show_who(sh, cell[TL_WHO], 0);
		xasprintf(verb, "%s%s%s", ev, d ? ": " : "", d ? d : "");
		return (1);
	}
	if ((fl = show_events[i].flags) & SHOW_QUIET)
		return (0);
	*who = fl & SHOW_ROBOT ? xstrdup("robot") : show_who(sh,
	    cell[TL_WHO], 0);
	if (fl & SHOW_TO)
		*obj = show_who(sh, cell[TL_WHO], 1);
	if ((fl & SHOW_WHOM) && d != NULL)
		d = whom = show_who(sh, d, 0);
	if (strstr(show_events[i].words, "%s") != NULL)
		xasprintf(verb, show_events[i].words, d ? d : "?");
	else if ((fl & SHOW_DETAIL) && d != NULL)
		xasprintf(verb, "%s: %s", show_events[i].words, d);
	else
		*verb = xstrdup(show_events[i].words);
	free(whom);
	return (1);
}

/* A kind of mail whose sending an event records (its line says it). */
static int
show_told(const char *kind)
{
	static const char *const told[] = {
		"disposisi", "pengingat", "eskalasi"
	};
	size_t	 i;

	for (i = 0; i < sizeof told / sizeof told[0]; i++) {
		if (strcmp(kind, told[i]) == 0)
			return (1);
	}
	return (0);
}

/* One row of the timeline as who, what, and an object to merge. */
static int
show_row(struct show *sh, char **cell, char **who, char **verb, char **obj)
{
	const char	*src = cell[TL_SOURCE], *r = cell[TL_STATUS];
	char		*note;

	*who = *verb = *obj = NULL;
	if (strcmp(src, "event") == 0)
		return (show_event(sh, cell, who, verb, obj));
	if (strcmp(src, "out") == 0) {
		/* A mail its event says, sent, is that line, but for -v. */
		if (!sh->verbose && r != NULL && strcmp(r, "sent") == 0 &&
		    show_told(cell[TL_KIND]))
			return (0);
		*who = xstrdup("robot");
		*verb = xstrdup("mailed");
		note = show_who(sh, cell[TL_WHO], 1);
		if (r != NULL && strcmp(r, "sent") == 0)
			xasprintf(obj, "%s to %s", cell[TL_KIND], note);
		else
			xasprintf(obj, "%s to %s (%s%s%s)", cell[TL_KIND], note,
			    r ? r : "?", cell[TL_DETAIL] ? ": " : "",
			    cell[TL_DETAIL] ? cell[TL_DETAIL] : "");
		free(note);
		return (1);
	}
	if (strcmp(src, "answer") == 0) {
		/* An answer by mail is the mail's line; a step left, none. */
		if (cell[TL_INBOUND] != NULL || cell[TL_KIND] == NULL ||
		    strcmp(cell[TL_KIND], "-") == 0)
			return (0);
		*who = show_who(sh, cell[TL_WHO], 0);
		xasprintf(verb, "%s at step %s%s%s", cell[TL_KIND],
		    cell[TL_STEP], cell[TL_REASON] ? ": " : "",
		    cell[TL_REASON] ? cell[TL_REASON] : "");
		return (1);
	}
	*who = show_who(sh, cell[TL_WHO], 0);
	note = show_note(cell[TL_DETAIL] ? cell[TL_DETAIL] : cell[TL_WHAT]);
	if ((r = cell[TL_REASON]) != NULL)
		xasprintf(verb, "%s: \"%s\"", note, r);
	else
		*verb = xstrdup(note);
	free(note);
	return (1);
}

/* The details a line leaves to -v: identifiers, seals, the rule. */
static void
show_verbose(struct show *sh, char **cell)
{
	if (cell[TL_DETAIL] != NULL && strcmp(cell[TL_SOURCE], "in") == 0)
		fprintf(sh->f, "%25s%s\n", "", cell[TL_DETAIL]);
	if (cell[TL_MID] != NULL)
		fprintf(sh->f, "%25sMessage-ID <%s>\n", "", cell[TL_MID]);
	if (strcmp(cell[TL_SOURCE], "event") == 0) {
		fprintf(sh->f, "%25sevent %s%s%s\n", "", cell[TL_KIND],
		    cell[TL_DETAIL] ? ": " : "", cell[TL_DETAIL] ?
		    cell[TL_DETAIL] : "");
		if (cell[TL_SEAL] != NULL)
			fprintf(sh->f, "%25sseal %s\n", "", cell[TL_SEAL]);
	}
}

/*
 * What the line before takes of this one, or NULL: more objects of the
 * same verb in the same minute ("disposition at periksa-berkas to" three
 * verifiers), or the dispositions of the step it just entered; while the
 * line fits SHOW_WHAT_MAX.
 */
static char *
show_join(struct show *sh, const char *time, const char *who,
    const char *verb, const char *obj)
{
	char	*j = NULL, *step;

	if (obj == NULL || sh->last_verb == NULL || sh->verbose ||
	    strcmp(time, sh->last_time) != 0 || strcmp(who, sh->last_who) != 0)
		return (NULL);
	if (sh->last_obj && strcmp(verb, sh->last_verb) == 0)
		xasprintf(&j, ", %s", obj);
	else if (!sh->last_obj && strncmp(sh->last_verb, SHOW_ENTERED,
	    strlen(SHOW_ENTERED)) == 0) {
		xasprintf(&step, SHOW_DISPOSITION, sh->last_verb +
		    strlen(SHOW_ENTERED));
		if (strcmp(step, verb) == 0)
			xasprintf(&j, ", disposition to %s", obj);
		free(step);
	}
	if (j != NULL && sh->last_width + table_width(j) > SHOW_WHAT_MAX) {
		free(j);
		j = NULL;
	}
	return (j);
}

/* Prints one line, or joins it to the line before (show_join). */
static void
show_line(struct show *sh, const char *time, char *who, char *verb,
    char *obj)
{
	char	*what;

	if ((what = show_join(sh, time, who, verb, obj)) != NULL) {
		table_cell(sh->f, what, 0, 0);
		sh->last_width += table_width(what);
		free(what);
		free(who);
		free(obj);
	} else {
		if (sh->last_time != NULL)
			fputc('\n', sh->f);
		fputs(time, sh->f);
		fputs("  ", sh->f);
		table_cell(sh->f, who, SHOW_WHO_MAX, 1);
		fputs("  ", sh->f);
		if (obj != NULL)
			xasprintf(&what, "%s %s", verb, obj);
		else
			what = xstrdup(verb);
		table_cell(sh->f, what, sh->verbose ? 0 : SHOW_WHAT_MAX, 0);
		sh->last_width = table_width(what);
		free(what);
		free(obj);
		free(sh->last_time);
		free(sh->last_who);
		sh->last_time = xstrdup(time);
		sh->last_who = who;
	}
	free(sh->last_verb);
	sh->last_verb = verb;
	sh->last_obj = obj != NULL;
}

/* The timeline, a line per happening. 0, or -1. */
static int
show_timeline_print(struct show *sh, const char *ref)
{
	struct table	 t;
	char		*who, *verb, *obj;
	size_t		 r;

	if (store_table(sh->ctx->store, show_timeline, ref, &t) == -1)
		return (-1);
	for (r = 0; r < t.nrows; r++) {
		if (!show_row(sh, &TABLE_CELL(&t, r, 0), &who, &verb, &obj))
			continue;
		show_line(sh, TABLE_CELL(&t, r, TL_TIME), who, verb, obj);
		if (sh->verbose) {
			fputc('\n', sh->f);
			show_verbose(sh, &TABLE_CELL(&t, r, 0));
			free(sh->last_time);
			sh->last_time = NULL;
		}
	}
	if (sh->last_time != NULL)
		fputc('\n', sh->f);
	store_table_free(&t);
	return (0);
}

/* Where an open case waits: on whom, since when, for how long. */
static int
show_wait(struct show *sh, const char *ref, enum case_state state)
{
	const struct sop	*sop;
	const struct step	*s;
	struct table		 w;
	size_t			 i;
	long			 took;
	char			*who, *label;

	if (case_state_closed(state))
		return (0);
	if (store_table(sh->ctx->store, show_waiting, ref, &w) == -1)
		return (-1);
	fprintf(sh->f, "Waits:      at step %s on ", SHOW_HEAD(sh, HD_STEP));
	if (state != CASE_OPEN || w.nrows == 0)
		fputs(state == CASE_OPEN ? "nobody (the robot's turn)" :
		    "pemohon", sh->f);
	for (i = 0; state == CASE_OPEN && i < w.nrows; i++) {
		label = show_who(sh, TABLE_CELL(&w, i, 0), 0);
		xasprintf(&who, "%s%s <%s>", i ? ", " : "", label,
		    TABLE_CELL(&w, i, 0));
		table_cell(sh->f, who, 0, 0);
		free(label);
		free(who);
	}
	store_table_free(&w);
	fprintf(sh->f, "\n            since %s", SHOW_HEAD(sh, HD_SINCE) ?
	    SHOW_HEAD(sh, HD_SINCE) : "-");
	sop = rules_sop(sh->ctx->rules, SHOW_HEAD(sh, HD_SOP));
	s = sop ? rules_step(sop, SHOW_HEAD(sh, HD_STEP)) : NULL;
	if (state == CASE_OPEN && s != NULL && SHOW_HEAD(sh, HD_STEP_SINCE)) {
		took = cal_office_minutes(&sh->ctx->rules->cal, (time_t)
		    strtoll(SHOW_HEAD(sh, HD_STEP_SINCE), NULL, 10),
		    clock_now());
		fprintf(sh->f, ": %ld office minutes of a standard %d%s", took,
		    s->minutes, s->minutes > 0 && took > s->minutes ? " (LATE)" :
		    "");
	}
	fputc('\n', sh->f);
	return (0);
}

/* The documents held, by kind: "ktp: ktp.jpg, ktp-baru.jpg". */
static int
show_docs(struct show *sh, const char *ref)
{
	struct table	 d;
	size_t		 i;

	if (store_table(sh->ctx->store, show_kinds, ref, &d) == -1)
		return (-1);
	fputs("Documents:", sh->f);
	if (d.nrows == 0)
		fputs("  (none)", sh->f);
	for (i = 0; i < d.nrows; i++) {
		fputs("\n            ", sh->f);
		table_cell(sh->f, TABLE_CELL(&d, i, 0), 0, 0);
		fputs(": ", sh->f);
		table_cell(sh->f, TABLE_CELL(&d, i, 1), 0, 0);
	}
	fputc('\n', sh->f);
	store_table_free(&d);
	return (0);
}

/* A header line "Label:      value" when the value is there. */
static void
show_field(struct show *sh, const char *label, int col)
{
	if (SHOW_HEAD(sh, col) == NULL)
		return;
	fprintf(sh->f, "%-12s", label);
	table_cell(sh->f, SHOW_HEAD(sh, col), 0, 0);
	fputc('\n', sh->f);
}

/* The head: who applied, the state in words, the wait, the documents. */
static int
show_header(struct show *sh, const char *ref)
{
	enum case_state	 st;
	const char	*name = SHOW_HEAD(sh, HD_NAME);
	const char	*a = SHOW_HEAD(sh, HD_APPLICANT);
	const char	*first = SHOW_HEAD(sh, HD_FIRST);
	char		*who;

	if (case_state_parse(SHOW_HEAD(sh, HD_STATE), &st) == -1)
		st = CASE_OPEN;
	fprintf(sh->f, "%s  (SOP %s, rules %s)\n", SHOW_HEAD(sh, HD_REF),
	    SHOW_HEAD(sh, HD_SOP), SHOW_HEAD(sh, HD_RULES) ?
	    SHOW_HEAD(sh, HD_RULES) : "-");
	if (first != NULL && strcasecmp(first, a) != 0)
		xasprintf(&who, "%s <%s>, first wrote from <%s>", name ? name :
		    "(name unknown)", a, first);
	else
		xasprintf(&who, "%s <%s>", name ? name : "(name unknown)", a);
	fputs("Applicant:  ", sh->f);
	table_cell(sh->f, who, 0, 0);
	free(who);
	fprintf(sh->f, "\nState:      %s (%s) at step %s", show_states[st],
	    SHOW_HEAD(sh, HD_STATE), SHOW_HEAD(sh, HD_STEP));
	if (SHOW_HEAD(sh, HD_REASON) != NULL && (st == CASE_REJECTED ||
	    st == CASE_CANCELLED)) {
		fputs(": ", sh->f);
		table_cell(sh->f, SHOW_HEAD(sh, HD_REASON), 0, 0);
	}
	fputc('\n', sh->f);
	if (show_wait(sh, ref, st) == -1)
		return (-1);
	show_field(sh, "Opened:", HD_OPENED);
	show_field(sh, "Closed:", HD_CLOSED);
	show_field(sh, "Expires:", HD_EXPIRES);
	show_field(sh, "Renews:", HD_RENEWS);
	show_field(sh, "Removed:", HD_REMOVED);
	return (show_docs(sh, ref));
}

/*
 * Prints a view's parts, each query given arg: as text, under their
 * titles, a blank line between two; or as one JSON object of
 * "key": [rows]. 0, or -1 when a part could not be read (said).
 */
int
show_print(struct store *st, FILE *f, const struct show_part *p, size_t n,
    const char *arg, int json)
{
	size_t	 i;
	int	 rows, rv = 0;

	for (i = 0; i < n; i++) {
		if (json) {
			fprintf(f, "%s\"%s\": ", i ? ", " : "{", p[i].key);
			rv |= store_print_json(st, f, *p[i].sql, arg);
			continue;
		}
		if (p[i].title != NULL)
			fprintf(f, "%s%s:\n", i ? "\n" : "", p[i].title);
		if ((rows = store_print(st, f, *p[i].sql, arg)) == 0 &&
		    p[i].none)
			fprintf(f, "  %s\n", p[i].none);
		rv |= rows;
	}
	if (json)
		fputs("}\n", f);
	return (rv < 0 ? -1 : 0);
}

/* The case as text: the header, a blank line, the timeline. */
static int
show_text(struct ctx *ctx, const char *ref, FILE *f, int verbose)
{
	struct show	 sh;
	int		 rv;

	memset(&sh, 0, sizeof sh);
	sh.ctx = ctx;
	sh.f = f;
	sh.verbose = verbose;
	if (store_table(ctx->store, show_head, ref, &sh.head) == -1)
		return (-1);
	if (sh.head.nrows != 1)
		rv = -1;
	else if ((rv = show_header(&sh, ref)) == 0) {
		fputc('\n', f);
		rv = show_timeline_print(&sh, ref);
	}
	free(sh.last_time);
	free(sh.last_who);
	free(sh.last_verb);
	store_table_free(&sh.head);
	return (rv);
}

/*
 * Prints the case ref to f: as text (SHOW_VERBOSE: with identifiers and
 * seals), or with SHOW_JSON as JSON (the heart of `export`'s
 * kasus.json). 1 printed; 0, saying so, when there is no such case; -1
 * when it could not be read.
 */
int
show_case(struct ctx *ctx, const char *ref, FILE *f, int how)
{
	int64_t	 id;

	if ((id = store_case_find(ctx->store, ref, NULL, 0)) <= 0) {
		if (id == 0)
			fprintf(stderr, "disposisi: no case %s\n", ref);
		return ((int)id);
	}
	if (how & SHOW_JSON) {
		if (show_print(ctx->store, f, show_parts, sizeof show_parts /
		    sizeof show_parts[0], ref, 1) == -1)
			return (-1);
	} else if (show_text(ctx, ref, f, how & SHOW_VERBOSE) == -1) {
		fprintf(stderr, "disposisi: %s cannot be read\n", ref);
		return (-1);
	}
	return (1);
}

static const struct option show_opts[] = {
	{ "json", no_argument, NULL, 'j' },
	{ "verbose", no_argument, NULL, 'v' },
	{ NULL, 0, NULL, 0 }
};

static int
cmd_show(const struct cmd_entry *self, struct ctx *ctx, struct args *a)
{
	(void)self;
	switch (show_case(ctx, a->argv[0], stdout, (args_has(a, 'j') ?
	    SHOW_JSON : 0) | (args_has(a, 'v') ? SHOW_VERBOSE : 0))) {
	case 1:
		return (0);
	case 0:
		return (65);
	}
	return (1);
}

const struct cmd_entry cmd_show_entry = {
	.name = "show",
	.usage = "-f FILE CASE [-v] [--json]",
	.args = { "f:v", 1, 1, show_opts },
	.needs = CMD_CONF | CMD_RULES | CMD_DB,
	.exec = cmd_show
};
