/* What a TCG event log says about a boot, taken only from events that replay, under strict
 * rules. Facts are a JSON document because their consumers (baselines compared by
 * component, the API, the CLI) all want them as data; see docs/facts.md for the schema. */
#ifndef TRUSTLAUNCH_FACTS_H
#define TRUSTLAUNCH_FACTS_H

#include <jansson.h>

#include "trustlaunch/tcglog.h"

#define TL_PCRS_ALL 0x00FFFFFFu

/* Extracts facts from the events of the PCRs in trusted (bit i = PCR i replays to a value
 * the caller trusts, e.g. a quoted one). Every rule broken adds an entry to "reasons";
 * "valid" is true when there is none. Returns TL_OK with *out set, or TL_E_NOMEM. */
TL_MUST_CHECK int tl_facts_extract(const struct tl_log *log, uint32_t trusted, json_t **out);

/* Token claims of a Windows boot from its facts, in the spirit of Azure's guest attestation
 * claims (docs/windows.md): {is_windows, bootdebug_enabled, kerneldebug_enabled,
 * hypervisordebug_enabled, debuggers_disabled, testsigning_enabled, flightsigning_enabled,
 * signing_disabled, hvci_policy, vbs_enabled, elam_enabled, boot_count, cold_boot, os_build};
 * a setting not measured is null. {"is_windows": false} for another OS; NULL when out of
 * memory. The facts must come from tl_facts_extract over trusted PCRs only. */
json_t *tl_facts_windows_claims(json_t *facts);

#endif
