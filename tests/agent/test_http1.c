/* The agent's HTTP/1.1 transport: the answer parser on what trustlaunchd (libmicrohttpd)
 * really sends and on hostile answers, the request writer against header injection, and
 * tl_stream_exchange over a socketpair with a thread playing the relay. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "http1.h"

/* trustlaunchd's answer to GET /healthz, captured off the wire (libmicrohttpd 0.9.76, the
 * agent's own request head, no Connection: close). */
static const char mhd_healthz[] =
	"HTTP/1.1 200 OK\r\n"
	"Date: Mon, 23 Nov 2026 16:46:10 GMT\r\n"
	"Content-Type: application/json\r\n"
	"Cache-Control: no-store\r\n"
	"Content-Length: 27\r\n"
	"\r\n"
	"{\"status\":\"ok\",\"schema\":13}";

/* trustlaunchd's answer to GET /v1/vms without a token (with Connection: close). */
static const char mhd_unauthorized[] =
	"HTTP/1.1 401 Unauthorized\r\n"
	"Date: Mon, 23 Nov 2026 16:46:05 GMT\r\n"
	"Connection: close\r\n"
	"Content-Type: application/json\r\n"
	"Cache-Control: no-store\r\n"
	"Content-Length: 71\r\n"
	"\r\n"
	"{\"error\":{\"code\":\"auth.required\",\"message\":\"a bearer token is needed\"}}";

/* An older libmicrohttpd's keep-alive answer. */
static const char mhd_keepalive[] =
	"HTTP/1.1 200 OK\r\n"
	"Connection: Keep-Alive\r\n"
	"Content-Length: 28\r\n"
	"Content-Type: application/json\r\n"
	"Date: Mon, 23 Nov 2026 16:46:05 GMT\r\n"
	"\r\n"
	"{\"nonce\":\"0123456789abcdef\"}";

static const char no_content[] = "HTTP/1.1 204 No Content\r\nDate: x\r\n\r\n";

static struct tl_bytes B(const char *s, size_t n)
{
	return (struct tl_bytes){ (const uint8_t *)s, n };
}

static int parse(const char *s, size_t n, struct tl_http1_response *r, bool *complete)
{
	return tl_http1_parse(B(s, n), r, complete);
}

static void expect_answer(const char *s, int status, const char *body)
{
	struct tl_http1_response r;
	bool complete;
	size_t n = strlen(s);

	assert_int_equal(parse(s, n, &r, &complete), TL_OK);
	assert_true(complete);
	assert_int_equal(r.status, status);
	assert_int_equal(r.body_len, strlen(body));
	assert_int_equal(r.head_len + r.body_len, n);
	assert_memory_equal(&s[r.head_len], body, r.body_len);
}

static void http1_parse_reads_microhttpd_answers(void **state)
{
	(void)state;
	expect_answer(mhd_healthz, 200, "{\"status\":\"ok\",\"schema\":13}");
	expect_answer(mhd_unauthorized, 401,
		      "{\"error\":{\"code\":\"auth.required\",\"message\":\"a bearer token is "
		      "needed\"}}");
	expect_answer(mhd_keepalive, 200, "{\"nonce\":\"0123456789abcdef\"}");
	expect_answer(no_content, 204, "");
}

/* Every proper prefix needs more bytes; the head is known from its blank line on. */
static void http1_parse_completes_only_at_the_end(void **state)
{
	const char *answers[] = { mhd_healthz, mhd_unauthorized, mhd_keepalive, no_content };
	(void)state;
	for (size_t a = 0; a < sizeof(answers) / sizeof(answers[0]); a++) {
		size_t n = strlen(answers[a]), head = strstr(answers[a], "\r\n\r\n") + 4 - answers[a];
		for (size_t k = 0; k <= n; k++) {
			struct tl_http1_response r;
			bool complete = true;
			assert_int_equal(parse(answers[a], k, &r, &complete), TL_OK);
			assert_int_equal(complete, k == n);
			assert_int_equal(r.head_len, k >= head ? head : 0);
		}
	}
}

static void http1_parse_ignores_bytes_after_the_answer(void **state)
{
	char buf[512];
	struct tl_http1_response r;
	bool complete;
	int n = snprintf(buf, sizeof(buf), "%sHTTP/1.1 200 OK\r\n", mhd_healthz);
	(void)state;
	assert_int_equal(parse(buf, (size_t)n, &r, &complete), TL_OK);
	assert_true(complete);
	assert_int_equal(r.head_len + r.body_len, strlen(mhd_healthz));
}

static void http1_parse_accepts_what_rfc9112_allows(void **state)
{
	(void)state;
	expect_answer("HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nhi", 200, "hi");
	expect_answer("HTTP/1.1 200\r\nContent-Length: 2\r\n\r\nhi", 200, "hi");
	expect_answer("HTTP/1.1 200 \r\nContent-Length: 2\r\n\r\nhi", 200, "hi");
	expect_answer("HTTP/1.1 599 Odd \t reason \xe9\r\nContent-Length: 0\r\n\r\n", 599, "");
	expect_answer("HTTP/1.1 200 OK\r\ncOnTeNt-LeNgTh:\t 0002 \t\r\n\r\nhi", 200, "hi");
	expect_answer("HTTP/1.1 200 OK\r\nX-Obs: caf\xc3\xa9\r\nContent-Length: 0\r\n\r\n", 200, "");
	expect_answer("HTTP/1.1 200 OK\r\nX-Empty:\r\nContent-Length: 1\r\n\r\n!", 200, "!");
	expect_answer("HTTP/1.1 304 Not Modified\r\nContent-Length: 99\r\n\r\n", 304, "");
	expect_answer("HTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\n", 204, "");
}

struct hostile {
	const char *text;
	int err;
};

#define CL "Content-Length: 2\r\n"
static const struct hostile hostile[] = {
	/* status line */
	{ "\r\n" CL "\r\nhi", TL_E_HTTP_MALFORMED },
	{ "HTTP/1.1 20 OK\r\n" CL "\r\nhi", TL_E_HTTP_MALFORMED },
	{ "HTTP/1.1 2000 OK\r\n" CL "\r\nhi", TL_E_HTTP_MALFORMED },
	{ "HTTP/1.1 200OK\r\n" CL "\r\nhi", TL_E_HTTP_MALFORMED },
	{ "HTTP/1.1  200 OK\r\n" CL "\r\nhi", TL_E_HTTP_MALFORMED },
	{ "HTTP/1.1 2x0 OK\r\n" CL "\r\nhi", TL_E_HTTP_MALFORMED },
	{ "HTTP/1.1 099 Low\r\n" CL "\r\nhi", TL_E_HTTP_MALFORMED },
	{ "HTTP/1.1 600 High\r\n" CL "\r\nhi", TL_E_HTTP_MALFORMED },
	{ "HTTP/2 200 OK\r\n" CL "\r\nhi", TL_E_HTTP_MALFORMED },
	{ "HTTP/1.2 200 OK\r\n" CL "\r\nhi", TL_E_HTTP_MALFORMED },
	{ "http/1.1 200 OK\r\n" CL "\r\nhi", TL_E_HTTP_MALFORMED },
	{ "ICY 200 OK\r\n" CL "\r\nhi", TL_E_HTTP_MALFORMED },
	{ "HTTP/1.1 200 O\x01K\r\n" CL "\r\nhi", TL_E_HTTP_MALFORMED },
	/* interim answers: we never send Expect */
	{ "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\n" CL "\r\nhi", TL_E_HTTP_UNSUPPORTED },
	{ "HTTP/1.1 101 Switching Protocols\r\nUpgrade: h2c\r\n\r\n", TL_E_HTTP_UNSUPPORTED },
	/* line endings */
	{ "HTTP/1.1 200 OK\n" CL "\r\nhi", TL_E_HTTP_MALFORMED },
	{ "HTTP/1.1 200 OK\r\nContent-Length: 2\n\nhi", TL_E_HTTP_MALFORMED },
	{ "HTTP/1.1 200 OK\r\nX-A: a\rb\r\n" CL "\r\nhi", TL_E_HTTP_MALFORMED },
	{ "HTTP/1.1 200 OK\r\n" CL "\r\r\nhi", TL_E_HTTP_MALFORMED },
	/* header lines */
	{ "HTTP/1.1 200 OK\r\nNoColon\r\n" CL "\r\nhi", TL_E_HTTP_MALFORMED },
	{ "HTTP/1.1 200 OK\r\n: no name\r\n" CL "\r\nhi", TL_E_HTTP_MALFORMED },
	{ "HTTP/1.1 200 OK\r\nContent-Length : 2\r\n\r\nhi", TL_E_HTTP_MALFORMED },
	{ "HTTP/1.1 200 OK\r\nBad Name: x\r\n" CL "\r\nhi", TL_E_HTTP_MALFORMED },
	{ "HTTP/1.1 200 OK\r\nBad\"Name: x\r\n" CL "\r\nhi", TL_E_HTTP_MALFORMED },
	{ "HTTP/1.1 200 OK\r\nN\xc3\xa4me: x\r\n" CL "\r\nhi", TL_E_HTTP_MALFORMED },
	{ "HTTP/1.1 200 OK\r\nX-A: a\r\n b\r\n" CL "\r\nhi", TL_E_HTTP_MALFORMED },
	{ "HTTP/1.1 200 OK\r\nX-A: a\r\n\tb\r\n" CL "\r\nhi", TL_E_HTTP_MALFORMED },
	{ "HTTP/1.1 200 OK\r\nX-A: a\x7f\r\n" CL "\r\nhi", TL_E_HTTP_MALFORMED },
	{ "HTTP/1.1 200 OK\r\nX-A: a\x1b[31m\r\n" CL "\r\nhi", TL_E_HTTP_MALFORMED },
	/* framing */
	{ "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n{}", TL_E_HTTP_UNSUPPORTED },
	{ "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhi\r\n0\r\n\r\n",
	  TL_E_HTTP_UNSUPPORTED },
	{ "HTTP/1.1 200 OK\r\n" CL "transfer-encoding: identity\r\n\r\nhi", TL_E_HTTP_UNSUPPORTED },
	{ "HTTP/1.1 204 No Content\r\nTransfer-Encoding: chunked\r\n\r\n", TL_E_HTTP_UNSUPPORTED },
	{ "HTTP/1.1 200 OK\r\n" CL CL "\r\nhi", TL_E_HTTP_MALFORMED },
	{ "HTTP/1.1 200 OK\r\n" CL "content-length: 3\r\n\r\nhi!", TL_E_HTTP_MALFORMED },
	{ "HTTP/1.1 200 OK\r\nContent-Length: 2, 2\r\n\r\nhi", TL_E_HTTP_MALFORMED },
	{ "HTTP/1.1 200 OK\r\nContent-Length: \r\n\r\nhi", TL_E_HTTP_MALFORMED },
	{ "HTTP/1.1 200 OK\r\nContent-Length: -2\r\n\r\nhi", TL_E_HTTP_MALFORMED },
	{ "HTTP/1.1 200 OK\r\nContent-Length: +2\r\n\r\nhi", TL_E_HTTP_MALFORMED },
	{ "HTTP/1.1 200 OK\r\nContent-Length: 0x2\r\n\r\nhi", TL_E_HTTP_MALFORMED },
	{ "HTTP/1.1 200 OK\r\nContent-Length: 1 1\r\n\r\nhi", TL_E_HTTP_MALFORMED },
	{ "HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999999999x\r\n\r\n",
	  TL_E_HTTP_MALFORMED },
	{ "HTTP/1.1 200 OK\r\nContent-Length: 18446744073709551617\r\n\r\nhi", TL_E_HTTP_TOO_LARGE },
	{ "HTTP/1.1 200 OK\r\nContent-Length: 4194305\r\n\r\nhi", TL_E_HTTP_TOO_LARGE },
};

static void http1_parse_refuses_hostile_answers(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(hostile) / sizeof(hostile[0]); i++) {
		struct tl_http1_response r;
		bool complete = true;
		int err = parse(hostile[i].text, strlen(hostile[i].text), &r, &complete);
		if (err != hostile[i].err)
			fail_msg("case %zu: %s, wanted %s", i, tl_err_name(err),
				 tl_err_name(hostile[i].err));
		assert_false(complete);
		assert_int_equal(r.head_len, 0);
		assert_int_equal(r.status, 0);
	}
}

/* NUL is not the end of the text for the parser. */
static void http1_parse_refuses_nul_in_head(void **state)
{
	static const char with_nul[] = "HTTP/1.1 200 OK\r\nX-A: a\0b\r\n" CL "\r\nhi";
	static const char nul_reason[] = "HTTP/1.1 200 \0\r\n" CL "\r\nhi";
	struct tl_http1_response r;
	bool complete;
	(void)state;
	assert_int_equal(parse(with_nul, sizeof(with_nul) - 1, &r, &complete), TL_E_HTTP_MALFORMED);
	assert_int_equal(parse(nul_reason, sizeof(nul_reason) - 1, &r, &complete),
			 TL_E_HTTP_MALFORMED);
}

/* A head of exactly TL_HTTP1_MAX_HEAD bytes (with its blank line) passes; one more does not,
 * and neither does a head that has not ended by then. */
static void http1_parse_bounds_the_head(void **state)
{
	static const char start[] = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\nX-Pad: ";
	char *buf = malloc(TL_HTTP1_MAX_HEAD + 2);
	size_t pad = TL_HTTP1_MAX_HEAD - (sizeof(start) - 1) - 4;
	struct tl_http1_response r;
	bool complete;
	(void)state;
	assert_non_null(buf);
	memcpy(buf, start, sizeof(start) - 1);
	memset(&buf[sizeof(start) - 1], 'a', pad + 1);
	memcpy(&buf[sizeof(start) - 1 + pad], "\r\n\r\n", 4);
	assert_int_equal(parse(buf, TL_HTTP1_MAX_HEAD, &r, &complete), TL_OK);
	assert_true(complete);
	assert_int_equal(r.head_len, TL_HTTP1_MAX_HEAD);
	memset(&buf[sizeof(start) - 1], 'a', pad + 1);
	memcpy(&buf[sizeof(start) - 1 + pad + 1], "\r\n\r\n", 4);
	assert_int_equal(parse(buf, TL_HTTP1_MAX_HEAD - 1, &r, &complete), TL_OK);
	assert_false(complete);
	assert_int_equal(parse(buf, TL_HTTP1_MAX_HEAD, &r, &complete), TL_E_HTTP_TOO_LARGE);
	assert_int_equal(parse(buf, TL_HTTP1_MAX_HEAD + 1, &r, &complete), TL_E_HTTP_TOO_LARGE);
	free(buf);
}

static void http1_parse_takes_the_largest_body(void **state)
{
	static const char big[] = "HTTP/1.1 200 OK\r\nContent-Length: 4194304\r\n\r\n{";
	struct tl_http1_response r;
	bool complete = true;
	(void)state;
	assert_int_equal(parse(big, sizeof(big) - 1, &r, &complete), TL_OK);
	assert_false(complete);
	assert_int_equal(r.body_len, TL_HTTP1_MAX_BODY);
	assert_int_equal(r.head_len, sizeof(big) - 2);
}

static void http1_parse_rejects_bad_arguments(void **state)
{
	struct tl_http1_response r;
	bool complete;
	(void)state;
	assert_int_equal(tl_http1_parse(B(NULL, 5), &r, &complete), TL_E_ARG);
	assert_int_equal(tl_http1_parse(B("", 0), NULL, &complete), TL_E_ARG);
	assert_int_equal(tl_http1_parse(B("", 0), &r, NULL), TL_E_ARG);
	assert_int_equal(tl_http1_parse(B(NULL, 0), &r, &complete), TL_OK);
	assert_false(complete);
}

static void http1_request_writes_the_head(void **state)
{
	char out[512];
	size_t len = 0;
	static const char want[] = "POST /v1/attest HTTP/1.1\r\n"
				   "Host: trustlaunch\r\n"
				   "User-Agent: tl-agent\r\n"
				   "Accept: application/json\r\n"
				   "Content-Type: application/json\r\n"
				   "Content-Length: 1234\r\n"
				   "Authorization: Bearer tok-3f.9_A~+/=\r\n"
				   "\r\n";
	(void)state;
	assert_int_equal(tl_http1_request(out, sizeof(out), &len, "POST", "/v1/attest",
					  "trustlaunch", "tok-3f.9_A~+/=", 1234),
			 TL_OK);
	assert_int_equal(len, sizeof(want) - 1);
	assert_string_equal(out, want);
	assert_int_equal(tl_http1_request(out, sizeof(out), &len, "GET", "/healthz?x=1",
					  "127.0.0.1:8443", NULL, 0),
			 TL_OK);
	assert_string_equal(out, "GET /healthz?x=1 HTTP/1.1\r\nHost: 127.0.0.1:8443\r\n"
				 "User-Agent: tl-agent\r\nAccept: application/json\r\n"
				 "Content-Type: application/json\r\nContent-Length: 0\r\n\r\n");
	/* exactly enough room, with the NUL; one byte less is refused */
	assert_int_equal(tl_http1_request(out, sizeof(want), &len, "POST", "/v1/attest",
					  "trustlaunch", "tok-3f.9_A~+/=", 1234),
			 TL_OK);
	assert_int_equal(tl_http1_request(out, sizeof(want) - 1, &len, "POST", "/v1/attest",
					  "trustlaunch", "tok-3f.9_A~+/=", 1234),
			 TL_E_ARG);
}

static void http1_request_refuses_injection(void **state)
{
	static const char *methods[] = { "", "get", "G ET", "GET\r\nX-Injected: 1", "GET\t",
					 "HEAD", "CONNECT", "ABCDEFGHIJKLMNOPQ", "P\xc3\x96ST" };
	static const char *paths[] = { "", "v1", " /", "/a b", "/a\r\nX-Injected: 1", "/a\nb",
				       "/a\rb", "/a\tb", "/\x7f", "/\x80", "/\x01" };
	static const char *values[] = { "", "a b", "a\r\nX-Injected: 1", "a\n", "a\r", "\ta",
					"a\x7f", "caf\xc3\xa9", "a\x1b" };
	char out[512];
	size_t len = 77;
	(void)state;
	for (size_t i = 0; i < sizeof(methods) / sizeof(methods[0]); i++)
		assert_int_equal(tl_http1_request(out, sizeof(out), &len, methods[i], "/", "h",
						  NULL, 0),
				 TL_E_ARG);
	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++)
		assert_int_equal(tl_http1_request(out, sizeof(out), &len, "GET", paths[i], "h",
						  NULL, 0),
				 TL_E_ARG);
	for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
		assert_int_equal(tl_http1_request(out, sizeof(out), &len, "GET", "/", values[i],
						  NULL, 0),
				 TL_E_ARG);
		assert_int_equal(tl_http1_request(out, sizeof(out), &len, "GET", "/", "h",
						  values[i], 0),
				 TL_E_ARG);
	}
	assert_int_equal(tl_http1_request(out, sizeof(out), &len, NULL, "/", "h", NULL, 0),
			 TL_E_ARG);
	assert_int_equal(tl_http1_request(out, sizeof(out), &len, "GET", NULL, "h", NULL, 0),
			 TL_E_ARG);
	assert_int_equal(tl_http1_request(out, sizeof(out), &len, "GET", "/", NULL, NULL, 0),
			 TL_E_ARG);
	assert_int_equal(tl_http1_request(NULL, 0, &len, "GET", "/", "h", NULL, 0), TL_E_ARG);
	assert_int_equal(len, 77);
}

/* The relay: reads one request (head and Content-Length body), then plays its script. */
struct relay {
	int fd;
	const char *answer; /* NULL: stay silent */
	size_t answer_len;
	size_t chunk;      /* bytes per write */
	bool close_after;  /* close the stream after the answer */
	char request[4096];
	size_t request_len;
};

static size_t request_body_len(const char *head)
{
	const char *cl = strstr(head, "Content-Length: ");
	return cl ? strtoul(cl + 16, NULL, 10) : 0;
}

static void *relay_main(void *arg)
{
	struct relay *r = arg;
	struct timespec pause = { 0, 200000 };
	char *end = NULL;
	ssize_t n;

	while (r->request_len < sizeof(r->request) - 1) {
		r->request[r->request_len] = '\0';
		end = strstr(r->request, "\r\n\r\n");
		if (end && r->request_len >= (size_t)(end + 4 - r->request) +
						     request_body_len(r->request))
			break;
		n = read(r->fd, &r->request[r->request_len], sizeof(r->request) - 1 - r->request_len);
		if (n <= 0)
			break;
		r->request_len += (size_t)n;
	}
	r->request[r->request_len] = '\0';
	for (size_t off = 0; r->answer && off < r->answer_len;) {
		size_t k = r->answer_len - off < r->chunk ? r->answer_len - off : r->chunk;
		n = send(r->fd, &r->answer[off], k, MSG_NOSIGNAL);
		if (n <= 0)
			break;
		off += (size_t)n;
		nanosleep(&pause, NULL);
	}
	if (r->close_after)
		close(r->fd);
	return NULL;
}

struct run {
	int err, status;
	char *answer;
	size_t len;
	struct relay relay;
};

/* One exchange against a relay thread; stale bytes are in the pipe before it starts. */
static void exchange(struct run *x, const char *stale, size_t stale_len, int timeout_ms)
{
	int sv[2];
	pthread_t t;

	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	x->relay.fd = sv[1];
	if (stale_len)
		assert_int_equal(write(sv[1], stale, stale_len), (ssize_t)stale_len);
	assert_int_equal(pthread_create(&t, NULL, relay_main, &x->relay), 0);
	x->answer = NULL;
	x->err = tl_stream_exchange(sv[0], "POST", "/v1/attest", "tl", "secret", "{\"a\":1}", 7,
				    timeout_ms, &x->status, &x->answer, &x->len);
	assert_int_equal(fcntl(sv[0], F_GETFL) & O_NONBLOCK, 0); /* flags restored */
	shutdown(sv[0], SHUT_RDWR); /* wakes a relay still reading */
	assert_int_equal(pthread_join(t, NULL), 0);
	close(sv[0]);
	if (!x->relay.close_after)
		close(sv[1]);
}

static const char want_request[] = "POST /v1/attest HTTP/1.1\r\nHost: tl\r\n"
				   "User-Agent: tl-agent\r\nAccept: application/json\r\n"
				   "Content-Type: application/json\r\nContent-Length: 7\r\n"
				   "Authorization: Bearer secret\r\n\r\n{\"a\":1}";

static void stream_exchange_reads_an_answer_in_small_writes(void **state)
{
	struct run x = { .relay = { .answer = mhd_unauthorized, .chunk = 3 } };
	(void)state;
	x.relay.answer_len = strlen(mhd_unauthorized);
	exchange(&x, NULL, 0, 5000);
	assert_int_equal(x.err, TL_OK);
	assert_string_equal(x.relay.request, want_request);
	assert_int_equal(x.status, 401);
	assert_int_equal(x.len, 71);
	assert_string_equal(x.answer, strstr(mhd_unauthorized, "\r\n\r\n") + 4);
	free(x.answer);
}

/* The late answer of an earlier, timed-out exchange (larger than one drain read) waits in
 * the stream; it is dropped, and the answer to this request is taken. */
static void stream_exchange_drops_stale_bytes(void **state)
{
	struct run x = { .relay = { .answer = mhd_healthz, .chunk = 1000 } };
	size_t stale_len = 3 * 4096 + 17, one = strlen(mhd_unauthorized);
	char *stale = malloc(stale_len);
	(void)state;
	assert_non_null(stale);
	for (size_t off = 0; off < stale_len; off += one)
		memcpy(&stale[off], mhd_unauthorized, stale_len - off < one ? stale_len - off : one);
	x.relay.answer_len = strlen(mhd_healthz);
	exchange(&x, stale, stale_len, 5000);
	assert_int_equal(x.err, TL_OK);
	assert_int_equal(x.status, 200);
	assert_string_equal(x.answer, "{\"status\":\"ok\",\"schema\":13}");
	assert_string_equal(x.relay.request, want_request);
	free(x.answer);
	free(stale);
}

static void stream_exchange_reads_a_large_answer(void **state)
{
	size_t body = 3u * 1024u * 1024u + 5u;
	char *ans = malloc(body + 128);
	struct run x = { .relay = { .answer = ans, .chunk = 65536 } };
	int head;
	(void)state;
	assert_non_null(ans);
	head = snprintf(ans, 128, "HTTP/1.1 200 OK\r\nContent-Length: %zu\r\n\r\n", body);
	memset(&ans[head], 'x', body);
	memcpy(&ans[(size_t)head + body], "HTTP/1.1", 8); /* not part of the answer */
	x.relay.answer_len = (size_t)head + body + 8;
	exchange(&x, NULL, 0, 20000);
	assert_int_equal(x.err, TL_OK);
	assert_int_equal(x.len, body);
	assert_int_equal(strlen(x.answer), body);
	free(x.answer);
	free(ans);
}

static void stream_exchange_reports_a_closed_relay(void **state)
{
	struct run x = { .relay = { .answer = mhd_healthz, .chunk = 7, .close_after = true } };
	struct run y = { .relay = { .answer = NULL, .close_after = true } };
	(void)state;
	x.relay.answer_len = strlen(mhd_healthz) - 1; /* the last byte of the body never comes */
	exchange(&x, NULL, 0, 5000);
	assert_int_equal(x.err, TL_E_HTTP_CLOSED);
	assert_null(x.answer);
	exchange(&y, NULL, 0, 5000);
	assert_int_equal(y.err, TL_E_HTTP_CLOSED);
}

static int64_t ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void stream_exchange_times_out_on_a_silent_relay(void **state)
{
	struct run x = { .relay = { .answer = NULL } };
	struct run y = { .relay = { .answer = mhd_healthz, .chunk = 20 } };
	int64_t t0 = ms(), took;
	(void)state;
	exchange(&x, NULL, 0, 200);
	took = ms() - t0;
	assert_int_equal(x.err, TL_E_HTTP_TIMEOUT);
	assert_null(x.answer);
	assert_true(took >= 200 && took < 2000);
	y.relay.answer_len = 40; /* part of the head, then silence */
	exchange(&y, NULL, 0, 200);
	assert_int_equal(y.err, TL_E_HTTP_TIMEOUT);
}

static void stream_exchange_refuses_hostile_answers(void **state)
{
	static const char big[] = "HTTP/1.1 200 OK\r\nContent-Length: 4194305\r\n\r\n";
	static const char chunked[] = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n";
	struct run x = { .relay = { .answer = big, .answer_len = sizeof(big) - 1, .chunk = 9 } };
	struct run y = { .relay = { .answer = chunked, .answer_len = sizeof(chunked) - 1,
				    .chunk = 64 } };
	(void)state;
	exchange(&x, NULL, 0, 5000);
	assert_int_equal(x.err, TL_E_HTTP_TOO_LARGE);
	exchange(&y, NULL, 0, 5000);
	assert_int_equal(y.err, TL_E_HTTP_UNSUPPORTED);
	assert_null(y.answer);
}

static void stream_exchange_rejects_bad_arguments(void **state)
{
	int status = 7;
	char *answer = NULL;
	size_t len = 7;
	int sv[2];
	(void)state;
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	assert_int_equal(tl_stream_exchange(sv[0], "GET", "/a b", "h", NULL, NULL, 0, 100, &status,
					    &answer, &len),
			 TL_E_ARG);
	assert_int_equal(tl_stream_exchange(sv[0], "GET", "/", "h", NULL, NULL, 5, 100, &status,
					    &answer, &len),
			 TL_E_ARG);
	assert_int_equal(tl_stream_exchange(sv[0], "GET", "/", "h", NULL, NULL, 0, 0, &status,
					    &answer, &len),
			 TL_E_ARG);
	assert_int_equal(tl_stream_exchange(-1, "GET", "/", "h", NULL, NULL, 0, 100, &status,
					    &answer, &len),
			 TL_E_ARG);
	assert_int_equal(status, 7);
	assert_null(answer);
	assert_int_equal(len, 7);
	close(sv[0]);
	close(sv[1]);
}

/* A unix socket path is connected, a character device opened; an exchange on /dev/null
 * meets the end of the stream at once. */
static void stream_open_takes_sockets_and_devices(void **state)
{
	char dir[] = "/tmp/tl-http1-XXXXXX", path[64], file[64];
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int lfd, fd = -1, status;
	char *answer = NULL;
	size_t len;
	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/port", dir);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	lfd = socket(AF_UNIX, SOCK_STREAM, 0);
	assert_true(lfd >= 0);
	assert_int_equal(bind(lfd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(listen(lfd, 1), 0);
	assert_int_equal(tl_stream_open(path, &fd), TL_OK);
	assert_true((fcntl(fd, F_GETFD) & FD_CLOEXEC) != 0);
	close(fd);
	assert_int_equal(tl_stream_open("/dev/null", &fd), TL_OK);
	assert_int_equal(tl_stream_exchange(fd, "GET", "/", "h", NULL, NULL, 0, 1000, &status,
					    &answer, &len),
			 TL_E_HTTP_CLOSED);
	close(fd);
	snprintf(file, sizeof(file), "%s/file", dir);
	close(open(file, O_CREAT | O_WRONLY, 0600));
	assert_int_equal(tl_stream_open(file, &fd), TL_E_ARG);
	assert_int_equal(tl_stream_open(dir, &fd), TL_E_ARG);
	assert_int_equal(tl_stream_open("/nonexistent/port", &fd), TL_E_IO);
	close(lfd);
	unlink(path);
	unlink(file);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(http1_parse_reads_microhttpd_answers),
		cmocka_unit_test(http1_parse_completes_only_at_the_end),
		cmocka_unit_test(http1_parse_ignores_bytes_after_the_answer),
		cmocka_unit_test(http1_parse_accepts_what_rfc9112_allows),
		cmocka_unit_test(http1_parse_refuses_hostile_answers),
		cmocka_unit_test(http1_parse_refuses_nul_in_head),
		cmocka_unit_test(http1_parse_bounds_the_head),
		cmocka_unit_test(http1_parse_takes_the_largest_body),
		cmocka_unit_test(http1_parse_rejects_bad_arguments),
		cmocka_unit_test(http1_request_writes_the_head),
		cmocka_unit_test(http1_request_refuses_injection),
		cmocka_unit_test(stream_exchange_reads_an_answer_in_small_writes),
		cmocka_unit_test(stream_exchange_drops_stale_bytes),
		cmocka_unit_test(stream_exchange_reads_a_large_answer),
		cmocka_unit_test(stream_exchange_reports_a_closed_relay),
		cmocka_unit_test(stream_exchange_times_out_on_a_silent_relay),
		cmocka_unit_test(stream_exchange_refuses_hostile_answers),
		cmocka_unit_test(stream_exchange_rejects_bad_arguments),
		cmocka_unit_test(stream_open_takes_sockets_and_devices),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
