/* SPDX-License-Identifier: ISC */
/*
 * The rules language's tokens: the lexer, the getters every statement
 * uses to take its words and strings, and the list of errors that every
 * pass of rules_load adds to.
 *
 * Nothing here stops at a mistake. An error is kept with its place and
 * the lexer goes on, quietly while the parser skips a broken statement,
 * so that one run shows every mistake of every file.
 */

#include <sys/types.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "disposisi.h"
#include "rules_p.h"

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

void
rules_lex_error(struct parse *ps, const struct loc *loc, const char *fmt, ...)
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
void
rules_lex_error_dir(struct parse *ps, const char *fmt, ...)
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
char *
rules_lex_error_join(struct parse *ps)
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
char *
rules_lex_where(struct parse *ps, const struct loc *loc)
{
	char	*s;

	xasprintf(&s, "%s:%d", ps->files[loc->file], loc->line);
	return (s);
}

/* A token, for "expected X, got Y". */
const char *
rules_lex_tok_desc(const struct token *t, char *buf, size_t len)
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

void
rules_lex_expected(struct parse *ps, const char *what)
{
	const struct token	*t = &ps->lx->tok;
	char			 buf[64];

	/* The lexer said why already. */
	if (t->type == T_ERROR)
		return;
	rules_lex_error(ps, &t->loc, "expected %s, got %s", what,
	    rules_lex_tok_desc(t, buf, sizeof buf));
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
				rules_lex_error(ps, &t->loc, "unterminated"
				    " string (a string ends on its line)");
			bad = 1;
			break;
		}
		if (*lx->p == q) {
			lex_advance(lx);
			break;
		}
		if (*lx->p == '\0') {
			if (!lx->quiet)
				rules_lex_error(ps, &t->loc,
				    "NUL byte in a string");
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
				rules_lex_error(ps, &esc, "unknown escape in a"
				    " string: only \\\" and \\\\ (a pattern"
				    " goes in 'single quotes')");
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
void
rules_lex_next(struct parse *ps)
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
			rules_lex_error(ps, &bad, "unexpected non-ASCII"
			    " character (text goes in double quotes)");
		else if (c >= 0x20 && c < 0x7f)
			rules_lex_error(ps, &bad, "unexpected character '%c'",
			    c);
		else
			rules_lex_error(ps, &bad, "unexpected byte 0x%02x", c);
	}
	do
		lex_advance(lx);
	while (!lex_delim(lx));
}

/*
 * Taking tokens: what a statement's function reads its words with.
 */

/* The end of a statement: a newline, or a '}' left for the block. */
int
rules_lex_end_stmt(struct parse *ps)
{
	struct token	*t = &ps->lx->tok;

	if (t->type == T_NL) {
		rules_lex_next(ps);
		return (0);
	}
	if (t->type == T_EOF || t->type == T_RBRACE)
		return (0);
	rules_lex_expected(ps, "end of line");
	return (-1);
}

/* The current token if of the types asked, consumed; NULL if not. */
char *
rules_lex_get_tok(struct parse *ps, struct loc *loc, int types,
    const char *what)
{
	struct token	*t = &ps->lx->tok;
	char		*s;

	if (!((t->type == T_WORD && (types & TK_WORD)) ||
	    (t->type == T_STRING && (types & TK_STRING)))) {
		rules_lex_expected(ps, what);
		return (NULL);
	}
	if (loc != NULL)
		*loc = t->loc;
	s = t->s;
	t->s = NULL;
	rules_lex_next(ps);
	return (s);
}

/* One or more words up to the end of the statement, and their places. */
int
rules_lex_get_words(struct parse *ps, const char *what, char ***list,
    struct loc **locs, size_t *n)
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
		rules_lex_next(ps);
	}
	if (*n == 0) {
		rules_lex_expected(ps, what);
		return (-1);
	}
	return (0);
}

void
rules_lex_free_words(char **list, struct loc *locs, size_t n)
{
	xfreelist(list, n);
	free(locs);
}

int
rules_lex_has_word(char **list, size_t n, const char *s)
{
	size_t	 i;

	for (i = 0; i < n; i++) {
		if (strcmp(list[i], s) == 0)
			return (1);
	}
	return (0);
}

void
rules_lex_push_word(char ***list, size_t *n, char *s)
{
	*list = xreallocarray(*list, *n + 1, sizeof **list);
	(*list)[(*n)++] = s;
}
