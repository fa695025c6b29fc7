/* The HTTP client of the server groups: one JSON request to trustlaunchd, its JSON answer,
 * and one clear line on stderr when the server refuses or cannot be reached. No redirects,
 * only http and https, bounded time and a bounded answer. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>

#include "cli.h"

#define TL_CLIENT_CONNECT_TIMEOUT_S 5L
#define TL_CLIENT_TOTAL_TIMEOUT_S 30L
#define TL_CLIENT_MAX_ANSWER (16u * 1024u * 1024u)
#define TL_CLIENT_MAX_TOKEN 8192u
#define TL_CLIENT_MAX_URL 4096u

struct tl_client_opts tl_client_opts;

struct answer {
	char *buf;
	size_t len, cap;
	bool too_large;
};

static size_t on_answer(char *data, size_t size, size_t nmemb, void *ctx)
{
	struct answer *a = ctx;
	size_t n = size * nmemb; /* libcurl passes size 1 */

	if (n > TL_CLIENT_MAX_ANSWER - a->len) {
		a->too_large = true;
		return 0; /* aborts the transfer with CURLE_WRITE_ERROR */
	}
	if (n >= a->cap - a->len) {
		size_t cap = a->cap ? a->cap : 16384;
		char *p;
		while (cap - a->len <= n)
			cap *= 2;
		if (!(p = realloc(a->buf, cap)))
			return 0;
		a->buf = p;
		a->cap = cap;
	}
	memcpy(a->buf + a->len, data, n);
	a->len += n;
	return n;
}

int tl_client_args(int argc, char **argv, const char *help, size_t n, const char **pos)
{
	size_t got = 0;

	for (int i = 1; i < argc; i++) {
		if (tl_cli_is_help(argv[i])) {
			fputs(help, stdout);
			return TL_EXIT_OK;
		} else if (strcmp(argv[i], "--json") == 0) {
			tl_client_opts.json = true;
		} else if (argv[i][0] == '-' || got == n) {
			fprintf(stderr, "tl: unexpected '%s'\n\n%s", argv[i], help);
			return TL_EXIT_USAGE;
		} else {
			pos[got++] = argv[i];
		}
	}
	if (got != n) {
		fputs(help, stderr);
		return TL_EXIT_USAGE;
	}
	return -1;
}

int tl_client_output(json_t *answer, int (*show)(json_t *answer))
{
	int rc;

	if (tl_client_opts.json)
		return tl_cli_print_json(answer) == 0 ? TL_EXIT_OK : TL_EXIT_USAGE;
	rc = show(answer);
	json_decref(answer);
	return rc;
}

/* The server URL without trailing slashes: http or https, a host, no query or fragment. */
static int server_base(size_t *len)
{
	const char *s = tl_client_opts.server, *host;
	size_t n;

	if (!s || !*s) {
		fprintf(stderr, "tl: no server: give --server URL or set TL_SERVER\n");
		return TL_EXIT_USAGE;
	}
	if (strncasecmp(s, "http://", 7) == 0)
		host = s + 7;
	else if (strncasecmp(s, "https://", 8) == 0)
		host = s + 8;
	else
		host = NULL;
	n = strlen(s);
	for (const char *p = s; host && *p; p++)
		if ((unsigned char)*p <= 0x20 || (unsigned char)*p >= 0x7f || *p == '?' || *p == '#')
			host = NULL;
	if (!host || *host == '/' || *host == '\0' || n > TL_CLIENT_MAX_URL / 2) {
		fprintf(stderr, "tl: --server: '");
		tl_cli_put_safe(stderr, s);
		fprintf(stderr, "' is not an http:// or https:// URL of a host\n");
		return TL_EXIT_USAGE;
	}
	while (n > 0 && s[n - 1] == '/')
		n--;
	*len = n;
	return TL_EXIT_OK;
}

/* A token is one line of visible ASCII: anything else could split the header. */
static bool token_ok(const char *t)
{
	size_t n = strlen(t);
	if (n == 0 || n > TL_CLIENT_MAX_TOKEN)
		return false;
	for (; *t; t++)
		if ((unsigned char)*t <= 0x20 || (unsigned char)*t >= 0x7f)
			return false;
	return true;
}

/* "Authorization: Bearer T" from --token-file, --token or TL_TOKEN; *header NULL when none. */
static int auth_header(char **header)
{
	const char *tok = tl_client_opts.token;
	uint8_t *file = NULL;
	size_t len, n;
	char *h;

	*header = NULL;
	if (tl_client_opts.token_file) {
		if (tl_cli_read_file(tl_client_opts.token_file, TL_CLIENT_MAX_TOKEN + 64, &file,
				     &len) != TL_OK)
			return TL_EXIT_USAGE;
		while (len > 0 && (file[len - 1] == '\n' || file[len - 1] == '\r' ||
				   file[len - 1] == ' ' || file[len - 1] == '\t'))
			len--;
		if (memchr(file, '\0', len)) {
			fprintf(stderr, "tl: %s: not a token\n", tl_client_opts.token_file);
			free(file);
			return TL_EXIT_USAGE;
		}
		if (!(h = realloc(file, len + 1))) {
			free(file);
			return TL_EXIT_USAGE;
		}
		h[len] = '\0';
		file = (uint8_t *)h;
		tok = h;
	}
	if (!tok || !*tok) {
		free(file);
		return TL_EXIT_OK;
	}
	if (!token_ok(tok)) {
		fprintf(stderr, "tl: the token%s%s is not one line of printable characters\n",
			tl_client_opts.token_file ? " in " : "",
			tl_client_opts.token_file ? tl_client_opts.token_file : "");
		free(file);
		return TL_EXIT_USAGE;
	}
	n = strlen("Authorization: Bearer ") + strlen(tok) + 1;
	if ((h = malloc(n)) != NULL)
		snprintf(h, n, "Authorization: Bearer %s", tok);
	free(file);
	if (!h)
		return TL_EXIT_USAGE;
	*header = h;
	return TL_EXIT_OK;
}

/* server + path + escaped id + rest; NULL (with a message) when it cannot be built. */
static char *request_url(CURL *c, size_t base_len, const char *path, const char *id,
			 const char *rest)
{
	char *esc = NULL, *url;
	size_t n;

	if (id) {
		/* "." and ".." would be squashed into another endpoint by the URL parser */
		if (!*id || strcmp(id, ".") == 0 || strcmp(id, "..") == 0 ||
		    strlen(id) > TL_CLIENT_MAX_URL / 4) {
			fprintf(stderr, "tl: '");
			tl_cli_put_safe(stderr, id);
			fprintf(stderr, "' is not an ID\n");
			return NULL;
		}
		if (!(esc = curl_easy_escape(c, id, 0)))
			return NULL;
	}
	n = base_len + strlen(path) + (esc ? strlen(esc) + 1 : 0) + (rest ? strlen(rest) : 0) + 1;
	if ((url = malloc(n)) != NULL)
		snprintf(url, n, "%.*s%s%s%s%s", (int)base_len, tl_client_opts.server, path,
			 esc ? "/" : "", esc ? esc : "", rest ? rest : "");
	curl_free(esc);
	return url;
}

static void print_api_error(long status, json_t *doc, bool had_token, size_t base_len)
{
	json_t *e = json_object_get(doc, "error");
	const char *code = json_string_value(json_object_get(e, "code"));
	const char *msg = json_string_value(json_object_get(e, "message"));
	const char *field = json_string_value(json_object_get(e, "field"));

	if (!code) {
		fprintf(stderr, "tl: %.*s answered HTTP %ld without an API error\n", (int)base_len,
			tl_client_opts.server, status);
		return;
	}
	fputs("tl: ", stderr);
	if (msg)
		tl_cli_put_safe(stderr, msg);
	else
		fprintf(stderr, "HTTP %ld", status);
	fputs(" (", stderr);
	tl_cli_put_safe(stderr, code);
	if (field) {
		fputs(", field ", stderr);
		tl_cli_put_safe(stderr, field);
	}
	fputs(")\n", stderr);
	if (!had_token && strncmp(code, "auth.", 5) == 0)
		fprintf(stderr, "tl: give a token with --token-file FILE, --token T or TL_TOKEN\n");
}

static void print_transport_error(CURLcode rc, const char *errbuf, const struct answer *a,
				  size_t base_len)
{
	const char *why = errbuf[0] ? errbuf : curl_easy_strerror(rc);
	const char *s = tl_client_opts.server;
	int n = (int)base_len;

	if ((rc == CURLE_WRITE_ERROR && a->too_large) || rc == CURLE_FILESIZE_EXCEEDED) {
		fprintf(stderr, "tl: the answer of %.*s is larger than %u MiB; refused\n", n, s,
			TL_CLIENT_MAX_ANSWER >> 20);
		return;
	}
	switch (rc) {
	case CURLE_COULDNT_RESOLVE_HOST:
		fprintf(stderr, "tl: cannot find the host of %.*s: ", n, s);
		break;
	case CURLE_COULDNT_CONNECT:
		fprintf(stderr, "tl: cannot connect to trustlaunchd at %.*s (is it running? "
				"--server or TL_SERVER names it): ", n, s);
		break;
	case CURLE_OPERATION_TIMEDOUT:
		fprintf(stderr, "tl: trustlaunchd at %.*s did not answer in time (%ld s to connect, "
				"%ld s in all): ", n, s, TL_CLIENT_CONNECT_TIMEOUT_S,
			TL_CLIENT_TOTAL_TIMEOUT_S);
		break;
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_CONNECT_ERROR:
		fprintf(stderr, "tl: no trusted TLS connection to %.*s (--cacert names the CA of "
				"the server's certificate): ", n, s);
		break;
	case CURLE_GOT_NOTHING:
		fprintf(stderr, "tl: %.*s closed the connection without an answer (an https server "
				"asked with http://?): ", n, s);
		break;
	default:
		fprintf(stderr, "tl: the request to %.*s failed: ", n, s);
		break;
	}
	tl_cli_put_safe(stderr, why);
	fputc('\n', stderr);
}

static int set_request(CURL *c, enum tl_http_method method, const char *body,
		       struct curl_slist *headers, struct answer *a, char *errbuf)
{
	static const char *const names[] = { "GET", "POST", "PUT", "DELETE", "PATCH" };
	CURLcode e = CURLE_OK;

	e |= curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, names[method]);
	if (body) {
		e |= curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
		e |= curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)strlen(body));
	}
	e |= curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
#if LIBCURL_VERSION_NUM >= 0x075500
	e |= curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
#else
	e |= curl_easy_setopt(c, CURLOPT_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
	e |= curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
	e |= curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, TL_CLIENT_CONNECT_TIMEOUT_S);
	e |= curl_easy_setopt(c, CURLOPT_TIMEOUT, TL_CLIENT_TOTAL_TIMEOUT_S);
	e |= curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	e |= curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)TL_CLIENT_MAX_ANSWER);
	e |= curl_easy_setopt(c, CURLOPT_USERAGENT, "tl/0.1.0");
	e |= curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_answer);
	e |= curl_easy_setopt(c, CURLOPT_WRITEDATA, a);
	e |= curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
	if (tl_client_opts.cacert)
		e |= curl_easy_setopt(c, CURLOPT_CAINFO, tl_client_opts.cacert);
	return e == CURLE_OK ? TL_EXIT_OK : TL_EXIT_USAGE;
}

/* curl_slist_append keeps the list when it fails: freed here, so NULL means none. */
static struct curl_slist *add_header(struct curl_slist *list, const char *header)
{
	struct curl_slist *l = curl_slist_append(list, header);
	if (!l)
		curl_slist_free_all(list);
	return l;
}

/* 2xx with a JSON object: the answer. Anything else: one line on stderr. */
static int read_answer(CURL *c, const struct answer *a, bool had_token, size_t base_len,
		       json_t **answer)
{
	long status = 0;
	json_t *doc = NULL;

	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	if (a->len > 0)
		doc = json_loadb(a->buf, a->len, JSON_REJECT_DUPLICATES, NULL);
	if (status >= 200 && status < 300 && json_is_object(doc)) {
		*answer = doc;
		return TL_EXIT_OK;
	}
	if (status >= 200 && status < 300)
		fprintf(stderr, "tl: the answer of %.*s is not a JSON object (HTTP %ld)\n",
			(int)base_len, tl_client_opts.server, status);
	else if (status >= 300 && status < 400)
		fprintf(stderr, "tl: %.*s answered with a redirect (HTTP %ld), which tl does not "
				"follow: check --server\n", (int)base_len, tl_client_opts.server,
			status);
	else
		print_api_error(status, doc, had_token, base_len);
	json_decref(doc);
	return TL_EXIT_CHECK;
}

int tl_client_call(enum tl_http_method method, const char *path, const char *id,
		   const char *rest, json_t *body, json_t **answer)
{
	char errbuf[CURL_ERROR_SIZE] = "", *auth = NULL, *url = NULL, *text = NULL;
	struct curl_slist *headers = NULL;
	struct answer a = { 0 };
	size_t base_len;
	CURL *c = NULL;
	CURLcode rc;
	bool curl_up = false;
	int ret = TL_EXIT_USAGE;

	*answer = NULL;
	if (server_base(&base_len) != TL_EXIT_OK || auth_header(&auth) != TL_EXIT_OK)
		goto out;
	if (body && !(text = json_dumps(body, JSON_COMPACT)))
		goto out;
	curl_up = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK;
	if (!curl_up || !(c = curl_easy_init())) {
		fprintf(stderr, "tl: libcurl did not start\n");
		goto out;
	}
	if (!(url = request_url(c, base_len, path, id, rest)))
		goto out;
	headers = add_header(NULL, "Accept: application/json");
	if (headers && text)
		headers = add_header(headers, "Content-Type: application/json");
	if (headers && auth)
		headers = add_header(headers, auth);
	if (!headers || curl_easy_setopt(c, CURLOPT_URL, url) != CURLE_OK ||
	    set_request(c, method, text, headers, &a, errbuf) != TL_EXIT_OK) {
		fprintf(stderr, "tl: cannot prepare the request to %.*s\n", (int)base_len,
			tl_client_opts.server);
		goto out;
	}
	if ((rc = curl_easy_perform(c)) != CURLE_OK) {
		print_transport_error(rc, errbuf, &a, base_len);
		ret = TL_EXIT_CHECK;
		goto out;
	}
	ret = read_answer(c, &a, auth != NULL, base_len, answer);
out:
	curl_easy_cleanup(c);
	if (curl_up)
		curl_global_cleanup();
	curl_slist_free_all(headers);
	free(a.buf);
	free(url);
	free(text);
	free(auth);
	json_decref(body);
	return ret;
}
