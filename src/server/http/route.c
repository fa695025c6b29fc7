/* Matching a request against the route table, and the request target's shape. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "trustlaunch/rd.h"

#include "route.h"

static const char *const role_names[] = { "none", "reader", "operator", "admin" };

int tl_role_parse(const char *text, enum tl_role *out)
{
	*out = TL_ROLE_NONE;
	for (unsigned i = TL_ROLE_READER; i <= TL_ROLE_ADMIN; i++)
		if (text && strcmp(text, role_names[i]) == 0) {
			*out = (enum tl_role)i;
			return TL_OK;
		}
	return TL_E_ARG;
}

const char *tl_role_name(enum tl_role role)
{
	return (unsigned)role <= TL_ROLE_ADMIN ? role_names[role] : "none";
}

/* The next segment: a '/' and the bytes up to the next '/' or the end, read through the
 * bounded reader (the path is the client's). */
static bool segment(struct tl_rd *rd, struct tl_bytes *seg)
{
	struct tl_rd probe;
	uint8_t c;
	size_t n = 0;
	if (tl_rd_u8(rd, &c) != TL_OK || c != '/')
		return false;
	probe = *rd;
	while (tl_rd_u8(&probe, &c) == TL_OK && c != '/')
		n++;
	return tl_rd_bytes(rd, n, seg) == TL_OK;
}

/* Where a parameter's value goes, by its name in the pattern ("{vm}"). */
static char *param_slot(struct tl_route_params *params, struct tl_bytes name)
{
	if (tl_bytes_eq(name, "{vm}", 4))
		return params->vm;
	if (tl_bytes_eq(name, "{eid}", 5))
		return params->eid;
	if (tl_bytes_eq(name, "{token}", 7))
		return params->token;
	if (tl_bytes_eq(name, "{id}", 4)) /* an alert's, a rule's, a webhook's */
		return params->id;
	return NULL;
}

/* The path fits the pattern; params (may be NULL) receive the parameters. */
static bool fits(const char *pattern, const char *path, struct tl_route_params *params)
{
	struct tl_rd pr, rd, value;
	struct tl_bytes ps, ss;
	tl_rd_init(&pr, (const uint8_t *)pattern, strlen(pattern));
	tl_rd_init(&rd, (const uint8_t *)path, strlen(path));
	for (unsigned i = 0; i <= TL_ROUTE_MAX_SEGMENTS; i++) {
		if (!tl_rd_left(&pr) || !tl_rd_left(&rd))
			return !tl_rd_left(&pr) && !tl_rd_left(&rd);
		if (!segment(&pr, &ps) || !segment(&rd, &ss))
			return false;
		if (tl_bytes_has_prefix(ps, "{")) {
			char *slot = params ? param_slot(params, ps) : NULL;
			if (ss.len == 0 || ss.len > TL_ROUTE_MAX_PARAM)
				return false;
			tl_rd_from(&value, ss);
			if (slot && tl_rd_copy(&value, slot, ss.len) == TL_OK)
				slot[ss.len] = '\0';
		} else if (!tl_bytes_eq(ss, ps.ptr, ps.len)) {
			return false;
		}
	}
	return false;
}

static void allow_add(char allow[TL_ROUTE_ALLOW_LEN], const char *method)
{
	size_t n = strlen(allow);
	if (strstr(allow, method))
		return;
	snprintf(allow + n, TL_ROUTE_ALLOW_LEN - n, "%s%s", n ? ", " : "", method);
}

enum tl_route_result tl_route_match(const struct tl_route *table, size_t n, const char *method,
				    const char *path, const struct tl_route **out,
				    struct tl_route_params *params, char allow[TL_ROUTE_ALLOW_LEN])
{
	bool path_known = false;
	*out = NULL;
	allow[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		if (!fits(table[i].pattern, path, NULL))
			continue;
		path_known = true;
		allow_add(allow, table[i].method);
		if (strcmp(table[i].method, method) == 0) {
			memset(params, 0, sizeof(*params));
			(void)fits(table[i].pattern, path, params);
			*out = &table[i];
			allow[0] = '\0';
			return TL_ROUTE_FOUND;
		}
	}
	if (!path_known)
		return TL_ROUTE_NO_PATH;
	return TL_ROUTE_NO_METHOD;
}

/* %XX: the two digits after '%' are hi and (either case) lo. */
static bool escape_is(struct tl_bytes hex, char hi, char lo)
{
	int l = tl_bytes_at(hex, 1);
	return tl_bytes_at(hex, 0) == hi && l >= 0 && tolower(l) == lo;
}

/* A segment's bytes are visible ASCII, and escapes are whole and not of NUL, '/', '\\'
 * or '.' (a dot segment in disguise). */
static bool hex_digit(int c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static bool segment_ok(struct tl_bytes seg)
{
	struct tl_rd rd;
	struct tl_bytes hex;
	uint8_t c;
	tl_rd_from(&rd, seg);
	while (tl_rd_u8(&rd, &c) == TL_OK) {
		if (c < 0x21 || c >= 0x7F || c == '\\')
			return false;
		if (c != '%')
			continue;
		/* a well-formed escape only ("%%00" would hide an encoded NUL from a check that
		 * skipped two bytes), and none of NUL, slash, backslash or dot */
		if (tl_rd_bytes(&rd, 2, &hex) != TL_OK || !hex_digit(tl_bytes_at(hex, 0)) ||
		    !hex_digit(tl_bytes_at(hex, 1)) || escape_is(hex, '0', '0') ||
		    escape_is(hex, '2', 'f') || escape_is(hex, '5', 'c') || escape_is(hex, '2', 'e'))
			return false;
	}
	return true;
}

bool tl_route_target_ok(const char *raw)
{
	struct tl_rd rd;
	struct tl_bytes seg;
	if (!raw || raw[0] != '/')
		return false;
	/* the path, without the query (the handlers check their arguments) */
	tl_rd_init(&rd, (const uint8_t *)raw, strcspn(raw, "?"));
	while (tl_rd_left(&rd)) {
		if (!segment(&rd, &seg) || tl_bytes_eq(seg, ".", 1) || tl_bytes_eq(seg, "..", 2) ||
		    !segment_ok(seg))
			return false;
	}
	return true;
}
