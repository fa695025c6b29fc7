/* The fleet's posture (docs/posture.md): GET /v1/recommendations, each recommendation with its
 * counts per status and the boot-integrity assessment's, and GET /v1/recommendations/{id},
 * the VMs and their status for one recommendation, a page at a time. Both read each VM's
 * posture as stored when it last changed (store_posture.c): the counts are one GROUP BY over
 * an index, a filtered page a range of another, whatever the fleet's size. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api.h"

#define PAGE_DEFAULT 100
#define NSTATUS 3          /* enum tl_status: not_applicable, healthy, unhealthy */

static json_t *counts_json(const size_t n[NSTATUS])
{
	json_t *o = json_object();
	for (int s = 0; s < NSTATUS; s++)
		json_object_set_new(o, tl_status_name((enum tl_status)s), json_integer((json_int_t)n[s]));
	return o;
}

/* One group of the store's counts. */
static int tally_group(const struct tl_posture_count *c, void *arg)
{
	struct tl_fleet_tally *t = arg;
	size_t n = c->vms > 0 ? (size_t)c->vms : 0;
	for (unsigned k = 0; k < TL_REC_COUNT; k++)
		t->rec[k][c->rec[k]] += n;
	t->assess[c->assess] += n;
	if ((unsigned)c->cause < TL_FLEET_CAUSES)
		t->cause[c->cause] += n;
	t->vms += n;
	return TL_OK;
}

int tl_api_fleet_tally(struct tl_server *srv, const char *tenant, struct tl_fleet_tally *t)
{
	memset(t, 0, sizeof(*t));
	int err = tl_store_posture_counts(srv->store, tenant, tally_group, t);
	/* without revocation data every VM's revocations-current is not_applicable, whatever
	 * rows a run with data left (they are decided again at the next attestation) */
	if (!srv->revocations)
		for (int s = TL_STATUS_HEALTHY; s < NSTATUS; s++) {
			t->rec[TL_REC_REVOCATIONS][TL_STATUS_NOT_APPLICABLE] +=
				t->rec[TL_REC_REVOCATIONS][s];
			t->rec[TL_REC_REVOCATIONS][s] = 0;
		}
	return err;
}

static json_t *summary_json(const struct tl_fleet_tally *t, int64_t now)
{
	json_t *list = json_array(), *causes = json_object();
	for (unsigned k = 0; k < TL_REC_COUNT; k++) {
		const struct tl_rec_def *d = tl_rec_def((enum tl_rec_id)k);
		json_array_append_new(list, json_pack("{s:s,s:s,s:s,s:s,s:o}", "id", d->slug,
						      "title", d->title, "severity", "low",
						      "description", d->description, "counts",
						      counts_json(t->rec[k])));
	}
	for (unsigned k = 0; k < TL_FLEET_CAUSES; k++)
		if (t->cause[k])
			json_object_set_new(causes, tl_assess_cause_name((enum tl_assess_cause)k),
					    json_integer((json_int_t)t->cause[k]));
	return json_pack("{s:o,s:o,s:o,s:I,s:I}", "recommendations", list, "assessment",
			 counts_json(t->assess), "assessment_causes", causes, "vms",
			 (json_int_t)t->vms, "computed_at", (json_int_t)now);
}

/* What the hosts last reported of the tenant's VMs: boot_failed first, by its reason. */
static json_t *host_states_json(const struct tl_host_state_counts *c)
{
	return json_pack("{s:I,s:I,s:I,s:I}", "boot_failed", (json_int_t)c->boot_failed,
			 "secure_boot_refused", (json_int_t)c->secure_boot_refused,
			 "boot_deadline", (json_int_t)c->boot_deadline, "stopped",
			 (json_int_t)c->stopped);
}

struct tl_resp tl_api_rec_summary(struct tl_req *r)
{
	struct tl_fleet_tally t;
	struct tl_host_state_counts hc;
	int64_t now = (int64_t)time(NULL);
	if (tl_api_fleet_tally(r->srv, r->token.tenant, &t) != TL_OK ||
	    tl_store_vm_host_counts(r->srv->store, r->token.tenant, &hc) != TL_OK)
		return tl_http_error(503, "store.unavailable", "the database did not answer", NULL);
	json_t *o = summary_json(&t, now);
	json_object_set_new(o, "host_states", host_states_json(&hc));
	return tl_http_json(200, o);
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

struct listing {
	struct tl_api_page *pg;
	enum tl_rec_id id;
	bool revocations; /* the service has revocation data */
};

/* revocations-current keeps its status, not its reason: the reason in words of a stored
 * status (the VM's recommendations say which revocations). */
static void revoc_why(const struct listing *l, struct tl_posture_vm *p)
{
	static const char *const why[NSTATUS] = {
		"no attested boot was checked against the revocation data yet",
		"dbx and SbatLevel are current; nothing booted is revoked",
		("its latest attested boot lacks current revocations or booted revoked code "
		 "(GET /v1/vms/{id}/recommendations says which)"),
	};
	if (!l->revocations) {
		tl_rec_revocations_status(NULL, false, &p->revocations);
		return;
	}
	snprintf(p->revocations.why, sizeof(p->revocations.why), "%s",
		 why[p->revocations.status < NSTATUS ? p->revocations.status : 0]);
}

/* A VM of the page: its stored status, and why in words (decided again from the stored
 * inputs, at the freshness stored with them). */
static int page_vm(const struct tl_posture_row *row, const char *name, void *arg)
{
	struct listing *l = arg;
	struct tl_posture_vm p = row->in;
	char why[160];
	if (!tl_api_page_take(l->pg))
		return TL_OK;
	p.enrolled_at = p.attested_at = 90;
	revoc_why(l, &p);
	enum tl_status st = tl_rec_status(&p, l->id, 100, row->stale ? 1 : 100, why, sizeof(why));
	if (l->id != TL_REC_REVOCATIONS || l->revocations)
		st = row->rec[l->id]; /* as stored */
	tl_api_page_add(l->pg,
			json_pack("{s:s,s:s,s:s,s:s,s:o}", "vm_id", row->vm_id, "vm_name", name,
				  "status", tl_status_name(st), "reason", why,
				  "remediation",
				  tl_api_rec_remediation(tl_rec_def(l->id)->remediation, row->vm_id)),
			row->created, row->vm_id);
	return TL_OK;
}

struct tl_resp tl_api_rec_vms(struct tl_req *r, const char *slug)
{
	struct tl_api_page pg;
	struct tl_resp resp;
	enum tl_rec_id id = tl_rec_parse(slug);
	int want;

	if (id == TL_REC_COUNT)
		return tl_http_error(404, "recommendation.not_found",
				     "no such recommendation: secure-boot, vtpm, guest-attestation or revocations-current",
				     NULL);
	if (!status_arg(r, &want))
		return tl_http_error(400, "request.field",
				     "status must be healthy, unhealthy or not_applicable", "status");
	if (!tl_api_page_args(r, PAGE_DEFAULT, tl_api_vm_id, &pg, &resp))
		return resp;
	struct listing l = { &pg, id, r->srv->revocations != NULL };
	/* without revocation data: every VM not_applicable (the stored statuses are a run's
	 * with data), so none healthy or unhealthy */
	bool none = id == TL_REC_REVOCATIONS && !l.revocations && want > TL_STATUS_NOT_APPLICABLE;
	if (id == TL_REC_REVOCATIONS && !l.revocations)
		want = -1;
	if (!none && tl_store_posture_page(r->srv->store, r->token.tenant, id, want, pg.after_num,
					   pg.has_cursor ? pg.after_key : NULL, pg.limit + 1,
					   page_vm, &l) != TL_OK) {
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
