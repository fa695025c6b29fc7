/* The signed token's claims as trustlaunchd builds them (tl_attest_claims): the service's own
 * (iss, sub, jti, iat, exp, nonce, os) and the verdict's, decided from the typed verdict. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "verdict.h"

/* A verdict as the pipeline leaves it: quoted 0-7, facts with Secure Boot on and db/dbx. */
static void verdict(struct tl_verdict *v, bool healthy, uint32_t differs)
{
	memset(v, 0, sizeof(*v));
	v->quote_verified = true;
	v->healthy = healthy;
	v->quoted_pcrs = 0xFF;
	v->differs = differs;
	v->failed = differs ? TL_CHECK_BIT(TL_CHECK_BASELINE_DIFFERS) : 0;
	v->facts = json_pack("{s:{s:b,s:[s],s:[s]},s:s}", "secureboot", "enabled", 1, "db", "a",
			     "dbx", "b", "kernel_cmdline", "ro");
}

static void attest_claims_carries_service_and_verdict_claims(void **state)
{
	struct tl_evidence ev;
	struct tl_verdict v;
	json_t *c;
	(void)state;
	memset(&ev, 0, sizeof(ev));
	memset(ev.nonce, 0xab, sizeof(ev.nonce));
	ev.os = json_pack("{s:s}", "id", "debian");
	verdict(&v, true, 0);
	c = tl_attest_claims("https://tl.example", 3600, "vm-1", &ev, &v, 42, 1000);
	assert_non_null(c);
	assert_string_equal(json_string_value(json_object_get(c, "iss")), "https://tl.example");
	assert_string_equal(json_string_value(json_object_get(c, "sub")), "vm-1");
	assert_string_equal(json_string_value(json_object_get(c, "jti")), "42");
	assert_int_equal(json_integer_value(json_object_get(c, "iat")), 1000);
	assert_int_equal(json_integer_value(json_object_get(c, "exp")), 4600);
	assert_int_equal(strlen(json_string_value(json_object_get(c, "nonce"))), 64);
	assert_string_equal(json_string_value(json_object_get(c, "verdict")), "healthy");
	assert_true(json_is_true(json_object_get(c, "secure_boot")));
	assert_true(json_is_true(json_object_get(c, "db_validated")));
	assert_true(json_is_true(json_object_get(c, "dbx_validated")));
	assert_int_equal(json_array_size(json_object_get(c, "pcrs")), 8);
	assert_string_equal(json_string_value(json_object_get(json_object_get(c, "os"), "id")),
			    "debian");
	json_decref(c);
	json_decref(v.facts);
	json_decref(ev.os);
}

static void attest_claims_dbx_change_leaves_db_validated(void **state)
{
	struct tl_evidence ev;
	struct tl_verdict v;
	json_t *c;
	(void)state;
	memset(&ev, 0, sizeof(ev));
	verdict(&v, false, TL_COMP_BIT(TL_COMP_SB_DBX));
	c = tl_attest_claims("https://tl.example", 60, "vm-1", &ev, &v, 1, 0);
	assert_string_equal(json_string_value(json_object_get(c, "verdict")), "unhealthy");
	assert_true(json_is_true(json_object_get(c, "db_validated")));
	assert_true(json_is_false(json_object_get(c, "dbx_validated")));
	assert_null(json_object_get(c, "os")); /* only when the guest sent it */
	json_decref(c);
	json_decref(v.facts);
	verdict(&v, false, TL_COMP_BIT(TL_COMP_SB_DB));
	c = tl_attest_claims("https://tl.example", 60, "vm-1", &ev, &v, 1, 0);
	assert_true(json_is_false(json_object_get(c, "db_validated")));
	assert_true(json_is_true(json_object_get(c, "dbx_validated")));
	json_decref(c);
	json_decref(v.facts);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(attest_claims_carries_service_and_verdict_claims),
		cmocka_unit_test(attest_claims_dbx_change_leaves_db_validated),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
