/* SPDX-License-Identifier: ISC */
/*
 * rules/: the SOPs admins write, in a small block language described in
 * disposisi.rules(5) and in the comments of the shipped rules/ files.
 *
 * A hand-written lexer and recursive-descent parser in the tradition of
 * OpenBSD's parse.y: keyword tables sorted for bsearch, an include stack
 * (the C stack, bounded to RULES_MAX_DEPTH), and every mistake collected
 * as "file:line:col: message". After an error the parser skips to the end
 * of the statement (the line, or the block opened on it) and goes on, so
 * that one run of `disposisi check` shows every mistake at once.
 *
 * Names are resolved only after every file is read, so a step may name a
 * role or a document that a later file defines. The whole set loads or
 * nothing does: a typo never leaves the robot with half a rule book.
 */

#include <sys/types.h>

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "disposisi.h"
#include "re.h"

#define RULES_MAX_FILE		(1024 * 1024)	/* bytes in one file */
#define RULES_MAX_DEPTH		8		/* includes within includes */
#define RULES_MAX_MINUTES	(365 * 24 * 60)	/* a step's time: a year */
#define RULES_MAX_MONTHS	(100 * 12)
#define RULES_MAX_QUORUM	1000
#define RULES_MAX_KEYWORDS	16		/* in one block's table */
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
	REF_OFFICE	/* skip-when applicant-in-office needs office-domain */
};
struct ref {
	enum ref_type	 type;
	char		*name;
	struct loc	 loc;
	size_t		 sop, step;	/* step NONE: the sop's own */
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

	/* Where the parser is. */
	struct lexer	*lx;
	int		 depth;		/* of includes */
	struct loc	 kw;		/* the keyword being handled */
	struct doctype	*doc;
	struct notice	*notice;
	size_t		 sop, step;	/* indices, NONE outside */
};

/* A keyword of one kind of block, and the function parsing the rest. */
struct keyword {
	const char	*name;
	int		(*fn)(struct parse *);
	int		 multi;		/* may be given more than once */
};

struct block {
	const char	*what;		/* "step", for messages */
	const char	*name;		/* the step's name */
	const struct keyword *kw;
	size_t		 nkw;
	int		 level;		/* 0 a file, 1 top block, 2 a step */
	int		 implicit;	/* its '{' is missing: reported */
	int		 unknown;	/* unknown keywords met */
	struct loc	 open;		/* the '{' */
	int		 first[RULES_MAX_KEYWORDS]; /* line of first use */
};

static void	 perr(struct parse *, const struct loc *, const char *, ...)
		    __attribute__((format(printf, 3, 4)));
static void	 lex_next(struct parse *);
static void	 parse_block(struct parse *, struct block *);
static void	 parse_buf(struct parse *, const char *, char *, size_t);

static int	 kw_document(struct parse *);
static int	 kw_include(struct parse *);
static int	 kw_notice(struct parse *);
static int	 kw_role(struct parse *);
static int	 kw_sop(struct parse *);
static int	 kw_doc_max_size(struct parse *);
static int	 kw_doc_name(struct parse *);
static int	 kw_doc_type(struct parse *);
static int	 kw_notice_body(struct parse *);
static int	 kw_notice_expires(struct parse *);
static int	 kw_notice_from(struct parse *);
static int	 kw_notice_subject(struct parse *);
static int	 kw_notice_template(struct parse *);
static int	 kw_notice_to(struct parse *);
static int	 kw_sop_applicants(struct parse *);
static int	 kw_sop_office_domain(struct parse *);
static int	 kw_sop_prefix(struct parse *);
static int	 kw_sop_requires(struct parse *);
static int	 kw_sop_step(struct parse *);
static int	 kw_step_actor(struct parse *);
static int	 kw_step_document(struct parse *);
static int	 kw_step_kind(struct parse *);
static int	 kw_step_needs(struct parse *);
static int	 kw_step_no(struct parse *);
static int	 kw_step_on(struct parse *);
static int	 kw_step_quorum(struct parse *);
static int	 kw_step_send(struct parse *);
static int	 kw_step_skip_when(struct parse *);
static int	 kw_step_task(struct parse *);
static int	 kw_step_template(struct parse *);
static int	 kw_step_time(struct parse *);
static int	 kw_step_value(struct parse *);
static int	 kw_step_yes(struct parse *);

/* Every table is sorted by name for bsearch; rules_load checks it. */
static const struct keyword top_kw[] = {
	{ "document",		kw_document,		1 },
	{ "include",		kw_include,		1 },
	{ "notice",		kw_notice,		1 },
	{ "role",		kw_role,		1 },
	{ "sop",		kw_sop,			1 },
};
static const struct keyword doc_kw[] = {
	{ "max-size",		kw_doc_max_size,	0 },
	{ "name",		kw_doc_name,		0 },
	{ "type",		kw_doc_type,		0 },
};
static const struct keyword notice_kw[] = {
	{ "body",		kw_notice_body,		0 },
	{ "expires",		kw_notice_expires,	0 },
	{ "from",		kw_notice_from,		0 },
	{ "subject",		kw_notice_subject,	0 },
	{ "template",		kw_notice_template,	0 },
	{ "to",			kw_notice_to,		0 },
};
static const struct keyword sop_kw[] = {
	{ "applicants",		kw_sop_applicants,	0 },
	{ "office-domain",	kw_sop_office_domain,	0 },
	{ "prefix",		kw_sop_prefix,		0 },
	{ "requires",		kw_sop_requires,	0 },
	{ "step",		kw_sop_step,		1 },
};
static const struct keyword step_kw[] = {
	{ "actor",		kw_step_actor,		0 },
	{ "document",		kw_step_document,	0 },
	{ "kind",		kw_step_kind,		0 },
	{ "needs",		kw_step_needs,		0 },
	{ "no",			kw_step_no,		0 },
	{ "on",			kw_step_on,		1 },
	{ "quorum",		kw_step_quorum,		0 },
	{ "send",		kw_step_send,		0 },
	{ "skip-when",		kw_step_skip_when,	0 },
	{ "task",		kw_step_task,		0 },
	{ "template",		kw_step_template,	0 },
	{ "time",		kw_step_time,		0 },
	{ "value",		kw_step_value,		0 },
	{ "yes",		kw_step_yes,		0 },
};

/* The step kinds, one file each (step-*.c); sorted by name. */
struct kind_entry {
	const char		*name;
	const struct step_kind	*kind;
};
static const struct kind_entry step_kinds[] = {
	{ "decision",	&step_decision },
	{ "document",	&step_document },
	{ "notice",	&step_notice },
	{ "quorum",	&step_quorum },
	{ "value",	&step_value },
};

/* What the robot can tell apart by content (sniff.c). */
static const char *doc_types[] = {
	"pdf", "jpeg", "png", "gif", "tiff", "webp", "heic", "bmp"
};

/* Words a target may be besides a step's name. */
static const struct {
	const char		*name;
	enum target_kind	 kind;
} target_words[] = {
	{ "applicant",	TARGET_APPLICANT },
	{ "done",	TARGET_DONE },
	{ "reject",	TARGET_REJECT },
};

/*
 * Errors. Each is kept with its place and sorted before it is shown, so
 * the admin reads them in file order whichever pass found them.
 */

static void
perr_add(struct parse *ps, const struct loc *loc, char *msg)
{
	struct perr	*e;

	ps->errs = xreallocarray(ps->errs, ps->nerrs + 1, sizeof *ps->errs);
	e = &ps->errs[ps->nerrs];
	e->loc = *loc;
	e->seq = ps->nerrs++;
	e->msg = msg;
}

static void
perr(struct parse *ps, const struct loc *loc, const char *fmt, ...)
{
	va_list	 ap;
	char	*m, *msg;

	va_start(ap, fmt);
	xvasprintf(&m, fmt, ap);
	va_end(ap);
	xasprintf(&msg, "%s:%d:%d: %s", ps->files[loc->file], loc->line,
	    loc->col, m);
	free(m);
	perr_add(ps, loc, msg);

	/* A step with errors is not shown to its kind's check. */
	if (ps->sop != NONE && ps->step != NONE)
		ps->info[ps->sop].steps[ps->step].bad = 1;
}

/* An error of the whole directory or of a file that cannot be read. */
static void
perr_dir(struct parse *ps, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void
perr_dir(struct parse *ps, const char *fmt, ...)
{
	struct loc	 loc = { NONE, 0, 0 };
	va_list		 ap;
	char		*msg;

	va_start(ap, fmt);
	xvasprintf(&msg, fmt, ap);
	va_end(ap);
	perr_add(ps, &loc, msg);
}

static int
perr_cmp(const void *a, const void *b)
{
	const struct perr	*x = a, *y = b;

	if (x->loc.file != y->loc.file)
		return (x->loc.file < y->loc.file ? -1 : 1);
	if (x->loc.line != y->loc.line)
		return (x->loc.line < y->loc.line ? -1 : 1);
	if (x->loc.col != y->loc.col)
		return (x->loc.col < y->loc.col ? -1 : 1);
	return (x->seq < y->seq ? -1 : x->seq > y->seq);
}

/* Every error, one a line, sorted; the caller frees. */
static char *
perr_join(struct parse *ps)
{
	char	*out, *p;
	size_t	 i, len = 0;

	qsort(ps->errs, ps->nerrs, sizeof *ps->errs, perr_cmp);
	for (i = 0; i < ps->nerrs; i++)
		len += strlen(ps->errs[i].msg) + 1;
	p = out = xmalloc(len);
	for (i = 0; i < ps->nerrs; i++) {
		if (i > 0)
			*p++ = '\n';
		len = strlen(ps->errs[i].msg);
		memcpy(p, ps->errs[i].msg, len);
		p += len;
	}
	*p = '\0';
	return (out);
}

/* "file:line" of a place, as the structs keep it. */
static char *
where(struct parse *ps, const struct loc *loc)
{
	char	*s;

	xasprintf(&s, "%s:%d", ps->files[loc->file], loc->line);
	return (s);
}

/* A token, for "expected X, got Y". */
static const char *
tok_desc(const struct token *t, char *buf, size_t len)
{
	switch (t->type) {
	case T_EOF:
		return ("end of file");
	case T_NL:
		return ("end of line");
	case T_WORD:
		snprintf(buf, len, "\"%.40s\"", t->s);
		return (buf);
	case T_STRING:
		return ("a quoted string");
	case T_LBRACE:
		return ("'{'");
	case T_RBRACE:
		return ("'}'");
	case T_ERROR:
		break;
	}
	return ("an error");
}

static void
perr_expected(struct parse *ps, const char *what)
{
	const struct token	*t = &ps->lx->tok;
	char			 buf[64];

	/* The lexer said why already. */
	if (t->type == T_ERROR)
		return;
	perr(ps, &t->loc, "expected %s, got %s", what,
	    tok_desc(t, buf, sizeof buf));
}

/* "a, b, c" of a keyword table, for messages. */
static void
keyword_list(const struct keyword *kw, size_t n, char *buf, size_t len)
{
	size_t	 i, off = 0;
	int	 w;

	buf[0] = '\0';
	for (i = 0; i < n && off < len; i++) {
		w = snprintf(buf + off, len - off, "%s%s", i > 0 ? ", " : "",
		    kw[i].name);
		if (w < 0)
			break;
		off += (size_t)w;
	}
}

/*
 * The lexer. Newlines are tokens: they end statements. Columns count
 * characters, not bytes, so they match what an editor shows for a line
 * with Indonesian text in UTF-8.
 */

static int
lex_wordchar(int c)
{
	return ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || (c != '\0' &&
	    strchr("_.@+:/%-", c) != NULL));
}

/* What may follow a word: a blank, a line's end, a brace, a comment. */
static int
lex_delim(const struct lexer *lx)
{
	return (lx->p == lx->end || (*lx->p != '\0' &&
	    strchr(" \t\r\f\v\n{}#", *lx->p) != NULL));
}

static void
lex_advance(struct lexer *lx)
{
	if (*lx->p == '\n') {
		lx->line++;
		lx->col = 1;
	} else if (((unsigned char)*lx->p & 0xc0) != 0x80)
		lx->col++;
	lx->p++;
}

static struct loc
lex_loc(const struct lexer *lx)
{
	struct loc	 loc = { lx->file, lx->line, lx->col };

	return (loc);
}

/*
 * A quoted string, which ends on its line. Double quotes undo \" and \\
 * and refuse any other escape, so a PCRE2 pattern's \d cannot silently
 * lose its backslash: patterns go in single quotes, taken as written.
 */
static void
lex_string(struct parse *ps)
{
	struct lexer	*lx = ps->lx;
	struct token	*t = &lx->tok;
	struct loc	 esc;
	const char	*e;
	char		 q = *lx->p, *buf;
	size_t		 len = 0;
	int		 bad = 0;

	/* Its length first, to allocate it once. */
	for (e = lx->p + 1; e < lx->end && *e != q && *e != '\n'; e++) {
		if (q == '"' && *e == '\\' && e + 1 < lx->end && e[1] != '\n')
			e++;
	}
	buf = xmalloc((size_t)(e - lx->p) + 1);

	lex_advance(lx);
	for (;;) {
		if (lx->p == lx->end || *lx->p == '\n') {
			if (!lx->quiet)
				perr(ps, &t->loc, "unterminated string (a"
				    " string ends on its line)");
			bad = 1;
			break;
		}
		if (*lx->p == q) {
			lex_advance(lx);
			break;
		}
		if (*lx->p == '\0') {
			if (!lx->quiet)
				perr(ps, &t->loc, "NUL byte in a string");
			bad = 1;
		} else if (q == '"' && *lx->p == '\\') {
			esc = lex_loc(lx);
			lex_advance(lx);
			if (lx->p < lx->end &&
			    (*lx->p == '"' || *lx->p == '\\')) {
				buf[len++] = *lx->p;
				lex_advance(lx);
				continue;
			}
			if (!lx->quiet)
				perr(ps, &esc, "unknown escape in a string:"
				    " only \\\" and \\\\ (a pattern goes in"
				    " 'single quotes')");
			bad = 1;
			continue;
		}
		buf[len++] = *lx->p;
		lex_advance(lx);
	}
	buf[len] = '\0';
	if (bad) {
		free(buf);
		t->type = T_ERROR;
		return;
	}
	t->type = T_STRING;
	t->s = buf;
}

/* Reads the next token into lx->tok. */
static void
lex_next(struct parse *ps)
{
	struct lexer	*lx = ps->lx;
	struct token	*t = &lx->tok;
	struct loc	 bad;
	const char	*start;
	unsigned char	 c;

	free(t->s);
	t->s = NULL;
	while (lx->p < lx->end && (*lx->p == ' ' || *lx->p == '\t' ||
	    *lx->p == '\r' || *lx->p == '\f' || *lx->p == '\v'))
		lex_advance(lx);
	if (lx->p < lx->end && *lx->p == '#') {
		while (lx->p < lx->end && *lx->p != '\n')
			lex_advance(lx);
	}
	t->loc = lex_loc(lx);
	if (lx->p == lx->end) {
		t->type = T_EOF;
		return;
	}
	c = (unsigned char)*lx->p;
	switch (c) {
	case '\n':
		t->type = T_NL;
		lex_advance(lx);
		return;
	case '{':
		t->type = T_LBRACE;
		lex_advance(lx);
		return;
	case '}':
		t->type = T_RBRACE;
		lex_advance(lx);
		return;
	case '"':
	case '\'':
		lex_string(ps);
		return;
	}
	if (lex_wordchar(c)) {
		start = lx->p;
		while (lx->p < lx->end && lex_wordchar((unsigned char)*lx->p))
			lex_advance(lx);
		if (lex_delim(lx)) {
			t->type = T_WORD;
			t->s = xstrndup(start, (size_t)(lx->p - start));
			return;
		}
	}

	/*
	 * A character no token has. The rest of the word it is in goes
	 * with it, so "decision;" is one error, not "decision" and then
	 * one more.
	 */
	t->type = T_ERROR;
	bad = lex_loc(lx);
	c = (unsigned char)*lx->p;
	if (!lx->quiet) {
		if (c >= 0x80)
			perr(ps, &bad, "unexpected non-ASCII character (text"
			    " goes in double quotes)");
		else if (c >= 0x20 && c < 0x7f)
			perr(ps, &bad, "unexpected character '%c'", c);
		else
			perr(ps, &bad, "unexpected byte 0x%02x", c);
	}
	do
		lex_advance(lx);
	while (!lex_delim(lx));
}

/*
 * Statements and recovery.
 */

static int
at_end(const struct token *t)
{
	return (t->type == T_NL || t->type == T_EOF || t->type == T_RBRACE);
}

/* The end of a statement: a newline, or a '}' left for the block. */
static int
end_stmt(struct parse *ps)
{
	struct token	*t = &ps->lx->tok;

	if (t->type == T_NL) {
		lex_next(ps);
		return (0);
	}
	if (t->type == T_EOF || t->type == T_RBRACE)
		return (0);
	perr_expected(ps, "end of line");
	return (-1);
}

/*
 * Recovers from an error: skips to the end of the statement, that is the
 * end of the line (and the whole block when one opens on it) or a '}'
 * that closes the enclosing block. The lexer stays quiet meanwhile: one
 * error a statement is enough, the rest would mostly be echoes.
 */
static void
skip_stmt(struct parse *ps)
{
	struct token	*t = &ps->lx->tok;
	int		 depth = 0;

	ps->lx->quiet++;
	for (;;) {
		if (t->type == T_EOF)
			break;
		if (t->type == T_RBRACE) {
			if (depth == 0)
				break;
			depth--;
		} else if (t->type == T_LBRACE)
			depth++;
		else if (t->type == T_NL && depth == 0) {
			/* The next line's first token is not quiet. */
			ps->lx->quiet--;
			lex_next(ps);
			return;
		}
		lex_next(ps);
	}
	ps->lx->quiet--;
}

#define TK_WORD		0x1
#define TK_STRING	0x2

/* The current token if of the types asked, consumed; NULL if not. */
static char *
get_tok(struct parse *ps, struct loc *loc, int types, const char *what)
{
	struct token	*t = &ps->lx->tok;
	char		*s;

	if (!((t->type == T_WORD && (types & TK_WORD)) ||
	    (t->type == T_STRING && (types & TK_STRING)))) {
		perr_expected(ps, what);
		return (NULL);
	}
	if (loc != NULL)
		*loc = t->loc;
	s = t->s;
	t->s = NULL;
	lex_next(ps);
	return (s);
}

/* One or more words up to the end of the statement, and their places. */
static int
get_words(struct parse *ps, const char *what, char ***list, struct loc **locs,
    size_t *n)
{
	struct token	*t = &ps->lx->tok;

	*list = NULL;
	*locs = NULL;
	*n = 0;
	while (t->type == T_WORD) {
		*list = xreallocarray(*list, *n + 1, sizeof **list);
		*locs = xreallocarray(*locs, *n + 1, sizeof **locs);
		(*list)[*n] = t->s;
		(*locs)[(*n)++] = t->loc;
		t->s = NULL;
		lex_next(ps);
	}
	if (*n == 0) {
		perr_expected(ps, what);
		return (-1);
	}
	return (0);
}

static void
free_words(char **list, struct loc *locs, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		free(list[i]);
	free(list);
	free(locs);
}

static int
has_word(char **list, size_t n, const char *s)
{
	size_t	 i;

	for (i = 0; i < n; i++) {
		if (strcmp(list[i], s) == 0)
			return (1);
	}
	return (0);
}

static void
push_word(char ***list, size_t *n, char *s)
{
	*list = xreallocarray(*list, *n + 1, sizeof **list);
	(*list)[(*n)++] = s;
}

static void
add_ref(struct parse *ps, enum ref_type type, const char *name,
    const struct loc *loc)
{
	struct ref	*f;

	ps->refs = xreallocarray(ps->refs, ps->nrefs + 1, sizeof *ps->refs);
	f = &ps->refs[ps->nrefs++];
	f->type = type;
	f->name = xstrdup(name);
	f->loc = *loc;
	f->sop = ps->sop;
	f->step = ps->step;
}

static int
keyword_cmp(const void *key, const void *elem)
{
	return (strcmp(key, ((const struct keyword *)elem)->name));
}

static const struct keyword *
keyword_find(const struct keyword *kw, size_t n, const char *name)
{
	return (bsearch(name, kw, n, sizeof *kw, keyword_cmp));
}

/*
 * A keyword that starts a statement of an enclosing level. Found inside a
 * block, it most likely means the block's '}' was forgotten.
 */
static int
block_opener(const char *w, int level)
{
	if (keyword_find(top_kw, nitems(top_kw), w) != NULL)
		return (1);
	return (level == 2 && strcmp(w, "step") == 0);
}

static void
block_init(struct block *b, const char *what, const char *name,
    const struct keyword *kw, size_t nkw, int level)
{
	memset(b, 0, sizeof *b);
	b->what = what;
	b->name = name;
	b->kw = kw;
	b->nkw = nkw;
	b->level = level;
}

/*
 * Was a keyword given in the block? An unknown keyword counts as any:
 * "kindd decision" is reported once, not again as a missing kind.
 */
static int
block_given(const struct block *b, const char *name)
{
	const struct keyword	*k;

	if ((k = keyword_find(b->kw, b->nkw, name)) == NULL)
		fatalx("%s: no keyword %s", __func__, name);
	return (b->first[k - b->kw] != 0 || b->unknown > 0);
}

/*
 * After a block's header: the '{' ends the header's line. A missing '{'
 * is reported and the block parsed as if it were there, since the lines
 * that follow are most likely its contents; the '}' then closes it. With
 * a broken header (reported), the block is parsed if its '{' is there.
 * Returns -1 when there is no block to parse.
 */
static int
open_block(struct parse *ps, struct block *b, int header_ok)
{
	struct token	*t = &ps->lx->tok;
	struct loc	 eol;
	char		 buf[64];

	if (!header_ok) {
		ps->lx->quiet++;
		while (t->type != T_LBRACE && !at_end(t))
			lex_next(ps);
		ps->lx->quiet--;
		if (t->type != T_LBRACE)
			return (-1);
	}
	if (t->type == T_LBRACE) {
		b->open = t->loc;
		lex_next(ps);
		return (0);
	}
	b->open = ps->kw;
	b->implicit = 1;
	if (t->type == T_NL) {
		eol = t->loc;
		lex_next(ps);
		if (t->type == T_LBRACE) {
			perr(ps, &t->loc, "'{' must be on the line of %s %s",
			    b->what, b->name);
			b->open = t->loc;
			b->implicit = 0;
			lex_next(ps);
			return (0);
		}
		perr(ps, &eol, "expected '{' at the end of the line");
		return (0);
	}
	if (t->type != T_ERROR)
		perr(ps, &t->loc, "expected '{' after %s %s, got %s", b->what,
		    b->name, tok_desc(t, buf, sizeof buf));
	ps->lx->quiet++;
	while (t->type != T_LBRACE && !at_end(t))
		lex_next(ps);
	ps->lx->quiet--;
	if (t->type == T_LBRACE) {
		b->open = t->loc;
		b->implicit = 0;
		lex_next(ps);
	} else if (t->type == T_NL)
		lex_next(ps);
	return (0);
}

/*
 * The statements of a file (level 0) or of a block, up to its '}'. Each
 * starts with a keyword of the block's table; its function parses the
 * rest and returns -1 after reporting an error, and the statement is
 * skipped.
 */
static void
parse_block(struct parse *ps, struct block *b)
{
	const struct keyword	*k;
	struct token		*t = &ps->lx->tok;
	char			 list[256], buf[64];
	size_t			 i;

	for (;;) {
		switch (t->type) {
		case T_NL:
			lex_next(ps);
			continue;
		case T_EOF:
			if (b->level > 0 && !b->implicit)
				perr(ps, &b->open, "'{' of %s %s is never"
				    " closed", b->what, b->name);
			return;
		case T_RBRACE:
			if (b->level == 0) {
				perr(ps, &t->loc, "'}' closes no block");
				lex_next(ps);
				continue;
			}
			lex_next(ps);
			if (end_stmt(ps) == -1)
				skip_stmt(ps);
			return;
		case T_ERROR:
			skip_stmt(ps);
			continue;
		case T_WORD:
			break;
		case T_STRING:
		case T_LBRACE:
			keyword_list(b->kw, b->nkw, list, sizeof list);
			perr(ps, &t->loc, "expected a keyword (%s), got %s",
			    list, tok_desc(t, buf, sizeof buf));
			skip_stmt(ps);
			continue;
		}

		if ((k = keyword_find(b->kw, b->nkw, t->s)) == NULL) {
			if (b->level > 0 && block_opener(t->s, b->level)) {
				if (!b->implicit)
					perr(ps, &t->loc, "missing '}': %s %s"
					    " (line %d) is not closed before"
					    " \"%s\"", b->what, b->name,
					    b->open.line, t->s);
				return;
			}
			b->unknown++;
			keyword_list(b->kw, b->nkw, list, sizeof list);
			if (b->level == 0)
				perr(ps, &t->loc, "unknown keyword \"%s\";"
				    " allowed at the top of a file: %s", t->s,
				    list);
			else
				perr(ps, &t->loc, "unknown keyword \"%s\" in a"
				    " %s; allowed: %s", t->s, b->what, list);
			skip_stmt(ps);
			continue;
		}
		i = (size_t)(k - b->kw);
		if (!k->multi && b->first[i] != 0) {
			perr(ps, &t->loc, "\"%s\" is given twice in %s %s"
			    " (first at line %d)", k->name, b->what, b->name,
			    b->first[i]);
			skip_stmt(ps);
			continue;
		}
		b->first[i] = t->loc.line;
		ps->kw = t->loc;
		lex_next(ps);
		if (k->fn(ps) == -1)
			skip_stmt(ps);
	}
}

/*
 * Values: durations, sizes, numbers, addresses, domains.
 */

static int
is_digit(int c)
{
	return (c >= '0' && c <= '9');
}

static int
is_alnum(int c)
{
	return (is_digit(c) || (c >= 'a' && c <= 'z') ||
	    (c >= 'A' && c <= 'Z'));
}

/* Minutes of "20m", "1h", "1h30m", "2d": units d, h, m in that order. */
static int
parse_minutes(const char *s, int *out)
{
	static const struct {
		char	 unit;
		long	 minutes;
	} units[] = { { 'd', 24 * 60 }, { 'h', 60 }, { 'm', 1 } };
	const char	*p = s;
	size_t		 next = 0, i;
	long		 v, total = 0;

	while (*p != '\0') {
		if (!is_digit(*p))
			return (-1);
		for (v = 0; is_digit(*p); p++) {
			v = v * 10 + (*p - '0');
			if (v > RULES_MAX_MINUTES)
				return (-1);
		}
		for (i = next; i < nitems(units); i++) {
			if (units[i].unit == *p)
				break;
		}
		if (i == nitems(units))
			return (-1);
		total += v * units[i].minutes;
		if (total > RULES_MAX_MINUTES)
			return (-1);
		next = i + 1;
		p++;
	}
	if (total == 0)
		return (-1);
	*out = (int)total;
	return (0);
}

/* Months of "2y", "6mo", "1y6mo": a year is 12 months. */
static int
parse_months(const char *s, int *out)
{
	const char	*p = s;
	long		 v, total = 0;
	int		 seen_mo = 0, seen_y = 0;

	while (*p != '\0') {
		if (!is_digit(*p))
			return (-1);
		for (v = 0; is_digit(*p); p++) {
			v = v * 10 + (*p - '0');
			if (v > RULES_MAX_MONTHS)
				return (-1);
		}
		if (*p == 'y' && !seen_y && !seen_mo) {
			total += v * 12;
			seen_y = 1;
			p++;
		} else if (p[0] == 'm' && p[1] == 'o' && !seen_mo) {
			total += v;
			seen_mo = 1;
			p += 2;
		} else
			return (-1);
		if (total > RULES_MAX_MONTHS)
			return (-1);
	}
	if (total == 0)
		return (-1);
	*out = (int)total;
	return (0);
}

/* Bytes of "800K", "5M", "1G" (powers of 1024) or plain "1048576". */
static int
parse_size(const char *s, size_t *out)
{
	unsigned long long	 v = 0, mult = 1;
	const char		*p = s;

	if (!is_digit(*p))
		return (-1);
	for (; is_digit(*p); p++) {
		if (v > (ULLONG_MAX - 9) / 10)
			return (-1);
		v = v * 10 + (unsigned long long)(*p - '0');
	}
	switch (*p) {
	case 'K':
	case 'k':
		mult = 1024;
		p++;
		break;
	case 'M':
	case 'm':
		mult = 1024 * 1024;
		p++;
		break;
	case 'G':
	case 'g':
		mult = 1024 * 1024 * 1024;
		p++;
		break;
	}
	if (*p != '\0' || v == 0 || v > SIZE_MAX / mult)
		return (-1);
	*out = (size_t)(v * mult);
	return (0);
}

/* A domain: two or more labels of letters, digits and inner '-'. */
static int
domain_ok(const char *d)
{
	const char	*p, *label = d;
	int		 dots = 0;

	if (strlen(d) > 253)
		return (0);
	for (p = d;; p++) {
		if (*p == '.' || *p == '\0') {
			if (p == label || *label == '-' || p[-1] == '-' ||
			    p - label > 63)
				return (0);
			if (*p == '\0')
				break;
			dots++;
			label = p + 1;
		} else if (!is_alnum((unsigned char)*p) && *p != '-')
			return (0);
	}
	return (dots > 0);
}

/* local@domain, the local part of RFC 5322 atoms and inner dots. */
static int
addr_ok(const char *a)
{
	const char	*at, *p;

	if (a == NULL || (at = strchr(a, '@')) == NULL || at == a ||
	    at - a > 64 || *a == '.' || at[-1] == '.')
		return (0);
	for (p = a; p < at; p++) {
		if (!is_alnum((unsigned char)*p) &&
		    strchr(".!#$%&'*+/=?^_`{|}~-", *p) == NULL)
			return (0);
		if (p[0] == '.' && p[1] == '.')
			return (0);
	}
	return (domain_ok(at + 1));
}

/*
 * Top-level statements.
 */

static char *
path_dir(const char *path)
{
	const char	*slash;

	if ((slash = strrchr(path, '/')) == NULL)
		return (xstrdup("."));
	if (slash == path)
		return (xstrdup("/"));
	return (xstrndup(path, (size_t)(slash - path)));
}

/* dir/name; "." is left out, so errors name files as the admin does. */
static char *
path_join(const char *dir, const char *name)
{
	if (name[0] == '/' || strcmp(dir, ".") == 0)
		return (xstrdup(name));
	return (util_path(dir, name));
}

/* Real paths, so that no file is read twice under two names. */
static int
seen_add(struct parse *ps, const char *path, int top)
{
	char	*real;
	size_t	 i;

	if ((real = realpath(path, NULL)) == NULL)
		real = xstrdup(path);
	for (i = 0; i < ps->nseen; i++) {
		if (strcmp(ps->seen[i], real) == 0) {
			free(real);
			return (ps->seen_top[i] ? 2 : 1);
		}
	}
	ps->seen = xreallocarray(ps->seen, ps->nseen + 1, sizeof *ps->seen);
	ps->seen_top = xreallocarray(ps->seen_top, ps->nseen + 1,
	    sizeof *ps->seen_top);
	ps->seen[ps->nseen] = real;
	ps->seen_top[ps->nseen++] = top;
	return (0);
}

/* include "path": relative to the including file's directory. */
static int
kw_include(struct parse *ps)
{
	struct loc	 loc;
	char		*name, *dir, *path, *buf, *why = NULL;
	size_t		 len;

	if ((name = get_tok(ps, &loc, TK_STRING | TK_WORD,
	    "a file name in double quotes")) == NULL)
		return (-1);
	if (end_stmt(ps) == -1) {
		free(name);
		return (-1);
	}
	dir = path_dir(ps->files[ps->lx->file]);
	path = path_join(dir, name);
	free(dir);
	if (ps->depth >= RULES_MAX_DEPTH) {
		perr(ps, &loc, "include \"%s\": includes nested deeper than %d",
		    name, RULES_MAX_DEPTH);
		goto out;
	}
	switch (seen_add(ps, path, 0)) {
	case 1:
		perr(ps, &loc, "include \"%s\": %s is read twice", name, path);
		goto out;
	case 2:
		perr(ps, &loc, "include \"%s\": %s is read twice: every *.conf"
		    " of the directory is read (name included files *.inc)",
		    name, path);
		goto out;
	}
	if ((buf = util_read_file(path, RULES_MAX_FILE, &len, &why)) == NULL) {
		perr(ps, &loc, "include \"%s\": %s", name, why);
		free(why);
		goto out;
	}
	ps->depth++;
	parse_buf(ps, path, buf, len);
	ps->depth--;
out:
	free(path);
	free(name);
	return (0);
}

static void
role_addr(struct parse *ps, struct role *ro, const struct token *t)
{
	char	*a;

	if (!addr_ok(t->s)) {
		perr(ps, &t->loc, "\"%s\" is not an address", t->s);
		return;
	}
	a = util_lower(t->s);
	if (has_word(ro->addrs, ro->naddrs, a)) {
		perr(ps, &t->loc, "%s is listed twice in role %s", a,
		    ro->name);
		free(a);
		return;
	}
	push_word(&ro->addrs, &ro->naddrs, a);
}

/* { ADDRESS ... }: a group, addresses separated by blanks or lines. */
static int
role_group(struct parse *ps, struct role *ro, const struct loc *nloc)
{
	struct token	*t = &ps->lx->tok;
	struct loc	 open = t->loc;
	size_t		 given = 0;

	lex_next(ps);
	for (;;) {
		switch (t->type) {
		case T_NL:
			lex_next(ps);
			continue;
		case T_EOF:
			perr(ps, &open, "'{' of role %s is never closed",
			    ro->name);
			return (0);
		case T_RBRACE:
			if (given == 0)
				perr(ps, nloc, "role %s has no address",
				    ro->name);
			lex_next(ps);
			return (end_stmt(ps));
		case T_ERROR:
			given++;
			lex_next(ps);
			continue;
		case T_LBRACE:
			perr_expected(ps, "an address");
			lex_next(ps);
			continue;
		case T_WORD:
			if (block_opener(t->s, 1)) {
				perr(ps, &t->loc, "missing '}': role %s (line"
				    " %d) is not closed before \"%s\"",
				    ro->name, open.line, t->s);
				return (0);
			}
			/* FALLTHROUGH */
		case T_STRING:
			given++;
			role_addr(ps, ro, t);
			lex_next(ps);
			continue;
		}
	}
}

/* role NAME "TITLE" ADDRESS, or role NAME "TITLE" { ADDRESS ... } */
static int
kw_role(struct parse *ps)
{
	struct rules		*r = ps->r;
	struct token		*t = &ps->lx->tok;
	const struct role	*old;
	struct role		*ro;
	struct loc		 nloc;
	char			*name;

	if ((name = get_tok(ps, &nloc, TK_WORD, "a role name")) == NULL)
		return (-1);
	if (strcmp(name, "applicant") == 0)
		perr(ps, &nloc, "\"applicant\" is no role name: it is the"
		    " actor of the applicant's own steps");
	else if ((old = rules_role(r, name)) != NULL)
		perr(ps, &nloc, "duplicate role \"%s\" (first at %s)", name,
		    old->where);

	/* Kept even when broken, so that steps naming it do not echo. */
	r->roles = xreallocarray(r->roles, r->nroles + 1, sizeof *r->roles);
	ro = &r->roles[r->nroles++];
	memset(ro, 0, sizeof *ro);
	ro->name = name;
	ro->where = where(ps, &ps->kw);

	if ((ro->title = get_tok(ps, NULL, TK_STRING,
	    "the role's title in double quotes")) == NULL)
		return (-1);
	if (t->type == T_LBRACE)
		return (role_group(ps, ro, &nloc));
	if (t->type != T_WORD && t->type != T_STRING) {
		perr_expected(ps, "an address or '{'");
		return (-1);
	}
	role_addr(ps, ro, t);
	lex_next(ps);
	return (end_stmt(ps));
}

/* document NAME "WORDS" { name 'RE' type TYPE ... max-size SIZE } */
static int
kw_document(struct parse *ps)
{
	struct rules		*r = ps->r;
	const struct doctype	*old;
	struct doctype		*d;
	struct block		 b;
	struct loc		 nloc;
	char			*name;

	if ((name = get_tok(ps, &nloc, TK_WORD, "a document name")) == NULL)
		return (-1);
	if ((old = rules_doctype(r, name)) != NULL)
		perr(ps, &nloc, "duplicate document \"%s\" (first at %s)",
		    name, old->where);
	r->docs = xreallocarray(r->docs, r->ndocs + 1, sizeof *r->docs);
	d = &r->docs[r->ndocs++];
	memset(d, 0, sizeof *d);
	d->name = name;
	d->where = where(ps, &ps->kw);
	d->words = get_tok(ps, NULL, TK_STRING,
	    "the words for the applicant in double quotes");

	block_init(&b, "document", name, doc_kw, nitems(doc_kw), 1);
	if (open_block(ps, &b, d->words != NULL) == -1)
		return (-1);
	ps->doc = d;
	parse_block(ps, &b);
	ps->doc = NULL;
	if (!block_given(&b, "name"))
		perr(ps, &nloc, "document %s has no name 'PATTERN'", name);
	if (!block_given(&b, "type"))
		perr(ps, &nloc, "document %s has no type", name);
	return (0);
}

/* notice EVENT "WORDS" { from 'RE' ... template NAME expires N } */
static int
kw_notice(struct parse *ps)
{
	struct rules	*r = ps->r;
	struct notice	*n;
	struct block	 b;
	struct loc	 nloc;
	char		*name;
	size_t		 i;

	if ((name = get_tok(ps, &nloc, TK_WORD, "a notice event")) == NULL)
		return (-1);
	for (i = 0; i < r->nnotices; i++) {
		if (strcmp(r->notices[i].event, name) == 0) {
			perr(ps, &nloc, "duplicate notice \"%s\" (first at"
			    " %s)", name, r->notices[i].where);
			break;
		}
	}
	r->notices = xreallocarray(r->notices, r->nnotices + 1,
	    sizeof *r->notices);
	n = &r->notices[r->nnotices++];
	memset(n, 0, sizeof *n);
	n->event = name;
	n->where = where(ps, &ps->kw);
	n->words = get_tok(ps, NULL, TK_STRING,
	    "the words for the applicant in double quotes");

	block_init(&b, "notice", name, notice_kw, nitems(notice_kw), 1);
	if (open_block(ps, &b, n->words != NULL) == -1)
		return (-1);
	ps->notice = n;
	parse_block(ps, &b);
	ps->notice = NULL;
	/* Anyone can write any subject: a notice is known by its sender. */
	if (!block_given(&b, "from"))
		perr(ps, &nloc, "notice %s has no from pattern: name the"
		    " sender whose mail it is", name);
	if (!block_given(&b, "template"))
		perr(ps, &nloc, "notice %s has no template", name);
	return (0);
}

/* sop NAME "TITLE" { ... step NAME "NUMBER" { ... } ... } */
static int
kw_sop(struct parse *ps)
{
	struct rules		*r = ps->r;
	const struct sop	*old;
	struct sop		*sop;
	struct block		 b;
	struct loc		 nloc;
	char			*name;

	ps->sop_seen = 1;
	if ((name = get_tok(ps, &nloc, TK_WORD, "a sop name")) == NULL)
		return (-1);
	if ((old = rules_sop(r, name)) != NULL)
		perr(ps, &nloc, "duplicate sop \"%s\" (first at %s)", name,
		    old->where);
	r->sops = xreallocarray(r->sops, r->nsops + 1, sizeof *r->sops);
	ps->info = xreallocarray(ps->info, r->nsops + 1, sizeof *ps->info);
	memset(&ps->info[r->nsops], 0, sizeof *ps->info);
	sop = &r->sops[r->nsops++];
	memset(sop, 0, sizeof *sop);
	sop->name = name;
	sop->where = where(ps, &ps->kw);
	sop->title = get_tok(ps, NULL, TK_STRING,
	    "the sop's title in double quotes");

	block_init(&b, "sop", name, sop_kw, nitems(sop_kw), 1);
	if (open_block(ps, &b, sop->title != NULL) == -1)
		return (-1);
	ps->sop = r->nsops - 1;
	parse_block(ps, &b);
	if (!block_given(&b, "prefix"))
		perr(ps, &nloc, "sop %s has no prefix", name);
	if (!block_given(&b, "applicants"))
		perr(ps, &nloc, "sop %s has no applicants (any, or domains)",
		    name);
	if (!block_given(&b, "step"))
		perr(ps, &nloc, "sop %s has no step", name);
	ps->sop = NONE;
	return (0);
}

/*
 * Statements of a document and of a notice.
 */

/* 'PATTERN', compiled now so that a bad one names its line. */
static int
get_pattern(struct parse *ps, struct re **re)
{
	struct token	*t = &ps->lx->tok;
	char		*cause;

	if (t->type != T_STRING) {
		perr_expected(ps, "a 'PATTERN' in single quotes");
		return (-1);
	}
	if ((*re = re_compile(t->s, 0, &cause)) == NULL) {
		perr(ps, &t->loc, "bad pattern: %s", cause);
		free(cause);
		return (-1);
	}
	lex_next(ps);
	return (end_stmt(ps));
}

static int
kw_doc_name(struct parse *ps)
{
	return (get_pattern(ps, &ps->doc->pattern));
}

static int
kw_doc_type(struct parse *ps)
{
	struct doctype	*d = ps->doc;
	struct loc	*locs;
	char		**words;
	size_t		 n, i, j;

	if (get_words(ps, "a file type", &words, &locs, &n) == -1)
		return (-1);
	for (i = 0; i < n; i++) {
		for (j = 0; j < nitems(doc_types); j++) {
			if (strcmp(words[i], doc_types[j]) == 0)
				break;
		}
		if (j == nitems(doc_types))
			perr(ps, &locs[i], "unknown type \"%s\"; allowed: pdf,"
			    " jpeg, png, gif, tiff, webp, heic, bmp",
			    words[i]);
		else if (has_word(d->types, d->ntypes, words[i]))
			perr(ps, &locs[i], "type %s is listed twice",
			    words[i]);
		else {
			push_word(&d->types, &d->ntypes, words[i]);
			words[i] = NULL;
		}
	}
	free_words(words, locs, n);
	return (end_stmt(ps));
}

static int
kw_doc_max_size(struct parse *ps)
{
	struct loc	 loc;
	char		*s;
	int		 rv = 0;

	if ((s = get_tok(ps, &loc, TK_WORD, "a size (5M, 800K)")) == NULL)
		return (-1);
	if (parse_size(s, &ps->doc->max_size) == -1) {
		perr(ps, &loc, "bad size \"%s\": write bytes or K, M, G (800K,"
		    " 5M)", s);
		rv = -1;
	}
	free(s);
	return (rv == 0 ? end_stmt(ps) : -1);
}

static int
kw_notice_from(struct parse *ps)
{
	return (get_pattern(ps, &ps->notice->from));
}

static int
kw_notice_to(struct parse *ps)
{
	return (get_pattern(ps, &ps->notice->to));
}

static int
kw_notice_subject(struct parse *ps)
{
	return (get_pattern(ps, &ps->notice->subject));
}

static int
kw_notice_body(struct parse *ps)
{
	return (get_pattern(ps, &ps->notice->body));
}

/* A template's name; that the template exists is template.c's concern. */
static int
get_template(struct parse *ps, char **tmpl)
{
	struct loc	 loc;
	char		*s;

	if ((s = get_tok(ps, &loc, TK_WORD | TK_STRING,
	    "a template name")) == NULL)
		return (-1);
	if (*s == '\0') {
		perr(ps, &loc, "empty template name");
		free(s);
		return (-1);
	}
	free(*tmpl);
	*tmpl = s;
	return (end_stmt(ps));
}

static int
kw_notice_template(struct parse *ps)
{
	return (get_template(ps, &ps->notice->tmpl));
}

static int
kw_notice_expires(struct parse *ps)
{
	struct loc	 loc;
	char		*s;
	int		 rv = 0;

	if ((s = get_tok(ps, &loc, TK_WORD, "a duration (2y, 6mo)")) == NULL)
		return (-1);
	if (parse_months(s, &ps->notice->expires_months) == -1) {
		perr(ps, &loc, "bad duration \"%s\": expires takes years and"
		    " months (2y, 6mo, 1y6mo)", s);
		rv = -1;
	}
	free(s);
	return (rv == 0 ? end_stmt(ps) : -1);
}

/*
 * Statements of a sop.
 */

static struct sop *
cur_sop(struct parse *ps)
{
	return (&ps->r->sops[ps->sop]);
}

static struct step *
cur_step(struct parse *ps)
{
	return (&ps->r->sops[ps->sop].steps[ps->step]);
}

/* Document names, each checked once every file is read. */
static int
get_docs(struct parse *ps, char ***list, size_t *n)
{
	struct loc	*locs;
	char		**words;
	size_t		 nw, i;

	if (get_words(ps, "a document name", &words, &locs, &nw) == -1)
		return (-1);
	for (i = 0; i < nw; i++) {
		if (has_word(*list, *n, words[i])) {
			perr(ps, &locs[i], "document %s is listed twice",
			    words[i]);
			continue;
		}
		add_ref(ps, REF_DOC, words[i], &locs[i]);
		push_word(list, n, words[i]);
		words[i] = NULL;
	}
	free_words(words, locs, nw);
	return (end_stmt(ps));
}

static int
kw_sop_prefix(struct parse *ps)
{
	struct rules	*r = ps->r;
	struct loc	 loc;
	char		*s;
	size_t		 i;

	if ((s = get_tok(ps, &loc, TK_WORD, "a prefix (TTE)")) == NULL)
		return (-1);
	cur_sop(ps)->prefix = s;
	for (i = 0; s[i] != '\0'; i++) {
		if (!(s[i] >= 'A' && s[i] <= 'Z') &&
		    !(i > 0 && is_digit(s[i])))
			break;
	}
	if (s[i] != '\0' || i > 8) {
		perr(ps, &loc, "bad prefix \"%s\": up to 8 capital letters and"
		    " digits, a letter first (TTE)", s);
		return (-1);
	}
	for (i = 0; i < ps->sop; i++) {
		if (r->sops[i].prefix != NULL &&
		    strcmp(r->sops[i].prefix, s) == 0) {
			perr(ps, &loc, "prefix %s is used by sop %s too", s,
			    r->sops[i].name);
			return (-1);
		}
	}
	return (end_stmt(ps));
}

/* applicants any | DOMAIN ... */
static int
kw_sop_applicants(struct parse *ps)
{
	struct sop	*sop = cur_sop(ps);
	struct loc	*locs;
	char		**words, *d;
	size_t		 n, i;

	if (get_words(ps, "any or a domain", &words, &locs, &n) == -1)
		return (-1);
	for (i = 0; i < n; i++) {
		if (strcmp(words[i], "any") == 0) {
			if (n > 1)
				perr(ps, &locs[i], "\"any\" stands alone:"
				    " anyone, or only the domains listed");
			else
				sop->applicants_any = 1;
			continue;
		}
		if (!domain_ok(words[i])) {
			perr(ps, &locs[i], "\"%s\" is not a domain", words[i]);
			continue;
		}
		d = util_lower(words[i]);
		if (has_word(sop->applicant_domains,
		    sop->napplicant_domains, d)) {
			perr(ps, &locs[i], "domain %s is listed twice", d);
			free(d);
			continue;
		}
		push_word(&sop->applicant_domains, &sop->napplicant_domains,
		    d);
	}
	free_words(words, locs, n);
	return (end_stmt(ps));
}

static int
kw_sop_office_domain(struct parse *ps)
{
	struct loc	 loc;
	char		*s;

	if ((s = get_tok(ps, &loc, TK_WORD, "a domain")) == NULL)
		return (-1);
	if (!domain_ok(s)) {
		perr(ps, &loc, "\"%s\" is not a domain", s);
		free(s);
		return (-1);
	}
	cur_sop(ps)->office_domain = util_lower(s);
	free(s);
	return (end_stmt(ps));
}

static int
kw_sop_requires(struct parse *ps)
{
	struct sop	*sop = cur_sop(ps);

	return (get_docs(ps, &sop->requires, &sop->nrequires));
}

/* step NAME "NUMBER" { ... } */
static int
kw_sop_step(struct parse *ps)
{
	struct sop	*sop = cur_sop(ps);
	struct sopinfo	*info = &ps->info[ps->sop];
	struct step	*st;
	struct block	 b;
	struct loc	 nloc;
	char		*name;
	size_t		 i;

	if ((name = get_tok(ps, &nloc, TK_WORD, "a step name")) == NULL)
		return (-1);
	for (i = 0; i < nitems(target_words); i++) {
		if (strcmp(name, target_words[i].name) == 0)
			perr(ps, &nloc, "\"%s\" is no step name: it is a"
			    " target (done, reject, applicant)", name);
	}
	if (rules_step(sop, name) != NULL)
		perr(ps, &nloc, "duplicate step \"%s\" in sop %s (first at"
		    " %s)", name, sop->name, rules_step(sop, name)->where);

	sop->steps = xreallocarray(sop->steps, sop->nsteps + 1,
	    sizeof *sop->steps);
	info->steps = xreallocarray(info->steps, info->nsteps + 1,
	    sizeof *info->steps);
	st = &sop->steps[sop->nsteps++];
	memset(st, 0, sizeof *st);
	memset(&info->steps[info->nsteps], 0, sizeof *info->steps);
	info->steps[info->nsteps++].loc = nloc;
	st->name = name;
	st->where = where(ps, &ps->kw);
	st->tmpl = xstrdup("disposisi");
	st->number = get_tok(ps, NULL, TK_STRING | TK_WORD,
	    "the step's number in the SOP in double quotes");
	if (st->number != NULL && *st->number == '\0')
		perr(ps, &nloc, "step %s has an empty number", name);

	block_init(&b, "step", name, step_kw, nitems(step_kw), 2);
	if (open_block(ps, &b, st->number != NULL) == -1)
		return (-1);
	ps->step = sop->nsteps - 1;
	parse_block(ps, &b);
	if (!block_given(&b, "kind"))
		perr(ps, &nloc, "step %s has no kind", name);
	if (!block_given(&b, "actor"))
		perr(ps, &nloc, "step %s has no actor", name);
	if (!block_given(&b, "time"))
		perr(ps, &nloc, "step %s has no time", name);
	if (!block_given(&b, "task"))
		perr(ps, &nloc, "step %s has no task", name);
	ps->step = NONE;
	return (0);
}

/*
 * Statements of a step.
 */

static int
kw_step_kind(struct parse *ps)
{
	struct loc	 loc;
	char		*s;

	if ((s = get_tok(ps, &loc, TK_WORD, "a kind")) == NULL)
		return (-1);
	if ((cur_step(ps)->kind = rules_step_kind(s)) == NULL) {
		perr(ps, &loc, "unknown kind \"%s\"; allowed: decision,"
		    " document, notice, quorum, value", s);
		free(s);
		return (-1);
	}
	free(s);
	return (end_stmt(ps));
}

static int
kw_step_actor(struct parse *ps)
{
	struct step	*st = cur_step(ps);
	struct loc	 loc;

	if ((st->actor = get_tok(ps, &loc, TK_WORD,
	    "a role or applicant")) == NULL)
		return (-1);
	if (strcmp(st->actor, "applicant") != 0)
		add_ref(ps, REF_ROLE, st->actor, &loc);
	return (end_stmt(ps));
}

static int
kw_step_time(struct parse *ps)
{
	struct loc	 loc;
	char		*s;
	int		 rv = 0;

	if ((s = get_tok(ps, &loc, TK_WORD, "a duration (20m, 1h)")) == NULL)
		return (-1);
	if (parse_minutes(s, &cur_step(ps)->minutes) == -1) {
		perr(ps, &loc, "bad duration \"%s\": write minutes, hours or"
		    " days (20m, 1h, 1h30m, 2d)", s);
		rv = -1;
	}
	free(s);
	return (rv == 0 ? end_stmt(ps) : -1);
}

static int
kw_step_task(struct parse *ps)
{
	if ((cur_step(ps)->task = get_tok(ps, NULL, TK_STRING,
	    "the task in double quotes")) == NULL)
		return (-1);
	return (end_stmt(ps));
}

static int
kw_step_send(struct parse *ps)
{
	struct step	*st = cur_step(ps);

	return (get_docs(ps, &st->send, &st->nsend));
}

static int
kw_step_needs(struct parse *ps)
{
	struct step	*st = cur_step(ps);

	return (get_docs(ps, &st->needs, &st->nneeds));
}

/* A step's name, done, reject or applicant. */
static int
get_target(struct parse *ps, struct target *to)
{
	struct loc	 loc;
	char		*s;
	size_t		 i;

	if ((s = get_tok(ps, &loc, TK_WORD,
	    "a step, done, reject or applicant")) == NULL)
		return (-1);
	to->where = where(ps, &ps->kw);
	for (i = 0; i < nitems(target_words); i++) {
		if (strcmp(s, target_words[i].name) == 0) {
			to->kind = target_words[i].kind;
			free(s);
			return (end_stmt(ps));
		}
	}
	to->kind = TARGET_STEP;
	to->step = s;
	add_ref(ps, REF_STEP, s, &loc);
	return (end_stmt(ps));
}

static int
kw_step_yes(struct parse *ps)
{
	return (get_target(ps, &cur_step(ps)->yes));
}

static int
kw_step_no(struct parse *ps)
{
	return (get_target(ps, &cur_step(ps)->no));
}

/* on EVENT TARGET */
static int
kw_step_on(struct parse *ps)
{
	struct step	*st = cur_step(ps);
	struct on_event	*on;
	struct loc	 loc;
	char		*s;
	size_t		 i;

	if ((s = get_tok(ps, &loc, TK_WORD, "a notice event")) == NULL)
		return (-1);
	for (i = 0; i < st->non; i++) {
		if (strcmp(st->on[i].event, s) == 0) {
			perr(ps, &loc, "on %s is given twice in step %s", s,
			    st->name);
			free(s);
			return (-1);
		}
	}
	add_ref(ps, REF_EVENT, s, &loc);
	st->on = xreallocarray(st->on, st->non + 1, sizeof *st->on);
	on = &st->on[st->non++];
	memset(on, 0, sizeof *on);
	on->event = s;
	return (get_target(ps, &on->to));
}

static int
kw_step_quorum(struct parse *ps)
{
	struct loc	 loc;
	char		*s;
	const char	*errstr = NULL;
	long		 v = 0;
	size_t		 i;

	if ((s = get_tok(ps, &loc, TK_WORD, "a number")) == NULL)
		return (-1);
	for (i = 0; s[i] != '\0' && errstr == NULL; i++) {
		if (!is_digit(s[i]))
			errstr = "not a whole number";
		else if ((v = v * 10 + (s[i] - '0')) > RULES_MAX_QUORUM)
			errstr = "too large";
	}
	if (errstr == NULL && v < 1)
		errstr = "less than 1";
	if (errstr != NULL) {
		perr(ps, &loc, "bad quorum \"%s\": %s", s, errstr);
		free(s);
		return (-1);
	}
	free(s);
	cur_step(ps)->quorum = (int)v;
	add_ref(ps, REF_QUORUM, "quorum", &loc);
	return (end_stmt(ps));
}

static int
kw_step_document(struct parse *ps)
{
	struct step	*st = cur_step(ps);
	struct loc	 loc;

	if ((st->document = get_tok(ps, &loc, TK_WORD,
	    "a document name")) == NULL)
		return (-1);
	add_ref(ps, REF_DOC, st->document, &loc);
	return (end_stmt(ps));
}

/* value email [domain DOMAIN] | value text */
static int
kw_step_value(struct parse *ps)
{
	struct step	*st = cur_step(ps);
	struct token	*t = &ps->lx->tok;
	struct loc	 loc;
	char		*s;

	if ((st->value_type = get_tok(ps, &loc, TK_WORD,
	    "email or text")) == NULL)
		return (-1);
	if (strcmp(st->value_type, "email") != 0 &&
	    strcmp(st->value_type, "text") != 0) {
		perr(ps, &loc, "unknown value \"%s\"; allowed: email, text",
		    st->value_type);
		return (-1);
	}
	if (t->type != T_WORD || strcmp(t->s, "domain") != 0)
		return (end_stmt(ps));
	if (strcmp(st->value_type, "email") != 0) {
		perr(ps, &t->loc, "domain goes with value email only");
		return (-1);
	}
	lex_next(ps);
	if ((s = get_tok(ps, &loc, TK_WORD, "a domain")) == NULL)
		return (-1);
	if (!domain_ok(s)) {
		perr(ps, &loc, "\"%s\" is not a domain", s);
		free(s);
		return (-1);
	}
	st->value_domain = util_lower(s);
	free(s);
	return (end_stmt(ps));
}

static int
kw_step_skip_when(struct parse *ps)
{
	struct loc	 loc;
	char		*s;

	if ((s = get_tok(ps, &loc, TK_WORD, "a condition")) == NULL)
		return (-1);
	if (strcmp(s, "applicant-in-office") != 0) {
		perr(ps, &loc, "unknown condition \"%s\"; allowed:"
		    " applicant-in-office", s);
		free(s);
		return (-1);
	}
	free(s);
	cur_step(ps)->skip_in_office = 1;
	add_ref(ps, REF_OFFICE, "applicant-in-office", &loc);
	return (end_stmt(ps));
}

static int
kw_step_template(struct parse *ps)
{
	return (get_template(ps, &cur_step(ps)->tmpl));
}

/*
 * After every file: names, reachability, and each kind's own checks.
 */

static void
ref_error(struct parse *ps, const struct ref *f, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void
ref_error(struct parse *ps, const struct ref *f, const char *fmt, ...)
{
	va_list	 ap;
	char	*m;

	va_start(ap, fmt);
	xvasprintf(&m, fmt, ap);
	va_end(ap);
	perr(ps, &f->loc, "%s", m);
	free(m);
	if (f->step != NONE)
		ps->info[f->sop].steps[f->step].bad = 1;
}

static const struct notice *
find_notice(const struct rules *r, const char *event)
{
	size_t	 i;

	for (i = 0; i < r->nnotices; i++) {
		if (strcmp(r->notices[i].event, event) == 0)
			return (&r->notices[i]);
	}
	return (NULL);
}

static void
resolve_ref(struct parse *ps, const struct ref *f)
{
	struct rules	*r = ps->r;
	struct sop	*sop = &r->sops[f->sop];
	struct step	*st = f->step != NONE ? &sop->steps[f->step] : NULL;

	switch (f->type) {
	case REF_ROLE:
		if ((st->role = rules_role(r, f->name)) == NULL)
			ref_error(ps, f, "unknown role \"%s\": an actor is a"
			    " role or applicant", f->name);
		break;
	case REF_DOC:
		if (rules_doctype(r, f->name) == NULL)
			ref_error(ps, f, "unknown document \"%s\"", f->name);
		break;
	case REF_EVENT:
		if (find_notice(r, f->name) == NULL)
			ref_error(ps, f, "unknown notice event \"%s\"",
			    f->name);
		break;
	case REF_STEP:
		if (rules_step(sop, f->name) == NULL) {
			ref_error(ps, f, "unknown step \"%s\" in sop %s: a"
			    " target is a step, done, reject or applicant",
			    f->name, sop->name);
			ps->info[f->sop].lost = 1;
		}
		break;
	case REF_QUORUM:
		if (st->actor == NULL)
			break;
		if (strcmp(st->actor, "applicant") == 0)
			ref_error(ps, f, "quorum needs a group as actor, not"
			    " the applicant");
		else if (st->role == NULL)
			break;
		else if (st->role->naddrs == 1)
			ref_error(ps, f, "quorum on role %s, a single person",
			    st->role->name);
		else if ((size_t)st->quorum > st->role->naddrs)
			ref_error(ps, f, "quorum %d is larger than role %s"
			    " (%zu members)", st->quorum, st->role->name,
			    st->role->naddrs);
		break;
	case REF_OFFICE:
		if (sop->office_domain == NULL)
			ref_error(ps, f, "skip-when applicant-in-office needs"
			    " an office-domain in sop %s", sop->name);
		break;
	}
}

static void
reach(const struct sop *sop, const struct target *to, int *seen,
    size_t *queue, size_t *tail)
{
	size_t	 i;

	if (to->kind != TARGET_STEP)
		return;
	for (i = 0; i < sop->nsteps; i++) {
		if (strcmp(sop->steps[i].name, to->step) == 0)
			break;
	}
	if (i < sop->nsteps && !seen[i]) {
		seen[i] = 1;
		queue[(*tail)++] = i;
	}
}

/*
 * Every step is reached from the first by yes, no and on targets. Not
 * checked when a target names no step (it may be the one meant), nor for
 * a step whose name is reported already (a duplicate or a target word).
 */
static void
check_reach(struct parse *ps, size_t isop)
{
	const struct sop	*sop = &ps->r->sops[isop];
	const struct step	*st;
	size_t			*queue, head = 0, tail = 0, i, j;
	int			*seen;

	if (sop->nsteps == 0 || ps->info[isop].lost)
		return;
	seen = xcalloc(sop->nsteps, sizeof *seen);
	queue = xcalloc(sop->nsteps, sizeof *queue);
	seen[0] = 1;
	queue[tail++] = 0;
	while (head < tail) {
		st = &sop->steps[queue[head++]];
		reach(sop, &st->yes, seen, queue, &tail);
		reach(sop, &st->no, seen, queue, &tail);
		for (i = 0; i < st->non; i++)
			reach(sop, &st->on[i].to, seen, queue, &tail);
	}
	for (i = 0; i < sop->nsteps; i++) {
		if (seen[i] || rules_step(sop, sop->steps[i].name) !=
		    &sop->steps[i])
			continue;
		for (j = 0; j < nitems(target_words); j++) {
			if (strcmp(sop->steps[i].name,
			    target_words[j].name) == 0)
				break;
		}
		if (j == nitems(target_words))
			perr(ps, &ps->info[isop].steps[i].loc, "step %s is"
			    " never reached from the first step, %s",
			    sop->steps[i].name, sop->steps[0].name);
	}
	free(queue);
	free(seen);
}

static void
resolve(struct parse *ps)
{
	struct rules		*r = ps->r;
	const struct step	*st;
	const struct stepinfo	*si;
	char			*cause;
	size_t			 i, j;

	/* Roles first: the quorum checks need them. */
	for (i = 0; i < ps->nrefs; i++) {
		if (ps->refs[i].type == REF_ROLE)
			resolve_ref(ps, &ps->refs[i]);
	}
	for (i = 0; i < ps->nrefs; i++) {
		if (ps->refs[i].type != REF_ROLE)
			resolve_ref(ps, &ps->refs[i]);
	}
	for (i = 0; i < r->nsops; i++) {
		check_reach(ps, i);
		for (j = 0; j < r->sops[i].nsteps; j++) {
			st = &r->sops[i].steps[j];
			si = &ps->info[i].steps[j];
			if (si->bad || st->kind == NULL ||
			    st->kind->check == NULL)
				continue;
			cause = NULL;
			if (st->kind->check(&r->sops[i], st, &cause) == -1)
				perr(ps, &si->loc, "%s", cause != NULL ?
				    cause : "refused by its kind");
			free(cause);
		}
	}
}

/*
 * Loading.
 */

/* One file, read whole: its bytes count towards the version. */
static void
parse_buf(struct parse *ps, const char *path, char *buf, size_t len)
{
	struct lexer	 lx, *saved = ps->lx;
	struct block	 b;

	ps->files = xreallocarray(ps->files, ps->nfiles + 1,
	    sizeof *ps->files);
	ps->files[ps->nfiles] = xstrdup(path);
	if (len > 0) {
		ps->bytes = xreallocarray(ps->bytes, ps->nbytes + len, 1);
		memcpy(ps->bytes + ps->nbytes, buf, len);
		ps->nbytes += len;
	}

	memset(&lx, 0, sizeof lx);
	lx.file = ps->nfiles++;
	lx.p = buf;
	lx.end = buf + len;
	lx.line = 1;
	lx.col = 1;
	ps->lx = &lx;
	lex_next(ps);
	block_init(&b, "file", path, top_kw, nitems(top_kw), 0);
	parse_block(ps, &b);
	free(lx.tok.s);
	ps->lx = saved;
	free(buf);
}

static int
rules_conf_file(const struct dirent *d)
{
	size_t	 n = strlen(d->d_name);

	return (d->d_name[0] != '.' && n > 5 &&
	    strcmp(d->d_name + n - 5, ".conf") == 0);
}

/* Byte order, whatever the locale: the order files are read in. */
static int
rules_name_cmp(const struct dirent **a, const struct dirent **b)
{
	return (strcmp((*a)->d_name, (*b)->d_name));
}

static int
step_kind_cmp(const void *key, const void *elem)
{
	return (strcmp(key, ((const struct kind_entry *)elem)->name));
}

/* bsearch finds nothing in an unsorted table, silently: check them. */
static void
rules_tables_check(void)
{
	static const struct {
		const struct keyword	*kw;
		size_t			 n;
	} tabs[] = {
		{ top_kw, nitems(top_kw) },
		{ doc_kw, nitems(doc_kw) },
		{ notice_kw, nitems(notice_kw) },
		{ sop_kw, nitems(sop_kw) },
		{ step_kw, nitems(step_kw) },
	};
	size_t	 i, j;

	for (i = 0; i < nitems(tabs); i++) {
		if (tabs[i].n > RULES_MAX_KEYWORDS)
			fatalx("%s: table %zu too long", __func__, i);
		for (j = 1; j < tabs[i].n; j++) {
			if (strcmp(tabs[i].kw[j - 1].name,
			    tabs[i].kw[j].name) >= 0)
				fatalx("%s: %s out of order", __func__,
				    tabs[i].kw[j].name);
		}
	}
	for (j = 1; j < nitems(step_kinds); j++) {
		if (strcmp(step_kinds[j - 1].name, step_kinds[j].name) >= 0)
			fatalx("%s: %s out of order", __func__,
			    step_kinds[j].name);
	}
}

static void
parse_free(struct parse *ps)
{
	size_t	 i;

	for (i = 0; i < ps->nfiles; i++)
		free(ps->files[i]);
	free(ps->files);
	for (i = 0; i < ps->nseen; i++)
		free(ps->seen[i]);
	free(ps->seen);
	free(ps->seen_top);
	free(ps->bytes);
	for (i = 0; i < ps->nerrs; i++)
		free(ps->errs[i].msg);
	free(ps->errs);
	for (i = 0; i < ps->nrefs; i++)
		free(ps->refs[i].name);
	free(ps->refs);
	for (i = 0; ps->r != NULL && i < ps->r->nsops; i++)
		free(ps->info[i].steps);
	free(ps->info);
}

struct rules *
rules_load(const char *dir, char **cause)
{
	struct parse	 ps;
	struct rules	*r;
	struct dirent	**names;
	char		**paths, *buf, *why, hex[SHA256_HEX_LEN + 1];
	size_t		 len;
	int		 n, i;

	*cause = NULL;
	rules_tables_check();
	if ((n = scandir(dir, &names, rules_conf_file, rules_name_cmp)) ==
	    -1) {
		xasprintf(cause, "%s: %s", dir, strerror(errno));
		return (NULL);
	}
	memset(&ps, 0, sizeof ps);
	ps.r = xcalloc(1, sizeof *ps.r);
	ps.dir = dir;
	ps.sop = ps.step = NONE;

	/*
	 * Every *.conf is known before the first is read, so that an
	 * include naming one is refused: it would be read twice.
	 */
	paths = xcalloc((size_t)n + 1, sizeof *paths);
	for (i = 0; i < n; i++) {
		paths[i] = path_join(dir, names[i]->d_name);
		seen_add(&ps, paths[i], 1);
		free(names[i]);
	}
	free(names);
	if (n == 0)
		perr_dir(&ps, "%s: no *.conf file", dir);
	for (i = 0; i < n; i++) {
		why = NULL;
		if ((buf = util_read_file(paths[i], RULES_MAX_FILE, &len,
		    &why)) == NULL) {
			perr_dir(&ps, "%s", why);
			free(why);
		} else
			parse_buf(&ps, paths[i], buf, len);
		free(paths[i]);
	}
	free(paths);

	resolve(&ps);
	if (n > 0 && !ps.sop_seen)
		perr_dir(&ps, "%s: no sop is defined", dir);

	r = ps.r;
	crypto_sha256(ps.nbytes > 0 ? (void *)ps.bytes : (void *)"",
	    ps.nbytes, hex);
	memcpy(r->version, hex, sizeof r->version - 1);
	r->version[sizeof r->version - 1] = '\0';
	if (ps.nerrs > 0) {
		*cause = perr_join(&ps);
		parse_free(&ps);
		rules_free(r);
		return (NULL);
	}
	parse_free(&ps);
	return (r);
}

static void
free_list(char **list, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		free(list[i]);
	free(list);
}

static void
step_free(struct step *st)
{
	size_t	 i;

	free(st->name);
	free(st->number);
	free(st->actor);
	free(st->task);
	free_list(st->send, st->nsend);
	free_list(st->needs, st->nneeds);
	free(st->yes.step);
	free(st->yes.where);
	free(st->no.step);
	free(st->no.where);
	for (i = 0; i < st->non; i++) {
		free(st->on[i].event);
		free(st->on[i].to.step);
		free(st->on[i].to.where);
	}
	free(st->on);
	free(st->document);
	free(st->value_type);
	free(st->value_domain);
	free(st->tmpl);
	free(st->where);
}

void
rules_free(struct rules *r)
{
	struct sop	*sop;
	size_t		 i, j;

	if (r == NULL)
		return;
	for (i = 0; i < r->nroles; i++) {
		free(r->roles[i].name);
		free(r->roles[i].title);
		free_list(r->roles[i].addrs, r->roles[i].naddrs);
		free(r->roles[i].where);
	}
	free(r->roles);
	for (i = 0; i < r->ndocs; i++) {
		free(r->docs[i].name);
		free(r->docs[i].words);
		re_free(r->docs[i].pattern);
		free_list(r->docs[i].types, r->docs[i].ntypes);
		free(r->docs[i].where);
	}
	free(r->docs);
	for (i = 0; i < r->nnotices; i++) {
		free(r->notices[i].event);
		free(r->notices[i].words);
		re_free(r->notices[i].from);
		re_free(r->notices[i].to);
		re_free(r->notices[i].subject);
		re_free(r->notices[i].body);
		free(r->notices[i].tmpl);
		free(r->notices[i].where);
	}
	free(r->notices);
	for (i = 0; i < r->nsops; i++) {
		sop = &r->sops[i];
		free(sop->name);
		free(sop->title);
		free(sop->prefix);
		free_list(sop->applicant_domains, sop->napplicant_domains);
		free(sop->office_domain);
		free_list(sop->requires, sop->nrequires);
		for (j = 0; j < sop->nsteps; j++)
			step_free(&sop->steps[j]);
		free(sop->steps);
		free(sop->where);
	}
	free(r->sops);
	free(r);
}

/*
 * Look-ups. The sets are small (a dozen of each), so a linear search is
 * plenty and keeps the SOP's order.
 */

const struct role *
rules_role(const struct rules *r, const char *name)
{
	size_t	 i;

	for (i = 0; name != NULL && i < r->nroles; i++) {
		if (strcmp(r->roles[i].name, name) == 0)
			return (&r->roles[i]);
	}
	return (NULL);
}

const struct role *
rules_role_by_addr(const struct rules *r, const char *addr)
{
	size_t	 i;

	for (i = 0; addr != NULL && i < r->nroles; i++) {
		if (rules_role_has(&r->roles[i], addr))
			return (&r->roles[i]);
	}
	return (NULL);
}

int
rules_role_has(const struct role *role, const char *addr)
{
	size_t	 i;

	for (i = 0; role != NULL && addr != NULL && i < role->naddrs; i++) {
		if (util_addr_eq(role->addrs[i], addr))
			return (1);
	}
	return (0);
}

const struct doctype *
rules_doctype(const struct rules *r, const char *name)
{
	size_t	 i;

	for (i = 0; name != NULL && i < r->ndocs; i++) {
		if (strcmp(r->docs[i].name, name) == 0)
			return (&r->docs[i]);
	}
	return (NULL);
}

const struct sop *
rules_sop(const struct rules *r, const char *name)
{
	size_t	 i;

	for (i = 0; name != NULL && i < r->nsops; i++) {
		if (strcmp(r->sops[i].name, name) == 0)
			return (&r->sops[i]);
	}
	return (NULL);
}

const struct step *
rules_step(const struct sop *sop, const char *name)
{
	size_t	 i;

	for (i = 0; sop != NULL && name != NULL && i < sop->nsteps; i++) {
		if (strcmp(sop->steps[i].name, name) == 0)
			return (&sop->steps[i]);
	}
	return (NULL);
}

/*
 * "applicants any" admits any well-formed address; otherwise the domain
 * after the '@' must be one listed, exactly (a subdomain is another
 * domain), whatever its case.
 */
int
rules_applicant_ok(const struct sop *sop, const char *addr)
{
	const char	*at;
	size_t		 i;

	if (sop == NULL || !addr_ok(addr))
		return (0);
	if (sop->applicants_any)
		return (1);
	at = strchr(addr, '@');
	for (i = 0; i < sop->napplicant_domains; i++) {
		if (strcasecmp(at + 1, sop->applicant_domains[i]) == 0)
			return (1);
	}
	return (0);
}

const struct step_kind *
rules_step_kind(const char *name)
{
	const struct kind_entry	*k;

	if (name == NULL)
		return (NULL);
	k = bsearch(name, step_kinds, nitems(step_kinds),
	    sizeof step_kinds[0], step_kind_cmp);
	return (k != NULL ? k->kind : NULL);
}
