/* The PostgreSQL back end (libpq), for several service nodes on one database. A connection
 * lost (the cluster restarted, a network cut) is opened again by the next statement that
 * needs it, outside a transaction, at most once per back-off; meanwhile statements fail at
 * once (503 store.unavailable), they do not wait. */
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libpq-fe.h>

#include "store_backend.h"

#define RECONNECT_MIN_MS 100
#define RECONNECT_MAX_MS 2000
#define CONNECT_TIMEOUT_S "5" /* unless the URL says otherwise */

static int fail(struct tl_store *s, PGresult *r, const char *sql)
{
	const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
	const char *msg = PQerrorMessage(s->db);
	bool conflict = state && strcmp(state, "23505") == 0;
	snprintf(s->error, sizeof(s->error), "postgresql: %.*s", (int)strcspn(msg, "\n"), msg);
	if (!conflict) /* a used nonce is an answer, not a failure */
		tl_store_log("warn", "store statement failed", s, sql, s->error);
	return conflict ? TL_E_STORE_CONFLICT : TL_E_STORE;
}

/* libpq's notices and the server's messages on an idle connection ("FATAL: terminating
 * connection"): into our log, not libpq's own line on stderr. */
static void notice(void *arg, const char *message)
{
	tl_store_log("warn", "postgresql notice", arg, "notice", message);
}

static void forget_statements(struct tl_store *s)
{
	for (size_t i = 0; i < s->nstmt; i++)
		free(s->stmt[i]);
	s->nstmt = 0;
}

/* After a connection is (re)made: its notices, and its settings. */
static int setup(struct tl_store *s)
{
	PGresult *r;
	int err;
	PQsetNoticeProcessor(s->db, notice, s);
	/* quiet NOTICEs (CREATE TABLE IF NOT EXISTS) */
	r = PQexec(s->db, "SET client_min_messages = warning");
	err = r && PQresultStatus(r) == PGRES_COMMAND_OK ? TL_OK : fail(s, r, "SET");
	PQclear(r);
	return err;
}

static PGconn *connect_url(const char *url)
{
	/* the URL's own settings come after (and win over) the connect timeout */
	const char *const keys[] = { "connect_timeout", "dbname", NULL };
	const char *const values[] = { CONNECT_TIMEOUT_S, url, NULL };
	return PQconnectdbParams(keys, values, 1);
}

/* The next attempt after a failed one: the back-off doubles up to its bound, and each wait
 * is drawn from its upper half, so that nodes and connections do not retry in step. */
static void back_off(struct tl_store *s, int64_t now)
{
	unsigned b = s->backoff_ms ? s->backoff_ms * 2 : RECONNECT_MIN_MS;
	if (b > RECONNECT_MAX_MS)
		b = RECONNECT_MAX_MS;
	s->backoff_ms = b;
	s->retry_at_us = now + (int64_t)(b / 2 + (unsigned)rand() % (b / 2 + 1)) * 1000;
}

/* The connection is usable, or made again when that is allowed now. */
static int ensure(struct tl_store *s)
{
	int64_t now;
	/* a session the server ended while it was idle (a restart: "terminating connection")
	 * shows as lost now, without sending anything (the socket is non-blocking), so that it is
	 * made again here instead of failing this statement: the first read takes the server's
	 * FATAL message, the second its end of the stream */
	if (s->db && !s->in_tx && PQstatus(s->db) == CONNECTION_OK && PQconsumeInput(s->db))
		(void)PQconsumeInput(s->db);
	if (PQstatus(s->db) == CONNECTION_OK)
		return TL_OK;
	if (s->in_tx) {
		snprintf(s->error, sizeof(s->error), "postgresql: the connection was lost in a "
			 "transaction");
		return TL_E_STORE;
	}
	now = tl_store_mono_us();
	if (now < s->retry_at_us) {
		snprintf(s->error, sizeof(s->error), "postgresql: not connected (next attempt in "
			 "%lld ms)", (long long)((s->retry_at_us - now) / 1000));
		return TL_E_STORE;
	}
	forget_statements(s); /* prepared statements end with their session */
	if (s->db)
		PQreset(s->db);
	else if (s->url)
		s->db = connect_url(s->url);
	if (PQstatus(s->db) != CONNECTION_OK || setup(s) != TL_OK) {
		const char *msg = PQerrorMessage(s->db);
		snprintf(s->error, sizeof(s->error), "postgresql: %.*s", (int)strcspn(msg, "\n"), msg);
		back_off(s, now);
		tl_store_log("warn", "store reconnect failed", s, "connect", s->error);
		return TL_E_STORE;
	}
	s->backoff_ms = 0;
	s->retry_at_us = 0;
	tl_store_log("info", "store reconnected", s, "connect", "");
	return TL_OK;
}

/* Statements with parameters are prepared once per connection: parsing and planning each
 * time cost PostgreSQL more than running them. The slot, or s->nstmt for none. */
static int prepared(struct tl_store *s, const char *sql, int nparams, size_t *slot)
{
	char name[32];
	PGresult *r;
	*slot = s->nstmt;
	for (size_t i = 0; nparams && i < s->nstmt; i++)
		if (s->stmt_sql[i] == sql && strcmp((const char *)s->stmt[i], sql) == 0)
			*slot = i;
	if (!nparams || *slot < s->nstmt || s->nstmt >= TL_STORE_STMT_CACHE)
		return TL_OK;
	snprintf(name, sizeof(name), "tl%zu", *slot);
	r = PQprepare(s->db, name, sql, nparams, NULL);
	if (!r || PQresultStatus(r) != PGRES_COMMAND_OK) {
		int err = fail(s, r, sql);
		PQclear(r);
		return err;
	}
	PQclear(r);
	if (!(s->stmt[s->nstmt] = strdup(sql)))
		return TL_E_NOMEM; /* prepared, unnamed here: the next call prepares again */
	s->stmt_sql[s->nstmt++] = sql;
	return TL_OK;
}

static int exec(struct tl_store *s, const char *sql, const char *const *params, int nparams,
		int (*fn)(const char *const *cols, int ncols, void *arg), void *arg)
{
	PGresult *r = NULL;
	ExecStatusType st;
	char name[32];
	size_t slot;
	int err;

	if ((err = ensure(s)) != TL_OK || (err = prepared(s, sql, nparams, &slot)) != TL_OK)
		return err;
	if (slot < s->nstmt) {
		snprintf(name, sizeof(name), "tl%zu", slot);
		r = PQexecPrepared(s->db, name, nparams, params, NULL, NULL, 0);
	} else {
		r = PQexecParams(s->db, sql, nparams, NULL, params, NULL, NULL, 0);
	}
	st = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
		err = fail(s, r, sql);
		PQclear(r);
		return err;
	}
	for (int row = 0; fn && row < PQntuples(r) && err == TL_OK; row++) {
		const char *cols[32];
		int n = PQnfields(r);
		if (n > 32)
			n = 32;
		for (int i = 0; i < n; i++)
			cols[i] = PQgetisnull(r, row, i) ? NULL : PQgetvalue(r, row, i);
		err = fn(cols, n, arg);
	}
	PQclear(r);
	return err;
}

static int simple(struct tl_store *s, const char *sql)
{
	return exec(s, sql, NULL, 0, NULL, NULL);
}

static int begin(struct tl_store *s)
{
	int err = simple(s, "BEGIN");
	s->in_tx = err == TL_OK;
	return err;
}

/* Migrations may start on several nodes at once: one runs them, the others wait. */
static int migration_lock(struct tl_store *s)
{
	return simple(s, "SELECT pg_advisory_xact_lock(7463823)");
}

/* COMMIT of a transaction that failed answers "ROLLBACK", not an error: check the tag. A
 * connection lost in the transaction is not made again here: a COMMIT on a new session
 * would answer "COMMIT" for nothing. */
static int commit(struct tl_store *s)
{
	PGresult *r = NULL;
	int err = ensure(s);
	if (err == TL_OK) {
		r = PQexec(s->db, "COMMIT");
		err = r && PQresultStatus(r) == PGRES_COMMAND_OK &&
				      strcmp(PQcmdStatus(r), "COMMIT") == 0
			      ? TL_OK
			      : fail(s, r, "COMMIT");
	}
	PQclear(r);
	s->in_tx = false;
	return err;
}

static int rollback(struct tl_store *s)
{
	int err = PQstatus(s->db) == CONNECTION_OK ? simple(s, "ROLLBACK") : TL_E_STORE;
	s->in_tx = false;
	return err;
}

/* SELECT 1 within timeout_ms: a cluster that accepts connections but does not answer is not
 * ready either. A query that timed out is cancelled and the session dropped: the next use
 * connects again. */
static int ping(struct tl_store *s, int timeout_ms)
{
	PGresult *r;
	int err = ensure(s), busy = 1;
	int64_t end = tl_store_mono_us() + (int64_t)timeout_ms * 1000;
	if (err != TL_OK)
		return err;
	if (!PQsendQuery(s->db, "SELECT 1"))
		return fail(s, NULL, "SELECT 1");
	while (busy && tl_store_mono_us() < end) {
		struct pollfd p = { PQsocket(s->db), POLLIN, 0 };
		if (poll(&p, 1, (int)((end - tl_store_mono_us()) / 1000) + 1) < 0 ||
		    !PQconsumeInput(s->db))
			break;
		busy = PQisBusy(s->db);
	}
	if (busy) {
		snprintf(s->error, sizeof(s->error), "postgresql: no answer within %d ms", timeout_ms);
		forget_statements(s);
		PQfinish(s->db); /* dropped: the next use connects again (s->url) */
		s->db = NULL;
		return TL_E_STORE;
	}
	while ((r = PQgetResult(s->db))) {
		if (PQresultStatus(r) != PGRES_TUPLES_OK)
			err = fail(s, r, "SELECT 1");
		PQclear(r);
	}
	return err;
}

static void close_db(struct tl_store *s)
{
	forget_statements(s);
	PQfinish(s->db);
	s->db = NULL;
}

static const struct tl_store_ops ops = { exec, begin, commit, rollback, close_db,
					  migration_lock, NULL, ping };

int tl_store_pg_open(const char *url, struct tl_store *s)
{
	PGconn *c = connect_url(url);
	s->ops = &ops;
	s->db = c;
	if (!c || PQstatus(c) != CONNECTION_OK) {
		const char *msg = c ? PQerrorMessage(c) : "out of memory";
		snprintf(s->error, sizeof(s->error), "postgresql: %.*s", (int)strcspn(msg, "\n"), msg);
		if (c)
			PQsetNoticeProcessor(c, notice, s);
		return TL_E_STORE;
	}
	return setup(s);
}
