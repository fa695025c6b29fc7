/* A VM's record: its attestations, and the baseline they are compared with (learned from the
 * first healthy attestation, relearned on request, or set from a reference manifest). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api.h"
#include "trustlaunch/compare.h"

#define LIST_DEFAULT 50

static int add_att(const struct tl_attestation *a, void *arg)
{
	struct tl_api_page *pg = arg;
	json_error_t jerr;
	json_t *o;
	if (!tl_api_page_take(pg))
		return TL_OK;
	if (!(o = json_loads(a->result, 0, &jerr)))
		o = json_object();
	json_object_set_new(o, "id", tl_api_id_json(a->id));
	json_object_set_new(o, "time", json_integer(a->time));
	json_object_set_new(o, "verdict", json_string(a->verdict));
	tl_api_page_add(pg, o, a->id, NULL);
	return TL_OK;
}

/* GET /v1/vms/{id}/attestations: the VM's own history, newest first; ?origin=unverified:
 * the quotes its enrolled TPM did not make (anyone may send one), kept apart and bounded. */
struct tl_resp tl_api_attestations(struct tl_req *r, const char *vm_id)
{
	struct tl_resp resp;
	struct tl_vm vm;
	struct tl_api_page pg;
	const char *origin = tl_http_arg(r, "origin");
	bool forged = origin && strcmp(origin, "unverified") == 0;
	int64_t total = 0;
	int err;

	if (tl_http_auth(r, TL_ROLE_READER, &resp) != TL_OK)
		return resp;
	if ((err = tl_store_vm_get(r->srv->store, r->token.tenant, vm_id, &vm)) != TL_OK)
		return tl_api_store_error(err, "VM");
	if (origin && !forged && strcmp(origin, "verified") != 0)
		return tl_http_error(400, "request.field", "origin must be verified or unverified",
				     "origin");
	if (!tl_api_page_args(r, LIST_DEFAULT, NULL, &pg, &resp))
		return resp;
	err = forged ? tl_store_forgery_list(r->srv->store, vm_id, pg.after_num, pg.limit + 1,
					     add_att, &pg)
		     : tl_store_attestation_list(r->srv->store, vm_id, pg.after_num, pg.limit + 1,
						 add_att, &pg);
	if (err == TL_OK && forged)
		err = tl_store_forgery_total(r->srv->store, vm_id, &total);
	if (err != TL_OK) {
		tl_api_page_free(&pg);
		return tl_http_error(503, "store.unavailable", "the database did not answer", NULL);
	}
	json_t *o = json_pack("{s:s,s:s}", "vm_id", vm_id, "origin", forged ? "unverified" : "verified");
	if (forged) {
		json_object_set_new(o, "total", json_integer(total));
		json_object_set_new(o, "kept_at_most", json_integer(TL_FORGERIES_KEPT));
	}
	return tl_http_json(200, tl_api_page_answer(&pg, o, "attestations"));
}

static struct tl_resp baseline_json(const struct tl_baseline *b)
{
	json_error_t jerr;
	json_t *c = json_loads(b->components, 0, &jerr);
	json_t *o = json_pack("{s:s,s:s,s:I,s:o}", "vm_id", b->vm_id, "source", b->source, "created",
			      (json_int_t)b->created, "components", c ? c : json_object());
	if (b->attestation_id)
		json_object_set_new(o, "attestation_id", tl_api_id_json(b->attestation_id));
	return tl_http_json(200, o);
}

static struct tl_resp put(struct tl_baseline *b, struct tl_req *r, json_t *components)
{
	const char *bad = NULL;
	char msg[160];
	if (json_is_object(components) && json_object_size(components) == 0)
		return tl_http_error(400, "request.field",
				     "components is empty: a baseline names at least one component "
				     "(docs/facts.md)",
				     "components");
	if (!json_is_object(components))
		return tl_http_error(400, "request.field",
				     "components is missing or not an object of baseline components",
				     "components");
	if (!tl_baseline_is_components(components, &bad)) {
		snprintf(msg, sizeof(msg), "components: '%.64s' is not a baseline component (docs/facts.md)",
			 bad ? bad : "?");
		return tl_http_error(400, "request.field", msg, "components");
	}
	b->created = (int64_t)time(NULL);
	if (!(b->components = json_dumps(components, JSON_COMPACT)))
		return tl_http_error(503, "server.busy", "out of memory", NULL);
	if (tl_store_baseline_put(r->srv->store, b) != TL_OK)
		return tl_http_error(503, "store.unavailable", "the baseline was not stored", NULL);
	return baseline_json(b);
}

/* PUT: a reference manifest, e.g. `tl predict --json`: its "components" object */
static struct tl_resp set(struct tl_req *r, struct tl_baseline *b)
{
	struct tl_resp resp;
	json_t *body = tl_api_body(r, &resp);
	if (!body)
		return resp;
	snprintf(b->source, sizeof(b->source), "manifest");
	resp = put(b, r, json_object_get(body, "components"));
	json_decref(body);
	return resp;
}

struct latest {
	int64_t want;      /* 0: the newest attestation the TPM vouched for */
	bool done;
	json_t *facts;
	int64_t id;
};

/* Only deviations from the baseline may stand between these facts and a new baseline:
 * nothing about the quote, the log's integrity or its rules. */
static bool learnable(json_t *o)
{
	json_t *r;
	size_t i;
	json_array_foreach(json_object_get(o, "reasons"), i, r) {
		const char *c = json_string_value(json_object_get(r, "code"));
		if (!c || (strncmp(c, "baseline.", 9) != 0 && strncmp(c, "secureboot.", 11) != 0))
			return false;
	}
	return true;
}

static int with_facts(const struct tl_attestation *a, void *arg)
{
	struct latest *l = arg;
	json_error_t jerr;
	json_t *o;
	if (l->done || (l->want && a->id != l->want) || !(o = json_loads(a->result, 0, &jerr)))
		return TL_OK;
	json_t *f = json_object_get(o, "facts");
	if (json_is_true(json_object_get(o, "quote_verified"))) {
		l->done = true; /* the newest word of the TPM decides */
		if (json_is_object(f) && json_is_true(json_object_get(f, "valid")) && learnable(o)) {
			l->facts = json_incref(f);
			l->id = a->id;
		}
	}
	json_decref(o);
	return TL_OK;
}

/* relearn: from the newest attestation whose facts the TPM vouched for (or the one named) */
static struct tl_resp relearn(struct tl_req *r, struct tl_baseline *b)
{
	struct latest l = { 0, false, NULL, 0 };
	struct tl_attestation a;
	struct tl_resp resp = { 0, NULL, NULL, NULL };
	json_t *body = NULL, *idv;
	int err;

	if (r->body_len) {
		if (!(body = tl_api_body(r, &resp)))
			return resp;
		idv = json_object_get(body, "attestation_id");
		if (idv && !tl_api_id_value(idv, &l.want)) {
			json_decref(body);
			return tl_http_error(400, "request.field",
					     "attestation_id must be an id: a string of digits (or a "
					     "number)",
					     "attestation_id");
		}
		json_decref(body);
	}
	if (l.want) {
		err = tl_store_attestation_get(r->srv->store, b->vm_id, l.want, &a);
		if (err == TL_E_STORE_NOT_FOUND)
			return tl_http_error(404, "attestation.not_found", "no such attestation of this VM",
					     "attestation_id");
		if (err == TL_OK)
			err = with_facts(&a, &l);
		free(a.result);
	} else {
		/* the newest the TPM vouched for: records of others' quotes cannot crowd it out */
		err = tl_store_attestation_latest_verified(r->srv->store, b->vm_id, &a);
		if (err == TL_OK)
			err = with_facts(&a, &l);
		else if (err == TL_E_STORE_NOT_FOUND)
			err = TL_OK;
		free(a.result);
	}
	if (err != TL_OK)
		return tl_http_error(503, "store.unavailable", "the database did not answer", NULL);
	if (!l.facts)
		return tl_http_error(409, "baseline.no_evidence",
				     l.want ? "that attestation has no facts to learn: its quote or "
					      "event log was not trusted"
					    : "the newest attestation has nothing to learn: it matched "
					      "the baseline, or its quote or event log was not trusted",
				     NULL);
	json_t *components = tl_baseline_from_facts(l.facts);
	snprintf(b->source, sizeof(b->source), "learned");
	b->attestation_id = l.id;
	resp = put(b, r, components);
	json_decref(components);
	json_decref(l.facts);
	return resp;
}

struct tl_resp tl_api_baseline(struct tl_req *r, const char *vm_id, bool relearn_it)
{
	bool get = strcmp(r->method, "GET") == 0;
	struct tl_resp resp;
	struct tl_baseline b;
	struct tl_vm vm;
	int err;

	if (!relearn_it && !get && strcmp(r->method, "PUT") != 0)
		return tl_http_error(405, "request.method", "use GET or PUT", NULL);
	if (tl_http_auth(r, get ? TL_ROLE_READER : TL_ROLE_OPERATOR, &resp) != TL_OK)
		return resp;
	if ((err = tl_store_vm_get(r->srv->store, r->token.tenant, vm_id, &vm)) != TL_OK)
		return tl_api_store_error(err, "VM");
	if (get) {
		err = tl_store_baseline_get(r->srv->store, vm_id, &b);
		resp = err == TL_OK ? baseline_json(&b)
		       : err == TL_E_STORE_NOT_FOUND
			       ? tl_http_error(404, "baseline.not_found",
					       "no baseline yet: it is learned from the first healthy "
					       "attestation, or set with PUT",
					       NULL)
			       : tl_api_store_error(err, "baseline");
		tl_baseline_clear(&b);
		return resp;
	}
	memset(&b, 0, sizeof(b));
	snprintf(b.vm_id, sizeof(b.vm_id), "%s", vm_id);
	resp = relearn_it ? relearn(r, &b) : set(r, &b);
	tl_baseline_clear(&b);
	return resp;
}
