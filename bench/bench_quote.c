/* Benchmark: quote verifications per second (RSA-2048 and ECC P-256 AKs, real swtpm quotes
 * in bench/data), beside `openssl speed` verify rates and `tpm2_checkquote` per call measured
 * in the same run; and the full check of a quote plus the sb-on event log (replay against
 * the quoted PCRs, then facts). One JSON line per figure. Not a timed test. */
#define _DEFAULT_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "trustlaunch/facts.h"
#include "trustlaunch/hash.h"
#include "trustlaunch/quote.h"

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static struct tl_bytes slurp(const char *dir, const char *name)
{
	char path[4096];
	FILE *f;
	long n;
	uint8_t *buf;
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "rb");
	if (!f || fseek(f, 0, SEEK_END) || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) ||
	    !(buf = malloc((size_t)n + 1)) || fread(buf, 1, (size_t)n, f) != (size_t)n) {
		fprintf(stderr, "bench: cannot read %s\n", path);
		exit(2);
	}
	fclose(f);
	buf[n] = 0;
	return (struct tl_bytes){ buf, (size_t)n };
}

struct quote {
	struct tl_tpm2_public ak;
	struct tl_tpm2_key *key;
	struct tl_bytes akb, attest, sig;
	struct tl_pcr_values pcrs;
};

static uint8_t nonce[32];

static void load(struct quote *q, const char *dir, const char *ak, const char *attest,
		 const char *sig)
{
	struct tl_tpm2_attest at;
	q->akb = slurp(dir, ak);
	q->attest = slurp(dir, attest);
	q->sig = slurp(dir, sig);
	if (tl_tpm2_public_parse(q->akb, &q->ak) || tl_tpm2_key_new(&q->ak, &q->key) ||
	    tl_tpm2_attest_parse(q->attest, &at) ||
	    tl_pcr_values_from_raw(&q->pcrs, &at.pcr_select, slurp(dir, "sbon.pcrs"))) {
		fprintf(stderr, "bench: bad quote data in %s\n", dir);
		exit(2);
	}
}

/* Verifications per second over about a second. */
static double rate(const struct quote *q, const struct tl_log *log, bool facts)
{
	struct tl_quote_result r;
	long n = 0;
	double t0 = now(), t;
	do {
		for (int i = 0; i < 50; i++, n++) {
			if (tl_quote_verify(&q->ak, q->key, q->attest, q->sig,
					    (struct tl_bytes){ nonce, sizeof(nonce) }, &q->pcrs, log,
					    NULL, &r) != TL_OK)
				exit(3);
			if (facts) {
				json_t *f;
				if (tl_facts_extract(log, r.log_trusted, &f) != TL_OK ||
				    !json_is_true(json_object_get(f, "valid")))
					exit(3);
				json_decref(f);
			}
		}
		t = now() - t0;
	} while (t < 1.0);
	return (double)n / t;
}

/* `openssl speed -mr` lines (OpenSSL 3.0): +F2:i:bits:signs_per_s:verifies_per_s (RSA),
 * +F4:... (ECDSA). */
static double openssl_verify_rate(const char *alg, const char *tag)
{
	char cmd[256], line[512];
	double rate = 0;
	FILE *p;
	snprintf(cmd, sizeof(cmd), "openssl speed -seconds 2 -mr %s 2>/dev/null", alg);
	if (!(p = popen(cmd, "r")))
		return 0;
	while (fgets(line, sizeof(line), p)) {
		double sign_s, verify_per_s;
		unsigned i, bits;
		char fmt[64];
		snprintf(fmt, sizeof(fmt), "%s:%%u:%%u:%%lf:%%lf", tag);
		if (sscanf(line, fmt, &i, &bits, &sign_s, &verify_per_s) == 4)
			rate = verify_per_s;
	}
	pclose(p);
	return rate;
}

static double checkquote_ms(const char *dir, const char *nonce_hex)
{
	char cmd[8192];
	double t0, t;
	int n = 10;
	snprintf(cmd, sizeof(cmd),
		 "tpm2_checkquote -u %s/ak-rsa.pub -m %s/cq.attest -s %s/cq.sig -f %s/cq.pcrs "
		 "-g sha256 -q %s >/dev/null 2>&1",
		 dir, dir, dir, dir, nonce_hex);
	t0 = now();
	for (int i = 0; i < n; i++)
		if (system(cmd) != 0)
			return -1;
	t = now() - t0;
	return t / n * 1e3;
}

int main(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : "bench/data";
	const char *vectors = argc > 2 ? argv[2] : "../shared/vectors";
	char path[4096], hex[65] = { 0 };
	struct quote rsa, ecc;
	struct tl_bytes logb;
	struct tl_log *log;
	struct tl_bytes nb = slurp(dir, "nonce.hex");

	memcpy(hex, nb.ptr, nb.len >= 64 ? 64 : nb.len);
	if (tl_unhex(hex, nonce, sizeof(nonce)) != TL_OK)
		return 2;
	load(&rsa, dir, "ak-rsa.pub", "rsa.attest", "rsa.sig");
	load(&ecc, dir, "ak-ecc.pub", "ecc.attest", "ecc.sig");
	snprintf(path, sizeof(path), "%s/boot/sb-on", vectors);
	logb = slurp(path, "eventlog.bin");
	if (tl_log_parse(logb.ptr, logb.len, &log, NULL) != TL_OK)
		return 2;

	double r_rsa = rate(&rsa, NULL, false), r_ecc = rate(&ecc, NULL, false);
	double o_rsa = openssl_verify_rate("rsa2048", "+F2");
	double o_ecc = openssl_verify_rate("ecdsap256", "+F4");
	printf("{\"bench\":\"quote_verify\",\"ak\":\"rsa2048\",\"per_s\":%.0f,"
	       "\"ref_openssl_speed_verify_per_s\":%.0f,\"ratio\":%.2f}\n",
	       r_rsa, o_rsa, o_rsa > 0 ? r_rsa / o_rsa : 0);
	printf("{\"bench\":\"quote_verify\",\"ak\":\"ecc_p256\",\"per_s\":%.0f,"
	       "\"ref_openssl_speed_verify_per_s\":%.0f,\"ratio\":%.2f}\n",
	       r_ecc, o_ecc, o_ecc > 0 ? r_ecc / o_ecc : 0);
	double full = rate(&rsa, log, true);
	printf("{\"bench\":\"quote_verify_full\",\"ak\":\"rsa2048\",\"log\":\"sb-on\","
	       "\"what\":\"quote+pcrs+log replay+facts\",\"per_s\":%.0f,\"target_per_s\":10000}\n",
	       full);
	printf("{\"bench\":\"quote_verify\",\"ref\":\"tpm2_checkquote\",\"ms_per_call\":%.1f,"
	       "\"tl_ms_per_call\":%.3f}\n",
	       checkquote_ms(dir, hex), 1e3 / r_rsa);
	return 0;
}
