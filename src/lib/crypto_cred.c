/* The primitives of credential protection through OpenSSL 3; OpenSSL types stay in here. */
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>

#include "crypto_cred.h"
#include "crypto_internal.h"
#include "trustlaunch/hash.h"

#define MAX_KDF_INPUT 512u

int tl_crypto_random(uint8_t *out, size_t n)
{
	return RAND_bytes(out, (int)n) == 1 ? TL_OK : TL_E_CRYPTO;
}

void tl_crypto_cleanse(void *p, size_t n)
{
	OPENSSL_cleanse(p, n);
}

bool tl_crypto_memeq(const void *a, const void *b, size_t n)
{
	return CRYPTO_memcmp(a, b, n) == 0;
}

static size_t put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
	return 4;
}

/* label || 0x00 || u || v into p (the label's NUL is part of the input). */
static int context(uint8_t *p, size_t cap, const char *label, struct tl_bytes u,
		   struct tl_bytes v, size_t *n)
{
	size_t ll = strlen(label) + 1;
	if (ll + u.len + v.len > cap)
		return TL_E_ARG;
	memcpy(p, label, ll);
	if (u.len)
		memcpy(&p[ll], u.ptr, u.len);
	if (v.len)
		memcpy(&p[ll + u.len], v.ptr, v.len);
	*n = ll + u.len + v.len;
	return TL_OK;
}

int tl_crypto_kdfa(uint16_t alg, struct tl_bytes key, const char *label, struct tl_bytes u,
		   struct tl_bytes v, uint32_t bits, uint8_t *out)
{
	uint8_t in[4 + MAX_KDF_INPUT + 4], h[TL_MAX_DIGEST];
	size_t n, hlen = tl_alg_size(alg), done = 0, want = bits / 8;
	int err;
	if (!hlen || context(in + 4, MAX_KDF_INPUT, label, u, v, &n) != TL_OK)
		return TL_E_ARG;
	n += 4;
	n += put32(in + n, bits);
	for (uint32_t i = 1; done < want; i++) {
		put32(in, i);
		if ((err = tl_hmac(alg, key.ptr, key.len, in, n, h)) != TL_OK)
			return err;
		memcpy(out + done, h, want - done < hlen ? want - done : hlen);
		done += hlen;
	}
	return TL_OK;
}

int tl_crypto_kdfe(uint16_t alg, struct tl_bytes z, const char *label, struct tl_bytes u,
		   struct tl_bytes v, uint32_t bits, uint8_t *out)
{
	uint8_t in[4 + 2 * TL_TPM2_MAX_ECC_BYTES + MAX_KDF_INPUT], h[TL_MAX_DIGEST];
	size_t n, hlen = tl_alg_size(alg), done = 0, want = bits / 8;
	int err;
	if (!hlen || z.len > 2 * TL_TPM2_MAX_ECC_BYTES ||
	    context(in + 4 + z.len, MAX_KDF_INPUT, label, u, v, &n) != TL_OK)
		return TL_E_ARG;
	memcpy(in + 4, z.ptr, z.len);
	n += 4 + z.len;
	for (uint32_t i = 1; done < want; i++) {
		put32(in, i);
		if ((err = tl_hash(alg, in, n, h)) != TL_OK)
			return err;
		memcpy(out + done, h, want - done < hlen ? want - done : hlen);
		done += hlen;
	}
	return TL_OK;
}

int tl_crypto_hmac(uint16_t alg, struct tl_bytes key, struct tl_bytes a, struct tl_bytes b,
		   uint8_t *out)
{
	uint8_t in[2 * MAX_KDF_INPUT];
	if (a.len + b.len > sizeof(in))
		return TL_E_ARG;
	if (a.len)
		memcpy(in, a.ptr, a.len);
	if (b.len)
		memcpy(&in[a.len], b.ptr, b.len);
	return tl_hmac(alg, key.ptr, key.len, in, a.len + b.len, out);
}

int tl_crypto_aes_cfb(const uint8_t *key, size_t key_len, uint8_t *buf, size_t len)
{
	static const uint8_t iv[16];
	const EVP_CIPHER *c = key_len == 16 ? EVP_aes_128_cfb128()
			      : key_len == 32 ? EVP_aes_256_cfb128()
					      : NULL;
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	int n1 = 0, n2 = 0, ok;
	ok = c && ctx && EVP_EncryptInit_ex(ctx, c, NULL, key, iv) == 1 &&
	     EVP_EncryptUpdate(ctx, buf, &n1, buf, (int)len) == 1 &&
	     EVP_EncryptFinal_ex(ctx, buf + n1, &n2) == 1 && (size_t)(n1 + n2) == len;
	EVP_CIPHER_CTX_free(ctx);
	return ok ? TL_OK : TL_E_CRYPTO;
}

int tl_crypto_rsa_oaep(const struct tl_tpm2_public *pub, uint16_t hash, const char *label,
		       struct tl_bytes in, uint8_t *out, size_t *out_len)
{
	EVP_PKEY *pkey = tl_crypto_pkey(pub);
	EVP_PKEY_CTX *ctx = pkey ? EVP_PKEY_CTX_new_from_pkey(NULL, pkey, NULL) : NULL;
	const EVP_MD *md = tl_crypto_md(hash);
	size_t ll = strlen(label) + 1;
	unsigned char *l = OPENSSL_malloc(ll);
	int ok;

	if (l)
		memcpy(l, label, ll);
	ok = ctx && md && l && EVP_PKEY_encrypt_init(ctx) == 1 &&
	     EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_OAEP_PADDING) == 1 &&
	     EVP_PKEY_CTX_set_rsa_oaep_md(ctx, md) == 1 &&
	     EVP_PKEY_CTX_set_rsa_mgf1_md(ctx, md) == 1 &&
	     EVP_PKEY_CTX_set0_rsa_oaep_label(ctx, l, (int)ll) == 1;
	if (ok)
		l = NULL; /* owned by ctx now */
	ok = ok && EVP_PKEY_encrypt(ctx, out, out_len, in.ptr, in.len) == 1;
	OPENSSL_free(l);
	EVP_PKEY_CTX_free(ctx);
	EVP_PKEY_free(pkey);
	return ok ? TL_OK : TL_E_CRYPTO;
}

int tl_crypto_ecdh(const struct tl_tpm2_public *pub, uint8_t *z, size_t *z_len, uint8_t *x,
		   uint8_t *y, size_t *coord_len)
{
	const char *curve = pub->ecc_curve == TL_ECC_NIST_P256 ? "P-256" : "P-384";
	size_t n = pub->ecc_curve == TL_ECC_NIST_P256 ? 32 : 48;
	EVP_PKEY *peer = tl_crypto_pkey(pub), *eph = NULL;
	EVP_PKEY_CTX *ctx = NULL;
	BIGNUM *bx = NULL, *by = NULL;
	int ok;

	eph = peer ? EVP_PKEY_Q_keygen(NULL, NULL, "EC", curve) : NULL;
	ok = eph && (ctx = EVP_PKEY_CTX_new_from_pkey(NULL, eph, NULL)) &&
	     EVP_PKEY_derive_init(ctx) == 1 && EVP_PKEY_derive_set_peer(ctx, peer) == 1 &&
	     (*z_len = n, EVP_PKEY_derive(ctx, z, z_len) == 1) && *z_len == n &&
	     EVP_PKEY_get_bn_param(eph, OSSL_PKEY_PARAM_EC_PUB_X, &bx) == 1 &&
	     EVP_PKEY_get_bn_param(eph, OSSL_PKEY_PARAM_EC_PUB_Y, &by) == 1 &&
	     BN_bn2binpad(bx, x, (int)n) == (int)n && BN_bn2binpad(by, y, (int)n) == (int)n;
	*coord_len = n;
	BN_free(bx);
	BN_free(by);
	EVP_PKEY_CTX_free(ctx);
	EVP_PKEY_free(eph);
	EVP_PKEY_free(peer);
	return ok ? TL_OK : TL_E_CRYPTO;
}
