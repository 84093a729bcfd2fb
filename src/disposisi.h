/* SPDX-License-Identifier: ISC */
/*
 * disposisi: shared types and the API of each module, grouped by file.
 * No third-party header is included here: each library has one home
 * (imap.c libetpan, mime.c GMime, store.c SQLite, re.c PCRE2, smtp.c
 * libcurl, crypto.c OpenSSL, cmd-run.c libsystemd) and the rest see
 * opaque structs.
 *
 * Three families have their own header, included below at their place
 * (each needs the types before it), so every file includes this one alone:
 *   rules.h	the rules' types (rules, role, delegate, calendar, doctype,
 *		notice, step, sop...), their look-ups, the office calendar
 *   store.h	the store's public API (store.c, store-*.c), its row structs
 *   cmd.h	the command table's types (cmd_entry, args, CMD_*), every
 *		command entry, show_* and setup_*
 *
 * Error idiom: a function that can fail on bad input or a remote peer
 * returns -1 (or NULL) and sets *cause to a string the caller frees.
 */
#ifndef DISPOSISI_H
#define DISPOSISI_H

#include <sys/types.h>

#include <getopt.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "log.h"
#include "xmalloc.h"
#include "reply.h"
#include "sniff.h"

#define DISPOSISI_VERSION	"0.1"
#define EX_CONFIG_STATUS	78	/* sysexits.h EX_CONFIG */
#define EX_TEMPFAIL_STATUS	75	/* sysexits.h EX_TEMPFAIL */
/* The config when -f is not given; the Makefile sets it from SYSCONFDIR. */
#ifndef CONF_PATH
#define CONF_PATH	"/etc/disposisi/disposisi.conf"
#endif
#define IMAP_KEYWORD		"$Disposisi"
#define TOKEN_LEN		20	/* hex digits of a reply token */

enum tls_mode {
	TLS_IMPLICIT,
	TLS_STARTTLS,
	TLS_NONE
};

/* conf.c */
struct net {			/* an IPv4 or IPv6 network */
	int		 family;	/* AF_INET, AF_INET6 */
	unsigned char	 addr[16];
	int		 bits;
};
int		 net_match(const struct net *, size_t, const char *);
struct conf {
	char		*path;

	char		*imap_host;
	int		 imap_port;
	enum tls_mode	 imap_tls;
	char		*imap_tls_name;		/* name to verify, default host */
	char		*imap_user;
	char		*imap_password;
	char		*imap_ca_file;
	int		 imap_allow_plaintext;
	char		*imap_mailbox;
	char		*imap_processed;
	char		*imap_quarantine;
	char		*imap_held;		/* mail over a limit, for the admin */
	int		 imap_idle;		/* use IDLE when offered */
	int		 imap_fetch_ahead;	/* a second session for a backlog */
	int		 imap_idle_timeout;	/* seconds, <= 600 */
	int		 imap_session_max;	/* seconds before a fresh login */
	int		 imap_retry_max;	/* seconds, reconnect backoff cap */
	int		 imap_poll_interval;	/* seconds, servers without IDLE */
	int		 imap_timeout;		/* seconds per network read */
	int		 imap_batch_max;	/* messages per transaction */

	char		*smtp_host;
	int		 smtp_port;
	enum tls_mode	 smtp_tls;
	char		*smtp_user;
	char		*smtp_password;
	char		*smtp_ca_file;
	int		 smtp_allow_plaintext;
	int		 smtp_retry_min;	/* seconds, first retry */
	int		 smtp_retry_max;	/* seconds, backoff cap */
	int		 smtp_timeout;
	int		 smtp_idle_max;	/* seconds a session is kept idle */

	char		*robot_address;
	char		*robot_name;
	int		 reply_plus_address;	/* tokens in robot+tok@ */
	char		*admin_address;
	char		*auth_serv_id;		/* trusted A-R id, or NULL */
	int		 auth_require_internal;	/* office mail needs a pass too */
	char		*auth_received;		/* text of an authenticated hop */
	struct net	*relays;		/* internal_relays: trusted hops */
	size_t		 nrelays;
	char		*spam_headers;		/* the MTA's spam verdicts */

	char		*database;
	char		*spool_dir;
	char		*rules_dir;
	char		*templates_dir;
	char		*hmac_secret_file;
	unsigned char	*hmac_secret;
	size_t		 hmac_secret_len;

	size_t		 max_message_size;
	size_t		 max_attachments;	/* bytes of scans per mail */
	int		 header_max_line;	/* limits before parsing */
	int		 header_max_size;
	int		 mime_max_depth;
	int		 mime_max_parts;
	char		*parse_user;		/* the parser child's, if root */
	int		 parse_timeout;		/* seconds per message */
	int		 parse_memory_max;	/* MiB of address space */
	int		 parse_unconfined;	/* run without Landlock: said so */
	char		*seal_checkpoint;	/* the audit trail's end, or NULL */
	int		 limit_sender_cases;	/* new cases an hour; 0: none */
	int		 limit_sender_mails;	/* mails an hour from one sender */
	int		 limit_cases;		/* new cases an hour, everyone's */
	int		 limit_mails;		/* mails an hour, everyone's */
	int		 retention_days;	/* files kept after close; 0: ever */
	char		*metrics_file;		/* node-exporter's, or NULL */
	int		 backup_keep;		/* backups kept by backup */
	int		 log_level;
	int		 log_syslog;
};
struct conf	*conf_load(const char *, char **);
struct conf	*conf_load_lenient(const char *, char **);
void		 conf_free(struct conf *);
int		 conf_load_secret(struct conf *, char **);
const char	*conf_domain(const struct conf *);

/* caseref.c */
#define CASE_PREFIX_MAX	10
#define CASE_REF_MAX	(CASE_PREFIX_MAX + 16)	/* PFX-YYYY-NNNNNNNNN */
int		 case_ref_find(const char *, char *);
const char	*case_ref_next(const char *, char *);
int		 case_ref_valid(const char *);

/* clock.c */
void		 clock_init(void);
void		 clock_set(time_t);
time_t		 clock_now(void);
struct clock_mark {
	int	 set;
	time_t	 wall, mono;
};
time_t		 clock_mono(void);
time_t		 clock_jump(struct clock_mark *, time_t, time_t);
#define CLOCK_ZONE_DEFAULT	(7 * 60)	/* WIB, minutes east of UTC */
void		 clock_zone_set(int);
int		 clock_zone(void);
const char	*clock_zone_name(void);
int		 clock_zone_parse(const char *, int *);
void		 clock_local(time_t, struct tm *);
time_t		 clock_unlocal(struct tm *);
time_t		 clock_add_months(time_t, int);
int		 clock_days(time_t, time_t);
#define CLOCK_TIME	0
#define CLOCK_DATE	1
#define CLOCK_ISO	2	/* the admin's: 2026-12-31 23:30 WIB */
void		 clock_format(time_t, int, char *, size_t);

/* util.c */
char		*util_lower(const char *);
char		*util_trim(char *);
char		*util_inert(const char *);
int		 util_addr_eq(const char *, const char *);
char		*util_read_file(const char *, size_t, size_t *, char **);
int		 util_write_file(const char *, const void *, size_t, int, char **);
int		 util_copy_file(const char *, const char *, int, char **);
int		 util_mkdirs(const char *, int, char **);
void		 util_rmtree(const char *);
int		 util_empty_dir(const char *);
char		*util_path(const char *, const char *);
void		 util_json_str(FILE *, const char *);
void		 util_json_key(const char *, const char *, int);

/* crypto.c */
#define SHA256_HEX_LEN	64
int		 crypto_sha256_file(const char *, char *, char **);
void		 crypto_sha256(const void *, size_t, char *);
void		 crypto_token(const unsigned char *, size_t, const char *,
		     char *, size_t);
int		 crypto_token_eq(const char *, const char *);
int		 crypto_random_bytes(unsigned char *, size_t);
void		 crypto_random_hex(char *, size_t);
int		 crypto_verify_chain(const unsigned char **, const size_t *,
		     size_t, const char *, const char *, char **);

/* spool.c */
struct spool;
struct spool	*spool_open(const char *, char **);
void		 spool_scratch(struct spool *);
void		 spool_defer(struct spool *, int);
int		 spool_sync(struct spool *, char **);
void		 spool_close(struct spool *);
void		 spool_clean(struct spool *);
char		*spool_tmp_path(struct spool *);
char		*spool_fresh_path(struct spool *, const char *);
/* Moves a finished temp file into dir "kind"; *sha_r gets its SHA-256. */
char		*spool_commit(struct spool *, const char *, const char *,
		     char *, char **);
char		*spool_path(struct spool *, const char *, const char *);

/* imap.c */
struct imap;
struct imap	*imap_connect(const struct conf *, char **);
void		 imap_close(struct imap *);
int		 imap_ensure_folder(struct imap *, const char *, char **);
int		 imap_select(struct imap *, const char *, uint32_t *, char **);
int		 imap_examine(struct imap *, const char *, uint32_t *, char **);
void		 imap_cut(struct imap *);
int		 imap_search_new(struct imap *, uint32_t, uint32_t **, size_t *,
		     char **);
int		 imap_search_header(struct imap *, const char *, const char *,
		     uint32_t **, size_t *, char **);
int		 imap_idles(const struct imap *);
/* What came of fetching one message; only FETCH_BROKEN ends the session. */
enum fetch_result {
	FETCH_OK,		/* in the file */
	FETCH_TOO_LARGE,	/* over the limit: not fetched */
	FETCH_GONE,		/* expunged by someone else meanwhile */
	FETCH_REFUSED,		/* the server said NO: maybe for a moment */
	FETCH_NOSPACE,		/* not stored here (a full disk): our fault */
	FETCH_BROKEN		/* the session broke */
};
enum fetch_result imap_fetch(struct imap *, uint32_t, const char *, size_t,
		     size_t *, char **);
int		 imap_archive(struct imap *, const uint32_t *, size_t,
		     const char *, char **);
int		 imap_wait(struct imap *, int, int, char **);
time_t		 imap_age(const struct imap *);

/* intake-ahead.c */
struct ahead;
struct ahead	*ahead_start(const struct conf *, struct spool *, uint32_t,
		     const uint32_t *, size_t);
enum fetch_result ahead_take(struct ahead *, uint32_t, volatile int *,
		     char **, size_t *);
int		 ahead_stop(struct ahead *);

/* mime.c */
/*
 * What a file reads as, found by the confined parser child: a PDF's text
 * layer (poppler), or OCR (Tesseract) of an image or an image-only page.
 * Held in memory only, never stored nor logged: a KTP carries the NIK.
 */
enum text_source {
	TEXT_NONE,			/* not read (type, cap, or nothing) */
	TEXT_PDF,			/* the PDF's own text layer */
	TEXT_OCR			/* recognised from pixels */
};
struct attachment {
	char		*filename;	/* sanitised, never a path */
	char		*content_type;
	char		*path;		/* in the spool */
	char		 sha256[SHA256_HEX_LEN + 1];
	size_t		 size;
	int		 inline_cid;	/* inline, with a Content-ID */
	char		*text;		/* UTF-8, NULL when not read */
	enum text_source text_from;
	int		 pages;		/* pages read, 0 when not read */
};
struct msg {
	char		*path;		/* the raw message in the spool */
	char		*message_id;	/* without <> */
	char		*from_addr;	/* lower case */
	char		*from_name;
	char		*subject;
	char		*in_reply_to;
	char		**refs;		/* References + In-Reply-To ids */
	size_t		 nrefs;
	char		**rcpts;	/* To, Cc, Delivered-To, X-Original-To */
	size_t		 nrcpts;
	char		*content_type;	/* of the top part, lower case */
	char		*report_mid;	/* a read receipt's Original-Message-ID */
	char		*auto_submitted;
	char		*return_path;
	char		*precedence;
	char		*list_id;	/* List-Id or List-Unsubscribe */
	char		*x_autoreply;	/* X-Autoreply or X-Autorespond */
	/* Read by the robot itself from the raw message (screen_headers). */
	char		**auth;		/* Authentication-Results, top first */
	size_t		 nauth;
	char		**received;	/* Received, top first */
	size_t		 nreceived;
	char		**spam;		/* "Name: value", the topmost of each */
	size_t		 nspam;		/*   of spam_headers */
	char		*text;		/* new text as UTF-8 (html converted) */
	struct attachment *att;
	size_t		 natt;
	time_t		 date;
};
struct mail_out {
	const char	*from_addr;
	const char	*from_name;
	const char	*to_addr;
	const char	*to_name;
	const char	*reply_to;
	const char	*subject;
	const char	*text;
	const char	*message_id;	/* without <> */
	const char	*in_reply_to;	/* without <> */
	const struct attachment *att;
	size_t		 natt;
	const char	*doctor;	/* X-Disposisi-Doctor: doctor's test */
	const char	*marked;	/* the text, marked (template.c), or NULL */
	const struct tvar *vars;	/* what the marks stand for */
	size_t		 nvars;
};
void		 mime_init(void);
void		 mime_shutdown(void);
int		 mime_parse(int, struct spool *, const struct conf *,
		     struct msg **, char **);
void		 mime_free(struct msg *);
int		 mime_build(const struct mail_out *, const char *, char **);
/* mime-html.c: the HTML part of the robot's mail. */
char		*mime_html(const struct mail_out *);
int		 mime_utf8_valid(const char *, size_t);
time_t		 mime_header_date(const char *);

/* pdf.c, ocr.c: in the parser child only (struct timespec: a deadline) */
struct timespec;
char		*pdf_text(const char *, int, const struct timespec *,
		     enum text_source *, int *);
char		*ocr_image(const char *, const struct timespec *);
void		 ocr_warm(void);
char		*ocr_grey(const unsigned char *, int, int, int,
		     const struct timespec *);

/* screen.c */
int		 screen_raw(const struct conf *, int, char **);
struct hdr_list {
	char		**v;
	size_t		 n;
};
int		 screen_headers(const struct conf *, const char *,
		     const char *const *, size_t, struct hdr_list *);
int		 screen_trusted(const struct conf *, struct msg *);

/* parse.c */
#define PARSE_ARGV0	"disposisi-parser"
int		 parse_message(const struct conf *, struct spool *, const char *,
		     struct msg **, char **);
int		 parse_child(int, char **);
int		 parse_selftest(const struct conf *, struct spool *, char **);
void		 parse_stop(void);

/* jail.c */
struct jail {
	const char	*user;		/* become this user if root */
	long		 cpu_seconds;
	size_t		 file_max;	/* bytes per file written */
	size_t		 memory_max;	/* bytes of address space */
};
int		 jail_parser(const struct jail *, int, char **);
int		 jail_child(const struct jail *, int, char **);
void		 jail_ids(const struct jail *, uid_t *, gid_t *);
int		 jail_landlock_abi(void);

/* auth.c */
enum auth_verdict {
	AUTH_NONE,
	AUTH_PASS,
	AUTH_FAIL
};
/* What the trusted MTA said for the From domain; *why: caller frees. */
enum auth_verdict auth_verdict(const struct conf *, const struct msg *,
		     char **);
int		 auth_seen(const struct conf *, const struct msg *);
/* 1 = may act, 0 = must not, with *why (caller frees) set. */
int		 auth_check(const struct conf *, const struct msg *, char **);
enum gate_verdict {
	GATE_ACT,		/* handled as its kind says */
	GATE_CONFIRM,		/* the case tag alone: confirmed first */
	GATE_REFUSE,		/* not authenticated: recorded, no answer */
	GATE_SPAM		/* the MTA's spam verdict: no answer */
};
struct gate {
	enum gate_verdict verdict;
	char		*why;		/* NULL for GATE_ACT; caller frees */
	size_t		 forged;	/* A-R with the trusted id, not first */
};
struct reading;
void		 auth_gate(const struct conf *, const struct msg *,
		     const struct reading *, struct gate *);

#include "rules.h"

/* report*.c: the Head's report of the cases opened in a period. */
struct ctx;
struct report_period {
	time_t		 from, to;	/* cases opened in [from, to) */
	char		 label[64];	/* "November 2026", "sejak ..." */
	char		 month[32];	/* "2026-11" for a month, else "" */
};
int		 report_period_month(const char *, struct report_period *);
int		 report_period_since(const char *, struct report_period *);
void		 report_period_before(time_t, struct report_period *);
int		 report_write(FILE *, struct ctx *, const struct report_period *);
char		*report_summary(struct ctx *, const struct report_period *);
/* report-mail.c: the month's report to the rules' role, once a month. */
int		 report_monthly(struct ctx *, time_t, char **);

/* timer.c: reminders and escalations, checked every minute. */
struct ctx;
int		 timer_run(struct ctx *);
int		 timer_past(const struct step *, long, int);

/* decide.c: the engine, (SOP, case, event, now) -> effects, no I/O. */
enum case_state {
	CASE_WAIT_DOCS,		/* documents missing: the applicant's turn */
	CASE_OPEN,		/* at a step: its actor's turn */
	CASE_RETURNED,		/* a T sent it back to the applicant */
	CASE_DONE,		/* the SOP's end: certificate issued */
	CASE_REJECTED,		/* stopped by a T */
	CASE_CANCELLED		/* cancelled by the admin */
};
const char	*case_state_name(enum case_state);
int		 case_state_parse(const char *, enum case_state *);
int		 case_state_closed(enum case_state);

/* retention.c: a closed case's files removed after a time (UU 27/2022). */
struct retention_case {
	int64_t		 id;
	char		*ref;
	enum case_state	 state;
	time_t		 closed_at;
	time_t		 expires_at;	/* the certificate's end, or 0 */
	int64_t		 files;		/* file rows it holds now */
	int64_t		 purged;	/* file rows at its purge; -1: none */
	int64_t		 queued;	/* its mail not sent yet */
};
struct retention_count {
	size_t		 cases;		/* purged (or due, in a dry run) */
	size_t		 removed[3];	/* mail in, documents, mail out */
	long long	 bytes;
	size_t		 kept;		/* held by a case not yet due */
	size_t		 gone;		/* already missing */
	size_t		 left;		/* cases left for the next run */
};
/* When a case's files are due for removal; 0: not while so. */
time_t		 retention_until(const struct retention_case *, int);
int		 retention_due(const struct retention_case *, int, time_t);
/* May a file its holders share go? Only when every one is past keeping. */
int		 retention_free(const struct retention_case *, size_t, int,
		     time_t);
int		 retention_run(struct ctx *, int, FILE *,
		     struct retention_count *);
void		 retention_daily(struct ctx *);

/* What decide() knows of a case (none yet for a new application). */
struct case_view {
	const char	*ref;
	enum case_state	 state;
	const char	*step;		/* the step's name */
	int		 round;		/* how often the step was entered */
	const char	*applicant;
	const char	**docs;		/* document kinds the case holds */
	size_t		 ndocs;
	const char	**yes_from;	/* quorum: who said Y this round */
	size_t		 nyes;
	int		 has_step_doc;	/* the step's document came this round */
	const char	**notices;	/* events of AMS notices recorded early, */
	size_t		 nnotices;	/*   not yet used, oldest first */
};
enum event_type {
	EV_APPLICATION,		/* a new application */
	EV_APPLICANT_MAIL,	/* the applicant writes about the case */
	EV_ANSWER,		/* an actor answers a dispatch */
	EV_NOTICE		/* an AMS notice matched to the case */
};
struct event {
	enum event_type	 type;
	const char	*from;
	const char	**docs;		/* kinds of the mail's documents */
	size_t		 ndocs;
	int		 verdict;	/* EV_ANSWER: REPLY_* of reply.h */
	const char	*reason;
	const char	*value;
	const char	*step;		/* EV_ANSWER: the dispatch's step */
	int		 round;		/*   and round */
	int		 answered;	/*   already answered */
	int		 may_ask;	/* under the daily limit of questions */
	const struct notice *notice;	/* EV_NOTICE */
};
enum effect_type {
	FX_ENTER,		/* the case enters a state at a step */
	FX_DISPATCH,		/* the step's actors get its mail */
	FX_ANSWER,		/* the answer is recorded on its dispatch */
	FX_DOCS,		/* the mail's documents join the case */
	FX_VALUE,		/* the step's value is recorded */
	FX_APPLICANT,		/* mail to the applicant (tmpl) */
	FX_SENDER,		/* mail back to the sender (tmpl) */
	FX_RELAY,		/* the notice relayed to the applicant */
	FX_EXPIRES,		/* the certificate's end: now + months */
	FX_ADMIN,		/* the admin is told (tmpl) */
	FX_RECORD,		/* the notice kept on the case for later */
	FX_SETTLE,		/* a notice settles step (arg: its event) */
	FX_PROVED		/* a notice proves step done (arg); the */
				/*   waiting officials told (tmpl) */
};
struct effect {
	enum effect_type type;
	enum case_state	 state;		/* FX_ENTER */
	const struct step *step;	/* FX_ENTER, FX_DISPATCH, FX_VALUE */
	const char	*tmpl;		/* FX_APPLICANT, FX_SENDER, ... */
	const char	*arg;		/* FX_VALUE: the value */
	int		 months;	/* FX_EXPIRES */
	int		 recorded;	/* FX_SETTLE: a notice recorded before */
};
#define DECIDE_MAXFX	24
struct decide {
	const struct rules *rules;
	const struct sop *sop;
	const struct case_view *c;
	const struct event *ev;
	time_t		 now;

	struct effect	 fx[DECIDE_MAXFX];
	size_t		 nfx;
	const char	*missing[16];	/* kinds still missing, for mails */
	size_t		 nmissing;
	char		 note[256];	/* why, one English sentence */
	const char	*rule;		/* "file:line" that decided */
	char		 value[256];	/* storage for FX_VALUE's argument */
	unsigned	 used_on;	/* c->notices (bit i) and this notice */
	unsigned	 used_prove;	/*   (bit 31) used by an "on", a proof */
};
void		 decide(struct decide *);
/* Can a case at this state and step use the notice, now or later? */
int		 decide_notice_usable(const struct sop *, enum case_state,
		     const char *, const struct notice *);
void		 decide_decided(struct decide *, const struct step *);
void		 decide_dispatch(struct decide *, const struct step *);
int		 decide_mail_has(const struct decide *, const char *);
int		 decide_lacks_document(struct decide *, const struct step *);
void		 decide_docs(struct decide *, const char *);
void		 decide_fx(struct decide *, enum effect_type, const char *);
void		 decide_goto(struct decide *, const struct step *,
		     const struct target *);
void		 decide_enter(struct decide *, const struct step *);
void		 decide_note(struct decide *, const char *, const char *, ...)
		     __attribute__((format(printf, 3, 4)));

/* step-*.c: one file per step kind, listed in rules.c's table. */
struct step_kind {
	const char	*name;
	/* Checks what the grammar cannot; -1 and *cause on a mistake. */
	int		(*check)(const struct sop *, const struct step *,
			    char **);
	/* Entered: mail the actors, or wait for a notice. */
	void		(*enter)(struct decide *, const struct step *);
	/* An actor's clear Y or T (with its reason); with any_reply, any
	 * current reply, clear or not (a reply that decides nothing). */
	void		(*answer)(struct decide *, const struct step *);
	int		 any_reply;
};
extern const struct step_kind step_decision, step_quorum, step_value,
		    step_document, step_notice;

/* template.c */
struct tvar {
	const char	*name;
	const char	*value;
};
#define TMARK_OPEN	'\001'	/* a marked body's variable: open, index, */
#define TMARK_CLOSE	'\002'	/* close */
int		 template_render(const char *, const char *, const struct tvar *,
		     size_t, char **, char **, char **, char **);

#include "store.h"

/* health.c: what needs a person, for status and the metrics. */
struct health_item {
	const char	*what;		/* its kind: a JSON key, stable */
	char		*text;		/* one line, for the admin */
};
struct health {
	time_t			 now;
	struct health_counts	 c;
	struct open_step_row	*steps;	/* the open cases by SOP, step */
	size_t			 nsteps;
	long			 oldest; /* office minutes, longest wait */
	int			 overdue; /* steps past their escalation */
	int			 holidays_gap; /* a year without, or 0 */
	struct health_item	*items;	/* the attention list */
	size_t			 nitems;
};
#define HEALTH_QUARANTINE_AGE	(24 * 3600)	/* quarantine looked at */
#define HEALTH_IMAP_STALE	(15 * 60)	/* mailbox unread, seconds */
#define HEALTH_OUTBOX_STALE	(60 * 60)	/* mail waiting to go out */
int		 health_read(struct ctx *, struct health *);
void		 health_free(struct health *);
void		 health_json(const struct health *, FILE *);
/* metrics.c: the node-exporter textfile; the daemon's turn. */
int		 metrics_write(const struct ctx *, const struct health *,
		     char **);
void		 metrics_turn(struct ctx *, int);

/* smtp.c */
#define SMTP_OK		0
#define SMTP_TEMPFAIL	1
#define SMTP_PERMFAIL	2
#define SMTP_DOWN	3	/* no server answered: the server's, not the mail's */
#define SMTP_STOPPED	4	/* cut short by the stop flag */
struct smtp;
int		 smtp_init(void);
struct smtp	*smtp_open(volatile int *);
void		 smtp_close(struct smtp *);
time_t		 smtp_idle(const struct smtp *);
int		 smtp_send(struct smtp *, const struct conf *, const char *,
		     const char *, const char *, int *, char **);

/* queue.c: a mail into the outbox, in the caller's transaction. */
struct ctx;
int		 queue_add(struct ctx *, int64_t, const char *,
		     const struct mail_out *, char **);

/* outbox.c: the sender. */
/*
 * Writes the report of a row refused for good, in the transaction that
 * marks it failed (the daemon's: letter_undelivered).
 */
typedef void	(*outbox_refused_fn)(struct ctx *, const struct outbox_row *,
		     int, const char *);
int		 outbox_drain(struct ctx *, outbox_refused_fn);
void		 outbox_return_path(const struct conf *, int64_t, char *, size_t);
/* The outbox row a VERP address robot+bounce-ID@ names, or 0. */
int64_t		 outbox_bounced(const struct conf *, const char *);
int		 outbox_wait_seconds(struct ctx *, int);
void		 outbox_idle(struct ctx *);
void		 outbox_close(struct ctx *);

/* document.c: an application's files, judged by content and rules. */
enum doc_verdict {
	DOC_KIND,		/* a document of a kind the rules know */
	DOC_OTHER,		/* a document no name pattern matched */
	DOC_REFUSED,		/* an archive, winmail.dat, a wrong type, too big */
	DOC_SIGNATURE,		/* a small inline image: a mail signature */
	DOC_DANGEROUS		/* a program or script: never forwarded */
};
/* Which evidence gave a file its kind. */
enum doc_evidence {
	EVID_NONE,		/* no kind */
	EVID_NAME,		/* the file's name */
	EVID_TEXT,		/* the PDF's text layer */
	EVID_OCR,		/* text recognised from pixels */
	EVID_STEP,		/* the only file of a Y at a document step */
	EVID_APPLICANT		/* the applicant's own line "ktp: FILE" */
};
#define DOC_MAX_KINDS	8	/* kinds one file (a bundle PDF) may hold */
struct doc_class {
	const struct attachment *a;
	enum doc_verdict verdict;
	const char	*kind;		/* DOC_KIND: the doctype's name */
	const char	*type;		/* sniffed from the bytes */
	char		*why;		/* DOC_REFUSED, DOC_DANGEROUS */
	enum doc_evidence evidence;
	const char	*const *matched; /* into the rules: the words or */
	size_t		 nmatched;	/*   the name pattern that decided */
	const char	*overruled;	/* the kind weaker evidence said */
	const char	*more[DOC_MAX_KINDS - 1]; /* a bundle's other kinds */
	size_t		 nmore;
	const char	*ambiguous[2];	/* two kinds tied: why none */
	ssize_t		 same_as;	/* identical to an earlier file, or -1 */
};
void		 document_classify(const struct rules *, const struct msg *,
		     struct doc_class **, size_t *);
void		 document_free(struct doc_class *, size_t);
const char	*document_verdict_name(enum doc_verdict);
const char	*document_evidence_name(enum doc_evidence);
/* Lower case, accents and OCR look-alikes folded, separators squeezed. */
char		*document_fold(const char *);
/* The kind a label ("KTP", "sk jabatan", "ktp") names, or NULL. */
const struct doctype *document_label(const struct rules *, const char *);
/* Takes the file as kind t if its type and size allow (0), else -1. */
int		 document_take_as(const struct doctype *, struct doc_class *,
		     enum doc_evidence);
/* Settles a name's tie when only one of its kinds is expected here. */
void		 document_expect(const struct rules *, struct doc_class *,
		     size_t, char *const *, size_t);
/* The applicant's "kind: FILE" lines of a text, in order. */
struct doc_said {
	const struct doctype *t;
	char		*filename;
};
size_t		 document_said(const struct rules *, const char *,
		     struct doc_said *, size_t);
void		 document_said_free(struct doc_said *, size_t);
/* A plausible NIK of a kind's text into out[17]: 0, else -1. */
int		 document_nik(const struct doctype *, const struct attachment *,
		     char *);
/* HMAC of a NIK under the robot's key into out[65]: what cases keep. */
void		 document_nik_hmac(const unsigned char *, size_t, const char *,
		     char *);
/* A file name for the history, a NIK-long run of digits hidden. */
char		*document_history_name(const char *);
/* "a.pdf: ktp (name); b.jpg: no kind": for the case's history. */
char		*document_history(const struct doc_class *, size_t);

/* notice.c: which AMS notice a mail is, and whose. */
struct notice_keys {
	char		*email;
	char		*nik;
	char		*name;
};
/* The notice all of whose patterns match, or NULL; *from_bsre says
 * whether the sender matched some notice's "from". */
const struct notice *notice_match(const struct rules *, const struct msg *,
		     struct notice_keys *, int *);
void		 notice_keys_clear(struct notice_keys *);

/* classify.c: what a message is, from the message and the rules alone. */
enum msg_kind {
	KIND_OWN,		/* the robot's own mail */
	KIND_LIST,		/* lists, newsletters, bulk: ignored */
	KIND_AUTOREPLY,		/* out-of-office and other auto-replies */
	KIND_BOUNCE,		/* delivery reports */
	KIND_RECEIPT,		/* read receipts (RFC 8098 MDN) */
	KIND_NOTICE,		/* BSrE's AMS */
	KIND_REPLY,		/* an official's answer (token or case tag) */
	KIND_FOLLOWUP,		/* other mail about a case (the applicant) */
	KIND_APPLICATION,	/* a new application */
	KIND_UNKNOWN		/* nobody we serve: no answer */
};
struct reading {
	enum msg_kind	 kind;
	char		*why;		/* one English sentence */
	const char	*rule;		/* "file:line" that decided, or NULL */
	const struct sop *sop;
	char		 ref[CASE_REF_MAX + 1];	/* from the mail, or "" */
	char		*token;		/* a dispatch token, or NULL */
	int		 keys_disagree;	/* token, tag and thread name */
					/* different cases */
	char		 ref_other[CASE_REF_MAX + 1];	/* and this one */
	const struct role *role;	/* the sender's, or NULL */
	struct reply	 reply;		/* REPLY: the answer read */
	struct doc_class *docs;
	size_t		 ndocs;
	const char	*dangerous;	/* why the mail is refused, or NULL */
	const char	*missing[16];	/* APPLICATION: required kinds absent */
	size_t		 nmissing;
	const struct notice *notice;
	struct notice_keys keys;
};
void		 classify_read(const struct ctx *, const struct msg *,
		     struct reading *);
void		 classify_clear(struct reading *);
/* explain's word for a reading: submission, command, notice, ... */
const char	*classify_kind_name(const struct reading *);

/* letter.c: the robot's mails, rendered and queued. */
struct letter {
	struct ctx	*ctx;
	const struct case_row *c;	/* NULL: mail about no case */
	const struct sop *sop;
	const struct step *step;	/* the step the mail is about */
	const struct step *next;	/* where the case went */
	const struct msg *m;		/* the mail answered, or NULL */
	const struct reading *rd;
	const char	*in_reply_to;
	const char	*to_title;	/* the recipient's title */
	const char	*reason;	/* a T's reason, when not rd's */
	const char	*value;
	const char	*doc_words;	/* the document a step needs */
	const char	*answered;	/* quorum: who said Y */
	const char	*official;	/* whose step it is */
	const char	*expires;	/* the certificate's end, in words */
	const char	*left;		/* how soon it ends, in words */
	const char	*waited;	/* office minutes a step has waited */
	time_t		 since;		/* waiting since, or 0 */
	const char	*behalf;	/* a Plt.: the holder's title */
	const char	*note;		/* why this mail comes now */
	const char	*ref;		/* a case's reference, when no c */
	const char	*rcpt;		/* undelivered mail: to whom, */
	const char	*code;		/*   the server's code */
	const char	*message_id;	/*   and which mail */
	const char	*period;	/* the monthly report: its month */
	const char	*summary;	/*   and its totals, a few lines */
	const struct notice *notice;
	const char	*missing[16];	/* document kinds */
	size_t		 nmissing;
	const struct attachment *const *list;	/* documents named */
	size_t		 nlist;
	const char	*const *list_kinds; /* each one's kind, or NULL */
	const char	*att_note;
	const struct attachment *att;	/* attached to the mail */
	size_t		 natt;
	int		 first_dispatch;	/* Message-ID ref.token@ */
};
void		 letter_undelivered(struct ctx *, const struct outbox_row *, int,
		     const char *);
int		 letter_send(const struct letter *, const char *, const char *,
		     const char *, const char *, char **);
int		 letter_check(struct ctx *, const struct rules *, char **);

/* workflow.c */
struct decision {
	const char	*kind;		/* classify_kind_name() */
	const char	*folder;	/* where the IMAP message goes */
	char		*note;		/* why, for the log and inbound.note */
	char		*case_ref;
};
int		 workflow_handle(struct ctx *, const struct msg *, int64_t,
		     struct decision *, char **);

/* people.c */
int		 people_reassign(struct ctx *);

/* admin.c: the admin's actions; 0, or -1 with cause and nothing changed. */
int		 admin_cancel(struct ctx *, const char *, const char *, char **);
int		 admin_resend(struct ctx *, const char *, char **);
int		 admin_reassign(struct ctx *, const char *, const char *,
		     const char *, const char *, char **);

#include "cmd.h"

/* intake.c: the mailbox session and its sync step. */
enum intake_status {
	INTAKE_SYNCED,		/* every new message taken */
	INTAKE_STALLED,		/* some wait in INBOX for the next sync */
	INTAKE_LOST,		/* the session broke: close it, reconnect */
	INTAKE_STOPPED		/* a signal came: the rest at the next sync */
};
struct intake;
struct intake	*intake_connect(struct ctx *, char **);
enum intake_status intake_sync(struct ctx *, struct intake *, char **);
int		 intake_wait(struct ctx *, struct intake *, int, char **);
time_t		 intake_age(const struct intake *);
void		 intake_close(struct intake *);
int		 intake_file(struct ctx *, const char *, uint32_t, uint32_t,
		     const char *, const char *);

/* disposisi.c: the objects every stage needs. */
struct ctx {
	struct conf	*conf;
	struct rules	*rules;
	struct store	*store;
	struct spool	*spool;
	volatile int	*quit;		/* leave the intake loop */
	volatile int	*term;		/* stop for good (NULL: never) */
	int		 wake_fd;	/* self-pipe read end, signals */
	struct smtp	*smtp;		/* kept between drains, or NULL */
	void		(*alive)(void);	/* the daemon proves alive, or NULL */
};

#endif
