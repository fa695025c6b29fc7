/* The agent's TPM, through tpm2-tss ESAPI (tpm*.c; tss2 types stay inside those files). What
 * it needs and nothing more: the EK (certificate from NV, key from the TCG default template),
 * an attestation key kept at a persistent handle, TPM2_ActivateCredential, TPM2_Quote with the
 * PCR values it covers, and PCR_Extend for replaying a log into a software TPM.
 * Every failure leaves a sentence in tl_tpm_why(): what was asked, what the TPM said. */
#ifndef TRUSTLAUNCH_AGENT_TPM_H
#define TRUSTLAUNCH_AGENT_TPM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "trustlaunch/credential.h"
#include "trustlaunch/err.h"
#include "trustlaunch/quote.h"
#include "trustlaunch/tpm2.h"

#define TL_TPM_DEFAULT_TCTI "device:/dev/tpmrm0"
#define TL_TPM_AK_HANDLE 0x81000003u   /* the agent's AK, by default */
#define TL_TPM_EK_HANDLE 0x81010001u   /* TCG EK Credential Profile: the RSA EK, when persisted */
#define TL_TPM_EK_CERT_RSA 0x01c00002u /* NV index of the RSA 2048 EK certificate */
#define TL_TPM_EK_CERT_ECC 0x01c0000au /* NV index of the ECC P-256 EK certificate */
#define TL_TPM_MAX_EK_CERT 4096u       /* an EK certificate, DER */
#define TL_TPM_MAX_SIG 1024u           /* a marshalled TPMT_SIGNATURE (RSA 4096 fits) */
#define TL_TPM_WHY 512u

struct tl_tpm;

enum tl_tpm_alg { TL_TPM_RSA = 0, TL_TPM_ECC = 1 };

/* Opens the TPM named by a TCTI configuration (`device:/dev/tpmrm0`, `swtpm:host=H,port=P`,
 * `mssim:host=H,port=P`; NULL: the default, or /dev/tpm0 when there is no resource manager).
 * TL_E_TPM_ABSENT with an explanation when there is no TPM. *why receives the reason of a
 * failure (also when *out could not be made). */
TL_MUST_CHECK int tl_tpm_open(const char *tcti, struct tl_tpm **out, char why[static TL_TPM_WHY]);
/* Flushes the transient objects this agent loaded and closes the TCTI. NULL is fine. */
void tl_tpm_close(struct tl_tpm *tpm);
/* The explanation of the last failure. */
const char *tl_tpm_why(const struct tl_tpm *tpm);
/* True for a hardware TPM (the device TCTI): replaying a log into it is refused. */
bool tl_tpm_is_device(const struct tl_tpm *tpm);

/* The EK as TPM2B_PUBLIC and its certificate from NV (cert_len 0 when the index is absent). */
struct tl_tpm_ek {
	uint8_t pub[2 + TL_TPM2_MAX_PUBLIC];
	size_t pub_len;
	uint8_t cert[TL_TPM_MAX_EK_CERT];
	size_t cert_len;
	char cert_why[TL_TPM_WHY]; /* why an EK certificate in NV could not be read, or "" */
};
TL_MUST_CHECK int tl_tpm_ek(struct tl_tpm *tpm, enum tl_tpm_alg alg, struct tl_tpm_ek *out);
/* Flushes an EK this agent created (a persistent one stays): without a resource manager a
 * TPM holds only a few transient objects. */
void tl_tpm_ek_release(struct tl_tpm *tpm);

/* An NV index whole into buf (cap bytes): TL_OK with *len 0 when the index does not exist.
 * what names it in the explanation of a failure. */
TL_MUST_CHECK int tl_tpm_nv_read(struct tl_tpm *tpm, uint32_t index, const char *what,
				 uint8_t *buf, size_t cap, size_t *len);
#define TL_TPM_HCL_REPORT 0x01400001u /* a paravisor vTPM's HCL report (Azure confidential VMs) */

/* The attestation key at a persistent handle. */
struct tl_tpm_ak {
	uint32_t handle;
	uint8_t pub[2 + TL_TPM2_MAX_PUBLIC];  /* TPM2B_PUBLIC */
	size_t pub_len;
	uint8_t name[TL_TPM2_MAX_NAME];
	size_t name_len;
	bool created;                         /* made now, not found at the handle */
};
/* Finds the AK at handle, or (create) makes one under the EK (alg: RSA-2048 RSASSA-SHA256 or
 * ECC P-256 ECDSA-SHA256) and makes it persistent; without create, an empty handle is
 * TL_E_TPM_ABSENT. A key at the handle that is not a restricted signing key made in this TPM
 * is left alone: TL_E_TPM_HANDLE. ek_alg: the parent, left loaded for the caller to use or
 * tl_tpm_ek_release. */
TL_MUST_CHECK int tl_tpm_ak(struct tl_tpm *tpm, uint32_t handle, enum tl_tpm_alg alg,
			    enum tl_tpm_alg ek_alg, bool create, struct tl_tpm_ak *out);

/* TPM2_ActivateCredential of a blob in tpm2-tools' format (0xBADCC0DE, 1, TPM2B_ID_OBJECT,
 * TPM2B_ENCRYPTED_SECRET) with the AK and the EK (its policy: PolicySecret(endorsement)). */
TL_MUST_CHECK int tl_tpm_activate(struct tl_tpm *tpm, const struct tl_tpm_ak *ak,
				  enum tl_tpm_alg ek_alg, struct tl_bytes blob,
				  uint8_t secret[static TL_CREDENTIAL_MAX_SECRET], size_t *len);

/* A quote over sel with the nonce, and the PCR values it covers (read around it, compared with
 * the quote's digest; re-done when a PCR moved in between, TL_E_TPM_PCR_MOVING after 3). */
struct tl_tpm_quote {
	uint8_t attest[TL_TPM2_MAX_ATTEST];  /* TPMS_ATTEST */
	size_t attest_len;
	uint8_t sig[TL_TPM_MAX_SIG];         /* TPMT_SIGNATURE */
	size_t sig_len;
	struct tl_pcr_values pcrs;
};
TL_MUST_CHECK int tl_tpm_quote(struct tl_tpm *tpm, const struct tl_tpm_ak *ak,
			       const struct tl_pcr_selection *sel, struct tl_bytes nonce,
			       struct tl_tpm_quote *out);

/* The PCR banks the TPM has allocated (each with the PCRs it implements). */
TL_MUST_CHECK int tl_tpm_banks(struct tl_tpm *tpm, struct tl_pcr_selection *out);
/* PCR_Extend of one PCR with one digest per bank (algs[i], digests[i]). */
TL_MUST_CHECK int tl_tpm_extend(struct tl_tpm *tpm, unsigned pcr, size_t n, const uint16_t *algs,
				const uint8_t *const *digests);

#endif
