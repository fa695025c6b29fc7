/* AMD SEV-SNP: the attestation report a guest gets from the AMD secure processor, the VCEK
 * or VLEK certificate that signs it, the chain VCEK -> ASK -> ARK (VLEK -> ASVK -> ARK) to
 * AMD's roots, and the policy a verifier applies to what the report says.
 * (SEV Secure Nested Paging Firmware ABI Specification, AMD 56860, "ATTESTATION_REPORT".) */
#ifndef TRUSTLAUNCH_SNP_H
#define TRUSTLAUNCH_SNP_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "trustlaunch/err.h"
#include "trustlaunch/rd.h"

#define TL_SNP_REPORT_LEN 0x4A0u   /* bytes of an ATTESTATION_REPORT */
#define TL_SNP_SIGNED_LEN 0x2A0u   /* bytes the signature covers */
#define TL_SNP_SIG_COMPONENT 72u   /* r and s: little-endian, zero-extended to 72 bytes */
#define TL_SNP_SIG_ALGO_ECDSA_P384_SHA384 1u

/* Processor generations, each with its own ARK/ASK/ASVK and TCB_VERSION layout. */
enum tl_snp_gen { TL_SNP_GEN_UNKNOWN = 0, TL_SNP_GEN_MILAN, TL_SNP_GEN_GENOA, TL_SNP_GEN_TURIN };
#define TL_SNP_NGENS 4

/* "Milan", "Genoa", "Turin"; "unknown". */
const char *tl_snp_gen_name(enum tl_snp_gen gen);

/* Which key signed the report (flags.SIGNING_KEY). */
enum tl_snp_key_kind { TL_SNP_KEY_VCEK = 0, TL_SNP_KEY_VLEK = 1, TL_SNP_KEY_NONE = 7 };

/* A TCB_VERSION decoded for one generation: Milan and Genoa have no FMC field
 * (boot_loader byte 0, tee 1, snp 6, microcode 7); Turin: fmc 0, boot_loader 1, tee 2,
 * snp 3, microcode 7. */
struct tl_snp_tcb {
	uint64_t raw;
	uint8_t fmc, boot_loader, tee, snp, microcode;
};
void tl_snp_tcb_decode(uint64_t raw, enum tl_snp_gen gen, struct tl_snp_tcb *out);

/* The guest policy (report offset 0x08). */
struct tl_snp_policy {
	uint64_t raw;
	uint8_t abi_minor, abi_major;
	bool smt, migrate_ma, debug, single_socket, cxl_allow, mem_aes_256_xts, rapl_dis,
		ciphertext_hiding, page_swap_disable;
};

struct tl_snp_report {
	uint32_t version, guest_svn;
	struct tl_snp_policy policy;
	uint8_t family_id[16], image_id[16];
	uint32_t vmpl, signature_algo;
	uint64_t current_tcb, platform_info;
	bool author_key_en, mask_chip_key;
	uint8_t signing_key;               /* enum tl_snp_key_kind */
	uint8_t report_data[64], measurement[48], host_data[32];
	uint8_t id_key_digest[48], author_key_digest[48], report_id[32], report_id_ma[32];
	uint64_t reported_tcb;
	uint8_t cpuid_fam_id, cpuid_mod_id, cpuid_step; /* version 3 on; 0 before */
	uint8_t chip_id[64];
	uint64_t committed_tcb;
	uint8_t current_build, current_minor, current_major;
	uint8_t committed_build, committed_minor, committed_major;
	uint64_t launch_tcb;
	uint64_t launch_mit_vector, current_mit_vector; /* version 5; 0 before */
	uint8_t sig_r[TL_SNP_SIG_COMPONENT], sig_s[TL_SNP_SIG_COMPONENT]; /* little-endian */
};

/* Reads one report (exactly TL_SNP_REPORT_LEN bytes) strictly: a known version, the
 * signature algorithm ECDSA P-384 SHA-384, a known signing key, every reserved field zero.
 * On failure pos is unchanged and *out zeroed. */
TL_MUST_CHECK int tl_snp_report_read(struct tl_rd *rd, struct tl_snp_report *out);
/* The whole input must be one report. diag (may be NULL) gets the failing offset. */
TL_MUST_CHECK int tl_snp_report_parse(struct tl_bytes in, struct tl_snp_report *out,
				      struct tl_diag *diag);
/* The generation the report's CPUID fields name (version 3 on), or UNKNOWN. */
enum tl_snp_gen tl_snp_report_gen(const struct tl_snp_report *rep);

/* What a verifier accepts of a report that is genuine. Zero-initialised = the strictest
 * useful policy except SMT: no debug, no migration agent, VMPL 0, no TCB minimum. */
struct tl_snp_policy_cfg {
	bool allow_debug;
	bool allow_migrate_ma;
	bool forbid_smt;              /* refuse a guest policy that allows SMT */
	uint32_t max_vmpl;            /* highest VMPL a report may come from (0) */
	struct tl_snp_tcb min_tcb;    /* per component; 0 = no minimum (raw is ignored) */
};

/* A minimum TCB as an operator writes it: "BL:TEE:SNP:UCODE[:FMC]", each 0-255. */
bool tl_snp_tcb_parse(const char *s, struct tl_snp_tcb *out);

/* Policy checks on a parsed report, in this order: debug, migration agent, SMT, VMPL,
 * TCB minimum (reported TCB, decoded for gen). detail (may be NULL, n bytes) names what. */
TL_MUST_CHECK int tl_snp_policy_check(const struct tl_snp_report *rep, enum tl_snp_gen gen,
				      const struct tl_snp_policy_cfg *cfg, char *detail,
				      size_t n);

/* AMD's ARK, ASK and ASVK certificates of one or more generations (PEM as AMD's key
 * distribution service publishes them: ask_ark_asvk.pem). */
struct tl_snp_roots;
/* Adds every certificate of a PEM (or one DER) whose CN is ARK-, SEV- or SEV-VLEK-<Gen>;
 * an ARK must be self-signed (RSA-PSS). TL_E_SNP_ROOTS when it adds no ARK, ASK or ASVK. */
TL_MUST_CHECK int tl_snp_roots_add(struct tl_snp_roots *roots, struct tl_bytes pem);
TL_MUST_CHECK int tl_snp_roots_new(struct tl_snp_roots **out);
void tl_snp_roots_free(struct tl_snp_roots *roots);
/* True when the roots hold an ARK of gen. */
bool tl_snp_roots_have(const struct tl_snp_roots *roots, enum tl_snp_gen gen);

/* What the VCEK or VLEK says about itself (its AMD extensions, OIDs 1.3.6.1.4.1.3704.1.x). */
struct tl_snp_cert_info {
	enum tl_snp_gen gen;           /* from its issuer, ASK "SEV-<Gen>" / ASVK "SEV-VLEK-<Gen>" */
	uint8_t kind;                  /* enum tl_snp_key_kind: VCEK or VLEK */
	char product[32];              /* productName (1.2), e.g. "Milan-B0" */
	char subject_cn[32], issuer_cn[32];
	struct tl_snp_tcb tcb;         /* blSPL 3.1, teeSPL 3.2, snpSPL 3.3, ucodeSPL 3.8, fmcSPL 3.9 */
	bool has_fmc;
	uint8_t hwid[64];              /* hwID (1.4), VCEK only */
	size_t hwid_len;
	char detail[128];              /* why a chain was refused (OpenSSL's words) */
};

/* A VCEK or VLEK checked against the roots, ready to verify reports (its key cached). */
struct tl_snp_signer;
/* cert: DER or PEM. at: the time to check validity at (0: now). TL_E_SNP_CERT_MALFORMED,
 * _GENERATION (no roots of its generation, or a product name of another), _UNTRUSTED,
 * _EXPIRED, _CERT_KEY. info is filled as far as the certificate could be read. */
TL_MUST_CHECK int tl_snp_signer_new(const struct tl_snp_roots *roots, struct tl_bytes cert,
				    time_t at, struct tl_snp_signer **out,
				    struct tl_snp_cert_info *info);
void tl_snp_signer_free(struct tl_snp_signer *signer);
const struct tl_snp_cert_info *tl_snp_signer_info(const struct tl_snp_signer *signer);
/* ECDSA P-384 / SHA-384 over signed (the report's first TL_SNP_SIGNED_LEN bytes). */
TL_MUST_CHECK int tl_snp_signer_verify(const struct tl_snp_signer *signer, struct tl_bytes signed_part,
				       const struct tl_snp_report *rep);

struct tl_snp_result {
	struct tl_snp_report report;
	struct tl_snp_cert_info cert;
	struct tl_snp_tcb reported;    /* reported_tcb decoded for the certificate's generation */
	bool parsed, signature_ok;     /* how far it got */
	char detail[160];              /* which component, value or certificate failed */
};

/* A raw report checked with a signer: parse, signing key kind, generation (report CPUID vs
 * certificate), signature, TCB of the certificate vs reported TCB, chip ID vs hwID (VCEK),
 * then the policy. raw must be exactly one report. */
TL_MUST_CHECK int tl_snp_verify_with(const struct tl_snp_signer *signer, struct tl_bytes raw,
				     const struct tl_snp_policy_cfg *cfg,
				     struct tl_snp_result *out);
/* The same, from the certificate: tl_snp_signer_new then tl_snp_verify_with. */
TL_MUST_CHECK int tl_snp_verify(const struct tl_snp_roots *roots, struct tl_bytes cert,
				struct tl_bytes raw, time_t at, const struct tl_snp_policy_cfg *cfg,
				struct tl_snp_result *out);

#endif
