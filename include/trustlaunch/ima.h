/* The IMA measurement list (securityfs ima/binary_runtime_measurements) and the PCR values
 * it leads to. Linux extends every PCR bank of a TPM 2.0 with the template data hashed by
 * that bank's algorithm (ima_calc_field_array_hash), not with the SHA-1 template hash the
 * list shows; a violation extends all ones in every bank. So the replay hashes each entry's
 * template data: SHA-1 (which must equal the logged hash) and SHA-256 (docs/eventlog.md). */
#ifndef TRUSTLAUNCH_IMA_H
#define TRUSTLAUNCH_IMA_H

#include <stdbool.h>
#include <stdint.h>

#include "trustlaunch/hash.h"
#include "trustlaunch/rd.h"

struct tl_ima_replay {
	size_t nentries;
	uint32_t mask;                               /* bit i: the list extends PCR i */
	uint8_t sha1[TL_NUM_PCRS][TL_SHA1_LEN];      /* from the reset values */
	uint8_t sha256[TL_NUM_PCRS][TL_SHA256_LEN];
	/* The first entry is boot_aggregate with a d-ng digest of this algorithm (TL_ALG_SHA1 or
	 * TL_ALG_SHA256); 0 when there is none or its algorithm is another. */
	uint16_t aggregate_alg;
	uint8_t aggregate[TL_MAX_DIGEST];
};

/* Where a list stopped parsing: the byte offset of the entry and its index. */
struct tl_ima_diag {
	size_t offset, entry;
};

/* Parses and replays a whole list (little-endian, as x86 kernels write it). TL_OK or
 * ima.* (truncated, too_large, pcr_out_of_range, template_unsupported, field_malformed,
 * template_digest_mismatch), TL_E_CRYPTO. diag may be NULL. */
TL_MUST_CHECK int tl_ima_replay(struct tl_bytes list, struct tl_ima_replay *out,
				struct tl_ima_diag *diag);

/* PCR pcr of bank alg as the list leaves it; NULL when the list does not extend it or alg is
 * not SHA-1 or SHA-256 (then the list says nothing about it). */
const uint8_t *tl_ima_pcr(const struct tl_ima_replay *r, uint16_t alg, unsigned pcr);

#endif
