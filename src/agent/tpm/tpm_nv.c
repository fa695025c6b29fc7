/* Reading an NV index whole (an EK certificate, a confidential VM's HCL report), in the
 * chunks the TPM allows. */
#include <stdio.h>
#include <string.h>

#include "tpm_internal.h"

#define NV_CHUNK_DEFAULT 512u /* when the TPM does not say its TPM2_PT_NV_BUFFER_MAX */

/* The size of an NV index, and the largest read the TPM allows. */
static int nv_sizes(struct tl_tpm *t, ESYS_TR nv, const char *what, uint16_t *size,
		    uint16_t *chunk)
{
	TPM2B_NV_PUBLIC *pub = NULL;
	TPMS_CAPABILITY_DATA *cap = NULL;
	TSS2_RC rc;

	rc = Esys_NV_ReadPublic(t->esys, nv, ESYS_TR_NONE, ESYS_TR_NONE, ESYS_TR_NONE, &pub, NULL);
	char op[80];
	if (rc != TSS2_RC_SUCCESS) {
		snprintf(op, sizeof op, "TPM2_NV_ReadPublic (%s)", what);
		return tl_tpm_fail(t, op, rc);
	}
	*size = pub->nvPublic.dataSize;
	Esys_Free(pub);
	*chunk = NV_CHUNK_DEFAULT;
	rc = Esys_GetCapability(t->esys, ESYS_TR_NONE, ESYS_TR_NONE, ESYS_TR_NONE,
				TPM2_CAP_TPM_PROPERTIES, TPM2_PT_NV_BUFFER_MAX, 1, NULL, &cap);
	if (rc == TSS2_RC_SUCCESS && cap->data.tpmProperties.count == 1 &&
	    cap->data.tpmProperties.tpmProperty[0].property == TPM2_PT_NV_BUFFER_MAX) {
		uint32_t v = cap->data.tpmProperties.tpmProperty[0].value;
		if (v >= 64 && v <= sizeof(((TPM2B_MAX_NV_BUFFER *)0)->buffer))
			*chunk = (uint16_t)v;
	}
	Esys_Free(cap);
	return TL_OK;
}

static int read_all(struct tl_tpm *t, ESYS_TR nv, const char *what, uint16_t size,
		    uint16_t chunk, uint8_t *buf)
{
	for (uint16_t off = 0; off < size;) {
		TPM2B_MAX_NV_BUFFER *data = NULL;
		uint16_t n = (uint16_t)(size - off < chunk ? size - off : chunk);
		TSS2_RC rc = Esys_NV_Read(t->esys, nv, nv, ESYS_TR_PASSWORD, ESYS_TR_NONE,
					  ESYS_TR_NONE, n, off, &data);
		if (rc != TSS2_RC_SUCCESS || data->size != n) {
			char op[80];
			Esys_Free(data);
			snprintf(op, sizeof op, "TPM2_NV_Read (%s)", what);
			return rc != TSS2_RC_SUCCESS
				       ? tl_tpm_fail(t, op, rc)
				       : tl_tpm_say(t, TL_E_TPM, "TPM2_NV_Read of the %s returned "
						    "a short read", what);
		}
		memcpy(buf + off, data->buffer, n); /* n <= size - off <= cap, checked before */
		Esys_Free(data);
		off = (uint16_t)(off + n);
	}
	return TL_OK;
}

int tl_tpm_nv_read(struct tl_tpm *t, uint32_t index, const char *what, uint8_t *buf,
		   size_t cap, size_t *len)
{
	ESYS_TR nv;
	uint16_t size = 0, chunk = NV_CHUNK_DEFAULT;
	TSS2_RC rc;
	int err;

	*len = 0;
	rc = Esys_TR_FromTPMPublic(t->esys, index, ESYS_TR_NONE, ESYS_TR_NONE, ESYS_TR_NONE, &nv);
	if (rc != TSS2_RC_SUCCESS)
		return tl_tpm_rc_absent(rc) ? TL_OK : tl_tpm_fail(t, what, rc);
	if ((err = nv_sizes(t, nv, what, &size, &chunk)) != TL_OK)
		goto out;
	if (size > cap) {
		err = tl_tpm_say(t, TL_E_TPM, "the %s in NV 0x%08x is %u bytes; at most %zu are "
				 "read", what, index, size, cap);
		goto out;
	}
	if ((err = read_all(t, nv, what, size, chunk, buf)) == TL_OK)
		*len = size;
out:
	(void)Esys_TR_Close(t->esys, &nv);
	return err;
}
