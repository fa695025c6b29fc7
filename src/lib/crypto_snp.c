/* The ECDSA P-384 signature of an SEV-SNP report through OpenSSL (OpenSSL types stay here). */
#include <openssl/bn.h>
#include <openssl/ecdsa.h>
#include <openssl/err.h>
#include <openssl/evp.h>

#include "crypto_internal.h"
#include "trustlaunch/err.h"

#define P384_BITS 384

/* r, s little-endian in 72 bytes (AMD 56860, "ECDSA P-384 with SHA-384 Signature"): the
 * upper 24 bytes must be zero for a P-384 value. */
static BIGNUM *component(const uint8_t v[static 72])
{
	BIGNUM *bn = BN_lebin2bn(v, 72, NULL);
	if (bn && BN_num_bits(bn) > P384_BITS) {
		BN_free(bn);
		return NULL;
	}
	return bn;
}

int tl_crypto_snp_verify(EVP_PKEY *key, struct tl_bytes msg, const uint8_t r[static 72],
			 const uint8_t s[static 72])
{
	ECDSA_SIG *sig = ECDSA_SIG_new();
	BIGNUM *br = component(r), *bs = component(s);
	EVP_MD_CTX *ctx = NULL;
	unsigned char *der = NULL;
	int der_len = 0, err = TL_E_SNP_SIGNATURE;

	if (!sig || !br || !bs || ECDSA_SIG_set0(sig, br, bs) != 1) {
		BN_free(br);
		BN_free(bs);
		goto out;
	}
	/* owned by sig now */
	if ((der_len = i2d_ECDSA_SIG(sig, &der)) <= 0 || !(ctx = EVP_MD_CTX_new()))
		goto out;
	if (EVP_DigestVerifyInit(ctx, NULL, tl_crypto_md(0x000C /* SHA-384 */), NULL, key) == 1 &&
	    EVP_DigestVerify(ctx, der, (size_t)der_len, msg.ptr, msg.len) == 1)
		err = TL_OK;
out:
	EVP_MD_CTX_free(ctx);
	OPENSSL_free(der);
	ECDSA_SIG_free(sig);
	ERR_clear_error();
	return err;
}
