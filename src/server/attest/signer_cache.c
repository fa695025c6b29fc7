/* Confidential VMs' VCEKs, each checked once (its chain to the AMD roots: three RSA-PSS
 * verifies, a third of a confidential attestation's cost) and kept for an hour: a fleet's VMs
 * share a few hundred VCEKs (one per host and TCB). A refused VCEK is not kept: the verdict
 * checks it again and says why. Entries are reference-counted, so one in use outlives its
 * replacement; the least recently used goes when the cache is full. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "trustlaunch/hash.h"
#include "verdict.h"

#define ENTRIES 256
#define KEEP_SECONDS 3600 /* a VCEK's validity is checked again after this */

struct tl_signer_ref {
	struct tl_snp_signer *signer;
	unsigned refs; /* the cache's own, and each user's */
};

static struct {
	uint8_t key[TL_SHA256_LEN];
	const struct tl_snp_roots *roots;
	struct tl_signer_ref *ref;
	int64_t made;
	uint64_t used;
} cache[ENTRIES];
static uint64_t clock_;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static void unref(struct tl_signer_ref *r) /* under lock */
{
	if (r && --r->refs == 0) {
		tl_snp_signer_free(r->signer);
		free(r);
	}
}

void tl_signer_put(struct tl_signer_ref *r)
{
	pthread_mutex_lock(&lock);
	unref(r);
	pthread_mutex_unlock(&lock);
}

const struct tl_snp_signer *tl_signer_of(const struct tl_signer_ref *r)
{
	return r ? r->signer : NULL;
}

static struct tl_signer_ref *find(const uint8_t key[static TL_SHA256_LEN],
				  const struct tl_snp_roots *roots, int64_t now, size_t *victim)
{
	*victim = 0;
	for (size_t i = 0; i < ENTRIES; i++) {
		if (cache[i].ref && cache[i].roots == roots && now - cache[i].made < KEEP_SECONDS &&
		    memcmp(cache[i].key, key, TL_SHA256_LEN) == 0) {
			cache[i].used = ++clock_;
			cache[i].ref->refs++;
			return cache[i].ref;
		}
		if (cache[i].used < cache[*victim].used)
			*victim = i;
	}
	return NULL;
}

struct tl_signer_ref *tl_signer_get(const struct tl_snp_roots *roots, struct tl_bytes vcek)
{
	uint8_t key[TL_MAX_DIGEST];
	struct tl_snp_cert_info info;
	struct tl_signer_ref *r;
	int64_t now = (int64_t)time(NULL);
	size_t victim;

	if (!roots || !vcek.ptr || tl_hash(TL_ALG_SHA256, vcek.ptr, vcek.len, key) != TL_OK)
		return NULL;
	pthread_mutex_lock(&lock);
	r = find(key, roots, now, &victim);
	pthread_mutex_unlock(&lock);
	if (r)
		return r;
	if (!(r = calloc(1, sizeof(*r))))
		return NULL;
	if (tl_snp_signer_new(roots, vcek, 0, &r->signer, &info) != TL_OK) {
		free(r);
		return NULL;
	}
	r->refs = 2; /* the cache's and the caller's */
	pthread_mutex_lock(&lock);
	unref(cache[victim].ref);
	memcpy(cache[victim].key, key, TL_SHA256_LEN);
	cache[victim].roots = roots;
	cache[victim].ref = r;
	cache[victim].made = now;
	cache[victim].used = ++clock_;
	pthread_mutex_unlock(&lock);
	return r;
}
