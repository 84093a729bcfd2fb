/* SPDX-License-Identifier: ISC */
/*
 * Private to parse.c (the robot's side) and parse-child.c (the parser's):
 * the descriptors the parser starts with and what travels between them.
 */

#ifndef PARSE_P_H
#define PARSE_P_H

#include <sys/socket.h>

#define PARSE_FD_SOCK	3	/* the parser: its socket to the robot */
#define PARSE_FD_WORK	4	/* the parser: the spool's work/ (O_PATH) */
#define PARSE_ARGC	9	/* PARSE_ARGV0 and eight limits */

/*
 * A request on the socket: one byte of flags with four descriptors
 * (SCM_RIGHTS): the raw message, the write end of the answer's pipe, the
 * empty work directory, and the empty one for the next message, where
 * the parser makes that message's child ready while this one parses.
 * The parser answers twice, each a struct parse_reply: the child's pid at
 * once, its wait status when it is gone. A ready child gets the first two
 * descriptors and the flags the same way, on its own socket (PARSE_FD_SOCK
 * in the child).
 */
#define PARSE_REQUEST_FDS	4
#define PARSE_CHILD_FDS		2
#define PARSE_PROBE	0x01	/* parse_selftest(): no test faults */
struct parse_request {
	struct msghdr	 mh;
	struct iovec	 iov;
	unsigned char	 flags;
	union {
		struct cmsghdr	 hdr;
		char		 buf[CMSG_SPACE(PARSE_REQUEST_FDS *
				    sizeof(int))];
	} cm;
};
void	parse_request_init(struct parse_request *);
int	parse_send_fds(int, int, const int *, int);
struct parse_reply {
	int	 pid;
	int	 status;
	long	 cpu_ms;	/* with the status: the child's CPU time */
	long	 maxrss_kb;	/* and its peak resident memory */
};

/*
 * The answer on the pipe: records of a tag byte, a 32-bit big-endian
 * length and the bytes. Scalar strings of struct msg by the table below.
 * Authentication-Results are not among them: the robot reads those from
 * the raw message itself (screen_headers), as they decide trust.
 */
#define T_REF		'R'
#define T_RCPT		'T'
#define T_DATE		'd'
#define T_FILE		'F'	/* starts an attachment: its file name */
#define T_FILE_TYPE	'C'
#define T_FILE_PATH	'S'
#define T_FILE_CID	'I'
#define T_FILE_FROM	'O'	/* how the file's text was read: pdf, ocr */
#define T_FILE_PAGES	'N'	/* pages that gave text */
#define T_FILE_TEXT	'X'	/* the text: in memory only, never logged */
#define T_FILE_UNREAD	'U'	/* why a file that could read did not */
#define T_REFUSED	'E'	/* the message cannot be read: why */
#define T_MACHINE	'M'	/* this machine failed: why */
#define T_END		'K'

/*
 * Reading what a file says (pdf.c, ocr.c): at most PARSE_PAGES_MAX pages
 * and PARSE_TEXT_MAX bytes of text per file; all files of a message
 * within half of parse_timeout, one within PARSE_FILE_SECONDS.
 */
#define PARSE_PAGES_MAX		10
#define PARSE_TEXT_MAX		(64 * 1024)
#define PARSE_FILE_SECONDS	10

struct parse_field {
	char	 tag;
	size_t	 off;
};
extern const struct parse_field	 parse_fields[];
extern const size_t		 parse_nfields;
#define PARSE_FIELD(m, i) \
	((char **)((char *)(m) + parse_fields[i].off))

#endif
