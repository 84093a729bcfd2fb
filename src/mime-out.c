/* SPDX-License-Identifier: ISC */
/*
 * The robot's own mail, for mime.c's other half: mime_build() writes it,
 * CRLF, ready for SMTP: the text as plain and HTML (mime-html.c)
 * alternatives, the files attached in base64.
 */

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>

#include <gmime/gmime.h>

#include "disposisi.h"

/* A UTF-8 text part, quoted-printable: GMime would otherwise pick Latin-1. */
static GMimeObject *
mime_text_part(const char *subtype, const char *text)
{
	GMimePart		*part;
	GMimeStream		*mem;
	GMimeDataWrapper	*dw;

	part = GMIME_PART(g_mime_text_part_new_with_subtype(subtype));
	mem = g_mime_stream_mem_new_with_buffer(text, strlen(text));
	dw = g_mime_data_wrapper_new_with_stream(mem,
	    GMIME_CONTENT_ENCODING_DEFAULT);
	g_mime_part_set_content(part, dw);
	g_object_unref(dw);
	g_object_unref(mem);
	g_mime_object_set_content_type_parameter(GMIME_OBJECT(part),
	    "charset", "utf-8");
	g_mime_part_set_content_encoding(part,
	    GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE);
	return (GMIME_OBJECT(part));
}

static GMimeObject *
mime_file_part(const struct attachment *a, char **cause)
{
	GMimePart		*part;
	GMimeStream		*fs;
	GMimeDataWrapper	*dw;
	const char		*ct = a->content_type ? a->content_type :
	    "application/octet-stream";
	char			*type, *sub;

	if ((fs = g_mime_stream_fs_open(a->path, O_RDONLY, 0, NULL)) ==
	    NULL) {
		xasprintf(cause, "%s: %s", a->path, strerror(errno));
		return (NULL);
	}
	type = xstrdup(ct);
	if ((sub = strchr(type, '/')) != NULL)
		*sub++ = '\0';
	part = g_mime_part_new_with_type(type, sub && *sub ? sub :
	    "octet-stream");
	free(type);
	dw = g_mime_data_wrapper_new_with_stream(fs,
	    GMIME_CONTENT_ENCODING_DEFAULT);
	g_mime_part_set_content(part, dw);
	g_object_unref(dw);
	g_object_unref(fs);
	g_mime_part_set_filename(part, a->filename);
	g_mime_part_set_content_encoding(part, GMIME_CONTENT_ENCODING_BASE64);
	return (GMIME_OBJECT(part));
}

/* The headers of the robot's mail: sender, thread, and no auto-replies. */
static void
mime_out_headers(GMimeMessage *gm, const struct mail_out *mo)
{
	GMimeObject	*o = GMIME_OBJECT(gm);
	GDateTime	*now, *utc;
	GTimeZone	*tz;
	char		*hdr;

	g_mime_message_add_mailbox(gm, GMIME_ADDRESS_TYPE_FROM, mo->from_name,
	    mo->from_addr);
	g_mime_message_add_mailbox(gm, GMIME_ADDRESS_TYPE_TO, mo->to_name,
	    mo->to_addr);
	if (mo->reply_to != NULL)
		g_mime_message_add_mailbox(gm, GMIME_ADDRESS_TYPE_REPLY_TO,
		    mo->from_name, mo->reply_to);
	g_mime_message_set_subject(gm, mo->subject, "utf-8");
	g_mime_message_set_message_id(gm, mo->message_id);
	/* The clock's now, in the office's zone. */
	tz = g_time_zone_new_offset(clock_zone() * 60);
	utc = g_date_time_new_from_unix_utc(clock_now());
	now = g_date_time_to_timezone(utc, tz);
	g_mime_message_set_date(gm, now);
	g_date_time_unref(now);
	g_date_time_unref(utc);
	g_time_zone_unref(tz);
	if (mo->in_reply_to != NULL) {
		xasprintf(&hdr, "<%s>", mo->in_reply_to);
		g_mime_object_set_header(o, "In-Reply-To", hdr, NULL);
		g_mime_object_set_header(o, "References", hdr, NULL);
		free(hdr);
	}
	g_mime_object_set_header(o, "Auto-Submitted", "auto-generated", NULL);
	if (mo->doctor != NULL)
		g_mime_object_set_header(o, "X-Disposisi-Doctor", mo->doctor,
		    NULL);
	g_mime_object_set_header(o, "X-Auto-Response-Suppress", "All", NULL);
	g_mime_object_set_header(o, "Content-Language", "id", NULL);
}

/*
 * The body: the text as plain and HTML alternatives, then the files, if
 * any, in a multipart/mixed. -1 if a file cannot be attached (*cause).
 */
static int
mime_out_body(GMimeMessage *gm, const struct mail_out *mo, char **cause)
{
	GMimeMultipart	*alt, *mixed;
	GMimeObject	*part;
	char		*html;
	size_t		 i;
	int		 rv = 0;

	alt = g_mime_multipart_new_with_subtype("alternative");
	part = mime_text_part("plain", mo->text);
	g_mime_multipart_add(alt, part);
	g_object_unref(part);
	html = mime_html(mo);
	part = mime_text_part("html", html);
	free(html);
	g_mime_multipart_add(alt, part);
	g_object_unref(part);
	if (mo->natt == 0)
		g_mime_message_set_mime_part(gm, GMIME_OBJECT(alt));
	else {
		mixed = g_mime_multipart_new_with_subtype("mixed");
		g_mime_multipart_add(mixed, GMIME_OBJECT(alt));
		for (i = 0; i < mo->natt; i++) {
			if ((part = mime_file_part(&mo->att[i], cause)) ==
			    NULL) {
				rv = -1;
				break;
			}
			g_mime_multipart_add(mixed, part);
			g_object_unref(part);
		}
		g_mime_message_set_mime_part(gm, GMIME_OBJECT(mixed));
		g_object_unref(mixed);
	}
	g_object_unref(alt);
	return (rv);
}

/* Writes o to path (0600) with CRLF line ends. */
static int
mime_out_write(GMimeObject *o, const char *path, char **cause)
{
	GMimeStream		*out;
	GMimeFormatOptions	*fo;
	int			 fd, rv = 0;

	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd == -1) {
		xasprintf(cause, "%s: %s", path, strerror(errno));
		return (-1);
	}
	out = g_mime_stream_fs_new(fd);
	fo = g_mime_format_options_clone(NULL);
	g_mime_format_options_set_newline_format(fo, GMIME_NEWLINE_FORMAT_DOS);
	/* No flush (an fsync): spool_commit() syncs it. */
	if (g_mime_object_write_to_stream(o, fo, out) == -1) {
		xasprintf(cause, "%s: write failed", path);
		rv = -1;
	}
	g_mime_format_options_free(fo);
	g_object_unref(out);
	return (rv);
}

/* Writes the mail to path with CRLF line ends, as SMTP wants it. */
int
mime_build(const struct mail_out *mo, const char *path, char **cause)
{
	GMimeMessage	*gm;
	int		 rv;

	gm = g_mime_message_new(TRUE);
	mime_out_headers(gm, mo);
	if ((rv = mime_out_body(gm, mo, cause)) == 0)
		rv = mime_out_write(GMIME_OBJECT(gm), path, cause);
	g_object_unref(gm);
	return (rv);
}
