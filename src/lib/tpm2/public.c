/* TPM2B_PUBLIC / TPMT_PUBLIC (Part 2, 12.2) for RSA and ECC keys, and object names. */
#include <string.h>

#include "trustlaunch/hash.h"
#include "tpm2b.h"
#include "trustlaunch/tpm2.h"

/* TPMT_SYM_DEF_OBJECT: algorithm, then key bits and mode unless TPM_ALG_NULL. */
static int symmetric(struct tl_rd *rd, struct tl_tpm2_public *p)
{
	if (tl_rd_be16(rd, &p->symmetric))
		return TL_E_TPM2_MALFORMED;
	if (p->symmetric != TL_ALG_NULL &&
	    (tl_rd_be16(rd, &p->sym_bits) || tl_rd_be16(rd, &p->sym_mode)))
		return TL_E_TPM2_MALFORMED;
	return TL_OK;
}

/* A scheme: algorithm, then a hash algorithm unless TPM_ALG_NULL. */
static int scheme(struct tl_rd *rd, uint16_t *alg, uint16_t *hash)
{
	*hash = TL_ALG_NULL;
	if (tl_rd_be16(rd, alg) || (*alg != TL_ALG_NULL && tl_rd_be16(rd, hash)))
		return TL_E_TPM2_MALFORMED;
	return TL_OK;
}

static int tpmt_public(struct tl_rd *rd, struct tl_tpm2_public *p)
{
	uint16_t kdf_hash;
	int err;
	if (tl_rd_be16(rd, &p->type) || tl_rd_be16(rd, &p->name_alg) ||
	    tl_rd_be32(rd, &p->attributes))
		return TL_E_TPM2_MALFORMED;
	if ((err = tl_tpm2b(rd, TL_TPM2_MAX_DIGEST, &p->auth_policy)) != TL_OK ||
	    (err = symmetric(rd, p)) != TL_OK ||
	    (err = scheme(rd, &p->scheme, &p->scheme_hash)) != TL_OK)
		return err;
	if (p->type == TL_ALG_RSA) {
		if (tl_rd_be16(rd, &p->rsa_bits) || tl_rd_be32(rd, &p->rsa_exponent))
			return TL_E_TPM2_MALFORMED;
		return tl_tpm2b(rd, TL_TPM2_MAX_RSA_BYTES, &p->rsa_modulus);
	}
	if (p->type == TL_ALG_ECC) {
		if (tl_rd_be16(rd, &p->ecc_curve) || scheme(rd, &p->ecc_kdf, &kdf_hash))
			return TL_E_TPM2_MALFORMED;
		if ((err = tl_tpm2b(rd, TL_TPM2_MAX_ECC_BYTES, &p->ecc_x)) != TL_OK)
			return err;
		return tl_tpm2b(rd, TL_TPM2_MAX_ECC_BYTES, &p->ecc_y);
	}
	return TL_E_TPM2_UNSUPPORTED;
}

int tl_tpm2_public_parse(struct tl_bytes in, struct tl_tpm2_public *out)
{
	struct tl_rd rd, body;
	struct tl_bytes tpmt;
	int err;

	memset(out, 0, sizeof(*out));
	tl_rd_from(&rd, in);
	if ((err = tl_tpm2b(&rd, TL_TPM2_MAX_PUBLIC, &tpmt)) != TL_OK)
		return err;
	if (tl_rd_end(&rd) != TL_OK)
		return TL_E_TPM2_TRAILING;
	tl_rd_from(&body, tpmt);
	err = tpmt_public(&body, out);
	if (err == TL_OK && tl_rd_end(&body) != TL_OK)
		err = TL_E_TPM2_TRAILING;
	if (err != TL_OK) {
		memset(out, 0, sizeof(*out));
		return err;
	}
	out->tpmt = tpmt;
	return TL_OK;
}

int tl_tpm2_public_name(const struct tl_tpm2_public *pub, uint8_t out[static TL_TPM2_MAX_NAME],
			size_t *len)
{
	uint8_t h[TL_MAX_DIGEST];
	size_t n = tl_alg_size(pub->name_alg);
	int err;
	*len = 0;
	if (n == 0)
		return TL_E_TPM2_UNSUPPORTED;
	if ((err = tl_hash(pub->name_alg, pub->tpmt.ptr, pub->tpmt.len, h)) != TL_OK)
		return err;
	out[0] = (uint8_t)(pub->name_alg >> 8);
	out[1] = (uint8_t)pub->name_alg;
	memcpy(out + 2, h, n);
	*len = 2 + n;
	return TL_OK;
}
