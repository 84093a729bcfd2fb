/* SPDX-License-Identifier: ISC */
/*
 * Hostile mail is read by a process that holds nothing worth taking
 * (after fdm, which parses in a child, and OpenSMTPD, which re-executes
 * itself for each process). The robot starts the parser once, by
 * executing its own binary (parse-child.c), so it never held the HMAC
 * key, a database page or the IMAP session; for each message it sends
 * the parser four descriptors over a socket:
 *
 *	the raw message (read-only), the write end of a pipe for the
 *	answer, an empty work directory under the spool's work/, and the
 *	empty one for the next message
 *
 * and the parser hands the first two to a child it forked before the
 * message came, already confined (jail.c) in that work directory, and
 * forks the next message's child in the other while this one parses. A
 * child parses one message only; it writes the attachments into the
 * work directory and the rest of struct msg as records on the pipe. The
 * robot reads the answer with a deadline and gets the child's wait
 * status from the parser; then it trusts
 * nothing it was told: every string is checked, every attachment is
 * opened without following links, hashed anew and moved into the spool
 * under its real digest.
 *
 * A crash, a hang or a kill of the child is the message's fault: it is
 * quarantined with the reason. A full disk, a parser that died or could
 * not start, is this machine's: the message stays, to be taken again.
 */

#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "disposisi.h"
#include "parse_p.h"

const struct parse_field parse_fields[] = {
#define F(t, f)	{ t, offsetof(struct msg, f) }
	F('i', message_id), F('f', from_addr), F('n', from_name),
	F('s', subject), F('r', in_reply_to), F('c', content_type),
	F('a', auto_submitted), F('p', return_path), F('P', precedence),
	F('l', list_id), F('x', x_autoreply), F('b', text),
	F('o', report_mid),
#undef F
};
const size_t parse_nfields = sizeof parse_fields / sizeof parse_fields[0];

/*
 * A work directory, owned by the user the child becomes. A robot keeps
 * two, used in turn and emptied between messages: the message's child
 * works in one while the next one's waits, confined, in the other.
 */
struct parse_dir {
	char		*path;
	int		 fd;
};

struct parse_job {
	const struct conf *conf;
	struct parse_dir *wd;		/* the message's work directory */
	pid_t		 pid;		/* the child, in the parser */
	char		*buf;		/* what the child said */
	size_t		 len;
};

/* The parser: started at the first message, again if it dies. */
static pid_t	 parse_pid = -1;
static int	 parse_sock = -1;
static struct parse_dir parse_dirs[2] = { { NULL, -1 }, { NULL, -1 } };
static unsigned	 parse_turn;
static uid_t	 parse_uid;	/* the work directories' owner */
static gid_t	 parse_gid;

/* Environment the parser keeps: the sanitizers' and the test's fault. */
static const char *parse_env_keep[] = { "ASAN_OPTIONS", "UBSAN_OPTIONS",
    "LSAN_OPTIONS", "DISPOSISI_PARSER_FAULT", "DISPOSISI_PARSER_FAULT_FILE" };

static void
parse_exec(const struct conf *c, int sock, int workfd)
{
	char		*argv[PARSE_ARGC + 1], *envp[7];
	size_t		 i, n = 0;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (dup2(sock, PARSE_FD_SOCK) == -1 || dup2(workfd, PARSE_FD_WORK) == -1)
		_exit(72);
	close_range(PARSE_FD_WORK + 1, ~0U, 0);
	argv[0] = PARSE_ARGV0;
	argv[1] = c->parse_user;
	/* The CPU limit backs the robot's clock (parse_read). */
	xasprintf(&argv[2], "%d", c->parse_timeout + 1);
	xasprintf(&argv[3], "%zu", c->max_message_size);
	xasprintf(&argv[4], "%zu", (size_t)c->parse_memory_max << 20);
	xasprintf(&argv[5], "%d", c->header_max_line);
	xasprintf(&argv[6], "%d", c->header_max_size);
	xasprintf(&argv[7], "%d", c->mime_max_parts);
	xasprintf(&argv[8], "%d", c->mime_max_depth);
	argv[PARSE_ARGC] = NULL;
	for (i = 0; i < sizeof parse_env_keep / sizeof parse_env_keep[0]; i++)
		if (getenv(parse_env_keep[i]) != NULL)
			xasprintf(&envp[n++], "%s=%s", parse_env_keep[i],
			    getenv(parse_env_keep[i]));
	/* Tesseract's OpenMP: one thread, a child never takes both cores. */
	envp[n++] = "OMP_THREAD_LIMIT=1";
	envp[n] = NULL;
	execve("/proc/self/exe", argv, envp);
	_exit(73);
}

/* Starts the parser with the config's limits. */
static int
parse_spawn(const struct conf *c, struct spool *sp, char **cause)
{
	char	*work;
	int	 sv[2], workfd;

	if (jail_landlock_abi() < 2 && !c->parse_unconfined) {
		/* Without it the child reads all this user can: the password. */
		xasprintf(cause, "this kernel offers no Landlock (ABI 2 or"
		    " later) to confine the parser's files; parser_confinement"
		    " = allow-unconfined-i-understand runs without it");
		return (-1);
	}
	work = spool_path(sp, "work", ".");
	workfd = open(work, O_PATH | O_DIRECTORY | O_CLOEXEC);
	free(work);
	if (workfd == -1 || socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC,
	    0, sv) == -1) {
		xasprintf(cause, "starting the parser: %s", strerror(errno));
		if (workfd != -1)
			close(workfd);
		return (-1);
	}
	if ((parse_pid = fork()) == 0)
		parse_exec(c, sv[1], workfd);
	close(sv[1]);
	close(workfd);
	if (parse_pid == -1) {
		xasprintf(cause, "starting the parser: fork: %s",
		    strerror(errno));
		close(sv[0]);
		return (-1);
	}
	parse_sock = sv[0];
	return (0);
}

/* Stops the parser (it also dies with the robot), its ready child too. */
static void
parse_kill(void)
{
	if (parse_pid <= 0)
		return;
	close(parse_sock);
	kill(parse_pid, SIGKILL);
	while (waitpid(parse_pid, NULL, 0) == -1 && errno == EINTR)
		;
	parse_pid = parse_sock = -1;
}

static void
parse_dir_drop(struct parse_dir *d)
{
	if (d->path == NULL)
		return;
	close(d->fd);
	util_rmtree(d->path);
	free(d->path);
	d->path = NULL;
	d->fd = -1;
}

/* Stops the parser and removes the work directories: the robot's end. */
void
parse_stop(void)
{
	parse_kill();
	parse_dir_drop(&parse_dirs[0]);
	parse_dir_drop(&parse_dirs[1]);
}

/* Points a request's message at its own flag byte and descriptor room. */
void
parse_request_init(struct parse_request *rq)
{
	memset(rq, 0, sizeof *rq);
	rq->iov.iov_base = &rq->flags;
	rq->iov.iov_len = 1;
	rq->mh.msg_iov = &rq->iov;
	rq->mh.msg_iovlen = 1;
	rq->mh.msg_control = rq->cm.buf;
	rq->mh.msg_controllen = sizeof rq->cm.buf;
}

/* Sends a request on sock: flags and n descriptors. */
int
parse_send_fds(int sock, int flags, const int *fds, int n)
{
	struct parse_request	 rq;
	struct cmsghdr		*ch;

	parse_request_init(&rq);
	rq.flags = (unsigned char)flags;
	rq.mh.msg_controllen = CMSG_SPACE((size_t)n * sizeof(int));
	ch = CMSG_FIRSTHDR(&rq.mh);
	ch->cmsg_level = SOL_SOCKET;
	ch->cmsg_type = SCM_RIGHTS;
	ch->cmsg_len = CMSG_LEN((size_t)n * sizeof(int));
	memcpy(CMSG_DATA(ch), fds, (size_t)n * sizeof(int));
	return (sendmsg(sock, &rq.mh, MSG_NOSIGNAL) == 1 ? 0 : -1);
}

/* Reads one of the parser's answers; -1 if it is gone. */
static int
parse_hear(struct parse_reply *r)
{
	ssize_t	 n;

	while ((n = recv(parse_sock, r, sizeof *r, 0)) == -1 && errno == EINTR)
		;
	return (n == sizeof *r ? 0 : -1);
}

/* Whether d is still the directory made, 0700 and the child user's. */
static int
parse_dir_ok(const struct parse_dir *d)
{
	struct stat	 sb, lsb;

	return (fstat(d->fd, &sb) == 0 && lstat(d->path, &lsb) == 0 &&
	    sb.st_dev == lsb.st_dev && sb.st_ino == lsb.st_ino &&
	    S_ISDIR(sb.st_mode) && (sb.st_mode & 07777) == 0700 &&
	    sb.st_uid == parse_uid && sb.st_gid == parse_gid);
}

/* A work directory for a child: d as it is, or made (again). */
static int
parse_workdir(struct parse_dir *d, const struct conf *c, struct spool *sp,
    char **cause)
{
	static struct jail j;

	if (d->path != NULL && parse_dir_ok(d))
		return (0);
	parse_dir_drop(d);	/* removed under us (or changed): anew */
	if (j.user == NULL) {		/* looked up once, not per message */
		j.user = c->parse_user;
		jail_ids(&j, &parse_uid, &parse_gid);
	}
	d->path = spool_fresh_path(sp, "work");
	if (mkdir(d->path, 0700) == -1 || (d->fd = open(d->path,
	    O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1) {
		xasprintf(cause, "%s: %s", d->path, strerror(errno));
		free(d->path);
		d->path = NULL;
		return (-1);
	}
	if (fchown(d->fd, parse_uid, parse_gid) == -1) {
		xasprintf(cause, "chown %s: %s", d->path, strerror(errno));
		parse_dir_drop(d);
		return (-1);
	}
	return (0);
}

/*
 * Empties the message's work directory for a later child; one not
 * emptied, or no longer as made (the child owned it), is removed.
 */
static void
parse_dir_reuse(struct parse_dir *d)
{
	if (d->path != NULL && (util_empty_dir(d->path) == -1 ||
	    !parse_dir_ok(d)))
		parse_dir_drop(d);
}

/* Reads the child's answer until EOF, the deadline or the size cap. */
static int
parse_read(struct parse_job *job, int fd, char **cause)
{
	struct pollfd	 pfd = { .fd = fd, .events = POLLIN };
	size_t		 cap, size = 0;
	time_t		 end;
	ssize_t		 n;
	int		 left;

	cap = 4 * job->conf->max_message_size + (1 << 20) +
	    (size_t)job->conf->mime_max_parts * (PARSE_TEXT_MAX + 64);
	/* Monotonic: a clock set back must not hold a hung child longer. */
	end = clock_mono() + job->conf->parse_timeout;
	for (;;) {
		left = (int)(end - clock_mono());
		if (left <= 0 || (n = poll(&pfd, 1, left * 1000)) == 0) {
			xasprintf(cause, "the parser did not finish within"
			    " parse_timeout (%d s)", job->conf->parse_timeout);
			return (1);
		}
		if (n == -1)
			continue;	/* a signal: the deadline still holds */
		if (job->len == size) {
			size = size == 0 ? 65536 : size * 2;
			job->buf = xreallocarray(job->buf, size, 1);
		}
		n = read(fd, job->buf + job->len, size - job->len);
		if (n == -1 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n <= 0)
			return (0);
		job->len += (size_t)n;
		if (job->len > cap) {
			xasprintf(cause, "the parser's answer exceeds %zu"
			    " bytes", cap);
			return (1);
		}
	}
}

/*
 * The child's end, from its wait status as the parser saw it: a death
 * by a signal or a bad exit is the message's; no status (the parser
 * died) is this machine's.
 */
static int
parse_status(struct parse_job *job, int timedout, char **cause)
{
	struct parse_reply	 r;
	int			 status;

	if (timedout)
		kill(job->pid, SIGKILL);
	if (parse_hear(&r) == -1 || r.pid != job->pid) {
		parse_kill();
		xasprintf(cause, "the parser stopped");
		return (-1);
	}
	if (timedout)
		return (1);
	log_debug("parser child %d: %ld ms of CPU, peak RSS %ld KiB", r.pid,
	    r.cpu_ms, r.maxrss_kb);
	status = r.status;
	if (WIFSIGNALED(status)) {
		xasprintf(cause, "the parser was killed by signal %d (%s)%s",
		    WTERMSIG(status), strsignal(WTERMSIG(status)),
		    WTERMSIG(status) == SIGSYS ? ": a forbidden system call" :
		    WTERMSIG(status) == SIGXCPU ? ": parse_timeout" : "");
		return (1);
	}
	if (WEXITSTATUS(status) >= 70) {
		xasprintf(cause, "the parser could not start (exit %d)",
		    WEXITSTATUS(status));
		return (-1);
	}
	if (WEXITSTATUS(status) != 0) {
		xasprintf(cause, "the parser failed (exit %d)",
		    WEXITSTATUS(status));
		return (1);
	}
	return (0);
}

/* Appends s to a list of strings. */
static void
parse_list_add(char ***list, size_t *n, char *s)
{
	*list = xreallocarray(*list, *n + 1, sizeof **list);
	(*list)[(*n)++] = s;
}

/*
 * An attachment the child wrote, checked and moved into the spool: a
 * plain file directly under the work directory's doc/, hashed anew.
 */
static int
parse_take_file(struct parse_job *job, struct spool *sp, struct attachment *a,
    char **cause)
{
	struct stat	 sb;
	char		*path;
	int		 fd;

	if (strncmp(a->path, "./doc/", 6) != 0 || strchr(a->path + 6, '/') ||
	    a->path[6] == '.' || a->path[6] == '\0') {
		xasprintf(cause, "the parser named a file outside its place");
		return (1);
	}
	if ((fd = openat(job->wd->fd, a->path, O_RDONLY | O_NOFOLLOW |
	    O_CLOEXEC)) == -1 || fstat(fd, &sb) == -1 || !S_ISREG(sb.st_mode)) {
		xasprintf(cause, "the parser's file %s: %s", a->path + 6,
		    fd == -1 ? strerror(errno) : "not a plain file");
		if (fd != -1)
			close(fd);
		return (1);
	}
	if (fchown(fd, geteuid(), getegid()) == -1 && geteuid() == 0) {
		xasprintf(cause, "chown: %s", strerror(errno));
		close(fd);
		return (-1);
	}
	close(fd);
	a->size = (size_t)sb.st_size;
	path = util_path(job->wd->path, a->path + 2);
	free(a->path);
	a->path = spool_commit(sp, path, "doc", a->sha256, cause);
	free(path);
	return (a->path == NULL ? -1 : 0);
}

/* A file's text comes whole (text, how, pages) or not at all. */
static void
parse_check_text(struct attachment *a)
{
	if (a->text == NULL || a->text_from == TEXT_NONE || a->pages < 1 ||
	    a->pages > PARSE_PAGES_MAX) {
		free(a->text);
		a->text = NULL;
		a->text_from = TEXT_NONE;
		a->pages = 0;
	}
}

/*
 * Moves the message's files into the spool. The same bytes attached
 * twice (a phone's habit) are one file in the child's doc/: the second
 * takes the first's place in the spool, and its reading, its own name
 * kept.
 */
static int
parse_take_files(struct parse_job *job, struct spool *sp, struct msg *m,
    char **cause)
{
	struct attachment *a, *twin;
	char		**named;
	size_t		 i, j;
	int		 r = 0;

	named = xcalloc(m->natt + 1, sizeof *named);
	for (i = 0; i < m->natt && r == 0; i++) {
		a = &m->att[i];
		for (j = 0; j < i && strcmp(named[j], a->path) != 0; j++)
			;
		named[i] = xstrdup(a->path);
		if (j == i) {
			r = parse_take_file(job, sp, a, cause);
			continue;
		}
		twin = &m->att[j];
		free(a->path);
		a->path = xstrdup(twin->path);
		memcpy(a->sha256, twin->sha256, sizeof a->sha256);
		a->size = twin->size;
		if (a->text == NULL && twin->text != NULL) {
			a->text = xstrdup(twin->text);
			a->text_from = twin->text_from;
			a->pages = twin->pages;
		}
	}
	for (i = 0; i < m->natt; i++)
		free(named[i]);
	free(named);
	return (r);
}

/*
 * A field of the file the answer last named (a, NULL before the first):
 * returns 1 when s is kept there, 0 when the caller frees it.
 */
static int
parse_file_field(struct attachment *a, char tag, char *s, uint32_t n,
    size_t natt)
{
	if (a == NULL)
		return (0);
	switch (tag) {
	case T_FILE_TYPE:
		if (a->content_type != NULL)
			return (0);
		a->content_type = s;
		return (1);
	case T_FILE_PATH:
		if (a->path != NULL)
			return (0);
		a->path = s;
		return (1);
	case T_FILE_CID:
		a->inline_cid = strcmp(s, "1") == 0;
		break;
	case T_FILE_FROM:
		a->text_from = strcmp(s, "pdf") == 0 ? TEXT_PDF :
		    strcmp(s, "ocr") == 0 ? TEXT_OCR : TEXT_NONE;
		break;
	case T_FILE_PAGES:
		a->pages = (int)strtol(s, NULL, 10);
		break;
	case T_FILE_TEXT:
		/* Over the cap or not UTF-8: the file is unread. */
		if (a->text != NULL || n > PARSE_TEXT_MAX ||
		    !mime_utf8_valid(s, n))
			return (0);
		a->text = s;
		return (1);
	case T_FILE_UNREAD:
		log_debug("parse: file %zu of the message not read: %s", natt,
		    s);
		break;
	}
	return (0);
}

/* The whole answer read: every file complete, then taken into sp. */
static int
parse_finish(struct parse_job *job, struct spool *sp, struct msg *m,
    char **cause)
{
	struct attachment	*a;
	size_t			 i;

	if (m->text == NULL)
		m->text = xstrdup("");
	for (i = 0; i < m->natt; i++) {
		a = &m->att[i];
		if (a->path == NULL || a->content_type == NULL) {
			xasprintf(cause, "the parser's answer is garbled");
			return (1);
		}
		parse_check_text(a);
	}
	return (parse_take_files(job, sp, m, cause));
}

/* Turns the child's records into a struct msg, trusting none of them. */
static int
parse_decode(struct parse_job *job, struct spool *sp, struct msg *m,
    char **cause)
{
	struct attachment *a = NULL;
	const char	*p = job->buf, *end = job->buf + job->len;
	uint32_t	 n;
	char		 tag, *s;
	size_t		 i;
	int		 ended = 0;

	while (p < end && !ended) {
		if ((tag = *p++) == T_END) {
			ended = 1;
			break;
		}
		if (end - p < 4)
			break;
		memcpy(&n, p, 4);
		n = ntohl(n);
		p += 4;
		if ((size_t)(end - p) < n || memchr(p, '\0', n) != NULL)
			break;
		s = xstrndup(p, n);
		p += n;
		for (i = 0; i < parse_nfields; i++)
			if (parse_fields[i].tag == tag)
				break;
		if (i < parse_nfields) {
			free(*PARSE_FIELD(m, i));
			*PARSE_FIELD(m, i) = s;
			continue;
		}
		switch (tag) {
		case T_REFUSED:
		case T_MACHINE:
			*cause = s;
			return (tag == T_REFUSED ? 1 : -1);
		case T_REF:
			parse_list_add(&m->refs, &m->nrefs, s);
			continue;
		case T_RCPT:
			parse_list_add(&m->rcpts, &m->nrcpts, s);
			continue;
		case T_DATE:
			m->date = (time_t)strtoll(s, NULL, 10);
			break;
		case T_FILE:
			if (m->natt >= (size_t)job->conf->mime_max_parts)
				break;
			m->att = xreallocarray(m->att, m->natt + 1,
			    sizeof *m->att);
			a = &m->att[m->natt++];
			memset(a, 0, sizeof *a);
			a->filename = s;
			continue;
		default:
			if (parse_file_field(a, tag, s, n, m->natt))
				continue;
			break;
		}
		free(s);
	}
	if (!ended) {
		xasprintf(cause, "the parser's answer is cut off or garbled");
		return (1);
	}
	return (parse_finish(job, sp, m, cause));
}

static void
parse_job_end(struct parse_job *job)
{
	parse_dir_reuse(job->wd);
	free(job->buf);
}

/*
 * Hands the message to the parser, started again once if it died, with
 * the work directory of the next message's child (nextfd).
 */
static int
parse_ask(struct parse_job *job, struct spool *sp, int flags, int rawfd,
    int outfd, int nextfd, char **cause)
{
	struct parse_reply	 r;
	int			 tries;
	const int		 fds[PARSE_REQUEST_FDS] = { rawfd, outfd,
				    job->wd->fd, nextfd };

	for (tries = 0; tries < 2; tries++) {
		if (parse_pid == -1 && parse_spawn(job->conf, sp, cause) == -1)
			return (-1);
		if (parse_send_fds(parse_sock, flags, fds,
		    PARSE_REQUEST_FDS) == 0 && parse_hear(&r) == 0) {
			job->pid = r.pid;
			return (0);
		}
		parse_kill();
	}
	xasprintf(cause, "the parser does not answer");
	return (-1);
}

static int
parse_run(const struct conf *c, int flags, struct spool *sp, const char *path,
    struct msg **mp, char **cause)
{
	struct parse_job job = { .conf = c, .pid = -1 };
	struct parse_dir *next;
	struct msg	*m;
	char		*why = NULL;
	int		 rawfd, p[2], r;

	*mp = NULL;
	if ((rawfd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		xasprintf(cause, "%s: %s", path, strerror(errno));
		return (-1);
	}
	job.wd = &parse_dirs[parse_turn++ % 2];
	next = &parse_dirs[parse_turn % 2];
	if (parse_workdir(job.wd, c, sp, cause) == -1 ||
	    parse_workdir(next, c, sp, cause) == -1 ||
	    pipe2(p, O_CLOEXEC) == -1) {
		if (*cause == NULL)
			xasprintf(cause, "pipe: %s", strerror(errno));
		close(rawfd);
		parse_job_end(&job);
		return (-1);
	}
	r = parse_ask(&job, sp, flags, rawfd, p[1], next->fd, cause);
	close(rawfd);
	close(p[1]);
	if (r == 0)
		r = parse_read(&job, p[0], &why);
	close(p[0]);
	if (r == -1) {
		parse_job_end(&job);
		return (-1);
	}
	m = xcalloc(1, sizeof *m);
	m->path = xstrdup(path);
	if (job.pid == 0) {
		/* No child: the parser could not fork or confine itself. */
		if (parse_decode(&job, sp, m, cause) != -1) {
			free(*cause);
			xasprintf(cause, "the parser could not start a child");
		}
		r = -1;
	} else if ((r = parse_status(&job, r == 1, cause)) == 0 &&
	    (r = parse_decode(&job, sp, m, cause)) == 0 &&
	    screen_trusted(c, m) == -1) {
		xasprintf(cause, "%s: %s", path, strerror(errno));
		r = -1;
	}
	if (why != NULL) {	/* no answer in time: that is the reason */
		free(*cause);
		*cause = why;
	}
	if (r == 0)
		*mp = m;
	else
		mime_free(m);
	parse_job_end(&job);
	return (r);
}

/*
 * Parses the raw message at path in a confined child. Returns 0 with
 * *mp, 1 if the message cannot be read (*cause says why: quarantine it),
 * -1 if this machine failed (*cause; keep the message, try again).
 */
int
parse_message(const struct conf *c, struct spool *sp, const char *path,
    struct msg **mp, char **cause)
{
	return (parse_run(c, 0, sp, path, mp, cause));
}

/*
 * Parses a tiny message once at start: a child that cannot confine
 * itself here (a service manager's filter refusing seccomp or Landlock,
 * an unknown parse_user) would otherwise fail every message.
 */
int
parse_selftest(const struct conf *c, struct spool *sp, char **cause)
{
	static const char probe[] = "From: <probe@localhost>\r\n"
	    "Subject: probe\r\n\r\nprobe\r\n";
	struct msg	*m = NULL;
	char		*tmp, *why = NULL;
	int		 r;

	tmp = spool_tmp_path(sp);
	if (util_write_file(tmp, probe, sizeof probe - 1, 0600, cause) == -1) {
		free(tmp);
		return (-1);
	}
	r = parse_run(c, PARSE_PROBE, sp, tmp, &m, &why);
	unlink(tmp);
	free(tmp);
	if (r != 0 || m->from_addr == NULL) {
		xasprintf(cause, "the parser child cannot run here: %s",
		    why != NULL ? why : "it read no sender");
		free(why);
		mime_free(m);
		return (-1);
	}
	mime_free(m);
	if (jail_landlock_abi() < 2)
		log_warnx("parser: no Landlock, running unconfined as"
		    " parser_confinement allows: the parser child can read"
		    " every file %s can", geteuid() == 0 ? c->parse_user :
		    "this user");
	log_info("parser: a child per message as %s, Landlock %s, seccomp",
	    geteuid() == 0 ? c->parse_user : "this user",
	    jail_landlock_abi() >= 2 ? "on" : "unavailable");
	return (0);
}
