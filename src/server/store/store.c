/* The store: opening, migrations, and the queries, over a back end's exec. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store_backend.h"
#include "trustlaunch/hash.h"

static int set_error(char *err, size_t n, const char *msg)
{
	snprintf(err, n, "%s", msg);
	return TL_E_STORE_URL;
}

static int get_int(const char *const *cols, int ncols, void *arg)
{
	if (ncols >= 1 && cols[0])
		*(int *)arg = (int)strtol(cols[0], NULL, 10);
	return TL_OK;
}

/* Each thread keeps to one pool connection (chosen on its first call); the main connection
 * serves transactions and the thread that opened the store. */
static struct tl_store *conn_of(struct tl_store *s)
{
	static _Thread_local struct {
		unsigned generation;
		struct tl_store *conn;
	} mine;
	if (s->npool == 0)
		return s;
	if (mine.generation != s->generation || !mine.conn)
		mine.conn = s->pool[s->next_slot++ % s->npool], mine.generation = s->generation;
	return mine.conn;
}

int tl_store_run(struct tl_store *s, const char *sql, const char *const *params, int nparams,
		 int (*fn)(const char *const *cols, int ncols, void *arg), void *arg)
{
	struct tl_store *c = conn_of(s);
	int err;
	pthread_mutex_lock(&c->lock);
	err = c->ops->exec(c, sql, params, nparams, fn, arg);
	if (err != TL_OK && c != s)
		snprintf(s->error, sizeof(s->error), "%s", c->error);
	pthread_mutex_unlock(&c->lock);
	return err;
}

void tl_store_conn_close(struct tl_store *c)
{
	if (!c)
		return;
	if (c->ops)
		c->ops->close(c);
	pthread_mutex_destroy(&c->lock);
	free(c->url);
	free(c);
}

struct tl_store *tl_store_conn_open(struct tl_store *s, const char *url, const char *role)
{
	struct tl_store *c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	c->role = role;
	pthread_mutex_init(&c->lock, NULL);
	if (tl_store_connect(url, c) != TL_OK) {
		snprintf(s->error, sizeof(s->error), "%s", c->error);
		tl_store_conn_close(c);
		return NULL;
	}
	return c;
}

static int open_pool(struct tl_store *s, const char *url)
{
	static _Atomic unsigned generations = 1;
	s->generation = generations++;
	for (size_t i = 0; i < TL_STORE_POOL; i++) {
		struct tl_store *c = tl_store_conn_open(s, url, "pool");
		if (!c)
			return TL_E_STORE;
		s->pool[s->npool++] = c;
	}
	return TL_OK;
}

static int migrate(struct tl_store *s)
{
	char v[24];
	int version = 0, err;
	const char *p[1];

	if ((err = s->ops->begin(s)) != TL_OK)
		return err;
	if (s->ops->migration_lock && (err = s->ops->migration_lock(s)) != TL_OK) {
		s->ops->rollback(s);
		return err;
	}
	err = s->ops->exec(s, "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)",
			   NULL, 0, NULL, NULL);
	if (err == TL_OK)
		err = s->ops->exec(s, "SELECT max(version) FROM schema_version", NULL, 0, get_int,
				   &version);
	for (size_t i = (size_t)version; err == TL_OK && i < tl_store_nmigrations; i++) {
		err = s->ops->exec(s, tl_store_migrations[i], NULL, 0, NULL, NULL);
		snprintf(v, sizeof(v), "%zu", i + 1);
		p[0] = v;
		if (err == TL_OK)
			err = s->ops->exec(s, "INSERT INTO schema_version (version) VALUES ($1)", p, 1,
					   NULL, NULL);
		version = (int)i + 1;
	}
	if (err != TL_OK) {
		s->ops->rollback(s);
		return err;
	}
	s->version = version;
	return s->ops->commit(s);
}

int tl_store_open(const char *url, struct tl_store **out, char *err, size_t errlen)
{
	struct tl_store *s = calloc(1, sizeof(*s));
	int e;

	*out = NULL;
	if (!s)
		return set_error(err, errlen, "out of memory");
	pthread_mutex_init(&s->lock, NULL);
	pthread_mutex_init(&s->ready_lock, NULL);
	s->role = "main";
	if (strncmp(url, "sqlite:", 7) != 0 && strncmp(url, "postgresql://", 13) != 0 &&
	    strncmp(url, "postgres://", 11) != 0) {
		pthread_mutex_destroy(&s->ready_lock);
		free(s);
		return set_error(err, errlen, "the database URL is neither sqlite:PATH nor postgresql://...");
	}
	e = tl_store_connect(url, s);
	if (e == TL_OK)
		e = migrate(s);
	if (e == TL_OK)
		e = open_pool(s, url);
	if (e == TL_OK)
		e = tl_store_batch_start(s, url);
	if (e != TL_OK) {
		snprintf(err, errlen, "%s", s->error[0] ? s->error : "the database could not be opened");
		tl_store_batch_stop(s);
		for (size_t i = 0; i < s->npool; i++)
			tl_store_conn_close(s->pool[i]);
		if (s->ops)
			s->ops->close(s);
		pthread_mutex_destroy(&s->ready_lock);
		free(s->url);
		free(s);
		return e;
	}
	*out = s;
	return TL_OK;
}

int tl_store_connect(const char *url, struct tl_store *s)
{
	free(s->url);
	if (!(s->url = strdup(url)))
		return TL_E_NOMEM;
	if (strncmp(url, "sqlite:", 7) == 0)
		return tl_store_sqlite_open(url + 7, s);
	return tl_store_pg_open(url, s);
}

void tl_store_close(struct tl_store *s)
{
	if (!s)
		return;
	tl_store_batch_stop(s);
	for (size_t i = 0; i < s->npool; i++)
		tl_store_conn_close(s->pool[i]);
	tl_store_conn_close(s->health);
	s->ops->close(s);
	tl_store_cache_free(s->cache);
	pthread_mutex_destroy(&s->lock);
	pthread_mutex_destroy(&s->ready_lock);
	free(s->url);
	free(s);
}

int tl_store_cache_start(struct tl_store *s, const char *url)
{
	if (strncmp(url, "sqlite:", 7) != 0)
		return TL_E_UNSUPPORTED;
	return s->cache ? TL_OK : tl_store_cache_enable(s, url + 7);
}

int tl_store_schema_version(struct tl_store *s)
{
	return s->version;
}

const char *tl_store_error(const struct tl_store *s)
{
	return s->error;
}

static int count_row(const char *const *c, int n, void *arg)
{
	(void)c;
	(void)n;
	(*(int *)arg)++;
	return TL_OK;
}

/* ---- nonces and attestations */

int tl_store_nonce_use(struct tl_store *s, const uint8_t nonce[32], int64_t expires)
{
	char hex[65], exp[24];
	const char *p[2] = { hex, exp };
	tl_hex(nonce, 32, hex);
	snprintf(exp, sizeof(exp), "%" PRId64, expires);
	return tl_store_run(s, "INSERT INTO nonces (nonce, expires) VALUES ($1, $2)", p, 2, NULL,
			    NULL);
}

/* Ids that grow with time on every node: microseconds, then 10 bits of a counter. */
int64_t tl_store_next_id(void)
{
	static _Atomic unsigned counter;
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return ((int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000) * 1024 + (counter++ & 1023);
}

int tl_store_attestation_add(struct tl_store *s, struct tl_attestation *a)
{
	char t[24], id[24];
	const char *p[5] = { id, a->vm_id, t, a->verdict, a->result ? a->result : "{}" };
	int err = TL_E_STORE_CONFLICT;
	snprintf(t, sizeof(t), "%" PRId64, a->time);
	for (int attempt = 0; attempt < 3 && err == TL_E_STORE_CONFLICT; attempt++) {
		a->id = tl_store_next_id();
		snprintf(id, sizeof(id), "%" PRId64, a->id);
		err = tl_store_run(s,
				   "INSERT INTO attestations (id, vm_id, time, verdict, result) "
				   "VALUES ($1, $2, $3, $4, $5)",
				   p, 5, NULL, NULL);
	}
	return err;
}

struct each_att {
	int (*fn)(const struct tl_attestation *a, void *arg);
	void *arg;
};

static int each_att(const char *const *c, int n, void *arg)
{
	struct each_att *e = arg;
	struct tl_attestation a;
	if (n != 5)
		return TL_E_STORE;
	memset(&a, 0, sizeof(a));
	a.id = c[0] ? strtoll(c[0], NULL, 10) : 0;
	snprintf(a.vm_id, sizeof(a.vm_id), "%s", c[1] ? c[1] : "");
	a.time = c[2] ? strtoll(c[2], NULL, 10) : 0;
	snprintf(a.verdict, sizeof(a.verdict), "%s", c[3] ? c[3] : "");
	a.result = (char *)(c[4] ? c[4] : "");
	return e->fn(&a, e->arg);
}

static int att_list(struct tl_store *s, const char *sql, const char *vm_id, int64_t before_id,
		    size_t limit, int (*fn)(const struct tl_attestation *a, void *arg), void *arg)
{
	struct each_att e = { fn, arg };
	char before[24], lim[24];
	const char *p[3] = { vm_id, before, lim };
	snprintf(before, sizeof(before), "%" PRId64, before_id > 0 ? before_id : INT64_MAX);
	snprintf(lim, sizeof(lim), "%zu", limit);
	return tl_store_run(s, sql, p, 3, each_att, &e);
}

int tl_store_attestation_list(struct tl_store *s, const char *vm_id, int64_t before_id,
			      size_t limit, int (*fn)(const struct tl_attestation *a, void *arg),
			      void *arg)
{
	return att_list(s,
			"SELECT id, vm_id, time, verdict, result FROM attestations WHERE vm_id = $1 "
			"AND id < $2 ORDER BY id DESC LIMIT $3",
			vm_id, before_id, limit, fn, arg);
}

int tl_store_forgery_list(struct tl_store *s, const char *vm_id, int64_t before_id,
			  size_t limit, int (*fn)(const struct tl_attestation *a, void *arg),
			  void *arg)
{
	return att_list(s,
			"SELECT id, vm_id, time, verdict, result FROM forgeries WHERE vm_id = $1 AND "
			"id < $2 ORDER BY id DESC LIMIT $3",
			vm_id, before_id, limit, fn, arg);
}

static int get_int64(const char *const *cols, int ncols, void *arg)
{
	if (ncols >= 1 && cols[0])
		*(int64_t *)arg = strtoll(cols[0], NULL, 10);
	return TL_OK;
}

int tl_store_forgery_total(struct tl_store *s, const char *vm_id, int64_t *total)
{
	const char *p[1] = { vm_id };
	*total = 0;
	return tl_store_run(s, "SELECT total FROM forgery_counts WHERE vm_id = $1", p, 1, get_int64,
			    total);
}

/* ---- API tokens: only their SHA-256 is stored */

int tl_store_token_add(struct tl_store *s, const struct tl_token *t)
{
	char created[24];
	const char *p[5] = { t->hash, t->name, t->role, t->tenant, created };
	snprintf(created, sizeof(created), "%" PRId64, t->created);
	return tl_store_run(s, "INSERT INTO tokens (hash, name, role, tenant, created) VALUES ($1, $2, $3, $4, $5)",
		   p, 5, NULL, NULL);
}

struct one_token {
	struct tl_token *t;
	bool found;
};

static int one_token(const char *const *c, int n, void *arg)
{
	struct one_token *o = arg;
	if (n != 4)
		return TL_E_STORE;
	snprintf(o->t->name, sizeof(o->t->name), "%s", c[0] ? c[0] : "");
	snprintf(o->t->role, sizeof(o->t->role), "%s", c[1] ? c[1] : "");
	snprintf(o->t->tenant, sizeof(o->t->tenant), "%s", c[2] ? c[2] : "");
	o->t->created = c[3] ? strtoll(c[3], NULL, 10) : 0;
	o->found = true;
	return TL_OK;
}

int tl_store_token_find(struct tl_store *s, const char *hash, struct tl_token *out)
{
	struct one_token o = { out, false };
	const char *p[1] = { hash };
	int err;
	memset(out, 0, sizeof(*out));
	snprintf(out->hash, sizeof(out->hash), "%s", hash);
	err = tl_store_run(s, "SELECT name, role, tenant, created FROM tokens WHERE hash = $1", p, 1,
		  one_token, &o);
	return err == TL_OK && !o.found ? TL_E_STORE_NOT_FOUND : err;
}

struct each_token {
	int (*fn)(const struct tl_token *t, void *arg);
	void *arg;
};

static int each_token(const char *const *c, int n, void *arg)
{
	struct each_token *e = arg;
	struct tl_token t;
	if (n != 5)
		return TL_E_STORE;
	memset(&t, 0, sizeof(t));
	snprintf(t.hash, sizeof(t.hash), "%s", c[0] ? c[0] : "");
	snprintf(t.name, sizeof(t.name), "%s", c[1] ? c[1] : "");
	snprintf(t.role, sizeof(t.role), "%s", c[2] ? c[2] : "");
	snprintf(t.tenant, sizeof(t.tenant), "%s", c[3] ? c[3] : "");
	t.created = c[4] ? strtoll(c[4], NULL, 10) : 0;
	return e->fn(&t, e->arg);
}

int tl_store_token_list(struct tl_store *s, const char *tenant, int64_t after_created,
			const char *after_id, size_t limit,
			int (*fn)(const struct tl_token *t, void *arg), void *arg)
{
	struct each_token e = { fn, arg };
	char created[24], lim[24];
	const char *p[4] = { tenant, created, after_id ? after_id : "", lim };
	snprintf(created, sizeof(created), "%" PRId64, after_id ? after_created : INT64_MIN);
	snprintf(lim, sizeof(lim), "%zu", limit);
	return tl_store_run(s,
			    "SELECT hash, name, role, tenant, created FROM tokens WHERE ($1 = '*' OR "
			    "tenant = $1) AND (created > $2 OR (created = $2 AND substr(hash, 1, 12) "
			    "> $3)) ORDER BY created, hash LIMIT $4",
			    p, 4, each_token, &e);
}

int tl_store_token_revoke(struct tl_store *s, const char *tenant, const char *prefix)
{
	char like[80];
	const char *p[2] = { like, tenant };
	int n = 0, err;
	snprintf(like, sizeof(like), "%s%%", prefix);
	err = strcmp(tenant, "*") == 0
		      ? tl_store_run(s, "DELETE FROM tokens WHERE hash LIKE $1 RETURNING hash", p, 1,
				     count_row, &n)
		      : tl_store_run(s, "DELETE FROM tokens WHERE hash LIKE $1 AND tenant = $2 "
				     "RETURNING hash", p, 2, count_row, &n);
	return err == TL_OK && n == 0 ? TL_E_STORE_NOT_FOUND : err;
}
