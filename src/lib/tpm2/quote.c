/* Quote verification (DESIGN.md, pipeline steps 1-3): key, signature, content, PCRs, log. */
#include <string.h>

#include "trustlaunch/hash.h"
#include "trustlaunch/quote.h"
#include "quote_ima.h"

#define AK_REQUIRED TL_AK_REQUIRED

int tl_pcr_values_bank(const struct tl_pcr_values *v, uint16_t alg)
{
	for (size_t i = 0; i < v->nbanks; i++)
		if (v->bank[i].alg == alg)
			return (int)i;
	return -1;
}

int tl_pcr_values_set(struct tl_pcr_values *v, uint16_t alg, unsigned pcr, const uint8_t *value,
		      size_t len)
{
	int b = tl_pcr_values_bank(v, alg);
	if (!tl_alg_size(alg) || len != tl_alg_size(alg) || pcr >= TL_NUM_PCRS)
		return TL_E_ARG;
	if (b < 0) {
		if (v->nbanks == TL_TPM2_MAX_PCR_BANKS)
			return TL_E_ARG;
		b = (int)v->nbanks++;
		v->bank[b].alg = alg;
		v->bank[b].mask = 0;
	}
	if (v->bank[b].mask & (1u << pcr))
		return TL_E_ARG;
	v->bank[b].mask |= 1u << pcr;
	memcpy(v->bank[b].v[pcr], value, len);
	return TL_OK;
}

int tl_pcr_values_from_raw(struct tl_pcr_values *v, const struct tl_pcr_selection *sel,
			   struct tl_bytes raw)
{
	struct tl_rd rd;
	memset(v, 0, sizeof(*v));
	tl_rd_from(&rd, raw);
	for (size_t b = 0; b < sel->count; b++) {
		size_t n = tl_alg_size(sel->bank[b].alg);
		for (unsigned i = 0; i < TL_NUM_PCRS; i++) {
			struct tl_bytes val;
			if (!(sel->bank[b].mask & (1u << i)))
				continue;
			if (!n || tl_rd_bytes(&rd, n, &val) ||
			    tl_pcr_values_set(v, sel->bank[b].alg, i, val.ptr, val.len))
				return TL_E_ARG;
		}
	}
	return tl_rd_end(&rd) == TL_OK ? TL_OK : TL_E_ARG;
}

/* The supplied set must be exactly the selection, and hash (with the signing hash) to the
 * digest the TPM signed: Part 3, TPM2_Quote. */
static int check_pcrs(const struct tl_tpm2_attest *a, const struct tl_pcr_values *v,
		      uint16_t hash)
{
	const struct tl_pcr_selection *sel = &a->pcr_select;
	uint8_t concat[TL_TPM2_MAX_PCR_BANKS * TL_NUM_PCRS * TL_MAX_DIGEST], h[TL_MAX_DIGEST];
	size_t n = 0, given = 0;

	for (size_t i = 0; i < v->nbanks; i++)
		given += v->bank[i].mask != 0;
	for (size_t b = 0; b < sel->count; b++) {
		int vb = tl_pcr_values_bank(v, sel->bank[b].alg);
		size_t size = tl_alg_size(sel->bank[b].alg);
		if (sel->bank[b].mask == 0)
			continue;
		if (vb < 0 || v->bank[vb].mask != sel->bank[b].mask || !size)
			return TL_E_QUOTE_PCR_SET;
		given--;
		for (unsigned i = 0; i < TL_NUM_PCRS; i++) {
			if (!(sel->bank[b].mask & (1u << i)))
				continue;
			memcpy(concat + n, v->bank[vb].v[i], size);
			n += size;
		}
	}
	if (given != 0)
		return TL_E_QUOTE_PCR_SET;
	if (tl_hash(hash, concat, n, h) != TL_OK)
		return TL_E_QUOTE_SCHEME;
	if (!tl_bytes_eq(a->pcr_digest, h, tl_alg_size(hash)))
		return TL_E_QUOTE_PCR_DIGEST;
	return TL_OK;
}

/* Every quoted PCR of every quoted bank must be what the log replays to (a PCR without
 * events: its reset value); with an IMA list, the IMA PCRs what the list replays to instead;
 * without one, a PCR 10 the log has no events for and does not explain is IMA's
 * (quote_ima.c). */
static int check_log(const struct tl_tpm2_attest *a, const struct tl_pcr_values *v,
		     const struct tl_log *log, const struct tl_quote_opts *opts,
		     struct tl_quote_result *out)
{
	const struct tl_pcrs *given = opts->replayed;
	struct tl_pcrs own;
	int err = given ? TL_OK : tl_log_replay(log, &own);
	const struct tl_pcrs *replayed = given ? given : &own;
	uint32_t ima = tl_quote_check_ima(a, v, opts->ima, out);
	uint32_t trusted = ~ima; /* the TCG log says nothing about the IMA PCRs */
	if (err != TL_OK)
		return err;
	for (size_t b = 0; b < a->pcr_select.count; b++) {
		uint16_t alg = a->pcr_select.bank[b].alg;
		uint32_t mask = a->pcr_select.bank[b].mask;
		const struct tl_pcr_bank *rb = NULL;
		int vb = tl_pcr_values_bank(v, alg);
		for (size_t i = 0; i < replayed->nbanks; i++)
			if (replayed->bank[i].alg == alg && replayed->bank[i].replayable)
				rb = &replayed->bank[i];
		for (unsigned i = 0; i < TL_NUM_PCRS && mask; i++) {
			if (!(mask & (1u << i)) || (ima & (1u << i)))
				continue;
			if (!rb || vb < 0 || memcmp(rb->pcr[i], v->bank[vb].v[i], rb->size) != 0) {
				trusted &= ~(1u << i);
				if (!opts->ima && tl_quote_ima_missing(rb, i, out))
					continue;
				if (!out->bad_bank) {
					out->bad_bank = alg;
					out->bad_pcr = i;
				}
			}
		}
	}
	/* a PCR is trusted when every quoted bank holds it and agrees */
	uint32_t quoted = 0;
	for (size_t b = 0; b < a->pcr_select.count; b++)
		quoted |= a->pcr_select.bank[b].mask;
	out->log_trusted = trusted & quoted;
	return out->bad_bank ? TL_E_QUOTE_LOG_REPLAY : out->ima_err;
}

static bool went_backwards(const struct tl_tpm2_attest *a, const struct tl_clock_info *p)
{
	if (a->reset_count != p->reset_count)
		return a->reset_count < p->reset_count;
	if (a->restart_count != p->restart_count)
		return a->restart_count < p->restart_count;
	return a->clock < p->clock;
}

int tl_quote_verify(const struct tl_tpm2_public *ak, const struct tl_tpm2_key *key,
		    struct tl_bytes attest, struct tl_bytes sig, struct tl_bytes nonce,
		    const struct tl_pcr_values *pcrs, const struct tl_log *log,
		    const struct tl_quote_opts *opts, struct tl_quote_result *out)
{
	static const struct tl_quote_opts defaults = { 0 };
	struct tl_tpm2_signature s;
	struct tl_tpm2_key *own = NULL;
	int err;

	memset(out, 0, sizeof(*out));
	if (!opts)
		opts = &defaults;
	if (!opts->bare_key && ((ak->attributes & AK_REQUIRED) != AK_REQUIRED ||
				(ak->attributes & TL_OBJ_DECRYPT)))
		return TL_E_AK_ATTRIBUTES;
	if ((err = tl_tpm2_attest_parse(attest, &out->attest)) != TL_OK ||
	    (err = tl_tpm2_signature_parse(sig, &s)) != TL_OK)
		return err;
	if (s.hash == TL_ALG_SHA1 && !opts->allow_sha1)
		return TL_E_QUOTE_SHA1;
	/* a key created with a scheme signs only with that scheme */
	if (ak->scheme != TL_ALG_NULL && (s.alg != ak->scheme || s.hash != ak->scheme_hash))
		return TL_E_QUOTE_SCHEME;
	if (!key) {
		if ((err = tl_tpm2_key_new(ak, &own)) != TL_OK)
			return err;
		key = own;
	}
	err = tl_tpm2_key_verify(key, &s, attest);
	tl_tpm2_key_free(own);
	if (err != TL_OK)
		return err;
	/* from here on the bytes are the TPM's */
	if (out->attest.magic != TL_TPM_GENERATED)
		return TL_E_QUOTE_MAGIC;
	if (out->attest.type != TL_ST_ATTEST_QUOTE)
		return TL_E_QUOTE_TYPE;
	if (opts->no_nonce ? nonce.len != 0 || out->attest.extra_data.len != 0
			   : !tl_bytes_eq(out->attest.extra_data, nonce.ptr, nonce.len) ||
				     nonce.len == 0)
		return TL_E_QUOTE_NONCE;
	if (opts->previous) {
		if (went_backwards(&out->attest, opts->previous))
			return TL_E_QUOTE_CLOCK;
		out->rebooted = out->attest.reset_count > opts->previous->reset_count;
	}
	if (pcrs && (err = check_pcrs(&out->attest, pcrs, s.hash)) != TL_OK)
		return err;
	if (log && pcrs)
		return check_log(&out->attest, pcrs, log, opts, out);
	return TL_OK;
}
