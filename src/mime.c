/* SPDX-License-Identifier: ISC */
/*
 * The project's GMime user, with mime-out.c. mime_parse() turns a spooled
 * message into a struct msg: headers decoded to UTF-8, the text the sender
 * wrote as UTF-8, attachments streamed into the spool (decoded in chunks,
 * never whole in memory). mime-out.c's mime_build() writes an outgoing
 * mail, CRLF, ready for SMTP.
 */

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <gmime/gmime.h>

#include "disposisi.h"
#include "html.h"

void
mime_init(void)
{
	g_mime_init();
}

void
mime_shutdown(void)
{
	g_mime_shutdown();
}

static char *
mime_dup(const char *s)
{
	return (s == NULL ? NULL : xstrdup(s));
}

static void
mime_add(char ***list, size_t *n, const char *s)
{
	*list = xreallocarray(*list, *n + 1, sizeof **list);
	(*list)[(*n)++] = util_lower(s);
}

/* Adds every mailbox of a list, descending into groups. */
static void
mime_addrs(InternetAddressList *l, char ***list, size_t *n)
{
	InternetAddress	*ia;
	int		 i;

	if (l == NULL)
		return;
	for (i = 0; i < internet_address_list_length(l); i++) {
		ia = internet_address_list_get_address(l, i);
		if (INTERNET_ADDRESS_IS_MAILBOX(ia))
			mime_add(list, n, internet_address_mailbox_get_addr(
			    INTERNET_ADDRESS_MAILBOX(ia)));
		else if (INTERNET_ADDRESS_IS_GROUP(ia))
			mime_addrs(internet_address_group_get_members(
			    INTERNET_ADDRESS_GROUP(ia)), list, n);
	}
}

static const char *
mime_header(GMimeObject *o, const char *name)
{
	return (g_mime_object_get_header(o, name));
}

/* Text as valid UTF-8 whatever the sender declared (or failed to). */
static char *
mime_utf8(GMimeTextPart *tp)
{
	char		*raw, *conv;
	const char	*cs;
	char		*r;
	static const char *fallback[] = { "windows-1252", "iso-8859-1" };
	size_t		 i;

	raw = g_mime_text_part_get_text(tp);
	if (raw == NULL)
		return (xstrdup(""));
	if (g_utf8_validate(raw, -1, NULL)) {
		r = xstrdup(raw);
		g_free(raw);
		return (r);
	}
	cs = g_mime_text_part_get_charset(tp);
	for (i = 0; i < sizeof fallback / sizeof fallback[0]; i++) {
		conv = g_convert(raw, -1, "UTF-8", cs && i == 0 &&
		    g_ascii_strcasecmp(cs, "utf-8") != 0 ? cs : fallback[i],
		    NULL, NULL, NULL);
		if (conv != NULL && g_utf8_validate(conv, -1, NULL)) {
			r = xstrdup(conv);
			g_free(conv);
			g_free(raw);
			return (r);
		}
		g_free(conv);
	}
	conv = g_utf8_make_valid(raw, -1);
	r = xstrdup(conv);
	g_free(conv);
	g_free(raw);
	return (r);
}

/*
 * RFC 3676 format=flowed: a line ending in a space continues on the next
 * (phones send this), so "mohon \ndipindai" is one sentence again. With
 * DelSp=yes the space itself was added by the sender and goes too.
 */
static void
mime_unflow(char *text, int delsp)
{
	char	*r = text, *w = text, *eol;
	size_t	 n;
	int	 soft;

	while (*r != '\0') {
		eol = strchr(r, '\n');
		n = eol ? (size_t)(eol - r) : strlen(r);
		if (n > 0 && r[n - 1] == '\r')
			n--;
		soft = eol != NULL && n > 0 && r[n - 1] == ' ' &&
		    !(n == 3 && strncmp(r, "-- ", 3) == 0);
		memmove(w, r, n);
		if (soft) {
			w += delsp ? n - 1 : n;		/* soft break: join */
		} else {
			w += n;
			if (eol != NULL)
				*w++ = '\n';
		}
		r = eol ? eol + 1 : r + strlen(r);
	}
	*w = '\0';
}

#define MIME_NAME_MAX	120	/* bytes of a file name kept */

/* A file name safe to show and to put in an outgoing header. */
static char *
mime_filename(const char *name, size_t n)
{
	const char	*base, *ext;
	char		*r, *p;

	if (name == NULL || *name == '\0') {
		xasprintf(&r, "lampiran-%zu", n);
		return (r);
	}
	base = strrchr(name, '/');
	base = base ? base + 1 : name;
	if (strrchr(base, '\\') != NULL)
		base = strrchr(base, '\\') + 1;
	/* Cut long names in the middle: the extension must survive. */
	ext = strrchr(base, '.');
	if (strlen(base) > MIME_NAME_MAX && ext != NULL &&
	    strlen(ext) <= 16)
		xasprintf(&r, "%.*s%s", (int)(MIME_NAME_MAX - strlen(ext)),
		    base, ext);
	else
		r = xstrndup(base, MIME_NAME_MAX);
	for (p = r; *p != '\0'; p++) {
		if ((unsigned char)*p < 0x20 || *p == 0x7f || *p == '"')
			*p = '_';
	}
	if (*r == '\0' || *r == '.') {
		free(r);
		xasprintf(&r, "lampiran-%zu", n);
	}
	if (!g_utf8_validate(r, -1, NULL)) {
		p = g_utf8_make_valid(r, -1);
		free(r);
		r = xstrdup(p);
		g_free(p);
	}
	return (r);
}

/* Writes one part into the spool: 0, 1 (the part is bad), -1 (this machine). */
static int
mime_save_part(GMimePart *part, struct spool *sp, struct msg *m,
    char **cause)
{
	GMimeDataWrapper	*dw;
	GMimeStream		*out;
	GMimeContentType	*ct;
	struct attachment	*a;
	char			*tmp, *path, *type;
	gint64			 len;
	int			 fd, e;

	if ((dw = g_mime_part_get_content(part)) == NULL)
		return (0);
	tmp = spool_tmp_path(sp);
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
	    0600)) == -1) {
		xasprintf(cause, "%s: %s", tmp, strerror(errno));
		free(tmp);
		return (-1);
	}
	/*
	 * GMime's file stream writes straight through, and its flush is an
	 * fsync: spool_commit() syncs (in the parser's scratch spool, there
	 * is no need).
	 */
	out = g_mime_stream_fs_new(fd);
	errno = 0;
	len = g_mime_data_wrapper_write_to_stream(dw, out);
	if (len == -1) {
		/* A full disk is this machine's fault, not the sender's. */
		e = errno;
		g_object_unref(out);
		unlink(tmp);
		free(tmp);
		if (e == EFBIG)
			xasprintf(cause, "an attachment larger than the message"
			    " limit");
		else if (e != 0 && e != EINVAL && e != EILSEQ) {
			xasprintf(cause, "writing an attachment: %s",
			    strerror(e));
			return (-1);
		} else
			xasprintf(cause, "cannot decode attachment");
		return (1);
	}
	g_object_unref(out);
	m->att = xreallocarray(m->att, m->natt + 1, sizeof *m->att);
	a = &m->att[m->natt];
	memset(a, 0, sizeof *a);
	path = spool_commit(sp, tmp, "doc", a->sha256, cause);
	free(tmp);
	if (path == NULL)
		return (-1);
	ct = g_mime_object_get_content_type(GMIME_OBJECT(part));
	type = g_mime_content_type_get_mime_type(ct);
	a->content_type = util_lower(type);
	g_free(type);
	a->filename = mime_filename(g_mime_part_get_filename(part),
	    m->natt + 1);
	a->path = path;
	a->size = (size_t)len;
	a->inline_cid = !g_mime_part_is_attachment(part) &&
	    g_mime_object_get_content_id(GMIME_OBJECT(part)) != NULL;
	m->natt++;
	return (0);
}

/*
 * The Original-Message-ID of a read receipt's report part (RFC 8098 3.2.5):
 * which of the robot's mails was read. Fields are header lines; the part
 * is a few hundred bytes, so more than MDN_MAX of it is no report.
 */
#define MDN_MAX	16384
static char *
mime_mdn_original(GMimePart *part)
{
	GMimeDataWrapper	*dw;
	GMimeStream		*mem;
	GByteArray		*b;
	GMimeReferences		*refs;
	char			*text, *p, *eol, *id = NULL;

	if ((dw = g_mime_part_get_content(part)) == NULL)
		return (NULL);
	mem = g_mime_stream_mem_new();
	if (g_mime_data_wrapper_write_to_stream(dw, mem) == -1 ||
	    (b = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(mem)))->len
	    > MDN_MAX) {
		g_object_unref(mem);
		return (NULL);
	}
	text = xstrndup((const char *)b->data, b->len);
	g_object_unref(mem);
	for (p = text; id == NULL && p != NULL; p = eol ? eol + 1 : NULL) {
		eol = strchr(p, '\n');
		if (g_ascii_strncasecmp(p, "Original-Message-ID:", 20) != 0)
			continue;
		if (eol != NULL)
			*eol = '\0';
		refs = g_mime_references_parse(NULL, p + 20);
		if (refs != NULL && g_mime_references_length(refs) > 0)
			id = util_lower(g_mime_references_get_message_id(refs,
			    0));
		g_mime_references_free(refs);
	}
	free(text);
	return (id);
}

/* A leaf that is no text of the mail: saved; a receipt's report read. */
static int
mime_leaf(GMimePart *part, GMimeContentType *ct, struct spool *sp,
    struct msg *m, char **cause)
{
	if (m->report_mid == NULL && g_mime_content_type_is_type(ct,
	    "message", "disposition-notification"))
		m->report_mid = mime_mdn_original(part);
	return (mime_save_part(part, sp, m, cause));
}

/*
 * Walks every leaf (PartIter descends into forwarded message/rfc822 too):
 * the first inline text/plain is the sender's text, an inline text/html
 * the fallback; every other leaf with content is an attachment.
 */
static int
mime_walk(GMimeMessage *gm, struct spool *sp, struct msg *m, char **cause)
{
	GMimePartIter	*it;
	GMimeObject	*o;
	GMimeContentType *ct;
	GMimeTextPart	*plain = NULL, *html = NULL;
	int		 rv = 0, inline_text;
	char		*h;

	it = g_mime_part_iter_new(GMIME_OBJECT(gm));
	do {
		o = g_mime_part_iter_get_current(it);
		if (o == NULL || !GMIME_IS_PART(o))
			continue;
		ct = g_mime_object_get_content_type(o);
		inline_text = GMIME_IS_TEXT_PART(o) &&
		    !g_mime_part_is_attachment(GMIME_PART(o)) &&
		    g_mime_part_get_filename(GMIME_PART(o)) == NULL;
		if (inline_text && plain == NULL &&
		    g_mime_content_type_is_type(ct, "text", "plain"))
			plain = GMIME_TEXT_PART(o);
		else if (inline_text && html == NULL &&
		    g_mime_content_type_is_type(ct, "text", "html"))
			html = GMIME_TEXT_PART(o);
		else if (inline_text)
			continue;	/* other alternatives of the text */
		else if ((rv = mime_leaf(GMIME_PART(o), ct, sp, m,
		    cause)) != 0)
			break;
	} while (g_mime_part_iter_next(it));
	g_mime_part_iter_free(it);
	if (plain != NULL) {
		m->text = mime_utf8(plain);
		ct = g_mime_object_get_content_type(GMIME_OBJECT(plain));
		if ((h = (char *)g_mime_content_type_get_parameter(ct,
		    "format")) != NULL && g_ascii_strcasecmp(h, "flowed") == 0)
			mime_unflow(m->text, (h = (char *)
			    g_mime_content_type_get_parameter(ct, "delsp")) !=
			    NULL && g_ascii_strcasecmp(h, "yes") == 0);
	}
	else if (html != NULL) {
		h = mime_utf8(html);
		m->text = html_to_text(h);
		free(h);
	} else
		m->text = xstrdup("");
	return (rv);
}

/* Whether decoded header text stays on one line, as the robot copies it. */
static int
mime_one_line(const char *s)
{
	return (s == NULL || strpbrk(s, "\r\n") == NULL);
}

/* A file name that decodes to a way up a path ("..", either slash). */
static int
mime_name_climbs(const char *name)
{
	const char	*p = name;
	size_t		 n;

	while (*p != '\0') {
		n = strcspn(p, "/\\");
		if (n == 2 && p[0] == '.' && p[1] == '.')
			return (1);
		p += n;
		p += *p != '\0';
	}
	return (0);
}

/*
 * Counts the parts and the nesting, and looks at every file name, before
 * any part is written out: a refused message leaves nothing in the
 * spool. With c NULL, no limits.
 */
static int
mime_shape(GMimeMessage *gm, const struct conf *c, char **cause)
{
	GMimePartIter	*it;
	GMimeObject	*o;
	const char	*name;
	char		*path, *p;
	int		 parts = 0, depth, rv = 0;

	if (c == NULL)
		return (0);
	it = g_mime_part_iter_new(GMIME_OBJECT(gm));
	do {
		if ((o = g_mime_part_iter_get_current(it)) == NULL)
			continue;
		if (GMIME_IS_PART(o) && (name = g_mime_part_get_filename(
		    GMIME_PART(o))) != NULL && (!mime_one_line(name) ||
		    mime_name_climbs(name))) {
			xasprintf(cause, "an attachment's file name decodes to"
			    " %s", mime_one_line(name) ? "a path up (\"..\")" :
			    "more than one line");
			rv = 1;
			break;
		}
		if (++parts > c->mime_max_parts) {
			xasprintf(cause, "more than mime_max_parts (%d) MIME"
			    " parts", c->mime_max_parts);
			rv = 1;
			break;
		}
		path = g_mime_part_iter_get_path(it);
		for (depth = 1, p = path; p != NULL && *p != '\0'; p++)
			depth += *p == '.';
		g_free(path);
		if (depth > c->mime_max_depth) {
			xasprintf(cause, "MIME nested deeper than mime_max_depth"
			    " (%d)", c->mime_max_depth);
			rv = 1;
			break;
		}
	} while (g_mime_part_iter_next(it));
	g_mime_part_iter_free(it);
	return (rv);
}

/*
 * GMime's parser reports what it repaired; a multipart cut off before its
 * closing boundary, or a shape that exists only to attack parsers, is not
 * acted on. The first such report wins.
 */
static void
mime_flaw(gint64 off, GMimeParserWarning w, const gchar *item, gpointer arg)
{
	char	**flaw = arg;

	(void)item;
	if (*flaw != NULL)
		return;
	if (w == GMIME_WARN_TRUNCATED_MESSAGE)
		xasprintf(flaw, "the message ends inside a multipart (its"
		    " closing boundary never comes)");
	else if (w == GMIME_CRIT_NESTING_OVERFLOW)
		xasprintf(flaw, "MIME nesting beyond what the parser allows");
	else if (w == GMIME_CRIT_PART_WITHOUT_HEADERS_OR_CONTENT)
		xasprintf(flaw, "a MIME part without headers or content at"
		    " offset %lld", (long long)off);
}

/*
 * The message on fd as GMime reads it; NULL with *cause if it is not
 * one, or if the parser reported a flaw (mime_flaw).
 */
static GMimeMessage *
mime_construct(int fd, char **cause)
{
	GMimeStream		*st;
	GMimeParser		*p;
	GMimeParserOptions	*po;
	GMimeMessage		*gm;
	char			*flaw = NULL;

	st = g_mime_stream_fs_new(fd);
	g_mime_stream_fs_set_owner(GMIME_STREAM_FS(st), FALSE);
	p = g_mime_parser_new_with_stream(st);
	g_object_unref(st);
	po = g_mime_parser_options_new();
	g_mime_parser_options_set_warning_callback(po, mime_flaw, &flaw);
	gm = g_mime_parser_construct_message(p, po);
	g_mime_parser_options_free(po);
	g_object_unref(p);
	if (gm != NULL && flaw == NULL)
		return (gm);
	if (flaw != NULL)
		*cause = flaw;
	else
		xasprintf(cause, "not a MIME message");
	if (gm != NULL)
		g_object_unref(gm);
	return (NULL);
}

/* The first mailbox of From with an address. */
static void
mime_from(GMimeMessage *gm, struct msg *m)
{
	InternetAddressList	*from;
	InternetAddress		*ia;
	const char		*v;
	int			 j;

	from = g_mime_message_get_from(gm);
	for (j = 0; from != NULL && j < internet_address_list_length(from);
	    j++) {
		ia = internet_address_list_get_address(from, j);
		if (!INTERNET_ADDRESS_IS_MAILBOX(ia))
			continue;
		v = internet_address_mailbox_get_addr(
		    INTERNET_ADDRESS_MAILBOX(ia));
		if (v == NULL || strchr(v, '@') == NULL)
			continue;
		m->from_addr = util_lower(v);
		m->from_name = mime_dup(internet_address_get_name(ia));
		return;
	}
}

/* The ids of header h added to m's references; *first gets the first. */
static void
mime_refs(GMimeObject *o, const char *h, struct msg *m, char **first)
{
	GMimeReferences	*refs;
	const char	*v;
	int		 j;

	if ((v = mime_header(o, h)) == NULL)
		return;
	refs = g_mime_references_parse(NULL, v);
	if (first != NULL && refs != NULL &&
	    g_mime_references_length(refs) > 0)
		*first = xstrdup(g_mime_references_get_message_id(refs, 0));
	for (j = 0; refs && j < g_mime_references_length(refs); j++)
		mime_add(&m->refs, &m->nrefs,
		    g_mime_references_get_message_id(refs, j));
	g_mime_references_free(refs);
}

/* To, Cc and the headers MTAs record the envelope recipient in. */
static void
mime_recipients(GMimeMessage *gm, GMimeObject *o, struct msg *m)
{
	static const char	*rcpt_hdrs[] = { "Delivered-To",
	    "X-Original-To", "Envelope-To", "X-Envelope-To" };
	InternetAddressList	*l;
	const char		*v;
	size_t			 i;

	mime_addrs(g_mime_message_get_to(gm), &m->rcpts, &m->nrcpts);
	mime_addrs(g_mime_message_get_cc(gm), &m->rcpts, &m->nrcpts);
	for (i = 0; i < sizeof rcpt_hdrs / sizeof rcpt_hdrs[0]; i++) {
		if ((v = mime_header(o, rcpt_hdrs[i])) == NULL)
			continue;
		l = internet_address_list_parse(NULL, v);
		mime_addrs(l, &m->rcpts, &m->nrcpts);
		if (l != NULL)
			g_object_unref(l);
	}
}

/* The type and the headers that tell machine-sent mail, and the date. */
static void
mime_traits(GMimeMessage *gm, GMimeObject *o, struct msg *m)
{
	GDateTime	*dt;
	const char	*v;
	char		*type;

	type = g_mime_content_type_get_mime_type(
	    g_mime_object_get_content_type(g_mime_message_get_mime_part(gm) ?
	    g_mime_message_get_mime_part(gm) : o));
	m->content_type = util_lower(type);
	g_free(type);
	m->auto_submitted = mime_dup(mime_header(o, "Auto-Submitted"));
	m->return_path = mime_dup(mime_header(o, "Return-Path"));
	m->precedence = mime_dup(mime_header(o, "Precedence"));
	if ((v = mime_header(o, "List-Id")) != NULL ||
	    (v = mime_header(o, "List-Unsubscribe")) != NULL)
		m->list_id = xstrdup(v);
	if ((v = mime_header(o, "X-Autoreply")) != NULL ||
	    (v = mime_header(o, "X-Autorespond")) != NULL ||
	    (v = mime_header(o, "X-Autoresponder")) != NULL)
		m->x_autoreply = xstrdup(v);
	if ((dt = g_mime_message_get_date(gm)) != NULL)
		m->date = (time_t)g_date_time_to_unix(dt);
}

/*
 * Parses the message open on fd (left open) into *mp, its attachments
 * into sp. Returns 0; 1 if the message cannot be read (*cause); -1 if
 * this machine failed, a full disk say (*cause).
 */
int
mime_parse(int fd, struct spool *sp, const struct conf *c, struct msg **mp,
    char **cause)
{
	GMimeMessage	*gm;
	GMimeObject	*o;
	struct msg	*m;
	int		 rv;

	*mp = NULL;
	if ((gm = mime_construct(fd, cause)) == NULL)
		return (1);
	o = GMIME_OBJECT(gm);
	m = xcalloc(1, sizeof *m);
	m->message_id = mime_dup(g_mime_message_get_message_id(gm));
	m->subject = mime_dup(g_mime_message_get_subject(gm));
	mime_from(gm, m);
	if (!mime_one_line(m->subject) || !mime_one_line(m->from_name)) {
		/* It would break the robot's own headers and paragraphs. */
		xasprintf(cause, "%s decodes to more than one line",
		    mime_one_line(m->subject) ? "the sender's name" :
		    "the Subject");
		g_object_unref(gm);
		mime_free(m);
		return (1);
	}
	mime_refs(o, "In-Reply-To", m, &m->in_reply_to);
	mime_refs(o, "References", m, NULL);
	mime_recipients(gm, o, m);
	mime_traits(gm, o, m);
	if ((rv = mime_shape(gm, c, cause)) != 0 ||
	    (rv = mime_walk(gm, sp, m, cause)) != 0) {
		g_object_unref(gm);
		mime_free(m);
		return (rv);
	}
	g_object_unref(gm);
	*mp = m;
	return (0);
}

/* Whether the n bytes at s are UTF-8 (the parser's text is checked). */
int
mime_utf8_valid(const char *s, size_t n)
{
	return (g_utf8_validate(s, (gssize)n, NULL));
}

/* The date in an RFC 5322 date-time, e.g. a Received line's; 0 if none. */
time_t
mime_header_date(const char *s)
{
	GDateTime	*dt;
	time_t		 t;

	if ((dt = g_mime_utils_header_decode_date(s)) == NULL)
		return (0);
	t = (time_t)g_date_time_to_unix(dt);
	g_date_time_unref(dt);
	return (t);
}

void
mime_free(struct msg *m)
{
	size_t	 i;

	if (m == NULL)
		return;
	free(m->path);
	free(m->message_id);
	free(m->from_addr);
	free(m->from_name);
	free(m->subject);
	free(m->in_reply_to);
	for (i = 0; i < m->nrefs; i++)
		free(m->refs[i]);
	free(m->refs);
	for (i = 0; i < m->nrcpts; i++)
		free(m->rcpts[i]);
	free(m->rcpts);
	free(m->content_type);
	free(m->report_mid);
	free(m->auto_submitted);
	free(m->return_path);
	free(m->precedence);
	free(m->list_id);
	free(m->x_autoreply);
	for (i = 0; i < m->nauth; i++)
		free(m->auth[i]);
	free(m->auth);
	for (i = 0; i < m->nreceived; i++)
		free(m->received[i]);
	free(m->received);
	for (i = 0; i < m->nspam; i++)
		free(m->spam[i]);
	free(m->spam);
	free(m->text);
	for (i = 0; i < m->natt; i++) {
		free(m->att[i].filename);
		free(m->att[i].content_type);
		free(m->att[i].text);
		free(m->att[i].path);
	}
	free(m->att);
	free(m);
}
