/* SEV-SNP verification per second on the real vectors, beside `openssl speed` of the same
 * signatures measured in the same run. One JSON line per figure. Both count CPU time of the
 * process (`openssl speed` divides by user CPU time unless -elapsed), so the ratio holds on
 * a loaded machine; wall-clock rates on an idle core are the same.
 * Last, the service's verdict per attestation for a plain and a confidential VM in the same
 * run (service_verdict).
 *   bench_snp VECTORS */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "trustlaunch/cvm.h"
#include "trustlaunch/verdict.h"

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static struct tl_bytes slurp(const char *vectors, const char *rel)
{
	char path[4096];
	FILE *f;
	long n;
	uint8_t *buf;
	snprintf(path, sizeof(path), "%s/cvm/%s", vectors, rel);
	if (!(f = fopen(path, "rb")) || fseek(f, 0, SEEK_END) || (n = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) || !(buf = malloc((size_t)n + 1)) ||
	    fread(buf, 1, (size_t)n, f) != (size_t)n) {
		fprintf(stderr, "bench: cannot read %s\n", path);
		exit(2);
	}
	fclose(f);
	return (struct tl_bytes){ buf, (size_t)n };
}

static struct tl_snp_roots *roots(const char *vectors, const char *gen)
{
	struct tl_snp_roots *r;
	char rel[128];
	snprintf(rel, sizeof(rel), "amd-roots/%s_ask_ark_asvk.pem", gen);
	struct tl_bytes pem = slurp(vectors, rel);
	if (tl_snp_roots_new(&r) != TL_OK || tl_snp_roots_add(r, pem) != TL_OK)
		exit(2);
	free((void *)pem.ptr);
	return r;
}

/* `openssl speed -mr` verify rate: +F2:i:bits:sign/s:verify/s (RSA), +F4 (ECDSA). */
static double openssl_verify_rate(const char *alg, const char *tag)
{
	char cmd[256], line[512], fmt[64];
	double rate = 0, sign_s, verify_s;
	unsigned i, bits;
	FILE *p;
	snprintf(cmd, sizeof(cmd), "openssl speed -seconds 2 -mr %s 2>/dev/null", alg);
	if (!(p = popen(cmd, "r")))
		return 0;
	snprintf(fmt, sizeof(fmt), "%s:%%u:%%u:%%lf:%%lf", tag);
	while (fgets(line, sizeof(line), p))
		if (sscanf(line, fmt, &i, &bits, &sign_s, &verify_s) == 4)
			rate = verify_s;
	pclose(p);
	return rate;
}

/* Report verifications per second with the chain checked once (the signer cached). */
static double report_rate(const struct tl_snp_signer *s, struct tl_bytes rep)
{
	const struct tl_snp_policy_cfg cfg = { 0 };
	struct tl_snp_result r;
	long n = 0;
	double t0 = now(), t;
	do {
		for (int i = 0; i < 20; i++, n++)
			if (tl_snp_verify_with(s, rep, &cfg, &r) != TL_OK)
				exit(3);
		t = now() - t0;
	} while (t < 2.0);
	return (double)n / t;
}

/* Chains per second: VCEK -> ASK -> ARK, its extensions, its key. */
static double chain_rate(const struct tl_snp_roots *roots, struct tl_bytes vcek)
{
	struct tl_snp_signer *s;
	struct tl_snp_cert_info info;
	long n = 0;
	double t0 = now(), t;
	do {
		for (int i = 0; i < 5; i++, n++) {
			if (tl_snp_signer_new(roots, vcek, 0, &s, &info) != TL_OK)
				exit(3);
			tl_snp_signer_free(s);
		}
		t = now() - t0;
	} while (t < 2.0);
	return (double)n / t;
}

struct evidence {
	uint8_t hcl[4096], msg[1024], sig[1024];
	size_t hcl_len, msg_len, sig_len;
	struct tl_bytes nonce;
	struct tl_pcr_values pcrs;
};

static size_t bytes_of(json_t *list, uint8_t *out, size_t max)
{
	size_t i;
	json_t *b;
	if (!json_is_array(list) || json_array_size(list) > max)
		exit(2);
	json_array_foreach(list, i, b) out[i] = (uint8_t)json_integer_value(b);
	return json_array_size(list);
}

static void load_evidence(const char *vectors, struct evidence *e, char **vcek)
{
	char path[4096];
	json_error_t jerr;
	json_t *root, *q, *pcrs, *p;
	struct tl_tpm2_attest at;
	uint8_t raw[1024];
	size_t i, n;

	snprintf(path, sizeof(path), "%s/cvm/az-snp-vtpm/evidence-genoa.json", vectors);
	if (!(root = json_load_file(path, 0, &jerr)))
		exit(2);
	q = json_object_get(root, "quote");
	e->hcl_len = bytes_of(json_object_get(root, "report"), e->hcl, sizeof(e->hcl));
	e->msg_len = bytes_of(json_object_get(q, "message"), e->msg, sizeof(e->msg));
	n = bytes_of(json_object_get(q, "signature"), raw, sizeof(raw));
	memcpy(e->sig, (const uint8_t[]){ 0, 0x14, 0, 0x0B, (uint8_t)(n >> 8), (uint8_t)n }, 6);
	memcpy(e->sig + 6, raw, n);
	e->sig_len = n + 6;
	pcrs = json_object_get(q, "pcrs");
	json_array_foreach(pcrs, i, p) {
		uint8_t v[32];
		if (bytes_of(p, v, sizeof(v)) != 32 ||
		    tl_pcr_values_set(&e->pcrs, 0x000B, (unsigned)i, v, 32) != TL_OK)
			exit(2);
	}
	if (tl_tpm2_attest_parse((struct tl_bytes){ e->msg, e->msg_len }, &at) != TL_OK)
		exit(2);
	e->nonce = at.extra_data; /* a view into e->msg */
	*vcek = strdup(json_string_value(json_object_get(root, "vcek")));
	json_decref(root);
}

/* HCL report, SNP report, binding, runtime data and the quote by its AK, per second. */
static double cvm_rate(const struct tl_snp_signer *s, const struct evidence *e)
{
	const struct tl_snp_policy_cfg cfg = { 0 };
	struct tl_cvm_quote q = { { e->msg, e->msg_len }, { e->sig, e->sig_len }, e->nonce,
				  &e->pcrs };
	struct tl_cvm_result *r = malloc(sizeof(*r));
	long n = 0;
	double t0 = now(), t;
	do {
		for (int i = 0; i < 10; i++, n++)
			if (tl_cvm_verify(s, (struct tl_bytes){ e->hcl, e->hcl_len }, &cfg, &q, r) != TL_OK)
				exit(3);
		t = now() - t0;
	} while (t < 2.0);
	free(r);
	return (double)n / t;
}

/* The verdict the service computes per attestation (tl_verdict_run, as tl_attest_verdict_make
 * calls it), of the same quote: a plain VM (the AK enrolled, no hardware evidence), and a
 * confidential one (the HCL report and VCEK checked too, the VCEK's signer cached as the
 * service's signer_cache.c keeps it, or checked at each attestation). No event log: both
 * carry the same log.missing finding; the log's cost is the same for both kinds of VM. */
static double verdict_rate(const struct evidence *e, const struct tl_verdict_cvm *cvm)
{
	struct tl_hcl_report hcl;
	struct tl_hcl_runtime rt;
	struct tl_tpm2_public ak;
	struct tl_verdict v;
	long n = 0;
	double t0, t;

	if (tl_hcl_parse((struct tl_bytes){ e->hcl, e->hcl_len }, &hcl, NULL) != TL_OK ||
	    tl_hcl_runtime_parse(hcl.runtime_data, &rt) != TL_OK)
		exit(3);
	tl_hcl_ak_public(&rt, &ak);
	struct tl_verdict_in in = {
		.ak = &ak, .attest = { e->msg, e->msg_len }, .sig = { e->sig, e->sig_len },
		.nonce = e->nonce, .pcrs = &e->pcrs, .quote = { .bare_key = true }, .cvm = cvm,
	};
	t0 = now();
	do {
		for (int i = 0; i < 10; i++, n++) {
			if (tl_verdict_run(&in, &v) != TL_OK || !v.quote_verified ||
			    (cvm && !v.cvm_ok))
				exit(3);
			tl_verdict_free(&v);
		}
		t = now() - t0;
	} while (t < 2.0);
	return (double)n / t;
}

int main(int argc, char **argv)
{
	const char *vectors = argc > 1 ? argv[1] : "../shared/vectors";
	struct tl_snp_roots *milan = roots(vectors, "milan"), *genoa = roots(vectors, "genoa");
	struct tl_bytes rep = slurp(vectors, "snp/test-report.bin");
	struct tl_bytes vcek = slurp(vectors, "snp/test-vcek.der");
	struct tl_snp_signer *ms, *gs;
	struct tl_snp_cert_info info;
	struct evidence *e = calloc(1, sizeof(*e));
	char *gvcek;

	load_evidence(vectors, e, &gvcek);
	if (tl_snp_signer_new(milan, vcek, 0, &ms, &info) != TL_OK ||
	    tl_snp_signer_new(genoa, (struct tl_bytes){ (uint8_t *)gvcek, strlen(gvcek) }, 0, &gs,
			      &info) != TL_OK)
		return 3;
	double r_rep = report_rate(ms, rep), r_chain = chain_rate(milan, vcek);
	double r_cvm = cvm_rate(gs, e);
	const struct tl_snp_policy_cfg strict = { 0 };
	struct tl_verdict_cvm cvm = { genoa, { e->hcl, e->hcl_len },
				      { (uint8_t *)gvcek, strlen(gvcek) }, &strict, 0, gs };
	double v_plain = verdict_rate(e, NULL), v_cvm = verdict_rate(e, &cvm);
	cvm.signer = NULL;
	double v_cvm_chain = verdict_rate(e, &cvm);
	double o_p384 = openssl_verify_rate("ecdsap384", "+F4");
	double o_rsa4096 = openssl_verify_rate("rsa4096", "+F2");
	double o_rsa2048 = openssl_verify_rate("rsa2048", "+F2");
	printf("{\"bench\":\"snp_report_verify\",\"report\":\"milan-v2\",\"chain\":\"cached\","
	       "\"cpu_per_s\":%.0f,\"ref_openssl_speed_ecdsap384_verify_per_s\":%.0f,\"ratio\":%.2f}\n",
	       r_rep, o_p384, o_p384 > 0 ? r_rep / o_p384 : 0);
	printf("{\"bench\":\"snp_chain_verify\",\"chain\":\"vcek-ask-ark\",\"cpu_per_s\":%.0f,"
	       "\"ref_openssl_speed_rsa4096_verify_per_s_over_3\":%.0f,\"ratio\":%.2f}\n",
	       r_chain, o_rsa4096 / 3, o_rsa4096 > 0 ? r_chain / (o_rsa4096 / 3) : 0);
	printf("{\"bench\":\"cvm_verify\",\"evidence\":\"azure-genoa-vtpm\",\"chain\":\"cached\","
	       "\"cpu_per_s\":%.0f,\"ref_openssl_speed_p384_plus_rsa2048_per_s\":%.0f}\n",
	       r_cvm, o_p384 > 0 && o_rsa2048 > 0 ? 1.0 / (1.0 / o_p384 + 1.0 / o_rsa2048) : 0);
	printf("{\"bench\":\"service_verdict\",\"evidence\":\"azure-genoa-vtpm\","
	       "\"plain_per_s\":%.0f,\"confidential_per_s\":%.0f,"
	       "\"confidential_chain_each_time_per_s\":%.0f,\"confidential_over_plain\":%.2f,"
	       "\"ref_openssl_speed_p384_verify_per_s\":%.0f}\n",
	       v_plain, v_cvm, v_cvm_chain, v_plain > 0 ? v_cvm / v_plain : 0, o_p384);
	tl_snp_signer_free(ms);
	tl_snp_signer_free(gs);
	tl_snp_roots_free(milan);
	tl_snp_roots_free(genoa);
	free((void *)rep.ptr);
	free((void *)vcek.ptr);
	free(gvcek);
	free(e);
	return 0;
}
