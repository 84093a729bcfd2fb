/* SPDX-License-Identifier: ISC */
/*
 * sniff.c's API, kept apart until it is merged into disposisi.h under a
 * "sniff.c" section.
 */
#ifndef SNIFF_H
#define SNIFF_H

/* sniff.c */
enum sniff_class {
	SNIFF_DOCUMENT,		/* goes with the case */
	SNIFF_WRAPPER,		/* winmail.dat: the files inside are lost */
	SNIFF_ARCHIVE,		/* not opened: what it holds counts as missing */
	SNIFF_DANGEROUS		/* a program, script or macros: never forwarded */
};
/*
 * The type of the file at path by its first bytes, never by its name:
 * "pdf", "jpeg", "png", "gif", "tiff", "webp", "heic", "bmp", "zip",
 * "ooxml", "rar", "7z", "gzip", "ole", "exe", "elf", "macho", "script",
 * "html", "text" or "unknown" (also for a file that cannot be read).
 * Returns a static string.
 */
const char	*sniff_type(const char *);
/*
 * Judges an attachment by its (sanitised) file name, its MIME type and
 * the bytes at path; content_type and path may be NULL (then only what
 * is given is judged). *type_r gets sniff_type's answer (static);
 * *why_r a short English phrase for logs and notes, always set, which
 * the caller frees. Either may be NULL when not wanted. A file that
 * cannot be read is DANGEROUS: what was not checked is not forwarded.
 */
enum sniff_class sniff_attachment(const char *, const char *, const char *,
		    const char **, char **);

#endif
