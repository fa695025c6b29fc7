/* TCG PC Client event log: parse (legacy SHA-1 and crypto-agile), replay, describe.
 * A parsed log borrows the caller's buffer: keep it alive until tl_log_free. */
#ifndef TRUSTLAUNCH_TCGLOG_H
#define TRUSTLAUNCH_TCGLOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "trustlaunch/err.h"
#include "trustlaunch/limits.h"
#include "trustlaunch/rd.h"

/* Event types of the TCG PC Client Platform Firmware Profile. */
enum tl_ev {
	TL_EV_PREBOOT_CERT = 0x0,
	TL_EV_POST_CODE = 0x1,
	TL_EV_UNUSED = 0x2,
	TL_EV_NO_ACTION = 0x3,
	TL_EV_SEPARATOR = 0x4,
	TL_EV_ACTION = 0x5,
	TL_EV_EVENT_TAG = 0x6,
	TL_EV_S_CRTM_CONTENTS = 0x7,
	TL_EV_S_CRTM_VERSION = 0x8,
	TL_EV_CPU_MICROCODE = 0x9,
	TL_EV_PLATFORM_CONFIG_FLAGS = 0xA,
	TL_EV_TABLE_OF_DEVICES = 0xB,
	TL_EV_COMPACT_HASH = 0xC,
	TL_EV_IPL = 0xD,
	TL_EV_IPL_PARTITION_DATA = 0xE,
	TL_EV_NONHOST_CODE = 0xF,
	TL_EV_NONHOST_CONFIG = 0x10,
	TL_EV_NONHOST_INFO = 0x11,
	TL_EV_OMIT_BOOT_DEVICE_EVENTS = 0x12,
	TL_EV_POST_CODE2 = 0x13,
	TL_EV_EFI_VARIABLE_DRIVER_CONFIG = 0x80000001,
	TL_EV_EFI_VARIABLE_BOOT = 0x80000002,
	TL_EV_EFI_BOOT_SERVICES_APPLICATION = 0x80000003,
	TL_EV_EFI_BOOT_SERVICES_DRIVER = 0x80000004,
	TL_EV_EFI_RUNTIME_SERVICES_DRIVER = 0x80000005,
	TL_EV_EFI_GPT_EVENT = 0x80000006,
	TL_EV_EFI_ACTION = 0x80000007,
	TL_EV_EFI_PLATFORM_FIRMWARE_BLOB = 0x80000008,
	TL_EV_EFI_HANDOFF_TABLES = 0x80000009,
	TL_EV_EFI_PLATFORM_FIRMWARE_BLOB2 = 0x8000000A,
	TL_EV_EFI_HANDOFF_TABLES2 = 0x8000000B,
	TL_EV_EFI_VARIABLE_BOOT2 = 0x8000000C,
	TL_EV_EFI_GPT_EVENT2 = 0x8000000D,
	TL_EV_EFI_HCRTM_EVENT = 0x80000010,
	TL_EV_EFI_VARIABLE_AUTHORITY = 0x800000E0,
	TL_EV_EFI_SPDM_FIRMWARE_BLOB = 0x800000E1,
	TL_EV_EFI_SPDM_FIRMWARE_CONFIG = 0x800000E2,
};

/* "EV_SEPARATOR" etc.; NULL for a type this library does not know. */
const char *tl_ev_name(uint32_t type);

enum tl_log_format {
	TL_LOG_LEGACY_SHA1 = 1, /* TCG_PCClientPCREvent only */
	TL_LOG_CRYPTO_AGILE = 2, /* Spec ID Event03, then TCG_PCR_EVENT2 */
};

struct tl_event {
	uint32_t pcr;
	uint32_t type;
	size_t offset;         /* of the event's first byte in the log */
	struct tl_bytes data;  /* the event data */
	const uint8_t **digest; /* digest[bank]: tl_alg_size(log->alg[bank]) bytes */
};

struct tl_log {
	enum tl_log_format format;
	size_t nbanks;
	uint16_t alg[TL_MAX_BANKS];  /* as declared by the Spec ID event (SHA-1 for legacy) */
	uint16_t alg_size[TL_MAX_BANKS];
	uint8_t spec_major, spec_minor, spec_errata, uintn_size;
	uint32_t platform_class;
	bool has_locality;
	uint8_t startup_locality;
	size_t nevents;  /* not counting the Spec ID event */
	struct tl_event *ev;
	const uint8_t **digest_store; /* nevents * nbanks pointers into the buffer */
	size_t cap;
};

/* Parses strictly; on failure *out stays NULL and diag (if given) says where and why. */
TL_MUST_CHECK int tl_log_parse(const uint8_t *buf, size_t len, struct tl_log **out,
			       struct tl_diag *diag);
void tl_log_free(struct tl_log *log);
/* A UINTN of the firmware that wrote the log: 4 bytes when the Spec ID event says
 * uintnSize 1, else 8 (legacy logs carry no size: 8). */
TL_MUST_CHECK int tl_log_rd_uintn(const struct tl_log *log, struct tl_rd *rd, uint64_t *out);
/* The bank slot of alg in this log, or -1. */
int tl_log_bank(const struct tl_log *log, uint16_t alg);

/* PCR values replayed from the reset value. */
struct tl_pcr_bank {
	uint16_t alg;
	uint16_t size;
	bool replayable;        /* false when the algorithm is not supported here */
	uint32_t extended;      /* bit i: PCR i was extended at least once */
	uint8_t pcr[TL_NUM_PCRS][TL_MAX_DIGEST];
};

struct tl_pcrs {
	size_t nbanks;
	struct tl_pcr_bank bank[TL_MAX_BANKS];
};

/* The reset value of a PCR (0 for 0-16 and 23; all 0xFF for 17-22); PCR 0 honours the
 * StartupLocality event. */
void tl_pcr_reset_value(const struct tl_log *log, uint32_t pcr, size_t size,
			uint8_t out[static TL_MAX_DIGEST]);
TL_MUST_CHECK int tl_log_replay(const struct tl_log *log, struct tl_pcrs *out);

#endif
