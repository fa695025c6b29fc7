/* Guest text cut into lines and copied out as bounded printable ASCII. */
#include "collect.h"

bool tl_agent_line(struct tl_rd *rd, size_t max, struct tl_bytes *line)
{
	size_t start = rd->pos;
	uint8_t c = 0;

	*line = (struct tl_bytes){ NULL, 0 };
	if (tl_rd_left(rd) == 0)
		return false;
	while (tl_rd_u8(rd, &c) == TL_OK && c != '\n')
		;
	*line = tl_rd_since(rd, start);
	if (c == '\n') /* a failed read at the end zeroed c */
		line->len--;
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
