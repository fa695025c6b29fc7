/* A confidential VM's hardware evidence in the verdict: its HCL report's SNP report is signed
 * by a VCEK that chains to the service's AMD roots, passes the policy, binds the runtime data,
 * and that runtime data names exactly the VM's enrolled AK, the key the quote is checked
 * with. Each failure is one finding of its own check (docs/confidential.md, "The service"). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trustlaunch/hash.h"
#include "trustlaunch/verdict.h"

/* The check a refusal of the SNP or HCL code falls under. */
static enum tl_check check_of(int err)
{
	switch (err) {
	case TL_E_SNP_CERT_MALFORMED:
	case TL_E_SNP_CERT_UNTRUSTED:
	case TL_E_SNP_CERT_EXPIRED:
	case TL_E_SNP_GENERATION:
	case TL_E_SNP_ROOTS:
	case TL_E_SNP_CERT_KEY:
		return TL_CHECK_SNP_CHAIN;
	case TL_E_SNP_SIGNATURE:
	case TL_E_SNP_KEY_KIND:
	case TL_E_SNP_CHIP_ID:
		return TL_CHECK_SNP_SIGNATURE;
	case TL_E_SNP_DEBUG:
		return TL_CHECK_SNP_DEBUG;
	case TL_E_SNP_MIGRATE_MA:
		return TL_CHECK_SNP_MIGRATION;
	case TL_E_SNP_SMT:
		return TL_CHECK_SNP_SMT;
	case TL_E_SNP_VMPL:
		return TL_CHECK_SNP_VMPL;
	case TL_E_SNP_TCB_LOW:
	case TL_E_SNP_TCB_MISMATCH:
		return TL_CHECK_SNP_TCB;
	case TL_E_HCL_BINDING:
	case TL_E_HCL_RUNTIME:
	case TL_E_HCL_AK:
		return TL_CHECK_SNP_BINDING;
	default:
		return TL_CHECK_SNP_EVIDENCE; /* unreadable, or TDX (not verifiable) */
	}
}

/* The runtime data's key is the enrolled AK: the same RSA modulus and exponent. */
static bool names_ak(const struct tl_hcl_runtime *rt, const struct tl_tpm2_public *ak)
{
	uint32_t e = ak->rsa_exponent ? ak->rsa_exponent : 65537u;
	return ak->type == TL_ALG_RSA && ak->rsa_modulus.len == rt->ak_n_len &&
	       tl_bytes_eq(ak->rsa_modulus, rt->ak_n, rt->ak_n_len) && e == rt->ak_e;
}

static enum tl_check say(char *detail, size_t n, const char *text, enum tl_check c)
{
	snprintf(detail, n, "%s", text);
	return c;
}

enum tl_check tl_cvm_evidence_check(const struct tl_verdict_cvm *c,
				    const struct tl_tpm2_public *ak, struct tl_cvm_result *res,
				    int *err, char *detail, size_t n)
{
	struct tl_snp_signer *signer = NULL;
	struct tl_snp_cert_info info;

	memset(res, 0, sizeof(*res));
	*err = TL_OK;
	if (!c->hcl.ptr || !c->vcek.ptr)
		return say(detail, n, "a confidential VM sends its HCL report and VCEK (hcl_report, "
			   "vcek)", TL_CHECK_SNP_EVIDENCE);
	if (!c->roots)
		return say(detail, n, "no AMD roots are configured (trustlaunchd --snp-roots): "
			   "confidential evidence is refused", TL_CHECK_SNP_EVIDENCE);
	if (!c->signer &&
	    (*err = tl_snp_signer_new(c->roots, c->vcek, c->at, &signer, &info)) != TL_OK)
		return say(detail, n, info.detail, check_of(*err));
	*err = tl_cvm_verify(c->signer ? c->signer : signer, c->hcl, c->policy, NULL, res);
	tl_snp_signer_free(signer);
	if (*err != TL_OK)
		return say(detail, n, res->snp.detail, check_of(*err));
	if (!ak || !names_ak(&res->runtime, ak)) {
		*err = TL_E_HCL_AK;
		return say(detail, n, "the attestation key the HCL report names is not this VM's "
			   "AK, which signs its quotes", TL_CHECK_SNP_BINDING);
	}
	detail[0] = '\0';
	return TL_CHECK_COUNT;
}

bool tl_verdict_check_cvm(const struct tl_verdict_in *in, struct tl_verdict *v,
			  bool (*add)(struct tl_verdict *, size_t *, struct tl_finding), size_t *cap)
{
	char detail[200];
	struct tl_finding f = { .err = TL_OK };

	if (!(v->cvm = malloc(sizeof(*v->cvm))))
		return false;
	f.check = tl_cvm_evidence_check(in->cvm, in->ak, v->cvm, &f.err, detail, sizeof(detail));
	if (f.check == TL_CHECK_COUNT) {
		v->cvm_ok = true;
		return true;
	}
	/* the detail names the error and which value or certificate */
	if (f.err != TL_OK)
		v->cvm_detail = json_pack("{s:s++}", "detail", tl_err_name(f.err),
					  detail[0] ? ": " : "", detail);
	else
		v->cvm_detail = json_pack("{s:s}", "detail", detail);
	if (!v->cvm_detail)
		return false;
	f.data = v->cvm_detail;
	return add(v, cap, f);
}

static json_t *hex(const uint8_t *p, size_t n)
{
	char buf[2 * 64 + 1];
	if (n > 64)
		return NULL;
	tl_hex(p, n, buf);
	return json_string(buf);
}

json_t *tl_verdict_snp_claims(const struct tl_cvm_result *cvm)
{
	const struct tl_snp_report *r = &cvm->snp.report;
	const struct tl_snp_tcb *t = &cvm->snp.reported;
	return json_pack(
		"{s:s,s:s,s:s,s:o,s:o,s:i,s:i,s:{s:b,s:b,s:b,s:b,s:i,s:i},s:{s:i,s:i,s:i,s:i,s:i},"
		"s:o,s:o}",
		"isolation", "sevsnp", "generation", tl_snp_gen_name(cvm->snp.cert.gen),
		"signing_key", cvm->snp.cert.kind == TL_SNP_KEY_VLEK ? "vlek" : "vcek",
		"measurement", hex(r->measurement, sizeof(r->measurement)), "host_data",
		hex(r->host_data, sizeof(r->host_data)), "vmpl", (int)r->vmpl, "guest_svn",
		(int)r->guest_svn, "policy", "debug", r->policy.debug, "migrate_ma",
		r->policy.migrate_ma, "smt", r->policy.smt, "single_socket", r->policy.single_socket,
		"abi_major", (int)r->policy.abi_major, "abi_minor", (int)r->policy.abi_minor,
		"reported_tcb", "boot_loader", (int)t->boot_loader, "tee", (int)t->tee, "snp",
		(int)t->snp, "microcode", (int)t->microcode, "fmc", (int)t->fmc, "report_data",
		hex(r->report_data, sizeof(r->report_data)), "vm_unique_id",
		cvm->runtime.vm_unique_id[0] ? json_string(cvm->runtime.vm_unique_id) : json_null());
}
