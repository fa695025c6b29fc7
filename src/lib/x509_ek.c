/* EK certificate checks through OpenSSL (an X.509 helper: OpenSSL types stay in here). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "crypto_internal.h"
#include "x509_internal.h"
#include "trustlaunch/ek.h"
#include "trustlaunch/text.h"

#define MAX_CERT (64u * 1024u)

/* Every certificate of a CA file into the store; TL_E_EK_CA when there is none. */
static int add_cas(X509_STORE *store, struct tl_bytes b)
{
	int n = 0;
	if (tl_bytes_has_prefix(b, "-----BEGIN")) {
		BIO *bio = b.len <= MAX_CERT ? BIO_new_mem_buf(b.ptr, (int)b.len) : NULL;
		X509 *x;
		while (bio && (x = PEM_read_bio_X509(bio, NULL, NULL, NULL))) {
			n += X509_STORE_add_cert(store, x) == 1;
			X509_free(x);
		}
		BIO_free(bio);
		ERR_clear_error(); /* the end of the PEM stream reads as an error */
	} else {
		X509 *x = tl_x509_load(b);
		if (x)
			n += X509_STORE_add_cert(store, x) == 1;
		X509_free(x);
	}
	return n > 0 ? TL_OK : TL_E_EK_CA;
}

/* Text of an ASN1 string as safe UTF-8. */
static char *text_of(const ASN1_STRING *s)
{
	unsigned char *utf8 = NULL;
	int n = s ? ASN1_STRING_to_UTF8(&utf8, s) : -1;
	struct tl_buf b;
	tl_buf_init(&b, 4096);
	tl_buf_puts(&b, "");
	if (n >= 0)
		tl_text_bytes(&b, (struct tl_bytes){ utf8, (size_t)n });
	OPENSSL_free(utf8);
	return tl_buf_take(&b);
}

static char *entry(const X509_NAME *name, int nid_or_neg, const char *oid)
{
	ASN1_OBJECT *obj = oid ? OBJ_txt2obj(oid, 1) : NULL;
	int i = oid ? X509_NAME_get_index_by_OBJ(name, obj, -1)
		    : X509_NAME_get_index_by_NID(name, nid_or_neg, -1);
	char *s = NULL;
	if (i >= 0)
		s = text_of(X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, i)));
	ASN1_OBJECT_free(obj);
	return s;
}

/* The TPM manufacturer, model and version in the SAN's directoryName (TCG EK Credential
 * Profile 3.2.9); and the TCG EK extended key usage. */
static void tpm_fields(X509 *x, struct tl_ek_info *info)
{
	GENERAL_NAMES *san = X509_get_ext_d2i(x, NID_subject_alt_name, NULL, NULL);
	EXTENDED_KEY_USAGE *eku = X509_get_ext_d2i(x, NID_ext_key_usage, NULL, NULL);
	ASN1_OBJECT *ek_oid = OBJ_txt2obj("2.23.133.8.1", 1);
	for (int i = 0; san && i < sk_GENERAL_NAME_num(san); i++) {
		GENERAL_NAME *g = sk_GENERAL_NAME_value(san, i);
		if (g->type != GEN_DIRNAME)
			continue;
		if (!info->manufacturer)
			info->manufacturer = entry(g->d.directoryName, 0, "2.23.133.2.1");
		if (!info->model)
			info->model = entry(g->d.directoryName, 0, "2.23.133.2.2");
		if (!info->version)
			info->version = entry(g->d.directoryName, 0, "2.23.133.2.3");
	}
	for (int i = 0; eku && ek_oid && i < sk_ASN1_OBJECT_num(eku); i++)
		if (OBJ_cmp(sk_ASN1_OBJECT_value(eku, i), ek_oid) == 0)
			info->tcg_eku = true;
	ASN1_OBJECT_free(ek_oid);
	GENERAL_NAMES_free(san);
	EXTENDED_KEY_USAGE_free(eku);
}

int tl_ek_verify(struct tl_bytes cert, const struct tl_bytes *cas, size_t ncas,
		 const struct tl_tpm2_public *ek, struct tl_ek_info *info)
{
	X509 *x = tl_x509_load(cert);
	X509_STORE *store = NULL;
	X509_STORE_CTX *ctx = NULL;
	int err = TL_OK;

	memset(info, 0, sizeof(*info));
	if (!x)
		return TL_E_EK_MALFORMED;
	info->subject = tl_x509_oneline(X509_get_subject_name(x));
	info->issuer = tl_x509_oneline(X509_get_issuer_name(x));
	info->cn = entry(X509_get_subject_name(x), NID_commonName, NULL);
	tpm_fields(x, info);

	store = X509_STORE_new();
	for (size_t i = 0; store && i < ncas && err == TL_OK; i++)
		err = add_cas(store, cas[i]);
	if (!store || (err == TL_OK && ncas == 0))
		err = TL_E_EK_CA;
	if (err != TL_OK)
		goto out;
	/* a CA the operator names is a trust anchor, root or not */
	X509_STORE_set_flags(store, X509_V_FLAG_PARTIAL_CHAIN);
	ctx = X509_STORE_CTX_new();
	if (!ctx || X509_STORE_CTX_init(ctx, store, x, NULL) != 1) {
		err = TL_E_NOMEM;
		goto out;
	}
	if (X509_verify_cert(ctx) != 1) {
		snprintf(info->detail, sizeof(info->detail), "%s",
			 X509_verify_cert_error_string(X509_STORE_CTX_get_error(ctx)));
		err = TL_E_EK_UNTRUSTED;
		goto out;
	}
	if (ek) {
		EVP_PKEY *want = tl_crypto_pkey(ek);
		info->key_checked = true;
		if (!want || EVP_PKEY_eq(X509_get0_pubkey(x), want) != 1)
			err = TL_E_EK_KEY;
		EVP_PKEY_free(want);
	}
out:
	X509_STORE_CTX_free(ctx);
	X509_STORE_free(store);
	X509_free(x);
	ERR_clear_error();
	return err;
}

void tl_ek_info_clear(struct tl_ek_info *info)
{
	free(info->subject);
	free(info->issuer);
	free(info->cn);
	free(info->manufacturer);
	free(info->model);
	free(info->version);
	memset(info, 0, sizeof(*info));
}
