/* AMD's extensions of a VCEK or VLEK (OIDs 1.3.6.1.4.1.3704.1.x): the TCB it was issued for,
 * the product name and the chip's hardware ID; bytes read through the bounded reader. */
#include <string.h>

#include "certext.h"
#include "der.h"

#define DER_INTEGER 0x02
#define DER_OCTET_STRING 0x04
#define DER_IA5STRING 0x16
#define SPL_BL 1
#define SPL_TEE 2
#define SPL_SNP 3
#define SPL_UCODE 8
#define SPL_FMC 9

/* A DER INTEGER 0..255 that fills the whole extension value. */
static int spl(struct tl_bytes v, uint8_t *out)
{
	struct tl_rd rd, num;
	struct tl_bytes content, whole;
	uint8_t tag, b0 = 0, b1 = 0;

	tl_rd_from(&rd, v);
	if (tl_der_tlv(&rd, &tag, &content, &whole) != TL_OK || tag != DER_INTEGER ||
	    tl_rd_end(&rd) != TL_OK || content.len == 0 || content.len > 2)
		return TL_E_SNP_CERT_MALFORMED;
	tl_rd_from(&num, content);
	if (tl_rd_u8(&num, &b0) != TL_OK)
		return TL_E_SNP_CERT_MALFORMED;
	if (content.len == 2) {
		/* 0x00 0x80..0xFF: a positive value with its sign byte; anything else is out of range */
		if (b0 != 0 || tl_rd_u8(&num, &b1) != TL_OK || b1 < 0x80)
			return TL_E_SNP_CERT_MALFORMED;
		*out = b1;
		return TL_OK;
	}
	if (b0 & 0x80)
		return TL_E_SNP_CERT_MALFORMED;
	*out = b0;
	return TL_OK;
}

static int product(struct tl_bytes v, char *out, size_t n)
{
	struct tl_rd rd, s;
	struct tl_bytes content, whole;
	uint8_t tag;

	tl_rd_from(&rd, v);
	if (tl_der_tlv(&rd, &tag, &content, &whole) != TL_OK || tag != DER_IA5STRING ||
	    tl_rd_end(&rd) != TL_OK || content.len == 0 || content.len >= n)
		return TL_E_SNP_CERT_MALFORMED;
	tl_rd_from(&s, content);
	if (tl_rd_span_printable(&s) != content.len || tl_rd_copy(&s, out, content.len) != TL_OK)
		return TL_E_SNP_CERT_MALFORMED;
	out[content.len] = '\0';
	return TL_OK;
}

/* AMD encodes hwID as an OCTET STRING; 64 bytes (Milan, Genoa) or 8 (Turin). */
static int hwid(struct tl_bytes v, struct tl_snp_cert_info *info)
{
	struct tl_rd rd, h;
	struct tl_bytes content, whole;
	uint8_t tag;

	tl_rd_from(&rd, v);
	if (tl_der_tlv(&rd, &tag, &content, &whole) != TL_OK || tag != DER_OCTET_STRING ||
	    tl_rd_end(&rd) != TL_OK)
		content = v; /* the raw bytes, as some issuers write it */
	if (content.len != 64 && content.len != 8)
		return TL_E_SNP_CERT_MALFORMED;
	tl_rd_from(&h, content);
	if (tl_rd_copy(&h, info->hwid, content.len) != TL_OK)
		return TL_E_SNP_CERT_MALFORMED;
	info->hwid_len = content.len;
	return TL_OK;
}

int tl_snp_certext_decode(const struct tl_snp_certext *ext, struct tl_snp_cert_info *info)
{
	struct tl_snp_tcb *t = &info->tcb;
	int err;

	if (!ext->product.ptr ||
	    (err = product(ext->product, info->product, sizeof(info->product))) != TL_OK)
		return TL_E_SNP_CERT_MALFORMED;
	if (!ext->spl[SPL_BL].ptr || !ext->spl[SPL_TEE].ptr || !ext->spl[SPL_SNP].ptr ||
	    !ext->spl[SPL_UCODE].ptr || spl(ext->spl[SPL_BL], &t->boot_loader) != TL_OK ||
	    spl(ext->spl[SPL_TEE], &t->tee) != TL_OK || spl(ext->spl[SPL_SNP], &t->snp) != TL_OK ||
	    spl(ext->spl[SPL_UCODE], &t->microcode) != TL_OK)
		return TL_E_SNP_CERT_MALFORMED;
	if (ext->spl[SPL_FMC].ptr) {
		if (spl(ext->spl[SPL_FMC], &t->fmc) != TL_OK)
			return TL_E_SNP_CERT_MALFORMED;
		info->has_fmc = true;
	}
	if (info->gen == TL_SNP_GEN_TURIN)
		t->raw = (uint64_t)t->fmc | (uint64_t)t->boot_loader << 8 | (uint64_t)t->tee << 16 |
			 (uint64_t)t->snp << 24 | (uint64_t)t->microcode << 56;
	else
		t->raw = (uint64_t)t->boot_loader | (uint64_t)t->tee << 8 | (uint64_t)t->snp << 48 |
			 (uint64_t)t->microcode << 56;
	if (info->kind == TL_SNP_KEY_VCEK)
		return ext->hwid.ptr ? hwid(ext->hwid, info) : TL_E_SNP_CERT_MALFORMED;
	return TL_OK;
}
