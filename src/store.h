/* SPDX-License-Identifier: ISC */
/*
 * disposisi's database: the store's public API (store.c, store-*.c)
 * and its row structs; store_p.h is the store files' own.
 *
 * Included by disposisi.h only, at its place there: it relies on the
 * headers and types declared before it. Include disposisi.h instead.
 */
#ifndef STORE_H
#define STORE_H

/*
 * store.c, store-*.c: the database. Readers tell "none" from "cannot
 * read" (src/store_p.h): a pointer or value handed back through an
 * argument: 1 found, 0 none, -1 error; rows: 0 or -1; one number: the
 * number, 0 for none, -1 error.
 */
struct store;
struct case_row {
	int64_t		 id;
	char		*ref;
	char		*sop;
	char		*applicant;	/* where mail to the applicant goes */
	char		*applicant_first; /* who applied */
	char		*applicant_name;
	char		*subject;
	char		*root_message_id;
	enum case_state	 state;
	char		*step;		/* the step's name */
	int		 round;
	char		*rules_version;
	time_t		 step_since;	/* when it entered its step */
};
struct dispatch_row {
	int64_t		 id;
	int64_t		 case_id;
	char		*step;
	int		 round;
	char		*official;
	char		*on_behalf;	/* a delegate's: whose step it is */
	char		*token;
	char		*message_id;
	int		 answered;
};
struct decision_row {			/* an official's Y or T */
	time_t		 at;
	char		*step;
	char		*role;
	char		*verdict;
	char		*reason;	/* NULL: none given */
};
struct doc_row {
	struct attachment a;
	char		*kind;		/* NULL: not recognised */
	char		*step;		/* the step it came with, or NULL */
	int		 round;
};
struct case_list_row {
	char		*ref;
	char		*applicant;
	char		*sop;
	char		*step;
	char		*state;
	time_t		 since;		/* at its step since */
	char		*waiting;	/* unanswered officials, or NULL */
	time_t		 closed;	/* when it closed, or 0 */
};
struct waiting_row {
	int64_t		 dispatch_id;
	int64_t		 case_id;
	char		*ref;
	char		*sop;
	char		*step;
	int		 round;
	char		*official;
	char		*token;
	time_t		 since;		/* the disposition was sent */
	int		 reminded;	/* this official, this round */
	int		 escalated;	/* the step, this round */
};
struct outbox_row {
	int64_t		 id;
	int64_t		 case_id;	/* 0: about no case */
	char		*kind;		/* the template */
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
void		 store_set_key(struct store *, const unsigned char *, size_t);
/* A verification of the trail: where it starts, what it saw. */
struct audit_span {
	int64_t	 from;		/* verified before: check after it; 0 all */
	char	 from_seal[65];
	int64_t	 last;		/* the last event found whole, its seal */
	char	 last_seal[65];
	int64_t	 sealed, unsealed;
};
int64_t		 store_audit_verify(struct store *, struct audit_span *);
int		 store_audit_mark_read(struct store *, const char *,
		    struct audit_span *);
int		 store_audit_mark(const char *, const struct audit_span *,
		    char **);
int		 store_event_where(struct store *, int64_t, char **);
struct case_file {
	char	*name;		/* where it goes in an export */
	char	*path;		/* where it is, or NULL for raw mail: */
	char	*sha;		/* its SHA-256 under spool/raw */
};
int		 store_case_files(struct store *, const char *,
		     struct case_file **, size_t *);
void		 store_case_files_free(struct case_file *, size_t);
int		 store_retention_cases(struct store *, time_t,
		    struct retention_case **,
		     size_t *);
int		 store_retention_holders(struct store *, const char *,
		     struct retention_case **, size_t *);
void		 store_retention_free(struct retention_case *, size_t);
int		 store_case_purge(struct store *, int64_t, int64_t);
time_t		 store_case_purged_at(struct store *, int64_t);
time_t		 store_job_last(struct store *, const char *);
int		 store_job_done(struct store *, const char *, time_t);
int		 store_begin_wait(struct store *, volatile int *);
int		 store_commit(struct store *);
void		 store_rollback(struct store *);
int		 store_savepoint(struct store *);
int		 store_savepoint_release(struct store *);
void		 store_savepoint_rollback(struct store *);
int		 store_mailbox_get(struct store *, const char *, uint32_t *,
		     uint32_t *);
int		 store_mailbox_set(struct store *, const char *, uint32_t,
		     uint32_t);
int		 store_inbound_seen(struct store *, const char *, uint32_t,
		     uint32_t, const char *);
int64_t		 store_inbound_add(struct store *, const char *, uint32_t,
		     uint32_t, const char *, const struct msg *);
int64_t		 store_inbound_by_mid(struct store *, const char *, int64_t);
int		 store_inbound_set(struct store *, int64_t, const char *,
		     const char *, const char *, const char *);
int		 store_inbound_pending(struct store *, const char *,
		     struct inbound_row **, size_t *);
int		 store_inbound_done(struct store *, int64_t);
void		 store_inbound_rows_free(struct inbound_row *, size_t);
struct case_row	*store_case_open(struct store *, const char *, const char *,
		     const char *, const char *, const char *, const char *,
		     const char *, const char *);
int		 store_case_get(struct store *, int64_t, struct case_row **);
int64_t		 store_case_find(struct store *, const char *, char **, size_t);
int		 store_cases_of(struct store *, const char *, char ***, size_t *);
int		 store_case_ids_of(struct store *, const char *, int64_t **,
		     size_t *);
int		 store_notice_add(struct store *, int64_t, const char *,
		     int64_t);
int		 store_notices_unused(struct store *, int64_t, char ***,
		     size_t *);
int64_t		 store_notice_use(struct store *, int64_t, const char *,
		     const char *);
int		 store_dispatch_close_step(struct store *, int64_t,
		     const char *, int, const char *, char ***, size_t *);
int		 store_inbound_loose(struct store *, const char *, char ***,
		     size_t *);
int64_t		 store_case_by_name(struct store *, const char *);
void		 store_case_free(struct case_row *);
/* Compare-and-set of state, step and round: 1 moved, 0 not, -1 error. */
int		 store_case_enter(struct store *, const struct case_row *,
		     enum case_state, const char *, int, const char *);
int		 store_case_applicant(struct store *, int64_t, const char *);
int		 store_case_positions(struct store *, char ***, char ***,
		     char ***, size_t *);
int		 store_case_expires(struct store *, int64_t, time_t);
int		 store_case_renews(struct store *, int64_t, int64_t);
/* Rows: case_id, ref, sop, official = applicant, since = expires_at. */
int		 store_expiring(struct store *, time_t, time_t,
		     struct waiting_row **, size_t *);
int64_t		 store_inbound_released(struct store *, const char *, uint32_t,
		     uint32_t, const char *);
int		 store_inbound_move(struct store *, int64_t, const char *,
		     uint32_t, uint32_t);
int		 store_inbound_held(struct store *, int64_t);
int64_t		 store_inbound_since(struct store *, const char *, time_t);
int64_t		 store_held_since(struct store *, const char *, time_t, int64_t);
int64_t		 store_cases_since(struct store *, const char *, time_t);
int		 store_event(struct store *, int64_t, const char *, const char *,
		     const char *);
void		 store_set_checkpoint(struct store *, const char *);
int		 store_checkpoint_check(struct store *, const char *, int64_t *,
		     char **);
void		 store_checkpoint(struct store *);
int		 store_value_add(struct store *, int64_t, const char *,
		     const char *);
int		 store_document_add(struct store *, int64_t,
		     const struct attachment *, const char *, const char *, int);
/* A KTP's NIK as its HMAC (hex), never the NIK; the open cases of one. */
int		 store_case_nik_hmac(struct store *, int64_t, const char *);
int		 store_case_ids_by_nik_hmac(struct store *, const char *,
		     int64_t **, size_t *);
/* Rows changed (0: no such file), or -1. */
int		 store_document_set_kind(struct store *, int64_t, const char *,
		     const char *);
int		 store_documents(struct store *, int64_t, struct doc_row **,
		     size_t *);
void		 store_documents_free(struct doc_row *, size_t);
int		 store_confirm_doc_add(struct store *, const char *,
		     const struct attachment *, const char *);
int		 store_confirm_docs(struct store *, const char *,
		     struct doc_row **, size_t *);
/* case, step, round, role, official, on behalf of (or NULL), token */
int64_t		 store_dispatch_add(struct store *, int64_t, const char *, int,
		     const char *, const char *, const char *, const char *);
int		 store_dispatch_by_token(struct store *, const char *,
		     struct dispatch_row **);
int		 store_dispatch_get(struct store *, int64_t,
		     struct dispatch_row **);
struct confirm_row {			/* a tag-only answer, to confirm */
	int64_t		 dispatch_id;
	char		*verdict;	/* "Y" or "T" */
	char		*reason, *value;
};
int		 store_confirm_add(struct store *, const char *, int64_t,
		     const char *, const char *, const char *, int64_t);
int		 store_confirm_get(struct store *, const char *,
		     struct confirm_row **);
void		 store_confirm_free(struct confirm_row *);
int		 store_dispatch_pending(struct store *, int64_t,
		     const char *, struct dispatch_row **);
/* Who answered Y (or, NULL, not yet) at a step in a round; xfreelist. */
int		 store_dispatch_who(struct store *, int64_t, const char *, int,
		     const char *, char ***, size_t *);
int		 store_decisions(struct store *, int64_t, struct decision_row **,
		     size_t *);
void		 store_decisions_free(struct decision_row *, size_t);
int		 store_dispatch_count(struct store *, int64_t, const char *,
		     int, const char *);
void		 store_dispatch_free(struct dispatch_row *);
int		 store_dispatch_answer(struct store *, int64_t, const char *,
		     const char *, int64_t);
int64_t		 store_outbox_add(struct store *, int64_t, const char *,
		     const char *, const char *, const char *);
int		 store_outbox_due(struct store *, time_t, struct outbox_row **,
		     size_t *);
void		 store_outbox_rows_free(struct outbox_row *, size_t);
int		 store_outbox_clamp(struct store *, time_t);
int		 store_outbox_result(struct store *, int64_t, const char *, int,
		     const char *, time_t);
int		 store_outbox_next_due(struct store *, time_t *);
int		 store_outbox_count(struct store *, int64_t, const char *,
		     const char *, time_t);
int		 store_outbox_token_count(struct store *, int64_t,
		     const char *, const char *);
int		 store_outbox_get(struct store *, int64_t,
		     struct outbox_row **);
int		 store_event_count(struct store *, int64_t, const char *,
		     const char *);
int		 store_waiting(struct store *, struct waiting_row **, size_t *);
/* The timer's "nothing left to do" (9999-12-31): never due. */
#define STORE_DUE_NEVER	((time_t)253402300799LL)
int		 store_waiting_due(struct store *, time_t, struct waiting_row **,
		     size_t *);
int		 store_due_set(struct store *, int64_t, time_t);
int		 store_due_reset(struct store *);
/* which: 0 open, 1 closed, 2 all. */
int		 store_case_list(struct store *, int, struct case_list_row **,
		     size_t *);
void		 store_case_rows_free(struct case_list_row *, size_t);
/* Returns how many rows were queued again, or -1. */
int		 store_outbox_retry(struct store *, int64_t);
void		 store_waiting_free(struct waiting_row *, size_t);
int		 store_reminder_add(struct store *, int64_t, const char *, int,
		     int, const char *);
int		 store_step_time(struct store *, int64_t, const char *, int,
		     time_t, long, int);
char		*store_error(struct store *);
int		 store_failed(const struct store *);
int		 store_print(struct store *, FILE *, const char *, const char *);
int		 store_print_json(struct store *, FILE *, const char *,
		     const char *);
struct table {
	char		**cells;	/* row by row; NULL for SQL NULL */
	char		**names;	/* the columns' names, or NULL */
	size_t		 nrows, ncols;
};
#define TABLE_CELL(t, r, c)	((t)->cells[(r) * (t)->ncols + (c)])
int		 store_table(struct store *, const char *, const char *,
		     struct table *);
void		 store_table_free(struct table *);
void		 store_table_add(struct table *, char **);
void		 table_print(FILE *, const struct table *);
size_t		 table_width(const char *);
void		 table_cell(FILE *, const char *, size_t, int);

/* store-health.c: the figures of status and the metrics (health.c). */
struct health_counts {
	int64_t		 received;	/* mail taken in, ever */
	int64_t		 queued;	/* mail queued out, ever */
	int64_t		 unsent;	/* queued or failed now */
	int64_t		 failed;	/* given up on, until retried */
	time_t		 queued_since;	/* the oldest mail waiting, or 0 */
	int64_t		 quarantined;	/* since the time asked */
	time_t		 imap_ok;	/* the daemon's last sync, or 0 */
	time_t		 smtp_ok;	/* the last mail sent, or 0 */
};
struct open_step_row {
	char		*sop;
	char		*step;
	int64_t		 n;
};
int		 store_health_counts(struct store *, const char *, time_t,
		     struct health_counts *);
int		 store_open_steps(struct store *, struct open_step_row **,
		     size_t *);
void		 store_open_steps_free(struct open_step_row *, size_t);
int		 store_imap_ok(struct store *, time_t);

/* store-backup.c: a copy of the database, and the spool files it names. */
int		 store_backup(struct store *, const char *, char **);
int		 store_backup_restore(const char *, const char *, char **);
int		 store_backup_files(const char *, char ***, size_t *, char **);
void		 store_backup_files_free(char **, size_t);

#endif
