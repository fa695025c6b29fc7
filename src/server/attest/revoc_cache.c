/* revocations-current summaries by the boot they were decided for: the event log's SHA-256
 * and the PCRs the quote let it speak for (the facts are a function of both, and the
 * revocation data is fixed while the service runs). Deciding one costs 1-2 ms (the VM's dbx
 * from the facts, the current list walked, the report's groups); a fleet boots a few images,
 * so each is decided once. Entries are shared read-only (jansson's counts are atomic); the
 * least recently used one goes when the cache is full. */
#include <pthread.h>
#include <string.h>

#include "verdict.h"

#define ENTRIES 64

static struct {
	uint8_t log[32];
	uint32_t trusted;
	json_t *summary;
	uint64_t used;
} cache[ENTRIES];
static uint64_t clock_;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

json_t *tl_revoc_summary_cached(const uint8_t log_sha256[static 32], uint32_t trusted,
				json_t *(*make)(void *ctx), void *ctx)
{
	json_t *s = NULL;
	size_t victim = 0;

	pthread_mutex_lock(&lock);
	for (size_t i = 0; i < ENTRIES; i++) {
		if (cache[i].summary && cache[i].trusted == trusted &&
		    memcmp(cache[i].log, log_sha256, 32) == 0) {
			cache[i].used = ++clock_;
			s = json_incref(cache[i].summary);
			break;
		}
		if (cache[i].used < cache[victim].used)
			victim = i;
	}
	pthread_mutex_unlock(&lock);
	if (s || !(s = make(ctx)))
		return s;
	pthread_mutex_lock(&lock);
	json_decref(cache[victim].summary);
	memcpy(cache[victim].log, log_sha256, 32);
	cache[victim].trusted = trusted;
	cache[victim].summary = json_incref(s);
	cache[victim].used = ++clock_;
	pthread_mutex_unlock(&lock);
	return s;
}
