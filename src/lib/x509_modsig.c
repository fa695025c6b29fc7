/* Module signature verification through OpenSSL (an X.509 helper: OpenSSL types stay in
 * here). The kernel's PKCS#7 names its key by issuer and serial and carries no certificate. */
#include <stdio.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/pkcs7.h>
#include <openssl/x509.h>

#include "trustlaunch/modsig.h"
#include "x509_internal.h"

static void oneline(char *out, size_t n, const X509_NAME *name, const ASN1_INTEGER *serial)
{
	BIGNUM *bn = serial ? ASN1_INTEGER_to_BN(serial, NULL) : NULL;
	char *hex = bn ? BN_bn2hex(bn) : NULL;
	size_t k;
	tl_x509_name_into(out, n, name);
	k = strlen(out);
	if (hex)
		snprintf(&out[k], n - k, " serial %s", hex);
	OPENSSL_free(hex);
	BN_free(bn);
}

int tl_modsig_verify(const struct tl_modsig *sig, const struct tl_bytes *certs, size_t ncerts,
		     struct tl_modsig_result *out)
{
	const unsigned char *p = sig->pkcs7.ptr;
	PKCS7 *p7 = d2i_PKCS7(NULL, &p, (long)sig->pkcs7.len);
	STACK_OF(PKCS7_SIGNER_INFO) *infos;
	PKCS7_ISSUER_AND_SERIAL *ias;
	STACK_OF(X509) *match = sk_X509_new_null();
	BIO *content = NULL;
	int err = TL_E_MODSIG_MALFORMED;

	memset(out, 0, sizeof(*out));
	if (!p7 || !match || (size_t)(p - sig->pkcs7.ptr) != sig->pkcs7.len ||
	    !PKCS7_type_is_signed(p7) || !(infos = PKCS7_get_signer_info(p7)) ||
	    sk_PKCS7_SIGNER_INFO_num(infos) != 1)
		goto out;
	ias = sk_PKCS7_SIGNER_INFO_value(infos, 0)->issuer_and_serial;
	oneline(out->signer, sizeof(out->signer), ias->issuer, ias->serial);
	for (size_t i = 0; i < ncerts; i++) {
		X509 *x = tl_x509_load(certs[i]);
		if (x && X509_NAME_cmp(X509_get_issuer_name(x), ias->issuer) == 0 &&
		    ASN1_INTEGER_cmp(X509_get0_serialNumber(x), ias->serial) == 0 &&
		    sk_X509_push(match, x)) {
			oneline(out->trusted_subject, sizeof(out->trusted_subject),
				X509_get_subject_name(x), NULL);
			continue;
		}
		X509_free(x);
	}
	if (sk_X509_num(match) == 0) {
		err = TL_E_MODSIG_UNKNOWN;
		goto out;
	}
	content = BIO_new_mem_buf(sig->content.ptr, (int)sig->content.len);
	err = content && PKCS7_verify(p7, match, NULL, content, NULL,
				      PKCS7_BINARY | PKCS7_NOVERIFY | PKCS7_NOINTERN) == 1
		      ? TL_OK
		      : TL_E_MODSIG_INVALID;
out:
	BIO_free(content);
	sk_X509_pop_free(match, X509_free);
	PKCS7_free(p7);
	ERR_clear_error();
	return err;
}
