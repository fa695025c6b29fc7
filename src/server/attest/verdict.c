/* One attestation through the library's pipeline, with the service's caches: the event log
 * parsed, replayed and explained once per log (log_cache.c), the baseline parsed once per
 * text (baseline_cache.c). The reasons are rendered from the typed verdict last; nothing here
 * decides by their text. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trustlaunch/hash.h"
#include "verdict.h"

void tl_attest_verdict_free(struct tl_attest_verdict *v)
{
	tl_verdict_free(&v->typed);
	json_decref(v->reasons);
	free(v->facts_text);
	memset(v, 0, sizeof(*v));
}

/* The log cache's facts, and their compact text kept for the answer. */
struct facts_ctx {
	struct tl_log_entry *le;
	char **text;
};

static int cached_facts(void *ctx, const struct tl_log *log, uint32_t trusted, json_t **out)
{
	struct facts_ctx *c = ctx;
	(void)log;
	free(*c->text);
	*c->text = NULL;
	return tl_log_entry_facts(c->le, trusted, out, c->text);
}

/* The enrolled AK, from its stored hex into raw (which ak points into); false when it
 * cannot be read. */
static bool enrolled_ak(const struct tl_vm_tpm *tpm, uint8_t raw[static TL_TPM2_MAX_PUBLIC + 2],
			struct tl_tpm2_public *ak)
{
	size_t len = strlen(tpm->ak_public) / 2;
	return len <= TL_TPM2_MAX_PUBLIC + 2 && tl_unhex(tpm->ak_public, raw, len) == TL_OK &&
	       tl_tpm2_public_parse((struct tl_bytes){ raw, len }, ak) == TL_OK;
}

/* The log of the evidence from the cache (a reference in *out, NULL without a log); a log
 * that does not parse is malformed evidence: its 400 in resp. */
static int log_of(const struct tl_evidence *ev, struct tl_log_entry **out, struct tl_resp *resp)
{
	struct tl_diag diag;
	char msg[200];
	int err;

	*out = NULL;
	if (ev->log_entry) {
		*out = tl_log_entry_ref(ev->log_entry);
		return TL_OK;
	}
	if (!ev->log)
		return TL_OK;
	err = tl_log_entry_get(ev->log, ev->log_len, ev->has_log_text_key ? ev->log_text_key : NULL,
			       out, &diag);
	if (err != TL_OK) {
		snprintf(msg, sizeof(msg), "event_log does not parse: %s at byte %zu (event %u)",
			 tl_err_msg(err), diag.offset, diag.event);
		*resp = tl_http_error(400, "request.field", msg, "event_log");
	}
	return err;
}

/* A confidential VM's evidence as the verdict takes it, with the service's roots and policy
 * and its VCEK's signer from the cache (*ref, to put back). */
static const struct tl_verdict_cvm *cvm_of(const struct tl_server *srv, const struct tl_vm *vm,
					   const struct tl_evidence *ev, struct tl_verdict_cvm *c,
					   struct tl_signer_ref **ref)
{
	static const struct tl_snp_policy_cfg strict;
	*ref = NULL;
	if (strcmp(vm->security_type, "confidential") != 0)
		return NULL;
	*c = (struct tl_verdict_cvm){
		.roots = srv ? srv->snp_roots : NULL,
		.hcl = { ev->hcl_report, ev->hcl_report_len },
		.vcek = { ev->vcek, ev->vcek_len },
		.policy = srv ? &srv->snp_policy : &strict,
	};
	*ref = tl_signer_get(c->roots, c->vcek);
	c->signer = tl_signer_of(*ref);
	return c;
}

int tl_attest_verdict_make(const struct tl_server *srv, const struct tl_vm *vm,
			   const struct tl_vm_tpm *tpm, const char *baseline,
			   const struct tl_evidence *ev, struct tl_attest_verdict *out,
			   struct tl_resp *resp)
{
	struct tl_verdict_cvm cvm;
	struct tl_signer_ref *signer;
	struct tl_log_entry *le;
	struct tl_tpm2_public ak;
	uint8_t ak_raw[TL_TPM2_MAX_PUBLIC + 2];
	struct tl_clock_info prev = { tpm->clock, tpm->reset_count, tpm->restart_count };
	struct facts_ctx fc = { NULL, &out->facts_text };
	struct tl_verdict_in in = {
		.attest = { ev->attest, ev->attest_len }, .sig = { ev->sig, ev->sig_len },
		.nonce = { ev->nonce, sizeof(ev->nonce) }, .pcrs = &ev->pcrs,
		.quote = { .previous = tpm->clock || tpm->reset_count ? &prev : NULL,
			   .ima = ev->has_ima ? &ev->ima : NULL },
		.secure_boot = vm->secure_boot, .has_baseline = baseline != NULL,
		.learn = true, .facts = cached_facts, .facts_ctx = &fc,
		.cvm = cvm_of(srv, vm, ev, &cvm, &signer),
	};
	int err;

	memset(out, 0, sizeof(*out));
	if ((err = log_of(ev, &le, resp)) != TL_OK)
		return err;
	if (le) {
		out->has_log = true;
		memcpy(out->log_sha256, tl_log_entry_sha256(le), sizeof(out->log_sha256));
		in.log = tl_log_entry_log(le);
		in.quote.replayed = tl_log_entry_replayed(le);
		fc.le = le;
	}
	in.ak = enrolled_ak(tpm, ak_raw, &ak) ? &ak : NULL;
	in.baseline = baseline ? tl_baseline_parsed(baseline) : NULL;
	err = tl_verdict_run(&in, &out->typed);
	tl_signer_put(signer);
	json_decref(in.baseline);
	tl_log_entry_put(le);
	if (err == TL_OK && !(out->reasons = tl_verdict_reasons(&out->typed)))
		err = TL_E_NOMEM;
	if (err != TL_OK) {
		tl_attest_verdict_free(out);
		*resp = tl_http_error(503, "server.busy", "out of memory", NULL);
	}
	return err;
}

json_t *tl_attest_claims(const char *issuer, int64_t token_ttl, const char *vm_id,
			 const struct tl_evidence *ev, const struct tl_verdict *v, int64_t id,
			 int64_t now)
{
	char nonce[2 * TL_NONCE_LEN + 1], jti[24];
	json_t *c, *own = tl_verdict_claims(v);

	tl_hex(ev->nonce, sizeof(ev->nonce), nonce);
	snprintf(jti, sizeof(jti), "%lld", (long long)id);
	c = json_pack("{s:s,s:s,s:s,s:I,s:I,s:s}", "iss", issuer, "sub", vm_id, "jti", jti, "iat",
		      (json_int_t)now, "exp", (json_int_t)(now + token_ttl), "nonce", nonce);
	if (!c || !own || json_object_update(c, own) != 0 ||
	    (ev->os && json_object_set(c, "os", ev->os) != 0)) {
		json_decref(c);
		c = NULL;
	}
	json_decref(own);
	return c;
}
