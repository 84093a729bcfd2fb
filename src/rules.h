/* SPDX-License-Identifier: ISC */
/*
 * disposisi's rules: the types the rules language builds (struct rules,
 * role, delegate, calendar, doctype, notice, step, sop...), their
 * look-ups (rules.c) and the office calendar over them (calendar.c).
 *
 * Included by disposisi.h only, at its place there: it relies on the
 * headers and types declared before it. Include disposisi.h instead.
 */
#ifndef RULES_H
#define RULES_H

/* rules.c: the rules language of rules/ (see man/disposisi.rules.5). */
struct re;
struct role {
	char		*name;
	char		*title;
	char		**addrs;	/* lower case; a group has several */
	size_t		 naddrs;
	const struct role *supervisor;	/* told when a step is very late */
	char		*where;		/* "file:line" of the definition */
};
struct holiday {
	int		 date;		/* YYYYMMDD, office time */
	char		*name;
	char		*where;
};
/* Plt./Plh.: who acts for a one-person role, dated or on standby. */
struct delegate {
	const struct role *role;
	char		*addr;		/* the acting person */
	int		 from, to;	/* YYYYMMDD; both 0: standby */
	char		*note;		/* "Plt. Kepala Dinas" */
	int		 copy;		/* the holder gets a copy */
	char		*where;
};
/* Office hours: standard times count office minutes only. */
struct calendar {
	int		 utc_offset;	/* minutes east of UTC: WIB 420 */
	int		 open[7];	/* minute of the day, by weekday */
	int		 close[7];	/* (0 Sunday); open == close: closed */
	struct holiday	*holidays;	/* sorted by date */
	size_t		 nholidays;
	char		*where;		/* NULL: the built-in default */
};
/* Content words: a group matches a text holding every phrase of it. */
struct docgroup {
	char		**phrases;	/* as written, shown by explain */
	char		**folded;	/* as matched: document_fold() */
	size_t		 n;
	size_t		 weight;	/* letters of the folded phrases */
};
struct doctype {
	char		*name;		/* e.g. "ktp" */
	char		*words;		/* for the applicant: "fotokopi KTP" */
	struct re	**patterns;	/* on the file name, one per line */
	char		**sources;	/* the patterns as written */
	size_t		 npatterns;
	struct docgroup	*groups;	/* content: any group */
	size_t		 ngroups;
	struct docgroup	 not;		/* content: any phrase excludes */
	int		 holds_nik;	/* its text carries the NIK */
	char		**types;	/* sniffed types allowed: "pdf" ... */
	size_t		 ntypes;
	size_t		 max_size;	/* bytes, 0: no limit */
	char		*where;
};
struct notice {
	char		*event;		/* e.g. "certificate-issued" */
	char		*words;
	struct re	*from, *to, *subject, *body;	/* NULL: any */
	char		*tmpl;		/* the relay's explanation */
	int		 expires_months; /* 0: sets no expiry */
	int		 anytime;	/* relayed even to a closed case */
	int		 personal;	/* only to the applicant's own mailbox */
	char		*where;
};
enum target_kind {
	TARGET_NONE,			/* not given */
	TARGET_STEP,
	TARGET_DONE,			/* closed: the SOP's end reached */
	TARGET_REJECT,			/* closed: stopped, applicant told */
	TARGET_APPLICANT		/* back to the applicant, then here */
};
struct target {
	enum target_kind kind;
	char		*step;		/* TARGET_STEP: a step's name */
	char		*where;
};
struct on_event {
	char		*event;		/* a notice's event */
	struct target	 to;
};
struct step_kind;
struct step {
	char		*name;		/* what cases store: "periksa-berkas" */
	char		*number;	/* the SOP's number: "5" */
	const struct step_kind *kind;
	char		*actor;		/* a role's name, or "applicant" */
	const struct role *role;	/* NULL when the applicant acts */
	int		 minutes;	/* standard time (Mutu Baku Waktu) */
	char		*task;
	char		*activity;	/* the SOP's short name, or NULL */
	char		**send;		/* document kinds mailed to the actor */
	size_t		 nsend;
	char		**needs;	/* kinds needed before the step starts */
	size_t		 nneeds;
	struct target	 yes, no;
	struct on_event	*on;
	size_t		 non;
	char		**proved_by;	/* notice events that prove it done */
	size_t		 nproved_by;
	int		 quorum;	/* quorum: Ys needed; 0 = all members */
	char		*document;	/* document: the kind a Y must carry */
	char		*value_type;	/* value: "email" or "text" */
	char		*value_domain;	/* value email: its domain, or NULL */
	int		 skip_in_office; /* skip-when applicant-in-office */
	char		*tmpl;		/* the actor's mail; "disposisi" */
	char		*where;
};
struct sop {
	char		*name;		/* "tte" */
	char		*title;
	char		*prefix;	/* "TTE": references TTE-YYYY-NNNNN */
	int		 applicants_any;
	char		**applicant_domains;
	size_t		 napplicant_domains;
	char		*office_domain;
	char		**requires;	/* document kinds of an application */
	size_t		 nrequires;
	int		 remind_pct;	/* actor reminded at this % of the */
	int		 escalate_pct;	/* standard time; supervisor told */
	struct re	*subject;	/* new mail whose subject opens this */
	const struct sop *renews;	/* its closed cases' applicants */
	int		 expiry_days[4]; /* expiry reminders, days before */
	size_t		 nexpiry;
	struct step	*steps;		/* in the order of the SOP */
	size_t		 nsteps;
	char		*where;
};
/*
 * Which mails go out (rules-kw-mail.c): the engine's mails by who gets
 * them, each switchable unless it carries or protects the workflow.
 */
enum mail_to {
	MAIL_TO_APPLICANT,
	MAIL_TO_OFFICIAL,		/* an official, by role */
	MAIL_TO_SENDER,			/* whoever wrote: an official or not */
	MAIL_TO_ADMIN
};
struct mail_kind {
	const char	*tmpl;
	enum mail_to	 to;
	const char	*fixed;		/* why it cannot be off; NULL: may */
};
extern const struct mail_kind rules_mail_kinds[];
extern const size_t rules_mail_nkinds;
/* mail TEMPLATE on|off [ROLE ...] */
struct mail_rule {
	char		*tmpl;
	int		 on;
	const struct role **roles;	/* none: every recipient */
	size_t		 nroles;
	char		*where;
};
struct rules {
	struct role	*roles;
	size_t		 nroles;
	struct doctype	*docs;
	size_t		 ndocs;
	struct notice	*notices;
	size_t		 nnotices;
	struct sop	*sops;
	size_t		 nsops;
	struct calendar	 cal;
	struct delegate	*delegates;
	size_t		 ndelegates;
	char		**shared;	/* shared-mailbox: nobody's own */
	size_t		 nshared;
	struct mail_rule *mails;
	size_t		 nmails;
	char		*report_role;	/* report monthly to ROLE, or NULL */
	const struct role *report_to;	/* resolved */
	char		 version[13];	/* SHA-256 of the files read, cut */
};
/*
 * Loads every *.conf of a directory in name order (and what they
 * include). On any mistake returns NULL and sets *cause to every error
 * found, one "file:line:col: message" a line.
 */
struct rules	*rules_load(const char *, char **);
void		 rules_free(struct rules *);
const struct role *rules_role(const struct rules *, const char *);
/* The role holding an address (the first if several), or NULL. */
const struct role *rules_role_by_addr(const struct rules *, const char *);
int		 rules_role_has(const struct role *, const char *);
/* Is the address someone's own: no role's and no shared mailbox? */
int		 rules_personal(const struct rules *, const char *);
const struct notice *rules_notice(const struct rules *, const char *);
const struct doctype *rules_doctype(const struct rules *, const char *);
const struct sop *rules_sop(const struct rules *, const char *);
const struct step *rules_step(const struct sop *, const char *);
/*
 * Does mail tmpl to rcpt go out? NULL: yes; else the "file:line" of the
 * mail line that switches it off.
 */
const char	*rules_mail_off(const struct rules *, const char *,
		     const char *);
/* What the Head's report calls a step: its activity, else its task. */
const char	*rules_step_label(const struct step *);
/* May this sender open a case of this SOP? */
int		 rules_applicant_ok(const struct sop *, const char *);
/*
 * Who acts for a one-person role on an office date (YYYYMMDD): a dated
 * delegate, else with standby a standing one; NULL: the holder.
 */
const struct delegate *rules_delegate(const struct rules *,
		     const struct role *, int, int);
/* The step kinds, by name (step-*.c). */
const struct step_kind *rules_step_kind(const char *);

/* calendar.c: office time, from the rules' calendar. */
int		 cal_is_open(const struct calendar *, time_t);
time_t		 cal_next_open(const struct calendar *, time_t);
long		 cal_office_minutes(const struct calendar *, time_t, time_t);
time_t		 cal_office_after(const struct calendar *, time_t, long);
/* Office days after from's date up to to's: Monday to Wednesday is 2. */
long		 cal_office_days(const struct calendar *, time_t, time_t);
/* Calendar days between their office dates. */
long		 cal_calendar_days(const struct calendar *, time_t, time_t);
const struct holiday *cal_holiday(const struct calendar *, time_t);
int		 cal_date(const struct calendar *, time_t);
int		 cal_holidays_gap(const struct calendar *, time_t, time_t);

#endif
