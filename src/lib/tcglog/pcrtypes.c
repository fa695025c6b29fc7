/* Which event types the PC Client Platform Firmware Profile (section 3.3.4, "PCR usage")
 * allows in PCRs 0-7. The type is not covered by any digest, so a verifier must not let a
 * log relabel an event (say, the PCR 7 separator as EV_ACTION) without saying so. */
#include "facts.h"

#define T(x) (1ull << (x))
/* Bits 0-19 for the core types, 32+ for the EFI types (0x800000NN -> 32 + NN % 32). */
static uint64_t bit(uint32_t type)
{
	if (type <= TL_EV_POST_CODE2)
		return T(type);
	switch (type) {
	case TL_EV_EFI_VARIABLE_DRIVER_CONFIG: return T(33);
	case TL_EV_EFI_VARIABLE_BOOT: return T(34);
	case TL_EV_EFI_BOOT_SERVICES_APPLICATION: return T(35);
	case TL_EV_EFI_BOOT_SERVICES_DRIVER: return T(36);
	case TL_EV_EFI_RUNTIME_SERVICES_DRIVER: return T(37);
	case TL_EV_EFI_GPT_EVENT: return T(38);
	case TL_EV_EFI_ACTION: return T(39);
	case TL_EV_EFI_PLATFORM_FIRMWARE_BLOB: return T(40);
	case TL_EV_EFI_HANDOFF_TABLES: return T(41);
	case TL_EV_EFI_PLATFORM_FIRMWARE_BLOB2: return T(42);
	case TL_EV_EFI_HANDOFF_TABLES2: return T(43);
	case TL_EV_EFI_VARIABLE_BOOT2: return T(44);
	case TL_EV_EFI_GPT_EVENT2: return T(45);
	case TL_EV_EFI_HCRTM_EVENT: return T(46);
	case TL_EV_EFI_VARIABLE_AUTHORITY: return T(47);
	case TL_EV_EFI_SPDM_FIRMWARE_BLOB: return T(48);
	case TL_EV_EFI_SPDM_FIRMWARE_CONFIG: return T(49);
	default: return 0;
	}
}

#define COMMON (T(TL_EV_SEPARATOR) | T(TL_EV_NO_ACTION) | T(TL_EV_EVENT_TAG))
#define FW_BLOBS (T(40) | T(42) | T(48))

static const uint64_t allowed[8] = {
	/* 0: S-CRTM, host platform firmware */
	COMMON | T(TL_EV_POST_CODE) | T(TL_EV_POST_CODE2) | T(TL_EV_S_CRTM_CONTENTS) |
		T(TL_EV_S_CRTM_VERSION) | T(TL_EV_CPU_MICROCODE) | T(TL_EV_NONHOST_CODE) |
		T(TL_EV_NONHOST_CONFIG) | T(TL_EV_NONHOST_INFO) | T(46) | FW_BLOBS,
	/* 1: host platform configuration */
	COMMON | T(TL_EV_PLATFORM_CONFIG_FLAGS) | T(TL_EV_TABLE_OF_DEVICES) |
		T(TL_EV_CPU_MICROCODE) | T(TL_EV_NONHOST_CONFIG) | T(TL_EV_NONHOST_INFO) |
		T(TL_EV_POST_CODE) | T(33) | T(34) | T(44) | T(41) | T(43) | T(49),
	/* 2: UEFI drivers and applications, option ROM code */
	COMMON | T(TL_EV_POST_CODE) | T(TL_EV_POST_CODE2) | T(TL_EV_NONHOST_CODE) |
		T(TL_EV_NONHOST_INFO) | T(35) | T(36) | T(37) | FW_BLOBS,
	/* 3: UEFI driver and option ROM configuration */
	COMMON | T(TL_EV_NONHOST_CONFIG) | T(33) | T(49),
	/* 4: boot manager code and boot attempts */
	COMMON | T(TL_EV_ACTION) | T(TL_EV_IPL) | T(TL_EV_COMPACT_HASH) |
		T(TL_EV_OMIT_BOOT_DEVICE_EVENTS) | T(35) | T(36) | T(37) | T(39),
	/* 5: boot manager configuration, GPT, ExitBootServices */
	COMMON | T(TL_EV_ACTION) | T(TL_EV_IPL_PARTITION_DATA) | T(TL_EV_OMIT_BOOT_DEVICE_EVENTS) |
		T(33) | T(34) | T(38) | T(39) | T(45),
	/* 6: host platform manufacturer specific */
	COMMON | T(TL_EV_ACTION) | T(TL_EV_COMPACT_HASH) | T(39),
	/* 7: Secure Boot policy */
	COMMON | T(33) | T(39) | T(47),
};

bool tl_facts_type_allowed(uint32_t pcr, uint32_t type)
{
	return pcr > 7 || (bit(type) & allowed[pcr]) != 0;
}
