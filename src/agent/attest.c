/* One attestation: a challenge from the service, the evidence over its nonce, the verdict.
 * The service decides; the agent reports what it said and remembers it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "agent.h"
#include "trustlaunch/hash.h"

/* The service no longer knows this AK for the VM: enrolment (again) is the way forward. */
static bool says_not_enrolled(long status, json_t *answer)
{
	if (status == 409 && strcmp(tl_agent_error_code(answer), "vm.not_enrolled") == 0)
		return true;
	json_t *r;
	size_t i;
	json_array_foreach(json_object_get(answer, "reasons"), i, r) {
		const char *code = json_string_value(json_object_get(r, "code"));
		if (code && strcmp(code, "identity.quote_origin") == 0)
			return true;
	}
	return false;
}

static int challenge(const struct tl_agent_opts *o, const char *vm, char nonce[static 129],
		     long *status, json_t **answer, char why[static TL_AGENT_WHY])
{
	char path[256], text[400];
	int err;

	snprintf(path, sizeof path, "/v1/vms/%s/challenge", vm);
	if ((err = tl_agent_call(o, "POST", path, NULL, NULL, status, answer, why)) != TL_OK)
		return err;
	const char *n = json_string_value(json_object_get(*answer, "nonce"));
	if (*status == 200 && n && strlen(n) < 129) {
		snprintf(nonce, 129, "%s", n);
		return TL_OK;
	}
	tl_agent_error_text(*status, *answer, text, sizeof text);
	snprintf(why, TL_AGENT_WHY, "challenge refused: %s", text);
	return TL_E_ARG;
}

/* One reason, each field made printable (the service's text is not trusted here). */
static void print_reason(json_t *r)
{
	static const char *const keys[] = { "code", "message", "expected", "actual" };
	char v[4][1024];

	for (int i = 0; i < 4; i++)
		tl_agent_clean(v[i], sizeof v[i], json_string_value(json_object_get(r, keys[i])));
	printf("  %s: %s\n", v[0][0] ? v[0] : "?", v[1]);
	if (json_object_get(r, "expected"))
		printf("    expected: %s\n", v[2]);
	if (json_object_get(r, "actual"))
		printf("    actual:   %s\n", v[3]);
}

/* Prints the verdict and keeps a summary in the state. */
static enum tl_agent_outcome verdict(const struct tl_agent_opts *o, json_t *answer,
				     struct tl_agent_state *st)
{
	const char *v = json_string_value(json_object_get(answer, "verdict"));
	/* a string of digits (or, from services before ids were strings, a number) */
	json_t *idv = json_object_get(answer, "attestation_id");
	json_int_t id = json_is_string(idv) ? (json_int_t)strtoll(json_string_value(idv), NULL, 10)
					    : json_integer_value(idv);
	json_t *reasons = json_object_get(answer, "reasons"), *r;
	size_t i, used = 0;

	if (o->json) {
		char *text = json_dumps(answer, JSON_INDENT(2));
		if (text)
			puts(text);
		free(text);
	} else {
		printf("%s (attestation %lld)\n", strcmp(v, "healthy") == 0 ? "healthy" : "unhealthy",
		       (long long)id);
		json_array_foreach(reasons, i, r)
			print_reason(r);
	}
	snprintf(st->last_verdict, sizeof st->last_verdict, "%s",
		 strcmp(v, "healthy") == 0 ? "healthy" : "unhealthy");
	st->last_id = id;
	st->last_reasons[0] = '\0';
	json_array_foreach(reasons, i, r) {
		char code[64];
		tl_agent_clean(code, sizeof code, json_string_value(json_object_get(r, "code")));
		int n = snprintf(st->last_reasons + used, sizeof st->last_reasons - used, "%s%s",
				 used ? " " : "", code[0] ? code : "?");
		if (n < 0 || (size_t)n >= sizeof st->last_reasons - used)
			break;
		used += (size_t)n;
	}
	return strcmp(v, "healthy") == 0 ? TL_AGENT_OUT_HEALTHY : TL_AGENT_OUT_UNHEALTHY;
}

static enum tl_agent_outcome send_evidence(const struct tl_agent_opts *o, const char *vm,
					   json_t *ev, uint64_t kmsg_next,
					   struct tl_agent_state *st, char why[static TL_AGENT_WHY])
{
	char path[256], text[400];
	json_t *answer = NULL;
	long status;
	enum tl_agent_outcome out = TL_AGENT_OUT_ERROR;

	snprintf(path, sizeof path, "/v1/vms/%s/attest", vm);
	if (tl_agent_call(o, "POST", path, ev, NULL, &status, &answer, why) != TL_OK)
		return TL_AGENT_OUT_ERROR;
	const char *v = json_string_value(json_object_get(answer, "verdict"));
	if (status == 200 && v) {
		out = verdict(o, answer, st);
		if (says_not_enrolled(status, answer))
			out = TL_AGENT_OUT_NOT_ENROLLED;
		/* the service has the kernel events up to here */
		tl_agent_boot_id(st->boot_id);
		st->kmsg_seq = kmsg_next;
	} else {
		tl_agent_error_text(status, answer, text, sizeof text);
		snprintf(why, TL_AGENT_WHY, "the service refused the evidence: %s", text);
		snprintf(st->last_verdict, sizeof st->last_verdict, "error");
		if (says_not_enrolled(status, answer))
			out = TL_AGENT_OUT_NOT_ENROLLED;
	}
	json_decref(answer);
	return out;
}

enum tl_agent_outcome tl_agent_attest(const struct tl_agent_opts *o, struct tl_tpm *tpm,
				      const struct tl_tpm_ak *ak, struct tl_agent_state *st,
				      char why[static TL_AGENT_WHY])
{
	char nonce[129];
	json_t *answer = NULL, *ev = NULL;
	long status = 0;
	uint64_t kmsg_next = 0;
	const char *vm = tl_agent_vm_id(o, st, why);
	enum tl_agent_outcome out = TL_AGENT_OUT_ERROR;

	if (!vm)
		return TL_AGENT_OUT_ERROR;
	if (challenge(o, vm, nonce, &status, &answer, why) != TL_OK) {
		if (says_not_enrolled(status, answer))
			out = TL_AGENT_OUT_NOT_ENROLLED;
		json_decref(answer);
		return out;
	}
	json_decref(answer);
	if (tl_agent_evidence(o, tpm, ak, st, nonce, &ev, &kmsg_next, why) != TL_OK)
		return TL_AGENT_OUT_ERROR;
	out = send_evidence(o, vm, ev, kmsg_next, st, why);
	json_decref(ev);
	st->last_time = (int64_t)time(NULL);
	char swhy[TL_AGENT_WHY];
	if (tl_agent_state_save(o->state_dir, st, swhy) != TL_OK)
		tl_agent_log(o, "warning", "%s", swhy);
	return out;
}
