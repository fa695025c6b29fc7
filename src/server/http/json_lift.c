/* The lift: a scan of the top-level object that follows JSON's string rules exactly (a
 * backslash escapes the next character), so that it always agrees with a JSON parser on
 * where strings begin and end; what it removes lies inside one string and is only base64
 * characters, so the rest is valid JSON exactly when the body was. The body is read only
 * through the bounded reader (trustlaunch/rd.h): cuts are offsets, and the rest is copied
 * with tl_rd_copy around them. */
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

/* A lifted value: where its text starts in the body and how long it is. */
struct cut {
	size_t at, len;
};

/* The body without the cut spans, copied through a reader over the body: every span is
 * checked to lie inside it and after the one before (no pointer arithmetic on the body). */
static char *assemble(const char *body, size_t len, const struct cut *cut, size_t ncut,
		      size_t removed, size_t *rest_len)
{
	struct tl_rd rd;
	size_t o = 0, keep;
	char *rest = malloc(len - removed + 1);

	if (!rest)
		return NULL;
	tl_rd_init(&rd, (const uint8_t *)body, len);
	for (size_t i = 0; i < ncut; i++) {
		size_t here = len - tl_rd_left(&rd);
		keep = cut[i].at - here;
		if (cut[i].at < here || tl_rd_copy(&rd, &rest[o], keep) != TL_OK ||
		    tl_rd_skip(&rd, cut[i].len) != TL_OK) {
			free(rest);
			return NULL;
		}
		o += keep;
	}
	keep = tl_rd_left(&rd);
	if (tl_rd_copy(&rd, &rest[o], keep) != TL_OK) {
		free(rest);
		return NULL;
	}
	o += keep;
	rest[o] = '\0';
	*rest_len = o;
	return rest;
}

/* The member's value, when it is a string of TL_LIFT_MIN or more base64 characters: cut. */
static bool lift_value(struct tl_rd *rd, size_t len, struct tl_lift *lift, struct cut *cut,
		       size_t *ncut, size_t *removed)
{
	size_t run = tl_rd_span_b64(rd);
	struct tl_rd peek = *rd;
	struct tl_bytes text;
	uint8_t q;

	if (tl_rd_bytes(rd, run, &text) == TL_OK && tl_rd_u8(rd, &q) == TL_OK && q == '"' &&
	    run >= TL_LIFT_MIN && *ncut < 8) {
		lift->text = text;
		lift->count++;
		cut[(*ncut)++] = (struct cut){ len - tl_rd_left(rd) - 1 - run, run };
		*removed += run;
		return true;
	}
	*rd = peek;
	return skip_string(rd);
}

static char *lift(const char *body, size_t len, struct tl_lift *lifts, size_t n,
		  size_t *rest_len)
{
	struct tl_rd rd;
	struct cut cut[8];
	size_t ncut = 0, removed = 0;
	char name[32];
	uint8_t c;

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
			if (!lift_value(&rd, len, &lifts[which], cut, &ncut, &removed))
				return NULL;
		} else {
			rd = at;
			if (!skip_value(&rd))
				return NULL;
		}
		if (!expect(&rd, ','))
			break;
	}
	return ncut ? assemble(body, len, cut, ncut, removed, rest_len) : NULL;
}

char *tl_json_lift(const char *body, size_t len, struct tl_lift *lifts, size_t n,
		   size_t *rest_len)
{
	char *rest;

	for (size_t i = 0; i < n; i++) {
		lifts[i].text = (struct tl_bytes){ NULL, 0 };
		lifts[i].count = 0;
	}
	rest = lift(body, len, lifts, n, rest_len);
	for (size_t i = 0; !rest && i < n; i++) { /* nothing handed out that is not cut */
		lifts[i].text = (struct tl_bytes){ NULL, 0 };
		lifts[i].count = 0;
	}
	return rest;
}
