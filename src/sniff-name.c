/* SPDX-License-Identifier: ISC */
/*
 * A file's name as Windows runs it: bidirectional controls and invisible
 * characters taken out, what trails the extension (spaces, dots, Unicode
 * spaces) cut, an NTFS stream name seen through; then the extension
 * compared with those of programs, installers and macro formats.
 */

#include <stdlib.h>
#include <string.h>

#include "sniff_p.h"
#include "xmalloc.h"

#define SNIFF_SHOW	64		/* bytes of an entry name in a log */

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
void
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
char *
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

/* Which trick hid the extension, for the log. */
const char *
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
