/* The agent's evidence within the wire limits (trustlaunch/wire.h): a log at its limit is
 * sent, one byte over is refused (event log) or left out (IMA log), and the largest evidence
 * the agent can build fits the body the service accepts. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "agent.h"

static char path[64];
static const struct tl_agent_opts opts = { .quiet = true };

static void make_file(size_t n)
{
	FILE *f = fopen(path, "w");
	static const char block[4096] = { 1 };
	assert_non_null(f);
	for (size_t left = n; left;) {
		size_t k = left < sizeof(block) ? left : sizeof(block);
		assert_int_equal(fwrite(block, 1, k, f), k);
		left -= k;
	}
	assert_int_equal(fclose(f), 0);
}

static int setup(void **state)
{
	(void)state;
	snprintf(path, sizeof(path), "/tmp/tl-evidence-%ld", (long)getpid());
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	unlink(path);
	return 0;
}

static void agent_add_log_event_log_at_limit_is_sent(void **state)
{
	char why[TL_AGENT_WHY];
	json_t *ev = json_object();
	(void)state;
	make_file(TL_WIRE_MAX_EVENT_LOG);
	assert_int_equal(tl_agent_add_log(ev, "event_log", path, TL_WIRE_MAX_EVENT_LOG, false,
					  &opts, why), TL_OK);
	assert_int_equal(json_string_length(json_object_get(ev, "event_log")),
			 TL_WIRE_B64(TL_WIRE_MAX_EVENT_LOG));
	json_decref(ev);
}

static void agent_add_log_event_log_over_limit_is_refused(void **state)
{
	char why[TL_AGENT_WHY] = "";
	json_t *ev = json_object();
	(void)state;
	make_file(TL_WIRE_MAX_EVENT_LOG + 1);
	assert_int_equal(tl_agent_add_log(ev, "event_log", path, TL_WIRE_MAX_EVENT_LOG, false,
					  &opts, why), TL_E_WIRE_TOO_LARGE);
	assert_non_null(strstr(why, "larger than the 4194304 bytes the service accepts"));
	assert_null(json_object_get(ev, "event_log"));
	json_decref(ev);
}

static void agent_add_log_ima_log_over_limit_is_left_out(void **state)
{
	char why[TL_AGENT_WHY];
	json_t *ev = json_object();
	(void)state;
	make_file(TL_WIRE_MAX_IMA_LOG + 1);
	assert_int_equal(tl_agent_add_log(ev, "ima_log", path, TL_WIRE_MAX_IMA_LOG, true, &opts,
					  why), TL_OK);
	assert_null(json_object_get(ev, "ima_log"));
	make_file(TL_WIRE_MAX_IMA_LOG);
	assert_int_equal(tl_agent_add_log(ev, "ima_log", path, TL_WIRE_MAX_IMA_LOG, true, &opts,
					  why), TL_OK);
	assert_int_equal(json_string_length(json_object_get(ev, "ima_log")),
			 TL_WIRE_B64(TL_WIRE_MAX_IMA_LOG));
	json_decref(ev);
}

static void agent_add_log_missing_file_is_left_out(void **state)
{
	char why[TL_AGENT_WHY];
	json_t *ev = json_object();
	(void)state;
	assert_int_equal(tl_agent_add_log(ev, "event_log", "/nonexistent/log", 16, false, &opts,
					  why), TL_OK);
	assert_int_equal(json_object_size(ev), 0);
	json_decref(ev);
}

/* both logs at their limits, every kernel event the agent sends at its largest (quotes, which
 * JSON doubles), the largest quote and PCR set: within TL_WIRE_MAX_BODY as the agent sends it */
static void agent_evidence_at_limits_fits_the_body_limit(void **state)
{
	char why[TL_AGENT_WHY], quotes[TL_KMSG_MAX_REASON];
	json_t *ev = json_object(), *events = json_array(), *pcrs = json_object();
	(void)state;
	make_file(TL_WIRE_MAX_EVENT_LOG);
	assert_int_equal(tl_agent_add_log(ev, "event_log", path, TL_WIRE_MAX_EVENT_LOG, false,
					  &opts, why), TL_OK);
	make_file(TL_WIRE_MAX_IMA_LOG);
	assert_int_equal(tl_agent_add_log(ev, "ima_log", path, TL_WIRE_MAX_IMA_LOG, true, &opts,
					  why), TL_OK);
	memset(quotes, '"', sizeof(quotes) - 1);
	quotes[sizeof(quotes) - 1] = '\0';
	for (unsigned i = 0; i < TL_AGENT_MAX_KEVENTS; i++)
		json_array_append_new(events, json_pack("{s:s,s:s,s:s,s:s}", "type",
							"module_signature_invalid", "module",
							"m234567890123456789012345678901234567890123456789012345",
							"reason", quotes, "time", "18446744073709.551615"));
	for (unsigned b = 0; b < 5; b++) {
		char bank[8], hex[2 * TL_MAX_DIGEST + 1];
		json_t *vals = json_object();
		memset(hex, 'a', sizeof(hex) - 1);
		hex[sizeof(hex) - 1] = '\0';
		snprintf(bank, sizeof(bank), "bank%u", b);
		for (unsigned i = 0; i < TL_NUM_PCRS; i++) {
			char idx[4];
			snprintf(idx, sizeof(idx), "%u", i);
			json_object_set_new(vals, idx, json_string(hex));
		}
		json_object_set_new(pcrs, bank, vals);
	}
	uint8_t big[4096] = { 0 };
	json_object_set_new(ev, "nonce", json_string("00000000000000000000000000000000000000000000"
						     "00000000000000000000"));
	json_object_set_new(ev, "quote", json_pack("{s:o,s:o}", "attest", tl_agent_b64(big, 4096),
						   "signature", tl_agent_b64(big, 4096)));
	json_object_set_new(ev, "pcrs", pcrs);
	json_object_set_new(ev, "kernel_events", events);
	json_object_set_new(ev, "os", json_pack("{s:s,s:s,s:s}", "id", quotes + 192, "version",
						quotes + 192, "kernel", quotes + 128));
	char *text = json_dumps(ev, JSON_COMPACT);
	assert_non_null(text);
	assert_true(strlen(text) <= TL_WIRE_MAX_BODY);
	free(text);
	json_decref(ev);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(agent_add_log_event_log_at_limit_is_sent),
		T(agent_add_log_event_log_over_limit_is_refused),
		T(agent_add_log_ima_log_over_limit_is_left_out),
		T(agent_add_log_missing_file_is_left_out),
		T(agent_evidence_at_limits_fits_the_body_limit),
#undef T
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
