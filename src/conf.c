/* SPDX-License-Identifier: ISC */
/*
 * disposisi.conf: one "key = value" per line, '#' comments, values may be
 * double-quoted. Every error names file, line and key; relative paths are
 * taken relative to the directory of the config file, so a tree can be
 * moved whole.
 */

#include <sys/socket.h>
#include <sys/stat.h>

#include <arpa/inet.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "disposisi.h"

enum ctype { C_STR, C_PATH, C_INT, C_BOOL, C_TLS, C_SECRET, C_LOGTARGET,
    C_CONFINE, C_NETS };

struct ckey {
	const char	*name;
	enum ctype	 type;
	size_t		 off;
	long		 min, max;
};

#define O(f)	offsetof(struct conf, f)
/* Sorted by name for bsearch. */
static const struct ckey conf_keys[] = {
	{ "admin_address",	C_STR,	O(admin_address), 0, 0 },
	{ "auth_received",	C_STR,	O(auth_received), 0, 0 },
	{ "auth_require_internal", C_BOOL, O(auth_require_internal), 0, 0 },
	{ "auth_serv_id",	C_STR,	O(auth_serv_id), 0, 0 },
	{ "backup_keep",	C_INT,	O(backup_keep), 1, 3650 },
	{ "database",		C_PATH,	O(database), 0, 0 },
	{ "header_max_line",	C_INT,	O(header_max_line), 78, 1024 * 1024 },
	{ "header_max_size",	C_INT,	O(header_max_size), 1024,
	    16 * 1024 * 1024 },
	{ "hmac_secret_file",	C_PATH,	O(hmac_secret_file), 0, 0 },
	{ "imap_allow_plaintext", C_BOOL, O(imap_allow_plaintext), 0, 0 },
	{ "imap_batch_max",	C_INT,	O(imap_batch_max), 1, 1000 },
	{ "imap_ca_file",	C_PATH,	O(imap_ca_file), 0, 0 },
	{ "imap_fetch_ahead",	C_BOOL,	O(imap_fetch_ahead), 0, 0 },
	{ "imap_held",		C_STR,	O(imap_held), 0, 0 },
	{ "imap_host",		C_STR,	O(imap_host), 0, 0 },
	{ "imap_idle",		C_BOOL,	O(imap_idle), 0, 0 },
	{ "imap_idle_timeout",	C_INT,	O(imap_idle_timeout), 1, 600 },
	{ "imap_mailbox",	C_STR,	O(imap_mailbox), 0, 0 },
	{ "imap_password_file",	C_SECRET, O(imap_password), 0, 0 },
	{ "imap_poll_interval",	C_INT,	O(imap_poll_interval), 1, 3600 },
	{ "imap_port",		C_INT,	O(imap_port), 1, 65535 },
	{ "imap_processed",	C_STR,	O(imap_processed), 0, 0 },
	{ "imap_quarantine",	C_STR,	O(imap_quarantine), 0, 0 },
	{ "imap_retry_max",	C_INT,	O(imap_retry_max), 1, 3600 },
	{ "imap_session_max",	C_INT,	O(imap_session_max), 60, 86400 },
	{ "imap_timeout",	C_INT,	O(imap_timeout), 5, 3600 },
	{ "imap_tls",		C_TLS,	O(imap_tls), 0, 0 },
	{ "imap_tls_name",	C_STR,	O(imap_tls_name), 0, 0 },
	{ "imap_user",		C_STR,	O(imap_user), 0, 0 },
	{ "internal_relays",	C_NETS,	O(relays), 0, 0 },
	{ "limit_cases",	C_INT,	O(limit_cases), 0, 1000000 },
	{ "limit_mails",	C_INT,	O(limit_mails), 0, 1000000 },
	{ "limit_sender_cases",	C_INT,	O(limit_sender_cases), 0, 1000000 },
	{ "limit_sender_mails",	C_INT,	O(limit_sender_mails), 0, 1000000 },
	{ "log_level",		C_INT,	O(log_level), 0, 2 },
	{ "log_target",		C_LOGTARGET, O(log_syslog), 0, 0 },
	{ "max_attachments",	C_INT,	O(max_attachments), 0,
	    1024L * 1024 * 1024 },
	{ "max_message_size",	C_INT,	O(max_message_size), 1024,
	    1024L * 1024 * 1024 },
	{ "metrics_file",	C_PATH,	O(metrics_file), 0, 0 },
	{ "mime_max_depth",	C_INT,	O(mime_max_depth), 1, 100 },
	{ "mime_max_parts",	C_INT,	O(mime_max_parts), 1, 10000 },
	{ "parse_memory_max",	C_INT,	O(parse_memory_max), 64, 65536 },
	{ "parse_timeout",	C_INT,	O(parse_timeout), 1, 3600 },
	{ "parse_user",		C_STR,	O(parse_user), 0, 0 },
	{ "parser_confinement",	C_CONFINE, O(parse_unconfined), 0, 0 },
	{ "reply_plus_address",	C_BOOL,	O(reply_plus_address), 0, 0 },
	{ "retention_days",	C_INT,	O(retention_days), 0, 36500 },
	{ "robot_address",	C_STR,	O(robot_address), 0, 0 },
	{ "robot_name",		C_STR,	O(robot_name), 0, 0 },
	{ "rules_dir",		C_PATH,	O(rules_dir), 0, 0 },
	{ "seal_checkpoint",	C_PATH,	O(seal_checkpoint), 0, 0 },
	{ "smtp_allow_plaintext", C_BOOL, O(smtp_allow_plaintext), 0, 0 },
	{ "smtp_ca_file",	C_PATH,	O(smtp_ca_file), 0, 0 },
	{ "smtp_host",		C_STR,	O(smtp_host), 0, 0 },
	{ "smtp_idle_max",	C_INT,	O(smtp_idle_max), 1, 3600 },
	{ "smtp_password_file",	C_SECRET, O(smtp_password), 0, 0 },
	{ "smtp_port",		C_INT,	O(smtp_port), 1, 65535 },
	{ "smtp_retry_max",	C_INT,	O(smtp_retry_max), 1, 86400 },
	{ "smtp_retry_min",	C_INT,	O(smtp_retry_min), 1, 86400 },
	{ "smtp_timeout",	C_INT,	O(smtp_timeout), 5, 3600 },
	{ "smtp_tls",		C_TLS,	O(smtp_tls), 0, 0 },
	{ "smtp_user",		C_STR,	O(smtp_user), 0, 0 },
	{ "spam_headers",	C_STR,	O(spam_headers), 0, 0 },
	{ "spool_dir",		C_PATH,	O(spool_dir), 0, 0 },
	{ "templates_dir",	C_PATH,	O(templates_dir), 0, 0 },
};

static int
conf_key_cmp(const void *a, const void *b)
{
	return (strcmp(a, ((const struct ckey *)b)->name));
}

static char *
conf_dir(const char *path)
{
	const char	*s = strrchr(path, '/');

	if (s == NULL)
		return (xstrdup("."));
	if (s == path)
		return (xstrdup("/"));
	return (xstrndup(path, (size_t)(s - path)));
}

static void
conf_set_str(struct conf *c, size_t off, char *v)
{
	char	**p = (char **)((char *)c + off);

	free(*p);
	*p = v;
}

/* One "ADDR" or "ADDR/BITS", IPv4 or IPv6; -1 if it is neither. */
static int
conf_net(const char *s, struct net *n)
{
	char	*a = xstrdup(s), *slash, *end;
	long	 bits;
	int	 max;

	memset(n, 0, sizeof *n);
	if ((slash = strchr(a, '/')) != NULL)
		*slash++ = '\0';
	n->family = strchr(a, ':') != NULL ? AF_INET6 : AF_INET;
	max = n->family == AF_INET6 ? 128 : 32;
	n->bits = max;
	if (inet_pton(n->family, a, n->addr) != 1) {
		free(a);
		return (-1);
	}
	if (slash != NULL) {
		bits = strtol(slash, &end, 10);
		if (*slash == '\0' || *end != '\0' || bits < 0 || bits > max) {
			free(a);
			return (-1);
		}
		n->bits = (int)bits;
	}
	free(a);
	return (0);
}

/* internal_relays: addresses and networks, separated by blanks or commas. */
static int
conf_nets(struct conf *c, const char *v, char **cause)
{
	char	*list = xstrdup(v), *w, *p = list;

	free(c->relays);
	c->relays = NULL;
	c->nrelays = 0;
	while ((w = strsep(&p, " \t,")) != NULL) {
		if (*w == '\0')
			continue;
		c->relays = xreallocarray(c->relays, c->nrelays + 1,
		    sizeof *c->relays);
		if (conf_net(w, &c->relays[c->nrelays]) == -1) {
			xasprintf(cause, "not an IP address or network: \"%s\"",
			    w);
			free(list);
			return (-1);
		}
		c->nrelays++;
	}
	free(list);
	return (0);
}

/* Is the address ip (text) inside one of the n networks? */
int
net_match(const struct net *nets, size_t n, const char *ip)
{
	struct net	 a;
	size_t		 i;
	int		 full, rest;

	if (conf_net(ip, &a) == -1 || a.bits != (a.family == AF_INET6 ?
	    128 : 32))
		return (0);
	for (i = 0; i < n; i++) {
		if (nets[i].family != a.family)
			continue;
		full = nets[i].bits / 8;
		rest = nets[i].bits % 8;
		if (memcmp(nets[i].addr, a.addr, full) == 0 && (rest == 0 ||
		    ((nets[i].addr[full] ^ a.addr[full]) &
		    (0xff << (8 - rest))) == 0))
			return (1);
	}
	return (0);
}

/* Reads a secret: the first line of a file, which must not be world-readable. */
static char *
conf_read_secret(const char *path, char **cause)
{
	struct stat	 st;
	char		*buf, *nl;

	if ((buf = util_read_file(path, 4096, NULL, cause)) == NULL)
		return (NULL);
	if (stat(path, &st) == 0 && (st.st_mode & 077) != 0)
		log_warnx("%s: mode %03o: a password file should be readable"
		    " by its owner only (chmod 600)", path,
		    (unsigned)(st.st_mode & 0777));
	if ((nl = strpbrk(buf, "\r\n")) != NULL)
		*nl = '\0';
	return (buf);
}

/* A value that is one of a few words, each standing for a number. */
struct cword {
	const char	*word;
	int		 value;
};
static const struct cword conf_bools[] = {
	{ "yes", 1 }, { "no", 0 }, { NULL, 0 }
};
static const struct cword conf_tls[] = {
	{ "implicit", TLS_IMPLICIT }, { "starttls", TLS_STARTTLS },
	{ "none", TLS_NONE }, { NULL, 0 }
};
static const struct cword conf_confine[] = {
	{ "required", 0 }, { "allow-unconfined-i-understand", 1 }, { NULL, 0 }
};
static const struct cword conf_logtargets[] = {
	{ "stderr", 0 }, { "syslog", 1 }, { NULL, 0 }
};

/* Sets *out to the number of word v in w; want lists them for the error. */
static int
conf_word(const struct cword *w, const char *want, const char *v, int *out,
    char **cause)
{
	for (; w->word != NULL; w++) {
		if (strcmp(v, w->word) == 0) {
			*out = w->value;
			return (0);
		}
	}
	xasprintf(cause, "want %s, got \"%s\"", want, v);
	return (-1);
}

static int
conf_int(struct conf *c, const struct ckey *k, const char *v, char **cause)
{
	char		*end;
	long long	 n;

	errno = 0;
	n = strtoll(v, &end, 10);
	if (errno != 0 || end == v || *end != '\0' || n < k->min ||
	    n > k->max) {
		xasprintf(cause, "want a whole number from %ld to %ld,"
		    " got \"%s\"", k->min, k->max, v);
		return (-1);
	}
	if (k->off == O(max_message_size))
		c->max_message_size = (size_t)n;
	else if (k->off == O(max_attachments))
		c->max_attachments = (size_t)n;
	else
		*(int *)((char *)c + k->off) = (int)n;
	return (0);
}

static int
conf_value(struct conf *c, const struct ckey *k, const char *dir,
    const char *v, char **cause)
{
	char		*s, *secret;
	int		*field = (int *)((char *)c + k->off), tls;

	switch (k->type) {
	case C_STR:
		conf_set_str(c, k->off, xstrdup(v));
		return (0);
	case C_PATH:
		conf_set_str(c, k->off, util_path(dir, v));
		return (0);
	case C_SECRET:
		s = util_path(dir, v);
		secret = conf_read_secret(s, cause);
		free(s);
		if (secret == NULL)
			return (-1);
		conf_set_str(c, k->off, secret);
		return (0);
	case C_INT:
		return (conf_int(c, k, v, cause));
	case C_BOOL:
		return (conf_word(conf_bools, "yes or no", v, field, cause));
	case C_TLS:
		if (conf_word(conf_tls, "implicit, starttls or none", v, &tls,
		    cause) == -1)
			return (-1);
		*(enum tls_mode *)((char *)c + k->off) = (enum tls_mode)tls;
		return (0);
	case C_CONFINE:
		return (conf_word(conf_confine, "required or"
		    " allow-unconfined-i-understand", v, field, cause));
	case C_NETS:
		return (conf_nets(c, v, cause));
	case C_LOGTARGET:
		return (conf_word(conf_logtargets, "stderr or syslog", v,
		    &c->log_syslog, cause));
	}
	return (-1);
}

/* Splits "key = value", unquoting a double-quoted value. */
static int
conf_split(char *line, char **key, char **val, char **cause)
{
	char	*eq, *v, *e;

	if ((eq = strchr(line, '=')) == NULL) {
		xasprintf(cause, "expected \"key = value\"");
		return (-1);
	}
	*eq = '\0';
	*key = util_trim(line);
	v = util_trim(eq + 1);
	if (*v == '"') {
		e = strrchr(v + 1, '"');
		if (e == NULL || e[1] != '\0') {
			xasprintf(cause, "unterminated quoted value");
			return (-1);
		}
		*e = '\0';
		v++;
	}
	*val = v;
	return (0);
}

static void
conf_defaults(struct conf *c)
{
	c->imap_host = xstrdup("localhost");
	c->imap_port = 993;
	c->imap_tls = TLS_IMPLICIT;
	c->imap_mailbox = xstrdup("INBOX");
	c->imap_processed = xstrdup("Processed");
	c->imap_quarantine = xstrdup("Quarantine");
	c->imap_held = xstrdup("Held");
	c->imap_idle = 1;
	c->imap_fetch_ahead = 1;
	c->imap_idle_timeout = 300;
	c->imap_batch_max = 64;
	c->imap_session_max = 4 * 3600;
	c->imap_retry_max = 300;
	c->imap_poll_interval = 60;
	c->imap_timeout = 60;
	c->smtp_host = xstrdup("localhost");
	c->smtp_port = 587;
	c->smtp_tls = TLS_STARTTLS;
	c->smtp_retry_min = 60;
	c->smtp_retry_max = 3600;
	c->smtp_timeout = 120;
	c->smtp_idle_max = 60;
	c->robot_name = xstrdup("Robot Disposisi TTE Diskominfo");
	c->reply_plus_address = 1;
	c->max_message_size = 30 * 1024 * 1024;
	c->max_attachments = 7 * 1024 * 1024;
	c->header_max_line = 8000;
	c->header_max_size = 256 * 1024;
	c->mime_max_depth = 20;
	c->mime_max_parts = 100;
	c->parse_user = xstrdup("nobody");
	c->parse_timeout = 60;
	c->parse_memory_max = 1024;
	c->retention_days = 730;	/* see disposisi.conf(5) */
	c->backup_keep = 14;
	c->auth_received = xstrdup("Authenticated sender:");
	c->spam_headers = xstrdup("X-Spam-Flag X-Spam-Status");
	/* An hour's mail; see disposisi.conf(5). */
	c->limit_sender_cases = 5;
	c->limit_sender_mails = 30;
	c->limit_cases = 60;
	c->limit_mails = 600;
}

/* What a checkout's explain uses when the config does not say. */
static void
conf_lenient(struct conf *c)
{
	if (c->robot_address == NULL)
		c->robot_address = xstrdup("tte@muaraenimkab.go.id");
	if (c->admin_address == NULL)
		c->admin_address = xstrdup("admin@muaraenimkab.go.id");
	if (c->rules_dir == NULL)
		c->rules_dir = xstrdup("rules");
	if (c->templates_dir == NULL)
		c->templates_dir = xstrdup("mail-templates");
}

static int
conf_check_robot(struct conf *c, char **cause)
{
	if (strchr(c->robot_address, '@') == NULL) {
		xasprintf(cause, "%s: robot_address: not an address: \"%s\"",
		    c->path, c->robot_address);
		return (-1);
	}
	return (0);
}

/* Checks what no single line can: required keys and combinations. */
static int
conf_check(struct conf *c, char **cause)
{
	static const struct { const char *key; size_t off; } req[] = {
		{ "robot_address", O(robot_address) },
		{ "admin_address", O(admin_address) },
		{ "imap_user", O(imap_user) },
		{ "imap_password_file", O(imap_password) },
		{ "database", O(database) },
		{ "spool_dir", O(spool_dir) },
		{ "rules_dir", O(rules_dir) },
		{ "templates_dir", O(templates_dir) },
		{ "hmac_secret_file", O(hmac_secret_file) },
	};
	size_t	 i;

	for (i = 0; i < sizeof req / sizeof req[0]; i++) {
		if (*(char **)((char *)c + req[i].off) == NULL) {
			xasprintf(cause, "%s: %s: required key missing",
			    c->path, req[i].key);
			return (-1);
		}
	}
	if (conf_check_robot(c, cause) == -1)
		return (-1);
	if (c->imap_tls == TLS_NONE && !c->imap_allow_plaintext) {
		xasprintf(cause, "%s: imap_tls: \"none\" sends the password in"
		    " clear; set imap_allow_plaintext = yes to allow it",
		    c->path);
		return (-1);
	}
	if (c->smtp_tls == TLS_NONE && c->smtp_user != NULL &&
	    !c->smtp_allow_plaintext) {
		xasprintf(cause, "%s: smtp_tls: \"none\" with smtp_user sends"
		    " the password in clear; set smtp_allow_plaintext = yes",
		    c->path);
		return (-1);
	}
	if (c->smtp_retry_max < c->smtp_retry_min) {
		xasprintf(cause, "%s: smtp_retry_max: smaller than"
		    " smtp_retry_min", c->path);
		return (-1);
	}
	if (c->smtp_user != NULL && c->smtp_password == NULL) {
		xasprintf(cause, "%s: smtp_password_file: required with"
		    " smtp_user", c->path);
		return (-1);
	}
	return (0);
}

/*
 * Reads the file; lenient (for `disposisi explain`) skips secrets and
 * needs only what reading mail needs: robot_address and the rules and
 * templates, defaulting to a checkout's own.
 */
static struct conf *
conf_read(const char *path, int lenient, char **cause)
{
	struct conf	*c;
	char		*buf, *line, *next, *dir, *key, *val, *why = NULL;
	const struct ckey *k;
	unsigned	 lineno = 0;

	if ((buf = util_read_file(path, 1024 * 1024, NULL, cause)) == NULL)
		return (NULL);
	c = xcalloc(1, sizeof *c);
	c->path = xstrdup(path);
	conf_defaults(c);
	dir = conf_dir(path);
	for (line = buf; line != NULL; line = next) {
		lineno++;
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		line = util_trim(line);
		if (*line == '\0' || *line == '#')
			continue;
		if (conf_split(line, &key, &val, &why) == -1) {
			xasprintf(cause, "%s:%u: %s", path, lineno, why);
			goto fail;
		}
		k = bsearch(key, conf_keys, sizeof conf_keys /
		    sizeof conf_keys[0], sizeof conf_keys[0], conf_key_cmp);
		if (k == NULL) {
			xasprintf(cause, "%s:%u: %s: unknown key", path, lineno,
			    key);
			goto fail;
		}
		if (lenient && k->type == C_SECRET)
			continue;
		if (conf_value(c, k, dir, val, &why) == -1) {
			xasprintf(cause, "%s:%u: %s: %s", path, lineno, key,
			    why);
			goto fail;
		}
	}
	free(buf);
	free(dir);
	if (c->smtp_user == NULL && c->smtp_password != NULL)
		c->smtp_user = xstrdup(c->imap_user);
	if (c->seal_checkpoint == NULL && c->database != NULL)
		xasprintf(&c->seal_checkpoint, "%s.seal", c->database);
	if (lenient)
		conf_lenient(c);
	if ((lenient ? conf_check_robot(c, cause) : conf_check(c, cause)) ==
	    -1) {
		conf_free(c);
		return (NULL);
	}
	return (c);
fail:
	free(why);
	free(buf);
	free(dir);
	conf_free(c);
	return (NULL);
}

struct conf *
conf_load(const char *path, char **cause)
{
	return (conf_read(path, 0, cause));
}

/* A config for explain: from a file, or a checkout's defaults. */
struct conf *
conf_load_lenient(const char *path, char **cause)
{
	struct conf	*c;

	if (path != NULL)
		return (conf_read(path, 1, cause));
	c = xcalloc(1, sizeof *c);
	c->path = xstrdup("(defaults)");
	conf_defaults(c);
	conf_lenient(c);
	return (c);
}

/*
 * Loads the HMAC key for reply tokens, creating 32 random bytes (mode
 * 0600) on first run. A key readable by others would let anyone forge a
 * decision, so that is refused.
 */
int
conf_load_secret(struct conf *c, char **cause)
{
	unsigned char	 key[32];
	char		 hex[65];
	struct stat	 st;
	size_t		 len;
	char		*buf;

	if (stat(c->hmac_secret_file, &st) == -1) {
		if (errno != ENOENT) {
			xasprintf(cause, "%s: %s", c->hmac_secret_file,
			    strerror(errno));
			return (-1);
		}
		if (crypto_random_bytes(key, sizeof key) == -1) {
			xasprintf(cause, "no random bytes for the HMAC key");
			return (-1);
		}
		for (len = 0; len < sizeof key; len++)
			snprintf(hex + 2 * len, 3, "%02x", key[len]);
		if (util_write_file(c->hmac_secret_file, hex, 64, 0600,
		    cause) == -1)
			return (-1);
		log_info("created HMAC key %s", c->hmac_secret_file);
	} else if (st.st_mode & 077) {
		xasprintf(cause, "%s: mode %03o: the HMAC key must not be"
		    " readable by group or others (chmod 600)",
		    c->hmac_secret_file, (unsigned)(st.st_mode & 0777));
		return (-1);
	}
	if ((buf = util_read_file(c->hmac_secret_file, 4096, &len,
	    cause)) == NULL)
		return (-1);
	while (len > 0 && isspace((unsigned char)buf[len - 1]))
		buf[--len] = '\0';
	if (len < 32) {
		xasprintf(cause, "%s: key shorter than 32 bytes",
		    c->hmac_secret_file);
		free(buf);
		return (-1);
	}
	free(c->hmac_secret);
	c->hmac_secret = (unsigned char *)buf;
	c->hmac_secret_len = len;
	return (0);
}

const char *
conf_domain(const struct conf *c)
{
	return (strchr(c->robot_address, '@') + 1);
}

void
conf_free(struct conf *c)
{
	size_t	 i;

	if (c == NULL)
		return;
	for (i = 0; i < sizeof conf_keys / sizeof conf_keys[0]; i++) {
		switch (conf_keys[i].type) {
		case C_STR:
		case C_PATH:
		case C_SECRET:
			free(*(char **)((char *)c + conf_keys[i].off));
			break;
		default:
			break;
		}
	}
	free(c->path);
	free(c->relays);
	free(c->hmac_secret);
	free(c);
}
