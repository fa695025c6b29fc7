/* tl cvm verify: does this confidential VM's HCL report come from a genuine SEV-SNP guest,
 * and is its vTPM's quote signed by the attestation key that report vouches for? */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cvmcli.h"
#include "snpcli.h"
#include "trustlaunch/cvm.h"
#include "trustlaunch/hash.h"

static const char verify_help[] =
	"usage: tl cvm verify (--hcl-report FILE | --evidence FILE) [--vcek FILE] [--ca PATH...]\n"
	"                     [--attest MSG --sig SIG --nonce HEX [--pcrs FILE]] [policy] [--json]\n"
	"\n"
	"Checks the evidence of a confidential VM whose vTPM runs in a paravisor (Azure): the HCL\n"
	"report (the vTPM's NV index 0x01400001) holds an SEV-SNP report, verified as `tl snp\n"
	"verify` does, and runtime data whose hash is that report's report_data; the runtime\n"
	"data names the vTPM's attestation key (HCLAkPub). With --attest, the TPM quote must be\n"
	"signed by exactly that key and carry the nonce: then the quote is bound to the guest.\n"
	"An HCL report with an Intel TDX TD report is parsed and its binding checked, but it is\n"
	"refused (tdx.not_verifiable): a TD report is MACed for the local CPU, and only an Intel\n"
	"quote with Intel's collateral, which this command does not check, can vouch for it.\n"
	"\n"
	"  --hcl-report FILE  the HCL report (tpm2_nvread 0x01400001)\n"
	"  --evidence FILE    JSON {\"report\": [bytes], \"quote\": {\"message\": [..], \"signature\":\n"
	"                     [..], \"pcrs\": [[..]..]}, \"vcek\": PEM} (az-snp-vtpm evidence); a\n"
	"                     bare RSA signature is taken as RSASSA/SHA-256\n"
	"  --attest FILE      TPMS_ATTEST of the quote (tpm2_quote -m)\n"
	"  --sig FILE         TPMT_SIGNATURE (tpm2_quote -s)\n"
	"  --nonce HEX        the nonce the quote must carry\n"
	"  --pcrs FILE        the quoted PCR values, raw (tpm2_quote -F values -o)\n"
	TL_SNP_CLI_OPTIONS_HELP
	"\n"
	"exit: 0 verified, 1 refused (the reason code on stderr and in the JSON), 2 unusable input\n";

struct args {
	struct tl_snp_cli o;
	struct tl_cvm_paths p;
	const char *evidence, *nonce;
};

static const char **slot(struct args *a, const char *opt)
{
	return strcmp(opt, "--hcl-report") == 0 ? &a->p.hcl
	       : strcmp(opt, "--evidence") == 0 ? &a->evidence
	       : strcmp(opt, "--attest") == 0	? &a->p.attest
	       : strcmp(opt, "--sig") == 0	? &a->p.sig
	       : strcmp(opt, "--nonce") == 0	? &a->nonce
	       : strcmp(opt, "--pcrs") == 0	? &a->p.pcrs
					      : NULL;
}

static int parse_args(int argc, char **argv, struct args *a)
{
	for (int i = 1; i < argc; i++) {
		const char **s = slot(a, argv[i]);
		int r;
		if (tl_cli_is_help(argv[i])) {
			fputs(verify_help, stdout);
			return TL_EXIT_OK;
		}
		if (s && i + 1 < argc) {
			*s = argv[++i];
			continue;
		}
		if ((r = tl_snp_cli_option(argc, argv, &i, &a->o)) < 0)
			return TL_EXIT_USAGE;
		if (r == 0) {
			fprintf(stderr, "tl cvm verify: unexpected '%s'\n\n%s", argv[i], verify_help);
			return TL_EXIT_USAGE;
		}
	}
	a->p.vcek = a->o.vcek;
	if (!a->p.hcl == !a->evidence || (a->p.attest && (!a->p.sig || !a->nonce)) ||
	    (a->p.sig && !a->p.attest)) {
		fprintf(stderr, "tl cvm verify: one of --hcl-report and --evidence is needed; "
				"--attest goes with --sig and --nonce\n\n%s", verify_help);
		return TL_EXIT_USAGE;
	}
	return -1;
}

static json_t *checks(const struct tl_cvm_result *r)
{
	return json_pack("{s:b, s:b, s:b, s:b}", "hardware_report_verified", r->hw_verified,
			 "report_data_bound", r->bound, "runtime_data_ok", r->runtime_ok,
			 "quote_checked", r->quote_checked);
}

static json_t *runtime(const struct tl_hcl_runtime *rt)
{
	json_t *o = json_pack("{s:{s:s, s:i, s:I}}", "ak", "kty", "RSA", "bits",
			      (int)(rt->ak_n_len * 8), "e", (json_int_t)rt->ak_e);
	const char *names[] = { "secure_boot", "tpm_enabled", "console_enabled" };
	const int vals[] = { rt->secure_boot, rt->tpm_enabled, rt->console_enabled };
	for (size_t i = 0; i < 3; i++)
		json_object_set_new(o, names[i], vals[i] < 0 ? json_null() : json_boolean(vals[i]));
	json_object_set_new(o, "vm_unique_id", json_string(rt->vm_unique_id));
	return o;
}

static json_t *tdx_json(const struct tl_tdx_report *t)
{
	char mrtd[97];
	tl_hex(t->mrtd, sizeof(t->mrtd), mrtd);
	return json_pack("{s:s, s:b, s:I, s:b, s:s}", "mrtd", mrtd, "debug", t->debug,
			 "td_attributes", (json_int_t)t->td_attributes, "verified", 0,
			 "not_verified", "the TD report's MAC and the TDX module's identity: they "
			 "need an Intel quote and Intel's collateral");
}

static void show_json(int err, const struct tl_cvm_result *r, const char *detail)
{
	json_t *j = json_object();
	json_object_set_new(j, "verdict", json_string(err == TL_OK ? "verified" : "refused"));
	if (err != TL_OK)
		json_object_set_new(j, "reason", tl_snp_cli_reason(err, detail));
	json_object_set_new(j, "checks", checks(r));
	if (r->parsed) {
		json_object_set_new(j, "report_type",
				    json_string(r->hcl.report_type == TL_HCL_TYPE_TDX ? "tdx" : "snp"));
		json_object_set_new(j, "runtime_data_hash",
				    json_string(tl_alg_name((uint16_t)r->hcl.hash_type)));
	}
	if (r->parsed && r->hcl.report_type == TL_HCL_TYPE_SNP) {
		json_object_set_new(j, "certificate", tl_snp_cli_cert_json(&r->snp.cert));
		json_object_set_new(j, "report", tl_snp_cli_report_json(&r->hcl.snp, r->snp.cert.gen));
	} else if (r->parsed) {
		json_object_set_new(j, "tdx", tdx_json(&r->hcl.tdx));
	}
	if (r->runtime_ok)
		json_object_set_new(j, "runtime", runtime(&r->runtime));
	if (r->quote_checked && err == TL_OK)
		json_object_set_new(j, "quote", json_pack("{s:I, s:i, s:i}", "clock",
							  (json_int_t)r->quote.attest.clock,
							  "reset_count", r->quote.attest.reset_count,
							  "restart_count", r->quote.attest.restart_count));
	tl_cli_print_json(j);
}

static void show(const struct args *a, int err, const struct tl_cvm_result *r)
{
	const char *detail = r->snp.detail[0] ? r->snp.detail : NULL;
	if (a->o.json) {
		show_json(err, r, detail);
	} else if (err == TL_OK) {
		printf("verified: SEV-SNP guest on a %s (%s), VMPL %u; runtime data bound to the "
		       "report; vTPM AK RSA-%zu\n  quote: %s\n",
		       tl_snp_gen_name(r->snp.cert.gen), r->snp.cert.product, r->hcl.snp.vmpl,
		       r->runtime.ak_n_len * 8,
		       r->quote_checked ? "signed by that AK, nonce matches" : "not checked");
	}
	if (err == TL_E_TDX_UNVERIFIED)
		fprintf(stderr, "note: TD report parsed%s; its MAC and the TDX module were not "
				"verified (no Intel collateral)\n",
			r->bound ? ", runtime data bound to its report_data" : "");
	if (err != TL_OK)
		tl_snp_cli_refused(err, detail);
}

/* The signer of the VCEK; for a TDX report none is needed. -1: go on; else an exit code. */
static int signer_of(const struct args *a, const struct tl_cvm_input *in,
		     struct tl_snp_signer **s, struct tl_cvm_result *res)
{
	struct tl_snp_roots *roots = NULL;
	struct tl_snp_cert_info info;
	int rc, err;
	if (!in->vcek)
		return -1;
	if ((rc = tl_snp_cli_roots(&a->o, &roots)) != TL_EXIT_OK)
		return rc;
	err = tl_snp_signer_new(roots, (struct tl_bytes){ in->vcek, in->vcek_len }, a->o.at, s,
				&info);
	tl_snp_roots_free(roots);
	if (err == TL_OK)
		return -1;
	res->snp.cert = info;
	snprintf(res->snp.detail, sizeof(res->snp.detail), "%s", info.detail);
	show(a, err, res);
	return tl_snp_cli_exit(err);
}

static int verify(int argc, char **argv)
{
	struct args a = { 0 };
	struct tl_cvm_input in = { 0 };
	struct tl_snp_signer *signer = NULL;
	struct tl_cvm_result *res = calloc(1, sizeof(*res));
	uint8_t nonce[TL_TPM2_MAX_DIGEST];
	size_t nl = 0;
	int rc = res ? parse_args(argc, argv, &a) : tl_cli_fail("tl cvm", TL_E_NOMEM), err;

	if (rc >= 0)
		goto out;
	rc = TL_EXIT_USAGE;
	if (a.nonce && ((nl = strlen(a.nonce) / 2) > sizeof(nonce) || nl == 0 ||
			tl_unhex(a.nonce, nonce, nl) != TL_OK)) {
		fprintf(stderr, "tl: --nonce: not hex of 1 to %u bytes\n", TL_TPM2_MAX_DIGEST);
		goto out;
	}
	if (tl_cvm_input_files(&a.p, &in) != TL_EXIT_OK ||
	    (a.evidence && tl_cvm_input_evidence(a.evidence, &in) != TL_EXIT_OK))
		goto out;
	if ((rc = signer_of(&a, &in, &signer, res)) >= 0)
		goto out;
	struct tl_cvm_quote q = { { in.attest, in.attest_len }, { in.sig, in.sig_len },
				  { nonce, nl }, in.pcrs };
	bool quoted = in.attest && a.nonce;
	if (in.attest && !a.nonce)
		fprintf(stderr, "note: the quote is not checked without --nonce\n");
	err = tl_cvm_verify(signer, (struct tl_bytes){ in.hcl, in.hcl_len }, &a.o.cfg,
			    quoted ? &q : NULL, res);
	if (err == TL_E_ARG && !signer) {
		fprintf(stderr, "tl cvm verify: an SEV-SNP HCL report needs --vcek\n");
		rc = TL_EXIT_USAGE;
		goto out;
	}
	show(&a, err, res);
	rc = tl_snp_cli_exit(err);
out:
	tl_snp_signer_free(signer);
	tl_cvm_input_free(&in);
	free(res);
	return rc;
}

static const struct tl_cmd cmds[] = {
	{ "verify", verify, "verify a confidential VM's HCL report and its vTPM's quote" },
	{ NULL, NULL, NULL },
};

int tl_cmd_cvm(int argc, char **argv)
{
	return tl_cli_dispatch("tl cvm", cmds, argc - 1, argv + 1);
}
