/* Internal to the crypto files: the digests fetched once (crypto.c). */
#ifndef TL_CRYPTO_INTERNAL_H
#define TL_CRYPTO_INTERNAL_H

#include <stdint.h>

#include <openssl/evp.h>

/* The fetched EVP_MD of a TPM_ALG_ID, or NULL. */
const EVP_MD *tl_crypto_md(uint16_t alg);

struct tl_tpm2_public;
/* The OpenSSL public key of an RSA or ECC (P-256, P-384) TPM public area, or NULL. */
EVP_PKEY *tl_crypto_pkey(const struct tl_tpm2_public *pub);

/* ECDSA P-384 / SHA-384 of msg with r and s as an SEV-SNP report stores them: 72 bytes each,
 * little-endian (crypto_snp.c). TL_E_SNP_SIGNATURE when it does not verify. */
#include "trustlaunch/rd.h"
int tl_crypto_snp_verify(EVP_PKEY *key, struct tl_bytes msg, const uint8_t r[static 72],
			 const uint8_t s[static 72]);

#endif
