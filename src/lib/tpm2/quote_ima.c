/* The IMA PCRs of a quote: the quoted values must be what the IMA list replays to, and the
 * list's boot_aggregate the hash of the quoted PCRs 0-9 (Linux >= 5.8 with a TPM 2.0 hashes
 * PCRs 0-9 of the bank of its ima_hash algorithm, else of SHA-1; docs/eventlog.md). */
#include <string.h>

#include "quote_ima.h"

static void fail(struct tl_quote_result *out, int err, uint16_t alg, unsigned pcr)
{
	if (out->ima_err != TL_OK)
		return; /* the first failure is the one reported */
	out->ima_err = err;
	out->ima_bad_bank = alg;
	out->ima_bad_pcr = pcr;
}

/* H(PCR 0 || ... || PCR 9) of bank alg, when the quote holds all ten. */
static void check_aggregate(const struct tl_pcr_values *v, const struct tl_ima_replay *ima,
			    struct tl_quote_result *out)
{
	uint8_t concat[10 * TL_MAX_DIGEST], h[TL_MAX_DIGEST];
	size_t size = tl_alg_size(ima->aggregate_alg), n = 0;
	int b = tl_pcr_values_bank(v, ima->aggregate_alg);
	if (!ima->aggregate_alg || b < 0 || (v->bank[b].mask & 0x3FFu) != 0x3FFu)
		return; /* not quoted: unchecked (ima_aggregate_checked stays false) */
	for (unsigned i = 0; i < 10; i++, n += size)
		memcpy(concat + n, v->bank[b].v[i], size);
	out->ima_aggregate_checked = true;
	if (tl_hash(ima->aggregate_alg, concat, n, h) != TL_OK ||
	    memcmp(h, ima->aggregate, size) != 0)
		fail(out, TL_E_QUOTE_IMA_AGGREGATE, ima->aggregate_alg, TL_IMA_PCR);
}

/* One quoted bank's IMA PCRs against the list (a PCR it does not extend: its reset value). */
static void check_bank(uint16_t alg, uint32_t mask, const struct tl_pcr_values *v,
		       const struct tl_ima_replay *ima, struct tl_quote_result *out)
{
	int vb = tl_pcr_values_bank(v, alg);
	size_t size = tl_alg_size(alg);
	for (unsigned i = 0; i < TL_NUM_PCRS; i++) {
		uint8_t reset[TL_MAX_DIGEST];
		const uint8_t *want;
		if (!(mask & (1u << i)))
			continue;
		if (!(want = tl_ima_pcr(ima, alg, i)) && (alg == TL_ALG_SHA1 || alg == TL_ALG_SHA256)) {
			tl_pcr_reset_value(NULL, i, size, reset);
			want = reset;
		}
		/* a bank other than SHA-1 and SHA-256 is not replayed: it cannot be trusted */
		if (!want || vb < 0 || memcmp(want, v->bank[vb].v[i], size) != 0)
			fail(out, TL_E_QUOTE_IMA_REPLAY, alg, i);
	}
}

uint32_t tl_quote_check_ima(const struct tl_tpm2_attest *a, const struct tl_pcr_values *v,
			    const struct tl_ima_replay *ima, struct tl_quote_result *out)
{
	uint32_t pcrs, quoted = 0;
	if (!ima)
		return 0; /* no list: the TCG log answers for PCR 10 (quote.c) */
	pcrs = (1u << TL_IMA_PCR) | ima->mask;
	for (size_t b = 0; b < a->pcr_select.count; b++)
		quoted |= a->pcr_select.bank[b].mask;
	if (!(quoted & pcrs))
		return pcrs; /* nothing of IMA quoted: the list is not looked at */
	for (size_t b = 0; b < a->pcr_select.count; b++)
		check_bank(a->pcr_select.bank[b].alg, a->pcr_select.bank[b].mask & pcrs, v, ima,
			   out);
	check_aggregate(v, ima, out);
	return pcrs;
}

bool tl_quote_ima_missing(const struct tl_pcr_bank *replayed, unsigned pcr,
			  struct tl_quote_result *out)
{
	if (pcr != TL_IMA_PCR || !replayed || (replayed->extended & (1u << pcr)))
		return false;
	fail(out, TL_E_QUOTE_IMA_MISSING, replayed->alg, pcr);
	return true;
}
