/* Hosts (docs/hostd.md): a host daemon (tl-hostd, an operator token) reports every libvirt
 * domain of its host with the security profile read from the domain's XML
 * (PUT /v1/hosts/{host}/inventory) and each VM's host state (POST /v1/vms/{id}/host-state);
 * GET /v1/hosts lists the hosts. A domain the service does not know becomes a VM (its id is
 * the domain's UUID), so the posture layer recommends Secure Boot and a vTPM for VMs that
 * were never created through trustlaunch. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api.h"

#define INVENTORY_MAX 1000u /* domains in one report */
#define CONSOLE_LINES_MAX 40u
#define CONSOLE_LINE_MAX 512u

/* One domain of an inventory, checked. */
struct domain {
	char uuid[TL_ID_LEN], name[128], size[64], os[64];
	bool uefi, secure_loader, keys, smm, tl, tpm, tpm20;
	char tpm_model[32];
};

/* A host's name: 1-63 of [A-Za-z0-9._-] (also a cursor's key). */
bool tl_api_host_name_ok(const char *h)
{
	size_t n = strlen(h);
	return n > 0 && n < TL_HOST_NAME_LEN && strspn(h, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijkl"
							  "mnopqrstuvwxyz0123456789._-") == n;
}

bool tl_api_host_state_ok(const char *s)
{
	return strcmp(s, "running") == 0 || strcmp(s, "stopped") == 0 ||
	       strcmp(s, "boot_failed") == 0;
}

static bool field_err(size_t i, const char *key, const char *msg, struct tl_resp *resp)
{
	char f[64], m[160];
	snprintf(f, sizeof(f), "domains[%zu].%s", i, key);
	snprintf(m, sizeof(m), "%s %s", f, msg);
	*resp = tl_http_error(400, "request.field", m, f);
	return false;
}

static bool flag(json_t *o, size_t i, const char *key, bool *out, struct tl_resp *resp)
{
	json_t *v = json_object_get(o, key);
	if (!json_is_boolean(v))
		return field_err(i, key, "must be true or false", resp);
	*out = json_is_true(v);
	return true;
}

/* tpm: null, or {model, version: "1.2"|"2.0"} */
static bool tpm_field(json_t *o, size_t i, struct domain *d, struct tl_resp *resp)
{
	json_t *t = json_object_get(o, "tpm");
	const char *ver;
	if (!t || json_is_null(t))
		return true;
	ver = json_string_value(json_object_get(t, "version"));
	if (!json_is_object(t) || !ver || (strcmp(ver, "1.2") != 0 && strcmp(ver, "2.0") != 0))
		return field_err(i, "tpm", "must be null or {model, version: 1.2 or 2.0}", resp);
	if (!tl_api_text(t, "model", true, d->tpm_model, sizeof(d->tpm_model), resp))
		return field_err(i, "tpm.model", "must be a short string", resp);
	d->tpm = true;
	d->tpm20 = strcmp(ver, "2.0") == 0;
	return true;
}

static bool domain_parse(json_t *o, size_t i, struct domain *d, struct tl_resp *resp)
{
	const char *fw = json_string_value(json_object_get(o, "firmware"));
	const char *uuid = json_string_value(json_object_get(o, "uuid"));
	memset(d, 0, sizeof(*d));
	if (!json_is_object(o))
		return field_err(i, "", "must be an object", resp);
	if (!uuid || strlen(uuid) >= sizeof(d->uuid))
		return field_err(i, "uuid", "must be the domain's UUID", resp);
	snprintf(d->uuid, sizeof(d->uuid), "%s", uuid);
	if (!tl_api_text(o, "name", true, d->name, sizeof(d->name), resp) ||
	    !tl_api_text(o, "size", false, d->size, sizeof(d->size), resp) ||
	    !tl_api_text(o, "os", false, d->os, sizeof(d->os), resp))
		return field_err(i, "name", "(or size, os) must be a short printable string", resp);
	if (!fw || (strcmp(fw, "uefi") != 0 && strcmp(fw, "bios") != 0))
		return field_err(i, "firmware", "must be uefi or bios", resp);
	d->uefi = strcmp(fw, "uefi") == 0;
	return flag(o, i, "secure_loader", &d->secure_loader, resp) &&
	       flag(o, i, "keys_enrolled", &d->keys, resp) && flag(o, i, "smm", &d->smm, resp) &&
	       flag(o, i, "trustlaunch", &d->tl, resp) && tpm_field(o, i, d, resp);
}

static json_t *profile_json(const struct domain *d)
{
	json_t *o = json_pack("{s:s,s:b,s:b,s:b}", "firmware", d->uefi ? "uefi" : "bios",
			      "secure_loader", d->secure_loader, "keys_enrolled", d->keys, "smm",
			      d->smm);
	json_object_set_new(o, "tpm",
			    d->tpm ? json_pack("{s:s,s:s}", "model", d->tpm_model, "version",
					       d->tpm20 ? "2.0" : "1.2")
				   : json_null());
	return o;
}

/* What the profile means for the VM: Secure Boot needs UEFI, the secure loader and enrolled
 * keys; Trusted Launch also a TPM 2.0. */
static void apply_profile(const struct domain *d, struct tl_vm *vm)
{
	vm->secure_boot = d->uefi && d->secure_loader && d->keys;
	vm->vtpm = d->tpm && d->tpm20;
}

/* A domain the service does not know: a VM of the token's tenant, id = the domain's UUID.
 * Size and OS are the report's, else defaults the catalog knows (docs/hostd.md): a BIOS
 * domain is Generation 1, which the catalog's Av2 family stands for. */
static void new_vm(struct tl_req *r, const struct domain *d, struct tl_vm *vm)
{
	memset(vm, 0, sizeof(*vm));
	snprintf(vm->id, sizeof(vm->id), "%s", d->uuid);
	snprintf(vm->tenant, sizeof(vm->tenant), "%s",
		 strcmp(r->token.tenant, "*") == 0 ? "default" : r->token.tenant);
	snprintf(vm->name, sizeof(vm->name), "%s", d->name);
	snprintf(vm->size, sizeof(vm->size), "%s",
		 d->size[0] ? d->size : d->uefi ? "Standard_D2s_v5" : "Standard_A2_v2");
	snprintf(vm->os, sizeof(vm->os), "%s", d->os[0] ? d->os : "debian-12");
	snprintf(vm->enrollment, sizeof(vm->enrollment), "%s", TL_ENROLL_ANY);
	vm->created = (int64_t)time(NULL);
	apply_profile(d, vm);
	snprintf(vm->security_type, sizeof(vm->security_type), "%s",
		 vm->secure_boot && vm->vtpm ? "trustedlaunch" : "standard");
}

/* One domain into the store: "registered", "updated", or why it was skipped. */
static const char *store_domain(struct tl_req *r, const char *host, int64_t inv,
				const struct domain *d, int *err)
{
	struct tl_vm vm;
	struct tl_vm_host h;
	bool known;
	char *profile;
	json_t *pj;
	*err = tl_store_vm_get(r->srv->store, "*", d->uuid, &vm);
	if (*err != TL_OK && *err != TL_E_STORE_NOT_FOUND)
		return NULL;
	known = *err == TL_OK;
	if (known && strcmp(r->token.tenant, "*") != 0 && strcmp(vm.tenant, r->token.tenant) != 0)
		return (*err = TL_OK, "another_tenant");
	bool sb = known && vm.secure_boot, vtpm = known && vm.vtpm;
	if (known)
		apply_profile(d, &vm);
	else
		new_vm(r, d, &vm);
	if ((*err = tl_store_vm_put(r->srv->store, &vm)) != TL_OK)
		return NULL;
	if (!known || sb != vm.secure_boot || vtpm != vm.vtpm) /* the fleet's counts follow */
		tl_api_posture_changed(r->srv, vm.id);
	memset(&h, 0, sizeof(h));
	snprintf(h.vm_id, sizeof(h.vm_id), "%s", d->uuid);
	snprintf(h.host, sizeof(h.host), "%s", host);
	snprintf(h.domain, sizeof(h.domain), "%s", d->name);
	h.trustlaunch = d->tl;
	h.seen = (int64_t)time(NULL);
	h.inv = inv;
	pj = profile_json(d);
	h.profile = profile = json_dumps(pj, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(pj);
	*err = profile ? tl_store_vm_host_profile(r->srv->store, &h) : TL_E_NOMEM;
	free(profile);
	return *err != TL_OK ? NULL : known ? "updated" : "registered";
}

/* PUT /v1/hosts/{host}/inventory {domains: [...]}: every domain checked before any is
 * stored; the answer says what became of each (registered, updated, skipped and why). */
struct tl_resp tl_api_host_inventory(struct tl_req *r, const char *host)
{
	struct tl_resp resp = { 0, NULL, NULL, NULL };
	json_t *body, *list, *out;
	struct domain d;
	struct tl_host hr;
	size_t i, n;
	int err = TL_OK;

	if (!tl_api_host_name_ok(host))
		return tl_http_error(404, "host.not_found", "a host name is 1-63 of A-Z a-z 0-9 . _ -",
				     NULL);
	if (!(body = tl_api_body(r, &resp)))
		return resp;
	list = json_object_get(body, "domains");
	if (!json_is_array(list) || (n = json_array_size(list)) > INVENTORY_MAX) {
		json_decref(body);
		return tl_http_error(400, "request.field", "domains must be a list of at most 1000",
				     "domains");
	}
	for (i = 0; i < n; i++)
		if (!domain_parse(json_array_get(list, i), i, &d, &resp)) {
			json_decref(body);
			return resp;
		}
	out = json_array();
	/* the inventory's stamp: only equality with the rows it wrote matters
	 * (tl_store_vm_host_forget); the store's ids are unique, so a clock set back does no harm */
	int64_t inv = tl_store_next_id();
	for (i = 0; i < n && err == TL_OK; i++) {
		const char *what;
		(void)domain_parse(json_array_get(list, i), i, &d, &resp);
		what = tl_api_vm_id(d.uuid) ? store_domain(r, host, inv, &d, &err) : "uuid";
		if (what)
			json_array_append_new(out, json_pack("{s:s,s:s}", "uuid", d.uuid, "result",
							     what));
	}
	json_decref(body);
	memset(&hr, 0, sizeof(hr));
	snprintf(hr.host, sizeof(hr.host), "%s", host);
	snprintf(hr.tenant, sizeof(hr.tenant), "%s", r->token.tenant);
	hr.domains = (int64_t)n;
	hr.seen = (int64_t)time(NULL);
	if (err == TL_OK) /* what this host no longer lists is no longer on it */
		err = tl_store_vm_host_forget(r->srv->store, host, inv);
	if (err != TL_OK || (err = tl_store_host_put(r->srv->store, &hr)) != TL_OK) {
		json_decref(out);
		return tl_http_error(503, "store.unavailable", "the database did not store the "
				     "inventory", NULL);
	}
	return tl_http_json(200, json_pack("{s:s,s:o}", "host", host, "domains", out));
}

/* console: at most CONSOLE_LINES_MAX strings of at most CONSOLE_LINE_MAX printable
 * characters (the daemon escapes what the guest printed), as stored JSON. */
static bool console_field(json_t *body, char **out, struct tl_resp *resp)
{
	json_t *c = json_object_get(body, "console"), *v;
	size_t i;
	*out = NULL;
	if (!c) {
		*out = strdup("[]");
		return *out != NULL;
	}
	if (!json_is_array(c) || json_array_size(c) > CONSOLE_LINES_MAX)
		goto bad;
	json_array_foreach(c, i, v) {
		const char *s = json_string_value(v);
		if (!s || strlen(s) > CONSOLE_LINE_MAX)
			goto bad;
		for (const char *p = s; *p; p++)
			if ((unsigned char)*p < 0x20 || (unsigned char)*p > 0x7E)
				goto bad;
	}
	*out = json_dumps(c, JSON_COMPACT);
	return *out != NULL;
bad:
	*resp = tl_http_error(400, "request.field",
			      "console must be a list of at most 40 lines of at most 512 printable "
			      "ASCII characters", "console");
	return false;
}

/* state and, for boot_failed, its typed reason */
static bool state_fields(json_t *body, struct tl_vm_host *h, struct tl_resp *resp)
{
	if (!tl_api_text(body, "state", true, h->state, sizeof(h->state), resp) ||
	    !tl_api_text(body, "reason", false, h->reason, sizeof(h->reason), resp))
		return false;
	if (!tl_api_host_state_ok(h->state)) {
		*resp = tl_http_error(400, "request.field",
				      "state must be running, stopped or boot_failed", "state");
		return false;
	}
	if (strcmp(h->state, "boot_failed") == 0
		    ? strcmp(h->reason, "secure_boot_refused") != 0 &&
			      strcmp(h->reason, "boot_deadline") != 0
		    : h->reason[0] != '\0') {
		*resp = tl_http_error(400, "request.field",
				      "reason is secure_boot_refused or boot_deadline, and only for "
				      "boot_failed", "reason");
		return false;
	}
	return true;
}

/* POST /v1/vms/{id}/host-state {state, reason?, console?} */
struct tl_resp tl_api_vm_host_state(struct tl_req *r, const char *vm_id)
{
	struct tl_resp resp = { 0, NULL, NULL, NULL };
	struct tl_vm vm;
	struct tl_vm_host h;
	json_t *body = tl_api_body(r, &resp);
	int err;

	if (!body)
		return resp;
	memset(&h, 0, sizeof(h));
	if (!state_fields(body, &h, &resp) || !console_field(body, &h.console, &resp)) {
		json_decref(body);
		return resp.status ? resp : tl_http_error(503, "server.busy", "out of memory", NULL);
	}
	json_decref(body);
	if ((err = tl_store_vm_get(r->srv->store, r->token.tenant, vm_id, &vm)) == TL_OK) {
		snprintf(h.vm_id, sizeof(h.vm_id), "%s", vm_id);
		h.state_at = (int64_t)time(NULL);
		err = tl_store_vm_host_state(r->srv->store, &h);
	}
	tl_vm_host_clear(&h);
	if (err != TL_OK)
		return tl_api_store_error(err, "VM");
	return tl_http_json(200, json_pack("{s:s,s:s}", "vm_id", vm_id, "host_state", h.state));
}

int tl_api_vm_host_fields(struct tl_server *srv, const char *vm_id, json_t *o)
{
	struct tl_vm_host h;
	int err = tl_store_vm_host_get(srv->store, vm_id, &h);
	if (err == TL_E_STORE_NOT_FOUND)
		return TL_OK;
	if (err != TL_OK)
		return err;
	if (h.host[0])
		json_object_set_new(o, "host", json_pack("{s:s,s:s,s:b,s:o,s:I}", "name", h.host,
							 "domain", h.domain, "trustlaunch",
							 h.trustlaunch, "profile",
							 json_loads(h.profile, 0, NULL), "seen",
							 (json_int_t)h.seen));
	if (h.state[0]) {
		json_object_set_new(o, "host_state", json_string(h.state));
		json_object_set_new(o, "host_reason", h.reason[0] ? json_string(h.reason)
								   : json_null());
		json_object_set_new(o, "host_console", json_loads(h.console, 0, NULL));
		json_object_set_new(o, "host_state_at", json_integer(h.state_at));
	}
	tl_vm_host_clear(&h);
	return TL_OK;
}

static int add_host(const struct tl_host *h, void *arg)
{
	struct tl_api_page *pg = arg;
	if (tl_api_page_take(pg))
		tl_api_page_add(pg,
				json_pack("{s:s,s:s,s:I,s:I}", "name", h->host, "tenant", h->tenant,
					  "domains", (json_int_t)h->domains, "seen",
					  (json_int_t)h->seen),
				0, h->host);
	return TL_OK;
}

/* GET /v1/hosts: by name, paged */
struct tl_resp tl_api_hosts(struct tl_req *r)
{
	struct tl_resp resp;
	struct tl_api_page pg;
	if (!tl_api_page_args(r, TL_API_LIST_DEFAULT, tl_api_host_name_ok, &pg, &resp))
		return resp;
	if (tl_store_host_list(r->srv->store, r->token.tenant, pg.has_cursor ? pg.after_key : NULL,
			       pg.limit + 1, add_host, &pg) != TL_OK) {
		tl_api_page_free(&pg);
		return tl_http_error(503, "store.unavailable", "the database did not answer", NULL);
	}
	return tl_http_json(200, tl_api_page_answer(&pg, json_object(), "hosts"));
}
