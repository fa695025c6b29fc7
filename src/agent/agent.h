/* tl-agent: what its commands share. The options, the way to the service (transport.c), the
 * state directory (state.c), and the flows: enrolment (enroll.c), attestation (attest.c, with
 * the evidence of report.c) and replaying a log into a software TPM (replay.c). */
#ifndef TRUSTLAUNCH_AGENT_AGENT_H
#define TRUSTLAUNCH_AGENT_AGENT_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "collect.h"
#include "tpm.h"
#include "trustlaunch/wire.h"

#define TL_AGENT_WHY 512u
#define TL_AGENT_MAX_KMSG (4u * 1024u * 1024u)    /* kernel log read in one attestation */
#define TL_AGENT_MAX_KEVENTS 64u                  /* kernel events sent in one attestation */
/* what is sent: within trustlaunch/wire.h, the service's limits */
_Static_assert(TL_AGENT_MAX_KEVENTS <= TL_WIRE_MAX_KERNEL_EVENTS, "kernel events over the wire");
#define TL_AGENT_VM_ID 64u

#define TL_AGENT_EVENTLOG "/sys/kernel/security/tpm0/binary_bios_measurements"
#define TL_AGENT_IMA_LOG "/sys/kernel/security/ima/binary_runtime_measurements"
#define TL_AGENT_KMSG "/dev/kmsg"
#define TL_AGENT_STATE_DIR "/var/lib/tl-agent"
#define TL_AGENT_PCRS "sha256:0-9,14"

/* Exit codes of `tl-agent attest` (the contract scripts rely on). */
enum { TL_AGENT_HEALTHY = 0, TL_AGENT_UNHEALTHY = 1, TL_AGENT_ERROR = 2 };

struct tl_agent_opts {
	const char *server;   /* http(s)://HOST[:PORT], virtio-serial:PATH or unix:PATH */
	const char *vm_id;
	const char *enrollment_token;
	const char *tcti;
	const char *state_dir;
	const char *cacert;   /* PEM: the only CAs trusted for https */
	const char *eventlog, *ima_log, *kmsg; /* files instead of securityfs and /dev/kmsg */
	const char *pcrs;     /* selection, "sha256:0-9,14[+sha1:...]" */
	const char *vcek;     /* a confidential VM's VCEK (DER or PEM), or NULL */
	uint32_t ak_handle;
	enum tl_tpm_alg ak_alg, ek_alg;
	unsigned interval_s;  /* run: between attestations */
	unsigned timeout_s;   /* one request */
	bool json;            /* print the service's answer as JSON */
	bool quiet;
};

/* ---- the way to the service (transport.c) */
/* One request with a JSON body (or none) and a JSON answer. TL_OK whenever the service
 * answered (any status; *answer may be NULL when its body was not JSON); TL_E_IO with why
 * when it could not be reached. */
TL_MUST_CHECK int tl_agent_call(const struct tl_agent_opts *o, const char *method,
				const char *path, json_t *body, const char *bearer, long *status,
				json_t **answer, char why[static TL_AGENT_WHY]);
/* src (text of the service, which may be hostile) as printable ASCII into dst[cap]: no
 * terminal escapes, no forged log lines. NULL reads as "". */
void tl_agent_clean(char *dst, size_t cap, const char *src);
/* "code: message" of an error answer ({"error":{"code","message"}}), or "HTTP N". */
void tl_agent_error_text(long status, json_t *answer, char *out, size_t cap);
/* A JSON string of the base64 of n bytes; NULL when out of memory. */
json_t *tl_agent_b64(const uint8_t *p, size_t n);
/* The error code of an answer ("" when none). */
const char *tl_agent_error_code(json_t *answer);

/* ---- the state directory (state.c): small files written whole and renamed into place */
struct tl_agent_state {
	char vm_id[TL_AGENT_VM_ID];
	char server[512];
	char ak_name[2 * TL_TPM2_MAX_NAME + 1]; /* hex: the AK the service bound */
	char ak_public[4 * (2 + TL_TPM2_MAX_PUBLIC) / 3 + 8]; /* its TPM2B_PUBLIC, base64 */
	uint32_t ak_handle;
	int64_t enrolled_at;
	/* the kernel log read so far, in this boot */
	char boot_id[40];
	uint64_t kmsg_seq;
	/* the last attestation */
	int64_t last_time;
	char last_verdict[16];  /* healthy, unhealthy, error */
	int64_t last_id;
	char last_reasons[1024];
};
/* Creates the directory (0700) when missing. */
TL_MUST_CHECK int tl_agent_state_dir(const char *dir, char why[static TL_AGENT_WHY]);
/* Reads what is there; missing files leave their fields empty. */
void tl_agent_state_load(const char *dir, struct tl_agent_state *st);
TL_MUST_CHECK int tl_agent_state_save(const char *dir, const struct tl_agent_state *st,
				      char why[static TL_AGENT_WHY]);
/* Whole files are read with tl_file_read (src/common/file.h). */
/* This boot's id (/proc/sys/kernel/random/boot_id), "" when unknown. */
void tl_agent_boot_id(char out[static 40]);

/* ---- flows */
/* The VM id to use: --vm-id, else the enrolled one; NULL with why when neither. */
const char *tl_agent_vm_id(const struct tl_agent_opts *o, const struct tl_agent_state *st,
			   char why[static TL_AGENT_WHY]);
/* Opens the TPM and finds or makes the AK. An EK made for a new AK stays loaded only when
 * enrolling (which needs it next: a second TPM2_CreatePrimary can take seconds on hardware). */
TL_MUST_CHECK int tl_agent_open(const struct tl_agent_opts *o, bool enrolling,
				struct tl_tpm **tpm, struct tl_tpm_ak *ak,
				char why[static TL_AGENT_WHY]);
/* Enrols the AK with the service (enrollment token or EK certificate), activates the
 * credential, records the binding. */
TL_MUST_CHECK int tl_agent_enroll(const struct tl_agent_opts *o, struct tl_tpm *tpm,
				  const struct tl_tpm_ak *ak, struct tl_agent_state *st,
				  char why[static TL_AGENT_WHY]);

/* What an attestation ended with. */
enum tl_agent_outcome {
	TL_AGENT_OUT_HEALTHY,
	TL_AGENT_OUT_UNHEALTHY,
	TL_AGENT_OUT_ERROR,
	TL_AGENT_OUT_NOT_ENROLLED, /* the service or the state says: enrol (again) first */
};
/* Challenge, quote, evidence, verdict. Prints the verdict and its reasons (or the answer as
 * JSON) to stdout; records it in the state. */
enum tl_agent_outcome tl_agent_attest(const struct tl_agent_opts *o, struct tl_tpm *tpm,
				      const struct tl_tpm_ak *ak, struct tl_agent_state *st,
				      char why[static TL_AGENT_WHY]);
/* The evidence of one challenge (report.c). kmsg_next receives where the next scan starts. */
TL_MUST_CHECK int tl_agent_evidence(const struct tl_agent_opts *o, struct tl_tpm *tpm,
				    const struct tl_tpm_ak *ak, const struct tl_agent_state *st,
				    const char *nonce_hex, json_t **out, uint64_t *kmsg_next,
				    char why[static TL_AGENT_WHY]);
/* The log file at path as base64 into ev[key], when it has at most max bytes (the event log:
 * TL_WIRE_MAX_EVENT_LOG, the IMA log: TL_WIRE_MAX_IMA_LOG). A missing file is left out (the
 * service says log.missing). A larger one: left out with a warning when omit_large (the IMA
 * log, not evaluated yet), else TL_E_WIRE_TOO_LARGE with why (the event log: the service would
 * refuse the whole evidence). */
TL_MUST_CHECK int tl_agent_add_log(json_t *ev, const char *key, const char *path, size_t max,
				   bool omit_large, const struct tl_agent_opts *o,
				   char why[static TL_AGENT_WHY]);
/* A confidential VM's hcl_report (from the vTPM's NV 0x01400001, when there) and vcek (the
 * --vcek file) into body (cvm.c). Nothing for another VM. */
TL_MUST_CHECK int tl_agent_cvm_add(const struct tl_agent_opts *o, struct tl_tpm *tpm,
				   json_t *body, char why[static TL_AGENT_WHY]);
/* The PCR selection of --pcrs, plus PCR 10 in each bank when IMA is active. */
TL_MUST_CHECK int tl_agent_selection(const char *spec, bool ima, struct tl_pcr_selection *out);
/* Extends every digest of a TCG log into the TPM's allocated banks (replay.c). */
TL_MUST_CHECK int tl_agent_replay(struct tl_tpm *tpm, const char *path, char why[static TL_AGENT_WHY]);

/* Logs one line to stderr ("tl-agent: level: ..."), unless quiet and level is "info". */
void tl_agent_log(const struct tl_agent_opts *o, const char *level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
