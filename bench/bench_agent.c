/* The agent's side of an attestation against a real TPM (swtpm): from a challenge's nonce to
 * the evidence serialized and ready to send (PCR_Read + Quote, event log, kernel log,
 * os-release, JSON), N times, with p50/p99. bench/agent.sh starts the swtpm, replays a boot
 * into it and measures tpm2-tools doing the TPM part as the reference.
 *   bench_agent TCTI EVENTLOG N
 *   bench_agent --peak-rss CMD ARGS...   runs CMD, prints its peak RSS in KiB (forked from this
 *                                        small process, so no parent's pages are counted) */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "agent.h"
#include "trustlaunch/hash.h"

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static int peak_rss(char **cmd)
{
	struct rusage ru;
	int status;
	pid_t pid = fork();

	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);
		dup2(null, 1);
		execvp(cmd[0], cmd);
		_exit(127);
	}
	/* the only child of this process: RUSAGE_CHILDREN is its peak */
	if (pid < 0 || waitpid(pid, &status, 0) != pid || getrusage(RUSAGE_CHILDREN, &ru) != 0)
		return 2;
	printf("%ld\n", ru.ru_maxrss);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 2;
}

int main(int argc, char **argv)
{
	struct tl_agent_opts o = { .tcti = argc > 1 ? argv[1] : NULL, .pcrs = TL_AGENT_PCRS,
				   .eventlog = argc > 2 ? argv[2] : NULL, .quiet = true,
				   .ak_handle = TL_TPM_AK_HANDLE };
	int n = argc > 3 ? (int)strtol(argv[3], NULL, 10) : 200;
	struct tl_agent_state st;
	struct tl_tpm *tpm = NULL;
	struct tl_tpm_ak ak;
	char why[TL_AGENT_WHY];
	size_t bytes = 0;

	if (argc > 2 && strcmp(argv[1], "--peak-rss") == 0)
		return peak_rss(argv + 2);
	if (argc < 4 || n < 1 || n > 100000) {
		fprintf(stderr, "usage: bench_agent TCTI EVENTLOG N\n");
		return 2;
	}
	memset(&st, 0, sizeof st);
	if (tl_agent_open(&o, false, &tpm, &ak, why) != TL_OK) {
		fprintf(stderr, "bench_agent: %s\n", why);
		return 1;
	}
	double *ms = calloc((size_t)n, sizeof *ms);
	for (int i = 0; ms && i < n; i++) {
		uint8_t nonce[32];
		char hex[65];
		json_t *ev = NULL;
		uint64_t next;
		if (tl_random(nonce, sizeof nonce) != TL_OK)
			return 1;
		tl_hex(nonce, sizeof nonce, hex);
		double t0 = now_ms();
		if (tl_agent_evidence(&o, tpm, &ak, &st, hex, &ev, &next, why) != TL_OK) {
			fprintf(stderr, "bench_agent: %s\n", why);
			return 1;
		}
		char *text = json_dumps(ev, JSON_COMPACT);
		ms[i] = now_ms() - t0;
		bytes = text ? strlen(text) : 0;
		free(text);
		json_decref(ev);
	}
	qsort(ms, (size_t)n, sizeof *ms, cmp);
	printf("{\"bench\":\"agent_evidence\",\"tpm\":\"swtpm\",\"ak\":\"rsa2048\",\"pcrs\":\"%s\","
	       "\"n\":%d,\"p50_ms\":%.2f,\"p99_ms\":%.2f,\"max_ms\":%.2f,\"evidence_bytes\":%zu}\n",
	       o.pcrs, n, ms[n / 2], ms[(n * 99) / 100], ms[n - 1], bytes);
	free(ms);
	tl_tpm_close(tpm);
	return 0;
}
