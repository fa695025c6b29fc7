/* Text for a terminal: what a person reads is what the bytes say. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "trustlaunch/text.h"

static char *terminal(const char *in, size_t len)
{
	static char out[256];
	struct tl_buf b;
	tl_buf_init(&b, 4096);
	tl_buf_puts(&b, "");
	tl_text_terminal(&b, (struct tl_bytes){ (const uint8_t *)in, len });
	assert_int_equal(b.err, TL_OK);
	assert_true(b.len < sizeof(out));
	memcpy(out, tl_buf_str(&b), b.len + 1);
	tl_buf_free(&b);
	return out;
}

static void text_terminal_escapes_bidi_and_invisible_characters(void **state)
{
	(void)state;
	/* U+202E RIGHT-TO-LEFT OVERRIDE, U+2066 LRI, U+200F RLM, U+061C ALM, U+200B ZWSP,
	 * U+2028 LINE SEPARATOR, U+FEFF, U+E0041 TAG LATIN CAPITAL LETTER A */
	assert_string_equal(terminal("a\xe2\x80\xae" "b", 5), "a\\u202eb");
	assert_string_equal(terminal("\xe2\x81\xa6\xe2\x80\x8f\xd8\x9c", 8),
			    "\\u2066\\u200f\\u061c");
	assert_string_equal(terminal("\xe2\x80\x8b\xe2\x80\xa8\xef\xbb\xbf", 9),
			    "\\u200b\\u2028\\ufeff");
	assert_string_equal(terminal("\xf3\xa0\x81\x81", 4), "\\U000e0041");
}

static void text_terminal_escapes_controls_and_bytes_that_are_not_utf8(void **state)
{
	(void)state;
	assert_string_equal(terminal("\x1b[31m\x7f\n", 7), "\\x1b[31m\\x7f\\x0a");
	assert_string_equal(terminal("\xc2\x85\xc2\x9b", 4), "\\u0085\\u009b"); /* C1 (CSI) */
	assert_string_equal(terminal("\xc0\xaf\xff", 3), "\\xc0\\xaf\\xff");    /* overlong */
	assert_string_equal(terminal("\xed\xa0\x80", 3), "\\xed\\xa0\\x80");    /* surrogate */
	assert_string_equal(terminal("a\0", 2), "a\\x00"); /* NULs are shown, not dropped */
}

static void text_terminal_keeps_printable_text(void **state)
{
	(void)state;
	assert_string_equal(terminal("web-1 \xc3\xa9t\xc3\xa9 \xe6\x97\xa5 \xd7\xa9", 18),
			    "web-1 \xc3\xa9t\xc3\xa9 \xe6\x97\xa5 \xd7\xa9");
	assert_string_equal(terminal("C:\\EFI", 6), "C:\\EFI");
	assert_string_equal(terminal("", 0), "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(text_terminal_escapes_bidi_and_invisible_characters),
		cmocka_unit_test(text_terminal_escapes_controls_and_bytes_that_are_not_utf8),
		cmocka_unit_test(text_terminal_keeps_printable_text),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
