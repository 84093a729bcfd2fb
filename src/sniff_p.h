/* SPDX-License-Identifier: ISC */
/*
 * What the files of sniff.c share: what a probe found (struct
 * sniff_info), what a name hides (struct sniff_name), the byte readers.
 * Private to sniff.c (magic numbers, the verdict), sniff-name.c (names
 * and their tricks) and sniff-zip.c (a zip's directory).
 */
#ifndef SNIFF_P_H
#define SNIFF_P_H

#include <sys/types.h>

#include <stddef.h>
#include <stdint.h>

#include "sniff.h"

#define nitems(a)	(sizeof (a) / sizeof (a)[0])

#define SNIFF_EXT_MAX	24		/* longer is no extension we know */

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

/* sniff.c */
uint16_t	 sniff_u16(const unsigned char *);
uint32_t	 sniff_u32(const unsigned char *);
uint64_t	 sniff_u64(const unsigned char *);
ssize_t		 sniff_read(int, void *, size_t, uint64_t);

/* sniff-name.c */
void		 sniff_name(const char *, struct sniff_name *);
char		*sniff_show(const char *, size_t);
const char	*sniff_trick(int);

/* sniff-zip.c */
void		 sniff_zip_local(const unsigned char *, size_t,
		    struct sniff_info *);
void		 sniff_zip(int, uint64_t, struct sniff_info *);

#endif
