/* Guest text cut into lines and copied out as bounded printable ASCII. */
#include "collect.h"

bool tl_agent_line(struct tl_rd *rd, size_t max, struct tl_bytes *line)
{
	if (!tl_rd_line(rd, line))
		return false;
	if (line->len > max)
		line->len = max;
	return true;
}

bool tl_agent_printable(char *dst, size_t cap, struct tl_bytes src)
{
	size_t o = 0;

	if (cap == 0)
		return src.len > 0;
	for (size_t i = 0; i < src.len; i++) {
		int c = tl_bytes_at(src, i);
		if (c < 0x20 || c == 0x7F)
			continue;
		if (o + 1 == cap) {
			dst[o] = '\0';
			return true;
		}
		dst[o++] = c < 0x7F ? (char)c : '?';
	}
	dst[o] = '\0';
	return false;
}
