/* EK certificates: chain to a configured CA, match the EK, and say whose TPM it is. */
#ifndef TRUSTLAUNCH_EK_H
#define TRUSTLAUNCH_EK_H

#include <stdbool.h>

#include "trustlaunch/tpm2.h"

struct tl_ek_info {
	char *subject, *issuer;
	char *cn;                   /* the subject CN: the VM identity for a platform vTPM CA */
	char *manufacturer, *model, *version; /* TPM attributes of the SAN (2.23.133.2.1-3) */
	bool tcg_eku;               /* extended key usage 2.23.133.8.1 (EK certificate) */
	bool key_checked;           /* the certificate's key was compared with the EK */
	char detail[160];           /* why the chain failed, in OpenSSL's words */
};

/* cert and each CA in DER or PEM (a CA file may hold several PEM certificates). ek may be
 * NULL. TL_OK when the certificate chains to one of the CAs and (if ek given) certifies that
 * key; info is filled as far as the certificate could be read. */
TL_MUST_CHECK int tl_ek_verify(struct tl_bytes cert, const struct tl_bytes *cas, size_t ncas,
			       const struct tl_tpm2_public *ek, struct tl_ek_info *info);
void tl_ek_info_clear(struct tl_ek_info *info);

#endif
