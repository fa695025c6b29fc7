/* The request's framing (frame.c). */
#ifndef TL_SERVER_FRAME_H
#define TL_SERVER_FRAME_H

#include <stddef.h>

struct MHD_Connection;

/* NULL when the request's head is acceptable; else why not (for a 400 request.framing):
 * repeated or non-numeric Content-Length, Content-Length with Transfer-Encoding, HTTP/1.1
 * without exactly one Host, a NUL in the request line or a header. target_len: the request
 * target's length as received (the URI log callback's). */
const char *tl_frame_refusal(struct MHD_Connection *mc, const char *method, const char *version,
			     size_t target_len);

#endif
