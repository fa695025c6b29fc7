/* `tl-agent replay-log FILE`: extends every measured digest of a real TCG event log into a
 * fresh software TPM, in order, so that its PCRs hold what the firmware that wrote the log
 * put there. For tests and demos; a hardware TPM is refused (its PCRs would no longer match
 * its own boot, and every later attestation of that machine would fail). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent.h"
#include "file.h"
#include "trustlaunch/hash.h"
#include "trustlaunch/limits.h"
#include "trustlaunch/tcglog.h"

/* Which of the log's banks the TPM has allocated; warns about the others. */
static size_t usable_banks(const struct tl_log *log, const struct tl_pcr_selection *tpm,
			   size_t slot[static TL_MAX_BANKS], uint16_t alg[static TL_MAX_BANKS])
{
	size_t n = 0;

	for (size_t b = 0; b < log->nbanks; b++)
		for (size_t t = 0; t < tpm->count; t++)
			if (tpm->bank[t].alg == log->alg[b]) {
				slot[n] = b;
				alg[n++] = log->alg[b];
			}
	return n;
}

static int extend_all(struct tl_tpm *tpm, const struct tl_log *log, size_t *done,
		      char why[static TL_AGENT_WHY])
{
	struct tl_pcr_selection banks;
	size_t slot[TL_MAX_BANKS];
	uint16_t alg[TL_MAX_BANKS];
	const uint8_t *dig[TL_MAX_BANKS];

	if (tl_tpm_banks(tpm, &banks) != TL_OK) {
		snprintf(why, TL_AGENT_WHY, "%s", tl_tpm_why(tpm));
		return TL_E_TPM;
	}
	size_t n = usable_banks(log, &banks, slot, alg);
	if (n == 0) {
		snprintf(why, TL_AGENT_WHY, "the TPM has none of the log's PCR banks allocated");
		return TL_E_ARG;
	}
	*done = 0;
	for (size_t i = 0; i < log->nevents; i++) {
		const struct tl_event *e = &log->ev[i];
		if (e->type == TL_EV_NO_ACTION)
			continue; /* informational: never extended */
		for (size_t k = 0; k < n; k++)
			dig[k] = e->digest[slot[k]];
		if (tl_tpm_extend(tpm, e->pcr, n, alg, dig) != TL_OK) {
			snprintf(why, TL_AGENT_WHY, "event %zu (PCR %u): %s", i + 1, e->pcr,
				 tl_tpm_why(tpm));
			return TL_E_TPM;
		}
		(*done)++;
	}
	return TL_OK;
}

int tl_agent_replay(struct tl_tpm *tpm, const char *path, char why[static TL_AGENT_WHY])
{
	uint8_t *buf = NULL;
	size_t len = 0, done = 0;
	struct tl_log *log = NULL;
	struct tl_diag diag = { 0 };
	int err;

	if (tl_tpm_is_device(tpm)) {
		snprintf(why, TL_AGENT_WHY, "replay-log extends PCRs: refused on a hardware TPM "
			 "(use --tcti swtpm:... or mssim:...)");
		return TL_E_ARG;
	}
	if ((err = tl_file_read(path, TL_MAX_LOG_SIZE, &buf, &len)) != TL_OK) {
		snprintf(why, TL_AGENT_WHY, "%s: %s", path,
			 err == TL_E_FILE_TOO_LARGE ? "larger than an event log may be"
			 : err == TL_E_IO ? strerror(errno) : tl_err_msg(err));
		return err;
	}
	if ((err = tl_log_parse(buf, len, &log, &diag)) != TL_OK) {
		snprintf(why, TL_AGENT_WHY, "%s: not a TCG event log: %s at byte %zu (event %u)",
			 path, tl_err_msg(err), diag.offset, diag.event);
	} else if (log->has_locality && log->startup_locality != 0) {
		snprintf(why, TL_AGENT_WHY, "%s: the firmware started from locality %u; PCR 0 cannot "
			 "be reproduced from locality 0", path, log->startup_locality);
		err = TL_E_UNSUPPORTED;
	} else if ((err = extend_all(tpm, log, &done, why)) == TL_OK) {
		printf("extended %zu events of %s into the TPM\n", done, path);
	}
	tl_log_free(log);
	free(buf);
	return err;
}
