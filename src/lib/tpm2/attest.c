/* TPMS_ATTEST (Part 2, 10.12.12) of every type, TPML_PCR_SELECTION and TPMT_SIGNATURE. */
#include <string.h>

#include "tpm2b.h"
#include "trustlaunch/tpm2.h"

static int pcr_selection(struct tl_rd *rd, struct tl_pcr_selection *out)
{
	uint32_t count;
	uint32_t any = 0;

	if (tl_rd_be32(rd, &count))
		return TL_E_TPM2_MALFORMED;
	if (count > TL_TPM2_MAX_PCR_BANKS)
		return TL_E_PCRSEL_COUNT;
	for (uint32_t i = 0; i < count; i++) {
		uint16_t alg;
		uint8_t size, b;
		uint32_t mask = 0;
		if (tl_rd_be16(rd, &alg) || tl_rd_u8(rd, &size))
			return TL_E_TPM2_MALFORMED;
		if (size > TL_TPM2_MAX_SELECT)
			return TL_E_PCRSEL_SIZE;
		for (uint8_t j = 0; j < size; j++) {
			if (tl_rd_u8(rd, &b))
				return TL_E_TPM2_MALFORMED;
			mask |= (uint32_t)b << (8 * j);
		}
		if (mask >> 24)
			return TL_E_PCRSEL_HIGH;
		for (size_t k = 0; k < out->count; k++)
			if (out->bank[k].alg == alg)
				return TL_E_PCRSEL_DUP;
		out->bank[out->count].alg = alg;
		out->bank[out->count].mask = mask;
		out->count++;
		any |= mask;
	}
	return any ? TL_OK : TL_E_PCRSEL_EMPTY;
}

/* A failed read moves nothing and leaves nothing. */
int tl_tpm2_pcr_selection(struct tl_rd *rd, struct tl_pcr_selection *out)
{
	size_t start = rd->pos;
	int err;
	memset(out, 0, sizeof(*out));
	if ((err = pcr_selection(rd, out)) != TL_OK) {
		rd->pos = start;
		memset(out, 0, sizeof(*out));
	}
	return err;
}

/* The body of each attestation type, for structure: Part 2, 10.12.3-10.12.11. */
static int body(struct tl_rd *rd, struct tl_tpm2_attest *a)
{
	struct tl_bytes b;
	uint64_t u64;
	uint16_t u16;
	int err;
	size_t start = rd->pos;

	switch (a->type) {
	case TL_ST_ATTEST_QUOTE:
		if ((err = tl_tpm2_pcr_selection(rd, &a->pcr_select)) != TL_OK)
			return err;
		return tl_tpm2b(rd, TL_TPM2_MAX_DIGEST, &a->pcr_digest);
	case TL_ST_ATTEST_CERTIFY: /* name, qualifiedName */
	case TL_ST_ATTEST_CREATION: /* objectName, creationHash */
		if ((err = tl_tpm2b(rd, TL_TPM2_MAX_NAME, &b)) != TL_OK ||
		    (err = tl_tpm2b(rd, TL_TPM2_MAX_NAME, &b)) != TL_OK)
			return err;
		break;
	case TL_ST_ATTEST_COMMAND_AUDIT: /* auditCounter, digestAlg, auditDigest, commandDigest */
		if (tl_rd_be64(rd, &u64) || tl_rd_be16(rd, &u16))
			return TL_E_TPM2_MALFORMED;
		if ((err = tl_tpm2b(rd, TL_TPM2_MAX_DIGEST, &b)) != TL_OK ||
		    (err = tl_tpm2b(rd, TL_TPM2_MAX_DIGEST, &b)) != TL_OK)
			return err;
		break;
	case TL_ST_ATTEST_SESSION_AUDIT: /* exclusiveSession, sessionDigest */
		if (tl_rd_skip(rd, 1))
			return TL_E_TPM2_MALFORMED;
		if ((err = tl_tpm2b(rd, TL_TPM2_MAX_DIGEST, &b)) != TL_OK)
			return err;
		break;
	case TL_ST_ATTEST_TIME: /* TPMS_TIME_INFO, firmwareVersion */
		if (tl_rd_skip(rd, 8 + 17 + 8))
			return TL_E_TPM2_MALFORMED;
		break;
	case TL_ST_ATTEST_NV: /* indexName, offset, nvContents */
		if ((err = tl_tpm2b(rd, TL_TPM2_MAX_NAME, &b)) != TL_OK || tl_rd_be16(rd, &u16) ||
		    (err = tl_tpm2b(rd, TL_TPM2_MAX_ATTEST, &b)) != TL_OK)
			return err ? err : TL_E_TPM2_MALFORMED;
		break;
	case TL_ST_ATTEST_NV_DIGEST: /* indexName, nvDigest */
		if ((err = tl_tpm2b(rd, TL_TPM2_MAX_NAME, &b)) != TL_OK ||
		    (err = tl_tpm2b(rd, TL_TPM2_MAX_DIGEST, &b)) != TL_OK)
			return err;
		break;
	default:
		return TL_E_TPM2_UNSUPPORTED;
	}
	a->body = tl_rd_since(rd, start);
	return TL_OK;
}

int tl_tpm2_attest_parse(struct tl_bytes in, struct tl_tpm2_attest *out)
{
	struct tl_rd rd;
	int err;

	memset(out, 0, sizeof(*out));
	tl_rd_from(&rd, in);
	if (in.len > TL_TPM2_MAX_ATTEST)
		return TL_E_TPM2_SIZE;
	if (tl_rd_be32(&rd, &out->magic) || tl_rd_be16(&rd, &out->type))
		err = TL_E_TPM2_MALFORMED;
	else if ((err = tl_tpm2b(&rd, TL_TPM2_MAX_NAME, &out->signer)) != TL_OK ||
		 (err = tl_tpm2b(&rd, TL_TPM2_MAX_DIGEST, &out->extra_data)) != TL_OK)
		;
	else if (tl_rd_be64(&rd, &out->clock) || tl_rd_be32(&rd, &out->reset_count) ||
		 tl_rd_be32(&rd, &out->restart_count) || tl_rd_u8(&rd, &out->safe) ||
		 tl_rd_be64(&rd, &out->firmware_version))
		err = TL_E_TPM2_MALFORMED;
	else if ((err = body(&rd, out)) == TL_OK && tl_rd_end(&rd) != TL_OK)
		err = TL_E_TPM2_TRAILING;
	if (err != TL_OK)
		memset(out, 0, sizeof(*out));
	return err;
}

int tl_tpm2_signature_parse(struct tl_bytes in, struct tl_tpm2_signature *out)
{
	struct tl_rd rd;
	int err;

	memset(out, 0, sizeof(*out));
	tl_rd_from(&rd, in);
	if (tl_rd_be16(&rd, &out->alg) || tl_rd_be16(&rd, &out->hash))
		err = TL_E_TPM2_MALFORMED;
	else if (out->alg == TL_ALG_RSASSA || out->alg == TL_ALG_RSAPSS)
		err = tl_tpm2b(&rd, TL_TPM2_MAX_RSA_BYTES, &out->rsa);
	else if (out->alg == TL_ALG_ECDSA)
		err = (err = tl_tpm2b(&rd, TL_TPM2_MAX_ECC_BYTES, &out->ecc_r)) != TL_OK
			      ? err
			      : tl_tpm2b(&rd, TL_TPM2_MAX_ECC_BYTES, &out->ecc_s);
	else
		err = TL_E_TPM2_UNSUPPORTED;
	if (err == TL_OK && tl_rd_end(&rd) != TL_OK)
		err = TL_E_TPM2_TRAILING;
	if (err != TL_OK)
		memset(out, 0, sizeof(*out));
	return err;
}
