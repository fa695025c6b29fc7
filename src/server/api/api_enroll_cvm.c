/* Enrolment of a confidential VM: its AK must be the one its SEV-SNP-signed HCL report names
 * (docs/confidential.md, "Enrolment"). The enrollment token (or EK certificate) still says
 * which VM this is and credential activation still binds the EK to the AK; the HCL report
 * adds what neither can: that the AK lives in the vTPM inside that SEV-SNP guest. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "trustlaunch/verdict.h"
#include "trustlaunch/wire.h"

/* An optional base64 field of body into a malloc'd buffer of max bytes. */
static bool field(json_t *body, const char *key, size_t max, uint8_t **out, size_t *len,
		  struct tl_resp *resp)
{
	*out = NULL;
	*len = 0;
	if (!json_object_get(body, key))
		return true;
	if (!(*out = malloc(max))) {
		*resp = tl_http_error(503, "server.busy", "out of memory", NULL);
		return false;
	}
	return tl_api_b64(body, key, true, *out, max, len, resp);
}

bool tl_api_enroll_cvm_check(struct tl_server *srv, const struct tl_vm *vm, json_t *body,
			     const struct tl_tpm2_public *ak, struct tl_resp *resp)
{
	struct tl_verdict_cvm c = { .roots = srv->snp_roots, .policy = &srv->snp_policy };
	struct tl_cvm_result *res = NULL;
	uint8_t *hcl = NULL, *vcek = NULL;
	char detail[200], msg[400];
	enum tl_check check;
	bool ok = false;
	int err;

	if (strcmp(vm->security_type, "confidential") != 0)
		return true;
	if (!field(body, "hcl_report", TL_WIRE_MAX_HCL_REPORT, &hcl, &c.hcl.len, resp) ||
	    !field(body, "vcek", TL_WIRE_MAX_VCEK, &vcek, &c.vcek.len, resp))
		goto out;
	c.hcl.ptr = hcl;
	c.vcek.ptr = vcek;
	if (!(res = malloc(sizeof(*res)))) {
		*resp = tl_http_error(503, "server.busy", "out of memory", NULL);
		goto out;
	}
	check = tl_cvm_evidence_check(&c, ak, res, &err, detail, sizeof(detail));
	if (!(ok = check == TL_CHECK_COUNT)) {
		snprintf(msg, sizeof(msg), "a confidential VM enrols with an AK its SEV-SNP report "
			 "vouches for: %s (%s%s%s)", tl_check_message(check),
			 err != TL_OK ? tl_err_name(err) : "", err != TL_OK && detail[0] ? ": " : "",
			 detail);
		*resp = tl_http_error(403, tl_check_code(check), msg, "hcl_report");
	}
out:
	free(res);
	free(hcl);
	free(vcek);
	return ok;
}
