/* Base64 and base64url: RFC 4648 vectors, round trips, and every way a text can be refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "trustlaunch/b64.h"

static const struct {
	const char *raw, *std, *url;
} rfc4648[] = {
	{ "", "", "" },
	{ "f", "Zg==", "Zg" },
	{ "fo", "Zm8=", "Zm8" },
	{ "foo", "Zm9v", "Zm9v" },
	{ "foob", "Zm9vYg==", "Zm9vYg" },
	{ "fooba", "Zm9vYmE=", "Zm9vYmE" },
	{ "foobar", "Zm9vYmFy", "Zm9vYmFy" },
};

static int dec(int url, const char *s, uint8_t *out, size_t max, size_t *n)
{
	return url ? tl_b64url_decode(s, strlen(s), out, max, n)
		   : tl_b64_decode(s, strlen(s), out, max, n);
}

static void b64_encode_decode_match_rfc4648_vectors(void **state)
{
	char text[16];
	uint8_t raw[16];
	size_t n;
	(void)state;
	for (size_t i = 0; i < sizeof(rfc4648) / sizeof(rfc4648[0]); i++) {
		size_t len = strlen(rfc4648[i].raw);
		assert_int_equal(tl_b64_encode((const uint8_t *)rfc4648[i].raw, len, text,
					       sizeof(text)), TL_OK);
		assert_string_equal(text, rfc4648[i].std);
		assert_int_equal(tl_b64_encoded_len(len), strlen(rfc4648[i].std));
		assert_int_equal(tl_b64url_encode((const uint8_t *)rfc4648[i].raw, len, text,
						  sizeof(text)), TL_OK);
		assert_string_equal(text, rfc4648[i].url);
		assert_int_equal(tl_b64url_encoded_len(len), strlen(rfc4648[i].url));
		assert_int_equal(dec(0, rfc4648[i].std, raw, sizeof(raw), &n), TL_OK);
		assert_int_equal(n, len);
		assert_memory_equal(raw, rfc4648[i].raw, len);
		assert_int_equal(dec(1, rfc4648[i].url, raw, sizeof(raw), &n), TL_OK);
		assert_int_equal(n, len);
		assert_memory_equal(raw, rfc4648[i].raw, len);
	}
}

static void b64_round_trips_every_byte_and_length(void **state)
{
	uint8_t in[256], out[256];
	char text[400];
	size_t n;
	(void)state;
	for (size_t i = 0; i < sizeof(in); i++)
		in[i] = (uint8_t)(255 - i);
	for (size_t len = 0; len <= sizeof(in); len++) {
		for (int url = 0; url < 2; url++) {
			int rc = url ? tl_b64url_encode(in, len, text, sizeof(text))
				     : tl_b64_encode(in, len, text, sizeof(text));
			assert_int_equal(rc, TL_OK);
			assert_int_equal(dec(url, text, out, len, &n), TL_OK);
			assert_int_equal(n, len);
			assert_memory_equal(out, in, len);
		}
	}
	/* the alphabets differ in the last two characters only */
	in[0] = 0xFB;
	in[1] = 0xFF;
	assert_int_equal(tl_b64_encode(in, 2, text, sizeof(text)), TL_OK);
	assert_string_equal(text, "+/8=");
	assert_int_equal(tl_b64url_encode(in, 2, text, sizeof(text)), TL_OK);
	assert_string_equal(text, "-_8");
}

static void b64_decode_rejects_non_canonical_text(void **state)
{
	static const char *const bad_std[] = {
		"Zg=",      /* padding short */
		"Zg",       /* padding missing */
		"Zg===",    /* padding long */
		"Z===",     /* one character cannot hold a byte */
		"====",     /* padding alone */
		"Zh==",     /* non-zero bits after the byte */
		"Zm9=",     /* non-zero bits after two bytes */
		"Zg==Zg==", /* data after padding */
		"Z=g=",     /* padding inside */
		"Zm 9v",    /* whitespace */
		"Zm9v\n",
		" Zm9v",
		"Zm9v\t",
		"Zm-v",     /* base64url characters */
		"Zm_v",
		"Zm9v.",
		"Zm9v\xc3\xa9",
	};
	static const char *const bad_url[] = {
		"Zg==", "Zg=", "Z", "Zm9vY", "Zh", "Zm9", "Zm+v", "Zm/v", "Zm9v ", "Zm\r\n9v", "Zm9v=",
	};
	uint8_t out[16];
	size_t n = 99;
	(void)state;
	for (size_t i = 0; i < sizeof(bad_std) / sizeof(bad_std[0]); i++) {
		assert_int_equal(dec(0, bad_std[i], out, sizeof(out), &n), TL_E_B64);
		assert_int_equal(n, 0);
	}
	for (size_t i = 0; i < sizeof(bad_url) / sizeof(bad_url[0]); i++) {
		n = 99;
		assert_int_equal(dec(1, bad_url[i], out, sizeof(out), &n), TL_E_B64);
		assert_int_equal(n, 0);
	}
	/* a NUL inside the given length is a character outside the alphabet */
	assert_int_equal(tl_b64url_decode("Zm\0v", 4, out, sizeof(out), &n), TL_E_B64);
}

static void b64_respects_output_bounds(void **state)
{
	uint8_t out[8];
	char text[9];
	size_t n;
	(void)state;
	assert_int_equal(dec(0, "Zm9vYmFy", out, 5, &n), TL_E_B64_SIZE);
	assert_int_equal(n, 0);
	assert_int_equal(dec(1, "Zm9vYmFy", out, 6, &n), TL_OK);
	assert_int_equal(dec(1, "Zg", NULL, 0, &n), TL_E_B64_SIZE);
	assert_int_equal(dec(1, "", NULL, 0, &n), TL_OK);
	/* the encoder needs room for the text and its NUL */
	assert_int_equal(tl_b64_encode((const uint8_t *)"foobar", 6, text, 8), TL_E_ARG);
	assert_string_equal(text, "");
	assert_int_equal(tl_b64_encode((const uint8_t *)"foobar", 6, text, 9), TL_OK);
	assert_int_equal(tl_b64url_encode((const uint8_t *)"fooba", 5, text, 7), TL_E_ARG);
	assert_int_equal(tl_b64url_encode((const uint8_t *)"fooba", 5, text, 8), TL_OK);
	assert_int_equal(tl_b64url_encode((const uint8_t *)"", 0, text, 0), TL_E_ARG);
}

/* The group-at-a-time path and the careful path agree, and a bad character anywhere is
 * refused, whatever its position relative to the groups. */
static void b64_long_inputs_round_trip_and_refuse_anywhere(void **state)
{
	static uint8_t in[700], out[700];
	static char text[1000];
	size_t len;
	(void)state;
	for (size_t i = 0; i < sizeof(in); i++)
		in[i] = (uint8_t)(i * 131 + 7);
	for (size_t n = 0; n <= sizeof(in); n += 37) {
		for (int url = 0; url < 2; url++) {
			if (url)
				assert_int_equal(tl_b64url_encode(in, n, text, sizeof(text)), TL_OK);
			else
				assert_int_equal(tl_b64_encode(in, n, text, sizeof(text)), TL_OK);
			size_t tl = strlen(text);
			int (*decode_fn)(const char *, size_t, uint8_t *, size_t, size_t *) =
				url ? tl_b64url_decode : tl_b64_decode;
			assert_int_equal(decode_fn(text, tl, out, sizeof(out), &len), TL_OK);
			assert_int_equal(len, n);
			assert_memory_equal(out, in, n);
			if (n > 0) /* one byte short of room */
				assert_int_equal(decode_fn(text, tl, out, n - 1, &len), TL_E_B64_SIZE);
			for (size_t at = 0; at < tl; at += 13) {
				char keep = text[at];
				text[at] = url ? '+' : '-';
				assert_int_equal(decode_fn(text, tl, out, sizeof(out), &len), TL_E_B64);
				text[at] = '=';
				if (keep != '=') /* padding where padding already was is no change */
					assert_int_not_equal(decode_fn(text, tl, out, sizeof(out), &len),
							     TL_OK);
				text[at] = keep;
			}
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(b64_long_inputs_round_trip_and_refuse_anywhere),
		cmocka_unit_test(b64_encode_decode_match_rfc4648_vectors),
		cmocka_unit_test(b64_round_trips_every_byte_and_length),
		cmocka_unit_test(b64_decode_rejects_non_canonical_text),
		cmocka_unit_test(b64_respects_output_bounds),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
