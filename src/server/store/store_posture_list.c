/* Reading the posture rows by index (store_posture.c writes them): a recommendation's VMs
 * with a status a page at a time, the VMs the staleness job is due to look at, the VMs
 * registered before posture was kept; and the lease that lets one node of several run a job. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_backend.h"


/* $1 created, $2 vm_id (the cursor), $3 limit, then the status and/or the tenant. Each
 * filter is the prefix of an index (store_schema.c), ordered as the page is. */
#define PAGE(where)                                                                             \
	"SELECT " TL_POSTURE_COLS ", (SELECT v.name FROM vms v WHERE v.id = p.vm_id) FROM vm_posture p "  \
	"WHERE " where " (created, vm_id) > (CAST($1 AS BIGINT), CAST($2 AS TEXT)) ORDER BY "    \
	"created, vm_id LIMIT CAST($3 AS BIGINT)"
#define REC(col)                                                                                \
	{ PAGE(col " = CAST($4 AS INTEGER) AND"),                                               \
	  PAGE("tenant = $5 AND " col " = CAST($4 AS INTEGER) AND") }

static const char *const by_status[TL_REC_COUNT][2] = {
	REC("rec_secure_boot"),
	REC("rec_vtpm"),
	REC("rec_guest_attestation"),
	REC("rec_revocations"),
};
static const char *const any_status[2] = { PAGE(""), PAGE("tenant = $4 AND") };

struct each {
	int (*fn)(const struct tl_posture_row *row, const char *name, void *arg);
	void *arg;
};

static int each_row(const char *const *c, int n, void *arg)
{
	struct each *e = arg;
	struct tl_posture_row r;
	const int name = TL_POSTURE_NCOLS; /* the column after the row's */
	int err = n == name + 1 ? tl_store_posture_row_of(c, name, &r) : TL_E_STORE;
	return err != TL_OK ? err : e->fn(&r, c[name] ? c[name] : "", e->arg);
}

int tl_store_posture_page(struct tl_store *s, const char *tenant, enum tl_rec_id rec,
			  int status, int64_t after_created, const char *after_id, size_t limit,
			  int (*fn)(const struct tl_posture_row *row, const char *name, void *arg),
			  void *arg)
{
	struct each e = { fn, arg };
	char created[24], lim[24], st[8];
	bool all = strcmp(tenant, "*") == 0;
	const char *p[5] = { created, after_id ? after_id : "", lim, NULL, tenant };
	if ((unsigned)rec >= TL_REC_COUNT)
		return TL_E_ARG;
	snprintf(created, sizeof(created), "%" PRId64, after_id ? after_created : INT64_MIN);
	snprintf(lim, sizeof(lim), "%zu", limit);
	snprintf(st, sizeof(st), "%d", status);
	if (status < 0) {
		p[3] = tenant;
		return tl_store_run(s, any_status[!all], p, all ? 3 : 4, each_row, &e);
	}
	p[3] = st;
	return tl_store_run(s, by_status[rec][!all], p, all ? 4 : 5, each_row, &e);
}

struct ids {
	int (*fn)(const char *vm_id, void *arg);
	void *arg;
};

static int id_row(const char *const *c, int n, void *arg)
{
	struct ids *i = arg;
	return n >= 1 && c[0] ? i->fn(c[0], i->arg) : TL_OK;
}

int tl_store_posture_stale(struct tl_store *s, int64_t cut, size_t limit,
			   int (*fn)(const char *vm_id, void *arg), void *arg)
{
	struct ids i = { fn, arg };
	char c[24], lim[24];
	const char *p[2] = { c, lim };
	snprintf(c, sizeof(c), "%" PRId64, cut);
	snprintf(lim, sizeof(lim), "%zu", limit);
	/* the last sign: the later of the last attestation and the (re-)enrolment */
	return tl_store_run(s,
			    "SELECT p.vm_id FROM vm_posture p JOIN vm_tpm t ON t.vm_id = p.vm_id "
			    "WHERE p.stale = 0 AND p.enrolled = 1 AND CASE WHEN t.last_attested > "
			    "t.enrolled THEN t.last_attested ELSE t.enrolled END < CAST($1 AS BIGINT) "
			    "LIMIT CAST($2 AS BIGINT)",
			    p, 2, id_row, &i);
}

int tl_store_posture_missing(struct tl_store *s, size_t limit,
			     int (*fn)(const char *vm_id, void *arg), void *arg)
{
	struct ids i = { fn, arg };
	char lim[24];
	const char *p[1] = { lim };
	snprintf(lim, sizeof(lim), "%zu", limit);
	return tl_store_run(s,
			    "SELECT v.id FROM vms v WHERE NOT EXISTS (SELECT 1 FROM vm_posture p "
			    "WHERE p.vm_id = v.id) LIMIT CAST($1 AS BIGINT)",
			    p, 1, id_row, &i);
}

static int held_row(const char *const *c, int n, void *arg)
{
	(void)c;
	*(bool *)arg = n >= 1;
	return TL_OK;
}

int tl_store_lease(struct tl_store *s, const char *name, const char *holder, int64_t now,
		   int64_t ttl, bool *held)
{
	char t[24], until[24];
	const char *p[4] = { name, holder, until, t };
	snprintf(t, sizeof(t), "%" PRId64, now);
	snprintf(until, sizeof(until), "%" PRId64, now + ttl);
	*held = false;
	/* taken when free, expired or already this holder's; one statement, so that two
	 * nodes cannot both take it */
	return tl_store_run(s,
			    "INSERT INTO leases (name, holder, until) VALUES ($1, $2, CAST($3 AS "
			    "BIGINT)) ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, "
			    "until = excluded.until WHERE leases.until < CAST($4 AS BIGINT) OR "
			    "leases.holder = excluded.holder RETURNING holder",
			    p, 4, held_row, held);
}

int tl_store_lease_release(struct tl_store *s, const char *name, const char *holder)
{
	const char *p[2] = { name, holder };
	return tl_store_run(s, "DELETE FROM leases WHERE name = $1 AND holder = $2", p, 2, NULL,
			    NULL);
}
