/* Internal: the verification pipeline of one attestation (DESIGN.md): identity, quote, log,
 * meaning, baseline, kernel events; a verdict with reasons. No I/O: the caller loads the
 * VM's TPM binding and baseline and stores the outcome. */
#ifndef TL_SERVER_VERDICT_H
#define TL_SERVER_VERDICT_H

#include "evidence.h"

struct tl_verdict {
	bool quote_verified;  /* signed by the enrolled AK, over this challenge: the TPM spoke */
	bool healthy;
	json_t *reasons;      /* [{code, message, component?, expected?, actual?, detail?}] */
	json_t *facts;        /* from the event log's trusted PCRs, or NULL */
	json_t *learn;        /* components to learn (no baseline yet, healthy), or NULL */
	uint32_t quoted_pcrs; /* PCRs of the quote's selection */
	struct tl_quote_result quote;
};

/* TL_OK with out filled (release with tl_verdict_free), or, for evidence that is malformed
 * rather than untrue (an event log that does not parse), an error with resp set to the 400.
 * baseline: the VM's baseline components (JSON text), or NULL. */
int tl_verdict_make(const struct tl_vm *vm, const struct tl_vm_tpm *tpm, const char *baseline,
		    const struct tl_evidence *ev, struct tl_verdict *out, struct tl_resp *resp);
void tl_verdict_free(struct tl_verdict *v);

/* A baseline's components parsed (a new reference, shared: read only), from a cache keyed by
 * the text's SHA-256 (baseline_cache.c); NULL when the text is not JSON. */
json_t *tl_baseline_parsed(const char *text);

#endif
