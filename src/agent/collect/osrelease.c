/* /etc/os-release (os-release(5)): KEY=VALUE lines, '#' comments and blank lines. A value is
 * bare (no spaces, quotes, '\', '$' or '`'), in single quotes (taken as is) or in double
 * quotes, where '\' escapes '"', '\', '$' and '`' and stands for itself before anything
 * else; os-release does not expand variables, so an unescaped '$' or '`' is malformed.
 * And the uname line, from struct utsname fields the caller got from uname(2). */
#include <stdio.h>
#include <string.h>

#include "collect.h"

enum { SEEN_ID = 1, SEEN_VERSION_ID = 2, SEEN_PRETTY_NAME = 4 };

/* A value being unquoted into a bounded, printable copy. */
struct value {
	char s[TL_OSREL_VALUE];
	size_t len;
	bool cut;
};

static void put(struct value *v, int c)
{
	if (v->len + 1 >= sizeof(v->s)) {
		v->cut = true;
		return;
	}
	v->s[v->len++] = c >= 0x20 && c < 0x7F ? (char)c : '?';
}

static bool blank(int c)
{
	return c == ' ' || c == '\t';
}

static bool key_char(int c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       c == '_';
}

static bool bare_char(int c)
{
	return c > 0x20 && c < 0x7F && !strchr("\"'\\$`", c);
}

/* The value at *i into v; false when it is malformed. */
static bool quoted(struct tl_bytes l, size_t *i, struct value *v)
{
	int q = tl_bytes_at(l, (*i)++), c;

	while ((c = tl_bytes_at(l, (*i)++)) != q) {
		if (c < 0x20 || c == 0x7F) /* the end of the line, or a control byte */
			return false;
		if (q == '"' && (c == '$' || c == '`'))
			return false;
		if (q == '"' && c == '\\') {
			int e = tl_bytes_at(l, *i);
			if (e == '"' || e == '\\' || e == '$' || e == '`') {
				c = e;
				(*i)++;
			}
		}
		put(v, c);
	}
	return true;
}

static bool value(struct tl_bytes l, size_t i, struct value *v)
{
	int c = tl_bytes_at(l, i);

	if (c == '"' || c == '\'') {
		if (!quoted(l, &i, v))
			return false;
	} else {
		for (; bare_char(c = tl_bytes_at(l, i)) || c >= 0x80; i++)
			put(v, c);
	}
	while (blank(tl_bytes_at(l, i)))
		i++;
	v->s[v->len] = '\0';
	return tl_bytes_at(l, i) < 0;
}

static char *kept(struct tl_osrelease *o, struct tl_bytes key, unsigned *bit)
{
	if (tl_bytes_eq(key, "ID", 2)) {
		*bit = SEEN_ID;
		return o->id;
	}
	if (tl_bytes_eq(key, "VERSION_ID", 10)) {
		*bit = SEEN_VERSION_ID;
		return o->version_id;
	}
	if (tl_bytes_eq(key, "PRETTY_NAME", 11)) {
		*bit = SEEN_PRETTY_NAME;
		return o->pretty_name;
	}
	return NULL;
}

static void assignment(struct tl_osrelease *o, struct tl_bytes l, unsigned *seen)
{
	struct value v = { .len = 0 };
	struct tl_rd rd;
	struct tl_bytes key;
	size_t i = 0, start;
	unsigned bit = 0;
	char *dst;

	if (tl_bytes_at(l, l.len - 1) == '\r') /* written on another system */
		l.len--;
	while (blank(tl_bytes_at(l, i)))
		i++;
	if (tl_bytes_at(l, i) < 0 || tl_bytes_at(l, i) == '#')
		return;
	for (start = i; key_char(tl_bytes_at(l, i)); i++)
		;
	tl_rd_from(&rd, l);
	if (i == start || tl_bytes_at(l, i) != '=' || tl_rd_skip(&rd, start) != TL_OK ||
	    tl_rd_bytes(&rd, i - start, &key) != TL_OK || !value(l, i + 1, &v)) {
		o->malformed++;
		return;
	}
	dst = kept(o, key, &bit);
	if (!dst)
		return;
	if (*seen & bit)
		o->duplicates++;
	*seen |= bit;
	if (v.cut)
		o->truncated++;
	memcpy(dst, v.s, sizeof(v.s));
}

int tl_osrelease_parse(struct tl_bytes text, struct tl_osrelease *out)
{
	struct tl_rd rd;
	struct tl_bytes line;
	unsigned seen = 0;

	if (!out || (text.len > 0 && !text.ptr))
		return TL_E_ARG;
	memset(out, 0, sizeof(*out));
	if (text.len > TL_OSREL_MAX_TEXT)
		return TL_E_ARG;
	tl_rd_from(&rd, text);
	while (tl_agent_line(&rd, TL_OSREL_MAX_TEXT, &line))
		assignment(out, line, &seen);
	return TL_OK;
}

void tl_uname_format(char out[static TL_UNAME_STR], const char *sysname, const char *release,
		     const char *version, const char *machine)
{
	const char *in[4] = { sysname, release, version, machine };
	char f[4][TL_UNAME_FIELD];

	for (size_t k = 0; k < 4; k++) {
		const char *s = in[k] ? in[k] : "";
		struct tl_bytes b = { (const uint8_t *)s, strnlen(s, TL_UNAME_FIELD - 1) };
		(void)tl_agent_printable(f[k], sizeof(f[k]), b);
		if (f[k][0] == '\0')
			snprintf(f[k], sizeof(f[k]), "?");
	}
	snprintf(out, TL_UNAME_STR, "%s %s %s %s", f[0], f[1], f[2], f[3]);
}
