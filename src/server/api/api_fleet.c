/* The fleet's posture (docs/posture.md): GET /v1/recommendations, each recommendation with its
 * counts per status and the boot-integrity assessment's, and GET /v1/recommendations/{id},
 * the VMs and their status for one recommendation, a page at a time. Both decide each VM's
 * posture the way GET /v1/vms/{id}/recommendations does (api_posture.c), from the store,
 * when asked: the counts are never stale, and they cost a walk over the tenant's VMs
 * (docs/performance.md has the figure). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api.h"

#define CHUNK 200          /* VMs read from the store at a time */
#define SCAN_BUDGET 5000   /* VMs one filtered page examines at most */
#define PAGE_DEFAULT 100
#define NSTATUS 3          /* enum tl_status: not_applicable, healthy, unhealthy */

struct chunk {
	struct tl_vm *vms;
	size_t n;
};

static int collect(const struct tl_vm *vm, void *arg)
{
	struct chunk *c = arg;
	if (c->n < CHUNK)
		c->vms[c->n++] = *vm;
	return TL_OK;
}

/* The tenant's next CHUNK VMs after (num, key) (key NULL: from the first). */
static int next_chunk(struct tl_server *srv, const char *tenant, int64_t num, const char *key,
		      struct chunk *c)
{
	c->n = 0;
	return tl_store_vm_list(srv->store, tenant, num, key, CHUNK, collect, c);
}

static json_t *counts_json(const size_t n[NSTATUS])
{
	json_t *o = json_object();
	for (int s = 0; s < NSTATUS; s++)
		json_object_set_new(o, tl_status_name((enum tl_status)s), json_integer((json_int_t)n[s]));
	return o;
}

/* One chunk's VMs into the tally. */
static int tally_chunk(struct tl_server *srv, const struct chunk *c, int64_t now,
		       struct tl_fleet_tally *t)
{
	for (size_t i = 0; i < c->n; i++) {
		struct tl_posture_vm p;
		struct tl_assessment a;
		json_t *latest;
		int64_t latest_id;
		char why[128];
		int err = tl_api_posture_of(srv, &c->vms[i], &p, &latest, &latest_id);
		json_decref(latest);
		if (err != TL_OK)
			return err;
		for (unsigned k = 0; k < TL_REC_COUNT; k++)
			t->rec[k][tl_rec_status(&p, (enum tl_rec_id)k, now, srv->stale_after, why,
						sizeof(why))]++;
		tl_assess(&p, now, srv->stale_after, &a);
		t->assess[a.status]++;
		t->vms++;
	}
	return TL_OK;
}

static json_t *summary_json(const struct tl_fleet_tally *t, int64_t now)
{
	json_t *list = json_array();
	for (unsigned k = 0; k < TL_REC_COUNT; k++) {
		const struct tl_rec_def *d = tl_rec_def((enum tl_rec_id)k);
		json_array_append_new(list, json_pack("{s:s,s:s,s:s,s:s,s:o}", "id", d->slug,
						      "title", d->title, "severity", "low",
						      "description", d->description, "counts",
						      counts_json(t->rec[k])));
	}
	return json_pack("{s:o,s:o,s:I,s:I}", "recommendations", list, "assessment",
			 counts_json(t->assess), "vms", (json_int_t)t->vms, "computed_at",
			 (json_int_t)now);
}

int tl_api_fleet_tally(struct tl_server *srv, const char *tenant, int64_t now,
		       struct tl_fleet_tally *t)
{
	struct chunk c = { calloc(CHUNK, sizeof(struct tl_vm)), 0 };
	int64_t num = 0;
	char key[TL_ID_LEN] = "";
	int err = c.vms ? TL_OK : TL_E_NOMEM;

	memset(t, 0, sizeof(*t));
	while (err == TL_OK) {
		err = next_chunk(srv, tenant, num, key[0] ? key : NULL, &c);
		if (err == TL_OK)
			err = tally_chunk(srv, &c, now, t);
		if (err != TL_OK || c.n < CHUNK)
			break;
		num = c.vms[c.n - 1].created;
		snprintf(key, sizeof(key), "%s", c.vms[c.n - 1].id);
	}
	free(c.vms);
	return err;
}

struct tl_resp tl_api_rec_summary(struct tl_req *r)
{
	struct tl_fleet_tally t;
	int64_t now = (int64_t)time(NULL);
	if (tl_api_fleet_tally(r->srv, r->token.tenant, now, &t) != TL_OK)
		return tl_http_error(503, "store.unavailable", "the database did not answer", NULL);
	return tl_http_json(200, summary_json(&t, now));
}

/* ?status=: none (every status), or one of them; false on another word. */
static bool status_arg(struct tl_req *r, int *out)
{
	const char *s = tl_http_arg(r, "status");
	*out = -1;
	if (!s)
		return true;
	for (int k = 0; k < NSTATUS; k++)
		if (strcmp(s, tl_status_name((enum tl_status)k)) == 0)
			*out = k;
	return *out >= 0;
}

/* One VM's status for the recommendation, onto the page when it has the status asked for. */
static int page_vm(struct tl_req *r, const struct tl_vm *vm, enum tl_rec_id id, int want,
		   int64_t now, struct tl_api_page *pg)
{
	struct tl_posture_vm p;
	json_t *latest;
	int64_t latest_id;
	char why[320];
	int err = tl_api_posture_of(r->srv, vm, &p, &latest, &latest_id);
	json_decref(latest);
	if (err != TL_OK)
		return err;
	enum tl_status s = tl_rec_status(&p, id, now, r->srv->stale_after, why, sizeof(why));
	if (want < 0 || (int)s == want) {
		json_array_append_new(pg->items,
				      json_pack("{s:s,s:s,s:s,s:s,s:o}", "vm_id", vm->id, "vm_name",
						vm->name, "status", tl_status_name(s), "reason", why,
						"remediation",
						tl_api_rec_remediation(tl_rec_def(id)->remediation,
								       vm->id)));
		pg->n++;
	}
	/* the cursor names the last VM examined, on the page or not */
	snprintf(pg->next, sizeof(pg->next), "%" PRId64 ".%s", vm->created, vm->id);
	return TL_OK;
}

/* Walks the VMs after the page's cursor until the page is full, the fleet ends, or SCAN_BUDGET
 * VMs were examined (a filter that matches few VMs: a short page, and a cursor to go on). */
static int fill_page(struct tl_req *r, enum tl_rec_id id, int want, struct tl_api_page *pg)
{
	struct chunk c = { calloc(CHUNK, sizeof(struct tl_vm)), 0 };
	int64_t now = (int64_t)time(NULL), num = pg->after_num;
	char key[TL_API_CURSOR_KEY];
	size_t scanned = 0;
	int err = c.vms ? TL_OK : TL_E_NOMEM;

	snprintf(key, sizeof(key), "%s", pg->has_cursor ? pg->after_key : "");
	while (err == TL_OK &&
	       (err = next_chunk(r->srv, r->token.tenant, num, key[0] ? key : NULL, &c)) == TL_OK) {
		for (size_t i = 0; i < c.n && err == TL_OK; i++) {
			if (pg->n == pg->limit || scanned == SCAN_BUDGET) {
				pg->more = true; /* a VM is left to examine */
				goto out;
			}
			err = page_vm(r, &c.vms[i], id, want, now, pg);
			scanned++;
		}
		if (c.n < CHUNK)
			break;
		num = c.vms[c.n - 1].created;
		snprintf(key, sizeof(key), "%s", c.vms[c.n - 1].id);
	}
out:
	free(c.vms);
	return err;
}

struct tl_resp tl_api_rec_vms(struct tl_req *r, const char *slug)
{
	struct tl_api_page pg;
	struct tl_resp resp;
	enum tl_rec_id id = tl_rec_parse(slug);
	int want;

	if (id == TL_REC_COUNT)
		return tl_http_error(404, "recommendation.not_found",
				     "no such recommendation: secure-boot, vtpm or guest-attestation",
				     NULL);
	if (!status_arg(r, &want))
		return tl_http_error(400, "request.field",
				     "status must be healthy, unhealthy or not_applicable", "status");
	if (!tl_api_page_args(r, PAGE_DEFAULT, tl_api_vm_id, &pg, &resp))
		return resp;
	if (fill_page(r, id, want, &pg) != TL_OK) {
		tl_api_page_free(&pg);
		return tl_http_error(503, "store.unavailable", "the database did not answer", NULL);
	}
	const struct tl_rec_def *d = tl_rec_def(id);
	return tl_http_json(200, tl_api_page_answer(&pg,
						    json_pack("{s:s,s:s,s:s,s:s}", "id", d->slug,
							      "title", d->title, "severity", "low",
							      "description", d->description),
						    "vms"));
}
