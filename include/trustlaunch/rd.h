/* The bounded reader: the only code that indexes untrusted bytes.
 * A failed read leaves pos unchanged and zeroes the output. */
#ifndef TRUSTLAUNCH_RD_H
#define TRUSTLAUNCH_RD_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#include "trustlaunch/err.h"

struct tl_rd {
	const uint8_t *buf;
	size_t len, pos; /* invariant: pos <= len */
};

/* A borrowed view into someone else's buffer. */
struct tl_bytes {
	const uint8_t *ptr;
	size_t len;
};

void tl_rd_init(struct tl_rd *rd, const uint8_t *buf, size_t len);
void tl_rd_from(struct tl_rd *rd, struct tl_bytes b);
size_t tl_rd_left(const struct tl_rd *rd);
TL_MUST_CHECK int tl_rd_u8(struct tl_rd *rd, uint8_t *out);
TL_MUST_CHECK int tl_rd_be16(struct tl_rd *rd, uint16_t *out);
TL_MUST_CHECK int tl_rd_be32(struct tl_rd *rd, uint32_t *out);
TL_MUST_CHECK int tl_rd_be64(struct tl_rd *rd, uint64_t *out);
TL_MUST_CHECK int tl_rd_le16(struct tl_rd *rd, uint16_t *out);
TL_MUST_CHECK int tl_rd_le32(struct tl_rd *rd, uint32_t *out);
TL_MUST_CHECK int tl_rd_le64(struct tl_rd *rd, uint64_t *out);
TL_MUST_CHECK int tl_rd_bytes(struct tl_rd *rd, size_t n, struct tl_bytes *out);
/* Copies n bytes into out (a fixed-size destination the caller owns). */
TL_MUST_CHECK int tl_rd_copy(struct tl_rd *rd, void *out, size_t n);
TL_MUST_CHECK int tl_rd_skip(struct tl_rd *rd, size_t n);
TL_MUST_CHECK int tl_rd_tpm2b(struct tl_rd *rd, size_t max, struct tl_bytes *out);
TL_MUST_CHECK int tl_rd_sub(struct tl_rd *rd, size_t n, struct tl_rd *child);
/* The unread rest as a view; consumes it. */
struct tl_bytes tl_rd_rest(struct tl_rd *rd);
TL_MUST_CHECK int tl_rd_end(const struct tl_rd *rd);
/* The bytes read since the reader was at start (start <= pos), as a view. */
struct tl_bytes tl_rd_since(const struct tl_rd *rd, size_t start);
/* The next line without its '\n' (the last may lack one); false at the end. */
bool tl_rd_line(struct tl_rd *rd, struct tl_bytes *line);
/* How many bytes from pos on are printable ASCII (0x20-0x7E), without consuming them. */
size_t tl_rd_span_printable(const struct tl_rd *rd);
/* How many bytes from pos on are base64 characters (A-Z a-z 0-9 + / =), without consuming. */
size_t tl_rd_span_b64(const struct tl_rd *rd);
/* Decodes whole groups of four base64 characters (url: the base64url alphabet) into out
 * while they are plain alphabet characters, at most max bytes, and always leaves the last
 * group (it may be padded) and anything that is not a plain group unread. Returns the bytes
 * written; the caller decodes the rest carefully. */
size_t tl_rd_b64_groups(struct tl_rd *rd, int url, uint8_t *out, size_t max);

/* Byte-level helpers on views, so that no caller indexes untrusted bytes itself. */
bool tl_bytes_eq(struct tl_bytes a, const void *b, size_t n);
bool tl_bytes_all(struct tl_bytes a, uint8_t v);
bool tl_bytes_has_prefix(struct tl_bytes a, const char *prefix);
/* The view without a trailing run of NUL bytes. */
struct tl_bytes tl_bytes_rstrip_nul(struct tl_bytes a);
/* Byte i of a, or -1 when i is out of range. */
int tl_bytes_at(struct tl_bytes a, size_t i);

#endif
