/* libFuzzer target: the event log parser, replay, every event decoder and the facts. */
#include <stdint.h>
#include <stddef.h>

#include "trustlaunch/facts.h"
#include "trustlaunch/tcgdecode.h"
#include "trustlaunch/tcglog.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tl_log *log;
	struct tl_pcrs pcrs;
	json_t *facts;

	if (tl_log_parse(data, size, &log, NULL) != TL_OK)
		return 0;
	if (tl_log_replay(log, &pcrs) != TL_OK)
		__builtin_trap();
	for (size_t i = 0; i < log->nevents; i++) {
		struct tl_buf sum;
		json_t *ev = tl_event_json(log, i);
		tl_buf_init(&sum, 1u << 16);
		tl_event_summary(log, &log->ev[i], &sum);
		tl_buf_free(&sum);
		json_decref(ev);
	}
	if (tl_facts_extract(log, TL_PCRS_ALL, &facts) == TL_OK)
		json_decref(facts);
	tl_log_free(log);
	return 0;
}
