/* Base64 (RFC 4648 §4: standard alphabet, padded) and base64url (§5: URL alphabet, never
 * padded, as JOSE uses it). Decoding is strict: one spelling per byte string, so that two
 * texts never stand for the same bytes. */
#ifndef TRUSTLAUNCH_B64_H
#define TRUSTLAUNCH_B64_H

#include <stddef.h>
#include <stdint.h>

#include "trustlaunch/err.h"

/* Characters of the encoding of n bytes, without the terminating NUL. */
size_t tl_b64_encoded_len(size_t n);
size_t tl_b64url_encoded_len(size_t n);

/* Writes the text and a NUL into out; cap is the size of out. TL_E_ARG when it does not fit
 * (out is then the empty string when cap > 0). */
TL_MUST_CHECK int tl_b64_encode(const uint8_t *in, size_t n, char *out, size_t cap);
TL_MUST_CHECK int tl_b64url_encode(const uint8_t *in, size_t n, char *out, size_t cap);

/* Decodes len characters of in (no NUL needed) into at most max bytes of out and sets *out_len.
 * TL_E_B64 for a character outside the alphabet (whitespace included), padding that is missing,
 * misplaced or (base64url) present at all, a length no encoding has, or non-zero bits after the
 * last byte; TL_E_B64_SIZE when the bytes would not fit in max. On error *out_len is 0. */
TL_MUST_CHECK int tl_b64_decode(const char *in, size_t len, uint8_t *out, size_t max,
				size_t *out_len);
TL_MUST_CHECK int tl_b64url_decode(const char *in, size_t len, uint8_t *out, size_t max,
				   size_t *out_len);

#endif
