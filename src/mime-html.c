/* SPDX-License-Identifier: ISC */
/*
 * The HTML part of the robot's mail, a layout every client renders alike
 * (Outlook's Word engine, Gmail, Zimbra, phones): nested tables with
 * role="presentation", inline styles only (Gmail and Outlook drop or
 * ignore <style>), 600 px at most and fluid below, system fonts, nothing
 * remote.
 *
 * Its words are the text template's, so admins keep one copy. The marked
 * body (template.c) gives each line's shape from the admin's wording
 * alone: "Label : {{x}}" lines are the case at a glance, "Label: {{link}}"
 * lines buttons, a line of variables alone holding several lines a list,
 * "===" a note, "-----" a rule, "-- " the footer. Values are only ever
 * escaped text: what a sender wrote never becomes markup, nor a row, a
 * button, a list or a live link (but in BSrE's own notice, relayed for
 * its links: html_live).
 */

#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "disposisi.h"

#define FONT	"font-family:-apple-system,BlinkMacSystemFont,'Segoe UI'," \
		"Roboto,Helvetica,Arial,sans-serif;"
#define INK	"#1f2933"
#define MUTED	"#52606d"
#define NAVY	"#0b3d6e"
#define GREEN	"#1e7b34"
#define RED	"#b3261e"
#define BLUE	"#0b5cad"
#define INERT_COLON '\005'	/* a colon of a value (html_expand) */
#define TABLE	"role=\"presentation\" cellpadding=\"0\" cellspacing=\"0\"" \
		" border=\"0\""

enum hkind { H_BLANK, H_TEXT, H_ROW, H_BUTTON, H_BLOCK, H_NOTE, H_SIG,
	H_RULE };

/* One line of the marked body, with what it expands to. */
struct hline {
	enum hkind	 kind;
	char		*label;		/* H_ROW, H_BUTTON: the admin's words */
	char		*text;		/* the line (H_ROW: its value) expanded */
	const char	*var;		/* H_BUTTON: the link's variable; H_TEXT:
					   the line's only variable, if so */
};

/* The values whose links stay live: BSrE's notice, checked by auth.c. */
static const char *const html_live[] = { "isi_pemberitahuan" };

static int
html_is_live(const struct tvar *v)
{
	size_t	 i;

	for (i = 0; i < sizeof html_live / sizeof html_live[0]; i++) {
		if (strcmp(v->name, html_live[i]) == 0)
			return (1);
	}
	return (0);
}

/* The variable a mark at p stands for; *end after the mark. */
static const struct tvar *
html_mark(const struct mail_out *mo, const char *p, const char **end)
{
	char	*e;
	size_t	 i;

	i = strtoul(p + 1, &e, 10);
	*end = *e == TMARK_CLOSE ? e + 1 : e;
	return (i < mo->nvars ? &mo->vars[i] : NULL);
}

/*
 * The n bytes at s with their marks replaced by the values. A value's
 * colons become INERT_COLON, which html_escape() writes back as ':', so
 * that no link in it is made live (html_is_link() never matches), and
 * its other control characters spaces.
 */
static char *
html_expand(const struct mail_out *mo, const char *s, size_t n)
{
	const struct tvar	*v;
	const char		*e = s + n, *next, *q;
	GString			*g = g_string_new(NULL);
	char			*p;
	int			 live;

	while (s < e) {
		if (*s != TMARK_OPEN) {
			g_string_append_c(g, *s++);
			continue;
		}
		v = html_mark(mo, s, &next);
		live = v != NULL && html_is_live(v);
		for (q = v != NULL && v->value != NULL ? v->value : ""; *q != '\0';
		    q++)
			g_string_append_c(g, *q == ':' && !live ? INERT_COLON :
			    ((unsigned char)*q < 0x20 && *q != '\n') ||
			    *q == 0x7f ? ' ' : *q);
		s = next;
	}
	p = xstrdup(g->str);
	g_string_free(g, TRUE);
	return (p);
}

/* The only mark of s (spaces around it allowed), or NULL. */
static const struct tvar *
html_sole_mark(const struct mail_out *mo, const char *s, size_t n)
{
	const struct tvar	*v;
	const char		*e = s + n, *next;

	while (s < e && *s == ' ')
		s++;
	if (s == e || *s != TMARK_OPEN)
		return (NULL);
	v = html_mark(mo, s, &next);
	for (s = next; s < e && *s == ' '; s++)
		;
	return (s == e ? v : NULL);
}

/* Whether s is marks alone, at least one. */
static int
html_only_marks(const struct mail_out *mo, const char *s, size_t n)
{
	const char	*e = s + n;
	int		 any = 0;

	while (s < e) {
		if (*s != TMARK_OPEN)
			return (0);
		html_mark(mo, s, &s);
		any = 1;
	}
	return (any);
}

/* s trimmed, in a string of its own; s is freed. */
static char *
html_trim(char *s)
{
	char	*t = xstrdup(util_trim(s));

	free(s);
	return (t);
}

static int
html_blank(const char *s)
{
	return (s[strspn(s, " \t\r\n")] == '\0');
}

static int
html_is_link(const char *s)
{
	return (s != NULL && (strncmp(s, "mailto:", 7) == 0 ||
	    strncmp(s, "https://", 8) == 0 || strncmp(s, "http://", 7) == 0));
}

/* What the line s (n bytes, no newline) is, from its literal text. */
static void
html_classify(const struct mail_out *mo, const char *s, size_t n,
    struct hline *l)
{
	const struct tvar	*v;
	const char		*colon = memchr(s, ':', n), *mark;

	memset(l, 0, sizeof *l);
	mark = memchr(s, TMARK_OPEN, n);
	l->text = html_expand(mo, s, n);
	if (n >= 3 && strncmp(s, "===", 3) == 0)
		l->kind = H_NOTE;
	else if ((n == 2 || n == 3) && strncmp(s, "-- ", n) == 0)
		l->kind = H_SIG;
	else if (n >= 5 && strspn(s, "-") == n)
		l->kind = H_RULE;
	else if (html_blank(l->text))
		l->kind = H_BLANK;
	else if (colon != NULL && colon > s && (mark == NULL || colon < mark) &&
	    *s != ' ' && colon[-1] == ' ' && colon + 1 < s + n &&
	    colon[1] == ' ') {
		l->kind = H_ROW;
		l->label = html_trim(xstrndup(s, (size_t)(colon - s)));
		free(l->text);
		l->text = html_trim(html_expand(mo, colon + 1,
		    n - (size_t)(colon + 1 - s)));
		if (html_blank(l->text))
			l->kind = H_BLANK;
	} else if (colon != NULL && colon > s && mark != NULL && colon < mark &&
	    (v = html_sole_mark(mo, colon + 1, n - (size_t)(colon + 1 - s))) !=
	    NULL && strncmp(v->name, "tautan_", 7) == 0) {
		l->kind = html_is_link(v->value) ? H_BUTTON : H_BLANK;
		l->label = xstrndup(s, (size_t)(colon - s));
		l->var = v->name;
		free(l->text);
		l->text = xstrdup(v->value);
	} else if (html_only_marks(mo, s, n) && strchr(l->text, '\n') != NULL)
		l->kind = H_BLOCK;
	else {
		l->kind = H_TEXT;
		if ((v = html_sole_mark(mo, s, n)) != NULL)
			l->var = v->name;
	}
}

/* n bytes of s as HTML text; INERT_COLON back to ':'. */
static void
html_escape(GString *h, const char *s, size_t n)
{
	size_t	 i;

	for (i = 0; i < n && s[i] != '\0'; i++) {
		switch (s[i]) {
		case '&':
			g_string_append(h, "&amp;");
			break;
		case '<':
			g_string_append(h, "&lt;");
			break;
		case '>':
			g_string_append(h, "&gt;");
			break;
		case '"':
			g_string_append(h, "&quot;");
			break;
		case '\'':
			g_string_append(h, "&#39;");
			break;
		case INERT_COLON:
			g_string_append_c(h, ':');
			break;
		default:
			g_string_append_c(h, s[i]);
		}
	}
}

static void
html_escaped(GString *h, const char *s)
{
	html_escape(h, s, strlen(s));
}

/* Text escaped, the template's links live, its line ends kept. */
static void
html_text(GString *h, const char *p)
{
	const char	*e;

	while (*p != '\0') {
		if (*p == '\n') {
			g_string_append(h, "<br>\n");
			p++;
			continue;
		}
		if (html_is_link(p)) {
			e = p + strcspn(p, " \t\r\n<>\"");
			g_string_append(h, "<a href=\"");
			html_escape(h, p, (size_t)(e - p));
			g_string_append(h, "\" style=\"color:" BLUE ";"
			    "text-decoration:underline;\">");
			/* A mailto shows its address, not its query. */
			if (*p == 'm')
				html_escape(h, p + 7, strcspn(p + 7,
				    "? \t\r\n<>\""));
			else
				html_escape(h, p, (size_t)(e - p));
			g_string_append(h, "</a>");
			p = e;
			continue;
		}
		for (e = p + 1; *e != '\0' && *e != '\n' && !html_is_link(e);
		    e++)
			;
		html_escape(h, p, (size_t)(e - p));
		p = e;
	}
}


enum hstyle { S_BODY, S_FOOTER, S_HEAD, S_NOTE, S_SHOW };

/*
 * A paragraph: body text, the footer's small print, a heading (a line
 * ending in ':' over a list, a table or buttons), the note under the
 * buttons (what T does) or an indented line shown large (a reference),
 * these two boxed in a cell as Outlook pads only cells.
 */
static void
html_para(GString *h, const char *text, enum hstyle st)
{
	if (st == S_NOTE)
		g_string_append(h, "<table " TABLE " width=\"100%\" style=\""
		    "width:100%;margin:0 0 16px 0;\"><tr><td style=\"" FONT
		    "padding:10px 14px;background-color:#fff7e0;border-left:4px"
		    " solid #e0a800;font-size:14px;line-height:1.5;color:" INK
		    ";\">");
	else if (st == S_SHOW) {
		g_string_append(h, "<table " TABLE " style=\"margin:0 0 16px"
		    " 0;\"><tr><td style=\"" FONT "padding:10px 18px;"
		    "background-color:#f4f7fb;border:1px solid #d6dee8;"
		    "font-size:20px;font-weight:bold;letter-spacing:1px;color:"
		    NAVY ";\">");
		text += strspn(text, " ");
	} else
		g_string_append_printf(h, "<p style=\"margin:0 0 %s 0;%s\">",
		    st == S_HEAD ? "8px" : "14px", st == S_FOOTER ?
		    "font-size:12px;line-height:1.5;color:" MUTED ";" :
		    st == S_HEAD ? "font-weight:bold;color:" NAVY ";" : "");
	html_text(h, text);
	g_string_append(h, st == S_NOTE || st == S_SHOW ?
	    "</td></tr></table>\n" : "</p>\n");
}

/* Rows of "Label : value" lines: the case at a glance. */
static void
html_rows(GString *h, const struct hline *l, size_t n)
{
	size_t	 i;

	g_string_append(h, "<table " TABLE " width=\"100%\" style=\"width:100%;"
	    "border-collapse:collapse;margin:0 0 18px 0;background-color:"
	    "#f4f7fb;border:1px solid #d6dee8;\">\n");
	for (i = 0; i < n; i++) {
		g_string_append_printf(h, "<tr><td valign=\"top\" style=\"" FONT
		    "padding:8px 12px;width:34%%;font-size:13px;line-height:1.4;"
		    "color:" MUTED ";%s\">", i + 1 < n ? "border-bottom:1px"
		    " solid #e3e8ef;" : "");
		html_escaped(h, l[i].label);
		g_string_append_printf(h, "</td><td valign=\"top\" style=\""
		    FONT "padding:8px 12px;font-size:14px;line-height:1.4;"
		    "font-weight:bold;color:" INK ";word-break:break-word;%s\">",
		    i + 1 < n ? "border-bottom:1px solid #e3e8ef;" : "");
		html_text(h, l[i].text);
		g_string_append(h, "</td></tr>\n");
	}
	g_string_append(h, "</table>\n");
}

/* "Setujui (Y)" reads "Y — Setujui" on a button; other labels as they are. */
static char *
html_button_label(const char *label)
{
	size_t	 n = strlen(label);
	char	*s;

	if (n > 4 && label[n - 1] == ')' && label[n - 3] == '(' &&
	    label[n - 4] == ' ') {
		xasprintf(&s, "%c \xe2\x80\x94 %.*s", label[n - 2],
		    (int)(n - 4), label);
		return (s);
	}
	return (xstrdup(label));
}

/*
 * Links as buttons, side by side: a table cell painted and padded (what
 * Outlook's Word engine draws) holding the link.
 */
static void
html_buttons(GString *h, const struct hline *l, size_t n)
{
	const char	*colour;
	char		*label;
	size_t		 i;

	g_string_append(h, "<table " TABLE " width=\"100%\" style=\"width:100%;"
	    "margin:4px 0 18px 0;\">\n<tr>");
	for (i = 0; i < n; i++) {
		colour = strcmp(l[i].var, "tautan_y") == 0 ? GREEN :
		    strcmp(l[i].var, "tautan_t") == 0 ? RED : BLUE;
		if (i > 0)
			g_string_append(h, "<td style=\"width:12px;font-size:0;"
			    "line-height:0;\">&nbsp;</td>");
		g_string_append_printf(h, "<td align=\"center\" bgcolor=\"%s\""
		    " style=\"background-color:%s;border-radius:6px;padding:"
		    "14px 8px;text-align:center;\"><a href=\"", colour, colour);
		html_escaped(h, l[i].text);
		g_string_append(h, "\" style=\"" FONT "display:block;"
		    "font-size:18px;line-height:22px;font-weight:bold;color:"
		    "#ffffff;text-decoration:none;\">");
		label = html_button_label(l[i].label);
		html_escaped(h, label);
		free(label);
		g_string_append(h, "</a></td>");
	}
	g_string_append(h, "</tr>\n</table>\n");
}

/* A list item's marker ("1." or "-") and its length, or 0. */
static size_t
html_item(const char *s, size_t *mlen)
{
	size_t	 d = strspn(s, "0123456789");

	if (d > 0 && d < 4 && s[d] == '.' && s[d + 1] == ' ')
		return (*mlen = d + 1);
	if ((s[0] == '-' || s[0] == '*') && s[1] == ' ')
		return (*mlen = 1);
	return (*mlen = 0);
}

/*
 * A variable's lines on their own: "1. ..." and "- ..." lines as a
 * list (a table: Outlook indents lists its own way), the rest as text.
 */
static void
html_block(GString *h, const char *text, enum hstyle st)
{
	char	**lines = g_strsplit(text, "\n", -1), *s;
	GString	*para = g_string_new(NULL);
	size_t	 i, m;
	int	 inlist = 0;

	for (i = 0; lines[i] != NULL; i++) {
		s = lines[i];
		if (html_item(s, &m) == 0 || html_blank(s)) {
			if (inlist)
				g_string_append(h, "</table>\n");
			inlist = 0;
			if (html_blank(s) && para->len > 0) {
				html_para(h, para->str, st);
				g_string_truncate(para, 0);
			} else if (!html_blank(s))
				g_string_append_printf(para, "%s%s",
				    para->len ? "\n" : "", s);
			continue;
		}
		if (para->len > 0) {
			html_para(h, para->str, st);
			g_string_truncate(para, 0);
		}
		if (!inlist)
			g_string_append(h, "<table " TABLE " width=\"100%\""
			    " style=\"width:100%;margin:0 0 16px 0;\">\n");
		inlist = 1;
		g_string_append(h, "<tr><td valign=\"top\" style=\"" FONT
		    "width:28px;padding:3px 0;font-size:15px;line-height:1.5;"
		    "color:" MUTED ";\">");
		if (s[0] == '-' || s[0] == '*')
			g_string_append(h, "&#8226;");
		else
			g_string_append_len(h, s, (gssize)m);
		g_string_append(h, "</td><td valign=\"top\" style=\"" FONT
		    "padding:3px 0;font-size:15px;line-height:1.5;color:" INK
		    ";word-break:break-word;\">");
		html_text(h, s + m + 1);
		g_string_append(h, "</td></tr>\n");
	}
	if (inlist)
		g_string_append(h, "</table>\n");
	if (para->len > 0)
		html_para(h, para->str, st);
	g_string_free(para, TRUE);
	g_strfreev(lines);
}

/* The page around the card: its background. */
static void
html_open(GString *h, const struct mail_out *mo)
{
	g_string_append(h, "<!DOCTYPE html>\n<html lang=\"id\">\n<head>\n"
	    "<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\""
	    "width=device-width, initial-scale=1\">\n<meta name=\"x-apple-"
	    "disable-message-reformatting\">\n<title>");
	html_escaped(h, mo->subject ? mo->subject : "");
	g_string_append(h, "</title>\n</head>\n<body style=\"margin:0;padding:0;"
	    "background-color:#eef1f5;\">\n<table " TABLE " width=\"100%\""
	    " style=\"width:100%;background-color:#eef1f5;\">\n<tr><td"
	    " align=\"center\" style=\"padding:14px 10px 20px 10px;\">\n");
}

/* The card: the header band, the subject. */
static void
html_card(GString *h, const struct mail_out *mo)
{
	g_string_append(h, "<!--[if mso]><table " TABLE " width=\"600\"><tr>"
	    "<td><![endif]-->\n"
	    "<table " TABLE " width=\"100%\" style=\"width:100%;max-width:600px;"
	    "background-color:#ffffff;border:1px solid #d6dee8;\">\n"
	    "<tr><td style=\"" FONT "background-color:" NAVY ";padding:16px"
	    " 24px;font-size:16px;line-height:1.35;font-weight:bold;color:"
	    "#ffffff;\">");
	html_escaped(h, mo->from_name ? mo->from_name : mo->from_addr ?
	    mo->from_addr : "");
	g_string_append(h, "</td></tr>\n<tr><td style=\"background-color:"
	    "#e0a800;height:4px;font-size:0;line-height:0;\">&nbsp;</td></tr>\n"
	    "<tr><td style=\"" FONT "padding:22px 24px 8px 24px;font-size:15px;"
	    "line-height:1.55;color:" INK ";\">\n<h1 style=\"" FONT "margin:0 0"
	    " 18px 0;font-size:19px;line-height:1.35;color:" NAVY ";\">");
	html_escaped(h, mo->subject ? mo->subject : "");
	g_string_append(h, "</h1>\n");
}

static void
html_close(GString *h)
{
	g_string_append(h, "</td></tr>\n</table>\n<!--[if mso]></td></tr>"
	    "</table><![endif]-->\n</td></tr>\n</table>\n</body>\n</html>\n");
}

/* The style of a run of text lines [i, j): what follows it says. */
static enum hstyle
html_text_style(const struct hline *l, size_t i, size_t j, size_t n,
    int footer)
{
	size_t	 len = strlen(l[i].text);

	if (footer)
		return (S_FOOTER);
	if (j == i + 1 && l[i].var != NULL && strcmp(l[i].var, "jika_t") == 0)
		return (S_NOTE);
	if (j == i + 1 && strncmp(l[i].text, "  ", 2) == 0)
		return (S_SHOW);
	if (j == i + 1 && len > 0 && l[i].text[len - 1] == ':' && j < n &&
	    (l[j].kind == H_BLOCK || l[j].kind == H_ROW ||
	    l[j].kind == H_BUTTON))
		return (S_HEAD);
	return (S_BODY);
}

/* Runs of lines of one kind, each as its layout. */
static void
html_lines(GString *h, const struct hline *l, size_t n)
{
	GString		*para = g_string_new(NULL);
	enum hstyle	 st;
	size_t		 i, j;
	int		 footer = 0;

	for (i = 0; i < n; i = j) {
		for (j = i + 1; j < n && l[j].kind == l[i].kind &&
		    (l[i].kind == H_ROW || l[i].kind == H_BUTTON ||
		    l[i].kind == H_TEXT); j++)
			;
		if (l[i].kind == H_TEXT) {
			st = html_text_style(l, i, j, n, footer);
			for (; i < j; i++)
				g_string_append_printf(para, "%s%s",
				    para->len ? "\n" : "", l[i].text);
			if (st == S_BODY || st == S_FOOTER)
				html_block(h, para->str, st);
			else
				html_para(h, para->str, st);
			g_string_truncate(para, 0);
		} else if (l[i].kind == H_ROW)
			html_rows(h, l + i, j - i);
		else if (l[i].kind == H_BUTTON)
			html_buttons(h, l + i, j - i);
		else if (l[i].kind == H_BLOCK)
			html_block(h, l[i].text, footer ? S_FOOTER : S_BODY);
		else if (l[i].kind == H_NOTE) {
			g_string_append(h, "<p style=\"" FONT "margin:0 0 14px"
			    " 0;font-size:12px;color:#7b8794;text-align:center;\">");
			html_text(h, l[i].text);
			g_string_append(h, "</p>\n");
		} else if (l[i].kind == H_RULE)
			g_string_append(h, "<hr style=\"border:0;border-top:1px"
			    " dashed #c3ccd7;margin:4px 0 14px 0;\">\n");
		else if (l[i].kind == H_SIG) {
			g_string_append(h, "<hr style=\"border:0;border-top:1px"
			    " solid #d6dee8;margin:8px 0 14px 0;\">\n");
			footer = 1;
		}
	}
	g_string_free(para, TRUE);
}

/*
 * The mail's HTML: its marked text laid out when it has one (a letter),
 * else its plain text as paragraphs (doctor's test mail).
 */
char *
mime_html(const struct mail_out *mo)
{
	const char	*src = mo->marked ? mo->marked : mo->text, *p, *e;
	struct hline	*l = NULL;
	size_t		 n = 0, cap = 0, i;
	GString		*h = g_string_new(NULL);
	char		*html;

	for (p = src; *p != '\0'; p = *e ? e + 1 : e) {
		e = p + strcspn(p, "\n");
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			l = xreallocarray(l, cap, sizeof *l);
		}
		html_classify(mo, p, (size_t)(e - p), &l[n++]);
	}
	/*
	 * The "=== Balas di atas garis ini ===" note above the card: quoted
	 * in a reply, it comes first, where reply-cut.c cuts.
	 */
	for (i = 0; i < n && (l[i].kind == H_NOTE || l[i].kind == H_BLANK); i++)
		;
	html_open(h, mo);
	html_lines(h, l, i);
	html_card(h, mo);
	html_lines(h, l + i, n - i);
	html_close(h);
	for (i = 0; i < n; i++) {
		free(l[i].label);
		free(l[i].text);
	}
	free(l);
	html = xstrdup(h->str);
	g_string_free(h, TRUE);
	return (html);
}
