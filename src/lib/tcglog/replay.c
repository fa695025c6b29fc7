/* Replay: extend every event's digests into PCRs that start at their reset values. */
#include <string.h>

#include "trustlaunch/hash.h"
#include "trustlaunch/tcglog.h"

void tl_pcr_reset_value(const struct tl_log *log, uint32_t pcr, size_t size,
			uint8_t out[static TL_MAX_DIGEST])
{
	/* PC Client PTP: PCRs 17-22 (dynamic RTM) reset to all ones until a DRTM event. */
	memset(out, pcr >= 17 && pcr <= 22 ? 0xFF : 0x00, TL_MAX_DIGEST);
	if (pcr == 0 && log && log->has_locality && size > 0)
		out[size - 1] = log->startup_locality;
}

int tl_log_replay(const struct tl_log *log, struct tl_pcrs *out)
{
	memset(out, 0, sizeof(*out));
	out->nbanks = log->nbanks;
	for (size_t b = 0; b < log->nbanks; b++) {
		struct tl_pcr_bank *bank = &out->bank[b];
		bank->alg = log->alg[b];
		bank->size = log->alg_size[b];
		bank->replayable = tl_alg_size(bank->alg) == bank->size;
		for (uint32_t i = 0; i < TL_NUM_PCRS; i++)
			tl_pcr_reset_value(log, i, bank->size, bank->pcr[i]);
	}
	for (size_t i = 0; i < log->nevents; i++) {
		const struct tl_event *ev = &log->ev[i];
		if (ev->type == TL_EV_NO_ACTION)
			continue;
		for (size_t b = 0; b < log->nbanks; b++) {
			struct tl_pcr_bank *bank = &out->bank[b];
			int err;
			if (!bank->replayable)
				continue;
			err = tl_extend(bank->alg, bank->pcr[ev->pcr], ev->digest[b]);
			if (err == TL_E_UNSUPPORTED) {
				bank->replayable = false;
				continue;
			}
			if (err != TL_OK)
				return err;
			bank->extended |= 1u << ev->pcr;
		}
	}
	return TL_OK;
}
