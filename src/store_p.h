/* SPDX-License-Identifier: ISC */
/*
 * The store module's own header, included only by its files; the rest of
 * the robot sees struct store and the store_* functions of disposisi.h.
 *
 *   store.c		the core: the connection, the statement cache,
 *			store_step() and the row helpers, transactions
 *   store-schema.c	the schema's migrations (PRAGMA user_version)
 *   store-case.c	cases: opening, moving, finding, listing; the
 *			values and notices kept on them, step times
 *   store-mail.c	mail in (mailbox_state, inbound) and out (outbox)
 *   store-dispatch.c	dispositions, their confirmations and reminders
 *   store-doc.c	documents and every file of a case: export,
 *			retention and the daemon's daily jobs
 *   store-audit.c	the sealed trail (case_events), its checkpoint
 *			outside the database, and its verification
 *   store-print.c	the admin's read-only views: rows as text, JSON,
 *			a table of cells
 *
 * The error contract. Every reader tells "nothing there" from "could not
 * read", so that a disk or lock error never turns into a verdict:
 *   - a reader that hands back an object or a value through a pointer
 *     returns 1 found, 0 not found, -1 error (*out is set only on 1);
 *   - a reader of rows returns 0 (n may be 0) or -1, and on -1 leaves
 *     nothing to free (*rows NULL, *n 0);
 *   - a reader of one number (a count, an id, a time) returns it, 0 for
 *     none, -1 on error.
 * Writers return 0 or -1 (or a row id, or the rows changed). Every error
 * is logged once, by store_step(), with the statement's first words; a
 * failure of the machine's (I/O, lock, full, memory) also marks the
 * transaction so store_failed() tells intake to stall rather than blame
 * the message.
 */
#ifndef STORE_P_H
#define STORE_P_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <sqlite3.h>

/*
 * A statement prepared once and kept for the connection's life, found by
 * its SQL text: preparing costs more than most of the lookups themselves.
 * "busy" while a caller holds it, so that a second user of the same SQL
 * before the first released it gets a statement of its own.
 */
struct store_cached {
	uint32_t		 hash;
	int			 busy;
	sqlite3_stmt		*s;
};

struct store {
	sqlite3			*db;
	const unsigned char	*key;	/* seals the audit trail */
	size_t			 keylen;
	struct store_cached	*cache;
	size_t			 ncache, cachecap;
	volatile int		*term;	/* a lock wait ends when set */
	const char		*checkpoint;	/* the trail's end, outside */
	int			 sealed;	/* events since the last commit */
	int			 failed;	/* the machine's error, this txn */
};

/* store_step()'s answers, besides -1. */
#define STORE_DONE	0
#define STORE_ROW	1

/*
 * Where a row lands: column i of the statement goes into the field
 * cols[i] names, as its kind says. One description per row type serves
 * the reading (store_row, store_rows) and the freeing (store_rows_free),
 * so no reader copies columns by hand.
 */
enum store_kind {
	COL_STR,	/* char *, a copy (NULL for NULL) */
	COL_NUM,	/* an integer field of 4 or 8 bytes (time_t too) */
	COL_BOOL,	/* int: the column > 0 */
	COL_STATE,	/* enum case_state, from its name */
	COL_CHARS	/* char[N], the text cut to fit ("" for NULL) */
};
struct store_col {
	enum store_kind	 kind;
	size_t		 off, size;
};
struct store_shape {
	size_t			 size;	/* of one element */
	const struct store_col	*cols;
	size_t			 ncols;
};
#define STORE_COL(kind, type, field) \
	{ (kind), offsetof(type, field), sizeof(((type *)0)->field) }
#define STORE_SHAPE(type, cols) \
	{ sizeof(type), (cols), sizeof(cols) / sizeof((cols)[0]) }

/*
 * The states of an open case and of a closed one, to bind to "state IN
 * (?, ?, ?)": an index serves IN, never NOT IN. A new state goes into
 * one of them (case_state_closed() says which).
 */
#define OPEN_STATES	case_state_name(CASE_WAIT_DOCS), \
	case_state_name(CASE_OPEN), case_state_name(CASE_RETURNED)
#define CLOSED_STATES	case_state_name(CASE_DONE), \
	case_state_name(CASE_REJECTED), case_state_name(CASE_CANCELLED)

/* store.c */
int		 store_exec(struct store *, const char *);
sqlite3_stmt	*store_stmt(struct store *, const char *, const char *, ...);
void		 store_release(struct store *, sqlite3_stmt *);
int		 store_step(struct store *, sqlite3_stmt *);
int		 store_done(struct store *, sqlite3_stmt *);
int		 store_changes(struct store *, sqlite3_stmt *);
int		 store_once(struct store *, sqlite3_stmt *);
int64_t		 store_insert(struct store *, sqlite3_stmt *);
int64_t		 store_int(struct store *, sqlite3_stmt *);
char		*store_col(sqlite3_stmt *, int);
void		 store_fill(sqlite3_stmt *, const struct store_shape *, void *);
void		 store_clear(void *, const struct store_shape *);
int		 store_row(struct store *, sqlite3_stmt *, void *,
		     const struct store_shape *);
int		 store_rows(struct store *, sqlite3_stmt *, void *, size_t *,
		     const struct store_shape *);
void		 store_rows_free(void *, size_t, const struct store_shape *);
int		 store_strings(struct store *, sqlite3_stmt *, char ***,
		     size_t *);
void		 store_strings_free(char **, size_t);
int		 store_ids(struct store *, sqlite3_stmt *, int64_t **,
		     size_t *);

/* store-schema.c */
int		 store_migrate(struct store *, const char *, char **);

/* store-audit.c */
int64_t		 store_event_last(struct store *, char *, size_t);

#endif
