/* Each VM's posture (docs/posture.md), one row a VM, written only when it changes: by the
 * API when the VM's profile changes or it enrols, by the attestation's group commit when a
 * verdict changes it, by the staleness job when the agent falls silent. The fleet's counts
 * are a GROUP BY over an index of the statuses, and a recommendation's VMs with a status are
 * a range of another: nothing is decided per VM when asked. A change of a recommendation's
 * status is a recommendation.changed event, in the transaction that writes it. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "store_backend.h"

#define P_NCOLS TL_POSTURE_NCOLS

static long num(const char *s)
{
	return s ? strtol(s, NULL, 10) : 0;
}

int tl_store_posture_row_of(const char *const *c, int n, struct tl_posture_row *r)
{
	if (n < P_NCOLS)
		return TL_E_STORE;
	memset(r, 0, sizeof(*r));
	snprintf(r->vm_id, sizeof(r->vm_id), "%s", c[0] ? c[0] : "");
	snprintf(r->tenant, sizeof(r->tenant), "%s", c[1] ? c[1] : "");
	r->created = c[2] ? strtoll(c[2], NULL, 10) : 0;
	r->in.type = (enum tl_security_type)num(c[3]);
	r->in.secure_boot = num(c[4]) != 0;
	r->in.vtpm = num(c[5]) != 0;
	r->in.size = (enum tl_cat_support)num(c[6]);
	r->in.os_supported = num(c[7]) != 0;
	r->in.enrolled = num(c[8]) != 0;
	r->in.attested = num(c[9]) >= 0;
	r->in.attested_healthy = num(c[9]) == 1;
	r->in.attested_secure_boot = (int)num(c[10]);
	r->stale = num(c[11]) != 0;
	for (unsigned k = 0; k < TL_REC_REVOCATIONS; k++)
		r->rec[k] = (enum tl_status)num(c[12 + k]);
	r->assess = (enum tl_status)num(c[15]);
	snprintf(r->cause, sizeof(r->cause), "%s", c[16] ? c[16] : "");
	r->version = c[17] ? strtoll(c[17], NULL, 10) : 0;
	/* only the status is kept: the reason in words is the latest record's */
	r->in.revocations.status = (enum tl_status)num(c[18]);
	r->rec[TL_REC_REVOCATIONS] = (enum tl_status)num(c[19]);
	return TL_OK;
}

struct one {
	struct tl_posture_row *row;
	bool found;
};

static int one_row(const char *const *c, int n, void *arg)
{
	struct one *o = arg;
	o->found = true;
	return tl_store_posture_row_of(c, n, o->row);
}

static int get_on(struct tl_store *c, const char *vm_id, struct tl_posture_row *out)
{
	struct one o = { out, false };
	const char *p[1] = { vm_id };
	int err = c->ops->exec(c, "SELECT " TL_POSTURE_COLS " FROM vm_posture WHERE vm_id = $1", p, 1,
			       one_row, &o);
	return err == TL_OK && !o.found ? TL_E_STORE_NOT_FOUND : err;
}

int tl_store_posture_get(struct tl_store *s, const char *vm_id, struct tl_posture_row *out)
{
	struct one o = { out, false };
	const char *p[1] = { vm_id };
	int err = tl_store_run(s, "SELECT " TL_POSTURE_COLS " FROM vm_posture WHERE vm_id = $1", p, 1,
			       one_row, &o);
	return err == TL_OK && !o.found ? TL_E_STORE_NOT_FOUND : err;
}

void tl_posture_row_decide(struct tl_posture_row *row)
{
	struct tl_assessment a;
	tl_posture_decide(&row->in, row->stale, row->rec, &a);
	row->assess = a.status;
	snprintf(row->cause, sizeof(row->cause), "%s", tl_assess_cause_name(a.cause));
}

static bool same(const struct tl_posture_row *a, const struct tl_posture_row *b)
{
	const struct tl_posture_vm *x = &a->in, *y = &b->in;
	bool in = x->type == y->type && x->secure_boot == y->secure_boot && x->vtpm == y->vtpm &&
		  x->size == y->size && x->os_supported == y->os_supported &&
		  x->enrolled == y->enrolled && x->attested == y->attested &&
		  x->attested_healthy == y->attested_healthy &&
		  x->attested_secure_boot == y->attested_secure_boot &&
		  x->revocations.status == y->revocations.status;
	return in && a->stale == b->stale && memcmp(a->rec, b->rec, sizeof(a->rec)) == 0 &&
	       a->assess == b->assess && strcmp(a->cause, b->cause) == 0;
}

/* The statuses and the cause as one number, what the counts group by: base 3 for the
 * recommendations' statuses (enum tl_rec_id order) and the assessment's, then the cause
 * (enum tl_assess_cause). A migration re-keys the stored rows when a recommendation is added
 * (store_schema.c). */
#define NCAUSES 8
static int cause_index(const char *name)
{
	for (int k = 0; k < NCAUSES; k++)
		if (strcmp(name, tl_assess_cause_name((enum tl_assess_cause)k)) == 0)
			return k;
	return 0;
}

#define STATUSES_SPAN 243 /* 3^(TL_REC_COUNT + 1): every status, the assessment's too */
_Static_assert(TL_REC_COUNT == 4, "a new recommendation: widen counts_key and re-key the rows");

int tl_store_posture_counts_key(const struct tl_posture_row *r)
{
	int key = 0, unit = 1;
	for (unsigned k = 0; k < TL_REC_COUNT; k++, unit *= 3)
		key += unit * (int)r->rec[k];
	return key + unit * (int)r->assess + STATUSES_SPAN * cause_index(r->cause);
}

/* The row's columns as text, in TL_POSTURE_COLS order (version: the next one). */
struct texts {
	char v[P_NCOLS][TL_ID_LEN];
	const char *p[P_NCOLS + 2]; /* and two more: the caller's */
};

static void texts_of(const struct tl_posture_row *r, struct texts *t)
{
	const struct tl_posture_vm *in = &r->in;
	long ints[] = { in->type, in->secure_boot, in->vtpm, in->size, in->os_supported,
			in->enrolled, in->attested ? (in->attested_healthy ? 1 : 0) : -1,
			in->attested_secure_boot, r->stale, r->rec[0], r->rec[1], r->rec[2],
			r->assess };
	long revoc[] = { in->revocations.status, r->rec[TL_REC_REVOCATIONS] };
	snprintf(t->v[0], TL_ID_LEN, "%s", r->vm_id);
	snprintf(t->v[2], TL_ID_LEN, "%" PRId64, r->created);
	for (size_t i = 0; i < sizeof(ints) / sizeof(ints[0]); i++)
		snprintf(t->v[3 + i], TL_ID_LEN, "%ld", ints[i]);
	snprintf(t->v[16], TL_ID_LEN, "%s", r->cause);
	snprintf(t->v[17], TL_ID_LEN, "%" PRId64, r->version + 1);
	for (size_t i = 0; i < 2; i++)
		snprintf(t->v[18 + i], TL_ID_LEN, "%ld", revoc[i]);
	for (int i = 0; i < P_NCOLS; i++)
		t->p[i] = t->v[i];
	t->p[1] = r->tenant; /* longer than the others */
}

static int counted(const char *const *c, int n, void *arg)
{
	(void)c;
	(void)n;
	(*(int *)arg)++;
	return TL_OK;
}

static int insert(struct tl_store *c, const struct tl_posture_row *r, int64_t now)
{
	struct texts t;
	char upd[24], key[24];
	texts_of(r, &t);
	snprintf(upd, sizeof(upd), "%" PRId64, now);
	snprintf(key, sizeof(key), "%d", tl_store_posture_counts_key(r));
	t.p[P_NCOLS] = upd;
	t.p[P_NCOLS + 1] = key;
	return c->ops->exec(c,
			    "INSERT INTO vm_posture (" TL_POSTURE_COLS ", updated, counts_key) VALUES "
			    "($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, "
			    "$17, $18, $19, $20, $21, $22) ON CONFLICT (vm_id) DO NOTHING",
			    t.p, P_NCOLS + 2, NULL, NULL);
}

/* The row over the stored one of version old->version; *n 0 when another write came first. */
static int update(struct tl_store *c, const struct tl_posture_row *r,
		  const struct tl_posture_row *old, int64_t now, int *n)
{
	struct texts t;
	char upd[24], ver[24], key[24];
	struct tl_posture_row w = *r;
	w.version = old->version;
	texts_of(&w, &t);
	snprintf(upd, sizeof(upd), "%" PRId64, now);
	snprintf(ver, sizeof(ver), "%" PRId64, old->version);
	snprintf(key, sizeof(key), "%d", tl_store_posture_counts_key(r));
	t.p[1] = upd; /* $2: the tenant and created stay */
	t.p[2] = ver;
	t.p[P_NCOLS] = key;
	*n = 0;
	return c->ops->exec(c,
			    "UPDATE vm_posture SET updated = $2, sectype = $4, secure_boot = $5, vtpm = "
			    "$6, size_support = $7, os_supported = $8, enrolled = $9, attested = $10, "
			    "attested_sb = $11, stale = $12, rec_secure_boot = $13, rec_vtpm = $14, "
			    "rec_guest_attestation = $15, assessment = $16, assessment_cause = $17, "
			    "version = $18, attested_revoc = $19, rec_revocations = $20, counts_key = "
			    "$21 WHERE vm_id = $1 AND version = $3 "
			    "RETURNING vm_id",
			    t.p, P_NCOLS + 1, counted, n);
}

static int name_row(const char *const *c, int n, void *arg)
{
	if (n == 1 && c[0])
		snprintf(arg, 128, "%s", c[0]);
	return TL_OK;
}

/* recommendation.changed: {vm_id, vm_name, recommendation, from, to, at}. */
static int changed_event(struct tl_store *c, const struct tl_posture_row *r, const char *name,
			 unsigned k, enum tl_status from, int64_t now)
{
	char ts[32], *text;
	time_t tt = (time_t)now;
	struct tm tm;
	gmtime_r(&tt, &tm);
	strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%SZ", &tm);
	json_t *o = json_pack("{s:s,s:s,s:{s:s,s:s,s:s,s:s,s:s,s:s,s:s}}", "type",
			      "recommendation.changed", "timestamp", ts, "data", "vm_id", r->vm_id,
			      "vm_name", name, "tenant", r->tenant, "recommendation",
			      tl_rec_def((enum tl_rec_id)k)->slug, "from", tl_status_name(from),
			      "to", tl_status_name(r->rec[k]), "at", ts);
	text = o ? json_dumps(o, JSON_COMPACT) : NULL;
	json_decref(o);
	if (!text)
		return TL_E_NOMEM;
	int err = tl_store_outbox_add(c, r->tenant, "recommendation.changed", text, now, NULL);
	free(text);
	return err;
}

/* Inside a transaction on c: the row written over old (or inserted), its events;
 * TL_E_STORE_CONFLICT (nothing written) when old is no longer the stored row. */
static int write_on(struct tl_store *c, const struct tl_posture_row *r,
		    const struct tl_posture_row *old, int64_t now, bool *changed)
{
	char name[128] = "";
	const char *pv[1] = { r->vm_id };
	int n = 0, err;
	*changed = false;
	if (!old)
		return insert(c, r, now);
	if (same(r, old))
		return TL_OK;
	if ((err = update(c, r, old, now, &n)) != TL_OK)
		return err;
	if (n == 0)
		return TL_E_STORE_CONFLICT; /* another node's write came first */
	*changed = true;
	if (memcmp(r->rec, old->rec, sizeof(r->rec)) == 0)
		return TL_OK;
	err = c->ops->exec(c, "SELECT name FROM vms WHERE id = $1", pv, 1, name_row, name);
	for (unsigned k = 0; err == TL_OK && k < TL_REC_COUNT; k++)
		if (r->rec[k] != old->rec[k])
			err = changed_event(c, r, name, k, old->rec[k], now);
	return err;
}

int tl_store_posture_put(struct tl_store *s, const struct tl_posture_row *rows, size_t n,
			 int64_t now, bool *changed)
{
	struct tl_posture_row old;
	bool ch = false, any = false;
	int err;
	pthread_mutex_lock(&s->lock);
	if ((err = s->ops->begin(s)) == TL_OK) {
		for (size_t i = 0; err == TL_OK && i < n; i++) {
			err = get_on(s, rows[i].vm_id, &old);
			if (err == TL_OK || err == TL_E_STORE_NOT_FOUND)
				err = write_on(s, &rows[i], err == TL_OK ? &old : NULL, now, &ch);
			if (err == TL_E_STORE_CONFLICT) { /* another node's, decided as late */
				err = TL_OK;
				ch = false;
			}
			any = any || ch;
		}
		if (err == TL_OK)
			err = s->ops->commit(s);
		else
			s->ops->rollback(s);
	}
	pthread_mutex_unlock(&s->lock);
	if (changed)
		*changed = err == TL_OK && any;
	return err;
}

/* The attestation's verdict over the stored row. */
static int attested_once(struct tl_store *c, const char *vm_id, bool healthy, int attested_sb,
			 enum tl_status revocations, int64_t now)
{
	struct tl_posture_row old, r;
	bool ch;
	int err = get_on(c, vm_id, &old);
	if (err == TL_E_STORE_NOT_FOUND)
		return TL_OK; /* not kept yet: the row the API or the backfill writes is */
	if (err != TL_OK)
		return err;
	r = old;
	r.in.attested = true;
	r.in.attested_healthy = healthy;
	/* as the API reads a record back (api_posture.c): an unhealthy one keeps its facts; a
	 * healthy one matched a VM registered with Secure Boot on (else it is not healthy) */
	r.in.attested_secure_boot = !healthy		? attested_sb
				    : old.in.secure_boot ? 1
							 : -1;
	r.in.revocations.status = revocations;
	r.stale = false;
	tl_posture_row_decide(&r);
	return write_on(c, &r, &old, now, &ch);
}

int tl_store_posture_attested(struct tl_store *c, const char *vm_id, bool healthy,
			      int attested_sb, enum tl_status revocations, int64_t now)
{
	/* another node wrote the row meanwhile (PostgreSQL): this verdict over its row, once */
	int err = attested_once(c, vm_id, healthy, attested_sb, revocations, now);
	if (err == TL_E_STORE_CONFLICT)
		err = attested_once(c, vm_id, healthy, attested_sb, revocations, now);
	return err == TL_E_STORE_CONFLICT ? TL_OK : err;
}

struct counting {
	int (*fn)(const struct tl_posture_count *c, void *arg);
	void *arg;
};

static int count_row(const char *const *c, int n, void *arg)
{
	struct counting *k = arg;
	struct tl_posture_count pc;
	long key = n == 2 ? num(c[0]) : -1;
	if (key < 0 || key >= STATUSES_SPAN * NCAUSES)
		return TL_E_STORE;
	for (unsigned i = 0; i < TL_REC_COUNT; i++, key /= 3)
		pc.rec[i] = (enum tl_status)(key % 3);
	pc.assess = (enum tl_status)(key % 3);
	pc.cause = (enum tl_assess_cause)(key / 3);
	pc.vms = c[1] ? strtoll(c[1], NULL, 10) : 0;
	return k->fn(&pc, k->arg);
}

int tl_store_posture_counts(struct tl_store *s, const char *tenant,
			    int (*fn)(const struct tl_posture_count *c, void *arg), void *arg)
{
	struct counting k = { fn, arg };
	const char *p[1] = { tenant };
	if (strcmp(tenant, "*") == 0)
		return tl_store_run(s,
				    "SELECT counts_key, count(*) FROM vm_posture GROUP BY counts_key",
				    NULL, 0, count_row, &k);
	return tl_store_run(s,
			    "SELECT counts_key, count(*) FROM vm_posture WHERE tenant = $1 GROUP BY "
			    "counts_key",
			    p, 1, count_row, &k);
}
