/* Readiness: whether this node can serve requests that need the store. */
#include <stdio.h>
#include <string.h>

#include "store_backend.h"

/* The writer's own connection, when the writer is between batches (a writer that is
 * committing is alive and its connection is in use: that answers the question too). A lost
 * connection is made again here, within its back-off, before an attestation needs it. */
static int writer_ping(struct tl_store *s, char *why, size_t n)
{
	int err = TL_OK;
	if (pthread_mutex_trylock(&s->wbusy) != 0)
		return TL_OK;
	if (s->writer->ops->ping && (err = s->writer->ops->ping(s->writer,
							TL_STORE_READY_TIMEOUT_MS)) != TL_OK)
		snprintf(why, n, "the writer's database connection fails: %.100s", s->writer->error);
	pthread_mutex_unlock(&s->wbusy);
	return err;
}

static int check(struct tl_store *s, char *why, size_t n)
{
	int err;
	if (!s->started || s->stopping || !s->writer_alive) {
		snprintf(why, n, "the store's writer thread is not running");
		return TL_E_STORE;
	}
	if (!s->health && !(s->health = tl_store_conn_open(s, s->url, "health"))) {
		snprintf(why, n, "the database is unreachable: %.100s", s->error);
		return TL_E_STORE;
	}
	if (s->health->ops->ping &&
	    (err = s->health->ops->ping(s->health, TL_STORE_READY_TIMEOUT_MS)) != TL_OK) {
		snprintf(why, n, "the database is unreachable: %.100s", s->health->error);
		return TL_E_STORE;
	}
	return writer_ping(s, why, n);
}

int tl_store_ready(struct tl_store *s, char *why, size_t whylen)
{
	int64_t now = tl_store_mono_us();
	int err;
	pthread_mutex_lock(&s->ready_lock);
	if (!s->ready_at_us || now - s->ready_at_us >= TL_STORE_READY_CACHE_MS * 1000) {
		s->ready_why[0] = '\0';
		s->ready_err = check(s, s->ready_why, sizeof(s->ready_why));
		s->ready_at_us = tl_store_mono_us();
	}
	err = s->ready_err;
	snprintf(why, whylen, "%s", s->ready_why);
	pthread_mutex_unlock(&s->ready_lock);
	return err;
}
