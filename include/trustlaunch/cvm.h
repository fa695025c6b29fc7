/* Confidential VMs with a paravisor vTPM (Azure's HCL): the HCL report the vTPM holds (NV
 * index 0x01400001) carries the hardware report (AMD SEV-SNP or Intel TDX) and runtime data
 * whose hash is the hardware report's report_data; the runtime data names the vTPM's
 * attestation key, so a TPM quote by that key is bound to the confidential guest. */
#ifndef TRUSTLAUNCH_CVM_H
#define TRUSTLAUNCH_CVM_H

#include "trustlaunch/limits.h"
#include "trustlaunch/quote.h"
#include "trustlaunch/snp.h"

#define TL_HCL_HEADER_LEN 32u
#define TL_HCL_HW_REPORT_LEN 1184u     /* the hardware report slot, whatever its type */
#define TL_HCL_REQUEST_DATA_LEN 20u    /* IGVM request data before the runtime data */

enum tl_hcl_report_type { TL_HCL_TYPE_SNP = 2, TL_HCL_TYPE_TDX = 4 };

/* Intel TDX TDREPORT_STRUCT (1024 bytes): MACed by the CPU for the local TDX module, not
 * signed; only an Intel quote with Intel's collateral can vouch for it. */
#define TL_TDX_REPORT_LEN 1024u
struct tl_tdx_report {
	uint8_t report_type, report_subtype, report_version;
	uint8_t cpusvn[16], tee_tcb_info_hash[48], tee_info_hash[48], report_data[64], mac[32];
	uint8_t tee_tcb_valid[8], tee_tcb_svn[16], mrseam[48], mrsignerseam[48];
	uint64_t seam_attributes;
	uint64_t td_attributes, xfam;
	uint8_t mrtd[48], mrconfigid[48], mrowner[48], mrownerconfig[48], rtmr[4][48];
	uint8_t servtd_hash[48];
	bool debug;                    /* TD_ATTRIBUTES bit 0 */
};
/* Reads a TDREPORT_STRUCT (REPORTTYPE.TYPE 0x81) through the reader; pos unchanged on
 * failure. TL_E_TDX_MALFORMED for a wrong type or a reserved field that is not zero. */
TL_MUST_CHECK int tl_tdx_report_read(struct tl_rd *rd, struct tl_tdx_report *out);

/* What the runtime data says (a JSON object: "keys" JWKs, "vm-configuration", "user-data"). */
struct tl_hcl_runtime {
	uint8_t ak_n[TL_HCL_MAX_AK_BYTES]; /* the attestation key "HCLAkPub": RSA modulus */
	size_t ak_n_len;
	uint32_t ak_e;
	int secure_boot, tpm_enabled, console_enabled; /* -1 when not said */
	char vm_unique_id[64];
};

struct tl_hcl_report {
	uint32_t version, report_size, request_type, status;
	uint32_t report_type, request_data_version, hash_type; /* hash_type: TPM_ALG_ID */
	struct tl_bytes hw_report;     /* views into the input */
	struct tl_bytes runtime_data;
	struct tl_snp_report snp;      /* report_type SNP */
	struct tl_tdx_report tdx;      /* report_type TDX */
};

/* Parses an HCL report strictly: "HCLA", sizes that fit together, a known report type whose
 * hardware report parses, a known hash type, runtime data within the limit; after
 * report_size only zero bytes (the NV index is padded). TL_E_HCL_*, TL_E_SNP_*, TL_E_TDX_*. */
TL_MUST_CHECK int tl_hcl_parse(struct tl_bytes in, struct tl_hcl_report *out,
			       struct tl_diag *diag);
/* hash(runtime data) == report_data (the digest, then zeros). TL_E_HCL_BINDING otherwise. */
TL_MUST_CHECK int tl_hcl_check_binding(const struct tl_hcl_report *hcl);
/* The runtime data's attestation key and VM configuration. TL_E_HCL_RUNTIME. */
TL_MUST_CHECK int tl_hcl_runtime_parse(struct tl_bytes runtime, struct tl_hcl_runtime *out);
/* The attestation key as a TPM public key (RSA, no scheme; views into rt). */
void tl_hcl_ak_public(const struct tl_hcl_runtime *rt, struct tl_tpm2_public *pub);

/* A TPM quote offered with the HCL report (all views). */
struct tl_cvm_quote {
	struct tl_bytes attest, sig, nonce;
	const struct tl_pcr_values *pcrs;  /* may be NULL */
};

struct tl_cvm_result {
	struct tl_hcl_report hcl;
	struct tl_hcl_runtime runtime;
	struct tl_snp_result snp;      /* SNP: the hardware report's verdict */
	struct tl_quote_result quote;
	bool parsed, hw_verified, bound, runtime_ok, quote_checked;
};

/* The whole chain: HCL report parses; the SNP report verifies (tl_snp_verify_with, with the
 * signer and cfg); SHA-256 of the runtime data is its report_data; the runtime data names an
 * RSA attestation key; and, when quote is not NULL, tl_quote_verify of the quote with exactly
 * that key (its failure to verify is hcl.ak_mismatch). A TDX report is parsed and its binding
 * checked, then refused with tdx.not_verifiable (signer may be NULL for TDX). */
TL_MUST_CHECK int tl_cvm_verify(const struct tl_snp_signer *signer, struct tl_bytes hcl,
				const struct tl_snp_policy_cfg *cfg,
				const struct tl_cvm_quote *quote, struct tl_cvm_result *out);

#endif
