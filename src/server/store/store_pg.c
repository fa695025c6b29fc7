/* The PostgreSQL back end (libpq), for several service nodes on one database. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "store_backend.h"

static int fail(struct tl_store *s, PGresult *r)
{
	const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
	const char *msg = PQerrorMessage(s->db);
	snprintf(s->error, sizeof(s->error), "postgresql: %.*s", (int)strcspn(msg, "\n"), msg);
	return state && strcmp(state, "23505") == 0 ? TL_E_STORE_CONFLICT : TL_E_STORE;
}

static int exec(struct tl_store *s, const char *sql, const char *const *params, int nparams,
		int (*fn)(const char *const *cols, int ncols, void *arg), void *arg)
{
	PGresult *r = NULL;
	ExecStatusType st;
	char name[32];
	size_t slot = s->nstmt;
	int err = TL_OK;

	/* statements with parameters are prepared once per connection: parsing and planning
	 * each time cost PostgreSQL more than running them */
	for (size_t i = 0; nparams && i < s->nstmt; i++)
		if (s->stmt_sql[i] == sql && strcmp((const char *)s->stmt[i], sql) == 0)
			slot = i;
	if (nparams && slot == s->nstmt && s->nstmt < TL_STORE_STMT_CACHE) {
		snprintf(name, sizeof(name), "tl%zu", slot);
		r = PQprepare(s->db, name, sql, nparams, NULL);
		if (!r || PQresultStatus(r) != PGRES_COMMAND_OK) {
			err = fail(s, r);
			PQclear(r);
			return err;
		}
		PQclear(r);
		if (!(s->stmt[s->nstmt] = strdup(sql)))
			return TL_E_NOMEM; /* prepared, unnamed here: the next call prepares again */
		s->stmt_sql[s->nstmt++] = sql;
	}
	if (slot < s->nstmt) {
		snprintf(name, sizeof(name), "tl%zu", slot);
		r = PQexecPrepared(s->db, name, nparams, params, NULL, NULL, 0);
	} else {
		r = PQexecParams(s->db, sql, nparams, NULL, params, NULL, NULL, 0);
	}
	st = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
		err = fail(s, r);
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
	return simple(s, "BEGIN");
}

/* Migrations may start on several nodes at once: one runs them, the others wait. */
static int migration_lock(struct tl_store *s)
{
	return simple(s, "SELECT pg_advisory_xact_lock(7463823)");
}

/* COMMIT of a transaction that failed answers "ROLLBACK", not an error: check the tag. */
static int commit(struct tl_store *s)
{
	PGresult *r = PQexec(s->db, "COMMIT");
	int err = r && PQresultStatus(r) == PGRES_COMMAND_OK && strcmp(PQcmdStatus(r), "COMMIT") == 0
			  ? TL_OK
			  : fail(s, r);
	PQclear(r);
	return err;
}

static int rollback(struct tl_store *s)
{
	return simple(s, "ROLLBACK");
}

static void close_db(struct tl_store *s)
{
	for (size_t i = 0; i < s->nstmt; i++)
		free(s->stmt[i]);
	s->nstmt = 0;
	PQfinish(s->db);
	s->db = NULL;
}

static const struct tl_store_ops ops = { exec, begin, commit, rollback, close_db,
					  migration_lock, NULL };

int tl_store_pg_open(const char *url, struct tl_store *s)
{
	PGconn *c = PQconnectdb(url);
	s->ops = &ops;
	s->db = c;
	if (!c || PQstatus(c) != CONNECTION_OK) {
		const char *msg = c ? PQerrorMessage(c) : "out of memory";
		snprintf(s->error, sizeof(s->error), "postgresql: %.*s", (int)strcspn(msg, "\n"), msg);
		return TL_E_STORE;
	}
	/* quiet NOTICEs (CREATE TABLE IF NOT EXISTS) */
	return simple(s, "SET client_min_messages = warning");
}
