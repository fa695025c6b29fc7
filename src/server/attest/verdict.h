/* Internal: one attestation's verdict. The pipeline (identity, quote, log, meaning,
 * baseline) is the library's (trustlaunch/verdict.h); this part hands it the enrolled AK, the
 * cached log (parsed, replayed, explained once per log) and the parsed baseline, and renders
 * the reasons last. No I/O: the caller loads the VM's TPM binding and baseline and stores the
 * outcome. */
#ifndef TL_SERVER_VERDICT_H
#define TL_SERVER_VERDICT_H

#include "evidence.h"
#include "trustlaunch/verdict.h"

/* The library's typed verdict (trustlaunch/verdict.h) with what the service keeps beside it. */
struct tl_attest_verdict {
	struct tl_verdict typed; /* decisions read this: tl_verdict_failed, differs, flags */
	json_t *reasons;      /* rendered from typed, last: [{code, message, ...}] (docs/api.md) */
	char *facts_text;     /* typed.facts as compact JSON (malloc'd), or NULL */
	bool has_log;
	uint8_t log_sha256[32]; /* of the event log's bytes, when has_log */
};

/* TL_OK with out filled (release with tl_attest_verdict_free), or, for evidence that is
 * malformed rather than untrue (an event log that does not parse), an error with resp set to
 * the 400; TL_E_NOMEM with resp set to a 503. baseline: the VM's baseline components (JSON
 * text), or NULL. srv (may be NULL: no AMD roots) gives a confidential VM's roots and SEV-SNP
 * policy: its evidence (hcl_report, vcek) is checked too (verdict_cvm.c). */
int tl_attest_verdict_make(const struct tl_server *srv, const struct tl_vm *vm,
			   const struct tl_vm_tpm *tpm, const char *baseline,
			   const struct tl_evidence *ev, struct tl_attest_verdict *out,
			   struct tl_resp *resp);
void tl_attest_verdict_free(struct tl_attest_verdict *v);

/* The signed token's claims (docs/tokens.md): the service's (iss, sub, jti, iat, exp, nonce,
 * os) and the verdict's (tl_verdict_claims). NULL when out of memory. */
json_t *tl_attest_claims(const char *issuer, int64_t token_ttl, const char *vm_id,
			 const struct tl_evidence *ev, const struct tl_verdict *v, int64_t id,
			 int64_t now);

/* ---- log_cache.c: event logs by the SHA-256 of their bytes (parsed, replayed, explained) */
struct tl_log_entry;
/* TL_OK with a reference to release with tl_log_entry_put; a log that does not parse: its
 * error, with diag. text_key (or NULL): the SHA-256 of the base64 text buf was decoded from,
 * by which tl_log_entry_find_text finds the entry next time. */
int tl_log_entry_get(const uint8_t *buf, size_t len, const uint8_t *text_key,
		     struct tl_log_entry **out, struct tl_diag *diag);
/* The entry of a log decoded before from the base64 text whose SHA-256 is text_key (a
 * reference), or NULL. */
struct tl_log_entry *tl_log_entry_find_text(const uint8_t text_key[32]);
struct tl_log_entry *tl_log_entry_ref(struct tl_log_entry *e);
void tl_log_entry_put(struct tl_log_entry *e);
const struct tl_log *tl_log_entry_log(const struct tl_log_entry *e);
/* The log replayed, or NULL when it does not replay (tl_quote_verify then says why). */
const struct tl_pcrs *tl_log_entry_replayed(const struct tl_log_entry *e);
const uint8_t *tl_log_entry_sha256(const struct tl_log_entry *e);
/* tl_facts_extract(log, trusted), shared: read only; *text: their compact JSON text
 * (malloc'd; NULL when out of memory). */
int tl_log_entry_facts(struct tl_log_entry *e, uint32_t trusted, json_t **out, char **text);

/* ---- signer_cache.c: confidential VMs' VCEKs checked against the AMD roots once an hour */
struct tl_signer_ref;
/* A reference to vcek's signer, from the cache or checked now; NULL when the VCEK is refused
 * (not kept: the verdict checks it again and says why), roots is NULL, or out of memory. */
struct tl_signer_ref *tl_signer_get(const struct tl_snp_roots *roots, struct tl_bytes vcek);
const struct tl_snp_signer *tl_signer_of(const struct tl_signer_ref *r);
void tl_signer_put(struct tl_signer_ref *r);

/* ---- revoc_cache.c: revocations-current summaries by the boot they were decided for */
/* The summary for the log with this SHA-256 and these trusted PCRs: the kept one (a new
 * reference, shared: read only), or make(ctx)'s, then kept. NULL when make fails. */
json_t *tl_revoc_summary_cached(const uint8_t log_sha256[static 32], uint32_t trusted,
				json_t *(*make)(void *ctx), void *ctx);

/* A baseline's components parsed (a new reference, shared: read only), from a cache keyed by
 * the text's SHA-256 (baseline_cache.c); NULL when the text is not JSON. */
json_t *tl_baseline_parsed(const char *text);

#endif
