/* The route table's matcher and the request-target check on arbitrary paths: no crash, and
 * what they accept keeps its promises (a matched row has the method asked; parameters fit;
 * an accepted target has no dot segment and no encoded NUL). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "route.h"

static const char *const methods[] = { "GET", "POST", "PUT", "DELETE", "PATCH", "HEAD" };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tl_route_params p;
	char allow[TL_ROUTE_ALLOW_LEN], *path;
	const struct tl_route *table, *row;
	const char *method;
	size_t n;

	if (size < 1 || size > 4096)
		return 0;
	method = methods[data[0] % (sizeof(methods) / sizeof(methods[0]))];
	if (!(path = calloc(1, size)))
		return 0;
	memcpy(path, data + 1, size - 1); /* up to the first NUL, as libmicrohttpd hands it */
	table = tl_api_routes(&n);
	if (tl_route_match(table, n, method, path, &row, &p, allow) == TL_ROUTE_FOUND) {
		if (!row || strcmp(row->method, method) != 0)
			abort();
		if (strlen(p.vm) > TL_ROUTE_MAX_PARAM || strlen(p.eid) > TL_ROUTE_MAX_PARAM ||
		    strlen(p.token) > TL_ROUTE_MAX_PARAM)
			abort();
	} else if (row) {
		abort();
	}
	if (tl_route_target_ok(path)) {
		char *query = strchr(path, '?');
		if (query)
			*query = '\0'; /* the query is the handlers' to check */
		if (strstr(path, "/../") || strstr(path, "/./") || strstr(path, "%00") ||
		    path[0] != '/')
			abort();
	}
	free(path);
	return 0;
}
