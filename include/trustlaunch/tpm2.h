/* TPM 2.0 structures (TPM 2.0 Part 2) that a verifier reads: TPM2B_PUBLIC, TPMS_ATTEST,
 * TPMT_SIGNATURE, TPML_PCR_SELECTION; object names. All parsed through the bounded reader,
 * big-endian, every TPM2B checked against its type's maximum. Views borrow the input. */
#ifndef TRUSTLAUNCH_TPM2_H
#define TRUSTLAUNCH_TPM2_H

#include <stdbool.h>
#include <stdint.h>

#include "trustlaunch/err.h"
#include "trustlaunch/limits.h"
#include "trustlaunch/rd.h"

enum {
	TL_TPM_GENERATED = 0xff544347,
	TL_ST_ATTEST_CERTIFY = 0x8017,
	TL_ST_ATTEST_QUOTE = 0x8018,
	TL_ST_ATTEST_SESSION_AUDIT = 0x8016,
	TL_ST_ATTEST_COMMAND_AUDIT = 0x8015,
	TL_ST_ATTEST_TIME = 0x8019,
	TL_ST_ATTEST_CREATION = 0x801A,
	TL_ST_ATTEST_NV = 0x8014,
	TL_ST_ATTEST_NV_DIGEST = 0x801C,

	TL_ALG_RSA = 0x0001,
	TL_ALG_ECC = 0x0023,
	TL_ALG_NULL = 0x0010,
	TL_ALG_RSASSA = 0x0014,
	TL_ALG_RSAPSS = 0x0016,
	TL_ALG_ECDSA = 0x0018,

	TL_ECC_NIST_P256 = 0x0003,
	TL_ECC_NIST_P384 = 0x0004,

	/* TPMA_OBJECT */
	TL_OBJ_FIXED_TPM = 1u << 1,
	TL_OBJ_FIXED_PARENT = 1u << 4,
	TL_OBJ_SENSITIVE_DATA_ORIGIN = 1u << 5,
	TL_OBJ_RESTRICTED = 1u << 16,
	TL_OBJ_DECRYPT = 1u << 17,
	TL_OBJ_SIGN = 1u << 18,
};

/* What an attestation key must be: created in this TPM, restricted, signing only. */
#define TL_AK_REQUIRED                                                                          \
	(TL_OBJ_FIXED_TPM | TL_OBJ_FIXED_PARENT | TL_OBJ_SENSITIVE_DATA_ORIGIN |                \
	 TL_OBJ_RESTRICTED | TL_OBJ_SIGN)

#define TL_TPM2_MAX_RSA_BYTES 512u  /* RSA 4096 */
#define TL_TPM2_MAX_ECC_BYTES 66u   /* P-521 */
#define TL_TPM2_MAX_DIGEST 64u
#define TL_TPM2_MAX_NAME (2u + TL_TPM2_MAX_DIGEST)
#define TL_TPM2_MAX_PCR_BANKS 16u
#define TL_TPM2_MAX_SELECT 4u       /* PCR_SELECT_MAX: 24 PCRs in 3 bytes; 4 accepted */
#define TL_TPM2_MAX_ATTEST 1024u
#define TL_TPM2_MAX_PUBLIC 1024u

struct tl_tpm2_public {
	uint16_t type, name_alg;
	uint32_t attributes;
	struct tl_bytes auth_policy;
	uint16_t symmetric;            /* TPM_ALG_NULL for a signing key */
	uint16_t sym_bits, sym_mode;   /* of a storage key such as the EK: AES-128 CFB */
	uint16_t scheme, scheme_hash;  /* TPM_ALG_NULL when the key has no fixed scheme */
	uint16_t rsa_bits;
	uint32_t rsa_exponent;         /* 0 means 65537 */
	struct tl_bytes rsa_modulus;
	uint16_t ecc_curve, ecc_kdf;
	struct tl_bytes ecc_x, ecc_y;
	struct tl_bytes tpmt;          /* the TPMT_PUBLIC as marshalled: names hash it */
};

/* A TPM2B_PUBLIC (as tpm2_createak -u writes it); nothing may follow it. */
TL_MUST_CHECK int tl_tpm2_public_parse(struct tl_bytes in, struct tl_tpm2_public *out);
/* Name = nameAlg || H_nameAlg(TPMT_PUBLIC); *len receives its size. */
TL_MUST_CHECK int tl_tpm2_public_name(const struct tl_tpm2_public *pub,
				      uint8_t out[static TL_TPM2_MAX_NAME], size_t *len);

struct tl_pcr_selection {
	size_t count;
	struct {
		uint16_t alg;
		uint32_t mask; /* bit i: PCR i */
	} bank[TL_TPM2_MAX_PCR_BANKS];
};

/* TPML_PCR_SELECTION, strictly: count <= 16, sizeofSelect <= 4, no duplicate bank, no bit
 * above PCR 23, not empty. */
TL_MUST_CHECK int tl_tpm2_pcr_selection(struct tl_rd *rd, struct tl_pcr_selection *out);

struct tl_tpm2_attest {
	uint32_t magic;
	uint16_t type;
	struct tl_bytes signer, extra_data;
	uint64_t clock;
	uint32_t reset_count, restart_count;
	uint8_t safe;
	uint64_t firmware_version;
	/* ATTEST_QUOTE */
	struct tl_pcr_selection pcr_select;
	struct tl_bytes pcr_digest;
	/* the other attestation types: their body, parsed for structure only */
	struct tl_bytes body;
};

/* Any TPMS_ATTEST; the whole input must be one. */
TL_MUST_CHECK int tl_tpm2_attest_parse(struct tl_bytes in, struct tl_tpm2_attest *out);

struct tl_tpm2_signature {
	uint16_t alg, hash;
	struct tl_bytes rsa;      /* RSASSA, RSAPSS */
	struct tl_bytes ecc_r, ecc_s;
};

TL_MUST_CHECK int tl_tpm2_signature_parse(struct tl_bytes in, struct tl_tpm2_signature *out);

/* A public key ready to verify signatures (OpenSSL inside, crypto_sig.c): build it once
 * per attestation key and keep it. */
struct tl_tpm2_key;
TL_MUST_CHECK int tl_tpm2_key_new(const struct tl_tpm2_public *pub, struct tl_tpm2_key **out);
void tl_tpm2_key_free(struct tl_tpm2_key *key);
/* A bare public key (PEM SubjectPublicKeyInfo, RSA 2048/3072 or ECC P-256/P-384). It cannot
 * show the attributes of a TPM key: pub receives only its type, with no scheme. */
TL_MUST_CHECK int tl_tpm2_key_from_pem(struct tl_bytes pem, struct tl_tpm2_key **out,
				       struct tl_tpm2_public *pub);
/* TL_OK when sig is a valid signature of msg by key, with sig's scheme and hash;
 * TL_E_QUOTE_SIGNATURE when not. */
TL_MUST_CHECK int tl_tpm2_key_verify(const struct tl_tpm2_key *key,
				     const struct tl_tpm2_signature *sig, struct tl_bytes msg);

#endif
