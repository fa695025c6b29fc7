/* /v1/alerts (docs/posture.md): newest first, filtered and paged by a cursor; one alert with
 * its audit trail; dismiss and resolve by an operator, with a comment. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api.h"

#define MAX_PAGE 500

static json_t *text_json(const char *text)
{
	json_t *v = text ? json_loads(text, 0, NULL) : NULL;
	return v ? v : json_array();
}

static json_t *alert_json(const struct tl_alert *a)
{
	char seq[24];
	json_t *o = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:o,s:I,s:I,s:I,s:s,s:b,s:s}",
			      "id", a->id, "type", a->type, "severity", a->severity, "status",
			      a->status, "vm_id", a->vm_id, "vm_name", a->vm_name, "tenant",
			      a->tenant, "title", a->title, "description", a->description,
			      "reasons", text_json(a->reasons), "count", (json_int_t)a->count,
			      "first_seen", (json_int_t)a->first_seen, "last_seen",
			      (json_int_t)a->last_seen, "remediation", a->remediation, "open",
			      a->open, "cause", a->cause);
	if (a->module)
		json_object_set_new(o, "module", json_string(a->module));
	if (a->suppressed_by[0])
		json_object_set_new(o, "suppressed_by", json_string(a->suppressed_by));
	snprintf(seq, sizeof(seq), "%lld", (long long)a->seq);
	json_object_set_new(o, "cursor", json_string(seq));
	return o;
}

struct page {
	json_t *list;
	int64_t last_seq;
};

static int add(const struct tl_alert *a, void *arg)
{
	struct page *p = arg;
	json_array_append_new(p->list, alert_json(a));
	p->last_seq = a->seq;
	return TL_OK;
}

static bool one_of(const char *v, const char *const *allowed)
{
	for (size_t i = 0; allowed[i]; i++)
		if (strcmp(v, allowed[i]) == 0)
			return true;
	return false;
}

/* The query's filters, each checked: a bad value is a 400 naming it. */
static bool filters(struct tl_req *r, struct tl_alert_filter *f, struct tl_resp *resp)
{
	static const char *const statuses[] = { "active", "resolved", "dismissed", NULL };
	static const char *const types[] = { "attestation_failure", "untrusted_kernel_module", NULL };
	static const char *const severities[] = { "low", "medium", "high", NULL };
	const char *lim = tl_http_arg(r, "limit"), *cur = tl_http_arg(r, "cursor");
	const char *since = tl_http_arg(r, "since");
	char *end;
	long n = 50;
	memset(f, 0, sizeof(*f));
	f->tenant = r->token.tenant;
	f->status = tl_http_arg(r, "status");
	f->type = tl_http_arg(r, "type");
	f->severity = tl_http_arg(r, "severity");
	f->vm_id = tl_http_arg(r, "vm");
	const char *bad = (f->status && !one_of(f->status, statuses))	    ? "status"
			  : (f->type && !one_of(f->type, types))	    ? "type"
			  : (f->severity && !one_of(f->severity, severities)) ? "severity"
			  : (f->vm_id && !tl_api_vm_id(f->vm_id))	    ? "vm"
									    : NULL;
	if (!bad && lim && ((n = strtol(lim, &end, 10)) < 1 || n > MAX_PAGE || *end || !*lim))
		bad = "limit";
	if (!bad && cur && ((f->before_seq = strtoll(cur, &end, 10)) <= 0 || *end || !*cur))
		bad = "cursor";
	if (!bad && since && ((f->since = strtoll(since, &end, 10)) < 0 || *end || !*since))
		bad = "since";
	if (bad) {
		char msg[96];
		snprintf(msg, sizeof(msg), "the query's %s is not one this endpoint takes", bad);
		*resp = tl_http_error(400, "request.field", msg, bad);
		return false;
	}
	f->limit = (size_t)n;
	return true;
}

struct tl_resp tl_api_alert_list(struct tl_req *r)
{
	struct tl_alert_filter f;
	struct tl_resp resp;
	struct page p = { json_array(), 0 };
	json_t *o;
	char next[24];
	if (!filters(r, &f, &resp)) {
		json_decref(p.list);
		return resp;
	}
	if (tl_store_alert_list(r->srv->store, &f, add, &p) != TL_OK) {
		json_decref(p.list);
		return tl_http_error(503, "store.unavailable", "the database did not answer", NULL);
	}
	o = json_pack("{s:o}", "alerts", p.list);
	if (json_array_size(p.list) == f.limit) {
		snprintf(next, sizeof(next), "%lld", (long long)p.last_seq);
		json_object_set_new(o, "next_cursor", json_string(next));
	} else {
		json_object_set_new(o, "next_cursor", json_null());
	}
	return tl_http_json(200, o);
}

static int add_event(int64_t t, const char *actor, const char *action, const char *comment,
		     void *arg)
{
	json_array_append_new(arg, json_pack("{s:I,s:s,s:s,s:s}", "time", (json_int_t)t, "actor",
					     actor ? actor : "", "action", action ? action : "",
					     "comment", comment ? comment : ""));
	return TL_OK;
}

struct tl_resp tl_api_alert_one(struct tl_req *r, const char *id)
{
	struct tl_alert a;
	json_t *o, *trail = json_array();
	int err = tl_store_alert_get(r->srv->store, r->token.tenant, id, &a);
	if (err == TL_OK)
		err = tl_store_alert_events(r->srv->store, a.id, add_event, trail);
	if (err != TL_OK) {
		json_decref(trail);
		if (err == TL_E_STORE_NOT_FOUND)
			tl_alert_clear(&a);
		return err == TL_E_STORE_NOT_FOUND
			       ? tl_http_error(404, "alert.not_found", "no such alert", NULL)
			       : tl_http_error(503, "store.unavailable", "the database did not answer",
					       NULL);
	}
	o = alert_json(&a);
	json_object_set_new(o, "audit", trail);
	tl_alert_clear(&a);
	return tl_http_json(200, o);
}

/* POST /v1/alerts/{id}/dismiss and /resolve: {comment}. */
struct tl_resp tl_api_alert_act(struct tl_req *r, const char *id, const char *action)
{
	struct tl_resp resp = { 0, NULL, NULL, NULL };
	char comment[512] = "";
	json_t *body = tl_api_body(r, &resp);
	int err;
	if (!body)
		return resp;
	if (!tl_api_text(body, "comment", false, comment, sizeof(comment), &resp)) {
		json_decref(body);
		return resp;
	}
	json_decref(body);
	struct tl_alert a;
	if ((err = tl_store_alert_get(r->srv->store, r->token.tenant, id, &a)) != TL_OK)
		return err == TL_E_STORE_NOT_FOUND
			       ? tl_http_error(404, "alert.not_found", "no such alert", NULL)
			       : tl_http_error(503, "store.unavailable", "the database did not answer",
					       NULL);
	tl_alert_clear(&a);
	err = tl_store_alert_act(r->srv->store, r->token.tenant, id, action, r->token.name,
				 comment, (int64_t)time(NULL));
	if (err == TL_E_STORE_CONFLICT)
		return tl_http_error(409, "alert.unchanged",
				     strcmp(action, "dismiss") == 0 ? "the alert is dismissed already"
								    : "the alert is resolved already",
				     NULL);
	if (err == TL_E_STORE_NOT_FOUND)
		return tl_http_error(404, "alert.not_found", "no such alert", NULL);
	if (err != TL_OK)
		return tl_http_error(503, "store.unavailable", "the database did not answer", NULL);
	return tl_api_alert_one(r, id);
}

static int count_row(const char *const *c, int n, void *arg)
{
	json_t *list = arg;
	if (n != 4 || !c[0] || !c[1] || !c[2] || !c[3])
		return TL_E_STORE;
	json_array_append_new(list, json_pack("{s:s,s:s,s:s,s:I}", "type", c[0], "severity", c[1],
					      "status", c[2], "count",
					      (json_int_t)strtoll(c[3], NULL, 10)));
	return TL_OK;
}

/* GET /v1/alert-counts: the tenant's alerts by type, severity and status (a handful of rows:
 * 2 types x 2 severities x 3 statuses at most), and the active ones by severity. */
struct tl_resp tl_api_alert_counts(struct tl_req *r)
{
	json_t *list = json_array(), *row, *active = json_pack("{s:i,s:i}", "medium", 0, "low", 0);
	size_t i;
	if (tl_store_alert_counts(r->srv->store, r->token.tenant, count_row, list) != TL_OK) {
		json_decref(list);
		json_decref(active);
		return tl_http_error(503, "store.unavailable", "the database did not answer", NULL);
	}
	json_array_foreach(list, i, row) {
		const char *sev = json_string_value(json_object_get(row, "severity"));
		json_t *n = json_object_get(active, sev ? sev : "");
		if (n && strcmp(json_string_value(json_object_get(row, "status")), "active") == 0)
			json_integer_set(n, json_integer_value(n) +
						    json_integer_value(json_object_get(row, "count")));
	}
	return tl_http_json(200, json_pack("{s:o,s:o}", "active", active, "counts", list));
}
