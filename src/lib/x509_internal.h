/* Internal to the X.509 helpers (OpenSSL types allowed). */
#ifndef TL_X509_INTERNAL_H
#define TL_X509_INTERNAL_H

#include <openssl/x509.h>

/* "/C=../CN=.." of a name as safe UTF-8 (tl_text_bytes), malloc'd; NULL when out of memory. */
char *tl_x509_oneline(const X509_NAME *name);

#endif
