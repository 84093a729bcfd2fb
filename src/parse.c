/* SPDX-License-Identifier: ISC */
/*
 * Hostile mail is read by a child that holds nothing worth taking (after
 * fdm, which parses in a child, and OpenSMTPD, which re-executes itself
 * for each process). The parent forks and executes its own binary, so
 * the child starts with a fresh address space: no HMAC key, no database
 * pages, no IMAP session. It gets four descriptors:
 *
 *	0  the raw message (read-only)    1  a pipe for the result
 *	2  the robot's stderr             3  an empty work directory
 *
 * and confines itself (jail.c) before reading a byte. It runs screen.c
 * and mime.c, writes the attachments into the work directory and the
 * rest of struct msg as records on the pipe: a tag byte, a 32-bit
 * big-endian length, the bytes. The parent reads with a deadline,
 * reaps the child, and only then trusts nothing it said: every string
 * is checked, every attachment is opened without following links,
 * hashed anew and moved into the spool under its real digest.
 *
 * A crash, a hang or a kill of the child is the message's fault: it is
 * quarantined with the reason. A full disk or a failed fork is this
 * machine's: the message stays where it is, to be taken again.
 */

#include <sys/prctl.h>
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

#define PARSE_FD_DIR	3

/* Record tags. Scalar strings of struct msg are in parse_fields. */
#define T_REF		'R'
#define T_RCPT		'T'
#define T_AUTH		'A'
#define T_DATE		'd'
#define T_FILE		'F'	/* starts an attachment: its file name */
#define T_FILE_TYPE	'C'
#define T_FILE_PATH	'S'
#define T_FILE_CID	'I'
#define T_REFUSED	'E'	/* the message cannot be read: why */
#define T_MACHINE	'M'	/* this machine failed: why */
#define T_END		'K'

static const struct {
	char	 tag;
	size_t	 off;
} parse_fields[] = {
#define F(t, f)	{ t, offsetof(struct msg, f) }
	F('i', message_id), F('f', from_addr), F('n', from_name),
	F('s', subject), F('r', in_reply_to), F('c', content_type),
	F('a', auto_submitted), F('p', return_path), F('P', precedence),
	F('l', list_id), F('x', x_autoreply), F('b', text),
#undef F
};

#define FIELD(m, i)	((char **)((char *)(m) + parse_fields[i].off))

/* ---- the child ---- */

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

static void
parse_put_msg(FILE *out, const struct msg *m)
{
	char	 num[32];
	size_t	 i;

	for (i = 0; i < sizeof parse_fields / sizeof parse_fields[0]; i++)
		parse_put(out, parse_fields[i].tag, *FIELD(m, i));
	for (i = 0; i < m->nrefs; i++)
		parse_put(out, T_REF, m->refs[i]);
	for (i = 0; i < m->nrcpts; i++)
		parse_put(out, T_RCPT, m->rcpts[i]);
	for (i = 0; i < m->nauth; i++)
		parse_put(out, T_AUTH, m->auth[i]);
	snprintf(num, sizeof num, "%lld", (long long)m->date);
	parse_put(out, T_DATE, num);
	for (i = 0; i < m->natt; i++) {
		parse_put(out, T_FILE, m->att[i].filename);
		parse_put(out, T_FILE_TYPE, m->att[i].content_type);
		parse_put(out, T_FILE_PATH, m->att[i].path);
		parse_put(out, T_FILE_CID, m->att[i].inline_cid ? "1" : "0");
	}
}

/* What a test asks of the child (DISPOSISI_PARSER_FAULT), after the jail. */
static void
parse_fault(void)
{
	const char	*f = getenv("DISPOSISI_PARSER_FAULT");
	const char	*file = getenv("DISPOSISI_PARSER_FAULT_FILE");

	if (f == NULL)
		return;
	if (strcmp(f, "crash") == 0)
		abort();
	if (strcmp(f, "hang") == 0)
		for (volatile int spin = 0;; spin++)
			;
	if (strcmp(f, "escape") == 0) {
		/* Read what the robot holds, else reach out: both must fail. */
		if (file != NULL && open(file, O_RDONLY) != -1)
			_exit(42);
		socket(AF_INET, SOCK_STREAM, 0);
		_exit(43);
	}
}

/*
 * The child's main: argv is PARSE_ARGV0 and the limits parse_spawn()
 * passes. Exits 0 whenever it could say what happened on the pipe.
 */
int
parse_child(int argc, char **argv)
{
	struct conf	 c = { 0 };
	struct jail	 j = { 0 };
	struct spool	*sp;
	struct msg	*m = NULL;
	FILE		*out;
	char		*cause = NULL;
	int		 r;

	if (argc != 9 || (out = fdopen(STDOUT_FILENO, "w")) == NULL)
		return (70);
	j.user = argv[1];
	j.cpu_seconds = strtol(argv[2], NULL, 10);
	j.file_max = strtoull(argv[3], NULL, 10);
	j.memory_max = strtoull(argv[4], NULL, 10);
	c.header_max_line = (int)strtol(argv[5], NULL, 10);
	c.header_max_size = (int)strtol(argv[6], NULL, 10);
	c.mime_max_parts = (int)strtol(argv[7], NULL, 10);
	c.mime_max_depth = (int)strtol(argv[8], NULL, 10);
	/* A part past RLIMIT_FSIZE is an error to report, not a signal. */
	signal(SIGXFSZ, SIG_IGN);
	if (fchdir(PARSE_FD_DIR) == -1 || close(PARSE_FD_DIR) == -1) {
		xasprintf(&cause, "work directory: %s", strerror(errno));
		r = -1;
	} else if (jail_enter(&j, &cause) == -1)
		r = -1;
	else if ((sp = spool_open(".", &cause)) == NULL)
		r = -1;
	else {
		parse_fault();
		mime_init();
		if ((r = screen_raw(&c, STDIN_FILENO, &cause)) == 0 &&
		    lseek(STDIN_FILENO, 0, SEEK_SET) == -1) {
			xasprintf(&cause, "rewind: %s", strerror(errno));
			r = -1;
		}
		if (r == 0)
			r = mime_parse(STDIN_FILENO, sp, &c, &m, &cause);
	}
	if (r == 0)
		parse_put_msg(out, m);
	else
		parse_put(out, r == 1 ? T_REFUSED : T_MACHINE, cause);
	putc(T_END, out);
	return (fclose(out) == 0 ? 0 : 71);
}

/* ---- the parent ---- */

struct parse_job {
	const struct conf *conf;
	char		*dir;		/* the work directory */
	int		 dirfd;
	pid_t		 pid;
	char		*buf;		/* what the child said */
	size_t		 len;
	int		 probe;		/* parse_selftest(): no test faults */
};

/* Environment the child keeps: the sanitizers' and the test's fault. */
static const char *parse_env_keep[] = { "ASAN_OPTIONS", "UBSAN_OPTIONS",
    "LSAN_OPTIONS", "DISPOSISI_PARSER_FAULT", "DISPOSISI_PARSER_FAULT_FILE" };

static void
parse_exec(const struct parse_job *job, int rawfd, int outfd)
{
	const struct conf *c = job->conf;
	char		*argv[10], *envp[6];
	size_t		 i, n = 0;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (dup2(rawfd, STDIN_FILENO) == -1 ||
	    dup2(outfd, STDOUT_FILENO) == -1 ||
	    dup2(job->dirfd, PARSE_FD_DIR) == -1)
		_exit(72);
	close_range(PARSE_FD_DIR + 1, ~0U, 0);
	argv[0] = PARSE_ARGV0;
	argv[1] = c->parse_user;
	/* The CPU limit backs the parent's clock (parse_read). */
	xasprintf(&argv[2], "%d", c->parse_timeout + 1);
	xasprintf(&argv[3], "%zu", c->max_message_size);
	xasprintf(&argv[4], "%zu", (size_t)c->parse_memory_max << 20);
	xasprintf(&argv[5], "%d", c->header_max_line);
	xasprintf(&argv[6], "%d", c->header_max_size);
	xasprintf(&argv[7], "%d", c->mime_max_parts);
	xasprintf(&argv[8], "%d", c->mime_max_depth);
	argv[9] = NULL;
	for (i = 0; i < sizeof parse_env_keep / sizeof parse_env_keep[0]; i++)
		if (getenv(parse_env_keep[i]) != NULL && !(job->probe &&
		    strncmp(parse_env_keep[i], "DISPOSISI_", 10) == 0))
			xasprintf(&envp[n++], "%s=%s", parse_env_keep[i],
			    getenv(parse_env_keep[i]));
	envp[n] = NULL;
	execve("/proc/self/exe", argv, envp);
	_exit(73);
}

/* The work directory, owned by the user the child becomes. */
static int
parse_workdir(struct parse_job *job, struct spool *sp, char **cause)
{
	struct jail	 j = { .user = job->conf->parse_user };
	uid_t		 uid;
	gid_t		 gid;

	job->dir = spool_tmp_path(sp);
	if (mkdir(job->dir, 0700) == -1 || (job->dirfd = open(job->dir,
	    O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1) {
		xasprintf(cause, "%s: %s", job->dir, strerror(errno));
		return (-1);
	}
	jail_ids(&j, &uid, &gid);
	if (fchown(job->dirfd, uid, gid) == -1) {
		xasprintf(cause, "chown %s: %s", job->dir, strerror(errno));
		return (-1);
	}
	return (0);
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

	cap = 4 * job->conf->max_message_size + (1 << 20);
	end = time(NULL) + job->conf->parse_timeout;
	for (;;) {
		left = (int)(end - time(NULL));
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

/* Reaps the child; a death by signal or a bad exit is the message's. */
static int
parse_reap(struct parse_job *job, int killed, char **cause)
{
	int	 status;

	if (killed)
		kill(job->pid, SIGKILL);
	while (waitpid(job->pid, &status, 0) == -1)
		if (errno != EINTR) {
			xasprintf(cause, "waitpid: %s", strerror(errno));
			return (-1);
		}
	job->pid = -1;
	if (killed)
		return (1);
	if (WIFSIGNALED(status)) {
		xasprintf(cause, "the parser was killed by signal %d (%s)%s",
		    WTERMSIG(status), strsignal(WTERMSIG(status)),
		    WTERMSIG(status) == SIGSYS ? ": a forbidden system call" :
		    WTERMSIG(status) == SIGXCPU ? ": parse_timeout" : "");
		return (1);
	}
	if (WEXITSTATUS(status) >= 72) {
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
	if ((fd = openat(job->dirfd, a->path, O_RDONLY | O_NOFOLLOW |
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
	path = util_path(job->dir, a->path + 2);
	free(a->path);
	a->path = spool_commit(sp, path, "doc", a->sha256, cause);
	free(path);
	return (a->path == NULL ? -1 : 0);
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
	int		 r, ended = 0;

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
		for (i = 0; i < sizeof parse_fields / sizeof parse_fields[0];
		    i++)
			if (parse_fields[i].tag == tag)
				break;
		if (i < sizeof parse_fields / sizeof parse_fields[0]) {
			free(*FIELD(m, i));
			*FIELD(m, i) = s;
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
		case T_AUTH:
			parse_list_add(&m->auth, &m->nauth, s);
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
		case T_FILE_TYPE:
			if (a != NULL && a->content_type == NULL) {
				a->content_type = s;
				continue;
			}
			break;
		case T_FILE_PATH:
			if (a != NULL && a->path == NULL) {
				a->path = s;
				continue;
			}
			break;
		case T_FILE_CID:
			if (a != NULL)
				a->inline_cid = strcmp(s, "1") == 0;
			break;
		}
		free(s);
	}
	if (!ended) {
		xasprintf(cause, "the parser's answer is cut off or garbled");
		return (1);
	}
	if (m->text == NULL)
		m->text = xstrdup("");
	for (i = 0; i < m->natt; i++) {
		a = &m->att[i];
		if (a->path == NULL || a->content_type == NULL) {
			xasprintf(cause, "the parser's answer is garbled");
			return (1);
		}
		if ((r = parse_take_file(job, sp, a, cause)) != 0)
			return (r);
	}
	return (0);
}

static void
parse_job_end(struct parse_job *job)
{
	if (job->dirfd != -1)
		close(job->dirfd);
	if (job->dir != NULL)
		util_rmtree(job->dir);
	free(job->dir);
	free(job->buf);
}

static int
parse_run(const struct conf *c, int probe, struct spool *sp, const char *path,
    struct msg **mp, char **cause)
{
	struct parse_job job = { .conf = c, .dirfd = -1, .pid = -1,
	    .probe = probe };
	struct msg	*m;
	char		*why = NULL;
	int		 rawfd, p[2], r;

	*mp = NULL;
	if ((rawfd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		xasprintf(cause, "%s: %s", path, strerror(errno));
		return (-1);
	}
	if (parse_workdir(&job, sp, cause) == -1 ||
	    pipe2(p, O_CLOEXEC) == -1) {
		if (*cause == NULL)
			xasprintf(cause, "pipe: %s", strerror(errno));
		close(rawfd);
		parse_job_end(&job);
		return (-1);
	}
	if ((job.pid = fork()) == 0)
		parse_exec(&job, rawfd, p[1]);
	close(rawfd);
	close(p[1]);
	if (job.pid == -1) {
		xasprintf(cause, "fork: %s", strerror(errno));
		close(p[0]);
		parse_job_end(&job);
		return (-1);
	}
	r = parse_read(&job, p[0], &why);
	close(p[0]);
	r = parse_reap(&job, r == 1, cause);	/* 1: no answer in time */
	if (why != NULL) {
		free(*cause);
		*cause = why;
	}
	m = xcalloc(1, sizeof *m);
	m->path = xstrdup(path);
	if (r == 0 && (r = parse_decode(&job, sp, m, cause)) == 0)
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
	r = parse_run(c, 1, sp, tmp, &m, &why);
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
	log_info("parser: a child per message as %s, Landlock %s, seccomp",
	    geteuid() == 0 ? c->parse_user : "this user",
	    jail_landlock_abi() >= 2 ? "on" : "unavailable");
	return (0);
}
