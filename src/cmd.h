/* SPDX-License-Identifier: ISC */
/*
 * disposisi's commands: struct cmd_entry and struct args, the CMD_*
 * needs, every command entry (cmd-*.c), show_* and setup_*.
 *
 * Included by disposisi.h only, at its place there: it relies on the
 * headers and types declared before it. Include disposisi.h instead.
 */
#ifndef CMD_H
#define CMD_H

/*
 * disposisi.c: the command table; cmd-*.c: one file per command. Each
 * declares its arguments and what it needs; main() parses the one and
 * sets up the other before exec, and tears it down after, for all alike.
 */
#define CMD_CONF	0x001	/* -f FILE, required: the config */
#define CMD_CONF_OPT	0x002	/* -f FILE or a checkout's defaults, lenient */
#define CMD_RULES	0x004	/* rules/ and mail-templates/; the clock's zone */
#define CMD_DB		0x008	/* the database, which must exist */
#define CMD_DB_CREATE	0x010	/* the database, created if missing */
#define CMD_SEAL	0x020	/* the key sealing the events it writes */
#define CMD_SPOOL	0x040	/* the spool, and GMime for the mail it writes */
#define CMD_SCRATCH	0x080	/* a scratch spool instead, removed after */
#define CMD_LOCK	0x100	/* one daemon per database: its lock and pid */
#define CMD_LOG		0x200	/* log as the config says; -v raises it */
#define CMD_TEMPFAIL	0x400	/* a failure exits 75: the MTA tries again */
#define CMD_OPTS	128	/* options are ASCII letters */
/* An admin command that changes a case: its mail waits in the spool. */
#define CMD_ADMIN	(CMD_CONF | CMD_RULES | CMD_DB | CMD_SEAL | CMD_SPOOL)
extern const struct option cmd_reason_opts[];	/* --reason TEXT: 'r' */
/* A command's arguments as main() parsed them from its template. */
struct args {
	const char	*value[CMD_OPTS]; /* by letter: its argument, or "" */
	int		 count[CMD_OPTS]; /* how often given: -v -v */
	int		 argc;		/* the positional arguments */
	char		**argv;
};
#define args_has(a, c)	((a)->count[(unsigned char)(c)])
#define args_get(a, c)	((a)->value[(unsigned char)(c)])
struct cmd_entry {
	const char	*name;
	const char	*usage;
	struct {
		const char	*template;	/* getopt(3)'s: "f:v" */
		int		 lower;		/* positional arguments, */
		int		 upper;		/* at least, at most (-1: any) */
		const struct option *longopts;	/* --json... as letters */
	} args;
	int		 needs;		/* CMD_*: set up by main() */
	int		(*exec)(const struct cmd_entry *, struct ctx *,
			    struct args *);
};
extern const struct cmd_entry cmd_audit_entry, cmd_backup_entry,
		    cmd_cancel_entry,
		    cmd_cases_entry,
		    cmd_check_entry, cmd_doctor_entry, cmd_explain_entry, cmd_export_entry,
		    cmd_ingest_entry,
		    cmd_outbox_entry, cmd_purge_entry,
		    cmd_reassign_entry, cmd_report_entry, cmd_resend_entry,
		    cmd_restore_entry,
		    cmd_run_entry,
		    cmd_show_entry, cmd_status_entry, cmd_version_entry;
int		 cmd_usage(const struct cmd_entry *, int);
int		 cmd_case_done(struct ctx *, int, const char *, char *);
/* cmd-show.c: a view as titled parts, each one query's rows. */
struct show_part {
	const char	*const *sql;
	const char	*key;		/* JSON */
	const char	*title;		/* text; NULL: none */
	const char	*none;		/* text when no row, or NULL */
};
int		 show_print(struct store *, FILE *, const struct show_part *,
		     size_t, const char *, int);
#define SHOW_JSON	0x1
#define SHOW_VERBOSE	0x2
int		 show_case(struct ctx *, const char *, FILE *, int);
extern const char *const sql_undelivered;	/* cmd-status.c */
int		 backup_spool(const char *, const char *, const char *,
		     size_t *, size_t *, char **);	/* cmd-backup.c */
struct rules	*setup_rules(struct ctx *, char **);
void		 setup_rules_use(struct ctx *, struct rules *);
int		 setup_wake(const struct conf *);
long		 setup_robot_pid(const struct conf *);

#endif
