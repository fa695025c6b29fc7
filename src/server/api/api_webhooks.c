/* /v1/webhooks (docs/posture.md): subscriptions to events, each with a signing secret shown
 * once; their deliveries, newest first; a test event. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api.h"
#include "trustlaunch/webhook.h"
#include "webhook_sender.h"

#define MAX_PAGE 500

void tl_api_webhooks_kick(struct tl_server *srv)
{
	tl_webhook_sender_kick(srv->sender);
}

static const char *const event_types[] = { "alert.created", "alert.updated", "alert.resolved",
					   "attestation.unhealthy", "recommendation.changed",
					   NULL };

static json_t *hook_json(const struct tl_webhook *w, bool secret)
{
	json_t *events = json_loads(w->events, 0, NULL);
	json_t *o = json_pack("{s:s,s:s,s:s,s:o,s:I,s:s}", "id", w->id, "tenant", w->tenant, "url",
			      w->url, "events", events ? events : json_array(), "created",
			      (json_int_t)w->created, "created_by", w->created_by);
	if (secret)
		json_object_set_new(o, "secret", json_string(w->secret));
	return o;
}

/* http:// or https://, printable, no spaces or fragments: where the service POSTs. */
static bool url_ok(const char *u)
{
	if (strncmp(u, "http://", 7) != 0 && strncmp(u, "https://", 8) != 0)
		return false;
	for (const char *p = u; *p; p++)
		if ((unsigned char)*p <= 0x20 || *p == 0x7f || *p == '#')
			return false;
	return strlen(u) > 8;
}

static bool events_of(json_t *body, char out[512], struct tl_resp *resp)
{
	json_t *a = json_object_get(body, "events"), *v;
	size_t i, k;
	char *text;
	json_array_foreach(a, i, v) {
		for (k = 0; event_types[k]; k++)
			if (json_is_string(v) && strcmp(json_string_value(v), event_types[k]) == 0)
				break;
		if (!event_types[k])
			break;
	}
	if (!json_is_array(a) || !json_array_size(a) || i < json_array_size(a) ||
	    !(text = json_dumps(a, JSON_COMPACT)) || strlen(text) >= 512) {
		*resp = tl_http_error(400, "request.field",
				      "events is a list of alert.created, alert.updated, "
				      "alert.resolved, attestation.unhealthy, "
				      "recommendation.changed",
				      "events");
		return false;
	}
	snprintf(out, 512, "%s", text);
	free(text);
	return true;
}

static struct tl_resp create(struct tl_req *r)
{
	struct tl_resp resp = { 0, NULL, NULL, NULL };
	struct tl_webhook w;
	uint8_t key[TL_WEBHOOK_KEY_LEN];
	json_t *body = tl_api_body(r, &resp);
	if (!body)
		return resp;
	memset(&w, 0, sizeof(w));
	snprintf(w.tenant, sizeof(w.tenant), "%s", r->token.tenant);
	if (!tl_api_text(body, "url", true, w.url, sizeof(w.url), &resp) ||
	    !events_of(body, w.events, &resp))
		goto out;
	if (!url_ok(w.url)) {
		resp = tl_http_error(400, "request.field", "url is an http:// or https:// URL", "url");
		goto out;
	}
	if (tl_api_uuid(w.id) != TL_OK || tl_webhook_secret_new(key, w.secret) != TL_OK) {
		resp = tl_http_error(503, "server.busy", "no randomness", NULL);
		goto out;
	}
	w.created = (int64_t)time(NULL);
	snprintf(w.created_by, sizeof(w.created_by), "%s", r->token.name);
	resp = tl_store_webhook_add(r->srv->store, &w) == TL_OK
		       ? tl_http_json(201, hook_json(&w, true))
		       : tl_http_error(503, "store.unavailable", "the webhook was not stored", NULL);
out:
	json_decref(body);
	return resp;
}

static int add_hook(const struct tl_webhook *w, void *arg)
{
	struct tl_api_page *pg = arg;
	if (tl_api_page_take(pg))
		tl_api_page_add(pg, hook_json(w, false), w->created, w->id);
	return TL_OK;
}

struct tl_resp tl_api_webhooks(struct tl_req *r)
{
	struct tl_api_page pg;
	struct tl_resp resp;
	if (strcmp(r->method, "POST") == 0)
		return create(r);
	if (!tl_api_page_args(r, TL_API_LIST_DEFAULT, tl_api_vm_id, &pg, &resp))
		return resp;
	if (tl_store_webhook_list(r->srv->store, r->token.tenant, pg.after_num,
				  pg.has_cursor ? pg.after_key : NULL, pg.limit + 1, add_hook,
				  &pg) != TL_OK) {
		tl_api_page_free(&pg);
		return tl_http_error(503, "store.unavailable", "the database did not answer", NULL);
	}
	return tl_http_json(200, tl_api_page_answer(&pg, json_object(), "webhooks"));
}

static struct tl_resp not_found(int err)
{
	return err == TL_E_STORE_NOT_FOUND
		       ? tl_http_error(404, "webhook.not_found", "no such webhook", NULL)
		       : tl_http_error(503, "store.unavailable", "the database did not answer", NULL);
}

struct page {
	json_t *list;
	int64_t last;
};

static int add_delivery(const struct tl_delivery *d, void *arg)
{
	struct page *p = arg;
	json_array_append_new(
		p->list, json_pack("{s:s,s:s,s:I,s:i,s:i,s:s,s:I}", "event_id", d->event_id, "type",
				   d->type, "time", (json_int_t)d->time, "attempt", d->attempt,
				   "status", d->status, "error", d->error, "duration_ms",
				   (json_int_t)d->duration_ms));
	p->last = d->id;
	return TL_OK;
}

static struct tl_resp deliveries(struct tl_req *r, const char *id)
{
	const char *lim = tl_http_arg(r, "limit"), *cur = tl_http_arg(r, "cursor");
	long n = 50;
	long long before = 0;
	char *end, next[24];
	struct page p = { NULL, 0 };
	if ((lim && ((n = strtol(lim, &end, 10)) < 1 || n > MAX_PAGE || *end || !*lim)) ||
	    (cur && ((before = strtoll(cur, &end, 10)) <= 0 || *end || !*cur)))
		return tl_http_error(400, "request.field", "limit is 1 to 500; cursor as given",
				     lim && (n < 1 || n > MAX_PAGE) ? "limit" : "cursor");
	p.list = json_array();
	if (tl_store_delivery_list(r->srv->store, id, before, (size_t)n, add_delivery, &p) != TL_OK) {
		json_decref(p.list);
		return tl_http_error(503, "store.unavailable", "the database did not answer", NULL);
	}
	json_t *o = json_pack("{s:s,s:o}", "webhook_id", id, "deliveries", p.list);
	snprintf(next, sizeof(next), "%lld", (long long)p.last);
	json_object_set_new(o, "next_cursor", json_array_size(p.list) == (size_t)n
						      ? json_string(next)
						      : json_null());
	return tl_http_json(200, o);
}

/* POST /v1/webhooks/{id}/test: a webhook.test event to this webhook alone. */
static struct tl_resp test_event(struct tl_req *r, const struct tl_webhook *w)
{
	char *text;
	int err;
	json_t *o = json_pack("{s:s,s:I,s:{s:s}}", "type", "webhook.test", "timestamp",
			      (json_int_t)time(NULL), "data", "webhook_id", w->id);
	text = o ? json_dumps(o, JSON_COMPACT) : NULL;
	json_decref(o);
	if (!text)
		return tl_http_error(503, "server.busy", "out of memory", NULL);
	err = tl_store_webhook_test(r->srv->store, w->id, text, (int64_t)time(NULL));
	free(text);
	if (err != TL_OK)
		return tl_http_error(503, "store.unavailable", "the event was not stored", NULL);
	tl_api_webhooks_kick(r->srv);
	return tl_http_json(202, json_pack("{s:s,s:s}", "webhook_id", w->id, "queued",
					   "webhook.test"));
}

/* /v1/webhooks/{id}[/deliveries|/test] */
struct tl_resp tl_api_webhook_one(struct tl_req *r, const char *id, const char *sub)
{
	struct tl_webhook w;
	int err;
	if (strcmp(r->method, "DELETE") == 0 && !*sub) {
		err = tl_store_webhook_delete(r->srv->store, r->token.tenant, id);
		return err == TL_OK ? tl_http_json(200, json_pack("{s:s}", "deleted", id))
				    : not_found(err);
	}
	if ((err = tl_store_webhook_get(r->srv->store, r->token.tenant, id, &w)) != TL_OK)
		return not_found(err);
	if (!*sub)
		return tl_http_json(200, hook_json(&w, false));
	if (strcmp(sub, "/deliveries") == 0)
		return deliveries(r, w.id);
	return test_event(r, &w);
}
