/* The host's domain XML (src/host/domain): made with every value escaped, read back by the
 * profile reader, and edited to Trusted Launch (the reader itself: test_profile.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "host.h"

static struct tl_host_vm vm(bool trusted)
{
	struct tl_host_vm v = { .name = "web-0", .id = "770cf95b-8369-44e1-87b3-a29d4c1d8f2f",
				.trusted = trusted, .vtpm = trusted, .memory_mib = 512,
				.scale_set = "web", .secret = "4823302a-6b56-4272-ac62-adab5fc8da5f" };
	return v;
}

static void domain_xml_escapes_every_value(void **state)
{
	struct tl_host_vm v = vm(true);
	struct tl_host_domain d = { .vm = &v, .hostdir = "/h/a'b&c<d>\"e", .disk = "/d'isk" };
	struct tl_host_profile p;
	char *xml = NULL;
	(void)state;
	assert_int_equal(tl_host_domain_xml(&d, &xml), TL_OK);
	assert_non_null(strstr(xml, "/h/a&apos;b&amp;c&lt;d&gt;&quot;e/vms/web-0/vars.fd"));
	assert_null(strstr(xml, "a'b"));
	assert_int_equal(tl_host_profile_read(xml, &p), TL_OK);
	assert_string_equal(p.nvram, "/h/a'b&c<d>\"e/vms/web-0/vars.fd");
	assert_string_equal(p.nvram_template, TL_HOST_VARS_MICROSOFT);
	assert_string_equal(p.agent_sock, "/h/a'b&c<d>\"e/vms/web-0/agent.sock");
	assert_string_equal(p.console_log, "/h/a'b&c<d>\"e/vms/web-0/console.log");
	assert_string_equal(p.uuid, v.id);
	assert_string_equal(p.name, "web-0");
	assert_true(p.uefi && p.secure_loader && p.smm && p.tpm && p.trustlaunch && p.q35);
	assert_true(p.tpm20);
	assert_string_equal(p.tpm_model, "tpm-crb");
	assert_false(p.tl_standard || p.secure_boot_feature || p.enrolled_keys_feature);
	assert_false(p.keys_enrolled);
	assert_string_equal(p.scale_set, "web");
	free(xml);
}

static void domain_xml_refuses_control_characters(void **state)
{
	struct tl_host_vm v = vm(true);
	struct tl_host_domain d = { .vm = &v, .hostdir = "/h/x\n</domain>", .disk = "/d" };
	char *xml = NULL;
	(void)state;
	assert_int_equal(tl_host_domain_xml(&d, &xml), TL_E_ARG);
	assert_null(xml);
}

static void domain_xml_standard_has_plain_firmware_and_no_tpm(void **state)
{
	struct tl_host_vm v = vm(false);
	struct tl_host_domain d = { .vm = &v, .hostdir = "/h", .disk = "/d" };
	struct tl_host_profile p;
	char *xml = NULL;
	(void)state;
	assert_int_equal(tl_host_domain_xml(&d, &xml), TL_OK);
	assert_int_equal(tl_host_profile_read(xml, &p), TL_OK);
	assert_true(p.uefi && p.tl_standard);
	assert_false(p.secure_loader || p.tpm || p.smm);
	assert_non_null(strstr(xml, "template='" TL_HOST_VARS_NONE "'"));
	free(xml);
}

static void enable_tl_turns_a_uefi_domain_on(void **state)
{
	static const char in[] =
		"<domain type='kvm'><name>x</name><uuid>770cf95b-8369-44e1-87b3-a29d4c1d8f2f</uuid>"
		"<os firmware='efi'>"
		"<type arch='x86_64' machine='q35'>hvm</type>"
		"<firmware><feature enabled='no' name='enrolled-keys'/>"
		"<feature enabled='no' name='secure-boot'/></firmware></os>"
		"<features><smm state='off'/></features><devices/></domain>";
	struct tl_host_profile p;
	char *out = NULL;
	(void)state;
	assert_int_equal(tl_host_domain_enable_tl(in, "4823302a-6b56-4272-ac62-adab5fc8da5f", &out),
			 TL_OK);
	assert_int_equal(tl_host_profile_read(out, &p), TL_OK);
	assert_true(p.uefi && p.secure_loader && p.smm && p.tpm);
	assert_null(strstr(out, "firmware="));
	assert_null(strstr(out, "<firmware")); /* libvirt refuses its features beside a loader */
	assert_non_null(strstr(out, "encryption secret=\"4823302a"));
	free(out);
}

static void enable_tl_refuses_what_is_not_a_domain(void **state)
{
	char *out = NULL;
	(void)state;
	assert_int_equal(tl_host_domain_enable_tl("<x><os/></x>", "s", &out), TL_E_HOST_XML);
	assert_int_equal(tl_host_domain_enable_tl("<domain><os>", "s", &out), TL_E_HOST_XML);
	assert_int_equal(tl_host_domain_enable_tl("<domain xmlns='u'><os/></domain>", "s", &out),
			 TL_E_HOST_XML);
	/* an <os> in another namespace is not libvirt's: the reader does not see it either */
	assert_int_equal(tl_host_domain_enable_tl("<domain><name>x</name><os xmlns='urn:x'/>"
						  "</domain>", "s", &out), TL_E_HOST_XML);
	assert_null(out);
}

/* A namespaced <devices> or <loader> is not edited in place (the reader would not see the
 * result): plain ones are added, and the result reads as Trusted Launch (review 2026-12-06:
 * fuzz_domain aborted on these). */
static void enable_tl_edits_only_what_the_reader_sees(void **state)
{
	static const char *const in[] = {
		"<domain><name>x</name><uuid>770cf95b-8369-44e1-87b3-a29d4c1d8f2f</uuid><os><type>"
		"hvm</type><loader type='pflash'>a</loader></os><devices xmlns='urn:x'/></domain>",
		"<domain><name>x</name><uuid>770cf95b-8369-44e1-87b3-a29d4c1d8f2f</uuid><os><type>"
		"hvm</type><x:loader xmlns:x='urn:x'/></os></domain>",
	};
	struct tl_host_profile p;
	(void)state;
	for (size_t i = 0; i < sizeof(in) / sizeof(in[0]); i++) {
		char *out = NULL;
		assert_int_equal(tl_host_domain_enable_tl(in[i], "s", &out), TL_OK);
		assert_int_equal(tl_host_profile_read(out, &p), TL_OK);
		assert_true(p.uefi && p.secure_loader && p.smm && p.tpm);
		free(out);
	}
}

static void enable_tl_refuses_a_doctype_and_a_huge_document(void **state)
{
	size_t n = TL_HOST_MAX_DOMAIN_XML + 1;
	char *big = malloc(n + 1), *out = NULL;
	(void)state;
	assert_non_null(big);
	memset(big, ' ', n);
	memcpy(big, "<domain><os/>", 13);
	big[n] = '\0';
	assert_int_equal(tl_host_domain_enable_tl(big, "s", &out), TL_E_HOST_XML_LIMIT);
	assert_int_equal(tl_host_domain_enable_tl("<!DOCTYPE domain [<!ENTITY a 'x'>]>"
						  "<domain><os>&a;</os></domain>",
						  "s", &out),
			 TL_E_HOST_XML);
	assert_null(out);
	free(big);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(domain_xml_escapes_every_value),
		cmocka_unit_test(domain_xml_refuses_control_characters),
		cmocka_unit_test(domain_xml_standard_has_plain_firmware_and_no_tpm),
		cmocka_unit_test(enable_tl_turns_a_uefi_domain_on),
		cmocka_unit_test(enable_tl_refuses_what_is_not_a_domain),
		cmocka_unit_test(enable_tl_edits_only_what_the_reader_sees),
		cmocka_unit_test(enable_tl_refuses_a_doctype_and_a_huge_document),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
