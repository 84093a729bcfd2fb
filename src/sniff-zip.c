/* SPDX-License-Identifier: ISC */
/*
 * Into a zip through its central directory alone (names, no
 * decompression): what tells a docx from a zip, a docx with macros
 * (vbaProject.bin, Excel 4.0 macro sheets) from one without, and a
 * program inside from a document. Every length is checked against what
 * was read.
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sniff_p.h"
#include "xmalloc.h"

#define SNIFF_EOCD	22		/* End Of Central Directory record */
#define SNIFF_EOCD64	56		/* its ZIP64 form */
#define SNIFF_TAIL	(SNIFF_EOCD + 65535)	/* record + longest comment */
#define SNIFF_CD_MAX	(4 * 1024 * 1024)	/* a docx needs a few KiB */
#define SNIFF_ENTRIES	100000		/* entries walked at most */

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
void
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
void
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
