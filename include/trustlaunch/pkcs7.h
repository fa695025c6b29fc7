/* Authenticode signatures of PE images (PKCS#7 SignedData with SpcIndirectDataContent). */
#ifndef TRUSTLAUNCH_PKCS7_H
#define TRUSTLAUNCH_PKCS7_H

#include <stdbool.h>

#include "trustlaunch/pe.h"

#define TL_PE_MAX_SIGNATURES 8u

struct tl_pe_signer {
	char *subject, *issuer;   /* of the signing certificate */
	char cert_sha256[65];     /* its fingerprint */
	uint16_t alg;             /* of the digest the signature covers */
	char digest_hex[2 * 64 + 1];
	bool covers_image;        /* that digest is this image's Authenticode digest */
	struct tl_bytes pkcs7;    /* the SignedData, a view into the image */
};

struct tl_pe_signers {
	size_t count;
	struct tl_pe_signer sig[TL_PE_MAX_SIGNATURES];
};

/* Every PKCS#7 signature of the certificate table. Does not decide trust (tl_sb_check does). */
TL_MUST_CHECK int tl_pe_signers(const struct tl_pe *pe, struct tl_pe_signers *out);
void tl_pe_signers_clear(struct tl_pe_signers *s);

#endif
