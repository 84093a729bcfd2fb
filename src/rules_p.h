/* SPDX-License-Identifier: ISC */
/*
 * The rules module's own header, included only by its files; the rest of
 * the robot sees struct rules and the rules_* look-ups of disposisi.h.
 *
 *   rules-lex.c	tokens, the lexer, and the list of errors
 *   rules-parse.c	blocks, their keyword tables, recovery after an
 *			error, and the statements that open a block
 *   rules-kw.c		the statements inside blocks, one function a
 *			keyword: a sop's, and the values they take
 *   rules-kw-doc.c	a document's and a notice's statements
 *   rules-kw-step.c	a step's statements
 *   rules-kw-mail.c	"mail" lines: which of the robot's mails go out
 *   rules.c		loading: files, includes, names resolved once
 *			every file is read, reachability, the kinds'
 *			checks; freeing; look-ups
 *
 * Every file works on one struct parse, the state of one rules_load.
 * Include it after disposisi.h, whose structs it uses.
 */
#ifndef RULES_P_H
#define RULES_P_H

#include <stddef.h>
#include <stdint.h>

#define NONE			SIZE_MAX

#define nitems(a)	(sizeof (a) / sizeof (a)[0])

enum tok_type {
	T_EOF,
	T_NL,
	T_WORD,
	T_STRING,	/* "double" (escapes undone) or 'single' (raw) */
	T_LBRACE,
	T_RBRACE,
	T_ERROR		/* a lexical error, reported already */
};

struct loc {
	size_t		 file;		/* in parse->files; NONE: the dir */
	int		 line;
	int		 col;		/* 1-based, in characters */
};

struct token {
	enum tok_type	 type;
	char		*s;		/* T_WORD, T_STRING */
	struct loc	 loc;
};

struct lexer {
	size_t		 file;
	const char	*p, *end;
	int		 line, col;	/* of *p */
	int		 quiet;		/* skipping a broken statement */
	struct token	 tok;		/* the current token, not consumed */
};

struct perr {
	struct loc	 loc;
	size_t		 seq;		/* keeps sorting stable */
	char		*msg;
};

/* A name, or a check, that waits until every file is read. */
enum ref_type {
	REF_ROLE,	/* a step's actor */
	REF_DOC,	/* send, needs, requires, document */
	REF_EVENT,	/* on EVENT */
	REF_STEP,	/* a target naming a step */
	REF_QUORUM,	/* quorum N against the actor's group */
	REF_OFFICE,	/* skip-when applicant-in-office needs office-domain */
	REF_SOP		/* renews SOP */
};
struct ref {
	enum ref_type	 type;
	char		*name;
	struct loc	 loc;
	size_t		 sop, step;	/* step NONE: the sop's own */
};

/* "supervisor SUP ROLE", "delegate ROLE ...": resolved once every role is
 * known (for a delegate, sup is NULL and index names r->delegates). */
struct supref {
	char		*sup, *role;
	struct loc	 sup_loc, role_loc;
	size_t		 delegate;
};

/* A mail line's names, checked once every file is read. */
struct mailinfo {
	struct loc	 loc;		/* of the template's name */
	char		**roles;
	struct loc	*locs;
	size_t		 nroles;
};

/* What the parser knows of a step and the structs do not keep. */
struct stepinfo {
	struct loc	 loc;		/* of the step's name */
	int		 bad;		/* has errors: skip its kind check */
};
struct sopinfo {
	struct stepinfo	*steps;		/* parallel to sop->steps */
	size_t		 nsteps;
	int		 lost;		/* a target names no step */
};

struct parse {
	struct rules	*r;
	const char	*dir;
	char		**files;	/* as printed, in read order */
	size_t		 nfiles;
	char		**seen;		/* real paths read or to be read */
	int		*seen_top;	/* a *.conf of the directory */
	size_t		 nseen;
	unsigned char	*bytes;		/* all bytes read, for the version */
	size_t		 nbytes;
	struct perr	*errs;
	size_t		 nerrs;
	struct ref	*refs;
	size_t		 nrefs;
	struct sopinfo	*info;		/* parallel to r->sops */
	int		 sop_seen;	/* a "sop" keyword, even a broken one */
	struct supref	*sups;		/* supervisor lines, resolved last */
	size_t		 nsups;
	struct mailinfo	*mailinfo;	/* parallel to r->mails */
	struct loc	 report_loc;	/* report monthly to ROLE: the role */

	/* Where the parser is. */
	struct lexer	*lx;
	int		 depth;		/* of includes */
	struct loc	 kw;		/* the keyword being handled */
	struct doctype	*doc;
	struct notice	*notice;
	size_t		 sop, step;	/* indices, NONE outside */
};

/* A word a target may be besides a step's name. */
struct target_word {
	const char		*name;
	enum target_kind	 kind;
};

/* The token types rules_lex_get_tok may take. */
#define TK_WORD		0x1
#define TK_STRING	0x2

/*
 * rules-lex.c. Errors are collected, never printed here: rules_load
 * joins them once every file is read.
 */
void		 rules_lex_error(struct parse *, const struct loc *,
		    const char *, ...) __attribute__((format(printf, 3, 4)));
void		 rules_lex_error_dir(struct parse *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));
void		 rules_lex_expected(struct parse *, const char *);
/* Every error, one a line, sorted; the caller frees. */
char		*rules_lex_error_join(struct parse *);
/* "file:line" of a place, as the structs keep it; the caller frees. */
char		*rules_lex_where(struct parse *, const struct loc *);
const char	*rules_lex_tok_desc(const struct token *, char *, size_t);
void		 rules_lex_next(struct parse *);
int		 rules_lex_end_stmt(struct parse *);
/* The token's string, now the caller's, or NULL (reported). */
char		*rules_lex_get_tok(struct parse *, struct loc *, int,
		    const char *);
int		 rules_lex_get_words(struct parse *, const char *, char ***,
		    struct loc **, size_t *);
void		 rules_lex_free_words(char **, struct loc *, size_t);
int		 rules_lex_has_word(char **, size_t, const char *);
/* Appends s, which the list then owns. */
void		 rules_lex_push_word(char ***, size_t *, char *);

/* rules-cal.c: office hours, holidays, supervisors, reminder thresholds. */
int		 rules_cal_timezone(struct parse *);
int		 rules_cal_hours(struct parse *);
int		 rules_cal_holiday(struct parse *);
int		 rules_cal_supervisor(struct parse *);
int		 rules_cal_delegate(struct parse *);
int		 rules_cal_remind(struct parse *);
int		 rules_cal_escalate(struct parse *);
void		 rules_cal_default(struct calendar *);
void		 rules_cal_resolve(struct parse *);

/* rules-kw-mail.c: which mails go out. */
int		 rules_kw_mail(struct parse *);
void		 rules_kw_mail_resolve(struct parse *);
void		 rules_kw_mail_free(struct rules *);

/* rules-parse.c */
/* Parses one file's bytes, then frees buf; path is kept for errors. */
void		 rules_parse_file(struct parse *, const char *, char *, size_t);
void		 rules_parse_tables_check(void);

/*
 * rules-kw*.c: a statement's keyword is read, the function parses the
 * rest and returns -1 after reporting an error (the statement is then
 * skipped), 0 otherwise.
 */
extern const struct target_word	rules_kw_targets[];
extern const size_t		rules_kw_ntargets;
/* local@domain: a role's addresses, an applicant's. */
int		 rules_kw_addr_ok(const char *);
/* The values and names the statements of rules-kw-*.c share. */
void		 rules_kw_ref(struct parse *, enum ref_type, const char *,
		    const struct loc *);
int		 rules_kw_digit(int);
int		 rules_kw_minutes(const char *, int *);
int		 rules_kw_months(const char *, int *);
int		 rules_kw_size(const char *, size_t *);
int		 rules_kw_domain_ok(const char *);
int		 rules_kw_pattern(struct parse *, struct re **);
int		 rules_kw_template(struct parse *, char **);
int		 rules_kw_docs(struct parse *, char ***, size_t *);
int		 rules_kw_doc_max_size(struct parse *);
int		 rules_kw_notice_anytime(struct parse *);
int		 rules_kw_notice_personal(struct parse *);
int		 rules_kw_step_proved_by(struct parse *);
int		 rules_kw_shared_mailbox(struct parse *);
int		 rules_kw_sop_subject(struct parse *);
int		 rules_kw_sop_renews(struct parse *);
int		 rules_kw_sop_expiry(struct parse *);
int		 rules_kw_doc_name(struct parse *);
int		 rules_kw_doc_content(struct parse *);
int		 rules_kw_doc_not(struct parse *);
int		 rules_kw_doc_holds_nik(struct parse *);
int		 rules_kw_doc_type(struct parse *);
int		 rules_kw_notice_body(struct parse *);
int		 rules_kw_notice_expires(struct parse *);
int		 rules_kw_notice_from(struct parse *);
int		 rules_kw_notice_subject(struct parse *);
int		 rules_kw_notice_template(struct parse *);
int		 rules_kw_notice_to(struct parse *);
int		 rules_kw_sop_applicants(struct parse *);
int		 rules_kw_sop_office_domain(struct parse *);
int		 rules_kw_sop_prefix(struct parse *);
int		 rules_kw_sop_requires(struct parse *);
int		 rules_kw_step_actor(struct parse *);
int		 rules_kw_step_document(struct parse *);
int		 rules_kw_step_kind(struct parse *);
int		 rules_kw_step_needs(struct parse *);
int		 rules_kw_step_no(struct parse *);
int		 rules_kw_step_on(struct parse *);
int		 rules_kw_step_quorum(struct parse *);
int		 rules_kw_step_send(struct parse *);
int		 rules_kw_step_skip_when(struct parse *);
int		 rules_kw_step_task(struct parse *);
int		 rules_kw_step_template(struct parse *);
int		 rules_kw_step_time(struct parse *);
int		 rules_kw_step_value(struct parse *);
int		 rules_kw_step_yes(struct parse *);
/* The Head's report: a step's activity name, the monthly mail. */
int		 rules_kw_step_activity(struct parse *);
int		 rules_kw_report(struct parse *);

/* rules.c */
/* include "path", a top-level statement: it reads another file. */
int		 rules_include(struct parse *);

#endif /* RULES_P_H */
