/* The IMA PCRs of a quote (quote.c's log check). */
#ifndef TL_QUOTE_IMA_H
#define TL_QUOTE_IMA_H

#include "trustlaunch/quote.h"

/* The PCR IMA extends when no policy rule names another (CONFIG_IMA_MEASURE_PCR_IDX). */
#define TL_IMA_PCR 10u

/* With a list: checks the quoted IMA PCRs (PCR 10 and every PCR the list extends) against
 * it and its boot_aggregate against quoted PCRs 0-9; sets out->ima_*. Returns those PCRs,
 * which the TCG log is not held to. ima NULL (no list sent): 0, nothing checked. */
uint32_t tl_quote_check_ima(const struct tl_tpm2_attest *a, const struct tl_pcr_values *v,
			    const struct tl_ima_replay *ima, struct tl_quote_result *out);

/* No list was sent and the TCG log does not replay to quoted PCR pcr of this bank: when that
 * is PCR 10 and the log has no events there, it is IMA's, unexplained for want of its list
 * (out->ima_err quote.ima_log_missing; true), not a log that does not replay. */
bool tl_quote_ima_missing(const struct tl_pcr_bank *replayed, unsigned pcr,
			  struct tl_quote_result *out);

#endif
