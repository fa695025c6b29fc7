/* Test helper: synthetic TCG event logs. */
#include <stdlib.h>
#include <string.h>

#include "logbuild.h"
#include "trustlaunch/hash.h"
#include "trustlaunch/tcglog.h"

void lb_free(struct lb *b)
{
	free(b->buf);
	memset(b, 0, sizeof(*b));
}

void lb_put(struct lb *b, const void *p, size_t n)
{
	if (b->len + n > b->cap) {
		size_t cap = b->cap ? b->cap : 256;
		while (cap < b->len + n)
			cap *= 2;
		b->buf = realloc(b->buf, cap);
		if (!b->buf)
			abort();
		b->cap = cap;
	}
	if (n)
		memcpy(b->buf + b->len, p, n);
	b->len += n;
}

void lb_u8(struct lb *b, uint8_t v)
{
	lb_put(b, &v, 1);
}

void lb_le16(struct lb *b, uint16_t v)
{
	uint8_t p[2] = { (uint8_t)v, (uint8_t)(v >> 8) };
	lb_put(b, p, 2);
}

void lb_le32(struct lb *b, uint32_t v)
{
	lb_le16(b, (uint16_t)v);
	lb_le16(b, (uint16_t)(v >> 16));
}

void lb_le64(struct lb *b, uint64_t v)
{
	lb_le32(b, (uint32_t)v);
	lb_le32(b, (uint32_t)(v >> 32));
}

void lb_specid(struct lb *b, const uint16_t *algs, const uint16_t *sizes, uint32_t n)
{
	struct lb d = { 0 };
	static const uint8_t zero[20];
	lb_put(&d, "Spec ID Event03", 16);
	lb_le32(&d, 0);  /* platform class */
	lb_u8(&d, 0);    /* minor */
	lb_u8(&d, 2);    /* major */
	lb_u8(&d, 0);    /* errata */
	lb_u8(&d, 2);    /* uintn size */
	lb_le32(&d, n);
	b->nalgs = 0;
	for (uint32_t i = 0; i < n; i++) {
		lb_le16(&d, algs[i]);
		lb_le16(&d, sizes ? sizes[i] : (uint16_t)tl_alg_size(algs[i]));
		if (b->nalgs < 8)
			b->alg[b->nalgs++] = algs[i];
	}
	lb_u8(&d, 0); /* vendor info size */
	lb_le32(b, 0);
	lb_le32(b, TL_EV_NO_ACTION);
	lb_put(b, zero, sizeof(zero));
	lb_le32(b, (uint32_t)d.len);
	lb_put(b, d.buf, d.len);
	lb_free(&d);
}

void lb_event_digesting(struct lb *b, uint32_t pcr, uint32_t type, const void *data, size_t len,
			const void *hashed, size_t hlen)
{
	lb_le32(b, pcr);
	lb_le32(b, type);
	lb_le32(b, b->nalgs);
	for (uint32_t i = 0; i < b->nalgs; i++) {
		uint8_t h[TL_MAX_DIGEST] = { 0 };
		size_t n = tl_alg_size(b->alg[i]);
		if (type != TL_EV_NO_ACTION && tl_hash(b->alg[i], hashed, hlen, h) != TL_OK)
			abort();
		lb_le16(b, b->alg[i]);
		lb_put(b, h, n);
	}
	lb_le32(b, (uint32_t)len);
	lb_put(b, data, len);
}

void lb_event(struct lb *b, uint32_t pcr, uint32_t type, const void *data, size_t len)
{
	lb_event_digesting(b, pcr, type, data, len, data, len);
}

void lb_var(struct lb *out, const uint8_t guid[16], const char *name, const void *data,
	    size_t len)
{
	size_t n = strlen(name);
	lb_put(out, guid, 16);
	lb_le64(out, n);
	lb_le64(out, len);
	for (size_t i = 0; i < n; i++)
		lb_le16(out, (uint8_t)name[i]);
	lb_put(out, data, len);
}

void lb_sha256_log(struct lb *b)
{
	static const uint16_t algs[] = { TL_ALG_SHA256 };
	lb_specid(b, algs, NULL, 1);
}
