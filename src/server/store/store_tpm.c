/* The store's part of enrolment: one-time enrollment tokens, pending enrolments (one
 * activation attempt each) and the TPM a VM is bound to. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store_backend.h"

static void copy(char *dst, size_t n, const char *src)
{
	snprintf(dst, n, "%s", src ? src : "");
}

int tl_store_enroll_token_set(struct tl_store *s, const char *vm_id, const char *hash)
{
	char now[24];
	const char *p[3] = { vm_id, hash, now };
	int err;
	snprintf(now, sizeof(now), "%" PRId64, (int64_t)time(NULL));
	pthread_mutex_lock(&s->lock);
	if ((err = s->ops->begin(s)) == TL_OK) {
		err = s->ops->exec(s,
				   "INSERT INTO enroll_tokens (vm_id, hash, created) VALUES ($1, $2, $3) "
				   "ON CONFLICT (vm_id) DO UPDATE SET hash = excluded.hash, created = "
				   "excluded.created",
				   p, 3, NULL, NULL);
		if (err == TL_OK)
			err = s->ops->exec(s, "UPDATE enrollments SET used = 1 WHERE vm_id = $1 AND used = 0",
					   p, 1, NULL, NULL);
		if (err == TL_OK)
			err = s->ops->commit(s);
		else
			s->ops->rollback(s);
	}
	pthread_mutex_unlock(&s->lock);
	return err;
}

static int count_rows(const char *const *c, int n, void *arg)
{
	(void)c;
	(void)n;
	(*(int *)arg)++;
	return TL_OK;
}

static int found(const char *const *c, int n, void *arg)
{
	(void)c;
	(void)n;
	*(bool *)arg = true;
	return TL_OK;
}

int tl_store_enroll_token_check(struct tl_store *s, const char *vm_id, const char *hash)
{
	const char *p[2] = { vm_id, hash };
	bool f = false;
	int err = tl_store_run(s, "SELECT 1 FROM enroll_tokens WHERE vm_id = $1 AND hash = $2", p,
			       2, found, &f);
	return err == TL_OK && !f ? TL_E_STORE_NOT_FOUND : err;
}

int tl_store_enrollment_add(struct tl_store *s, const struct tl_enrollment *e)
{
	char exp[24];
	const char *p[9] = { e->id, e->vm_id, e->ek_public, e->ak_public, e->ak_name,
			     e->secret_hash, exp, e->by_token ? "1" : "0", e->token_hash };
	snprintf(exp, sizeof(exp), "%" PRId64, e->expires);
	return tl_store_run(s,
			    "INSERT INTO enrollments (id, vm_id, ek_public, ak_public, ak_name, "
			    "secret_hash, expires, by_token, used, token_hash) VALUES ($1, $2, $3, $4, "
			    "$5, $6, $7, $8, 0, $9)",
			    p, 9, NULL, NULL);
}

struct one_enrollment {
	struct tl_enrollment *e;
	bool found;
};

static int enrollment_row(const char *const *c, int n, void *arg)
{
	struct one_enrollment *o = arg;
	struct tl_enrollment *e = o->e;
	if (n != 9)
		return TL_E_STORE;
	copy(e->token_hash, sizeof(e->token_hash), c[8]);
	copy(e->id, sizeof(e->id), c[0]);
	copy(e->vm_id, sizeof(e->vm_id), c[1]);
	copy(e->ek_public, sizeof(e->ek_public), c[2]);
	copy(e->ak_public, sizeof(e->ak_public), c[3]);
	copy(e->ak_name, sizeof(e->ak_name), c[4]);
	copy(e->secret_hash, sizeof(e->secret_hash), c[5]);
	e->expires = c[6] ? strtoll(c[6], NULL, 10) : 0;
	e->by_token = c[7] && strcmp(c[7], "0") != 0;
	o->found = true;
	return TL_OK;
}

int tl_store_enrollment_take(struct tl_store *s, const char *vm_id, const char *id,
			     struct tl_enrollment *out)
{
	struct one_enrollment o = { out, false };
	const char *p[2] = { id, vm_id };
	int err;
	memset(out, 0, sizeof(*out));
	/* the UPDATE is the attempt: a second one finds no unused row */
	err = tl_store_run(s,
			   "UPDATE enrollments SET used = 1 WHERE id = $1 AND vm_id = $2 AND used = 0 "
			   "RETURNING id, vm_id, ek_public, ak_public, ak_name, secret_hash, expires, "
			   "by_token, token_hash",
			   p, 2, enrollment_row, &o);
	return err == TL_OK && !o.found ? TL_E_STORE_NOT_FOUND : err;
}

static int bound_ek(const char *const *c, int n, void *arg)
{
	if (n == 1 && c[0])
		snprintf(arg, TL_HEX_PUBLIC, "%s", c[0]);
	return TL_OK;
}

int tl_store_tpm_bind(struct tl_store *s, const struct tl_vm_tpm *t, const char *token_hash)
{
	char ek[TL_HEX_PUBLIC], when[24];
	const bool token = token_hash && *token_hash;
	const char *p[6] = { t->vm_id, t->ek_public, t->ak_public, t->ak_name, when,
			     token ? TL_BY_TOKEN : TL_BY_EK_CERT };
	const char *pt[2] = { t->vm_id, token_hash };
	int n = 0, err;
	snprintf(when, sizeof(when), "%" PRId64, t->enrolled);
	pthread_mutex_lock(&s->lock);
	if ((err = s->ops->begin(s)) != TL_OK)
		goto out;
	if (token) {
		/* the token is spent here: it must still be the current one */
		err = s->ops->exec(s, "DELETE FROM enroll_tokens WHERE vm_id = $1 AND hash = $2 "
				   "RETURNING vm_id", pt, 2, count_rows, &n);
		if (err == TL_OK && n == 0)
			err = TL_E_STORE_CONFLICT;
	} else {
		/* a certificate re-enrols the same TPM only */
		ek[0] = '\0';
		err = s->ops->exec(s, "SELECT ek_public FROM vm_tpm WHERE vm_id = $1", p, 1, bound_ek, ek);
		if (err == TL_OK && ek[0] && strcmp(ek, t->ek_public) != 0)
			err = TL_E_STORE_CONFLICT;
		if (err == TL_OK)
			err = s->ops->exec(s, "DELETE FROM enroll_tokens WHERE vm_id = $1", p, 1, NULL,
					   NULL);
	}
	if (err == TL_OK)
		err = s->ops->exec(s,
				   "INSERT INTO vm_tpm (vm_id, ek_public, ak_public, ak_name, enrolled, "
				   "clock, reset_count, restart_count, enrolled_by) VALUES ($1, $2, $3, "
				   "$4, $5, 0, 0, 0, $6) ON CONFLICT (vm_id) DO UPDATE SET ek_public = "
				   "excluded.ek_public, ak_public = excluded.ak_public, ak_name = "
				   "excluded.ak_name, enrolled = excluded.enrolled, clock = 0, reset_count "
				   "= 0, restart_count = 0, nonce_issued = 0, enrolled_by = "
				   "excluded.enrolled_by",
				   p, 6, NULL, NULL);
	if (err == TL_OK) /* other enrolments started meanwhile end with this one */
		err = s->ops->exec(s, "UPDATE enrollments SET used = 1 WHERE vm_id = $1 AND used = 0",
				   p, 1, NULL, NULL);
	if (err == TL_OK)
		err = s->ops->commit(s);
	else
		s->ops->rollback(s);
out:
	pthread_mutex_unlock(&s->lock);
	tl_store_cache_drop(s->cache, t->vm_id);
	return err;
}

struct one_tpm {
	struct tl_vm_tpm *t;
	bool found;
};

static int tpm_row(const char *const *c, int n, void *arg)
{
	struct one_tpm *o = arg;
	struct tl_vm_tpm *t = o->t;
	if (n != 9)
		return TL_E_STORE;
	copy(t->vm_id, sizeof(t->vm_id), c[0]);
	copy(t->enrolled_by, sizeof(t->enrolled_by), c[8]);
	copy(t->ek_public, sizeof(t->ek_public), c[1]);
	copy(t->ak_public, sizeof(t->ak_public), c[2]);
	copy(t->ak_name, sizeof(t->ak_name), c[3]);
	t->enrolled = c[4] ? strtoll(c[4], NULL, 10) : 0;
	t->clock = c[5] ? strtoull(c[5], NULL, 10) : 0;
	t->reset_count = c[6] ? (uint32_t)strtoul(c[6], NULL, 10) : 0;
	t->restart_count = c[7] ? (uint32_t)strtoul(c[7], NULL, 10) : 0;
	o->found = true;
	return TL_OK;
}

int tl_store_tpm_get(struct tl_store *s, const char *vm_id, struct tl_vm_tpm *out)
{
	struct one_tpm o = { out, false };
	const char *p[1] = { vm_id };
	int err;
	memset(out, 0, sizeof(*out));
	err = tl_store_run(s,
			   "SELECT vm_id, ek_public, ak_public, ak_name, enrolled, clock, reset_count, "
			   "restart_count, enrolled_by FROM vm_tpm WHERE vm_id = $1",
			   p, 1, tpm_row, &o);
	return err == TL_OK && !o.found ? TL_E_STORE_NOT_FOUND : err;
}

/* A VM's attestation context: its row, its TPM's (NULLs when none), its baseline's. */
#define CONTEXT_SELECT                                                                          \
	"SELECT v.id, v.secure_boot, t.ak_public, t.ak_name, t.clock, t.reset_count, "          \
	"t.restart_count, b.components, t.nonce_issued, t.enrolled_by, v.security_type FROM "   \
	"vms v LEFT JOIN "                                                                       \
	"vm_tpm t ON t.vm_id = v.id LEFT JOIN baselines b ON b.vm_id = v.id"

struct context {
	struct tl_vm *vm;
	struct tl_vm_tpm *t;
	char **baseline;
	bool found;
};

static int context_row(const char *const *c, int n, void *arg)
{
	struct context *x = arg;
	struct tl_vm_tpm *t = x->t;
	if (n != 11 || x->found || !c[0])
		return TL_E_STORE;
	x->found = true;
	/* the VM's columns, then the TPM's (NULL when none is bound), then the baseline */
	copy(x->vm->id, sizeof(x->vm->id), c[0]);
	x->vm->secure_boot = c[1] && strcmp(c[1], "0") != 0;
	copy(x->vm->security_type, sizeof(x->vm->security_type), c[10]); /* confidential? */
	if ((x->vm->enrolled = c[2] != NULL)) {
		copy(t->vm_id, sizeof(t->vm_id), c[0]);
		copy(t->ak_public, sizeof(t->ak_public), c[2]);
		copy(t->ak_name, sizeof(t->ak_name), c[3]);
		t->clock = c[4] ? strtoull(c[4], NULL, 10) : 0;
		t->reset_count = c[5] ? (uint32_t)strtoul(c[5], NULL, 10) : 0;
		t->restart_count = c[6] ? (uint32_t)strtoul(c[6], NULL, 10) : 0;
		t->nonce_issued = c[8] ? strtoll(c[8], NULL, 10) : 0;
		copy(t->enrolled_by, sizeof(t->enrolled_by), c[9]);
	}
	if (c[7] && !(*x->baseline = strdup(c[7])))
		return TL_E_NOMEM;
	return TL_OK;
}

int tl_store_attest_context(struct tl_store *s, const char *vm_id, struct tl_vm *vm,
			    struct tl_vm_tpm *t, char **baseline)
{
	char *bl = NULL;
	struct context x = { vm, t, &bl, false };
	const char *p[1] = { vm_id };
	uint64_t seq = 0;
	int err;
	memset(vm, 0, sizeof(*vm));
	memset(t, 0, sizeof(*t));
	if (baseline)
		*baseline = NULL;
	if (s->cache && tl_store_cache_get(s->cache, vm_id, vm, t, baseline, &seq))
		return TL_OK;
	err = tl_store_run(s, CONTEXT_SELECT " WHERE v.id = $1", p, 1, context_row, &x);
	if (err == TL_OK && !x.found)
		err = TL_E_STORE_NOT_FOUND;
	if (err == TL_OK && s->cache)
		tl_store_cache_offer(s->cache, seq, vm, t, bl);
	if (err == TL_OK && baseline)
		*baseline = bl;
	else
		free(bl);
	return err;
}

struct fill {
	struct tl_store_cache *cache;
	uint64_t *seqs;
};

static int fill_row(const char *const *c, int n, void *arg)
{
	struct fill *f = arg;
	struct tl_vm vm;
	struct tl_vm_tpm t;
	char *bl = NULL;
	struct context x = { &vm, &t, &bl, false };
	memset(&vm, 0, sizeof(vm));
	memset(&t, 0, sizeof(t));
	if (context_row(c, n, &x) == TL_OK)
		tl_store_cache_offer(f->cache, tl_store_cache_seq(f->seqs, vm.id), &vm, &t, bl);
	free(bl);
	return TL_OK;
}

void tl_store_cache_fill(struct tl_store *s, struct tl_store *conn)
{
	uint64_t *seqs = calloc(TL_STORE_CACHE_STRIPES, sizeof(*seqs));
	struct fill f = { s->cache, seqs };
	if (!seqs)
		return;
	/* the seqs first: a write that commits after them refuses what the scan read of it */
	tl_store_cache_seqs(s->cache, seqs);
	(void)conn->ops->exec(conn, CONTEXT_SELECT, NULL, 0, fill_row, &f);
	free(seqs);
}
