/* HTTP to trustlaunchd through libcurl (a relay keeps one handle, and so its connection): the daemon's own reports (its operator token) and the
 * requests it relays for guests (the guest's own Authorization, never the daemon's). The
 * service's answer is bounded like the agent's reader bounds it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <curl/curl.h>

#include "hostd.h"
#include "log.h"

#define ANSWER_MAX (4u * 1024u * 1024u)

struct sink {
	char *buf;
	size_t len;
	bool over;
};

static size_t take(char *p, size_t size, size_t n, void *arg)
{
	struct sink *s = arg;
	size_t add = size * n;
	char *nb;
	if (s->len + add > ANSWER_MAX) {
		s->over = true;
		return 0;
	}
	if (!(nb = realloc(s->buf, s->len + add + 1)))
		return 0;
	memcpy(nb + s->len, p, add);
	s->buf = nb;
	s->len += add;
	s->buf[s->len] = '\0';
	return add;
}

int hostd_http(void *handle, const char *server, const char *method, const char *path,
	       const char *bearer, const void *body, size_t len, long timeout_ms, long *status,
	       char **answer, size_t *answer_len)
{
	CURL *c = handle ? handle : curl_easy_init();
	struct curl_slist *h = NULL;
	struct sink s = { NULL, 0, false };
	char url[1024], auth[600];
	CURLcode rc;

	*status = 0;
	*answer = NULL;
	*answer_len = 0;
	if (!c || snprintf(url, sizeof(url), "%s%s", server, path) >= (int)sizeof(url)) {
		if (!handle)
			curl_easy_cleanup(c);
		return TL_E_ARG;
	}
	if (handle)
		curl_easy_reset(c); /* options cleared, the connection to the service kept */
	h = curl_slist_append(h, "Content-Type: application/json");
	h = curl_slist_append(h, "Expect:");
	if (bearer && snprintf(auth, sizeof(auth), "Authorization: %s", bearer) < (int)sizeof(auth))
		h = curl_slist_append(h, auth);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, body ? body : "");
	curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, take);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &s);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, timeout_ms);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	rc = curl_easy_perform(c);
	if (rc == CURLE_OK)
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, status);
	curl_slist_free_all(h);
	if (!handle)
		curl_easy_cleanup(c);
	if (rc != CURLE_OK || s.over) {
		free(s.buf);
		return s.over ? TL_E_HTTP_TOO_LARGE : TL_E_IO;
	}
	*answer = s.buf;
	*answer_len = s.len;
	return TL_OK;
}

int hostd_report(const struct hostd_opts *o, const char *method, const char *path, json_t *body)
{
	char *text = json_dumps(body, JSON_COMPACT), *answer = NULL, bearer[300], st[8];
	size_t alen = 0;
	long status = 0;
	int err;

	if (!text)
		return TL_E_NOMEM;
	snprintf(bearer, sizeof(bearer), "Bearer %s", o->token);
	err = hostd_http(NULL, o->server, method, path, bearer, text, strlen(text), 10000, &status,
			 &answer, &alen);
	free(text);
	snprintf(st, sizeof(st), "%ld", status);
	if (err != TL_OK || status < 200 || status > 299) {
		const char *kv[] = { "path", path, "status", st, "answer", answer ? answer : tl_err_name(err) };
		tl_log_kv("warn", "report refused or not delivered", kv, 3);
		err = err != TL_OK ? err : TL_E_IO;
	}
	free(answer);
	return err;
}
