/* The bounded reader: every read on too little input fails, moves nothing, zeroes out. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "trustlaunch/rd.h"

static const uint8_t bytes[] = { 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09 };

static void rd_ints_read_both_endians(void **state)
{
	struct tl_rd rd;
	uint16_t u16;
	uint32_t u32;
	uint64_t u64;
	(void)state;
	tl_rd_init(&rd, bytes, sizeof(bytes));
	assert_int_equal(tl_rd_be16(&rd, &u16), TL_OK);
	assert_int_equal(u16, 0x0102);
	assert_int_equal(tl_rd_le16(&rd, &u16), TL_OK);
	assert_int_equal(u16, 0x0403);
	tl_rd_init(&rd, bytes, sizeof(bytes));
	assert_int_equal(tl_rd_be32(&rd, &u32), TL_OK);
	assert_int_equal(u32, 0x01020304);
	assert_int_equal(tl_rd_le32(&rd, &u32), TL_OK);
	assert_int_equal(u32, 0x08070605);
	tl_rd_init(&rd, bytes, sizeof(bytes));
	assert_int_equal(tl_rd_le64(&rd, &u64), TL_OK);
	assert_true(u64 == 0x0807060504030201ull);
	assert_int_equal(tl_rd_left(&rd), 1);
	assert_int_equal(tl_rd_end(&rd), TL_E_TRAILING);
}

static void rd_reads_fail_without_moving_on_truncated_input(void **state)
{
	(void)state;
	for (size_t len = 0; len < 8; len++) {
		struct tl_rd rd;
		uint8_t u8 = 0xAA;
		uint16_t u16 = 0xAAAA;
		uint32_t u32 = 0xAAAAAAAA;
		uint64_t u64 = 0xAAAAAAAAAAAAAAAAull;
		struct tl_bytes b = { bytes, 99 };
		struct tl_rd child;
		uint8_t copy[8] = { 0xAA };

		tl_rd_init(&rd, bytes, len);
		if (len < 1) {
			assert_int_equal(tl_rd_u8(&rd, &u8), TL_E_TRUNCATED);
			assert_int_equal(u8, 0);
		}
		if (len < 2) {
			assert_int_equal(tl_rd_be16(&rd, &u16), TL_E_TRUNCATED);
			assert_int_equal(u16, 0);
			assert_int_equal(tl_rd_le16(&rd, &u16), TL_E_TRUNCATED);
		}
		if (len < 4) {
			assert_int_equal(tl_rd_be32(&rd, &u32), TL_E_TRUNCATED);
			assert_int_equal(u32, 0);
			assert_int_equal(tl_rd_le32(&rd, &u32), TL_E_TRUNCATED);
		}
		assert_int_equal(tl_rd_le64(&rd, &u64), TL_E_TRUNCATED);
		assert_true(u64 == 0);
		assert_int_equal(tl_rd_be64(&rd, &u64), TL_E_TRUNCATED);
		assert_int_equal(tl_rd_bytes(&rd, len + 1, &b), TL_E_TRUNCATED);
		assert_null(b.ptr);
		assert_int_equal(b.len, 0);
		assert_int_equal(tl_rd_copy(&rd, copy, 8), TL_E_TRUNCATED);
		assert_int_equal(copy[0], 0);
		assert_int_equal(tl_rd_skip(&rd, len + 1), TL_E_TRUNCATED);
		assert_int_equal(tl_rd_sub(&rd, len + 1, &child), TL_E_TRUNCATED);
		assert_int_equal(tl_rd_left(&child), 0);
		assert_int_equal(rd.pos, 0);
	}
}

static void rd_tpm2b_rejects_oversize_and_truncation_without_moving(void **state)
{
	static const uint8_t t[] = { 0x00, 0x03, 'a', 'b' };
	static const uint8_t ok[] = { 0x00, 0x02, 'a', 'b' };
	struct tl_rd rd;
	struct tl_bytes b;
	(void)state;
	tl_rd_init(&rd, t, sizeof(t));
	assert_int_equal(tl_rd_tpm2b(&rd, 16, &b), TL_E_TRUNCATED);
	assert_int_equal(rd.pos, 0);
	assert_null(b.ptr);
	tl_rd_init(&rd, ok, sizeof(ok));
	assert_int_equal(tl_rd_tpm2b(&rd, 1, &b), TL_E_ARG);
	assert_int_equal(rd.pos, 0);
	assert_int_equal(tl_rd_tpm2b(&rd, 2, &b), TL_OK);
	assert_int_equal(b.len, 2);
	assert_int_equal(tl_rd_end(&rd), TL_OK);
}

static void rd_sub_bounds_the_child(void **state)
{
	struct tl_rd rd, child;
	uint32_t v;
	(void)state;
	tl_rd_init(&rd, bytes, sizeof(bytes));
	assert_int_equal(tl_rd_sub(&rd, 3, &child), TL_OK);
	assert_int_equal(tl_rd_le32(&child, &v), TL_E_TRUNCATED);
	assert_int_equal(child.pos, 0);
	assert_int_equal(rd.pos, 3);
}

static void rd_bytes_helpers_respect_bounds(void **state)
{
	struct tl_bytes b = { (const uint8_t *)"ab\0\0", 4 };
	(void)state;
	assert_int_equal(tl_bytes_rstrip_nul(b).len, 2);
	assert_int_equal(tl_bytes_at(b, 1), 'b');
	assert_int_equal(tl_bytes_at(b, 4), -1);
	assert_true(tl_bytes_has_prefix(b, "ab"));
	assert_false(tl_bytes_has_prefix(b, "ab\x01xx"));
	assert_true(tl_bytes_all((struct tl_bytes){ NULL, 0 }, 7));
	assert_true(tl_bytes_eq(b, "ab\0\0", 4));
	assert_false(tl_bytes_eq(b, "ab", 2));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(rd_ints_read_both_endians),
		cmocka_unit_test(rd_reads_fail_without_moving_on_truncated_input),
		cmocka_unit_test(rd_tpm2b_rejects_oversize_and_truncation_without_moving),
		cmocka_unit_test(rd_sub_bounds_the_child),
		cmocka_unit_test(rd_bytes_helpers_respect_bounds),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
