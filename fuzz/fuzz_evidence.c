/* libFuzzer: attestation evidence as trustlaunchd receives it (a JSON body) through the
 * evidence parser and the whole verdict pipeline, against a fixed enrolled ECC AK (the
 * swtpm AK of bench/data) and with and without a baseline. Seeded with a real quote of the
 * sb-on measurements and its event log (fuzz/corpus/evidence). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_lift.h"
#include "verdict.h"

static const char ak_hex[] = "00580023000b00050072000000100018000b00030010002006a22b1aaf80921559faf000ea916b2a61e11c24186f9e7fe7d906d9dc191152002091a949433b8bc11a77313f17008a9e1c8c3bad19345ec91cec937e04b2af9178";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct tl_vm vm = { .id = "00000000-0000-4000-8000-000000000000", .secure_boot = true };
	static struct tl_vm_tpm tpm;
	struct tl_req req;
	struct tl_resp resp = { 0, NULL, NULL };
	struct tl_evidence ev;
	struct tl_verdict v;

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
		if (tl_verdict_make(&vm, &tpm, i ? "{\"kernel_cmdline\":\"x\",\"secureboot\":{\"db\":[]}}" : NULL,
				    &ev, &v, &resp) == TL_OK)
			tl_verdict_free(&v);
		json_decref(resp.body);
	}
	tl_evidence_free(&ev);
	return 0;
}
