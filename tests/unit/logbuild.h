/* Test helper: builds TCG event logs byte by byte, with digests computed for every bank. */
#ifndef TL_TEST_LOGBUILD_H
#define TL_TEST_LOGBUILD_H

#include <stddef.h>
#include <stdint.h>

struct lb {
	uint8_t *buf;
	size_t len, cap;
	uint32_t nalgs;
	uint16_t alg[8];
};

void lb_free(struct lb *b);
void lb_put(struct lb *b, const void *p, size_t n);
void lb_u8(struct lb *b, uint8_t v);
void lb_le16(struct lb *b, uint16_t v);
void lb_le32(struct lb *b, uint32_t v);
void lb_le64(struct lb *b, uint64_t v);

/* The Spec ID event with the given algorithms and digest sizes (sizes NULL: the right
 * ones). */
void lb_specid(struct lb *b, const uint16_t *algs, const uint16_t *sizes, uint32_t n);
/* A TCG_PCR_EVENT2 whose digests are the hashes of data in every declared bank. */
void lb_event(struct lb *b, uint32_t pcr, uint32_t type, const void *data, size_t len);
/* The same, with the digests of other bytes than the data. */
void lb_event_digesting(struct lb *b, uint32_t pcr, uint32_t type, const void *data, size_t len,
			const void *hashed, size_t hlen);
/* UEFI_VARIABLE_DATA for vendor GUID (16 bytes), an ASCII name, and data. */
void lb_var(struct lb *out, const uint8_t guid[16], const char *name, const void *data,
	    size_t len);
/* An agile SHA-256 log with Spec ID; the caller adds events. */
void lb_sha256_log(struct lb *b);

#endif
