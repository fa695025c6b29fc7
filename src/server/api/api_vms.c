/* /v1/vms: the inventory. Each field of a request is checked and named when wrong; a token
 * sees only its tenant's VMs (another tenant's VM is "not found", not "forbidden"). */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "api.h"
#include "trustlaunch/hash.h"

static json_t *vm_json(const struct tl_vm *vm)
{
	json_t *o = json_object();
	json_object_set_new(o, "id", json_string(vm->id));
	json_object_set_new(o, "tenant", json_string(vm->tenant));
	json_object_set_new(o, "name", json_string(vm->name));
	json_object_set_new(o, "size", json_string(vm->size));
	json_object_set_new(o, "os", json_string(vm->os));
	json_object_set_new(o, "security_type", json_string(vm->security_type));
	json_object_set_new(o, "secure_boot", json_boolean(vm->secure_boot));
	json_object_set_new(o, "vtpm", json_boolean(vm->vtpm));
	if (vm->scale_set[0])
		json_object_set_new(o, "scale_set", json_string(vm->scale_set));
	json_object_set_new(o, "created", json_integer(vm->created));
	json_object_set_new(o, "enrollment", json_string(vm->enrollment[0] ? vm->enrollment
								       : TL_ENROLL_ANY));
	json_object_set_new(o, "enrolled", json_boolean(vm->enrolled));
	if (vm->enrolled)
		json_object_set_new(o, "enrolled_by", json_string(vm->enrolled_by));
	/* in lists: what its host reported (GET /v1/vms/{id} adds the rest, api_hosts.c) */
	if (vm->host[0])
		json_object_set_new(o, "host", json_pack("{s:s,s:s}", "name", vm->host, "domain",
							 vm->domain));
	if (vm->host_state[0]) {
		json_object_set_new(o, "host_state", json_string(vm->host_state));
		json_object_set_new(o, "host_reason", vm->host_reason[0]
							      ? json_string(vm->host_reason)
							      : json_null());
	}
	return o;
}

/* "enrollment": who may enrol the VM (absent: *policy unchanged). */
static bool enrollment_field(json_t *body, char *policy, size_t n, struct tl_resp *resp)
{
	if (!tl_api_text(body, "enrollment", false, policy, n, resp))
		return false;
	if (policy[0] && !tl_vm_enrollment_valid(policy)) {
		*resp = tl_http_error(400, "request.field",
				      "enrollment must be any or ek-certificate-required",
				      "enrollment");
		return false;
	}
	return true;
}

static struct tl_resp create(struct tl_req *r)
{
	struct tl_vm vm;
	struct tl_resp resp = { 0, NULL, NULL, NULL };
	char enroll[65];
	json_t *body = tl_api_body(r, &resp), *o;
	int err;

	memset(&vm, 0, sizeof(vm));
	snprintf(vm.enrollment, sizeof(vm.enrollment), "%s", TL_ENROLL_ANY);
	if (!body)
		return resp;
	if (!tl_api_text(body, "name", true, vm.name, sizeof(vm.name), &resp) ||
	    !tl_api_text(body, "size", true, vm.size, sizeof(vm.size), &resp) ||
	    !tl_api_text(body, "os", true, vm.os, sizeof(vm.os), &resp) ||
	    !tl_api_text(body, "scale_set", false, vm.scale_set, sizeof(vm.scale_set), &resp) ||
	    !enrollment_field(body, vm.enrollment, sizeof(vm.enrollment), &resp) ||
	    !tl_api_vm_profile_new(r, body, &vm, &resp)) /* type, Secure Boot, vTPM: the catalog */
		goto out;
	/* a token bound to a tenant creates in it; an all-tenant token names one */
	if (strcmp(r->token.tenant, "*") == 0) {
		snprintf(vm.tenant, sizeof(vm.tenant), "default");
		if (!tl_api_text(body, "tenant", false, vm.tenant, sizeof(vm.tenant), &resp))
			goto out;
	} else {
		snprintf(vm.tenant, sizeof(vm.tenant), "%s", r->token.tenant);
	}
	vm.created = (int64_t)time(NULL);
	if ((err = tl_api_uuid(vm.id)) != TL_OK || (err = tl_store_vm_put(r->srv->store, &vm)) != TL_OK ||
	    (err = tl_api_make_enroll_token(r->srv, vm.id, enroll)) != TL_OK) {
		resp = tl_http_error(503, "store.unavailable", "the database did not store the VM", NULL);
		goto out;
	}
	tl_api_posture_changed(r->srv, vm.id);
	o = vm_json(&vm);
	json_object_set_new(o, "enrollment_token", json_string(enroll));
	resp = tl_http_json(201, o);
out:
	json_decref(body);
	return resp;
}

static int add(const struct tl_vm *vm, void *arg)
{
	struct tl_api_page *pg = arg;
	if (tl_api_page_take(pg))
		tl_api_page_add(pg, vm_json(vm), vm->created, vm->id);
	return TL_OK;
}

/* PATCH /v1/vms/{id}: the enrolment policy, and the security profile under the catalog's
 * rules (api_catalog.c): security_type, secure_boot, vtpm, size, os. */
static struct tl_resp patch(struct tl_req *r, const char *id)
{
	struct tl_resp resp = { 0, NULL, NULL, NULL };
	struct tl_vm vm;
	char policy[24] = "";
	json_t *body = tl_api_body(r, &resp);
	bool profile;
	int err;
	if (!body)
		return resp;
	profile = json_object_size(body) > (json_object_get(body, "enrollment") ? 1u : 0u);
	if (!enrollment_field(body, policy, sizeof(policy), &resp)) {
		json_decref(body);
		return resp;
	}
	json_decref(body);
	if (!policy[0] && !profile)
		return tl_http_error(400, "request.field",
				     "nothing to change: enrollment, security_type, secure_boot, vtpm, "
				     "size or os",
				     NULL);
	if (profile) { /* checked whole before anything is stored */
		resp = tl_api_vm_patch(r, id, vm_json);
		if (resp.status != 200 || !policy[0])
			return resp;
		json_decref(resp.body);
	}
	err = tl_store_vm_set_enrollment(r->srv->store, r->token.tenant, id, policy);
	if (err == TL_OK)
		err = tl_store_vm_get(r->srv->store, r->token.tenant, id, &vm);
	return err == TL_OK ? tl_http_json(200, vm_json(&vm)) : tl_api_store_error(err, "VM");
}

/* /v1/vms/{id}: the VM itself */
struct tl_resp tl_api_vm_one(struct tl_req *r, const char *id)
{
	struct tl_resp resp;
	struct tl_vm vm;
	bool get = strcmp(r->method, "GET") == 0;
	int err;

	if (tl_http_auth(r, get ? TL_ROLE_READER : TL_ROLE_OPERATOR, &resp) != TL_OK)
		return resp;
	if (get) {
		json_t *o;
		err = tl_store_vm_get(r->srv->store, r->token.tenant, id, &vm);
		if (err != TL_OK)
			return tl_api_store_error(err, "VM");
		o = vm_json(&vm);
		if ((err = tl_api_vm_host_fields(r->srv, id, o)) != TL_OK) {
			json_decref(o);
			return tl_api_store_error(err, "VM");
		}
		return tl_http_json(200, o);
	}
	if (strcmp(r->method, "DELETE") == 0) {
		err = tl_store_vm_delete(r->srv->store, r->token.tenant, id);
		return err == TL_OK ? tl_http_json(200, json_pack("{s:s}", "deleted", id))
				    : tl_api_store_error(err, "VM");
	}
	if (strcmp(r->method, "PATCH") == 0)
		return patch(r, id);
	return tl_http_error(405, "request.method", "use GET, PATCH or DELETE", NULL);
}

struct tl_resp tl_api_vm_collection(struct tl_req *r)
{
	struct tl_resp resp;
	bool get = strcmp(r->method, "GET") == 0;

	if (tl_http_auth(r, get ? TL_ROLE_READER : TL_ROLE_OPERATOR, &resp) != TL_OK)
		return resp;
	if (strcmp(r->method, "POST") == 0)
		return create(r);
	if (!get)
		return tl_http_error(405, "request.method", "use GET or POST", NULL);
	/* ?host=: the VMs a host's last inventory listed */
	const char *host = tl_http_arg(r, "host");
	if (host && !tl_api_host_name_ok(host))
		return tl_http_error(400, "request.field",
				     "host must be a host's name: 1-63 of A-Z a-z 0-9 . _ -", "host");
	/* ?host_state=: the VMs whose host last reported that state (typed: one of three) */
	const char *st = tl_http_arg(r, "host_state");
	if (st && !tl_api_host_state_ok(st))
		return tl_http_error(400, "request.field",
				     "host_state must be running, stopped or boot_failed", "host_state");
	struct tl_api_page pg;
	if (!tl_api_page_args(r, TL_API_LIST_MAX, tl_api_vm_id, &pg, &resp))
		return resp;
	if (tl_store_vm_list(r->srv->store, r->token.tenant, host, st, pg.after_num,
			     pg.has_cursor ? pg.after_key : NULL, pg.limit + 1, add, &pg) != TL_OK) {
		tl_api_page_free(&pg);
		return tl_http_error(503, "store.unavailable", "the database did not answer", NULL);
	}
	return tl_http_json(200, tl_api_page_answer(&pg, json_object(), "vms"));
}
