/* Windows facts: WBCL separators are Windows' own structure, SIPA settings count only when the
 * event tag's digest binds them and they come before the separator, and a debugger, test
 * signing, code integrity off or VBS off is a reason naming its component. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "logbuild.h"
#include "trustlaunch/compare.h"
#include "trustlaunch/facts.h"
#include "trustlaunch/sipa.h"
#include "trustlaunch/tcglog.h"
#include "trustlaunch/uefi.h"

static const uint8_t SEP0[4] = { 0, 0, 0, 0 };

static void sipa(struct lb *b, uint32_t type, const void *data, size_t len)
{
	lb_le32(b, type);
	lb_le32(b, (uint32_t)len);
	lb_put(b, data, len);
}

static void sipa_u64(struct lb *b, uint32_t type, uint64_t v)
{
	lb_le32(b, type);
	lb_le32(b, 8);
	lb_le64(b, v);
}

/* PCR 0-7 as the profile wants them, so that only Windows' rules speak. */
static void firmware(struct lb *b)
{
	struct lb v = { 0 };
	lb_sha256_log(b);
	for (uint32_t i = 0; i < 7; i++)
		lb_event(b, i, TL_EV_SEPARATOR, SEP0, 4);
	lb_var(&v, TL_GUID_GLOBAL_VARIABLE.b, "SecureBoot", "\x01", 1);
	lb_event(b, 7, TL_EV_EFI_VARIABLE_DRIVER_CONFIG, v.buf, v.len);
	lb_free(&v);
	lb_event(b, 7, TL_EV_SEPARATOR, SEP0, 4);
}

/* An EV_EVENT_TAG on pcr holding TRUSTBOUNDARY { inner } (inner freed). */
static void tag(struct lb *b, uint32_t pcr, struct lb *inner)
{
	struct lb t = { 0 };
	sipa(&t, TL_SIPA_TRUSTBOUNDARY, inner->buf, inner->len);
	lb_free(inner);
	lb_event(b, pcr, TL_EV_EVENT_TAG, t.buf, t.len);
	lb_free(&t);
}

/* The settings a healthy VBS boot measures, then extra (may be NULL). */
static void healthy(struct lb *in)
{
	sipa_u64(in, TL_SIPA_BOOTCOUNTER, 3);
	lb_le32(in, TL_SIPA_TRANSFER_CONTROL);
	lb_le32(in, 4);
	lb_le32(in, 1);
	sipa(in, TL_SIPA_BOOTDEBUGGING, "\0", 1);
	sipa(in, TL_SIPA_OSKERNELDEBUG, "\0", 1);
	sipa(in, TL_SIPA_TESTSIGNING, "\0", 1);
	sipa(in, TL_SIPA_CODEINTEGRITY, "\1", 1);
	sipa_u64(in, TL_SIPA_HYPERVISOR_LAUNCH_TYPE, 1);
	sipa_u64(in, TL_SIPA_VSM_LAUNCH_TYPE, 1);
}

static void wbcl(struct lb *b)
{
	for (uint32_t pcr = 12; pcr <= 14; pcr++)
		lb_event(b, pcr, TL_EV_SEPARATOR, "WBCL", 4);
}

static json_t *facts_of(const struct lb *b, uint32_t trusted)
{
	struct tl_log *log;
	json_t *doc;
	assert_int_equal(tl_log_parse(b->buf, b->len, &log, NULL), TL_OK);
	assert_int_equal(tl_facts_extract(log, trusted, &doc), TL_OK);
	tl_log_free(log);
	return doc;
}

/* The reason codes joined by spaces, "" when valid. */
static const char *codes(json_t *doc)
{
	static char out[1024];
	size_t i;
	json_t *r;
	out[0] = '\0';
	json_array_foreach(json_object_get(doc, "reasons"), i, r)
	{
		if (out[0])
			strncat(out, " ", sizeof(out) - strlen(out) - 1);
		strncat(out, json_string_value(json_object_get(r, "code")),
			sizeof(out) - strlen(out) - 1);
	}
	assert_true(json_is_true(json_object_get(doc, "valid")) == (out[0] == '\0'));
	return out;
}

static json_t *win(json_t *doc, const char *key)
{
	return json_object_get(json_object_get(doc, "windows"), key);
}

static void facts_extract_wbcl_separators_are_windows_own(void **state)
{
	struct lb b = { 0 }, in = { 0 };
	json_t *f;
	(void)state;
	firmware(&b);
	healthy(&in);
	tag(&b, 12, &in);
	wbcl(&b);
	f = facts_of(&b, TL_PCRS_ALL);
	assert_string_equal(codes(f), "");
	assert_int_equal(json_integer_value(win(f, "boot_count")), 3);
	assert_string_equal(json_string_value(win(f, "boot_type")), "cold");
	assert_true(json_is_false(win(f, "kernel_debugging")));
	assert_true(json_is_true(win(f, "code_integrity")));
	assert_true(json_is_true(json_object_get(win(f, "vbs"), "enabled")));
	assert_int_equal(json_array_size(json_object_get(f, "separators")), 11);
	json_decref(f);
	lb_free(&b);
}

static void facts_extract_wbcl_separator_digest_must_bind(void **state)
{
	struct lb b = { 0 }, in = { 0 };
	json_t *f;
	(void)state;
	firmware(&b);
	healthy(&in);
	tag(&b, 12, &in);
	lb_event(&b, 12, TL_EV_SEPARATOR, "WBCL", 4);
	lb_event_digesting(&b, 13, TL_EV_SEPARATOR, "WBCL", 4, SEP0, 4);
	f = facts_of(&b, TL_PCRS_ALL);
	assert_string_equal(codes(f), "windows.separator");
	json_decref(f);
	lb_free(&b);
}

static void facts_extract_windows_separator_missing(void **state)
{
	struct lb b = { 0 }, in = { 0 };
	json_t *f;
	(void)state;
	firmware(&b);
	healthy(&in);
	tag(&b, 12, &in);
	lb_event(&b, 12, TL_EV_SEPARATOR, "WBCL", 4);
	f = facts_of(&b, TL_PCRS_ALL);
	assert_string_equal(codes(f), "windows.separator_missing");
	assert_string_equal(json_string_value(json_object_get(
				    json_array_get(json_object_get(f, "reasons"), 0), "detail")),
			    "PCR 13");
	json_decref(f);
	lb_free(&b);
}

/* Each weakness: its setting, its reason, and the component the reason names. */
static void facts_extract_weakness_is_a_reason_with_component(void **state)
{
	static const struct {
		uint32_t type;
		const char *value;
		const char *code, *component;
	} cases[] = {
		{ TL_SIPA_BOOTDEBUGGING, "\1", "windows.boot_debugging", "windows.boot_debugging" },
		{ TL_SIPA_OSKERNELDEBUG, "\1", "windows.kernel_debugging",
		  "windows.kernel_debugging" },
		{ TL_SIPA_HYPERVISOR_DEBUG, "\1", "windows.hypervisor_debugging",
		  "windows.hypervisor_debugging" },
		{ TL_SIPA_TESTSIGNING, "\1", "windows.test_signing", "windows.test_signing" },
		{ TL_SIPA_CODEINTEGRITY, "\0", "windows.code_integrity_off",
		  "windows.code_integrity" },
	};
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct lb b = { 0 }, in = { 0 };
		json_t *f, *r;
		firmware(&b);
		healthy(&in);
		sipa(&in, cases[i].type, cases[i].value, 1); /* later, and worse: it latches */
		tag(&b, 12, &in);
		wbcl(&b);
		f = facts_of(&b, TL_PCRS_ALL);
		assert_string_equal(codes(f), cases[i].code);
		r = json_array_get(json_object_get(f, "reasons"), 0);
		assert_string_equal(json_string_value(json_object_get(r, "component")),
				    cases[i].component);
		json_t *c = tl_facts_windows_claims(f);
		assert_true(json_is_true(json_object_get(c, "is_windows")));
		/* a debugger on: not disabled, whatever is not measured */
		assert_true(json_is_false(json_object_get(c, "debuggers_disabled")) ==
			    (strstr(cases[i].code, "debugging") != NULL));
		assert_true(json_is_true(json_object_get(c, "signing_disabled")) ==
			    (strcmp(cases[i].code, "windows.code_integrity_off") == 0));
		json_decref(c);
		json_decref(f);
		lb_free(&b);
	}
}

static void facts_extract_vbs_off_is_a_reason(void **state)
{
	struct lb b = { 0 }, in = { 0 };
	json_t *f;
	(void)state;
	firmware(&b);
	sipa_u64(&in, TL_SIPA_HYPERVISOR_LAUNCH_TYPE, 1);
	sipa_u64(&in, TL_SIPA_VSM_LAUNCH_TYPE, 0);
	sipa(&in, TL_SIPA_VBS_SECUREBOOT_REQUIRED, "\1", 1);
	tag(&b, 12, &in);
	wbcl(&b);
	f = facts_of(&b, TL_PCRS_ALL);
	assert_string_equal(codes(f), "windows.vbs_off");
	assert_true(json_is_false(json_object_get(win(f, "vbs"), "enabled")));
	assert_true(json_is_true(json_object_get(win(f, "vbs"), "secureboot_required")));
	assert_true(json_is_null(json_object_get(win(f, "vbs"), "required")));
	json_decref(f);
	lb_free(&b);
}

/* The tag claims a clean boot but measured one with the kernel debugger on. */
static void facts_extract_windows_tag_digest_must_bind(void **state)
{
	struct lb b = { 0 }, in = { 0 }, shown = { 0 }, measured = { 0 };
	json_t *f;
	(void)state;
	firmware(&b);
	healthy(&in);
	sipa(&shown, TL_SIPA_TRUSTBOUNDARY, in.buf, in.len);
	sipa(&in, TL_SIPA_OSKERNELDEBUG, "\1", 1);
	sipa(&measured, TL_SIPA_TRUSTBOUNDARY, in.buf, in.len);
	lb_event_digesting(&b, 12, TL_EV_EVENT_TAG, shown.buf, shown.len, measured.buf,
			   measured.len);
	wbcl(&b);
	f = facts_of(&b, TL_PCRS_ALL);
	assert_string_equal(codes(f), "windows.event_digest windows.vbs_off");
	assert_true(json_is_null(win(f, "kernel_debugging")));
	assert_true(json_is_null(win(f, "boot_count")));
	json_decref(f);
	lb_free(&b);
	lb_free(&in);
	lb_free(&shown);
	lb_free(&measured);
}

/* After the WBCL separator the running OS measures: nothing there is a fact of the boot. */
static void facts_extract_windows_ignores_events_after_separator(void **state)
{
	struct lb b = { 0 }, in = { 0 }, late = { 0 };
	json_t *f;
	(void)state;
	firmware(&b);
	healthy(&in);
	tag(&b, 12, &in);
	wbcl(&b);
	sipa(&late, TL_SIPA_OSKERNELDEBUG, "\1", 1);
	tag(&b, 12, &late);
	f = facts_of(&b, TL_PCRS_ALL);
	assert_string_equal(codes(f), "");
	assert_true(json_is_false(win(f, "kernel_debugging")));
	assert_int_equal(json_integer_value(win(f, "events_after_separator")), 1);
	json_decref(f);
	lb_free(&b);
}

static void facts_extract_windows_conflicting_boot_count(void **state)
{
	struct lb b = { 0 }, in = { 0 }, more = { 0 };
	json_t *f;
	(void)state;
	firmware(&b);
	healthy(&in);
	tag(&b, 12, &in);
	sipa_u64(&more, TL_SIPA_BOOTCOUNTER, 4);
	tag(&b, 13, &more);
	wbcl(&b);
	f = facts_of(&b, TL_PCRS_ALL);
	assert_string_equal(codes(f), "windows.conflicting_values");
	json_decref(f);
	lb_free(&b);
}

/* One loaded-module record (hash and path; extra appended inside) in PCR 13. */
static const char *module_codes(void (*extra)(struct lb *), json_t **facts)
{
	struct lb b = { 0 }, in = { 0 }, lma = { 0 };
	firmware(&b);
	healthy(&in);
	tag(&b, 12, &in);
	sipa(&lma, TL_SIPA_FILEPATH, "\\\0d\0.\0s\0y\0s\0\0\0", 14);
	lb_le32(&lma, TL_SIPA_HASHALGORITHMID);
	lb_le32(&lma, 4);
	lb_le32(&lma, 0x800c);
	if (extra)
		extra(&lma);
	sipa(&in, TL_SIPA_LOADEDMODULE_AGGREGATION, lma.buf, lma.len);
	lb_free(&lma);
	tag(&b, 13, &in);
	wbcl(&b);
	*facts = facts_of(&b, TL_PCRS_ALL);
	lb_free(&b);
	return codes(*facts);
}

static void with_hash(struct lb *lma)
{
	uint8_t hash[32];
	memset(hash, 0x11, sizeof(hash));
	sipa(lma, TL_SIPA_AUTHENTICODEHASH, hash, sizeof(hash));
	sipa(lma, TL_SIPA_AUTHORITYISSUER, "C\0A\0\0\0", 6);
}

static void with_two_hashes(struct lb *lma)
{
	with_hash(lma);
	with_hash(lma);
}

static void with_sha1_sized_hash(struct lb *lma)
{
	uint8_t hash[20] = { 0 };
	sipa(lma, TL_SIPA_AUTHENTICODEHASH, hash, sizeof(hash)); /* but SHA-256 declared */
}

static void facts_extract_windows_module_records(void **state)
{
	json_t *f, *m;
	(void)state;
	assert_string_equal(module_codes(with_hash, &f), "");
	m = json_array_get(win(f, "loaded_modules"), 0);
	assert_string_equal(json_string_value(json_object_get(m, "path")), "\\d.sys");
	assert_string_equal(json_string_value(json_object_get(json_object_get(m, "digests"),
							      "sha256")),
			    "1111111111111111111111111111111111111111111111111111111111111111");
	assert_string_equal(json_string_value(json_object_get(json_object_get(m, "signer"),
							      "issuer")),
			    "CA");
	json_decref(f);
	assert_string_equal(module_codes(NULL, &f), "sipa.missing_field");
	json_decref(f);
	assert_string_equal(module_codes(with_two_hashes, &f), "sipa.duplicate_field");
	json_decref(f);
	assert_string_equal(module_codes(with_sha1_sized_hash, &f), "sipa.hash_algorithm");
	json_decref(f);
}

static void facts_extract_windows_malformed_sipa_gives_nothing(void **state)
{
	struct lb b = { 0 }, in = { 0 };
	json_t *f;
	(void)state;
	firmware(&b);
	healthy(&in);
	lb_le32(&in, TL_SIPA_OSKERNELDEBUG);
	lb_le32(&in, 2); /* one byte promised twice over */
	lb_u8(&in, 1);
	tag(&b, 12, &in);
	wbcl(&b);
	f = facts_of(&b, TL_PCRS_ALL);
	assert_string_equal(codes(f), "sipa.truncated windows.vbs_off");
	assert_true(json_is_null(win(f, "boot_count")));
	json_decref(f);
	lb_free(&b);
}

static void facts_extract_windows_only_from_trusted_pcrs(void **state)
{
	struct lb b = { 0 }, in = { 0 }, bad = { 0 };
	json_t *f;
	(void)state;
	firmware(&b);
	healthy(&in);
	tag(&b, 12, &in);
	sipa(&bad, TL_SIPA_TESTSIGNING, "\1", 1);
	tag(&b, 13, &bad);
	wbcl(&b);
	f = facts_of(&b, TL_PCRS_ALL & ~(1u << 13));
	assert_string_equal(codes(f), "tcglog.pcr_not_trusted");
	assert_true(json_is_false(win(f, "test_signing")));
	json_decref(f);
	lb_free(&b);
}

static void facts_extract_linux_has_no_windows(void **state)
{
	struct lb b = { 0 };
	json_t *f;
	(void)state;
	firmware(&b);
	f = facts_of(&b, TL_PCRS_ALL);
	assert_string_equal(codes(f), "");
	assert_true(json_is_null(json_object_get(f, "windows")));
	json_t *c = tl_facts_windows_claims(f);
	assert_int_equal(json_object_size(c), 1);
	assert_true(json_is_false(json_object_get(c, "is_windows")));
	json_decref(c);
	json_decref(f);
	lb_free(&b);
}

/* Distinct module records beyond what merging may cost: said, not worked through. */
static void facts_extract_windows_module_merge_is_bounded(void **state)
{
	struct lb b = { 0 };
	json_t *f, *r;
	size_t i, n = 0;
	bool said = false;
	(void)state;
	firmware(&b);
	for (int t = 0; t < 2; t++) { /* 2 000 records: fewer than TL_MAX_WIN_MODULES */
		struct lb in = { 0 };
		for (int k = 0; k < 1000; k++, n++) {
			struct lb lma = { 0 };
			uint8_t hash[32] = { 0 };
			memcpy(hash, &n, sizeof(n));
			sipa(&lma, TL_SIPA_AUTHENTICODEHASH, hash, sizeof(hash));
			sipa(&in, TL_SIPA_LOADEDMODULE_AGGREGATION, lma.buf, lma.len);
			lb_free(&lma);
		}
		tag(&b, 12, &in);
	}
	wbcl(&b);
	f = facts_of(&b, TL_PCRS_ALL);
	json_array_foreach(json_object_get(f, "reasons"), i, r)
		if (strcmp(json_string_value(json_object_get(r, "code")), "tcglog.facts_too_large") == 0)
			said = strcmp(json_string_value(json_object_get(r, "detail")),
				      "windows.loaded_modules") == 0;
	assert_true(said);
	assert_true(json_array_size(win(f, "loaded_modules")) < 2000);
	assert_true(json_array_size(win(f, "loaded_modules")) > 1000);
	json_decref(f);
	lb_free(&b);
}

/* systemd-stub tags PCR 12 events with the same framing: not a Windows boot. */
static void facts_extract_systemd_tag_is_not_windows(void **state)
{
	struct lb b = { 0 }, t = { 0 };
	json_t *f;
	(void)state;
	firmware(&b);
	sipa(&t, 0x8F3B22ECu, "q\0u\0i\0e\0t\0\0\0", 12); /* the load options' tag */
	lb_event(&b, 12, TL_EV_EVENT_TAG, t.buf, t.len);
	lb_free(&t);
	f = facts_of(&b, TL_PCRS_ALL);
	assert_string_equal(codes(f), "");
	assert_true(json_is_null(json_object_get(f, "windows")));
	json_t *c = tl_facts_windows_claims(f);
	assert_int_equal(json_object_size(c), 1);
	assert_true(json_is_false(json_object_get(c, "is_windows")));
	json_decref(c);
	json_decref(f);
	lb_free(&b);
}

/* Baselines compare Windows components like the Linux ones. */
static void facts_compare_windows_by_component(void **state)
{
	struct lb a = { 0 }, b = { 0 }, in = { 0 };
	json_t *fa, *fb, *d, *base, *x;
	size_t i;
	char comps[512] = "";
	(void)state;
	firmware(&a);
	healthy(&in);
	tag(&a, 12, &in);
	wbcl(&a);
	firmware(&b);
	healthy(&in);
	sipa(&in, TL_SIPA_OSKERNELDEBUG, "\1", 1);
	tag(&b, 12, &in);
	wbcl(&b);
	fa = facts_of(&a, TL_PCRS_ALL);
	fb = facts_of(&b, TL_PCRS_ALL);
	d = tl_facts_compare(fa, fb);
	json_array_foreach(d, i, x)
	{
		strncat(comps, json_string_value(json_object_get(x, "component")),
			sizeof(comps) - strlen(comps) - 2);
		strcat(comps, " ");
	}
	assert_string_equal(comps, "windows.kernel_debugging ");
	assert_string_equal(json_string_value(json_object_get(json_array_get(d, 0), "message")),
			    "Windows kernel debugging changed from off to on");
	json_decref(d);
	base = tl_baseline_from_facts(fa);
	x = json_object_get(json_object_get(base, "windows"), "vbs");
	assert_true(json_is_true(json_object_get(x, "enabled")));
	assert_non_null(json_object_get(json_object_get(base, "windows"), "loaded_modules"));
	d = tl_baseline_compare(base, fb);
	assert_int_equal(json_array_size(d), 1);
	json_decref(d);
	json_decref(base);
	json_decref(fa);
	json_decref(fb);
	lb_free(&a);
	lb_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(facts_extract_wbcl_separators_are_windows_own),
		cmocka_unit_test(facts_extract_wbcl_separator_digest_must_bind),
		cmocka_unit_test(facts_extract_windows_separator_missing),
		cmocka_unit_test(facts_extract_weakness_is_a_reason_with_component),
		cmocka_unit_test(facts_extract_vbs_off_is_a_reason),
		cmocka_unit_test(facts_extract_windows_tag_digest_must_bind),
		cmocka_unit_test(facts_extract_windows_ignores_events_after_separator),
		cmocka_unit_test(facts_extract_windows_conflicting_boot_count),
		cmocka_unit_test(facts_extract_windows_module_records),
		cmocka_unit_test(facts_extract_windows_malformed_sipa_gives_nothing),
		cmocka_unit_test(facts_extract_windows_only_from_trusted_pcrs),
		cmocka_unit_test(facts_extract_linux_has_no_windows),
		cmocka_unit_test(facts_extract_systemd_tag_is_not_windows),
		cmocka_unit_test(facts_extract_windows_module_merge_is_bounded),
		cmocka_unit_test(facts_compare_windows_by_component),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
