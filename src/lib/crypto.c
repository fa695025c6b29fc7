/* The only place libtrustlaunch hashes: OpenSSL 3 EVP with digests fetched once. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include "crypto_internal.h"
#include "trustlaunch/hash.h"

static const struct {
	uint16_t alg;
	uint8_t size;
	const char *name;
	const char *ossl;
} algs[] = {
	{ TL_ALG_SHA1, 20, "sha1", "SHA1" },
	{ TL_ALG_SHA256, 32, "sha256", "SHA256" },
	{ TL_ALG_SHA384, 48, "sha384", "SHA384" },
	{ TL_ALG_SHA512, 64, "sha512", "SHA512" },
	{ TL_ALG_SM3_256, 32, "sm3_256", "SM3" },
};
#define NALGS (sizeof(algs) / sizeof(algs[0]))

static EVP_MD *fetched[NALGS];
static pthread_once_t fetch_once = PTHREAD_ONCE_INIT;
/* One digest context per thread, reused: a replay is dozens of small hashes, and a fresh
 * EVP_MD_CTX for each costs as much as the hash. */
static pthread_key_t ctx_key;

static void free_ctx(void *ctx)
{
	EVP_MD_CTX_free(ctx);
}

static void fetch_all(void)
{
	for (size_t i = 0; i < NALGS; i++)
		fetched[i] = EVP_MD_fetch(NULL, algs[i].ossl, NULL);
	if (pthread_key_create(&ctx_key, free_ctx) != 0)
		abort();
}

static EVP_MD_CTX *thread_ctx(void)
{
	EVP_MD_CTX *ctx = pthread_getspecific(ctx_key);
	if (!ctx) {
		ctx = EVP_MD_CTX_new();
		if (ctx && pthread_setspecific(ctx_key, ctx) != 0) {
			EVP_MD_CTX_free(ctx);
			ctx = NULL;
		}
	}
	return ctx;
}

static int find(uint16_t alg)
{
	for (size_t i = 0; i < NALGS; i++)
		if (algs[i].alg == alg)
			return (int)i;
	return -1;
}

size_t tl_alg_size(uint16_t alg)
{
	int i = find(alg);
	return i < 0 ? 0 : algs[i].size;
}

const char *tl_alg_name(uint16_t alg)
{
	int i = find(alg);
	return i < 0 ? NULL : algs[i].name;
}

int tl_alg_from_name(const char *name, uint16_t *alg)
{
	*alg = 0;
	for (size_t i = 0; i < NALGS; i++) {
		if (strcmp(name, algs[i].name) == 0) {
			*alg = algs[i].alg;
			return TL_OK;
		}
	}
	return TL_E_ARG;
}

const EVP_MD *tl_crypto_md(uint16_t alg)
{
	int i = find(alg);
	if (i < 0)
		return NULL;
	pthread_once(&fetch_once, fetch_all);
	return fetched[i];
}

static int digest2(uint16_t alg, const void *a, size_t alen, const void *b, size_t blen,
		   uint8_t out[static TL_MAX_DIGEST])
{
	const EVP_MD *md = tl_crypto_md(alg);
	EVP_MD_CTX *ctx;
	int ok;

	if (!md)
		return TL_E_UNSUPPORTED;
	ctx = thread_ctx();
	if (!ctx)
		return TL_E_NOMEM;
	ok = EVP_DigestInit_ex(ctx, md, NULL) == 1 && EVP_DigestUpdate(ctx, a, alen) == 1 &&
	     (blen == 0 || EVP_DigestUpdate(ctx, b, blen) == 1) &&
	     EVP_DigestFinal_ex(ctx, out, NULL) == 1;
	return ok ? TL_OK : TL_E_CRYPTO;
}

struct tl_hash_ctx {
	EVP_MD_CTX *md;
};

int tl_hash_begin(uint16_t alg, struct tl_hash_ctx **out)
{
	const EVP_MD *md = tl_crypto_md(alg);
	struct tl_hash_ctx *c;
	*out = NULL;
	if (!md)
		return TL_E_UNSUPPORTED;
	if (!(c = calloc(1, sizeof(*c))) || !(c->md = EVP_MD_CTX_new()) ||
	    EVP_DigestInit_ex(c->md, md, NULL) != 1) {
		tl_hash_abort(c);
		return TL_E_NOMEM;
	}
	*out = c;
	return TL_OK;
}

int tl_hash_add(struct tl_hash_ctx *ctx, const void *data, size_t len)
{
	return len == 0 || EVP_DigestUpdate(ctx->md, data, len) == 1 ? TL_OK : TL_E_CRYPTO;
}

int tl_hash_end(struct tl_hash_ctx *ctx, uint8_t out[static TL_MAX_DIGEST])
{
	int ok = EVP_DigestFinal_ex(ctx->md, out, NULL) == 1;
	tl_hash_abort(ctx);
	return ok ? TL_OK : TL_E_CRYPTO;
}

void tl_hash_abort(struct tl_hash_ctx *ctx)
{
	if (!ctx)
		return;
	EVP_MD_CTX_free(ctx->md);
	free(ctx);
}

int tl_hash(uint16_t alg, const void *data, size_t len, uint8_t out[static TL_MAX_DIGEST])
{
	return digest2(alg, data, len, NULL, 0, out);
}

int tl_extend(uint16_t alg, uint8_t pcr[static TL_MAX_DIGEST], const uint8_t *digest)
{
	size_t n = tl_alg_size(alg);
	uint8_t out[TL_MAX_DIGEST];
	int err = digest2(alg, pcr, n, digest, n, out);
	if (err == TL_OK)
		memcpy(pcr, out, n);
	return err;
}

int tl_random(uint8_t *out, size_t n)
{
	return n <= (size_t)INT32_MAX && RAND_bytes(out, (int)n) == 1 ? TL_OK : TL_E_CRYPTO;
}

int tl_hmac(uint16_t alg, const void *key, size_t key_len, const void *data, size_t len,
	    uint8_t out[static TL_MAX_DIGEST])
{
	const EVP_MD *md = tl_crypto_md(alg);
	unsigned n;
	if (!md || key_len > (size_t)INT32_MAX)
		return TL_E_UNSUPPORTED;
	return HMAC(md, key, (int)key_len, data, len, out, &n) ? TL_OK : TL_E_CRYPTO;
}
