/* SPDX-License-Identifier: ISC */
/*
 * The project's only libetpan user: an IMAP session for the intake loop.
 * Debian's libetpan does TLS with GnuTLS and checks no certificate, so
 * imap_connect() hands the server's chain to crypto_verify_chain() before
 * the password is sent. Folder names stay ASCII (no modified UTF-7).
 */

#include <sys/socket.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libetpan/libetpan.h>

#include "disposisi.h"

struct imap {
	mailimap	*s;
	int		 has_move;
	int		 has_uidplus;
	int		 use_idle;
	int		 poll_interval;
	time_t		 since;		/* connected at */
};

static void
imap_cause(struct imap *im, const char *what, int r, char **cause)
{
	const char	*resp = im->s ? im->s->imap_response : NULL;
	const char	*why;

	switch (r) {
	case MAILIMAP_ERROR_STREAM:
		why = "connection lost or closed by the server";
		break;
	case MAILIMAP_ERROR_PARSE:
		why = "answer from the server not understood";
		break;
	case MAILIMAP_ERROR_SSL:
		why = "TLS failed";
		break;
	default:
		why = "refused";
		break;
	}
	xasprintf(cause, "%s: %s (libetpan error %d)%s%s", what, why, r,
	    resp ? ": " : "", resp ? resp : "");
}

/* Checks the TLS peer against the CA file and the expected name. */
static int
imap_verify(struct imap *im, const struct conf *c, char **cause)
{
	carray		*chain;
	const unsigned char **der;
	size_t		*len, n, i;
	MMAPString	*cert;
	int		 rv;

	chain = mailstream_get_certificate_chain(im->s->imap_stream);
	if (chain == NULL) {
		xasprintf(cause, "no certificate from %s", c->imap_host);
		return (-1);
	}
	n = carray_count(chain);
	der = xcalloc(n + 1, sizeof *der);
	len = xcalloc(n + 1, sizeof *len);
	for (i = 0; i < n; i++) {
		cert = carray_get(chain, (unsigned)i);
		der[i] = (const unsigned char *)cert->str;
		len[i] = cert->len;
	}
	rv = crypto_verify_chain(der, len, n, c->imap_tls_name ?
	    c->imap_tls_name : c->imap_host, c->imap_ca_file, cause);
	free(der);
	free(len);
	mailstream_certificate_chain_free(chain);
	return (rv);
}

static int
imap_ok(int r)
{
	return (r == MAILIMAP_NO_ERROR || r == MAILIMAP_NO_ERROR_AUTHENTICATED
	    || r == MAILIMAP_NO_ERROR_NON_AUTHENTICATED);
}

struct imap *
imap_connect(const struct conf *c, char **cause)
{
	struct imap	*im;
	int		 r, fd, on = 1;
	struct mailimap_capability_data *cap = NULL;

	im = xcalloc(1, sizeof *im);
	im->s = mailimap_new(0, NULL);
	mailimap_set_timeout(im->s, c->imap_timeout);
	if (c->imap_tls == TLS_IMPLICIT)
		r = mailimap_ssl_connect(im->s, c->imap_host,
		    (uint16_t)c->imap_port);
	else
		r = mailimap_socket_connect(im->s, c->imap_host,
		    (uint16_t)c->imap_port);
	if (!imap_ok(r)) {
		xasprintf(cause, "cannot connect to %s:%d (libetpan error %d)",
		    c->imap_host, c->imap_port, r);
		goto fail;
	}
	if (c->imap_tls == TLS_STARTTLS &&
	    (r = mailimap_socket_starttls(im->s)) != MAILIMAP_NO_ERROR) {
		imap_cause(im, "STARTTLS", r, cause);
		goto fail;
	}
	if (c->imap_tls != TLS_NONE && imap_verify(im, c, cause) == -1)
		goto fail;
	if ((fd = mailimap_idle_get_fd(im->s)) != -1)
		setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &on, sizeof on);
	if ((r = mailimap_login(im->s, c->imap_user, c->imap_password)) !=
	    MAILIMAP_NO_ERROR) {
		imap_cause(im, "LOGIN", r, cause);
		goto fail;
	}
	/* Capabilities change after login; ask again. */
	if (mailimap_capability(im->s, &cap) == MAILIMAP_NO_ERROR)
		mailimap_capability_data_free(cap);
	im->has_move = mailimap_has_extension(im->s, "MOVE");
	im->has_uidplus = mailimap_has_extension(im->s, "UIDPLUS");
	im->use_idle = c->imap_idle && mailimap_has_idle(im->s);
	im->poll_interval = c->imap_poll_interval;
	im->since = time(NULL);
	if (!im->use_idle)
		log_info("IMAP %s: no IDLE, polling every %d s", c->imap_host,
		    c->imap_poll_interval);
	return (im);
fail:
	imap_close(im);
	return (NULL);
}

void
imap_close(struct imap *im)
{
	if (im == NULL)
		return;
	if (im->s != NULL) {
		if (im->s->imap_state != MAILIMAP_STATE_DISCONNECTED)
			mailimap_logout(im->s);
		mailimap_free(im->s);
	}
	free(im);
}

/* Does LIST find the folder? 1 yes, 0 no, -1 error. */
static int
imap_folder_listed(struct imap *im, const char *name, char **cause)
{
	clist	*list = NULL;
	int	 r, found;

	r = mailimap_list(im->s, "", name, &list);
	if (r != MAILIMAP_NO_ERROR) {
		imap_cause(im, "LIST", r, cause);
		return (-1);
	}
	found = list != NULL && clist_count(list) > 0;
	if (list != NULL)
		mailimap_list_result_free(list);
	return (found);
}

/*
 * Creates a folder unless LIST finds it. A CREATE refused because the
 * folder exists after all (another session made it between the two, or
 * the server's list lagged: seen with Dovecot under load) is success.
 */
int
imap_ensure_folder(struct imap *im, const char *name, char **cause)
{
	char	*again = NULL;
	int	 r;

	if ((r = imap_folder_listed(im, name, cause)) != 0)
		return (r == 1 ? 0 : -1);
	if ((r = mailimap_create(im->s, name)) != MAILIMAP_NO_ERROR) {
		imap_cause(im, "CREATE", r, cause);
		if (r != MAILIMAP_ERROR_STREAM &&
		    imap_folder_listed(im, name, &again) == 1) {
			free(*cause);
			return (0);
		}
		free(again);
		return (-1);
	}
	log_info("created IMAP folder %s", name);
	return (0);
}

/* SELECT, or its read-only twin EXAMINE for a session that changes nothing. */
static int
imap_open_mailbox(struct imap *im, const char *mbox, int readonly,
    uint32_t *uidvalidity, char **cause)
{
	int	 r;

	r = readonly ? mailimap_examine(im->s, mbox) :
	    mailimap_select(im->s, mbox);
	if (r != MAILIMAP_NO_ERROR) {
		imap_cause(im, readonly ? "EXAMINE" : "SELECT", r, cause);
		return (-1);
	}
	*uidvalidity = im->s->imap_selection_info->sel_uidvalidity;
	return (0);
}

int
imap_select(struct imap *im, const char *mbox, uint32_t *uidvalidity,
    char **cause)
{
	return (imap_open_mailbox(im, mbox, 0, uidvalidity, cause));
}

int
imap_examine(struct imap *im, const char *mbox, uint32_t *uidvalidity,
    char **cause)
{
	return (imap_open_mailbox(im, mbox, 1, uidvalidity, cause));
}

/*
 * Cuts the connection under a session another thread may be blocked in:
 * its read or write fails at once. Only shutdown(2): the owner closes.
 */
void
imap_cut(struct imap *im)
{
	int	 fd;

	if (im->s != NULL && (fd = mailimap_idle_get_fd(im->s)) != -1)
		shutdown(fd, SHUT_RDWR);
}

static int
imap_uid_cmp(const void *a, const void *b)
{
	uint32_t	 x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return (x < y ? -1 : x > y);
}

/* UIDs above last, ascending. "last+1:*" always matches the newest
 * message even when it is <= last (RFC 3501 6.4.8), so filter. */
int
imap_search_new(struct imap *im, uint32_t last, uint32_t **uids, size_t *n,
    char **cause)
{
	struct mailimap_search_key *key;
	clist		*res = NULL;
	clistiter	*it;
	uint32_t	 u;
	int		 r;

	*uids = NULL;
	*n = 0;
	/* What this search finds needs no wake-up later (see imap_wait). */
	if (im->s->imap_selection_info != NULL)
		im->s->imap_selection_info->sel_has_exists =
		    im->s->imap_selection_info->sel_has_recent = 0;
	key = mailimap_search_key_new_uid(mailimap_set_new_interval(last + 1,
	    0));
	r = mailimap_uid_search(im->s, NULL, key, &res);
	mailimap_search_key_free(key);
	if (r != MAILIMAP_NO_ERROR) {
		imap_cause(im, "UID SEARCH", r, cause);
		return (-1);
	}
	for (it = clist_begin(res); it != NULL; it = clist_next(it)) {
		u = *(uint32_t *)clist_content(it);
		if (u <= last)
			continue;
		*uids = xreallocarray(*uids, *n + 1, sizeof **uids);
		(*uids)[(*n)++] = u;
	}
	mailimap_search_result_free(res);
	if (*n > 1)
		qsort(*uids, *n, sizeof **uids, imap_uid_cmp);
	return (0);
}

/* UIDs of the messages whose header name holds value (doctor's test mail). */
int
imap_search_header(struct imap *im, const char *name, const char *value,
    uint32_t **uids, size_t *n, char **cause)
{
	struct mailimap_search_key *key;
	clist		*res = NULL;
	clistiter	*it;
	int		 r;

	*uids = NULL;
	*n = 0;
	key = mailimap_search_key_new_header(xstrdup(name), xstrdup(value));
	r = mailimap_uid_search(im->s, NULL, key, &res);
	mailimap_search_key_free(key);
	if (r != MAILIMAP_NO_ERROR) {
		imap_cause(im, "UID SEARCH HEADER", r, cause);
		return (-1);
	}
	for (it = clist_begin(res); it != NULL; it = clist_next(it)) {
		*uids = xreallocarray(*uids, *n + 1, sizeof **uids);
		(*uids)[(*n)++] = *(uint32_t *)clist_content(it);
	}
	mailimap_search_result_free(res);
	return (0);
}

/* Walks a FETCH answer for the first item of one type. */
static struct mailimap_msg_att_item *
imap_att(clist *res, int type)
{
	clistiter			*i, *j;
	struct mailimap_msg_att		*ma;
	struct mailimap_msg_att_item	*item;

	for (i = clist_begin(res); i != NULL; i = clist_next(i)) {
		ma = clist_content(i);
		for (j = clist_begin(ma->att_list); j; j = clist_next(j)) {
			item = clist_content(j);
			if (item->att_type == MAILIMAP_MSG_ATT_ITEM_STATIC &&
			    item->att_data.att_static->att_type == type)
				return (item);
		}
	}
	return (NULL);
}

/* Is the session unusable (reconnect), or did the server just say NO? */
static int
imap_broken(int r)
{
	switch (r) {
	case MAILIMAP_ERROR_BAD_STATE:
	case MAILIMAP_ERROR_STREAM:
	case MAILIMAP_ERROR_PARSE:
	case MAILIMAP_ERROR_CONNECTION_REFUSED:
	case MAILIMAP_ERROR_MEMORY:
	case MAILIMAP_ERROR_FATAL:
	case MAILIMAP_ERROR_PROTOCOL:
	case MAILIMAP_ERROR_SSL:
		return (1);
	}
	return (0);
}

/* Where a fetched literal goes as it arrives from the network. */
struct imap_sink {
	int	 fd;
	size_t	 len;
	int	 error;
};

static bool
imap_sink_write(int type, struct mailimap_msg_att_body_section *sec,
    const char *bytes, size_t len, void *arg)
{
	struct imap_sink	*sk = arg;
	ssize_t			 n;

	(void)sec;
	if (type != MAILIMAP_MSG_ATT_BODY_SECTION)
		return (false);
	/*
	 * A failed write (a full disk) reads the rest of the literal into
	 * nothing: the session stays usable while the message waits.
	 */
	while (len > 0 && sk->error == 0) {
		if ((n = write(sk->fd, bytes, len)) == -1) {
			if (errno != EINTR)
				sk->error = errno;
			continue;
		}
		bytes += n;
		len -= (size_t)n;
		sk->len += (size_t)n;
	}
	return (true);
}

/*
 * Fetches one message into path; what came of it (enum fetch_result in
 * disposisi.h). FETCH_TOO_LARGE leaves it unfetched, *size_r saying how
 * large; every result but FETCH_BROKEN leaves the session usable.
 */
enum fetch_result
imap_fetch(struct imap *im, uint32_t uid, const char *path, size_t max,
    size_t *size_r, char **cause)
{
	struct mailimap_set		*set;
	struct mailimap_fetch_type	*ft;
	struct mailimap_msg_att_item	*item;
	struct mailimap_msg_att_body_section *sec;
	struct imap_sink		 sk = { -1, 0, 0 };
	clist				*res = NULL;
	int				 r;

	set = mailimap_set_new_single(uid);
	ft = mailimap_fetch_type_new_fetch_att_list_empty();
	mailimap_fetch_type_new_fetch_att_list_add(ft,
	    mailimap_fetch_att_new_rfc822_size());
	r = mailimap_uid_fetch(im->s, set, ft, &res);
	mailimap_fetch_type_free(ft);
	if (r != MAILIMAP_NO_ERROR) {
		mailimap_set_free(set);
		imap_cause(im, "UID FETCH (RFC822.SIZE)", r, cause);
		return (imap_broken(r) ? FETCH_BROKEN : FETCH_REFUSED);
	}
	item = imap_att(res, MAILIMAP_MSG_ATT_RFC822_SIZE);
	if (item == NULL) {
		mailimap_fetch_list_free(res);
		mailimap_set_free(set);
		return (FETCH_GONE);
	}
	*size_r = item->att_data.att_static->att_data.att_rfc822_size;
	mailimap_fetch_list_free(res);
	if (*size_r > max) {
		mailimap_set_free(set);
		return (FETCH_TOO_LARGE);
	}
	ft = mailimap_fetch_type_new_fetch_att_list_empty();
	mailimap_fetch_type_new_fetch_att_list_add(ft,
	    mailimap_fetch_att_new_body_peek_section(mailimap_section_new(
	    NULL)));
	/* Stream the literal to disk: a 30 MB scan never sits in memory. */
	sk.fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (sk.fd == -1) {
		xasprintf(cause, "%s: %s", path, strerror(errno));
		mailimap_fetch_type_free(ft);
		mailimap_set_free(set);
		return (FETCH_NOSPACE);
	}
	mailimap_set_msg_body_handler(im->s, imap_sink_write, &sk);
	res = NULL;
	r = mailimap_uid_fetch(im->s, set, ft, &res);
	mailimap_set_msg_body_handler(im->s, NULL, NULL);
	mailimap_fetch_type_free(ft);
	mailimap_set_free(set);
	if (r != MAILIMAP_NO_ERROR) {
		imap_cause(im, "UID FETCH (BODY.PEEK[])", r, cause);
		close(sk.fd);
		return (imap_broken(r) ? FETCH_BROKEN : FETCH_REFUSED);
	}
	item = imap_att(res, MAILIMAP_MSG_ATT_BODY_SECTION);
	if (item == NULL) {
		mailimap_fetch_list_free(res);
		close(sk.fd);
		return (FETCH_GONE);
	}
	sec = item->att_data.att_static->att_data.att_body_section;
	/* A literal the handler did not see (e.g. sent quoted) is in memory. */
	if (sk.len == 0 && sec->sec_body_part != NULL)
		imap_sink_write(MAILIMAP_MSG_ATT_BODY_SECTION, sec,
		    sec->sec_body_part, sec->sec_length, &sk);
	*size_r = sk.len;
	mailimap_fetch_list_free(res);
	/* spool_commit() makes it durable: one fsync, not two. */
	if (close(sk.fd) == -1 && sk.error == 0)
		sk.error = errno;
	if (sk.error == 0)
		return (FETCH_OK);
	xasprintf(cause, "storing it in %s: %s", path, strerror(sk.error));
	return (FETCH_NOSPACE);
}

static int
imap_flag(struct imap *im, struct mailimap_set *set,
    struct mailimap_flag *flag)
{
	struct mailimap_flag_list	*fl;
	struct mailimap_store_att_flags	*sf;
	int				 r;

	fl = mailimap_flag_list_new_empty();
	mailimap_flag_list_add(fl, flag);
	sf = mailimap_store_att_flags_new_add_flags_silent(fl);
	r = mailimap_uid_store(im->s, set, sf);
	mailimap_store_att_flags_free(sf);
	return (r);
}

/* A UID set, ranges of consecutive UIDs joined; uids ascending. */
static struct mailimap_set *
imap_set(const uint32_t *uids, size_t n)
{
	struct mailimap_set	*set;
	size_t			 i, j;

	set = mailimap_set_new_empty();
	for (i = 0; i < n; i = j) {
		for (j = i + 1; j < n && uids[j] == uids[j - 1] + 1; j++)
			;
		if (mailimap_set_add_interval(set, uids[i], uids[j - 1]) !=
		    MAILIMAP_NO_ERROR)
			fatalx("imap_set: out of memory");
	}
	return (set);
}

/*
 * Marks handled messages (n UIDs, ascending) with the robot's keyword and
 * moves them to folder, one command for the whole set: each command makes
 * the server rescan the mailbox, so a set per command is what keeps a
 * backlog moving. Without MOVE (Zimbra) it copies, flags \Deleted and
 * expunges those UIDs only - a plain EXPUNGE would remove what others
 * deleted. Harmless to repeat: a UID that is gone already is left alone.
 * Returns 0 when done, 1 when the server refused (try again later, or one
 * UID at a time to find the one it refuses; the session is fine), -1
 * when the session broke.
 */
int
imap_archive(struct imap *im, const uint32_t *uids, size_t n,
    const char *folder, char **cause)
{
	struct mailimap_set	*set;
	const char		*what;
	int			 r, tries;

	set = imap_set(uids, n);
	/* The keyword is a hint for people; a server without keywords is fine. */
	r = imap_flag(im, set, mailimap_flag_new_flag_keyword(
	    xstrdup(IMAP_KEYWORD)));
	if (r != MAILIMAP_NO_ERROR && imap_broken(r)) {
		what = "UID STORE";
		goto fail;
	}
	for (tries = 0; tries < 2; tries++) {
		if (im->has_move) {
			what = "UID MOVE";
			r = mailimap_uid_move(im->s, set, folder);
		} else {
			what = "UID COPY";
			r = mailimap_uid_copy(im->s, set, folder);
		}
		if (r == MAILIMAP_NO_ERROR || imap_broken(r) || tries > 0)
			break;
		/* Someone may have deleted the folder: make it and retry. */
		free(*cause);
		*cause = NULL;
		if (imap_ensure_folder(im, folder, cause) == -1)
			break;
	}
	if (r != MAILIMAP_NO_ERROR)
		goto fail;
	if (!im->has_move) {
		what = "UID EXPUNGE";
		r = imap_flag(im, set, mailimap_flag_new_deleted());
		if (r == MAILIMAP_NO_ERROR && im->has_uidplus)
			r = mailimap_uid_expunge(im->s, set);
		if (r != MAILIMAP_NO_ERROR)
			goto fail;
	}
	mailimap_set_free(set);
	return (0);
fail:
	free(*cause);
	imap_cause(im, what, r, cause);
	mailimap_set_free(set);
	return (imap_broken(r) ? -1 : 1);
}

/* Does the session wait with IDLE (offered, and not switched off)? */
int
imap_idles(const struct imap *im)
{
	return (im->use_idle);
}

/* Seconds since the session logged in: sessions are recycled. */
time_t
imap_age(const struct imap *im)
{
	return (time(NULL) - im->since);
}

/*
 * Waits up to seconds for news in the selected mailbox or a byte on
 * wake_fd (signals). IDLE when the server has it, a sleep of at most
 * imap_poll_interval otherwise (the caller polls with UID SEARCH).
 * Returns 0 after the wait, -1 if the session is broken.
 */
int
imap_wait(struct imap *im, int seconds, int wake_fd, char **cause)
{
	struct mailimap_selection_info *si;
	struct pollfd	 pfd[2];
	int		 r, npfd = 1, idling;

	/*
	 * New mail announced (untagged EXISTS) in the answer to one of our
	 * own commands since the last search would not be announced again
	 * in IDLE: search at once instead of waiting.
	 */
	si = im->s->imap_selection_info;
	if (si != NULL && (si->sel_has_exists || si->sel_has_recent)) {
		si->sel_has_exists = si->sel_has_recent = 0;
		return (0);
	}
	idling = im->use_idle;
	if (!idling && seconds > im->poll_interval)
		seconds = im->poll_interval;
	pfd[0].fd = wake_fd;
	pfd[0].events = POLLIN;
	if (idling) {
		if ((r = mailimap_idle(im->s)) != MAILIMAP_NO_ERROR) {
			imap_cause(im, "IDLE", r, cause);
			return (-1);
		}
		pfd[1].fd = mailimap_idle_get_fd(im->s);
		pfd[1].events = POLLIN;
		npfd = 2;
		/* Data already buffered would not wake poll(). */
		if (im->s->imap_stream->read_buffer_len > 0)
			seconds = 0;
	}
	r = poll(pfd, (nfds_t)npfd, seconds * 1000);
	if (r == -1 && errno != EINTR) {
		xasprintf(cause, "poll: %s", strerror(errno));
		return (-1);
	}
	if (idling && (r = mailimap_idle_done(im->s)) != MAILIMAP_NO_ERROR) {
		imap_cause(im, "IDLE DONE", r, cause);
		return (-1);
	}
	if (!idling && mailimap_noop(im->s) != MAILIMAP_NO_ERROR) {
		xasprintf(cause, "NOOP failed: connection lost");
		return (-1);
	}
	return (0);
}
