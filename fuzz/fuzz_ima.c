/* libFuzzer target: the IMA measurement list parser and replay. */
#include <stddef.h>
#include <stdint.h>

#include "trustlaunch/ima.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tl_ima_replay r;
	struct tl_ima_diag diag;
	if (tl_ima_replay((struct tl_bytes){ data, size }, &r, &diag) != TL_OK) {
		if (diag.offset >= size)
			__builtin_trap(); /* a failure is at an entry that starts inside the list */
		return 0;
	}
	for (unsigned i = 0; i < TL_NUM_PCRS; i++)
		if ((tl_ima_pcr(&r, TL_ALG_SHA256, i) != NULL) != ((r.mask >> i) & 1u))
			__builtin_trap();
	return 0;
}
