/* What an attestation needs of its VM, kept in memory: the VM's Secure Boot setting, its
 * AK and last clock, its baseline. Read from the database, every attestation cost ~20 page
 * reads (each commit of the writer empties the other connections' page caches in WAL mode),
 * the largest part of its cost. Correct only while this process alone writes the database:
 * tl_store_cache_enable() locks the SQLite file against other writers' daemons, and every
 * write of this process that changes a VM's context drops or updates its entry after it
 * commits.
 *
 * A reader that misses loads the context from the database and then offers it; the offer is
 * refused when its stripe changed since the reader started (a write committed meanwhile),
 * so nothing older than the database is ever kept. Baseline texts are kept once per content
 * (a fleet shares a few), within a byte budget. */
#include <fcntl.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "store_backend.h"
#include "trustlaunch/hash.h"

#define STRIPES TL_STORE_CACHE_STRIPES  /* locks, and seqs */
#define BUCKETS (STRIPES * 256u)         /* chains: a few entries each at 250 000 */
#define MAX_ENTRIES 250000u                /* ~0.5 KB each: ~125 MB at most */
#define MAX_BASELINE_BYTES (64u << 20)     /* distinct baseline texts */

struct text { /* a baseline text, shared by the entries with that content */
	struct text *next;
	uint8_t hash[TL_SHA256_LEN];
	size_t refs, len;
	char s[];
};

struct entry {
	struct entry *next;
	char vm_id[TL_ID_LEN];
	bool secure_boot, enrolled;
	char security_type[16]; /* a confidential VM's evidence is checked too */
	uint64_t clock;
	uint32_t reset_count, restart_count;
	int64_t nonce_issued;
	char enrolled_by[16];
	struct text *baseline;
	char *ak_name; /* and the AK public after it, in one allocation */
	char *ak_public;
};

struct stripe {
	pthread_mutex_t lock;
	uint64_t seq; /* bumped by every write to a VM of this stripe */
};

struct tl_store_cache {
	int lock_fd;
	struct stripe stripe[STRIPES];
	struct entry *bucket[BUCKETS]; /* bucket b is under stripe b % STRIPES */
	pthread_mutex_t texts_lock;
	struct text *texts[STRIPES];
	size_t text_bytes;
	_Atomic size_t entries;
};

static uint32_t fnv(const char *s)
{
	uint32_t h = 2166136261u;
	while (*s)
		h = (h ^ (uint8_t)*s++) * 16777619u;
	return h;
}

static struct stripe *stripe_of(struct tl_store_cache *c, const char *vm_id)
{
	return &c->stripe[fnv(vm_id) % STRIPES];
}

static struct entry **bucket_of(struct tl_store_cache *c, const char *vm_id)
{
	return &c->bucket[fnv(vm_id) % BUCKETS];
}

uint64_t tl_store_cache_seq(const uint64_t seqs[TL_STORE_CACHE_STRIPES], const char *vm_id)
{
	return seqs[fnv(vm_id) % STRIPES];
}

void tl_store_cache_seqs(struct tl_store_cache *c, uint64_t seqs[TL_STORE_CACHE_STRIPES])
{
	for (size_t i = 0; i < STRIPES; i++) {
		pthread_mutex_lock(&c->stripe[i].lock);
		seqs[i] = c->stripe[i].seq;
		pthread_mutex_unlock(&c->stripe[i].lock);
	}
}

static struct text *text_get(struct tl_store_cache *c, const char *s)
{
	uint8_t h[TL_MAX_DIGEST];
	size_t len = strlen(s);
	struct text *t;
	if (tl_hash(TL_ALG_SHA256, s, len, h) != TL_OK)
		return NULL;
	pthread_mutex_lock(&c->texts_lock);
	struct text **slot = &c->texts[(h[0] | (unsigned)h[1] << 8) % STRIPES];
	for (t = *slot; t; t = t->next)
		if (memcmp(t->hash, h, sizeof(t->hash)) == 0)
			break;
	if (!t && c->text_bytes + len <= MAX_BASELINE_BYTES && (t = malloc(sizeof(*t) + len + 1))) {
		memcpy(t->hash, h, sizeof(t->hash));
		memcpy(t->s, s, len + 1);
		t->len = len;
		t->refs = 0;
		t->next = *slot;
		*slot = t;
		c->text_bytes += len;
	}
	if (t)
		t->refs++;
	pthread_mutex_unlock(&c->texts_lock);
	return t;
}

static void text_put(struct tl_store_cache *c, struct text *t)
{
	if (!t)
		return;
	pthread_mutex_lock(&c->texts_lock);
	if (--t->refs == 0) {
		struct text **p = &c->texts[(t->hash[0] | (unsigned)t->hash[1] << 8) % STRIPES];
		while (*p != t)
			p = &(*p)->next;
		*p = t->next;
		c->text_bytes -= t->len;
		free(t);
	}
	pthread_mutex_unlock(&c->texts_lock);
}

static void entry_free(struct tl_store_cache *c, struct entry *e)
{
	text_put(c, e->baseline);
	free(e->ak_name);
	free(e);
	c->entries--;
}

int tl_store_cache_enable(struct tl_store *s, const char *path)
{
	struct tl_store_cache *c = calloc(1, sizeof(*c));
	if (!c)
		return TL_E_NOMEM;
	/* another process writing this database would make the cache lie: refuse to share it */
	c->lock_fd = open(path, O_RDONLY | O_CLOEXEC);
	if (c->lock_fd < 0 || flock(c->lock_fd, LOCK_EX | LOCK_NB) != 0) {
		if (c->lock_fd >= 0)
			close(c->lock_fd);
		free(c);
		return TL_E_STORE_BUSY;
	}
	for (size_t i = 0; i < STRIPES; i++)
		pthread_mutex_init(&c->stripe[i].lock, NULL);
	pthread_mutex_init(&c->texts_lock, NULL);
	s->cache = c;
	return TL_OK;
}

void tl_store_cache_free(struct tl_store_cache *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < BUCKETS; i++)
		for (struct entry *e = c->bucket[i], *n; e; e = n) {
			n = e->next;
			entry_free(c, e);
		}
	for (size_t i = 0; i < STRIPES; i++)
		pthread_mutex_destroy(&c->stripe[i].lock);
	pthread_mutex_destroy(&c->texts_lock);
	close(c->lock_fd);
	free(c);
}

bool tl_store_cache_get(struct tl_store_cache *c, const char *vm_id, struct tl_vm *vm,
			struct tl_vm_tpm *t, char **baseline, uint64_t *seq)
{
	struct stripe *st = stripe_of(c, vm_id);
	struct entry *e;
	bool found = false;
	pthread_mutex_lock(&st->lock);
	*seq = st->seq;
	for (e = *bucket_of(c, vm_id); e && strcmp(e->vm_id, vm_id) != 0; e = e->next)
		;
	if (e && (!baseline || !e->baseline || (*baseline = strdup(e->baseline->s)))) {
		memcpy(vm->id, e->vm_id, sizeof(e->vm_id));
		vm->secure_boot = e->secure_boot;
		memcpy(vm->security_type, e->security_type, sizeof(vm->security_type));
		vm->enrolled = e->enrolled;
		if (e->enrolled) {
			memcpy(t->vm_id, e->vm_id, sizeof(e->vm_id));
			snprintf(t->ak_name, sizeof(t->ak_name), "%s", e->ak_name);
			snprintf(t->ak_public, sizeof(t->ak_public), "%s", e->ak_public);
			t->clock = e->clock;
			t->reset_count = e->reset_count;
			t->restart_count = e->restart_count;
			t->nonce_issued = e->nonce_issued;
			memcpy(t->enrolled_by, e->enrolled_by, sizeof(t->enrolled_by));
		}
		found = true;
	}
	pthread_mutex_unlock(&st->lock);
	return found;
}

void tl_store_cache_offer(struct tl_store_cache *c, uint64_t seq, const struct tl_vm *vm,
			  const struct tl_vm_tpm *t, const char *baseline)
{
	struct stripe *st = stripe_of(c, vm->id);
	size_t nl = strlen(t->ak_name) + 1, pl = strlen(t->ak_public) + 1;
	struct entry *e;
	if (c->entries >= MAX_ENTRIES || !(e = calloc(1, sizeof(*e))))
		return;
	c->entries++;
	memcpy(e->vm_id, vm->id, sizeof(e->vm_id));
	e->secure_boot = vm->secure_boot;
	memcpy(e->security_type, vm->security_type, sizeof(e->security_type));
	e->enrolled = vm->enrolled;
	e->clock = t->clock;
	e->reset_count = t->reset_count;
	e->restart_count = t->restart_count;
	e->nonce_issued = t->nonce_issued;
	memcpy(e->enrolled_by, t->enrolled_by, sizeof(e->enrolled_by));
	if (!(e->ak_name = malloc(nl + pl)) || (baseline && !(e->baseline = text_get(c, baseline)))) {
		entry_free(c, e);
		return;
	}
	memcpy(e->ak_name, t->ak_name, nl);
	memcpy(e->ak_public = e->ak_name + nl, t->ak_public, pl);
	struct entry **head = bucket_of(c, vm->id), *old;
	pthread_mutex_lock(&st->lock);
	for (old = *head; old && strcmp(old->vm_id, vm->id) != 0; old = old->next)
		;
	if (st->seq == seq && !old) {
		e->next = *head;
		*head = e;
		e = NULL;
	}
	pthread_mutex_unlock(&st->lock);
	if (e)
		entry_free(c, e);
}

void tl_store_cache_drop(struct tl_store_cache *c, const char *vm_id)
{
	struct stripe *st;
	struct entry *gone = NULL;
	if (!c)
		return;
	st = stripe_of(c, vm_id);
	pthread_mutex_lock(&st->lock);
	st->seq++;
	for (struct entry **p = bucket_of(c, vm_id); *p; p = &(*p)->next)
		if (strcmp((*p)->vm_id, vm_id) == 0) {
			gone = *p;
			*p = gone->next;
			break;
		}
	pthread_mutex_unlock(&st->lock);
	if (gone)
		entry_free(c, gone);
}

void tl_store_cache_clock(struct tl_store_cache *c, const struct tl_vm_tpm *t)
{
	struct stripe *st;
	struct entry *e;
	if (!c)
		return;
	st = stripe_of(c, t->vm_id);
	/* no seq bump: an offer that raced with this may keep an older clock, and the commit's
	 * guarded UPDATE finds out (TL_E_STORE_STALE) when that matters */
	pthread_mutex_lock(&st->lock);
	for (e = *bucket_of(c, t->vm_id); e && strcmp(e->vm_id, t->vm_id) != 0; e = e->next)
		;
	/* as the database's UPDATE: never backwards, and for the AK that made the quote only */
	if (e && e->enrolled && strcmp(e->ak_name, t->ak_name) == 0 &&
	    (e->reset_count < t->reset_count ||
	     (e->reset_count == t->reset_count &&
	      (e->restart_count < t->restart_count ||
	       (e->restart_count == t->restart_count && e->clock <= t->clock))))) {
		e->clock = t->clock;
		e->reset_count = t->reset_count;
		e->restart_count = t->restart_count;
		if (e->nonce_issued < t->nonce_issued)
			e->nonce_issued = t->nonce_issued;
	}
	pthread_mutex_unlock(&st->lock);
}
