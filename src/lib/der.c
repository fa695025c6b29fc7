/* DER TLVs for the X.509 and PKCS#7 readers, through the bounded reader. */
#include "der.h"

int tl_der_tlv(struct tl_rd *rd, uint8_t *tag, struct tl_bytes *content, struct tl_bytes *whole)
{
	struct tl_rd save = *rd;
	uint8_t l0, b;
	size_t len = 0;
	if (tl_rd_u8(rd, tag) || (*tag & 0x1F) == 0x1F || tl_rd_u8(rd, &l0))
		goto bad;
	if (l0 & 0x80) {
		uint8_t n = l0 & 0x7F;
		if (n == 0 || n > 3)
			goto bad;
		for (uint8_t i = 0; i < n; i++) {
			if (tl_rd_u8(rd, &b))
				goto bad;
			len = len << 8 | b;
		}
	} else {
		len = l0;
	}
	if (tl_rd_bytes(rd, len, content))
		goto bad;
	*whole = tl_rd_since(rd, save.pos);
	return TL_OK;
bad:
	*rd = save;
	return TL_E_ARG;
}

