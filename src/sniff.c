/* SPDX-License-Identifier: ISC */
/*
 * What an attachment really is. Names lie: Windows drops trailing spaces
 * and dots, so "scan.exe " runs; "invoice<U+202E>fdp.exe" shows as
 * "invoiceexe.pdf"; a program renamed .pdf is still a program. So the
 * type comes from the first bytes (magic numbers), never from the name,
 * and the name is judged only after undoing the tricks that hide its
 * real extension. A zip is looked into through its central directory
 * alone (names, no decompression): that tells a docx from a zip, and a
 * docx with macros from one without. Names are sniff-name.c's, zips
 * sniff-zip.c's; this file reads the first bytes and gives the verdict.
 *
 * Everything read here is hostile: every length is checked against what
 * was actually read, and a file that cannot be parsed is never called a
 * document because of what it claims to be.
 */

#include <sys/stat.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "sniff_p.h"
#include "xmalloc.h"

#define SNIFF_HEAD	4096		/* bytes read for magic numbers */
#define SNIFF_PDF_AT	1024		/* Acrobat finds %PDF- this far in */

/* MIME types only programs are sent as; "macroenabled" is matched apart. */
static const char *sniff_ctypes[] = {
	"application/hta", "application/java-archive",
	"application/javascript", "application/vnd.android.package-archive",
	"application/vnd.microsoft.portable-executable",
	"application/x-bat", "application/x-dosexec", "application/x-elf",
	"application/x-executable", "application/x-java-archive",
	"application/x-javascript", "application/x-mach-binary",
	"application/x-ms-installer", "application/x-ms-shortcut",
	"application/x-msdos-program", "application/x-msdownload",
	"application/x-msi", "application/x-sh", "application/x-shellscript",
	"text/javascript", "text/vbscript", "text/x-shellscript"
};

/*
 * Words found in scripts and hardly ever in a letter. Searched lower
 * case in the first 4 KiB of a text file.
 */
static const char *sniff_markers[] = {
	"@echo off", "<script", "powershell", "wscript.", "cscript",
	"createobject(", "activexobject", "getobject(",
	"on error resume next", "<hta:application", "invoke-expression",
	"iex(", "frombase64string", "downloadstring", "downloadfile(",
	"new-object ", "start-process", "mshta", "rundll32", "regsvr32",
	"certutil", "bitsadmin", "cmd.exe", "cmd /c", "javascript:",
	"vbscript:", "<job", "<package>", "<scriptlet", "<?php",
	"shell.application", "eval("
};

static const char *sniff_html[] = {
	"<!doctype html", "<html", "<head", "<body", "<iframe", "<form",
	"<meta http-equiv"
};

/* How each type reads in a log line. */
static const struct {
	const char	*type;
	const char	*desc;
} sniff_descs[] = {
	{ "pdf", "a PDF document" },
	{ "jpeg", "a JPEG image" },
	{ "png", "a PNG image" },
	{ "gif", "a GIF image" },
	{ "tiff", "a TIFF image" },
	{ "webp", "a WebP image" },
	{ "heic", "a HEIC image" },
	{ "bmp", "a BMP image" },
	{ "zip", "a zip archive" },
	{ "ooxml", "an Office document (OOXML)" },
	{ "rar", "a RAR archive" },
	{ "7z", "a 7-Zip archive" },
	{ "gzip", "a gzip archive" },
	{ "ole", "an OLE compound file (doc, xls)" },
	{ "exe", "a Windows program (MZ)" },
	{ "elf", "a Linux program (ELF)" },
	{ "macho", "a macOS program (Mach-O)" },
	{ "script", "a script" },
	{ "html", "an HTML page" },
	{ "text", "a text file" },
	{ "unknown", "a file of unknown type" }
};

static void	 sniff_magic(const unsigned char *, size_t,
		    struct sniff_info *);
static void	 sniff_content(const unsigned char *, size_t,
		    struct sniff_info *);

uint16_t
sniff_u16(const unsigned char *p)
{
	return ((uint16_t)(p[0] | p[1] << 8));
}

uint32_t
sniff_u32(const unsigned char *p)
{
	return ((uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24);
}

uint64_t
sniff_u64(const unsigned char *p)
{
	return ((uint64_t)sniff_u32(p) | (uint64_t)sniff_u32(p + 4) << 32);
}

static uint32_t
sniff_be32(const unsigned char *p)
{
	return ((uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | (uint32_t)p[3]);
}

/* Reads len bytes at off, fewer only at the end of the file; -1 on error. */
ssize_t
sniff_read(int fd, void *buf, size_t len, uint64_t off)
{
	size_t	 done = 0;
	ssize_t	 n;

	while (done < len) {
		n = pread(fd, (char *)buf + done, len - done,
		    (off_t)(off + done));
		if (n == -1) {
			if (errno == EINTR)
				continue;
			return (-1);
		}
		if (n == 0)
			break;
		done += (size_t)n;
	}
	return ((ssize_t)done);
}

/*
 * A lower-case ASCII view of the first bytes if they are text (UTF-8,
 * Latin-1 or UTF-16 with a byte order mark), for the marker search.
 * Returns 0 for binary, 1 for text, 2 for text without a single stray
 * control byte.
 */
static int
sniff_text(const unsigned char *p, size_t n, char *t)
{
	size_t		 i = 0, k = 0, bad = 0, step = 1;
	unsigned int	 c;
	int		 be = 0;

	if (n >= 2 && ((p[0] == 0xff && p[1] == 0xfe) ||
	    (p[0] == 0xfe && p[1] == 0xff))) {
		be = p[0] == 0xfe;
		i = step = 2;
	} else if (n >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0)
		i = 3;
	for (; i + step <= n; i += step) {
		c = step == 1 ? p[i] : be ? (unsigned)p[i] << 8 | p[i + 1] :
		    (unsigned)p[i + 1] << 8 | p[i];
		if (c == 0)
			return (0);
		if ((c < 0x20 && strchr("\t\n\v\f\r\033", (int)c) == NULL) ||
		    c == 0x7f)
			bad++;
		if (step == 2 && c >= 0x80)
			c = '?';
		if (c >= 'A' && c <= 'Z')
			c += 'a' - 'A';
		t[k++] = (char)c;
	}
	t[k] = '\0';
	if (k == 0 || bad * 100 > k)
		return (0);
	return (bad == 0 ? 2 : 1);
}

/* A HEIF container: ISO media with an image brand, major or compatible. */
static int
sniff_heic(const unsigned char *p, size_t n)
{
	static const char *brands[] = { "heic", "heix", "hevc", "hevx",
	    "heim", "heis", "hevm", "hevs", "mif1", "msf1", "avif", "avis" };
	size_t		 box, off, i;

	if (n < 16 || memcmp(p + 4, "ftyp", 4) != 0)
		return (0);
	box = sniff_be32(p);
	if (box > n)
		box = n;
	for (off = 8; off + 4 <= box; off += off == 8 ? 8 : 4) {
		for (i = 0; i < nitems(brands); i++) {
			if (memcmp(p + off, brands[i], 4) == 0)
				return (1);
		}
	}
	return (0);
}

/* Sets si->type (and the rest) from the first n bytes of a file. */
static void
sniff_head(const unsigned char *p, size_t n, struct sniff_info *si)
{
	si->type = "unknown";
	if (n == 0)
		return;
	sniff_magic(p, n, si);
	if (strcmp(si->type, "unknown") == 0 && !si->tnef &&
	    si->archive == NULL)
		sniff_content(p, n, si);
}

/* The types a magic number at the start gives away. */
static void
sniff_magic(const unsigned char *p, size_t n, struct sniff_info *si)
{
	static const unsigned char ole[] = { 0xd0, 0xcf, 0x11, 0xe0, 0xa1,
	    0xb1, 0x1a, 0xe1 };
	static const unsigned char macho[][4] = { { 0xfe, 0xed, 0xfa, 0xce },
	    { 0xfe, 0xed, 0xfa, 0xcf }, { 0xce, 0xfa, 0xed, 0xfe },
	    { 0xcf, 0xfa, 0xed, 0xfe }, { 0xca, 0xfe, 0xba, 0xbe } };
	size_t		 i, dib;

#define AT0(s)	(n >= sizeof (s) - 1 && memcmp(p, s, sizeof (s) - 1) == 0)
	if (AT0("%PDF-"))
		si->type = "pdf";
	else if (AT0("\xff\xd8\xff"))
		si->type = "jpeg";
	else if (AT0("\x89PNG\r\n\x1a\n"))
		si->type = "png";
	else if (AT0("GIF87a") || AT0("GIF89a"))
		si->type = "gif";
	else if (AT0("II*\0") || AT0("MM\0*") || AT0("II+\0") ||
	    AT0("MM\0+"))
		si->type = "tiff";
	else if (n >= 12 && AT0("RIFF") && memcmp(p + 8, "WEBP", 4) == 0)
		si->type = "webp";
	else if (sniff_heic(p, n))
		si->type = "heic";
	else if (AT0("PK\3\4") || AT0("PK\5\6") || AT0("PK\7\x08"))
		si->type = "zip";
	else if (AT0("Rar!\x1a\x07\0") || AT0("Rar!\x1a\x07\1\0"))
		si->type = "rar";
	else if (AT0("7z\xbc\xaf\x27\x1c"))
		si->type = "7z";
	else if (AT0("\x1f\x8b\x08"))
		si->type = "gzip";
	else if (n >= sizeof ole && memcmp(p, ole, sizeof ole) == 0)
		si->type = "ole";
	else if (AT0("\x7f" "ELF"))
		si->type = "elf";
	else if (AT0("\x78\x9f\x3e\x22"))
		si->tnef = 1;
	else if (AT0("\xfd" "7zXZ\0") || (AT0("BZh") && n >= 4 &&
	    p[3] >= '1' && p[3] <= '9') || AT0("\x28\xb5\x2f\xfd") ||
	    AT0("MSCF\0\0\0\0") || AT0("LZIP") ||
	    (n >= 262 && memcmp(p + 257, "ustar", 5) == 0))
		si->archive = "a compressed archive (xz, bzip2, zstd, cab, tar)";
	else if (n >= 26 && AT0("BM") && sniff_u32(p + 6) == 0 &&
	    ((dib = sniff_u32(p + 14)) == 12 || dib == 40 || dib == 52 ||
	    dib == 56 || dib == 64 || dib == 108 || dib == 124))
		si->type = "bmp";
	for (i = 0; i < nitems(macho) && n >= 4; i++) {
		if (memcmp(p, macho[i], 4) == 0)
			si->type = "macho";
	}
#undef AT0
}

/*
 * Without a magic number: a DOS program, a script by its "#!" or its
 * words, a PDF a little way in, text or HTML.
 */
static void
sniff_content(const unsigned char *p, size_t n, struct sniff_info *si)
{
	char		 t[SNIFF_HEAD + 1];
	size_t		 i;
	int		 text;

	text = sniff_text(p, n, t);
	/* A DOS header is binary; "MZ" starting a clean letter is a word. */
	if (n >= 2 && (memcmp(p, "MZ", 2) == 0 || memcmp(p, "ZM", 2) == 0) &&
	    text != 2) {
		si->type = "exe";
		return;
	}
	if (text) {
		/* A UTF-16 or UTF-8 byte order mark may come before "#!". */
		if (strncmp(t, "#!", 2) == 0) {
			si->type = "script";
			si->marker = "#!";
			return;
		}
		for (i = 0; i < nitems(sniff_markers); i++) {
			if (strstr(t, sniff_markers[i]) != NULL) {
				si->type = "script";
				si->marker = sniff_markers[i];
				return;
			}
		}
	}
	for (i = 0; i + 5 <= n && i < SNIFF_PDF_AT; i++) {
		if (memcmp(p + i, "%PDF-", 5) == 0) {
			si->type = "pdf";
			return;
		}
	}
	if (!text)
		return;
	si->type = "text";
	for (i = 0; i < nitems(sniff_html); i++) {
		if (strstr(t, sniff_html[i]) != NULL)
			si->type = "html";
	}
}

/* Fills si from the file at path; si->zip_bad is the caller's to free. */
static void
sniff_probe(const char *path, struct sniff_info *si)
{
	unsigned char	 head[SNIFF_HEAD];
	struct stat	 sb;
	ssize_t		 n;
	int		 fd;

	memset(si, 0, sizeof *si);
	si->type = "unknown";
	/* O_NONBLOCK: a FIFO put where a file should be must not hang us. */
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)) == -1) {
		si->err = errno;
		return;
	}
	if (fstat(fd, &sb) == -1)
		si->err = errno;
	else if (!S_ISREG(sb.st_mode))
		si->err = EINVAL;
	if (si->err != 0) {
		close(fd);
		return;
	}
	if ((n = sniff_read(fd, head, sizeof head, 0)) == -1) {
		si->err = errno;
		close(fd);
		return;
	}
	sniff_head(head, (size_t)n, si);
	if (strcmp(si->type, "zip") == 0) {
		sniff_zip_local(head, (size_t)n, si);
		sniff_zip(fd, (uint64_t)sb.st_size, si);
		if (si->zip_ok && si->zip_types)
			si->type = "ooxml";
	}
	close(fd);
}

const char *
sniff_type(const char *path)
{
	struct sniff_info	 si;

	sniff_probe(path, &si);
	free(si.zip_bad);
	return (si.type);
}

static const char *
sniff_desc(const char *type)
{
	size_t	 i;

	for (i = 0; i < nitems(sniff_descs); i++) {
		if (strcmp(type, sniff_descs[i].type) == 0)
			return (sniff_descs[i].desc);
	}
	return ("a file");
}

static int
sniff_ctype_bad(const char *ct)
{
	size_t	 i, n;

	if (ct == NULL)
		return (0);
	n = strcspn(ct, "; \t");
	for (i = 0; i < nitems(sniff_ctypes); i++) {
		if (strlen(sniff_ctypes[i]) == n &&
		    strncasecmp(ct, sniff_ctypes[i], n) == 0)
			return (1);
	}
	/* application/vnd.ms-word.document.macroEnabled.12 and the rest */
	for (i = 0; i + 12 <= n; i++) {
		if (strncasecmp(ct + i, "macroenabled", 12) == 0)
			return (1);
	}
	return (0);
}

static enum sniff_class
sniff_judge(const struct sniff_info *si, const struct sniff_name *sn,
    const char *ct, char **why)
{
	const char	*t = si->type;
	int		 ooxml = strcmp(t, "ooxml") == 0;
	char		*what;

	if (si->err != 0) {
		xasprintf(why, "a file that cannot be read (%s)",
		    strerror(si->err));
		return (SNIFF_DANGEROUS);
	}
	if (strcmp(t, "exe") == 0 || strcmp(t, "elf") == 0 ||
	    strcmp(t, "macho") == 0 || strcmp(t, "script") == 0) {
		if (si->marker != NULL)
			xasprintf(&what, "a script (%s)", si->marker);
		else
			what = xstrdup(sniff_desc(t));
		if (sn->ext[0] != '\0')
			xasprintf(why, "%s named .%s", what, sn->ext);
		else
			xasprintf(why, "%s without an extension", what);
		free(what);
		return (SNIFF_DANGEROUS);
	}
	if (sn->bad != NULL) {
		xasprintf(why, "a name ending in .%s%s", sn->ext,
		    sniff_trick(sn->tricks));
		return (SNIFF_DANGEROUS);
	}
	if (sniff_ctype_bad(ct)) {
		xasprintf(why, "a file sent as %.*s", (int)strcspn(ct, "; \t"),
		    ct);
		return (SNIFF_DANGEROUS);
	}
	if (si->zip_bad != NULL) {
		xasprintf(why, "%s holding %s", ooxml ? "an Office document" :
		    "a zip", si->zip_bad);
		return (SNIFF_DANGEROUS);
	}
	if (si->zip_macros != NULL) {
		xasprintf(why, "%s with macros (%s)", ooxml ?
		    "an Office document" : "a zip", si->zip_macros);
		return (SNIFF_DANGEROUS);
	}
	if (si->tnef || strcasecmp(sn->clean, "winmail.dat") == 0 ||
	    (ct != NULL && (strcasecmp(ct, "application/ms-tnef") == 0 ||
	    strcasecmp(ct, "application/vnd.ms-tnef") == 0))) {
		*why = xstrdup("winmail.dat (Outlook TNEF)");
		return (SNIFF_WRAPPER);
	}
	if (si->archive != NULL) {
		*why = xstrdup(si->archive);
		return (SNIFF_ARCHIVE);
	}
	if (strcmp(t, "zip") == 0 || strcmp(t, "rar") == 0 ||
	    strcmp(t, "7z") == 0 || strcmp(t, "gzip") == 0) {
		if (strcmp(t, "zip") == 0 && si->zip_types)
			*why = xstrdup("a zip with Office parts whose directory"
			    " cannot be read whole");
		else
			*why = xstrdup(sniff_desc(t));
		return (SNIFF_ARCHIVE);
	}
	*why = xstrdup(sniff_desc(t));
	return (SNIFF_DOCUMENT);
}

enum sniff_class
sniff_attachment(const char *filename, const char *content_type,
    const char *path, const char **type_r, char **why_r)
{
	struct sniff_info	 si;
	struct sniff_name	 sn;
	enum sniff_class	 c;
	char			*why = NULL;

	if (path != NULL)
		sniff_probe(path, &si);
	else {
		memset(&si, 0, sizeof si);
		si.type = "unknown";
	}
	sniff_name(filename != NULL ? filename : "", &sn);
	c = sniff_judge(&si, &sn, content_type, &why);
	free(sn.clean);
	free(si.zip_bad);
	if (type_r != NULL)
		*type_r = si.type;
	if (why_r != NULL)
		*why_r = why;
	else
		free(why);
	return (c);
}
