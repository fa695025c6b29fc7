/* The HTTP layer of trustlaunchd (libmicrohttpd): bodies up to a limit, bearer tokens,
 * JSON responses, logfmt access logs. Handlers see a parsed request and answer with JSON. */
#ifndef TL_SERVER_HTTP_H
#define TL_SERVER_HTTP_H

#include <jansson.h>

#include "store.h"
#include "trustlaunch/catalog.h"
#include "trustlaunch/rd.h"
#include "trustlaunch/wire.h"

struct MHD_Connection;

#define TL_HTTP_MAX_BODY TL_WIRE_MAX_BODY /* evidence (.../attest: trustlaunch/wire.h), baselines */
#define TL_HTTP_MAX_SMALL_BODY (64u * 1024u)      /* every other request */

struct tl_jwtkeys;
struct tl_webhook_sender;

struct tl_server {
	struct tl_store *store;
	const char *state_dir;
	const char *issuer;             /* the service's URL, the tokens' "iss" */
	uint8_t nonce_key[32];          /* STATE/nonce.key */
	struct tl_jwtkeys *keys;        /* token signing keys, STATE/jwt/ */
	struct tl_bytes *ek_cas;        /* trusted vTPM CAs (--ek-ca), may be none */
	size_t n_ek_cas;
	int64_t token_ttl;              /* seconds an attestation token is valid */
	const struct tl_catalog *catalog; /* sizes, OS versions, the seed's rules */
	int64_t stale_after;            /* seconds without an attestation: the agent is silent */
	struct tl_webhook_sender *sender; /* delivers the webhook outbox, or NULL */
};

struct tl_later;

struct tl_req {
	struct tl_server *srv;
	const char *method, *path;
	const char *body;
	size_t body_len;
	const char *authorization;
	struct tl_token token;   /* the caller, once authenticated */
	struct MHD_Connection *conn;
	struct tl_later **later; /* where an answer that waits is kept; NULL: none may wait */
};

struct tl_resp {
	unsigned status;         /* TL_HTTP_LATER: tl_http_later() */
	json_t *body;            /* owned */
	char *text;              /* or the body already serialized (malloc'd, owned) */
};

/* An answer that waits for something done in another thread (the group commit) without
 * holding up a request thread: the handler calls tl_http_later(r, l) and returns what it
 * returns, then starts the work; the work's end calls tl_http_resume(l) from any thread;
 * then l->finish(l) makes the answer in a request thread and frees l. */
struct tl_later {
	struct tl_resp (*finish)(struct tl_later *l);
	struct MHD_Connection *conn;
};
#define TL_HTTP_LATER 0u
/* Only when r->later: the connection waits (nothing is read or sent) until resumed. */
struct tl_resp tl_http_later(struct tl_req *r, struct tl_later *l);
void tl_http_resume(struct tl_later *l);

/* {"error":{"code":...,"message":...[,"field":...]}} with a status. */
struct tl_resp tl_http_error(unsigned status, const char *code, const char *message,
			     const char *field);
struct tl_resp tl_http_json(unsigned status, json_t *body);
/* TL_OK when the bearer token exists and its role is at least min_role; otherwise resp
 * holds the 401/403. */
int tl_http_auth(struct tl_req *r, const char *min_role, struct tl_resp *resp);

/* A query argument (?name=value), or NULL. */
const char *tl_http_arg(const struct tl_req *r, const char *name);

/* Dispatch (api.c). */
struct tl_resp tl_api_handle(struct tl_req *r);

struct tl_http;
/* Listens on addr:port (127.0.0.1 by default) with a pool of epoll threads (threads 0: a
 * thread per connection, and no answer waits); HTTPS when tls_cert and tls_key (PEM text)
 * are given. */
int tl_http_start(struct tl_server *srv, const char *addr, unsigned port, unsigned threads,
		  const char *tls_cert, const char *tls_key, struct tl_http **out);
/* Stops accepting, lets requests in flight finish (up to timeout_s), then stops. */
void tl_http_stop(struct tl_http *h, unsigned timeout_s);

#endif
