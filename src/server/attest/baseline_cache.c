/* Parsed baselines by the SHA-256 of their text. A fleet's VMs share a few baselines (one per
 * image), and parsing one (a few KB of JSON, hundreds of values) cost more than the rest of
 * comparing against it. Entries are shared read-only between request threads (jansson's
 * reference counts are atomic); the least recently used one goes when the cache is full. */
#include <pthread.h>
#include <string.h>

#include "trustlaunch/hash.h"
#include "verdict.h"

#define ENTRIES 64

static struct {
	uint8_t key[TL_SHA256_LEN];
	json_t *doc;
	uint64_t used;
} cache[ENTRIES];
static uint64_t clock_;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

json_t *tl_baseline_parsed(const char *text)
{
	uint8_t h[TL_MAX_DIGEST];
	json_error_t jerr;
	json_t *doc = NULL;
	size_t victim = 0;

	if (tl_hash(TL_ALG_SHA256, text, strlen(text), h) != TL_OK)
		return json_loads(text, 0, &jerr);
	pthread_mutex_lock(&lock);
	for (size_t i = 0; i < ENTRIES; i++) {
		if (cache[i].doc && memcmp(cache[i].key, h, TL_SHA256_LEN) == 0) {
			cache[i].used = ++clock_;
			doc = json_incref(cache[i].doc);
			break;
		}
		if (cache[i].used < cache[victim].used)
			victim = i;
	}
	pthread_mutex_unlock(&lock);
	if (doc || !(doc = json_loads(text, 0, &jerr)))
		return doc;
	pthread_mutex_lock(&lock);
	json_decref(cache[victim].doc);
	memcpy(cache[victim].key, h, TL_SHA256_LEN);
	cache[victim].doc = json_incref(doc);
	cache[victim].used = ++clock_;
	pthread_mutex_unlock(&lock);
	return doc;
}
