/* The compatibility catalog in the API (docs/catalog.md): the seed's rules applied when a VM
 * is registered (POST /v1/vms) or its profile changed (PATCH /v1/vms/{id}), a 400 naming the
 * rule otherwise; GET /v1/catalog and GET /v1/catalog/check for people and tools. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"

static struct tl_resp refused(const struct tl_cat_decision *d, const char *field)
{
	return tl_http_error(400, tl_cat_rule_code(d->rule), d->message, field);
}

/* The field a rule is about, for the answer. */
static const char *rule_field(enum tl_cat_rule r)
{
	switch (r) {
	case TL_RULE_SIZE_GEN1_ONLY:
	case TL_RULE_SIZE_NOT_YET:
	case TL_RULE_SIZE_UNKNOWN:
	case TL_RULE_NOT_CONFIDENTIAL_SIZE: return "size";
	case TL_RULE_OS_UNSUPPORTED: return "os";
	case TL_RULE_FEATURE_NEEDS_TL: return "secure_boot";
	default: return "security_type";
	}
}

/* security_type, secure_boot and vtpm of a request body (unset when absent). */
static bool request(json_t *body, struct tl_vm_request *req, struct tl_resp *resp)
{
	char type[16] = "";
	bool sb, vtpm;
	memset(req, 0, sizeof(*req));
	req->type = TL_SECTYPE_UNSET;
	req->secure_boot = req->vtpm = -1;
	if (!tl_api_text(body, "security_type", false, type, sizeof(type), resp))
		return false;
	if (type[0] && (req->type = tl_security_type_parse(type)) == TL_SECTYPE_UNSET) {
		*resp = tl_http_error(400, "request.field",
				      "security_type must be standard, trustedlaunch or confidential",
				      "security_type");
		return false;
	}
	if (json_object_get(body, "secure_boot")) {
		if (!tl_api_bool(body, "secure_boot", &sb, resp))
			return false;
		req->secure_boot = sb;
	}
	if (json_object_get(body, "vtpm")) {
		if (!tl_api_bool(body, "vtpm", &vtpm, resp))
			return false;
		req->vtpm = vtpm;
	}
	return true;
}

static void apply(const struct tl_cat_decision *d, struct tl_vm *vm)
{
	snprintf(vm->security_type, sizeof(vm->security_type), "%s",
		 tl_security_type_name(d->type));
	vm->secure_boot = d->secure_boot;
	vm->vtpm = d->vtpm;
}

bool tl_api_vm_profile_new(struct tl_req *r, json_t *body, struct tl_vm *vm,
			   struct tl_resp *resp)
{
	struct tl_vm_request req;
	struct tl_cat_decision d;
	if (!request(body, &req, resp))
		return false;
	req.size = vm->size;
	req.os = vm->os;
	req.scale_set = vm->scale_set[0] != '\0';
	tl_catalog_decide_create(r->srv->catalog, &req, &d);
	if (d.rule != TL_RULE_OK) {
		*resp = refused(&d, rule_field(d.rule));
		return false;
	}
	apply(&d, vm);
	return true;
}

/* PATCH /v1/vms/{id}: security_type, secure_boot, vtpm, size, os. */
struct tl_resp tl_api_vm_patch(struct tl_req *r, const char *id, json_t *(*show)(const struct tl_vm *))
{
	static const char *const fields[] = { "security_type", "secure_boot", "vtpm", "size", "os",
					      "enrollment" /* api_vms.c's */ };
	struct tl_resp resp = { 0, NULL, NULL, NULL };
	struct tl_vm vm;
	struct tl_vm_request req;
	struct tl_cat_decision d;
	struct tl_vm_profile now;
	const char *key;
	json_t *body = tl_api_body(r, &resp), *v;
	int err;

	if (!body)
		return resp;
	json_object_foreach(body, key, v) {
		size_t i = 0;
		while (i < sizeof(fields) / sizeof(fields[0]) && strcmp(fields[i], key) != 0)
			i++;
		if (i == sizeof(fields) / sizeof(fields[0])) {
			resp = tl_http_error(400, "request.field",
					     "only security_type, secure_boot, vtpm, size, os and "
					     "enrollment can be changed", key);
			goto out;
		}
	}
	if ((err = tl_store_vm_get(r->srv->store, r->token.tenant, id, &vm)) != TL_OK) {
		resp = tl_api_store_error(err, "VM");
		goto out;
	}
	if (!request(body, &req, &resp) ||
	    !tl_api_text(body, "size", false, vm.size, sizeof(vm.size), &resp) ||
	    !tl_api_text(body, "os", false, vm.os, sizeof(vm.os), &resp))
		goto out;
	/* size and os were read into vm already: the decision checks the new ones; registered
	 * VMs are Gen2 (UEFI) until the host inventory says otherwise */
	now = (struct tl_vm_profile){ vm.size, vm.os, tl_security_type_parse(vm.security_type),
				      vm.secure_boot, vm.vtpm, false, vm.scale_set[0] != '\0' };
	tl_catalog_decide_update(r->srv->catalog, &now, &req, &d);
	if (d.rule != TL_RULE_OK) {
		resp = refused(&d, rule_field(d.rule));
		goto out;
	}
	apply(&d, &vm);
	err = tl_store_vm_put(r->srv->store, &vm);
	if (err == TL_OK)
		tl_api_posture_changed(r->srv, vm.id);
	resp = err == TL_OK ? tl_http_json(200, show(&vm)) : tl_api_store_error(err, "VM");
out:
	json_decref(body);
	return resp;
}

static struct tl_resp text_json(char *text)
{
	json_t *o = text ? json_loads(text, 0, NULL) : NULL;
	free(text);
	return o ? tl_http_json(200, o) : tl_http_error(503, "server.busy", "out of memory", NULL);
}

struct tl_resp tl_api_catalog(struct tl_req *r)
{
	return text_json(tl_catalog_dump(r->srv->catalog));
}

/* GET /v1/catalog/check?size=S&os=O[&security_type=T]: what POST /v1/vms would decide. */
struct tl_resp tl_api_catalog_check(struct tl_req *r)
{
	const char *size = tl_http_arg(r, "size"), *os = tl_http_arg(r, "os");
	const char *type = tl_http_arg(r, "security_type");
	struct tl_vm_request req = { size, os, TL_SECTYPE_UNSET, -1, -1, false };
	struct tl_cat_decision d;
	if (!size || !*size || !os || !*os)
		return tl_http_error(400, "request.field", "size and os are needed",
				     !size || !*size ? "size" : "os");
	if (type && (req.type = tl_security_type_parse(type)) == TL_SECTYPE_UNSET)
		return tl_http_error(400, "request.field",
				     "security_type must be standard, trustedlaunch or confidential",
				     "security_type");
	tl_catalog_decide_create(r->srv->catalog, &req, &d);
	return text_json(tl_cat_decision_json(r->srv->catalog, &d));
}

/* The base catalog and the operator's overlays, read at start. */
int tl_api_catalog_load(const char *base, const char *const *overlays, size_t n,
			struct tl_catalog **out, char *msg, size_t cap)
{
	struct tl_catalog *c;
	struct tl_catalog_diag diag;
	int err = tl_catalog_new(&c);
	for (size_t i = 0; err == TL_OK && i <= n; i++) {
		const char *path = i == 0 ? base : overlays[i - 1];
		FILE *f = fopen(path, "rb");
		char *buf = malloc(TL_CATALOG_MAX_TEXT + 1);
		size_t len = f && buf ? fread(buf, 1, TL_CATALOG_MAX_TEXT + 1, f) : 0;
		if (!f || !buf || ferror(f) || len > TL_CATALOG_MAX_TEXT) {
			snprintf(msg, cap, "%s: cannot be read, or larger than %u bytes", path,
				 TL_CATALOG_MAX_TEXT);
			err = TL_E_IO;
		} else if ((err = tl_catalog_load(c, (struct tl_bytes){ (uint8_t *)buf, len },
						  &diag)) != TL_OK) {
			snprintf(msg, cap, "%s: %s (at %s)", path, tl_err_msg(err), diag.where);
		}
		if (f)
			fclose(f);
		free(buf);
	}
	if (err != TL_OK) {
		tl_catalog_free(c);
		return err;
	}
	*out = c;
	return TL_OK;
}
