/* Event logs by the SHA-256 of their bytes: parsed, replayed, and explained (facts) for each
 * set of trusted PCRs asked. All three are functions of the bytes alone, so a log seen before
 * (the same VM's next attestation, or a fleet booted from one image) is not parsed, replayed
 * or explained again; an entry also answers to the SHA-256 of the base64 text it was last
 * decoded from, so that the same text is not even decoded again (decoding is a function of
 * the text: the same text is the same bytes). What a quote says is still checked against the
 * replayed values every time. Entries are shared read-only between request threads and
 * counted; the least recently used goes when the cache is full. Logs over MAX_LOG bytes are
 * not kept. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "trustlaunch/facts.h"
#include "trustlaunch/hash.h"
#include "verdict.h"

#define ENTRIES 128
#define MAX_LOG (256u * 1024u)
#define MASKS 4 /* explanations kept per log: all PCRs replay, or a few partial ones */

struct tl_log_entry {
	uint8_t key[TL_SHA256_LEN];
	uint8_t text_key[TL_SHA256_LEN]; /* of the base64 text, when has_text */
	bool has_text;
	uint8_t *bytes;          /* the log points into these */
	struct tl_log *log;
	struct tl_pcrs replayed;
	int replay_err;
	struct {
		uint32_t mask;
		json_t *facts;
		char *text;      /* facts, compact: answers carry them as they are */
	} facts[MASKS];
	size_t refs;             /* the cache's own, and each user's */
	uint64_t used;
};

static struct tl_log_entry *cache[ENTRIES];
static uint64_t clock_;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static void entry_free(struct tl_log_entry *e)
{
	for (size_t i = 0; i < MASKS; i++) {
		json_decref(e->facts[i].facts);
		free(e->facts[i].text);
	}
	tl_log_free(e->log);
	free(e->bytes);
	free(e);
}

void tl_log_entry_put(struct tl_log_entry *e)
{
	bool last;
	if (!e)
		return;
	pthread_mutex_lock(&lock);
	last = --e->refs == 0;
	pthread_mutex_unlock(&lock);
	if (last)
		entry_free(e);
}

/* By the bytes' SHA-256 (text_key NULL), or by the text's; a hit by the bytes learns the
 * text's key too. */
static struct tl_log_entry *lookup(const uint8_t key[TL_SHA256_LEN], bool by_text,
				   const uint8_t *text_key)
{
	struct tl_log_entry *e = NULL;
	pthread_mutex_lock(&lock);
	for (size_t i = 0; i < ENTRIES; i++)
		if (cache[i] && (by_text ? cache[i]->has_text &&
						   memcmp(cache[i]->text_key, key, TL_SHA256_LEN) == 0
					 : memcmp(cache[i]->key, key, TL_SHA256_LEN) == 0)) {
			e = cache[i];
			e->used = ++clock_;
			e->refs++;
			if (text_key) {
				memcpy(e->text_key, text_key, TL_SHA256_LEN);
				e->has_text = true;
			}
			break;
		}
	pthread_mutex_unlock(&lock);
	return e;
}

struct tl_log_entry *tl_log_entry_find_text(const uint8_t text_key[TL_SHA256_LEN])
{
	return lookup(text_key, true, NULL);
}

struct tl_log_entry *tl_log_entry_ref(struct tl_log_entry *e)
{
	pthread_mutex_lock(&lock);
	e->refs++;
	pthread_mutex_unlock(&lock);
	return e;
}

/* Keeps e (the caller's reference stays the caller's); an entry for the same bytes put
 * there meanwhile wins. */
static void keep(struct tl_log_entry *e)
{
	struct tl_log_entry *gone = NULL;
	size_t victim = 0;
	pthread_mutex_lock(&lock);
	for (size_t i = 0; i < ENTRIES; i++) {
		if (cache[i] && memcmp(cache[i]->key, e->key, TL_SHA256_LEN) == 0) {
			pthread_mutex_unlock(&lock);
			return;
		}
		if (!cache[i] || (cache[victim] && cache[i]->used < cache[victim]->used))
			victim = i;
	}
	gone = cache[victim];
	if (gone && --gone->refs > 0)
		gone = NULL; /* still in use: its last user frees it */
	cache[victim] = e;
	e->refs++;
	e->used = ++clock_;
	pthread_mutex_unlock(&lock);
	if (gone)
		entry_free(gone);
}

int tl_log_entry_get(const uint8_t *buf, size_t len, const uint8_t *text_key,
		     struct tl_log_entry **out, struct tl_diag *diag)
{
	uint8_t key[TL_MAX_DIGEST];
	struct tl_log_entry *e;
	int err;

	*out = NULL;
	if ((err = tl_hash(TL_ALG_SHA256, buf, len, key)) != TL_OK)
		return err;
	if ((*out = lookup(key, false, text_key)))
		return TL_OK;
	if (!(e = calloc(1, sizeof(*e))) || !(e->bytes = malloc(len ? len : 1))) {
		free(e);
		return TL_E_NOMEM;
	}
	memcpy(e->key, key, TL_SHA256_LEN);
	if (text_key) {
		memcpy(e->text_key, text_key, TL_SHA256_LEN);
		e->has_text = true;
	}
	memcpy(e->bytes, buf, len);
	e->refs = 1;
	if ((err = tl_log_parse(e->bytes, len, &e->log, diag)) != TL_OK) {
		entry_free(e); /* a log that does not parse is not kept */
		return err;
	}
	e->replay_err = tl_log_replay(e->log, &e->replayed);
	if (len <= MAX_LOG)
		keep(e);
	*out = e;
	return TL_OK;
}

const struct tl_log *tl_log_entry_log(const struct tl_log_entry *e)
{
	return e->log;
}

const struct tl_pcrs *tl_log_entry_replayed(const struct tl_log_entry *e)
{
	return e->replay_err == TL_OK ? &e->replayed : NULL;
}

const uint8_t *tl_log_entry_sha256(const struct tl_log_entry *e)
{
	return e->key;
}

int tl_log_entry_facts(struct tl_log_entry *e, uint32_t trusted, json_t **out, char **text)
{
	json_t *f = NULL;
	char *t = NULL;
	int err;
	*text = NULL;
	pthread_mutex_lock(&lock);
	for (size_t i = 0; i < MASKS && !f; i++)
		if (e->facts[i].facts && e->facts[i].mask == trusted) {
			f = json_incref(e->facts[i].facts);
			t = e->facts[i].text;
		}
	*text = t ? strdup(t) : NULL;
	pthread_mutex_unlock(&lock);
	if ((*out = f))
		return TL_OK;
	if ((err = tl_facts_extract(e->log, trusted, &f)) != TL_OK)
		return err;
	if (!(t = json_dumps(f, JSON_COMPACT))) {
		json_decref(f);
		return TL_E_NOMEM;
	}
	*text = strdup(t);
	pthread_mutex_lock(&lock);
	for (size_t i = 0; i < MASKS; i++)
		if (!e->facts[i].facts) {
			e->facts[i].mask = trusted;
			e->facts[i].facts = json_incref(f);
			e->facts[i].text = t;
			t = NULL;
			break;
		}
	pthread_mutex_unlock(&lock);
	free(t);
	*out = f;
	return TL_OK;
}
