/* The attestation key: found at its persistent handle or made under the EK and persisted;
 * and TPM2_ActivateCredential, which proves to the service that AK and EK share this TPM. */
#include <string.h>

#include <tss2/tss2_mu.h>

#include "tpm_internal.h"


static void ak_template(enum tl_tpm_alg alg, TPM2B_PUBLIC *t)
{
	memset(t, 0, sizeof *t);
	TPMT_PUBLIC *p = &t->publicArea;
	p->nameAlg = TPM2_ALG_SHA256;
	p->objectAttributes = TPMA_OBJECT_FIXEDTPM | TPMA_OBJECT_FIXEDPARENT |
			      TPMA_OBJECT_SENSITIVEDATAORIGIN | TPMA_OBJECT_USERWITHAUTH |
			      TPMA_OBJECT_RESTRICTED | TPMA_OBJECT_SIGN_ENCRYPT;
	if (alg == TL_TPM_RSA) {
		p->type = TPM2_ALG_RSA;
		p->parameters.rsaDetail.symmetric.algorithm = TPM2_ALG_NULL;
		p->parameters.rsaDetail.scheme.scheme = TPM2_ALG_RSASSA;
		p->parameters.rsaDetail.scheme.details.rsassa.hashAlg = TPM2_ALG_SHA256;
		p->parameters.rsaDetail.keyBits = 2048;
	} else {
		p->type = TPM2_ALG_ECC;
		p->parameters.eccDetail.symmetric.algorithm = TPM2_ALG_NULL;
		p->parameters.eccDetail.scheme.scheme = TPM2_ALG_ECDSA;
		p->parameters.eccDetail.scheme.details.ecdsa.hashAlg = TPM2_ALG_SHA256;
		p->parameters.eccDetail.curveID = TPM2_ECC_NIST_P256;
		p->parameters.eccDetail.kdf.scheme = TPM2_ALG_NULL;
	}
}

/* Fills out from the object at h; TL_E_TPM_HANDLE when it is no AK of the asked type. */
static int describe(struct tl_tpm *t, ESYS_TR h, enum tl_tpm_alg alg, struct tl_tpm_ak *out)
{
	TPM2B_PUBLIC *pub = NULL;
	TPM2B_NAME *name = NULL;
	size_t off = 0;
	int err = TL_OK;

	TSS2_RC rc = Esys_ReadPublic(t->esys, h, ESYS_TR_NONE, ESYS_TR_NONE, ESYS_TR_NONE, &pub,
				     &name, NULL);
	if (rc != TSS2_RC_SUCCESS)
		return tl_tpm_fail(t, "TPM2_ReadPublic (AK)", rc);
	TPMA_OBJECT a = pub->publicArea.objectAttributes;
	uint16_t want = alg == TL_TPM_RSA ? TPM2_ALG_RSA : TPM2_ALG_ECC;
	if ((a & TL_AK_REQUIRED) != TL_AK_REQUIRED || (a & TPMA_OBJECT_DECRYPT)) {
		err = tl_tpm_say(t, TL_E_TPM_HANDLE, "persistent handle 0x%08x holds a key that is "
				 "not a restricted signing key made in this TPM; choose another "
				 "with --ak-handle, or evict it: tpm2_evictcontrol -C o -c 0x%08x",
				 out->handle, out->handle);
	} else if (pub->publicArea.type != want) {
		err = tl_tpm_say(t, TL_E_TPM_HANDLE, "persistent handle 0x%08x holds an %s AK, not "
				 "the %s one asked for; choose another with --ak-handle or evict it",
				 out->handle, want == TPM2_ALG_RSA ? "ECC" : "RSA",
				 want == TPM2_ALG_RSA ? "RSA" : "ECC");
	} else if (name->size > sizeof out->name) {
		err = tl_tpm_say(t, TL_E_TPM, "the AK's name is too long");
	} else if ((rc = Tss2_MU_TPM2B_PUBLIC_Marshal(pub, out->pub, sizeof out->pub, &off)) !=
		   TSS2_RC_SUCCESS) {
		err = tl_tpm_fail(t, "marshalling the AK's public area", rc);
	} else {
		out->pub_len = off;
		memcpy(out->name, name->name, name->size);
		out->name_len = name->size;
	}
	Esys_Free(pub);
	Esys_Free(name);
	return err;
}

/* Create + Load under the EK (each needs a fresh EK policy session), then EvictControl. */
static int make_ak(struct tl_tpm *t, enum tl_tpm_alg alg, enum tl_tpm_alg ek_alg, uint32_t handle,
		   ESYS_TR *persistent)
{
	TPM2B_PUBLIC tmpl, *pub = NULL;
	TPM2B_PRIVATE *priv = NULL;
	TPM2B_SENSITIVE_CREATE sens = { 0 };
	TPM2B_DATA outside = { 0 };
	TPML_PCR_SELECTION none = { 0 };
	ESYS_TR ek, session, loaded = ESYS_TR_NONE;
	TSS2_RC rc;
	int err;

	if ((err = tl_tpm_ek_handle(t, ek_alg, &ek)) != TL_OK ||
	    (err = tl_tpm_ek_session(t, &session)) != TL_OK)
		return err;
	ak_template(alg, &tmpl);
	rc = Esys_Create(t->esys, ek, session, ESYS_TR_NONE, ESYS_TR_NONE, &sens, &tmpl, &outside,
			 &none, &priv, &pub, NULL, NULL, NULL);
	if (rc != TSS2_RC_SUCCESS) {
		(void)Esys_FlushContext(t->esys, session);
		return tl_tpm_fail(t, "TPM2_Create (AK under the EK)", rc);
	}
	if ((err = tl_tpm_ek_session(t, &session)) != TL_OK)
		goto out;
	rc = Esys_Load(t->esys, ek, session, ESYS_TR_NONE, ESYS_TR_NONE, priv, pub, &loaded);
	if (rc != TSS2_RC_SUCCESS) {
		(void)Esys_FlushContext(t->esys, session);
		err = tl_tpm_fail(t, "TPM2_Load (AK)", rc);
		goto out;
	}
	rc = Esys_EvictControl(t->esys, ESYS_TR_RH_OWNER, loaded, ESYS_TR_PASSWORD, ESYS_TR_NONE,
			       ESYS_TR_NONE, handle, persistent);
	err = rc == TSS2_RC_SUCCESS ? TL_OK
				    : tl_tpm_fail(t, "TPM2_EvictControl (AK to its persistent "
						  "handle; owner authorization)", rc);
out:
	if (loaded != ESYS_TR_NONE)
		(void)Esys_FlushContext(t->esys, loaded);
	Esys_Free(priv);
	Esys_Free(pub);
	return err;
}

int tl_tpm_ak(struct tl_tpm *t, uint32_t handle, enum tl_tpm_alg alg, enum tl_tpm_alg ek_alg,
	      bool create, struct tl_tpm_ak *out)
{
	ESYS_TR h;
	int err;

	memset(out, 0, sizeof *out);
	out->handle = handle;
	if (handle < 0x81000000u || handle > 0x817fffffu)
		return tl_tpm_say(t, TL_E_ARG, "0x%08x is not an owner persistent handle "
				  "(0x81000000-0x817fffff)", handle);
	TSS2_RC rc = Esys_TR_FromTPMPublic(t->esys, handle, ESYS_TR_NONE, ESYS_TR_NONE,
					   ESYS_TR_NONE, &h);
	if (rc != TSS2_RC_SUCCESS && !tl_tpm_rc_absent(rc))
		return tl_tpm_fail(t, "looking up the AK's persistent handle", rc);
	if (rc != TSS2_RC_SUCCESS && !create)
		return tl_tpm_say(t, TL_E_TPM_ABSENT, "no key at persistent handle 0x%08x", handle);
	if (rc != TSS2_RC_SUCCESS) {
		if ((err = make_ak(t, alg, ek_alg, handle, &h)) != TL_OK)
			return err;
		out->created = true;
	}
	if ((err = describe(t, h, alg, out)) != TL_OK) {
		(void)Esys_TR_Close(t->esys, &h);
		return err;
	}
	if (t->ak != ESYS_TR_NONE)
		(void)Esys_TR_Close(t->esys, &t->ak);
	t->ak = h;
	t->ak_handle = handle;
	return TL_OK;
}

/* The blob's two parts (tl_credential_parse) into the TSS's structures. */
static int parse_blob(struct tl_tpm *t, struct tl_bytes blob, TPM2B_ID_OBJECT *id,
		      TPM2B_ENCRYPTED_SECRET *secret)
{
	struct tl_bytes i, e;
	int err = tl_credential_parse(blob, &i, &e);

	if (err != TL_OK || i.len > sizeof id->credential || e.len > sizeof secret->secret)
		return tl_tpm_say(t, TL_E_TPM2_MALFORMED, "the credential is not a MakeCredential "
				  "blob: %s", tl_err_msg(err ? err : TL_E_TPM2_SIZE));
	id->size = (uint16_t)i.len;
	memcpy(id->credential, i.ptr, i.len);
	secret->size = (uint16_t)e.len;
	memcpy(secret->secret, e.ptr, e.len);
	return TL_OK;
}

int tl_tpm_activate(struct tl_tpm *t, const struct tl_tpm_ak *ak, enum tl_tpm_alg ek_alg,
		    struct tl_bytes blob, uint8_t secret[static TL_CREDENTIAL_MAX_SECRET],
		    size_t *len)
{
	TPM2B_ID_OBJECT id = { 0 };
	TPM2B_ENCRYPTED_SECRET enc = { 0 };
	TPM2B_DIGEST *cert = NULL;
	ESYS_TR ek, session;
	int err;

	if (t->ak == ESYS_TR_NONE || t->ak_handle != ak->handle)
		return tl_tpm_say(t, TL_E_ARG, "the AK is not open");
	if ((err = parse_blob(t, blob, &id, &enc)) != TL_OK ||
	    (err = tl_tpm_ek_handle(t, ek_alg, &ek)) != TL_OK ||
	    (err = tl_tpm_ek_session(t, &session)) != TL_OK)
		return err;
	TSS2_RC rc = Esys_ActivateCredential(t->esys, t->ak, ek, ESYS_TR_PASSWORD, session,
					     ESYS_TR_NONE, &id, &enc, &cert);
	if (rc != TSS2_RC_SUCCESS) {
		(void)Esys_FlushContext(t->esys, session);
		return tl_tpm_fail(t, "TPM2_ActivateCredential (the credential is not for this "
				   "TPM's EK and AK?)", rc);
	}
	if (cert->size > TL_CREDENTIAL_MAX_SECRET) {
		Esys_Free(cert);
		return tl_tpm_say(t, TL_E_TPM, "the activated secret is too long");
	}
	memcpy(secret, cert->buffer, cert->size);
	*len = cert->size;
	Esys_Free(cert);
	return TL_OK;
}
