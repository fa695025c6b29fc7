/* The lift: a scan of the top-level object that follows JSON's string rules exactly (a
 * backslash escapes the next character), so that it always agrees with a JSON parser on
 * where strings begin and end; what it removes lies inside one string and is only base64
 * characters, so the rest is valid JSON exactly when the body was. */
#include <stdlib.h>
#include <string.h>

#include "json_lift.h"

static void skip_ws(struct tl_rd *rd)
{
	struct tl_rd at;
	uint8_t c;
	for (;;) {
		at = *rd;
		if (tl_rd_u8(rd, &c) != TL_OK || (c != ' ' && c != '\t' && c != '\n' && c != '\r')) {
			*rd = at;
			return;
		}
	}
}

static bool expect(struct tl_rd *rd, uint8_t want)
{
	uint8_t c;
	skip_ws(rd);
	return tl_rd_u8(rd, &c) == TL_OK && c == want;
}

/* After the opening quote: up to and including the closing one. */
static bool skip_string(struct tl_rd *rd)
{
	uint8_t c;
	for (;;) {
		size_t run = tl_rd_span_b64(rd); /* the bulk of long strings, quickly */
		if (tl_rd_skip(rd, run) != TL_OK || tl_rd_u8(rd, &c) != TL_OK)
			return false;
		if (c == '"')
			return true;
		if (c == '\\' && tl_rd_u8(rd, &c) != TL_OK)
			return false;
	}
}

/* A member name: short, unescaped, copied into name. */
static bool read_name(struct tl_rd *rd, char *name, size_t cap)
{
	size_t n = 0;
	uint8_t c;
	while (tl_rd_u8(rd, &c) == TL_OK) {
		if (c == '"') {
			name[n] = '\0';
			return true;
		}
		if (c == '\\' || n + 1 >= cap)
			return false; /* an unusual name: let the parser see the body whole */
		name[n++] = (char)c;
	}
	return false;
}

/* Any value: strings by their rules, nesting by brackets, anything else byte by byte. */
static bool skip_value(struct tl_rd *rd)
{
	int depth = 0;
	uint8_t c;
	skip_ws(rd);
	for (;;) {
		struct tl_rd at = *rd;
		if (tl_rd_u8(rd, &c) != TL_OK)
			return false;
		if (c == '"') {
			if (!skip_string(rd))
				return false;
		} else if (c == '{' || c == '[') {
			depth++;
		} else if (c == '}' || c == ']') {
			if (depth == 0) {
				*rd = at;
				return true;
			}
			depth--;
		} else if (c == ',' && depth == 0) {
			*rd = at;
			return true;
		}
		if (depth == 0 && (c == '"' || c == '}' || c == ']'))
			return true; /* a string, or a closed object or array */
	}
}

char *tl_json_lift(const char *body, size_t len, struct tl_lift *lifts, size_t n,
		   size_t *rest_len)
{
	struct tl_rd rd;
	struct tl_bytes cut[8];
	size_t ncut = 0, removed = 0;
	char name[32];
	uint8_t c;

	for (size_t i = 0; i < n; i++) {
		lifts[i].text = (struct tl_bytes){ NULL, 0 };
		lifts[i].count = 0;
	}
	tl_rd_init(&rd, (const uint8_t *)body, len);
	if (!expect(&rd, '{'))
		return NULL;
	for (;;) {
		if (!expect(&rd, '"') || !read_name(&rd, name, sizeof(name)) || !expect(&rd, ':'))
			return NULL;
		skip_ws(&rd);
		struct tl_rd at = rd;
		size_t which = n;
		for (size_t i = 0; i < n; i++)
			if (strcmp(name, lifts[i].key) == 0)
				which = i;
		if (which < n && tl_rd_u8(&rd, &c) == TL_OK && c == '"') {
			size_t run = tl_rd_span_b64(&rd);
			struct tl_bytes text;
			struct tl_rd peek = rd;
			uint8_t q;
			if (tl_rd_bytes(&rd, run, &text) == TL_OK && tl_rd_u8(&rd, &q) == TL_OK &&
			    q == '"' && run >= TL_LIFT_MIN && ncut < sizeof(cut) / sizeof(cut[0])) {
				lifts[which].text = text;
				lifts[which].count++;
				cut[ncut++] = text;
				removed += run;
			} else {
				rd = peek;
				if (!skip_string(&rd))
					return NULL;
			}
		} else {
			rd = at;
			if (!skip_value(&rd))
				return NULL;
		}
		if (!expect(&rd, ','))
			break;
	}
	if (ncut == 0)
		return NULL;
	/* the rest: everything but the cut spans */
	char *rest = malloc(len - removed + 1);
	size_t o = 0;
	const char *from = body;
	if (!rest)
		return NULL;
	for (size_t i = 0; i < ncut; i++) {
		size_t k = (size_t)((const char *)cut[i].ptr - from);
		memcpy(&rest[o], from, k);
		o += k;
		from = (const char *)cut[i].ptr + cut[i].len;
	}
	memcpy(&rest[o], from, (size_t)(body + len - from));
	o += (size_t)(body + len - from);
	rest[o] = '\0';
	*rest_len = o;
	return rest;
}
