/* The rules that make facts trustworthy: each broken rule gives its own reason code. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "logbuild.h"
#include "trustlaunch/facts.h"
#include "trustlaunch/hash.h"
#include "trustlaunch/tcglog.h"
#include "trustlaunch/uefi.h"

static const uint8_t SEP0[4] = { 0, 0, 0, 0 };

/* SecureBoot=value in PCR 7 as a var event (digest of the data unless hashed is given). */
static void sb_var(struct lb *b, const char *name, const struct tl_guid *g, const void *data,
		   size_t len)
{
	struct lb v = { 0 };
	lb_var(&v, g->b, name, data, len);
	lb_event(b, 7, TL_EV_EFI_VARIABLE_DRIVER_CONFIG, v.buf, v.len);
	lb_free(&v);
}

/* Facts of b; returns the reason codes joined by spaces ("" when valid). */
static char *reasons_of(const struct lb *b, json_t **facts)
{
	static char out[1024];
	struct tl_log *log;
	json_t *doc, *r;
	size_t i;
	out[0] = '\0';
	assert_int_equal(tl_log_parse(b->buf, b->len, &log, NULL), TL_OK);
	assert_int_equal(tl_facts_extract(log, TL_PCRS_ALL, &doc), TL_OK);
	json_array_foreach(json_object_get(doc, "reasons"), i, r)
	{
		if (out[0])
			strcat(out, " ");
		strncat(out, json_string_value(json_object_get(r, "code")), 100);
	}
	assert_true(json_is_true(json_object_get(doc, "valid")) == (out[0] == '\0'));
	if (facts)
		*facts = doc;
	else
		json_decref(doc);
	tl_log_free(log);
	return out;
}

/* Separators of PCRs 0-6, which every firmware measures. */
static void other_seps(struct lb *b)
{
	for (uint32_t i = 0; i < 7; i++)
		lb_event(b, i, TL_EV_SEPARATOR, SEP0, 4);
}

static void good_prefix(struct lb *b)
{
	lb_sha256_log(b);
	other_seps(b);
	sb_var(b, "SecureBoot", &TL_GUID_GLOBAL_VARIABLE, "\x01", 1);
}

static void facts_extract_accepts_a_clean_log(void **state)
{
	struct lb b = { 0 };
	json_t *f;
	(void)state;
	good_prefix(&b);
	lb_event(&b, 7, TL_EV_SEPARATOR, SEP0, 4);
	lb_event(&b, 8, TL_EV_IPL, "kernel_cmdline: /vmlinuz ro", 27);
	/* GRUB hashes the text after the prefix */
	assert_string_equal(reasons_of(&b, NULL), "grub.digest_mismatch");
	lb_free(&b);

	good_prefix(&b);
	lb_event(&b, 7, TL_EV_SEPARATOR, SEP0, 4);
	lb_event_digesting(&b, 8, TL_EV_IPL, "kernel_cmdline: /vmlinuz ro", 28, "/vmlinuz ro", 11);
	assert_string_equal(reasons_of(&b, &f), "");
	assert_true(json_is_true(json_object_get(json_object_get(f, "secureboot"), "enabled")));
	assert_string_equal(json_string_value(json_object_get(f, "kernel_cmdline")), "/vmlinuz ro");
	json_decref(f);
	lb_free(&b);
}

static void facts_extract_rejects_secureboot_digest_mismatch(void **state)
{
	struct lb b = { 0 }, v = { 0 };
	(void)state;
	lb_sha256_log(&b);
	other_seps(&b);
	lb_var(&v, TL_GUID_GLOBAL_VARIABLE.b, "SecureBoot", "\x01", 1);
	/* the event shows SecureBoot=1 but measured the bytes of SecureBoot=0 */
	struct lb off = { 0 };
	lb_var(&off, TL_GUID_GLOBAL_VARIABLE.b, "SecureBoot", "\x00", 1);
	lb_event_digesting(&b, 7, TL_EV_EFI_VARIABLE_DRIVER_CONFIG, v.buf, v.len, off.buf, off.len);
	lb_event(&b, 7, TL_EV_SEPARATOR, SEP0, 4);
	/* and the event that broke a rule gives no fact */
	assert_string_equal(reasons_of(&b, NULL), "sb.variable_digest_mismatch sb.secureboot_missing");
	lb_free(&b);
	lb_free(&v);
	lb_free(&off);
}

static void facts_extract_rejects_duplicate_variable(void **state)
{
	struct lb b = { 0 };
	(void)state;
	good_prefix(&b);
	sb_var(&b, "SecureBoot", &TL_GUID_GLOBAL_VARIABLE, "\x00", 1);
	lb_event(&b, 7, TL_EV_SEPARATOR, SEP0, 4);
	assert_string_equal(reasons_of(&b, NULL), "sb.variable_duplicate");
	lb_free(&b);
}

static void facts_extract_rejects_variable_after_separator(void **state)
{
	struct lb b = { 0 };
	(void)state;
	good_prefix(&b);
	lb_event(&b, 7, TL_EV_SEPARATOR, SEP0, 4);
	sb_var(&b, "db", &TL_GUID_IMAGE_SECURITY_DB, NULL, 0);
	assert_string_equal(reasons_of(&b, NULL), "sb.variable_after_separator");
	lb_free(&b);
}

static void facts_extract_rejects_secureboot_length(void **state)
{
	struct lb b = { 0 };
	json_t *f;
	(void)state;
	lb_sha256_log(&b);
	other_seps(&b);
	sb_var(&b, "SecureBoot", &TL_GUID_GLOBAL_VARIABLE, "\x01\x00", 2);
	lb_event(&b, 7, TL_EV_SEPARATOR, SEP0, 4);
	assert_string_equal(reasons_of(&b, &f), "sb.secureboot_length");
	assert_true(json_is_false(json_object_get(json_object_get(f, "secureboot"), "enabled")));
	/* measured means measured and broke no rule (docs/facts.md) */
	assert_true(json_is_false(json_object_get(json_object_get(f, "secureboot"), "measured")));
	json_decref(f);
	lb_free(&b);
}

static void facts_extract_rejects_missing_secureboot(void **state)
{
	struct lb b = { 0 };
	(void)state;
	lb_sha256_log(&b);
	other_seps(&b);
	lb_event(&b, 7, TL_EV_SEPARATOR, SEP0, 4);
	assert_string_equal(reasons_of(&b, NULL), "sb.secureboot_missing");
	lb_free(&b);
}

static void facts_extract_rejects_bad_separators(void **state)
{
	struct lb b = { 0 };
	(void)state;
	good_prefix(&b);
	lb_event(&b, 7, TL_EV_SEPARATOR, "\x00\x00\x00\x01", 4);
	assert_string_equal(reasons_of(&b, NULL), "tcglog.separator_data");
	lb_free(&b);

	/* no separator at all in PCR 7 */
	good_prefix(&b);
	assert_string_equal(reasons_of(&b, NULL), "tcglog.separator_missing");
	lb_free(&b);

	good_prefix(&b);
	lb_event_digesting(&b, 7, TL_EV_SEPARATOR, SEP0, 4, "\xff\xff\xff\xff", 4);
	assert_string_equal(reasons_of(&b, NULL), "tcglog.separator_digest");
	lb_free(&b);

	good_prefix(&b);
	lb_event(&b, 7, TL_EV_SEPARATOR, SEP0, 4);
	lb_event(&b, 4, TL_EV_SEPARATOR, SEP0, 4);
	assert_string_equal(reasons_of(&b, NULL), "tcglog.separator_duplicate");
	lb_free(&b);
}

static void facts_extract_rejects_signature_list_that_does_not_divide(void **state)
{
	struct lb b = { 0 }, esl = { 0 };
	uint8_t owner[16] = { 0 };
	(void)state;
	good_prefix(&b);
	/* one EFI_SIGNATURE_LIST: SHA-256 entries of 48 bytes, list size 28 + 100 */
	lb_put(&esl, TL_GUID_CERT_SHA256.b, 16);
	lb_le32(&esl, 28 + 100);
	lb_le32(&esl, 0);
	lb_le32(&esl, 48);
	for (int i = 0; i < 100; i++)
		lb_u8(&esl, (uint8_t)i);
	(void)owner;
	sb_var(&b, "dbx", &TL_GUID_IMAGE_SECURITY_DB, esl.buf, esl.len);
	lb_event(&b, 7, TL_EV_SEPARATOR, SEP0, 4);
	assert_string_equal(reasons_of(&b, NULL), "sb.signature_list_malformed");
	lb_free(&b);
	lb_free(&esl);
}

static void facts_extract_rejects_unknown_and_unused_events_in_pcr0_7(void **state)
{
	struct lb b = { 0 };
	(void)state;
	good_prefix(&b);
	lb_event(&b, 7, TL_EV_SEPARATOR, SEP0, 4);
	lb_event(&b, 2, 0x7777, "x", 1);
	lb_event(&b, 3, TL_EV_UNUSED, "x", 1);
	lb_event(&b, 12, 0x7777, "fine outside 0-7", 16);
	lb_event(&b, 0, TL_EV_EFI_VARIABLE_BOOT, "x", 1);
	assert_string_equal(reasons_of(&b, NULL), "tcglog.unknown_event tcglog.unused_event "
						  "tcglog.event_type_not_allowed");
	lb_free(&b);
}

static void facts_extract_reports_debug_mode(void **state)
{
	struct lb b = { 0 };
	json_t *f;
	(void)state;
	good_prefix(&b);
	lb_event(&b, 7, TL_EV_EFI_ACTION, "UEFI Debug Mode", 15);
	lb_event(&b, 7, TL_EV_SEPARATOR, SEP0, 4);
	assert_string_equal(reasons_of(&b, &f), "sb.debug_mode");
	assert_true(json_is_true(json_object_get(json_object_get(f, "secureboot"), "debug_mode")));
	json_decref(f);
	lb_free(&b);
}

/* The type is not covered by any digest: a log that relabels the PCR 7 separator so that
 * a SecureBoot=1 measured later by the OS looks like firmware's is refused. */
static void facts_extract_rejects_relabelled_pcr7_events(void **state)
{
	struct lb b = { 0 }, v = { 0 };
	json_t *f;
	(void)state;
	lb_sha256_log(&b);
	other_seps(&b);
	lb_var(&v, TL_GUID_GLOBAL_VARIABLE.b, "SecureBoot", "\x00", 1);
	lb_event(&b, 7, TL_EV_EFI_VARIABLE_AUTHORITY, v.buf, v.len); /* the real SecureBoot=0 */
	lb_event(&b, 7, TL_EV_EFI_ACTION, SEP0, 4);                  /* the real separator */
	lb_free(&v);
	sb_var(&b, "SecureBoot", &TL_GUID_GLOBAL_VARIABLE, "\x01", 1);
	lb_event(&b, 7, TL_EV_SEPARATOR, SEP0, 4);
	/* a one-byte variable is no authority either */
	assert_string_equal(reasons_of(&b, &f), "sb.variable_malformed "
						 "tcglog.separator_disguised "
						 "sb.variable_after_separator "
						 "tcglog.separator_duplicate sb.secureboot_missing");
	assert_false(json_is_true(json_object_get(json_object_get(f, "secureboot"), "enabled")));
	json_decref(f);
	lb_free(&b);
}

static void facts_extract_rejects_other_events_after_pcr7_separator(void **state)
{
	struct lb b = { 0 };
	(void)state;
	good_prefix(&b);
	lb_event(&b, 7, TL_EV_SEPARATOR, SEP0, 4);
	lb_event(&b, 7, TL_EV_EFI_ACTION, "hello", 5);
	assert_string_equal(reasons_of(&b, NULL), "sb.event_after_separator");
	lb_free(&b);
}

/* Debug mode is recognised by its digest, whatever the data shows. */
static void facts_extract_finds_debug_mode_by_digest(void **state)
{
	struct lb b = { 0 };
	(void)state;
	good_prefix(&b);
	lb_event_digesting(&b, 7, TL_EV_EFI_ACTION, "UEFI Debug Mod3", 15, "UEFI Debug Mode", 15);
	lb_event(&b, 7, TL_EV_SEPARATOR, SEP0, 4);
	assert_string_equal(reasons_of(&b, NULL), "sb.debug_mode");
	lb_free(&b);
}

static void facts_extract_rejects_second_kernel_cmdline(void **state)
{
	struct lb b = { 0 };
	json_t *f;
	(void)state;
	good_prefix(&b);
	lb_event(&b, 7, TL_EV_SEPARATOR, SEP0, 4);
	lb_event_digesting(&b, 8, TL_EV_IPL, "kernel_cmdline: init=/bin/sh", 28, "init=/bin/sh", 12);
	lb_event_digesting(&b, 8, TL_EV_IPL, "kernel_cmdline: ro quiet", 24, "ro quiet", 8);
	assert_string_equal(reasons_of(&b, &f), "grub.kernel_cmdline_repeated");
	json_decref(f);
	lb_free(&b);
}

/* Facts whose data the digest does not cover are not taken. */
static void facts_extract_ignores_unbound_platform_facts(void **state)
{
	struct lb b = { 0 };
	json_t *f;
	uint8_t info[32] = "GCE NonHostInfo", real[32] = "GCE NonHostInfo";
	(void)state;
	info[16] = 4; /* claims SEV-SNP */
	good_prefix(&b);
	lb_event_digesting(&b, 0, TL_EV_NONHOST_INFO, info, sizeof(info), real, sizeof(real));
	lb_event_digesting(&b, 5, TL_EV_EFI_ACTION, "Exit Boot Services Invocation", 29, "x", 1);
	lb_event(&b, 7, TL_EV_SEPARATOR, SEP0, 4);
	assert_string_equal(reasons_of(&b, &f), "");
	assert_null(json_object_get(json_object_get(f, "platform"), "confidential_technology"));
	assert_true(json_is_false(json_object_get(f, "exit_boot_services")));
	json_decref(f);
	lb_free(&b);
}

static void facts_extract_uses_only_trusted_pcrs(void **state)
{
	struct lb b = { 0 };
	struct tl_log *log;
	json_t *f;
	(void)state;
	good_prefix(&b);
	lb_event(&b, 7, TL_EV_SEPARATOR, SEP0, 4);
	lb_event_digesting(&b, 8, TL_EV_IPL, "kernel_cmdline: evil", 20, "evil", 4);
	assert_int_equal(tl_log_parse(b.buf, b.len, &log, NULL), TL_OK);
	assert_int_equal(tl_facts_extract(log, TL_PCRS_ALL & ~(1u << 8), &f), TL_OK);
	assert_true(json_is_null(json_object_get(f, "kernel_cmdline")));
	assert_string_equal(json_string_value(json_object_get(
				    json_array_get(json_object_get(f, "reasons"), 0), "code")),
			    "tcglog.pcr_not_trusted");
	json_decref(f);
	tl_log_free(log);
	lb_free(&b);
}

/* A real certificate from the vectors (DER); the caller frees it. */
static uint8_t *vector_cert(const char *name, size_t *len)
{
	char path[4096];
	const char *dir = getenv("TL_VECTORS");
	FILE *f;
	uint8_t *buf = malloc(65536);
	snprintf(path, sizeof(path), "%s/certs/secure-boot/%s", dir ? dir : "../shared/vectors",
		 name);
	f = fopen(path, "rb");
	if (!f || !buf)
		fail_msg("cannot open %s (set TL_VECTORS)", path);
	*len = fread(buf, 1, 65536, f);
	fclose(f);
	assert_true(*len > 0 && *len < 65536);
	return buf;
}

/* An EV_EFI_VARIABLE_AUTHORITY of vendor guid and name whose data is a, then b. */
static void authority_event(struct lb *b, const struct tl_guid *g, const char *name,
			    const void *a, size_t alen, const void *rest, size_t rlen)
{
	struct lb data = { 0 }, v = { 0 };
	lb_put(&data, a, alen);
	lb_put(&data, rest, rlen);
	lb_var(&v, g->b, name, data.buf, data.len);
	lb_event(b, 7, TL_EV_EFI_VARIABLE_AUTHORITY, v.buf, v.len);
	lb_free(&v);
	lb_free(&data);
}

static json_t *authorities_of(json_t *f)
{
	return json_object_get(json_object_get(f, "secureboot"), "authorities");
}

static const char *str_at(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

/* shim measures its vendor certificate ("Shim") as the bare DER, with no owner GUID in front;
 * firmware and shim measure db and MokList entries as EFI_SIGNATURE_DATA (owner, then the
 * certificate). Both read as the certificate they are. */
static void facts_extract_reads_both_authority_shapes(void **state)
{
	struct lb b = { 0 };
	size_t len;
	uint8_t *der = vector_cert("MicCorUEFCA2011_2011-06-27.crt", &len), fp[TL_MAX_DIGEST];
	const uint8_t owner[16] = { 0xbd, 0x9a, 0xfa, 0x77, 0x59, 0x03, 0x32, 0x4d,
				    0xbd, 0x60, 0x28, 0xf4, 0xe7, 0x8f, 0x78, 0x4b };
	char hex[65];
	json_t *f, *shim, *db;
	(void)state;
	assert_int_equal(tl_hash(TL_ALG_SHA256, der, len, fp), TL_OK);
	tl_hex(fp, 32, hex);
	good_prefix(&b);
	lb_event(&b, 7, TL_EV_SEPARATOR, SEP0, 4);
	authority_event(&b, &TL_GUID_IMAGE_SECURITY_DB, "db", owner, 16, der, len);
	authority_event(&b, &TL_GUID_SHIM_LOCK, "Shim", NULL, 0, der, len);
	assert_string_equal(reasons_of(&b, &f), "");
	assert_int_equal(json_array_size(authorities_of(f)), 2);
	db = json_array_get(authorities_of(f), 0);
	shim = json_array_get(authorities_of(f), 1);
	assert_string_equal(str_at(db, "owner"), "77fa9abd-0359-4d32-bd60-28f4e78f784b");
	assert_string_equal(str_at(shim, "variable"), "Shim");
	assert_null(json_object_get(shim, "owner"));
	assert_null(json_object_get(shim, "hash"));
	for (size_t i = 0; i < 2; i++) {
		json_t *a = json_array_get(authorities_of(f), i);
		assert_non_null(strstr(str_at(a, "subject"), "CN=Microsoft Corporation UEFI CA 2011"));
		assert_string_equal(str_at(a, "sha256"), hex);
	}
	json_decref(f);
	lb_free(&b);
	free(der);
}

/* Bytes that read as a whole certificate and as an owner GUID followed by another one: the
 * two readings name different certificates, so neither is a fact. */
static void facts_extract_rejects_ambiguous_authority(void **state)
{
	static const uint8_t name[17] = { 0x30, 0x0f, 0x31, 0x0d, 0x30, 0x0b, 0x06, 0x03, 0x55,
					  0x04, 0x03, 0x0c, 0x04, 'T', 'e', 's', 't' };
	static const uint8_t head[28] = {
		0x30, 0x40, 0x30, 0x3e, 0xa0, 0x03, 0x02, 0x01, 0x02, /* certificate, tbs, v3 */
		0x02, 0x11, 0x01, 0x02, 0x03, 0x04, 0x05,             /* a serial of 17 bytes */
		/* ... that holds, from offset 16, a second certificate's start */
		0x30, 0x30, 0x30, 0x2e, 0xa0, 0x03, 0x02, 0x01, 0x02, 0x02, 0x01, 0x01,
	};
	struct lb b = { 0 }, tail = { 0 };
	json_t *f;
	(void)state;
	lb_put(&tail, head, sizeof(head));
	lb_put(&tail, "\x30\x00", 2);      /* signature algorithm */
	lb_put(&tail, name, sizeof(name)); /* issuer */
	lb_put(&tail, "\x30\x00", 2);      /* validity */
	lb_put(&tail, name, sizeof(name)); /* subject */
	assert_int_equal(tail.len, 66);
	good_prefix(&b);
	lb_event(&b, 7, TL_EV_SEPARATOR, SEP0, 4);
	authority_event(&b, &TL_GUID_IMAGE_SECURITY_DB, "db", NULL, 0, tail.buf, tail.len);
	assert_string_equal(reasons_of(&b, &f), "sb.variable_malformed");
	assert_int_equal(json_array_size(authorities_of(f)), 0);
	json_decref(f);
	lb_free(&b);
	lb_free(&tail);
}

/* MokListTrusted is a one-byte setting (MOK keys trusted for the kernel's keyrings), not a
 * certificate that allowed an image. */
static void facts_extract_reports_mok_list_trusted(void **state)
{
	static const struct {
		const char *data;
		size_t len;
		bool bound;
		const char *reasons;
		int value; /* 1 true, 0 false, -1 null */
	} cases[] = {
		{ "\x01", 1, true, "", 1 },
		{ "\x00", 1, true, "", 0 },
		{ "\x02", 1, true, "sb.variable_malformed", -1 },
		{ "\x01\x01", 2, true, "sb.variable_malformed", -1 },
		{ "\x01", 1, false, "sb.variable_digest_mismatch", -1 },
	};
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct lb b = { 0 }, v = { 0 };
		json_t *f, *t;
		good_prefix(&b);
		lb_event(&b, 7, TL_EV_SEPARATOR, SEP0, 4);
		lb_var(&v, TL_GUID_SHIM_LOCK.b, "MokListTrusted", cases[i].data, cases[i].len);
		if (cases[i].bound)
			lb_event(&b, 7, TL_EV_EFI_VARIABLE_AUTHORITY, v.buf, v.len);
		else
			lb_event_digesting(&b, 7, TL_EV_EFI_VARIABLE_AUTHORITY, v.buf, v.len,
					   "x", 1);
		assert_string_equal(reasons_of(&b, &f), cases[i].reasons);
		assert_int_equal(json_array_size(authorities_of(f)), 0);
		t = json_object_get(json_object_get(f, "secureboot"), "mok_list_trusted");
		assert_non_null(t);
		assert_true(cases[i].value < 0 ? json_is_null(t)
					       : json_is_boolean(t) &&
							 json_is_true(t) == (cases[i].value == 1));
		json_decref(f);
		lb_free(&b);
		lb_free(&v);
	}
}

/* Two MokListTrusted of different values: which one shim acted on is unknown. */
static void facts_extract_rejects_conflicting_mok_list_trusted(void **state)
{
	struct lb b = { 0 };
	json_t *f;
	(void)state;
	good_prefix(&b);
	lb_event(&b, 7, TL_EV_SEPARATOR, SEP0, 4);
	authority_event(&b, &TL_GUID_SHIM_LOCK, "MokListTrusted", "\x01", 1, NULL, 0);
	authority_event(&b, &TL_GUID_SHIM_LOCK, "MokListTrusted", "\x01", 1, NULL, 0);
	assert_string_equal(reasons_of(&b, NULL), "");
	authority_event(&b, &TL_GUID_SHIM_LOCK, "MokListTrusted", "\x00", 1, NULL, 0);
	assert_string_equal(reasons_of(&b, &f), "sb.variable_duplicate");
	assert_true(json_is_null(json_object_get(json_object_get(f, "secureboot"),
						 "mok_list_trusted")));
	json_decref(f);
	lb_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(facts_extract_accepts_a_clean_log),
		cmocka_unit_test(facts_extract_rejects_secureboot_digest_mismatch),
		cmocka_unit_test(facts_extract_rejects_duplicate_variable),
		cmocka_unit_test(facts_extract_rejects_variable_after_separator),
		cmocka_unit_test(facts_extract_rejects_secureboot_length),
		cmocka_unit_test(facts_extract_rejects_missing_secureboot),
		cmocka_unit_test(facts_extract_rejects_bad_separators),
		cmocka_unit_test(facts_extract_rejects_signature_list_that_does_not_divide),
		cmocka_unit_test(facts_extract_rejects_unknown_and_unused_events_in_pcr0_7),
		cmocka_unit_test(facts_extract_reports_debug_mode),
		cmocka_unit_test(facts_extract_rejects_relabelled_pcr7_events),
		cmocka_unit_test(facts_extract_rejects_other_events_after_pcr7_separator),
		cmocka_unit_test(facts_extract_finds_debug_mode_by_digest),
		cmocka_unit_test(facts_extract_rejects_second_kernel_cmdline),
		cmocka_unit_test(facts_extract_ignores_unbound_platform_facts),
		cmocka_unit_test(facts_extract_uses_only_trusted_pcrs),
		cmocka_unit_test(facts_extract_reads_both_authority_shapes),
		cmocka_unit_test(facts_extract_rejects_ambiguous_authority),
		cmocka_unit_test(facts_extract_reports_mok_list_trusted),
		cmocka_unit_test(facts_extract_rejects_conflicting_mok_list_trusted),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
