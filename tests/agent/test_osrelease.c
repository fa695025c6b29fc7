/* /etc/os-release as Debian 12, Ubuntu 22.04 and RHEL 9 ship it, hostile variants, and the
 * uname line. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "collect.h"

/* Debian 12 (base-files 12.4+deb12u11), /usr/lib/os-release: the same in every 12.x. */
static const char debian12[] =
	"PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\n"
	"NAME=\"Debian GNU/Linux\"\n"
	"VERSION_ID=\"12\"\n"
	"VERSION=\"12 (bookworm)\"\n"
	"VERSION_CODENAME=bookworm\n"
	"ID=debian\n"
	"HOME_URL=\"https://www.debian.org/\"\n"
	"SUPPORT_URL=\"https://www.debian.org/support\"\n"
	"BUG_REPORT_URL=\"https://bugs.debian.org/\"\n";

/* Ubuntu 22.04.4 LTS (base-files 12ubuntu4.6). */
static const char ubuntu2204[] =
	"PRETTY_NAME=\"Ubuntu 22.04.4 LTS\"\n"
	"NAME=\"Ubuntu\"\n"
	"VERSION_ID=\"22.04\"\n"
	"VERSION=\"22.04.4 LTS (Jammy Jellyfish)\"\n"
	"VERSION_CODENAME=jammy\n"
	"ID=ubuntu\n"
	"ID_LIKE=debian\n"
	"HOME_URL=\"https://www.ubuntu.com/\"\n"
	"SUPPORT_URL=\"https://help.ubuntu.com/\"\n"
	"BUG_REPORT_URL=\"https://bugs.launchpad.net/ubuntu/\"\n"
	"PRIVACY_POLICY_URL=\"https://www.ubuntu.com/legal/terms-and-policies/privacy-policy\"\n"
	"UBUNTU_CODENAME=jammy\n";

/* RHEL 9.4 (redhat-release-9.4). */
static const char rhel9[] =
	"NAME=\"Red Hat Enterprise Linux\"\n"
	"VERSION=\"9.4 (Plow)\"\n"
	"ID=\"rhel\"\n"
	"ID_LIKE=\"fedora\"\n"
	"VERSION_ID=\"9.4\"\n"
	"PLATFORM_ID=\"platform:el9\"\n"
	"PRETTY_NAME=\"Red Hat Enterprise Linux 9.4 (Plow)\"\n"
	"ANSI_COLOR=\"0;31\"\n"
	"LOGO=\"fedora-logo-icon\"\n"
	"CPE_NAME=\"cpe:/o:redhat:enterprise_linux:9::baseos\"\n"
	"HOME_URL=\"https://www.redhat.com/\"\n"
	"DOCUMENTATION_URL=\"https://access.redhat.com/documentation/en-us/red_hat_enterprise_linux/9\"\n"
	"BUG_REPORT_URL=\"https://bugzilla.redhat.com/\"\n"
	"\n"
	"REDHAT_BUGZILLA_PRODUCT=\"Red Hat Enterprise Linux 9\"\n"
	"REDHAT_BUGZILLA_PRODUCT_VERSION=9.4\n"
	"REDHAT_SUPPORT_PRODUCT=\"Red Hat Enterprise Linux\"\n"
	"REDHAT_SUPPORT_PRODUCT_VERSION=\"9.4\"\n";

static void parse(const char *text, size_t len, struct tl_osrelease *os)
{
	struct tl_bytes b = { (const uint8_t *)text, len };
	assert_int_equal(tl_osrelease_parse(b, os), TL_OK);
}

static void osrelease_parse_reads_shipped_files(void **state)
{
	struct tl_osrelease os;
	(void)state;
	parse(debian12, strlen(debian12), &os);
	assert_string_equal(os.id, "debian");
	assert_string_equal(os.version_id, "12");
	assert_string_equal(os.pretty_name, "Debian GNU/Linux 12 (bookworm)");
	assert_int_equal(os.malformed + os.duplicates + os.truncated, 0);
	parse(ubuntu2204, strlen(ubuntu2204), &os);
	assert_string_equal(os.id, "ubuntu");
	assert_string_equal(os.version_id, "22.04");
	assert_string_equal(os.pretty_name, "Ubuntu 22.04.4 LTS");
	assert_int_equal(os.malformed + os.duplicates + os.truncated, 0);
	parse(rhel9, strlen(rhel9), &os);
	assert_string_equal(os.id, "rhel");
	assert_string_equal(os.version_id, "9.4");
	assert_string_equal(os.pretty_name, "Red Hat Enterprise Linux 9.4 (Plow)");
	assert_int_equal(os.malformed + os.duplicates + os.truncated, 0);
}

static void osrelease_parse_unquotes_and_skips_comments(void **state)
{
	static const char text[] = "# comment\n"
				   "   \t\n"
				   "  # indented comment\n"
				   "ID='my\"os'  \n"
				   "VERSION_ID=1.0\r\n"
				   "PRETTY_NAME=\"A \\\"B\\\" \\\\ \\$HOME \\`x\\` \\n\"\n";
	struct tl_osrelease os;
	(void)state;
	parse(text, strlen(text), &os);
	assert_string_equal(os.id, "my\"os");
	assert_string_equal(os.version_id, "1.0");
	assert_string_equal(os.pretty_name, "A \"B\" \\ $HOME `x` \\n");
	assert_int_equal(os.malformed, 0);
}

static void osrelease_parse_counts_bad_quoting(void **state)
{
	static const char text[] = "ID=\"debian\n"        /* unterminated */
				   "VERSION_ID=\"12\"x\n" /* garbage after the quote */
				   "PRETTY_NAME=a b\n"    /* unquoted space */
				   "ID='a\n"               /* unterminated */
				   "PRETTY_NAME=\"$(reboot)\"\n" /* expansion */
				   "PRETTY_NAME=\"a\\\"\n" /* the escaped quote does not close */
				   "=x\n"
				   "NAME\n"
				   "ID=\"\x01\"\n";
	struct tl_osrelease os;
	(void)state;
	parse(text, strlen(text), &os);
	assert_int_equal(os.malformed, 9);
	assert_string_equal(os.id, "");
	assert_string_equal(os.version_id, "");
	assert_string_equal(os.pretty_name, "");
}

static void osrelease_parse_counts_duplicates_and_truncation(void **state)
{
	static const char hostile[] = "ID=a\0b\nVERSION_ID=\xff\xfe\nPRETTY_NAME=\"\xc3\xa9t\xc3\xa9\"";
	const size_t big = 1024 * 1024;
	char *text = malloc(big + 64);
	struct tl_osrelease os;
	size_t len;
	(void)state;
	assert_non_null(text);
	parse("ID=a\nID=b\n", 10, &os);
	assert_string_equal(os.id, "b");
	assert_int_equal(os.duplicates, 1);

	len = (size_t)snprintf(text, 64, "PRETTY_NAME=\"");
	memset(&text[len], 'x', 1000);
	memcpy(&text[len + 1000], "\"\n", 2);
	parse(text, len + 1002, &os);
	assert_int_equal(os.truncated, 1);
	assert_int_equal(strlen(os.pretty_name), TL_OSREL_VALUE - 1);

	/* a 1 MiB file is refused whole; NULs and bytes above 0x7F do not break the rest */
	memset(text, 'x', big);
	assert_int_equal(tl_osrelease_parse((struct tl_bytes){ (const uint8_t *)text, big }, &os),
			 TL_E_ARG);
	parse(hostile, sizeof(hostile) - 1, &os);
	assert_string_equal(os.id, "");
	assert_int_equal(os.malformed, 1);
	assert_string_equal(os.version_id, "??");
	assert_string_equal(os.pretty_name, "??t??");
	free(text);
}

static void osrelease_parse_handles_every_prefix(void **state)
{
	struct tl_osrelease os;
	(void)state;
	for (size_t len = 0; len <= strlen(rhel9); len++)
		parse(rhel9, len, &os);
	assert_string_equal(os.id, "rhel");
	assert_int_equal(tl_osrelease_parse((struct tl_bytes){ NULL, 1 }, &os), TL_E_ARG);
	assert_int_equal(tl_osrelease_parse((struct tl_bytes){ NULL, 0 }, NULL), TL_E_ARG);
}

static void uname_format_bounds_fields(void **state)
{
	char out[TL_UNAME_STR];
	char longf[200];
	(void)state;
	tl_uname_format(out, "Linux", "6.1.0-18-amd64",
			"#1 SMP PREEMPT_DYNAMIC Debian 6.1.76-1 (2024-02-01)", "x86_64");
	assert_string_equal(out, "Linux 6.1.0-18-amd64 #1 SMP PREEMPT_DYNAMIC Debian 6.1.76-1 "
				 "(2024-02-01) x86_64");
	memset(longf, 'v', sizeof(longf) - 1);
	longf[sizeof(longf) - 1] = '\0';
	tl_uname_format(out, NULL, "", longf, "a\tb\xff");
	assert_int_equal(strlen(out), 2 + 2 + TL_UNAME_FIELD - 1 + 1 + 3);
	assert_memory_equal(out, "? ? vvv", 7);
	assert_string_equal(&out[strlen(out) - 4], " ab?");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(osrelease_parse_reads_shipped_files),
		cmocka_unit_test(osrelease_parse_unquotes_and_skips_comments),
		cmocka_unit_test(osrelease_parse_counts_bad_quoting),
		cmocka_unit_test(osrelease_parse_counts_duplicates_and_truncation),
		cmocka_unit_test(osrelease_parse_handles_every_prefix),
		cmocka_unit_test(uname_format_bounds_fields),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
