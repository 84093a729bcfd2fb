/* SPDX-License-Identifier: ISC */
/*
 * Fetch-ahead for a backlog: while the robot parses and commits one
 * batch, a thread with a second, read-only IMAP session (EXAMINE) already
 * streams the next messages into the spool's tmp/. It only ever writes
 * temp files: what a message is, and every record of it, is still
 * decided by intake.c in the robot's own thread and transaction, so a
 * kill at any instant leaves at most temp files, which the next start
 * removes. A UID names the same bytes for as long as UIDVALIDITY holds
 * (RFC 3501 2.3.1.1), which the second session checks.
 *
 * Each UID is fetched by exactly one side: the robot takes a message the
 * thread has ready, waits for one it is fetching, and fetches itself one
 * the thread has not reached (claiming it). Anything but a clean fetch
 * here is left to the robot's own session, whose answer counts.
 */

#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "disposisi.h"

#define AHEAD_MAX	128		/* messages ready and not yet taken */
#define AHEAD_BYTES	(64 << 20)	/* ... and their bytes */

enum slot_state { SLOT_PENDING, SLOT_FETCHING, SLOT_READY, SLOT_CLAIMED };

struct slot {
	uint32_t	 uid;
	enum slot_state	 state;
	char		*tmp;		/* the temp file, until taken */
	size_t		 size;
	int		 ok;		/* fetched cleanly */
};

struct ahead {
	pthread_t	 thread;
	pthread_mutex_t	 lock;
	pthread_cond_t	 cond;
	const struct conf *conf;
	struct imap	*im;		/* the thread's own session */
	uint32_t	 uidvalidity;
	struct slot	*slots;
	size_t		 n;
	size_t		 next;		/* the thread's next slot */
	size_t		 taken;		/* slots the robot has passed */
	size_t		 held;		/* bytes ready, not taken */
	int		 stop;
	int		 done;		/* the thread has finished */
	int		 orphan;	/* the robot left: the thread frees */
	int		 used;		/* messages the robot took from here */
};

static void
ahead_free(struct ahead *a)
{
	size_t	 i;

	for (i = 0; i < a->n; i++) {
		if (a->slots[i].tmp != NULL && a->slots[i].state == SLOT_READY)
			unlink(a->slots[i].tmp);
		free(a->slots[i].tmp);
	}
	free(a->slots);
	pthread_cond_destroy(&a->cond);
	pthread_mutex_destroy(&a->lock);
	free(a);
}

/* The next slot to fetch, once the robot is near enough; NULL: stop. */
static struct slot *
ahead_next(struct ahead *a)
{
	struct slot	*s;

	for (;;) {
		while (!a->stop && a->next > a->taken &&
		    (a->next - a->taken >= AHEAD_MAX || a->held >= AHEAD_BYTES))
			pthread_cond_wait(&a->cond, &a->lock);
		if (a->next < a->taken)
			a->next = a->taken;
		if (a->stop || a->next >= a->n)
			return (NULL);
		s = &a->slots[a->next++];
		if (s->state == SLOT_PENDING)
			return (s);
	}
}

static void
ahead_fetch_all(struct ahead *a)
{
	struct slot		*s;
	enum fetch_result	 fr;
	char			*cause;

	pthread_mutex_lock(&a->lock);
	while ((s = ahead_next(a)) != NULL) {
		s->state = SLOT_FETCHING;
		pthread_mutex_unlock(&a->lock);
		cause = NULL;
		fr = imap_fetch(a->im, s->uid, s->tmp, a->conf->max_message_size,
		    &s->size, &cause);
		free(cause);
		if (fr != FETCH_OK)
			unlink(s->tmp);
		pthread_mutex_lock(&a->lock);
		s->ok = fr == FETCH_OK;
		s->state = SLOT_READY;
		if (s->ok)
			a->held += s->size;
		pthread_cond_broadcast(&a->cond);
		if (fr == FETCH_BROKEN)
			break;
	}
	pthread_mutex_unlock(&a->lock);
}

static void *
ahead_main(void *arg)
{
	struct ahead	*a = arg;
	struct imap	*im;
	uint32_t	 uv = 0;
	char		*cause = NULL;
	int		 orphan;

	im = imap_connect(a->conf, &cause);
	pthread_mutex_lock(&a->lock);
	a->im = im;
	pthread_mutex_unlock(&a->lock);
	if (im != NULL && imap_examine(im, a->conf->imap_mailbox, &uv,
	    &cause) == 0 && uv == a->uidvalidity)
		ahead_fetch_all(a);
	free(cause);
	pthread_mutex_lock(&a->lock);
	a->stop = 1;	/* the robot fetches whatever is left */
	a->im = NULL;
	pthread_mutex_unlock(&a->lock);
	imap_close(im);
	pthread_mutex_lock(&a->lock);
	a->done = 1;
	orphan = a->orphan;
	pthread_cond_broadcast(&a->cond);
	pthread_mutex_unlock(&a->lock);
	if (orphan)
		ahead_free(a);
	return (NULL);
}

/*
 * Starts fetching uids (ascending, as the robot will take them) ahead in
 * a thread of its own; NULL when no thread can be had (the robot then
 * fetches everything itself, as without).
 */
struct ahead *
ahead_start(const struct conf *c, struct spool *sp, uint32_t uidvalidity,
    const uint32_t *uids, size_t n)
{
	struct ahead	*a;
	sigset_t	 all, old;
	size_t		 i;
	int		 r;

	a = xcalloc(1, sizeof *a);
	a->conf = c;
	a->uidvalidity = uidvalidity;
	a->n = n;
	a->slots = xcalloc(n, sizeof *a->slots);
	for (i = 0; i < n; i++) {
		a->slots[i].uid = uids[i];
		a->slots[i].tmp = spool_tmp_path(sp);
	}
	pthread_mutex_init(&a->lock, NULL);
	pthread_cond_init(&a->cond, NULL);
	/* Signals stay the robot's: the thread takes none. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	r = pthread_create(&a->thread, NULL, ahead_main, a);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (r != 0) {
		log_warnx("fetch-ahead: no thread: %s", strerror(r));
		ahead_free(a);
		return (NULL);
	}
	return (a);
}

static struct slot *
ahead_slot(struct ahead *a, uint32_t uid)
{
	size_t	 i;

	for (i = a->taken; i < a->n; i++)
		if (a->slots[i].uid == uid)
			return (&a->slots[i]);
	return (NULL);
}

/*
 * The message uid, if the thread has it: FETCH_OK with *tmp (the caller's
 * to commit or unlink) and *size. Otherwise FETCH_REFUSED: the robot
 * fetches it itself, and the thread will not. quit cuts a wait short.
 */
enum fetch_result
ahead_take(struct ahead *a, uint32_t uid, volatile int *quit,
    char **tmp, size_t *size)
{
	struct slot	*s;
	struct timespec	 until;
	enum fetch_result fr = FETCH_REFUSED;

	*tmp = NULL;
	if (a == NULL)
		return (fr);
	pthread_mutex_lock(&a->lock);
	if ((s = ahead_slot(a, uid)) != NULL) {
		while (s->state == SLOT_FETCHING && !*quit) {
			clock_gettime(CLOCK_REALTIME, &until);
			until.tv_nsec += 100 * 1000 * 1000;
			if (until.tv_nsec >= 1000 * 1000 * 1000) {
				until.tv_sec++;
				until.tv_nsec -= 1000 * 1000 * 1000;
			}
			pthread_cond_timedwait(&a->cond, &a->lock, &until);
		}
		if (s->state == SLOT_PENDING)
			s->state = SLOT_CLAIMED;
		else if (s->state == SLOT_READY && s->ok) {
			*tmp = s->tmp;
			*size = s->size;
			s->tmp = NULL;
			a->held -= s->size;
			a->used++;
			fr = FETCH_OK;
		}
		a->taken = (size_t)(s - a->slots) + 1;
		pthread_cond_broadcast(&a->cond);
	}
	pthread_mutex_unlock(&a->lock);
	return (fr);
}

/*
 * Ends the thread: its session is cut, not waited for; a thread still
 * connecting is left to finish and free itself. The temp files nobody
 * took are removed. Returns how many messages came from it.
 */
int
ahead_stop(struct ahead *a)
{
	int	 used, orphan;

	if (a == NULL)
		return (0);
	pthread_mutex_lock(&a->lock);
	a->stop = 1;
	pthread_cond_broadcast(&a->cond);
	if (a->im != NULL)
		imap_cut(a->im);
	used = a->used;
	orphan = a->orphan = !a->done;
	pthread_mutex_unlock(&a->lock);
	if (orphan) {
		pthread_detach(a->thread);
		return (used);
	}
	pthread_join(a->thread, NULL);
	ahead_free(a);
	return (used);
}
