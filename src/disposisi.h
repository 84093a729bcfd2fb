/* SPDX-License-Identifier: ISC */
/*
 * disposisi: shared types and the API of each module, grouped by file.
 * No third-party header is included here: each library has one home
 * (imap.c libetpan, mime.c GMime, store.c SQLite, re.c PCRE2, smtp.c
 * libcurl, crypto.c OpenSSL) and the rest see opaque structs.
 *
 * Error idiom: a function that can fail on bad input or a remote peer
 * returns -1 (or NULL) and sets *cause to a string the caller frees.
 */
#ifndef DISPOSISI_H
#define DISPOSISI_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "log.h"
#include "xmalloc.h"

#define DISPOSISI_VERSION	"0.1"
#define EX_CONFIG_STATUS	78	/* sysexits.h EX_CONFIG */
#define IMAP_KEYWORD		"$Disposisi"
#define TOKEN_LEN		20	/* hex digits of a reply token */

enum tls_mode {
	TLS_IMPLICIT,
	TLS_STARTTLS,
	TLS_NONE
};

/* conf.c */
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
	int		 imap_idle;		/* use IDLE when offered */
	int		 imap_idle_timeout;	/* seconds, <= 600 */
	int		 imap_session_max;	/* seconds before a fresh login */
	int		 imap_poll_interval;	/* seconds, servers without IDLE */
	int		 imap_timeout;		/* seconds per network read */

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

	char		*robot_address;
	char		*robot_name;
	int		 reply_plus_address;	/* tokens in robot+tok@ */
	char		*admin_address;
	char		*auth_serv_id;		/* trusted A-R id, or NULL */

	char		*database;
	char		*spool_dir;
	char		*rules_dir;
	char		*templates_dir;
	char		*hmac_secret_file;
	unsigned char	*hmac_secret;
	size_t		 hmac_secret_len;

	size_t		 max_message_size;
	size_t		 max_attachments;	/* bytes of scans per mail */
	int		 log_level;
	int		 log_syslog;
};
struct conf	*conf_load(const char *, char **);
void		 conf_free(struct conf *);
int		 conf_load_secret(struct conf *, char **);
const char	*conf_domain(const struct conf *);

/* caseref.c */
int		 case_ref_find(const char *, char *);
int		 case_ref_valid(const char *);

/* util.c */
char		*util_lower(const char *);
char		*util_trim(char *);
int		 util_addr_eq(const char *, const char *);
char		*util_read_file(const char *, size_t, size_t *, char **);
int		 util_write_file(const char *, const void *, size_t, int, char **);
int		 util_mkdirs(const char *, int, char **);
char		*util_path(const char *, const char *);
void		 util_time_wib(time_t, char *, size_t);
int		 util_year_wib(time_t);

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
void		 spool_close(struct spool *);
void		 spool_clean(struct spool *);
char		*spool_tmp_path(struct spool *);
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
int		 imap_search_new(struct imap *, uint32_t, uint32_t **, size_t *,
		     char **);
int		 imap_fetch(struct imap *, uint32_t, const char *, size_t,
		     size_t *, char **);
int		 imap_archive(struct imap *, uint32_t, const char *, char **);
int		 imap_wait(struct imap *, int, int, char **);
time_t		 imap_age(const struct imap *);

/* mime.c */
struct attachment {
	char		*filename;	/* sanitised, never a path */
	char		*content_type;
	char		*path;		/* in the spool */
	char		 sha256[SHA256_HEX_LEN + 1];
	size_t		 size;
};
struct msg {
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
	char		*auto_submitted;
	char		*return_path;
	char		*precedence;
	char		*list_id;	/* List-Id or List-Unsubscribe */
	char		*x_autoreply;	/* X-Autoreply or X-Autorespond */
	char		**auth;		/* Authentication-Results values */
	size_t		 nauth;
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
};
void		 mime_init(void);
void		 mime_shutdown(void);
struct msg	*mime_parse(const char *, struct spool *, char **);
void		 mime_free(struct msg *);
int		 mime_build(const struct mail_out *, const char *, char **);

/* auth.c */
int		 auth_check(const struct conf *, const struct msg *, char **);

/* rules.c */
struct official {
	char		*role;
	char		*address;
	char		*title;
};
struct step {
	char		*id;		/* the SOP's step number, e.g. "2" */
	char		*role;
	int		 minutes;	/* standard time (Mutu Baku Waktu) */
	char		*task;
};
struct rules {
	struct official	*officials;
	size_t		 nofficials;
	struct step	*steps;
	size_t		 nsteps;
	char		**applicant_domains;
	size_t		 napplicant_domains;
};
struct rules	*rules_load(const char *, char **);
void		 rules_free(struct rules *);
const struct official *rules_official(const struct rules *, const char *);
const struct official *rules_official_by_addr(const struct rules *,
		     const char *);
int		 rules_applicant_ok(const struct rules *, const char *);

/* template.c */
struct tvar {
	const char	*name;
	const char	*value;
};
int		 template_render(const char *, const char *, const struct tvar *,
		     size_t, char **, char **, char **);

/* store.c */
struct store;
struct case_row {
	int64_t		 id;
	char		*ref;
	char		*applicant;
	char		*applicant_name;
	char		*subject;
	char		*root_message_id;
	char		*state;
	int		 step;
};
struct dispatch_row {
	int64_t		 id;
	int64_t		 case_id;
	int		 step;
	char		*official;
	char		*token;
	char		*message_id;
	int		 answered;
};
struct outbox_row {
	int64_t		 id;
	char		*rcpt;
	char		*path;
	char		*message_id;
	char		*case_ref;
	int		 attempts;
};
struct inbound_row {
	int64_t		 id;
	uint32_t	 uidvalidity;
	uint32_t	 uid;
	char		*folder;	/* where it goes in IMAP */
};
struct store	*store_open(const char *, char **);
void		 store_close(struct store *);
int		 store_begin(struct store *);
int		 store_commit(struct store *);
void		 store_rollback(struct store *);
int		 store_mailbox_get(struct store *, const char *, uint32_t *,
		     uint32_t *);
int		 store_mailbox_set(struct store *, const char *, uint32_t,
		     uint32_t);
int		 store_inbound_seen(struct store *, const char *, uint32_t,
		     uint32_t, const char *);
int64_t		 store_inbound_add(struct store *, const char *, uint32_t,
		     uint32_t, const char *, const struct msg *);
int		 store_inbound_set(struct store *, int64_t, const char *,
		     const char *, const char *, const char *);
int		 store_inbound_pending(struct store *, const char *,
		     struct inbound_row **, size_t *);
int		 store_inbound_done(struct store *, int64_t);
void		 store_inbound_rows_free(struct inbound_row *, size_t);
struct case_row	*store_case_open(struct store *, const char *, const char *,
		     const char *, const char *, time_t);
struct case_row	*store_case_get(struct store *, int64_t);
int64_t		 store_case_find(struct store *, const char *, char **, size_t);
char		*store_case_ref(struct store *, int64_t);
void		 store_case_free(struct case_row *);
int		 store_case_set(struct store *, int64_t, const char *, int,
		     const char *, const char *);
int		 store_event(struct store *, int64_t, const char *, const char *,
		     const char *);
int		 store_document_add(struct store *, int64_t,
		     const struct attachment *);
int		 store_documents(struct store *, int64_t, struct attachment **,
		     size_t *);
void		 store_documents_free(struct attachment *, size_t);
int64_t		 store_dispatch_add(struct store *, int64_t, int, const char *,
		     const char *, const char *, const char *);
struct dispatch_row *store_dispatch_by_token(struct store *, const char *);
struct dispatch_row *store_dispatch_pending(struct store *, int64_t);
void		 store_dispatch_free(struct dispatch_row *);
int		 store_dispatch_answer(struct store *, int64_t, const char *,
		     const char *, int64_t);
int64_t		 store_outbox_add(struct store *, int64_t, const char *,
		     const char *, const char *, const char *);
int		 store_outbox_due(struct store *, time_t, struct outbox_row **,
		     size_t *);
void		 store_outbox_rows_free(struct outbox_row *, size_t);
int		 store_outbox_result(struct store *, int64_t, const char *, int,
		     const char *, time_t);
int		 store_outbox_next_due(struct store *, time_t *);
int		 store_outbox_count(struct store *, int64_t, const char *,
		     const char *, time_t);
char		*store_error(struct store *);
int		 store_print(struct store *, FILE *, const char *, const char *);

/* smtp.c */
#define SMTP_OK		0
#define SMTP_TEMPFAIL	1
#define SMTP_PERMFAIL	2
struct smtp;
int		 smtp_init(void);
struct smtp	*smtp_open(void);
void		 smtp_close(struct smtp *);
int		 smtp_send(struct smtp *, const struct conf *, const char *,
		     const char *, int *, char **);

/* outbox.c */
struct ctx;
int		 outbox_enqueue(struct ctx *, int64_t, const char *,
		     const struct mail_out *, char **);
int		 outbox_drain(struct ctx *);
int		 outbox_wait_seconds(struct ctx *, int);

/* html.c and reply.c are declared in html.h and reply.h; classify.c */
enum msg_kind {
	KIND_OWN,		/* the robot's own mail */
	KIND_MACHINE,		/* auto-reply, bounce, list: never answered */
	KIND_REPLY,		/* carries a dispatch token */
	KIND_FOLLOWUP,		/* about an existing case, not a decision */
	KIND_APPLICATION,	/* new mail from an allowed applicant */
	KIND_UNKNOWN		/* anyone else: quarantine, no answer */
};
enum msg_kind	 classify(const struct ctx *, const struct msg *, char **);
char		*classify_token(const struct ctx *, const struct msg *);
enum att_kind {
	ATT_DOCUMENT,		/* goes with the case */
	ATT_WRAPPER,		/* winmail.dat: skipped */
	ATT_DANGEROUS		/* a program: the mail is quarantined */
};
enum att_kind	 classify_attachment(const struct attachment *, const char **);
const char	*classify_name(enum msg_kind);

/* workflow.c */
struct decision {
	const char	*kind;		/* classify_name() */
	const char	*folder;	/* where the IMAP message goes */
	char		*note;		/* why, for the log and inbound.note */
	char		*case_ref;
};
int		 workflow_handle(struct ctx *, const struct msg *, int64_t,
		     struct decision *, char **);

/* status.c */
int		 status_show(struct store *, const char *);

/* intake.c */
int		 intake_run(struct ctx *);

/* disposisi.c: the objects every stage needs. */
struct ctx {
	struct conf	*conf;
	struct rules	*rules;
	struct store	*store;
	struct spool	*spool;
	volatile int	*quit;
	int		 wake_fd;	/* self-pipe read end, signals */
};

#endif
