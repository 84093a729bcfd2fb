/* SPDX-License-Identifier: ISC */
/*
 * sniff.c: attachments judged by name and content. Every sample is built
 * here (magic numbers, zips written entry by entry) rather than kept as
 * binaries in the tree, so each case says what it holds.
 */

#include <sys/stat.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "sniff.h"
#include "xmalloc.h"
#include "test.h"

#define B(s)	s, sizeof (s) - 1

/* Zip variations, the hostile ones included. */
#define Z_ZIP64		0x01	/* ZIP64 end records */
#define Z_HUGENAME	0x02	/* first directory entry claims 65535 bytes */
#define Z_BADOFF	0x04	/* directory offset and size past the end */
#define Z_COUNT		0x08	/* 0xffff entries, no ZIP64 record */
#define Z_SFX		0x10	/* a Windows program in front */
#define Z_COMMENT	0x20	/* a 1000-byte comment after the record */
#define Z_CUT		0x40	/* cut in the middle of the directory */
#define Z_CUTHEAD	0x80	/* only the first 100 bytes */
#define Z_STREAMED	0x100	/* sizes in data descriptors (bit 3) */

struct buf {
	unsigned char	*p;
	size_t		 len, cap;
};

static char	 dir[] = "/tmp/t_sniff.XXXXXX";
static char	 file[sizeof dir + 16];

static const char mz[] = "MZ\x90\0\3\0\0\0\4\0\0\0\xff\xff\0\0\xb8\0\0\0"
    "\0\0\0\0\x40\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0"
    "\0\0\0\0\0\0\0\0\x80\0\0\0\x0e\x1f\xba\x0e\0\xb4\t\xcd!\xb8\1L\xcd!"
    "This program cannot be run in DOS mode.\r\r\n$\0\0\0\0\0\0\0"
    "PE\0\0L\1\3\0";

static const char *docx[] = { "[Content_Types].xml", "_rels/.rels",
    "word/document.xml", "word/_rels/document.xml.rels",
    "word/styles.xml", "word/theme/theme1.xml", "docProps/core.xml",
    "docProps/app.xml", NULL };
static const char *docm[] = { "[Content_Types].xml", "_rels/.rels",
    "word/document.xml", "word/_rels/document.xml.rels",
    "word/vbaProject.bin", "word/vbaData.xml", NULL };
static const char *xlsx_xlm[] = { "[Content_Types].xml", "_rels/.rels",
    "xl/workbook.xml", "xl/macrosheets/sheet1.xml", NULL };
static const char *docx_exe[] = { "[Content_Types].xml", "_rels/.rels",
    "word/document.xml", "word/embeddings/update.exe", NULL };
static const char *zip_exe[] = { "ktp.pdf", "setup.exe", NULL };
static const char *zip_first_exe[] = { "setup.exe", "ktp.pdf", "sk.pdf",
    NULL };
static const char *zip_space[] = { "ktp.pdf", "scan.exe ", NULL };
static const char *zip_js[] = { "berkas/", "berkas/surat.pdf",
    "berkas/baca.js", NULL };
static const char *zip_rlo[] = { "ktp\xe2\x80\xae" "fdp.scr", NULL };
static const char *zip_jar[] = { "lib/app.jar", NULL };
static const char *zip_cp437[] = { "pr\x81" "fung.exe", NULL };
static const char *zip_pdfs[] = { "ktp.pdf", "sk.pdf", "surat.jpg",
    NULL };
static const char *zip_empty[] = { NULL };

static char	 longexe[256], longcut[121];

enum kind {
	K_BYTES,	/* data, len */
	K_ZIP,		/* entries, zip flags */
	K_NOPATH,	/* no file: name and MIME type only */
	K_MISSING,	/* a path with nothing there */
	K_DIR		/* a directory where the file should be */
};

static const struct tcase {
	const char	*name;
	const char	*ctype;
	enum kind	 kind;
	const char	*data;
	size_t		 len;
	const char	**entries;
	int		 zflags;
	enum sniff_class want;
	const char	*type;
	const char	*why;		/* a part of the phrase */
} cases[] = {
	/* The names that got programs through. */
	{ "scan.exe ", "application/pdf", K_BYTES, B("%PDF-1.4\n"), NULL, 0,
	    SNIFF_DANGEROUS, "pdf",
	    "a name ending in .exe hidden by trailing spaces or dots" },
	{ "scan.exe.", NULL, K_BYTES, B("%PDF-1.4\n"), NULL, 0,
	    SNIFF_DANGEROUS, "pdf", ".exe hidden by trailing" },
	{ "scan.exe . .  ", NULL, K_BYTES, B("%PDF-1.4\n"), NULL, 0,
	    SNIFF_DANGEROUS, "pdf", ".exe hidden by trailing" },
	{ "scan.exe\xc2\xa0", NULL, K_BYTES, B("%PDF-1.4\n"), NULL, 0,
	    SNIFF_DANGEROUS, "pdf", ".exe hidden by trailing" },
	{ "panel.cpl", "image/jpeg", K_BYTES, B("\xff\xd8\xff\xe0\0\x10JFIF"),
	    NULL, 0, SNIFF_DANGEROUS, "jpeg", "a name ending in .cpl" },
	{ "surat.docm", NULL, K_ZIP, NULL, 0, docx, 0,
	    SNIFF_DANGEROUS, "ooxml", "a name ending in .docm" },
	{ "lampiran.zip", "application/zip", K_ZIP, NULL, 0, zip_exe, 0,
	    SNIFF_DANGEROUS, "zip", "a zip holding setup.exe" },
	{ "ktp.pdf", "application/pdf", K_BYTES, mz, sizeof mz - 1, NULL, 0,
	    SNIFF_DANGEROUS, "exe", "a Windows program (MZ) named .pdf" },
	{ longexe, NULL, K_BYTES, B("%PDF-1.4\n"), NULL, 0,
	    SNIFF_DANGEROUS, "pdf", "a name ending in .exe" },
	/* What mime.c makes of that name today: cut, so the content tells. */
	{ longcut, NULL, K_BYTES, mz, sizeof mz - 1, NULL, 0,
	    SNIFF_DANGEROUS, "exe",
	    "a Windows program (MZ) without an extension" },
	{ "invoice\xe2\x80\xae" "fdp.exe", NULL, K_BYTES, B("%PDF-1.4\n"),
	    NULL, 0, SNIFF_DANGEROUS, "pdf",
	    ".exe hidden by a right-to-left override" },
	{ "scan.e\xe2\x80\x8b" "xe", NULL, K_BYTES, B("%PDF-1.4\n"), NULL, 0,
	    SNIFF_DANGEROUS, "pdf", ".exe hidden by invisible characters" },
	{ "scan.exe\xef\xbb\xbf", NULL, K_BYTES, B("%PDF-1.4\n"), NULL, 0,
	    SNIFF_DANGEROUS, "pdf", ".exe hidden by invisible" },
	{ "scan.exe::$DATA", NULL, K_BYTES, B("%PDF-1.4\n"), NULL, 0,
	    SNIFF_DANGEROUS, "pdf", ".exe before an NTFS stream name" },
	{ "SCAN.EXE", NULL, K_BYTES, B("%PDF-1.4\n"), NULL, 0,
	    SNIFF_DANGEROUS, "pdf", "a name ending in .exe" },
	{ "scan.pdf.exe", NULL, K_BYTES, B("%PDF-1.4\n"), NULL, 0,
	    SNIFF_DANGEROUS, "pdf", "a name ending in .exe" },
	{ "scan.pdf.js", NULL, K_BYTES, B("var a = 1;\n"), NULL, 0,
	    SNIFF_DANGEROUS, "text", "a name ending in .js" },
	{ "Tagihan.PS1", NULL, K_BYTES, B("Write-Host hi\n"), NULL, 0,
	    SNIFF_DANGEROUS, "text", "a name ending in .ps1" },
	{ "x.lnk", NULL, K_BYTES, B("L\0\0\0\1\x14\2\0"), NULL, 0,
	    SNIFF_DANGEROUS, "unknown", ".lnk" },

	/* Programs and scripts by content, whatever the name. */
	{ "foto.jpg", NULL, K_BYTES, B("\x7f" "ELF\2\1\1\0\0\0\0\0\0\0\0\0"),
	    NULL, 0, SNIFF_DANGEROUS, "elf",
	    "a Linux program (ELF) named .jpg" },
	{ "foto.jpg", NULL, K_BYTES, B("\xcf\xfa\xed\xfe\7\0\0\1\3\0\0\0"),
	    NULL, 0, SNIFF_DANGEROUS, "macho", "a macOS program (Mach-O)" },
	{ "ktp.pdf", NULL, K_ZIP, NULL, 0, zip_pdfs, Z_SFX,
	    SNIFF_DANGEROUS, "exe", "a Windows program (MZ) named .pdf" },
	{ "surat.txt", NULL, K_BYTES, B("#!/bin/sh\nrm -rf ~\n"), NULL, 0,
	    SNIFF_DANGEROUS, "script", "a script (#!) named .txt" },
	{ "surat.txt", NULL, K_BYTES, B("@ECHO OFF\r\nstart calc\r\n"), NULL,
	    0, SNIFF_DANGEROUS, "script", "a script (@echo off) named .txt" },
	{ "surat.txt", NULL, K_BYTES,
	    B("Set o = CreateObject(\"WScript.Shell\")\r\n"), NULL, 0,
	    SNIFF_DANGEROUS, "script", "a script" },
	{ "surat.txt", NULL, K_BYTES,
	    B("\xff\xfep\0o\0w\0e\0r\0s\0h\0e\0l\0l\0 \0-\0e\0n\0c\0 \0"),
	    NULL, 0, SNIFF_DANGEROUS, "script", "(powershell)" },
	{ "surat.txt", NULL, K_BYTES,
	    B("\xef\xbb\xbf#!/usr/bin/env python3\nimport os\n"), NULL, 0,
	    SNIFF_DANGEROUS, "script", "(#!)" },
	{ "surat.html", "text/html", K_BYTES,
	    B("<html><body><SCRIPT>location='x'</SCRIPT></body></html>"),
	    NULL, 0, SNIFF_DANGEROUS, "script", "(<script) named .html" },
	{ "gambar.svg", NULL, K_BYTES,
	    B("<svg xmlns='http://www.w3.org/2000/svg'><script>x()</script>"),
	    NULL, 0, SNIFF_DANGEROUS, "script", "a script" },
	{ "scan", NULL, K_BYTES, B("#!/bin/sh\n"), NULL, 0,
	    SNIFF_DANGEROUS, "script", "a script (#!) without an extension" },

	/* MIME types that only programs and macro files are sent as. */
	{ "ktp.pdf", "application/x-msdownload", K_BYTES, B("%PDF-1.4\n"),
	    NULL, 0, SNIFF_DANGEROUS, "pdf",
	    "a file sent as application/x-msdownload" },
	{ "surat.docx", "application/vnd.ms-word.document.macroenabled.12",
	    K_ZIP, NULL, 0, docx, 0, SNIFF_DANGEROUS, "ooxml", "sent as" },

	/* Inside zips. */
	{ "surat.docx", NULL, K_ZIP, NULL, 0, docm, 0, SNIFF_DANGEROUS,
	    "ooxml", "an Office document with macros (vbaProject.bin)" },
	{ "data.xlsx", NULL, K_ZIP, NULL, 0, xlsx_xlm, 0, SNIFF_DANGEROUS,
	    "ooxml", "with macros (Excel 4.0 macro sheets)" },
	{ "surat.docx", NULL, K_ZIP, NULL, 0, docx_exe, 0, SNIFF_DANGEROUS,
	    "ooxml", "an Office document holding update.exe" },
	{ "a.zip", NULL, K_ZIP, NULL, 0, zip_space, 0, SNIFF_DANGEROUS,
	    "zip", "a zip holding scan.exe " },
	{ "a.zip", NULL, K_ZIP, NULL, 0, zip_js, 0, SNIFF_DANGEROUS,
	    "zip", "a zip holding baca.js" },
	{ "a.zip", NULL, K_ZIP, NULL, 0, zip_rlo, 0, SNIFF_DANGEROUS,
	    "zip", "a zip holding ktpfdp.scr" },
	{ "a.zip", NULL, K_ZIP, NULL, 0, zip_jar, 0, SNIFF_DANGEROUS,
	    "zip", "a zip holding app.jar" },
	{ "a.zip", NULL, K_ZIP, NULL, 0, zip_cp437, 0, SNIFF_DANGEROUS,
	    "zip", "a zip holding pr?fung.exe" },
	{ "a.zip", NULL, K_ZIP, NULL, 0, zip_exe, Z_STREAMED,
	    SNIFF_DANGEROUS, "zip", "a zip holding setup.exe" },
	{ "a.zip", NULL, K_ZIP, NULL, 0, zip_exe, Z_ZIP64,
	    SNIFF_DANGEROUS, "zip", "a zip holding setup.exe" },
	/* Cut short: the local header at the start still names it. */
	{ "a.zip", NULL, K_ZIP, NULL, 0, zip_first_exe, Z_CUTHEAD,
	    SNIFF_DANGEROUS, "zip", "a zip holding setup.exe" },

	/* Documents. */
	{ "ktp.pdf", "application/pdf", K_BYTES,
	    B("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\n"),
	    NULL, 0, SNIFF_DOCUMENT, "pdf", "a PDF document" },
	{ "ktp.pdf", NULL, K_BYTES, B("\r\n\r\n%PDF-1.3\n%\xc7\xec\x8f\xa2\n"),
	    NULL, 0, SNIFF_DOCUMENT, "pdf", "a PDF document" },
	{ "ktp.jpg", "image/jpeg", K_BYTES,
	    B("\xff\xd8\xff\xe0\0\x10JFIF\0\1\1\0\0\1\0\1\0\0\xff\xdb"), NULL,
	    0, SNIFF_DOCUMENT, "jpeg", "a JPEG image" },
	{ "IMG_0001.JPG", "image/jpeg", K_BYTES,
	    B("\xff\xd8\xff\xe1\x1f\xfe" "Exif\0\0MM\0*\0\0\0\x08"), NULL, 0,
	    SNIFF_DOCUMENT, "jpeg", "a JPEG image" },
	{ "ktp.png", "image/png", K_BYTES,
	    B("\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\4\0\0\0\3\0\x08\x06\0\0\0"),
	    NULL, 0, SNIFF_DOCUMENT, "png", "a PNG image" },
	{ "IMG_0002.HEIC", "image/heic", K_BYTES,
	    B("\0\0\0\x18" "ftypheic\0\0\0\0mif1heic\0\0\x0f\xe4meta"), NULL,
	    0, SNIFF_DOCUMENT, "heic", "a HEIC image" },
	{ "IMG_0003.HEIC", NULL, K_BYTES,
	    B("\0\0\0\x1c" "ftypmif1\0\0\0\0mif1miafMiHBheic"), NULL, 0,
	    SNIFF_DOCUMENT, "heic", "a HEIC image" },
	{ "ktp.gif", NULL, K_BYTES, B("GIF89a\x10\0\x10\0\x80\0\0"), NULL, 0,
	    SNIFF_DOCUMENT, "gif", "a GIF image" },
	{ "ktp.tif", NULL, K_BYTES, B("II*\0\x08\0\0\0\x0e\0"), NULL, 0,
	    SNIFF_DOCUMENT, "tiff", "a TIFF image" },
	{ "ktp.webp", NULL, K_BYTES, B("RIFF\x24\x10\0\0WEBPVP8 "), NULL, 0,
	    SNIFF_DOCUMENT, "webp", "a WebP image" },
	{ "ktp.bmp", NULL, K_BYTES,
	    B("BM\x46\0\0\0\0\0\0\0\x36\0\0\0\x28\0\0\0\1\0\0\0\1\0\0\0\1\0"),
	    NULL, 0, SNIFF_DOCUMENT, "bmp", "a BMP image" },
	{ "surat.docx", "application/vnd.openxmlformats-officedocument."
	    "wordprocessingml.document", K_ZIP, NULL, 0, docx, 0,
	    SNIFF_DOCUMENT, "ooxml", "an Office document (OOXML)" },
	{ "surat.docx", NULL, K_ZIP, NULL, 0, docx, Z_COMMENT,
	    SNIFF_DOCUMENT, "ooxml", "OOXML" },
	{ "surat.docx", NULL, K_ZIP, NULL, 0, docx, Z_ZIP64,
	    SNIFF_DOCUMENT, "ooxml", "OOXML" },
	{ "surat.doc", "application/msword", K_BYTES,
	    B("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\0\0\0\0\0\0\0\0"), NULL, 0,
	    SNIFF_DOCUMENT, "ole", "an OLE compound file" },
	{ "surat.txt", "text/plain", K_BYTES,
	    B("Yth. Bapak Kepala Dinas,\n\nBersama ini kami lampirkan KTP dan"
	    " SK.\n\nHormat kami,\nBudi\n"), NULL, 0,
	    SNIFF_DOCUMENT, "text", "a text file" },
	{ "surat.txt", NULL, K_BYTES, B("MZ Budi Santoso, pemohon TTE\n"),
	    NULL, 0, SNIFF_DOCUMENT, "text", "a text file" },
	{ "surat.html", "text/html", K_BYTES,
	    B("<!DOCTYPE html><html><body><p>Surat</p></body></html>"), NULL,
	    0, SNIFF_DOCUMENT, "html", "an HTML page" },
	{ "scan.exe.pdf", NULL, K_BYTES, B("%PDF-1.4\n"), NULL, 0,
	    SNIFF_DOCUMENT, "pdf", "a PDF document" },
	{ "kosong.pdf", NULL, K_BYTES, "", 0, NULL, 0,
	    SNIFF_DOCUMENT, "unknown", "unknown type" },
	{ "abc.pdf", NULL, K_BYTES, B("abc"), NULL, 0,
	    SNIFF_DOCUMENT, "text", "a text file" },
	{ "pk.pdf", NULL, K_BYTES, B("PK\3"), NULL, 0,
	    SNIFF_DOCUMENT, "unknown", "unknown type" },
	{ "mz.pdf", NULL, K_BYTES, B("MZ\x90"), NULL, 0,
	    SNIFF_DOCUMENT, "text", "a text file" },

	/* Wrappers. */
	{ "winmail.dat", "application/ms-tnef", K_BYTES,
	    B("\x78\x9f\x3e\x22\0\0\1\x06\x90\x08\0"), NULL, 0,
	    SNIFF_WRAPPER, "unknown", "winmail.dat (Outlook TNEF)" },
	{ "WINMAIL.DAT", NULL, K_BYTES, B("xx"), NULL, 0,
	    SNIFF_WRAPPER, "text", "TNEF" },
	{ "lampiran.bin", "application/vnd.ms-tnef", K_BYTES, B("xx"), NULL,
	    0, SNIFF_WRAPPER, "text", "TNEF" },
	{ "lampiran.bin", NULL, K_BYTES, B("\x78\x9f\x3e\x22\0\0\1"), NULL, 0,
	    SNIFF_WRAPPER, "unknown", "TNEF" },

	/* Archives: not opened. */
	{ "berkas.rar", NULL, K_BYTES, B("Rar!\x1a\x07\0\xcf\x90\x73\0\0\x0d"),
	    NULL, 0, SNIFF_ARCHIVE, "rar", "a RAR archive" },
	{ "berkas.rar", NULL, K_BYTES,
	    B("Rar!\x1a\x07\1\0\x33\x92\xb5\xe5\x0a\1\5\6\0"), NULL, 0,
	    SNIFF_ARCHIVE, "rar", "a RAR archive" },
	{ "berkas.7z", NULL, K_BYTES, B("7z\xbc\xaf\x27\x1c\0\4\x8d\x9b"),
	    NULL, 0, SNIFF_ARCHIVE, "7z", "a 7-Zip archive" },
	{ "berkas.gz", NULL, K_BYTES, B("\x1f\x8b\x08\0\0\0\0\0\0\3"), NULL, 0,
	    SNIFF_ARCHIVE, "gzip", "a gzip archive" },
	{ "berkas.xz", NULL, K_BYTES, B("\xfd" "7zXZ\0\0\4\xe6\xd6\xb4\x46"),
	    NULL, 0, SNIFF_ARCHIVE, "unknown", "a compressed archive" },
	{ "berkas.zip", NULL, K_ZIP, NULL, 0, zip_pdfs, 0,
	    SNIFF_ARCHIVE, "zip", "a zip archive" },
	{ "kosong.zip", NULL, K_ZIP, NULL, 0, zip_empty, 0,
	    SNIFF_ARCHIVE, "zip", "a zip archive" },

	/* Broken and hostile zips: never a document, never a crash. */
	{ "surat.docx", NULL, K_ZIP, NULL, 0, docx, Z_CUT,
	    SNIFF_ARCHIVE, "zip", "directory cannot be read" },
	{ "surat.docx", NULL, K_ZIP, NULL, 0, docx, Z_HUGENAME,
	    SNIFF_ARCHIVE, "zip", "directory cannot be read" },
	{ "surat.docx", NULL, K_ZIP, NULL, 0, docx, Z_BADOFF,
	    SNIFF_ARCHIVE, "zip", "directory cannot be read" },
	{ "surat.docx", NULL, K_ZIP, NULL, 0, docx, Z_COUNT,
	    SNIFF_ARCHIVE, "zip", "directory cannot be read" },

	/* No file, or none to read. */
	{ "ktp.pdf", NULL, K_NOPATH, NULL, 0, NULL, 0,
	    SNIFF_DOCUMENT, "unknown", "unknown type" },
	{ "ktp.scr", NULL, K_NOPATH, NULL, 0, NULL, 0,
	    SNIFF_DANGEROUS, "unknown", "a name ending in .scr" },
	{ "ktp.pdf", NULL, K_MISSING, NULL, 0, NULL, 0,
	    SNIFF_DANGEROUS, "unknown", "a file that cannot be read" },
	{ "ktp.pdf", NULL, K_DIR, NULL, 0, NULL, 0,
	    SNIFF_DANGEROUS, "unknown", "a file that cannot be read" },
};

/* The list in sniff.c, kept here apart so a lost entry fails a test. */
static const char *exts[] = {
	"accda", "accdb", "accde", "accdr", "accdt", "ade", "adp", "app",
	"appimage", "appinstaller", "applescript", "application",
	"appref-ms", "appx", "appxbundle", "asp", "aspx", "asx", "bas",
	"bash", "bat", "bgi", "btm", "cab", "cdxml", "chm", "class", "cmd",
	"cnt", "com", "command", "cpl", "csh", "deb", "deskthemepack",
	"desktop", "dex", "diagcab", "diagcfg", "diagpack", "dll", "dmg",
	"docm", "dotm", "drv", "ex_", "exe", "fxp", "gadget", "grp", "hlp",
	"hpj", "hta", "htc", "img", "inf", "ins", "iqy", "iso", "isp", "its",
	"jar", "jnlp", "job", "js", "jse", "ksh", "lib", "library-ms", "lnk",
	"mad", "maf", "mag", "mam", "maq", "mar", "mas", "mat", "mau", "mav",
	"maw", "mcf", "mda", "mdb", "mde", "mdt", "mdw", "mdz", "mpkg", "msc",
	"msh", "msh1", "msh1xml", "msh2", "msh2xml", "mshxml", "msi", "msix",
	"msixbundle", "msp", "mst", "msu", "nsh", "ocx", "one", "onepkg",
	"ops", "osd", "pcd", "pif", "pkg", "pl", "plg", "potm", "ppa", "ppam",
	"ppsm", "pptm", "prf", "prg", "printerexport", "ps1", "ps1xml", "ps2",
	"ps2xml", "psc1", "psc2", "psd1", "psm1", "pssc", "py", "pyc", "pyo",
	"pyw", "pyz", "pyzw", "reg", "rpm", "run", "scf", "scpt", "scr",
	"sct", "searchconnector-ms", "settingcontent-ms", "sh", "shb", "shs",
	"sldm", "slk", "sys", "theme", "themepack", "tool", "url", "vb",
	"vbe", "vbp", "vbs", "vhd", "vhdx", "vsmacros", "vsw", "vxd",
	"webpnp", "website", "wll", "ws", "wsb", "wsc", "wsf", "wsh", "wwl",
	"xbap", "xla", "xlam", "xll", "xlm", "xlsb", "xlsm", "xltm", "xnk",
	"zsh"
};

/* What applicants do send. */
static const char *benign[] = {
	"pdf", "jpg", "jpeg", "png", "heic", "heif", "gif", "tif", "tiff",
	"bmp", "webp", "doc", "docx", "xls", "xlsx", "ppt", "pptx", "odt",
	"ods", "rtf", "txt", "csv", "html", "xml", "zip", "rar", "7z",
	"dat", "eml", "p7s", "exe_", "xexe", "pdf_"
};

static uint32_t
crc32(const unsigned char *p, size_t n)
{
	uint32_t	 c = 0xffffffff;
	size_t		 i;
	int		 k;

	for (i = 0; i < n; i++) {
		c ^= p[i];
		for (k = 0; k < 8; k++)
			c = c & 1 ? (c >> 1) ^ 0xedb88320 : c >> 1;
	}
	return (~c);
}

static void
put(struct buf *b, const void *p, size_t n)
{
	if (n == 0)
		return;
	if (b->len + n > b->cap) {
		b->cap = (b->len + n) * 2;
		b->p = xreallocarray(b->p, b->cap, 1);
	}
	memcpy(b->p + b->len, p, n);
	b->len += n;
}

static void
put16(struct buf *b, unsigned v)
{
	unsigned char	 c[2] = { v & 0xff, (v >> 8) & 0xff };

	put(b, c, 2);
}

static void
put32(struct buf *b, uint32_t v)
{
	put16(b, v & 0xffff);
	put16(b, v >> 16);
}

static void
put64(struct buf *b, uint64_t v)
{
	put32(b, (uint32_t)v);
	put32(b, (uint32_t)(v >> 32));
}

/* A stored (uncompressed) zip of the named entries, built as zip(1) does. */
static void
zip_make(struct buf *b, const char **names, int flags)
{
	struct buf	 cd = { 0 };
	uint32_t	*offs, crc, pre = 0;
	size_t		 i, n, nlen, cdstart, eocd, z64;
	const char	*data = "isi berkas\n";
	size_t		 dlen = strlen(data);
	int		 dir, bit3 = (flags & Z_STREAMED) != 0;

	memset(b, 0, sizeof *b);
	for (n = 0; names[n] != NULL; n++)
		;
	offs = xcalloc(n + 1, sizeof *offs);
	if (flags & Z_SFX) {
		put(b, mz, sizeof mz - 1);
		pre = (uint32_t)b->len;
	}
	crc = crc32((const unsigned char *)data, dlen);
	for (i = 0; i < n; i++) {
		nlen = strlen(names[i]);
		dir = names[i][nlen - 1] == '/';
		offs[i] = (uint32_t)(b->len - pre);
		put(b, "PK\3\4", 4);
		put16(b, 10);
		put16(b, bit3 ? 0x8 : 0);
		put16(b, 0);			/* stored */
		put32(b, 0);			/* time, date */
		put32(b, dir || bit3 ? 0 : crc);
		put32(b, dir || bit3 ? 0 : (uint32_t)dlen);
		put32(b, dir || bit3 ? 0 : (uint32_t)dlen);
		put16(b, (unsigned)nlen);
		put16(b, 0);
		put(b, names[i], nlen);
		if (!dir)
			put(b, data, dlen);
		if (bit3 && !dir) {
			put(b, "PK\7\x08", 4);
			put32(b, crc);
			put32(b, (uint32_t)dlen);
			put32(b, (uint32_t)dlen);
		}
	}
	cdstart = b->len - pre;
	for (i = 0; i < n; i++) {
		nlen = strlen(names[i]);
		dir = names[i][nlen - 1] == '/';
		put(&cd, "PK\1\2", 4);
		put16(&cd, 0x031e);
		put16(&cd, 10);
		put16(&cd, bit3 ? 0x8 : 0);
		put16(&cd, 0);
		put32(&cd, 0);
		put32(&cd, dir ? 0 : crc);
		put32(&cd, dir ? 0 : (uint32_t)dlen);
		put32(&cd, dir ? 0 : (uint32_t)dlen);
		put16(&cd, (i == 0 && (flags & Z_HUGENAME)) ? 0xffff :
		    (unsigned)nlen);
		put16(&cd, 0);
		put16(&cd, 0);
		put16(&cd, 0);
		put16(&cd, 0);
		put32(&cd, dir ? 0x10 : 0);
		put32(&cd, offs[i]);
		put(&cd, names[i], nlen);
	}
	put(b, cd.p, cd.len);
	eocd = b->len;
	if (flags & Z_ZIP64) {
		z64 = b->len - pre;
		put(b, "PK\6\6", 4);
		put64(b, 44);
		put16(b, 45);
		put16(b, 45);
		put32(b, 0);
		put32(b, 0);
		put64(b, n);
		put64(b, n);
		put64(b, cd.len);
		put64(b, cdstart);
		put(b, "PK\6\7", 4);
		put32(b, 0);
		put64(b, z64);
		put32(b, 1);
		eocd = b->len;
	}
	put(b, "PK\5\6", 4);
	put16(b, 0);
	put16(b, 0);
	if (flags & (Z_ZIP64 | Z_COUNT)) {
		put16(b, 0xffff);
		put16(b, 0xffff);
	} else {
		put16(b, (unsigned)n);
		put16(b, (unsigned)n);
	}
	if (flags & Z_ZIP64) {
		put32(b, 0xffffffff);
		put32(b, 0xffffffff);
	} else if (flags & Z_BADOFF) {
		put32(b, 0x7ffffff0);
		put32(b, 0x7ffffff0);
	} else {
		put32(b, (uint32_t)cd.len);
		put32(b, (uint32_t)cdstart);
	}
	if (flags & Z_COMMENT) {
		put16(b, 1000);
		for (i = 0; i < 1000; i++)
			put(b, i % 100 == 0 ? "\n" : "k", 1);
	} else
		put16(b, 0);
	if (flags & Z_CUT)
		b->len = eocd - cd.len / 2;
	if (flags & Z_CUTHEAD)
		b->len = 100;
	free(cd.p);
	free(offs);
}

static void
write_file(const void *p, size_t n)
{
	FILE	*f;

	if ((f = fopen(file, "wb")) == NULL)
		fatal("%s", file);
	if (n > 0 && fwrite(p, n, 1, f) != 1)
		fatal("%s", file);
	if (fclose(f) != 0)
		fatal("%s", file);
}

static int
contains(const char *s, const char *part)
{
	return (s != NULL && strstr(s, part) != NULL);
}

static void
run_case(size_t idx, const struct tcase *tc)
{
	struct buf	 b;
	const char	*path = file, *type;
	char		*why, missing[sizeof file + 8];
	enum sniff_class c;

	switch (tc->kind) {
	case K_BYTES:
		write_file(tc->data, tc->len);
		break;
	case K_ZIP:
		zip_make(&b, tc->entries, tc->zflags);
		write_file(b.p, b.len);
		free(b.p);
		break;
	case K_NOPATH:
		path = NULL;
		break;
	case K_MISSING:
		snprintf(missing, sizeof missing, "%s/nothing", dir);
		path = missing;
		break;
	case K_DIR:
		path = dir;
		break;
	}
	c = sniff_attachment(tc->name, tc->ctype, path, &type, &why);
	if (c != tc->want || strcmp(type, tc->type) != 0 ||
	    !contains(why, tc->why))
		fprintf(stderr, "case %zu (%s): class %d type %s why \"%s\"\n",
		    idx, tc->name, (int)c, type, why ? why : "(null)");
	TEST_ASSERT(c == tc->want);
	TEST_STREQ(type, tc->type);
	TEST_ASSERT(contains(why, tc->why));
	if (path == file)
		TEST_STREQ(sniff_type(file), tc->type);
	free(why);
}

/* Every prefix of a zip: a crash or an OOXML "document" is a failure. */
static void
run_truncations(const char **names, int macros)
{
	struct buf	 b;
	enum sniff_class c;
	const char	*type;
	size_t		 n;
	int		 bad = 0;

	zip_make(&b, names, 0);
	for (n = 0; n < b.len; n++) {
		write_file(b.p, n);
		c = sniff_attachment("surat.docx", NULL, file, &type, NULL);
		if (n >= 4 && (c == SNIFF_DOCUMENT ||
		    strcmp(type, "ooxml") == 0))
			bad++;
		if (n >= 4 && macros && c != SNIFF_ARCHIVE &&
		    c != SNIFF_DANGEROUS)
			bad++;
	}
	TEST_ASSERT(bad == 0);
	free(b.p);
}

/* Random damage to a zip, under the sanitizers: nothing may crash. */
static void
run_damage(const char **names, int flags)
{
	struct buf	 b;
	unsigned char	*copy;
	char		*why;
	size_t		 i, k;
	unsigned	 seed = 1;
	int		 ok = 1;

	zip_make(&b, names, flags);
	copy = xmalloc(b.len);
	for (i = 0; i < 3000; i++) {
		memcpy(copy, b.p, b.len);
		for (k = 0; k < 1 + i % 4; k++) {
			seed = seed * 1103515245 + 12345;
			copy[(seed >> 8) % b.len] = (unsigned char)(seed >> 20);
		}
		write_file(copy, b.len);
		(void)sniff_attachment("x.docx", NULL, file, NULL, &why);
		ok &= why != NULL;
		free(why);
	}
	TEST_ASSERT(ok);
	free(copy);
	free(b.p);
}

static int
dangerous(const char *name)
{
	if (sniff_attachment(name, NULL, NULL, NULL, NULL) == SNIFF_DANGEROUS)
		return (1);
	fprintf(stderr, "not dangerous: \"%s\"\n", name);
	return (0);
}

int
main(void)
{
	char		 name[64], *why, *p;
	const char	*type;
	size_t		 i;
	int		 bad;

	if (mkdtemp(dir) == NULL)
		fatal("mkdtemp");
	snprintf(file, sizeof file, "%s/att", dir);
	memset(longexe, 'a', 240);
	memcpy(longexe + 240, ".exe", 5);
	memset(longcut, 'a', 120);	/* mime.c keeps 120 bytes */

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++)
		run_case(i, &cases[i]);

	/* Each extension, as is and in upper case, and behind a space. */
	for (i = 0, bad = 0; i < sizeof exts / sizeof exts[0]; i++) {
		snprintf(name, sizeof name, "surat.%s", exts[i]);
		bad += !dangerous(name);
		snprintf(name, sizeof name, "SURAT.%s ", exts[i]);
		for (p = name; *p != '\0'; p++) {
			if (*p >= 'a' && *p <= 'z')
				*p -= 'a' - 'A';
		}
		bad += !dangerous(name);
	}
	TEST_ASSERT(bad == 0);
	for (i = 0, bad = 0; i < sizeof benign / sizeof benign[0]; i++) {
		snprintf(name, sizeof name, "surat.%s", benign[i]);
		if (sniff_attachment(name, NULL, NULL, &type, &why) !=
		    SNIFF_DOCUMENT) {
			fprintf(stderr, "not a document: %s\n", name);
			bad++;
		}
		free(why);
	}
	TEST_ASSERT(bad == 0);

	/* Names no one should trust, and none at all. */
	TEST_ASSERT(sniff_attachment(NULL, NULL, NULL, NULL, NULL) ==
	    SNIFF_DOCUMENT);
	TEST_ASSERT(sniff_attachment("", NULL, NULL, NULL, NULL) ==
	    SNIFF_DOCUMENT);
	TEST_ASSERT(sniff_attachment("...", NULL, NULL, NULL, NULL) ==
	    SNIFF_DOCUMENT);
	TEST_ASSERT(sniff_attachment(".exe", NULL, NULL, NULL, NULL) ==
	    SNIFF_DANGEROUS);
	TEST_ASSERT(sniff_attachment("a.\xe2\x80", NULL, NULL, NULL, NULL) ==
	    SNIFF_DOCUMENT);

	/* Entry names go into logs: no control bytes, bounded length. */
	{
		char		 longent[300];
		const char	*ents[] = { longent, NULL };
		struct buf	 b;

		memset(longent, 'b', sizeof longent);
		longent[10] = '\n';
		memcpy(longent + sizeof longent - 5, ".exe", 5);
		zip_make(&b, ents, 0);
		write_file(b.p, b.len);
		free(b.p);
		TEST_ASSERT(sniff_attachment("a.zip", NULL, file, NULL, &why) ==
		    SNIFF_DANGEROUS);
		TEST_ASSERT(why != NULL && strchr(why, '\n') == NULL &&
		    strlen(why) < 100);
		free(why);
	}

	run_truncations(docx, 0);
	run_truncations(docm, 1);
	run_damage(docm, 0);
	run_damage(docx, Z_ZIP64);

	unlink(file);
	rmdir(dir);
	return (test_done());
}
