/* The "windows" facts (docs/facts.md, docs/windows.md) from what facts_windows.c gathered. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "decode.h"
#include "facts_windows.h"
#include "trustlaunch/facts.h"
#include "trustlaunch/hash.h"

static json_t *tri(tl_tristate t)
{
	return t < 0 ? json_null() : json_boolean(t);
}

static json_t *number(uint64_t v)
{
	return v <= INT64_MAX ? json_integer((json_int_t)v) : tl_dec_u64_json(v);
}

static json_t *value(struct tl_win_u64 x)
{
	return x.measured ? number(x.v) : json_null();
}

static json_t *hex(struct tl_bytes b)
{
	char *s = malloc(2 * b.len + 1);
	json_t *j;
	if (!s)
		return json_null();
	tl_hex(b.ptr, b.len, s);
	j = json_string(s);
	free(s);
	return j;
}

static json_t *text(struct tl_facts_ctx *c, struct tl_bytes b, bool present)
{
	char *t;
	json_t *j;
	if (!present || !tl_facts_spend(c, 4 * b.len))
		return json_null();
	t = tl_dec_utf16(b);
	j = t ? json_string(t) : json_null();
	free(t);
	return j;
}

/* BCD's launch types: hypervisorlaunchtype and vsmlaunchtype. */
static json_t *launch_type(struct tl_win_u64 x)
{
	if (!x.measured)
		return json_null();
	return x.v == 0 ? json_string("off") : x.v == 1 ? json_string("auto") : number(x.v);
}

/* BCD's nx policy: OptIn 0, OptOut 1, AlwaysOff 2, AlwaysOn 3. */
static json_t *dep_policy(struct tl_win_u64 x)
{
	static const char *const names[] = { "OptIn", "OptOut", "AlwaysOff", "AlwaysOn" };
	if (!x.measured)
		return json_null();
	return x.v < 4 ? json_string(names[x.v]) : number(x.v);
}

static json_t *boot_type(struct tl_win_u64 x)
{
	/* the boot manager hands over to winload (1) on a cold boot, to winresume otherwise */
	if (!x.measured)
		return json_null();
	return json_string(x.v == 1 ? "cold" : "resume");
}

static json_t *module(struct tl_facts_ctx *c, const struct tl_win_module *m)
{
	json_t *o = json_object(), *d = json_object(), *signer = json_null();
	const char *alg = tl_alg_name(m->alg);
	json_object_set_new(o, "path", text(c, m->path, m->path.ptr != NULL));
	json_object_set_new(d, alg ? alg : "unknown", hex(m->hash));
	json_object_set_new(o, "digests", d);
	json_object_set_new(o, "image_size", m->has_size ? number(m->size) : json_null());
	json_object_set_new(o, "validated", tri(m->validated));
	if (m->issuer.ptr || m->publisher.ptr || m->serial.ptr || m->thumbprint.ptr) {
		signer = json_object();
		json_object_set_new(signer, "issuer", text(c, m->issuer, m->issuer.ptr != NULL));
		json_object_set_new(signer, "publisher",
				    text(c, m->publisher, m->publisher.ptr != NULL));
		json_object_set_new(signer, "serial", m->serial.ptr ? hex(m->serial) : json_null());
		json_object_set_new(signer, "sha1_thumbprint",
				    m->thumbprint.ptr ? hex(m->thumbprint) : json_null());
	}
	json_object_set_new(o, "signer", signer);
	return o;
}

static json_t *modules(struct tl_facts_ctx *c, const struct tl_win *w)
{
	json_t *a = json_array();
	for (size_t i = 0; i < w->nmod; i++) {
		if (!tl_facts_spend(c, TL_FACTS_ITEM_COST))
			break;
		json_array_append_new(a, module(c, &w->mod[i]));
	}
	return a;
}

static json_t *elam(struct tl_facts_ctx *c, const struct tl_win *w)
{
	json_t *a = json_array();
	for (size_t i = 0; i < w->nelam; i++) {
		const struct tl_win_elam *x = &w->elam[i];
		json_t *o;
		if (!tl_facts_spend(c, TL_FACTS_ITEM_COST + 2 * (x->configuration.len +
								 x->policy.len + x->measured.len)))
			break;
		o = json_object();
		json_object_set_new(o, "name", text(c, x->name, true));
		json_object_set_new(o, "measured",
				    x->has_measured ? hex(x->measured) : json_null());
		json_object_set_new(o, "configuration",
				    x->has_configuration ? hex(x->configuration) : json_null());
		json_object_set_new(o, "policy", x->has_policy ? hex(x->policy) : json_null());
		json_array_append_new(a, o);
	}
	return a;
}

/* FVEB_UNLOCK_FLAG_* of wbcl.h; 0: the volume needed no unlock. */
static json_t *unlocks(const struct tl_win *w)
{
	static const struct {
		uint32_t bit;
		const char *name;
	} flags[] = { { 0x01, "cached" }, { 0x02, "media" },	{ 0x04, "tpm" },
		      { 0x10, "pin" },	  { 0x20, "external" }, { 0x40, "recovery" } };
	json_t *a = json_array();
	for (size_t i = 0; i < w->nunlocks; i++) {
		json_t *o = json_object(), *m = json_array();
		for (size_t f = 0; f < sizeof(flags) / sizeof(flags[0]); f++)
			if (w->unlocks[i] & flags[f].bit)
				json_array_append_new(m, json_string(flags[f].name));
		json_object_set_new(o, "flags", json_integer(w->unlocks[i]));
		json_object_set_new(o, "methods", m);
		json_array_append_new(a, o);
	}
	return a;
}

static json_t *vbs(const struct tl_win *w)
{
	json_t *o = json_object();
	json_object_set_new(o, "enabled", json_boolean(tl_facts_windows_vbs_enabled(w)));
	json_object_set_new(o, "vsm_launch_type", launch_type(w->vsm_launch));
	json_object_set_new(o, "required", tri(w->vbs_required));
	json_object_set_new(o, "secureboot_required", tri(w->vbs_secureboot_required));
	json_object_set_new(o, "iommu_required", tri(w->vbs_iommu_required));
	json_object_set_new(o, "mandatory_enforcement", tri(w->vbs_mandatory_enforcement));
	json_object_set_new(o, "microsoft_boot_chain_required",
			    tri(w->vbs_msft_boot_chain_required));
	return o;
}

json_t *tl_facts_windows_json(struct tl_facts_ctx *c, const struct tl_win *w)
{
	json_t *o = json_object(), *keys = json_array();
	if (!o || !keys) {
		json_decref(o);
		json_decref(keys);
		return NULL;
	}
	json_object_set_new(o, "os_build", json_null()); /* Windows does not measure it */
	json_object_set_new(o, "boot_count", value(w->boot_count));
	json_object_set_new(o, "boot_type", boot_type(w->transfer_control));
	json_object_set_new(o, "boot_debugging", tri(w->boot_debugging));
	json_object_set_new(o, "kernel_debugging", tri(w->kernel_debugging));
	json_object_set_new(o, "hypervisor_debugging", tri(w->hypervisor_debugging));
	json_object_set_new(o, "test_signing", tri(w->test_signing));
	json_object_set_new(o, "flight_signing", tri(w->flight_signing));
	json_object_set_new(o, "code_integrity", tri(w->code_integrity));
	json_object_set_new(o, "hvci_policy", value(w->hvci));
	json_object_set_new(o, "dep_policy", dep_policy(w->dep));
	json_object_set_new(o, "safe_mode", tri(w->safe_mode));
	json_object_set_new(o, "winpe", tri(w->winpe));
	json_object_set_new(o, "hypervisor_launch_type", launch_type(w->hv_launch));
	json_object_set_new(o, "system_root", text(c, w->system_root, w->has_system_root));
	json_object_set_new(o, "vbs", vbs(w));
	json_object_set_new(o, "elam_drivers", elam(c, w));
	json_object_set_new(o, "bitlocker_unlocks", unlocks(w));
	json_object_set_new(o, "loaded_modules", modules(c, w));
	for (size_t i = 0; i < w->nauth; i++) {
		struct tl_bytes b = { w->auth[i], sizeof(w->auth[i]) };
		json_array_append_new(keys, hex(b));
	}
	json_object_set_new(o, "authority_keys", keys);
	json_object_set_new(o, "events_after_separator", json_integer((json_int_t)w->after_separator));
	return o;
}

/* A claim that is the negation of a fact, null staying null. */
static json_t *negated(json_t *v)
{
	return json_is_boolean(v) ? json_boolean(!json_is_true(v)) : json_null();
}

static json_t *copy(json_t *v)
{
	return v ? json_deep_copy(v) : json_null();
}

json_t *tl_facts_windows_claims(json_t *facts)
{
	json_t *w = json_object_get(facts, "windows"), *o = json_object(), *dbg[3];
	bool off = true, known = true;
	if (!o)
		return NULL;
	json_object_set_new(o, "is_windows", json_boolean(json_is_object(w)));
	if (!json_is_object(w))
		return o;
	dbg[0] = json_object_get(w, "boot_debugging");
	dbg[1] = json_object_get(w, "kernel_debugging");
	dbg[2] = json_object_get(w, "hypervisor_debugging");
	for (int i = 0; i < 3; i++) {
		off = off && !json_is_true(dbg[i]);
		known = known && json_is_boolean(dbg[i]);
	}
	json_object_set_new(o, "bootdebug_enabled", copy(dbg[0]));
	json_object_set_new(o, "kerneldebug_enabled", copy(dbg[1]));
	json_object_set_new(o, "hypervisordebug_enabled", copy(dbg[2]));
	/* all three measured off; an unmeasured one leaves it open, unless one is on */
	json_object_set_new(o, "debuggers_disabled",
			    !off ? json_false() : known ? json_true() : json_null());
	json_object_set_new(o, "testsigning_enabled", copy(json_object_get(w, "test_signing")));
	json_object_set_new(o, "flightsigning_enabled",
			    copy(json_object_get(w, "flight_signing")));
	json_object_set_new(o, "signing_disabled", negated(json_object_get(w, "code_integrity")));
	json_object_set_new(o, "hvci_policy", copy(json_object_get(w, "hvci_policy")));
	json_object_set_new(o, "vbs_enabled",
			    copy(json_object_get(json_object_get(w, "vbs"), "enabled")));
	json_object_set_new(o, "elam_enabled",
			    json_boolean(json_array_size(json_object_get(w, "elam_drivers")) > 0));
	json_object_set_new(o, "boot_count", copy(json_object_get(w, "boot_count")));
	json_t *type = json_object_get(w, "boot_type");
	json_object_set_new(o, "cold_boot",
			    json_is_string(type) ? json_boolean(strcmp(json_string_value(type),
									 "cold") == 0)
						 : json_null());
	json_object_set_new(o, "os_build", copy(json_object_get(w, "os_build")));
	json_object_set_new(o, "dep_policy", copy(json_object_get(w, "dep_policy")));
	json_object_set_new(o, "safe_mode", copy(json_object_get(w, "safe_mode")));
	json_object_set_new(o, "winpe", copy(json_object_get(w, "winpe")));
	json_t *vbs = json_object_get(w, "vbs");
	json_object_set_new(o, "vbs_required", copy(json_object_get(vbs, "required")));
	json_object_set_new(o, "vbs_secureboot_required",
			    copy(json_object_get(vbs, "secureboot_required")));
	json_object_set_new(o, "vbs_microsoft_boot_chain_required",
			    copy(json_object_get(vbs, "microsoft_boot_chain_required")));
	json_object_set_new(o, "bitlocker_unlock_count",
			    json_integer((json_int_t)json_array_size(
				    json_object_get(w, "bitlocker_unlocks"))));
	json_object_set_new(o, "boot_module_count",
			    json_integer((json_int_t)json_array_size(
				    json_object_get(w, "loaded_modules"))));
	return o;
}
