/* SPDX-License-Identifier: ISC */
/*
 * PCRE2 wrapper. Everything else in the tree sees only the opaque struct re,
 * so the library stays in one place and can be swapped or audited alone.
 * Mail is hostile input: every match runs under match, depth and heap
 * limits so that a crafted body cannot stall the daemon by backtracking.
 */

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "log.h"
#include "re.h"
#include "xmalloc.h"

/* Far above what a sane pattern needs on a mail body, far below a stall. */
#define RE_MATCH_LIMIT	1000000
#define RE_DEPTH_LIMIT	10000
#define RE_HEAP_LIMIT	16384		/* KiB */

struct re {
	pcre2_code		*code;
	pcre2_match_context	*mctx;
	uint32_t		 ngroups;
};

static int	re_exec(struct re *, const char *, size_t,
		    pcre2_match_data **);

struct re *
re_compile(const char *pattern, int flags, char **cause)
{
	struct re	*re;
	uint32_t	 opts = PCRE2_UTF | PCRE2_UCP;
	int		 errcode;
	PCRE2_SIZE	 erroff;
	PCRE2_UCHAR	 msg[256];

	*cause = NULL;
	if (flags & ~(RE_CASELESS | RE_MULTILINE)) {
		xasprintf(cause, "offset 0: unknown flags %#x", flags);
		return (NULL);
	}
	if (flags & RE_CASELESS)
		opts |= PCRE2_CASELESS;
	if (flags & RE_MULTILINE)
		opts |= PCRE2_MULTILINE;

	re = xcalloc(1, sizeof *re);
	re->code = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED,
	    opts, &errcode, &erroff, NULL);
	if (re->code == NULL) {
		if (pcre2_get_error_message(errcode, msg, sizeof msg) < 0)
			strcpy((char *)msg, "unknown error");
		xasprintf(cause, "offset %zu: %s", (size_t)erroff,
		    (char *)msg);
		free(re);
		return (NULL);
	}
	if (pcre2_pattern_info(re->code, PCRE2_INFO_CAPTURECOUNT,
	    &re->ngroups) != 0)
		fatalx("%s: pcre2_pattern_info", __func__);

	if ((re->mctx = pcre2_match_context_create(NULL)) == NULL)
		fatalx("%s: out of memory", __func__);
	pcre2_set_match_limit(re->mctx, RE_MATCH_LIMIT);
	pcre2_set_depth_limit(re->mctx, RE_DEPTH_LIMIT);
	pcre2_set_heap_limit(re->mctx, RE_HEAP_LIMIT);
	return (re);
}

int
re_match(struct re *re, const char *subject, size_t len, size_t *so,
    size_t *eo)
{
	pcre2_match_data	*md;
	PCRE2_SIZE		*ov;
	int			 rc;

	if ((rc = re_exec(re, subject, len, &md)) == 1) {
		ov = pcre2_get_ovector_pointer(md);
		if (so != NULL)
			*so = ov[0];
		if (eo != NULL)
			*eo = ov[1];
	}
	pcre2_match_data_free(md);
	return (rc);
}

int
re_match_group(struct re *re, const char *subject, size_t len, int group,
    char **out)
{
	pcre2_match_data	*md;
	PCRE2_SIZE		*ov;
	int			 rc;

	*out = NULL;
	if (group < 0 || (uint32_t)group > re->ngroups)
		return (-1);
	if ((rc = re_exec(re, subject, len, &md)) == 1) {
		ov = pcre2_get_ovector_pointer(md);
		/* A group that did not participate reads as unset. */
		if (ov[2 * group] != PCRE2_UNSET)
			*out = xstrndup(subject + ov[2 * group],
			    ov[2 * group + 1] - ov[2 * group]);
	}
	pcre2_match_data_free(md);
	return (rc);
}

int
re_match_named(struct re *re, const char *subject, size_t len,
    const char *name, char **out)
{
	pcre2_match_data	*md;
	PCRE2_SIZE		 glen, blen;
	char			*buf;
	int			 rc, n;

	*out = NULL;
	if ((rc = re_exec(re, subject, len, &md)) == 1) {
		/*
		 * By name, not number: with (?J) several groups share a name
		 * and PCRE2 picks the one that took part.
		 */
		n = pcre2_substring_length_byname(md, (PCRE2_SPTR)name,
		    &glen);
		if (n == 0) {
			blen = glen + 1;
			buf = xmalloc(blen);
			if (pcre2_substring_copy_byname(md, (PCRE2_SPTR)name,
			    (PCRE2_UCHAR *)buf, &blen) == 0)
				*out = buf;
			else {
				free(buf);
				rc = -1;
			}
		} else if (n != PCRE2_ERROR_UNSET &&
		    n != PCRE2_ERROR_NOSUBSTRING) {
			log_debug("%s: pcre2 error %d", __func__, n);
			rc = -1;
		}
	}
	pcre2_match_data_free(md);
	return (rc);
}

void
re_free(struct re *re)
{
	if (re == NULL)
		return;
	pcre2_match_context_free(re->mctx);
	pcre2_code_free(re->code);
	free(re);
}

/*
 * Run one match with fresh match data (kept per call so a struct re can be
 * shared). Return 1, 0 or -1 as re_match; *mdp is always set and the caller
 * frees it.
 */
static int
re_exec(struct re *re, const char *subject, size_t len,
    pcre2_match_data **mdp)
{
	int	 rc;

	if ((*mdp = pcre2_match_data_create_from_pattern(re->code,
	    NULL)) == NULL)
		fatalx("%s: out of memory", __func__);
	/* PCRE2 before 10.43 rejects a NULL subject even when empty. */
	if (subject == NULL)
		subject = "";
	rc = pcre2_match(re->code, (PCRE2_SPTR)subject, len, 0, 0, *mdp,
	    re->mctx);
	if (rc == PCRE2_ERROR_NOMATCH)
		return (0);
	if (rc < 0) {
		log_debug("%s: pcre2 error %d", __func__, rc);
		return (-1);
	}
	return (1);
}
