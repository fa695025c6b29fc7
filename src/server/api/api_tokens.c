/* /v1/tokens: API tokens, managed by administrators. A token is shown once, when made; the
 * store keeps its SHA-256 only. Its id is the first 12 hex digits of that hash. A tenant's
 * administrator manages its own tenant's tokens; an all-tenant administrator every token. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "api.h"
#include "trustlaunch/hash.h"

#define TOKEN_ID_LEN 12

static json_t *token_json(const struct tl_token *t)
{
	return json_pack("{s:s%,s:s,s:s,s:s,s:I}", "id", t->hash, (size_t)TOKEN_ID_LEN, "name", t->name,
			 "role", t->role, "tenant", t->tenant, "created", (json_int_t)t->created);
}

static int add(const struct tl_token *t, void *arg)
{
	struct tl_api_page *pg = arg;
	char id[TOKEN_ID_LEN + 1];
	snprintf(id, sizeof(id), "%.*s", TOKEN_ID_LEN, t->hash);
	if (tl_api_page_take(pg))
		tl_api_page_add(pg, token_json(t), t->created, id);
	return TL_OK;
}

/* a cursor's key: a token's id (its hash's first digits), never the hash */
static bool token_key(const char *key)
{
	return strlen(key) == TOKEN_ID_LEN && strspn(key, "0123456789abcdef") == TOKEN_ID_LEN;
}

static struct tl_resp list(struct tl_req *r)
{
	struct tl_resp resp;
	struct tl_api_page pg;
	if (!tl_api_page_args(r, TL_API_LIST_MAX, token_key, &pg, &resp))
		return resp;
	if (tl_store_token_list(r->srv->store, r->token.tenant, pg.after_num,
				pg.has_cursor ? pg.after_key : NULL, pg.limit + 1, add, &pg) != TL_OK) {
		tl_api_page_free(&pg);
		return tl_http_error(503, "store.unavailable", "the database did not answer", NULL);
	}
	return tl_http_json(200, tl_api_page_answer(&pg, json_object(), "tokens"));
}

static struct tl_resp create(struct tl_req *r)
{
	struct tl_resp resp = { 0, NULL, NULL, NULL };
	struct tl_token t;
	char tok[65];
	json_t *body = tl_api_body(r, &resp), *o;

	if (!body)
		return resp;
	memset(&t, 0, sizeof(t));
	if (!tl_api_text(body, "name", true, t.name, sizeof(t.name), &resp) ||
	    !tl_api_text(body, "role", true, t.role, sizeof(t.role), &resp))
		goto out;
	enum tl_role role;
	if (tl_role_parse(t.role, &role) != TL_OK) {
		resp = tl_http_error(400, "request.field", "role must be reader, operator or admin",
				     "role");
		goto out;
	}
	snprintf(t.tenant, sizeof(t.tenant), "%s", r->token.tenant);
	if (strcmp(r->token.tenant, "*") == 0) {
		snprintf(t.tenant, sizeof(t.tenant), "default");
		if (!tl_api_text(body, "tenant", false, t.tenant, sizeof(t.tenant), &resp))
			goto out;
	} else if (json_object_get(body, "tenant") &&
		   strcmp(json_string_value(json_object_get(body, "tenant")) ?: "", t.tenant) != 0) {
		resp = tl_http_error(403, "auth.tenant", "a tenant's token makes tokens of its tenant only",
				     "tenant");
		goto out;
	}
	if (tl_api_new_secret(tok, t.hash) != TL_OK) {
		resp = tl_http_error(500, "server.internal", "no randomness", NULL);
		goto out;
	}
	t.created = (int64_t)time(NULL);
	if (tl_store_token_add(r->srv->store, &t) != TL_OK) {
		resp = tl_http_error(503, "store.unavailable", "the token was not stored", NULL);
		goto out;
	}
	o = token_json(&t);
	json_object_set_new(o, "token", json_string(tok));
	resp = tl_http_json(201, o);
out:
	json_decref(body);
	return resp;
}

struct tl_resp tl_api_tokens(struct tl_req *r, const char *id)
{
	struct tl_resp resp;
	int err;

	if (tl_http_auth(r, TL_ROLE_ADMIN, &resp) != TL_OK)
		return resp;
	if (!id) {
		if (strcmp(r->method, "POST") == 0)
			return create(r);
		if (strcmp(r->method, "GET") != 0)
			return tl_http_error(405, "request.method", "use GET or POST", NULL);
		return list(r);
	}
	if (strcmp(r->method, "DELETE") != 0)
		return tl_http_error(405, "request.method", "use DELETE", NULL);
	if (strlen(id) != TOKEN_ID_LEN || strspn(id, "0123456789abcdef") != TOKEN_ID_LEN)
		return tl_http_error(404, "token.not_found", "no such token", NULL);
	if (strncmp(id, r->token.hash, TOKEN_ID_LEN) == 0)
		return tl_http_error(409, "token.self", "a token cannot revoke itself", NULL);
	err = tl_store_token_revoke(r->srv->store, r->token.tenant, id);
	if (err == TL_E_STORE_NOT_FOUND)
		return tl_http_error(404, "token.not_found", "no such token", NULL);
	if (err != TL_OK)
		return tl_http_error(503, "store.unavailable", "the database did not answer", NULL);
	return tl_http_json(200, json_pack("{s:s}", "revoked", id));
}
