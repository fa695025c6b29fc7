/* The store suite, run against each back end: TL_STORE_URL names the database (default: a
 * fresh SQLite file). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "store.h"

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
	assert_int_equal(tl_store_vm_list(s, "tenant-a", count, &n), TL_OK);
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
	assert_int_equal(tl_store_attestation_list(s, "vm-att", 3, att, &seen), TL_OK);
	assert_int_equal(seen.n, 3);
	assert_string_equal(seen.verdicts[0], "unhealthy");
	assert_true(seen.ids[0] > seen.ids[1] && seen.ids[1] > seen.ids[2]);
	tl_store_close(s);
}

int main(void)
{
	const char *u = getenv("TL_STORE_URL");
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(store_open_migrates_and_refuses_bad_urls),
		cmocka_unit_test(store_vms_are_kept_per_tenant),
		cmocka_unit_test(store_nonces_are_single_use),
		cmocka_unit_test(store_attestations_are_listed_newest_first),
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
