/* Secure Boot facts from PCR 7 (PFP 3.3.4.8 and 10.4.4), with the strict rules:
 * configuration variables only before the separator and each once, their digests equal to
 * the hash of their data, SecureBoot exactly one byte, nothing but authorities after the
 * separator, no debug mode. A fact is taken only from an event that broke no rule. */
#include <stdlib.h>
#include <string.h>

#include "decode.h"
#include "facts.h"
#include "trustlaunch/hash.h"
#include "trustlaunch/text.h"
#include "trustlaunch/uefi.h"
#include "trustlaunch/x509.h"

/* Records the variable; true when it was seen before (or cannot be tracked). */
static bool seen_before(struct tl_facts_ctx *c, const struct tl_uefi_var *v)
{
	for (size_t i = 0; i < c->nvars; i++)
		if (memcmp(c->vars[i].guid, v->guid.b, 16) == 0 && strcmp(c->vars[i].name, v->name) == 0)
			return true;
	if (c->nvars == TL_FACTS_MAX_VARS) {
		tl_facts_reason(c, TL_E_VAR_TOO_MANY, v->name);
		return true;
	}
	memcpy(c->vars[c->nvars].guid, v->guid.b, 16);
	c->vars[c->nvars].name = strdup(v->name);
	if (c->vars[c->nvars].name)
		c->nvars++;
	return false;
}

/* Keys of the signature databases in the "secureboot" object. */
static const char *db_key(const struct tl_uefi_var *v)
{
	if (tl_uefi_var_is(v, &TL_GUID_GLOBAL_VARIABLE, "PK"))
		return "pk";
	if (tl_uefi_var_is(v, &TL_GUID_GLOBAL_VARIABLE, "KEK"))
		return "kek";
	if (tl_uefi_var_is(v, &TL_GUID_IMAGE_SECURITY_DB, "db"))
		return "db";
	if (tl_uefi_var_is(v, &TL_GUID_IMAGE_SECURITY_DB, "dbx"))
		return "dbx";
	if (tl_uefi_var_is(v, &TL_GUID_IMAGE_SECURITY_DB, "dbt"))
		return "dbt";
	if (tl_uefi_var_is(v, &TL_GUID_IMAGE_SECURITY_DB, "dbr"))
		return "dbr";
	return NULL;
}

static void config_var(struct tl_facts_ctx *c)
{
	struct tl_uefi_var v;
	const char *key;
	size_t nreasons = json_array_size(c->reasons);

	if (tl_uefi_var_parse(c->ev->data, &v) != TL_OK) {
		tl_facts_reason(c, TL_E_VAR_MALFORMED, NULL);
		return;
	}
	if (c->separators & (1u << 7))
		tl_facts_reason(c, TL_E_VAR_AFTER_SEP, v.name);
	if (!tl_facts_digest_is(c, c->ev->data))
		tl_facts_reason(c, TL_E_VAR_DIGEST, v.name);
	if (seen_before(c, &v))
		tl_facts_reason(c, TL_E_VAR_DUPLICATE, v.name);
	if (json_array_size(c->reasons) != nreasons ||
	    !tl_facts_spend(c, 2 * v.data.len + TL_FACTS_ITEM_COST))
		goto out;

	if (tl_uefi_var_is(&v, &TL_GUID_GLOBAL_VARIABLE, "SecureBoot")) {
		int b = tl_bytes_at(v.data, 0);
		/* seen, though it may break a rule: not "missing" as well */
		c->secureboot_seen = true;
		if (v.data.len != 1)
			tl_facts_reason(c, TL_E_SB_LENGTH, v.data.len ? "longer than 1 byte" : "0 bytes");
		json_object_set_new(c->sb, "enabled", json_boolean(v.data.len == 1 && b == 1));
		json_object_set_new(c->sb, "measured", json_boolean(v.data.len == 1));
	} else if ((key = db_key(&v)) != NULL) {
		size_t n;
		int err;
		json_t *list = tl_dec_esl(v.data, &n, &err);
		if (err != TL_OK) {
			tl_facts_reason(c, TL_E_ESL_MALFORMED, v.name);
			json_decref(list);
			list = json_null();
		}
		json_object_set_new(c->sb, key, list);
	} else {
		/* DeployedMode, AuditMode and the like: keep their bytes */
		char *hex = malloc(2 * v.data.len + 1);
		if (hex) {
			tl_hex(v.data.ptr, v.data.len, hex);
			json_object_set_new(json_object_get(c->sb, "other_variables"), v.name,
					    json_string(hex));
		}
		free(hex);
	}
out:
	tl_uefi_var_clear(&v);
}

/* shim's MokListTrusted (one byte: whether MOK keys are trusted for the kernel's keyrings) is a
 * setting, not a certificate that allowed an image: secureboot.mok_list_trusted. */
static void mok_list_trusted(struct tl_facts_ctx *c, const struct tl_uefi_var *v, bool bound)
{
	json_t *was = json_object_get(c->sb, "mok_list_trusted");
	int b = tl_bytes_at(v->data, 0);
	bool value = b == 1;

	if (!bound) {
		tl_facts_reason(c, TL_E_VAR_DIGEST, v->name);
		return;
	}
	if (v->data.len != 1 || (b != 0 && b != 1)) {
		tl_facts_reason(c, TL_E_VAR_MALFORMED, v->name);
		return;
	}
	if (c->mok_trust_conflict)
		return;
	if (json_is_boolean(was) && json_is_true(was) != value) {
		/* which one shim acted on is unknown */
		c->mok_trust_conflict = true;
		tl_facts_reason(c, TL_E_VAR_DUPLICATE, v->name);
		json_object_set_new(c->sb, "mok_list_trusted", json_null());
		return;
	}
	json_object_set_new(c->sb, "mok_list_trusted", json_boolean(value));
}

/* The certificate that allowed an image (or the hash), as its own object or, when the digest
 * does not bind it, under "claimed"; false when the bytes cannot be read as one. */
static bool authority_entry(json_t *a, struct tl_bytes data, bool bound)
{
	struct tl_dec_authority auth;
	int err = tl_dec_authority(data, &auth);
	json_t *o = bound ? a : json_object();

	if (err == TL_OK)
		tl_dec_authority_json(&auth, o);
	tl_dec_authority_clear(&auth);
	if (!bound)
		json_object_set_new(a, "claimed", o);
	return err == TL_OK || !bound;
}

/* An authority that allowed an image to load (an EFI_SIGNATURE_DATA from db or MokList, or
 * shim's own certificate as bare DER), or shim's SbatLevel or MokListTrusted. */
static void authority(struct tl_facts_ctx *c)
{
	struct tl_uefi_var v;
	struct tl_bytes trailing;
	json_t *a;
	bool bound;

	if (tl_uefi_var_parse_lenient(c->ev->data, &v, &trailing) != TL_OK) {
		tl_facts_reason(c, TL_E_VAR_MALFORMED, NULL);
		return;
	}
	/* Some shims measured authorities with a digest of other bytes than the event shows
	 * (GCE COS 85/93, Debian 10): such a certificate is only a claim, kept apart. */
	bound = tl_facts_digest_is(c, c->ev->data);
	if (!tl_facts_spend(c, 2 * v.data.len + TL_FACTS_ITEM_COST))
		goto out;
	if (tl_uefi_var_is(&v, &TL_GUID_SHIM_LOCK, "MokListTrusted")) {
		mok_list_trusted(c, &v, bound);
		goto out;
	}
	if (tl_uefi_var_is(&v, &TL_GUID_SHIM_LOCK, "SbatLevel")) {
		char *t;
		if (!bound) {
			tl_facts_reason(c, TL_E_VAR_DIGEST, v.name);
			goto out;
		}
		t = tl_dec_text(v.data);
		json_object_set_new(c->sb, "sbat_level", t ? json_string(t) : json_null());
		free(t);
		goto out;
	}
	a = json_object();
	json_object_set_new(a, "variable", json_string(v.name));
	json_object_set_new(a, "digest_verified", json_boolean(bound));
	if (trailing.len)
		json_object_set_new(a, "trailing_bytes", json_integer((json_int_t)trailing.len));
	if (authority_entry(a, v.data, bound)) {
		json_array_append_new(json_object_get(c->sb, "authorities"), a);
	} else {
		tl_facts_reason(c, TL_E_VAR_MALFORMED, v.name);
		json_decref(a);
	}
out:
	tl_uefi_var_clear(&v);
}

void tl_facts_pcr7(struct tl_facts_ctx *c)
{
	const struct tl_event *ev = c->ev;
	/* debug mode is known by its digest, whatever the event's data or type say */
	if (tl_facts_digest_eq(c, c->debug)) {
		json_object_set_new(c->sb, "debug_mode", json_true());
		tl_facts_reason(c, TL_E_DEBUG_MODE, NULL);
		return;
	}
	if ((c->separators & (1u << 7)) && ev->type != TL_EV_EFI_VARIABLE_AUTHORITY &&
	    ev->type != TL_EV_EFI_VARIABLE_DRIVER_CONFIG && ev->type != TL_EV_SEPARATOR) {
		tl_facts_reason(c, TL_E_AFTER_SEP, tl_ev_name(ev->type));
		return;
	}
	if (ev->type == TL_EV_EFI_VARIABLE_DRIVER_CONFIG)
		config_var(c);
	else if (ev->type == TL_EV_EFI_VARIABLE_AUTHORITY)
		authority(c);
}

void tl_facts_pcr7_finish(struct tl_facts_ctx *c)
{
	if (!(c->trusted & (1u << 7)))
		return;
	if (!c->secureboot_seen) {
		c->ev = NULL;
		tl_facts_reason(c, TL_E_SB_MISSING, NULL);
	}
}
