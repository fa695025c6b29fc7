/* Evidence from a guest, decoded from its JSON request: every field checked for type, size
 * and encoding before anything is verified; the first wrong one is named in a 400 answer. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "evidence.h"
#include "verdict.h"
#include "json_lift.h"
#include "trustlaunch/b64.h"
#include "trustlaunch/hash.h"
#include "trustlaunch/wire.h"


void tl_evidence_free(struct tl_evidence *ev)
{
	free(ev->log);
	tl_log_entry_put(ev->log_entry);
	json_decref(ev->kernel_events);
	json_decref(ev->os);
	free(ev->hcl_report);
	free(ev->vcek);
	memset(ev, 0, sizeof(*ev));
}

static bool bad(struct tl_resp *resp, const char *field, const char *msg)
{
	json_decref(resp->body); /* a more precise answer may already be there: this one wins */
	*resp = tl_http_error(400, "request.field", msg, field);
	return false;
}

static bool nonce(json_t *body, struct tl_evidence *ev, struct tl_resp *resp)
{
	json_t *v = json_object_get(body, "nonce");
	if (!json_is_string(v) || json_string_length(v) != 2 * TL_NONCE_LEN ||
	    tl_unhex(json_string_value(v), ev->nonce, TL_NONCE_LEN) != TL_OK)
		return bad(resp, "nonce", "nonce must be the 64 hex digits of a challenge");
	return true;
}

static bool quote(json_t *body, struct tl_evidence *ev, struct tl_resp *resp)
{
	json_t *q = json_object_get(body, "quote");
	if (!json_is_object(q))
		return bad(resp, "quote", "quote must be an object {attest, signature}");
	if (!tl_api_b64(q, "attest", true, ev->attest, sizeof(ev->attest), &ev->attest_len, resp) ||
	    !tl_api_b64(q, "signature", true, ev->sig, sizeof(ev->sig), &ev->sig_len, resp))
		return false;
	/* structure here; whose they are, and what they say, is the verdict's */
	struct tl_tpm2_attest a;
	struct tl_tpm2_signature s;
	if (tl_tpm2_attest_parse((struct tl_bytes){ ev->attest, ev->attest_len }, &a) != TL_OK)
		return bad(resp, "quote.attest", "quote.attest is not a TPMS_ATTEST");
	if (tl_tpm2_signature_parse((struct tl_bytes){ ev->sig, ev->sig_len }, &s) != TL_OK)
		return bad(resp, "quote.signature", "quote.signature is not a TPMT_SIGNATURE");
	return true;
}

/* "0" to "23" exactly: no sign, space or leading zero (strtoul would take " 1" and "+1") */
static bool pcr_index(const char *idx, unsigned *out)
{
	size_t n = strlen(idx);
	unsigned v = 0;
	if (n == 0 || n > 2 || (n == 2 && idx[0] == '0'))
		return false;
	for (size_t k = 0; k < n; k++) {
		if (idx[k] < '0' || idx[k] > '9')
			return false;
		v = v * 10 + (unsigned)(idx[k] - '0');
	}
	*out = v;
	return v < TL_NUM_PCRS;
}

/* pcrs: {bank: {index: hex}} */
static bool pcrs(json_t *body, struct tl_evidence *ev, struct tl_resp *resp)
{
	json_t *banks = json_object_get(body, "pcrs"), *vals, *v;
	const char *bank, *idx;
	if (!json_is_object(banks) || json_object_size(banks) == 0)
		return bad(resp, "pcrs", "pcrs must be an object {bank: {index: hex}}");
	json_object_foreach(banks, bank, vals) {
		uint16_t alg;
		if (tl_alg_from_name(bank, &alg) != TL_OK || !json_is_object(vals))
			return bad(resp, "pcrs", "pcrs names an unknown bank, or a bank is not an object");
		json_object_foreach(vals, idx, v) {
			uint8_t d[TL_MAX_DIGEST];
			unsigned i;
			size_t n = tl_alg_size(alg);
			if (!pcr_index(idx, &i))
				return bad(resp, "pcrs", "a PCR index must be 0 to 23 in decimal digits");
			if (!json_is_string(v) || json_string_length(v) != 2 * n ||
			    tl_unhex(json_string_value(v), d, n) != TL_OK)
				return bad(resp, "pcrs", "a PCR value is not hex of its bank's size");
			if (tl_pcr_values_set(&ev->pcrs, alg, (unsigned)i, d, n) != TL_OK)
				return bad(resp, "pcrs", "a PCR value was refused (given twice?)");
		}
	}
	return true;
}

static bool event_log(json_t *body, const struct tl_lift *lift, struct tl_evidence *ev,
		      struct tl_resp *resp)
{
	json_t *v = json_object_get(body, "event_log");
	if (!v)
		return true;
	if (!json_is_string(v))
		return bad(resp, "event_log", "event_log must be base64");
	if (lift->count) { /* its text was lifted out before parsing; "" stands in its place */
		size_t max = lift->text.len / 4 * 3;
		int err;
		if (max > TL_WIRE_MAX_EVENT_LOG)
			return bad(resp, "event_log", "event_log is larger than 4 MiB");
		uint8_t key[TL_MAX_DIGEST];
		if (tl_hash(TL_ALG_SHA256, lift->text.ptr, lift->text.len, key) == TL_OK) {
			memcpy(ev->log_text_key, key, sizeof(ev->log_text_key));
			ev->has_log_text_key = true;
			/* decoded (and found valid) before: the same text is the same bytes */
			if ((ev->log_entry = tl_log_entry_find_text(ev->log_text_key)))
				return true;
		}
		if (!(ev->log = malloc(max ? max : 1))) {
			*resp = tl_http_error(503, "server.busy", "out of memory", NULL);
			return false;
		}
		err = tl_b64_decode((const char *)lift->text.ptr, lift->text.len, ev->log, max,
				    &ev->log_len);
		return err == TL_OK || bad(resp, "event_log", "event_log is not valid base64");
	}
	size_t max = json_string_length(v) / 4 * 3;
	if (max > TL_WIRE_MAX_EVENT_LOG)
		return bad(resp, "event_log", "event_log is larger than 4 MiB");
	if (!(ev->log = malloc(max ? max : 1))) {
		*resp = tl_http_error(503, "server.busy", "out of memory", NULL);
		return false;
	}
	return tl_api_b64(body, "event_log", true, ev->log, max, &ev->log_len, resp);
}

/* ima_log: a base64 string of at most TL_WIRE_MAX_IMA_LOG bytes, an IMA measurement list that
 * parses; replayed here (its PCR values, its boot_aggregate), the bytes are not kept. */
static bool ima_log(json_t *body, const struct tl_lift *lift, struct tl_evidence *ev,
		    struct tl_resp *resp)
{
	json_t *v = json_object_get(body, "ima_log");
	const char *text;
	size_t len, got;
	uint8_t *buf;
	struct tl_ima_diag diag = { 0, 0 };
	int err;

	if (!v)
		return true;
	if (!json_is_string(v))
		return bad(resp, "ima_log", "ima_log must be a base64 string");
	text = lift->count ? (const char *)lift->text.ptr : json_string_value(v);
	len = lift->count ? lift->text.len : json_string_length(v);
	if (len == 0)
		return bad(resp, "ima_log", "ima_log must be a base64 string");
	if (len > TL_WIRE_B64(TL_WIRE_MAX_IMA_LOG))
		return bad(resp, "ima_log", "ima_log is larger than 8 MiB");
	if (!(buf = malloc(len / 4 * 3 + 3))) {
		*resp = tl_http_error(503, "server.busy", "out of memory", NULL);
		return false;
	}
	err = tl_b64_decode(text, len, buf, TL_WIRE_MAX_IMA_LOG, &got);
	if (err != TL_OK) {
		free(buf);
		return bad(resp, "ima_log", err == TL_E_B64_SIZE ? "ima_log is larger than 8 MiB"
								 : "ima_log is not valid base64");
	}
	err = tl_ima_replay((struct tl_bytes){ buf, got }, &ev->ima, &diag);
	free(buf);
	if (err != TL_OK) {
		char msg[200];
		snprintf(msg, sizeof(msg), "ima_log does not parse: %s at byte %zu (entry %zu)",
			 tl_err_msg(err), diag.offset, diag.entry);
		return bad(resp, "ima_log", msg);
	}
	ev->has_ima = true;
	return true;
}

/* kernel_events: [{type, module, reason, time}], kept as given once checked */
static bool kernel_events(json_t *body, struct tl_evidence *ev, struct tl_resp *resp)
{
	json_t *a = json_object_get(body, "kernel_events"), *e;
	size_t i;
	if (!a)
		return true;
	if (!json_is_array(a) || json_array_size(a) > TL_WIRE_MAX_KERNEL_EVENTS)
		return bad(resp, "kernel_events", "kernel_events must be an array of at most 256");
	_Static_assert(TL_WIRE_MAX_KERNEL_EVENTS == 256, "the message above says 256");
	ev->kernel_events = json_array();
	json_array_foreach(a, i, e) {
		char type[32], module[64], reason[256], tm[40];
		if (!json_is_object(e) || !tl_api_text(e, "type", true, type, sizeof(type), resp) ||
		    !tl_api_text(e, "module", true, module, sizeof(module), resp) ||
		    !tl_api_text(e, "reason", false, reason, sizeof(reason), resp) ||
		    !tl_api_text(e, "time", false, tm, sizeof(tm), resp))
			return bad(resp, "kernel_events",
				   "each kernel event is {type, module, reason?, time?} of short "
				   "printable strings");
		/* only the four checked keys are kept */
		json_t *k = json_pack("{s:s,s:s}", "type", type, "module", module);
		if (json_object_get(e, "reason"))
			json_object_set_new(k, "reason", json_string(reason));
		if (json_object_get(e, "time"))
			json_object_set_new(k, "time", json_string(tm));
		json_array_append_new(ev->kernel_events, k);
	}
	return true;
}

static bool os(json_t *body, struct tl_evidence *ev, struct tl_resp *resp)
{
	json_t *o = json_object_get(body, "os");
	char id[64] = "", version[64] = "", kernel[128] = "";
	if (!o)
		return true;
	if (!json_is_object(o) || !tl_api_text(o, "id", false, id, sizeof(id), resp) ||
	    !tl_api_text(o, "version", false, version, sizeof(version), resp) ||
	    !tl_api_text(o, "kernel", false, kernel, sizeof(kernel), resp))
		return bad(resp, "os", "os is {id, version, kernel} of short printable strings");
	ev->os = json_pack("{s:s,s:s,s:s}", "id", id, "version", version, "kernel", kernel);
	return true;
}

/* One optional base64 field of at most max bytes into a malloc'd *out. */
static bool blob(json_t *body, const char *key, size_t max, uint8_t **out, size_t *len,
		 struct tl_resp *resp)
{
	json_t *v = json_object_get(body, key);
	if (!v)
		return true;
	if (!json_is_string(v) || json_string_length(v) > TL_WIRE_B64(max))
		return bad(resp, key, "hcl_report and vcek are base64 of at most 64 KiB");
	if (!(*out = malloc(max))) {
		*resp = tl_http_error(503, "server.busy", "out of memory", NULL);
		return false;
	}
	return tl_api_b64(body, key, true, *out, max, len, resp);
}

/* hcl_report and vcek: structure and signatures are the verdict's (verdict_cvm.c) */
static bool confidential(json_t *body, struct tl_evidence *ev, struct tl_resp *resp)
{
	_Static_assert(TL_WIRE_MAX_HCL_REPORT == 64u * 1024u && TL_WIRE_MAX_VCEK == 64u * 1024u,
		       "the message above says 64 KiB");
	return blob(body, "hcl_report", TL_WIRE_MAX_HCL_REPORT, &ev->hcl_report,
		    &ev->hcl_report_len, resp) &&
	       blob(body, "vcek", TL_WIRE_MAX_VCEK, &ev->vcek, &ev->vcek_len, resp);
}

/* The top-level fields of docs/api.md and no other: an unknown one is named in the answer
 * (printable, cut at 64 characters) rather than ignored. */
static bool only_known(json_t *body, struct tl_resp *resp)
{
	static const char *const known[] = { "nonce",	  "quote",	   "pcrs",
					     "event_log",  "ima_log",	   "kernel_events",
					     "os",	  "hcl_report", "vcek" };
	const char *key;
	json_t *v;

	json_object_foreach(body, key, v) {
		char name[65], msg[160];
		size_t k, i = 0;
		for (k = 0; k < sizeof(known) / sizeof(known[0]); k++)
			if (strcmp(key, known[k]) == 0)
				break;
		if (k < sizeof(known) / sizeof(known[0]))
			continue;
		for (; key[i] && i < sizeof(name) - 1; i++)
			name[i] = key[i] >= 0x20 && key[i] < 0x7f ? key[i] : '?';
		name[i] = '\0';
		snprintf(msg, sizeof(msg), "unknown field '%s': the evidence has only the fields of "
			 "docs/api.md", name);
		return bad(resp, name, msg);
	}
	return true;
}

bool tl_evidence_parse(struct tl_req *r, struct tl_evidence *ev, struct tl_resp *resp)
{
	struct tl_lift lifts[2] = { { "event_log", { NULL, 0 }, 0 }, { "ima_log", { NULL, 0 }, 0 } };
	struct tl_req small = *r;
	size_t rest_len = 0;
	char *rest = tl_json_lift(r->body, r->body_len, lifts, 2, &rest_len);
	json_t *body;
	bool ok;
	memset(ev, 0, sizeof(*ev));
	if (rest) {
		small.body = rest;
		small.body_len = rest_len;
	}
	body = tl_api_body(&small, resp);
	free(rest);
	if (!body)
		return false;
	ok = only_known(body, resp) && nonce(body, ev, resp) && quote(body, ev, resp) &&
	     pcrs(body, ev, resp) && event_log(body, &lifts[0], ev, resp) &&
	     ima_log(body, &lifts[1], ev, resp) && kernel_events(body, ev, resp) && os(body, ev, resp) &&
	     confidential(body, ev, resp);
	json_decref(body);
	if (!ok)
		tl_evidence_free(ev);
	return ok;
}
