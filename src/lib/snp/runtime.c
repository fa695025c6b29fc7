/* The HCL runtime data: JSON the paravisor writes, whose hash the hardware report carries.
 * It names the vTPM's attestation key as a JWK ("kid": "HCLAkPub", RSA) and the VM's
 * configuration. */
#include <string.h>

#include <jansson.h>

#include "trustlaunch/b64.h"
#include "trustlaunch/cvm.h"
#include "trustlaunch/hash.h"
#include "trustlaunch/limits.h"

#define AK_KID "HCLAkPub"

/* A JSON member that is a string of base64url, decoded into at most max bytes. */
static int b64url_member(json_t *obj, const char *name, uint8_t *out, size_t max, size_t *n)
{
	json_t *v = json_object_get(obj, name);
	if (!json_is_string(v) ||
	    tl_b64url_decode(json_string_value(v), json_string_length(v), out, max, n) != TL_OK ||
	    *n == 0)
		return TL_E_HCL_RUNTIME;
	return TL_OK;
}

static int ak_from_jwk(json_t *jwk, struct tl_hcl_runtime *rt)
{
	uint8_t e[4];
	size_t en = 0;
	json_t *kty = json_object_get(jwk, "kty");

	if (!json_is_string(kty) || strcmp(json_string_value(kty), "RSA") != 0 ||
	    b64url_member(jwk, "n", rt->ak_n, sizeof(rt->ak_n), &rt->ak_n_len) != TL_OK ||
	    b64url_member(jwk, "e", e, sizeof(e), &en) != TL_OK)
		return TL_E_HCL_RUNTIME;
	rt->ak_e = 0;
	for (size_t i = 0; i < en; i++)
		rt->ak_e = rt->ak_e << 8 | e[i];
	/* 0 would read as the TPM's "default exponent" (65537): not what the JWK says */
	return rt->ak_e != 0 ? TL_OK : TL_E_HCL_RUNTIME;
}

/* Exactly one key named HCLAkPub among at most TL_MAX_JWKS_KEYS. */
static int find_ak(json_t *root, struct tl_hcl_runtime *rt)
{
	json_t *keys = json_object_get(root, "keys"), *k, *found = NULL;
	size_t i;

	if (!json_is_array(keys) || json_array_size(keys) > TL_MAX_JWKS_KEYS)
		return TL_E_HCL_RUNTIME;
	json_array_foreach(keys, i, k) {
		json_t *kid = json_object_get(k, "kid");
		if (!json_is_string(kid) || strcmp(json_string_value(kid), AK_KID) != 0)
			continue;
		if (found)
			return TL_E_HCL_RUNTIME;
		found = k;
	}
	return found ? ak_from_jwk(found, rt) : TL_E_HCL_RUNTIME;
}

static int flag(json_t *conf, const char *name)
{
	json_t *v = json_object_get(conf, name);
	return json_is_boolean(v) ? json_is_true(v) : -1;
}

static void vm_configuration(json_t *root, struct tl_hcl_runtime *rt)
{
	json_t *conf = json_object_get(root, "vm-configuration");
	json_t *id = json_object_get(conf, "vmUniqueId");
	rt->secure_boot = flag(conf, "secure-boot");
	rt->tpm_enabled = flag(conf, "tpm-enabled");
	rt->console_enabled = flag(conf, "console-enabled");
	if (json_is_string(id) && json_string_length(id) < sizeof(rt->vm_unique_id)) {
		struct tl_rd rd;
		tl_rd_init(&rd, (const uint8_t *)json_string_value(id), json_string_length(id));
		if (tl_rd_span_printable(&rd) == json_string_length(id))
			memcpy(rt->vm_unique_id, json_string_value(id), json_string_length(id) + 1);
	}
}

int tl_hcl_runtime_parse(struct tl_bytes runtime, struct tl_hcl_runtime *out)
{
	json_error_t jerr;
	json_t *root;
	int err;

	memset(out, 0, sizeof(*out));
	if (runtime.len == 0 || runtime.len > TL_HCL_MAX_RUNTIME)
		return TL_E_HCL_RUNTIME;
	root = json_loadb((const char *)runtime.ptr, runtime.len, JSON_REJECT_DUPLICATES, &jerr);
	if (!json_is_object(root)) {
		json_decref(root);
		return TL_E_HCL_RUNTIME;
	}
	err = find_ak(root, out);
	if (err == TL_OK)
		vm_configuration(root, out);
	json_decref(root);
	if (err != TL_OK)
		memset(out, 0, sizeof(*out));
	return err;
}

void tl_hcl_ak_public(const struct tl_hcl_runtime *rt, struct tl_tpm2_public *pub)
{
	memset(pub, 0, sizeof(*pub));
	pub->type = TL_ALG_RSA;
	pub->name_alg = TL_ALG_SHA256;
	pub->symmetric = TL_ALG_NULL;
	pub->scheme = TL_ALG_NULL;
	pub->rsa_bits = (uint16_t)(rt->ak_n_len * 8);
	pub->rsa_exponent = rt->ak_e;
	pub->rsa_modulus = (struct tl_bytes){ rt->ak_n, rt->ak_n_len };
}
