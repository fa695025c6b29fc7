/* Enrolment: binding a VM to its TPM. The VM offers its EK and AK; the service answers with
 * a credential (TPM2_MakeCredential) that only a TPM holding both keys can open, and binds
 * the VM to the TPM when the secret comes back. Who may enrol: the holder of the VM's
 * one-time enrollment token, or a TPM whose EK certificate chains to a trusted vTPM CA and
 * names this VM. A VM bound to a TPM moves to another only with a fresh enrollment token,
 * which an operator issues. */
#include <stdio.h>
#include <stdlib.h>
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

/* What the VM offers: its EK and AK (TPM2B_PUBLIC), perhaps an EK certificate. */
struct offer {
	uint8_t ek_raw[TL_TPM2_MAX_PUBLIC + 2], ak_raw[TL_TPM2_MAX_PUBLIC + 2], cert[MAX_EK_CERT];
	size_t ek_len, ak_len, cert_len;
	struct tl_tpm2_public ek, ak;
};

static bool offer_parse(json_t *body, struct offer *o, struct tl_resp *resp)
{
	char msg[160];
	int err;
	if (!tl_api_b64(body, "ek_public", true, o->ek_raw, sizeof(o->ek_raw), &o->ek_len, resp) ||
	    !tl_api_b64(body, "ak_public", true, o->ak_raw, sizeof(o->ak_raw), &o->ak_len, resp) ||
	    !tl_api_b64(body, "ek_cert", false, o->cert, sizeof(o->cert), &o->cert_len, resp))
		return false;
	if ((err = tl_tpm2_public_parse(tl_api_bytes(o->ek_raw, o->ek_len), &o->ek)) != TL_OK) {
		snprintf(msg, sizeof(msg), "ek_public is not a TPM2B_PUBLIC: %s", tl_err_msg(err));
		*resp = tl_http_error(400, "request.field", msg, "ek_public");
		return false;
	}
	if ((err = tl_tpm2_public_parse(tl_api_bytes(o->ak_raw, o->ak_len), &o->ak)) != TL_OK) {
		snprintf(msg, sizeof(msg), "ak_public is not a TPM2B_PUBLIC: %s", tl_err_msg(err));
		*resp = tl_http_error(400, "request.field", msg, "ak_public");
		return false;
	}
	if ((o->ak.attributes & TL_AK_REQUIRED) != TL_AK_REQUIRED ||
	    (o->ak.attributes & TL_OBJ_DECRYPT)) {
		*resp = tl_http_error(400, "enroll.ak_attributes",
				      "the AK is not a restricted signing key created in the TPM "
				      "(fixedTPM, fixedParent, sensitiveDataOrigin, restricted, sign)",
				      "ak_public");
		return false;
	}
	return true;
}

static struct tl_resp cert_required(void)
{
	return tl_http_error(403, "enroll.ek_certificate_required",
			     "this VM's policy requires enrolment by an EK certificate (ek_cert) "
			     "from a trusted vTPM CA; its enrollment token is not enough",
			     "ek_cert");
}

/* Who is asking: the VM's enrollment token (unless its policy requires a certificate), or
 * an EK certificate naming it. A bound VM keeps its TPM unless an operator issued a fresh
 * enrollment token. e receives by_token, token_hash and ek_public. */
static bool authorise(struct tl_req *r, const char *vm_id, struct tl_vm *vm,
		      const struct offer *o, struct tl_enrollment *e, struct tl_resp *resp)
{
	struct tl_vm_tpm bound;
	bool cert_only;
	int err;
	/* the credentials first: nobody without them learns whether this id exists */
	e->by_token = by_token(r, vm_id, e->token_hash);
	if (!e->by_token)
		e->token_hash[0] = '\0';
	if (!e->by_token && !o->cert_len) {
		*resp = tl_http_error(401, "enroll.unauthorized",
				      "enrolment needs the VM's enrollment token (Authorization: "
				      "Bearer) or an EK certificate (ek_cert) naming this VM",
				      NULL);
		return false;
	}
	if (!e->by_token &&
	    !by_certificate(r, vm_id, tl_api_bytes(o->cert, o->cert_len), &o->ek, resp))
		return false;
	if ((err = tl_store_vm_get(r->srv->store, "*", vm_id, vm)) != TL_OK) {
		*resp = tl_api_store_error(err, "VM");
		return false;
	}
	cert_only = strcmp(vm->enrollment, TL_ENROLL_EK_CERT) == 0;
	if (e->by_token && cert_only && !o->cert_len) {
		*resp = cert_required(); /* said only to the token's holder */
		return false;
	}
	if (e->by_token && cert_only) { /* the certificate decides, not the token */
		e->by_token = false;
		e->token_hash[0] = '\0';
		if (!by_certificate(r, vm_id, tl_api_bytes(o->cert, o->cert_len), &o->ek, resp))
			return false;
	}
	err = tl_store_tpm_get(r->srv->store, vm->id, &bound);
	if (err != TL_OK && err != TL_E_STORE_NOT_FOUND) {
		*resp = tl_api_store_error(err, "VM");
		return false;
	}
	tl_hex(o->ek_raw, o->ek_len, e->ek_public);
	if (err == TL_OK && !e->by_token && strcmp(bound.ek_public, e->ek_public) != 0) {
		*resp = tl_http_error(409, "enroll.other_tpm",
				      "this VM is bound to another TPM; moving it needs a new "
				      "enrollment token from an operator",
				      "ek_public");
		return false;
	}
	return true;
}

/* The credential only a TPM holding both keys opens, and the pending enrolment. */
static struct tl_resp credential(struct tl_req *r, const char *vm_id, const struct offer *o,
				 struct tl_enrollment *e)
{
	uint8_t name[TL_TPM2_MAX_NAME], secret[32], blob[TL_CREDENTIAL_MAX_BLOB];
	size_t name_len, blob_len;
	char b64[2 * TL_CREDENTIAL_MAX_BLOB], msg[160];
	int err;
	if ((err = tl_tpm2_public_name(&o->ak, name, &name_len)) != TL_OK ||
	    (err = tl_random(secret, sizeof(secret))) != TL_OK)
		return tl_http_error(500, "server.internal", "could not make the credential", NULL);
	err = tl_credential_make(&o->ek, tl_api_bytes(name, name_len),
				 tl_api_bytes(secret, sizeof(secret)), blob, &blob_len);
	if (err != TL_OK) {
		snprintf(msg, sizeof(msg), "no credential can be made for this EK: %s",
			 tl_err_msg(err));
		return tl_http_error(400, "enroll.ek", msg, "ek_public");
	}
	tl_hex(o->ak_raw, o->ak_len, e->ak_public);
	tl_hex(name, name_len, e->ak_name);
	snprintf(e->vm_id, sizeof(e->vm_id), "%s", vm_id);
	e->expires = (int64_t)time(NULL) + ENROLL_TTL;
	if (tl_api_sha256_hex(secret, sizeof(secret), e->secret_hash) != TL_OK ||
	    tl_api_uuid(e->id) != TL_OK || tl_b64_encode(blob, blob_len, b64, sizeof(b64)) != TL_OK)
		return tl_http_error(500, "server.internal", "could not make the credential", NULL);
	if (tl_store_enrollment_add(r->srv->store, e) != TL_OK)
		return tl_http_error(503, "store.unavailable", "the database did not answer", NULL);
	return tl_http_json(201, json_pack("{s:s,s:s,s:I}", "enrollment_id", e->id, "credential",
					   b64, "expires_at", (json_int_t)e->expires));
}

static struct tl_resp begin(struct tl_req *r, const char *vm_id)
{
	struct offer *o = NULL;
	struct tl_enrollment e;
	struct tl_vm vm;
	struct tl_resp resp = { 0, NULL, NULL, NULL };
	json_t *body;

	/* who is asking, before anything else is looked at: without credentials for this id,
	 * nobody learns whether it exists or what its body lacks */
	memset(&e, 0, sizeof(e));
	if (!by_token(r, vm_id, e.token_hash) && r->srv->n_ek_cas == 0)
		return tl_http_error(401, "enroll.unauthorized",
				     "enrolment needs the VM's enrollment token (Authorization: "
				     "Bearer); no vTPM CA is configured for EK certificates",
				     NULL);
	if (!(body = tl_api_body(r, &resp)))
		return resp;
	if (!(o = calloc(1, sizeof(*o))))
		resp = tl_http_error(503, "server.busy", "out of memory", NULL);
	else if (offer_parse(body, o, &resp) && authorise(r, vm_id, &vm, o, &e, &resp) &&
		 tl_api_enroll_cvm_check(r->srv, &vm, body, &o->ak, &resp))
		resp = credential(r, vm_id, o, &e);
	free(o);
	json_decref(body);
	return resp;
}

/* An enrolment by token begun before the VM's policy came to require a certificate ends at
 * activation. */
static bool policy_allows(struct tl_req *r, const char *vm_id, const struct tl_enrollment *e,
			  struct tl_resp *resp)
{
	struct tl_vm vm;
	int err;
	if (!e->by_token)
		return true;
	if ((err = tl_store_vm_get(r->srv->store, "*", vm_id, &vm)) != TL_OK) {
		*resp = tl_api_store_error(err, "VM");
		return false;
	}
	if (strcmp(vm.enrollment, TL_ENROLL_EK_CERT) == 0) {
		*resp = cert_required();
		return false;
	}
	return true;
}

/* The VM bound to the enrolment's TPM, if its authority still holds. */
static struct tl_resp bind(struct tl_req *r, const char *vm_id, const struct tl_enrollment *e)
{
	struct tl_vm_tpm t;
	int err;
	memset(&t, 0, sizeof(t));
	snprintf(t.vm_id, sizeof(t.vm_id), "%s", vm_id);
	memcpy(t.ek_public, e->ek_public, sizeof(t.ek_public));
	memcpy(t.ak_public, e->ak_public, sizeof(t.ak_public));
	memcpy(t.ak_name, e->ak_name, sizeof(t.ak_name));
	t.enrolled = (int64_t)time(NULL);
	err = tl_store_tpm_bind(r->srv->store, &t, e->by_token ? e->token_hash : NULL);
	if (err == TL_E_STORE_CONFLICT)
		return tl_http_error(409, "enroll.superseded",
				     "the enrolment's authority ended meanwhile (its enrollment token "
				     "was replaced or used, or the VM was bound to another TPM); enrol "
				     "again",
				     NULL);
	if (err != TL_OK)
		return tl_http_error(503, "store.unavailable", "the database did not answer", NULL);
	tl_api_posture_changed(r->srv, vm_id);
	return tl_http_json(200, json_pack("{s:s,s:b,s:s,s:s}", "vm_id", vm_id, "enrolled", 1,
					   "ak_name", e->ak_name, "enrolled_by",
					   e->by_token ? TL_BY_TOKEN : TL_BY_EK_CERT));
}

static struct tl_resp activate(struct tl_req *r, const char *vm_id, const char *eid)
{
	uint8_t secret[TL_CREDENTIAL_MAX_SECRET];
	size_t len;
	struct tl_enrollment e;
	struct tl_resp resp = { 0, NULL, NULL, NULL };
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
	if (!policy_allows(r, vm_id, &e, &resp))
		goto out;
	if (tl_api_sha256_hex(secret, len, hash) != TL_OK ||
	    tl_credential_check(tl_api_bytes((const uint8_t *)e.secret_hash, 64),
				tl_api_bytes((const uint8_t *)hash, 64)) != TL_OK) {
		resp = tl_http_error(403, "enroll.secret",
				     "the secret does not match: the TPM that answered does not hold "
				     "both the EK and the AK; enrol again",
				     "secret");
		goto out;
	}
	resp = bind(r, vm_id, &e);
out:
	json_decref(body);
	return resp;
}

struct tl_resp tl_api_enroll(struct tl_req *r, const char *vm_id, const char *eid)
{
	return eid ? activate(r, vm_id, eid) : begin(r, vm_id);
}
