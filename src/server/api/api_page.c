/* Paged lists: ?limit=N&cursor=C answer at most N items after the cursor, and "next_cursor"
 * when there are more. A cursor is the key of the last item of the page before: "<number>"
 * (attestations: the id) or "<number>.<key>" (VMs: created and id; tokens: created and id).
 * Clients treat it as opaque; the service checks every byte of it. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"

static bool number(const char *s, size_t n, int64_t *out)
{
	char buf[24];
	char *end;
	long long v;
	if (n == 0 || n > 19 || strspn(s, "0123456789") < n)
		return false;
	memcpy(buf, s, n);
	buf[n] = '\0';
	errno = 0;
	v = strtoll(buf, &end, 10);
	if (errno || *end)
		return false;
	*out = (int64_t)v;
	return true;
}

bool tl_api_cursor_parse(const char *c, bool (*key_ok)(const char *key), int64_t *num,
			 char key[static TL_API_CURSOR_KEY])
{
	size_t len = strnlen(c, TL_API_CURSOR_MAX + 1), digits = strspn(c, "0123456789");
	int64_t n;
	if (len > TL_API_CURSOR_MAX || !number(c, digits, &n))
		return false;
	if (!key_ok) {
		if (digits != len || n <= 0)
			return false;
		*num = n;
		key[0] = '\0';
		return true;
	}
	if (c[digits] != '.' || len - digits - 1 >= TL_API_CURSOR_KEY || !key_ok(c + digits + 1))
		return false;
	*num = n;
	snprintf(key, TL_API_CURSOR_KEY, "%s", c + digits + 1);
	return true;
}

bool tl_api_page_args(struct tl_req *r, size_t dflt, bool (*key_ok)(const char *key),
		      struct tl_api_page *pg, struct tl_resp *resp)
{
	const char *lim = tl_http_arg(r, "limit"), *cur = tl_http_arg(r, "cursor");
	char msg[96];
	int64_t limit = (int64_t)dflt;
	memset(pg, 0, sizeof(*pg));
	if (lim && (!number(lim, strlen(lim), &limit) || limit < 1 || limit > TL_API_LIST_MAX)) {
		snprintf(msg, sizeof(msg), "limit must be 1 to %d", TL_API_LIST_MAX);
		*resp = tl_http_error(400, "request.field", msg, "limit");
		return false;
	}
	pg->limit = (size_t)limit;
	if (cur &&
	    !(pg->has_cursor = tl_api_cursor_parse(cur, key_ok, &pg->after_num, pg->after_key))) {
		*resp = tl_http_error(400, "request.field",
				      "cursor is not one this list gave (next_cursor)", "cursor");
		return false;
	}
	if (!(pg->items = json_array())) {
		*resp = tl_http_error(503, "server.busy", "out of memory", NULL);
		return false;
	}
	return true;
}

bool tl_api_page_take(struct tl_api_page *pg)
{
	if (pg->n < pg->limit)
		return true;
	pg->more = true; /* the store was asked for one more than the page */
	return false;
}

void tl_api_page_add(struct tl_api_page *pg, json_t *item, int64_t num, const char *key)
{
	json_array_append_new(pg->items, item);
	pg->n++;
	if (key)
		snprintf(pg->next, sizeof(pg->next), "%" PRId64 ".%s", num, key);
	else
		snprintf(pg->next, sizeof(pg->next), "%" PRId64, num);
}

json_t *tl_api_page_answer(struct tl_api_page *pg, json_t *o, const char *name)
{
	json_object_set_new(o, name, pg->items);
	pg->items = NULL;
	json_object_set_new(o, "next_cursor", pg->more ? json_string(pg->next) : json_null());
	return o;
}

void tl_api_page_free(struct tl_api_page *pg)
{
	json_decref(pg->items);
	pg->items = NULL;
}
