/* API v1: the route table, authentication, and the health endpoint. Every endpoint is one
 * row here and one handler; the HTTP layer matches the row and checks its role (and its
 * gate) before it reads a byte of the body. */
#include <stdio.h>
#include <string.h>

#include "api.h"
#include "http.h"
#include "trustlaunch/hash.h"

/* The bearer token named in the request, its role parsed once. */
static int authenticate(struct tl_req *r, struct tl_resp *resp)
{
	const char *a = r->authorization;
	char hex[65];
	int err;
	if (!a || strncmp(a, "Bearer ", 7) != 0 || strlen(a + 7) < 16 || strlen(a + 7) > 256) {
		*resp = tl_http_error(401, "auth.required", "a bearer token is needed", NULL);
		return TL_E_ARG;
	}
	if (tl_api_sha256_hex(a + 7, strlen(a + 7), hex) != TL_OK) {
		*resp = tl_http_error(500, "server.internal", "hashing failed", NULL);
		return TL_E_CRYPTO;
	}
	err = tl_store_token_find(r->srv->store, hex, &r->token);
	if (err == TL_E_STORE_NOT_FOUND) {
		*resp = tl_http_error(401, "auth.invalid", "the bearer token is not known", NULL);
		return err;
	}
	if (err != TL_OK) {
		*resp = tl_http_error(503, "store.unavailable", "the database did not answer", NULL);
		return err;
	}
	if (tl_role_parse(r->token.role, &r->role) != TL_OK) {
		*resp = tl_http_error(403, "auth.role", "the token's role is not known", NULL);
		return TL_E_ARG;
	}
	r->authenticated = true;
	return TL_OK;
}

int tl_http_auth(struct tl_req *r, enum tl_role min_role, struct tl_resp *resp)
{
	int err;
	if (!r->authenticated && (err = authenticate(r, resp)) != TL_OK)
		return err;
	if (r->role < min_role) {
		*resp = tl_http_error(403, "auth.role", "the token's role does not allow this", NULL);
		return TL_E_ARG;
	}
	return TL_OK;
}

/* Readiness, for a load balancer: 200 when this node can serve (the store answers, its
 * writer runs), else 503 with what is wrong. The store keeps the answer ~1 s. */
static struct tl_resp healthz(struct tl_req *r)
{
	char why[160];
	bool ready = tl_store_ready(r->srv->store, why, sizeof(why)) == TL_OK;
	json_t *o = json_object();
	json_object_set_new(o, "status", json_string(ready ? "ok" : "unavailable"));
	json_object_set_new(o, "schema", json_integer(tl_store_schema_version(r->srv->store)));
	if (!ready)
		json_object_set_new(o, "reason", json_string(why));
	return tl_http_json(ready ? 200 : 503, o);
}

/* Liveness: the process answers HTTP; nothing else is asked (a node whose database is down
 * is alive, not ready: restarting it would not help). */
static struct tl_resp livez(struct tl_req *r)
{
	(void)r;
	return tl_http_json(200, json_pack("{s:s}", "status", "alive"));
}

/* Adapters: the handlers by resource take their parameters as arguments. */
static struct tl_resp vm_list(struct tl_req *r) { return tl_api_vm_collection(r); }
static struct tl_resp vm_one(struct tl_req *r) { return tl_api_vm_one(r, r->params.vm); }
static struct tl_resp challenge(struct tl_req *r) { return tl_api_challenge(r, r->params.vm); }
static struct tl_resp attest(struct tl_req *r) { return tl_api_attest(r, r->params.vm); }
static struct tl_resp enroll(struct tl_req *r) { return tl_api_enroll(r, r->params.vm, NULL); }
static struct tl_resp activate(struct tl_req *r)
{
	if (!tl_api_vm_id(r->params.eid))
		return tl_http_error(404, "enroll.not_found", "no such enrolment", NULL);
	return tl_api_enroll(r, r->params.vm, r->params.eid);
}
static struct tl_resp enroll_token(struct tl_req *r) { return tl_api_enroll_token(r, r->params.vm); }
static struct tl_resp attestations(struct tl_req *r) { return tl_api_attestations(r, r->params.vm); }
static struct tl_resp baseline(struct tl_req *r) { return tl_api_baseline(r, r->params.vm, false); }
static struct tl_resp relearn(struct tl_req *r) { return tl_api_baseline(r, r->params.vm, true); }
static struct tl_resp tokens(struct tl_req *r) { return tl_api_tokens(r, NULL); }
static struct tl_resp token_one(struct tl_req *r) { return tl_api_tokens(r, r->params.token); }
static struct tl_resp recommendations(struct tl_req *r)
{
	return tl_api_vm_recommendations(r, r->params.vm);
}
static struct tl_resp assessment(struct tl_req *r) { return tl_api_vm_assessment(r, r->params.vm); }
static struct tl_resp rec_vms(struct tl_req *r) { return tl_api_rec_vms(r, r->params.id); }
static struct tl_resp host_state(struct tl_req *r) { return tl_api_vm_host_state(r, r->params.vm); }
static struct tl_resp inventory(struct tl_req *r) { return tl_api_host_inventory(r, r->params.id); }

/* {id} of alerts, rules and webhooks: ids this service made (lower-case UUIDs). */
static bool id_ok(struct tl_req *r, const char *what, struct tl_resp *resp)
{
	char code[40], msg[40];
	if (tl_api_vm_id(r->params.id))
		return true;
	snprintf(code, sizeof(code), "%s.not_found", what);
	snprintf(msg, sizeof(msg), "no such %s", what);
	*resp = tl_http_error(404, code, msg, NULL);
	return false;
}
static struct tl_resp alert_one(struct tl_req *r)
{
	struct tl_resp resp;
	return id_ok(r, "alert", &resp) ? tl_api_alert_one(r, r->params.id) : resp;
}
static struct tl_resp alert_dismiss(struct tl_req *r)
{
	struct tl_resp resp;
	return id_ok(r, "alert", &resp) ? tl_api_alert_act(r, r->params.id, "dismiss") : resp;
}
static struct tl_resp alert_resolve(struct tl_req *r)
{
	struct tl_resp resp;
	return id_ok(r, "alert", &resp) ? tl_api_alert_act(r, r->params.id, "resolve") : resp;
}
static struct tl_resp rule_one(struct tl_req *r)
{
	struct tl_resp resp;
	return id_ok(r, "suppression", &resp) ? tl_api_suppression_one(r, r->params.id) : resp;
}
static struct tl_resp hook_one(struct tl_req *r)
{
	struct tl_resp resp;
	return id_ok(r, "webhook", &resp) ? tl_api_webhook_one(r, r->params.id, "") : resp;
}
static struct tl_resp hook_deliveries(struct tl_req *r)
{
	struct tl_resp resp;
	return id_ok(r, "webhook", &resp) ? tl_api_webhook_one(r, r->params.id, "/deliveries")
					  : resp;
}
static struct tl_resp hook_test(struct tl_req *r)
{
	struct tl_resp resp;
	return id_ok(r, "webhook", &resp) ? tl_api_webhook_one(r, r->params.id, "/test") : resp;
}

#define SMALL TL_HTTP_MAX_SMALL_BODY
#define LARGE TL_HTTP_MAX_BODY
#define NONE TL_ROLE_NONE
#define READER TL_ROLE_READER
#define OPERATOR TL_ROLE_OPERATOR
#define ADMIN TL_ROLE_ADMIN

static const struct tl_route routes[] = {
	{ "GET", "/healthz", NONE, TL_GATE_ROLE, 0, healthz },
	{ "GET", "/livez", NONE, TL_GATE_ROLE, 0, livez },
	{ "GET", "/.well-known/jwks.json", NONE, TL_GATE_ROLE, 0, tl_api_jwks },
	{ "GET", "/.well-known/openid-configuration", NONE, TL_GATE_ROLE, 0, tl_api_openid },
	{ "GET", "/v1/vms", READER, TL_GATE_ROLE, 0, vm_list },
	{ "POST", "/v1/vms", OPERATOR, TL_GATE_ROLE, SMALL, vm_list },
	{ "GET", "/v1/vms/{vm}", READER, TL_GATE_ROLE, 0, vm_one },
	{ "PATCH", "/v1/vms/{vm}", OPERATOR, TL_GATE_ROLE, SMALL, vm_one },
	{ "DELETE", "/v1/vms/{vm}", OPERATOR, TL_GATE_ROLE, 0, vm_one },
	{ "POST", "/v1/vms/{vm}/challenge", NONE, TL_GATE_ROLE, SMALL, challenge },
	{ "POST", "/v1/vms/{vm}/attest", NONE, TL_GATE_ENROLLED, LARGE, attest },
	{ "POST", "/v1/vms/{vm}/enroll", NONE, TL_GATE_ROLE, SMALL, enroll },
	{ "POST", "/v1/vms/{vm}/enroll/{eid}/activate", NONE, TL_GATE_ROLE, SMALL, activate },
	{ "POST", "/v1/vms/{vm}/enrollment-token", OPERATOR, TL_GATE_ROLE, SMALL, enroll_token },
	{ "GET", "/v1/vms/{vm}/attestations", READER, TL_GATE_ROLE, 0, attestations },
	{ "GET", "/v1/vms/{vm}/baseline", READER, TL_GATE_ROLE, 0, baseline },
	{ "PUT", "/v1/vms/{vm}/baseline", OPERATOR, TL_GATE_ROLE, LARGE, baseline },
	{ "POST", "/v1/vms/{vm}/baseline/relearn", OPERATOR, TL_GATE_ROLE, SMALL, relearn },
	{ "GET", "/v1/tokens", ADMIN, TL_GATE_ROLE, 0, tokens },
	{ "POST", "/v1/tokens", ADMIN, TL_GATE_ROLE, SMALL, tokens },
	{ "DELETE", "/v1/tokens/{token}", ADMIN, TL_GATE_ROLE, 0, token_one },
	/* the dashboard and its session (docs/dashboard.md), metrics */
	{ "GET", "/", NONE, TL_GATE_ROLE, 0, tl_api_ui_root },
	{ "GET", "/ui", NONE, TL_GATE_ROLE, 0, tl_api_ui_index },
	{ "GET", "/ui/{id}", NONE, TL_GATE_ROLE, 0, tl_api_ui_file },
	{ "GET", "/ui/js/{id}", NONE, TL_GATE_ROLE, 0, tl_api_ui_script },
	{ "POST", "/v1/session", NONE, TL_GATE_ROLE, SMALL, tl_api_session_new },
	{ "GET", "/v1/session", READER, TL_GATE_ROLE, 0, tl_api_session_who },
	{ "DELETE", "/v1/session", NONE, TL_GATE_ROLE, 0, tl_api_session_end },
	{ "GET", "/metrics", READER, TL_GATE_ROLE, 0, tl_api_metrics },
	/* hosts and their daemons (docs/hostd.md) */
	{ "GET", "/v1/hosts", READER, TL_GATE_ROLE, 0, tl_api_hosts },
	{ "PUT", "/v1/hosts/{id}/inventory", OPERATOR, TL_GATE_ROLE, LARGE, inventory },
	{ "POST", "/v1/vms/{vm}/host-state", OPERATOR, TL_GATE_ROLE, SMALL, host_state },
	/* posture (docs/posture.md) */
	{ "GET", "/v1/catalog", READER, TL_GATE_ROLE, 0, tl_api_catalog },
	{ "GET", "/v1/catalog/check", READER, TL_GATE_ROLE, 0, tl_api_catalog_check },
	{ "GET", "/v1/recommendations", READER, TL_GATE_ROLE, 0, tl_api_rec_summary },
	{ "GET", "/v1/recommendations/{id}", READER, TL_GATE_ROLE, 0, rec_vms },
	{ "GET", "/v1/vms/{vm}/recommendations", READER, TL_GATE_ROLE, 0, recommendations },
	{ "GET", "/v1/vms/{vm}/assessment", READER, TL_GATE_ROLE, 0, assessment },
	{ "GET", "/v1/alerts", READER, TL_GATE_ROLE, 0, tl_api_alert_list },
	{ "GET", "/v1/alert-counts", READER, TL_GATE_ROLE, 0, tl_api_alert_counts },
	{ "GET", "/v1/alerts/{id}", READER, TL_GATE_ROLE, 0, alert_one },
	{ "POST", "/v1/alerts/{id}/dismiss", OPERATOR, TL_GATE_ROLE, SMALL, alert_dismiss },
	{ "POST", "/v1/alerts/{id}/resolve", OPERATOR, TL_GATE_ROLE, SMALL, alert_resolve },
	{ "GET", "/v1/suppression-rules", READER, TL_GATE_ROLE, 0, tl_api_suppressions },
	{ "POST", "/v1/suppression-rules", OPERATOR, TL_GATE_ROLE, SMALL, tl_api_suppressions },
	{ "GET", "/v1/suppression-rules/{id}", READER, TL_GATE_ROLE, 0, rule_one },
	{ "DELETE", "/v1/suppression-rules/{id}", OPERATOR, TL_GATE_ROLE, 0, rule_one },
	{ "GET", "/v1/webhooks", READER, TL_GATE_ROLE, 0, tl_api_webhooks },
	{ "POST", "/v1/webhooks", OPERATOR, TL_GATE_ROLE, SMALL, tl_api_webhooks },
	{ "GET", "/v1/webhooks/{id}", READER, TL_GATE_ROLE, 0, hook_one },
	{ "DELETE", "/v1/webhooks/{id}", OPERATOR, TL_GATE_ROLE, 0, hook_one },
	{ "GET", "/v1/webhooks/{id}/deliveries", READER, TL_GATE_ROLE, 0, hook_deliveries },
	{ "POST", "/v1/webhooks/{id}/test", OPERATOR, TL_GATE_ROLE, SMALL, hook_test },
};

const struct tl_route *tl_api_routes(size_t *n)
{
	*n = sizeof(routes) / sizeof(routes[0]);
	return routes;
}

/* The answer to an agent about a VM it may not attest (unknown, or not enrolled: the same
 * answer for both, so that nobody learns without a token which ids exist). */
struct tl_resp tl_api_not_enrolled(void)
{
	return tl_http_error(409, "vm.not_enrolled",
			     "no enrolled VM has this id: enrol the VM first", NULL);
}

/* Before the body: the row's role, and its gate. TL_OK, or resp holds the refusal. */
int tl_api_admit(struct tl_req *r, const struct tl_route *route, struct tl_resp *resp)
{
	int err;

	if (strstr(route->pattern, "{vm}") && !tl_api_vm_id(r->params.vm)) {
		*resp = route->gate == TL_GATE_ENROLLED || route->handler == challenge
				? tl_api_not_enrolled()
				: tl_http_error(404, "vm.not_found", "no such VM", NULL);
		return TL_E_ARG;
	}
	if (route->min_role > TL_ROLE_NONE && (err = tl_http_auth(r, route->min_role, resp)) != TL_OK)
		return err;
	if (route->gate == TL_GATE_ENROLLED) {
		err = tl_store_attest_context(r->srv->store, r->params.vm, &r->prefetch.vm,
					      &r->prefetch.tpm, &r->prefetch.baseline);
		if (err == TL_OK && r->prefetch.vm.enrolled) {
			r->prefetch.valid = true;
			return TL_OK;
		}
		*resp = err == TL_OK || err == TL_E_STORE_NOT_FOUND
				? tl_api_not_enrolled()
				: tl_http_error(503, "store.unavailable", "the database did not answer",
						NULL);
		return err == TL_OK ? TL_E_ARG : err;
	}
	return TL_OK;
}
