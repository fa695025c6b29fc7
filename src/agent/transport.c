/* The agent's way to the service: HTTPS (or plain HTTP on loopback) with libcurl, or the same
 * HTTP/1.1 requests over a virtio-serial port (or a unix socket) that the host relays. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <curl/curl.h>

#include "agent.h"
#include "http1.h"
#include "trustlaunch/b64.h"

#define CONNECT_TIMEOUT_S 10L
#define STREAM_HOST "trustlaunch" /* the relay decides where the stream goes */

struct answer {
	char *buf;
	size_t len, cap;
	bool too_large;
};

static size_t on_data(char *data, size_t size, size_t nmemb, void *ctx)
{
	struct answer *a = ctx;
	size_t n = size * nmemb;

	if (n > TL_AGENT_MAX_ANSWER - a->len) {
		a->too_large = true;
		return 0;
	}
	if (a->len + n + 1 > a->cap) {
		size_t cap = a->cap ? a->cap : 4096;
		while (cap < a->len + n + 1)
			cap *= 2;
		char *p = realloc(a->buf, cap);
		if (!p)
			return 0;
		a->buf = p;
		a->cap = cap;
	}
	memcpy(a->buf + a->len, data, n);
	a->len += n;
	a->buf[a->len] = '\0';
	return n;
}

static int curl_call(const struct tl_agent_opts *o, const char *method, const char *path,
		     const char *body, const char *bearer, long *status, struct answer *a,
		     char why[static TL_AGENT_WHY])
{
	char url[1024], errbuf[CURL_ERROR_SIZE] = "", auth[600];
	struct curl_slist *h = NULL;
	CURL *c = curl_easy_init();
	int err = TL_E_IO;

	if (!c)
		return TL_E_NOMEM;
	snprintf(url, sizeof url, "%s%s", o->server, path);
	h = curl_slist_append(h, "Content-Type: application/json");
	h = curl_slist_append(h, "Accept: application/json");
	if (bearer) {
		snprintf(auth, sizeof auth, "Authorization: Bearer %s", bearer);
		h = curl_slist_append(h, auth);
	}
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, CONNECT_TIMEOUT_S);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, (long)o->timeout_s);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "tl-agent");
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, body ? body : "");
	if (strcmp(method, "GET") == 0)
		curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
	if (o->cacert)
		curl_easy_setopt(c, CURLOPT_CAINFO, o->cacert);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, a);
	CURLcode rc = curl_easy_perform(c);
	if (rc == CURLE_OK) {
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, status);
		err = TL_OK;
	} else if (a->too_large) {
		snprintf(why, TL_AGENT_WHY, "%.200s: the answer is larger than %u bytes", url,
			 TL_AGENT_MAX_ANSWER);
	} else {
		snprintf(why, TL_AGENT_WHY, "%.200s: %.250s", url, errbuf[0] ? errbuf : curl_easy_strerror(rc));
	}
	curl_slist_free_all(h);
	curl_easy_cleanup(c);
	return err;
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
	struct answer a = { 0 };
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
		err = curl_call(o, method, path, text, bearer, status, &a, why);
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

void tl_agent_error_text(long status, json_t *answer, char *out, size_t cap)
{
	json_t *e = json_object_get(answer, "error");
	const char *code = json_string_value(json_object_get(e, "code"));
	const char *msg = json_string_value(json_object_get(e, "message"));

	if (code)
		snprintf(out, cap, "%s: %s (HTTP %ld)", code, msg ? msg : "", status);
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
