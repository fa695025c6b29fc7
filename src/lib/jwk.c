/* EC P-256 keys as JSON Web Keys (RFC 7517, 7518 §6.2) and their thumbprints (RFC 7638). */
#include <stdio.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>

#include "jwk_internal.h"
#include "trustlaunch/b64.h"
#include "trustlaunch/hash.h"
#include "trustlaunch/jwt.h"

#define COORD_LEN 32u                   /* bytes of a P-256 coordinate */
#define COORD_B64_LEN 43u               /* its base64url characters */

int tl_jwk_is_p256(EVP_PKEY *key)
{
	char group[32];
	if (!key || !EVP_PKEY_is_a(key, "EC") ||
	    !EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof(group),
					    NULL))
		return 0;
	return strcmp(group, "prime256v1") == 0 || strcmp(group, "P-256") == 0;
}

static int coord(EVP_PKEY *key, const char *param, char out[static COORD_B64_LEN + 1])
{
	uint8_t raw[COORD_LEN];
	BIGNUM *bn = NULL;
	int ok = EVP_PKEY_get_bn_param(key, param, &bn) &&
		 BN_bn2binpad(bn, raw, sizeof(raw)) == (int)sizeof(raw);
	BN_free(bn);
	if (!ok)
		return TL_E_CRYPTO;
	return tl_b64url_encode(raw, sizeof(raw), out, COORD_B64_LEN + 1);
}

static int coords(EVP_PKEY *key, char x[static COORD_B64_LEN + 1],
		  char y[static COORD_B64_LEN + 1])
{
	int err;
	if (!tl_jwk_is_p256(key))
		return TL_E_UNSUPPORTED;
	if ((err = coord(key, OSSL_PKEY_PARAM_EC_PUB_X, x)) != TL_OK)
		return err;
	return coord(key, OSSL_PKEY_PARAM_EC_PUB_Y, y);
}

int tl_jwk_thumbprint(EVP_PKEY *key, char out[static TL_JWK_KID_LEN + 1])
{
	char x[COORD_B64_LEN + 1], y[COORD_B64_LEN + 1], canon[160];
	uint8_t digest[TL_MAX_DIGEST];
	int err, n;

	out[0] = '\0';
	if ((err = coords(key, x, y)) != TL_OK)
		return err;
	/* the required members only, in lexicographic order, no whitespace (RFC 7638 §3.2) */
	n = snprintf(canon, sizeof(canon),
		     "{\"crv\":\"P-256\",\"kty\":\"EC\",\"x\":\"%s\",\"y\":\"%s\"}", x, y);
	if (n < 0 || (size_t)n >= sizeof(canon))
		return TL_E_ARG;
	if ((err = tl_hash(TL_ALG_SHA256, canon, (size_t)n, digest)) != TL_OK)
		return err;
	return tl_b64url_encode(digest, TL_SHA256_LEN, out, TL_JWK_KID_LEN + 1);
}

int tl_jwk_from_key(EVP_PKEY *key, json_t **jwk)
{
	char x[COORD_B64_LEN + 1], y[COORD_B64_LEN + 1], kid[TL_JWK_KID_LEN + 1];
	json_t *obj;
	int err;

	if ((err = coords(key, x, y)) != TL_OK || (err = tl_jwk_thumbprint(key, kid)) != TL_OK)
		return err;
	obj = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "kty", "EC", "crv", "P-256", "x", x,
			"y", y, "use", "sig", "alg", TL_JWT_ALG, "kid", kid);
	if (!obj)
		return TL_E_NOMEM;
	*jwk = obj;
	return TL_OK;
}

static int member_is(json_t *obj, const char *name, const char *want, int required)
{
	json_t *v = json_object_get(obj, name);
	if (!v)
		return !required;
	return json_is_string(v) && strcmp(json_string_value(v), want) == 0;
}

static int decode_coord(json_t *jwk, const char *name, uint8_t out[static COORD_LEN])
{
	const char *s = json_string_value(json_object_get(jwk, name));
	size_t n = 0;
	if (!s || tl_b64url_decode(s, json_string_length(json_object_get(jwk, name)), out,
				   COORD_LEN, &n) != TL_OK || n != COORD_LEN)
		return TL_E_JWT_JWKS;
	return TL_OK;
}

/* 04 || x || y through the provider, then the full public-key check (on the curve, not the
 * point at infinity, right order). */
static int p256_public(const uint8_t point[static 1 + 2 * COORD_LEN], EVP_PKEY **out)
{
	OSSL_PARAM params[3];
	EVP_PKEY_CTX *ctx = NULL, *check = NULL;
	EVP_PKEY *pkey = NULL;
	int err = TL_E_JWT_JWKS;

	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, (char *)"P-256", 0);
	params[1] = OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY, (void *)point,
						      1 + 2 * COORD_LEN);
	params[2] = OSSL_PARAM_construct_end();
	if (!(ctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL)) ||
	    EVP_PKEY_fromdata_init(ctx) != 1 ||
	    EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_PUBLIC_KEY, params) != 1 ||
	    !(check = EVP_PKEY_CTX_new_from_pkey(NULL, pkey, NULL)) ||
	    EVP_PKEY_public_check(check) != 1)
		goto out;
	*out = pkey;
	pkey = NULL;
	err = TL_OK;
out:
	EVP_PKEY_CTX_free(check);
	EVP_PKEY_CTX_free(ctx);
	EVP_PKEY_free(pkey);
	return err;
}

int tl_jwk_to_key(json_t *jwk, EVP_PKEY **key)
{
	uint8_t point[1 + 2 * COORD_LEN];

	if (!json_is_object(jwk) || !member_is(jwk, "kty", "EC", 1) ||
	    !member_is(jwk, "crv", "P-256", 1) || !member_is(jwk, "use", "sig", 0) ||
	    !member_is(jwk, "alg", TL_JWT_ALG, 0))
		return TL_E_JWT_JWKS;
	point[0] = 0x04;
	if (decode_coord(jwk, "x", &point[1]) != TL_OK ||
	    decode_coord(jwk, "y", &point[1 + COORD_LEN]) != TL_OK)
		return TL_E_JWT_JWKS;
	return p256_public(point, key);
}

int tl_jwks_find(json_t *jwks, const char *kid, EVP_PKEY **key)
{
	json_t *keys = json_object_get(jwks, "keys"), *found = NULL, *k;
	size_t i;

	if (!json_is_object(jwks) || !json_is_array(keys) ||
	    json_array_size(keys) > TL_MAX_JWKS_KEYS)
		return TL_E_JWT_JWKS;
	json_array_foreach(keys, i, k) {
		const char *s = json_string_value(json_object_get(k, "kid"));
		if (!s || strcmp(s, kid) != 0)
			continue;
		if (found) /* two keys under one name: which one signed is anyone's guess */
			return TL_E_JWT_JWKS;
		found = k;
	}
	if (!found)
		return TL_E_JWT_KID;
	return tl_jwk_to_key(found, key);
}
