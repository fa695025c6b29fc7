/* Shared by the agent's tpm*.c files only: the ESAPI context and how a TPM call is made,
 * retried and explained. */
#ifndef TRUSTLAUNCH_AGENT_TPM_INTERNAL_H
#define TRUSTLAUNCH_AGENT_TPM_INTERNAL_H

#include <tss2/tss2_esys.h>

#include "tpm.h"

struct tl_tpm {
	TSS2_TCTI_CONTEXT *tcti;
	ESYS_CONTEXT *esys;
	bool device;
	ESYS_TR ek[2];       /* by enum tl_tpm_alg; ESYS_TR_NONE until needed */
	bool ek_transient[2]; /* made by CreatePrimary: flushed at close */
	ESYS_TR ak;          /* the persistent AK found or made by tl_tpm_ak */
	uint32_t ak_handle;
	char why[TL_TPM_WHY];
};

/* After a call returned rc on attempt n (from 0): true when the TPM asked to be asked again
 * (TPM_RC_RETRY, YIELDED, TESTING, beyond ESAPI's own immediate resubmissions); sleeps with
 * a growing delay first. */
bool tl_tpm_again(TSS2_RC rc, unsigned attempt);
/* Records "what: the TSS's decoding of rc" as the explanation; returns TL_E_TPM. */
int tl_tpm_fail(struct tl_tpm *tpm, const char *what, TSS2_RC rc);
/* Records a formatted explanation; returns err. */
int tl_tpm_say(struct tl_tpm *tpm, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* True when rc says the handle or NV index does not exist. */
bool tl_tpm_rc_absent(TSS2_RC rc);

/* A policy session satisfying PolicySecret(TPM_RH_ENDORSEMENT), the EK's policy; it ends with
 * the command that uses it (continueSession cleared). */
TL_MUST_CHECK int tl_tpm_ek_session(struct tl_tpm *tpm, ESYS_TR *session);
/* The EK object (loaded or persistent), made on first use. */
TL_MUST_CHECK int tl_tpm_ek_handle(struct tl_tpm *tpm, enum tl_tpm_alg alg, ESYS_TR *out);

#endif
