/* Group commit for attestations. Each attestation changes three things that must be durable
 * before the answer: its nonce is used, its record, the TPM clock (and perhaps a learned
 * baseline). One fsync costs ~0.3 ms on these disks, so a writer thread with its own
 * connection takes every write queued meanwhile and commits them in one transaction; each
 * request waits for its own outcome. A nonce seen before fails only its own write. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store_backend.h"
#include "trustlaunch/hash.h"

#define NONCE_PURGE_INTERVAL 10 /* seconds */
#define FORGERY_NONCE_KEEP 600  /* seconds a forgery's nonce stays spent: longer than it lives */
/* After a batch of at least COMMIT_DELAY_AFTER writes (a load, not a lone agent) the writer
 * waits COMMIT_DELAY_NS before taking the next: at ~3 000 attestations/s batches of ~6
 * became ~12, the writer's time per attestation fell from ~95 to ~72 us and p99 did not
 * grow (bench/service.sh; 1, 3 and 4 ms measured too). */
#define COMMIT_DELAY_AFTER 4u
#define COMMIT_DELAY_NS 2000000L
#define CHECKPOINT_WAL_FRAMES 65536L /* ~270 MB */
#define CHECKPOINT_ROUNDS 8
#define CHECKPOINT_SHORT_US 4000

static int counted(const char *const *c, int n, void *arg)
{
	(void)c;
	(void)n;
	(*(int *)arg)++;
	return TL_OK;
}

/* A verified attestation's mark on its VM's TPM row: the clock (never backwards) and the
 * latest verified attestation (the largest id: ids of several nodes need not commit in their
 * order), only for the TPM that made the quote. When the row says otherwise, the verdict was
 * made against an AK or a clock that is not the VM's any more (a re-enrolment, or a quote of
 * the same VM committed first): the record goes again, TL_E_STORE_STALE. */
static int tpm_row(struct tl_store *w, struct tl_attest_write *a, const char *id)
{
	char clk[24], rc[24], rs[24], ni[24], t[24];
	int n = 0, err;
	snprintf(ni, sizeof(ni), "%" PRId64, a->clock.nonce_issued);
	snprintf(t, sizeof(t), "%" PRId64, a->att.time); /* the agent's last sign: staleness */
	if (a->update_clock) {
		snprintf(clk, sizeof(clk), "%" PRIu64, a->clock.clock);
		snprintf(rc, sizeof(rc), "%" PRIu32, a->clock.reset_count);
		snprintf(rs, sizeof(rs), "%" PRIu32, a->clock.restart_count);
		const char *pc[8] = { a->att.vm_id, clk, rc, rs, a->clock.ak_name, id, ni, t };
		snprintf(a->clock.vm_id, sizeof(a->clock.vm_id), "%s", a->att.vm_id);
		err = w->ops->exec(w,
				   "UPDATE vm_tpm SET clock = $2, reset_count = $3, restart_count = $4, "
				   "last_verified = CASE WHEN last_verified < $6 THEN $6 ELSE "
				   "last_verified END, nonce_issued = CASE WHEN nonce_issued < $7 THEN $7 "
				   "ELSE nonce_issued END, last_attested = CASE WHEN last_attested < $8 "
				   "THEN $8 ELSE last_attested END WHERE vm_id = $1 AND ak_name = $5 AND "
				   "(reset_count < $3 OR (reset_count = $3 AND (restart_count < $4 OR "
				   "(restart_count = $4 AND clock <= $2)))) RETURNING vm_id",
				   pc, 8, counted, &n);
	} else { /* a clock that went back is kept out of the row, the record still in */
		const char *pv[5] = { a->att.vm_id, a->clock.ak_name, id, ni, t };
		err = w->ops->exec(w,
				   "UPDATE vm_tpm SET last_verified = CASE WHEN last_verified < $3 THEN "
				   "$3 ELSE last_verified END, nonce_issued = CASE WHEN nonce_issued < $4 "
				   "THEN $4 ELSE nonce_issued END, last_attested = CASE WHEN last_attested "
				   "< $5 THEN $5 ELSE last_attested END WHERE vm_id = $1 AND ak_name = $2 "
				   "RETURNING vm_id",
				   pv, 5, counted, &n);
	}
	if (err != TL_OK)
		return TL_E_STORE;
	if (n > 0)
		return TL_OK;
	const char *pi[1] = { id };
	err = w->ops->exec(w, "DELETE FROM attestations WHERE id = $1", pi, 1, NULL, NULL);
	if (err != TL_OK)
		return TL_E_STORE;
	/* the same AK still bound: a later quote of this TPM committed first (stale), not a
	 * re-enrolment */
	const char *pk[2] = { a->att.vm_id, a->clock.ak_name };
	n = 0;
	err = w->ops->exec(w, "SELECT vm_id FROM vm_tpm WHERE vm_id = $1 AND ak_name = $2", pk, 2,
			   counted, &n);
	if (err != TL_OK)
		return TL_E_STORE;
	a->superseded = n > 0;
	return TL_E_STORE_STALE;
}

/* A quote the VM's enrolled TPM did not vouch for (anyone can send one): kept apart from
 * the VM's own history, the newest TL_FORGERIES_KEPT of each VM, the others counted. Its
 * nonce is spent in the nonces table (purged once expired), which every attestation checks;
 * and a nonce an attestation of the VM's own spent is not spent again here. */
static int forgery(struct tl_store *w, struct tl_attest_write *a, const char *hex, const char *id,
		   const char *t)
{
	char exp[24], kept[24];
	int used = 0, n = 0, err;
	const char *pn[2] = { hex, exp };
	snprintf(exp, sizeof(exp), "%" PRId64, (int64_t)time(NULL) + FORGERY_NONCE_KEEP);
	snprintf(kept, sizeof(kept), "%d", TL_FORGERIES_KEPT);
	err = w->ops->exec(w, "SELECT id FROM attestations WHERE nonce = $1", pn, 1, counted, &used);
	if (err == TL_OK && used == 0)
		err = w->ops->exec(w, "INSERT INTO nonces (nonce, expires) VALUES ($1, $2) ON "
				   "CONFLICT (nonce) DO NOTHING RETURNING nonce", pn, 2, counted, &n);
	if (err != TL_OK)
		return TL_E_STORE;
	if (n != 1)
		return TL_E_STORE_CONFLICT;
	const char *pf[6] = { id, a->att.vm_id, t, a->att.verdict,
			      a->att.result ? a->att.result : "{}", hex };
	const char *pc[2] = { a->att.vm_id, kept };
	err = w->ops->exec(w, "INSERT INTO forgeries (id, vm_id, time, verdict, result, nonce) "
			   "VALUES ($1, $2, $3, $4, $5, $6)", pf, 6, NULL, NULL);
	if (err == TL_OK)
		err = w->ops->exec(w, "INSERT INTO forgery_counts (vm_id, total) VALUES ($1, 1) ON "
				   "CONFLICT (vm_id) DO UPDATE SET total = forgery_counts.total + 1",
				   pc, 1, NULL, NULL);
	if (err == TL_OK) /* the oldest beyond the bound go */
		err = w->ops->exec(w, "DELETE FROM forgeries WHERE vm_id = $1 AND id <= (SELECT id "
				   "FROM forgeries WHERE vm_id = $1 ORDER BY id DESC LIMIT 1 OFFSET "
				   "$2)", pc, 2, NULL, NULL);
	a->learned = false;
	return err == TL_OK ? TL_OK : TL_E_STORE;
}

/* One attestation's statements, inside the writer's transaction. */
static int apply(struct tl_store *w, struct tl_attest_write *a)
{
	char hex[65], id[24], t[24];
	int n = 0, err;

	if (a->update_clock && !a->verified)
		return TL_E_ARG; /* a clock is known only from a quote the TPM made */
	tl_hex(a->nonce, 32, hex);
	const char *pn[1] = { hex };
	/* spent before this version kept nonces with attestations (empty after a purge) */
	err = w->ops->exec(w, "SELECT nonce FROM nonces WHERE nonce = $1", pn, 1, counted, &n);
	if (err != TL_OK)
		return TL_E_STORE; /* a failed statement, whatever kind: the batch is retried */
	if (n > 0)
		return TL_E_STORE_CONFLICT; /* the one conflict that belongs to this write */
	a->att.id = tl_store_next_id();
	snprintf(id, sizeof(id), "%" PRId64, a->att.id);
	snprintf(t, sizeof(t), "%" PRId64, a->att.time);
	if (!a->verified) { /* kept apart; its alert (the quote's origin) all the same */
		err = forgery(w, a, hex, id, t);
		if (err == TL_OK && a->alerts &&
		    tl_store_alerts_apply(w, a->att.vm_id, a->alerts, a->att.time) != TL_OK)
			err = TL_E_STORE;
		return err;
	}
	const char *pa[7] = { id, a->att.vm_id, t, a->att.verdict,
			      a->att.result ? a->att.result : "{}", a->verified ? "1" : "0", hex };
	n = 0;
	err = w->ops->exec(w,
			   "INSERT INTO attestations (id, vm_id, time, verdict, result, verified, "
			   "nonce) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (nonce) DO NOTHING "
			   "RETURNING id",
			   pa, 7, counted, &n);
	if (err != TL_OK)
		return TL_E_STORE;
	if (n == 0)
		return TL_E_STORE_CONFLICT;
	if (a->verified && (err = tpm_row(w, a, id)) != TL_OK)
		return err;
	if (a->learn) {
		int learned = 0;
		const char *pb[4] = { a->att.vm_id, id, t, a->learn };
		err = w->ops->exec(w,
				   "INSERT INTO baselines (vm_id, source, attestation_id, created, "
				   "components) VALUES ($1, 'learned', $2, $3, $4) ON CONFLICT (vm_id) "
				   "DO NOTHING RETURNING vm_id",
				   pb, 4, counted, &learned);
		a->learned = learned > 0;
	}
	/* its alerts, in the same transaction: durable with the record, no fsync of their own */
	if (err == TL_OK && a->alerts)
		err = tl_store_alerts_apply(w, a->att.vm_id, a->alerts, a->att.time);
	/* its VM's posture: a read, and a write only when the verdict changes it */
	if (err == TL_OK && a->posture)
		err = tl_store_posture_attested(w, a->att.vm_id,
						strcmp(a->att.verdict, "healthy") == 0,
						a->attested_sb, a->revocations, a->att.time);
	return err == TL_OK ? TL_OK : TL_E_STORE;
}

/* Commits a batch; when it fails as a whole, each write again on its own, so that one bad
 * write does not fail the others. */
static void commit_batch(struct tl_store *w, struct tl_attest_write *batch)
{
	int err = w->ops->begin(w);
	for (struct tl_attest_write *a = batch; err == TL_OK && a; a = a->next) {
		a->result = apply(w, a);
		if (a->result != TL_OK && a->result != TL_E_STORE_CONFLICT &&
		    a->result != TL_E_STORE_STALE)
			err = a->result; /* those two are the write's own; the others fail all */
	}
	if (err == TL_OK && (err = w->ops->commit(w)) == TL_OK)
		return;
	w->ops->rollback(w); /* also after a failed COMMIT: SQLite may keep it open */
	for (struct tl_attest_write *a = batch; a; a = a->next) {
		a->learned = false;
		a->superseded = false;
		if ((a->result = w->ops->begin(w)) != TL_OK)
			continue;
		a->result = apply(w, a);
		if (a->result != TL_OK || (a->result = w->ops->commit(w)) != TL_OK)
			w->ops->rollback(w);
	}
}

static void purge_nonces(struct tl_store *w)
{
	char now[24];
	const char *p[1] = { now };
	snprintf(now, sizeof(now), "%" PRId64, (int64_t)time(NULL));
	(void)w->ops->exec(w, "DELETE FROM nonces WHERE expires < $1", p, 1, NULL, NULL);
}

int64_t tl_store_mono_us(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000000 + t.tv_nsec / 1000;
}

/* SQLite: the WAL starts over from its beginning only in a transaction begun after a
 * checkpoint reached its end. Under a light load the writer waits between batches and that
 * happens by itself; under a sustained heavy one the writer always has a transaction open,
 * and the WAL grew by ~45 MB/s at 2 500 attestations/s, for as long as the load lasted
 * (disk, recovery time, and every commit extending the file). So once the WAL is longer than
 * CHECKPOINT_WAL_FRAMES, rounds follow each other until one is short, and a last round runs
 * with the writer held: the writer's next transaction then starts the WAL over. The pause is
 * that round (a few milliseconds, at worst one database sync: ~50 ms), at most once per
 * second and only while the WAL is long. */
static void checkpoint(struct tl_store *s)
{
	long frames = s->keeper->ops->maintain(s->keeper);
	for (int round = 0; frames >= CHECKPOINT_WAL_FRAMES && round < CHECKPOINT_ROUNDS;
	     round++) {
		int64_t start = tl_store_mono_us();
		if ((frames = s->keeper->ops->maintain(s->keeper)) < 0)
			return; /* the next second tries again */
		if (tl_store_mono_us() - start < CHECKPOINT_SHORT_US) {
			pthread_mutex_lock(&s->wbusy);
			(void)s->keeper->ops->maintain(s->keeper);
			pthread_mutex_unlock(&s->wbusy);
			return;
		}
	}
}

/* Housekeeping off the commit path: expired nonces, and the back end's own (checkpoints). */
static void *keeper(void *arg)
{
	struct tl_store *s = arg;
	time_t purged = 0;
	pthread_mutex_lock(&s->qlock);
	while (!s->stopping) {
		struct timespec at;
		clock_gettime(CLOCK_REALTIME, &at);
		at.tv_sec += 1;
		pthread_cond_timedwait(&s->kcond, &s->qlock, &at); /* not qcond: that is the writer's */
		if (s->stopping)
			break;
		pthread_mutex_unlock(&s->qlock);
		if (s->cache && !s->cache_filled) {
			tl_store_cache_fill(s, s->keeper);
			s->cache_filled = true;
		}
		if (s->keeper->ops->maintain)
			checkpoint(s);
		if (time(NULL) - purged >= NONCE_PURGE_INTERVAL) {
			purge_nonces(s->keeper);
			purged = time(NULL);
		}
		pthread_mutex_lock(&s->qlock);
	}
	pthread_mutex_unlock(&s->qlock);
	return NULL;
}

static void *writer(void *arg)
{
	struct tl_store *s = arg;
	size_t last = 0; /* writes in the batch before */
	s->writer_alive = true;
	pthread_mutex_lock(&s->qlock);
	for (;;) {
		while (!s->queue && !s->stopping)
			pthread_cond_wait(&s->qcond, &s->qlock);
		if (!s->queue && s->stopping)
			break;
		if (last >= COMMIT_DELAY_AFTER && !s->stopping) {
			/* under load, a moment for more writes to join this commit: fewer
			 * fsyncs, and the pages every batch writes (the records' ends of their
			 * tables) shared by more attestations */
			const struct timespec d = { 0, COMMIT_DELAY_NS };
			pthread_mutex_unlock(&s->qlock);
			nanosleep(&d, NULL);
			pthread_mutex_lock(&s->qlock);
		}
		struct tl_attest_write *batch = s->queue;
		s->queue = NULL;
		pthread_mutex_unlock(&s->qlock);
		pthread_mutex_lock(&s->wbusy);
		commit_batch(s->writer, batch);
		pthread_mutex_unlock(&s->wbusy);
		last = 0;
		for (struct tl_attest_write *a = batch; a; a = a->next) {
			last++;
			if (a->result == TL_E_STORE_STALE || a->learned)
				tl_store_cache_drop(s->cache, a->att.vm_id);
			else if (a->result == TL_OK && a->update_clock)
				tl_store_cache_clock(s->cache, &a->clock);
		}
		/* callbacks outside the lock (they only hand the answer to its thread); the
		 * waiters set aside, to be woken under it */
		struct tl_attest_write *waiters = NULL;
		for (struct tl_attest_write *a = batch, *next; a; a = next) {
			next = a->next; /* a may be gone once told */
			if (a->on_done) {
				a->on_done(a);
			} else {
				a->next = waiters;
				waiters = a;
			}
		}
		pthread_mutex_lock(&s->qlock);
		for (struct tl_attest_write *a = waiters, *next; a; a = next) {
			next = a->next; /* a may be gone once woken */
			a->done = true;
			pthread_cond_signal(&a->wake);
		}
	}
	pthread_mutex_unlock(&s->qlock);
	s->writer_alive = false;
	return NULL;
}

static bool enqueue(struct tl_store *s, struct tl_attest_write *w)
{
	if (s->stopping)
		return false;
	/* order does not matter within a transaction; prepend */
	w->next = s->queue;
	s->queue = w;
	pthread_cond_signal(&s->qcond);
	return true;
}

int tl_store_attest_submit(struct tl_store *s, struct tl_attest_write *w,
			   void (*on_done)(struct tl_attest_write *w))
{
	w->learned = false;
	w->superseded = false;
	w->result = TL_E_STORE;
	w->on_done = on_done;
	pthread_mutex_lock(&s->qlock);
	bool queued = enqueue(s, w);
	pthread_mutex_unlock(&s->qlock);
	return queued ? TL_OK : TL_E_STORE;
}

int tl_store_attest_commit(struct tl_store *s, struct tl_attest_write *w)
{
	w->done = false;
	w->learned = false;
	w->superseded = false;
	w->result = TL_E_STORE;
	w->on_done = NULL;
	pthread_cond_init(&w->wake, NULL);
	pthread_mutex_lock(&s->qlock);
	if (enqueue(s, w))
		while (!w->done)
			pthread_cond_wait(&w->wake, &s->qlock);
	pthread_mutex_unlock(&s->qlock);
	pthread_cond_destroy(&w->wake);
	return w->result;
}

int tl_store_batch_start(struct tl_store *s, const char *url)
{
	pthread_mutex_init(&s->qlock, NULL);
	pthread_mutex_init(&s->wbusy, NULL);
	pthread_cond_init(&s->qcond, NULL);
	pthread_cond_init(&s->kcond, NULL);
	if (!(s->writer = tl_store_conn_open(s, url, "writer")) ||
	    !(s->keeper = tl_store_conn_open(s, url, "keeper")))
		return TL_E_STORE;
	/* the writer touches a random page of vm_tpm and of the attestations' VM indexes for
	 * each attestation: with 100 000 VMs those outgrow the default cache */
	if (strncmp(url, "sqlite:", 7) == 0)
		(void)s->writer->ops->exec(s->writer, "PRAGMA cache_size=-65536", NULL, 0, NULL, NULL);
	if (pthread_create(&s->thread, NULL, writer, s) != 0)
		return TL_E_NOMEM;
	if (pthread_create(&s->keeper_thread, NULL, keeper, s) != 0) {
		pthread_mutex_lock(&s->qlock);
		s->stopping = true;
		pthread_cond_broadcast(&s->qcond);
		pthread_mutex_unlock(&s->qlock);
		pthread_join(s->thread, NULL);
		return TL_E_NOMEM;
	}
	s->started = true;
	return TL_OK;
}

void tl_store_batch_stop(struct tl_store *s)
{
	if (s->started) {
		pthread_mutex_lock(&s->qlock);
		s->stopping = true;
		pthread_cond_broadcast(&s->qcond);
		pthread_cond_broadcast(&s->kcond);
		pthread_mutex_unlock(&s->qlock);
		pthread_join(s->thread, NULL);
		pthread_join(s->keeper_thread, NULL);
		s->started = false;
	}
	tl_store_conn_close(s->writer);
	tl_store_conn_close(s->keeper);
	s->writer = s->keeper = NULL;
}
