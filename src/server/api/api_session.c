/* The dashboard's sign-in (docs/dashboard.md): an API token becomes an HttpOnly,
 * SameSite=Strict session cookie that the page's scripts cannot read; the HTTP layer takes
 * the cookie as the bearer token when no Authorization header is sent, and asks changes made
 * by cookie for the X-TL-Request header. The dashboard's files are served from
 * --dashboard-dir, with a strict Content-Security-Policy. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "file.h"

#define SESSION_SECONDS 28800 /* a working day; then sign in again */
#define MAX_ASSET (1u << 20)

static bool token_chars(const char *t)
{
	size_t n = strlen(t);
	if (n < 16 || n > 256)
		return false;
	for (; *t; t++) /* what may stand in a cookie: no separators, no CR or LF */
		if (!((*t >= '0' && *t <= '9') || (*t >= 'a' && *t <= 'z') ||
		      (*t >= 'A' && *t <= 'Z') || *t == '-' || *t == '_'))
			return false;
	return true;
}

static struct tl_resp who(const struct tl_token *t, unsigned status)
{
	return tl_http_json(status, json_pack("{s:s,s:s,s:s}", "name", t->name, "role", t->role,
					      "tenant", t->tenant));
}

static struct tl_resp with_cookie(struct tl_resp resp, const char *value, long max_age,
				  bool secure)
{
	struct tl_resp_head *h = calloc(1, sizeof(*h));
	if (!h)
		return resp;
	snprintf(h->set_cookie, sizeof(h->set_cookie),
		 "%s=%s; Path=/; HttpOnly; SameSite=Strict; Max-Age=%ld%s", TL_SESSION_COOKIE,
		 value, max_age, secure ? "; Secure" : "");
	resp.head = h;
	return resp;
}

/* POST /v1/session {token}: signs in. */
struct tl_resp tl_api_session_new(struct tl_req *r)
{
	struct tl_resp resp = { 0, NULL, NULL, NULL };
	struct tl_token t;
	char token[300] = "", hash[65];
	json_t *body = tl_api_body(r, &resp);
	int err;
	if (!body)
		return resp;
	if (!tl_api_text(body, "token", true, token, sizeof(token), &resp)) {
		json_decref(body);
		return resp;
	}
	json_decref(body);
	if (!token_chars(token) || tl_api_sha256_hex(token, strlen(token), hash) != TL_OK)
		return tl_http_error(401, "auth.invalid", "the token is not known", NULL);
	err = tl_store_token_find(r->srv->store, hash, &t);
	if (err == TL_E_STORE_NOT_FOUND)
		return tl_http_error(401, "auth.invalid", "the token is not known", NULL);
	if (err != TL_OK)
		return tl_http_error(503, "store.unavailable", "the database did not answer", NULL);
	return with_cookie(who(&t, 200), token, SESSION_SECONDS,
			   strncmp(r->srv->issuer, "https://", 8) == 0);
}

/* GET /v1/session: who the caller is (by cookie or bearer token). */
struct tl_resp tl_api_session_who(struct tl_req *r)
{
	return who(&r->token, 200);
}

/* DELETE /v1/session: signs out (the cookie is dropped; the token itself stays valid). */
struct tl_resp tl_api_session_end(struct tl_req *r)
{
	return with_cookie(tl_http_json(200, json_pack("{s:b}", "signed_out", 1)), "", 0,
			   strncmp(r->srv->issuer, "https://", 8) == 0);
}

/* A file of the dashboard: a plain name with a known extension, nothing else. */
static const char *content_type(const char *name)
{
	size_t n = strlen(name), i;
	const char *dot = strrchr(name, '.');
	if (n == 0 || n > 48 || !dot || name[0] < 'a' || name[0] > 'z')
		return NULL;
	for (i = 0; name + i < dot; i++)
		if (!((name[i] >= 'a' && name[i] <= 'z') || (name[i] >= '0' && name[i] <= '9') ||
		      name[i] == '-' || name[i] == '_'))
			return NULL;
	return strcmp(dot, ".html") == 0 ? "text/html; charset=utf-8"
	       : strcmp(dot, ".css") == 0 ? "text/css; charset=utf-8"
	       : strcmp(dot, ".js") == 0  ? "text/javascript; charset=utf-8"
					  : NULL;
}

static struct tl_resp asset(struct tl_req *r, const char *sub, const char *name)
{
	const char *type = content_type(name);
	char path[4096];
	uint8_t *buf;
	size_t len;
	struct tl_resp resp = { 200, NULL, NULL, NULL };
	if (!type || !r->srv->dashboard_dir)
		return tl_http_error(404, "request.not_found", "no such file", NULL);
	snprintf(path, sizeof(path), "%s/%s%s", r->srv->dashboard_dir, sub, name);
	if (tl_file_read(path, MAX_ASSET, &buf, &len) != TL_OK)
		return tl_http_error(404, "request.not_found", "no such file", NULL);
	if (!(resp.head = calloc(1, sizeof(*resp.head)))) {
		free(buf);
		return tl_http_error(503, "server.busy", "out of memory", NULL);
	}
	resp.text = (char *)buf; /* NUL-terminated by tl_file_read; text files only */
	resp.head->content_type = type;
	resp.head->cacheable = true;
	return resp;
}

struct tl_resp tl_api_ui_index(struct tl_req *r) { return asset(r, "", "index.html"); }
struct tl_resp tl_api_ui_file(struct tl_req *r) { return asset(r, "", r->params.id); }
struct tl_resp tl_api_ui_script(struct tl_req *r) { return asset(r, "js/", r->params.id); }

/* GET /: the dashboard. */
struct tl_resp tl_api_ui_root(struct tl_req *r)
{
	struct tl_resp resp = tl_http_json(302, json_pack("{s:s}", "location", "/ui"));
	(void)r;
	if ((resp.head = calloc(1, sizeof(*resp.head))))
		snprintf(resp.head->location, sizeof(resp.head->location), "/ui");
	return resp;
}
