/* TPM2_MakeCredential in software (TPM 2.0 Part 1, 24: "Credential protection"): binds a
 * secret to an AK name under an EK, so that only the TPM holding both can recover it with
 * TPM2_ActivateCredential. */
#ifndef TRUSTLAUNCH_CREDENTIAL_H
#define TRUSTLAUNCH_CREDENTIAL_H

#include "trustlaunch/tpm2.h"

#define TL_CREDENTIAL_MAX_SECRET 64u /* a TPM2B_DIGEST */
#define TL_CREDENTIAL_MAX_BLOB 1024u

/* The blob `tpm2_activatecredential -i` reads: 0xBADCC0DE, version 1, TPM2B_ID_OBJECT,
 * TPM2B_ENCRYPTED_SECRET. The EK is RSA (OAEP seed) or ECC P-256/P-384 (ECDH seed) with an
 * AES-CFB symmetric definition; ak_name is nameAlg || digest. */
TL_MUST_CHECK int tl_credential_make(const struct tl_tpm2_public *ek, struct tl_bytes ak_name,
				     struct tl_bytes secret,
				     uint8_t out[static TL_CREDENTIAL_MAX_BLOB], size_t *len);
#define TL_CREDENTIAL_MAX_ID 132u          /* TPMS_ID_OBJECT: two TPM2B_DIGESTs */
#define TL_CREDENTIAL_MAX_ENC_SECRET 512u  /* TPMU_ENCRYPTED_SECRET: an RSA-4096 block */

/* Splits such a blob (the agent receives it from the service) into the contents of its
 * TPM2B_ID_OBJECT and TPM2B_ENCRYPTED_SECRET, views into blob. TL_E_TPM2_MALFORMED for
 * another magic or version, TL_E_TPM2_SIZE for a size over its type's maximum,
 * TL_E_TRUNCATED / TL_E_TRAILING for a blob that ends early or goes on. */
TL_MUST_CHECK int tl_credential_parse(struct tl_bytes blob, struct tl_bytes *id_object,
				      struct tl_bytes *enc_secret);
/* TL_OK when the secret a TPM returned is the expected one (compared in constant time);
 * credential.secret_mismatch otherwise. Neither value appears in any error. */
TL_MUST_CHECK int tl_credential_check(struct tl_bytes expected, struct tl_bytes returned);

#endif
