/* SPDX-License-Identifier: ISC */
/*
 * The rules about time and people above the steps: the office calendar
 * (time zone, working hours by weekday, holidays and cuti bersama, one a
 * line), who supervises whom (told when a step is very late), who acts
 * for whom (Plt./Plh.), and a SOP's reminder thresholds.
 *
 *	calendar { timezone +07:00  hours mon-thu 07:30-16:00 ... }
 *	holiday 2026-12-25 "Hari Raya Natal"
 *	supervisor kadis sekdis kabid-persandian
 *	delegate kadis ADDRESS 2026-12-01 2026-12-10 "Plt. Kepala Dinas" copy
 *	delegate kadis ADDRESS standby "Plh. Kepala Dinas"
 *	remind 100%  escalate 200%		(inside a sop)
 */

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "disposisi.h"
#include "rules_p.h"

#define CAL_MAX_PCT	10000

static const char *const cal_days[] = {
	"sun", "mon", "tue", "wed", "thu", "fri", "sat"
};

/* WIB, Monday to Thursday 07:30-16:00, Friday 07:30-16:30. */
void
rules_cal_default(struct calendar *cal)
{
	int	 d;

	cal->utc_offset = CLOCK_ZONE_DEFAULT;
	for (d = 0; d < 7; d++)
		cal->open[d] = cal->close[d] = 0;
	for (d = 1; d <= 5; d++) {
		cal->open[d] = 7 * 60 + 30;
		cal->close[d] = d == 5 ? 16 * 60 + 30 : 16 * 60;
	}
}

/* "HH:MM" as minutes of the day, or -1. 24:00 ends a day. */
static int
cal_hhmm(const char *s, size_t n)
{
	int	 h, m;

	if (n != 5 || !isdigit((unsigned char)s[0]) ||
	    !isdigit((unsigned char)s[1]) || s[2] != ':' ||
	    !isdigit((unsigned char)s[3]) || !isdigit((unsigned char)s[4]))
		return (-1);
	h = (s[0] - '0') * 10 + (s[1] - '0');
	m = (s[3] - '0') * 10 + (s[4] - '0');
	if (m > 59 || h > 24 || (h == 24 && m != 0))
		return (-1);
	return (h * 60 + m);
}

static int
cal_day(const char *s, size_t n)
{
	size_t	 i;

	for (i = 0; i < 7; i++) {
		if (n == 3 && strncasecmp(s, cal_days[i], 3) == 0)
			return ((int)i);
	}
	return (-1);
}

/* timezone +07:00 (Indonesia keeps no summer time: an offset suffices) */
int
rules_cal_timezone(struct parse *ps)
{
	struct loc	 loc;
	char		*s;
	int		 m = -1;

	if ((s = rules_lex_get_tok(ps, &loc, TK_WORD,
	    "an offset from UTC (+07:00)")) == NULL)
		return (-1);
	if ((s[0] == '+' || s[0] == '-') && (m = cal_hhmm(s + 1,
	    strlen(s + 1))) != -1 && m <= 14 * 60)
		ps->r->cal.utc_offset = s[0] == '-' ? -m : m;
	else if (clock_zone_parse(s, &m) == 0)
		ps->r->cal.utc_offset = m;
	else {
		rules_lex_error(ps, &loc, "bad time zone \"%s\": write +07:00,"
		    " or WIB, WITA, WIT", s);
		free(s);
		return (-1);
	}
	free(s);
	return (rules_lex_end_stmt(ps));
}

/* hours DAY[-DAY] HH:MM-HH:MM, or hours DAY[-DAY] closed */
int
rules_cal_hours(struct parse *ps)
{
	struct loc	 dloc, hloc;
	char		*days, *span;
	const char	*dash;
	int		 from, to, open = 0, close = 0, d;

	if ((days = rules_lex_get_tok(ps, &dloc, TK_WORD,
	    "days (mon-thu, fri)")) == NULL)
		return (-1);
	if ((span = rules_lex_get_tok(ps, &hloc, TK_WORD,
	    "hours (07:30-16:00) or closed")) == NULL) {
		free(days);
		return (-1);
	}
	dash = strchr(days, '-');
	from = cal_day(days, dash ? (size_t)(dash - days) : strlen(days));
	to = dash ? cal_day(dash + 1, strlen(dash + 1)) : from;
	if (from == -1 || to == -1) {
		rules_lex_error(ps, &dloc, "bad days \"%s\": write mon, tue, wed,"
		    " thu, fri, sat, sun, or a range such as mon-thu", days);
		goto fail;
	}
	if (strcasecmp(span, "closed") != 0) {
		dash = strchr(span, '-');
		if (dash == NULL || (open = cal_hhmm(span,
		    (size_t)(dash - span))) == -1 || (close = cal_hhmm(dash + 1,
		    strlen(dash + 1))) == -1 || close <= open) {
			rules_lex_error(ps, &hloc, "bad hours \"%s\": write"
			    " 07:30-16:00 or closed", span);
			goto fail;
		}
	}
	for (d = from;; d = (d + 1) % 7) {
		ps->r->cal.open[d] = open;
		ps->r->cal.close[d] = close;
		if (d == to)
			break;
	}
	free(days);
	free(span);
	return (rules_lex_end_stmt(ps));
fail:
	free(days);
	free(span);
	return (-1);
}

/* YYYY-MM-DD as YYYYMMDD, or -1 for what no calendar has. */
static int
cal_parse_date(const char *s)
{
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31,
	    30, 31 };
	int		 y, m, d, i;

	for (i = 0; i < 10; i++) {
		if (i == 4 || i == 7 ? s[i] != '-' :
		    !isdigit((unsigned char)s[i]))
			return (-1);
	}
	if (s[10] != '\0')
		return (-1);
	y = atoi(s);
	m = atoi(s + 5);
	d = atoi(s + 8);
	if (y < 2000 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1] ||
	    (m == 2 && d == 29 && !(y % 4 == 0 && (y % 100 != 0 ||
	    y % 400 == 0))))
		return (-1);
	return (y * 10000 + m * 100 + d);
}

/* holiday YYYY-MM-DD "NAME" */
int
rules_cal_holiday(struct parse *ps)
{
	struct calendar	*cal = &ps->r->cal;
	struct holiday	*h;
	struct loc	 loc;
	char		*s, *name;
	int		 date;
	size_t		 i;

	if ((s = rules_lex_get_tok(ps, &loc, TK_WORD,
	    "a date (2026-12-25)")) == NULL)
		return (-1);
	if ((date = cal_parse_date(s)) == -1) {
		rules_lex_error(ps, &loc, "bad date \"%s\": write YYYY-MM-DD", s);
		free(s);
		return (-1);
	}
	free(s);
	if ((name = rules_lex_get_tok(ps, NULL, TK_STRING,
	    "the holiday's name in double quotes")) == NULL)
		return (-1);
	for (i = 0; i < cal->nholidays; i++) {
		if (cal->holidays[i].date == date)
			rules_lex_error(ps, &loc, "holiday given twice (first at"
			    " %s)", cal->holidays[i].where);
	}
	/* Kept sorted: the calendar looks dates up by bisection. */
	for (i = cal->nholidays; i > 0 && cal->holidays[i - 1].date > date;
	    i--)
		;
	cal->holidays = xreallocarray(cal->holidays, cal->nholidays + 1,
	    sizeof *cal->holidays);
	memmove(&cal->holidays[i + 1], &cal->holidays[i],
	    (cal->nholidays - i) * sizeof *cal->holidays);
	cal->nholidays++;
	h = &cal->holidays[i];
	h->date = date;
	h->name = name;
	h->where = rules_lex_where(ps, &ps->kw);
	return (rules_lex_end_stmt(ps));
}

/* supervisor SUPERVISOR ROLE...: who is told when ROLE's step is late. */
int
rules_cal_supervisor(struct parse *ps)
{
	struct supref	*sr;
	struct loc	 sloc, *locs;
	char		*sup, **roles;
	size_t		 n, i;

	if ((sup = rules_lex_get_tok(ps, &sloc, TK_WORD,
	    "the supervising role")) == NULL)
		return (-1);
	if (rules_lex_get_words(ps, "the roles supervised", &roles, &locs,
	    &n) == -1) {
		free(sup);
		return (-1);
	}
	for (i = 0; i < n; i++) {
		ps->sups = xreallocarray(ps->sups, ps->nsups + 1,
		    sizeof *ps->sups);
		sr = &ps->sups[ps->nsups++];
		sr->sup = xstrdup(sup);
		sr->sup_loc = sloc;
		sr->role = xstrdup(roles[i]);
		sr->role_loc = locs[i];
	}
	rules_lex_free_words(roles, locs, n);
	free(sup);
	return (rules_lex_end_stmt(ps));
}

/*
 * delegate ROLE ADDRESS FROM TO "NOTE" [copy], or ROLE ADDRESS standby
 * "NOTE" [copy]: a standby delegate acts when the holder's mail says they
 * are away (an out-of-office reply).
 */
int
rules_cal_delegate(struct parse *ps)
{
	struct delegate	*d;
	struct supref	*sr;
	struct loc	 rloc, aloc, floc, tloc, cloc;
	char		*role, *addr = NULL, *from = NULL, *to = NULL, *copy;
	int		 f = 0, t = 0;

	if ((role = rules_lex_get_tok(ps, &rloc, TK_WORD, "a role")) == NULL)
		return (-1);
	if ((addr = rules_lex_get_tok(ps, &aloc, TK_WORD,
	    "the acting person's address")) == NULL ||
	    (from = rules_lex_get_tok(ps, &floc, TK_WORD,
	    "a first day (2026-12-01) or standby")) == NULL)
		goto fail;
	if (!rules_kw_addr_ok(addr)) {
		rules_lex_error(ps, &aloc, "\"%s\" is not an address", addr);
		goto fail;
	}
	if (strcmp(from, "standby") != 0) {
		if ((to = rules_lex_get_tok(ps, &tloc, TK_WORD,
		    "a last day (2026-12-10)")) == NULL)
			goto fail;
		if ((f = cal_parse_date(from)) == -1 || (t = cal_parse_date(to)) == -1) {
			rules_lex_error(ps, f == -1 ? &floc : &tloc, "bad date"
			    " \"%s\": write YYYY-MM-DD", f == -1 ? from : to);
			goto fail;
		}
		if (t < f) {
			rules_lex_error(ps, &tloc, "the last day comes before"
			    " the first");
			goto fail;
		}
	}
	ps->r->delegates = xreallocarray(ps->r->delegates,
	    ps->r->ndelegates + 1, sizeof *ps->r->delegates);
	d = &ps->r->delegates[ps->r->ndelegates];
	memset(d, 0, sizeof *d);
	d->addr = util_lower(addr);
	d->from = f;
	d->to = t;
	d->where = rules_lex_where(ps, &ps->kw);
	if ((d->note = rules_lex_get_tok(ps, NULL, TK_STRING,
	    "the title in double quotes (\"Plt. Kepala Dinas\")")) == NULL) {
		free(d->addr);
		free(d->where);
		goto fail;
	}
	ps->r->ndelegates++;
	if (ps->lx->tok.type == T_WORD) {
		copy = rules_lex_get_tok(ps, &cloc, TK_WORD, "copy");
		if (copy != NULL && strcmp(copy, "copy") == 0)
			d->copy = 1;
		else if (copy != NULL)
			rules_lex_error(ps, &cloc, "unknown word \"%s\": only"
			    " copy may end a delegate line", copy);
		free(copy);
	}
	ps->sups = xreallocarray(ps->sups, ps->nsups + 1, sizeof *ps->sups);
	sr = &ps->sups[ps->nsups++];
	memset(sr, 0, sizeof *sr);
	sr->role = role;
	sr->role_loc = rloc;
	sr->delegate = ps->r->ndelegates - 1;
	free(addr);
	free(from);
	free(to);
	return (rules_lex_end_stmt(ps));
fail:
	free(role);
	free(addr);
	free(from);
	free(to);
	return (-1);
}

/* A delegate acts for one person; a group's members stand for each other. */
static void
cal_resolve_delegate(struct parse *ps, struct supref *sr)
{
	struct delegate	*d = &ps->r->delegates[sr->delegate];
	const struct role *ro = rules_role(ps->r, sr->role);

	if (ro == NULL)
		rules_lex_error(ps, &sr->role_loc, "unknown role \"%s\"",
		    sr->role);
	else if (ro->naddrs != 1)
		rules_lex_error(ps, &sr->role_loc, "%s is a group: a delegate"
		    " acts for a role one person holds", ro->name);
	else if (rules_role_has(ro, d->addr))
		rules_lex_error(ps, &sr->role_loc, "%s cannot act for"
		    " themselves", d->addr);
	else
		d->role = ro;
	free(sr->role);
}

/* Every supervisor line names roles; each role has one supervisor. */
void
rules_cal_resolve(struct parse *ps)
{
	struct role	*ro;
	const struct role *sup;
	size_t		 i;

	for (i = 0; i < ps->nsups; i++) {
		if (ps->sups[i].sup == NULL) {
			cal_resolve_delegate(ps, &ps->sups[i]);
			continue;
		}
		sup = rules_role(ps->r, ps->sups[i].sup);
		ro = (struct role *)rules_role(ps->r, ps->sups[i].role);
		if (sup == NULL)
			rules_lex_error(ps, &ps->sups[i].sup_loc, "unknown role"
			    " \"%s\"", ps->sups[i].sup);
		if (ro == NULL)
			rules_lex_error(ps, &ps->sups[i].role_loc, "unknown role"
			    " \"%s\"", ps->sups[i].role);
		else if (ro == sup)
			rules_lex_error(ps, &ps->sups[i].role_loc, "%s cannot"
			    " supervise itself", ro->name);
		else if (ro->supervisor != NULL)
			rules_lex_error(ps, &ps->sups[i].role_loc, "%s has a"
			    " supervisor already (%s)", ro->name,
			    ro->supervisor->name);
		else if (sup != NULL)
			ro->supervisor = sup;
		free(ps->sups[i].sup);
		free(ps->sups[i].role);
	}
	free(ps->sups);
	ps->sups = NULL;
	ps->nsups = 0;
}

/* NNN% of the standard time. */
static int
cal_pct(struct parse *ps, int *out)
{
	struct loc	 loc;
	char		*s, *end;
	long		 v;

	if ((s = rules_lex_get_tok(ps, &loc, TK_WORD, "a percentage (100%)"))
	    == NULL)
		return (-1);
	v = strtol(s, &end, 10);
	if (end == s || strcmp(end, "%") != 0 || v < 1 || v > CAL_MAX_PCT) {
		rules_lex_error(ps, &loc, "bad percentage \"%s\": write a whole"
		    " number from 1 to %d and %%, such as 200%%", s,
		    CAL_MAX_PCT);
		free(s);
		return (-1);
	}
	free(s);
	*out = (int)v;
	return (rules_lex_end_stmt(ps));
}

int
rules_cal_remind(struct parse *ps)
{
	return (cal_pct(ps, &ps->r->sops[ps->sop].remind_pct));
}

int
rules_cal_escalate(struct parse *ps)
{
	return (cal_pct(ps, &ps->r->sops[ps->sop].escalate_pct));
}
