/* The staleness job (docs/posture.md): every interval, the enrolled VMs whose agent has not
 * attested (nor enrolled) within --stale-after get their stored posture changed: assessment
 * unhealthy ("stale": no attestation since ...), guest-attestation unhealthy, with their
 * recommendation.changed events. An attestation makes the VM fresh again (the group
 * commit's part). Several nodes may share one PostgreSQL: a lease row in the store lets one
 * of them run it at a time; the holder renews it every round, another takes it once it has
 * run out (3 rounds). The first round of a holder also stores the posture of VMs registered
 * before it was kept (an upgraded database, VMs written by other means). */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api.h"
#include "log.h"
#include "stale_job.h"

#define LEASE "staleness"
#define BATCH 500
#define MAX_BATCHES 400 /* 200 000 VMs a round at most */

struct tl_stale_job {
	struct tl_server *srv;
	int64_t interval;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	bool stopping, holding, backfilled;
	char node[TL_ID_LEN]; /* this node's name in the lease */
};

struct batch {
	char id[BATCH][TL_ID_LEN];
	size_t n;
};

static int collect(const char *vm_id, void *arg)
{
	struct batch *b = arg;
	if (b->n < BATCH)
		snprintf(b->id[b->n++], TL_ID_LEN, "%s", vm_id);
	return TL_OK;
}

static void log_count(const char *msg, size_t n)
{
	char text[24];
	snprintf(text, sizeof(text), "%zu", n);
	tl_log("info", msg, "vms", text);
}

/* VMs without a posture row: decided from their records and stored, a batch a transaction. */
static void backfill(struct tl_stale_job *j, struct batch *b, struct tl_posture_row *rows)
{
	size_t done = 0;
	for (int round = 0; round < MAX_BATCHES; round++) {
		size_t n = 0;
		int64_t now = (int64_t)time(NULL);
		b->n = 0;
		if (tl_store_posture_missing(j->srv->store, BATCH, collect, b) != TL_OK)
			break;
		for (size_t i = 0; i < b->n; i++)
			n += tl_api_posture_decide(j->srv, b->id[i], now, &rows[n]) == TL_OK;
		if (n == 0 || tl_store_posture_put(j->srv->store, rows, n, now, NULL) != TL_OK)
			break;
		done += n;
		if (b->n < BATCH)
			break;
	}
	if (done)
		log_count("posture stored for VMs registered before it was kept", done);
}

/* One VM found silent: its row decided again as stale and written (with its events). */
static bool mark(struct tl_stale_job *j, const char *vm_id, int64_t now)
{
	struct tl_posture_row row;
	bool changed = false;
	if (tl_store_posture_get(j->srv->store, vm_id, &row) != TL_OK || row.stale)
		return false;
	row.stale = true;
	tl_posture_row_decide(&row);
	return tl_store_posture_put(j->srv->store, &row, 1, now, &changed) == TL_OK && changed;
}

static void round_once(struct tl_stale_job *j, struct batch *b)
{
	int64_t now = (int64_t)time(NULL);
	bool held = false;
	size_t silent = 0;
	int64_t ttl = 3 * j->interval;
	if (tl_store_lease(j->srv->store, LEASE, j->node, now, ttl, &held) != TL_OK || !held) {
		j->holding = false;
		return;
	}
	if (!j->holding)
		tl_log("info", "staleness job: this node holds the lease", "node", j->node);
	j->holding = true;
	if (!j->backfilled) {
		struct tl_posture_row *rows = calloc(BATCH, sizeof(*rows));
		if (rows)
			backfill(j, b, rows);
		free(rows);
		j->backfilled = true;
	}
	for (int round = 0; round < MAX_BATCHES; round++) {
		b->n = 0;
		if (tl_store_posture_stale(j->srv->store, now - j->srv->stale_after, BATCH, collect,
					   b) != TL_OK)
			break;
		for (size_t i = 0; i < b->n; i++)
			silent += mark(j, b->id[i], now);
		if (b->n < BATCH)
			break;
	}
	if (silent)
		log_count("staleness job: agents silent, posture stored", silent);
}

static void *run(void *arg)
{
	struct tl_stale_job *j = arg;
	struct batch *b = malloc(sizeof(*b));
	pthread_mutex_lock(&j->lock);
	while (b && !j->stopping) {
		struct timespec until;
		pthread_mutex_unlock(&j->lock);
		round_once(j, b);
		pthread_mutex_lock(&j->lock);
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += j->interval;
		while (!j->stopping &&
		       pthread_cond_timedwait(&j->wake, &j->lock, &until) == 0)
			;
	}
	pthread_mutex_unlock(&j->lock);
	free(b);
	return NULL;
}

int tl_stale_job_start(struct tl_server *srv, int64_t interval, struct tl_stale_job **out)
{
	struct tl_stale_job *j = calloc(1, sizeof(*j));
	if (!j || tl_api_uuid(j->node) != TL_OK) {
		free(j);
		return TL_E_NOMEM;
	}
	j->srv = srv;
	j->interval = interval;
	pthread_mutex_init(&j->lock, NULL);
	pthread_cond_init(&j->wake, NULL);
	if (pthread_create(&j->thread, NULL, run, j) != 0) {
		pthread_cond_destroy(&j->wake);
		pthread_mutex_destroy(&j->lock);
		free(j);
		return TL_E_NOMEM;
	}
	*out = j;
	return TL_OK;
}

void tl_stale_job_stop(struct tl_stale_job *j)
{
	if (!j)
		return;
	pthread_mutex_lock(&j->lock);
	j->stopping = true;
	pthread_cond_signal(&j->wake);
	pthread_mutex_unlock(&j->lock);
	pthread_join(j->thread, NULL);
	if (j->holding && tl_store_lease_release(j->srv->store, LEASE, j->node) != TL_OK)
		tl_log("warn", "staleness job: lease not given up", "node", j->node);
	pthread_cond_destroy(&j->wake);
	pthread_mutex_destroy(&j->lock);
	free(j);
}
