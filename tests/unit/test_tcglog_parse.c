/* Hostile event logs: each is refused with its own error, at the right place. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "logbuild.h"
#include "trustlaunch/hash.h"
#include "trustlaunch/tcglog.h"

static const uint8_t SEP0[4] = { 0, 0, 0, 0 };

static int parse(const struct lb *b, struct tl_diag *diag)
{
	struct tl_log *log = NULL;
	int err = tl_log_parse(b->buf, b->len, &log, diag);
	if (err == TL_OK)
		assert_non_null(log);
	else
		assert_null(log);
	tl_log_free(log);
	return err;
}

static void tcglog_parse_rejects_empty_log(void **state)
{
	struct tl_log *log = (struct tl_log *)1;
	struct tl_diag d;
	(void)state;
	assert_int_equal(tl_log_parse((const uint8_t *)"", 0, &log, &d), TL_E_LOG_EMPTY);
	assert_null(log);
	assert_int_equal(tl_log_parse(NULL, 10, &log, NULL), TL_E_LOG_EMPTY);
}

static void tcglog_parse_rejects_header_fragment(void **state)
{
	struct lb b = { 0 };
	struct tl_diag d;
	(void)state;
	lb_sha256_log(&b);
	b.len = 20; /* inside the first event's digest */
	assert_int_equal(parse(&b, &d), TL_E_LOG_TRUNCATED);
	b.len = 7; /* inside the first header word */
	assert_int_equal(parse(&b, &d), TL_E_LOG_TRUNCATED);
	lb_free(&b);
}

static void tcglog_parse_accepts_specid_only_log(void **state)
{
	struct lb b = { 0 };
	struct tl_log *log;
	(void)state;
	lb_sha256_log(&b);
	assert_int_equal(tl_log_parse(b.buf, b.len, &log, NULL), TL_OK);
	assert_int_equal(log->nevents, 0);
	assert_int_equal(log->format, TL_LOG_CRYPTO_AGILE);
	assert_int_equal(log->nbanks, 1);
	tl_log_free(log);
	lb_free(&b);
}

static void tcglog_parse_rejects_first_event_not_specid(void **state)
{
	struct lb b = { 0 };
	uint8_t loc[17] = "StartupLocality";
	static const uint8_t zero[20];
	(void)state;
	/* an EV_NO_ACTION first that is something else */
	lb_le32(&b, 0);
	lb_le32(&b, TL_EV_NO_ACTION);
	lb_put(&b, zero, sizeof(zero));
	lb_le32(&b, sizeof(loc));
	lb_put(&b, loc, sizeof(loc));
	assert_int_equal(parse(&b, NULL), TL_E_LOG_FIRST_NOT_SPECID);
	lb_free(&b);

	/* a crypto-agile log whose Spec ID event was cut off */
	struct lb full = { 0 }, cut = { 0 };
	size_t first;
	lb_sha256_log(&full);
	first = full.len;
	lb_event(&full, 0, TL_EV_S_CRTM_VERSION, "v\0", 2);
	lb_event(&full, 7, TL_EV_SEPARATOR, SEP0, 4);
	lb_put(&cut, full.buf + first, full.len - first);
	assert_int_equal(parse(&cut, NULL), TL_E_LOG_FIRST_NOT_SPECID);
	lb_free(&full);
	lb_free(&cut);
}

static void tcglog_parse_rejects_specid_without_algorithms(void **state)
{
	struct lb b = { 0 };
	(void)state;
	lb_specid(&b, NULL, NULL, 0);
	assert_int_equal(parse(&b, NULL), TL_E_LOG_SPECID_NO_ALGS);
	lb_free(&b);
}

static void tcglog_parse_rejects_specid_duplicate_algorithm(void **state)
{
	static const uint16_t algs[] = { TL_ALG_SHA256, TL_ALG_SHA1, TL_ALG_SHA256 };
	struct lb b = { 0 };
	(void)state;
	lb_specid(&b, algs, NULL, 3);
	assert_int_equal(parse(&b, NULL), TL_E_LOG_SPECID_DUP_ALG);
	lb_free(&b);
}

static void tcglog_parse_rejects_specid_wrong_digest_size(void **state)
{
	static const uint16_t algs[] = { TL_ALG_SHA256 };
	static const uint16_t sizes[] = { 20 };
	static const uint16_t unk[] = { 0x7777 };
	static const uint16_t huge[] = { 200 };
	struct lb b = { 0 };
	(void)state;
	lb_specid(&b, algs, sizes, 1);
	assert_int_equal(parse(&b, NULL), TL_E_LOG_SPECID_DIGEST_SIZE);
	lb_free(&b);
	lb_specid(&b, unk, huge, 1);
	assert_int_equal(parse(&b, NULL), TL_E_LOG_SPECID_DIGEST_SIZE);
	lb_free(&b);
}

static void tcglog_parse_rejects_specid_with_trailing_bytes(void **state)
{
	struct lb b = { 0 };
	(void)state;
	lb_sha256_log(&b);
	/* grow the Spec ID event's data by one byte that no field accounts for */
	b.buf[28]++;
	lb_u8(&b, 0);
	assert_int_equal(parse(&b, NULL), TL_E_LOG_SPECID_MALFORMED);
	lb_free(&b);
}

static void tcglog_parse_rejects_digest_count_mismatch(void **state)
{
	static const uint16_t algs[] = { TL_ALG_SHA1, TL_ALG_SHA256 };
	struct lb b = { 0 };
	struct tl_diag d;
	size_t at;
	(void)state;
	lb_specid(&b, algs, NULL, 2);
	lb_event(&b, 0, TL_EV_S_CRTM_VERSION, "ok", 2);
	at = b.len;
	b.nalgs = 1; /* the next event carries only the SHA-1 digest */
	lb_event(&b, 0, TL_EV_POST_CODE, "x", 1);
	assert_int_equal(parse(&b, &d), TL_E_LOG_DIGEST_COUNT);
	assert_int_equal(d.offset, at);
	assert_int_equal(d.event, 2);
	lb_free(&b);
}

static void tcglog_parse_rejects_digest_alg_mismatch(void **state)
{
	static const uint16_t algs[] = { TL_ALG_SHA256 };
	struct lb b = { 0 };
	(void)state;
	lb_specid(&b, algs, NULL, 1);
	b.alg[0] = TL_ALG_SHA1; /* an event digest in a bank the Spec ID did not declare */
	lb_event(&b, 0, TL_EV_POST_CODE, "x", 1);
	assert_int_equal(parse(&b, NULL), TL_E_LOG_DIGEST_ALG);
	lb_free(&b);

	/* the same declared bank twice in one event */
	static const uint16_t two[] = { TL_ALG_SHA1, TL_ALG_SHA256 };
	lb_specid(&b, two, NULL, 2);
	b.alg[1] = TL_ALG_SHA1;
	lb_event(&b, 0, TL_EV_POST_CODE, "x", 1);
	assert_int_equal(parse(&b, NULL), TL_E_LOG_DIGEST_ALG);
	lb_free(&b);
}

static void tcglog_parse_rejects_event_size_past_end(void **state)
{
	struct lb b = { 0 };
	struct tl_diag d;
	(void)state;
	lb_sha256_log(&b);
	lb_event(&b, 0, TL_EV_POST_CODE, "abcd", 4);
	b.len -= 1;
	assert_int_equal(parse(&b, &d), TL_E_LOG_EVENT_SIZE);
	assert_int_equal(d.event, 1);
	lb_free(&b);

	lb_sha256_log(&b);
	lb_event(&b, 0, TL_EV_POST_CODE, "abcd", 4);
	memset(b.buf + b.len - 8, 0xFF, 4); /* eventSize = 0xFFFFFFFF */
	assert_int_equal(parse(&b, NULL), TL_E_LOG_EVENT_SIZE);
	lb_free(&b);
}

static void tcglog_parse_rejects_pcr_index_24(void **state)
{
	struct lb b = { 0 };
	(void)state;
	lb_sha256_log(&b);
	lb_event(&b, 23, TL_EV_POST_CODE, "ok", 2);
	assert_int_equal(parse(&b, NULL), TL_OK);
	lb_event(&b, 24, TL_EV_POST_CODE, "no", 2);
	assert_int_equal(parse(&b, NULL), TL_E_LOG_PCR_INDEX);
	lb_free(&b);
}

static void tcglog_parse_rejects_no_action_with_digest(void **state)
{
	struct lb b = { 0 };
	(void)state;
	lb_sha256_log(&b);
	/* lb_event_digesting writes zero digests for EV_NO_ACTION; flip one byte */
	lb_event(&b, 0, TL_EV_NO_ACTION, "SP800-155 Event", 16);
	assert_int_equal(parse(&b, NULL), TL_OK);
	b.buf[b.len - 16 - 4 - 1] = 1;
	assert_int_equal(parse(&b, NULL), TL_E_LOG_NOACTION_DIGEST);
	lb_free(&b);
}

static void tcglog_parse_rejects_repeated_specid(void **state)
{
	struct lb b = { 0 };
	(void)state;
	lb_sha256_log(&b);
	lb_event(&b, 0, TL_EV_NO_ACTION, "Spec ID Event03", 16);
	assert_int_equal(parse(&b, NULL), TL_E_LOG_SPECID_REPEATED);
	lb_free(&b);
}

static void tcglog_replay_honours_startup_locality(void **state)
{
	struct lb b = { 0 };
	struct tl_log *log;
	struct tl_pcrs pcrs;
	uint8_t loc[17] = "StartupLocality", want[TL_MAX_DIGEST] = { 0 };
	(void)state;
	loc[16] = 3;
	lb_sha256_log(&b);
	lb_event(&b, 0, TL_EV_NO_ACTION, loc, sizeof(loc));
	lb_event(&b, 0, TL_EV_S_CRTM_VERSION, "v", 1);
	assert_int_equal(tl_log_parse(b.buf, b.len, &log, NULL), TL_OK);
	assert_true(log->has_locality);
	assert_int_equal(log->startup_locality, 3);
	assert_int_equal(tl_log_replay(log, &pcrs), TL_OK);
	/* PCR0 = H(00..03 || H("v")) */
	want[31] = 3;
	uint8_t h[TL_MAX_DIGEST];
	assert_int_equal(tl_hash(TL_ALG_SHA256, "v", 1, h), TL_OK);
	assert_int_equal(tl_extend(TL_ALG_SHA256, want, h), TL_OK);
	assert_memory_equal(pcrs.bank[0].pcr[0], want, 32);
	/* untouched PCRs hold their reset values; 17-22 reset to all ones */
	assert_int_equal(pcrs.bank[0].pcr[17][0], 0xFF);
	assert_int_equal(pcrs.bank[0].pcr[16][0], 0x00);
	assert_int_equal(pcrs.bank[0].extended, 1u);
	tl_log_free(log);

	/* a StartupLocality after PCR 0 was extended is refused */
	lb_event(&b, 0, TL_EV_NO_ACTION, loc, sizeof(loc));
	assert_int_equal(parse(&b, NULL), TL_E_EVENT_MALFORMED);
	lb_free(&b);
}

/* TPM 1.2-era SHA-1 logs may begin with their own "Spec ID Event00". */
static void tcglog_parse_accepts_legacy_log_with_specid00(void **state)
{
	struct lb b = { 0 };
	struct tl_log *log;
	uint8_t digest[20] = { 0 }, sep[TL_MAX_DIGEST];
	(void)state;
	lb_le32(&b, 0);
	lb_le32(&b, TL_EV_NO_ACTION);
	lb_put(&b, digest, 20);
	lb_le32(&b, 16);
	lb_put(&b, "Spec ID Event00", 16);
	assert_int_equal(tl_hash(TL_ALG_SHA1, "\0\0\0\0", 4, sep), TL_OK);
	lb_le32(&b, 7);
	lb_le32(&b, TL_EV_SEPARATOR);
	lb_put(&b, sep, 20);
	lb_le32(&b, 4);
	lb_put(&b, "\0\0\0\0", 4);
	assert_int_equal(tl_log_parse(b.buf, b.len, &log, NULL), TL_OK);
	assert_int_equal(log->format, TL_LOG_LEGACY_SHA1);
	assert_int_equal(log->nevents, 2);
	tl_log_free(log);
	lb_free(&b);
}

static void tcglog_parse_rejects_bad_specid_fields(void **state)
{
	struct lb b = { 0 };
	(void)state;
	lb_sha256_log(&b);
	b.buf[32 + 21] = 1; /* specVersionMajor */
	assert_int_equal(parse(&b, NULL), TL_E_LOG_SPECID_MALFORMED);
	b.buf[32 + 21] = 2;
	b.buf[32 + 23] = 3; /* uintnSize */
	assert_int_equal(parse(&b, NULL), TL_E_LOG_SPECID_MALFORMED);
	b.buf[32 + 23] = 2;
	b.buf[32 + 15] = 'x'; /* the signature's NUL */
	assert_int_equal(parse(&b, NULL), TL_E_LOG_SPECID_MALFORMED);
	lb_free(&b);

	uint8_t loc[17] = "StartupLocality";
	loc[16] = 2; /* only 0, 3 and 4 exist */
	lb_sha256_log(&b);
	lb_event(&b, 0, TL_EV_NO_ACTION, loc, sizeof(loc));
	assert_int_equal(parse(&b, NULL), TL_E_EVENT_MALFORMED);
	lb_free(&b);
}

static void tcglog_parse_rejects_oversized_log(void **state)
{
	struct tl_log *log;
	uint8_t *big = calloc(1, TL_MAX_LOG_SIZE + 1);
	(void)state;
	assert_non_null(big);
	assert_int_equal(tl_log_parse(big, TL_MAX_LOG_SIZE + 1, &log, NULL), TL_E_LOG_TOO_LARGE);
	free(big);
}

static void tcglog_parse_caps_event_count(void **state)
{
	struct lb b = { 0 };
	struct tl_log *log;
	static const uint16_t algs[] = { TL_ALG_SHA1 };
	(void)state;
	lb_specid(&b, algs, NULL, 1);
	for (unsigned i = 0; i <= TL_MAX_EVENTS; i++)
		lb_event(&b, 1, TL_EV_POST_CODE, NULL, 0);
	assert_true(b.len <= TL_MAX_LOG_SIZE);
	assert_int_equal(tl_log_parse(b.buf, b.len, &log, NULL), TL_E_LOG_TOO_MANY_EVENTS);
	lb_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(tcglog_parse_rejects_empty_log),
		cmocka_unit_test(tcglog_parse_rejects_header_fragment),
		cmocka_unit_test(tcglog_parse_accepts_specid_only_log),
		cmocka_unit_test(tcglog_parse_rejects_first_event_not_specid),
		cmocka_unit_test(tcglog_parse_rejects_specid_without_algorithms),
		cmocka_unit_test(tcglog_parse_rejects_specid_duplicate_algorithm),
		cmocka_unit_test(tcglog_parse_rejects_specid_wrong_digest_size),
		cmocka_unit_test(tcglog_parse_rejects_specid_with_trailing_bytes),
		cmocka_unit_test(tcglog_parse_rejects_digest_count_mismatch),
		cmocka_unit_test(tcglog_parse_rejects_digest_alg_mismatch),
		cmocka_unit_test(tcglog_parse_rejects_event_size_past_end),
		cmocka_unit_test(tcglog_parse_rejects_pcr_index_24),
		cmocka_unit_test(tcglog_parse_rejects_no_action_with_digest),
		cmocka_unit_test(tcglog_parse_rejects_repeated_specid),
		cmocka_unit_test(tcglog_replay_honours_startup_locality),
		cmocka_unit_test(tcglog_parse_accepts_legacy_log_with_specid00),
		cmocka_unit_test(tcglog_parse_rejects_bad_specid_fields),
		cmocka_unit_test(tcglog_parse_rejects_oversized_log),
		cmocka_unit_test(tcglog_parse_caps_event_count),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
