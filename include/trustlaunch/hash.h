/* Hash algorithms by their TPM_ALG_ID, and hashing through OpenSSL (crypto.c). */
#ifndef TRUSTLAUNCH_HASH_H
#define TRUSTLAUNCH_HASH_H

#include <stddef.h>
#include <stdint.h>

#include "trustlaunch/err.h"
#include "trustlaunch/limits.h"

enum tl_alg {
	TL_ALG_SHA1 = 0x0004,
	TL_ALG_SHA256 = 0x000B,
	TL_ALG_SHA384 = 0x000C,
	TL_ALG_SHA512 = 0x000D,
	TL_ALG_SM3_256 = 0x0012,
};

#define TL_SHA1_LEN 20u
#define TL_SHA256_LEN 32u

/* Digest size of a known algorithm, 0 when unknown. */
size_t tl_alg_size(uint16_t alg);
/* "sha1", "sha256", ...; NULL when unknown. */
const char *tl_alg_name(uint16_t alg);
/* Parses "sha256" etc.; TL_E_ARG when unknown. */
TL_MUST_CHECK int tl_alg_from_name(const char *name, uint16_t *alg);

/* out receives tl_alg_size(alg) bytes. TL_E_UNSUPPORTED for an unknown algorithm. */
TL_MUST_CHECK int tl_hash(uint16_t alg, const void *data, size_t len,
			  uint8_t out[static TL_MAX_DIGEST]);
/* PCR extend: pcr = H(pcr || digest), both tl_alg_size(alg) bytes. */
TL_MUST_CHECK int tl_extend(uint16_t alg, uint8_t pcr[static TL_MAX_DIGEST],
			    const uint8_t *digest);

/* HMAC of data under key with a hash algorithm; out receives tl_alg_size(alg) bytes. */
TL_MUST_CHECK int tl_hmac(uint16_t alg, const void *key, size_t key_len, const void *data,
			  size_t len, uint8_t out[static TL_MAX_DIGEST]);

/* Cryptographically random bytes (OpenSSL's DRBG). */
TL_MUST_CHECK int tl_random(uint8_t *out, size_t n);

/* Incremental hashing, for digests over several ranges (Authenticode). */
struct tl_hash_ctx;
TL_MUST_CHECK int tl_hash_begin(uint16_t alg, struct tl_hash_ctx **out);
TL_MUST_CHECK int tl_hash_add(struct tl_hash_ctx *ctx, const void *data, size_t len);
/* Writes the digest and frees the context (also on error). */
TL_MUST_CHECK int tl_hash_end(struct tl_hash_ctx *ctx, uint8_t out[static TL_MAX_DIGEST]);
void tl_hash_abort(struct tl_hash_ctx *ctx);

/* Lower-case hex of n bytes into out (2n+1 bytes, NUL-terminated). */
void tl_hex(const uint8_t *in, size_t n, char *out);
/* Parses exactly n bytes of hex (either case); TL_E_ARG otherwise. */
TL_MUST_CHECK int tl_unhex(const char *hex, uint8_t *out, size_t n);

#endif
