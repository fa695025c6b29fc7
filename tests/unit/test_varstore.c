/* OVMF variable stores (from Debian's ovmf package, installed by scripts/bootstrap): the
 * Secure Boot variables are found; every truncation of the variable area and every flipped
 * byte of its headers is refused or read within bounds. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "trustlaunch/varstore.h"

#define MS_VARS "/usr/share/OVMF/OVMF_VARS_4M.ms.fd"

static uint8_t *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *b;
	long n;
	if (!f)
		fail_msg("%s is missing (scripts/bootstrap installs ovmf)", path);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	b = malloc((size_t)n);
	assert_non_null(b);
	assert_int_equal(fread(b, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*len = (size_t)n;
	return b;
}

static void varstore_get_finds_secure_boot_keys(void **state)
{
	size_t len, n;
	uint8_t *fd = slurp(MS_VARS, &len);
	struct tl_bytes db, pk, none;
	(void)state;
	assert_int_equal(tl_varstore_get((struct tl_bytes){ fd, len }, &TL_GUID_IMAGE_SECURITY_DB,
					 "db", &db), TL_OK);
	assert_int_equal(tl_esl_count(db, &n), TL_OK);
	assert_int_equal(n, 2); /* Microsoft's Windows PCA 2011 and UEFI CA 2011 */
	assert_int_equal(tl_varstore_get((struct tl_bytes){ fd, len }, &TL_GUID_GLOBAL_VARIABLE,
					 "PK", &pk), TL_OK);
	assert_int_equal(tl_varstore_get((struct tl_bytes){ fd, len }, &TL_GUID_GLOBAL_VARIABLE,
					 "NoSuchVar", &none), TL_E_VARSTORE_MISSING);
	assert_null(none.ptr);
	/* the whole variable: attributes (after State and Reserved), the TimeStamp of 2025 */
	struct tl_var_entry v;
	assert_int_equal(tl_varstore_find((struct tl_bytes){ fd, len }, &TL_GUID_IMAGE_SECURITY_DB,
					  "db", &v), TL_OK);
	assert_int_equal(v.attributes, 0x27); /* NV | BS | RT | TIME_BASED_AUTHENTICATED */
	assert_int_equal(v.timestamp.len, 16);
	assert_true(tl_bytes_has_prefix(v.timestamp, "\xe9\x07")); /* 2025 */
	assert_int_equal(v.raw.len, 60 + 6 + v.data.len);
	assert_false(v.in_transition);
	/* not a store at all */
	assert_int_equal(tl_varstore_get((struct tl_bytes){ fd, 40 }, &TL_GUID_GLOBAL_VARIABLE,
					 "PK", &pk), TL_E_VARSTORE);
	free(fd);
}

static void varstore_walk_survives_truncation_and_corruption(void **state)
{
	size_t len;
	uint8_t *fd = slurp(MS_VARS, &len);
	struct tl_bytes db;
	(void)state;
	/* the variables live in the first 16 KiB */
	for (size_t n = 0; n < 16384; n += 7) {
		int err = tl_varstore_get((struct tl_bytes){ fd, n }, &TL_GUID_IMAGE_SECURITY_DB, "db",
					  &db);
		if (err == TL_OK)
			assert_true(db.ptr >= fd && db.ptr + db.len <= fd + n);
	}
	for (size_t i = 0; i < 16384; i += 5) {
		uint8_t *copy = malloc(len);
		memcpy(copy, fd, len);
		copy[i] ^= 0xA5;
		int err = tl_varstore_get((struct tl_bytes){ copy, len }, &TL_GUID_IMAGE_SECURITY_DB,
					  "db", &db);
		if (err == TL_OK)
			assert_true(db.ptr >= copy && db.ptr + db.len <= copy + len);
		free(copy);
	}
	free(fd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(varstore_get_finds_secure_boot_keys),
		cmocka_unit_test(varstore_walk_survives_truncation_and_corruption),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
