/* The relay of one VM's agent channel (docs/hostd.md): QEMU listens on the VM's agent.sock,
 * this thread connects, reads the guest's requests through the strict parser
 * (trustlaunch/relay.h), and for each one of the agent's endpoints of this VM's own id sends
 * a request rebuilt from the typed result to trustlaunchd, and the status and body of its
 * answer back. Anything else gets its error on the channel and a log line. Each VM has its
 * own thread and budget, so a guest that floods its channel only waits for itself. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>
#include <curl/curl.h>

#include "hostd.h"
#include "log.h"
#include "trustlaunch/wire.h"

#define CHUNK 65536u
#define BUF_MAX ((size_t)TL_RELAY_MAX_HEAD + TL_WIRE_MAX_BODY)
#define QUIET_MS 100     /* after a refusal: bytes are dropped until the line is this quiet */
#define UPSTREAM_MS 30000

struct chan {
	struct hvm *v;
	void *curl;            /* this VM's handle to trustlaunchd: its connection is kept */
	int fd;
	uint8_t *buf;
	size_t len, cap;
	int64_t window_start;  /* the budget's window */
	unsigned requests;
	size_t bytes;
};

static int connect_sock(const char *path)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	int fd;
	if (strlen(path) >= sizeof(a.sun_path))
		return -1;
	memcpy(a.sun_path, path, strlen(path) + 1);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&a, sizeof(a)) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static int write_all(int fd, const void *p, size_t n)
{
	const uint8_t *b = p;
	while (n > 0) {
		ssize_t w = send(fd, b, n, MSG_NOSIGNAL);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return TL_E_IO;
		b += w;
		n -= (size_t)w;
	}
	return TL_OK;
}

/* An answer on the channel: the status and the body, framed by Content-Length. */
static int answer(struct chan *c, long status, const char *body, size_t len)
{
	char head[160];
	int n = snprintf(head, sizeof(head),
			 "HTTP/1.1 %ld %s\r\nContent-Type: application/json\r\n"
			 "Content-Length: %zu\r\n\r\n",
			 status, status < 400 ? "OK" : "Refused", len);
	if (write_all(c->fd, head, (size_t)n) != TL_OK)
		return TL_E_IO;
	return len ? write_all(c->fd, body, len) : TL_OK;
}

static long refusal_status(int err)
{
	switch (err) {
	case TL_E_RELAY_METHOD:
	case TL_E_RELAY_ENDPOINT:
	case TL_E_RELAY_OTHER_VM: return 403;
	case TL_E_HTTP_TOO_LARGE: return 413;
	case TL_E_RELAY_BUDGET: return 429;
	default: return 400;
	}
}

/* The error on the channel, a log line, and the stream resynchronised: what is buffered is
 * dropped, and so is what follows until the line is quiet. */
static void refuse(struct chan *c, int err)
{
	char body[512];
	int n = snprintf(body, sizeof(body), "{\"error\":{\"code\":\"%s\",\"message\":\"%s\"}}",
			 tl_err_name(err), tl_err_msg(err)); /* our names and sentences: no quotes */
	const char *kv[] = { "vm", c->v->dom.uuid, "domain", c->v->dom.name, "error",
			     tl_err_name(err) };
	tl_log_kv("warn", "guest request refused", kv, 3);
	atomic_fetch_add(&c->v->refused, 1);
	if (n > 0 && (size_t)n < sizeof(body))
		(void)answer(c, refusal_status(err), body, (size_t)n);
	c->len = 0;
	for (;;) {
		struct pollfd p = { .fd = c->fd, .events = POLLIN };
		uint8_t junk[4096];
		if (atomic_load(&c->v->stop))
			return;
		if (poll(&p, 1, QUIET_MS) <= 0 || read(c->fd, junk, sizeof(junk)) <= 0)
			return;
	}
}

/* The per-VM budget: requests and bytes within the window. */
static bool within_budget(struct chan *c, size_t bytes)
{
	const struct hostd_opts *o = c->v->opts;
	int64_t now = hostd_now_ms();
	if (now - c->window_start >= o->budget_window_ms) {
		c->window_start = now;
		c->requests = 0;
		c->bytes = 0;
	}
	c->requests++;
	c->bytes += bytes;
	return c->requests <= o->budget_requests && c->bytes <= o->budget_bytes;
}

/* One complete request: relayed, the service's answer written back. */
static int relay_one(struct chan *c, const struct tl_relay_req *req)
{
	char path[160], bearer[TL_RELAY_MAX_AUTH + 1], *ans = NULL;
	size_t alen = 0;
	long status = 0;
	int err;
	if (tl_relay_path(req, c->v->dom.uuid, path, sizeof(path)) != TL_OK)
		return TL_E_RELAY_ENDPOINT;
	snprintf(bearer, sizeof(bearer), "%s", req->auth);
	atomic_store(&c->v->contact, true);
	err = hostd_http(c->curl, c->v->opts->server, "POST", path, req->auth[0] ? bearer : NULL,
			 c->buf + req->head_len, req->body_len, UPSTREAM_MS, &status, &ans, &alen);
	if (err != TL_OK) {
		static const char gone[] = "{\"error\":{\"code\":\"relay.upstream\",\"message\":"
					   "\"the service did not answer the relay\"}}";
		free(ans);
		return answer(c, 502, gone, sizeof(gone) - 1);
	}
	atomic_fetch_add(&c->v->relayed, 1);
	err = answer(c, status, ans, alen);
	free(ans);
	return err;
}

/* Room for CHUNK more bytes, never past BUF_MAX. */
static bool grow(struct chan *c)
{
	size_t want = c->len + CHUNK, cap = c->cap ? c->cap : CHUNK;
	uint8_t *nb;
	if (want > BUF_MAX)
		want = BUF_MAX;
	if (c->cap >= want)
		return c->cap > c->len;
	while (cap < want)
		cap *= 2;
	if (cap > BUF_MAX)
		cap = BUF_MAX;
	if (!(nb = realloc(c->buf, cap)))
		return false;
	c->buf = nb;
	c->cap = cap;
	return c->cap > c->len;
}

/* The requests complete in the buffer, in order. TL_E_IO: the channel is gone. */
static int drain_requests(struct chan *c)
{
	struct tl_relay_req req;
	bool complete = false;
	int err;
	while (c->len > 0) {
		err = tl_relay_parse((struct tl_bytes){ c->buf, c->len }, c->v->dom.uuid, &req,
				     &complete);
		if (err != TL_OK) {
			refuse(c, err);
			return TL_OK;
		}
		if (!complete)
			return TL_OK;
		if (!within_budget(c, req.head_len + req.body_len)) {
			refuse(c, TL_E_RELAY_BUDGET);
			return TL_OK;
		}
		if ((err = relay_one(c, &req)) == TL_E_IO)
			return err;
		if (err != TL_OK) {
			refuse(c, err);
			return TL_OK;
		}
		c->len -= req.head_len + req.body_len;
		memmove(c->buf, c->buf + req.head_len + req.body_len, c->len);
	}
	return TL_OK;
}

/* One connection to the channel, until it closes or the VM stops. */
static void serve(struct chan *c)
{
	while (!atomic_load(&c->v->stop)) {
		struct pollfd p = { .fd = c->fd, .events = POLLIN };
		ssize_t n;
		int r = poll(&p, 1, 500);
		if (r < 0 && errno != EINTR)
			return;
		if (r <= 0)
			continue;
		if (!grow(c)) {
			refuse(c, TL_E_HTTP_TOO_LARGE);
			continue;
		}
		n = read(c->fd, c->buf + c->len, c->cap - c->len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		c->len += (size_t)n;
		if (drain_requests(c) != TL_OK)
			return;
	}
}

static void *run(void *arg)
{
	struct hvm *v = arg;
	struct chan c = { v, curl_easy_init(), -1, NULL, 0, 0, hostd_now_ms(), 0, 0 };
	bool said = false;
	while (!atomic_load(&v->stop)) {
		if ((c.fd = connect_sock(v->dom.agent_sock)) < 0) {
			nanosleep(&(struct timespec){ 0, 200 * 1000 * 1000 }, NULL); /* QEMU not there yet */
			continue;
		}
		if (!said) {
			const char *kv[] = { "vm", v->dom.uuid, "domain", v->dom.name, "socket",
					     v->dom.agent_sock };
			tl_log_kv("info", "relaying the agent channel", kv, 3);
			said = true;
		}
		c.len = 0;
		serve(&c);
		close(c.fd);
		c.fd = -1;
	}
	free(c.buf);
	curl_easy_cleanup(c.curl);
	return NULL;
}

int hostd_relay_start(struct hvm *v)
{
	if (v->thread_on || !v->dom.agent_sock[0])
		return TL_OK;
	atomic_store(&v->stop, false);
	if (pthread_create(&v->thread, NULL, run, v) != 0)
		return TL_E_NOMEM;
	v->thread_on = true;
	return TL_OK;
}

void hostd_relay_stop(struct hvm *v)
{
	if (!v->thread_on)
		return;
	atomic_store(&v->stop, true);
	pthread_join(v->thread, NULL);
	v->thread_on = false;
}
