/* Configuration files (conf.c): what is handed over, and which line a refusal names. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "trustlaunch/conf.h"

struct seen {
	char text[1024];
};

static bool record(void *ctx, const char *name, const char *value)
{
	struct seen *s = ctx;
	size_t n = strlen(s->text);

	snprintf(s->text + n, sizeof s->text - n, "[%s=%s]", name, value);
	return strcmp(name, "unknown") != 0;
}

static int parse(const char *text, struct seen *s, unsigned *line)
{
	memset(s, 0, sizeof *s);
	return tl_conf_parse((struct tl_bytes){ (const uint8_t *)text, strlen(text) }, record, s,
			     line);
}

static void conf_parse_trims_comments_and_blanks(void **state)
{
	struct seen s;
	unsigned line = 9;

	(void)state;
	assert_int_equal(parse("# head\n\n  listen =  127.0.0.1:7443  # port\r\nstate-dir=/x\n"
			       "db = sqlite:a b\n\t\n", &s, &line), TL_OK);
	assert_string_equal(s.text, "[listen=127.0.0.1:7443][state-dir=/x][db=sqlite:a b]");
	assert_int_equal(line, 0);
}

static void conf_parse_allows_empty_value_and_no_final_newline(void **state)
{
	struct seen s;
	unsigned line;

	(void)state;
	assert_int_equal(parse("issuer =\nthreads = 8", &s, &line), TL_OK);
	assert_string_equal(s.text, "[issuer=][threads=8]");
}

static void conf_parse_rejects_line_without_assignment(void **state)
{
	struct seen s;
	unsigned line;

	(void)state;
	assert_int_equal(parse("a = 1\n\njust words\n", &s, &line), TL_E_ARG);
	assert_int_equal(line, 3);
	assert_int_equal(parse("= value\n", &s, &line), TL_E_ARG);
	assert_int_equal(line, 1);
	assert_int_equal(parse("Upper = 1\n", &s, &line), TL_E_ARG);
	assert_int_equal(parse("a b = 1\n", &s, &line), TL_E_ARG);
}

static void conf_parse_rejects_control_and_non_ascii_values(void **state)
{
	struct seen s;
	unsigned line;

	(void)state;
	assert_int_equal(parse("a = 1\nb = x\001y\n", &s, &line), TL_E_ARG);
	assert_int_equal(line, 2);
	assert_int_equal(parse("a = caf\xc3\xa9\n", &s, &line), TL_E_ARG);
	assert_int_equal(tl_conf_parse((struct tl_bytes){ (const uint8_t *)"a = x\0y\n", 8 }, record,
				       &s, &line), TL_E_ARG);
}

static void conf_parse_names_the_line_the_caller_refuses(void **state)
{
	struct seen s;
	unsigned line;

	(void)state;
	assert_int_equal(parse("a = 1\n# c\nunknown = 2\nb = 3\n", &s, &line), TL_E_ARG);
	assert_int_equal(line, 3);
	assert_string_equal(s.text, "[a=1][unknown=2]");
}

static void conf_parse_rejects_long_lines_and_huge_files(void **state)
{
	static char big[TL_CONF_MAX_LINE + 16];
	struct seen s;
	unsigned line;

	(void)state;
	memset(big, 'x', sizeof big - 1);
	memcpy(big, "a = ", 4);
	assert_int_equal(parse(big, &s, &line), TL_E_ARG);
	assert_int_equal(line, 1);
	assert_int_equal(tl_conf_parse((struct tl_bytes){ (const uint8_t *)"", TL_CONF_MAX_TEXT + 1 },
				       record, &s, &line), TL_E_ARG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(conf_parse_trims_comments_and_blanks),
		cmocka_unit_test(conf_parse_allows_empty_value_and_no_final_newline),
		cmocka_unit_test(conf_parse_rejects_line_without_assignment),
		cmocka_unit_test(conf_parse_rejects_control_and_non_ascii_values),
		cmocka_unit_test(conf_parse_names_the_line_the_caller_refuses),
		cmocka_unit_test(conf_parse_rejects_long_lines_and_huge_files),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
