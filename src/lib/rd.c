/* The bounded reader. Every bound is checked as `n > left`, never as `p + n > end`. */
#include <string.h>

#include "trustlaunch/rd.h"

void tl_rd_init(struct tl_rd *rd, const uint8_t *buf, size_t len)
{
	rd->buf = buf;
	rd->len = buf ? len : 0;
	rd->pos = 0;
}

void tl_rd_from(struct tl_rd *rd, struct tl_bytes b)
{
	tl_rd_init(rd, b.ptr, b.len);
}

size_t tl_rd_left(const struct tl_rd *rd)
{
	return rd->len - rd->pos;
}

static int take(struct tl_rd *rd, size_t n, const uint8_t **p)
{
	if (n > tl_rd_left(rd)) {
		*p = NULL;
		return TL_E_TRUNCATED;
	}
	*p = rd->buf + rd->pos;
	rd->pos += n;
	return TL_OK;
}

static uint64_t get_be(const uint8_t *p, size_t n)
{
	uint64_t v = 0;
	for (size_t i = 0; i < n; i++)
		v = (v << 8) | p[i];
	return v;
}

static uint64_t get_le(const uint8_t *p, size_t n)
{
	uint64_t v = 0;
	for (size_t i = n; i > 0; i--)
		v = (v << 8) | p[i - 1];
	return v;
}

#define TL_RD_INT(name, type, n, get)                                  \
	int name(struct tl_rd *rd, type *out)                          \
	{                                                              \
		const uint8_t *p;                                      \
		*out = 0;                                              \
		if (take(rd, n, &p) != TL_OK)                          \
			return TL_E_TRUNCATED;                         \
		*out = (type)get(p, n);                                \
		return TL_OK;                                          \
	}

TL_RD_INT(tl_rd_be16, uint16_t, 2, get_be)
TL_RD_INT(tl_rd_be32, uint32_t, 4, get_be)
TL_RD_INT(tl_rd_be64, uint64_t, 8, get_be)
TL_RD_INT(tl_rd_le16, uint16_t, 2, get_le)
TL_RD_INT(tl_rd_le32, uint32_t, 4, get_le)
TL_RD_INT(tl_rd_le64, uint64_t, 8, get_le)

int tl_rd_u8(struct tl_rd *rd, uint8_t *out)
{
	const uint8_t *p;
	*out = 0;
	if (take(rd, 1, &p) != TL_OK)
		return TL_E_TRUNCATED;
	*out = *p;
	return TL_OK;
}

int tl_rd_bytes(struct tl_rd *rd, size_t n, struct tl_bytes *out)
{
	const uint8_t *p;
	out->ptr = NULL;
	out->len = 0;
	if (take(rd, n, &p) != TL_OK)
		return TL_E_TRUNCATED;
	out->ptr = p;
	out->len = n;
	return TL_OK;
}

int tl_rd_copy(struct tl_rd *rd, void *out, size_t n)
{
	const uint8_t *p;
	if (take(rd, n, &p) != TL_OK) {
		memset(out, 0, n);
		return TL_E_TRUNCATED;
	}
	if (n)
		memcpy(out, p, n);
	return TL_OK;
}

int tl_rd_skip(struct tl_rd *rd, size_t n)
{
	const uint8_t *p;
	return take(rd, n, &p);
}

int tl_rd_tpm2b(struct tl_rd *rd, size_t max, struct tl_bytes *out)
{
	size_t start = rd->pos;
	uint16_t n;
	out->ptr = NULL;
	out->len = 0;
	if (tl_rd_be16(rd, &n) != TL_OK)
		return TL_E_TRUNCATED;
	if (n > max) {
		rd->pos = start;
		return TL_E_ARG;
	}
	if (tl_rd_bytes(rd, n, out) != TL_OK) {
		rd->pos = start;
		return TL_E_TRUNCATED;
	}
	return TL_OK;
}

int tl_rd_sub(struct tl_rd *rd, size_t n, struct tl_rd *child)
{
	struct tl_bytes b;
	if (tl_rd_bytes(rd, n, &b) != TL_OK) {
		tl_rd_init(child, NULL, 0);
		return TL_E_TRUNCATED;
	}
	tl_rd_from(child, b);
	return TL_OK;
}

struct tl_bytes tl_rd_rest(struct tl_rd *rd)
{
	struct tl_bytes b = { NULL, 0 };
	if (tl_rd_bytes(rd, tl_rd_left(rd), &b) != TL_OK)
		b.len = 0;
	return b;
}

int tl_rd_end(const struct tl_rd *rd)
{
	return tl_rd_left(rd) == 0 ? TL_OK : TL_E_TRAILING;
}

struct tl_bytes tl_rd_since(const struct tl_rd *rd, size_t start)
{
	struct tl_bytes b = { NULL, 0 };
	if (start <= rd->pos) {
		b.ptr = rd->buf + start;
		b.len = rd->pos - start;
	}
	return b;
}

size_t tl_rd_span_printable(const struct tl_rd *rd)
{
	size_t n = 0;
	while (n < tl_rd_left(rd) && rd->buf[rd->pos + n] >= 0x20 && rd->buf[rd->pos + n] < 0x7F)
		n++;
	return n;
}

bool tl_bytes_eq(struct tl_bytes a, const void *b, size_t n)
{
	return a.len == n && (n == 0 || memcmp(a.ptr, b, n) == 0);
}

bool tl_bytes_all(struct tl_bytes a, uint8_t v)
{
	for (size_t i = 0; i < a.len; i++)
		if (a.ptr[i] != v)
			return false;
	return true;
}

bool tl_bytes_has_prefix(struct tl_bytes a, const char *prefix)
{
	size_t n = strlen(prefix);
	return a.len >= n && memcmp(a.ptr, prefix, n) == 0;
}

struct tl_bytes tl_bytes_rstrip_nul(struct tl_bytes a)
{
	while (a.len > 0 && a.ptr[a.len - 1] == 0)
		a.len--;
	return a;
}

int tl_bytes_at(struct tl_bytes a, size_t i)
{
	return i < a.len ? a.ptr[i] : -1;
}
