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
	return o;
}

/* A string field: present (or optional), a string of 1..max-1 printable characters. */
static bool text_field(json_t *body, const char *key, bool required, char *out, size_t max,
		       struct tl_resp *resp)
{
	json_t *v = json_object_get(body, key);
	const char *s;
	if (!v && !required)
		return true;
	if (!json_is_string(v) || !(s = json_string_value(v)) || !*s || strlen(s) >= max) {
		char msg[128];
		snprintf(msg, sizeof(msg), "%s must be a string of 1 to %zu characters", key, max - 1);
		*resp = tl_http_error(400, "request.field", msg, key);
		return false;
	}
	for (const char *p = s; *p; p++) {
		if ((unsigned char)*p < 0x20) {
			*resp = tl_http_error(400, "request.field", "control characters are not allowed",
					      key);
			return false;
		}
	}
	snprintf(out, max, "%s", s);
	return true;
}

static bool bool_field(json_t *body, const char *key, bool *out, struct tl_resp *resp)
{
	json_t *v = json_object_get(body, key);
	if (!v)
		return true;
	if (!json_is_boolean(v)) {
		*resp = tl_http_error(400, "request.field", "must be true or false", key);
		return false;
	}
	*out = json_is_true(v);
	return true;
}

static void uuid4(char out[TL_ID_LEN])
{
	uint8_t b[16];
	char hex[33];
	if (tl_random(b, sizeof(b)) != TL_OK)
		memset(b, 0, sizeof(b));
	b[6] = (uint8_t)((b[6] & 0x0F) | 0x40);
	b[8] = (uint8_t)((b[8] & 0x3F) | 0x80);
	tl_hex(b, 16, hex);
	snprintf(out, TL_ID_LEN, "%.8s-%.4s-%.4s-%.4s-%.12s", hex, hex + 8, hex + 12, hex + 16,
		 hex + 20);
}

static struct tl_resp create(struct tl_req *r)
{
	json_error_t jerr;
	json_t *body = json_loadb(r->body, r->body_len, JSON_REJECT_DUPLICATES, &jerr);
	struct tl_vm vm;
	struct tl_resp resp = { 0, NULL };
	char type[16] = "trustedlaunch";
	int err;

	memset(&vm, 0, sizeof(vm));
	vm.secure_boot = vm.vtpm = true;
	if (!json_is_object(body)) {
		json_decref(body);
		return tl_http_error(400, "request.json", "the body is not a JSON object", NULL);
	}
	if (!text_field(body, "name", true, vm.name, sizeof(vm.name), &resp) ||
	    !text_field(body, "size", true, vm.size, sizeof(vm.size), &resp) ||
	    !text_field(body, "os", true, vm.os, sizeof(vm.os), &resp) ||
	    !text_field(body, "security_type", false, type, sizeof(type), &resp) ||
	    !text_field(body, "scale_set", false, vm.scale_set, sizeof(vm.scale_set), &resp) ||
	    !bool_field(body, "secure_boot", &vm.secure_boot, &resp) ||
	    !bool_field(body, "vtpm", &vm.vtpm, &resp))
		goto out;
	if (strcmp(type, "standard") && strcmp(type, "trustedlaunch") && strcmp(type, "confidential")) {
		resp = tl_http_error(400, "request.field",
				     "security_type must be standard, trustedlaunch or confidential",
				     "security_type");
		goto out;
	}
	snprintf(vm.security_type, sizeof(vm.security_type), "%s", type);
	/* a token bound to a tenant creates in it; an all-tenant token names one */
	if (strcmp(r->token.tenant, "*") == 0) {
		snprintf(vm.tenant, sizeof(vm.tenant), "default");
		if (!text_field(body, "tenant", false, vm.tenant, sizeof(vm.tenant), &resp))
			goto out;
	} else {
		snprintf(vm.tenant, sizeof(vm.tenant), "%s", r->token.tenant);
	}
	uuid4(vm.id);
	vm.created = (int64_t)time(NULL);
	if ((err = tl_store_vm_put(r->srv->store, &vm)) != TL_OK) {
		resp = tl_http_error(503, "store.unavailable", "the database did not store the VM", NULL);
		goto out;
	}
	resp = tl_http_json(201, vm_json(&vm));
out:
	json_decref(body);
	return resp;
}

static int add(const struct tl_vm *vm, void *arg)
{
	json_array_append_new(arg, vm_json(vm));
	return TL_OK;
}

struct tl_resp tl_api_vms(struct tl_req *r, const char *id)
{
	struct tl_resp resp;
	struct tl_vm vm;
	bool get = strcmp(r->method, "GET") == 0;
	int err;

	if (tl_http_auth(r, get ? "reader" : "operator", &resp) != TL_OK)
		return resp;
	if (!id) {
		if (strcmp(r->method, "POST") == 0)
			return create(r);
		if (!get)
			return tl_http_error(405, "request.method", "use GET or POST", NULL);
		json_t *list = json_array();
		if (tl_store_vm_list(r->srv->store, r->token.tenant, add, list) != TL_OK) {
			json_decref(list);
			return tl_http_error(503, "store.unavailable", "the database did not answer",
					     NULL);
		}
		json_t *o = json_object();
		json_object_set_new(o, "vms", list);
		return tl_http_json(200, o);
	}
	if (strlen(id) != TL_ID_LEN - 1 || strchr(id, '/'))
		return tl_http_error(404, "vm.not_found", "no such VM", NULL);
	if (get) {
		err = tl_store_vm_get(r->srv->store, r->token.tenant, id, &vm);
		return err == TL_OK ? tl_http_json(200, vm_json(&vm))
		       : err == TL_E_STORE_NOT_FOUND
			       ? tl_http_error(404, "vm.not_found", "no such VM", NULL)
			       : tl_http_error(503, "store.unavailable", "the database did not answer",
					       NULL);
	}
	if (strcmp(r->method, "DELETE") == 0) {
		err = tl_store_vm_delete(r->srv->store, r->token.tenant, id);
		return err == TL_OK ? tl_http_json(200, json_pack("{s:s}", "deleted", id))
		       : err == TL_E_STORE_NOT_FOUND
			       ? tl_http_error(404, "vm.not_found", "no such VM", NULL)
			       : tl_http_error(503, "store.unavailable", "the database did not answer",
					       NULL);
	}
	return tl_http_error(405, "request.method", "use GET or DELETE", NULL);
}
