/* SPDX-License-Identifier: ISC */
/*
 * Private to report.c, report-lane.c and report-mail.c: the Head's report
 * being written, and what its parts share.
 */
#ifndef REPORT_P_H
#define REPORT_P_H

/* The cases of the period, as report_cases() reads them. */
enum {
	RC_ID, RC_REF, RC_NAME, RC_STATE, RC_STEP, RC_SOP, RC_OPENED,
	RC_CLOSED
};

/* A set of cases' totals: the summary's row, the mail's lines. */
struct report_totals {
	size_t		 received, done, stopped, open, ontime;
	long		 med_office, med_cal;	/* days; -1: none finished */
};

struct report {
	FILE		*f;
	struct ctx	*ctx;
	const struct report_period *p;
	struct table	 cases;		/* opened since p->from */
	size_t		*rows;		/* those opened before p->to */
	size_t		 n;
};

void		 report_esc(FILE *, const char *);
int		 report_cases(struct report *);
void		 report_cases_free(struct report *);
void		 report_count(const struct report *, const struct sop *,
		     struct report_totals *);
/* report-lane.c: one case's swimlane. */
void		 report_lane(struct report *, const struct sop *, size_t);

#endif
