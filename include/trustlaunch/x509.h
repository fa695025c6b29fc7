/* What a person needs to know of an X.509 certificate found in measured data. */
#ifndef TRUSTLAUNCH_X509_H
#define TRUSTLAUNCH_X509_H

#include <stdbool.h>

#include "trustlaunch/err.h"
#include "trustlaunch/rd.h"

struct tl_x509_info {
	char *subject;          /* RFC 2253, UTF-8 */
	char *issuer;
	char serial[2 * 21 + 1];     /* hex of the DER INTEGER (20 octets and a sign byte) */
	char sha256[65];        /* fingerprint of the DER, hex */
};

/* Parses DER (the whole input must be the certificate). TL_E_ARG when it is not one. */
TL_MUST_CHECK int tl_x509_info(struct tl_bytes der, struct tl_x509_info *out);
/* The DER of a certificate given as DER (nothing after it) or PEM (the first one), malloc'd.
 * TL_E_ARG when it is neither, TL_E_NOMEM. */
TL_MUST_CHECK int tl_x509_der(struct tl_bytes cert, uint8_t **der, size_t *len);
void tl_x509_info_clear(struct tl_x509_info *info);
/* Forgets decoded certificates (tl_x509_info keeps the last 64 by fingerprint). */
void tl_x509_cache_clear(void);

/* A CA: an RSA key and a self-signed certificate (CN cn, days long, CA:TRUE, keyCertSign),
 * both as malloc'd PEM text. The platform vTPM CA (docs/host.md). */
TL_MUST_CHECK int tl_x509_ca_new(const char *cn, unsigned days, char **key_pem,
				 char **cert_pem);
/* tl_x509_info of the first certificate of PEM text. */
TL_MUST_CHECK int tl_x509_pem_info(struct tl_bytes pem, struct tl_x509_info *out);

#endif
