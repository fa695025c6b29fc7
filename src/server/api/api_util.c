/* Request fields, checked one by one and named when wrong. */
#include <stdio.h>
#include <string.h>

#include "api.h"
#include "trustlaunch/b64.h"
#include "trustlaunch/hash.h"

json_t *tl_api_body(struct tl_req *r, struct tl_resp *resp)
{
	json_error_t jerr;
	json_t *body = json_loadb(r->body, r->body_len, JSON_REJECT_DUPLICATES, &jerr);
	if (!json_is_object(body)) {
		json_decref(body);
		*resp = tl_http_error(400, "request.json", "the body is not a JSON object", NULL);
		return NULL;
	}
	return body;
}

bool tl_api_text(json_t *body, const char *key, bool required, char *out, size_t max,
		 struct tl_resp *resp)
{
	json_t *v = json_object_get(body, key);
	const char *s;
	if (!v && !required)
		return true;
	if (!json_is_string(v) || !(s = json_string_value(v)) || !*s || strlen(s) >= max) {
		char msg[128];
		snprintf(msg, sizeof(msg), "%s must be a string of 1 to %zu characters", key, max - 1);
		*resp = tl_http_error(400, "request.field", msg, key);
		return false;
	}
	for (const char *p = s; *p; p++) {
		if ((unsigned char)*p < 0x20 || *p == 0x7F) {
			*resp = tl_http_error(400, "request.field", "control characters are not allowed",
					      key);
			return false;
		}
	}
	snprintf(out, max, "%s", s);
	return true;
}

bool tl_api_bool(json_t *body, const char *key, bool *out, struct tl_resp *resp)
{
	json_t *v = json_object_get(body, key);
	if (!v)
		return true;
	if (!json_is_boolean(v)) {
		*resp = tl_http_error(400, "request.field", "must be true or false", key);
		return false;
	}
	*out = json_is_true(v);
	return true;
}

bool tl_api_b64(json_t *obj, const char *key, bool required, uint8_t *out, size_t max,
		size_t *len, struct tl_resp *resp)
{
	json_t *v = json_object_get(obj, key);
	char msg[128];
	*len = 0;
	if (!v && !required)
		return true;
	if (!json_is_string(v) || json_string_length(v) == 0) {
		snprintf(msg, sizeof(msg), "%s must be a base64 string", key);
		*resp = tl_http_error(400, "request.field", msg, key);
		return false;
	}
	int err = tl_b64_decode(json_string_value(v), json_string_length(v), out, max, len);
	if (err != TL_OK) {
		if (err == TL_E_B64_SIZE)
			snprintf(msg, sizeof(msg), "%s is longer than %zu bytes", key, max);
		else
			snprintf(msg, sizeof(msg), "%s is not valid base64", key);
		*resp = tl_http_error(400, "request.field", msg, key);
		return false;
	}
	return true;
}

struct tl_resp tl_api_store_error(int err, const char *what)
{
	if (err == TL_E_STORE_NOT_FOUND)
		return tl_http_error(404, "vm.not_found", "no such VM", NULL);
	(void)what;
	return tl_http_error(503, "store.unavailable", "the database did not answer", NULL);
}

bool tl_api_vm_id(const char *id)
{
	if (strlen(id) != TL_ID_LEN - 1)
		return false;
	for (size_t i = 0; i < TL_ID_LEN - 1; i++) {
		char c = id[i];
		bool dash = i == 8 || i == 13 || i == 18 || i == 23;
		if (dash ? c != '-' : !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
			return false;
	}
	return true;
}

int tl_api_uuid(char out[TL_ID_LEN])
{
	uint8_t b[16];
	char hex[33];
	if (tl_random(b, sizeof(b)) != TL_OK)
		return TL_E_CRYPTO;
	b[6] = (uint8_t)((b[6] & 0x0F) | 0x40);
	b[8] = (uint8_t)((b[8] & 0x3F) | 0x80);
	tl_hex(b, 16, hex);
	snprintf(out, TL_ID_LEN, "%.8s-%.4s-%.4s-%.4s-%.12s", hex, hex + 8, hex + 12, hex + 16,
		 hex + 20);
	return TL_OK;
}


int tl_api_sha256_hex(const void *p, size_t n, char out[65])
{
	uint8_t h[TL_MAX_DIGEST];
	int err = tl_hash(TL_ALG_SHA256, p, n, h);
	if (err == TL_OK)
		tl_hex(h, TL_SHA256_LEN, out);
	return err;
}

int tl_api_new_secret(char token[65], char hash[65])
{
	uint8_t raw[32];
	int err = tl_random(raw, sizeof(raw));
	if (err != TL_OK)
		return err;
	tl_hex(raw, sizeof(raw), token);
	return tl_api_sha256_hex(token, 64, hash);
}

json_t *tl_api_id_json(int64_t id)
{
	char text[24];
	snprintf(text, sizeof(text), "%lld", (long long)id);
	return json_string(text);
}

bool tl_api_id_value(json_t *v, int64_t *out)
{
	const char *s = json_string_value(v);
	int64_t id = 0;
	if (json_is_integer(v)) {
		id = (int64_t)json_integer_value(v);
	} else if (s && *s && strlen(s) <= 18 && strspn(s, "0123456789") == strlen(s)) {
		for (const char *p = s; *p; p++)
			id = id * 10 + (*p - '0');
	} else {
		return false;
	}
	if (id <= 0)
		return false;
	*out = id;
	return true;
}
