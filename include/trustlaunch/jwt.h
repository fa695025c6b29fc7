/* Attestation results as JSON Web Tokens: compact JWS signed with ES256 (ECDSA P-256,
 * SHA-256, signature r||s) and the JSON Web Keys (RFC 7517) a relying party verifies them
 * with. Pure: keys come in as OpenSSL keys or JSON, tokens as strings; no files. */
#ifndef TRUSTLAUNCH_JWT_H
#define TRUSTLAUNCH_JWT_H

#include <stdint.h>

#include <jansson.h>
#include <openssl/types.h>

#include "trustlaunch/err.h"
#include "trustlaunch/limits.h"

#define TL_JWT_ALG "ES256"
#define TL_JWT_SKEW 60        /* seconds nbf and iat may lie in the future (clock skew) */
#define TL_JWK_KID_LEN 43u    /* characters of a thumbprint kid (base64url of 32 bytes) */

/* header.payload.signature with header {"alg":"ES256","typ":"JWT","kid":kid}; claims must be
 * an object and is not changed. key must be an EC P-256 private key (TL_E_UNSUPPORTED
 * otherwise); threads may share it. TL_E_JWT_TOO_LARGE when the token would exceed TL_MAX_JWT.
 * *out (free()) is set only on success. */
TL_MUST_CHECK int tl_jwt_sign_es256(EVP_PKEY *key, const char *kid, json_t *claims, char **out);

/* Checks a compact JWS against a key set {"keys":[...]}: at most TL_MAX_JWT characters, three
 * non-empty base64url parts, a header object with alg exactly "ES256", no "crit", typ "JWT"
 * when present, and a kid naming an EC P-256 key of jwks; a 64-byte signature that verifies;
 * a claims object without duplicate names whose exp (if present) is after now and whose nbf
 * and iat (if present) are at most TL_JWT_SKEW seconds after now. On success *claims (a new
 * reference) is set. Errors: TL_E_JWT_* (one per reason, see err.h). */
TL_MUST_CHECK int tl_jwt_verify(const char *jwt, json_t *jwks, int64_t now, json_t **claims);

/* The RFC 7638 thumbprint of an EC P-256 key: base64url(SHA-256({"crv","kty","x","y"})),
 * TL_JWK_KID_LEN characters and a NUL. */
TL_MUST_CHECK int tl_jwk_thumbprint(EVP_PKEY *key, char out[static TL_JWK_KID_LEN + 1]);
/* The public JWK of an EC P-256 key: kty, crv, x, y, use "sig", alg "ES256", kid (thumbprint).
 * *jwk (a new reference) is set only on success. */
TL_MUST_CHECK int tl_jwk_from_key(EVP_PKEY *key, json_t **jwk);
/* The EC P-256 public key of a JWK (kty "EC", crv "P-256", x and y base64url of 32 bytes
 * each, a point on the curve; use and alg, when present, "sig" and "ES256"). TL_E_JWT_JWKS
 * otherwise. *key (EVP_PKEY_free()) is set only on success. */
TL_MUST_CHECK int tl_jwk_to_key(json_t *jwk, EVP_PKEY **key);
/* The key of jwks whose kid is kid: TL_E_JWT_KID when there is none, TL_E_JWT_JWKS when the set
 * or that key is malformed. */
TL_MUST_CHECK int tl_jwks_find(json_t *jwks, const char *kid, EVP_PKEY **key);

#endif
