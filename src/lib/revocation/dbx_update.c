/* A signed dbx update (DBXUpdate-*.bin): EFI_VARIABLE_AUTHENTICATION_2 (UEFI 2.x 8.2.2) =
 * EFI_TIME TimeStamp + WIN_CERTIFICATE_UEFI_GUID {dwLength, wRevision 0x0200,
 * wCertificateType 0x0EF1, CertType EFI_CERT_TYPE_PKCS7_GUID, CertData}, then the
 * EFI_SIGNATURE_LISTs that SetVariable appends to dbx. The header and lists are checked here;
 * the PKCS#7 signature over them is verified by tl_dbx_update_verify (x509_auth2.c) when the
 * caller has the KEK. */
#include <stdio.h>
#include <string.h>

#include "revocation_internal.h"
#include "trustlaunch/limits.h"
#include "trustlaunch/uefi.h"

#define WIN_CERT_HEADER 24u /* dwLength, wRevision, wCertificateType, CertType */

/* EFI_CERT_TYPE_PKCS7_GUID 4aafd29d-68df-49ee-8aa9-347d375665a7, as stored */
static const struct tl_guid cert_type_pkcs7 = { { 0x9d, 0xd2, 0xaf, 0x4a, 0xdf, 0x68, 0xee, 0x49,
						  0x8a, 0xa9, 0x34, 0x7d, 0x37, 0x56, 0x65,
						  0xa7 } };

/* EFI_TIME of a time-based authenticated write: Pad1, Nanosecond, TimeZone, Daylight and
 * Pad2 are zero (UEFI 2.x 8.2.2). */
static int timestamp(struct tl_rd *rd, char out[static 32])
{
	uint16_t year, tz;
	uint8_t mon, day, hour, min, sec, pad1, dl, pad2;
	uint32_t ns;
	if (tl_rd_le16(rd, &year) || tl_rd_u8(rd, &mon) || tl_rd_u8(rd, &day) ||
	    tl_rd_u8(rd, &hour) || tl_rd_u8(rd, &min) || tl_rd_u8(rd, &sec) ||
	    tl_rd_u8(rd, &pad1) || tl_rd_le32(rd, &ns) || tl_rd_le16(rd, &tz) ||
	    tl_rd_u8(rd, &dl) || tl_rd_u8(rd, &pad2))
		return TL_E_REVOC_UPDATE_MALFORMED;
	if (year < 1900 || year > 9999 || mon < 1 || mon > 12 || day < 1 || day > 31 ||
	    hour > 23 || min > 59 || sec > 59 || pad1 || ns || tz || dl || pad2)
		return TL_E_REVOC_UPDATE_MALFORMED;
	snprintf(out, 32, "%04u-%02u-%02uT%02u:%02u:%02u", year, mon, day, hour, min, sec);
	return TL_OK;
}

int tl_dbx_update_parse(struct tl_bytes file, struct tl_dbx_update *out)
{
	struct tl_dbx_update u;
	struct tl_rd rd, cert;
	struct tl_guid type;
	uint32_t len;
	uint16_t rev, ctype;
	int err;

	memset(out, 0, sizeof(*out));
	memset(&u, 0, sizeof(u));
	if (file.len > TL_MAX_DBX_UPDATE)
		return TL_E_REVOC_UPDATE_MALFORMED;
	tl_rd_from(&rd, file);
	if ((err = timestamp(&rd, u.time)) != TL_OK)
		return err;
	u.timestamp = tl_rd_since(&rd, 0);
	if (tl_rd_le32(&rd, &len) || len < WIN_CERT_HEADER ||
	    tl_rd_sub(&rd, len - 4u, &cert) || tl_rd_le16(&cert, &rev) ||
	    tl_rd_le16(&cert, &ctype) || tl_rd_guid(&cert, &type) || rev != 0x0200 ||
	    ctype != 0x0EF1 || !tl_guid_eq(&type, &cert_type_pkcs7) || tl_rd_left(&cert) == 0)
		return TL_E_REVOC_UPDATE_MALFORMED;
	u.pkcs7 = tl_rd_rest(&cert);
	u.lists = tl_rd_rest(&rd);
	if (tl_esl_count(u.lists, &u.count) != TL_OK || u.count == 0)
		return TL_E_REVOC_UPDATE_LISTS;
	*out = u;
	return TL_OK;
}

struct add_ctx {
	struct tl_revoc_list *l;
};

static int add_entry(const struct tl_esl_entry *e, void *arg)
{
	struct add_ctx *c = arg;
	struct tl_revoc_entry n = { .in_update = true };
	struct tl_revoc_entry *have;
	uint8_t d[TL_MAX_DIGEST];
	int err;

	if (tl_guid_eq(&e->type, &TL_GUID_CERT_SHA256) && e->data.len == TL_SHA256_LEN) {
		struct tl_rd rd;
		tl_rd_from(&rd, e->data);
		if (tl_rd_copy(&rd, n.value, TL_SHA256_LEN) != TL_OK)
			return TL_E_REVOC_UPDATE_LISTS;
		if ((have = tl_revoc_list_find(c->l, n.value)) != NULL) {
			have->in_update = true;
			have->staged = false; /* an SVN the update applies */
			return TL_OK;
		}
		n.kind = TL_REVOC_HASH;
	} else if (tl_guid_eq(&e->type, &TL_GUID_CERT_X509)) {
		if ((err = tl_hash(TL_ALG_SHA1, e->data.ptr, e->data.len, d)) != TL_OK)
			return err;
		for (size_t i = 0; i < c->l->count; i++) {
			if (c->l->e[i].kind == TL_REVOC_CERT &&
			    memcmp(c->l->e[i].thumbprint, d, TL_SHA1_LEN) == 0) {
				c->l->e[i].in_update = true;
				c->l->e[i].staged = false; /* the update applies it */
				return TL_OK;
			}
		}
		n.kind = TL_REVOC_CERT;
		memcpy(n.thumbprint, d, TL_SHA1_LEN);
	} else {
		return TL_OK; /* other signature types: counted in update_entries only */
	}
	return tl_revoc_list_push(c->l, &n, "", "", "", "");
}

int tl_revoc_list_add_update(struct tl_revoc_list *list, const struct tl_dbx_update *up)
{
	struct add_ctx c = { list };
	int err = tl_esl_walk(up->lists, add_entry, &c);
	if (err == TL_E_ESL_MALFORMED)
		return TL_E_REVOC_UPDATE_LISTS;
	if (err != TL_OK)
		return err;
	list->have_update = true;
	list->update_entries = up->count;
	memcpy(list->update_time, up->time, sizeof(list->update_time));
	return TL_OK;
}
