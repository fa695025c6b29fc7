/* Internal: what a store back end provides. */
#ifndef TL_SERVER_STORE_BACKEND_H
#define TL_SERVER_STORE_BACKEND_H

#include <pthread.h>

#include "store.h"

/* The schema, one statement a step, in order; the same SQL for both back ends. */
extern const char *const tl_store_migrations[];
extern const size_t tl_store_nmigrations;

struct tl_store_ops {
	/* Runs a statement with text parameters (NULL: SQL NULL); rows reach fn as text
	 * columns. TL_E_STORE_CONFLICT on a unique key violation. */
	int (*exec)(struct tl_store *s, const char *sql, const char *const *params, int nparams,
		    int (*fn)(const char *const *cols, int ncols, void *arg), void *arg);
	int (*begin)(struct tl_store *s);
	int (*commit)(struct tl_store *s);
	int (*rollback)(struct tl_store *s);
	void (*close)(struct tl_store *s);
	/* inside a transaction: wait for other nodes' migrations (NULL: one process only) */
	int (*migration_lock)(struct tl_store *s);
	/* housekeeping once a second, off the commit path (SQLite: the WAL checkpoint) */
	/* a round of the back end's housekeeping (SQLite: a checkpoint, returning the WAL's
	 * length in frames; < 0: failed) */
	long (*maintain)(struct tl_store *s);
	/* a cheap query that answers within timeout_ms or fails (readiness) */
	int (*ping)(struct tl_store *s, int timeout_ms);
};

#define TL_STORE_POOL 8        /* connections for request threads */
#define TL_STORE_STMT_CACHE 64 /* prepared statements kept per connection */

struct tl_store {
	pthread_mutex_t lock; /* one connection, many request threads */
	const struct tl_store_ops *ops;
	void *db;
	char error[256];
	int version;
	/* prepared statements of this connection, by the address of their SQL text (every
	 * statement is a literal; the text is compared too) */
	const char *stmt_sql[TL_STORE_STMT_CACHE];
	void *stmt[TL_STORE_STMT_CACHE];
	size_t nstmt;
	/* request threads each use one of these connections (WAL readers run side by side) */
	struct tl_store *pool[TL_STORE_POOL];
	size_t npool;
	unsigned generation;
	_Atomic unsigned next_slot;
	/* the group-commit writer (store_batch.c): its own connection and thread */
	struct tl_store *writer;
	pthread_t thread;
	pthread_mutex_t qlock;
	pthread_cond_t qcond, kcond; /* the writer's, the keeper's */
	pthread_mutex_t wbusy;       /* held by the writer while it commits a batch */
	struct tl_attest_write *queue;
	bool started, stopping;
	/* housekeeping: its own thread and connection (expired nonces, WAL checkpoints) */
	struct tl_store *keeper;
	pthread_t keeper_thread;
	/* VMs' attestation contexts (store_cache.c), or NULL */
	struct tl_store_cache *cache;
	bool cache_filled;
	/* for logs: "main", "pool", "writer", "keeper", "health" */
	const char *role;
	/* PostgreSQL: a lost connection is opened again when a statement needs it, not inside a
	 * transaction, and at most once per back-off (doubling to a bound, jittered) */
	bool in_tx;
	int64_t retry_at_us;
	unsigned backoff_ms;
	/* readiness (store_health.c): the writer thread runs; the last answer, kept ~1 s */
	_Atomic bool writer_alive;
	pthread_mutex_t ready_lock;
	int64_t ready_at_us;
	int ready_err;
	char ready_why[160];
	struct tl_store *health; /* its own connection, opened when first asked */
	char *url;
};

/* ---- store_log.c: a store failure or event in the log, rate-limited. op: the statement
 * (its first characters are logged) or a word; error: the back end's text. */
void tl_store_log(const char *level, const char *msg, const struct tl_store *c, const char *op,
		  const char *error);
int64_t tl_store_mono_us(void);

/* ---- store_cache.c: every write that changes a VM's context calls drop (or clock) after
 * it commits; a reader that missed offers what it read, with the seq get gave it. */
struct tl_store_cache;
int tl_store_cache_enable(struct tl_store *s, const char *sqlite_path);
void tl_store_cache_free(struct tl_store_cache *c);
bool tl_store_cache_get(struct tl_store_cache *c, const char *vm_id, struct tl_vm *vm,
			struct tl_vm_tpm *t, char **baseline, uint64_t *seq);
void tl_store_cache_offer(struct tl_store_cache *c, uint64_t seq, const struct tl_vm *vm,
			  const struct tl_vm_tpm *t, const char *baseline);
void tl_store_cache_drop(struct tl_store_cache *c, const char *vm_id);
/* For a scan: every stripe's seq before it starts, and a VM's among them. */
#define TL_STORE_CACHE_STRIPES 1024u
void tl_store_cache_seqs(struct tl_store_cache *c, uint64_t seqs[TL_STORE_CACHE_STRIPES]);
uint64_t tl_store_cache_seq(const uint64_t seqs[TL_STORE_CACHE_STRIPES], const char *vm_id);
/* Loads every VM's context into the cache (the keeper, once, after the cache starts): an
 * agent's first attestation after a restart need not wait for the database. */
void tl_store_cache_fill(struct tl_store *s, struct tl_store *conn);
/* t: vm_id, ak_name and the clock of a quote whose clock was stored */
void tl_store_cache_clock(struct tl_store_cache *c, const struct tl_vm_tpm *t);

/* A statement under the store's lock (request threads share one connection). */
int tl_store_run(struct tl_store *s, const char *sql, const char *const *params, int nparams,
		 int (*fn)(const char *const *cols, int ncols, void *arg), void *arg);
/* A posture row's columns (TL_POSTURE_NCOLS of them), and the row from them. The last two
 * came with revocations-current (a later migration): the revocation status of the latest
 * attested boot, and the recommendation's. */
#define TL_POSTURE_COLS                                                                         \
	"vm_id, tenant, created, sectype, secure_boot, vtpm, size_support, os_supported, "       \
	"enrolled, attested, attested_sb, stale, rec_secure_boot, rec_vtpm, "                    \
	"rec_guest_attestation, assessment, assessment_cause, version, attested_revoc, "         \
	"rec_revocations"
#define TL_POSTURE_NCOLS 20
int tl_store_posture_row_of(const char *const *c, int n, struct tl_posture_row *r);
/* Its column counts_key: the five statuses and the cause as one number. */
int tl_store_posture_counts_key(const struct tl_posture_row *r);
/* A VM from the eleven columns of VM_COLS (store_vm.c). */
int tl_store_vm_row(const char *const *c, int n, struct tl_vm *vm);
/* Opens a connection of the URL's back end, without migrations. */
int tl_store_connect(const char *url, struct tl_store *s);
/* Another connection to the store's database (pool, writer, keeper): NULL with s->error set
 * when it cannot be opened. */
struct tl_store *tl_store_conn_open(struct tl_store *s, const char *url, const char *role);
void tl_store_conn_close(struct tl_store *c);
int tl_store_batch_start(struct tl_store *s, const char *url);
void tl_store_batch_stop(struct tl_store *s);

int tl_store_sqlite_open(const char *path, struct tl_store *s);
int tl_store_pg_open(const char *url, struct tl_store *s);

#endif
