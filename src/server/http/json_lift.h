/* Internal: large base64 strings lifted out of a JSON body before it is parsed. jansson reads
 * ~15 ns a byte; an attestation body is ~20 KB of one base64 event log, which made parsing
 * the body the largest cost of an attestation. The lift finds the named top-level members
 * whose value is a string of base64 characters only, hands out their text, and leaves ""
 * in their place; jansson then checks the rest as usual (duplicate keys included). When the
 * body is not the shape expected, nothing is lifted and jansson sees it whole. */
#ifndef TL_SERVER_JSON_LIFT_H
#define TL_SERVER_JSON_LIFT_H

#include <stddef.h>

#include "trustlaunch/rd.h"

#define TL_LIFT_MIN 256 /* shorter values are left in place */

struct tl_lift {
	const char *key;      /* in: a top-level member name */
	struct tl_bytes text; /* out: its base64 text (a view into the body), or empty */
	int count;            /* out: how many members of that name were lifted */
};

/* The body without the lifted values (malloc'd, NUL-terminated), or NULL when nothing was
 * lifted (then parse body itself, and every count is 0). */
char *tl_json_lift(const char *body, size_t len, struct tl_lift *lifts, size_t n,
		   size_t *rest_len);

#endif
