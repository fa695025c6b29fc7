/* Compact JWS with ES256 (RFC 7515, 7518 §3.4, 7519): the only algorithm signed or accepted,
 * so that no header can talk a verifier into "none" or an HMAC keyed with the public key. */
#include <stdlib.h>
#include <string.h>

#include <openssl/ecdsa.h>
#include <openssl/evp.h>

#include "jwk_internal.h"
#include "trustlaunch/b64.h"
#include "trustlaunch/buf.h"
#include "trustlaunch/jwt.h"

#define SIG_LEN 64u     /* r || s, 32 bytes each */
#define SIG_DER_MAX 80u /* an ECDSA-Sig-Value of P-256 is at most 72 bytes */

/* ECDSA over SHA-256 with a per-call context: the key is only read, so threads may share it. */
static int es256_sign(EVP_PKEY *key, const char *msg, size_t n, uint8_t sig[static SIG_LEN])
{
	uint8_t der[SIG_DER_MAX];
	const unsigned char *p = der;
	size_t der_len = sizeof(der);
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	ECDSA_SIG *es = NULL;
	int err = TL_E_CRYPTO;

	if (!ctx || EVP_DigestSignInit_ex(ctx, NULL, "SHA256", NULL, NULL, key, NULL) != 1 ||
	    EVP_DigestSign(ctx, der, &der_len, (const unsigned char *)msg, n) != 1 ||
	    !(es = d2i_ECDSA_SIG(NULL, &p, (long)der_len)) ||
	    BN_bn2binpad(ECDSA_SIG_get0_r(es), sig, 32) != 32 ||
	    BN_bn2binpad(ECDSA_SIG_get0_s(es), &sig[32], 32) != 32)
		goto out;
	err = TL_OK;
out:
	ECDSA_SIG_free(es);
	EVP_MD_CTX_free(ctx);
	return err;
}

static int es256_verify(EVP_PKEY *key, const char *msg, size_t n, const uint8_t sig[SIG_LEN])
{
	ECDSA_SIG *es = ECDSA_SIG_new();
	BIGNUM *r = BN_bin2bn(sig, 32, NULL), *s = BN_bin2bn(&sig[32], 32, NULL);
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	unsigned char *der = NULL;
	int der_len, err = TL_E_CRYPTO;

	if (!es || !r || !s || !ctx || ECDSA_SIG_set0(es, r, s) != 1)
		goto out;
	r = s = NULL; /* owned by es now */
	if ((der_len = i2d_ECDSA_SIG(es, &der)) <= 0 ||
	    EVP_DigestVerifyInit_ex(ctx, NULL, "SHA256", NULL, NULL, key, NULL) != 1)
		goto out;
	err = EVP_DigestVerify(ctx, der, (size_t)der_len, (const unsigned char *)msg, n) == 1
		      ? TL_OK
		      : TL_E_JWT_SIGNATURE;
out:
	OPENSSL_free(der);
	EVP_MD_CTX_free(ctx);
	ECDSA_SIG_free(es);
	BN_free(r);
	BN_free(s);
	return err;
}

static void put_b64url(struct tl_buf *b, const void *data, size_t n)
{
	size_t len = tl_b64url_encoded_len(n);
	char *s;
	if (b->err)
		return;
	if (n > b->max) {
		b->err = TL_E_ARG;
		return;
	}
	if (!(s = malloc(len + 1))) {
		b->err = TL_E_NOMEM;
		return;
	}
	if (tl_b64url_encode(data, n, s, len + 1) == TL_OK)
		tl_buf_put(b, s, len);
	else
		b->err = TL_E_ARG;
	free(s);
}

int tl_jwt_sign_es256(EVP_PKEY *key, const char *kid, json_t *claims, char **out)
{
	json_t *header = NULL;
	char *hjson = NULL, *cjson = NULL;
	uint8_t sig[SIG_LEN];
	struct tl_buf b;
	int err = TL_E_ARG;

	tl_buf_init(&b, TL_MAX_JWT);
	if (!tl_jwk_is_p256(key))
		return TL_E_UNSUPPORTED;
	if (!kid || !json_is_object(claims) ||
	    !(header = json_pack("{s:s, s:s, s:s}", "alg", TL_JWT_ALG, "typ", "JWT", "kid", kid)))
		goto out;
	err = TL_E_NOMEM;
	if (!(hjson = json_dumps(header, JSON_COMPACT)) || !(cjson = json_dumps(claims, JSON_COMPACT)))
		goto out;
	put_b64url(&b, hjson, strlen(hjson));
	tl_buf_putc(&b, '.');
	put_b64url(&b, cjson, strlen(cjson));
	if (b.err == TL_OK && (err = es256_sign(key, b.s, b.len, sig)) != TL_OK)
		goto out;
	tl_buf_putc(&b, '.');
	put_b64url(&b, sig, sizeof(sig));
	if (b.err) { /* a token we would refuse to verify is not made either */
		err = b.err == TL_E_ARG ? TL_E_JWT_TOO_LARGE : b.err;
		goto out;
	}
	*out = tl_buf_take(&b);
	err = TL_OK;
out:
	tl_buf_free(&b);
	free(hjson);
	free(cjson);
	json_decref(header);
	return err;
}

/* The three parts of a compact JWS, as views into the caller's string. */
struct parts {
	const char *part[3];
	size_t len[3];
};

static int split(const char *jwt, struct parts *p)
{
	const char *s = jwt;
	size_t total = strnlen(jwt, TL_MAX_JWT + 1);

	if (total > TL_MAX_JWT)
		return TL_E_JWT_TOO_LARGE;
	for (int i = 0; i < 3; i++) {
		size_t n = strcspn(s, ".");
		if (n == 0 || (s[n] == '\0') != (i == 2))
			return TL_E_JWT_MALFORMED;
		p->part[i] = s;
		p->len[i] = n;
		s = &s[n + (i < 2)];
	}
	return TL_OK;
}

/* A JSON object, duplicate names refused rather than resolved. */
static int parse_object(const uint8_t *text, size_t n, json_t **out)
{
	json_t *v = json_loadb((const char *)text, n, JSON_REJECT_DUPLICATES, NULL);
	if (!json_is_object(v)) {
		json_decref(v);
		return TL_E_JWT_MALFORMED;
	}
	*out = v;
	return TL_OK;
}

static int check_header(json_t *header, json_t *jwks, EVP_PKEY **key)
{
	const char *alg = json_string_value(json_object_get(header, "alg"));
	const char *kid = json_string_value(json_object_get(header, "kid"));
	json_t *typ = json_object_get(header, "typ");

	if (!alg || strcmp(alg, TL_JWT_ALG) != 0 || json_object_get(header, "crit") ||
	    (typ && !(json_is_string(typ) && strcmp(json_string_value(typ), "JWT") == 0)))
		return TL_E_JWT_ALG;
	if (!kid)
		return TL_E_JWT_KID;
	return tl_jwks_find(jwks, kid, key);
}

/* NumericDate claims in whole seconds; nbf and iat may run ahead of our clock by the skew. */
static int time_claim(json_t *claims, const char *name, json_int_t *v)
{
	json_t *c = json_object_get(claims, name);
	if (!c)
		return 0;
	if (!json_is_integer(c))
		return TL_E_JWT_CLAIMS;
	*v = json_integer_value(c);
	return 1;
}

static int check_times(json_t *claims, int64_t now)
{
	static const char *const not_before[] = { "nbf", "iat" };
	json_int_t v;
	int rc;

	if ((rc = time_claim(claims, "exp", &v)) < 0)
		return rc;
	if (rc == 1 && v <= now)
		return TL_E_JWT_EXPIRED;
	for (size_t i = 0; i < 2; i++) {
		if ((rc = time_claim(claims, not_before[i], &v)) < 0)
			return rc;
		if (rc == 1 && v > now && (uint64_t)v - (uint64_t)now > TL_JWT_SKEW)
			return TL_E_JWT_NOT_YET_VALID;
	}
	return TL_OK;
}

/* The bytes of all three parts (structure first, so that a malformed token is called that),
 * then the header's algorithm and key, the signature, and only then the claims. */
int tl_jwt_verify(const char *jwt, json_t *jwks, int64_t now, json_t **claims)
{
	struct parts p;
	uint8_t sig[SIG_LEN], *tmp = NULL;
	size_t n, body_len, sig_len;
	json_t *header = NULL, *payload = NULL;
	EVP_PKEY *key = NULL;
	int err;

	if (!jwt || !claims)
		return TL_E_ARG;
	if ((err = split(jwt, &p)) != TL_OK)
		return err;
	if (!(tmp = malloc(TL_MAX_JWT)))
		return TL_E_NOMEM;
	err = TL_E_JWT_MALFORMED;
	if (tl_b64url_decode(p.part[0], p.len[0], tmp, TL_MAX_JWT, &n) != TL_OK ||
	    parse_object(tmp, n, &header) != TL_OK ||
	    tl_b64url_decode(p.part[1], p.len[1], tmp, TL_MAX_JWT, &body_len) != TL_OK)
		goto out;
	/* a signature of another length than ES256's is a wrong signature, not a malformed token:
	 * after the algorithm check, so that an HS256 or RS256 token is refused for its alg */
	if ((err = tl_b64url_decode(p.part[2], p.len[2], sig, sizeof(sig), &sig_len)) == TL_E_B64) {
		err = TL_E_JWT_MALFORMED;
		goto out;
	}
	if ((err = check_header(header, jwks, &key)) != TL_OK)
		goto out;
	err = TL_E_JWT_SIGNATURE;
	if (sig_len != SIG_LEN)
		goto out;
	/* the signing input is the text of the first two parts and the dot between them */
	if ((err = es256_verify(key, jwt, p.len[0] + 1 + p.len[1], sig)) != TL_OK ||
	    (err = parse_object(tmp, body_len, &payload)) != TL_OK ||
	    (err = check_times(payload, now)) != TL_OK)
		goto out;
	*claims = payload;
	payload = NULL;
out:
	EVP_PKEY_free(key);
	json_decref(payload);
	json_decref(header);
	free(tmp);
	return err;
}
