/* Benchmark: the real Windows Server VM (windows/gcp-shielded-vm.json): parse + Windows facts,
 * and the whole check (parse, replay, quote verified with its AK, facts) per log, beside
 * references measured in the same run: OpenSSL SHA-1 over the same log bytes, the quote's
 * own RSA-2048 SHA-1 signature verified alone, and `openssl speed rsa2048`; and the time of
 * a hostile 4 MiB log of module records. One JSON line per figure. Not a timed test. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "trustlaunch/b64.h"
#include "trustlaunch/facts.h"
#include "trustlaunch/hash.h"
#include "trustlaunch/quote.h"
#include "trustlaunch/tcglog.h"

struct vec {
	uint8_t *log, *ak, *attest, *sig;
	size_t log_len, ak_len, attest_len, sig_len;
	struct tl_pcr_values pcrs;
};

static struct vec V;
static struct tl_tpm2_public AK;
static struct tl_tpm2_key *KEY;
static struct tl_tpm2_signature SIG;

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static uint8_t *field(json_t *j, const char *a, const char *b, size_t prefix, size_t *len)
{
	const char *s = json_string_value(json_object_get(json_object_get(j, a), b));
	uint8_t *out = s ? calloc(1, prefix + strlen(s) + 1) : NULL;
	if (!out || tl_b64_decode(s, strlen(s), out + prefix, strlen(s), len) != TL_OK) {
		fprintf(stderr, "bench: %s.%s unreadable\n", a, b);
		exit(2);
	}
	return out;
}

static void load(const char *dir)
{
	char path[4096];
	json_t *j, *e;
	size_t i;
	snprintf(path, sizeof(path), "%s/windows/gcp-shielded-vm.json", dir);
	if (!(j = json_load_file(path, 0, NULL))) {
		fprintf(stderr, "bench: cannot read %s\n", path);
		exit(2);
	}
	V.log = field(j, "Log", "Raw", 0, &V.log_len);
	V.attest = field(j, "Quote", "Quote", 0, &V.attest_len);
	V.sig = field(j, "Quote", "Signature", 0, &V.sig_len);
	V.ak = field(j, "AK", "Public", 2, &V.ak_len); /* a TPMT_PUBLIC: add the TPM2B size */
	V.ak[0] = (uint8_t)(V.ak_len >> 8);
	V.ak[1] = (uint8_t)V.ak_len;
	V.ak_len += 2;
	json_array_foreach(json_object_get(json_object_get(j, "Log"), "PCRs"), i, e)
	{
		const char *d = json_string_value(json_object_get(e, "Digest"));
		uint8_t val[64];
		size_t n;
		if (!d || tl_b64_decode(d, strlen(d), val, sizeof(val), &n) != TL_OK ||
		    tl_pcr_values_set(&V.pcrs, TL_ALG_SHA1,
				      (unsigned)json_integer_value(json_object_get(e, "Index")), val,
				      n) != TL_OK)
			exit(2);
	}
	json_decref(j);
	if (tl_tpm2_public_parse((struct tl_bytes){ V.ak, V.ak_len }, &AK) != TL_OK ||
	    tl_tpm2_key_new(&AK, &KEY) != TL_OK ||
	    tl_tpm2_signature_parse((struct tl_bytes){ V.sig, V.sig_len }, &SIG) != TL_OK)
		exit(3);
}

enum stage { PARSE_FACTS, FULL, SIG_ONLY, SHA1_ONLY };

static void run_once(enum stage s)
{
	struct tl_log *log;
	struct tl_quote_result res;
	struct tl_quote_opts opts = { .allow_sha1 = true, .no_nonce = true };
	uint32_t trusted = TL_PCRS_ALL;
	uint8_t h[TL_MAX_DIGEST];
	json_t *f;
	if (s == SIG_ONLY) {
		if (tl_tpm2_key_verify(KEY, &SIG, (struct tl_bytes){ V.attest, V.attest_len }))
			exit(3);
		return;
	}
	if (s == SHA1_ONLY) {
		if (tl_hash(TL_ALG_SHA1, V.log, V.log_len, h) != TL_OK)
			exit(3);
		return;
	}
	if (tl_log_parse(V.log, V.log_len, &log, NULL) != TL_OK)
		exit(3);
	if (s == FULL) {
		if (tl_quote_verify(&AK, KEY, (struct tl_bytes){ V.attest, V.attest_len },
				    (struct tl_bytes){ V.sig, V.sig_len }, (struct tl_bytes){ 0 },
				    &V.pcrs, log, &opts, &res) != TL_OK)
			exit(3);
		trusted = res.log_trusted;
	}
	if (tl_facts_extract(log, trusted, &f) != TL_OK ||
	    !json_is_object(json_object_get(f, "windows")))
		exit(3);
	json_decref(f);
	tl_log_free(log);
}

/* Median of 7 rounds of about 50 ms, in seconds per run. */
static double time_stage(enum stage s)
{
	double r[7], t;
	int iters = 1;
	for (;;) {
		t = now();
		for (int i = 0; i < iters; i++)
			run_once(s);
		if ((t = now() - t) > 0.05)
			break;
		iters *= 2;
	}
	for (int k = 0; k < 7; k++) {
		t = now();
		for (int i = 0; i < iters; i++)
			run_once(s);
		r[k] = (now() - t) / iters;
	}
	for (int i = 0; i < 7; i++)
		for (int j = i + 1; j < 7; j++)
			if (r[j] < r[i]) {
				t = r[i];
				r[i] = r[j];
				r[j] = t;
			}
	return r[3];
}

/* A hostile 4 MiB Windows log: 28 event tags of 4 000 distinct loaded-module records each,
 * the most merging work the facts can be asked for. */
static uint8_t *hostile(size_t *len)
{
	size_t cap = TL_MAX_LOG_SIZE, n = 0, per = 4000, rec = 8 + 8 + 32, data = per * rec;
	uint8_t *b = calloc(1, cap), h[TL_MAX_DIGEST];
	uint64_t id = 0;
#define PUT32(v) do { uint32_t x_ = (v); for (int i_ = 0; i_ < 4; i_++) b[n++] = (uint8_t)(x_ >> (8 * i_)); } while (0)
	if (!b)
		exit(2);
	PUT32(0); /* the first event: S-CRTM version of a legacy SHA-1 log */
	PUT32(TL_EV_S_CRTM_VERSION);
	if (tl_hash(TL_ALG_SHA1, "\0\0", 2, h) != TL_OK)
		exit(3);
	memcpy(b + n, h, 20);
	n += 20;
	PUT32(2);
	n += 2;
	while (n + 32 + data <= cap) {
		size_t start;
		PUT32(12);
		PUT32(TL_EV_EVENT_TAG);
		start = n;
		n += 20;
		PUT32((uint32_t)data);
		for (size_t k = 0; k < per; k++, id++) {
			PUT32(0x40010003); /* SIPAEVENT_LOADEDMODULE_AGGREGATION */
			PUT32(8 + 32);
			PUT32(0x00070004); /* SIPAEVENT_AUTHENTICODEHASH */
			PUT32(32);
			memcpy(b + n, &id, sizeof(id));
			memset(b + n + 8, 0x11, 24);
			n += 32;
		}
		if (tl_hash(TL_ALG_SHA1, b + start + 24, data, h) != TL_OK)
			exit(3);
		memcpy(b + start, h, 20);
	}
#undef PUT32
	*len = n;
	return b;
}

static void bench_hostile(void)
{
	size_t len;
	uint8_t *b = hostile(&len);
	struct tl_log *log;
	json_t *f;
	double t = now();
	if (tl_log_parse(b, len, &log, NULL) != TL_OK || tl_facts_extract(log, TL_PCRS_ALL, &f))
		exit(3);
	t = now() - t;
	printf("{\"bench\":\"windows\",\"log\":\"hostile_4mib_module_records\",\"bytes\":%zu,"
	       "\"stage\":\"parse+facts\",\"ms\":%.1f,\"modules_kept\":%zu}\n",
	       len, t * 1e3, json_array_size(json_object_get(json_object_get(f, "windows"),
							     "loaded_modules")));
	json_decref(f);
	tl_log_free(log);
	free(b);
}

/* verify/s of `openssl speed -seconds 1 rsa2048`, or 0 when it cannot be run. */
static double openssl_speed(void)
{
	FILE *p = popen("openssl speed -seconds 1 rsa2048 2>/dev/null", "r");
	char line[512];
	double sign_s, verify_s, signs, verifies = 0;
	if (!p)
		return 0;
	while (fgets(line, sizeof(line), p))
		if (sscanf(line, "rsa 2048 bits %lfs %lfs %lf %lf", &sign_s, &verify_s, &signs,
			   &verifies) == 4)
			break;
	pclose(p);
	return verifies;
}

int main(int argc, char **argv)
{
	double sha1, sig, pf, full, speed;
	load(argc > 1 ? argv[1] : "../shared/vectors");
	sha1 = time_stage(SHA1_ONLY);
	sig = time_stage(SIG_ONLY);
	pf = time_stage(PARSE_FACTS);
	full = time_stage(FULL);
	speed = openssl_speed();
	printf("{\"bench\":\"windows\",\"log\":\"gcp-shielded-vm\",\"bytes\":%zu,"
	       "\"stage\":\"parse+facts\",\"us_per_log\":%.2f,\"logs_per_s\":%.0f,"
	       "\"ref_openssl_sha1_us\":%.2f,\"x_of_sha1\":%.2f}\n",
	       V.log_len, pf * 1e6, 1 / pf, sha1 * 1e6, pf / sha1);
	printf("{\"bench\":\"windows\",\"log\":\"gcp-shielded-vm\",\"bytes\":%zu,"
	       "\"stage\":\"parse+replay+quote_verify+facts\",\"us_per_log\":%.2f,"
	       "\"logs_per_s\":%.0f,\"ref_rsa2048_sha1_verify_us\":%.2f,"
	       "\"ref_rsa2048_verify_per_s\":%.0f,\"x_of_rsa_verify\":%.2f}\n",
	       V.log_len, full * 1e6, 1 / full, sig * 1e6, 1 / sig, full / sig);
	printf("{\"bench\":\"windows\",\"ref\":\"openssl speed -seconds 1 rsa2048\","
	       "\"verify_per_s\":%.0f,\"our_full_checks_per_s\":%.0f,\"x_of_openssl_speed\":%.2f}\n",
	       speed, 1 / full, speed > 0 ? speed * full : 0);
	bench_hostile();
	tl_tpm2_key_free(KEY);
	free(V.log);
	free(V.ak);
	free(V.attest);
	free(V.sig);
	return 0;
}
