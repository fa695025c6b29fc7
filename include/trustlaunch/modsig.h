/* Linux kernel module signatures: "~Module signature appended~\n" after a struct
 * module_signature and a detached PKCS#7 over the module (scripts/sign-file.c). */
#ifndef TRUSTLAUNCH_MODSIG_H
#define TRUSTLAUNCH_MODSIG_H

#include "trustlaunch/err.h"
#include "trustlaunch/rd.h"

#define TL_MODSIG_MAX_MODULE (256u * 1024u * 1024u)

struct tl_modsig {
	struct tl_bytes content;   /* the module without its signature: what was signed */
	struct tl_bytes pkcs7;
};

/* modsig.unsigned without the marker; modsig.malformed for sizes that do not fit or
 * reserved fields that are not zero. */
TL_MUST_CHECK int tl_modsig_parse(struct tl_bytes module, struct tl_modsig *out);

struct tl_modsig_result {
	char signer[256];         /* issuer and serial of the signing key, as the signature says */
	char trusted_subject[256]; /* the trusted certificate that verified it */
};

/* TL_OK when a trusted certificate (DER or PEM each) verifies the signature;
 * modsig.unknown_signer, modsig.invalid or modsig.malformed otherwise. */
TL_MUST_CHECK int tl_modsig_verify(const struct tl_modsig *sig, const struct tl_bytes *certs,
				   size_t ncerts, struct tl_modsig_result *out);

#endif
