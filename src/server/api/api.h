/* Internal: the API handlers by resource, and the checks they share. */
#ifndef TL_SERVER_API_H
#define TL_SERVER_API_H

#include <stdbool.h>
#include <stdint.h>

#include "http.h"
#include "trustlaunch/posture.h"

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
struct tl_tpm2_public;
struct tl_resp tl_api_enroll(struct tl_req *r, const char *vm_id, const char *eid);
/* api_enroll_cvm.c: a confidential VM's enrolment carries hcl_report and vcek, and its AK
 * must be the one they vouch for; true for any other VM. false with resp (403 snp.*). */
bool tl_api_enroll_cvm_check(struct tl_server *srv, const struct tl_vm *vm, json_t *body,
			     const struct tl_tpm2_public *ak, struct tl_resp *resp);
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
/* The compatibility catalog (api_catalog.c): a new VM's security_type, secure_boot and vtpm
 * from the body and the seed's rules, into vm (size and os already set); false with resp the
 * 400 naming the rule. */
bool tl_api_vm_profile_new(struct tl_req *r, json_t *body, struct tl_vm *vm,
			   struct tl_resp *resp);
/* PATCH /v1/vms/{id}; show renders the changed VM. */
struct tl_resp tl_api_vm_patch(struct tl_req *r, const char *id,
			       json_t *(*show)(const struct tl_vm *));
/* The base catalog and overlays (files), at start; msg says what is wrong. */
TL_MUST_CHECK int tl_api_catalog_load(const char *base, const char *const *overlays, size_t n,
				      struct tl_catalog **out, char *msg, size_t cap);
/* GET /v1/catalog, GET /v1/catalog/check?size=&os=[&security_type=] */
struct tl_resp tl_api_catalog(struct tl_req *r);
struct tl_resp tl_api_catalog_check(struct tl_req *r);
/* GET /v1/vms/{id}/recommendations and /assessment (api_posture.c) */
struct tl_resp tl_api_vm_recommendations(struct tl_req *r, const char *id);
struct tl_resp tl_api_vm_assessment(struct tl_req *r, const char *id);
/* What a VM's posture is decided from (vm: loaded by the caller); *latest: the latest
 * verified attestation's record (JSON, a new reference) or NULL; store errors as they are. */
TL_MUST_CHECK /* revocations-current of a boot's facts against the service's revocation data (which must be
 * configured): the summary kept with the attestation; NULL when out of memory. */
json_t *tl_api_revocations_evaluate(const struct tl_server *srv, json_t *facts);
int tl_api_posture_of(struct tl_server *srv, const struct tl_vm *vm,
				    struct tl_posture_vm *p, json_t **latest, int64_t *latest_id);
/* The VM's stored posture decided again from its profile, the catalog, its TPM binding and
 * its latest verified attestation, and written when it changed (with its events): after
 * the VM is created or changed, or enrols, and for VMs registered before it was kept. */
TL_MUST_CHECK int tl_api_posture_refresh(struct tl_server *srv, const char *vm_id,
					 int64_t now);
/* Its decision alone, into row (nothing written). */
TL_MUST_CHECK int tl_api_posture_decide(struct tl_server *srv, const char *vm_id, int64_t now,
					struct tl_posture_row *row);
/* tl_api_posture_refresh now, for a request that changed the VM: a failure is logged (the
 * next change, or an attestation that changes it, writes it again). */
void tl_api_posture_changed(struct tl_server *srv, const char *vm_id);
/* The fleet's counts (a tenant's, "*": every tenant's): per recommendation and status
 * (enum tl_status), and the assessment's, with its causes; read from the stored posture
 * (api_fleet.c). */
#define TL_FLEET_CAUSES 8
struct tl_fleet_tally {
	size_t rec[TL_REC_COUNT][3], assess[3], vms;
	size_t cause[TL_FLEET_CAUSES]; /* by enum tl_assess_cause */
};
TL_MUST_CHECK int tl_api_fleet_tally(struct tl_server *srv, const char *tenant,
				     struct tl_fleet_tally *t);
/* A recommendation's remediation with {vm} replaced by the VM's id. */
json_t *tl_api_rec_remediation(const char *text, const char *vm_id);
/* GET /v1/recommendations (the fleet's counts per recommendation and status, and the
 * assessment's) and GET /v1/recommendations/{id} (the VMs and their status, paged)
 * (api_fleet.c) */
struct tl_resp tl_api_rec_summary(struct tl_req *r);
struct tl_resp tl_api_rec_vms(struct tl_req *r, const char *slug);
/* /v1/alerts (api_alerts.c), /v1/suppression-rules (api_suppressions.c) */
struct tl_resp tl_api_alert_list(struct tl_req *r);
struct tl_resp tl_api_alert_counts(struct tl_req *r);
struct tl_resp tl_api_alert_one(struct tl_req *r, const char *id);
struct tl_resp tl_api_alert_act(struct tl_req *r, const char *id, const char *action);
struct tl_resp tl_api_suppressions(struct tl_req *r);
struct tl_resp tl_api_suppression_one(struct tl_req *r, const char *id);
/* /v1/webhooks[/{id}[/deliveries|/test]] (api_webhooks.c); sub: "", "/deliveries", "/test" */
struct tl_resp tl_api_webhooks(struct tl_req *r);
struct tl_resp tl_api_webhook_one(struct tl_req *r, const char *id, const char *sub);
/* The webhook sender looks at the outbox now. */
void tl_api_webhooks_kick(struct tl_server *srv);
/* The dashboard's session and files (api_session.c); GET /metrics (api_metrics.c) */
struct tl_resp tl_api_session_new(struct tl_req *r);
struct tl_resp tl_api_session_who(struct tl_req *r);
struct tl_resp tl_api_session_end(struct tl_req *r);
struct tl_resp tl_api_ui_root(struct tl_req *r);
struct tl_resp tl_api_ui_index(struct tl_req *r);
struct tl_resp tl_api_ui_file(struct tl_req *r);
struct tl_resp tl_api_ui_script(struct tl_req *r);
struct tl_resp tl_api_metrics(struct tl_req *r);
/* At start: the counters zeroed, the store's collectors registered. */
void tl_api_metrics_init(struct tl_server *srv);
/* Hosts (api_hosts.c, docs/hostd.md): PUT /v1/hosts/{host}/inventory, GET /v1/hosts,
 * POST /v1/vms/{id}/host-state; the host's fields of a VM added to o (GET /v1/vms/{id}). */
struct tl_resp tl_api_host_inventory(struct tl_req *r, const char *host);
struct tl_resp tl_api_hosts(struct tl_req *r);
struct tl_resp tl_api_vm_host_state(struct tl_req *r, const char *vm_id);
TL_MUST_CHECK int tl_api_vm_host_fields(struct tl_server *srv, const char *vm_id, json_t *o);
/* A host's name: 1-63 of A-Z a-z 0-9 . _ - */
bool tl_api_host_name_ok(const char *host);
/* A host state: running, stopped or boot_failed */
bool tl_api_host_state_ok(const char *state);
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

/* ---- api_page.c: a page of a list (?limit=&cursor=) */
#define TL_API_LIST_MAX 1000
#define TL_API_LIST_DEFAULT 100 /* rules, webhooks: a page when no limit is given */
#define TL_API_CURSOR_MAX 128 /* characters */
#define TL_API_CURSOR_KEY 80  /* bytes of a cursor's key, with its NUL */
struct tl_api_page {
	size_t limit, n;     /* asked for; taken so far */
	bool has_cursor;     /* the first page: false */
	int64_t after_num;   /* the cursor: its number... */
	char after_key[TL_API_CURSOR_KEY]; /* ...and its key ("" for a number alone) */
	bool more;           /* there is a page after this one */
	char next[112];      /* its cursor */
	json_t *items;
};
/* A cursor: "<number>" (key_ok NULL: a positive number) or "<number>.<key>" with key_ok(key)
 * true; every byte checked. num and key are set only when it is one. */
bool tl_api_cursor_parse(const char *c, bool (*key_ok)(const char *key), int64_t *num,
			 char key[static TL_API_CURSOR_KEY]);
/* ?limit= (1 to TL_API_LIST_MAX, default dflt) and ?cursor=; key_ok checks the key part of a
 * "<number>.<key>" cursor (NULL: the cursor is a positive number alone). 400 naming the
 * argument otherwise. */
bool tl_api_page_args(struct tl_req *r, size_t dflt, bool (*key_ok)(const char *key),
		      struct tl_api_page *pg, struct tl_resp *resp);
/* In a store's callback (the store asked for limit + 1): whether the item goes on the page;
 * false once it is full (then there are more). */
bool tl_api_page_take(struct tl_api_page *pg);
/* The item, and its key as the next page's cursor (key NULL: the number alone). */
void tl_api_page_add(struct tl_api_page *pg, json_t *item, int64_t num, const char *key);
/* o with the items under name, and "next_cursor" (null on the last page). */
json_t *tl_api_page_answer(struct tl_api_page *pg, json_t *o, const char *name);
void tl_api_page_free(struct tl_api_page *pg);

#endif
