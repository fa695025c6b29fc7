/* A confidential VM's evidence end to end: the HCL report's hardware report is genuine, its
 * report_data is the hash of the runtime data, and the TPM quote is by the key that runtime
 * data names. */
#include <string.h>

#include "trustlaunch/cvm.h"

static int check_quote(const struct tl_hcl_runtime *rt, const struct tl_cvm_quote *q,
		       struct tl_quote_result *out)
{
	const struct tl_quote_opts opts = { .bare_key = true }; /* a JWK has no TPM attributes */
	struct tl_tpm2_public pub;
	int err;

	tl_hcl_ak_public(rt, &pub);
	err = tl_quote_verify(&pub, NULL, q->attest, q->sig, q->nonce, q->pcrs, NULL, &opts, out);
	/* the signature is checked with exactly the named key: failing it, the quote is by
	 * another key (or was changed) */
	return err == TL_E_QUOTE_SIGNATURE ? TL_E_HCL_AK : err;
}

/* TDX: what can be checked without Intel's collateral is checked, then it is refused. */
static int tdx(struct tl_cvm_result *out)
{
	int err;
	if ((err = tl_hcl_check_binding(&out->hcl)) != TL_OK)
		return err;
	out->bound = true;
	if ((err = tl_hcl_runtime_parse(out->hcl.runtime_data, &out->runtime)) != TL_OK)
		return err;
	out->runtime_ok = true;
	return TL_E_TDX_UNVERIFIED;
}

int tl_cvm_verify(const struct tl_snp_signer *signer, struct tl_bytes hcl,
		  const struct tl_snp_policy_cfg *cfg, const struct tl_cvm_quote *quote,
		  struct tl_cvm_result *out)
{
	int err;

	memset(out, 0, sizeof(*out));
	if ((err = tl_hcl_parse(hcl, &out->hcl, NULL)) != TL_OK)
		return err;
	out->parsed = true;
	if (out->hcl.report_type == TL_HCL_TYPE_TDX)
		return tdx(out);
	if (!signer)
		return TL_E_ARG;
	if ((err = tl_snp_verify_with(signer, out->hcl.hw_report, cfg, &out->snp)) != TL_OK)
		return err;
	out->hw_verified = true;
	if ((err = tl_hcl_check_binding(&out->hcl)) != TL_OK)
		return err;
	out->bound = true;
	if ((err = tl_hcl_runtime_parse(out->hcl.runtime_data, &out->runtime)) != TL_OK)
		return err;
	out->runtime_ok = true;
	if (!quote)
		return TL_OK;
	out->quote_checked = true;
	return check_quote(&out->runtime, quote, &out->quote);
}
