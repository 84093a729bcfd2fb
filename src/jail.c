/* SPDX-License-Identifier: ISC */
/*
 * Confinement of the parser (parse-child.c), in two stages. The parser
 * process, which only forks, becomes another user when started as root,
 * takes no new privileges, gets its address space and descriptors bounded
 * and a file system of the spool's work/ and the few read-only system
 * files parsing needs (Landlock). Each per-message child narrows that to its own
 * work directory, bounds its CPU time and file sizes, and installs a
 * seccomp allow-list. Each layer alone keeps a message that took over
 * the child away from the database, the key and the other cases' spool;
 * none of them was in the process to begin with.
 */

#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include <linux/landlock.h>

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <seccomp.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "disposisi.h"

/* Sanitizer runtimes need more address space and system calls. */
#if defined(__SANITIZE_ADDRESS__)
#define JAIL_SANITIZED	1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define JAIL_SANITIZED	1
#endif
#endif
#ifndef JAIL_SANITIZED
#define JAIL_SANITIZED	0
#endif

static int
jail_limit(int resource, rlim_t value, char **cause)
{
	struct rlimit	 rl = { value, value };

	if (setrlimit(resource, &rl) == -1) {
		xasprintf(cause, "setrlimit %d: %s", resource, strerror(errno));
		return (-1);
	}
	return (0);
}

static int
jail_limits(const struct jail *j, char **cause)
{
	if (jail_limit(RLIMIT_CORE, 0, cause) == -1 ||
	    jail_limit(RLIMIT_NOFILE, 32, cause) == -1)
		return (-1);
	if (!JAIL_SANITIZED && jail_limit(RLIMIT_AS, (rlim_t)j->memory_max,
	    cause) == -1)
		return (-1);
	return (0);
}

/* Started as root: becomes the configured user, groups and all. */
static int
jail_user(const struct jail *j, char **cause)
{
	struct passwd	*pw;

	if (geteuid() != 0)
		return (0);
	if ((pw = getpwnam(j->user)) == NULL || pw->pw_uid == 0) {
		xasprintf(cause, "parse_user %s: no such user (or root)",
		    j->user);
		return (-1);
	}
	if (setgroups(0, NULL) == -1 || setresgid(pw->pw_gid, pw->pw_gid,
	    pw->pw_gid) == -1 || setresuid(pw->pw_uid, pw->pw_uid,
	    pw->pw_uid) == -1) {
		xasprintf(cause, "becoming %s: %s", j->user, strerror(errno));
		return (-1);
	}
	return (0);
}

/* The uid and gid the parser runs under: the robot's own unless root. */
void
jail_ids(const struct jail *j, uid_t *uid, gid_t *gid)
{
	struct passwd	*pw;

	*uid = geteuid();
	*gid = getegid();
	if (*uid == 0 && (pw = getpwnam(j->user)) != NULL) {
		*uid = pw->pw_uid;
		*gid = pw->pw_gid;
	}
}

/* The kernel's Landlock ABI version, 0 without Landlock. */
int
jail_landlock_abi(void)
{
	long	 v;

	v = syscall(SYS_landlock_create_ruleset, NULL, 0,
	    LANDLOCK_CREATE_RULESET_VERSION);
	return (v < 0 ? 0 : (int)v);
}

/* Allows access beneath fd (O_PATH or a directory) in the ruleset. */
static int
jail_landlock_fd(int ruleset, int fd, __u64 access)
{
	struct landlock_path_beneath_attr pb = { .allowed_access = access,
	    .parent_fd = fd };

	return ((int)syscall(SYS_landlock_add_rule, ruleset,
	    LANDLOCK_RULE_PATH_BENEATH, &pb, 0));
}

static int
jail_landlock_path(int ruleset, const char *path, __u64 access)
{
	int	 fd, rv;

	if ((fd = open(path, O_PATH | O_CLOEXEC)) == -1)
		return (errno == ENOENT ? 0 : -1);
	rv = jail_landlock_fd(ruleset, fd, access);
	close(fd);
	return (rv);
}

#if defined(__x86_64__)
#define JAIL_MULTIARCH	"x86_64-linux-gnu"
#elif defined(__aarch64__)
#define JAIL_MULTIARCH	"aarch64-linux-gnu"
#else
#define JAIL_MULTIARCH	"."
#endif

/*
 * What the parser reads once confined, found with strace -f on explain
 * over the corpus: glibc's charset converters (iconv, for GMime) and
 * OpenSSL's config (its random generator's set-up). The OCR of
 * attachments adds tesseract's language data and poppler's and
 * fontconfig's; nothing else of /etc (the mailbox password lives there)
 * or /usr. The libraries are mapped before the jail; a path this system
 * lacks is skipped.
 */
static const char *const jail_ro_paths[] = {
	"/usr/lib/" JAIL_MULTIARCH "/gconv", "/usr/lib64/gconv",
	"/usr/lib/gconv", "/etc/ssl/openssl.cnf",
	"/usr/share/tesseract-ocr", "/usr/share/poppler",
	"/usr/share/fonts", "/usr/share/fontconfig", "/etc/fonts",
	"/var/cache/fontconfig",
};

/* Grants read access to jail_ro_paths: a file's rights, or a tree's. */
static int
jail_landlock_ro(int ruleset)
{
	struct stat	 sb;
	size_t		 i;
	int		 r;

	for (i = 0; i < sizeof jail_ro_paths / sizeof jail_ro_paths[0]; i++) {
		if (stat(jail_ro_paths[i], &sb) == -1)
			continue;
		r = jail_landlock_path(ruleset, jail_ro_paths[i],
		    LANDLOCK_ACCESS_FS_READ_FILE | (S_ISDIR(sb.st_mode) ?
		    LANDLOCK_ACCESS_FS_READ_DIR : 0));
		if (r == -1)
			return (-1);
	}
	return (0);
}

/*
 * The file system shrinks to what is beneath rwfd and the few
 * read-only files of jail_ro_paths. Returns 1 when the kernel has no usable Landlock (the
 * other layers still hold), 0 when applied.
 */
static int
jail_landlock(int rwfd, char **cause)
{
	const __u64	 ro = LANDLOCK_ACCESS_FS_READ_FILE |
	    LANDLOCK_ACCESS_FS_READ_DIR | LANDLOCK_ACCESS_FS_EXECUTE;
	/* REFER (ABI 2): the spool renames tmp/ files into doc/. */
	const __u64	 rw = ro | LANDLOCK_ACCESS_FS_WRITE_FILE |
	    LANDLOCK_ACCESS_FS_REMOVE_FILE | LANDLOCK_ACCESS_FS_REMOVE_DIR |
	    LANDLOCK_ACCESS_FS_MAKE_REG | LANDLOCK_ACCESS_FS_MAKE_DIR |
	    LANDLOCK_ACCESS_FS_REFER;
	struct landlock_ruleset_attr ra = { .handled_access_fs = rw |
	    LANDLOCK_ACCESS_FS_MAKE_CHAR | LANDLOCK_ACCESS_FS_MAKE_SOCK |
	    LANDLOCK_ACCESS_FS_MAKE_FIFO | LANDLOCK_ACCESS_FS_MAKE_BLOCK |
	    LANDLOCK_ACCESS_FS_MAKE_SYM };
	int		 fd;

	/* ABI 1 forbids every rename across directories. */
	if (jail_landlock_abi() < 2)
		return (1);
	fd = (int)syscall(SYS_landlock_create_ruleset, &ra, sizeof ra, 0);
	if (fd == -1 && errno == EPERM)
		return (1);	/* a seccomp filter above us said no */
	if (fd == -1 || jail_landlock_fd(fd, rwfd, rw) == -1 ||
	    jail_landlock_ro(fd) == -1 ||
	    syscall(SYS_landlock_restrict_self, fd, 0) == -1) {
		xasprintf(cause, "landlock: %s", strerror(errno));
		if (fd != -1)
			close(fd);
		return (-1);
	}
	close(fd);
	return (0);
}

/*
 * What parsing a message into files needs, and nothing that reaches out:
 * no socket, no exec, no new process, no ptrace. Anything else kills the
 * child, which quarantines the message. Sanitizer builds answer EPERM
 * instead: their runtime makes calls a plain build never does.
 */
static const int jail_syscalls[] = {
	SCMP_SYS(read), SCMP_SYS(write), SCMP_SYS(readv), SCMP_SYS(writev),
	SCMP_SYS(pread64), SCMP_SYS(pwrite64), SCMP_SYS(lseek),
	SCMP_SYS(close), SCMP_SYS(fstat), SCMP_SYS(newfstatat),
	SCMP_SYS(statx), SCMP_SYS(stat), SCMP_SYS(lstat), SCMP_SYS(openat),
	SCMP_SYS(open), SCMP_SYS(access), SCMP_SYS(faccessat),
	SCMP_SYS(faccessat2), SCMP_SYS(getdents64), SCMP_SYS(fcntl),
	SCMP_SYS(mkdir), SCMP_SYS(mkdirat), SCMP_SYS(chmod),
	SCMP_SYS(fchmod), SCMP_SYS(fchmodat), SCMP_SYS(rename),
	SCMP_SYS(renameat), SCMP_SYS(renameat2), SCMP_SYS(unlink),
	SCMP_SYS(unlinkat), SCMP_SYS(fsync), SCMP_SYS(fdatasync),
	SCMP_SYS(ftruncate), SCMP_SYS(mmap), SCMP_SYS(munmap),
	SCMP_SYS(mremap), SCMP_SYS(mprotect), SCMP_SYS(madvise),
	SCMP_SYS(brk), SCMP_SYS(futex), SCMP_SYS(getrandom),
	SCMP_SYS(clock_gettime), SCMP_SYS(gettimeofday), SCMP_SYS(time),
	SCMP_SYS(getpid), SCMP_SYS(gettid), SCMP_SYS(getuid),
	SCMP_SYS(geteuid), SCMP_SYS(getgid), SCMP_SYS(getegid),
	SCMP_SYS(rt_sigaction), SCMP_SYS(rt_sigprocmask),
	SCMP_SYS(rt_sigreturn), SCMP_SYS(sigaltstack), SCMP_SYS(exit),
	SCMP_SYS(exit_group), SCMP_SYS(getcwd), SCMP_SYS(uname),
	SCMP_SYS(sched_getaffinity), SCMP_SYS(sched_yield),
	SCMP_SYS(prlimit64), SCMP_SYS(getrlimit), SCMP_SYS(ioctl),
	SCMP_SYS(readlink), SCMP_SYS(readlinkat), SCMP_SYS(set_robust_list),
	SCMP_SYS(rseq), SCMP_SYS(restart_syscall), SCMP_SYS(umask), SCMP_SYS(sysinfo), SCMP_SYS(dup),
	/* Only among the child's own descriptors: stderr set aside. */
	SCMP_SYS(dup2), SCMP_SYS(dup3),
	/* fontconfig (a PDF page rendered): which file system, read-ahead. */
	SCMP_SYS(fstatfs), SCMP_SYS(statfs), SCMP_SYS(fadvise64),
};

static int
jail_seccomp(int sock, char **cause)
{
	struct scmp_arg_cmp self = { .arg = 0, .op = SCMP_CMP_EQ,
	    .datum_a = (scmp_datum_t)getpid(), .datum_b = 0 };
	struct scmp_arg_cmp onsock = { .arg = 0, .op = SCMP_CMP_EQ,
	    .datum_a = (scmp_datum_t)sock, .datum_b = 0 };
	scmp_filter_ctx	 sc;
	size_t		 i;
	int		 rv;

	sc = seccomp_init(JAIL_SANITIZED ? SCMP_ACT_ERRNO(EPERM) :
	    SCMP_ACT_KILL_PROCESS);
	if (sc == NULL) {
		xasprintf(cause, "seccomp_init failed");
		return (-1);
	}
	for (i = 0; i < sizeof jail_syscalls / sizeof jail_syscalls[0]; i++) {
		if (jail_syscalls[i] < 0)
			continue;	/* not on this architecture */
		if ((rv = seccomp_rule_add(sc, SCMP_ACT_ALLOW,
		    jail_syscalls[i], 0)) < 0)
			goto fail;
	}
	/* Signals (abort() raises one) only to itself: not to the robot. */
	if ((rv = seccomp_rule_add_array(sc, SCMP_ACT_ALLOW, SCMP_SYS(kill), 1,
	    &self)) < 0 || (rv = seccomp_rule_add_array(sc, SCMP_ACT_ALLOW,
	    SCMP_SYS(tgkill), 1, &self)) < 0)
		goto fail;
	/*
	 * The message's descriptors arrive on sock once the child is
	 * confined: recvmsg there only (socket() kills, so no other one).
	 */
	if ((rv = seccomp_rule_add_array(sc, SCMP_ACT_ALLOW, SCMP_SYS(recvmsg),
	    1, &onsock)) < 0)
		goto fail;
	if (JAIL_SANITIZED && ((rv = seccomp_rule_add(sc,
	    SCMP_ACT_KILL_PROCESS, SCMP_SYS(socket), 0)) < 0 ||
	    (rv = seccomp_rule_add(sc, SCMP_ACT_KILL_PROCESS,
	    SCMP_SYS(execve), 0)) < 0))
		goto fail;
	if ((rv = seccomp_load(sc)) < 0)
		goto fail;
	seccomp_release(sc);
	return (0);
fail:
	xasprintf(cause, "seccomp: %s", strerror(-rv));
	seccomp_release(sc);
	return (-1);
}

/*
 * Confines the parser process: limits, parse_user if root, no new
 * privileges, a file system of what is beneath workfd (the spool's work/)
 * and the read-only system files. Returns -1 with *cause on failure.
 */
int
jail_parser(const struct jail *j, int workfd, char **cause)
{
	if (jail_limits(j, cause) == -1 || jail_user(j, cause) == -1)
		return (-1);
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1) {
		xasprintf(cause, "no_new_privs: %s", strerror(errno));
		return (-1);
	}
	/* libseccomp probes the kernel once; the children inherit that. */
	seccomp_api_get();
	return (jail_landlock(workfd, cause) == -1 ? -1 : 0);
}

/*
 * Confines one message's child, in its work directory (the current
 * one), before its message exists: CPU time and file sizes bounded, only
 * that directory writable, the seccomp allow-list, with recvmsg on sock
 * (where the message's descriptors come). The caller must not parse if
 * this fails.
 */
int
jail_child(const struct jail *j, int sock, char **cause)
{
	int	 fd, r;

	if (jail_limit(RLIMIT_CPU, (rlim_t)j->cpu_seconds, cause) == -1 ||
	    jail_limit(RLIMIT_FSIZE, (rlim_t)j->file_max, cause) == -1)
		return (-1);
	if ((fd = open(".", O_PATH | O_DIRECTORY | O_CLOEXEC)) == -1) {
		xasprintf(cause, "work directory: %s", strerror(errno));
		return (-1);
	}
	r = jail_landlock(fd, cause);
	close(fd);
	if (r == -1)
		return (-1);
	return (jail_seccomp(sock, cause));
}
