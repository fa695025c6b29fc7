/* Authenticode PKCS#7 through OpenSSL (an X.509 helper: OpenSSL types stay in here). */
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/pkcs7.h>
#include <openssl/x509.h>

#include "der.h"
#include "x509_internal.h"
#include "trustlaunch/hash.h"
#include "trustlaunch/pkcs7.h"
#include "trustlaunch/text.h"

static const struct {
	uint16_t alg;
	uint8_t oid[9];
	uint8_t len;
} digest_oids[] = {
	{ TL_ALG_SHA256, { 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01 }, 9 },
	{ TL_ALG_SHA384, { 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x02 }, 9 },
	{ TL_ALG_SHA512, { 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x03 }, 9 },
	{ TL_ALG_SHA1, { 0x2B, 0x0E, 0x03, 0x02, 0x1A }, 5 },
};

/* SpcIndirectDataContent ::= SEQUENCE { data SpcAttributeTypeAndOptionalValue,
 *   messageDigest DigestInfo ::= SEQUENCE { AlgorithmIdentifier, OCTET STRING } } */
static int indirect_digest(struct tl_bytes spc, uint16_t *alg, struct tl_bytes *digest)
{
	struct tl_rd rd, seq, di, algid;
	struct tl_bytes c, w, oid;
	uint8_t tag;
	tl_rd_from(&rd, spc);
	if (tl_der_tlv(&rd, &tag, &c, &w) || tag != 0x30)
		return TL_E_PE_PKCS7;
	tl_rd_from(&seq, c);
	if (tl_der_tlv(&seq, &tag, &c, &w) || tag != 0x30 || /* data */
	    tl_der_tlv(&seq, &tag, &c, &w) || tag != 0x30)   /* messageDigest */
		return TL_E_PE_PKCS7;
	tl_rd_from(&di, c);
	if (tl_der_tlv(&di, &tag, &c, &w) || tag != 0x30)
		return TL_E_PE_PKCS7;
	tl_rd_from(&algid, c);
	if (tl_der_tlv(&algid, &tag, &oid, &w) || tag != 0x06 ||
	    tl_der_tlv(&di, &tag, digest, &w) || tag != 0x04)
		return TL_E_PE_PKCS7;
	for (size_t i = 0; i < sizeof(digest_oids) / sizeof(digest_oids[0]); i++) {
		if (tl_bytes_eq(oid, digest_oids[i].oid, digest_oids[i].len) &&
		    digest->len == tl_alg_size(digest_oids[i].alg)) {
			*alg = digest_oids[i].alg;
			return TL_OK;
		}
	}
	return TL_E_PE_PKCS7;
}

struct ctx {
	const struct tl_pe *pe;
	struct tl_pe_signers *out;
};

static int one(uint16_t type, struct tl_bytes der, void *arg)
{
	struct ctx *c = arg;
	struct tl_pe_signer *s;
	const unsigned char *p = der.ptr;
	PKCS7 *p7;
	STACK_OF(X509) *signers = NULL;
	struct tl_bytes digest;
	uint8_t mine[TL_MAX_DIGEST], fp[TL_MAX_DIGEST];
	int err = TL_E_PE_PKCS7;

	if (type != TL_WIN_CERT_TYPE_PKCS_SIGNED_DATA)
		return TL_OK; /* other certificate types are not Authenticode */
	if (c->out->count == TL_PE_MAX_SIGNATURES)
		return TL_E_PE_PKCS7;
	s = &c->out->sig[c->out->count];
	p7 = d2i_PKCS7(NULL, &p, (long)der.len);
	const ASN1_STRING *seq = tl_x509_spc_content(p7);
	if (!seq)
		goto out;
	if (indirect_digest((struct tl_bytes){ ASN1_STRING_get0_data(seq),
					       (size_t)ASN1_STRING_length(seq) },
			    &s->alg, &digest) != TL_OK)
		goto out;
	signers = PKCS7_get0_signers(p7, NULL, 0);
	if (!signers || sk_X509_num(signers) < 1)
		goto out;
	X509 *x = sk_X509_value(signers, 0);
	unsigned char *xder = NULL;
	int xlen = i2d_X509(x, &xder);
	if (xlen <= 0 || tl_hash(TL_ALG_SHA256, xder, (size_t)xlen, fp) != TL_OK) {
		OPENSSL_free(xder);
		goto out;
	}
	OPENSSL_free(xder);
	tl_hex(fp, TL_SHA256_LEN, s->cert_sha256);
	s->subject = tl_x509_oneline(X509_get_subject_name(x));
	s->issuer = tl_x509_oneline(X509_get_issuer_name(x));
	tl_hex(digest.ptr, digest.len, s->digest_hex);
	s->covers_image = tl_pe_authenticode(c->pe, s->alg, mine) == TL_OK &&
			  tl_bytes_eq(digest, mine, digest.len);
	s->pkcs7 = der;
	c->out->count++;
	err = TL_OK;
out:
	sk_X509_free(signers);
	PKCS7_free(p7);
	ERR_clear_error();
	return err;
}

int tl_pe_signers(const struct tl_pe *pe, struct tl_pe_signers *out)
{
	struct ctx c = { pe, out };
	int err;
	memset(out, 0, sizeof(*out));
	err = tl_pe_certs(pe, one, &c);
	if (err != TL_OK)
		tl_pe_signers_clear(out);
	return err;
}

void tl_pe_signers_clear(struct tl_pe_signers *s)
{
	for (size_t i = 0; i < s->count; i++) {
		free(s->sig[i].subject);
		free(s->sig[i].issuer);
	}
	memset(s, 0, sizeof(*s));
}
