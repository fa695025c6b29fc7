/* What an attestation does to its VM's alerts, inside its write's transaction on the writer's
 * connection (tl_store_alerts_apply), and the suppression rules that decide whether a new
 * alert is active or recorded as dismissed. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "store_backend.h"

#define MAX_RESOLVED 16 /* open attestation failures of one VM (one per cause) */

struct ids {
	char id[MAX_RESOLVED][TL_ID_LEN];
	size_t n;
};

static int collect_id(const char *const *c, int n, void *arg)
{
	struct ids *ids = arg;
	if (n >= 1 && c[0] && ids->n < MAX_RESOLVED)
		snprintf(ids->id[ids->n++], TL_ID_LEN, "%s", c[0]);
	return TL_OK;
}

static int event(struct tl_store *c, const char *id, const char *action, const char *comment,
		 const char *t)
{
	const char *p[4] = { id, t, action, comment };
	return c->ops->exec(c,
			    "INSERT INTO alert_events (alert_id, time, actor, action, comment) VALUES "
			    "($1, $2, 'trustlaunchd', $3, $4)",
			    p, 4, NULL, NULL);
}

/* A healthy verdict: the VM's open attestation failures are over. An active one becomes
 * resolved; a dismissed one stays dismissed; both close (the next failure opens anew). */
static int resolve(struct tl_store *c, const char *vm_id, struct tl_alert_plan *p,
		   const char *t, struct ids *out)
{
	struct ids ids = { .n = 0 };
	const char *pr[2] = { vm_id, t };
	int err = c->ops->exec(c,
			       "UPDATE alerts SET open = 0, status = CASE WHEN status = 'active' THEN "
			       "'resolved' ELSE status END, updated = CAST($2 AS BIGINT) WHERE vm_id = "
			       "$1 AND type = 'attestation_failure' AND open = 1 AND status = "
			       "'active' RETURNING id",
			       pr, 2, collect_id, &ids);
	/* dismissed ones close too, quietly: their condition is over */
	if (err == TL_OK)
		err = c->ops->exec(c,
				   "UPDATE alerts SET open = 0, updated = CAST($2 AS BIGINT) WHERE "
				   "vm_id = $1 AND type = 'attestation_failure' AND open = 1",
				   pr, 2, NULL, NULL);
	for (size_t i = 0; err == TL_OK && i < ids.n; i++)
		err = event(c, ids.id[i], "resolved", "the VM attested healthy", t);
	p->resolved += ids.n;
	*out = ids;
	return err;
}

struct vm_of {
	char tenant[64], name[128];
	bool found;
};

static int vm_row(const char *const *c, int n, void *arg)
{
	struct vm_of *v = arg;
	if (n != 2)
		return TL_E_STORE;
	snprintf(v->tenant, sizeof(v->tenant), "%s", c[0] ? c[0] : "");
	snprintf(v->name, sizeof(v->name), "%s", c[1] ? c[1] : "");
	v->found = true;
	return TL_OK;
}

struct matching {
	const struct tl_alert_new *a;
	const char *vm_id;
	int64_t now;
	char rule[TL_ID_LEN];
};

static int rule_row(const char *const *c, int n, void *arg)
{
	struct matching *m = arg;
	struct tl_suppression r;
	if (n != 4)
		return TL_E_STORE;
	if (m->rule[0])
		return TL_OK; /* the first that matches names the suppression */
	memset(&r, 0, sizeof(r));
	snprintf(r.id, sizeof(r.id), "%s", c[0] ? c[0] : "");
	snprintf(r.alert_type, sizeof(r.alert_type), "%s", m->a->type);
	r.vm_ids = (char *)(c[1] ? c[1] : "[]");
	r.reason_codes = (char *)(c[2] ? c[2] : "[]");
	r.expires = c[3] ? strtoll(c[3], NULL, 10) : 0;
	if (tl_suppression_matches(&r, m->a->type, m->vm_id, m->a->codes, m->now))
		snprintf(m->rule, sizeof(m->rule), "%s", r.id);
	return TL_OK;
}

struct upserted {
	int64_t count;
	char id[TL_ID_LEN];
	char status[16];
};

static int upsert_row(const char *const *c, int n, void *arg)
{
	struct upserted *u = arg;
	if (n != 3)
		return TL_E_STORE;
	snprintf(u->id, sizeof(u->id), "%s", c[0] ? c[0] : "");
	u->count = c[1] ? strtoll(c[1], NULL, 10) : 0;
	snprintf(u->status, sizeof(u->status), "%s", c[2] ? c[2] : "");
	return TL_OK;
}

/* A webhook event about an alert: {type, timestamp, data} (Standard Webhooks' shape). */
static int notify(struct tl_store *c, const char *event, const struct vm_of *vm,
		  const char *vm_id, const char *id, const char *status, int64_t count,
		  const struct tl_alert_new *a, int64_t now)
{
	json_t *reasons = a && a->reasons ? json_loads(a->reasons, 0, NULL) : NULL;
	json_t *data = json_pack("{s:s,s:s,s:s,s:s,s:s,s:I}", "alert_id", id, "vm_id", vm_id,
				 "vm_name", vm->name, "tenant", vm->tenant, "status", status,
				 "count", (json_int_t)count);
	char ts[32], *text;
	time_t tt = (time_t)now;
	struct tm tm;
	int err;
	if (a && data) {
		json_object_set_new(data, "type", json_string(a->type));
		json_object_set_new(data, "severity", json_string(a->severity));
		json_object_set_new(data, "title", json_string(a->title));
		json_object_set_new(data, "cause", json_string(a->cause));
		if (a->module)
			json_object_set_new(data, "module", json_string(a->module));
		json_object_set_new(data, "reasons", reasons ? reasons : json_array());
		reasons = NULL;
	}
	json_decref(reasons);
	gmtime_r(&tt, &tm);
	strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%SZ", &tm);
	json_t *o = data ? json_pack("{s:s,s:s,s:o}", "type", event, "timestamp", ts, "data", data)
			 : NULL;
	text = o ? json_dumps(o, JSON_COMPACT) : NULL;
	json_decref(o);
	if (!text)
		return TL_E_NOMEM;
	err = tl_store_outbox_add(c, vm->tenant, event, text, now, NULL);
	free(text);
	return err;
}

/* A repeat of an open alert adds to it; a rule that stopped matching (expired, deleted)
 * makes a suppressed alert active again; a person's dismissal stands. */
static int upsert(struct tl_store *c, const char *vm_id, const struct vm_of *vm,
		  const struct tl_alert_new *a, const char *rule, const char *t,
		  struct upserted *u)
{
	char seq[24];
	const char *p[16] = { a->id, vm->tenant, vm_id, vm->name, a->type, a->severity,
			      rule[0] ? "dismissed" : "active", a->cause, a->title,
			      a->description, a->reasons, a->module, a->remediation, t,
			      rule[0] ? rule : NULL, seq };
	snprintf(seq, sizeof(seq), "%" PRId64, tl_store_next_id());
	return c->ops->exec(
		c,
		"INSERT INTO alerts (id, tenant, vm_id, vm_name, type, severity, status, open, cause, "
		"title, description, reasons, module, remediation, count, first_seen, last_seen, "
		"suppressed_by, updated, seq) VALUES ($1, $2, $3, $4, $5, $6, $7, 1, $8, $9, $10, $11, "
		"$12, $13, 1, CAST($14 AS BIGINT), CAST($14 AS BIGINT), $15, CAST($14 AS BIGINT), "
		"CAST($16 AS BIGINT)) ON CONFLICT (vm_id, type, cause) WHERE open = 1 DO UPDATE SET "
		"count = alerts.count + 1, last_seen = excluded.last_seen, reasons = excluded.reasons, "
		"updated = excluded.updated, status = CASE WHEN alerts.suppressed_by IS NOT NULL AND "
		"excluded.suppressed_by IS NULL AND alerts.status = 'dismissed' THEN 'active' ELSE "
		"alerts.status END, suppressed_by = CASE WHEN excluded.suppressed_by IS NULL THEN NULL "
		"ELSE alerts.suppressed_by END RETURNING id, count, status",
		p, 16, upsert_row, u);
}

#define QUIET_S 60 /* a repeat after this long without one is news again */

/* Whether a repeat of an open alert is delivered (alert.updated, attestation.unhealthy): the
 * first after QUIET_S without one (an agent's periodic attestations are minutes apart), and
 * within a burst only at counts 2, 4, 8, ...: anyone who knows a VM's id may send it quotes,
 * and must not be able to make the outbox, and the receivers, grow with their requests. The
 * alert's count and last_seen still take every repeat. */
static bool repeat_is_news(int64_t count, int64_t prev_last_seen, int64_t now)
{
	return now - prev_last_seen >= QUIET_S || (count & (count - 1)) == 0;
}

static int int_row(const char *const *c, int n, void *arg)
{
	if (n == 1 && c[0])
		*(int64_t *)arg = strtoll(c[0], NULL, 10);
	return TL_OK;
}

/* The open alert's last_seen before this repeat (0: none open). */
static int prev_last_seen(struct tl_store *c, const char *vm_id, const struct tl_alert_new *a,
			  int64_t *out)
{
	const char *p[3] = { vm_id, a->type, a->cause };
	*out = 0;
	return c->ops->exec(c,
			    "SELECT last_seen FROM alerts WHERE vm_id = $1 AND type = $2 AND cause "
			    "= $3 AND open = 1",
			    p, 3, int_row, out);
}

static int raise_one(struct tl_store *c, const char *vm_id, const struct vm_of *vm,
		     const struct tl_alert_new *a, struct tl_alert_plan *p, int64_t now,
		     const char *t)
{
	struct matching m = { a, vm_id, now, "" };
	struct upserted u = { 0, "", "" };
	const char *pr[2] = { vm->tenant, a->type };
	int64_t prev = 0;
	int err = prev_last_seen(c, vm_id, a, &prev);
	if (err == TL_OK)
		err = c->ops->exec(c,
			       "SELECT id, vm_ids, reason_codes, expires FROM suppression_rules WHERE "
			       "(tenant = $1 OR tenant = '*') AND alert_type = $2 ORDER BY created",
			       pr, 2, rule_row, &m);
	if (err == TL_OK)
		err = upsert(c, vm_id, vm, a, m.rule, t, &u);
	if (err != TL_OK)
		return err;
	bool news = u.count <= 1 || repeat_is_news(u.count, prev, now);
	bool deliver = strcmp(u.status, "active") == 0 && news;
	if (deliver && strcmp(a->type, "attestation_failure") == 0 &&
	    (err = notify(c, "attestation.unhealthy", vm, vm_id, u.id, u.status, u.count, a,
			  now)) != TL_OK)
		return err;
	if (u.count > 1) {
		p->updated++;
		/* a dismissed alert is not news: only active ones are delivered, as repeat_is_news
		 * allows */
		return deliver ? notify(c, "alert.updated", vm, vm_id, u.id, u.status, u.count, a, now)
			       : TL_OK;
	}
	p->created++;
	if (m.rule[0]) {
		char why[80];
		snprintf(why, sizeof(why), "suppressed by rule %s", m.rule);
		p->suppressed++;
		return event(c, u.id, "dismissed", why, t);
	}
	err = event(c, u.id, "created", "", t);
	return err == TL_OK ? notify(c, "alert.created", vm, vm_id, u.id, u.status, 1, a, now)
			    : err;
}

int tl_store_alerts_apply(struct tl_store *c, const char *vm_id, struct tl_alert_plan *p,
			  int64_t now)
{
	char t[24];
	struct vm_of vm = { "", "", false };
	const char *pv[1] = { vm_id };
	int err = TL_OK;

	struct ids resolved = { .n = 0 };
	snprintf(t, sizeof(t), "%" PRId64, now);
	p->created = p->updated = p->resolved = p->suppressed = 0;
	if (p->resolve_failure && (err = resolve(c, vm_id, p, t, &resolved)) != TL_OK)
		return err;
	if (p->n == 0 && resolved.n == 0)
		return TL_OK;
	err = c->ops->exec(c, "SELECT tenant, name FROM vms WHERE id = $1", pv, 1, vm_row, &vm);
	if (err != TL_OK || !vm.found)
		return err; /* a VM deleted meanwhile raises nothing */
	for (size_t i = 0; err == TL_OK && i < resolved.n; i++)
		err = notify(c, "alert.resolved", &vm, vm_id, resolved.id[i], "resolved", 0, NULL,
			     now);
	for (size_t i = 0; err == TL_OK && i < p->n && i < TL_ALERTS_PER_ATTESTATION; i++)
		err = raise_one(c, vm_id, &vm, &p->add[i], p, now, t);
	return err;
}

/* ---- suppression rules */

static bool json_has(const char *list, const char *s)
{
	json_t *a = json_loads(list, 0, NULL), *v;
	size_t i;
	bool found = false;
	json_array_foreach(a, i, v)
		if (json_is_string(v) && strcmp(json_string_value(v), s) == 0)
			found = true;
	json_decref(a);
	return found;
}

static bool json_any(const char *list)
{
	json_t *a = json_loads(list, 0, NULL);
	bool any = json_is_array(a) && json_array_size(a) == 0;
	json_decref(a);
	return any;
}

bool tl_suppression_matches(const struct tl_suppression *r, const char *type,
			    const char *vm_id, const char *const *codes, int64_t now)
{
	if (strcmp(r->alert_type, type) != 0 || (r->expires && r->expires <= now))
		return false;
	if (!json_any(r->vm_ids) && !json_has(r->vm_ids, vm_id))
		return false;
	if (json_any(r->reason_codes))
		return true;
	/* every reason of the alert must be one the rule names: a rule for Secure Boot being
	 * off does not hide a changed kernel command line beside it */
	for (size_t i = 0; i < 16 && codes[i]; i++)
		if (!json_has(r->reason_codes, codes[i]))
			return false;
	return codes[0] != NULL;
}
