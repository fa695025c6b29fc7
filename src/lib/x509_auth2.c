/* The PKCS#7 signature of an authenticated variable update (EFI_VARIABLE_AUTHENTICATION_2)
 * of dbx, verified as EDK2's AuthVariableLib does: an X.509 helper, so OpenSSL types stay in
 * here. CertData is a SignedData, usually without its ContentInfo wrapper (as Microsoft
 * signs dbx updates); both forms are accepted. */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/pkcs7.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include "trustlaunch/buf.h"
#include "trustlaunch/revocation.h"
#include "trustlaunch/uefi.h"
#include "x509_internal.h"

#define ATTRS_TIME_AUTH 0x27u /* NON_VOLATILE | BOOTSERVICE | RUNTIME | TIME_BASED_AUTH */
#define ATTR_APPEND 0x40u     /* EFI_VARIABLE_APPEND_WRITE */
#define MAX_CERT_DATA (1u << 20)

/* A DER length (minimal form) at buf + *n; len < 2^24. */
/* A DER length into b. */
static void put_len(struct tl_buf *b, size_t len)
{
	if (len < 0x80) {
		tl_buf_putc(b, (char)len);
		return;
	}
	int bytes = len > 0xffff ? 3 : len > 0xff ? 2 : 1;
	tl_buf_putc(b, (char)(0x80 | bytes));
	for (int i = bytes - 1; i >= 0; i--)
		tl_buf_putc(b, (char)(uint8_t)(len >> (8 * i)));
}

static size_t len_size(size_t len)
{
	return len < 0x80 ? 1 : len <= 0xff ? 2 : len <= 0xffff ? 3 : 4;
}

/* d2i_PKCS7 over exactly these bytes, a SignedData; NULL otherwise. */
static PKCS7 *whole_signed_data(const uint8_t *der, size_t len)
{
	const unsigned char *p = der;
	PKCS7 *p7 = len <= LONG_MAX ? d2i_PKCS7(NULL, &p, (long)len) : NULL;
	if (p7 && ((size_t)(p - der) != len || !PKCS7_type_is_signed(p7))) {
		PKCS7_free(p7);
		p7 = NULL;
	}
	ERR_clear_error();
	return p7;
}

/* ContentInfo { id-signedData, [0] EXPLICIT SignedData } around der, or der as it is when it
 * already is a ContentInfo. NULL when it is neither. */
static PKCS7 *signed_data(struct tl_bytes der)
{
	static const uint8_t oid[] = { 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86,
				       0xf7, 0x0d, 0x01, 0x07, 0x02 };
	PKCS7 *p7 = whole_signed_data(der.ptr, der.len);
	struct tl_buf b;

	if (p7 || der.len > MAX_CERT_DATA)
		return p7;
	tl_buf_init(&b, MAX_CERT_DATA + 64);
	tl_buf_putc(&b, 0x30);
	put_len(&b, sizeof(oid) + 1 + len_size(der.len) + der.len);
	tl_buf_put(&b, (const char *)oid, sizeof(oid));
	tl_buf_putc(&b, (char)0xa0);
	put_len(&b, der.len);
	tl_buf_put(&b, (const char *)der.ptr, der.len);
	p7 = b.err == TL_OK ? whole_signed_data((const uint8_t *)b.s, b.len) : NULL;
	tl_buf_free(&b);
	return p7;
}

/* The bytes the signature covers, for the attributes attrs (a tl_buf the caller frees). */
static int signed_bytes(const struct tl_dbx_update *up, uint32_t attrs, struct tl_buf *b)
{
	static const uint8_t name[] = { 'd', 0, 'b', 0, 'x', 0 };
	tl_buf_init(b, sizeof(name) + 16 + 4 + up->timestamp.len + up->lists.len + 1);
	tl_buf_put(b, (const char *)name, sizeof(name));
	tl_buf_put(b, (const char *)TL_GUID_IMAGE_SECURITY_DB.b, 16);
	for (int i = 0; i < 4; i++)
		tl_buf_putc(b, (char)(uint8_t)(attrs >> (8 * i)));
	tl_buf_put(b, (const char *)up->timestamp.ptr, up->timestamp.len);
	tl_buf_put(b, (const char *)up->lists.ptr, up->lists.len);
	return b->err;
}

static bool verify_one(PKCS7 *p7, X509_STORE *store, const struct tl_dbx_update *up,
		       uint32_t attrs)
{
	struct tl_buf data;
	BIO *bio = signed_bytes(up, attrs, &data) == TL_OK && data.len <= INT32_MAX
			   ? BIO_new_mem_buf(data.s, (int)data.len)
			   : NULL;
	bool ok = bio && PKCS7_verify(p7, NULL, store, bio, NULL, PKCS7_BINARY) == 1;
	ERR_clear_error();
	BIO_free(bio);
	tl_buf_free(&data);
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
