/* Two sets of boot facts compared by component, each difference explained: the core of
 * baseline checks ("kernel command line changed from ... to ..."). */
#ifndef TRUSTLAUNCH_COMPARE_H
#define TRUSTLAUNCH_COMPARE_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "trustlaunch/err.h"

/* The components of facts a baseline is compared by, in the order differences are reported.
 * The names (tl_component_path) are the `component` of a difference and the tail of the
 * reason code `baseline.<component>`. */
enum tl_component {
	TL_COMP_SB_ENABLED,       /* secureboot.enabled */
	TL_COMP_SB_DEBUG_MODE,    /* secureboot.debug_mode */
	TL_COMP_SB_PK,            /* secureboot.pk */
	TL_COMP_SB_KEK,           /* secureboot.kek */
	TL_COMP_SB_DB,            /* secureboot.db */
	TL_COMP_SB_DBX,           /* secureboot.dbx */
	TL_COMP_SB_SBAT_LEVEL,    /* secureboot.sbat_level */
	TL_COMP_SB_AUTHORITIES,   /* secureboot.authorities */
	TL_COMP_SB_MOK,           /* secureboot.mok */
	TL_COMP_SB_MOK_TRUSTED,   /* secureboot.mok_list_trusted */
	TL_COMP_SCRTM_VERSION,    /* firmware.scrtm_version */
	TL_COMP_CONFIDENTIAL,     /* platform.confidential_technology */
	TL_COMP_EFI_APPS,         /* efi_apps */
	TL_COMP_GRUB_COMMANDS,    /* grub_commands */
	TL_COMP_KERNEL_CMDLINE,   /* kernel_cmdline */
	TL_COMP_MODULE_CMDLINES,  /* module_cmdlines */
	TL_COMP_FILES,            /* files */
	TL_COMP_EXIT_BOOT_SERVICES, /* exit_boot_services */
	TL_COMP_WIN_BOOT_DEBUGGING,/* windows.boot_debugging */
	TL_COMP_WIN_KERNEL_DEBUGGING,/* windows.kernel_debugging */
	TL_COMP_WIN_HYPERVISOR_DEBUGGING,/* windows.hypervisor_debugging */
	TL_COMP_WIN_TEST_SIGNING, /* windows.test_signing */
	TL_COMP_WIN_FLIGHT_SIGNING,/* windows.flight_signing */
	TL_COMP_WIN_CODE_INTEGRITY,/* windows.code_integrity */
	TL_COMP_WIN_HVCI_POLICY,  /* windows.hvci_policy */
	TL_COMP_WIN_DEP_POLICY,   /* windows.dep_policy */
	TL_COMP_WIN_SAFE_MODE,    /* windows.safe_mode */
	TL_COMP_WIN_WINPE,        /* windows.winpe */
	TL_COMP_WIN_HYPERVISOR_LAUNCH_TYPE,/* windows.hypervisor_launch_type */
	TL_COMP_WIN_SYSTEM_ROOT,  /* windows.system_root */
	TL_COMP_WIN_VBS_ENABLED,  /* windows.vbs.enabled */
	TL_COMP_WIN_VBS_REQUIRED, /* windows.vbs.required */
	TL_COMP_WIN_VBS_SECUREBOOT_REQUIRED,/* windows.vbs.secureboot_required */
	TL_COMP_WIN_VBS_IOMMU_REQUIRED,/* windows.vbs.iommu_required */
	TL_COMP_WIN_VBS_MANDATORY_ENFORCEMENT,/* windows.vbs.mandatory_enforcement */
	TL_COMP_WIN_VBS_MICROSOFT_BOOT_CHAIN_REQUIRED,/* windows.vbs.microsoft_boot_chain_required */
	TL_COMP_WIN_ELAM_DRIVERS, /* windows.elam_drivers */
	TL_COMP_WIN_LOADED_MODULES,/* windows.loaded_modules */
	TL_COMP_WIN_AUTHORITY_KEYS,/* windows.authority_keys */
	TL_COMP_COUNT
};
#define TL_COMP_BIT(c) (UINT64_C(1) << (c))

/* "secureboot.db" for TL_COMP_SB_DB; NULL for a value out of range. */
const char *tl_component_path(enum tl_component c);
/* The component of a path exactly (not a prefix: "secureboot.db" is not
 * "secureboot.dbx"); false when none is. */
bool tl_component_from_path(const char *path, enum tl_component *out);

/* An array of {"component", "message", "expected", "actual"} for every component of facts
 * (tl_facts_extract) that differs between expected and actual; empty when they agree.
 * NULL only when out of memory. */
json_t *tl_facts_compare(json_t *expected, json_t *actual);

/* A baseline: the components of facts (null where not measured), nothing else. NULL when
 * out of memory. */
json_t *tl_baseline_from_facts(json_t *facts);
/* Like tl_facts_compare, but only for the components the baseline names: a reference
 * manifest (tl predict --json) speaks only of what it could predict. */
json_t *tl_baseline_compare(json_t *baseline, json_t *actual);
/* True when every top-level key of doc is (the head of) a component; *bad names the first
 * that is not. */
bool tl_baseline_is_components(json_t *doc, const char **bad);

#endif
