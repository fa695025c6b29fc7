/* Matching a request against the route table, and the request target's shape. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

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

/* The next segment of a path: its start and length; *p moves past it. */
static bool segment(const char **p, const char **seg, size_t *len)
{
	if (**p != '/')
		return false;
	*seg = ++*p;
	*len = strcspn(*p, "/");
	*p += *len;
	return true;
}

/* Where a parameter's value goes, by its name in the pattern ("{vm}"). */
static char *param_slot(struct tl_route_params *params, const char *name, size_t len)
{
	if (len == 4 && strncmp(name, "{vm}", 4) == 0)
		return params->vm;
	if (len == 5 && strncmp(name, "{eid}", 5) == 0)
		return params->eid;
	if (len == 7 && strncmp(name, "{token}", 7) == 0)
		return params->token;
	return NULL;
}

/* The path fits the pattern; params (may be NULL) receive the parameters. */
static bool fits(const char *pattern, const char *path, struct tl_route_params *params)
{
	const char *ps, *ss;
	size_t pl, sl;
	for (unsigned i = 0; i <= TL_ROUTE_MAX_SEGMENTS; i++) {
		if (!*pattern || !*path)
			return !*pattern && !*path;
		if (!segment(&pattern, &ps, &pl) || !segment(&path, &ss, &sl))
			return false;
		if (pl > 2 && ps[0] == '{') {
			char *slot = params ? param_slot(params, ps, pl) : NULL;
			if (sl == 0 || sl > TL_ROUTE_MAX_PARAM)
				return false;
			if (slot)
				snprintf(slot, TL_ROUTE_MAX_PARAM + 1, "%.*s", (int)sl, ss);
		} else if (pl != sl || strncmp(ps, ss, pl) != 0) {
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

static bool hex_is(const char *p, const char *two)
{
	return strncasecmp(p, two, 2) == 0;
}

bool tl_route_target_ok(const char *raw)
{
	if (!raw || raw[0] != '/')
		return false;
	for (const char *p = raw; *p && *p != '?'; p++) {
		unsigned char c = (unsigned char)*p;
		if (c < 0x21 || c == 0x7F)
			return false;
		/* an encoded NUL, slash or backslash, or an encoded dot (a dot segment in disguise) */
		if (c == '%' && (hex_is(p + 1, "00") || hex_is(p + 1, "2f") || hex_is(p + 1, "5c") ||
				 hex_is(p + 1, "2e")))
			return false;
		if (c == '\\')
			return false;
		/* "/." or "/.." as a whole segment */
		if (c == '/' && p[1] == '.' &&
		    (p[2] == '/' || p[2] == '\0' || p[2] == '?' ||
		     (p[2] == '.' && (p[3] == '/' || p[3] == '\0' || p[3] == '?'))))
			return false;
	}
	return true;
}
