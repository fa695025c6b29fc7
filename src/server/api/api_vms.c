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
	json_object_set_new(o, "enrolled", json_boolean(vm->enrolled));
	return o;
}

static struct tl_resp create(struct tl_req *r)
{
	struct tl_vm vm;
	struct tl_resp resp = { 0, NULL, NULL };
	char enroll[65];
	json_t *body = tl_api_body(r, &resp), *o;
	int err;

	memset(&vm, 0, sizeof(vm));
	if (!body)
		return resp;
	if (!tl_api_text(body, "name", true, vm.name, sizeof(vm.name), &resp) ||
	    !tl_api_text(body, "size", true, vm.size, sizeof(vm.size), &resp) ||
	    !tl_api_text(body, "os", true, vm.os, sizeof(vm.os), &resp) ||
	    !tl_api_text(body, "scale_set", false, vm.scale_set, sizeof(vm.scale_set), &resp) ||
	    !tl_api_vm_profile_new(r, body, &vm, &resp))
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
	o = vm_json(&vm);
	json_object_set_new(o, "enrollment_token", json_string(enroll));
	resp = tl_http_json(201, o);
out:
	json_decref(body);
	return resp;
}

static int add(const struct tl_vm *vm, void *arg)
{
	json_array_append_new(arg, vm_json(vm));
	return TL_OK;
}

/* /v1/vms/{id}: the VM itself */
static struct tl_resp one(struct tl_req *r, const char *id)
{
	struct tl_resp resp;
	struct tl_vm vm;
	bool get = strcmp(r->method, "GET") == 0;
	int err;

	if (tl_http_auth(r, get ? "reader" : "operator", &resp) != TL_OK)
		return resp;
	if (get) {
		err = tl_store_vm_get(r->srv->store, r->token.tenant, id, &vm);
		return err == TL_OK ? tl_http_json(200, vm_json(&vm)) : tl_api_store_error(err, "VM");
	}
	if (strcmp(r->method, "PATCH") == 0)
		return tl_api_vm_patch(r, id, vm_json);
	if (strcmp(r->method, "DELETE") == 0) {
		err = tl_store_vm_delete(r->srv->store, r->token.tenant, id);
		return err == TL_OK ? tl_http_json(200, json_pack("{s:s}", "deleted", id))
				    : tl_api_store_error(err, "VM");
	}
	return tl_http_error(405, "request.method", "use GET, PATCH or DELETE", NULL);
}

static struct tl_resp collection(struct tl_req *r)
{
	struct tl_resp resp;
	bool get = strcmp(r->method, "GET") == 0;

	if (tl_http_auth(r, get ? "reader" : "operator", &resp) != TL_OK)
		return resp;
	if (strcmp(r->method, "POST") == 0)
		return create(r);
	if (!get)
		return tl_http_error(405, "request.method", "use GET or POST", NULL);
	json_t *list = json_array();
	if (tl_store_vm_list(r->srv->store, r->token.tenant, add, list) != TL_OK) {
		json_decref(list);
		return tl_http_error(503, "store.unavailable", "the database did not answer", NULL);
	}
	return tl_http_json(200, json_pack("{s:o}", "vms", list));
}

static bool is(const char *sub, const char *name, const char *method, const struct tl_req *r,
	       struct tl_resp *resp)
{
	if (strcmp(sub, name) != 0)
		return false;
	if (strcmp(r->method, method) != 0) {
		char msg[32];
		snprintf(msg, sizeof(msg), "use %s", method);
		*resp = tl_http_error(405, "request.method", msg, NULL);
	}
	return true;
}

/* rest: "" or "/{id}[/sub-resource]" */
struct tl_resp tl_api_vms(struct tl_req *r, const char *rest)
{
	char id[TL_ID_LEN];
	const char *sub;
	struct tl_resp resp = { 0, NULL, NULL };

	if (!*rest)
		return collection(r);
	if (rest[0] != '/' || strlen(rest + 1) < TL_ID_LEN - 1)
		return tl_http_error(404, "vm.not_found", "no such VM", NULL);
	snprintf(id, sizeof(id), "%.*s", TL_ID_LEN - 1, rest + 1);
	sub = rest + TL_ID_LEN;
	if (!tl_api_vm_id(id) || (*sub && *sub != '/'))
		return tl_http_error(404, "vm.not_found", "no such VM", NULL);
	if (!*sub)
		return one(r, id);
	sub++;
	if (is(sub, "challenge", "POST", r, &resp))
		return resp.status ? resp : tl_api_challenge(r, id);
	if (is(sub, "attest", "POST", r, &resp))
		return resp.status ? resp : tl_api_attest(r, id);
	if (is(sub, "enroll", "POST", r, &resp))
		return resp.status ? resp : tl_api_enroll(r, id, NULL);
	if (strncmp(sub, "enroll/", 7) == 0) {
		const char *eid = sub + 7, *act = strchr(eid, '/');
		char e[TL_ID_LEN];
		if (!act || (size_t)(act - eid) != TL_ID_LEN - 1 || strcmp(act, "/activate") != 0)
			return tl_http_error(404, "request.not_found", "no such endpoint", NULL);
		snprintf(e, sizeof(e), "%.*s", TL_ID_LEN - 1, eid);
		if (!tl_api_vm_id(e))
			return tl_http_error(404, "enroll.not_found", "no such enrolment", NULL);
		if (strcmp(r->method, "POST") != 0)
			return tl_http_error(405, "request.method", "use POST", NULL);
		return tl_api_enroll(r, id, e);
	}
	if (is(sub, "enrollment-token", "POST", r, &resp))
		return resp.status ? resp : tl_api_enroll_token(r, id);
	if (is(sub, "attestations", "GET", r, &resp))
		return resp.status ? resp : tl_api_attestations(r, id);
	if (strcmp(sub, "baseline") == 0)
		return tl_api_baseline(r, id, false);
	if (is(sub, "baseline/relearn", "POST", r, &resp))
		return resp.status ? resp : tl_api_baseline(r, id, true);
	if (is(sub, "recommendations", "GET", r, &resp) || is(sub, "assessment", "GET", r, &resp)) {
		if (resp.status || tl_http_auth(r, "reader", &resp) != TL_OK)
			return resp;
		return sub[0] == 'r' ? tl_api_vm_recommendations(r, id) : tl_api_vm_assessment(r, id);
	}
	return tl_http_error(404, "request.not_found", "no such endpoint", NULL);
}
