/* Is a TPM quote genuine, fresh, from the expected key, and consistent with the PCR values
 * and event log offered with it? */
#ifndef TRUSTLAUNCH_QUOTE_H
#define TRUSTLAUNCH_QUOTE_H

#include "trustlaunch/ima.h"
#include "trustlaunch/tcglog.h"
#include "trustlaunch/tpm2.h"

/* PCR values offered with a quote, by bank. */
struct tl_pcr_values {
	size_t nbanks;
	struct {
		uint16_t alg;
		uint32_t mask; /* PCRs given */
		uint8_t v[TL_NUM_PCRS][TL_MAX_DIGEST];
	} bank[TL_TPM2_MAX_PCR_BANKS];
};

/* Adds one value; TL_E_ARG for an unknown bank, a PCR >= 24, a wrong size or a value given
 * twice. */
TL_MUST_CHECK int tl_pcr_values_set(struct tl_pcr_values *v, uint16_t alg, unsigned pcr,
				    const uint8_t *value, size_t len);
/* The raw concatenation `tpm2_quote -F values` writes, split by a selection. */
TL_MUST_CHECK int tl_pcr_values_from_raw(struct tl_pcr_values *v,
					 const struct tl_pcr_selection *sel, struct tl_bytes raw);

struct tl_clock_info {
	uint64_t clock;
	uint32_t reset_count, restart_count;
};

struct tl_quote_opts {
	bool allow_sha1;               /* accept SHA-1 signatures */
	bool bare_key;                 /* the key's attributes are unknown (PEM): skip them */
	bool no_nonce;                 /* no nonce was asked for: only an empty extraData is
					* accepted, and the quote proves nothing about when it
					* was made (stored evidence; never the service) */
	const struct tl_clock_info *previous; /* the last accepted quote of this TPM, or NULL */
	const struct tl_pcrs *replayed; /* tl_log_replay(log) done before, or NULL */
	/* The IMA list sent with the log, replayed (tl_ima_replay), or NULL: none was sent. With
	 * a log, quoted PCR 10 (and any other PCR the list extends) must be what the list
	 * replays to, not what the TCG log does; without a list, a quoted PCR 10 that the log
	 * has no events for and does not replay to is quote.ima_log_missing. */
	const struct tl_ima_replay *ima;
};

struct tl_quote_result {
	struct tl_tpm2_attest attest;  /* parsed, once the structure is known */
	bool rebooted;                 /* resetCount grew since previous */
	uint32_t log_trusted;          /* PCRs whose events replay to the quoted values */
	unsigned bad_pcr;              /* with quote.eventlog_mismatch: the first PCR */
	uint16_t bad_bank;
	/* The IMA PCRs (checked with a log): TL_OK, or quote.ima_log_missing,
	 * quote.ima_log_mismatch (the first PCR and bank below), quote.ima_boot_aggregate_mismatch.
	 * tl_quote_verify returns it when the TCG log replays. */
	int ima_err;
	unsigned ima_bad_pcr;
	uint16_t ima_bad_bank;
	bool ima_aggregate_checked;    /* the boot_aggregate was compared with quoted PCRs 0-9 */
};

/* Index of bank alg in v, -1 when absent. */
int tl_pcr_values_bank(const struct tl_pcr_values *v, uint16_t alg);

/* TL_OK when genuine; otherwise the reason code (quote.*, ak.*, tpm2.*). pcrs and log may be
 * NULL (then the PCR digest, or the log, is not checked). key may be NULL (built from ak). */
TL_MUST_CHECK int tl_quote_verify(const struct tl_tpm2_public *ak, const struct tl_tpm2_key *key,
				  struct tl_bytes attest, struct tl_bytes sig,
				  struct tl_bytes nonce, const struct tl_pcr_values *pcrs,
				  const struct tl_log *log, const struct tl_quote_opts *opts,
				  struct tl_quote_result *out);

#endif
