/* libFuzzer: attestation evidence as trustlaunchd receives it (a JSON body) through the
 * evidence parser and the whole verdict pipeline, against a fixed enrolled ECC AK (the
 * swtpm AK of bench/data) and with and without a baseline. Seeded with a real quote of the
 * sb-on measurements and its event log (fuzz/corpus/evidence). Not only crashes: a verdict
 * that breaks its invariants aborts (healthy implies the quote verified, again and apart from
 * the pipeline, against the enrolled AK over this nonce; every quoted PCR replayed by the
 * log; PCRs 0-7 covered; no check failed; the reasons are the findings). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_lift.h"
#include "trustlaunch/hash.h"
#include "verdict.h"

static const char ak_hex[] = "00580023000b00050072000000100018000b00030010002006a22b1aaf80921559faf000ea916b2a61e11c24186f9e7fe7d906d9dc191152002091a949433b8bc11a77313f17008a9e1c8c3bad19345ec91cec937e04b2af9178";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The enrolled AK, read apart from the pipeline. */
static const struct tl_tpm2_public *enrolled(void)
{
	static struct tl_tpm2_public ak;
	static uint8_t raw[sizeof(ak_hex) / 2];
	static int state; /* 0 unread, 1 read, -1 unreadable */
	if (state == 0)
		state = tl_unhex(ak_hex, raw, sizeof(raw)) == TL_OK &&
				tl_tpm2_public_parse((struct tl_bytes){ raw, sizeof(raw) }, &ak) ==
					TL_OK
			? 1
			: -1;
	if (state < 0)
		abort();
	return &ak;
}

/* Healthy: the quote verifies over the nonce with the enrolled AK (no cache, no replay
 * handed in), covers PCRs 0-7, and the log replays every quoted PCR. */
static void check_healthy(const struct tl_evidence *ev, const struct tl_verdict *v)
{
	const struct tl_log *log = ev->log_entry ? tl_log_entry_log(ev->log_entry) : NULL;
	struct tl_log *own = NULL;
	struct tl_quote_result q;
	struct tl_diag diag;
	uint32_t quoted = 0;

	if (!log && ev->log && tl_log_parse(ev->log, ev->log_len, &own, &diag) == TL_OK)
		log = own;
	if (!v->quote_verified || v->quote_err != TL_OK || v->failed || v->nfindings || !log ||
	    !v->facts)
		abort();
	if (tl_quote_verify(enrolled(), NULL, (struct tl_bytes){ ev->attest, ev->attest_len },
			    (struct tl_bytes){ ev->sig, ev->sig_len },
			    (struct tl_bytes){ ev->nonce, sizeof(ev->nonce) }, &ev->pcrs, log, NULL,
			    &q) != TL_OK)
		abort();
	if (!tl_bytes_eq(q.attest.extra_data, ev->nonce, sizeof(ev->nonce)))
		abort();
	for (size_t b = 0; b < q.attest.pcr_select.count; b++)
		quoted |= q.attest.pcr_select.bank[b].mask;
	if (quoted != v->quoted_pcrs || (q.log_trusted & quoted) != quoted ||
	    (quoted & TL_VERDICT_BOOT_PCRS) != TL_VERDICT_BOOT_PCRS)
		abort();
	tl_log_free(own);
}

/* Any verdict: the flags agree with the findings, and the reasons are the findings. */
static void check_verdict(const struct tl_evidence *ev, const struct tl_attest_verdict *av)
{
	const struct tl_verdict *v = &av->typed;
	uint32_t failed = 0, differs = 0;
	for (size_t i = 0; i < v->nfindings; i++) {
		failed |= TL_CHECK_BIT(v->findings[i].check);
		if (v->findings[i].check == TL_CHECK_BASELINE_DIFFERS)
			differs |= TL_COMP_BIT(v->findings[i].component);
	}
	if (failed != v->failed || differs != v->differs ||
	    json_array_size(av->reasons) != v->nfindings ||
	    v->healthy != (v->quote_verified && v->nfindings == 0) ||
	    v->clock_backwards != tl_verdict_failed(v, TL_CHECK_QUOTE_CLOCK))
		abort();
	if (v->quote_verified && (v->quoted_pcrs & TL_VERDICT_BOOT_PCRS) != TL_VERDICT_BOOT_PCRS &&
	    !tl_verdict_failed(v, TL_CHECK_QUOTE_PCR_SELECTION))
		abort();
	if (v->healthy)
		check_healthy(ev, v);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct tl_vm vm = { .id = "00000000-0000-4000-8000-000000000000", .secure_boot = true };
	static struct tl_vm_tpm tpm;
	struct tl_req req;
	struct tl_resp resp = { 0, NULL, NULL, NULL };
	struct tl_evidence ev;
	struct tl_attest_verdict v;

	snprintf(tpm.ak_public, sizeof(tpm.ak_public), "%s", ak_hex);
	/* the lift agrees with jansson: the rest parses exactly when the body does, and the
	 * lifted text is the member's value */
	struct tl_lift lift = { "event_log", { NULL, 0 }, 0 };
	size_t rest_len;
	char *rest = tl_json_lift((const char *)data, size, &lift, 1, &rest_len);
	if (rest) {
		json_error_t e;
		json_t *a = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, &e);
		json_t *b = json_loadb(rest, rest_len, JSON_REJECT_DUPLICATES, &e);
		if (!a != !b)
			__builtin_trap();
		json_t *el = json_object_get(a, "event_log");
		if (a && (!json_is_string(el) || json_string_length(el) != lift.text.len ||
			  memcmp(json_string_value(el), lift.text.ptr, lift.text.len) != 0 ||
			  json_string_length(json_object_get(b, "event_log")) != 0))
			__builtin_trap();
		json_decref(a);
		json_decref(b);
		free(rest);
	} else if (lift.count != 0 || lift.text.ptr) {
		__builtin_trap(); /* nothing handed out that was not cut */
	}
	memset(&req, 0, sizeof(req));
	req.method = "POST";
	req.path = "/v1/vms/00000000-0000-4000-8000-000000000000/attest";
	req.body = (const char *)data;
	req.body_len = size;
	if (!tl_evidence_parse(&req, &ev, &resp)) {
		json_decref(resp.body);
		return 0;
	}
	for (int i = 0; i < 2; i++) {
		resp.body = NULL;
		/* the second time as a confidential VM without AMD roots: its evidence refused */
		snprintf(vm.security_type, sizeof(vm.security_type), "%s",
			 i ? "confidential" : "trustedlaunch");
		if (tl_attest_verdict_make(NULL, &vm, &tpm,
					   i ? "{\"kernel_cmdline\":\"x\",\"secureboot\":{\"db\":[]}}"
					     : NULL,
					   &ev, &v, &resp) == TL_OK) {
			check_verdict(&ev, &v);
			tl_attest_verdict_free(&v);
		}
		json_decref(resp.body);
	}
	tl_evidence_free(&ev);
	return 0;
}
