/* The one reader of libvirt domain XML (src/host/domain/profile.c, keys.c), as
 * enable-trusted-launch and tl-hostd use it: libvirt's shapes of firmware, TPM, channel and
 * metadata (a domain trustlaunch makes is read back in test_domain.c), the hostile documents
 * each refused with its own error, and the keys read from real OVMF variable stores. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "host.h"

#define UUID "770cf95b-8369-44e1-87b3-a29d4c1d8f2f"
#define HEAD "<domain type='qemu'><name>web-0</name><uuid>" UUID "</uuid>"

/* A domain of HEAD, then body, then </domain>, malloc'd. */
static char *domain(const char *body)
{
	size_t n = strlen(HEAD) + strlen(body) + sizeof("</domain>");
	char *xml = malloc(n);
	assert_non_null(xml);
	snprintf(xml, n, "%s%s</domain>", HEAD, body);
	return xml;
}

/* What libvirt 9.0 keeps of firmware auto-selection in an inactive domain. */
static void profile_read_firmware_autoselection(void **state)
{
	char *xml = domain("<os firmware='efi'><type arch='x86_64' machine='pc-q35-7.2'>hvm</type>"
			   "<firmware><feature enabled='yes' name='enrolled-keys'/>"
			   "<feature enabled='yes' name='secure-boot'/></firmware></os>"
			   "<features><acpi/><smm state='on'/></features>");
	struct tl_host_profile p;
	(void)state;
	assert_int_equal(tl_host_profile_read(xml, &p), TL_OK);
	assert_true(p.uefi && p.secure_boot_feature && p.enrolled_keys_feature && p.smm && p.q35);
	assert_false(p.secure_loader || p.tpm || p.trustlaunch);
	assert_string_equal(p.nvram, "");
	free(xml);
}

static void profile_read_bios_domain(void **state)
{
	char *xml = domain("<os><type arch='x86_64' machine='pc'>hvm</type></os>"
			   "<devices><serial type='pty'><target port='0'/></serial></devices>");
	struct tl_host_profile p;
	(void)state;
	assert_int_equal(tl_host_profile_read(xml, &p), TL_OK);
	assert_false(p.uefi || p.secure_loader || p.q35 || p.tpm || p.smm || p.trustlaunch);
	assert_string_equal(p.console_log, "");
	assert_string_equal(p.agent_sock, "");
	tl_host_profile_keys(&p);
	assert_false(p.keys_enrolled);
	free(xml);
}

static void profile_read_tpm_model_and_version(void **state)
{
	static const struct {
		const char *tpm, *model;
		bool v20;
	} cases[] = {
		{ "<tpm><backend type='emulator'/></tpm>", "tpm-tis", false },
		{ "<tpm model='tpm-crb'><backend type='passthrough'/></tpm>", "tpm-crb", true },
		{ "<tpm model='tpm-tis'><backend type='emulator' version='1.2'/></tpm>", "tpm-tis",
		  false },
		{ "<tpm model='tpm-tis'><backend type='emulator' version='2.0'/></tpm>", "tpm-tis",
		  true },
	};
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char body[256], *xml;
		struct tl_host_profile p;
		snprintf(body, sizeof(body), "<devices>%s</devices>", cases[i].tpm);
		xml = domain(body);
		assert_int_equal(tl_host_profile_read(xml, &p), TL_OK);
		assert_true(p.tpm);
		assert_string_equal(p.tpm_model, cases[i].model);
		assert_int_equal(p.tpm20, cases[i].v20);
		free(xml);
	}
}

/* The agent's channel only in bind mode with its own name; the metadata only in its
 * namespace; security-type standard marks a standard VM. */
static void profile_read_channel_and_metadata_strictly(void **state)
{
	char *xml = domain("<metadata><vm><scale-set>x</scale-set></vm></metadata><devices>"
			   "<channel type='unix'><source mode='connect' path='/a'/>"
			   "<target type='virtio' name='org.trustlaunch.agent.0'/></channel>"
			   "<channel type='unix'><source mode='bind' path='/b'/>"
			   "<target type='virtio' name='org.other'/></channel></devices>");
	struct tl_host_profile p;
	(void)state;
	assert_int_equal(tl_host_profile_read(xml, &p), TL_OK);
	assert_false(p.trustlaunch || p.tl_standard);
	assert_string_equal(p.scale_set, "");
	assert_string_equal(p.agent_sock, "");
	free(xml);
	xml = domain("<metadata><tl:vm xmlns:tl='" TL_HOST_NS "'><tl:scale-set>s</tl:scale-set>"
		     "<tl:security-type>standard</tl:security-type></tl:vm></metadata>");
	assert_int_equal(tl_host_profile_read(xml, &p), TL_OK);
	assert_true(p.trustlaunch && p.tl_standard);
	assert_string_equal(p.scale_set, "s");
	free(xml);
}

static void profile_read_rejects_what_is_not_a_domain(void **state)
{
	struct tl_host_profile p;
	(void)state;
	assert_int_equal(tl_host_profile_read("", &p), TL_E_HOST_XML);
	assert_int_equal(tl_host_profile_read("not xml", &p), TL_E_HOST_XML);
	assert_int_equal(tl_host_profile_read(HEAD "<os>", &p), TL_E_HOST_XML);
	assert_int_equal(tl_host_profile_read("<domain><os/></domain>", &p), TL_E_HOST_XML);
	assert_int_equal(tl_host_profile_read("<domain><name>x</name></domain>", &p),
			 TL_E_HOST_XML);
	assert_int_equal(tl_host_profile_read("<domain xmlns='u'><name>x</name><uuid>" UUID
					      "</uuid></domain>",
					      &p),
			 TL_E_HOST_XML);
	assert_int_equal(tl_host_profile_read("<x><name>x</name><uuid>" UUID "</uuid></x>", &p),
			 TL_E_HOST_XML);
}

/* Entities are the way a small document grows: libxml2 parses the internal subset (its
 * declarations are not substituted, and libxml2 caps amplification), then the document is
 * refused for having a DOCTYPE, before any XPath could expand a reference. */
static void profile_read_rejects_a_doctype(void **state)
{
	static const char laughs[] =
		"<!DOCTYPE domain [<!ENTITY a 'aaaaaaaaaa'><!ENTITY b '&a;&a;&a;&a;&a;&a;&a;&a;'>"
		"<!ENTITY c '&b;&b;&b;&b;&b;&b;&b;&b;'>]>"
		"<domain><name>&c;</name><uuid>" UUID "</uuid></domain>";
	static const char external[] =
		"<!DOCTYPE domain SYSTEM 'http://127.0.0.1:1/d.dtd'>"
		"<domain><name>x</name><uuid>" UUID "</uuid></domain>";
	struct tl_host_profile p;
	(void)state;
	assert_int_equal(tl_host_profile_read(laughs, &p), TL_E_HOST_XML);
	assert_int_equal(tl_host_profile_read(external, &p), TL_E_HOST_XML);
	assert_string_equal(p.name, "");
}

static void profile_read_rejects_a_huge_document(void **state)
{
	size_t n = TL_HOST_MAX_DOMAIN_XML + 1;
	char *big = malloc(n + 1);
	struct tl_host_profile p;
	(void)state;
	assert_non_null(big);
	memset(big, ' ', n);
	memcpy(big, HEAD, strlen(HEAD));
	memcpy(big + n - strlen("</domain>"), "</domain>", strlen("</domain>"));
	big[n] = '\0';
	assert_int_equal(tl_host_profile_read(big, &p), TL_E_HOST_XML_LIMIT);
	/* one byte shorter: read */
	memcpy(big + n - 1 - strlen("</domain>"), "</domain>", strlen("</domain>") + 1);
	assert_int_equal(tl_host_profile_read(big, &p), TL_OK);
	assert_string_equal(p.uuid, UUID);
	free(big);
}

/* A value longer than its field is refused whole: never cut (a cut path names another
 * file, a cut UUID another VM). One byte shorter is read. */
static void profile_read_rejects_a_value_longer_than_kept(void **state)
{
	static const struct {
		const char *fmt;
		size_t len;
	} cases[] = {
		{ "<domain><name>%s</name><uuid>" UUID "</uuid></domain>", TL_HOST_MAX_DOMAIN_NAME },
		{ "<domain><name>x</name><uuid>%s</uuid></domain>", TL_HOST_UUID_LEN },
		{ HEAD "<os><nvram>%s</nvram></os></domain>", PATH_MAX - 1 },
		{ HEAD "<devices><serial><log file='%s'/></serial></devices></domain>", PATH_MAX - 1 },
		{ HEAD "<devices><tpm model='%s'/></devices></domain>", TL_HOST_MAX_TPM_MODEL },
		{ HEAD "<metadata><vm xmlns='" TL_HOST_NS "'><scale-set>%s</scale-set></vm>"
		       "</metadata></domain>",
		  TL_HOST_MAX_NAME },
	};
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t cap = cases[i].len + 2 + strlen(cases[i].fmt);
		char *value = malloc(cases[i].len + 2), *xml = malloc(cap);
		struct tl_host_profile p;
		assert_true(value && xml);
		memset(value, 'a', cases[i].len + 1);
		value[cases[i].len + 1] = '\0';
		snprintf(xml, cap, cases[i].fmt, value);
		assert_int_equal(tl_host_profile_read(xml, &p), TL_E_HOST_XML_LIMIT);
		assert_string_equal(p.name, "");
		value[cases[i].len] = '\0';
		snprintf(xml, cap, cases[i].fmt, value);
		assert_int_equal(tl_host_profile_read(xml, &p), TL_OK);
		free(value);
		free(xml);
	}
}

/* keys.c on OVMF's real variable stores (the ovmf package, scripts/bootstrap). */
static void profile_keys_from_nvram_or_template(void **state)
{
	struct tl_host_profile p = { .uefi = true };
	char fifo[] = "/tmp/tl-test-profile-XXXXXX";
	(void)state;
	snprintf(p.nvram, sizeof(p.nvram), "/nonexistent/vars.fd");
	snprintf(p.nvram_template, sizeof(p.nvram_template), "%s", TL_HOST_VARS_MICROSOFT);
	tl_host_profile_keys(&p);
	assert_true(p.keys_enrolled);
	snprintf(p.nvram, sizeof(p.nvram), "%s", TL_HOST_VARS_NONE); /* the NVRAM first */
	tl_host_profile_keys(&p);
	assert_false(p.keys_enrolled);
	/* neither readable (a FIFO is not opened): the enrolled-keys feature says it */
	assert_non_null(mkdtemp(fifo));
	assert_true(strlen(fifo) + 6 < sizeof(p.nvram));
	snprintf(p.nvram, sizeof(p.nvram), "%s/fifo", fifo);
	assert_int_equal(mkfifo(p.nvram, 0600), 0);
	snprintf(p.nvram_template, sizeof(p.nvram_template), "%s", fifo);
	p.enrolled_keys_feature = true;
	tl_host_profile_keys(&p);
	assert_true(p.keys_enrolled);
	p.enrolled_keys_feature = false;
	tl_host_profile_keys(&p);
	assert_false(p.keys_enrolled);
	p.uefi = false; /* BIOS: none, whatever a template says */
	snprintf(p.nvram_template, sizeof(p.nvram_template), "%s", TL_HOST_VARS_MICROSOFT);
	tl_host_profile_keys(&p);
	assert_false(p.keys_enrolled);
	assert_int_equal(unlink(p.nvram), 0);
	assert_int_equal(rmdir(fifo), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(profile_read_firmware_autoselection),
		cmocka_unit_test(profile_read_bios_domain),
		cmocka_unit_test(profile_read_tpm_model_and_version),
		cmocka_unit_test(profile_read_channel_and_metadata_strictly),
		cmocka_unit_test(profile_read_rejects_what_is_not_a_domain),
		cmocka_unit_test(profile_read_rejects_a_doctype),
		cmocka_unit_test(profile_read_rejects_a_huge_document),
		cmocka_unit_test(profile_read_rejects_a_value_longer_than_kept),
		cmocka_unit_test(profile_keys_from_nvram_or_template),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
