/* AMD's certificate chains for SEV-SNP through OpenSSL (an X.509 helper: OpenSSL types stay
 * in here): ARK (self-signed) -> ASK -> VCEK and ARK -> ASVK -> VLEK, all RSA-PSS SHA-384
 * above the VCEK; the generation is in the CNs ("ARK-Genoa", "SEV-Genoa", "SEV-VLEK-Genoa"). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "crypto_internal.h"
#include "trustlaunch/limits.h"
#include "snp/certext.h"
#include "x509_internal.h"

#define AMD_ARC "1.3.6.1.4.1.3704.1."

struct tl_snp_roots {
	X509 *ark[TL_SNP_NGENS], *ask[TL_SNP_NGENS], *asvk[TL_SNP_NGENS];
};

struct tl_snp_signer {
	EVP_PKEY *key;
	struct tl_snp_cert_info info;
};

static enum tl_snp_gen gen_of(const char *name)
{
	for (int g = TL_SNP_GEN_MILAN; g < TL_SNP_NGENS; g++)
		if (strcmp(name, tl_snp_gen_name((enum tl_snp_gen)g)) == 0)
			return (enum tl_snp_gen)g;
	return TL_SNP_GEN_UNKNOWN;
}

static void cn_of(const X509_NAME *name, char *out, size_t n)
{
	X509_NAME_ENTRY *e;
	int i = X509_NAME_get_index_by_NID(name, NID_commonName, -1);
	out[0] = '\0';
	if (i < 0 || !(e = X509_NAME_get_entry(name, i)))
		return;
	const ASN1_STRING *s = X509_NAME_ENTRY_get_data(e);
	struct tl_rd rd;
	tl_rd_init(&rd, ASN1_STRING_get0_data(s), (size_t)ASN1_STRING_length(s));
	if (tl_rd_left(&rd) < n && tl_rd_span_printable(&rd) == tl_rd_left(&rd)) {
		size_t len = tl_rd_left(&rd);
		if (tl_rd_copy(&rd, out, len) == TL_OK)
			out[len] = '\0';
	}
}

/* "PREFIX<Gen>" -> the generation, else UNKNOWN. */
static enum tl_snp_gen gen_after(const char *cn, const char *prefix)
{
	size_t n = strlen(prefix);
	return strncmp(cn, prefix, n) == 0 ? gen_of(cn + n) : TL_SNP_GEN_UNKNOWN;
}

static bool self_signed(X509 *x)
{
	EVP_PKEY *k = X509_get0_pubkey(x);
	return k && X509_check_issued(x, x) == X509_V_OK && X509_verify(x, k) == 1;
}

/* Places one certificate; returns 1 when it was one of AMD's, else 0 (x is freed). */
static int place(struct tl_snp_roots *roots, X509 *x)
{
	char cn[64];
	enum tl_snp_gen g;
	X509 **slot = NULL;

	cn_of(X509_get_subject_name(x), cn, sizeof(cn));
	if ((g = gen_after(cn, "ARK-")) && self_signed(x))
		slot = &roots->ark[g];
	else if ((g = gen_after(cn, "SEV-VLEK-")))
		slot = &roots->asvk[g];
	else if ((g = gen_after(cn, "SEV-")))
		slot = &roots->ask[g];
	if (!slot) {
		X509_free(x);
		return 0;
	}
	X509_free(*slot);
	*slot = x;
	return 1;
}

int tl_snp_roots_add(struct tl_snp_roots *roots, struct tl_bytes pem)
{
	int n = 0;
	if (pem.len == 0 || pem.len > TL_SNP_MAX_CERT_FILE)
		return TL_E_SNP_ROOTS;
	if (tl_bytes_has_prefix(pem, "-----BEGIN")) {
		BIO *bio = BIO_new_mem_buf(pem.ptr, (int)pem.len);
		X509 *x;
		while (bio && (x = PEM_read_bio_X509(bio, NULL, NULL, NULL)))
			n += place(roots, x);
		BIO_free(bio);
	} else {
		X509 *x = tl_x509_load(pem);
		if (x)
			n += place(roots, x);
	}
	ERR_clear_error(); /* the end of a PEM stream reads as an error */
	return n > 0 ? TL_OK : TL_E_SNP_ROOTS;
}

int tl_snp_roots_new(struct tl_snp_roots **out)
{
	*out = calloc(1, sizeof(**out));
	return *out ? TL_OK : TL_E_NOMEM;
}

void tl_snp_roots_free(struct tl_snp_roots *roots)
{
	if (!roots)
		return;
	for (int g = 0; g < TL_SNP_NGENS; g++) {
		X509_free(roots->ark[g]);
		X509_free(roots->ask[g]);
		X509_free(roots->asvk[g]);
	}
	free(roots);
}

bool tl_snp_roots_have(const struct tl_snp_roots *roots, enum tl_snp_gen gen)
{
	return gen > TL_SNP_GEN_UNKNOWN && gen < TL_SNP_NGENS && roots->ark[gen];
}

/* The contents of each AMD extension, as views into x. */
static void amd_extensions(X509 *x, struct tl_snp_certext *ext)
{
	char oid[64];
	memset(ext, 0, sizeof(*ext));
	for (int i = 0; i < X509_get_ext_count(x); i++) {
		X509_EXTENSION *e = X509_get_ext(x, i);
		const ASN1_OCTET_STRING *d = X509_EXTENSION_get_data(e);
		struct tl_bytes v = { ASN1_STRING_get0_data(d), (size_t)ASN1_STRING_length(d) };
		int arc = 0;
		size_t n = strlen(AMD_ARC);
		if (OBJ_obj2txt(oid, sizeof(oid), X509_EXTENSION_get_object(e), 1) <= 0 ||
		    strncmp(oid, AMD_ARC, n) != 0)
			continue;
		if (strcmp(oid + n, "2") == 0)
			ext->product = v;
		else if (strcmp(oid + n, "4") == 0)
			ext->hwid = v;
		else if (strncmp(oid + n, "3.", 2) == 0 && sscanf(oid + n + 2, "%d", &arc) == 1 &&
			 arc >= 1 && arc <= 9)
			ext->spl[arc] = v;
	}
}

/* Who issued the certificate: the kind of key and its generation, from the issuer's CN. */
static int issuer_kind(X509 *x, struct tl_snp_cert_info *info)
{
	enum tl_snp_gen g;
	cn_of(X509_get_subject_name(x), info->subject_cn, sizeof(info->subject_cn));
	cn_of(X509_get_issuer_name(x), info->issuer_cn, sizeof(info->issuer_cn));
	if ((g = gen_after(info->issuer_cn, "SEV-VLEK-")) &&
	    strcmp(info->subject_cn, "SEV-VLEK") == 0)
		info->kind = TL_SNP_KEY_VLEK;
	else if ((g = gen_after(info->issuer_cn, "SEV-")) &&
		 strcmp(info->subject_cn, "SEV-VCEK") == 0)
		info->kind = TL_SNP_KEY_VCEK;
	else
		return TL_E_SNP_CERT_UNTRUSTED;
	info->gen = g;
	return TL_OK;
}

static bool is_p384(EVP_PKEY *k)
{
	char group[32];
	return k && EVP_PKEY_is_a(k, "EC") &&
	       EVP_PKEY_get_utf8_string_param(k, "group", group, sizeof(group), NULL) &&
	       (strcmp(group, "secp384r1") == 0 || strcmp(group, "P-384") == 0);
}

/* ARK (trusted, its self-signature checked too) -> ASK or ASVK -> cert, at a time. */
static int chain(X509 *ark, X509 *mid, X509 *cert, time_t at, struct tl_snp_cert_info *info)
{
	X509_STORE *store = X509_STORE_new();
	X509_STORE_CTX *ctx = X509_STORE_CTX_new();
	STACK_OF(X509) *untrusted = sk_X509_new_null();
	int err = TL_E_NOMEM, verr;

	if (!store || !ctx || !untrusted || X509_STORE_add_cert(store, ark) != 1 ||
	    (mid && sk_X509_push(untrusted, mid) <= 0) ||
	    X509_STORE_CTX_init(ctx, store, cert, untrusted) != 1)
		goto out;
	X509_STORE_CTX_set_flags(ctx, X509_V_FLAG_CHECK_SS_SIGNATURE);
	if (at)
		X509_STORE_CTX_set_time(ctx, 0, at);
	err = TL_OK;
	if (X509_verify_cert(ctx) != 1) {
		verr = X509_STORE_CTX_get_error(ctx);
		snprintf(info->detail, sizeof(info->detail), "%s", X509_verify_cert_error_string(verr));
		err = verr == X509_V_ERR_CERT_HAS_EXPIRED || verr == X509_V_ERR_CERT_NOT_YET_VALID
			      ? TL_E_SNP_CERT_EXPIRED
			      : TL_E_SNP_CERT_UNTRUSTED;
	}
out:
	sk_X509_free(untrusted); /* the certificates stay the roots' */
	X509_STORE_CTX_free(ctx);
	X509_STORE_free(store);
	return err;
}

/* What the certificate says of itself, then its chain. */
static int check_cert(const struct tl_snp_roots *roots, X509 *x, time_t at,
		      struct tl_snp_cert_info *info)
{
	struct tl_snp_certext ext;
	const char *gname;
	X509 *mid;
	int err;

	if ((err = issuer_kind(x, info)) != TL_OK)
		return err;
	amd_extensions(x, &ext);
	if ((err = tl_snp_certext_decode(&ext, info)) != TL_OK)
		return err;
	gname = tl_snp_gen_name(info->gen);
	if (strncmp(info->product, gname, strlen(gname)) != 0) {
		snprintf(info->detail, sizeof(info->detail), "issued by %s for product %s",
			 info->issuer_cn, info->product);
		return TL_E_SNP_GENERATION;
	}
	if (!tl_snp_roots_have(roots, info->gen)) {
		snprintf(info->detail, sizeof(info->detail), "a %s certificate; no ARK-%s given",
			 gname, gname);
		return TL_E_SNP_GENERATION;
	}
	mid = info->kind == TL_SNP_KEY_VLEK ? roots->asvk[info->gen] : roots->ask[info->gen];
	if ((err = chain(roots->ark[info->gen], mid, x, at, info)) != TL_OK)
		return err;
	return is_p384(X509_get0_pubkey(x)) ? TL_OK : TL_E_SNP_CERT_KEY;
}

int tl_snp_signer_new(const struct tl_snp_roots *roots, struct tl_bytes cert, time_t at,
		      struct tl_snp_signer **out, struct tl_snp_cert_info *info)
{
	struct tl_snp_signer *s = NULL;
	X509 *x = tl_x509_load(cert);
	int err;

	*out = NULL;
	memset(info, 0, sizeof(*info));
	if (!x) {
		ERR_clear_error();
		return TL_E_SNP_CERT_MALFORMED;
	}
	if ((err = check_cert(roots, x, at, info)) != TL_OK)
		goto out;
	err = TL_E_NOMEM;
	if (!(s = calloc(1, sizeof(*s))) || !(s->key = X509_get_pubkey(x)))
		goto out;
	s->info = *info;
	*out = s;
	s = NULL;
	err = TL_OK;
out:
	tl_snp_signer_free(s);
	X509_free(x);
	ERR_clear_error();
	return err;
}

void tl_snp_signer_free(struct tl_snp_signer *signer)
{
	if (!signer)
		return;
	EVP_PKEY_free(signer->key);
	free(signer);
}

const struct tl_snp_cert_info *tl_snp_signer_info(const struct tl_snp_signer *signer)
{
	return &signer->info;
}

int tl_snp_signer_verify(const struct tl_snp_signer *signer, struct tl_bytes signed_part,
			 const struct tl_snp_report *rep)
{
	if (signed_part.len != TL_SNP_SIGNED_LEN)
		return TL_E_ARG;
	return tl_crypto_snp_verify(signer->key, signed_part, rep->sig_r, rep->sig_s);
}
