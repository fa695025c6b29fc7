/* The keys the service signs its attestation tokens with: EC P-256, kept in STATE/jwt/ (0700)
 * as <kid>.pem (0600), kid the RFC 7638 thumbprint. The file `current` lists the kids kept, one
 * a line, the current (signing) key first. Rotation makes a new current key and keeps the
 * previous ones published, so that tokens they signed still verify until they expire. */
#ifndef TL_SERVER_JWTKEYS_H
#define TL_SERVER_JWTKEYS_H

#include <jansson.h>

#include "trustlaunch/err.h"
#include "trustlaunch/jwt.h"

#define TL_JWTKEYS_KEEP 3u /* keys published: the current one and two before it */

struct tl_jwtkeys;

/* Loads STATE/jwt/, creating the directory and a first key when there is none.
 * TL_E_JWT_KEYSTORE when a file is missing, not private to this user or not a P-256 key whose
 * thumbprint is its name; TL_E_IO when the files cannot be read or written. */
TL_MUST_CHECK int tl_jwtkeys_load(const char *state_dir, struct tl_jwtkeys **out);
void tl_jwtkeys_free(struct tl_jwtkeys *k);

/* A token over claims signed with the current key (see tl_jwt_sign_es256). Safe to call from
 * any number of threads, also while another thread rotates. */
TL_MUST_CHECK int tl_jwtkeys_sign(struct tl_jwtkeys *k, json_t *claims, char **jwt);
/* {"keys":[...]}: the public JWK of every key kept, the current one first; a new object the
 * caller owns, NULL when out of memory. */
json_t *tl_jwtkeys_jwks(struct tl_jwtkeys *k);
/* The kid of the current key. */
void tl_jwtkeys_current(struct tl_jwtkeys *k, char kid[static TL_JWK_KID_LEN + 1]);

/* A new key becomes current; the oldest beyond TL_JWTKEYS_KEEP is unpublished and its file
 * deleted. One process rotates a state directory: other nodes sharing it see the new key when
 * they load it again. */
TL_MUST_CHECK int tl_jwtkeys_rotate(struct tl_jwtkeys *k);

#endif
