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

#endif
