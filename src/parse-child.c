/* SPDX-License-Identifier: ISC */
/*
 * The parser's side of parse.c. The robot starts it once, by executing
 * itself with argv[0] PARSE_ARGV0 and the limits: a fresh address space
 * that never held the HMAC key, a database page or an IMAP session. It
 * confines itself (jail_parser: its own user, no new privileges, a file
 * system of the spool's work/ and read-only system files), then forks one
 * child per message the robot sends. The child confines itself further
 * (jail_child: its work directory only, CPU and file limits, a seccomp
 * allow-list), runs screen.c and mime.c, writes the attachments into its
 * work directory, reads what each says (pdf.c, ocr.c: text in memory,
 * bounded in pages, bytes and time) and the rest as records on the
 * answer's pipe. The
 * parser itself reads no byte of mail: a message that takes over its
 * child has only that child.
 */

#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "disposisi.h"
#include "parse_p.h"
#include "sniff.h"

static void
parse_put(FILE *out, char tag, const char *s)
{
	uint32_t	 n;

	if (s == NULL)
		return;
	n = htonl((uint32_t)strlen(s));
	putc(tag, out);
	fwrite(&n, sizeof n, 1, out);
	fputs(s, out);
}

/* Whether a is later than b. */
static int
parse_later(const struct timespec *a, const struct timespec *b)
{
	return (a->tv_sec > b->tv_sec || (a->tv_sec == b->tv_sec &&
	    a->tv_nsec > b->tv_nsec));
}

/* Cuts t to PARSE_TEXT_MAX bytes, not inside a UTF-8 sequence. */
static void
parse_cut(char *t)
{
	size_t	 n;

	if ((n = strlen(t)) <= PARSE_TEXT_MAX)
		return;
	n = PARSE_TEXT_MAX;
	while (n > 0 && ((unsigned char)t[n] & 0xc0) == 0x80)
		n--;
	t[n] = '\0';
}

/*
 * What the file says, as records after its own: a PDF's text layer or
 * OCR of its pictures, an image's OCR; before the file's deadline and
 * msg_end. A file that could say something and did not gets a reason
 * (never its text) for the robot's debug log.
 */
static void
parse_put_text(FILE *out, const struct attachment *a,
    const struct timespec *msg_end)
{
	static const char *images[] = { "jpeg", "png", "tiff", "bmp", "gif",
	    "webp" };
	struct timespec	 end;
	enum text_source from = TEXT_NONE;
	const char	*type;
	char		*t = NULL, num[16];
	const size_t	 nimages = sizeof images / sizeof images[0];
	size_t		 i;
	int		 pages = 0;

	if (a->inline_cid)
		return;		/* a signature's logo */
	type = sniff_type(a->path);
	clock_gettime(CLOCK_MONOTONIC, &end);
	end.tv_sec += PARSE_FILE_SECONDS;
	if (parse_later(&end, msg_end))
		end = *msg_end;
	for (i = 0; i < nimages && strcmp(type, images[i]) != 0; i++)
		;
	if (strcmp(type, "pdf") == 0)
		t = pdf_text(a->path, PARSE_PAGES_MAX, &end, &from, &pages);
	else if (i < nimages) {
		if ((t = ocr_image(a->path, &end)) != NULL) {
			from = TEXT_OCR;
			pages = 1;
		}
	} else
		return;		/* nothing to read in it */
	if (t != NULL)
		parse_cut(t);
	if (t == NULL || t[strspn(t, " \t\r\n\f")] == '\0' ||
	    !mime_utf8_valid(t, strlen(t))) {
		clock_gettime(CLOCK_MONOTONIC, &end);
		parse_put(out, T_FILE_UNREAD, parse_later(&end, msg_end) ?
		    "the message's time for reading files is used up" :
		    "no text read (unreadable, too large or small, no words)");
		free(t);
		return;
	}
	parse_put(out, T_FILE_FROM, from == TEXT_PDF ? "pdf" : "ocr");
	snprintf(num, sizeof num, "%d", pages);
	parse_put(out, T_FILE_PAGES, num);
	parse_put(out, T_FILE_TEXT, t);
	free(t);
}

/*
 * The message as records. Reading files may take half of parse_timeout
 * (the CPU limit is parse_timeout + 1), so a message full of pictures
 * is answered, some of them unread, rather than killed.
 */
static void
parse_put_msg(FILE *out, const struct msg *m, int timeout)
{
	struct timespec	 msg_end;
	char		 num[32];
	size_t		 i, j;
	int		 sink, saved = -1;

	for (i = 0; i < parse_nfields; i++)
		parse_put(out, parse_fields[i].tag, *PARSE_FIELD(m, i));
	for (i = 0; i < m->nrefs; i++)
		parse_put(out, T_REF, m->refs[i]);
	for (i = 0; i < m->nrcpts; i++)
		parse_put(out, T_RCPT, m->rcpts[i]);
	snprintf(num, sizeof num, "%lld", (long long)m->date);
	parse_put(out, T_DATE, num);
	clock_gettime(CLOCK_MONOTONIC, &msg_end);
	msg_end.tv_nsec += (long)(timeout % 2) * 500000000L;
	msg_end.tv_sec += timeout / 2 + msg_end.tv_nsec / 1000000000L;
	msg_end.tv_nsec %= 1000000000L;
	/*
	 * What the libraries say about a broken file (libjpeg's "Corrupt
	 * JPEG data") goes to a file of the work directory, removed with
	 * it: the robot's log is its own lines.
	 */
	if ((sink = open("library-messages", O_WRONLY | O_CREAT | O_APPEND |
	    O_CLOEXEC, 0600)) != -1 && (saved = dup(2)) != -1)
		dup2(sink, 2);
	for (i = 0; i < m->natt; i++) {
		parse_put(out, T_FILE, m->att[i].filename);
		parse_put(out, T_FILE_TYPE, m->att[i].content_type);
		parse_put(out, T_FILE_PATH, m->att[i].path);
		parse_put(out, T_FILE_CID, m->att[i].inline_cid ? "1" : "0");
		/* The same bytes twice: the robot gives both one reading. */
		for (j = 0; j < i && strcmp(m->att[j].path,
		    m->att[i].path) != 0; j++)
			;
		if (j == i)
			parse_put_text(out, &m->att[i], &msg_end);
	}
	if (saved != -1)
		dup2(saved, 2);
}

/*
 * What a test asks of the child (DISPOSISI_PARSER_FAULT), in its jail.
 * Returns 1 with *cause for a refusal to report ("read": why the open of
 * the fault's file failed).
 */
static int
parse_fault(char **cause)
{
	const char	*f = getenv("DISPOSISI_PARSER_FAULT");
	const char	*file = getenv("DISPOSISI_PARSER_FAULT_FILE");

	if (f == NULL)
		return (0);
	if (strcmp(f, "crash") == 0)
		abort();
	if (strcmp(f, "hang") == 0)
		for (volatile unsigned spin = 0;; spin++)
			;
	if (strcmp(f, "escape") == 0) {
		/* Read what the robot holds, else reach out: both must fail. */
		if (file != NULL && open(file, O_RDONLY) != -1)
			_exit(42);
		socket(AF_INET, SOCK_STREAM, 0);
		_exit(43);
	}
	if (strcmp(f, "read") == 0 && file != NULL) {
		if (open(file, O_RDONLY) != -1)
			_exit(42);
		xasprintf(cause, "fault: open %s: %s", file, strerror(errno));
		return (1);
	}
	return (0);
}

/*
 * Takes one request on sock: 1 with its flags and n fds, 0 when the
 * sender is gone.
 */
static int
parse_take(int sock, int *flags, int *fds, int n)
{
	struct parse_request	 rq;
	struct cmsghdr		*ch;
	ssize_t			 r;

	parse_request_init(&rq);
	while ((r = recvmsg(sock, &rq.mh, MSG_CMSG_CLOEXEC)) == -1 &&
	    errno == EINTR)
		;
	if (r <= 0)
		return (0);
	ch = CMSG_FIRSTHDR(&rq.mh);
	if (ch == NULL || ch->cmsg_type != SCM_RIGHTS ||
	    ch->cmsg_len != CMSG_LEN((size_t)n * sizeof(int)))
		return (0);	/* not the robot's: stop */
	memcpy(fds, CMSG_DATA(ch), (size_t)n * sizeof(int));
	*flags = rq.flags;
	return (1);
}

/*
 * One message's child: confines itself in its work directory (dirfd),
 * then waits, ready, for its message's descriptors on sock. Never
 * returns. A child that could not confine itself says so for the
 * message it is given, and parses nothing.
 */
static void
parse_one(const struct conf *c, const struct jail *j, int sock, int dirfd)
{
	struct spool	*sp = NULL;
	struct msg	*m = NULL;
	FILE		*out;
	char		*cause = NULL;
	int		 fds[PARSE_CHILD_FDS], flags, r = -1;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (fchdir(dirfd) == -1)
		xasprintf(&cause, "work directory: %s", strerror(errno));
	/* Nothing of the parser's but its own socket, at PARSE_FD_SOCK. */
	if (dup2(sock, PARSE_FD_SOCK) == -1)
		_exit(70);
	close_range(PARSE_FD_SOCK + 1, ~0U, 0);
	if (cause == NULL && jail_child(j, PARSE_FD_SOCK, &cause) == 0 &&
	    (sp = spool_open(".", &cause)) != NULL)
		spool_scratch(sp);
	if (!parse_take(PARSE_FD_SOCK, &flags, fds, PARSE_CHILD_FDS))
		_exit(0);	/* never used: the parser is gone */
	close(PARSE_FD_SOCK);
	if ((out = fdopen(fds[1], "w")) == NULL)
		_exit(70);
	if (sp != NULL) {
		if (!(flags & PARSE_PROBE) && parse_fault(&cause))
			r = 1;
		else if ((r = screen_raw(c, fds[0], &cause)) == 0 &&
		    lseek(fds[0], 0, SEEK_SET) == -1) {
			xasprintf(&cause, "rewind: %s", strerror(errno));
			r = -1;
		}
		if (r == 0)
			r = mime_parse(fds[0], sp, c, &m, &cause);
	}
	if (r == 0)
		parse_put_msg(out, m, c->parse_timeout);
	else
		parse_put(out, r == 1 ? T_REFUSED : T_MACHINE, cause);
	putc(T_END, out);
	/* _exit: LeakSanitizer's exit scan needs calls the jail forbids. */
	_exit(fclose(out) == 0 ? 0 : 71);
}

/* The next message's child, confined and waiting in its work directory. */
struct parse_ready {
	pid_t	 pid;		/* -1: none */
	int	 sock;		/* where its message's descriptors go */
	dev_t	 dev;		/* its work directory */
	ino_t	 ino;
};

/* Forks a child for the work directory dirfd; none on failure. */
static void
parse_prepare(struct parse_ready *rd, const struct conf *c,
    const struct jail *j, int dirfd)
{
	struct stat	 sb;
	int		 sv[2];

	rd->pid = -1;
	if (fstat(dirfd, &sb) == -1 || socketpair(AF_UNIX, SOCK_SEQPACKET |
	    SOCK_CLOEXEC, 0, sv) == -1)
		return;
	if ((rd->pid = fork()) == 0)
		parse_one(c, j, sv[1], dirfd);
	close(sv[1]);
	if (rd->pid == -1) {
		close(sv[0]);
		return;
	}
	rd->sock = sv[0];
	rd->dev = sb.st_dev;
	rd->ino = sb.st_ino;
}

/* Ends a ready child that will get no message. */
static void
parse_discard(struct parse_ready *rd)
{
	if (rd->pid == -1)
		return;
	close(rd->sock);
	kill(rd->pid, SIGKILL);
	while (waitpid(rd->pid, NULL, 0) == -1 && errno == EINTR)
		;
	rd->pid = -1;
}

/*
 * Hands the request's message to the ready child if it waits in the
 * request's work directory, else to one made now. Returns its pid, -1
 * if no child could be had.
 */
static pid_t
parse_start(struct parse_ready *rd, const struct conf *c,
    const struct jail *j, int flags, const int fds[PARSE_REQUEST_FDS])
{
	struct stat	 sb;
	pid_t		 pid;
	int		 tries;

	if (rd->pid != -1 && (fstat(fds[2], &sb) == -1 ||
	    sb.st_dev != rd->dev || sb.st_ino != rd->ino))
		parse_discard(rd);
	for (tries = 0; tries < 2; tries++) {
		if (rd->pid == -1)
			parse_prepare(rd, c, j, fds[2]);
		if (rd->pid == -1)
			return (-1);
		if (parse_send_fds(rd->sock, flags, fds, PARSE_CHILD_FDS) == 0)
			break;
		parse_discard(rd);	/* died waiting */
	}
	if (tries == 2)
		return (-1);
	pid = rd->pid;
	close(rd->sock);
	rd->pid = -1;
	return (pid);
}

static void
parse_tell(const struct parse_reply *r)
{
	if (send(PARSE_FD_SOCK, r, sizeof *r, MSG_NOSIGNAL) == -1)
		_exit(0);	/* the robot is gone */
}

/*
 * The parser's main: argv is PARSE_ARGV0 and the limits parse.c passes.
 * Serves the robot until it closes the socket.
 */
int
parse_child(int argc, char **argv)
{
	struct conf		 c = { 0 };
	struct jail		 j = { 0 };
	struct parse_reply	 r = { 0 };
	struct parse_ready	 ready = { .pid = -1, .sock = -1 };
	struct rusage		 ru;
	FILE			*out;
	char			*cause = NULL, warm[17];
	int			 flags, fds[PARSE_REQUEST_FDS], i, warmed = 0;
	pid_t			 pid;

	if (argc != PARSE_ARGC)
		return (70);
	j.user = argv[1];
	j.cpu_seconds = strtol(argv[2], NULL, 10);
	j.file_max = strtoull(argv[3], NULL, 10);
	j.memory_max = strtoull(argv[4], NULL, 10);
	c.header_max_line = (int)strtol(argv[5], NULL, 10);
	c.header_max_size = (int)strtol(argv[6], NULL, 10);
	c.mime_max_parts = (int)strtol(argv[7], NULL, 10);
	c.mime_max_depth = (int)strtol(argv[8], NULL, 10);
	c.parse_timeout = (int)j.cpu_seconds - 1;
	/* A part past RLIMIT_FSIZE is an error to report, not a signal. */
	signal(SIGXFSZ, SIG_IGN);
	if (jail_parser(&j, PARSE_FD_WORK, &cause) == -1) {
		/* Said to the robot's probe, in answer to its request. */
		if (parse_take(PARSE_FD_SOCK, &flags, fds, PARSE_REQUEST_FDS) &&
		    (out = fdopen(fds[1], "w"))) {
			parse_put(out, T_MACHINE, cause);
			putc(T_END, out);
			fclose(out);
			parse_tell(&(struct parse_reply){ 0 });
		}
		return (72);
	}
	mime_init();
	/* OpenSSL's random generator set up once, not in every child. */
	crypto_random_hex(warm, sizeof warm);
	while (parse_take(PARSE_FD_SOCK, &flags, fds, PARSE_REQUEST_FDS)) {
		pid = parse_start(&ready, &c, &j, flags, fds);
		for (i = 0; i < 3; i++)
			close(fds[i]);
		r.pid = pid == -1 ? 0 : pid;
		r.status = 0;
		parse_tell(&r);
		/* The next message's child confines itself meanwhile. */
		parse_prepare(&ready, &c, &j, fds[3]);
		if (pid != -1) {	/* pid 0: no child, no status */
			while (wait4(pid, &r.status, 0, &ru) == -1 &&
			    errno == EINTR)
				;
			r.cpu_ms = (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) *
			    1000L + (ru.ru_utime.tv_usec +
			    ru.ru_stime.tv_usec) / 1000;
			r.maxrss_kb = ru.ru_maxrss;
			parse_tell(&r);
		}
		/*
		 * Tesseract loaded once, after the first answer (a lone
		 * message, as ingest's, does not wait for it), and the ready
		 * child made again to inherit it.
		 */
		if (!warmed) {
			warmed = 1;
			ocr_warm();
			parse_discard(&ready);
			parse_prepare(&ready, &c, &j, fds[3]);
		}
		close(fds[3]);
	}
	return (0);
}
