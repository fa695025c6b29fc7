/* `name = value` configuration lines (include/trustlaunch/conf.h). */
#include <string.h>

#include "trustlaunch/conf.h"

static bool blank(int c)
{
	return c == ' ' || c == '\t';
}

static bool name_char(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
}

/* The line without comment, CR and surrounding blanks, as a view. */
static struct tl_bytes trimmed(struct tl_bytes l)
{
	size_t start = 0, end = 0;

	while (end < l.len && tl_bytes_at(l, end) != '#')
		end++;
	while (start < end && blank(tl_bytes_at(l, start)))
		start++;
	while (end > start && (blank(tl_bytes_at(l, end - 1)) || tl_bytes_at(l, end - 1) == '\r'))
		end--;
	struct tl_rd rd;
	struct tl_bytes out = { NULL, 0 };
	tl_rd_from(&rd, l);
	if (tl_rd_skip(&rd, start) || tl_rd_bytes(&rd, end - start, &out))
		out = (struct tl_bytes){ NULL, 0 };
	return out;
}

/* Splits "name = value" into NUL-terminated copies; false when it is not one. */
static bool split(struct tl_bytes l, char name[static TL_CONF_MAX_LINE],
		  char value[static TL_CONF_MAX_LINE])
{
	size_t i = 0, n = 0, v = 0;

	while (i < l.len && name_char(tl_bytes_at(l, i)))
		name[n++] = (char)tl_bytes_at(l, i++);
	name[n] = '\0';
	while (i < l.len && blank(tl_bytes_at(l, i)))
		i++;
	if (n == 0 || i == l.len || tl_bytes_at(l, i) != '=')
		return false;
	i++;
	while (i < l.len && blank(tl_bytes_at(l, i)))
		i++;
	for (; i < l.len; i++) {
		int c = tl_bytes_at(l, i);
		if (c < 0x20 || c > 0x7e)
			return false;
		value[v++] = (char)c;
	}
	value[v] = '\0';
	return true;
}

int tl_conf_parse(struct tl_bytes text, tl_conf_set_fn set, void *ctx, unsigned *line)
{
	static _Thread_local char name[TL_CONF_MAX_LINE], value[TL_CONF_MAX_LINE];
	struct tl_rd rd;
	unsigned n = 0;

	*line = 0;
	if (text.len > TL_CONF_MAX_TEXT)
		return TL_E_ARG;
	tl_rd_from(&rd, text);
	struct tl_bytes l;
	while (tl_rd_line(&rd, &l)) {
		n++;
		if (l.len >= TL_CONF_MAX_LINE) {
			*line = n;
			return TL_E_ARG;
		}
		l = trimmed(l);
		if (l.len == 0)
			continue;
		if (!split(l, name, value) || !set(ctx, name, value)) {
			*line = n;
			return TL_E_ARG;
		}
	}
	return TL_OK;
}
