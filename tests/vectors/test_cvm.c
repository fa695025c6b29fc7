/* The real Azure confidential VM (Genoa, paravisor vTPM) of the vectors: its HCL report
 * verifies, its runtime data hashes to the SNP report_data and names the AK that signed the
 * quote. Each way of breaking that chain is refused with its own reason. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <jansson.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>

#include "trustlaunch/cvm.h"
#include "trustlaunch/hash.h"

#define RUNTIME_OFF (32u + 1184u + 20u)

struct evidence {
	uint8_t hcl[4096], msg[1024], sig[1024], nonce[64];
	size_t hcl_len, msg_len, sig_len, nonce_len;
	struct tl_pcr_values pcrs;
	struct tl_snp_signer *signer;
};

static char *path_of(const char *rel)
{
	static char path[4096];
	const char *v = getenv("TL_VECTORS");
	snprintf(path, sizeof(path), "%s/cvm/%s", v ? v : "../shared/vectors", rel);
	return path;
}

static size_t bytes_of(json_t *list, uint8_t *out, size_t max)
{
	size_t i;
	json_t *b;
	assert_true(json_is_array(list));
	assert_true(json_array_size(list) <= max);
	json_array_foreach(list, i, b) out[i] = (uint8_t)json_integer_value(b);
	return json_array_size(list);
}

static struct tl_snp_roots *roots_of(const char *gen)
{
	struct tl_snp_roots *roots;
	char rel[128], *buf;
	long n;
	FILE *f;
	snprintf(rel, sizeof(rel), "amd-roots/%s_ask_ark_asvk.pem", gen);
	assert_non_null(f = fopen(path_of(rel), "rb"));
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = malloc((size_t)n);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	assert_int_equal(tl_snp_roots_new(&roots), TL_OK);
	assert_int_equal(tl_snp_roots_add(roots, (struct tl_bytes){ (uint8_t *)buf, (size_t)n }),
			 TL_OK);
	free(buf);
	return roots;
}

/* TPMT_SIGNATURE: RSASSA, SHA-256, TPM2B of the raw signature. */
static size_t tpmt_rsassa(const uint8_t *raw, size_t n, uint8_t *out)
{
	const uint8_t head[] = { 0x00, 0x14, 0x00, 0x0B, (uint8_t)(n >> 8), (uint8_t)n };
	memcpy(out, head, sizeof(head));
	memcpy(out + sizeof(head), raw, n);
	return sizeof(head) + n;
}

static int setup(void **state)
{
	struct evidence *e = calloc(1, sizeof(*e));
	json_error_t jerr;
	json_t *root = json_load_file(path_of("az-snp-vtpm/evidence-genoa.json"), 0, &jerr), *p;
	const char *vcek = json_string_value(json_object_get(root, "vcek"));
	struct tl_snp_roots *roots = roots_of("genoa");
	struct tl_snp_cert_info info;
	uint8_t raw[1024];
	size_t i;

	assert_non_null(root);
	e->hcl_len = bytes_of(json_object_get(root, "report"), e->hcl, sizeof(e->hcl));
	p = json_object_get(root, "quote");
	e->msg_len = bytes_of(json_object_get(p, "message"), e->msg, sizeof(e->msg));
	e->sig_len = tpmt_rsassa(raw, bytes_of(json_object_get(p, "signature"), raw, sizeof(raw)),
				 e->sig);
	json_t *pcrs = json_object_get(p, "pcrs"), *pcr;
	assert_int_equal(json_array_size(pcrs), 24);
	json_array_foreach(pcrs, i, pcr) {
		uint8_t v[32];
		assert_int_equal(bytes_of(pcr, v, sizeof(v)), 32);
		assert_int_equal(tl_pcr_values_set(&e->pcrs, TL_ALG_SHA256, (unsigned)i, v, 32), TL_OK);
	}
	/* the nonce is the quote's qualifying data (TPMS_ATTEST after magic, type, signer) */
	size_t off = 6 + 2 + (size_t)(e->msg[6] << 8 | e->msg[7]);
	e->nonce_len = (size_t)(e->msg[off] << 8 | e->msg[off + 1]);
	memcpy(e->nonce, e->msg + off + 2, e->nonce_len);
	assert_int_equal(tl_snp_signer_new(roots, (struct tl_bytes){ (const uint8_t *)vcek,
								     strlen(vcek) },
					   0, &e->signer, &info),
			 TL_OK);
	assert_int_equal(info.gen, TL_SNP_GEN_GENOA);
	tl_snp_roots_free(roots);
	json_decref(root);
	*state = e;
	return 0;
}

static int teardown(void **state)
{
	struct evidence *e = *state;
	tl_snp_signer_free(e->signer);
	free(e);
	return 0;
}

static int run(struct evidence *e, const uint8_t *hcl, struct tl_cvm_result *res)
{
	const struct tl_snp_policy_cfg cfg = { 0 };
	struct tl_cvm_quote q = { { e->msg, e->msg_len }, { e->sig, e->sig_len },
				  { e->nonce, e->nonce_len }, &e->pcrs };
	return tl_cvm_verify(e->signer, (struct tl_bytes){ hcl, e->hcl_len }, &cfg, &q, res);
}

static void cvm_verify_accepts_genoa_vtpm_evidence(void **state)
{
	struct evidence *e = *state;
	struct tl_cvm_result *res = calloc(1, sizeof(*res));
	int err = run(e, e->hcl, res);
	if (err != TL_OK)
		free(res);
	assert_int_equal(err, TL_OK);
	assert_true(res->hw_verified && res->bound && res->runtime_ok && res->quote_checked);
	assert_int_equal(res->hcl.report_type, TL_HCL_TYPE_SNP);
	assert_int_equal(res->hcl.hash_type, TL_ALG_SHA256);
	assert_int_equal(res->snp.report.version, 3);
	assert_int_equal(res->snp.report.vmpl, 0);
	assert_int_equal(res->snp.cert.gen, TL_SNP_GEN_GENOA);
	assert_int_equal(res->runtime.ak_n_len, 256);
	assert_int_equal(res->runtime.ak_e, 65537);
	assert_int_equal(res->runtime.secure_boot, 1);
	assert_string_equal(res->runtime.vm_unique_id, "390CBCF5-6C67-4D9B-98EF-C3F1699CC8FC");
	free(res);
}

static void cvm_verify_rejects_runtime_data_not_hashed(void **state)
{
	struct evidence *e = *state;
	struct tl_cvm_result *res = calloc(1, sizeof(*res));
	uint8_t *hcl = malloc(e->hcl_len);
	memcpy(hcl, e->hcl, e->hcl_len);
	/* "secure-boot":true -> "secure-boot":True would not parse; change the VM's id instead */
	uint8_t *id = NULL;
	for (size_t i = RUNTIME_OFF; i + 8 <= e->hcl_len && !id; i++)
		if (memcmp(hcl + i, "390CBCF5", 8) == 0)
			id = hcl + i;
	assert_non_null(id);
	id[0] = '4';
	assert_int_equal(run(e, hcl, res), TL_E_HCL_BINDING);
	assert_true(res->hw_verified);
	assert_false(res->bound);
	free(hcl);
	free(res);
}

static void cvm_verify_rejects_flipped_snp_report(void **state)
{
	struct evidence *e = *state;
	struct tl_cvm_result *res = calloc(1, sizeof(*res));
	uint8_t *hcl = malloc(e->hcl_len);
	memcpy(hcl, e->hcl, e->hcl_len);
	hcl[32 + 0x50] ^= 0x80; /* report_data */
	assert_int_equal(run(e, hcl, res), TL_E_SNP_SIGNATURE);
	free(hcl);
	free(res);
}

/* The same TPMS_ATTEST signed by another RSA key than the one the runtime data names. */
static void cvm_verify_rejects_quote_by_other_key(void **state)
{
	struct evidence *e = *state;
	struct tl_cvm_result *res = calloc(1, sizeof(*res));
	EVP_PKEY *k = EVP_RSA_gen(2048);
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	uint8_t raw[256], saved[1024];
	size_t n = sizeof(raw), saved_len = e->sig_len;

	assert_non_null(k);
	assert_int_equal(EVP_DigestSignInit(ctx, NULL, EVP_sha256(), NULL, k), 1);
	assert_int_equal(EVP_DigestSign(ctx, raw, &n, e->msg, e->msg_len), 1);
	memcpy(saved, e->sig, e->sig_len);
	e->sig_len = tpmt_rsassa(raw, n, e->sig);
	assert_int_equal(run(e, e->hcl, res), TL_E_HCL_AK);
	assert_true(res->bound && res->runtime_ok && res->quote_checked);
	memcpy(e->sig, saved, saved_len);
	e->sig_len = saved_len;
	EVP_MD_CTX_free(ctx);
	EVP_PKEY_free(k);
	free(res);
}

static void cvm_verify_rejects_wrong_nonce(void **state)
{
	struct evidence *e = *state;
	struct tl_cvm_result *res = calloc(1, sizeof(*res));
	e->nonce[0] ^= 1;
	assert_int_equal(run(e, e->hcl, res), TL_E_QUOTE_NONCE);
	e->nonce[0] ^= 1;
	free(res);
}

static void cvm_signer_rejects_genoa_vcek_under_milan_roots(void **state)
{
	struct tl_snp_roots *roots = roots_of("milan");
	struct tl_snp_signer *s = NULL;
	struct tl_snp_cert_info info;
	FILE *f = fopen(path_of("az-snp-vtpm/vcek-genoa.pem"), "rb");
	uint8_t pem[4096];
	size_t n;
	(void)state;
	assert_non_null(f);
	n = fread(pem, 1, sizeof(pem), f);
	fclose(f);
	assert_int_equal(tl_snp_signer_new(roots, (struct tl_bytes){ pem, n }, 0, &s, &info),
			 TL_E_SNP_GENERATION);
	assert_null(s);
	assert_int_equal(info.gen, TL_SNP_GEN_GENOA);
	tl_snp_roots_free(roots);
}

static void hcl_parse_rejects_every_prefix_and_nonzero_padding(void **state)
{
	struct evidence *e = *state;
	struct tl_hcl_report *h = calloc(1, sizeof(*h));
	uint8_t *hcl = malloc(e->hcl_len);
	for (size_t len = 0; len < 0x984; len++)
		assert_int_not_equal(tl_hcl_parse((struct tl_bytes){ e->hcl, len }, h, NULL), TL_OK);
	assert_int_equal(tl_hcl_parse((struct tl_bytes){ e->hcl, 0x984 }, h, NULL), TL_OK);
	memcpy(hcl, e->hcl, e->hcl_len);
	hcl[e->hcl_len - 1] = 1;
	assert_int_equal(tl_hcl_parse((struct tl_bytes){ hcl, e->hcl_len }, h, NULL),
			 TL_E_HCL_MALFORMED);
	memcpy(hcl, e->hcl, e->hcl_len);
	hcl[RUNTIME_OFF - 12] = 3; /* report type 3: neither SNP nor TDX */
	assert_int_equal(tl_hcl_parse((struct tl_bytes){ hcl, e->hcl_len }, h, NULL), TL_E_HCL_TYPE);
	memcpy(hcl, e->hcl, e->hcl_len);
	hcl[RUNTIME_OFF - 8] = 9; /* hash type 9 */
	assert_int_equal(tl_hcl_parse((struct tl_bytes){ hcl, e->hcl_len }, h, NULL),
			 TL_E_HCL_HASH_TYPE);
	free(hcl);
	free(h);
}

/* A TDX HCL report (no real one in the vectors: built from the Genoa one's runtime data):
 * the binding is checked, then it is refused as not verifiable here. */
static void cvm_verify_tdx_is_bound_but_not_verifiable(void **state)
{
	struct evidence *e = *state;
	struct tl_cvm_result *res = calloc(1, sizeof(*res));
	const struct tl_snp_policy_cfg cfg = { 0 };
	uint8_t *hcl = malloc(e->hcl_len), digest[TL_MAX_DIGEST];
	struct tl_rd rd;
	struct tl_tdx_report td;

	memcpy(hcl, e->hcl, e->hcl_len);
	memset(hcl + 32, 0, 1184);
	hcl[32] = 0x81; /* REPORTTYPE.TYPE: TDX */
	assert_int_equal(tl_hash(TL_ALG_SHA256, hcl + RUNTIME_OFF, 1200, digest), TL_OK);
	memcpy(hcl + 32 + 128, digest, 32); /* REPORTDATA */
	hcl[32 + 512] = 1;                  /* TD_ATTRIBUTES.DEBUG */
	hcl[RUNTIME_OFF - 12] = TL_HCL_TYPE_TDX;
	assert_int_equal(tl_cvm_verify(NULL, (struct tl_bytes){ hcl, e->hcl_len }, &cfg, NULL, res),
			 TL_E_TDX_UNVERIFIED);
	assert_true(res->bound && res->runtime_ok);
	assert_false(res->hw_verified);
	assert_true(res->hcl.tdx.debug);
	for (size_t len = 0; len < TL_TDX_REPORT_LEN; len++) {
		tl_rd_init(&rd, hcl + 32, len);
		assert_int_equal(tl_tdx_report_read(&rd, &td), TL_E_TRUNCATED);
		assert_int_equal(rd.pos, 0);
	}
	hcl[32 + 128] ^= 1;
	assert_int_equal(tl_cvm_verify(NULL, (struct tl_bytes){ hcl, e->hcl_len }, &cfg, NULL, res),
			 TL_E_HCL_BINDING);
	free(hcl);
	free(res);
}

static void hcl_runtime_parse_rejects_missing_or_twice_named_ak(void **state)
{
	static const char *const bad[] = {
		"{\"keys\":[]}",
		"{\"keys\":[{\"kid\":\"HCLAkPub\",\"kty\":\"EC\",\"n\":\"AQAB\",\"e\":\"AQAB\"}]}",
		"{\"keys\":[{\"kid\":\"HCLAkPub\",\"kty\":\"RSA\",\"n\":\"AQAB\",\"e\":\"AQAB\"},"
		"{\"kid\":\"HCLAkPub\",\"kty\":\"RSA\",\"n\":\"AQAB\",\"e\":\"AQAB\"}]}",
		"{\"keys\":[{\"kid\":\"HCLAkPub\",\"kty\":\"RSA\",\"n\":\"AQAB\",\"e\":\"AQAB\"}],"
		"\"keys\":[]}",
		"[1]",
		"{\"keys\":[{\"kid\":\"HCLAkPub\",\"kty\":\"RSA\",\"n\":\"A!AB\",\"e\":\"AQAB\"}]}",
		"{\"keys\":[{\"kid\":\"HCLAkPub\",\"kty\":\"RSA\",\"n\":\"AQAB\",\"e\":\"AAA\"}]}",
	};
	struct tl_hcl_runtime rt;
	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(tl_hcl_runtime_parse((struct tl_bytes){ (const uint8_t *)bad[i],
									 strlen(bad[i]) },
						      &rt),
				 TL_E_HCL_RUNTIME);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(cvm_verify_accepts_genoa_vtpm_evidence),
		cmocka_unit_test(cvm_verify_rejects_runtime_data_not_hashed),
		cmocka_unit_test(cvm_verify_rejects_flipped_snp_report),
		cmocka_unit_test(cvm_verify_rejects_quote_by_other_key),
		cmocka_unit_test(cvm_verify_rejects_wrong_nonce),
		cmocka_unit_test(cvm_signer_rejects_genoa_vcek_under_milan_roots),
		cmocka_unit_test(hcl_parse_rejects_every_prefix_and_nonzero_padding),
		cmocka_unit_test(cvm_verify_tdx_is_bound_but_not_verifiable),
		cmocka_unit_test(hcl_runtime_parse_rejects_missing_or_twice_named_ak),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
