/* Internal: the primitives of credential protection (crypto_cred.c, OpenSSL inside). */
#ifndef TL_CRYPTO_CRED_H
#define TL_CRYPTO_CRED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "trustlaunch/rd.h"
#include "trustlaunch/tpm2.h"

int tl_crypto_random(uint8_t *out, size_t n);
void tl_crypto_cleanse(void *p, size_t n);
/* Constant-time comparison of n bytes. */
bool tl_crypto_memeq(const void *a, const void *b, size_t n);
/* KDFa of Part 1, 11.4.10.2 (SP800-108 counter mode, HMAC): bits/8 bytes into out. */
int tl_crypto_kdfa(uint16_t alg, struct tl_bytes key, const char *label, struct tl_bytes u,
		   struct tl_bytes v, uint32_t bits, uint8_t *out);
/* KDFe of Part 1, 11.4.10.3 (SP800-56A concatenation KDF). */
int tl_crypto_kdfe(uint16_t alg, struct tl_bytes z, const char *label, struct tl_bytes u,
		   struct tl_bytes v, uint32_t bits, uint8_t *out);
int tl_crypto_hmac(uint16_t alg, struct tl_bytes key, struct tl_bytes a, struct tl_bytes b,
		   uint8_t *out);
/* AES-CFB with a zero IV, in place. */
int tl_crypto_aes_cfb(const uint8_t *key, size_t key_len, uint8_t *buf, size_t len);
/* RSA-OAEP with label (its NUL included) under an RSA TPM public key. */
int tl_crypto_rsa_oaep(const struct tl_tpm2_public *pub, uint16_t hash, const char *label,
		       struct tl_bytes in, uint8_t *out, size_t *out_len);
/* An ephemeral key on the curve of pub: Z = x of (d * Q), and the ephemeral point. */
int tl_crypto_ecdh(const struct tl_tpm2_public *pub, uint8_t *z, size_t *z_len, uint8_t *x,
		   uint8_t *y, size_t *coord_len);

#endif
