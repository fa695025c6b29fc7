/* The SQLite back end: one file in the state directory, WAL, synchronous=FULL so that an
 * acknowledged write survives a crash. */
#include <stdio.h>
#include <string.h>

#include <sqlite3.h>

#include "store_backend.h"

static int fail(struct tl_store *s, int code, const char *sql)
{
	bool conflict = (code & 0xFF) == SQLITE_CONSTRAINT;
	snprintf(s->error, sizeof(s->error), "sqlite: %s", sqlite3_errmsg(s->db));
	if (!conflict) /* a used nonce is an answer, not a failure */
		tl_store_log("warn", "store statement failed", s, sql, s->error);
	return conflict ? TL_E_STORE_CONFLICT : TL_E_STORE;
}

static int exec(struct tl_store *s, const char *sql, const char *const *params, int nparams,
		int (*fn)(const char *const *cols, int ncols, void *arg), void *arg)
{
	sqlite3_stmt *st = NULL;
	size_t slot = s->nstmt;
	int rc, err = TL_OK;
	for (size_t i = 0; i < s->nstmt; i++) {
		if (s->stmt_sql[i] == sql && strcmp(sqlite3_sql(s->stmt[i]), sql) == 0) {
			st = s->stmt[i];
			slot = i;
			break;
		}
	}
	if (!st) {
		rc = sqlite3_prepare_v3(s->db, sql, -1,
					s->nstmt < TL_STORE_STMT_CACHE ? SQLITE_PREPARE_PERSISTENT : 0,
					&st, NULL);
		if (rc != SQLITE_OK)
			return fail(s, rc, sql);
		if (s->nstmt < TL_STORE_STMT_CACHE) {
			s->stmt_sql[s->nstmt] = sql;
			s->stmt[s->nstmt++] = st;
		}
	}
	/* "$N" is a named parameter to SQLite, numbered in order of first appearance: bind by
	 * name, so that a statement may use $2 before $1 (as PostgreSQL allows) */
	for (int i = 0; i < nparams; i++) {
		char name[16];
		snprintf(name, sizeof(name), "$%d", i + 1);
		int at = sqlite3_bind_parameter_index(st, name);
		if (at == 0)
			continue;
		rc = params[i] ? sqlite3_bind_text(st, at, params[i], -1, SQLITE_STATIC)
			       : sqlite3_bind_null(st, at);
		if (rc != SQLITE_OK) {
			err = fail(s, rc, sql);
			goto out;
		}
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *cols[32];
		int n = sqlite3_column_count(st);
		if (n > 32)
			n = 32;
		for (int i = 0; i < n; i++)
			cols[i] = (const char *)sqlite3_column_text(st, i);
		if (fn && (err = fn(cols, n, arg)) != TL_OK)
			goto out;
	}
	if (rc != SQLITE_DONE)
		err = fail(s, sqlite3_extended_errcode(s->db), sql);
out:
	if (slot < s->nstmt) { /* kept for next time */
		sqlite3_reset(st);
		sqlite3_clear_bindings(st);
	} else {
		sqlite3_finalize(st);
	}
	return err;
}

static int simple(struct tl_store *s, const char *sql)
{
	return exec(s, sql, NULL, 0, NULL, NULL);
}

static int begin(struct tl_store *s)
{
	return simple(s, "BEGIN IMMEDIATE");
}

static int commit(struct tl_store *s)
{
	return simple(s, "COMMIT");
}

static int rollback(struct tl_store *s)
{
	return simple(s, "ROLLBACK");
}

static void close_db(struct tl_store *s)
{
	for (size_t i = 0; i < s->nstmt; i++)
		sqlite3_finalize(s->stmt[i]);
	s->nstmt = 0;
	sqlite3_close(s->db);
	s->db = NULL;
}

/* Checkpoints run here, not in whichever commit crosses the threshold: the group commit's
 * writer would otherwise stop for a checkpoint's writes and fsync now and then. PASSIVE
 * never waits for readers or writers. Returns the WAL's length in frames.
 * SQLite syncs the database file only in a checkpoint that reaches the WAL's end, and that
 * sync writes every page copied since the last one. When the keeper holds the writer for a
 * last round (store_batch.c), the pages of a round that fell short are written out here
 * first, beside the writer, so that the held round's sync finds little left. */
static long maintain(struct tl_store *s)
{
	sqlite3_file *f = NULL;
	int log = 0, done = 0;
	if (sqlite3_wal_checkpoint_v2(s->db, NULL, SQLITE_CHECKPOINT_PASSIVE, &log, &done) !=
	    SQLITE_OK)
		return -1;
	if (log > done && sqlite3_file_control(s->db, NULL, SQLITE_FCNTL_FILE_POINTER, &f) ==
				  SQLITE_OK && f && f->pMethods)
		(void)f->pMethods->xSync(f, SQLITE_SYNC_FULL);
	return log;
}

/* SQLite answers from a local file: no wait to bound */
static int ping(struct tl_store *s, int timeout_ms)
{
	(void)timeout_ms;
	return simple(s, "SELECT count(*) FROM schema_version");
}

static const struct tl_store_ops ops = { exec,	   begin, commit, rollback, close_db,
					  NULL,	   maintain, ping };

int tl_store_sqlite_open(const char *path, struct tl_store *s)
{
	sqlite3 *db = NULL;
	int rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
					       SQLITE_OPEN_FULLMUTEX, NULL);
	s->ops = &ops;
	s->db = db;
	if (rc != SQLITE_OK) {
		snprintf(s->error, sizeof(s->error), "sqlite: %s: %s", path,
			 db ? sqlite3_errmsg(db) : "cannot open");
		return TL_E_STORE;
	}
	sqlite3_busy_timeout(db, 5000);
	if (simple(s, "PRAGMA journal_mode=WAL") != TL_OK ||
	    simple(s, "PRAGMA synchronous=FULL") != TL_OK ||
	    simple(s, "PRAGMA foreign_keys=ON") != TL_OK ||
	    /* a page read from SQLite's own cache costs no syscall: 8 MiB a connection keeps
	     * the inventory of 100 000 VMs and its indexes close at hand */
	    simple(s, "PRAGMA cache_size=-8192") != TL_OK ||
	    simple(s, "PRAGMA wal_autocheckpoint=0") != TL_OK) /* maintain() does it */
		return TL_E_STORE;
	return TL_OK;
}
