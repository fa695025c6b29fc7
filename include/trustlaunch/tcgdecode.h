/* Events of a TCG log explained: a one-line summary for tables, everything as JSON. */
#ifndef TRUSTLAUNCH_TCGDECODE_H
#define TRUSTLAUNCH_TCGDECODE_H

#include <jansson.h>

#include "trustlaunch/buf.h"
#include "trustlaunch/tcglog.h"

/* One line of text describing the event's data (valid UTF-8, no control characters). */
void tl_event_summary(const struct tl_log *log, const struct tl_event *ev, struct tl_buf *out);
/* {"index","offset","pcr","type","type_name","digests":{alg:hex},"summary","data":{...},
 *  "flags":[...]} — NULL only when out of memory. */
json_t *tl_event_json(const struct tl_log *log, size_t index);

#endif
