/* A VM's posture (docs/posture.md): GET /v1/vms/{id}/recommendations and /assessment,
 * decided by the library (trustlaunch/posture.h) from the VM's profile, the catalog's word
 * on its size and OS, its TPM binding and its latest attestation the TPM vouched for. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api.h"
#include "cvm_conf.h"
#include "log.h"
#include "trustlaunch/posture.h"

json_t *tl_api_revocations_evaluate(const struct tl_server *srv, json_t *facts)
{
	const struct tl_srv_revocations *rv = srv->revocations;
	return tl_rec_revocations_evaluate(facts, rv->have_list ? &rv->list : NULL,
					   rv->have_levels ? &rv->levels : NULL);
}

int tl_api_posture_of(struct tl_server *srv, const struct tl_vm *vm, struct tl_posture_vm *p,
		      json_t **latest, int64_t *latest_id)
{
	struct tl_vm_tpm t;
	struct tl_attestation a;
	struct tl_size_info size;
	struct tl_os_info os;
	int err = TL_OK;

	*latest = NULL;
	*latest_id = 0;
	tl_catalog_size(srv->catalog, vm->size, &size);
	tl_catalog_os(srv->catalog, vm->os, &os);
	memset(p, 0, sizeof(*p));
	p->type = tl_security_type_parse(vm->security_type);
	p->secure_boot = vm->secure_boot;
	p->vtpm = vm->vtpm;
	p->size = size.support;
	p->os_supported = os.known;
	p->attested_secure_boot = -1;
	tl_rec_revocations_status(NULL, srv->revocations != NULL, &p->revocations);
	if (vm->enrolled && (err = tl_store_tpm_get(srv->store, vm->id, &t)) == TL_OK) {
		p->enrolled = true;
		p->enrolled_at = t.enrolled;
	}
	if (err != TL_OK && err != TL_E_STORE_NOT_FOUND)
		return err;
	err = tl_store_attestation_latest_verified(srv->store, vm->id, &a);
	if (err == TL_E_STORE_NOT_FOUND)
		return TL_OK;
	if (err != TL_OK)
		return err;
	p->attested = true;
	p->attested_at = a.time;
	p->attested_healthy = strcmp(a.verdict, "healthy") == 0;
	*latest = a.result ? json_loads(a.result, 0, NULL) : NULL;
	*latest_id = a.id;
	free(a.result);
	tl_rec_revocations_status(json_object_get(*latest, "revocations"), srv->revocations != NULL,
				  &p->revocations);
	/* Secure Boot as the boot showed it: the facts of an unhealthy record; a healthy one
	 * matched a VM registered with Secure Boot on (else it would not be healthy) */
	json_t *sb = json_object_get(json_object_get(json_object_get(*latest, "facts"),
						     "secureboot"), "enabled");
	if (json_is_boolean(sb))
		p->attested_secure_boot = json_is_true(sb);
	else if (p->attested_healthy && vm->secure_boot)
		p->attested_secure_boot = 1;
	return TL_OK;
}

int tl_api_posture_decide(struct tl_server *srv, const char *vm_id, int64_t now,
			  struct tl_posture_row *row)
{
	struct tl_vm vm;
	json_t *latest;
	int64_t latest_id;
	int err = tl_store_vm_get(srv->store, "*", vm_id, &vm);
	memset(row, 0, sizeof(*row));
	if (err == TL_OK)
		err = tl_api_posture_of(srv, &vm, &row->in, &latest, &latest_id);
	if (err != TL_OK)
		return err;
	json_decref(latest);
	snprintf(row->vm_id, sizeof(row->vm_id), "%s", vm.id);
	snprintf(row->tenant, sizeof(row->tenant), "%s", vm.tenant);
	row->created = vm.created;
	/* silent: the agent's last sign (its latest attestation, else its enrolment) is old */
	row->stale = row->in.enrolled &&
		     now - (row->in.attested ? row->in.attested_at : row->in.enrolled_at) >
			     srv->stale_after;
	tl_posture_row_decide(row);
	return TL_OK;
}

int tl_api_posture_refresh(struct tl_server *srv, const char *vm_id, int64_t now)
{
	struct tl_posture_row row;
	int err = tl_api_posture_decide(srv, vm_id, now, &row);
	return err == TL_OK ? tl_store_posture_put(srv->store, &row, 1, now, NULL) : err;
}

void tl_api_posture_changed(struct tl_server *srv, const char *vm_id)
{
	int err = tl_api_posture_refresh(srv, vm_id, (int64_t)time(NULL));
	if (err != TL_OK)
		tl_log("warn", "posture not stored", "error", tl_err_name(err));
}

static int gather(struct tl_req *r, const char *id, struct tl_vm *vm, struct tl_posture_vm *p,
		  json_t **latest, int64_t *latest_id)
{
	int err = tl_store_vm_get(r->srv->store, r->token.tenant, id, vm);
	*latest = NULL;
	*latest_id = 0;
	return err == TL_OK ? tl_api_posture_of(r->srv, vm, p, latest, latest_id) : err;
}

/* The definition's remediation with {vm} replaced by the VM's id (ours: a UUID). */
json_t *tl_api_rec_remediation(const char *text, const char *vm_id)
{
	char out[512];
	size_t o = 0;
	for (const char *p = text; *p && o + TL_ID_LEN + 1 < sizeof(out); p++) {
		if (strncmp(p, "{vm}", 4) == 0) {
			o += (size_t)snprintf(out + o, sizeof(out) - o, "%s", vm_id);
			p += 3;
		} else {
			out[o++] = *p;
		}
	}
	out[o] = '\0';
	return json_string(out);
}

struct tl_resp tl_api_vm_recommendations(struct tl_req *r, const char *id)
{
	struct tl_vm vm;
	struct tl_posture_vm p;
	json_t *latest, *list = json_array();
	int64_t latest_id, now = (int64_t)time(NULL);
	char why[320];
	int err = gather(r, id, &vm, &p, &latest, &latest_id);

	if (err != TL_OK) {
		json_decref(latest);
		json_decref(list);
		return tl_api_store_error(err, "VM");
	}
	for (unsigned i = 0; i < TL_REC_COUNT; i++) {
		const struct tl_rec_def *d = tl_rec_def((enum tl_rec_id)i);
		enum tl_status s = tl_rec_status(&p, d->id, now, r->srv->stale_after, why,
						 sizeof(why));
		json_t *o = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:o}", "id", d->slug, "title",
				      d->title, "severity", "low", "status", tl_status_name(s),
				      "reason", why, "description", d->description, "remediation",
				      tl_api_rec_remediation(d->remediation, vm.id));
		/* revocations-current: what is missing, by name and date (docs/revocations.md) */
		json_t *rv = json_object_get(latest, "revocations");
		if (d->id == TL_REC_REVOCATIONS && rv && s != TL_STATUS_NOT_APPLICABLE)
			json_object_set(o, "details", rv);
		json_array_append_new(list, o);
	}
	json_decref(latest);
	return tl_http_json(200, json_pack("{s:s,s:o}", "vm_id", vm.id, "recommendations", list));
}

struct tl_resp tl_api_vm_assessment(struct tl_req *r, const char *id)
{
	struct tl_vm vm;
	struct tl_posture_vm p;
	struct tl_assessment a;
	json_t *latest, *o;
	int64_t latest_id;
	char idtext[24];
	int err = gather(r, id, &vm, &p, &latest, &latest_id);

	if (err != TL_OK)
		return tl_api_store_error(err, "VM");
	tl_assess(&p, (int64_t)time(NULL), r->srv->stale_after, &a);
	o = json_pack("{s:s,s:s,s:s,s:s}", "vm_id", vm.id, "status", tl_status_name(a.status),
		      "cause", tl_assess_cause_name(a.cause), "message", a.message);
	if (a.since)
		json_object_set_new(o, "since", json_integer(a.since));
	if (latest_id) {
		snprintf(idtext, sizeof(idtext), "%lld", (long long)latest_id);
		json_object_set_new(o, "attestation_id", json_string(idtext));
	}
	if (a.cause == TL_ASSESS_UNHEALTHY && json_object_get(latest, "reasons"))
		json_object_set(o, "reasons", json_object_get(latest, "reasons"));
	json_decref(latest);
	return tl_http_json(200, o);
}
