/* libmicrohttpd glue: request bodies, responses, access logs. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>

#include "http.h"
#include "log.h"

struct tl_http {
	struct MHD_Daemon *d;
	struct tl_server *srv;
	bool can_wait; /* a pool: connections may be suspended */
};

struct conn {
	char *body;
	size_t len, cap, max;
	bool too_large, busy;
	struct timespec start;
	struct tl_later *later; /* an answer being waited for */
};

/* Suspended connections: stopping waits for them (their work always ends). */
static _Atomic unsigned waiting;

/* Bodies buffered by all connections together: past this, new bytes are refused (503)
 * rather than letting many slow clients exhaust memory. */
#define TL_HTTP_MAX_BUFFERED (256u * 1024u * 1024u)
static _Atomic size_t buffered;

struct tl_resp tl_http_json(unsigned status, json_t *body)
{
	struct tl_resp r = { status, body, NULL };
	return r;
}

struct tl_resp tl_http_error(unsigned status, const char *code, const char *message,
			     const char *field)
{
	json_t *e = json_object(), *o = json_object();
	json_object_set_new(e, "code", json_string(code));
	json_object_set_new(e, "message", json_string(message));
	if (field)
		json_object_set_new(e, "field", json_string(field));
	json_object_set_new(o, "error", e);
	return tl_http_json(status, o);
}

static int append(struct conn *c, const char *data, size_t n)
{
	if (c->too_large || c->busy || n > c->max - c->len) {
		c->too_large = !c->busy;
		return TL_OK;
	}
	if (c->len + n + 1 > c->cap) {
		size_t cap = c->cap ? c->cap : 4096;
		char *p;
		while (cap < c->len + n + 1)
			cap *= 2;
		if (cap > c->max + 1)
			cap = c->max + 1;
		if (buffered + (cap - c->cap) > TL_HTTP_MAX_BUFFERED) {
			c->busy = true;
			return TL_OK;
		}
		if (!(p = realloc(c->body, cap)))
			return TL_E_NOMEM;
		buffered += cap - c->cap;
		c->body = p;
		c->cap = cap;
	}
	memcpy(&c->body[c->len], data, n);
	c->len += n;
	c->body[c->len] = '\0';
	return TL_OK;
}

static enum MHD_Result send_json(struct MHD_Connection *mc, struct tl_resp r)
{
	char *text = r.text ? r.text : r.body ? json_dumps(r.body, JSON_COMPACT) : NULL;
	struct MHD_Response *resp;
	enum MHD_Result ret;
	if (!text) {
		static const char fail[] = "{\"error\":{\"code\":\"server.internal\"}}";
		r.status = 500;
		resp = MHD_create_response_from_buffer(sizeof(fail) - 1, (void *)fail,
						       MHD_RESPMEM_PERSISTENT);
	} else {
		resp = MHD_create_response_from_buffer(strlen(text), text, MHD_RESPMEM_MUST_FREE);
	}
	json_decref(r.body);
	if (!resp)
		return MHD_NO;
	MHD_add_response_header(resp, "Content-Type", "application/json");
	MHD_add_response_header(resp, "Cache-Control", "no-store");
	ret = MHD_queue_response(mc, r.status, resp);
	MHD_destroy_response(resp);
	return ret;
}

static enum MHD_Result handler(void *cls, struct MHD_Connection *mc, const char *url,
			       const char *method, const char *version, const char *upload,
			       size_t *upload_size, void **con_cls)
{
	struct tl_http *h = cls;
	struct conn *c = *con_cls;
	struct tl_req req;
	struct tl_resp resp;
	struct timespec end;
	(void)version;

	if (!c) {
		if (!(c = calloc(1, sizeof(*c))))
			return MHD_NO;
		clock_gettime(CLOCK_MONOTONIC, &c->start);
		/* only evidence and baselines are large: everything else fits in 64 KiB */
		size_t n = strlen(url);
		bool large = (n >= 7 && strcmp(&url[n - 7], "/attest") == 0) ||
			     (n >= 9 && strcmp(&url[n - 9], "/baseline") == 0);
		c->max = large ? TL_HTTP_MAX_BODY : TL_HTTP_MAX_SMALL_BODY;
		*con_cls = c;
		return MHD_YES;
	}
	if (*upload_size) {
		if (append(c, upload, *upload_size) != TL_OK)
			return MHD_NO;
		*upload_size = 0;
		return MHD_YES;
	}
	if (c->later) { /* resumed: the work is done */
		struct tl_later *l = c->later;
		c->later = NULL;
		resp = l->finish(l);
		waiting--;
		goto answer;
	}
	memset(&req, 0, sizeof(req));
	req.srv = h->srv;
	req.method = method;
	req.path = url;
	req.body = c->body ? c->body : "";
	req.body_len = c->len;
	req.authorization = MHD_lookup_connection_value(mc, MHD_HEADER_KIND, "Authorization");
	req.conn = mc;
	req.later = h->can_wait ? &c->later : NULL;
	if (c->too_large)
		resp = tl_http_error(413, "request.too_large",
				     c->max == TL_HTTP_MAX_BODY
					     ? "the request body is over the evidence limit (docs/api.md)"
					     : "the request body is over 64 KiB",
				     NULL);
	else if (c->busy)
		resp = tl_http_error(503, "server.busy",
				     "too many request bodies in flight; try again shortly", NULL);
	else
		resp = tl_api_handle(&req);
	if (resp.status == TL_HTTP_LATER)
		return MHD_YES;
answer:
	clock_gettime(CLOCK_MONOTONIC, &end);
	tl_log_request(method, url, resp.status,
		       (double)(end.tv_sec - c->start.tv_sec) * 1e3 +
			       (double)(end.tv_nsec - c->start.tv_nsec) / 1e6);
	return send_json(mc, resp);
}

struct tl_resp tl_http_later(struct tl_req *r, struct tl_later *l)
{
	l->conn = r->conn;
	*r->later = l;
	waiting++;
	MHD_suspend_connection(r->conn);
	return (struct tl_resp){ TL_HTTP_LATER, NULL, NULL };
}

void tl_http_resume(struct tl_later *l)
{
	MHD_resume_connection(l->conn);
}

const char *tl_http_arg(const struct tl_req *r, const char *name)
{
	return r->conn ? MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, name) : NULL;
}

static void completed(void *cls, struct MHD_Connection *mc, void **con_cls,
		      enum MHD_RequestTerminationCode toe)
{
	struct conn *c = *con_cls;
	(void)cls;
	(void)mc;
	(void)toe;
	if (c) {
		if (c->later) { /* closed before its answer was made: make it, and drop it */
			struct tl_resp r = c->later->finish(c->later);
			json_decref(r.body);
			free(r.text);
			waiting--;
		}
		buffered -= c->cap;
		free(c->body);
		free(c);
		*con_cls = NULL;
	}
}

int tl_http_start(struct tl_server *srv, const char *addr, unsigned port, unsigned threads,
		  const char *tls_cert, const char *tls_key, struct tl_http **out)
{
	/* a pool of epoll threads, each serving its connections in turn; a request that waits
	 * for the group commit is suspended meanwhile, so it holds up nobody. threads 0: a
	 * thread per connection, blocked while it waits. */
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ITC | MHD_USE_ERROR_LOG |
			 (threads ? MHD_USE_EPOLL | MHD_ALLOW_SUSPEND_RESUME
				  : MHD_USE_THREAD_PER_CONNECTION | MHD_USE_POLL);
	struct sockaddr_in sa;
	struct tl_http *h = calloc(1, sizeof(*h));
	*out = NULL;
	if (!h)
		return TL_E_NOMEM;
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)port);
	if (inet_pton(AF_INET, addr, &sa.sin_addr) != 1) {
		free(h);
		return TL_E_ARG;
	}
	h->srv = srv;
	h->can_wait = threads > 0;
	if (tls_cert) {
		if (MHD_is_feature_supported(MHD_FEATURE_TLS) != MHD_YES) {
			free(h);
			return TL_E_UNSUPPORTED;
		}
		flags |= MHD_USE_TLS;
	}
	/* the TLS options come last: without a certificate they end the list early */
	h->d = MHD_start_daemon(flags, 0, NULL, NULL, handler, h, MHD_OPTION_SOCK_ADDR, &sa,
				/* a pool size of 0 makes libmicrohttpd print a warning: then the
				 * slot repeats the connection limit instead */
				threads > 1 ? MHD_OPTION_THREAD_POOL_SIZE : MHD_OPTION_CONNECTION_LIMIT,
				threads > 1 ? threads : 4096u,
				MHD_OPTION_THREAD_STACK_SIZE, (size_t)(1u << 20), MHD_OPTION_NOTIFY_COMPLETED,
				completed, NULL, MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)30,
				MHD_OPTION_CONNECTION_LIMIT, (unsigned)4096,
				tls_cert ? MHD_OPTION_HTTPS_MEM_CERT : MHD_OPTION_END, tls_cert,
				MHD_OPTION_HTTPS_MEM_KEY, tls_key, MHD_OPTION_END);
	if (!h->d) {
		free(h);
		return TL_E_IO;
	}
	*out = h;
	return TL_OK;
}

void tl_http_stop(struct tl_http *h, unsigned timeout_s)
{
	if (!h)
		return;
	MHD_quiesce_daemon(h->d); /* no new connections; those open go on */
	for (unsigned i = 0; i < timeout_s * 10; i++) {
		const union MHD_DaemonInfo *info =
			MHD_get_daemon_info(h->d, MHD_DAEMON_INFO_CURRENT_CONNECTIONS);
		if (!info || info->num_connections == 0)
			break;
		nanosleep(&(struct timespec){ 0, 100000000 }, NULL);
	}
	/* libmicrohttpd must not be stopped with a suspended connection; each is resumed when
	 * its store write ends, which it always does */
	while (waiting)
		nanosleep(&(struct timespec){ 0, 10000000 }, NULL);
	MHD_stop_daemon(h->d);
	free(h);
}
