/* Internal: one DER TLV through the bounded reader (short tags, lengths up to 3 bytes). */
#ifndef TL_DER_H
#define TL_DER_H

#include <stdint.h>

#include "trustlaunch/rd.h"

/* Reads a TLV: its tag, its contents and the whole encoding. A failed read moves nothing. */
int tl_der_tlv(struct tl_rd *rd, uint8_t *tag, struct tl_bytes *content, struct tl_bytes *whole);

#endif
