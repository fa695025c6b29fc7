/* Internal: what an attestation does to its VM's alerts (docs/posture.md), decided from its
 * typed verdict and the kernel events the TPM vouched for; written by the group commit. */
#ifndef TL_SERVER_ALERT_PLAN_H
#define TL_SERVER_ALERT_PLAN_H

#include <jansson.h>

#include "store.h"
#include "trustlaunch/verdict.h"

/* The plan and the text it points to. */
struct tl_alerts_job {
	struct tl_alert_plan plan;
	char *owned[8 * TL_ALERTS_PER_ATTESTATION];
	size_t nowned;
};

/* reasons: the verdict's rendered reasons; kernel_events: [{type, module, reason?, time?}]
 * or NULL (only what the TPM vouched for: the caller passes NULL otherwise). TL_OK or
 * TL_E_NOMEM. */
TL_MUST_CHECK int tl_alerts_plan(struct tl_alerts_job *job, const struct tl_verdict *v,
				 json_t *reasons, json_t *kernel_events);
void tl_alerts_job_free(struct tl_alerts_job *job);

#endif
