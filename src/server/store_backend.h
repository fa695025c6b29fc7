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
};

struct tl_store {
	pthread_mutex_t lock; /* one connection, many request threads */
	const struct tl_store_ops *ops;
	void *db;
	char error[256];
	int version;
	/* the group-commit writer (store_batch.c): its own connection and thread */
	struct tl_store *writer;
	pthread_t thread;
	pthread_mutex_t qlock;
	pthread_cond_t qcond, qdone;
	struct tl_attest_write *queue;
	bool started, stopping;
};

/* A statement under the store's lock (request threads share one connection). */
int tl_store_run(struct tl_store *s, const char *sql, const char *const *params, int nparams,
		 int (*fn)(const char *const *cols, int ncols, void *arg), void *arg);
/* Ids that grow with time on every node. */
int64_t tl_store_next_id(void);
/* Opens a connection of the URL's back end, without migrations. */
int tl_store_connect(const char *url, struct tl_store *s);
int tl_store_batch_start(struct tl_store *s, const char *url);
void tl_store_batch_stop(struct tl_store *s);

int tl_store_sqlite_open(const char *path, struct tl_store *s);
int tl_store_pg_open(const char *url, struct tl_store *s);

#endif
