/* The event-log cache (log_cache.c): entries by the log's bytes and by the base64 text they
 * were decoded from; logs that do not parse are never kept. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "../unit/logbuild.h"
#include "trustlaunch/hash.h"
#include "verdict.h"

static void key_of(const char *text, uint8_t key[32])
{
	uint8_t d[TL_MAX_DIGEST];
	assert_int_equal(tl_hash(TL_ALG_SHA256, text, strlen(text), d), TL_OK);
	memcpy(key, d, 32);
}

static void log_of(struct lb *b, const char *what)
{
	memset(b, 0, sizeof(*b));
	lb_sha256_log(b);
	lb_event(b, 4, 0x80000003u /* EV_EFI_BOOT_SERVICES_APPLICATION */, what, strlen(what));
}

static void log_cache_finds_by_bytes_and_by_text(void **state)
{
	struct lb a, b;
	uint8_t ta[32], tb[32], other[32], bytes[TL_MAX_DIGEST];
	struct tl_log_entry *e, *f;
	struct tl_diag diag;
	(void)state;
	log_of(&a, "shim");
	log_of(&b, "grub");
	key_of("text of a", ta);
	key_of("text of a, written otherwise", tb);
	key_of("never seen", other);
	assert_null(tl_log_entry_find_text(ta));
	assert_int_equal(tl_log_entry_get(a.buf, a.len, ta, &e, &diag), TL_OK);
	/* the key of the record is the bytes' SHA-256, whatever text they came in */
	assert_int_equal(tl_hash(TL_ALG_SHA256, a.buf, a.len, bytes), TL_OK);
	assert_memory_equal(tl_log_entry_sha256(e), bytes, 32);
	assert_ptr_equal((f = tl_log_entry_find_text(ta)), e);
	tl_log_entry_put(f);
	assert_null(tl_log_entry_find_text(other));
	/* the same bytes from another text: found by the bytes, then by that text */
	assert_int_equal(tl_log_entry_get(a.buf, a.len, tb, &f, &diag), TL_OK);
	assert_ptr_equal(f, e);
	tl_log_entry_put(f);
	assert_ptr_equal((f = tl_log_entry_find_text(tb)), e);
	tl_log_entry_put(f);
	/* other bytes are another entry */
	assert_int_equal(tl_log_entry_get(b.buf, b.len, NULL, &f, &diag), TL_OK);
	assert_ptr_not_equal(f, e);
	tl_log_entry_put(f);
	tl_log_entry_put(e);
	lb_free(&a);
	lb_free(&b);
}

static void log_cache_keeps_no_log_that_does_not_parse(void **state)
{
	struct lb a;
	uint8_t t[32];
	struct tl_log_entry *e = NULL;
	struct tl_diag diag;
	(void)state;
	log_of(&a, "shim");
	a.len -= 3; /* the last event cut short */
	key_of("text of a cut log", t);
	assert_int_not_equal(tl_log_entry_get(a.buf, a.len, t, &e, &diag), TL_OK);
	assert_null(e);
	assert_null(tl_log_entry_find_text(t));
	lb_free(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(log_cache_finds_by_bytes_and_by_text),
		cmocka_unit_test(log_cache_keeps_no_log_that_does_not_parse),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
