/* Attestation tokens: ES256 compact JWS signed and verified, every refusal with its own code,
 * JWK thumbprints; the fuzz seeds; a check by the openssl command. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <openssl/core_names.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>

#include "trustlaunch/b64.h"
#include "trustlaunch/jwt.h"

#define NOW 1700000000

/* RFC 7515 A.3: an ES256 key whose RFC 7638 thumbprint other implementations agree on */
static const char rfc_x[] = "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU";
static const char rfc_y[] = "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0";
static const char rfc_d[] = "jpsQnnGQmL-YBIffH1136cspYG6-0iY7X1fCE9-E9LI";
static const char rfc_kid[] = "oKIywvGUpTVTyxMQ3bwIIeQUudfr_CkLMjCE19ECD-U";

struct fixture {
	EVP_PKEY *key;
	char kid[TL_JWK_KID_LEN + 1];
	json_t *jwks;
};

static EVP_PKEY *rfc_key(void)
{
	uint8_t point[65], d[32];
	size_t n;
	OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
	OSSL_PARAM *params = NULL;
	EVP_PKEY_CTX *ctx = NULL;
	EVP_PKEY *pkey = NULL;
	BIGNUM *priv = NULL;

	point[0] = 4;
	assert_int_equal(tl_b64url_decode(rfc_x, 43, &point[1], 32, &n), TL_OK);
	assert_int_equal(tl_b64url_decode(rfc_y, 43, &point[33], 32, &n), TL_OK);
	assert_int_equal(tl_b64url_decode(rfc_d, 43, d, 32, &n), TL_OK);
	assert_non_null(priv = BN_bin2bn(d, 32, NULL));
	assert_true(OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, "P-256", 0));
	assert_true(OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, point, 65));
	assert_true(OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_PRIV_KEY, priv));
	assert_non_null(params = OSSL_PARAM_BLD_to_param(bld));
	assert_non_null(ctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL));
	assert_int_equal(EVP_PKEY_fromdata_init(ctx), 1);
	assert_int_equal(EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_KEYPAIR, params), 1);
	EVP_PKEY_CTX_free(ctx);
	assert_non_null(ctx = EVP_PKEY_CTX_new_from_pkey(NULL, pkey, NULL));
	assert_int_equal(EVP_PKEY_pairwise_check(ctx), 1); /* d is the private half of x, y */
	EVP_PKEY_CTX_free(ctx);
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(bld);
	BN_free(priv);
	return pkey;
}

static json_t *jwks_of(EVP_PKEY *key)
{
	json_t *jwk;
	assert_int_equal(tl_jwk_from_key(key, &jwk), TL_OK);
	return json_pack("{s:[o]}", "keys", jwk);
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	assert_non_null(f);
	assert_non_null(f->key = EVP_EC_gen("P-256"));
	assert_int_equal(tl_jwk_thumbprint(f->key, f->kid), TL_OK);
	f->jwks = jwks_of(f->key);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	EVP_PKEY_free(f->key);
	json_decref(f->jwks);
	free(f);
	return 0;
}

static char *b64url_text(const void *data, size_t n)
{
	size_t len = tl_b64url_encoded_len(n);
	char *s = malloc(len + 1);
	assert_non_null(s);
	assert_int_equal(tl_b64url_encode(data, n, s, len + 1), TL_OK);
	return s;
}

static char *join3(const char *a, const char *b, const char *c)
{
	size_t n = strlen(a) + strlen(b) + strlen(c) + 3;
	char *s = malloc(n);
	assert_non_null(s);
	snprintf(s, n, "%s.%s.%s", a, b, c);
	return s;
}

/* A token over any header and payload text, signed here independently of jwt.c. */
static char *sign_raw(EVP_PKEY *key, const char *header, const char *payload)
{
	char *h = b64url_text(header, strlen(header)), *p = b64url_text(payload, strlen(payload));
	size_t in_len = strlen(h) + 1 + strlen(p);
	char *input = malloc(in_len + 1), *sig_text, *jwt;
	uint8_t der[80], raw[64];
	const unsigned char *q = der;
	size_t der_len = sizeof(der);
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	ECDSA_SIG *es;

	assert_non_null(input);
	snprintf(input, in_len + 1, "%s.%s", h, p);
	assert_int_equal(EVP_DigestSignInit(ctx, NULL, EVP_sha256(), NULL, key), 1);
	assert_int_equal(EVP_DigestSign(ctx, der, &der_len, (uint8_t *)input, strlen(input)), 1);
	assert_non_null(es = d2i_ECDSA_SIG(NULL, &q, (long)der_len));
	assert_int_equal(BN_bn2binpad(ECDSA_SIG_get0_r(es), raw, 32), 32);
	assert_int_equal(BN_bn2binpad(ECDSA_SIG_get0_s(es), &raw[32], 32), 32);
	sig_text = b64url_text(raw, 64);
	jwt = join3(h, p, sig_text);
	ECDSA_SIG_free(es);
	EVP_MD_CTX_free(ctx);
	free(h);
	free(p);
	free(input);
	free(sig_text);
	return jwt;
}

/* The token with part i (0 header, 1 payload, 2 signature) replaced by text. */
static char *with_part(const char *jwt, int i, const char *text)
{
	char *copy = strdup(jwt), *part[3], *out;
	assert_non_null(copy);
	part[0] = copy;
	assert_non_null(part[1] = strchr(part[0], '.'));
	*part[1]++ = '\0';
	assert_non_null(part[2] = strchr(part[1], '.'));
	*part[2]++ = '\0';
	part[i] = (char *)text;
	out = join3(part[0], part[1], part[2]);
	free(copy);
	return out;
}

static int verify(const char *jwt, json_t *jwks, int64_t now)
{
	json_t *claims = NULL;
	int err = tl_jwt_verify(jwt, jwks, now, &claims);
	assert_true((err == TL_OK) == (claims != NULL));
	json_decref(claims);
	return err;
}

static char *header_for(const char *kid, const char *alg)
{
	char *s = malloc(200);
	assert_non_null(s);
	snprintf(s, 200, "{\"alg\":\"%s\",\"typ\":\"JWT\",\"kid\":\"%s\"}", alg, kid);
	return s;
}

static json_t *service_claims(void)
{
	return json_pack("{s:s, s:s, s:I, s:I, s:s, s:s, s:b, s:b, s:b, s:[iii], s:s, s:s}", "iss",
			 "trustlaunch", "sub", "6f1c2a9e-0d3b-4c55-9a7e-1b2c3d4e5f60", "iat",
			 (json_int_t)NOW, "exp", (json_int_t)NOW + 3600, "nonce",
			 "q83vEjRWeJCrze8SNFZ4kKvN7xI0VniQq83vEjRWeJA", "verdict", "healthy",
			 "secure_boot", 1, "db_validated", 1, "dbx_validated", 1, "pcrs", 0, 4, 7,
			 "kernel_cmdline_sha256",
			 "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", "os",
			 "ubuntu-24.04");
}

static void jwk_thumbprint_matches_rfc7638_for_rfc7515_key(void **state)
{
	EVP_PKEY *key = rfc_key(), *back = NULL;
	char kid[TL_JWK_KID_LEN + 1];
	json_t *jwk;
	(void)state;
	assert_int_equal(tl_jwk_thumbprint(key, kid), TL_OK);
	assert_string_equal(kid, rfc_kid);
	assert_int_equal(tl_jwk_from_key(key, &jwk), TL_OK);
	assert_string_equal(json_string_value(json_object_get(jwk, "kty")), "EC");
	assert_string_equal(json_string_value(json_object_get(jwk, "crv")), "P-256");
	assert_string_equal(json_string_value(json_object_get(jwk, "x")), rfc_x);
	assert_string_equal(json_string_value(json_object_get(jwk, "y")), rfc_y);
	assert_string_equal(json_string_value(json_object_get(jwk, "use")), "sig");
	assert_string_equal(json_string_value(json_object_get(jwk, "alg")), "ES256");
	assert_string_equal(json_string_value(json_object_get(jwk, "kid")), rfc_kid);
	assert_null(json_object_get(jwk, "d"));
	assert_int_equal(tl_jwk_to_key(jwk, &back), TL_OK);
	assert_int_equal(EVP_PKEY_eq(key, back), 1);
	EVP_PKEY_free(back);
	json_decref(jwk);
	EVP_PKEY_free(key);
}

static void jwt_verify_accepts_its_own_token(void **state)
{
	struct fixture *f = *state;
	json_t *claims = service_claims(), *got = NULL;
	char *jwt, *want, header[128];
	size_t n;
	assert_int_equal(tl_jwt_sign_es256(f->key, f->kid, claims, &jwt), TL_OK);
	assert_int_equal(tl_jwt_verify(jwt, f->jwks, NOW, &got), TL_OK);
	assert_true(json_equal(got, claims));
	/* the header is exactly the three members, in this order */
	assert_int_equal(tl_b64url_decode(jwt, strcspn(jwt, "."), (uint8_t *)header,
					  sizeof(header) - 1, &n), TL_OK);
	header[n] = '\0';
	want = header_for(f->kid, "ES256");
	assert_string_equal(header, want);
	free(want);
	json_decref(got);
	json_decref(claims);
	free(jwt);
}

static void jwt_verify_refuses_tampered_parts(void **state)
{
	struct fixture *f = *state;
	json_t *claims = service_claims();
	char *jwt, *other, *h, *p, *t, *sig_text;
	uint8_t sig[66];
	size_t n;

	assert_int_equal(tl_jwt_sign_es256(f->key, f->kid, claims, &jwt), TL_OK);
	/* another header naming the same key */
	t = header_for(f->kid, "ES256");
	t[strlen(t) - 1] = '\0';
	other = malloc(strlen(t) + 16);
	snprintf(other, strlen(t) + 16, "%s,\"x\":1}", t);
	h = b64url_text(other, strlen(other));
	free(t);
	t = with_part(jwt, 0, h);
	assert_int_equal(verify(t, f->jwks, NOW), TL_E_JWT_SIGNATURE);
	free(t);
	free(h);
	free(other);
	/* other claims: a verdict changed */
	p = b64url_text("{\"sub\":\"vm\",\"verdict\":\"healthy\"}", 33);
	t = with_part(jwt, 1, p);
	assert_int_equal(verify(t, f->jwks, NOW), TL_E_JWT_SIGNATURE);
	free(t);
	free(p);
	/* one character of the payload text changed (still base64url) */
	t = strdup(jwt);
	n = strcspn(t, ".") + 5;
	t[n] = t[n] == 'A' ? 'B' : 'A';
	assert_int_equal(verify(t, f->jwks, NOW), TL_E_JWT_SIGNATURE);
	free(t);
	/* every bit position of the signature's first and last byte */
	t = strrchr(jwt, '.');
	assert_int_equal(tl_b64url_decode(&t[1], strlen(&t[1]), sig, sizeof(sig), &n), TL_OK);
	assert_int_equal(n, 64);
	for (int i = 0; i < 16; i++) {
		size_t at = i < 8 ? 0 : 63;
		sig[at] ^= (uint8_t)(1u << (i % 8));
		sig_text = b64url_text(sig, 64);
		other = with_part(jwt, 2, sig_text);
		assert_int_equal(verify(other, f->jwks, NOW), TL_E_JWT_SIGNATURE);
		sig[at] ^= (uint8_t)(1u << (i % 8));
		free(other);
		free(sig_text);
	}
	/* 63 and 65 bytes, zero r and s, DER instead of r||s */
	for (size_t len = 63; len <= 65; len += 2) {
		sig_text = b64url_text(sig, len);
		other = with_part(jwt, 2, sig_text);
		assert_int_equal(verify(other, f->jwks, NOW), TL_E_JWT_SIGNATURE);
		free(other);
		free(sig_text);
	}
	memset(sig, 0, sizeof(sig));
	sig_text = b64url_text(sig, 64);
	other = with_part(jwt, 2, sig_text);
	assert_int_equal(verify(other, f->jwks, NOW), TL_E_JWT_SIGNATURE);
	free(other);
	free(sig_text);
	/* a signature from another of our tokens */
	json_object_set_new(claims, "verdict", json_string("unhealthy"));
	assert_int_equal(tl_jwt_sign_es256(f->key, f->kid, claims, &other), TL_OK);
	t = with_part(jwt, 2, &strrchr(other, '.')[1]);
	assert_int_equal(verify(t, f->jwks, NOW), TL_E_JWT_SIGNATURE);
	free(t);
	free(other);
	free(jwt);
	json_decref(claims);
}

static void jwt_verify_refuses_other_algorithms(void **state)
{
	static const char *const algs[] = { "none", "HS256", "RS256", "PS256", "ES384", "ES512",
					    "es256", "ES256 ", "", "EdDSA" };
	struct fixture *f = *state;
	const char *payload = "{\"sub\":\"vm\"}";
	char header[256], *jwt, *h, *p, *mac_text;
	uint8_t mac[32];
	unsigned mac_len = sizeof(mac);
	json_t *jwk = json_array_get(json_object_get(f->jwks, "keys"), 0);
	char *jwk_text = json_dumps(jwk, JSON_COMPACT);

	for (size_t i = 0; i < sizeof(algs) / sizeof(algs[0]); i++) {
		snprintf(header, sizeof(header), "{\"alg\":\"%s\",\"typ\":\"JWT\",\"kid\":\"%s\"}",
			 algs[i], f->kid);
		jwt = sign_raw(f->key, header, payload);
		assert_int_equal(verify(jwt, f->jwks, NOW), TL_E_JWT_ALG);
		free(jwt);
	}
	/* a missing or non-string alg, critical extensions, another type */
	static const char *const headers[] = {
		"{\"typ\":\"JWT\",\"kid\":\"%s\"}",
		"{\"alg\":null,\"kid\":\"%s\"}",
		"{\"alg\":[\"ES256\"],\"kid\":\"%s\"}",
		"{\"alg\":\"ES256\",\"kid\":\"%s\",\"crit\":[\"exp\"]}",
		"{\"alg\":\"ES256\",\"kid\":\"%s\",\"typ\":\"JOSE+JSON\"}",
		"{\"alg\":\"ES256\",\"kid\":\"%s\",\"typ\":1}",
	};
	for (size_t i = 0; i < sizeof(headers) / sizeof(headers[0]); i++) {
		snprintf(header, sizeof(header), headers[i], f->kid);
		jwt = sign_raw(f->key, header, payload);
		assert_int_equal(verify(jwt, f->jwks, NOW), TL_E_JWT_ALG);
		free(jwt);
	}
	/* HS256 keyed with the public JWK text: the classic confusion */
	snprintf(header, sizeof(header), "{\"alg\":\"HS256\",\"typ\":\"JWT\",\"kid\":\"%s\"}",
		 f->kid);
	h = b64url_text(header, strlen(header));
	p = b64url_text(payload, strlen(payload));
	snprintf(header, sizeof(header), "%s.%s", h, p);
	assert_non_null(HMAC(EVP_sha256(), jwk_text, (int)strlen(jwk_text), (uint8_t *)header,
			     strlen(header), mac, &mac_len));
	mac_text = b64url_text(mac, mac_len);
	jwt = join3(h, p, mac_text);
	assert_int_equal(verify(jwt, f->jwks, NOW), TL_E_JWT_ALG);
	free(jwt);
	/* alg none with the signature left out is not even three parts */
	jwt = join3(h, p, "");
	assert_int_equal(verify(jwt, f->jwks, NOW), TL_E_JWT_MALFORMED);
	free(jwt);
	free(mac_text);
	free(h);
	free(p);
	free(jwk_text);
}

static void jwt_verify_refuses_unknown_kid(void **state)
{
	struct fixture *f = *state;
	EVP_PKEY *other = EVP_EC_gen("P-256");
	char kid[TL_JWK_KID_LEN + 1], *jwt;
	json_t *claims = json_pack("{s:s}", "sub", "vm");

	assert_int_equal(tl_jwk_thumbprint(other, kid), TL_OK);
	assert_int_equal(tl_jwt_sign_es256(other, kid, claims, &jwt), TL_OK);
	assert_int_equal(verify(jwt, f->jwks, NOW), TL_E_JWT_KID);
	free(jwt);
	/* our kid on another key's token: the signature decides */
	assert_int_equal(tl_jwt_sign_es256(other, f->kid, claims, &jwt), TL_OK);
	assert_int_equal(verify(jwt, f->jwks, NOW), TL_E_JWT_SIGNATURE);
	free(jwt);
	jwt = sign_raw(f->key, "{\"alg\":\"ES256\",\"typ\":\"JWT\"}", "{}");
	assert_int_equal(verify(jwt, f->jwks, NOW), TL_E_JWT_KID);
	free(jwt);
	jwt = sign_raw(f->key, "{\"alg\":\"ES256\",\"kid\":7}", "{}");
	assert_int_equal(verify(jwt, f->jwks, NOW), TL_E_JWT_KID);
	free(jwt);
	json_decref(claims);
	EVP_PKEY_free(other);
}

static int verify_claims(struct fixture *f, const char *fmt, json_int_t v)
{
	char payload[128], *header = header_for(f->kid, "ES256"), *jwt;
	int err;
	snprintf(payload, sizeof(payload), fmt, v);
	jwt = sign_raw(f->key, header, payload);
	err = verify(jwt, f->jwks, NOW);
	free(jwt);
	free(header);
	return err;
}

static void jwt_verify_checks_times(void **state)
{
	struct fixture *f = *state;
	assert_int_equal(verify_claims(f, "{\"exp\":%lld}", NOW + 1), TL_OK);
	assert_int_equal(verify_claims(f, "{\"exp\":%lld}", NOW), TL_E_JWT_EXPIRED);
	assert_int_equal(verify_claims(f, "{\"exp\":%lld}", NOW - 3600), TL_E_JWT_EXPIRED);
	assert_int_equal(verify_claims(f, "{\"exp\":%lld}", INT64_MIN), TL_E_JWT_EXPIRED);
	assert_int_equal(verify_claims(f, "{\"nbf\":%lld}", NOW + 60), TL_OK);
	assert_int_equal(verify_claims(f, "{\"nbf\":%lld}", NOW + 61), TL_E_JWT_NOT_YET_VALID);
	assert_int_equal(verify_claims(f, "{\"nbf\":%lld}", INT64_MAX), TL_E_JWT_NOT_YET_VALID);
	assert_int_equal(verify_claims(f, "{\"iat\":%lld}", NOW - 86400), TL_OK);
	assert_int_equal(verify_claims(f, "{\"iat\":%lld}", NOW + 61), TL_E_JWT_NOT_YET_VALID);
	assert_int_equal(verify_claims(f, "{\"iat\":%lld,\"exp\":1}", NOW + 61), TL_E_JWT_EXPIRED);
	assert_int_equal(verify_claims(f, "{\"exp\":\"%lld\"}", NOW + 10), TL_E_JWT_CLAIMS);
	assert_int_equal(verify_claims(f, "{\"exp\":%lld.5}", NOW + 10), TL_E_JWT_CLAIMS);
	assert_int_equal(verify_claims(f, "{\"nbf\":null,\"x\":%lld}", 0), TL_E_JWT_CLAIMS);
	assert_int_equal(verify_claims(f, "{\"iat\":true,\"x\":%lld}", 0), TL_E_JWT_CLAIMS);
}

static void jwt_verify_requires_three_nonempty_parts(void **state)
{
	static const char *const texts[] = { "", ".", "..", "...", "a", "a.b", "a.b.c.d", ".b.c",
					     "a..c", "a.b.", "eyJ9.e30.AAAA", " a.b.c" };
	struct fixture *f = *state;
	json_t *claims = json_pack("{s:s}", "sub", "vm");
	char *jwt, *t, *big, *header = header_for(f->kid, "ES256");
	size_t n;

	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++)
		assert_int_equal(verify(texts[i], f->jwks, NOW), TL_E_JWT_MALFORMED);
	assert_int_equal(tl_jwt_sign_es256(f->key, f->kid, claims, &jwt), TL_OK);
	n = strlen(jwt);
	t = malloc(n + 8);
	snprintf(t, n + 8, "%s.", jwt); /* four parts, the last empty */
	assert_int_equal(verify(t, f->jwks, NOW), TL_E_JWT_MALFORMED);
	snprintf(t, n + 8, "%s.e30", jwt);
	assert_int_equal(verify(t, f->jwks, NOW), TL_E_JWT_MALFORMED);
	snprintf(t, n + 8, "%s\n", jwt);
	assert_int_equal(verify(t, f->jwks, NOW), TL_E_JWT_MALFORMED);
	free(t);
	/* parts that are not JSON objects, or objects with a name twice */
	static const char *const bad[][2] = {
		{ "[]", "{}" },
		{ "x", "{}" },
		{ NULL, "[1]" },
		{ NULL, "\"sub\"" },
		{ NULL, "{\"sub\":\"a\",\"sub\":\"b\"}" },
		{ NULL, "{} {}" },
		{ NULL, "" },
		{ "{\"alg\":\"ES256\",\"alg\":\"none\",\"kid\":\"k\"}", "{}" },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		t = sign_raw(f->key, bad[i][0] ? bad[i][0] : header, bad[i][1]);
		assert_int_equal(verify(t, f->jwks, NOW), TL_E_JWT_MALFORMED);
		free(t);
	}
	/* a part with padding or a standard-alphabet character */
	t = with_part(jwt, 1, "e30=");
	assert_int_equal(verify(t, f->jwks, NOW), TL_E_JWT_MALFORMED);
	free(t);
	t = with_part(jwt, 2, "AAAA+AAA");
	assert_int_equal(verify(t, f->jwks, NOW), TL_E_JWT_MALFORMED);
	free(t);
	/* the length limit comes first */
	big = malloc(TL_MAX_JWT + 2);
	memset(big, 'a', TL_MAX_JWT + 1);
	big[TL_MAX_JWT + 1] = '\0';
	assert_int_equal(verify(big, f->jwks, NOW), TL_E_JWT_TOO_LARGE);
	big[TL_MAX_JWT] = '\0';
	assert_int_equal(verify(big, f->jwks, NOW), TL_E_JWT_MALFORMED);
	free(big);
	assert_int_equal(tl_jwt_verify(NULL, f->jwks, NOW, &claims), TL_E_ARG);
	free(header);
	free(jwt);
	json_decref(claims);
}

/* The fixture's key set with member name of its key set to value (NULL: removed). */
static json_t *jwks_with(struct fixture *f, const char *name, json_t *value)
{
	json_t *jwks = json_deep_copy(f->jwks);
	json_t *jwk = json_array_get(json_object_get(jwks, "keys"), 0);
	if (value)
		json_object_set_new(jwk, name, value);
	else
		json_object_del(jwk, name);
	return jwks;
}

static void jwks_refuses_bad_keys(void **state)
{
	struct fixture *f = *state;
	json_t *claims = json_pack("{s:s}", "sub", "vm"), *jwks, *jwk;
	char *jwt, *text;
	uint8_t y[40];
	size_t n;

	assert_int_equal(tl_jwt_sign_es256(f->key, f->kid, claims, &jwt), TL_OK);
	/* a point off the curve: one bit of y flipped */
	jwk = json_array_get(json_object_get(f->jwks, "keys"), 0);
	text = (char *)json_string_value(json_object_get(jwk, "y"));
	assert_int_equal(tl_b64url_decode(text, strlen(text), y, sizeof(y), &n), TL_OK);
	y[31] ^= 1;
	text = b64url_text(y, 32);
	jwks = jwks_with(f, "y", json_string(text));
	assert_int_equal(verify(jwt, jwks, NOW), TL_E_JWT_JWKS);
	json_decref(jwks);
	free(text);
	/* coordinates of the wrong size or spelling, and the origin */
	static const struct {
		const char *name, *value;
	} bad[] = {
		{ "x", "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVE" },
		{ "x", "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEUA" },
		{ "x", "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU=" },
		{ "x", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" },
		{ "y", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" },
		{ "kty", "RSA" },
		{ "crv", "P-384" },
		{ "crv", "secp256k1" },
		{ "use", "enc" },
		{ "alg", "RS256" },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		jwks = jwks_with(f, bad[i].name, json_string(bad[i].value));
		assert_int_equal(verify(jwt, jwks, NOW), TL_E_JWT_JWKS);
		json_decref(jwks);
	}
	static const char *const required[] = { "x", "y", "kty", "crv" };
	for (size_t i = 0; i < 4; i++) {
		jwks = jwks_with(f, required[i], NULL);
		assert_int_equal(verify(jwt, jwks, NOW), TL_E_JWT_JWKS);
		json_decref(jwks);
	}
	jwks = jwks_with(f, "x", json_integer(1));
	assert_int_equal(verify(jwt, jwks, NOW), TL_E_JWT_JWKS);
	json_decref(jwks);
	/* use and alg are optional */
	jwks = jwks_with(f, "use", NULL);
	json_object_del(json_array_get(json_object_get(jwks, "keys"), 0), "alg");
	assert_int_equal(verify(jwt, jwks, NOW), TL_OK);
	/* the same kid twice is ambiguous */
	json_array_append(json_object_get(jwks, "keys"), jwk);
	assert_int_equal(verify(jwt, jwks, NOW), TL_E_JWT_JWKS);
	json_decref(jwks);
	/* key sets that are not {"keys":[...]} of a sane size */
	jwks = json_pack("[O]", jwk);
	assert_int_equal(verify(jwt, jwks, NOW), TL_E_JWT_JWKS);
	json_decref(jwks);
	jwks = json_pack("{s:O}", "keys", jwk);
	assert_int_equal(verify(jwt, jwks, NOW), TL_E_JWT_JWKS);
	json_decref(jwks);
	assert_int_equal(verify(jwt, NULL, NOW), TL_E_JWT_JWKS);
	jwks = json_pack("{s:[]}", "keys");
	for (size_t i = 0; i < TL_MAX_JWKS_KEYS; i++)
		json_array_append_new(json_object_get(jwks, "keys"), json_pack("{s:i}", "kid", i));
	json_array_append(json_object_get(jwks, "keys"), jwk);
	assert_int_equal(verify(jwt, jwks, NOW), TL_E_JWT_JWKS);
	json_array_remove(json_object_get(jwks, "keys"), 0);
	assert_int_equal(verify(jwt, jwks, NOW), TL_OK);
	json_decref(jwks);
	free(jwt);
	json_decref(claims);
}

static void jwt_sign_refuses_bad_input(void **state)
{
	struct fixture *f = *state;
	EVP_PKEY *p384 = EVP_EC_gen("P-384");
	json_t *claims = json_pack("{s:s}", "sub", "vm"), *arr = json_array(), *big;
	char *jwt = NULL, *pad = calloc(1, TL_MAX_JWT);

	assert_int_equal(tl_jwt_sign_es256(p384, "k", claims, &jwt), TL_E_UNSUPPORTED);
	assert_int_equal(tl_jwt_sign_es256(NULL, "k", claims, &jwt), TL_E_UNSUPPORTED);
	assert_int_equal(tl_jwt_sign_es256(f->key, "k", arr, &jwt), TL_E_ARG);
	assert_int_equal(tl_jwt_sign_es256(f->key, NULL, claims, &jwt), TL_E_ARG);
	assert_int_equal(tl_jwk_thumbprint(p384, pad), TL_E_UNSUPPORTED);
	/* a token the verifier would refuse as too large is not made */
	memset(pad, 'a', TL_MAX_JWT / 4 * 3 - 100);
	big = json_pack("{s:s}", "pad", pad);
	assert_int_equal(tl_jwt_sign_es256(f->key, f->kid, big, &jwt), TL_E_JWT_TOO_LARGE);
	assert_null(jwt);
	json_decref(big);
	free(pad);
	json_decref(arr);
	json_decref(claims);
	EVP_PKEY_free(p384);
}

static void write_file(const char *path, const void *data, size_t n)
{
	FILE *out = fopen(path, "wb");
	assert_non_null(out);
	assert_int_equal(fwrite(data, 1, n, out), n);
	assert_int_equal(fclose(out), 0);
}

/* The token checked by another implementation: `openssl dgst` on the signing input with the
 * signature converted back to DER. */
static void jwt_token_verifies_with_openssl_command(void **state)
{
	struct fixture *f = *state;
	json_t *claims = service_claims();
	char dir[] = "/tmp/tl-jwt-cli-XXXXXX", path[3][64], cmd[512], *jwt, *sig_text;
	uint8_t raw[64], *der = NULL;
	size_t n;
	int der_len;
	ECDSA_SIG *es = ECDSA_SIG_new();
	FILE *out;

	if (system("command -v openssl >/dev/null 2>&1") != 0)
		skip();
	assert_non_null(mkdtemp(dir));
	snprintf(path[0], sizeof(path[0]), "%s/pub.pem", dir);
	snprintf(path[1], sizeof(path[1]), "%s/input", dir);
	snprintf(path[2], sizeof(path[2]), "%s/sig.der", dir);
	assert_int_equal(tl_jwt_sign_es256(f->key, f->kid, claims, &jwt), TL_OK);
	sig_text = strrchr(jwt, '.');
	*sig_text++ = '\0';
	assert_int_equal(tl_b64url_decode(sig_text, strlen(sig_text), raw, sizeof(raw), &n), TL_OK);
	assert_int_equal(ECDSA_SIG_set0(es, BN_bin2bn(raw, 32, NULL), BN_bin2bn(&raw[32], 32, NULL)),
			 1);
	assert_true((der_len = i2d_ECDSA_SIG(es, &der)) > 0);
	write_file(path[2], der, (size_t)der_len);
	write_file(path[1], jwt, strlen(jwt));
	assert_non_null(out = fopen(path[0], "w"));
	assert_int_equal(PEM_write_PUBKEY(out, f->key), 1);
	assert_int_equal(fclose(out), 0);
	snprintf(cmd, sizeof(cmd), "openssl dgst -sha256 -verify %s -signature %s %s >/dev/null",
		 path[0], path[2], path[1]);
	assert_int_equal(system(cmd), 0);
	jwt[3] ^= 1; /* and it refuses a changed input */
	write_file(path[1], jwt, strlen(jwt));
	assert_int_not_equal(system(cmd), 0);
	for (int i = 0; i < 3; i++)
		unlink(path[i]);
	rmdir(dir);
	OPENSSL_free(der);
	ECDSA_SIG_free(es);
	free(jwt);
	json_decref(claims);
}

/* The fuzz seeds (fuzz/corpus/jwt) are tokens of the RFC 7515 A.3 key that fuzz_jwt.c trusts;
 * TL_JWT_WRITE_CORPUS=1 writes them anew. They must stay valid for the fuzzer's clock. */
static void jwt_fuzz_seeds_verify(void **state)
{
	static const char *const names[] = { "service.jwt", "minimal.jwt" };
	const char *src = getenv("TL_SOURCE");
	EVP_PKEY *key = rfc_key();
	json_t *jwks = jwks_of(key), *claims[2];
	char path[4096], text[TL_MAX_JWT + 1];
	(void)state;

	if (!src)
		skip();
	claims[0] = service_claims();
	json_object_set_new(claims[0], "exp", json_integer(4102444800)); /* 2100 */
	claims[1] = json_pack("{s:s}", "sub", "vm");
	for (int i = 0; i < 2; i++) {
		FILE *in;
		size_t n;
		snprintf(path, sizeof(path), "%s/fuzz/corpus/jwt/%s", src, names[i]);
		if (getenv("TL_JWT_WRITE_CORPUS")) {
			char *jwt;
			assert_int_equal(tl_jwt_sign_es256(key, rfc_kid, claims[i], &jwt), TL_OK);
			write_file(path, jwt, strlen(jwt));
			free(jwt);
		}
		assert_non_null(in = fopen(path, "rb"));
		n = fread(text, 1, TL_MAX_JWT, in);
		fclose(in);
		text[n] = '\0';
		assert_int_equal(verify(text, jwks, NOW), TL_OK);
		json_decref(claims[i]);
	}
	json_decref(jwks);
	EVP_PKEY_free(key);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(jwk_thumbprint_matches_rfc7638_for_rfc7515_key),
		cmocka_unit_test_setup_teardown(jwt_verify_accepts_its_own_token, setup, teardown),
		cmocka_unit_test_setup_teardown(jwt_verify_refuses_tampered_parts, setup, teardown),
		cmocka_unit_test_setup_teardown(jwt_verify_refuses_other_algorithms, setup,
						teardown),
		cmocka_unit_test_setup_teardown(jwt_verify_refuses_unknown_kid, setup, teardown),
		cmocka_unit_test_setup_teardown(jwt_verify_checks_times, setup, teardown),
		cmocka_unit_test_setup_teardown(jwt_verify_requires_three_nonempty_parts, setup,
						teardown),
		cmocka_unit_test_setup_teardown(jwks_refuses_bad_keys, setup, teardown),
		cmocka_unit_test_setup_teardown(jwt_sign_refuses_bad_input, setup, teardown),
		cmocka_unit_test_setup_teardown(jwt_token_verifies_with_openssl_command, setup,
						teardown),
		cmocka_unit_test(jwt_fuzz_seeds_verify),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
