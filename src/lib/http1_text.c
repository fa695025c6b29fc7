/* The text level of HTTP/1.1 shared by the agent and the host's relay
 * (trustlaunch/http1_text.h). */
#include <string.h>

#include "trustlaunch/err.h"
#include "trustlaunch/http1_text.h"

struct tl_bytes tl_http1_slice(struct tl_bytes b, size_t off, size_t n)
{
	struct tl_rd rd;
	struct tl_bytes out = { NULL, 0 };

	if (b.len == 0)
		return out;
	tl_rd_from(&rd, b);
	if (off > tl_rd_left(&rd))
		off = tl_rd_left(&rd);
	if (tl_rd_skip(&rd, off) != TL_OK)
		return out;
	if (n > tl_rd_left(&rd))
		n = tl_rd_left(&rd);
	if (tl_rd_bytes(&rd, n, &out) != TL_OK)
		return (struct tl_bytes){ NULL, 0 };
	return out;
}

int tl_http1_line(struct tl_rd *rd, struct tl_bytes *line)
{
	size_t start = rd->pos;
	uint8_t c = 0, prev = 0;

	*line = (struct tl_bytes){ NULL, 0 };
	while (tl_rd_u8(rd, &c) == TL_OK) {
		if (c == '\n' && prev == '\r') {
			*line = tl_rd_since(rd, start);
			line->len -= 2;
			return TL_OK;
		}
		if (c == '\n' || prev == '\r') /* a bare LF, or a CR not before LF */
			return TL_E_HTTP_MALFORMED;
		prev = c;
	}
	return TL_HTTP1_MORE;
}

bool tl_http1_text_ok(struct tl_bytes b)
{
	for (size_t i = 0; i < b.len; i++) {
		int c = tl_bytes_at(b, i);
		if ((c < 0x20 && c != '\t') || c == 0x7F)
			return false;
	}
	return true;
}

bool tl_http1_tchar(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       (c > 0 && strchr("!#$%&'*+-.^_`|~", c) != NULL);
}

bool tl_http1_name_is(struct tl_bytes name, const char *want)
{
	size_t n = strlen(want);

	if (name.len != n)
		return false;
	for (size_t i = 0; i < n; i++) {
		int c = tl_bytes_at(name, i);
		if (c >= 'A' && c <= 'Z')
			c += 'a' - 'A';
		if (c != want[i])
			return false;
	}
	return true;
}

struct tl_bytes tl_http1_trim(struct tl_bytes v)
{
	size_t lo = 0, hi = v.len;

	while (lo < hi && (tl_bytes_at(v, lo) == ' ' || tl_bytes_at(v, lo) == '\t'))
		lo++;
	while (hi > lo && (tl_bytes_at(v, hi - 1) == ' ' || tl_bytes_at(v, hi - 1) == '\t'))
		hi--;
	return tl_http1_slice(v, lo, hi - lo);
}
