/* The PKCS#7 signature of an authenticated variable update (EFI_VARIABLE_AUTHENTICATION_2)
 * of dbx, verified as EDK2's AuthVariableLib does: an X.509 helper, so OpenSSL types stay in
 * here. CertData is a SignedData, usually without its ContentInfo wrapper (as Microsoft
 * signs dbx updates); both forms are accepted. */
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/pkcs7.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include "trustlaunch/revocation.h"
#include "trustlaunch/uefi.h"
#include "x509_internal.h"

#define ATTRS_TIME_AUTH 0x27u /* NON_VOLATILE | BOOTSERVICE | RUNTIME | TIME_BASED_AUTH */
#define ATTR_APPEND 0x40u     /* EFI_VARIABLE_APPEND_WRITE */
#define MAX_CERT_DATA (1u << 20)

/* A DER length (minimal form) at buf + *n; len < 2^24. */
static void put_len(uint8_t *buf, size_t *n, size_t len)
{
	if (len < 0x80) {
		buf[(*n)++] = (uint8_t)len;
		return;
	}
	int bytes = len > 0xffff ? 3 : len > 0xff ? 2 : 1;
	buf[(*n)++] = (uint8_t)(0x80 | bytes);
	for (int i = bytes - 1; i >= 0; i--)
		buf[(*n)++] = (uint8_t)(len >> (8 * i));
}

static size_t len_size(size_t len)
{
	return len < 0x80 ? 1 : len <= 0xff ? 2 : len <= 0xffff ? 3 : 4;
}

/* ContentInfo { id-signedData, [0] EXPLICIT SignedData } around der, or der as it is when it
 * already is a ContentInfo. NULL when it is neither. */
static PKCS7 *signed_data(struct tl_bytes der)
{
	static const uint8_t oid[] = { 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86,
				       0xf7, 0x0d, 0x01, 0x07, 0x02 };
	const unsigned char *p = der.ptr;
	PKCS7 *p7 = d2i_PKCS7(NULL, &p, (long)der.len);
	size_t inner, outer, n = 0;
	uint8_t *buf;
	struct tl_rd rd;

	if (p7 && p == der.ptr + der.len && PKCS7_type_is_signed(p7))
		return p7;
	PKCS7_free(p7);
	ERR_clear_error();
	if (der.len > MAX_CERT_DATA)
		return NULL;
	inner = 1 + len_size(der.len) + der.len;
	outer = sizeof(oid) + inner;
	if (!(buf = malloc(1 + len_size(outer) + outer)))
		return NULL;
	buf[n++] = 0x30;
	put_len(buf, &n, outer);
	memcpy(buf + n, oid, sizeof(oid));
	n += sizeof(oid);
	buf[n++] = 0xa0;
	put_len(buf, &n, der.len);
	tl_rd_from(&rd, der);
	if (tl_rd_copy(&rd, buf + n, der.len) != TL_OK) {
		free(buf);
		return NULL;
	}
	n += der.len;
	p = buf;
	p7 = d2i_PKCS7(NULL, &p, (long)n);
	if (p7 && (p != buf + n || !PKCS7_type_is_signed(p7))) {
		PKCS7_free(p7);
		p7 = NULL;
	}
	free(buf);
	return p7;
}

/* The bytes the signature covers, for the attributes attrs. */
static uint8_t *signed_bytes(const struct tl_dbx_update *up, uint32_t attrs, size_t *len)
{
	static const uint8_t name[] = { 'd', 0, 'b', 0, 'x', 0 };
	size_t n = sizeof(name) + 16 + 4 + up->timestamp.len + up->lists.len, k = 0;
	uint8_t *b = malloc(n);
	struct tl_rd rd;
	if (!b)
		return NULL;
	memcpy(b, name, sizeof(name));
	k += sizeof(name);
	memcpy(b + k, TL_GUID_IMAGE_SECURITY_DB.b, 16);
	k += 16;
	for (int i = 0; i < 4; i++)
		b[k++] = (uint8_t)(attrs >> (8 * i));
	tl_rd_from(&rd, up->timestamp);
	if (tl_rd_copy(&rd, b + k, up->timestamp.len) != TL_OK)
		goto bad;
	k += up->timestamp.len;
	tl_rd_from(&rd, up->lists);
	if (tl_rd_copy(&rd, b + k, up->lists.len) != TL_OK)
		goto bad;
	*len = n;
	return b;
bad:
	free(b);
	return NULL;
}

static bool verify_one(PKCS7 *p7, X509_STORE *store, const struct tl_dbx_update *up,
		       uint32_t attrs)
{
	size_t len;
	uint8_t *data = signed_bytes(up, attrs, &len);
	BIO *bio = data && len <= INT32_MAX ? BIO_new_mem_buf(data, (int)len) : NULL;
	bool ok = bio && PKCS7_verify(p7, NULL, store, bio, NULL, PKCS7_BINARY) == 1;
	ERR_clear_error();
	BIO_free(bio);
	free(data);
	return ok;
}

int tl_dbx_update_verify(const struct tl_dbx_update *up, struct tl_bytes kek, bool *appended)
{
	X509 *anchor = tl_x509_load(kek);
	X509_STORE *store = anchor ? X509_STORE_new() : NULL;
	PKCS7 *p7 = up->pkcs7.len ? signed_data(up->pkcs7) : NULL;
	int err = TL_E_REVOC_UPDATE_SIGNATURE;

	*appended = false;
	if (!anchor) {
		err = TL_E_ARG;
		goto out;
	}
	if (!store || !p7 || X509_STORE_add_cert(store, anchor) != 1)
		goto out;
	/* as firmware: the KEK entry is the anchor, and no clock decides */
	X509_STORE_set_flags(store, X509_V_FLAG_PARTIAL_CHAIN | X509_V_FLAG_NO_CHECK_TIME);
	X509_STORE_set_purpose(store, X509_PURPOSE_ANY);
	if (verify_one(p7, store, up, ATTRS_TIME_AUTH | ATTR_APPEND)) {
		*appended = true;
		err = TL_OK;
	} else if (verify_one(p7, store, up, ATTRS_TIME_AUTH)) {
		err = TL_OK;
	}
out:
	ERR_clear_error();
	PKCS7_free(p7);
	X509_STORE_free(store);
	X509_free(anchor);
	return err;
}

struct kek_walk {
	const struct tl_dbx_update *up;
	bool *appended;
	bool ok;
};

static int kek_entry(const struct tl_esl_entry *e, void *arg)
{
	struct kek_walk *w = arg;
	if (!w->ok && tl_guid_eq(&e->type, &TL_GUID_CERT_X509))
		w->ok = tl_dbx_update_verify(w->up, e->data, w->appended) == TL_OK;
	return TL_OK;
}

int tl_dbx_update_verify_kek_lists(const struct tl_dbx_update *up, struct tl_bytes kek_lists,
				   bool *appended)
{
	struct kek_walk w = { up, appended, false };
	int err = tl_esl_walk(kek_lists, kek_entry, &w);
	if (err != TL_OK)
		return err;
	return w.ok ? TL_OK : TL_E_REVOC_UPDATE_SIGNATURE;
}
