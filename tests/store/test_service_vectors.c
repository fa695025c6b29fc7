/* The real vectors through the service's verdict: the Azure confidential VM (Genoa, paravisor
 * vTPM) through tl_attest_verdict_make, trustlaunchd's own function, as a VM of security type
 * confidential whose enrolled AK is the one the HCL report names; and the same evidence and the
 * real Windows Server VM through tl_verdict_run, the library pipeline that function runs.
 *
 * What the recordings cannot give, said here once: neither quote is over a nonce of this
 * service (the Azure quote's qualifying data is a 48-byte value of its own, the Windows quote
 * has none), so through the service the Azure quote is refused as quote.nonce while all of its
 * SEV-SNP evidence verifies; the pipeline is then run with the recording's own nonce (and, for
 * Windows, no nonce and SHA-1 allowed, as `tl quote verify --no-nonce --allow-sha1` does) to
 * show the quote, its binding and the claims. The Azure AK's TPM2B_PUBLIC is not in the
 * vector: it is made from the runtime data's JWK (RSA-2048, restricted signing). A real Windows
 * TPM's AK cannot be enrolled through credential activation here (its EK's TPM is elsewhere),
 * and an Azure paravisor's neither; tests/integration/cvm.sh drives enrolment with swtpm. */
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
#include "trustlaunch/tcglog.h"
#include "verdict.h"

static const char *vectors(void)
{
	const char *v = getenv("TL_VECTORS");
	return v ? v : "../shared/vectors";
}

static uint8_t *slurp(const char *rel, size_t *len)
{
	char path[4096];
	uint8_t *buf;
	long n;
	FILE *f;
	snprintf(path, sizeof(path), "%s/%s", vectors(), rel);
	if (!(f = fopen(path, "rb")))
		fail_msg("cannot read %s (set TL_VECTORS)", path);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	assert_non_null(buf = malloc((size_t)n + 1));
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*len = (size_t)n;
	return buf;
}

/* ---- the Azure confidential VM */

struct azure {
	struct tl_snp_roots *roots;
	struct tl_server srv;
	struct tl_evidence ev;
	uint8_t nonce[64], ak[512];
	size_t nonce_len, ak_len;
	struct tl_tpm2_public ak_pub;
};

static size_t bytes_of(json_t *list, uint8_t *out, size_t max)
{
	size_t i;
	json_t *b;
	assert_true(json_is_array(list) && json_array_size(list) <= max);
	json_array_foreach(list, i, b) out[i] = (uint8_t)json_integer_value(b);
	return json_array_size(list);
}

/* The TPM2B_PUBLIC of an RSA-2048 restricted signing key (RSASSA-SHA256) with modulus n. */
static size_t ak_public(const uint8_t *n, size_t nlen, uint8_t *out)
{
	const uint8_t head[] = { 0x00, 0x01, 0x00, 0x0B, 0x00, 0x05, 0x00, 0x72, 0x00, 0x00,
				 0x00, 0x10, 0x00, 0x14, 0x00, 0x0B, 0x08, 0x00, 0x00, 0x00,
				 0x00, 0x00, (uint8_t)(nlen >> 8), (uint8_t)nlen };
	size_t t = sizeof(head) + nlen;
	out[0] = (uint8_t)(t >> 8);
	out[1] = (uint8_t)t;
	memcpy(out + 2, head, sizeof(head));
	memcpy(out + 2 + sizeof(head), n, nlen);
	return 2 + t;
}

static void quote_of(json_t *q, struct azure *a)
{
	struct tl_evidence *ev = &a->ev;
	uint8_t raw[1024];
	size_t n = bytes_of(json_object_get(q, "signature"), raw, sizeof(raw)), i;
	const uint8_t head[] = { 0x00, 0x14, 0x00, 0x0B, (uint8_t)(n >> 8), (uint8_t)n };
	json_t *pcr;
	memcpy(ev->sig, head, sizeof(head)); /* TPMT_SIGNATURE: RSASSA, SHA-256 */
	memcpy(ev->sig + sizeof(head), raw, n);
	ev->sig_len = sizeof(head) + n;
	ev->attest_len = bytes_of(json_object_get(q, "message"), ev->attest, sizeof(ev->attest));
	json_array_foreach(json_object_get(q, "pcrs"), i, pcr) {
		uint8_t v[32];
		assert_int_equal(bytes_of(pcr, v, sizeof(v)), 32);
		assert_int_equal(tl_pcr_values_set(&ev->pcrs, TL_ALG_SHA256, (unsigned)i, v, 32),
				 TL_OK);
	}
	/* the quote's own qualifying data (TPMS_ATTEST after magic, type, signer name) */
	size_t off = 6 + 2 + (size_t)(ev->attest[6] << 8 | ev->attest[7]);
	a->nonce_len = (size_t)(ev->attest[off] << 8 | ev->attest[off + 1]);
	memcpy(a->nonce, ev->attest + off + 2, a->nonce_len);
}

static int azure_setup(void **state)
{
	struct azure *a = calloc(1, sizeof(*a));
	size_t len;
	uint8_t *pem = slurp("cvm/amd-roots/genoa_ask_ark_asvk.pem", &len);
	json_t *root;
	const char *vcek;
	struct tl_hcl_report hcl;
	struct tl_hcl_runtime rt;
	char path[4096];

	assert_int_equal(tl_snp_roots_new(&a->roots), TL_OK);
	assert_int_equal(tl_snp_roots_add(a->roots, (struct tl_bytes){ pem, len }), TL_OK);
	free(pem);
	a->srv.snp_roots = a->roots;
	snprintf(path, sizeof(path), "%s/cvm/az-snp-vtpm/evidence-genoa.json", vectors());
	assert_non_null(root = json_load_file(path, 0, NULL));
	assert_non_null(a->ev.hcl_report = malloc(4096));
	a->ev.hcl_report_len = bytes_of(json_object_get(root, "report"), a->ev.hcl_report, 4096);
	vcek = json_string_value(json_object_get(root, "vcek"));
	a->ev.vcek_len = strlen(vcek);
	assert_non_null(a->ev.vcek = (uint8_t *)strdup(vcek));
	quote_of(json_object_get(root, "quote"), a);
	json_decref(root);
	/* the enrolled AK: the one the runtime data names */
	assert_int_equal(tl_hcl_parse((struct tl_bytes){ a->ev.hcl_report, a->ev.hcl_report_len },
				      &hcl, NULL), TL_OK);
	assert_int_equal(tl_hcl_runtime_parse(hcl.runtime_data, &rt), TL_OK);
	a->ak_len = ak_public(rt.ak_n, rt.ak_n_len, a->ak);
	assert_int_equal(tl_tpm2_public_parse((struct tl_bytes){ a->ak, a->ak_len }, &a->ak_pub),
			 TL_OK);
	*state = a;
	return 0;
}

static int azure_teardown(void **state)
{
	struct azure *a = *state;
	tl_snp_roots_free(a->roots);
	tl_evidence_free(&a->ev);
	free(a);
	return 0;
}

static void service_verdict_confidential_genoa_evidence_verifies(void **state)
{
	struct azure *a = *state;
	struct tl_vm vm = { .security_type = "confidential", .secure_boot = true };
	struct tl_vm_tpm tpm;
	struct tl_attest_verdict v;
	struct tl_resp resp = { 0, NULL, NULL, NULL };

	memset(&tpm, 0, sizeof(tpm));
	tl_hex(a->ak, a->ak_len, tpm.ak_public);
	assert_int_equal(tl_attest_verdict_make(&a->srv, &vm, &tpm, NULL, &a->ev, &v, &resp),
			 TL_OK);
	/* every SEV-SNP check passed; the one finding: not over this service's nonce */
	assert_true(v.typed.cvm_ok);
	assert_true(v.typed.cvm->hw_verified && v.typed.cvm->bound && v.typed.cvm->runtime_ok);
	assert_int_equal(v.typed.failed, TL_CHECK_BIT(TL_CHECK_QUOTE_NONCE));
	assert_int_equal(v.typed.failed & TL_CHECKS_SNP, 0);
	tl_attest_verdict_free(&v);
	/* the same VM enrolled with another AK: the report does not name it */
	uint8_t other[512];
	memcpy(other, a->ak, a->ak_len);
	other[a->ak_len - 1] ^= 1;
	tl_hex(other, a->ak_len, tpm.ak_public);
	assert_int_equal(tl_attest_verdict_make(&a->srv, &vm, &tpm, NULL, &a->ev, &v, &resp),
			 TL_OK);
	assert_true(tl_verdict_failed(&v.typed, TL_CHECK_SNP_BINDING));
	assert_false(v.typed.cvm_ok);
	tl_attest_verdict_free(&v);
}

static void service_verdict_confidential_without_roots_refused(void **state)
{
	struct azure *a = *state;
	struct tl_server none;
	struct tl_vm vm = { .security_type = "confidential" };
	struct tl_vm_tpm tpm;
	struct tl_attest_verdict v;
	struct tl_resp resp = { 0, NULL, NULL, NULL };
	char code[64];

	memset(&none, 0, sizeof(none));
	memset(&tpm, 0, sizeof(tpm));
	tl_hex(a->ak, a->ak_len, tpm.ak_public);
	assert_int_equal(tl_attest_verdict_make(&none, &vm, &tpm, NULL, &a->ev, &v, &resp), TL_OK);
	assert_true(tl_verdict_failed(&v.typed, TL_CHECK_SNP_EVIDENCE));
	assert_string_equal(tl_finding_code(&v.typed.findings[0], code, sizeof(code)),
			    "snp.evidence");
	assert_non_null(strstr(json_string_value(json_object_get(json_array_get(v.reasons, 0),
								 "detail")),
			       "--snp-roots"));
	tl_attest_verdict_free(&v);
}

/* The pipeline the service runs, with the recording's own nonce: the quote by the AK the
 * hardware vouches for, and the token's snp claims from the real report. */
static void verdict_run_confidential_genoa_quote_and_claims(void **state)
{
	struct azure *a = *state;
	const struct tl_snp_policy_cfg cfg = { 0 };
	struct tl_verdict_cvm cvm = { a->roots, { a->ev.hcl_report, a->ev.hcl_report_len },
				      { a->ev.vcek, a->ev.vcek_len }, &cfg, 0, NULL };
	struct tl_verdict_in in = {
		.ak = &a->ak_pub, .attest = { a->ev.attest, a->ev.attest_len },
		.sig = { a->ev.sig, a->ev.sig_len }, .nonce = { a->nonce, a->nonce_len },
		.pcrs = &a->ev.pcrs, .cvm = &cvm,
	};
	struct tl_verdict v;
	json_t *c, *s;

	assert_int_equal(tl_verdict_run(&in, &v), TL_OK);
	assert_true(v.quote_verified && v.cvm_ok);
	/* the recording has no event log: only that is missing */
	assert_int_equal(v.failed, TL_CHECK_BIT(TL_CHECK_LOG_MISSING) |
					   TL_CHECK_BIT(TL_CHECK_LOG_INCOMPLETE));
	assert_non_null(c = tl_verdict_claims(&v));
	s = json_object_get(c, "snp");
	assert_string_equal(json_string_value(json_object_get(s, "generation")), "Genoa");
	assert_string_equal(json_string_value(json_object_get(s, "isolation")), "sevsnp");
	assert_int_equal(json_integer_value(json_object_get(s, "vmpl")), 0);
	assert_true(json_is_false(json_object_get(json_object_get(s, "policy"), "debug")));
	assert_true(json_is_true(json_object_get(json_object_get(s, "policy"), "smt")));
	json_t *t = json_object_get(s, "reported_tcb");
	assert_int_equal(json_integer_value(json_object_get(t, "boot_loader")), 10);
	assert_int_equal(json_integer_value(json_object_get(t, "snp")), 23);
	assert_int_equal(json_integer_value(json_object_get(t, "microcode")), 84);
	assert_string_equal(json_string_value(json_object_get(s, "vm_unique_id")),
			    "390CBCF5-6C67-4D9B-98EF-C3F1699CC8FC");
	assert_int_equal(strlen(json_string_value(json_object_get(s, "measurement"))), 96);
	json_decref(c);
	tl_verdict_free(&v);
}

/* ---- the Windows Server VM */

static uint8_t *b64_field(json_t *j, const char *a, const char *b, size_t prefix, size_t *len)
{
	const char *s = json_string_value(json_object_get(json_object_get(j, a), b));
	uint8_t *out;
	assert_non_null(s);
	assert_non_null(out = calloc(1, prefix + strlen(s) + 1));
	assert_int_equal(tl_b64_decode(s, strlen(s), out + prefix, strlen(s), len), TL_OK);
	return out;
}

static void windows_pcrs(json_t *j, struct tl_pcr_values *pcrs)
{
	json_t *e;
	size_t i;
	json_array_foreach(json_object_get(json_object_get(j, "Log"), "PCRs"), i, e) {
		const char *d = json_string_value(json_object_get(e, "Digest"));
		uint8_t val[64];
		size_t n;
		assert_int_equal(tl_b64_decode(d, strlen(d), val, sizeof(val), &n), TL_OK);
		assert_int_equal(tl_pcr_values_set(pcrs, TL_ALG_SHA1,
						   (unsigned)json_integer_value(json_object_get(e, "Index")),
						   val, n), TL_OK);
	}
}

static void claim(json_t *w, const char *key, const char *want)
{
	char *have = json_dumps(json_object_get(w, key), JSON_ENCODE_ANY | JSON_COMPACT);
	if (!have || strcmp(have, want) != 0)
		fail_msg("windows.%s is %s, wanted %s", key, have ? have : "(none)", want);
	free(have);
}

static void verdict_run_windows_vector_claims_and_reasons(void **state)
{
	char path[4096], code[96];
	size_t log_len, ak_len, at_len, sig_len;
	struct tl_pcr_values pcrs;
	struct tl_tpm2_public ak;
	struct tl_log *log;
	struct tl_verdict v;
	json_t *j, *c, *w;
	(void)state;

	snprintf(path, sizeof(path), "%s/windows/gcp-shielded-vm.json", vectors());
	assert_non_null(j = json_load_file(path, 0, NULL));
	uint8_t *raw = b64_field(j, "Log", "Raw", 0, &log_len);
	uint8_t *at = b64_field(j, "Quote", "Quote", 0, &at_len);
	uint8_t *sig = b64_field(j, "Quote", "Signature", 0, &sig_len);
	uint8_t *akb = b64_field(j, "AK", "Public", 2, &ak_len); /* a TPMT: the size in front */
	akb[0] = (uint8_t)(ak_len >> 8);
	akb[1] = (uint8_t)ak_len;
	memset(&pcrs, 0, sizeof(pcrs));
	windows_pcrs(j, &pcrs);
	assert_int_equal(tl_tpm2_public_parse((struct tl_bytes){ akb, ak_len + 2 }, &ak), TL_OK);
	assert_int_equal(tl_log_parse(raw, log_len, &log, NULL), TL_OK);
	struct tl_verdict_in in = {
		.ak = &ak, .attest = { at, at_len }, .sig = { sig, sig_len }, .pcrs = &pcrs,
		.log = log, .quote = { .allow_sha1 = true, .no_nonce = true },
	};
	assert_int_equal(tl_verdict_run(&in, &v), TL_OK);
	assert_true(v.quote_verified);
	/* its reasons: VBS off, with its component; PCR 0-6 without separators (2018 firmware) */
	assert_true(tl_verdict_failed(&v, TL_CHECK_LOG_RULE));
	bool vbs = false;
	for (size_t i = 0; i < v.nfindings; i++) {
		tl_finding_code(&v.findings[i], code, sizeof(code));
		if (strcmp(code, "log.windows.vbs_off") != 0)
			continue;
		vbs = true;
		assert_true(v.findings[i].has_component);
		assert_string_equal(tl_component_path(v.findings[i].component), "windows.vbs.enabled");
	}
	assert_true(vbs);
	assert_non_null(c = tl_verdict_claims(&v));
	w = json_object_get(c, "windows");
	claim(w, "is_windows", "true");
	claim(w, "os_build", "null");
	claim(w, "boot_count", "4");
	claim(w, "cold_boot", "true");
	claim(w, "bootdebug_enabled", "false");
	claim(w, "kerneldebug_enabled", "false");
	claim(w, "hypervisordebug_enabled", "null");
	claim(w, "debuggers_disabled", "null");
	claim(w, "testsigning_enabled", "false");
	claim(w, "flightsigning_enabled", "false");
	claim(w, "signing_disabled", "false");
	claim(w, "hvci_policy", "null");
	claim(w, "vbs_enabled", "false");
	claim(w, "vbs_required", "null");
	claim(w, "elam_enabled", "true");
	claim(w, "dep_policy", "\"OptOut\"");
	claim(w, "safe_mode", "false");
	claim(w, "bitlocker_unlock_count", "2");
	claim(w, "boot_module_count", "64");
	assert_null(json_object_get(c, "snp"));
	json_decref(c);
	tl_verdict_free(&v);
	tl_log_free(log);
	free(raw);
	free(at);
	free(sig);
	free(akb);
	json_decref(j);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(service_verdict_confidential_genoa_evidence_verifies),
		cmocka_unit_test(service_verdict_confidential_without_roots_refused),
		cmocka_unit_test(verdict_run_confidential_genoa_quote_and_claims),
	};
	const struct CMUnitTest windows[] = {
		cmocka_unit_test(verdict_run_windows_vector_claims_and_reasons),
	};
	return cmocka_run_group_tests(tests, azure_setup, azure_teardown) |
	       cmocka_run_group_tests(windows, NULL, NULL);
}
