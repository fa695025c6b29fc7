/* Internal to jwk.c and jwt.c. */
#ifndef TL_JWK_INTERNAL_H
#define TL_JWK_INTERNAL_H

#include <openssl/types.h>

/* 1 when key is an EC key on P-256 (the only curve of ES256), else 0. */
int tl_jwk_is_p256(EVP_PKEY *key);

#endif
