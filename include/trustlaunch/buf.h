/* A growable text buffer with a size limit. Errors are sticky: append freely, check once. */
#ifndef TRUSTLAUNCH_BUF_H
#define TRUSTLAUNCH_BUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "trustlaunch/err.h"

struct tl_buf {
	char *s;      /* NUL-terminated while not failed */
	size_t len, cap, max;
	int err;      /* first error: TL_E_NOMEM, or TL_E_ARG when max was reached */
};

void tl_buf_init(struct tl_buf *b, size_t max);
void tl_buf_free(struct tl_buf *b);
void tl_buf_putc(struct tl_buf *b, char c);
void tl_buf_put(struct tl_buf *b, const char *s, size_t n);
void tl_buf_puts(struct tl_buf *b, const char *s);
void tl_buf_printf(struct tl_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Little-endian integers (binary structures built in a buffer). */
void tl_buf_le16(struct tl_buf *b, uint16_t v);
void tl_buf_le32(struct tl_buf *b, uint32_t v);
void tl_buf_le64(struct tl_buf *b, uint64_t v);
/* The text ("" when empty); valid until the next append or free. */
const char *tl_buf_str(const struct tl_buf *b);
/* Hands the string over to the caller (NULL on error); the buffer is empty afterwards. */
char *tl_buf_take(struct tl_buf *b);

#endif
