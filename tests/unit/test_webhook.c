/* Webhook signatures (webhook.c) against the Standard Webhooks project's own test vector,
 * and the verifier's refusals. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "trustlaunch/webhook.h"

/* From the standard-webhooks reference libraries' tests. */
#define SECRET "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
#define MSG_ID "msg_p5jXN8AQM9LWM0D4loKWxJek"
#define TS 1614265330
#define BODY "{\"test\": 2432232314}"
#define SIG "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="

static void webhook_sign_matches_the_reference_vector(void **state)
{
	(void)state;
	uint8_t key[TL_WEBHOOK_MAX_KEY];
	size_t len;
	char sig[TL_WEBHOOK_SIG_TEXT];
	assert_int_equal(tl_webhook_secret_parse(SECRET, key, &len), TL_OK);
	assert_int_equal(len, 24);
	assert_int_equal(tl_webhook_sign(key, len, MSG_ID, TS, BODY, strlen(BODY), sig), TL_OK);
	assert_string_equal(sig, SIG);
}

static void webhook_verify_refuses_each_change(void **state)
{
	(void)state;
	uint8_t key[TL_WEBHOOK_MAX_KEY];
	size_t len;
	assert_int_equal(tl_webhook_secret_parse(SECRET, key, &len), TL_OK);
	assert_int_equal(tl_webhook_verify(key, len, MSG_ID, TS, BODY, strlen(BODY), SIG, TS, 300),
			 TL_OK);
	/* several signatures, one good (a secret being rotated) */
	assert_int_equal(tl_webhook_verify(key, len, MSG_ID, TS, BODY, strlen(BODY),
					   "v1,AAAA  " SIG " v2,x", TS + 299, 300),
			 TL_OK);
	assert_int_equal(tl_webhook_verify(key, len, MSG_ID, TS, "{\"test\": 2432232315}",
					   strlen(BODY), SIG, TS, 300),
			 TL_E_WEBHOOK_SIGNATURE);
	assert_int_equal(tl_webhook_verify(key, len, "msg_other", TS, BODY, strlen(BODY), SIG, TS,
					   300),
			 TL_E_WEBHOOK_SIGNATURE);
	assert_int_equal(tl_webhook_verify(key, len, MSG_ID, TS + 1, BODY, strlen(BODY), SIG,
					   TS + 1, 300),
			 TL_E_WEBHOOK_SIGNATURE);
	assert_int_equal(tl_webhook_verify(key, len, MSG_ID, TS, BODY, strlen(BODY), SIG,
					   TS + 301, 300),
			 TL_E_WEBHOOK_TIMESTAMP);
	assert_int_equal(tl_webhook_verify(key, len - 1, MSG_ID, TS, BODY, strlen(BODY), SIG, TS,
					   300),
			 TL_E_WEBHOOK_SIGNATURE);
	assert_int_equal(tl_webhook_verify(key, len, MSG_ID, TS, BODY, strlen(BODY),
					   "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE", TS, 300),
			 TL_E_WEBHOOK_SIGNATURE);
}

static void webhook_secret_parse_refuses_malformed(void **state)
{
	(void)state;
	uint8_t key[TL_WEBHOOK_MAX_KEY], made[TL_WEBHOOK_KEY_LEN];
	char text[TL_WEBHOOK_SECRET_TEXT];
	size_t len;
	static const char *const bad[] = { "", "whsec_", "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
					   "whsec_!!!!", "whsec_AAAA" /* 3 bytes */ };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(tl_webhook_secret_parse(bad[i], key, &len), TL_E_WEBHOOK_SECRET);
	assert_int_equal(tl_webhook_secret_new(made, text), TL_OK);
	assert_int_equal(tl_webhook_secret_parse(text, key, &len), TL_OK);
	assert_int_equal(len, TL_WEBHOOK_KEY_LEN);
	assert_memory_equal(key, made, len);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(webhook_sign_matches_the_reference_vector),
		cmocka_unit_test(webhook_verify_refuses_each_change),
		cmocka_unit_test(webhook_secret_parse_refuses_malformed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
