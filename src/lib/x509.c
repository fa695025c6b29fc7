/* X.509 facts through OpenSSL; OpenSSL types stay in this file. */
#include <stdlib.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/x509.h>

#include "trustlaunch/hash.h"
#include "trustlaunch/text.h"
#include "trustlaunch/x509.h"

#define MAX_NAME 4096

/* RFC 2253 text, passed through tl_text_bytes: a certificate's strings are untrusted too. */
static char *name_text(const X509_NAME *name)
{
	BIO *bio = BIO_new(BIO_s_mem());
	struct tl_buf out;
	char *p;
	long n;
	if (!bio)
		return NULL;
	tl_buf_init(&out, 4 * MAX_NAME);
	tl_buf_puts(&out, "");
	if (X509_NAME_print_ex(bio, name, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB) >= 0) {
		n = BIO_get_mem_data(bio, &p);
		if (n >= 0 && n <= MAX_NAME)
			tl_text_bytes(&out, (struct tl_bytes){ (const uint8_t *)p, (size_t)n });
	}
	BIO_free(bio);
	return tl_buf_take(&out);
}

int tl_x509_info(struct tl_bytes der, struct tl_x509_info *out)
{
	const unsigned char *p = der.ptr;
	X509 *x;
	uint8_t fp[TL_MAX_DIGEST];
	int err = TL_E_ARG;

	memset(out, 0, sizeof(*out));
	if (der.len == 0 || der.len > 65536)
		return TL_E_ARG;
	x = d2i_X509(NULL, &p, (long)der.len);
	if (!x)
		return TL_E_ARG;
	if ((size_t)(p - der.ptr) != der.len) /* trailing bytes after the certificate */
		goto out;
	const ASN1_INTEGER *sn = X509_get0_serialNumber(x);
	BIGNUM *bn = sn ? ASN1_INTEGER_to_BN(sn, NULL) : NULL;
	char *hex = bn ? BN_bn2hex(bn) : NULL;
	if (hex && strlen(hex) < sizeof(out->serial)) {
		for (size_t i = 0; hex[i]; i++)
			out->serial[i] = (char)(hex[i] >= 'A' && hex[i] <= 'F' ? hex[i] + 32 : hex[i]);
	}
	OPENSSL_free(hex);
	BN_free(bn);
	out->subject = name_text(X509_get_subject_name(x));
	out->issuer = name_text(X509_get_issuer_name(x));
	if (!out->subject || !out->issuer) {
		err = TL_E_NOMEM;
		goto out;
	}
	err = tl_hash(TL_ALG_SHA256, der.ptr, der.len, fp);
	if (err == TL_OK)
		tl_hex(fp, TL_SHA256_LEN, out->sha256);
out:
	X509_free(x);
	if (err != TL_OK)
		tl_x509_info_clear(out);
	return err;
}

void tl_x509_info_clear(struct tl_x509_info *info)
{
	free(info->subject);
	free(info->issuer);
	memset(info, 0, sizeof(*info));
}
