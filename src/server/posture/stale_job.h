/* Internal: the staleness job (stale_job.c): VMs whose agent fell silent get their stored
 * posture changed, by one node of those sharing the database at a time. */
#ifndef TL_SERVER_STALE_JOB_H
#define TL_SERVER_STALE_JOB_H

#include "http.h"

/* Every interval seconds (and once at start: the posture of VMs registered before it was
 * kept). */
TL_MUST_CHECK int tl_stale_job_start(struct tl_server *srv, int64_t interval,
				     struct tl_stale_job **out);
/* Finishes the round under way, then stops. NULL: nothing. */
void tl_stale_job_stop(struct tl_stale_job *j);

#endif
