/* Benchmark: Authenticode digest throughput (MB/s) beside plain SHA-256 of the same bytes in
 * the same run, on a 16 MiB PE32+ image with 8 sections and a certificate table (or on
 * the image files given as arguments, e.g. a kernel). One JSON line per figure. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "trustlaunch/hash.h"
#include "trustlaunch/pe.h"

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static uint8_t *synthetic(size_t *len)
{
	enum { LFANEW = 0x40, OPT = LFANEW + 24, NRVA = OPT + 108, SECDIR = NRVA + 36,
	       SECTAB = OPT + 240, NSEC = 8, SEC = 2u << 20, CERT = 4096 };
	size_t n = 0x1000 + (size_t)NSEC * SEC + CERT;
	uint8_t *b = calloc(1, n);
	if (!b)
		exit(2);
	for (size_t i = 0x1000; i < n; i++)
		b[i] = (uint8_t)(i * 2654435761u >> 13);
	b[0] = 'M';
	b[1] = 'Z';
	put32(b + 0x3C, LFANEW);
	put32(b + LFANEW, 0x4550);
	b[LFANEW + 4] = 0x64;
	b[LFANEW + 5] = 0x86;
	b[LFANEW + 6] = NSEC;
	b[LFANEW + 20] = 240;
	b[OPT] = 0x0b;
	b[OPT + 1] = 0x02;
	put32(b + OPT + 60, 0x1000);
	put32(b + NRVA, 16);
	put32(b + SECDIR, (uint32_t)(n - CERT));
	put32(b + SECDIR + 4, CERT);
	for (int i = 0; i < NSEC; i++) {
		memcpy(b + SECTAB + 40 * i, ".data", 5);
		put32(b + SECTAB + 40 * i + 16, SEC);
		put32(b + SECTAB + 40 * i + 20, (uint32_t)(0x1000 + (size_t)i * SEC));
	}
	put32(b + n - CERT, CERT);
	*len = n;
	return b;
}

static void run(const char *name, uint8_t *buf, size_t len)
{
	static struct tl_pe pe;
	uint8_t d[TL_MAX_DIGEST];
	double t0, ta, th;
	int n = 0;
	if (tl_pe_parse((struct tl_bytes){ buf, len }, &pe) != TL_OK) {
		fprintf(stderr, "bench: %s is not a PE image\n", name);
		exit(2);
	}
	t0 = now();
	do {
		if (tl_pe_authenticode(&pe, TL_ALG_SHA256, d) != TL_OK)
			exit(3);
		n++;
	} while (now() - t0 < 1.0);
	ta = (now() - t0) / n;
	t0 = now();
	n = 0;
	do {
		if (tl_hash(TL_ALG_SHA256, buf, len, d) != TL_OK)
			exit(3);
		n++;
	} while (now() - t0 < 1.0);
	th = (now() - t0) / n;
	printf("{\"bench\":\"authenticode\",\"image\":\"%s\",\"bytes\":%zu,\"ms\":%.2f,"
	       "\"mb_per_s\":%.0f,\"ref_openssl_sha256_mb_per_s\":%.0f,\"ratio\":%.2f}\n",
	       name, len, ta * 1e3, (double)len / ta / 1e6, (double)len / th / 1e6, th / ta);
}

int main(int argc, char **argv)
{
	size_t len;
	uint8_t *b = synthetic(&len);
	run("synthetic-16MiB", b, len);
	free(b);
	for (int i = 1; i < argc; i++) {
		FILE *f = fopen(argv[i], "rb");
		long n;
		if (!f || fseek(f, 0, SEEK_END) || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) ||
		    !(b = malloc((size_t)n)) || fread(b, 1, (size_t)n, f) != (size_t)n)
			return 2;
		fclose(f);
		run(argv[i], b, (size_t)n);
		free(b);
	}
	return 0;
}
