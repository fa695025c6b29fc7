/* Challenge nonces: sealed per VM, expiring, not forgeable. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "nonce.h"

static const uint8_t key[TL_NONCE_KEY_LEN] = { 1, 2, 3 };

static void nonce_check_accepts_its_own_nonce_in_time(void **state)
{
	uint8_t n[TL_NONCE_LEN];
	(void)state;
	assert_int_equal(tl_nonce_make(key, "vm-1", 1000, n), TL_OK);
	assert_int_equal(tl_nonce_check(key, "vm-1", n, 1000, 300), TL_OK);
	assert_int_equal(tl_nonce_check(key, "vm-1", n, 1300, 300), TL_OK);
	assert_int_equal(tl_nonce_check(key, "vm-1", n, 1301, 300), TL_E_NONCE_EXPIRED);
	assert_int_equal(tl_nonce_check(key, "vm-1", n, 900, 300), TL_E_NONCE_EXPIRED);
}

static void nonce_check_refuses_other_vm_key_and_bits(void **state)
{
	uint8_t n[TL_NONCE_LEN], other[TL_NONCE_KEY_LEN] = { 9 };
	(void)state;
	assert_int_equal(tl_nonce_make(key, "vm-1", 1000, n), TL_OK);
	assert_int_equal(tl_nonce_check(key, "vm-2", n, 1000, 300), TL_E_NONCE_FORGED);
	assert_int_equal(tl_nonce_check(other, "vm-1", n, 1000, 300), TL_E_NONCE_FORGED);
	for (size_t i = 0; i < TL_NONCE_LEN; i++) {
		n[i] ^= 0x10;
		assert_int_equal(tl_nonce_check(key, "vm-1", n, 1000, 300), TL_E_NONCE_FORGED);
		n[i] ^= 0x10;
	}
	/* moving the issue time (to extend its life) breaks the seal */
	n[7] ^= 1;
	assert_int_equal(tl_nonce_check(key, "vm-1", n, 1000, 300), TL_E_NONCE_FORGED);
}

/* issued later sorts later (the store's index of spent nonces grows at its end); two of the
 * same second still differ */
static void nonce_order_is_issue_order(void **state)
{
	uint8_t a[TL_NONCE_LEN], b[TL_NONCE_LEN], c[TL_NONCE_LEN];
	(void)state;
	assert_int_equal(tl_nonce_make(key, "vm-1", 1000, a), TL_OK);
	assert_int_equal(tl_nonce_make(key, "vm-1", 1000, b), TL_OK);
	assert_int_equal(tl_nonce_make(key, "vm-1", 1001, c), TL_OK);
	assert_true(memcmp(a, b, TL_NONCE_LEN) != 0);
	assert_true(memcmp(a, c, TL_NONCE_LEN) < 0);
	assert_true(memcmp(b, c, TL_NONCE_LEN) < 0);
}

static void write_file(const char *path, const void *p, size_t n, mode_t mode)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fwrite(p, 1, n, f), n);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(chmod(path, mode), 0);
}

/* a crash after O_CREAT used to leave a short key, read as a key; links were followed */
static void nonce_key_load_refuses_short_linked_or_loose_key(void **state)
{
	char dir[] = "/tmp/tl-nonce-XXXXXX", path[64], cmd[96];
	uint8_t k[TL_NONCE_KEY_LEN], again[TL_NONCE_KEY_LEN];
	struct stat st;
	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/nonce.key", dir);
	assert_int_equal(tl_nonce_key_load(dir, k), TL_OK); /* made */
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(st.st_size, TL_NONCE_KEY_LEN);
	assert_int_equal(tl_nonce_key_load(dir, again), TL_OK); /* read back */
	assert_memory_equal(k, again, sizeof(k));
	write_file(path, key, 5, 0600);
	assert_int_equal(tl_nonce_key_load(dir, k), TL_E_FILE_SIZE);
	write_file(path, key, sizeof(key), 0644);
	assert_int_equal(tl_nonce_key_load(dir, k), TL_E_FILE_MODE);
	assert_int_equal(unlink(path), 0);
	snprintf(cmd, sizeof(cmd), "%s/elsewhere", dir);
	write_file(cmd, key, sizeof(key), 0600);
	assert_int_equal(symlink(cmd, path), 0);
	assert_int_equal(tl_nonce_key_load(dir, k), TL_E_FILE_SYMLINK);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

/* the issue time a nonce carries (seconds and microseconds), in issue order; bytes that
 * cannot be a time (microseconds >= 10^6) say nothing (0) */
/* now read before the clock moved on: the nonce is of now's last microsecond, never of the
 * next second's first ones read as now's (it then looked older than a nonce issued before) */
static void nonce_make_keeps_issue_order_across_a_second(void **state)
{
	uint8_t past[TL_NONCE_LEN], future[TL_NONCE_LEN], cur[TL_NONCE_LEN];
	int64_t t = (int64_t)time(NULL);
	(void)state;
	assert_int_equal(tl_nonce_make(key, "vm-1", t - 5, past), TL_OK);
	assert_int_equal(tl_nonce_issued_us(past), (t - 5) * 1000000LL + 999999);
	assert_int_equal(tl_nonce_make(key, "vm-1", t + 5, future), TL_OK);
	assert_int_equal(tl_nonce_issued_us(future), (t + 5) * 1000000LL);
	assert_int_equal(tl_nonce_make(key, "vm-1", (int64_t)time(NULL), cur), TL_OK);
	assert_true(tl_nonce_issued_us(cur) > tl_nonce_issued_us(past));
}

static void nonce_issued_us_reads_the_issue_time(void **state)
{
	uint8_t a[TL_NONCE_LEN], c[TL_NONCE_LEN];
	(void)state;
	assert_int_equal(tl_nonce_make(key, "vm-1", 1000, a), TL_OK);
	assert_int_equal(tl_nonce_make(key, "vm-1", 1001, c), TL_OK);
	assert_true(tl_nonce_issued_us(a) >= 1000 * 1000000LL);
	assert_true(tl_nonce_issued_us(a) < 1001 * 1000000LL);
	assert_true(tl_nonce_issued_us(c) > tl_nonce_issued_us(a));
	memset(&a[8], 0xff, 4);
	assert_int_equal(tl_nonce_issued_us(a), 0);
	memset(a, 0xff, 8);
	assert_int_equal(tl_nonce_issued_us(a), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(nonce_check_accepts_its_own_nonce_in_time),
		cmocka_unit_test(nonce_check_refuses_other_vm_key_and_bits),
		cmocka_unit_test(nonce_order_is_issue_order),
		cmocka_unit_test(nonce_key_load_refuses_short_linked_or_loose_key),
		cmocka_unit_test(nonce_issued_us_reads_the_issue_time),
		cmocka_unit_test(nonce_make_keeps_issue_order_across_a_second),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
