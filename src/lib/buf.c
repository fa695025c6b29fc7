/* Growable text with a named limit (in the manner of curl's dynbuf). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trustlaunch/buf.h"

void tl_buf_init(struct tl_buf *b, size_t max)
{
	memset(b, 0, sizeof(*b));
	b->max = max;
}

void tl_buf_free(struct tl_buf *b)
{
	free(b->s);
	tl_buf_init(b, b->max);
}

static bool reserve(struct tl_buf *b, size_t n)
{
	size_t need, cap;
	char *s;
	if (b->err)
		return false;
	if (n > b->max || b->len > b->max - n) {
		b->err = TL_E_ARG;
		return false;
	}
	need = b->len + n + 1;
	if (need <= b->cap)
		return true;
	cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap *= 2;
	s = realloc(b->s, cap);
	if (!s) {
		b->err = TL_E_NOMEM;
		return false;
	}
	b->s = s;
	b->cap = cap;
	return true;
}

void tl_buf_put(struct tl_buf *b, const char *s, size_t n)
{
	if (!reserve(b, n))
		return;
	if (n)
		memcpy(&b->s[b->len], s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

void tl_buf_putc(struct tl_buf *b, char c)
{
	tl_buf_put(b, &c, 1);
}

void tl_buf_puts(struct tl_buf *b, const char *s)
{
	tl_buf_put(b, s, strlen(s));
}

void tl_buf_printf(struct tl_buf *b, const char *fmt, ...)
{
	char small[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0) {
		b->err = b->err ? b->err : TL_E_ARG;
		return;
	}
	if ((size_t)n < sizeof(small)) {
		tl_buf_put(b, small, (size_t)n);
		return;
	}
	if (!reserve(b, (size_t)n))
		return;
	va_start(ap, fmt);
	vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

const char *tl_buf_str(const struct tl_buf *b)
{
	return b->s && !b->err ? b->s : "";
}

char *tl_buf_take(struct tl_buf *b)
{
	char *s = NULL;
	if (!b->err)
		s = b->s ? b->s : strdup("");
	else
		free(b->s);
	b->s = NULL;
	b->len = b->cap = 0;
	b->err = 0;
	return s;
}

void tl_buf_le16(struct tl_buf *b, uint16_t v)
{
	char c[2] = { (char)v, (char)(v >> 8) };
	tl_buf_put(b, c, 2);
}

void tl_buf_le32(struct tl_buf *b, uint32_t v)
{
	tl_buf_le16(b, (uint16_t)v);
	tl_buf_le16(b, (uint16_t)(v >> 16));
}

void tl_buf_le64(struct tl_buf *b, uint64_t v)
{
	tl_buf_le32(b, (uint32_t)v);
	tl_buf_le32(b, (uint32_t)(v >> 32));
}
