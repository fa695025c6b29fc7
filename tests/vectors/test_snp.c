/* The real SEV-SNP vectors (confidential-containers/trustee): a Milan report and its VCEK,
 * a VLEK report, two VCEKs that must be refused, and AMD's roots of three generations. Each
 * refusal is asserted by its own reason code. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "trustlaunch/snp.h"

/* 2025-06-01: the VLEK of the vectors is valid from 2024-12-10 to 2025-12-10 */
#define VLEK_VALID_AT ((time_t)1748736000)

static uint8_t *slurp(const char *rel, size_t *len)
{
	const char *v = getenv("TL_VECTORS");
	char path[4096];
	FILE *f;
	uint8_t *buf;
	long n;
	snprintf(path, sizeof(path), "%s/cvm/%s", v ? v : "../shared/vectors", rel);
	f = fopen(path, "rb");
	if (!f)
		fail_msg("cannot open %s (set TL_VECTORS)", path);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*len = (size_t)n;
	return buf;
}

static struct tl_snp_roots *roots_of(const char *gen)
{
	struct tl_snp_roots *roots;
	char rel[128];
	size_t n;
	snprintf(rel, sizeof(rel), "amd-roots/%s_ask_ark_asvk.pem", gen);
	uint8_t *pem = slurp(rel, &n);
	assert_int_equal(tl_snp_roots_new(&roots), TL_OK);
	assert_int_equal(tl_snp_roots_add(roots, (struct tl_bytes){ pem, n }), TL_OK);
	free(pem);
	return roots;
}

/* Verifies report REL with certificate CERT under the roots of GEN; returns the code. */
static int verify(const char *gen, const char *cert, const uint8_t *rep, size_t rn, time_t at,
		  const struct tl_snp_policy_cfg *cfg, struct tl_snp_result *res)
{
	struct tl_snp_roots *roots = roots_of(gen);
	size_t cn;
	uint8_t *c = slurp(cert, &cn);
	int err = tl_snp_verify(roots, (struct tl_bytes){ c, cn }, (struct tl_bytes){ rep, rn }, at,
				cfg, res);
	free(c);
	tl_snp_roots_free(roots);
	return err;
}

static void snp_verify_accepts_milan_vcek_report(void **state)
{
	struct tl_snp_policy_cfg cfg = { 0 };
	struct tl_snp_result res;
	size_t n;
	uint8_t *rep = slurp("snp/test-report.bin", &n);
	(void)state;
	assert_int_equal(verify("milan", "snp/test-vcek.der", rep, n, 0, &cfg, &res), TL_OK);
	assert_int_equal(res.report.version, 2);
	assert_int_equal(res.cert.gen, TL_SNP_GEN_MILAN);
	assert_int_equal(res.cert.kind, TL_SNP_KEY_VCEK);
	assert_string_equal(res.cert.product, "Milan-B0");
	assert_int_equal(res.reported.boot_loader, 3);
	assert_int_equal(res.reported.snp, 8);
	assert_int_equal(res.reported.microcode, 0x73);
	assert_true(res.report.policy.smt);
	assert_false(res.report.policy.debug);
	assert_true(res.signature_ok);
	free(rep);
}

static void snp_verify_rejects_flipped_byte(void **state)
{
	struct tl_snp_policy_cfg cfg = { 0 };
	struct tl_snp_result res;
	size_t n;
	uint8_t *rep = slurp("snp/test-report.bin", &n);
	(void)state;
	rep[0x90] ^= 0x01; /* the measurement */
	assert_int_equal(verify("milan", "snp/test-vcek.der", rep, n, 0, &cfg, &res),
			 TL_E_SNP_SIGNATURE);
	assert_true(res.parsed);
	assert_false(res.signature_ok);
	free(rep);
}

static void snp_verify_rejects_invalid_vceks(void **state)
{
	static const char *const bad[] = { "snp/test-vcek-invalid-legacy.der",
					   "snp/test-vcek-invalid-new.der" };
	struct tl_snp_policy_cfg cfg = { 0 };
	struct tl_snp_result res;
	size_t n;
	uint8_t *rep = slurp("snp/test-report.bin", &n);
	(void)state;
	for (size_t i = 0; i < 2; i++)
		assert_int_equal(verify("milan", bad[i], rep, n, 0, &cfg, &res),
				 TL_E_SNP_CERT_UNTRUSTED);
	free(rep);
}

static void snp_verify_rejects_wrong_generation_roots(void **state)
{
	struct tl_snp_policy_cfg cfg = { 0 };
	struct tl_snp_result res;
	size_t n;
	uint8_t *rep = slurp("snp/test-report.bin", &n);
	(void)state;
	assert_int_equal(verify("genoa", "snp/test-vcek.der", rep, n, 0, &cfg, &res),
			 TL_E_SNP_GENERATION);
	assert_int_equal(verify("turin", "snp/test-vcek.der", rep, n, 0, &cfg, &res),
			 TL_E_SNP_GENERATION);
	free(rep);
}

static void snp_verify_vlek_expired_then_vmpl(void **state)
{
	struct tl_snp_policy_cfg cfg = { 0 };
	struct tl_snp_result res;
	size_t n;
	uint8_t *rep = slurp("snp/test-vlek-report.bin", &n);
	(void)state;
	/* now (after 2025-12-10) the VLEK has expired */
	assert_int_equal(verify("milan", "snp/test-vlek.der", rep, n, 0, &cfg, &res),
			 TL_E_SNP_CERT_EXPIRED);
	/* while it was valid: genuine, but requested from VMPL 1 */
	assert_int_equal(verify("milan", "snp/test-vlek.der", rep, n, VLEK_VALID_AT, &cfg, &res),
			 TL_E_SNP_VMPL);
	assert_true(res.signature_ok);
	assert_int_equal(res.report.version, 3);
	assert_int_equal(res.cert.kind, TL_SNP_KEY_VLEK);
	cfg.max_vmpl = 1;
	assert_int_equal(verify("milan", "snp/test-vlek.der", rep, n, VLEK_VALID_AT, &cfg, &res),
			 TL_OK);
	free(rep);
}

static void snp_verify_rejects_vcek_for_vlek_report(void **state)
{
	struct tl_snp_policy_cfg cfg = { .max_vmpl = 1 };
	struct tl_snp_result res;
	size_t n;
	uint8_t *rep = slurp("snp/test-vlek-report.bin", &n);
	(void)state;
	assert_int_equal(verify("milan", "snp/test-vcek.der", rep, n, 0, &cfg, &res),
			 TL_E_SNP_KEY_KIND);
	free(rep);
}

/* Debug allowed: patching the policy breaks the signature first (the CPU signed the real
 * policy), and the policy check on the parsed report names it. */
static void snp_verify_debug_patched_fails_signature_then_policy(void **state)
{
	struct tl_snp_policy_cfg cfg = { 0 };
	struct tl_snp_result res;
	struct tl_snp_report parsed;
	size_t n;
	uint8_t *rep = slurp("snp/test-report.bin", &n);
	(void)state;
	rep[0x0A] |= 0x08; /* policy bit 19: DEBUG */
	assert_int_equal(verify("milan", "snp/test-vcek.der", rep, n, 0, &cfg, &res),
			 TL_E_SNP_SIGNATURE);
	assert_true(res.report.policy.debug);
	assert_int_equal(tl_snp_report_parse((struct tl_bytes){ rep, n }, &parsed, NULL), TL_OK);
	assert_int_equal(tl_snp_policy_check(&parsed, TL_SNP_GEN_MILAN, &cfg, NULL, 0),
			 TL_E_SNP_DEBUG);
	cfg.allow_debug = true;
	assert_int_equal(tl_snp_policy_check(&parsed, TL_SNP_GEN_MILAN, &cfg, NULL, 0), TL_OK);
	free(rep);
}

/* VMPL 2: the signature check fails first, the policy check names the VMPL. */
static void snp_verify_vmpl_patched_fails_signature_then_policy(void **state)
{
	struct tl_snp_policy_cfg cfg = { 0 };
	struct tl_snp_result res;
	struct tl_snp_report parsed;
	char detail[128];
	size_t n;
	uint8_t *rep = slurp("snp/test-report.bin", &n);
	(void)state;
	rep[0x30] = 2;
	assert_int_equal(verify("milan", "snp/test-vcek.der", rep, n, 0, &cfg, &res),
			 TL_E_SNP_SIGNATURE);
	assert_int_equal(tl_snp_report_parse((struct tl_bytes){ rep, n }, &parsed, NULL), TL_OK);
	assert_int_equal(tl_snp_policy_check(&parsed, TL_SNP_GEN_MILAN, &cfg, detail,
					     sizeof(detail)),
			 TL_E_SNP_VMPL);
	assert_string_equal(detail, "VMPL 2, at most 0 allowed");
	free(rep);
}

static void snp_report_read_rejects_every_prefix(void **state)
{
	struct tl_snp_report r;
	struct tl_rd rd;
	size_t n;
	uint8_t *rep = slurp("snp/test-report.bin", &n);
	(void)state;
	for (size_t len = 0; len < n; len++) {
		tl_rd_init(&rd, rep, len);
		assert_int_equal(tl_snp_report_read(&rd, &r), TL_E_TRUNCATED);
		assert_int_equal(rd.pos, 0);
		assert_int_equal(r.version, 0);
	}
	tl_rd_init(&rd, rep, n);
	assert_int_equal(tl_snp_report_read(&rd, &r), TL_OK);
	assert_int_equal(rd.pos, n);
	free(rep);
}

/* One field patched into the real report: parse result. */
static int parse_patched(size_t off, uint8_t v, struct tl_snp_report *r)
{
	size_t n;
	uint8_t *rep = slurp("snp/test-report.bin", &n);
	rep[off] = v;
	int err = tl_snp_report_parse((struct tl_bytes){ rep, n }, r, NULL);
	free(rep);
	return err;
}

static void snp_report_parse_rejects_hostile_fields(void **state)
{
	struct tl_snp_report r;
	(void)state;
	assert_int_equal(parse_patched(0x00, 4, &r), TL_E_SNP_VERSION);   /* version 4 */
	assert_int_equal(parse_patched(0x00, 1, &r), TL_E_SNP_VERSION);
	assert_int_equal(parse_patched(0x34, 2, &r), TL_E_SNP_SIG_ALGO);  /* signature algorithm */
	assert_int_equal(parse_patched(0x4C, 1, &r), TL_E_SNP_MALFORMED); /* reserved */
	assert_int_equal(parse_patched(0x190, 1, &r), TL_E_SNP_MALFORMED);
	assert_int_equal(parse_patched(0x1EB, 1, &r), TL_E_SNP_MALFORMED);
	assert_int_equal(parse_patched(0x29F, 1, &r), TL_E_SNP_MALFORMED);
	assert_int_equal(parse_patched(0x49F, 1, &r), TL_E_SNP_MALFORMED); /* signature reserved */
	assert_int_equal(parse_patched(0x0B, 0x04, &r), TL_E_SNP_MALFORMED); /* policy bit 26 */
	assert_int_equal(parse_patched(0x0A, 0x01, &r), TL_E_SNP_MALFORMED); /* bit 17 cleared */
	assert_int_equal(parse_patched(0x48, 0x0C, &r), TL_E_SNP_MALFORMED); /* signing key 3 */
	assert_int_equal(parse_patched(0x49, 0x01, &r), TL_E_SNP_MALFORMED); /* flags bit 8 */
	assert_int_equal(parse_patched(0x30, 4, &r), TL_E_SNP_MALFORMED);   /* VMPL 4 */
	assert_int_equal(r.version, 0);
	assert_int_equal(parse_patched(0x48, 0x1C, &r), TL_OK);             /* signing key none */
	assert_int_equal(r.signing_key, TL_SNP_KEY_NONE);
}

static void snp_report_parse_reads_version_5(void **state)
{
	struct tl_snp_report r;
	size_t n;
	uint8_t *rep = slurp("snp/test-report.bin", &n);
	(void)state;
	rep[0] = 5;
	rep[0x188] = 0x1A; /* CPUID family: Turin */
	rep[0x1F8] = 0x11; /* LAUNCH_MIT_VECTOR */
	rep[0x200] = 0x22; /* CURRENT_MIT_VECTOR */
	assert_int_equal(tl_snp_report_parse((struct tl_bytes){ rep, n }, &r, NULL), TL_OK);
	assert_int_equal(r.launch_mit_vector, 0x11);
	assert_int_equal(r.current_mit_vector, 0x22);
	assert_int_equal(tl_snp_report_gen(&r), TL_SNP_GEN_TURIN);
	rep[0] = 3; /* as version 3 the mitigation vectors are reserved bytes */
	assert_int_equal(tl_snp_report_parse((struct tl_bytes){ rep, n }, &r, NULL),
			 TL_E_SNP_MALFORMED);
	rep[0] = 2; /* as version 2 the CPUID bytes are reserved too */
	rep[0x1F8] = rep[0x200] = 0;
	assert_int_equal(tl_snp_report_parse((struct tl_bytes){ rep, n }, &r, NULL),
			 TL_E_SNP_MALFORMED);
	free(rep);
}

static void snp_tcb_decode_by_generation(void **state)
{
	struct tl_snp_tcb t;
	(void)state;
	tl_snp_tcb_decode(0x7308000000000003ull, TL_SNP_GEN_MILAN, &t);
	assert_true(t.boot_loader == 3 && t.tee == 0 && t.snp == 8 && t.microcode == 0x73 && !t.fmc);
	tl_snp_tcb_decode(0x4D0000001B040201ull, TL_SNP_GEN_TURIN, &t);
	assert_true(t.fmc == 1 && t.boot_loader == 2 && t.tee == 4 && t.snp == 0x1B &&
		    t.microcode == 0x4D);
}

static void snp_policy_check_names_low_tcb_component(void **state)
{
	struct tl_snp_policy_cfg cfg = { .min_tcb = { .snp = 9 } };
	struct tl_snp_report r;
	char detail[64];
	size_t n;
	uint8_t *rep = slurp("snp/test-report.bin", &n);
	(void)state;
	assert_int_equal(tl_snp_report_parse((struct tl_bytes){ rep, n }, &r, NULL), TL_OK);
	assert_int_equal(tl_snp_policy_check(&r, TL_SNP_GEN_MILAN, &cfg, detail, sizeof(detail)),
			 TL_E_SNP_TCB_LOW);
	assert_string_equal(detail, "snp 8, minimum 9");
	cfg.min_tcb.snp = 8;
	assert_int_equal(tl_snp_policy_check(&r, TL_SNP_GEN_MILAN, &cfg, detail, sizeof(detail)),
			 TL_OK);
	r.policy.migrate_ma = true;
	assert_int_equal(tl_snp_policy_check(&r, TL_SNP_GEN_MILAN, &cfg, NULL, 0),
			 TL_E_SNP_MIGRATE_MA);
	r.policy.migrate_ma = false;
	cfg.forbid_smt = true;
	assert_int_equal(tl_snp_policy_check(&r, TL_SNP_GEN_MILAN, &cfg, NULL, 0), TL_E_SNP_SMT);
	free(rep);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(snp_verify_accepts_milan_vcek_report),
		cmocka_unit_test(snp_verify_rejects_flipped_byte),
		cmocka_unit_test(snp_verify_rejects_invalid_vceks),
		cmocka_unit_test(snp_verify_rejects_wrong_generation_roots),
		cmocka_unit_test(snp_verify_vlek_expired_then_vmpl),
		cmocka_unit_test(snp_verify_rejects_vcek_for_vlek_report),
		cmocka_unit_test(snp_verify_debug_patched_fails_signature_then_policy),
		cmocka_unit_test(snp_verify_vmpl_patched_fails_signature_then_policy),
		cmocka_unit_test(snp_report_read_rejects_every_prefix),
		cmocka_unit_test(snp_report_parse_rejects_hostile_fields),
		cmocka_unit_test(snp_report_parse_reads_version_5),
		cmocka_unit_test(snp_tcb_decode_by_generation),
		cmocka_unit_test(snp_policy_check_names_low_tcb_component),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
