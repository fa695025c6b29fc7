/* Suppression rules (docs/posture.md): which new alerts are recorded as dismissed. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_backend.h"

#define RULE_COLS                                                                            \
	"id, tenant, alert_type, vm_ids, reason_codes, reason, comment, created, created_by, "  \
	"expires"

void tl_suppression_clear(struct tl_suppression *r)
{
	free(r->vm_ids);
	free(r->reason_codes);
	memset(r, 0, sizeof(*r));
}

static int rule_row(const char *const *c, int n, struct tl_suppression *r)
{
	memset(r, 0, sizeof(*r));
	if (n != 10)
		return TL_E_STORE;
	snprintf(r->id, sizeof(r->id), "%s", c[0] ? c[0] : "");
	snprintf(r->tenant, sizeof(r->tenant), "%s", c[1] ? c[1] : "");
	snprintf(r->alert_type, sizeof(r->alert_type), "%s", c[2] ? c[2] : "");
	r->vm_ids = strdup(c[3] ? c[3] : "[]");
	r->reason_codes = strdup(c[4] ? c[4] : "[]");
	snprintf(r->reason, sizeof(r->reason), "%s", c[5] ? c[5] : "");
	snprintf(r->comment, sizeof(r->comment), "%s", c[6] ? c[6] : "");
	r->created = c[7] ? strtoll(c[7], NULL, 10) : 0;
	snprintf(r->created_by, sizeof(r->created_by), "%s", c[8] ? c[8] : "");
	r->expires = c[9] ? strtoll(c[9], NULL, 10) : 0;
	if (!r->vm_ids || !r->reason_codes) {
		tl_suppression_clear(r);
		return TL_E_NOMEM;
	}
	return TL_OK;
}

int tl_store_suppression_add(struct tl_store *s, const struct tl_suppression *r)
{
	char created[24], expires[24];
	const char *p[10] = { r->id,	  r->tenant,  r->alert_type, r->vm_ids,	    r->reason_codes,
			      r->reason, r->comment, created,	     r->created_by, expires };
	snprintf(created, sizeof(created), "%" PRId64, r->created);
	snprintf(expires, sizeof(expires), "%" PRId64, r->expires);
	return tl_store_run(s,
			    "INSERT INTO suppression_rules (" RULE_COLS ") VALUES ($1, $2, $3, $4, $5, "
			    "$6, $7, CAST($8 AS BIGINT), $9, CAST($10 AS BIGINT))",
			    p, 10, NULL, NULL);
}

struct each_rule {
	int (*fn)(const struct tl_suppression *r, void *arg);
	void *arg;
	bool found;
};

static int each_rule(const char *const *c, int n, void *arg)
{
	struct each_rule *e = arg;
	struct tl_suppression r;
	int err = rule_row(c, n, &r);
	if (err == TL_OK)
		err = e->fn(&r, e->arg);
	e->found = true;
	tl_suppression_clear(&r);
	return err;
}

int tl_store_suppression_list(struct tl_store *s, const char *tenant, int64_t after_created,
			      const char *after_id, size_t limit,
			      int (*fn)(const struct tl_suppression *r, void *arg), void *arg)
{
	struct each_rule e = { fn, arg, false };
	char created[24], lim[24];
	const char *p[4] = { tenant, created, after_id ? after_id : "", lim };
	snprintf(created, sizeof(created), "%" PRId64, after_id ? after_created : INT64_MIN);
	snprintf(lim, sizeof(lim), "%zu", limit);
	return tl_store_run(s,
			    "SELECT " RULE_COLS " FROM suppression_rules WHERE ($1 = '*' OR tenant = "
			    "$1 OR tenant = '*') AND (created > CAST($2 AS BIGINT) OR (created = "
			    "CAST($2 AS BIGINT) AND id > $3)) ORDER BY created, id LIMIT CAST($4 AS "
			    "BIGINT)",
			    p, 4, each_rule, &e);
}

static int take(const struct tl_suppression *r, void *arg)
{
	struct tl_suppression *out = arg;
	*out = *r;
	out->vm_ids = strdup(r->vm_ids);
	out->reason_codes = strdup(r->reason_codes);
	return out->vm_ids && out->reason_codes ? TL_OK : TL_E_NOMEM;
}

int tl_store_suppression_get(struct tl_store *s, const char *tenant, const char *id,
			     struct tl_suppression *out)
{
	struct each_rule e = { take, out, false };
	const char *p[2] = { id, tenant };
	int err;
	memset(out, 0, sizeof(*out));
	err = tl_store_run(s,
			   "SELECT " RULE_COLS " FROM suppression_rules WHERE id = $1 AND ($2 = '*' "
			   "OR tenant = $2)",
			   p, 2, each_rule, &e);
	if (err != TL_OK)
		tl_suppression_clear(out);
	return err == TL_OK && !e.found ? TL_E_STORE_NOT_FOUND : err;
}

static int counted(const char *const *c, int n, void *arg)
{
	(void)c;
	(void)n;
	(*(int *)arg)++;
	return TL_OK;
}

int tl_store_suppression_delete(struct tl_store *s, const char *tenant, const char *id)
{
	const char *p[2] = { id, tenant };
	int n = 0;
	int err = tl_store_run(s,
			       "DELETE FROM suppression_rules WHERE id = $1 AND ($2 = '*' OR tenant = "
			       "$2) RETURNING id",
			       p, 2, counted, &n);
	return err == TL_OK && n == 0 ? TL_E_STORE_NOT_FOUND : err;
}
