/* The request's framing, checked before routing: what libmicrohttpd 0.9.75 lets through and
 * this service refuses (400 request.framing). */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <microhttpd.h>

#include "frame.h"

struct headers {
	size_t content_length;  /* Content-Length headers */
	size_t transfer_encoding;
	size_t host;
	bool nul;               /* a NUL inside a name or a value */
	bool bad_length;        /* a Content-Length that is not digits */
	size_t bytes;           /* "Name: value\r\n" of each, as a client writes them */
};

static enum MHD_Result count(void *cls, enum MHD_ValueKind kind, const char *key,
			     size_t key_size, const char *value, size_t value_size)
{
	struct headers *h = cls;
	(void)kind;
	if (!key || strlen(key) != key_size || (value && strlen(value) != value_size))
		h->nul = true;
	h->bytes += key_size + 2 + value_size + 2;
	if (key && strcasecmp(key, "Content-Length") == 0) {
		h->content_length++;
		if (!value || !*value || strspn(value, "0123456789") != value_size || value_size > 12)
			h->bad_length = true;
	} else if (key && strcasecmp(key, "Transfer-Encoding") == 0) {
		h->transfer_encoding++;
	} else if (key && strcasecmp(key, "Host") == 0) {
		h->host++;
	}
	return MHD_YES;
}

const char *tl_frame_refusal(struct MHD_Connection *mc, const char *method, const char *version,
			     size_t target_len)
{
	struct headers h;
	const union MHD_ConnectionInfo *info;
	memset(&h, 0, sizeof(h));
	MHD_get_connection_values_n(mc, MHD_HEADER_KIND, count, &h);
	if (h.nul)
		return "a header holds a NUL";
	if (h.content_length > 1)
		return "more than one Content-Length header";
	if (h.bad_length)
		return "Content-Length is not a decimal number";
	if (h.content_length && h.transfer_encoding)
		return "both Content-Length and Transfer-Encoding";
	if (h.host > 1)
		return "more than one Host header";
	if (!h.host && strcmp(version, MHD_HTTP_VERSION_1_1) == 0)
		return "an HTTP/1.1 request without Host";
	/* the request line as received is longer than method, target and version: something
	 * after a NUL in it was cut off (libmicrohttpd reads the target up to the NUL) */
	info = MHD_get_connection_info(mc, MHD_CONNECTION_INFO_REQUEST_HEADER_SIZE);
	if (info && info->header_size > strlen(method) + 1 + target_len + 1 + strlen(version) + 2 +
						h.bytes + 2)
		return "the request line or a header holds a NUL, or stray spaces";
	return NULL;
}
