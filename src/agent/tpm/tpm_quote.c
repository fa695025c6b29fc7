/* TPM2_Quote with the PCR values it covers, and the PCR commands behind it: PCR_Read (in as
 * many calls as the TPM needs), the allocated banks, PCR_Extend. */
#include <string.h>

#include <tss2/tss2_mu.h>

#include "trustlaunch/hash.h"
#include "tpm_internal.h"

#define QUOTE_ATTEMPTS 3u
#define PCR_SELECT_BYTES 3u /* 24 PCRs */

static void to_tss(const struct tl_pcr_selection *sel, TPML_PCR_SELECTION *out)
{
	memset(out, 0, sizeof *out);
	for (size_t i = 0; i < sel->count && i < TPM2_NUM_PCR_BANKS; i++) {
		out->pcrSelections[i].hash = sel->bank[i].alg;
		out->pcrSelections[i].sizeofSelect = PCR_SELECT_BYTES;
		for (unsigned b = 0; b < PCR_SELECT_BYTES; b++)
			out->pcrSelections[i].pcrSelect[b] = (uint8_t)(sel->bank[i].mask >> (8 * b));
		out->count++;
	}
}

static uint32_t mask_of(const TPMS_PCR_SELECTION *s)
{
	uint32_t m = 0;

	for (unsigned b = 0; b < s->sizeofSelect && b < PCR_SELECT_BYTES; b++)
		m |= (uint32_t)s->pcrSelect[b] << (8 * b);
	return m;
}

/* Takes the values one PCR_Read answered and removes them from what is left to read. */
static int take_values(struct tl_tpm *t, const TPML_PCR_SELECTION *got, const TPML_DIGEST *vals,
		       struct tl_pcr_selection *left, struct tl_pcr_values *out)
{
	uint32_t k = 0, taken = 0;

	for (uint32_t i = 0; i < got->count; i++) {
		uint16_t alg = got->pcrSelections[i].hash;
		uint32_t m = mask_of(&got->pcrSelections[i]);
		for (unsigned pcr = 0; pcr < TL_NUM_PCRS; pcr++) {
			if (!(m & (1u << pcr)))
				continue;
			if (k >= vals->count ||
			    tl_pcr_values_set(out, alg, pcr, vals->digests[k].buffer,
					      vals->digests[k].size) != TL_OK)
				return tl_tpm_say(t, TL_E_TPM, "TPM2_PCR_Read answered values "
						  "that do not match its selection");
			k++;
			taken++;
			for (size_t b = 0; b < left->count; b++)
				if (left->bank[b].alg == alg)
					left->bank[b].mask &= ~(1u << pcr);
		}
	}
	if (!taken)
		return tl_tpm_say(t, TL_E_TPM, "TPM2_PCR_Read read nothing: a selected bank or PCR "
				  "is not allocated in this TPM (tpm2_getcap pcrs)");
	return TL_OK;
}

static bool all_read(const struct tl_pcr_selection *left)
{
	for (size_t b = 0; b < left->count; b++)
		if (left->bank[b].mask)
			return false;
	return true;
}

/* All values of sel; PCR_Read returns at most 8 digests a call. */
static int read_pcrs(struct tl_tpm *t, const struct tl_pcr_selection *sel,
		     struct tl_pcr_values *out)
{
	struct tl_pcr_selection left = *sel;
	int err;

	memset(out, 0, sizeof *out);
	while (!all_read(&left)) {
		TPML_PCR_SELECTION want, *got = NULL;
		TPML_DIGEST *vals = NULL;
		TSS2_RC rc;
		to_tss(&left, &want);
		for (unsigned n = 0;; n++) {
			rc = Esys_PCR_Read(t->esys, ESYS_TR_NONE, ESYS_TR_NONE, ESYS_TR_NONE, &want,
					   NULL, &got, &vals);
			if (!tl_tpm_again(rc, n))
				break;
		}
		if (rc != TSS2_RC_SUCCESS)
			return tl_tpm_fail(t, "TPM2_PCR_Read", rc);
		err = take_values(t, got, vals, &left, out);
		Esys_Free(got);
		Esys_Free(vals);
		if (err != TL_OK)
			return err;
	}
	return TL_OK;
}

/* The digest a quote over sel would carry for these values: H(values in selection order). */
static int pcr_digest(const struct tl_pcr_selection *sel, const struct tl_pcr_values *v,
		      uint8_t out[static TL_MAX_DIGEST])
{
	struct tl_hash_ctx *h;
	int err = tl_hash_begin(TL_ALG_SHA256, &h);

	for (size_t i = 0; err == TL_OK && i < sel->count; i++) {
		size_t b = 0;
		while (b < v->nbanks && v->bank[b].alg != sel->bank[i].alg)
			b++;
		size_t size = tl_alg_size(sel->bank[i].alg);
		if (b == v->nbanks || (v->bank[b].mask & sel->bank[i].mask) != sel->bank[i].mask)
			err = TL_E_ARG; /* not every selected value was read */
		for (unsigned pcr = 0; err == TL_OK && pcr < TL_NUM_PCRS; pcr++)
			if (sel->bank[i].mask & (1u << pcr))
				err = tl_hash_add(h, v->bank[b].v[pcr], size);
	}
	if (err != TL_OK) {
		tl_hash_abort(h);
		return err;
	}
	return tl_hash_end(h, out);
}

static bool same_selection(const struct tl_pcr_selection *sel, const struct tl_tpm2_attest *att)
{
	const struct tl_pcr_selection *q = &att->pcr_select;

	if (q->count != sel->count)
		return false;
	for (size_t i = 0; i < sel->count; i++)
		if (q->bank[i].alg != sel->bank[i].alg || q->bank[i].mask != sel->bank[i].mask)
			return false;
	return true;
}

static int quote_once(struct tl_tpm *t, const struct tl_pcr_selection *sel,
		      struct tl_bytes nonce, struct tl_tpm_quote *out)
{
	TPM2B_DATA qualifying = { 0 };
	TPMT_SIG_SCHEME scheme = { .scheme = TPM2_ALG_NULL }; /* the key's own */
	TPML_PCR_SELECTION pcrs;
	TPM2B_ATTEST *quoted = NULL;
	TPMT_SIGNATURE *sig = NULL;
	size_t off = 0;
	TSS2_RC rc;
	int err = TL_OK;

	if (nonce.len > sizeof qualifying.buffer)
		return tl_tpm_say(t, TL_E_ARG, "the nonce is longer than %zu bytes",
				  sizeof qualifying.buffer);
	qualifying.size = (uint16_t)nonce.len;
	memcpy(qualifying.buffer, nonce.ptr, nonce.len);
	to_tss(sel, &pcrs);
	for (unsigned n = 0;; n++) {
		rc = Esys_Quote(t->esys, t->ak, ESYS_TR_PASSWORD, ESYS_TR_NONE, ESYS_TR_NONE,
				&qualifying, &scheme, &pcrs, &quoted, &sig);
		if (!tl_tpm_again(rc, n))
			break;
	}
	if (rc != TSS2_RC_SUCCESS)
		return tl_tpm_fail(t, "TPM2_Quote", rc);
	if (quoted->size > sizeof out->attest) {
		err = tl_tpm_say(t, TL_E_TPM, "the quote is larger than %zu bytes",
				 sizeof out->attest);
	} else if ((rc = Tss2_MU_TPMT_SIGNATURE_Marshal(sig, out->sig, sizeof out->sig, &off)) !=
		   TSS2_RC_SUCCESS) {
		err = tl_tpm_fail(t, "marshalling the quote's signature", rc);
	} else {
		memcpy(out->attest, quoted->attestationData, quoted->size);
		out->attest_len = quoted->size;
		out->sig_len = off;
	}
	Esys_Free(quoted);
	Esys_Free(sig);
	return err;
}

int tl_tpm_quote(struct tl_tpm *t, const struct tl_tpm_ak *ak, const struct tl_pcr_selection *sel,
		 struct tl_bytes nonce, struct tl_tpm_quote *out)
{
	uint8_t want[TL_MAX_DIGEST];
	struct tl_tpm2_attest att;
	int err;

	if (t->ak == ESYS_TR_NONE || t->ak_handle != ak->handle)
		return tl_tpm_say(t, TL_E_ARG, "the AK is not open");
	for (unsigned attempt = 0; attempt < QUOTE_ATTEMPTS; attempt++) {
		if ((err = read_pcrs(t, sel, &out->pcrs)) != TL_OK ||
		    (err = quote_once(t, sel, nonce, out)) != TL_OK)
			return err;
		if ((err = tl_tpm2_attest_parse((struct tl_bytes){ out->attest, out->attest_len },
						&att)) != TL_OK)
			return tl_tpm_say(t, err, "the TPM's quote does not parse: %s",
					  tl_err_msg(err));
		/* the TPM answered what was asked: this nonce, this selection */
		if (att.type != TL_ST_ATTEST_QUOTE || att.extra_data.len != nonce.len ||
		    !tl_bytes_eq(att.extra_data, nonce.ptr, nonce.len) || !same_selection(sel, &att))
			return tl_tpm_say(t, TL_E_TPM, "the TPM's quote is not over the nonce and "
					  "PCR selection asked for");
		if ((err = pcr_digest(sel, &out->pcrs, want)) != TL_OK)
			return tl_tpm_say(t, err, "the PCR values read do not cover the selection");
		/* equal unless a PCR was extended between the read and the quote: again */
		if (att.pcr_digest.len == tl_alg_size(TL_ALG_SHA256) &&
		    tl_bytes_eq(att.pcr_digest, want, att.pcr_digest.len))
			return TL_OK;
	}
	return tl_tpm_say(t, TL_E_TPM_PCR_MOVING, "the PCRs changed between reading and quoting "
			  "them %u times in a row", QUOTE_ATTEMPTS);
}

int tl_tpm_banks(struct tl_tpm *t, struct tl_pcr_selection *out)
{
	TPMS_CAPABILITY_DATA *cap = NULL;
	TSS2_RC rc;

	memset(out, 0, sizeof *out);
	rc = Esys_GetCapability(t->esys, ESYS_TR_NONE, ESYS_TR_NONE, ESYS_TR_NONE, TPM2_CAP_PCRS, 0,
				1, NULL, &cap);
	if (rc != TSS2_RC_SUCCESS)
		return tl_tpm_fail(t, "TPM2_GetCapability (PCR banks)", rc);
	const TPML_PCR_SELECTION *a = &cap->data.assignedPCR;
	for (uint32_t i = 0; i < a->count && out->count < TL_TPM2_MAX_PCR_BANKS; i++) {
		uint32_t m = mask_of(&a->pcrSelections[i]);
		if (!m)
			continue;
		out->bank[out->count].alg = a->pcrSelections[i].hash;
		out->bank[out->count].mask = m;
		out->count++;
	}
	Esys_Free(cap);
	return TL_OK;
}

int tl_tpm_extend(struct tl_tpm *t, unsigned pcr, size_t n, const uint16_t *algs,
		  const uint8_t *const *digests)
{
	TPML_DIGEST_VALUES v = { 0 };
	TSS2_RC rc;

	if (pcr >= TL_NUM_PCRS || n > TPM2_NUM_PCR_BANKS)
		return tl_tpm_say(t, TL_E_ARG, "PCR %u or %zu banks out of range", pcr, n);
	for (size_t i = 0; i < n; i++) {
		size_t size = tl_alg_size(algs[i]);
		if (!size || size > sizeof v.digests[i].digest)
			return tl_tpm_say(t, TL_E_UNSUPPORTED, "digest algorithm 0x%04x", algs[i]);
		v.digests[i].hashAlg = algs[i];
		memcpy((uint8_t *)&v.digests[i].digest, digests[i], size);
	}
	v.count = (uint32_t)n;
	for (unsigned k = 0;; k++) {
		rc = Esys_PCR_Extend(t->esys, ESYS_TR_PCR0 + pcr, ESYS_TR_PASSWORD, ESYS_TR_NONE,
				     ESYS_TR_NONE, &v);
		if (!tl_tpm_again(rc, k))
			break;
	}
	return rc == TSS2_RC_SUCCESS ? TL_OK : tl_tpm_fail(t, "TPM2_PCR_Extend", rc);
}
