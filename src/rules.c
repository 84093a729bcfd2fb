/* SPDX-License-Identifier: ISC */
/*
 * rules/: the SOPs admins write, in a small block language described in
 * disposisi.rules(5) and in the comments of the shipped rules/ files.
 *
 * This file loads them: every *.conf of the directory in name order and
 * what they include (the C stack is the include stack, bounded to
 * RULES_MAX_DEPTH), then the checks that need every file read, then the
 * look-ups the rest of the robot uses. The lexer is in rules-lex.c, the
 * grammar in rules-parse.c and rules-kw.c, and rules_p.h is what they
 * share. Every mistake is collected as "file:line:col: message", so that
 * one run of `disposisi check` shows them all.
 *
 * Names are resolved only after every file is read, so a step may name a
 * role or a document that a later file defines. The whole set loads or
 * nothing does: a typo never leaves the robot with half a rule book.
 */

#include <sys/types.h>

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "disposisi.h"
#include "re.h"
#include "rules_p.h"

#define RULES_MAX_FILE		(1024 * 1024)	/* bytes in one file */
#define RULES_MAX_DEPTH		8		/* includes within includes */

/* The step kinds, one file each (step-*.c); sorted by name. */
struct kind_entry {
	const char		*name;
	const struct step_kind	*kind;
};
static const struct kind_entry step_kinds[] = {
	{ "decision",	&step_decision },
	{ "document",	&step_document },
	{ "notice",	&step_notice },
	{ "quorum",	&step_quorum },
	{ "value",	&step_value },
};

/*
 * Files: the directory's and those they include.
 */

static char *
path_dir(const char *path)
{
	const char	*slash;

	if ((slash = strrchr(path, '/')) == NULL)
		return (xstrdup("."));
	if (slash == path)
		return (xstrdup("/"));
	return (xstrndup(path, (size_t)(slash - path)));
}

/* dir/name; "." is left out, so errors name files as the admin does. */
static char *
path_join(const char *dir, const char *name)
{
	if (name[0] == '/' || strcmp(dir, ".") == 0)
		return (xstrdup(name));
	return (util_path(dir, name));
}

/* Real paths, so that no file is read twice under two names. */
static int
seen_add(struct parse *ps, const char *path, int top)
{
	char	*real;
	size_t	 i;

	if ((real = realpath(path, NULL)) == NULL)
		real = xstrdup(path);
	for (i = 0; i < ps->nseen; i++) {
		if (strcmp(ps->seen[i], real) == 0) {
			free(real);
			return (ps->seen_top[i] ? 2 : 1);
		}
	}
	ps->seen = xreallocarray(ps->seen, ps->nseen + 1, sizeof *ps->seen);
	ps->seen_top = xreallocarray(ps->seen_top, ps->nseen + 1,
	    sizeof *ps->seen_top);
	ps->seen[ps->nseen] = real;
	ps->seen_top[ps->nseen++] = top;
	return (0);
}

/* include "path": relative to the including file's directory. */
int
rules_include(struct parse *ps)
{
	struct loc	 loc;
	char		*name, *dir, *path, *buf, *why = NULL;
	size_t		 len;

	if ((name = rules_lex_get_tok(ps, &loc, TK_STRING | TK_WORD,
	    "a file name in double quotes")) == NULL)
		return (-1);
	if (rules_lex_end_stmt(ps) == -1) {
		free(name);
		return (-1);
	}
	dir = path_dir(ps->files[ps->lx->file]);
	path = path_join(dir, name);
	free(dir);
	if (ps->depth >= RULES_MAX_DEPTH) {
		rules_lex_error(ps, &loc, "include \"%s\": includes nested"
		    " deeper than %d", name, RULES_MAX_DEPTH);
		goto out;
	}
	switch (seen_add(ps, path, 0)) {
	case 1:
		rules_lex_error(ps, &loc, "include \"%s\": %s is read twice",
		    name, path);
		goto out;
	case 2:
		rules_lex_error(ps, &loc, "include \"%s\": %s is read twice:"
		    " every *.conf of the directory is read (name included"
		    " files *.inc)", name, path);
		goto out;
	}
	if ((buf = util_read_file(path, RULES_MAX_FILE, &len, &why)) == NULL) {
		rules_lex_error(ps, &loc, "include \"%s\": %s", name, why);
		free(why);
		goto out;
	}
	ps->depth++;
	rules_parse_file(ps, path, buf, len);
	ps->depth--;
out:
	free(path);
	free(name);
	return (0);
}

/*
 * After every file: names, reachability, and each kind's own checks.
 */

static void
ref_error(struct parse *ps, const struct ref *f, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void
ref_error(struct parse *ps, const struct ref *f, const char *fmt, ...)
{
	va_list	 ap;
	char	*m;

	va_start(ap, fmt);
	xvasprintf(&m, fmt, ap);
	va_end(ap);
	rules_lex_error(ps, &f->loc, "%s", m);
	free(m);
	if (f->step != NONE)
		ps->info[f->sop].steps[f->step].bad = 1;
}

const struct notice *
rules_notice(const struct rules *r, const char *event)
{
	size_t	 i;

	for (i = 0; i < r->nnotices; i++) {
		if (strcmp(r->notices[i].event, event) == 0)
			return (&r->notices[i]);
	}
	return (NULL);
}

static void
resolve_ref(struct parse *ps, const struct ref *f)
{
	struct rules	*r = ps->r;
	struct sop	*sop = &r->sops[f->sop];
	struct step	*st = f->step != NONE ? &sop->steps[f->step] : NULL;

	switch (f->type) {
	case REF_ROLE:
		if ((st->role = rules_role(r, f->name)) == NULL)
			ref_error(ps, f, "unknown role \"%s\": an actor is a"
			    " role or applicant", f->name);
		break;
	case REF_DOC:
		if (rules_doctype(r, f->name) == NULL)
			ref_error(ps, f, "unknown document \"%s\"", f->name);
		break;
	case REF_EVENT:
		if (rules_notice(r, f->name) == NULL)
			ref_error(ps, f, "unknown notice event \"%s\"",
			    f->name);
		break;
	case REF_STEP:
		if (rules_step(sop, f->name) == NULL) {
			ref_error(ps, f, "unknown step \"%s\" in sop %s: a"
			    " target is a step, done, reject or applicant",
			    f->name, sop->name);
			ps->info[f->sop].lost = 1;
		}
		break;
	case REF_QUORUM:
		if (st->actor == NULL)
			break;
		if (strcmp(st->actor, "applicant") == 0)
			ref_error(ps, f, "quorum needs a group as actor, not"
			    " the applicant");
		else if (st->role == NULL)
			break;
		else if (st->role->naddrs == 1)
			ref_error(ps, f, "quorum on role %s, a single person",
			    st->role->name);
		else if ((size_t)st->quorum > st->role->naddrs)
			ref_error(ps, f, "quorum %d is larger than role %s"
			    " (%zu members)", st->quorum, st->role->name,
			    st->role->naddrs);
		break;
	case REF_SOP:
		if ((sop->renews = rules_sop(r, f->name)) == NULL)
			ref_error(ps, f, "unknown sop \"%s\"", f->name);
		else if (sop->renews == sop)
			ref_error(ps, f, "sop %s cannot renew itself",
			    sop->name);
		break;
	case REF_OFFICE:
		if (sop->office_domain == NULL)
			ref_error(ps, f, "skip-when applicant-in-office needs"
			    " an office-domain in sop %s", sop->name);
		break;
	}
}

static void
reach(const struct sop *sop, const struct target *to, int *seen,
    size_t *queue, size_t *tail)
{
	size_t	 i;

	if (to->kind != TARGET_STEP)
		return;
	for (i = 0; i < sop->nsteps; i++) {
		if (strcmp(sop->steps[i].name, to->step) == 0)
			break;
	}
	if (i < sop->nsteps && !seen[i]) {
		seen[i] = 1;
		queue[(*tail)++] = i;
	}
}

/*
 * Every step is reached from the first by yes, no and on targets. Not
 * checked when a target names no step (it may be the one meant), nor for
 * a step whose name is reported already (a duplicate or a target word).
 */
static void
check_reach(struct parse *ps, size_t isop)
{
	const struct sop	*sop = &ps->r->sops[isop];
	const struct step	*st;
	size_t			*queue, head = 0, tail = 0, i, j;
	int			*seen;

	if (sop->nsteps == 0 || ps->info[isop].lost)
		return;
	seen = xcalloc(sop->nsteps, sizeof *seen);
	queue = xcalloc(sop->nsteps, sizeof *queue);
	seen[0] = 1;
	queue[tail++] = 0;
	while (head < tail) {
		st = &sop->steps[queue[head++]];
		reach(sop, &st->yes, seen, queue, &tail);
		reach(sop, &st->no, seen, queue, &tail);
		for (i = 0; i < st->non; i++)
			reach(sop, &st->on[i].to, seen, queue, &tail);
	}
	for (i = 0; i < sop->nsteps; i++) {
		if (seen[i] || rules_step(sop, sop->steps[i].name) !=
		    &sop->steps[i])
			continue;
		for (j = 0; j < rules_kw_ntargets; j++) {
			if (strcmp(sop->steps[i].name,
			    rules_kw_targets[j].name) == 0)
				break;
		}
		if (j == rules_kw_ntargets)
			rules_lex_error(ps, &ps->info[isop].steps[i].loc, "step"
			    " %s is never reached from the first step, %s",
			    sop->steps[i].name, sop->steps[0].name);
	}
	free(queue);
	free(seen);
}

static void
resolve(struct parse *ps)
{
	struct rules		*r = ps->r;
	const struct step	*st;
	const struct stepinfo	*si;
	char			*cause;
	size_t			 i, j;

	/* Roles first: the quorum checks need them. */
	for (i = 0; i < ps->nrefs; i++) {
		if (ps->refs[i].type == REF_ROLE)
			resolve_ref(ps, &ps->refs[i]);
	}
	for (i = 0; i < ps->nrefs; i++) {
		if (ps->refs[i].type != REF_ROLE)
			resolve_ref(ps, &ps->refs[i]);
	}
	rules_cal_resolve(ps);
	rules_kw_mail_resolve(ps);
	if (r->report_role != NULL && (r->report_to = rules_role(r,
	    r->report_role)) == NULL)
		rules_lex_error(ps, &ps->report_loc, "unknown role \"%s\": the"
		    " monthly report goes to a role", r->report_role);
	for (i = 0; i < r->nsops; i++) {
		check_reach(ps, i);
		for (j = 0; j < r->sops[i].nsteps; j++) {
			st = &r->sops[i].steps[j];
			si = &ps->info[i].steps[j];
			if (si->bad || st->kind == NULL)
				continue;
			if (st->nproved_by > 0 && st->yes.kind == TARGET_NONE)
				rules_lex_error(ps, &si->loc, "step %s:"
				    " proved-by closes a step as a Y would:"
				    " the step needs a \"yes\" target",
				    st->name);
			if (st->kind->check == NULL)
				continue;
			cause = NULL;
			if (st->kind->check(&r->sops[i], st, &cause) == -1)
				rules_lex_error(ps, &si->loc, "%s",
				    cause != NULL ? cause :
				    "refused by its kind");
			free(cause);
		}
	}
}

/*
 * Loading.
 */

static int
rules_conf_file(const struct dirent *d)
{
	size_t	 n = strlen(d->d_name);

	return (d->d_name[0] != '.' && n > 5 &&
	    strcmp(d->d_name + n - 5, ".conf") == 0);
}

/* Byte order, whatever the locale: the order files are read in. */
static int
rules_name_cmp(const struct dirent **a, const struct dirent **b)
{
	return (strcmp((*a)->d_name, (*b)->d_name));
}

static int
step_kind_cmp(const void *key, const void *elem)
{
	return (strcmp(key, ((const struct kind_entry *)elem)->name));
}

/* bsearch finds nothing in an unsorted table, silently: check them. */
static void
rules_tables_check(void)
{
	size_t	 j;

	rules_parse_tables_check();
	for (j = 1; j < nitems(step_kinds); j++) {
		if (strcmp(step_kinds[j - 1].name, step_kinds[j].name) >= 0)
			fatalx("%s: %s out of order", __func__,
			    step_kinds[j].name);
	}
}

static void
parse_free(struct parse *ps)
{
	size_t	 i;

	for (i = 0; i < ps->nfiles; i++)
		free(ps->files[i]);
	free(ps->files);
	for (i = 0; i < ps->nseen; i++)
		free(ps->seen[i]);
	free(ps->seen);
	free(ps->seen_top);
	free(ps->bytes);
	for (i = 0; i < ps->nerrs; i++)
		free(ps->errs[i].msg);
	free(ps->errs);
	for (i = 0; i < ps->nrefs; i++)
		free(ps->refs[i].name);
	free(ps->refs);
	for (i = 0; ps->r != NULL && i < ps->r->nsops; i++)
		free(ps->info[i].steps);
	free(ps->info);
}

struct rules *
rules_load(const char *dir, char **cause)
{
	struct parse	 ps;
	struct rules	*r;
	struct dirent	**names;
	char		**paths, *buf, *why, hex[SHA256_HEX_LEN + 1];
	size_t		 len;
	int		 n, i;

	*cause = NULL;
	rules_tables_check();
	if ((n = scandir(dir, &names, rules_conf_file, rules_name_cmp)) ==
	    -1) {
		xasprintf(cause, "%s: %s", dir, strerror(errno));
		return (NULL);
	}
	memset(&ps, 0, sizeof ps);
	ps.r = xcalloc(1, sizeof *ps.r);
	rules_cal_default(&ps.r->cal);
	ps.dir = dir;
	ps.sop = ps.step = NONE;

	/*
	 * Every *.conf is known before the first is read, so that an
	 * include naming one is refused: it would be read twice.
	 */
	paths = xcalloc((size_t)n + 1, sizeof *paths);
	for (i = 0; i < n; i++) {
		paths[i] = path_join(dir, names[i]->d_name);
		seen_add(&ps, paths[i], 1);
		free(names[i]);
	}
	free(names);
	if (n == 0)
		rules_lex_error_dir(&ps, "%s: no *.conf file", dir);
	for (i = 0; i < n; i++) {
		why = NULL;
		if ((buf = util_read_file(paths[i], RULES_MAX_FILE, &len,
		    &why)) == NULL) {
			rules_lex_error_dir(&ps, "%s", why);
			free(why);
		} else
			rules_parse_file(&ps, paths[i], buf, len);
		free(paths[i]);
	}
	free(paths);

	resolve(&ps);
	if (n > 0 && !ps.sop_seen)
		rules_lex_error_dir(&ps, "%s: no sop is defined", dir);

	r = ps.r;
	crypto_sha256(ps.nbytes > 0 ? (void *)ps.bytes : (void *)"",
	    ps.nbytes, hex);
	memcpy(r->version, hex, sizeof r->version - 1);
	r->version[sizeof r->version - 1] = '\0';
	if (ps.nerrs > 0) {
		*cause = rules_lex_error_join(&ps);
		parse_free(&ps);
		rules_free(r);
		return (NULL);
	}
	parse_free(&ps);
	return (r);
}

static void
free_group(struct docgroup *g)
{
	xfreelist(g->phrases, g->n);
	xfreelist(g->folded, g->n);
}

static void
step_free(struct step *st)
{
	size_t	 i;

	free(st->name);
	free(st->number);
	free(st->actor);
	free(st->task);
	free(st->activity);
	xfreelist(st->send, st->nsend);
	xfreelist(st->needs, st->nneeds);
	free(st->yes.step);
	free(st->yes.where);
	free(st->no.step);
	free(st->no.where);
	for (i = 0; i < st->non; i++) {
		free(st->on[i].event);
		free(st->on[i].to.step);
		free(st->on[i].to.where);
	}
	free(st->on);
	xfreelist(st->proved_by, st->nproved_by);
	free(st->document);
	free(st->value_type);
	free(st->value_domain);
	free(st->tmpl);
	free(st->where);
}

void
rules_free(struct rules *r)
{
	struct sop	*sop;
	size_t		 i, j;

	if (r == NULL)
		return;
	for (i = 0; i < r->cal.nholidays; i++) {
		free(r->cal.holidays[i].name);
		free(r->cal.holidays[i].where);
	}
	free(r->cal.holidays);
	free(r->cal.where);
	for (i = 0; i < r->ndelegates; i++) {
		free(r->delegates[i].addr);
		free(r->delegates[i].note);
		free(r->delegates[i].where);
	}
	free(r->delegates);
	xfreelist(r->shared, r->nshared);
	rules_kw_mail_free(r);
	free(r->report_role);
	for (i = 0; i < r->nroles; i++) {
		free(r->roles[i].name);
		free(r->roles[i].title);
		xfreelist(r->roles[i].addrs, r->roles[i].naddrs);
		free(r->roles[i].where);
	}
	free(r->roles);
	for (i = 0; i < r->ndocs; i++) {
		free(r->docs[i].name);
		free(r->docs[i].words);
		for (j = 0; j < r->docs[i].npatterns; j++)
			re_free(r->docs[i].patterns[j]);
		free(r->docs[i].patterns);
		xfreelist(r->docs[i].sources, r->docs[i].npatterns);
		for (j = 0; j < r->docs[i].ngroups; j++)
			free_group(&r->docs[i].groups[j]);
		free(r->docs[i].groups);
		free_group(&r->docs[i].not);
		xfreelist(r->docs[i].types, r->docs[i].ntypes);
		free(r->docs[i].where);
	}
	free(r->docs);
	for (i = 0; i < r->nnotices; i++) {
		free(r->notices[i].event);
		free(r->notices[i].words);
		re_free(r->notices[i].from);
		re_free(r->notices[i].to);
		re_free(r->notices[i].subject);
		re_free(r->notices[i].body);
		free(r->notices[i].tmpl);
		free(r->notices[i].where);
	}
	free(r->notices);
	for (i = 0; i < r->nsops; i++) {
		sop = &r->sops[i];
		free(sop->name);
		free(sop->title);
		free(sop->prefix);
		re_free(sop->subject);
		xfreelist(sop->applicant_domains, sop->napplicant_domains);
		free(sop->office_domain);
		xfreelist(sop->requires, sop->nrequires);
		for (j = 0; j < sop->nsteps; j++)
			step_free(&sop->steps[j]);
		free(sop->steps);
		free(sop->where);
	}
	free(r->sops);
	free(r);
}

/*
 * Look-ups. The sets are small (a dozen of each), so a linear search is
 * plenty and keeps the SOP's order.
 */

const struct role *
rules_role(const struct rules *r, const char *name)
{
	size_t	 i;

	for (i = 0; name != NULL && i < r->nroles; i++) {
		if (strcmp(r->roles[i].name, name) == 0)
			return (&r->roles[i]);
	}
	return (NULL);
}

const struct role *
rules_role_by_addr(const struct rules *r, const char *addr)
{
	size_t	 i;

	for (i = 0; addr != NULL && i < r->nroles; i++) {
		if (rules_role_has(&r->roles[i], addr))
			return (&r->roles[i]);
	}
	return (NULL);
}

int
rules_role_has(const struct role *role, const char *addr)
{
	size_t	 i;

	for (i = 0; role != NULL && addr != NULL && i < role->naddrs; i++) {
		if (util_addr_eq(role->addrs[i], addr))
			return (1);
	}
	return (0);
}

/*
 * Is the address a person's own mailbox? Not when a role of people.conf
 * holds it (an official's or an operator's) nor when a shared-mailbox
 * line names it: what is mailed there is read by others.
 */
int
rules_personal(const struct rules *r, const char *addr)
{
	size_t	 i;

	if (addr == NULL || rules_role_by_addr(r, addr) != NULL)
		return (0);
	for (i = 0; i < r->nshared; i++) {
		if (util_addr_eq(r->shared[i], addr))
			return (0);
	}
	return (1);
}

const struct doctype *
rules_doctype(const struct rules *r, const char *name)
{
	size_t	 i;

	for (i = 0; name != NULL && i < r->ndocs; i++) {
		if (strcmp(r->docs[i].name, name) == 0)
			return (&r->docs[i]);
	}
	return (NULL);
}

const struct sop *
rules_sop(const struct rules *r, const char *name)
{
	size_t	 i;

	for (i = 0; name != NULL && i < r->nsops; i++) {
		if (strcmp(r->sops[i].name, name) == 0)
			return (&r->sops[i]);
	}
	return (NULL);
}

const struct step *
rules_step(const struct sop *sop, const char *name)
{
	size_t	 i;

	for (i = 0; sop != NULL && name != NULL && i < sop->nsteps; i++) {
		if (strcmp(sop->steps[i].name, name) == 0)
			return (&sop->steps[i]);
	}
	return (NULL);
}

const char *
rules_step_label(const struct step *s)
{
	return (s->activity != NULL ? s->activity : s->task);
}

/*
 * "applicants any" admits any well-formed address; otherwise the domain
 * after the '@' must be one listed, exactly (a subdomain is another
 * domain), whatever its case.
 */
int
rules_applicant_ok(const struct sop *sop, const char *addr)
{
	const char	*at;
	size_t		 i;

	if (sop == NULL || !rules_kw_addr_ok(addr))
		return (0);
	if (sop->applicants_any)
		return (1);
	at = strchr(addr, '@');
	for (i = 0; i < sop->napplicant_domains; i++) {
		if (strcasecmp(at + 1, sop->applicant_domains[i]) == 0)
			return (1);
	}
	return (0);
}

const struct delegate *
rules_delegate(const struct rules *r, const struct role *ro, int date,
    int standby)
{
	const struct delegate	*d, *found = NULL;
	size_t			 i;

	for (i = 0; i < r->ndelegates; i++) {
		d = &r->delegates[i];
		if (d->role != ro)
			continue;
		if (d->from != 0 && d->from <= date && date <= d->to)
			return (d);
		if (d->from == 0 && standby && found == NULL)
			found = d;
	}
	return (found);
}

const struct step_kind *
rules_step_kind(const char *name)
{
	const struct kind_entry	*k;

	if (name == NULL)
		return (NULL);
	k = bsearch(name, step_kinds, nitems(step_kinds),
	    sizeof step_kinds[0], step_kind_cmp);
	return (k != NULL ? k->kind : NULL);
}
