/* API v1 routing, authentication, and the health endpoint. */
#include <stdio.h>
#include <string.h>

#include "api.h"
#include "http.h"
#include "trustlaunch/hash.h"

static int role_rank(const char *role)
{
	return strcmp(role, "admin") == 0 ? 3 : strcmp(role, "operator") == 0 ? 2
					   : strcmp(role, "reader") == 0   ? 1
									   : 0;
}

int tl_http_auth(struct tl_req *r, const char *min_role, struct tl_resp *resp)
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
	if (role_rank(r->token.role) < role_rank(min_role)) {
		*resp = tl_http_error(403, "auth.role", "the token's role does not allow this", NULL);
		return TL_E_ARG;
	}
	return TL_OK;
}

static struct tl_resp healthz(struct tl_req *r)
{
	json_t *o = json_object();
	json_object_set_new(o, "status", json_string("ok"));
	json_object_set_new(o, "schema", json_integer(tl_store_schema_version(r->srv->store)));
	return tl_http_json(200, o);
}

/* rest: "" or "/{id}[/dismiss|/resolve]" */
static struct tl_resp alerts(struct tl_req *r, const char *rest)
{
	struct tl_resp resp;
	char id[TL_ID_LEN];
	bool get = strcmp(r->method, "GET") == 0;
	if (tl_http_auth(r, get ? "reader" : "operator", &resp) != TL_OK)
		return resp;
	if (!*rest)
		return get ? tl_api_alert_list(r)
			   : tl_http_error(405, "request.method", "use GET", NULL);
	snprintf(id, sizeof(id), "%.*s", TL_ID_LEN - 1, rest + 1);
	if (strlen(rest + 1) < TL_ID_LEN - 1 || !tl_api_vm_id(id))
		return tl_http_error(404, "alert.not_found", "no such alert", NULL);
	rest += TL_ID_LEN;
	if (!*rest)
		return get ? tl_api_alert_one(r, id)
			   : tl_http_error(405, "request.method", "use GET", NULL);
	if (strcmp(rest, "/dismiss") != 0 && strcmp(rest, "/resolve") != 0)
		return tl_http_error(404, "request.not_found", "no such endpoint", NULL);
	if (strcmp(r->method, "POST") != 0)
		return tl_http_error(405, "request.method", "use POST", NULL);
	return tl_api_alert_act(r, id, rest[1] == 'd' ? "dismiss" : "resolve");
}

static struct tl_resp suppressions(struct tl_req *r, const char *rest)
{
	struct tl_resp resp;
	char id[TL_ID_LEN];
	bool get = strcmp(r->method, "GET") == 0;
	if (tl_http_auth(r, get ? "reader" : "operator", &resp) != TL_OK)
		return resp;
	if (!*rest)
		return get || strcmp(r->method, "POST") == 0
			       ? tl_api_suppressions(r)
			       : tl_http_error(405, "request.method", "use GET or POST", NULL);
	snprintf(id, sizeof(id), "%.*s", TL_ID_LEN - 1, rest + 1);
	if (strlen(rest + 1) != TL_ID_LEN - 1 || !tl_api_vm_id(id))
		return tl_http_error(404, "suppression.not_found", "no such rule", NULL);
	if (!get && strcmp(r->method, "DELETE") != 0)
		return tl_http_error(405, "request.method", "use GET or DELETE", NULL);
	return tl_api_suppression_one(r, id);
}

static struct tl_resp webhooks(struct tl_req *r, const char *rest)
{
	struct tl_resp resp;
	char id[TL_ID_LEN];
	const char *sub;
	bool get = strcmp(r->method, "GET") == 0;
	if (tl_http_auth(r, get ? "reader" : "operator", &resp) != TL_OK)
		return resp;
	if (!*rest)
		return get || strcmp(r->method, "POST") == 0
			       ? tl_api_webhooks(r)
			       : tl_http_error(405, "request.method", "use GET or POST", NULL);
	snprintf(id, sizeof(id), "%.*s", TL_ID_LEN - 1, rest + 1);
	if (strlen(rest + 1) < TL_ID_LEN - 1 || !tl_api_vm_id(id))
		return tl_http_error(404, "webhook.not_found", "no such webhook", NULL);
	sub = rest + TL_ID_LEN;
	if (*sub && strcmp(sub, "/deliveries") != 0 && strcmp(sub, "/test") != 0)
		return tl_http_error(404, "request.not_found", "no such endpoint", NULL);
	if ((!*sub && !get && strcmp(r->method, "DELETE") != 0) ||
	    (strcmp(sub, "/deliveries") == 0 && !get) || (strcmp(sub, "/test") == 0 &&
							  strcmp(r->method, "POST") != 0))
		return tl_http_error(405, "request.method", "not with this method", NULL);
	return tl_api_webhook_one(r, id, sub);
}

struct tl_resp tl_api_handle(struct tl_req *r)
{
	const char *p = r->path;
	if (strcmp(p, "/healthz") == 0)
		return strcmp(r->method, "GET") == 0
			       ? healthz(r)
			       : tl_http_error(405, "request.method", "use GET", NULL);
	if (strcmp(p, "/v1/vms") == 0 || strncmp(p, "/v1/vms/", 8) == 0)
		return tl_api_vms(r, p + 7);
	if (strcmp(p, "/v1/catalog") == 0 || strcmp(p, "/v1/catalog/check") == 0) {
		struct tl_resp resp;
		if (strcmp(r->method, "GET") != 0)
			return tl_http_error(405, "request.method", "use GET", NULL);
		if (tl_http_auth(r, "reader", &resp) != TL_OK)
			return resp;
		return p[11] ? tl_api_catalog_check(r) : tl_api_catalog(r);
	}
	if (strcmp(p, "/v1/alerts") == 0 || strncmp(p, "/v1/alerts/", 11) == 0)
		return alerts(r, p + 10);
	if (strcmp(p, "/v1/suppression-rules") == 0 || strncmp(p, "/v1/suppression-rules/", 22) == 0)
		return suppressions(r, p + 21);
	if (strcmp(p, "/v1/webhooks") == 0 || strncmp(p, "/v1/webhooks/", 13) == 0)
		return webhooks(r, p + 12);
	if (strcmp(p, "/v1/tokens") == 0)
		return tl_api_tokens(r, NULL);
	if (strncmp(p, "/v1/tokens/", 11) == 0)
		return tl_api_tokens(r, p + 11);
	if (strcmp(p, "/.well-known/jwks.json") == 0)
		return strcmp(r->method, "GET") == 0
			       ? tl_api_jwks(r)
			       : tl_http_error(405, "request.method", "use GET", NULL);
	if (strcmp(p, "/.well-known/openid-configuration") == 0)
		return strcmp(r->method, "GET") == 0
			       ? tl_api_openid(r)
			       : tl_http_error(405, "request.method", "use GET", NULL);
	return tl_http_error(404, "request.not_found", "no such endpoint", NULL);
}
