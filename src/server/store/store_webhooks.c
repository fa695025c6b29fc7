/* Webhooks and their durable outbox (docs/posture.md). An event is written in the same
 * transaction as what caused it, one row per subscribed webhook (at least once: a delivery
 * survives a crash or a restart); a node leases due rows before it sends them, so several
 * nodes on one PostgreSQL deliver each event once per webhook (again only after a node died
 * holding the lease: receivers de-duplicate by webhook-id). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_backend.h"
#include "trustlaunch/hash.h"

#define HOOK_COLS "id, tenant, url, events, secret, created, created_by"

static void copy(char *dst, size_t n, const char *src)
{
	snprintf(dst, n, "%s", src ? src : "");
}

static int hook_row(const char *const *c, int n, struct tl_webhook *w)
{
	memset(w, 0, sizeof(*w));
	if (n != 7)
		return TL_E_STORE;
	copy(w->id, sizeof(w->id), c[0]);
	copy(w->tenant, sizeof(w->tenant), c[1]);
	copy(w->url, sizeof(w->url), c[2]);
	copy(w->events, sizeof(w->events), c[3]);
	copy(w->secret, sizeof(w->secret), c[4]);
	w->created = c[5] ? strtoll(c[5], NULL, 10) : 0;
	copy(w->created_by, sizeof(w->created_by), c[6]);
	return TL_OK;
}

int tl_store_webhook_add(struct tl_store *s, const struct tl_webhook *w)
{
	char created[24];
	const char *p[7] = { w->id, w->tenant, w->url, w->events, w->secret, created, w->created_by };
	snprintf(created, sizeof(created), "%" PRId64, w->created);
	return tl_store_run(s,
			    "INSERT INTO webhooks (" HOOK_COLS ") VALUES ($1, $2, $3, $4, $5, CAST($6 "
			    "AS BIGINT), $7)",
			    p, 7, NULL, NULL);
}

struct each_hook {
	int (*fn)(const struct tl_webhook *w, void *arg);
	void *arg;
	bool found;
};

static int each_hook(const char *const *c, int n, void *arg)
{
	struct each_hook *e = arg;
	struct tl_webhook w;
	int err = hook_row(c, n, &w);
	e->found = true;
	return err == TL_OK ? e->fn(&w, e->arg) : err;
}

int tl_store_webhook_list(struct tl_store *s, const char *tenant, int64_t after_created,
			  const char *after_id, size_t limit,
			  int (*fn)(const struct tl_webhook *w, void *arg), void *arg)
{
	struct each_hook e = { fn, arg, false };
	char created[24], lim[24];
	const char *p[4] = { tenant, created, after_id ? after_id : "", lim };
	snprintf(created, sizeof(created), "%" PRId64, after_id ? after_created : INT64_MIN);
	snprintf(lim, sizeof(lim), "%zu", limit);
	return tl_store_run(s,
			    "SELECT " HOOK_COLS " FROM webhooks WHERE ($1 = '*' OR tenant = $1) AND "
			    "(created > CAST($2 AS BIGINT) OR (created = CAST($2 AS BIGINT) AND id > "
			    "$3)) ORDER BY created, id LIMIT CAST($4 AS BIGINT)",
			    p, 4, each_hook, &e);
}

static int take(const struct tl_webhook *w, void *arg)
{
	*(struct tl_webhook *)arg = *w;
	return TL_OK;
}

int tl_store_webhook_get(struct tl_store *s, const char *tenant, const char *id,
			 struct tl_webhook *out)
{
	struct each_hook e = { take, out, false };
	const char *p[2] = { id, tenant };
	int err = tl_store_run(s,
			       "SELECT " HOOK_COLS " FROM webhooks WHERE id = $1 AND ($2 = '*' OR "
			       "tenant = $2)",
			       p, 2, each_hook, &e);
	return err == TL_OK && !e.found ? TL_E_STORE_NOT_FOUND : err;
}

static int counted(const char *const *c, int n, void *arg)
{
	(void)c;
	(void)n;
	(*(int *)arg)++;
	return TL_OK;
}

int tl_store_webhook_delete(struct tl_store *s, const char *tenant, const char *id)
{
	const char *p[2] = { id, tenant };
	int n = 0, err;
	pthread_mutex_lock(&s->lock);
	if ((err = s->ops->begin(s)) != TL_OK)
		goto out;
	err = s->ops->exec(s,
			   "DELETE FROM webhooks WHERE id = $1 AND ($2 = '*' OR tenant = $2) "
			   "RETURNING id",
			   p, 2, counted, &n);
	if (err == TL_OK && n == 0)
		err = TL_E_STORE_NOT_FOUND;
	if (err == TL_OK)
		err = s->ops->exec(s, "DELETE FROM outbox WHERE webhook_id = $1", p, 1, NULL, NULL);
	if (err == TL_OK)
		err = s->ops->commit(s);
	else
		s->ops->rollback(s);
out:
	pthread_mutex_unlock(&s->lock);
	return err;
}

int tl_store_outbox_add(struct tl_store *c, const char *tenant, const char *type,
			const char *payload, int64_t now, const char *only)
{
	uint8_t r[16];
	char id[48], t[24], quoted[64];
	int err = tl_random(r, sizeof(r));
	if (err != TL_OK)
		return err;
	memcpy(id, "msg_", 4);
	tl_hex(r, sizeof(r), id + 4);
	snprintf(t, sizeof(t), "%" PRId64, now);
	/* the event types of a webhook are a JSON array of known names: an exact quoted item */
	snprintf(quoted, sizeof(quoted), "%%\"%s\"%%", type);
	const char *p[7] = { id, type, payload, t, tenant, quoted, only };
	return c->ops->exec(c,
			    "INSERT INTO outbox (event_id, webhook_id, type, payload, created, "
			    "attempts, next_attempt, state, lease_until) SELECT $1, w.id, $2, $3, "
			    "CAST($4 AS BIGINT), 0, CAST($4 AS BIGINT), 'pending', 0 FROM webhooks w "
			    "WHERE (CAST($7 AS TEXT) IS NULL AND (w.tenant = $5 OR w.tenant = '*') AND "
			    "w.events LIKE $6) OR w.id = $7",
			    p, 7, NULL, NULL);
}

struct claimed {
	struct tl_outbox_item items[64];
	size_t n;
};

static int claimed_row(const char *const *c, int n, void *arg)
{
	struct claimed *cl = arg;
	struct tl_outbox_item *it;
	if (n != 6)
		return TL_E_STORE;
	if (cl->n >= sizeof(cl->items) / sizeof(cl->items[0]))
		return TL_OK;
	it = &cl->items[cl->n];
	memset(it, 0, sizeof(*it));
	copy(it->event_id, sizeof(it->event_id), c[0]);
	copy(it->webhook_id, sizeof(it->webhook_id), c[1]);
	copy(it->type, sizeof(it->type), c[2]);
	if (!(it->payload = strdup(c[3] ? c[3] : "{}")))
		return TL_E_NOMEM;
	it->attempts = c[4] ? (int)strtol(c[4], NULL, 10) : 0;
	it->created = c[5] ? strtoll(c[5], NULL, 10) : 0;
	cl->n++;
	return TL_OK;
}

static int hook_target(const char *const *c, int n, void *arg)
{
	struct tl_outbox_item *it = arg;
	if (n != 2)
		return TL_E_STORE;
	copy(it->url, sizeof(it->url), c[0]);
	copy(it->secret, sizeof(it->secret), c[1]);
	return TL_OK;
}

int tl_store_outbox_claim(struct tl_store *s, int64_t now, int64_t lease_s, size_t max,
			  int (*fn)(const struct tl_outbox_item *it, void *arg), void *arg)
{
	struct claimed cl = { .n = 0 };
	char t[24], until[24], lim[24];
	const char *p[3] = { t, until, lim };
	int err;
	if (max > sizeof(cl.items) / sizeof(cl.items[0]))
		max = sizeof(cl.items) / sizeof(cl.items[0]);
	snprintf(t, sizeof(t), "%" PRId64, now);
	snprintf(until, sizeof(until), "%" PRId64, now + lease_s);
	snprintf(lim, sizeof(lim), "%zu", max);
	/* the lease is checked again by the UPDATE itself: of two nodes that picked the same
	 * row, the second finds it leased (PostgreSQL re-reads a row it waited for) */
	err = tl_store_run(s,
			   "UPDATE outbox SET lease_until = CAST($2 AS BIGINT) WHERE state = 'pending' "
			   "AND lease_until < CAST($1 AS BIGINT) AND (event_id, webhook_id) IN (SELECT "
			   "event_id, webhook_id FROM outbox WHERE state = 'pending' AND next_attempt <= "
			   "CAST($1 AS BIGINT) AND lease_until < CAST($1 AS BIGINT) ORDER BY "
			   "next_attempt LIMIT CAST($3 AS BIGINT)) RETURNING event_id, webhook_id, type, "
			   "payload, attempts, created",
			   p, 3, claimed_row, &cl);
	for (size_t i = 0; i < cl.n; i++) {
		const char *ph[1] = { cl.items[i].webhook_id };
		if (err == TL_OK)
			err = tl_store_run(s, "SELECT url, secret FROM webhooks WHERE id = $1", ph, 1,
					   hook_target, &cl.items[i]);
		if (err == TL_OK && cl.items[i].url[0]) /* a webhook deleted meanwhile: its row went */
			err = fn(&cl.items[i], arg);
		free(cl.items[i].payload);
	}
	return err;
}

int tl_store_outbox_done(struct tl_store *s, const struct tl_outbox_item *it, int status,
			 const char *error, int64_t duration_ms, int64_t now, bool delivered,
			 int64_t next_attempt)
{
	char id[24], t[24], att[16], st[16], dur[24], next[24];
	const char *pd[9] = { id, it->webhook_id, it->event_id, it->type, t, att, st, error, dur };
	const char *po[4] = { it->event_id, it->webhook_id,
			      delivered ? "delivered" : next_attempt ? "pending" : "failed", next };
	int err;
	snprintf(id, sizeof(id), "%" PRId64, tl_store_next_id());
	snprintf(t, sizeof(t), "%" PRId64, now);
	snprintf(att, sizeof(att), "%d", it->attempts + 1);
	snprintf(st, sizeof(st), "%d", status);
	snprintf(dur, sizeof(dur), "%" PRId64, duration_ms);
	snprintf(next, sizeof(next), "%" PRId64, next_attempt);
	pthread_mutex_lock(&s->lock);
	if ((err = s->ops->begin(s)) != TL_OK)
		goto out;
	err = s->ops->exec(s,
			   "INSERT INTO deliveries (id, webhook_id, event_id, type, time, attempt, "
			   "status, error, duration_ms) VALUES (CAST($1 AS BIGINT), $2, $3, $4, CAST($5 "
			   "AS BIGINT), CAST($6 AS INTEGER), CAST($7 AS INTEGER), $8, CAST($9 AS BIGINT))",
			   pd, 9, NULL, NULL);
	if (err == TL_OK)
		err = s->ops->exec(s,
				   "UPDATE outbox SET state = $3, attempts = attempts + 1, "
				   "next_attempt = CAST($4 AS BIGINT), lease_until = 0 WHERE event_id = "
				   "$1 AND webhook_id = $2",
				   po, 4, NULL, NULL);
	if (err == TL_OK)
		err = s->ops->commit(s);
	else
		s->ops->rollback(s);
out:
	pthread_mutex_unlock(&s->lock);
	return err;
}

struct each_delivery {
	int (*fn)(const struct tl_delivery *d, void *arg);
	void *arg;
};

static int delivery_row(const char *const *c, int n, void *arg)
{
	struct each_delivery *e = arg;
	struct tl_delivery d;
	if (n != 8)
		return TL_E_STORE;
	memset(&d, 0, sizeof(d));
	d.id = c[0] ? strtoll(c[0], NULL, 10) : 0;
	copy(d.event_id, sizeof(d.event_id), c[1]);
	copy(d.type, sizeof(d.type), c[2]);
	d.time = c[3] ? strtoll(c[3], NULL, 10) : 0;
	d.attempt = c[4] ? (int)strtol(c[4], NULL, 10) : 0;
	d.status = c[5] ? (int)strtol(c[5], NULL, 10) : 0;
	copy(d.error, sizeof(d.error), c[6]);
	d.duration_ms = c[7] ? strtoll(c[7], NULL, 10) : 0;
	return e->fn(&d, e->arg);
}

int tl_store_delivery_list(struct tl_store *s, const char *webhook_id, int64_t before_id,
			   size_t limit, int (*fn)(const struct tl_delivery *d, void *arg),
			   void *arg)
{
	struct each_delivery e = { fn, arg };
	char before[24], lim[24];
	const char *p[3] = { webhook_id, before, lim };
	snprintf(before, sizeof(before), "%" PRId64, before_id > 0 ? before_id : INT64_MAX);
	snprintf(lim, sizeof(lim), "%zu", limit);
	return tl_store_run(s,
			    "SELECT id, event_id, type, time, attempt, status, error, duration_ms FROM "
			    "deliveries WHERE webhook_id = $1 AND id < CAST($2 AS BIGINT) ORDER BY id "
			    "DESC LIMIT CAST($3 AS BIGINT)",
			    p, 3, delivery_row, &e);
}

static int first_int(const char *const *c, int n, void *arg)
{
	if (n >= 1 && c[0])
		*(int64_t *)arg = strtoll(c[0], NULL, 10);
	return TL_OK;
}

int tl_store_outbox_pending(struct tl_store *s, int64_t *out)
{
	*out = 0;
	return tl_store_run(s, "SELECT count(*) FROM outbox WHERE state = 'pending'", NULL, 0,
			    first_int, out);
}

int tl_store_webhook_test(struct tl_store *s, const char *webhook_id, const char *payload,
			  int64_t now)
{
	int err;
	pthread_mutex_lock(&s->lock);
	err = tl_store_outbox_add(s, "", "webhook.test", payload, now, webhook_id);
	pthread_mutex_unlock(&s->lock);
	return err;
}
