/* Software TPM2_MakeCredential (Part 1, 24; Part 3, 12.6) in the file format of tpm2-tools. */
#include <string.h>

#include "crypto_cred.h"
#include "trustlaunch/credential.h"
#include "trustlaunch/hash.h"

#define TL_ALG_AES 0x0006
#define TL_ALG_CFB 0x0043
#define CRED_MAGIC 0xBADCC0DEu

/* Our own output, written big-endian within a fixed buffer. */
struct w {
	uint8_t *p;
	size_t len, cap;
	bool over;
};

static void put(struct w *w, const void *b, size_t n)
{
	if (w->over || n > w->cap - w->len) {
		w->over = true;
		return;
	}
	if (n)
		memcpy(&w->p[w->len], b, n);
	w->len += n;
}

static void put16(struct w *w, uint16_t v)
{
	uint8_t b[2] = { (uint8_t)(v >> 8), (uint8_t)v };
	put(w, b, 2);
}

static void put32(struct w *w, uint32_t v)
{
	put16(w, (uint16_t)(v >> 16));
	put16(w, (uint16_t)v);
}

/* The seed, and the EK-encrypted form the TPM will decrypt it from (TPM2B contents). */
static int seed_for(const struct tl_tpm2_public *ek, uint16_t alg, uint8_t *seed, size_t n,
		    uint8_t *enc, size_t *enc_len)
{
	int err;
	if (ek->type == TL_ALG_RSA) {
		if ((err = tl_crypto_random(seed, n)) != TL_OK)
			return err;
		return tl_crypto_rsa_oaep(ek, alg, "IDENTITY", (struct tl_bytes){ seed, n }, enc,
					  enc_len);
	}
	/* ECC: ECDH with an ephemeral key; the secret is the ephemeral point */
	uint8_t z[TL_TPM2_MAX_ECC_BYTES], x[TL_TPM2_MAX_ECC_BYTES], y[TL_TPM2_MAX_ECC_BYTES];
	size_t zl, cl;
	struct w w = { enc, 0, 2 * (TL_TPM2_MAX_ECC_BYTES + 2), false };
	if ((err = tl_crypto_ecdh(ek, z, &zl, x, y, &cl)) != TL_OK ||
	    (err = tl_crypto_kdfe(alg, (struct tl_bytes){ z, zl }, "IDENTITY",
				  (struct tl_bytes){ x, cl }, ek->ecc_x, (uint32_t)(8 * n),
				  seed)) != TL_OK)
		return err;
	put16(&w, (uint16_t)cl);
	put(&w, x, cl);
	put16(&w, (uint16_t)cl);
	put(&w, y, cl);
	*enc_len = w.len;
	tl_crypto_cleanse(z, sizeof(z));
	return w.over ? TL_E_ARG : TL_OK;
}

int tl_credential_make(const struct tl_tpm2_public *ek, struct tl_bytes ak_name,
		       struct tl_bytes secret, uint8_t out[static TL_CREDENTIAL_MAX_BLOB],
		       size_t *len)
{
	uint16_t alg = ek->name_alg;
	size_t n = tl_alg_size(alg), enc_len = 512, ident_len;
	uint8_t seed[TL_MAX_DIGEST], sym[32], hmac_key[TL_MAX_DIGEST], hmac[TL_MAX_DIGEST];
	uint8_t enc[512], ident[2 + TL_CREDENTIAL_MAX_SECRET];
	struct w w = { out, 0, TL_CREDENTIAL_MAX_BLOB, false };
	int err;

	*len = 0;
	if (!n || ek->symmetric != TL_ALG_AES || ek->sym_mode != TL_ALG_CFB ||
	    (ek->sym_bits != 128 && ek->sym_bits != 256) ||
	    (ek->type == TL_ALG_ECC && ek->ecc_curve != TL_ECC_NIST_P256 &&
	     ek->ecc_curve != TL_ECC_NIST_P384) ||
	    (ek->type != TL_ALG_RSA && ek->type != TL_ALG_ECC))
		return TL_E_CRED_EK;
	if (secret.len == 0 || secret.len > TL_CREDENTIAL_MAX_SECRET || ak_name.len < 2 + 20 ||
	    ak_name.len > TL_TPM2_MAX_NAME)
		return TL_E_ARG;
	if ((err = seed_for(ek, alg, seed, n, enc, &enc_len)) != TL_OK)
		goto out;
	/* encIdentity: the marshalled TPM2B_DIGEST of the secret, AES-CFB under KDFa(STORAGE) */
	ident[0] = (uint8_t)(secret.len >> 8);
	ident[1] = (uint8_t)secret.len;
	memcpy(ident + 2, secret.ptr, secret.len);
	ident_len = 2 + secret.len;
	if ((err = tl_crypto_kdfa(alg, (struct tl_bytes){ seed, n }, "STORAGE", ak_name,
				  (struct tl_bytes){ NULL, 0 }, ek->sym_bits, sym)) != TL_OK ||
	    (err = tl_crypto_aes_cfb(sym, ek->sym_bits / 8u, ident, ident_len)) != TL_OK)
		goto out;
	/* outerHMAC over encIdentity || name, under KDFa(INTEGRITY) */
	if ((err = tl_crypto_kdfa(alg, (struct tl_bytes){ seed, n }, "INTEGRITY",
				  (struct tl_bytes){ NULL, 0 }, (struct tl_bytes){ NULL, 0 },
				  (uint32_t)(8 * n), hmac_key)) != TL_OK ||
	    (err = tl_crypto_hmac(alg, (struct tl_bytes){ hmac_key, n },
				  (struct tl_bytes){ ident, ident_len }, ak_name, hmac)) != TL_OK)
		goto out;
	put32(&w, CRED_MAGIC);
	put32(&w, 1);
	put16(&w, (uint16_t)(2 + n + ident_len)); /* TPM2B_ID_OBJECT */
	put16(&w, (uint16_t)n);
	put(&w, hmac, n);
	put(&w, ident, ident_len);
	put16(&w, (uint16_t)enc_len); /* TPM2B_ENCRYPTED_SECRET */
	put(&w, enc, enc_len);
	err = w.over ? TL_E_ARG : TL_OK;
	if (err == TL_OK)
		*len = w.len;
out:
	tl_crypto_cleanse(seed, sizeof(seed));
	tl_crypto_cleanse(sym, sizeof(sym));
	tl_crypto_cleanse(hmac_key, sizeof(hmac_key));
	tl_crypto_cleanse(ident, sizeof(ident));
	return err;
}

int tl_credential_parse(struct tl_bytes blob, struct tl_bytes *id_object,
			struct tl_bytes *enc_secret)
{
	struct tl_rd rd;
	uint32_t magic, version;
	int err;

	*id_object = *enc_secret = (struct tl_bytes){ NULL, 0 };
	tl_rd_from(&rd, blob);
	if ((err = tl_rd_be32(&rd, &magic)) != TL_OK || (err = tl_rd_be32(&rd, &version)) != TL_OK)
		return err;
	if (magic != CRED_MAGIC || version != 1)
		return TL_E_TPM2_MALFORMED;
	struct tl_bytes id, enc;
	if ((err = tl_rd_tpm2b(&rd, TL_CREDENTIAL_MAX_ID, &id)) != TL_OK ||
	    (err = tl_rd_tpm2b(&rd, TL_CREDENTIAL_MAX_ENC_SECRET, &enc)) != TL_OK ||
	    (err = tl_rd_end(&rd)) != TL_OK)
		return err == TL_E_ARG ? TL_E_TPM2_SIZE : err;
	*id_object = id;
	*enc_secret = enc;
	return TL_OK;
}

int tl_credential_check(struct tl_bytes expected, struct tl_bytes returned)
{
	if (expected.len == 0 || expected.len != returned.len)
		return TL_E_CRED_MISMATCH;
	return tl_crypto_memeq(expected.ptr, returned.ptr, expected.len) ? TL_OK : TL_E_CRED_MISMATCH;
}
