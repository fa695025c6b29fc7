/* Posture: the recommendations a VM gets (turn on Secure Boot, vTPM, the guest attestation
 * agent) and its boot-integrity assessment, from its profile and its latest attestation, as
 * the source documents describe Defender for Cloud's (docs/posture.md). Pure: facts in,
 * typed statuses out; the service stores and serves them. */
#ifndef TRUSTLAUNCH_POSTURE_H
#define TRUSTLAUNCH_POSTURE_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "trustlaunch/catalog.h"

enum tl_status {
	TL_STATUS_NOT_APPLICABLE = 0,
	TL_STATUS_HEALTHY,
	TL_STATUS_UNHEALTHY,
};

enum tl_rec_id {
	TL_REC_SECURE_BOOT = 0,
	TL_REC_VTPM,
	TL_REC_GUEST_ATTESTATION,
	TL_REC_REVOCATIONS,       /* revocations-current (recommend_revocations.c) */
	TL_REC_COUNT
};

/* revocations-current of one VM, decided from its latest attested boot (typed: the posture
 * reads status, never the text). */
struct tl_rec_revocations {
	enum tl_status status;
	char why[300];
};

/* What posture is decided from. */
struct tl_posture_vm {
	enum tl_security_type type;
	bool secure_boot, vtpm;         /* the registered profile */
	enum tl_cat_support size;       /* the catalog's word on its size family */
	bool os_supported;              /* its OS is in the catalog */
	bool enrolled;                  /* its agent enrolled a TPM */
	int64_t enrolled_at;            /* when (Unix seconds), if enrolled */
	bool attested;                  /* it has an attestation the TPM vouched for */
	int64_t attested_at;            /* the latest one's time */
	bool attested_healthy;          /* the latest one's verdict */
	int attested_secure_boot;       /* Secure Boot in its event log: -1 unknown, 0 off, 1 on */
	struct tl_rec_revocations revocations; /* tl_rec_revocations_status of its latest boot */
};

struct tl_rec_def {
	enum tl_rec_id id;
	const char *slug;        /* "secure-boot": stable, in the API */
	const char *title;
	const char *description;
	const char *remediation; /* the exact command or API call; {vm} stands for the VM's id */
};

/* The definition of a recommendation; NULL for an id out of range. */
const struct tl_rec_def *tl_rec_def(enum tl_rec_id id);
/* By slug; TL_REC_COUNT when unknown. */
enum tl_rec_id tl_rec_parse(const char *slug);
const char *tl_status_name(enum tl_status s);

/* One recommendation's status for a VM; why: a sentence (cap bytes). stale_after: seconds
 * without an attestation after which the agent counts as not reporting. */
enum tl_status tl_rec_status(const struct tl_posture_vm *vm, enum tl_rec_id id, int64_t now,
			     int64_t stale_after, char *why, size_t cap);

/* ---- revocations-current (recommend_revocations.c): decided at each attestation from the
 * facts of the PCRs the quote vouched for (secureboot.dbx, .sbat_level, efi_apps) against
 * the operator's current revocation data; kept with the attestation as a summary (the
 * revocation report without its entry list: docs/revocations.md), read back by the posture. */
struct tl_revoc_list;
struct tl_sbat_levels;
/* The summary to keep ({status, reasons, dbx{missing, missing_groups...}, boot_apps, sbat});
 * NULL when out of memory. facts that cannot be read give {status: not_applicable, reasons}. */
json_t *tl_rec_revocations_evaluate(json_t *facts, const struct tl_revoc_list *list,
				    const struct tl_sbat_levels *levels);
/* The status from a kept summary. configured: the service has revocation data (else
 * not_applicable, saying so); summary NULL: no attested boot was checked yet. */
void tl_rec_revocations_status(json_t *summary, bool configured, struct tl_rec_revocations *out);

/* Why an assessment is what it is. */
enum tl_assess_cause {
	TL_ASSESS_HEALTHY = 0,      /* latest attestation healthy and fresh */
	TL_ASSESS_UNSUPPORTED,      /* not applicable: size or OS cannot have Trusted Launch */
	TL_ASSESS_NO_SECURE_BOOT,   /* not applicable: Secure Boot off */
	TL_ASSESS_NO_VTPM,          /* not applicable: vTPM off */
	TL_ASSESS_NO_AGENT,         /* not applicable: the agent never enrolled */
	TL_ASSESS_NOT_YET,          /* not applicable: enrolled, no attestation yet (in time) */
	TL_ASSESS_UNHEALTHY,        /* the latest attestation was unhealthy */
	TL_ASSESS_STALE,            /* no attestation within stale_after */
};

struct tl_assessment {
	enum tl_status status;
	enum tl_assess_cause cause;
	int64_t since;              /* STALE, NOT_YET: the last sign of the agent */
	char message[200];
};

void tl_assess(const struct tl_posture_vm *vm, int64_t now, int64_t stale_after,
	       struct tl_assessment *out);
/* "healthy", "no_secure_boot", ... : stable, in the API. */
const char *tl_assess_cause_name(enum tl_assess_cause c);

/* Every status at a moment when the agent is, or is not (stale), within the staleness window:
 * what the service stores per VM (its attestation path and staleness job decide stale; the
 * times in vm are not read). rec[k] is recommendation k's status. */
void tl_posture_decide(const struct tl_posture_vm *vm, bool stale, enum tl_status rec[TL_REC_COUNT],
		       struct tl_assessment *a);

#endif
