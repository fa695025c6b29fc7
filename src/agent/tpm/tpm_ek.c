/* The endorsement key: its certificate from NV and the key itself, from the persistent handle
 * when present or from the TCG default template (TCG EK Credential Profile 2.0, templates L-1
 * and L-2: the key a manufacturer's certificate certifies). */
#include <stdio.h>
#include <string.h>

#include <tss2/tss2_mu.h>

#include "tpm_internal.h"


/* PolicySecret(TPM_RH_ENDORSEMENT) with SHA-256: the authPolicy of both default EKs. */
static const uint8_t ek_policy[32] = {
	0x83, 0x71, 0x97, 0x67, 0x44, 0x84, 0xb3, 0xf8, 0x1a, 0x90, 0xcc, 0x8d, 0x46, 0xa5, 0xd7, 0x24,
	0xfd, 0x52, 0xd7, 0x6e, 0x06, 0x52, 0x0b, 0x64, 0xf2, 0xa1, 0xda, 0x1b, 0x33, 0x14, 0x69, 0xaa,
};

static void ek_template(enum tl_tpm_alg alg, TPM2B_PUBLIC *t)
{
	memset(t, 0, sizeof *t);
	TPMT_PUBLIC *p = &t->publicArea;
	p->nameAlg = TPM2_ALG_SHA256;
	p->objectAttributes = TPMA_OBJECT_FIXEDTPM | TPMA_OBJECT_FIXEDPARENT |
			      TPMA_OBJECT_SENSITIVEDATAORIGIN | TPMA_OBJECT_ADMINWITHPOLICY |
			      TPMA_OBJECT_RESTRICTED | TPMA_OBJECT_DECRYPT;
	p->authPolicy.size = sizeof ek_policy;
	memcpy(p->authPolicy.buffer, ek_policy, sizeof ek_policy);
	if (alg == TL_TPM_RSA) {
		p->type = TPM2_ALG_RSA;
		p->parameters.rsaDetail.symmetric.algorithm = TPM2_ALG_AES;
		p->parameters.rsaDetail.symmetric.keyBits.aes = 128;
		p->parameters.rsaDetail.symmetric.mode.aes = TPM2_ALG_CFB;
		p->parameters.rsaDetail.scheme.scheme = TPM2_ALG_NULL;
		p->parameters.rsaDetail.keyBits = 2048;
		p->unique.rsa.size = 256; /* zeros */
	} else {
		p->type = TPM2_ALG_ECC;
		p->parameters.eccDetail.symmetric.algorithm = TPM2_ALG_AES;
		p->parameters.eccDetail.symmetric.keyBits.aes = 128;
		p->parameters.eccDetail.symmetric.mode.aes = TPM2_ALG_CFB;
		p->parameters.eccDetail.scheme.scheme = TPM2_ALG_NULL;
		p->parameters.eccDetail.curveID = TPM2_ECC_NIST_P256;
		p->parameters.eccDetail.kdf.scheme = TPM2_ALG_NULL;
		p->unique.ecc.x.size = 32;
		p->unique.ecc.y.size = 32;
	}
}

/* The persistent EK when it is there and of the asked type (0x81010001 is RSA by the
 * profile; an ECC EK has no fixed handle, so ECC always uses the template). */
static bool persistent_ek(struct tl_tpm *t, enum tl_tpm_alg alg, ESYS_TR *out)
{
	TPM2B_PUBLIC *pub = NULL;
	ESYS_TR h;

	if (alg != TL_TPM_RSA)
		return false;
	if (Esys_TR_FromTPMPublic(t->esys, TL_TPM_EK_HANDLE, ESYS_TR_NONE, ESYS_TR_NONE,
				  ESYS_TR_NONE, &h) != TSS2_RC_SUCCESS)
		return false;
	TPM2B_PUBLIC tmpl;
	ek_template(alg, &tmpl);
	/* the default EK persisted: same type, attributes and policy (else, e.g. an SRK or a
	 * high-range EK, the template makes the right one) */
	bool ok = Esys_ReadPublic(t->esys, h, ESYS_TR_NONE, ESYS_TR_NONE, ESYS_TR_NONE, &pub,
				  NULL, NULL) == TSS2_RC_SUCCESS &&
		  pub->publicArea.type == tmpl.publicArea.type &&
		  pub->publicArea.nameAlg == tmpl.publicArea.nameAlg &&
		  pub->publicArea.objectAttributes == tmpl.publicArea.objectAttributes &&
		  pub->publicArea.authPolicy.size == sizeof ek_policy &&
		  memcmp(pub->publicArea.authPolicy.buffer, ek_policy, sizeof ek_policy) == 0;
	Esys_Free(pub);
	if (!ok) {
		(void)Esys_TR_Close(t->esys, &h);
		return false;
	}
	*out = h;
	return true;
}

int tl_tpm_ek_handle(struct tl_tpm *t, enum tl_tpm_alg alg, ESYS_TR *out)
{
	TPM2B_PUBLIC tmpl;
	TPM2B_SENSITIVE_CREATE sens = { 0 };
	TPM2B_DATA outside = { 0 };
	TPML_PCR_SELECTION none = { 0 };
	TSS2_RC rc;

	if (t->ek[alg] != ESYS_TR_NONE) {
		*out = t->ek[alg];
		return TL_OK;
	}
	if (persistent_ek(t, alg, &t->ek[alg])) {
		*out = t->ek[alg];
		return TL_OK;
	}
	ek_template(alg, &tmpl);
	for (unsigned n = 0;; n++) {
		rc = Esys_CreatePrimary(t->esys, ESYS_TR_RH_ENDORSEMENT, ESYS_TR_PASSWORD,
					ESYS_TR_NONE, ESYS_TR_NONE, &sens, &tmpl, &outside, &none,
					&t->ek[alg], NULL, NULL, NULL, NULL);
		if (!tl_tpm_again(rc, n))
			break;
	}
	if (rc != TSS2_RC_SUCCESS) {
		t->ek[alg] = ESYS_TR_NONE;
		return tl_tpm_fail(t, "TPM2_CreatePrimary (EK, endorsement hierarchy)", rc);
	}
	t->ek_transient[alg] = true;
	*out = t->ek[alg];
	return TL_OK;
}

int tl_tpm_ek_session(struct tl_tpm *t, ESYS_TR *session)
{
	TPMT_SYM_DEF sym = { .algorithm = TPM2_ALG_NULL };
	TSS2_RC rc;

	rc = Esys_StartAuthSession(t->esys, ESYS_TR_NONE, ESYS_TR_NONE, ESYS_TR_NONE, ESYS_TR_NONE,
				   ESYS_TR_NONE, NULL, TPM2_SE_POLICY, &sym, TPM2_ALG_SHA256,
				   session);
	if (rc != TSS2_RC_SUCCESS)
		return tl_tpm_fail(t, "TPM2_StartAuthSession (EK policy)", rc);
	rc = Esys_PolicySecret(t->esys, ESYS_TR_RH_ENDORSEMENT, *session, ESYS_TR_PASSWORD,
			       ESYS_TR_NONE, ESYS_TR_NONE, NULL, NULL, NULL, 0, NULL, NULL);
	if (rc == TSS2_RC_SUCCESS)
		rc = Esys_TRSess_SetAttributes(t->esys, *session, 0,
					       TPMA_SESSION_CONTINUESESSION);
	if (rc != TSS2_RC_SUCCESS) {
		(void)Esys_FlushContext(t->esys, *session);
		*session = ESYS_TR_NONE;
		return tl_tpm_fail(t, "TPM2_PolicySecret (endorsement)", rc);
	}
	return TL_OK;
}

static int read_cert(struct tl_tpm *t, uint32_t index, struct tl_tpm_ek *out)
{
	return tl_tpm_nv_read(t, index, "EK certificate", out->cert, sizeof out->cert,
			      &out->cert_len);
}

int tl_tpm_ek(struct tl_tpm *t, enum tl_tpm_alg alg, struct tl_tpm_ek *out)
{
	TPM2B_PUBLIC *pub = NULL;
	ESYS_TR ek;
	size_t off = 0;
	int err;

	memset(out, 0, sizeof *out);
	/* a certificate that cannot be read is not sent: a token can still enrol the TPM */
	if (read_cert(t, alg == TL_TPM_RSA ? TL_TPM_EK_CERT_RSA : TL_TPM_EK_CERT_ECC, out) !=
	    TL_OK) {
		snprintf(out->cert_why, sizeof out->cert_why, "%s", t->why);
		out->cert_len = 0;
	}
	if ((err = tl_tpm_ek_handle(t, alg, &ek)) != TL_OK)
		return err;
	TSS2_RC rc = Esys_ReadPublic(t->esys, ek, ESYS_TR_NONE, ESYS_TR_NONE, ESYS_TR_NONE, &pub,
				     NULL, NULL);
	if (rc != TSS2_RC_SUCCESS)
		return tl_tpm_fail(t, "TPM2_ReadPublic (EK)", rc);
	rc = Tss2_MU_TPM2B_PUBLIC_Marshal(pub, out->pub, sizeof out->pub, &off);
	Esys_Free(pub);
	if (rc != TSS2_RC_SUCCESS)
		return tl_tpm_fail(t, "marshalling the EK's public area", rc);
	out->pub_len = off;
	return TL_OK;
}
