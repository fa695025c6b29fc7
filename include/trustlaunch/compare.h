/* Two sets of boot facts compared by component, each difference explained: the core of
 * baseline checks ("kernel command line changed from ... to ..."). */
#ifndef TRUSTLAUNCH_COMPARE_H
#define TRUSTLAUNCH_COMPARE_H

#include <jansson.h>

#include "trustlaunch/err.h"

/* An array of {"component", "message", "expected", "actual"} for every component of facts
 * (tl_facts_extract) that differs between expected and actual; empty when they agree.
 * NULL only when out of memory. */
json_t *tl_facts_compare(json_t *expected, json_t *actual);

#endif
