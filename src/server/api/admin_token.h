/* Internal: the admin token at start (STATE/admin.token). */
#ifndef TL_SERVER_ADMIN_TOKEN_H
#define TL_SERVER_ADMIN_TOKEN_H

#include <stddef.h>

#include "store.h"

/* When STATE/admin.token is missing: a new token is written (0600, durably) first, and its
 * hash stored after, so a failed write never leaves a stored token nobody holds. When it
 * exists but its hash is not stored and the store holds no admin token (a new database with
 * an old state directory, or a start that failed after the file was written), it is
 * registered again. On failure, why says what to do. */
TL_MUST_CHECK int tl_admin_token_ensure(struct tl_store *store, const char *dir, char *why,
					size_t why_len);

#endif
