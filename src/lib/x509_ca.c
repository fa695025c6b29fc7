/* A small certificate authority: a key and a self-signed CA certificate, for the platform
 * vTPM CA whose certificates swtpm's local CA tool issues (docs/host.md). An X.509 helper:
 * OpenSSL types stay in here. Output is PEM text. */
#include <stdlib.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "trustlaunch/x509.h"

#define CA_RSA_BITS 3072u

static char *bio_text(BIO *bio)
{
	char *data, *out;
	long n = BIO_get_mem_data(bio, &data);
	if (n <= 0 || !(out = malloc((size_t)n + 1)))
		return NULL;
	memcpy(out, data, (size_t)n);
	out[n] = '\0';
	return out;
}

static bool ext(X509 *x, int nid, const char *value)
{
	X509V3_CTX ctx;
	X509_EXTENSION *e;
	bool ok;

	X509V3_set_ctx(&ctx, x, x, NULL, NULL, 0);
	if (!(e = X509V3_EXT_conf_nid(NULL, &ctx, nid, value)))
		return false;
	ok = X509_add_ext(x, e, -1) == 1;
	X509_EXTENSION_free(e);
	return ok;
}

static bool fill(X509 *x, EVP_PKEY *key, const char *cn, unsigned days)
{
	unsigned char serial[16];
	BIGNUM *bn = NULL;
	X509_NAME *name = X509_get_subject_name(x);
	bool ok;

	if (RAND_bytes(serial, sizeof(serial)) != 1)
		return false;
	serial[0] &= 0x7f;
	bn = BN_bin2bn(serial, sizeof(serial), NULL);
	ok = bn && BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x)) && X509_set_version(x, 2) &&
	     X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, (const unsigned char *)cn, -1,
					-1, 0) &&
	     X509_set_issuer_name(x, name) && X509_gmtime_adj(X509_getm_notBefore(x), -3600) &&
	     X509_gmtime_adj(X509_getm_notAfter(x), (long)days * 86400) &&
	     X509_set_pubkey(x, key) && ext(x, NID_basic_constraints, "critical,CA:TRUE") &&
	     ext(x, NID_key_usage, "critical,keyCertSign,cRLSign") &&
	     ext(x, NID_subject_key_identifier, "hash") && X509_sign(x, key, EVP_sha256()) > 0;
	BN_free(bn);
	return ok;
}

int tl_x509_ca_new(const char *cn, unsigned days, char **key_pem, char **cert_pem)
{
	EVP_PKEY *key = EVP_RSA_gen(CA_RSA_BITS);
	X509 *x = X509_new();
	BIO *kb = BIO_new(BIO_s_mem()), *cb = BIO_new(BIO_s_mem());
	char *k = NULL, *c = NULL;
	int err = TL_E_CRYPTO;

	if (!key || !x || !kb || !cb || !fill(x, key, cn, days))
		goto out;
	if (PEM_write_bio_PrivateKey(kb, key, NULL, NULL, 0, NULL, NULL) != 1 ||
	    PEM_write_bio_X509(cb, x) != 1)
		goto out;
	if (!(k = bio_text(kb)) || !(c = bio_text(cb))) {
		err = TL_E_NOMEM;
		goto out;
	}
	*key_pem = k;
	*cert_pem = c;
	k = c = NULL;
	err = TL_OK;
out:
	if (k)
		OPENSSL_cleanse(k, strlen(k));
	free(k);
	free(c);
	BIO_free(kb);
	BIO_free(cb);
	X509_free(x);
	EVP_PKEY_free(key);
	return err;
}

int tl_x509_pem_info(struct tl_bytes pem, struct tl_x509_info *out)
{
	BIO *bio = pem.len <= (1u << 20) ? BIO_new_mem_buf(pem.ptr, (int)pem.len) : NULL;
	X509 *x = bio ? PEM_read_bio_X509(bio, NULL, NULL, NULL) : NULL;
	unsigned char *der = NULL;
	int n = x ? i2d_X509(x, &der) : -1, err;

	err = n > 0 ? tl_x509_info((struct tl_bytes){ der, (size_t)n }, out) : TL_E_ARG;
	OPENSSL_free(der);
	X509_free(x);
	BIO_free(bio);
	return err;
}
