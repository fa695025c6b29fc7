/* logfmt access and event logs on stderr. */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "log.h"

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

/* A value quoted, printable ASCII only, at most 200 characters. */
static void quoted(char *out, size_t n, const char *v)
{
	size_t k = 0;
	out[k++] = '"';
	for (const char *p = v ? v : ""; *p && k + 3 < n && p - v < 200; p++) {
		unsigned char c = (unsigned char)*p;
		if (c == '"' || c == '\\')
			out[k++] = '\\';
		out[k++] = c >= 0x20 && c < 0x7F ? (char)c : '?';
	}
	out[k++] = '"';
	out[k] = '\0';
}

static void ts(char *out, size_t n)
{
	struct timespec t;
	struct tm tm;
	clock_gettime(CLOCK_REALTIME, &t);
	gmtime_r(&t.tv_sec, &tm);
	strftime(out, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void tl_log(const char *level, const char *msg, const char *key, const char *value)
{
	char t[32], m[256], v[256];
	ts(t, sizeof(t));
	quoted(m, sizeof(m), msg);
	quoted(v, sizeof(v), value);
	pthread_mutex_lock(&lock);
	if (key)
		fprintf(stderr, "ts=%s level=%s msg=%s %s=%s\n", t, level, m, key, v);
	else
		fprintf(stderr, "ts=%s level=%s msg=%s\n", t, level, m);
	pthread_mutex_unlock(&lock);
}

void tl_log_request(const char *method, const char *path, unsigned status, double ms)
{
	char t[32], m[64], p[256];
	ts(t, sizeof(t));
	quoted(m, sizeof(m), method);
	quoted(p, sizeof(p), path);
	pthread_mutex_lock(&lock);
	fprintf(stderr, "ts=%s level=info msg=request method=%s path=%s status=%u dur_ms=%.2f\n", t,
		m, p, status, ms);
	pthread_mutex_unlock(&lock);
}
