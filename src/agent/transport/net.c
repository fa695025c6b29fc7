/* HTTP/1.1 to the service over TCP, with TLS (OpenSSL) for https: the same request writer and
 * bounded answer reader as the virtio-serial transport (http1.c, stream.c), so that one HTTP
 * code path, fuzzed once, serves both. Why not libcurl: Debian's libcurl pulls in some thirty
 * shared libraries (GnuTLS, Kerberos, LDAP, SSH, RTMP...) that cost the agent 4.3 MiB of
 * resident memory before its first request (docs/agent.md, "Memory"). The certificate is
 * checked against --cacert (or the system's CAs) and the URL's host name or address. */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "http1.h"
#include "net.h"

struct link {
	int fd;
	SSL *ssl;
	struct timespec end;
};

static int left_ms(const struct link *l)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	long long ms = (long long)(l->end.tv_sec - now.tv_sec) * 1000 +
		       (l->end.tv_nsec - now.tv_nsec) / 1000000;
	return ms <= 0 ? 0 : ms > 600000 ? 600000 : (int)ms;
}

/* Splits http(s)://HOST[:PORT][/] (HOST may be [v6]). */
static int parse_url(const char *url, struct tl_net_url *u)
{
	const char *p, *end;

	memset(u, 0, sizeof *u);
	if (strncmp(url, "https://", 8) == 0) {
		u->tls = true;
		p = url + 8;
	} else if (strncmp(url, "http://", 7) == 0) {
		p = url + 7;
	} else {
		return TL_E_ARG;
	}
	if (*p == '[') {
		if (!(end = strchr(p, ']')) || (size_t)(end - p - 1) >= sizeof u->host)
			return TL_E_ARG;
		snprintf(u->host, sizeof u->host, "%.*s", (int)(end - p - 1), p + 1);
		end++;
	} else {
		end = p + strcspn(p, ":/");
		if ((size_t)(end - p) >= sizeof u->host)
			return TL_E_ARG;
		snprintf(u->host, sizeof u->host, "%.*s", (int)(end - p), p);
	}
	snprintf(u->port, sizeof u->port, "%s", u->tls ? "443" : "80");
	if (*end == ':') {
		size_t n = strspn(end + 1, "0123456789");
		if (n == 0 || n > 5)
			return TL_E_ARG;
		snprintf(u->port, sizeof u->port, "%.*s", (int)n, end + 1);
		end += 1 + n;
	}
	if (!u->host[0] || (*end && strcmp(end, "/") != 0) || (size_t)(end - url) >= 400)
		return TL_E_ARG;
	snprintf(u->authority, sizeof u->authority, "%.*s", (int)(end - p), p);
	return TL_OK;
}

/* Plain http only to this machine: over a network the enrollment token and the activated
 * secret would travel in clear text. */
static bool loopback(const char *host)
{
	return strcmp(host, "localhost") == 0 || strcmp(host, "::1") == 0 ||
	       strncmp(host, "127.", 4) == 0;
}

/* A TCP connection within the deadline (non-blocking connect), then blocking with
 * send/receive timeouts. */
static int dial(const struct tl_net_url *u, struct link *l, char why[static TL_NET_WHY])
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *res = NULL;
	int rc = getaddrinfo(u->host, u->port, &hints, &res), e = 0;

	if (rc != 0) {
		snprintf(why, TL_NET_WHY, "%s: %s", u->host, gai_strerror(rc));
		return TL_E_IO;
	}
	for (struct addrinfo *a = res; a && l->fd < 0; a = a->ai_next) {
		int fd = socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
		if (fd < 0)
			continue;
		e = 0;
		if (connect(fd, a->ai_addr, a->ai_addrlen) != 0) {
			struct pollfd p = { .fd = fd, .events = POLLOUT };
			socklen_t len = sizeof e;
			e = errno;
			if (e == EINPROGRESS && (poll(&p, 1, left_ms(l)) != 1 ||
						 getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &len) != 0))
				e = ETIMEDOUT;
			else if (e == EINPROGRESS && len != sizeof e)
				e = EIO;
		}
		if (e == 0)
			l->fd = fd;
		else
			close(fd);
	}
	freeaddrinfo(res);
	if (l->fd < 0) {
		snprintf(why, TL_NET_WHY, "cannot connect to %s port %s: %s", u->host, u->port,
			 strerror(e ? e : ECONNREFUSED));
		return TL_E_IO;
	}
	return TL_OK; /* non-blocking: every wait is a poll() against the one deadline */
}

/* Waits until the socket can be read (or written), within the deadline. */
static int wait_io(const struct link *l, bool out)
{
	struct pollfd p = { .fd = l->fd, .events = out ? POLLOUT : POLLIN };

	for (;;) {
		int ms = left_ms(l);
		if (ms == 0)
			return TL_E_HTTP_TIMEOUT;
		int r = poll(&p, 1, ms);
		if (r > 0)
			return TL_OK;
		if (r == 0)
			return TL_E_HTTP_TIMEOUT;
		if (errno != EINTR)
			return TL_E_IO;
	}
}

/* After an SSL call returned r: wait as OpenSSL asks (TL_OK: call again), or the error. */
static int ssl_wait(const struct link *l, int r)
{
	int e = SSL_get_error(l->ssl, r);

	if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE)
		return wait_io(l, e == SSL_ERROR_WANT_WRITE);
	return TL_E_HTTP_CLOSED; /* closed, reset, or a TLS alert: the connection is gone */
}

static int tls_fail(char why[static TL_NET_WHY], const char *what, const SSL *ssl)
{
	unsigned long e = ERR_get_error();
	long v = ssl ? SSL_get_verify_result(ssl) : X509_V_OK;

	if (v != X509_V_OK)
		snprintf(why, TL_NET_WHY, "%s: the service's certificate is not trusted: %s", what,
			 X509_verify_cert_error_string(v));
	else
		snprintf(why, TL_NET_WHY, "%s: %s", what,
			 e ? ERR_reason_error_string(e) : "the connection ended");
	ERR_clear_error();
	return TL_E_IO;
}

/* TLS 1.2+ with the certificate checked against cacert (or the system's CAs) and the host. */
static int handshake(const struct tl_net_url *u, const char *cacert, struct link *l,
		     SSL_CTX **ctxp, char why[static TL_NET_WHY])
{
	SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
	unsigned char ip[16];
	bool literal = inet_pton(AF_INET, u->host, ip) == 1 || inet_pton(AF_INET6, u->host, ip) == 1;

	*ctxp = ctx;
	if (!ctx || !SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION))
		return tls_fail(why, "TLS", NULL);
	SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
	if (cacert ? SSL_CTX_load_verify_locations(ctx, cacert, NULL) != 1
		   : SSL_CTX_set_default_verify_paths(ctx) != 1) {
		snprintf(why, TL_NET_WHY, "%s: no CA certificates could be read from it",
			 cacert ? cacert : "the system's CA store");
		ERR_clear_error();
		return TL_E_IO;
	}
	if (!(l->ssl = SSL_new(ctx)) || SSL_set_fd(l->ssl, l->fd) != 1)
		return tls_fail(why, "TLS", NULL);
	/* the name (with SNI) or the address must be the certificate's; fail closed */
	if (literal ? X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(l->ssl), u->host) != 1
		    : SSL_set_tlsext_host_name(l->ssl, u->host) != 1 ||
			      SSL_set1_host(l->ssl, u->host) != 1)
		return tls_fail(why, "TLS host check", NULL);
	for (;;) {
		int r = SSL_connect(l->ssl), err;
		if (r == 1)
			return TL_OK;
		if ((err = ssl_wait(l, r)) == TL_E_HTTP_TIMEOUT) {
			snprintf(why, TL_NET_WHY, "%s: the TLS handshake timed out", u->authority);
			return err;
		}
		if (err != TL_OK)
			return tls_fail(why, u->authority, l->ssl);
	}
}

/* TLS only: plain TCP goes through the stream transport's exchange (stream.c). */
static int send_all(struct link *l, const char *buf, size_t len)
{
	int err;

	while (len > 0) {
		size_t n = 0;
		int r = SSL_write_ex(l->ssl, buf, len, &n);
		if (r != 1) {
			if ((err = ssl_wait(l, r)) != TL_OK)
				return err;
			continue;
		}
		buf += n;
		len -= n;
	}
	return TL_OK;
}

static int link_read(void *ctx, uint8_t *buf, size_t n, size_t *got)
{
	struct link *l = ctx;
	int err;

	for (;;) {
		int r = SSL_read_ex(l->ssl, buf, n, got);
		if (r == 1)
			return TL_OK;
		if ((err = ssl_wait(l, r)) != TL_OK)
			return err;
	}
}

/* Over TLS: the request written, the answer read through the shared bounded reader. */
static int tls_exchange(struct link *l, const char *head, size_t head_len, const char *body,
			size_t body_len, int *status, char **answer, size_t *answer_len)
{
	int err = send_all(l, head, head_len);

	if (err == TL_OK)
		err = send_all(l, body ? body : "", body_len);
	return err == TL_OK ? tl_http1_receive(link_read, l, status, answer, answer_len) : err;
}

int tl_net_exchange(const char *url, const char *cacert, const char *method, const char *path,
		    const char *bearer, const char *body, size_t body_len, int timeout_ms,
		    int *status, char **answer, size_t *answer_len, char why[static TL_NET_WHY])
{
	char head[TL_HTTP1_MAX_REQUEST_HEAD];
	struct tl_net_url u;
	struct link l = { .fd = -1 };
	SSL_CTX *ctx = NULL;
	size_t head_len;
	int err;

	*answer = NULL;
	if (parse_url(url, &u) != TL_OK) {
		snprintf(why, TL_NET_WHY, "the service URL must be http(s)://HOST[:PORT]");
		return TL_E_ARG;
	}
	if (!u.tls && !loopback(u.host)) {
		snprintf(why, TL_NET_WHY, "http:// is only for this machine (loopback): the "
			 "enrollment token and credentials must not cross a network in clear text; "
			 "use https:// with --cacert");
		return TL_E_ARG;
	}
	if ((err = tl_http1_request(head, sizeof head, &head_len, method, path, u.authority, bearer,
				    body_len)) != TL_OK) {
		snprintf(why, TL_NET_WHY, "%s %s: not a request that can be written", method, path);
		return err;
	}
	clock_gettime(CLOCK_MONOTONIC, &l.end);
	l.end.tv_sec += timeout_ms / 1000;
	l.end.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
	if (l.end.tv_nsec >= 1000000000L) {
		l.end.tv_sec++;
		l.end.tv_nsec -= 1000000000L;
	}
	if ((err = dial(&u, &l, why)) == TL_OK && (!u.tls || (err = handshake(&u, cacert, &l, &ctx,
								       why)) == TL_OK)) {
		int ms = left_ms(&l);
		err = u.tls ? tls_exchange(&l, head, head_len, body, body_len, status, answer,
					   answer_len)
			    : tl_stream_exchange(l.fd, method, path, u.authority, bearer, body,
						 body_len, ms ? ms : 1, status, answer, answer_len);
		if (err != TL_OK)
			snprintf(why, TL_NET_WHY, "%s %s%s: %s", method, u.authority, path,
				 tl_err_msg(err));
	}
	if (l.ssl) {
		if (err == TL_OK)
			(void)SSL_shutdown(l.ssl); /* not after a reset: it would write to it */
		SSL_free(l.ssl);
	}
	ERR_clear_error();
	SSL_CTX_free(ctx);
	if (l.fd >= 0)
		close(l.fd);
	return err;
}
