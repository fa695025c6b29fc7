/* EFI_SIGNATURE_LIST stores (UEFI 2.x, 32.4.1): SignatureType, ListSize, HeaderSize,
 * SignatureSize, header, then signatures of SignatureSize bytes (owner GUID + data). */
#include "trustlaunch/limits.h"
#include "trustlaunch/uefi.h"

#define ESL_HEADER 28u /* GUID + three UINT32 */
#define SIG_OWNER 16u

static int walk(struct tl_bytes store, int (*fn)(const struct tl_esl_entry *, void *), void *arg,
		size_t *count)
{
	struct tl_rd rd;
	size_t n = 0;

	tl_rd_from(&rd, store);
	while (tl_rd_left(&rd) > 0) {
		struct tl_esl_entry e;
		struct tl_rd list;
		uint32_t list_size, hdr_size, sig_size;
		if (tl_rd_guid(&rd, &e.type) || tl_rd_le32(&rd, &list_size) ||
		    tl_rd_le32(&rd, &hdr_size) || tl_rd_le32(&rd, &sig_size))
			return TL_E_ESL_MALFORMED;
		if (list_size < ESL_HEADER || sig_size <= SIG_OWNER ||
		    hdr_size > list_size - ESL_HEADER ||
		    (list_size - ESL_HEADER - hdr_size) % sig_size != 0 ||
		    tl_rd_sub(&rd, list_size - ESL_HEADER, &list) || tl_rd_skip(&list, hdr_size))
			return TL_E_ESL_MALFORMED;
		while (tl_rd_left(&list) > 0) {
			int err;
			if (++n > TL_MAX_ESL_ENTRIES)
				return TL_E_ESL_MALFORMED;
			if (tl_rd_guid(&list, &e.owner) ||
			    tl_rd_bytes(&list, sig_size - SIG_OWNER, &e.data))
				return TL_E_ESL_MALFORMED;
			if (fn && (err = fn(&e, arg)) != TL_OK)
				return err;
		}
	}
	*count = n;
	return TL_OK;
}

int tl_esl_count(struct tl_bytes store, size_t *count)
{
	*count = 0;
	return walk(store, NULL, NULL, count);
}

int tl_esl_walk(struct tl_bytes store, int (*fn)(const struct tl_esl_entry *e, void *arg),
		void *arg)
{
	size_t n;
	int err = walk(store, NULL, NULL, &n);
	return err != TL_OK ? err : walk(store, fn, arg, &n);
}

void tl_esl_put(struct tl_buf *b, const struct tl_guid *type, const struct tl_guid *owner,
		struct tl_bytes data)
{
	if (data.len > UINT32_MAX - ESL_HEADER - SIG_OWNER) {
		b->err = b->err ? b->err : TL_E_ARG;
		return;
	}
	tl_buf_put(b, (const char *)type->b, 16);
	tl_buf_le32(b, (uint32_t)(ESL_HEADER + SIG_OWNER + data.len));
	tl_buf_le32(b, 0);
	tl_buf_le32(b, (uint32_t)(SIG_OWNER + data.len));
	tl_buf_put(b, (const char *)owner->b, 16);
	tl_buf_put(b, (const char *)data.ptr, data.len);
}

void tl_esl_put_cert(struct tl_buf *b, const struct tl_guid *owner, struct tl_bytes der)
{
	tl_esl_put(b, &TL_GUID_CERT_X509, owner, der);
}
