/* The text level of HTTP/1.1 (RFC 9110, 9112) shared by the agent's answer reader
 * (src/agent/transport/http1.c) and the host's reader of a guest's requests
 * (src/lib/relay/request.c): lines, tokens and field values, all through the bounded reader. */
#ifndef TRUSTLAUNCH_HTTP1_TEXT_H
#define TRUSTLAUNCH_HTTP1_TEXT_H

#include <stdbool.h>
#include <stddef.h>

#include "trustlaunch/rd.h"

#define TL_HTTP1_MORE 1 /* the input ends before the line does */

/* The next line of rd without its CRLF: TL_OK, TL_HTTP1_MORE when rd ends first, or
 * TL_E_HTTP_MALFORMED for a bare LF or a CR not before LF. */
int tl_http1_line(struct tl_rd *rd, struct tl_bytes *line);
/* b[off .. off + n), clipped to b. */
struct tl_bytes tl_http1_slice(struct tl_bytes b, size_t off, size_t n);
/* A token character (RFC 9110 5.6.2). */
bool tl_http1_tchar(int c);
/* HTAB, SP, VCHAR and obs-text: what a reason phrase or field value may hold (RFC 9110 5.5,
 * RFC 9112 4). Everything else below 0x20, and DEL, is refused. */
bool tl_http1_text_ok(struct tl_bytes b);
/* A field name equal to want (lower case), ignoring ASCII case. */
bool tl_http1_name_is(struct tl_bytes name, const char *want);
/* The value without the optional whitespace around it. */
struct tl_bytes tl_http1_trim(struct tl_bytes v);

#endif
