/* The real Windows Server VM (windows/gcp-shielded-vm.json): its Windows Boot Configuration
 * Log replays to the SHA-1 PCRs read from its TPM, its quote verifies with its AK, and every
 * Windows claim is what the log's bound bytes say (docs/windows.md). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "trustlaunch/b64.h"
#include "trustlaunch/facts.h"
#include "trustlaunch/hash.h"
#include "trustlaunch/quote.h"
#include "trustlaunch/tcglog.h"

struct vec {
	json_t *j;
	uint8_t *log, *ak, *attest, *sig;
	size_t log_len, ak_len, attest_len, sig_len;
	struct tl_pcr_values pcrs;
};

/* The base64 string at j[a][b], decoded into a fresh buffer (prefix bytes left free). */
static uint8_t *field(json_t *j, const char *a, const char *b, size_t prefix, size_t *len)
{
	const char *s = json_string_value(json_object_get(json_object_get(j, a), b));
	uint8_t *out;
	assert_non_null(s);
	out = calloc(1, prefix + strlen(s) + 1);
	assert_non_null(out);
	assert_int_equal(tl_b64_decode(s, strlen(s), out + prefix, strlen(s), len), TL_OK);
	return out;
}

static void load(struct vec *v)
{
	char path[4096];
	const char *dir = getenv("TL_VECTORS");
	json_t *e;
	size_t i;
	memset(v, 0, sizeof(*v));
	snprintf(path, sizeof(path), "%s/windows/gcp-shielded-vm.json",
		 dir ? dir : "../shared/vectors");
	v->j = json_load_file(path, 0, NULL);
	if (!v->j)
		fail_msg("cannot read %s (set TL_VECTORS)", path);
	v->log = field(v->j, "Log", "Raw", 0, &v->log_len);
	v->attest = field(v->j, "Quote", "Quote", 0, &v->attest_len);
	v->sig = field(v->j, "Quote", "Signature", 0, &v->sig_len);
	/* AK.Public is a TPMT_PUBLIC: give it the TPM2B_PUBLIC size prefix */
	v->ak = field(v->j, "AK", "Public", 2, &v->ak_len);
	v->ak[0] = (uint8_t)(v->ak_len >> 8);
	v->ak[1] = (uint8_t)v->ak_len;
	v->ak_len += 2;
	json_array_foreach(json_object_get(json_object_get(v->j, "Log"), "PCRs"), i, e)
	{
		const char *d = json_string_value(json_object_get(e, "Digest"));
		uint8_t val[64];
		size_t n;
		assert_int_equal(json_integer_value(json_object_get(e, "DigestAlg")), 3); /* SHA-1 */
		assert_int_equal(tl_b64_decode(d, strlen(d), val, sizeof(val), &n), TL_OK);
		assert_int_equal(tl_pcr_values_set(&v->pcrs, TL_ALG_SHA1,
						   (unsigned)json_integer_value(json_object_get(e, "Index")),
						   val, n),
				 TL_OK);
	}
}

static void unload(struct vec *v)
{
	json_decref(v->j);
	free(v->log);
	free(v->ak);
	free(v->attest);
	free(v->sig);
}

static void vectors_windows_log_replays_to_the_tpm_pcrs(void **state)
{
	struct vec v;
	struct tl_log *log;
	struct tl_pcrs p;
	(void)state;
	load(&v);
	assert_int_equal(tl_log_parse(v.log, v.log_len, &log, NULL), TL_OK);
	assert_int_equal(log->format, TL_LOG_LEGACY_SHA1);
	assert_int_equal(log->nevents, 21);
	assert_int_equal(tl_log_replay(log, &p), TL_OK);
	assert_int_equal(p.nbanks, 1);
	/* the PCRs the log extends: firmware 0, 4, 5, 7; Windows 11-14 */
	assert_int_equal(p.bank[0].extended, (1u << 0) | (1u << 4) | (1u << 5) | (1u << 7) |
						     (1u << 11) | (1u << 12) | (1u << 13) | (1u << 14));
	assert_int_equal(v.pcrs.bank[0].mask, 0xFFFFFFu);
	for (unsigned i = 0; i < 24; i++)
		if (memcmp(p.bank[0].pcr[i], v.pcrs.bank[0].v[i], 20) != 0)
			fail_msg("PCR %u does not replay to the value read from the TPM", i);
	tl_log_free(log);
	unload(&v);
}

static void vectors_windows_quote_verifies_with_its_ak(void **state)
{
	struct vec v;
	struct tl_log *log;
	struct tl_tpm2_public ak;
	struct tl_quote_result res;
	struct tl_quote_opts opts = { .allow_sha1 = true, .no_nonce = true };
	struct tl_bytes at, sig, none = { NULL, 0 };
	(void)state;
	load(&v);
	at = (struct tl_bytes){ v.attest, v.attest_len };
	sig = (struct tl_bytes){ v.sig, v.sig_len };
	assert_int_equal(tl_log_parse(v.log, v.log_len, &log, NULL), TL_OK);
	assert_int_equal(tl_tpm2_public_parse((struct tl_bytes){ v.ak, v.ak_len }, &ak), TL_OK);
	assert_int_equal(tl_quote_verify(&ak, NULL, at, sig, none, &v.pcrs, log, &opts, &res),
			 TL_OK);
	assert_int_equal(res.log_trusted, 0xFFFFFFu); /* every PCR quoted and replayed */
	assert_int_equal(res.attest.pcr_select.count, 1);
	assert_int_equal(res.attest.pcr_select.bank[0].alg, TL_ALG_SHA1);

	/* each check still refuses */
	opts.allow_sha1 = false;
	assert_int_equal(tl_quote_verify(&ak, NULL, at, sig, none, &v.pcrs, log, &opts, &res),
			 TL_E_QUOTE_SHA1);
	opts.allow_sha1 = true;
	opts.no_nonce = false; /* the quote carries no nonce: a caller that asked for one */
	assert_int_equal(tl_quote_verify(&ak, NULL, at, sig, (struct tl_bytes){ v.attest, 4 },
					 &v.pcrs, log, &opts, &res),
			 TL_E_QUOTE_NONCE);
	assert_int_equal(tl_quote_verify(&ak, NULL, at, sig, none, &v.pcrs, log, &opts, &res),
			 TL_E_QUOTE_NONCE);
	opts.no_nonce = true;
	v.attest[v.attest_len - 1] ^= 1;
	assert_int_equal(tl_quote_verify(&ak, NULL, at, sig, none, &v.pcrs, log, &opts, &res),
			 TL_E_QUOTE_SIGNATURE);
	v.attest[v.attest_len - 1] ^= 1;
	v.pcrs.bank[0].v[13][0] ^= 1;
	assert_int_equal(tl_quote_verify(&ak, NULL, at, sig, none, &v.pcrs, log, &opts, &res),
			 TL_E_QUOTE_PCR_DIGEST);
	tl_log_free(log);
	unload(&v);
}

static json_t *at(json_t *doc, const char *path)
{
	char key[64];
	const char *dot = strchr(path, '.');
	if (!dot)
		return json_object_get(doc, path);
	snprintf(key, sizeof(key), "%.*s", (int)(dot - path), path);
	return at(json_object_get(doc, key), dot + 1);
}

static void claim(json_t *facts, const char *path, const char *want_json)
{
	json_t *want = json_loads(want_json, JSON_DECODE_ANY, NULL);
	json_t *got = at(facts, path);
	assert_non_null(want);
	if (!got || !json_equal(got, want)) {
		char *g = got ? json_dumps(got, JSON_ENCODE_ANY) : NULL;
		fail_msg("%s is %s, expected %s", path, g ? g : "absent", want_json);
	}
	json_decref(want);
}

static void vectors_windows_claims(void **state)
{
	struct vec v;
	struct tl_log *log;
	struct tl_tpm2_public ak;
	struct tl_quote_result res;
	struct tl_quote_opts opts = { .allow_sha1 = true, .no_nonce = true };
	json_t *f, *m, *r;
	size_t i;
	char codes[1024] = "";
	(void)state;
	load(&v);
	assert_int_equal(tl_log_parse(v.log, v.log_len, &log, NULL), TL_OK);
	assert_int_equal(tl_tpm2_public_parse((struct tl_bytes){ v.ak, v.ak_len }, &ak), TL_OK);
	assert_int_equal(tl_quote_verify(&ak, NULL, (struct tl_bytes){ v.attest, v.attest_len },
					 (struct tl_bytes){ v.sig, v.sig_len },
					 (struct tl_bytes){ NULL, 0 }, &v.pcrs, log, &opts, &res),
			 TL_OK);
	assert_int_equal(tl_facts_extract(log, res.log_trusted, &f), TL_OK);

	claim(f, "windows.os_build", "null");
	claim(f, "windows.boot_count", "4");
	claim(f, "windows.boot_type", "\"cold\"");
	claim(f, "windows.boot_debugging", "false");
	claim(f, "windows.kernel_debugging", "false");
	claim(f, "windows.hypervisor_debugging", "null");
	claim(f, "windows.test_signing", "false");
	claim(f, "windows.flight_signing", "false");
	claim(f, "windows.code_integrity", "true");
	claim(f, "windows.hvci_policy", "null");
	claim(f, "windows.dep_policy", "\"OptOut\"");
	claim(f, "windows.safe_mode", "false");
	claim(f, "windows.winpe", "false");
	claim(f, "windows.hypervisor_launch_type", "\"off\"");
	claim(f, "windows.system_root", "\"\\\\Windows\"");
	claim(f, "windows.vbs", "{\"enabled\": false, \"vsm_launch_type\": \"off\", "
				"\"required\": null, \"secureboot_required\": null, "
				"\"iommu_required\": null, \"mandatory_enforcement\": null, "
				"\"microsoft_boot_chain_required\": null}");
	claim(f, "windows.elam_drivers",
	      "[{\"name\": \"Windows Defender\", \"configuration\": null, \"policy\": null, "
	      "\"measured\": \"067d5b9dc5627f97dcf3feff602a342ed698d2cc\"}]");
	claim(f, "windows.bitlocker_unlocks",
	      "[{\"flags\": 0, \"methods\": []}, {\"flags\": 0, \"methods\": []}]");
	claim(f, "windows.events_after_separator", "0");
	claim(f, "secureboot.enabled", "true");
	claim(f, "separators", "[7, 12, 13, 14]");
	assert_int_equal(json_array_size(at(f, "windows.authority_keys")), 3);

	/* 64 boot modules, each with its path, Authenticode SHA-256 and signer: 59 by the
	 * Windows Production PCA, 4 by the Code Signing PCA (WdBoot.sys, intelpep.sys and the
	 * two WindowsTrustedRT drivers), 1 by the Third Party Component CA */
	assert_int_equal(json_array_size(at(f, "windows.loaded_modules")), 64);
	size_t by[3] = { 0 };
	json_array_foreach(at(f, "windows.loaded_modules"), i, m)
	{
		const char *issuer = json_string_value(at(m, "signer.issuer"));
		assert_true(json_is_string(json_object_get(m, "path")));
		assert_int_equal(strlen(json_string_value(at(m, "digests.sha256"))), 64);
		assert_true(json_is_true(json_object_get(m, "validated")));
		assert_non_null(issuer);
		by[0] += strcmp(issuer, "Microsoft Windows Production PCA 2011") == 0;
		by[1] += strcmp(issuer, "Microsoft Code Signing PCA 2010") == 0;
		by[2] += strcmp(issuer, "Microsoft Windows Third Party Component CA 2014") == 0;
	}
	assert_int_equal(by[0], 59);
	assert_int_equal(by[1], 4);
	assert_int_equal(by[2], 1);
	m = json_array_get(at(f, "windows.loaded_modules"), 0);
	claim(m, "path", "\"\\\\Windows\\\\system32\\\\winload.efi\"");
	claim(m, "digests", "{\"sha256\": "
			    "\"44e1ea32b24a048832eeda3d658743a68836aaa2e31ca2e0ee4e24ecb2f74619\"}");
	claim(m, "image_size", "1970176");
	claim(m, "signer", "{\"issuer\": \"Microsoft Windows Production PCA 2011\", "
			   "\"publisher\": \"Microsoft Windows\", "
			   "\"serial\": \"330000023241fb59996dcc4dff000000000232\", "
			   "\"sha1_thumbprint\": \"ff82bc38e1da5e596df374c53e3617f7eda36b06\"}");

	/* Windows' PCR 12-14 structure breaks no rule; VBS is off, and this firmware measured
	 * no separator into PCR 0-6 (a PCR 0-7 rule, kept strict) */
	json_array_foreach(json_object_get(f, "reasons"), i, r)
	{
		strncat(codes, json_string_value(json_object_get(r, "code")),
			sizeof(codes) - strlen(codes) - 2);
		strcat(codes, " ");
	}
	assert_string_equal(codes, "windows.vbs_off tcglog.separator_missing "
				   "tcglog.separator_missing tcglog.separator_missing "
				   "tcglog.separator_missing tcglog.separator_missing "
				   "tcglog.separator_missing tcglog.separator_missing ");
	claim(json_array_get(json_object_get(f, "reasons"), 0), "component",
	      "\"windows.vbs.enabled\"");

	/* the token claims of this boot */
	json_t *tc = tl_facts_windows_claims(f), *want = json_loads(
		"{\"is_windows\": true, \"bootdebug_enabled\": false, \"kerneldebug_enabled\": false,"
		" \"hypervisordebug_enabled\": null, \"debuggers_disabled\": null,"
		" \"testsigning_enabled\": false, \"flightsigning_enabled\": false,"
		" \"signing_disabled\": false, \"hvci_policy\": null, \"vbs_enabled\": false,"
		" \"elam_enabled\": true, \"boot_count\": 4, \"cold_boot\": true,"
		" \"os_build\": null, \"dep_policy\": \"OptOut\", \"safe_mode\": false,"
		" \"winpe\": false, \"vbs_required\": null, \"vbs_secureboot_required\": null,"
		" \"vbs_microsoft_boot_chain_required\": null, \"bitlocker_unlock_count\": 2,"
		" \"boot_module_count\": 64}", 0, NULL);
	assert_non_null(want);
	if (!json_equal(tc, want)) {
		char *g = json_dumps(tc, JSON_SORT_KEYS);
		fail_msg("token claims: %s", g);
	}
	json_decref(tc);
	json_decref(want);
	json_decref(f);
	tl_log_free(log);
	unload(&v);
}

/* Every prefix and every flipped byte of the real SIPA data: a parse or a reason, never a
 * sanitizer finding, and never Windows facts from an event whose digest no longer binds. */
static void vectors_windows_log_truncated_and_corrupted_everywhere(void **state)
{
	struct vec v;
	(void)state;
	load(&v);
	for (size_t n = 0; n < v.log_len; n += 7) {
		struct tl_log *log = NULL;
		json_t *f;
		if (tl_log_parse(v.log, n, &log, NULL) != TL_OK)
			continue;
		assert_int_equal(tl_facts_extract(log, TL_PCRS_ALL, &f), TL_OK);
		json_decref(f);
		tl_log_free(log);
	}
	for (size_t n = 0; n < v.log_len; n += 13) {
		struct tl_log *log = NULL;
		json_t *f;
		v.log[n] ^= 0x5a;
		if (tl_log_parse(v.log, v.log_len, &log, NULL) == TL_OK) {
			assert_int_equal(tl_facts_extract(log, TL_PCRS_ALL, &f), TL_OK);
			json_decref(f);
			tl_log_free(log);
		}
		v.log[n] ^= 0x5a;
	}
	unload(&v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(vectors_windows_log_replays_to_the_tpm_pcrs),
		cmocka_unit_test(vectors_windows_quote_verifies_with_its_ak),
		cmocka_unit_test(vectors_windows_claims),
		cmocka_unit_test(vectors_windows_log_truncated_and_corrupted_everywhere),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
