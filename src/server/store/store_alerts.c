/* Alerts (docs/posture.md). An attestation's alerts are written by the group-commit writer
 * in the attestation's own transaction (tl_store_alerts_apply): durable with it, and no
 * fsync of their own. At most one alert of a VM, type and cause is open (a unique partial
 * index, so two nodes on one PostgreSQL cannot open two): a repeat adds to its count. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "store_backend.h"

#define ALERT_COLS                                                                          \
	"id, tenant, vm_id, vm_name, type, severity, status, open, cause, title, description, " \
	"reasons, module, remediation, count, first_seen, last_seen, suppressed_by, updated, seq"
#define NCOLS 20

static char *dup(const char *s)
{
	return strdup(s ? s : "");
}

static void copy(char *dst, size_t n, const char *src)
{
	snprintf(dst, n, "%s", src ? src : "");
}

void tl_alert_clear(struct tl_alert *a)
{
	free(a->cause);
	free(a->title);
	free(a->description);
	free(a->reasons);
	free(a->module);
	free(a->remediation);
	memset(a, 0, sizeof(*a));
}

static int alert_row(const char *const *c, int n, struct tl_alert *a)
{
	memset(a, 0, sizeof(*a));
	if (n != NCOLS)
		return TL_E_STORE;
	copy(a->id, sizeof(a->id), c[0]);
	copy(a->tenant, sizeof(a->tenant), c[1]);
	copy(a->vm_id, sizeof(a->vm_id), c[2]);
	copy(a->vm_name, sizeof(a->vm_name), c[3]);
	copy(a->type, sizeof(a->type), c[4]);
	copy(a->severity, sizeof(a->severity), c[5]);
	copy(a->status, sizeof(a->status), c[6]);
	a->open = c[7] && strcmp(c[7], "0") != 0;
	a->cause = dup(c[8]);
	a->title = dup(c[9]);
	a->description = dup(c[10]);
	a->reasons = dup(c[11]);
	a->module = c[12] ? strdup(c[12]) : NULL;
	a->remediation = dup(c[13]);
	a->count = c[14] ? strtoll(c[14], NULL, 10) : 0;
	a->first_seen = c[15] ? strtoll(c[15], NULL, 10) : 0;
	a->last_seen = c[16] ? strtoll(c[16], NULL, 10) : 0;
	copy(a->suppressed_by, sizeof(a->suppressed_by), c[17]);
	a->updated = c[18] ? strtoll(c[18], NULL, 10) : 0;
	a->seq = c[19] ? strtoll(c[19], NULL, 10) : 0;
	if (!a->cause || !a->title || !a->description || !a->reasons || !a->remediation ||
	    (c[12] && !a->module)) {
		tl_alert_clear(a);
		return TL_E_NOMEM;
	}
	return TL_OK;
}

struct each_alert {
	int (*fn)(const struct tl_alert *a, void *arg);
	void *arg;
};

static int each_alert(const char *const *c, int n, void *arg)
{
	struct each_alert *e = arg;
	struct tl_alert a;
	int err = alert_row(c, n, &a);
	if (err == TL_OK)
		err = e->fn(&a, e->arg);
	tl_alert_clear(&a);
	return err;
}

int tl_store_alert_list(struct tl_store *s, const struct tl_alert_filter *f,
			int (*fn)(const struct tl_alert *a, void *arg), void *arg)
{
	char since[24], before[24], limit[24];
	const char *p[8] = { f->tenant, f->status, f->type, f->severity, f->vm_id, since, before,
			     limit };
	struct each_alert e = { fn, arg };
	snprintf(since, sizeof(since), "%" PRId64, f->since);
	snprintf(before, sizeof(before), "%" PRId64, f->before_seq > 0 ? f->before_seq : INT64_MAX);
	snprintf(limit, sizeof(limit), "%zu", f->limit);
	return tl_store_run(s,
			    "SELECT " ALERT_COLS " FROM alerts WHERE ($1 = '*' OR tenant = $1) AND "
			    "(CAST($2 AS TEXT) IS NULL OR status = $2) AND (CAST($3 AS TEXT) IS NULL OR "
			    "type = $3) AND (CAST($4 AS TEXT) IS NULL OR severity = $4) AND (CAST($5 AS "
			    "TEXT) IS NULL OR vm_id = $5) "
			    "AND last_seen >= CAST($6 AS BIGINT) AND seq < CAST($7 AS BIGINT) ORDER BY "
			    "seq DESC LIMIT CAST($8 AS BIGINT)",
			    p, 8, each_alert, &e);
}

struct one_alert {
	struct tl_alert *a;
	bool found;
};

static int one_alert(const char *const *c, int n, void *arg)
{
	struct one_alert *o = arg;
	int err = alert_row(c, n, o->a);
	o->found = err == TL_OK;
	return err;
}

int tl_store_alert_get(struct tl_store *s, const char *tenant, const char *id,
		       struct tl_alert *out)
{
	struct one_alert o = { out, false };
	const char *p[2] = { id, tenant };
	int err;
	memset(out, 0, sizeof(*out));
	err = tl_store_run(s,
			   "SELECT " ALERT_COLS " FROM alerts WHERE id = $1 AND ($2 = '*' OR tenant "
			   "= $2)",
			   p, 2, one_alert, &o);
	return err == TL_OK && !o.found ? TL_E_STORE_NOT_FOUND : err;
}

static int counted(const char *const *c, int n, void *arg)
{
	(void)c;
	(void)n;
	(*(int *)arg)++;
	return TL_OK;
}

static int event(struct tl_store *c, const char *id, const char *actor, const char *action,
		 const char *comment, int64_t now)
{
	char t[24];
	const char *p[5] = { id, t, actor, action, comment ? comment : "" };
	snprintf(t, sizeof(t), "%" PRId64, now);
	return c->ops->exec(c,
			    "INSERT INTO alert_events (alert_id, time, actor, action, comment) VALUES "
			    "($1, $2, $3, $4, $5)",
			    p, 5, NULL, NULL);
}

/* A person dismisses or resolves: the status changes (and with it whether it is open: a
 * resolved alert is closed; a dismissed one stays open, absorbing repeats, until the VM is
 * healthy again), and the audit trail keeps who, when and why. */
int tl_store_alert_act(struct tl_store *s, const char *tenant, const char *id,
		       const char *action, const char *actor, const char *comment, int64_t now)
{
	const char *status = strcmp(action, "dismiss") == 0 ? "dismissed" : "resolved";
	char t[24];
	const char *p[4] = { id, tenant, status, t };
	int n = 0, err;
	snprintf(t, sizeof(t), "%" PRId64, now);
	pthread_mutex_lock(&s->lock);
	if ((err = s->ops->begin(s)) != TL_OK)
		goto out;
	err = s->ops->exec(s,
			   "UPDATE alerts SET status = $3, open = CASE WHEN $3 = 'resolved' THEN 0 "
			   "ELSE open END, updated = CAST($4 AS BIGINT) WHERE id = $1 AND ($2 = '*' OR "
			   "tenant = $2) AND status <> $3 RETURNING id",
			   p, 4, counted, &n);
	if (err == TL_OK && n == 0)
		err = TL_E_STORE_CONFLICT;
	if (err == TL_OK)
		err = event(s, id, actor, status, comment, now);
	if (err == TL_OK)
		err = s->ops->commit(s);
	else
		s->ops->rollback(s);
out:
	pthread_mutex_unlock(&s->lock);
	return err;
}

struct each_event {
	int (*fn)(int64_t, const char *, const char *, const char *, void *);
	void *arg;
};

static int each_event(const char *const *c, int n, void *arg)
{
	struct each_event *e = arg;
	if (n != 4)
		return TL_E_STORE;
	return e->fn(c[0] ? strtoll(c[0], NULL, 10) : 0, c[1], c[2], c[3], e->arg);
}

int tl_store_alert_events(struct tl_store *s, const char *id,
			  int (*fn)(int64_t, const char *, const char *, const char *, void *),
			  void *arg)
{
	struct each_event e = { fn, arg };
	const char *p[1] = { id };
	return tl_store_run(s,
			    "SELECT time, actor, action, comment FROM alert_events WHERE alert_id = "
			    "$1 ORDER BY time, action",
			    p, 1, each_event, &e);
}

int tl_store_alert_counts(struct tl_store *s, const char *tenant,
			  int (*fn)(const char *const *cols, int ncols, void *arg), void *arg)
{
	const char *p[1] = { tenant };
	/* each the walk of an index in its order (store_schema.c): no sort, no table read */
	if (strcmp(tenant, "*") == 0)
		return tl_store_run(s,
				    "SELECT type, severity, status, count(*) FROM alerts GROUP BY "
				    "type, severity, status ORDER BY type, severity, status",
				    NULL, 0, fn, arg);
	return tl_store_run(s,
			    "SELECT type, severity, status, count(*) FROM alerts WHERE tenant = $1 "
			    "GROUP BY type, severity, status ORDER BY type, severity, status",
			    p, 1, fn, arg);
}
