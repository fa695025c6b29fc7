/* Configuration files of trustlaunchd and tl-agent: `name = value` lines, `#` comments,
 * blank lines. Names are the long options without their dashes. */
#ifndef TRUSTLAUNCH_CONF_H
#define TRUSTLAUNCH_CONF_H

#include <stdbool.h>

#include "trustlaunch/err.h"
#include "trustlaunch/rd.h"

#define TL_CONF_MAX_TEXT (1u << 20) /* bytes of one file */
#define TL_CONF_MAX_LINE 4096u      /* bytes of one line */

/* Receives one option; false when the name is unknown or the value bad. */
typedef bool (*tl_conf_set_fn)(void *ctx, const char *name, const char *value);

/* Calls set for each `name = value` line in order (name: [a-z0-9-]+, value: printable
 * ASCII, blanks around both trimmed, a trailing CR ignored). On a line that is not an
 * assignment, a longer line, or one set refuses: TL_E_ARG, *line its number from 1. */
TL_MUST_CHECK int tl_conf_parse(struct tl_bytes text, tl_conf_set_fn set, void *ctx,
				unsigned *line);

#endif
