/* SPDX-License-Identifier: ISC */
/*
 * The project's only libcurl user: one SMTP transaction per recipient, so
 * every outbox row gets a definite answer. The result is classified as
 * the outbox needs it: delivered, try again later (4xx, network), or
 * refused for good (5xx).
 */

#include <sys/socket.h>

#include <netinet/in.h>
#include <netinet/tcp.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "disposisi.h"

static int	smtp_socket(void *, curl_socket_t, curlsocktype);
static int	smtp_closesocket(void *, curl_socket_t);
static int	smtp_sent(CURL *, curl_infotype, char *, size_t, void *);
static int	smtp_progress(void *, curl_off_t, curl_off_t, curl_off_t,
		    curl_off_t);

int
smtp_init(void)
{
	return (curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK ? 0 : -1);
}

/*
 * A session with the submission server: libcurl keeps the connection
 * (TLS and AUTH done once) for the next transaction, within a drain and
 * across drains, as long as the outbox keeps the handle. After a failed
 * transaction libcurl closes it, so the next mail starts afresh. A
 * transfer ends within a second of *stop being set, whatever the server
 * does (a tarpit answers each command after 30 s).
 */
struct smtp {
	CURL		*h;
	curl_socket_t	 fd;	/* the connection's socket, or none */
	time_t		 used;	/* clock_mono() of the last transaction */
	volatile int	*stop;
};

struct smtp *
smtp_open(volatile int *stop)
{
	struct smtp	*sm = xcalloc(1, sizeof *sm);

	if ((sm->h = curl_easy_init()) == NULL)
		fatalx("curl_easy_init failed");
	sm->fd = CURL_SOCKET_BAD;
	sm->used = clock_mono();
	sm->stop = stop;
	return (sm);
}

/* Called by libcurl at least once a second, also while it waits. */
static int
smtp_progress(void *arg, curl_off_t dltotal, curl_off_t dlnow,
    curl_off_t ultotal, curl_off_t ulnow)
{
	const struct smtp	*sm = arg;

	(void)dltotal;
	(void)dlnow;
	(void)ultotal;
	(void)ulnow;
	return (*sm->stop);
}

/*
 * Whether a failure is the server's rather than the mail's: no answer
 * at all (refused, reset, timed out, a name that does not resolve), a
 * 421, or TLS or AUTH refused. Every mail would fail alike.
 */
static int
smtp_down(CURLcode rc, long reply)
{
	switch (rc) {
	case CURLE_OK:
		return (0);
	case CURLE_OPERATION_TIMEDOUT:
	case CURLE_LOGIN_DENIED:
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_USE_SSL_FAILED:
		return (1);
	default:
		return (reply == 0 || reply == 421);
	}
}

/* Seconds since the session's last transaction. */
time_t
smtp_idle(const struct smtp *sm)
{
	return (clock_mono() - sm->used);
}

void
smtp_close(struct smtp *sm)
{
	if (sm == NULL)
		return;
	curl_easy_cleanup(sm->h);
	free(sm);
}

/* The transaction's options on the kept handle (curl_easy_reset first). */
static void
smtp_options(struct smtp *sm, const struct conf *c, const char *url,
    const char *from, struct curl_slist *rcpts, FILE *f, long size,
    char *errbuf)
{
	CURL	*h = sm->h;

	curl_easy_setopt(h, CURLOPT_URL, url);
	if (c->smtp_tls == TLS_STARTTLS)
		curl_easy_setopt(h, CURLOPT_USE_SSL, (long)CURLUSESSL_ALL);
	if (c->smtp_ca_file != NULL) {
		curl_easy_setopt(h, CURLOPT_CAINFO, c->smtp_ca_file);
		/*
		 * Else GnuTLS also reads every certificate in the system's
		 * CA directory on each connection (432 of them: 22-30 ms).
		 */
		curl_easy_setopt(h, CURLOPT_CAPATH, NULL);
	}
	if (c->smtp_user != NULL) {
		curl_easy_setopt(h, CURLOPT_USERNAME, c->smtp_user);
		curl_easy_setopt(h, CURLOPT_PASSWORD, c->smtp_password);
	}
	curl_easy_setopt(h, CURLOPT_MAIL_FROM, from);
	curl_easy_setopt(h, CURLOPT_MAIL_RCPT, rcpts);
	curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(h, CURLOPT_READDATA, f);
	curl_easy_setopt(h, CURLOPT_INFILESIZE_LARGE, (curl_off_t)size);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, 15L);
	curl_easy_setopt(h, CURLOPT_SERVER_RESPONSE_TIMEOUT,
	    (long)c->smtp_timeout);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, (long)c->smtp_timeout * 3);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
	/* libcurl's own idle limit (118 s) follows ours. */
	curl_easy_setopt(h, CURLOPT_MAXAGE_CONN, (long)c->smtp_idle_max);
	curl_easy_setopt(h, CURLOPT_SOCKOPTFUNCTION, smtp_socket);
	curl_easy_setopt(h, CURLOPT_SOCKOPTDATA, sm);
	curl_easy_setopt(h, CURLOPT_CLOSESOCKETFUNCTION, smtp_closesocket);
	curl_easy_setopt(h, CURLOPT_CLOSESOCKETDATA, sm);
	curl_easy_setopt(h, CURLOPT_DEBUGFUNCTION, smtp_sent);
	curl_easy_setopt(h, CURLOPT_DEBUGDATA, sm);
	curl_easy_setopt(h, CURLOPT_VERBOSE, 1L);
	curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, smtp_progress);
	curl_easy_setopt(h, CURLOPT_XFERINFODATA, sm);
	curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
}

/*
 * Runs the transaction. A kept connection the server closed while it
 * idled (a restart, its timeout, a 421) fails before a byte of the mail
 * was read: the server cannot have taken it, so it goes again, once, on
 * a new connection. Any other failure (a connection that could not be
 * made) is the outbox's to retry later, with backoff.
 */
static CURLcode
smtp_perform(struct smtp *sm, FILE *f, const char *url, char *errbuf,
    long *reply)
{
	CURLcode	 rc;
	long		 fresh = 0;
	int		 kept = sm->fd != CURL_SOCKET_BAD;

	for (;;) {
		rc = curl_easy_perform(sm->h);
		curl_easy_getinfo(sm->h, CURLINFO_RESPONSE_CODE, reply);
		curl_easy_getinfo(sm->h, CURLINFO_NUM_CONNECTS, &fresh);
		if (fresh > 0)
			log_debug("SMTP: connected to %s", url);
		if (rc == CURLE_OK || !kept || fresh > 0 || ftell(f) != 0 ||
		    (*reply != 0 && *reply != 421) ||
		    rc == CURLE_ABORTED_BY_CALLBACK)
			break;
		log_debug("SMTP: the kept connection failed (%s, reply %ld);"
		    " connecting again", curl_easy_strerror(rc), *reply);
		kept = 0;
		curl_easy_setopt(sm->h, CURLOPT_FRESH_CONNECT, 1L);
		*errbuf = '\0';
	}
	sm->used = clock_mono();
	return (rc);
}

/*
 * Sends the file at path from the envelope sender env_from to rcpt.
 * Returns SMTP_OK, SMTP_TEMPFAIL or SMTP_PERMFAIL; *code gets the
 * server's reply code (0 if none) and *cause a description on failure.
 */
int
smtp_send(struct smtp *sm, const struct conf *c, const char *env_from,
    const char *rcpt, const char *path, int *code, char **cause)
{
	CURLcode		 rc;
	struct curl_slist	*rcpts = NULL;
	FILE			*f;
	char			 errbuf[CURL_ERROR_SIZE] = "";
	char			*url, *from, *to;
	long			 reply = 0, size;
	int			 rv;

	*code = 0;
	if ((f = fopen(path, "rb")) == NULL) {
		xasprintf(cause, "%s: %s", path, strerror(errno));
		return (SMTP_PERMFAIL);
	}
	fseek(f, 0, SEEK_END);
	size = ftell(f);
	rewind(f);
	curl_easy_reset(sm->h);	/* keeps the open connection */
	xasprintf(&url, "%s://%s:%d", c->smtp_tls == TLS_IMPLICIT ? "smtps" :
	    "smtp", c->smtp_host, c->smtp_port);
	xasprintf(&from, "<%s>", env_from);
	xasprintf(&to, "<%s>", rcpt);
	rcpts = curl_slist_append(rcpts, to);
	smtp_options(sm, c, url, from, rcpts, f, size, errbuf);
	rc = smtp_perform(sm, f, url, errbuf, &reply);
	*code = (int)reply;
	if (rc == CURLE_OK && reply / 100 == 2)
		rv = SMTP_OK;
	else if (rc == CURLE_ABORTED_BY_CALLBACK) {
		rv = SMTP_STOPPED;
		xasprintf(cause, "cut short: stopping");
	} else {
		/*
		 * A 5xx is final; anything else (4xx, no answer) may pass
		 * later. TLS or AUTH refused: the admin can fix it; keep it.
		 */
		if (smtp_down(rc, reply))
			rv = SMTP_DOWN;
		else
			rv = reply / 100 == 5 ? SMTP_PERMFAIL : SMTP_TEMPFAIL;
		xasprintf(cause, "%s%s%s (reply %ld)", curl_easy_strerror(rc),
		    *errbuf ? ": " : "", errbuf, reply);
	}
	curl_slist_free_all(rcpts);
	fclose(f);
	free(url);
	free(from);
	free(to);
	return (rv);
}

/* Notes the socket libcurl opens, for smtp_sent(). */
static int
smtp_socket(void *arg, curl_socket_t fd, curlsocktype purpose)
{
	struct smtp	*sm = arg;

	(void)purpose;
	sm->fd = fd;
	return (CURL_SOCKOPT_OK);
}

static int
smtp_closesocket(void *arg, curl_socket_t fd)
{
	struct smtp	*sm = arg;

	if (fd == sm->fd)
		sm->fd = CURL_SOCKET_BAD;
	return (close(fd));
}

/*
 * Called by libcurl for each command it sent (and for whatever else it
 * would print in verbose mode). Postfix leaves Nagle's algorithm on, and
 * after a TLS 1.3 handshake OpenSSL writes the session tickets apart from
 * the answer to our EHLO: when the EHLO went out before the tickets came
 * in, Postfix holds its answer until we acknowledge them, and Linux
 * delays that ACK by 40 ms. Asking for a quick ACK after every command
 * acknowledges at once whatever arrives before the answer.
 */
static int
smtp_sent(CURL *h, curl_infotype type, char *data, size_t len, void *arg)
{
	struct smtp	*sm = arg;
	int		 one = 1;

	(void)h;
	(void)data;
	(void)len;
	if (type == CURLINFO_HEADER_OUT && sm->fd != CURL_SOCKET_BAD)
		(void)setsockopt(sm->fd, IPPROTO_TCP, TCP_QUICKACK, &one,
		    sizeof one);
	return (0);
}
