/* SPDX-License-Identifier: ISC */
/*
 * `disposisi doctor -f FILE`: checks a deployment end to end, a line per
 * check ("ok", "warn" or "FAIL", then what to do), through the modules
 * the daemon itself uses: the rules and the holidays ahead, the private
 * files' modes, the confined parser, IMAP (TLS against the CA, login,
 * IDLE), then a test mail over SMTP from the robot's plus address to its
 * own plus address (login, envelope sender, plus addressing), seen
 * arriving over IMAP and read by the parser: the MTA's
 * Authentication-Results on it, and the server's clock in its Received
 * line. The test mail is From the robot, so a running robot files it as
 * its own mail (classify_machine); doctor moves it to the processed
 * folder. Exits 0 when nothing FAILed, else 1.
 */

#include <sys/stat.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "disposisi.h"

#define DOCTOR_WAIT	60	/* seconds for the test mail to arrive */
#define DOCTOR_SKEW	120	/* seconds the clocks may differ */

enum doctor_level { D_OK, D_WARN, D_FAIL, D_SKIP };

struct doctor {
	struct ctx	*ctx;
	int		 n[4];			/* lines by level */
	char		 nonce[25];
	char		 addr[320];		/* the test mail's to and from */
	struct imap	*im;
	struct msg	*m;			/* the test mail as it arrived */
};

static void
doctor_say(struct doctor *d, enum doctor_level l, const char *what,
    const char *fmt, ...)
{
	static const char *const word[] = { "ok  ", "warn", "FAIL", "skip" };
	va_list	 ap;

	d->n[l]++;
	printf("%s %s: ", word[l], what);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

/* Every year the next 12 months touch has holidays in the rules. */
static void
doctor_holidays(struct doctor *d)
{
	const struct calendar	*cal = &d->ctx->rules->cal;
	time_t			 now = clock_now();
	time_t			 until = clock_add_months(now, 12);
	int			 y;

	if ((y = cal_holidays_gap(cal, now, until)) != 0) {
		doctor_say(d, D_FAIL, "holidays", "none for %d, and the next"
		    " 12 months reach into it: add %s/libur-%d.conf with the"
		    " national holidays and cuti bersama of the SKB 3"
		    " Menteri, then run disposisi check", y,
		    d->ctx->conf->rules_dir, y);
		return;
	}
	doctor_say(d, D_OK, "holidays", "the rules hold holidays for every"
	    " year through %d (the next 12 months)", cal_date(cal, until) /
	    10000);
}

/* One path that must not be readable by others; 0 when it is fine. */
static int
doctor_private(struct doctor *d, const char *what, const char *path,
    int dir)
{
	struct stat	 sb;

	if (stat(path, &sb) == -1) {
		if (errno == ENOENT)
			return (0);
		doctor_say(d, D_FAIL, what, "%s: %s", path, strerror(errno));
		return (-1);
	}
	if ((sb.st_mode & 077) == 0)
		return (0);
	doctor_say(d, D_FAIL, what, "%s is mode %04o: others on this machine"
	    " can read %s; chmod %s %s", path, (unsigned)(sb.st_mode & 07777),
	    dir ? "the scans" : "the cases", dir ? "700" : "600", path);
	return (-1);
}

/* The ok line of a private path, or of one the robot makes at start. */
static void
doctor_private_ok(struct doctor *d, const char *what, const char *path,
    int dir)
{
	doctor_say(d, D_OK, what, "%s %s", path, access(path, F_OK) == 0 ?
	    "is private" : dir ? "is not created yet (the robot makes it"
	    " 0700)" : "is not created yet (the robot makes it 0600)");
}

/* The database (and its WAL), the key and the spool: 0600 and 0700. */
static void
doctor_modes(struct doctor *d)
{
	static const char *const kinds[] = { "", "tmp", "raw", "doc", "out" };
	const struct conf	*c = d->ctx->conf;
	char			*p;
	size_t			 i;
	int			 bad = 0;

	for (i = 0; i < 3; i++) {
		xasprintf(&p, "%s%s", c->database, i == 0 ? "" : i == 1 ?
		    "-wal" : "-shm");
		bad |= doctor_private(d, "database", p, 0);
		free(p);
	}
	if (bad == 0)
		doctor_private_ok(d, "database", c->database, 0);
	if (doctor_private(d, "key", c->hmac_secret_file, 0) == 0)
		doctor_private_ok(d, "key", c->hmac_secret_file, 0);
	for (i = 0, bad = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
		p = util_path(c->spool_dir, kinds[i]);
		bad |= doctor_private(d, "spool", p, 1);
		free(p);
	}
	if (bad == 0)
		doctor_private_ok(d, "spool", c->spool_dir, 1);
}

/* A message parsed by a confined child, as the daemon does at start. */
static void
doctor_parser(struct doctor *d)
{
	char	*cause = NULL;

	if (parse_selftest(d->ctx->conf, d->ctx->spool, &cause) == -1) {
		doctor_say(d, D_FAIL, "parser", "%s: see parse_user and"
		    " parser_confinement in disposisi.conf(5)", cause);
		free(cause);
	} else if (jail_landlock_abi() < 2)
		doctor_say(d, D_WARN, "parser", "confined by seccomp and"
		    " limits but not Landlock (kernel without it): it can"
		    " read every file its user can");
	else
		doctor_say(d, D_OK, "parser", "a confined child (Landlock,"
		    " seccomp) parsed a test message");
}

/* Logs in; says which of connection, TLS and login failed. */
static int
doctor_imap(struct doctor *d)
{
	const struct conf	*c = d->ctx->conf;
	char			*cause = NULL;
	uint32_t		 uv;

	if ((d->im = imap_connect(c, &cause)) == NULL) {
		if (strncmp(cause, "cannot connect", 14) == 0)
			doctor_say(d, D_FAIL, "IMAP", "%s: check imap_host and"
			    " imap_port, that the server runs and that no"
			    " firewall is between", cause);
		else if (strncmp(cause, "LOGIN", 5) == 0)
			doctor_say(d, D_FAIL, "IMAP login", "%s as %s: check"
			    " imap_user and the password in"
			    " imap_password_file (Zimbra: zmprov sp %s"
			    " PASSWORD)", cause, c->imap_user, c->robot_address);
		else
			doctor_say(d, D_FAIL, "CA", "IMAP %s:%d: %s: imap_ca_file"
			    " must hold the CA that signed the server's"
			    " certificate, and imap_tls_name a name in it"
			    " (Zimbra: /opt/zimbra/conf/ca/ca.pem)",
			    c->imap_host, c->imap_port, cause);
		free(cause);
		return (-1);
	}
	doctor_say(d, c->imap_tls == TLS_NONE ? D_WARN : D_OK, "IMAP login",
	    "%s at %s:%d%s", c->imap_user, c->imap_host, c->imap_port,
	    c->imap_tls == TLS_NONE ? " without TLS: the password crosses"
	    " the network in clear (imap_tls)" : ", TLS verified with"
	    " imap_ca_file");
	if (imap_idles(d->im))
		doctor_say(d, D_OK, "IMAP IDLE", "offered: new mail is seen at"
		    " once");
	else
		doctor_say(d, D_WARN, "IMAP IDLE", "%s: new mail waits up to"
		    " %d s (imap_poll_interval)", c->imap_idle ? "the server"
		    " offers none" : "switched off by imap_idle",
		    c->imap_poll_interval);
	if (imap_select(d->im, c->imap_mailbox, &uv, &cause) == -1) {
		doctor_say(d, D_FAIL, "IMAP", "%s %s: %s", c->imap_mailbox,
		    "cannot be selected", cause);
		free(cause);
		return (-1);
	}
	return (0);
}

/* The test mail, written into the scratch spool; NULL on failure. */
static char *
doctor_build(struct doctor *d)
{
	const struct conf	*c = d->ctx->conf;
	struct mail_out		 mo = { 0 };
	char			*path, *mid, *cause = NULL;

	xasprintf(&mid, "doctor.%s@disposisi.invalid", d->nonce);
	mo.from_addr = c->robot_address;
	mo.from_name = c->robot_name;
	mo.to_addr = d->addr;
	mo.subject = "disposisi doctor";
	mo.text = "Surat uji dari `disposisi doctor`; robot mengabaikannya.";
	mo.message_id = mid;
	mo.doctor = d->nonce;
	path = spool_tmp_path(d->ctx->spool);
	if (mime_build(&mo, path, &cause) == -1) {
		doctor_say(d, D_FAIL, "test mail", "%s", cause);
		free(cause);
		free(path);
		path = NULL;
	}
	free(mid);
	return (path);
}

/* Which stage of the SMTP transaction refused, from libcurl's words. */
static void
doctor_smtp_refused(struct doctor *d, int rv, int code, const char *cause)
{
	const struct conf	*c = d->ctx->conf;

	if (strstr(cause, "RCPT failed") != NULL)
		doctor_say(d, D_FAIL, "plus-addressing", "the server refused"
		    " <%s>: %s: set the recipient delimiter '+' on the mail"
		    " server (Postfix: recipient_delimiter = +; Zimbra:"
		    " zmprov mcf zimbraMtaRecipientDelimiter +)", d->addr,
		    cause);
	else if (strstr(cause, "MAIL failed") != NULL)
		doctor_say(d, D_FAIL, "envelope sender", "the server refused"
		    " MAIL FROM: %s: let %s send as %s", cause, c->smtp_user,
		    c->robot_address);
	else if (code == 535 || strstr(cause, "Login denied") != NULL)
		doctor_say(d, D_FAIL, "SMTP login", "%s as %s: check"
		    " smtp_user and the password in smtp_password_file",
		    cause, c->smtp_user);
	else if (strstr(cause, "SSL") != NULL || strstr(cause, "certificate")
	    != NULL)
		doctor_say(d, D_FAIL, "CA", "SMTP %s:%d: %s: smtp_ca_file must"
		    " hold the CA that signed the server's certificate",
		    c->smtp_host, c->smtp_port, cause);
	else
		doctor_say(d, D_FAIL, "SMTP", "%s:%d: %s%s", c->smtp_host,
		    c->smtp_port, cause, rv == SMTP_DOWN ? ": check smtp_host"
		    " and smtp_port, that the server runs and that no"
		    " firewall is between" : "");
}

/* The envelope sender the outbox uses (robot+bounce-N@), refused. */
static void
doctor_sender_refused(struct doctor *d, const char *cause)
{
	doctor_say(d, D_FAIL, "envelope sender", "the server refused <%s>"
	    " as envelope sender (%s) but took the robot's plain address:"
	    " let %s send from its plus addresses, which the robot uses to"
	    " match bounces (Postfix: smtpd_sender_login_maps; Zimbra:"
	    " the recipient delimiter '+' makes tte+x@ count as tte@)",
	    d->addr, cause, d->ctx->conf->smtp_user);
}

/*
 * Sends the test mail; 0 when the server took it. A refusal at RCPT may
 * be the sender's (Postfix delays its sender checks to RCPT): then the
 * same mail from the robot's plain address tells the two apart.
 */
static int
doctor_send(struct doctor *d)
{
	static volatile int	 never;
	const struct conf	*c = d->ctx->conf;
	struct smtp		*sm;
	char			*path, *cause = NULL, *cause2 = NULL;
	int			 rv, code, sender_bad = 0;

	if ((path = doctor_build(d)) == NULL)
		return (-1);
	if (smtp_init() == -1)
		fatalx("curl_global_init failed");
	sm = smtp_open(&never);
	rv = smtp_send(sm, c, d->addr, d->addr, path, &code, &cause);
	if (rv != SMTP_OK && c->reply_plus_address &&
	    strstr(cause, "RCPT failed") != NULL &&
	    (rv = smtp_send(sm, c, c->robot_address, d->addr, path, &code,
	    &cause2)) == SMTP_OK) {
		doctor_sender_refused(d, cause);
		sender_bad = 1;
	}
	smtp_close(sm);
	unlink(path);
	free(path);
	if (rv != SMTP_OK)
		doctor_smtp_refused(d, rv, code, cause2 ? cause2 : cause);
	free(cause);
	free(cause2);
	if (rv != SMTP_OK)
		return (-1);
	doctor_say(d, D_OK, "SMTP login", "%s at %s:%d%s", c->smtp_user,
	    c->smtp_host, c->smtp_port, c->smtp_tls == TLS_NONE ? "" :
	    ", TLS verified with smtp_ca_file");
	if (!sender_bad)
		doctor_say(d, D_OK, "envelope sender", "<%s> accepted",
		    d->addr);
	return (0);
}

/*
 * Looks for the test mail in folder: fetched, parsed and, in the INBOX,
 * moved to the processed folder. 1 found, 0 not (yet), -1 broken.
 */
static int
doctor_find(struct doctor *d, const char *folder, char **cause)
{
	const struct conf	*c = d->ctx->conf;
	uint32_t		*uids, uv;
	size_t			 n, size;
	char			*path;
	int			 rv = 0;

	if (imap_select(d->im, folder, &uv, cause) == -1 ||
	    imap_search_header(d->im, "X-Disposisi-Doctor", d->nonce, &uids,
	    &n, cause) == -1)
		return (-1);
	if (n > 0) {
		path = spool_tmp_path(d->ctx->spool);
		if (imap_fetch(d->im, uids[0], path, c->max_message_size,
		    &size, cause) != FETCH_OK ||
		    parse_message(c, d->ctx->spool, path, &d->m, cause) != 0)
			rv = -1;
		else if (strcmp(folder, c->imap_mailbox) == 0 &&
		    imap_archive(d->im, uids, n, c->imap_processed, cause) != 0)
			rv = -1;
		else
			rv = 1;
		unlink(path);
		free(path);
	}
	free(uids);
	return (rv);
}

/* Waits for the test mail, in the INBOX or where a robot filed it. */
static void
doctor_arrival(struct doctor *d)
{
	const struct conf	*c = d->ctx->conf;
	time_t			 t0 = clock_mono(), left;
	char			*cause = NULL;
	int			 r;

	while ((r = doctor_find(d, c->imap_mailbox, &cause)) == 0) {
		if (setup_robot_pid(c) != 0 &&
		    (r = doctor_find(d, c->imap_processed, &cause)) != 0)
			break;
		if ((left = DOCTOR_WAIT - (clock_mono() - t0)) <= 0)
			break;
		if ((r = imap_select(d->im, c->imap_mailbox, &(uint32_t){ 0 },
		    &cause)) == 0)
			r = imap_wait(d->im, left < 5 ? (int)left : 5, -1,
			    &cause);
		if (r == -1)
			break;
	}
	if (r == 1)
		doctor_say(d, D_OK, "plus-addressing", "mail to <%s> arrived"
		    " in %lld s", d->addr, (long long)(clock_mono() - t0));
	else if (r == 0)
		doctor_say(d, D_FAIL, "plus-addressing", "mail to <%s> did not"
		    " arrive within %d s: set the recipient delimiter '+' on"
		    " the mail server (Zimbra: zmprov mcf"
		    " zimbraMtaRecipientDelimiter +) and see its log",
		    d->addr, DOCTOR_WAIT);
	else
		doctor_say(d, D_FAIL, "plus-addressing", "while waiting for"
		    " the test mail: %s", cause);
	free(cause);
}

/* The trusted MTA's Authentication-Results on the test mail. */
static void
doctor_authres(struct doctor *d)
{
	const struct conf	*c = d->ctx->conf;
	char			*why = NULL;

	if (c->auth_serv_id == NULL) {
		doctor_say(d, D_WARN, "Authentication-Results", "auth_serv_id"
		    " is not set: a forged From is taken as written (see"
		    " disposisi check); set it to the authserv-id your MTA"
		    " writes%s%s", d->m->nauth > 0 ? ", e.g. the test mail's: "
		    : "", d->m->nauth > 0 ? d->m->auth[0] : "");
		return;
	}
	if (!auth_seen(c, d->m)) {
		doctor_say(d, D_FAIL, "Authentication-Results", "none from %s"
		    " on the test mail (%s%s): every mail would be taken as"
		    " unauthenticated; have the MTA verify DKIM/DMARC and"
		    " write Authentication-Results, or set auth_serv_id to"
		    " the id it writes", c->auth_serv_id, d->m->nauth > 0 ?
		    "it had: " : "it had none", d->m->nauth > 0 ?
		    d->m->auth[0] : "");
		return;
	}
	auth_verdict(c, d->m, &why);
	doctor_say(d, D_OK, "Authentication-Results", "%s wrote one on the"
	    " test mail (%s)", c->auth_serv_id, why);
	free(why);
}

/* This machine's clock against the mail server's, in its Received line. */
static void
doctor_clock(struct doctor *d)
{
	const char	*semi;
	time_t		 t = 0;
	long long	 skew;

	if (d->m->nreceived > 0 && (semi = strrchr(d->m->received[0], ';'))
	    != NULL)
		t = mime_header_date(semi + 1);
	if (t == 0) {
		doctor_say(d, D_WARN, "clock", "the test mail has no dated"
		    " Received line to compare with");
		return;
	}
	/* The machine's own clock: clock_now() may carry a test's offset. */
	skew = (long long)(time(NULL) - t);
	if (skew > DOCTOR_SKEW || skew < -DOCTOR_SKEW)
		doctor_say(d, D_FAIL, "clock", "%lld s %s the mail server's:"
		    " deadlines and office hours would be off; keep the"
		    " clock synchronised (systemd-timesyncd or chrony)",
		    skew < 0 ? -skew : skew, skew < 0 ? "behind" : "ahead of");
	else
		doctor_say(d, D_OK, "clock", "within %lld s of the mail"
		    " server's; office time is %s", skew < 0 ? -skew : skew,
		    clock_zone_name());
}

/* The checks through the mail servers, each needing the one before. */
static void
doctor_mail(struct doctor *d)
{
	const struct conf	*c = d->ctx->conf;
	const char		*at = strchr(c->robot_address, '@');

	crypto_random_hex(d->nonce, sizeof d->nonce);
	if (c->reply_plus_address)
		snprintf(d->addr, sizeof d->addr, "%.*s+doctor-%s%s", (int)(at -
		    c->robot_address), c->robot_address, d->nonce, at);
	else
		snprintf(d->addr, sizeof d->addr, "%s", c->robot_address);
	if (doctor_imap(d) == -1 || doctor_send(d) == -1) {
		doctor_say(d, D_SKIP, "test mail", "not sent: plus-addressing,"
		    " Authentication-Results and the clock not checked");
		return;
	}
	doctor_arrival(d);
	if (d->m == NULL) {
		doctor_say(d, D_SKIP, "test mail", "not read:"
		    " Authentication-Results and the clock not checked");
		return;
	}
	doctor_authres(d);
	doctor_clock(d);
}

static int
cmd_doctor(const struct cmd_entry *self, struct ctx *ctx, struct args *a)
{
	struct doctor	 d = { .ctx = ctx };
	struct rules	*r;
	char		*cause = NULL;

	(void)self;
	doctor_say(&d, D_OK, "config", "%s loaded", args_get(a, 'f'));
	if ((r = setup_rules(ctx, &cause)) == NULL) {
		doctor_say(&d, D_FAIL, "rules", "%s", cause);
		free(cause);
	} else {
		setup_rules_use(ctx, r);
		doctor_say(&d, D_OK, "rules", "%s and %s load (version %s)",
		    ctx->conf->rules_dir, ctx->conf->templates_dir, r->version);
		doctor_holidays(&d);
	}
	doctor_modes(&d);
	doctor_parser(&d);
	doctor_mail(&d);
	mime_free(d.m);
	imap_close(d.im);
	printf("%s: %d ok, %d warnings, %d failed%s\n", d.n[D_FAIL] ?
	    "FAILED" : "PASSED", d.n[D_OK], d.n[D_WARN], d.n[D_FAIL],
	    d.n[D_SKIP] ? ", some not checked" : "");
	return (d.n[D_FAIL] ? 1 : 0);
}

const struct cmd_entry cmd_doctor_entry = {
	.name = "doctor",
	.usage = "-f FILE",
	.args = { "f:", 0, 0, NULL },
	.needs = CMD_CONF | CMD_SCRATCH,
	.exec = cmd_doctor
};
