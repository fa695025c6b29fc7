/* Internal: the API handlers by resource, and the checks they share. */
#ifndef TL_SERVER_API_H
#define TL_SERVER_API_H

#include <stdbool.h>
#include <stdint.h>

#include "http.h"

/* The route table (api.c): every endpoint, its role, gate and body limit. */
const struct tl_route *tl_api_routes(size_t *n);
/* Before the body is read: the row's role (the bearer token) and gate. TL_OK, or resp
 * holds the refusal. */
TL_MUST_CHECK int tl_api_admit(struct tl_req *r, const struct tl_route *route,
			       struct tl_resp *resp);
/* 409 vm.not_enrolled: the one answer without a token for an unknown or unenrolled VM. */
struct tl_resp tl_api_not_enrolled(void);
/* /v1/vms: GET the list, POST a new VM (api_vms.c) */
struct tl_resp tl_api_vm_collection(struct tl_req *r);
/* /v1/vms/{id}: GET or DELETE */
struct tl_resp tl_api_vm_one(struct tl_req *r, const char *id);
/* /v1/vms/{id}/enroll[/{eid}/activate] (api_enroll.c) */
struct tl_resp tl_api_enroll(struct tl_req *r, const char *vm_id, const char *eid);
/* /v1/vms/{id}/enrollment-token: a new one-time enrollment token */
struct tl_resp tl_api_enroll_token(struct tl_req *r, const char *vm_id);
/* A fresh enrollment token for a VM: *out is the text handed to the caller (65 bytes). */
int tl_api_make_enroll_token(struct tl_server *srv, const char *vm_id, char out[65]);
/* /v1/vms/{id}/challenge and /attest (api_attest.c) */
struct tl_resp tl_api_challenge(struct tl_req *r, const char *vm_id);
struct tl_resp tl_api_attest(struct tl_req *r, const char *vm_id);
/* /v1/vms/{id}/attestations and /baseline[/relearn] (api_baseline.c) */
struct tl_resp tl_api_attestations(struct tl_req *r, const char *vm_id);
struct tl_resp tl_api_baseline(struct tl_req *r, const char *vm_id, bool relearn);
/* /v1/tokens[/{id}] (api_tokens.c) */
struct tl_resp tl_api_tokens(struct tl_req *r, const char *id);
/* /.well-known/... (api_wellknown.c) */
struct tl_resp tl_api_jwks(struct tl_req *r);
struct tl_resp tl_api_openid(struct tl_req *r);

static inline struct tl_bytes tl_api_bytes(const void *p, size_t n)
{
	struct tl_bytes b = { (const uint8_t *)p, n };
	return b;
}

/* The body as a JSON object (duplicate keys refused), or NULL with resp set. */
json_t *tl_api_body(struct tl_req *r, struct tl_resp *resp);
/* A string field of 1..max-1 printable characters. */
bool tl_api_text(json_t *body, const char *key, bool required, char *out, size_t max,
		 struct tl_resp *resp);
bool tl_api_bool(json_t *body, const char *key, bool *out, struct tl_resp *resp);
/* A base64 field decoded into out (at most max bytes). */
bool tl_api_b64(json_t *obj, const char *key, bool required, uint8_t *out, size_t max,
		size_t *len, struct tl_resp *resp);
/* 404 vm.not_found for TL_E_STORE_NOT_FOUND, else 503. */
struct tl_resp tl_api_store_error(int err, const char *what);
/* SHA-256 of n bytes as 64 hex digits: how tokens and secrets are stored. */
TL_MUST_CHECK int tl_api_sha256_hex(const void *p, size_t n, char out[65]);
/* A new bearer-style secret (32 random bytes as hex) and its stored form (SHA-256, hex). */
TL_MUST_CHECK int tl_api_new_secret(char token[65], char hash[65]);
/* A random (version 4) UUID. */
TL_MUST_CHECK int tl_api_uuid(char out[TL_ID_LEN]);
/* A record's id as JSON: a string of digits ("123"), which JavaScript clients read without
 * losing precision above 2^53. */
json_t *tl_api_id_json(int64_t id);
/* An id a client sends: a string of 1-18 digits, or (as before) a JSON integer; > 0. */
bool tl_api_id_value(json_t *v, int64_t *out);
/* A VM id as this service makes them (lower-case UUID). */
bool tl_api_vm_id(const char *id);

#endif
