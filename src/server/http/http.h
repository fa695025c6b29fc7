/* The HTTP layer of trustlaunchd (libmicrohttpd): bodies up to a limit, bearer tokens,
 * JSON responses, logfmt access logs. Handlers see a parsed request and answer with JSON. */
#ifndef TL_SERVER_HTTP_H
#define TL_SERVER_HTTP_H

#include <jansson.h>

#include "route.h"
#include "store.h"
#include "trustlaunch/catalog.h"
#include "trustlaunch/rd.h"
#include "trustlaunch/snp.h"
#include "trustlaunch/wire.h"

struct MHD_Connection;

#define TL_HTTP_MAX_BODY TL_WIRE_MAX_BODY /* evidence (.../attest: trustlaunch/wire.h), baselines */
#define TL_HTTP_MAX_SMALL_BODY (64u * 1024u)      /* every other request */
#define TL_HTTP_CONNS_PER_IP 64u       /* connections from one address (--max-conns-per-ip) */
#define TL_HTTP_HEAD_TIMEOUT 10u       /* seconds to send a request's head, or to idle */
#define TL_HTTP_BODY_TIMEOUT 30u       /* seconds of silence once a request is routed */
#define TL_HTTP_LIBRARY_LOG_PER_SECOND 5u /* libmicrohttpd's own lines logged a second */

#define TL_SESSION_COOKIE "tl_session"

struct tl_jwtkeys;
struct tl_webhook_sender;
struct tl_snp_roots;
struct tl_srv_revocations;
struct tl_stale_job;

struct tl_server {
	struct tl_store *store;
	const char *state_dir;
	const char *issuer;             /* the service's URL, the tokens' "iss" */
	uint8_t nonce_key[32];          /* STATE/nonce.key */
	struct tl_jwtkeys *keys;        /* token signing keys, STATE/jwt/ */
	struct tl_bytes *ek_cas;        /* trusted vTPM CAs (--ek-ca), may be none */
	size_t n_ek_cas;
	int64_t token_ttl;              /* seconds an attestation token is valid */
	unsigned max_conns_per_ip;      /* 0: TL_HTTP_CONNS_PER_IP */
	const struct tl_catalog *catalog; /* sizes, OS versions, the seed's rules */
	int64_t stale_after;            /* seconds without an attestation: the agent is silent */
	bool posture;                   /* --posture on: attestations keep posture and alerts */
	struct tl_stale_job *stale_job; /* the staleness job's thread (posture/stale_job.c) */
	struct tl_webhook_sender *sender; /* delivers the webhook outbox, or NULL */
	const char *dashboard_dir;      /* the dashboard's files, or NULL: not served */
	/* confidential VMs (docs/confidential.md): AMD's roots (--snp-roots; NULL: confidential
	 * evidence is refused) and the SEV-SNP policy */
	const struct tl_snp_roots *snp_roots;
	struct tl_snp_policy_cfg snp_policy;
	/* the current revocation data (--revocations DIR), or NULL: revocations-current is
	 * not_applicable */
	const struct tl_srv_revocations *revocations;
};

struct tl_later;

struct tl_req {
	struct tl_server *srv;
	const char *method, *path;
	const char *body;
	size_t body_len;
	const char *authorization;
	bool by_cookie;          /* the bearer token came from the dashboard's session cookie */
	char cookie_auth[300];   /* "Bearer " + the cookie's token, when by_cookie */
	struct tl_route_params params; /* the path's parameters ({vm}, {eid}, {token}) */
	bool authenticated;      /* token and role hold the caller */
	struct tl_token token;   /* the caller, once authenticated */
	enum tl_role role;       /* token.role, parsed once */
	/* what the head's gate read of the VM (TL_GATE_ENROLLED): the handler takes it, and
	 * the baseline's ownership, instead of asking the store twice (HTTP frees it if not) */
	struct {
		bool valid;
		struct tl_vm vm;
		struct tl_vm_tpm tpm;
		char *baseline;
	} prefetch;
	struct MHD_Connection *conn;
	struct tl_later **later; /* where an answer that waits is kept; NULL: none may wait */
};

/* What an answer that is not JSON, or sets a cookie or a location, adds (malloc'd, owned). */
struct tl_resp_head {
	const char *content_type; /* a literal; NULL: application/json */
	char set_cookie[512];     /* "" : none */
	char location[256];       /* "" : none */
	bool cacheable;           /* static files: revalidated, not "no-store" */
};

struct tl_resp {
	unsigned status;         /* TL_HTTP_LATER: tl_http_later() */
	json_t *body;            /* owned */
	char *text;              /* or the body already serialized (malloc'd, owned) */
	struct tl_resp_head *head; /* or NULL */
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
 * holds the 401/403. The token is looked up once per request (before the body is read). */
TL_MUST_CHECK int tl_http_auth(struct tl_req *r, enum tl_role min_role, struct tl_resp *resp);

/* A query argument (?name=value), or NULL. */
const char *tl_http_arg(const struct tl_req *r, const char *name);


struct tl_http;
/* Listens on addr:port (127.0.0.1 by default) with a pool of epoll threads (threads 0: a
 * thread per connection, and no answer waits); HTTPS when tls_cert and tls_key (PEM text)
 * are given. */
int tl_http_start(struct tl_server *srv, const char *addr, unsigned port, unsigned threads,
		  const char *tls_cert, const char *tls_key, struct tl_http **out);
/* Stops accepting, lets requests in flight finish (up to timeout_s), then stops. */
void tl_http_stop(struct tl_http *h, unsigned timeout_s);

#endif
