/* The verdict of one attestation (DESIGN.md's pipeline): identity, quote, log, meaning,
 * Secure Boot, baseline. Pure: the caller hands in the enrolled AK, the evidence, the log
 * (parsed, and replayed when it has done so before), the baseline, and the facts when it keeps
 * them; out comes a typed result. The reasons JSON of the API (docs/api.md) is rendered from
 * it last (tl_verdict_reasons); decisions (token claims, the TPM clock kept, alerts) read the
 * typed queries, never the rendered codes. */
#ifndef TRUSTLAUNCH_VERDICT_H
#define TRUSTLAUNCH_VERDICT_H

#include <jansson.h>
#include <stdbool.h>

#include "trustlaunch/compare.h"
#include "trustlaunch/cvm.h"
#include "trustlaunch/quote.h"

/* What was checked and failed; each is one reason of the API (its code in the comment). */
enum tl_check {
	TL_CHECK_IDENTITY_ORIGIN,     /* identity.quote_origin: not signed by the enrolled AK */
	TL_CHECK_QUOTE_NOT_QUOTE,     /* quote.not_quote */
	TL_CHECK_QUOTE_NONCE,         /* quote.nonce: not over this challenge */
	TL_CHECK_QUOTE_CLOCK,         /* quote.clock: clock or counters went backwards */
	TL_CHECK_QUOTE_PCRS,          /* quote.pcrs: the values sent are not the quoted ones */
	TL_CHECK_QUOTE_PCR_SELECTION, /* quote.pcr_selection: PCRs 0-7 not all quoted */
	TL_CHECK_LOG_MISSING,         /* log.missing */
	TL_CHECK_LOG_REPLAY,          /* log.replay: the log does not replay to a quoted PCR */
	TL_CHECK_LOG_INCOMPLETE,      /* log.replay: the log does not account for all of 0-7 */
	TL_CHECK_LOG_FACTS,           /* log.facts: the log could not be explained */
	TL_CHECK_LOG_RULE,            /* log.<rule>: a rule of the facts broken */
	TL_CHECK_SECUREBOOT_DISABLED, /* secureboot.disabled */
	TL_CHECK_BASELINE_UNREADABLE, /* baseline.unreadable */
	TL_CHECK_BASELINE_DIFFERS,    /* baseline.<component> */
	/* a confidential VM's hardware evidence (verdict_cvm.c, docs/confidential.md) */
	TL_CHECK_SNP_EVIDENCE,        /* snp.evidence: none sent, unreadable, no AMD roots, TDX */
	TL_CHECK_SNP_CHAIN,           /* snp.chain: the VCEK does not chain to the AMD roots */
	TL_CHECK_SNP_SIGNATURE,       /* snp.signature: the report is not signed by the VCEK */
	TL_CHECK_SNP_DEBUG,           /* snp.debug: the guest policy allows debugging */
	TL_CHECK_SNP_MIGRATION,       /* snp.migration_agent */
	TL_CHECK_SNP_SMT,             /* snp.smt (only when forbidden) */
	TL_CHECK_SNP_VMPL,            /* snp.vmpl: the report is not from VMPL 0 */
	TL_CHECK_SNP_TCB,             /* snp.tcb: below the minimum, or not the VCEK's */
	TL_CHECK_SNP_BINDING,         /* snp.binding: runtime data vs report_data vs the AK */
	TL_CHECK_IMA_MISSING,         /* ima.missing: PCR 10 extended, no IMA log sent */
	TL_CHECK_IMA_REPLAY,          /* ima.replay: the IMA log does not replay to a quoted PCR */
	TL_CHECK_IMA_AGGREGATE,       /* ima.boot_aggregate: not the hash of quoted PCRs 0-9 */
	TL_CHECK_COUNT
};
#define TL_CHECK_BIT(c) (1u << (c))
/* Every check whose reason code starts with "log." */
#define TL_CHECKS_LOG                                                                        \
	(TL_CHECK_BIT(TL_CHECK_LOG_MISSING) | TL_CHECK_BIT(TL_CHECK_LOG_REPLAY) |             \
	 TL_CHECK_BIT(TL_CHECK_LOG_INCOMPLETE) | TL_CHECK_BIT(TL_CHECK_LOG_FACTS) |           \
	 TL_CHECK_BIT(TL_CHECK_LOG_RULE))

/* Every check of a confidential VM's hardware evidence. */
#define TL_CHECKS_SNP                                                                        \
	(TL_CHECK_BIT(TL_CHECK_SNP_EVIDENCE) | TL_CHECK_BIT(TL_CHECK_SNP_CHAIN) |             \
	 TL_CHECK_BIT(TL_CHECK_SNP_SIGNATURE) | TL_CHECK_BIT(TL_CHECK_SNP_DEBUG) |            \
	 TL_CHECK_BIT(TL_CHECK_SNP_MIGRATION) | TL_CHECK_BIT(TL_CHECK_SNP_SMT) |              \
	 TL_CHECK_BIT(TL_CHECK_SNP_VMPL) | TL_CHECK_BIT(TL_CHECK_SNP_TCB) |                   \
	 TL_CHECK_BIT(TL_CHECK_SNP_BINDING))
_Static_assert(TL_CHECK_COUNT <= 32, "failed is a 32-bit set");

/* A quote vouches for a boot only if it covers the boot's PCRs: firmware, its configuration,
 * boot applications and Secure Boot (0-7); a guest can quote PCR 16 or 23 of its own making. */
#define TL_VERDICT_BOOT_PCRS 0xFFu

struct tl_finding {
	enum tl_check check;
	int err;                     /* the tl_err: of the quote, of the rule broken; TL_OK if none */
	enum tl_component component; /* TL_CHECK_BASELINE_DIFFERS; a LOG_RULE naming one */
	bool has_component;          /* component is set */
	unsigned pcr;                /* TL_CHECK_LOG_REPLAY, TL_CHECK_IMA_REPLAY: the first PCR
				      * that does not replay */
	uint16_t bank;               /* ... and its bank */
	/* TL_CHECK_LOG_RULE: the facts' reason {code, message, event?, pcr?, detail?};
	 * TL_CHECK_BASELINE_DIFFERS: the difference {component, message, expected, actual};
	 * TL_CHECK_SNP_*: {detail} when the check said which value or certificate.
	 * Borrowed from the verdict (its facts or its comparison); NULL otherwise. */
	json_t *data;
};

/* The code of the API ("quote.nonce", "log.sb.variable_order", "baseline.secureboot.db")
 * into buf; returns buf. */
const char *tl_finding_code(const struct tl_finding *f, char *buf, size_t size);
/* The sentence for a person (static, the verdict's, or formatted into buf). */
const char *tl_finding_message(const struct tl_finding *f, char *buf, size_t size);
/* The baseline's value and the measured one (TL_CHECK_BASELINE_DIFFERS), else NULL. */
json_t *tl_finding_expected(const struct tl_finding *f);
json_t *tl_finding_actual(const struct tl_finding *f);

/* A confidential VM's hardware evidence as sent (docs/confidential.md, "The service"). */
struct tl_verdict_cvm {
	const struct tl_snp_roots *roots;      /* the service's AMD roots; NULL: none configured */
	struct tl_bytes hcl, vcek;             /* ptr NULL: not sent */
	const struct tl_snp_policy_cfg *policy;
	time_t at;                             /* certificate validity at (0: now) */
	/* vcek checked against roots before (a cache), or NULL: it is checked here */
	const struct tl_snp_signer *signer;
};

struct tl_verdict_in {
	const struct tl_tpm2_public *ak; /* the enrolled AK; NULL: it could not be read */
	const struct tl_tpm2_key *key;   /* built from ak before, or NULL */
	struct tl_bytes attest, sig, nonce;
	const struct tl_pcr_values *pcrs; /* the values sent with the quote */
	const struct tl_log *log;         /* the event log sent, or NULL */
	struct tl_quote_opts quote;       /* previous clock, replayed PCRs, the IMA list replayed,
					   * allow_sha1, bare_key */
	bool secure_boot;                 /* the VM is registered with Secure Boot on */
	bool has_baseline;                /* a baseline is stored ... */
	json_t *baseline;                 /* ... parsed: its components, or NULL (unreadable) */
	bool learn;                       /* healthy without a baseline: make one to learn */
	/* The facts of log for the trusted PCRs (a new reference), e.g. from a cache; NULL:
	 * tl_facts_extract. */
	int (*facts)(void *ctx, const struct tl_log *log, uint32_t trusted, json_t **out);
	void *facts_ctx;
	/* A confidential VM (security_type confidential): its evidence must verify and name
	 * exactly ak; NULL for another VM. */
	const struct tl_verdict_cvm *cvm;
};

struct tl_verdict {
	bool quote_verified;  /* signed by the enrolled AK, over this nonce: the TPM spoke */
	bool healthy;         /* quote verified and no check failed */
	bool clock_backwards; /* the TPM's clock or counters went backwards (not to be kept) */
	int quote_err;        /* tl_quote_verify's answer */
	uint32_t quoted_pcrs; /* PCRs of the quote's selection, any bank */
	uint32_t failed;      /* TL_CHECK_BIT of every check that failed */
	uint64_t differs;     /* TL_COMP_BIT of every component that differs from the baseline */
	struct tl_quote_result quote;
	json_t *facts;        /* from the PCRs the log replays to, or NULL (a reference) */
	json_t *learn;        /* components to learn (healthy, no baseline, in.learn), or NULL */
	struct tl_finding *findings; /* in the order of the reasons */
	size_t nfindings;
	json_t *diff;         /* the baseline comparison the findings borrow from, or NULL */
	/* in.cvm: how far its evidence got (cvm->hw_verified, bound, ...), malloc'd; NULL
	 * otherwise. cvm_ok: every check of it passed. */
	struct tl_cvm_result *cvm;
	bool cvm_ok;
	json_t *cvm_detail;   /* {detail} the SNP finding borrows, or NULL */
};

/* TL_OK with out filled (release with tl_verdict_free), or TL_E_NOMEM. Untrue evidence is
 * a verdict, not an error. */
TL_MUST_CHECK int tl_verdict_run(const struct tl_verdict_in *in, struct tl_verdict *out);
void tl_verdict_free(struct tl_verdict *v);

static inline bool tl_verdict_failed(const struct tl_verdict *v, enum tl_check c)
{
	return (v->failed & TL_CHECK_BIT(c)) != 0;
}
static inline bool tl_verdict_differs(const struct tl_verdict *v, enum tl_component c)
{
	return (v->differs & TL_COMP_BIT(c)) != 0;
}

/* The reasons as the API shows them: [{code, message, component?, expected?, actual?,
 * detail?}] (docs/api.md), in order. NULL when out of memory. */
json_t *tl_verdict_reasons(const struct tl_verdict *v);

/* The token claims that follow from the verdict (docs/tokens.md): verdict, secure_boot,
 * db_validated, dbx_validated, pcrs, kernel_cmdline_sha256; windows (the Windows boot's
 * claims, tl_facts_windows_claims) when the log is Windows'; snp (measurement, policy,
 * reported TCB, generation, VMPL) when a confidential VM's report verified. NULL when out of
 * memory. */
json_t *tl_verdict_claims(const struct tl_verdict *v);

/* ---- verdict_cvm.c */
/* A confidential VM's evidence end to end (roots, VCEK chain, SNP report and policy, HCL
 * binding) and that its runtime data names exactly ak: TL_CHECK_COUNT when all holds, else
 * the TL_CHECK_SNP_* that failed, with the error behind it (*err, TL_OK when none) and a
 * detail. res: how far it got. Enrolment uses it too. */
enum tl_check tl_cvm_evidence_check(const struct tl_verdict_cvm *c,
				    const struct tl_tpm2_public *ak, struct tl_cvm_result *res,
				    int *err, char *detail, size_t n);
/* The code and sentence of a check ("snp.vmpl", ...). */
const char *tl_check_code(enum tl_check c);
const char *tl_check_message(enum tl_check c);
/* Checks in->cvm into out->cvm, adding one finding per failure through add (false: out of
 * memory). */
bool tl_verdict_check_cvm(const struct tl_verdict_in *in, struct tl_verdict *out,
			  bool (*add)(struct tl_verdict *, size_t *, struct tl_finding), size_t *cap);
/* The claims of a verified SNP report; NULL when out of memory. */
json_t *tl_verdict_snp_claims(const struct tl_cvm_result *cvm);

#endif
