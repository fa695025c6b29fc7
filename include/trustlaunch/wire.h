/* The limits of evidence between tl-agent and trustlaunchd (docs/api.md, POST .../attest):
 * the agent sends nothing over them and the service accepts everything within them, so a
 * guest never meets a limit only one side knows. Both include this header. */
#ifndef TRUSTLAUNCH_WIRE_H
#define TRUSTLAUNCH_WIRE_H

#include "trustlaunch/limits.h"

/* decoded bytes of event_log: what the event log parser takes */
#define TL_WIRE_MAX_EVENT_LOG TL_MAX_LOG_SIZE
/* decoded bytes of ima_log (the binary runtime measurements; ~100 bytes a file measured) */
#define TL_WIRE_MAX_IMA_LOG (8u * 1024u * 1024u)
/* entries of kernel_events */
#define TL_WIRE_MAX_KERNEL_EVENTS 256u
/* characters of n bytes in padded base64 */
#define TL_WIRE_B64(n) (((n) + 2u) / 3u * 4u)
/* decoded bytes of a confidential VM's hcl_report and of its vcek */
#define TL_WIRE_MAX_HCL_REPORT TL_HCL_MAX_LEN
#define TL_WIRE_MAX_VCEK TL_SNP_MAX_CERT_FILE
/* everything but the two logs and the confidential evidence: nonce, quote, PCRs (24 x 5 banks), 256 kernel events of at
 * most ~1 KiB of JSON each, os, and the JSON around them */
#define TL_WIRE_MAX_OTHER (512u * 1024u)
/* bytes of one attestation body */
#define TL_WIRE_MAX_BODY                                                                   \
	(TL_WIRE_B64(TL_WIRE_MAX_EVENT_LOG) + TL_WIRE_B64(TL_WIRE_MAX_IMA_LOG) +            \
	 TL_WIRE_B64(TL_WIRE_MAX_HCL_REPORT) + TL_WIRE_B64(TL_WIRE_MAX_VCEK) +              \
	 TL_WIRE_MAX_OTHER)

#endif
