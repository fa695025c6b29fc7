/* libmicrohttpd glue: request bodies, responses, access logs. */
#include <arpa/inet.h>
#include <malloc.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>

#include "api.h"
#include "frame.h"
#include "http.h"
#include "metrics.h"
#include "log.h"

struct tl_http {
	struct MHD_Daemon *d;
	struct tl_server *srv;
	bool can_wait; /* a pool: connections may be suspended */
};

struct conn {
	char *body;
	size_t len, cap, max;
	size_t reserved;        /* bytes counted against both budgets */
	unsigned slot;          /* the client address's budget */
	bool answered, too_large, busy;
	char allow[TL_ROUTE_ALLOW_LEN]; /* a 405's Allow header */
	struct tl_req req;      /* routed and authenticated before the body */
	const struct tl_route *route;
	struct timespec start;
	struct tl_later *later; /* an answer being waited for */
};

/* Suspended connections: stopping waits for them (their work always ends). */
static _Atomic unsigned waiting;
/* Requests between their head and their end: stopping waits for these, not for idle
 * keep-alive connections. */
static _Atomic unsigned in_flight;

/* Request bodies buffered, by all clients together and by each client address (addresses
 * hashed into slots: two addresses in a slot share its budget): past either, a body is
 * refused (503) rather than letting many slow clients exhaust memory. */
#define TL_HTTP_MAX_BUFFERED (256u * 1024u * 1024u)
#define TL_HTTP_MAX_BUFFERED_PER_CLIENT (32u * 1024u * 1024u)
#define TL_HTTP_CLIENT_SLOTS 4096u
static _Atomic size_t buffered;
static _Atomic size_t buffered_by[TL_HTTP_CLIENT_SLOTS];
static _Atomic size_t freed_since_trim; /* bytes of bodies of TL_HTTP_TRIM_BODY and more */
#define TL_HTTP_TRIM_BODY (64u * 1024u)
#define TL_HTTP_TRIM_AFTER (16u * 1024u * 1024u)

/* The target as sent, before libmicrohttpd decodes it: its length, or 0 when refused. The
 * URI log callback answers a pointer into this array, which the first call of the access
 * handler receives as its context: nothing is allocated before the request is routed. */
#define TL_HTTP_MAX_TARGET 2048u
static const char target_marks[TL_HTTP_MAX_TARGET + 1];

static bool is_mark(const void *p)
{
	uintptr_t a = (uintptr_t)p, m = (uintptr_t)target_marks;
	return a >= m && a <= m + TL_HTTP_MAX_TARGET;
}

struct tl_resp tl_http_json(unsigned status, json_t *body)
{
	struct tl_resp r = { status, body, NULL, NULL };
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

/* n more bytes against the global and the client's budgets, or none. */
static bool reserve(struct conn *c, size_t n)
{
	size_t all = atomic_fetch_add(&buffered, n), mine = atomic_fetch_add(&buffered_by[c->slot], n);
	if (all + n > TL_HTTP_MAX_BUFFERED || mine + n > TL_HTTP_MAX_BUFFERED_PER_CLIENT) {
		atomic_fetch_sub(&buffered, n);
		atomic_fetch_sub(&buffered_by[c->slot], n);
		return false;
	}
	c->reserved += n;
	return true;
}

/* The body's memory goes back: to the budgets, and to the system once nothing is buffered
 * (glibc keeps freed heap otherwise: a flood of bodies left ~290 MB resident). Bodies of
 * 1 MiB and more are mapped (tl_http_start) and unmapped when freed; a flood of smaller
 * large ones is trimmed, while the usual ~20 KB bodies never cost a trim. */
static void release(struct conn *c)
{
	size_t n = c->reserved, left, freed = 0;
	free(c->body);
	c->body = NULL;
	if (!n)
		return;
	c->reserved = 0;
	atomic_fetch_sub(&buffered_by[c->slot], n);
	left = atomic_fetch_sub(&buffered, n) - n;
	if (n >= TL_HTTP_TRIM_BODY)
		freed = atomic_fetch_add(&freed_since_trim, n) + n;
	if (left == 0 && freed >= TL_HTTP_TRIM_AFTER) {
		atomic_store(&freed_since_trim, 0);
		malloc_trim(0);
	}
}

static int append(struct conn *c, const char *data, size_t n)
{
	if (c->too_large || c->busy)
		return TL_OK; /* read and dropped: the answer is already decided */
	if (n > c->max - c->len) {
		c->too_large = true;
		return TL_OK;
	}
	if (c->len + n + 1 > c->cap) {
		/* a declared length was reserved whole: one allocation of that size */
		size_t cap = c->cap ? c->cap : c->reserved > 4096 ? c->reserved : 4096;
		char *p;
		while (cap < c->len + n + 1)
			cap *= 2;
		if (cap > c->max + 1)
			cap = c->max + 1;
		if (cap > c->reserved && !reserve(c, cap - c->reserved)) {
			c->busy = true;
			return TL_OK;
		}
		if (!(p = realloc(c->body, cap)))
			return TL_E_NOMEM;
		c->body = p;
		c->cap = cap;
	}
	memcpy(&c->body[c->len], data, n);
	c->len += n;
	c->body[c->len] = '\0';
	return TL_OK;
}

static enum MHD_Result send_json(struct MHD_Connection *mc, struct tl_resp r, const char *allow,
				 bool close)
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
	if (!resp) {
		free(r.head);
		return MHD_NO;
	}
	MHD_add_response_header(resp, "Content-Type", r.head && r.head->content_type
							    ? r.head->content_type
							    : "application/json");
	MHD_add_response_header(resp, "Cache-Control",
				r.head && r.head->cacheable ? "no-cache" : "no-store");
	/* the dashboard's pages, and anything else a browser might render: nothing inline, no
	 * framing, no sniffing */
	MHD_add_response_header(resp, "Content-Security-Policy",
				"default-src 'none'; script-src 'self'; style-src 'self'; "
				"connect-src 'self'; img-src 'self'; base-uri 'none'; form-action "
				"'self'; frame-ancestors 'none'");
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(resp, "X-Frame-Options", "DENY");
	MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
	if (r.head && r.head->set_cookie[0])
		MHD_add_response_header(resp, "Set-Cookie", r.head->set_cookie);
	if (r.head && r.head->location[0])
		MHD_add_response_header(resp, "Location", r.head->location);
	free(r.head);
	if (allow && allow[0])
		MHD_add_response_header(resp, "Allow", allow);
	if (close) /* answered before its body: the connection cannot be reused */
		MHD_add_response_header(resp, "Connection", "close");
	ret = MHD_queue_response(mc, r.status, resp);
	MHD_destroy_response(resp);
	return ret;
}

static void log_answer(const struct conn *c, const char *method, const char *url, unsigned status)
{
	struct timespec end;
	clock_gettime(CLOCK_MONOTONIC, &end);
	tl_metrics_http(status);
	tl_log_request(method, url, status,
		       (double)(end.tv_sec - c->start.tv_sec) * 1e3 +
			       (double)(end.tv_nsec - c->start.tv_nsec) / 1e6);
}

static unsigned client_slot(struct MHD_Connection *mc)
{
	const union MHD_ConnectionInfo *i = MHD_get_connection_info(mc, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	uint32_t hash = 2166136261u;
	if (i && i->client_addr && i->client_addr->sa_family == AF_INET) {
		hash ^= ntohl(((const struct sockaddr_in *)(const void *)i->client_addr)->sin_addr.s_addr);
		hash *= 16777619u;
	} else if (i && i->client_addr && i->client_addr->sa_family == AF_INET6) {
		const struct sockaddr_in6 *a = (const void *)i->client_addr;
		for (unsigned k = 0; k < sizeof(a->sin6_addr.s6_addr); k++)
			hash = (hash ^ a->sin6_addr.s6_addr[k]) * 16777619u;
	}
	return hash % TL_HTTP_CLIENT_SLOTS;
}

static struct tl_resp too_large(size_t max)
{
	return tl_http_error(413, "request.too_large",
			     max == TL_HTTP_MAX_BODY	   ? "the request body is over the evidence limit (docs/api.md)"
			     : max == TL_HTTP_MAX_SMALL_BODY ? "the request body is over 64 KiB"
							     : "this request takes no body",
			     NULL);
}

/* The declared body length (0 when none or chunked). */
static size_t declared_length(struct MHD_Connection *mc)
{
	const char *v = MHD_lookup_connection_value(mc, MHD_HEADER_KIND, "Content-Length");
	return v ? (size_t)strtoull(v, NULL, 10) : 0; /* digits only: checked by the framing */
}

/* The dashboard's session: without an Authorization header, the bearer token of the
 * HttpOnly cookie tl_session. A change by cookie must carry X-TL-Request (a header no other
 * site's page can make a browser send here: there is no CORS), or it is refused. */
static bool session_cookie(struct tl_req *r, struct MHD_Connection *mc, const char *method,
			   struct tl_resp *resp)
{
	const char *tok = MHD_lookup_connection_value(mc, MHD_COOKIE_KIND, TL_SESSION_COOKIE);
	if (r->authorization || !tok || !*tok)
		return true;
	if (strlen(tok) > 256) {
		*resp = tl_http_error(401, "auth.invalid", "the session cookie is not a token", NULL);
		return false;
	}
	if (strcmp(method, "GET") != 0 &&
	    !MHD_lookup_connection_value(mc, MHD_HEADER_KIND, "X-TL-Request")) {
		*resp = tl_http_error(403, "auth.csrf",
				      "a change by session cookie needs the X-TL-Request header", NULL);
		return false;
	}
	snprintf(r->cookie_auth, sizeof(r->cookie_auth), "Bearer %s", tok);
	r->authorization = r->cookie_auth;
	r->by_cookie = true;
	return true;
}

/* The request's head: framing, route, length, role and gate, budget, all before a byte of
 * the body is read. true: go on; false: resp is the answer. */
static bool admit(struct tl_http *h, struct conn *c, struct MHD_Connection *mc, const char *url,
		  const char *method, const char *version, size_t target_len, struct tl_resp *resp)
{
	const char *why = target_len ? tl_frame_refusal(mc, method, version, target_len)
				     : "the request target has a dot segment, an encoded NUL, slash "
				       "or dot, or a control character";
	size_t n, length;
	const struct tl_route *routes = tl_api_routes(&n);

	if (why) {
		*resp = tl_http_error(400, "request.framing", why, NULL);
		return false;
	}
	switch (tl_route_match(routes, n, method, url, &c->route, &c->req.params, c->allow)) {
	case TL_ROUTE_NO_PATH:
		*resp = tl_http_error(404, "request.not_found", "no such endpoint", NULL);
		return false;
	case TL_ROUTE_NO_METHOD: {
		char msg[TL_ROUTE_ALLOW_LEN + 8];
		snprintf(msg, sizeof(msg), "use %s", c->allow);
		*resp = tl_http_error(405, "request.method", msg, NULL);
		return false;
	}
	case TL_ROUTE_FOUND:
		break;
	}
	c->max = c->route->max_body;
	if ((length = declared_length(mc)) > c->max ||
	    (!c->max && MHD_lookup_connection_value(mc, MHD_HEADER_KIND, "Transfer-Encoding"))) {
		*resp = too_large(c->max);
		return false;
	}
	c->req.srv = h->srv;
	c->req.method = method;
	c->req.path = url;
	c->req.authorization = MHD_lookup_connection_value(mc, MHD_HEADER_KIND, "Authorization");
	c->req.conn = mc;
	if (!session_cookie(&c->req, mc, method, resp) || tl_api_admit(&c->req, c->route, resp) != TL_OK)
		return false;
	c->slot = client_slot(mc);
	if (length && !reserve(c, length + 1)) {
		*resp = tl_http_error(503, "server.busy",
				      "too many request bodies in flight; try again shortly", NULL);
		return false;
	}
	/* a client past its head has the full timeout for its body and its answer */
	MHD_set_connection_option(mc, MHD_CONNECTION_OPTION_TIMEOUT, TL_HTTP_BODY_TIMEOUT);
	return true;
}

static enum MHD_Result first_call(struct tl_http *h, struct MHD_Connection *mc, const char *url,
				  const char *method, const char *version, void **con_cls)
{
	/* the URI log callback's mark: the target's length as sent, 0 when refused */
	size_t target_len = is_mark(*con_cls) ? (size_t)((uintptr_t)*con_cls - (uintptr_t)target_marks) : 0;
	struct tl_resp resp;
	struct conn *c = calloc(1, sizeof(*c));
	if (!c)
		return MHD_NO;
	clock_gettime(CLOCK_MONOTONIC, &c->start);
	*con_cls = c;
	in_flight++;
	if (admit(h, c, mc, url, method, version, target_len, &resp))
		return MHD_YES;
	c->answered = true;
	log_answer(c, method, url, resp.status);
	return send_json(mc, resp, c->allow, true);
}

static enum MHD_Result handler(void *cls, struct MHD_Connection *mc, const char *url,
			       const char *method, const char *version, const char *upload,
			       size_t *upload_size, void **con_cls)
{
	struct tl_http *h = cls;
	struct conn *c = *con_cls;
	struct tl_resp resp;

	if (!c || is_mark(c))
		return first_call(h, mc, url, method, version, con_cls);
	if (c->answered) { /* refused at its head: whatever follows is dropped */
		*upload_size = 0;
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
	c->req.body = c->body ? c->body : "";
	c->req.body_len = c->len;
	c->req.later = h->can_wait ? &c->later : NULL;
	if (c->too_large)
		resp = too_large(c->max);
	else if (c->busy)
		resp = tl_http_error(503, "server.busy",
				     "too many request bodies in flight; try again shortly", NULL);
	else
		resp = c->route->handler(&c->req);
	if (resp.status == TL_HTTP_LATER)
		return MHD_YES;
answer:
	c->answered = true;
	log_answer(c, method, url, resp.status);
	return send_json(mc, resp, NULL, false);
}

struct tl_resp tl_http_later(struct tl_req *r, struct tl_later *l)
{
	l->conn = r->conn;
	*r->later = l;
	waiting++;
	MHD_suspend_connection(r->conn);
	return (struct tl_resp){ TL_HTTP_LATER, NULL, NULL, NULL };
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
	if (!c || is_mark(c)) /* only the URI log callback's mark: nothing was allocated */
		return;
	/* answered: until its next head, a keep-alive connection has the head's timeout */
	if (toe == MHD_REQUEST_TERMINATED_COMPLETED_OK)
		MHD_set_connection_option(mc, MHD_CONNECTION_OPTION_TIMEOUT, TL_HTTP_HEAD_TIMEOUT);
	if (c->later) { /* closed before its answer was made: make it, and drop it */
		struct tl_resp r = c->later->finish(c->later);
		json_decref(r.body);
		free(r.text);
		waiting--;
	}
	release(c);
	free(c->req.prefetch.baseline);
	free(c);
	*con_cls = NULL;
	in_flight--;
}

/* Before the headers: the target as sent (not yet percent-decoded), whose shape decides
 * whether it is routed at all. Answers a mark, not an allocation (see target_marks). */
static void *target_seen(void *cls, const char *uri, struct MHD_Connection *mc)
{
	size_t n = uri ? strlen(uri) : 0;
	(void)cls;
	(void)mc;
	if (n == 0 || n > TL_HTTP_MAX_TARGET || !tl_route_target_ok(uri))
		return NULL;
	return (void *)&target_marks[n];
}

/* libmicrohttpd's own messages (a client that went away, a malformed request): logfmt, at
 * most a few a second, the rest counted. */
__attribute__((format(printf, 2, 0))) static void mhd_log(void *cls, const char *fm, va_list ap)
{
	static _Atomic long second;
	static _Atomic unsigned lines, dropped;
	long now = (long)time(NULL);
	char text[200];
	(void)cls;
	if (atomic_exchange(&second, now) != now) {
		unsigned d = atomic_exchange(&dropped, 0);
		atomic_store(&lines, 0);
		if (d) {
			snprintf(text, sizeof(text), "%u", d);
			tl_log("warn", "libmicrohttpd messages suppressed", "count", text);
		}
	}
	if (atomic_fetch_add(&lines, 1) >= TL_HTTP_LIBRARY_LOG_PER_SECOND) {
		dropped++;
		return;
	}
	vsnprintf(text, sizeof(text), fm, ap);
	text[strcspn(text, "\r\n")] = '\0';
	tl_log("warn", "libmicrohttpd", "detail", text);
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
	unsigned per_ip = srv->max_conns_per_ip ? srv->max_conns_per_ip : TL_HTTP_CONNS_PER_IP;
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
	/* bodies of 1 MiB and more (evidence is ~20 KB; a flood is not) are mapped, not taken
	 * from the heap: returned to the system when freed */
	mallopt(M_MMAP_THRESHOLD, 1 << 20);
	/* the TLS options come last: without a certificate they end the list early. The
	 * connection timeout is the head's (a client that has not sent its headers by then is
	 * dropped); a routed request gets TL_HTTP_BODY_TIMEOUT */
	h->d = MHD_start_daemon(flags, 0, NULL, NULL, handler, h,
				/* first, so that every message of libmicrohttpd comes through it */
				MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL, MHD_OPTION_SOCK_ADDR, &sa,
				/* a pool size of 0 makes libmicrohttpd print a warning: then the
				 * slot repeats the connection limit instead */
				threads > 1 ? MHD_OPTION_THREAD_POOL_SIZE : MHD_OPTION_CONNECTION_LIMIT,
				threads > 1 ? threads : 4096u,
				MHD_OPTION_THREAD_STACK_SIZE, (size_t)(1u << 20), MHD_OPTION_NOTIFY_COMPLETED,
				completed, NULL, MHD_OPTION_URI_LOG_CALLBACK, target_seen, NULL,
				MHD_OPTION_CONNECTION_TIMEOUT,
				(unsigned)TL_HTTP_HEAD_TIMEOUT, MHD_OPTION_CONNECTION_LIMIT, (unsigned)4096,
				MHD_OPTION_PER_IP_CONNECTION_LIMIT, per_ip,
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
	/* requests in flight may finish; idle keep-alive connections are closed at once */
	for (unsigned i = 0; i < timeout_s * 100 && in_flight; i++)
		nanosleep(&(struct timespec){ 0, 10000000 }, NULL);
	/* libmicrohttpd must not be stopped with a suspended connection; each is resumed when
	 * its store write ends, which it always does */
	while (waiting)
		nanosleep(&(struct timespec){ 0, 10000000 }, NULL);
	MHD_stop_daemon(h->d);
	free(h);
}
