/* The Windows Boot Configuration Log: SIPA events, which Windows measures inside EV_EVENT_TAG
 * events of PCR 12-14. Each is a little-endian {type, size, data}; a type with the
 * aggregation bit holds further SIPA events. Read only through the bounded reader, with the
 * limits of limits.h. Names and sizes: wbcl.h of the Windows SDK. */
#ifndef TRUSTLAUNCH_SIPA_H
#define TRUSTLAUNCH_SIPA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "trustlaunch/err.h"
#include "trustlaunch/limits.h"
#include "trustlaunch/rd.h"

#define TL_SIPA_NONMEASURED 0x80000000u
#define TL_SIPA_AGGREGATION 0x40000000u

enum tl_sipa_type {
	TL_SIPA_TRUSTBOUNDARY = 0x40010001,
	TL_SIPA_ELAM_AGGREGATION = 0x40010002,
	TL_SIPA_LOADEDMODULE_AGGREGATION = 0x40010003,
	TL_SIPA_TRUSTPOINT_AGGREGATION = 0xC0010004,
	TL_SIPA_BOOTCOUNTER = 0x00020002,
	TL_SIPA_TRANSFER_CONTROL = 0x00020003,
	TL_SIPA_BITLOCKER_UNLOCK = 0x00020005,
	TL_SIPA_BOOTDEBUGGING = 0x00040001,
	TL_SIPA_OSKERNELDEBUG = 0x00050001,
	TL_SIPA_CODEINTEGRITY = 0x00050002,
	TL_SIPA_TESTSIGNING = 0x00050003,
	TL_SIPA_DATAEXECUTIONPREVENTION = 0x00050004,
	TL_SIPA_SAFEMODE = 0x00050005,
	TL_SIPA_WINPE = 0x00050006,
	TL_SIPA_SYSTEMROOT = 0x00050009,
	TL_SIPA_HYPERVISOR_LAUNCH_TYPE = 0x0005000A,
	TL_SIPA_HYPERVISOR_DEBUG = 0x0005000D,
	TL_SIPA_VSM_LAUNCH_TYPE = 0x00050012,
	TL_SIPA_FLIGHTSIGNING = 0x00050021,
	TL_SIPA_AUTHORITYPUBKEY = 0x00060002,
	TL_SIPA_FILEPATH = 0x00070001,
	TL_SIPA_IMAGESIZE = 0x00070002,
	TL_SIPA_HASHALGORITHMID = 0x00070003,
	TL_SIPA_AUTHENTICODEHASH = 0x00070004,
	TL_SIPA_AUTHORITYISSUER = 0x00070005,
	TL_SIPA_AUTHORITYSERIAL = 0x00070006,
	TL_SIPA_IMAGEBASE = 0x00070007,
	TL_SIPA_AUTHORITYPUBLISHER = 0x00070008,
	TL_SIPA_AUTHORITYSHA1THUMBPRINT = 0x00070009,
	TL_SIPA_IMAGEVALIDATED = 0x0007000A,
	TL_SIPA_MODULE_SVN = 0x0007000B,
	TL_SIPA_ELAM_KEYNAME = 0x00090001,
	TL_SIPA_ELAM_CONFIGURATION = 0x00090002,
	TL_SIPA_ELAM_POLICY = 0x00090003,
	TL_SIPA_ELAM_MEASURED = 0x00090004,
	TL_SIPA_VBS_VSM_REQUIRED = 0x000A0001,
	TL_SIPA_VBS_SECUREBOOT_REQUIRED = 0x000A0002,
	TL_SIPA_VBS_IOMMU_REQUIRED = 0x000A0003,
	TL_SIPA_VBS_MMIO_NX_REQUIRED = 0x000A0004,
	TL_SIPA_VBS_MSR_FILTERING_REQUIRED = 0x000A0005,
	TL_SIPA_VBS_MANDATORY_ENFORCEMENT = 0x000A0006,
	TL_SIPA_VBS_HVCI_POLICY = 0x000A0007,
	TL_SIPA_VBS_MICROSOFT_BOOT_CHAIN_REQUIRED = 0x000A0008,
};

/* Windows CALG_* identifiers of SIPAEVENT_HASHALGORITHMID (low byte). */
enum tl_sipa_calg { TL_CALG_SHA1 = 0x04, TL_CALG_SHA256 = 0x0C, TL_CALG_SHA384 = 0x0D,
		    TL_CALG_SHA512 = 0x0E };

struct tl_sipa_event {
	uint32_t type;
	unsigned depth;        /* 0 for the events directly in the EV_EVENT_TAG */
	size_t offset;         /* of the event's header in the walked bytes */
	struct tl_bytes data;  /* for an aggregation: its children, already checked */
};

/* One event header and its data; a failed read leaves pos unchanged (TL_E_SIPA_TRUNCATED). */
TL_MUST_CHECK int tl_sipa_read(struct tl_rd *rd, uint32_t *type, struct tl_bytes *data);

/* Called for every event in order; leave is true once more for an aggregation after its
 * children. A non-zero return stops the walk and is returned. */
typedef int (*tl_sipa_visit_fn)(const struct tl_sipa_event *ev, bool leave, void *arg);

/* Checks the whole structure first (nothing trailing, aggregations end exactly, at most
 * TL_MAX_SIPA_DEPTH deep and TL_MAX_SIPA_EVENTS events, every field this library reads has
 * its type's size), then, when fn is given, visits the events. On failure nothing is
 * visited and *bad_offset (if given) is the offset of the offending event. */
TL_MUST_CHECK int tl_sipa_walk(struct tl_bytes data, tl_sipa_visit_fn fn, void *arg,
			       size_t *bad_offset);

/* An unsigned little-endian field of 1, 2, 4 or 8 bytes (sizes are checked by the walk);
 * TL_E_SIPA_FIELD_SIZE for any other size. */
TL_MUST_CHECK int tl_sipa_uint(const struct tl_sipa_event *ev, uint64_t *out);

/* True when data starts with a SIPA event of a type Windows defines: other software tags
 * events of PCR 12-14 too (systemd-stub's TCG_PCClientTaggedEvent has the same framing). */
bool tl_sipa_is_windows(struct tl_bytes data);

/* "SIPAEVENT_BOOTDEBUGGING" etc.; NULL for a type this library does not name. */
const char *tl_sipa_name(uint32_t type);

/* The TPM algorithm of a CALG identifier (SHA-1/256/384/512), or 0. */
uint16_t tl_sipa_calg_alg(uint32_t calg);

#endif
