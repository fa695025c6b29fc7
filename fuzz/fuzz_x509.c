/* libFuzzer target: our DER walk to the TBSCertificate names (x509.c) and the EK certificate
 * reader (x509_ek.c), on hostile certificates. */
#include <stddef.h>
#include <stdint.h>

#include "trustlaunch/ek.h"
#include "trustlaunch/x509.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tl_bytes in = { data, size };
	struct tl_x509_info info;
	struct tl_ek_info ek;

	tl_x509_cache_clear(); /* decode every input, not a cached name */
	if (tl_x509_info(in, &info) == TL_OK) {
		if (!info.subject || !info.issuer)
			__builtin_trap();
		tl_x509_info_clear(&info);
	}
	/* the input as certificate and as its own CA */
	if (tl_ek_verify(in, &in, 1, NULL, &ek) != TL_E_EK_MALFORMED)
		tl_ek_info_clear(&ek);
	return 0;
}
