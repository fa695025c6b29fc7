/* X.509 facts through OpenSSL; OpenSSL types stay in this file. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "der.h"
#include "x509_internal.h"
#include "trustlaunch/hash.h"
#include "trustlaunch/text.h"
#include "trustlaunch/x509.h"

#define MAX_NAME 4096

/* RFC 2253 text, passed through tl_text_bytes: a certificate's strings are untrusted too. */
static char *name_text(const X509_NAME *name)
{
	BIO *bio = BIO_new(BIO_s_mem());
	struct tl_buf out;
	char *p;
	long n;
	if (!bio)
		return NULL;
	tl_buf_init(&out, 4 * MAX_NAME);
	tl_buf_puts(&out, "");
	if (X509_NAME_print_ex(bio, name, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB) < 0 ||
	    (n = BIO_get_mem_data(bio, &p)) < 0 || n > MAX_NAME)
		out.err = TL_E_ARG; /* a name too long to show is refused, not shown empty */
	else
		tl_text_bytes(&out, (struct tl_bytes){ (const uint8_t *)p, (size_t)n });
	BIO_free(bio);
	return tl_buf_take(&out);
}

static char *name_of(struct tl_bytes whole)
{
	const unsigned char *p = whole.ptr;
	X509_NAME *name = d2i_X509_NAME(NULL, &p, (long)whole.len);
	char *s = name ? name_text(name) : NULL;
	X509_NAME_free(name);
	return s;
}

/* Subject, issuer and serial come from the TBSCertificate's fields directly: OpenSSL 3's
 * d2i_X509 also decodes the public key through its provider machinery, which costs ~100 µs
 * a certificate, and a Secure Boot log carries several. The fingerprint binds the whole DER;
 * chains and signatures are checked elsewhere with full X509 objects. */
/* Secure Boot logs of a fleet carry the same few certificates again and again: what was
 * decoded is kept by fingerprint. */
#define CACHE_SIZE 64
static struct {
	uint8_t *der; /* the key: a hit compares every byte, and costs no hashing */
	size_t len;
	char sha256[65];
	char serial[sizeof(((struct tl_x509_info *)0)->serial)];
	char *subject, *issuer;
} cache[CACHE_SIZE];
static size_t cache_next;
static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;

static bool cache_get(struct tl_bytes der, struct tl_x509_info *out)
{
	bool hit = false;
	pthread_mutex_lock(&cache_lock);
	for (size_t i = 0; i < CACHE_SIZE && !hit; i++) {
		if (!cache[i].der || !tl_bytes_eq(der, cache[i].der, cache[i].len))
			continue;
		out->subject = strdup(cache[i].subject);
		out->issuer = strdup(cache[i].issuer);
		memcpy(out->serial, cache[i].serial, sizeof(out->serial));
		memcpy(out->sha256, cache[i].sha256, sizeof(out->sha256));
		hit = true;
	}
	pthread_mutex_unlock(&cache_lock);
	if (hit && (!out->subject || !out->issuer)) {
		tl_x509_info_clear(out);
		return false;
	}
	return hit;
}

static void cache_put(struct tl_bytes der, const struct tl_x509_info *info)
{
	char *s = strdup(info->subject), *i = strdup(info->issuer);
	uint8_t *d = malloc(der.len);
	struct tl_rd rd;
	tl_rd_from(&rd, der);
	if (!s || !i || !d || tl_rd_copy(&rd, d, der.len) != TL_OK) {
		free(s);
		free(i);
		free(d);
		return;
	}
	pthread_mutex_lock(&cache_lock);
	free(cache[cache_next].der);
	free(cache[cache_next].subject);
	free(cache[cache_next].issuer);
	cache[cache_next].der = d;
	cache[cache_next].len = der.len;
	cache[cache_next].subject = s;
	cache[cache_next].issuer = i;
	memcpy(cache[cache_next].sha256, info->sha256, sizeof(info->sha256));
	memcpy(cache[cache_next].serial, info->serial, sizeof(info->serial));
	cache_next = (cache_next + 1) % CACHE_SIZE;
	pthread_mutex_unlock(&cache_lock);
}

void tl_x509_cache_clear(void)
{
	pthread_mutex_lock(&cache_lock);
	for (size_t i = 0; i < CACHE_SIZE; i++) {
		free(cache[i].der);
		free(cache[i].subject);
		free(cache[i].issuer);
		cache[i].der = NULL;
		cache[i].subject = cache[i].issuer = NULL;
	}
	cache_next = 0;
	pthread_mutex_unlock(&cache_lock);
}

static int decode(struct tl_bytes der, struct tl_x509_info *out);

int tl_x509_info(struct tl_bytes der, struct tl_x509_info *out)
{
	uint8_t fp[TL_MAX_DIGEST];
	char hex[65];
	int err;

	memset(out, 0, sizeof(*out));
	if (der.len == 0 || der.len > 65536)
		return TL_E_ARG;
	if (cache_get(der, out))
		return TL_OK;
	if ((err = tl_hash(TL_ALG_SHA256, der.ptr, der.len, fp)) != TL_OK ||
	    (err = decode(der, out)) != TL_OK)
		return err;
	tl_hex(fp, TL_SHA256_LEN, hex);
	memcpy(out->sha256, hex, sizeof(hex));
	cache_put(der, out);
	return TL_OK;
}

static int decode(struct tl_bytes der, struct tl_x509_info *out)
{
	struct tl_rd rd, cert, tbs;
	struct tl_bytes c, w, serial, issuer, subject;
	uint8_t tag;

	tl_rd_from(&rd, der);
	if (tl_der_tlv(&rd, &tag, &c, &w) || tag != 0x30 || tl_rd_end(&rd))
		return TL_E_ARG;
	tl_rd_from(&cert, c);
	if (tl_der_tlv(&cert, &tag, &c, &w) || tag != 0x30)
		return TL_E_ARG;
	tl_rd_from(&tbs, c);
	if (tl_der_tlv(&tbs, &tag, &c, &w))
		return TL_E_ARG;
	if (tag == 0xA0 && tl_der_tlv(&tbs, &tag, &c, &w)) /* [0] version */
		return TL_E_ARG;
	serial = c;
	if (tag != 0x02 || serial.len == 0 || serial.len > 21 ||
	    tl_der_tlv(&tbs, &tag, &c, &w) || tag != 0x30 ||           /* signature algorithm */
	    tl_der_tlv(&tbs, &tag, &c, &issuer) || tag != 0x30 ||
	    tl_der_tlv(&tbs, &tag, &c, &w) || tag != 0x30 ||           /* validity */
	    tl_der_tlv(&tbs, &tag, &c, &subject) || tag != 0x30)
		return TL_E_ARG;
	tl_hex(serial.ptr, serial.len, out->serial);
	out->subject = name_of(subject);
	out->issuer = name_of(issuer);
	if (!out->subject || !out->issuer) {
		tl_x509_info_clear(out);
		return TL_E_ARG;
	}
	return TL_OK;
}

void tl_x509_info_clear(struct tl_x509_info *info)
{
	free(info->subject);
	free(info->issuer);
	memset(info, 0, sizeof(*info));
}

char *tl_x509_oneline(const X509_NAME *name)
{
	char *s = X509_NAME_oneline(name, NULL, 0);
	struct tl_buf b;
	tl_buf_init(&b, 8192);
	tl_buf_puts(&b, "");
	if (s)
		tl_text_bytes(&b, (struct tl_bytes){ (const uint8_t *)s, strlen(s) });
	OPENSSL_free(s);
	return tl_buf_take(&b);
}

const ASN1_STRING *tl_x509_spc_content(const PKCS7 *p7)
{
	static const unsigned char spc_oid[] = { 0x2B, 0x06, 0x01, 0x04, 0x01, 0x82, 0x37,
						 0x02, 0x01, 0x04 };
	const PKCS7 *c;
	const ASN1_OBJECT *type;
	if (!p7 || !PKCS7_type_is_signed(p7) || !p7->d.sign || !(c = p7->d.sign->contents) ||
	    !(type = c->type) || (size_t)OBJ_length(type) != sizeof(spc_oid) ||
	    memcmp(OBJ_get0_data(type), spc_oid, sizeof(spc_oid)) != 0)
		return NULL;
	if (!c->d.other || c->d.other->type != V_ASN1_SEQUENCE)
		return NULL;
	return c->d.other->value.sequence;
}

void tl_x509_name_into(char *out, size_t n, const X509_NAME *name)
{
	char *s = X509_NAME_oneline(name, NULL, 0);
	size_t k = 0;
	for (const char *p = s; p && *p && k + 1 < n; p++)
		out[k++] = (*p >= 0x20 && *p < 0x7F) ? *p : '?';
	if (n)
		out[k] = '\0';
	OPENSSL_free(s);
}

X509 *tl_x509_load(struct tl_bytes b)
{
	const unsigned char *p = b.ptr;
	X509 *x = NULL;
	BIO *bio;
	if (b.len == 0 || b.len > 65536)
		return NULL;
	if (tl_bytes_has_prefix(b, "-----BEGIN")) {
		if ((bio = BIO_new_mem_buf(b.ptr, (int)b.len))) {
			x = PEM_read_bio_X509(bio, NULL, NULL, NULL);
			BIO_free(bio);
		}
		return x;
	}
	x = d2i_X509(NULL, &p, (long)b.len);
	if (x && (size_t)(p - b.ptr) != b.len) { /* trailing bytes */
		X509_free(x);
		x = NULL;
	}
	return x;
}

int tl_x509_der(struct tl_bytes cert, uint8_t **der, size_t *len)
{
	X509 *x = tl_x509_load(cert);
	unsigned char *out = NULL;
	int n = x ? i2d_X509(x, &out) : -1;
	X509_free(x);
	ERR_clear_error();
	*der = NULL;
	*len = 0;
	if (n <= 0)
		return TL_E_ARG;
	*der = malloc((size_t)n);
	if (!*der) {
		OPENSSL_free(out);
		return TL_E_NOMEM;
	}
	memcpy(*der, out, (size_t)n);
	*len = (size_t)n;
	OPENSSL_free(out);
	return TL_OK;
}
