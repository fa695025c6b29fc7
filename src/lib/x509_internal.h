/* Internal to the X.509 helpers (OpenSSL types allowed). */
#ifndef TL_X509_INTERNAL_H
#define TL_X509_INTERNAL_H

#include <openssl/x509.h>

#include "trustlaunch/rd.h"

/* "/C=../CN=.." of a name as safe UTF-8 (tl_text_bytes), malloc'd; NULL when out of memory. */
char *tl_x509_oneline(const X509_NAME *name);
/* The same into a fixed buffer, non-printable bytes as '?'. */
void tl_x509_name_into(char *out, size_t n, const X509_NAME *name);
/* A DER certificate (nothing after it) or the first PEM one; NULL otherwise. */
X509 *tl_x509_load(struct tl_bytes b);

#include <openssl/pkcs7.h>
/* The SpcIndirectDataContent of an Authenticode SignedData (its full DER), or NULL when p7
 * is not SignedData whose content type is SPC_INDIRECT_DATA_OBJID (1.3.6.1.4.1.311.2.1.4).
 * Checking the type first matters: for id-data OpenSSL keeps an OCTET STRING in the slot
 * that holds an ASN1_TYPE for other content types. */
const ASN1_STRING *tl_x509_spc_content(const PKCS7 *p7);

#endif
