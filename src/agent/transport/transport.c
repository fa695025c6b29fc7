/* The agent's way to the service: HTTPS (or plain HTTP) over TCP (net.c), or the same HTTP/1.1
 * requests over a virtio-serial port (or a unix socket) that the host relays (stream.c). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "agent.h"
#include "http1.h"
#include "net.h"
#include "trustlaunch/b64.h"

#define STREAM_HOST "trustlaunch" /* the relay decides where the stream goes */

struct answer {
	char *buf;
	size_t len;
};

static int net_call(const struct tl_agent_opts *o, const char *method, const char *path,
		    const char *body, const char *bearer, long *status, struct answer *a,
		    char why[static TL_AGENT_WHY])
{
	int st = 0;
	int err = tl_net_exchange(o->server, o->cacert, method, path, bearer, body,
				  body ? strlen(body) : 0, (int)o->timeout_s * 1000, &st, &a->buf,
				  &a->len, why);

	*status = st;
	return err == TL_OK ? TL_OK : TL_E_IO;
}

static int stream_call(const struct tl_agent_opts *o, const char *dev, const char *method,
		       const char *path, const char *body, const char *bearer, long *status,
		       struct answer *a, char why[static TL_AGENT_WHY])
{
	int fd, st = 0, err;
	size_t len = 0;

	if ((err = tl_stream_open(dev, &fd)) != TL_OK) {
		snprintf(why, TL_AGENT_WHY, "%s: cannot open the service port: %s", dev,
			 tl_err_msg(err));
		return TL_E_IO;
	}
	err = tl_stream_exchange(fd, method, path, STREAM_HOST, bearer, body,
				 body ? strlen(body) : 0, (int)o->timeout_s * 1000, &st, &a->buf,
				 &len);
	close(fd);
	if (err != TL_OK) {
		snprintf(why, TL_AGENT_WHY, "%s: %s %s: %s", dev, method, path, tl_err_msg(err));
		return TL_E_IO;
	}
	a->len = len;
	*status = st;
	return TL_OK;
}

int tl_agent_call(const struct tl_agent_opts *o, const char *method, const char *path,
		  json_t *body, const char *bearer, long *status, json_t **answer,
		  char why[static TL_AGENT_WHY])
{
	struct answer a = { NULL, 0 };
	char *text = NULL;
	int err;

	*answer = NULL;
	*status = 0;
	if (body && !(text = json_dumps(body, JSON_COMPACT)))
		return TL_E_NOMEM;
	if (strncmp(o->server, "virtio-serial:", 14) == 0)
		err = stream_call(o, o->server + 14, method, path, text, bearer, status, &a, why);
	else if (strncmp(o->server, "unix:", 5) == 0)
		err = stream_call(o, o->server + 5, method, path, text, bearer, status, &a, why);
	else
		err = net_call(o, method, path, text, bearer, status, &a, why);
	free(text);
	if (err == TL_OK && a.len)
		*answer = json_loadb(a.buf, a.len, JSON_REJECT_DUPLICATES, NULL);
	free(a.buf);
	return err;
}

const char *tl_agent_error_code(json_t *answer)
{
	const char *code = json_string_value(json_object_get(json_object_get(answer, "error"),
							     "code"));
	return code ? code : "";
}

void tl_agent_clean(char *dst, size_t cap, const char *src)
{
	src = src ? src : "";
	tl_agent_printable(dst, cap, (struct tl_bytes){ (const uint8_t *)src, strlen(src) });
}

void tl_agent_error_text(long status, json_t *answer, char *out, size_t cap)
{
	json_t *e = json_object_get(answer, "error");
	const char *code = json_string_value(json_object_get(e, "code"));
	char c[64], m[256];

	tl_agent_clean(c, sizeof c, code);
	tl_agent_clean(m, sizeof m, json_string_value(json_object_get(e, "message")));
	if (code)
		snprintf(out, cap, "%s: %s (HTTP %ld)", c, m, status);
	else
		snprintf(out, cap, "HTTP %ld without an error document", status);
}

json_t *tl_agent_b64(const uint8_t *p, size_t n)
{
	size_t cap = tl_b64_encoded_len(n) + 1;
	char *text = malloc(cap);
	json_t *s = NULL;

	if (text && tl_b64_encode(p, n, text, cap) == TL_OK)
		s = json_string(text);
	free(text);
	return s;
}
