/* Turning untrusted bytes into text: UTF-16LE decoding and escaping. */
#include <stdio.h>

#include "trustlaunch/text.h"

static void put_utf8(struct tl_buf *out, uint32_t cp)
{
	char s[4];
	if (cp < 0x80) {
		tl_buf_putc(out, (char)cp);
	} else if (cp < 0x800) {
		s[0] = (char)(0xC0 | cp >> 6);
		s[1] = (char)(0x80 | (cp & 0x3F));
		tl_buf_put(out, s, 2);
	} else if (cp < 0x10000) {
		s[0] = (char)(0xE0 | cp >> 12);
		s[1] = (char)(0x80 | (cp >> 6 & 0x3F));
		s[2] = (char)(0x80 | (cp & 0x3F));
		tl_buf_put(out, s, 3);
	} else {
		s[0] = (char)(0xF0 | cp >> 18);
		s[1] = (char)(0x80 | (cp >> 12 & 0x3F));
		s[2] = (char)(0x80 | (cp >> 6 & 0x3F));
		s[3] = (char)(0x80 | (cp & 0x3F));
		tl_buf_put(out, s, 4);
	}
}

static void put_escaped(struct tl_buf *out, uint32_t cp)
{
	if (cp < 0x20 || cp == 0x7F)
		tl_buf_printf(out, "\\x%02x", cp);
	else
		put_utf8(out, cp);
}

void tl_text_utf16(struct tl_buf *out, struct tl_bytes in)
{
	struct tl_rd rd;
	uint16_t u;
	tl_rd_from(&rd, in);
	for (;;) {
		if (tl_rd_left(&rd) == 1) {
			put_utf8(out, 0xFFFD); /* an odd byte at the end */
			break;
		}
		if (tl_rd_le16(&rd, &u) != TL_OK || u == 0)
			break;
		uint32_t cp = u;
		if (u >= 0xD800 && u <= 0xDBFF) {
			struct tl_rd save = rd;
			uint16_t lo;
			if (tl_rd_le16(&rd, &lo) == TL_OK && lo >= 0xDC00 && lo <= 0xDFFF) {
				cp = 0x10000 + ((uint32_t)(u - 0xD800) << 10) + (lo - 0xDC00);
			} else {
				rd = save;
				cp = 0xFFFD;
			}
		} else if (u >= 0xDC00 && u <= 0xDFFF) {
			cp = 0xFFFD;
		}
		put_escaped(out, cp);
	}
}

/* Length of a valid UTF-8 sequence starting the reader (0 when invalid), and its code point. */
static size_t utf8_seq(const struct tl_rd *rd, uint32_t *cp)
{
	struct tl_rd r = *rd;
	uint8_t c, n, cont;
	uint32_t v, min;
	if (tl_rd_u8(&r, &c) != TL_OK)
		return 0;
	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if ((c & 0xE0) == 0xC0)
		n = 1, v = c & 0x1F, min = 0x80;
	else if ((c & 0xF0) == 0xE0)
		n = 2, v = c & 0x0F, min = 0x800;
	else if ((c & 0xF8) == 0xF0)
		n = 3, v = c & 0x07, min = 0x10000;
	else
		return 0;
	for (uint8_t i = 0; i < n; i++) {
		if (tl_rd_u8(&r, &cont) != TL_OK || (cont & 0xC0) != 0x80)
			return 0;
		v = v << 6 | (cont & 0x3F);
	}
	if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
		return 0;
	*cp = v;
	return n + 1u;
}

/* Code points a terminal does not show as themselves (beyond C0 and DEL): the C1 controls and
 * the invisible format characters of Unicode (categories Cf, Zl, Zp) among which the
 * bidirectional embeddings, overrides, isolates and marks reorder or hide what follows. */
static bool hidden(uint32_t cp)
{
	static const struct {
		uint32_t lo, hi;
	} ranges[] = {
		{ 0x80, 0x9F },       { 0xAD, 0xAD },       { 0x34F, 0x34F },     { 0x600, 0x605 },
		{ 0x61C, 0x61C },     { 0x6DD, 0x6DD },     { 0x70F, 0x70F },     { 0x890, 0x891 },
		{ 0x8E2, 0x8E2 },     { 0x180E, 0x180E },   { 0x200B, 0x200F },   { 0x2028, 0x202E },
		{ 0x2060, 0x206F },   { 0xFEFF, 0xFEFF },   { 0xFFF9, 0xFFFB },   { 0x110BD, 0x110BD },
		{ 0x110CD, 0x110CD }, { 0x13430, 0x1343F }, { 0x1BCA0, 0x1BCA3 }, { 0x1D173, 0x1D17A },
		{ 0xE0000, 0xE007F },
	};
	for (size_t i = 0; i < sizeof(ranges) / sizeof(ranges[0]); i++)
		if (cp >= ranges[i].lo && cp <= ranges[i].hi)
			return true;
	return false;
}

static void escape(struct tl_buf *out, struct tl_bytes in, bool terminal)
{
	struct tl_rd rd;
	tl_rd_from(&rd, in);
	while (tl_rd_left(&rd) > 0) {
		uint32_t cp;
		struct tl_bytes run;
		size_t n = tl_rd_span_printable(&rd);
		if (n > 0 && tl_rd_bytes(&rd, n, &run) == TL_OK) {
			tl_buf_put(out, (const char *)run.ptr, run.len); /* the common case, at once */
			continue;
		}
		n = utf8_seq(&rd, &cp);
		if (n == 0) {
			uint8_t c;
			if (tl_rd_u8(&rd, &c) != TL_OK)
				break;
			tl_buf_printf(out, "\\x%02x", c);
			continue;
		}
		if (tl_rd_skip(&rd, n) != TL_OK)
			break;
		if (terminal && hidden(cp))
			tl_buf_printf(out, cp > 0xFFFF ? "\\U%08x" : "\\u%04x", (unsigned)cp);
		else
			put_escaped(out, cp);
	}
}

void tl_text_bytes(struct tl_buf *out, struct tl_bytes in)
{
	escape(out, tl_bytes_rstrip_nul(in), false);
}

void tl_text_terminal(struct tl_buf *out, struct tl_bytes in)
{
	escape(out, in, true);
}

bool tl_text_is_ascii(struct tl_bytes in)
{
	struct tl_rd rd;
	uint8_t c;
	in = tl_bytes_rstrip_nul(in);
	if (in.len == 0)
		return false;
	tl_rd_from(&rd, in);
	while (tl_rd_u8(&rd, &c) == TL_OK)
		if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c > 0x7E)
			return false;
	return true;
}

bool tl_text_is_utf16(struct tl_bytes in)
{
	struct tl_rd rd;
	uint16_t u;
	size_t chars = 0;
	if (in.len < 2 || in.len % 2)
		return false;
	tl_rd_from(&rd, in);
	while (tl_rd_le16(&rd, &u) == TL_OK) {
		if (u == 0)
			return chars > 0 && tl_bytes_all(tl_rd_rest(&rd), 0);
		if (u < 0x20 || (u >= 0x7F && u < 0xA0) || (u >= 0xD800 && u <= 0xDFFF))
			return false;
		chars++;
	}
	return false; /* a UCS-2 string ends in a NUL character; binary data rarely does */
}
