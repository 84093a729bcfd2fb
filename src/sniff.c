/* SPDX-License-Identifier: ISC */
/*
 * What an attachment really is. Names lie: Windows drops trailing spaces
 * and dots, so "scan.exe " runs; "invoice<U+202E>fdp.exe" shows as
 * "invoiceexe.pdf"; a program renamed .pdf is still a program. So the
 * type comes from the first bytes (magic numbers), never from the name,
 * and the name is judged only after undoing the tricks that hide its
 * real extension. A zip is looked into through its central directory
 * alone (names, no decompression): that tells a docx from a zip, and a
 * docx with macros from one without.
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

#include "sniff.h"
#include "xmalloc.h"

#define SNIFF_HEAD	4096		/* bytes read for magic numbers */
#define SNIFF_PDF_AT	1024		/* Acrobat finds %PDF- this far in */
#define SNIFF_EOCD	22		/* End Of Central Directory record */
#define SNIFF_EOCD64	56		/* its ZIP64 form */
#define SNIFF_TAIL	(SNIFF_EOCD + 65535)	/* record + longest comment */
#define SNIFF_CD_MAX	(4 * 1024 * 1024)	/* a docx needs a few KiB */
#define SNIFF_ENTRIES	100000		/* entries walked at most */
#define SNIFF_EXT_MAX	24		/* longer is no extension we know */
#define SNIFF_SHOW	64		/* bytes of an entry name in a log */

/* Tricks that hid a name's real extension. */
#define SNIFF_T_BIDI	0x1		/* right-to-left override & co */
#define SNIFF_T_INVIS	0x2		/* zero-width characters */
#define SNIFF_T_TRAIL	0x4		/* trailing spaces or dots */
#define SNIFF_T_STREAM	0x8		/* "x.exe:stream", an NTFS stream */

struct sniff_info {
	const char	*type;		/* sniff_type's answer */
	const char	*marker;	/* what gave a script away */
	const char	*archive;	/* an archive outside the type list */
	int		 tnef;		/* winmail.dat by its magic */
	int		 err;		/* errno: the file could not be read */

	int		 zip_ok;	/* central directory read whole */
	int		 zip_types;	/* [Content_Types].xml: OOXML */
	const char	*zip_macros;	/* what says it has macros */
	char		*zip_bad;	/* first entry named as a program */
};

struct sniff_name {
	char		*clean;		/* invisibles removed */
	const char	*bad;		/* its dangerous extension, or NULL */
	char		 ext[SNIFF_EXT_MAX];	/* printable, for logs */
	int		 tricks;
};

/*
 * Extensions Windows (or a Mac, Linux desktop or Android phone) runs,
 * installs, mounts or opens with macros: Outlook's and Gmail's blocked
 * lists, Office's macro formats and the shortcut/settings files used in
 * attacks. Sorted; compared lower case.
 */
static const char *sniff_exts[] = {
	    "accda", "accdb", "accde", "accdr", "accdt", "ade", "adp",
	    "app", "appimage", "appinstaller", "applescript",
	    "application", "appref-ms", "appx", "appxbundle", "asp",
	    "aspx", "asx", "bas", "bash", "bat", "bgi", "btm", "cab",
	    "cdxml", "chm", "class", "cmd", "cnt", "com", "command", "cpl",
	    "csh", "deb", "deskthemepack", "desktop", "dex", "diagcab",
	    "diagcfg", "diagpack", "dll", "dmg", "docm", "dotm", "drv",
	    "ex_", "exe", "fxp", "gadget", "grp", "hlp", "hpj", "hta",
	    "htc", "img", "inf", "ins", "iqy", "iso", "isp", "its", "jar",
	    "jnlp", "job", "js", "jse", "ksh", "lib", "library-ms", "lnk",
	    "mad", "maf", "mag", "mam", "maq", "mar", "mas", "mat", "mau",
	    "mav", "maw", "mcf", "mda", "mdb", "mde", "mdt", "mdw", "mdz",
	    "mpkg", "msc", "msh", "msh1", "msh1xml", "msh2", "msh2xml",
	    "mshxml", "msi", "msix", "msixbundle", "msp", "mst", "msu",
	    "nsh", "ocx", "one", "onepkg", "ops", "osd", "pcd", "pif",
	    "pkg", "pl", "plg", "potm", "ppa", "ppam", "ppsm", "pptm",
	    "prf", "prg", "printerexport", "ps1", "ps1xml", "ps2",
	    "ps2xml", "psc1", "psc2", "psd1", "psm1", "pssc", "py", "pyc",
	    "pyo", "pyw", "pyz", "pyzw", "reg", "rpm", "run", "scf",
	    "scpt", "scr", "sct", "searchconnector-ms",
	    "settingcontent-ms", "sh", "shb", "shs", "sldm", "slk", "sys",
	    "theme", "themepack", "tool", "url", "vb", "vbe", "vbp", "vbs",
	    "vhd", "vhdx", "vsmacros", "vsw", "vxd", "webpnp", "website",
	    "wll", "ws", "wsb", "wsc", "wsf", "wsh", "wwl", "xbap", "xla",
	    "xlam", "xll", "xlm", "xlsb", "xlsm", "xltm", "xnk", "zsh"
};

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

#define nitems(a)	(sizeof (a) / sizeof (a)[0])

static uint16_t
sniff_u16(const unsigned char *p)
{
	return ((uint16_t)(p[0] | p[1] << 8));
}

static uint32_t
sniff_u32(const unsigned char *p)
{
	return ((uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24);
}

static uint64_t
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
static ssize_t
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
 * Decodes one UTF-8 sequence at s (n bytes left) into *cp and returns its
 * length; a broken sequence is one byte with *cp -1, kept as it is.
 */
static size_t
sniff_utf8(const unsigned char *s, size_t n, long *cp)
{
	size_t	 len, i;
	long	 c;

	*cp = -1;
	if (s[0] < 0x80) {
		*cp = s[0];
		return (1);
	}
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		len = 2;
		c = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		len = 3;
		c = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		len = 4;
		c = s[0] & 0x07;
	} else
		return (1);
	if (len > n)
		return (1);
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return (1);
		c = c << 6 | (s[i] & 0x3f);
	}
	*cp = c;
	return (len);
}

/* Bidirectional controls: they reorder what the reader sees. */
static int
sniff_is_bidi(long c)
{
	return (c == 0x061c || c == 0x200e || c == 0x200f ||
	    (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069));
}

/* Characters that show as nothing, so "ex<ZWSP>e" reads as "exe". */
static int
sniff_is_invisible(long c)
{
	return (c == 0x00ad || c == 0x034f || c == 0x115f || c == 0x1160 ||
	    c == 0x17b4 || c == 0x17b5 || (c >= 0x180b && c <= 0x180f) ||
	    (c >= 0x200b && c <= 0x200d) || (c >= 0x2060 && c <= 0x2065) ||
	    (c >= 0x206a && c <= 0x206f) || c == 0x3164 ||
	    (c >= 0xfe00 && c <= 0xfe0f) || c == 0xfeff || c == 0xffa0 ||
	    (c >= 0xfff9 && c <= 0xfffb) || (c >= 0x1d173 && c <= 0x1d17a) ||
	    (c >= 0xe0000 && c <= 0xe0fff));
}

/*
 * Length of s without what trails its real extension: spaces and dots
 * (Windows drops both), control bytes and Unicode spaces (which Windows
 * keeps, but which hide the extension from a reader all the same).
 */
static size_t
sniff_trail(const char *s, size_t len)
{
	static const char *spaces[] = { "\xc2\xa0", "\xe1\x9a\x80",
	    "\xe2\x80\x80", "\xe2\x80\x81", "\xe2\x80\x82", "\xe2\x80\x83",
	    "\xe2\x80\x84", "\xe2\x80\x85", "\xe2\x80\x86", "\xe2\x80\x87",
	    "\xe2\x80\x88", "\xe2\x80\x89", "\xe2\x80\x8a", "\xe2\x80\xa8",
	    "\xe2\x80\xa9", "\xe2\x80\xaf", "\xe2\x81\x9f", "\xe3\x80\x80" };
	size_t		 i, n;
	unsigned char	 c;

	for (;;) {
		if (len == 0)
			return (0);
		c = (unsigned char)s[len - 1];
		if (c == ' ' || c == '.' || c < 0x20 || c == 0x7f) {
			len--;
			continue;
		}
		for (i = 0; i < nitems(spaces); i++) {
			n = strlen(spaces[i]);
			if (len >= n && memcmp(s + len - n, spaces[i], n) == 0)
				break;
		}
		if (i == nitems(spaces))
			return (len);
		len -= n;
	}
}

/*
 * The extension of the first len bytes of s, lower case, into ext;
 * returns the matching entry of sniff_exts or NULL.
 */
static const char *
sniff_ext(const char *s, size_t len, char *ext, size_t extlen)
{
	size_t		 i, dot;
	unsigned char	 c;

	ext[0] = '\0';
	len = sniff_trail(s, len);
	for (dot = len; dot > 0 && s[dot - 1] != '.'; dot--)
		;
	if (dot == 0 || len - dot >= extlen || len == dot)
		return (NULL);
	for (i = 0; i < len - dot; i++) {
		c = (unsigned char)s[dot + i];
		if (c >= 'A' && c <= 'Z')
			c += 'a' - 'A';
		else if (c < 0x20 || c >= 0x7f)
			c = '?';	/* goes into logs: printable only */
		ext[i] = (char)c;
	}
	ext[i] = '\0';
	for (i = 0; i < nitems(sniff_exts); i++) {
		if (strcmp(ext, sniff_exts[i]) == 0)
			return (sniff_exts[i]);
	}
	return (NULL);
}

/* Judges a name; sn->clean is freed by the caller. */
static void
sniff_name(const char *name, struct sniff_name *sn)
{
	const unsigned char	*s = (const unsigned char *)name;
	size_t			 n = strlen(name), i, len, olen = 0, keep;
	const char		*colon;
	char			 ext[SNIFF_EXT_MAX];
	long			 cp;

	memset(sn, 0, sizeof *sn);
	sn->clean = xmalloc(n + 1);
	for (i = 0; i < n; i += len) {
		len = sniff_utf8(s + i, n - i, &cp);
		if (sniff_is_bidi(cp))
			sn->tricks |= SNIFF_T_BIDI;
		else if (sniff_is_invisible(cp))
			sn->tricks |= SNIFF_T_INVIS;
		else {
			memcpy(sn->clean + olen, s + i, len);
			olen += len;
		}
	}
	sn->clean[olen] = '\0';
	keep = sniff_trail(sn->clean, olen);
	if (keep != olen)
		sn->tricks |= SNIFF_T_TRAIL;
	sn->bad = sniff_ext(sn->clean, olen, sn->ext, sizeof sn->ext);

	/* Windows saves "x.exe:y" as x.exe with a stream y. */
	if (sn->bad == NULL && (colon = strchr(sn->clean, ':')) != NULL) {
		sn->bad = sniff_ext(sn->clean, (size_t)(colon - sn->clean),
		    ext, sizeof ext);
		if (sn->bad != NULL) {
			sn->tricks |= SNIFF_T_STREAM;
			memcpy(sn->ext, ext, sizeof sn->ext);
		}
	}
}

/*
 * A name safe to log: invisibles gone, control bytes and broken UTF-8
 * (zip names may be in CP437) replaced, cut short on a character.
 */
static char *
sniff_show(const char *name, size_t len)
{
	struct sniff_name	 sn;
	unsigned char		*p;
	size_t			 n, i, k;
	long			 cp;

	p = (unsigned char *)xstrndup(name, len);
	sniff_name((char *)p, &sn);
	free(p);
	p = (unsigned char *)sn.clean;
	n = strlen(sn.clean);
	for (i = 0; i < n; i += k) {
		k = sniff_utf8(p + i, n - i, &cp);
		if (cp < 0x20 || cp == 0x7f)
			p[i] = '?';
	}
	if (n > SNIFF_SHOW) {
		for (i = SNIFF_SHOW - 3; i > 0 && (p[i] & 0xc0) == 0x80; i--)
			;
		memcpy(p + i, "...", 4);
	}
	return (sn.clean);
}

/* Notes what one zip entry name says about the zip. */
static void
sniff_zip_entry(struct sniff_info *si, const unsigned char *name, size_t len)
{
	struct sniff_name	 sn;
	const char		*base, *p;
	char			*s;

	s = xstrndup((const char *)name, len);
	if (strcasecmp(s, "[Content_Types].xml") == 0)
		si->zip_types = 1;
	base = s;
	for (p = s; *p != '\0'; p++) {
		if (*p == '/' || *p == '\\')
			base = p + 1;
	}
	if (si->zip_macros == NULL) {
		if (strcasecmp(base, "vbaProject.bin") == 0)
			si->zip_macros = "vbaProject.bin";
		else if (strncasecmp(s, "xl/macrosheets/", 15) == 0)
			si->zip_macros = "Excel 4.0 macro sheets";
	}
	if (si->zip_bad == NULL && *base != '\0') {
		sniff_name(base, &sn);
		if (sn.bad != NULL)
			si->zip_bad = sniff_show(base, strlen(base));
		free(sn.clean);
	}
	free(s);
}

/*
 * The local headers that fit in the first bytes: they name the first
 * entries even when the central directory is cut off or lies.
 */
static void
sniff_zip_local(const unsigned char *p, size_t n, struct sniff_info *si)
{
	uint64_t	 off = 0, next;
	size_t		 i, nlen;

	for (i = 0; i < 256 && off + 30 <= n; i++) {
		if (memcmp(p + off, "PK\3\4", 4) != 0)
			return;
		nlen = sniff_u16(p + off + 26);
		if (off + 30 + nlen > n)
			return;
		sniff_zip_entry(si, p + off + 30, nlen);
		/* Streamed: the size follows the data, where we cannot see. */
		if ((sniff_u16(p + off + 6) & 0x8) != 0 &&
		    sniff_u32(p + off + 18) == 0)
			return;
		next = off + 30 + nlen + sniff_u16(p + off + 28) +
		    (uint64_t)sniff_u32(p + off + 18);
		off = next;
	}
}

/*
 * Walks the central directory: the End Of Central Directory record is in
 * the last 64 KiB + 22 bytes (its comment can be 64 KiB long), with a
 * ZIP64 record before it for large zips. si->zip_ok only when every
 * entry it announces was read.
 */
static void
sniff_zip(int fd, uint64_t size, struct sniff_info *si)
{
	unsigned char	*tail = NULL, *cd = NULL, z[SNIFF_EOCD64];
	const unsigned char *e;
	size_t		 tlen, i, eocd = SIZE_MAX, clen, nlen, step;
	uint64_t	 count, cdlen, cdoff, end, z64, seen, off;
	int		 cut = 0;

	if (size < SNIFF_EOCD)
		return;
	tlen = size < SNIFF_TAIL ? (size_t)size : SNIFF_TAIL;
	tail = xmalloc(tlen);
	if (sniff_read(fd, tail, tlen, size - tlen) != (ssize_t)tlen)
		goto out;
	/* Prefer a record whose comment ends the file; a comment may lie. */
	for (i = tlen - SNIFF_EOCD + 1; i-- > 0;) {
		if (memcmp(tail + i, "PK\5\6", 4) != 0)
			continue;
		clen = sniff_u16(tail + i + 20);
		if (i + SNIFF_EOCD + clen == tlen) {
			eocd = i;
			break;
		}
		if (eocd == SIZE_MAX && i + SNIFF_EOCD + clen <= tlen)
			eocd = i;
	}
	if (eocd == SIZE_MAX)
		goto out;
	e = tail + eocd;
	if (sniff_u16(e + 4) != 0 || sniff_u16(e + 6) != 0)
		goto out;		/* split over several disks */
	count = sniff_u16(e + 10);
	cdlen = sniff_u32(e + 12);
	cdoff = sniff_u32(e + 16);
	end = size - tlen + eocd;
	if (count == 0xffff || cdlen == 0xffffffff || cdoff == 0xffffffff) {
		if (eocd < 20 || memcmp(e - 20, "PK\6\7", 4) != 0)
			goto out;
		z64 = sniff_u64(e - 20 + 8);
		if (z64 > end || end - z64 < SNIFF_EOCD64 ||
		    sniff_read(fd, z, sizeof z, z64) != (ssize_t)sizeof z ||
		    memcmp(z, "PK\6\6", 4) != 0)
			goto out;
		count = sniff_u64(z + 32);
		cdlen = sniff_u64(z + 40);
		cdoff = sniff_u64(z + 48);
		end = z64;
	}
	if (cdlen > end)
		goto out;
	/* Offsets are off by what was put before the zip (self-extractors). */
	if (cdoff > end || cdlen > end - cdoff)
		cdoff = end - cdlen;
	if (cdlen > SNIFF_CD_MAX) {
		cdlen = SNIFF_CD_MAX;
		cut = 1;
	}
	cd = xmalloc(cdlen + 1);
	if (sniff_read(fd, cd, cdlen, cdoff) != (ssize_t)cdlen)
		goto out;
	for (off = 0, seen = 0; seen < count && seen < SNIFF_ENTRIES; seen++) {
		if (cdlen - off < 46 || memcmp(cd + off, "PK\1\2", 4) != 0)
			break;
		nlen = sniff_u16(cd + off + 28);
		if (nlen > cdlen - off - 46)
			break;
		sniff_zip_entry(si, cd + off + 46, nlen);
		step = 46 + nlen + sniff_u16(cd + off + 30) +
		    sniff_u16(cd + off + 32);
		if (step > cdlen - off)
			break;
		off += step;
	}
	si->zip_ok = !cut && seen == count;
out:
	free(cd);
	free(tail);
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
	static const unsigned char ole[] = { 0xd0, 0xcf, 0x11, 0xe0, 0xa1,
	    0xb1, 0x1a, 0xe1 };
	static const unsigned char macho[][4] = { { 0xfe, 0xed, 0xfa, 0xce },
	    { 0xfe, 0xed, 0xfa, 0xcf }, { 0xce, 0xfa, 0xed, 0xfe },
	    { 0xcf, 0xfa, 0xed, 0xfe }, { 0xca, 0xfe, 0xba, 0xbe } };
	char		 t[SNIFF_HEAD + 1];
	size_t		 i, dib;
	int		 text;

	si->type = "unknown";
	if (n == 0)
		return;
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
	if (strcmp(si->type, "unknown") != 0 || si->tnef || si->archive)
		return;

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

/* Which trick hid the extension, for the log. */
static const char *
sniff_trick(int tricks)
{
	if (tricks & SNIFF_T_BIDI)
		return (" hidden by a right-to-left override");
	if (tricks & SNIFF_T_INVIS)
		return (" hidden by invisible characters");
	if (tricks & SNIFF_T_TRAIL)
		return (" hidden by trailing spaces or dots");
	if (tricks & SNIFF_T_STREAM)
		return (" before an NTFS stream name");
	return ("");
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
