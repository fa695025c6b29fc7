/* One error space: every code in TL_ERR_CODES has its own value and its own name, and the
 * codes of the service (store, nonces) are named as what they are. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "trustlaunch/err.h"

#define CODE(sym, val) { sym, #sym },
static const struct {
	int err;
	const char *sym;
} codes[] = { TL_ERR_CODES(CODE) };
#undef CODE
#define NCODES (sizeof(codes) / sizeof(codes[0]))

static void err_codes_values_are_distinct(void **state)
{
	(void)state;
	for (size_t i = 0; i < NCODES; i++)
		for (size_t j = i + 1; j < NCODES; j++)
			if (codes[i].err == codes[j].err)
				fail_msg("%s and %s are both %d", codes[i].sym, codes[j].sym,
					 codes[i].err);
}

static void err_name_every_code_has_a_distinct_name(void **state)
{
	(void)state;
	for (size_t i = 0; i < NCODES; i++) {
		const char *a = tl_err_name(codes[i].err);
		if (strcmp(a, "unknown") == 0 || strcmp(tl_err_msg(codes[i].err), "unknown error") == 0)
			fail_msg("%s has no name or sentence in err.c", codes[i].sym);
		for (size_t j = i + 1; j < NCODES; j++)
			if (strcmp(a, tl_err_name(codes[j].err)) == 0)
				fail_msg("%s and %s are both named %s", codes[i].sym, codes[j].sym, a);
	}
}

/* err.c's table names each code once, and nothing else */
static void err_table_has_one_entry_per_code(void **state)
{
	size_t n = 0;
	int err;
	(void)state;
	while (tl_err_table_at(n, &err)) {
		size_t found = 0;
		for (size_t i = 0; i < NCODES; i++)
			found += codes[i].err == err;
		assert_int_equal(found, 1);
		n++;
	}
	assert_int_equal(n, NCODES);
}

static void err_name_store_conflict_is_a_store_name(void **state)
{
	(void)state;
	assert_string_equal(tl_err_name(TL_E_STORE_CONFLICT), "store.conflict");
	assert_string_equal(tl_err_name(TL_E_TPM_HANDLE), "tpm.handle");
	assert_string_equal(tl_err_name(TL_E_NONCE_FORGED), "nonce.invalid");
	assert_string_equal(tl_err_name(TL_E_HTTP_MALFORMED), "http.malformed");
	assert_int_not_equal(TL_E_STORE_CONFLICT, TL_E_TPM_HANDLE);
	assert_int_not_equal(TL_E_NONCE_FORGED, TL_E_HTTP_MALFORMED);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(err_codes_values_are_distinct),
		cmocka_unit_test(err_name_every_code_has_a_distinct_name),
		cmocka_unit_test(err_table_has_one_entry_per_code),
		cmocka_unit_test(err_name_store_conflict_is_a_store_name),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
