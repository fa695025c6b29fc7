/* Challenge nonces any service node can check: 32 bytes = issue time (8, big-endian
 * seconds) || microseconds within that second (4, big-endian) || randomness (4) ||
 * HMAC-SHA256(key, VM id || the 16 before) truncated to 16. They expire, and the store
 * accepts each once. Nonces sort in the order they were issued, so the store's unique index
 * of spent nonces grows at its end (one page per group commit, not one per attestation);
 * the seal is what makes them unpredictable. Nonces of earlier versions (8 random bytes
 * after the time) are checked alike. */
#ifndef TL_SERVER_NONCE_H
#define TL_SERVER_NONCE_H

#include <stdint.h>

#include "trustlaunch/err.h"

#define TL_NONCE_LEN 32u
#define TL_NONCE_KEY_LEN 32u
#define TL_NONCE_TTL 300 /* seconds */

/* Its errors, TL_E_NONCE_*, are in trustlaunch/err.h with every other code. */

TL_MUST_CHECK int tl_nonce_make(const uint8_t key[TL_NONCE_KEY_LEN], const char *vm_id,
				int64_t now, uint8_t out[TL_NONCE_LEN]);
/* TL_OK when the nonce was made with key for vm_id and issued at most ttl seconds before now
 * (and not in the future); single use is the store's part. */
TL_MUST_CHECK int tl_nonce_check(const uint8_t key[TL_NONCE_KEY_LEN], const char *vm_id,
				 const uint8_t nonce[TL_NONCE_LEN], int64_t now, int64_t ttl);
/* STATE/nonce.key, created (0600, durably, never replaced) when missing: nodes sharing it
 * check each other's nonces. A key file that is not exactly TL_NONCE_KEY_LEN bytes, a link,
 * or readable by others is refused (TL_E_FILE_*) rather than used or made again. */
TL_MUST_CHECK int tl_nonce_key_load(const char *state_dir, uint8_t key[TL_NONCE_KEY_LEN]);

#endif
