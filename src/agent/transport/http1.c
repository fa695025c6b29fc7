/* HTTP/1.1 answers read from untrusted bytes (RFC 9112), and request heads that cannot carry
 * an injected header. The answer comes from a relay we do not control (the host side of a
 * virtio-serial port), so the parser is strict and bounded: CRLF only, no obs-fold, no
 * control bytes, one Content-Length and no Transfer-Encoding. It keeps no state: each call
 * looks at all the bytes received so far. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "http1.h"
#include "trustlaunch/http1_text.h"

#define MORE TL_HTTP1_MORE
#define STATUS_LINE_MIN 12u /* "HTTP/1.1 200" */

/* What the header lines said. */
struct head {
	int status;
	bool has_length;
	size_t length;
};

/* "HTTP/1.1 " or "HTTP/1.0 ", three digits, then SP and a reason phrase, or nothing. */
static int status_line(struct tl_bytes line, int *status)
{
	int code = 0;

	if (!tl_bytes_has_prefix(line, "HTTP/1.1 ") && !tl_bytes_has_prefix(line, "HTTP/1.0 "))
		return TL_E_HTTP_MALFORMED;
	for (size_t i = STATUS_LINE_MIN - 3; i < STATUS_LINE_MIN; i++) {
		int c = tl_bytes_at(line, i);
		if (c < '0' || c > '9')
			return TL_E_HTTP_MALFORMED;
		code = code * 10 + (c - '0');
	}
	if (line.len > STATUS_LINE_MIN && tl_bytes_at(line, STATUS_LINE_MIN) != ' ')
		return TL_E_HTTP_MALFORMED;
	if (!tl_http1_text_ok(line) || code < 100 || code > 599)
		return TL_E_HTTP_MALFORMED;
	if (code < 200) /* we never send Expect: an interim answer is not for us */
		return TL_E_HTTP_UNSUPPORTED;
	*status = code;
	return TL_OK;
}

/* 1*DIGIT, once. A list ("42, 42") or a repeated header is refused, even when the values
 * agree: two lengths are how a request smuggler splits one answer into two. */
static int content_length(struct tl_bytes v, struct head *h)
{
	size_t n = 0;
	bool big = false;

	if (h->has_length || v.len == 0)
		return TL_E_HTTP_MALFORMED;
	for (size_t i = 0; i < v.len; i++) {
		int c = tl_bytes_at(v, i);
		if (c < '0' || c > '9')
			return TL_E_HTTP_MALFORMED;
		if (!big)
			n = n * 10 + (size_t)(c - '0');
		big = big || n > TL_HTTP1_MAX_BODY;
	}
	if (big)
		return TL_E_HTTP_TOO_LARGE;
	h->has_length = true;
	h->length = n;
	return TL_OK;
}

/* field-name ":" OWS field-value OWS */
static int header_line(struct tl_bytes line, struct head *h)
{
	size_t colon = 0;
	struct tl_bytes name;
	int c = tl_bytes_at(line, 0);

	if (!tl_http1_text_ok(line))
		return TL_E_HTTP_MALFORMED;
	if (c == ' ' || c == '\t') /* obs-fold: a continuation of the line before */
		return TL_E_HTTP_MALFORMED;
	while (tl_http1_tchar(c = tl_bytes_at(line, colon)))
		colon++;
	if (colon == 0 || c != ':') /* also refuses whitespace before the colon */
		return TL_E_HTTP_MALFORMED;
	name = tl_http1_slice(line, 0, colon);
	if (tl_http1_name_is(name, "transfer-encoding"))
		return TL_E_HTTP_UNSUPPORTED;
	if (tl_http1_name_is(name, "content-length"))
		return content_length(tl_http1_trim(tl_http1_slice(line, colon + 1, SIZE_MAX)), h);
	return TL_OK;
}

/* RFC 9112 6.3: 204 and 304 end with the head; everything else here needs Content-Length. */
static int frame(const struct head *h, size_t head_len, size_t have,
		 struct tl_http1_response *out, bool *complete)
{
	size_t body = 0;

	if (h->status != 204 && h->status != 304) {
		if (!h->has_length)
			return TL_E_HTTP_UNSUPPORTED;
		body = h->length;
	}
	out->status = h->status;
	out->head_len = head_len;
	out->body_len = body;
	*complete = have - head_len >= body;
	return TL_OK;
}

int tl_http1_parse(struct tl_bytes in, struct tl_http1_response *out, bool *complete)
{
	struct tl_rd rd;
	struct tl_bytes line;
	struct head h = { 0, false, 0 };
	int err;

	if (!out || !complete || (in.len > 0 && !in.ptr))
		return TL_E_ARG;
	*out = (struct tl_http1_response){ 0, 0, 0 };
	*complete = false;
	if (in.len == 0)
		return TL_OK;
	tl_rd_from(&rd, tl_http1_slice(in, 0, TL_HTTP1_MAX_HEAD));
	while ((err = tl_http1_line(&rd, &line)) == TL_OK) {
		if (h.status == 0)
			err = status_line(line, &h.status);
		else if (line.len == 0)
			break;
		else
			err = header_line(line, &h);
		if (err != TL_OK)
			return err;
	}
	if (err == MORE) /* the window is all of the head we would ever take */
		return in.len >= TL_HTTP1_MAX_HEAD ? TL_E_HTTP_TOO_LARGE : TL_OK;
	if (err != TL_OK)
		return err;
	return frame(&h, rd.pos, in.len, out, complete);
}

/* 1..max bytes of visible ASCII: no space, CR, LF, control or non-ASCII byte. */
static bool visible(const char *s, size_t max)
{
	size_t n;

	if (!s)
		return false;
	for (n = 0; s[n] != '\0'; n++)
		if ((unsigned char)s[n] < 0x21 || (unsigned char)s[n] > 0x7E || n >= max)
			return false;
	return n > 0;
}

static bool method_ok(const char *m)
{
	size_t n;

	if (!m)
		return false;
	for (n = 0; m[n] != '\0'; n++)
		if (m[n] < 'A' || m[n] > 'Z' || n >= TL_HTTP1_MAX_METHOD)
			return false;
	/* the answer to HEAD has a Content-Length but no body; CONNECT's has neither */
	return n > 0 && strcmp(m, "HEAD") != 0 && strcmp(m, "CONNECT") != 0;
}

int tl_http1_request(char *out, size_t cap, size_t *len, const char *method, const char *path,
		     const char *host, const char *bearer, size_t body_len)
{
	int n;

	if (!out || !len || !method_ok(method) || !path || path[0] != '/' ||
	    !visible(path, cap) || !visible(host, cap) || (bearer && !visible(bearer, cap)))
		return TL_E_ARG;
	n = snprintf(out, cap,
		     "%s %s HTTP/1.1\r\n"
		     "Host: %s\r\n"
		     "User-Agent: tl-agent\r\n"
		     "Accept: application/json\r\n"
		     "Content-Type: application/json\r\n"
		     "Content-Length: %zu\r\n"
		     "%s%s%s"
		     "\r\n",
		     method, path, host, body_len, bearer ? "Authorization: Bearer " : "",
		     bearer ? bearer : "", bearer ? "\r\n" : "");
	if (n < 0 || (size_t)n >= cap)
		return TL_E_ARG;
	*len = (size_t)n;
	return TL_OK;
}
