/* Internal: a TPM2B with its type's maximum, mapped to the TPM 2.0 error codes. */
#ifndef TL_TPM2_TPM2B_H
#define TL_TPM2_TPM2B_H

#include "trustlaunch/rd.h"

static inline int tl_tpm2b(struct tl_rd *rd, size_t max, struct tl_bytes *out)
{
	int err = tl_rd_tpm2b(rd, max, out);
	return err == TL_OK ? TL_OK : err == TL_E_ARG ? TL_E_TPM2_SIZE : TL_E_TPM2_MALFORMED;
}

#endif
