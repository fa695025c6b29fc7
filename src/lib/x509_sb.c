/* The Secure Boot decision for an image, through OpenSSL (an X.509 helper: OpenSSL types
 * stay in here). As EDK2's DxeImageVerificationLib: forbidden by dbx (image hash, or a
 * certificate of a signature's chain) wins; otherwise allowed when a signature chains to a db
 * certificate, or the image hash is in db. Time is not checked (firmware has no trusted
 * clock); the db certificate is a trust anchor whether or not it is a root. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/pkcs7.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include "der.h"
#include "x509_internal.h"
#include "trustlaunch/hash.h"
#include "trustlaunch/pkcs7.h"
#include "trustlaunch/sb.h"

struct lists {
	STACK_OF(X509) *db_certs;
	struct tl_bytes image_sha256;
	const struct tl_sb_policy *pol;
	bool hash_in_db, hash_in_dbx;
	/* the db entries, to find the one that allowed the image */
	struct tl_esl_entry entries[64];
	size_t nentries;
};

static int db_entry(const struct tl_esl_entry *e, void *arg)
{
	struct lists *l = arg;
	if (tl_guid_eq(&e->type, &TL_GUID_CERT_X509)) {
		const unsigned char *p = e->data.ptr;
		X509 *x = d2i_X509(NULL, &p, (long)e->data.len);
		if (x && !sk_X509_push(l->db_certs, x))
			X509_free(x);
		if (l->nentries < sizeof(l->entries) / sizeof(l->entries[0]))
			l->entries[l->nentries++] = *e;
	} else if (tl_guid_eq(&e->type, &TL_GUID_CERT_SHA256) &&
		   tl_bytes_eq(e->data, l->image_sha256.ptr, l->image_sha256.len)) {
		l->hash_in_db = true;
	}
	return TL_OK;
}

static int dbx_hash(const struct tl_esl_entry *e, void *arg)
{
	struct lists *l = arg;
	if (tl_guid_eq(&e->type, &TL_GUID_CERT_SHA256) &&
	    tl_bytes_eq(e->data, l->image_sha256.ptr, l->image_sha256.len))
		l->hash_in_dbx = true;
	return TL_OK;
}

/* EFI_CERT_X509_SHA256: the SHA-256 of a TBSCertificate (then a revocation time). */
static const struct tl_guid CERT_X509_SHA256 = { { 0x92, 0xa4, 0xd2, 0x3b, 0xc0, 0x96, 0x79, 0x40,
						   0xb4, 0x20, 0xfc, 0xf9, 0x8e, 0xf1, 0x03, 0xed } };

struct dbx_cert {
	struct tl_bytes der;
	uint8_t tbs_sha256[TL_MAX_DIGEST];
	bool found;
};

static int dbx_x509(const struct tl_esl_entry *e, void *arg)
{
	struct dbx_cert *c = arg;
	struct tl_rd rd;
	struct tl_bytes h;
	if (tl_guid_eq(&e->type, &TL_GUID_CERT_X509) && tl_bytes_eq(e->data, c->der.ptr, c->der.len))
		c->found = true;
	tl_rd_from(&rd, e->data);
	if (tl_guid_eq(&e->type, &CERT_X509_SHA256) && tl_rd_bytes(&rd, TL_SHA256_LEN, &h) == TL_OK &&
	    tl_bytes_eq(h, c->tbs_sha256, TL_SHA256_LEN))
		c->found = true;
	return TL_OK;
}

/* A certificate forbidden by dbx, as itself or by the hash of its TBSCertificate. */
static bool cert_in_dbx(X509 *x, struct tl_bytes dbx)
{
	unsigned char *der = NULL, *tbs = NULL;
	int len = i2d_X509(x, &der), tlen = i2d_re_X509_tbs(x, &tbs);
	struct dbx_cert c = { { der, len > 0 ? (size_t)len : 0 }, { 0 }, false };
	if (len > 0 && tlen > 0 && dbx.len &&
	    tl_hash(TL_ALG_SHA256, tbs, (size_t)tlen, c.tbs_sha256) == TL_OK &&
	    tl_esl_walk(dbx, dbx_x509, &c) != TL_OK)
		c.found = false;
	OPENSSL_free(der);
	OPENSSL_free(tbs);
	return c.found;
}

static bool chain_in_dbx(STACK_OF(X509) *chain, struct tl_bytes dbx)
{
	for (int i = 0; i < sk_X509_num(chain); i++)
		if (cert_in_dbx(sk_X509_value(chain, i), dbx))
			return true;
	return false;
}

/* Every certificate any signature of the image carries, checked against dbx before anything
 * else: a forbidden signer refuses the image whatever the other signatures say. */
static int dbx_signature(uint16_t type, struct tl_bytes der, void *arg)
{
	const struct tl_sb_policy *pol = arg;
	const unsigned char *p = der.ptr;
	PKCS7 *p7;
	bool found = false;
	if (type != TL_WIN_CERT_TYPE_PKCS_SIGNED_DATA || !pol->dbx.len)
		return TL_OK;
	p7 = d2i_PKCS7(NULL, &p, (long)der.len);
	if (p7 && PKCS7_type_is_signed(p7) && p7->d.sign)
		found = chain_in_dbx(p7->d.sign->cert, pol->dbx);
	PKCS7_free(p7);
	ERR_clear_error();
	return found ? TL_E_SB_SIGNER_IN_DBX : TL_OK;
}

/* One Authenticode signature: its content digest covers the image, its signature verifies,
 * and its signer chains to db. TL_OK and the anchor when allowed. */
static int one_signature(struct tl_bytes der, struct lists *l,
			 struct tl_sb_result *out)
{
	const unsigned char *p = der.ptr;
	PKCS7 *p7 = d2i_PKCS7(NULL, &p, (long)der.len);
	X509_STORE *store = X509_STORE_new();
	X509_STORE_CTX *ctx = X509_STORE_CTX_new();
	STACK_OF(X509) *signers = NULL;
	BIO *content = NULL;
	int err = TL_E_SB_SIGNATURE;

	const ASN1_STRING *seq = tl_x509_spc_content(p7);
	if (!seq || !store || !ctx)
		goto out;
	/* the signed bytes are the contents of the SpcIndirectDataContent SEQUENCE */
	struct tl_rd rd;
	struct tl_bytes c, w;
	uint8_t tag;
	tl_rd_init(&rd, ASN1_STRING_get0_data(seq), (size_t)ASN1_STRING_length(seq));
	if (tl_der_tlv(&rd, &tag, &c, &w) || tag != 0x30 ||
	    !(content = BIO_new_mem_buf(c.ptr, (int)c.len)) ||
	    PKCS7_verify(p7, NULL, NULL, content, NULL, PKCS7_BINARY | PKCS7_NOVERIFY) != 1)
		goto out;
	signers = PKCS7_get0_signers(p7, NULL, 0);
	if (!signers || sk_X509_num(signers) != 1)
		goto out;
	for (int i = 0; i < sk_X509_num(l->db_certs); i++)
		X509_STORE_add_cert(store, sk_X509_value(l->db_certs, i));
	X509_STORE_set_flags(store, X509_V_FLAG_PARTIAL_CHAIN | X509_V_FLAG_NO_CHECK_TIME);
	if (X509_STORE_CTX_init(ctx, store, sk_X509_value(signers, 0), p7->d.sign->cert) != 1)
		goto out;
	X509_STORE_CTX_set_purpose(ctx, X509_PURPOSE_ANY);
	if (X509_verify_cert(ctx) != 1) {
		snprintf(out->detail, sizeof(out->detail), "%s",
			 X509_verify_cert_error_string(X509_STORE_CTX_get_error(ctx)));
		err = TL_E_SB_NOT_IN_DB;
		goto out;
	}
	STACK_OF(X509) *chain = X509_STORE_CTX_get0_chain(ctx);
	if (chain_in_dbx(chain, l->pol->dbx)) {
		err = TL_E_SB_SIGNER_IN_DBX;
		goto out;
	}
	X509 *anchor = sk_X509_value(chain, sk_X509_num(chain) - 1);
	unsigned char *ader = NULL;
	int alen = i2d_X509(anchor, &ader);
	for (size_t i = 0; alen > 0 && i < l->nentries; i++) {
		if (tl_bytes_eq(l->entries[i].data, ader, (size_t)alen)) {
			out->has_authority = true;
			out->owner = l->entries[i].owner;
			out->authority = l->entries[i].data;
		}
	}
	OPENSSL_free(ader);
	tl_x509_name_into(out->subject, sizeof(out->subject), X509_get_subject_name(anchor));
	err = TL_OK;
out:
	sk_X509_free(signers);
	BIO_free(content);
	X509_STORE_CTX_free(ctx);
	X509_STORE_free(store);
	PKCS7_free(p7);
	ERR_clear_error();
	return err;
}

int tl_sb_check(const struct tl_pe *pe, const struct tl_sb_policy *pol, struct tl_sb_result *out)
{
	struct lists l = { .pol = pol };
	struct tl_pe_signers s;
	uint8_t digest[TL_MAX_DIGEST];
	int err, best = TL_E_SB_UNSIGNED;

	memset(out, 0, sizeof(*out));
	if ((err = tl_pe_authenticode(pe, TL_ALG_SHA256, digest)) != TL_OK)
		return err;
	l.image_sha256 = (struct tl_bytes){ digest, TL_SHA256_LEN };
	if (!(l.db_certs = sk_X509_new_null()))
		return TL_E_NOMEM;
	if ((err = tl_esl_walk(pol->db, db_entry, &l)) != TL_OK ||
	    (pol->dbx.len && (err = tl_esl_walk(pol->dbx, dbx_hash, &l)) != TL_OK))
		goto out;
	if (l.hash_in_dbx) {
		err = TL_E_SB_HASH_IN_DBX;
		goto out;
	}
	if ((err = tl_pe_certs(pe, dbx_signature, (void *)pol)) != TL_OK)
		goto out;
	if ((err = tl_pe_signers(pe, &s)) != TL_OK)
		goto out;
	for (size_t i = 0; i < s.count && best != TL_OK; i++) {
		int e = s.sig[i].covers_image ? one_signature(s.sig[i].pkcs7, &l, out)
					      : TL_E_SB_SIGNATURE;
		/* a forbidden signer refuses the image whatever other signatures say */
		if (e == TL_E_SB_SIGNER_IN_DBX) {
			best = e;
			break;
		}
		if (e == TL_OK || best == TL_E_SB_UNSIGNED || e == TL_E_SB_NOT_IN_DB)
			best = e;
	}
	tl_pe_signers_clear(&s);
	if (best != TL_OK && best != TL_E_SB_SIGNER_IN_DBX && l.hash_in_db) {
		out->by_hash = true;
		best = TL_OK;
	}
	err = best;
	if (err == TL_OK && pol->sbat_level.len) {
		/* shim refuses an image without exactly one .sbat section once a level applies */
		struct tl_bytes sbat = { NULL, 0 };
		size_t n = 0;
		for (size_t i = 0; i < pe->nsections; i++)
			n += strcmp(pe->sec[i].name, ".sbat") == 0;
		if (n != 1 || !tl_pe_section(pe, ".sbat", &sbat)) {
			snprintf(out->detail, sizeof(out->detail), "%s",
				 n ? "more than one .sbat section" : "no .sbat section");
			err = TL_E_SB_SBAT;
		} else {
			err = tl_sbat_check(sbat, pol->sbat_level, out->detail, sizeof(out->detail));
		}
	}
out:
	sk_X509_pop_free(l.db_certs, X509_free);
	return err;
}
