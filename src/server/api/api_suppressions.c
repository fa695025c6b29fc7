/* /v1/suppression-rules (docs/posture.md): a new alert a rule matches is recorded as
 * dismissed, with the rule named, and not delivered as new. ?dry_run=1 says how many active
 * alerts a rule would match, and creates nothing. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api.h"

#define MAX_LIST_ITEMS 256

static json_t *rule_json(const struct tl_suppression *s)
{
	json_t *vm_ids = json_loads(s->vm_ids, 0, NULL), *codes = json_loads(s->reason_codes, 0, NULL);
	json_t *o = json_pack("{s:s,s:s,s:s,s:o,s:o,s:s,s:s,s:I,s:s}", "id", s->id, "tenant",
			      s->tenant, "alert_type", s->alert_type, "vm_ids",
			      vm_ids ? vm_ids : json_array(), "reason_codes",
			      codes ? codes : json_array(), "reason", s->reason, "comment",
			      s->comment, "created", (json_int_t)s->created, "created_by",
			      s->created_by);
	json_object_set_new(o, "expires", s->expires ? json_integer(s->expires) : json_null());
	return o;
}

/* A list of at most MAX_LIST_ITEMS short printable strings, as JSON text ("[]" if absent). */
static bool string_list(json_t *body, const char *key, bool vm_ids, char **out,
			struct tl_resp *resp)
{
	json_t *a = json_object_get(body, key), *v;
	size_t i;
	char msg[128];
	if (!a) {
		*out = strdup("[]");
		return *out != NULL;
	}
	json_array_foreach(a, i, v) {
		const char *s = json_string_value(v);
		bool ok = s && *s && strlen(s) < 128 && (!vm_ids || tl_api_vm_id(s));
		for (const char *p = s; ok && *p; p++)
			ok = (unsigned char)*p > 0x20 && *p != 0x7f;
		if (!ok)
			break;
	}
	if (!json_is_array(a) || json_array_size(a) > MAX_LIST_ITEMS || i < json_array_size(a)) {
		snprintf(msg, sizeof(msg), "%s must be a list of %s", key,
			 vm_ids ? "VM ids" : "reason codes");
		*resp = tl_http_error(400, "request.field", msg, key);
		return false;
	}
	*out = json_dumps(a, JSON_COMPACT);
	return *out != NULL;
}

static bool parse_rule(struct tl_req *r, json_t *body, struct tl_suppression *s,
		       struct tl_resp *resp)
{
	json_t *exp = json_object_get(body, "expires");
	memset(s, 0, sizeof(*s));
	snprintf(s->tenant, sizeof(s->tenant), "%s", r->token.tenant);
	if (!tl_api_text(body, "alert_type", true, s->alert_type, sizeof(s->alert_type), resp) ||
	    !tl_api_text(body, "reason", true, s->reason, sizeof(s->reason), resp) ||
	    !tl_api_text(body, "comment", false, s->comment, sizeof(s->comment), resp) ||
	    (strcmp(r->token.tenant, "*") == 0 &&
	     !tl_api_text(body, "tenant", false, s->tenant, sizeof(s->tenant), resp)) ||
	    !string_list(body, "vm_ids", true, &s->vm_ids, resp) ||
	    !string_list(body, "reason_codes", false, &s->reason_codes, resp))
		return false;
	if (strcmp(s->alert_type, "attestation_failure") != 0 &&
	    strcmp(s->alert_type, "untrusted_kernel_module") != 0) {
		*resp = tl_http_error(400, "request.field",
				      "alert_type is attestation_failure or untrusted_kernel_module",
				      "alert_type");
		return false;
	}
	if (exp && (!json_is_integer(exp) || json_integer_value(exp) <= (json_int_t)time(NULL))) {
		*resp = tl_http_error(400, "request.field",
				      "expires is a time in the future (Unix seconds)", "expires");
		return false;
	}
	s->expires = exp ? (int64_t)json_integer_value(exp) : 0;
	s->created = (int64_t)time(NULL);
	snprintf(s->created_by, sizeof(s->created_by), "%s", r->token.name);
	return true;
}

struct dry {
	const struct tl_suppression *rule;
	int64_t now, matched;
};

static int count_match(const struct tl_alert *a, void *arg)
{
	struct dry *d = arg;
	json_t *reasons = json_loads(a->reasons, 0, NULL), *x;
	const char *codes[16];
	size_t i, n = 0;
	json_array_foreach(reasons, i, x)
		if (n < 15 && json_is_string(json_object_get(x, "code")))
			codes[n++] = json_string_value(json_object_get(x, "code"));
	codes[n] = NULL;
	d->matched += tl_suppression_matches(d->rule, a->type, a->vm_id, codes, d->now);
	json_decref(reasons);
	return TL_OK;
}

static struct tl_resp dry_run(struct tl_req *r, const struct tl_suppression *s)
{
	struct dry d = { s, (int64_t)time(NULL), 0 };
	struct tl_alert_filter f = { .tenant = s->tenant, .status = "active", .limit = 100000 };
	if (tl_store_alert_list(r->srv->store, &f, count_match, &d) != TL_OK)
		return tl_http_error(503, "store.unavailable", "the database did not answer", NULL);
	json_t *o = json_pack("{s:b,s:I,s:o}", "dry_run", 1, "matching_active_alerts",
			      (json_int_t)d.matched, "rule", rule_json(s));
	return tl_http_json(200, o);
}

static struct tl_resp create(struct tl_req *r)
{
	struct tl_resp resp = { 0, NULL, NULL, NULL };
	struct tl_suppression s;
	const char *dry = tl_http_arg(r, "dry_run");
	json_t *body = tl_api_body(r, &resp);
	if (!body)
		return resp;
	if (!parse_rule(r, body, &s, &resp) || tl_api_uuid(s.id) != TL_OK) {
		json_decref(body);
		tl_suppression_clear(&s);
		return resp.status ? resp : tl_http_error(503, "server.busy", "no randomness", NULL);
	}
	json_decref(body);
	if (dry && strcmp(dry, "1") == 0)
		resp = dry_run(r, &s);
	else if (tl_store_suppression_add(r->srv->store, &s) != TL_OK)
		resp = tl_http_error(503, "store.unavailable", "the rule was not stored", NULL);
	else
		resp = tl_http_json(201, rule_json(&s));
	tl_suppression_clear(&s);
	return resp;
}

static int add_rule(const struct tl_suppression *s, void *arg)
{
	struct tl_api_page *pg = arg;
	if (tl_api_page_take(pg))
		tl_api_page_add(pg, rule_json(s), s->created, s->id);
	return TL_OK;
}

struct tl_resp tl_api_suppressions(struct tl_req *r)
{
	struct tl_api_page pg;
	struct tl_resp resp;
	if (strcmp(r->method, "POST") == 0)
		return create(r);
	if (!tl_api_page_args(r, TL_API_LIST_DEFAULT, tl_api_vm_id, &pg, &resp))
		return resp;
	if (tl_store_suppression_list(r->srv->store, r->token.tenant, pg.after_num,
				      pg.has_cursor ? pg.after_key : NULL, pg.limit + 1, add_rule,
				      &pg) != TL_OK) {
		tl_api_page_free(&pg);
		return tl_http_error(503, "store.unavailable", "the database did not answer", NULL);
	}
	return tl_http_json(200, tl_api_page_answer(&pg, json_object(), "rules"));
}

struct tl_resp tl_api_suppression_one(struct tl_req *r, const char *id)
{
	struct tl_suppression s;
	int err;
	if (strcmp(r->method, "DELETE") == 0) {
		err = tl_store_suppression_delete(r->srv->store, r->token.tenant, id);
		return err == TL_OK ? tl_http_json(200, json_pack("{s:s}", "deleted", id))
		       : err == TL_E_STORE_NOT_FOUND
			       ? tl_http_error(404, "suppression.not_found", "no such rule", NULL)
			       : tl_http_error(503, "store.unavailable", "the database did not answer",
					       NULL);
	}
	err = tl_store_suppression_get(r->srv->store, r->token.tenant, id, &s);
	if (err != TL_OK)
		return err == TL_E_STORE_NOT_FOUND
			       ? tl_http_error(404, "suppression.not_found", "no such rule", NULL)
			       : tl_http_error(503, "store.unavailable", "the database did not answer",
					       NULL);
	json_t *o = rule_json(&s);
	tl_suppression_clear(&s);
	return tl_http_json(200, o);
}
