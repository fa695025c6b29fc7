/* libFuzzer target: every TPM 2.0 unmarshaller (and the MakeCredential blob reader) on the same input, and the quote verifier
 * with the input as attestation (key and signature fixed), so its checks run on hostile
 * structures. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "trustlaunch/credential.h"
#include "trustlaunch/quote.h"
#include "trustlaunch/tpm2.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tl_bytes in = { data, size };
	struct tl_tpm2_public pub;
	struct tl_tpm2_attest at;
	struct tl_tpm2_signature sig;
	struct tl_pcr_selection sel;
	struct tl_rd rd;
	uint8_t name[TL_TPM2_MAX_NAME];
	size_t n;

	if (tl_tpm2_public_parse(in, &pub) == TL_OK) {
		struct tl_tpm2_key *key;
		if (tl_tpm2_public_name(&pub, name, &n) == TL_OK && n > TL_TPM2_MAX_NAME)
			__builtin_trap();
		if (tl_tpm2_key_new(&pub, &key) == TL_OK)
			tl_tpm2_key_free(key);
	}
	if (tl_tpm2_attest_parse(in, &at) == TL_OK && at.type == TL_ST_ATTEST_QUOTE) {
		struct tl_pcr_values v;
		if (tl_pcr_values_from_raw(&v, &at.pcr_select, (struct tl_bytes){ data, size }) ==
		    TL_OK && v.nbanks > TL_TPM2_MAX_PCR_BANKS)
			__builtin_trap();
	}
	if (tl_tpm2_signature_parse(in, &sig) == TL_OK && sig.rsa.len > TL_TPM2_MAX_RSA_BYTES)
		__builtin_trap();
	struct tl_bytes id, enc;
	if (tl_credential_parse(in, &id, &enc) == TL_OK &&
	    (id.len > TL_CREDENTIAL_MAX_ID || enc.len > TL_CREDENTIAL_MAX_ENC_SECRET ||
	     12 + id.len + enc.len != size))
		__builtin_trap();
	tl_rd_from(&rd, in);
	if (tl_tpm2_pcr_selection(&rd, &sel) == TL_OK && (sel.count == 0 || rd.pos > size))
		__builtin_trap();
	return 0;
}
