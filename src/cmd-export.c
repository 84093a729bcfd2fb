/* SPDX-License-Identifier: ISC */
/*
 * `disposisi export -f FILE CASE DIR`: everything held about a case, for
 * an applicant's request under UU 27/2022 - kasus.json (what `show
 * --json` prints), the documents, every mail in and out as .eml - in a
 * new directory of mode 0700 with files of mode 0600. The export is an
 * event on the case, sealed like the others. Given an e-mail address
 * instead of a case, every case of that applicant goes into DIR/<case>/
 * and the mail from that address that joined no case into
 * DIR/surel-lain/.
 */

#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "disposisi.h"

#define EX_CANTCREAT_STATUS	73	/* sysexits.h EX_CANTCREAT */

/* Copies one held file into the export; missing ones are counted. */
static int
export_file(const char *dir, const char *name, const char *from,
    size_t *missing, char **cause)
{
	char	*to;
	int	 rv;

	to = util_path(dir, name);
	if ((rv = util_copy_file(from, to, 0600, cause)) == 0)
		(*missing)++;
	free(to);
	return (rv == -1 ? -1 : 0);
}

/* Says what the export holds; a purged case has its record only. */
static void
export_said(struct ctx *ctx, int64_t id, const char *ref, const char *dir,
    size_t n, size_t missing)
{
	char	 at[64];
	time_t	 purged = store_case_purged_at(ctx->store, id);

	printf("%s: %zu file(s) and kasus.json in %s", ref, n - missing, dir);
	if (purged > 0) {
		clock_format(purged, CLOCK_DATE | CLOCK_ISO, at, sizeof at);
		printf(" (the mail and documents were removed under retention"
		    " on %s; kasus.json keeps the record and each document's"
		    " SHA-256)\n", at);
	} else
		printf("%s\n", missing ? " (some files were already removed)" :
		    "");
}

static int
export_case(struct ctx *ctx, int64_t id, const char *ref, const char *dir,
    char **cause)
{
	static const char *const sub[] = { "dokumen", "surel-masuk",
	    "surel-keluar" };
	struct case_file *files;
	char		*p, *raw;
	size_t		 n, i, missing = 0;
	FILE		*f;
	int		 rv = 0;

	if (mkdir(dir, 0700) == -1) {
		xasprintf(cause, "%s: %s", dir, strerror(errno));
		return (-1);
	}
	for (i = 0; i < sizeof sub / sizeof sub[0]; i++) {
		p = util_path(dir, sub[i]);
		if (mkdir(p, 0700) == -1) {
			xasprintf(cause, "%s: %s", p, strerror(errno));
			free(p);
			return (-1);
		}
		free(p);
	}
	p = util_path(dir, "kasus.json");
	if ((f = fopen(p, "wx")) == NULL) {
		xasprintf(cause, "%s: %s", p, strerror(errno));
		free(p);
		return (-1);
	}
	free(p);
	if (show_case(ctx, ref, f, SHOW_JSON) != 1) {
		fclose(f);
		*cause = store_error(ctx->store);
		return (-1);
	}
	if (fclose(f) == EOF) {
		xasprintf(cause, "kasus.json: %s", strerror(errno));
		return (-1);
	}
	if (store_case_files(ctx->store, ref, &files, &n) == -1) {
		*cause = store_error(ctx->store);
		return (-1);
	}
	raw = util_path(ctx->conf->spool_dir, "raw");
	for (i = 0; i < n && rv == 0; i++) {
		p = files[i].path != NULL ? xstrdup(files[i].path) :
		    util_path(raw, files[i].sha);
		rv = export_file(dir, files[i].name, p, &missing, cause);
		free(p);
	}
	free(raw);
	store_case_files_free(files, n);
	if (rv == 0)
		export_said(ctx, id, ref, dir, n, missing);
	return (rv);
}

/* Exports one case into dir and records it on the case. */
static int
export_one(struct ctx *ctx, const char *ref, const char *dir, char **cause)
{
	char	*note;
	int64_t	 id;
	int	 rv = 0;

	if ((id = store_case_find(ctx->store, ref, NULL, 0)) == -1) {
		*cause = store_error(ctx->store);
		return (1);
	}
	if (id == 0) {
		xasprintf(cause, "no case %s", ref);
		return (65);
	}
	if (export_case(ctx, id, ref, dir, cause) == -1)
		return (EX_CANTCREAT_STATUS);
	xasprintf(&note, "to %s", dir);
	if (store_begin(ctx->store) == -1 || store_event(ctx->store, id,
	    "admin", "ekspor-data", note) == -1 ||
	    store_commit(ctx->store) == -1) {
		store_rollback(ctx->store);
		xasprintf(cause, "the export of %s is done, but not recorded in"
		    " the case's history", ref);
		rv = 1;
	}
	free(note);
	return (rv);
}

/* The mail from addr that joined no case, into dir/surel-lain/. */
static int
export_loose(struct ctx *ctx, const char *addr, const char *dir, char **cause)
{
	char	**shas, *sub, *raw, *from, *name;
	size_t	 n, i, missing = 0;
	int	 rv = 0;

	if (store_inbound_loose(ctx->store, addr, &shas, &n) == -1) {
		*cause = store_error(ctx->store);
		return (1);
	}
	sub = util_path(dir, "surel-lain");
	raw = util_path(ctx->conf->spool_dir, "raw");
	if (n > 0 && mkdir(sub, 0700) == -1) {
		xasprintf(cause, "%s: %s", sub, strerror(errno));
		rv = EX_CANTCREAT_STATUS;
	}
	for (i = 0; i < n && rv == 0; i++) {
		from = util_path(raw, shas[i]);
		xasprintf(&name, "%03zu.eml", i + 1);
		if (export_file(sub, name, from, &missing, cause) == -1)
			rv = EX_CANTCREAT_STATUS;
		free(name);
		free(from);
	}
	if (rv == 0 && n > 0)
		printf("%zu mail(s) that joined no case in %s\n", n - missing,
		    sub);
	for (i = 0; i < n; i++)
		free(shas[i]);
	free(shas);
	free(raw);
	free(sub);
	return (rv);
}

/* Every case of an applicant, and their other mail, under dir. */
static int
export_person(struct ctx *ctx, const char *who, const char *dir,
    char **cause)
{
	char	**refs, *addr, *sub;
	size_t	 n, i;
	int	 rv = 0;

	addr = util_lower(who);
	if (store_cases_of(ctx->store, addr, &refs, &n) == -1) {
		*cause = store_error(ctx->store);
		rv = 1;
	} else if (mkdir(dir, 0700) == -1) {
		xasprintf(cause, "%s: %s", dir, strerror(errno));
		rv = EX_CANTCREAT_STATUS;
	}
	for (i = 0; i < n && rv == 0; i++) {
		sub = util_path(dir, refs[i]);
		rv = export_one(ctx, refs[i], sub, cause);
		free(sub);
	}
	if (rv == 0)
		rv = export_loose(ctx, addr, dir, cause);
	if (rv == 0 && n == 0)
		printf("%s: no case; only the mail above, if any\n", addr);
	for (i = 0; i < n; i++)
		free(refs[i]);
	free(refs);
	free(addr);
	return (rv);
}

static int
cmd_export(const struct cmd_entry *self, struct ctx *ctx, struct args *a)
{
	const char	*what = a->argv[0], *dir = a->argv[1];
	char		*cause = NULL;
	int		 rv;

	(void)self;
	umask(077);
	rv = strchr(what, '@') != NULL ? export_person(ctx, what, dir,
	    &cause) : export_one(ctx, what, dir, &cause);
	if (rv != 0) {
		fprintf(stderr, "disposisi: export: %s\n", cause);
		free(cause);
	}
	return (rv);
}

const struct cmd_entry cmd_export_entry = {
	.name = "export",
	.usage = "-f FILE CASE|ADDRESS DIR",
	.args = { "f:", 2, 2, NULL },
	.needs = CMD_CONF | CMD_RULES | CMD_DB | CMD_SEAL,
	.exec = cmd_export
};
