/* Enrolment: the service learns this VM's EK and AK, and proves with a MakeCredential blob
 * that both live in one TPM (docs/api.md, "Enrolment"). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "agent.h"
#include "trustlaunch/b64.h"
#include "trustlaunch/hash.h"

/* An id that goes into a URL path: 1-63 of [A-Za-z0-9._-], and not "." or "..". */
static bool vm_id_ok(const char *id)
{
	size_t n = strlen(id);

	if (n == 0 || n >= TL_AGENT_VM_ID || strcmp(id, ".") == 0 || strcmp(id, "..") == 0)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = id[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '-' || c == '_' || c == '.'))
			return false;
	}
	return true;
}

const char *tl_agent_vm_id(const struct tl_agent_opts *o, const struct tl_agent_state *st,
			   char why[static TL_AGENT_WHY])
{
	const char *id = o->vm_id && *o->vm_id ? o->vm_id : st->vm_id;

	if (!*id) {
		snprintf(why, TL_AGENT_WHY, "no VM id: give --vm-id (the id `tl vm register` printed)");
		return NULL;
	}
	if (!vm_id_ok(id)) {
		snprintf(why, TL_AGENT_WHY, "the VM id must be 1-63 of [A-Za-z0-9._-]");
		return NULL;
	}
	return id;
}

int tl_agent_open(const struct tl_agent_opts *o, bool enrolling, struct tl_tpm **tpm,
		  struct tl_tpm_ak *ak, char why[static TL_AGENT_WHY])
{
	char twhy[TL_TPM_WHY];
	int err = tl_tpm_open(o->tcti, tpm, twhy);

	if (err != TL_OK) {
		snprintf(why, TL_AGENT_WHY, "%s", twhy);
		return err;
	}
	if ((err = tl_tpm_ak(*tpm, o->ak_handle, o->ak_alg, o->ek_alg, true, ak)) != TL_OK) {
		snprintf(why, TL_AGENT_WHY, "attestation key: %s", tl_tpm_why(*tpm));
		tl_tpm_close(*tpm);
		*tpm = NULL;
	} else if (!enrolling) {
		tl_tpm_ek_release(*tpm);
	}
	return err;
}

/* POST …/enroll; *eid and the credential blob from a 201. */
static int request_credential(const struct tl_agent_opts *o, struct tl_tpm *tpm, const char *vm,
			      const struct tl_tpm_ek *ek, const struct tl_tpm_ak *ak, char *eid,
			      size_t eid_cap, uint8_t blob[static TL_CREDENTIAL_MAX_BLOB],
			      size_t *blob_len, char why[static TL_AGENT_WHY])
{
	char path[256], text[400];
	json_t *answer = NULL, *body = json_object();
	long status;
	int err;

	json_object_set_new(body, "ek_public", tl_agent_b64(ek->pub, ek->pub_len));
	json_object_set_new(body, "ak_public", tl_agent_b64(ak->pub, ak->pub_len));
	if (ek->cert_len)
		json_object_set_new(body, "ek_cert", tl_agent_b64(ek->cert, ek->cert_len));
	if ((err = tl_agent_cvm_add(o, tpm, body, why)) != TL_OK) {
		json_decref(body);
		return err;
	}
	snprintf(path, sizeof path, "/v1/vms/%s/enroll", vm);
	err = tl_agent_call(o, "POST", path, body, o->enrollment_token, &status, &answer, why);
	json_decref(body);
	if (err != TL_OK)
		return err;
	const char *id = json_string_value(json_object_get(answer, "enrollment_id"));
	const char *cred = json_string_value(json_object_get(answer, "credential"));
	if (status != 201 || !id || !cred) {
		tl_agent_error_text(status, answer, text, sizeof text);
		snprintf(why, TL_AGENT_WHY, "the service refused the enrolment: %s%s", text,
			 !o->enrollment_token && !ek->cert_len
				 ? " (no enrollment token given and no EK certificate in NV)"
				 : "");
		err = TL_E_ARG;
	} else if (strlen(id) >= eid_cap || !vm_id_ok(id) ||
		   tl_b64_decode(cred, strlen(cred), blob, TL_CREDENTIAL_MAX_BLOB, blob_len)) {
		snprintf(why, TL_AGENT_WHY, "the service's enrolment answer is malformed");
		err = TL_E_ARG;
	} else {
		snprintf(eid, eid_cap, "%s", id);
	}
	json_decref(answer);
	return err;
}

/* POST …/activate with the secret; checks that the service bound this AK. */
static int activate(const struct tl_agent_opts *o, const char *vm, const char *eid,
		    const uint8_t *secret, size_t len, const char *ak_hex,
		    char why[static TL_AGENT_WHY])
{
	char path[512], text[400];
	json_t *answer = NULL, *body = json_pack("{s:o}", "secret", tl_agent_b64(secret, len));
	long status;
	int err;

	snprintf(path, sizeof path, "/v1/vms/%s/enroll/%s/activate", vm, eid);
	err = tl_agent_call(o, "POST", path, body, NULL, &status, &answer, why);
	json_decref(body);
	if (err != TL_OK)
		return err;
	const char *name = json_string_value(json_object_get(answer, "ak_name"));
	if (status != 200) {
		tl_agent_error_text(status, answer, text, sizeof text);
		snprintf(why, TL_AGENT_WHY, "the service refused the activation: %s", text);
		err = TL_E_ARG;
	} else if (!name || strcmp(name, ak_hex) != 0) {
		snprintf(why, TL_AGENT_WHY, "the service bound another AK name than this one");
		err = TL_E_ARG;
	}
	json_decref(answer);
	return err;
}

int tl_agent_enroll(const struct tl_agent_opts *o, struct tl_tpm *tpm, const struct tl_tpm_ak *ak,
		    struct tl_agent_state *st, char why[static TL_AGENT_WHY])
{
	struct tl_tpm_ek ek;
	uint8_t blob[TL_CREDENTIAL_MAX_BLOB], secret[TL_CREDENTIAL_MAX_SECRET];
	size_t blob_len = 0, secret_len = 0;
	char eid[128], ak_hex[2 * TL_TPM2_MAX_NAME + 1], vm[TL_AGENT_VM_ID];
	const char *id = tl_agent_vm_id(o, st, why);
	int err;

	if (!id)
		return TL_E_ARG;
	snprintf(vm, sizeof vm, "%s", id); /* id may be st->vm_id, rewritten below */
	if ((err = tl_tpm_ek(tpm, o->ek_alg, &ek)) != TL_OK) {
		snprintf(why, TL_AGENT_WHY, "endorsement key: %s", tl_tpm_why(tpm));
		return err;
	}
	if (ek.cert_why[0])
		tl_agent_log(o, "warning", "EK certificate not sent: %s", ek.cert_why);
	tl_hex(ak->name, ak->name_len, ak_hex);
	if ((err = request_credential(o, tpm, vm, &ek, ak, eid, sizeof eid, blob, &blob_len, why)))
		return err;
	if ((err = tl_tpm_activate(tpm, ak, o->ek_alg, (struct tl_bytes){ blob, blob_len }, secret,
				   &secret_len)) != TL_OK) {
		snprintf(why, TL_AGENT_WHY, "%s", tl_tpm_why(tpm));
		return err;
	}
	tl_tpm_ek_release(tpm); /* the EK is not needed again: free its slot in the TPM */
	err = activate(o, vm, eid, secret, secret_len, ak_hex, why);
	memset(secret, 0, sizeof secret);
	if (err != TL_OK)
		return err;
	snprintf(st->vm_id, sizeof st->vm_id, "%s", vm);
	snprintf(st->server, sizeof st->server, "%s", o->server);
	snprintf(st->ak_name, sizeof st->ak_name, "%s", ak_hex);
	if (tl_b64_encode(ak->pub, ak->pub_len, st->ak_public, sizeof st->ak_public) != TL_OK)
		st->ak_public[0] = '\0';
	st->ak_handle = ak->handle;
	st->enrolled_at = (int64_t)time(NULL);
	return tl_agent_state_save(o->state_dir, st, why);
}
