/* One HTTP exchange over a byte stream: the agent's side of a virtio-serial port (or of a
 * unix socket in tests). A serial line has no connections: answers are told apart only by
 * order, so stale bytes are dropped before each request, and the answer is framed by its
 * Content-Length (http1.c). Everything is bounded by one deadline. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "http1.h"

#define DRAIN_CHUNK 4096u
#define FIRST_CAP 4096u
#define ANSWER_MAX ((size_t)TL_HTTP1_MAX_HEAD + TL_HTTP1_MAX_BODY)

struct conn {
	int fd;
	bool sock;   /* send() with MSG_NOSIGNAL: a closed peer must not raise SIGPIPE */
	int64_t end; /* CLOCK_MONOTONIC, ms */
};

/* The answer's bytes so far: untrusted, looked at only through http1.c and the reader. */
struct inbuf {
	uint8_t *buf;
	size_t len, cap;
};

static int64_t now_ms(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0)
		return INT64_MAX; /* cannot tell the time: behave as if the deadline passed */
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int sys_err(int e)
{
	return e == EPIPE || e == ECONNRESET ? TL_E_HTTP_CLOSED : TL_E_IO;
}

/* Waits until fd is ready for events or the deadline passes. */
static int wait_fd(const struct conn *c, short events)
{
	struct pollfd p = { .fd = c->fd, .events = events, .revents = 0 };

	for (;;) {
		int64_t left = c->end - now_ms();
		int r;

		if (left <= 0)
			return TL_E_HTTP_TIMEOUT;
		r = poll(&p, 1, left > INT_MAX ? INT_MAX : (int)left);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return TL_E_IO;
		if (r == 0)
			continue;
		if (p.revents & events)
			return TL_OK;
		/* virtio-serial: POLLHUP while the host side is not connected */
		return (p.revents & POLLHUP) ? TL_E_HTTP_CLOSED : TL_E_IO;
	}
}

/* Drops whatever is readable now. End of stream here means the relay is gone. */
static int drain(const struct conn *c)
{
	uint8_t junk[DRAIN_CHUNK];

	for (;;) {
		ssize_t n = read(c->fd, junk, sizeof(junk));

		if (n == 0)
			return TL_E_HTTP_CLOSED;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return TL_OK;
		if (n < 0 && errno != EINTR)
			return sys_err(errno);
		if (now_ms() >= c->end) /* a relay that never stops talking */
			return TL_E_HTTP_TIMEOUT;
	}
}

static int write_all(const struct conn *c, const char *buf, size_t len)
{
	size_t off = 0;

	while (off < len) {
		ssize_t n = c->sock ? send(c->fd, &buf[off], len - off, MSG_NOSIGNAL)
				    : write(c->fd, &buf[off], len - off);
		int err;

		if (n > 0) {
			off += (size_t)n;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK)
			return sys_err(errno);
		if ((err = wait_fd(c, POLLOUT)) != TL_OK)
			return err;
	}
	return TL_OK;
}

/* Room for at least one more byte, doubling, never past max. */
static int grow(struct inbuf *in, size_t max)
{
	size_t cap = in->cap ? in->cap : FIRST_CAP;
	uint8_t *p;

	while (cap <= in->len && cap < max)
		cap = cap > max / 2 ? max : cap * 2;
	if (cap > max)
		cap = max;
	if (cap <= in->len)
		return TL_E_HTTP_TOO_LARGE;
	if (cap == in->cap)
		return TL_OK;
	p = realloc(in->buf, cap);
	if (!p)
		return TL_E_NOMEM;
	in->buf = p;
	in->cap = cap;
	return TL_OK;
}

/* After new bytes: is the answer in? The head is parsed until it is known, then only the
 * body's length is counted. */
static int check(const struct inbuf *in, struct tl_http1_response *res, bool *complete)
{
	struct tl_bytes have = { in->buf, in->len };

	if (res->head_len == 0)
		return tl_http1_parse(have, res, complete);
	*complete = in->len - res->head_len >= res->body_len;
	return TL_OK;
}

/* One read from the non-blocking fd, waiting for it within the deadline. */
static int fd_read(void *ctx, uint8_t *buf, size_t n, size_t *got)
{
	const struct conn *c = ctx;
	int err;

	for (;;) {
		ssize_t r = read(c->fd, buf, n);
		if (r > 0) {
			*got = (size_t)r;
			return TL_OK;
		}
		if (r == 0)
			return TL_E_HTTP_CLOSED;
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN && errno != EWOULDBLOCK)
			return sys_err(errno);
		if ((err = wait_fd(c, POLLIN)) != TL_OK)
			return err;
	}
}

static int read_answer(tl_http1_read_fn rd, void *ctx, struct inbuf *in,
		       struct tl_http1_response *res)
{
	bool complete = false;
	int err;

	for (;;) {
		/* once the head is known, read no byte past the answer */
		size_t goal = res->head_len ? res->head_len + res->body_len : ANSWER_MAX, n = 0;

		if (in->len == in->cap && (err = grow(in, goal)) != TL_OK)
			return err;
		if ((err = rd(ctx, &in->buf[in->len], (in->cap < goal ? in->cap : goal) - in->len,
			      &n)) != TL_OK)
			return err;
		in->len += n;
		if ((err = check(in, res, &complete)) != TL_OK || complete)
			return err;
	}
}

/* The body, copied out through the reader and NUL-terminated. */
static int take_body(const struct inbuf *in, const struct tl_http1_response *res, char **out)
{
	struct tl_rd rd;
	char *body = malloc(res->body_len + 1);

	if (!body)
		return TL_E_NOMEM;
	tl_rd_init(&rd, in->buf, in->len);
	if (tl_rd_skip(&rd, res->head_len) != TL_OK ||
	    tl_rd_copy(&rd, body, res->body_len) != TL_OK) {
		free(body);
		return TL_E_HTTP_MALFORMED;
	}
	body[res->body_len] = '\0';
	*out = body;
	return TL_OK;
}

int tl_http1_receive(tl_http1_read_fn rd, void *ctx, int *status, char **answer,
		     size_t *answer_len)
{
	struct inbuf in = { NULL, 0, 0 };
	struct tl_http1_response res = { 0, 0, 0 };
	char *got = NULL;
	int err = read_answer(rd, ctx, &in, &res);

	if (err == TL_OK && (err = take_body(&in, &res, &got)) == TL_OK) {
		*status = res.status;
		*answer = got;
		*answer_len = res.body_len;
	}
	free(in.buf);
	return err;
}

/* Drain, request, answer: the exchange proper, on a non-blocking fd. */
static int run(const struct conn *c, const char *head, size_t head_len, const char *body,
	       size_t body_len, int *status, char **answer, size_t *answer_len)
{
	int err;

	if ((err = drain(c)) != TL_OK || (err = write_all(c, head, head_len)) != TL_OK ||
	    (err = write_all(c, body, body_len)) != TL_OK)
		return err;
	return tl_http1_receive(fd_read, (void *)c, status, answer, answer_len);
}

int tl_stream_exchange(int fd, const char *method, const char *path, const char *host,
		       const char *bearer, const char *body, size_t body_len, int timeout_ms,
		       int *status, char **answer, size_t *answer_len)
{
	char head[TL_HTTP1_MAX_REQUEST_HEAD];
	struct conn c = { fd, false, 0 };
	struct stat st;
	size_t head_len;
	int flags, err;

	if (fd < 0 || timeout_ms <= 0 || (body_len > 0 && !body) || !status || !answer ||
	    !answer_len)
		return TL_E_ARG;
	err = tl_http1_request(head, sizeof(head), &head_len, method, path, host, bearer,
			       body_len);
	if (err != TL_OK)
		return err;
	if (fstat(fd, &st) != 0 || (flags = fcntl(fd, F_GETFL)) < 0 ||
	    fcntl(fd, F_SETFL, flags | O_NONBLOCK) != 0)
		return TL_E_IO;
	c.sock = S_ISSOCK(st.st_mode);
	c.end = now_ms();
	c.end = c.end > INT64_MAX - timeout_ms ? INT64_MAX : c.end + timeout_ms;
	err = run(&c, head, head_len, body, body_len, status, answer, answer_len);
	if (fcntl(fd, F_SETFL, flags) != 0 && err == TL_OK) {
		free(*answer);
		*answer = NULL;
		err = TL_E_IO;
	}
	return err;
}

static int open_socket(const char *path, int *out)
{
	struct sockaddr_un sa;
	int fd, err = TL_E_IO;

	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sa.sun_path))
		return TL_E_ARG;
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (fd < 0)
		return TL_E_IO;
	if (fcntl(fd, F_SETFD, FD_CLOEXEC) != 0 ||
	    connect(fd, (const struct sockaddr *)&sa, sizeof(sa)) != 0)
		goto out;
	*out = fd;
	fd = -1;
	err = TL_OK;
out:
	if (fd >= 0)
		close(fd);
	return err;
}

static int open_device(const char *path, int *out)
{
	struct stat st;
	int fd = open(path, O_RDWR | O_NOCTTY | O_CLOEXEC);

	if (fd < 0)
		return TL_E_IO;
	if (fstat(fd, &st) != 0 || !S_ISCHR(st.st_mode)) { /* replaced since stat() */
		close(fd);
		return TL_E_ARG;
	}
	*out = fd;
	return TL_OK;
}

int tl_stream_open(const char *path, int *fd)
{
	struct stat st;

	if (!path || !fd)
		return TL_E_ARG;
	if (stat(path, &st) != 0)
		return TL_E_IO;
	if (S_ISSOCK(st.st_mode))
		return open_socket(path, fd);
	if (S_ISCHR(st.st_mode))
		return open_device(path, fd);
	return TL_E_ARG;
}
