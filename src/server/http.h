/* The HTTP layer of trustlaunchd (libmicrohttpd): bodies up to a limit, bearer tokens,
 * JSON responses, logfmt access logs. Handlers see a parsed request and answer with JSON. */
#ifndef TL_SERVER_HTTP_H
#define TL_SERVER_HTTP_H

#include <jansson.h>

#include "store.h"

#define TL_HTTP_MAX_BODY (4u * 1024u * 1024u)

struct tl_server {
	struct tl_store *store;
	const char *state_dir;
};

struct tl_req {
	struct tl_server *srv;
	const char *method, *path;
	const char *body;
	size_t body_len;
	const char *authorization;
	struct tl_token token;   /* the caller, once authenticated */
};

struct tl_resp {
	unsigned status;
	json_t *body;            /* owned */
};

/* {"error":{"code":...,"message":...[,"field":...]}} with a status. */
struct tl_resp tl_http_error(unsigned status, const char *code, const char *message,
			     const char *field);
struct tl_resp tl_http_json(unsigned status, json_t *body);
/* TL_OK when the bearer token exists and its role is at least min_role; otherwise resp
 * holds the 401/403. */
int tl_http_auth(struct tl_req *r, const char *min_role, struct tl_resp *resp);

/* Dispatch (api.c). */
struct tl_resp tl_api_handle(struct tl_req *r);

struct tl_http;
/* Listens on addr:port (127.0.0.1 by default) with a thread pool. */
int tl_http_start(struct tl_server *srv, const char *addr, unsigned port, unsigned threads,
		  struct tl_http **out);
/* Stops accepting, lets requests in flight finish (up to timeout_s), then stops. */
void tl_http_stop(struct tl_http *h, unsigned timeout_s);

#endif
