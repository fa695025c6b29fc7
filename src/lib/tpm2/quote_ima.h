/* The IMA PCRs of a quote (quote.c's log check). */
#ifndef TL_QUOTE_IMA_H
#define TL_QUOTE_IMA_H

#include "trustlaunch/quote.h"

/* The PCR IMA extends when no policy rule names another (CONFIG_IMA_MEASURE_PCR_IDX). */
#define TL_IMA_PCR 10u

/* Checks the quoted IMA PCRs (PCR 10 and every PCR the list extends) against the list and
 * its boot_aggregate against quoted PCRs 0-9; sets out->ima_*. Returns those PCRs, which the
 * TCG log is not held to. ima NULL: no list was sent. */
uint32_t tl_quote_check_ima(const struct tl_tpm2_attest *a, const struct tl_pcr_values *v,
			    const struct tl_ima_replay *ima, struct tl_quote_result *out);

#endif
