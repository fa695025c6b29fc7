/* libFuzzer target: PE/COFF headers, the Authenticode digest, the certificate table and the
 * PKCS#7 signatures inside it. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "trustlaunch/hash.h"
#include "trustlaunch/pe.h"
#include "trustlaunch/pkcs7.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct tl_pe pe;
	struct tl_pe_signers s;
	struct tl_bytes sbat;
	uint8_t d[TL_MAX_DIGEST];

	if (tl_pe_parse((struct tl_bytes){ data, size }, &pe) != TL_OK)
		return 0;
	if (tl_pe_authenticode(&pe, TL_ALG_SHA256, d) != TL_OK)
		__builtin_trap(); /* a parsed image always has a digest */
	(void)tl_pe_section(&pe, ".sbat", &sbat);
	if (tl_pe_signers(&pe, &s) == TL_OK)
		tl_pe_signers_clear(&s);
	return 0;
}
