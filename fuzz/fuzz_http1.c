/* libFuzzer target: the agent's HTTP/1.1 answer parser and request writer (http1.c).
 * A complete answer must lie inside the input and the limits, the input cut at its end must
 * give the same answer and one byte less an incomplete one. The request writer, given fields
 * cut from the input at NUL bytes, must either refuse them or write a head whose only CR and
 * LF bytes are the ends of its lines: no header can be injected. */
#include <stdlib.h>
#include <string.h>

#include "http1.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_answer(const uint8_t *data, size_t size)
{
	struct tl_bytes in = { data, size };
	struct tl_http1_response r, again;
	bool complete, c2;
	size_t end;

	if (tl_http1_parse(in, &r, &complete) != TL_OK) {
		if (complete || r.head_len != 0)
			__builtin_trap();
		return;
	}
	if (r.head_len == 0) {
		if (complete || size >= TL_HTTP1_MAX_HEAD)
			__builtin_trap();
		return;
	}
	if (r.head_len > TL_HTTP1_MAX_HEAD || r.body_len > TL_HTTP1_MAX_BODY ||
	    r.head_len > size || r.status < 200 || r.status > 599)
		__builtin_trap();
	end = r.head_len + r.body_len;
	if (complete != (end <= size))
		__builtin_trap();
	if (!complete)
		return;
	in.len = end;
	if (tl_http1_parse(in, &again, &c2) != TL_OK || !c2 || again.status != r.status ||
	    again.head_len != r.head_len || again.body_len != r.body_len)
		__builtin_trap();
	in.len = end - 1;
	if (tl_http1_parse(in, &again, &c2) != TL_OK || c2)
		__builtin_trap();
}

/* Lines end in CRLF, and there are exactly as many as the writer writes. */
static void check_head(const char *out, size_t len, bool bearer)
{
	size_t lines = 0;

	if (strlen(out) != len)
		__builtin_trap();
	for (size_t i = 0; i < len; i++) {
		if (out[i] == '\n' && (i == 0 || out[i - 1] != '\r'))
			__builtin_trap();
		if (out[i] == '\r' && (i + 1 == len || out[i + 1] != '\n'))
			__builtin_trap();
		lines += out[i] == '\n';
	}
	if (lines != (bearer ? 8u : 7u) || len < 4 || memcmp(&out[len - 4], "\r\n\r\n", 4) != 0)
		__builtin_trap();
}

static void check_request(const uint8_t *data, size_t size)
{
	char text[1024], out[2048];
	const char *field[4] = { "GET", "/", "h", NULL };
	size_t n = size < sizeof(text) - 1 ? size : sizeof(text) - 1, k = 0, len;

	if (n > 0)
		memcpy(text, data, n);
	text[n] = '\0';
	field[k++] = text;
	for (size_t i = 0; i < n && k < 4; i++)
		if (text[i] == '\0')
			field[k++] = &text[i + 1];
	if (tl_http1_request(out, sizeof(out), &len, field[0], field[1], field[2], field[3],
			     size) == TL_OK)
		check_head(out, len, field[3] != NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	check_answer(data, size);
	check_request(data, size);
	return 0;
}
