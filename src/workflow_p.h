/* SPDX-License-Identifier: ISC */
/*
 * The workflow module's own header, included only by its files:
 *
 *   workflow.c		one message in its transaction: the handler for its
 *			kind (a table), decide(), and the effects applied
 *   dispatch.c		a step's mail to its actors, tokens, Plt./Plh.
 *   handle-*.c		one kind of mail each: an application, an answer,
 *			mail about a case, an AMS notice, an auto-reply,
 *			a bounce
 *   people.c		after a reload: dispositions of people the rules no
 *			longer name go to who holds the role now
 *
 * Include it after disposisi.h.
 */
#ifndef WORKFLOW_P_H
#define WORKFLOW_P_H

#define MAX_NAGS	3	/* questions to one sender, per case and day */
#define MAX_DOCS	20	/* files a case holds at most */

/* One message on its way through. */
struct flow {
	struct ctx		*ctx;
	const struct msg	*m;
	struct reading		*rd;
	int64_t			 inbound;
	struct decision		*d;
	int			 confirm;	/* a tag-only answer: confirm */

	const struct sop	*sop;
	struct case_row		*c;
	struct dispatch_row	*dp;	/* the dispatch answered */
	struct doc_row		*docs;	/* the case's documents */
	size_t			 ndocs;
	const char		*kinds[MAX_DOCS * 2];
	char			**yes;	/* quorum: Ys of this round */
	size_t			 nyes;
	char			**notices;	/* kept AMS notices' events */
	size_t			 nnotices;
	struct doc_row		*kept;	/* a confirmed answer's */
	size_t			 nkept;	/* files */
	const char		*evdocs[MAX_DOCS];	/* the mail's kinds */
	size_t			 nevdocs;
	const struct step	*next;	/* where the effects take the case */
	char			 expires[64];
	char			*tell;	/* a sentence for the applicant's mail */
	char			 proved[512];	/* the next disposition says a
						   proved step needs no answer */
};


/* workflow.c */
void		 flow_free(struct flow *);
/* Sets the note (and, when folder is not NULL, where the mail goes). */
void		 flow_note(struct flow *, const char *, const char *, ...)
		    __attribute__((format(printf, 3, 4)));
int		 flood_check(struct flow *, char **);
int		 flow_limited(struct flow *, const char *const *, size_t,
		    const char *);
void		 flow_evdocs(struct flow *, struct event *);
void		 flow_letter(struct flow *, const struct decide *, struct letter *,
		    const struct attachment **);
/* The one place a case changes state (compare-and-set, event, log). */
int		 flow_enter(struct flow *, enum case_state, const struct step *,
		    const char *, char **);
int		 flow_decide(struct flow *, const struct event *, char **);
/* Loads the case and its SOP; 0 with a note when it has none. */
int		 flow_case(struct flow *, int64_t, char **);
int		 flow_db_error(struct flow *, char **);

/* dispatch.c */
/* Reloads f->docs, the case's documents. */
int		 dispatch_docs(struct flow *, char **);
int		 dispatch_proved(struct flow *, const struct decide *,
		    const struct effect *, char **);
int		 dispatch_to(struct flow *, const struct step *, const char *,
		    int, const char *, char **);
int		 dispatch_again(struct flow *, const struct step *, const char *,
		    const char *, char **);
int		 dispatch_as(struct flow *, const struct step *, const char *,
		    const struct delegate *, const char *, char **);

/* handle-*.c: each returns 0 (with the flow's note) or -1 to roll back. */
int		 handle_application(struct flow *, char **);
int		 handle_open(struct flow *, const struct sop *,
		    const struct case_row *, char **);
int		 handle_answer(struct flow *, char **);
int		 handle_followup(struct flow *, char **);
int		 handle_notice(struct flow *, char **);
int		 handle_away(struct flow *, char **);
int		 handle_bounce(struct flow *, char **);
int		 handle_receipt(struct flow *, char **);

#endif
