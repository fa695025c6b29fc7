/* Internal: the evidence of one attestation request, decoded. */
#ifndef TL_SERVER_EVIDENCE_H
#define TL_SERVER_EVIDENCE_H

#include "api.h"
#include "nonce.h"
#include "trustlaunch/quote.h"

struct tl_log_entry;

struct tl_evidence {
	uint8_t nonce[TL_NONCE_LEN];
	uint8_t attest[TL_TPM2_MAX_ATTEST];
	size_t attest_len;
	uint8_t sig[1024];
	size_t sig_len;
	struct tl_pcr_values pcrs;
	uint8_t *log;           /* the raw TCG event log, or NULL */
	size_t log_len;
	/* the log's text seen before: its cached entry (a reference), and log stays NULL */
	struct tl_log_entry *log_entry;
	uint8_t log_text_key[32]; /* SHA-256 of the log's base64 text, when has_log_text_key */
	bool has_log_text_key;
	struct tl_ima_replay ima; /* the IMA list replayed, when has_ima (the bytes are not kept) */
	bool has_ima;
	json_t *kernel_events;  /* checked copies, or NULL */
	json_t *os;             /* {id, version, kernel}, or NULL */
	/* a confidential VM's hardware evidence (docs/confidential.md), or NULL: the HCL report
	 * (the vTPM's NV index 0x01400001) and the VCEK (DER or PEM) that signed its SNP report */
	uint8_t *hcl_report, *vcek;
	size_t hcl_report_len, vcek_len;
};

/* false with resp holding the 400 that names the first bad field. */
bool tl_evidence_parse(struct tl_req *r, struct tl_evidence *ev, struct tl_resp *resp);
void tl_evidence_free(struct tl_evidence *ev);

#endif
