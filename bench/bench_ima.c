/* Benchmark: the IMA list's parse + replay (PCR 10 in the SHA-1 and SHA-256 banks: two hashes
 * of every entry's template data and two extends), per attestation, beside the TCG event log
 * parse + replay of the same boot measured in the same run. Lists: the real sb-on list (its
 * boot_aggregate only: no IMA policy), and that entry followed by N ima-ng file entries, as
 * a guest with ima_policy=tcb logs them (a Debian 12 boot: ~1 500-3 000). One JSON line per
 * figure. Not a timed test. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "trustlaunch/hash.h"
#include "trustlaunch/ima.h"
#include "trustlaunch/tcglog.h"

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static uint8_t *slurp(const char *path, size_t *len, size_t extra)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf;
	long n;
	if (!f || fseek(f, 0, SEEK_END) || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET)) {
		fprintf(stderr, "bench: cannot read %s\n", path);
		exit(2);
	}
	buf = malloc((size_t)n + extra);
	if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n)
		exit(2);
	fclose(f);
	*len = (size_t)n;
	return buf;
}

static void put32(uint8_t *b, size_t *n, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		b[(*n)++] = (uint8_t)(v >> (8 * i));
}

/* An ima-ng entry for a file path (a 40-byte path, as /usr/lib/x86_64-linux-gnu/... are). */
static void file_entry(uint8_t *b, size_t *n, unsigned i)
{
	uint8_t data[4 + 40 + 4 + 41], h[TL_MAX_DIGEST];
	size_t d = 0;
	put32(data, &d, 40);
	memcpy(data + d, "sha256:", 8);
	memset(data + d + 8, (int)(i & 0xFF), 32);
	d += 40;
	put32(data, &d, 41);
	snprintf((char *)data + d, 41, "/usr/lib/x86_64-linux-gnu/l%010u.so", i);
	data[d + 40] = 0;
	d += 41;
	if (tl_hash(TL_ALG_SHA1, data, d, h) != TL_OK)
		exit(3);
	put32(b, n, 10);
	memcpy(b + *n, h, TL_SHA1_LEN);
	*n += TL_SHA1_LEN;
	put32(b, n, 6);
	memcpy(b + *n, "ima-ng", 6);
	*n += 6;
	put32(b, n, (uint32_t)d);
	memcpy(b + *n, data, d);
	*n += d;
}

static double time_ima(const uint8_t *b, size_t len)
{
	struct tl_ima_replay r;
	for (int iters = 16;; iters *= 2) {
		double t = now();
		for (int i = 0; i < iters; i++)
			if (tl_ima_replay((struct tl_bytes){ b, len }, &r, NULL) != TL_OK)
				exit(3);
		t = now() - t;
		if (t > 0.2)
			return t / iters;
	}
}

static double time_tcglog(const uint8_t *b, size_t len)
{
	for (int iters = 16;; iters *= 2) {
		double t = now();
		for (int i = 0; i < iters; i++) {
			struct tl_log *log;
			struct tl_pcrs pcrs;
			if (tl_log_parse(b, len, &log, NULL) != TL_OK || tl_log_replay(log, &pcrs) != TL_OK)
				exit(3);
			tl_log_free(log);
		}
		t = now() - t;
		if (t > 0.2)
			return t / iters;
	}
}

int main(int argc, char **argv)
{
	static const unsigned files[] = { 0, 1000, 3000, 10000 };
	char path[1024];
	size_t len, loglen, per = 4 + 20 + 4 + 6 + 4 + 89;
	uint8_t *log, *ima;
	double ref;
	if (argc != 2) {
		fprintf(stderr, "usage: bench_ima VECTORS\n");
		return 2;
	}
	snprintf(path, sizeof(path), "%s/boot/sb-on/eventlog.bin", argv[1]);
	log = slurp(path, &loglen, 0);
	snprintf(path, sizeof(path), "%s/boot/sb-on/ima.bin", argv[1]);
	ima = slurp(path, &len, per * files[3]);
	ref = time_tcglog(log, loglen);
	for (size_t f = 0; f < sizeof(files) / sizeof(files[0]); f++) {
		size_t n = len;
		for (unsigned i = 0; i < files[f]; i++)
			file_entry(ima, &n, i);
		double t = time_ima(ima, n);
		printf("{\"bench\":\"ima\",\"list\":\"sb-on%s\",\"entries\":%u,\"bytes\":%zu,"
		       "\"stage\":\"parse+replay\",\"us_per_list\":%.2f,"
		       "\"ref_tcglog_sb_on_parse_replay_us\":%.2f,\"x_of_tcglog\":%.2f}\n",
		       files[f] ? "+files" : "", 1 + files[f], n, t * 1e6, ref * 1e6, t / ref);
	}
	free(log);
	free(ima);
	return 0;
}
