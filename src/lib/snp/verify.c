/* A raw SEV-SNP report checked end to end: its structure, who signed it, that the signer's
 * certificate was issued for this chip at this TCB, and the policy. */
#include <stdio.h>
#include <string.h>

#include "trustlaunch/snp.h"

/* The report's CPU (version 3 on) must be of the certificate's generation. */
static int check_generation(const struct tl_snp_report *rep, const struct tl_snp_cert_info *c,
			    char *detail, size_t n)
{
	enum tl_snp_gen g = tl_snp_report_gen(rep);
	if (g == TL_SNP_GEN_UNKNOWN || g == c->gen)
		return TL_OK;
	snprintf(detail, n, "the report's CPU is %s (family 0x%02x model 0x%02x), the %s is %s",
		 tl_snp_gen_name(g), rep->cpuid_fam_id, rep->cpuid_mod_id,
		 c->kind == TL_SNP_KEY_VLEK ? "VLEK" : "VCEK", tl_snp_gen_name(c->gen));
	return TL_E_SNP_GENERATION;
}

/* The certificate is issued for one TCB; the report's reported TCB must be exactly it. */
static int check_tcb(const struct tl_snp_result *r, char *detail, size_t n)
{
	const struct tl_snp_tcb *have = &r->reported, *cert = &r->cert.tcb;
	if (have->boot_loader == cert->boot_loader && have->tee == cert->tee &&
	    have->snp == cert->snp && have->microcode == cert->microcode &&
	    (!r->cert.has_fmc || r->cert.gen != TL_SNP_GEN_TURIN || have->fmc == cert->fmc))
		return TL_OK;
	snprintf(detail, n,
		 "report bl %u tee %u snp %u ucode %u fmc %u; certificate bl %u tee %u snp %u "
		 "ucode %u fmc %u",
		 have->boot_loader, have->tee, have->snp, have->microcode, have->fmc,
		 cert->boot_loader, cert->tee, cert->snp, cert->microcode, cert->fmc);
	return TL_E_SNP_TCB_MISMATCH;
}

static int check_chip(const struct tl_snp_report *rep, const struct tl_snp_cert_info *c)
{
	struct tl_rd rd;
	struct tl_bytes chip;
	if (c->kind != TL_SNP_KEY_VCEK)
		return TL_OK; /* a VLEK is issued for a cloud provider, not a chip */
	tl_rd_init(&rd, rep->chip_id, sizeof(rep->chip_id));
	if (tl_rd_bytes(&rd, c->hwid_len, &chip) != TL_OK || !tl_bytes_eq(chip, c->hwid, c->hwid_len))
		return TL_E_SNP_CHIP_ID;
	return TL_OK;
}

int tl_snp_verify_with(const struct tl_snp_signer *signer, struct tl_bytes raw,
		       const struct tl_snp_policy_cfg *cfg, struct tl_snp_result *out)
{
	struct tl_rd rd;
	int err;

	memset(out, 0, sizeof(*out));
	out->cert = *tl_snp_signer_info(signer);
	tl_rd_from(&rd, raw);
	if ((err = tl_snp_report_read(&rd, &out->report)) != TL_OK || (err = tl_rd_end(&rd)) != TL_OK)
		return err;
	out->parsed = true;
	tl_snp_tcb_decode(out->report.reported_tcb, out->cert.gen, &out->reported);
	if (out->report.signing_key != out->cert.kind)
		return TL_E_SNP_KEY_KIND;
	if ((err = check_generation(&out->report, &out->cert, out->detail, sizeof(out->detail))))
		return err;
	tl_rd_from(&rd, raw);
	struct tl_bytes signed_part;
	if ((err = tl_rd_bytes(&rd, TL_SNP_SIGNED_LEN, &signed_part)) != TL_OK ||
	    (err = tl_snp_signer_verify(signer, signed_part, &out->report)) != TL_OK)
		return err;
	out->signature_ok = true;
	if ((err = check_tcb(out, out->detail, sizeof(out->detail))) != TL_OK ||
	    (err = check_chip(&out->report, &out->cert)) != TL_OK)
		return err;
	return tl_snp_policy_check(&out->report, out->cert.gen, cfg, out->detail,
				   sizeof(out->detail));
}

int tl_snp_verify(const struct tl_snp_roots *roots, struct tl_bytes cert, struct tl_bytes raw,
		  time_t at, const struct tl_snp_policy_cfg *cfg, struct tl_snp_result *out)
{
	struct tl_snp_signer *signer = NULL;
	struct tl_snp_cert_info info;
	int err = tl_snp_signer_new(roots, cert, at, &signer, &info);

	if (err != TL_OK) {
		struct tl_rd rd;
		memset(out, 0, sizeof(*out));
		out->cert = info;
		snprintf(out->detail, sizeof(out->detail), "%s", info.detail);
		/* the report is still shown when it parses */
		tl_rd_from(&rd, raw);
		out->parsed = tl_snp_report_read(&rd, &out->report) == TL_OK && tl_rd_end(&rd) == TL_OK;
		if (!out->parsed)
			memset(&out->report, 0, sizeof(out->report));
		return err;
	}
	err = tl_snp_verify_with(signer, raw, cfg, out);
	tl_snp_signer_free(signer);
	return err;
}
