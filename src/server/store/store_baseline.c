/* The store's baselines (boot facts by component) and single attestation records. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_backend.h"

void tl_baseline_clear(struct tl_baseline *b)
{
	free(b->components);
	b->components = NULL;
}

struct one_baseline {
	struct tl_baseline *b;
	bool found;
};

static int baseline_row(const char *const *c, int n, void *arg)
{
	struct one_baseline *o = arg;
	if (n != 5 || o->found)
		return TL_E_STORE;
	snprintf(o->b->vm_id, sizeof(o->b->vm_id), "%s", c[0] ? c[0] : "");
	snprintf(o->b->source, sizeof(o->b->source), "%s", c[1] ? c[1] : "");
	o->b->attestation_id = c[2] ? strtoll(c[2], NULL, 10) : 0;
	o->b->created = c[3] ? strtoll(c[3], NULL, 10) : 0;
	if (!(o->b->components = strdup(c[4] ? c[4] : "{}")))
		return TL_E_NOMEM;
	o->found = true;
	return TL_OK;
}

int tl_store_baseline_get(struct tl_store *s, const char *vm_id, struct tl_baseline *out)
{
	struct one_baseline o = { out, false };
	const char *p[1] = { vm_id };
	int err;
	memset(out, 0, sizeof(*out));
	err = tl_store_run(s,
			   "SELECT vm_id, source, attestation_id, created, components FROM baselines "
			   "WHERE vm_id = $1",
			   p, 1, baseline_row, &o);
	if (err != TL_OK)
		tl_baseline_clear(out);
	return err == TL_OK && !o.found ? TL_E_STORE_NOT_FOUND : err;
}

int tl_store_baseline_put(struct tl_store *s, const struct tl_baseline *b)
{
	char aid[24], created[24];
	const char *p[5] = { b->vm_id, b->source, aid, created, b->components };
	snprintf(aid, sizeof(aid), "%" PRId64, b->attestation_id);
	snprintf(created, sizeof(created), "%" PRId64, b->created);
	int err = tl_store_run(s,
			       "INSERT INTO baselines (vm_id, source, attestation_id, created, "
			       "components) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (vm_id) DO UPDATE "
			       "SET source = excluded.source, attestation_id = excluded.attestation_id, "
			       "created = excluded.created, components = excluded.components",
			       p, 5, NULL, NULL);
	tl_store_cache_drop(s->cache, b->vm_id);
	return err;
}

struct one_att {
	struct tl_attestation *a;
	bool found;
};

static int att_row(const char *const *c, int n, void *arg)
{
	struct one_att *o = arg;
	if (n != 5 || o->found)
		return TL_E_STORE;
	o->a->id = c[0] ? strtoll(c[0], NULL, 10) : 0;
	snprintf(o->a->vm_id, sizeof(o->a->vm_id), "%s", c[1] ? c[1] : "");
	o->a->time = c[2] ? strtoll(c[2], NULL, 10) : 0;
	snprintf(o->a->verdict, sizeof(o->a->verdict), "%s", c[3] ? c[3] : "");
	if (!(o->a->result = strdup(c[4] ? c[4] : "{}")))
		return TL_E_NOMEM;
	o->found = true;
	return TL_OK;
}

int tl_store_attestation_get(struct tl_store *s, const char *vm_id, int64_t id,
			     struct tl_attestation *out)
{
	struct one_att o = { out, false };
	char ids[24];
	const char *p[2] = { ids, vm_id };
	int err;
	memset(out, 0, sizeof(*out));
	snprintf(ids, sizeof(ids), "%" PRId64, id);
	err = tl_store_run(s,
			   "SELECT id, vm_id, time, verdict, result FROM attestations WHERE id = $1 "
			   "AND vm_id = $2",
			   p, 2, att_row, &o);
	if (err != TL_OK) {
		free(out->result);
		out->result = NULL;
	}
	return err == TL_OK && !o.found ? TL_E_STORE_NOT_FOUND : err;
}

int tl_store_attestation_latest_verified(struct tl_store *s, const char *vm_id,
					 struct tl_attestation *out)
{
	struct one_att o = { out, false };
	const char *p[1] = { vm_id };
	int err;
	memset(out, 0, sizeof(*out));
	err = tl_store_run(s,
			   "SELECT a.id, a.vm_id, a.time, a.verdict, a.result FROM vm_tpm t JOIN "
			   "attestations a ON a.id = t.last_verified WHERE t.vm_id = $1 AND "
			   "a.vm_id = $1",
			   p, 1, att_row, &o);
	if (err != TL_OK) {
		free(out->result);
		out->result = NULL;
	}
	return err == TL_OK && !o.found ? TL_E_STORE_NOT_FOUND : err;
}
