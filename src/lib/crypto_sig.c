/* Signature verification with TPM keys through OpenSSL 3; OpenSSL types stay in here. */
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include "crypto_internal.h"
#include "trustlaunch/hash.h"
#include "trustlaunch/tpm2.h"

struct tl_tpm2_key {
	EVP_PKEY *pkey;
	uint16_t type;
};

static EVP_PKEY *rsa_key(const struct tl_tpm2_public *pub)
{
	OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
	OSSL_PARAM *params = NULL;
	EVP_PKEY_CTX *ctx = NULL;
	EVP_PKEY *pkey = NULL;
	BIGNUM *n = BN_bin2bn(pub->rsa_modulus.ptr, (int)pub->rsa_modulus.len, NULL);
	BIGNUM *e = BN_new();

	if (!bld || !n || !e || !BN_set_word(e, pub->rsa_exponent ? pub->rsa_exponent : 65537) ||
	    !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, n) ||
	    !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, e) ||
	    !(params = OSSL_PARAM_BLD_to_param(bld)) ||
	    !(ctx = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL)) ||
	    EVP_PKEY_fromdata_init(ctx) != 1 ||
	    EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_PUBLIC_KEY, params) != 1)
		pkey = NULL;
	EVP_PKEY_CTX_free(ctx);
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(bld);
	BN_free(n);
	BN_free(e);
	return pkey;
}

/* A key of each curve with its group and no point: a new key is a copy of it with the point
 * set (~4 us), where building the group from its name every time costs ~17 us; the point is
 * checked to be on the curve either way. */
static EVP_PKEY *curve_template[2]; /* P-256, P-384; made when first needed */
static pthread_mutex_t templates_lock = PTHREAD_MUTEX_INITIALIZER;

static EVP_PKEY *curve_params(const char *curve)
{
	OSSL_PARAM params[2];
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
	EVP_PKEY *pkey = NULL;
	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, (char *)curve, 0);
	params[1] = OSSL_PARAM_construct_end();
	if (!ctx || EVP_PKEY_fromdata_init(ctx) != 1 ||
	    EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_KEY_PARAMETERS, params) != 1)
		pkey = NULL;
	EVP_PKEY_CTX_free(ctx);
	return pkey;
}

/* A template that could not be made (out of memory) is tried again next time. */
static EVP_PKEY *curve_key(bool p256)
{
	EVP_PKEY **t = &curve_template[p256 ? 0 : 1], *k = __atomic_load_n(t, __ATOMIC_ACQUIRE);
	if (k)
		return k;
	pthread_mutex_lock(&templates_lock);
	if (!(k = *t) && (k = curve_params(p256 ? "P-256" : "P-384")))
		__atomic_store_n(t, k, __ATOMIC_RELEASE);
	pthread_mutex_unlock(&templates_lock);
	return k;
}

static EVP_PKEY *ecc_key(const struct tl_tpm2_public *pub)
{
	bool p256 = pub->ecc_curve == TL_ECC_NIST_P256;
	size_t n = p256 ? 32 : 48;
	uint8_t point[1 + 2 * 48];
	EVP_PKEY *pkey;

	if ((!p256 && pub->ecc_curve != TL_ECC_NIST_P384) || pub->ecc_x.len > n ||
	    pub->ecc_y.len > n)
		return NULL;
	EVP_PKEY *tmpl = curve_key(p256);
	if (!tmpl || !(pkey = EVP_PKEY_dup(tmpl)))
		return NULL;
	/* uncompressed point, coordinates left-padded to the field size */
	memset(point, 0, sizeof(point));
	point[0] = 0x04;
	memcpy(point + 1 + n - pub->ecc_x.len, pub->ecc_x.ptr, pub->ecc_x.len);
	memcpy(point + 1 + 2 * n - pub->ecc_y.len, pub->ecc_y.ptr, pub->ecc_y.len);
	if (EVP_PKEY_set1_encoded_public_key(pkey, point, 1 + 2 * n) != 1) {
		EVP_PKEY_free(pkey);
		return NULL;
	}
	return pkey;
}

EVP_PKEY *tl_crypto_pkey(const struct tl_tpm2_public *pub)
{
	return pub->type == TL_ALG_RSA ? rsa_key(pub) : pub->type == TL_ALG_ECC ? ecc_key(pub) : NULL;
}

int tl_tpm2_key_new(const struct tl_tpm2_public *pub, struct tl_tpm2_key **out)
{
	struct tl_tpm2_key *k;
	*out = NULL;
	/* TPMs use the default exponent (0 in the public area means 65537) */
	if (pub->type == TL_ALG_RSA &&
	    !((pub->rsa_bits == 2048 || pub->rsa_bits == 3072) &&
	      pub->rsa_modulus.len == pub->rsa_bits / 8u &&
	      (pub->rsa_exponent == 0 || pub->rsa_exponent == 65537)))
		return TL_E_AK_KEY;
	if (pub->type == TL_ALG_ECC && pub->ecc_curve != TL_ECC_NIST_P256 &&
	    pub->ecc_curve != TL_ECC_NIST_P384)
		return TL_E_AK_KEY;
	if (pub->type != TL_ALG_RSA && pub->type != TL_ALG_ECC)
		return TL_E_AK_KEY;
	k = calloc(1, sizeof(*k));
	if (!k)
		return TL_E_NOMEM;
	k->type = pub->type;
	k->pkey = pub->type == TL_ALG_RSA ? rsa_key(pub) : ecc_key(pub);
	if (!k->pkey) {
		free(k);
		return TL_E_AK_KEY;
	}
	*out = k;
	return TL_OK;
}

void tl_tpm2_key_free(struct tl_tpm2_key *key)
{
	if (!key)
		return;
	EVP_PKEY_free(key->pkey);
	free(key);
}

int tl_tpm2_key_from_pem(struct tl_bytes pem, struct tl_tpm2_key **out, struct tl_tpm2_public *pub)
{
	BIO *bio;
	EVP_PKEY *pkey;
	struct tl_tpm2_key *k;
	int bits;

	*out = NULL;
	memset(pub, 0, sizeof(*pub));
	if (pem.len > 65536 || !(bio = BIO_new_mem_buf(pem.ptr, (int)pem.len)))
		return TL_E_ARG;
	pkey = PEM_read_bio_PUBKEY(bio, NULL, NULL, NULL);
	BIO_free(bio);
	if (!pkey)
		return TL_E_ARG;
	bits = EVP_PKEY_get_bits(pkey);
	if (EVP_PKEY_is_a(pkey, "RSA") && (bits == 2048 || bits == 3072))
		pub->type = TL_ALG_RSA;
	else if (EVP_PKEY_is_a(pkey, "EC") && (bits == 256 || bits == 384))
		pub->type = TL_ALG_ECC;
	if (!pub->type || !(k = calloc(1, sizeof(*k)))) {
		EVP_PKEY_free(pkey);
		return pub->type ? TL_E_NOMEM : TL_E_AK_KEY;
	}
	pub->scheme = TL_ALG_NULL;
	k->pkey = pkey;
	k->type = pub->type;
	*out = k;
	return TL_OK;
}

/* TPMS_SIGNATURE_ECDSA's r and s as the DER ECDSA-Sig-Value OpenSSL verifies. */
static int ecdsa_der(const struct tl_tpm2_signature *sig, unsigned char **der, int *len)
{
	ECDSA_SIG *s = ECDSA_SIG_new();
	BIGNUM *r = BN_bin2bn(sig->ecc_r.ptr, (int)sig->ecc_r.len, NULL);
	BIGNUM *ss = BN_bin2bn(sig->ecc_s.ptr, (int)sig->ecc_s.len, NULL);
	*der = NULL;
	if (!s || !r || !ss || ECDSA_SIG_set0(s, r, ss) != 1) {
		ECDSA_SIG_free(s);
		BN_free(r);
		BN_free(ss);
		return TL_E_NOMEM;
	}
	*len = i2d_ECDSA_SIG(s, der);
	ECDSA_SIG_free(s);
	return *len > 0 ? TL_OK : TL_E_CRYPTO;
}

int tl_tpm2_key_verify(const struct tl_tpm2_key *key, const struct tl_tpm2_signature *sig,
		       struct tl_bytes msg)
{
	const EVP_MD *md = sig->hash == TL_ALG_SM3_256 ? NULL : tl_crypto_md(sig->hash);
	EVP_MD_CTX *ctx;
	EVP_PKEY_CTX *pctx = NULL;
	unsigned char *der = NULL;
	const unsigned char *s;
	size_t slen;
	int der_len, ok;

	if (!md)
		return TL_E_QUOTE_SCHEME;
	if (key->type == TL_ALG_RSA && sig->alg != TL_ALG_RSASSA && sig->alg != TL_ALG_RSAPSS)
		return TL_E_QUOTE_SCHEME;
	if (key->type == TL_ALG_ECC && sig->alg != TL_ALG_ECDSA)
		return TL_E_QUOTE_SCHEME;
	if (sig->alg == TL_ALG_ECDSA) {
		if (ecdsa_der(sig, &der, &der_len) != TL_OK)
			return TL_E_QUOTE_SIGNATURE;
		s = der;
		slen = (size_t)der_len;
	} else {
		s = sig->rsa.ptr;
		slen = sig->rsa.len;
	}
	ctx = EVP_MD_CTX_new();
	ok = ctx && EVP_DigestVerifyInit(ctx, &pctx, md, NULL, key->pkey) == 1;
	if (ok && sig->alg == TL_ALG_RSAPSS)
		ok = EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) == 1 &&
		     EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_AUTO) == 1;
	ok = ok && EVP_DigestVerify(ctx, s, slen, msg.ptr, msg.len) == 1;
	EVP_MD_CTX_free(ctx);
	OPENSSL_free(der);
	return ok ? TL_OK : TL_E_QUOTE_SIGNATURE;
}
