/* Benchmark: parse, replay and facts of real logs, in µs per log and MB/s, beside OpenSSL
 * SHA-256 over the same bytes measured in the same run; and the peak memory of the whole
 * pipeline on 4 MiB hostile logs. One JSON line per figure. Not a timed test. */
#define _DEFAULT_SOURCE /* wait4 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "trustlaunch/facts.h"
#include "trustlaunch/hash.h"
#include "trustlaunch/tcglog.h"
#include "trustlaunch/x509.h"

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static uint8_t *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf;
	long n;
	if (!f || fseek(f, 0, SEEK_END) || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET)) {
		fprintf(stderr, "bench: cannot read %s\n", path);
		exit(2);
	}
	buf = malloc((size_t)n);
	if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n)
		exit(2);
	fclose(f);
	*len = (size_t)n;
	return buf;
}

enum stage { PARSE, REPLAY, FACTS, FACTS_COLD };

static void run_once(const uint8_t *buf, size_t len, enum stage s)
{
	struct tl_log *log;
	struct tl_pcrs pcrs;
	json_t *facts;
	if (tl_log_parse(buf, len, &log, NULL) != TL_OK)
		exit(3);
	if (s >= REPLAY && tl_log_replay(log, &pcrs) != TL_OK)
		exit(3);
	if (s == FACTS_COLD)
		tl_x509_cache_clear();
	if (s >= FACTS) {
		if (tl_facts_extract(log, TL_PCRS_ALL, &facts) != TL_OK)
			exit(3);
		json_decref(facts);
	}
	tl_log_free(log);
}

/* Median of 7 rounds of (iterations) runs, in seconds per run. */
static double time_stage(const uint8_t *buf, size_t len, enum stage s)
{
	double r[7];
	int iters = 1;
	double t;
	/* calibrate to about 50 ms per round */
	for (;;) {
		t = now();
		for (int i = 0; i < iters; i++)
			run_once(buf, len, s);
		t = now() - t;
		if (t > 0.05)
			break;
		iters *= 2;
	}
	for (int k = 0; k < 7; k++) {
		t = now();
		for (int i = 0; i < iters; i++)
			run_once(buf, len, s);
		r[k] = (now() - t) / iters;
	}
	for (int i = 0; i < 7; i++)
		for (int j = i + 1; j < 7; j++)
			if (r[j] < r[i]) {
				double x = r[i];
				r[i] = r[j];
				r[j] = x;
			}
	return r[3];
}

static double time_sha256(const uint8_t *buf, size_t len)
{
	uint8_t h[TL_MAX_DIGEST];
	int iters = 1;
	double t;
	for (;;) {
		t = now();
		for (int i = 0; i < iters; i++)
			if (tl_hash(TL_ALG_SHA256, buf, len, h) != TL_OK)
				exit(3);
		t = now() - t;
		if (t > 0.1)
			return t / iters;
		iters *= 2;
	}
}

static void bench_log(const char *name, const char *path)
{
	static const char *const stages[] = { "parse", "parse+replay", "parse+replay+facts",
					      "parse+replay+facts_cold_cert_cache" };
	size_t len;
	uint8_t *buf = slurp(path, &len);
	struct tl_log *log;
	double sha = time_sha256(buf, len);
	size_t nev;
	if (tl_log_parse(buf, len, &log, NULL) != TL_OK)
		exit(3);
	nev = log->nevents;
	tl_log_free(log);
	for (int s = PARSE; s <= FACTS_COLD; s++) {
		double t = time_stage(buf, len, (enum stage)s);
		printf("{\"bench\":\"tcglog\",\"log\":\"%s\",\"bytes\":%zu,\"events\":%zu,"
		       "\"stage\":\"%s\",\"us_per_log\":%.2f,\"mb_per_s\":%.1f,"
		       "\"ref_openssl_sha256_us\":%.2f,\"ref_openssl_sha256_mb_per_s\":%.1f,"
		       "\"x_of_sha256\":%.2f}\n",
		       name, len, nev, stages[s], t * 1e6, (double)len / t / 1e6, sha * 1e6,
		       (double)len / sha / 1e6, t / sha);
	}
	free(buf);
}

/* Hostile logs of 4 MiB that maximise what the pipeline keeps. */
static uint8_t *hostile(int shape, size_t *len)
{
	size_t cap = TL_MAX_LOG_SIZE, n = 0;
	uint8_t *b = calloc(1, cap);
	static const uint8_t specid[] = { 'S', 'p', 'e', 'c', ' ', 'I', 'D', ' ', 'E', 'v', 'e',
					  'n', 't', '0', '3', 0, 0, 0, 0, 0, 0, 2, 0, 2, 1, 0,
					  0, 0, 0x04, 0x00, 20, 0, 0 };
#define PUT32(v) do { uint32_t x_ = (v); for (int i_ = 0; i_ < 4; i_++) b[n++] = (uint8_t)(x_ >> (8 * i_)); } while (0)
	PUT32(0);
	PUT32(TL_EV_NO_ACTION);
	n += 20;
	PUT32(sizeof(specid));
	memcpy(b + n, specid, sizeof(specid));
	n += sizeof(specid);
	/* shape 0: the most events (tiny PCR 1 events, up to the event limit);
	 * shape 1: GRUB commands in PCR 8 full of control bytes (escaped 4x in facts);
	 * shape 2: files in PCR 9 with 64-byte names */
	size_t datalen = shape == 0 ? 0 : shape == 1 ? 4096 : 64;
	uint32_t pcr = shape == 0 ? 1 : shape == 1 ? 8 : 9;
	unsigned events = 0;
	while (n + 38 + datalen <= cap && events < TL_MAX_EVENTS) {
		PUT32(pcr);
		PUT32(TL_EV_IPL);
		PUT32(1);
		b[n++] = 0x04;
		b[n++] = 0x00;
		n += 20;
		PUT32((uint32_t)datalen);
		if (shape == 1)
			memcpy(b + n, "grub_cmd: ", 10);
		for (size_t i = shape == 1 ? 10 : 0; i < datalen; i++)
			b[n + i] = shape == 1 ? 0x01 : 'a';
		n += datalen;
		events++;
	}
	*len = n;
	return b;
}

/* Each hostile shape runs in a fresh process (this binary, re-executed), so that its peak
 * RSS is its own: reading the log, parsing, replaying and extracting facts. */
static void bench_memory(const char *self)
{
	static const char *const shapes[] = { "max_events", "grub_control_bytes", "many_files" };
	for (int shape = 0; shape < 3; shape++) {
		char arg[4];
		int status;
		struct rusage ru;
		pid_t pid;
		snprintf(arg, sizeof(arg), "%d", shape);
		pid = fork();
		if (pid == 0) {
			execl(self, self, "--hostile", arg, (char *)NULL);
			_exit(127);
		}
		if (pid < 0 || wait4(pid, &status, 0, &ru) < 0 || !WIFEXITED(status) ||
		    WEXITSTATUS(status) != 0) {
			fprintf(stderr, "bench: hostile shape %s failed\n", shapes[shape]);
			exit(3);
		}
		printf("{\"bench\":\"tcglog_memory\",\"log\":\"hostile_4mib_%s\","
		       "\"peak_rss_kib\":%ld,\"limit_kib\":16384}\n",
		       shapes[shape], ru.ru_maxrss);
	}
}

int main(int argc, char **argv)
{
	const char *v = argc > 1 ? argv[1] : "../shared/vectors";
	if (argc == 3 && strcmp(argv[1], "--hostile") == 0) {
		size_t len;
		uint8_t *b = hostile(atoi(argv[2]), &len);
		run_once(b, len, FACTS);
		free(b);
		return 0;
	}
	char path[4096];
	snprintf(path, sizeof(path), "%s/boot/sb-on/eventlog.bin", v);
	bench_log("sb-on", path);
	snprintf(path, sizeof(path), "%s/gce/eventlogs/gdc-host.bin", v);
	bench_log("gdc-host", path);
	if (!getenv("TL_BENCH_NO_MEMORY"))
		bench_memory("/proc/self/exe");
	return 0;
}
