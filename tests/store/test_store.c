/* The store suite, run against each back end: TL_STORE_URL names the database (default: a
 * fresh SQLite file). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <unistd.h>
#include <cmocka.h>
#include <sqlite3.h>

#include "store.h"

/* the schema's steps (store_schema.c) */
extern const char *const tl_store_migrations[];
extern const size_t tl_store_nmigrations;

static char url[4096];

static struct tl_store *open_store(void)
{
	struct tl_store *s;
	char err[256];
	if (tl_store_open(url, &s, err, sizeof(err)) != TL_OK)
		fail_msg("cannot open %s: %s", url, err);
	return s;
}

static struct tl_vm vm(const char *id, const char *tenant, const char *name)
{
	struct tl_vm v;
	memset(&v, 0, sizeof(v));
	snprintf(v.id, sizeof(v.id), "%s", id);
	snprintf(v.tenant, sizeof(v.tenant), "%s", tenant);
	snprintf(v.name, sizeof(v.name), "%s", name);
	snprintf(v.size, sizeof(v.size), "Standard_D2s_v5");
	snprintf(v.os, sizeof(v.os), "debian-12");
	snprintf(v.security_type, sizeof(v.security_type), "trustedlaunch");
	v.secure_boot = true;
	v.vtpm = true;
	v.created = 1700000000;
	return v;
}

static int count(const struct tl_vm *v, void *arg)
{
	(void)v;
	(*(int *)arg)++;
	return TL_OK;
}

static void store_open_migrates_and_refuses_bad_urls(void **state)
{
	struct tl_store *s;
	char err[256];
	(void)state;
	s = open_store();
	assert_true(tl_store_schema_version(s) >= 4);
	tl_store_close(s);
	/* opening again runs nothing twice */
	s = open_store();
	assert_true(tl_store_schema_version(s) >= 4);
	tl_store_close(s);
	assert_int_equal(tl_store_open("mysql://x", &s, err, sizeof(err)), TL_E_STORE_URL);
	assert_null(s);
	assert_non_null(strstr(err, "sqlite:PATH"));
}

static void store_vms_are_kept_per_tenant(void **state)
{
	struct tl_store *s = open_store();
	struct tl_vm a = vm("11111111-0000-0000-0000-000000000001", "tenant-a", "web-1"), got;
	struct tl_vm b = vm("11111111-0000-0000-0000-000000000002", "tenant-b", "db-1");
	int n = 0;
	(void)state;
	assert_int_equal(tl_store_vm_put(s, &a), TL_OK);
	assert_int_equal(tl_store_vm_put(s, &b), TL_OK);
	assert_int_equal(tl_store_vm_get(s, "tenant-a", a.id, &got), TL_OK);
	assert_string_equal(got.name, "web-1");
	assert_true(got.secure_boot && got.vtpm);
	assert_int_equal(got.created, 1700000000);
	/* another tenant's VM does not exist for this one */
	assert_int_equal(tl_store_vm_get(s, "tenant-a", b.id, &got), TL_E_STORE_NOT_FOUND);
	assert_int_equal(tl_store_vm_delete(s, "tenant-a", b.id), TL_E_STORE_NOT_FOUND);
	/* nor can it overwrite it by id */
	struct tl_vm evil = vm(b.id, "tenant-a", "mine-now");
	assert_int_equal(tl_store_vm_put(s, &evil), TL_OK);
	assert_int_equal(tl_store_vm_get(s, "tenant-b", b.id, &got), TL_OK);
	assert_string_equal(got.name, "db-1");
	assert_int_equal(tl_store_vm_list(s, "tenant-a", NULL, NULL, 0, NULL, 1000, count, &n), TL_OK);
	assert_int_equal(n, 1);
	/* an update keeps the id */
	snprintf(a.name, sizeof(a.name), "web-1-renamed");
	assert_int_equal(tl_store_vm_put(s, &a), TL_OK);
	tl_store_close(s);
	/* a restart keeps what was acknowledged */
	s = open_store();
	assert_int_equal(tl_store_vm_get(s, "tenant-a", a.id, &got), TL_OK);
	assert_string_equal(got.name, "web-1-renamed");
	assert_int_equal(tl_store_vm_delete(s, "tenant-a", a.id), TL_OK);
	assert_int_equal(tl_store_vm_get(s, "tenant-a", a.id, &got), TL_E_STORE_NOT_FOUND);
	tl_store_close(s);
}

static void store_nonces_are_single_use(void **state)
{
	struct tl_store *s = open_store();
	uint8_t nonce[32];
	(void)state;
	for (int i = 0; i < 32; i++)
		nonce[i] = (uint8_t)(i * 7 + (int)getpid());
	assert_int_equal(tl_store_nonce_use(s, nonce, 1700000300), TL_OK);
	assert_int_equal(tl_store_nonce_use(s, nonce, 1700000300), TL_E_STORE_CONFLICT);
	tl_store_close(s);
	s = open_store();
	assert_int_equal(tl_store_nonce_use(s, nonce, 1700000300), TL_E_STORE_CONFLICT);
	tl_store_close(s);
}

struct seen {
	int n;
	int64_t ids[8];
	char verdicts[8][16];
};

static int att(const struct tl_attestation *a, void *arg)
{
	struct seen *s = arg;
	if (s->n < 8) {
		s->ids[s->n] = a->id;
		snprintf(s->verdicts[s->n], sizeof(s->verdicts[0]), "%s", a->verdict);
		assert_non_null(strstr(a->result, "\"verdict\""));
	}
	s->n++;
	return TL_OK;
}

static void store_attestations_are_listed_newest_first(void **state)
{
	struct tl_store *s = open_store();
	struct seen seen = { 0 };
	(void)state;
	for (int i = 0; i < 5; i++) {
		struct tl_attestation a = { .time = 1700000000 + i };
		snprintf(a.vm_id, sizeof(a.vm_id), "vm-att");
		snprintf(a.verdict, sizeof(a.verdict), "%s", i == 4 ? "unhealthy" : "healthy");
		a.result = i == 4 ? "{\"verdict\":\"unhealthy\"}" : "{\"verdict\":\"healthy\"}";
		assert_int_equal(tl_store_attestation_add(s, &a), TL_OK);
		assert_true(a.id > 0);
	}
	assert_int_equal(tl_store_attestation_list(s, "vm-att", 0, 3, att, &seen), TL_OK);
	assert_int_equal(seen.n, 3);
	assert_string_equal(seen.verdicts[0], "unhealthy");
	assert_true(seen.ids[0] > seen.ids[1] && seen.ids[1] > seen.ids[2]);
	/* the next page starts below the last id of this one */
	struct seen rest = { 0 };
	assert_int_equal(tl_store_attestation_list(s, "vm-att", seen.ids[2], 3, att, &rest), TL_OK);
	assert_int_equal(rest.n, 2);
	assert_true(rest.ids[0] < seen.ids[2] && rest.ids[1] < rest.ids[0]);
	tl_store_close(s);
}

static void store_enrolment_binds_once(void **state)
{
	struct tl_store *s = open_store();
	struct tl_vm v = vm("vm-enrol", "t1", "e");
	struct tl_enrollment e, got;
	struct tl_vm_tpm t;
	(void)state;
	assert_int_equal(tl_store_vm_put(s, &v), TL_OK);
	assert_int_equal(tl_store_enroll_token_set(s, "vm-enrol", "aa"), TL_OK);
	assert_int_equal(tl_store_enroll_token_check(s, "vm-enrol", "aa"), TL_OK);
	assert_int_equal(tl_store_enroll_token_check(s, "vm-enrol", "bb"), TL_E_STORE_NOT_FOUND);
	assert_int_equal(tl_store_enroll_token_check(s, "vm-other", "aa"), TL_E_STORE_NOT_FOUND);
	memset(&e, 0, sizeof(e));
	snprintf(e.id, sizeof(e.id), "enr-1");
	snprintf(e.vm_id, sizeof(e.vm_id), "vm-enrol");
	snprintf(e.ek_public, sizeof(e.ek_public), "00ff");
	snprintf(e.ak_public, sizeof(e.ak_public), "00ee");
	snprintf(e.ak_name, sizeof(e.ak_name), "000b12");
	snprintf(e.secret_hash, sizeof(e.secret_hash), "%064d", 7);
	e.expires = 1700000600;
	e.by_token = true;
	assert_int_equal(tl_store_enrollment_add(s, &e), TL_OK);
	/* another VM cannot take it; the VM takes it once */
	assert_int_equal(tl_store_enrollment_take(s, "vm-other", "enr-1", &got), TL_E_STORE_NOT_FOUND);
	assert_int_equal(tl_store_enrollment_take(s, "vm-enrol", "enr-1", &got), TL_OK);
	assert_string_equal(got.ak_public, "00ee");
	assert_true(got.by_token);
	assert_int_equal(got.expires, 1700000600);
	assert_int_equal(tl_store_enrollment_take(s, "vm-enrol", "enr-1", &got), TL_E_STORE_NOT_FOUND);
	/* binding ends the enrollment token */
	memset(&t, 0, sizeof(t));
	snprintf(t.vm_id, sizeof(t.vm_id), "vm-enrol");
	snprintf(t.ek_public, sizeof(t.ek_public), "00ff");
	snprintf(t.ak_public, sizeof(t.ak_public), "00ee");
	snprintf(t.ak_name, sizeof(t.ak_name), "000b12");
	t.enrolled = 1700000100;
	/* a token that is no longer current binds nothing */
	assert_int_equal(tl_store_tpm_bind(s, &t, "zz"), TL_E_STORE_CONFLICT);
	assert_int_equal(tl_store_tpm_get(s, "vm-enrol", &t), TL_E_STORE_NOT_FOUND);
	snprintf(t.vm_id, sizeof(t.vm_id), "vm-enrol");
	snprintf(t.ek_public, sizeof(t.ek_public), "00ff");
	snprintf(t.ak_public, sizeof(t.ak_public), "00ee");
	snprintf(t.ak_name, sizeof(t.ak_name), "000b12");
	t.enrolled = 1700000100;
	assert_int_equal(tl_store_tpm_bind(s, &t, "aa"), TL_OK);
	assert_int_equal(tl_store_enroll_token_check(s, "vm-enrol", "aa"), TL_E_STORE_NOT_FOUND);
	/* a certificate does not move the VM to another TPM */
	struct tl_vm_tpm other = t;
	snprintf(other.ek_public, sizeof(other.ek_public), "0abc");
	assert_int_equal(tl_store_tpm_bind(s, &other, NULL), TL_E_STORE_CONFLICT);
	assert_int_equal(tl_store_tpm_bind(s, &t, NULL), TL_OK); /* the same TPM may */
	tl_store_close(s);
	s = open_store();
	memset(&t, 0, sizeof(t));
	assert_int_equal(tl_store_tpm_get(s, "vm-enrol", &t), TL_OK);
	assert_string_equal(t.ak_name, "000b12");
	assert_int_equal(t.enrolled, 1700000100);
	assert_true(tl_store_vm_get(s, "t1", "vm-enrol", &v) == TL_OK && v.enrolled);
	/* bound by a certificate last (the re-enrolment above), and the VM says so */
	assert_string_equal(t.enrolled_by, TL_BY_EK_CERT);
	assert_string_equal(v.enrolled_by, TL_BY_EK_CERT);
	assert_string_equal(v.enrollment, TL_ENROLL_ANY);
	/* the enrolment policy: set, refused when unknown, per tenant */
	assert_int_equal(tl_store_vm_set_enrollment(s, "t1", "vm-enrol", "maybe"), TL_E_ARG);
	assert_int_equal(tl_store_vm_set_enrollment(s, "t2", "vm-enrol", TL_ENROLL_EK_CERT),
			 TL_E_STORE_NOT_FOUND);
	assert_int_equal(tl_store_vm_set_enrollment(s, "t1", "vm-enrol", TL_ENROLL_EK_CERT), TL_OK);
	assert_true(tl_store_vm_get(s, "*", "vm-enrol", &v) == TL_OK);
	assert_string_equal(v.enrollment, TL_ENROLL_EK_CERT);
	tl_store_close(s);
}

struct writer_arg {
	struct tl_store *s;
	int thread, ok, conflicts, stale;
};

static struct tl_attest_write write_of(const char *vm_id, int n, uint64_t clock)
{
	struct tl_attest_write w;
	memset(&w, 0, sizeof(w));
	for (int i = 0; i < 32; i++)
		w.nonce[i] = (uint8_t)(n >> (8 * (i % 4)));
	w.nonce[31] = (uint8_t)getpid();
	snprintf(w.att.vm_id, sizeof(w.att.vm_id), "%s", vm_id);
	w.att.time = 1700000000;
	snprintf(w.att.verdict, sizeof(w.att.verdict), "healthy");
	w.att.result = "{\"verdict\":\"healthy\"}";
	w.verified = w.update_clock = true;
	snprintf(w.clock.vm_id, sizeof(w.clock.vm_id), "%s", vm_id);
	w.clock.clock = clock;
	return w;
}

/* Threads commit at once; nonce 1000 + (i % 10) is shared by all: each such nonce is taken
 * once. A write whose quote's clock is older than the one stored by then is stale, and
 * spends nothing. */
static void *writer(void *p)
{
	struct writer_arg *a = p;
	for (int i = 0; i < 40; i++) {
		int n = i < 30 ? a->thread * 100 + i : 1000 + (i % 10);
		struct tl_attest_write w = write_of("vm-batch", n, i < 30 ? (uint64_t)(a->thread * 100 + i) : 1);
		/* the shared nonces' quotes are not the TPM's: no clock */
		w.verified = w.update_clock = i < 30;
		int err = tl_store_attest_commit(a->s, &w);
		if (err == TL_OK)
			a->ok++;
		else if (err == TL_E_STORE_CONFLICT)
			a->conflicts++;
		else if (err == TL_E_STORE_STALE)
			a->stale++;
	}
	return NULL;
}

static int count_att(const struct tl_attestation *a, void *arg)
{
	(void)a;
	(*(int *)arg)++;
	return TL_OK;
}

static int64_t latest_verified(struct tl_store *s, const char *vm_id)
{
	struct tl_attestation a;
	assert_int_equal(tl_store_attestation_latest_verified(s, vm_id, &a), TL_OK);
	free(a.result);
	return a.id;
}

static void store_attest_commits_in_groups(void **state)
{
	struct tl_store *s = open_store();
	struct tl_vm v = vm("vm-batch", "t1", "b");
	struct tl_vm_tpm t;
	struct writer_arg args[8];
	pthread_t th[8];
	int ok = 0, conflicts = 0, stale = 0, listed = 0;
	(void)state;
	assert_int_equal(tl_store_vm_put(s, &v), TL_OK);
	memset(&t, 0, sizeof(t));
	snprintf(t.vm_id, sizeof(t.vm_id), "vm-batch");
	assert_int_equal(tl_store_tpm_bind(s, &t, NULL), TL_OK);
	for (int i = 0; i < 8; i++) {
		args[i] = (struct writer_arg){ s, i, 0, 0, 0 };
		pthread_create(&th[i], NULL, writer, &args[i]);
	}
	for (int i = 0; i < 8; i++) {
		pthread_join(th[i], NULL);
		ok += args[i].ok;
		conflicts += args[i].conflicts;
		stale += args[i].stale;
	}
	assert_int_equal(ok + stale, 8 * 30 + 10);
	assert_int_equal(conflicts, 8 * 10 - 10);
	assert_true(ok >= 30); /* at least one thread's clocks only grow */
	assert_int_equal(tl_store_attestation_list(s, "vm-batch", 0, 1000, count_att, &listed), TL_OK);
	assert_int_equal(listed, ok - 10); /* the quotes not the TPM's are kept apart */
	int forged = 0;
	int64_t total = 0;
	assert_int_equal(tl_store_forgery_list(s, "vm-batch", 0, 1000, count_att, &forged), TL_OK);
	assert_int_equal(forged, 10);
	assert_int_equal(tl_store_forgery_total(s, "vm-batch", &total), TL_OK);
	assert_int_equal(total, 10);
	listed = ok; /* as the checks below count */
	/* the clock kept is the largest, whatever order the commits came in */
	assert_int_equal(tl_store_tpm_get(s, "vm-batch", &t), TL_OK);
	assert_int_equal(t.clock, 7 * 100 + 29);
	/* a quote older than the stored clock, or of another AK: stale, nothing recorded */
	struct tl_attest_write old = write_of("vm-batch", 4000, 7 * 100 + 28);
	assert_int_equal(tl_store_attest_commit(s, &old), TL_E_STORE_STALE);
	assert_true(old.superseded); /* the same TPM's later quote: stale, not a re-enrolment */
	struct tl_attest_write other = write_of("vm-batch", 4001, 9000);
	snprintf(other.clock.ak_name, sizeof(other.clock.ak_name), "000bffff");
	assert_int_equal(tl_store_attest_commit(s, &other), TL_E_STORE_STALE);
	assert_false(other.superseded);
	listed = 0;
	assert_int_equal(tl_store_attestation_list(s, "vm-batch", 0, 1000, count_att, &listed), TL_OK);
	assert_int_equal(listed, ok - 10);
	/* the stale write spent nothing: its nonce is still good */
	struct tl_attest_write again = write_of("vm-batch", 4000, 9000);
	assert_int_equal(tl_store_attest_commit(s, &again), TL_OK);
	/* a baseline is learned once */
	struct tl_attest_write w = write_of("vm-batch", 5000, 10000);
	struct tl_baseline b;
	w.learn = "{\"kernel_cmdline\":\"a\"}";
	assert_int_equal(tl_store_attest_commit(s, &w), TL_OK);
	assert_true(w.learned);
	struct tl_attest_write w2 = write_of("vm-batch", 5001, 10001);
	w2.learn = "{\"kernel_cmdline\":\"b\"}";
	assert_int_equal(tl_store_attest_commit(s, &w2), TL_OK);
	assert_false(w2.learned);
	assert_int_equal(tl_store_baseline_get(s, "vm-batch", &b), TL_OK);
	assert_string_equal(b.components, "{\"kernel_cmdline\":\"a\"}");
	assert_string_equal(b.source, "learned");
	assert_int_equal(b.attestation_id, w.att.id);
	tl_baseline_clear(&b);
	/* the latest verified attestation: not one the TPM did not make; one whose clock went
	 * back is (its record says so) */
	assert_int_equal(latest_verified(s, "vm-batch"), w2.att.id);
	struct tl_attest_write unverified = write_of("vm-batch", 5002, 20000);
	unverified.verified = unverified.update_clock = false;
	assert_int_equal(tl_store_attest_commit(s, &unverified), TL_OK);
	assert_int_equal(latest_verified(s, "vm-batch"), w2.att.id);
	struct tl_attest_write back = write_of("vm-batch", 5003, 1);
	back.update_clock = false;
	assert_int_equal(tl_store_attest_commit(s, &back), TL_OK);
	assert_int_equal(latest_verified(s, "vm-batch"), back.att.id);
	/* nor is a record kept of a quote by an AK that is no longer the VM's, clock or not */
	struct tl_attest_write foreign = write_of("vm-batch", 5005, 1);
	foreign.update_clock = false;
	snprintf(foreign.clock.ak_name, sizeof(foreign.clock.ak_name), "000bffff");
	assert_int_equal(tl_store_attest_commit(s, &foreign), TL_E_STORE_STALE);
	assert_int_equal(latest_verified(s, "vm-batch"), back.att.id);
	/* the issue time of the last verified quote's nonce is kept, and only grows */
	struct tl_attest_write n1 = write_of("vm-batch", 6001, 20001);
	n1.clock.nonce_issued = 1700000000123456;
	assert_int_equal(tl_store_attest_commit(s, &n1), TL_OK);
	struct tl_attest_write n0 = write_of("vm-batch", 6002, 20002);
	n0.clock.nonce_issued = 1700000000000001;
	assert_int_equal(tl_store_attest_commit(s, &n0), TL_OK);
	struct tl_vm ctx_vm;
	struct tl_vm_tpm ctx_t;
	assert_int_equal(tl_store_attest_context(s, "vm-batch", &ctx_vm, &ctx_t, NULL), TL_OK);
	assert_int_equal(ctx_t.nonce_issued, 1700000000123456);
	/* a clock without a verified quote is a caller's error */
	struct tl_attest_write bad = write_of("vm-batch", 5004, 30000);
	bad.verified = false;
	assert_int_equal(tl_store_attest_commit(s, &bad), TL_E_ARG);
	/* deleting the VM takes everything bound to it */
	assert_int_equal(tl_store_vm_delete(s, "t1", "vm-batch"), TL_OK);
	assert_int_equal(tl_store_tpm_get(s, "vm-batch", &t), TL_E_STORE_NOT_FOUND);
	assert_int_equal(tl_store_baseline_get(s, "vm-batch", &b), TL_E_STORE_NOT_FOUND);
	listed = 0;
	assert_int_equal(tl_store_attestation_list(s, "vm-batch", 0, 1000, count_att, &listed), TL_OK);
	assert_int_equal(listed, 0);
	tl_store_close(s);
}

static int vm_seen(const struct tl_vm *v, void *arg)
{
	char(*ids)[TL_ID_LEN] = arg;
	for (int i = 0; i < 8; i++)
		if (!ids[i][0]) {
			snprintf(ids[i], TL_ID_LEN, "%s", v->id);
			break;
		}
	return TL_OK;
}

/* Pages of VMs by (created, id): every VM once, also with a VM created between two pages. */
static void store_vm_list_pages_by_cursor(void **state)
{
	struct tl_store *s = open_store();
	char page1[8][TL_ID_LEN] = { { 0 } }, page2[8][TL_ID_LEN] = { { 0 } };
	struct tl_vm got;
	(void)state;
	for (int i = 0; i < 4; i++) {
		char id[TL_ID_LEN];
		snprintf(id, sizeof(id), "22222222-0000-0000-0000-00000000000%d", i);
		struct tl_vm v = vm(id, "tenant-p", "p");
		v.created = 1700000000 + i / 2; /* two per second: the id breaks ties */
		assert_int_equal(tl_store_vm_put(s, &v), TL_OK);
	}
	assert_int_equal(tl_store_vm_list(s, "tenant-p", NULL, NULL, 0, NULL, 3, vm_seen, page1), TL_OK);
	assert_string_equal(page1[2], "22222222-0000-0000-0000-000000000002");
	assert_int_equal(page1[3][0], 0);
	struct tl_vm late = vm("22222222-0000-0000-0000-000000000009", "tenant-p", "late");
	late.created = 1700000005;
	assert_int_equal(tl_store_vm_put(s, &late), TL_OK);
	assert_int_equal(tl_store_vm_get(s, "*", page1[2], &got), TL_OK);
	assert_int_equal(tl_store_vm_list(s, "tenant-p", NULL, NULL, got.created, got.id, 3, vm_seen,
					  page2),
			 TL_OK);
	assert_string_equal(page2[0], "22222222-0000-0000-0000-000000000003");
	assert_string_equal(page2[1], late.id);
	assert_int_equal(page2[2][0], 0);
	tl_store_close(s);
}

static int vm_keep(const struct tl_vm *v, void *arg)
{
	struct tl_vm *out = arg;
	for (int i = 0; i < 5; i++)
		if (!out[i].id[0]) {
			out[i] = *v;
			break;
		}
	return TL_OK;
}

/* The list carries what the hosts reported; ?host= lists one host's VMs, paged. */
static void store_vm_list_by_host_with_state(void **state)
{
	struct tl_store *s = open_store();
	struct tl_vm all[5], mine[5], next[5];
	struct tl_vm_host h;
	(void)state;
	memset(all, 0, sizeof(all));
	memset(mine, 0, sizeof(mine));
	memset(next, 0, sizeof(next));
	for (int i = 0; i < 4; i++) { /* 0, 2 on kvm-a; 1 on kvm-b; 3 on none */
		char id[TL_ID_LEN];
		snprintf(id, sizeof(id), "55555555-0000-0000-0000-00000000000%d", i);
		struct tl_vm v = vm(id, "tenant-h", "h");
		v.created = 1700000000 + i;
		assert_int_equal(tl_store_vm_put(s, &v), TL_OK);
		memset(&h, 0, sizeof(h));
		snprintf(h.vm_id, sizeof(h.vm_id), "%s", id);
		snprintf(h.host, sizeof(h.host), "%s", i == 1 ? "kvm-b" : "kvm-a");
		snprintf(h.domain, sizeof(h.domain), "dom-%d", i);
		h.seen = 1700000100;
		if (i < 3)
			assert_int_equal(tl_store_vm_host_profile(s, &h), TL_OK);
	}
	memset(&h, 0, sizeof(h));
	snprintf(h.vm_id, sizeof(h.vm_id), "55555555-0000-0000-0000-000000000000");
	snprintf(h.state, sizeof(h.state), "boot_failed");
	snprintf(h.reason, sizeof(h.reason), "secure_boot_refused");
	h.state_at = 1700000200;
	assert_int_equal(tl_store_vm_host_state(s, &h), TL_OK);
	assert_int_equal(tl_store_vm_list(s, "tenant-h", NULL, NULL, 0, NULL, 5, vm_keep, all), TL_OK);
	assert_string_equal(all[0].host, "kvm-a");
	assert_string_equal(all[0].domain, "dom-0");
	assert_string_equal(all[0].host_state, "boot_failed");
	assert_string_equal(all[0].host_reason, "secure_boot_refused");
	assert_string_equal(all[1].host, "kvm-b");
	assert_string_equal(all[1].host_state, "");
	assert_string_equal(all[3].host, ""); /* no host reported it */
	assert_int_equal(all[4].id[0], 0);
	assert_int_equal(tl_store_vm_list(s, "tenant-h", "kvm-a", NULL, 0, NULL, 1, vm_keep, mine), TL_OK);
	assert_string_equal(mine[0].id, all[0].id);
	assert_string_equal(mine[0].host_state, "boot_failed");
	assert_int_equal(mine[1].id[0], 0);
	assert_int_equal(tl_store_vm_list(s, "tenant-h", "kvm-a", NULL, mine[0].created, mine[0].id, 4,
					  vm_keep, next),
			 TL_OK);
	assert_string_equal(next[0].id, all[2].id); /* the next page */
	assert_string_equal(next[0].host_state, "");
	assert_int_equal(next[1].id[0], 0);
	memset(next, 0, sizeof(next));
	assert_int_equal(tl_store_vm_list(s, "tenant-x", "kvm-a", NULL, 0, NULL, 4, vm_keep, next), TL_OK);
	assert_int_equal(next[0].id[0], 0); /* another tenant's */
	tl_store_close(s);
}

static void host_state(struct tl_store *s, const char *id, const char *st, const char *why)
{
	struct tl_vm_host h;
	memset(&h, 0, sizeof(h));
	snprintf(h.vm_id, sizeof(h.vm_id), "%s", id);
	snprintf(h.state, sizeof(h.state), "%s", st);
	snprintf(h.reason, sizeof(h.reason), "%s", why);
	h.state_at = 1700000300;
	assert_int_equal(tl_store_vm_host_state(s, &h), TL_OK);
}

/* The fleet's host states, a tenant's (each VM's last report counts once), and
 * ?host_state= lists the VMs of one, paged and with a host filter beside it. */
static void store_vm_host_counts_by_state_and_tenant(void **state)
{
	static const char *const st[6][2] = {
		{ "boot_failed", "secure_boot_refused" }, { "boot_failed", "boot_deadline" },
		{ "boot_failed", "secure_boot_refused" }, { "running", "" }, { "stopped", "" },
		{ "", "" } };
	struct tl_store *s = open_store();
	struct tl_host_state_counts c, all;
	struct tl_vm got[6];
	(void)state;
	for (int i = 0; i < 7; i++) { /* the seventh: another tenant's, boot_failed */
		char id[TL_ID_LEN];
		snprintf(id, sizeof(id), "66666666-0000-0000-0000-00000000000%d", i);
		struct tl_vm v = vm(id, i < 6 ? "tenant-c" : "tenant-d", "c");
		v.created = 1700000000 + i;
		assert_int_equal(tl_store_vm_put(s, &v), TL_OK);
		if (i < 5 || i == 6)
			host_state(s, id, i < 6 ? st[i][0] : "boot_failed", i < 6 ? st[i][1] : "boot_deadline");
	}
	host_state(s, "66666666-0000-0000-0000-000000000003", "boot_failed", "boot_deadline");
	host_state(s, "66666666-0000-0000-0000-000000000003", "running", ""); /* the last counts */
	assert_int_equal(tl_store_vm_host_counts(s, "tenant-c", &c), TL_OK);
	assert_int_equal(c.boot_failed, 3);
	assert_int_equal(c.secure_boot_refused, 2);
	assert_int_equal(c.boot_deadline, 1);
	assert_int_equal(c.stopped, 1);
	assert_int_equal(tl_store_vm_host_counts(s, "tenant-d", &c), TL_OK);
	assert_true(c.boot_failed == 1 && c.boot_deadline == 1 && c.stopped == 0);
	assert_int_equal(tl_store_vm_host_counts(s, "*", &all), TL_OK);
	assert_true(all.boot_failed >= 4 && all.boot_deadline >= 2);
	memset(got, 0, sizeof(got));
	assert_int_equal(tl_store_vm_list(s, "tenant-c", NULL, "boot_failed", 0, NULL, 2, vm_keep, got),
			 TL_OK);
	assert_string_equal(got[0].id, "66666666-0000-0000-0000-000000000000");
	assert_string_equal(got[1].id, "66666666-0000-0000-0000-000000000001");
	assert_string_equal(got[1].host_reason, "boot_deadline");
	memset(got, 0, sizeof(got));
	assert_int_equal(tl_store_vm_list(s, "tenant-c", NULL, "boot_failed", 1700000001,
					  "66666666-0000-0000-0000-000000000001", 5, vm_keep, got),
			 TL_OK);
	assert_string_equal(got[0].id, "66666666-0000-0000-0000-000000000002"); /* the next page */
	assert_int_equal(got[1].id[0], 0);
	memset(got, 0, sizeof(got));
	assert_int_equal(tl_store_vm_list(s, "tenant-c", "kvm-none", "boot_failed", 0, NULL, 5,
					  vm_keep, got),
			 TL_OK);
	assert_int_equal(got[0].id[0], 0); /* no host listed them */
	tl_store_close(s);
}

/* Quotes the enrolled TPM did not make: apart from the VM's history, at most
 * TL_FORGERIES_KEPT kept (the newest), all counted; their nonces are spent for everyone. */
static void store_forgeries_are_bounded_and_apart(void **state)
{
	struct tl_store *s = open_store();
	struct tl_vm v = vm("33333333-0000-0000-0000-000000000001", "t1", "f");
	struct tl_vm_tpm t;
	int listed = 0;
	int64_t total = 0, newest = 0;
	(void)state;
	assert_int_equal(tl_store_vm_put(s, &v), TL_OK);
	memset(&t, 0, sizeof(t));
	snprintf(t.vm_id, sizeof(t.vm_id), "%s", v.id);
	assert_int_equal(tl_store_tpm_bind(s, &t, NULL), TL_OK);
	for (int i = 0; i < TL_FORGERIES_KEPT + 20; i++) {
		struct tl_attest_write w = write_of(v.id, 7000 + i, 0);
		w.verified = w.update_clock = false;
		assert_int_equal(tl_store_attest_commit(s, &w), TL_OK);
		newest = w.att.id;
	}
	assert_int_equal(tl_store_forgery_list(s, v.id, 0, 1000, count_att, &listed), TL_OK);
	assert_int_equal(listed, TL_FORGERIES_KEPT);
	assert_int_equal(tl_store_forgery_total(s, v.id, &total), TL_OK);
	assert_int_equal(total, TL_FORGERIES_KEPT + 20);
	struct seen first = { 0 };
	assert_int_equal(tl_store_forgery_list(s, v.id, 0, 1, att, &first), TL_OK);
	assert_true(first.ids[0] == newest);
	listed = 0;
	assert_int_equal(tl_store_attestation_list(s, v.id, 0, 1000, count_att, &listed), TL_OK);
	assert_int_equal(listed, 0);
	/* a forgery's nonce is spent for the TPM's own quote too, and the other way round */
	struct tl_attest_write own = write_of(v.id, 7000, 5);
	assert_int_equal(tl_store_attest_commit(s, &own), TL_E_STORE_CONFLICT);
	struct tl_attest_write own2 = write_of(v.id, 8000, 6);
	assert_int_equal(tl_store_attest_commit(s, &own2), TL_OK);
	struct tl_attest_write forged = write_of(v.id, 8000, 0);
	forged.verified = forged.update_clock = false;
	assert_int_equal(tl_store_attest_commit(s, &forged), TL_E_STORE_CONFLICT);
	assert_int_equal(tl_store_vm_delete(s, "t1", v.id), TL_OK);
	assert_int_equal(tl_store_forgery_total(s, v.id, &total), TL_OK);
	assert_int_equal(total, 0);
	tl_store_close(s);
}

static int groups(const struct tl_posture_count *c, void *arg)
{
	assert_int_equal(c->vms, 1);
	assert_int_equal(c->rec[TL_REC_GUEST_ATTESTATION], TL_STATUS_UNHEALTHY);
	assert_int_equal(c->rec[TL_REC_SECURE_BOOT], TL_STATUS_HEALTHY);
	assert_int_equal(c->assess, TL_STATUS_UNHEALTHY);
	assert_int_equal(c->cause, TL_ASSESS_STALE);
	(*(int *)arg)++;
	return TL_OK;
}

static int an_id(const char *id, void *arg)
{
	assert_string_equal(id, "44444444-0000-0000-0000-000000000001");
	(*(int *)arg)++;
	return TL_OK;
}

static int named(const struct tl_posture_row *r, const char *name, void *arg)
{
	(void)r;
	assert_string_equal(name, "p");
	(*(int *)arg)++;
	return TL_OK;
}

/* A Trusted Launch VM put and bound to a TPM, a recommendation.changed webhook added in its
 * tenant, and its posture row decided (not yet stored). */
static void posture_vm(struct tl_store *s, const struct tl_vm *v, const struct tl_webhook *hook,
		       struct tl_posture_row *row)
{
	struct tl_vm_tpm t;
	assert_int_equal(tl_store_vm_put(s, v), TL_OK);
	memset(&t, 0, sizeof(t));
	snprintf(t.vm_id, sizeof(t.vm_id), "%s", v->id);
	t.enrolled = 1700000000;
	assert_int_equal(tl_store_tpm_bind(s, &t, NULL), TL_OK);
	assert_int_equal(tl_store_webhook_add(s, hook), TL_OK);
	memset(row, 0, sizeof(*row));
	snprintf(row->vm_id, sizeof(row->vm_id), "%s", v->id);
	snprintf(row->tenant, sizeof(row->tenant), "%s", v->tenant);
	row->in = (struct tl_posture_vm){ .type = TL_SECTYPE_TRUSTED_LAUNCH, .secure_boot = true,
					  .vtpm = true, .size = TL_CAT_SUPPORTED,
					  .os_supported = true, .enrolled = true,
					  .attested_secure_boot = -1 };
	tl_posture_row_decide(row);
}

/* A VM's posture row: written when it changes (an attestation that changes nothing writes
 * nothing), each changed recommendation an event; counted and paged by index; gone with the
 * VM. And the lease: one holder at a time. */
static void store_posture_is_written_on_change(void **state)
{
	struct tl_store *s = open_store();
	struct tl_vm v = vm("44444444-0000-0000-0000-000000000001", "t-posture", "p");
	struct tl_posture_row row, got;
	struct tl_webhook hook = { "44444444-0000-0000-0000-0000000000aa", "t-posture",
				   "http://127.0.0.1:1/x", "admin",
				   "[\"recommendation.changed\"]", "whsec_AAAA", 1700000000 };
	int64_t pending0 = 0, pending = 0;
	bool changed = false, held = false;
	int n = 0;
	(void)state;
	posture_vm(s, &v, &hook, &row);
	assert_int_equal(tl_store_posture_put(s, &row, 1, 1700000000, &changed), TL_OK);
	assert_int_equal(tl_store_posture_get(s, v.id, &got), TL_OK);
	assert_string_equal(got.cause, "no_attestation_yet");
	assert_int_equal(tl_store_outbox_pending(s, &pending0), TL_OK);
	/* attested healthy: written once; the same again writes nothing */
	for (int i = 0; i < 2; i++) {
		struct tl_attest_write w = write_of(v.id, 9000 + i, (uint64_t)(10 + i));
		w.posture = true;
		w.attested_sb = 1;
		assert_int_equal(tl_store_attest_commit(s, &w), TL_OK);
		assert_int_equal(tl_store_posture_get(s, v.id, &got), TL_OK);
		assert_string_equal(got.cause, "healthy");
		assert_int_equal(got.version, 2);
	}
	assert_int_equal(tl_store_outbox_pending(s, &pending), TL_OK);
	assert_int_equal(pending, pending0); /* no recommendation changed */
	/* silent: guest-attestation unhealthy, one event */
	assert_int_equal(tl_store_posture_stale(s, 1700000000, 10, an_id, &n), TL_OK);
	assert_int_equal(n, 0); /* attested at 1700000000: not older than that */
	assert_int_equal(tl_store_posture_stale(s, 1700000001, 10, an_id, &n), TL_OK);
	assert_int_equal(n, 1);
	n = 0;
	got.stale = true;
	tl_posture_row_decide(&got);
	assert_int_equal(tl_store_posture_put(s, &got, 1, 1700000100, &changed), TL_OK);
	assert_true(changed);
	assert_int_equal(tl_store_posture_get(s, v.id, &got), TL_OK);
	assert_int_equal(got.rec[TL_REC_GUEST_ATTESTATION], TL_STATUS_UNHEALTHY);
	assert_string_equal(got.cause, "stale");
	assert_int_equal(tl_store_outbox_pending(s, &pending), TL_OK);
	assert_int_equal(pending, pending0 + 1);
	assert_int_equal(tl_store_posture_counts(s, "t-posture", groups, &n), TL_OK);
	assert_int_equal(n, 1);
	n = 0;
	assert_int_equal(tl_store_posture_page(s, "t-posture", TL_REC_GUEST_ATTESTATION,
					       TL_STATUS_UNHEALTHY, 0, NULL, 10, named, &n), TL_OK);
	assert_int_equal(n, 1);
	n = 0;
	assert_int_equal(tl_store_posture_page(s, "*", TL_REC_GUEST_ATTESTATION,
					       TL_STATUS_HEALTHY, 0, NULL, 10, named, &n), TL_OK);
	assert_int_equal(n, 0);
	assert_int_equal(tl_store_vm_delete(s, "t-posture", v.id), TL_OK);
	assert_int_equal(tl_store_posture_get(s, v.id, &got), TL_E_STORE_NOT_FOUND);
	assert_int_equal(tl_store_webhook_delete(s, "t-posture", hook.id), TL_OK);
	/* the lease: one holder, until it runs out or is given up */
	assert_int_equal(tl_store_lease(s, "test", "a", 100, 10, &held), TL_OK);
	assert_true(held);
	assert_int_equal(tl_store_lease(s, "test", "b", 105, 10, &held), TL_OK);
	assert_false(held);
	assert_int_equal(tl_store_lease(s, "test", "a", 105, 10, &held), TL_OK);
	assert_true(held);
	assert_int_equal(tl_store_lease(s, "test", "b", 116, 10, &held), TL_OK);
	assert_true(held);
	assert_int_equal(tl_store_lease_release(s, "test", "b"), TL_OK);
	assert_int_equal(tl_store_lease(s, "test", "a", 117, 10, &held), TL_OK);
	assert_true(held);
	assert_int_equal(tl_store_lease_release(s, "test", "a"), TL_OK);
	tl_store_close(s);
}

static int revoc_groups(const struct tl_posture_count *c, void *arg)
{
	assert_int_equal(c->vms, 1);
	assert_int_equal(c->rec[TL_REC_SECURE_BOOT], TL_STATUS_HEALTHY);
	assert_int_equal(c->rec[TL_REC_VTPM], TL_STATUS_HEALTHY);
	assert_int_equal(c->rec[TL_REC_GUEST_ATTESTATION], TL_STATUS_HEALTHY);
	assert_int_equal(c->rec[TL_REC_REVOCATIONS], *(int *)arg);
	assert_int_equal(c->assess, TL_STATUS_HEALTHY);
	assert_int_equal(c->cause, TL_ASSESS_HEALTHY);
	*(int *)arg = -1; /* one group */
	return TL_OK;
}

static int revoc_named(const struct tl_posture_row *r, const char *name, void *arg)
{
	assert_string_equal(name, "r");
	assert_int_equal(r->rec[TL_REC_REVOCATIONS], TL_STATUS_UNHEALTHY);
	assert_int_equal(r->in.revocations.status, TL_STATUS_UNHEALTHY);
	(*(int *)arg)++;
	return TL_OK;
}

/* An attestation of vm_id whose boot had that revocation status: the posture's version after. */
static int64_t attest_revoc(struct tl_store *s, const char *vm_id, int n, enum tl_status st)
{
	struct tl_posture_row got;
	struct tl_attest_write w = write_of(vm_id, n, (uint64_t)n);
	w.posture = true;
	w.attested_sb = 1;
	w.revocations = st;
	assert_int_equal(tl_store_attest_commit(s, &w), TL_OK);
	assert_int_equal(tl_store_posture_get(s, vm_id, &got), TL_OK);
	assert_int_equal(got.rec[TL_REC_REVOCATIONS], st);
	assert_int_equal(got.in.revocations.status, st);
	return got.version;
}

/* revocations-current is stored like the others: the attestation's status written only when
 * it changes, each change an event, counted (its place in counts_key) and paged by index. */
static void store_posture_keeps_revocations(void **state)
{
	struct tl_store *s = open_store();
	struct tl_vm v = vm("44444444-0000-0000-0000-000000000002", "t-revoc", "r");
	struct tl_posture_row row;
	struct tl_webhook hook = { "44444444-0000-0000-0000-0000000000ab", "t-revoc",
				   "http://127.0.0.1:1/x", "admin",
				   "[\"recommendation.changed\"]", "whsec_AAAA", 1700000000 };
	int64_t pending0 = 0, pending = 0, version;
	int n = 0, want;
	(void)state;
	posture_vm(s, &v, &hook, &row);
	assert_int_equal(row.rec[TL_REC_REVOCATIONS], TL_STATUS_NOT_APPLICABLE);
	assert_int_equal(tl_store_posture_put(s, &row, 1, 1700000000, NULL), TL_OK);
	/* attested healthy, its revocations not checked (no revocation data) */
	version = attest_revoc(s, v.id, 20001, TL_STATUS_NOT_APPLICABLE);
	assert_int_equal(tl_store_outbox_pending(s, &pending0), TL_OK);
	want = TL_STATUS_NOT_APPLICABLE;
	assert_int_equal(tl_store_posture_counts(s, "t-revoc", revoc_groups, &want), TL_OK);
	assert_int_equal(want, -1);
	/* the boot lacks revocations: written, one event; the same again writes nothing */
	assert_int_equal(attest_revoc(s, v.id, 20002, TL_STATUS_UNHEALTHY), version + 1);
	assert_int_equal(attest_revoc(s, v.id, 20003, TL_STATUS_UNHEALTHY), version + 1);
	assert_int_equal(tl_store_outbox_pending(s, &pending), TL_OK);
	assert_int_equal(pending, pending0 + 1);
	want = TL_STATUS_UNHEALTHY;
	assert_int_equal(tl_store_posture_counts(s, "t-revoc", revoc_groups, &want), TL_OK);
	assert_int_equal(want, -1);
	want = TL_STATUS_UNHEALTHY;
	assert_int_equal(tl_store_posture_counts(s, "*", revoc_groups, &want), TL_OK);
	assert_int_equal(tl_store_posture_page(s, "t-revoc", TL_REC_REVOCATIONS,
					       TL_STATUS_UNHEALTHY, 0, NULL, 10, revoc_named, &n),
			 TL_OK);
	assert_int_equal(tl_store_posture_page(s, "*", TL_REC_REVOCATIONS, TL_STATUS_UNHEALTHY, 0,
					       NULL, 10, revoc_named, &n),
			 TL_OK);
	assert_int_equal(n, 2);
	assert_int_equal(tl_store_posture_page(s, "*", TL_REC_REVOCATIONS, TL_STATUS_HEALTHY, 0,
					       NULL, 10, revoc_named, &n),
			 TL_OK);
	assert_int_equal(n, 2);
	/* updated: healthy again, one more event */
	assert_int_equal(attest_revoc(s, v.id, 20004, TL_STATUS_HEALTHY), version + 2);
	assert_int_equal(tl_store_outbox_pending(s, &pending), TL_OK);
	assert_int_equal(pending, pending0 + 2);
	want = TL_STATUS_HEALTHY;
	assert_int_equal(tl_store_posture_counts(s, "t-revoc", revoc_groups, &want), TL_OK);
	assert_int_equal(want, -1);
	assert_int_equal(tl_store_vm_delete(s, "t-revoc", v.id), TL_OK);
	assert_int_equal(tl_store_webhook_delete(s, "t-revoc", hook.id), TL_OK);
	tl_store_close(s);
}

static int old_group(const struct tl_posture_count *c, void *arg)
{
	assert_int_equal(c->vms, 1);
	assert_int_equal(c->rec[TL_REC_SECURE_BOOT], TL_STATUS_HEALTHY);
	assert_int_equal(c->rec[TL_REC_VTPM], TL_STATUS_HEALTHY);
	assert_int_equal(c->rec[TL_REC_GUEST_ATTESTATION], TL_STATUS_UNHEALTHY);
	assert_int_equal(c->rec[TL_REC_REVOCATIONS], TL_STATUS_NOT_APPLICABLE);
	assert_int_equal(c->assess, TL_STATUS_UNHEALTHY);
	assert_int_equal(c->cause, TL_ASSESS_STALE);
	(*(int *)arg)++;
	return TL_OK;
}

static void sql(sqlite3 *db, const char *text)
{
	char *msg = NULL;
	if (sqlite3_exec(db, text, NULL, NULL, &msg) != SQLITE_OK)
		fail_msg("%s: %s", text, msg ? msg : "?");
}

/* A database of the schema before revocations-current was stored (its steps and the later
 * ones not run) with a posture row keyed the old way (three statuses, the assessment, the cause):
 * opened, the row is re-keyed and counts as it did, revocations-current not_applicable.
 * SQLite only: the step is the same SQL on PostgreSQL. */
static void store_posture_rekeyed_by_migration(void **state)
{
	char path[4200], ver[32], uri[4300];
	sqlite3 *db;
	struct tl_store *s;
	char err[256];
	int n = 0;
	(void)state;
	if (strncmp(url, "sqlite:", 7) != 0)
		skip();
	snprintf(path, sizeof(path), "%s.old", url + 7);
	unlink(path);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	size_t before = 0; /* the first step of revocations-current */
	while (before < tl_store_nmigrations &&
	       !strstr(tl_store_migrations[before], "ADD COLUMN attested_revoc"))
		before++;
	assert_true(before < tl_store_nmigrations);
	sql(db, "CREATE TABLE schema_version (version INTEGER NOT NULL)");
	for (size_t i = 0; i < before; i++)
		sql(db, tl_store_migrations[i]);
	snprintf(ver, sizeof(ver), "%zu", before);
	char *ins = sqlite3_mprintf("INSERT INTO schema_version VALUES (%s)", ver);
	sql(db, ins);
	sqlite3_free(ins);
	/* sb healthy, vtpm healthy, ga unhealthy, assessment unhealthy, stale (7):
	 * 1 + 3 + 9*2 + 27*2 + 81*7 */
	sql(db, "INSERT INTO vm_posture VALUES ('vm-old', 't-old', 1, 1, 1, 1, 0, 1, 1, 1, 1, 1, 1, "
		"1, 2, 2, 'stale', 3, 1700000000, 643)");
	sqlite3_close(db);
	snprintf(uri, sizeof(uri), "sqlite:%s", path);
	if (tl_store_open(uri, &s, err, sizeof(err)) != TL_OK)
		fail_msg("cannot open %s: %s", uri, err);
	assert_int_equal(tl_store_schema_version(s), (int)tl_store_nmigrations);
	assert_int_equal(tl_store_posture_counts(s, "t-old", old_group, &n), TL_OK);
	assert_int_equal(n, 1);
	tl_store_close(s);
	unlink(path);
}

int main(void)
{
	const char *u = getenv("TL_STORE_URL");
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(store_open_migrates_and_refuses_bad_urls),
		cmocka_unit_test(store_vms_are_kept_per_tenant),
		cmocka_unit_test(store_nonces_are_single_use),
		cmocka_unit_test(store_attestations_are_listed_newest_first),
		cmocka_unit_test(store_enrolment_binds_once),
		cmocka_unit_test(store_attest_commits_in_groups),
		cmocka_unit_test(store_vm_list_pages_by_cursor),
		cmocka_unit_test(store_vm_list_by_host_with_state),
		cmocka_unit_test(store_vm_host_counts_by_state_and_tenant),
		cmocka_unit_test(store_forgeries_are_bounded_and_apart),
		cmocka_unit_test(store_posture_is_written_on_change),
		cmocka_unit_test(store_posture_keeps_revocations),
		cmocka_unit_test(store_posture_rekeyed_by_migration),
	};
	if (u && *u) {
		snprintf(url, sizeof(url), "%s", u);
	} else {
		char dir[] = "/tmp/tl-store-XXXXXX";
		if (!mkdtemp(dir))
			return 2;
		snprintf(url, sizeof(url), "sqlite:%s/store.db", dir);
	}
	printf("store: %s\n", strncmp(url, "sqlite:", 7) == 0 ? url : "postgresql (throwaway cluster)");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
