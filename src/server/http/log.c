/* logfmt access and event logs on stderr. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

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

/* The time, formatted once a second per thread (two lines per attestation made strftime
 * and stdio's locking a visible part of the request threads' time). */
static const char *ts(void)
{
	static _Thread_local time_t last = -1;
	static _Thread_local char text[32];
	struct tm tm;
	time_t now = time(NULL);
	if (now != last) {
		gmtime_r(&now, &tm);
		strftime(text, sizeof(text), "%Y-%m-%dT%H:%M:%SZ", &tm);
		last = now;
	}
	return text;
}

/* One line, one write (whole lines, not interleaved: stderr is unbuffered anyway); len is
 * snprintf's answer for a buffer of cap bytes: a line cut short still ends with its newline. */
static void put_line(char *line, int len, size_t cap)
{
	if (len <= 0)
		return;
	size_t n = (size_t)len, off = 0;
	if (n >= cap) {
		n = cap - 1;
		line[n - 1] = '\n';
	}
	while (off < n) {
		ssize_t w = write(STDERR_FILENO, line + off, n - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return; /* a log that cannot be written is not worth failing a request */
		off += (size_t)w;
	}
}

void tl_log(const char *level, const char *msg, const char *key, const char *value)
{
	const char *t = ts();
	char m[256], v[256];
	quoted(m, sizeof(m), msg);
	quoted(v, sizeof(v), value);
	char line[600];
	int n = key ? snprintf(line, sizeof(line), "ts=%s level=%s msg=%s %s=%s\n", t, level, m,
			       key, v)
		    : snprintf(line, sizeof(line), "ts=%s level=%s msg=%s\n", t, level, m);
	put_line(line, n, sizeof(line));
}

void tl_log_kv(const char *level, const char *msg, const char *const *kv, size_t n)
{
	char line[1024], v[256];
	const size_t cap = sizeof(line) - 1; /* room for the newline */
	size_t len;
	quoted(v, sizeof(v), msg);
	int w = snprintf(line, cap, "ts=%s level=%s msg=%s", ts(), level, v);
	len = w < 0 ? 0 : (size_t)w >= cap ? cap - 1 : (size_t)w;
	for (size_t i = 0; i < n && len + 1 < cap; i++) {
		quoted(v, sizeof(v), kv[2 * i + 1]);
		w = snprintf(line + len, cap - len, " %s=%s", kv[2 * i], v);
		if (w < 0)
			break;
		len = len + (size_t)w >= cap ? cap - 1 : len + (size_t)w;
	}
	line[len++] = '\n';
	put_line(line, (int)len, sizeof(line));
}

void tl_log_request(const char *method, const char *path, unsigned status, double ms)
{
	const char *t = ts();
	char m[64], p[256], line[512];
	unsigned long hundredths = ms > 0 && ms < 1e9 ? (unsigned long)(ms * 100 + 0.5) : 0;
	quoted(m, sizeof(m), method);
	quoted(p, sizeof(p), path);
	int n = snprintf(line, sizeof(line),
			 "ts=%s level=info msg=request method=%s path=%s status=%u dur_ms=%lu.%02lu\n",
			 t, m, p, status, hundredths / 100, hundredths % 100);
	put_line(line, n, sizeof(line));
}
