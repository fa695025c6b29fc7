/* The route table's shape: one row per endpoint (method, path pattern, minimum role, body
 * limit, handler), matched before any byte of the body is read. The table is in
 * api/routes.c; matching is pure (no sockets, no store) so that it is tested on its own. */
#ifndef TL_SERVER_ROUTE_H
#define TL_SERVER_ROUTE_H

#include <stdbool.h>
#include <stddef.h>

#include "trustlaunch/err.h"

/* Who may call: ordered, a higher role may do what a lower one may. TL_ROLE_NONE: no bearer
 * token (the agent's endpoints, health, the public keys). */
enum tl_role { TL_ROLE_NONE = 0, TL_ROLE_READER, TL_ROLE_OPERATOR, TL_ROLE_ADMIN };

/* "reader" | "operator" | "admin" -> the enum; TL_E_ARG for anything else. */
TL_MUST_CHECK int tl_role_parse(const char *text, enum tl_role *out);
const char *tl_role_name(enum tl_role role);

/* What a row asks before the body is read, beyond the role. */
enum tl_route_gate {
	TL_GATE_ROLE = 0,  /* the role alone (none for TL_ROLE_NONE) */
	TL_GATE_ENROLLED,  /* the VM in {vm} exists and is enrolled (the agent's attest) */
};

#define TL_ROUTE_MAX_PARAM 64 /* a path parameter's characters at most */
#define TL_ROUTE_MAX_SEGMENTS 8
#define TL_ROUTE_ALLOW_LEN 48 /* "GET, PUT, POST, DELETE" and some */

/* The parameters a pattern names: {vm}, {eid} (an enrolment), {token} (a token's id). */
struct tl_route_params {
	char vm[TL_ROUTE_MAX_PARAM + 1];
	char eid[TL_ROUTE_MAX_PARAM + 1];
	char token[TL_ROUTE_MAX_PARAM + 1];
};

struct tl_req;
struct tl_resp;

struct tl_route {
	const char *method;
	const char *pattern; /* "/v1/vms/{vm}/attest": literal segments and {name} parameters */
	enum tl_role min_role;
	enum tl_route_gate gate;
	size_t max_body;     /* bytes; a larger Content-Length is refused (413) unread */
	struct tl_resp (*handler)(struct tl_req *r);
};

enum tl_route_result {
	TL_ROUTE_FOUND = 0,
	TL_ROUTE_NO_PATH,    /* no row has this path: 404 */
	TL_ROUTE_NO_METHOD,  /* rows have this path, none this method: 405, allow filled */
};

/* The row for method and path (no query string: libmicrohttpd splits it off); params are
 * filled on TL_ROUTE_FOUND, allow ("GET, PUT") on TL_ROUTE_NO_METHOD. */
enum tl_route_result tl_route_match(const struct tl_route *table, size_t n, const char *method,
				    const char *path, const struct tl_route **out,
				    struct tl_route_params *params, char allow[TL_ROUTE_ALLOW_LEN]);

/* A request target that must be refused before routing: a dot segment ("/./", "/../", also
 * percent-encoded), an encoded NUL or slash, a control character, or not starting with "/".
 * raw is the target as sent (before percent-decoding). */
bool tl_route_target_ok(const char *raw);

#endif
