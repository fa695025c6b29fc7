/* Two sets of boot facts compared by component, each difference explained: the core of
 * baseline checks ("kernel command line changed from ... to ..."). */
#ifndef TRUSTLAUNCH_COMPARE_H
#define TRUSTLAUNCH_COMPARE_H

#include <jansson.h>
#include <stdbool.h>

#include "trustlaunch/err.h"

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
