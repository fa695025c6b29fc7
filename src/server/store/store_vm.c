/* The inventory: VMs, their enrolment policy, and whether (and how) a TPM is bound. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_backend.h"

static void copy(char *dst, size_t n, const char *src)
{
	snprintf(dst, n, "%s", src ? src : "");
}

int tl_store_vm_row(const char *const *c, int n, struct tl_vm *vm)
{
	if (n != 11)
		return TL_E_STORE;
	memset(vm, 0, sizeof(*vm));
	copy(vm->id, sizeof(vm->id), c[0]);
	copy(vm->tenant, sizeof(vm->tenant), c[1]);
	copy(vm->name, sizeof(vm->name), c[2]);
	copy(vm->size, sizeof(vm->size), c[3]);
	copy(vm->os, sizeof(vm->os), c[4]);
	copy(vm->security_type, sizeof(vm->security_type), c[5]);
	vm->secure_boot = c[6] && strcmp(c[6], "0") != 0;
	vm->vtpm = c[7] && strcmp(c[7], "0") != 0;
	copy(vm->scale_set, sizeof(vm->scale_set), c[8]);
	vm->created = c[9] ? strtoll(c[9], NULL, 10) : 0;
	copy(vm->enrollment, sizeof(vm->enrollment), c[10]);
	return TL_OK;
}

#define VM_COLS                                                                                 \
	"id, tenant, name, size, os, security_type, secure_boot, vtpm, scale_set, created, "    \
	"enrollment"
/* ... and how its TPM was bound (NULL: none is) */
#define VM_SELECT                                                                               \
	"SELECT " VM_COLS ", (SELECT t.enrolled_by FROM vm_tpm t WHERE t.vm_id = vms.id) FROM vms"

bool tl_vm_enrollment_valid(const char *policy)
{
	return strcmp(policy, TL_ENROLL_ANY) == 0 || strcmp(policy, TL_ENROLL_EK_CERT) == 0;
}

int tl_store_vm_put(struct tl_store *s, const struct tl_vm *vm)
{
	char created[24];
	const char *p[11] = { vm->id, vm->tenant, vm->name, vm->size, vm->os, vm->security_type,
			      vm->secure_boot ? "1" : "0", vm->vtpm ? "1" : "0", vm->scale_set,
			      created, vm->enrollment[0] ? vm->enrollment : TL_ENROLL_ANY };
	int err;
	snprintf(created, sizeof(created), "%" PRId64, vm->created);
	err = tl_store_run(s,
			    "INSERT INTO vms (" VM_COLS ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, "
			    "$10, $11) ON CONFLICT (id) DO UPDATE SET name = excluded.name, size = "
			    "excluded.size, os = excluded.os, security_type = excluded.security_type, "
			    "secure_boot = excluded.secure_boot, vtpm = excluded.vtpm, scale_set = "
			    "excluded.scale_set, enrollment = excluded.enrollment WHERE vms.tenant = "
			    "excluded.tenant",
			    p, 11, NULL, NULL);
	tl_store_cache_drop(s->cache, vm->id); /* secure_boot may have changed */
	return err;
}

static int count_row(const char *const *c, int n, void *arg)
{
	(void)c;
	(void)n;
	(*(int *)arg)++;
	return TL_OK;
}

int tl_store_vm_set_enrollment(struct tl_store *s, const char *tenant, const char *id,
			       const char *policy)
{
	const char *p[3] = { id, policy, tenant };
	int n = 0, err;
	if (!tl_vm_enrollment_valid(policy))
		return TL_E_ARG;
	err = strcmp(tenant, "*") == 0
		      ? tl_store_run(s, "UPDATE vms SET enrollment = $2 WHERE id = $1 RETURNING id", p,
				     2, count_row, &n)
		      : tl_store_run(s, "UPDATE vms SET enrollment = $2 WHERE id = $1 AND tenant = $3 "
				     "RETURNING id", p, 3, count_row, &n);
	return err == TL_OK && n == 0 ? TL_E_STORE_NOT_FOUND : err;
}

struct one_vm {
	struct tl_vm *vm;
	bool found;
};

/* tl_store_vm_row plus how its TPM was bound */
static int vm_row(const char *const *c, int n, struct tl_vm *vm)
{
	int err = n == 12 ? tl_store_vm_row(c, 11, vm) : TL_E_STORE;
	if (err == TL_OK && (vm->enrolled = c[11] != NULL))
		copy(vm->enrolled_by, sizeof(vm->enrolled_by), c[11]);
	return err;
}

static int one_vm(const char *const *c, int n, void *arg)
{
	struct one_vm *o = arg;
	o->found = true;
	return vm_row(c, n, o->vm);
}

int tl_store_vm_get(struct tl_store *s, const char *tenant, const char *id, struct tl_vm *out)
{
	struct one_vm o = { out, false };
	const char *p[2] = { id, tenant };
	int err = strcmp(tenant, "*") == 0
			  ? tl_store_run(s, VM_SELECT " WHERE id = $1", p, 1, one_vm, &o)
			  : tl_store_run(s, VM_SELECT " WHERE id = $1 AND tenant = $2", p, 2,
				one_vm, &o);
	if (err == TL_OK && !o.found)
		err = TL_E_STORE_NOT_FOUND;
	return err;
}

/* The VM and everything bound to it, in one transaction. */
int tl_store_vm_delete(struct tl_store *s, const char *tenant, const char *id)
{
	static const char *const cascade[] = {
		"DELETE FROM vm_tpm WHERE vm_id = $1",
		"DELETE FROM enrollments WHERE vm_id = $1",
		"DELETE FROM enroll_tokens WHERE vm_id = $1",
		"DELETE FROM baselines WHERE vm_id = $1",
		"DELETE FROM attestations WHERE vm_id = $1",
		"DELETE FROM forgeries WHERE vm_id = $1",
		"DELETE FROM forgery_counts WHERE vm_id = $1",
		"DELETE FROM vm_host WHERE vm_id = $1",
		"DELETE FROM vm_posture WHERE vm_id = $1",
	};
	const char *p[2] = { id, tenant };
	int n = 0, err;
	pthread_mutex_lock(&s->lock);
	if ((err = s->ops->begin(s)) != TL_OK)
		goto out;
	err = strcmp(tenant, "*") == 0
		      ? s->ops->exec(s, "DELETE FROM vms WHERE id = $1 RETURNING id", p, 1, count_row, &n)
		      : s->ops->exec(s, "DELETE FROM vms WHERE id = $1 AND tenant = $2 RETURNING id", p,
				     2, count_row, &n);
	for (size_t i = 0; err == TL_OK && n > 0 && i < sizeof(cascade) / sizeof(cascade[0]); i++)
		err = s->ops->exec(s, cascade[i], p, 1, NULL, NULL);
	if (err == TL_OK && n > 0)
		err = s->ops->commit(s);
	else
		s->ops->rollback(s);
	if (err == TL_OK && n == 0)
		err = TL_E_STORE_NOT_FOUND;
out:
	pthread_mutex_unlock(&s->lock);
	tl_store_cache_drop(s->cache, id);
	return err;
}

struct each_vm {
	int (*fn)(const struct tl_vm *vm, void *arg);
	void *arg;
};

/* vm_row plus what its host reported (NULL: nothing) */
static int each_vm(const char *const *c, int n, void *arg)
{
	struct each_vm *e = arg;
	struct tl_vm vm;
	int err = n == 16 ? vm_row(c, 12, &vm) : TL_E_STORE;
	if (err != TL_OK)
		return err;
	copy(vm.host, sizeof(vm.host), c[12]);
	copy(vm.domain, sizeof(vm.domain), c[13]);
	copy(vm.host_state, sizeof(vm.host_state), c[14]);
	copy(vm.host_reason, sizeof(vm.host_reason), c[15]);
	return e->fn(&vm, e->arg);
}

#define VM_LIST_SELECT                                                                          \
	"SELECT " VM_COLS ", (SELECT t.enrolled_by FROM vm_tpm t WHERE t.vm_id = vms.id), "     \
	"h.host, h.domain, h.state, h.reason FROM vms "
#define VM_LIST_PAGE                                                                            \
	"($1 = '*' OR tenant = $1) AND (created > $2 OR (created = $2 AND id > $3)) "           \
	"ORDER BY created, id LIMIT $4"

/* the VMs of one host, of one host state, of both (the filter's parameters from $5) */
static const char *const filtered[3] = {
	VM_LIST_SELECT "JOIN vm_host h ON h.vm_id = vms.id WHERE h.host = $5 AND " VM_LIST_PAGE,
	VM_LIST_SELECT "JOIN vm_host h ON h.vm_id = vms.id WHERE h.state = $5 AND " VM_LIST_PAGE,
	VM_LIST_SELECT "JOIN vm_host h ON h.vm_id = vms.id WHERE h.host = $5 AND h.state = $6 "
		       "AND " VM_LIST_PAGE,
};

int tl_store_vm_list(struct tl_store *s, const char *tenant, const char *host,
		     const char *host_state, int64_t after_created, const char *after_id,
		     size_t limit, int (*fn)(const struct tl_vm *vm, void *arg), void *arg)
{
	struct each_vm e = { fn, arg };
	char created[24], lim[24];
	const char *p[6] = { tenant, created, after_id ? after_id : "", lim,
			     host ? host : host_state, host_state };
	snprintf(created, sizeof(created), "%" PRId64, after_id ? after_created : INT64_MIN);
	snprintf(lim, sizeof(lim), "%zu", limit);
	/* tenant "*": an administrator of every tenant; a host's VMs through vm_host_host, a
	 * host state's through vm_host_state */
	if (host || host_state)
		return tl_store_run(s, filtered[host && host_state ? 2 : host ? 0 : 1], p,
				    host && host_state ? 6 : 5, each_vm, &e);
	return tl_store_run(s,
			    VM_LIST_SELECT "LEFT JOIN vm_host h ON h.vm_id = vms.id WHERE " VM_LIST_PAGE,
			    p, 4, each_vm, &e);
}
