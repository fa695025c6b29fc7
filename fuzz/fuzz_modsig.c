/* libFuzzer target: kernel module appended signatures (structure and PKCS#7). */
#include <stddef.h>
#include <stdint.h>

#include "trustlaunch/modsig.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tl_modsig sig;
	struct tl_modsig_result res;
	struct tl_bytes none = { NULL, 0 };
	if (tl_modsig_parse((struct tl_bytes){ data, size }, &sig) != TL_OK)
		return 0;
	if (sig.content.len + sig.pkcs7.len + 40 != size)
		__builtin_trap();
	if (tl_modsig_verify(&sig, &none, 1, &res) == TL_OK)
		__builtin_trap(); /* nothing verifies without a trusted certificate */
	return 0;
}
