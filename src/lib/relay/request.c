/* A guest's request on the agent channel (trustlaunch/relay.h): parsed strictly and
 * statelessly (each call looks at all the bytes received so far), through the bounded
 * reader only. RFC 9112 framing as the agent writes it (src/agent/transport/http1.c): CRLF
 * line ends, no obs-fold, no control bytes, one Content-Length, no Transfer-Encoding. */
#include <stdio.h>
#include <string.h>

#include "trustlaunch/http1_text.h"
#include "trustlaunch/relay.h"
#include "trustlaunch/wire.h"

#define MORE TL_HTTP1_MORE
#define TARGET_MAX 128u     /* "/v1/vms/" + id + "/enroll/" + id + "/activate" is 103 */
#define PREFIX "/v1/vms/"

struct head {
	bool has_length, has_auth;
	size_t length;
};

/* The index of the first c in b, or b.len */
static size_t find(struct tl_bytes b, int c)
{
	size_t i = 0;
	while (i < b.len && tl_bytes_at(b, i) != c)
		i++;
	return i;
}

/* Copies b into a NUL-terminated string when it is 1..cap-1 bytes of visible ASCII. */
static bool visible_copy(struct tl_bytes b, char *out, size_t cap, bool spaces)
{
	struct tl_rd rd;
	if (b.len == 0 || b.len >= cap)
		return false;
	for (size_t i = 0; i < b.len; i++) {
		int c = tl_bytes_at(b, i);
		if (c > 0x7E || c < 0x20 || (c == ' ' && !spaces))
			return false;
	}
	tl_rd_from(&rd, b);
	if (tl_rd_copy(&rd, out, b.len) != TL_OK)
		return false;
	out[b.len] = '\0';
	return true;
}

bool tl_relay_uuid(const char *s)
{
	for (size_t i = 0; i < 36; i++) {
		char c = s[i];
		bool dash = i == 8 || i == 13 || i == 18 || i == 23;
		if (dash ? c != '-' : !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
			return false;
	}
	return s[36] == '\0';
}

/* "/v1/vms/<id><suffix>": which endpoint, for which VM. */
static int target(const char *t, const char *vm_id, struct tl_relay_req *out)
{
	char id[TL_RELAY_ID_LEN];
	const char *rest;
	if (strncmp(t, PREFIX, strlen(PREFIX)) != 0 || strlen(t) < strlen(PREFIX) + 36)
		return TL_E_RELAY_ENDPOINT;
	memcpy(id, t + strlen(PREFIX), 36);
	id[36] = '\0';
	rest = t + strlen(PREFIX) + 36;
	if (!tl_relay_uuid(id))
		return TL_E_RELAY_ENDPOINT;
	if (strcmp(rest, "/challenge") == 0)
		out->ep = TL_RELAY_CHALLENGE;
	else if (strcmp(rest, "/attest") == 0)
		out->ep = TL_RELAY_ATTEST;
	else if (strcmp(rest, "/enroll") == 0)
		out->ep = TL_RELAY_ENROLL;
	else if (strncmp(rest, "/enroll/", 8) == 0 && strlen(rest) == 8 + 36 + 9 &&
		 strcmp(rest + 8 + 36, "/activate") == 0) {
		memcpy(out->eid, rest + 8, 36);
		out->eid[36] = '\0';
		if (!tl_relay_uuid(out->eid))
			return TL_E_RELAY_ENDPOINT;
		out->ep = TL_RELAY_ACTIVATE;
	} else
		return TL_E_RELAY_ENDPOINT;
	return strcmp(id, vm_id) == 0 ? TL_OK : TL_E_RELAY_OTHER_VM;
}

/* "POST SP target SP HTTP/1.1" */
static int request_line(struct tl_bytes line, const char *vm_id, struct tl_relay_req *out)
{
	size_t sp1 = find(line, ' '), sp2;
	struct tl_bytes method = tl_http1_slice(line, 0, sp1), rest, tgt, version;
	char t[TARGET_MAX];
	if (sp1 == line.len || sp1 == 0)
		return TL_E_HTTP_MALFORMED;
	for (size_t i = 0; i < method.len; i++)
		if (tl_bytes_at(method, i) < 'A' || tl_bytes_at(method, i) > 'Z')
			return TL_E_HTTP_MALFORMED;
	rest = tl_http1_slice(line, sp1 + 1, SIZE_MAX);
	sp2 = find(rest, ' ');
	tgt = tl_http1_slice(rest, 0, sp2);
	version = tl_http1_slice(rest, sp2 + 1, SIZE_MAX);
	if (sp2 == rest.len || tgt.len == 0)
		return TL_E_HTTP_MALFORMED;
	if (!(version.len == 8 && tl_bytes_has_prefix(version, "HTTP/1.")))
		return TL_E_HTTP_MALFORMED;
	if (!tl_bytes_has_prefix(version, "HTTP/1.1"))
		return TL_E_HTTP_UNSUPPORTED;
	if (!(method.len == 4 && tl_bytes_has_prefix(method, "POST")))
		return TL_E_RELAY_METHOD;
	if (!visible_copy(tgt, t, sizeof(t), false))
		return tgt.len >= sizeof(t) ? TL_E_RELAY_ENDPOINT : TL_E_HTTP_MALFORMED;
	return target(t, vm_id, out);
}

/* 1*DIGIT, once: two lengths are how a smuggler splits one request into two */
static int content_length(struct tl_bytes v, struct head *h, size_t max)
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
		big = big || n > max;
	}
	if (big)
		return TL_E_HTTP_TOO_LARGE;
	h->has_length = true;
	h->length = n;
	return TL_OK;
}

static int header_line(struct tl_bytes line, struct head *h, struct tl_relay_req *out)
{
	size_t colon = 0;
	int c = tl_bytes_at(line, 0);
	struct tl_bytes name, value;
	if (!tl_http1_text_ok(line) || c == ' ' || c == '\t') /* control bytes; obs-fold */
		return TL_E_HTTP_MALFORMED;
	while (tl_http1_tchar(c = tl_bytes_at(line, colon)))
		colon++;
	if (colon == 0 || c != ':')
		return TL_E_HTTP_MALFORMED;
	name = tl_http1_slice(line, 0, colon);
	value = tl_http1_trim(tl_http1_slice(line, colon + 1, SIZE_MAX));
	if (tl_http1_name_is(name, "transfer-encoding"))
		return TL_E_HTTP_UNSUPPORTED;
	if (tl_http1_name_is(name, "content-length"))
		return content_length(value, h, out->ep == TL_RELAY_ATTEST ? TL_WIRE_MAX_BODY
									    : TL_RELAY_MAX_SMALL_BODY);
	if (tl_http1_name_is(name, "expect") || tl_http1_name_is(name, "upgrade"))
		return TL_E_RELAY_HEADER;
	if (tl_http1_name_is(name, "authorization")) {
		if (h->has_auth || !visible_copy(value, out->auth, sizeof(out->auth), true))
			return TL_E_RELAY_HEADER;
		h->has_auth = true;
	}
	return TL_OK; /* other headers are read and dropped: the relay writes its own */
}

int tl_relay_parse(struct tl_bytes in, const char *vm_id, struct tl_relay_req *out,
		   bool *complete)
{
	struct tl_rd rd;
	struct tl_bytes line;
	struct head h = { false, false, 0 };
	bool first = true;
	int err;

	if (!out || !complete || !vm_id || !tl_relay_uuid(vm_id) || (in.len > 0 && !in.ptr))
		return TL_E_ARG;
	memset(out, 0, sizeof(*out));
	*complete = false;
	tl_rd_from(&rd, tl_http1_slice(in, 0, TL_RELAY_MAX_HEAD));
	while ((err = tl_http1_line(&rd, &line)) == TL_OK) {
		if (first)
			err = request_line(line, vm_id, out);
		else if (line.len == 0)
			break;
		else
			err = header_line(line, &h, out);
		first = false;
		if (err != TL_OK)
			return err;
	}
	if (err == MORE)
		return in.len >= TL_RELAY_MAX_HEAD ? TL_E_HTTP_TOO_LARGE : TL_OK;
	if (err != TL_OK)
		return err;
	if (!h.has_length) /* a POST without a length has no framing we take */
		return TL_E_HTTP_MALFORMED;
	out->head_len = rd.pos;
	out->body_len = h.length;
	*complete = in.len - rd.pos >= h.length;
	return TL_OK;
}

int tl_relay_path(const struct tl_relay_req *req, const char *vm_id, char *out, size_t cap)
{
	static const char *const suffix[] = { "challenge", "attest", "enroll" };
	int n;
	if (!req || !vm_id || !tl_relay_uuid(vm_id) || !out)
		return TL_E_ARG;
	if (req->ep == TL_RELAY_ACTIVATE)
		n = tl_relay_uuid(req->eid)
			    ? snprintf(out, cap, PREFIX "%s/enroll/%s/activate", vm_id, req->eid)
			    : -1;
	else if ((unsigned)req->ep <= TL_RELAY_ENROLL)
		n = snprintf(out, cap, PREFIX "%s/%s", vm_id, suffix[req->ep]);
	else
		n = -1;
	return n < 0 || (size_t)n >= cap ? TL_E_ARG : TL_OK;
}
