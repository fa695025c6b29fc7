/* A confidential VM's hardware evidence (docs/confidential.md): the HCL report its paravisor
 * vTPM keeps in NV index 0x01400001 (the SEV-SNP report and the runtime data that names the
 * vTPM's AK), and the VCEK that signed the SNP report, from --vcek FILE (Azure's guest agents
 * fetch it from the host's certificate cache; trustlaunch's agent speaks to nobody but the
 * service, so the operator or the image puts it there). Both go with the enrolment and each
 * attestation; a VM without the NV index sends neither. */
#include <stdio.h>
#include <stdlib.h>

#include "agent.h"
#include "trustlaunch/wire.h"

int tl_agent_cvm_add(const struct tl_agent_opts *o, struct tl_tpm *tpm, json_t *body,
		     char why[static TL_AGENT_WHY])
{
	uint8_t *hcl = malloc(TL_WIRE_MAX_HCL_REPORT);
	size_t len = 0;
	json_t *text;
	int err;

	if (!hcl)
		return TL_E_NOMEM;
	err = tl_tpm_nv_read(tpm, TL_TPM_HCL_REPORT, "HCL report", hcl, TL_WIRE_MAX_HCL_REPORT,
			     &len);
	if (err != TL_OK) {
		snprintf(why, TL_AGENT_WHY, "%s", tl_tpm_why(tpm));
		free(hcl);
		return err;
	}
	if (len) {
		text = tl_agent_b64(hcl, len);
		if (!text || json_object_set_new(body, "hcl_report", text) != 0)
			err = TL_E_NOMEM;
	}
	free(hcl);
	if (err == TL_OK && len && !o->vcek)
		tl_agent_log(o, "warning", "this vTPM holds an HCL report (a confidential VM) and "
			     "no --vcek was given: the service will refuse the evidence");
	if (err == TL_OK && o->vcek)
		err = tl_agent_add_log(body, "vcek", o->vcek, TL_WIRE_MAX_VCEK, false, o, why);
	return err;
}
