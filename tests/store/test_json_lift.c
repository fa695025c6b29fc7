/* The lift of large base64 strings out of JSON bodies: it must agree with jansson on every
 * body, lifting only top-level members whose value is a plain base64 string. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <jansson.h>

#include "json_lift.h"

static char big[TL_LIFT_MIN * 2 + 1];

/* Lifts event_log from text (with %s for the big base64 value); returns how many lifted.
 * agree: what the evidence parser parses (the rest, or the body when nothing was lifted) is
 * valid JSON exactly when the body is; nothing is handed out when nothing was cut; a lifted
 * value is the body's, and the rest is the body with "" in its place. valid: that parse is an object. */
static int lift_valid(const char *fmt, bool *agree, bool *valid)
{
	char body[4096];
	struct tl_lift l = { "event_log", { NULL, 0 }, 0 };
	size_t n;
	snprintf(body, sizeof(body), fmt, big, big);
	char *rest = tl_json_lift(body, strlen(body), &l, 1, &n);
	json_error_t e;
	json_t *a = json_loads(body, JSON_REJECT_DUPLICATES, &e);
	json_t *b = json_loads(rest ? rest : body, JSON_REJECT_DUPLICATES, &e);
	*agree = !a == !b;
	*valid = json_is_object(b); /* what tl_api_body takes */
	if (!rest)
		*agree = *agree && l.count == 0 && l.text.ptr == NULL;
	if (rest && a && l.count == 1) {
		*agree = *agree && json_string_length(json_object_get(a, "event_log")) == l.text.len &&
			 memcmp(json_string_value(json_object_get(a, "event_log")), l.text.ptr,
				l.text.len) == 0 &&
			 json_string_length(json_object_get(b, "event_log")) == 0;
		json_object_del(a, "event_log");
		json_object_del(b, "event_log");
		*agree = *agree && json_equal(a, b);
	}
	json_decref(a);
	json_decref(b);
	free(rest);
	return rest ? l.count : 0;
}

static int lift(const char *fmt, bool *agree)
{
	bool valid;
	return lift_valid(fmt, agree, &valid);
}

static void lift_takes_top_level_base64_only(void **state)
{
	bool agree;
	(void)state;
	memset(big, 'A', sizeof(big) - 1);
	assert_int_equal(lift("{\"nonce\":\"00\",\"event_log\":\"%s\"}", &agree), 1);
	assert_true(agree);
	assert_int_equal(lift(" { \"event_log\" : \"%s\" , \"x\" : [1, {\"a\":\"}\"}] } ", &agree), 1);
	assert_true(agree);
	/* nested, inside another string, escaped, short, not base64: left alone */
	assert_int_equal(lift("{\"o\":{\"event_log\":\"%s\"}}", &agree), 0);
	assert_int_equal(lift("{\"s\":\"\\\"event_log\\\":\\\"%s\"}", &agree), 0);
	assert_int_equal(lift("{\"event_log\":\"%s\\n\"}", &agree), 0);
	assert_int_equal(lift("{\"event_log\":\"QUFB\"}", &agree), 0);
	assert_int_equal(lift("{\"event_log\":\"%s!\"}", &agree), 0);
	assert_int_equal(lift("{\"event\\u005flog\":\"%s\"}", &agree), 0);
	/* duplicates: both lifted, and jansson still refuses the rest */
	assert_int_equal(lift("{\"event_log\":\"%s\",\"event_log\":\"%s\"}", &agree), 2);
	assert_true(agree);
	/* a name the lift does not read after a lifted value: nothing is handed out */
	assert_int_equal(lift("{\"event_log\":\"%s\",\"we\\\"ird\":1}", &agree), 0);
	assert_true(agree);
	/* malformed bodies: what the evidence parser parses is refused, and nothing lifted
	 * from a body the lift gave up on is handed out */
	const char *bad[] = { "{\"event_log\":\"%s\"", "{\"event_log\":\"%s\",}", "[\"%s\"]",
			      "{\"event_log\":\"%s\"}}", "{\"a\":tru,\"event_log\":\"%s\"}",
			      "{\"event_log\":\"%s\" \"b\":1}", "{\"event_log\":\"%s\",\"x\"}" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		bool valid = true;
		(void)lift_valid(bad[i], &agree, &valid);
		if (!agree || valid)
			fail_msg("malformed body %zu: agree %d, parsed as valid %d", i, agree, valid);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(lift_takes_top_level_base64_only),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
