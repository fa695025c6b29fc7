/* Enrolment: binding a VM to its TPM. The VM offers its EK and AK; the service answers with
 * a credential (TPM2_MakeCredential) that only a TPM holding both keys can open, and binds
 * the VM to the TPM when the secret comes back. Who may enrol: the holder of the VM's
 * one-time enrollment token, or a TPM whose EK certificate chains to a trusted vTPM CA and
 * names this VM. A VM bound to a TPM moves to another only with a fresh enrollment token,
 * which an operator issues. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "api.h"
#include "trustlaunch/b64.h"
#include "trustlaunch/credential.h"
#include "trustlaunch/ek.h"
#include "trustlaunch/hash.h"

#define ENROLL_TTL 600 /* seconds to activate */
#define MAX_EK_CERT 8192u

int tl_api_make_enroll_token(struct tl_server *srv, const char *vm_id, char out[65])
{
	char hash[65];
	int err = tl_api_new_secret(out, hash);
	return err != TL_OK ? err : tl_store_enroll_token_set(srv->store, vm_id, hash);
}

struct tl_resp tl_api_enroll_token(struct tl_req *r, const char *vm_id)
{
	struct tl_resp resp;
	struct tl_vm vm;
	char tok[65];
	int err;
	if (tl_http_auth(r, TL_ROLE_OPERATOR, &resp) != TL_OK)
		return resp;
	if ((err = tl_store_vm_get(r->srv->store, r->token.tenant, vm_id, &vm)) != TL_OK)
		return tl_api_store_error(err, "VM");
	if (tl_api_make_enroll_token(r->srv, vm_id, tok) != TL_OK)
		return tl_http_error(503, "store.unavailable", "the database did not answer", NULL);
	return tl_http_json(200, json_pack("{s:s,s:s}", "vm_id", vm_id, "enrollment_token", tok));
}

/* The bearer token is this VM's enrollment token; hash receives its SHA-256. */
static bool by_token(struct tl_req *r, const char *vm_id, char hash[65])
{
	const char *a = r->authorization;
	hash[0] = '\0';
	if (!a || strncmp(a, "Bearer ", 7) != 0 || strlen(a + 7) != 64)
		return false;
	return tl_api_sha256_hex(a + 7, 64, hash) == TL_OK &&
	       tl_store_enroll_token_check(r->srv->store, vm_id, hash) == TL_OK;
}

/* The EK certificate chains to a trusted vTPM CA, certifies this EK and names this VM. */
static bool by_certificate(struct tl_req *r, const char *vm_id, struct tl_bytes cert,
			   const struct tl_tpm2_public *ek, struct tl_resp *resp)
{
	struct tl_ek_info info;
	char msg[320];
	int err;
	if (r->srv->n_ek_cas == 0) {
		*resp = tl_http_error(401, "enroll.unauthorized",
				      "no vTPM CA is configured (--ek-ca): enrol with the VM's "
				      "enrollment token",
				      NULL);
		return false;
	}
	memset(&info, 0, sizeof(info));
	err = tl_ek_verify(cert, r->srv->ek_cas, r->srv->n_ek_cas, ek, &info);
	if (err != TL_OK) {
		snprintf(msg, sizeof(msg), "the EK certificate is not trusted: %s%s%s",
			 tl_err_msg(err), info.detail[0] ? ": " : "", info.detail);
		*resp = tl_http_error(401, "enroll.ek_certificate", msg, "ek_cert");
	} else if (!info.cn || strcmp(info.cn, vm_id) != 0) {
		snprintf(msg, sizeof(msg), "the EK certificate names '%.64s', not this VM",
			 info.cn ? info.cn : "");
		*resp = tl_http_error(401, "enroll.ek_certificate", msg, "ek_cert");
		err = TL_E_ARG;
	}
	tl_ek_info_clear(&info);
	return err == TL_OK;
}

static struct tl_resp begin(struct tl_req *r, const char *vm_id)
{
	uint8_t ek_raw[TL_TPM2_MAX_PUBLIC + 2], ak_raw[TL_TPM2_MAX_PUBLIC + 2], cert[MAX_EK_CERT];
	uint8_t name[TL_TPM2_MAX_NAME], secret[32], blob[TL_CREDENTIAL_MAX_BLOB];
	size_t ek_len, ak_len, cert_len, name_len, blob_len;
	struct tl_tpm2_public ek, ak;
	struct tl_enrollment e;
	struct tl_vm_tpm bound;
	struct tl_vm vm;
	struct tl_resp resp = { 0, NULL, NULL };
	char b64[2 * TL_CREDENTIAL_MAX_BLOB], msg[160];
	json_t *body;
	bool token;
	int err;

	/* who is asking, before anything else is looked at: without credentials for this id,
	 * nobody learns whether it exists or what its body lacks */
	memset(&e, 0, sizeof(e));
	token = by_token(r, vm_id, e.token_hash);
	if (!token && r->srv->n_ek_cas == 0)
		return tl_http_error(401, "enroll.unauthorized",
				     "enrolment needs the VM's enrollment token (Authorization: Bearer); "
				     "no vTPM CA is configured for EK certificates",
				     NULL);
	if (!(body = tl_api_body(r, &resp)))
		return resp;
	if (!tl_api_b64(body, "ek_public", true, ek_raw, sizeof(ek_raw), &ek_len, &resp) ||
	    !tl_api_b64(body, "ak_public", true, ak_raw, sizeof(ak_raw), &ak_len, &resp) ||
	    !tl_api_b64(body, "ek_cert", false, cert, sizeof(cert), &cert_len, &resp))
		goto out;
	if ((err = tl_tpm2_public_parse(tl_api_bytes(ek_raw, ek_len), &ek)) != TL_OK) {
		snprintf(msg, sizeof(msg), "ek_public is not a TPM2B_PUBLIC: %s", tl_err_msg(err));
		resp = tl_http_error(400, "request.field", msg, "ek_public");
		goto out;
	}
	if ((err = tl_tpm2_public_parse(tl_api_bytes(ak_raw, ak_len), &ak)) != TL_OK) {
		snprintf(msg, sizeof(msg), "ak_public is not a TPM2B_PUBLIC: %s", tl_err_msg(err));
		resp = tl_http_error(400, "request.field", msg, "ak_public");
		goto out;
	}
	if ((ak.attributes & TL_AK_REQUIRED) != TL_AK_REQUIRED || (ak.attributes & TL_OBJ_DECRYPT)) {
		resp = tl_http_error(400, "enroll.ak_attributes",
				     "the AK is not a restricted signing key created in the TPM "
				     "(fixedTPM, fixedParent, sensitiveDataOrigin, restricted, sign)",
				     "ak_public");
		goto out;
	}
	if (!token)
		e.token_hash[0] = '\0';
	if (!token) {
		if (!cert_len) {
			resp = tl_http_error(401, "enroll.unauthorized",
					     "enrolment needs the VM's enrollment token (Authorization: "
					     "Bearer) or an EK certificate (ek_cert) naming this VM",
					     NULL);
			goto out;
		}
		if (!by_certificate(r, vm_id, tl_api_bytes(cert, cert_len), &ek, &resp))
			goto out;
	}
	/* the caller holds this id's enrollment token or a certificate naming it */
	if ((err = tl_store_vm_get(r->srv->store, "*", vm_id, &vm)) != TL_OK) {
		resp = tl_api_store_error(err, "VM");
		goto out;
	}
	/* a bound VM keeps its TPM unless an operator issued a fresh enrollment token */
	err = tl_store_tpm_get(r->srv->store, vm_id, &bound);
	if (err != TL_OK && err != TL_E_STORE_NOT_FOUND) {
		resp = tl_api_store_error(err, "VM");
		goto out;
	}
	tl_hex(ek_raw, ek_len, e.ek_public);
	if (err == TL_OK && !token && strcmp(bound.ek_public, e.ek_public) != 0) {
		resp = tl_http_error(409, "enroll.other_tpm",
				     "this VM is bound to another TPM; moving it needs a new "
				     "enrollment token from an operator",
				     "ek_public");
		goto out;
	}
	if ((err = tl_tpm2_public_name(&ak, name, &name_len)) != TL_OK ||
	    (err = tl_random(secret, sizeof(secret))) != TL_OK) {
		resp = tl_http_error(500, "server.internal", "could not make the credential", NULL);
		goto out;
	}
	err = tl_credential_make(&ek, tl_api_bytes(name, name_len),
				 tl_api_bytes(secret, sizeof(secret)), blob, &blob_len);
	if (err != TL_OK) {
		snprintf(msg, sizeof(msg), "no credential can be made for this EK: %s",
			 tl_err_msg(err));
		resp = tl_http_error(400, "enroll.ek", msg, "ek_public");
		goto out;
	}
	tl_hex(ak_raw, ak_len, e.ak_public);
	tl_hex(name, name_len, e.ak_name);
	snprintf(e.vm_id, sizeof(e.vm_id), "%s", vm_id);
	e.expires = (int64_t)time(NULL) + ENROLL_TTL;
	e.by_token = token;
	if (tl_api_sha256_hex(secret, sizeof(secret), e.secret_hash) != TL_OK || tl_api_uuid(e.id) != TL_OK ||
	    tl_b64_encode(blob, blob_len, b64, sizeof(b64)) != TL_OK) {
		resp = tl_http_error(500, "server.internal", "could not make the credential", NULL);
		goto out;
	}
	if (tl_store_enrollment_add(r->srv->store, &e) != TL_OK) {
		resp = tl_http_error(503, "store.unavailable", "the database did not answer", NULL);
		goto out;
	}
	resp = tl_http_json(201, json_pack("{s:s,s:s,s:I}", "enrollment_id", e.id, "credential", b64,
					   "expires_at", (json_int_t)e.expires));
out:
	json_decref(body);
	return resp;
}

static struct tl_resp activate(struct tl_req *r, const char *vm_id, const char *eid)
{
	uint8_t secret[TL_CREDENTIAL_MAX_SECRET];
	size_t len;
	struct tl_enrollment e;
	struct tl_vm_tpm t;
	struct tl_resp resp = { 0, NULL, NULL };
	char hash[65];
	json_t *body;
	int err;

	if (!(body = tl_api_body(r, &resp)))
		return resp;
	if (!tl_api_b64(body, "secret", true, secret, sizeof(secret), &len, &resp))
		goto out;
	/* the one attempt is spent here, whatever follows */
	err = tl_store_enrollment_take(r->srv->store, vm_id, eid, &e);
	if (err != TL_OK) {
		resp = err == TL_E_STORE_NOT_FOUND
			       ? tl_http_error(404, "enroll.not_found",
					       "no pending enrolment with this id for this VM (each "
					       "allows one activation attempt)",
					       NULL)
			       : tl_api_store_error(err, "enrolment");
		goto out;
	}
	if ((int64_t)time(NULL) > e.expires) {
		resp = tl_http_error(409, "enroll.expired", "the enrolment expired; enrol again", NULL);
		goto out;
	}
	if (tl_api_sha256_hex(secret, len, hash) != TL_OK ||
	    tl_credential_check(tl_api_bytes((const uint8_t *)e.secret_hash, 64),
				tl_api_bytes((const uint8_t *)hash, 64)) != TL_OK) {
		resp = tl_http_error(403, "enroll.secret",
				     "the secret does not match: the TPM that answered does not hold "
				     "both the EK and the AK; enrol again",
				     "secret");
		goto out;
	}
	memset(&t, 0, sizeof(t));
	snprintf(t.vm_id, sizeof(t.vm_id), "%s", vm_id);
	memcpy(t.ek_public, e.ek_public, sizeof(t.ek_public));
	memcpy(t.ak_public, e.ak_public, sizeof(t.ak_public));
	memcpy(t.ak_name, e.ak_name, sizeof(t.ak_name));
	t.enrolled = (int64_t)time(NULL);
	err = tl_store_tpm_bind(r->srv->store, &t, e.by_token ? e.token_hash : NULL);
	if (err == TL_E_STORE_CONFLICT) {
		resp = tl_http_error(409, "enroll.superseded",
				     "the enrolment's authority ended meanwhile (its enrollment token "
				     "was replaced or used, or the VM was bound to another TPM); enrol "
				     "again",
				     NULL);
		goto out;
	}
	if (err != TL_OK) {
		resp = tl_http_error(503, "store.unavailable", "the database did not answer", NULL);
		goto out;
	}
	resp = tl_http_json(200, json_pack("{s:s,s:b,s:s}", "vm_id", vm_id, "enrolled", 1, "ak_name",
					   e.ak_name));
out:
	json_decref(body);
	return resp;
}

struct tl_resp tl_api_enroll(struct tl_req *r, const char *vm_id, const char *eid)
{
	return eid ? activate(r, vm_id, eid) : begin(r, vm_id);
}
